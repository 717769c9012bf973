//! The annotated article as one self-contained HTML file: text, footnotes, actor highlights
//! and the analysts' notes as numbered sidenotes, with all CSS inline, no script, no request
//! to anywhere, and the notes embedded as a W3C `AnnotationCollection` so that the same file
//! is also a lossless data export (`glossa notes import` reads it back).

use askama::Template;
use time::OffsetDateTime;

use crate::domain::annotation::{
    CollectionLd, Iris, Note, PageInfo, collection_jsonld, page_jsonld,
};
use crate::domain::article::{ArticleOptions, ArticleView, ViewedNote, render_article};
use crate::domain::document::{BlockKind, Metadata};
use crate::domain::html::SafeHtml;
use crate::domain::reanchor::AnchorStatus;
use crate::store::documents::StoredDocument;

/// The export's stylesheet, inlined.
const EXPORT_CSS: &str = concat!(
    include_str!("../static/highlights.css"),
    include_str!("../static/export.css")
);

/// The `Content-Security-Policy` of the exported file: nothing may load or run.
pub const EXPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage<'a> {
    title: &'a str,
    language: &'a str,
    meta: &'a Metadata,
    version: &'static str,
    exported: String,
    csp: &'static str,
    css: SafeHtml,
    collection: SafeHtml,
    article: ArticleView,
    note_count: usize,
    source_iri: String,
}

impl ExportPage<'_> {
    fn visibility_name(visibility: &crate::domain::annotation::Visibility) -> &'static str {
        visibility.as_str()
    }

    fn kind_name(kind: &crate::domain::actors::ActorKind) -> &'static str {
        kind.as_str()
    }
}

/// The server-built file name of a document's export; slugs are `[a-z0-9-]`, so it is safe
/// in a `Content-Disposition` header and on every file system.
pub fn file_name(slug: &str) -> String {
    format!("{slug}-annotated.html")
}

/// The notes as an `AnnotationCollection` whose first (and only) page holds them all.
pub fn collection<'a>(notes: &'a [Note], iris: &Iris, slug: &str) -> CollectionLd<'a> {
    let total = notes.len() as i64;
    let page = PageInfo {
        id: format!("{}#export", iris.container(slug)),
        start_index: 0,
        total,
        next: None,
        prev: None,
    };
    let first = (total > 0).then(|| page_jsonld(notes, iris, slug, page, false));
    collection_jsonld(iris, slug, total, first, None)
}

/// JSON inside `<script>` must not be able to close the element or open a comment.
fn script_safe_json(value: &impl serde::Serialize) -> SafeHtml {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    SafeHtml::from_trusted(
        json.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026"),
    )
}

/// Renders the export of `doc` with `notes` (already filtered for who may see them).
pub fn export_html(
    doc: &StoredDocument,
    notes: &[Note],
    iris: &Iris,
    exported_at: OffsetDateTime,
) -> Result<String, askama::Error> {
    let viewed: Vec<ViewedNote> = notes
        .iter()
        .map(|note| ViewedNote {
            note: note.clone(),
            own: false,
        })
        .collect();
    let article = render_article(&doc.analysed, &doc.actors, &viewed, ArticleOptions::EXPORT);
    let meta = &doc.analysed.parsed.meta;
    let exported = exported_at
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default();
    ExportPage {
        title: &doc.title,
        language: meta.language.as_deref().unwrap_or("en"),
        meta,
        version: env!("CARGO_PKG_VERSION"),
        exported,
        csp: EXPORT_CSP,
        css: SafeHtml::from_trusted(EXPORT_CSS.to_owned()),
        collection: script_safe_json(&collection(notes, iris, &doc.slug)),
        note_count: notes.len(),
        source_iri: iris.document(&doc.slug),
        article,
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_cannot_close_its_script_element() {
        let html = script_safe_json(
            &serde_json::json!({"body": "</script><script>alert(1)</script><!--"}),
        );
        assert!(!html.as_str().contains('<') && !html.as_str().contains('>'));
        let back: serde_json::Value = serde_json::from_str(html.as_str()).unwrap();
        assert_eq!(back["body"], "</script><script>alert(1)</script><!--");
    }

    #[test]
    fn file_names_come_from_the_slug() {
        assert_eq!(file_name("seed-doc"), "seed-doc-annotated.html");
    }
}
