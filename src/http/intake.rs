//! Documents from the browser: `POST /api/documents` and `PUT /api/documents/{slug}` (JSON, or
//! a multipart upload of the file; `?preview=true` stores nothing), and the pages
//! `/documents/new` and `/documents/{slug}/revise`, which work as plain forms.

use askama::Template;
use axum::Json;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::Viewer;
use super::extract::DocumentSlug;
use super::pages::{HtmlError, Layout};
use crate::corpus::SourceFormat;
use crate::domain::actors::Gazetteer;
use crate::domain::article::{ArticleOptions, ParagraphView, render_article};
use crate::domain::intake::{Corrections, IntakeError, MarkerCorrection, decode, normalise};
use crate::error::AppError;
use crate::intake::{Audit, FormFields, Prepared, Submission, SubmissionError, audit, prepare};
use crate::store::annotations::NoteFilter;
use crate::store::documents::{NewDocument, Origin};

/// Largest request body on these routes: the text limit with room for JSON escapes or a
/// multipart envelope. A larger body is refused before it is read whole.
pub const DOCUMENT_BODY_LIMIT: usize = 3 * crate::domain::intake::MAX_TEXT_BYTES;

/// Analyses at once: each takes a core while it runs, so the rest of the server keeps its
/// other core(s).
static ANALYSES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// `POST /api/documents` and `PUT /api/documents/{slug}` as JSON.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentIn {
    /// The text (UTF-8; normalised to NFC).
    pub text: Option<String>,
    /// `txt` (default) or `md`.
    pub format: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Where it was published.
    pub source: Option<String>,
    /// Language tag.
    pub language: Option<String>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// The slug (new documents only); made from the title when left out.
    pub slug: Option<String>,
    /// Corrections of how a plain text is read.
    pub corrections: Option<Corrections>,
    /// For a revision: the version it was made from (the current one when left out).
    #[serde(rename = "baseVersion")]
    pub base_version: Option<i64>,
}

/// `?preview=true`.
#[derive(Debug, Default, Deserialize)]
pub struct PreviewQuery {
    preview: Option<bool>,
}

/// `?preview=` as the API takes it, or a JSON 400 that says what it takes.
fn preview_query(
    query: Result<Query<PreviewQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<PreviewQuery, AppError> {
    query.map(|Query(q)| q).map_err(|_| {
        AppError::client(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "`preview` is true or false, given once.",
        )
    })
}

fn unprocessable(e: SubmissionError) -> AppError {
    AppError::unprocessable("invalid_field", e.to_string())
}

fn intake_error(field: &'static str, e: IntakeError) -> AppError {
    let status = match e {
        IntakeError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    AppError::client(status, "invalid_text", format!("`{field}`: {e}"))
}

impl DocumentIn {
    fn submission(self) -> Result<(Submission, Option<String>, Option<i64>), AppError> {
        let text = self.text.ok_or_else(|| {
            AppError::unprocessable("invalid_field", "`text` is required: the document's words")
        })?;
        let text = normalise(&text).map_err(|e| intake_error("text", e))?;
        let format = format_named(self.format.as_deref())?;
        Ok((
            Submission {
                text,
                format,
                fields: FormFields {
                    title: self.title,
                    author: self.author,
                    published: self.published,
                    source: self.source,
                    language: self.language,
                    tags: self.tags.unwrap_or_default(),
                },
                corrections: self.corrections.unwrap_or_default(),
            },
            self.slug,
            self.base_version,
        ))
    }
}

fn format_named(name: Option<&str>) -> Result<SourceFormat, AppError> {
    match name.map(str::trim) {
        None | Some("" | "txt") => Ok(SourceFormat::Txt),
        Some("md") => Ok(SourceFormat::Md),
        Some(other) => Err(AppError::unprocessable(
            "invalid_field",
            format!("`format` must be \"txt\" or \"md\", not {other:?}"),
        )),
    }
}

/// A multipart upload: the fields of [`DocumentIn`], with the text as a `file` (its
/// extension giving the format) or a `text` field.
async fn multipart_submission(
    mut form: Multipart,
) -> Result<(DocumentIn, Option<FormChoices>), AppError> {
    let mut doc = DocumentIn::default();
    let mut choices = FormChoices::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return upload_too_large();
        }
        AppError::client(
            StatusCode::BAD_REQUEST,
            "bad_form",
            format!("The upload could not be read: {e}"),
        )
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(bad)?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
            continue;
        }
        let value = field.text().await.map_err(bad)?;
        match name.as_str() {
            "text" => doc.text = Some(value),
            "format" => doc.format = Some(value),
            "title" => doc.title = Some(value),
            "author" => doc.author = Some(value),
            "published" => doc.published = Some(value),
            "source" => doc.source = Some(value),
            "language" => doc.language = Some(value),
            "tags" => {
                doc.tags = Some(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned)
                        .collect(),
                );
            }
            "slug" => doc.slug = Some(value),
            "baseVersion" => {
                doc.base_version = Some(value.trim().parse().map_err(|_| {
                    AppError::unprocessable("invalid_field", "`baseVersion` must be a number")
                })?);
            }
            "corrections" if !value.trim().is_empty() => {
                doc.corrections = Some(serde_json::from_str(&value).map_err(|e| {
                    AppError::unprocessable(
                        "invalid_field",
                        format!("`corrections` is not valid: {e}"),
                    )
                })?);
            }
            "action" => choices.action = value,
            "join" => choices.joins.push(value),
            "candidate" => choices.candidates.push(value),
            "marker" => choices.markers.push(value),
            _ => {}
        }
    }
    if let Some((file_name, bytes)) = file {
        let lower = file_name.to_ascii_lowercase();
        doc.format = Some(if lower.ends_with(".md") || lower.ends_with(".markdown") {
            "md".to_owned()
        } else if lower.ends_with(".txt") || lower.is_empty() {
            "txt".to_owned()
        } else {
            choices.file_error = Some(AppError::unprocessable(
                "invalid_field",
                format!("`file` must be a .txt or .md file, not {file_name:?}"),
            ));
            return Ok((doc, Some(choices)));
        });
        // The rest of the form is kept, so the page can show it again with the error.
        match decode(&bytes) {
            Ok(text) => doc.text = Some(text),
            Err(e) => choices.file_error = Some(intake_error("file", e)),
        }
    }
    Ok((doc, Some(choices)))
}

