//! Hiring rounds: a set of questions and candidates that several interviewers score with
//! the same rubric, each on their own scorecards (`pages/scorecards.rs`), independently.
//!
//! Independence: an interviewer sees the other interviewers' scorecards of a candidate's
//! answer to a question (in the round view, the printable summary and the CSV) only once
//! they have submitted their own of it. What counts on each scorecard is said plainly:
//! the interviewer's verdict (a score of their own) when they gave one, else the
//! engine's score. Per candidate the round view shows, per question and step, the mean
//! and the spread between interviewers, and flags a disagreement of more than a band's
//! width (20 points) or a step some took and others did not.
//!
//! Only an interviewer on a round finds it (404 for anyone else); with accounts only
//! interviewers and admins make rounds, and only the round's maker adds interviewers or
//! deletes it. A single scorecard made from `/scorecards/new` is a one-question round.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rapport_engine::Band;
use rapport_store::{NewRound, NewScorecard, Role, Round, Scorecard, ScorecardStep};
use serde::Deserialize;

use super::scorecards::{final_met, too_long};
use super::{Link, format_time, page, page_with};
use crate::contract::ReportJson;
use crate::extract::{Form, Path, Query, TokenForm};
use crate::scoring::{self, Question, store_error};
use crate::security::check_form_token;
use crate::{AppError, AppState};

/// The longest round name, in characters.
const MAX_ROUND_NAME: usize = 120;
/// The most candidates and questions a round takes.
const MAX_CANDIDATES: usize = 100;
const MAX_QUESTIONS: usize = 20;
/// The longest candidate name, in characters (as on a single scorecard).
const MAX_CANDIDATE_CHARS: usize = 200;
/// A spread of scores between interviewers beyond this many points (a band's width) is
/// flagged as a disagreement.
pub(crate) const DISAGREEMENT_POINTS: u8 = 20;

/// The routes of this module.
pub(super) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/rounds", get(list_page).post(create_form))
        .route("/rounds/new", get(new_page))
        .route("/rounds/{id}", get(round_page))
        .route("/rounds/{id}/summary", get(summary_page))
        .route("/rounds/{id}/export.csv", get(export_csv))
        .route("/rounds/{id}/score", get(score_page).post(score_form))
        .route("/rounds/{id}/interviewers", post(add_interviewer_form))
        .route("/rounds/{id}/delete", post(delete_form))
}

// ---------------------------------------------------------------------------------------
// Who may do what.

/// Whether the signed-in user may make rounds: interviewers and admins on a server with
/// accounts, the one user without.
pub(super) fn may_make_rounds() -> bool {
    crate::accounts::signed_in().is_none_or(|s| matches!(s.role, Role::Interviewer | Role::Admin))
}

fn unknown() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "unknown_round",
        "there is no such round among yours",
    )
}

fn missing(state: &AppState) -> Response {
    super::not_found(
        state,
        "No such round",
        "There is no such round among the rounds you interview on.",
        Some(Link {
            href: "/rounds".into(),
            text: "See your rounds".into(),
        }),
    )
}

/// A page handler's result, with "not found" shown as this module's page.
fn or_missing(state: &AppState, result: Result<Response, AppError>) -> Response {
    crate::pages::or_not_found(state, result, missing)
}

/// A round the user interviews on, from its id as written in the address.
async fn my_round(state: &AppState, id: &str) -> Result<Round, AppError> {
    let id: i64 = id.parse().map_err(|_| unknown())?;
    state
        .store()
        .round(&crate::accounts::user_id(), id)
        .await
        .map_err(store_error)?
        .ok_or_else(unknown)
}

/// Every scorecard of the round (the caller applies the independence rule).
async fn all_scorecards(state: &AppState, round: &Round) -> Result<Vec<Scorecard>, AppError> {
    state
        .store()
        .round_scorecards(&crate::accounts::user_id(), round.id)
        .await
        .map_err(store_error)?
        .ok_or_else(unknown)
}

