//! Server-rendered pages. Complete without JavaScript; `static/reader.js` only enhances.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::AppState;
use super::assets;
use super::auth::Viewer;
use super::extract::DocumentSlug;
use crate::domain::actors::ActorKind;
use crate::domain::annotation::Note;
use crate::domain::annotation::Visibility;
use crate::domain::annotation::thread::Ghost;
use crate::domain::article::{
    ArticleOptions, ArticleView, GhostKind, Overlays, ViewedNote, render_article_with,
};
use crate::domain::document::{BlockKind, Metadata};
use crate::domain::reanchor::AnchorStatus;
use crate::domain::search::{SearchQuery, code_point_ranges, passage_matches};
use crate::domain::wording::counted;
use crate::error::AppError;
use crate::export::{self, ExportScope};
use crate::store::annotations::NoteFilter;
use crate::store::documents::{DocumentSummary, StoredDocument};

/// What every page's layout needs.
pub struct Layout {
    /// Versioned stylesheet URL.
    pub css: String,
    /// Versioned script URL.
    pub js: String,
    /// Versioned icon URL.
    pub icon: String,
    /// The signed-in analyst's name.
    pub analyst: Option<String>,
    /// This page's path, for "Sign in" and "Sign out" to come back to.
    pub here: String,
    /// Whether the page knows who reads it. An error page does not (it is made from the error
    /// alone), so it shows neither "Sign in" to an analyst signed in nor a name.
    pub account_known: bool,
}

impl Layout {
    /// The layout for `viewer`.
    pub fn new(viewer: &Viewer) -> Layout {
        Layout {
            css: assets::url("reader.css"),
            js: assets::url("reader.js"),
            icon: assets::url("favicon.svg"),
            analyst: viewer.analyst.as_ref().map(|a| a.name.clone()),
            here: "/".to_owned(),
            account_known: true,
        }
    }

    /// The same layout on the page at `path`, so that signing in comes back to it.
    pub fn at(mut self, path: &str) -> Layout {
        self.here = path.to_owned();
        self
    }

    /// This page's path as a query value, for the "Sign in" link.
    pub fn next(&self) -> String {
        url_encode(&self.here)
    }

    /// For a page made without its reader: the header leaves the account out.
    fn reader_unknown() -> Layout {
        Layout {
            account_known: false,
            ..Layout::new(&Viewer {
                analyst: None,
                credential: None,
            })
        }
    }
}

/// Sends anonymous readers to the sign-in page when reading needs sign-in.
pub(super) fn require_reader(
    state: &AppState,
    viewer: &Viewer,
    here: &str,
) -> Result<(), HtmlError> {
    if state.require_sign_in && viewer.analyst.is_none() {
        return Err(HtmlError::SignIn(here.to_owned()));
    }
    Ok(())
}

/// An [`AppError`] answered as an HTML page instead of JSON, or a detour to sign in.
#[derive(Debug)]
pub enum HtmlError {
    /// An error page.
    Page(AppError),
    /// Redirect to `/login`, coming back to this path.
    SignIn(String),
}

impl From<AppError> for HtmlError {
    fn from(e: AppError) -> HtmlError {
        HtmlError::Page(e)
    }
}

impl From<askama::Error> for HtmlError {
    fn from(e: askama::Error) -> HtmlError {
        HtmlError::Page(e.into())
    }
}

impl From<crate::store::StoreError> for HtmlError {
    fn from(e: crate::store::StoreError) -> HtmlError {
        HtmlError::Page(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: StatusCode,
    message: String,
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        let error = match self {
            HtmlError::SignIn(next) => {
                let query: String = url_encode(&next);
                return Redirect::to(&format!("/login?next={query}")).into_response();
            }
            HtmlError::Page(error) => error,
        };
        error.log();
        let status = error.status();
        let page = ErrorPage {
            layout: Layout::reader_unknown(),
            status,
            message: error.public_message(),
        };
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, error.public_message()).into_response(),
        };
        if let AppError::TooManyRequests { retry_after, .. } = error {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after.into());
        }
        response
    }
}

