//! Entity tags: how they are made, and the conditional headers that compare against them.
//! `If-None-Match` lets a reader revalidate with a 304; `If-Match` keeps two analysts from
//! overwriting each other's edits unknowingly.

use axum::http::{HeaderMap, StatusCode, header};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// A strong ETag for a representation: 96 bits of its SHA-256, quoted.
pub fn of_bytes(bytes: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(bytes)[..12]))
}

/// Whether the client's `If-None-Match` already names `etag` (or `*`): answer 304.
pub fn none_match_hits(headers: &HeaderMap, etag: &str) -> bool {
    header_tags(headers, header::IF_NONE_MATCH)
        .is_some_and(|mut tags| tags.any(|t| t == etag || t == "*"))
}

/// A write needs `If-Match` naming the current `etag`: missing → 428, stale → 412. `*`
/// matches whatever version is current, as HTTP defines it (RFC 9110 §13.1.1): the client
/// says it means to overwrite.
pub fn require_match(headers: &HeaderMap, etag: &str) -> Result<(), AppError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(AppError::client(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition_required",
            "Send the note's ETag in If-Match, so a change made elsewhere is not overwritten.",
        ));
    };
    let value = value.to_str().unwrap_or_default().trim();
    if value == "*" {
        return Ok(());
    }
    let tags: Vec<&str> = value.split(',').map(str::trim).collect();
    if !tags.iter().all(|tag| is_entity_tag(tag)) {
        return Err(AppError::client(
            StatusCode::BAD_REQUEST,
            "invalid_if_match",
            format!(
                "If-Match must be the note's ETag as it was sent, quotes included (such as {etag}), or * alone"
            ),
        ));
    }
    if tags.contains(&etag) {
        Ok(())
    } else {
        Err(stale())
    }
}

/// `"…"` or `W/"…"` (RFC 9110 §8.8.3), with no quote inside.
fn is_entity_tag(tag: &str) -> bool {
    let opaque = tag.strip_prefix("W/").unwrap_or(tag);
    opaque.len() >= 2
        && opaque.starts_with('"')
        && opaque.ends_with('"')
        && !opaque[1..opaque.len() - 1].contains('"')
}

/// The 412 answer when a note changed since the client read it.
pub fn stale() -> AppError {
    AppError::client(
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
        "This note was changed elsewhere since you read it; reload it and try again.",
    )
}

fn header_tags(
    headers: &HeaderMap,
    name: header::HeaderName,
) -> Option<impl Iterator<Item = &str>> {
    let value = headers.get(name)?.to_str().ok()?;
    Some(value.split(',').map(str::trim))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(name: header::HeaderName, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn if_none_match_hits_on_the_tag_or_a_star() {
        assert!(none_match_hits(
            &with(header::IF_NONE_MATCH, "\"a\", \"b\""),
            "\"b\""
        ));
        assert!(none_match_hits(&with(header::IF_NONE_MATCH, "*"), "\"b\""));
        assert!(!none_match_hits(
            &with(header::IF_NONE_MATCH, "\"a\""),
            "\"b\""
        ));
        assert!(!none_match_hits(&HeaderMap::new(), "\"b\""));
    }

    #[test]
    fn if_match_is_required_and_must_be_current() {
        let status = |r: Result<(), AppError>| r.err().map(|e| e.status());
        assert_eq!(
            status(require_match(&HeaderMap::new(), "\"x-1\"")),
            Some(StatusCode::PRECONDITION_REQUIRED)
        );
        assert_eq!(
            status(require_match(&with(header::IF_MATCH, "\"x-0\""), "\"x-1\"")),
            Some(StatusCode::PRECONDITION_FAILED)
        );
        assert_eq!(
            status(require_match(
                &with(header::IF_MATCH, "\"x-0\", \"x-1\""),
                "\"x-1\""
            )),
            None
        );
        assert_eq!(
            status(require_match(&with(header::IF_MATCH, "*"), "\"x-1\"")),
            None
        );
        // `*` is the whole value or nothing: in a list, or a tag without its quotes, is no
        // entity tag at all. A weak tag is one, and never matches.
        for malformed in ["\"x-0\", *", "x-1", "\"x-1", "", "\"a\"b\""] {
            assert_eq!(
                status(require_match(&with(header::IF_MATCH, malformed), "\"x-1\"")),
                Some(StatusCode::BAD_REQUEST),
                "{malformed}"
            );
        }
        assert_eq!(
            status(require_match(
                &with(header::IF_MATCH, "W/\"x-1\""),
                "\"x-1\""
            )),
            Some(StatusCode::PRECONDITION_FAILED)
        );
    }

    #[test]
    fn tags_are_strong_and_follow_the_bytes() {
        assert_eq!(of_bytes(b"a"), of_bytes(b"a"));
        assert_ne!(of_bytes(b"a"), of_bytes(b"b"));
        assert!(of_bytes(b"a").starts_with('"') && !of_bytes(b"a").starts_with("W/"));
    }
}