// ---------------------------------------------------------------------------------------
// What counts, and the aggregate.

/// The score that counts on a scorecard: the interviewer's verdict, else the engine's.
pub(crate) fn counted(card: &Scorecard) -> u8 {
    card.scorecard.verdict.unwrap_or(card.scorecard.score)
}

/// What counts on a scorecard, in words: "your verdict" or "the engine's score".
pub(crate) fn counts_what(card: &Scorecard) -> &'static str {
    if card.scorecard.verdict.is_some() {
        "interviewer's verdict"
    } else {
        "engine's score"
    }
}

/// The scorecards of one candidate's answer to one question, by interviewer.
fn cell<'c>(cards: &'c [Scorecard], candidate: &str, guide: &str) -> Vec<&'c Scorecard> {
    let mut out: Vec<&Scorecard> = cards
        .iter()
        .filter(|c| c.scorecard.candidate == candidate && c.scorecard.guide_id == guide)
        .collect();
    out.sort_by(|a, b| a.scorecard.user_id.cmp(&b.scorecard.user_id));
    out
}

/// The scorecards of a cell the user may see: their own always; the others' only once
/// their own is submitted.
fn visible<'c>(cell: &[&'c Scorecard], user: &str) -> Vec<&'c Scorecard> {
    let submitted = cell
        .iter()
        .any(|c| c.scorecard.user_id == user && c.scorecard.submitted_at_ms.is_some());
    cell.iter()
        .copied()
        .filter(|c| {
            c.scorecard.user_id == user || (submitted && c.scorecard.submitted_at_ms.is_some())
        })
        .collect()
}

/// Interviewers' scores of one thing: the mean, the spread and whether they disagree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spread {
    /// How many interviewers.
    pub(crate) n: usize,
    /// Their mean, rounded.
    pub(crate) mean: u8,
    /// Highest minus lowest.
    pub(crate) spread: u8,
    /// The spread is more than [`DISAGREEMENT_POINTS`].
    pub(crate) disagree: bool,
}

impl Spread {
    /// The spread of these scores; `None` for none.
    pub(crate) fn of(scores: &[u8]) -> Option<Spread> {
        let (min, max) = (scores.iter().min()?, scores.iter().max()?);
        let sum: u32 = scores.iter().map(|s| u32::from(*s)).sum();
        let mean = (f64::from(sum) / scores.len() as f64).round() as u8;
        Some(Spread {
            n: scores.len(),
            mean,
            spread: max - min,
            disagree: max - min > DISAGREEMENT_POINTS,
        })
    }

    /// The band of the mean.
    pub(crate) fn band(&self) -> &'static str {
        Band::from_score(self.mean).as_str()
    }
}

/// One step over the interviewers' scorecards of a cell.
pub(crate) struct StepAgreement {
    pub(crate) label: String,
    /// Scorecards that count it taken (after the interviewer's override).
    pub(crate) met: usize,
    pub(crate) of: usize,
}

impl StepAgreement {
    /// Some took it and others did not.
    pub(crate) fn split(&self) -> bool {
        self.met > 0 && self.met < self.of
    }
}

/// A candidate's answer to one question, as the user may see it.
pub(crate) struct CellView {
    pub(crate) question: String,
    /// The user's own scorecard: (id, counted score, submitted).
    pub(crate) mine: Option<(i64, u8, bool)>,
    /// Where to score it, when the user has not.
    pub(crate) score_url: String,
    /// Over the scorecards the user may see.
    pub(crate) spread: Option<Spread>,
    pub(crate) steps: Vec<StepAgreement>,
    /// Each interviewer's line: (name, counted score, what counts, recommendation).
    pub(crate) interviewers: Vec<(String, u8, &'static str, &'static str)>,
    /// Scorecards of others the user may not see yet.
    pub(crate) hidden: usize,
}

