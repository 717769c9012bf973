//! The JSON read API. Offsets are Unicode code points into each paragraph's `text`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::Viewer;
use super::extract::DocumentSlug;
use crate::domain::actors::ActorKind;
use crate::domain::html::SafeHtml;
use crate::error::AppError;
use crate::store::documents::{DocumentSummary, StoredDocument};
use crate::store::grades::DocumentGrading;

/// Documents a page of `GET /api/documents` holds unless `limit` says otherwise.
const DOCUMENTS_PER_PAGE: i64 = 100;

/// The most `limit` may ask for: a corpus of ten thousand documents is not one response.
const MAX_DOCUMENTS_PER_PAGE: i64 = 1000;

/// `GET /api/documents` response: one page of the list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentList {
    /// Documents in the list, on every page.
    total: i64,
    offset: i64,
    limit: i64,
    /// The next page's address, while there is one.
    next: Option<String>,
    /// The documents on this page, most recently published first, undated last.
    documents: Vec<DocumentSummaryJson>,
}

/// `?limit=&offset=` of the document list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DocumentListParams {
    /// Documents to return, 1–1000 (default 100).
    limit: Option<i64>,
    /// Documents to skip.
    offset: Option<i64>,
}

/// A line of the document list, as the API writes it. Kept apart from the store's row, so
/// the database and the wire format can change independently.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentSummaryJson {
    /// URL slug.
    slug: String,
    /// Display title.
    title: String,
    /// Author, if given.
    author: Option<String>,
    /// Publication date, if given.
    published: Option<String>,
    /// Source URL, if given.
    source: Option<String>,
    /// Number of paragraphs.
    paragraphs: i64,
    /// Current version.
    version: i64,
    /// The three most-named actors, most first.
    top_actors: Vec<TopActorJson>,
}

/// An actor and how often a document names it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TopActorJson {
    /// Actor id.
    id: String,
    /// Display name.
    name: String,
    /// Number of mentions.
    mentions: i64,
}

impl From<DocumentSummary> for DocumentSummaryJson {
    fn from(d: DocumentSummary) -> DocumentSummaryJson {
        DocumentSummaryJson {
            slug: d.slug,
            title: d.title,
            author: d.author,
            published: d.published,
            source: d.source,
            paragraphs: d.paragraphs,
            version: d.version,
            top_actors: d
                .top_actors
                .into_iter()
                .map(|a| TopActorJson {
                    id: a.id,
                    name: a.name,
                    mentions: a.mentions,
                })
                .collect(),
        }
    }
}

/// `GET /api/documents`
#[utoipa::path(get, path = "/api/documents", tag = "documents", params(DocumentListParams),
    responses((status = 200, description = "A page of the documents, most recently published first", body = DocumentList),
              (status = 400, description = "Bad limit or offset", body = super::openapi::ErrorEnvelope)))]
