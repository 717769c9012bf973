//! Notes' histories as stored.

use super::annotations::Conditional;
use super::{Store, StoreResult, on_backend};
use crate::domain::annotation::Note;
use crate::domain::annotation::history::{NoteState, RevisionKind};

/// One revision of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRevision {
    /// 1, 2, 3 … in order of making.
    pub seq: i64,
    /// What it did.
    pub kind: RevisionKind,
    /// Who made it; `None` for a re-import of the text.
    pub by: Option<String>,
    /// The revision a restoration brought back.
    pub restored_from: Option<i64>,
    /// The note's state after it.
    pub state: NoteState,
    /// RFC 3339.
    pub at: String,
}

/// A note's whole history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHistory {
    /// The note's id.
    pub id: String,
    /// Its document's slug.
    pub slug: String,
    /// Its author.
    pub author_id: i64,
    /// Its author's name.
    pub author: String,
    /// Whether the note is deleted (its history is its tombstone).
    pub deleted: bool,
    /// Oldest first.
    pub revisions: Vec<StoredRevision>,
}

impl StoredHistory {
    /// The newest revision.
    pub fn latest(&self) -> Option<&StoredRevision> {
        self.revisions.last()
    }

    /// What someone other than the author may read: the revisions that were shared at least
    /// as widely as the note is now, so that making a note public does not publish what it
    /// said while it was private. Returns how many were left out.
    pub fn shared_part(&mut self) -> usize {
        let Some(now) = self.latest().map(|r| r.state.visibility().reach()) else {
            return 0;
        };
        let before = self.revisions.len();
        self.revisions
            .retain(|r| r.state.visibility().reach() >= now);
        before - self.revisions.len()
    }

    /// The revision numbered `seq`.
    pub fn revision(&self, seq: i64) -> Option<&StoredRevision> {
        self.revisions.iter().find(|r| r.seq == seq)
    }
}

/// What a purge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Removed this many revisions.
    Purged(u64),
    /// The note is not deleted: delete it first.
    NoteExists,
    /// No note, and no history, has that id.
    Missing,
}

impl Store {
    /// The history of the note `id`, deleted or not; `None` when nothing is known of it.
    pub async fn note_history(&self, id: &str) -> StoreResult<Option<StoredHistory>> {
        on_backend!(self, read db => db.note_history(id).await)
    }

    /// Brings back the content of revision `seq` of the note `id` (its passage stays where
    /// the current text has it), if the note is still at `revision`: a new revision.
    pub async fn restore_revision(
        &self,
        id: &str,
        seq: i64,
        revision: i64,
    ) -> StoreResult<Conditional<Note>> {
        on_backend!(self, db => db.restore_revision(id, seq, revision).await)
    }

    /// The revisions of every note of the document `document_id`, by note id, oldest first.
    pub async fn document_histories(
        &self,
        document_id: i64,
    ) -> StoreResult<std::collections::HashMap<String, Vec<StoredRevision>>> {
        on_backend!(self, read db => db.document_histories(document_id).await)
    }

    /// Removes every revision of the deleted note `id`.
    pub async fn purge_note(&self, id: &str) -> StoreResult<Purge> {
        on_backend!(self, db => db.purge_note(id).await)
    }
}
