//! The JSON document of docs/contract.md, mapped from the engine's report.
//!
//! The contract fields (`question_id`, `score`, `band`, `criteria`, `tips`, `delivery`,
//! `feedback`, and inside them `id`, `label`, `met`, `strength`, `evidence`, `start`,
//! `end`, `text`, `words`, `sentences`, `speaking_seconds`, `filler_words`) are never
//! renamed or removed; everything else is an addition. Floats are rounded to three
//! decimals so the output is stable across platforms.

use rapport_engine::{Criterion, Delivery, Evidence, Found, GuideMatch, Report};
use serde::Serialize;

/// The report on one answer, as JSON.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    /// The guide scored against (`general` for the behavioural fallback).
    pub question_id: &'a str,
    /// The guide's question.
    pub question: &'a str,
    /// How a free question was matched, for `--question-text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<MatchJson<'a>>,
    /// 0–100.
    pub score: u8,
    /// `strong`, `solid`, `developing` or `weak`.
    pub band: &'static str,
    /// One per step of the guide.
    pub criteria: Vec<CriterionJson<'a>>,
    /// The five tips.
    pub tips: Vec<CriterionJson<'a>>,
    /// Length, timing and weakening words.
    pub delivery: DeliveryJson<'a>,
    /// What to do next, most important first.
    pub feedback: &'a [String],
    /// What was good, strongest first.
    pub strengths: &'a [String],
    /// Whether the answer seems to be about something else.
    pub off_topic: bool,
    /// Which engine produced the report.
    pub engine: &'static str,
}

/// How a free question was matched to a guide.
#[derive(Debug, Serialize)]
pub struct MatchJson<'a> {
    /// The guide used.
    pub guide_id: &'a str,
    /// The closest guide, used or not.
    pub closest_id: &'a str,
    /// Similarity to the closest guide, 0–1.
    pub similarity: f64,
}

/// One step or tip.
#[derive(Debug, Serialize)]
pub struct CriterionJson<'a> {
    /// Step or tip id.
    pub id: &'a str,
    /// Short label.
    pub label: &'a str,
    /// Whether the answer takes it.
    pub met: bool,
    /// A step the answer touches on that does not count yet (only when true).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub begun: bool,
    /// How clearly, 0–1.
    pub strength: f64,
    /// The spans that carry it.
    pub evidence: Vec<EvidenceJson<'a>>,
    /// What to do about it.
    pub advice: &'a str,
    /// The interviewer's follow-up question when it is missing.
    pub follow_up: &'a str,
}

/// A span of the answer.
#[derive(Debug, Serialize)]
pub struct EvidenceJson<'a> {
    /// Byte offset of the first byte, in the answer as received.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The span's text.
    pub text: &'a str,
    /// Why it counts.
    pub why: &'a str,
}

/// Delivery figures.
#[derive(Debug, Serialize)]
pub struct DeliveryJson<'a> {
    /// Words.
    pub words: usize,
    /// Sentences.
    pub sentences: usize,
    /// Estimated speaking time.
    pub speaking_seconds: u32,
    /// Filler words in all.
    pub filler_words: usize,
    /// Which fillers.
    pub fillers: Vec<FoundJson<'a>>,
    /// Which hedges.
    pub hedges: Vec<FoundJson<'a>>,
    /// Which clichés.
    pub cliches: Vec<FoundJson<'a>>,
    /// Sentences negative about customers or past employers.
    pub negativity: Vec<EvidenceJson<'a>>,
    /// `too short`, `short`, `good`, `long` or `too long`.
    pub length: &'static str,
}

/// A phrase and how often it occurs.
#[derive(Debug, Serialize)]
pub struct FoundJson<'a> {
    /// The phrase.
    pub phrase: &'a str,
    /// How many times.
    pub count: usize,
}

