//! How a document names its actors, summed at import so that corpus-wide pages add up small
//! rows instead of scanning every mention: each actor's mentions, sentences and forms, and,
//! for each pair of actors named together, the sentences that name both and the paragraphs
//! that name both. A sentence naming Russia three times and China once counts
//! once for the pair, not three times: the question is how often they are spoken of
//! together, not how many names stand near each other.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::actors::Mention;
use super::sentences::sentence_at;

/// Two actors named together, the lesser id first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pair {
    /// The actor whose id sorts first.
    pub a: String,
    /// The other.
    pub b: String,
    /// Sentences naming both.
    pub sentences: usize,
    /// Paragraphs naming both.
    pub paragraphs: usize,
}

/// The pairs of actors named together in a document whose paragraphs have `mentions` and
/// `sentences` (one list each per paragraph), ordered by the pair's ids.
pub fn pairs(mentions: &[Vec<Mention>], sentences: &[Vec<Range<usize>>]) -> Vec<Pair> {
    let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for (found, bounds) in mentions.iter().zip(sentences) {
        let in_paragraph: BTreeSet<&str> = found.iter().map(|m| m.actor_id.as_str()).collect();
        for (a, b) in each_pair(&in_paragraph) {
            counts.entry((a, b)).or_default().1 += 1;
        }
        let mut by_sentence: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
        for m in found {
            if let Some(index) = sentence_at(bounds, m.start) {
                by_sentence
                    .entry(index)
                    .or_default()
                    .insert(m.actor_id.as_str());
            }
        }
        for actors in by_sentence.values() {
            for (a, b) in each_pair(actors) {
                counts.entry((a, b)).or_default().0 += 1;
            }
        }
    }
    counts
        .into_iter()
        .map(|((a, b), (sentences, paragraphs))| Pair {
            a: a.to_owned(),
            b: b.to_owned(),
            sentences,
            paragraphs,
        })
        .collect()
}

/// How often a document names one actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The actor.
    pub actor_id: String,
    /// Its mentions.
    pub mentions: usize,
    /// Sentences naming it.
    pub sentences: usize,
    /// Each form it is named by ("Moscow"), with its mentions, in the forms' order.
    pub forms: Vec<(String, usize)>,
}

/// One actor's mentions, the (paragraph, sentence) pairs naming it, and its forms, as counted.
#[derive(Default)]
struct Counting<'a> {
    mentions: usize,
    sentences: BTreeSet<(usize, usize)>,
    forms: BTreeMap<&'a str, usize>,
}

/// The tally of every actor a document names, ordered by actor id.
pub fn tallies(mentions: &[Vec<Mention>], sentences: &[Vec<Range<usize>>]) -> Vec<Tally> {
    let mut by_actor: BTreeMap<&str, Counting> = BTreeMap::new();
    for (paragraph, (found, bounds)) in mentions.iter().zip(sentences).enumerate() {
        for m in found {
            let entry = by_actor.entry(m.actor_id.as_str()).or_default();
            entry.mentions += 1;
            entry
                .sentences
                .insert((paragraph, sentence_at(bounds, m.start).unwrap_or(0)));
            *entry.forms.entry(m.matched.as_str()).or_default() += 1;
        }
    }
    by_actor
        .into_iter()
        .map(|(actor_id, counted)| Tally {
            actor_id: actor_id.to_owned(),
            mentions: counted.mentions,
            sentences: counted.sentences.len(),
            forms: counted
                .forms
                .into_iter()
                .map(|(f, n)| (f.to_owned(), n))
                .collect(),
        })
        .collect()
}

fn each_pair<'a>(actors: &BTreeSet<&'a str>) -> Vec<(&'a str, &'a str)> {
    let actors: Vec<&str> = actors.iter().copied().collect();
    let mut found = Vec::new();
    for (i, a) in actors.iter().enumerate() {
        for b in &actors[i + 1..] {
            found.push((*a, *b));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sentences::split;

    fn mention(text: &str, name: &str, actor: &str, nth: usize) -> Mention {
        let byte = text.match_indices(name).nth(nth).expect("in text").0;
        let start = text[..byte].chars().count();
        Mention {
            start,
            end: start + name.chars().count(),
            actor_id: actor.into(),
            matched: name.into(),
        }
    }

    #[test]
    fn a_pair_counts_once_per_sentence_and_once_per_paragraph() {
        let first =
            "Russia and China met; Russia spoke twice of Russia. China left. Pyongyang waited.";
        let second = "Moscow alone. Beijing alone.";
        let mentions = vec![
            vec![
                mention(first, "Russia", "RUS", 0),
                mention(first, "China", "CHN", 0),
                mention(first, "Russia", "RUS", 1),
                mention(first, "Russia", "RUS", 2),
                mention(first, "China", "CHN", 1),
                mention(first, "Pyongyang", "PRK", 0),
            ],
            vec![
                mention(second, "Moscow", "RUS", 0),
                mention(second, "Beijing", "CHN", 0),
            ],
        ];
        let sentences = vec![split(first), split(second)];
        let found = pairs(&mentions, &sentences);
        let summary: Vec<(&str, &str, usize, usize)> = found
            .iter()
            .map(|p| (p.a.as_str(), p.b.as_str(), p.sentences, p.paragraphs))
            .collect();
        assert_eq!(
            summary,
            [
                ("CHN", "PRK", 0, 1),
                ("CHN", "RUS", 1, 2),
                ("PRK", "RUS", 0, 1)
            ]
        );
    }

    #[test]
    fn a_tally_counts_mentions_sentences_and_forms() {
        let text = "Moscow and Russia. Russia again. China.";
        let mentions = vec![vec![
            mention(text, "Moscow", "RUS", 0),
            mention(text, "Russia", "RUS", 0),
            mention(text, "Russia", "RUS", 1),
            mention(text, "China", "CHN", 0),
        ]];
        let found = tallies(&mentions, &[split(text)]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].actor_id, "RUS");
        assert_eq!((found[1].mentions, found[1].sentences), (3, 2));
        assert_eq!(
            found[1].forms,
            [("Moscow".to_owned(), 1), ("Russia".to_owned(), 2)]
        );
    }

    #[test]
    fn an_actor_alone_makes_no_pair() {
        let text = "Russia, Russia, Russia.";
        let mentions = vec![vec![
            mention(text, "Russia", "RUS", 0),
            mention(text, "Russia", "RUS", 1),
        ]];
        assert!(pairs(&mentions, &[split(text)]).is_empty());
    }
}
