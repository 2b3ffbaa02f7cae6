//! Rows as both backends read them, and their assembly into the public records. The
//! SQL differs between backends; what comes back does not.

use std::collections::HashMap;

use crate::{
    Attempt, Mode, NewAttempt, NewScorecard, RecordingInfo, Role, Scorecard, ScorecardEdit,
    ScorecardStep, Source, StepResult, StoreError, User,
};

/// One row of `attempts`.
#[derive(sqlx::FromRow)]
pub(crate) struct AttemptRow {
    id: i64,
    user_id: String,
    guide_id: String,
    question: String,
    answer: String,
    score: i16,
    band: String,
    report_json: String,
    engine: String,
    mode: String,
    source: String,
    seconds_taken: Option<i64>,
    session_id: Option<String>,
    created_at_ms: i64,
}

/// One row of `attempt_steps`.
#[derive(sqlx::FromRow)]
pub(crate) struct StepRow {
    attempt_id: i64,
    step_id: String,
    met: bool,
    strength: f32,
}

/// One row of `scorecards`.
#[derive(sqlx::FromRow)]
pub(crate) struct ScorecardRow {
    id: i64,
    user_id: String,
    candidate: String,
    guide_id: String,
    question: String,
    answer: String,
    score: i16,
    recommendation: String,
    comment: String,
    report_json: String,
    created_at_ms: i64,
    updated_at_ms: i64,
    round_id: Option<i64>,
    interview_date: String,
    verdict: Option<i16>,
    submitted_at_ms: Option<i64>,
}

/// The columns of a [`ScorecardRow`], for `SELECT`s (with the table's alias when given).
pub(crate) const SCORECARD_COLUMNS: &str = "id, user_id, candidate, guide_id, question, \
    answer, score, recommendation, comment, report_json, created_at_ms, updated_at_ms, \
    round_id, interview_date, verdict, submitted_at_ms";

/// One row of `scorecard_edits`.
#[derive(sqlx::FromRow)]
pub(crate) struct EditRow {
    scorecard_id: i64,
    edited_at_ms: i64,
    previous_answer: String,
    previous_score: i16,
}

/// One row of `scorecard_steps`.
#[derive(sqlx::FromRow)]
pub(crate) struct ScorecardStepRow {
    scorecard_id: i64,
    step_id: String,
    engine_met: bool,
    override_met: Option<bool>,
    comment: String,
}

/// One row of `attempt_recordings`, without the audio: its position is stored from 0,
/// its size is the audio's length in bytes.
#[derive(sqlx::FromRow)]
pub(crate) struct RecordingRow {
    position: i64,
    media_type: String,
    seconds: f32,
    size: i64,
}

impl RecordingRow {
    pub(crate) fn info(self) -> Result<RecordingInfo, StoreError> {
        Ok(RecordingInfo {
            position: u32::try_from(self.position + 1)
                .map_err(|_| corrupt("recording position", self.position))?,
            media_type: self.media_type,
            seconds: self.seconds,
            size: u64::try_from(self.size).map_err(|_| corrupt("recording size", self.size))?,
        })
    }
}

/// A recording's position as stored (from 0), from its position as shown (from 1);
/// `None` for 0, which no recording has.
pub(crate) fn position_column(position: u32) -> Option<i64> {
    i64::from(position).checked_sub(1).filter(|p| *p >= 0)
}

/// One row of `users`.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    name: String,
    role: String,
    password_hash: String,
    created_at_ms: i64,
}

impl UserRow {
    pub(crate) fn user(self) -> Result<User, StoreError> {
        Ok(User {
            role: Role::parse(&self.role).ok_or_else(|| corrupt("role", &self.role))?,
            name: self.name,
            password_hash: self.password_hash,
            created_at_ms: self.created_at_ms,
        })
    }
}

/// A score as stored: both backends keep it in a small integer.
pub(crate) fn score_column(score: u8) -> i16 {
    i16::from(score)
}

/// Seconds taken as stored: a 64-bit integer, since PostgreSQL has no unsigned types.
pub(crate) fn seconds_column(seconds: Option<u32>) -> Option<i64> {
    seconds.map(i64::from)
}

fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Query(format!("the database holds an invalid {what}: {value}"))
}

