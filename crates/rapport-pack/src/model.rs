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
    /// Where its `[pack]` table is.
    pub origin: Origin,
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

/// The kind of question a guide answers, which decides the shape of its rubric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// "Tell me about a time ...": one real event, told.
    Story,
    /// "How do you ...": the candidate's usual method, shown in a real time.
    Method,
    /// "Tell me about yourself": now, the relevant past, why this role.
    Pitch,
    /// "Why ...": an honest, positive reason tied to the role.
    Reason,
    /// A strength or weakness, what it does and what is done about it.
    SelfAssessment,
    /// "Where do you see yourself ...": a plan tied to the role.
    Plan,
    /// A judgement or priority, with the reason for it.
    Opinion,
}

impl Kind {
    /// All kinds, in documentation order.
    pub const ALL: [Kind; 7] = [
        Kind::Story,
        Kind::Method,
        Kind::Pitch,
        Kind::Reason,
        Kind::SelfAssessment,
        Kind::Plan,
        Kind::Opinion,
    ];

    /// The lower-case name used in pack files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Story => "story",
            Kind::Method => "method",
            Kind::Pitch => "pitch",
            Kind::Reason => "reason",
            Kind::SelfAssessment => "self-assessment",
            Kind::Plan => "plan",
            Kind::Opinion => "opinion",
        }
    }

    /// Parses a pack-file name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether answers of this kind are expected to talk about the future or about habits
    /// ("I'd like to", "I always"), so that such sentences are not read as a failure to
    /// tell a real time.
    pub fn looks_forward(self) -> bool {
        matches!(
            self,
            Kind::Method | Kind::Pitch | Kind::Reason | Kind::SelfAssessment | Kind::Plan
        )
    }
}

impl fmt::Display for Kind {
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
    /// Where the candidate is now: a present-tense, first-person role, work or study.
    Present,
    /// Relevant experience over a period: first person, past or perfect, with a duration
    /// or particulars.
    Experience,
    /// Ties the answer to this role or company: why they want it, what they would bring.
    Motivation,
    /// A reason in positive, forward-looking terms, without blaming a former employer.
    Positive,
    /// A real shortcoming, in the first person; a disguised strength does not count.
    Weakness,
    /// A plan or aspiration for the future, in the first person.
    Plan,
    /// The candidate's usual method, in the first person and the present tense.
    Approach,
}

impl Signal {
    /// All signals, in documentation order.
    pub const ALL: [Signal; 16] = [
        Signal::Situation,
        Signal::Example,
        Signal::Actions,
        Signal::Outcome,
        Signal::Skills,
        Signal::Reflection,
        Signal::Stance,
        Signal::Reasoning,
        Signal::Topic,
        Signal::Present,
        Signal::Experience,
        Signal::Motivation,
        Signal::Positive,
        Signal::Weakness,
        Signal::Plan,
        Signal::Approach,
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
            Signal::Present => "present",
            Signal::Experience => "experience",
            Signal::Motivation => "motivation",
            Signal::Positive => "positive",
            Signal::Weakness => "weakness",
            Signal::Plan => "plan",
            Signal::Approach => "approach",
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
    /// The kind of question, which decides the shape of its rubric.
    pub kind: Kind,
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

    /// The step an interviewer follows up on: the heaviest of those `missing` says an
    /// answer leaves out that has a follow-up question, the earliest on a tie.
    pub fn follow_up_step(&self, missing: impl Fn(&Step) -> bool) -> Option<&Step> {
        self.steps
            .iter()
            .filter(|s| !s.follow_up.trim().is_empty() && missing(s))
            .fold(None, |best: Option<&Step>, s| match best {
                Some(b) if b.weight >= s.weight => Some(b),
                _ => Some(s),
            })
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
