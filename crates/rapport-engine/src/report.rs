//! The report the engine produces for one answer: criteria, tips, delivery, feedback.
//!
//! These types are the engine's own and free to change; the JSON contract of docs/contract.md
//! lives in the CLI and server, which map from them.

/// A span of the answer, in byte offsets into the answer exactly as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The answer text between `start` and `end`.
    pub text: String,
    /// Why this span counts, e.g. `cue "follow up"` or `past-tense action`.
    pub why: String,
}

/// The verdict on one step of the guide, or one of the five tips.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// Step or tip id.
    pub id: String,
    /// Short human label.
    pub label: String,
    /// Whether the answer takes the step.
    pub met: bool,
    /// A step the answer touches on that does not count in it yet (found, in an answer
    /// too weak as a whole for the step to count; see `fitted::counts`): not met, with
    /// the advice beginning [`BEGUN`]. Always false for tips.
    pub begun: bool,
    /// How clearly, 0.0 to 1.0.
    pub strength: f32,
    /// The spans that carry it (empty when neither met nor begun).
    pub evidence: Vec<Evidence>,
    /// What to do when it is missing (the guide's `missing` text), or why it is weak.
    pub advice: String,
    /// The interviewer's follow-up question for a missing step (empty for tips).
    pub follow_up: String,
}

/// How the advice of a step begun but not counted begins; the step's `missing` text
/// follows.
pub const BEGUN: &str = "You touch on this, but not yet enough for it to count. ";

/// A band, from the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// 0–39.
    Weak,
    /// 40–59.
    Developing,
    /// 60–79.
    Solid,
    /// 80–100.
    Strong,
}

impl Band {
    /// The band a score falls in.
    pub fn from_score(score: u8) -> Band {
        match score {
            80.. => Band::Strong,
            60..=79 => Band::Solid,
            40..=59 => Band::Developing,
            _ => Band::Weak,
        }
    }

    /// The lower-case name used in JSON and on the card.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Strong => "strong",
            Band::Solid => "solid",
            Band::Developing => "developing",
            Band::Weak => "weak",
        }
    }

    /// Parses a lower-case band name.
    pub fn parse(name: &str) -> Option<Band> {
        [Band::Strong, Band::Solid, Band::Developing, Band::Weak]
            .into_iter()
            .find(|b| b.as_str() == name)
    }
}

/// A phrase found in the answer, with how often.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The phrase as listed in the lexicon.
    pub phrase: String,
    /// How many times it occurs.
    pub count: usize,
}

/// Delivery: length, speaking time and the words that weaken an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Words in the answer.
    pub words: usize,
    /// Sentences in the answer.
    pub sentences: usize,
    /// Estimated speaking time at 140 words per minute.
    pub speaking_seconds: u32,
    /// Total filler words ("um", "you know", ...).
    pub filler_words: usize,
    /// Which fillers, most frequent first.
    pub fillers: Vec<Found>,
    /// Hedges ("I guess", "maybe", ...).
    pub hedges: Vec<Found>,
    /// Clichés ("go the extra mile", ...).
    pub cliches: Vec<Found>,
    /// Sentences that speak badly of customers or past employers.
    pub negativity: Vec<Evidence>,
    /// A note on length: `too short`, `short`, `good`, `long` or `too long`.
    pub length: &'static str,
}

/// How a free question was matched to a guide.
#[derive(Debug, Clone, PartialEq)]
pub struct GuideMatch {
    /// The guide used (`general` for the behavioural fallback).
    pub guide_id: String,
    /// The closest guide, even when it was not close enough to use.
    pub closest_id: String,
    /// Similarity of the question to the closest guide, 0.0 to 1.0.
    pub similarity: f32,
}

/// The full report on one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The guide's id (`general` for the behavioural fallback).
    pub question_id: String,
    /// The guide's question.
    pub question: String,
    /// Present when the question was given as free text.
    pub matched: Option<GuideMatch>,
    /// Which engine produced the report (`lexical`).
    pub engine: &'static str,
    /// 0–100.
    pub score: u8,
    /// The band of the score.
    pub band: Band,
    /// One verdict per step of the guide, in guide order.
    pub criteria: Vec<Criterion>,
    /// The five tips: specific, outcome-focus, skills-shown, honest, confident.
    pub tips: Vec<Criterion>,
    /// Length, timing and weakening words.
    pub delivery: Delivery,
    /// What to do next, the change that lifts the score most first.
    pub feedback: Vec<String>,
    /// What was good, strongest first.
    pub strengths: Vec<String>,
    /// True when the answer seems to be about something else entirely.
    pub off_topic: bool,
    /// Share of the answer's content words that the guide also uses, 0.0 to 1.0.
    pub relevance: f32,
}

impl Report {
    /// The verdict for a step id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }
}

/// What changed between two attempts at the same question.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// New score minus old score.
    pub score_delta: i32,
    /// Steps met now but not before.
    pub gained: Vec<String>,
    /// Steps met before but not now.
    pub lost: Vec<String>,
    /// Tips met now but not before.
    pub tips_gained: Vec<String>,
    /// Tips met before but not now.
    pub tips_lost: Vec<String>,
    /// The band before and after.
    pub band: (Band, Band),
}

impl Comparison {
    /// Compares two reports on the same guide.
    pub fn between(before: &Report, after: &Report) -> Comparison {
        // Ids met in `a` but not in `b`.
        let newly = |a: &[Criterion], b: &[Criterion]| -> Vec<String> {
            a.iter()
                .filter(|c| c.met && !b.iter().any(|d| d.id == c.id && d.met))
                .map(|c| c.id.clone())
                .collect()
        };
        Comparison {
            score_delta: i32::from(after.score) - i32::from(before.score),
            gained: newly(&after.criteria, &before.criteria),
            lost: newly(&before.criteria, &after.criteria),
            tips_gained: newly(&after.tips, &before.tips),
            tips_lost: newly(&before.tips, &after.tips),
            band: (before.band, after.band),
        }
    }
}
