//! Digests from the pages: `/notes.csv` and `/notes.md` (the same query as `/notes`), and
//! `/documents/{slug}/notes.csv` and `.md` (a document's notes), each with exactly the notes
//! the page shows the viewer.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::Viewer;
use super::pages::{HtmlError, require_reader};
use super::workspace::Sort;
use crate::digest::{DigestError, DigestFormat, DigestTitle, found_notes, write_digest};
use crate::domain::search::SearchQuery;
use crate::domain::slug::Slug;
use crate::domain::wording::counted;
use crate::error::AppError;
use crate::store::annotations::NoteFilter;

/// `?q=&sort=&bom=`.
#[derive(Debug, Deserialize)]
pub struct DigestParams {
    /// The search, as on `/notes`.
    q: Option<String>,
    /// `newest` (default), `oldest`, `updated` or `relevance`.
    sort: Option<String>,
    /// `1`: start the CSV with a byte order mark, for spreadsheet programs.
    bom: Option<String>,
}

fn bad_request(message: impl Into<String>) -> HtmlError {
    HtmlError::Page(AppError::client(
        StatusCode::BAD_REQUEST,
        "bad_query",
        message,
    ))
}

/// The format the path's extension asks for.
fn format_of(extension: &str, params: &DigestParams) -> Result<DigestFormat, HtmlError> {
    // The routes name only .csv and .md.
    match extension {
        "csv" => Ok(DigestFormat::Csv {
            bom: match params.bom.as_deref() {
                None | Some("0") | Some("") => false,
                Some("1") => true,
                Some(_) => {
                    return Err(bad_request(
                        "`bom` takes 1 (start with a byte order mark, for Excel) or 0.",
                    ));
                }
            },
        }),
        _ => Ok(DigestFormat::Markdown),
    }
}

/// Who the digest was made for, in words.
fn made_for(viewer: &Viewer) -> String {
    match &viewer.analyst {
        Some(analyst) => format!("the notes {} may read", analyst.name),
        None => "public notes only".to_owned(),
    }
}

async fn respond(
    state: &AppState,
    viewer: &Viewer,
    query: SearchQuery,
    params: &DigestParams,
    format: DigestFormat,
    heading: String,
    file_stem: &str,
) -> Result<Response, HtmlError> {
    let sort = Sort::named(params.sort.as_deref().unwrap_or_default());
    let filter = NoteFilter::for_viewer(viewer.analyst_id());
    let notes = found_notes(&state.store, &query, sort.order(), filter)
        .await
        .map_err(|e| match e {
            DigestError::Store(e) => HtmlError::Page(e.into()),
            DigestError::TooMany(_) => {
                HtmlError::Page(AppError::unprocessable("too_many_notes", e.to_string()))
            }
            DigestError::Write(_) => HtmlError::Page(AppError::Internal(anyhow::anyhow!("{e}"))),
        })?;
    let made = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default();
    let title = DigestTitle {
        about: format!(
            "From {} on {made} · {} · {}.",
            state.iris.base(),
            counted(notes.len() as u64, "note"),
            made_for(viewer)
        ),
        collection: format!("{}/notes", state.iris.base()),
        heading,
    };
    let body = write_digest(&notes, format, &state.iris, &title)
        .map_err(|e| HtmlError::Page(AppError::Internal(anyhow::anyhow!("{e}"))))?;
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{file_stem}.{}\"",
                    format.extension()
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::VARY, "Cookie, Authorization".to_owned()),
        ],
        body,
    )
        .into_response())
}

fn parse_query(text: &str) -> Result<SearchQuery, HtmlError> {
    if text.trim().is_empty() {
        Ok(SearchQuery::default())
    } else {
        SearchQuery::parse(text).map_err(|e| bad_request(e.0))
    }
}

type Params = Result<Query<DigestParams>, axum::extract::rejection::QueryRejection>;

/// `GET /notes.csv`: the notes `/notes?q=…` shows, as CSV.
pub async fn notes_csv(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    params: Params,
) -> Result<Response, HtmlError> {
    notes_digest(state, viewer?, params, "csv").await
}

/// `GET /notes.md`: the notes `/notes?q=…` shows, as Markdown.
pub async fn notes_md(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    params: Params,
) -> Result<Response, HtmlError> {
    notes_digest(state, viewer?, params, "md").await
}

/// `GET /documents/{slug}/notes.csv`: a document's notes as CSV.
pub async fn document_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    viewer: Result<Viewer, AppError>,
    params: Params,
) -> Result<Response, HtmlError> {
    document_digest(state, slug, viewer?, params, "csv").await
}

/// `GET /documents/{slug}/notes.md`: a document's notes as Markdown.
pub async fn document_md(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    viewer: Result<Viewer, AppError>,
    params: Params,
) -> Result<Response, HtmlError> {
    document_digest(state, slug, viewer?, params, "md").await
}

async fn notes_digest(
    state: AppState,
    viewer: Viewer,
    params: Params,
    extension: &str,
) -> Result<Response, HtmlError> {
    let Query(params) = params.map_err(|_| {
        bad_request("q, sort and bom may each be given once: /notes.csv?q=tag:sanctions.")
    })?;
    let format = format_of(extension, &params)?;
    require_reader(&state, &viewer, &format!("/notes.{extension}"))?;
    let text = params.q.clone().unwrap_or_default();
    let query = parse_query(&text)?;
    let heading = if text.trim().is_empty() {
        "Notes".to_owned()
    } else {
        format!("Notes matching “{}”", text.trim())
    };
    respond(&state, &viewer, query, &params, format, heading, "notes").await
}

async fn document_digest(
    state: AppState,
    raw_slug: String,
    viewer: Viewer,
    params: Params,
    extension: &str,
) -> Result<Response, HtmlError> {
    let Query(params) =
        params.map_err(|_| bad_request("q, sort and bom may each be given once."))?;
    let slug = Slug::parse(&raw_slug)
        .map_err(|_| HtmlError::Page(AppError::document_not_found(&raw_slug)))?;
    let format = format_of(extension, &params)?;
    require_reader(
        &state,
        &viewer,
        &format!("/documents/{slug}/notes.{extension}"),
    )?;
    let title = state
        .store
        .load_document(slug.as_str())
        .await
        .map_err(|e| HtmlError::Page(e.into()))?
        .ok_or_else(|| HtmlError::Page(AppError::document_not_found(slug.as_str())))?
        .title;
    let mut query = parse_query(params.q.as_deref().unwrap_or_default())?;
    query.filters.documents = vec![slug.as_str().to_owned()];
    let stem = format!("{slug}-notes");
    respond(
        &state,
        &viewer,
        query,
        &params,
        format,
        format!("Notes on {title}"),
        &stem,
    )
    .await
}
