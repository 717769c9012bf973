//! Voices over HTTP: `GET /api/documents/{slug}/voices`, a document's voices with the
//! sentences each speaks in.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::AppState;
use super::auth::Viewer;
use super::extract::DocumentSlug;
use crate::error::AppError;
use crate::store::voices::{StoredClaim, StoredSpan};

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
    /// The rule that found it.
    rule: String,
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
) -> Result<Json<VoicesJson>, AppError> {
    state.check_reader(&viewer)?;
    let claims = state
        .store
        .document_claims(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    Ok(Json(VoicesJson {
        voices: group_by_voice(&claims),
    }))
}
