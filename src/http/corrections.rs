//! Analysts' corrections of attributions over HTTP:
//! `POST /api/documents/{slug}/voices/corrections` gives the sentence holding the target a
//! voice (or none), `GET …/corrections` lists them, `GET` and `DELETE …/corrections/{id}`
//! read one and take it back. Each is a W3C Web Annotation with motivation `classifying`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use super::annotations::{ld_response, parse_json, read_body};
use super::auth::Viewer;
use super::extract::{DocumentSlug, NoteWriter};
use crate::domain::anchor::{DocumentText, anchor_at, resolve};
use crate::domain::annotation::classifying::{
    CorrectionLd, CorrectionParts, VoiceChoice, correction_jsonld, parse_correction,
};
use crate::domain::annotation::{Iris, NoteId};
use crate::domain::document::BlockKind;
use crate::domain::slug::Slug;
use crate::domain::voices::Voice;
use crate::domain::voices::corrections::{Verdict, sentence_for, typed_voice};
use crate::error::AppError;
use crate::store::voices::StoredCorrection;

/// A correction as JSON-LD.
pub fn correction_ld<'a>(c: &'a StoredCorrection, iris: &Iris) -> CorrectionLd<'a> {
    correction_jsonld(
        CorrectionParts {
            id: &c.id,
            slug: &c.slug,
            creator: &c.creator,
            voice: c.voice.as_ref(),
            anchor: &c.anchor,
            anchor_status: c.status.as_str(),
            original_quote: &c.original_exact,
            paragraph: c.paragraph,
            outcome: &c.outcome,
            rule_voice: c.rule_voice.as_deref(),
            created: &c.created,
            modified: &c.modified,
        },
        iris,
    )
}

/// `GET /api/documents/{slug}/voices/corrections`.
#[derive(Debug, Serialize)]
pub struct CorrectionsJson<'a> {
    /// Newest first.
    pub corrections: Vec<CorrectionLd<'a>>,
}

/// The corrections of a document as JSON-LD, newest first.
pub fn corrections_ld<'a>(corrections: &'a [StoredCorrection], iris: &Iris) -> CorrectionsJson<'a> {
    CorrectionsJson {
        corrections: corrections.iter().map(|c| correction_ld(c, iris)).collect(),
    }
}

fn not_found() -> AppError {
    AppError::NotFound(
        "No correction with that id on this document. Its corrections are listed at …/voices/corrections."
            .into(),
    )
}

