//! Words and punctuation of a sentence, with code point offsets and the actor each word is
//! part of.

use std::ops::Range;

use compact_str::{CompactString, ToCompactString};

use crate::domain::actors::Mention;

/// A word or a punctuation mark of a sentence. Its strings are inline up to 24 bytes: the
/// import tokenizes every sentence of the corpus, and a heap allocation per word was a tenth
/// of its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// First code point in the paragraph.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// As written.
    pub text: CompactString,
    /// Lower-case.
    pub lower: CompactString,
    /// A word (letters or digits), not punctuation.
    pub word: bool,
    /// Ends in "’s" or "'s".
    pub possessive: bool,
    /// Inside quotation marks: quoted words, not the text's own.
    pub quoted: bool,
    /// The actor whose mention covers this word.
    pub mention: Option<CompactString>,
}

impl Token {
    /// Whether this is the punctuation mark `mark`.
    pub fn is(&self, mark: &str) -> bool {
        !self.word && self.text == mark
    }

    /// Whether the word negates ("not", "never", "hasn't").
    pub fn negates(&self) -> bool {
        self.word
            && (super::lexicon::NEGATIONS.contains(&self.lower.as_str())
                || self.lower.ends_with("n't")
                || self.lower.ends_with("n’t"))
    }

    /// Whether a word inside a sentence is capitalised, so part of a name ("the Report of the
    /// Commission") rather than the verb.
    pub fn capitalised_mid_sentence(&self, index: usize) -> bool {
        index > 0 && self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

const QUOTES_OPEN: &[char] = &['“', '«', '„'];
const QUOTES_CLOSE: &[char] = &['”', '»'];

/// The tokens of `chars[range]`; words inside a mention carry its actor.
pub fn tokenize(chars: &[char], range: Range<usize>, mentions: &[Mention]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut quoted = false;
    let mut straight_open = false;
    let mut i = range.start;
    while i < range.end {
        let c = chars[i];
        if c.is_alphanumeric() {
            let start = i;
            while i < range.end
                && (chars[i].is_alphanumeric()
                    || (matches!(chars[i], '\'' | '’' | '-' | '.')
                        && i + 1 < range.end
                        && chars[i + 1].is_alphanumeric()
                        && !(chars[i] == '.' && chars[i + 1].is_lowercase())))
            {
                i += 1;
            }
            // "U.S." keeps its closing point; a sentence's full stop is not part of a word.
            if i < range.end
                && chars[i] == '.'
                && i >= start + 2
                && chars[i - 2] == '.'
                && chars[start..i].iter().filter(|c| c.is_alphabetic()).count() <= 4
            {
                i += 1;
            }
            let text: CompactString = chars[start..i].iter().collect();
            let possessive = text.ends_with("’s") || text.ends_with("'s");
            let mention =
                Mention::overlapping(mentions, start, i).map(|m| m.actor_id.to_compact_string());
            tokens.push(Token {
                start,
                end: i,
                lower: lowercase(&text),
                text,
                word: true,
                possessive,
                quoted,
                mention,
            });
            continue;
        }
        if !c.is_whitespace() {
            if QUOTES_OPEN.contains(&c) || (c == '"' && !straight_open) {
                quoted = true;
                straight_open = c == '"';
            } else if QUOTES_CLOSE.contains(&c) || c == '"' {
                quoted = false;
                straight_open = false;
            }
            tokens.push(Token {
                start: i,
                end: i + 1,
                text: c.to_compact_string(),
                lower: c.to_compact_string(),
                word: false,
                possessive: false,
                quoted,
                mention: None,
            });
        }
        i += 1;
    }
    tokens
}

/// `word` in lower case; most words are ASCII, lowered in place without going through
/// Unicode's tables.
fn lowercase(word: &str) -> CompactString {
    if word.is_ascii() {
        let mut lower = CompactString::from(word);
        lower.make_ascii_lowercase();
        lower
    } else {
        word.to_lowercase().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        tokenize(&chars, 0..chars.len(), &[])
            .into_iter()
            .map(|t| t.text.into())
            .collect()
    }

    #[test]
    fn words_keep_apostrophes_hyphens_and_acronyms() {
        assert_eq!(
            words("China’s post-Cold War U.S. policy, they said."),
            [
                "China’s",
                "post-Cold",
                "War",
                "U.S.",
                "policy",
                ",",
                "they",
                "said",
                "."
            ]
        );
        assert_eq!(words("It hasn't."), ["It", "hasn't", "."]);
        assert_eq!(words("3.5 per cent"), ["3.5", "per", "cent"]);
    }

    #[test]
    fn words_are_lowered_whether_ascii_or_not_and_however_long() {
        let chars: Vec<char> = "ÉTAT Officials SAID Counterintelligence-Cooperation-Agreements"
            .chars()
            .collect();
        let lower: Vec<String> = tokenize(&chars, 0..chars.len(), &[])
            .into_iter()
            .map(|t| t.lower.into())
            .collect();
        assert_eq!(
            lower,
            [
                "état",
                "officials",
                "said",
                "counterintelligence-cooperation-agreements"
            ]
        );
    }

    #[test]
    fn quoted_words_are_marked() {
        let chars: Vec<char> = "“We will go,” he said.".chars().collect();
        let tokens = tokenize(&chars, 0..chars.len(), &[]);
        let quoted: Vec<&str> = tokens
            .iter()
            .filter(|t| t.word && t.quoted)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(quoted, ["We", "will", "go"]);
    }
}
