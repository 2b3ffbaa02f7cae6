//! Practising one question (`/practice/{id}`, timed with `?timed=1`, in the user's own
//! words with `?question=`: the question from `/ask`, judged with the guide it matched,
//! or with the general guide) and the result of an attempt (`/attempts/{id}`): the feedback card, the answer with each step's
//! evidence highlighted, and what changed since the previous attempt at the question.
//!
//! The practice page works without JavaScript: the form posts to `/practice/{id}`,
//! which scores, saves and redirects to the attempt's page (or shows the page again,
//! answer kept, when the answer cannot be scored). `static/app.js` adds the live
//! checklist (debounced calls to `POST /api/score`), the countdown and drafts kept in
//! `localStorage`; `static/voice.js` adds answering out loud (a recording transcribed on
//! this machine by `POST /api/transcribe`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rapport_pack::Guide;
use rapport_store::{Attempt, Mode};
use serde::Deserialize;

use super::{format_time, machine_time, page, page_with};
use crate::card::{Card, speaking_time};
use crate::extract::{Form, Path, Query, attempt_id};
use crate::scoring::{self, Made, Question};
use crate::security::check_form_token;
use crate::{AppError, AppState, matching};

/// The time allowed in timed mode unless the user picks another, in seconds.
pub(crate) const DEFAULT_SECONDS: u32 = 120;
/// The time limits timed mode offers, in seconds.
const TIME_LIMITS: [u32; 6] = [60, 90, 120, 180, 240, 300];
/// The shortest and longest time a `?seconds=` may ask for.
const SECONDS_RANGE: std::ops::RangeInclusive<u32> = 15..=1800;
/// The longest time taken that is recorded, in seconds (a tab left open overnight is
/// not an answer that took a day).
const MAX_SECONDS_TAKEN: u32 = 6 * 3600;

/// The routes of this module.
pub(super) fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/practice/{id}", get(practice_page).post(submit))
        .route("/attempts/{id}", get(attempt_page))
}

/// `/practice/{id}`.
#[derive(Template)]
#[template(path = "practice.html")]
struct PracticePage {
    csrf: String,
    id: String,
    question: String,
    /// The question in the user's own words, practised with this guide.
    own: Option<String>,
    /// That question as a query string value, for links that keep it.
    own_encoded: String,
    assesses: String,
    steps: Vec<(String, String)>,
    answer: String,
    error: Option<String>,
    /// The time allowed, in timed mode.
    timed: Option<u32>,
    /// The time limits offered, and which one is preselected.
    limits: Vec<(u32, String, bool)>,
    /// The latest attempt at this question.
    last: Option<LastAttempt>,
    /// The attempt whose answer is in the box, when retrying by editing it.
    editing: Option<i64>,
    /// The recorder.
    voice: super::Voice,
}

/// The latest attempt, as the practice page recalls it.
struct LastAttempt {
    id: i64,
    score: u8,
    band: String,
    when: String,
}

impl PracticePage {
    /// `2:00` for the time allowed.
    fn clock(&self) -> String {
        let seconds = self.timed.unwrap_or(0);
        format!("{}:{:02}", seconds / 60, seconds % 60)
    }
}

/// The practice page's query string.
#[derive(Deserialize)]
struct PracticeQuery {
    /// Any value but empty or `0` turns timed mode on.
    timed: Option<String>,
    /// The time allowed, in seconds.
    seconds: Option<String>,
    /// The question in the user's own words.
    question: Option<String>,
    /// An attempt at this question whose answer starts in the box.
    from: Option<String>,
}

/// The user's own wording of the question: trimmed, and `None` when empty or longer than
/// a question may be (as `/ask` would refuse it).
fn own_question(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    let fits = !text.is_empty() && text.chars().count() <= matching::MAX_QUESTION_CHARS;
    fits.then(|| text.to_owned())
}

impl PracticeQuery {
    fn timed(&self) -> Option<u32> {
        let on = self
            .timed
            .as_deref()
            .is_some_and(|t| !t.is_empty() && t != "0");
        let seconds = self
            .seconds
            .as_deref()
            .and_then(|s| s.trim().parse::<u32>().ok())
            .filter(|s| SECONDS_RANGE.contains(s));
        (on || seconds.is_some()).then(|| seconds.unwrap_or(DEFAULT_SECONDS))
    }
}

