//! Scoring an answer and saving it as an attempt, shared by the JSON API and the pages,
//! so both refuse the same bad input with the same error codes and save the same record.
//!
//! An attempt is saved only once it has been scored, in one store call: a rejected
//! answer leaves nothing behind.

use axum::http::StatusCode;
use rapport_engine::{Comparison, MAX_ANSWER_CHARS, Report, ScoreError};
use rapport_pack::Guide;
use rapport_store::{Attempt, AttemptFilter, Mode, NewAttempt, Source, StepResult};

use crate::contract::ReportJson;
use crate::saved::ReportDoc;
use crate::{AppError, AppState};

/// What an answer answers: a guide by id, or a free question.
#[derive(Debug, Clone)]
pub(crate) enum Question {
    /// A guide's id.
    Id(String),
    /// A question in the user's words, matched to the closest guide.
    Text(String),
}

impl Question {
    /// From the two optional request fields; exactly one must be given.
    pub(crate) fn from_fields(
        id: Option<String>,
        text: Option<String>,
    ) -> Result<Question, AppError> {
        match (id, text) {
            (Some(id), None) => Ok(Question::Id(id)),
            (None, Some(text)) => Ok(Question::Text(text)),
            (Some(_), Some(_)) => Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "ambiguous_question",
                "give either `question_id` or `question_text`, not both",
            )),
            (None, None) => Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing_question",
                "give `question_id` (a guide's id) or `question_text` (a free question)",
            )),
        }
    }
}

/// Scores an answer off the async threads (the semantic engine embeds sentences, which
/// takes a while). With `live`, sentence vectors are shared through the live cache.
pub(crate) async fn score(
    state: &AppState,
    question: Question,
    answer: String,
    live: bool,
) -> Result<Report, AppError> {
    // The cheap check first, so a huge answer costs nothing more.
    let chars = answer.chars().count();
    if chars > MAX_ANSWER_CHARS {
        return Err(score_error(ScoreError::TooLong { chars }));
    }
    let run = move |state: &AppState| {
        let engine = state.engine();
        match question {
            Question::Id(id) if live => engine.score_live(&id, &answer, state.live_cache()),
            Question::Id(id) => engine.score(&id, &answer),
            Question::Text(text) => engine.score_question_text(&text, &answer),
        }
    };
    with_engine(state, run).await?.map_err(score_error)
}

/// Runs `work` on the engine: right here for the rules, off the async threads for the
/// model.
pub(crate) async fn with_engine<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&AppState) -> T + Send + 'static,
) -> Result<T, AppError> {
    // The rules take well under a millisecond: scoring right here on the async worker
    // costs less than handing over to another thread, and the runtime's one worker per
    // core keeps requests first come, first served.
    if state.engine().engine_name() == "lexical" {
        return Ok(work(state));
    }
    // The model takes tens of milliseconds, so it runs off the async workers, one answer
    // per core at a time: more threads than cores would only share the cores unfairly
    // and stretch the slowest requests.
    let _slot = state
        .scoring_slots()
        .acquire()
        .await
        .map_err(|_| internal("the server is shutting down"))?;
    let state2 = state.clone();
    tokio::task::spawn_blocking(move || work(&state2))
        .await
        .map_err(|_| internal("the engine could not finish"))
}

/// Maps the engine's refusal to an HTTP error with a stable code.
pub(crate) fn score_error(err: ScoreError) -> AppError {
    let (status, code) = match &err {
        ScoreError::Empty => (StatusCode::UNPROCESSABLE_ENTITY, "empty_answer"),
        ScoreError::TooLong { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "answer_too_long"),
        ScoreError::Binary { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "binary_answer"),
        ScoreError::NotEnglish => (StatusCode::UNPROCESSABLE_ENTITY, "not_english"),
        ScoreError::UnknownQuestion { .. } => (StatusCode::NOT_FOUND, "unknown_guide"),
        ScoreError::EmptyQuestion => (StatusCode::UNPROCESSABLE_ENTITY, "empty_question"),
    };
    AppError::new(status, code, err.to_string())
}

/// The guide with this id (the general guide, `general`, included: a free question no
/// guide is close to is practised with it), or 404 `unknown_guide` with a "did you mean".
pub(crate) fn guide<'s>(state: &'s AppState, id: &str) -> Result<&'s Guide, AppError> {
    state
        .engine()
        .guide(id)
        .ok_or_else(|| unknown_guide(state, id))
}

/// The error for a guide id that no pack defines.
pub(crate) fn unknown_guide(state: &AppState, id: &str) -> AppError {
    score_error(ScoreError::UnknownQuestion {
        id: id.to_owned(),
        suggestion: state.engine().suggest_id(id),
    })
}

/// The error for a store failure: logged where the user who started the server sees
/// it, and never shown in detail.
pub(crate) fn store_error(err: rapport_store::StoreError) -> AppError {
    tracing::error!(error = %err, "the history failed");
    if let rapport_store::StoreError::Busy(_) = err {
        return AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "the history is in use by another program; try again in a moment (nothing was saved)",
        )
        .retry_after(2);
    }
    internal("the history could not be read or written")
}

