//! glossa's search language, parsed into a typed query and compiled for each database's
//! full-text engine. Raw input never reaches SQLite's `MATCH` or PostgreSQL's `tsquery`: only
//! words made of letters and digits do, quoted, with operators this module writes itself.
//!
//! ```text
//! sanctions Moscow            both words (stemmed: "sanctioned" matches too)
//! "security guarantees"       the words next to each other
//! Moscow OR Kremlin           either
//! -Beijing                    not this
//! sanction*                   any word starting so
//! actor:RUS doc:SLUG after:2024-06-01 before:2025 tag:… author:… mentions:… motivation:… status:orphan
//! reliability:A-B credibility:1-3
//! ```
//!
//! A word with inner punctuation (`multi-agent`, `don't`) is its parts side by side, as
//! both engines' tokenizers split it.

use std::fmt::Write as _;

use super::grades::{Credibility, GradeRange, Reliability};

/// A term: one word or several side by side; the last may be a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Lower-case words of letters and digits, in order.
    pub words: Vec<String>,
    /// Whether the last word is a prefix (`sanction*`).
    pub prefix: bool,
}

/// Filters that narrow a search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// `actor:ID`: passages naming all of these actors (ids in lower case; ids compare
    /// without case).
    pub actors: Vec<String>,
    /// `doc:SLUG`: in one of these documents.
    pub documents: Vec<String>,
    /// `after:DATE`: documents published on or after it (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub after: Option<String>,
    /// `before:DATE`: documents published before it.
    pub before: Option<String>,
    /// `tag:TAG`: notes with all of these tags.
    pub tags: Vec<String>,
    /// `author:NAME`: notes by one of these analysts.
    pub authors: Vec<String>,
    /// `mentions:NAME`: notes whose body mentions all of these analysts (`@name`).
    pub mentions: Vec<String>,
    /// `motivation:M`: notes with one of these motivations.
    pub motivations: Vec<String>,
    /// `status:S`: notes anchored so (`exact`, `moved`, `fuzzy`, `ambiguous`, `orphan`).
    pub statuses: Vec<String>,
    /// `visibility:V`: notes shared so (`private`, `team`, `public`).
    pub visibilities: Vec<String>,
    /// `voice:ID`: passages with a sentence giving each of these voices' views, and notes
    /// whose quote is in one (ids in lower case).
    pub voices: Vec<String>,
    /// `official:yes` or `official:no`: passages with a sentence giving an official (or an
    /// unofficial) voice's view, and notes whose quote is in one.
    pub official: Option<bool>,
    /// `reliability:A-B`: passages of documents whose source is graded so, and notes whose
    /// passage's source is (the note's own grade, or else its document's).
    pub reliability: Option<GradeRange<Reliability>>,
    /// `credibility:1-3`: assessing notes that grade their claim so.
    pub credibility: Option<GradeRange<Credibility>>,
}

impl Filters {
    /// Adds `more`'s filters to these; a date in `more` replaces this one.
    pub fn merge(&mut self, more: Filters) {
        self.actors.extend(more.actors);
        self.documents.extend(more.documents);
        self.tags.extend(more.tags);
        self.authors.extend(more.authors);
        self.mentions.extend(more.mentions);
        self.motivations.extend(more.motivations);
        self.statuses.extend(more.statuses);
        self.visibilities.extend(more.visibilities);
        self.voices.extend(more.voices);
        self.official = more.official.or(self.official.take());
        self.reliability = more.reliability.or(self.reliability.take());
        self.credibility = more.credibility.or(self.credibility.take());
        self.after = more.after.or(self.after.take());
        self.before = more.before.or(self.before.take());
    }

    /// Whether a filter narrows the passages (beyond the words).
    pub fn narrows_passages(&self) -> bool {
        !(self.actors.is_empty()
            && self.voices.is_empty()
            && self.official.is_none()
            && self.reliability.is_none()
            && self.documents.is_empty()
            && self.after.is_none()
            && self.before.is_none())
    }

