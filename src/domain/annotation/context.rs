//! glossa's own JSON-LD context, served at `/ns/glossa.jsonld` and listed after the W3C
//! context in every annotation's `@context`: it maps the properties glossa adds to the W3C
//! model into glossa's vocabulary, so that a JSON-LD processor keeps them rather than
//! dropping them as undefined terms.

use serde_json::{Value, json};

use super::jsonld::Iris;

/// The properties glossa adds, each with what it means (the context's comments are kept in
/// the README, since JSON-LD has none).
pub const TERMS: &[(&str, &str)] = &[
    (
        "sourceReliability",
        "Admiralty source reliability, \"A\" (completely reliable) to \"F\" (cannot be judged), of an assessing note's passage",
    ),
    (
        "credibility",
        "Admiralty information credibility, 1 (confirmed by other sources) to 6 (truth cannot be judged), of an assessing note's passage",
    ),
    (
        "visibility",
        "who may read the note: private, team or public",
    ),
    (
        "anchorStatus",
        "how the note's passage stands in the current text: exact, moved, fuzzy, ambiguous or orphan",
    ),
    (
        "originalQuote",
        "the passage as its author chose it, when the text has changed since",
    ),
    (
        "voice",
        "the voice an analyst's correction gives a sentence",
    ),
    (
        "official",
        "whether a voice is official (governments, ministries, leaders)",
    ),
    ("actor", "the actor a voice belongs to"),
    (
        "outcome",
        "how a correction stands against the attribution rules",
    ),
    (
        "ruleVoice",
        "the voice the attribution rules give the sentence",
    ),
    ("paragraph", "the paragraph holding the passage, from 1"),
];

/// The context document.
pub fn glossa_context(iris: &Iris) -> Value {
    let mut terms = serde_json::Map::new();
    terms.insert("glossa".into(), json!(iris.glossa_vocabulary()));
    terms.insert("xsd".into(), json!("http://www.w3.org/2001/XMLSchema#"));
    for (term, _) in TERMS {
        let definition = match *term {
            "credibility" | "paragraph" => {
                json!({"@id": format!("glossa:{term}"), "@type": "xsd:integer"})
            }
            "official" => json!({"@id": format!("glossa:{term}"), "@type": "xsd:boolean"}),
            _ => json!(format!("glossa:{term}")),
        };
        terms.insert((*term).into(), definition);
    }
    json!({ "@context": terms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_property_glossa_writes_is_defined() {
        let context = glossa_context(&Iris::new("https://glossa.example.org"));
        let terms = context["@context"].as_object().unwrap();
        assert_eq!(terms["glossa"], "https://glossa.example.org/ns/glossa#");
        assert_eq!(terms["credibility"]["@type"], "xsd:integer");
        assert_eq!(terms["sourceReliability"], "glossa:sourceReliability");
        for term in ["visibility", "anchorStatus", "originalQuote", "ruleVoice"] {
            assert!(terms.contains_key(term), "{term}");
        }
    }
}
