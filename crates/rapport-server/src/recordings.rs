//! Recordings kept with attempts, only for a user who chose to keep them
//! (`keep_recordings`, on `/settings` or `PUT /api/settings`).
//!
//! A recording is transcribed before its answer is scored, so between the two the
//! server holds it in memory ([`Held`]) under a random token that `POST /api/transcribe`
//! returns; the page sends the tokens with its answer and the recordings are saved with
//! the attempt in one transaction. Nothing is held for a user who keeps no recordings,
//! and what is held is forgotten after [`HOLD_FOR`] or when more than [`HELD_BYTES`] are
//! held. Kept recordings are played from `/attempts/{id}/recordings/{n}`, listed by
//! `GET /api/attempts/{id}/recordings`, and deleted with their attempt or all at once.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rapport_store::{NewRecording, RecordingInfo, Settings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ErrorBody;
use crate::extract::{Form, Json, Path, TokenForm, attempt_id};
use crate::scoring::{self, store_error};
use crate::security::check_form_token;
use crate::{AppError, AppState};

/// How long a recording is held, waiting for its answer to be saved.
pub(crate) const HOLD_FOR: Duration = Duration::from_secs(2 * 3600);

/// The most bytes held at once; the oldest recordings are forgotten first.
pub(crate) const HELD_BYTES: usize = 256 * 1024 * 1024;

/// The most recordings one answer keeps.
pub(crate) const MAX_PER_ANSWER: usize = 20;

/// Recordings waiting for their answer to be saved.
#[derive(Default)]
pub(crate) struct Held {
    waiting: Mutex<VecDeque<Waiting>>,
}

struct Waiting {
    token: String,
    user_id: String,
    since: Instant,
    recording: NewRecording,
}

impl Held {
    /// Holds a recording of the user's and returns the token it can be taken with.
    pub(crate) fn hold(&self, user_id: &str, recording: NewRecording) -> String {
        let token = crate::random_token();
        let mut waiting = self.lock();
        waiting.push_back(Waiting {
            token: token.clone(),
            user_id: user_id.to_owned(),
            since: Instant::now(),
            recording,
        });
        forget_old(&mut waiting);
        token
    }

    /// Copies of the user's recordings with these tokens, in the tokens' order (at most
    /// [`MAX_PER_ANSWER`]); tokens that are unknown, another user's or forgotten are
    /// skipped. They stay held until [`Held::forget`], so that an answer that cannot be
    /// saved keeps them for the next try.
    pub(crate) fn copies(&self, user_id: &str, tokens: &[String]) -> Vec<NewRecording> {
        let mut waiting = self.lock();
        forget_old(&mut waiting);
        tokens
            .iter()
            .take(MAX_PER_ANSWER)
            .filter_map(|token| {
                waiting
                    .iter()
                    .find(|w| w.token == *token && w.user_id == user_id)
                    .map(|w| w.recording.clone())
            })
            .collect()
    }

    /// Forgets the user's recordings with these tokens (once saved with their answer).
    pub(crate) fn forget(&self, user_id: &str, tokens: &[String]) {
        self.lock()
            .retain(|w| w.user_id != user_id || !tokens.contains(&w.token));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Waiting>> {
        // A panic while holding the lock leaves a queue that is still whole.
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Forgets recordings held too long, then the oldest while too many bytes are held.
fn forget_old(waiting: &mut VecDeque<Waiting>) {
    waiting.retain(|w| w.since.elapsed() < HOLD_FOR);
    let mut bytes: usize = waiting.iter().map(|w| w.recording.audio.len()).sum();
    while bytes > HELD_BYTES {
        match waiting.pop_front() {
            Some(w) => bytes -= w.recording.audio.len(),
            None => break,
        }
    }
}

/// The tokens of a form field: separated by spaces or commas.
pub(crate) fn tokens(field: &str) -> Vec<String> {
    field
        .split([' ', ','])
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/settings", get(settings_page).post(save_settings))
        .route("/settings/recordings/delete", post(delete_all))
        .route("/attempts/{id}/recordings/{n}", get(play))
        .route("/api/attempts/{id}/recordings", get(list))
        .route("/api/settings", get(get_settings).put(put_settings))
}

/// The local user's settings.
pub(crate) async fn settings(state: &AppState) -> Result<Settings, AppError> {
    state
        .store()
        .settings(&crate::accounts::user_id())
        .await
        .map_err(store_error)
}

/// `/settings`.
#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    csrf: String,
    keep_recordings: bool,
    /// What was just done, to say so.
    done: Option<String>,
}

#[derive(Deserialize)]
struct SettingsQuery {
    done: Option<String>,
}

async fn settings_page(
    State(state): State<AppState>,
    crate::extract::Query(query): crate::extract::Query<SettingsQuery>,
) -> Result<Response, AppError> {
    let settings = settings(&state).await?;
    let done = match query.done.as_deref() {
        Some("saved") => Some("Settings saved.".to_owned()),
        Some(n) if n.parse::<u64>().is_ok() => Some(match n {
            "0" => "There were no kept recordings to delete.".to_owned(),
            "1" => "1 recording deleted.".to_owned(),
            n => format!("{n} recordings deleted."),
        }),
        _ => None,
    };
    crate::pages::page(&SettingsPage {
        csrf: state.csrf_token().to_owned(),
        keep_recordings: settings.keep_recordings,
        done,
    })
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    csrf: String,
    /// Present (any value) when the box is ticked.
    keep_recordings: Option<String>,
}

async fn save_settings(
    State(state): State<AppState>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let settings = Settings {
        keep_recordings: form.keep_recordings.is_some(),
    };
    set(&state, &settings).await?;
    Ok(Redirect::to("/settings?done=saved").into_response())
}

async fn delete_all(
    State(state): State<AppState>,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let deleted = state
        .store()
        .delete_recordings(&crate::accounts::user_id())
        .await
        .map_err(store_error)?;
    Ok(Redirect::to(&format!("/settings?done={deleted}")).into_response())
}

async fn set(state: &AppState, settings: &Settings) -> Result<(), AppError> {
    state
        .store()
        .set_settings(&crate::accounts::user_id(), settings)
        .await
        .map_err(store_error)
}

/// The user's settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsJson {
    /// Keep the recordings of spoken answers with their attempts (off unless chosen).
    pub keep_recordings: bool,
}

/// The user's settings.
#[utoipa::path(
    get,
    path = "/api/settings",
    responses((status = 200, description = "The settings", body = SettingsJson))
)]
pub(crate) async fn get_settings(
    State(state): State<AppState>,
) -> Result<axum::Json<SettingsJson>, AppError> {
    let settings = settings(&state).await?;
    Ok(axum::Json(SettingsJson {
        keep_recordings: settings.keep_recordings,
    }))
}