/// Percent-encodes everything but unreserved characters, for a query value.
pub fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    layout: Layout,
    documents: Vec<DocumentSummary>,
    /// Notes the viewer may see, per document slug.
    notes: std::collections::HashMap<String, i64>,
    /// How many documents there are in all.
    total: i64,
    page: i64,
    pages: i64,
}

/// Documents on one page of the list: a corpus of thousands is read a page at a time, not
/// sent (and rendered, and compressed) whole.
const DOCUMENTS_PER_PAGE: i64 = 100;

/// `?page=N` of the document list.
#[derive(Debug, serde::Deserialize)]
pub struct IndexParams {
    page: Option<String>,
}

impl IndexPage {
    fn page_url(&self, page: i64) -> String {
        format!("/?page={page}")
    }

    fn page_count(&self) -> String {
        Self::count(&self.pages, "page")
    }

    fn count(n: &i64, noun: &str) -> String {
        counted(u64::try_from(*n).unwrap_or(0), noun)
    }

    fn notes_on(&self, slug: &str) -> String {
        Self::count(self.notes.get(slug).unwrap_or(&0), "note")
    }
}

/// `GET /`: the documents.
pub async fn list_documents(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    params: Result<axum::extract::Query<IndexParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    require_reader(&state, &viewer, "/")?;
    let bad_page = |message: String| AppError::client(StatusCode::BAD_REQUEST, "bad_page", message);
    let axum::extract::Query(params) = params.map_err(|_| {
        bad_page("The address has more than one `page`, or one that cannot be read: give one, e.g. /?page=2.".into())
    })?;
    let number = super::search::page_number(params.page.as_deref()).map_err(bad_page)?;
    let total = state.store.count_listed_documents().await?;
    let pages = (total + DOCUMENTS_PER_PAGE - 1) / DOCUMENTS_PER_PAGE;
    if number > 1 && number > pages {
        return Err(AppError::NotFound(format!(
            "There is no page {number} of documents: there are {} on {}.",
            counted(u64::try_from(total).unwrap_or(0), "document"),
            counted(u64::try_from(pages.max(1)).unwrap_or(1), "page")
        ))
        .into());
    }
    let documents = state
        .store
        .list_documents_page((number - 1) * DOCUMENTS_PER_PAGE, DOCUMENTS_PER_PAGE)
        .await?;
    let notes = state
        .store
        .note_counts(NoteFilter::for_viewer(viewer.analyst_id()))
        .await?;
    let page = IndexPage {
        layout: Layout::new(&viewer),
        documents,
        notes,
        total,
        page: number,
        pages,
    };
    Ok(cacheable_page(page.render()?))
}

/// An HTML page that the cache may keep for its URL and viewer.
fn cacheable_page(html: String) -> Response {
    super::cache::cacheable(Html(html))
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    layout: Layout,
    /// The search the reader came from, when they did.
    search: Option<SearchBar>,
    document_iri: String,
    /// Its annotation container's IRI: a reply's target is this plus the note's id.
    container_iri: String,
    signed_in: bool,
    /// Added in the browser, so a new version is uploaded there too.
    from_browser: bool,
    /// Archived: hidden from lists and search, shown to analysts with a way back.
    archived: bool,
    /// Whether the viewer may archive or restore it.
    may_archive: bool,
    slug: String,
    title: String,
    meta: Metadata,
    version: i64,
    article: ArticleView,
    strip: crate::domain::strip::Strip,
    matrix: crate::domain::matrix::Matrix,
    /// Analysts' corrections of the voices, newest first.
    corrections: Vec<crate::store::voices::CorrectionEntry>,
    /// How far the document's source can be trusted, and who said so.
    grading: crate::store::grades::DocumentGrading,
    /// Actors of the gazetteer the document does not name, `(id, name)`, for giving a new
    /// voice its actor.
    other_actors: Vec<(String, String)>,
}

