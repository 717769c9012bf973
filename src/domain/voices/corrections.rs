//! Analysts' corrections of attributions, and how they overrule the rules.
//!
//! A correction says of one sentence either "this is what voice V says" or "this sentence
//! reports no one". It is anchored to the whole sentence like a note (quote, context and
//! position), so it follows the sentence through a new version of the text. Whenever the
//! rules run again, each correction still placed in the text is laid over their claims:
//! the same voice *confirms* the rule's claim, another voice *reassigns* it (or *adds* a
//! claim where the rules found none), and "no one" *removes* it (or *agrees* with rules that
//! found none). Where two corrections land on one sentence, the newer one holds and the
//! older is *overruled*; a correction whose sentence is gone is *unplaced*, kept and listed,
//! never applied and never lost.

use std::ops::Range;

use super::Voice;

/// What an analyst says of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The sentence gives this voice's view.
    Says(Voice),
    /// The sentence reports no one's view.
    NoOne,
}

/// How a correction stands against the rules' claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The rules give the sentence the same voice.
    Confirmed,
    /// The rules give it another voice; the analyst's holds.
    Reassigned,
    /// The rules give it no voice; the analyst's holds.
    Added,
    /// The rules give it a voice; the analyst says no one speaks.
    Removed,
    /// Neither the rules nor the analyst give it a voice.
    Agreed,
    /// A newer correction on the same sentence holds instead.
    Overruled,
    /// Its sentence is no longer in the text (or is in several places).
    Unplaced,
}

impl Outcome {
    /// Stable lowercase name, as stored and served.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Confirmed => "confirmed",
            Outcome::Reassigned => "reassigned",
            Outcome::Added => "added",
            Outcome::Removed => "removed",
            Outcome::Agreed => "agreed",
            Outcome::Overruled => "overruled",
            Outcome::Unplaced => "unplaced",
        }
    }

    /// The outcome a stored name stands for; an unknown name reads as unplaced, never as
    /// applied.
    pub fn parse(name: &str) -> Outcome {
        [
            Outcome::Confirmed,
            Outcome::Reassigned,
            Outcome::Added,
            Outcome::Removed,
            Outcome::Agreed,
            Outcome::Overruled,
        ]
        .into_iter()
        .find(|o| o.as_str() == name)
        .unwrap_or(Outcome::Unplaced)
    }

    /// Whether the correction changes what the page shows.
    pub fn overrides(self) -> bool {
        matches!(
            self,
            Outcome::Reassigned | Outcome::Added | Outcome::Removed
        )
    }
}

/// A claim the rules made, as the overlay needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleClaim {
    /// Its block (0-based).
    pub paragraph: usize,
    /// Its sentence, in code points of the block.
    pub sentence: Range<usize>,
    /// Its voice's id.
    pub voice: String,
    /// Whether the rules carried its voice from a sentence before.
    pub carried: bool,
}

/// Where a correction's sentence now is: block and code points in it; `None` when its
/// anchor no longer places it.
pub type Placement = Option<(usize, Range<usize>)>;

/// What to do for one correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// How the correction stands.
    pub outcome: Outcome,
    /// The rule claim it confirms, replaces or removes (an index into the rule claims).
    pub rule_claim: Option<usize>,
    /// The sentence an analyst's claim is written on, when the outcome writes one: the rule
    /// claim's own sentence, or the correction's where the rules have none.
    pub sentence: Option<(usize, Range<usize>)>,
}

/// Lays corrections over the rules' claims. `corrections` come newest first, each as its
/// placement and verdict; the decisions come in the same order.
pub fn overlay(rules: &[RuleClaim], corrections: &[(Placement, &Verdict)]) -> Vec<Decision> {
    let mut taken: Vec<(usize, Range<usize>)> = Vec::new();
    corrections
        .iter()
        .map(|(placement, verdict)| {
            let Some((paragraph, span)) = placement.clone() else {
                return Decision {
                    outcome: Outcome::Unplaced,
                    rule_claim: None,
                    sentence: None,
                };
            };
            let rule_claim = rules
                .iter()
                .position(|c| c.paragraph == paragraph && overlaps(&c.sentence, &span));
            let sentence = match rule_claim {
                Some(i) => rules[i].sentence.clone(),
                None => span,
            };
            if taken
                .iter()
                .any(|(p, s)| *p == paragraph && overlaps(s, &sentence))
            {
                return Decision {
                    outcome: Outcome::Overruled,
                    rule_claim: None,
                    sentence: None,
                };
            }
            taken.push((paragraph, sentence.clone()));
            let ruled = rule_claim.map(|i| rules[i].voice.as_str());
            let (outcome, writes) = match (verdict, ruled) {
                (Verdict::Says(voice), Some(rule_voice)) if voice.id == rule_voice => {
                    (Outcome::Confirmed, false)
                }
                (Verdict::Says(_), Some(_)) => (Outcome::Reassigned, true),
                (Verdict::Says(_), None) => (Outcome::Added, true),
                (Verdict::NoOne, Some(_)) => (Outcome::Removed, false),
                (Verdict::NoOne, None) => (Outcome::Agreed, false),
            };
            Decision {
                outcome,
                rule_claim,
                sentence: writes.then_some((paragraph, sentence)),
            }
        })
        .collect()
}

