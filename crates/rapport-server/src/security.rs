//! What keeps other web sites out of a server that listens on the user's own machine:
//! the Host check (against DNS rebinding), the Origin and `Sec-Fetch-Site` checks and
//! the form token (against cross-site requests), the body limit, and the security
//! headers every response carries.
//!
//! The browser is the threat model: any page the user visits can make their browser
//! send requests to `http://127.0.0.1:PORT`. Such a page cannot read the answers (no
//! CORS headers are ever sent), and these checks stop it from changing anything. JSON
//! endpoints need `Content-Type: application/json` (see `extract.rs`), which a
//! cross-site page can only send after a CORS preflight that this server never answers.

use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::{AppError, AppState};

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The Content-Security-Policy of every response: nothing inline, nothing from
/// elsewhere. Pages keep their scripts and styles in `/static/`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/// Checks a form's `csrf` field against the server's token. Every handler of an HTML
/// form post calls this (the `guard` layer checks it too, before the handler runs).
pub(crate) fn check_form_token(state: &AppState, token: &str) -> Result<(), AppError> {
    if constant_time_eq(token.as_bytes(), state.csrf_token().as_bytes()) {
        Ok(())
    } else {
        Err(AppError::new(
            StatusCode::FORBIDDEN,
            "bad_csrf_token",
            "the form's security token is missing or out of date: reload the page and try again",
        ))
    }
}

/// Compares two byte strings in time that depends only on their lengths, so the token
/// cannot be guessed byte by byte from response times.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `Host` values this server answers to: the loopback names on its port, and its
/// own address when it listens somewhere else.
pub(crate) fn allowed_hosts(state: &AppState) -> Vec<String> {
    let addr = state.config().addr;
    let port = addr.port();
    let mut hosts = vec![
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    let own = addr.to_string();
    if !addr.ip().is_unspecified() && !hosts.contains(&own) {
        hosts.push(own);
    }
    // The address people open a server with accounts at (`--public-url`).
    if let Some(public) = state
        .config()
        .accounts
        .as_ref()
        .and_then(|a| a.public_host())
        .filter(|p| !hosts.iter().any(|h| h == p))
    {
        hosts.push(public.to_owned());
    }
    // On the default port browsers leave the port out of `Host` and `Origin`.
    if port == 80 {
        let bare: Vec<String> = hosts
            .iter()
            .filter_map(|h| h.strip_suffix(":80").map(str::to_owned))
            .collect();
        hosts.extend(bare);
    }
    hosts
}

/// The layer over the whole app: refuses requests for other host names and cross-site
/// state changes, checks form tokens, and adds the security headers to every response.
pub(crate) async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // A form post to a page comes from a person at a page: a refusal is a page too,
    // never JSON. The JSON API keeps its JSON errors, whatever the body.
    let form = changes_state(request.method())
        && is_form(request.headers())
        && !crate::is_api(request.uri().path());
    let mut response = match check(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) if form => crate::pages::refused(&state, &refusal.error, refusal.resend),
        Err(refusal) => refusal.error.into_response(),
    };
    add_headers(response.headers_mut());
    response
}

/// A request the checks refused.
struct Refusal {
    error: AppError,
    /// For a form refused only for its token: where it was posted and its fields, so
    /// that the page can offer to send it again.
    resend: Option<(String, Vec<(String, String)>)>,
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Refusal {
        Refusal {
            error,
            resend: None,
        }
    }
}

/// Runs the checks; gives back the request (its body re-assembled when it was read).
async fn check(state: &AppState, request: Request) -> Result<Request, Refusal> {
    let hosts = allowed_hosts(state);
    check_host(&request, &hosts)?;
    if !changes_state(request.method()) {
        return Ok(request);
    }
    let public_origin = state
        .config()
        .accounts
        .as_ref()
        .and_then(|a| a.public_origin.as_deref());
    check_origin(request.headers(), &hosts, public_origin)?;
    if is_form(request.headers()) {
        return check_form(state, request).await;
    }
    Ok(request)
}

/// Refuses a request whose `Host` is not this server: a page on `evil.example` whose
/// name was rebound to 127.0.0.1 still sends `Host: evil.example`. (HTTP/2 requests
/// carry the host in the URI's authority instead.)
fn check_host(request: &Request, hosts: &[String]) -> Result<(), AppError> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .unwrap_or("");
    if hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
        Ok(())
    } else {
        Err(AppError::new(
            StatusCode::FORBIDDEN,
            "bad_host",
            format!(
                "this server only answers to {}; open it at that address",
                hosts.join(", ")
            ),
        ))
    }
}

