//! Static assets from `static/`, compiled into the binary so that glossa runs from any
//! working directory. URLs carry a content hash (`?v=…`), so browsers may cache them for a
//! year; a changed file gets a new URL.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    version: String,
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
        content_type,
        body,
        version: hex::encode(&Sha256::digest(body)[..6]),
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

/// `GET /static/{name}`
pub async fn show_asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return AppError::NotFound(format!("There is no static file {name:?}.")).into_response();
    };
    let etag = format!("\"{}\"", asset.version);
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    if fresh {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body,
    )
        .into_response()
}
