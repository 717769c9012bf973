//! Actors across the corpus: `/actors`, every actor of the gazetteer with how often it is
//! named; `/actors/{id}`, its dossier — the forms the corpus names it by, the actors named
//! beside it, the notes on it and every paragraph that names it; `/api/actors/{id}` as JSON.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::Viewer;
use super::pages::{HtmlError, Layout, require_reader, url_encode};
use super::search::page_number;
use crate::domain::actors::ActorKind;
use crate::domain::search::{SearchQuery, SnippetPart, snippet};
use crate::domain::wording::counted;
use crate::error::AppError;
use crate::store::actors::{ActorRecord, CoMention, Form, MentionPage, MentionedIn};
use crate::store::annotations::NoteFilter;
use crate::store::search::{NoteOrder, NoteSearch};
use crate::store::voices::VoiceSummary;

/// Sentences per page of a dossier.
const PAGE_SIZE: i64 = 25;
/// Actors listed as named beside another.
const CO_MENTIONED: i64 = 12;
/// Notes shown on a dossier (the rest are one link away).
const NOTES_SHOWN: i64 = 10;
/// Characters of context around a mention in a sentence too long to show whole.
const CONTEXT_CHARS: usize = 240;
/// The longest sentence shown whole; longer ones (a paragraph the splitter could not cut) are
/// shown around their mentions.
const WHOLE_SENTENCE_CHARS: usize = 600;

/// The order of `/actors`.
#[derive(Debug, Deserialize)]
pub struct ActorsParams {
    sort: Option<String>,
}

#[derive(Template)]
#[template(path = "actors.html")]
struct ActorsPage {
    layout: Layout,
    sort: &'static str,
    groups: Vec<(&'static str, Vec<ActorRecord>)>,
    matrix: crate::domain::matrix::Matrix,
    signed_in: bool,
}

const KINDS: [(ActorKind, &str); 5] = [
    (ActorKind::State, "States"),
    (ActorKind::Bloc, "Blocs"),
    (ActorKind::Organisation, "Organisations"),
    (ActorKind::Group, "Groups"),
    (ActorKind::Person, "People"),
];

/// `GET /actors[?sort=mentions|documents|name]`: the gazetteer, grouped by kind.
pub async fn actors_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Query(params): Query<ActorsParams>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    require_reader(&state, &viewer, "/actors")?;
    let sort = match params.sort.as_deref() {
        Some("name") => "name",
        Some("documents") => "documents",
        _ => "mentions",
    };
    let mut actors = state.store.list_actors().await?;
    let matrix = corpus_matrix(&actors, &state.store.corpus_pairs().await?);
    match sort {
        "name" => actors.sort_by(|a, b| {
            a.actor
                .name
                .to_lowercase()
                .cmp(&b.actor.name.to_lowercase())
        }),
        "documents" => actors.sort_by(|a, b| {
            b.documents
                .cmp(&a.documents)
                .then(b.mentions.cmp(&a.mentions))
        }),
        _ => {}
    }
    let groups = KINDS
        .iter()
        .map(|(kind, title)| {
            (
                *title,
                actors
                    .iter()
                    .filter(|a| a.actor.kind == *kind)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();
    let page = ActorsPage {
        layout: Layout::new(&viewer).at("/actors"),
        sort,
        groups,
        matrix,
        signed_in: viewer.analyst_id().is_some(),
    };
    Ok(super::cache::cacheable(Html(page.render()?)))
}

/// The corpus's co-occurrence matrix among `actors` (most named first).
fn corpus_matrix(
    actors: &[ActorRecord],
    pairs: &[crate::domain::cooccurrence::Pair],
) -> crate::domain::matrix::Matrix {
    use crate::domain::matrix::{MatrixActor, matrix};
    let shown: Vec<MatrixActor> = actors
        .iter()
        .map(|a| MatrixActor {
            id: a.actor.id.clone(),
            name: a.actor.name.clone(),
            tone: a.actor.tone,
        })
        .collect();
    matrix(&shown, pairs)
}

/// A paragraph naming the actor, as the dossier shows it.
struct Passage {
    paragraph: i64,
    url: String,
    context: Vec<SnippetPart>,
}

/// A document's paragraphs naming the actor.
struct DocumentPassages {
    slug: String,
    title: String,
    passages: Vec<Passage>,
}

/// A note naming the actor.
struct NoteLine {
    url: String,
    creator: String,
    title: String,
    quote: String,
    private: bool,
}

#[derive(Template)]
#[template(path = "actor.html")]
struct ActorPage {
    layout: Layout,
    record: ActorRecord,
    affiliation: Option<(String, String)>,
    affiliated: Vec<ActorRecord>,
    forms: Vec<Form>,
    co_mentioned: Vec<CoMention>,
    notes_total: i64,
    notes: Vec<NoteLine>,
    documents: Vec<DocumentPassages>,
    passages_total: i64,
    page: i64,
    pages: i64,
    timeline: crate::domain::timeline::Timeline,
    /// The voices that belong to the actor: what its officials say, what its analysts say.
    voices: Vec<VoiceSummary>,
}

impl ActorPage {
    fn page_url(&self, page: i64) -> String {
        format!("/actors/{}?page={page}", url_encode(&self.record.actor.id))
    }

    fn pair_url(&self, other: &str) -> String {
        let q = format!("actor:{} actor:{other}", self.record.actor.id);
        format!("/search?q={}", url_encode(&q))
    }

    fn search_url(&self) -> String {
        format!(
            "/search?q={}",
            url_encode(&format!("actor:{}", self.record.actor.id))
        )
    }

    fn notes_url(&self) -> String {
        format!(
            "/notes?q={}",
            url_encode(&format!("actor:{}", self.record.actor.id))
        )
    }

    fn count(n: i64, noun: &str) -> String {
        counted(u64::try_from(n).unwrap_or(0), noun)
    }
}

/// The actor with this id (ids compare without case), and the whole list.
async fn find_actor(
    state: &AppState,
    id: &str,
) -> Result<(ActorRecord, Vec<ActorRecord>), AppError> {
    let all = state.store.list_actors().await?;
    let found = all
        .iter()
        .find(|a| a.actor.id.eq_ignore_ascii_case(id))
        .cloned()
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "No actor has the id {id:?}. Every actor is listed at /actors."
            ))
        })?;
    Ok((found, all))
}

