//! Splitting a paragraph into sentences, for counting who is named together and, later, for
//! telling whose view each sentence gives.
//!
//! A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets after it)
//! when white space follows and the next sentence starts as sentences do: a capital letter, a
//! digit or an opening quote or bracket. A full stop does not end a sentence after a known
//! abbreviation ("Mr.", "Gen.", "e.g.", "No. 5"), after a lone initial ("J. Smith"), or after
//! a dotted acronym ("U.S.") unless the next word is one that opens sentences ("The"). Decimals
//! ("3.5") never have white space after the point. Inside a quotation that closes within the
//! paragraph nothing ends: a quoted speech of several sentences stays one sentence with its
//! attribution ("“We will go. They stay,” he said."). Footnote markers are gone from the text
//! by the time it is split.

use std::ops::Range;

const TERMINATORS: &[char] = &['.', '!', '?', '…'];
const CLOSERS: &[char] = &['”', '’', '"', '\'', '»', ')', ']'];
const OPENERS: &[char] = &['“', '‘', '"', '\'', '«', '(', '['];

/// Words that a full stop follows without ending a sentence, lower-case and without the dot.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov",
    "sen", "rep", "rev", "hon", "amb", "pres", "jr", "sr", "no", "nos", "vol", "pp", "p", "fig",
    "art", "para", "sec", "ch", "approx", "vs", "cf", "al", "ed", "eds", "inc", "ltd", "co",
    "corp", "dept", "univ", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "e.g", "i.e", "viz", "ca",
];

/// Words that open a sentence after a dotted acronym ("… by the U.S. The move …").
const SENTENCE_OPENERS: &[&str] = &[
    "The", "This", "That", "These", "Those", "It", "Its", "He", "She", "They", "We", "I", "In",
    "On", "At", "But", "And", "However", "Yet", "A", "An", "As", "If", "When", "While", "For",
    "Such", "There", "What", "Why", "How",
];

/// The sentences of `text`, as code point ranges without the white space between them. A
/// text of only white space has none.
pub fn split(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<char> = text.chars().collect();
    let quoted = closed_quotations(&chars);
    let mut sentences = Vec::new();
    let mut start = skip_space(&chars, 0);
    let mut i = start;
    while i < chars.len() {
        let terminator = if let Some(quotation) = quoted.iter().find(|q| q.start == i) {
            // A quotation is skipped whole; it ends a sentence only where it ends with one.
            i = quotation.end;
            let last_inside = quotation
                .end
                .checked_sub(2)
                .filter(|at| *at > quotation.start);
            match last_inside {
                Some(at) if TERMINATORS.contains(&chars[at]) => at,
                _ => continue,
            }
        } else if TERMINATORS.contains(&chars[i]) {
            i += 1;
            i - 1
        } else {
            i += 1;
            continue;
        };
        let mut end = i;
        while end < chars.len()
            && (TERMINATORS.contains(&chars[end]) || CLOSERS.contains(&chars[end]))
        {
            end += 1;
        }
        let next = skip_space(&chars, end);
        if next > end && next < chars.len() && ends_sentence(&chars, terminator, next) {
            sentences.push(start..end);
            start = next;
        }
        i = end;
    }
    let end = trim_end(&chars, chars.len());
    if start < end {
        sentences.push(start..end);
    }
    sentences
}

/// The index of the sentence among `sentences` (in text order, as [`split`] gives them) that
/// holds code point `at`: the last one starting at or before it. A binary search: a paragraph
/// of thousands of sentences asks once per mention.
pub fn sentence_at(sentences: &[Range<usize>], at: usize) -> Option<usize> {
    sentences.partition_point(|s| s.start <= at).checked_sub(1)
}

fn skip_space(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i].is_whitespace() {
        i += 1;
    }
    i
}

fn trim_end(chars: &[char], mut end: usize) -> usize {
    while end > 0 && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    end
}

/// Whether the terminator at `at` ends a sentence whose successor starts at `next`.
fn ends_sentence(chars: &[char], at: usize, next: usize) -> bool {
    let first = chars[next];
    if !(first.is_uppercase() || first.is_ascii_digit() || OPENERS.contains(&first)) {
        return false;
    }
    if chars[at] != '.' || (at + 1 < chars.len() && chars[at + 1] == '.') {
        return true;
    }
    let word_start = chars[..at]
        .iter()
        .rposition(|c| c.is_whitespace() || OPENERS.contains(c))
        .map_or(0, |p| p + 1);
    let word: String = chars[word_start..at].iter().collect();
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 1 && word.chars().all(|c| c.is_uppercase()) {
        return false;
    }
    if is_dotted_acronym(&word) {
        let next_word: String = chars[next..]
            .iter()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        return SENTENCE_OPENERS.contains(&next_word.as_str());
    }
    true
}

/// "U.S", "U.K", "e.g": letters with dots between them, at most two letters a part.
fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
        })
}

