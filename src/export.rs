//! The annotated article as one self-contained HTML file: text, footnotes, actor highlights
//! and the analysts' notes as numbered sidenotes, with all CSS inline, no script, no request
//! to anywhere, and the notes embedded as a W3C `AnnotationCollection` so that the same file
//! is also a lossless data export (`glossa notes import` reads it back).

use askama::Template;
use time::OffsetDateTime;

use crate::domain::annotation::{
    CollectionLd, Iris, Note, PageInfo, collection_jsonld, page_jsonld,
};
use crate::domain::article::{
    ArticleOptions, ArticleView, GhostKind, Overlays, ViewedNote, render_article_with,
};
use crate::domain::document::{BlockKind, Metadata};
use crate::domain::html::SafeHtml;
use crate::domain::reanchor::AnchorStatus;
use crate::domain::voices::Voices;
use crate::domain::wording::counted;
use crate::store::annotations::NoteFilter;
use crate::store::documents::StoredDocument;
use std::collections::HashMap;

use crate::domain::annotation::history::changes;
use crate::domain::annotation::thread::Ghost;
use crate::store::grades::DocumentGrading;
use crate::store::history::StoredRevision;
use crate::store::voices::CorrectionEntry;

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
    note_count: String,
    scope: &'a str,
    source_iri: String,
    corrections: &'a [CorrectionEntry],
    grading: &'a DocumentGrading,
    /// Each exported note's history, in lines, when asked for.
    histories: HashMap<String, Vec<String>>,
    strip: crate::domain::strip::Strip,
}

impl ExportPage<'_> {
    fn visibility_name(visibility: &crate::domain::annotation::Visibility) -> &'static str {
        visibility.as_str()
    }

    fn kind_name(kind: &crate::domain::actors::ActorKind) -> &'static str {
        kind.as_str()
    }

    fn count(n: usize, noun: &str) -> String {
        counted(n as u64, noun)
    }

    fn history_of(&self, id: &str) -> &[String] {
        self.histories.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Which notes an export carries. The default, `Team`, is what every reader of the file on
/// the team may see; the choice is written into the file's header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// Public notes only: safe to hand to anyone.
    Public,
    /// Public and team notes: what every analyst may read. Nobody's private notes.
    Team,
    /// Public and team notes, and the exporting analyst's private notes.
    Mine,
}

impl ExportScope {
    /// `public`, `team` or `mine`.
    pub fn parse(name: &str) -> Option<ExportScope> {
        [ExportScope::Public, ExportScope::Team, ExportScope::Mine]
            .into_iter()
            .find(|scope| scope.as_str() == name)
    }

    /// The notes to read; `Mine` needs the analyst, and is `None` without one.
    pub fn filter(self, analyst_id: Option<i64>) -> Option<NoteFilter> {
        match (self, analyst_id) {
            (ExportScope::Public, _) => Some(NoteFilter::Public),
            (ExportScope::Team, _) => Some(NoteFilter::Team),
            (ExportScope::Mine, Some(id)) => Some(NoteFilter::Viewer(id)),
            (ExportScope::Mine, None) => None,
        }
    }

    /// The words the header line uses for the choice.
    pub fn describe(self, analyst: Option<&str>) -> String {
        match (self, analyst) {
            (ExportScope::Public, _) => "public notes only".to_owned(),
            (ExportScope::Team, _) => "public and team notes, no private notes".to_owned(),
            (ExportScope::Mine, Some(name)) => {
                format!("public and team notes, and {name}'s private notes")
            }
            (ExportScope::Mine, None) => "public and team notes, and private notes".to_owned(),
        }
    }
}

impl ExportScope {
    /// `public`, `team` or `mine`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportScope::Public => "public",
            ExportScope::Team => "team",
            ExportScope::Mine => "mine",
        }
    }
}

/// The server-built file name of a document's export, naming the notes it holds so that
/// downloads of two choices do not collide; slugs are `[a-z0-9-]`, so it is safe in a
/// `Content-Disposition` header and on every file system.
pub fn file_name(slug: &str, scope: ExportScope) -> String {
    format!("{slug}-annotated-{}.html", scope.as_str())
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

/// What analysts judged of a document beyond their notes, for its export.
#[derive(Debug, Clone, Copy)]
pub struct Judgements<'a> {
    /// Their corrections of the voices, newest first.
    pub corrections: &'a [CorrectionEntry],
    /// How far its source can be trusted, and who said so.
    pub grading: &'a DocumentGrading,
    /// Each note's revisions, by note id, when the reader asked for the history.
    pub histories: Option<&'a HashMap<String, Vec<StoredRevision>>>,
    /// The notes that exported replies answer but that are not exported (deleted, or not
    /// shared so widely), so that their threads still read.
    pub ghosts: &'a [Ghost],
}

/// A note's revisions as the export lists them: "Revision 2 · edited · by alice · 2026-12-04
/// — changed: the text"; only those shared at least as widely as the note is now, as its
/// history page shows them to readers other than its author.
pub fn history_lines(revisions: &[StoredRevision]) -> Vec<String> {
    let now = revisions.last().map_or(0, |r| r.state.visibility().reach());
    let revisions: Vec<&StoredRevision> = revisions
        .iter()
        .filter(|r| r.state.visibility().reach() >= now)
        .collect();
    revisions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let changed = i
                .checked_sub(1)
                .map(|before| changes(&revisions[before].state, &r.state))
                .unwrap_or_default();
            format!(
                "Revision {} · {} · by {} · {}{}",
                r.seq,
                r.kind.as_str(),
                r.by.as_deref().unwrap_or("a new version of the text"),
                r.at.get(..10).unwrap_or(&r.at),
                if changed.is_empty() {
                    String::new()
                } else {
                    format!(" — changed: {}", changed.join("; "))
                }
            )
        })
        .collect()
}

/// Renders the export of `doc` with `notes` (already filtered for who may see them), its
/// `voices`, and what analysts judged of it.
pub fn export_html(
    doc: &StoredDocument,
    notes: &[Note],
    voices: &Voices,
    judgements: Judgements<'_>,
    iris: &Iris,
    exported_at: OffsetDateTime,
    scope: &str,
) -> Result<String, askama::Error> {
    let viewed: Vec<ViewedNote> = notes
        .iter()
        .map(|note| ViewedNote {
            note: note.clone(),
            own: false,
        })
        .collect();
    let article = render_article_with(
        &doc.analysed,
        &doc.actors,
        &viewed,
        ArticleOptions::EXPORT,
        Overlays {
            hits: &[],
            voices: Some(voices),
            ghosts: judgements.ghosts,
            mention_links: None,
        },
    );
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
        note_count: counted(notes.len() as u64, "note"),
        scope,
        source_iri: iris.document(&doc.slug),
        corrections: judgements.corrections,
        grading: judgements.grading,
        histories: judgements
            .histories
            .map(|all| {
                notes
                    .iter()
                    .filter_map(|n| all.get(&n.id).map(|r| (n.id.clone(), history_lines(r))))
                    .collect()
            })
            .unwrap_or_default(),
        strip: crate::domain::strip::mention_strip(&article.legend, &doc.analysed.mentions),
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
        assert_eq!(
            file_name("seed-doc", ExportScope::Team),
            "seed-doc-annotated-team.html"
        );
    }
}
