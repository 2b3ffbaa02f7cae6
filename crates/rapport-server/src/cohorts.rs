//! Coaches' cohorts, on a server with accounts (`rapport serve --accounts`).
//!
//! A coach (or an admin) makes a cohort and hands out its invite link (`/join/{invite}`).
//! A user who opens it and joins shares their practice with that coach, and only with
//! that coach: every attempt, past and future, with its answer and report (never their
//! recordings, which stay their own). They see on `/cohorts` who sees their practice,
//! and can leave at any time. The coach sees each member's attempts and progress, the
//! cohort per question and step (which steps the cohort keeps missing), and exports a
//! CSV of the attempts (scores and steps, no answer text).
//!
//! Who may see what: a cohort is found only by its own coach; a member only in a cohort
//! of the asking coach; a member's attempt only through such a membership. Everything
//! else answers 404 with the same words as an id that does not exist, so that ids and
//! names are never confirmed. On a single-user server there are no cohorts: 404 too.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use rapport_store::{Attempt, AttemptFilter, Cohort, Member, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{Signed, signed_in};
use crate::api::AttemptJson;
use crate::card::{Card, excerpt};
use crate::error::ErrorBody;
use crate::extract::{Form, Json, Path, Query, TokenForm, attempt_id};
use crate::pages::{Link, format_time, machine_time, page};
use crate::scoring::{self, store_error};
use crate::security::check_form_token;
use crate::{AppError, AppState};

/// The longest cohort name, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 80;

/// How many characters of an answer a member's attempt row shows.
const EXCERPT_CHARS: usize = 120;

/// The routes of this module.
pub(crate) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/cohorts", get(cohorts_page).post(create_form))
        .route("/cohorts/{id}", get(cohort_page))
        .route("/cohorts/{id}/export.csv", get(export_csv))
        .route("/cohorts/{id}/invite", post(new_invite_form))
        .route("/cohorts/{id}/delete", post(delete_form))
        .route("/cohorts/{id}/leave", post(leave_form))
        .route("/cohorts/{id}/members/{name}", get(member_page))
        .route("/cohorts/{id}/members/{name}/remove", post(remove_form))
        .route(
            "/cohorts/{id}/members/{name}/attempts/{attempt}",
            get(member_attempt_page),
        )
        .route("/join/{invite}", get(join_page).post(join_form))
        .route("/api/cohorts", get(api_list).post(api_create))
        .route("/api/cohorts/join", post(api_join))
        .route("/api/cohorts/{id}", get(api_cohort))
        .route("/api/cohorts/{id}/membership", delete(api_leave))
        .route(
            "/api/cohorts/{id}/members/{name}/attempts",
            get(api_member_attempts),
        )
}

// ---------------------------------------------------------------------------------------
// Who may do what.

/// The same answer for a cohort, member or attempt that does not exist and for one the
/// user may not see.
fn unknown() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "unknown_cohort",
        "there is no such cohort, member or attempt among yours",
    )
}

/// The signed-in user; cohorts exist only on a server with accounts.
fn user() -> Result<Signed, AppError> {
    signed_in().ok_or_else(unknown)
}

/// Whether a role may run cohorts.
fn coaches(role: Role) -> bool {
    matches!(role, Role::Coach | Role::Admin)
}

/// The signed-in coach (or admin); anyone else finds no cohorts to run.
fn coach() -> Result<Signed, AppError> {
    user().and_then(|u| {
        if coaches(u.role) {
            Ok(u)
        } else {
            Err(unknown())
        }
    })
}

/// The signed-in coach's cohort with this id (as written in the address).
async fn own_cohort(state: &AppState, id: &str) -> Result<(Signed, Cohort), AppError> {
    let coach = coach()?;
    let id: i64 = id.parse().map_err(|_| unknown())?;
    let cohort = state
        .store()
        .coached_cohort(&coach.name, id)
        .await
        .map_err(store_error)?
        .ok_or_else(unknown)?;
    Ok((coach, cohort))
}

/// The cohorts the user runs (none unless a coach or admin) and those they are in.
async fn my_cohorts(state: &AppState, me: &Signed) -> Result<(Vec<Cohort>, Vec<Cohort>), AppError> {
    let coached = if coaches(me.role) {
        state
            .store()
            .coached_cohorts(&me.name)
            .await
            .map_err(store_error)?
    } else {
        Vec::new()
    };
    let joined = state
        .store()
        .joined_cohorts(&me.name)
        .await
        .map_err(store_error)?;
    Ok((coached, joined))
}

