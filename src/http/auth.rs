//! Who is asking: bearer tokens for the API, session cookies for the browser, and the
//! cross-site checks that cookie-authenticated writes need.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::error::AppError;
use crate::store::analysts::Analyst;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "glossa_session";

/// 256 random bits as hex: analyst tokens and session ids.
pub fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

/// What is stored for a token or session id: its SHA-256. Secrets are 256 random bits, so a
/// fast hash is safe here; slow password hashes are for secrets people choose.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// How the analyst proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer …`
    Bearer,
    /// The session cookie (a browser).
    Cookie,
}

/// The person behind a request: an analyst, or an anonymous reader.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The analyst, if signed in.
    pub analyst: Option<Analyst>,
    /// How they signed in.
    pub credential: Option<Credential>,
}

impl Viewer {
    /// The analyst's row id, for visibility queries.
    pub fn analyst_id(&self) -> Option<i64> {
        self.analyst.as_ref().map(|a| a.id)
    }

    /// The analyst, or 401.
    pub fn require(&self) -> Result<&Analyst, AppError> {
        self.analyst.as_ref().ok_or_else(|| {
            AppError::unauthorized("Sign in first: send Authorization: Bearer <token> (from `glossa analyst add`), or sign in at /login.")
        })
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        resolve(parts, state).await
    }
}

/// The outcome of reading a request's credentials, kept with the request so that the
/// middleware and the handler that both need the viewer read them once (a refused token
/// counts once against the client's limit).
#[derive(Clone)]
struct Resolved(Result<Viewer, std::sync::Arc<AppError>>);

/// The viewer of a request: its bearer token or session cookie, read once per request.
pub async fn resolve(parts: &mut Parts, state: &AppState) -> Result<Viewer, AppError> {
    if let Some(Resolved(outcome)) = parts.extensions.get::<Resolved>() {
        return outcome.clone().map_err(|e| e.replay());
    }
    let outcome = read_credentials(parts, state, TokenLookup::Stored)
        .await
        .map(|(viewer, _)| viewer);
    let kept = match &outcome {
        Ok(viewer) => Ok(viewer.clone()),
        Err(e) => Err(std::sync::Arc::new(e.replay())),
    };
    parts.extensions.insert(Resolved(kept));
    outcome
}

/// The viewer of a request that creates a note, with the hash of the bearer token when the
/// analyst behind it was taken from memory: the note's write checks the token is still
/// valid, which spares a read per note.
pub async fn resolve_for_new_note(
    parts: &Parts,
    state: &AppState,
) -> Result<(Viewer, Option<String>), AppError> {
    read_credentials(parts, state, TokenLookup::Remembered).await
}

/// Where a bearer token's analyst is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenLookup {
    /// In the database.
    Stored,
    /// In memory when seen before, for a write that checks the token as it commits.
    Remembered,
}

async fn read_credentials(
    parts: &Parts,
    state: &AppState,
    lookup: TokenLookup,
) -> Result<(Viewer, Option<String>), AppError> {
    if parts
        .headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .nth(1)
        .is_some()
    {
        return Err(AppError::client(
            StatusCode::BAD_REQUEST,
            "duplicate_authorization",
            "Send one Authorization header, not several.",
        ));
    }
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        // Failed tokens are limited per client address (the socket's, or what a trusted
        // proxy says it was; never a header any client can set). Only the failures wait: a
        // valid token from the same address (colleagues behind one NAT, a client retrying
        // with a revoked token beside them) is never refused for them, and a token of 128
        // random bits is not guessed however fast one tries.
        let peer = state.client_address(parts);
        let refused = |message: &str| match state.limits.bad_tokens.take(&peer) {
            Ok(()) => AppError::unauthorized(message),
            Err(wait) => AppError::rate_limited(
                wait,
                "requests with an unknown or revoked token from this address",
            ),
        };
        let Some(token) = bearer_token(value) else {
            return Err(refused(
                "The Authorization header must be `Bearer <token>`.",
            ));
        };
        let hash = hash_secret(token);
        let found = match lookup {
            TokenLookup::Stored => state.store.analyst_by_token(&hash).await?,
            TokenLookup::Remembered => state.store.analyst_by_token_remembered(&hash).await?,
        };
        let Some(analyst) = found else {
            return Err(refused(INVALID_TOKEN));
        };
        let viewer = Viewer {
            analyst: Some(analyst),
            credential: Some(Credential::Bearer),
        };
        return Ok((viewer, (lookup == TokenLookup::Remembered).then_some(hash)));
    }
    let session = match session_cookie(&parts.headers) {
        Some(id) => state.store.analyst_by_session(&hash_secret(&id)).await?,
        None => None,
    };
    if let Some(analyst) = session {
        let viewer = Viewer {
            analyst: Some(analyst),
            credential: Some(Credential::Cookie),
        };
        return Ok((viewer, None));
    }
    let anonymous = Viewer {
        analyst: None,
        credential: None,
    };
    Ok((anonymous, None))
}

