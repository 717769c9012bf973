//! Full-text search: the statement is shared, the full-text clause is the backend's own
//! (`full_text` in `sqlite.rs` and `postgres.rs`).

use sqlx::{FromRow, QueryBuilder};

use super::super::full_text;
use super::{Db, Handle};
use crate::domain::search::SearchQuery;
use crate::store::StoreResult;
use crate::store::annotations::{NoteFilter, OwnedNote};
use crate::store::search::{
    FACET_VALUES, Facet, FacetValue, Facets, NoteField, NoteHit, NoteOrder, NotePage, NoteSearch,
    PassageHit, PassagePage,
};
use crate::store::{StoreError, Timestamp};

use super::annotations::{NoteRow, SELECT_NOTE};

#[derive(FromRow)]
struct NoteHitRow {
    #[sqlx(flatten)]
    note: NoteRow,
    title: String,
    paragraph: Option<i64>,
    score: f64,
}

/// Who may see a note, as `NoteFilter` says, for a query being built.
pub(super) fn push_visibility(q: &mut QueryBuilder<Db>, filter: NoteFilter) {
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

/// A note search's queries compiled for the backend's full-text engine.
struct CompiledNotes {
    anywhere: Option<String>,
    in_body: Option<String>,
    in_quote: Option<String>,
}

impl CompiledNotes {
    fn new(search: &NoteSearch) -> CompiledNotes {
        let words = |q: &SearchQuery| q.has_words().then(|| full_text::compile(q));
        CompiledNotes {
            anywhere: words(&search.query),
            in_body: search.in_body.as_ref().and_then(words),
            in_quote: search.in_quote.as_ref().and_then(words),
        }
    }
}

/// The `where …` of a note search after `SELECT_NOTE`'s tables.
fn push_notes(
    q: &mut QueryBuilder<Db>,
    query: &SearchQuery,
    filter: NoteFilter,
    compiled: &CompiledNotes,
) -> StoreResult<()> {
    q.push(" where d.archived_at is null and ");
    push_visibility(q, filter);
    if let Some(words) = &compiled.anywhere {
        q.push(" and ");
        full_text::push_note_match(q, words);
    }
    for (field, words) in [
        (NoteField::Body, &compiled.in_body),
        (NoteField::Quote, &compiled.in_quote),
    ] {
        if let Some(words) = words {
            q.push(" and ");
            full_text::push_note_field_match(q, field, words);
        }
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
    if !filters.statuses.is_empty() {
        // A note on the whole document is stored as "exact" but has no anchor to judge.
        q.push(" and (n.start_cp is not null or n.anchor_status <> 'exact')");
    }
    any_of(q, "n.visibility", &filters.visibilities);
    for actor in &filters.actors {
        // A mention inside the quote, or overlapping it: positions in the document's text are
        // the paragraph's start plus the mention's offset in the paragraph.
        q.push(
            " and exists (select 1 from paragraphs p join mentions m on m.paragraph_id = p.id
              where p.document_id = n.document_id and lower(m.actor_id) = ",
        );
        q.push_bind(actor.clone());
        q.push(" and p.start_cp + m.start_cp < n.end_cp and p.start_cp + m.end_cp > n.start_cp)");
    }
    // A voice's note is one whose quote lies in a sentence giving its view.
    let in_claim = " and exists (select 1 from paragraphs p join claims c on c.paragraph_id = p.id
          where p.document_id = n.document_id
            and p.start_cp + c.sentence_start < n.end_cp and p.start_cp + c.sentence_end > n.start_cp";
    for voice in &filters.voices {
        q.push(in_claim).push(" and c.voice_id = ");
        q.push_bind(voice.clone());
        q.push(")");
    }
    if let Some(official) = filters.official {
        q.push(in_claim).push(" and c.voice_official = ");
        q.push_bind(i64::from(official));
        q.push(")");
    }
    if let Some(range) = filters.reliability {
        // The grade of the passage's source: the note's own, else its document's, else that
        // of its document's source record.
        q.push(format!(
            " and coalesce(n.source_reliability, {}) between ",
            document_reliability("n.document_id")
        ));
        q.push_bind(range.best.letter()).push(" and ");
        q.push_bind(range.worst.letter());
    }
    if let Some(range) = filters.credibility {
        q.push(" and n.credibility between ");
        q.push_bind(i64::from(range.best.number())).push(" and ");
        q.push_bind(i64::from(range.worst.number()));
    }
    for tag in &filters.tags {
        // Tags are kept as a JSON array: look for the tag as JSON writes it, quotes included.
        let needle =
            serde_json::to_string(tag).map_err(|e| StoreError::Malformed(e.to_string()))?;
        q.push(" and ");
        full_text::push_contains(q, "n.tags", needle);
    }
    for name in &filters.mentions {
        // Mentions are kept as a JSON array of names, like tags.
        let needle =
            serde_json::to_string(name).map_err(|e| StoreError::Malformed(e.to_string()))?;
        q.push(" and ");
        full_text::push_contains(q, "n.mentions", needle);
    }
    if let Some(after) = &filters.after {
        q.push(" and n.created >= ").push_bind(start_of(after)?);
    }
    if let Some(before) = &filters.before {
        q.push(" and n.created < ").push_bind(start_of(before)?);
    }
    Ok(())
}

/// The reliability grade that holds for the document whose id is `document`: its own, or
/// else its source record's; null when neither is graded.
fn document_reliability(document: &str) -> String {
    format!(
        "coalesce((select g.reliability from document_grades g where g.document_id = {document}),
                  (select sg.reliability from documents sd join source_grades sg on sg.source_id = sd.source_id
                   where sd.id = {document}))"
    )
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
/// then the filters; `joins` adds tables to count by.
fn push_passages(q: &mut QueryBuilder<Db>, query: &SearchQuery, compiled: &str, joins: &str) {
    q.push(if query.has_words() {
        full_text::MATCHED_PARAGRAPHS
    } else {
        " from paragraphs p"
    })
    .push(" join documents d on d.id = p.document_id")
    .push(joins)
    .push(" where ");
    if query.has_words() {
        full_text::push_match(q, compiled);
        q.push(" and ");
    }
    // An archived document is kept whole, and found by nothing.
    q.push("d.archived_at is null");
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
    for voice in &filters.voices {
        q.push(" and exists (select 1 from claims c where c.paragraph_id = p.id and c.voice_id = ");
        q.push_bind(voice.as_str());
        q.push(")");
    }
    if let Some(official) = filters.official {
        q.push(
            " and exists (select 1 from claims c where c.paragraph_id = p.id and c.voice_official = ",
        );
        q.push_bind(i64::from(official));
        q.push(")");
    }
    if let Some(range) = filters.reliability {
        q.push(format!(" and {} between ", document_reliability("d.id")));
        q.push_bind(range.best.letter()).push(" and ");
        q.push_bind(range.worst.letter());
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
        let mut select = QueryBuilder::new("select d.slug, d.title, p.ordinal, p.id, p.text, ");
        // The index alone ranks words fastest, but it knows nothing of archived documents.
        let archived: bool = sqlx::query_scalar(
            "select exists (select 1 from documents where archived_at is not null)",
        )
        .fetch_one(&self.pool)
        .await?;
        if query.has_words() && !query.filters.narrows_passages() && !archived {
            // Words alone: the full-text index counts and ranks by itself, and only the page of
            // hits is joined to its paragraphs and documents.
            full_text::push_count_matches(&mut count, &compiled);
            select.push("h.score from (");
            full_text::push_ranked_matches(&mut select, &compiled, limit, offset);
            select.push(
                ") h join paragraphs p on p.id = h.id join documents d on d.id = p.document_id
                 order by h.score desc, p.id",
            );
        } else {
            push_passages(&mut count, query, &compiled, "");
            if query.has_words() {
                full_text::push_score(&mut select, &compiled);
            } else {
                select.push("cast(0 as double precision)");
            }
            select.push(" as score");
            push_passages(&mut select, query, &compiled, "");
            select
                .push(" order by score desc, p.id limit ")
                .push_bind(limit)
                .push(" offset ")
                .push_bind(offset);
        }
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
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

/// The tables a note search reads: the backend's own when there are words to match anywhere
/// in the note (on SQLite the full-text table drives the join, so each hit is ranked once).
fn push_note_tables(q: &mut QueryBuilder<Db>, compiled: &CompiledNotes) {
    q.push(if compiled.anywhere.is_some() {
        full_text::MATCHED_NOTES
    } else {
        " from annotations n"
    })
    .push(" join documents d on d.id = n.document_id join analysts a on a.id = n.analyst_id");
}

/// The paragraph a note's quote starts in.
const NOTE_PARAGRAPH: &str = "(select max(p.ordinal) from paragraphs p
    where p.document_id = n.document_id and p.start_cp <= n.start_cp)";

impl Handle {
    pub(in crate::store) async fn search_notes(
        &self,
        search: &NoteSearch,
        filter: NoteFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<NotePage> {
        let query = &search.query;
        let compiled = CompiledNotes::new(search);
        let mut count = QueryBuilder::new("select count(*)");
        push_note_tables(&mut count, &compiled);
        push_notes(&mut count, query, filter, &compiled)?;
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let (columns, _) = SELECT_NOTE
            .split_once(" from ")
            .ok_or_else(|| StoreError::Malformed("the note query has no from".into()))?;
        let mut select = QueryBuilder::new(format!(
            "{columns}, d.title, {NOTE_PARAGRAPH} as paragraph, "
        ));
        match &compiled.anywhere {
            Some(words) => full_text::push_note_score(&mut select, words),
            None => {
                select.push("cast(0 as double precision)");
            }
        }
        select.push(" as score");
        push_note_tables(&mut select, &compiled);
        push_notes(&mut select, query, filter, &compiled)?;
        // Instants are kept to the second; ids begin with their creation's millisecond
        // (`NoteId::generate`), so they order notes made within one second.
        select.push(match search.order {
            NoteOrder::Relevance => " order by score desc, n.created desc, n.id desc",
            NoteOrder::Created { newest_first: true } => " order by n.created desc, n.id desc",
            NoteOrder::Created {
                newest_first: false,
            } => " order by n.created, n.id",
            NoteOrder::Modified { newest_first: true } => " order by n.modified desc, n.id desc",
            NoteOrder::Modified {
                newest_first: false,
            } => " order by n.modified, n.id",
        });
        select
            .push(" limit ")
            .push_bind(limit)
            .push(" offset ")
            .push_bind(offset);
        let rows: Vec<NoteHitRow> = select.build_query_as().fetch_all(&self.pool).await?;
        let hits = rows
            .into_iter()
            .map(|row| {
                Ok(NoteHit {
                    title: row.title,
                    paragraph: row.paragraph,
                    score: row.score,
                    note: OwnedNote::try_from(row.note)?.note,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(NotePage { hits, total })
    }
}

#[derive(FromRow)]
struct FacetRow {
    value: String,
    label: String,
    count: i64,
}

impl From<FacetRow> for FacetValue {
    fn from(row: FacetRow) -> FacetValue {
        FacetValue {
            value: row.value,
            label: row.label,
            count: row.count,
        }
    }
}

impl Handle {
    /// Runs one facet's `group by` query.
    async fn facet(&self, mut q: QueryBuilder<Db>) -> StoreResult<Vec<FacetValue>> {
        let rows: Vec<FacetRow> = q.build_query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(FacetValue::from).collect())
    }

    pub(in crate::store) async fn search_facets(
        &self,
        query: &SearchQuery,
        filter: NoteFilter,
        wanted: &[Facet],
    ) -> StoreResult<Facets> {
        let compiled = full_text::compile(query);
        let notes = CompiledNotes::new(&NoteSearch::from(query.clone()));
        let passage_facet = |select: &str, joins: &str, group: &str| {
            let mut q = QueryBuilder::new(select);
            push_passages(&mut q, query, &compiled, joins);
            q.push(group).push_bind(FACET_VALUES);
            q
        };
        let note_facet =
            |select: &str, joins: &str, group: &str| -> StoreResult<QueryBuilder<Db>> {
                let mut q = QueryBuilder::new(select);
                push_note_tables(&mut q, &notes);
                q.push(joins);
                push_notes(&mut q, query, filter, &notes)?;
                q.push(group).push_bind(FACET_VALUES);
                Ok(q)
            };
        let mut facets = Facets::default();
        for &facet in wanted {
            // Note filters leave every passage out: no passage facet to count.
            if facet.counts_passages() && query.filters.only_notes() {
                continue;
            }
            let (slot, q) = match facet {
                Facet::Documents => (
                    &mut facets.documents,
                    passage_facet(
                        "select d.slug as value, d.title as label, count(*) as count",
                        "",
                        " group by d.slug, d.title order by count desc, d.slug limit ",
                    ),
                ),
                Facet::Actors => (
                    &mut facets.actors,
                    passage_facet(
                        "select ac.id as value, ac.name as label, count(distinct p.id) as count",
                        " join mentions m on m.paragraph_id = p.id join actors ac on ac.id = m.actor_id",
                        " group by ac.id, ac.name order by count desc, ac.name limit ",
                    ),
                ),
                Facet::Years => (
                    &mut facets.years,
                    passage_facet(
                        "select substr(d.published, 1, 4) as value, substr(d.published, 1, 4) as label, count(*) as count",
                        "",
                        " and d.published is not null group by substr(d.published, 1, 4) order by value desc limit ",
                    ),
                ),
                Facet::NoteDocuments => (
                    &mut facets.note_documents,
                    note_facet(
                        "select d.slug as value, d.title as label, count(*) as count",
                        "",
                        " group by d.slug, d.title order by count desc, d.slug limit ",
                    )?,
                ),
                Facet::NoteActors => (
                    &mut facets.note_actors,
                    note_facet(
                        "select ac.id as value, ac.name as label, count(distinct n.id) as count",
                        " join paragraphs p on p.document_id = n.document_id
                          join mentions m on m.paragraph_id = p.id
                           and p.start_cp + m.start_cp < n.end_cp and p.start_cp + m.end_cp > n.start_cp
                          join actors ac on ac.id = m.actor_id",
                        " group by ac.id, ac.name order by count desc, ac.name limit ",
                    )?,
                ),
                Facet::Tags => (
                    &mut facets.tags,
                    note_facet(
                        "select t.value as value, t.value as label, count(*) as count",
                        full_text::NOTE_TAGS,
                        " group by t.value order by count desc, t.value limit ",
                    )?,
                ),
                Facet::Authors => (
                    &mut facets.authors,
                    note_facet(
                        "select a.name as value, a.name as label, count(*) as count",
                        "",
                        " group by a.name order by count desc, a.name limit ",
                    )?,
                ),
                Facet::Motivations => (
                    &mut facets.motivations,
                    note_facet(
                        "select n.motivation as value, n.motivation as label, count(*) as count",
                        "",
                        " group by n.motivation order by count desc, n.motivation limit ",
                    )?,
                ),
                Facet::Statuses => (
                    &mut facets.statuses,
                    note_facet(
                        "select n.anchor_status as value, n.anchor_status as label, count(*) as count",
                        "",
                        // As `status:` counts them: a note on the whole document has no anchor.
                        " and (n.start_cp is not null or n.anchor_status <> 'exact')
                          group by n.anchor_status order by count desc, n.anchor_status limit ",
                    )?,
                ),
                Facet::Visibilities => (
                    &mut facets.visibilities,
                    note_facet(
                        "select n.visibility as value, n.visibility as label, count(*) as count",
                        "",
                        " group by n.visibility order by count desc, n.visibility limit ",
                    )?,
                ),
            };
            *slot = self.facet(q).await?;
        }
        Ok(facets)
    }
}

impl Handle {
    pub(in crate::store) async fn unknown_filter_values(
        &self,
        filters: &crate::domain::search::Filters,
    ) -> StoreResult<Vec<(&'static str, String)>> {
        let checks: [(&'static str, &str, &[String]); 4] = [
            (
                "actor",
                "select count(*) from actors where lower(id) = $1",
                &filters.actors,
            ),
            (
                "voice",
                "select count(*) from (select 1 from claims where voice_id = $1 limit 1) v",
                &filters.voices,
            ),
            (
                "doc",
                "select count(*) from documents where slug = $1",
                &filters.documents,
            ),
            (
                "author",
                "select count(*) from analysts where name = $1",
                &filters.authors,
            ),
        ];
        let mut unknown = Vec::new();
        for (field, sql, values) in checks {
            for value in values {
                let found: i64 = sqlx::query_scalar(sql)
                    .bind(value)
                    .fetch_one(&self.pool)
                    .await?;
                if found == 0 {
                    unknown.push((field, value.clone()));
                }
            }
        }
        Ok(unknown)
    }
}