/// A member of the coach's cohort.
fn member<'c>(cohort: &'c Cohort, name: &str) -> Result<&'c Member, AppError> {
    cohort
        .members
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(unknown)
}

/// A member's attempts, newest first.
async fn attempts_of(state: &AppState, member: &str) -> Result<Vec<Attempt>, AppError> {
    state
        .store()
        .attempts(member, &AttemptFilter::default())
        .await
        .map_err(store_error)
}

/// A cohort name as given: trimmed, 1 to [`MAX_NAME_CHARS`] characters, no control
/// characters.
fn cohort_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let problem = if name.is_empty() {
        Some("the cohort's name is empty".to_owned())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some(format!(
            "the cohort's name is longer than {MAX_NAME_CHARS} characters"
        ))
    } else if name.chars().any(char::is_control) {
        Some("the cohort's name has control characters".to_owned())
    } else {
        None
    };
    match problem {
        Some(message) => Err(AppError::new(
            StatusCode::BAD_REQUEST,
            "invalid_cohort_name",
            message,
        )),
        None => Ok(name.to_owned()),
    }
}

/// The address people open the server at, for invite links.
fn origin(state: &AppState) -> String {
    state
        .config()
        .accounts
        .as_ref()
        .and_then(|a| a.public_origin.clone())
        .unwrap_or_else(|| format!("http://{}", state.config().addr))
}

/// A cohort's invite link.
fn invite_url(state: &AppState, cohort: &Cohort) -> String {
    format!("{}/join/{}", origin(state), cohort.invite)
}

/// The not-found page for pages of this module.
fn missing(state: &AppState) -> Response {
    crate::pages::not_found(
        state,
        "No such cohort",
        "There is no such cohort, member or attempt among yours.",
        Some(Link {
            href: "/cohorts".into(),
            text: "See your cohorts".into(),
        }),
    )
}

/// A page handler's result, with "not found" shown as this module's page.
fn or_missing(state: &AppState, result: Result<Response, AppError>) -> Response {
    crate::pages::or_not_found(state, result, missing)
}

// ---------------------------------------------------------------------------------------
// What the coach sees.

/// A member as the cohort page lists them.
struct MemberRow {
    name: String,
    joined: String,
    attempts: usize,
    questions: usize,
    /// The latest attempt's score and when, if any.
    latest: Option<(u8, String)>,
    /// The mean change from the first to the latest attempt at each question answered
    /// more than once.
    progress: Option<i32>,
}

impl MemberRow {
    fn new(member: &Member, attempts: &[Attempt]) -> MemberRow {
        let questions = by_question(attempts);
        let changes: Vec<i32> = questions
            .values()
            .filter(|list| list.len() > 1)
            .map(|list| {
                i32::from(list[0].attempt.score) - i32::from(list[list.len() - 1].attempt.score)
            })
            .collect();
        MemberRow {
            name: member.name.clone(),
            joined: format_time(member.joined_at_ms),
            attempts: attempts.len(),
            questions: questions.len(),
            latest: attempts
                .first()
                .map(|a| (a.attempt.score, format_time(a.attempt.created_at_ms))),
            progress: (!changes.is_empty())
                .then(|| changes.iter().sum::<i32>() / changes.len() as i32),
        }
    }
}

/// Attempts by guide, each list newest first.
fn by_question(attempts: &[Attempt]) -> BTreeMap<&str, Vec<&Attempt>> {
    let mut map: BTreeMap<&str, Vec<&Attempt>> = BTreeMap::new();
    for a in attempts {
        map.entry(a.attempt.guide_id.as_str()).or_default().push(a);
    }
    map
}

/// The cohort at one question: of the members who answered it, how many took each step
/// in their latest attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionSteps {
    /// The guide.
    pub guide_id: String,
    /// The question as the guide asks it (or as last asked, for a guide gone).
    pub question: String,
    /// Members who answered it.
    pub answered: usize,
    /// Each step, in the guide's order.
    pub steps: Vec<StepCount>,
}

/// How many members' latest attempts took or missed one step.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepCount {
    /// The step id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Latest attempts that took it.
    pub met: usize,
    /// Latest attempts that missed it.
    pub missed: usize,
}

