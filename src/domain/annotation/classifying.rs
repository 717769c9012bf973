//! Corrections of attributions as W3C Web Annotations with motivation `classifying`: what a
//! client sends, and the JSON-LD glossa answers with.
//!
//! The voice is the body: a `SpecificResource` whose source is the voice's page, with a
//! plain-text description beside it; "no one speaks here" is a `TextualBody` saying so. The
//! target is the whole sentence, by quote and position, as for a note. glossa's own fields
//! (`voice`, `outcome`, `ruleVoice`, `anchorStatus`, `paragraph`) say the same for clients that
//! do not read JSON-LD.

use serde::Serialize;
use serde_json::{Map, Value};

use super::jsonld::{CreatorLd, Iris, TargetLd};
use super::model::{FieldError, invalid};
use super::parse::{check_context, known_fields, parse_target, string_field};
use crate::domain::anchor::{Anchor, Selectors};
use crate::domain::reanchor::AnchorStatus;
use crate::domain::voices::Voice;

/// The voice a client gives a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceChoice {
    /// A voice the corpus already has, by id.
    Known(String),
    /// A voice typed by the analyst.
    Typed {
        /// How the page names it.
        label: String,
        /// Whether it speaks for a government.
        official: bool,
        /// The actor it belongs to, by gazetteer id.
        actor: Option<String>,
    },
    /// The sentence reports no one.
    NoOne,
}

/// A correction as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionRequest {
    /// Words of the sentence it is about.
    pub selectors: Selectors,
    /// What the analyst says of it.
    pub voice: VoiceChoice,
}

/// Fields a client may send; the server-set ones are accepted (a client may send back what
/// it read) and ignored, the body with them: `voice` decides.
const FIELDS: &[&str] = &[
    "@context",
    "type",
    "motivation",
    "target",
    "voice",
    "id",
    "body",
    "creator",
    "created",
    "modified",
    "outcome",
    "ruleVoice",
    "anchorStatus",
    "paragraph",
];

/// Parses a correction sent for the document at `document_iri`.
pub fn parse_correction(
    value: &Value,
    document_iri: &str,
) -> Result<CorrectionRequest, FieldError> {
    let object = value
        .as_object()
        .ok_or_else(|| invalid("(root)", "must be a JSON object"))?;
    known_fields(object, FIELDS, "")?;
    check_context(object)?;
    if object.get("type").is_some_and(|t| t != "Annotation") {
        return Err(invalid("type", "must be \"Annotation\""));
    }
    if object.get("motivation").is_some_and(|m| m != "classifying") {
        return Err(invalid(
            "motivation",
            "must be \"classifying\": a correction classifies a sentence by its voice",
        ));
    }
    let selectors = parse_target(object.get("target"), document_iri)?.ok_or_else(|| {
        invalid(
            "target",
            "needs a selector: a correction is about one sentence (TextQuoteSelector and/or TextPositionSelector on words of it)",
        )
    })?;
    let voice = match object.get("voice") {
        None => {
            return Err(invalid(
                "voice",
                "is required: {\"id\": \"…\"} for a known voice, {\"label\": \"…\", \"official\": true|false} for a new one, or null for no one",
            ));
        }
        Some(Value::Null) => VoiceChoice::NoOne,
        Some(Value::Object(voice)) => parse_voice(voice)?,
        Some(_) => return Err(invalid("voice", "must be an object or null")),
    };
    Ok(CorrectionRequest { selectors, voice })
}

fn parse_voice(voice: &Map<String, Value>) -> Result<VoiceChoice, FieldError> {
    known_fields(voice, &["id", "label", "official", "actor"], "voice.")?;
    let id = string_field(voice, "id", "voice.")?;
    let label = string_field(voice, "label", "voice.")?;
    match (id, label) {
        (Some(_), Some(_)) => Err(invalid(
            "voice",
            "gives both an id and a label: give the id of a voice the corpus has, or the label of a new one",
        )),
        (Some(id), None) => Ok(VoiceChoice::Known(id.trim().to_ascii_lowercase())),
        (None, Some(label)) => {
            let official = match voice.get("official") {
                Some(Value::Bool(b)) => *b,
                None => {
                    return Err(invalid(
                        "voice.official",
                        "is required for a new voice: true if it speaks for a government (a ministry, a leader, an official), false if not (analysts, media, scholars)",
                    ));
                }
                Some(_) => return Err(invalid("voice.official", "must be true or false")),
            };
            let actor = string_field(voice, "actor", "voice.")?
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty());
            Ok(VoiceChoice::Typed {
                label: label.to_owned(),
                official,
                actor,
            })
        }
        (None, None) => Err(invalid(
            "voice",
            "needs an id (a known voice) or a label (a new one)",
        )),
    }
}

