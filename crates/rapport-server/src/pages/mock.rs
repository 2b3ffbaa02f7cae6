//! The mock interview in the browser: a start page, one page per question, and a report
//! at the end, as `rapport mock` does in the terminal.
//!
//! Nothing is kept on the server between pages: the session id carries the seed, the
//! number of questions, the time allowed per question and the packs the questions are
//! drawn from, so the questions are chosen again from it on every request
//! (`Engine::interview` is deterministic), and the answers already given are the
//! attempts saved under that session id.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rapport_engine::Band;
use rapport_pack::Guide;
use rapport_store::{Attempt, AttemptFilter, Mode};
use serde::Deserialize;

use crate::card::Card;
use crate::extract::{Form, Path};
use crate::scoring::{self, Made, Question, store_error};
use crate::security::check_form_token;
use crate::{AppError, AppState};

/// The most questions one mock interview asks.
const MAX_QUESTIONS: usize = 10;

/// How many questions the start page offers by default.
const DEFAULT_QUESTIONS: usize = 4;

/// The time limits per question the start page offers, in seconds.
const TIME_LIMITS: [u32; 4] = [60, 90, 120, 180];

/// The time limit preselected when the user asks for a timed interview.
const DEFAULT_TIME_LIMIT: u32 = 120;

/// The shortest and longest time per question a session id may carry.
const TIME_LIMIT_RANGE: std::ops::RangeInclusive<u32> = 30..=600;

/// How many of the latest attempts the start page reads to list past interviews.
const RECENT_ATTEMPTS: u32 = 500;

/// How many past interviews the start page lists.
const PAST_SESSIONS: usize = 10;

/// The longest session id, as the API allows on an attempt.
const MAX_SESSION_ID: usize = 200;

/// The routes of the mock interview, its script and its stylesheet.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/mock", get(start_page).post(start))
        .route("/mock/{session}/report", get(report_page))
        .route("/mock/{session}/report.md", get(report_markdown))
        .route("/mock/{session}/report.json", get(report_json))
        .route("/mock/{session}/{n}", get(question_page).post(answer))
        .route(
            "/mock/{session}/{n}/follow-up",
            get(follow_up_page).post(follow_up_answer),
        )
        .route("/static/mock.js", get(script))
        .route("/static/mock.css", get(stylesheet))
}

/// One mock interview as its id describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The id as it appears in URLs and on saved attempts:
    /// `<16 hex digits of seed>-<questions>` with `-t<seconds>` when timed, then
    /// `.<pack id>` for each pack drawn from (in name order) unless it draws from all.
    pub id: String,
    /// Chooses the questions.
    pub seed: u64,
    /// How many questions were asked for.
    pub count: usize,
    /// The time allowed per question, when timed.
    pub seconds: Option<u32>,
    /// The ids of the packs the questions are drawn from, in name order; empty for
    /// every loaded pack.
    pub packs: Vec<String>,
}

impl Session {
    /// A session with this seed, length, time limit and packs (none: every pack).
    pub fn new(seed: u64, count: usize, seconds: Option<u32>, mut packs: Vec<String>) -> Session {
        let mut id = format!("{seed:016x}-{count}");
        if let Some(s) = seconds {
            id.push_str(&format!("-t{s}"));
        }
        packs.sort();
        packs.dedup();
        for pack in &packs {
            id.push('.');
            id.push_str(pack);
        }
        Session {
            id,
            seed,
            count,
            seconds,
            packs,
        }
    }

    /// Reads a session id; `None` for anything [`Session::new`] would not have written,
    /// so an id taken from a URL is safe to put back into one.
    pub fn parse(id: &str) -> Option<Session> {
        let mut packs = id.split('.');
        let id_head = packs.next()?;
        let packs: Vec<String> = packs.map(str::to_owned).collect();
        let pack_id = |p: &String| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
        };
        if !packs.iter().all(pack_id) {
            return None;
        }
        let mut parts = id_head.split('-');
        let seed = parts.next()?;
        if seed.len() != 16 || !seed.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let seed = u64::from_str_radix(seed, 16).ok()?;
        let count = parse_decimal(parts.next()?)?;
        if !(1..=MAX_QUESTIONS).contains(&count) {
            return None;
        }
        let seconds = match parts.next() {
            None => None,
            Some(t) => {
                let s = u32::try_from(parse_decimal(t.strip_prefix('t')?)?).ok()?;
                TIME_LIMIT_RANGE.contains(&s).then_some(s)?;
                Some(s)
            }
        };
        if parts.next().is_some() {
            return None;
        }
        let session = Session::new(seed, count, seconds, packs);
        // Only the canonical spelling: no leading zeros, packs in name order and each
        // once, so one interview has one id.
        (session.id == id).then_some(session)
    }

    /// The questions of this interview, in the order they are asked.
    pub fn questions<'e>(&self, state: &'e AppState) -> Vec<&'e Guide> {
        let engine = state.engine();
        if self.packs.is_empty() {
            return engine.interview(self.count, self.seed);
        }
        let packs = state.packs();
        engine.interview_from(self.count, self.seed, |g| {
            packs.of(&g.id).is_some_and(|p| self.packs.contains(&p.id))
        })
    }
}

