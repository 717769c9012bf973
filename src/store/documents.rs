//! Documents, their paragraphs, footnotes and mentions.

use std::collections::HashMap;

use super::annotations::ReanchorCounts;
use super::{Store, StoreError, StoreResult, on_backend};
use crate::domain::actors::Actor;
use crate::domain::document::{AnalysedDocument, FormatStyle};

/// A document to store, with the hashes that identify its content.
#[derive(Debug)]
pub struct NewDocument<'a> {
    /// Slug (validated).
    pub slug: &'a str,
    /// Display title.
    pub title: &'a str,
    /// `txt` or `md`.
    pub format: &'a str,
    /// Hash of the author's files.
    pub content_hash: &'a str,
    /// Hash of content, gazetteer and analysis code.
    pub analysis_hash: &'a str,
    /// The source file, kept per version.
    pub source_text: &'a str,
    /// Size and modification time of the files.
    pub fingerprint: &'a str,
    /// The parsed and analysed document.
    pub analysed: &'a AnalysedDocument,
    /// Whose view each of its sentences gives.
    pub voices: &'a crate::domain::voices::Voices,
}

/// What saving a document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// A new document.
    Added,
    /// The text changed: a new version.
    NewVersion(i64),
    /// Same text, re-analysed (e.g. the gazetteer changed).
    Reanalysed,
}

/// What saving a document did, and what became of its notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveOutcome {
    /// Added, new version, or re-analysed.
    pub saved: Saved,
    /// Notes by re-anchoring status (all zero unless the text changed).
    pub reanchored: ReanchorCounts,
}

/// A line of the document list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    /// URL slug.
    pub slug: String,
    /// Display title.
    pub title: String,
    /// Author, if given.
    pub author: Option<String>,
    /// Publication date, if given.
    pub published: Option<String>,
    /// Source URL, if given.
    pub source: Option<String>,
    /// Number of paragraphs.
    pub paragraphs: i64,
    /// Current version.
    pub version: i64,
    /// The most-named actors, most first.
    pub top_actors: Vec<ActorCount>,
}

/// An actor and how often a document names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorCount {
    /// Actor id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Number of mentions.
    pub mentions: i64,
}

/// A stored document, as the reader and the API need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// Row id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Display title.
    pub title: String,
    /// `txt` or `md`.
    pub format: String,
    /// Current version, from 1.
    pub version: i64,
    /// When the current version was imported.
    pub updated_at: String,
    /// The document.
    pub analysed: AnalysedDocument,
    /// The actors it mentions.
    pub actors: Vec<Actor>,
}

pub(super) fn style_name(style: &FormatStyle) -> (&'static str, Option<&str>) {
    match style {
        FormatStyle::Emphasis => ("emphasis", None),
        FormatStyle::Strong => ("strong", None),
        FormatStyle::Strikethrough => ("strikethrough", None),
        FormatStyle::Code => ("code", None),
        FormatStyle::Link(href) => ("link", Some(href)),
    }
}

pub(super) fn parse_style(name: &str, href: Option<String>) -> StoreResult<FormatStyle> {
    Ok(match (name, href) {
        ("emphasis", _) => FormatStyle::Emphasis,
        ("strong", _) => FormatStyle::Strong,
        ("strikethrough", _) => FormatStyle::Strikethrough,
        ("code", _) => FormatStyle::Code,
        ("link", Some(href)) => FormatStyle::Link(href),
        (other, _) => return Err(StoreError::Malformed(format!("format style {other}"))),
    })
}

pub(super) fn to_usize(n: i64) -> StoreResult<usize> {
    usize::try_from(n).map_err(|_| StoreError::Malformed(format!("negative offset {n}")))
}

/// Rows per multi-row `insert`, well under SQLite's limit on bound parameters.
pub(super) const ROWS_PER_INSERT: usize = 1000;

impl Store {
    /// `slug → (analysis_hash, fingerprint)` for every stored document.
    pub async fn document_states(&self) -> StoreResult<HashMap<String, (String, String)>> {
        on_backend!(self, read db => db.document_states().await)
    }

    /// Records new file fingerprints of documents whose content did not change.
    pub async fn set_fingerprints(&self, prints: &[(String, String)]) -> StoreResult<()> {
        on_backend!(self, db => db.set_fingerprints(prints).await)
    }

    /// Inserts or replaces a document in one transaction, re-anchoring its notes in the same
    /// transaction when the text changed. The document row is updated in place, never
    /// deleted, so whatever refers to it survives.
    pub async fn save_document(&self, doc: &NewDocument<'_>) -> StoreResult<SaveOutcome> {
        on_backend!(self, db => db.save_document(doc).await)
    }

    /// Saves several documents in one transaction (one sync to disk for the lot, which is
    /// what makes a large import fast); each is saved as [`Store::save_document`] describes.
    pub async fn save_documents(&self, docs: &[NewDocument<'_>]) -> StoreResult<Vec<SaveOutcome>> {
        on_backend!(self, db => db.save_documents(docs).await)
    }

    /// Every document with its paragraph count and three most-named actors.
    pub async fn list_documents(&self) -> StoreResult<Vec<DocumentSummary>> {
        on_backend!(self, read db => db.list_documents().await)
    }

    /// Loads a document with everything needed to render it.
    pub async fn load_document(&self, slug: &str) -> StoreResult<Option<StoredDocument>> {
        on_backend!(self, read db => db.load_document(slug).await)
    }
}