/// A candidate across the round.
pub(crate) struct CandidateView {
    pub(crate) name: String,
    pub(crate) cells: Vec<CellView>,
    /// Over each interviewer's mean of the questions the user may see.
    pub(crate) overall: Option<Spread>,
}

/// The round as the user may see it.
fn views(state: &AppState, round: &Round, cards: &[Scorecard], user: &str) -> Vec<CandidateView> {
    round
        .round
        .candidates
        .iter()
        .enumerate()
        .map(|(ci, candidate)| {
            let mut per_interviewer: Vec<(String, Vec<u8>)> = Vec::new();
            let cells = round
                .round
                .questions
                .iter()
                .enumerate()
                .map(|(qi, guide)| {
                    let all = cell(cards, candidate, guide);
                    let seen = visible(&all, user);
                    let mine = all
                        .iter()
                        .find(|c| c.scorecard.user_id == user)
                        .map(|c| (c.id, counted(c), c.scorecard.submitted_at_ms.is_some()));
                    let shown: Vec<&Scorecard> = seen
                        .iter()
                        .copied()
                        .filter(|c| c.scorecard.submitted_at_ms.is_some())
                        .collect();
                    for c in &shown {
                        match per_interviewer
                            .iter_mut()
                            .find(|(n, _)| *n == c.scorecard.user_id)
                        {
                            Some((_, scores)) => scores.push(counted(c)),
                            None => per_interviewer
                                .push((c.scorecard.user_id.clone(), vec![counted(c)])),
                        }
                    }
                    let scores: Vec<u8> = shown.iter().map(|c| counted(c)).collect();
                    let steps = step_agreement(state, &shown);
                    CellView {
                        question: state
                            .engine()
                            .guide(guide)
                            .map_or_else(|| guide.clone(), |g| g.question.clone()),
                        mine,
                        score_url: format!(
                            "/rounds/{}/score?candidate={ci}&question={qi}",
                            round.id
                        ),
                        spread: Spread::of(&scores),
                        steps,
                        interviewers: shown
                            .iter()
                            .map(|c| {
                                (
                                    c.scorecard.user_id.clone(),
                                    counted(c),
                                    counts_what(c),
                                    super::scorecards::recommendation_label(
                                        &c.scorecard.recommendation,
                                    ),
                                )
                            })
                            .collect(),
                        hidden: all
                            .iter()
                            .filter(|c| {
                                c.scorecard.user_id != user && c.scorecard.submitted_at_ms.is_some()
                            })
                            .count()
                            .saturating_sub(
                                shown.iter().filter(|c| c.scorecard.user_id != user).count(),
                            ),
                    }
                })
                .collect();
            let means: Vec<u8> = per_interviewer
                .iter()
                .map(|(_, s)| {
                    let sum: u32 = s.iter().map(|v| u32::from(*v)).sum();
                    (f64::from(sum) / s.len() as f64).round() as u8
                })
                .collect();
            CandidateView {
                name: candidate.clone(),
                cells,
                overall: Spread::of(&means),
            }
        })
        .collect()
}

