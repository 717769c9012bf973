//! The HTTP layer: every URL in [`router`], thin handlers, and the server loop.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post, put};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::domain::annotation::Iris;
use crate::store::Store;

pub mod actors;
pub mod annotations;
pub mod api;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod corrections;
pub mod digest;
pub mod encoding;
pub mod etag;
pub mod extract;
pub mod facets;
pub mod gazetteer;
pub mod grades;
pub mod history;
pub mod intake;
pub mod limits;
pub mod note_search;
pub mod openapi;
pub mod pages;
pub mod search;
pub mod server;
pub mod session;
mod unique_json;
pub mod versions;
pub mod voices;
pub mod workspace;

/// What handlers share, behind one reference count: every extractor and middleware of every
/// request clones it.
#[derive(Debug, Clone)]
pub struct AppState(std::sync::Arc<App>);

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

/// The parts of [`AppState`].
#[derive(Debug, Clone)]
pub struct App {
    /// The database.
    pub store: Store,
    /// IRIs from the configured public base URL.
    pub iris: Iris,
    /// Whether reading needs a signed-in analyst.
    pub require_sign_in: bool,
    /// Rate limits, shared by every request.
    pub limits: std::sync::Arc<limits::Limits>,
    /// Cached representations: pages and JSON.
    pub cache: std::sync::Arc<cache::RepresentationCache>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: std::sync::Arc<[std::net::IpAddr]>,
    /// The corpus directory this instance imports, where gazetteer additions are written.
    pub corpus: Option<std::sync::Arc<std::path::Path>>,
}

impl AppState {
    /// State for a server whose public base URL is `base_url`.
    pub fn new(store: Store, base_url: &str, require_sign_in: bool) -> AppState {
        AppState(std::sync::Arc::new(App {
            store,
            iris: Iris::new(base_url),
            require_sign_in,
            limits: std::sync::Arc::default(),
            cache: std::sync::Arc::default(),
            trusted_proxies: std::sync::Arc::new([]),
            corpus: None,
        }))
    }

    fn app(&mut self) -> &mut App {
        std::sync::Arc::make_mut(&mut self.0)
    }

    /// The same state, letting shared caches keep what anonymous readers get for `seconds`
    /// (`--public-cache`; 0 keeps every response private).
    pub fn with_public_cache(mut self, seconds: u32) -> AppState {
        self.app().cache = std::sync::Arc::new(cache::RepresentationCache::new(
            cache::DEFAULT_BUDGET,
            seconds,
        ));
        self
    }

    /// The same state, importing the corpus in `dir`: analysts may add names to its
    /// gazetteer from the browser.
    pub fn with_corpus(mut self, dir: &std::path::Path) -> AppState {
        self.app().corpus = Some(dir.into());
        self
    }

    /// The same state, trusting `X-Forwarded-For` from these proxies.
    pub fn with_trusted_proxies(mut self, proxies: &[std::net::IpAddr]) -> AppState {
        self.app().trusted_proxies = proxies.into();
        self
    }

    /// The client's address, for per-address limits: the socket's peer, or behind a trusted
    /// proxy the last address in `X-Forwarded-For` that is not one of the trusted proxies
    /// (the one the proxy itself saw; anything left of it the client may have made up).
    pub fn client_address(&self, parts: &axum::http::request::Parts) -> String {
        let Some(peer) = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return "local".to_owned();
        };
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        limits::client_behind(peer, &self.trusted_proxies, forwarded).to_string()
    }

    /// The same state with other rate limits.
    pub fn with_limits(mut self, limits: limits::Limits) -> AppState {
        self.app().limits = std::sync::Arc::new(limits);
        self
    }

    /// With `--require-sign-in`, refuses anonymous readers (401).
    pub fn check_reader(&self, viewer: &auth::Viewer) -> Result<(), crate::error::AppError> {
        if self.require_sign_in {
            viewer.require()?;
        }
        Ok(())
    }

    /// Whether cookies must be `Secure` (served over TLS).
    pub fn secure_cookies(&self) -> bool {
        self.iris.base().starts_with("https://")
    }
}

/// Largest request body accepted; a note's body is at most 20,000 code points.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Page scripts and styles come only from this origin; nothing may frame the reader.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// How long a handler may run before the client gets a 503.
pub const HANDLER_TIMEOUT: Duration = Duration::from_secs(30);