/// What the page's form adds to a submission: which button, and the analyst's choices in
/// the preview.
#[derive(Debug, Default)]
struct FormChoices {
    action: String,
    /// Lines (by their words) that run on into the next.
    joins: Vec<String>,
    /// Every candidate shown, as `offset:line` (the line's words, as read then).
    candidates: Vec<String>,
    /// Those ticked as markers.
    markers: Vec<String>,
    /// Why the uploaded file could not be taken.
    file_error: Option<AppError>,
}

impl FormChoices {
    /// The corrections the form's choices make. Each names its line by its words, so a choice
    /// follows its line when lines are joined in the same step.
    fn corrections(&self) -> Corrections {
        let markers = self
            .candidates
            .iter()
            .filter_map(|c| {
                let (offset, line) = c.split_once(':')?;
                Some(MarkerCorrection {
                    line: line.to_owned(),
                    offset: offset.parse().ok()?,
                    marker: self.markers.contains(c),
                })
            })
            .collect();
        Corrections {
            joins: self.joins.clone(),
            markers,
        }
    }
}

/// An API message said to the form's reader: each `field` by the label the form gives it,
/// any other quoted name in quotation marks, ending as a sentence.
fn for_people(message: &str) -> String {
    const LABELS: [(&str, &str); 11] = [
        ("`text`", "The text"),
        ("`file`", "The file"),
        ("`format`", "Format"),
        ("`title`", "Title"),
        ("`author`", "Author"),
        ("`published`", "Published"),
        ("`source`", "Source URL"),
        ("`language`", "Language"),
        ("`tags`", "Tags"),
        ("`slug`", "Address"),
        ("`baseVersion`", "The version this was made from"),
    ];
    let mut text = LABELS.iter().fold(message.to_owned(), |t, (field, label)| {
        t.replace(field, label)
    });
    let mut open = true;
    text = text
        .chars()
        .map(|c| match c {
            '`' => {
                open = !open;
                if open { '”' } else { '“' }
            }
            other => other,
        })
        .collect();
    if !text.ends_with(['.', '!', '?', '…']) {
        text.push('.');
    }
    text
}

/// An upload over [`DOCUMENT_BODY_LIMIT`]: refused before it is read whole, so no field of
/// it can be shown again.
fn upload_too_large() -> AppError {
    AppError::client(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "The upload is over {DOCUMENT_BODY_LIMIT} bytes, so nothing of it was read or stored. A document's text is at most {} bytes (2 MiB): choose a smaller file, or split the document.",
            crate::domain::intake::MAX_TEXT_BYTES
        ),
    )
}

/// Reads a JSON or multipart request for the API: an upload that cannot be taken is refused.
async fn read_api_request(state: &AppState, request: Request) -> Result<DocumentIn, AppError> {
    let (doc, choices) = read_request(state, request).await?;
    match choices.and_then(|c| c.file_error) {
        Some(error) => Err(error),
        None => Ok(doc),
    }
}

/// Reads a JSON or multipart request.
async fn read_request(
    state: &AppState,
    request: Request,
) -> Result<(DocumentIn, Option<FormChoices>), AppError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let form = Multipart::from_request(request, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                upload_too_large()
            } else {
                AppError::client(StatusCode::BAD_REQUEST, "bad_form", e.body_text())
            }
        })?;
        return multipart_submission(form).await;
    }
    super::auth::require_json(request.headers()).map_err(|_| {
        AppError::client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the document as JSON (Content-Type: application/json) or as a form upload (multipart/form-data, the text as `file` or `text`).",
        )
    })?;
    let bytes = axum::body::to_bytes(request.into_body(), DOCUMENT_BODY_LIMIT)
        .await
        .map_err(|_| {
            AppError::client(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!(
                    "The request is over {DOCUMENT_BODY_LIMIT} bytes; a document's text is at most {} bytes",
                    crate::domain::intake::MAX_TEXT_BYTES
                ),
            )
        })?;
    let doc = serde_json::from_slice(&bytes).map_err(|e| {
        AppError::unprocessable("invalid_field", format!("The body is not a document: {e}"))
    })?;
    Ok((doc, None))
}

