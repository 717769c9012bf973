//! The actor gazetteer as stored.

use sqlx::FromRow;

use super::{Store, StoreError, StoreResult};
use crate::domain::actors::{Actor, ActorKind, Alias, AliasRule, Gazetteer};

/// An actor with how often the corpus names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRecord {
    /// The actor.
    pub actor: Actor,
    /// Mentions across all documents.
    pub mentions: i64,
    /// Documents that name it.
    pub documents: i64,
}

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

fn rule_name(rule: AliasRule) -> &'static str {
    match rule {
        AliasRule::Anywhere => "anywhere",
        AliasRule::NotBeforeName => "not_before_name",
        AliasRule::BeforeHyphenOnly => "before_hyphen_only",
    }
}

fn parse_rule(name: &str) -> AliasRule {
    match name {
        "not_before_name" => AliasRule::NotBeforeName,
        "before_hyphen_only" => AliasRule::BeforeHyphenOnly,
        _ => AliasRule::Anywhere,
    }
}

impl Store {
    /// Inserts or updates every actor of the gazetteer and replaces all aliases.
    /// Actors no longer in the gazetteer are removed later by [`Store::prune_actors`], once
    /// documents have been re-matched and no mention refers to them.
    pub async fn sync_actors(&self, gazetteer: &Gazetteer) -> StoreResult<()> {
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

    /// Deletes actors that are neither in `gazetteer` nor mentioned anywhere.
    pub async fn prune_actors(&self, gazetteer: &Gazetteer) -> StoreResult<u64> {
        let keep: Vec<&str> = gazetteer.actors().iter().map(|a| a.id.as_str()).collect();
        let keep =
            serde_json::to_string(&keep).map_err(|e| StoreError::Malformed(e.to_string()))?;
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "delete from actors
             where id not in (select value from json_each($1))
               and not exists (select 1 from mentions m where m.actor_id = actors.id)",
        )
        .bind(keep)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected())
    }

    /// Every stored actor with its aliases and mention counts, most-named first.
    pub async fn list_actors(&self) -> StoreResult<Vec<ActorRecord>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "[[actor]]\nid = \"RUS\"\nname = \"Russia\"\nkind = \"state\"\naliases = [\"Moscow\"]\n[[actor]]\nid = \"CHN\"\nname = \"China\"\nkind = \"state\"\n";

    #[tokio::test]
    async fn actors_sync_list_and_prune() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).await.unwrap();
        store
            .sync_actors(&Gazetteer::parse(TWO).unwrap())
            .await
            .unwrap();
        let listed = store.list_actors().await.unwrap();
        assert_eq!(listed.len(), 2);
        let russia = listed.iter().find(|a| a.actor.id == "RUS").unwrap();
        assert_eq!(russia.actor.aliases.len(), 2);
        assert_eq!(russia.mentions, 0);

        let only_china =
            Gazetteer::parse("[[actor]]\nid = \"CHN\"\nname = \"China\"\nkind = \"state\"\n")
                .unwrap();
        store.sync_actors(&only_china).await.unwrap();
        assert_eq!(store.prune_actors(&only_china).await.unwrap(), 1);
        let ids: Vec<_> = store
            .list_actors()
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.actor.id)
            .collect();
        assert_eq!(ids, vec!["CHN".to_string()]);
    }
}
