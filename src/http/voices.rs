//! Voices over HTTP: `GET /api/documents/{slug}/voices`, a document's voices with the
//! sentences each speaks in; `/voices`, every voice of the corpus; `/voices/{id}`, what one
//! voice says across the corpus.

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth::Viewer;
use super::extract::DocumentSlug;
use super::pages::{HtmlError, Layout, require_reader, url_encode};
use super::search::page_number;
use crate::domain::wording::counted;
use crate::error::AppError;
use crate::store::voices::{StoredClaim, StoredSpan, VoiceSummary};

/// Words of a paragraph, in code points.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpanJson {
    start: i64,
    end: i64,
    text: String,
}

/// A sentence that gives the voice's view.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClaimJson {
    /// Paragraph number, from 1 (`#p{n}` in the reader).
    paragraph: i64,
    /// The sentence's first code point in the paragraph's text.
    start: i64,
    /// One past its last.
    end: i64,
    /// The reporting words, when the sentence has them.
    cue: Option<SpanJson>,
    /// The words naming who speaks, when the sentence has them.
    source: Option<SpanJson>,
    /// explicit, pronoun, agentless or implicit.
    attribution: String,
    /// How sure the rule is, 0–1.
    confidence: f64,
    /// The rule that found it; `analyst` where an analyst gave the voice.
    rule: String,
    /// The analyst's correction that confirms or gives this voice.
    correction: Option<ClaimCorrectionJson>,
}

/// Who corrected a claim, and how.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClaimCorrectionJson {
    /// The correction's id (…/voices/corrections/{id}).
    id: String,
    /// The analyst who made it.
    by: String,
    /// confirmed, reassigned or added.
    outcome: String,
    /// The voice the rules gave the sentence.
    #[serde(rename = "ruleVoice")]
    rule_voice: Option<String>,
}

/// Someone whose view the document reports.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VoiceJson {
    id: String,
    label: String,
    /// The actor it belongs to, if the text says.
    actor: Option<String>,
    /// Governments, ministries, leaders, officials: true; analysts, commentators, media: false.
    official: bool,
    claims: Vec<ClaimJson>,
}

/// `GET /api/documents/{slug}/voices`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VoicesJson {
    voices: Vec<VoiceJson>,
    /// Analysts' corrections, newest first, as W3C Web Annotations (motivation
    /// `classifying`), the ones that remove a claim or no longer apply included.
    #[schema(value_type = Vec<Object>)]
    corrections: serde_json::Value,
}

fn span(s: &StoredSpan) -> SpanJson {
    SpanJson {
        start: s.start,
        end: s.end,
        text: s.text.clone(),
    }
}

/// Claims grouped by voice, voices in order of their first claim.
pub fn group_by_voice(claims: &[StoredClaim]) -> Vec<VoiceJson> {
    let mut voices: Vec<VoiceJson> = Vec::new();
    for claim in claims {
        let at = match voices.iter().position(|v| v.id == claim.voice_id) {
            Some(at) => at,
            None => {
                voices.push(VoiceJson {
                    id: claim.voice_id.clone(),
                    label: claim.voice_label.clone(),
                    actor: claim.voice_actor.clone(),
                    official: claim.official,
                    claims: Vec::new(),
                });
                voices.len() - 1
            }
        };
        voices[at].claims.push(ClaimJson {
            paragraph: claim.paragraph,
            start: claim.start,
            end: claim.end,
            cue: claim.cue.as_ref().map(span),
            source: claim.source.as_ref().map(span),
            attribution: claim.attribution.clone(),
            confidence: claim.confidence as f64 / 100.0,
            rule: claim.rule.clone(),
            correction: claim.correction.as_ref().map(|c| ClaimCorrectionJson {
                id: c.id.clone(),
                by: c.by.clone(),
                outcome: c.outcome.clone(),
                rule_voice: c.rule_voice.clone(),
            }),
        });
    }
    voices
}

/// `GET /api/documents/{slug}/voices`: whose view each sentence gives.
#[utoipa::path(get, path = "/api/documents/{slug}/voices", tag = "documents",
    params(("slug" = String, Path, description = "Document slug")),
    responses((status = 200, description = "The document's voices and their claims", body = VoicesJson),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope)))]