async fn practice_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<PracticeQuery>,
) -> Result<Response, AppError> {
    let Ok(guide) = scoring::guide(&state, &id) else {
        return Ok(super::unknown_guide_page(&state, &id, "/practice"));
    };
    let own = own_question(query.question.as_deref());
    let mut page_data = practice(&state, guide, query.timed(), own).await?;
    // Retrying by editing: the earlier answer starts in the box. An id that is not an
    // attempt at this question (deleted, or another question's) starts blank.
    if let Some(from) = query.from.as_deref().and_then(|f| attempt_id(f).ok()) {
        match scoring::attempt(&state, from).await {
            Ok(a) if a.attempt.guide_id == guide.id => {
                page_data.answer = a.attempt.answer;
                page_data.editing = Some(a.id);
            }
            Ok(_) => {}
            Err(err) if err.status == StatusCode::NOT_FOUND => {}
            Err(err) => return Err(err),
        }
    }
    page(&page_data)
}

/// The practice page for a guide, with an empty answer.
async fn practice(
    state: &AppState,
    guide: &Guide,
    timed: Option<u32>,
    own: Option<String>,
) -> Result<PracticePage, AppError> {
    let last = scoring::attempts(state, Some(&guide.id), Some(1))
        .await?
        .into_iter()
        .next()
        .map(|a| LastAttempt {
            id: a.id,
            score: a.attempt.score,
            band: a.attempt.band,
            when: format_time(a.attempt.created_at_ms),
        });
    let selected = timed.unwrap_or(DEFAULT_SECONDS);
    let mut limits: Vec<u32> = TIME_LIMITS.to_vec();
    if !limits.contains(&selected) {
        limits.push(selected);
        limits.sort_unstable();
    }
    Ok(PracticePage {
        csrf: state.csrf_token().to_owned(),
        id: guide.id.clone(),
        question: guide.question.clone(),
        own_encoded: own.as_deref().map(super::encode).unwrap_or_default(),
        own,
        assesses: guide.assesses.trim().to_owned(),
        steps: guide
            .steps
            .iter()
            .map(|s| (s.id.clone(), s.label.clone()))
            .collect(),
        answer: String::new(),
        error: None,
        editing: None,
        timed,
        limits: limits
            .into_iter()
            .map(|s| (s, limit_text(s), s == selected))
            .collect(),
        last,
        voice: super::Voice::new(),
    })
}

/// `2 min`, `90 s`, `2 min 30 s`.
fn limit_text(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (1, _) => format!("{seconds} s"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// The practice form.
#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    answer: String,
    /// `practice` or `timed`.
    #[serde(default)]
    mode: String,
    /// The time allowed in timed mode, to show the page again the same way.
    #[serde(default)]
    limit: String,
    /// Seconds from the first keystroke to the submit, from the page's script.
    #[serde(default)]
    seconds_taken: String,
    /// What the recorder added, when the answer was spoken.
    #[serde(flatten)]
    spoken: Spoken,
    /// The question in the user's own words, when practised from `/ask`.
    #[serde(default)]
    question: String,
}

async fn submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    check_form_token(&state, &form.csrf)?;
    let Ok(guide) = scoring::guide(&state, &id) else {
        return Ok(super::unknown_guide_page(&state, &id, "/practice"));
    };
    let timed = form.mode == Mode::Timed.as_str();
    let limit = timed.then(|| {
        form.limit
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|s| SECONDS_RANGE.contains(s))
            .unwrap_or(DEFAULT_SECONDS)
    });
    let own = own_question(Some(&form.question));
    // Shows the page again with the answer as typed, so nothing is lost.
    let again = async |status: StatusCode, message: String| -> Result<Response, AppError> {
        let mut data = practice(&state, guide, limit, own.clone()).await?;
        data.answer = form.answer.clone();
        data.error = Some(message);
        data.voice.recordings.clone_from(&form.spoken.recordings);
        page_with(status, &data)
    };
    let mut report = match scoring::score(
        &state,
        Question::Id(guide.id.clone()),
        form.answer.clone(),
        false,
    )
    .await
    {
        Ok(report) => report,
        Err(err) => return again(err.status, err.message).await,
    };
    if let Some(own) = &own {
        // Saved as the user asked it. When the engine matches it to this very guide, the
        // report records the match, as scoring with `question_text` would have.
        let text = own.clone();
        let matched =
            scoring::with_engine(&state, move |s| s.engine().match_question(&text)).await?;
        report.matched = (matched.guide_id == guide.id).then_some(matched);
        report.question.clone_from(own);
    }
    let seconds_taken = form
        .seconds_taken
        .trim()
        .parse::<u32>()
        .ok()
        .map(|s| s.min(MAX_SECONDS_TAKEN));
    let made = Made {
        mode: if timed { Mode::Timed } else { Mode::Practice },
        seconds_taken,
        session_id: None,
        recordings: Vec::new(),
        held: form.spoken.held(),
        audio: form.spoken.audio(),
    };
    let saved = match scoring::save(&state, &report, form.answer.clone(), made).await {
        Ok(saved) => saved,
        Err(_) => {
            return again(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the answer was scored but could not be saved: copy it somewhere safe and try again"
                    .to_owned(),
            )
            .await;
        }
    };
    Ok(Redirect::to(&format!("/attempts/{}", saved.id)).into_response())
}