/// How many of these scorecards of one answer take each step (in the first one's order),
/// labelled from its saved report (parsed once), else the guide, else the step's id.
fn step_agreement(state: &AppState, shown: &[&Scorecard]) -> Vec<StepAgreement> {
    let Some(first) = shown.first() else {
        return Vec::new();
    };
    let report = super::scorecards::saved_report(first);
    let guide = state.engine().guide(&first.scorecard.guide_id);
    first
        .scorecard
        .steps
        .iter()
        .map(|step| StepAgreement {
            label: super::scorecards::step_label(&step.id, &report, guide),
            met: shown
                .iter()
                .filter(|c| {
                    c.scorecard
                        .steps
                        .iter()
                        .any(|s| s.id == step.id && final_met(s))
                })
                .count(),
            of: shown.len(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The list and a new round.

#[derive(Template)]
#[template(path = "rounds.html")]
struct ListPage {
    csrf: String,
    may_make: bool,
    rounds: Vec<RoundRow>,
    deleted: Option<String>,
}

struct RoundRow {
    id: i64,
    name: String,
    questions: usize,
    candidates: usize,
    interviewers: String,
    /// Scorecards the user submitted, of how many cells.
    submitted: usize,
    cells: usize,
    created: String,
}

#[derive(Deserialize)]
struct ListQuery {
    deleted: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let user = crate::accounts::user_id();
    let rounds = state.store().rounds(&user).await.map_err(store_error)?;
    let cards = state.store().scorecards(&user).await.map_err(store_error)?;
    page(&ListPage {
        csrf: state.csrf_token(),
        may_make: may_make_rounds(),
        rounds: rounds
            .iter()
            .map(|r| RoundRow {
                id: r.id,
                name: r.round.name.clone(),
                questions: r.round.questions.len(),
                candidates: r.round.candidates.len(),
                interviewers: r.round.interviewers.join(", "),
                submitted: cards
                    .iter()
                    .filter(|c| {
                        c.scorecard.round_id == Some(r.id) && c.scorecard.submitted_at_ms.is_some()
                    })
                    .count(),
                cells: r.round.questions.len() * r.round.candidates.len(),
                created: format_time(r.round.created_at_ms),
            })
            .collect(),
        deleted: query.deleted,
    })
}

#[derive(Template)]
#[template(path = "round_new.html")]
struct NewPage {
    csrf: String,
    /// (id, question, chosen)
    guides: Vec<(String, String, bool)>,
    name: String,
    candidates: String,
    interviewers: String,
    /// Whether interviewers can be added (a server with accounts).
    team: bool,
    error: Option<String>,
}

impl NewPage {
    fn new(state: &AppState, chosen: &[String]) -> NewPage {
        NewPage {
            csrf: state.csrf_token(),
            guides: state
                .engine()
                .guides()
                .map(|g| (g.id.clone(), g.question.clone(), chosen.contains(&g.id)))
                .collect(),
            name: String::new(),
            candidates: String::new(),
            interviewers: String::new(),
            team: crate::accounts::signed_in().is_some(),
            error: None,
        }
    }
}

async fn new_page(State(state): State<AppState>) -> Response {
    if !may_make_rounds() {
        return refused_role(&state);
    }
    match page(&NewPage::new(&state, &[])) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Only interviewers and admins make rounds.
fn refused_role(state: &AppState) -> Response {
    let mut response = super::not_found(
        state,
        "Only interviewers make rounds",
        "Hiring rounds are made by interviewers and admins. Ask one to add you to a round.",
        None,
    );
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}

/// Lines of a text box, trimmed, without empty ones or repeats.
fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text
        .split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !out.iter().any(|o| o == line) {
            out.push(line.to_owned());
        }
    }
    out
}

async fn create_form(
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    check_form_token(&state, field("csrf"))?;
    if !may_make_rounds() {
        return Ok(refused_role(&state));
    }
    let questions: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "question")
        .map(|(_, v)| v.clone())
        .collect();
    let again = |message: String| -> Result<Response, AppError> {
        let mut form = NewPage::new(&state, &questions);
        form.name = field("name").to_owned();
        form.candidates = field("candidates").to_owned();
        form.interviewers = field("interviewers").to_owned();
        form.error = Some(message);
        page_with(StatusCode::UNPROCESSABLE_ENTITY, &form)
    };
    let name = field("name").trim();
    let candidates = lines(field("candidates"));
    let interviewers = lines(field("interviewers"));
    if name.is_empty() {
        return again("give the round a name, such as the role you are hiring for".into());
    }
    if too_long(name, MAX_ROUND_NAME) {
        return again(format!(
            "the round's name is longer than {MAX_ROUND_NAME} characters"
        ));
    }
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return again(format!("choose between 1 and {MAX_QUESTIONS} questions"));
    }
    if let Some(unknown) = questions.iter().find(|q| state.engine().guide(q).is_none()) {
        return again(format!("there is no question {unknown:?}"));
    }
    if candidates.is_empty() || candidates.len() > MAX_CANDIDATES {
        return again(format!(
            "write between 1 and {MAX_CANDIDATES} candidates, one per line"
        ));
    }
    if let Some(long) = candidates.iter().find(|c| too_long(c, MAX_CANDIDATE_CHARS)) {
        return again(format!(
            "a candidate's name is longer than {MAX_CANDIDATE_CHARS} characters: {long:.40}…"
        ));
    }
    let me = crate::accounts::user_id();
    if crate::accounts::signed_in().is_none() && !interviewers.is_empty() {
        return again(
            "interviewers can be added only on a team server (rapport serve --accounts)".into(),
        );
    }
    for name in &interviewers {
        if let Some(problem) = not_an_interviewer(&state, name).await? {
            return again(problem);
        }
    }
    let round = state
        .store()
        .add_round(NewRound {
            owner: me,
            name: name.to_owned(),
            questions,
            candidates,
            interviewers,
            created_at_ms: state.now_ms(),
        })
        .await
        .map_err(store_error)?;
    tracing::info!(round = round.id, "round made");
    Ok(Redirect::to(&format!("/rounds/{}", round.id)).into_response())
}

/// Why a name cannot interview on a round, if it cannot: no such user, or not an
/// interviewer or admin.
async fn not_an_interviewer(state: &AppState, name: &str) -> Result<Option<String>, AppError> {
    let user = state.store().user(name).await.map_err(store_error)?;
    Ok(match user {
        None => Some(format!("there is no user {name:?}")),
        Some(u) if !matches!(u.role, Role::Interviewer | Role::Admin) => Some(format!(
            "{name} is a {}: only interviewers and admins interview on rounds",
            u.role.as_str()
        )),
        Some(_) => None,
    })
}

/// Makes a one-question, one-candidate round for a scorecard made on its own
/// (`/scorecards/new`).
pub(super) async fn one_question_round(
    state: &AppState,
    candidate: &str,
    guide: &str,
) -> Result<Round, AppError> {
    state
        .store()
        .add_round(NewRound {
            owner: crate::accounts::user_id(),
            name: candidate.to_owned(),
            questions: vec![guide.to_owned()],
            candidates: vec![candidate.to_owned()],
            interviewers: Vec::new(),
            created_at_ms: state.now_ms(),
        })
        .await
        .map_err(store_error)
}

// ---------------------------------------------------------------------------------------
// The round.

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    csrf: String,
    id: i64,
    name: String,
    owner: String,
    interviewers: String,
    /// Whether the user made it (adds interviewers, deletes it).
    mine: bool,
    team: bool,
    candidates: Vec<CandidateView>,
    questions: usize,
    error: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize)]
