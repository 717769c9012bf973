//! Margin notes as W3C Web Annotations: parsing what clients send, and the JSON-LD we emit.
//!
//! Parsing walks the JSON by hand so that every complaint names the exact field
//! (`body[1].value`, `target.selector[0].start`). Server-set fields (`id`, `creator`,
//! `created`, `modified`) are accepted so a client can send back what it read, and ignored.

use serde::Serialize;
use serde_json::{Map, Value};

use super::anchor::{Anchor, Quote, Selectors};

/// The JSON-LD context of every annotation.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Longest note body, in code points.
pub const MAX_BODY_LEN: usize = 20_000;
/// Most tags on one note.
pub const MAX_TAGS: usize = 32;
/// Longest tag, in code points.
pub const MAX_TAG_LEN: usize = 64;

/// Why an analyst wrote a note (the W3C motivations).
pub const MOTIVATIONS: &[&str] = &[
    "commenting",
    "highlighting",
    "questioning",
    "tagging",
    "assessing",
    "bookmarking",
    "classifying",
    "describing",
    "editing",
    "identifying",
    "linking",
    "replying",
];

/// Who may read a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Only its author.
    Private,
    /// Every signed-in analyst.
    Team,
    /// Anyone who can read the document.
    Public,
}

impl Visibility {
    /// Stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Team => "team",
            Visibility::Public => "public",
        }
    }

    /// Inverse of [`Visibility::as_str`].
    pub fn parse(name: &str) -> Option<Visibility> {
        [Visibility::Private, Visibility::Team, Visibility::Public]
            .into_iter()
            .find(|v| v.as_str() == name)
    }
}

/// What a client may set on a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteContent {
    /// One of [`MOTIVATIONS`].
    pub motivation: String,
    /// Markdown body (may be empty, e.g. for a highlight).
    pub body: String,
    /// Tags, in the order given.
    pub tags: Vec<String>,
    /// Who may read it.
    pub visibility: Visibility,
    /// Where it points.
    pub selectors: Selectors,
}

/// A field that is wrong, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {message}")]
pub struct FieldError {
    /// Path of the field, e.g. `target.selector[0].start`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
    /// Machine-readable code.
    pub code: &'static str,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
        code: "invalid_field",
    }
}

fn too_long(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
        code: "too_long",
    }
}