/// The gazetteer in force: the corpus directory's with the analysts' additions, or, for a
/// server without one, the actors stored.
pub(super) async fn gazetteer(state: &AppState) -> Result<Gazetteer, AppError> {
    let additions = state.store.gazetteer_additions().await?;
    match &state.corpus {
        Some(dir) => crate::corpus::load_gazetteer(dir, &additions)
            .map(|(g, _)| g)
            .map_err(|e| AppError::Internal(anyhow::anyhow!(e))),
        None => {
            let actors = state
                .store
                .list_actors()
                .await?
                .into_iter()
                .map(|a| a.actor)
                .collect();
            Gazetteer::new(actors).map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))
        }
    }
}

/// Parses and analyses off the request threads, one at a time.
async fn prepare_bounded(
    state: &AppState,
    submission: Submission,
    slug: Option<String>,
) -> Result<Prepared, AppError> {
    let gazetteer = gazetteer(state).await?;
    let _turn = ANALYSES
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || prepare(&submission, slug.as_deref(), &gazetteer))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(unprocessable)
}

/// A preview as JSON: what would be stored.
#[derive(Debug, Serialize)]
pub struct PreviewJson {
    slug: String,
    title: String,
    paragraphs: Vec<String>,
    markers: Vec<MarkerJson>,
    #[serde(rename = "rejectedMarkers")]
    rejected_markers: Vec<MarkerJson>,
    actors: Vec<ActorJson>,
    #[serde(rename = "unknownNames")]
    unknown_names: Vec<String>,
    /// The fields the text itself states (a Markdown front matter).
    stated: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audit: Option<AuditJson>,
}

#[derive(Debug, Serialize, Clone)]
struct MarkerJson {
    number: String,
    /// From 1.
    paragraph: usize,
    /// Code point offset of the digits in the paragraph as written.
    offset: usize,
    before: String,
    after: String,
}

#[derive(Debug, Serialize)]
struct ActorJson {
    id: String,
    name: String,
    mentions: usize,
}

#[derive(Debug, Serialize)]
struct AuditJson {
    exact: usize,
    moved: usize,
    fuzzy: usize,
    ambiguous: usize,
    orphan: usize,
    lost: Vec<LostJson>,
    #[serde(rename = "othersPrivate")]
    others_private: usize,
    #[serde(rename = "alreadyOrphaned")]
    already_orphaned: usize,
}

#[derive(Debug, Serialize)]
struct LostJson {
    id: String,
    creator: String,
    quote: String,
    status: &'static str,
}

impl From<&Audit> for AuditJson {
    fn from(a: &Audit) -> AuditJson {
        AuditJson {
            exact: a.counts.exact,
            moved: a.counts.moved,
            fuzzy: a.counts.fuzzy,
            ambiguous: a.counts.ambiguous,
            orphan: a.counts.orphan,
            lost: a
                .lost
                .iter()
                .map(|l| LostJson {
                    id: l.id.clone(),
                    creator: l.creator.clone(),
                    quote: l.quote.clone(),
                    status: l.status.as_str(),
                })
                .collect(),
            others_private: a.unseen,
            already_orphaned: a.already_orphaned,
        }
    }
}

/// The words around code point `at` of `line`.
fn around(line: &str, at: usize, len: usize) -> (String, String) {
    let chars: Vec<char> = line.chars().collect();
    let from = at.saturating_sub(40);
    let to = (at + len + 40).min(chars.len());
    (
        chars[from..at.min(chars.len())].iter().collect(),
        chars[(at + len).min(chars.len())..to].iter().collect(),
    )
}