/// Whether a method changes state, and so must come from this server's own pages.
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a state-changing request that a browser says comes from another site.
///
/// `Sec-Fetch-Site` must be `same-origin` when a browser sends it (`same-site` is
/// refused too: another server on `localhost` is the same site on another port). An
/// `Origin` must be this server, except `null`: browsers send that for a form posted
/// under `Referrer-Policy: no-referrer`, which this server sets, so a `null` origin is
/// accepted only when `Sec-Fetch-Site` vouches that the request is same-origin.
fn check_origin(
    headers: &HeaderMap,
    hosts: &[String],
    public_origin: Option<&str>,
) -> Result<(), AppError> {
    let cross = || {
        AppError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "requests that change data must come from Rapport's own pages",
        )
    };
    let site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or("invalid").to_ascii_lowercase());
    if site
        .as_deref()
        .is_some_and(|s| s != "same-origin" && s != "none")
    {
        return Err(cross());
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().map_err(|_| cross())?;
        let ours = origin
            .strip_prefix("http://")
            .is_some_and(|host| hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
            || public_origin.is_some_and(|p| p.eq_ignore_ascii_case(origin));
        let vouched = origin == "null" && site.as_deref() == Some("same-origin");
        if !ours && !vouched {
            return Err(cross());
        }
    }
    Ok(())
}

/// Whether the body is an HTML form (`application/x-www-form-urlencoded`).
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The one field of a form this layer reads.
#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    csrf: String,
}

/// Reads a form post's body (within the limit), checks that its fields are UTF-8 and
/// its `csrf` field, and puts the body back for the handler.
async fn check_form(state: &AppState, request: Request) -> Result<Request, Refusal> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(body_too_large().into());
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| body_too_large())?;
    if !form_is_utf8(&bytes) {
        return Err(AppError::new(
            StatusCode::BAD_REQUEST,
            "not_utf8",
            "the form's text is not UTF-8",
        )
        .into());
    }
    // The login form has no session to take a token from; the Origin check and the
    // cookie's SameSite keep other sites from logging anyone in.
    if parts.uri.path() == "/login" {
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    let probe = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
    let token = axum::extract::Form::<Token>::from_request(probe, &())
        .await
        .map(|f| f.0.csrf)
        .unwrap_or_default();
    if let Err(error) = check_form_token(state, &token) {
        // Only a token that is there but out of date (the server started again since
        // the page was loaded) is offered to send again: a post with no token at all did
        // not come from one of this server's pages.
        let resend = if token.is_empty() {
            None
        } else {
            let probe = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
            axum::extract::Form::<Vec<(String, String)>>::from_request(probe, &())
                .await
                .ok()
                .map(|f| (parts.uri.path().to_owned(), f.0))
        };
        return Err(Refusal { error, resend });
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Whether every name and value of a form body decodes to UTF-8 (a browser sends the
/// page's encoding, UTF-8 here; a body in another encoding would be saved garbled). As
/// in the decoder, a `%` not followed by two hex digits stands for itself.
fn form_is_utf8(body: &[u8]) -> bool {
    let hex = |b: u8| char::from(b).to_digit(16).map(|d| d as u8);
    body.split(|b| *b == b'&').all(|pair| {
        let mut out = Vec::with_capacity(pair.len());
        let mut i = 0;
        while i < pair.len() {
            let escaped = pair
                .get(i + 1..i + 3)
                .filter(|_| pair[i] == b'%')
                .and_then(|h| Some(hex(h[0])? * 16 + hex(h[1])?));
            match (escaped, pair[i]) {
                (Some(b), _) => {
                    out.push(b);
                    i += 3;
                }
                (None, b'+') => {
                    out.push(b' ');
                    i += 1;
                }
                (None, b) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        std::str::from_utf8(&out).is_ok()
    })
}

/// The error for a body over [`MAX_BODY_BYTES`].
pub(crate) fn body_too_large() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!(
            "the request body is larger than {} KiB",
            MAX_BODY_BYTES / 1024
        ),
    )
}

/// Adds the security headers to a response.
fn add_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

#[cfg(test)]
mod tests {
    use super::{constant_time_eq, form_is_utf8};

    #[test]
    fn form_bodies_must_decode_to_utf8() {
        assert!(form_is_utf8(b"answer=caf%C3%A9+ok&csrf=abc"));
        assert!(form_is_utf8(b""));
        assert!(form_is_utf8("answer=café".as_bytes()));
        // Latin-1 "café": %E9 alone is not UTF-8.
        assert!(!form_is_utf8(b"answer=caf%E9"));
        assert!(!form_is_utf8(b"answer=caf\xe9"));
        // A `%` that escapes nothing is itself.
        assert!(form_is_utf8(b"answer=100%ZZ"));
        assert!(form_is_utf8(b"answer=50%"));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
