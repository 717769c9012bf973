//! Voices: whose view each sentence gives, found by transparent rules over the gazetteer.
//!
//! An attribution is a reporting cue ("argue", "according to", "it is noted"), its source
//! (the phrase that speaks: "Chinese observers", "The Chinese Foreign Ministry", "Moscow")
//! and the sentence it reports. A source resolves to a *voice*: a label, the actor it belongs
//! to and whether it speaks officially. No parser is used: cues come from a lexicon of
//! reporting words in their forms, sources from positional rules over closed word classes,
//! and actors from the gazetteer's mentions. A source that names neither a voice noun
//! ("analysts", "ministry") nor an actor makes no claim: a voice is never guessed.
//!
//! How each claim was found is kept, with a confidence:
//! - *explicit*: a cue with its own source in the sentence;
//! - *pronoun*: a cue whose source is "they", "he" or "it", standing for a voice named just
//!   before in the paragraph;
//! - *agentless*: "it is noted that", "China is argued to be", "there are concerns whether",
//!   given to the voice that speaks in the paragraph;
//! - *implicit*: no cue, but the sentence goes on with the view just reported (it opens with
//!   "Further", "Likewise" …, or reasons in the reported mode: "could", "is likely to"),
//!   within three sentences of it in the same paragraph.
//!
//! A bare group ("Analysts posit", "some analysts") takes the actor of the nearest earlier
//! group of the same standing that a text qualifies ("Chinese media", "Commentators in the
//! West"). Negated or withheld cues ("has not commented", "refrained from expressing") and
//! the author's own voice ("we", "It is noteworthy that") make no claim.

pub mod corrections;
mod cues;
pub mod lexicon;
mod speakers;
mod tokens;

use std::ops::Range;

use super::actors::{ActorKind, Gazetteer, Mention};
use cues::{Cue, Cues, find_cues};
use lexicon::{Standing, Strength};
use speakers::{Earlier, Kind, Qualified, Speaker, qualifier, speaker, voice_of};
use tokens::{Token, tokenize};

/// How a claim's voice was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attribution {
    /// A cue with its source in the same sentence.
    Explicit,
    /// A cue whose source is a pronoun for a voice named just before.
    Pronoun,
    /// A cue with no source ("it is noted that"), given to the voice speaking.
    Agentless,
    /// No cue: the sentence goes on with the view reported just before.
    Implicit,
    /// An analyst gave the sentence this voice (see [`corrections`]).
    Analyst,
}

impl Attribution {
    /// Stable lowercase name, as stored and served.
    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Explicit => "explicit",
            Attribution::Pronoun => "pronoun",
            Attribution::Agentless => "agentless",
            Attribution::Implicit => "implicit",
            Attribution::Analyst => "analyst",
        }
    }

    /// The attribution a stored name stands for.
    pub fn parse(name: &str) -> Option<Attribution> {
        [
            Attribution::Explicit,
            Attribution::Pronoun,
            Attribution::Agentless,
            Attribution::Implicit,
            Attribution::Analyst,
        ]
        .into_iter()
        .find(|a| a.as_str() == name)
    }

    /// Whether the voice was carried from another sentence rather than named in this one.
    pub fn is_carried(self) -> bool {
        matches!(
            self,
            Attribution::Pronoun | Attribution::Agentless | Attribution::Implicit
        )
    }
}

/// Someone whose view a text reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voice {
    /// Stable id from the actor and the kind of speaker: `chn-analysts`,
    /// `chn-foreign-ministry`, `rus`, `vladimir-putin`.
    pub id: String,
    /// How the page names it: "Chinese analysts", "Chinese Foreign Ministry", "Russia".
    pub label: String,
    /// The actor it belongs to (a person's affiliation), if the text says.
    pub actor: Option<String>,
    /// Whether it speaks for a government: ministries, leaders, officials, states named as
    /// speakers. Analysts, commentators, observers and media are unofficial.
    pub official: bool,
}

/// Words of a paragraph at code points `start..end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The words.
    pub text: String,
}

