//! The JSON API under `/api`, and its OpenAPI document (`GET /api/openapi.json`),
//! generated from the handlers' `#[utoipa::path]` annotations and the bodies' schemas.
//!
//! `POST /api/score` returns the docs/contract.md document and never saves; `POST /api/attempts`
//! scores and saves; `POST /api/match` matches free questions to guides. Every failure is an [`AppError`] with a stable code.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rapport_pack::Guide;
use rapport_store::{Attempt, Mode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::contract::{ReportJson, round3};
use crate::error::ErrorBody;
use crate::extract::{Json, Path, Query, attempt_id, unknown_attempt};
use crate::saved::ReportDoc;
use crate::scoring::{self, Made, Question};
use crate::{AppError, AppState, matching};

/// The most attempts one `GET /api/attempts` returns.
const MAX_LIMIT: u32 = 10_000;

/// The routes of the API.
pub(crate) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/guides", get(list_guides))
        .route("/api/guides/{id}", get(get_guide))
        .route("/api/score", axum::routing::post(score))
        .route("/api/match", axum::routing::post(match_questions))
        .route(
            "/api/attempts",
            get(list_attempts)
                .post(create_attempt)
                .delete(delete_attempts),
        )
        .route(
            "/api/attempts/{id}",
            get(get_attempt).delete(delete_attempt),
        )
        .route("/api/progress/{guide_id}", get(progress))
        .route("/api/openapi.json", get(openapi))
}

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rapport",
        description = "Score interview answers against answer guides, and keep the \
                       history of practice attempts. Runs on the user's own machine."
    ),
    paths(
        list_guides,
        get_guide,
        score,
        match_questions,
        create_attempt,
        list_attempts,
        get_attempt,
        delete_attempt,
        delete_attempts,
        progress,
        crate::speech::transcribe,
        crate::speech::status,
        crate::speech::spoken_attempt,
        crate::recordings::list,
        crate::recordings::get_settings,
        crate::recordings::put_settings,
        crate::accounts::api_login,
        crate::accounts::api_logout,
        crate::cohorts::api_list,
        crate::cohorts::api_create,
        crate::cohorts::api_cohort,
        crate::cohorts::api_member_attempts,
        crate::cohorts::api_join,
        crate::cohorts::api_leave,
        openapi
    ),
    components(schemas(ErrorBody))
)]
pub struct ApiDoc;

// ---------------------------------------------------------------------------------------
// Guides.

/// A guide in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuideSummary {
    /// Stable id, such as `difficult-customer`.
    pub id: String,
    /// The question as an interviewer asks it.
    pub question: String,
    /// What the question assesses.
    pub assesses: String,
    /// Skill tags.
    pub skills: Vec<String>,
    /// `opening`, `core` or `closing`.
    pub stage: String,
    /// The steps a strong answer takes, in order.
    pub steps: Vec<StepSummary>,
}

/// A step's id and label.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepSummary {
    /// Step id, such as `outcome`.
    pub id: String,
    /// Short label.
    pub label: String,
}

/// A whole answer guide.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuideJson {
    /// Stable id.
    pub id: String,
    /// The question.
    pub question: String,
    /// Common rewordings of the question.
    pub rewordings: Vec<String>,
    /// What it assesses.
    pub assesses: String,
    /// Skill tags.
    pub skills: Vec<String>,
    /// `opening`, `core` or `closing`.
    pub stage: String,
    /// The steps, in order.
    pub steps: Vec<StepJson>,
    /// Sample answers that take every step.
    pub samples: Vec<SampleJson>,
    /// What weak answers do.
    pub pitfalls: Vec<String>,
}

/// One step of a guide.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepJson {
    /// Step id.
    pub id: String,
    /// Short label.
    pub label: String,
    /// How to take the step.
    pub guidance: String,
    /// Example sentences that take it.
    pub examples: Vec<String>,
    /// The feedback when it is missing.
    pub missing: String,
    /// What an interviewer asks when it is missing.
    pub follow_up: String,
    /// Relative weight in the score.
    pub weight: f64,
}

/// A sample answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SampleJson {
    /// The answer.
    pub text: String,
    /// The passages that take each step.
    pub marks: Vec<SampleMark>,
}

/// The passages of a sample that take one step.
#[derive(Debug, Serialize, ToSchema)]
pub struct SampleMark {
    /// Step id.
    pub step: String,
    /// Exact substrings of the sample's text.
    pub passages: Vec<String>,
}

