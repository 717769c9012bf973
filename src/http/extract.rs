//! Request extractors that answer in glossa's own error format.

use axum::extract::{FromRequestParts, Path};
use axum::http::Method;
use axum::http::request::Parts;

use super::AppState;
use super::auth::{Viewer, check_writer, require_json};
use crate::domain::annotation::NoteId;
use crate::domain::slug::Slug;
use crate::error::AppError;
use crate::store::analysts::Analyst;

/// The `{slug}` path parameter, validated. axum percent-decodes paths (`..%2F` arrives as
/// `../`), so the allow-list check here is what keeps hostile paths away from the store.
/// A string that cannot be a slug names no document: 404.
#[derive(Debug, Clone)]
pub struct DocumentSlug(pub Slug);

impl<S: Send + Sync> FromRequestParts<S> for DocumentSlug {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(raw)| raw)
            .unwrap_or_default();
        Slug::parse(&raw)
            .map(DocumentSlug)
            .map_err(|_| AppError::document_not_found(&raw))
    }
}

/// `{slug}` and `{id}` of an annotation URL; an id that is not a note id names no note (404).
#[derive(Debug, Clone)]
pub struct AnnotationPath {
    /// Document slug.
    pub slug: Slug,
    /// Note id.
    pub id: NoteId,
}

impl<S: Send + Sync> FromRequestParts<S> for AnnotationPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (slug, id) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| p)
            .unwrap_or_default();
        let slug = Slug::parse(&slug).map_err(|_| AppError::document_not_found(&slug))?;
        let id = NoteId::parse(&id).ok_or_else(AppError::note_not_found)?;
        Ok(AnnotationPath { slug, id })
    }
}

/// An analyst allowed to write notes, checked in one fixed order for every note write:
/// signed in (401), the request made by glossa's own pages when it rides on a cookie (403),
/// within the analyst's write budget (429), and, for a request with a body, JSON (415).
#[derive(Debug, Clone)]
pub struct NoteWriter {
    /// Who writes.
    pub analyst: Analyst,
    /// The full viewer, for visibility checks.
    pub viewer: Viewer,
}

impl FromRequestParts<AppState> for NoteWriter {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        NoteWriter::checked(parts, state, viewer)
    }
}

/// The author of a new note: a [`NoteWriter`], checked the same way, whose bearer token may
/// come from memory. Then `token_hash` holds it, for the write to check.
#[derive(Debug, Clone)]
pub struct NoteAuthor {
    /// The writer.
    pub writer: NoteWriter,
    /// The bearer token's hash when its analyst came from memory.
    pub token_hash: Option<String>,
}

impl FromRequestParts<AppState> for NoteAuthor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (viewer, token_hash) = super::auth::resolve_for_new_note(parts, state).await?;
        Ok(NoteAuthor {
            writer: NoteWriter::checked(parts, state, viewer)?,
            token_hash,
        })
    }
}

impl NoteWriter {
    fn checked(parts: &Parts, state: &AppState, viewer: Viewer) -> Result<NoteWriter, AppError> {
        let analyst = check_writer(
            state,
            &viewer,
            &parts.method,
            &parts.headers,
            "note changes",
        )?
        .clone();
        if matches!(parts.method, Method::POST | Method::PUT) {
            require_json(&parts.headers)?;
        }
        Ok(NoteWriter { analyst, viewer })
    }
}

/// A page of a JSON list as `?limit=&offset=` ask for it: `limit` from 1 to `max` (`default`
/// when not given), `offset` not negative. Anything else is a 400 that says what to send.
pub(super) fn page_window(
    limit: Option<i64>,
    offset: Option<i64>,
    default: i64,
    max: i64,
) -> Result<(i64, i64), AppError> {
    let bad = |message: String| {
        AppError::client(axum::http::StatusCode::BAD_REQUEST, "bad_query", message)
    };
    let limit = limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        return Err(bad(format!("limit must be between 1 and {max}.")));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(bad("offset cannot be negative.".into()));
    }
    Ok((limit, offset))
}