/// A sentence that gives a voice's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The block it is in (0-based).
    pub paragraph: usize,
    /// The sentence, in code points of the block.
    pub sentence: Range<usize>,
    /// The reporting words, if the sentence has them.
    pub cue: Option<Span>,
    /// The words naming who speaks, if the sentence has them.
    pub source: Option<Span>,
    /// The voice's id.
    pub voice: String,
    /// How the voice was found.
    pub attribution: Attribution,
    /// How sure the rule is, in percent.
    pub confidence: u8,
    /// The rule that made it, for explaining it ("subject", "according-to", "carried" …).
    pub rule: String,
    /// The analyst's correction that confirms or gives this voice, if any.
    pub correction: Option<ClaimCorrection>,
}

/// Who corrected a claim, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCorrection {
    /// The correction's id.
    pub id: String,
    /// The analyst who made it.
    pub by: String,
    /// Confirmed, reassigned or added.
    pub outcome: corrections::Outcome,
    /// The voice the rules gave the sentence, when they gave another.
    pub rule_voice: Option<String>,
}

impl ClaimCorrection {
    /// What the analyst did, in words: "reassigned by alice (the rules said Russia)".
    pub fn describe(&self) -> String {
        let by = &self.by;
        match (self.outcome, &self.rule_voice) {
            (corrections::Outcome::Confirmed, _) => format!("confirmed by {by}"),
            (corrections::Outcome::Reassigned, Some(rule)) => {
                format!("reassigned by {by} (the rules said {rule})")
            }
            _ => format!("given by {by} (the rules found no voice)"),
        }
    }
}

/// A document's voices and the sentences they speak in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Voices {
    /// Each voice once, in order of first claim.
    pub voices: Vec<Voice>,
    /// Claims in text order, at most one a sentence.
    pub claims: Vec<Claim>,
}

/// A block as attribution reads it.
#[derive(Debug, Clone, Copy)]
pub struct Paragraph<'a> {
    /// Its plain text.
    pub text: &'a str,
    /// Its sentences, in code points.
    pub sentences: &'a [Range<usize>],
    /// The actors it names.
    pub mentions: &'a [Mention],
}

