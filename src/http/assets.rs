//! Static assets from `static/`, compiled into the binary so that glossa runs from any
//! working directory. URLs carry a content hash (`?v=…`), so browsers may cache them for a
//! year; a changed file gets a new URL.

use std::sync::LazyLock;

use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::AppError;

struct Asset {
    name: &'static str,
    version: String,
    /// Compressed once, with the best ratio, when the first page needs it.
    representation: super::cache::Representation,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    [
        (
            "reader.css",
            "text/css; charset=utf-8",
            concat!(
                include_str!("../../static/highlights.css"),
                include_str!("../../static/reader.css")
            )
            .as_bytes(),
        ),
        (
            "favicon.svg",
            "image/svg+xml",
            include_bytes!("../../static/favicon.svg").as_slice(),
        ),
        (
            "reader.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../../static/reader.js").as_slice(),
        ),
    ]
    .into_iter()
    .map(|(name, content_type, body)| Asset {
        name,
        version: hex::encode(&Sha256::digest(body)[..6]),
        representation: super::cache::static_representation(content_type, body),
    })
    .collect()
});

/// The versioned URL of an asset, e.g. `/static/reader.css?v=1a2b3c4d5e6f`.
pub fn url(name: &str) -> String {
    let version = ASSETS
        .iter()
        .find(|a| a.name == name)
        .map_or("", |a| a.version.as_str());
    format!("/static/{name}?v={version}")
}

/// `GET /static/{name}`: the asset in the best coding the client accepts, or 304. Only the
/// URL with the current version may be kept for a year; any other (no version, an old one)
/// must be asked for again, or a browser would keep an old stylesheet under it.
pub async fn show_asset(
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return AppError::NotFound(format!("There is no static file {name:?}.")).into_response();
    };
    let mut response = asset.representation.respond(&headers);
    let current = query
        .as_deref()
        .and_then(|q| q.strip_prefix("v="))
        .is_some_and(|v| v == asset.version);
    if !current {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}