impl StepCount {
    /// Whether most of the cohort misses it (shown as a step to work on).
    fn mostly_missed(&self) -> bool {
        self.missed > self.met
    }
}

/// The cohort per question and step, from every member's attempts; the questions most
/// answered first.
fn question_steps(state: &AppState, members: &[(String, Vec<Attempt>)]) -> Vec<QuestionSteps> {
    let mut latest: BTreeMap<String, Vec<&Attempt>> = BTreeMap::new();
    for (_, attempts) in members {
        for (guide, list) in by_question(attempts) {
            latest.entry(guide.to_owned()).or_default().push(list[0]);
        }
    }
    let mut out: Vec<QuestionSteps> = latest
        .into_iter()
        .map(|(guide_id, attempts)| {
            let guide = scoring::guide(state, &guide_id).ok();
            let steps = crate::pages::history::step_labels(guide, attempts.first().copied());
            let count = |id: &str, met: bool| {
                attempts
                    .iter()
                    .filter(|a| a.attempt.steps.iter().any(|s| s.id == id && s.met == met))
                    .count()
            };
            QuestionSteps {
                question: guide.map_or_else(
                    || attempts[0].attempt.question.clone(),
                    |g| g.question.clone(),
                ),
                answered: attempts.len(),
                steps: steps
                    .into_iter()
                    .map(|(id, label)| StepCount {
                        met: count(&id, true),
                        missed: count(&id, false),
                        id,
                        label,
                    })
                    .collect(),
                guide_id,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.answered
            .cmp(&a.answered)
            .then_with(|| a.guide_id.cmp(&b.guide_id))
    });
    out
}

/// Every member's attempts, in the order of the members.
async fn members_attempts(
    state: &AppState,
    cohort: &Cohort,
) -> Result<Vec<(String, Vec<Attempt>)>, AppError> {
    let mut out = Vec::with_capacity(cohort.members.len());
    for m in &cohort.members {
        out.push((m.name.clone(), attempts_of(state, &m.name).await?));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Pages.

/// `/cohorts`: the cohorts the user runs (coaches and admins) and those they are in.
#[derive(Template)]
#[template(path = "cohorts.html")]
struct CohortsPage {
    csrf: String,
    /// Whether the user may run cohorts.
    coach: bool,
    coached: Vec<CoachedRow>,
    joined: Vec<JoinedRow>,
    /// What was just done, said at the top.
    done: Option<String>,
    /// A refused name, with the name as typed.
    error: Option<String>,
    name: String,
}

struct CoachedRow {
    id: i64,
    name: String,
    members: usize,
    created: String,
}

struct JoinedRow {
    id: i64,
    name: String,
    coach: String,
    joined: String,
}

/// The query string of `/cohorts`.
#[derive(Deserialize)]
struct CohortsQuery {
    joined: Option<String>,
    left: Option<String>,
    deleted: Option<String>,
}

async fn cohorts_page(
    State(state): State<AppState>,
    Query(query): Query<CohortsQuery>,
) -> Response {
    let done = if let Some(name) = query.joined {
        Some(format!("You joined {name}."))
    } else if let Some(name) = query.left {
        Some(format!(
            "You left {name}: its coach no longer sees your practice."
        ))
    } else {
        query.deleted.map(|name| format!("{name} was deleted."))
    };
    let result = list_page(&state, done, None, String::new()).await;
    or_missing(&state, result)
}

async fn list_page(
    state: &AppState,
    done: Option<String>,
    error: Option<String>,
    name: String,
) -> Result<Response, AppError> {
    let me = user()?;
    let (coached, joined) = my_cohorts(state, &me).await?;
    let template = CohortsPage {
        csrf: state.csrf_token(),
        coach: coaches(me.role),
        coached: coached
            .iter()
            .map(|c| CoachedRow {
                id: c.id,
                name: c.name.clone(),
                members: c.members.len(),
                created: format_time(c.created_at_ms),
            })
            .collect(),
        joined: joined
            .iter()
            .map(|c| JoinedRow {
                id: c.id,
                name: c.name.clone(),
                coach: c.coach.clone(),
                joined: c
                    .members
                    .first()
                    .map(|m| format_time(m.joined_at_ms))
                    .unwrap_or_default(),
            })
            .collect(),
        done,
        error,
        name,
    };
    if template.error.is_some() {
        crate::pages::page_with(StatusCode::BAD_REQUEST, &template)
    } else {
        page(&template)
    }
}

/// The form that makes a cohort.
#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// `POST /cohorts`: makes a cohort and opens it.
async fn create_form(State(state): State<AppState>, Form(form): Form<CreateForm>) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let me = coach()?;
        match cohort_name(&form.name) {
            Ok(name) => {
                let cohort = create(&state, &me, &name).await?;
                Ok(Redirect::to(&format!("/cohorts/{}", cohort.id)).into_response())
            }
            Err(err) => list_page(&state, None, Some(err.message), form.name.clone()).await,
        }
    }
    .await;
    or_missing(&state, result)
}

async fn create(state: &AppState, coach: &Signed, name: &str) -> Result<Cohort, AppError> {
    let cohort = state
        .store()
        .add_cohort(&coach.name, name, &crate::random_token(), state.now_ms())
        .await
        .map_err(store_error)?;
    tracing::info!(cohort = cohort.id, "cohort made");
    Ok(cohort)
}

/// `/cohorts/{id}`: the coach's view of a cohort.
#[derive(Template)]
#[template(path = "cohort.html")]
struct CohortPage {
    csrf: String,
    id: i64,
    name: String,
    invite_url: String,
    members: Vec<MemberRow>,
    questions: Vec<QuestionSteps>,
    done: Option<String>,
}

/// The query string of `/cohorts/{id}`.
#[derive(Deserialize)]
struct CohortQuery {
    removed: Option<String>,
    invite: Option<String>,
}

async fn cohort_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<CohortQuery>,
) -> Response {
    let result = async {
        let (_, cohort) = own_cohort(&state, &id).await?;
        let all = members_attempts(&state, &cohort).await?;
        let done = if let Some(name) = query.removed {
            Some(format!(
                "{name} was taken out of the cohort: you no longer see their practice."
            ))
        } else {
            query
                .invite
                .map(|_| "The invite link is new: the old one no longer works.".to_owned())
        };
        page(&CohortPage {
            csrf: state.csrf_token(),
            id: cohort.id,
            name: cohort.name.clone(),
            invite_url: invite_url(&state, &cohort),
            members: cohort
                .members
                .iter()
                .zip(&all)
                .map(|(m, (_, attempts))| MemberRow::new(m, attempts))
                .collect(),
            questions: question_steps(&state, &all),
            done,
        })
    }
    .await;
    or_missing(&state, result)
}