/// The whole sentence naming the actor, its mentions marked; a sentence over
/// [`WHOLE_SENTENCE_CHARS`] is cut around them.
pub(super) fn context(found: &MentionedIn) -> Vec<SnippetPart> {
    let bytes = crate::domain::text::cp_byte_index(&found.text);
    let byte = |cp: usize| bytes.get(cp).copied();
    let (Some(start), Some(end)) = (byte(found.sentence.start), byte(found.sentence.end)) else {
        return snippet(&found.text, &[], CONTEXT_CHARS);
    };
    let sentence = &found.text[start..end];
    let ranges: Vec<std::ops::Range<usize>> = found
        .mentions
        .iter()
        .filter_map(|r| Some(byte(r.start)? - start..byte(r.end)? - start))
        .collect();
    let window = if crate::domain::text::cp_len(sentence) <= WHOLE_SENTENCE_CHARS {
        WHOLE_SENTENCE_CHARS
    } else {
        CONTEXT_CHARS
    };
    snippet(sentence, &ranges, window)
}

fn group_passages(page: MentionPage) -> Vec<DocumentPassages> {
    let mut documents: Vec<DocumentPassages> = Vec::new();
    for p in page.sentences {
        let passage = Passage {
            paragraph: p.paragraph,
            url: format!("/documents/{}#p{}", p.slug, p.paragraph),
            context: context(&p),
        };
        match documents.last_mut() {
            Some(last) if last.slug == p.slug => last.passages.push(passage),
            _ => documents.push(DocumentPassages {
                slug: p.slug,
                title: p.title,
                passages: vec![passage],
            }),
        }
    }
    documents
}

