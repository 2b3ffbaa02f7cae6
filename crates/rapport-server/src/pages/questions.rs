//! The question list (`/`, filtered by skill with `?skill=`) and each question's answer
//! guide (`/questions/{id}`): what it assesses, the steps with their guidance, sample
//! answers with the passages that take each step highlighted, and the pitfalls.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use rapport_pack::Guide;
use serde::Deserialize;

use super::page;
use crate::card::{COLOURS, Segment, Span, highlight};
use crate::extract::{Path, Query};
use crate::{AppError, AppState, scoring};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/questions/{id}", get(guide_page))
}

/// `/`: every question, or those that exercise one skill.
#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    csrf: String,
    /// The skills most questions exercise, shown first.
    top: Vec<SkillLink>,
    /// Every skill, by name.
    skills: Vec<SkillLink>,
    /// Whether the skill filtered on is only in the full list.
    open_all: bool,
    /// The skill filtered on, if any.
    skill: Option<String>,
    guides: Vec<GuideRow>,
    /// How many questions there are in all.
    total: usize,
}

/// How many skills the list shows before "all skills".
const TOP_SKILLS: usize = 8;

/// A skill to filter on.
#[derive(Clone)]
struct SkillLink {
    name: String,
    /// How many questions exercise it.
    count: usize,
    current: bool,
}

/// A question in the list.
struct GuideRow {
    id: String,
    question: String,
    assesses: String,
    skills: Vec<String>,
    stage: &'static str,
    steps: usize,
    /// The latest attempt's score and band.
    last: Option<(u8, String)>,
}

/// The list's query string.
#[derive(Deserialize)]
struct IndexQuery {
    skill: Option<String>,
}

async fn index(
    State(state): State<AppState>,
    Query(query): Query<IndexQuery>,
) -> Result<Response, AppError> {
    let skill = query.skill.filter(|s| !s.trim().is_empty());
    let mut skills: Vec<SkillLink> = Vec::new();
    for name in state.engine().guides().flat_map(|g| &g.skills) {
        match skills.iter_mut().find(|s| &s.name == name) {
            Some(s) => s.count += 1,
            None => skills.push(SkillLink {
                name: name.clone(),
                count: 1,
                current: skill.as_deref() == Some(name.as_str()),
            }),
        }
    }
    skills.sort_by(|a, b| a.name.cmp(&b.name));
    let mut top = skills.clone();
    top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    top.truncate(TOP_SKILLS);
    let open_all = skill.is_some() && !top.iter().any(|s| s.current);
    let attempts = scoring::attempts(&state, None, None).await?;
    let guides = state
        .engine()
        .guides()
        .filter(|g| skill.as_ref().is_none_or(|s| g.skills.contains(s)))
        .map(|g| GuideRow {
            id: g.id.clone(),
            question: g.question.clone(),
            assesses: g.assesses.trim().to_owned(),
            skills: g.skills.clone(),
            stage: g.stage.as_str(),
            steps: g.steps.len(),
            last: attempts
                .iter()
                .find(|a| a.attempt.guide_id == g.id)
                .map(|a| (a.attempt.score, a.attempt.band.clone())),
        })
        .collect();
    page(&IndexPage {
        csrf: state.csrf_token().to_owned(),
        top,
        skills,
        open_all,
        skill,
        guides,
        total: state.engine().guides().len(),
    })
}

/// `/questions/{id}`: the answer guide.
#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    csrf: String,
    id: String,
    question: String,
    rewordings: Vec<String>,
    assesses: String,
    skills: Vec<String>,
    stage: &'static str,
    steps: Vec<StepView>,
    samples: Vec<Vec<Segment>>,
    pitfalls: Vec<String>,
}

/// A step of the guide.
struct StepView {
    id: String,
    label: String,
    guidance: String,
    examples: Vec<String>,
    colour: usize,
}

async fn guide_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(guide) = scoring::guide(&state, &id) else {
        return Ok(super::unknown_guide_page(&state, &id, "/questions"));
    };
    page(&GuidePage {
        csrf: state.csrf_token().to_owned(),
        id: guide.id.clone(),
        question: guide.question.clone(),
        rewordings: guide.rewordings.clone(),
        assesses: guide.assesses.trim().to_owned(),
        skills: guide.skills.clone(),
        stage: guide.stage.as_str(),
        steps: guide
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepView {
                id: s.id.clone(),
                label: s.label.clone(),
                guidance: s.guidance.trim().to_owned(),
                examples: s.examples.clone(),
                colour: i % COLOURS,
            })
            .collect(),
        samples: samples(guide),
        pitfalls: guide.pitfalls.clone(),
    })
}

/// The sample answers, with each step's marked passages highlighted.
pub(crate) fn samples(guide: &Guide) -> Vec<Vec<Segment>> {
    let steps: Vec<(&str, &str)> = guide
        .steps
        .iter()
        .map(|s| (s.id.as_str(), s.label.as_str()))
        .collect();
    guide
        .samples
        .iter()
        .map(|sample| {
            let spans: Vec<Span> = sample
                .marks
                .iter()
                .filter_map(|(step, passages)| {
                    let i = guide.steps.iter().position(|s| &s.id == step)?;
                    Some(passages.iter().filter_map(move |p| {
                        let start = sample.text.find(p.as_str())?;
                        Some(Span {
                            start,
                            end: start + p.len(),
                            step: i,
                            rank: 0,
                        })
                    }))
                })
                .flatten()
                .collect();
            highlight(&sample.text, &steps, &spans)
        })
        .collect()
}
