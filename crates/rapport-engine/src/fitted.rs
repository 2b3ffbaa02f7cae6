//! The fitted score: what the engine found, turned into numbers a fitted model reads.
//!
//! The rules find evidence (cues, structure, closeness by meaning); a step model fitted
//! to rated answers (`cargo xtask fit`) turns each step's evidence into how likely the
//! step is taken, and a score model turns the step likelihoods and the answer's substance
//! into 0–100. Both are plain weighted sums whose coefficients are data
//! (`[scoring.<engine>]` in the pack, see `rapport_pack::Fit`), so a score can always be
//! explained and a change ("add the result") priced by scoring the answer again with it.

use rapport_pack::{Fit, Kind, SCORE_FEATURES, STEP_FEATURES, Signal};

use crate::detect::{Context, StepVerdict, is_action};
use crate::features::Features;
use crate::report::Delivery;

/// Whether a step of this answer is taken: the rules' verdict stands unless the step
/// model finds it unlikely, and the step model alone can take a step it finds likely
/// enough, except in an answer the rules cap (a keyword list, an off-topic answer),
/// where words close to a step's are not the step, or where no sentence takes the step
/// at all (there would be nothing to quote).
pub fn taken(fit: &Fit, m: &Measures, step: &StepMeasure, likelihood: f32) -> bool {
    let by_rules = step.features.get(1).is_some_and(|m| *m > 0.5);
    let quotable = step.features.first().is_some_and(|s| *s > 0.0);
    let p = f64::from(likelihood);
    (by_rules && p >= fit.taken_with_rules) || (p >= fit.taken_alone && m.cap >= 100.0 && quotable)
}

/// The counts model's features for a step taken: the log-odds of its likelihood and of
/// the answer's score (not rounded), each kept from the ends so that a certain step or a
/// score of 0 or 100 stays finite.
pub fn counts_features(likelihood: f32, score: f32) -> [f64; 2] {
    let logit = |p: f64| (p / (1.0 - p)).ln();
    [
        logit(f64::from(likelihood).clamp(0.001, 0.999)),
        logit(f64::from(score).clamp(1.0, 99.0) / 100.0),
    ]
}

/// Whether a step taken counts in an answer with this score: the raters credit steps to
/// an answer as a whole and almost none to a weak one, so a step found in an answer
/// scored low is told as begun, not done. A fit without a counts model counts every step
/// taken.
pub fn counts(fit: &Fit, likelihood: f32, score: f32) -> bool {
    fit.counts.is_none_or(|c| {
        let [p, s] = counts_features(likelihood, score);
        c.intercept + c.likelihood * p + c.score * s >= 0.0
    })
}

/// The least rule strength of a sentence that can be quoted as a step's evidence.
pub(crate) const EVIDENCE: f32 = 0.2;

/// Facts about the whole answer, for both models.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Substance {
    /// How much of a real story the answer tells (0 to 1).
    pub story: f32,
    /// Particulars: numbers, times, places, named things and people (log count).
    pub concrete: f32,
    /// The candidate's own past actions (log count of verbs).
    pub actions: f32,
    /// Share of the words in hypothetical sentences ("I would ...").
    pub hypothetical: f32,
    /// Sentences that speak badly of someone.
    pub negativity: f32,
    /// Red flags, counted by phrase: denying any fault, passing the problem on, brushing
    /// the customer off, no interest in the work, bending the rules.
    pub red_flags: f32,
    /// Filler words per hundred words.
    pub fillers: f32,
    /// Log word count.
    pub words: f32,
    /// Under fifty words.
    pub short: f32,
    /// Share of the content words that are abstract nouns ("satisfaction",
    /// "commitment"): templates are made of them, stories of things and people.
    pub abstract_words: f32,
    /// Share of the words that are rubric phrases (skills, results, reflection, ...) or
    /// clichés.
    pub buzz: f32,
    /// How close the answer stays to what the guide is about (0 to 1).
    pub relevance: f32,
}

/// Endings of abstract nouns and adjectives ("-tion", "-ment", "-ity").
const ABSTRACT_ENDINGS: [&str; 10] = [
    "tion", "sion", "ment", "ity", "ness", "ance", "ence", "ship", "ism", "ive",
];

/// What was measured on one answer: everything the fitted models read.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// Per step of the guide, in order: its id, weight and [`STEP_FEATURES`] values.
    pub steps: Vec<StepMeasure>,
    /// The five tips' weighted strength, 0 to 1.
    pub tips: f32,
    /// The answer's substance.
    pub substance: Substance,
    /// The highest score the answer may get (off-topic and keyword lists are capped).
    pub cap: f32,
}

/// One step's features.
#[derive(Debug, Clone, PartialEq)]
pub struct StepMeasure {
    /// The step's id.
    pub id: String,
    /// The step's weight in the guide.
    pub weight: f32,
    /// Its [`STEP_FEATURES`] values.
    pub features: Vec<f32>,
}