impl<'a> ReportJson<'a> {
    /// Maps the engine's report to the JSON document.
    pub fn new(report: &'a Report) -> ReportJson<'a> {
        ReportJson {
            question_id: &report.question_id,
            question: &report.question,
            matched: report.matched.as_ref().map(MatchJson::new),
            score: report.score,
            band: report.band.as_str(),
            criteria: report.criteria.iter().map(CriterionJson::new).collect(),
            tips: report.tips.iter().map(CriterionJson::new).collect(),
            delivery: DeliveryJson::new(&report.delivery),
            feedback: &report.feedback,
            strengths: &report.strengths,
            off_topic: report.off_topic,
            engine: report.engine,
        }
    }
}

impl<'a> MatchJson<'a> {
    fn new(m: &'a GuideMatch) -> MatchJson<'a> {
        MatchJson {
            guide_id: &m.guide_id,
            closest_id: &m.closest_id,
            similarity: round3(m.similarity),
        }
    }
}

impl<'a> CriterionJson<'a> {
    fn new(c: &'a Criterion) -> CriterionJson<'a> {
        CriterionJson {
            id: &c.id,
            label: &c.label,
            met: c.met,
            begun: c.begun,
            strength: round3(c.strength),
            evidence: c.evidence.iter().map(EvidenceJson::new).collect(),
            advice: &c.advice,
            follow_up: &c.follow_up,
        }
    }
}

impl<'a> EvidenceJson<'a> {
    fn new(e: &'a Evidence) -> EvidenceJson<'a> {
        EvidenceJson {
            start: e.start,
            end: e.end,
            text: &e.text,
            why: &e.why,
        }
    }
}

impl<'a> DeliveryJson<'a> {
    fn new(d: &'a Delivery) -> DeliveryJson<'a> {
        let found = |list: &'a [Found]| {
            list.iter()
                .map(|f| FoundJson {
                    phrase: &f.phrase,
                    count: f.count,
                })
                .collect()
        };
        DeliveryJson {
            words: d.words,
            sentences: d.sentences,
            speaking_seconds: d.speaking_seconds,
            filler_words: d.filler_words,
            fillers: found(&d.fillers),
            hedges: found(&d.hedges),
            cliches: found(&d.cliches),
            negativity: d.negativity.iter().map(EvidenceJson::new).collect(),
            length: d.length,
        }
    }
}

/// A JSON Lines parse error, without serde's `at line 1` (the caller names the line).
pub fn line_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let message = lower_first(text.strip_suffix(&suffix).unwrap_or(&text));
    if err.is_data() {
        message
    } else {
        format!("not valid JSON at column {}: {message}", err.column())
    }
}

/// Rounds to three decimals, so that `0.7f32` prints as `0.7` and not
/// `0.699999988079071`.
pub fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::round3;

    #[test]
    fn rounds_to_three_decimals() {
        assert_eq!(round3(0.7), 0.7);
        assert_eq!(round3(0.123_456), 0.123);
        assert_eq!(round3(1.0), 1.0);
        assert_eq!(round3(0.0005), 0.001);
    }
}

/// A message with its first letter in lower case, as our messages are (OS and parser
/// error texts start with a capital); acronyms such as `UTF-8` are left alone.
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain([second]).chain(chars).collect()
        }
        _ => text.to_owned(),
    }
}

/// How and where an attempt was made, besides the answer and its report.
#[derive(Debug, Clone)]
pub struct AttemptContext {
    /// Whose attempt it is.
    pub user_id: String,
    /// Practice, timed or mock.
    pub mode: rapport_store::Mode,
    /// Terminal or web.
    pub source: rapport_store::Source,
    /// Seconds taken, when timed.
    pub seconds_taken: Option<u32>,
    /// The mock interview it belongs to.
    pub session_id: Option<String>,
    /// Now, in milliseconds since the Unix epoch.
    pub now_ms: i64,
}

/// The attempt to save for an answer and its report: the terminal and the web app save
/// the same record, with the docs/contract.md document as it was at the time.
pub fn new_attempt(
    report: &Report,
    answer: &str,
    context: AttemptContext,
) -> rapport_store::NewAttempt {
    rapport_store::NewAttempt {
        user_id: context.user_id,
        guide_id: report.question_id.clone(),
        question: report.question.clone(),
        answer: answer.to_owned(),
        score: report.score,
        band: report.band.as_str().to_owned(),
        steps: report
            .criteria
            .iter()
            .map(|c| rapport_store::StepResult {
                id: c.id.clone(),
                met: c.met,
                strength: c.strength,
            })
            .collect(),
        // Serialising plain structs of strings and numbers cannot fail.
        report_json: serde_json::to_string(&ReportJson::new(report)).unwrap_or_default(),
        engine: report.engine.to_owned(),
        mode: context.mode,
        source: context.source,
        seconds_taken: context.seconds_taken,
        session_id: context.session_id,
        created_at_ms: context.now_ms,
    }
}
