//! Server-rendered pages. Complete without JavaScript; `static/reader.js` only enhances.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::assets;
use super::extract::DocumentSlug;
use crate::domain::actors::ActorKind;
use crate::domain::article::{ArticleView, render_article};
use crate::domain::document::{BlockKind, Metadata};
use crate::error::AppError;
use crate::store::documents::DocumentSummary;

/// What every page's layout needs.
pub struct Layout {
    /// Versioned stylesheet URL.
    pub css: String,
    /// Versioned script URL.
    pub js: String,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            css: assets::url("reader.css"),
            js: assets::url("reader.js"),
        }
    }
}

/// An [`AppError`] answered as an HTML page instead of JSON.
#[derive(Debug)]
pub struct HtmlError(pub AppError);

impl From<AppError> for HtmlError {
    fn from(e: AppError) -> HtmlError {
        HtmlError(e)
    }
}

impl From<askama::Error> for HtmlError {
    fn from(e: askama::Error) -> HtmlError {
        HtmlError(e.into())
    }
}

impl From<crate::store::StoreError> for HtmlError {
    fn from(e: crate::store::StoreError) -> HtmlError {
        HtmlError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: StatusCode,
    message: String,
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let page = ErrorPage {
            layout: Layout::new(),
            status,
            message: self.0.public_message(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.0.public_message()).into_response(),
        }
    }
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    layout: Layout,
    documents: Vec<DocumentSummary>,
}

/// `GET /`: the documents.
pub async fn list_documents(State(state): State<AppState>) -> Result<Html<String>, HtmlError> {
    let documents = state.store.list_documents().await?;
    Ok(Html(
        IndexPage {
            layout: Layout::new(),
            documents,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    layout: Layout,
    slug: String,
    title: String,
    meta: Metadata,
    version: i64,
    article: ArticleView,
}

impl DocumentPage {
    fn kind_name(kind: &ActorKind) -> &'static str {
        kind.as_str()
    }
}

/// `GET /documents/{slug}`: the reader.
pub async fn show_document(
    State(state): State<AppState>,
    slug: Result<DocumentSlug, AppError>,
) -> Result<Html<String>, HtmlError> {
    let DocumentSlug(slug) = slug?;
    let doc = state
        .store
        .load_document(slug.as_str())
        .await?
        .ok_or_else(|| AppError::document_not_found(slug.as_str()))?;
    let article = render_article(&doc.analysed, &doc.actors);
    let page = DocumentPage {
        layout: Layout::new(),
        slug: doc.slug,
        title: doc.title,
        meta: doc.analysed.parsed.meta,
        version: doc.version,
        article,
    };
    Ok(Html(page.render()?))
}

/// Fallback for unknown pages.
pub async fn page_not_found() -> HtmlError {
    HtmlError(AppError::NotFound(
        "There is no page at this address. The list of documents is at /.".into(),
    ))
}
