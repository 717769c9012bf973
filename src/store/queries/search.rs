//! Full-text search: the statement is shared, the full-text clause is the backend's own
//! (`full_text` in `sqlite.rs` and `postgres.rs`).

use sqlx::{FromRow, QueryBuilder};

use super::super::full_text;
use super::{Db, Handle};
use crate::domain::search::SearchQuery;
use crate::store::StoreResult;
use crate::store::annotations::{NoteFilter, OwnedNote};
use crate::store::search::{NoteHit, NotePage, PassageHit, PassagePage};
use crate::store::{StoreError, Timestamp};

use super::annotations::{NoteRow, SELECT_NOTE};

#[derive(FromRow)]
struct NoteHitRow {
    #[sqlx(flatten)]
    note: NoteRow,
    title: String,
    score: f64,
}

/// Who may see a note, as `NoteFilter` says, for a query being built.
fn push_visibility(q: &mut QueryBuilder<Db>, filter: NoteFilter) {
    match filter {
        NoteFilter::Public => q.push("n.visibility = 'public'"),
        NoteFilter::Team => q.push("n.visibility in ('public', 'team')"),
        NoteFilter::Viewer(id) => q
            .push("(n.visibility in ('public', 'team') or n.analyst_id = ")
            .push_bind(id)
            .push(")"),
        NoteFilter::Author(id) => q.push("n.analyst_id = ").push_bind(id),
        NoteFilter::Everyone => q.push("1 = 1"),
    };
}

/// The `where …` of a note search after `SELECT_NOTE`.
fn push_notes(
    q: &mut QueryBuilder<Db>,
    query: &SearchQuery,
    filter: NoteFilter,
    compiled: &str,
) -> StoreResult<()> {
    q.push(" where ");
    push_visibility(q, filter);
    if query.has_words() {
        q.push(" and ");
        full_text::push_note_match(q, compiled);
    }
    let filters = &query.filters;
    let any_of = |q: &mut QueryBuilder<Db>, column: &str, values: &[String]| {
        if !values.is_empty() {
            q.push(format!(" and {column} in ("));
            let mut list = q.separated(", ");
            for value in values {
                list.push_bind(value.clone());
            }
            q.push(")");
        }
    };
    any_of(q, "d.slug", &filters.documents);
    any_of(q, "a.name", &filters.authors);
    any_of(q, "n.motivation", &filters.motivations);
    any_of(q, "n.anchor_status", &filters.statuses);
    for tag in &filters.tags {
        // Tags are kept as a JSON array: look for the tag as JSON writes it, quotes included.
        let needle =
            serde_json::to_string(tag).map_err(|e| StoreError::Malformed(e.to_string()))?;
        q.push(" and ");
        full_text::push_contains(q, "n.tags", needle);
    }
    if let Some(after) = &filters.after {
        q.push(" and n.created >= ").push_bind(start_of(after)?);
    }
    if let Some(before) = &filters.before {
        q.push(" and n.created < ").push_bind(start_of(before)?);
    }
    Ok(())
}

/// The first instant of a date given as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn start_of(date: &str) -> StoreResult<Timestamp> {
    let full = match date.len() {
        4 => format!("{date}-01-01"),
        7 => format!("{date}-01"),
        _ => date.to_owned(),
    };
    Timestamp::parse(&format!("{full}T00:00:00Z"))
}

#[derive(FromRow)]
struct HitRow {
    slug: String,
    title: String,
    ordinal: i64,
    id: i64,
    text: String,
    score: f64,
}

#[derive(FromRow)]
struct NamedRow {
    paragraph_id: i64,
    id: String,
    name: String,
}

