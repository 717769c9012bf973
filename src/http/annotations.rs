//! The W3C Web Annotation Protocol: one container of notes per document.
//!
//! `/api/documents/{slug}/annotations/` is an LDP `BasicContainer` and an
//! `AnnotationCollection`, paged by `AnnotationPage`s of [`PAGE_SIZE`]; each note lives at
//! `…/annotations/{id}`. Writes need an analyst; changes and deletions need the note's ETag in
//! `If-Match`, so two analysts can never overwrite each other unknowingly.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::AppState;
use super::auth::INVALID_TOKEN;
use super::auth::Viewer;
use super::etag;
use super::extract::{AnnotationPath, DocumentSlug, NoteAuthor, NoteWriter};
use crate::domain::anchor::{Anchor, resolve};
use crate::domain::annotation::thread::reply_visibility;
use crate::domain::annotation::{
    Note, NoteContent, NoteId, PageInfo, PageLd, TargetIris, Visibility, collection_jsonld,
    page_jsonld, parse_note, to_jsonld,
};
use crate::domain::slug::Slug;
use crate::error::AppError;
use crate::store::annotations::{
    Conditional, Created, DocumentTextRow, IdempotencyKey, NewNote, NoteFilter, OwnedNote,
};

/// Notes per `AnnotationPage`.
pub const PAGE_SIZE: i64 = 100;
/// The media type of every annotation response.
pub const LD_JSON: &str = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";
const CONTAINER_LINK: &str = "<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\", <http://www.w3.org/TR/annotation-protocol/>; rel=\"http://www.w3.org/ns/ldp#constrainedBy\"";
const RESOURCE_LINK: &str = "<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"";
const CONTAINER_ALLOW: &str = "GET, HEAD, OPTIONS, POST";
const RESOURCE_ALLOW: &str = "GET, HEAD, OPTIONS, PUT, DELETE";

/// `?page=N` of the container.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

async fn document(
    state: &AppState,
    slug: &Slug,
    viewer: &Viewer,
) -> Result<DocumentTextRow, AppError> {
    state.check_reader(viewer)?;
    state
        .store
        .document_text(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))
}

pub(super) fn ld_response(
    status: StatusCode,
    body: &impl serde::Serialize,
    extra: &[(header::HeaderName, String)],
) -> Response {
    match serde_json::to_string(body) {
        Ok(text) => ld_text_response(status, text, extra),
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

pub(super) fn ld_text_response(
    status: StatusCode,
    bytes: String,
    extra: &[(header::HeaderName, String)],
) -> Response {
    let mut response = (status, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(LD_JSON));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Prefer, Cookie, Authorization"),
    );
    for (name, value) in extra {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name.clone(), value);
        }
    }
    response
}

fn page_json<'a>(
    state: &AppState,
    slug: &str,
    notes: &'a [Note],
    page: u32,
    total: i64,
    standalone: bool,
) -> PageLd<'a> {
    let container = state.iris.container(slug);
    let last = ((total - 1).max(0) / PAGE_SIZE) as u32;
    let info = PageInfo {
        id: format!("{container}?page={page}"),
        start_index: i64::from(page) * PAGE_SIZE,
        total,
        next: (page < last).then(|| format!("{container}?page={}", page + 1)),
        prev: (page > 0).then(|| format!("{container}?page={}", page - 1)),
    };
    page_jsonld(notes, &state.iris, slug, info, standalone)
}

/// `GET /api/documents/{slug}/annotations/[?page=N]`: the container, or one of its pages.
#[utoipa::path(get, path = "/api/documents/{slug}/annotations/", tag = "annotations",
    params(("slug" = String, Path, description = "Document slug"), ("page" = Option<u32>, Query, description = "AnnotationPage number, from 0")),
    responses((status = 200, description = "BasicContainer + AnnotationCollection, or an AnnotationPage", body = Object, content_type = "application/ld+json"),
              (status = 304, description = "Not modified (If-None-Match)"),
              (status = 404, description = "No such document or page", body = super::openapi::ErrorEnvelope)))]
