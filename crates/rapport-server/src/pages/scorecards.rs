//! Interviewer scorecards: the engine scores a candidate's answer against a guide, and the
//! interviewer confirms or overrides each step, comments, recommends, prints and exports.
//!
//! Scorecards live in their own table of the store and never become practice attempts:
//! they are a judgement of somebody else's answer, not the user's own progress.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rapport_engine::{Band, Report};
use rapport_pack::Guide;
use rapport_store::{Scorecard, ScorecardStep};
use serde::{Deserialize, Serialize};

use super::format_time;
use super::markdown::{one_line, quote};
use crate::card::{Card, Segment};
use crate::contract::ReportJson;
use crate::extract::{Form, Path, Query, TokenForm};
use crate::saved::ReportDoc;
use crate::scoring::{self, Question, store_error};
use crate::security::check_form_token;
use crate::{AppError, AppState};

/// The longest candidate name accepted, in characters.
const MAX_NAME_CHARS: usize = 200;

/// The longest comment accepted, per step or overall, in characters.
const MAX_COMMENT_CHARS: usize = 10_000;

/// The recommendations an interviewer can make, as stored and as shown.
const RECOMMENDATIONS: [(&str, &str); 4] = [
    ("strong-yes", "Strong yes"),
    ("yes", "Yes"),
    ("no", "No"),
    ("strong-no", "Strong no"),
];

/// The routes of the scorecards and their stylesheet.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/scorecards", get(list_page).post(create))
        .route("/scorecards/new", get(new_page))
        .route("/scorecards/{id}", get(card_or_export).post(save))
        .route("/scorecards/{id}/delete", post(delete))
        .route("/static/scorecard.css", get(stylesheet))
}

/// How a recommendation reads: `Strong yes`, …, or `Undecided`.
pub(super) fn recommendation_label(value: &str) -> &'static str {
    RECOMMENDATIONS
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("Undecided", |(_, label)| label)
}

/// Whether a step counts as taken once the interviewer's override is applied.
pub(super) fn final_met(step: &ScorecardStep) -> bool {
    step.override_met.unwrap_or(step.engine_met)
}

/// A step's label: from the saved report, else the guide, else its id.
pub(super) fn step_label(step_id: &str, report: &Report, guide: Option<&Guide>) -> String {
    report
        .criteria
        .iter()
        .find(|c| c.id == step_id && !c.label.is_empty())
        .map(|c| c.label.clone())
        .or_else(|| guide.and_then(|g| g.step(step_id)).map(|s| s.label.clone()))
        .unwrap_or_else(|| step_id.to_owned())
}

/// Whether a text is longer than `max` characters.
pub(super) fn too_long(text: &str, max: usize) -> bool {
    text.chars().nth(max).is_some()
}

// ---------------------------------------------------------------------------------------
// The list.

/// `/scorecards`: every scorecard, newest first.
#[derive(Template)]
#[template(path = "scorecards.html")]
struct ListPage {
    csrf: String,
    cards: Vec<ListRow>,
}

/// One scorecard in the list.
struct ListRow {
    id: i64,
    candidate: String,
    question: String,
    score: u8,
    band: &'static str,
    /// What counts, and its score and band.
    counts: &'static str,
    counted: u8,
    counted_band: &'static str,
    submitted: bool,
    round_id: Option<i64>,
    recommendation: &'static str,
    updated: String,
}

async fn list_page(State(state): State<AppState>) -> Result<Response, AppError> {
    let cards = state
        .store()
        .scorecards(&crate::accounts::user_id())
        .await
        .map_err(store_error)?;
    let page = ListPage {
        csrf: state.csrf_token().to_owned(),
        cards: cards
            .iter()
            .map(|c| ListRow {
                id: c.id,
                candidate: c.scorecard.candidate.clone(),
                question: c.scorecard.question.clone(),
                score: c.scorecard.score,
                band: Band::from_score(c.scorecard.score).as_str(),
                counts: super::rounds::counts_what(c),
                counted: super::rounds::counted(c),
                counted_band: Band::from_score(super::rounds::counted(c)).as_str(),
                submitted: c.scorecard.submitted_at_ms.is_some(),
                round_id: c.scorecard.round_id,
                recommendation: recommendation_label(&c.scorecard.recommendation),
                updated: format_time(c.updated_at_ms),
            })
            .collect(),
    };
    super::page(&page)
}

