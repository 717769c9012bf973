//! Source reliability: how a document's source is graded, as JSON, and the analyst's
//! `PUT /api/documents/{slug}/reliability`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use serde::Serialize;
use serde_json::Value;

use super::AppState;
use super::annotations::{parse_json, read_body};
use super::extract::{DocumentSlug, NoteWriter};
use crate::domain::grades::Reliability;
use crate::error::AppError;
use crate::store::grades::{DocumentGrading, GradeRecord, GradeScope, SourceRecord};

/// How a document's source is graded (Admiralty reliability, A–F).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReliabilityJson {
    /// The grade that holds: the document's own, or else its source's; null when neither is
    /// graded.
    grade: Option<&'static str>,
    /// The grade in the standard's words.
    words: Option<&'static str>,
    /// Where the grade that holds comes from: `document` or `source`.
    from: Option<&'static str>,
    /// The document's own grade, which overrides its source's.
    document: Option<GradeJson>,
    /// The source record (the outlet, or failing one the author, that the metadata names).
    source: Option<SourceJson>,
}

/// One grade, with who set it and when.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GradeJson {
    /// `A` … `F`.
    grade: &'static str,
    /// The standard's words.
    words: &'static str,
    /// The analyst who set it; null when it came with the corpus metadata.
    set_by: Option<String>,
    /// RFC 3339.
    set_at: String,
}

/// A source record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceJson {
    /// Its name.
    name: String,
    /// Documents that come from it.
    documents: i64,
    /// Its grade.
    grade: Option<GradeJson>,
}

fn grade_json(record: &GradeRecord) -> GradeJson {
    GradeJson {
        grade: record.reliability.letter(),
        words: record.reliability.words(),
        set_by: record.by.clone(),
        set_at: record.at.clone(),
    }
}

/// How `grading` is written in the API.
pub fn reliability_json(grading: &DocumentGrading) -> ReliabilityJson {
    let effective = grading.effective();
    ReliabilityJson {
        grade: effective.map(|g| g.reliability.letter()),
        words: effective.map(|g| g.reliability.words()),
        from: effective.map(|_| {
            if grading.own.is_some() {
                "document"
            } else {
                "source"
            }
        }),
        document: grading.own.as_ref().map(grade_json),
        source: grading.source.as_ref().map(|s: &SourceRecord| SourceJson {
            name: s.name.clone(),
            documents: s.documents,
            grade: s.grade.as_ref().map(grade_json),
        }),
    }
}

/// What a `PUT …/reliability` asks.
struct GradeRequest {
    reliability: Option<Reliability>,
    scope: GradeScope,
}

fn parse_request(value: &Value) -> Result<GradeRequest, AppError> {
    let bad = |message: &str| AppError::unprocessable("invalid_field", message.to_owned());
    let object = value
        .as_object()
        .ok_or_else(|| bad("The body must be a JSON object such as {\"reliability\": \"B\"}."))?;
    if let Some(unknown) = object
        .keys()
        .find(|k| !["reliability", "scope"].contains(&k.as_str()))
    {
        return Err(bad(&format!(
            "`{unknown}` is not a field glossa understands here; allowed: reliability, scope"
        )));
    }
    let reliability = match object.get("reliability") {
        None => {
            return Err(bad(
                "`reliability` is required: a letter from \"A\" (completely reliable) to \"F\" (reliability cannot be judged), or null to take the grade back",
            ));
        }
        Some(Value::Null) => None,
        Some(Value::String(letter)) => Some(Reliability::parse(letter).ok_or_else(|| {
            bad("`reliability` must be a letter from \"A\" (completely reliable) to \"F\" (reliability cannot be judged), or null")
        })?),
        Some(_) => return Err(bad("`reliability` must be a letter from \"A\" to \"F\" as a string, or null")),
    };
    let scope = match object.get("scope").and_then(Value::as_str) {
        None if object.get("scope").is_none() => GradeScope::Document,
        Some("document") => GradeScope::Document,
        Some("source") => GradeScope::Source,
        _ => {
            return Err(bad(
                "`scope` must be \"document\" (this document alone, the default) or \"source\" (its outlet, and every document from it)",
            ));
        }
    };
    Ok(GradeRequest { reliability, scope })
}

/// `PUT /api/documents/{slug}/reliability`: an analyst grades the document's source.
#[utoipa::path(put, path = "/api/documents/{slug}/reliability", tag = "documents",
    params(("slug" = String, Path, description = "Document slug")),
    request_body(content = Object, content_type = "application/json", description = "{\"reliability\": \"F\"} grades this document's source (the Admiralty letter A–F, or null to take the grade back); add \"scope\": \"source\" to grade its source record instead, for every document from that outlet. A document's own grade overrides its source's."),
    responses((status = 200, description = "How the document's source is graded now", body = ReliabilityJson),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such document", body = super::openapi::ErrorEnvelope),
              (status = 409, description = "scope source, but the metadata names no source", body = super::openapi::ErrorEnvelope),
              (status = 422, description = "A field is wrong", body = super::openapi::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn grade_reliability(
    State(state): State<AppState>,
    DocumentSlug(slug): DocumentSlug,
    writer: NoteWriter,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ReliabilityJson>, AppError> {
    state.check_reader(&writer.viewer)?;
    let document = state
        .store
        .document_text(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let request = parse_request(&parse_json(&read_body(body)?)?)?;
    let grading = state
        .store
        .grade_reliability(
            document.id,
            request.scope,
            writer.analyst.id,
            request.reliability,
        )
        .await?;
    Ok(Json(reliability_json(&grading)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_say_what_to_fix() {
        let ok = parse_request(&serde_json::json!({"reliability": "f"})).unwrap();
        assert_eq!(ok.reliability, Reliability::parse("F"));
        assert_eq!(ok.scope, GradeScope::Document);
        let cleared =
            parse_request(&serde_json::json!({"reliability": null, "scope": "source"})).unwrap();
        assert_eq!(cleared.reliability, None);
        assert_eq!(cleared.scope, GradeScope::Source);
        for bad in [
            serde_json::json!({}),
            serde_json::json!({"reliability": "B2"}),
            serde_json::json!({"reliability": 2}),
            serde_json::json!({"reliability": "B", "scope": "outlet"}),
            serde_json::json!({"reliability": "B", "grade": "B"}),
            serde_json::json!(["B"]),
        ] {
            assert!(parse_request(&bad).is_err(), "{bad}");
        }
    }
}