pub async fn list_annotations(
    State(state): State<AppState>,
    DocumentSlug(slug): DocumentSlug,
    viewer: Viewer,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::client(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "`page` must be a page number: 0, 1, 2 …",
        )
    })?;
    let doc = document(&state, &slug, &viewer).await?;
    let total = state
        .store
        .count_notes(doc.id, NoteFilter::for_viewer(viewer.analyst_id()))
        .await?;
    let page = query.page.unwrap_or(0);
    if i64::from(page) * PAGE_SIZE >= total.max(1) {
        return Err(AppError::NotFound(format!(
            "This container has {}; page {page} is past the end.",
            crate::domain::wording::counted(u64::try_from(total).unwrap_or(0), "note")
        )));
    }
    let notes = state
        .store
        .list_notes(
            doc.id,
            NoteFilter::for_viewer(viewer.analyst_id()),
            i64::from(page) * PAGE_SIZE,
            PAGE_SIZE,
        )
        .await?;
    let container = state.iris.container(slug.as_str());
    let body = match query.page {
        Some(page) => {
            serde_json::to_string(&page_json(&state, slug.as_str(), &notes, page, total, true))
        }
        None => {
            let first =
                (total > 0).then(|| page_json(&state, slug.as_str(), &notes, 0, total, false));
            let last = (total > 0).then(|| format!("{container}?page={}", (total - 1) / PAGE_SIZE));
            serde_json::to_string(&collection_jsonld(
                &state.iris,
                slug.as_str(),
                total,
                first,
                last,
            ))
        }
    }
    .map_err(|e| AppError::Internal(e.into()))?;
    let extra = [
        (header::LINK, CONTAINER_LINK.to_owned()),
        (header::ALLOW, CONTAINER_ALLOW.to_owned()),
        (header::CONTENT_LOCATION, container),
    ];
    Ok(super::cache::cacheable(ld_text_response(
        StatusCode::OK,
        body,
        &extra,
    )))
}

/// `OPTIONS` on the container.
#[utoipa::path(options, path = "/api/documents/{slug}/annotations/", tag = "annotations",
    params(("slug" = String, Path, description = "Document slug")),
    responses((status = 200, description = "Allow, Link and Accept-Post headers")))]
pub async fn options_container() -> Response {
    (
        [
            (header::ALLOW, CONTAINER_ALLOW),
            (header::LINK, CONTAINER_LINK),
            (header::HeaderName::from_static("accept-post"), LD_JSON),
        ],
        "",
    )
        .into_response()
}

/// `OPTIONS` on an annotation.
#[utoipa::path(options, path = "/api/documents/{slug}/annotations/{id}", tag = "annotations",
    params(("slug" = String, Path, description = "Document slug"), ("id" = String, Path, description = "Note id")),
    responses((status = 200, description = "Allow and Link headers")))]
pub async fn options_annotation() -> Response {
    (
        [
            (header::ALLOW, RESOURCE_ALLOW),
            (header::LINK, RESOURCE_LINK),
        ],
        "",
    )
        .into_response()
}

/// The `Idempotency-Key` header: 1 to 255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    let mut values = headers.get_all("idempotency-key").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(AppError::client(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "Send one Idempotency-Key header, not several: which key would the note be kept under?",
        ));
    }
    value
        .to_str()
        .ok()
        .map(|k| k.trim_matches('"'))
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(Some)
        .ok_or_else(|| {
            AppError::client(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.",
            )
        })
}

pub(super) fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, AppError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The request body is larger than the limit of 256 KiB.",
            )
        } else {
            AppError::client(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                rejection.body_text(),
            )
        }
    })
}

pub(super) fn parse_json(bytes: &[u8]) -> Result<Value, AppError> {
    // serde_json's message already ends with "at line L column C".
    let parsed = serde_json::from_slice::<super::unique_json::UniqueKeys>(bytes);
    parsed.map(|unique| unique.0).map_err(|e| {
        AppError::client(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("The body is not valid JSON: {e}."),
        )
    })
}