// ---------------------------------------------------------------------------------------
// A new scorecard.

/// `/scorecards/new`: the candidate, the question and the answer to score.
#[derive(Template)]
#[template(path = "scorecard_new.html")]
struct NewPage {
    csrf: String,
    /// Every guide as (id, question, selected).
    guides: Vec<(String, String, bool)>,
    candidate: String,
    answer: String,
    error: Option<String>,
}

impl NewPage {
    fn new(state: &AppState, guide_id: &str) -> NewPage {
        NewPage {
            csrf: state.csrf_token().to_owned(),
            guides: state
                .engine()
                .guides()
                .map(|g| (g.id.clone(), g.question.clone(), g.id == guide_id))
                .collect(),
            candidate: String::new(),
            answer: String::new(),
            error: None,
        }
    }
}

/// The query of the new-scorecard page: a guide to preselect.
#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    #[serde(default)]
    guide: String,
}

async fn new_page(
    State(state): State<AppState>,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    super::page(&NewPage::new(&state, &query.guide))
}

/// The new-scorecard form.
#[derive(Debug, Deserialize)]
struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    candidate: String,
    #[serde(default)]
    guide: String,
    #[serde(default)]
    answer: String,
}

async fn create(
    State(state): State<AppState>,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    if !super::rounds::may_make_rounds() {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "interviewer_only",
            "only interviewers and admins make scorecards",
        ));
    }
    // Shows the form again with everything as typed, so that nothing is lost.
    let again = |message: String| -> Result<Response, AppError> {
        let mut page = NewPage::new(&state, &form.guide);
        page.candidate = form.candidate.clone();
        page.answer = form.answer.clone();
        page.error = Some(message);
        super::page_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let candidate = form.candidate.trim();
    if candidate.is_empty() {
        return again("write the candidate's name".to_owned());
    }
    if too_long(candidate, MAX_NAME_CHARS) {
        return again(format!(
            "the candidate's name is longer than {MAX_NAME_CHARS} characters"
        ));
    }
    if form.guide.is_empty() {
        return again("choose the question the candidate answered".to_owned());
    }
    let guide = match scoring::guide(&state, &form.guide) {
        Ok(guide) => guide,
        Err(err) => return again(err.message),
    };
    let question = Question::Id(guide.id.clone());
    let report = match scoring::score(&state, question, form.answer.clone(), false).await {
        Ok(report) => report,
        Err(err) => return again(err.message),
    };
    // A scorecard made on its own is a one-question round of the interviewer's.
    let round = super::rounds::one_question_round(&state, candidate, &guide.id).await?;
    let card = super::rounds::new_scorecard(
        &state,
        round.id,
        candidate,
        guide,
        &form.answer,
        &report,
        String::new(),
    );
    match state.store().add_scorecard(card).await {
        Ok(saved) => Ok(Redirect::to(&format!("/scorecards/{}", saved.id)).into_response()),
        Err(err) => {
            let _ = store_error(err);
            again(
                "the answer was scored but the scorecard could not be saved: try again".to_owned(),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------
// One scorecard.

/// `/scorecards/{id}`: the engine's verdicts with the interviewer's overrides, comments
/// and recommendation; printable.
#[derive(Template)]
#[template(path = "scorecard.html")]
struct CardPage {
    csrf: String,
    id: i64,
    candidate: String,
    question: String,
    score: u8,
    band: &'static str,
    steps: Vec<StepView>,
    /// How many steps count as taken after the overrides.
    met: usize,
    /// The answer, cut where evidence starts and ends.
    answer: Vec<Segment>,
    /// (value, label, checked) for each recommendation.
    recommendations: Vec<(&'static str, &'static str, bool)>,
    recommendation: &'static str,
    comment: String,
    created: String,
    updated: String,
    /// Set just after a save.
    saved: bool,
    error: Option<String>,
    /// The round it is in: (id, name).
    round: Option<(i64, String)>,
    /// Whose scorecard it is.
    interviewer: String,
    interview_date: String,
    /// The interviewer's own score, when given.
    verdict: Option<u8>,
    /// What counts, in words, and the score that counts.
    counts: &'static str,
    counted: u8,
    counted_band: &'static str,
    /// When it was submitted; `None` while a draft.
    submitted: Option<String>,
    /// The answer as typed (for correcting it).
    answer_text: String,
    /// Each correction of the answer: (when, the score before).
    edits: Vec<(String, u8)>,
}

/// One step of the card.
struct StepView {
    id: String,
    label: String,
    engine_met: bool,
    /// How clearly the engine saw it, in per cent.
    percent: u8,
    /// The sentences the engine counted, one line each.
    evidence: Vec<String>,
    /// What the answer would need, when the engine found it missing.
    advice: String,
    /// What to ask the candidate, when the engine found it missing.
    follow_up: String,
    /// The highlight colour of its evidence in the answer.
    colour: usize,
    /// `engine`, `met` or `not-met`.
    choice: &'static str,
    /// The verdict once the override is applied.
    met: bool,
    comment: String,
}

/// How many characters of each piece of evidence a step quotes.
const QUOTE_CHARS: usize = 160;

/// The engine's report saved with a scorecard.
pub(super) fn saved_report(card: &Scorecard) -> Report {
    ReportDoc::parse(&card.scorecard.report_json).to_report()
}

/// The page for a scorecard as it stands.
fn card_page(state: &AppState, card: &Scorecard) -> CardPage {
    let sc = &card.scorecard;
    let report = saved_report(card);
    let guide = state.engine().guide(&sc.guide_id);
    let engine_card = Card::new(&report, &sc.answer);
    let steps: Vec<StepView> = sc
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let criterion = report.criterion(&step.id);
            let shown = engine_card.steps.iter().find(|s| s.id == step.id);
            StepView {
                id: step.id.clone(),
                label: step_label(&step.id, &report, guide),
                engine_met: step.engine_met,
                percent: shown.map_or(0, |s| s.percent),
                evidence: criterion
                    .map(|c| {
                        c.evidence
                            .iter()
                            .map(|e| crate::card::quote(&e.text, QUOTE_CHARS))
                            .collect()
                    })
                    .unwrap_or_default(),
                advice: shown.map(|s| s.advice.clone()).unwrap_or_default(),
                follow_up: shown.map(|s| s.follow_up.clone()).unwrap_or_default(),
                colour: shown.map_or(i % crate::card::COLOURS, |s| s.colour),
                choice: match step.override_met {
                    None => "engine",
                    Some(true) => "met",
                    Some(false) => "not-met",
                },
                met: final_met(step),
                comment: step.comment.clone(),
            }
        })
        .collect();
    CardPage {
        csrf: state.csrf_token().to_owned(),
        id: card.id,
        candidate: sc.candidate.clone(),
        question: sc.question.clone(),
        score: sc.score,
        band: Band::from_score(sc.score).as_str(),
        met: sc.steps.iter().filter(|s| final_met(s)).count(),
        answer: engine_card.answer,
        recommendations: std::iter::once(&("", "Undecided"))
            .chain(&RECOMMENDATIONS)
            .map(|&(value, label)| (value, label, value == sc.recommendation))
            .collect(),
        recommendation: recommendation_label(&sc.recommendation),
        comment: sc.comment.clone(),
        created: format_time(sc.created_at_ms),
        updated: format_time(card.updated_at_ms),
        steps,
        saved: false,
        error: None,
        round: None,
        interviewer: sc.user_id.clone(),
        interview_date: sc.interview_date.clone(),
        verdict: sc.verdict,
        counts: super::rounds::counts_what(card),
        counted: super::rounds::counted(card),
        counted_band: Band::from_score(super::rounds::counted(card)).as_str(),
        submitted: sc.submitted_at_ms.map(format_time),
        answer_text: sc.answer.clone(),
        edits: card
            .edits
            .iter()
            .map(|e| (format_time(e.edited_at_ms), e.previous_score))
            .collect(),
    }
}

/// The name of the round a scorecard is in, for its page.
async fn round_of(state: &AppState, card: &Scorecard) -> Result<Option<(i64, String)>, AppError> {
    let Some(id) = card.scorecard.round_id else {
        return Ok(None);
    };
    Ok(state
        .store()
        .round(&crate::accounts::user_id(), id)
        .await
        .map_err(store_error)?
        .map(|r| (r.id, r.round.name)))
}

/// A scorecard id from a path segment: a whole number, digits only.
fn parse_id(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The user's scorecard with the id in this path segment, if there is one.
async fn find(state: &AppState, segment: &str) -> Result<Option<Scorecard>, AppError> {
    let Some(id) = parse_id(segment) else {
        return Ok(None);
    };
    state
        .store()
        .scorecard(&crate::accounts::user_id(), id)
        .await
        .map_err(store_error)
}

/// The friendly 404 page for a scorecard that does not exist.
fn missing(state: &AppState) -> Response {
    super::not_found(
        state,
        "No such scorecard",
        "There is no scorecard at this address; it may have been deleted.",
        Some(super::Link {
            href: "/scorecards".to_owned(),
            text: "All scorecards".to_owned(),
        }),
    )
}

/// The query of a scorecard page: `saved=1` right after a save.
#[derive(Debug, Default, Deserialize)]
struct CardQuery {
    #[serde(default)]
    saved: String,
}

/// `/scorecards/{id}`, `/scorecards/{id}.md` and `/scorecards/{id}.json`: the router
/// cannot match a suffix inside a segment, so the extension is read here.
async fn card_or_export(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Query(query): Query<CardQuery>,
) -> Result<Response, AppError> {
    let (id, extension) = match segment.rsplit_once('.') {
        Some((id, extension)) => (id, Some(extension)),
        None => (segment.as_str(), None),
    };
    let Some(card) = find(&state, id).await? else {
        return Ok(missing(&state));
    };
    match extension {
        None => {
            let mut page = card_page(&state, &card);
            page.saved = query.saved == "1";
            page.round = round_of(&state, &card).await?;
            super::page(&page)
        }
        Some("md") => {
            let body = markdown(&state, &card);
            Ok(download(&card, "md", "text/markdown; charset=utf-8", body))
        }
        Some("json") => {
            let body = export_json(&state, &card)?;
            Ok(download(&card, "json", "application/json", body))
        }
        Some(_) => Ok(missing(&state)),
    }
}

/// A file to download, named after the scorecard and the candidate.
fn download(
    card: &Scorecard,
    extension: &str,
    content_type: &'static str,
    body: String,
) -> Response {
    let name = slug(&card.scorecard.candidate);
    let filename = if name.is_empty() {
        format!("scorecard-{}.{extension}", card.id)
    } else {
        format!("scorecard-{}-{name}.{extension}", card.id)
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A name fit for a file name and a header: ASCII letters and digits, lower case, words
/// joined by hyphens, at most 40 characters.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 40 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// The scorecard form, with one override and one comment field per step, named after
/// the step: `override-<step>` and `comment-<step>`.
async fn save(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    check_form_token(&state, field("csrf").unwrap_or_default())?;
    let Some(card) = find(&state, &segment).await? else {
        return Ok(missing(&state));
    };
    let mut updated = card.scorecard.clone();
    for step in &mut updated.steps {
        if let Some(choice) = field(&format!("override-{}", step.id)) {
            step.override_met = match choice {
                "engine" | "" => None,
                "met" => Some(true),
                "not-met" => Some(false),
                other => {
                    return Err(AppError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "bad_override",
                        format!("{other:?} is not a verdict: use engine, met or not-met"),
                    ));
                }
            };
        }
        if let Some(comment) = field(&format!("comment-{}", step.id)) {
            step.comment = comment.to_owned();
        }
    }
    if let Some(recommendation) = field("recommendation") {
        if !recommendation.is_empty() && !RECOMMENDATIONS.iter().any(|(v, _)| *v == recommendation)
        {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_recommendation",
                format!(
                    "{recommendation:?} is not a recommendation: use strong-yes, yes, no or strong-no"
                ),
            ));
        }
        updated.recommendation = recommendation.to_owned();
    }
    if let Some(comment) = field("comment") {
        updated.comment = comment.to_owned();
    }
    let mut problem: Option<String> = None;
    if let Some(date) = field("interview_date") {
        match super::rounds::check_date(date) {
            Ok(date) => updated.interview_date = date,
            Err(message) => problem = Some(message),
        }
    }
    if let Some(verdict) = field("verdict") {
        let verdict = verdict.trim();
        if verdict.is_empty() {
            updated.verdict = None;
        } else {
            match verdict.parse::<u8>() {
                Ok(v) if v <= 100 => updated.verdict = Some(v),
                _ => {
                    problem = Some(format!(
                        "{verdict:?} is not a verdict: give a score from 0 to 100, or leave it empty for the engine's"
                    ));
                }
            }
        }
    }
    if field("action") == Some("submit") && updated.submitted_at_ms.is_none() {
        updated.submitted_at_ms = Some(state.now_ms());
    }
    // A corrected answer is scored again; the interviewer's overrides and comments stay
    // with their steps, and the store keeps the answer as it was as an edit.
    if let Some(answer) = field("answer").filter(|a| *a != updated.answer) {
        let question = Question::Id(updated.guide_id.clone());
        match scoring::score(&state, question, answer.to_owned(), false).await {
            Ok(report) => {
                updated.answer = answer.to_owned();
                updated.score = report.score;
                updated.report_json =
                    serde_json::to_string(&ReportJson::new(&report)).unwrap_or_default();
                updated.steps = report
                    .criteria
                    .iter()
                    .map(|c| {
                        let before = updated.steps.iter().find(|s| s.id == c.id);
                        ScorecardStep {
                            id: c.id.clone(),
                            engine_met: c.met,
                            override_met: before.and_then(|s| s.override_met),
                            comment: before.map(|s| s.comment.clone()).unwrap_or_default(),
                        }
                    })
                    .collect();
            }
            Err(err) => {
                problem = Some(format!(
                    "the corrected answer was not scored: {}",
                    err.message
                ))
            }
        }
    }
    let long = std::iter::once(&updated.comment)
        .chain(updated.steps.iter().map(|s| &s.comment))
        .any(|c| too_long(c, MAX_COMMENT_CHARS));
    // Shows the card again with what was typed, so that nothing is lost.
    let again = |message: String| -> Result<Response, AppError> {
        let edited = Scorecard {
            id: card.id,
            scorecard: updated.clone(),
            updated_at_ms: card.updated_at_ms,
            edits: card.edits.clone(),
        };
        let mut page = card_page(&state, &edited);
        page.error = Some(message);
        super::page_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    if let Some(message) = problem {
        return again(message);
    }
    if long {
        return again(format!(
            "a comment is longer than {MAX_COMMENT_CHARS} characters: shorten it and save again"
        ));
    }
    match state
        .store()
        .update_scorecard(card.id, updated.clone(), state.now_ms())
        .await
    {
        Ok(Some(saved)) => {
            Ok(Redirect::to(&format!("/scorecards/{}?saved=1", saved.id)).into_response())
        }
        Ok(None) => Ok(missing(&state)),
        Err(err) => {
            let _ = store_error(err);
            again("the scorecard could not be saved: try again".to_owned())
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let Some(id) = parse_id(&segment) else {
        return Ok(missing(&state));
    };
    let deleted = state
        .store()
        .delete_scorecard(&crate::accounts::user_id(), id)
        .await
        .map_err(store_error)?;
    if deleted {
        Ok(Redirect::to("/scorecards").into_response())
    } else {
        Ok(missing(&state))
    }
}

// ---------------------------------------------------------------------------------------
// Exports.

/// The JSON export: the scorecard with each step's final verdict, and the engine's
/// report as the docs/contract.md document.
#[derive(Serialize)]
struct CardJson<'a> {
    id: i64,
    candidate: &'a str,
    guide_id: &'a str,
    question: &'a str,
    answer: &'a str,
    score: u8,
    band: &'static str,
    recommendation: &'a str,
    comment: &'a str,
    steps_met: usize,
    steps: Vec<StepJson<'a>>,
    report: serde_json::Value,
    created_at_ms: i64,
    updated_at_ms: i64,
}

/// One step in the JSON export.
#[derive(Serialize)]
struct StepJson<'a> {
    id: &'a str,
    label: String,
    engine_met: bool,
    /// `null` when the interviewer kept the engine's verdict.
    override_met: Option<bool>,
    met: bool,
    comment: &'a str,
}

fn export_json(state: &AppState, card: &Scorecard) -> Result<String, AppError> {
    let sc = &card.scorecard;
    let report = saved_report(card);
    let guide = state.engine().guide(&sc.guide_id);
    let doc = CardJson {
        id: card.id,
        candidate: &sc.candidate,
        guide_id: &sc.guide_id,
        question: &sc.question,
        answer: &sc.answer,
        score: sc.score,
        band: Band::from_score(sc.score).as_str(),
        recommendation: &sc.recommendation,
        comment: &sc.comment,
        steps_met: sc.steps.iter().filter(|s| final_met(s)).count(),
        steps: sc
            .steps
            .iter()
            .map(|s| StepJson {
                id: &s.id,
                label: step_label(&s.id, &report, guide),
                engine_met: s.engine_met,
                override_met: s.override_met,
                met: final_met(s),
                comment: &s.comment,
            })
            .collect(),
        report: serde_json::from_str(&sc.report_json).unwrap_or(serde_json::Value::Null),
        created_at_ms: sc.created_at_ms,
        updated_at_ms: card.updated_at_ms,
    };
    serde_json::to_string_pretty(&doc).map_err(|_| {
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "export_failed",
            "the scorecard could not be written as JSON",
        )
    })
}

/// The Markdown export. Text the interviewer or candidate wrote is kept verbatim: names
/// and other one-line fields with line breaks turned into spaces, longer text as block
/// quotes, so that no text can break the document's structure.
fn markdown(state: &AppState, card: &Scorecard) -> String {
    let sc = &card.scorecard;
    let report = saved_report(card);
    let guide = state.engine().guide(&sc.guide_id);
    let band = Band::from_score(sc.score).as_str();
    let met = sc.steps.iter().filter(|s| final_met(s)).count();
    let mut md = format!("# Scorecard: {}\n\n", one_line(&sc.candidate));
    md.push_str(&format!("- **Question:** {}\n", one_line(&sc.question)));
    md.push_str(&format!("- **Engine score:** {}/100 ({band})\n", sc.score));
    md.push_str(&format!(
        "- **Steps taken (after the interviewer's review):** {met} of {}\n",
        sc.steps.len()
    ));
    md.push_str(&format!(
        "- **Recommendation:** {}\n",
        recommendation_label(&sc.recommendation)
    ));
    md.push_str(&format!(
        "- **Scored:** {} UTC · last changed {} UTC\n",
        format_time(sc.created_at_ms),
        format_time(card.updated_at_ms)
    ));
    if !sc.comment.trim().is_empty() {
        md.push_str("\n## Overall comment\n\n");
        md.push_str(&quote(&sc.comment));
    }
    md.push_str("\n## Steps\n");
    for step in &sc.steps {
        let criterion = report.criterion(&step.id);
        let verdict = |met: bool| if met { "met" } else { "not met" };
        md.push_str(&format!(
            "\n### {} {}\n\n",
            if final_met(step) { "✓" } else { "✗" },
            one_line(&step_label(&step.id, &report, guide))
        ));
        md.push_str(&format!("- Engine: {}\n", verdict(step.engine_met)));
        match step.override_met {
            Some(m) => md.push_str(&format!("- Interviewer: {} (override)\n", verdict(m))),
            None => md.push_str("- Interviewer: agrees with the engine\n"),
        }
        for e in criterion.map(|c| c.evidence.as_slice()).unwrap_or_default() {
            md.push_str(&format!("- Evidence: “{}”\n", one_line(&e.text)));
        }
        if !step.comment.trim().is_empty() {
            md.push_str("- Comment:\n\n");
            md.push_str(&quote(&step.comment));
        }
    }
    md.push_str("\n## Answer\n\n");
    md.push_str(&quote(&sc.answer));
    md
}

// ---------------------------------------------------------------------------------------
// Static files.

/// The scorecard's own styles, print layout included.
async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/scorecard.css"),
    )
}

#[cfg(test)]
mod tests {
    use super::super::markdown::{one_line, quote};
    use super::slug;

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug("Jane O'Neil"), "jane-o-neil");
        assert_eq!(slug("<script>\"x\"</script>"), "script-x-script");
        assert_eq!(slug("Zoë"), "zo");
        assert_eq!(slug("——"), "");
    }

    #[test]
    fn markdown_text_stays_verbatim_and_in_place() {
        assert_eq!(one_line("Jane\n# Doe\r\n"), "Jane # Doe");
        assert_eq!(
            quote("first *line*\n\n# second\n"),
            "> first *line*\n>\n> # second\n"
        );
        // Raw HTML in the user's text shows as typed, not as markup.
        assert_eq!(
            quote("<img src=x onerror=alert(1)> & co"),
            "> &lt;img src=x onerror=alert(1)&gt; &amp; co\n"
        );
        assert_eq!(one_line("<b>Jane</b>"), "&lt;b&gt;Jane&lt;/b&gt;");
    }
}
