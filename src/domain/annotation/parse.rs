//! Client JSON → [`NoteContent`]: every complaint names the exact field
//! (`body[1].value`, `target.selector[0].start`).

use serde_json::{Map, Value};

use super::model::{
    ANNO_CONTEXT, FieldError, KeptFields, MAX_BODY_LEN, MAX_IRI_LEN, MAX_TAG_LEN, MAX_TAGS,
    MOTIVATIONS, NoteContent, NoteId, Visibility, invalid, too_long,
};
use crate::domain::anchor::{Quote, Selectors};
use crate::domain::grades::{Credibility, Grades, MachineTag, Reliability, parse_machine_tag};

/// Fields a client may send. `id`, `creator`, `created` and `modified` are set by the
/// server, and `generator` and `generated` describe one serialization (glossa's own when it
/// answers), so all six are accepted, so that a client can send back what it read, and
/// ignored; `anchorStatus` and `originalQuote` are glossa's server-set fields, ignored too.
/// `sourceReliability` and `credibility` are the Admiralty grades of an assessing note.
const TOP_LEVEL: &[&str] = &[
    "sourceReliability",
    "credibility",
    "@context",
    "type",
    "id",
    "creator",
    "created",
    "modified",
    "motivation",
    "body",
    "target",
    "visibility",
    "generator",
    "generated",
    "canonical",
    "via",
    "anchorStatus",
    "originalQuote",
];

/// The IRIs a note of one document may target: the document, and its notes (a reply).
#[derive(Debug, Clone, Copy)]
pub struct TargetIris<'a> {
    /// The document's IRI.
    pub document: &'a str,
    /// Its annotation container's IRI (ends with `/`); a note's IRI is this plus its id.
    pub container: &'a str,
}

/// Parses an annotation a client sent for the document `iris.document`.
pub fn parse_note(value: &Value, iris: TargetIris<'_>) -> Result<NoteContent, FieldError> {
    let document_iri = iris.document;
    let object = value
        .as_object()
        .ok_or_else(|| invalid("(root)", "must be a JSON object"))?;
    known_fields(object, TOP_LEVEL, "")?;
    check_context(object)?;
    if let Some(kind) = object.get("type") {
        let ok = kind == "Annotation"
            || kind
                .as_array()
                .is_some_and(|a| a.iter().any(|t| t == "Annotation"));
        if !ok {
            return Err(invalid("type", "must be \"Annotation\""));
        }
    }
    let reply_to = reply_target(object.get("target"), iris.container)?;
    let motivation = match object.get("motivation") {
        None if reply_to.is_some() => "replying".to_owned(),
        None => "commenting".to_owned(),
        Some(value) => one_motivation(value)?,
    };
    let visibility = match object.get("visibility") {
        None => Visibility::Team,
        Some(Value::String(v)) => Visibility::parse(v)
            .ok_or_else(|| invalid("visibility", "must be \"private\", \"team\" or \"public\""))?,
        Some(_) => return Err(invalid("visibility", "must be a string")),
    };
    let bodies = parse_bodies(object.get("body"))?;
    let grades = parse_grades(object, &bodies.machine_tags, &motivation)?;
    let selectors = match reply_to {
        Some(_) => None,
        None => parse_target(object.get("target"), document_iri)?,
    };
    let canonical = match object.get("canonical") {
        None => None,
        Some(Value::String(iri)) => Some(check_iri(iri, "canonical")?),
        Some(_) => return Err(invalid("canonical", "must be one IRI, as a string")),
    };
    let via = match object.get("via") {
        None => Vec::new(),
        Some(value) => items_with_paths(value, "via")
            .into_iter()
            .map(|(path, item)| {
                let field = path.trim_end_matches('.');
                item.as_str()
                    .ok_or_else(|| invalid(field, "must be an IRI, as a string"))
                    .and_then(|iri| check_iri(iri, field))
            })
            .collect::<Result<_, _>>()?,
    };
    // The purpose it would be read back with anyway is not kept, so that a note sent back
    // as it was read is the note it was.
    let body_purpose = bodies
        .purpose
        .filter(|purpose| purpose != super::jsonld::implied_body_purpose(&motivation));
    Ok(NoteContent {
        motivation,
        body: bodies.text,
        tags: bodies.tags,
        grades,
        visibility,
        visibility_stated: object.contains_key("visibility"),
        selectors,
        reply_to,
        kept: KeptFields {
            canonical,
            via,
            body_language: bodies.language,
            body_purpose,
        },
    })
}