/// Parses and anchors a note against the document's current text; a page note has no
/// anchor.
fn parse_and_anchor(
    state: &AppState,
    slug: &Slug,
    doc: &DocumentTextRow,
    value: &Value,
) -> Result<(NoteContent, Option<Anchor>), AppError> {
    let document = state.iris.document(slug.as_str());
    let container = state.iris.container(slug.as_str());
    let iris = TargetIris {
        document: &document,
        container: &container,
    };
    let content =
        parse_note(value, iris).map_err(|e| AppError::unprocessable(e.code, e.to_string()))?;
    let anchor = anchor_in(doc, &content)?;
    Ok((content, anchor))
}

/// Where the note's selectors fall in the document's text; `None` for a page note.
fn anchor_in(doc: &DocumentTextRow, content: &NoteContent) -> Result<Option<Anchor>, AppError> {
    content
        .selectors
        .as_ref()
        .map(|selectors| resolve(&doc.text, selectors))
        .transpose()
        .map_err(|e| AppError::unprocessable("anchor_mismatch", format!("target.selector: {e}")))
}

/// How many times a note is written before giving up on a document that keeps changing
/// under it (each try after the first reads it again).
const MAX_WRITE_ATTEMPTS: usize = 3;

/// `POST /api/documents/{slug}/annotations/`: creates a note; 201 with `Location` and `ETag`.
#[utoipa::path(post, path = "/api/documents/{slug}/annotations/", tag = "annotations",
    params(("slug" = String, Path, description = "Document slug")),
    request_body(content = Object, content_type = "application/ld+json", description = "A W3C Web Annotation: motivation, body (TextualBody with optional language and purpose, tags with purpose tagging), target (the document IRI alone for a note on the whole document, or a SpecificResource with TextQuoteSelector and/or TextPositionSelector), visibility, and optionally canonical and via (kept as sent)"),
    responses((status = 201, description = "Created; Location and ETag headers. A retry with an Idempotency-Key already used for this request gets the note it created, with `Idempotent-Replayed: true`", body = Object, content_type = "application/ld+json"),
              (status = 400, description = "Malformed JSON", body = super::openapi::ErrorEnvelope),
              (status = 401, description = "No or bad credentials", body = super::openapi::ErrorEnvelope),
              (status = 403, description = "Cross-site request", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope),
              (status = 413, description = "Body over the transport limit", body = super::openapi::ErrorEnvelope),
              (status = 415, description = "Not JSON", body = super::openapi::ErrorEnvelope),
              (status = 422, description = "A field is wrong or the selector does not match the text", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn create_annotation(
    State(state): State<AppState>,
    DocumentSlug(slug): DocumentSlug,
    author: NoteAuthor,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let NoteAuthor {
        writer,
        mut token_hash,
    } = author;
    let mut analyst = writer.analyst;
    state.check_reader(&writer.viewer)?;
    // From memory when a note was anchored in it before: the write checks the version.
    let mut doc = state
        .store
        .note_target(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let bytes = read_body(body)?;
    let value = parse_json(&bytes)?;
    let (mut content, mut anchor) = parse_and_anchor(&state, &slug, &doc, &value)?;
    if let Some(parent) = &content.reply_to {
        let parent = match state.store.get_note(doc.id, parent.as_str()).await? {
            Some(parent) if may_read(&writer.viewer, &parent) => Some(parent.note.visibility),
            Some(_) => return Err(no_such_parent(&state, &slug, parent)),
            // Deleted or never there: the store says which, under the lock it takes.
            None => None,
        };
        if let Some(parent) = parent {
            content.visibility = reply_readers(&content, parent)?;
        }
    }
    // The request is compared as JSON, not as bytes: a client that retries with its keys in
    // another order or laid out anew is sending the same note.
    let canonical = serde_json::to_vec(&value).map_err(|e| AppError::Internal(e.into()))?;
    let idempotency = idempotency_key(&headers)?.map(|key| IdempotencyKey {
        key: key.to_owned(),
        request_hash: hex::encode(Sha256::digest(&canonical)),
    });
    let parent = content.reply_to.clone();
    let id = new_note_id()?.as_str().to_owned();
    let mut attempts = 0;
    let created = loop {
        let created = state
            .store
            .insert_note(NewNote {
                document: doc.clone(),
                slug: slug.as_str().to_owned(),
                analyst: analyst.clone(),
                id: id.clone(),
                content: content.clone(),
                anchor: anchor.clone(),
                idempotency: idempotency.clone(),
                token_hash: token_hash.clone(),
            })
            .await?;
        attempts += 1;
        if created != Created::TargetChanged || attempts == MAX_WRITE_ATTEMPTS {
            break created;
        }
        // The document or the author changed since they were read (from memory, or by
        // another writer meanwhile): read both from the database and anchor again.
        match token_hash.take() {
            Some(hash) => {
                state.store.forget_token(&hash);
                analyst = state
                    .store
                    .analyst_by_token(&hash)
                    .await?
                    .ok_or_else(|| AppError::unauthorized(INVALID_TOKEN))?;
                token_hash = Some(hash);
            }
            None if !state.store.analyst_is_active(analyst.id).await? => {
                return Err(AppError::unauthorized(
                    "Your access has been revoked; ask an administrator for a new token.",
                ));
            }
            None => {}
        }
        doc = state
            .store
            .document_text(slug.as_str())
            .await?
            .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
        anchor = anchor_in(&doc, &content)?;
    };
    let (note, replayed) = match created {
        Created::New(note) => (note, false),
        Created::Replayed(note) => (note, true),
        Created::ReplayedDeleted => {
            return Err(AppError::client(
                StatusCode::CONFLICT,
                "idempotency_key_used",
                "This Idempotency-Key already created a note, which has since been deleted.",
            ));
        }
        Created::KeyReused => {
            return Err(AppError::unprocessable(
                "idempotency_key_reused",
                "This Idempotency-Key was already used for a different request; use a new key for a new note.",
            ));
        }
        Created::ParentDeleted => {
            return Err(AppError::client(
                StatusCode::CONFLICT,
                "parent_deleted",
                "The note you are replying to has been deleted. Its thread stays readable; answer one of its replies instead.",
            ));
        }
        Created::ParentMissing => {
            let parent = parent.as_ref().map(NoteId::as_str).unwrap_or_default();
            return Err(no_such_parent(&state, &slug, parent));
        }
        Created::TargetChanged => {
            return Err(AppError::client(
                StatusCode::CONFLICT,
                "document_changing",
                "The document kept changing while the note was being saved; send the note again.",
            ));
        }
    };
    let id = state.iris.annotation(slug.as_str(), &note.id);
    let mut response = ld_response(
        StatusCode::CREATED,
        &to_jsonld(&note, &state.iris),
        &[
            (header::LOCATION, id),
            (header::ETAG, note.etag()),
            (header::LINK, RESOURCE_LINK.to_owned()),
            (header::ALLOW, RESOURCE_ALLOW.to_owned()),
        ],
    );
    if replayed {
        // A client (or a person reading its log) can tell a retry that found its note from
        // one that wrote it; the name is the one Stripe and others made customary.
        response.headers_mut().insert(
            HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

/// Who may read a reply whose parent `parent` may read: what the client asked, within its
/// thread.
fn reply_readers(content: &NoteContent, parent: Visibility) -> Result<Visibility, AppError> {
    let stated = content.visibility_stated.then_some(content.visibility);
    reply_visibility(stated, parent).map_err(|e| AppError::unprocessable(e.code, e.to_string()))
}

/// A reply to a note that is not there, or that the writer may not read (which must look
/// the same, so that a private note's existence does not leak).
fn no_such_parent(state: &AppState, slug: &Slug, parent: impl std::fmt::Display) -> AppError {
    AppError::unprocessable(
        "reply_target_missing",
        format!(
            "`target` names no note you can read on this document ({}); reply to a note shown on its page",
            state.iris.annotation(slug.as_str(), &parent.to_string())
        ),
    )
}

fn new_note_id() -> Result<NoteId, AppError> {
    NoteId::generate().map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))
}

/// Loads a note the viewer may see: someone else's private note is reported as missing, so
/// its existence does not leak.
async fn visible_note(
    state: &AppState,
    path: &AnnotationPath,
    viewer: &Viewer,
) -> Result<(DocumentTextRow, OwnedNote), AppError> {
    let doc = document(state, &path.slug, viewer).await?;
    let owned = state
        .store
        .get_note(doc.id, path.id.as_str())
        .await?
        .ok_or_else(AppError::note_not_found)?;
    if may_read(viewer, &owned) {
        Ok((doc, owned))
    } else {
        Err(AppError::note_not_found())
    }
}

/// Whether `viewer` may read the note.
fn may_read(viewer: &Viewer, owned: &OwnedNote) -> bool {
    match owned.note.visibility {
        Visibility::Public => true,
        Visibility::Team => viewer.analyst.is_some(),
        Visibility::Private => viewer.analyst_id() == Some(owned.analyst_id),
    }
}

fn note_response(state: &AppState, note: &Note, status: StatusCode) -> Response {
    ld_response(
        status,
        &to_jsonld(note, &state.iris),
        &[
            (header::ETAG, note.etag()),
            (header::LINK, RESOURCE_LINK.to_owned()),
            (header::ALLOW, RESOURCE_ALLOW.to_owned()),
        ],
    )
}

/// `GET /api/documents/{slug}/annotations/{id}`
#[utoipa::path(get, path = "/api/documents/{slug}/annotations/{id}", tag = "annotations",
    params(("slug" = String, Path, description = "Document slug"), ("id" = String, Path, description = "Note id")),
    responses((status = 200, description = "The annotation; ETag header", body = Object, content_type = "application/ld+json"),
              (status = 404, description = "No such note visible to you", body = super::openapi::ErrorEnvelope)))]
pub async fn show_annotation(
    State(state): State<AppState>,
    path: AnnotationPath,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (_, owned) = visible_note(&state, &path, &viewer).await?;
    if etag::none_match_hits(&headers, &owned.note.etag()) {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, owned.note.etag())],
        )
            .into_response());
    }
    Ok(note_response(&state, &owned.note, StatusCode::OK))
}

