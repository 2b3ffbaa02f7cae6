//! The request log: one line per request (request id, method, path, status,
//! milliseconds, and on a server with accounts the user's name) and one per internal failure, through `tracing`. Never the query string
//! (it can carry the user's own question), a body, an answer or a header.
//!
//! Every request gets an id, sent back as `X-Request-Id` and in the body of every JSON
//! error (`request_id`), and carried by every line logged while it is served, so that a
//! user's report of an error leads to its lines in the log.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

tokio::task_local! {
    /// The id of the request being served.
    static REQUEST_ID: String;
}

/// The id of the request being served, when there is one.
pub(crate) fn request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A new request id: this process's random prefix and a count, so that ids are unique
/// across restarts and servers without any coordination.
fn next_id() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| crate::random_token()[..8].to_owned());
    format!("{prefix}-{}", COUNT.fetch_add(1, Ordering::Relaxed) + 1)
}

/// Logs each request once its response is ready: errors (5xx) at `error`, refusals (4xx)
/// at `warn`, the rest at `info`.
pub(crate) async fn requests(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    // The path only: ids of guides and attempts, never the user's words.
    let path = request.uri().path().to_owned();
    let id = next_id();
    let span = tracing::info_span!("request", id = %id);
    let start = Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(request))
        .instrument(span.clone())
        .await;
    let status = response.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let ms = format!("{ms:.1}");
    // Whose request: the signed-in user's name on a server with accounts.
    let user = response
        .extensions()
        .get::<crate::accounts::ServedUser>()
        .map_or_else(|| "-".to_owned(), |u| u.0.clone());
    let _in = span.enter();
    match status {
        500.. => tracing::error!(%method, path, status, ms, user, "request"),
        400..=499 => tracing::warn!(%method, path, status, ms, user, "request"),
        _ => tracing::info!(%method, path, status, ms, user, "request"),
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Where the log goes and how much of it: standard error, at the level named by
/// `RAPPORT_LOG` (`off`, `error`, `warn`, `info`, `debug`; `info` when unset). A second
/// call does nothing. An unknown level is an error naming the ones there are.
pub fn init() -> Result<(), String> {
    let level = match std::env::var("RAPPORT_LOG")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "info" => tracing::level_filters::LevelFilter::INFO,
        "off" => tracing::level_filters::LevelFilter::OFF,
        "error" => tracing::level_filters::LevelFilter::ERROR,
        "warn" => tracing::level_filters::LevelFilter::WARN,
        "debug" => tracing::level_filters::LevelFilter::DEBUG,
        other => {
            return Err(format!(
                "RAPPORT_LOG={other} is not a log level: use off, error, warn, info or debug"
            ));
        }
    };
    // Already set (a test, or a second server in one process): keep the first.
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false)
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .try_init();
    Ok(())
}
