//! Anchoring notes to a document's text.
//!
//! A document's **text** is its paragraphs' plain text joined by a blank line (`"\n\n"`), and
//! every position counts **Unicode code points** into it, as the W3C Web Annotation model's
//! `TextPositionSelector` requires. A note may give a quote (`TextQuoteSelector`), a position
//! (`TextPositionSelector`) or both; [`resolve`] completes the missing one and refuses a pair
//! that disagrees. An anchor never starts or ends inside a grapheme cluster (a flag, an emoji
//! with a skin tone, a letter with a combining accent).

use unicode_segmentation::UnicodeSegmentation;

/// Code points of context kept on each side of a quote.
pub const CONTEXT_LEN: usize = 32;

/// How far (in code points) a quote may sit from the position given with it and still count
/// as the same place: clients that count offsets slightly differently are forgiven, quotes
/// from elsewhere are not.
pub const POSITION_SLACK: usize = 64;

/// A document's text with the indexes anchoring needs.
#[derive(Debug, Clone)]
pub struct DocumentText {
    text: String,
    /// Byte offset of each code point, plus the end.
    byte_at: Vec<usize>,
    /// Code point where each paragraph starts.
    paragraph_starts: Vec<usize>,
    paragraph_lens: Vec<usize>,
    /// Whether each code point offset (0..=len) is a grapheme boundary.
    boundaries: std::sync::OnceLock<Vec<bool>>,
}

/// The separator between paragraphs in the document text.
pub const PARAGRAPH_SEPARATOR: &str = "\n\n";

impl DocumentText {
    /// Joins `paragraphs` into the document text.
    pub fn new<S: AsRef<str>>(paragraphs: &[S]) -> DocumentText {
        let mut text = String::new();
        let mut paragraph_starts = Vec::with_capacity(paragraphs.len());
        let mut paragraph_lens = Vec::with_capacity(paragraphs.len());
        let mut cp = 0;
        for (i, p) in paragraphs.iter().enumerate() {
            if i > 0 {
                text.push_str(PARAGRAPH_SEPARATOR);
                cp += PARAGRAPH_SEPARATOR.chars().count();
            }
            let p = p.as_ref();
            paragraph_starts.push(cp);
            let len = p.chars().count();
            paragraph_lens.push(len);
            cp += len;
            text.push_str(p);
        }
        DocumentText {
            byte_at: super::text::cp_byte_index(&text),
            text,
            paragraph_starts,
            paragraph_lens,
            boundaries: std::sync::OnceLock::new(),
        }
    }

    /// The heap memory it holds, for caches that keep to a budget (the grapheme boundaries
    /// counted as if computed: they will be once an anchor is checked).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + (self.byte_at.capacity()
                + self.paragraph_starts.capacity()
                + self.paragraph_lens.capacity())
                * std::mem::size_of::<usize>()
            + self.byte_at.len()
    }

    /// Grapheme boundaries, computed the first time an anchor is checked: rendering a page
    /// never needs them.
    fn boundaries(&self) -> &[bool] {
        self.boundaries.get_or_init(|| {
            let mut boundaries = vec![false; self.byte_at.len()];
            let starts: Vec<usize> = self.text.grapheme_indices(true).map(|(b, _)| b).collect();
            for cp in super::text::byte_to_cp_offsets(&self.text, &starts) {
                boundaries[cp] = true;
            }
            if let Some(last) = boundaries.last_mut() {
                *last = true;
            }
            boundaries
        })
    }

    /// Length in code points.
    pub fn len(&self) -> usize {
        self.byte_at.len() - 1
    }

    /// Whether the document has no text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text between two code point offsets (clamped to the text).
    pub fn slice(&self, start: usize, end: usize) -> &str {
        let end = end.min(self.len());
        let start = start.min(end);
        &self.text[self.byte_at[start]..self.byte_at[end]]
    }

    /// Code point offsets where `needle` starts, overlapping matches included.
    pub fn find_all(&self, needle: &str) -> Vec<usize> {
        if needle.is_empty() {
            return Vec::new();
        }
        let mut starts = Vec::new();
        let mut from = 0;
        while let Some(found) = self.text[from..].find(needle) {
            starts.push(from + found);
            from += found
                + self.text[from + found..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
        }
        super::text::byte_to_cp_offsets(&self.text, &starts)
    }

    /// Whether offset `cp` falls between two grapheme clusters.
    pub fn is_boundary(&self, cp: usize) -> bool {
        self.boundaries().get(cp).copied().unwrap_or(false)
    }

    /// The parts of `start..end` that fall in each paragraph, as
    /// `(paragraph index, start, end)` in that paragraph's own code points.
    pub fn paragraph_ranges(&self, start: usize, end: usize) -> Vec<(usize, usize, usize)> {
        self.paragraph_starts
            .iter()
            .zip(&self.paragraph_lens)
            .enumerate()
            .filter_map(|(i, (&p_start, &len))| {
                let s = start.max(p_start);
                let e = end.min(p_start + len);
                (s < e).then(|| (i, s - p_start, e - p_start))
            })
            .collect()
    }

    /// Index of the paragraph holding offset `cp` (the next one when `cp` is in a separator).
    pub fn paragraph_at(&self, cp: usize) -> usize {
        self.paragraph_starts
            .iter()
            .zip(&self.paragraph_lens)
            .position(|(&s, &len)| cp < s + len)
            .unwrap_or(self.paragraph_starts.len().saturating_sub(1))
    }
}

