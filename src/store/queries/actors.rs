//! The actor gazetteer as stored.

use sqlx::FromRow;

use super::{Db, Handle};
use crate::domain::actors::{Actor, ActorKind, Alias, Gazetteer};
use crate::store::StoreError;
use crate::store::StoreResult;
use crate::store::actors::{
    ActorRecord, CoMention, Form, MentionPage, MentionedIn, parse_rule, rule_name,
};

#[derive(FromRow)]
struct ActorRow {
    id: String,
    name: String,
    kind: String,
    wikidata: Option<String>,
    affiliation: Option<String>,
    role: Option<String>,
    tone: i64,
    mentions: i64,
    documents: i64,
}

#[derive(FromRow)]
struct AliasRow {
    actor_id: String,
    alias: String,
    rule: String,
}

impl Handle {
    pub(in crate::store) async fn sync_actors(&self, gazetteer: &Gazetteer) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("delete from actor_aliases")
            .execute(&mut *tx)
            .await?;
        for actor in gazetteer.actors() {
            sqlx::query(
                "insert into actors (id, name, kind, wikidata, affiliation, role, tone)
                 values ($1, $2, $3, $4, $5, $6, $7)
                 on conflict (id) do update set name = excluded.name, kind = excluded.kind,
                   wikidata = excluded.wikidata, affiliation = excluded.affiliation,
                   role = excluded.role, tone = excluded.tone",
            )
            .bind(&actor.id)
            .bind(&actor.name)
            .bind(actor.kind.as_str())
            .bind(&actor.wikidata)
            .bind(&actor.affiliation)
            .bind(&actor.role)
            .bind(i64::from(actor.tone))
            .execute(&mut *tx)
            .await?;
            for (ordinal, alias) in actor.aliases.iter().enumerate() {
                sqlx::query(
                    "insert into actor_aliases (alias, actor_id, rule, ordinal) values ($1, $2, $3, $4)",
                )
                .bind(&alias.text)
                .bind(&actor.id)
                .bind(rule_name(alias.rule))
                .bind(ordinal as i64)
                .execute(&mut *tx)
                .await?;
            }
        }
        self.commit(tx).await?;
        Ok(())
    }

    pub(in crate::store) async fn prune_actors(&self, gazetteer: &Gazetteer) -> StoreResult<u64> {
        let keep: std::collections::HashSet<&str> =
            gazetteer.actors().iter().map(|a| a.id.as_str()).collect();
        let mut tx = self.write().await?;
        let unmentioned: Vec<String> = sqlx::query_scalar(
            "select id from actors a where not exists (select 1 from mentions m where m.actor_id = a.id)",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut deleted = 0;
        for id in unmentioned.iter().filter(|id| !keep.contains(id.as_str())) {
            deleted += sqlx::query("delete from actors where id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        self.commit(tx).await?;
        Ok(deleted)
    }

    pub(in crate::store) async fn list_actors(&self) -> StoreResult<Vec<ActorRecord>> {
        let rows: Vec<ActorRow> = sqlx::query_as(
            "select a.id, a.name, a.kind, a.wikidata, a.affiliation, a.role, a.tone,
                    count(m.actor_id) as mentions,
                    count(distinct p.document_id) as documents
             from actors a
             left join mentions m on m.actor_id = a.id
             left join paragraphs p on p.id = m.paragraph_id
             group by a.id
             order by mentions desc, a.name",
        )
        .fetch_all(&self.pool)
        .await?;
        let aliases: Vec<AliasRow> = sqlx::query_as(
            "select actor_id, alias, rule from actor_aliases order by actor_id, ordinal",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let kind = ActorKind::parse(&row.kind)
                    .ok_or_else(|| StoreError::Malformed(format!("actor kind {}", row.kind)))?;
                let aliases = aliases
                    .iter()
                    .filter(|a| a.actor_id == row.id)
                    .map(|a| Alias {
                        text: a.alias.clone(),
                        rule: parse_rule(&a.rule),
                    })
                    .collect();
                Ok(ActorRecord {
                    actor: Actor {
                        id: row.id,
                        name: row.name,
                        kind,
                        wikidata: row.wikidata,
                        affiliation: row.affiliation,
                        role: row.role,
                        aliases,
                        tone: u8::try_from(row.tone).unwrap_or(0),
                    },
                    mentions: row.mentions,
                    documents: row.documents,
                })
            })
            .collect()
    }
}

#[derive(FromRow)]
struct MentionRow {
    id: i64,
    slug: String,
    title: String,
    ordinal: i64,
    text: String,
}

impl Handle {
    pub(in crate::store) async fn actor_forms(&self, id: &str) -> StoreResult<Vec<Form>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "select matched, count(*) as count from mentions where actor_id = $1
             group by matched order by count desc, matched",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(text, count)| Form { text, count })
            .collect())
    }

    pub(in crate::store) async fn co_mentioned(
        &self,
        id: &str,
        limit: i64,
    ) -> StoreResult<Vec<CoMention>> {
        let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "select a.id, a.name, a.tone, count(distinct o.paragraph_id) as paragraphs
             from mentions m
             join mentions o on o.paragraph_id = m.paragraph_id and o.actor_id <> m.actor_id
             join actors a on a.id = o.actor_id
             where m.actor_id = $1
             group by a.id, a.name, a.tone
             order by paragraphs desc, a.name limit $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, tone, paragraphs)| CoMention {
                id,
                name,
                tone: u8::try_from(tone).unwrap_or(0),
                paragraphs,
            })
            .collect())
    }

    pub(in crate::store) async fn actor_mentions(
        &self,
        id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<MentionPage> {
        let total: i64 = sqlx::query_scalar(
            "select count(distinct paragraph_id) from mentions where actor_id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let rows: Vec<MentionRow> = sqlx::query_as(
            "select p.id, d.slug, d.title, p.ordinal, p.text from paragraphs p
             join documents d on d.id = p.document_id
             where p.id in (select paragraph_id from mentions where actor_id = $1)
             order by d.slug, p.ordinal limit $2 offset $3",
        )
        .bind(id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let mut spans: Vec<(i64, i64, i64)> = Vec::new();
        if !rows.is_empty() {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "select paragraph_id, start_cp, end_cp from mentions where actor_id = ",
            );
            q.push_bind(id.to_owned()).push(" and paragraph_id in (");
            let mut list = q.separated(", ");
            for row in &rows {
                list.push_bind(row.id);
            }
            q.push(") order by paragraph_id, start_cp");
            spans = q.build_query_as().fetch_all(&self.pool).await?;
        }
        let paragraphs = rows
            .into_iter()
            .map(|row| MentionedIn {
                mentions: spans
                    .iter()
                    .filter(|(p, _, _)| *p == row.id)
                    .map(|(_, start, end)| *start as usize..*end as usize)
                    .collect(),
                slug: row.slug,
                title: row.title,
                paragraph: row.ordinal,
                text: row.text,
            })
            .collect();
        Ok(MentionPage { paragraphs, total })
    }
}

impl Handle {
    pub(in crate::store) async fn actor_timeline(
        &self,
        id: &str,
    ) -> StoreResult<Vec<crate::domain::timeline::Period>> {
        let rows: Vec<(Option<String>, i64, i64)> = sqlx::query_as(
            "select substr(d.published, 1, 7) as period, count(*) as mentions,
                    count(distinct d.id) as documents
             from mentions m join paragraphs p on p.id = m.paragraph_id
             join documents d on d.id = p.document_id
             where m.actor_id = $1
             group by substr(d.published, 1, 7)
             order by case when substr(d.published, 1, 7) is null then 1 else 0 end, period",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(label, mentions, documents)| crate::domain::timeline::Period {
                    label,
                    mentions,
                    documents,
                },
            )
            .collect())
    }
}
