//! [`Note`] → W3C Web Annotation JSON-LD, and the IRIs it uses.

use serde::Serialize;

use super::model::{ANNO_CONTEXT, Note};
use crate::domain::anchor::Anchor;
use crate::domain::reanchor::AnchorStatus;

/// IRIs built from the configured public base URL, never from a request's Host header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iris {
    base: String,
}

impl Iris {
    /// `base` like `http://127.0.0.1:8080` (a trailing slash is dropped).
    pub fn new(base: &str) -> Iris {
        Iris {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The document's IRI: its reader page.
    pub fn document(&self, slug: &str) -> String {
        format!("{}/documents/{slug}", self.base)
    }

    /// The annotation container of a document (ends with `/`).
    pub fn container(&self, slug: &str) -> String {
        format!("{}/api/documents/{slug}/annotations/", self.base)
    }

    /// One annotation.
    pub fn annotation(&self, slug: &str, id: &str) -> String {
        format!("{}{id}", self.container(slug))
    }

    /// An analyst.
    pub fn analyst(&self, name: &str) -> String {
        format!("{}/analysts/{name}", self.base)
    }

    /// glossa's own JSON-LD context, listed after the W3C one: it defines the properties the
    /// W3C model lacks (`sourceReliability`, `credibility`, `visibility`, …).
    pub fn glossa_context(&self) -> String {
        format!("{}/ns/glossa.jsonld", self.base)
    }

    /// glossa's vocabulary, which its context maps its properties into.
    pub fn glossa_vocabulary(&self) -> String {
        format!("{}/ns/glossa#", self.base)
    }

    /// The `@context` of an annotation: the W3C context, then glossa's.
    pub(super) fn contexts(&self) -> (&'static str, String) {
        (ANNO_CONTEXT, self.glossa_context())
    }

    /// A voice's page.
    pub fn voice(&self, id: &str) -> String {
        format!("{}/voices/{id}", self.base)
    }

    /// An analyst's correction of an attribution.
    pub fn voice_correction(&self, slug: &str, id: &str) -> String {
        format!("{}/api/documents/{slug}/voices/corrections/{id}", self.base)
    }
}

impl<'a> CreatorLd<'a> {
    /// The analyst `name` as a W3C creator.
    pub(super) fn analyst(iris: &Iris, name: &'a str) -> CreatorLd<'a> {
        CreatorLd {
            id: iris.analyst(name),
            kind: "Person",
            name,
        }
    }
}

impl<'a> TargetLd<'a> {
    /// A passage of the document `slug`, by quote and position; an orphan's by its quote
    /// alone, since its position was in a text that has changed and now covers other words.
    pub(super) fn passage(
        iris: &Iris,
        slug: &str,
        anchor: &'a Anchor,
        orphan: bool,
    ) -> TargetLd<'a> {
        let quote = QuoteLd {
            kind: "TextQuoteSelector",
            exact: &anchor.exact,
            prefix: &anchor.prefix,
            suffix: &anchor.suffix,
        };
        let selector = if orphan {
            SelectorLd::Quote(quote)
        } else {
            SelectorLd::QuoteAndPosition((
                quote,
                PositionLd {
                    kind: "TextPositionSelector",
                    start: anchor.start,
                    end: anchor.end,
                },
            ))
        };
        TargetLd::Passage {
            source: iris.document(slug),
            selector,
        }
    }
}

/// A note as a W3C Web Annotation in JSON-LD, ready to serialise. Typed rather than built
/// as a `serde_json::Value`, so writing a thousand of them costs little.
#[derive(Debug, Serialize)]
pub struct AnnotationLd<'a> {
    #[serde(rename = "@context")]
    context: (&'static str, String),
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'a str,
    created: &'a str,
    modified: &'a str,
    creator: CreatorLd<'a>,
    visibility: &'static str,
    /// glossa's re-anchoring status: exact, moved, fuzzy, ambiguous or orphan.
    #[serde(rename = "anchorStatus", skip_serializing_if = "Option::is_none")]
    anchor_status: Option<&'static str>,
    /// The author's quote, when the text it anchors to has since changed.
    #[serde(rename = "originalQuote", skip_serializing_if = "Option::is_none")]
    original_quote: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    body: Vec<BodyLd<'a>>,
    target: TargetLd<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    canonical: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<OneOrMany<'a>>,
    /// The Admiralty reliability (A–F) of the passage's source, by an assessing note.
    #[serde(rename = "sourceReliability", skip_serializing_if = "Option::is_none")]
    source_reliability: Option<&'static str>,
    /// The Admiralty credibility (1–6) of the passage's claim, by an assessing note.
    #[serde(skip_serializing_if = "Option::is_none")]
    credibility: Option<u8>,
}

/// One value as itself, several as an array, as the W3C model writes them.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum OneOrMany<'a> {
    One(&'a str),
    Many(&'a [String]),
}

impl<'a> OneOrMany<'a> {
    fn of(items: &'a [String]) -> Option<OneOrMany<'a>> {
        match items {
            [] => None,
            [one] => Some(OneOrMany::One(one)),
            many => Some(OneOrMany::Many(many)),
        }
    }
}

#[derive(Debug, Serialize)]
pub(super) struct CreatorLd<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Debug, Serialize)]
struct BodyLd<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    value: std::borrow::Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    purpose: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
}

/// A passage of the document, or an IRI alone: the document's (a page note) or the note a
/// reply answers.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum TargetLd<'a> {
    Passage {
        source: String,
        selector: SelectorLd<'a>,
    },
    Iri(String),
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum SelectorLd<'a> {
    QuoteAndPosition((QuoteLd<'a>, PositionLd)),
    Quote(QuoteLd<'a>),
}

#[derive(Debug, Serialize)]
pub(super) struct QuoteLd<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

#[derive(Debug, Serialize)]
pub(super) struct PositionLd {
    #[serde(rename = "type")]
    kind: &'static str,
    start: usize,
    end: usize,
}

/// The purpose a note's text body is given when the client gave none: the note's motivation,
/// or `describing` for a tagging note.
pub fn implied_body_purpose(motivation: &str) -> &str {
    match motivation {
        "tagging" => "describing",
        motivation => motivation,
    }
}

/// The note as a W3C Web Annotation in JSON-LD.
///
/// The text body carries the `purpose` its client gave, or else the note's motivation,
/// except for tagging notes, whose text (if any) is `describing`, so that reading it back
/// never turns the text into a tag. An empty text body is left out. A page note's target is
/// the document's IRI alone.
pub fn to_jsonld<'a>(note: &'a Note, iris: &Iris) -> AnnotationLd<'a> {
    let mut body = Vec::with_capacity(note.tags.len() + 1);
    if !note.body.is_empty() {
        let purpose = note
            .kept
            .body_purpose
            .as_deref()
            .unwrap_or_else(|| implied_body_purpose(&note.motivation));
        body.push(BodyLd {
            kind: "TextualBody",
            value: note.body.as_str().into(),
            format: Some("text/markdown"),
            purpose,
            language: note.kept.body_language.as_deref(),
        });
    }
    body.extend(note.tags.iter().map(|t| BodyLd {
        kind: "TextualBody",
        value: t.as_str().into(),
        format: None,
        purpose: "tagging",
        language: None,
    }));
    // The grades again as MISP machine tags, for tools that read tags but not glossa's context.
    body.extend(note.grades.machine_tags().into_iter().map(|t| BodyLd {
        kind: "TextualBody",
        value: t.into(),
        format: None,
        purpose: "tagging",
        language: None,
    }));
    let target = match (&note.reply_to, &note.anchor) {
        (Some(parent), _) => TargetLd::Iri(iris.annotation(&note.document_slug, parent)),
        (None, None) => TargetLd::Iri(iris.document(&note.document_slug)),
        (None, Some(anchor)) => TargetLd::passage(
            iris,
            &note.document_slug,
            anchor,
            note.status == AnchorStatus::Orphan,
        ),
    };
    AnnotationLd {
        context: iris.contexts(),
        id: iris.annotation(&note.document_slug, &note.id),
        kind: "Annotation",
        motivation: &note.motivation,
        created: &note.created,
        modified: &note.modified,
        creator: CreatorLd::analyst(iris, &note.creator),
        visibility: note.visibility.as_str(),
        anchor_status: note.anchor.as_ref().map(|_| note.status.as_str()),
        original_quote: note
            .anchor
            .as_ref()
            .filter(|a| a.exact != note.original_exact)
            .map(|_| note.original_exact.as_str()),
        body,
        target,
        canonical: note.kept.canonical.as_deref(),
        via: OneOrMany::of(&note.kept.via),
        source_reliability: note.grades.reliability.map(|r| r.letter()),
        credibility: note.grades.credibility.map(|c| c.number()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::anchor::Anchor;
    use crate::domain::annotation::{KeptFields, Visibility};

    #[test]
    fn json_ld_carries_every_required_part() {
        let iris = Iris::new("http://127.0.0.1:8080/");
        let n = Note {
            id: "abc".into(),
            document_slug: "d".into(),
            creator: "alice".into(),
            motivation: "commenting".into(),
            body: "Hi".into(),
            body_html: crate::domain::markdown::render_untrusted("Hi"),
            tags: vec!["t".into()],
            grades: crate::domain::grades::Grades {
                reliability: crate::domain::grades::Reliability::parse("C"),
                credibility: crate::domain::grades::Credibility::from_number(3),
            },
            visibility: Visibility::Team,
            anchor: Some(Anchor {
                start: 1,
                end: 2,
                exact: "x".into(),
                prefix: "".into(),
                suffix: "y".into(),
            }),
            status: crate::domain::reanchor::AnchorStatus::Exact,
            original_exact: "x".into(),
            created: "2026-01-01T00:00:00Z".into(),
            modified: "2026-01-01T00:00:00Z".into(),
            revision: 3,
            kept: KeptFields::default(),
            reply_to: None,
            mentions: Vec::new(),
            reply_seq: 0,
        };
        let v = serde_json::to_value(to_jsonld(&n, &iris)).unwrap();
        assert_eq!(
            v["id"],
            "http://127.0.0.1:8080/api/documents/d/annotations/abc"
        );
        assert_eq!(v["target"]["source"], "http://127.0.0.1:8080/documents/d");
        assert_eq!(v["body"][1]["purpose"], "tagging");
        assert_eq!(
            v["@context"],
            serde_json::json!([ANNO_CONTEXT, "http://127.0.0.1:8080/ns/glossa.jsonld"])
        );
        assert_eq!(v["sourceReliability"], "C");
        assert_eq!(v["credibility"], 3);
        assert_eq!(
            v["body"][2]["value"],
            "admiralty-scale:source-reliability=\"c\""
        );
        assert_eq!(
            v["body"][3]["value"],
            "admiralty-scale:information-credibility=\"3\""
        );
        assert_eq!(n.etag(), "\"abc-3\"");
    }
}
