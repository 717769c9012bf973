//! The actor gazetteer as stored.

use sqlx::FromRow;

use super::{Db, Handle};
use crate::domain::actors::{Actor, ActorKind, Addition, Alias, Gazetteer};
use crate::domain::cooccurrence::Pair;
use crate::store::StoreError;
use crate::store::StoreResult;
use crate::store::actors::{
    ActorRecord, CoMention, Form, MentionPage, MentionedIn, UnknownName, UnknownNames, parse_rule,
    rule_name,
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
                    coalesce(t.mentions, 0) as mentions, coalesce(t.documents, 0) as documents
             from actors a left join actor_totals t on t.actor_id = a.id
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

impl Handle {
    pub(in crate::store) async fn actor_forms(&self, id: &str) -> StoreResult<Vec<Form>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "select matched, mentions from form_totals where actor_id = $1
             order by mentions desc, matched",
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
        let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
            "select a.id, a.name, a.tone, c.sentences, c.paragraphs
             from (select actor_b as other, sentences, paragraphs from pair_totals
                   where actor_a = $1
                   union all
                   select actor_a as other, sentences, paragraphs from pair_totals
                   where actor_b = $1) c
             join actors a on a.id = c.other
             order by c.sentences desc, c.paragraphs desc, a.name limit $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, tone, sentences, paragraphs)| CoMention {
                id,
                name,
                tone: u8::try_from(tone).unwrap_or(0),
                sentences,
                paragraphs,
            })
            .collect())
    }

    pub(in crate::store) async fn corpus_pairs(&self) -> StoreResult<Vec<Pair>> {
        let rows: Vec<(String, String, i64, i64)> =
            sqlx::query_as("select actor_a, actor_b, sentences, paragraphs from pair_totals")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(a, b, sentences, paragraphs)| Pair {
                a,
                b,
                sentences: usize::try_from(sentences).unwrap_or(0),
                paragraphs: usize::try_from(paragraphs).unwrap_or(0),
            })
            .collect())
    }

    pub(in crate::store) async fn actor_mentions(
        &self,
        id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<MentionPage> {
        // Each document's count of sentences naming the actor places the page among the
        // documents (a running sum in slug order), so only the documents on the page are read
        // mention by mention.
        let total: i64 = sqlx::query_scalar(
            "select coalesce(max(sentences), 0) from actor_totals where actor_id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let placed: Vec<(i64, i64, i64)> = sqlx::query_as(
            "select document_id, sentences, running from (
                 select t.document_id, t.sentences,
                        cast(sum(t.sentences) over (order by d.slug) as bigint) as running
                 from document_actors t join documents d on d.id = t.document_id
                 where t.actor_id = $1) r
             where running > $2 and running - sentences < $3
             order by running",
        )
        .bind(id)
        .bind(offset)
        .bind(offset.saturating_add(limit))
        .fetch_all(&self.pool)
        .await?;
        let skip = placed
            .first()
            .map_or(0, |(_, sentences, running)| offset - (running - sentences));
        let on_page: Vec<i64> = placed.iter().map(|p| p.0).collect();
        if on_page.is_empty() {
            return Ok(MentionPage {
                sentences: Vec::new(),
                total,
            });
        }
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "select p.id, d.slug, d.title, p.ordinal, p.text,
                    coalesce(m.sentence_start_cp, 0) as sentence_start,
                    coalesce(m.sentence_end_cp, -1) as sentence_end,
                    m.actor_id, m.start_cp, m.end_cp
             from paragraphs p join documents d on d.id = p.document_id
             join mentions m on m.paragraph_id = p.id
             where p.document_id in (",
        );
        let mut list = q.separated(", ");
        for document in &on_page {
            list.push_bind(*document);
        }
        q.push(") order by d.slug, p.ordinal, m.start_cp");
        let rows: Vec<PageMentionRow> = q.build_query_as().fetch_all(&self.pool).await?;
        // Rows come in text order, so a sentence's mentions are consecutive.
        let mut sentences: Vec<(SentenceRow, Vec<Span>)> = Vec::new();
        for row in rows.into_iter().filter(|r| r.actor_id == id) {
            let span = (row.sentence.id, row.start_cp, row.end_cp);
            match sentences.last_mut() {
                Some((last, spans))
                    if last.id == row.sentence.id
                        && last.sentence_start == row.sentence.sentence_start =>
                {
                    spans.push(span);
                }
                _ => sentences.push((row.sentence, vec![span])),
            }
        }
        let sentences = sentences
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(0))
            .take(usize::try_from(limit).unwrap_or(0))
            .map(|(row, spans)| sentence_of(row, &spans))
            .collect();
        Ok(MentionPage { sentences, total })
    }

    pub(in crate::store) async fn unknown_names(
        &self,
        offset: i64,
        limit: i64,
    ) -> StoreResult<UnknownNames> {
        // A name seen only as one sentence-opening word is capitalised by its place.
        let total: i64 = sqlx::query_scalar(
            "select count(*) from (select n.text from name_candidates n group by n.text
             having sum(n.sentence_initial) < count(*)) k",
        )
        .fetch_one(&self.pool)
        .await?;
        let counted: Vec<(String, i64, i64)> = sqlx::query_as(
            "select n.text, count(*) as uses, count(distinct p.document_id) as documents
             from name_candidates n join paragraphs p on p.id = n.paragraph_id
             group by n.text having sum(n.sentence_initial) < count(*)
             order by uses desc, documents desc, n.text limit $1 offset $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let mut examples: Vec<(String, SentenceRow, i64, i64)> = Vec::new();
        if !counted.is_empty() {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "select name, id, slug, title, ordinal, text, sentence_start, sentence_end,
                        start_cp, end_cp
                 from (select n.text as name, p.id, d.slug, d.title, p.ordinal, p.text,
                              n.sentence_start_cp as sentence_start,
                              n.sentence_end_cp as sentence_end, n.start_cp, n.end_cp,
                              row_number() over (partition by n.text
                                  order by n.sentence_initial, d.slug, p.ordinal, n.start_cp) as nth
                       from name_candidates n join paragraphs p on p.id = n.paragraph_id
                       join documents d on d.id = p.document_id
                       where n.text in (",
            );
            let mut list = q.separated(", ");
            for (text, _, _) in &counted {
                list.push_bind(text.clone());
            }
            q.push(")) e where nth <= 2 order by name, nth");
            let rows: Vec<ExampleRow> = q.build_query_as().fetch_all(&self.pool).await?;
            examples = rows
                .into_iter()
                .map(|r| (r.name, r.sentence, r.start_cp, r.end_cp))
                .collect();
        }
        let names = counted
            .into_iter()
            .map(|(text, count, documents)| {
                let examples = examples
                    .iter()
                    .filter(|e| e.0 == text)
                    .map(|(_, row, start, end)| sentence_of(row.clone(), &[(row.id, *start, *end)]))
                    .collect();
                UnknownName {
                    text,
                    count,
                    documents,
                    examples,
                }
            })
            .collect();
        Ok(UnknownNames { names, total })
    }
}

