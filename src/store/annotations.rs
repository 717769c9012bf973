//! Margin notes. Visibility is enforced in SQL, so a note never leaves the store for someone
//! who may not read it.

use super::{Store, StoreError, StoreResult, Timestamp, on_backend};
use crate::domain::anchor::Anchor;
use crate::domain::anchor::DocumentText;
use crate::domain::annotation::history::NoteState;
use crate::domain::annotation::thread::Ghost;
use crate::domain::annotation::{ImportedNote, Note, NoteContent, Visibility};
use crate::domain::markdown::render_untrusted;
use crate::domain::mentions::mentioned;
use crate::domain::reanchor::AnchorStatus;

/// The text a note is anchored in: a document's current version.
#[derive(Debug, Clone)]
pub struct DocumentTextRow {
    /// Row id.
    pub id: i64,
    /// Current version.
    pub version: i64,
    /// The document text with its indexes, shared while the version stands.
    pub text: std::sync::Arc<DocumentText>,
}

/// A note plus its author's row id, for ownership checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedNote {
    /// The note.
    pub note: Note,
    /// Author.
    pub analyst_id: i64,
}

/// A client's `Idempotency-Key` and the hash of the request it came with.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// The key, as sent.
    pub key: String,
    /// SHA-256 of the request body.
    pub request_hash: String,
}

/// A note to create, owned so that it can wait its turn in a writer's queue.
#[derive(Debug, Clone)]
pub struct NewNote {
    /// The text it is anchored in, as the caller read it.
    pub document: DocumentTextRow,
    /// That document's slug.
    pub slug: String,
    /// Its author.
    pub analyst: super::analysts::Analyst,
    /// Its new id.
    pub id: String,
    /// What the client sent.
    pub content: NoteContent,
    /// Where it sits in the text; `None` for a page note and a reply.
    pub anchor: Option<Anchor>,
    /// The client's key for retrying safely.
    pub idempotency: Option<IdempotencyKey>,
    /// The hash of the bearer token the analyst was recognised by, when that came from
    /// memory: the write checks that the token is still valid.
    pub token_hash: Option<String>,
}

/// What creating a note did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// A new note.
    New(Note),
    /// The key was seen with this same request: the note the first request created.
    Replayed(Note),
    /// The key was seen with this same request, but that note has since been deleted.
    ReplayedDeleted,
    /// The key was seen with a different request.
    KeyReused,
    /// The note it replies to has been deleted: its thread takes no new replies.
    ParentDeleted,
    /// The note it replies to is not on this document.
    ParentMissing,
    /// Nothing was written: the document has a new version, or the author's token or access
    /// was revoked, since the caller read them. Read them again.
    TargetChanged,
}

/// What a conditional update or delete found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conditional<T> {
    /// Done.
    Done(T),
    /// The note changed since the revision the client had.
    Stale,
    /// No such note.
    Missing,
}

/// Which notes to read. Every listing goes through one of these, so visibility is decided in
/// one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteFilter {
    /// Public notes: what anyone who can read the document sees.
    Public,
    /// Public and team notes, nobody's private ones.
    Team,
    /// What this signed-in analyst sees: public, team, and their own private notes.
    Viewer(i64),
    /// Only this analyst's notes.
    Author(i64),
    /// Every note, private ones included: for tools that move or check a whole database,
    /// never for a reader.
    Everyone,
}

impl NoteFilter {
    /// The filter for a reader who may be signed in.
    pub fn for_viewer(analyst_id: Option<i64>) -> NoteFilter {
        analyst_id.map_or(NoteFilter::Public, NoteFilter::Viewer)
    }

