//! A note's history: `GET /api/documents/{slug}/annotations/{id}/revisions` (JSON), the page
//! `/documents/{slug}/notes/{id}/history` (every revision, a word diff between any two), and
//! its form, with which the author restores a revision or purges a deleted note's history.

use askama::Template;
use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{Viewer, check_same_origin};
use super::extract::AnnotationPath;
use super::pages::{HtmlError, Layout, require_reader};
use crate::domain::annotation::Visibility;
use crate::domain::annotation::history::{DiffPart, NoteState, changes, word_diff};
use crate::error::AppError;
use crate::store::annotations::Conditional;
use crate::store::history::{Purge, StoredHistory, StoredRevision};

/// The history of the note at `path`, if the viewer may read it: the author always; others
/// as the note's latest state is shared (a deleted note's, as it was when deleted).
async fn visible_history(
    state: &AppState,
    path: &AnnotationPath,
    viewer: &Viewer,
) -> Result<(StoredHistory, usize), AppError> {
    state.check_reader(viewer)?;
    let history = state
        .store
        .note_history(path.id.as_str())
        .await?
        .filter(|h| h.slug == path.slug.as_str())
        .ok_or_else(AppError::note_not_found)?;
    let latest = history.latest().ok_or_else(AppError::note_not_found)?;
    let visible = viewer.analyst_id() == Some(history.author_id)
        || match latest.state.visibility() {
            Visibility::Public => true,
            Visibility::Team => viewer.analyst.is_some(),
            Visibility::Private => false,
        };
    if !visible {
        return Err(AppError::note_not_found());
    }
    let mut history = history;
    let left_out = if viewer.analyst_id() == Some(history.author_id) {
        0
    } else {
        history.shared_part()
    };
    Ok((history, left_out))
}

/// `GET …/revisions`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryJson {
    /// The note's IRI.
    note: String,
    /// Its author.
    author: String,
    /// Whether the note is deleted (its history is kept for the audit).
    deleted: bool,
    /// Revisions left out for this reader: those shared less widely than the note is now.
    left_out: usize,
    /// Oldest first.
    revisions: Vec<RevisionJson>,
}

/// One revision.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevisionJson {
    /// 1, 2, 3 …
    revision: i64,
    /// created, edited, reanchored, restored or deleted.
    kind: &'static str,
    /// Who made it; null for a re-import of the text.
    by: Option<String>,
    /// RFC 3339.
    at: String,
    /// The revision a restoration brought back.
    restored_from: Option<i64>,
    /// What changed from the revision before, in words.
    changes: Vec<String>,
    /// The note after it: motivation, body, tags, visibility, credibility,
    /// sourceReliability, anchor {start, end, exact}, anchorStatus.
    #[schema(value_type = Object)]
    state: NoteState,
}

fn revision_changes(history: &StoredHistory, revision: &StoredRevision) -> Vec<String> {
    history
        .revisions
        .iter()
        .take_while(|r| r.seq < revision.seq)
        .last()
        .map(|before| changes(&before.state, &revision.state))
        .unwrap_or_default()
}

/// `GET /api/documents/{slug}/annotations/{id}/revisions`: every state the note has had.
#[utoipa::path(get, path = "/api/documents/{slug}/annotations/{id}/revisions", tag = "annotations",
    params(("slug" = String, Path, description = "Document slug"), ("id" = String, Path, description = "Note id")),
    responses((status = 200, description = "The note's revisions, oldest first", body = HistoryJson),
              (status = 404, description = "No such note, or not one the viewer may read", body = super::openapi::ErrorEnvelope)))]
