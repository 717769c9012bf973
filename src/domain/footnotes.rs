//! Detecting bare footnote numbers glued to sentence ends in plain text.
//!
//! Plain-text sources lose their superscripts: "against the other.1 Commentators". A run of
//! digits counts as a footnote marker only when **all** of these hold:
//!
//! 1. its value is the next number in the document's sequence (1, 2, 3, … across paragraphs);
//! 2. it directly follows sentence punctuation (`. , ; : ! ?`) or a closing quote or bracket
//!    (`” ’ " ' » ) ]`), and a quote is only "closing" when it follows a non-space;
//! 3. it is followed by the end of the paragraph, white space, or `, ; : ) ]`;
//! 4. when the punctuation is `.`, `,` or `:` right after a digit, the digits before it are part
//!    of the same number ("$1.5 billion", "version 2.0", "1,000", "10:30"), with two
//!    exceptions: a four-digit year ending a sentence ("in June 2024.1 Next"), which must be
//!    followed by the end of the paragraph or a capitalised word or opening quote, and a list of
//!    markers ("other.1,2").
//!
//! Years, decimals, ranges ("2017–2018"), article and resolution numbers ("Article 5"),
//! dates and sums ("2+2") fail one of these rules. The digits of a marker are removed from the
//! text and kept as a [`FootnoteRef`] at their code point offset.

use super::document::FootnoteRef;

/// A paragraph with its markers taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The paragraph text without marker digits.
    pub text: String,
    /// Markers, in text order, at code point offsets into `text`.
    pub refs: Vec<FootnoteRef>,
}

const SENTENCE_PUNCTUATION: &[char] = &['.', ',', ';', ':', '!', '?'];
const CLOSERS: &[char] = &['”', '’', '"', '\'', '»', ')', ']'];
const QUOTES: &[char] = &['”', '’', '"', '\'', '»'];
const NUMBER_INFIXES: &[char] = &['.', ',', ':'];
const AFTER_MARKER: &[char] = &[',', ';', ':', ')', ']'];
const LONGEST_MARKER_DIGITS: usize = 3;

/// Finds the footnote markers of a whole document, paragraph by paragraph, continuing one
/// numbering sequence. Returns the cleaned paragraphs and the number of markers found.
pub fn detect_markers<S: AsRef<str>>(paragraphs: &[S]) -> (Vec<Detected>, u32) {
    detect_markers_with(paragraphs, |_, _| None)
}

/// [`detect_markers`] with an analyst's choices: `choice(paragraph, offset)` says whether the
/// run of digits at that code point offset of that paragraph is a marker (`Some(true)`: its
/// digits are the footnote's number, and numbering goes on from it), is not (`Some(false)`),
/// or is for the rules to decide (`None`). Returns the highest footnote number.
pub fn detect_markers_with<S: AsRef<str>>(
    paragraphs: &[S],
    choice: impl Fn(usize, usize) -> Option<bool>,
) -> (Vec<Detected>, u32) {
    let mut next = 1;
    let mut highest = 0;
    let detected = paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let found = detect_in_paragraph(p.as_ref(), &mut next, |at| choice(i, at));
            highest = found.refs.iter().map(|r| r.number).fold(highest, u32::max);
            found
        })
        .collect();
    (detected, highest)
}

/// A run of digits glued to the text before it: a footnote marker or not, the rules' choice
/// or an analyst's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerCandidate {
    /// The paragraph, from 0.
    pub paragraph: usize,
    /// Code point offset of the digits in the paragraph as written.
    pub offset: usize,
    /// The digits.
    pub digits: String,
    /// Whether it was taken as a marker.
    pub taken: bool,
}

/// Every run of one to three digits that directly follows a letter, punctuation or a closing
/// quote or bracket (where a glued footnote number would be), with whether `detected` took
/// it as a marker: what an analyst checks before publishing.
pub fn marker_candidates<S: AsRef<str>>(
    paragraphs: &[S],
    detected: &[Detected],
) -> Vec<MarkerCandidate> {
    let mut out = Vec::new();
    for (p, (paragraph, found)) in paragraphs.iter().zip(detected).enumerate() {
        let chars: Vec<char> = paragraph.as_ref().chars().collect();
        let mut removed = 0;
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let end = chars[i..]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .map_or(chars.len(), |n| i + n);
            let glued = i > 0 && {
                let before = chars[i - 1];
                before.is_alphabetic()
                    || SENTENCE_PUNCTUATION.contains(&before)
                    || CLOSERS.contains(&before)
            };
            let taken = found.refs.iter().any(|r| r.offset == i - removed);
            if taken {
                removed += end - i;
            }
            // A digit run glued to the number before it ("1.5", "1,000") is part of it, unless
            // that number is a year ending a sentence ("in 2024.1").
            let inside_number = i > 1
                && NUMBER_INFIXES.contains(&chars[i - 1])
                && chars[i - 2].is_ascii_digit()
                && !ends_with_year(&chars, i - 1);
            if taken || (glued && end - i <= LONGEST_MARKER_DIGITS && !inside_number) {
                out.push(MarkerCandidate {
                    paragraph: p,
                    offset: i,
                    digits: chars[i..end].iter().collect(),
                    taken,
                });
            }
            i = end;
        }
    }
    out
}

