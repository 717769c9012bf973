//! Voices as stored: the claims import made, read back per document and per voice.

use super::{Store, StoreResult, on_backend};
use crate::domain::anchor::Anchor;
use crate::domain::reanchor::AnchorStatus;
use crate::domain::voices::corrections::{Outcome, Verdict};
use crate::domain::voices::{Attribution, Claim, ClaimCorrection, Span, Voice, Voices};

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
    /// The sentence's words.
    pub sentence: String,
    /// Where the sentence starts, in code points of the paragraph.
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
    /// The analyst's correction that confirms or gives this voice.
    pub correction: Option<StoredClaimCorrection>,
}

/// Who corrected a claim, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClaimCorrection {
    /// The correction's id.
    pub id: String,
    /// The analyst who made it.
    pub by: String,
    /// `confirmed`, `reassigned` or `added`.
    pub outcome: String,
    /// The voice the rules gave the sentence.
    pub rule_voice: Option<String>,
}

impl StoredClaimCorrection {
    /// The correction as the domain has it.
    pub fn domain(&self) -> ClaimCorrection {
        ClaimCorrection {
            id: self.id.clone(),
            by: self.by.clone(),
            outcome: Outcome::parse(&self.outcome),
            rule_voice: self.rule_voice.clone(),
        }
    }
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
            correction: stored
                .correction
                .as_ref()
                .map(StoredClaimCorrection::domain),
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

    /// The voice `id` with its counts; none if no claim has it.
    pub async fn voice(&self, id: &str) -> StoreResult<Option<VoiceSummary>> {
        on_backend!(self, read db => db.voice_summary(id).await)
    }

    /// The id of the voice the corpus names `label` (letter case aside), if one does.
    pub async fn voice_labelled(&self, label: &str) -> StoreResult<Option<String>> {
        on_backend!(self, read db => db.voice_labelled(label).await)
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

/// An analyst's correction of the attribution of one sentence, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCorrection {
    /// 32 hex digits.
    pub id: String,
    /// The document's slug.
    pub slug: String,
    /// The analyst who made it.
    pub creator: String,
    /// The voice the analyst gives the sentence; `None`: it reports no one.
    pub voice: Option<Voice>,
    /// The sentence, in the document's text.
    pub anchor: Anchor,
    /// How the anchor stands in the current text.
    pub status: AnchorStatus,
    /// The sentence as it read when the correction was made.
    pub original_exact: String,
    /// The paragraph holding the sentence, from 1.
    pub paragraph: i64,
    /// How it stands against the rules: `confirmed`, `reassigned`, `added`, `removed`,
    /// `agreed`, `overruled` or `unplaced`.
    pub outcome: String,
    /// The voice the rules give the sentence, when they give one.
    pub rule_voice: Option<String>,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub modified: String,
}

/// A correction as the Voices panel and the export list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionEntry {
    /// The correction's id.
    pub id: String,
    /// Who made it.
    pub by: String,
    /// What it did, after the analyst's name.
    pub action: String,
    /// The paragraph, from 1.
    pub paragraph: i64,
    /// The sentence.
    pub quote: String,
    /// RFC 3339.
    pub modified: String,
    /// The day, YYYY-MM-DD.
    pub date: String,
    /// Whether it is in force (not overruled, and its sentence still in the text).
    pub applied: bool,
    /// Whether its sentence is still in the text, so the paragraph can be linked to.
    pub placed: bool,
    /// How the sentence moved since the correction was made, if it did.
    pub moved: Option<String>,
    /// What stands once it is undone, told to the analyst who undoes it.
    pub undone: String,
}

impl CorrectionEntry {
    /// The sentence's first words, to tell its Undo button from another's.
    pub fn opening(&self) -> String {
        let words: Vec<&str> = self.quote.split_whitespace().take(6).collect();
        let more = self.quote.split_whitespace().count() > words.len();
        format!("{}{}", words.join(" "), if more { "…" } else { "" })
    }
}

