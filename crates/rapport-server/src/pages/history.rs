//! The user's history: every attempt grouped by question (`/history`), one question's
//! progress with its chart (`/history/{guide_id}`), deleting one attempt or all of
//! them (after a confirmation page), and exporting everything as JSON.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rapport_store::Attempt;
use serde::Deserialize;

use super::{Link, format_time, machine_time, page};
use crate::api::AttemptJson;
use crate::card::excerpt;
use crate::extract::{Form, Path, Query, attempt_id};
use crate::scoring;
use crate::security::check_form_token;
use crate::svg::{self, Chart};
use crate::{AppError, AppState};

/// How many characters of an answer a history row shows.
const EXCERPT_CHARS: usize = 140;

/// The routes of this module.
pub(super) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/history", get(history_page))
        .route("/history/export.json", get(export))
        .route("/history/clear", get(clear_page).post(clear))
        .route("/history/{guide_id}", get(guide_history))
        .route("/attempts/{id}/delete", post(delete))
}

/// An attempt as a history row.
struct Row {
    id: i64,
    when: String,
    when_machine: String,
    score: u8,
    band: String,
    mode: &'static str,
    excerpt: String,
}

impl Row {
    fn new(a: &Attempt) -> Row {
        Row {
            id: a.id,
            when: format_time(a.attempt.created_at_ms),
            when_machine: machine_time(a.attempt.created_at_ms),
            score: a.attempt.score,
            band: a.attempt.band.clone(),
            mode: a.attempt.mode.as_str(),
            excerpt: excerpt(&a.attempt.answer, EXCERPT_CHARS),
        }
    }
}

/// The attempts at one question.
struct Group {
    guide_id: String,
    question: String,
    best: u8,
    rows: Vec<Row>,
}

/// `/history`.
#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    csrf: String,
    groups: Vec<Group>,
    total: usize,
    /// How many attempts were just deleted, after "delete all".
    cleared: Option<u64>,
    /// Where a row's delete button comes back to: `all`.
    back: &'static str,
}

/// The history page's query string.
#[derive(Deserialize)]
struct HistoryQuery {
    cleared: Option<u64>,
}

