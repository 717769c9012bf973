//! A note's history: every state it has had, as an append-only list of revisions, what
//! changed between two of them, and a word-level diff of their bodies.

use serde::{Deserialize, Serialize};

use super::model::{Note, Visibility};
use crate::domain::anchor::Anchor;
use crate::domain::grades::{Credibility, Grades, Reliability};

/// What a revision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionKind {
    /// The note was written (or restored from an export).
    Created,
    /// Its author changed it.
    Edited,
    /// A new version of the text moved its passage.
    Reanchored,
    /// Its author brought back an earlier revision.
    Restored,
    /// Its author deleted it; the revision keeps its last state for the audit.
    Deleted,
}

impl RevisionKind {
    /// Stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Created => "created",
            RevisionKind::Edited => "edited",
            RevisionKind::Reanchored => "reanchored",
            RevisionKind::Restored => "restored",
            RevisionKind::Deleted => "deleted",
        }
    }

    /// Inverse of [`RevisionKind::as_str`].
    pub fn parse(name: &str) -> Option<RevisionKind> {
        [
            RevisionKind::Created,
            RevisionKind::Edited,
            RevisionKind::Reanchored,
            RevisionKind::Restored,
            RevisionKind::Deleted,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// A note's passage as a revision keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorState {
    /// First code point in the document text.
    pub start: usize,
    /// One past the last.
    pub end: usize,
    /// The quoted words.
    pub exact: String,
}

/// Everything about a note that its history keeps, as stored (JSON) in each revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteState {
    /// Motivation.
    pub motivation: String,
    /// Markdown body.
    pub body: String,
    /// Tags.
    pub tags: Vec<String>,
    /// `private`, `team` or `public`.
    pub visibility: String,
    /// Admiralty credibility, 1–6.
    #[serde(default)]
    pub credibility: Option<u8>,
    /// Admiralty source reliability, A–F.
    #[serde(default, rename = "sourceReliability")]
    pub source_reliability: Option<String>,
    /// The passage; none for a note on the whole document.
    #[serde(default)]
    pub anchor: Option<AnchorState>,
    /// How the passage stood: exact, moved, fuzzy, ambiguous or orphan.
    #[serde(default, rename = "anchorStatus")]
    pub anchor_status: String,
    /// The note a reply answers, so that a deleted reply's place in its thread is known.
    #[serde(default, rename = "replyTo", skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

impl NoteState {
    /// The state of `note` now.
    pub fn of(note: &Note) -> NoteState {
        NoteState {
            motivation: note.motivation.clone(),
            body: note.body.clone(),
            tags: note.tags.clone(),
            visibility: note.visibility.as_str().to_owned(),
            credibility: note.grades.credibility.map(Credibility::number),
            source_reliability: note.grades.reliability.map(|r| r.letter().to_owned()),
            anchor: note.anchor.as_ref().map(|a: &Anchor| AnchorState {
                start: a.start,
                end: a.end,
                exact: a.exact.clone(),
            }),
            anchor_status: note.status.as_str().to_owned(),
            reply_to: note.reply_to.clone(),
        }
    }

    /// Its grades.
    pub fn grades(&self) -> Grades {
        Grades {
            reliability: self
                .source_reliability
                .as_deref()
                .and_then(Reliability::parse),
            credibility: self
                .credibility
                .and_then(|n| Credibility::from_number(i64::from(n))),
        }
    }

    /// The note as this revision left it, for showing it as it was then.
    pub fn note(&self, id: &str, slug: &str, creator: &str, at: &str) -> Note {
        Note {
            id: id.to_owned(),
            document_slug: slug.to_owned(),
            creator: creator.to_owned(),
            motivation: self.motivation.clone(),
            body_html: crate::domain::markdown::render_untrusted(&self.body),
            body: self.body.clone(),
            tags: self.tags.clone(),
            grades: self.grades(),
            visibility: self.visibility(),
            anchor: self.anchor.as_ref().map(|a| Anchor {
                start: a.start,
                end: a.end,
                exact: a.exact.clone(),
                prefix: String::new(),
                suffix: String::new(),
            }),
            status: crate::domain::reanchor::AnchorStatus::parse(&self.anchor_status),
            original_exact: self
                .anchor
                .as_ref()
                .map_or_else(String::new, |a| a.exact.clone()),
            created: at.to_owned(),
            modified: at.to_owned(),
            revision: 1,
            kept: Default::default(),
            reply_to: self.reply_to.clone(),
            reply_seq: 0,
            mentions: Vec::new(),
        }
    }

    /// Who may read the note in this state.
    pub fn visibility(&self) -> Visibility {
        Visibility::parse(&self.visibility).unwrap_or(Visibility::Private)
    }
}

/// What changed from one state to another, a line per field, in words.
pub fn changes(before: &NoteState, after: &NoteState) -> Vec<String> {
    let mut lines = Vec::new();
    if before.body != after.body {
        lines.push("the text".to_owned());
    }
    if before.tags != after.tags {
        let list = |tags: &[String]| {
            if tags.is_empty() {
                "none".to_owned()
            } else {
                tags.join(", ")
            }
        };
        lines.push(format!(
            "tags: {} → {}",
            list(&before.tags),
            list(&after.tags)
        ));
    }
    if before.motivation != after.motivation {
        lines.push(format!(
            "motivation: {} → {}",
            before.motivation, after.motivation
        ));
    }
    if before.visibility != after.visibility {
        lines.push(format!(
            "shared with: {} → {}",
            before.visibility, after.visibility
        ));
    }
    if before.grades() != after.grades() {
        let badge = |s: &NoteState| s.grades().badge().unwrap_or_else(|| "none".to_owned());
        lines.push(format!("grades: {} → {}", badge(before), badge(after)));
    }
    if before.anchor != after.anchor || before.anchor_status != after.anchor_status {
        let quote = |s: &NoteState| {
            s.anchor
                .as_ref()
                .map_or("the whole document".to_owned(), |a| {
                    format!("“{}”", a.exact)
                })
        };
        lines.push(format!(
            "passage: {} ({}) → {} ({})",
            quote(before),
            before.anchor_status,
            quote(after),
            after.anchor_status
        ));
    }
    lines
}

/// One run of a word diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffPart {
    /// In both.
    Same(String),
    /// Only in the newer text.
    Added(String),
    /// Only in the older text.
    Removed(String),
}