/// `?page=N` of a dossier.
#[derive(Debug, Deserialize)]
pub struct DossierParams {
    page: Option<String>,
}

/// `GET /actors/{id}`: the actor's dossier.
pub async fn actor_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Path(id): Path<String>,
    Query(params): Query<DossierParams>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    require_reader(&state, &viewer, &format!("/actors/{}", url_encode(&id)))?;
    let (record, all) = find_actor(&state, &id).await?;
    if record.actor.id != id {
        return Ok(
            Redirect::permanent(&format!("/actors/{}", url_encode(&record.actor.id)))
                .into_response(),
        );
    }
    let number = page_number(params.page.as_deref())
        .map_err(|message| AppError::client(StatusCode::BAD_REQUEST, "bad_page", message))?;
    let mentions = state
        .store
        .actor_mentions(&record.actor.id, (number - 1) * PAGE_SIZE, PAGE_SIZE)
        .await?;
    let pages = (mentions.total + PAGE_SIZE - 1) / PAGE_SIZE;
    if number > 1 && number > pages {
        return Err(AppError::NotFound(format!(
            "There is no page {number}: {} names {} in {}.",
            record.actor.name,
            ActorPage::count(mentions.total, "sentence"),
            ActorPage::count(pages.max(1), "page")
        ))
        .into());
    }
    let mut query = SearchQuery::default();
    query
        .filters
        .add("actor", &record.actor.id)
        .map_err(|e| AppError::client(StatusCode::BAD_REQUEST, "bad_actor", e.0))?;
    let notes = state
        .store
        .search_notes(
            &NoteSearch {
                query,
                order: NoteOrder::Created { newest_first: true },
                ..NoteSearch::default()
            },
            NoteFilter::for_viewer(viewer.analyst_id()),
            0,
            NOTES_SHOWN,
        )
        .await?;
    let affiliation = record.actor.affiliation.as_ref().map(|aff| {
        let name = all
            .iter()
            .find(|a| &a.actor.id == aff)
            .map_or_else(|| aff.clone(), |a| a.actor.name.clone());
        (aff.clone(), name)
    });
    let affiliated = all
        .iter()
        .filter(|a| a.actor.affiliation.as_deref() == Some(record.actor.id.as_str()))
        .cloned()
        .collect();
    let page = ActorPage {
        voices: state.store.voices(Some(&record.actor.id)).await?,
        layout: Layout::new(&viewer).at(&format!("/actors/{}", url_encode(&record.actor.id))),
        forms: state.store.actor_forms(&record.actor.id).await?,
        co_mentioned: state
            .store
            .co_mentioned(&record.actor.id, CO_MENTIONED)
            .await?,
        timeline: crate::domain::timeline::timeline(
            &state.store.actor_timeline(&record.actor.id).await?,
        ),
        notes_total: notes.total,
        notes: notes
            .hits
            .into_iter()
            .map(|hit| NoteLine {
                url: format!("/documents/{}#note-{}", hit.note.document_slug, hit.note.id),
                private: hit.note.visibility == crate::domain::annotation::Visibility::Private,
                quote: hit.note.quote().to_owned(),
                creator: hit.note.creator,
                title: hit.title,
            })
            .collect(),
        passages_total: mentions.total,
        documents: group_passages(mentions),
        page: number,
        pages,
        affiliation,
        affiliated,
        record,
    };
    Ok(super::cache::cacheable(Html(page.render()?)))
}

/// A form and its count.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FormJson {
    text: String,
    count: i64,
}

/// An actor named in the same sentences or paragraphs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CoMentionJson {
    id: String,
    name: String,
    /// Sentences naming both.
    sentences: i64,
    /// Paragraphs naming both.
    paragraphs: i64,
}

/// A mention: where, in code points of the paragraph's text, and the sentence it stands in.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MentionJson {
    document: String,
    paragraph: i64,
    start: usize,
    end: usize,
    /// The sentence, in code points of the paragraph's text.
    sentence: SpanJson,
}

/// A range of code points.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpanJson {
    start: usize,
    end: usize,
}

