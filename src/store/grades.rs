//! Source reliability grades as stored: a source record's grade, and a document's own grade
//! that overrides it, each with who set it and when.

use super::{Store, StoreResult, on_backend};
use crate::domain::grades::Reliability;

/// One reliability grade and who set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeRecord {
    /// The grade.
    pub reliability: Reliability,
    /// The analyst who set it; `None` when it came with the corpus metadata.
    pub by: Option<String>,
    /// RFC 3339.
    pub at: String,
}

impl GradeRecord {
    /// Who set it, in words.
    pub fn setter(&self) -> &str {
        self.by.as_deref().unwrap_or("the corpus metadata")
    }

    /// The day it was set, YYYY-MM-DD.
    pub fn date(&self) -> &str {
        self.at.get(..10).unwrap_or(&self.at)
    }
}

/// The record of the outlet (or author) a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    /// Its id.
    pub id: i64,
    /// Its name as the metadata gives it.
    pub name: String,
    /// Its grade, if it has one.
    pub grade: Option<GradeRecord>,
    /// How many documents come from it.
    pub documents: i64,
}

/// How a document's source is graded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentGrading {
    /// The source record the document points to; `None` when its metadata names none.
    pub source: Option<SourceRecord>,
    /// The document's own grade, which overrides its source's.
    pub own: Option<GradeRecord>,
}

impl DocumentGrading {
    /// The grade that holds for the document: its own, or else its source's.
    pub fn effective(&self) -> Option<&GradeRecord> {
        self.own
            .as_ref()
            .or_else(|| self.source.as_ref().and_then(|s| s.grade.as_ref()))
    }
}

/// What an analyst grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeScope {
    /// This document alone.
    Document,
    /// The document's source record, and so every document that comes from it.
    Source,
}

impl Store {
    /// How the document `document_id`'s source is graded.
    pub async fn document_grading(&self, document_id: i64) -> StoreResult<DocumentGrading> {
        on_backend!(self, read db => db.document_grading(document_id).await)
    }

    /// Sets (or, with `None`, takes back) the reliability of the document `document_id`, or
    /// of its source record; then how the document is graded. Grading the source of a
    /// document whose metadata names none is a conflict.
    pub async fn grade_reliability(
        &self,
        document_id: i64,
        scope: GradeScope,
        analyst_id: i64,
        reliability: Option<Reliability>,
    ) -> StoreResult<DocumentGrading> {
        on_backend!(self, db => db.grade_reliability(document_id, scope, analyst_id, reliability).await)
    }
}