impl PreviewJson {
    fn of(prepared: &Prepared, names: &std::collections::HashMap<String, String>) -> PreviewJson {
        let candidate = |c: &crate::domain::footnotes::MarkerCandidate| {
            let line = prepared.lines.get(c.paragraph).map_or("", String::as_str);
            let (before, after) = around(line, c.offset, c.digits.chars().count());
            MarkerJson {
                number: c.digits.clone(),
                paragraph: c.paragraph + 1,
                offset: c.offset,
                before,
                after,
            }
        };
        let doc = &prepared.analysed;
        let markers = if prepared.candidates.is_empty() {
            // Markdown footnotes are written as such: every reference is a marker.
            doc.parsed
                .blocks
                .iter()
                .enumerate()
                .flat_map(|(i, b)| {
                    b.footnote_refs.iter().map(move |r| {
                        let (before, after) = around(&b.text, r.offset, 0);
                        MarkerJson {
                            number: r.number.to_string(),
                            paragraph: i + 1,
                            offset: r.offset,
                            before,
                            after,
                        }
                    })
                })
                .collect()
        } else {
            prepared
                .candidates
                .iter()
                .filter(|c| c.taken)
                .map(candidate)
                .collect()
        };
        let mut counts: Vec<(String, usize)> = Vec::new();
        for mention in doc.mentions.iter().flatten() {
            match counts.iter_mut().find(|(id, _)| *id == mention.actor_id) {
                Some((_, n)) => *n += 1,
                None => counts.push((mention.actor_id.clone(), 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut unknown: Vec<String> = Vec::new();
        for name in doc.names.iter().flatten().filter(|n| !n.sentence_initial) {
            if !unknown.contains(&name.text) {
                unknown.push(name.text.clone());
            }
        }
        PreviewJson {
            slug: prepared.slug.as_str().to_owned(),
            title: prepared.title.clone(),
            paragraphs: doc.parsed.blocks.iter().map(|b| b.text.clone()).collect(),
            markers,
            rejected_markers: prepared
                .candidates
                .iter()
                .filter(|c| !c.taken)
                .map(candidate)
                .collect(),
            actors: counts
                .into_iter()
                .map(|(id, mentions)| ActorJson {
                    name: names.get(&id).cloned().unwrap_or_else(|| id.clone()),
                    id,
                    mentions,
                })
                .collect(),
            unknown_names: unknown,
            stated: prepared.stated.clone(),
            audit: None,
        }
    }
}

async fn actor_names(
    state: &AppState,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(state
        .store
        .list_actors()
        .await?
        .into_iter()
        .map(|a| (a.actor.id, a.actor.name))
        .collect())
}

/// A slug that no document has: the one asked for must be free; one made from the title
/// gets `-2`, `-3`, … when taken.
async fn free_slug(state: &AppState, prepared: &Prepared, asked: bool) -> Result<String, AppError> {
    let base = prepared.slug.clone();
    if asked {
        return Ok(base.as_str().to_owned());
    }
    let mut taken = std::collections::HashSet::new();
    for n in 1..=50 {
        let candidate = if n == 1 {
            base.as_str().to_owned()
        } else {
            format!("{}-{n}", base.as_str())
        };
        if state.store.document_record(&candidate).await?.is_none() {
            break;
        }
        taken.insert(candidate);
    }
    Ok(
        crate::domain::intake::free_slug(&base, |s| taken.contains(s))
            .as_str()
            .to_owned(),
    )
}

fn new_document<'a>(
    prepared: &'a Prepared,
    slug: &'a str,
    format: SourceFormat,
    text: &'a str,
    by: i64,
) -> NewDocument<'a> {
    NewDocument {
        slug,
        title: &prepared.title,
        format: format.as_str(),
        content_hash: &prepared.content_hash,
        analysis_hash: &prepared.content_hash,
        source_text: text,
        fingerprint: "",
        analysed: &prepared.analysed,
        voices: &prepared.voices,
        origin: Origin::Browser {
            by,
            metadata: &prepared.fields_json,
            corrections: &prepared.corrections_json,
        },
    }
}

/// The analyst writing, checked as for any write.
fn writer(
    state: &AppState,
    viewer: &Viewer,
    method: &Method,
    headers: &HeaderMap,
) -> Result<i64, AppError> {
    Ok(super::auth::check_writer(state, viewer, method, headers, "document changes")?.id)
}

/// `POST /api/documents`: a new document from pasted text or an uploaded file; 201 with
/// `Location`, or with `?preview=true`, 200 and what would be stored.
#[utoipa::path(post, path = "/api/documents", tag = "documents",
    params(("preview" = Option<bool>, Query, description = "Only show what would be stored")),
    request_body(content = Object, description = "JSON {text, format?: txt|md, title?, author?, published?, source?, language?, tags?, slug?, corrections?}, or multipart/form-data with the same fields and the text as a `file` (.txt or .md)"),
    responses((status = 201, description = "Published; Location is the reader page", body = Object),
              (status = 200, description = "Preview: paragraphs, markers, rejected marker candidates, actors, unknown names", body = Object),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 403, description = "Cross-site request", body = super::openapi::ErrorEnvelope),
              (status = 409, description = "The slug is taken", body = super::openapi::ErrorEnvelope),
              (status = 413, description = "Over 2 MiB of text", body = super::openapi::ErrorEnvelope),
              (status = 415, description = "Neither JSON nor multipart", body = super::openapi::ErrorEnvelope),
              (status = 422, description = "A field is wrong (not UTF-8: the byte offset is named)", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn create_document(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Result<Query<PreviewQuery>, axum::extract::rejection::QueryRejection>,
    method: Method,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    let by = writer(&state, &viewer, &method, &headers)?;
    let query = preview_query(query)?;
    let doc = read_api_request(&state, request).await?;
    let (submission, slug, _) = doc.submission()?;
    let asked = slug.as_deref().is_some_and(|s| !s.trim().is_empty());
    let (format, text) = (submission.format, submission.text.clone());
    let prepared = prepare_bounded(&state, submission, slug).await?;
    let names = actor_names(&state).await?;
    if query.preview == Some(true) {
        return Ok(Json(PreviewJson::of(&prepared, &names)).into_response());
    }
    let slug = free_slug(&state, &prepared, asked).await?;
    state
        .store
        .publish_document(&new_document(&prepared, &slug, format, &text, by), None)
        .await?;
    let mut body = PreviewJson::of(&prepared, &names);
    body.slug = slug.clone();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/documents/{slug}"))],
        Json(body),
    )
        .into_response())
}

/// `PUT /api/documents/{slug}`: a new version of a document added in the browser; the
/// re-anchoring audit in the answer (`?preview=true`: the audit alone, nothing stored).
#[utoipa::path(put, path = "/api/documents/{slug}", tag = "documents",
    params(("slug" = String, Path, description = "Document slug"),
           ("preview" = Option<bool>, Query, description = "Only show the audit")),
    request_body(content = Object, description = "As for POST /api/documents, without slug; baseVersion optional"),
    responses((status = 200, description = "The new version (or the preview) with the audit: notes exact, moved, fuzzy, ambiguous, orphaned, and those that lose their passage", body = Object),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope),
              (status = 409, description = "A corpus document, archived, or revised meanwhile", body = super::openapi::ErrorEnvelope),
              (status = 422, description = "A field is wrong", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn revise_document(
    State(state): State<AppState>,
    viewer: Viewer,
    DocumentSlug(slug): DocumentSlug,
    query: Result<Query<PreviewQuery>, axum::extract::rejection::QueryRejection>,
    method: Method,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    let by = writer(&state, &viewer, &method, &headers)?;
    let query = preview_query(query)?;
    let doc = read_api_request(&state, request).await?;
    let revision = revise(&state, &viewer, slug.as_str(), doc, None).await?;
    if query.preview == Some(true) {
        return Ok(Json(revision.preview).into_response());
    }
    let outcome = revision.publish(&state, slug.as_str(), by).await?;
    let mut body = revision.preview;
    body.audit = Some(AuditJson::from(&Audit {
        counts: outcome.reanchored,
        ..revision.audit
    }));
    Ok(Json(body).into_response())
}

/// A revision prepared: its preview with the audit, ready to publish on `base`.
struct Revision {
    prepared: Prepared,
    preview: PreviewJson,
    audit: Audit,
    format: SourceFormat,
    text: String,
    base: i64,
}

impl Revision {
    /// Stores it as the next version, if the document is still at the version it was made
    /// from.
    async fn publish(
        &self,
        state: &AppState,
        slug: &str,
        by: i64,
    ) -> Result<crate::store::documents::SaveOutcome, AppError> {
        let doc = new_document(&self.prepared, slug, self.format, &self.text, by);
        Ok(state.store.publish_document(&doc, Some(self.base)).await?)
    }
}

async fn revise(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
    doc: DocumentIn,
    choices: Option<&FormChoices>,
) -> Result<Revision, AppError> {
    let record = state
        .store
        .document_record(slug)
        .await?
        .ok_or_else(|| AppError::document_not_found(slug))?;
    if !record.from_browser {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            "corpus_document",
            format!(
                "{slug:?} comes from the corpus directory: change its file there, or a corpus import would undo the change"
            ),
        ));
    }
    if doc
        .slug
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty() && s.trim() != slug)
    {
        return Err(AppError::unprocessable(
            "invalid_field",
            "`slug` cannot change in a revision",
        ));
    }
    let given = doc.corrections.is_some();
    let (mut submission, _, base) = doc.submission()?;
    if let Some(base) = base.filter(|b| *b != record.version) {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            "stale_version",
            format!(
                "This form was opened on version {base}, and {slug:?} is at version {} now: someone published meanwhile. Open “Upload a new version” again to start from it.",
                record.version
            ),
        ));
    }
    // Corrections are kept with the document: a revision that gives none reads the text as
    // the last version was read.
    if !given && choices.is_none() {
        submission.corrections = record
            .corrections
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
    }
    if let Some(choices) = choices {
        submission.corrections = choices.corrections();
    }
    let (format, text) = (submission.format, submission.text.clone());
    let prepared = prepare_bounded(state, submission, Some(slug.to_owned())).await?;
    let notes = state
        .store
        .list_notes(record.id, NoteFilter::Everyone, 0, i64::MAX)
        .await?;
    let paragraphs = prepared.analysed.parsed.paragraph_texts();
    let me = viewer.analyst.as_ref().map(|a| a.name.as_str());
    // Another analyst's private note is counted, never shown.
    let audit = audit(&notes, &paragraphs, |note| {
        note.visibility != crate::domain::annotation::Visibility::Private
            || me == Some(note.creator.as_str())
    });
    let names = actor_names(state).await?;
    let mut preview = PreviewJson::of(&prepared, &names);
    preview.audit = Some(AuditJson::from(&audit));
    Ok(Revision {
        prepared,
        preview,
        audit,
        format,
        text,
        base: base.unwrap_or(record.version),
    })
}