/// The voices of a document and the sentences they speak in.
pub fn attribute(paragraphs: &[Paragraph<'_>], gazetteer: &Gazetteer) -> Voices {
    let tokenized: Vec<Vec<Vec<Token>>> = paragraphs
        .iter()
        .map(|p| {
            let chars: Vec<char> = p.text.chars().collect();
            p.sentences
                .iter()
                .map(|s| tokenize(&chars, s.clone(), p.mentions))
                .collect()
        })
        .collect();
    let qualified: Vec<Qualified> = tokenized
        .iter()
        .enumerate()
        .flat_map(|(paragraph, sentences)| {
            sentences.iter().flat_map(move |tokens| {
                tokens.iter().enumerate().filter_map(move |(i, token)| {
                    let (_, standing) = lexicon::voice_noun(&token.text)?;
                    let actor = qualifier(tokens, i, gazetteer)?;
                    Some(Qualified {
                        paragraph,
                        at: token.start,
                        standing,
                        actor,
                    })
                })
            })
        })
        .collect();
    let states = paragraphs
        .iter()
        .enumerate()
        .flat_map(|(paragraph, p)| {
            p.mentions.iter().filter_map(move |m| {
                let actor = gazetteer.get(&m.actor_id)?;
                (actor.kind == ActorKind::State).then(|| (paragraph, m.start, actor.id.clone()))
            })
        })
        .collect();
    let earlier = Earlier { qualified, states };

    let mut out = Voices::default();
    let mut last_voice: Option<(usize, Kind)> = None;
    for (paragraph, sentences) in tokenized.iter().enumerate() {
        let mut speaking = Speaking::default();
        let carried_in = last_voice.take();
        for (index, tokens) in sentences.iter().enumerate() {
            let sentence = paragraphs[paragraph].sentences[index].clone();
            let author = is_author(tokens);
            let Cues {
                sourced,
                agentless,
                withheld,
            } = find_cues(tokens);
            let made = sourced
                .into_iter()
                .find_map(|cue| {
                    sourced_claim(
                        cue, tokens, paragraph, index, &speaking, carried_in, &earlier, gazetteer,
                        &mut out,
                    )
                })
                .or_else(|| {
                    let Cue::Agentless { cue, rule } = agentless.filter(|_| !author)? else {
                        return None;
                    };
                    speaking.latest(index).map(|(voice, kind)| {
                        (
                            voice,
                            kind,
                            Attribution::Agentless,
                            60,
                            cue,
                            None,
                            rule.to_owned(),
                        )
                    })
                });
            match made {
                Some((voice, kind, attribution, confidence, cue, source, rule)) => {
                    out.claims.push(Claim {
                        paragraph,
                        sentence: sentence.clone(),
                        cue: cue_span(paragraphs[paragraph].text, tokens, Some(cue)),
                        source: source
                            .and_then(|s| cue_span(paragraphs[paragraph].text, tokens, Some(s))),
                        voice: out.voices[voice].id.clone(),
                        attribution,
                        confidence,
                        rule,
                        correction: None,
                    });
                    speaking.voice = Some((voice, kind));
                    speaking.since = index;
                    speaking.open = true;
                }
                None if author
                    || withheld
                    || starts_with(tokens, lexicon::PIVOTS)
                    || names_a_group(tokens) =>
                {
                    speaking.open = false;
                }
                None => {
                    let distance = index.saturating_sub(speaking.since);
                    if let Some((voice, _)) = speaking.voice.filter(|_| speaking.open)
                        && (1..=3).contains(&distance)
                        && continues(tokens)
                    {
                        out.claims.push(Claim {
                            paragraph,
                            sentence: sentence.clone(),
                            cue: None,
                            source: None,
                            voice: out.voices[voice].id.clone(),
                            attribution: Attribution::Implicit,
                            confidence: 55 - 10 * (distance as u8 - 1),
                            rule: "carried".to_owned(),
                            correction: None,
                        });
                    } else {
                        speaking.open = false;
                    }
                }
            }
        }
        last_voice = speaking.voice;
    }
    out
}

/// What a claim is made of before it is placed: the voice's index and kind, how it was
/// found, its confidence, the cue and source token ranges, and the rule.
type Made = (
    usize,
    Kind,
    Attribution,
    u8,
    Range<usize>,
    Option<Range<usize>>,
    String,
);

/// The claim a cue with a source phrase makes, if its source is a voice.
#[allow(clippy::too_many_arguments)]
fn sourced_claim(
    cue: Cue,
    tokens: &[Token],
    paragraph: usize,
    index: usize,
    speaking: &Speaking,
    carried_in: Option<(usize, Kind)>,
    earlier: &Earlier,
    gazetteer: &Gazetteer,
    out: &mut Voices,
) -> Option<Made> {
    let Cue::Sourced {
        cue,
        source,
        strength,
        framed,
        rule,
    } = cue
    else {
        return None;
    };
    let speaker = speaker(&tokens[source.clone()], gazetteer)?;
    let allowed = match &speaker {
        Speaker::Group { .. } => true,
        Speaker::Actor { id, .. } => {
            strength == Strength::Strong
                || framed
                || gazetteer
                    .get(id)
                    .is_some_and(|a| a.kind == ActorKind::Person)
        }
        Speaker::Pronoun(_) => strength == Strength::Strong || framed,
        Speaker::Author => false,
    };
    if !allowed {
        return None;
    }
    if let Speaker::Pronoun(pronoun) = speaker {
        let earlier = speaking
            .latest(index)
            .or_else(|| carried_in.filter(|_| speaking.voice.is_none() && index == 0));
        return earlier
            .filter(|(_, kind)| kind.agrees(pronoun))
            .map(|(voice, kind)| {
                (
                    voice,
                    kind,
                    Attribution::Pronoun,
                    75,
                    cue,
                    Some(source),
                    rule.to_owned(),
                )
            });
    }
    let at = tokens[source.start].start;
    let (voice, kind, inherited) = voice_of(&speaker, paragraph, at, earlier, gazetteer)?;
    let voice = out.voice_index(voice);
    let confidence = match (strength, inherited) {
        (Strength::Strong, false) => 90,
        (Strength::Weak, false) | (Strength::Strong, true) => 80,
        (Strength::Weak, true) => 70,
    };
    // The rule says when the actor came from an earlier group, so the page can say so.
    let rule = if inherited {
        format!("{rule}, actor from an earlier group")
    } else {
        rule.to_owned()
    };
    Some((
        voice,
        kind,
        Attribution::Explicit,
        confidence,
        cue,
        Some(source),
        rule,
    ))
}

/// The voice speaking in a paragraph so far.
#[derive(Default)]
struct Speaking {
    voice: Option<(usize, Kind)>,
    since: usize,
    open: bool,
}

impl Speaking {
    /// The voice a pronoun or an agentless cue in sentence `index` may stand for: one named
    /// in the last three sentences, with no author's sentence or turn since.
    fn latest(&self, index: usize) -> Option<(usize, Kind)> {
        self.voice
            .filter(|_| self.open && index.saturating_sub(self.since) <= 3)
    }
}

impl Voices {
    /// The index of `voice`, adding it the first time.
    fn voice_index(&mut self, voice: Voice) -> usize {
        match self.voices.iter().position(|v| v.id == voice.id) {
            Some(index) => index,
            None => {
                self.voices.push(voice);
                self.voices.len() - 1
            }
        }
    }

    /// The voice with `id`.
    pub fn voice(&self, id: &str) -> Option<&Voice> {
        self.voices.iter().find(|v| v.id == id)
    }
}

fn cue_span(text: &str, tokens: &[Token], range: Option<Range<usize>>) -> Option<Span> {
    let range = range.filter(|r| !r.is_empty())?;
    let start = tokens[range.start].start;
    let end = tokens[range.end - 1].end;
    Some(Span {
        start,
        end,
        text: text.chars().skip(start).take(end - start).collect(),
    })
}

/// Whether the author speaks in a sentence: "we", "our", or "It is noteworthy that".
fn is_author(tokens: &[Token]) -> bool {
    let words: Vec<&Token> = tokens.iter().filter(|t| t.word && !t.quoted).collect();
    let first_person = words.iter().any(|t| {
        t.text == "I" || (lexicon::AUTHOR_WORDS.contains(&t.lower.as_str()) && t.text != "US")
    });
    let stance = words.len() >= 3
        && words[0].lower == "it"
        && words[1].lower == "is"
        && words[2..words.len().min(5)]
            .iter()
            .any(|t| lexicon::AUTHOR_STANCES.contains(&t.lower.as_str()));
    first_person || stance
}

fn starts_with(tokens: &[Token], words: &[&str]) -> bool {
    tokens
        .iter()
        .find(|t| t.word)
        .is_some_and(|t| words.contains(&t.lower.as_str()))
}

/// Whether a sentence without a cue brings in a group of speakers of its own ("Discussions in
/// Chinese media … offer … interpretation by analysts"): it sets up a new voice rather than
/// going on with the last one.
fn names_a_group(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| {
        lexicon::voice_noun(&t.text).is_some_and(|(_, standing)| standing == Standing::Unofficial)
    })
}

