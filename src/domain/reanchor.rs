//! Re-anchoring notes when a document's text changes.
//!
//! Every note keeps its quote with 32 code points of context on each side, and the quote as
//! its author wrote it. When a new version of the text is imported, each note is placed again
//! and given a status:
//!
//! - `exact`: the same quote at the same place;
//! - `moved`: the same quote elsewhere, singled out by its context (or found just once);
//! - `fuzzy`: no exact quote, but one place whose text is at least [`FUZZY_THRESHOLD`]
//!   similar to it (a typo fixed, quotes straightened, the text reflowed);
//! - `ambiguous`: two or more places fit about equally well — their context scores are
//!   less than [`AMBIGUITY_MARGIN`] apart — and glossa never guesses;
//! - `orphan`: nothing fits.
//!
//! Similarity is `1 - edit distance / quote length`, the edit distance being the best match
//! of the quote anywhere in the text (Sellers' approximate substring search), with the
//! context's similarity breaking ties the way Hypothesis's anchoring does.

use super::anchor::{Anchor, CONTEXT_LEN, DocumentText, anchor_at};

/// Lowest similarity (0–1) at which an approximate match still anchors a note.
pub const FUZZY_THRESHOLD: f64 = 0.75;

/// How much better (0–1, by context similarity) the best place must fit than the next best
/// for a quote that occurs more than once to be placed at all.
pub const AMBIGUITY_MARGIN: f64 = 0.5;

/// Quotes longer than this are matched approximately on their first this-many code points.
const LONGEST_FUZZY_QUOTE: usize = 256;

/// Where a note stands after its document changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorStatus {
    /// Same quote, same place.
    Exact,
    /// Same quote, another place.
    Moved,
    /// An approximate match above the threshold.
    Fuzzy,
    /// Several places fit equally well.
    Ambiguous,
    /// No acceptable match.
    Orphan,
}

impl AnchorStatus {
    /// Stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            AnchorStatus::Exact => "exact",
            AnchorStatus::Moved => "moved",
            AnchorStatus::Fuzzy => "fuzzy",
            AnchorStatus::Ambiguous => "ambiguous",
            AnchorStatus::Orphan => "orphan",
        }
    }

    /// Inverse of [`AnchorStatus::as_str`]; unknown names read as orphans, never as placed.
    pub fn parse(name: &str) -> AnchorStatus {
        match name {
            "exact" => AnchorStatus::Exact,
            "moved" => AnchorStatus::Moved,
            "fuzzy" => AnchorStatus::Fuzzy,
            "ambiguous" => AnchorStatus::Ambiguous,
            _ => AnchorStatus::Orphan,
        }
    }

    /// Whether the note has a place in the current text.
    pub fn is_placed(self) -> bool {
        matches!(
            self,
            AnchorStatus::Exact | AnchorStatus::Moved | AnchorStatus::Fuzzy
        )
    }
}

/// The outcome of re-anchoring one note.
#[derive(Debug, Clone, PartialEq)]
pub struct Reanchored {
    /// Where it stands.
    pub status: AnchorStatus,
    /// Its new anchor, for placed notes; `None` keeps the old one (orphans, ambiguous).
    pub anchor: Option<Anchor>,
    /// Similarity of the match, 1.0 for exact and moved.
    pub score: f64,
}

/// Places a note, anchored at `old` (and first written on `original`, its quote as the author
/// chose it), in the new `text`.
pub fn reanchor(text: &DocumentText, old: &Anchor, original: &str) -> Reanchored {
    for quote in [old.exact.as_str(), original] {
        if let Some(outcome) = exact_elsewhere(text, old, quote) {
            return outcome;
        }
    }
    approximate(text, old)
}

fn placed(status: AnchorStatus, anchor: Anchor, score: f64) -> Reanchored {
    Reanchored {
        status,
        anchor: Some(anchor),
        score,
    }
}

fn unplaced(status: AnchorStatus) -> Reanchored {
    Reanchored {
        status,
        anchor: None,
        score: 0.0,
    }
}

/// The quote found verbatim: its best-fitting occurrence by context, if one stands out.
fn exact_elsewhere(text: &DocumentText, old: &Anchor, quote: &str) -> Option<Reanchored> {
    let len = quote.chars().count();
    let found = text.find_all(quote);
    if found.is_empty() {
        return None;
    }
    let scored: Vec<(usize, f64)> = found
        .into_iter()
        .map(|start| (start, context_score(text, start, start + len, old)))
        .collect();
    Some(match best(&scored) {
        Some(start) => {
            let status = if start == old.start && quote == old.exact {
                AnchorStatus::Exact
            } else {
                AnchorStatus::Moved
            };
            placed(status, anchor_at(text, start, start + len), 1.0)
        }
        None => unplaced(AnchorStatus::Ambiguous),
    })
}