impl GuideSummary {
    fn new(g: &Guide) -> GuideSummary {
        GuideSummary {
            id: g.id.clone(),
            question: g.question.clone(),
            assesses: g.assesses.trim().to_owned(),
            skills: g.skills.clone(),
            stage: g.stage.as_str().to_owned(),
            steps: g
                .steps
                .iter()
                .map(|s| StepSummary {
                    id: s.id.clone(),
                    label: s.label.clone(),
                })
                .collect(),
        }
    }
}

impl GuideJson {
    fn new(g: &Guide) -> GuideJson {
        GuideJson {
            id: g.id.clone(),
            question: g.question.clone(),
            rewordings: g.rewordings.clone(),
            assesses: g.assesses.trim().to_owned(),
            skills: g.skills.clone(),
            stage: g.stage.as_str().to_owned(),
            steps: g
                .steps
                .iter()
                .map(|s| StepJson {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    guidance: s.guidance.trim().to_owned(),
                    examples: s.examples.clone(),
                    missing: s.missing.trim().to_owned(),
                    follow_up: s.follow_up.trim().to_owned(),
                    weight: round3(s.weight),
                })
                .collect(),
            samples: g
                .samples
                .iter()
                .map(|s| SampleJson {
                    text: s.text.clone(),
                    marks: s
                        .marks
                        .iter()
                        .map(|(step, passages)| SampleMark {
                            step: step.clone(),
                            passages: passages.clone(),
                        })
                        .collect(),
                })
                .collect(),
            pitfalls: g.pitfalls.clone(),
        }
    }
}

/// Every loaded guide, in load order.
#[utoipa::path(
    get,
    path = "/api/guides",
    responses((status = 200, description = "The guides", body = [GuideSummary]))
)]
pub(crate) async fn list_guides(State(state): State<AppState>) -> axum::Json<Vec<GuideSummary>> {
    axum::Json(state.engine().guides().map(GuideSummary::new).collect())
}

/// One guide: steps, samples, pitfalls.
#[utoipa::path(
    get,
    path = "/api/guides/{id}",
    params(("id" = String, Path, description = "The guide's id")),
    responses(
        (status = 200, description = "The guide", body = GuideJson),
        (status = 404, description = "No such guide (`unknown_guide`, with a suggestion)", body = ErrorBody)
    )
)]
pub(crate) async fn get_guide(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<GuideJson>, AppError> {
    let guide = scoring::guide(&state, &id)?;
    Ok(axum::Json(GuideJson::new(guide)))
}

// ---------------------------------------------------------------------------------------
// Scoring.

/// An answer to score: to a guide (`question_id`) or to a free question
/// (`question_text`), exactly one of them.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ScoreRequest {
    /// The guide's id.
    pub question_id: Option<String>,
    /// A question in your own words, matched to the closest guide (or `general`).
    pub question_text: Option<String>,
    /// The answer, at most 20,000 characters.
    pub answer: String,
}

/// Scores an answer and returns the docs/contract.md document. Nothing is saved. This is also
/// what the practice page's live checklist calls as the user types.
#[utoipa::path(
    post,
    path = "/api/score",
    request_body = ScoreRequest,
    responses(
        (status = 200, description = "The report (docs/contract.md)", body = ReportDoc),
        (status = 400, description = "Malformed JSON (`malformed_json`, `invalid_body`)", body = ErrorBody),
        (status = 404, description = "Unknown guide (`unknown_guide`)", body = ErrorBody),
        (status = 413, description = "Answer or body too long (`answer_too_long`, `body_too_large`)", body = ErrorBody),
        (status = 415, description = "Not JSON (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Answer empty, binary or not English", body = ErrorBody)
    )
)]
pub(crate) async fn score(
    State(state): State<AppState>,
    Json(body): Json<ScoreRequest>,
) -> Result<Response, AppError> {
    let question = Question::from_fields(body.question_id, body.question_text)?;
    let live = matches!(question, Question::Id(_));
    let report = scoring::score(&state, question, body.answer, live).await?;
    Ok(axum::Json(ReportJson::new(&report)).into_response())
}

// ---------------------------------------------------------------------------------------
// Matching free questions.

/// Free questions to match to guides.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MatchRequest {
    /// One to 50 questions, each at most 1,000 characters.
    pub questions: Vec<String>,
}

/// The guide each question was matched with.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResponse {
    /// One per question, in the order given.
    pub matches: Vec<MatchItem>,
}