/// An absolute IRI: a scheme, a colon, and no white space or control characters.
fn check_iri(iri: &str, field: &str) -> Result<String, FieldError> {
    let scheme_len = iri.find(':').filter(|&n| n > 0).filter(|&n| {
        iri[..n].starts_with(|c: char| c.is_ascii_alphabetic())
            && iri[..n]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if scheme_len.is_none() || iri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            field,
            "must be an absolute IRI such as urn:uuid:… or https://…, without spaces",
        ));
    }
    if iri.chars().count() > MAX_IRI_LEN {
        return Err(too_long(
            field,
            format!("is longer than {MAX_IRI_LEN} characters"),
        ));
    }
    Ok(iri.to_owned())
}

/// A BCP 47 language tag, loosely: letters, then `-`-separated letters and digits.
fn check_language(tag: &str, field: &str) -> Result<String, FieldError> {
    let mut parts = tag.split('-');
    let ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if ok {
        Ok(tag.to_owned())
    } else {
        Err(invalid(
            field,
            "must be a language tag such as en, zh-Hans or pt-BR",
        ))
    }
}

/// An `@context`, when given, must name the W3C annotation context.
pub(super) fn check_context(object: &Map<String, Value>) -> Result<(), FieldError> {
    let Some(context) = object.get("@context") else {
        return Ok(());
    };
    let names_w3c = context == ANNO_CONTEXT
        || context
            .as_array()
            .is_some_and(|a| a.iter().any(|c| c == ANNO_CONTEXT));
    if names_w3c {
        Ok(())
    } else {
        Err(invalid(
            "@context",
            format!("must be (or include) \"{ANNO_CONTEXT}\", or be left out"),
        ))
    }
}

pub(super) fn known_fields(
    object: &Map<String, Value>,
    allowed: &[&str],
    path: &str,
) -> Result<(), FieldError> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => Err(invalid(
            format!("{path}{unknown}"),
            format!(
                "is not a field glossa understands here; allowed: {}",
                allowed.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// The items of a field that holds one value or an array, each with the path its errors
/// name: `body.` for a single value, `body[1].` for the second item of an array.
fn items_with_paths<'a>(value: &'a Value, field: &str) -> Vec<(String, &'a Value)> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{field}[{i}]."), item))
            .collect(),
        other => vec![(format!("{field}."), other)],
    }
}

pub(super) fn string_field<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, FieldError> {
    match object.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("{path}{key}"), "must be a string")),
    }
}

/// The text body and tags of a note, with the text body's `language` and `purpose`, and the
/// MISP `admiralty-scale` machine tags, which are grades rather than tags.
#[derive(Default)]
struct Bodies {
    text: String,
    tags: Vec<String>,
    language: Option<String>,
    purpose: Option<String>,
    machine_tags: Vec<(String, MachineTag)>,
}

