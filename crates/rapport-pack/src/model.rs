//! The checked types a pack turns into: packs, guides, steps, samples.

use std::fmt;

/// Where a guide, step or field came from, for diagnostics and `rapport show`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The file the item was read from (a path, or `builtin:<name>` for embedded packs).
    pub file: String,
    /// The 1-based line the item starts on.
    pub line: usize,
}

/// A question pack: a named set of answer guides.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    /// Stable pack id, e.g. `customer-focus`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Pack version, free text.
    pub version: String,
    /// One-paragraph description.
    pub description: String,
    /// The guides that loaded without errors, in file order.
    pub guides: Vec<Guide>,
    /// The fitted score's coefficients (`[scoring.<engine>]`), one per engine; empty
    /// when the pack ships none.
    pub scoring: Vec<crate::scoring::Fit>,
}

/// Where a question usually sits in an interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Warm-up questions asked first.
    Opening,
    /// The body of the interview.
    Core,
    /// Questions asked near the end.
    Closing,
}

impl Stage {
    /// The lower-case name used in pack files.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Opening => "opening",
            Stage::Core => "core",
            Stage::Closing => "closing",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The structural signal the engine looks for when recognising a step, on top of the
/// step's own cue phrases and example sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    /// Sets the scene of a real past event: who, where, when, what made it hard.
    Situation,
    /// Tells one concrete, real time (past tense, first person, anchored in time or place).
    Example,
    /// Says what the candidate did, as first-person past-tense actions.
    Actions,
    /// States a result for the customer or the business after the actions.
    Outcome,
    /// Names or shows interpersonal skills (listening, empathy, problem solving, ...).
    Skills,
    /// Learning, feedback, improving, doing it differently next time.
    Reflection,
    /// Commits to a position: one quality, one judgement, one priority.
    Stance,
    /// Explains why: the reason, seen from the customer's or the business's side.
    Reasoning,
    /// Recognised by the step's cues and examples alone.
    Topic,
}

impl Signal {
    /// All signals, in documentation order.
    pub const ALL: [Signal; 9] = [
        Signal::Situation,
        Signal::Example,
        Signal::Actions,
        Signal::Outcome,
        Signal::Skills,
        Signal::Reflection,
        Signal::Stance,
        Signal::Reasoning,
        Signal::Topic,
    ];

    /// The lower-case name used in pack files.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Situation => "situation",
            Signal::Example => "example",
            Signal::Actions => "actions",
            Signal::Outcome => "outcome",
            Signal::Skills => "skills",
            Signal::Reflection => "reflection",
            Signal::Stance => "stance",
            Signal::Reasoning => "reasoning",
            Signal::Topic => "topic",
        }
    }

    /// Parses a pack-file name.
    pub fn parse(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// An answer guide for one interview question.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    /// Stable id, e.g. `difficult-customer`.
    pub id: String,
    /// The question as an interviewer asks it.
    pub question: String,
    /// Common rewordings of the question.
    pub rewordings: Vec<String>,
    /// What the question assesses.
    pub assesses: String,
    /// Skill tags, e.g. `empathy`, `problem-solving`.
    pub skills: Vec<String>,
    /// Where the question sits in an interview.
    pub stage: Stage,
    /// Ordered steps a strong answer takes.
    pub steps: Vec<Step>,
    /// Sample answers that take every step.
    pub samples: Vec<Sample>,
    /// What weak answers do.
    pub pitfalls: Vec<String>,
    /// Where the guide was defined.
    pub origin: Origin,
}

impl Guide {
    /// The step with this id, if any.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// One step a strong answer takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Criterion id, stable within the guide, e.g. `outcome`.
    pub id: String,
    /// Short label shown on the card.
    pub label: String,
    /// Advice to the candidate on how to take the step.
    pub guidance: String,
    /// The structural signal the engine looks for.
    pub signal: Signal,
    /// Phrases that show the step (matched on word stems, case-insensitive).
    pub cues: Vec<String>,
    /// Example sentences that take the step (prototypes for matching by meaning).
    pub examples: Vec<String>,
    /// Feedback when the step is missing.
    pub missing: String,
    /// What an interviewer asks when the step is missing.
    pub follow_up: String,
    /// Relative weight in the score (default 1.0).
    pub weight: f32,
}

/// A sample answer, with the passages that carry each step marked.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The answer text.
    pub text: String,
    /// For each step id, the passages (exact substrings of `text`) that take it.
    pub marks: Vec<(String, Vec<String>)>,
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