/// `POST /cohorts/{id}/invite`: a new invite link; the old one stops working.
async fn new_invite_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let (coach, cohort) = own_cohort(&state, &id).await?;
        state
            .store()
            .set_invite(&coach.name, cohort.id, &crate::random_token())
            .await
            .map_err(store_error)?;
        Ok(Redirect::to(&format!("/cohorts/{}?invite=new", cohort.id)).into_response())
    }
    .await;
    or_missing(&state, result)
}

/// `POST /cohorts/{id}/delete`: deletes the cohort; its members stop sharing through it.
async fn delete_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let (coach, cohort) = own_cohort(&state, &id).await?;
        state
            .store()
            .delete_cohort(&coach.name, cohort.id)
            .await
            .map_err(store_error)?;
        Ok(Redirect::to(&format!(
            "/cohorts?deleted={}",
            crate::pages::encode(&cohort.name)
        ))
        .into_response())
    }
    .await;
    or_missing(&state, result)
}

/// `POST /cohorts/{id}/members/{name}/remove`: the coach takes a member out.
async fn remove_form(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    Form(form): Form<TokenForm>,
) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let (_, cohort) = own_cohort(&state, &id).await?;
        let member = member(&cohort, &name)?;
        state
            .store()
            .leave_cohort(cohort.id, &member.name)
            .await
            .map_err(store_error)?;
        Ok(Redirect::to(&format!(
            "/cohorts/{}?removed={}",
            cohort.id,
            crate::pages::encode(&member.name)
        ))
        .into_response())
    }
    .await;
    or_missing(&state, result)
}

/// `/cohorts/{id}/members/{name}`: one member's practice, for their coach.
#[derive(Template)]
#[template(path = "cohort_member.html")]
struct MemberPage {
    csrf: String,
    cohort_id: i64,
    cohort: String,
    name: String,
    joined: String,
    groups: Vec<MemberGroup>,
    total: usize,
}

