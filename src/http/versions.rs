//! A document's versions: the list, any version read as it was with its notes as they were
//! anchored then, and the changes between two versions.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::Viewer;
use super::pages::{HtmlError, Layout, require_reader};
use crate::domain::annotation::history::DiffPart;
use crate::domain::article::{ArticleOptions, ArticleView, ViewedNote, render_article};
use crate::domain::slug::Slug;
use crate::domain::versions::{ParagraphChange, paragraph_diff};
use crate::error::AppError;
use crate::store::annotations::NoteFilter;
use crate::store::documents::VersionRecord;

/// `?from=&to=` of the versions page.
#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `/documents/{slug}/versions`.
#[derive(Template)]
#[template(path = "versions.html")]
struct VersionsPage {
    layout: Layout,
    slug: String,
    title: String,
    current: i64,
    versions: Vec<VersionLine>,
    from: i64,
    to: i64,
    changes: Vec<ParagraphChange>,
    error: Option<String>,
}

struct VersionLine {
    version: i64,
    date: String,
    by: String,
}

impl VersionsPage {
    fn changed(&self) -> usize {
        self.changes.iter().filter(|c| !c.is_same()).count()
    }
}

/// `/documents/{slug}/v/{n}`.
#[derive(Template)]
#[template(path = "version.html")]
struct VersionPage {
    layout: Layout,
    slug: String,
    title: String,
    version: i64,
    current: i64,
    date: String,
    article: ArticleView,
}

fn slug_of(text: &str) -> Result<Slug, AppError> {
    Slug::parse(text).map_err(|_| AppError::document_not_found(text))
}

async fn versions_of(
    state: &AppState,
    slug: &Slug,
) -> Result<(crate::store::documents::StoredDocument, Vec<VersionRecord>), AppError> {
    let doc = state
        .store
        .load_document(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let versions = state.store.document_versions(doc.id).await?;
    Ok((doc, versions))
}

fn version_number(text: Option<&str>, default: i64, last: i64) -> Result<i64, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=last).contains(n))
            .ok_or_else(|| format!("There is no version {t:?}: versions go from 1 to {last}.")),
    }
}

/// `GET /documents/{slug}/versions`: every version, and what changed between two of them
/// (by default the last two), paragraph by paragraph and word by word.
pub async fn versions_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Path(slug): Path<String>,
    Query(query): Query<CompareQuery>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let here = format!("/documents/{slug}/versions");
    require_reader(&state, &viewer, &here)?;
    let slug = slug_of(&slug)?;
    let (doc, versions) = versions_of(&state, &slug).await?;
    let last = versions.last().map_or(1, |v| v.version);
    let mut page = VersionsPage {
        layout: Layout::new(&viewer).at(&here),
        slug: slug.as_str().to_owned(),
        title: doc.title.clone(),
        current: last,
        versions: versions
            .iter()
            .map(|v| VersionLine {
                version: v.version,
                date: format!(
                    "{} UTC",
                    v.at.rfc3339()
                        .chars()
                        .take(16)
                        .collect::<String>()
                        .replace('T', " ")
                ),
                by: v
                    .by
                    .clone()
                    .unwrap_or_else(|| "the corpus directory".to_owned()),
            })
            .collect(),
        from: (last - 1).max(1),
        to: last,
        changes: Vec::new(),
        error: None,
    };
    let chosen = version_number(query.from.as_deref(), page.from, last)
        .and_then(|from| version_number(query.to.as_deref(), page.to, last).map(|to| (from, to)));
    match chosen {
        Ok((from, to)) => {
            page.from = from;
            page.to = to;
            let text = |n: i64| -> Result<Vec<String>, AppError> {
                let version = versions
                    .iter()
                    .find(|v| v.version == n)
                    .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
                paragraphs_of(version, &doc.format, &slug)
            };
            if from != to || versions.len() > 1 {
                let (old, new) = (text(from)?, text(to)?);
                let old: Vec<&str> = old.iter().map(String::as_str).collect();
                let new: Vec<&str> = new.iter().map(String::as_str).collect();
                page.changes = paragraph_diff(&old, &new);
            }
            Ok(super::cache::cacheable(Html(page.render()?)))
        }
        Err(message) => {
            page.error = Some(message);
            Ok((StatusCode::NOT_FOUND, Html(page.render()?)).into_response())
        }
    }
}

/// The paragraphs of a stored version, read again (without its actors: a diff needs words).
fn paragraphs_of(
    version: &VersionRecord,
    format: &str,
    slug: &Slug,
) -> Result<Vec<String>, AppError> {
    let empty = crate::domain::actors::Gazetteer::new(Vec::new())
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))?;
    let analysed = crate::intake::reread(version, format, slug, &empty)
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(analysed.parsed.blocks.into_iter().map(|b| b.text).collect())
}

/// `GET /documents/{slug}/v/{n}`: version `n` as it read, with the notes the reader may see
/// as they were anchored while it was current. The current version is the document's page.
pub async fn version_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let here = format!("/documents/{slug}/v/{number}");
    require_reader(&state, &viewer, &here)?;
    let slug = slug_of(&slug)?;
    let (doc, versions) = versions_of(&state, &slug).await?;
    let last = versions.last().map_or(1, |v| v.version);
    let n = version_number(Some(&number), last, last)
        .map_err(|m| AppError::client(StatusCode::NOT_FOUND, "no_such_version", m))?;
    if n == last {
        return Ok(Redirect::to(&format!("/documents/{slug}")).into_response());
    }
    let version = &versions[usize::try_from(n - 1).unwrap_or(0)];
    let next = &versions[usize::try_from(n).unwrap_or(0)];
    let gazetteer = super::intake::gazetteer(&state).await?;
    let analysed = crate::intake::reread(version, &doc.format, &slug, &gazetteer)
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let filter = NoteFilter::for_viewer(viewer.analyst_id());
    let me = viewer.analyst.as_ref().map(|a| a.name.clone());
    let notes: Vec<ViewedNote> = state
        .store
        .notes_before(doc.id, next.at)
        .await?
        .into_iter()
        .filter(|(_, author, revision)| filter.admits(revision.state.visibility(), *author))
        .map(|(id, _, revision)| {
            let creator = revision.by.clone().unwrap_or_default();
            ViewedNote {
                own: me.as_deref() == Some(creator.as_str()),
                note: revision
                    .state
                    .note(&id, slug.as_str(), &creator, &revision.at),
            }
        })
        .collect();
    let article = render_article(&analysed, &doc.actors, &notes, ArticleOptions::PAGE);
    let page = VersionPage {
        layout: Layout::new(&viewer).at(&here),
        slug: slug.as_str().to_owned(),
        title: doc.title.clone(),
        version: n,
        current: last,
        date: version.at.rfc3339().chars().take(10).collect(),
        article,
    };
    Ok(super::cache::cacheable(Html(page.render()?)))
}