pub async fn api_revisions(
    State(state): State<AppState>,
    path: AnnotationPath,
    viewer: Viewer,
) -> Result<super::cache::Cached<Json<HistoryJson>>, AppError> {
    let (history, left_out) = visible_history(&state, &path, &viewer).await?;
    Ok(super::cache::Cached(Json(HistoryJson {
        left_out,
        note: state.iris.annotation(&history.slug, &history.id),
        author: history.author.clone(),
        deleted: history.deleted,
        revisions: history
            .revisions
            .iter()
            .map(|r| RevisionJson {
                revision: r.seq,
                kind: r.kind.as_str(),
                by: r.by.clone(),
                at: r.at.clone(),
                restored_from: r.restored_from,
                changes: revision_changes(&history, r),
                state: r.state.clone(),
            })
            .collect(),
    })))
}

/// A revision as the page lists it.
struct RevisionView {
    seq: i64,
    kind: &'static str,
    by: String,
    at: String,
    date: String,
    /// HH:MM UTC, so that edits of one day tell apart.
    time: String,
    restored_from: Option<i64>,
    changes: Vec<String>,
    /// Whether the author may bring it back (not the current state, note not deleted).
    restorable: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    layout: Layout,
    slug: String,
    id: String,
    title: String,
    author: String,
    quote: String,
    deleted: bool,
    is_author: bool,
    revisions: Vec<RevisionView>,
    from: i64,
    to: i64,
    diff: Vec<DiffPart>,
    diff_changes: Vec<String>,
    message: Option<String>,
    /// Revisions not shown to this reader.
    left_out: usize,
}

/// `?from=&to=`: the two revisions to compare.
#[derive(Debug, Default, Deserialize)]
pub struct CompareParams {
    from: Option<i64>,
    to: Option<i64>,
    /// The revision just restored, to say so.
    restored: Option<i64>,
}

/// `GET /documents/{slug}/notes/{id}/history`.
pub async fn history_page(
    State(state): State<AppState>,
    path: AnnotationPath,
    viewer: Result<Viewer, AppError>,
    params: Result<Query<CompareParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let here = format!("/documents/{}/notes/{}/history", path.slug, path.id);
    require_reader(&state, &viewer, &here)?;
    let Query(params) = params.map_err(|_| {
        HtmlError::Page(AppError::client(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "from and to are revision numbers: ?from=1&to=3.",
        ))
    })?;
    let (history, left_out) = visible_history(&state, &path, &viewer).await?;
    let title = state
        .store
        .load_document(path.slug.as_str())
        .await
        .map_err(AppError::from)?
        .map_or_else(|| path.slug.to_string(), |d| d.title);
    let latest = history.latest().ok_or_else(AppError::note_not_found)?;
    let last = latest.seq;
    let to = params.to.unwrap_or(last);
    let from = params
        .from
        .unwrap_or_else(|| history.revisions.iter().rev().nth(1).map_or(to, |r| r.seq));
    let (Some(older), Some(newer)) = (history.revision(from), history.revision(to)) else {
        return Err(HtmlError::Page(AppError::client(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("This note has revisions 1 to {last}; compare two of them."),
        )));
    };
    let is_author = viewer.analyst_id() == Some(history.author_id);
    let page = HistoryPage {
        layout: Layout::new(&viewer).at(&here),
        slug: history.slug.clone(),
        id: history.id.clone(),
        title,
        author: history.author.clone(),
        quote: latest
            .state
            .anchor
            .as_ref()
            .map_or_else(String::new, |a| a.exact.clone()),
        deleted: history.deleted,
        is_author,
        diff: word_diff(&older.state.body, &newer.state.body),
        diff_changes: changes(&older.state, &newer.state),
        from,
        to,
        revisions: history
            .revisions
            .iter()
            .rev()
            .map(|r| RevisionView {
                seq: r.seq,
                kind: r.kind.as_str(),
                by: r
                    .by
                    .clone()
                    .unwrap_or_else(|| "a new version of the text".to_owned()),
                date: r.at.chars().take(10).collect(),
                time: format!("{} UTC", r.at.chars().skip(11).take(5).collect::<String>()),
                at: r.at.clone(),
                restored_from: r.restored_from,
                changes: revision_changes(&history, r),
                restorable: is_author && !history.deleted && r.state != latest.state,
            })
            .collect(),
        left_out,
        message: params
            .restored
            .filter(|seq| history.revision(*seq).is_some())
            .map(|seq| format!("Revision {seq} restored, as a new revision ({last}).")),
    };
    Ok(super::cache::cacheable(Html(
        page.render().map_err(AppError::from)?,
    )))
}

