//! Full-text search: the statement is shared, the full-text clause is the backend's own
//! (`full_text` in `sqlite.rs` and `postgres.rs`).

use sqlx::{FromRow, QueryBuilder};

use super::super::full_text;
use super::{Db, Handle};
use crate::domain::search::SearchQuery;
use crate::store::StoreResult;
use crate::store::search::{PassageHit, PassagePage};

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
            " and exists (select 1 from mentions m where m.paragraph_id = p.id and m.actor_id = ",
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
