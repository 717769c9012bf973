//! Containers and pages: `AnnotationCollection` and `AnnotationPage`.

use serde::Serialize;

use super::jsonld::{AnnotationLd, Iris, to_jsonld};
use super::model::{ANNO_CONTEXT, Note};

const LDP_CONTEXT: &str = "http://www.w3.org/ns/ldp.jsonld";

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
    context: Option<(&'static str, String)>,
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
    kind: &'static [&'static str],
    total: i64,
}

/// A document's notes as a `BasicContainer` + `AnnotationCollection`.
#[derive(Debug, Serialize)]
pub struct CollectionLd<'a> {
    #[serde(rename = "@context")]
    context: (&'static str, &'static str, String),
    id: String,
    #[serde(rename = "type")]
    kind: &'static [&'static str],
    label: String,
    total: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first: Option<PageLd<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last: Option<String>,
}

const CONTAINER_TYPES: &[&str] = &["BasicContainer", "AnnotationCollection"];
/// A collection that is not a container: notes found across documents, which cannot be
/// written to.
const FOUND_TYPES: &[&str] = &["AnnotationCollection"];

/// An `AnnotationPage` of `notes` on the document `slug`; with `standalone`, it carries its
/// own `@context` (served alone rather than inside its collection).
pub fn page_jsonld<'a>(
    notes: &'a [Note],
    iris: &Iris,
    slug: &str,
    page: PageInfo,
    standalone: bool,
) -> PageLd<'a> {
    page_of(
        notes,
        iris,
        iris.container(slug),
        CONTAINER_TYPES,
        page,
        standalone,
    )
}

/// An `AnnotationPage` of notes found across documents, part of the collection `collection`.
pub fn found_page_jsonld<'a>(
    notes: &'a [Note],
    iris: &Iris,
    collection: String,
    page: PageInfo,
    standalone: bool,
) -> PageLd<'a> {
    page_of(notes, iris, collection, FOUND_TYPES, page, standalone)
}

fn page_of<'a>(
    notes: &'a [Note],
    iris: &Iris,
    part_of: String,
    kind: &'static [&'static str],
    page: PageInfo,
    standalone: bool,
) -> PageLd<'a> {
    PageLd {
        context: standalone.then(|| iris.contexts()),
        id: page.id,
        kind: "AnnotationPage",
        part_of: PartOfLd {
            id: part_of,
            kind,
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
        context: (ANNO_CONTEXT, LDP_CONTEXT, iris.glossa_context()),
        id: iris.container(slug),
        kind: CONTAINER_TYPES,
        label: format!("Notes on {slug}"),
        total,
        first,
        last,
    }
}

/// Notes found across documents (`GET /api/annotations?…`) as an `AnnotationCollection` at
/// `id`, with its first page embedded and the IRI of its last.
pub fn found_collection_jsonld<'a>(
    iris: &Iris,
    id: String,
    label: String,
    total: i64,
    first: Option<PageLd<'a>>,
    last: Option<String>,
) -> CollectionLd<'a> {
    CollectionLd {
        context: (ANNO_CONTEXT, LDP_CONTEXT, iris.glossa_context()),
        id,
        kind: FOUND_TYPES,
        label,
        total,
        first,
        last,
    }
}