/// A member's attempts at one question.
struct MemberGroup {
    question: String,
    /// Score and steps over time, as on the member's own progress page.
    chart: crate::svg::Chart,
    first: u8,
    latest: u8,
    best: u8,
    rows: Vec<MemberAttemptRow>,
}

struct MemberAttemptRow {
    id: i64,
    when: String,
    when_machine: String,
    score: u8,
    band: String,
    mode: &'static str,
    met: usize,
    steps: usize,
    excerpt: String,
}

async fn member_page(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let result = async {
        let (_, cohort) = own_cohort(&state, &id).await?;
        let member = member(&cohort, &name)?;
        let attempts = attempts_of(&state, &member.name).await?;
        let mut groups: Vec<MemberGroup> = by_question(&attempts)
            .into_values()
            .enumerate()
            .map(|(n, list)| MemberGroup {
                chart: progress_chart(&state, &list).with_id(format!("chart-{n}")),
                question: list[0].attempt.question.clone(),
                first: list[list.len() - 1].attempt.score,
                latest: list[0].attempt.score,
                best: list.iter().map(|a| a.attempt.score).max().unwrap_or(0),
                rows: list
                    .iter()
                    .map(|a| MemberAttemptRow {
                        id: a.id,
                        when: format_time(a.attempt.created_at_ms),
                        when_machine: machine_time(a.attempt.created_at_ms),
                        score: a.attempt.score,
                        band: a.attempt.band.clone(),
                        mode: a.attempt.mode.as_str(),
                        met: a.attempt.steps.iter().filter(|s| s.met).count(),
                        steps: a.attempt.steps.len(),
                        excerpt: excerpt(&a.attempt.answer, EXCERPT_CHARS),
                    })
                    .collect(),
            })
            .collect();
        // The question practised most recently first.
        groups.sort_by(|a, b| b.rows[0].id.cmp(&a.rows[0].id));
        page(&MemberPage {
            csrf: state.csrf_token(),
            cohort_id: cohort.id,
            cohort: cohort.name.clone(),
            name: member.name.clone(),
            joined: format_time(member.joined_at_ms),
            total: attempts.len(),
            groups,
        })
    }
    .await;
    or_missing(&state, result)
}

/// The progress chart of one question's attempts (newest first): the guide's steps, or
/// the latest report's for a guide no longer loaded.
fn progress_chart(state: &AppState, attempts: &[&Attempt]) -> crate::svg::Chart {
    use crate::pages::history::{samples, step_labels};
    let guide = scoring::guide(state, &attempts[0].attempt.guide_id).ok();
    let steps = step_labels(guide, attempts.first().copied());
    crate::svg::progress(&steps, &samples(&steps, attempts.iter().copied()))
}

/// `/cohorts/{id}/members/{name}/attempts/{attempt}`: one of a member's attempts, read
/// only, for their coach.
#[derive(Template)]
#[template(path = "cohort_attempt.html")]
struct MemberAttemptPage {
    csrf: String,
    cohort_id: i64,
    cohort: String,
    name: String,
    when: String,
    when_machine: String,
    mode: &'static str,
    card: Card,
}

async fn member_attempt_page(
    State(state): State<AppState>,
    Path((id, name, attempt)): Path<(String, String, String)>,
) -> Response {
    let result = async {
        let (_, cohort) = own_cohort(&state, &id).await?;
        let member = member(&cohort, &name)?;
        let attempt_id = attempt_id(&attempt).map_err(|_| unknown())?;
        let attempt = state
            .store()
            .attempt(&member.name, attempt_id)
            .await
            .map_err(store_error)?
            .ok_or_else(unknown)?;
        let report = scoring::report_of(&attempt);
        let a = &attempt.attempt;
        page(&MemberAttemptPage {
            csrf: state.csrf_token(),
            cohort_id: cohort.id,
            cohort: cohort.name.clone(),
            name: member.name.clone(),
            when: format_time(a.created_at_ms),
            when_machine: machine_time(a.created_at_ms),
            mode: a.mode.as_str(),
            card: Card::new(&report, &a.answer),
        })
    }
    .await;
    or_missing(&state, result)
}

