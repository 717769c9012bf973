//! Digests of notes, shared by the pages (`/notes.csv`, `/documents/{slug}/notes.md`, …) and
//! the command line (`glossa notes export`): every note a search finds for a viewer, written
//! as CSV, Markdown or a W3C AnnotationCollection.

use crate::domain::annotation::{Iris, Note, PageInfo, found_collection_jsonld, found_page_jsonld};
use crate::domain::digest::{DigestNote, csv, markdown};
use crate::domain::search::SearchQuery;
use crate::store::annotations::NoteFilter;
use crate::store::search::{NoteOrder, NoteSearch};
use crate::store::{Store, StoreError};

/// Most notes one digest holds; a larger one is refused with a request to narrow it.
pub const MAX_DIGEST_NOTES: i64 = 50_000;
const BATCH: i64 = 1_000;

/// How a digest is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestFormat {
    /// RFC 4180 CSV; with `bom`, a UTF-8 byte order mark first, for spreadsheet programs.
    Csv {
        /// Whether to start with a byte order mark.
        bom: bool,
    },
    /// Markdown, grouped by document and paragraph.
    Markdown,
    /// A W3C AnnotationCollection with every note embedded, as `glossa notes import` reads.
    JsonLd,
}

impl DigestFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            DigestFormat::Csv { .. } => "csv",
            DigestFormat::Markdown => "md",
            DigestFormat::JsonLd => "jsonld",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            DigestFormat::Csv { .. } => "text/csv; charset=utf-8; header=present",
            DigestFormat::Markdown => "text/markdown; charset=utf-8",
            DigestFormat::JsonLd => "application/ld+json; charset=utf-8",
        }
    }
}

/// Why a digest cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    /// More notes than [`MAX_DIGEST_NOTES`].
    #[error(
        "these filters find {0} notes, more than the {MAX_DIGEST_NOTES} one digest holds; narrow them (doc:, author:, after:, tag:)"
    )]
    TooMany(i64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing failed.
    #[error("the digest could not be written: {0}")]
    Write(String),
}

/// A note found for a digest, with its document's title and paragraph.
#[derive(Debug, Clone)]
pub struct FoundNote {
    /// The note.
    pub note: Note,
    /// Its document's title.
    pub title: String,
    /// The paragraph its quote starts in, from 1.
    pub paragraph: Option<i64>,
}

/// Every note `query` finds that `filter` lets the viewer read, in `order`.
pub async fn found_notes(
    store: &Store,
    query: &SearchQuery,
    order: NoteOrder,
    filter: NoteFilter,
) -> Result<Vec<FoundNote>, DigestError> {
    let search = NoteSearch {
        query: query.clone(),
        order,
        ..NoteSearch::default()
    };
    let mut found = Vec::new();
    loop {
        let page = store
            .search_notes(&search, filter, found.len() as i64, BATCH)
            .await?;
        if page.total > MAX_DIGEST_NOTES {
            return Err(DigestError::TooMany(page.total));
        }
        let last = page.hits.len() < BATCH as usize;
        found.extend(page.hits.into_iter().map(|hit| FoundNote {
            note: hit.note,
            title: hit.title,
            paragraph: hit.paragraph,
        }));
        if last || found.len() as i64 >= page.total {
            return Ok(found);
        }
    }
}

/// What a digest says of itself: its heading, and a line on where, when and for whom.
#[derive(Debug, Clone)]
pub struct DigestTitle {
    /// The heading, e.g. "Notes on Russia–North Korea ties".
    pub heading: String,
    /// E.g. "From http://… on 2026-12-04 10:00 UTC · 3 notes · as alice may read them".
    pub about: String,
    /// The IRI the JSON-LD collection is given.
    pub collection: String,
}

/// Writes `notes` in `format`.
pub fn write_digest(
    notes: &[FoundNote],
    format: DigestFormat,
    iris: &Iris,
    title: &DigestTitle,
) -> Result<String, DigestError> {
    match format {
        DigestFormat::JsonLd => {
            let plain: Vec<Note> = notes.iter().map(|found| found.note.clone()).collect();
            let total = plain.len() as i64;
            let page = found_page_jsonld(
                &plain,
                iris,
                title.collection.clone(),
                PageInfo {
                    id: format!("{}#notes", title.collection),
                    start_index: 0,
                    total,
                    next: None,
                    prev: None,
                },
                false,
            );
            let collection = found_collection_jsonld(
                iris,
                title.collection.clone(),
                title.heading.clone(),
                total,
                Some(page),
                None,
            );
            serde_json::to_string_pretty(&collection).map_err(|e| DigestError::Write(e.to_string()))
        }
        DigestFormat::Csv { bom } => with_links(notes, iris, |items| {
            csv(items, bom).map_err(|e| DigestError::Write(e.to_string()))
        }),
        DigestFormat::Markdown => with_links(notes, iris, |items| {
            Ok(markdown(items, &title.heading, &title.about))
        }),
    }
}

/// Calls `write` with `notes` and their addresses in the reader.
fn with_links<T>(
    notes: &[FoundNote],
    iris: &Iris,
    write: impl FnOnce(&[DigestNote<'_>]) -> T,
) -> T {
    let links: Vec<(String, String, Option<String>)> = notes
        .iter()
        .map(|found| {
            let document = iris.document(&found.note.document_slug);
            let parent = found
                .note
                .reply_to
                .as_ref()
                .map(|parent| format!("{document}#note-{parent}"));
            (
                format!("{document}#note-{}", found.note.id),
                document,
                parent,
            )
        })
        .collect();
    let items: Vec<DigestNote<'_>> = notes
        .iter()
        .zip(&links)
        .map(|(found, (link, document_link, parent))| DigestNote {
            note: &found.note,
            title: &found.title,
            paragraph: found.paragraph,
            link,
            document_link,
            in_reply_to: parent.as_deref(),
        })
        .collect();
    write(&items)
}