/// `/attempts/{id}`.
#[derive(Template)]
#[template(path = "attempt.html")]
struct AttemptPage {
    csrf: String,
    id: i64,
    guide_id: String,
    /// Whether the guide is still loaded (for the links to it).
    known: bool,
    when: String,
    when_machine: String,
    mode: &'static str,
    /// Time taken, when recorded.
    taken: Option<String>,
    /// What the recordings said of the delivery, when the answer was spoken.
    heard: Option<Heard>,
    /// The recordings kept with the attempt.
    recordings: Vec<KeptRecording>,
    card: Card,
    change: Option<Change>,
    /// `&question=…` for retry links when the question was asked in the user's own
    /// words, so that the retry keeps them; empty otherwise.
    own_query: String,
}

/// A recording kept with the attempt, as the page plays it.
struct KeptRecording {
    position: u32,
    /// `0:42`.
    length: String,
    url: String,
}

/// What changed since the previous attempt at the question.
struct Change {
    previous_id: i64,
    previous_score: u8,
    previous_band: &'static str,
    /// `+12`, `−3` or `±0`.
    delta: String,
    /// `up`, `down` or `same`.
    direction: &'static str,
    gained: Vec<String>,
    lost: Vec<String>,
    tips_gained: Vec<String>,
    tips_lost: Vec<String>,
    /// The previous answer with what this one cut marked, and this one with what it
    /// added marked, for the side-by-side view.
    before: Vec<Span>,
    after: Vec<Span>,
    /// The one change that made the most difference.
    biggest: Option<Difference>,
}

/// A stretch of an answer in the side-by-side view: unchanged, cut or added.
struct Span {
    text: String,
    /// `same`, `deleted` or `inserted`.
    kind: &'static str,
}

/// The change that made the most difference, as the page says it.
struct Difference {
    /// `Adding`, `Cutting` or `Changing`.
    verb: &'static str,
    /// The text added, cut or changed into (shortened for the page).
    text: String,
    /// What the change replaced, when it replaced something.
    replaced: Option<String>,
    without: u8,
    with: u8,
}

/// The longest quote of a change the page shows, in characters.
const QUOTE_CHARS: usize = 160;

/// `text`, cut at a word boundary to at most [`QUOTE_CHARS`] characters with `…`.
fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTE_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(QUOTE_CHARS).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

/// The two sides of the word diff from `old` to `new`.
fn sides(old: &str, new: &str) -> (Vec<Span>, Vec<Span>) {
    use rapport_text::diff::{Piece, words};
    let mut before: Vec<Span> = Vec::new();
    let mut after: Vec<Span> = Vec::new();
    // Consecutive pieces of one kind become one span.
    let push = |side: &mut Vec<Span>, kind: &'static str, text: &str| match side.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => side.push(Span {
            text: text.to_owned(),
            kind,
        }),
    };
    for piece in words(old, new) {
        match piece {
            Piece::Same(t) => {
                push(&mut before, "same", t);
                push(&mut after, "same", t);
            }
            Piece::Deleted(t) => push(&mut before, "deleted", t),
            Piece::Inserted(t) => push(&mut after, "inserted", t),
        }
    }
    (before, after)
}

/// What the recorder (`templates/voice.html`, `static/voice.js`) adds to an answer form
/// on the practice and mock pages.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Spoken {
    /// Tokens of the answer's recordings, when the user keeps them.
    #[serde(default)]
    pub(super) recordings: String,
    /// Words per minute of a spoken answer, measured on the recording by
    /// `POST /api/transcribe` and passed on by the page's script.
    #[serde(default)]
    wpm: String,
    /// Pauses, long silences and fillers heard in the recordings, added up by the page's
    /// script from the same measurements.
    #[serde(default)]
    pauses: String,
    #[serde(default)]
    long_silences: String,
    #[serde(default)]
    fillers: String,
}

