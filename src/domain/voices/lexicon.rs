//! The words attribution rules read: reporting cues in every form, the nouns that name a
//! voice, and the closed classes (auxiliaries, determiners, connectives) that frame them.
//!
//! Cue forms are generated from their lemmas (never matched as stems), in British and
//! American spellings. A *weak* cue ("note", "feel", "believe") is also an everyday word; it
//! counts only inside a frame: a that-clause, a colon, a parenthetical comma, an "as" clause
//! or a subject that names people who speak (a voice noun or a person), never a bare state
//! ("Russia claims the territory").

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// How strongly a word form marks reported speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// A reporting verb in nearly every use ("said", "argued", "warned").
    Strong,
    /// Reporting only in a frame ("noted", "feel", "perceive", "express").
    Weak,
}

/// Reporting verbs by lemma, with the forms English spelling does not derive by rule.
struct Verb {
    lemma: &'static str,
    strength: Strength,
    irregular: &'static [&'static str],
}

const fn strong(lemma: &'static str) -> Verb {
    Verb {
        lemma,
        strength: Strength::Strong,
        irregular: &[],
    }
}

const fn weak(lemma: &'static str) -> Verb {
    Verb {
        lemma,
        strength: Strength::Weak,
        irregular: &[],
    }
}

const VERBS: &[Verb] = &[
    Verb {
        lemma: "say",
        strength: Strength::Strong,
        irregular: &["says", "said", "saying"],
    },
    Verb {
        lemma: "tell",
        strength: Strength::Strong,
        irregular: &["tells", "told", "telling"],
    },
    Verb {
        lemma: "write",
        strength: Strength::Strong,
        irregular: &["writes", "wrote", "written", "writing"],
    },
    Verb {
        lemma: "feel",
        strength: Strength::Weak,
        irregular: &["feels", "felt", "feeling"],
    },
    Verb {
        lemma: "think",
        strength: Strength::Weak,
        irregular: &["thinks", "thought", "thinking"],
    },
    Verb {
        lemma: "hold",
        strength: Strength::Weak,
        irregular: &["holds", "held", "holding"],
    },
    Verb {
        lemma: "forecast",
        strength: Strength::Strong,
        irregular: &["forecasts", "forecast", "forecasting"],
    },
    strong("argue"),
    strong("urge"),
    weak("ask"),
    strong("call"),
    strong("posit"),
    strong("contend"),
    strong("opine"),
    weak("note"),
    weak("observe"),
    strong("warn"),
    strong("assert"),
    strong("insist"),
    strong("speculate"),
    strong("emphasise"),
    strong("emphasize"),
    weak("express"),
    weak("believe"),
    weak("perceive"),
    strong("hint"),
    weak("claim"),
    strong("deny"),
    strong("dismiss"),
    weak("report"),
    strong("add"),
    strong("explain"),
    weak("state"),
    strong("mention"),
    strong("comment"),
    strong("remark"),
    strong("announce"),
    strong("reply"),
    strong("respond"),
    weak("acknowledge"),
    strong("confirm"),
    strong("suggest"),
    weak("maintain"),
    strong("stress"),
    strong("underline"),
    strong("underscore"),
    strong("caution"),
    strong("declare"),
    strong("reiterate"),
    weak("highlight"),
    strong("predict"),
    weak("expect"),
    weak("fear"),
    strong("surmise"),
    strong("reckon"),
    strong("concede"),
    strong("allege"),
    strong("accuse"),
    strong("criticise"),
    strong("criticize"),
    strong("condemn"),
    strong("reject"),
    weak("question"),
    strong("doubt"),
    weak("attribute"),
    weak("view"),
    weak("describe"),
    weak("characterise"),
    weak("characterize"),
    weak("point"),
];

/// Participles that make an agentless cue after a form of "be" ("it is noted that", "China
/// is argued to be", "the scale is deemed to be low").
const PASSIVE: &[&str] = &[
    "said",
    "noted",
    "argued",
    "flagged",
    "deemed",
    "believed",
    "thought",
    "reported",
    "claimed",
    "alleged",
    "suggested",
    "expected",
    "seen",
    "considered",
    "feared",
    "understood",
    "rumoured",
    "rumored",
    "estimated",
    "viewed",
    "perceived",
    "assessed",
    "observed",
    "stressed",
    "emphasised",
    "emphasized",
    "highlighted",
    "speculated",
    "posited",
    "contended",
    "felt",
];

