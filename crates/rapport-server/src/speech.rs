//! Speech to text on this machine: `POST /api/transcribe` takes a WAV recording and gives
//! back the transcript, its word timings and the delivery measured on the audio. The
//! audio is held in memory for the request only and never logged; only a user who chose
//! to keep recordings has it held until the answer is saved with it (see
//! `recordings.rs`).

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use rapport_speech::{AudioDelivery, AudioError, TranscribeError, Word};
use rapport_store::NewRecording;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{AttemptJson, ModeName, save_attempt};
use crate::scoring::{self, Made, Question};

use crate::error::ErrorBody;
use crate::{AppError, AppState};

/// The largest recording accepted: five minutes of 48 kHz stereo 16-bit WAV, with room.
pub const MAX_AUDIO_BYTES: usize = 64 * 1024 * 1024;

/// The media types of a recording: WAV, and the browser's recordings (Opus in WebM, as
/// Chromium and Firefox record, or in Ogg). The bytes are told apart by their own header.
const AUDIO_TYPES: [&str; 6] = [
    "audio/wav",
    "audio/x-wav",
    "audio/wave",
    "audio/vnd.wave",
    "audio/webm",
    "audio/ogg",
];

pub(crate) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route(
            "/api/transcribe",
            post(transcribe)
                .layer(DefaultBodyLimit::max(MAX_AUDIO_BYTES))
                .get(status),
        )
        .route(
            "/api/attempts/spoken",
            post(spoken_attempt).layer(DefaultBodyLimit::max(MAX_AUDIO_BYTES)),
        )
}

/// Whether recordings can be transcribed now.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpeechStatus {
    /// The speech model is loaded.
    pub ready: bool,
    /// What to do when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'static str>,
    /// Whether the user keeps recordings with their attempts (the `keep_recordings`
    /// setting), so that a page can say what happens to a recording.
    pub keeps_recordings: bool,
}

/// Whether the speech model is loaded (it loads in the background after the server
/// starts), so that a page can say so before anyone speaks.
#[utoipa::path(
    get,
    path = "/api/transcribe",
    responses((status = 200, description = "Whether transcription is available", body = SpeechStatus))
)]
pub(crate) async fn status(
    State(state): State<AppState>,
) -> Result<axum::Json<SpeechStatus>, AppError> {
    let ready = state.speech().is_some();
    Ok(axum::Json(SpeechStatus {
        ready,
        message: (!ready).then_some(UNAVAILABLE),
        keeps_recordings: crate::recordings::settings(&state).await?.keep_recordings,
    }))
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
    /// When the user keeps recordings: the token to send with the answer
    /// (`recordings` of the practice form or of `POST /api/attempts`) so that the
    /// recording is kept with it. Absent otherwise: the recording is already forgotten.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording: Option<String>,
}

/// Transcribes a recording (WAV, PCM or float, at 8 to 192 kHz; or Opus in WebM or Ogg,
/// as browsers record; at most five minutes) on this machine. Nothing is saved; a user
/// who keeps recordings gets a token to keep this one with the answer.
#[utoipa::path(
    post,
    path = "/api/transcribe",
    request_body(content = Vec<u8>, content_type = "audio/wav", description = "A recording: `audio/wav`, `audio/webm` or `audio/ogg`"),
    responses(
        (status = 200, description = "The transcript", body = TranscriptJson),
        (status = 413, description = "Over five minutes or 64 MiB (`audio_too_long`, `body_too_large`)", body = ErrorBody),
        (status = 415, description = "Not WAV, WebM or Ogg, or a WAV codec other than PCM or float (`unsupported_media_type`, `audio_unsupported`, `audio_codec`)", body = ErrorBody),
        (status = 422, description = "Empty, corrupt, silent or at an unusable sample rate (`audio_empty`, `audio_corrupt`, `audio_silent`, `audio_sample_rate`)", body = ErrorBody),
        (status = 503, description = "The speech model is not installed (`speech_unavailable`)", body = ErrorBody)
    )
)]
pub(crate) async fn transcribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<axum::Json<TranscriptJson>, AppError> {
    let keep = crate::recordings::settings(&state).await?.keep_recordings;
    let (transcript, received) = heard(&state, &headers, body).await?;
    let recording = keep.then(|| {
        state.held().hold(
            &crate::accounts::user_id(),
            received.kept(transcript.delivery.seconds),
        )
    });
    Ok(axum::Json(TranscriptJson {
        transcript: transcript.text,
        words: transcript.words,
        delivery: transcript.delivery,
        recording,
    }))
}