/// Only the author changes a note, and only from the revision they read (`If-Match`).
fn check_author(
    writer: &NoteWriter,
    owned: &OwnedNote,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    if writer.analyst.id != owned.analyst_id {
        return Err(AppError::forbidden(
            "Only the note's author may change or delete it.",
        ));
    }
    etag::require_match(headers, &owned.note.etag())
}

/// The protocol keeps a note's `canonical` IRI without change: a replacement may leave it
/// out (it stays) but may not give another.
fn keep_canonical(content: &mut NoteContent, stored: &Note) -> Result<(), AppError> {
    match (&content.kept.canonical, &stored.kept.canonical) {
        (Some(new), Some(old)) if new != old => Err(AppError::unprocessable(
            "canonical_changed",
            format!("`canonical` is {old} and cannot change; send it unchanged or leave it out"),
        )),
        (None, Some(old)) => {
            content.kept.canonical = Some(old.clone());
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A replacement that names a note in its `id` must name the one at its address: a client
/// that sends one note's JSON to another's URL would otherwise overwrite the wrong note. The
/// id may be the note's IRI as glossa gave it, or the note's id alone.
fn check_same_note(value: &Value, path: &AnnotationPath, iri: &str) -> Result<(), AppError> {
    let Some(given) = value.get("id") else {
        return Ok(());
    };
    let names_this_note = given
        .as_str()
        .is_some_and(|given| given == iri || given == path.id.as_str());
    if names_this_note {
        return Ok(());
    }
    Err(AppError::client(
        StatusCode::BAD_REQUEST,
        "id_mismatch",
        format!(
            "`id` is {given} but this request replaces {iri}: send it to that note's own address, or leave `id` out"
        ),
    ))
}

/// `PUT /api/documents/{slug}/annotations/{id}`: replaces a note; needs `If-Match`.
#[utoipa::path(put, path = "/api/documents/{slug}/annotations/{id}", tag = "annotations",
    params(("slug" = String, Path, description = "Document slug"), ("id" = String, Path, description = "Note id"), ("If-Match" = String, Header, description = "The note's ETag")),
    request_body(content = Object, content_type = "application/ld+json"),
    responses((status = 200, description = "Updated; new ETag", body = Object, content_type = "application/ld+json"),
              (status = 401, description = "No or bad credentials", body = super::openapi::ErrorEnvelope),
              (status = 403, description = "Not the author", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such note visible to you", body = super::openapi::ErrorEnvelope),
              (status = 412, description = "Changed elsewhere (stale ETag)", body = super::openapi::ErrorEnvelope),
              (status = 422, description = "A field is wrong", body = super::openapi::ErrorEnvelope),
              (status = 428, description = "If-Match missing", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn update_annotation(
    State(state): State<AppState>,
    path: AnnotationPath,
    writer: NoteWriter,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (doc, owned) = visible_note(&state, &path, &writer.viewer).await?;
    check_author(&writer, &owned, &headers)?;
    let value = parse_json(&read_body(body)?)?;
    check_same_note(
        &value,
        &path,
        &state.iris.annotation(path.slug.as_str(), path.id.as_str()),
    )?;
    let (mut content, anchor) = parse_and_anchor(&state, &path.slug, &doc, &value)?;
    keep_canonical(&mut content, &owned.note)?;
    // Who may read a note changes only when the replacement says so: left out, a private
    // note would otherwise open to the team.
    if !content.visibility_stated {
        content.visibility = owned.note.visibility;
    }
    if content.reply_to.as_ref().map(NoteId::as_str) != owned.note.reply_to.as_deref() {
        return Err(AppError::unprocessable(
            "thread_changed",
            match &owned.note.reply_to {
                Some(parent) => format!(
                    "`target` must stay {}: a reply stays on the note it answers",
                    state.iris.annotation(path.slug.as_str(), parent)
                ),
                None => "a note cannot become a reply: `target` must stay what it is; write a new reply instead".to_owned(),
            },
        ));
    }
    if let Some(parent) = &owned.note.reply_to {
        // A reply whose parent was deleted may be narrowed, never widened.
        let readers = match state.store.get_note(doc.id, parent).await? {
            Some(parent) => parent.note.visibility,
            None => owned.note.visibility,
        };
        content.visibility = reply_readers(&content, readers)?;
    }
    match state
        .store
        .update_note(
            path.id.as_str(),
            owned.note.revision,
            &content,
            anchor.as_ref(),
            doc.version,
        )
        .await?
    {
        Conditional::Done(note) => Ok(note_response(&state, &note, StatusCode::OK)),
        Conditional::Stale => Err(etag::stale()),
        Conditional::Missing => Err(AppError::note_not_found()),
    }
}

/// `DELETE /api/documents/{slug}/annotations/{id}`: 204; needs `If-Match`.
#[utoipa::path(delete, path = "/api/documents/{slug}/annotations/{id}", tag = "annotations",
    params(("slug" = String, Path, description = "Document slug"), ("id" = String, Path, description = "Note id"), ("If-Match" = String, Header, description = "The note's ETag")),
    responses((status = 204, description = "Deleted"),
              (status = 403, description = "Not the author", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such note visible to you", body = super::openapi::ErrorEnvelope),
              (status = 412, description = "Changed elsewhere (stale ETag)", body = super::openapi::ErrorEnvelope),
              (status = 428, description = "If-Match missing", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn delete_annotation(
    State(state): State<AppState>,
    path: AnnotationPath,
    writer: NoteWriter,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (_, owned) = visible_note(&state, &path, &writer.viewer).await?;
    check_author(&writer, &owned, &headers)?;
    match state
        .store
        .delete_note(path.id.as_str(), owned.note.revision)
        .await?
    {
        Conditional::Done(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Conditional::Stale => Err(etag::stale()),
        Conditional::Missing => Err(AppError::note_not_found()),
    }
}
