//! Two versions of a document's text compared: paragraph by paragraph, and word by word
//! where a paragraph changed.

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::annotation::history::{DiffPart, word_diff};

/// What became of a paragraph from one version to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParagraphChange {
    /// Unchanged: its numbers in the old and the new version (from 1).
    Same {
        /// Number in the old version.
        old: usize,
        /// Number in the new version.
        new: usize,
        /// Its text.
        text: String,
    },
    /// Only in the old version.
    Removed {
        /// Number in the old version.
        old: usize,
        /// Its text.
        text: String,
    },
    /// Only in the new version.
    Added {
        /// Number in the new version.
        new: usize,
        /// Its text.
        text: String,
    },
    /// Rewritten: its words kept, removed and added.
    Changed {
        /// Number in the old version.
        old: usize,
        /// Number in the new version.
        new: usize,
        /// The word diff.
        parts: Vec<DiffPart>,
    },
}

impl ParagraphChange {
    /// Whether anything changed.
    pub fn is_same(&self) -> bool {
        matches!(self, ParagraphChange::Same { .. })
    }
}

/// The paragraphs of `new` against `old`. Paragraphs that moved as a block are matched
/// (patience diff); a run of paragraphs replaced by another run is compared pairwise, word by
/// word, and what is left over is removed or added.
pub fn paragraph_diff(old: &[&str], new: &[&str]) -> Vec<ParagraphChange> {
    let mut changes = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, old, new) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => changes.extend((0..len).map(|k| ParagraphChange::Same {
                old: old_index + k + 1,
                new: new_index + k + 1,
                text: old[old_index + k].to_owned(),
            })),
            DiffOp::Delete {
                old_index, old_len, ..
            } => changes.extend((0..old_len).map(|k| ParagraphChange::Removed {
                old: old_index + k + 1,
                text: old[old_index + k].to_owned(),
            })),
            DiffOp::Insert {
                new_index, new_len, ..
            } => changes.extend((0..new_len).map(|k| ParagraphChange::Added {
                new: new_index + k + 1,
                text: new[new_index + k].to_owned(),
            })),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let paired = old_len.min(new_len);
                changes.extend((0..paired).map(|k| ParagraphChange::Changed {
                    old: old_index + k + 1,
                    new: new_index + k + 1,
                    parts: word_diff(old[old_index + k], new[new_index + k]),
                }));
                changes.extend((paired..old_len).map(|k| ParagraphChange::Removed {
                    old: old_index + k + 1,
                    text: old[old_index + k].to_owned(),
                }));
                changes.extend((paired..new_len).map(|k| ParagraphChange::Added {
                    new: new_index + k + 1,
                    text: new[new_index + k].to_owned(),
                }));
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_matched_and_changed_ones_compared_word_by_word() {
        let old = ["Intro.", "Moscow hinted at ties.", "Old ending."];
        let new = [
            "Intro.",
            "Moscow openly hinted at ties.",
            "A new paragraph.",
        ];
        let changes = paragraph_diff(&old, &new);
        assert_eq!(
            changes[0],
            ParagraphChange::Same {
                old: 1,
                new: 1,
                text: "Intro.".into()
            }
        );
        let ParagraphChange::Changed {
            old: 2,
            new: 2,
            parts,
        } = &changes[1]
        else {
            panic!("{changes:?}");
        };
        assert!(
            parts.contains(&DiffPart::Added("openly ".into())),
            "{parts:?}"
        );
        assert!(matches!(
            changes[2],
            ParagraphChange::Changed { old: 3, new: 3, .. }
        ));
        let removed = paragraph_diff(&old, &old[1..]);
        assert_eq!(
            removed[0],
            ParagraphChange::Removed {
                old: 1,
                text: "Intro.".into()
            }
        );
        assert!(removed[1..].iter().all(ParagraphChange::is_same));
    }
}
