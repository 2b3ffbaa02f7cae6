//! The request log: one line per request (method, path, status, milliseconds) and one per
//! internal failure, through `tracing`. Never the query string (it can carry the user's
//! own question), a body, an answer or a header.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// Logs each request once its response is ready: errors (5xx) at `error`, refusals (4xx)
/// at `warn`, the rest at `info`.
pub(crate) async fn requests(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    // The path only: ids of guides and attempts, never the user's words.
    let path = request.uri().path().to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let ms = format!("{ms:.1}");
    match status {
        500.. => tracing::error!(%method, path, status, ms, "request"),
        400..=499 => tracing::warn!(%method, path, status, ms, "request"),
        _ => tracing::info!(%method, path, status, ms, "request"),
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
