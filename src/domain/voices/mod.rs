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

pub mod lexicon;
mod tokens;

use std::ops::Range;

use super::actors::{ActorKind, Gazetteer, Mention};
use lexicon::{Pronoun, Standing, Strength};
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
}

impl Attribution {
    /// Stable lowercase name, as stored and served.
    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Explicit => "explicit",
            Attribution::Pronoun => "pronoun",
            Attribution::Agentless => "agentless",
            Attribution::Implicit => "implicit",
        }
    }

    /// The attribution a stored name stands for.
    pub fn parse(name: &str) -> Option<Attribution> {
        [
            Attribution::Explicit,
            Attribution::Pronoun,
            Attribution::Agentless,
            Attribution::Implicit,
        ]
        .into_iter()
        .find(|a| a.as_str() == name)
    }

    /// Whether the voice was carried from another sentence rather than named in this one.
    pub fn is_carried(self) -> bool {
        self != Attribution::Explicit
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

/// Who a source phrase is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Speaker {
    /// A kind of speaker ("analysts", "ministry"), possibly qualified by an actor.
    Group {
        group: &'static str,
        standing: Standing,
        actor: Option<String>,
        out_of_office: bool,
        /// The label's words as the source gives them, for official bodies.
        words: String,
        /// The body's own name, when the source names one ("Joint Chiefs of Staff", "KCNA").
        name: Option<String>,
        /// Said to be the state's ("state media", "the state news agency").
        state_run: bool,
        /// Whether the actor comes from a mention inside the source phrase.
        actor_in_phrase: bool,
        /// Qualified by a name the gazetteer does not know ("European diplomats"), so not a
        /// bare group that takes an earlier group's actor.
        named_qualifier: bool,
    },
    /// An actor of the gazetteer speaking itself ("Moscow", "President Vladimir Putin").
    Actor { id: String, matched: String },
    /// A pronoun standing for a voice named before.
    Pronoun(Pronoun),
    /// The author.
    Author,
}

/// What a sentence's cue says about its source.
enum Cue {
    /// A cue with a source phrase in the sentence.
    Sourced {
        cue: Range<usize>,
        source: Range<usize>,
        strength: Strength,
        framed: bool,
        rule: &'static str,
    },
    /// A cue with no source ("it is noted that").
    Agentless {
        cue: Range<usize>,
        rule: &'static str,
    },
}

/// A voice noun that the text qualifies by an actor, for bare groups to take theirs from.
struct Qualified {
    paragraph: usize,
    at: usize,
    standing: Standing,
    actor: String,
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
                        (voice, kind, Attribution::Agentless, 60, cue, None, rule)
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
                        rule: rule.to_owned(),
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
    &'static str,
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
                    rule,
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

/// What a pronoun needs of the voice it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Group,
    Person,
    Body,
}