/// `/cohorts/{id}/export.csv`: every member's attempts, newest first: who, when, which
/// question, score, band and steps. No answer text: the coach reads answers in the app,
/// and a file travels further than a page.
async fn export_csv(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = async {
        let (_, cohort) = own_cohort(&state, &id).await?;
        let all = members_attempts(&state, &cohort).await?;
        let mut rows: Vec<(&str, &Attempt)> = all
            .iter()
            .flat_map(|(name, list)| list.iter().map(move |a| (name.as_str(), a)))
            .collect();
        rows.sort_by(|a, b| {
            b.1.attempt
                .created_at_ms
                .cmp(&a.1.attempt.created_at_ms)
                .then_with(|| b.1.id.cmp(&a.1.id))
        });
        let mut csv = String::from(
            "member,attempt_id,when_utc,guide_id,question,mode,score,band,steps_met,steps_missed\r\n",
        );
        for (name, a) in rows {
            let ids = |met: bool| {
                a.attempt
                    .steps
                    .iter()
                    .filter(|s| s.met == met)
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let fields = [
                name.to_owned(),
                a.id.to_string(),
                machine_time(a.attempt.created_at_ms),
                a.attempt.guide_id.clone(),
                a.attempt.question.clone(),
                a.attempt.mode.as_str().to_owned(),
                a.attempt.score.to_string(),
                a.attempt.band.clone(),
                ids(true),
                ids(false),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            csv.push_str(&line.join(","));
            csv.push_str("\r\n");
        }
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"cohort-{}.csv\"", cohort.id),
                ),
            ],
            csv,
        )
            .into_response())
    }
    .await;
    or_missing(&state, result)
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, and a
/// leading `=`, `+`, `-`, `@` or tab defused with an apostrophe, so that a spreadsheet
/// never runs a question someone typed as a formula.
pub(crate) fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `/join/{invite}`: what joining means, before joining.
#[derive(Template)]
#[template(path = "join.html")]
struct JoinPage {
    csrf: String,
    invite: String,
    name: String,
    coach: String,
    /// Already a member, or the cohort's own coach: nothing to join.
    already: Option<&'static str>,
}

async fn invited(state: &AppState, invite: &str) -> Result<Cohort, AppError> {
    state
        .store()
        .invited_cohort(invite)
        .await
        .map_err(store_error)?
        .ok_or_else(|| {
            AppError::new(
                StatusCode::NOT_FOUND,
                "unknown_invite",
                "this invite link does not work: it may have been replaced by a new one; \
                 ask your coach for the current link",
            )
        })
}

/// Whether the user is in the cohort already.
async fn is_member(state: &AppState, user: &str, id: i64) -> Result<bool, AppError> {
    Ok(state
        .store()
        .joined_cohorts(user)
        .await
        .map_err(store_error)?
        .iter()
        .any(|c| c.id == id))
}

async fn join_page(State(state): State<AppState>, Path(invite): Path<String>) -> Response {
    let result = async {
        let me = user()?;
        let cohort = invited(&state, &invite).await?;
        let already = if cohort.coach == me.name {
            Some("This is your own cohort: you run it.")
        } else if is_member(&state, &me.name, cohort.id).await? {
            Some("You are in this cohort already.")
        } else {
            None
        };
        page(&JoinPage {
            csrf: state.csrf_token(),
            invite,
            name: cohort.name,
            coach: cohort.coach,
            already,
        })
    }
    .await;
    match result {
        Err(err) if err.code == "unknown_invite" => crate::pages::not_found(
            &state,
            "This invite link does not work",
            "It may have been replaced by a new one. Ask your coach for the current link.",
            None,
        ),
        other => or_missing(&state, other),
    }
}

/// Joins the cohort of an invite; the cohort's own coach cannot join it.
async fn join(state: &AppState, me: &Signed, invite: &str) -> Result<Cohort, AppError> {
    let cohort = invited(state, invite).await?;
    if cohort.coach == me.name {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "own_cohort",
            "this is your own cohort: its coach cannot join it",
        ));
    }
    state
        .store()
        .join_cohort(cohort.id, &me.name, state.now_ms())
        .await
        .map_err(store_error)?;
    tracing::info!(cohort = cohort.id, "cohort joined");
    Ok(cohort)
}

async fn join_form(
    State(state): State<AppState>,
    Path(invite): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let me = user()?;
        let cohort = join(&state, &me, &invite).await?;
        Ok(Redirect::to(&format!(
            "/cohorts?joined={}",
            crate::pages::encode(&cohort.name)
        ))
        .into_response())
    }
    .await;
    or_missing(&state, result)
}

