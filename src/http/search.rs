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
use super::facets::{FacetGroup, FacetLinks};
use super::pages::{HtmlError, Layout, require_reader, url_encode};
use crate::domain::annotation::{Note, to_jsonld};
use crate::domain::search::{SearchQuery, SnippetPart, code_point_ranges, matches, snippet};
use crate::domain::wording::counted;
use crate::error::AppError;
use crate::store::annotations::NoteFilter;
use crate::store::search::{
    Facet, FacetValue, Facets, NoteOrder, NotePage, NoteSearch, PassagePage,
};

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
    /// Facets to count, comma-separated (documents, actors, years, note_documents,
    /// note_actors, tags, authors, motivations, statuses, visibilities), or `all`; none unless
    /// asked for.
    facets: Option<String>,
}

/// The facets a `facets=` parameter names.
fn wanted_facets(names: Option<&str>) -> Result<Vec<Facet>, AppError> {
    let names = names.unwrap_or("").trim();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    if names == "all" {
        return Ok(Facet::ALL.iter().map(|(_, f)| *f).collect());
    }
    names
        .split(',')
        .map(|name| {
            let name = name.trim();
            Facet::ALL
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, f)| *f)
                .ok_or_else(|| {
                    let known: Vec<&str> = Facet::ALL.iter().map(|(n, _)| *n).collect();
                    bad_query(format!(
                        "There is no facet {name:?}; the facets are {}, or all.",
                        known.join(", ")
                    ))
                })
        })
        .collect()
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

/// A note that matches: the W3C annotation, where it is, and its body's snippet.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoteHitJson {
    document: String,
    title: String,
    /// The note in its document.
    url: String,
    /// The W3C Web Annotation (JSON-LD).
    #[schema(value_type = Object)]
    annotation: serde_json::Value,
    snippet: Vec<SnippetJson>,
    score: f64,
}

/// One value of a facet and how many hits have it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetJson {
    /// What the filter takes (`doc:VALUE`, `actor:VALUE`, `tag:VALUE` …; a year).
    value: String,
    label: String,
    count: i64,
}

/// The values of each facet asked for among all hits (not only this page's), most frequent
/// first; the facets not asked for are empty.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetsJson {
    /// Passages per document.
    documents: Vec<FacetJson>,
    /// Passages naming each actor.
    actors: Vec<FacetJson>,
    /// Passages per year of publication.
    years: Vec<FacetJson>,
    /// Notes per document.
    note_documents: Vec<FacetJson>,
    /// Notes per tag.
    tags: Vec<FacetJson>,
    /// Notes per author.
    authors: Vec<FacetJson>,
    /// Notes per motivation.
    motivations: Vec<FacetJson>,
    /// Notes whose quote names each actor.
    note_actors: Vec<FacetJson>,
    /// Notes per anchor status.
    statuses: Vec<FacetJson>,
    /// Notes per visibility.
    visibilities: Vec<FacetJson>,
}

impl From<Facets> for FacetsJson {
    fn from(f: Facets) -> FacetsJson {
        let list = |values: Vec<FacetValue>| {
            values
                .into_iter()
                .map(|v| FacetJson {
                    value: v.value,
                    label: v.label,
                    count: v.count,
                })
                .collect()
        };
        FacetsJson {
            documents: list(f.documents),
            actors: list(f.actors),
            years: list(f.years),
            note_documents: list(f.note_documents),
            tags: list(f.tags),
            authors: list(f.authors),
            motivations: list(f.motivations),
            note_actors: list(f.note_actors),
            statuses: list(f.statuses),
            visibilities: list(f.visibilities),
        }
    }
}

/// `GET /api/search` response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchJson {
    query: String,
    /// Passages in all.
    total: i64,
    offset: i64,
    limit: i64,
    /// Passages on this page.
    hits: Vec<HitJson>,
    /// Notes the viewer may read, in all (private notes of others are never counted).
    notes_total: i64,
    /// Notes on this page.
    notes: Vec<NoteHitJson>,
    facets: FacetsJson,
    /// What the search did that may not be what was meant (a lower-case "or", an actor id
    /// that names nothing …).
    hints: Vec<String>,
}

fn bad_query(message: String) -> AppError {
    AppError::client(StatusCode::BAD_REQUEST, "bad_query", message)
}

/// What a search found: a page of passages, a page of the notes the viewer may read, and the
/// facets of all of them.
struct Found {
    passages: PassagePage,
    notes: NotePage,
    facets: Facets,
}

async fn search_all(
    state: &AppState,
    viewer: &Viewer,
    query: &SearchQuery,
    offset: i64,
    limit: i64,
    wanted: &[Facet],
) -> Result<Found, AppError> {
    let passages = state.store.search_passages(query, offset, limit).await?;
    let filter = NoteFilter::for_viewer(viewer.analyst_id());
    let search = NoteSearch {
        query: query.clone(),
        order: NoteOrder::Relevance,
        ..NoteSearch::default()
    };
    let notes = state
        .store
        .search_notes(&search, filter, offset, limit)
        .await?;
    let facets = state.store.search_facets(query, filter, wanted).await?;
    Ok(Found {
        passages,
        notes,
        facets,
    })
}