#[derive(FromRow, Clone)]
struct SentenceRow {
    id: i64,
    slug: String,
    title: String,
    ordinal: i64,
    text: String,
    sentence_start: i64,
    sentence_end: i64,
}

/// A mention as (paragraph id, start, end) in code points.
type Span = (i64, i64, i64);

#[derive(FromRow)]
struct PageMentionRow {
    #[sqlx(flatten)]
    sentence: SentenceRow,
    actor_id: String,
    start_cp: i64,
    end_cp: i64,
}

#[derive(FromRow)]
struct ExampleRow {
    name: String,
    #[sqlx(flatten)]
    sentence: SentenceRow,
    start_cp: i64,
    end_cp: i64,
}

/// A sentence with the spans (paragraph, start, end) that fall inside it; an end of -1 is the
/// paragraph's end.
fn sentence_of(row: SentenceRow, spans: &[Span]) -> MentionedIn {
    let start = usize::try_from(row.sentence_start).unwrap_or(0);
    let end = usize::try_from(row.sentence_end).unwrap_or_else(|_| row.text.chars().count());
    MentionedIn {
        mentions: spans
            .iter()
            .filter(|(p, s, e)| {
                *p == row.id
                    && usize::try_from(*s).is_ok_and(|s| s >= start)
                    && usize::try_from(*e).is_ok_and(|e| e <= end)
            })
            .map(|(_, s, e)| *s as usize..*e as usize)
            .collect(),
        sentence: start..end,
        slug: row.slug,
        title: row.title,
        paragraph: row.ordinal,
        text: row.text,
    }
}