/// A plain decimal number, digits only.
fn parse_decimal(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// 64 unpredictable bits for a new session's seed, from the standard library's randomly
/// keyed hasher (keyed by the operating system) mixed with the clock and a counter.
fn random_seed() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// The friendly 404 page for an interview or question that does not exist.
fn missing(state: &AppState) -> Response {
    super::not_found(
        state,
        "No such mock interview",
        "There is no mock interview or question at this address.",
        Some(super::Link {
            href: "/mock".to_owned(),
            text: "Start a mock interview".to_owned(),
        }),
    )
}

// ---------------------------------------------------------------------------------------
// The start page.

/// `/mock`: how many questions, from which packs, timed or not, and the interviews
/// already taken.
#[derive(Template)]
#[template(path = "mock.html")]
struct StartPage {
    csrf: String,
    /// The numbers of questions offered, and which is preselected.
    counts: Vec<(usize, bool)>,
    /// The packs to draw from.
    packs: Vec<PackChoice>,
    /// The time limits offered in seconds, as read, and which is preselected.
    limits: Vec<(u32, String, bool)>,
    past: Vec<PastSession>,
    /// The past interviews' averages over time, when there are two or more.
    chart: Option<crate::svg::Chart>,
    /// Why the form was not taken, when it was not.
    error: Option<String>,
}

/// The averages of past interviews over time, oldest first; `None` under two.
fn sessions_chart(past: &[PastSession]) -> Option<crate::svg::Chart> {
    let samples: Vec<crate::svg::Sample> = past
        .iter()
        .rev()
        .map(|p| crate::svg::Sample {
            when: p.when.clone(),
            score: p.average,
            band: p.band.to_owned(),
            steps: Vec::new(),
        })
        .collect();
    (samples.len() >= 2).then(|| crate::svg::progress(&[], &samples))
}

/// Recent attempts, for the past interviews.
async fn recent(state: &AppState) -> Result<Vec<Attempt>, AppError> {
    let filter = AttemptFilter {
        limit: Some(RECENT_ATTEMPTS),
        ..AttemptFilter::default()
    };
    state
        .store()
        .attempts(&crate::accounts::user_id(), &filter)
        .await
        .map_err(store_error)
}

/// A pack the interview can draw from.
struct PackChoice {
    id: String,
    name: String,
    /// How many questions it has.
    count: usize,
    checked: bool,
}

/// A mock interview taken before.
struct PastSession {
    id: String,
    when: String,
    /// When its first answer was saved, in milliseconds, and that answer's id (which
    /// orders interviews started in the same millisecond).
    started: (i64, i64),
    answered: usize,
    planned: usize,
    average: u8,
    band: &'static str,
}

async fn start_page(State(state): State<AppState>) -> Result<Response, AppError> {
    let page = start_form(&state, &state.packs().default_mock()).await?;
    super::page(&page)
}

/// The start page with these packs ticked.
async fn start_form(state: &AppState, ticked: &[String]) -> Result<StartPage, AppError> {
    let available = state.engine().guides().len().min(MAX_QUESTIONS);
    let default = DEFAULT_QUESTIONS.min(available);
    let counts = (1..=available).map(|n| (n, n == default)).collect();
    let limits = TIME_LIMITS
        .iter()
        .map(|&s| (s, duration_text(s), s == DEFAULT_TIME_LIMIT))
        .collect();
    let attempts = recent(state).await?;
    let packs = state
        .packs()
        .all()
        .iter()
        .map(|p| PackChoice {
            id: p.id.clone(),
            name: p.name.clone(),
            count: p.guides.len(),
            checked: ticked.contains(&p.id),
        })
        .collect();
    Ok(StartPage {
        csrf: state.csrf_token().to_owned(),
        counts,
        packs,
        limits,
        chart: sessions_chart(&past_sessions(&attempts)),
        past: past_sessions(&attempts),
        error: None,
    })
}

/// The mock interviews among these attempts (newest first), newest first.
fn past_sessions(attempts: &[Attempt]) -> Vec<PastSession> {
    let mut past: Vec<(String, Vec<&Attempt>)> = Vec::new();
    for a in attempts.iter().filter(|a| a.attempt.mode == Mode::Mock) {
        let Some(id) = &a.attempt.session_id else {
            continue;
        };
        match past.iter_mut().find(|(s, _)| s == id) {
            Some((_, list)) => list.push(a),
            None => past.push((id.clone(), vec![a])),
        }
    }
    past.into_iter()
        .filter_map(|(id, list)| {
            let session = Session::parse(&id)?;
            let scores: Vec<u8> = list.iter().map(|a| a.attempt.score).collect();
            let average = mean(&scores)?;
            let started = list.iter().map(|a| (a.attempt.created_at_ms, a.id)).min()?;
            Some(PastSession {
                when: super::format_time(started.0),
                started,
                answered: list.len(),
                planned: session.count,
                average,
                band: Band::from_score(average).as_str(),
                id,
            })
        })
        .take(PAST_SESSIONS)
        .collect()
}

/// The rounded mean of some scores; `None` for none.
fn mean(scores: &[u8]) -> Option<u8> {
    if scores.is_empty() {
        return None;
    }
    let sum: u32 = scores.iter().map(|&s| u32::from(s)).sum();
    let n = u32::try_from(scores.len()).ok()?;
    // Rounds half up, in integers.
    u8::try_from((2 * sum + n) / (2 * n)).ok()
}

/// The start form.
#[derive(Debug, Default)]
struct StartForm {
    csrf: String,
    count: String,
    /// Present (`on`) when the checkbox is ticked.
    timed: Option<String>,
    seconds: String,
    /// The packs ticked, one `pack` field each.
    packs: Vec<String>,
    /// Present when the form offered pack checkboxes, so that none ticked is a choice to
    /// refuse rather than a client that does not choose (which gets the default).
    choose_packs: bool,
}

impl StartForm {
    /// From the form's fields, in order (a form's repeated `pack` fields do not fit a
    /// struct).
    fn new(fields: Vec<(String, String)>) -> StartForm {
        let mut form = StartForm::default();
        for (name, value) in fields {
            match name.as_str() {
                "csrf" => form.csrf = value,
                "count" => form.count = value,
                "timed" => form.timed = Some(value),
                "seconds" => form.seconds = value,
                "pack" => form.packs.push(value),
                "choose_packs" => form.choose_packs = true,
                _ => {}
            }
        }
        form
    }
}

async fn start(
    State(state): State<AppState>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = StartForm::new(fields);
    check_form_token(&state, &form.csrf)?;
    if form.choose_packs && form.packs.is_empty() {
        let mut page = start_form(&state, &[]).await?;
        page.error = Some("tick at least one pack to draw the questions from".to_owned());
        return super::page_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let packs = if form.packs.is_empty() {
        state.packs().default_mock()
    } else {
        form.packs
    };
    if let Some(unknown) = packs.iter().find(|p| state.packs().get(p).is_none()) {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_pack",
            format!("there is no pack {unknown:?} to draw questions from"),
        ));
    }
    let every = state.packs().all().iter().all(|p| packs.contains(&p.id));
    let pool = state
        .packs()
        .all()
        .iter()
        .filter(|p| packs.contains(&p.id))
        .map(|p| p.guides.len())
        .sum::<usize>();
    let available = pool.min(MAX_QUESTIONS);
    if available == 0 {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_questions",
            "no questions are loaded, so there is nothing to ask",
        ));
    }
    let count = match form.count.trim() {
        "" => DEFAULT_QUESTIONS,
        text => text.parse::<usize>().map_err(|_| {
            AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_count",
                format!("the number of questions must be a whole number, not {text:?}"),
            )
        })?,
    }
    .clamp(1, available);
    let seconds = match form.timed.as_deref() {
        None | Some("") => None,
        Some(_) => Some(match form.seconds.trim() {
            "" => DEFAULT_TIME_LIMIT,
            text => text
                .parse::<u32>()
                .ok()
                .filter(|s| TIME_LIMIT_RANGE.contains(s))
                .ok_or_else(|| {
                    AppError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "bad_time_limit",
                        format!(
                            "the time per question must be {} to {} seconds",
                            TIME_LIMIT_RANGE.start(),
                            TIME_LIMIT_RANGE.end()
                        ),
                    )
                })?,
        }),
    };
    // An interview that draws from every pack says so by naming none.
    let packs = if every { Vec::new() } else { packs };
    let session = Session::new(random_seed(), count, seconds, packs);
    if session.id.len() > MAX_SESSION_ID {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_packs",
            "too many packs for one interview: tick fewer, or all of them",
        ));
    }
    Ok(Redirect::to(&format!("/mock/{}/1", session.id)).into_response())
}

