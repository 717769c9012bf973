//! Finding a sentence's reporting cues and the phrases that name who speaks, by position:
//! no parser, only the lexicon's word classes and the sentence's punctuation.

use std::ops::Range;

use super::lexicon::{self, Strength};
use super::tokens::Token;

/// What a sentence's cue says about its source.
pub(super) enum Cue {
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

/// The cues of a sentence outside quotation marks.
pub(super) fn find_cues(tokens: &[Token]) -> Cues {
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
            if agentless.is_none() {
                agentless = agentless_passive(tokens, i);
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
        // "held that" reports a view; "held talks", "held drills" do not.
        if form.lemma == "hold" && next != Some("that") {
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
            if agentless.is_none() {
                agentless = agentless_passive(tokens, i);
            }
            continue;
        }
        let framed = frames(tokens, i);
        if form.participle {
            // ", asserting …", and ", with some calling for …": a part of the subject speaks.
            let with_some = i >= 3
                && tokens[i - 3].is(",")
                && tokens[i - 2].lower == "with"
                && lexicon::PARTITIVES.contains(&tokens[i - 1].lower.as_str());
            if i > 0 && (tokens[i - 1].is(",") || with_some) {
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
pub(super) struct Cues {
    /// Cues with a source phrase, in text order.
    pub(super) sourced: Vec<Cue>,
    /// The first cue with none.
    pub(super) agentless: Option<Cue>,
    /// Whether a cue is negated or withheld ("did not say", "declined to comment"): the
    /// sentence says a voice did not speak, so no view carries into it.
    pub(super) withheld: bool,
}

/// "it is noted that", "China is argued to be": a passive reporting participle with no agent.
fn agentless_passive(tokens: &[Token], i: usize) -> Option<Cue> {
    // Asked of nearly every word: the lexicon first, the verb group only for its participles.
    if !lexicon::is_passive_cue(&tokens[i].lower) {
        return None;
    }
    let group = verb_group_start(tokens, i);
    let fits = is_passive(&tokens[group..i]) && !tokens[group..i].iter().any(|t| t.negates());
    fits.then_some(Cue::Agentless {
        cue: group..i + 1,
        rule: "passive",
    })
}

/// Whether a verb group makes its participle passive ("is", "has been", "are also").
pub(super) fn is_passive(group: &[Token]) -> bool {
    group.iter().any(|t| {
        matches!(
            t.lower.as_str(),
            "is" | "are" | "was" | "were" | "been" | "be"
        )
    })
}

/// "according to NP".
pub(super) fn according_to(tokens: &[Token], i: usize) -> Option<Cue> {
    if tokens[i].lower != "according" || tokens.get(i + 1)?.lower != "to" {
        return None;
    }
    // "According to Park Min-jun, a researcher at the Asan Institute in Seoul, …": the
    // appositive says who a name the gazetteer does not know is.
    let source = with_appositive(tokens, phrase_after(tokens, i + 2));
    (!source.is_empty()).then_some(Cue::Sourced {
        cue: i..i + 2,
        source,
        strength: Strength::Strong,
        framed: true,
        rule: "according-to",
    })
}

/// "in NP's view", "in the view of NP", "in the eyes of NP".
pub(super) fn in_view_of(tokens: &[Token], i: usize) -> Option<Cue> {
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
    // "in their view", "in his words": the pronoun stands for a voice named before.
    if view == i + 2
        && matches!(
            tokens[i + 1].lower.as_str(),
            "their" | "his" | "her" | "its"
        )
    {
        return Some(Cue::Sourced {
            cue: i..view + 1,
            source: i + 1..i + 2,
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
pub(super) fn possessed_view(tokens: &[Token], i: usize) -> Option<Cue> {
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
pub(super) fn there_are(tokens: &[Token], i: usize) -> Option<Cue> {
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
pub(super) fn adverb(tokens: &[Token], i: usize) -> Option<Cue> {
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
/// view", "China's claims", "Beijing's official response"; but "a senior official said").
pub(super) fn determined(tokens: &[Token], i: usize) -> bool {
    let determiner = |t: &Token| t.possessive || lexicon::DETERMINERS.contains(&t.lower.as_str());
    match i.checked_sub(1).map(|b| &tokens[b]) {
        None => false,
        Some(before) if matches!(before.lower.as_str(), "official" | "public") => {
            i >= 2 && determiner(&tokens[i - 2])
        }
        Some(before) => determiner(before),
    }
}

/// Whether a cue is withheld by the verb before it ("refrained from expressing").
pub(super) fn withheld(tokens: &[Token], group: usize) -> bool {
    group >= 2
        && matches!(tokens[group - 1].lower.as_str(), "from" | "to")
        && lexicon::WITHHOLDING.contains(&tokens[group - 2].lower.as_str())
}

/// The first token of the verb group that ends with the cue at `i`.
pub(super) fn verb_group_start(tokens: &[Token], i: usize) -> usize {
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
pub(super) fn frames(tokens: &[Token], i: usize) -> bool {
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
pub(super) fn subject_before(tokens: &[Token], group: usize) -> (Range<usize>, bool) {
    // A parenthetical between subject and verb is stepped over ("Former diplomats, however,
    // fear …"), as is a name set off by commas ("The ministry's spokesperson, Lin Jian, told").
    let mut end = group;
    if group >= 3 && tokens[group - 1].is(",") {
        let opening = (group.saturating_sub(6)..group - 1)
            .rev()
            .find(|&j| tokens[j].is(","));
        if let Some(opening) = opening {
            let aside = &tokens[opening + 1..group - 1];
            let words: Vec<&str> = aside.iter().map(|t| t.lower.as_str()).collect();
            let name = !aside.is_empty()
                && aside.len() <= 4
                && aside
                    .iter()
                    .all(|t| t.word && t.text.chars().next().is_some_and(char::is_uppercase));
            if lexicon::PARENTHETICALS.contains(&words.join(" ").as_str()) || name {
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
pub(super) fn phrase_after(tokens: &[Token], from: usize) -> Range<usize> {
    let mut end = from;
    while end < tokens.len()
        && tokens[end].word
        && !lexicon::CLAUSE_OPENERS.contains(&tokens[end].lower.as_str())
        && !(lexicon::cue_form(&tokens[end].lower).is_some()
            && tokens[end].lower != "state"
            && !determined(tokens, end))
        && !lexicon::VERB_GROUP.contains(&tokens[end].lower.as_str())
        && end - from < 12
    {
        end += 1;
    }
    trim_phrase(tokens, from..end.min(tokens.len()))
}

/// A source phrase with the appositive that says who it is ("Lee Min-ji, a researcher at
/// the Korea Institute in Seoul"), which is kept whole.
pub(super) fn with_appositive(tokens: &[Token], phrase: Range<usize>) -> Range<usize> {
    let comma = phrase.end;
    if phrase.is_empty() || !tokens.get(comma).is_some_and(|t| t.is(",")) {
        return phrase;
    }
    let end = (comma + 1..tokens.len())
        .find(|&j| !tokens[j].word)
        .unwrap_or(tokens.len());
    if end - comma > 12 {
        return phrase;
    }
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
pub(super) fn main_subject(tokens: &[Token]) -> Range<usize> {
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
        && !(end > start && looks_finite(tokens, end))
        && end - start < 12
    {
        end += 1;
    }
    trim_phrase(tokens, start..end)
}

/// Whether the word at `i` is likely the main clause's verb, ending its subject ("Tokyo
/// *lodged* a formal protest, calling …", "Commentators *went* further, with some calling
/// …"): a past tense after anything but a determiner ("the armed forces" is no verb).
fn looks_finite(tokens: &[Token], i: usize) -> bool {
    let word = &tokens[i].lower;
    if tokens[i].text.starts_with(char::is_uppercase) {
        return false;
    }
    let after_determiner = lexicon::DETERMINERS.contains(&tokens[i - 1].lower.as_str());
    !after_determiner
        && ((word.len() > 4 && word.ends_with("ed"))
            || lexicon::IRREGULAR_PASTS.contains(&word.as_str()))
}

/// Cuts a phrase before the first prepositional phrase whose object names neither an actor
/// nor a voice ("President Vladimir Putin in a public address …" → "President Vladimir
/// Putin"; "analysts in Chinese media" stays whole).
pub(super) fn trim_phrase(tokens: &[Token], range: Range<usize>) -> Range<usize> {
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