impl Handle {
    pub(in crate::store) async fn actor_timeline(
        &self,
        id: &str,
    ) -> StoreResult<Vec<crate::domain::timeline::Period>> {
        let rows: Vec<(Option<String>, i64, i64)> = sqlx::query_as(
            "select period, mentions, documents from timeline_totals where actor_id = $1
             order by case when period is null then 1 else 0 end, period",
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

type AdditionRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Handle {
    pub(in crate::store) async fn gazetteer_additions(&self) -> StoreResult<Vec<Addition>> {
        let rows: Vec<AdditionRow> = sqlx::query_as(
            "select actor_id, alias, name, kind, affiliation, role from gazetteer_additions
             order by id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(actor_id, alias, name, kind, affiliation, role)| {
                Ok(match (alias, name, kind) {
                    (Some(alias), _, _) => Addition::Alias { actor_id, alias },
                    (None, Some(name), Some(kind)) => Addition::Actor {
                        kind: ActorKind::parse(&kind).ok_or_else(|| {
                            StoreError::Malformed(format!("gazetteer addition kind {kind}"))
                        })?,
                        id: actor_id,
                        name,
                        affiliation,
                        role,
                        aliases: Vec::new(),
                    },
                    _ => {
                        return Err(StoreError::Malformed(format!(
                            "gazetteer addition for {actor_id} has neither alias nor name"
                        )));
                    }
                })
            })
            .collect()
    }

    pub(in crate::store) async fn add_gazetteer_addition(
        &self,
        addition: &Addition,
        analyst: &str,
    ) -> StoreResult<()> {
        let now = crate::store::timestamp::Timestamp::now();
        let mut tx = self.write().await?;
        let insert = |actor_id: &str,
                      alias: Option<&str>,
                      name: Option<&str>,
                      kind: Option<&str>,
                      affiliation: Option<&str>,
                      role: Option<&str>| {
            sqlx::query(
                "insert into gazetteer_additions
                 (actor_id, alias, name, kind, affiliation, role, added_by, added_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(actor_id.to_owned())
            .bind(alias.map(str::to_owned))
            .bind(name.map(str::to_owned))
            .bind(kind.map(str::to_owned))
            .bind(affiliation.map(str::to_owned))
            .bind(role.map(str::to_owned))
            .bind(analyst.to_owned())
            .bind(now)
        };
        match addition {
            Addition::Alias { actor_id, alias } => {
                insert(actor_id, Some(alias), None, None, None, None)
                    .execute(&mut *tx)
                    .await?;
            }
            Addition::Actor {
                id,
                name,
                kind,
                affiliation,
                role,
                aliases,
            } => {
                insert(
                    id,
                    None,
                    Some(name),
                    Some(kind.as_str()),
                    affiliation.as_deref(),
                    role.as_deref(),
                )
                .execute(&mut *tx)
                .await?;
                for alias in aliases {
                    insert(id, Some(alias), None, None, None, None)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        self.commit(tx).await?;
        Ok(())
    }

    pub(in crate::store) async fn refresh_actor_totals(&self) -> StoreResult<()> {
        let mut tx = self.write().await?;
        for statement in [
            "delete from actor_totals",
            "insert into actor_totals (actor_id, mentions, documents, sentences)
             select actor_id, sum(mentions), count(*), sum(sentences) from document_actors
             group by actor_id",
            "delete from form_totals",
            "insert into form_totals (actor_id, matched, mentions)
             select actor_id, matched, sum(mentions) from document_forms
             group by actor_id, matched",
            "delete from timeline_totals",
            "insert into timeline_totals (actor_id, period, mentions, documents)
             select t.actor_id, substr(d.published, 1, 7), sum(t.mentions), count(*)
             from document_actors t join documents d on d.id = t.document_id
             group by t.actor_id, substr(d.published, 1, 7)",
            "delete from pair_totals",
            "insert into pair_totals (actor_a, actor_b, sentences, paragraphs)
             select actor_a, actor_b, sum(sentences), sum(paragraphs) from co_mentions
             group by actor_a, actor_b",
        ] {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        self.commit(tx).await?;
        Ok(())
    }
}
