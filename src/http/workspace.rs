//! The notes workspace: `/notes`, every note the viewer may see across the corpus, narrowed
//! with the search language and facets; `/tags`, the tags in use, with renaming and merging
//! of one's own.

use askama::Template;
use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::{Viewer, check_same_origin};
use super::facets::{FacetGroup, FacetLinks, filter_token};
use super::pages::{HtmlError, Layout, require_reader, url_encode};
use super::search::{facet_groups, hints, note_snippet, page_number};
use crate::domain::annotation::thread::threads;
use crate::domain::annotation::{Note, Visibility};
use crate::domain::html::SafeHtml;
use crate::domain::mentions::link_mentions;
use crate::domain::search::{SearchQuery, SnippetPart};
use crate::domain::wording::counted;
use crate::error::AppError;
use crate::store::annotations::NoteFilter;
use crate::store::search::{Facet, NoteHit, NoteOrder, NoteSearch};
use crate::store::tags::{RenameScope, Renamed, TagCount};
use std::collections::HashMap;

/// Notes per page of the workspace.
const PAGE_SIZE: i64 = 50;
/// Characters of a quote shown before it is cut.
const QUOTE_CHARS: usize = 280;

/// How the workspace orders notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Updated,
    Relevance,
}

impl Sort {
    /// The order called `name` (as `as_str` writes it); newest first for anything else.
    pub(super) fn named(name: &str) -> Sort {
        [Sort::Oldest, Sort::Updated, Sort::Relevance]
            .into_iter()
            .find(|sort| sort.as_str() == name)
            .unwrap_or_default()
    }

    pub(super) fn order(self) -> NoteOrder {
        match self {
            Sort::Newest => NoteOrder::Created { newest_first: true },
            Sort::Oldest => NoteOrder::Created {
                newest_first: false,
            },
            Sort::Updated => NoteOrder::Modified { newest_first: true },
            Sort::Relevance => NoteOrder::Relevance,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Updated => "updated",
            Sort::Relevance => "relevance",
        }
    }
}

/// `/notes` parameters. `after` and `before` come from the form's date fields and are folded
/// into `q`, so the address of a narrowed list is always its query text.
#[derive(Debug, Deserialize)]
pub struct NotesParams {
    q: Option<String>,
    page: Option<String>,
    sort: Option<String>,
    after: Option<String>,
    before: Option<String>,
}

/// A note as a workspace row.
struct NoteRow {
    url: String,
    document_url: String,
    title: String,
    paragraph: Option<i64>,
    creator: String,
    motivation: String,
    visibility: &'static str,
    private: bool,
    status: &'static str,
    created: String,
    quote: Option<String>,
    body_html: SafeHtml,
    snippet: Option<Vec<SnippetPart>>,
    tags: Vec<(String, String)>,
    /// An assessing note's badge ("C3") and its words.
    grade: Option<(String, String)>,
    /// For a reply: whom it answers ("alice", or "a deleted note") and where that note is.
    answers: Option<(String, String)>,
    /// For a reply shown in its thread, its depth there, at most 3.
    indent: usize,
    /// The replies shown under it, in reading order.
    replies: Vec<NoteRow>,
}

#[derive(Template)]
#[template(path = "notes.html")]
struct NotesPage {
    layout: Layout,
    query: String,
    sort: &'static str,
    has_words: bool,
    error: Option<String>,
    total: i64,
    notes: Vec<NoteRow>,
    facets: Vec<FacetGroup>,
    page: i64,
    pages: i64,
    after: String,
    before: String,
    presets: Vec<(&'static str, String, bool)>,
    hints: Vec<String>,
}

impl NotesPage {
    fn page_url(&self, page: i64) -> String {
        notes_url(&self.query, self.sort, Some(page))
    }

    /// This list as a digest: `csv` (with a byte order mark for spreadsheet programs when
    /// `bom`) or `md`.
    fn digest_url(&self, extension: &str, bom: bool) -> String {
        let mut url = format!("/notes.{extension}?q={}", url_encode(&self.query));
        if self.sort != Sort::default().as_str() {
            url.push_str(&format!("&sort={}", self.sort));
        }
        if bom {
            url.push_str("&bom=1");
        }
        url
    }

