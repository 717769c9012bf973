//! From a source phrase to a voice: who the words name (a group, a body, an actor of the
//! gazetteer, a pronoun, the author), the actor it belongs to, whether it speaks officially,
//! and its id and label.

use super::Voice;
use super::lexicon::{self, Pronoun, Standing};
use super::tokens::Token;
use crate::domain::actors::{ActorKind, Gazetteer};

/// Who a source phrase is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Speaker {
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

/// A voice noun that the text qualifies by an actor, for bare groups to take theirs from.
pub(super) struct Qualified {
    pub(super) paragraph: usize,
    pub(super) at: usize,
    pub(super) standing: Standing,
    pub(super) actor: String,
}

/// What a pronoun needs of the voice it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Group,
    Person,
    Body,
}

impl Kind {
    pub(super) fn agrees(self, pronoun: Pronoun) -> bool {
        matches!(
            (self, pronoun),
            (Kind::Group, Pronoun::Plural)
                | (Kind::Person, Pronoun::Person)
                | (Kind::Body, Pronoun::Body)
        )
    }
}

/// Who a source phrase names.
pub(super) fn speaker(tokens: &[Token], gazetteer: &Gazetteer) -> Option<Speaker> {
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
    // "official" is a noun at the end of the phrase or before its prepositional phrase ("a
    // senior French official", "an official in Seoul"), an adjective elsewhere.
    let noun = words.iter().enumerate().position(|(k, t)| {
        !t.possessive
            && (lexicon::voice_noun(&t.text).is_some()
                || (t.lower == "official"
                    && words.get(k + 1).is_none_or(|next| {
                        lexicon::QUALIFYING_PREPOSITIONS.contains(&next.lower.as_str())
                    })))
    });
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
        let (group, standing) =
            lexicon::voice_noun(&words[at].text).unwrap_or(("officials", Standing::Official));
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
            id: first.into(),
            matched: matched.join(" "),
        });
    }
    None
}

/// The name of a body a voice noun belongs to: a capitalised run around it ("Joint Chiefs of
/// Staff", "Asan Institute", "Foreign Ministry") or a name just after it ("the agency KCNA").
pub(super) fn body_name(words: &[&Token], at: usize) -> Option<String> {
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
pub(super) struct Earlier {
    /// Voice nouns that a text qualifies by an actor, in text order.
    pub(super) qualified: Vec<Qualified>,
    /// States named, in text order: (paragraph, code point, actor).
    pub(super) states: Vec<(usize, usize, String)>,
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
pub(super) fn voice_of(
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
pub(super) fn demonym(actor: &crate::domain::actors::Actor) -> Option<String> {
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

pub(super) fn is_actor_word(word: &str, actor: Option<&str>, gazetteer: &Gazetteer) -> bool {
    let Some(actor) = actor.and_then(|id| gazetteer.get(id)) else {
        return false;
    };
    let bare = word.trim_end_matches("’s").trim_end_matches("'s");
    actor.name == bare || actor.aliases.iter().any(|a| a.text == bare)
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn slug(parts: &[&str]) -> String {
    let joined = parts.join("-");
    crate::domain::slug::Slug::suggest(&joined)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|| "voice".into())
}

/// The actor a voice noun at `i` is qualified by: a mention just before it ("Chinese
/// analysts", "senior Russian military and civilian officials", "Seoul's defence ministry")
/// or in a phrase just after it ("analysts in Chinese media", "Commentators in the West").
pub(super) fn qualifier(tokens: &[Token], i: usize, gazetteer: &Gazetteer) -> Option<String> {
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