/// How one free question was matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchItem {
    /// The question as given, trimmed.
    pub question: String,
    /// The guide an answer to it is judged with (`general` when no guide is close).
    pub guide_id: String,
    /// The closest guide, used or not.
    pub closest_id: String,
    /// The pack of the guide used (`general` for the general guide).
    pub pack: String,
    /// Similarity to the closest guide, 0–1.
    pub similarity: f64,
    /// Whether no guide is close, so the general rubric (situation, actions, outcome,
    /// reflection) judges it.
    pub general: bool,
}

/// Matches free questions (from a job advert, say) to the closest guides, as
/// `question_text` would be when scoring. Nothing is saved.
#[utoipa::path(
    post,
    path = "/api/match",
    request_body = MatchRequest,
    responses(
        (status = 200, description = "One match per question", body = MatchResponse),
        (status = 400, description = "Malformed JSON (`malformed_json`, `invalid_body`)", body = ErrorBody),
        (status = 413, description = "A question or the body too long (`question_too_long`, `body_too_large`)", body = ErrorBody),
        (status = 415, description = "Not JSON (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "No questions, more than 50, or an empty one (`no_questions`, `too_many_questions`, `empty_question`)", body = ErrorBody)
    )
)]
pub(crate) async fn match_questions(
    State(state): State<AppState>,
    Json(body): Json<MatchRequest>,
) -> Result<axum::Json<MatchResponse>, AppError> {
    let matched = matching::match_all(&state, body.questions).await?;
    let matches = matched
        .into_iter()
        .map(|(question, m)| {
            let general = m.guide_id == rapport_engine::GENERAL_ID;
            MatchItem {
                question,
                pack: state
                    .packs()
                    .of(&m.guide_id)
                    .map_or_else(|| rapport_engine::GENERAL_ID.to_owned(), |p| p.id.clone()),
                guide_id: m.guide_id,
                closest_id: m.closest_id,
                similarity: round3(m.similarity),
                general,
            }
        })
        .collect();
    Ok(axum::Json(MatchResponse { matches }))
}

// ---------------------------------------------------------------------------------------
// Attempts.

/// How an attempt was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModeName {
    /// One question, untimed.
    #[default]
    Practice,
    /// One question against the clock.
    Timed,
    /// One question of a mock interview.
    Mock,
}

impl ModeName {
    pub(crate) fn mode(self) -> Mode {
        match self {
            ModeName::Practice => Mode::Practice,
            ModeName::Timed => Mode::Timed,
            ModeName::Mock => Mode::Mock,
        }
    }

    fn of(mode: Mode) -> ModeName {
        match mode {
            Mode::Practice => ModeName::Practice,
            Mode::Timed => ModeName::Timed,
            Mode::Mock => ModeName::Mock,
        }
    }
}

/// An answer to score and save.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AttemptRequest {
    /// The guide's id.
    pub question_id: Option<String>,
    /// A free question, matched to the closest guide.
    pub question_text: Option<String>,
    /// The answer, at most 20,000 characters.
    pub answer: String,
    /// `practice` (the default), `timed` or `mock`.
    #[serde(default)]
    pub mode: ModeName,
    /// Seconds taken, when timed.
    pub seconds_taken: Option<u32>,
    /// The mock interview this answer belongs to.
    pub session_id: Option<String>,
    /// Tokens of recordings of this answer, from `POST /api/transcribe` (given only
    /// when the user keeps recordings): they are kept with the attempt. Unknown or
    /// expired tokens are skipped.
    #[serde(default)]
    pub recordings: Vec<String>,
}

/// A step's verdict as saved with an attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepResultJson {
    /// Step id.
    pub id: String,
    /// Whether the answer took it.
    pub met: bool,
    /// How clearly, 0–1.
    pub strength: f64,
}

/// A saved attempt with its report.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptJson {
    /// Assigned by the store.
    pub id: i64,
    /// The guide answered.
    pub guide_id: String,
    /// The question as asked.
    pub question: String,
    /// The answer exactly as given.
    pub answer: String,
    /// 0–100.
    pub score: u8,
    /// The band.
    pub band: String,
    /// Each step's verdict, in guide order.
    pub steps: Vec<StepResultJson>,
    /// `lexical` or `semantic`.
    pub engine: String,
    /// How it was made.
    pub mode: ModeName,
    /// `web` or `terminal`.
    pub source: String,
    /// Seconds taken, when timed.
    pub seconds_taken: Option<u32>,
    /// The mock interview it belongs to.
    pub session_id: Option<String>,
    /// When, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// The report as saved (docs/contract.md).
    pub report: ReportDoc,
    /// What changed since the previous attempt at the same question (on creation only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangesJson>,
}