/// `GET /api/actors/{id}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierJson {
    id: String,
    name: String,
    kind: String,
    affiliation: Option<String>,
    role: Option<String>,
    wikidata: Option<String>,
    /// The gazetteer's names for it.
    aliases: Vec<String>,
    /// Mentions across the corpus.
    mentions_total: i64,
    /// Documents that name it.
    documents: i64,
    /// The forms the corpus names it by, most used first.
    forms: Vec<FormJson>,
    /// The actors named in the same sentences, most often first.
    co_mentioned: Vec<CoMentionJson>,
    /// The voices that belong to it, most sentences first.
    voices: Vec<ActorVoiceJson>,
    /// Sentences naming it, in all.
    sentences_total: i64,
    offset: i64,
    limit: i64,
    /// The mentions in this page of sentences.
    mentions: Vec<MentionJson>,
}

/// A voice that belongs to an actor.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActorVoiceJson {
    id: String,
    label: String,
    official: bool,
    /// Sentences giving its view.
    claims: i64,
    /// Documents it speaks in.
    documents: i64,
}

/// `?limit=&offset=` of the dossier's sentences.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DossierApiParams {
    /// Sentences to return, 1–200 (default 25).
    limit: Option<i64>,
    /// Sentences to skip.
    offset: Option<i64>,
}

/// `GET /api/actors/{id}`: an actor's dossier as JSON.
#[utoipa::path(get, path = "/api/actors/{id}", tag = "documents",
    params(("id" = String, Path, description = "Actor id, any case"), DossierApiParams),
    responses((status = 200, description = "The dossier", body = DossierJson),
              (status = 400, description = "Bad limit or offset", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such actor", body = super::openapi::ErrorEnvelope)))]
pub async fn api_actor(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    params: Result<Query<DossierApiParams>, axum::extract::rejection::QueryRejection>,
) -> Result<super::cache::Cached<Json<DossierJson>>, AppError> {
    state.check_reader(&viewer)?;
    let bad = |message: &str| AppError::client(StatusCode::BAD_REQUEST, "bad_query", message);
    let Query(params) =
        params.map_err(|_| bad("limit and offset are whole numbers, each given once."))?;
    let (limit, offset) = super::extract::page_window(params.limit, params.offset, PAGE_SIZE, 200)?;
    let (record, _) = find_actor(&state, &id).await?;
    let id = record.actor.id.clone();
    let page = state.store.actor_mentions(&id, offset, limit).await?;
    Ok(super::cache::Cached(Json(DossierJson {
        voices: state
            .store
            .voices(Some(&id))
            .await?
            .into_iter()
            .map(|v| ActorVoiceJson {
                id: v.id,
                label: v.label,
                official: v.official,
                claims: v.claims,
                documents: v.documents,
            })
            .collect(),
        forms: state
            .store
            .actor_forms(&id)
            .await?
            .into_iter()
            .map(|f| FormJson {
                text: f.text,
                count: f.count,
            })
            .collect(),
        co_mentioned: state
            .store
            .co_mentioned(&id, CO_MENTIONED)
            .await?
            .into_iter()
            .map(|c| CoMentionJson {
                id: c.id,
                name: c.name,
                sentences: c.sentences,
                paragraphs: c.paragraphs,
            })
            .collect(),
        sentences_total: page.total,
        mentions: page
            .sentences
            .iter()
            .flat_map(|p| {
                p.mentions.iter().map(|m| MentionJson {
                    document: p.slug.clone(),
                    paragraph: p.paragraph,
                    start: m.start,
                    end: m.end,
                    sentence: SpanJson {
                        start: p.sentence.start,
                        end: p.sentence.end,
                    },
                })
            })
            .collect(),
        offset,
        limit,
        id,
        name: record.actor.name,
        kind: record.actor.kind.as_str().to_owned(),
        affiliation: record.actor.affiliation,
        role: record.actor.role,
        wikidata: record.actor.wikidata,
        aliases: record.actor.aliases.into_iter().map(|a| a.text).collect(),
        mentions_total: record.mentions,
        documents: record.documents,
    })))
}