/// A correction as a W3C Web Annotation in JSON-LD.
#[derive(Debug, Serialize)]
pub struct CorrectionLd<'a> {
    #[serde(rename = "@context")]
    context: (&'static str, String),
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    created: &'a str,
    modified: &'a str,
    creator: CreatorLd<'a>,
    body: Vec<BodyLd>,
    target: TargetLd<'a>,
    /// The voice given, or null for no one.
    voice: Option<VoiceLd<'a>>,
    /// How it stands against the rules.
    outcome: &'a str,
    /// The voice the rules give the sentence.
    #[serde(rename = "ruleVoice")]
    rule_voice: Option<&'a str>,
    #[serde(rename = "anchorStatus")]
    anchor_status: &'static str,
    /// The sentence as it read when the correction was made, when it has changed since.
    #[serde(rename = "originalQuote", skip_serializing_if = "Option::is_none")]
    original_quote: Option<&'a str>,
    /// The paragraph holding the sentence, from 1.
    paragraph: i64,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum BodyLd {
    Resource {
        #[serde(rename = "type")]
        kind: &'static str,
        source: String,
        purpose: &'static str,
    },
    Text {
        #[serde(rename = "type")]
        kind: &'static str,
        value: String,
        format: &'static str,
        purpose: &'static str,
    },
}

#[derive(Debug, Serialize)]
struct VoiceLd<'a> {
    id: &'a str,
    label: &'a str,
    actor: Option<&'a str>,
    official: bool,
}

/// What a correction is made of, as stored.
#[derive(Debug, Clone, Copy)]
pub struct CorrectionParts<'a> {
    /// Its id.
    pub id: &'a str,
    /// The document's slug.
    pub slug: &'a str,
    /// Who made it.
    pub creator: &'a str,
    /// The voice given; `None` for no one.
    pub voice: Option<&'a Voice>,
    /// The sentence.
    pub anchor: &'a Anchor,
    /// Re-anchoring status.
    pub anchor_status: &'static str,
    /// The sentence as it read when the correction was made.
    pub original_quote: &'a str,
    /// The paragraph, from 1.
    pub paragraph: i64,
    /// How it stands against the rules.
    pub outcome: &'a str,
    /// The rules' voice for the sentence.
    pub rule_voice: Option<&'a str>,
    /// RFC 3339.
    pub created: &'a str,
    /// RFC 3339.
    pub modified: &'a str,
}