/// The rules' carried claims that go on from a claim an analyst reassigned, which take its new
/// voice: after it in its paragraph, carried, with the voice it had, up to the first claim that
/// is not (or that a correction decides itself). Each comes as `(rule claim, decision)`.
pub fn followers(rules: &[RuleClaim], decisions: &[Decision]) -> Vec<(usize, usize)> {
    let decided: Vec<usize> = decisions.iter().filter_map(|d| d.rule_claim).collect();
    let mut out = Vec::new();
    for (k, decision) in decisions.iter().enumerate() {
        let Some(head) = decision
            .rule_claim
            .filter(|_| decision.outcome == Outcome::Reassigned)
        else {
            continue;
        };
        let mut after: Vec<usize> = (0..rules.len())
            .filter(|&j| {
                rules[j].paragraph == rules[head].paragraph
                    && rules[j].sentence.start > rules[head].sentence.start
            })
            .collect();
        after.sort_by_key(|&j| rules[j].sentence.start);
        for j in after {
            if !rules[j].carried || rules[j].voice != rules[head].voice || decided.contains(&j) {
                break;
            }
            out.push((j, k));
        }
    }
    out
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// The sentence of a block that a correction at code point `at` is about: the one holding
/// it, or the next one when `at` falls in the space between two.
pub fn sentence_for(sentences: &[Range<usize>], at: usize) -> Option<Range<usize>> {
    sentences
        .iter()
        .find(|s| at < s.end)
        .or_else(|| sentences.last())
        .cloned()
}

/// Where a stored anchor (`start..end` in document code points) falls: the block whose
/// range holds its start, given each block's `(start, length)`, with the part inside it.
pub fn place(blocks: &[(usize, usize)], start: usize, end: usize) -> Placement {
    let index = blocks
        .iter()
        .position(|&(s, len)| start >= s && start < s + len)?;
    let (block_start, len) = blocks[index];
    let local_end = end.min(block_start + len) - block_start;
    Some((index, start - block_start..local_end))
}

/// What an analyst's correction did, in words, after their name: "gave it to Chinese
/// observers (the rules said Western commentators)".
pub fn action_words(verdict: &Verdict, outcome: Outcome, rule_voice: Option<&str>) -> String {
    let said = match verdict {
        Verdict::Says(voice) => voice.label.as_str(),
        Verdict::NoOne => "no one",
    };
    let rules = match rule_voice {
        Some(rule) => format!("the rules said {rule}"),
        None => "the rules found no voice".to_owned(),
    };
    match outcome {
        Outcome::Confirmed => format!("confirmed {said}"),
        Outcome::Reassigned | Outcome::Added => format!("gave it to {said} ({rules})"),
        Outcome::Removed => format!("said no one speaks here ({rules})"),
        Outcome::Agreed => "said no one speaks here, as the rules do".to_owned(),
        Outcome::Overruled => {
            format!("said {said}; a newer correction of this sentence holds")
        }
        Outcome::Unplaced => {
            format!("said {said}; the sentence is no longer in the text, so this is not applied")
        }
    }
}

/// The longest label an analyst may give a new voice, in code points.
pub const MAX_LABEL_LEN: usize = 120;

/// Why a typed voice label is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// Nothing but white space.
    #[error("is empty; type who speaks, e.g. \"KCNA\" or \"South Korean officials\"")]
    Empty,
    /// Over [`MAX_LABEL_LEN`].
    #[error("is longer than {MAX_LABEL_LEN} characters")]
    TooLong,
    /// No letter or digit to make an id from.
    #[error("needs at least one letter or digit")]
    NoId,
    /// A control, invisible or bidirectional formatting character, which would garble the
    /// lines the label is shown in or make two labels look alike.
    #[error(
        "has a control, invisible or text-direction character (U+{0:04X}); type the name as it reads"
    )]
    Control(u32),
}