/// What changed since the previous attempt at the same question.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesJson {
    /// The previous attempt.
    pub previous_id: i64,
    /// Its score.
    pub previous_score: u8,
    /// New score minus old.
    pub score_delta: i32,
    /// The band before.
    pub band_before: String,
    /// The band now.
    pub band_after: String,
    /// Steps met now and not before.
    pub gained: Vec<String>,
    /// Steps met before and not now.
    pub lost: Vec<String>,
}

impl AttemptJson {
    /// The JSON view of a saved attempt.
    pub fn new(a: &Attempt) -> AttemptJson {
        let at = &a.attempt;
        AttemptJson {
            id: a.id,
            guide_id: at.guide_id.clone(),
            question: at.question.clone(),
            answer: at.answer.clone(),
            score: at.score,
            band: at.band.clone(),
            steps: at
                .steps
                .iter()
                .map(|s| StepResultJson {
                    id: s.id.clone(),
                    met: s.met,
                    strength: round3(s.strength),
                })
                .collect(),
            engine: at.engine.clone(),
            mode: ModeName::of(at.mode),
            source: at.source.as_str().to_owned(),
            seconds_taken: at.seconds_taken,
            session_id: at.session_id.clone(),
            created_at_ms: at.created_at_ms,
            report: ReportDoc::parse(&at.report_json),
            changes: None,
        }
    }
}

/// Scores an answer and saves it as an attempt. Nothing is saved when the answer is
/// refused.
#[utoipa::path(
    post,
    path = "/api/attempts",
    request_body = AttemptRequest,
    responses(
        (status = 201, description = "The saved attempt, with what changed since the last one", body = AttemptJson),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "Unknown guide", body = ErrorBody),
        (status = 413, description = "Answer or body too long", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Answer empty, binary or not English", body = ErrorBody)
    )
)]
pub(crate) async fn create_attempt(
    State(state): State<AppState>,
    Json(body): Json<AttemptRequest>,
) -> Result<Response, AppError> {
    let question = Question::from_fields(body.question_id, body.question_text)?;
    if body.session_id.as_ref().is_some_and(|s| s.len() > 200) {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_session_id",
            "the session id is longer than 200 bytes",
        ));
    }
    let report = scoring::score(&state, question, body.answer.clone(), false).await?;
    let made = Made {
        mode: body.mode.mode(),
        seconds_taken: body.seconds_taken,
        session_id: body.session_id,
        recordings: Vec::new(),
        held: body.recordings,
        audio: None,
    };
    let json = save_attempt(&state, &report, body.answer, made).await?;
    Ok((StatusCode::CREATED, axum::Json(json)).into_response())
}

/// Saves a scored answer; the saved attempt with what changed since the one before.
pub(crate) async fn save_attempt(
    state: &AppState,
    report: &rapport_engine::Report,
    answer: String,
    made: Made,
) -> Result<AttemptJson, AppError> {
    let saved = scoring::save(state, report, answer, made).await?;
    let mut json = AttemptJson::new(&saved);
    if let Some(before) = scoring::previous(state, &saved).await? {
        let c = scoring::compare(&before, &saved);
        json.changes = Some(ChangesJson {
            previous_id: before.id,
            previous_score: before.attempt.score,
            score_delta: c.score_delta,
            band_before: c.band.0.as_str().to_owned(),
            band_after: c.band.1.as_str().to_owned(),
            gained: c.gained,
            lost: c.lost,
        });
    }
    Ok(json)
}

/// Which attempts to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttemptsQuery {
    /// Only this guide's attempts.
    pub guide_id: Option<String>,
    /// At most this many, newest first (1–10000).
    pub limit: Option<u32>,
}

/// The attempts, newest first.
#[utoipa::path(
    get,
    path = "/api/attempts",
    params(AttemptsQuery),
    responses(
        (status = 200, description = "The attempts, newest first", body = [AttemptJson]),
        (status = 400, description = "Bad query (`bad_query`)", body = ErrorBody)
    )
)]
pub(crate) async fn list_attempts(
    State(state): State<AppState>,
    Query(query): Query<AttemptsQuery>,
) -> Result<axum::Json<Vec<AttemptJson>>, AppError> {
    if query.limit.is_some_and(|l| l == 0 || l > MAX_LIMIT) {
        return Err(AppError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("`limit` must be 1 to {MAX_LIMIT}"),
        ));
    }
    let guide_id = query.guide_id.as_deref().filter(|id| !id.is_empty());
    let list = scoring::attempts(&state, guide_id, query.limit).await?;
    Ok(axum::Json(list.iter().map(AttemptJson::new).collect()))
}

