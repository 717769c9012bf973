//! Request extractors that answer in glossa's own error format.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::domain::slug::Slug;
use crate::error::AppError;

/// The `{slug}` path parameter, validated. axum percent-decodes paths (`..%2F` arrives as
/// `../`), so the allow-list check here is what keeps hostile paths away from the store.
/// A string that cannot be a slug names no document: 404.
#[derive(Debug, Clone)]
pub struct DocumentSlug(pub Slug);

impl<S: Send + Sync> FromRequestParts<S> for DocumentSlug {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(raw)| raw)
            .unwrap_or_default();
        Slug::parse(&raw)
            .map(DocumentSlug)
            .map_err(|_| AppError::document_not_found(&raw))
    }
}