impl Spoken {
    /// The tokens of the recordings to keep with the answer.
    pub(super) fn held(&self) -> Vec<String> {
        crate::recordings::tokens(&self.recordings)
    }

    /// The delivery heard, as saved with the attempt; `None` for a typed answer.
    pub(super) fn audio(&self) -> Option<serde_json::Value> {
        Heard::from_fields(&self.wpm, &self.pauses, &self.long_silences, &self.fillers)
            .map(|h| h.json())
    }
}

/// The delivery heard in a spoken answer's recordings: sent with the form by the page's
/// script, saved with the attempt (`audio` in its report) and said on its page.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Heard {
    wpm: u32,
    pauses: Option<u32>,
    long_silences: Option<u32>,
    fillers: Option<u32>,
}

impl Heard {
    /// From the fields as sent: a plausible pace is required, the counts are optional.
    fn from_fields(wpm: &str, pauses: &str, long: &str, fillers: &str) -> Option<Heard> {
        let count = |v: &str| v.trim().parse::<u32>().ok().filter(|n| *n < 10_000);
        Some(Heard {
            wpm: wpm
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|w| (1..1000).contains(w))?,
            pauses: count(pauses),
            long_silences: count(long),
            fillers: count(fillers),
        })
    }

    /// "You spoke at about 142 words a minute (…), with 3 pauses …; 2 fillers heard."
    fn sentence(&self) -> String {
        let plural = |n: u32, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut s = format!(
            "You spoke at about {} words a minute (measured on your recording; 130–160 is easy to follow)",
            self.wpm
        );
        if let Some(p) = self.pauses {
            s.push_str(&format!(", with {}", plural(p, "pause", "pauses")));
        }
        if let Some(l) = self.long_silences.filter(|l| *l > 0) {
            s.push_str(&format!(
                " and {} (2.5 s or more)",
                plural(l, "long silence", "long silences")
            ));
        }
        match self.fillers {
            Some(0) => s.push_str("; no fillers heard"),
            Some(f) => s.push_str(&format!("; {} heard", plural(f, "filler", "fillers"))),
            None => {}
        }
        s.push('.');
        s
    }

    /// The delivery as saved with the attempt (`audio` in its report).
    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "words_per_minute": self.wpm,
            "pauses": self.pauses,
            "long_silences": self.long_silences,
            "fillers": self.fillers,
        })
    }

    /// The delivery saved with an attempt; `None` without a plausible pace.
    fn saved(doc: &crate::saved::AudioDoc) -> Option<Heard> {
        let wpm = doc.words_per_minute.round();
        (1.0..1000.0).contains(&wpm).then_some(Heard {
            wpm: wpm as u32,
            pauses: doc.pauses,
            long_silences: doc.long_silences,
            fillers: doc.fillers,
        })
    }
}

async fn attempt_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let found = match attempt_id(&id) {
        Ok(id) => scoring::attempt(&state, id).await,
        Err(err) => Err(err),
    };
    let attempt = match found {
        Ok(attempt) => attempt,
        Err(err) if err.status == StatusCode::NOT_FOUND => {
            return Ok(super::not_found(
                &state,
                "No such attempt",
                "This attempt does not exist, or it was deleted.",
                Some(super::Link {
                    href: "/history".into(),
                    text: "See your history".into(),
                }),
            ));
        }
        Err(err) => return Err(err),
    };
    let previous = scoring::previous(&state, &attempt).await?;
    let report = scoring::report_of(&attempt);
    let mut change = previous
        .as_ref()
        .map(|before| change(&report, before, &attempt));
    if let (Some(c), Some(before)) = (change.as_mut(), previous.as_ref()) {
        c.biggest = biggest(&state, before, &attempt).await?;
    }
    let a = &attempt.attempt;
    let guide_question = scoring::guide(&state, &a.guide_id).map(|g| g.question.clone());
    let own_query = match guide_question {
        Ok(q) if q != a.question && own_question(Some(&a.question)).is_some() => {
            format!("&question={}", super::encode(&a.question))
        }
        _ => String::new(),
    };
    page(&AttemptPage {
        own_query,
        csrf: state.csrf_token().to_owned(),
        id: attempt.id,
        guide_id: a.guide_id.clone(),
        known: scoring::guide(&state, &a.guide_id).is_ok(),
        when: format_time(a.created_at_ms),
        when_machine: machine_time(a.created_at_ms),
        mode: a.mode.as_str(),
        taken: a.seconds_taken.map(speaking_time),
        heard: crate::saved::ReportDoc::parse(&a.report_json)
            .audio
            .as_ref()
            .and_then(Heard::saved),
        card: Card::new(&report, &a.answer),
        change,
        recordings: crate::recordings::recordings_of(&state, attempt.id)
            .await?
            .into_iter()
            .map(|r| KeptRecording {
                position: r.position,
                length: speaking_time(r.seconds.round() as u32),
                url: crate::recordings::play_url(attempt.id, r.position),
            })
            .collect(),
    })
}