pub async fn list_documents(
    State(state): State<AppState>,
    viewer: Viewer,
    params: Result<Query<DocumentListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<super::cache::Cached<Json<DocumentList>>, AppError> {
    state.check_reader(&viewer)?;
    let bad = |message: String| AppError::client(StatusCode::BAD_REQUEST, "bad_query", message);
    let Query(params) =
        params.map_err(|_| bad("limit and offset are whole numbers, each given once.".into()))?;
    let (limit, offset) = super::extract::page_window(
        params.limit,
        params.offset,
        DOCUMENTS_PER_PAGE,
        MAX_DOCUMENTS_PER_PAGE,
    )?;
    let total = state.store.count_listed_documents().await?;
    let documents = state.store.list_documents_page(offset, limit).await?;
    let next = (offset.saturating_add(limit) < total)
        .then(|| format!("/api/documents?offset={}&limit={limit}", offset + limit));
    Ok(super::cache::Cached(Json(DocumentList {
        total,
        offset,
        limit,
        next,
        documents: documents.into_iter().map(Into::into).collect(),
    })))
}

/// `GET /api/documents/{slug}` response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentJson {
    slug: String,
    title: String,
    author: Option<String>,
    published: Option<String>,
    source: Option<String>,
    language: Option<String>,
    tags: Vec<String>,
    format: String,
    version: i64,
    updated_at: String,
    /// States the offset unit so that clients do not guess.
    offset_unit: &'static str,
    /// How far its source can be trusted (Admiralty A–F), and who said so.
    reliability: super::grades::ReliabilityJson,
    paragraphs: Vec<ParagraphJson>,
    footnotes: Vec<FootnoteJson>,
    actors: Vec<ActorCountJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ParagraphJson {
    number: usize,
    kind: &'static str,
    text: String,
    footnote_refs: Vec<FootnoteRefJson>,
    mentions: Vec<MentionJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct FootnoteRefJson {
    number: u32,
    offset: usize,
}

#[derive(Serialize, utoipa::ToSchema)]
struct MentionJson {
    actor: String,
    start: usize,
    end: usize,
    text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct FootnoteJson {
    number: u32,
    label: String,
    /// Sanitised HTML, or null when the source gives no reference text.
    #[schema(value_type = Option<String>)]
    html: Option<SafeHtml>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ActorCountJson {
    id: String,
    name: String,
    kind: ActorKind,
    mentions: usize,
}

impl DocumentJson {
    fn new(doc: StoredDocument, grading: &DocumentGrading) -> DocumentJson {
        let parsed = doc.analysed.parsed;
        let mentions = doc.analysed.mentions;
        let mut actors: Vec<ActorCountJson> = doc
            .actors
            .iter()
            .map(|a| ActorCountJson {
                id: a.id.clone(),
                name: a.name.clone(),
                kind: a.kind,
                mentions: mentions
                    .iter()
                    .flatten()
                    .filter(|m| m.actor_id == a.id)
                    .count(),
            })
            .filter(|a| a.mentions > 0)
            .collect();
        actors.sort_by(|a, b| {
            b.mentions
                .cmp(&a.mentions)
                .then_with(|| a.name.cmp(&b.name))
        });
        let paragraphs = parsed
            .blocks
            .into_iter()
            .zip(mentions)
            .enumerate()
            .map(|(i, (block, mentions))| ParagraphJson {
                number: i + 1,
                kind: block.kind.as_str(),
                footnote_refs: block
                    .footnote_refs
                    .iter()
                    .map(|r| FootnoteRefJson {
                        number: r.number,
                        offset: r.offset,
                    })
                    .collect(),
                mentions: mentions
                    .into_iter()
                    .map(|m| MentionJson {
                        actor: m.actor_id,
                        start: m.start,
                        end: m.end,
                        text: m.matched,
                    })
                    .collect(),
                text: block.text,
            })
            .collect();
        DocumentJson {
            slug: doc.slug,
            title: doc.title,
            author: parsed.meta.author,
            published: parsed.meta.published,
            source: parsed.meta.source,
            language: parsed.meta.language,
            tags: parsed.meta.tags,
            format: doc.format,
            version: doc.version,
            updated_at: doc.updated_at,
            offset_unit: "unicode-code-point",
            reliability: super::grades::reliability_json(grading),
            paragraphs,
            footnotes: parsed
                .footnotes
                .into_iter()
                .map(|f| FootnoteJson {
                    number: f.number,
                    label: f.label,
                    html: f.content,
                })
                .collect(),
            actors,
        }
    }
}

/// `GET /api/documents/{slug}`
#[utoipa::path(get, path = "/api/documents/{slug}", tag = "documents",
    params(("slug" = String, Path, description = "Document slug")),
    responses((status = 200, description = "The document: paragraphs, footnote markers and actor mentions", body = DocumentJson),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope)))]
pub async fn show_document(
    State(state): State<AppState>,
    DocumentSlug(slug): DocumentSlug,
    viewer: Viewer,
) -> Result<axum::response::Response, AppError> {
    state.check_reader(&viewer)?;
    let doc = state
        .store
        .load_document(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let grading = state.store.document_grading(doc.id).await?;
    Ok(super::cache::cacheable(axum::Json(DocumentJson::new(
        doc, &grading,
    ))))
}

/// `GET /api/actors` response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ActorList {
    actors: Vec<ActorJson>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ActorJson {
    id: String,
    name: String,
    kind: ActorKind,
    wikidata: Option<String>,
    affiliation: Option<String>,
    role: Option<String>,
    aliases: Vec<String>,
    mentions: i64,
    documents: i64,
}

/// `GET /api/actors`
#[utoipa::path(get, path = "/api/actors", tag = "actors",
    responses((status = 200, description = "The gazetteer with mention counts", body = ActorList)))]
pub async fn list_actors(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<super::cache::Cached<Json<ActorList>>, AppError> {
    state.check_reader(&viewer)?;
    let actors = state
        .store
        .list_actors()
        .await?
        .into_iter()
        .map(|r| ActorJson {
            aliases: r.actor.aliases.into_iter().map(|a| a.text).collect(),
            id: r.actor.id,
            name: r.actor.name,
            kind: r.actor.kind,
            wikidata: r.actor.wikidata,
            affiliation: r.actor.affiliation,
            role: r.actor.role,
            mentions: r.mentions,
            documents: r.documents,
        })
        .collect();
    Ok(super::cache::Cached(Json(ActorList { actors })))
}

/// A known API address asked with a method it does not take: 405 in the JSON error format
/// (axum keeps the `Allow` header).
pub async fn api_method_not_allowed() -> AppError {
    AppError::client(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This address does not take this method; the Allow header lists the ones it takes.",
    )
}

/// Fallback for unknown API addresses.
pub async fn api_not_found() -> AppError {
    AppError::NotFound(
        "There is no API endpoint at this address; see README.md for the list.".into(),
    )
}

/// `GET /ns/glossa.jsonld`: glossa's JSON-LD context, which every annotation lists after the
/// W3C one. Readable from any origin, as JSON-LD processors fetch contexts from wherever
/// the annotation is read.
pub async fn show_context(State(state): State<AppState>) -> axum::response::Response {
    let context = crate::domain::annotation::context::glossa_context(&state.iris);
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/ld+json; charset=utf-8",
            ),
            (axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        context.to_string(),
    )
        .into_response()
}