// ---------------------------------------------------------------------------------------
// One question.

/// `/mock/{session}/{n}`: the question, a box for the answer, and the clock when timed.
#[derive(Template)]
#[template(path = "mock_question.html")]
struct QuestionPage<'a> {
    csrf: String,
    session: &'a str,
    /// 1-based.
    n: usize,
    total: usize,
    question: &'a str,
    answer: String,
    error: Option<String>,
    /// When the question was first shown, in server milliseconds.
    started_ms: i64,
    /// The time allowed, when timed.
    seconds: Option<u32>,
    /// The seconds left, when timed (zero once over time).
    remaining: u32,
    /// How many questions are already answered.
    answered: usize,
    /// The recorder.
    voice: super::Voice,
}

impl QuestionPage<'_> {
    /// The time allowed as people say it: `2 minutes`, `90 seconds`.
    fn limit_text(&self) -> String {
        self.seconds.map(duration_text).unwrap_or_default()
    }

    /// The time left on a clock face, `1:30`.
    fn clock(&self) -> String {
        format!("{}:{:02}", self.remaining / 60, self.remaining % 60)
    }
}

/// `90 seconds`, `2 minutes`, `2 minutes 30 seconds`.
fn duration_text(seconds: u32) -> String {
    let plural = |n: u32, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let (m, s) = (seconds / 60, seconds % 60);
    if m == 0 || (m == 1 && s != 0) {
        plural(seconds, "second")
    } else if s == 0 {
        plural(m, "minute")
    } else {
        format!("{} {}", plural(m, "minute"), plural(s, "second"))
    }
}

