//! The actor gazetteer and the matcher that finds actors named in text.
//!
//! Matching is one leftmost-longest Aho–Corasick pass over every name and alias ("North
//! Korea" beats "Korea", "the Kremlin" beats "Kremlin"), case-sensitive so that "US" is not
//! "us". A hit must sit on word boundaries; anything that is not a letter or digit is a
//! boundary, which is what makes possessives ("Russia’s") and compounds ("Sino-Russian",
//! "Russia–North Korea") name their actors. Two alias rules keep ambiguous names quiet:
//! `not_before_name` drops "the West" in "the West Bank" or "West Africa", and
//! `before_hyphen_only` lets "Sino" count only as a prefix ("Sino-Russian").

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, Input, MatchKind};
use serde::Deserialize;

use super::text::byte_to_cp_offsets;

/// The broad kind of an actor.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A sovereign state; id is its ISO 3166-1 alpha-3 code.
    State,
    /// An international organisation; id is its usual acronym.
    Organisation,
    /// A bloc or grouping of states such as "the West".
    Bloc,
    /// A person; id is a lowercase slug.
    Person,
    /// A non-state group.
    Group,
}

impl ActorKind {
    /// Stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::State => "state",
            ActorKind::Organisation => "organisation",
            ActorKind::Bloc => "bloc",
            ActorKind::Person => "person",
            ActorKind::Group => "group",
        }
    }

    /// Inverse of [`ActorKind::as_str`].
    pub fn parse(name: &str) -> Option<ActorKind> {
        [
            Self::State,
            Self::Organisation,
            Self::Bloc,
            Self::Person,
            Self::Group,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// When an alias counts as naming its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasRule {
    /// Wherever it stands on word boundaries.
    Anywhere,
    /// Not when a capitalised word follows ("the West Bank", "West Africa").
    NotBeforeName,
    /// Only as the first part of a hyphenated compound ("Sino-Russian").
    BeforeHyphenOnly,
}

/// One name an actor goes by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// The exact text matched (case-sensitive).
    pub text: String,
    /// When it counts.
    pub rule: AliasRule,
}

/// An actor of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `RUS`, `NATO`, `WEST`, `vladimir-putin`, …
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind of actor.
    pub kind: ActorKind,
    /// Wikidata item id, e.g. `Q159`.
    pub wikidata: Option<String>,
    /// For persons: the actor they belong to.
    pub affiliation: Option<String>,
    /// For persons: their office.
    pub role: Option<String>,
    /// Every name it goes by; the display name is always among them.
    pub aliases: Vec<Alias>,
    /// Its colour: a palette slot 1–[`PALETTE_SIZE`], the same in every document, or 0 for
    /// the neutral tone that actors beyond the palette share (told apart by their labels).
    pub tone: u8,
}

/// How many actors can have a colour of their own (the Okabe–Ito palette).
pub const PALETTE_SIZE: u8 = 8;

/// An actor named in a text: code points `start..end` read `matched`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The actor named.
    pub actor_id: String,
    /// The words in the text.
    pub matched: String,
}

impl Mention {
    /// The one of `mentions` that overlaps code points `start..end`, if any. `mentions` are
    /// in text order and do not overlap one another, as the matcher finds them, so this is a
    /// binary search: each word of a long paragraph would otherwise scan all its mentions.
    pub fn overlapping(mentions: &[Mention], start: usize, end: usize) -> Option<&Mention> {
        let first = mentions.partition_point(|m| m.end <= start);
        mentions.get(first).filter(|m| m.start < end)
    }
}