/// A quote as given by a `TextQuoteSelector`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quote {
    /// The quoted text.
    pub exact: String,
    /// Text just before it, to tell repeated quotes apart.
    pub prefix: Option<String>,
    /// Text just after it.
    pub suffix: Option<String>,
}

/// Selectors as a client sent them: at least one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selectors {
    /// `TextQuoteSelector`
    pub quote: Option<Quote>,
    /// `TextPositionSelector` `(start, end)`
    pub position: Option<(usize, usize)>,
}

/// A resolved anchor: position and quote agree with the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The text at `start..end`.
    pub exact: String,
    /// Up to [`CONTEXT_LEN`] code points before.
    pub prefix: String,
    /// Up to [`CONTEXT_LEN`] code points after.
    pub suffix: String,
}

/// Why selectors do not anchor, naming the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    /// Neither selector was given.
    #[error("the target needs a TextQuoteSelector, a TextPositionSelector, or both")]
    NoSelector,
    /// `start >= end`.
    #[error(
        "TextPositionSelector.start ({start}) must be less than its end ({end}): the selection runs from start up to, not including, end"
    )]
    Empty {
        /// The start given.
        start: usize,
        /// The end given.
        end: usize,
    },
    /// The selection is white space alone.
    #[error(
        "the selection {start}–{end} holds only white space (a space, or the break between two paragraphs): select the words the note is on"
    )]
    Blank {
        /// The first code point selected.
        start: usize,
        /// One past the last.
        end: usize,
    },
    /// `exact` is empty or white space alone.
    #[error(
        "TextQuoteSelector.exact is empty or white space alone: quote the words the note is on"
    )]
    EmptyQuote,
    /// Position past the text.
    #[error(
        "TextPositionSelector.end ({end}) is past the end of the document text ({len} code points)"
    )]
    OutOfRange {
        /// The end given.
        end: usize,
        /// The text length.
        len: usize,
    },
    /// The quote is nowhere in the text.
    #[error("TextQuoteSelector.exact is not in the document text")]
    QuoteNotFound,
    /// The quote is there several times and prefix/suffix do not single one out.
    #[error(
        "TextQuoteSelector.exact occurs {0} times; add prefix and suffix, or a TextPositionSelector, to say which"
    )]
    Ambiguous(usize),
    /// The quote is not at or near the position.
    #[error(
        "TextQuoteSelector.exact does not match the text at TextPositionSelector {start}..{end} (the text there is {found:?})"
    )]
    Mismatch {
        /// Position given.
        start: usize,
        /// Position given.
        end: usize,
        /// What the text says there.
        found: String,
    },
    /// An edge inside a grapheme cluster.
    #[error(
        "the selection starts or ends inside a character (grapheme cluster) at code point {0}; move it to a character boundary"
    )]
    SplitsGrapheme(usize),
}