/// The session and its questions, and question `n` (1-based) of it, if they exist.
fn locate<'e>(
    state: &'e AppState,
    session: &str,
    n: &str,
) -> Option<(Session, Vec<&'e Guide>, usize)> {
    let session = Session::parse(session)?;
    let questions = session.questions(state);
    let n = parse_decimal(n).filter(|n| (1..=questions.len()).contains(n))?;
    Some((session, questions, n))
}

/// The attempts saved for this session, newest first.
async fn session_attempts(state: &AppState, session: &Session) -> Result<Vec<Attempt>, AppError> {
    let filter = AttemptFilter {
        session_id: Some(session.id.clone()),
        ..AttemptFilter::default()
    };
    state
        .store()
        .attempts(&crate::accounts::user_id(), &filter)
        .await
        .map_err(store_error)
}

/// The guides answered in a session, from its attempts.
fn answered_ids(attempts: &[Attempt]) -> Vec<String> {
    attempts
        .iter()
        .map(|a| a.attempt.guide_id.clone())
        .collect()
}

/// Where to go once question `n` is answered: the first unanswered question after it,
/// then any before it, then the report.
fn next_url(session: &Session, questions: &[&Guide], answered: &[String], n: usize) -> String {
    let order = (n..questions.len()).chain(0..n.saturating_sub(1));
    match order
        .into_iter()
        .find(|&i| !answered.contains(&questions[i].id))
    {
        Some(i) => format!("/mock/{}/{}", session.id, i + 1),
        None => format!("/mock/{}/report", session.id),
    }
}

async fn question_page(
    State(state): State<AppState>,
    Path((session, n)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let Some((session, questions, n)) = locate(&state, &session, &n) else {
        return Ok(missing(&state));
    };
    let answered = answered_ids(&session_attempts(&state, &session).await?);
    let guide = questions[n - 1];
    if answered.contains(&guide.id) {
        // Answered already: one attempt per question, so move on.
        let next = next_url(&session, &questions, &answered, n);
        return Ok(Redirect::to(&next).into_response());
    }
    let started_ms = state.now_ms();
    let page = question(&state, &session, &questions, n, &answered, started_ms);
    super::page(&page)
}

/// The page for question `n`, empty and without an error.
fn question<'a>(
    state: &AppState,
    session: &'a Session,
    questions: &[&'a Guide],
    n: usize,
    answered: &[String],
    started_ms: i64,
) -> QuestionPage<'a> {
    let elapsed = u32::try_from((state.now_ms() - started_ms).max(0) / 1000).unwrap_or(u32::MAX);
    let answered = questions
        .iter()
        .filter(|g| answered.contains(&g.id))
        .count();
    QuestionPage {
        csrf: state.csrf_token().to_owned(),
        session: &session.id,
        n,
        total: questions.len(),
        question: &questions[n - 1].question,
        answer: String::new(),
        error: None,
        started_ms,
        seconds: session.seconds,
        remaining: session.seconds.map_or(0, |s| s.saturating_sub(elapsed)),
        answered,
        voice: super::Voice::new(),
    }
}

/// The answer form.
#[derive(Debug, Deserialize)]
struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    started_ms: String,
    /// What the recorder added, when the answer was spoken.
    #[serde(flatten)]
    spoken: super::practice::Spoken,
}

