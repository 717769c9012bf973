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
    /// The paragraph its quote starts in, from 1 (none for a note on the whole page or an
    /// orphan).
    pub paragraph: Option<i64>,
    /// Relevance, higher first.
    pub score: f64,
}

/// One page of note hits, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotePage {
    /// Hits on this page, in the order asked for.
    pub hits: Vec<NoteHit>,
    /// Hits in all.
    pub total: i64,
}

/// One part of a note that words may be looked for in alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::store) enum NoteField {
    Body,
    Quote,
}

/// The order of found notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoteOrder {
    /// Best match first (newest first when there are no words).
    #[default]
    Relevance,
    /// By creation.
    Created { newest_first: bool },
    /// By last change.
    Modified { newest_first: bool },
}

/// A note search: the query (words over body, tags and quote, and filters), optional words
/// that must be in the body or in the quote alone, and the order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoteSearch {
    /// Words anywhere in the note, and the filters.
    pub query: SearchQuery,
    /// Words that must be in the note's body.
    pub in_body: Option<SearchQuery>,
    /// Words that must be in the note's quote.
    pub in_quote: Option<SearchQuery>,
    /// The order of the hits.
    pub order: NoteOrder,
}

impl From<SearchQuery> for NoteSearch {
    fn from(query: SearchQuery) -> NoteSearch {
        NoteSearch {
            query,
            ..NoteSearch::default()
        }
    }
}

impl Store {
    /// Notes that `filter` lets the viewer see, whose body, tags or quote match the search's
    /// words, and that pass its note filters (`tag:` all of them, `author:`, `motivation:`,
    /// `status:`, `visibility:`, `doc:`, `after:` and `before:` on the note's creation, and
    /// `actor:`: the note's quote names the actor).
    pub async fn search_notes(
        &self,
        search: &NoteSearch,
        filter: super::annotations::NoteFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<NotePage> {
        on_backend!(self, read db => db.search_notes(search, filter, offset, limit).await)
    }
}

/// One value of a facet, and how many hits have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    /// What the filter takes (a slug, an actor id, a year, a tag …).
    pub value: String,
    /// What a person reads (a title, an actor's name; else the value).
    pub label: String,
    /// Hits with it.
    pub count: i64,
}

/// The values of each facet among a search's hits, most frequent first (years newest first).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facets {
    /// Passages per document.
    pub documents: Vec<FacetValue>,
    /// Passages naming each actor.
    pub actors: Vec<FacetValue>,
    /// Passages per year of their document's publication.
    pub years: Vec<FacetValue>,
    /// Notes per document.
    pub note_documents: Vec<FacetValue>,
    /// Notes per tag.
    pub tags: Vec<FacetValue>,
    /// Notes per author.
    pub authors: Vec<FacetValue>,
    /// Notes per motivation.
    pub motivations: Vec<FacetValue>,
    /// Notes whose quote names each actor.
    pub note_actors: Vec<FacetValue>,
    /// Notes per anchor status.
    pub statuses: Vec<FacetValue>,
    /// Notes per visibility.
    pub visibilities: Vec<FacetValue>,
}

/// A facet: a way of counting hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// Passages per document.
    Documents,
    /// Passages naming each actor.
    Actors,
    /// Passages per year of their document's publication.
    Years,
    /// Notes per document.
    NoteDocuments,
    /// Notes whose quote names each actor.
    NoteActors,
    /// Notes per tag.
    Tags,
    /// Notes per author.
    Authors,
    /// Notes per motivation.
    Motivations,
    /// Notes per anchor status.
    Statuses,
    /// Notes per visibility.
    Visibilities,
}

impl Facet {
    /// Every facet, by the name the API uses.
    pub const ALL: [(&'static str, Facet); 10] = [
        ("documents", Facet::Documents),
        ("actors", Facet::Actors),
        ("years", Facet::Years),
        ("note_documents", Facet::NoteDocuments),
        ("note_actors", Facet::NoteActors),
        ("tags", Facet::Tags),
        ("authors", Facet::Authors),
        ("motivations", Facet::Motivations),
        ("statuses", Facet::Statuses),
        ("visibilities", Facet::Visibilities),
    ];

    /// The facets `/search` shows.
    pub const SEARCH: [Facet; 6] = [
        Facet::Documents,
        Facet::Actors,
        Facet::Years,
        Facet::Tags,
        Facet::Authors,
        Facet::Motivations,
    ];

    /// The facets `/notes` shows.
    pub const NOTES: [Facet; 7] = [
        Facet::NoteDocuments,
        Facet::NoteActors,
        Facet::Tags,
        Facet::Authors,
        Facet::Motivations,
        Facet::Statuses,
        Facet::Visibilities,
    ];

    /// Whether it counts passages (rather than notes).
    pub fn counts_passages(self) -> bool {
        matches!(self, Facet::Documents | Facet::Actors | Facet::Years)
    }
}

/// Most values shown per facet.
pub const FACET_VALUES: i64 = 12;

impl Store {
    /// The `wanted` facets of a search's passages and of the notes the viewer may see
    /// (private notes of others are never counted); the others are left empty.
    pub async fn search_facets(
        &self,
        query: &SearchQuery,
        filter: super::annotations::NoteFilter,
        wanted: &[Facet],
    ) -> StoreResult<Facets> {
        on_backend!(self, read db => db.search_facets(query, filter, wanted).await)
    }
}

impl Store {
    /// The filter values that name nothing in the database (an actor id, a document slug or
    /// an analyst that does not exist), as `(field, value)`, so that a search that found
    /// nothing can say why.
    pub async fn unknown_filter_values(
        &self,
        filters: &crate::domain::search::Filters,
    ) -> StoreResult<Vec<(&'static str, String)>> {
        on_backend!(self, read db => db.unknown_filter_values(filters).await)
    }
}
