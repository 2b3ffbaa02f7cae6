//! The question list (`/`, filtered by pack with `?pack=`, by skill with `?skill=` and by
//! words of the question or its rewordings with `?q=`) and each question's answer guide
//! (`/questions/{id}`): what it assesses, the steps with their guidance, sample answers
//! with the passages that take each step highlighted, and the pitfalls.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use rapport_pack::Guide;
use serde::Deserialize;

use super::{encode, page};
use crate::card::{COLOURS, Segment, Span, highlight};
use crate::extract::{Path, Query};
use crate::{AppError, AppState, scoring};

/// The routes of this module.
pub(super) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/", get(index))
        .route("/questions/{id}", get(guide_page))
}

/// `/`: every question, or those of one pack, that exercise one skill, or that use some
/// words.
#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    csrf: String,
    /// The packs to filter on, after "all packs".
    packs: Vec<FilterLink>,
    /// "All packs".
    all_packs: FilterLink,
    /// The skills most questions exercise, shown first.
    top: Vec<FilterLink>,
    /// Every skill, by name.
    skills: Vec<FilterLink>,
    /// "All skills".
    all_skills: FilterLink,
    /// Whether the skill filtered on is only in the full list.
    open_all: bool,
    /// The pack filtered on (its name), if any.
    pack: Option<String>,
    /// The pack's id, for the search form.
    pack_id: Option<String>,
    /// The skill filtered on, if any.
    skill: Option<String>,
    /// The words searched for, as typed.
    q: String,
    guides: Vec<GuideRow>,
    /// How many questions there are in all.
    total: usize,
}

impl IndexPage {
    /// Whether any filter is on.
    fn filtered(&self) -> bool {
        self.pack_id.is_some() || self.skill.is_some() || !self.q.is_empty()
    }
}

/// How many skills the list shows before "all skills".
const TOP_SKILLS: usize = 8;

/// A pack or skill to filter on, as a link that keeps the other filters.
#[derive(Clone)]
struct FilterLink {
    /// What it says.
    name: String,
    href: String,
    /// How many questions it would list.
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
    /// Its pack's name.
    pack: Option<String>,
    /// The latest attempt's score and band.
    last: Option<(u8, String)>,
}

/// The list's query string.
#[derive(Deserialize)]
struct IndexQuery {
    pack: Option<String>,
    skill: Option<String>,
    q: Option<String>,
}

/// The list's search, and the links that keep it.
struct Filters<'a> {
    /// The search's words, folded (see [`fold`]).
    words: Vec<String>,
    /// The search as typed, for links.
    q: &'a str,
}

impl Filters<'_> {
    /// The list's address with this pack and skill and the same search.
    fn href(&self, pack: Option<&str>, skill: Option<&str>) -> String {
        let parts: Vec<String> = [("pack", pack), ("skill", skill), ("q", Some(self.q))]
            .into_iter()
            .filter_map(|(key, value)| {
                value
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{key}={}", encode(v)))
            })
            .collect();
        if parts.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{}", parts.join("&"))
        }
    }

    /// Whether a guide passes the search.
    fn found(&self, guide: &Guide) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let text = fold(
            &std::iter::once(&guide.question)
                .chain(&guide.rewordings)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
        );
        self.words.iter().all(|w| text.contains(w.as_str()))
    }
}

/// Text lower-cased with straight apostrophes, so that a search finds "What’s" as
/// "what's".
fn fold(text: &str) -> String {
    text.to_lowercase().replace(['\u{2018}', '\u{2019}'], "'")
}

/// The words of a search, folded, without the punctuation around them.
fn search_words(q: &str) -> Vec<String> {
    fold(q)
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

async fn index(
    State(state): State<AppState>,
    Query(query): Query<IndexQuery>,
) -> Result<Response, AppError> {
    let pack = query
        .pack
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let skill = query
        .skill
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let q = query.q.as_deref().map_or("", str::trim);
    let filters = Filters {
        words: search_words(q),
        q,
    };
    let packs = state.packs();
    let in_pack = |g: &Guide, pack: Option<&str>| {
        pack.is_none_or(|p| packs.of(&g.id).is_some_and(|info| info.id == p))
    };
    let has_skill =
        |g: &Guide, skill: Option<&str>| skill.is_none_or(|s| g.skills.iter().any(|k| k == s));
    let guides: Vec<&Guide> = state.engine().guides().collect();
    // Each filter's counts are of the questions the other filters leave.
    let count = |pack: Option<&str>, skill: Option<&str>| {
        guides
            .iter()
            .filter(|g| in_pack(g, pack) && has_skill(g, skill) && filters.found(g))
            .count()
    };
    let pack_links: Vec<FilterLink> = packs
        .all()
        .iter()
        .map(|p| FilterLink {
            name: p.name.clone(),
            href: filters.href(Some(&p.id), skill),
            count: count(Some(&p.id), skill),
            current: pack == Some(p.id.as_str()),
        })
        .filter(|l| l.count > 0 || l.current)
        .collect();
    let mut skills: Vec<FilterLink> = Vec::new();
    let mut names: Vec<&String> = guides.iter().flat_map(|g| &g.skills).collect();
    names.sort();
    names.dedup();
    for name in names {
        let link = FilterLink {
            name: name.clone(),
            href: filters.href(pack, Some(name)),
            count: count(pack, Some(name)),
            current: skill == Some(name.as_str()),
        };
        if link.count > 0 || link.current {
            skills.push(link);
        }
    }
    let mut top = skills.clone();
    top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    top.truncate(TOP_SKILLS);
    let open_all = skill.is_some() && !top.iter().any(|s| s.current);
    let attempts = scoring::attempts(&state, None, None).await?;
    let rows = guides
        .iter()
        .filter(|g| in_pack(g, pack) && has_skill(g, skill) && filters.found(g))
        .map(|g| GuideRow {
            id: g.id.clone(),
            question: g.question.clone(),
            assesses: g.assesses.trim().to_owned(),
            skills: g.skills.clone(),
            stage: g.stage.as_str(),
            steps: g.steps.len(),
            pack: packs.of(&g.id).map(|p| p.name.clone()),
            last: attempts
                .iter()
                .find(|a| a.attempt.guide_id == g.id)
                .map(|a| (a.attempt.score, a.attempt.band.clone())),
        })
        .collect();
    page(&IndexPage {
        csrf: state.csrf_token().to_owned(),
        all_packs: FilterLink {
            name: "All".to_owned(),
            href: filters.href(None, skill),
            count: count(None, skill),
            current: pack.is_none(),
        },
        packs: pack_links,
        all_skills: FilterLink {
            name: "All".to_owned(),
            href: filters.href(pack, None),
            count: count(pack, None),
            current: skill.is_none(),
        },
        top,
        skills,
        open_all,
        pack: pack.map(|p| {
            packs
                .get(p)
                .map_or_else(|| p.to_owned(), |info| info.name.clone())
        }),
        pack_id: pack.map(str::to_owned),
        skill: skill.map(str::to_owned),
        q: q.to_owned(),
        guides: rows,
        total: guides.len(),
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
