//! The one error type every handler returns: a stable `error` code, a human message and
//! an HTTP status, rendered as JSON. Internal failures are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A failure as the client sees it.
#[derive(Debug)]
pub struct AppError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code, such as `unknown_guide` or `answer_too_long`.
    pub code: &'static str,
    /// A sentence for people, lower case, naming the problem.
    pub message: String,
    /// Seconds after which trying again can work, sent as `Retry-After`.
    pub retry_after: Option<u32>,
}

impl AppError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same error, telling the client to try again after `seconds`.
    pub fn retry_after(mut self, seconds: u32) -> AppError {
        self.retry_after = Some(seconds);
        self
    }
}

/// The JSON body of every error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code.
    pub error: &'static str,
    /// Human message.
    pub message: String,
    /// The request's id, as the server's log has it (and `X-Request-Id`): quote it when
    /// reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code,
            message: self.message,
            request_id: crate::log::request_id(),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