/// Where a spoken attempt answers: a guide, or a free question; and how it was made.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpokenQuery {
    /// The guide's id.
    pub question_id: Option<String>,
    /// A free question, matched to the closest guide.
    pub question_text: Option<String>,
    /// `practice` (default), `timed` or `mock`.
    #[serde(default)]
    pub mode: ModeName,
    /// Seconds the user took.
    pub seconds_taken: Option<u32>,
}

/// A saved spoken attempt: the attempt, and what was heard.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpokenAttemptJson {
    /// The saved attempt (its answer is the transcript).
    #[serde(flatten)]
    pub attempt: AttemptJson,
    /// What was said.
    pub transcript: String,
    /// Delivery measured on the audio.
    #[schema(value_type = Object)]
    pub delivery: AudioDelivery,
}

/// Transcribes a recording on this machine, scores the transcript and saves it as an
/// attempt, with the recording when the user keeps recordings. Nothing is saved when the recording or the
/// transcript is refused.
#[utoipa::path(
    post,
    path = "/api/attempts/spoken",
    params(SpokenQuery),
    request_body(content = Vec<u8>, content_type = "audio/wav", description = "A recording: `audio/wav`, `audio/webm` or `audio/ogg`"),
    responses(
        (status = 201, description = "The saved attempt with the transcript and the delivery heard", body = SpokenAttemptJson),
        (status = 404, description = "Unknown guide (`unknown_guide`)", body = ErrorBody),
        (status = 413, description = "Over five minutes or 64 MiB", body = ErrorBody),
        (status = 415, description = "Not a recording Rapport reads", body = ErrorBody),
        (status = 422, description = "Empty, corrupt or silent recording, or a transcript that cannot be scored", body = ErrorBody),
        (status = 503, description = "The speech model is not installed (`speech_unavailable`)", body = ErrorBody)
    )
)]
pub(crate) async fn spoken_attempt(
    State(state): State<AppState>,
    Query(query): Query<SpokenQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    // The question first, so that a typo costs no transcription.
    let question = Question::from_fields(query.question_id, query.question_text)?;
    if let Question::Id(id) = &question {
        scoring::guide(&state, id)?;
    }
    let keep = crate::recordings::settings(&state).await?.keep_recordings;
    let (transcript, received) = heard(&state, &headers, body).await?;
    let report = scoring::score(&state, question, transcript.text.clone(), false).await?;
    let made = Made {
        mode: query.mode.mode(),
        seconds_taken: query.seconds_taken,
        session_id: None,
        recordings: if keep {
            vec![received.kept(transcript.delivery.seconds)]
        } else {
            Vec::new()
        },
        held: Vec::new(),
        audio: serde_json::to_value(&transcript.delivery).ok(),
    };
    let attempt = save_attempt(&state, &report, transcript.text.clone(), made).await?;
    let json = SpokenAttemptJson {
        attempt,
        transcript: transcript.text,
        delivery: transcript.delivery,
    };
    Ok((StatusCode::CREATED, axum::Json(json)).into_response())
}

/// A recording as received.
struct Received {
    /// Its media type, as the request named it (lower case, without parameters).
    media_type: String,
    bytes: axum::body::Bytes,
}

impl Received {
    /// The recording to keep, `seconds` long.
    fn kept(self, seconds: f32) -> NewRecording {
        NewRecording {
            media_type: self.media_type,
            seconds,
            audio: self.bytes.to_vec(),
        }
    }
}

/// Reads a recording's body and transcribes it, off the async workers, one per core.
async fn heard(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<(rapport_speech::Transcript, Received), AppError> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !AUDIO_TYPES.contains(&kind.as_str()) {
        return Err(AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "send the recording as `audio/wav`, `audio/webm` or `audio/ogg` (got `{}`)",
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
    let decoded = bytes.clone();
    let transcript = tokio::task::spawn_blocking(move || {
        let audio = rapport_speech::audio::decode(&decoded)?;
        speech.transcribe(&audio)
    })
    .await
    .map_err(|_| internal("the speech model could not finish"))?
    .map_err(transcribe_error)?;
    Ok((
        transcript,
        Received {
            media_type: kind,
            bytes,
        },
    ))
}

const UNAVAILABLE: &str = "the speech model is not installed or still loading: if this lasts, run \
     `rapport model install` and start the server again";

fn unavailable() -> AppError {
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "speech_unavailable",
        UNAVAILABLE,
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
