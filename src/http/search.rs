//! `/search` and `/api/search`: passages of the corpus matching glossa's search language,
//! with snippets made here (so both databases show the same) and the actors each names.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::Viewer;
use super::pages::{HtmlError, Layout, require_reader, url_encode};
use crate::domain::search::{SearchQuery, SnippetPart, matches, snippet};
use crate::domain::text::byte_to_cp_offsets;
use crate::error::AppError;
use crate::store::search::PassagePage;

/// Hits per page on `/search`.
const PAGE_SIZE: i64 = 20;
/// Most hits one API request may ask for.
const MAX_LIMIT: i64 = 200;
/// Characters of context a snippet shows.
const SNIPPET_CHARS: usize = 240;

/// `GET /api/search` parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SearchParams {
    /// The search, in glossa's search language.
    q: Option<String>,
    /// Hits to return, 1–200 (default 20).
    limit: Option<i64>,
    /// Hits to skip.
    offset: Option<i64>,
}

/// A match inside a hit's paragraph, in code points.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatchJson {
    start: usize,
    end: usize,
}

/// A piece of a snippet.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SnippetJson {
    text: String,
    hit: bool,
}

/// An actor a hit names.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NamedJson {
    id: String,
    name: String,
}

/// A paragraph that matches.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HitJson {
    document: String,
    title: String,
    paragraph: i64,
    /// The paragraph in the reader, with the search.
    url: String,
    /// Where the searched words are in the paragraph's text (code points).
    matches: Vec<MatchJson>,
    snippet: Vec<SnippetJson>,
    score: f64,
    actors: Vec<NamedJson>,
}

/// `GET /api/search` response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchJson {
    query: String,
    total: i64,
    offset: i64,
    limit: i64,
    hits: Vec<HitJson>,
}

fn bad_query(message: String) -> AppError {
    AppError::client(StatusCode::BAD_REQUEST, "bad_query", message)
}

fn reader_url(slug: &str, query: &str, paragraph: i64) -> String {
    format!("/documents/{slug}?q={}#p{paragraph}", url_encode(query))
}

/// `GET /api/search?q=…`: passages matching the search, best first.
#[utoipa::path(get, path = "/api/search", tag = "search", params(SearchParams),
    responses((status = 200, description = "Matching passages", body = SearchJson),
              (status = 400, description = "The search cannot run; the message says what to fix", body = super::openapi::ErrorEnvelope)))]
pub async fn api_search(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchJson>, AppError> {
    state.check_reader(&viewer)?;
    let text = params.q.unwrap_or_default();
    let query = SearchQuery::parse(&text).map_err(|e| bad_query(e.0))?;
    let limit = params.limit.unwrap_or(PAGE_SIZE);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(bad_query(format!(
            "limit must be between 1 and {MAX_LIMIT}."
        )));
    }
    let offset = params.offset.unwrap_or(0);
    if offset < 0 {
        return Err(bad_query("offset cannot be negative.".into()));
    }
    let page = state.store.search_passages(&query, offset, limit).await?;
    let hits = page
        .hits
        .into_iter()
        .map(|hit| {
            let found = matches(&hit.text, &query);
            let bytes: Vec<usize> = found.iter().flat_map(|r| [r.start, r.end]).collect();
            let cps = byte_to_cp_offsets(&hit.text, &bytes);
            HitJson {
                url: reader_url(&hit.slug, &text, hit.paragraph),
                matches: cps
                    .chunks(2)
                    .map(|pair| MatchJson {
                        start: pair[0],
                        end: pair[1],
                    })
                    .collect(),
                snippet: snippet(&hit.text, &found, SNIPPET_CHARS)
                    .into_iter()
                    .map(|p| SnippetJson {
                        text: p.text,
                        hit: p.hit,
                    })
                    .collect(),
                document: hit.slug,
                title: hit.title,
                paragraph: hit.paragraph,
                score: hit.score,
                actors: hit
                    .actors
                    .into_iter()
                    .map(|(id, name)| NamedJson { id, name })
                    .collect(),
            }
        })
        .collect();
    Ok(Json(SearchJson {
        query: text,
        total: page.total,
        offset,
        limit,
        hits,
    }))
}

/// `/search` parameters.
#[derive(Debug, Deserialize)]
pub struct SearchPageParams {
    q: Option<String>,
    page: Option<String>,
}

/// A hit as the page shows it.
struct HitView {
    paragraph: i64,
    url: String,
    snippet: Vec<SnippetPart>,
    actors: Vec<(String, String)>,
}

/// A document's hits on this page.
struct DocumentHits {
    slug: String,
    title: String,
    hits: Vec<HitView>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    error: Option<String>,
    total: i64,
    documents: Vec<DocumentHits>,
    page: i64,
    pages: i64,
}

impl SearchPage {
    fn page_url(&self, page: i64) -> String {
        format!("/search?q={}&page={page}", url_encode(&self.query))
    }

    fn summary(&self) -> String {
        let hits =
            crate::domain::wording::counted(u64::try_from(self.total).unwrap_or(0), "passage");
        if self.pages > 1 {
            format!("{hits} · page {} of {}", self.page, self.pages)
        } else {
            hits
        }
    }
}

fn group(page: PassagePage, query: &SearchQuery, text: &str) -> Vec<DocumentHits> {
    let mut documents: Vec<DocumentHits> = Vec::new();
    for hit in page.hits {
        let view = HitView {
            paragraph: hit.paragraph,
            url: reader_url(&hit.slug, text, hit.paragraph),
            snippet: snippet(&hit.text, &matches(&hit.text, query), SNIPPET_CHARS),
            actors: hit.actors,
        };
        match documents.iter_mut().find(|d| d.slug == hit.slug) {
            Some(document) => document.hits.push(view),
            None => documents.push(DocumentHits {
                slug: hit.slug,
                title: hit.title,
                hits: vec![view],
            }),
        }
    }
    documents
}

/// `GET /search?q=…&page=N`: the search page; without JavaScript, as every page.
pub async fn search_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Query(params): Query<SearchPageParams>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let text = params.q.unwrap_or_default();
    let here = format!("/search?q={}", url_encode(&text));
    require_reader(&state, &viewer, &here)?;
    let mut page = SearchPage {
        layout: Layout::new(&viewer).at(&here),
        query: text.clone(),
        error: None,
        total: 0,
        documents: Vec::new(),
        page: 1,
        pages: 0,
    };
    if text.trim().is_empty() {
        return Ok(Html(page.render()?).into_response());
    }
    let query = match SearchQuery::parse(&text) {
        Ok(query) => query,
        Err(e) => {
            page.error = Some(e.0);
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    let number = match params.page.as_deref().map(str::parse::<i64>) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            page.error = Some("The page number must be a whole number from 1.".into());
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    let found = state
        .store
        .search_passages(&query, (number - 1).saturating_mul(PAGE_SIZE), PAGE_SIZE)
        .await?;
    page.total = found.total;
    page.pages = (found.total + PAGE_SIZE - 1) / PAGE_SIZE;
    page.page = number;
    page.documents = group(found, &query, &text);
    Ok(Html(page.render()?).into_response())
}