/// The words of `new` against `old`: runs kept, added and removed, in reading order.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    let diff = similar::TextDiff::from_words(old, new);
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value().to_owned();
        let part = match change.tag() {
            similar::ChangeTag::Equal => DiffPart::Same(text),
            similar::ChangeTag::Insert => DiffPart::Added(text),
            similar::ChangeTag::Delete => DiffPart::Removed(text),
        };
        match (parts.last_mut(), part) {
            (Some(DiffPart::Same(run)), DiffPart::Same(more))
            | (Some(DiffPart::Added(run)), DiffPart::Added(more))
            | (Some(DiffPart::Removed(run)), DiffPart::Removed(more)) => run.push_str(&more),
            (_, part) => parts.push(part),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(body: &str, tags: &[&str]) -> NoteState {
        NoteState {
            motivation: "commenting".into(),
            body: body.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            visibility: "team".into(),
            credibility: None,
            source_reliability: None,
            anchor: Some(AnchorState {
                start: 3,
                end: 9,
                exact: "Moscow".into(),
            }),
            anchor_status: "exact".into(),
            reply_to: None,
        }
    }

    #[test]
    fn a_word_diff_says_what_was_added_and_removed() {
        let parts = word_diff("Moscow hinted at closer ties", "Moscow denied closer ties");
        assert_eq!(
            parts,
            [
                DiffPart::Same("Moscow ".into()),
                DiffPart::Removed("hinted at".into()),
                DiffPart::Added("denied".into()),
                DiffPart::Same(" closer ties".into()),
            ]
        );
        assert_eq!(word_diff("same", "same"), [DiffPart::Same("same".into())]);
    }

    #[test]
    fn changes_name_each_field_that_moved() {
        let before = state("Old.", &["a"]);
        let mut after = state("New.", &["a", "b"]);
        after.credibility = Some(3);
        after.visibility = "private".into();
        assert_eq!(
            changes(&before, &after),
            [
                "the text",
                "tags: a → a, b",
                "shared with: team → private",
                "grades: none → 3"
            ]
        );
        assert!(changes(&before, &before).is_empty());
        let json = serde_json::to_string(&after).unwrap();
        assert_eq!(serde_json::from_str::<NoteState>(&json).unwrap(), after);
    }
}
