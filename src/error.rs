//! The one error type of the HTTP layer and its JSON rendering.
//!
//! Every failure a handler can meet becomes an [`AppError`]; its response is
//! `{"error":{"code":"…","message":"…"}}` with the matching status. Client errors say what
//! to fix; server errors say nothing internal and are logged with their cause.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::store::{StorageFault, StoreError};

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Any other client error: the status, a machine-readable code and what to fix.
    #[error("{message}")]
    Client {
        /// HTTP status (4xx).
        status: StatusCode,
        /// Machine-readable code.
        code: &'static str,
        /// What to fix.
        message: String,
    },
    /// Too many requests from this analyst or address; try again after `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests {
        /// Seconds until a request will be accepted.
        retry_after: u64,
        /// What happened.
        message: String,
    },
    /// Something broke on our side; the cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// 404 for a document slug that is unknown or cannot be one.
    pub fn document_not_found(slug: &str) -> AppError {
        let shown: String = slug.chars().take(80).collect();
        AppError::NotFound(format!(
            "No document has the slug {:?}. The list of documents is at /.",
            shown.escape_debug().to_string()
        ))
    }

    /// 404 for a note that does not exist, or that the viewer may not see (a private note of
    /// someone else is reported the same way, so its existence does not leak).
    pub fn note_not_found() -> AppError {
        AppError::NotFound(
            "No note with this id on this document (it may have been deleted).".into(),
        )
    }

    /// A client error with this status, code and message.
    pub fn client(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Client {
            status,
            code,
            message: message.into(),
        }
    }

    /// 401: no or bad credentials.
    pub fn unauthorized(message: impl Into<String>) -> AppError {
        AppError::client(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403: signed in, but not allowed.
    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::client(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 422: well-formed, but a field is wrong.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::client(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 429 after waiting `wait`.
    pub fn rate_limited(wait: std::time::Duration, what: &str) -> AppError {
        let retry_after = wait.as_secs().max(1);
        AppError::TooManyRequests {
            retry_after,
            message: format!(
                "Too many {what}; try again in {retry_after} second{}.",
                if retry_after == 1 { "" } else { "s" }
            ),
        }
    }

    /// The same error again, for a second reader of one outcome (an internal error keeps its
    /// cause's text, for the log).
    pub fn replay(&self) -> AppError {
        match self {
            AppError::NotFound(message) => AppError::NotFound(message.clone()),
            AppError::Client {
                status,
                code,
                message,
            } => AppError::client(*status, code, message.clone()),
            AppError::TooManyRequests {
                retry_after,
                message,
            } => AppError::TooManyRequests {
                retry_after: *retry_after,
                message: message.clone(),
            },
            AppError::Internal(cause) => AppError::Internal(anyhow::anyhow!("{cause:#}")),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Client { status, .. } => *status,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::Client { code, .. } => code,
            AppError::TooManyRequests { .. } => "rate_limited",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message shown to the client; generic for server errors.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => {
                "Something went wrong on the server. It has been logged; please try again.".into()
            }
            other => other.to_string(),
        }
    }

    /// Logs server errors with their cause chain.
    pub fn log(&self) {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        let fault = e.fault();
        if fault.is_some() {
            tracing::error!(error = %e, "storage fault");
        }
        match (e, fault) {
            (_, Some(StorageFault::Full)) => AppError::client(
                StatusCode::INSUFFICIENT_STORAGE,
                "insufficient_storage",
                "The server's disk is full, so nothing was saved. Keep your text and try again once space is freed.",
            ),
            (_, Some(StorageFault::ReadOnly)) => AppError::client(
                StatusCode::SERVICE_UNAVAILABLE,
                "read_only",
                "The database is read-only at the moment, so nothing was saved; reading still works.",
            ),
            (_, Some(StorageFault::Busy)) => AppError::client(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "The database is busy at the moment. Try again in a moment; if you were saving something, it was not saved, so keep your text.",
            ),
            (_, Some(StorageFault::Unavailable)) => AppError::client(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "The database cannot be reached at the moment. Try again in a moment; if you were saving something, it was not saved, so keep your text.",
            ),
            (StoreError::Conflict(message), None) => {
                AppError::client(StatusCode::CONFLICT, "conflict", message)
            }
            (other, None) => AppError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        AppError::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let body = json!({"error": {"code": self.code(), "message": self.public_message()}});
        let mut response = (self.status(), Json(body)).into_response();
        if let AppError::TooManyRequests { retry_after, .. } = &self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(*retry_after),
            );
        }
        if self.status() == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"glossa\""),
            );
        }
        response
    }
}