/// Leaves a cohort the user is in.
async fn leave(state: &AppState, id: &str) -> Result<Cohort, AppError> {
    let me = user()?;
    let id: i64 = id.parse().map_err(|_| unknown())?;
    let cohort = state
        .store()
        .joined_cohorts(&me.name)
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(unknown)?;
    state
        .store()
        .leave_cohort(id, &me.name)
        .await
        .map_err(store_error)?;
    tracing::info!(cohort = id, "cohort left");
    Ok(cohort)
}

async fn leave_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let result = async {
        check_form_token(&state, &form.csrf)?;
        let cohort = leave(&state, &id).await?;
        Ok(Redirect::to(&format!(
            "/cohorts?left={}",
            crate::pages::encode(&cohort.name)
        ))
        .into_response())
    }
    .await;
    or_missing(&state, result)
}

// ---------------------------------------------------------------------------------------
// The JSON API.

/// A cohort as its coach sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CohortJson {
    /// Assigned by the server.
    pub id: i64,
    /// As the coach named it.
    pub name: String,
    /// The coach's user name.
    pub coach: String,
    /// The link a candidate opens to join.
    pub invite_url: String,
    /// When it was made, in milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// Its members.
    pub members: Vec<MemberJson>,
}

/// A member of a cohort.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberJson {
    /// Their user name.
    pub name: String,
    /// When they joined, in milliseconds since the Unix epoch.
    pub joined_at_ms: i64,
}

impl CohortJson {
    fn new(state: &AppState, cohort: &Cohort) -> CohortJson {
        CohortJson {
            id: cohort.id,
            name: cohort.name.clone(),
            coach: cohort.coach.clone(),
            invite_url: invite_url(state, cohort),
            created_at_ms: cohort.created_at_ms,
            members: cohort
                .members
                .iter()
                .map(|m| MemberJson {
                    name: m.name.clone(),
                    joined_at_ms: m.joined_at_ms,
                })
                .collect(),
        }
    }
}

/// A cohort the user is in: whose coach sees their practice.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinedJson {
    /// The cohort's id (for leaving it).
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its coach, who sees the user's practice.
    pub coach: String,
    /// When the user joined, in milliseconds since the Unix epoch.
    pub joined_at_ms: i64,
}

impl JoinedJson {
    fn new(cohort: &Cohort) -> JoinedJson {
        JoinedJson {
            id: cohort.id,
            name: cohort.name.clone(),
            coach: cohort.coach.clone(),
            joined_at_ms: cohort.members.first().map_or(0, |m| m.joined_at_ms),
        }
    }
}

/// The user's cohorts.
#[derive(Debug, Serialize, ToSchema)]
pub struct CohortsJson {
    /// The cohorts the user runs (coaches and admins; empty for others).
    pub coached: Vec<CohortJson>,
    /// The cohorts the user is in: the only people besides the user who see their
    /// practice are these cohorts' coaches.
    pub joined: Vec<JoinedJson>,
}

/// A cohort with the cohort's view per question and step.
#[derive(Debug, Serialize, ToSchema)]
pub struct CohortViewJson {
    /// The cohort.
    pub cohort: CohortJson,
    /// Per question answered, the steps the members' latest attempts took and missed.
    pub questions: Vec<QuestionSteps>,
}

/// A new cohort.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCohortJson {
    /// Its name, 1 to 80 characters.
    pub name: String,
}

/// Joining a cohort.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinJson {
    /// The secret at the end of the invite link (`…/join/{invite}`); the whole link is
    /// accepted too.
    pub invite: String,
}

/// The cohorts the user runs and the cohorts the user is in.
#[utoipa::path(
    get,
    path = "/api/cohorts",
    responses(
        (status = 200, description = "The user's cohorts", body = CohortsJson),
        (status = 404, description = "Not a server with accounts (`unknown_cohort`)", body = ErrorBody)
    )
)]
pub(crate) async fn api_list(
    State(state): State<AppState>,
) -> Result<axum::Json<CohortsJson>, AppError> {
    let me = user()?;
    let (coached, joined) = my_cohorts(&state, &me).await?;
    Ok(axum::Json(CohortsJson {
        coached: coached.iter().map(|c| CohortJson::new(&state, c)).collect(),
        joined: joined.iter().map(JoinedJson::new).collect(),
    }))
}