/// Fields a client may send; `anchorStatus` and `originalQuote` are server-set and ignored.
const TOP_LEVEL: &[&str] = &[
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

/// Parses an annotation a client sent for the document at `document_iri`.
pub fn parse_note(value: &Value, document_iri: &str) -> Result<NoteContent, FieldError> {
    let object = value
        .as_object()
        .ok_or_else(|| invalid("(root)", "must be a JSON object"))?;
    known_fields(object, TOP_LEVEL, "")?;
    if let Some(kind) = object.get("type") {
        let ok = kind == "Annotation"
            || kind
                .as_array()
                .is_some_and(|a| a.iter().any(|t| t == "Annotation"));
        if !ok {
            return Err(invalid("type", "must be \"Annotation\""));
        }
    }
    let motivation = match object.get("motivation") {
        None => "commenting".to_owned(),
        Some(Value::String(m)) if MOTIVATIONS.contains(&m.as_str()) => m.clone(),
        Some(_) => {
            return Err(invalid(
                "motivation",
                format!("must be one of {}", MOTIVATIONS.join(", ")),
            ));
        }
    };
    let visibility = match object.get("visibility") {
        None => Visibility::Team,
        Some(Value::String(v)) => Visibility::parse(v)
            .ok_or_else(|| invalid("visibility", "must be \"private\", \"team\" or \"public\""))?,
        Some(_) => return Err(invalid("visibility", "must be a string")),
    };
    let (body, tags) = parse_bodies(object.get("body"))?;
    let selectors = parse_target(object.get("target"), document_iri)?;
    Ok(NoteContent {
        motivation,
        body,
        tags,
        visibility,
        selectors,
    })
}

fn known_fields(
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

fn one_or_many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn string_field<'a>(
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

fn parse_bodies(body: Option<&Value>) -> Result<(String, Vec<String>), FieldError> {
    let mut text: Option<String> = None;
    let mut tags = Vec::new();
    let Some(body) = body else {
        return Ok((String::new(), tags));
    };
    for (i, item) in one_or_many(body).into_iter().enumerate() {
        let path = if body.is_array() {
            format!("body[{i}].")
        } else {
            "body.".to_owned()
        };
        let object = item
            .as_object()
            .ok_or_else(|| invalid(path.trim_end_matches('.'), "must be a TextualBody object"))?;
        known_fields(
            object,
            &[
                "type", "value", "format", "purpose", "language", "id", "creator", "created",
                "modified",
            ],
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
        if string_field(object, "purpose", &path)? == Some("tagging") {
            tags.push(check_tag(value, &format!("{path}value"))?);
        } else if text.replace(normalise_body(value, &path)?).is_some() {
            return Err(invalid(
                path.trim_end_matches('.'),
                "a note has one text body; give the others purpose \"tagging\"",
            ));
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(FieldError {
            field: "body".into(),
            message: format!("has {} tags; at most {MAX_TAGS} are allowed", tags.len()),
            code: "too_many_tags",
        });
    }
    Ok((text.unwrap_or_default(), tags))
}

fn normalise_body(value: &str, path: &str) -> Result<String, FieldError> {
    let body = value.replace("\r\n", "\n");
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

fn check_tag(tag: &str, field: &str) -> Result<String, FieldError> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err(invalid(field, "is an empty tag"));
    }
    if tag.chars().any(char::is_control) {
        return Err(invalid(field, "contains a control character; remove it"));
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

fn parse_target(target: Option<&Value>, document_iri: &str) -> Result<Selectors, FieldError> {
    let target = target
        .ok_or_else(|| invalid("target", "is required: the document and the selected text"))?;
    let object = match target {
        Value::Array(items) if items.len() == 1 => &items[0],
        other => other,
    }
    .as_object()
    .ok_or_else(|| invalid("target", "must be an object with source and selector"))?;
    known_fields(object, &["source", "selector", "type", "id"], "target.")?;
    match string_field(object, "source", "target.")? {
        Some(source) if source == document_iri => {}
        Some(_) => {
            return Err(invalid(
                "target.source",
                format!("must be this document's IRI, {document_iri}"),
            ));
        }
        None => {
            return Err(invalid(
                "target.source",
                format!("is required: {document_iri}"),
            ));
        }
    }
    let selector = object.get("selector").ok_or_else(|| {
        invalid(
            "target.selector",
            "is required: a TextQuoteSelector, a TextPositionSelector, or both",
        )
    })?;
    let mut selectors = Selectors::default();
    for (i, item) in one_or_many(selector).into_iter().enumerate() {
        let path = if selector.is_array() {
            format!("target.selector[{i}].")
        } else {
            "target.selector.".to_owned()
        };
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
    Ok(selectors)
}

/// A stored note, ready to be written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Opaque id (32 hex digits).
    pub id: String,
    /// The document's slug.
    pub document_slug: String,
    /// The author's name.
    pub creator: String,
    /// One of [`MOTIVATIONS`].
    pub motivation: String,
    /// Markdown body.
    pub body: String,
    /// The body rendered and sanitised (see [`super::markdown::render_untrusted`]).
    pub body_html: super::html::SafeHtml,
    /// Tags.
    pub tags: Vec<String>,
    /// Who may read it.
    pub visibility: Visibility,
    /// Where it points.
    pub anchor: Anchor,
    /// How the anchor stands in the current text.
    pub status: super::reanchor::AnchorStatus,
    /// The quote as its author chose it (differs from `anchor.exact` after a fuzzy match).
    pub original_exact: String,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub modified: String,
    /// Bumped on every change; the ETag.
    pub revision: i64,
}

impl Note {
    /// The strong ETag of this revision.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.revision)
    }
}

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
}

/// A note as a W3C Web Annotation in JSON-LD, ready to serialise. Typed rather than built
/// as a `serde_json::Value`, so writing a thousand of them costs little.
#[derive(Debug, Serialize)]
pub struct AnnotationLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'a str,
    created: &'a str,
    modified: &'a str,
    creator: CreatorLd<'a>,
    visibility: &'static str,
    /// glossa's re-anchoring status: exact, moved, fuzzy, ambiguous or orphan.
    #[serde(rename = "anchorStatus")]
    anchor_status: &'static str,
    /// The author's quote, when the text it anchors to has since changed.
    #[serde(rename = "originalQuote", skip_serializing_if = "Option::is_none")]
    original_quote: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    body: Vec<BodyLd<'a>>,
    target: TargetLd<'a>,
}

#[derive(Debug, Serialize)]
struct CreatorLd<'a> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Debug, Serialize)]
struct BodyLd<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    purpose: &'a str,
}

#[derive(Debug, Serialize)]
struct TargetLd<'a> {
    source: String,
    selector: (QuoteLd<'a>, PositionLd),
}

#[derive(Debug, Serialize)]
struct QuoteLd<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
}

