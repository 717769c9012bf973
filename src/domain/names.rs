//! Names the gazetteer does not know yet: capitalised words and runs of them ("Kim Jong Un",
//! "Ministry of Foreign Affairs", "KCNA") that no actor's alias covers.
//!
//! A run is capitalised words separated by single spaces, joined across a lower-case
//! connector ("of", "the", "de", "bin" …) only when another capitalised word follows. A run
//! stops at punctuation and at any word an actor mention covers, so "President Vladimir Putin"
//! leaves only "President", which goes as a title. Titles before a name are dropped ("Foreign
//! Minister Sergey Lavrov" → "Sergey Lavrov"), as are common words, months and days at either
//! end. A single word that starts its sentence is capitalised by position, not by being a
//! name: it is kept but marked, so a report can ask for the word somewhere else as well.

use std::ops::Range;
use std::sync::LazyLock;

use compact_str::CompactString;
use rustc_hash::FxHashSet;

use super::actors::Mention;

/// A name-like run of words in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCandidate {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The words, as written (a possessive "’s" left off).
    pub text: String,
    /// One word that opens its sentence, so possibly capitalised only for that.
    pub sentence_initial: bool,
}

/// Whether `word` is a common word that a capital letter does not make a name ("The", "It").
pub fn is_common_word(word: &str) -> bool {
    COMMON.contains(&word) || COMMON.iter().any(|c| c.eq_ignore_ascii_case(word))
}

/// Lower-case words that may stand inside a name between capitalised ones.
const CONNECTORS: &[&str] = &[
    "of", "the", "for", "de", "du", "da", "del", "der", "van", "von", "bin", "al", "la", "le",
];

/// Words capitalised for their position or their grammar, never names on their own.
const COMMON: &[&str] = &[
    "A",
    "An",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "Our",
    "Their",
    "His",
    "Her",
    "Them",
    "In",
    "On",
    "At",
    "By",
    "For",
    "From",
    "With",
    "Without",
    "Of",
    "To",
    "As",
    "And",
    "But",
    "Or",
    "Nor",
    "Yet",
    "So",
    "If",
    "When",
    "While",
    "Whereas",
    "Although",
    "Though",
    "Because",
    "Since",
    "After",
    "Before",
    "During",
    "Despite",
    "However",
    "Moreover",
    "Furthermore",
    "Additionally",
    "Also",
    "Further",
    "Finally",
    "Similarly",
    "Likewise",
    "Nonetheless",
    "Nevertheless",
    "Therefore",
    "Thus",
    "Hence",
    "Besides",
    "Meanwhile",
    "Instead",
    "Indeed",
    "Even",
    "Still",
    "Once",
    "Some",
    "Many",
    "Most",
    "Such",
    "Other",
    "Both",
    "Each",
    "Every",
    "All",
    "Any",
    "No",
    "Not",
    "Only",
    "One",
    "Two",
    "There",
    "Here",
    "What",
    "Which",
    "Who",
    "Whom",
    "Whose",
    "Why",
    "How",
    "Where",
    "Then",
    "Now",
    "Today",
    "Yesterday",
    "Tomorrow",
    "According",
    "Following",
    "Given",
    "Overall",
    "First",
    "Second",
    "Third",
    "Last",
    "Next",
    "Yes",
    "Unlike",
    "Like",
    "Under",
    "Over",
    "Between",
    "Among",
    "Against",
    "Within",
    "Through",
    "Until",
    "Unless",
    "Whether",
    "Do",
    "Does",
    "Did",
    "Is",
    "Are",
    "Was",
    "Were",
    "Be",
    "Has",
    "Have",
    "Had",
    "Can",
    "Could",
    "Will",
    "Would",
    "Should",
    "May",
    "Might",
    "Must",
    "Shall",
    "Let",
    "Note",
    "See",
    "Figure",
    "Table",
    "Part",
    "Chapter",
    "Section",
    "Introduction",
    "Conclusion",
    "Summary",
    "Background",
    "Analysis",
    "Abstract",
    "Notes",
    "References",
    "Sources",
];

const MONTHS_AND_DAYS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Offices that stand before a person's name.
const TITLES: &[&str] = &[
    "President",
    "Premier",
    "Chairman",
    "Chairwoman",
    "Chancellor",
    "Minister",
    "Secretary",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Prof",
    "Professor",
    "Ambassador",
    "Senator",
    "General",
    "Marshal",
    "Leader",
    "King",
    "Queen",
    "Prince",
    "Comrade",
    "Envoy",
    "Spokesperson",
    "Spokesman",
    "Spokeswoman",
    "Governor",
    "Mayor",
    "Admiral",
    "Colonel",
    "Director",
];