/// What a person may not have meant: words taken as words, and, when nothing was found,
/// filter values that name nothing.
pub async fn hints(
    state: &AppState,
    query: &SearchQuery,
    found_nothing: bool,
) -> Result<Vec<String>, AppError> {
    let mut hints = query.hints.clone();
    if let (Some(after), Some(before)) = (&query.filters.after, &query.filters.before)
        && after >= before
    {
        hints.push(format!(
            "after:{after} is not before before:{before}, so no date is in between."
        ));
    }
    if found_nothing {
        for (field, value) in state.store.unknown_filter_values(&query.filters).await? {
            hints.push(match field {
                "actor" => format!(
                    "No actor has the id “{value}”. Ids look like RUS, PRK or vladimir-putin: see each document's list of actors, or /api/actors."
                ),
                "doc" => format!("No document has the slug “{value}”; a document's slug is the last part of its address."),
                "voice" => format!(
                    "No sentence gives the view of a voice “{value}”. Voice ids look like chn-analysts or rus: see /voices."
                ),
                _ => format!("No analyst is called “{value}”."),
            });
        }
    }
    Ok(hints)
}

/// Facets as groups of links that narrow the search, in the order `wanted` gives.
pub fn facet_groups(links: &FacetLinks, facets: Facets, wanted: &[Facet]) -> Vec<FacetGroup> {
    let f = &links.query.filters;
    let mut facets = facets;
    let mut groups: Vec<FacetGroup> = wanted
        .iter()
        .map(|facet| match facet {
            Facet::Documents => links.group(
                "Documents",
                "passages",
                "doc",
                std::mem::take(&mut facets.documents),
                |v| f.documents.iter().any(|d| d == v),
            ),
            Facet::NoteDocuments => links.group(
                "Documents",
                "notes",
                "doc",
                std::mem::take(&mut facets.note_documents),
                |v| f.documents.iter().any(|d| d == v),
            ),
            Facet::Actors => links.group(
                "Actors",
                "passages",
                "actor",
                std::mem::take(&mut facets.actors),
                |v| f.actors.contains(&v.to_lowercase()),
            ),
            Facet::NoteActors => links.group(
                "Actors quoted",
                "notes",
                "actor",
                std::mem::take(&mut facets.note_actors),
                |v| f.actors.contains(&v.to_lowercase()),
            ),
            Facet::Years => links.years("passages", std::mem::take(&mut facets.years)),
            Facet::Tags => links.group(
                "Tags",
                "notes",
                "tag",
                std::mem::take(&mut facets.tags),
                |v| f.tags.iter().any(|t| t == v),
            ),
            Facet::Authors => links.group(
                "Authors",
                "notes",
                "author",
                std::mem::take(&mut facets.authors),
                |v| f.authors.contains(&v.to_lowercase()),
            ),
            Facet::Motivations => links.group(
                "Motivations",
                "notes",
                "motivation",
                std::mem::take(&mut facets.motivations),
                |v| f.motivations.iter().any(|m| m == v),
            ),
            Facet::Statuses => links.group(
                "Anchor",
                "notes",
                "status",
                std::mem::take(&mut facets.statuses),
                |v| f.statuses.iter().any(|x| x == v),
            ),
            Facet::Visibilities => links.group(
                "Shared with",
                "notes",
                "visibility",
                std::mem::take(&mut facets.visibilities),
                |v| f.visibilities.iter().any(|x| x == v),
            ),
        })
        .collect();
    groups.retain(|g| !g.values.is_empty());
    groups
}

fn note_url(note: &Note) -> String {
    format!("/documents/{}#note-{}", note.document_slug, note.id)
}

