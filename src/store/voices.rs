//! Voices as stored: the claims import made, read back per document and per voice.

use super::{Store, StoreResult, on_backend};
use crate::domain::voices::{Attribution, Claim, Span, Voice, Voices};

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

/// Stored claims as the domain's voices, paragraphs counted from 0 again.
pub fn voices_of(claims: &[StoredClaim]) -> Voices {
    let mut voices = Voices::default();
    for stored in claims {
        if voices.voice(&stored.voice_id).is_none() {
            voices.voices.push(Voice {
                id: stored.voice_id.clone(),
                label: stored.voice_label.clone(),
                actor: stored.voice_actor.clone(),
                official: stored.official,
            });
        }
        let span = |s: &Option<StoredSpan>| {
            s.as_ref().map(|s| Span {
                start: usize::try_from(s.start).unwrap_or(0),
                end: usize::try_from(s.end).unwrap_or(0),
                text: s.text.clone(),
            })
        };
        let Some(attribution) = Attribution::parse(&stored.attribution) else {
            continue;
        };
        voices.claims.push(Claim {
            paragraph: usize::try_from(stored.paragraph - 1).unwrap_or(0),
            sentence: usize::try_from(stored.start).unwrap_or(0)
                ..usize::try_from(stored.end).unwrap_or(0),
            cue: span(&stored.cue),
            source: span(&stored.source),
            voice: stored.voice_id.clone(),
            attribution,
            confidence: u8::try_from(stored.confidence).unwrap_or(0),
            rule: stored.rule.clone(),
        });
    }
    voices
}

/// A voice across the corpus, with how much it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceSummary {
    /// The voice's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The actor it belongs to.
    pub actor: Option<String>,
    /// Whether it speaks officially.
    pub official: bool,
    /// Sentences giving its view.
    pub claims: i64,
    /// Documents it speaks in.
    pub documents: i64,
}

/// A page of a voice's claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoicePage {
    /// The voice.
    pub voice: VoiceSummary,
    /// Its claims on this page, by document then text order.
    pub claims: Vec<StoredClaim>,
}

impl Store {
    /// Every claim of the document `slug`, in text order; none if there is no such document.
    pub async fn document_claims(&self, slug: &str) -> StoreResult<Option<Vec<StoredClaim>>> {
        on_backend!(self, read db => db.document_claims(slug).await)
    }

    /// Every voice of the corpus, or only those belonging to `actor` (a person's own voice
    /// included), most claims first.
    pub async fn voices(&self, actor: Option<&str>) -> StoreResult<Vec<VoiceSummary>> {
        on_backend!(self, read db => db.voices(actor).await)
    }

    /// The voice `id` with a page of its claims; none if no claim has that voice.
    pub async fn voice_page(
        &self,
        id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Option<VoicePage>> {
        on_backend!(self, read db => db.voice_page(id, offset, limit).await)
    }
}