// ---- Pages ----------------------------------------------------------------------------------

/// `/documents/new` and `/documents/{slug}/revise`.
#[derive(Template)]
#[template(path = "new_document.html")]
struct IntakePage {
    layout: Layout,
    /// For a revision, the document's slug and version.
    revising: Option<(String, i64)>,
    text: String,
    format: &'static str,
    fields: FormFields,
    slug: String,
    error: Option<String>,
    preview: Option<PagePreview>,
    /// The corrections of the version being revised (JSON), carried until a preview shows
    /// them as ticks.
    corrections: String,
    /// No form: the document cannot be revised here.
    closed: bool,
}

/// What the page shows of a preview.
struct PagePreview {
    json: PreviewJson,
    paragraphs: Vec<ParagraphView>,
    /// The analyst's lines as written, each with whether it runs on into the next.
    lines: Vec<(String, bool)>,
    /// The lines as read, after joins: what candidates' offsets count in.
    read: Vec<String>,
    audit: Option<AuditJson>,
}

impl PagePreview {
    fn joined(&self) -> bool {
        self.lines.iter().any(|(_, joins)| *joins)
    }

    /// A candidate's form value: its offset and its line's words (paragraph from 1).
    fn candidate(&self, paragraph: usize, offset: usize) -> String {
        let line = self
            .read
            .get(paragraph.wrapping_sub(1))
            .map_or("", String::as_str);
        format!("{offset}:{line}")
    }
}