/// The note's body as a reader sees it, around its first match, or its start (the quote is
/// shown apart).
pub fn note_snippet(note: &Note, query: &SearchQuery) -> Vec<SnippetPart> {
    let text = crate::domain::markdown::plain_text(&note.body);
    snippet(&text, &matches(&text, query), SNIPPET_CHARS)
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
    params: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<super::cache::Cached<Json<SearchJson>>, AppError> {
    state.check_reader(&viewer)?;
    let Query(params) = params.map_err(|_| {
        bad_query(
            "q, limit, offset and facets may each be given once; limit and offset are whole numbers."
                .into(),
        )
    })?;
    let text = params.q.unwrap_or_default();
    let query = SearchQuery::parse(&text).map_err(|e| bad_query(e.0))?;
    let (limit, offset) =
        super::extract::page_window(params.limit, params.offset, PAGE_SIZE, MAX_LIMIT)?;
    let wanted = wanted_facets(params.facets.as_deref())?;
    let Found {
        passages: page,
        notes,
        facets,
    } = search_all(&state, &viewer, &query, offset, limit, &wanted).await?;
    let hints = hints(&state, &query, page.total == 0 && notes.total == 0).await?;
    let note_hits = notes
        .hits
        .into_iter()
        .map(|hit| {
            Ok(NoteHitJson {
                url: note_url(&hit.note),
                snippet: note_snippet(&hit.note, &query)
                    .into_iter()
                    .map(|p| SnippetJson {
                        text: p.text,
                        hit: p.hit,
                    })
                    .collect(),
                annotation: serde_json::to_value(to_jsonld(&hit.note, &state.iris))
                    .map_err(|e| AppError::Internal(e.into()))?,
                document: hit.note.document_slug.clone(),
                title: hit.title,
                score: hit.score,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let hits = page
        .hits
        .into_iter()
        .map(|hit| {
            let found = matches(&hit.text, &query);
            HitJson {
                url: reader_url(&hit.slug, &text, hit.paragraph),
                matches: code_point_ranges(&hit.text, &found)
                    .into_iter()
                    .map(|r| MatchJson {
                        start: r.start,
                        end: r.end,
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
    Ok(super::cache::Cached(Json(SearchJson {
        query: text,
        total: page.total,
        offset,
        limit,
        hits,
        notes_total: notes.total,
        notes: note_hits,
        facets: facets.into(),
        hints,
    })))
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

/// A note as the page shows it.
struct NoteView {
    private: bool,
    url: String,
    title: String,
    creator: String,
    motivation: String,
    quote: Option<String>,
    tags: Vec<String>,
    snippet: Vec<SnippetPart>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    error: Option<String>,
    total: i64,
    documents: Vec<DocumentHits>,
    notes_total: i64,
    notes: Vec<NoteView>,
    page: i64,
    pages: i64,
    facets: Vec<FacetGroup>,
    hints: Vec<String>,
}

impl SearchPage {
    fn encoded(text: &str) -> String {
        url_encode(text)
    }

    fn page_url(&self, page: i64) -> String {
        format!("/search?q={}&page={page}", url_encode(&self.query))
    }

    fn summary(&self) -> String {
        let count = |n: i64, noun| counted(u64::try_from(n).unwrap_or(0), noun);
        let found = format!(
            "{} and {}",
            count(self.total, "passage"),
            count(self.notes_total, "note")
        );
        if self.pages > 1 {
            format!("{found} · page {} of {}", self.page, self.pages)
        } else {
            found
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

fn note_views(page: NotePage, query: &SearchQuery) -> Vec<NoteView> {
    page.hits
        .into_iter()
        .map(|hit| NoteView {
            private: hit.note.visibility == crate::domain::annotation::Visibility::Private,
            url: note_url(&hit.note),
            snippet: note_snippet(&hit.note, query),
            title: hit.title,
            quote: hit.note.anchor.as_ref().map(|a| a.exact.clone()),
            creator: hit.note.creator,
            motivation: hit.note.motivation,
            tags: hit.note.tags,
        })
        .collect()
}

/// A page's `page=N`, from 1 (1 when absent), or what to fix.
pub fn page_number(param: Option<&str>) -> Result<i64, String> {
    match param.map(str::parse::<i64>) {
        None => Ok(1),
        Some(Ok(n)) if n >= 1 => Ok(n),
        Some(_) => Err("The page number must be a whole number from 1.".into()),
    }
}

/// `GET /search?q=…&page=N`: the search page; without JavaScript, as every page.
pub async fn search_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    params: Result<Query<SearchPageParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let Query(params) = params.map_err(|_| {
        AppError::client(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "q and page may each be given once: /search?q=words&page=2.",
        )
    })?;
    let text = params.q.unwrap_or_default();
    let here = format!("/search?q={}", url_encode(&text));
    require_reader(&state, &viewer, &here)?;
    let mut page = SearchPage {
        layout: Layout::new(&viewer).at(&here),
        query: text.clone(),
        error: None,
        total: 0,
        documents: Vec::new(),
        notes_total: 0,
        notes: Vec::new(),
        page: 1,
        pages: 0,
        facets: Vec::new(),
        hints: Vec::new(),
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
    let number = match page_number(params.page.as_deref()) {
        Ok(n) => n,
        Err(message) => {
            page.error = Some(message);
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    let offset = (number - 1).saturating_mul(PAGE_SIZE);
    let Found {
        passages: found,
        notes,
        facets,
    } = search_all(&state, &viewer, &query, offset, PAGE_SIZE, &Facet::SEARCH).await?;
    let links = FacetLinks {
        path: "/search",
        text: &text,
        query: &query,
    };
    page.facets = facet_groups(&links, facets, &Facet::SEARCH);
    page.hints = hints(&state, &query, found.total == 0 && notes.total == 0).await?;
    page.total = found.total;
    page.notes_total = notes.total;
    page.pages = (found.total.max(notes.total) + PAGE_SIZE - 1) / PAGE_SIZE;
    page.page = number;
    page.documents = group(found, &query, &text);
    page.notes = note_views(notes, &query);
    if number > 1 && number > page.pages {
        page.error = Some(format!(
            "There is no page {number}: this search found {} on {}.",
            page.summary(),
            counted(u64::try_from(page.pages.max(1)).unwrap_or(1), "page")
        ));
        return Ok((StatusCode::NOT_FOUND, Html(page.render()?)).into_response());
    }
    Ok(super::cache::cacheable(Html(page.render()?)))
}
