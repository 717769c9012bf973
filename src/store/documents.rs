//! Documents, their paragraphs, footnotes and mentions.

use std::collections::HashMap;

use super::annotations::ReanchorCounts;
use super::{Store, StoreError, StoreResult, Timestamp, on_backend};
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
    /// Where it comes from.
    pub origin: Origin<'a>,
}

/// Where a document comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A file of the corpus directory.
    Corpus,
    /// Added or revised in the browser by the analyst `by`, with the form's fields and the
    /// analyst's corrections of how the text was read, both as JSON.
    Browser {
        /// The analyst's row id.
        by: i64,
        /// The form's fields.
        metadata: &'a str,
        /// The corrections.
        corrections: &'a str,
    },
}

impl Origin<'_> {
    /// The analyst who added it in the browser; none for a corpus file.
    pub fn uploaded_by(self) -> Option<i64> {
        match self {
            Origin::Corpus => None,
            Origin::Browser { by, .. } => Some(by),
        }
    }

    /// As stored: `corpus` or `browser`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Corpus => "corpus",
            Origin::Browser { .. } => "browser",
        }
    }
}

/// One version of a document as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    /// 1, 2, 3 …
    pub version: i64,
    /// When it was stored.
    pub at: Timestamp,
    /// Who published it from the browser.
    pub by: Option<String>,
    /// Its text as stored.
    pub source_text: String,
    /// `txt` or `md` (none: the document's format).
    pub format: Option<String>,
    /// The form's fields (JSON), for a browser version.
    pub fields: Option<String>,
    /// The corrections (JSON), for a browser version.
    pub corrections: Option<String>,
}

/// Who brought a document in and how it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// Row id.
    pub id: i64,
    /// Current version.
    pub version: i64,
    /// Added in the browser rather than from the corpus directory.
    pub from_browser: bool,
    /// The analyst who added it, for a browser document.
    pub uploaded_by: Option<i64>,
    /// Archived: hidden from lists and search.
    pub archived: bool,
    /// The stored text of its current version.
    pub source_text: String,
    /// Its format, `txt` or `md`.
    pub format: String,
    /// The form's fields of its current version (JSON), for a browser document.
    pub fields: Option<String>,
    /// The corrections of its current version (JSON), for a browser document.
    pub corrections: Option<String>,
}

/// A stored document as the corpus importer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentState {
    /// Hash of content, gazetteer and analysis code.
    pub analysis_hash: String,
    /// Size and modification time of its files.
    pub fingerprint: String,
    /// Added in the browser: a corpus file never replaces it.
    pub from_browser: bool,
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
    /// Stores a document from the browser in one transaction: as a new document when
    /// `expect` is `None` (refused when the slug is taken), or as the next version of the
    /// browser document at version `expect` (refused when it moved on, comes from the
    /// corpus, or is archived).
    pub async fn publish_document(
        &self,
        doc: &NewDocument<'_>,
        expect: Option<i64>,
    ) -> StoreResult<SaveOutcome> {
        let outcome = on_backend!(self, db => db.publish_document(doc, expect).await)?;
        // The corpus-wide tallies (an actor's mentions and documents, its forms and timeline,
        // who is named with whom) count this document too. They are derived from the rows
        // just committed, so a failure here loses nothing: the next import recounts them.
        if let Err(e) = self.refresh_actor_totals().await {
            tracing::warn!(error = %e, "actor tallies not recounted after a browser document");
        }
        Ok(outcome)
    }

    /// Archives a document (`by` the analyst who does it), or with `None` restores it. An
    /// archived document keeps its text, versions and notes, and is left out of lists and
    /// searches.
    pub async fn set_archived(&self, document_id: i64, by: Option<i64>) -> StoreResult<()> {
        on_backend!(self, db => db.set_archived(document_id, by).await)
    }

    /// Whether the document `slug` is archived: read once per generation of the database,
    /// not per request.
    pub async fn is_archived(&self, slug: &str) -> StoreResult<bool> {
        let generation = self.generation();
        let cached = self
            .shared
            .archived
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|(at, _)| *at == generation)
            .map(|(_, slugs)| slugs.clone());
        let slugs = match cached {
            Some(slugs) => slugs,
            None => {
                let slugs: std::sync::Arc<std::collections::HashSet<String>> =
                    std::sync::Arc::new(on_backend!(self, read db => db.archived_slugs().await)?);
                *self
                    .shared
                    .archived
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some((generation, slugs.clone()));
                slugs
            }
        };
        Ok(slugs.contains(slug))
    }

    /// Every version of a document, oldest first.
    pub async fn document_versions(&self, document_id: i64) -> StoreResult<Vec<VersionRecord>> {
        on_backend!(self, read db => db.document_versions(document_id).await)
    }

    /// The notes of a document as they stood just before `before` (all of them, private ones
    /// included: callers keep what the reader may see), each as its last revision then with
    /// its author's row id (its `by` names the author); deleted ones left out.
    pub async fn notes_before(
        &self,
        document_id: i64,
        before: Timestamp,
    ) -> StoreResult<Vec<(String, i64, crate::store::history::StoredRevision)>> {
        on_backend!(self, read db => db.notes_before(document_id, before).await)
    }

    /// A document's origin, uploader, version and whether it is archived.
    pub async fn document_record(&self, slug: &str) -> StoreResult<Option<DocumentRecord>> {
        on_backend!(self, read db => db.document_record(slug).await)
    }

    /// What the importer needs to know of every stored document, by slug.
    pub async fn document_states(&self) -> StoreResult<HashMap<String, DocumentState>> {
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
        on_backend!(self, read db => db.list_documents(0, i64::MAX).await)
    }

    /// `limit` documents from `offset` in the order of [`Store::list_documents`].
    pub async fn list_documents_page(
        &self,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<DocumentSummary>> {
        on_backend!(self, read db => db.list_documents(offset, limit).await)
    }

    /// How many documents the list holds (those not archived).
    pub async fn count_listed_documents(&self) -> StoreResult<i64> {
        on_backend!(self, read db => db.count_listed_documents().await)
    }

    /// Loads a document with everything needed to render it.
    pub async fn load_document(&self, slug: &str) -> StoreResult<Option<StoredDocument>> {
        on_backend!(self, read db => db.load_document(slug).await)
    }
}