async fn answer(
    State(state): State<AppState>,
    Path((session, n)): Path<(String, String)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let Some((session, questions, n)) = locate(&state, &session, &n) else {
        return Ok(missing(&state));
    };
    let mut answered = answered_ids(&session_attempts(&state, &session).await?);
    let guide = questions[n - 1];
    if answered.contains(&guide.id) {
        // A second submission of the same question (a double click, the back button):
        // the first answer stands.
        let next = next_url(&session, &questions, &answered, n);
        return Ok(Redirect::to(&next).into_response());
    }
    let now = state.now_ms();
    let started_ms = form
        .started_ms
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|&t| t > 0 && t <= now)
        .unwrap_or(now);
    // Shows the page again with the answer as typed, so that nothing is lost.
    let again = |err: AppError| -> Result<Response, AppError> {
        let mut page = question(&state, &session, &questions, n, &answered, started_ms);
        page.answer = form.answer.clone();
        page.error = Some(err.message);
        page.voice.recordings.clone_from(&form.spoken.recordings);
        super::page_with(err.status, &page)
    };
    let question_id = Question::Id(guide.id.clone());
    let report = match scoring::score(&state, question_id, form.answer.clone(), false).await {
        Ok(report) => report,
        Err(err) => return again(err),
    };
    let made = Made {
        mode: Mode::Mock,
        seconds_taken: session
            .seconds
            .map(|_| u32::try_from((now - started_ms) / 1000).unwrap_or(u32::MAX)),
        session_id: Some(session.id.clone()),
        recordings: Vec::new(),
        held: form.spoken.held(),
        audio: form.spoken.audio(),
    };
    if let Err(err) = scoring::save(&state, &report, form.answer.clone(), made).await {
        return again(AppError {
            message: "the answer was scored but could not be saved: copy it somewhere safe \
                      and try again"
                .to_owned(),
            ..err
        });
    }
    // An answer that leaves a step out gets the interviewer's follow-up on the heaviest
    // one, live, as in `rapport mock`.
    if follow_up_step(guide, &report).is_some() {
        let to = format!("/mock/{}/{n}/follow-up", session.id);
        return Ok(Redirect::to(&to).into_response());
    }
    answered.push(guide.id.clone());
    let next = next_url(&session, &questions, &answered, n);
    Ok(Redirect::to(&next).into_response())
}

// ---------------------------------------------------------------------------------------
// The live follow-up.

/// The step an interviewer would follow up on in this answer, as `rapport mock` picks it.
fn follow_up_step<'g>(
    guide: &'g Guide,
    report: &rapport_engine::Report,
) -> Option<&'g rapport_pack::Step> {
    guide.follow_up_step(|s| report.criterion(&s.id).is_some_and(|c| !c.met))
}

/// `/mock/{session}/{n}/follow-up`: the interviewer's follow-up question on the answer
/// just given.
#[derive(Template)]
#[template(path = "mock_follow_up.html")]
struct FollowUpPage<'a> {
    csrf: String,
    session: &'a str,
    n: usize,
    total: usize,
    question: &'a str,
    /// What the interviewer asks.
    follow_up: String,
    /// The attempt the reply adds to.
    attempt_id: i64,
    /// The answer given, for reference.
    answer: String,
    reply: String,
    error: Option<String>,
    /// Where skipping the follow-up goes.
    next: String,
}

/// The saved answer to question `n` of a session and its follow-up step, or where to go
/// when there is nothing to follow up (not answered yet: the question; nothing missing:
/// the next question).
async fn follow_up_of<'e>(
    state: &AppState,
    session: &Session,
    questions: &[&'e Guide],
    n: usize,
) -> Result<Result<(Attempt, &'e rapport_pack::Step, String), String>, AppError> {
    let attempts = session_attempts(state, session).await?;
    let answered = answered_ids(&attempts);
    let guide = questions[n - 1];
    let next = next_url(session, questions, &answered, n);
    let Some(attempt) = attempts
        .into_iter()
        .find(|a| a.attempt.guide_id == guide.id)
    else {
        return Ok(Err(format!("/mock/{}/{n}", session.id)));
    };
    match follow_up_step(guide, &scoring::report_of(&attempt)) {
        Some(step) => Ok(Ok((attempt, step, next))),
        None => Ok(Err(next)),
    }
}

async fn follow_up_page(
    State(state): State<AppState>,
    Path((session, n)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let Some((session, questions, n)) = locate(&state, &session, &n) else {
        return Ok(missing(&state));
    };
    let (attempt, step, next) = match follow_up_of(&state, &session, &questions, n).await? {
        Ok(found) => found,
        Err(to) => return Ok(Redirect::to(&to).into_response()),
    };
    super::page(&FollowUpPage::new(
        &state, &session, &questions, n, &attempt, step, next,
    ))
}

impl<'a> FollowUpPage<'a> {
    /// The page for question `n`'s follow-up, with an empty reply.
    fn new(
        state: &AppState,
        session: &'a Session,
        questions: &[&'a Guide],
        n: usize,
        attempt: &Attempt,
        step: &rapport_pack::Step,
        next: String,
    ) -> FollowUpPage<'a> {
        FollowUpPage {
            csrf: state.csrf_token().to_owned(),
            session: &session.id,
            n,
            total: questions.len(),
            question: &questions[n - 1].question,
            follow_up: step.follow_up.trim().to_owned(),
            attempt_id: attempt.id,
            answer: attempt.attempt.answer.clone(),
            reply: String::new(),
            error: None,
            next,
        }
    }
}

/// The follow-up form.
#[derive(Debug, Deserialize)]
struct FollowUpForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    attempt: String,
    #[serde(default)]
    reply: String,
}