fn detect_in_paragraph(
    paragraph: &str,
    next: &mut u32,
    choice: impl Fn(usize) -> Option<bool>,
) -> Detected {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut text = String::with_capacity(paragraph.len());
    let mut refs = Vec::new();
    let mut removed = 0;
    let mut last_marker_end = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            text.push(chars[i]);
            i += 1;
            continue;
        }
        let end = chars[i..]
            .iter()
            .position(|c| !c.is_ascii_digit())
            .map_or(chars.len(), |n| i + n);
        let chosen = choice(i).filter(|_| end - i <= LONGEST_MARKER_DIGITS && chars[i] != '0');
        if chosen.unwrap_or_else(|| is_marker(&chars, i, end, *next, last_marker_end)) {
            let number = chars[i..end]
                .iter()
                .fold(0, |acc, c| acc * 10 + c.to_digit(10).unwrap_or(0));
            refs.push(FootnoteRef {
                offset: i - removed,
                number,
            });
            removed += end - i;
            *next = number + 1;
            last_marker_end = Some(end);
        } else {
            text.extend(&chars[i..end]);
        }
        i = end;
    }
    Detected { text, refs }
}

fn is_marker(chars: &[char], start: usize, end: usize, expected: u32, last: Option<usize>) -> bool {
    if end - start > LONGEST_MARKER_DIGITS || chars[start] == '0' {
        return false;
    }
    let value: u32 = chars[start..end]
        .iter()
        .fold(0, |acc, c| acc * 10 + c.to_digit(10).unwrap_or(0));
    if value != expected || start == 0 {
        return false;
    }
    let before = chars[start - 1];
    let after = chars.get(end).copied();
    if !(after.is_none_or(|c| c.is_whitespace() || AFTER_MARKER.contains(&c))) {
        return false;
    }
    if !SENTENCE_PUNCTUATION.contains(&before) && !CLOSERS.contains(&before) {
        return false;
    }
    let before_punct = start.checked_sub(2).map(|k| chars[k]);
    if QUOTES.contains(&before) && before_punct.is_none_or(char::is_whitespace) {
        return false;
    }
    match before_punct {
        Some(c) if c.is_ascii_digit() && NUMBER_INFIXES.contains(&before) => {
            let number_end = start - 1;
            last == Some(number_end) && before == ','
                || before == '.'
                    && ends_with_year(chars, number_end)
                    && sentence_follows(chars, end)
        }
        _ => true,
    }
}

fn ends_with_year(chars: &[char], number_end: usize) -> bool {
    let digits = chars[..number_end]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits != 4 {
        return false;
    }
    let start = number_end - 4;
    let preceded_by_number = start
        .checked_sub(1)
        .is_some_and(|k| chars[k].is_ascii_digit() || NUMBER_INFIXES.contains(&chars[k]));
    let year: String = chars[start..number_end].iter().collect();
    !preceded_by_number && ("1000".."2100").contains(&year.as_str())
}