#[derive(Debug, Serialize)]
struct PositionLd {
    #[serde(rename = "type")]
    kind: &'static str,
    start: usize,
    end: usize,
}

/// The note as a W3C Web Annotation in JSON-LD.
///
/// The text body carries the note's motivation as its `purpose`, except for tagging notes,
/// whose text (if any) is `describing`, so that reading it back never turns the text into a
/// tag. An empty text body is left out.
pub fn to_jsonld<'a>(note: &'a Note, iris: &Iris) -> AnnotationLd<'a> {
    let mut body = Vec::with_capacity(note.tags.len() + 1);
    if !note.body.is_empty() {
        let purpose = if note.motivation == "tagging" {
            "describing"
        } else {
            note.motivation.as_str()
        };
        body.push(BodyLd {
            kind: "TextualBody",
            value: &note.body,
            format: Some("text/markdown"),
            purpose,
        });
    }
    body.extend(note.tags.iter().map(|t| BodyLd {
        kind: "TextualBody",
        value: t,
        format: None,
        purpose: "tagging",
    }));
    AnnotationLd {
        context: ANNO_CONTEXT,
        id: iris.annotation(&note.document_slug, &note.id),
        kind: "Annotation",
        motivation: &note.motivation,
        created: &note.created,
        modified: &note.modified,
        creator: CreatorLd {
            id: iris.analyst(&note.creator),
            kind: "Person",
            name: &note.creator,
        },
        visibility: note.visibility.as_str(),
        anchor_status: note.status.as_str(),
        original_quote: (note.original_exact != note.anchor.exact)
            .then_some(note.original_exact.as_str()),
        body,
        target: TargetLd {
            source: iris.document(&note.document_slug),
            selector: (
                QuoteLd {
                    kind: "TextQuoteSelector",
                    exact: &note.anchor.exact,
                    prefix: &note.anchor.prefix,
                    suffix: &note.anchor.suffix,
                },
                PositionLd {
                    kind: "TextPositionSelector",
                    start: note.anchor.start,
                    end: note.anchor.end,
                },
            ),
        },
    }
}

/// A note read back from an export or a collection, with the server-set fields kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedNote {
    /// The note id (the last segment of its IRI).
    pub id: String,
    /// The document's slug (the last segment of `target.source`).
    pub slug: String,
    /// The author's name.
    pub creator: String,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub modified: String,
    /// Everything a client may set.
    pub content: NoteContent,
    /// The author's quote, when the export says it differs from the current one.
    pub original_quote: Option<String>,
}

/// The annotations inside a collection, a page, an array or a single annotation.
pub fn annotation_items(value: &Value) -> Result<Vec<&Value>, String> {
    let has_type = |v: &Value, t: &str| {
        v["type"] == t
            || v["type"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == t))
    };
    if let Some(items) = value.as_array() {
        return Ok(items.iter().collect());
    }
    if has_type(value, "AnnotationCollection") {
        return match value.get("first") {
            None => Ok(Vec::new()),
            Some(first) if first.is_object() => annotation_items(first),
            Some(_) => Err("the collection's `first` page is only a link; export it with its items (glossa's export does)".into()),
        };
    }
    if has_type(value, "AnnotationPage") {
        return value["items"]
            .as_array()
            .map(|items| items.iter().collect())
            .ok_or_else(|| "the AnnotationPage has no `items` array".into());
    }
    if has_type(value, "Annotation") {
        return Ok(vec![value]);
    }
    Err("expected a W3C AnnotationCollection, AnnotationPage, Annotation or an array of annotations".into())
}

/// Reads one exported annotation, keeping its id, creator and timestamps.
pub fn parse_imported(value: &Value) -> Result<ImportedNote, FieldError> {
    let text = |field: &str| {
        value
            .get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(field, "is required"))
    };
    let last_segment = |iri: &str| {
        iri.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let id = last_segment(text("id")?);
    if id.len() != 32
        || !id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(invalid(
            "id",
            "must end in a glossa note id (32 lowercase hex digits)",
        ));
    }
    let source = value
        .pointer("/target/source")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("target.source", "is required"))?;
    let slug = last_segment(source);
    super::slug::Slug::parse(&slug).map_err(|e| invalid("target.source", e.to_string()))?;
    let creator = value
        .pointer("/creator/name")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("creator.name", "is required"))?
        .to_owned();
    super::slug::Slug::parse(&creator).map_err(|e| invalid("creator.name", e.to_string()))?;
    let timestamp = |field: &str| -> Result<String, FieldError> {
        let t = text(field)?;
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .map(|_| t.to_owned())
            .map_err(|_| invalid(field, "must be an RFC 3339 date-time"))
    };
    let (created, modified) = (timestamp("created")?, timestamp("modified")?);
    let content = parse_note(value, source)?;
    let original_quote = value
        .get("originalQuote")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(ImportedNote {
        id,
        slug,
        creator,
        created,
        modified,
        content,
        original_quote,
    })
}