/// A 500 with a message that leaks nothing.
pub(crate) fn internal(message: &str) -> AppError {
    // The failure in the log, in the server's own words (never the user's).
    tracing::error!(message, "internal failure");
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
}

/// How an attempt was made, beyond the answer.
#[derive(Debug, Clone)]
pub(crate) struct Made {
    /// Practice, timed or mock.
    pub(crate) mode: Mode,
    /// Seconds the user took, when known.
    pub(crate) seconds_taken: Option<u32>,
    /// The mock interview, if any.
    pub(crate) session_id: Option<String>,
    /// The recordings of the answer, to keep with it (empty unless the user keeps them).
    pub(crate) recordings: Vec<rapport_store::NewRecording>,
    /// The tokens of recordings held for the answer (see `recordings.rs`), kept with it
    /// after `recordings`.
    pub(crate) held: Vec<String>,
    /// For a spoken answer, the delivery heard in its recordings, saved in the report
    /// as `audio` (read back as `saved::AudioDoc`).
    pub(crate) audio: Option<serde_json::Value>,
}

/// Saves a scored answer as one of the local user's attempts.
pub(crate) async fn save(
    state: &AppState,
    report: &Report,
    answer: String,
    made: Made,
) -> Result<Attempt, AppError> {
    let mut doc = serde_json::to_value(ReportJson::new(report))
        .map_err(|_| internal("the report could not be saved"))?;
    if let (Some(audio), Some(fields)) = (made.audio, doc.as_object_mut()) {
        fields.insert("audio".to_owned(), audio);
    }
    let report_json = doc.to_string();
    let attempt = NewAttempt {
        user_id: crate::accounts::user_id(),
        guide_id: report.question_id.clone(),
        question: report.question.clone(),
        answer,
        score: report.score,
        band: report.band.as_str().to_owned(),
        steps: report
            .criteria
            .iter()
            .map(|c| StepResult {
                id: c.id.clone(),
                met: c.met,
                strength: c.strength,
            })
            .collect(),
        report_json,
        engine: report.engine.to_owned(),
        mode: made.mode,
        source: Source::Web,
        seconds_taken: made.seconds_taken,
        session_id: made.session_id,
        created_at_ms: state.now_ms(),
    };
    let mut recordings = made.recordings;
    recordings.extend(state.held().copies(&crate::accounts::user_id(), &made.held));
    let saved = state
        .store()
        .add_attempt_with_recordings(attempt, recordings)
        .await
        .map_err(store_error)?;
    state.held().forget(&crate::accounts::user_id(), &made.held);
    Ok(saved)
}

/// One of the local user's attempts, or 404 `unknown_attempt`.
pub(crate) async fn attempt(state: &AppState, id: i64) -> Result<Attempt, AppError> {
    state
        .store()
        .attempt(&crate::accounts::user_id(), id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| crate::extract::unknown_attempt(&id.to_string()))
}

/// The local user's attempts, newest first.
pub(crate) async fn attempts(
    state: &AppState,
    guide_id: Option<&str>,
    limit: Option<u32>,
) -> Result<Vec<Attempt>, AppError> {
    let filter = AttemptFilter {
        guide_id: guide_id.map(str::to_owned),
        session_id: None,
        limit,
    };
    state
        .store()
        .attempts(&crate::accounts::user_id(), &filter)
        .await
        .map_err(store_error)
}

/// The attempt at the same question made just before this one, if any.
pub(crate) async fn previous(
    state: &AppState,
    attempt: &Attempt,
) -> Result<Option<Attempt>, AppError> {
    let list = attempts(state, Some(&attempt.attempt.guide_id), None).await?;
    Ok(list
        .into_iter()
        .find(|a| (a.attempt.created_at_ms, a.id) < (attempt.attempt.created_at_ms, attempt.id)))
}

/// The saved report of an attempt, as the engine's report.
pub(crate) fn report_of(attempt: &Attempt) -> Report {
    let mut report = ReportDoc::parse(&attempt.attempt.report_json).to_report();
    // The attempt's own columns are authoritative for what history lists.
    if report.criteria.is_empty() {
        report.criteria = attempt
            .attempt
            .steps
            .iter()
            .map(|s| rapport_engine::Criterion {
                id: s.id.clone(),
                label: s.id.clone(),
                met: s.met,
                begun: false,
                strength: s.strength,
                evidence: Vec::new(),
                advice: String::new(),
                follow_up: String::new(),
            })
            .collect();
    }
    if report.question.is_empty() {
        report.question = attempt.attempt.question.clone();
    }
    if report.question_id.is_empty() {
        report.question_id = attempt.attempt.guide_id.clone();
    }
    report.score = attempt.attempt.score;
    report.band = rapport_engine::Band::from_score(attempt.attempt.score);
    report
}

/// What changed from `before` to `after`.
pub(crate) fn compare(before: &Attempt, after: &Attempt) -> Comparison {
    Comparison::between(&report_of(before), &report_of(after))
}