    /// Whether a filter applies only to notes (so passages of text cannot match it).
    pub fn only_notes(&self) -> bool {
        !(self.tags.is_empty()
            && self.authors.is_empty()
            && self.mentions.is_empty()
            && self.motivations.is_empty()
            && self.statuses.is_empty()
            && self.visibilities.is_empty()
            && self.credibility.is_none())
    }
}

/// A parsed search: every group must match (a group matches when any of its terms does),
/// no excluded term may, and the filters hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// AND of OR-groups.
    pub groups: Vec<Vec<Term>>,
    /// Terms that must not match.
    pub excluded: Vec<Term>,
    /// Field filters.
    pub filters: Filters,
    /// Things the search did that the person may not have meant, in words.
    pub hints: Vec<String>,
}

/// Why a search cannot run, in words that say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

/// Longest search accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most terms and filters in one search.
pub const MAX_TERMS: usize = 32;

const FIELD_NAMES: [&str; 14] = [
    "actor",
    "voice",
    "official",
    "reliability",
    "credibility",
    "doc",
    "after",
    "before",
    "tag",
    "author",
    "mentions",
    "motivation",
    "status",
    "visibility",
];
const FIELDS: &str = "actor, voice, official, reliability, credibility, doc, after, before, tag, author, mentions, motivation, status, visibility";
const VISIBILITIES: [&str; 3] = ["private", "team", "public"];
const STATUSES: [&str; 5] = ["exact", "moved", "fuzzy", "ambiguous", "orphan"];
const MOTIVATIONS: [&str; 13] = [
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
];