fn sentence_follows(chars: &[char], marker_end: usize) -> bool {
    match chars.get(marker_end) {
        None => true,
        Some(c) if c.is_whitespace() => chars
            .get(marker_end + 1)
            .is_none_or(|n| n.is_uppercase() || ['“', '‘', '"', '\'', '('].contains(n)),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_the_numbers_a_reader_could_take_for_markers() {
        let paragraphs = [
            "Ties grew.1 A $1.5 billion deal, Article 5, and word7 here.",
            "In 2024.3 more",
        ];
        let (detected, _) = detect_markers(&paragraphs);
        let found: Vec<(usize, &str, bool)> = marker_candidates(&paragraphs, &detected)
            .iter()
            .map(|c| {
                (
                    c.paragraph,
                    &paragraphs[c.paragraph][c.offset..c.offset + c.digits.len()],
                    c.taken,
                )
            })
            .collect();
        assert_eq!(found, [(0, "1", true), (0, "7", false), (1, "3", false)]);
        // The analyst's word beats the rules, both ways, and numbering goes on from it.
        let (chosen, highest) = detect_markers_with(&paragraphs, |p, at| match (p, at) {
            (0, 10) => Some(false),
            (1, 8) => Some(true),
            _ => None,
        });
        assert!(chosen[0].refs.is_empty() && chosen[0].text.starts_with("Ties grew.1 A"));
        assert_eq!(
            chosen[1].refs,
            [FootnoteRef {
                offset: 8,
                number: 3
            }]
        );
        assert_eq!(highest, 3);
    }

    fn markers(paragraphs: &[&str]) -> Vec<(String, Vec<(usize, u32)>)> {
        detect_markers(paragraphs)
            .0
            .into_iter()
            .map(|d| {
                (
                    d.text,
                    d.refs.iter().map(|r| (r.offset, r.number)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn markers_after_punctuation_and_quotes_continue_the_sequence() {
        let got = markers(&[
            "against the other.1 Commentators say cost.2",
            "the “all-round partnership”.3 And discourse.4",
            "“all-round partnership”5 is a phrase; so is this,6 and this!7",
        ]);
        assert_eq!(got[0].0, "against the other. Commentators say cost.");
        assert_eq!(got[0].1, vec![(18, 1), (41, 2)]);
        assert_eq!(got[1].0, "the “all-round partnership”. And discourse.");
        assert_eq!(got[1].1, vec![(28, 3), (43, 4)]);
        assert_eq!(
            got[2].1.iter().map(|r| r.1).collect::<Vec<_>>(),
            vec![5, 6, 7]
        );
    }

    #[test]
    fn two_digit_markers_are_detected_once_the_sequence_reaches_them() {
        let paragraphs: Vec<String> = (1..=14).map(|n| format!("Sentence {n} ends.{n}")).collect();
        let (detected, count) = detect_markers(&paragraphs);
        assert_eq!(count, 14);
        assert_eq!(detected[13].text, "Sentence 14 ends.");
        assert_eq!(
            detected[13].refs,
            vec![FootnoteRef {
                offset: 17,
                number: 14
            }]
        );
    }

    #[test]
    fn near_misses_are_never_markers() {
        let cases = [
            "In 2020.",
            "It cost $1.5 billion.",
            "Upgrade to version 2.0 now.",
            "Article 5 applies.",
            "Resolution 2397 was adopted.",
            "Since 2017–2018, ties grew.",
            "The 2+2 dialogue resumed.",
            "On 12.05.2024 they met.",
            "Some 1,000 troops.",
            "At 10:30 they met.",
            "It grew 3.5% in 2023.",
            "A rise of 1.1 per cent.",
            "Back in the ’90s, 1 thing.",
            "(1) First point.",
            "Page 1-2 of the report.",
            "He said: 1 more.",
        ];
        for case in cases {
            let (detected, count) = detect_markers(&[case]);
            assert_eq!(count, 0, "{case:?} produced a marker");
            assert_eq!(detected[0].text, case, "{case:?} was altered");
        }
    }

    #[test]
    fn numbers_out_of_sequence_stay_text() {
        let got = markers(&["the other.2 Then cost.1 and more.2"]);
        assert_eq!(got[0].0, "the other.2 Then cost. and more.");
        assert_eq!(got[0].1, vec![(22, 1), (32, 2)]);
    }

    #[test]
    fn a_year_ending_a_sentence_may_carry_a_marker() {
        let got = markers(&[
            "Signed in June 2024.1 Pyongyang agreed.",
            "It cost 1.2 billion.",
        ]);
        assert_eq!(got[0].0, "Signed in June 2024. Pyongyang agreed.");
        assert_eq!(got[0].1, vec![(20, 1)]);
        assert_eq!(
            got[1].1,
            vec![],
            "a decimal after the year case is not a marker"
        );
    }

    #[test]
    fn marker_lists_are_split() {
        let got = markers(&["as argued elsewhere.1,2 Then"]);
        assert_eq!(got[0].0, "as argued elsewhere., Then");
        assert_eq!(got[0].1, vec![(20, 1), (21, 2)]);
    }

    #[test]
    fn offsets_count_code_points() {
        let got = markers(&["🇺🇦 Kyiv’s view.1"]);
        assert_eq!(got[0].1, vec![(15, 1)]);
    }
}