/// Whether a sentence reads as the reported view going on: it opens with a continuation
/// ("Further", "Likewise", "For instance"), or reasons in the reported mode ("could", "is
/// likely to"), or speaks of "the two countries" or "this cooperation" as the view did.
fn continues(tokens: &[Token]) -> bool {
    let words: Vec<&Token> = tokens.iter().filter(|t| t.word).collect();
    let opens = words
        .first()
        .is_some_and(|t| lexicon::CONTINUATIONS.contains(&t.lower.as_str()))
        || (words.len() >= 2 && words[0].lower == "for" && words[1].lower == "instance")
        || (words.len() >= 2 && words[0].lower == "even" && words[1].lower == "so");
    let modal = words
        .iter()
        .any(|t| lexicon::CONTINUATION_MARKERS.contains(&t.lower.as_str()));
    let about_the_view = words.windows(2).any(|w| {
        matches!(w[0].lower.as_str(), "this" | "these" | "such" | "those")
            && (lexicon::VIEW_NOUNS.contains(&w[1].lower.as_str())
                || lexicon::AGENTLESS_NOUNS.contains(&w[1].lower.as_str())
                || matches!(w[1].lower.as_str(), "arguments" | "views" | "assessments"))
    });
    if about_the_view {
        return false;
    }
    let anaphor = words.windows(2).any(|w| {
        (w[0].lower == "the" && w[1].lower == "two")
            || (matches!(w[0].lower.as_str(), "this" | "these" | "such")
                && !w[1].possessive
                && !lexicon::TIME_NOUNS.contains(&w[1].lower.as_str()))
    });
    opens || modal || anaphor
}

#[cfg(test)]
mod tests;