impl SearchQuery {
    /// Parses what a person typed.
    pub fn parse(input: &str) -> Result<SearchQuery, QueryError> {
        if input.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError(format!(
                "The search is longer than {MAX_QUERY_CHARS} characters; shorten it."
            )));
        }
        let mut query = SearchQuery::default();
        let mut pending_or = false;
        let mut negate_next = false;
        let mut count = 0;
        for token in tokens(input)? {
            count += 1;
            if count > MAX_TERMS {
                return Err(QueryError(format!(
                    "The search has more than {MAX_TERMS} words and filters; use fewer."
                )));
            }
            match token {
                Token::Bare("OR") => {
                    if query.groups.is_empty() || pending_or {
                        return Err(QueryError(
                            "OR goes between two words or phrases, as in: Moscow OR Kremlin."
                                .into(),
                        ));
                    }
                    pending_or = true;
                }
                Token::Bare("AND") => {}
                Token::Bare("NOT") => negate_next = true,
                Token::Bare(word @ ("or" | "and" | "not")) => {
                    let upper = word.to_uppercase();
                    query.hints.push(format!(
                        "“{word}” was looked for as a word; to use it as an operator, write {upper} in capitals."
                    ));
                    if let Some(term) = word_term(word)? {
                        query.push(
                            term,
                            std::mem::take(&mut negate_next),
                            std::mem::take(&mut pending_or),
                        );
                    }
                }
                Token::Bare(text) => {
                    let (negated, text) = match text.strip_prefix('-') {
                        Some(rest) if !rest.is_empty() => (true, rest),
                        _ => (false, text),
                    };
                    let negated = negated || std::mem::take(&mut negate_next);
                    if let Some((field, value)) = field_and_value(text) {
                        if negated {
                            return Err(QueryError(format!(
                                "Only words and phrases can be excluded, not a filter such as {field}:."
                            )));
                        }
                        query.filters.add(field, value)?;
                        continue;
                    }
                    let Some(term) = word_term(text)? else {
                        continue;
                    };
                    query.push(term, negated, std::mem::take(&mut pending_or));
                }
                Token::Quoted { field, text } => {
                    let negated = std::mem::take(&mut negate_next);
                    if let Some(field) = field {
                        query.filters.add(field, text)?;
                        continue;
                    }
                    let words = words_of(text);
                    if words.is_empty() {
                        continue;
                    }
                    let term = Term {
                        words,
                        prefix: false,
                    };
                    query.push(term, negated, std::mem::take(&mut pending_or));
                }
            }
        }
        if pending_or {
            return Err(QueryError(
                "OR needs a word or phrase after it, as in: Moscow OR Kremlin.".into(),
            ));
        }
        if query.groups.is_empty() && !query.excluded.is_empty() {
            return Err(QueryError(
                "Say what to look for besides what to leave out, as in: sanctions -Iran.".into(),
            ));
        }
        if query.is_empty() {
            return Err(QueryError(
                "Type a word to look for (letters or digits), or a filter such as actor:RUS."
                    .into(),
            ));
        }
        Ok(query)
    }

    fn push(&mut self, term: Term, negated: bool, or: bool) {
        if negated {
            self.excluded.push(term);
        } else if or && let Some(last) = self.groups.last_mut() {
            last.push(term);
        } else {
            self.groups.push(vec![term]);
        }
    }

    /// Whether nothing at all was asked for.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.filters == Filters::default()
    }

    /// Whether there are words to look for (not only filters).
    pub fn has_words(&self) -> bool {
        !self.groups.is_empty()
    }

    /// Every word looked for, for highlighting (excluded ones are not).
    pub fn words(&self) -> impl Iterator<Item = (&str, bool)> {
        self.groups.iter().flatten().flat_map(|term| {
            let last = term.words.len() - 1;
            term.words
                .iter()
                .enumerate()
                .map(move |(i, w)| (w.as_str(), term.prefix && i == last))
        })
    }

    /// The words as an SQLite FTS5 `MATCH` expression: every word a quoted string of letters
    /// and digits, operators written here.
    pub fn to_fts5(&self) -> String {
        let term = |t: &Term| {
            let mut out = format!("\"{}\"", t.words.join(" "));
            if t.prefix {
                out.push_str(" *");
            }
            out
        };
        let mut out = self
            .groups
            .iter()
            .map(|group| {
                let alternatives: Vec<String> = group.iter().map(term).collect();
                format!("({})", alternatives.join(" OR "))
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        for excluded in &self.excluded {
            let _ = write!(out, " NOT {}", term(excluded));
        }
        out
    }

    /// The words as a PostgreSQL `to_tsquery` expression: every word a quoted lexeme of
    /// letters and digits, operators written here.
    pub fn to_tsquery(&self) -> String {
        let term = |t: &Term| {
            let last = t.words.len() - 1;
            let lexemes: Vec<String> = t
                .words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if t.prefix && i == last {
                        format!("'{w}':*")
                    } else {
                        format!("'{w}'")
                    }
                })
                .collect();
            format!("({})", lexemes.join(" <-> "))
        };
        let mut out = self
            .groups
            .iter()
            .map(|group| {
                let alternatives: Vec<String> = group.iter().map(term).collect();
                format!("({})", alternatives.join(" | "))
            })
            .collect::<Vec<_>>()
            .join(" & ");
        for excluded in &self.excluded {
            let _ = write!(out, " & !{}", term(excluded));
        }
        out
    }
}