/// The quotations that close within the text, each from its opening mark to just past its
/// closing one. An opening mark that never closes (a quotation running on into the next
/// paragraph) encloses nothing. Straight double quotes pair up in order; curly ones nest.
fn closed_quotations(chars: &[char]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut straight: Option<usize> = None;
    for (i, c) in chars.iter().enumerate() {
        match c {
            '“' | '«' => open.push(i),
            '”' | '»' => {
                if let Some(start) = open.pop() {
                    found.push(start..i + 1);
                }
            }
            '"' => match straight.take() {
                Some(start) => found.push(start..i + 1),
                None => straight = Some(i),
            },
            _ => {}
        }
    }
    // Only the outermost quotations matter to the splitter.
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut outer: Vec<Range<usize>> = Vec::new();
    for range in found {
        if outer.last().is_none_or(|last| range.start >= last.end) {
            outer.push(range);
        }
    }
    outer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        split(text)
            .into_iter()
            .map(|r| chars[r].iter().collect())
            .collect()
    }

    #[test]
    fn splits_where_sentences_end_and_nowhere_else() {
        let cases: &[(&str, &[&str])] = &[
            ("One. Two.", &["One.", "Two."]),
            ("Is it? Yes! Done", &["Is it?", "Yes!", "Done"]),
            ("  Leading space. ", &["Leading space."]),
            ("", &[]),
            ("   ", &[]),
            (
                "It grew 3.5 per cent. Then it fell.",
                &["It grew 3.5 per cent.", "Then it fell."],
            ),
            (
                "Mr. Kim met Gen. Park. They spoke.",
                &["Mr. Kim met Gen. Park.", "They spoke."],
            ),
            (
                "See e.g. Article 5 of the treaty. It binds.",
                &["See e.g. Article 5 of the treaty.", "It binds."],
            ),
            (
                "Resolution No. 2270 passed. Russia abstained.",
                &["Resolution No. 2270 passed.", "Russia abstained."],
            ),
            (
                "J. Smith wrote it. He agreed.",
                &["J. Smith wrote it.", "He agreed."],
            ),
            (
                "Sanctions by the U.S. Treasury bite. The U.S. The move.",
                &[
                    "Sanctions by the U.S. Treasury bite.",
                    "The U.S.",
                    "The move.",
                ],
            ),
            (
                "It ended in 2024. 2025 began.",
                &["It ended in 2024.", "2025 began."],
            ),
            (
                "lower case. continues here",
                &["lower case. continues here"],
            ),
            (
                "He said (in part). Then left.",
                &["He said (in part).", "Then left."],
            ),
            ("Wait… What now?", &["Wait…", "What now?"]),
            ("Really?! Yes.", &["Really?!", "Yes."]),
        ];
        for (text, expected) in cases {
            assert_eq!(sentences(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn quotations_that_close_stay_inside_their_sentence() {
        assert_eq!(
            sentences("“We will go. They stay,” he said. Then silence."),
            ["“We will go. They stay,” he said.", "Then silence."]
        );
        assert_eq!(
            sentences("He wrote: \"No. Never.\" It was final."),
            ["He wrote: \"No. Never.\"", "It was final."]
        );
        assert_eq!(
            sentences("The report ended. “Next one.” It did."),
            ["The report ended.", "“Next one.”", "It did."]
        );
        assert_eq!(
            sentences("“An unclosed quote. It runs on. Into the next paragraph."),
            [
                "“An unclosed quote.",
                "It runs on.",
                "Into the next paragraph."
            ],
            "a quotation that never closes must not swallow the paragraph"
        );
    }

    #[test]
    fn offsets_count_code_points() {
        let text = "Россия — да. Китай — нет.";
        let ranges = split(text);
        assert_eq!(ranges, vec![0..12, 13..25]);
        assert_eq!(sentence_at(&ranges, 0), Some(0));
        assert_eq!(sentence_at(&ranges, 12), Some(0));
        assert_eq!(sentence_at(&ranges, 13), Some(1));
    }

    #[test]
    fn the_seed_splits_into_its_sentences() {
        let seed = include_str!("../../corpus/russia-north-korea-chinese-views.txt");
        let paragraphs: Vec<&str> = seed.lines().filter(|l| !l.trim().is_empty()).collect();
        let (detected, _) = super::super::footnotes::detect_markers(&paragraphs);
        let first = sentences(&detected[0].text);
        assert!(first.len() >= 2, "{first:?}");
        for paragraph in &detected {
            for sentence in sentences(&paragraph.text) {
                let last = sentence.chars().last().unwrap();
                assert!(
                    TERMINATORS.contains(&last)
                        || CLOSERS.contains(&last)
                        || last.is_alphanumeric(),
                    "{sentence:?}"
                );
                let first = sentence.chars().next().unwrap();
                assert!(
                    first.is_uppercase() || first.is_ascii_digit() || OPENERS.contains(&first),
                    "a sentence starts mid-sentence: {sentence:?}"
                );
            }
        }
    }
}