    fn sort_url(&self, sort: &str) -> String {
        format!("/notes?q={}&sort={sort}", url_encode(&self.query))
    }

    fn summary(&self) -> String {
        let found = counted(u64::try_from(self.total).unwrap_or(0), "note");
        if self.pages > 1 {
            format!("{found} · page {} of {}", self.page, self.pages)
        } else {
            found
        }
    }
}

fn notes_url(query: &str, sort: &str, page: Option<i64>) -> String {
    let mut url = format!("/notes?q={}", url_encode(query));
    if sort != Sort::default().as_str() {
        url.push_str(&format!("&sort={sort}"));
    }
    if let Some(page) = page {
        url.push_str(&format!("&page={page}"));
    }
    url
}

/// A link to the notes with `tag`.
pub fn tag_url(tag: &str) -> String {
    match filter_token("tag", tag) {
        Some(token) => format!("/notes?q={}", url_encode(&token)),
        None => "/tags".to_owned(),
    }
}

fn first_chars(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn row(note: Note, title: String, paragraph: Option<i64>, query: &SearchQuery) -> NoteRow {
    let snippet = query.has_words().then(|| note_snippet(&note, query));
    let document_url = match paragraph {
        Some(n) => format!("/documents/{}#p{n}", note.document_slug),
        None => format!("/documents/{}", note.document_slug),
    };
    NoteRow {
        url: format!("/documents/{}#note-{}", note.document_slug, note.id),
        document_url,
        title,
        paragraph,
        private: note.visibility == Visibility::Private,
        visibility: note.visibility.as_str(),
        status: note.status.as_str(),
        created: note.created.chars().take(10).collect(),
        quote: note
            .anchor
            .as_ref()
            .map(|a| first_chars(&a.exact, QUOTE_CHARS)),
        tags: note.tags.iter().map(|t| (t.clone(), tag_url(t))).collect(),
        grade: note
            .grades
            .badge()
            .map(|badge| (badge, note.grades.words())),
        body_html: link_mentions(&note.body_html, &note.mentions, ""),
        creator: note.creator,
        motivation: note.motivation,
        snippet,
        answers: None,
        indent: 0,
        replies: Vec::new(),
    }
}

/// The rows of a page of notes, in threads: each note with the replies the viewer may read
/// under it (a reply found on the same page is shown there, not twice), and a reply whose
/// thread starts off the page saying whom it answers.
async fn threaded_rows(
    state: &AppState,
    hits: Vec<NoteHit>,
    filter: NoteFilter,
    query: &SearchQuery,
) -> Result<Vec<NoteRow>, AppError> {
    let ids: Vec<String> = hits.iter().map(|h| h.note.id.clone()).collect();
    let replies = state.store.replies_to(&ids, filter).await?;
    let mut nodes: Vec<(Note, String, Option<i64>)> = hits
        .into_iter()
        .map(|hit| (hit.note, hit.title, hit.paragraph))
        .collect();
    let titles: HashMap<String, String> = nodes
        .iter()
        .map(|(note, title, _)| (note.document_slug.clone(), title.clone()))
        .collect();
    for reply in replies {
        if !ids.contains(&reply.id) {
            let title = titles
                .get(&reply.document_slug)
                .cloned()
                .unwrap_or_default();
            nodes.push((reply, title, None));
        }
    }
    let creators: HashMap<String, String> = nodes
        .iter()
        .map(|(note, _, _)| (note.id.clone(), note.creator.clone()))
        .collect();
    let outside: Vec<String> = nodes
        .iter()
        .filter_map(|(note, _, _)| note.reply_to.clone())
        .filter(|parent| !creators.contains_key(parent))
        .collect();
    let outside_creators: HashMap<String, String> = state
        .store
        .notes_by_id(&outside, filter)
        .await?
        .into_iter()
        .map(|note| (note.id, note.creator))
        .collect();
    let answers = |note: &Note| {
        note.reply_to.as_ref().map(|parent| {
            let name = creators
                .get(parent)
                .or_else(|| outside_creators.get(parent))
                .cloned()
                .unwrap_or_else(|| "a deleted note".to_owned());
            (
                name,
                format!("/documents/{}#note-{parent}", note.document_slug),
            )
        })
    };
    let found = threads(
        &nodes
            .iter()
            .map(|(n, _, _)| n.reply_to.as_deref())
            .collect::<Vec<_>>(),
        &nodes
            .iter()
            .map(|(n, _, _)| n.id.as_str())
            .collect::<Vec<_>>(),
        &nodes
            .iter()
            .map(|(n, _, _)| (n.created.as_str(), n.reply_seq))
            .collect::<Vec<_>>(),
    );
    let mut taken: Vec<Option<(Note, String, Option<i64>)>> = nodes.into_iter().map(Some).collect();
    let mut rows = Vec::with_capacity(found.len());
    for thread in found {
        let Some((note, title, paragraph)) = taken[thread.root].take() else {
            continue;
        };
        let answered = answers(&note);
        let mut root = row(note, title, paragraph, query);
        root.answers = answered;
        for (i, depth) in thread.replies {
            if let Some((note, title, _)) = taken[i].take() {
                let answered = answers(&note);
                let mut reply = row(note, title, None, query);
                reply.answers = answered;
                reply.indent = depth.min(3);
                root.replies.push(reply);
            }
        }
        rows.push(root);
    }
    Ok(rows)
}

/// The query text with the form's date fields folded in.
fn with_dates(text: &str, after: &str, before: &str) -> String {
    let mut text = text.trim().to_owned();
    for (field, value) in [("after", after), ("before", before)] {
        if !value.is_empty() {
            text = format!("{text} {field}:{value}").trim().to_owned();
        }
    }
    text
}

/// `GET /notes`: the notes the viewer may see, newest first, narrowed by the search language.
pub async fn notes_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    params: Result<Query<NotesParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    let Query(params) = params.map_err(|_| {
        AppError::client(
            StatusCode::BAD_REQUEST,
            "bad_query",
            "q, page, sort, after and before may each be given once: /notes?q=tag:sanctions&page=2.",
        )
    })?;
    let mut text = params.q.clone().unwrap_or_default();
    let sort = Sort::named(params.sort.as_deref().unwrap_or_default());
    let after = params.after.unwrap_or_default();
    let before = params.before.unwrap_or_default();
    if !after.is_empty() || !before.is_empty() {
        text = with_dates(&text, after.trim(), before.trim());
        return Ok(Redirect::to(&notes_url(&text, sort.as_str(), None)).into_response());
    }
    let here = notes_url(&text, sort.as_str(), None);
    require_reader(&state, &viewer, &here)?;
    let mut presets = vec![("All notes", "/notes".to_owned(), text.trim().is_empty())];
    if let Some(me) = &viewer.analyst {
        let mine = format!("author:{}", me.name);
        presets.push((
            "My notes",
            notes_url(&mine, "newest", None),
            text.trim() == mine,
        ));
        let private = format!("author:{} visibility:private", me.name);
        presets.push((
            "My private notes",
            notes_url(&private, "newest", None),
            text.trim() == private,
        ));
        let mentions = format!("mentions:{}", me.name);
        presets.push((
            "Mentions of me",
            notes_url(&mentions, "newest", None),
            text.trim() == mentions,
        ));
    }
    presets.push((
        "Orphaned",
        notes_url("status:orphan", "newest", None),
        text.trim() == "status:orphan",
    ));
    let mut page = NotesPage {
        layout: Layout::new(&viewer).at(&here),
        query: text.clone(),
        sort: sort.as_str(),
        has_words: false,
        error: None,
        total: 0,
        notes: Vec::new(),
        facets: Vec::new(),
        page: 1,
        pages: 0,
        after: String::new(),
        before: String::new(),
        presets,
        hints: Vec::new(),
    };
    let query = if text.trim().is_empty() {
        Ok(SearchQuery::default())
    } else {
        SearchQuery::parse(&text)
    };
    let query = match query {
        Ok(query) => query,
        Err(e) => {
            page.error = Some(e.0);
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    page.has_words = query.has_words();
    page.after = query.filters.after.clone().unwrap_or_default();
    page.before = query.filters.before.clone().unwrap_or_default();
    let number = match page_number(params.page.as_deref()) {
        Ok(n) => n,
        Err(message) => {
            page.error = Some(message);
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    let filter = NoteFilter::for_viewer(viewer.analyst_id());
    let search = NoteSearch {
        query: query.clone(),
        order: sort.order(),
        ..NoteSearch::default()
    };
    let offset = (number - 1).saturating_mul(PAGE_SIZE);
    let found = state
        .store
        .search_notes(&search, filter, offset, PAGE_SIZE)
        .await?;
    let facets = state
        .store
        .search_facets(&query, filter, &Facet::NOTES)
        .await?;
    let links = FacetLinks {
        path: "/notes",
        text: &text,
        query: &query,
    };
    page.facets = facet_groups(&links, facets, &Facet::NOTES);
    page.hints = hints(&state, &query, found.total == 0).await?;
    page.total = found.total;
    page.pages = (found.total + PAGE_SIZE - 1) / PAGE_SIZE;
    page.page = number;
    page.notes = threaded_rows(&state, found.hits, filter, &query).await?;
    if number > 1 && number > page.pages {
        page.error = Some(format!(
            "There is no page {number}: these filters leave {}.",
            page.summary()
        ));
        return Ok((StatusCode::NOT_FOUND, Html(page.render()?)).into_response());
    }
    Ok(super::cache::cacheable(Html(page.render()?)))
}

#[derive(Template)]
#[template(path = "tags.html")]
struct TagsPage {
    layout: Layout,
    tags: Vec<(TagCount, String)>,
    own: Vec<String>,
    message: Option<String>,
    error: Option<String>,
    from: String,
    to: String,
}

async fn tags_view(
    state: &AppState,
    viewer: &Viewer,
    message: Option<String>,
    error: Option<String>,
    form: Option<&RenameForm>,
) -> Result<TagsPage, AppError> {
    let tags = state
        .store
        .list_tags(
            NoteFilter::for_viewer(viewer.analyst_id()),
            viewer.analyst_id(),
        )
        .await?;
    let own = tags
        .iter()
        .filter(|t| t.mine > 0)
        .map(|t| t.tag.clone())
        .collect();
    Ok(TagsPage {
        layout: Layout::new(viewer).at("/tags"),
        tags: tags
            .into_iter()
            .map(|t| {
                let url = tag_url(&t.tag);
                (t, url)
            })
            .collect(),
        own,
        message,
        error,
        from: form.map(|f| f.from.clone()).unwrap_or_default(),
        to: form.map(|f| f.to.clone()).unwrap_or_default(),
    })
}

/// `GET /tags`: every tag on the notes the viewer may see, most used first.
pub async fn tags_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    require_reader(&state, &viewer, "/tags")?;
    let page = tags_view(&state, &viewer, None, None, None).await?;
    Ok(super::cache::cacheable(Html(page.render()?)))
}

/// A rename, from the `/tags` form or as JSON.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RenameForm {
    /// The tag to rename.
    from: String,
    /// Its new name; an existing tag merges the two.
    to: String,
    /// `mine` (default): the analyst's own notes; `everyone`: every note with the tag, refused
    /// unless all of them are the analyst's.
    #[serde(default)]
    scope: Option<String>,
}

/// What a rename did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RenamedJson {
    from: String,
    to: String,
    /// Notes changed.
    notes: u64,
}

/// Checks a rename and runs it; the message says what happened or what to fix.
async fn rename(
    state: &AppState,
    viewer: &Viewer,
    method: &Method,
    headers: &HeaderMap,
    form: &RenameForm,
) -> Result<(u64, String), AppError> {
    let analyst = viewer.require()?;
    check_same_origin(viewer, method, headers, state.iris.base())?;
    state
        .limits
        .writes
        .take(&format!("analyst:{}", analyst.id))
        .map_err(|wait| AppError::rate_limited(wait, "note changes"))?;
    let bad = |message: String| AppError::client(StatusCode::BAD_REQUEST, "bad_tag", message);
    let from = form.from.trim();
    let to = form.to.trim();
    if from.is_empty() || to.is_empty() {
        return Err(bad("Give the tag to rename and its new name.".into()));
    }
    let to = crate::domain::annotation::check_tag(to, "to").map_err(|e| bad(e.to_string()))?;
    let to = to.as_str();
    if to.contains(',') {
        return Err(bad(
            "A tag cannot contain a comma: the note editor separates tags with commas.".into(),
        ));
    }
    if from == to {
        return Err(bad(format!("{from:?} already has that name.")));
    }
    let scope = match form.scope.as_deref() {
        None | Some("") | Some("mine") => RenameScope::Mine,
        Some("everyone") => RenameScope::Everyone,
        Some(other) => {
            return Err(bad(format!(
                "scope {other:?} is not known; use mine or everyone."
            )));
        }
    };
    match state.store.rename_tag(analyst.id, from, to, scope).await? {
        Renamed::Done { notes } => Ok((
            notes,
            format!(
                "Renamed {from:?} to {to:?} on {} of yours.",
                counted(notes, "note")
            ),
        )),
        Renamed::NoSuchTag => Err(AppError::client(
            StatusCode::NOT_FOUND,
            "no_such_tag",
            format!("None of your notes is tagged {from:?}."),
        )),
        Renamed::OthersUseIt { notes, authors } => Err(AppError::client(
            StatusCode::CONFLICT,
            "tag_shared",
            format!(
                "{} by {} also {} {from:?}, and only their authors may change them. Rename it in your own notes only, or ask them to rename theirs.",
                counted(u64::try_from(notes).unwrap_or(0), "shared note"),
                counted(u64::try_from(authors).unwrap_or(0), "other analyst"),
                if notes == 1 { "carries" } else { "carry" },
            ),
        )),
    }
}

/// `POST /tags`: the rename form.
pub async fn rename_tag_form(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    method: Method,
    headers: HeaderMap,
    Form(form): Form<RenameForm>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    if viewer.analyst.is_none() {
        return Err(HtmlError::SignIn("/tags".into()));
    }
    match rename(&state, &viewer, &method, &headers, &form).await {
        Ok((_, message)) => {
            let page = tags_view(&state, &viewer, Some(message), None, None).await?;
            Ok(super::cache::cacheable(Html(page.render()?)))
        }
        Err(AppError::Client {
            status, message, ..
        }) => {
            let page = tags_view(&state, &viewer, None, Some(message), Some(&form)).await?;
            Ok((status, Html(page.render()?)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /api/tags/rename`: renames or merges a tag across the analyst's own notes.
#[utoipa::path(post, path = "/api/tags/rename", tag = "annotations", request_body = RenameForm,
    responses((status = 200, description = "Renamed", body = RenamedJson),
              (status = 400, description = "Missing or invalid name", body = super::openapi::ErrorEnvelope),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "None of the analyst's notes has the tag", body = super::openapi::ErrorEnvelope),
              (status = 409, description = "A team-wide rename of a tag other analysts use", body = super::openapi::ErrorEnvelope)))]
pub async fn api_rename_tag(
    State(state): State<AppState>,
    viewer: Viewer,
    method: Method,
    headers: HeaderMap,
    body: Result<Json<RenameForm>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<RenamedJson>, AppError> {
    let Json(form) = body.map_err(|e| {
        AppError::client(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!(
                "Send JSON {{\"from\": …, \"to\": …, \"scope\": \"mine\"}}: {}",
                e.body_text()
            ),
        )
    })?;
    let (notes, _) = rename(&state, &viewer, &method, &headers, &form).await?;
    Ok(Json(RenamedJson {
        from: form.from.trim().to_owned(),
        to: form.to.trim().to_owned(),
        notes,
    }))
}
