//! Static assets from `static/`, compiled into the binary so that glossa runs from any
//! working directory. URLs carry a content hash (`?v=…`), so browsers may cache them for a
//! year; a changed file gets a new URL.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::HeaderMap;
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

/// `GET /static/{name}`: the asset in the best coding the client accepts, or 304.
pub async fn show_asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return AppError::NotFound(format!("There is no static file {name:?}.")).into_response();
    };
    asset.representation.respond(&headers)
}