/// Makes a cohort (coaches and admins).
#[utoipa::path(
    post,
    path = "/api/cohorts",
    request_body = NewCohortJson,
    responses(
        (status = 201, description = "The cohort, with its invite link", body = CohortJson),
        (status = 400, description = "A bad name (`invalid_cohort_name`) or body (`invalid_json`)", body = ErrorBody),
        (status = 403, description = "Only coaches and admins run cohorts (`coach_only`)", body = ErrorBody)
    )
)]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Json(body): Json<NewCohortJson>,
) -> Result<Response, AppError> {
    let me = user()?;
    if !coaches(me.role) {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "coach_only",
            "only coaches and admins run cohorts",
        ));
    }
    let name = cohort_name(&body.name)?;
    let cohort = create(&state, &me, &name).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CohortJson::new(&state, &cohort)),
    )
        .into_response())
}

/// One of the coach's cohorts, with its members and its view per question and step.
#[utoipa::path(
    get,
    path = "/api/cohorts/{id}",
    params(("id" = i64, Path, description = "The cohort's id")),
    responses(
        (status = 200, description = "The cohort", body = CohortViewJson),
        (status = 404, description = "Not a cohort of the user's (`unknown_cohort`)", body = ErrorBody)
    )
)]
pub(crate) async fn api_cohort(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<CohortViewJson>, AppError> {
    let (_, cohort) = own_cohort(&state, &id).await?;
    let all = members_attempts(&state, &cohort).await?;
    Ok(axum::Json(CohortViewJson {
        cohort: CohortJson::new(&state, &cohort),
        questions: question_steps(&state, &all),
    }))
}

/// A member's attempts, newest first, for the cohort's coach.
#[utoipa::path(
    get,
    path = "/api/cohorts/{id}/members/{name}/attempts",
    params(
        ("id" = i64, Path, description = "The cohort's id"),
        ("name" = String, Path, description = "The member's user name")
    ),
    responses(
        (status = 200, description = "The member's attempts", body = Vec<AttemptJson>),
        (status = 404, description = "Not a member of a cohort of the user's (`unknown_cohort`)", body = ErrorBody)
    )
)]
pub(crate) async fn api_member_attempts(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> Result<axum::Json<Vec<AttemptJson>>, AppError> {
    let (_, cohort) = own_cohort(&state, &id).await?;
    let member = member(&cohort, &name)?;
    let attempts = attempts_of(&state, &member.name).await?;
    Ok(axum::Json(attempts.iter().map(AttemptJson::new).collect()))
}

/// Joins a cohort with its invite: its coach will see the user's practice.
#[utoipa::path(
    post,
    path = "/api/cohorts/join",
    request_body = JoinJson,
    responses(
        (status = 200, description = "The cohort joined", body = JoinedJson),
        (status = 404, description = "No cohort has this invite (`unknown_invite`)", body = ErrorBody),
        (status = 409, description = "The user runs this cohort (`own_cohort`)", body = ErrorBody)
    )
)]
pub(crate) async fn api_join(
    State(state): State<AppState>,
    Json(body): Json<JoinJson>,
) -> Result<axum::Json<JoinedJson>, AppError> {
    let me = user()?;
    let invite = body
        .invite
        .trim()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let cohort = join(&state, &me, &invite).await?;
    let joined = state
        .store()
        .joined_cohorts(&me.name)
        .await
        .map_err(store_error)?
        .into_iter()
        .find(|c| c.id == cohort.id)
        .ok_or_else(unknown)?;
    Ok(axum::Json(JoinedJson::new(&joined)))
}

/// Leaves a cohort: its coach no longer sees the user's practice.
#[utoipa::path(
    delete,
    path = "/api/cohorts/{id}/membership",
    params(("id" = i64, Path, description = "The cohort's id")),
    responses(
        (status = 204, description = "Left"),
        (status = 404, description = "The user is not in such a cohort (`unknown_cohort`)", body = ErrorBody)
    )
)]
pub(crate) async fn api_leave(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    leave(&state, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("angry-caller"), "angry-caller");
        assert_eq!(
            csv_field("Why us, and why now?"),
            "\"Why us, and why now?\""
        );
        assert_eq!(csv_field("a \"quoted\" word"), "\"a \"\"quoted\"\" word\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("@sum"), "'@sum");
    }
}
