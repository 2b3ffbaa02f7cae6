//! A saved report read back: the docs/contract.md document as owned, deserialisable types, and
//! the engine's [`Report`] rebuilt from it, so that an attempt's card shows what was
//! judged when it was saved (not what today's packs would say), and two attempts can be
//! compared with [`rapport_engine::Comparison::between`].
//!
//! These types are also the schema of the report in the OpenAPI document; a test checks
//! that they read back every field [`crate::contract::ReportJson`] writes.

use rapport_engine::{Band, Criterion, Delivery, Evidence, Found, GuideMatch, Report};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The report on one answer (docs/contract.md). Every field has a default, so that a report
/// saved by an older version still reads.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReportDoc {
    /// The guide scored against (`general` for the behavioural fallback).
    pub question_id: String,
    /// The guide's question.
    pub question: String,
    /// How a free question was matched to a guide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<MatchDoc>,
    /// 0–100.
    pub score: u8,
    /// `strong`, `solid`, `developing` or `weak`.
    pub band: String,
    /// One per step of the guide, in guide order.
    pub criteria: Vec<CriterionDoc>,
    /// The five tips.
    pub tips: Vec<CriterionDoc>,
    /// Length, timing and weakening words.
    pub delivery: DeliveryDoc,
    /// What to do next, most important first.
    pub feedback: Vec<String>,
    /// What was good, strongest first.
    pub strengths: Vec<String>,
    /// Whether the answer seems to be about something else.
    pub off_topic: bool,
    /// `lexical` or `semantic`.
    pub engine: String,
    /// For a spoken answer, the delivery heard in its recordings (not in the document
    /// the engine writes: the server adds it when it saves a spoken attempt).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioDoc>,
}

/// The delivery heard in a spoken answer's recordings, as saved with it: at least the
/// pace; the counts when they were measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AudioDoc {
    /// Words a minute over the speaking time.
    pub words_per_minute: f64,
    /// Silences of 0.6 s or more between stretches of speech.
    pub pauses: Option<u32>,
    /// Silences of 2.5 s or more.
    pub long_silences: Option<u32>,
    /// Fillers heard ("um", "uh", ...).
    pub fillers: Option<u32>,
}

/// How a free question was matched to a guide.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MatchDoc {
    /// The guide used.
    pub guide_id: String,
    /// The closest guide, used or not.
    pub closest_id: String,
    /// Similarity to the closest guide, 0–1.
    pub similarity: f64,
}

/// One step or tip.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CriterionDoc {
    /// Step or tip id.
    pub id: String,
    /// Short label.
    pub label: String,
    /// Whether the answer takes it.
    pub met: bool,
    /// A step the answer touches on that does not count yet (only when true).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub begun: bool,
    /// How clearly, 0–1.
    pub strength: f64,
    /// The spans of the answer that carry it.
    pub evidence: Vec<EvidenceDoc>,
    /// What to do about it.
    pub advice: String,
    /// The interviewer's follow-up question when it is missing.
    pub follow_up: String,
}

/// A span of the answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct EvidenceDoc {
    /// Byte offset of the first byte, in the answer as received (UTF-8).
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The span's text.
    pub text: String,
    /// Why it counts.
    pub why: String,
}

/// Delivery figures.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DeliveryDoc {
    /// Words.
    pub words: usize,
    /// Sentences.
    pub sentences: usize,
    /// Estimated speaking time, in seconds.
    pub speaking_seconds: u32,
    /// Filler words in all.
    pub filler_words: usize,
    /// Which fillers.
    pub fillers: Vec<FoundDoc>,
    /// Which hedges.
    pub hedges: Vec<FoundDoc>,
    /// Which clichés.
    pub cliches: Vec<FoundDoc>,
    /// Sentences negative about customers or past employers.
    pub negativity: Vec<EvidenceDoc>,
    /// `too short`, `short`, `good`, `long` or `too long`.
    pub length: String,
}

/// A phrase and how often it occurs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct FoundDoc {
    /// The phrase.
    pub phrase: String,
    /// How many times.
    pub count: usize,
}

impl ReportDoc {
    /// Reads a saved report; one that does not parse reads as empty (score and band
    /// come from the attempt itself then).
    pub fn parse(json: &str) -> ReportDoc {
        serde_json::from_str(json).unwrap_or_default()
    }

    /// The engine's report, rebuilt. Fields the document does not carry (relevance)
    /// are zero.
    pub fn to_report(&self) -> Report {
        Report {
            question_id: self.question_id.clone(),
            question: self.question.clone(),
            matched: self.matched.as_ref().map(|m| GuideMatch {
                guide_id: m.guide_id.clone(),
                closest_id: m.closest_id.clone(),
                similarity: m.similarity as f32,
            }),
            engine: known(&["lexical", "semantic"], &self.engine),
            score: self.score,
            band: Band::parse(&self.band).unwrap_or_else(|| Band::from_score(self.score)),
            criteria: self
                .criteria
                .iter()
                .map(CriterionDoc::to_criterion)
                .collect(),
            tips: self.tips.iter().map(CriterionDoc::to_criterion).collect(),
            delivery: self.delivery.to_delivery(),
            feedback: self.feedback.clone(),
            strengths: self.strengths.clone(),
            off_topic: self.off_topic,
            relevance: 0.0,
        }
    }
}

impl CriterionDoc {
    fn to_criterion(&self) -> Criterion {
        Criterion {
            id: self.id.clone(),
            label: self.label.clone(),
            met: self.met,
            begun: self.begun,
            strength: self.strength as f32,
            evidence: self.evidence.iter().map(EvidenceDoc::to_evidence).collect(),
            advice: self.advice.clone(),
            follow_up: self.follow_up.clone(),
        }
    }
}

impl EvidenceDoc {
    fn to_evidence(&self) -> Evidence {
        Evidence {
            start: self.start,
            end: self.end,
            text: self.text.clone(),
            why: self.why.clone(),
        }
    }
}

impl DeliveryDoc {
    fn to_delivery(&self) -> Delivery {
        let found = |list: &[FoundDoc]| {
            list.iter()
                .map(|f| Found {
                    phrase: f.phrase.clone(),
                    count: f.count,
                })
                .collect()
        };
        Delivery {
            words: self.words,
            sentences: self.sentences,
            speaking_seconds: self.speaking_seconds,
            filler_words: self.filler_words,
            fillers: found(&self.fillers),
            hedges: found(&self.hedges),
            cliches: found(&self.cliches),
            negativity: self
                .negativity
                .iter()
                .map(EvidenceDoc::to_evidence)
                .collect(),
            length: known(
                &["too short", "short", "good", "long", "too long"],
                &self.length,
            ),
        }
    }
}

/// The name from `names` equal to `value`, or the empty string: the engine's report
/// holds these as `&'static str`.
fn known(names: &[&'static str], value: &str) -> &'static str {
    names.iter().copied().find(|n| *n == value).unwrap_or("")
}