struct RoundQuery {
    added: Option<String>,
}

async fn round_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<RoundQuery>,
) -> Response {
    let result = async {
        let round = my_round(&state, &id).await?;
        render_round(
            &state,
            &round,
            None,
            query
                .added
                .map(|n| format!("{n} now interviews on this round.")),
        )
        .await
    }
    .await;
    or_missing(&state, result)
}

async fn render_round(
    state: &AppState,
    round: &Round,
    error: Option<String>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let cards = all_scorecards(state, round).await?;
    let me = crate::accounts::user_id();
    let template = RoundPage {
        csrf: state.csrf_token(),
        id: round.id,
        name: round.round.name.clone(),
        owner: round.round.owner.clone(),
        interviewers: round.round.interviewers.join(", "),
        mine: round.round.owner == me,
        team: crate::accounts::signed_in().is_some(),
        candidates: views(state, round, &cards, &me),
        questions: round.round.questions.len(),
        done,
        error,
    };
    if template.error.is_some() {
        page_with(StatusCode::UNPROCESSABLE_ENTITY, &template)
    } else {
        page(&template)
    }
}

/// `/rounds/{id}/summary`: the same aggregate, laid out for paper.
#[derive(Template)]
#[template(path = "round_summary.html")]
struct SummaryPage {
    csrf: String,
    name: String,
    interviewers: String,
    printed: String,
    viewer: String,
    candidates: Vec<CandidateView>,
}