/// A gazetteer that cannot be used, with what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("actor gazetteer: {0}")]
pub struct GazetteerError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GazetteerFile {
    #[serde(default)]
    actor: Vec<ActorEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorEntry {
    id: String,
    name: String,
    kind: ActorKind,
    wikidata: Option<String>,
    affiliation: Option<String>,
    role: Option<String>,
    #[serde(default)]
    aliases: Vec<AliasEntry>,
    tone: Option<u8>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum AliasEntry {
    Plain(String),
    Ruled(RuledAlias),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuledAlias {
    text: String,
    #[serde(default)]
    not_before_name: bool,
    #[serde(default)]
    before_hyphen_only: bool,
}

/// The validated gazetteer plus its compiled matcher.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    actors: Vec<Actor>,
    by_id: HashMap<String, usize>,
    automaton: AhoCorasick,
    /// For each automaton pattern: (actor index, rule).
    patterns: Vec<(usize, AliasRule)>,
}

impl Gazetteer {
    /// Parses and validates `actors.toml`.
    pub fn parse(toml_text: &str) -> Result<Gazetteer, GazetteerError> {
        let file: GazetteerFile =
            toml::from_str(toml_text).map_err(|e| GazetteerError(e.to_string()))?;
        let actors = file
            .actor
            .into_iter()
            .map(Actor::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Gazetteer::new(actors)
    }

    /// Validates actors and compiles the matcher.
    pub fn new(actors: Vec<Actor>) -> Result<Gazetteer, GazetteerError> {
        let mut by_id = HashMap::new();
        for (index, actor) in actors.iter().enumerate() {
            validate_id(actor)?;
            if by_id.insert(actor.id.clone(), index).is_some() {
                return Err(GazetteerError(format!(
                    "actor id `{}` appears twice",
                    actor.id
                )));
            }
        }
        for actor in &actors {
            if let Some(affiliation) = &actor.affiliation
                && !by_id.contains_key(affiliation)
            {
                return Err(GazetteerError(format!(
                    "actor `{}` has affiliation `{affiliation}`, which is not an actor id",
                    actor.id
                )));
            }
        }
        let actors = assign_tones(actors)?;
        let (texts, patterns) = compile_patterns(&actors)?;
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&texts)
            .map_err(|e| GazetteerError(format!("cannot compile the aliases: {e}")))?;
        Ok(Gazetteer {
            actors,
            by_id,
            automaton,
            patterns,
        })
    }

    /// Every actor, in file order.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// The actor with this id.
    pub fn get(&self, id: &str) -> Option<&Actor> {
        self.by_id.get(id).map(|&i| &self.actors[i])
    }

    /// Finds every actor named in `text`, in text order, never overlapping.
    pub fn find_mentions(&self, text: &str) -> Vec<Mention> {
        let mut hits = Vec::new();
        let mut from = 0;
        while let Some(m) = self.automaton.find(Input::new(text).range(from..)) {
            let (actor, rule) = self.patterns[m.pattern().as_usize()];
            if stands_alone(text, m.start(), m.end()) && rule_allows(rule, &text[m.end()..]) {
                hits.push((m.start(), m.end(), actor));
                from = m.end();
            } else {
                // A rejected hit may hide a shorter valid one that starts later inside it.
                from = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
            }
        }
        let bytes: Vec<usize> = hits.iter().flat_map(|&(s, e, _)| [s, e]).collect();
        let cps = byte_to_cp_offsets(text, &bytes);
        hits.iter()
            .zip(cps.chunks(2))
            .map(|(&(s, e, actor), cp)| Mention {
                start: cp[0],
                end: cp[1],
                actor_id: self.actors[actor].id.clone(),
                matched: text[s..e].to_owned(),
            })
            .collect()
    }
}

/// A name an analyst adds to the gazetteer: another alias of a known actor, or a new actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addition {
    /// `alias` also names `actor_id`.
    Alias {
        /// The actor it names.
        actor_id: String,
        /// The new name.
        alias: String,
    },
    /// A new actor, named by `name` and its `aliases`.
    Actor {
        /// Its id, in the form its kind asks for.
        id: String,
        /// Display name.
        name: String,
        /// Kind of actor.
        kind: ActorKind,
        /// For persons: the actor they belong to.
        affiliation: Option<String>,
        /// For persons: their office.
        role: Option<String>,
        /// Further names.
        aliases: Vec<String>,
    },
}

/// Why an addition cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdditionError {
    /// The alias is to be added to an actor the gazetteer lacks.
    #[error("no actor has the id {}; every actor is listed at /actors", shown(.0))]
    UnknownActor(String),
    /// The name already names another actor (or this one).
    #[error("{} already names {owner_name} (`{owner}`); a name can name one actor only", shown(.alias))]
    Clash {
        /// The name.
        alias: String,
        /// The actor it names.
        owner: String,
        /// That actor's display name.
        owner_name: String,
    },
    /// Anything else the gazetteer would refuse, with what to fix.
    #[error("{0}")]
    Invalid(String),
}