impl IntakePage {
    /// The most bytes of text a document may have; the page's script checks a file or a
    /// pasted text against it before sending, so that an oversized one loses nothing typed.
    fn max_bytes(&self) -> usize {
        crate::domain::intake::MAX_TEXT_BYTES
    }

    /// The refusal as the form's reader sees it: fields by their labels, not by the API's
    /// names for them.
    fn error_text(&self) -> Option<String> {
        self.error.as_deref().map(for_people)
    }

    fn action(&self) -> String {
        match &self.revising {
            Some((slug, _)) => format!("/documents/{slug}/revise"),
            None => "/documents/new".to_owned(),
        }
    }

    fn stated(&self, field: &str) -> bool {
        self.preview
            .as_ref()
            .is_some_and(|p| p.json.stated.contains(&field))
    }

    fn tags(&self) -> String {
        self.fields.tags.join(", ")
    }

    fn count(n: usize, noun: &str) -> String {
        crate::domain::wording::counted(n as u64, noun)
    }
}

fn blank_page(viewer: &Viewer, here: &str) -> IntakePage {
    IntakePage {
        layout: Layout::new(viewer).at(here),
        revising: None,
        text: String::new(),
        format: "txt",
        fields: FormFields::default(),
        slug: String::new(),
        error: None,
        preview: None,
        corrections: String::new(),
        closed: false,
    }
}

/// `GET /documents/new`: the form to paste or upload a commentary.
pub async fn new_document_page(
    State(_state): State<AppState>,
    viewer: Result<Viewer, AppError>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    if viewer.analyst.is_none() {
        return Err(HtmlError::SignIn("/documents/new".into()));
    }
    Ok(Html(blank_page(&viewer, "/documents/new").render()?).into_response())
}

/// `GET /documents/{slug}/revise`: the form to give a browser document a new version, filled
/// with its current text and fields.
pub async fn revise_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    DocumentSlug(slug): DocumentSlug,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let here = format!("/documents/{slug}/revise");
    if viewer.analyst.is_none() {
        return Err(HtmlError::SignIn(here));
    }
    let record = state
        .store
        .document_record(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let mut page = blank_page(&viewer, &here);
    page.revising = Some((slug.as_str().to_owned(), record.version));
    page.text = record.source_text;
    page.format = if record.format == "md" { "md" } else { "txt" };
    page.fields = record
        .fields
        .as_deref()
        .and_then(|f| serde_json::from_str(f).ok())
        .unwrap_or_default();
    page.corrections = record.corrections.unwrap_or_default();
    if !record.from_browser {
        page.closed = true;
        page.error = Some(format!(
            "“{slug}” comes from the corpus directory: change its file there, or a corpus import would undo the change."
        ));
    }
    Ok(Html(page.render()?).into_response())
}

