//! Full-text search over the corpus's passages.

use super::{Store, StoreResult, on_backend};
use crate::domain::search::SearchQuery;

/// A paragraph that matches a search.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageHit {
    /// Its document's slug.
    pub slug: String,
    /// Its document's title.
    pub title: String,
    /// Its paragraph number, from 1.
    pub paragraph: i64,
    /// Row id, for looking up what it names.
    pub paragraph_id: i64,
    /// The paragraph's text.
    pub text: String,
    /// Relevance, higher first (each engine's own measure: bm25 on SQLite, cover density on
    /// PostgreSQL; only the order means anything).
    pub score: f64,
    /// The actors the paragraph names, by id and name, most named first.
    pub actors: Vec<(String, String)>,
}

/// One page of hits, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PassagePage {
    /// Hits on this page, best first.
    pub hits: Vec<PassageHit>,
    /// Hits in all.
    pub total: i64,
}

impl Store {
    /// Paragraphs matching `query`'s words and its passage filters (`actor:`, `doc:`,
    /// `after:`, `before:`), best first. Filters that only notes have (`tag:`, `author:`,
    /// `motivation:`, `status:`) match no paragraph.
    pub async fn search_passages(
        &self,
        query: &SearchQuery,
        offset: i64,
        limit: i64,
    ) -> StoreResult<PassagePage> {
        if query.filters.only_notes() {
            return Ok(PassagePage::default());
        }
        on_backend!(self, read db => db.search_passages(query, offset, limit).await)
    }
}

/// A note that matches a search.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteHit {
    /// The note.
    pub note: crate::domain::annotation::Note,
    /// Its document's title.
    pub title: String,
    /// Relevance, higher first.
    pub score: f64,
}

/// One page of note hits, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotePage {
    /// Hits on this page, best first (newest first when there are no words).
    pub hits: Vec<NoteHit>,
    /// Hits in all.
    pub total: i64,
}

impl Store {
    /// Notes that `filter` lets the viewer see, whose body, tags or quote match `query`'s
    /// words, and that pass its note filters (`tag:` all of them, `author:`, `motivation:`,
    /// `status:`, `doc:`, `after:` and `before:` on the note's creation). `actor:` narrows
    /// passages only, so with it no note matches.
    pub async fn search_notes(
        &self,
        query: &SearchQuery,
        filter: super::annotations::NoteFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<NotePage> {
        if !query.filters.actors.is_empty() {
            return Ok(NotePage::default());
        }
        on_backend!(self, read db => db.search_notes(query, filter, offset, limit).await)
    }
}