/// The annotations embedded in an exported HTML file.
pub fn embedded_collection(html: &str) -> Option<&str> {
    let open = "<script type=\"application/ld+json\" id=\"glossa-annotations\">";
    let start = html.find(open)? + open.len();
    let end = html[start..].find("</script>")? + start;
    Some(&html[start..end])
}

/// Where an `AnnotationPage` sits in its collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInfo {
    /// The page's IRI.
    pub id: String,
    /// Position of its first item in the whole collection.
    pub start_index: i64,
    /// Notes in the whole collection.
    pub total: i64,
    /// The next page's IRI.
    pub next: Option<String>,
    /// The previous page's IRI.
    pub prev: Option<String>,
}

/// An `AnnotationPage`; `partOf` is embedded, as the W3C schemas expect.
#[derive(Debug, Serialize)]
pub struct PageLd<'a> {
    #[serde(rename = "@context", skip_serializing_if = "Option::is_none")]
    context: Option<&'static str>,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "partOf")]
    part_of: PartOfLd,
    #[serde(rename = "startIndex")]
    start_index: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prev: Option<String>,
    items: Vec<AnnotationLd<'a>>,
}

#[derive(Debug, Serialize)]
struct PartOfLd {
    id: String,
    #[serde(rename = "type")]
    kind: [&'static str; 2],
    total: i64,
}

/// A document's notes as a `BasicContainer` + `AnnotationCollection`.
#[derive(Debug, Serialize)]
pub struct CollectionLd<'a> {
    #[serde(rename = "@context")]
    context: [&'static str; 2],
    id: String,
    #[serde(rename = "type")]
    kind: [&'static str; 2],
    label: String,
    total: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<PageLd<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last: Option<String>,
}

const CONTAINER_TYPES: [&str; 2] = ["BasicContainer", "AnnotationCollection"];

/// An `AnnotationPage` of `notes` on the document `slug`; with `standalone`, it carries its
/// own `@context` (served alone rather than inside its collection).
pub fn page_jsonld<'a>(
    notes: &'a [Note],
    iris: &Iris,
    slug: &str,
    page: PageInfo,
    standalone: bool,
) -> PageLd<'a> {
    PageLd {
        context: standalone.then_some(ANNO_CONTEXT),
        id: page.id,
        kind: "AnnotationPage",
        part_of: PartOfLd {
            id: iris.container(slug),
            kind: CONTAINER_TYPES,
            total: page.total,
        },
        start_index: page.start_index,
        next: page.next,
        prev: page.prev,
        items: notes.iter().map(|n| to_jsonld(n, iris)).collect(),
    }
}

/// The container of a document's notes, with its first page embedded and the IRI of its last.
pub fn collection_jsonld<'a>(
    iris: &Iris,
    slug: &str,
    total: i64,
    first: Option<PageLd<'a>>,
    last: Option<String>,
) -> CollectionLd<'a> {
    CollectionLd {
        context: [ANNO_CONTEXT, "http://www.w3.org/ns/ldp.jsonld"],
        id: iris.container(slug),
        kind: CONTAINER_TYPES,
        label: format!("Notes on {slug}"),
        total,
        first,
        last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOC: &str = "http://h/documents/d";

    fn note(body: Value) -> Result<NoteContent, FieldError> {
        parse_note(&body, DOC)
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
        assert_eq!(n.selectors.position, Some((1, 2)));
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
            visibility: Visibility::Team,
            anchor: Anchor {
                start: 1,
                end: 2,
                exact: "x".into(),
                prefix: "".into(),
                suffix: "y".into(),
            },
            status: crate::domain::reanchor::AnchorStatus::Exact,
            original_exact: "x".into(),
            created: "2026-01-01T00:00:00Z".into(),
            modified: "2026-01-01T00:00:00Z".into(),
            revision: 3,
        };
        let v = serde_json::to_value(to_jsonld(&n, &iris)).unwrap();
        assert_eq!(
            v["id"],
            "http://127.0.0.1:8080/api/documents/d/annotations/abc"
        );
        assert_eq!(v["target"]["source"], "http://127.0.0.1:8080/documents/d");
        assert_eq!(v["body"][1]["purpose"], "tagging");
        assert_eq!(n.etag(), "\"abc-3\"");
    }
}
