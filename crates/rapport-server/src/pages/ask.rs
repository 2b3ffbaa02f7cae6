//! The user's own questions (`/ask`): type or paste any question, or several (a job
//! advert's), and see for each the guide it matched and how closely, or that the
//! general story rubric will judge it, with links to read that guide and to practise it
//! in the user's own words. The form posts to `/ask`, which shows the page again with
//! the matches; nothing is saved.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use rapport_engine::GuideMatch;
use serde::Deserialize;

use super::{encode, page, page_with};
use crate::extract::{Form, Query};
use crate::matching::{self, Closeness};
use crate::security::check_form_token;
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new().route("/ask", get(ask_page).post(ask))
}

/// `/ask`: the form, and the matches once it is sent.
#[derive(Template)]
#[template(path = "ask.html")]
struct AskPage {
    csrf: String,
    /// The text as typed.
    text: String,
    error: Option<String>,
    /// One per question, in order; empty before the form is sent.
    results: Vec<MatchRow>,
    /// The general rubric's steps, `situation, actions, outcome, reflection`.
    general_steps: String,
    max_questions: usize,
}

/// How one question was matched.
struct MatchRow {
    question: String,
    /// The guide used, when one is close.
    guide: Option<GuideLink>,
    /// The closest guide, when it was not close enough to use.
    nearest: Option<GuideLink>,
    /// Similarity to the closest guide, as a percentage.
    percent: u8,
    /// `close`, `loose` or `none`.
    closeness: &'static str,
    /// The guide to read: the one used, or the general rubric.
    read: String,
    /// The practice page for the question in the user's words.
    practise: String,
}

/// A guide as the results name it.
struct GuideLink {
    id: String,
    question: String,
    /// Its pack's name, when known.
    pack: Option<String>,
}

impl AskPage {
    fn new(state: &AppState, text: String) -> AskPage {
        AskPage {
            csrf: state.csrf_token().to_owned(),
            text,
            error: None,
            results: Vec::new(),
            general_steps: matching::general_steps(state),
            max_questions: matching::MAX_QUESTIONS,
        }
    }
}

/// The page's query string.
#[derive(Deserialize)]
struct AskQuery {
    /// Text to start the box with (the question list's search links here).
    question: Option<String>,
}

async fn ask_page(
    State(state): State<AppState>,
    Query(query): Query<AskQuery>,
) -> Result<Response, AppError> {
    page(&AskPage::new(&state, query.question.unwrap_or_default()))
}

/// The form.
#[derive(Deserialize)]
struct AskForm {
    #[serde(default)]
    csrf: String,
    /// One question a line, or several ending with `?`.
    #[serde(default)]
    questions: String,
}

async fn ask(
    State(state): State<AppState>,
    Form(form): Form<AskForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let questions = matching::split(&form.questions);
    let mut data = AskPage::new(&state, form.questions);
    match matching::match_all(&state, questions).await {
        Ok(matched) => {
            data.results = matched
                .iter()
                .map(|(question, m)| row(&state, question, m))
                .collect();
            page(&data)
        }
        Err(err) => {
            // The page again, text kept, saying what to change.
            data.error = Some(err.message);
            page_with(err.status, &data)
        }
    }
}

/// The result row for one question.
fn row(state: &AppState, question: &str, m: &GuideMatch) -> MatchRow {
    let link = |id: &str| {
        state.engine().guide(id).map(|g| GuideLink {
            id: g.id.clone(),
            question: g.question.clone(),
            pack: state.packs().of(id).map(|p| p.name.clone()),
        })
    };
    let closeness = Closeness::of(m);
    let general = closeness == Closeness::General;
    MatchRow {
        question: question.to_owned(),
        guide: if general { None } else { link(&m.guide_id) },
        nearest: if general { link(&m.closest_id) } else { None },
        percent: matching::percent(m.similarity),
        closeness: closeness.as_str(),
        read: format!("/questions/{}", m.guide_id),
        practise: format!("/practice/{}?question={}", m.guide_id, encode(question)),
    }
}