async fn summary_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = async {
        let round = my_round(&state, &id).await?;
        let cards = all_scorecards(&state, &round).await?;
        let me = crate::accounts::user_id();
        page(&SummaryPage {
            csrf: state.csrf_token(),
            name: round.round.name.clone(),
            interviewers: round.round.interviewers.join(", "),
            printed: format_time(state.now_ms()),
            candidates: views(&state, &round, &cards, &me),
            viewer: me,
        })
    }
    .await;
    or_missing(&state, result)
}

/// `/rounds/{id}/export.csv`: one row per scorecard the user may see.
async fn export_csv(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = async {
        let round = my_round(&state, &id).await?;
        let cards = all_scorecards(&state, &round).await?;
        let me = crate::accounts::user_id();
        let mut csv = String::from(
            "candidate,guide_id,question,interviewer,interview_date,submitted,engine_score,engine_band,verdict,counts,counted_score,counted_band,recommendation,steps_met,steps_missed,answer_edits\r\n",
        );
        for candidate in &round.round.candidates {
            for guide in &round.round.questions {
                for c in visible(&cell(&cards, candidate, guide), &me) {
                    let sc = &c.scorecard;
                    let ids = |met: bool| {
                        sc.steps
                            .iter()
                            .filter(|s| final_met(s) == met)
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    let fields = [
                        sc.candidate.clone(),
                        sc.guide_id.clone(),
                        sc.question.clone(),
                        sc.user_id.clone(),
                        sc.interview_date.clone(),
                        sc.submitted_at_ms.map_or_else(String::new, super::machine_time),
                        sc.score.to_string(),
                        Band::from_score(sc.score).as_str().to_owned(),
                        sc.verdict.map_or_else(String::new, |v| v.to_string()),
                        counts_what(c).to_owned(),
                        counted(c).to_string(),
                        Band::from_score(counted(c)).as_str().to_owned(),
                        sc.recommendation.clone(),
                        ids(true),
                        ids(false),
                        c.edits.len().to_string(),
                    ];
                    let line: Vec<String> = fields.iter().map(|f| crate::cohorts::csv_field(f)).collect();
                    csv.push_str(&line.join(","));
                    csv.push_str("\r\n");
                }
            }
        }
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"round-{}.csv\"", round.id)),
            ],
            csv,
        )
            .into_response())
    }
    .await;
    or_missing(&state, result)
}

// ---------------------------------------------------------------------------------------
// Scoring a candidate's answer in the round.

#[derive(Template)]
#[template(path = "round_score.html")]
struct ScorePage {
    csrf: String,
    id: i64,
    round: String,
    candidate: String,
    candidate_index: usize,
    question: String,
    question_index: usize,
    interview_date: String,
    answer: String,
    error: Option<String>,
}

impl ScorePage {
    /// The form for one cell of the round, with what was typed and why it was refused.
    fn new(
        state: &AppState,
        round: &Round,
        (candidate_index, candidate): (usize, &str),
        (question_index, guide): (usize, &str),
        (interview_date, answer): (String, String),
        error: Option<String>,
    ) -> ScorePage {
        ScorePage {
            csrf: state.csrf_token(),
            id: round.id,
            round: round.round.name.clone(),
            candidate: candidate.to_owned(),
            candidate_index,
            question: state
                .engine()
                .guide(guide)
                .map_or_else(|| guide.to_owned(), |g| g.question.clone()),
            question_index,
            interview_date,
            answer,
            error,
        }
    }
}