/// Turns a panic in a handler into a generic 500 with our JSON error body; the panic is
/// logged, and nothing internal reaches the client.
pub fn catch_panics()
-> CatchPanicLayer<fn(Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response> {
    CatchPanicLayer::custom(
        panic_response as fn(Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response,
    )
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    crate::error::AppError::Internal(anyhow::anyhow!("handler panicked: {detail}")).into_response()
}

/// An archived document exists only for analysts: to anyone else every page and API
/// resource of it answers 404, as if it had never been added.
async fn hide_archived(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/");
    let slug = path
        .strip_prefix("/api")
        .unwrap_or(path)
        .strip_prefix("/documents/")
        .and_then(|rest| rest.split('/').next())
        .filter(|slug| !slug.is_empty() && *slug != "new")
        .map(str::to_owned);
    let Some(slug) = slug else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    // A new note under a bearer token takes its analyst from memory; reading it from the
    // database here would cost every note a read that its write then spares.
    let signed_in = match auth::write_bearer_remembered(&parts, &state).await {
        Some(signed_in) => signed_in,
        None => <auth::Viewer as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, &state,
        )
        .await
        .is_ok_and(|viewer| viewer.analyst.is_some()),
    };
    if signed_in {
        return next
            .run(axum::extract::Request::from_parts(parts, body))
            .await;
    }
    let refuse = |error: crate::error::AppError| {
        if api {
            error.into_response()
        } else {
            pages::HtmlError::Page(error).into_response()
        }
    };
    match state.store.is_archived(&slug).await {
        Ok(false) => {
            next.run(axum::extract::Request::from_parts(parts, body))
                .await
        }
        // Every write refuses a reader who is not signed in before it looks for its document,
        // so one that is missing answers 401; an archived one must too, or its slug shows.
        Ok(true) if !parts.method.is_safe() => {
            let viewer =
                <auth::Viewer as axum::extract::FromRequestParts<AppState>>::from_request_parts(
                    &mut parts, &state,
                )
                .await;
            refuse(match viewer {
                Err(refused) => refused,
                Ok(viewer) => viewer
                    .require()
                    .err()
                    .unwrap_or_else(|| crate::error::AppError::document_not_found(&slug)),
            })
        }
        Ok(true) => refuse(crate::error::AppError::document_not_found(&slug)),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

/// Every URL glossa answers.
pub fn router(state: AppState) -> Router {
    let state_for_cache = state.clone();
    let container = get(annotations::list_annotations)
        .post(annotations::create_annotation)
        .options(annotations::options_container);
    let api = Router::new()
        .route(
            "/documents",
            get(api::list_documents)
                .post(intake::create_document)
                .layer(DefaultBodyLimit::max(intake::DOCUMENT_BODY_LIMIT)),
        )
        .route(
            "/documents/{slug}",
            get(api::show_document)
                .put(intake::revise_document)
                .layer(DefaultBodyLimit::max(intake::DOCUMENT_BODY_LIMIT)),
        )
        .route("/documents/{slug}/archive", post(intake::api_archive))
        .route("/documents/{slug}/restore", post(intake::api_restore))
        .route("/voices", get(voices::api_voices))
        .route(
            "/documents/{slug}/reliability",
            put(grades::grade_reliability),
        )
        .route("/documents/{slug}/voices", get(voices::api_document_voices))
        .route(
            "/documents/{slug}/voices/corrections",
            get(corrections::list_corrections).post(corrections::create_correction),
        )
        .route(
            "/documents/{slug}/voices/corrections/{id}",
            get(corrections::show_correction).delete(corrections::delete_correction),
        )
        .route(
            "/documents/{slug}/annotations/{id}/revisions",
            get(history::api_revisions),
        )
        .route("/documents/{slug}/annotations/", container.clone())
        .route("/documents/{slug}/annotations", container)
        .route(
            "/documents/{slug}/annotations/{id}",
            get(annotations::show_annotation)
                .put(annotations::update_annotation)
                .delete(annotations::delete_annotation)
                .options(annotations::options_annotation),
        )
        .route(
            "/actors",
            get(api::list_actors).post(gazetteer::api_add_actor),
        )
        .route("/actors/unknown", get(gazetteer::api_unknown))
        .route("/actors/{id}", get(actors::api_actor))
        .route("/actors/{id}/aliases", post(gazetteer::api_add_alias))
        .route("/search", get(search::api_search))
        .route("/annotations", get(note_search::find_annotations))
        .route("/tags/rename", post(workspace::api_rename_tag))
        .route("/openapi.json", get(openapi::show_openapi))
        .fallback(api::api_not_found)
        .method_not_allowed_fallback(api::api_method_not_allowed)
        .layer(security_header(header::CACHE_CONTROL, "no-store"));
    Router::new()
        .route("/", get(pages::list_documents))
        .route("/search", get(search::search_page))
        .route("/notes", get(workspace::notes_page))
        .route("/notes.csv", get(digest::notes_csv))
        .route("/notes.md", get(digest::notes_md))
        .route("/actors", get(actors::actors_page))
        .route(
            "/actors/unknown",
            get(gazetteer::unknown_page).post(gazetteer::add_name_form),
        )
        .route("/actors/{id}", get(actors::actor_page))
        .route("/voices", get(voices::voices_page))
        .route("/voices/{id}", get(voices::voice_page))
        .route(
            "/tags",
            get(workspace::tags_page).post(workspace::rename_tag_form),
        )
        .route(
            "/documents/new",
            get(intake::new_document_page)
                .post(intake::intake_form)
                .layer(DefaultBodyLimit::max(intake::DOCUMENT_BODY_LIMIT)),
        )
        .route(
            "/documents/{slug}/revise",
            get(intake::revise_page)
                .post(intake::intake_form)
                .layer(DefaultBodyLimit::max(intake::DOCUMENT_BODY_LIMIT)),
        )
        .route("/documents/{slug}/archive", post(intake::archive_form))
        .route("/documents/{slug}/versions", get(versions::versions_page))
        .route("/documents/{slug}/v/{n}", get(versions::version_page))
        .route("/documents/{slug}", get(pages::show_document))
        .route("/documents/{slug}/", get(pages::redirect_document))
        .route("/documents/{slug}/export.html", get(pages::export_document))
        .route(
            "/documents/{slug}/notes/{id}/history",
            get(history::history_page).post(history::history_form),
        )
        .route("/documents/{slug}/notes.csv", get(digest::document_csv))
        .route("/documents/{slug}/notes.md", get(digest::document_md))
        .route(
            "/login",
            get(session::show_login).post(session::create_session),
        )
        .route("/logout", post(session::delete_session))
        .route("/static/{name}", get(assets::show_asset))
        .route("/healthz", get(healthz))
        .route("/ns/glossa.jsonld", get(api::show_context))
        .nest("/api", api)
        .fallback(pages::page_not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hide_archived,
        ))
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            HANDLER_TIMEOUT,
        ))
        .layer(catch_panics())
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(axum::middleware::from_fn_with_state(
            state_for_cache,
            cache::serve_cached,
        ))
        .layer(compress_uncached())
        .layer(axum::middleware::from_fn(restate_accept_encoding))
        .layer(TraceLayer::new_for_http())
}

/// Restates `Accept-Encoding` with the codings glossa sends (see [`encoding::restated`]).
async fn restate_accept_encoding(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let restated = encoding::restated(encoding::accepted(request.headers()).as_deref());
    request
        .headers_mut()
        .insert(header::ACCEPT_ENCODING, restated);
    next.run(request).await
}

/// Compression of what the cache did not answer (errors, downloads, one note's JSON), per
/// request since each is made per request; what the cache answers was coded once already.
fn compress_uncached()
-> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::Predicate;
    let not_precoded = |_: StatusCode,
                        _: axum::http::Version,
                        _: &axum::http::HeaderMap,
                        extensions: &axum::http::Extensions| {
        extensions.get::<cache::Precoded>().is_none()
    };
    tower_http::compression::CompressionLayer::new()
        .no_deflate()
        .no_zstd()
        .compress_when(tower_http::compression::DefaultPredicate::new().and(not_precoded))
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// `GET /healthz`: `ok: sqlite` or `ok: postgres`, or 503 with `degraded: …` when reads or
/// writes fail (the database is down, read-only, full).
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    match state.store.health().await {
        None => format!("ok: {}", state.store.backend_name()).into_response(),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("degraded: {reason}"),
        )
            .into_response(),
    }
}