pub(crate) fn substance(
    feats: &[Features],
    ctx: &Context,
    delivery: &Delivery,
    relevance: f32,
    kind: Kind,
) -> Substance {
    let words = delivery.words.max(1) as f32;
    let content: Vec<String> = feats
        .iter()
        .flat_map(|f| f.content_words.iter().cloned())
        .collect();
    let abstract_words = abstract_share(&content);
    let covered = feats
        .iter()
        .flat_map(|f| f.covered.iter())
        .filter(|c| **c)
        .count()
        + delivery.cliches.iter().map(|c| c.count * 3).sum::<usize>();
    let particulars: usize = feats
        .iter()
        .map(|f| {
            usize::from(f.number)
                + usize::from(f.specific_unit)
                + usize::from(f.anchor)
                + usize::from(f.customer_noun)
        })
        .sum();
    let actions: usize = feats
        .iter()
        .filter(|f| is_action(f))
        .map(|f| f.past_actions)
        .sum();
    // A plan, a method or a reason is told in "I would" and "I'd like to": only a story
    // told as a hypothetical dodges the question.
    let hypothetical: usize = feats
        .iter()
        .filter(|f| f.hypothetical && !kind.looks_forward())
        .map(|f| f.words)
        .sum();
    Substance {
        story: ctx.story.iter().copied().fold(0.0, f32::max),
        concrete: (1.0 + particulars as f32).ln(),
        actions: (1.0 + actions as f32).ln(),
        hypothetical: hypothetical as f32 / words,
        negativity: delivery.negativity.len() as f32,
        red_flags: feats.iter().map(|f| f.red_flags).sum::<usize>() as f32,
        fillers: 100.0 * delivery.filler_words as f32 / words,
        words: words.ln(),
        // Fillers ("um", "you know") do not make an answer longer.
        short: if delivery.words.saturating_sub(delivery.filler_words) < 50 {
            1.0
        } else {
            0.0
        },
        abstract_words,
        buzz: (covered as f32 / words).min(1.0),
        relevance,
    }
}

/// How many words of the best sentences a step's carriers cover: about two written
/// sentences, so that a transcript cut into clauses is read over as much text.
const CARRIER_WORDS: usize = 30;

/// What the sentences that carry a step are like (its best sentences, strongest first,
/// until they hold [`CARRIER_WORDS`] words, at most four): particulars (a number, a time
/// or place, a unit, a customer; not capitalised names, which speech-to-text loses), the
/// candidate acting, and abstract words. Raters credit a step told with particulars, not
/// a claim to have done it.
fn carriers(v: &StepVerdict, feats: &[Features]) -> (f32, f32, f32) {
    let mut best: Vec<&Features> = Vec::new();
    let mut words = 0;
    for f in v
        .candidates
        .iter()
        .filter_map(|h| feats.get(h.sentence))
        .take(4)
    {
        if words >= CARRIER_WORDS {
            break;
        }
        words += f.words;
        best.push(f);
    }
    let any = |p: fn(&Features) -> bool| best.iter().any(|f| p(f));
    let particular = [
        any(|f| f.number),
        any(|f| f.specific_unit),
        any(|f| f.anchor),
        any(|f| f.customer_noun),
    ]
    .iter()
    .filter(|x| **x)
    .count() as f32
        / 4.0;
    let acted = if any(is_action) { 1.0 } else { 0.0 };
    let content: Vec<String> = best
        .iter()
        .flat_map(|f| f.content_words.iter().cloned())
        .collect();
    (particular, acted, abstract_share(&content))
}

fn abstract_share(words: &[String]) -> f32 {
    words
        .iter()
        .filter(|w| w.len() > 5 && ABSTRACT_ENDINGS.iter().any(|e| w.ends_with(e)))
        .count() as f32
        / words.len().max(1) as f32
}

/// The signal whose fitted kind coefficient a step takes. The calibration set rates
/// steps only of the story and opinion rubrics, so the signals of the other rubrics
/// borrow the kind they resemble most: experience is told like an example, a motivation
/// or a positive reason is a reason, and a present role, a weakness, a plan or a method is
/// a position the candidate states.
fn fitted_kind(signal: Signal) -> Signal {
    match signal {
        Signal::Experience => Signal::Example,
        Signal::Motivation | Signal::Positive => Signal::Reasoning,
        Signal::Present | Signal::Weakness | Signal::Plan | Signal::Approach => Signal::Stance,
        other => other,
    }
}

