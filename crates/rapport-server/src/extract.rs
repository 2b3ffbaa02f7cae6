//! Request extractors whose every rejection is an [`AppError`], so that a bad body,
//! query or path gets the same JSON error shape as everything else, with a stable code.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::AppError;
use crate::contract::line_error;
use crate::security::body_too_large;

/// A JSON body: `Content-Type: application/json` (else 415 `unsupported_media_type`),
/// at most [`crate::security::MAX_BODY_BYTES`] (else 413 `body_too_large`), and valid
/// JSON of the expected shape (else 400 `malformed_json` or `invalid_body`, naming the
/// line and column).
pub(crate) struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    body_too_large()
                } else {
                    AppError::new(
                        StatusCode::BAD_REQUEST,
                        "bad_body",
                        "the request body could not be read",
                    )
                }
            })?;
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|err| json_error(&err))
    }
}

/// The error for a body that is not JSON, or not the JSON expected.
pub(crate) fn json_error(err: &serde_json::Error) -> AppError {
    if err.is_data() {
        AppError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!(
                "the JSON body at line {} column {} is not what this endpoint takes: {}",
                err.line(),
                err.column(),
                line_error(err)
            ),
        )
    } else {
        AppError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!(
                "the request body is not valid JSON: line {} column {}: {}",
                err.line(),
                err.column(),
                line_error(err)
            ),
        )
    }
}

/// An HTML form body (`application/x-www-form-urlencoded`): 415 for anything else, 413
/// over the body limit, 400 `bad_form` when the fields do not fit.
pub(crate) struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Form::<T>::from_request(request, state)
            .await
            .map(|f| Form(f.0))
            .map_err(|rejection| match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => body_too_large(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the form as `application/x-www-form-urlencoded`",
                ),
                _ => AppError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_form",
                    format!("the form could not be read: {}", rejection.body_text()),
                ),
            })
    }
}

/// A query string: 400 `bad_query` when it does not fit.
pub(crate) struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|rejection| {
                AppError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_query",
                    format!(
                        "the query string could not be read: {}",
                        rejection.body_text()
                    ),
                )
            })
    }
}

/// Path parameters: 400 `bad_path` when they do not fit (such as bytes that are not
/// UTF-8 once percent-decoded).
pub(crate) struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|rejection| {
                AppError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_path",
                    format!("the address could not be read: {}", rejection.body_text()),
                )
            })
    }
}

/// An attempt id from a path: a positive whole number, else 404 `unknown_attempt`.
pub(crate) fn attempt_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| unknown_attempt(text))
}

/// The error for an attempt that does not exist.
pub(crate) fn unknown_attempt(id: &str) -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "unknown_attempt",
        format!("there is no attempt {id}"),
    )
}

/// A form that carries only the page's token (a button that deletes, leaves, renews…).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    pub(crate) csrf: String,
}