/// A value as an error message quotes it: in quotes, and cut short when it is long, so a
/// message stays readable whatever was sent.
fn shown(value: &str) -> String {
    const MOST: usize = 40;
    if value.chars().count() <= MOST {
        format!("“{value}”")
    } else {
        let start: String = value.chars().take(MOST).collect();
        format!("“{start}…” ({} characters)", value.chars().count())
    }
}

/// Ids that would shadow a page under `/actors/`.
const RESERVED_IDS: &[&str] = &["unknown"];

impl Gazetteer {
    /// Checks that `addition` can join this gazetteer: names are well formed and unclaimed,
    /// the id is new and in its kind's form, the affiliation exists.
    pub fn check_addition(&self, addition: &Addition) -> Result<(), AdditionError> {
        let names: Vec<&str> = match addition {
            Addition::Alias { actor_id, alias } => {
                if self.get(actor_id).is_none() {
                    return Err(AdditionError::UnknownActor(actor_id.clone()));
                }
                vec![alias.as_str()]
            }
            Addition::Actor {
                id,
                name,
                kind,
                affiliation,
                role,
                aliases,
            } => {
                if id.chars().count() > 64 {
                    return Err(AdditionError::Invalid(format!(
                        "the id {} is longer than 64 characters",
                        shown(id)
                    )));
                }
                if RESERVED_IDS.contains(&id.as_str()) {
                    return Err(AdditionError::Invalid(format!(
                        "`{id}` is the address of a page; choose another id"
                    )));
                }
                if self.get(id).is_some() {
                    return Err(AdditionError::Invalid(format!(
                        "an actor with the id `{id}` exists already; add the name as its alias instead"
                    )));
                }
                let probe = Actor {
                    id: id.clone(),
                    name: name.clone(),
                    kind: *kind,
                    wikidata: None,
                    affiliation: None,
                    role: None,
                    aliases: Vec::new(),
                    tone: 0,
                };
                validate_id(&probe).map_err(|e| AdditionError::Invalid(e.0))?;
                if let Some(affiliation) = affiliation
                    && self.get(affiliation).is_none()
                {
                    return Err(AdditionError::Invalid(format!(
                        "the affiliation {} is not an actor id; leave it empty or pick one from /actors",
                        shown(affiliation)
                    )));
                }
                if role.as_deref().is_some_and(|r| r.chars().count() > 200) {
                    return Err(AdditionError::Invalid(
                        "the role is longer than 200 characters".to_owned(),
                    ));
                }
                std::iter::once(name.as_str())
                    .chain(aliases.iter().map(String::as_str))
                    .collect()
            }
        };
        for name in names {
            check_name(name)?;
            for text in [name.to_owned(), capitalise(name)] {
                if let Some(owner) = self.actors.iter().find(|a| {
                    a.aliases
                        .iter()
                        .any(|x| x.text == text || capitalise(&x.text) == text)
                }) {
                    return Err(AdditionError::Clash {
                        alias: name.to_owned(),
                        owner: owner.id.clone(),
                        owner_name: owner.name.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// A name must be something the matcher can find: one line, not blank, not too long, with a
/// letter or digit at each end (matches stand on word boundaries; "U.N." may end in its stop).
fn check_name(name: &str) -> Result<(), AdditionError> {
    let bad = |why: &str| {
        Err(AdditionError::Invalid(format!(
            "the name {} {why}",
            shown(name)
        )))
    };
    if name.trim().is_empty() {
        return bad("is empty");
    }
    if name.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return bad("has fewer than two letters or digits; it would match far too much");
    }
    if super::names::is_common_word(name) {
        return bad("is a common word, capitalised only where it opens a sentence");
    }
    if name.chars().count() > 100 {
        return bad("is longer than 100 characters");
    }
    if name.chars().any(char::is_control) {
        return bad("holds a line break or control character");
    }
    if name.trim() != name {
        return bad("starts or ends with a space");
    }
    let first = name.chars().next().is_some_and(char::is_alphanumeric);
    let last = name
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == '.');
    if !first || !last {
        return bad("must start with a letter or digit and end with one (or a full stop)");
    }
    Ok(())
}

impl TryFrom<ActorEntry> for Actor {
    type Error = GazetteerError;

    fn try_from(entry: ActorEntry) -> Result<Actor, GazetteerError> {
        let mut aliases: Vec<Alias> = Vec::new();
        for alias in entry.aliases {
            let alias = match alias {
                AliasEntry::Plain(text) => Alias {
                    text,
                    rule: AliasRule::Anywhere,
                },
                AliasEntry::Ruled(r) => Alias {
                    rule: match (r.not_before_name, r.before_hyphen_only) {
                        (true, true) => {
                            return Err(GazetteerError(format!(
                                "alias `{}` of `{}` sets both not_before_name and before_hyphen_only; choose one",
                                r.text, entry.id
                            )));
                        }
                        (true, false) => AliasRule::NotBeforeName,
                        (false, true) => AliasRule::BeforeHyphenOnly,
                        (false, false) => AliasRule::Anywhere,
                    },
                    text: r.text,
                },
            };
            if !aliases.iter().any(|a| a.text == alias.text) {
                aliases.push(alias);
            }
        }
        // The display name always matches; an explicit alias of the same text sets its rule.
        if !aliases.iter().any(|a| a.text == entry.name) {
            aliases.insert(
                0,
                Alias {
                    text: entry.name.clone(),
                    rule: AliasRule::Anywhere,
                },
            );
        }
        Ok(Actor {
            id: entry.id,
            name: entry.name,
            kind: entry.kind,
            wikidata: entry.wikidata,
            affiliation: entry.affiliation,
            role: entry.role,
            aliases,
            tone: entry.tone.unwrap_or(0),
        })
    }
}

/// Colours come from the gazetteer, never from a document, so an actor has the same colour
/// everywhere and keeps it as documents are added. A `tone` given in the file is kept (each
/// at most once); the tones left over go to the first actors in file order that have none.
fn assign_tones(mut actors: Vec<Actor>) -> Result<Vec<Actor>, GazetteerError> {
    let mut taken = [false; PALETTE_SIZE as usize + 1];
    for actor in &actors {
        match actor.tone {
            0 => {}
            tone if tone > PALETTE_SIZE => {
                return Err(GazetteerError(format!(
                    "actor `{}` has tone {tone}; tones run from 1 to {PALETTE_SIZE}",
                    actor.id
                )));
            }
            tone if taken[tone as usize] => {
                return Err(GazetteerError(format!(
                    "tone {tone} is given to more than one actor (again to `{}`); each colour names one actor",
                    actor.id
                )));
            }
            tone => taken[tone as usize] = true,
        }
    }
    let mut free = (1..=PALETTE_SIZE).filter(|t| !taken[*t as usize]);
    for actor in actors.iter_mut().filter(|a| a.tone == 0) {
        match free.next() {
            Some(tone) => actor.tone = tone,
            None => break,
        }
    }
    Ok(actors)
}

fn validate_id(actor: &Actor) -> Result<(), GazetteerError> {
    let id = actor.id.as_str();
    let upper = |max: usize| {
        (2..=max).contains(&id.len())
            && id.starts_with(|c: char| c.is_ascii_uppercase())
            && id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    let (valid, expected) = match actor.kind {
        ActorKind::State => (
            id.len() == 3 && id.chars().all(|c| c.is_ascii_uppercase()),
            "an ISO 3166-1 alpha-3 code such as `RUS`",
        ),
        ActorKind::Person => (
            super::slug::Slug::parse(id).is_ok(),
            "a lowercase slug such as `vladimir-putin`",
        ),
        _ => (upper(16), "an upper-case acronym such as `NATO`"),
    };
    if !valid {
        return Err(GazetteerError(format!(
            "actor id `{id}` ({}) must be {expected}",
            actor.kind.as_str()
        )));
    }
    if actor.name.trim().is_empty() || actor.aliases.iter().any(|a| a.text.trim().is_empty()) {
        return Err(GazetteerError(format!(
            "actor `{id}` has an empty name or alias"
        )));
    }
    Ok(())
}

/// Pattern texts for the automaton, and for each its (actor index, rule).
type CompiledPatterns = (Vec<String>, Vec<(usize, AliasRule)>);

/// Every alias text, plus a capitalised twin of aliases that start lower-case ("the
/// Kremlin" also matches "The Kremlin" at a sentence start).
fn compile_patterns(actors: &[Actor]) -> Result<CompiledPatterns, GazetteerError> {
    let mut owner: HashMap<String, &str> = HashMap::new();
    let mut texts = Vec::new();
    let mut patterns = Vec::new();
    for (index, actor) in actors.iter().enumerate() {
        let mut seen = HashSet::new();
        for alias in &actor.aliases {
            for text in [alias.text.clone(), capitalise(&alias.text)] {
                if !seen.insert(text.clone()) {
                    continue;
                }
                if let Some(other) = owner.insert(text.clone(), &actor.id) {
                    return Err(GazetteerError(format!(
                        "alias `{text}` belongs to both `{other}` and `{}`; an alias must name one actor",
                        actor.id
                    )));
                }
                texts.push(text);
                patterns.push((index, alias.rule));
            }
        }
    }
    Ok((texts, patterns))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

fn rule_allows(rule: AliasRule, rest: &str) -> bool {
    match rule {
        AliasRule::Anywhere => true,
        AliasRule::BeforeHyphenOnly => rest.starts_with(['-', '‑', '–']),
        AliasRule::NotBeforeName => {
            let mut chars = rest.chars();
            !(chars.next() == Some(' ') && chars.next().is_some_and(char::is_uppercase))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mention_overlapping_a_span_is_found_among_many() {
        let mentions: Vec<Mention> = (0..1000)
            .map(|i| Mention {
                start: i * 10,
                end: i * 10 + 6,
                actor_id: format!("A{i}"),
                matched: "Moscow".into(),
            })
            .collect();
        let found = |start, end| Mention::overlapping(&mentions, start, end).map(|m| m.start);
        assert_eq!(found(0, 1), Some(0));
        assert_eq!(found(5, 7), Some(0));
        assert_eq!(found(6, 10), None, "the gap between two mentions");
        assert_eq!(found(9, 12), Some(10));
        assert_eq!(found(9_994, 9_999), Some(9_990));
        assert_eq!(found(9_996, 20_000), None, "past the last one");
        assert_eq!(Mention::overlapping(&[], 0, 5), None);
    }

    const GAZETTEER: &str = r#"
        [[actor]]
        id = "RUS"
        name = "Russia"
        kind = "state"
        aliases = ["Moscow", "the Kremlin", "Kremlin", "Russian", { text = "Russo", before_hyphen_only = true }]

        [[actor]]
        id = "PRK"
        name = "North Korea"
        kind = "state"
        aliases = ["Pyongyang", "DPRK", "North Korean"]

        [[actor]]
        id = "KOR"
        name = "South Korea"
        kind = "state"
        aliases = ["Seoul", "ROK"]

        [[actor]]
        id = "CHN"
        name = "China"
        kind = "state"
        aliases = ["Beijing", "Chinese", { text = "Sino", before_hyphen_only = true }]

        [[actor]]
        id = "USA"
        name = "United States"
        kind = "state"
        aliases = ["US", "U.S.", "Washington"]

        [[actor]]
        id = "WEST"
        name = "the West"
        kind = "bloc"
        aliases = [{ text = "the West", not_before_name = true }, { text = "Western", not_before_name = true }]

        [[actor]]
        id = "vladimir-putin"
        name = "Vladimir Putin"
        kind = "person"
        affiliation = "RUS"
        role = "President"
        aliases = ["Putin"]
    "#;

    fn named(text: &str) -> Vec<(String, String)> {
        Gazetteer::parse(GAZETTEER)
            .unwrap()
            .find_mentions(text)
            .into_iter()
            .map(|m| (m.matched, m.actor_id))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn matcher_table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "Pyongyang and Moscow",
                &[("Pyongyang", "PRK"), ("Moscow", "RUS")],
            ),
            ("North Korea", &[("North Korea", "PRK")]),
            (
                "Russia’s reach and Russia's reach",
                &[("Russia", "RUS"), ("Russia", "RUS")],
            ),
            ("Sino-Russian ties", &[("Sino", "CHN"), ("Russian", "RUS")]),
            (
                "Russia–North Korea ties",
                &[("Russia", "RUS"), ("North Korea", "PRK")],
            ),
            (
                "South Korea–Japan and US alliance",
                &[("South Korea", "KOR"), ("US", "USA")],
            ),
            ("let us talk to Russians", &[]),
            (
                "The Kremlin said, and the Kremlin",
                &[("The Kremlin", "RUS"), ("the Kremlin", "RUS")],
            ),
            ("Commentators in the West have", &[("the West", "WEST")]),
            ("the West’s support", &[("the West", "WEST")]),
            ("in the West Bank and West Africa", &[]),
            ("Western powers, Western Europe", &[("Western", "WEST")]),
            (
                "President Vladimir Putin and Putin",
                &[
                    ("Vladimir Putin", "vladimir-putin"),
                    ("Putin", "vladimir-putin"),
                ],
            ),
            ("Sino is not a word alone", &[]),
            (
                "Chinese media, North Korean arms",
                &[("Chinese", "CHN"), ("North Korean", "PRK")],
            ),
            ("Moscowitz and PyongyangX", &[]),
            ("the U.S. and U.S.-led", &[("U.S.", "USA"), ("U.S.", "USA")]),
            ("Korea alone and Korean Peninsula", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(named(text), pairs(expected), "in {text:?}");
        }
    }

    #[test]
    fn mention_offsets_are_code_points() {
        let g = Gazetteer::parse(GAZETTEER).unwrap();
        let m = g.find_mentions("🇺🇦 and Moscow");
        assert_eq!((m[0].start, m[0].end), (7, 13));
    }

    #[test]
    fn invalid_gazetteers_say_what_to_fix() {
        let cases = [
            (
                "[[actor]]\nid = \"Russia\"\nname = \"Russia\"\nkind = \"state\"",
                "ISO 3166-1",
            ),
            (
                "[[actor]]\nid = \"Putin\"\nname = \"Putin\"\nkind = \"person\"",
                "lowercase slug",
            ),
            (
                "[[actor]]\nid = \"a\"\nname = \"A\"\nkind = \"person\"\naffiliation = \"XXX\"",
                "not an actor id",
            ),
            (
                "[[actor]]\nid = \"RUS\"\nname = \"Russia\"\nkind = \"state\"\n[[actor]]\nid = \"SUN\"\nname = \"Soviet Union\"\nkind = \"state\"\naliases = [\"Russia\"]",
                "belongs to both",
            ),
            (
                "[[actor]]\nid = \"RUS\"\nname = \"Russia\"\nkind = \"country\"",
                "unknown variant",
            ),
            (
                "[[actor]]\nid = \"RUS\"\nname = \"Russia\"\nkind = \"state\"\ncolour = 1",
                "colour",
            ),
        ];
        for (toml, hint) in cases {
            let err = Gazetteer::parse(toml).unwrap_err().to_string();
            assert!(err.contains(hint), "{err:?} should mention {hint:?}");
        }
    }

    #[test]
    fn tones_come_from_the_gazetteer_and_name_one_actor_each() {
        let actor = |id: &str, tone: Option<u8>| {
            let tone = tone.map_or(String::new(), |t| format!("tone = {t}\n"));
            format!("[[actor]]\nid = \"{id}\"\nname = \"{id} name\"\nkind = \"state\"\n{tone}")
        };
        let file: String = [
            actor("AAA", None),
            actor("BBB", Some(1)),
            actor("CCC", None),
        ]
        .concat();
        let gazetteer = Gazetteer::parse(&file).unwrap();
        let tones: Vec<(&str, u8)> = gazetteer
            .actors()
            .iter()
            .map(|a| (a.id.as_str(), a.tone))
            .collect();
        assert_eq!(tones, vec![("AAA", 2), ("BBB", 1), ("CCC", 3)]);
        let many: String = "ABCDEFGHIJ"
            .chars()
            .map(|c| actor(&format!("{c}{c}{c}"), None))
            .collect();
        let gazetteer = Gazetteer::parse(&many).unwrap();
        assert_eq!(gazetteer.actors()[7].tone, 8);
        assert_eq!(
            gazetteer.actors()[8].tone,
            0,
            "beyond the palette: the neutral tone"
        );
        let twice = [actor("AAA", Some(2)), actor("BBB", Some(2))].concat();
        assert!(
            Gazetteer::parse(&twice)
                .unwrap_err()
                .to_string()
                .contains("tone 2")
        );
        assert!(
            Gazetteer::parse(&actor("AAA", Some(9)))
                .unwrap_err()
                .to_string()
                .contains("1 to 8")
        );
    }
}