#[derive(Deserialize)]
struct CellQuery {
    #[serde(default)]
    candidate: String,
    #[serde(default)]
    question: String,
}

/// The candidate and guide of a cell of the round, from their indexes.
fn locate<'r>(
    round: &'r Round,
    candidate: &str,
    question: &str,
) -> Result<(usize, &'r str, usize, &'r str), AppError> {
    let ci: usize = candidate.parse().map_err(|_| unknown())?;
    let qi: usize = question.parse().map_err(|_| unknown())?;
    let name = round.round.candidates.get(ci).ok_or_else(unknown)?;
    let guide = round.round.questions.get(qi).ok_or_else(unknown)?;
    Ok((ci, name, qi, guide))
}

/// The user's own scorecard of a cell, if they made one.
fn own_card<'c>(
    cards: &'c [Scorecard],
    round: i64,
    candidate: &str,
    guide: &str,
) -> Option<&'c Scorecard> {
    cards.iter().find(|c| {
        c.scorecard.round_id == Some(round)
            && c.scorecard.candidate == candidate
            && c.scorecard.guide_id == guide
    })
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today(state: &AppState) -> String {
    super::format_time(state.now_ms())
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn score_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<CellQuery>,
) -> Response {
    let result = async {
        let round = my_round(&state, &id).await?;
        let (ci, candidate, qi, guide) = locate(&round, &q.candidate, &q.question)?;
        let mine = state
            .store()
            .scorecards(&crate::accounts::user_id())
            .await
            .map_err(store_error)?;
        if let Some(card) = own_card(&mine, round.id, candidate, guide) {
            return Ok(Redirect::to(&format!("/scorecards/{}", card.id)).into_response());
        }
        page(&ScorePage::new(
            &state,
            &round,
            (ci, candidate),
            (qi, guide),
            (today(&state), String::new()),
            None,
        ))
    }
    .await;
    or_missing(&state, result)
}

#[derive(Deserialize)]
struct ScoreForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    candidate: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    interview_date: String,
    #[serde(default)]
    answer: String,
}

/// A date as `YYYY-MM-DD`, or empty.
pub(super) fn check_date(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let parts: Vec<&str> = text.split('-').collect();
    let fine = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u8>().unwrap_or(0));
    if fine {
        Ok(text.to_owned())
    } else {
        Err(format!("{text:?} is not a date: write it as YYYY-MM-DD"))
    }
}

async fn score_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<ScoreForm>,
) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let round = my_round(&state, &id).await?;
        let (ci, candidate, qi, guide_id) = locate(&round, &form.candidate, &form.question)?;
        let mine = state
            .store()
            .scorecards(&crate::accounts::user_id())
            .await
            .map_err(store_error)?;
        if let Some(card) = own_card(&mine, round.id, candidate, guide_id) {
            return Ok(Redirect::to(&format!("/scorecards/{}", card.id)).into_response());
        }
        let again = |message: String| {
            page_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ScorePage::new(
                    &state,
                    &round,
                    (ci, candidate),
                    (qi, guide_id),
                    (form.interview_date.clone(), form.answer.clone()),
                    Some(message),
                ),
            )
        };
        let date = match check_date(&form.interview_date) {
            Ok(date) => date,
            Err(message) => return again(message),
        };
        let guide = match scoring::guide(&state, guide_id) {
            Ok(guide) => guide,
            Err(err) => return again(err.message),
        };
        let report = match scoring::score(
            &state,
            Question::Id(guide.id.clone()),
            form.answer.clone(),
            false,
        )
        .await
        {
            Ok(report) => report,
            Err(err) => return again(err.message),
        };
        let card = new_scorecard(
            &state,
            round.id,
            candidate,
            guide,
            &form.answer,
            &report,
            date,
        );
        let saved = state
            .store()
            .add_scorecard(card)
            .await
            .map_err(store_error)?;
        Ok(Redirect::to(&format!("/scorecards/{}", saved.id)).into_response())
    }
    .await;
    or_missing(&state, result)
}

