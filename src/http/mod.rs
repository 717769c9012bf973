//! The HTTP layer: every URL in [`router`], thin handlers, and the server loop.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::domain::annotation::Iris;
use crate::store::Store;

pub mod annotations;
pub mod api;
pub mod assets;
pub mod auth;
pub mod extract;
pub mod openapi;
pub mod pages;
pub mod session;

/// What handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// IRIs from the configured public base URL.
    pub iris: Iris,
    /// Whether reading needs a signed-in analyst.
    pub require_sign_in: bool,
}

impl AppState {
    /// State for a server whose public base URL is `base_url`.
    pub fn new(store: Store, base_url: &str, require_sign_in: bool) -> AppState {
        AppState {
            store,
            iris: Iris::new(base_url),
            require_sign_in,
        }
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

/// Every URL glossa answers.
pub fn router(state: AppState) -> Router {
    let container = get(annotations::list_annotations)
        .post(annotations::create_annotation)
        .options(annotations::options_container);
    let api = Router::new()
        .route("/documents", get(api::list_documents))
        .route("/documents/{slug}", get(api::show_document))
        .route("/documents/{slug}/annotations/", container.clone())
        .route("/documents/{slug}/annotations", container)
        .route(
            "/documents/{slug}/annotations/{id}",
            get(annotations::show_annotation)
                .put(annotations::update_annotation)
                .delete(annotations::delete_annotation)
                .options(annotations::options_annotation),
        )
        .route("/actors", get(api::list_actors))
        .route("/openapi.json", get(openapi::show_openapi))
        .fallback(api::api_not_found)
        .layer(security_header(header::CACHE_CONTROL, "no-store"));
    Router::new()
        .route("/", get(pages::list_documents))
        .route("/documents/{slug}", get(pages::show_document))
        .route("/documents/{slug}/export.html", get(pages::export_document))
        .route(
            "/login",
            get(session::show_login).post(session::create_session),
        )
        .route("/logout", post(session::delete_session))
        .route("/static/{name}", get(assets::show_asset))
        .route("/healthz", get(healthz))
        .nest("/api", api)
        .fallback(pages::page_not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(TraceLayer::new_for_http())
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn healthz() -> &'static str {
    "ok"
}

/// Serves until Ctrl-C or SIGTERM, then lets in-flight requests finish.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down; finishing requests in flight");
}