/// A reporting verb form, lower-case, with its lemma and strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CueForm {
    /// The lemma it is a form of.
    pub lemma: &'static str,
    /// How strongly it marks reported speech.
    pub strength: Strength,
    /// An `-ing` form: a participle or a gerund, never a finite verb.
    pub participle: bool,
}

/// The form of a reporting verb that `word` (lower-case) is, if any.
pub fn cue_form(word: &str) -> Option<CueForm> {
    CUE_FORMS.get(word).copied()
}

/// Every form of every reporting verb, made once: attribution looks up every word of the
/// corpus here, so with a fast hash rather than one that resists crafted keys.
static CUE_FORMS: LazyLock<FxHashMap<String, CueForm>> = LazyLock::new(|| {
    let mut all = FxHashMap::default();
    for verb in VERBS {
        for form in forms(verb) {
            let participle = form.ends_with("ing");
            all.entry(form).or_insert(CueForm {
                lemma: verb.lemma,
                strength: verb.strength,
                participle,
            });
        }
    }
    all
});

/// Whether `word` (lower-case) makes an agentless cue after "is", "are", "was" or "were".
pub fn is_passive_cue(word: &str) -> bool {
    PASSIVE.contains(&word)
}

/// Every form of a verb: base, third person, past and participles.
fn forms(verb: &Verb) -> Vec<String> {
    if !verb.irregular.is_empty() {
        let mut forms = vec![verb.lemma.to_owned()];
        forms.extend(verb.irregular.iter().map(|f| (*f).to_owned()));
        return forms;
    }
    let lemma = verb.lemma;
    let (third, past, ing) = if let Some(stem) = lemma.strip_suffix('e') {
        (
            format!("{lemma}s"),
            format!("{lemma}d"),
            format!("{stem}ing"),
        )
    } else if let Some(stem) = lemma
        .strip_suffix('y')
        .filter(|stem| !stem.ends_with(['a', 'e', 'o', 'u']))
    {
        (
            format!("{stem}ies"),
            format!("{stem}ied"),
            format!("{lemma}ing"),
        )
    } else if lemma.ends_with("ss") || lemma.ends_with("sh") || lemma.ends_with('x') {
        (
            format!("{lemma}es"),
            format!("{lemma}ed"),
            format!("{lemma}ing"),
        )
    } else {
        (
            format!("{lemma}s"),
            format!("{lemma}ed"),
            format!("{lemma}ing"),
        )
    };
    vec![lemma.to_owned(), third, past, ing]
}

/// Whether a noun names people or bodies who speak for a state, and so speak officially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Governments, ministries, leaders, officials, state organs, spokespeople.
    Official,
    /// Analysts, commentators, observers, critics, media, scholars.
    Unofficial,
}