/// The reply is added to the answer, the two are scored together and saved as the
/// question's attempt, then the answer alone is deleted (in that order, so that nothing
/// is lost if the second step fails).
async fn follow_up_answer(
    State(state): State<AppState>,
    Path((session, n)): Path<(String, String)>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let Some((session, questions, n)) = locate(&state, &session, &n) else {
        return Ok(missing(&state));
    };
    let (attempt, step, next) = match follow_up_of(&state, &session, &questions, n).await? {
        Ok(found) => found,
        Err(to) => return Ok(Redirect::to(&to).into_response()),
    };
    if form.attempt.trim() != attempt.id.to_string() {
        // Sent twice (the back button): the reply was already taken.
        return Ok(Redirect::to(&next).into_response());
    }
    // Shows the page again with the reply as typed, so that nothing is lost.
    let again = |err: AppError| {
        let mut page = FollowUpPage::new(
            &state,
            &session,
            &questions,
            n,
            &attempt,
            step,
            next.clone(),
        );
        page.reply.clone_from(&form.reply);
        page.error = Some(err.message);
        super::page_with(err.status, &page)
    };
    if form.reply.trim().is_empty() {
        return again(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_answer",
            "the reply is empty: answer the follow-up, or skip it",
        ));
    }
    let combined = format!(
        "{}\n\n{}",
        attempt.attempt.answer.trim_end(),
        form.reply.trim()
    );
    let guide = questions[n - 1];
    let report = match scoring::score(
        &state,
        Question::Id(guide.id.clone()),
        combined.clone(),
        false,
    )
    .await
    {
        Ok(report) => report,
        Err(err) => return again(err),
    };
    let made = Made {
        mode: Mode::Mock,
        seconds_taken: attempt.attempt.seconds_taken,
        session_id: Some(session.id.clone()),
        recordings: Vec::new(),
        held: Vec::new(),
        audio: None,
    };
    if let Err(err) = scoring::save(&state, &report, combined, made).await {
        return again(AppError {
            message: "the reply was scored but could not be saved: copy it somewhere safe and \
                      try again"
                .to_owned(),
            ..err
        });
    }
    if let Err(err) = state
        .store()
        .delete_attempt(&crate::accounts::user_id(), attempt.id)
        .await
    {
        // The answer with its reply is saved and is the newest: the report reads that one.
        tracing::error!(error = %err, "the answer before its follow-up could not be deleted");
    }
    Ok(Redirect::to(&next).into_response())
}

// ---------------------------------------------------------------------------------------
// The report.

/// `/mock/{session}/report`: how each answer went, the overall result, and what an
/// interviewer would have asked next.
#[derive(Template)]
#[template(path = "mock_report.html")]
struct ReportPage {
    csrf: String,
    session: String,
    turns: Vec<Turn>,
    answered: usize,
    total: usize,
    /// The mean score and its band, when anything was answered.
    overall: Option<Overall>,
    /// The first question not answered yet, 1-based.
    resume: Option<usize>,
    /// The mock interview before this one, to compare with.
    earlier: Option<Earlier>,
}

/// The mock interview before this one.
struct Earlier {
    id: String,
    when: String,
    average: u8,
    band: &'static str,
    /// This interview's average minus that one's: `+9`, `−3`, `±0`.
    delta: String,
}

/// The interview as a whole.
struct Overall {
    /// The mean of the answers' scores.
    score: u8,
    band: &'static str,
}

/// One question of the interview, as the report shows it.
struct Turn {
    n: usize,
    guide_id: String,
    question: String,
    result: Option<TurnResult>,
}

/// How an answered question went: the feedback card of the answer as it was saved,
/// with the interviewer's follow-ups and the time taken.
struct TurnResult {
    /// The saved attempt, whose page shows the full card.
    attempt_id: i64,
    card: Card,
    /// The interviewer's follow-up question for each missing step.
    follow_ups: Vec<FollowUp>,
    /// Time taken, as text, when timed.
    time: String,
    /// The answer as saved, and its saved report (for the exports).
    answer: String,
    report_json: String,
}

/// What an interviewer would ask about a missing step.
struct FollowUp {
    label: String,
    question: String,
}