    /// SQL condition over `n`, with the analyst id bound as `$2`.
    pub(super) fn condition(self) -> &'static str {
        match self {
            NoteFilter::Public => "(n.visibility = 'public' and $2 is null)",
            NoteFilter::Team => "(n.visibility in ('public', 'team') and $2 is null)",
            NoteFilter::Viewer(_) => "(n.visibility in ('public', 'team') or n.analyst_id = $2)",
            NoteFilter::Author(_) => "(n.analyst_id = $2)",
            NoteFilter::Everyone => "($2 is null)",
        }
    }

    /// Whether a note read by `visibility` and written by `author` passes.
    pub fn admits(self, visibility: Visibility, author: i64) -> bool {
        match self {
            NoteFilter::Public => visibility == Visibility::Public,
            NoteFilter::Team => visibility != Visibility::Private,
            NoteFilter::Viewer(id) => visibility != Visibility::Private || author == id,
            NoteFilter::Author(id) => author == id,
            NoteFilter::Everyone => true,
        }
    }

    pub(super) fn analyst(self) -> Option<i64> {
        match self {
            NoteFilter::Viewer(id) | NoteFilter::Author(id) => Some(id),
            NoteFilter::Public | NoteFilter::Team | NoteFilter::Everyone => None,
        }
    }
}

/// A list of strings (tags, `via` IRIs) as the JSON array a text column holds.
pub(super) fn json_list(items: &[String]) -> StoreResult<String> {
    serde_json::to_string(items).map_err(|e| StoreError::Malformed(e.to_string()))
}

/// A note to restore, anchored (or not) against the current text.
#[derive(Debug, Clone)]
pub struct RestoredNote<'a> {
    /// The note as exported.
    pub note: &'a ImportedNote,
    /// Where it sits now; for an orphan, where it sat when it was exported; `None` for a
    /// page note.
    pub anchor: Option<Anchor>,
    /// Exact when it anchors in the current text, orphan when not.
    pub status: AnchorStatus,
}

/// What restoring notes did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RestoreSummary {
    /// Notes written.
    pub added: usize,
    /// Notes already in the database (same id), left as they are.
    pub unchanged: usize,
    /// Authors that did not exist and were created without a token.
    pub new_analysts: usize,
}

/// What re-anchoring a document's notes found, by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReanchorCounts {
    /// Same quote, same place.
    pub exact: usize,
    /// Same quote elsewhere.
    pub moved: usize,
    /// Approximate match.
    pub fuzzy: usize,
    /// Several places fit.
    pub ambiguous: usize,
    /// No place fits.
    pub orphan: usize,
}