/// Nouns that name a voice, lower-case, with the plural a group of them is filed under.
const VOICE_NOUNS: &[(&str, &str, Standing)] = &[
    ("analyst", "analysts", Standing::Unofficial),
    ("analysts", "analysts", Standing::Unofficial),
    ("commentator", "commentators", Standing::Unofficial),
    ("commentators", "commentators", Standing::Unofficial),
    ("observer", "observers", Standing::Unofficial),
    ("observers", "observers", Standing::Unofficial),
    ("expert", "experts", Standing::Unofficial),
    ("experts", "experts", Standing::Unofficial),
    ("scholar", "scholars", Standing::Unofficial),
    ("scholars", "scholars", Standing::Unofficial),
    ("academic", "academics", Standing::Unofficial),
    ("academics", "academics", Standing::Unofficial),
    ("researcher", "researchers", Standing::Unofficial),
    ("researchers", "researchers", Standing::Unofficial),
    ("critic", "critics", Standing::Unofficial),
    ("critics", "critics", Standing::Unofficial),
    ("pundit", "pundits", Standing::Unofficial),
    ("pundits", "pundits", Standing::Unofficial),
    ("media", "media", Standing::Unofficial),
    ("press", "media", Standing::Unofficial),
    ("newspaper", "newspapers", Standing::Unofficial),
    ("newspapers", "newspapers", Standing::Unofficial),
    ("journalist", "journalists", Standing::Unofficial),
    ("journalists", "journalists", Standing::Unofficial),
    ("editorial", "editorials", Standing::Unofficial),
    ("editorials", "editorials", Standing::Unofficial),
    ("columnist", "columnists", Standing::Unofficial),
    ("columnists", "columnists", Standing::Unofficial),
    ("economist", "economists", Standing::Unofficial),
    ("economists", "economists", Standing::Unofficial),
    ("strategist", "strategists", Standing::Unofficial),
    ("strategists", "strategists", Standing::Unofficial),
    ("specialist", "specialists", Standing::Unofficial),
    ("specialists", "specialists", Standing::Unofficial),
    ("commentary", "commentators", Standing::Unofficial),
    ("bloggers", "bloggers", Standing::Unofficial),
    ("activists", "activists", Standing::Unofficial),
    ("diplomats", "diplomats", Standing::Official),
    ("diplomat", "diplomats", Standing::Official),
    ("officials", "officials", Standing::Official),
    ("ministry", "ministry", Standing::Official),
    ("minister", "minister", Standing::Official),
    ("ministers", "ministers", Standing::Official),
    ("government", "government", Standing::Official),
    ("governments", "governments", Standing::Official),
    ("administration", "administration", Standing::Official),
    ("cabinet", "cabinet", Standing::Official),
    ("president", "president", Standing::Official),
    ("premier", "premier", Standing::Official),
    ("spokesperson", "spokesperson", Standing::Official),
    ("spokesman", "spokesperson", Standing::Official),
    ("spokeswoman", "spokesperson", Standing::Official),
    ("spokespeople", "spokesperson", Standing::Official),
    ("ambassador", "ambassador", Standing::Official),
    ("embassy", "embassy", Standing::Official),
    ("military", "military", Standing::Official),
    ("army", "military", Standing::Official),
    ("leadership", "leadership", Standing::Official),
    ("leaders", "leaders", Standing::Official),
    ("authorities", "authorities", Standing::Official),
    ("parliament", "parliament", Standing::Official),
    ("council", "council", Standing::Official),
    ("office", "office", Standing::Official),
    ("department", "department", Standing::Official),
    ("agency", "agency", Standing::Official),
    ("secretary", "secretary", Standing::Official),
    ("envoy", "envoy", Standing::Official),
    ("negotiators", "negotiators", Standing::Official),
    ("lawmakers", "lawmakers", Standing::Official),
    ("chiefs", "chiefs", Standing::Official),
    ("command", "command", Standing::Official),
    ("forces", "forces", Standing::Official),
    ("navy", "navy", Standing::Official),
    ("guard", "guard", Standing::Official),
    ("television", "media", Standing::Unofficial),
    ("tv", "media", Standing::Unofficial),
    ("radio", "media", Standing::Unofficial),
    ("broadcaster", "media", Standing::Unofficial),
    ("outlet", "media", Standing::Unofficial),
    ("outlets", "media", Standing::Unofficial),
    ("fund", "fund", Standing::Official),
    ("bank", "bank", Standing::Official),
    ("institute", "institutes", Standing::Unofficial),
    ("institutes", "institutes", Standing::Unofficial),
    ("university", "universities", Standing::Unofficial),
    ("foundation", "foundations", Standing::Unofficial),
    ("centre", "centres", Standing::Unofficial),
    ("center", "centres", Standing::Unofficial),
];

/// A voice noun: what `word` (any case) names, filed under a plural, and its standing.
pub fn voice_noun(word: &str) -> Option<(&'static str, Standing)> {
    // Voice nouns are ASCII: a word with capitals is lowered without allocating only when
    // it has to be.
    if word.bytes().any(|b| b.is_ascii_uppercase()) {
        VOICE_NOUN_INDEX
            .get(word.to_ascii_lowercase().as_str())
            .copied()
    } else {
        VOICE_NOUN_INDEX.get(word).copied()
    }
}

static VOICE_NOUN_INDEX: LazyLock<FxHashMap<&'static str, (&'static str, Standing)>> =
    LazyLock::new(|| {
        VOICE_NOUNS
            .iter()
            .map(|(form, group, standing)| (*form, (*group, *standing)))
            .collect()
    });

/// Modifiers that take a voice out of office ("former officials", "retired diplomats").
pub const OUT_OF_OFFICE: &[&str] = &["former", "retired", "ex", "onetime", "erstwhile"];