/// The report's data for a session; `None` when the session id is not one.
async fn report_data(state: &AppState, session: &str) -> Result<Option<ReportPage>, AppError> {
    let Some(session) = Session::parse(session) else {
        return Ok(None);
    };
    let questions = session.questions(state);
    let attempts = session_attempts(state, &session).await?;
    let turns: Vec<Turn> = questions
        .iter()
        .enumerate()
        .map(|(i, guide)| Turn {
            n: i + 1,
            guide_id: guide.id.clone(),
            question: guide.question.clone(),
            // Attempts come newest first: after a follow-up, the answer with its reply.
            result: attempts
                .iter()
                .find(|a| a.attempt.guide_id == guide.id)
                .map(|a| turn_result(guide, a, session.seconds)),
        })
        .collect();
    let scores: Vec<u8> = turns
        .iter()
        .filter_map(|t| t.result.as_ref().map(|r| r.card.score))
        .collect();
    let overall = mean(&scores).map(|score| Overall {
        score,
        band: Band::from_score(score).as_str(),
    });
    // The interview before this one, to compare with.
    let started = attempts
        .iter()
        .map(|a| (a.attempt.created_at_ms, a.id))
        .min();
    let earlier = match started {
        Some(started) => past_sessions(&recent(state).await?)
            .into_iter()
            .filter(|p| p.id != session.id && p.started < started)
            .max_by_key(|p| p.started),
        None => None,
    };
    let earlier = earlier.zip(overall.as_ref()).map(|(p, o)| Earlier {
        delta: match i32::from(o.score) - i32::from(p.average) {
            0 => "±0".to_owned(),
            d if d > 0 => format!("+{d}"),
            d => format!("−{}", d.unsigned_abs()),
        },
        id: p.id,
        when: p.when,
        average: p.average,
        band: p.band,
    });
    Ok(Some(ReportPage {
        csrf: state.csrf_token().to_owned(),
        answered: scores.len(),
        total: turns.len(),
        resume: turns.iter().find(|t| t.result.is_none()).map(|t| t.n),
        session: session.id,
        turns,
        overall,
        earlier,
    }))
}

async fn report_page(
    State(state): State<AppState>,
    Path(session): Path<String>,
) -> Result<Response, AppError> {
    match report_data(&state, &session).await? {
        Some(page) => super::page(&page),
        None => Ok(missing(&state)),
    }
}

/// `/mock/{session}/report.md`: the report as a Markdown file.
async fn report_markdown(
    State(state): State<AppState>,
    Path(session): Path<String>,
) -> Result<Response, AppError> {
    use super::markdown::{one_line, quote};
    let Some(page) = report_data(&state, &session).await? else {
        return Ok(missing(&state));
    };
    let mut md = String::from("# Mock interview report\n\n");
    match &page.overall {
        Some(o) => md.push_str(&format!(
            "**Overall: {}/100 ({})**, the average of {} of {} answers.\n",
            o.score, o.band, page.answered, page.total
        )),
        None => md.push_str("No question of this interview has been answered yet.\n"),
    }
    if let Some(e) = &page.earlier {
        md.push_str(&format!(
            "\nThe mock interview before ({} UTC): {}/100; this one {}.\n",
            e.when, e.average, e.delta
        ));
    }
    for turn in &page.turns {
        md.push_str(&format!(
            "\n## {}. {}\n\n",
            turn.n,
            one_line(&turn.question)
        ));
        let Some(r) = &turn.result else {
            md.push_str("Not answered.\n");
            continue;
        };
        md.push_str(&format!("**{}/100 ({})**", r.card.score, r.card.band));
        if !r.time.is_empty() {
            md.push_str(&format!(" · {}", r.time));
        }
        md.push_str("\n\n");
        for step in &r.card.steps {
            let mark = if step.met { "✓" } else { "✗" };
            md.push_str(&format!("- {mark} {}\n", one_line(&step.label)));
        }
        if let Some(next) = &r.card.next {
            md.push_str(&format!("\n**Best next move:** {}\n", one_line(next)));
        }
        if !r.follow_ups.is_empty() {
            md.push_str("\nWhat the interviewer would ask next:\n\n");
            for f in &r.follow_ups {
                md.push_str(&format!(
                    "- “{}” ({})\n",
                    one_line(&f.question),
                    one_line(&f.label)
                ));
            }
        }
        md.push_str("\nYour answer:\n\n");
        md.push_str(&quote(&r.answer));
    }
    Ok(download(
        &page.session,
        "md",
        "text/markdown; charset=utf-8",
        md,
    ))
}

/// `/mock/{session}/report.json`: the report as JSON, each answer with its saved
/// report (the scoring contract's document).
async fn report_json(
    State(state): State<AppState>,
    Path(session): Path<String>,
) -> Result<Response, AppError> {
    let Some(page) = report_data(&state, &session).await? else {
        return Ok(missing(&state));
    };
    let turns: Vec<serde_json::Value> = page
        .turns
        .iter()
        .map(|t| {
            let result = t.result.as_ref().map(|r| {
                serde_json::json!({
                    "attempt_id": r.attempt_id,
                    "score": r.card.score,
                    "band": r.card.band,
                    "steps": r.card.steps.iter().map(|s| serde_json::json!({"label": s.label, "met": s.met})).collect::<Vec<_>>(),
                    "next": r.card.next,
                    "follow_ups": r.follow_ups.iter().map(|f| serde_json::json!({"label": f.label, "question": f.question})).collect::<Vec<_>>(),
                    "time": r.time,
                    "answer": r.answer,
                    "report": serde_json::from_str::<serde_json::Value>(&r.report_json).unwrap_or(serde_json::Value::Null),
                })
            });
            serde_json::json!({"n": t.n, "question_id": t.guide_id, "question": t.question, "result": result})
        })
        .collect();
    let doc = serde_json::json!({
        "session": page.session,
        "answered": page.answered,
        "total": page.total,
        "overall": page.overall.as_ref().map(|o| serde_json::json!({"score": o.score, "band": o.band})),
        "earlier": page.earlier.as_ref().map(|e| serde_json::json!({"session": e.id, "average": e.average, "started": e.when})),
        "questions": turns,
    });
    let body = serde_json::to_string_pretty(&doc)
        .map_err(|_| scoring::internal("the report could not be written as JSON"))?;
    Ok(download(&page.session, "json", "application/json", body))
}