/// Resolves selectors against `text`.
pub fn resolve(text: &DocumentText, selectors: &Selectors) -> Result<Anchor, AnchorError> {
    let (start, end) = match (&selectors.quote, selectors.position) {
        (None, None) => return Err(AnchorError::NoSelector),
        (None, Some(position)) => check_position(text, position)?,
        (Some(quote), None) => locate_quote(text, quote, None)?,
        (Some(quote), Some(position)) => {
            check_position(text, position)?;
            if text.slice(position.0, position.1) == quote.exact {
                position
            } else {
                let near = locate_quote(text, quote, Some(position.0)).map_err(|_| {
                    AnchorError::Mismatch {
                        start: position.0,
                        end: position.1,
                        found: text
                            .slice(position.0, position.1)
                            .chars()
                            .take(80)
                            .collect(),
                    }
                })?;
                if near.0.abs_diff(position.0) > POSITION_SLACK {
                    return Err(AnchorError::Mismatch {
                        start: position.0,
                        end: position.1,
                        found: text
                            .slice(position.0, position.1)
                            .chars()
                            .take(80)
                            .collect(),
                    });
                }
                near
            }
        }
    };
    for edge in [start, end] {
        if !text.is_boundary(edge) {
            return Err(AnchorError::SplitsGrapheme(edge));
        }
    }
    // A note on a space or on the break between two paragraphs quotes nothing a reader can
    // see, and belongs to neither paragraph.
    if text.slice(start, end).trim().is_empty() {
        return Err(AnchorError::Blank { start, end });
    }
    Ok(anchor_at(text, start, end))
}

/// The anchor for `start..end`, with its quote and context taken from the text.
pub fn anchor_at(text: &DocumentText, start: usize, end: usize) -> Anchor {
    Anchor {
        start,
        end,
        exact: text.slice(start, end).to_owned(),
        prefix: text
            .slice(start.saturating_sub(CONTEXT_LEN), start)
            .to_owned(),
        suffix: text.slice(end, end + CONTEXT_LEN).to_owned(),
    }
}

fn check_position(
    text: &DocumentText,
    (start, end): (usize, usize),
) -> Result<(usize, usize), AnchorError> {
    if start >= end {
        return Err(AnchorError::Empty { start, end });
    }
    if end > text.len() {
        return Err(AnchorError::OutOfRange {
            end,
            len: text.len(),
        });
    }
    Ok((start, end))
}

