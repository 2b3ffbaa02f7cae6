//! Speech to text on this machine: `POST /api/transcribe` takes a WAV recording and gives
//! back the transcript, its word timings and the delivery measured on the audio. The
//! audio is held in memory for the request only; nothing is saved or logged.

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use rapport_speech::{AudioDelivery, AudioError, TranscribeError, Word};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ErrorBody;
use crate::{AppError, AppState};

/// The largest recording accepted: five minutes of 48 kHz stereo 16-bit WAV, with room.
pub const MAX_AUDIO_BYTES: usize = 64 * 1024 * 1024;

/// The media types of a WAV body.
const WAV_TYPES: [&str; 4] = ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"];

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/transcribe",
        post(transcribe).layer(DefaultBodyLimit::max(MAX_AUDIO_BYTES)),
    )
}

/// A transcript.
#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptJson {
    /// What was said.
    pub transcript: String,
    /// Each word and when it was said (seconds from the start; times within a phrase
    /// are shared out by word length).
    #[schema(value_type = Vec<Object>)]
    pub words: Vec<Word>,
    /// Delivery measured on the audio: length, speaking time, words per minute, pauses,
    /// long silences and fillers (`fillers_uncertain`: the model tends to drop them).
    #[schema(value_type = Object)]
    pub delivery: AudioDelivery,
}

/// Transcribes a recording (WAV: PCM or float, any rate from 8 to 192 kHz, at most five
/// minutes) on this machine. Nothing is saved.
#[utoipa::path(
    post,
    path = "/api/transcribe",
    request_body(content = Vec<u8>, content_type = "audio/wav", description = "A WAV recording"),
    responses(
        (status = 200, description = "The transcript", body = TranscriptJson),
        (status = 413, description = "Over five minutes or 64 MiB (`audio_too_long`, `body_too_large`)", body = ErrorBody),
        (status = 415, description = "Not WAV, or a WAV codec other than PCM or float (`unsupported_media_type`, `audio_unsupported`, `audio_codec`)", body = ErrorBody),
        (status = 422, description = "Empty, corrupt, silent or at an unusable sample rate (`audio_empty`, `audio_corrupt`, `audio_silent`, `audio_sample_rate`)", body = ErrorBody),
        (status = 503, description = "The speech model is not installed (`speech_unavailable`)", body = ErrorBody)
    )
)]
pub(crate) async fn transcribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<axum::Json<TranscriptJson>, AppError> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !WAV_TYPES.contains(&kind.as_str()) {
        return Err(AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "send the recording as WAV with `Content-Type: audio/wav` (got `{}`)",
                if kind.is_empty() { "none" } else { &kind }
            ),
        ));
    }
    let Some(speech) = state.speech().cloned() else {
        return Err(unavailable());
    };
    let bytes = axum::body::to_bytes(body, MAX_AUDIO_BYTES)
        .await
        .map_err(|_| {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!(
                    "the recording is larger than {} MiB",
                    MAX_AUDIO_BYTES / 1024 / 1024
                ),
            )
        })?;
    let _slot = state
        .scoring_slots()
        .acquire()
        .await
        .map_err(|_| internal("the server is shutting down"))?;
    let transcript = tokio::task::spawn_blocking(move || {
        let audio = rapport_speech::audio::decode(&bytes)?;
        speech.transcribe(&audio)
    })
    .await
    .map_err(|_| internal("the speech model could not finish"))?
    .map_err(transcribe_error)?;
    Ok(axum::Json(TranscriptJson {
        transcript: transcript.text,
        words: transcript.words,
        delivery: transcript.delivery,
    }))
}

fn unavailable() -> AppError {
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "speech_unavailable",
        "the speech model is not installed: run `rapport model install`, then start the server again",
    )
}

fn internal(message: &str) -> AppError {
    tracing::error!("transcription failed: {message}");
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
}

/// A refused recording as an HTTP error: its stable code and the user's words.
pub(crate) fn transcribe_error(err: TranscribeError) -> AppError {
    match err {
        TranscribeError::Audio(a) => {
            let status = match a {
                AudioError::TooLong { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                AudioError::Unsupported { .. } | AudioError::Codec { .. } => {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            AppError::new(status, a.code(), a.to_string())
        }
        TranscribeError::Model(m) => internal(&m.to_string()),
    }
}