async fn document_id(state: &AppState, slug: &Slug, viewer: &Viewer) -> Result<i64, AppError> {
    state.check_reader(viewer)?;
    Ok(state
        .store
        .document_text(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?
        .id)
}

/// `POST /api/documents/{slug}/voices/corrections`: 201 with `Location`.
#[utoipa::path(post, path = "/api/documents/{slug}/voices/corrections", tag = "voices",
    params(("slug" = String, Path, description = "Document slug")),
    request_body(content = Object, content_type = "application/json", description = "target: a SpecificResource on this document with a TextQuoteSelector and/or TextPositionSelector on words of the sentence; voice: {\"id\": \"chn-analysts\"} for a voice the corpus has, {\"label\": \"KCNA\", \"official\": true, \"actor\": \"prk\"} for a new one (actor optional), or null when the sentence reports no one. A new correction of a sentence replaces the one before."),
    responses((status = 201, description = "The correction as a W3C Web Annotation (motivation classifying); Location header", body = Object, content_type = "application/ld+json"),
              (status = 400, description = "Malformed JSON", body = super::openapi::ErrorEnvelope),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope),
              (status = 409, description = "The document changed meanwhile", body = super::openapi::ErrorEnvelope),
              (status = 422, description = "A field is wrong, the target is not in the text, or the voice or actor is unknown", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn create_correction(
    State(state): State<AppState>,
    DocumentSlug(slug): DocumentSlug,
    writer: NoteWriter,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    state.check_reader(&writer.viewer)?;
    let doc = state
        .store
        .load_document(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let value = parse_json(&read_body(body)?)?;
    let request = parse_correction(&value, &state.iris.document(slug.as_str()))
        .map_err(|e| AppError::unprocessable(e.code, e.to_string()))?;
    let texts = doc.analysed.parsed.paragraph_texts();
    let text = DocumentText::new(&texts);
    let anchor = resolve(&text, &request.selectors)
        .map_err(|e| AppError::unprocessable("anchor_mismatch", format!("target.selector: {e}")))?;
    let &(paragraph, local_start, _) = text
        .paragraph_ranges(anchor.start, anchor.end)
        .first()
        .ok_or_else(|| {
            AppError::unprocessable(
                "not_a_sentence",
                "target.selector: the selection holds only the space between paragraphs",
            )
        })?;
    let sentence = (doc.analysed.parsed.blocks[paragraph].kind != BlockKind::Code)
        .then(|| sentence_for(&doc.analysed.sentences[paragraph], local_start))
        .flatten()
        .ok_or_else(|| {
            AppError::unprocessable(
                "not_a_sentence",
                "target.selector: the selection is in a code block, which reports no one",
            )
        })?;
    let separator = crate::domain::anchor::PARAGRAPH_SEPARATOR.chars().count();
    let block_start: usize = texts[..paragraph]
        .iter()
        .map(|t| t.chars().count() + separator)
        .sum();
    if anchor.end > block_start + sentence.end {
        let words: String = texts[paragraph]
            .chars()
            .skip(sentence.start)
            .take(sentence.len())
            .collect();
        return Err(AppError::unprocessable(
            "not_a_sentence",
            format!(
                "target.selector: the selection runs past the end of the sentence “{words}”; a correction is about one sentence, so select words of that sentence only"
            ),
        ));
    }
    let sentence = anchor_at(
        &text,
        block_start + sentence.start,
        block_start + sentence.end,
    );
    let verdict = match request.voice {
        VoiceChoice::NoOne => Verdict::NoOne,
        VoiceChoice::Known(id) => Verdict::Says(known_voice(&state, &id).await?.ok_or_else(|| {
            AppError::unprocessable(
                "unknown_voice",
                format!("voice.id: no voice has the id {id:?}; the corpus's voices are listed at /voices, or give a label to make a new one"),
            )
        })?),
        VoiceChoice::Typed {
            label,
            official,
            actor,
        } => Verdict::Says(new_voice(&state, &label, official, actor).await?),
    };
    let id = NoteId::generate()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let stored = state
        .store
        .correct_voice(
            doc.id,
            doc.version,
            writer.analyst.id,
            id.as_str(),
            &sentence,
            &verdict,
        )
        .await?;
    Ok(ld_response(
        StatusCode::CREATED,
        &correction_ld(&stored, &state.iris),
        &[(
            header::LOCATION,
            state.iris.voice_correction(slug.as_str(), &stored.id),
        )],
    ))
}

async fn known_voice(state: &AppState, id: &str) -> Result<Option<Voice>, AppError> {
    Ok(state.store.voice(id).await?.map(|v| Voice {
        id: v.id,
        label: v.label,
        actor: v.actor,
        official: v.official,
    }))
}

/// The voice an analyst typed: one the corpus has by that label or id, or a new one.
async fn new_voice(
    state: &AppState,
    label: &str,
    official: bool,
    actor: Option<String>,
) -> Result<Voice, AppError> {
    let actor = match actor {
        None => None,
        Some(id) => {
            let all = state.store.list_actors().await?;
            let found = all
                .iter()
                .find(|a| a.actor.id.eq_ignore_ascii_case(&id))
                .ok_or_else(|| {
                    AppError::unprocessable(
                        "unknown_actor",
                        format!("voice.actor: no actor has the id {id:?}; every actor is listed at /actors"),
                    )
                })?;
            Some(found.actor.id.clone())
        }
    };
    let typed = typed_voice(label, actor, official)
        .map_err(|e| AppError::unprocessable("invalid_field", format!("`voice.label` {e}")))?;
    if let Some(id) = state.store.voice_labelled(&typed.label).await?
        && let Some(known) = known_voice(state, &id).await?
    {
        // The label names a voice the corpus has: that voice, unless the analyst says
        // something else of it, which would silently be lost.
        let differs = known.official != typed.official
            || typed
                .actor
                .as_ref()
                .is_some_and(|a| known.actor.as_ref() != Some(a));
        if differs {
            return Err(AppError::unprocessable(
                "voice_exists",
                format!(
                    "voice.label: “{}” is a voice the corpus has ({}{}); choose it by its id, \"{}\", or give a new voice another label",
                    known.label,
                    if known.official {
                        "official"
                    } else {
                        "unofficial"
                    },
                    known
                        .actor
                        .as_deref()
                        .map(|a| format!(", {a}"))
                        .unwrap_or_default(),
                    known.id
                ),
            ));
        }
        return Ok(known);
    }
    // An id made from the label may be another voice's ("RUS" → `rus`, Russia): the new
    // voice then takes the first free one after it.
    let mut voice = typed;
    let base = voice.id.clone();
    let mut n = 1;
    while known_voice(state, &voice.id).await?.is_some() {
        n += 1;
        voice.id = format!("{base}-{n}");
    }
    Ok(voice)
}

/// `GET /api/documents/{slug}/voices/corrections`.
#[utoipa::path(get, path = "/api/documents/{slug}/voices/corrections", tag = "voices",
    params(("slug" = String, Path, description = "Document slug")),
    responses((status = 200, description = "{\"corrections\": [W3C Web Annotations with motivation classifying]}, newest first, each with its creator, outcome (confirmed, reassigned, added, removed, agreed, overruled, unplaced) and the voice the rules give", body = Object),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope)))]