/// Words that may stand inside a verb group before the cue: auxiliaries, modals, adverbs.
pub const VERB_GROUP: &[&str] = &[
    "have",
    "has",
    "had",
    "having",
    "been",
    "be",
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "shall",
    "should",
    "may",
    "might",
    "can",
    "could",
    "must",
    "do",
    "does",
    "did",
    "also",
    "however",
    "further",
    "often",
    "repeatedly",
    "long",
    "publicly",
    "openly",
    "privately",
    "recently",
    "already",
    "consistently",
    "previously",
    "still",
    "now",
    "then",
    "too",
    "even",
    "generally",
    "broadly",
    "largely",
    "mostly",
    "widely",
    "increasingly",
    "firmly",
    "strongly",
    "explicitly",
    "reportedly",
    "reasonably",
    "rightly",
    "correctly",
    "frequently",
    "sometimes",
    "all",
    "both",
];

/// Asides set off by commas between a subject and its verb ("diplomats, however, fear",
/// "the Kremlin, for its part, insists").
pub const PARENTHETICALS: &[&str] = &[
    "however",
    "meanwhile",
    "too",
    "though",
    "moreover",
    "therefore",
    "instead",
    "nonetheless",
    "nevertheless",
    "also",
    "likewise",
    "similarly",
    "privately",
    "publicly",
    "for its part",
    "for their part",
    "for his part",
    "for her part",
    "in turn",
    "by contrast",
    "in particular",
    "in response",
];

/// Nouns of time, which "this" and "these" point to without taking up an argument ("this
/// month").
pub const TIME_NOUNS: &[&str] = &[
    "month",
    "week",
    "year",
    "time",
    "morning",
    "afternoon",
    "evening",
    "spring",
    "summer",
    "autumn",
    "winter",
    "decade",
    "century",
    "day",
    "quarter",
    "season",
    "weekend",
];

/// Modal verbs: before a cue's base form they speak of what might be said.
pub const MODALS: &[&str] = &[
    "would", "could", "might", "may", "should", "will", "shall", "can", "must",
];

/// Words that negate a cue, so that it reports nothing ("has not commented").
pub const NEGATIONS: &[&str] = &["not", "never", "n't", "no", "neither", "nor", "hardly"];

/// Verbs after which a cue is withheld ("refrained from expressing", "declined to comment").
pub const WITHHOLDING: &[&str] = &[
    "refrained",
    "refrain",
    "refrains",
    "declined",
    "declines",
    "decline",
    "refused",
    "refuses",
    "avoided",
    "avoids",
    "stopped",
];

/// Words that open a clause: a subject never reaches back across them.
pub const CLAUSE_OPENERS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "while", "whilst", "although", "though", "because",
    "since", "if", "when", "whereas", "as", "unless", "whether", "but", "yet", "so", "where",
    "after", "before", "once", "until",
];

/// Leading words a voice's label leaves out ("A section of Chinese commentators" → "Chinese
/// commentators").
pub const LABEL_DROPS: &[&str] = &[
    "the", "a", "an", "some", "many", "several", "most", "few", "certain", "these", "those",
    "other", "others", "various", "numerous", "section", "number", "group", "part", "of", "one",
    "two", "three", "both", "all", "its", "their",
];

/// Prepositions whose phrase may qualify a voice when its object names an actor ("analysts in
/// Chinese media", "Commentators in the West", "officials of the Russian foreign ministry").
pub const QUALIFYING_PREPOSITIONS: &[&str] = &["in", "of", "from", "at", "with", "for"];

/// Sentence openers that carry a reported view on ("Further, …", "Likewise, …").
pub const CONTINUATIONS: &[&str] = &[
    "further",
    "furthermore",
    "also",
    "besides",
    "moreover",
    "likewise",
    "similarly",
    "therefore",
    "thus",
    "hence",
    "additionally",
    "consequently",
    "accordingly",
    "instead",
];

/// Words inside a sentence that mark it as the reported view going on: modality and the
/// anaphora of an argument in progress.
pub const CONTINUATION_MARKERS: &[&str] = &[
    "could", "would", "might", "may", "likely", "unlikely", "will", "possibly", "probably",
];

/// Sentence openers that turn away from the reported view ("However, …").
pub const PIVOTS: &[&str] = &[
    "however",
    "but",
    "yet",
    "nonetheless",
    "nevertheless",
    "still",
    "conversely",
    "meanwhile",
];