fn score_from_column(score: i16) -> Result<u8, StoreError> {
    u8::try_from(score)
        .ok()
        .filter(|s| *s <= 100)
        .ok_or_else(|| corrupt("score", score))
}

/// Attempts with their steps; `steps` are ordered by position within each attempt.
pub(crate) fn attempts(
    rows: Vec<AttemptRow>,
    steps: Vec<StepRow>,
) -> Result<Vec<Attempt>, StoreError> {
    let mut by_attempt: HashMap<i64, Vec<StepResult>> = HashMap::new();
    for step in steps {
        by_attempt
            .entry(step.attempt_id)
            .or_default()
            .push(StepResult {
                id: step.step_id,
                met: step.met,
                strength: step.strength,
            });
    }
    rows.into_iter()
        .map(|row| {
            let steps = by_attempt.remove(&row.id).unwrap_or_default();
            attempt(row, steps)
        })
        .collect()
}

fn attempt(row: AttemptRow, steps: Vec<StepResult>) -> Result<Attempt, StoreError> {
    let seconds_taken = row
        .seconds_taken
        .map(|s| u32::try_from(s).map_err(|_| corrupt("time taken", s)))
        .transpose()?;
    Ok(Attempt {
        id: row.id,
        attempt: NewAttempt {
            user_id: row.user_id,
            guide_id: row.guide_id,
            question: row.question,
            answer: row.answer,
            score: score_from_column(row.score)?,
            band: row.band,
            steps,
            report_json: row.report_json,
            engine: row.engine,
            mode: Mode::parse(&row.mode).ok_or_else(|| corrupt("mode", &row.mode))?,
            source: Source::parse(&row.source).ok_or_else(|| corrupt("source", &row.source))?,
            seconds_taken,
            session_id: row.session_id,
            created_at_ms: row.created_at_ms,
        },
    })
}

/// Scorecards with their steps and edits; `steps` and `edits` are ordered by position
/// within each scorecard.
pub(crate) fn scorecards(
    rows: Vec<ScorecardRow>,
    steps: Vec<ScorecardStepRow>,
    edits: Vec<EditRow>,
) -> Result<Vec<Scorecard>, StoreError> {
    let mut edits_of: HashMap<i64, Vec<ScorecardEdit>> = HashMap::new();
    for edit in edits {
        edits_of
            .entry(edit.scorecard_id)
            .or_default()
            .push(ScorecardEdit {
                edited_at_ms: edit.edited_at_ms,
                previous_answer: edit.previous_answer,
                previous_score: score_from_column(edit.previous_score)?,
            });
    }
    let mut by_scorecard: HashMap<i64, Vec<ScorecardStep>> = HashMap::new();
    for step in steps {
        by_scorecard
            .entry(step.scorecard_id)
            .or_default()
            .push(ScorecardStep {
                id: step.step_id,
                engine_met: step.engine_met,
                override_met: step.override_met,
                comment: step.comment,
            });
    }
    rows.into_iter()
        .map(|row| {
            let steps = by_scorecard.remove(&row.id).unwrap_or_default();
            Ok(Scorecard {
                id: row.id,
                scorecard: NewScorecard {
                    user_id: row.user_id,
                    candidate: row.candidate,
                    guide_id: row.guide_id,
                    question: row.question,
                    answer: row.answer,
                    score: score_from_column(row.score)?,
                    steps,
                    recommendation: row.recommendation,
                    comment: row.comment,
                    report_json: row.report_json,
                    created_at_ms: row.created_at_ms,
                    round_id: row.round_id,
                    interview_date: row.interview_date,
                    verdict: row.verdict.map(score_from_column).transpose()?,
                    submitted_at_ms: row.submitted_at_ms,
                },
                updated_at_ms: row.updated_at_ms,
                edits: edits_of.remove(&row.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// Wraps a database failure, saying what was being done.
pub(crate) fn query_error(doing: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| {
        let message = format!("cannot {doing}: {error}");
        if is_busy(&error) {
            StoreError::Busy(message)
        } else {
            StoreError::Query(message)
        }
    }
}

/// Whether the database was only busy: SQLite locked by another process past the busy
/// timeout (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended codes), or no pooled
/// connection free in time. Trying again later can work.
fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
}