/// Changes the user's settings. Turning `keep_recordings` off keeps the recordings
/// already kept: `/settings` deletes them.
#[utoipa::path(
    put,
    path = "/api/settings",
    request_body = SettingsJson,
    responses(
        (status = 200, description = "The settings now", body = SettingsJson),
        (status = 400, description = "Not the settings document (`invalid_json`)", body = ErrorBody)
    )
)]
pub(crate) async fn put_settings(
    State(state): State<AppState>,
    Json(body): Json<SettingsJson>,
) -> Result<axum::Json<SettingsJson>, AppError> {
    set(
        &state,
        &Settings {
            keep_recordings: body.keep_recordings,
        },
    )
    .await?;
    Ok(axum::Json(body))
}

/// A recording kept with an attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordingJson {
    /// From 1, in the order they were made.
    pub position: u32,
    /// `audio/wav`, `audio/webm` or `audio/ogg`.
    pub media_type: String,
    /// Its length in seconds.
    pub seconds: f32,
    /// Its size in bytes.
    pub size: u64,
    /// Where to play or download it.
    pub url: String,
}

impl RecordingJson {
    pub(crate) fn new(attempt_id: i64, info: RecordingInfo) -> RecordingJson {
        RecordingJson {
            url: play_url(attempt_id, info.position),
            position: info.position,
            media_type: info.media_type,
            seconds: info.seconds,
            size: info.size,
        }
    }
}

/// Where a kept recording is played from.
pub(crate) fn play_url(attempt_id: i64, position: u32) -> String {
    format!("/attempts/{attempt_id}/recordings/{position}")
}

/// The recordings kept with one of the user's attempts (none unless the user keeps
/// recordings).
#[utoipa::path(
    get,
    path = "/api/attempts/{id}/recordings",
    params(("id" = i64, Path, description = "The attempt's id")),
    responses(
        (status = 200, description = "The recordings, in order", body = Vec<RecordingJson>),
        (status = 404, description = "No such attempt (`unknown_attempt`)", body = ErrorBody)
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<RecordingJson>>, AppError> {
    let attempt = scoring::attempt(&state, attempt_id(&id)?).await?;
    let infos = recordings_of(&state, attempt.id).await?;
    Ok(axum::Json(
        infos
            .into_iter()
            .map(|i| RecordingJson::new(attempt.id, i))
            .collect(),
    ))
}

/// What is known of the recordings kept with one of the local user's attempts.
pub(crate) async fn recordings_of(
    state: &AppState,
    attempt_id: i64,
) -> Result<Vec<RecordingInfo>, AppError> {
    state
        .store()
        .recordings(&crate::accounts::user_id(), attempt_id)
        .await
        .map_err(store_error)
}

/// One kept recording, as its bytes.
async fn play(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = attempt_id(&id)?;
    let missing = || {
        AppError::new(
            StatusCode::NOT_FOUND,
            "unknown_recording",
            format!("attempt {id} has no recording {n}"),
        )
    };
    let position = n.parse::<u32>().map_err(|_| missing())?;
    let recording = state
        .store()
        .recording(&crate::accounts::user_id(), id, position)
        .await
        .map_err(store_error)?
        .ok_or_else(missing)?;
    Ok((
        [
            (header::CONTENT_TYPE, recording.info.media_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        recording.audio,
    )
        .into_response())
}
