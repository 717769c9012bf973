//! Text an analyst brings in from the browser: checked, normalised once, split and searched
//! for footnote markers as the corpus importer does, with the analyst's corrections.
//!
//! Normalisation happens here and nowhere else: a byte order mark is dropped, CRLF and CR
//! line ends become LF, and the text is put in Unicode NFC, so that "é" typed as one code
//! point or as "e" plus a combining accent is the same text, and every offset a note keeps
//! into it stays put.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Largest text accepted, in bytes of UTF-8 (2 MiB: about 300,000 words, far beyond a long
/// commentary, and small enough to analyse in well under a second).
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;
/// Most paragraphs in one document.
pub const MAX_PARAGRAPHS: usize = 5_000;
/// Most corrections kept with one document.
pub const MAX_CORRECTIONS: usize = 2_000;

/// Why a text cannot be taken, in words that say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    /// Too many bytes.
    #[error(
        "the text is {bytes} bytes; at most {MAX_TEXT_BYTES} bytes (2 MiB) are taken: split it into several documents"
    )]
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// Not UTF-8.
    #[error(
        "the text is not UTF-8: the byte at offset {offset} (0x{byte:02X}) does not belong there; save the file as UTF-8 and try again"
    )]
    NotUtf8 {
        /// Offset of the first bad byte.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// Nothing but white space.
    #[error("the text is empty: paste or upload the commentary's words")]
    Empty,
    /// Too many paragraphs.
    #[error("the text has {count} paragraphs; at most {MAX_PARAGRAPHS} are taken")]
    TooManyParagraphs {
        /// How many.
        count: usize,
    },
    /// A control character other than a tab or line break.
    #[error("the text holds a control character (U+{code:04X}) on line {line}; remove it")]
    Control {
        /// Its code point.
        code: u32,
        /// Its line, from 1.
        line: usize,
    },
}

/// The text of uploaded bytes: see [`normalise`]; bytes that are not UTF-8 are refused with
/// the offset of the first wrong one.
pub fn decode(bytes: &[u8]) -> Result<String, IntakeError> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(IntakeError::TooLarge { bytes: bytes.len() });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| IntakeError::NotUtf8 {
        offset: e.valid_up_to(),
        byte: bytes[e.valid_up_to()],
    })?;
    normalise(text)
}

/// The text as glossa keeps it: without a byte order mark, with LF line ends, in NFC, and
/// checked for size, emptiness and control characters.
pub fn normalise(text: &str) -> Result<String, IntakeError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(IntakeError::TooLarge { bytes: text.len() });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if let Some((line, code)) = first_control(&text) {
        return Err(IntakeError::Control { code, line });
    }
    if text.trim().is_empty() {
        return Err(IntakeError::Empty);
    }
    let count = text.lines().filter(|l| !l.trim().is_empty()).count();
    if count > MAX_PARAGRAPHS {
        return Err(IntakeError::TooManyParagraphs { count });
    }
    Ok(text.nfc().collect())
}

/// The line (from 1) and code point of the first control character in `text` other than a
/// tab or a line end: such a character is not text, and one that reaches a page makes it
/// invalid HTML (NUL) or does nothing visible.
pub fn first_control(text: &str) -> Option<(usize, u32)> {
    text.lines().enumerate().find_map(|(i, line)| {
        line.chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\r'))
            .map(|c| (i + 1, u32::from(c)))
    })
}

/// An analyst's corrections of how a plain text was read, kept with the document so that
/// publishing it again (or a new version that keeps the same lines) reads it the same way.
/// Each names its line by its words, not its number, so that it follows the line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corrections {
    /// Lines that run on into the next one (a paragraph broken by a PDF's line ends).
    #[serde(default)]
    pub joins: Vec<String>,
    /// Numbers taken as footnote markers, or refused as ones, against the rules.
    #[serde(default)]
    pub markers: Vec<MarkerCorrection>,
}

/// One number of one line, taken as a footnote marker or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkerCorrection {
    /// The line's words (after any joins).
    pub line: String,
    /// Code point offset of the digits in the line.
    pub offset: usize,
    /// Whether they are a marker.
    pub marker: bool,
}

