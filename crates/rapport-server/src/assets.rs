//! The stylesheet and scripts, compiled into the binary and served from memory, so the
//! server needs no files beside it (and the Content-Security-Policy can forbid anything
//! inline).

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

/// The routes of the static files.
pub(crate) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route("/static/voice.js", get(voice_script))
}

/// `static/app.css`: the look of every page.
async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../static/app.css"),
    )
}

/// `static/app.js`: the live checklist, countdown and drafts of the practice page, and
/// the small helpers of other pages.
async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../static/app.js"),
    )
}

/// `static/voice.js`: the recorder of the practice and mock question pages, which sends
/// the recording to `POST /api/transcribe` and puts the transcript in the answer box.
async fn voice_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../static/voice.js"),
    )
}