/// The `from … where …` of a passage search: the full-text match when there are words,
/// then the filters.
fn push_passages(q: &mut QueryBuilder<Db>, query: &SearchQuery, compiled: &str) {
    q.push(" from paragraphs p join documents d on d.id = p.document_id where ");
    if query.has_words() {
        full_text::push_match(q, compiled);
    } else {
        q.push("1 = 1");
    }
    let filters = &query.filters;
    if !filters.documents.is_empty() {
        q.push(" and d.slug in (");
        let mut list = q.separated(", ");
        for slug in &filters.documents {
            list.push_bind(slug.as_str());
        }
        q.push(")");
    }
    for actor in &filters.actors {
        q.push(
            " and exists (select 1 from mentions m where m.paragraph_id = p.id and lower(m.actor_id) = ",
        );
        q.push_bind(actor.as_str());
        q.push(")");
    }
    if let Some(after) = &filters.after {
        q.push(" and d.published >= ").push_bind(after.as_str());
    }
    if let Some(before) = &filters.before {
        q.push(" and d.published < ").push_bind(before.as_str());
    }
}

impl Handle {
    pub(in crate::store) async fn search_passages(
        &self,
        query: &SearchQuery,
        offset: i64,
        limit: i64,
    ) -> StoreResult<PassagePage> {
        let compiled = full_text::compile(query);
        let mut count = QueryBuilder::new("select count(*)");
        push_passages(&mut count, query, &compiled);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut select = QueryBuilder::new("select d.slug, d.title, p.ordinal, p.id, p.text, ");
        if query.has_words() {
            full_text::push_score(&mut select, &compiled);
        } else {
            select.push("cast(0 as double precision)");
        }
        select.push(" as score");
        push_passages(&mut select, query, &compiled);
        select
            .push(" order by score desc, d.slug, p.ordinal limit ")
            .push_bind(limit)
            .push(" offset ")
            .push_bind(offset);
        let rows: Vec<HitRow> = select.build_query_as().fetch_all(&self.pool).await?;
        let mut named: Vec<NamedRow> = Vec::new();
        if !rows.is_empty() {
            let mut q = QueryBuilder::new(
                "select m.paragraph_id, a.id, a.name from mentions m join actors a on a.id = m.actor_id
                 where m.paragraph_id in (",
            );
            let mut list = q.separated(", ");
            for row in &rows {
                list.push_bind(row.id);
            }
            q.push(") group by m.paragraph_id, a.id, a.name order by m.paragraph_id, count(*) desc, a.name");
            named = q.build_query_as().fetch_all(&self.pool).await?;
        }
        let hits = rows
            .into_iter()
            .map(|r| PassageHit {
                actors: named
                    .iter()
                    .filter(|n| n.paragraph_id == r.id)
                    .map(|n| (n.id.clone(), n.name.clone()))
                    .collect(),
                slug: r.slug,
                title: r.title,
                paragraph: r.ordinal,
                paragraph_id: r.id,
                text: r.text,
                score: r.score,
            })
            .collect();
        Ok(PassagePage { hits, total })
    }
}

impl Handle {
    pub(in crate::store) async fn search_notes(
        &self,
        query: &SearchQuery,
        filter: NoteFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<NotePage> {
        let compiled = full_text::compile(query);
        let mut count = QueryBuilder::new(
            "select count(*) from annotations n join documents d on d.id = n.document_id
             join analysts a on a.id = n.analyst_id",
        );
        push_notes(&mut count, query, filter, &compiled)?;
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let (columns, tables) = SELECT_NOTE
            .split_once(" from ")
            .ok_or_else(|| StoreError::Malformed("the note query has no from".into()))?;
        let mut select = QueryBuilder::new(format!("{columns}, d.title, "));
        if query.has_words() {
            full_text::push_note_score(&mut select, &compiled);
        } else {
            select.push("cast(0 as double precision)");
        }
        select.push(" as score from ").push(tables);
        push_notes(&mut select, query, filter, &compiled)?;
        select
            .push(" order by score desc, n.created desc, n.id limit ")
            .push_bind(limit)
            .push(" offset ")
            .push_bind(offset);
        let rows: Vec<NoteHitRow> = select.build_query_as().fetch_all(&self.pool).await?;
        let hits = rows
            .into_iter()
            .map(|row| {
                Ok(NoteHit {
                    title: row.title,
                    score: row.score,
                    note: OwnedNote::try_from(row.note)?.note,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(NotePage { hits, total })
    }
}