/// The [`STEP_FEATURES`] of one step.
pub(crate) fn step_features(
    signal: Signal,
    v: &StepVerdict,
    s: &Substance,
    feats: &[Features],
) -> Vec<f32> {
    let (particular, acted, abstractness) = carriers(v, feats);
    let fitted = fitted_kind(signal);
    let kind = |k: Signal| if fitted == k { 1.0 } else { 0.0 };
    let values = [
        v.strength,
        if v.met { 1.0 } else { 0.0 },
        v.parts.cue,
        v.parts.signal,
        v.parts.example,
        v.parts.meaning,
        v.parts.cosine,
        v.second,
        v.count.min(3) as f32 / 3.0,
        kind(Signal::Situation),
        kind(Signal::Example),
        kind(Signal::Actions),
        kind(Signal::Outcome),
        kind(Signal::Skills),
        kind(Signal::Reflection),
        kind(Signal::Stance),
        kind(Signal::Reasoning),
        kind(Signal::Topic),
        particular,
        acted,
        abstractness,
        s.hypothetical,
        s.red_flags.min(2.0),
    ];
    debug_assert_eq!(values.len(), STEP_FEATURES.len());
    values.to_vec()
}

/// The [`SCORE_FEATURES`] of an answer, given each step's likelihood.
pub fn score_features(fit: &Fit, m: &Measures, likelihoods: &[f32]) -> Vec<f32> {
    let total: f32 = m
        .steps
        .iter()
        .map(|s| s.weight)
        .sum::<f32>()
        .max(f32::EPSILON);
    let steps = m
        .steps
        .iter()
        .zip(likelihoods)
        .map(|(s, p)| s.weight * p)
        .sum::<f32>()
        / total;
    let met = taken_share(fit, m, likelihoods).unwrap_or(0.0);
    let s = &m.substance;
    let values = [
        steps,
        met,
        m.tips,
        s.hypothetical,
        s.negativity,
        s.red_flags.min(3.0),
        s.fillers,
        s.short,
        s.abstract_words,
        s.buzz,
        s.relevance,
    ];
    debug_assert_eq!(values.len(), SCORE_FEATURES.len());
    values.to_vec()
}

fn dot(intercept: f64, coefficients: &[f64], x: &[f32]) -> f64 {
    intercept
        + coefficients
            .iter()
            .zip(x)
            .map(|(c, v)| c * f64::from(*v))
            .sum::<f64>()
}

/// How likely the step is taken, from its features.
pub fn step_likelihood(fit: &Fit, features: &[f32]) -> f32 {
    let z = dot(fit.step_intercept, &fit.step, features);
    (1.0 / (1.0 + (-z).exp())) as f32
}

/// The score for these step likelihoods, 0 to 100 (not rounded, cap applied).
pub fn score_with(fit: &Fit, m: &Measures, likelihoods: &[f32]) -> f32 {
    // The score model is linear in the log-odds of the score, so that it saturates
    // towards 0 and 100 rather than running past them.
    let z = dot(
        fit.score_intercept,
        &fit.score,
        &score_features(fit, m, likelihoods),
    );
    let y = (100.0 / (1.0 + (-z).exp())) as f32;
    y.clamp(0.0, 100.0)
        .min(missing_ceiling(fit, m, likelihoods))
        .min(m.cap)
}

/// The most an answer can score with the steps it leaves out: every missing step costs
/// its share of `missing_step_ceiling` points off 100, so an answer that skips a step
/// is not rated strong on its manner alone.
pub fn missing_ceiling(fit: &Fit, m: &Measures, likelihoods: &[f32]) -> f32 {
    taken_share(fit, m, likelihoods).map_or(100.0, |share| {
        100.0 - fit.missing_step_ceiling as f32 * (1.0 - share)
    })
}

/// The weighted share of the steps taken; `None` when the steps weigh nothing.
fn taken_share(fit: &Fit, m: &Measures, likelihoods: &[f32]) -> Option<f32> {
    let total: f32 = m.steps.iter().map(|s| s.weight).sum();
    let weight_taken: f32 = m
        .steps
        .iter()
        .zip(likelihoods)
        .filter(|(s, p)| taken(fit, m, s, **p))
        .map(|(s, _)| s.weight)
        .sum();
    (total > 0.0).then(|| weight_taken / total)
}

/// The score the answer would get without its red flags (in the score and in each
/// step's likelihood).
pub fn score_without_red_flags(fit: &Fit, m: &Measures) -> f32 {
    let flag = STEP_FEATURES.iter().position(|f| *f == "red_flags");
    let mut clean = m.clone();
    clean.substance.red_flags = 0.0;
    for s in &mut clean.steps {
        if let Some(v) = flag.and_then(|k| s.features.get_mut(k)) {
            *v = 0.0;
        }
    }
    predict(fit, &clean).1
}

/// Every step's likelihood and the score.
pub fn predict(fit: &Fit, m: &Measures) -> (Vec<f32>, f32) {
    let likelihoods: Vec<f32> = m
        .steps
        .iter()
        .map(|s| step_likelihood(fit, &s.features))
        .collect();
    let score = score_with(fit, m, &likelihoods);
    (likelihoods, score)
}