impl Filters {
    /// Adds the filter `field:value`, checked as if it had been typed.
    pub fn add(&mut self, field: &str, value: &str) -> Result<(), QueryError> {
        let field = field.to_ascii_lowercase();
        let field = field.as_str();
        let value = value.trim();
        if value.is_empty() {
            return Err(QueryError(format!(
                "{field}: needs a value, as in {field}:{}.",
                example(field)
            )));
        }
        let known = |list: &[&str], what: &str| {
            let lower = value.to_lowercase();
            if list.contains(&lower.as_str()) {
                Ok(lower)
            } else {
                Err(QueryError(format!(
                    "{value:?} is not a {what}; use one of: {}.",
                    list.join(", ")
                )))
            }
        };
        match field {
            "actor" => self.actors.push(value.to_lowercase()),
            "voice" => self.voices.push(value.to_lowercase()),
            "official" => {
                if self.official.is_some() {
                    return Err(QueryError(
                        "official: can be given once: official:yes or official:no.".to_owned(),
                    ));
                }
                self.official = Some(match value.to_lowercase().as_str() {
                    "yes" | "true" | "official" => true,
                    "no" | "false" | "unofficial" => false,
                    _ => {
                        return Err(QueryError(format!(
                            "official: takes yes or no, not {value:?}: official:yes for governments, ministries and leaders, official:no for analysts, commentators and media."
                        )));
                    }
                })
            }
            "reliability" => {
                self.reliability = Some(GradeRange::<Reliability>::parse(value).ok_or_else(|| {
                    QueryError(format!(
                        "reliability: takes an Admiralty letter or a span of them, A (completely reliable) to F (cannot be judged), as in reliability:A-B, not {value:?}."
                    ))
                })?)
            }
            "credibility" => {
                self.credibility = Some(GradeRange::<Credibility>::parse(value).ok_or_else(|| {
                    QueryError(format!(
                        "credibility: takes an Admiralty number or a span of them, 1 (confirmed) to 6 (cannot be judged), as in credibility:1-3, not {value:?}."
                    ))
                })?)
            }
            "doc" => self.documents.push(value.to_owned()),
            "tag" => self.tags.push(value.to_owned()),
            "author" => self.authors.push(value.to_lowercase()),
            "mentions" => self.mentions.push(value.trim_start_matches('@').to_lowercase()),
            "motivation" => self.motivations.push(known(&MOTIVATIONS, "motivation")?),
            "status" => self.statuses.push(known(&STATUSES, "note status")?),
            "visibility" => self.visibilities.push(known(&VISIBILITIES, "visibility")?),
            "after" => self.after = Some(date(field, value)?),
            "before" => self.before = Some(date(field, value)?),
            other => {
                return Err(QueryError(format!(
                    "There is no {other}: filter; the filters are {FIELDS}."
                )));
            }
        }
        Ok(())
    }
}

fn example(field: &str) -> &'static str {
    match field {
        "actor" => "RUS",
        "voice" => "chn-analysts",
        "official" => "yes",
        "reliability" => "A-B",
        "credibility" => "1-3",
        "doc" => "russia-north-korea-chinese-views",
        "after" | "before" => "2024-06-01",
        "tag" => "sanctions",
        "author" | "mentions" => "alice",
        "motivation" => "questioning",
        "status" => "orphan",
        "visibility" => "team",
        _ => "…",
    }
}

/// A date as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, kept as written (dates compare as text).
fn date(field: &str, value: &str) -> Result<String, QueryError> {
    let parts: Vec<&str> = value.split('-').collect();
    let widths = [4, 2, 2];
    let well_formed = parts.len() <= 3
        && parts
            .iter()
            .zip(widths)
            .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
    let in_range = |i: usize, lo: u32, hi: u32| {
        parts
            .get(i)
            .is_none_or(|p| p.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n)))
    };
    let exists = parts.len() < 3
        || time::Month::try_from(parts[1].parse::<u8>().unwrap_or(0))
            .ok()
            .and_then(|month| {
                time::Date::from_calendar_date(
                    parts[0].parse().ok()?,
                    month,
                    parts[2].parse().ok()?,
                )
                .ok()
            })
            .is_some();
    if well_formed && in_range(1, 1, 12) && in_range(2, 1, 31) && exists {
        Ok(value.to_owned())
    } else {
        Err(QueryError(format!(
            "{field}:{value} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD, as in {field}:2024-06-01."
        )))
    }
}

/// `field:value` when `text` starts with a field name and a colon (a URL or a time of day is
/// words, not a filter).
fn field_and_value(text: &str) -> Option<(&str, &str)> {
    let (field, value) = text.split_once(':')?;
    // Any lower-case word before a colon is meant as a filter (an unknown one is an error that
    // lists them); a capitalised one only when it is a filter's name ("Actor:RUS"), so that
    // "Moscow: …" stays a word.
    let is_field = !field.is_empty()
        && field.len() <= 12
        && (field.bytes().all(|b| b.is_ascii_lowercase())
            || FIELD_NAMES.contains(&field.to_ascii_lowercase().as_str()))
        && !value.starts_with("//");
    is_field.then_some((field, value))
}