async fn history_page(
    State(state): State<AppState>,
    Query(query): Query<HistoryQuery>,
) -> Result<Response, AppError> {
    let attempts = scoring::attempts(&state, None, None).await?;
    // Attempts come newest first, so groups come in the order of their latest attempt.
    let mut groups: Vec<Group> = Vec::new();
    for a in &attempts {
        let group = match groups
            .iter_mut()
            .position(|g| g.guide_id == a.attempt.guide_id)
        {
            Some(i) => &mut groups[i],
            None => {
                groups.push(Group {
                    guide_id: a.attempt.guide_id.clone(),
                    question: a.attempt.question.clone(),
                    best: 0,
                    rows: Vec::new(),
                });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        group.best = group.best.max(a.attempt.score);
        group.rows.push(Row::new(a));
    }
    page(&HistoryPage {
        csrf: state.csrf_token().to_owned(),
        groups,
        total: attempts.len(),
        cleared: query.cleared,
        back: "all",
    })
}

/// `/history/{guide_id}`.
#[derive(Template)]
#[template(path = "history_guide.html")]
struct GuideHistoryPage {
    csrf: String,
    guide_id: String,
    question: String,
    /// Whether the guide is still loaded (for the practice link).
    known: bool,
    rows: Vec<Row>,
    chart: Chart,
    /// Step labels, in guide order, for the table under the chart.
    steps: Vec<String>,
    /// Per attempt, oldest first: when, score, and each step met (or not recorded).
    table: Vec<(String, u8, Vec<Option<bool>>)>,
    /// Where a row's delete button comes back to: `guide`.
    back: &'static str,
}

async fn guide_history(
    State(state): State<AppState>,
    Path(guide_id): Path<String>,
) -> Result<Response, AppError> {
    let guide = scoring::guide(&state, &guide_id).ok();
    let attempts = scoring::attempts(&state, Some(&guide_id), None).await?;
    if guide.is_none() && attempts.is_empty() {
        return Ok(super::unknown_guide_page(&state, &guide_id, "/history"));
    }
    let steps = step_labels(guide, attempts.first());
    let samples = samples(&steps, attempts.iter());
    let question = guide.map_or_else(
        || {
            attempts
                .first()
                .map(|a| a.attempt.question.clone())
                .unwrap_or_default()
        },
        |g| g.question.clone(),
    );
    page(&GuideHistoryPage {
        csrf: state.csrf_token().to_owned(),
        guide_id,
        question,
        known: guide.is_some(),
        rows: attempts.iter().map(Row::new).collect(),
        chart: svg::progress(&steps, &samples),
        steps: steps.into_iter().map(|(_, label)| label).collect(),
        table: samples
            .into_iter()
            .map(|s| (s.when, s.score, s.steps))
            .collect(),
        back: "guide",
    })
}

/// A question's steps as (id, label): the guide's, or for a guide no longer loaded, as
/// its latest attempt recorded them.
pub(crate) fn step_labels(
    guide: Option<&rapport_pack::Guide>,
    latest: Option<&Attempt>,
) -> Vec<(String, String)> {
    match guide {
        Some(g) => g
            .steps
            .iter()
            .map(|s| (s.id.clone(), s.label.clone()))
            .collect(),
        None => latest
            .map(|a| {
                scoring::report_of(a)
                    .criteria
                    .iter()
                    .map(|c| (c.id.clone(), c.label.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The progress chart's samples, oldest first, of attempts given newest first: each
/// attempt's score and whether it took each of `steps` (or did not record it).
pub(crate) fn samples<'a>(
    steps: &[(String, String)],
    newest_first: impl DoubleEndedIterator<Item = &'a Attempt>,
) -> Vec<svg::Sample> {
    newest_first
        .rev()
        .map(|a| svg::Sample {
            when: format_time(a.attempt.created_at_ms),
            score: a.attempt.score,
            band: a.attempt.band.clone(),
            steps: steps
                .iter()
                .map(|(id, _)| a.attempt.steps.iter().find(|s| &s.id == id).map(|s| s.met))
                .collect(),
        })
        .collect()
}

/// `/history/export.json`: every attempt with its report, newest first, as a download.
async fn export(State(state): State<AppState>) -> Result<Response, AppError> {
    let attempts = scoring::attempts(&state, None, None).await?;
    let list: Vec<AttemptJson> = attempts.iter().map(AttemptJson::new).collect();
    let body = serde_json::to_string_pretty(&list)
        .map_err(|_| scoring::internal("the history could not be exported"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"rapport-history.json\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// A form that only carries the token, and where to go back to.
#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    /// `guide` to go back to the question's history rather than the whole history.
    #[serde(default)]
    back: String,
}

/// `POST /attempts/{id}/delete`.
async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let id = attempt_id(&id)?;
    let attempt = scoring::attempt(&state, id).await?;
    state
        .store()
        .delete_attempt(&crate::accounts::user_id(), id)
        .await
        .map_err(scoring::store_error)?;
    // Guide ids from packs are plain words and hyphens; anything else goes to the
    // whole history rather than into a Location header.
    let plain = |id: &str| {
        id.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let to = if form.back == "guide" && plain(&attempt.attempt.guide_id) {
        format!("/history/{}", attempt.attempt.guide_id)
    } else {
        "/history".to_owned()
    };
    Ok(Redirect::to(&to).into_response())
}

/// `/history/clear`: are you sure?
#[derive(Template)]
#[template(path = "history_clear.html")]
struct ClearPage {
    csrf: String,
    total: usize,
    back: Link,
}

async fn clear_page(State(state): State<AppState>) -> Result<Response, AppError> {
    let total = scoring::attempts(&state, None, None).await?.len();
    page(&ClearPage {
        csrf: state.csrf_token().to_owned(),
        total,
        back: Link {
            href: "/history".into(),
            text: "Keep my history".into(),
        },
    })
}

/// `POST /history/clear`: deletes every attempt.
async fn clear(
    State(state): State<AppState>,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let deleted = state
        .store()
        .delete_attempts(&crate::accounts::user_id())
        .await
        .map_err(scoring::store_error)?;
    Ok(Redirect::to(&format!("/history?cleared={deleted}")).into_response())
}