/// The document's corrections (newest first, as stored) as the Voices panel lists them,
/// each telling what will stand for its sentence once it is undone: the newest older
/// correction of the same sentence, or else the rules.
pub fn correction_entries(corrections: &[StoredCorrection]) -> Vec<CorrectionEntry> {
    corrections
        .iter()
        .enumerate()
        .map(|(at, correction)| {
            let older = corrections[at + 1..].iter().find(|older| {
                older.status.is_placed()
                    && older.paragraph == correction.paragraph
                    && older.anchor.start == correction.anchor.start
            });
            correction.entry(undone_words(correction, older))
        })
        .collect()
}

fn undone_words(correction: &StoredCorrection, older: Option<&StoredCorrection>) -> String {
    match Outcome::parse(&correction.outcome) {
        Outcome::Overruled => {
            "Correction undone; a newer correction of the sentence still holds, so the page reads as before.".to_owned()
        }
        Outcome::Unplaced => {
            "Correction undone; its sentence is no longer in the text, so the page reads as before.".to_owned()
        }
        _ => match older {
            Some(older) => format!(
                "Correction undone: {}’s earlier correction holds again, and the sentence gives {}.",
                older.creator,
                older
                    .voice
                    .as_ref()
                    .map_or("no one’s view".to_owned(), |voice| format!("the view of {}", voice.label))
            ),
            None => "Correction undone: the rules speak for the sentence again.".to_owned(),
        },
    }
}

impl StoredCorrection {
    /// What it is made of, as it is listed; `undone` tells what stands once it is undone.
    fn entry(&self, undone: String) -> CorrectionEntry {
        let verdict = self.voice.clone().map_or(Verdict::NoOne, Verdict::Says);
        let outcome = Outcome::parse(&self.outcome);
        CorrectionEntry {
            id: self.id.clone(),
            by: self.creator.clone(),
            action: crate::domain::voices::corrections::action_words(
                &verdict,
                outcome,
                self.rule_voice.as_deref(),
            ),
            paragraph: self.paragraph,
            quote: self.anchor.exact.clone(),
            modified: self.modified.clone(),
            date: self.modified.chars().take(10).collect(),
            applied: !matches!(outcome, Outcome::Overruled | Outcome::Unplaced),
            placed: self.status.is_placed(),
            moved: match self.status {
                AnchorStatus::Moved => {
                    Some("The sentence has moved in a newer version of the text.".to_owned())
                }
                AnchorStatus::Fuzzy => Some(format!(
                    "The sentence has changed in a newer version of the text; it read “{}”.",
                    self.original_exact
                )),
                _ => None,
            },
            undone,
        }
    }
}

impl Store {
    /// Records that the sentence at `anchor` gives `verdict`'s voice (or no one's), replacing
    /// any correction of the same sentence, and lays every correction of the document over
    /// the rules' claims again.
    pub async fn correct_voice(
        &self,
        document_id: i64,
        version: i64,
        analyst_id: i64,
        id: &str,
        anchor: &Anchor,
        verdict: &Verdict,
    ) -> StoreResult<StoredCorrection> {
        on_backend!(self, db => db.correct_voice(document_id, version, analyst_id, id, anchor, verdict).await)
    }

    /// Takes a correction back, so the rules speak for its sentence again; whether it was
    /// there.
    pub async fn delete_correction(&self, document_id: i64, id: &str) -> StoreResult<bool> {
        on_backend!(self, db => db.delete_correction(document_id, id).await)
    }

    /// Every correction of a document, newest first.
    pub async fn document_corrections(
        &self,
        document_id: i64,
    ) -> StoreResult<Vec<StoredCorrection>> {
        on_backend!(self, read db => db.document_corrections(document_id, None).await)
    }

    /// One correction of a document.
    pub async fn get_correction(
        &self,
        document_id: i64,
        id: &str,
    ) -> StoreResult<Option<StoredCorrection>> {
        let found =
            on_backend!(self, read db => db.document_corrections(document_id, Some(id)).await)?;
        Ok(found.into_iter().next())
    }
}