pub async fn api_document_voices(
    State(state): State<AppState>,
    DocumentSlug(slug): DocumentSlug,
    viewer: Viewer,
) -> Result<super::cache::Cached<Json<VoicesJson>>, AppError> {
    state.check_reader(&viewer)?;
    let claims = state
        .store
        .document_claims(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let document = state
        .store
        .document_text(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let corrections = state.store.document_corrections(document.id).await?;
    let corrections = serde_json::to_value(
        super::corrections::corrections_ld(&corrections, &state.iris).corrections,
    )
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(super::cache::Cached(Json(VoicesJson {
        voices: group_by_voice(&claims),
        corrections,
    })))
}

/// Claims shown on a voice's page.
const PAGE_SIZE: i64 = 25;

/// A piece of a sentence on a voice's page: plain, the words naming who speaks, or the
/// reporting words.
pub(super) struct SentencePart {
    text: String,
    /// `voice-source`, `voice-cue` or none.
    class: Option<&'static str>,
}

/// A sentence on a voice's page, its source and cue marked.
struct SentenceLine {
    url: String,
    paragraph: i64,
    parts: Vec<SentencePart>,
    attribution: String,
    /// Whether the voice is carried from another sentence rather than named.
    carried: bool,
    /// What an analyst did to the attribution, if anything.
    corrected: Option<String>,
}

/// A document's sentences on a voice's page.
struct DocumentLines {
    slug: String,
    title: String,
    sentences: Vec<SentenceLine>,
}

#[derive(Template)]
#[template(path = "voice.html")]
struct VoicePageView {
    layout: Layout,
    voice: VoiceSummary,
    actor_name: Option<String>,
    documents: Vec<DocumentLines>,
    page: i64,
    pages: i64,
}

impl VoicePageView {
    fn page_url(&self, page: i64) -> String {
        format!("/voices/{}?page={page}", url_encode(&self.voice.id))
    }

    fn count(n: i64, noun: &str) -> String {
        counted(u64::try_from(n).unwrap_or(0), noun)
    }
}

#[derive(Template)]
#[template(path = "voices_index.html")]
struct VoicesIndexView {
    layout: Layout,
    official: Vec<ListedVoice>,
    unofficial: Vec<ListedVoice>,
}

/// A voice with its actor's name, as the index lists it.
type ListedVoice = (VoiceSummary, Option<String>);

impl VoicesIndexView {
    /// The voices under their headings; a heading without voices is left out.
    fn groups(&self) -> Vec<(&'static str, &[ListedVoice])> {
        [
            ("Official", self.official.as_slice()),
            ("Unofficial", self.unofficial.as_slice()),
        ]
        .into_iter()
        .filter(|(_, voices)| !voices.is_empty())
        .collect()
    }
}

/// The sentence of `claim`, with its source and cue marked.
pub(super) fn sentence_parts(claim: &StoredClaim) -> Vec<SentencePart> {
    let chars: Vec<char> = claim.sentence.chars().collect();
    // The claim's offsets count from its paragraph's start, the sentence's words from its own.
    let clamp = |at: i64| {
        usize::try_from(at - claim.start)
            .unwrap_or(0)
            .min(chars.len())
    };
    let (start, end) = (0, chars.len());
    let mut marks: Vec<(usize, usize, &'static str)> =
        [(&claim.source, "voice-source"), (&claim.cue, "voice-cue")]
            .into_iter()
            .filter_map(|(span, class)| {
                let span = span.as_ref()?;
                Some((
                    clamp(span.start).max(start),
                    clamp(span.end).min(end),
                    class,
                ))
            })
            .filter(|(a, b, _)| a < b)
            .collect();
    marks.sort_unstable();
    let piece = |from: usize, to: usize, class: Option<&'static str>| SentencePart {
        text: chars[from..to].iter().collect(),
        class,
    };
    let mut parts = Vec::new();
    let mut at = start;
    for (a, b, class) in marks {
        if a < at {
            continue;
        }
        if at < a {
            parts.push(piece(at, a, None));
        }
        parts.push(piece(a, b, Some(class)));
        at = b;
    }
    if at < end {
        parts.push(piece(at, end, None));
    }
    parts
}

/// `?page=N`.
#[derive(Debug, Deserialize)]
pub struct VoiceParams {
    page: Option<String>,
}

/// `GET /voices`: every voice of the corpus, official and unofficial apart.
pub async fn voices_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    require_reader(&state, &viewer, "/voices")?;
    let actors = state.store.list_actors().await?;
    let name = |id: &Option<String>| {
        id.as_ref().map(|id| {
            actors
                .iter()
                .find(|a| &a.actor.id == id)
                .map_or_else(|| id.clone(), |a| a.actor.name.clone())
        })
    };
    let (official, unofficial): (Vec<_>, Vec<_>) = state
        .store
        .voices(None)
        .await?
        .into_iter()
        .map(|v| {
            let actor = name(&v.actor);
            (v, actor)
        })
        .partition(|(v, _)| v.official);
    let page = VoicesIndexView {
        layout: Layout::new(&viewer).at("/voices"),
        official,
        unofficial,
    };
    Ok(super::cache::cacheable(Html(page.render()?)))
}

/// `GET /voices/{id}`: what one voice says across the corpus, by document.
pub async fn voice_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Path(id): Path<String>,
    Query(params): Query<VoiceParams>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    require_reader(&state, &viewer, &format!("/voices/{}", url_encode(&id)))?;
    // Voice ids are lower case; the address settles on that spelling, as an actor's does.
    let lower = id.to_lowercase();
    if lower != id {
        return Ok(Redirect::permanent(&format!("/voices/{}", url_encode(&lower))).into_response());
    }
    let number = page_number(params.page.as_deref())
        .map_err(|message| AppError::client(StatusCode::BAD_REQUEST, "bad_page", message))?;
    let found = state
        .store
        .voice_page(&id, (number - 1) * PAGE_SIZE, PAGE_SIZE)
        .await?
        .ok_or_else(|| {
            let shown: String = id.chars().take(60).collect();
            AppError::NotFound(format!(
                "No sentence gives the view of a voice “{shown}”. Every voice is listed at /voices."
            ))
        })?;
    let pages = (found.voice.claims + PAGE_SIZE - 1) / PAGE_SIZE;
    if number > pages.max(1) {
        return Err(AppError::NotFound(format!(
            "There is no page {number}: the voice has {}.",
            VoicePageView::count(pages.max(1), "page")
        ))
        .into());
    }
    let actor_name = match &found.voice.actor {
        Some(id) => state
            .store
            .list_actors()
            .await?
            .into_iter()
            .find(|a| &a.actor.id == id)
            .map(|a| a.actor.name),
        None => None,
    };
    let mut documents: Vec<DocumentLines> = Vec::new();
    for claim in &found.claims {
        let line = SentenceLine {
            url: format!("/documents/{}#p{}", claim.slug, claim.paragraph),
            paragraph: claim.paragraph,
            parts: sentence_parts(claim),
            attribution: claim.attribution.clone(),
            carried: crate::domain::voices::Attribution::parse(&claim.attribution)
                .is_some_and(|a| a.is_carried()),
            corrected: claim.correction.as_ref().map(|c| c.domain().describe()),
        };
        match documents.last_mut().filter(|d| d.slug == claim.slug) {
            Some(doc) => doc.sentences.push(line),
            None => documents.push(DocumentLines {
                slug: claim.slug.clone(),
                title: claim.title.clone(),
                sentences: vec![line],
            }),
        }
    }
    let page = VoicePageView {
        layout: Layout::new(&viewer).at(&format!("/voices/{}", url_encode(&found.voice.id))),
        voice: found.voice,
        actor_name,
        documents,
        page: number,
        pages,
    };
    Ok(super::cache::cacheable(Html(page.render()?)))
}

/// A voice of the corpus with how much it says.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CorpusVoiceJson {
    id: String,
    label: String,
    /// The actor it belongs to, if any.
    actor: Option<String>,
    official: bool,
    /// Sentences giving its view.
    claims: i64,
    /// Documents it speaks in.
    documents: i64,
}

/// `GET /api/voices`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CorpusVoicesJson {
    /// Most claims first.
    voices: Vec<CorpusVoiceJson>,
}

/// `GET /api/voices`: every voice of the corpus, most claims first, analysts' corrections
/// counted in.
#[utoipa::path(get, path = "/api/voices", tag = "voices",
    responses((status = 200, description = "Every voice of the corpus", body = CorpusVoicesJson)))]
pub async fn api_voices(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<super::cache::Cached<Json<CorpusVoicesJson>>, AppError> {
    state.check_reader(&viewer)?;
    let voices = state.store.voices(None).await?;
    Ok(super::cache::Cached(Json(CorpusVoicesJson {
        voices: voices
            .into_iter()
            .map(|v| CorpusVoiceJson {
                id: v.id,
                label: v.label,
                actor: v.actor,
                official: v.official,
                claims: v.claims,
                documents: v.documents,
            })
            .collect(),
    })))
}
