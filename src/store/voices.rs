//! Voices as stored: the claims import made, read back per document and per voice.

use super::{Store, StoreResult, on_backend};

/// Words of a paragraph at code points `start..end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSpan {
    /// First code point.
    pub start: i64,
    /// One past the last code point.
    pub end: i64,
    /// The words.
    pub text: String,
}

/// A sentence that gives a voice's view, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClaim {
    /// The document's slug.
    pub slug: String,
    /// The document's title.
    pub title: String,
    /// The paragraph's number, from 1.
    pub paragraph: i64,
    /// The paragraph's text.
    pub text: String,
    /// The sentence, in code points of the paragraph.
    pub start: i64,
    /// One past the sentence's last code point.
    pub end: i64,
    /// The reporting words.
    pub cue: Option<StoredSpan>,
    /// The words naming who speaks.
    pub source: Option<StoredSpan>,
    /// The voice's id.
    pub voice_id: String,
    /// The voice's label.
    pub voice_label: String,
    /// The actor the voice belongs to.
    pub voice_actor: Option<String>,
    /// Whether the voice speaks officially.
    pub official: bool,
    /// `explicit`, `pronoun`, `agentless` or `implicit`.
    pub attribution: String,
    /// How sure the rule is, in percent.
    pub confidence: i64,
    /// The rule that made it.
    pub rule: String,
}

impl Store {
    /// Every claim of the document `slug`, in text order; none if there is no such document.
    pub async fn document_claims(&self, slug: &str) -> StoreResult<Option<Vec<StoredClaim>>> {
        on_backend!(self, read db => db.document_claims(slug).await)
    }
}