/// Words that qualify a title ("Prime Minister", "Foreign Minister", "Vice President").
const TITLE_QUALIFIERS: &[&str] = &[
    "Prime", "Foreign", "Defence", "Defense", "Vice", "Deputy", "Supreme", "Former", "Acting",
    "State", "General", "Chief", "Senior", "Special",
];

/// The name-like runs of `text` that `mentions` do not cover, given its `sentences`.
pub fn find_names(
    text: &str,
    sentences: &[Range<usize>],
    mentions: &[Mention],
) -> Vec<NameCandidate> {
    let chars: Vec<char> = text.chars().collect();
    let words = words(&chars);
    let covered = |w: &Word| Mention::overlapping(mentions, w.start, w.end).is_some();
    let mut found = Vec::new();
    let mut run: Vec<&Word> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let joined = run
            .last()
            .is_some_and(|last| word.start == last.end + 1 && chars[last.end] == ' ');
        let continues = joined
            && !covered(word)
            && (word.capitalised
                || (CONNECTORS.contains(&word.text.as_str())
                    && words.get(i + 1).is_some_and(|next| {
                        next.capitalised && next.start == word.end + 1 && !covered(next)
                    })));
        if !continues {
            finish(&chars, sentences, &mut run, &mut found);
        }
        if continues || (word.capitalised && !covered(word)) {
            run.push(word);
        }
        if word.possessive {
            finish(&chars, sentences, &mut run, &mut found);
        }
    }
    finish(&chars, sentences, &mut run, &mut found);
    found
}

#[derive(Debug)]
struct Word {
    start: usize,
    end: usize,
    /// Inline up to 24 bytes: a word is rarely longer, and every word of the corpus is one.
    text: CompactString,
    capitalised: bool,
    possessive: bool,
}

/// Letters and digits, with apostrophes, hyphens and dots inside ("O’Neill", "Jong-un",
/// "U.N"). A possessive ending is left off the word and stops a run; a lower-case prefix before
/// a hyphen is left off too, so "post-Cold War" gives "Cold War".
fn words(chars: &[char]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let mut start = i;
        let mut end = i;
        while end < chars.len()
            && (chars[end].is_alphanumeric()
                || (matches!(chars[end], '\'' | '’' | '-' | '.')
                    && chars.get(end + 1).is_some_and(|c| c.is_alphanumeric())))
        {
            end += 1;
        }
        i = end;
        let mut possessive = false;
        if end >= start + 3
            && matches!(chars[end - 2], '\'' | '’')
            && matches!(chars[end - 1], 's' | 'S')
        {
            end -= 2;
            possessive = true;
        } else if end < chars.len() && matches!(chars[end], '\'' | '’') && chars[end - 1] == 's' {
            possessive = true;
        }
        if chars[start].is_lowercase()
            && let Some(hyphen) = (start..end).rev().find(|&k| chars[k] == '-')
            && chars[hyphen + 1].is_uppercase()
        {
            start = hyphen + 1;
        }
        let text: CompactString = chars[start..end].iter().collect();
        words.push(Word {
            start,
            end,
            capitalised: chars[start].is_uppercase(),
            text,
            possessive,
        });
    }
    words
}

/// [`COMMON`] and [`MONTHS_AND_DAYS`] as one set: every capitalised word of the corpus is
/// looked up here.
static COMMON_OR_CALENDAR: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| COMMON.iter().chain(MONTHS_AND_DAYS).copied().collect());

/// Trims `run` of titles, common words and connectors at its ends and keeps what is left.
fn finish(
    chars: &[char],
    sentences: &[Range<usize>],
    run: &mut Vec<&Word>,
    found: &mut Vec<NameCandidate>,
) {
    let mut words: &[&Word] = run;
    let is_common = |w: &Word| COMMON_OR_CALENDAR.contains(w.text.as_str());
    loop {
        let before = words.len();
        if let Some(title_run) = leading_title(words)
            && title_run < words.len()
        {
            words = &words[title_run..];
        }
        while let Some((first, rest)) = words.split_first()
            && (is_common(first) || !first.capitalised)
        {
            words = rest;
        }
        while let Some((last, rest)) = words.split_last()
            && (is_common(last) || !last.capitalised)
        {
            words = rest;
        }
        if words.len() == before {
            break;
        }
    }
    if let (Some(first), Some(last)) = (words.first(), words.last()) {
        let single = words.len() == 1;
        // A title whose person is a known actor ("Foreign Minister Sergey Lavrov" once Lavrov
        // is one) is left alone, as a lone title is.
        let only_title = leading_title(words) == Some(words.len());
        let is_letter = single && first.text.chars().count() == 1;
        if !only_title && !is_letter && first.text.chars().any(char::is_alphabetic) {
            // An acronym ("KCNA said …") is capitalised by spelling, not by its place.
            let acronym = first.text.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && !first.text.chars().any(char::is_lowercase);
            let sentence_initial =
                single && !acronym && sentences.iter().any(|s| s.start == first.start);
            found.push(NameCandidate {
                start: first.start,
                end: last.end,
                text: chars[first.start..last.end].iter().collect(),
                sentence_initial,
            });
        }
    }
    run.clear();
}