impl Kind {
    fn agrees(self, pronoun: Pronoun) -> bool {
        matches!(
            (self, pronoun),
            (Kind::Group, Pronoun::Plural)
                | (Kind::Person, Pronoun::Person)
                | (Kind::Body, Pronoun::Body)
        )
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

/// The cues of a sentence outside quotation marks.
fn find_cues(tokens: &[Token]) -> Cues {
    let mut sourced = Vec::new();
    let mut agentless = None;
    let mut withheld_cue = false;
    let mut inside_withheld = false;
    for (i, token) in tokens.iter().enumerate() {
        if token.is(",") || token.is(";") {
            inside_withheld = false;
        }
        if !token.word || token.quoted || inside_withheld {
            continue;
        }
        if let Some(found) = according_to(tokens, i).or_else(|| in_view_of(tokens, i)) {
            sourced.push(found);
            continue;
        }
        if let Some(found) = possessed_view(tokens, i) {
            sourced.push(found);
            continue;
        }
        if agentless.is_none() {
            agentless = there_are(tokens, i).or_else(|| adverb(tokens, i));
        }
        let Some(form) = lexicon::cue_form(&token.lower) else {
            // Participles that report only in the passive ("is deemed to be", "it is
            // flagged that") are not verbs of the lexicon.
            if agentless.is_none() && lexicon::is_passive_cue(&token.lower) {
                let group = verb_group_start(tokens, i);
                if is_passive(&tokens[group..i]) && !tokens[group..i].iter().any(|t| t.negates()) {
                    agentless = Some(Cue::Agentless {
                        cue: group..i + 1,
                        rule: "passive",
                    });
                }
            }
            continue;
        };
        if token.capitalised_mid_sentence(i) || determined(tokens, i) {
            continue;
        }
        let next = tokens.get(i + 1).map(|t| t.lower.as_str());
        if form.lemma == "point" && next != Some("out") {
            continue;
        }
        let group = verb_group_start(tokens, i);
        if tokens[group..i].iter().any(|t| t.negates()) || withheld(tokens, group) {
            // What follows, to the clause's end, is what the voice did not say: no cue in it
            // reports anyone.
            withheld_cue = true;
            inside_withheld = true;
            continue;
        }
        // A modal before the cue's base form speaks of what someone might say, not of what
        // they said ("would respond", "could argue").
        if tokens[group..i]
            .iter()
            .any(|t| lexicon::MODALS.contains(&t.lower.as_str()))
            && token.lower == form.lemma
        {
            continue;
        }
        if i > 0 && tokens[i - 1].lower == "to" && group == i && !form.participle {
            continue;
        }
        if is_passive(&tokens[group..i]) {
            if next == Some("by") {
                let agent = phrase_after(tokens, i + 2);
                if !agent.is_empty() {
                    sourced.push(Cue::Sourced {
                        cue: group..i + 2,
                        source: agent,
                        strength: form.strength,
                        framed: true,
                        rule: "passive-by",
                    });
                    continue;
                }
            }
            if agentless.is_none() && lexicon::is_passive_cue(&token.lower) {
                agentless = Some(Cue::Agentless {
                    cue: group..i + 1,
                    rule: "passive",
                });
            }
            continue;
        }
        let framed = frames(tokens, i);
        if form.participle {
            if i > 0 && tokens[i - 1].is(",") {
                let subject = main_subject(tokens);
                if !subject.is_empty() {
                    sourced.push(Cue::Sourced {
                        cue: i..i + 1,
                        source: subject,
                        strength: form.strength,
                        framed: true,
                        rule: "participial",
                    });
                    continue;
                }
            }
            continue;
        }
        let (subject, as_clause) = subject_before(tokens, group);
        // A cue in a relative clause ("drills, which North Korea calls rehearsals") is nested
        // in the sentence's own statement.
        if subject.start > 0
            && matches!(
                tokens[subject.start - 1].lower.as_str(),
                "which" | "who" | "whom"
            )
        {
            continue;
        }
        if !subject.is_empty() {
            sourced.push(Cue::Sourced {
                cue: group..i + 1 + usize::from(form.lemma == "point"),
                source: subject,
                strength: form.strength,
                framed: framed || as_clause,
                rule: if as_clause { "as-clause" } else { "subject" },
            });
            continue;
        }
        if group > 0 && (tokens[group - 1].is(",") || tokens[group - 1].is("”")) {
            let inverted = with_appositive(tokens, phrase_after(tokens, i + 1));
            if !inverted.is_empty() {
                sourced.push(Cue::Sourced {
                    cue: group..i + 1,
                    source: inverted,
                    strength: form.strength,
                    framed: true,
                    rule: "inverted",
                });
                continue;
            }
        }
    }
    Cues {
        sourced,
        agentless,
        withheld: withheld_cue,
    }
}

/// The cues of a sentence.
struct Cues {
    /// Cues with a source phrase, in text order.
    sourced: Vec<Cue>,
    /// The first cue with none.
    agentless: Option<Cue>,
    /// Whether a cue is negated or withheld ("did not say", "declined to comment"): the
    /// sentence says a voice did not speak, so no view carries into it.
    withheld: bool,
}

/// Whether a verb group makes its participle passive ("is", "has been", "are also").
fn is_passive(group: &[Token]) -> bool {
    group.iter().any(|t| {
        matches!(
            t.lower.as_str(),
            "is" | "are" | "was" | "were" | "been" | "be"
        )
    })
}

/// "according to NP".
fn according_to(tokens: &[Token], i: usize) -> Option<Cue> {
    if tokens[i].lower != "according" || tokens.get(i + 1)?.lower != "to" {
        return None;
    }
    let source = phrase_after(tokens, i + 2);
    (!source.is_empty()).then_some(Cue::Sourced {
        cue: i..i + 2,
        source,
        strength: Strength::Strong,
        framed: true,
        rule: "according-to",
    })
}

/// "in NP's view", "in the view of NP", "in the eyes of NP".
fn in_view_of(tokens: &[Token], i: usize) -> Option<Cue> {
    if tokens[i].lower != "in" {
        return None;
    }
    let view = (i + 1..tokens.len().min(i + 8))
        .take_while(|&j| tokens[j].word)
        .find(|&j| lexicon::VIEW_NOUNS.contains(&tokens[j].lower.as_str()))?;
    if tokens.get(view + 1).is_some_and(|t| t.lower == "of") {
        let source = phrase_after(tokens, view + 2);
        return (!source.is_empty()).then_some(Cue::Sourced {
            cue: i..view + 2,
            source,
            strength: Strength::Strong,
            framed: true,
            rule: "in-view-of",
        });
    }
    let possessor = tokens[i + 1..view].iter().rposition(|t| t.possessive)? + i + 1;
    Some(Cue::Sourced {
        cue: i..view + 1,
        source: i + 1..possessor + 1,
        strength: Strength::Strong,
        framed: true,
        rule: "in-view-of",
    })
}

/// "NP's view is that …".
fn possessed_view(tokens: &[Token], i: usize) -> Option<Cue> {
    if !tokens[i].possessive {
        return None;
    }
    let view = i + 1;
    let noun = tokens.get(view)?;
    if !lexicon::VIEW_NOUNS.contains(&noun.lower.as_str())
        || !matches!(tokens.get(view + 1)?.lower.as_str(), "is" | "was")
        || tokens.get(view + 2)?.lower != "that"
    {
        return None;
    }
    let (subject, _) = subject_before(tokens, i + 1);
    (!subject.is_empty()).then_some(Cue::Sourced {
        cue: view..view + 3,
        source: subject,
        strength: Strength::Strong,
        framed: true,
        rule: "view-is-that",
    })
}

/// "there are concerns that/whether …".
fn there_are(tokens: &[Token], i: usize) -> Option<Cue> {
    if tokens[i].lower != "there"
        || !matches!(
            tokens.get(i + 1)?.lower.as_str(),
            "is" | "are" | "was" | "were"
        )
    {
        return None;
    }
    let noun = (i + 2..tokens.len().min(i + 5))
        .find(|&j| lexicon::AGENTLESS_NOUNS.contains(&tokens[j].lower.as_str()))?;
    Some(Cue::Agentless {
        cue: i..noun + 1,
        rule: "there-are",
    })
}

/// "reportedly", "allegedly".
fn adverb(tokens: &[Token], i: usize) -> Option<Cue> {
    matches!(
        tokens[i].lower.as_str(),
        "reportedly" | "allegedly" | "purportedly" | "supposedly"
    )
    .then_some(Cue::Agentless {
        cue: i..i + 1,
        rule: "adverb",
    })
}

/// Whether a determiner or possessive before the word makes it a noun ("the report", "their
/// view", "China's claims").
fn determined(tokens: &[Token], i: usize) -> bool {
    i > 0 && {
        let before = &tokens[i - 1];
        before.possessive
            || matches!(
                before.lower.as_str(),
                "the"
                    | "a"
                    | "an"
                    | "their"
                    | "its"
                    | "his"
                    | "her"
                    | "our"
                    | "this"
                    | "that"
                    | "these"
                    | "those"
                    | "such"
                    | "no"
                    | "any"
                    | "official"
                    | "public"
            )
    }
}

/// Whether a cue is withheld by the verb before it ("refrained from expressing").
fn withheld(tokens: &[Token], group: usize) -> bool {
    group >= 2
        && matches!(tokens[group - 1].lower.as_str(), "from" | "to")
        && lexicon::WITHHOLDING.contains(&tokens[group - 2].lower.as_str())
}

/// The first token of the verb group that ends with the cue at `i`.
fn verb_group_start(tokens: &[Token], i: usize) -> usize {
    let mut group = i;
    while group > 0 {
        let before = &tokens[group - 1];
        if before.word
            && (lexicon::VERB_GROUP.contains(&before.lower.as_str()) || before.negates())
            && !(before.lower == "however" && group >= 2 && tokens[group - 2].is(","))
        {
            group -= 1;
        } else {
            break;
        }
    }
    group
}

/// Whether what follows the cue frames it as reporting: a that-clause, a colon, a comma, a
/// "to" of a belief ("believed to be"), or the end of the sentence ("…, officials said.").
fn frames(tokens: &[Token], i: usize) -> bool {
    let mut next = i + 1;
    if tokens.get(next).is_some_and(|t| t.lower == "out") {
        next += 1;
    }
    match tokens.get(next) {
        None => true,
        Some(t) => matches!(
            t.lower.as_str(),
            "that" | ":" | "," | "." | "—" | "“" | "\""
        ),
    }
}

/// The words before a verb group that make its subject, back to a clause boundary, without a
/// prepositional phrase that names no one; and whether an "as" clause opens it ("As
/// observers note, …").
fn subject_before(tokens: &[Token], group: usize) -> (Range<usize>, bool) {
    // A parenthetical between subject and verb is stepped over ("Former diplomats, however,
    // fear …").
    let mut end = group;
    if group >= 3 && tokens[group - 1].is(",") {
        let opening = (group.saturating_sub(5)..group - 1)
            .rev()
            .find(|&j| tokens[j].is(","));
        if let Some(opening) = opening {
            let aside: Vec<&str> = tokens[opening + 1..group - 1]
                .iter()
                .map(|t| t.lower.as_str())
                .collect();
            if lexicon::PARENTHETICALS.contains(&aside.join(" ").as_str()) {
                end = opening;
            }
        }
    }
    let mut start = end;
    while start > 0 {
        let before = &tokens[start - 1];
        // A participle may modify the subject ("scholars writing in the Global Times").
        // A cue word after a determiner is a noun or an adjective ("the state news agency").
        let finite_cue = lexicon::cue_form(&before.lower).is_some_and(|f| !f.participle)
            && !determined(tokens, start - 1)
            && before.lower != "state";
        if !before.word
            || lexicon::CLAUSE_OPENERS.contains(&before.lower.as_str())
            || finite_cue
            || lexicon::VERB_GROUP.contains(&before.lower.as_str())
            || end - start >= 14
        {
            break;
        }
        start -= 1;
    }
    if start == end || (start > 0 && tokens[start - 1].word && end - start >= 14) {
        return (group..group, false);
    }
    let as_clause = start > 0 && tokens[start - 1].lower == "as";
    if tokens[end - 1].possessive {
        return (group..group, false);
    }
    (trim_phrase(tokens, start..end), as_clause)
}

/// The phrase after a cue ("according to them", "said Foreign Minister Lavrov") up to the
/// next punctuation or clause.
fn phrase_after(tokens: &[Token], from: usize) -> Range<usize> {
    let mut end = from;
    while end < tokens.len()
        && tokens[end].word
        && !lexicon::CLAUSE_OPENERS.contains(&tokens[end].lower.as_str())
        && lexicon::cue_form(&tokens[end].lower).is_none()
        && !lexicon::VERB_GROUP.contains(&tokens[end].lower.as_str())
        && end - from < 12
    {
        end += 1;
    }
    trim_phrase(tokens, from..end.min(tokens.len()))
}

/// A source phrase with the appositive that says who it is ("Lee Min-ji, a researcher at
/// the Korea Institute in Seoul"), which is kept whole.
fn with_appositive(tokens: &[Token], phrase: Range<usize>) -> Range<usize> {
    let comma = phrase.end;
    let starts = tokens.get(comma).is_some_and(|t| t.is(","))
        && tokens
            .get(comma + 1)
            .is_some_and(|t| matches!(t.lower.as_str(), "a" | "an" | "the"));
    if phrase.is_empty() || !starts {
        return phrase;
    }
    let end = (comma + 1..tokens.len())
        .find(|&j| !tokens[j].word)
        .unwrap_or(tokens.len());
    let names_a_voice = tokens[comma + 1..end]
        .iter()
        .any(|t| lexicon::voice_noun(&t.text).is_some());
    if names_a_voice {
        phrase.start..end
    } else {
        phrase
    }
}

/// The main clause's subject, for a participial cue ("The Chinese Foreign Ministry has …,
/// asserting …"): from the sentence start, after an opening adverbial, to its verb.
fn main_subject(tokens: &[Token]) -> Range<usize> {
    let mut start = 0;
    if let Some(comma) = tokens.iter().take(6).position(|t| t.is(",")) {
        let opener = &tokens[..comma];
        if !opener
            .iter()
            .any(|t| t.mention.is_some() || lexicon::voice_noun(&t.text).is_some())
        {
            start = comma + 1;
        }
    }
    let mut end = start;
    while end < tokens.len()
        && tokens[end].word
        && !lexicon::VERB_GROUP.contains(&tokens[end].lower.as_str())
        && lexicon::cue_form(&tokens[end].lower).is_none()
        && !lexicon::CLAUSE_OPENERS.contains(&tokens[end].lower.as_str())
        && end - start < 12
    {
        end += 1;
    }
    trim_phrase(tokens, start..end)
}

/// Cuts a phrase before the first prepositional phrase whose object names neither an actor
/// nor a voice ("President Vladimir Putin in a public address …" → "President Vladimir
/// Putin"; "analysts in Chinese media" stays whole).
fn trim_phrase(tokens: &[Token], range: Range<usize>) -> Range<usize> {
    const PREPOSITIONS: &[&str] = &[
        "in", "at", "during", "on", "after", "before", "since", "over", "under", "with", "by",
        "for", "from", "of", "to", "within", "across", "amid", "despite",
    ];
    let mut end = range.start;
    let mut i = range.start;
    while i < range.end {
        if i > range.start && PREPOSITIONS.contains(&tokens[i].lower.as_str()) {
            let object_end = (i + 1..range.end)
                .find(|&j| PREPOSITIONS.contains(&tokens[j].lower.as_str()))
                .unwrap_or(range.end);
            let names = tokens[i + 1..object_end]
                .iter()
                .any(|t| t.mention.is_some() || lexicon::voice_noun(&t.text).is_some());
            if !names {
                break;
            }
            i = object_end;
            end = object_end;
            continue;
        }
        i += 1;
        end = i;
    }
    range.start..end
}

/// Who a source phrase names.
fn speaker(tokens: &[Token], gazetteer: &Gazetteer) -> Option<Speaker> {
    let words: Vec<&Token> = tokens.iter().filter(|t| t.word).collect();
    if let [only] = words.as_slice() {
        if lexicon::AUTHOR_WORDS.contains(&only.lower.as_str()) && only.text != "US" {
            return Some(Speaker::Author);
        }
        if let Some(pronoun) = lexicon::pronoun(&only.text) {
            return Some(Speaker::Pronoun(pronoun));
        }
    }
    if words
        .first()
        .is_some_and(|t| matches!(t.lower.as_str(), "which" | "who" | "that"))
    {
        return None;
    }
    let person = words.iter().find_map(|t| {
        let id = t.mention.as_deref()?;
        gazetteer
            .get(id)
            .filter(|a| a.kind == ActorKind::Person)
            .map(|a| a.id.clone())
    });
    let noun = words
        .iter()
        .position(|t| lexicon::voice_noun(&t.text).is_some() && !t.possessive);
    if let Some(id) = person {
        let possessed = words
            .iter()
            .any(|t| t.possessive && t.mention.as_deref() == Some(&id));
        if !(possessed && noun.is_some()) {
            return Some(Speaker::Actor {
                matched: id.clone(),
                id,
            });
        }
    }
    if let Some(at) = noun {
        let (group, standing) = lexicon::voice_noun(&words[at].text)?;
        let out_of_office = words[..at]
            .iter()
            .any(|t| lexicon::OUT_OF_OFFICE.contains(&t.lower.trim_end_matches('-')));
        let actor = words.iter().find_map(|t| {
            let id = t.mention.as_deref()?;
            let actor = gazetteer.get(id)?;
            Some(
                actor
                    .affiliation
                    .clone()
                    .unwrap_or_else(|| actor.id.clone()),
            )
        });
        let label_words: Vec<&str> = words
            .iter()
            .skip_while(|t| lexicon::LABEL_DROPS.contains(&t.lower.as_str()))
            .map(|t| t.text.as_str())
            .collect();
        let state_run = words[..at].iter().any(|t| {
            matches!(
                t.lower.as_str(),
                "state" | "state-run" | "state-owned" | "state-controlled" | "official"
            )
        });
        let named_qualifier = words[..at]
            .iter()
            .skip_while(|t| lexicon::LABEL_DROPS.contains(&t.lower.as_str()))
            .any(|t| t.text.chars().next().is_some_and(char::is_uppercase));
        return Some(Speaker::Group {
            group,
            standing,
            named_qualifier,
            actor_in_phrase: actor.is_some(),
            actor,
            out_of_office,
            words: label_words.join(" "),
            name: body_name(&words, at),
            state_run,
        });
    }
    let core: Vec<&&Token> = words
        .iter()
        .skip_while(|t| matches!(t.lower.as_str(), "the" | "a" | "an"))
        .collect();
    let first = core.first()?.mention.clone()?;
    if core
        .iter()
        .all(|t| t.mention.as_deref() == Some(first.as_str()))
    {
        let matched: Vec<&str> = core
            .iter()
            .map(|t| t.text.trim_end_matches("’s").trim_end_matches("'s"))
            .collect();
        return Some(Speaker::Actor {
            id: first,
            matched: matched.join(" "),
        });
    }
    None
}

/// The name of a body a voice noun belongs to: a capitalised run around it ("Joint Chiefs of
/// Staff", "Asan Institute", "Foreign Ministry") or a name just after it ("the agency KCNA").
fn body_name(words: &[&Token], at: usize) -> Option<String> {
    let capital = |t: &Token| t.text.chars().next().is_some_and(char::is_uppercase);
    let join = |run: &[&Token]| {
        run.iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if capital(words[at]) {
        let mut start = at;
        while start > 0 && capital(words[start - 1]) && words[start - 1].mention.is_none() {
            start -= 1;
        }
        let mut end = at + 1;
        while end < words.len() {
            if capital(words[end]) && words[end].mention.is_none() {
                end += 1;
            } else if matches!(words[end].lower.as_str(), "of" | "for" | "on" | "and")
                && words
                    .get(end + 1)
                    .is_some_and(|t| capital(t) && t.mention.is_none())
            {
                end += 2;
            } else {
                break;
            }
        }
        // "The" opening a sentence is capitalised by its place.
        while start < at && lexicon::LABEL_DROPS.contains(&words[start].lower.as_str()) {
            start += 1;
        }
        return (end - start >= 2).then(|| join(&words[start..end]));
    }
    let next = words
        .get(at + 1)
        .filter(|t| capital(t) && t.mention.is_none())?;
    let end = (at + 1..words.len())
        .take_while(|&j| capital(words[j]) && words[j].mention.is_none())
        .last()
        .unwrap_or(at + 1);
    (!next.text.is_empty()).then(|| join(&words[at + 1..=end]))
}

/// What came before a source, for sources that take their actor from it.
struct Earlier {
    /// Voice nouns that a text qualifies by an actor, in text order.
    qualified: Vec<Qualified>,
    /// States named, in text order: (paragraph, code point, actor).
    states: Vec<(usize, usize, String)>,
}

impl Earlier {
    /// The state named last before code point `at` of `paragraph`, in that paragraph.
    fn state_before(&self, paragraph: usize, at: usize) -> Option<String> {
        self.states
            .iter()
            .rev()
            .find(|(p, start, _)| *p == paragraph && *start < at)
            .map(|(_, _, actor)| actor.clone())
    }
}

/// The voice a speaker is, with what a pronoun needs of it and whether its actor was taken
/// from an earlier group; none for a pronoun or the author, which name no voice themselves.
fn voice_of(
    speaker: &Speaker,
    paragraph: usize,
    at: usize,
    earlier: &Earlier,
    gazetteer: &Gazetteer,
) -> Option<(Voice, Kind, bool)> {
    Some(match speaker {
        Speaker::Actor { id, matched } => {
            let Some(actor) = gazetteer.get(id) else {
                return Some((
                    Voice {
                        id: slug(&[id]),
                        label: matched.clone(),
                        actor: Some(id.clone()),
                        official: true,
                    },
                    Kind::Body,
                    false,
                ));
            };
            match actor.kind {
                ActorKind::Person => (
                    Voice {
                        id: slug(&[&actor.id]),
                        label: actor.name.clone(),
                        actor: Some(
                            actor
                                .affiliation
                                .clone()
                                .unwrap_or_else(|| actor.id.clone()),
                        ),
                        official: actor.role.is_some(),
                    },
                    Kind::Person,
                    false,
                ),
                ActorKind::State if matched.ends_with('s') && *matched != actor.name => (
                    Voice {
                        id: slug(&[&actor.id, "people"]),
                        label: matched.clone(),
                        actor: Some(actor.id.clone()),
                        official: false,
                    },
                    Kind::Group,
                    false,
                ),
                kind => (
                    Voice {
                        id: slug(&[&actor.id]),
                        label: actor.name.clone(),
                        actor: Some(actor.id.clone()),
                        official: kind != ActorKind::Group,
                    },
                    Kind::Body,
                    false,
                ),
            }
        }
        Speaker::Group {
            group,
            standing,
            actor,
            out_of_office,
            words,
            name,
            state_run,
            actor_in_phrase,
            named_qualifier,
        } => {
            if let Some(name) = name {
                // A named body is known by its name: it takes no actor from other groups,
                // only from its own words or, when it is the state's, the state just named.
                let actor = actor.clone().or_else(|| {
                    state_run
                        .then(|| earlier.state_before(paragraph, at))
                        .flatten()
                });
                let mut parts: Vec<&str> = actor.as_deref().into_iter().collect();
                parts.push(name);
                let label = if *actor_in_phrase {
                    capitalise(words)
                } else {
                    name.clone()
                };
                return Some((
                    Voice {
                        id: slug(&parts),
                        label,
                        actor,
                        official: (*standing == Standing::Official || *state_run) && !out_of_office,
                    },
                    Kind::Body,
                    false,
                ));
            }
            let state_actor = (*state_run && actor.is_none())
                .then(|| earlier.state_before(paragraph, at))
                .flatten();
            let inherited = actor.is_none() && state_actor.is_none() && !named_qualifier;
            let actor = actor.clone().or(state_actor).or_else(|| {
                if *named_qualifier {
                    return None;
                }
                earlier
                    .qualified
                    .iter()
                    .rev()
                    .find(|q| {
                        q.standing == *standing
                            && (q.paragraph < paragraph || (q.paragraph == paragraph && q.at < at))
                    })
                    .map(|q| q.actor.clone())
            });
            let official = (*standing == Standing::Official || *state_run) && !out_of_office;
            let kind = if matches!(
                *group,
                "ministry"
                    | "government"
                    | "administration"
                    | "cabinet"
                    | "embassy"
                    | "military"
                    | "leadership"
                    | "parliament"
                    | "council"
                    | "office"
                    | "department"
                    | "agency"
            ) {
                Kind::Body
            } else if matches!(
                *group,
                "minister"
                    | "president"
                    | "premier"
                    | "spokesperson"
                    | "ambassador"
                    | "secretary"
                    | "envoy"
            ) {
                Kind::Person
            } else {
                Kind::Group
            };
            let demonym = actor
                .as_deref()
                .and_then(|id| gazetteer.get(id))
                .and_then(demonym);
            let former = if *out_of_office { "Former " } else { "" };
            let (id, label) = if official && kind != Kind::Group && !words.is_empty() {
                let own: Vec<String> = words
                    .split_whitespace()
                    .filter(|w| !is_actor_word(w, actor.as_deref(), gazetteer))
                    .map(|w| w.to_lowercase())
                    .collect();
                let mut parts: Vec<&str> = actor.as_deref().into_iter().collect();
                parts.extend(own.iter().map(String::as_str));
                let label = if inherited {
                    match &demonym {
                        Some(d) => format!("{d} {}", own.join(" ")),
                        None => capitalise(words),
                    }
                } else {
                    capitalise(words)
                };
                (slug(&parts), label)
            } else {
                let mut parts: Vec<&str> = Vec::new();
                if *out_of_office {
                    parts.push("former");
                }
                parts.extend(actor.as_deref());
                parts.push(group);
                let label = match &demonym {
                    Some(d) => format!("{former}{d} {group}"),
                    None => match actor.as_deref().and_then(|id| gazetteer.get(id)) {
                        Some(a) => capitalise(&format!("{former}{group} ({})", a.name)),
                        None => capitalise(&format!("{former}{group}")),
                    },
                };
                (slug(&parts), label)
            };
            (
                Voice {
                    id,
                    label,
                    actor,
                    official,
                },
                kind,
                inherited,
            )
        }
        Speaker::Pronoun(_) | Speaker::Author => return None,
    })
}

/// The adjective of an actor, from its aliases: "Chinese", "Western", "North Korean".
fn demonym(actor: &super::actors::Actor) -> Option<String> {
    actor
        .aliases
        .iter()
        .map(|a| a.text.as_str())
        .find(|text| {
            *text != actor.name
                && text.chars().next().is_some_and(char::is_uppercase)
                && ["an", "ese", "ern", "ish", "ch", "ic", "ian"]
                    .iter()
                    .any(|end| text.ends_with(end))
        })
        .map(str::to_owned)
}

fn is_actor_word(word: &str, actor: Option<&str>, gazetteer: &Gazetteer) -> bool {
    let Some(actor) = actor.and_then(|id| gazetteer.get(id)) else {
        return false;
    };
    let bare = word.trim_end_matches("’s").trim_end_matches("'s");
    actor.name == bare || actor.aliases.iter().any(|a| a.text == bare)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn slug(parts: &[&str]) -> String {
    let joined = parts.join("-");
    super::slug::Slug::suggest(&joined)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|| "voice".into())
}

/// The actor a voice noun at `i` is qualified by: a mention just before it ("Chinese
/// analysts", "senior Russian military and civilian officials", "Seoul's defence ministry")
/// or in a phrase just after it ("analysts in Chinese media", "Commentators in the West").
fn qualifier(tokens: &[Token], i: usize, gazetteer: &Gazetteer) -> Option<String> {
    let actor_of = |t: &Token| {
        let actor = gazetteer.get(t.mention.as_deref()?)?;
        Some(
            actor
                .affiliation
                .clone()
                .unwrap_or_else(|| actor.id.clone()),
        )
    };
    for j in (i.saturating_sub(4)..i).rev() {
        let t = &tokens[j];
        if !t.word {
            break;
        }
        if let Some(actor) = actor_of(t) {
            return Some(actor);
        }
        if lexicon::LABEL_DROPS.contains(&t.lower.as_str()) && t.lower != "of" {
            break;
        }
    }
    if tokens
        .get(i + 1)
        .is_some_and(|t| lexicon::QUALIFYING_PREPOSITIONS.contains(&t.lower.as_str()))
    {
        for t in tokens.iter().skip(i + 2).take(4) {
            if !t.word || lexicon::CLAUSE_OPENERS.contains(&t.lower.as_str()) {
                break;
            }
            if let Some(actor) = actor_of(t) {
                return Some(actor);
            }
        }
    }
    None
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