impl Corrections {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.joins.is_empty() && self.markers.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.joins.len() + self.markers.len()
    }

    /// The lines with those that run on joined to the next, with a space.
    pub fn join(&self, lines: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(lines.len());
        let mut joining = false;
        for line in lines {
            match out.last_mut() {
                Some(last) if joining => {
                    last.push(' ');
                    last.push_str(line);
                }
                _ => out.push((*line).to_owned()),
            }
            joining = self.joins.iter().any(|j| j == line);
        }
        out
    }

    /// The analyst's choice for the digits at `offset` of `line`, if any. A choice made on a
    /// line that has since been joined to others holds at its place in the joined line.
    pub fn marker(&self, line: &str, offset: usize) -> Option<bool> {
        self.markers
            .iter()
            .rev()
            .find(|m| {
                m.line == line && m.offset == offset
                    || !m.line.is_empty()
                        && line
                            .match_indices(m.line.as_str())
                            .any(|(at, _)| line[..at].chars().count() + m.offset == offset)
            })
            .map(|m| m.marker)
    }
}

/// A slug for a title: its words in ASCII (transliterated: "Москва" → "moskva"), joined by
/// hyphens; "document" when nothing of it can be written so.
pub fn slug_for_title(title: &str) -> crate::domain::slug::Slug {
    let ascii = deunicode::deunicode(title);
    crate::domain::slug::Slug::suggest(&ascii)
        .unwrap_or_else(|| crate::domain::slug::Slug::suggest("document").expect("a valid slug"))
}

/// The first free slug among `base`, `base-2`, `base-3`, … by `taken`.
pub fn free_slug(
    base: &crate::domain::slug::Slug,
    taken: impl Fn(&str) -> bool,
) -> crate::domain::slug::Slug {
    if !taken(base.as_str()) {
        return base.clone();
    }
    (2..)
        .find_map(|n| {
            let suffix = format!("-{n}");
            let stem: String = base
                .as_str()
                .chars()
                .take(crate::domain::slug::Slug::MAX_LEN - suffix.len())
                .collect();
            let candidate = format!("{}{suffix}", stem.trim_end_matches('-'));
            (!taken(&candidate))
                .then(|| crate::domain::slug::Slug::parse(&candidate).ok())
                .flatten()
        })
        .unwrap_or_else(|| base.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_checked_and_normalised_once() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFOne\r\nTwo\rThree e\xCC\x81").unwrap(),
            "One\nTwo\nThree \u{e9}"
        );
        assert_eq!(
            decode(b"Good \xFF bad"),
            Err(IntakeError::NotUtf8 {
                offset: 5,
                byte: 0xFF
            })
        );
        assert!(
            decode(b"Good \xFF bad")
                .unwrap_err()
                .to_string()
                .contains("offset 5 (0xFF)")
        );
        assert_eq!(decode(b" \n\t\n"), Err(IntakeError::Empty));
        assert_eq!(
            normalise("a\nb\u{7}c"),
            Err(IntakeError::Control { code: 7, line: 2 })
        );
        assert!(matches!(
            decode(&vec![b'a'; MAX_TEXT_BYTES + 1]),
            Err(IntakeError::TooLarge { .. })
        ));
        let many = "p\n".repeat(MAX_PARAGRAPHS + 1);
        assert!(matches!(
            normalise(&many),
            Err(IntakeError::TooManyParagraphs { .. })
        ));
    }

    #[test]
    fn corrections_follow_lines_by_their_words() {
        let corrections = Corrections {
            joins: vec!["broken at the".into()],
            markers: vec![MarkerCorrection {
                line: "b".into(),
                offset: 3,
                marker: false,
            }],
        };
        assert_eq!(
            corrections.join(&["a", "broken at the", "end of a line.", "b"]),
            ["a", "broken at the end of a line.", "b"]
        );
        assert_eq!(corrections.marker("b", 3), Some(false));
        assert_eq!(corrections.marker("b", 4), None);
        // Joined after the choice was made, the line still carries it, shifted.
        assert_eq!(corrections.marker("a b", 5), Some(false));
    }

    #[test]
    fn slugs_are_ascii_and_free() {
        assert_eq!(
            slug_for_title("Москва и Пхеньян: «союз»").as_str(),
            "moskva-i-pkhen-ian-soiuz"
        );
        assert_eq!(slug_for_title("北京").as_str(), "bei-jing");
        assert_eq!(slug_for_title("…").as_str(), "document");
        let base = slug_for_title("Ties");
        let taken = ["ties", "ties-2"];
        assert_eq!(free_slug(&base, |s| taken.contains(&s)).as_str(), "ties-3");
    }
}