impl Store {
    /// Restores exported notes in one transaction: all of them or none. Notes whose id is
    /// already stored are left alone, so importing the same file twice changes nothing.
    /// Authors unknown here are created without a usable token (`glossa analyst` can
    /// revoke them; a new token needs a new name).
    pub async fn restore_notes(&self, notes: &[RestoredNote<'_>]) -> StoreResult<RestoreSummary> {
        on_backend!(self, db => db.restore_notes(notes).await)
    }

    /// A document's id, version and paragraph texts, for anchoring.
    pub async fn document_text(&self, slug: &str) -> StoreResult<Option<DocumentTextRow>> {
        on_backend!(self, read db => db.document_text(slug).await)
    }

    /// The document a new note is anchored in, from memory when glossa anchored a note in it
    /// before and still holds its text. Nothing is read to check it: the note's write checks
    /// that the version is still the current one ([`Created::TargetChanged`] if not).
    pub async fn note_target(&self, slug: &str) -> StoreResult<Option<DocumentTextRow>> {
        if let Some(row) = self.shared.remembered_target(slug) {
            return Ok(Some(row));
        }
        let row = self.document_text(slug).await?;
        if let Some(row) = &row {
            self.shared.remember_target(slug, row.id);
        }
        Ok(row)
    }

    /// Stores a new note durably; returns it as stored. On SQLite, notes arriving while an
    /// earlier commit is on its way to disk share the next commit (see `sqlite::group_commit`).
    pub async fn insert_note(&self, note: NewNote) -> StoreResult<Created> {
        match &self.backend {
            super::Backend::Sqlite(db) => db.insert_note_grouped(note).await,
            super::Backend::Postgres(db) => db.insert_note(&note).await,
        }
    }

    /// Notes on a document that pass `filter`, in text order.
    pub async fn list_notes(
        &self,
        document_id: i64,
        filter: NoteFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<Note>> {
        on_backend!(self, read db => db.list_notes(document_id, filter, offset, limit).await)
    }

    /// How many notes on a document pass `filter`.
    pub async fn count_notes(&self, document_id: i64, filter: NoteFilter) -> StoreResult<i64> {
        on_backend!(self, read db => db.count_notes(document_id, filter).await)
    }

    /// How many notes that pass `filter` each document has, by slug (documents without any
    /// are left out).
    pub async fn note_counts(
        &self,
        filter: NoteFilter,
    ) -> StoreResult<std::collections::HashMap<String, i64>> {
        on_backend!(self, read db => db.note_counts(filter).await)
    }

    /// One note of a document, whoever may read it; callers check visibility.
    pub async fn get_note(&self, document_id: i64, id: &str) -> StoreResult<Option<OwnedNote>> {
        on_backend!(self, read db => db.get_note(document_id, id).await)
    }

    /// Replaces a note's content if it is still at `revision`.
    pub async fn update_note(
        &self,
        id: &str,
        revision: i64,
        content: &NoteContent,
        anchor: Option<&Anchor>,
        document_version: i64,
    ) -> StoreResult<Conditional<Note>> {
        on_backend!(self, db => db.update_note(id, revision, content, anchor, document_version).await)
    }

    /// The notes that the shown `notes` of a document answer but that `filter` does not show,
    /// up their threads: what each is (deleted or not shared), and, for a deleted one the
    /// reader could have read, where it was and what it answered, from its tombstone.
    pub async fn thread_ghosts(
        &self,
        document_id: i64,
        notes: &[Note],
        filter: NoteFilter,
    ) -> StoreResult<Vec<Ghost>> {
        on_backend!(self, read db => db.thread_ghosts(document_id, notes, filter).await)
    }

    /// The replies, at any depth, to the notes `ids` that pass `filter`, oldest first.
    pub async fn replies_to(&self, ids: &[String], filter: NoteFilter) -> StoreResult<Vec<Note>> {
        on_backend!(self, read db => db.replies_to(ids, filter).await)
    }

    /// The notes `ids` that pass `filter`.
    pub async fn notes_by_id(&self, ids: &[String], filter: NoteFilter) -> StoreResult<Vec<Note>> {
        on_backend!(self, read db => db.notes_by_id(ids, filter).await)
    }

    /// Deletes a note if it is still at `revision`.
    pub async fn delete_note(&self, id: &str, revision: i64) -> StoreResult<Conditional<()>> {
        on_backend!(self, db => db.delete_note(id, revision).await)
    }
}

/// A note that needs no reads to be written: the note as it will read back, and what its
/// statements need beyond it.
pub(super) struct PlainNote {
    /// The note as it reads back.
    pub(super) note: Note,
    /// Its first revision's state (JSON).
    pub(super) state: String,
    /// Its tags (a JSON array).
    pub(super) tags: String,
    /// Its `via` IRIs (a JSON array).
    pub(super) via: String,
    /// When it is written.
    pub(super) at: Timestamp,
}

impl PlainNote {
    /// `None` when the note needs the general path: it carries an idempotency key, answers
    /// a note, or mentions someone (whose name must be looked up).
    pub(super) fn of(new: &NewNote, now: Timestamp) -> StoreResult<Option<PlainNote>> {
        let content = &new.content;
        if new.idempotency.is_some() || content.reply_to.is_some() {
            return Ok(None);
        }
        let body_html = render_untrusted(&content.body);
        if !mentioned(body_html.as_str()).is_empty() {
            return Ok(None);
        }
        let anchor = new.anchor.as_ref();
        let note = Note {
            id: new.id.clone(),
            document_slug: new.slug.clone(),
            creator: new.analyst.name.clone(),
            motivation: content.motivation.clone(),
            body: content.body.clone(),
            body_html,
            tags: content.tags.clone(),
            grades: content.grades,
            visibility: content.visibility,
            anchor: new.anchor.clone(),
            reply_to: None,
            reply_seq: 0,
            mentions: Vec::new(),
            status: AnchorStatus::Exact,
            original_exact: anchor.map(|a| a.exact.clone()).unwrap_or_default(),
            created: now.rfc3339(),
            modified: now.rfc3339(),
            revision: 1,
            kept: content.kept.clone(),
        };
        let state = serde_json::to_string(&NoteState::of(&note))
            .map_err(|e| StoreError::Malformed(e.to_string()))?;
        Ok(Some(PlainNote {
            tags: json_list(&note.tags)?,
            via: json_list(&note.kept.via)?,
            note,
            state,
            at: now,
        }))
    }
}