/// The token of an `Authorization: Bearer <token>` value.
fn bearer_token(value: &axum::http::HeaderValue) -> Option<&str> {
    value
        .to_str()
        .ok()
        .and_then(|v| {
            // The scheme's name is case-insensitive (RFC 9110 §11.1).
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(token)
        })
        .map(str::trim)
}

/// For a write that carries one bearer token: whether the token names an active analyst,
/// taken from memory when seen before (`None` for any other request). Only for deciding what
/// the write may see exist: every write checks its credentials again itself, and a new
/// note's checks its token as it commits, so a token revoked meanwhile gets no further. A
/// refusal here is not counted against the client's address; the write's own check counts
/// it, once.
pub async fn write_bearer_remembered(parts: &Parts, state: &AppState) -> Option<bool> {
    if parts.method.is_safe() {
        return None;
    }
    let mut values = parts.headers.get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return None;
    };
    let hash = hash_secret(bearer_token(value)?);
    Some(matches!(
        state.store.analyst_by_token_remembered(&hash).await,
        Ok(Some(_))
    ))
}

/// What a refused bearer token is told.
pub const INVALID_TOKEN: &str = "This token is not valid (unknown or revoked).";

/// The session id from the `Cookie` header, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Refuses a cookie-authenticated write that a browser made on behalf of another site.
/// The analyst a write is from, checked as for every write: signed in, from glossa's own
/// pages when the session rides on a cookie, and within their write budget for `what`.
pub fn check_writer<'v>(
    state: &super::AppState,
    viewer: &'v Viewer,
    method: &Method,
    headers: &HeaderMap,
    what: &str,
) -> Result<&'v Analyst, AppError> {
    let analyst = viewer.require()?;
    check_same_origin(viewer, method, headers, state.iris.base())?;
    state
        .limits
        .writes
        .take(&format!("analyst:{}", analyst.id))
        .map_err(|wait| AppError::rate_limited(wait, what))?;
    Ok(analyst)
}

/// Bearer tokens are never sent by browsers on their own, so they need no such check.
pub fn check_same_origin(
    viewer: &Viewer,
    method: &Method,
    headers: &HeaderMap,
    base_url: &str,
) -> Result<(), AppError> {
    if viewer.credential != Some(Credential::Cookie) || method.is_safe() {
        return Ok(());
    }
    let header_str = |name| {
        headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
    };
    let allowed = match (
        header_str(header::HeaderName::from_static("sec-fetch-site")),
        header_str(header::ORIGIN),
    ) {
        (Some(site), _) => site == "same-origin" || site == "none",
        (None, Some(origin)) => {
            origin == base_url
                || header_str(header::HOST)
                    .is_some_and(|host| origin.ends_with(&format!("//{host}")))
        }
        (None, None) => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Cross-site request refused: a signed-in browser may only write from glossa's own pages.",
        ))
    }
}

/// Refuses request bodies that are not JSON, which also stops HTML forms from other sites.
pub fn require_json(headers: &HeaderMap) -> Result<(), AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence == "application/ld+json" {
        Ok(())
    } else {
        Err(AppError::client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send JSON: Content-Type: application/json (a note may also be application/ld+json).",
        ))
    }
}