/// Characters a label may not hold: controls; the bidirectional marks, embeddings, overrides
/// and isolates that would reorder the text around it; and the invisible spaces and joiners
/// that would make two labels look the same. The zero-width (non-)joiner stays allowed: Persian
/// and Indic spellings and emoji need it.
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// A new voice from the label an analyst typed: white space folded, an id made from its
/// letters and digits ("South Korean officials" → `south-korean-officials`).
pub fn typed_voice(
    label: &str,
    actor: Option<String>,
    official: bool,
) -> Result<Voice, LabelError> {
    if let Some(c) = label
        .chars()
        .find(|&c| is_forbidden(c) && !c.is_whitespace())
    {
        return Err(LabelError::Control(u32::from(c)));
    }
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    // "Chinese analysts." is the voice "Chinese analysts".
    let label = label
        .trim_end_matches(['.', ',', ';', ':'])
        .trim_end()
        .to_owned();
    if label.is_empty() {
        return Err(LabelError::Empty);
    }
    if label.chars().count() > MAX_LABEL_LEN {
        return Err(LabelError::TooLong);
    }
    let id = crate::domain::slug::Slug::suggest(&label)
        .map(|s| s.as_str().to_owned())
        .or_else(|| {
            // A label in a script with no ASCII letters still needs a stable id.
            let hex: String = label
                .chars()
                .filter(|c| c.is_alphanumeric())
                .map(|c| format!("{:x}", u32::from(c)))
                .collect::<Vec<_>>()
                .join("-");
            (!hex.is_empty()).then(|| format!("u-{hex}"))
        })
        .ok_or(LabelError::NoId)?;
    Ok(Voice {
        id,
        label,
        actor,
        official,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice(id: &str) -> Voice {
        Voice {
            id: id.to_owned(),
            label: id.to_owned(),
            actor: None,
            official: false,
        }
    }

    fn rule(paragraph: usize, sentence: Range<usize>, voice: &str) -> RuleClaim {
        RuleClaim {
            paragraph,
            sentence,
            voice: voice.to_owned(),
            carried: false,
        }
    }

    fn carried(paragraph: usize, sentence: Range<usize>, voice: &str) -> RuleClaim {
        RuleClaim {
            carried: true,
            ..rule(paragraph, sentence, voice)
        }
    }

    #[test]
    fn carried_claims_follow_the_sentence_they_go_on_from() {
        let rules = vec![
            rule(0, 0..20, "chn-analysts"),
            carried(0, 21..40, "chn-analysts"),
            carried(0, 41..60, "chn-analysts"),
            rule(0, 61..80, "rus"),
            carried(0, 81..90, "rus"),
            carried(1, 0..10, "chn-analysts"),
        ];
        let observers = Verdict::Says(voice("chn-observers"));
        let decisions = overlay(&rules, &[(Some((0, 0..20)), &observers)]);
        assert_eq!(followers(&rules, &decisions), vec![(1, 0), (2, 0)]);
        // A follower an analyst decides stops the run; removing carries nothing.
        let decisions = overlay(
            &rules,
            &[
                (Some((0, 41..60)), &Verdict::NoOne),
                (Some((0, 0..20)), &observers),
            ],
        );
        assert_eq!(followers(&rules, &decisions), vec![(1, 1)]);
        let decisions = overlay(&rules, &[(Some((0, 0..20)), &Verdict::NoOne)]);
        assert!(followers(&rules, &decisions).is_empty());
    }

    type Case<'a> = (
        Placement,
        &'a Verdict,
        Outcome,
        Option<usize>,
        Option<(usize, Range<usize>)>,
    );

    #[test]
    fn each_verdict_stands_against_the_rules_as_expected() {
        let rules = vec![rule(0, 0..40, "chn-analysts"), rule(1, 10..50, "rus")];
        let same = Verdict::Says(voice("chn-analysts"));
        let other = Verdict::Says(voice("prk"));
        let cases: Vec<Case> = vec![
            (Some((0, 0..40)), &same, Outcome::Confirmed, Some(0), None),
            (
                Some((0, 0..40)),
                &other,
                Outcome::Reassigned,
                Some(0),
                Some((0, 0..40)),
            ),
            (
                Some((0, 50..70)),
                &other,
                Outcome::Added,
                None,
                Some((0, 50..70)),
            ),
            (
                Some((1, 12..30)),
                &Verdict::NoOne,
                Outcome::Removed,
                Some(1),
                None,
            ),
            (
                Some((2, 0..10)),
                &Verdict::NoOne,
                Outcome::Agreed,
                None,
                None,
            ),
            (None, &other, Outcome::Unplaced, None, None),
        ];
        for (placement, verdict, outcome, rule_claim, sentence) in cases {
            let decided = overlay(&rules, &[(placement.clone(), verdict)]);
            assert_eq!(
                decided,
                vec![Decision {
                    outcome,
                    rule_claim,
                    sentence
                }],
                "{placement:?} {verdict:?}"
            );
        }
    }

    #[test]
    fn the_newer_of_two_corrections_on_one_sentence_holds() {
        let rules = vec![rule(0, 0..40, "chn-analysts")];
        let newer = Verdict::NoOne;
        let older = Verdict::Says(voice("prk"));
        let decided = overlay(
            &rules,
            &[(Some((0, 5..40)), &newer), (Some((0, 0..40)), &older)],
        );
        assert_eq!(decided[0].outcome, Outcome::Removed);
        assert_eq!(decided[1].outcome, Outcome::Overruled);
        assert!(decided[1].sentence.is_none());
    }

    #[test]
    fn each_outcome_is_put_in_words() {
        let observers = Verdict::Says(Voice {
            label: "Chinese observers".into(),
            ..voice("chn-observers")
        });
        let cases = [
            (
                &observers,
                Outcome::Confirmed,
                Some("Chinese observers"),
                "confirmed Chinese observers",
            ),
            (
                &observers,
                Outcome::Reassigned,
                Some("Russia"),
                "gave it to Chinese observers (the rules said Russia)",
            ),
            (
                &observers,
                Outcome::Added,
                None,
                "gave it to Chinese observers (the rules found no voice)",
            ),
            (
                &Verdict::NoOne,
                Outcome::Removed,
                Some("Russia"),
                "said no one speaks here (the rules said Russia)",
            ),
            (
                &Verdict::NoOne,
                Outcome::Agreed,
                None,
                "said no one speaks here, as the rules do",
            ),
            (
                &Verdict::NoOne,
                Outcome::Overruled,
                None,
                "said no one; a newer correction of this sentence holds",
            ),
        ];
        for (verdict, outcome, rule, words) in cases {
            assert_eq!(action_words(verdict, outcome, rule), words);
        }
        assert!(
            action_words(&observers, Outcome::Unplaced, None).contains("no longer in the text")
        );
    }

    #[test]
    fn a_position_between_sentences_belongs_to_the_next_one() {
        let sentences = vec![0..10, 11..30, 31..40];
        assert_eq!(sentence_for(&sentences, 0), Some(0..10));
        assert_eq!(sentence_for(&sentences, 10), Some(11..30));
        assert_eq!(sentence_for(&sentences, 29), Some(11..30));
        assert_eq!(sentence_for(&sentences, 45), Some(31..40));
        assert_eq!(sentence_for(&[], 3), None);
    }

    #[test]
    fn anchors_are_placed_in_the_block_holding_their_start() {
        let blocks = vec![(0, 10), (12, 20), (34, 5)];
        assert_eq!(place(&blocks, 12, 20), Some((1, 0..8)));
        assert_eq!(place(&blocks, 35, 39), Some((2, 1..5)));
        assert_eq!(place(&blocks, 30, 40), Some((1, 18..20)));
        assert_eq!(place(&blocks, 10, 12), None);
        assert_eq!(place(&blocks, 99, 100), None);
    }

    #[test]
    fn typed_labels_make_stable_ids_or_say_what_is_wrong() {
        let v = typed_voice("  South   Korean officials ", Some("kor".into()), true).unwrap();
        assert_eq!(v.id, "south-korean-officials");
        assert_eq!(v.label, "South Korean officials");
        assert_eq!(v.actor.as_deref(), Some("kor"));
        assert!(v.official);
        let cyrillic = typed_voice("Антон Иванов", None, false).unwrap();
        assert!(cyrillic.id.starts_with("u-"), "{}", cyrillic.id);
        assert_eq!(typed_voice("   ", None, false), Err(LabelError::Empty));
        assert_eq!(
            typed_voice("Chinese analysts. ", None, false)
                .unwrap()
                .label,
            "Chinese analysts"
        );
        assert_eq!(
            typed_voice("line\u{0}nul", None, false),
            Err(LabelError::Control(0))
        );
        for (mark, code) in [
            ('\u{202E}', 0x202E),
            ('\u{200F}', 0x200F),
            ('\u{200E}', 0x200E),
            ('\u{061C}', 0x061C),
            ('\u{200B}', 0x200B),
            ('\u{FEFF}', 0xFEFF),
        ] {
            assert_eq!(
                typed_voice(&format!("evil {mark}x"), None, false),
                Err(LabelError::Control(code))
            );
        }
        let persian = "خبرگزاری\u{200C}ها";
        assert_eq!(
            typed_voice(persian, None, false).unwrap().label,
            persian,
            "the zero-width non-joiner is part of Persian spelling"
        );
        assert_eq!(
            typed_voice("two\nlines", None, false).unwrap().label,
            "two lines"
        );
        assert_eq!(typed_voice("—", None, false), Err(LabelError::NoId));
        assert_eq!(
            typed_voice(&"a".repeat(121), None, false),
            Err(LabelError::TooLong)
        );
    }
}
