//! Reading notes back from an export, a collection, a page or an array.

use serde_json::Value;

use super::model::{FieldError, NoteContent, NoteId, invalid};
use super::parse::{TargetIris, parse_note};

/// A note read back from an export or a collection, with the server-set fields kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedNote {
    /// The note id (the last segment of its IRI).
    pub id: NoteId,
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
    let id = NoteId::parse(&last_segment(text("id")?)).ok_or_else(|| {
        invalid(
            "id",
            "must end in a glossa note id (32 lowercase hex digits)",
        )
    })?;
    let target = match value.get("target") {
        Some(Value::Array(items)) if items.len() == 1 => &items[0],
        Some(target) => target,
        None => return Err(invalid("target", "is required")),
    };
    let source = target
        .as_str()
        .or_else(|| target.get("source").and_then(Value::as_str))
        .or_else(|| target.get("id").and_then(Value::as_str))
        .ok_or_else(|| invalid("target.source", "is required"))?;
    let (slug, document, container) = target_iris(source);
    crate::domain::slug::Slug::parse(&slug).map_err(|e| invalid("target.source", e.to_string()))?;
    let creator = value
        .pointer("/creator/name")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("creator.name", "is required"))?
        .to_owned();
    crate::domain::slug::Slug::parse(&creator)
        .map_err(|e| invalid("creator.name", e.to_string()))?;
    let timestamp = |field: &str| -> Result<String, FieldError> {
        let t = text(field)?;
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            .map(|_| t.to_owned())
            .map_err(|_| invalid(field, "must be an RFC 3339 date-time"))
    };
    let (created, modified) = (timestamp("created")?, timestamp("modified")?);
    let content = parse_note(
        value,
        TargetIris {
            document: &document,
            container: &container,
        },
    )?;
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

/// The document slug, document IRI and container IRI a target IRI names: a reply's target is
/// `{base}/api/documents/{slug}/annotations/{id}`, any other's the document's IRI, whose last
/// segment is the slug.
fn target_iris(source: &str) -> (String, String, String) {
    if let Some((base, rest)) = source.split_once("/api/documents/")
        && let Some((slug, _)) = rest.split_once("/annotations/")
    {
        return (
            slug.to_owned(),
            format!("{base}/documents/{slug}"),
            format!("{base}/api/documents/{slug}/annotations/"),
        );
    }
    let document = source.trim_end_matches('/');
    let (base, slug) = document.rsplit_once('/').unwrap_or(("", document));
    let base = base.strip_suffix("/documents").unwrap_or(base);
    (
        slug.to_owned(),
        document.to_owned(),
        format!("{base}/api/documents/{slug}/annotations/"),
    )
}

/// The annotations embedded in an exported HTML file.
pub fn embedded_collection(html: &str) -> Option<&str> {
    let open = "<script type=\"application/ld+json\" id=\"glossa-annotations\">";
    let start = html.find(open)? + open.len();
    let end = html[start..].find("</script>")? + start;
    Some(&html[start..end])
}