/// A new scorecard of the user's with the engine's verdicts, as a draft.
pub(super) fn new_scorecard(
    state: &AppState,
    round: i64,
    candidate: &str,
    guide: &rapport_pack::Guide,
    answer: &str,
    report: &rapport_engine::Report,
    interview_date: String,
) -> NewScorecard {
    NewScorecard {
        user_id: crate::accounts::user_id(),
        candidate: candidate.to_owned(),
        guide_id: guide.id.clone(),
        question: guide.question.clone(),
        answer: answer.to_owned(),
        score: report.score,
        steps: report
            .criteria
            .iter()
            .map(|c| ScorecardStep {
                id: c.id.clone(),
                engine_met: c.met,
                override_met: None,
                comment: String::new(),
            })
            .collect(),
        recommendation: String::new(),
        comment: String::new(),
        report_json: serde_json::to_string(&ReportJson::new(report)).unwrap_or_default(),
        created_at_ms: state.now_ms(),
        round_id: Some(round),
        interview_date,
        verdict: None,
        submitted_at_ms: None,
    }
}

// ---------------------------------------------------------------------------------------
// The maker's changes.

#[derive(Deserialize)]
struct InterviewerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn add_interviewer_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<InterviewerForm>,
) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let round = my_round(&state, &id).await?;
        let me = crate::accounts::user_id();
        if round.round.owner != me {
            return Err(unknown());
        }
        let name = form.name.trim();
        if crate::accounts::signed_in().is_none() {
            return render_round(
                &state,
                &round,
                Some("interviewers can be added only on a team server".into()),
                None,
            )
            .await;
        }
        if let Some(problem) = not_an_interviewer(&state, name).await? {
            return render_round(&state, &round, Some(problem), None).await;
        }
        state
            .store()
            .add_round_interviewer(&me, round.id, name)
            .await
            .map_err(store_error)?;
        Ok(Redirect::to(&format!(
            "/rounds/{}?added={}",
            round.id,
            super::encode(name)
        ))
        .into_response())
    }
    .await;
    or_missing(&state, result)
}

async fn delete_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let round = my_round(&state, &id).await?;
        let me = crate::accounts::user_id();
        if !state
            .store()
            .delete_round(&me, round.id)
            .await
            .map_err(store_error)?
        {
            return Err(unknown());
        }
        Ok(Redirect::to(&format!(
            "/rounds?deleted={}",
            super::encode(&round.round.name)
        ))
        .into_response())
    }
    .await;
    or_missing(&state, result)
}

#[cfg(test)]
mod tests {
    use super::{Spread, check_date, lines};

    #[test]
    fn spreads_flag_more_than_a_band_apart() {
        assert_eq!(Spread::of(&[]), None);
        let close = Spread::of(&[62, 78, 70]).expect("three");
        assert_eq!(
            (close.n, close.mean, close.spread, close.disagree),
            (3, 70, 16, false)
        );
        let apart = Spread::of(&[45, 80]).expect("two");
        assert_eq!((apart.mean, apart.spread, apart.disagree), (63, 35, true));
        assert_eq!(apart.band(), "solid");
        assert!(
            !Spread::of(&[60, 80]).expect("two").disagree,
            "20 points is a band, not more"
        );
    }

    #[test]
    fn dates_and_lists_are_read() {
        assert_eq!(check_date(" 2026-12-08 "), Ok("2026-12-08".to_owned()));
        assert_eq!(check_date(""), Ok(String::new()));
        assert!(check_date("8/12/2026").is_err());
        assert!(check_date("2026-13-01").is_err());
        assert_eq!(lines("Pat Ng\n\n Sam , Pat Ng\n"), ["Pat Ng", "Sam"]);
    }
}