/// What the page says about the search it was opened from (`?q=`).
struct SearchBar {
    query: String,
    encoded: String,
    count: usize,
    /// Whether the search has words to mark (filters are not marked).
    has_words: bool,
    error: Option<String>,
}

/// `?q=` of a document page.
#[derive(Debug, serde::Deserialize)]
pub struct DocumentQuery {
    q: Option<String>,
}

impl DocumentPage {
    fn kind_name(kind: &ActorKind) -> &'static str {
        kind.as_str()
    }

    fn tag_url(tag: &str) -> String {
        super::workspace::tag_url(tag)
    }

    fn visibility_name(visibility: &Visibility) -> &'static str {
        visibility.as_str()
    }

    fn count(n: usize, noun: &str) -> String {
        counted(n as u64, noun)
    }

    fn documents_of(source: &crate::store::grades::SourceRecord) -> String {
        counted(source.documents.max(0) as u64, "document")
    }

    fn credibilities() -> &'static [crate::domain::grades::Credibility] {
        &crate::domain::grades::CREDIBILITIES
    }

    fn reliabilities() -> &'static [crate::domain::grades::Reliability] {
        &crate::domain::grades::RELIABILITIES
    }
}

/// A document and the notes that `filter` lets through, for the reader and its export.
async fn document_with_notes(
    state: &AppState,
    slug: Result<DocumentSlug, AppError>,
    viewer: &Viewer,
    filter: NoteFilter,
) -> Result<(StoredDocument, Vec<Note>, Vec<Ghost>), HtmlError> {
    let DocumentSlug(slug) = slug?;
    require_reader(state, viewer, &format!("/documents/{slug}"))?;
    let doc = state
        .store
        .load_document(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let notes = state.store.list_notes(doc.id, filter, 0, i64::MAX).await?;
    let ghosts = state.store.thread_ghosts(doc.id, &notes, filter).await?;
    Ok((doc, notes, ghosts))
}

/// `GET /documents/{slug}`: the reader, with the notes the viewer may read.
pub async fn show_document(
    State(state): State<AppState>,
    slug: Result<DocumentSlug, AppError>,
    viewer: Result<Viewer, AppError>,
    query: Result<axum::extract::Query<DocumentQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let path = match &slug {
        Ok(DocumentSlug(slug)) => format!("/documents/{slug}"),
        Err(_) => String::new(),
    };
    require_reader(&state, &viewer, &path)?;
    let search = query
        .ok()
        .and_then(|q| q.0.q)
        .filter(|q| !q.trim().is_empty());
    let html = render_document(&state, slug, &viewer, search.as_deref()).await?;
    Ok(cacheable_page(html))
}

async fn render_document(
    state: &AppState,
    slug: Result<DocumentSlug, AppError>,
    viewer: &Viewer,
    search: Option<&str>,
) -> Result<String, HtmlError> {
    let filter = NoteFilter::for_viewer(viewer.analyst_id());
    let (doc, notes, ghosts) = document_with_notes(state, slug, viewer, filter).await?;
    let notes: Vec<ViewedNote> = notes
        .into_iter()
        .map(|note| ViewedNote {
            own: viewer
                .analyst
                .as_ref()
                .is_some_and(|a| a.name == note.creator),
            note,
        })
        .collect();
    let claims = state
        .store
        .document_claims(&doc.slug)
        .await?
        .unwrap_or_default();
    let voices = crate::store::voices::voices_of(&claims);
    let corrections = state
        .store
        .document_corrections(doc.id)
        .await
        .map(|stored| crate::store::voices::correction_entries(&stored))?;
    let parsed = search.map(|text| (text, SearchQuery::parse(text)));
    let hits: Vec<Vec<std::ops::Range<usize>>> = match &parsed {
        Some((_, Ok(query))) => doc
            .analysed
            .parsed
            .blocks
            .iter()
            .enumerate()
            .map(|(i, block)| {
                // The words are marked only where the search's filters let the paragraph
                // be found, as the list of hits has it.
                if passage_filters_hold(query, &doc.analysed.mentions[i], &voices, i) {
                    code_point_ranges(&block.text, &passage_matches(&block.text, query))
                } else {
                    Vec::new()
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let search = parsed.map(|(text, query)| SearchBar {
        query: text.to_owned(),
        encoded: url_encode(text),
        count: hits.iter().map(Vec::len).sum(),
        has_words: query.as_ref().is_ok_and(SearchQuery::has_words),
        error: query.err().map(|e| e.0),
    });
    // Signing in from a document opened from a search comes back to the same search.
    let here = match &search {
        Some(bar) => format!("/documents/{}?q={}", doc.slug, bar.encoded),
        None => format!("/documents/{}", doc.slug),
    };
    let article = render_article_with(
        &doc.analysed,
        &doc.actors,
        &notes,
        ArticleOptions::PAGE,
        Overlays {
            hits: &hits,
            voices: Some(&voices),
            ghosts: &ghosts,
            mention_links: Some(""),
        },
    );
    let matrix = document_matrix(&article.legend, &doc.analysed.pairs());
    let other_actors = if viewer.analyst.is_some() {
        let mut others: Vec<(String, String)> = state
            .store
            .list_actors()
            .await?
            .into_iter()
            .filter(|a| !article.legend.iter().any(|l| l.id == a.actor.id))
            .map(|a| (a.actor.id, a.actor.name))
            .collect();
        others.sort_by(|a, b| a.1.cmp(&b.1));
        others
    } else {
        Vec::new()
    };
    let grading = state.store.document_grading(doc.id).await?;
    let record = state.store.document_record(&doc.slug).await?;
    let archived = record.as_ref().is_some_and(|r| r.archived);
    let may_archive =
        super::intake::may_archive(state, viewer, record.as_ref().and_then(|r| r.uploaded_by))
            .await?;
    let page = DocumentPage {
        archived,
        may_archive,
        grading,
        document_iri: state.iris.document(&doc.slug),
        container_iri: state.iris.container(&doc.slug),
        signed_in: viewer.analyst.is_some(),
        from_browser: viewer.analyst.is_some() && record.as_ref().is_some_and(|r| r.from_browser),
        layout: Layout::new(viewer).at(&here),
        search,
        slug: doc.slug,
        title: doc.title,
        meta: doc.analysed.parsed.meta,
        version: doc.version,
        strip: crate::domain::strip::mention_strip(&article.legend, &doc.analysed.mentions),
        matrix,
        article,
        corrections,
        other_actors,
    };
    Ok(page.render()?)
}

/// Whether paragraph `i` passes the search's filters on passages: the actors it names and
/// the voices its sentences give (documents and dates were checked by the search itself).
fn passage_filters_hold(
    query: &SearchQuery,
    mentions: &[crate::domain::actors::Mention],
    voices: &crate::domain::voices::Voices,
    i: usize,
) -> bool {
    let filters = &query.filters;
    let names = |actor: &String| mentions.iter().any(|m| m.actor_id.to_lowercase() == *actor);
    let claims: Vec<&crate::domain::voices::Claim> =
        voices.claims.iter().filter(|c| c.paragraph == i).collect();
    let speaks = |voice: &String| claims.iter().any(|c| c.voice == *voice);
    let official = |flag: bool| {
        claims
            .iter()
            .any(|c| voices.voice(&c.voice).is_some_and(|v| v.official == flag))
    };
    filters.actors.iter().all(names)
        && filters.voices.iter().all(speaks)
        && filters.official.is_none_or(official)
}

/// Fallback for unknown pages.
pub async fn page_not_found() -> HtmlError {
    HtmlError::Page(AppError::NotFound(
        "There is no page at this address. The list of documents is at /.".into(),
    ))
}

/// `?visibility=&history=` of an export.
#[derive(Debug, serde::Deserialize)]
pub struct ExportQuery {
    visibility: Option<String>,
    /// `1`: each note with its history.
    history: Option<String>,
}

/// `GET /documents/{slug}/export.html[?visibility=public|team|mine]`: the annotated article
/// as a download. The notes are what the reader chose, never more than they may see:
/// `team` (public and team notes, what every analyst may read) unless they ask otherwise,
/// and public notes only for a reader who is not signed in.
pub async fn export_document(
    State(state): State<AppState>,
    slug: Result<DocumentSlug, AppError>,
    viewer: Result<Viewer, AppError>,
    query: Result<axum::extract::Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let query = query.ok().map(|q| q.0);
    let with_history = query
        .as_ref()
        .is_some_and(|q| q.history.as_deref() == Some("1"));
    let asked = match query.and_then(|q| q.visibility) {
        None => ExportScope::Team,
        Some(name) => ExportScope::parse(&name).ok_or_else(|| {
            AppError::client(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "`visibility` must be public, team or mine.",
            )
        })?,
    };
    let analyst = viewer.analyst.as_ref();
    let scope = if analyst.is_some() {
        asked
    } else {
        ExportScope::Public
    };
    let filter = scope
        .filter(analyst.map(|a| a.id))
        .unwrap_or(NoteFilter::Public);
    let (doc, notes, ghosts) = document_with_notes(&state, slug, &viewer, filter).await?;
    let claims = state
        .store
        .document_claims(&doc.slug)
        .await?
        .unwrap_or_default();
    let corrections: Vec<_> = state
        .store
        .document_corrections(doc.id)
        .await
        .map(|stored| crate::store::voices::correction_entries(&stored))?;
    let grading = state.store.document_grading(doc.id).await?;
    let histories = if with_history {
        Some(state.store.document_histories(doc.id).await?)
    } else {
        None
    };
    let html = export::export_html(
        &doc,
        &notes,
        &crate::store::voices::voices_of(&claims),
        export::Judgements {
            corrections: &corrections,
            grading: &grading,
            histories: histories.as_ref(),
            ghosts: &ghosts,
        },
        &state.iris,
        time::OffsetDateTime::now_utc(),
        &scope.describe(analyst.map(|a| a.name.as_str())),
    )?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        export::file_name(&doc.slug, scope)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        // A file to keep, byte for byte as `glossa export` writes it.
        axum::Extension(super::cache::Precoded),
        html,
    )
        .into_response())
}

/// `GET /documents/{slug}/`: the reader's address has no trailing slash; an unknown slug
/// is a 404 here, not a redirect to one.
pub async fn redirect_document(
    State(state): State<AppState>,
    slug: Result<DocumentSlug, AppError>,
) -> Result<Response, HtmlError> {
    let DocumentSlug(slug) = slug?;
    if state.store.document_text(slug.as_str()).await?.is_none() {
        return Err(AppError::document_not_found(slug.as_str()).into());
    }
    Ok(Redirect::permanent(&format!("/documents/{slug}")).into_response())
}

/// The co-occurrence matrix of one document, its actors in the legend's order.
fn document_matrix(
    legend: &[crate::domain::article::LegendEntry],
    pairs: &[crate::domain::cooccurrence::Pair],
) -> crate::domain::matrix::Matrix {
    use crate::domain::matrix::{MatrixActor, matrix};
    let actors: Vec<MatrixActor> = legend
        .iter()
        .map(|entry| MatrixActor {
            id: entry.id.clone(),
            name: entry.name.clone(),
            tone: entry.tone,
        })
        .collect();
    matrix(&actors, pairs)
}