/// The lower-case runs of letters and digits in `text`.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A bare word as a term: its parts side by side, a trailing `*` making the last a prefix.
/// `None` when it holds no letters or digits.
fn word_term(text: &str) -> Result<Option<Term>, QueryError> {
    let prefix = text.ends_with('*');
    let words = words_of(text);
    let Some(last) = words.last() else {
        return Ok(None);
    };
    if prefix && last.chars().count() < 2 {
        return Err(QueryError(format!(
            "{text} is too short a prefix; give at least two letters before the *, as in sanction*."
        )));
    }
    Ok(Some(Term { words, prefix }))
}

enum Token<'a> {
    Bare(&'a str),
    Quoted {
        field: Option<&'a str>,
        text: &'a str,
    },
}

/// Splits on whitespace, keeping `"…"` and `field:"…"` whole.
fn tokens(input: &str) -> Result<Vec<Token<'_>>, QueryError> {
    let mut out = Vec::new();
    let mut rest = input.trim_start();
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let quote = rest.find('"').filter(|&q| q < end);
        match quote {
            Some(q) => {
                let before = &rest[..q];
                let field = match before.strip_suffix(':') {
                    Some(f) if field_and_value(&format!("{f}:x")).is_some() => Some(f),
                    _ => {
                        if !before.is_empty() {
                            out.push(Token::Bare(before));
                        }
                        None
                    }
                };
                let after = &rest[q + 1..];
                let close = after.find('"').ok_or_else(|| {
                    QueryError(
                        "A quotation mark (\") is not closed; close the phrase, as in \"security guarantees\"."
                            .into(),
                    )
                })?;
                out.push(Token::Quoted {
                    field,
                    text: &after[..close],
                });
                rest = after[close + 1..].trim_start();
            }
            None => {
                out.push(Token::Bare(&rest[..end]));
                rest = rest[end..].trim_start();
            }
        }
    }
    Ok(out)
}

/// A word reduced as both engines reduce it before comparing: lower case, accents folded,
/// English stemming (Snowball, as PostgreSQL's `english_stem`; SQLite's porter agrees on
/// ordinary words).
fn reduced(word: &str) -> String {
    stem_folded(&folded(word))
}