/// The correction as a W3C Web Annotation.
pub fn correction_jsonld<'a>(c: CorrectionParts<'a>, iris: &Iris) -> CorrectionLd<'a> {
    let body = match c.voice {
        Some(voice) => vec![
            BodyLd::Resource {
                kind: "SpecificResource",
                source: iris.voice(&voice.id),
                purpose: "classifying",
            },
            BodyLd::Text {
                kind: "TextualBody",
                value: format!(
                    "{} ({})",
                    voice.label,
                    if voice.official {
                        "official"
                    } else {
                        "unofficial"
                    }
                ),
                format: "text/plain",
                purpose: "describing",
            },
        ],
        None => vec![BodyLd::Text {
            kind: "TextualBody",
            value: "No one: this sentence reports no one's view.".to_owned(),
            format: "text/plain",
            purpose: "classifying",
        }],
    };
    CorrectionLd {
        context: iris.contexts(),
        id: iris.voice_correction(c.slug, c.id),
        kind: "Annotation",
        motivation: "classifying",
        created: c.created,
        modified: c.modified,
        creator: CreatorLd::analyst(iris, c.creator),
        body,
        target: TargetLd::passage(
            iris,
            c.slug,
            c.anchor,
            c.anchor_status == AnchorStatus::Orphan.as_str(),
        ),
        voice: c.voice.map(|v| VoiceLd {
            id: &v.id,
            label: &v.label,
            actor: v.actor.as_deref(),
            official: v.official,
        }),
        outcome: c.outcome,
        rule_voice: c.rule_voice,
        anchor_status: c.anchor_status,
        original_quote: (c.original_quote != c.anchor.exact).then_some(c.original_quote),
        paragraph: c.paragraph,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = "http://x/documents/d";

    fn target() -> Value {
        json!({"source": DOC, "selector": {"type": "TextQuoteSelector", "exact": "analysts"}})
    }

    #[test]
    fn each_kind_of_voice_is_read() {
        let known = parse_correction(
            &json!({"target": target(), "voice": {"id": " CHN-Analysts "}}),
            DOC,
        )
        .unwrap();
        assert_eq!(known.voice, VoiceChoice::Known("chn-analysts".into()));
        let typed = parse_correction(
            &json!({"motivation": "classifying", "target": target(),
                    "voice": {"label": "KCNA", "official": true, "actor": "prk"}}),
            DOC,
        )
        .unwrap();
        assert_eq!(
            typed.voice,
            VoiceChoice::Typed {
                label: "KCNA".into(),
                official: true,
                actor: Some("prk".into())
            }
        );
        let none = parse_correction(&json!({"target": target(), "voice": null}), DOC).unwrap();
        assert_eq!(none.voice, VoiceChoice::NoOne);
        assert_eq!(none.selectors.quote.unwrap().exact, "analysts");
    }

    #[test]
    fn bad_input_names_the_field_to_fix() {
        let cases = [
            (json!({"target": target()}), "voice"),
            (json!({"target": target(), "voice": "rus"}), "voice"),
            (
                json!({"target": target(), "voice": {"label": "KCNA"}}),
                "voice.official",
            ),
            (json!({"target": target(), "voice": {}}), "voice"),
            (
                json!({"target": target(), "voice": {"id": "rus", "colour": 1}}),
                "voice.colour",
            ),
            (json!({"target": DOC, "voice": null}), "target"),
            (
                json!({"target": target(), "voice": null, "motivation": "commenting"}),
                "motivation",
            ),
            (
                json!({"target": target(), "voice": null, "stray": 1}),
                "stray",
            ),
            (json!([1]), "(root)"),
        ];
        for (value, field) in cases {
            let error = parse_correction(&value, DOC).unwrap_err();
            assert_eq!(error.field, field, "{value}");
        }
    }

    #[test]
    fn the_json_ld_has_the_voice_as_a_classifying_body() {
        let iris = Iris::new("http://x");
        let anchor = Anchor {
            start: 3,
            end: 9,
            exact: "They n".into(),
            prefix: "".into(),
            suffix: "".into(),
        };
        let voice = Voice {
            id: "rus".into(),
            label: "Russia".into(),
            actor: Some("rus".into()),
            official: true,
        };
        let parts = CorrectionParts {
            id: "abc",
            slug: "d",
            creator: "alice",
            voice: Some(&voice),
            anchor: &anchor,
            anchor_status: "exact",
            original_quote: "They n",
            paragraph: 2,
            outcome: "reassigned",
            rule_voice: Some("Chinese analysts"),
            created: "2026-12-03T00:00:00Z",
            modified: "2026-12-03T00:00:00Z",
        };
        let v = serde_json::to_value(correction_jsonld(parts, &iris)).unwrap();
        assert_eq!(v["motivation"], "classifying");
        assert_eq!(v["id"], "http://x/api/documents/d/voices/corrections/abc");
        assert_eq!(v["body"][0]["source"], "http://x/voices/rus");
        assert_eq!(v["body"][0]["purpose"], "classifying");
        assert_eq!(v["target"]["selector"][1]["start"], 3);
        assert_eq!(v["creator"]["name"], "alice");
        let none = CorrectionParts {
            voice: None,
            ..parts
        };
        let v = serde_json::to_value(correction_jsonld(none, &iris)).unwrap();
        assert_eq!(v["body"][0]["purpose"], "classifying");
        assert!(v["voice"].is_null());
    }
}