pub async fn list_corrections(
    State(state): State<AppState>,
    DocumentSlug(slug): DocumentSlug,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let id = document_id(&state, &slug, &viewer).await?;
    let corrections = state.store.document_corrections(id).await?;
    Ok(super::cache::cacheable(ld_response(
        StatusCode::OK,
        &corrections_ld(&corrections, &state.iris),
        &[],
    )))
}

fn correction_id(raw: &str) -> Result<NoteId, AppError> {
    NoteId::parse(raw).ok_or_else(not_found)
}

/// `GET /api/documents/{slug}/voices/corrections/{id}`.
#[utoipa::path(get, path = "/api/documents/{slug}/voices/corrections/{id}", tag = "voices",
    params(("slug" = String, Path, description = "Document slug"), ("id" = String, Path, description = "Correction id")),
    responses((status = 200, description = "The correction as a W3C Web Annotation", body = Object, content_type = "application/ld+json"),
              (status = 404, description = "No such correction", body = super::openapi::ErrorEnvelope)))]
pub async fn show_correction(
    State(state): State<AppState>,
    Path((raw_slug, raw_id)): Path<(String, String)>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let slug = Slug::parse(&raw_slug).map_err(|_| AppError::document_not_found(&raw_slug))?;
    let document = document_id(&state, &slug, &viewer).await?;
    let id = correction_id(&raw_id)?;
    let found = state
        .store
        .get_correction(document, id.as_str())
        .await?
        .ok_or_else(not_found)?;
    Ok(ld_response(
        StatusCode::OK,
        &correction_ld(&found, &state.iris),
        &[],
    ))
}

/// `DELETE /api/documents/{slug}/voices/corrections/{id}`: the rules speak for the sentence
/// again.
#[utoipa::path(delete, path = "/api/documents/{slug}/voices/corrections/{id}", tag = "voices",
    params(("slug" = String, Path, description = "Document slug"), ("id" = String, Path, description = "Correction id")),
    responses((status = 204, description = "Taken back"),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such correction", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn delete_correction(
    State(state): State<AppState>,
    Path((raw_slug, raw_id)): Path<(String, String)>,
    writer: NoteWriter,
) -> Result<Response, AppError> {
    let slug = Slug::parse(&raw_slug).map_err(|_| AppError::document_not_found(&raw_slug))?;
    let document = document_id(&state, &slug, &writer.viewer).await?;
    let id = correction_id(&raw_id)?;
    if state.store.delete_correction(document, id.as_str()).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found())
    }
}
