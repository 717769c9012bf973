//! Signing in from the browser: `/login` exchanges an analyst's name and token for a session
//! cookie; `/logout` ends the session on the server.

use crate::store::Timestamp;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::AppState;
use super::auth::{SESSION_COOKIE, Viewer, hash_secret, new_secret, session_cookie};
use super::pages::{HtmlError, Layout};
use crate::error::AppError;

/// How long a browser session lasts.
const SESSION_DAYS: i64 = 14;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    next: String,
    name: String,
    error: Option<String>,
}

/// Query of `GET /login`.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Form of `POST /login`.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    name: String,
    token: String,
    next: Option<String>,
}

/// Only local paths may be redirected to after sign-in, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// `GET /login`
pub async fn show_login(
    Query(query): Query<LoginQuery>,
    viewer: Result<Viewer, AppError>,
) -> Result<Html<String>, HtmlError> {
    let viewer = viewer?;
    let page = LoginPage {
        layout: Layout::new(&viewer),
        next: safe_next(query.next.as_deref()),
        name: String::new(),
        error: None,
    };
    Ok(Html(page.render()?))
}

/// `POST /login`: a new session id on every sign-in, so an id planted before sign-in is useless.
pub async fn create_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, HtmlError> {
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site" || site == "same-site");
    if cross_site {
        return Err(AppError::forbidden("Sign in from glossa's own sign-in page.").into());
    }
    let next = safe_next(form.next.as_deref());
    let name = form.name.trim();
    // Failed attempts are limited per analyst name, so guessing one analyst's token is slow
    // whatever address the guesses come from.
    state
        .limits
        .failed_sign_ins
        .check(name)
        .map_err(|wait| AppError::rate_limited(wait, "failed sign-ins for this name"))?;
    let Some(analyst) = state
        .store
        .analyst_by_name_and_token(name, &hash_secret(form.token.trim()))
        .await?
    else {
        let _ = state.limits.failed_sign_ins.take(name);
        let page = LoginPage {
            layout: Layout::new(&Viewer { analyst: None, credential: None }),
            next,
            name: name.to_owned(),
            error: Some("That name and token do not match an active analyst. Check both, or ask for a new token.".into()),
        };
        return Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
    };
    if let Some(old) = session_cookie(&headers) {
        state.store.delete_session(&hash_secret(&old)).await?;
    }
    let id = new_secret()?;
    let expires = Timestamp::from(OffsetDateTime::now_utc() + time::Duration::days(SESSION_DAYS));
    state
        .store
        .create_session(analyst.id, &hash_secret(&id), expires)
        .await?;
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_DAYS * 24 * 3600
    );
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The sign-out form: the page to go back to.
#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    next: Option<String>,
}

/// Tells the browser to forget its session cookie.
pub const CLEARED_COOKIE: HeaderValue =
    HeaderValue::from_static("glossa_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");

/// `POST /logout`: deletes the session on the server, clears the cookie, and goes back to
/// the page signed out of (same-origin paths only).
pub async fn delete_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, HtmlError> {
    if let Some(id) = session_cookie(&headers) {
        state.store.delete_session(&hash_secret(&id)).await?;
    }
    let next = form.ok().and_then(|Form(f)| f.next);
    let mut response = Redirect::to(&safe_next(next.as_deref())).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, CLEARED_COOKIE);
    Ok(response)
}