/// The grades of a note: `sourceReliability` ("A"–"F") and `credibility` (1–6), or the same
/// as MISP machine tags; given both ways, they must agree. Only an assessing note grades.
fn parse_grades(
    object: &Map<String, Value>,
    machine_tags: &[(String, MachineTag)],
    motivation: &str,
) -> Result<Grades, FieldError> {
    let mut grades = Grades::default();
    match object.get("sourceReliability") {
        None | Some(Value::Null) => {}
        Some(Value::String(letter)) => {
            grades.reliability = Some(Reliability::parse(letter).ok_or_else(|| {
                invalid(
                    "sourceReliability",
                    "must be a letter from A (completely reliable) to F (reliability cannot be judged)",
                )
            })?);
        }
        Some(_) => {
            return Err(invalid(
                "sourceReliability",
                "must be a letter from \"A\" to \"F\", as a string",
            ));
        }
    }
    match object.get("credibility") {
        None | Some(Value::Null) => {}
        Some(value) => {
            grades.credibility = Some(value.as_i64().and_then(Credibility::from_number).ok_or_else(
                || {
                    invalid(
                        "credibility",
                        "must be a whole number from 1 (confirmed by other sources) to 6 (truth cannot be judged)",
                    )
                },
            )?);
        }
    }
    // The property is the grade; a MISP tag is its copy for other tools, so a client that
    // changes the property and sends back the tag it read keeps the new grade. Tags alone
    // must agree with each other.
    let (given_reliability, given_credibility) = (grades.reliability, grades.credibility);
    for (path, tag) in machine_tags {
        let agrees = match *tag {
            MachineTag::Reliability(r) if given_reliability.is_none() => {
                *grades.reliability.get_or_insert(r) == r
            }
            MachineTag::Credibility(c) if given_credibility.is_none() => {
                *grades.credibility.get_or_insert(c) == c
            }
            _ => true,
        };
        if !agrees {
            return Err(invalid(
                path.as_str(),
                "gives another grade than an earlier admiralty-scale tag of the same scale; give one",
            ));
        }
    }
    if !grades.is_empty() && motivation != "assessing" {
        let field = if grades.credibility.is_some() {
            "credibility"
        } else {
            "sourceReliability"
        };
        return Err(invalid(
            field,
            "is judged in an assessing note: set `motivation` to \"assessing\"",
        ));
    }
    Ok(grades)
}

/// The note's motivation: the model allows several, a note here has one, so a list of one
/// is that one.
fn one_motivation(value: &Value) -> Result<String, FieldError> {
    let single = match value {
        Value::Array(list) if list.len() > 1 => {
            return Err(invalid(
                "motivation",
                format!(
                    "lists {} motivations; a note has one: send one of {}",
                    list.len(),
                    MOTIVATIONS.join(", ")
                ),
            ));
        }
        Value::Array(list) => list.first(),
        other => Some(other),
    };
    match single.and_then(Value::as_str) {
        Some(m) if MOTIVATIONS.contains(&m) => Ok(m.to_owned()),
        _ => Err(invalid(
            "motivation",
            format!("must be one of {}", MOTIVATIONS.join(", ")),
        )),
    }
}

fn parse_bodies(body: Option<&Value>) -> Result<Bodies, FieldError> {
    let mut bodies = Bodies::default();
    let mut has_text = false;
    let Some(body) = body else {
        return Ok(bodies);
    };
    for (path, item) in items_with_paths(body, "body") {
        let object = item
            .as_object()
            .ok_or_else(|| invalid(path.trim_end_matches('.'), "must be a TextualBody object"))?;
        if let Some(key) = ["id", "creator", "created", "modified"]
            .into_iter()
            .find(|k| object.contains_key(*k))
        {
            return Err(invalid(
                format!("{path}{key}"),
                "is not kept: glossa's bodies belong to their annotation, which carries its own id, creator and dates; leave it out",
            ));
        }
        known_fields(
            object,
            &["type", "value", "format", "purpose", "language"],
            &path,
        )?;
        if string_field(object, "type", &path)?.is_some_and(|t| t != "TextualBody") {
            return Err(invalid(format!("{path}type"), "must be \"TextualBody\""));
        }
        let value = string_field(object, "value", &path)?
            .ok_or_else(|| invalid(format!("{path}value"), "is required: the text of the body"))?;
        if string_field(object, "format", &path)?
            .is_some_and(|format| !["text/markdown", "text/plain"].contains(&format))
        {
            return Err(invalid(
                format!("{path}format"),
                "must be \"text/markdown\" or \"text/plain\"",
            ));
        }
        let purpose = string_field(object, "purpose", &path)?;
        if purpose.is_some_and(|p| !MOTIVATIONS.contains(&p)) {
            return Err(invalid(
                format!("{path}purpose"),
                format!("must be one of {}", MOTIVATIONS.join(", ")),
            ));
        }
        if purpose == Some("tagging") {
            match parse_machine_tag(value) {
                Some(Ok(grade)) => bodies.machine_tags.push((format!("{path}value"), grade)),
                Some(Err(wrong)) => return Err(invalid(format!("{path}value"), wrong)),
                None => bodies.tags.push(check_tag(value, &format!("{path}value"))?),
            }
            continue;
        }
        if std::mem::replace(&mut has_text, true) {
            return Err(invalid(
                path.trim_end_matches('.'),
                "a note has one text body; give the others purpose \"tagging\"",
            ));
        }
        bodies.text = normalise_body(value, &path)?;
        bodies.purpose = purpose.map(str::to_owned);
        bodies.language = string_field(object, "language", &path)?
            .map(|tag| check_language(tag, &format!("{path}language")))
            .transpose()?;
    }
    if bodies.tags.len() > MAX_TAGS {
        return Err(FieldError {
            field: "body".into(),
            message: format!(
                "has {} tags; at most {MAX_TAGS} are allowed",
                bodies.tags.len()
            ),
            code: "too_many_tags",
        });
    }
    Ok(bodies)
}

/// Explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
/// make text display other than it reads ("gnp.exe" shown as "exe.png"); the marks that
/// right-to-left writing needs (U+200E, U+200F, U+061C) are not among them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn normalise_body(value: &str, path: &str) -> Result<String, FieldError> {
    let body = value.replace("\r\n", "\n");
    if body.chars().any(is_bidi_control) {
        return Err(invalid(
            format!("{path}value"),
            "contains a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069), which would show other text than was written; remove it",
        ));
    }
    if body
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(invalid(
            format!("{path}value"),
            "contains a control character; remove it",
        ));
    }
    let len = body.chars().count();
    if len > MAX_BODY_LEN {
        return Err(too_long(
            format!("{path}value"),
            format!("is {len} characters; at most {MAX_BODY_LEN} are allowed"),
        ));
    }
    Ok(body)
}

/// A tag as a note may carry it: trimmed, not empty, no control characters, not too long.
pub fn check_tag(tag: &str, field: &str) -> Result<String, FieldError> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err(invalid(field, "is an empty tag"));
    }
    if tag.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Err(invalid(
            field,
            "contains a control or bidirectional override character; remove it",
        ));
    }
    let len = tag.chars().count();
    if len > MAX_TAG_LEN {
        return Err(too_long(
            field,
            format!("is a tag of {len} characters; at most {MAX_TAG_LEN} are allowed"),
        ));
    }
    Ok(tag.to_owned())
}