/// `POST /documents/new` and `POST /documents/{slug}/revise` from the page's form: Preview
/// shows what glossa found, with the analyst's corrections applied; Publish stores it.
pub async fn intake_form(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    slug: Option<axum::extract::Path<String>>,
    method: Method,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let revising = slug.map(|axum::extract::Path(s)| s);
    let here = match &revising {
        Some(slug) => format!("/documents/{slug}/revise"),
        None => "/documents/new".to_owned(),
    };
    if viewer.analyst.is_none() {
        return Err(HtmlError::SignIn(here));
    }
    let by = writer(&state, &viewer, &method, &headers)?;
    let (doc, choices) = match read_request(&state, request).await {
        Ok(read) => read,
        // The form again with the reason, not a bare error page (the page's script refuses
        // an oversized file before it is sent; this is for a browser without it).
        Err(AppError::Client {
            status, message, ..
        }) => {
            let mut page = blank_page(&viewer, &here);
            if let Some(slug) = &revising {
                let record = state.store.document_record(slug).await?;
                page.revising = record.map(|r| (slug.clone(), r.version));
            }
            page.error = Some(message);
            return Ok((status, Html(page.render()?)).into_response());
        }
        Err(other) => return Err(other.into()),
    };
    let mut choices = choices.unwrap_or_default();
    let mut page = blank_page(&viewer, &here);
    page.text = doc.text.clone().unwrap_or_default();
    page.format = if doc.format.as_deref() == Some("md") {
        "md"
    } else {
        "txt"
    };
    page.fields = FormFields {
        title: doc.title.clone(),
        author: doc.author.clone(),
        published: doc.published.clone(),
        source: doc.source.clone(),
        language: doc.language.clone(),
        tags: doc.tags.clone().unwrap_or_default(),
    };
    page.slug = doc.slug.clone().unwrap_or_default();
    page.corrections = doc
        .corrections
        .as_ref()
        .and_then(|c| serde_json::to_string(c).ok())
        .unwrap_or_default();
    if let (Some(slug), Some(base)) = (&revising, doc.base_version) {
        page.revising = Some((slug.clone(), base));
    }
    if let Some(AppError::Client {
        status, message, ..
    }) = choices.file_error.take()
    {
        // What was typed stays in the form, beside the reason the file was refused.
        page.error = Some(message);
        return Ok((status, Html(page.render()?)).into_response());
    }
    let publish = choices.action == "publish";
    let outcome = match &revising {
        Some(slug) => {
            let slug = crate::domain::slug::Slug::parse(slug)
                .map_err(|_| AppError::document_not_found(slug))?;
            let current = state.store.document_record(slug.as_str()).await?;
            let base = doc.base_version.or(current.map(|r| r.version)).unwrap_or(0);
            page.revising = Some((slug.as_str().to_owned(), base));
            form_revision(
                &state, &viewer, &slug, doc, &choices, publish, by, &mut page,
            )
            .await
        }
        None => form_new(&state, doc, &choices, publish, by, &mut page).await,
    };
    match outcome {
        Ok(Some(location)) => Ok(Redirect::to(&location).into_response()),
        Ok(None) => Ok(Html(page.render()?).into_response()),
        Err(AppError::Client {
            status, message, ..
        }) => {
            page.error = Some(message);
            Ok((status, Html(page.render()?)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn form_new(
    state: &AppState,
    doc: DocumentIn,
    choices: &FormChoices,
    publish: bool,
    by: i64,
    page: &mut IntakePage,
) -> Result<Option<String>, AppError> {
    let (mut submission, slug, _) = doc.submission()?;
    page.text = submission.text.clone();
    let asked = slug.as_deref().is_some_and(|s| !s.trim().is_empty());
    if !choices.candidates.is_empty() || !choices.joins.is_empty() {
        submission.corrections = choices.corrections();
    }
    let (format, text) = (submission.format, submission.text.clone());
    let prepared = prepare_bounded(state, submission.clone(), slug).await?;
    if publish {
        let slug = free_slug(state, &prepared, asked).await?;
        state
            .store
            .publish_document(&new_document(&prepared, &slug, format, &text, by), None)
            .await?;
        return Ok(Some(format!("/documents/{slug}")));
    }
    let names = actor_names(state).await?;
    page.preview = Some(page_preview(state, &prepared, &submission, &names, None).await?);
    Ok(None)
}

#[allow(clippy::too_many_arguments)]
async fn form_revision(
    state: &AppState,
    viewer: &Viewer,
    slug: &crate::domain::slug::Slug,
    doc: DocumentIn,
    choices: &FormChoices,
    publish: bool,
    by: i64,
    page: &mut IntakePage,
) -> Result<Option<String>, AppError> {
    let corrections_given = !choices.candidates.is_empty() || !choices.joins.is_empty();
    let revision = revise(
        state,
        viewer,
        slug.as_str(),
        doc,
        corrections_given.then_some(choices),
    )
    .await?;
    page.text = revision.text.clone();
    if publish {
        revision.publish(state, slug.as_str(), by).await?;
        return Ok(Some(format!("/documents/{slug}")));
    }
    let submission = Submission {
        text: revision.text.clone(),
        format: revision.format,
        fields: page.fields.clone(),
        corrections: Corrections::default(),
    };
    let names = actor_names(state).await?;
    let audit = AuditJson::from(&revision.audit);
    page.preview =
        Some(page_preview(state, &revision.prepared, &submission, &names, Some(audit)).await?);
    Ok(None)
}

async fn page_preview(
    state: &AppState,
    prepared: &Prepared,
    submission: &Submission,
    names: &std::collections::HashMap<String, String>,
    audit: Option<AuditJson>,
) -> Result<PagePreview, AppError> {
    let actors: Vec<_> = state
        .store
        .list_actors()
        .await?
        .into_iter()
        .map(|a| a.actor)
        .collect();
    let article = render_article(&prepared.analysed, &actors, &[], ArticleOptions::PAGE);
    let raw: Vec<&str> = submission
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let joins = &prepared_joins(prepared);
    Ok(PagePreview {
        json: PreviewJson::of(prepared, names),
        paragraphs: article.paragraphs,
        lines: if submission.format == SourceFormat::Txt {
            raw.iter()
                .map(|l| ((*l).to_owned(), joins.iter().any(|j| j == l)))
                .collect()
        } else {
            Vec::new()
        },
        read: prepared.lines.clone(),
        audit,
    })
}

/// The joins a prepared document was read with.
fn prepared_joins(prepared: &Prepared) -> Vec<String> {
    serde_json::from_str::<Corrections>(&prepared.corrections_json)
        .map(|c| c.joins)
        .unwrap_or_default()
}

// ---- Archiving ------------------------------------------------------------------------------

/// The document, if `analyst` may archive or restore it: the analyst who added it from the
/// browser, or an admin (`glossa analyst add --admin`); a corpus document, an admin only.
async fn archivable(
    state: &AppState,
    analyst: i64,
    slug: &str,
) -> Result<crate::store::documents::DocumentRecord, AppError> {
    let record = state
        .store
        .document_record(slug)
        .await?
        .ok_or_else(|| AppError::document_not_found(slug))?;
    if record.uploaded_by == Some(analyst) || state.store.is_admin(analyst).await? {
        Ok(record)
    } else {
        Err(AppError::forbidden(
            "Only the analyst who added this document, or an admin, may archive or restore it.",
        ))
    }
}

/// Whether the viewer may archive or restore a document added by `uploaded_by`.
pub(super) async fn may_archive(
    state: &AppState,
    viewer: &Viewer,
    uploaded_by: Option<i64>,
) -> Result<bool, AppError> {
    Ok(match viewer.analyst_id() {
        Some(id) => uploaded_by == Some(id) || state.store.is_admin(id).await?,
        None => false,
    })
}

async fn set_archived(
    state: &AppState,
    viewer: &Viewer,
    method: &Method,
    headers: &HeaderMap,
    slug: &str,
    archive: bool,
) -> Result<(), AppError> {
    let by = writer(state, viewer, method, headers)?;
    let record = archivable(state, by, slug).await?;
    state
        .store
        .set_archived(record.id, archive.then_some(by))
        .await?;
    Ok(())
}

/// `POST /api/documents/{slug}/archive`: hides a document from lists and search, keeping it
/// whole; `POST /api/documents/{slug}/restore` brings it back.
#[utoipa::path(post, path = "/api/documents/{slug}/archive", tag = "documents",
    params(("slug" = String, Path, description = "Document slug")),
    responses((status = 200, description = "Archived: {slug, archived: true}", body = Object),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 403, description = "Not the analyst who added it, nor an admin", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn api_archive(
    State(state): State<AppState>,
    viewer: Viewer,
    DocumentSlug(slug): DocumentSlug,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    set_archived(&state, &viewer, &method, &headers, slug.as_str(), true).await?;
    Ok(Json(serde_json::json!({"slug": slug.as_str(), "archived": true})).into_response())
}

/// `POST /api/documents/{slug}/restore`.
#[utoipa::path(post, path = "/api/documents/{slug}/restore", tag = "documents",
    params(("slug" = String, Path, description = "Document slug")),
    responses((status = 200, description = "Restored: {slug, archived: false}", body = Object),
              (status = 403, description = "Not the analyst who added it, nor an admin", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn api_restore(
    State(state): State<AppState>,
    viewer: Viewer,
    DocumentSlug(slug): DocumentSlug,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    set_archived(&state, &viewer, &method, &headers, slug.as_str(), false).await?;
    Ok(Json(serde_json::json!({"slug": slug.as_str(), "archived": false})).into_response())
}

/// The document page's Archive / Restore form.
#[derive(Debug, Deserialize)]
pub struct ArchiveForm {
    action: String,
}

/// `POST /documents/{slug}/archive` from the page: archives or restores, then shows the page.
pub async fn archive_form(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    DocumentSlug(slug): DocumentSlug,
    method: Method,
    headers: HeaderMap,
    form: Result<axum::Form<ArchiveForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    if viewer.analyst.is_none() {
        return Err(HtmlError::SignIn(format!("/documents/{slug}")));
    }
    let archive = match form {
        Ok(axum::Form(form)) if form.action == "archive" => true,
        Ok(axum::Form(form)) if form.action == "restore" => false,
        _ => {
            return Err(AppError::client(
                StatusCode::BAD_REQUEST,
                "bad_form",
                "Send the page's Archive or Restore button.",
            )
            .into());
        }
    };
    set_archived(&state, &viewer, &method, &headers, slug.as_str(), archive).await?;
    Ok(Redirect::to(&format!("/documents/{slug}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::for_people;

    #[test]
    fn form_errors_name_fields_by_their_labels() {
        assert_eq!(
            for_people("`language` must be a language tag such as en or zh-Hans"),
            "Language must be a language tag such as en or zh-Hans."
        );
        assert_eq!(
            for_people("`corrections` is not valid: unknown `joins`."),
            "“corrections” is not valid: unknown “joins”."
        );
        assert_eq!(for_people("Nothing to add."), "Nothing to add.");
    }
}