/// How well the text around `start..end` matches the note's old context, 0–1.
fn context_score(text: &DocumentText, start: usize, end: usize, old: &Anchor) -> f64 {
    let prefix = text.slice(start.saturating_sub(CONTEXT_LEN), start);
    let suffix = text.slice(end, end + CONTEXT_LEN);
    (similarity_tail(prefix, &old.prefix) + similarity_head(suffix, &old.suffix)) / 2.0
}

/// The candidate that fits clearly best, or `None` when another comes within
/// [`AMBIGUITY_MARGIN`] of it.
fn best(scored: &[(usize, f64)]) -> Option<usize> {
    let mut ranked: Vec<(usize, f64)> = scored.to_vec();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    match ranked.as_slice() {
        [only] => Some(only.0),
        [first, second, ..] if first.1 - second.1 >= AMBIGUITY_MARGIN => Some(first.0),
        _ => None,
    }
}

fn similarity_tail(candidate: &str, expected: &str) -> f64 {
    let a: Vec<char> = candidate.chars().rev().collect();
    let b: Vec<char> = expected.chars().rev().collect();
    common_ratio(&a, &b)
}

fn similarity_head(candidate: &str, expected: &str) -> f64 {
    let a: Vec<char> = candidate.chars().collect();
    let b: Vec<char> = expected.chars().collect();
    common_ratio(&a, &b)
}