/// Finds the quote; among several, keeps those whose context agrees, then (with a hint)
/// the one nearest the hint.
fn locate_quote(
    text: &DocumentText,
    quote: &Quote,
    hint: Option<usize>,
) -> Result<(usize, usize), AnchorError> {
    if quote.exact.trim().is_empty() {
        return Err(AnchorError::EmptyQuote);
    }
    let len = quote.exact.chars().count();
    let mut found = text.find_all(&quote.exact);
    if found.is_empty() {
        return Err(AnchorError::QuoteNotFound);
    }
    if found.len() > 1 {
        let fits = |&s: &usize| {
            quote
                .prefix
                .as_deref()
                .is_none_or(|p| text.slice(s.saturating_sub(p.chars().count()), s) == p)
                && quote
                    .suffix
                    .as_deref()
                    .is_none_or(|x| text.slice(s + len, s + len + x.chars().count()) == x)
        };
        let fitting: Vec<usize> = found.iter().copied().filter(fits).collect();
        if !fitting.is_empty() {
            found = fitting;
        }
    }
    let start = match (found.len(), hint) {
        (1, _) => found[0],
        (_, Some(hint)) => found
            .into_iter()
            .min_by_key(|s| s.abs_diff(hint))
            .unwrap_or(hint),
        (n, None) => return Err(AnchorError::Ambiguous(n)),
    };
    Ok((start, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> DocumentText {
        DocumentText::new(&[
            "Moscow and Pyongyang met.",
            "🇺🇦 Kyiv watched Moscow closely.",
            "Then Moscow spoke.",
        ])
    }

    fn quote(exact: &str) -> Quote {
        Quote {
            exact: exact.into(),
            ..Quote::default()
        }
    }

    #[test]
    fn the_text_joins_paragraphs_with_a_blank_line() {
        let t = doc();
        assert_eq!(t.slice(0, 6), "Moscow");
        assert_eq!(t.slice(25, 27), "\n\n");
        assert_eq!(t.slice(27, 29), "🇺🇦");
        assert_eq!(t.paragraph_ranges(20, 33), vec![(0, 20, 25), (1, 0, 6)]);
        assert_eq!(t.paragraph_at(28), 1);
    }

    #[test]
    fn a_position_alone_gets_its_quote_and_context() {
        let a = resolve(
            &doc(),
            &Selectors {
                position: Some((11, 20)),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (a.exact.as_str(), a.prefix.as_str()),
            ("Pyongyang", "Moscow and ")
        );
        assert!(a.suffix.starts_with(" met.\n\n🇺🇦"));
    }

    #[test]
    fn a_unique_quote_alone_gets_its_position() {
        let a = resolve(
            &doc(),
            &Selectors {
                quote: Some(quote("Kyiv")),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((a.start, a.end), (30, 34));
    }

    #[test]
    fn a_repeated_quote_needs_context_or_a_position() {
        let err = resolve(
            &doc(),
            &Selectors {
                quote: Some(quote("Moscow")),
                ..Default::default()
            },
        );
        assert_eq!(err, Err(AnchorError::Ambiguous(3)));
        let with_prefix = Quote {
            prefix: Some("Then ".into()),
            ..quote("Moscow")
        };
        let a = resolve(
            &doc(),
            &Selectors {
                quote: Some(with_prefix),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(a.prefix.ends_with("Then "));
        let t = doc();
        let second = t.find_all("Moscow")[1];
        let a = resolve(
            &t,
            &Selectors {
                quote: Some(quote("Moscow")),
                position: Some((second, second + 6)),
            },
        )
        .unwrap();
        assert_eq!(a.start, second);
    }

    #[test]
    fn a_selection_of_white_space_alone_is_refused() {
        let t = doc();
        // "Moscow and": the space at 6; the paragraph break after "met." (25 code points).
        for (start, end) in [(6, 7), (25, 27)] {
            let blank = resolve(
                &t,
                &Selectors {
                    position: Some((start, end)),
                    ..Default::default()
                },
            );
            assert_eq!(
                blank,
                Err(AnchorError::Blank { start, end }),
                "{start}–{end}"
            );
        }
        assert_eq!(
            resolve(
                &t,
                &Selectors {
                    quote: Some(quote(" ")),
                    ..Default::default()
                }
            )
            .map(|a| a.exact),
            Err(AnchorError::EmptyQuote)
        );
        let word = resolve(
            &t,
            &Selectors {
                position: Some((6, 10)),
                ..Default::default()
            },
        );
        assert_eq!(word.unwrap().exact, " and");
    }

    #[test]
    fn disagreeing_pairs_and_bad_positions_are_refused() {
        let t = doc();
        assert!(
            matches!(
                resolve(
                    &t,
                    &Selectors {
                        quote: Some(quote("Pyongyang")),
                        position: Some((0, 6))
                    }
                ),
                Ok(Anchor { start: 11, .. })
            ),
            "a quote near its position is found there"
        );
        assert!(matches!(
            resolve(
                &t,
                &Selectors {
                    quote: Some(quote("Nowhere")),
                    position: Some((0, 6))
                }
            ),
            Err(AnchorError::Mismatch { .. })
        ));
        assert_eq!(
            resolve(
                &t,
                &Selectors {
                    position: Some((5, 5)),
                    ..Default::default()
                }
            ),
            Err(AnchorError::Empty { start: 5, end: 5 })
        );
        assert!(matches!(
            resolve(
                &t,
                &Selectors {
                    position: Some((0, 999)),
                    ..Default::default()
                }
            ),
            Err(AnchorError::OutOfRange { .. })
        ));
        assert_eq!(
            resolve(&t, &Selectors::default()),
            Err(AnchorError::NoSelector)
        );
        assert_eq!(
            resolve(
                &t,
                &Selectors {
                    quote: Some(quote("Paris")),
                    ..Default::default()
                }
            ),
            Err(AnchorError::QuoteNotFound)
        );
    }

    #[test]
    fn anchors_never_split_a_grapheme_cluster() {
        let t = doc();
        assert_eq!(
            resolve(
                &t,
                &Selectors {
                    position: Some((28, 34)),
                    ..Default::default()
                }
            ),
            Err(AnchorError::SplitsGrapheme(28))
        );
        let t = DocumentText::new(&["cafe\u{301} ok"]);
        assert_eq!(
            resolve(
                &t,
                &Selectors {
                    position: Some((0, 4)),
                    ..Default::default()
                }
            ),
            Err(AnchorError::SplitsGrapheme(4))
        );
        assert!(
            resolve(
                &t,
                &Selectors {
                    position: Some((0, 5)),
                    ..Default::default()
                }
            )
            .is_ok()
        );
    }
}