/// How many words at the start of `words` are a title ("Foreign Minister"), if they are one.
fn leading_title(words: &[&Word]) -> Option<usize> {
    let mut last_title = None;
    for (i, word) in words.iter().enumerate() {
        let text = word.text.as_str();
        if TITLES.contains(&text) {
            last_title = Some(i + 1);
        } else if !(TITLE_QUALIFIERS.contains(&text) || (i > 0 && text == "of")) {
            break;
        }
    }
    last_title
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sentences::split;

    fn names(text: &str, mentioned: &[&str]) -> Vec<(String, bool)> {
        let mentions: Vec<Mention> = mentioned
            .iter()
            .flat_map(|name| {
                let byte = text.find(name).expect("mention in text");
                let start = text[..byte].chars().count();
                [Mention {
                    start,
                    end: start + name.chars().count(),
                    actor_id: "X".into(),
                    matched: (*name).into(),
                }]
            })
            .collect();
        find_names(text, &split(text), &mentions)
            .into_iter()
            .map(|n| (n.text, n.sentence_initial))
            .collect()
    }

    fn texts(text: &str, mentioned: &[&str]) -> Vec<String> {
        names(text, mentioned).into_iter().map(|n| n.0).collect()
    }

    #[test]
    fn finds_people_places_and_organisations_the_gazetteer_lacks() {
        assert_eq!(
            texts(
                "On Monday Kim Jong Un met Foreign Minister Sergey Lavrov at Panmunjom, KCNA reported.",
                &[]
            ),
            ["Kim Jong Un", "Sergey Lavrov", "Panmunjom", "KCNA"]
        );
        assert_eq!(
            texts(
                "The talks at the Ministry of Foreign Affairs of Japan ended.",
                &["Japan"]
            ),
            ["Ministry of Foreign Affairs"]
        );
        assert_eq!(
            texts(
                "President Vladimir Putin spoke in September 2024.",
                &["Vladimir Putin"]
            ),
            Vec::<String>::new(),
            "a title alone, a month and a year are not names"
        );
        assert_eq!(
            texts(
                "Russian Foreign Minister Sergey Lavrov arrived.",
                &["Russian", "Sergey Lavrov"]
            ),
            Vec::<String>::new(),
            "the title of a known person is not a name of its own"
        );
        assert_eq!(
            names("KCNA said the launch succeeded. Seoul agreed.", &["Seoul"]),
            [("KCNA".to_owned(), false)],
            "an acronym is capitalised by spelling, wherever it stands"
        );
        assert_eq!(
            texts("In the post-Cold War period, Moscow shifted.", &["Moscow"]),
            ["Cold War"]
        );
        assert_eq!(
            texts(
                "North Korea’s leader Kim Jong-un’s visit.",
                &["North Korea"]
            ),
            ["Kim Jong-un"]
        );
        assert_eq!(
            texts("The Chinese Foreign Ministry refrained.", &["Chinese"]),
            ["Foreign Ministry"]
        );
    }

    #[test]
    fn a_word_capitalised_only_by_its_place_is_marked() {
        assert_eq!(
            names(
                "Analysts posit that Panmunjom matters. Panmunjom is small.",
                &[]
            ),
            [
                ("Analysts".to_owned(), true),
                ("Panmunjom".to_owned(), false),
                ("Panmunjom".to_owned(), true)
            ]
        );
        assert_eq!(
            names("However, Ri Son Gwon said so.", &[]),
            [("Ri Son Gwon".to_owned(), false)]
        );
    }

    #[test]
    fn connectors_join_only_between_capitalised_words() {
        assert_eq!(
            texts(
                "The Bank of Korea and the Centre for Strategic Studies agreed.",
                &[]
            ),
            ["Bank of Korea", "Centre for Strategic Studies"]
        );
        assert_eq!(
            texts("Seoul of the future.", &["Seoul"]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn runs_stop_at_punctuation_and_mentions() {
        assert_eq!(
            texts("Ukraine, Poland and Hungary.", &["Ukraine"]),
            ["Poland", "Hungary"],
            "a list is several names"
        );
        assert_eq!(
            texts("the US–ROK alliance met Lee Jae-myung", &["US", "ROK"]),
            ["Lee Jae-myung"]
        );
    }
}