/// The history form: restore a revision, or purge a deleted note's history.
#[derive(Debug, Deserialize)]
pub struct HistoryForm {
    action: String,
    revision: Option<i64>,
    confirm: Option<String>,
}

/// `POST /documents/{slug}/notes/{id}/history`: only the author, from glossa's own page.
pub async fn history_form(
    State(state): State<AppState>,
    path: AnnotationPath,
    viewer: Result<Viewer, AppError>,
    method: Method,
    headers: HeaderMap,
    form: Result<Form<HistoryForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let here = format!("/documents/{}/notes/{}/history", path.slug, path.id);
    let Some(analyst) = viewer.analyst.clone() else {
        return Err(HtmlError::SignIn(here));
    };
    check_same_origin(&viewer, &method, &headers, state.iris.base())?;
    let Form(form) = form.map_err(|_| {
        AppError::client(
            StatusCode::BAD_REQUEST,
            "bad_form",
            "The form could not be read: send it from the note's history page.",
        )
    })?;
    let (history, _) = visible_history(&state, &path, &viewer).await?;
    if history.author_id != analyst.id {
        return Err(AppError::forbidden(
            "Only the note's author may restore or purge its history.",
        )
        .into());
    }
    let restored = match form.action.as_str() {
        "restore" => {
            let seq = form.revision.ok_or_else(|| {
                AppError::client(
                    StatusCode::BAD_REQUEST,
                    "bad_form",
                    "Say which revision to restore.",
                )
            })?;
            let doc = state
                .store
                .document_text(path.slug.as_str())
                .await
                .map_err(AppError::from)?
                .ok_or_else(|| AppError::document_not_found(path.slug.as_str()))?;
            let current = state
                .store
                .get_note(doc.id, path.id.as_str())
                .await
                .map_err(AppError::from)?
                .ok_or_else(|| {
                    AppError::client(
                        StatusCode::CONFLICT,
                        "note_deleted",
                        "The note is deleted; its history can be read but not restored.",
                    )
                })?;
            match state
                .store
                .restore_revision(path.id.as_str(), seq, current.note.revision)
                .await
                .map_err(AppError::from)?
            {
                Conditional::Done(_) => seq,
                Conditional::Stale => {
                    return Err(AppError::client(
                        StatusCode::CONFLICT,
                        "precondition_failed",
                        "The note changed while you restored it; read its history again.",
                    )
                    .into());
                }
                Conditional::Missing => {
                    return Err(AppError::client(
                        StatusCode::NOT_FOUND,
                        "not_found",
                        format!("The note has no revision {seq}."),
                    )
                    .into());
                }
            }
        }
        "purge" => {
            if form.confirm.as_deref() != Some("purge") {
                return Err(AppError::client(
                    StatusCode::BAD_REQUEST,
                    "not_confirmed",
                    "Tick “I understand this cannot be undone” to purge the history.",
                )
                .into());
            }
            match state
                .store
                .purge_note(path.id.as_str())
                .await
                .map_err(AppError::from)?
            {
                Purge::Purged(_) => {
                    return Ok(Redirect::to(&format!("/documents/{}", path.slug)).into_response());
                }
                Purge::NoteExists => {
                    return Err(AppError::client(
                        StatusCode::CONFLICT,
                        "note_exists",
                        "Only a deleted note's history can be purged: delete the note first.",
                    )
                    .into());
                }
                Purge::Missing => return Err(AppError::note_not_found().into()),
            }
        }
        _ => {
            return Err(AppError::client(
                StatusCode::BAD_REQUEST,
                "bad_form",
                "The action is restore or purge.",
            )
            .into());
        }
    };
    Ok(Redirect::to(&format!("{here}?restored={restored}")).into_response())
}