/// The note a reply answers, when the target is a note of this document: its IRI alone, as
/// `{"id": IRI}`, or as the `source` of a `SpecificResource` without a selector (a reply
/// answers the whole note). `None` when the target is not a note's IRI.
fn reply_target(target: Option<&Value>, container: &str) -> Result<Option<NoteId>, FieldError> {
    let target = match target {
        Some(Value::Array(items)) if items.len() == 1 => &items[0],
        Some(other) => other,
        None => return Ok(None),
    };
    let (iri, field) = match target {
        Value::String(iri) => (iri.as_str(), "target"),
        Value::Object(object) => match (object.get("source"), object.get("id")) {
            (Some(Value::String(iri)), _) => (iri.as_str(), "target.source"),
            (None, Some(Value::String(iri))) => (iri.as_str(), "target.id"),
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    let Some(id) = iri.strip_prefix(container) else {
        return Ok(None);
    };
    let id = NoteId::parse(id).ok_or_else(|| {
        invalid(
            field,
            format!("must be the IRI of a note of this document, {container} followed by its 32-digit id"),
        )
    })?;
    if let Value::Object(object) = target {
        if object.contains_key("selector") {
            return Err(invalid(
                "target.selector",
                "is not taken on a reply: a reply answers the whole note",
            ));
        }
        if object.contains_key("source") && object.contains_key("id") {
            return Err(invalid(
                "target.id",
                "is not kept: glossa's targets have no id of their own; leave it out",
            ));
        }
        known_fields(object, &["source", "id", "type"], "target.")?;
    }
    Ok(Some(id))
}

/// The target: the document's IRI alone or as `{"id": IRI}` (a page note, `None`), or a
/// `SpecificResource` whose `source` is the document, with or without selectors.
pub(super) fn parse_target(
    target: Option<&Value>,
    document_iri: &str,
) -> Result<Option<Selectors>, FieldError> {
    let target = target.ok_or_else(|| {
        invalid(
            "target",
            format!("is required: {document_iri}, or an object with that source and a selector"),
        )
    })?;
    let wrong_document = |field: &str| {
        invalid(
            field,
            format!("must be this document's IRI, {document_iri}"),
        )
    };
    let target = match target {
        Value::Array(items) if items.len() == 1 => &items[0],
        other => other,
    };
    if let Value::String(iri) = target {
        return if iri == document_iri {
            Ok(None)
        } else {
            Err(wrong_document("target"))
        };
    }
    let object = target.as_object().ok_or_else(|| {
        invalid(
            "target",
            "must be the document's IRI or an object with source and selector",
        )
    })?;
    if !object.contains_key("source") && object.contains_key("id") {
        known_fields(object, &["id", "type"], "target.")?;
        return match string_field(object, "id", "target.")? {
            Some(iri) if iri == document_iri => Ok(None),
            _ => Err(wrong_document("target.id")),
        };
    }
    if object.contains_key("id") {
        return Err(invalid(
            "target.id",
            "is not kept: glossa's targets have no id of their own; leave it out",
        ));
    }
    known_fields(object, &["source", "selector", "type"], "target.")?;
    match string_field(object, "source", "target.")? {
        Some(source) if source == document_iri => {}
        Some(_) => return Err(wrong_document("target.source")),
        None => {
            return Err(invalid(
                "target.source",
                format!("is required: {document_iri}"),
            ));
        }
    }
    let Some(selector) = object.get("selector") else {
        return Ok(None);
    };
    let mut selectors = Selectors::default();
    for (path, item) in items_with_paths(selector, "target.selector") {
        let object = item
            .as_object()
            .ok_or_else(|| invalid(path.trim_end_matches('.'), "must be a selector object"))?;
        match string_field(object, "type", &path)? {
            Some("TextQuoteSelector") => {
                known_fields(object, &["type", "exact", "prefix", "suffix"], &path)?;
                selectors.quote = Some(Quote {
                    exact: string_field(object, "exact", &path)?
                        .ok_or_else(|| invalid(format!("{path}exact"), "is required"))?
                        .to_owned(),
                    prefix: string_field(object, "prefix", &path)?.map(str::to_owned),
                    suffix: string_field(object, "suffix", &path)?.map(str::to_owned),
                });
            }
            Some("TextPositionSelector") => {
                known_fields(object, &["type", "start", "end"], &path)?;
                let offset = |key: &str| {
                    object
                        .get(key)
                        .and_then(Value::as_u64)
                        .and_then(|n| usize::try_from(n).ok())
                        .ok_or_else(|| {
                            invalid(
                                format!("{path}{key}"),
                                "must be a non-negative integer (Unicode code points)",
                            )
                        })
                };
                selectors.position = Some((offset("start")?, offset("end")?));
            }
            _ => {
                return Err(invalid(
                    format!("{path}type"),
                    "must be \"TextQuoteSelector\" or \"TextPositionSelector\"",
                ));
            }
        }
    }
    if selectors == Selectors::default() {
        return Err(invalid(
            "target.selector",
            "is empty: give a TextQuoteSelector, a TextPositionSelector, or leave `selector` out for a note on the whole document",
        ));
    }
    Ok(Some(selectors))
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    const DOC: &str = "http://h/documents/d";
    const NOTES: &str = "http://h/api/documents/d/annotations/";

    fn note(body: Value) -> Result<NoteContent, FieldError> {
        parse_note(
            &body,
            TargetIris {
                document: DOC,
                container: NOTES,
            },
        )
    }

    #[test]
    fn a_motivation_is_one_word_or_a_list_of_one() {
        let with = |motivation: Value| {
            note(json!({"motivation": motivation, "body": {"value": "x"}, "target": DOC}))
        };
        assert_eq!(
            with(json!(["questioning"])).unwrap().motivation,
            "questioning"
        );
        let two = with(json!(["questioning", "commenting"])).unwrap_err();
        assert_eq!(two.field, "motivation");
        assert!(
            two.message.contains("lists 2 motivations; a note has one"),
            "{two}"
        );
        for wrong in [json!([]), json!(["shouting"]), json!(7)] {
            assert!(
                with(wrong.clone())
                    .unwrap_err()
                    .message
                    .starts_with("must be one of")
            );
        }
    }

    #[test]
    fn a_reply_targets_a_note_of_the_document() {
        let id = "0123456789abcdef0123456789abcdef";
        for target in [
            json!(format!("{NOTES}{id}")),
            json!({"id": format!("{NOTES}{id}")}),
            json!({"type": "SpecificResource", "source": format!("{NOTES}{id}")}),
        ] {
            let n =
                note(json!({"body": {"type": "TextualBody", "value": "Agreed"}, "target": target}))
                    .unwrap();
            assert_eq!(n.reply_to.as_ref().map(NoteId::as_str), Some(id));
            assert_eq!((n.motivation.as_str(), n.selectors), ("replying", None));
            assert!(!n.visibility_stated);
        }
        let wrong = |target: Value| note(json!({"target": target})).unwrap_err().field;
        assert_eq!(wrong(json!(format!("{NOTES}not-an-id"))), "target");
        assert_eq!(
            wrong(
                json!({"source": format!("{NOTES}{id}"), "selector": {"type": "TextQuoteSelector", "exact": "x"}})
            ),
            "target.selector"
        );
        assert_eq!(
            wrong(json!(
                "http://h/api/documents/other/annotations/0123456789abcdef0123456789abcdef"
            )),
            "target"
        );
        let stated = note(json!({"target": format!("{NOTES}{id}"), "motivation": "questioning", "visibility": "private"})).unwrap();
        assert_eq!(
            (stated.motivation.as_str(), stated.visibility_stated),
            ("questioning", true)
        );
    }

    #[test]
    fn a_full_annotation_parses() {
        let n = note(json!({
            "@context": ANNO_CONTEXT, "type": "Annotation", "motivation": "questioning", "visibility": "private",
            "id": "ignored", "creator": "ignored",
            "body": [{"type": "TextualBody", "value": "Why?\r\n", "format": "text/markdown"},
                     {"type": "TextualBody", "value": " korea ", "purpose": "tagging"}],
            "target": {"source": DOC, "selector": [{"type": "TextQuoteSelector", "exact": "x"}, {"type": "TextPositionSelector", "start": 1, "end": 2}]}
        })).unwrap();
        assert_eq!(
            (n.motivation.as_str(), n.body.as_str(), n.visibility),
            ("questioning", "Why?\n", Visibility::Private)
        );
        assert_eq!(n.tags, vec!["korea".to_string()]);
        assert_eq!(n.selectors.unwrap().position, Some((1, 2)));
    }

    #[test]
    fn errors_name_the_field() {
        let target = json!({"source": DOC, "selector": {"type": "TextPositionSelector", "start": 0, "end": 1}});
        let cases = [
            (json!([]), "(root)"),
            (json!({"target": target, "colour": "red"}), "colour"),
            (
                json!({"target": target, "motivation": "shouting"}),
                "motivation",
            ),
            (
                json!({"target": target, "visibility": "secret"}),
                "visibility",
            ),
            (
                json!({"target": target, "body": {"type": "TextualBody", "value": 1}}),
                "body.value",
            ),
            (
                json!({"target": target, "body": [{"value": "a"}, {"value": "b"}]}),
                "body[1]",
            ),
            (
                json!({"target": target, "body": {"value": "a", "format": "text/html"}}),
                "body.format",
            ),
            (
                json!({"target": target, "body": {"value": "x".repeat(20_001)}}),
                "body.value",
            ),
            (
                json!({"target": target, "body": {"value": "t".repeat(65), "purpose": "tagging"}}),
                "body.value",
            ),
            (json!({}), "target"),
            (
                json!({"target": {"source": "http://elsewhere/", "selector": []}}),
                "target.source",
            ),
            (
                json!({"target": {"source": DOC, "selector": {"type": "XPathSelector"}}}),
                "target.selector.type",
            ),
            (
                json!({"target": {"source": DOC, "selector": [{"type": "TextPositionSelector", "start": -1, "end": 2}]}}),
                "target.selector[0].start",
            ),
            (
                json!({"target": {"source": DOC, "selector": {"type": "TextPositionSelector", "start": "3", "end": 4}}}),
                "target.selector.start",
            ),
        ];
        for (input, field) in cases {
            let err = note(input.clone()).unwrap_err();
            assert_eq!(err.field, field, "for {input}: {err}");
        }
        let many: Vec<Value> = (0..33)
            .map(|i| json!({"value": format!("t{i}"), "purpose": "tagging"}))
            .collect();
        let err = note(json!({"target": target, "body": many})).unwrap_err();
        assert_eq!(err.code, "too_many_tags");
        let ok: Vec<Value> = (0..32)
            .map(|i| json!({"value": format!("t{i}"), "purpose": "tagging"}))
            .collect();
        assert!(note(json!({"target": target, "body": ok})).is_ok());
    }

    #[test]
    fn a_note_on_the_whole_document_has_no_selectors() {
        for target in [
            json!(DOC),
            json!([DOC]),
            json!({"source": DOC}),
            json!({"type": "SpecificResource", "source": DOC}),
            json!({"id": DOC, "type": "Text"}),
        ] {
            let n =
                note(json!({"target": target.clone(), "body": {"value": "On the whole piece."}}))
                    .unwrap_or_else(|e| panic!("{target}: {e}"));
            assert_eq!(n.selectors, None, "{target}");
        }
        for (target, field) in [
            (json!("http://elsewhere/d"), "target"),
            (json!({"id": "http://elsewhere/d"}), "target.id"),
            (json!({"source": DOC, "id": "urn:x"}), "target.id"),
            (json!({"source": DOC, "selector": []}), "target.selector"),
        ] {
            let err = note(json!({"target": target.clone()})).unwrap_err();
            assert_eq!(err.field, field, "{target}: {err}");
        }
    }

    #[test]
    fn canonical_via_and_the_body_language_and_purpose_are_kept() {
        let n = note(json!({
            "target": DOC, "canonical": "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df",
            "via": ["https://other.example/anno/1", "https://third.example/a/2"],
            "body": {"value": "Bonjour", "language": "fr-CA", "purpose": "describing"}
        }))
        .unwrap();
        assert_eq!(
            n.kept,
            KeptFields {
                canonical: Some("urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df".into()),
                via: vec![
                    "https://other.example/anno/1".into(),
                    "https://third.example/a/2".into()
                ],
                body_language: Some("fr-CA".into()),
                body_purpose: Some("describing".into()),
            }
        );
        let one = note(json!({"target": DOC, "via": "https://other.example/anno/1"})).unwrap();
        assert_eq!(
            one.kept.via,
            vec!["https://other.example/anno/1".to_string()]
        );
        for (input, field) in [
            (
                json!({"target": DOC, "canonical": "not an iri"}),
                "canonical",
            ),
            (json!({"target": DOC, "canonical": 7}), "canonical"),
            (
                json!({"target": DOC, "via": ["https://ok.example", "relative/path"]}),
                "via[1]",
            ),
            (
                json!({"target": DOC, "body": {"value": "x", "language": "english!"}}),
                "body.language",
            ),
            (
                json!({"target": DOC, "body": {"value": "x", "purpose": "shouting"}}),
                "body.purpose",
            ),
            (
                json!({"target": DOC, "body": {"value": "x", "id": "urn:b"}}),
                "body.id",
            ),
            (
                json!({"target": DOC, "body": [{"value": "x", "created": "2026-01-01T00:00:00Z"}]}),
                "body[0].created",
            ),
            (
                json!({"target": DOC, "@context": "http://schema.org/"}),
                "@context",
            ),
            (
                json!({"target": DOC, "body": {"value": "\u{202E}gnp.exe"}}),
                "body.value",
            ),
            (
                json!({"target": DOC, "body": {"value": "\u{2067}evil", "purpose": "tagging"}}),
                "body.value",
            ),
        ] {
            let err = note(input.clone()).unwrap_err();
            assert_eq!(err.field, field, "{input}: {err}");
        }
    }
}