/// The one change from `before` to `after` that made the most difference, priced with
/// the engine as it is now; `None` when none moved the score or the guide is gone.
async fn biggest(
    state: &AppState,
    before: &Attempt,
    after: &Attempt,
) -> Result<Option<Difference>, AppError> {
    let guide = after.attempt.guide_id.clone();
    let (old, new) = (before.attempt.answer.clone(), after.attempt.answer.clone());
    let found = scoring::with_engine(state, move |s| {
        s.engine().biggest_difference(&guide, &old, &new)
    })
    .await?;
    Ok(found.ok().flatten().map(|d| {
        let (verb, text, replaced) = match (d.deleted.is_empty(), d.inserted.is_empty()) {
            (true, _) => ("Adding", quote(&d.inserted), None),
            (false, true) => ("Cutting", quote(&d.deleted), None),
            (false, false) => ("Changing", quote(&d.inserted), Some(quote(&d.deleted))),
        };
        Difference {
            verb,
            text,
            replaced,
            without: d.without,
            with: d.with,
        }
    }))
}

/// The change from `before` to this attempt, with step labels from this report.
fn change(report: &rapport_engine::Report, before: &Attempt, after: &Attempt) -> Change {
    let comparison = scoring::compare(before, after);
    let label = |id: &String| {
        report
            .criterion(id)
            .map_or_else(|| id.clone(), |c| c.label.clone())
    };
    let tip_label = |id: &String| {
        report
            .tips
            .iter()
            .find(|t| &t.id == id)
            .map_or_else(|| id.clone(), |t| t.label.clone())
    };
    let delta = comparison.score_delta;
    let (before_spans, after_spans) = sides(&before.attempt.answer, &after.attempt.answer);
    Change {
        previous_id: before.id,
        previous_score: before.attempt.score,
        previous_band: comparison.band.0.as_str(),
        delta: match delta {
            0 => "±0".to_owned(),
            d if d > 0 => format!("+{d}"),
            d => format!("−{}", d.unsigned_abs()),
        },
        direction: match delta {
            0 => "same",
            d if d > 0 => "up",
            _ => "down",
        },
        gained: comparison.gained.iter().map(label).collect(),
        lost: comparison.lost.iter().map(label).collect(),
        tips_gained: comparison.tips_gained.iter().map(tip_label).collect(),
        tips_lost: comparison.tips_lost.iter().map(tip_label).collect(),
        before: before_spans,
        after: after_spans,
        biggest: None,
    }
}

#[cfg(test)]
mod tests {
    use super::{limit_text, quote, sides};

    #[test]
    fn sides_mark_what_was_cut_and_added() {
        let (before, after) = sides(
            "I fixed it. He was happy.",
            "I fixed the kettle. He was happy.",
        );
        let cut: Vec<&str> = before
            .iter()
            .filter(|s| s.kind == "deleted")
            .map(|s| s.text.as_str())
            .collect();
        let added: Vec<&str> = after
            .iter()
            .filter(|s| s.kind == "inserted")
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(cut, ["it. "]);
        assert_eq!(added, ["the kettle. "]);
        let text = |side: &[super::Span]| side.iter().map(|s| s.text.as_str()).collect::<String>();
        assert_eq!(text(&after), "I fixed the kettle. He was happy.");
        assert_eq!(text(&before), "I fixed it. He was happy.");
    }

    #[test]
    fn long_quotes_are_cut_at_a_word() {
        let long = "word ".repeat(60);
        let q = quote(long.trim());
        assert!(q.ends_with("word…"), "{q}");
        assert!(q.chars().count() <= super::QUOTE_CHARS + 1);
        assert_eq!(quote("short"), "short");
    }

    #[test]
    fn limits_read_short() {
        assert_eq!(limit_text(45), "45 s");
        assert_eq!(limit_text(60), "1 min");
        assert_eq!(limit_text(90), "90 s");
        assert_eq!(limit_text(120), "2 min");
        assert_eq!(limit_text(150), "2 min 30 s");
    }
}