/// Pronouns that may stand for a voice, with whether they need a group, a person or a
/// single body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    /// they, them, their.
    Plural,
    /// he, she, him, her, his.
    Person,
    /// it, its.
    Body,
}

/// The pronoun `word` (any case) is, if it may stand for a voice.
pub fn pronoun(word: &str) -> Option<Pronoun> {
    match word.to_lowercase().as_str() {
        "they" | "them" | "their" => Some(Pronoun::Plural),
        "he" | "she" | "him" | "her" | "his" => Some(Pronoun::Person),
        "it" | "its" => Some(Pronoun::Body),
        _ => None,
    }
}

/// Words by which the author speaks: a sentence with one is the author's, never a voice.
pub const AUTHOR_WORDS: &[&str] = &["i", "we", "our", "us", "my"];

/// Openings by which the author states a stance of their own ("It is noteworthy that").
pub const AUTHOR_STANCES: &[&str] = &[
    "noteworthy",
    "important",
    "clear",
    "worth",
    "evident",
    "notable",
    "significant",
    "striking",
    "interesting",
    "remarkable",
    "obvious",
    "true",
    "possible",
    "natural",
];

/// Nouns that, after "there is/are", make an agentless cue ("there are concerns whether").
pub const AGENTLESS_NOUNS: &[&str] = &[
    "concern",
    "concerns",
    "speculation",
    "fears",
    "fear",
    "worries",
    "doubts",
    "suggestions",
    "reports",
    "claims",
];

/// Words that make the next one a noun or an adjective: "the report", "the armed forces".
pub const DETERMINERS: &[&str] = &[
    "the", "a", "an", "their", "its", "his", "her", "our", "this", "that", "these", "those",
    "such", "no", "any",
];

/// A part of a group that speaks for it: ", with some calling for …".
pub const PARTITIVES: &[&str] = &["some", "many", "several", "most", "others", "one", "few"];

/// Common irregular past tenses, which end a main clause's subject ("Commentators went
/// further, …") as a regular "-ed" does.
pub const IRREGULAR_PASTS: &[&str] = &[
    "went", "made", "took", "gave", "came", "struck", "held", "kept", "led", "met", "sent", "left",
    "stood", "fell", "rose", "grew", "became", "began", "found", "brought", "won", "lost", "saw",
    "drew", "threw", "spent", "sought", "ran", "set", "put",
];

/// Nouns for a view that a possessor holds ("Seoul's view is that", "in Beijing's view").
pub const VIEW_NOUNS: &[&str] = &[
    "view",
    "views",
    "argument",
    "assessment",
    "belief",
    "concern",
    "contention",
    "conclusion",
    "position",
    "opinion",
    "perception",
    "understanding",
    "words",
    "eyes",
    "estimation",
    "judgement",
    "judgment",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verb_forms_follow_english_spelling() {
        for (word, lemma) in [
            ("argued", "argue"),
            ("arguing", "argue"),
            ("argues", "argue"),
            ("denies", "deny"),
            ("denied", "deny"),
            ("said", "say"),
            ("told", "tell"),
            ("felt", "feel"),
            ("emphasise", "emphasise"),
            ("emphasizes", "emphasize"),
            ("expresses", "express"),
            ("speculating", "speculate"),
            ("opine", "opine"),
            ("posit", "posit"),
        ] {
            assert_eq!(cue_form(word).map(|f| f.lemma), Some(lemma), "{word}");
        }
        for word in ["arguement", "sai", "stat", "argu", "unitedstates"] {
            assert_eq!(cue_form(word), None, "{word}");
        }
        assert!(cue_form("asserting").is_some_and(|f| f.participle));
        assert!(cue_form("noted").is_some_and(|f| f.strength == Strength::Weak));
    }

    #[test]
    fn voice_nouns_know_their_standing() {
        assert_eq!(
            voice_noun("Analysts"),
            Some(("analysts", Standing::Unofficial))
        );
        assert_eq!(
            voice_noun("Ministry"),
            Some(("ministry", Standing::Official))
        );
        assert_eq!(
            voice_noun("spokesman"),
            Some(("spokesperson", Standing::Official))
        );
        assert_eq!(voice_noun("sanctions"), None);
    }
}