/// Lower case, accents folded.
fn folded(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The English stem of an already folded word.
fn stem_folded(folded: &str) -> String {
    thread_local! {
        static STEMMER: rust_stemmers::Stemmer =
            rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    }
    STEMMER.with(|s| s.stem(folded).into_owned())
}

/// Where the searched terms occur in `text`: byte ranges, in order. A word matches a searched
/// word with the same stem, or, for a prefix, that starts with it; a phrase matches where its
/// words follow one another (punctuation between them allowed), and is one range.
pub fn matches(text: &str, query: &SearchQuery) -> Vec<std::ops::Range<usize>> {
    let terms: Vec<Vec<(String, bool)>> = query
        .groups
        .iter()
        .flatten()
        .map(|term| {
            term.words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let prefix = term.prefix && i + 1 == term.words.len();
                    if prefix {
                        (folded(w), true)
                    } else {
                        (reduced(w), false)
                    }
                })
                .collect()
        })
        .collect();
    // Stemming keeps a word's first letter, so only words that start like a searched stem are
    // stemmed: a paragraph is read once, and most of its words are never stemmed.
    let initials: Vec<char> = terms
        .iter()
        .flatten()
        .filter(|(_, prefix)| !prefix)
        .filter_map(|(w, _)| w.chars().next())
        .collect();
    let mut words: Vec<(std::ops::Range<usize>, String, Option<String>)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let word = folded(&text[s..i]);
                let stem = word
                    .chars()
                    .next()
                    .filter(|c| initials.contains(c))
                    .map(|_| stem_folded(&word));
                words.push((s..i, word, stem));
                start = None;
            }
            _ => {}
        }
    }
    let mut found: Vec<std::ops::Range<usize>> = Vec::new();
    for wanted in &terms {
        let fits = |(_, folded, stem): &(std::ops::Range<usize>, String, Option<String>),
                    (w, prefix): &(String, bool)| {
            if *prefix {
                folded.starts_with(w.as_str())
            } else {
                stem.as_ref() == Some(w)
            }
        };
        for at in 0..words.len().saturating_sub(wanted.len() - 1) {
            if wanted
                .iter()
                .enumerate()
                .all(|(k, w)| fits(&words[at + k], w))
            {
                found.push(words[at].0.start..words[at + wanted.len() - 1].0.end);
            }
        }
    }
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for range in found {
        match merged.last_mut() {
            Some(last) if range.start < last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// The matches of a passage that satisfies the search's words — every group matched, no
/// excluded term present — and none otherwise: what a document opened from a search marks, so
/// that the text agrees with the list of hits.
pub fn passage_matches(text: &str, query: &SearchQuery) -> Vec<std::ops::Range<usize>> {
    let alone = |terms: Vec<Term>| SearchQuery {
        groups: vec![terms],
        ..SearchQuery::default()
    };
    let every_group = query
        .groups
        .iter()
        .all(|group| !matches(text, &alone(group.clone())).is_empty());
    let excluded =
        !query.excluded.is_empty() && !matches(text, &alone(query.excluded.clone())).is_empty();
    if every_group && !excluded {
        matches(text, query)
    } else {
        Vec::new()
    }
}

/// [`matches`] as code point ranges (the unit of every offset glossa gives out).
pub fn code_point_ranges(
    text: &str,
    found: &[std::ops::Range<usize>],
) -> Vec<std::ops::Range<usize>> {
    let bytes: Vec<usize> = found.iter().flat_map(|r| [r.start, r.end]).collect();
    crate::domain::text::byte_to_cp_offsets(text, &bytes)
        .chunks(2)
        .map(|pair| pair[0]..pair[1])
        .collect()
}

/// A piece of a snippet: text, and whether it is a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// Whether a searched word.
    pub hit: bool,
}

/// Up to about `max_chars` characters of `text` around its first match, the matches marked;
/// `…` where text was left out.
pub fn snippet(text: &str, hits: &[std::ops::Range<usize>], max_chars: usize) -> Vec<SnippetPart> {
    // A text that fits the window is shown whole.
    let first = if text.chars().nth(max_chars).is_none() {
        0
    } else {
        hits.first().map_or(0, |h| h.start)
    };
    // Start a third of the window before the first match, at a word boundary.
    let lead = max_chars / 3;
    let mut from = text[..first]
        .char_indices()
        .rev()
        .nth(lead)
        .map_or(0, |(i, _)| i);
    if from > 0 {
        from = text[from..]
            .find(char::is_whitespace)
            .map_or(from, |w| from + w + 1)
            .min(first);
    }
    let mut to = text[from..]
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| from + i);
    if to < text.len() {
        to = text[..to]
            .rfind(char::is_whitespace)
            .filter(|&w| w > first)
            .unwrap_or(to);
    }
    let mut parts = Vec::new();
    let mut push = |t: &str, hit: bool| {
        if !t.is_empty() {
            parts.push(SnippetPart {
                text: t.to_owned(),
                hit,
            });
        }
    };
    if from > 0 {
        push("…", false);
    }
    let mut at = from;
    for hit in hits.iter().filter(|h| h.start >= from && h.end <= to) {
        push(&text[at..hit.start], false);
        push(&text[hit.clone()], true);
        at = hit.end;
    }
    push(text[at..to].trim_end(), false);
    if to < text.len() {
        push("…", false);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_follow_stems_prefixes_and_folded_accents() {
        let text = "Sanctioned firms evade sanctions; the Kremlin’s sanctioning régime, Pyongyang.";
        let q = SearchQuery::parse("sanction regime pyong*").unwrap();
        let found: Vec<&str> = matches(text, &q).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            vec![
                "Sanctioned",
                "sanctions",
                "sanctioning",
                "régime",
                "Pyongyang"
            ]
        );
        assert!(matches(text, &SearchQuery::parse("actor:RUS").unwrap()).is_empty());
        let text = "a Comprehensive Strategic Partnership, an all-round partnership; Russia–North Korea, North of Russia.";
        let phrase = |q: &str| -> Vec<String> {
            matches(text, &SearchQuery::parse(q).unwrap())
                .into_iter()
                .map(|r| text[r].to_owned())
                .collect()
        };
        assert_eq!(
            phrase("\"all-round partnership\""),
            vec!["all-round partnership"]
        );
        assert_eq!(phrase("Russia–North"), vec!["Russia–North"]);
        assert_eq!(phrase("partnership"), vec!["Partnership", "partnership"]);
        let flags = "🇺🇦 Moscow";
        let q = SearchQuery::parse("moscow").unwrap();
        assert_eq!(code_point_ranges(flags, &matches(flags, &q)), vec![3..9]);
    }

    #[test]
    fn snippets_show_the_first_match_in_context() {
        let text = format!(
            "{} Moscow signed. {}",
            "word ".repeat(100),
            "tail ".repeat(100)
        );
        let q = SearchQuery::parse("Moscow").unwrap();
        let parts = snippet(&text, &matches(&text, &q), 120);
        assert_eq!(parts.first().map(|p| p.text.as_str()), Some("…"));
        assert_eq!(parts.last().map(|p| p.text.as_str()), Some("…"));
        assert!(parts.iter().any(|p| p.hit && p.text == "Moscow"));
        let shown: usize = parts.iter().map(|p| p.text.chars().count()).sum();
        assert!(shown <= 125, "{shown}");
        let short = snippet("Moscow and Seoul.", &matches("Moscow and Seoul.", &q), 120);
        assert_eq!(
            short,
            vec![
                SnippetPart {
                    text: "Moscow".into(),
                    hit: true
                },
                SnippetPart {
                    text: " and Seoul.".into(),
                    hit: false
                },
            ]
        );
    }

    fn term(words: &[&str], prefix: bool) -> Term {
        Term {
            words: words.iter().map(|w| w.to_string()).collect(),
            prefix,
        }
    }

    #[test]
    fn words_phrases_or_exclusions_and_prefixes() {
        let q =
            SearchQuery::parse(r#"Moscow OR Kremlin "Security  Guarantees" -Beijing sanction*"#)
                .unwrap();
        assert_eq!(
            q.groups,
            vec![
                vec![term(&["moscow"], false), term(&["kremlin"], false)],
                vec![term(&["security", "guarantees"], false)],
                vec![term(&["sanction"], true)],
            ]
        );
        assert_eq!(q.excluded, vec![term(&["beijing"], false)]);
        assert_eq!(
            q.to_fts5(),
            r#"("moscow" OR "kremlin") AND ("security guarantees") AND ("sanction" *) NOT "beijing""#
        );
        assert_eq!(
            q.to_tsquery(),
            "(('moscow') | ('kremlin')) & (('security' <-> 'guarantees')) & (('sanction':*)) & !('beijing')"
        );
    }

    #[test]
    fn inner_punctuation_makes_parts_side_by_side() {
        for (typed, parts) in [
            ("multi-agent", vec!["multi", "agent"]),
            ("don't", vec!["don", "t"]),
            ("U.S.", vec!["u", "s"]),
            ("Pyongyang’s", vec!["pyongyang", "s"]),
            ("Ég-Þór", vec!["ég", "þór"]),
        ] {
            let q = SearchQuery::parse(typed).unwrap();
            let expected: Vec<&str> = parts;
            assert_eq!(q.groups, vec![vec![term(&expected, false)]], "{typed}");
        }
    }

    #[test]
    fn a_passage_is_marked_only_when_it_satisfies_the_search() {
        let q = SearchQuery::parse("Moscow sanctions -Kyiv").unwrap();
        assert_eq!(passage_matches("Moscow imposed sanctions.", &q).len(), 2);
        assert!(passage_matches("Moscow alone.", &q).is_empty());
        assert!(passage_matches("Moscow sanctions Kyiv.", &q).is_empty());
        let either = SearchQuery::parse("Moscow OR Kremlin").unwrap();
        assert_eq!(passage_matches("The Kremlin said.", &either).len(), 1);
    }

    #[test]
    fn filters_are_typed_and_checked() {
        let q = SearchQuery::parse(
            r#"actor:rus doc:russia-north-korea-chinese-views after:2024-06 before:2025-01-31 tag:"middle east" author:Alice motivation:Questioning status:orphan"#,
        )
        .unwrap();
        assert!(!q.has_words());
        assert_eq!(q.filters.actors, vec!["rus"]);
        assert_eq!(q.filters.tags, vec!["middle east"]);
        assert_eq!(q.filters.authors, vec!["alice"]);
        assert_eq!(q.filters.motivations, vec!["questioning"]);
        assert_eq!(q.filters.statuses, vec!["orphan"]);
        assert_eq!(q.filters.after.as_deref(), Some("2024-06"));
        assert!(q.filters.only_notes());
        let lower_or = SearchQuery::parse("Moscow or Kremlin").unwrap();
        assert_eq!(lower_or.groups.len(), 3);
        assert!(lower_or.hints[0].contains("write OR in capitals"));
        let capitalised = SearchQuery::parse("Actor:RUS TAG:x Moscow: talks").unwrap();
        assert_eq!(capitalised.filters.actors, vec!["rus"]);
        assert_eq!(capitalised.filters.tags, vec!["x"]);
        assert_eq!(capitalised.groups.len(), 2, "Moscow: stays a word");
        assert!(
            SearchQuery::parse("see https://example.org/x at 10:30")
                .unwrap()
                .filters
                == Filters::default(),
            "a URL and a time are words"
        );
    }

    #[test]
    fn what_cannot_run_says_what_to_fix() {
        for (typed, says) in [
            ("", "Type a word"),
            ("   ", "Type a word"),
            ("(", "Type a word"),
            ("* && ||", "Type a word"),
            ("\"", "not closed"),
            ("\"security guarantees", "not closed"),
            ("-Iran", "besides what to leave out"),
            ("OR Moscow", "between two words"),
            ("Moscow OR", "after it"),
            ("Moscow OR OR Kremlin", "between two words"),
            ("s*", "too short a prefix"),
            ("colour:red", "There is no colour: filter"),
            ("status:lost", "not a note status"),
            ("motivation:liking", "not a motivation"),
            ("after:June", "not a date"),
            ("before:2024-13", "not a date"),
            ("after:2024-02-30", "not a date"),
            ("before:2023-02-29", "not a date"),
            ("tag:", "needs a value"),
            ("-tag:x Moscow", "not a filter"),
        ] {
            let error = SearchQuery::parse(typed).unwrap_err().0;
            assert!(error.contains(says), "{typed:?}: {error}");
        }
        assert!(
            SearchQuery::parse(&"a".repeat(MAX_QUERY_CHARS + 1))
                .unwrap_err()
                .0
                .contains("longer than")
        );
        assert!(
            SearchQuery::parse(&"word ".repeat(MAX_TERMS + 1))
                .unwrap_err()
                .0
                .contains("more than")
        );
    }

    #[test]
    fn operators_a_person_types_by_habit_are_understood() {
        let q = SearchQuery::parse("Moscow AND NOT Beijing").unwrap();
        assert_eq!(q.groups, vec![vec![term(&["moscow"], false)]]);
        assert_eq!(q.excluded, vec![term(&["beijing"], false)]);
        assert_eq!(
            SearchQuery::parse("multi-agent AND").unwrap().groups.len(),
            1
        );
    }

    proptest::proptest! {
        #[test]
        fn any_input_parses_or_says_why_and_compiles_to_letters_digits_and_our_operators(
            input in "\\PC{0,80}"
        ) {
            if let Ok(q) = SearchQuery::parse(&input) {
                for compiled in [q.to_fts5(), q.to_tsquery()] {
                    for c in compiled.chars() {
                        proptest::prop_assert!(
                            c.is_alphanumeric() || " ()\"*'|&!<->:".contains(c),
                            "{:?} compiled to {:?}", input, compiled
                        );
                    }
                }
            }
        }
    }
}