/// A download named after the session.
fn download(session: &str, extension: &str, content_type: &'static str, body: String) -> Response {
    // Session ids are made of letters, digits, `-` and `.`: safe in a file name.
    let name: String = session
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"mock-{name}.{extension}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The report's view of one saved answer.
fn turn_result(guide: &Guide, attempt: &Attempt, timed: Option<u32>) -> TurnResult {
    let mut card = Card::new(&scoring::report_of(attempt), &attempt.attempt.answer);
    for step in &mut card.steps {
        // A report that could not be read back names steps by id: the guide knows better.
        if let Some(s) = guide.step(&step.id).filter(|_| step.label == step.id) {
            step.label.clone_from(&s.label);
            if step.follow_up.is_empty() {
                step.follow_up = s.follow_up.trim().to_owned();
            }
        }
    }
    let follow_ups = card
        .steps
        .iter()
        .filter(|s| !s.met && !s.follow_up.is_empty())
        .map(|s| FollowUp {
            label: s.label.clone(),
            question: s.follow_up.clone(),
        })
        .collect();
    let time = match (timed, attempt.attempt.seconds_taken) {
        (Some(limit), Some(taken)) if taken > limit => {
            format!(
                "{} (over the {})",
                duration_text(taken),
                duration_text(limit)
            )
        }
        (Some(_), Some(taken)) => duration_text(taken),
        _ => String::new(),
    };
    TurnResult {
        attempt_id: attempt.id,
        card,
        follow_ups,
        time,
        answer: attempt.attempt.answer.clone(),
        report_json: attempt.attempt.report_json.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// Static files.

/// The mock interview's own styles.
async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/mock.css"),
    )
}

/// The countdown and the draft keeper of the question page.
async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/mock.js"),
    )
}

#[cfg(test)]
mod tests {
    use super::{Session, duration_text, mean};

    #[test]
    fn session_ids_round_trip() {
        let timed = Session::new(0x0123_4567_89ab_cdef, 4, Some(120), Vec::new());
        assert_eq!(timed.id, "0123456789abcdef-4-t120");
        assert_eq!(Session::parse(&timed.id), Some(timed));
        let untimed = Session::new(u64::MAX, 10, None, Vec::new());
        assert_eq!(untimed.id, "ffffffffffffffff-10");
        assert_eq!(Session::parse(&untimed.id), Some(untimed));
        let packs = vec!["customer-focus".to_owned(), "common".to_owned()];
        let chosen = Session::new(1, 3, Some(90), packs);
        assert_eq!(chosen.id, "0000000000000001-3-t90.common.customer-focus");
        assert_eq!(chosen.packs, ["common", "customer-focus"]);
        assert_eq!(Session::parse(&chosen.id), Some(chosen));
    }

    #[test]
    fn odd_session_ids_are_refused() {
        for id in [
            "",
            "0123456789abcdef",
            "0123456789abcdef-0",
            "0123456789abcdef-11",
            "0123456789abcdef-04",
            "0123456789ABCDEF-4",
            "0123456789abcde-4",
            "0123456789abcdef-4-120",
            "0123456789abcdef-4-t10",
            "0123456789abcdef-4-t120-x",
            "0123456789abcdef-+4",
            "../../etc-4",
            "0123456789abcdef-4.",
            "0123456789abcdef-4.common.",
            "0123456789abcdef-4.customer-focus.common",
            "0123456789abcdef-4.common.common",
            "0123456789abcdef-4.Common",
            "0123456789abcdef-4.co_mmon",
        ] {
            assert_eq!(Session::parse(id), None, "{id:?}");
        }
    }

    #[test]
    fn means_round_half_up() {
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[50, 51]), Some(51));
        assert_eq!(mean(&[100, 100, 99]), Some(100));
        assert_eq!(mean(&[0, 1, 1]), Some(1));
    }

    #[test]
    fn durations_read_as_spoken() {
        assert_eq!(duration_text(45), "45 seconds");
        assert_eq!(duration_text(60), "1 minute");
        assert_eq!(duration_text(90), "90 seconds");
        assert_eq!(duration_text(150), "2 minutes 30 seconds");
        assert_eq!(duration_text(120), "2 minutes");
        assert_eq!(duration_text(125), "2 minutes 5 seconds");
        assert_eq!(duration_text(1), "1 second");
    }
}