/// Similarity of two strings by edit distance, 1.0 when both are empty.
fn common_ratio(a: &[char], b: &[char]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - levenshtein(a, b) as f64 / longest as f64
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The quote matched approximately anywhere in the text.
fn approximate(text: &DocumentText, old: &Anchor) -> Reanchored {
    let quote: Vec<char> = old.exact.chars().take(LONGEST_FUZZY_QUOTE).collect();
    if quote.is_empty() {
        return unplaced(AnchorStatus::Orphan);
    }
    let haystack: Vec<char> = text.slice(0, text.len()).chars().collect();
    let candidates = best_windows(&haystack, &quote);
    let Some(&(_, _, distance)) = candidates.first() else {
        return unplaced(AnchorStatus::Orphan);
    };
    let score = 1.0 - distance as f64 / quote.len() as f64;
    if score < FUZZY_THRESHOLD {
        return unplaced(AnchorStatus::Orphan);
    }
    let scored: Vec<(usize, f64)> = candidates
        .iter()
        .map(|&(start, end, _)| (start, context_score(text, start, end, old)))
        .collect();
    match best(&scored) {
        Some(start) => {
            let end = candidates
                .iter()
                .find(|c| c.0 == start)
                .map_or(start, |c| c.1);
            let mut start = start;
            let mut end = end;
            while start < end && !text.is_boundary(start) {
                start += 1;
            }
            while end < text.len() && !text.is_boundary(end) {
                end += 1;
            }
            placed(AnchorStatus::Fuzzy, anchor_at(text, start, end), score)
        }
        None => unplaced(AnchorStatus::Ambiguous),
    }
}

/// Every non-overlapping window of `text` whose edit distance to `quote` is the smallest,
/// as `(start, end, distance)` (Sellers' semi-global edit distance with start tracking).
fn best_windows(text: &[char], quote: &[char]) -> Vec<(usize, usize, usize)> {
    let m = quote.len();
    // For each text position: the cost of the best match of the whole quote ending there,
    // and where that match starts.
    let mut cost: Vec<usize> = (0..=m).collect();
    let mut origin: Vec<usize> = vec![0; m + 1];
    let mut ends: Vec<(usize, usize, usize)> = Vec::new();
    for (j, &c) in text.iter().enumerate() {
        let (mut diag_cost, mut diag_origin) = (cost[0], origin[0]);
        cost[0] = 0;
        origin[0] = j + 1;
        for i in 1..=m {
            let options = [
                (diag_cost + usize::from(quote[i - 1] != c), diag_origin),
                (cost[i] + 1, origin[i]),
                (cost[i - 1] + 1, origin[i - 1]),
            ];
            let (best_cost, best_origin) = options
                .into_iter()
                .min_by_key(|o| o.0)
                .unwrap_or(options[0]);
            diag_cost = cost[i];
            diag_origin = origin[i];
            cost[i] = best_cost;
            origin[i] = best_origin;
        }
        ends.push((origin[m], j + 1, cost[m]));
    }
    let Some(least) = ends.iter().map(|e| e.2).min() else {
        return Vec::new();
    };
    let mut windows: Vec<(usize, usize, usize)> = Vec::new();
    for window in ends.into_iter().filter(|e| e.2 == least) {
        match windows.last_mut() {
            Some(last) if window.0 < last.1 => {}
            _ => windows.push(window),
        }
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: [&str; 3] = [
        "Pyongyang and Moscow have rapidly expanded their cooperation in trade.",
        "Commentators in the West have speculated that the ties irked Beijing.",
        "Chinese observers speculate that “all-round partnership” is a slogan.",
    ];

    fn note(quote: &str) -> Anchor {
        let text = DocumentText::new(&V1);
        let start = text.find_all(quote)[0];
        anchor_at(&text, start, start + quote.chars().count())
    }

    fn after(edited: &[&str], quote: &str) -> Reanchored {
        reanchor(&DocumentText::new(edited), &note(quote), quote)
    }

    #[test]
    fn golden_edits() {
        let q = "the ties irked Beijing";
        let inserted = ["New opening sentence.", V1[0], V1[1], V1[2]];
        let cases: Vec<(&str, Vec<String>, &str, AnchorStatus)> = vec![
            (
                "unchanged",
                V1.iter().map(|s| s.to_string()).collect(),
                q,
                AnchorStatus::Exact,
            ),
            (
                "text inserted before the quote",
                vec![V1[0].into(), format!("Indeed, {}", V1[1]), V1[2].into()],
                q,
                AnchorStatus::Moved,
            ),
            (
                "a paragraph inserted before",
                inserted.iter().map(|s| s.to_string()).collect(),
                q,
                AnchorStatus::Moved,
            ),
            (
                "paragraphs reordered",
                vec![V1[1].into(), V1[0].into(), V1[2].into()],
                q,
                AnchorStatus::Moved,
            ),
            (
                "a typo fixed inside the quote",
                vec![V1[0].into(), V1[1].replace("irked", "irk’d"), V1[2].into()],
                q,
                AnchorStatus::Fuzzy,
            ),
            (
                "the quote reflowed",
                vec![
                    V1[0].into(),
                    V1[1].replace("the ties irked", "the ties\nirked"),
                    V1[2].into(),
                ],
                q,
                AnchorStatus::Fuzzy,
            ),
            (
                "smart quotes made straight",
                vec![V1[0].into(), V1[1].into(), V1[2].replace(['“', '”'], "\"")],
                "“all-round partnership”",
                AnchorStatus::Fuzzy,
            ),
            (
                "the quoted sentence deleted",
                vec![
                    V1[0].into(),
                    "Commentators in the West have speculated.".into(),
                    V1[2].into(),
                ],
                q,
                AnchorStatus::Orphan,
            ),
            (
                "the whole paragraph deleted",
                vec![V1[0].into(), V1[2].into()],
                q,
                AnchorStatus::Orphan,
            ),
            (
                "the quote duplicated",
                vec![V1[0].into(), V1[1].into(), V1[1].into(), V1[2].into()],
                q,
                AnchorStatus::Ambiguous,
            ),
        ];
        for (name, edited, quote, expected) in cases {
            let edited: Vec<&str> = edited.iter().map(String::as_str).collect();
            let outcome = after(&edited, quote);
            assert_eq!(outcome.status, expected, "{name}");
            if let Some(anchor) = &outcome.anchor {
                let text = DocumentText::new(&edited);
                assert_eq!(text.slice(anchor.start, anchor.end), anchor.exact, "{name}");
                if expected == AnchorStatus::Fuzzy {
                    assert!(
                        outcome.score >= FUZZY_THRESHOLD && outcome.score < 1.0,
                        "{name}: {}",
                        outcome.score
                    );
                }
            }
        }
    }

    #[test]
    fn re_importing_the_old_version_makes_orphans_exact_again() {
        let quote = "the ties irked Beijing";
        let old = note(quote);
        let edited = DocumentText::new(&[V1[0], V1[2]]);
        assert_eq!(reanchor(&edited, &old, quote).status, AnchorStatus::Orphan);
        let back = reanchor(&DocumentText::new(&V1), &old, quote);
        assert_eq!(
            (back.status, back.anchor.map(|a| a.start)),
            (AnchorStatus::Exact, Some(old.start))
        );
    }

    #[test]
    fn a_fuzzy_note_finds_its_original_quote_again() {
        let quote = "the ties irked Beijing";
        let typo = DocumentText::new(&[V1[0], &V1[1].replace("irked", "irk’d"), V1[2]]);
        let fuzzy = reanchor(&typo, &note(quote), quote).anchor.unwrap();
        let back = reanchor(&DocumentText::new(&V1), &fuzzy, quote);
        assert_eq!(
            back.status,
            AnchorStatus::Moved,
            "found by the author's original quote"
        );
        assert_eq!(back.anchor.unwrap().exact, quote);
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        let d = |a: &str, b: &str| {
            levenshtein(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            (d("kitten", "sitting"), d("", "abc"), d("same", "same")),
            (3, 3, 0)
        );
    }
}