/// One attempt.
#[utoipa::path(
    get,
    path = "/api/attempts/{id}",
    params(("id" = i64, Path, description = "The attempt's id")),
    responses(
        (status = 200, description = "The attempt", body = AttemptJson),
        (status = 404, description = "No such attempt (`unknown_attempt`)", body = ErrorBody)
    )
)]
pub(crate) async fn get_attempt(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<AttemptJson>, AppError> {
    let attempt = scoring::attempt(&state, attempt_id(&id)?).await?;
    Ok(axum::Json(AttemptJson::new(&attempt)))
}

/// Deletes one attempt.
#[utoipa::path(
    delete,
    path = "/api/attempts/{id}",
    params(("id" = i64, Path, description = "The attempt's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such attempt (`unknown_attempt`)", body = ErrorBody)
    )
)]
pub(crate) async fn delete_attempt(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let n = attempt_id(&id)?;
    let deleted = state
        .store()
        .delete_attempt(&crate::accounts::user_id(), n)
        .await
        .map_err(scoring::store_error)?;
    if deleted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(unknown_attempt(&id))
    }
}

/// How many attempts were deleted.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    /// The count.
    pub deleted: u64,
}

/// Deletes every attempt.
#[utoipa::path(
    delete,
    path = "/api/attempts",
    responses((status = 200, description = "How many were deleted", body = Deleted))
)]
pub(crate) async fn delete_attempts(
    State(state): State<AppState>,
) -> Result<axum::Json<Deleted>, AppError> {
    let deleted = state
        .store()
        .delete_attempts(&crate::accounts::user_id())
        .await
        .map_err(scoring::store_error)?;
    Ok(axum::Json(Deleted { deleted }))
}

// ---------------------------------------------------------------------------------------
// Progress.

/// One question's progress over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressJson {
    /// The guide.
    pub guide_id: String,
    /// Its question.
    pub question: String,
    /// Its steps, in order.
    pub steps: Vec<StepSummary>,
    /// Every attempt, oldest first.
    pub attempts: Vec<ProgressPoint>,
}

/// One attempt on the progress line.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressPoint {
    /// The attempt's id.
    pub id: i64,
    /// When, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// 0–100.
    pub score: u8,
    /// The band.
    pub band: String,
    /// Each step's verdict.
    pub steps: Vec<StepResultJson>,
}

/// Score and each step's verdict over time, for one question.
#[utoipa::path(
    get,
    path = "/api/progress/{guide_id}",
    params(("guide_id" = String, Path, description = "The guide's id")),
    responses(
        (status = 200, description = "Progress, oldest attempt first", body = ProgressJson),
        (status = 404, description = "Unknown guide with no attempts (`unknown_guide`)", body = ErrorBody)
    )
)]
pub(crate) async fn progress(
    State(state): State<AppState>,
    Path(guide_id): Path<String>,
) -> Result<axum::Json<ProgressJson>, AppError> {
    let guide = scoring::guide(&state, &guide_id);
    let attempts = scoring::attempts(&state, Some(&guide_id), None).await?;
    let (question, steps) = match guide {
        Ok(g) => (
            g.question.clone(),
            g.steps
                .iter()
                .map(|s| StepSummary {
                    id: s.id.clone(),
                    label: s.label.clone(),
                })
                .collect(),
        ),
        Err(err) if attempts.is_empty() => return Err(err),
        Err(_) => {
            let report = attempts.first().map(scoring::report_of);
            (
                report
                    .as_ref()
                    .map(|r| r.question.clone())
                    .unwrap_or_default(),
                report
                    .iter()
                    .flat_map(|r| &r.criteria)
                    .map(|c| StepSummary {
                        id: c.id.clone(),
                        label: c.label.clone(),
                    })
                    .collect(),
            )
        }
    };
    let points = attempts
        .iter()
        .rev()
        .map(|a| ProgressPoint {
            id: a.id,
            created_at_ms: a.attempt.created_at_ms,
            score: a.attempt.score,
            band: a.attempt.band.clone(),
            steps: a
                .attempt
                .steps
                .iter()
                .map(|s| StepResultJson {
                    id: s.id.clone(),
                    met: s.met,
                    strength: round3(s.strength),
                })
                .collect(),
        })
        .collect();
    Ok(axum::Json(ProgressJson {
        guide_id,
        question,
        steps,
        attempts: points,
    }))
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    responses((status = 200, description = "The OpenAPI document of this API"))
)]
pub(crate) async fn openapi() -> Result<Response, AppError> {
    let json = ApiDoc::openapi()
        .to_pretty_json()
        .map_err(|_| scoring::internal("the API description could not be written"))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}
