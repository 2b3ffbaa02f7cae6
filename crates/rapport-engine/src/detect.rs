//! Step detection: how strongly each sentence takes a step, from the step's structural
//! signal, its cue phrases and its example sentences.

use rapport_pack::Signal;
use rapport_text::Analysis;

use crate::features::Features;
use crate::guide::StepMatcher;

/// A step counts as taken at this strength or above.
pub(crate) const MET: f32 = 0.5;

/// Facts about the whole answer that the per-sentence signals need.
pub(crate) struct Context {
    /// The first sentence that reports an action of the candidate's, if any.
    pub first_action: Option<usize>,
    /// The last such sentence.
    pub last_action: Option<usize>,
    /// The first sentence that tells a real past event.
    pub first_narrative: Option<usize>,
    /// For each sentence, its part in a real story (0.0 when none).
    pub story: Vec<f32>,
    /// Some sentence speaks badly of people: a reason is then not told positively.
    pub blame: bool,
}

impl Context {
    pub fn new(feats: &[Features]) -> Context {
        Context {
            first_action: feats.iter().position(is_action),
            last_action: feats.iter().rposition(|f| is_action(f) && f.leads),
            first_narrative: feats.iter().position(Features::narrative),
            story: story_strengths(feats),
            blame: feats.iter().any(|f| f.negative),
        }
    }
}

pub(crate) fn is_action(f: &Features) -> bool {
    f.candidate_acts() && f.narrative()
}

/// Finds runs of real past-event sentences and rates how much each is a concrete
/// example: anchored in time or place, several sentences long, with specifics.
fn story_strengths(feats: &[Features]) -> Vec<f32> {
    let mut out = vec![0.0; feats.len()];
    let mut i = 0;
    while i < feats.len() {
        if !feats[i].narrative() {
            i += 1;
            continue;
        }
        // A run of narrative sentences, allowing one non-narrative sentence inside it.
        let start = i;
        let mut end = i + 1;
        while end < feats.len()
            && (feats[end].narrative()
                || (end + 1 < feats.len()
                    && feats[end + 1].narrative()
                    && !feats[end].hypothetical))
        {
            end += 1;
        }
        let run = &feats[start..end];
        let anchored = run.iter().any(|f| f.anchor);
        let acted = run.iter().any(is_action);
        let people = run.iter().any(|f| f.customer);
        let specific = run.iter().any(|f| f.number || f.proper_noun);
        let len = run.iter().filter(|f| f.narrative()).count();
        let base: f32 = match (anchored, len) {
            (true, 1) if acted && run[0].words >= 15 => 0.5,
            (true, 1) => 0.35,
            (true, n) => 0.55 + 0.05 * (n.min(4) as f32 - 1.0),
            (false, n) if n >= 3 && acted && people => 0.5,
            (false, n) if n >= 2 && acted && people => 0.4,
            _ => 0.2,
        };
        let base = base + if specific { 0.1 } else { 0.0 } + if acted { 0.05 } else { 0.0 };
        for (k, f) in run.iter().enumerate() {
            if f.narrative() {
                // The anchoring sentence carries the example most clearly.
                out[start + k] = if f.anchor { base + 0.05 } else { base - 0.05 };
            }
        }
        i = end;
    }
    out
}

/// How strongly one sentence shows a signal, and why.
fn signal(sig: Signal, f: &Features, i: usize, ctx: &Context) -> (f32, &'static str) {
    match sig {
        Signal::Situation => {
            if !f.narrative() || !(f.customer || f.anchor || f.first_person) {
                return (0.0, "");
            }
            let mut s: f32 = if f.customer || f.anchor { 0.35 } else { 0.2 };
            if f.difficulty {
                s += 0.25;
            }
            if f.anchor {
                s += 0.15;
            }
            if f.number || f.proper_noun {
                s += 0.1;
            }
            if ctx.first_narrative == Some(i) && ctx.first_action.is_none_or(|a| i <= a) {
                // The opening of a story is where its scene is set.
                s += 0.15;
            }
            // A scene is set before the actions, not after them, and not by them.
            if ctx.first_action.is_some_and(|a| i > a) && i > 1 {
                s *= 0.4;
            } else if f.candidate_acts() && f.leads && ctx.first_narrative != Some(i) {
                s *= 0.6;
            }
            (s, "sets a real scene")
        }
        Signal::Example => (ctx.story[i], "a real past event"),
        Signal::Actions => {
            if !is_action(f) {
                return (0.0, "");
            }
            let mut s = 0.5;
            if f.past_actions >= 2 {
                s += 0.15;
            }
            if f.customer {
                s += 0.1;
            }
            (s, "says what you did")
        }
        Signal::Outcome => {
            if f.hypothetical
                || f.question
                || f.generic
                || (f.habitual && f.past_any == 0 && !f.anchor)
            {
                return (0.0, "");
            }
            if the_problem(f, i, ctx) {
                return (0.0, "");
            }
            let after = match ctx.first_action {
                Some(a) => i > a || (i == a && f.result_marker),
                None => i > 0,
            };
            // After the candidate's last action, a sentence in which someone else acts
            // or something changes reads as the result.
            let consequence = ctx.last_action.is_some_and(|a| i > a)
                && f.past_any > 0
                && !f.leads
                && !f.reflection;
            // "I stayed on the line" is an action; "she stayed with us" is a result.
            let reacted = (f.reaction || f.business_result) && (f.customer || !f.candidate_acts());
            // "By the end of the day I'd handled forty-two cases": what the candidate got
            // done, counted and placed in time after the story's first action.
            let achieved = f.candidate_acts()
                && f.number
                && (f.anchor || f.result_marker)
                && ctx.first_action.is_some_and(|a| i > a);
            let mut s: f32 = if reacted {
                if f.past_any > 0 || f.result_marker {
                    0.6
                } else {
                    0.45
                }
            } else if f.result_marker {
                if f.customer && f.past_any > 0 {
                    0.5
                } else {
                    0.3
                }
            } else if consequence {
                if f.customer { 0.5 } else { 0.4 }
            } else if achieved {
                0.4
            } else {
                return (0.0, "");
            };
            if consequence && (f.reaction || f.business_result || f.result_marker) {
                s += 0.1;
            }
            if f.number {
                s += 0.1;
            }
            if !after {
                s *= 0.6;
            }
            (s, "states a result")
        }
        Signal::Skills => {
            let shown = f.skills_shown.len() as f32;
            let named = f.skills_named.len() as f32;
            let shown_s = if shown > 0.0 {
                let s = 0.5 + 0.1 * (shown - 1.0).min(3.0);
                if f.hypothetical { s * 0.7 } else { s }
            } else {
                0.0
            };
            let named_s = if named > 0.0 {
                (0.4 + 0.1 * (named - 1.0)).min(0.6)
            } else {
                0.0
            };
            if shown_s >= named_s && shown_s > 0.0 {
                (
                    shown_s + if named > 0.0 { 0.1 } else { 0.0 },
                    "shows skills in action",
                )
            } else {
                (named_s, "names skills")
            }
        }
        Signal::Reflection => {
            if !f.reflection {
                return (0.0, "");
            }
            let mut s = 0.5;
            if f.first_person {
                s += 0.1;
            }
            if f.past_any > 0 || f.habitual {
                s += 0.1;
            }
            (s, "reflects and learns")
        }
        Signal::Stance => {
            let direct = i == 0 && f.words <= 8 && !f.question && !f.hypothetical;
            if direct && !f.stance {
                // "Empathy." or "Keeping my word." answers the question head-on.
                return (0.5, "answers directly");
            }
            if !f.stance {
                return (0.0, "");
            }
            let s = if f.skills_named.len() >= 3 {
                // Naming everything commits to nothing.
                0.3
            } else if i < 2 {
                0.55
            } else {
                0.45
            };
            (s, "takes a clear position")
        }
        Signal::Reasoning => {
            let mut s: f32 = 0.0;
            if f.connective {
                s += 0.35;
            }
            if f.perspective {
                s += 0.35;
            }
            if s > 0.0 && f.customer {
                s += 0.1;
            }
            (s, "explains why, for the customer")
        }
        Signal::Topic => (0.0, ""),
        Signal::Present => {
            let now = f.rubric.now || (f.leads && f.present > f.past_any);
            if !f.first_person || !now || f.question || (f.hypothetical && !f.rubric.now) {
                return (0.0, "");
            }
            let mut s: f32 = if f.rubric.now { 0.55 } else { 0.35 };
            if i < 2 {
                // Where the candidate is now opens the pitch.
                s += 0.1;
            }
            (s, "says where you are now")
        }
        Signal::Experience => {
            let past = f.past_any > 0 || f.perfect;
            if !f.first_person || !past || f.hypothetical || f.question {
                return (0.0, "");
            }
            let mut s: f32 = if f.rubric.experience {
                0.5
            } else if f.number {
                0.4
            } else {
                return (0.0, "");
            };
            if f.number || f.specific_unit || f.anchor {
                s += 0.1;
            }
            (s, "draws on your experience")
        }
        Signal::Motivation => {
            if !f.rubric.motivation || f.question {
                return (0.0, "");
            }
            let mut s: f32 = 0.45;
            if f.first_person {
                s += 0.1;
            }
            if f.connective {
                s += 0.05;
            }
            (s, "ties it to this role")
        }
        Signal::Positive => {
            if !f.rubric.positive || f.negative || f.red_flag.is_some() || ctx.blame {
                return (0.0, "");
            }
            let s = if f.first_person { 0.55 } else { 0.45 };
            (s, "stays positive")
        }
        Signal::Weakness => {
            // "I", not only "my": "my last manager's weakness" is someone else's.
            if !f.rubric.weakness || f.rubric.disguised || !f.subject {
                return (0.0, "");
            }
            (0.6, "names a real weakness")
        }
        Signal::Plan => {
            if !f.rubric.plan || !f.first_person || f.question {
                return (0.0, "");
            }
            (0.6, "gives a plan")
        }
        Signal::Approach => {
            let usual = f.rubric.approach || (f.habitual && f.present >= f.past_any);
            if !f.first_person || !usual || f.question {
                return (0.0, "");
            }
            let s = if f.rubric.approach { 0.55 } else { 0.45 };
            (s, "describes your method")
        }
    }
}

/// Sentences that say the opposite of what the step asks for, whatever its words: a
/// strength dressed as a weakness, a reason given while blaming someone, advice to
/// others as one's own method, the past as a plan, a wish as where one is now.
fn contradicts(sig: Signal, f: &Features, ctx: &Context) -> bool {
    match sig {
        Signal::Weakness => f.rubric.disguised,
        Signal::Positive => f.negative || f.red_flag.is_some() || ctx.blame,
        Signal::Approach => !f.first_person,
        Signal::Plan => !f.rubric.plan && f.past_any > f.present,
        Signal::Present => !f.rubric.now && (f.hypothetical || f.rubric.plan),
        _ => false,
    }
}

/// The sentences that state a result, by the same rule the `outcome` signal uses, so
/// the outcome-focus tip and an outcome step never disagree about what a result is.
pub(crate) fn result_sentences(feats: &[Features], ctx: &Context) -> Vec<usize> {
    (0..feats.len())
        .filter(|&i| signal(Signal::Outcome, &feats[i], i, ctx).0 >= MET)
        .collect()
}

/// The trouble told before what the candidate did about it ("he was furious and said he
/// would never stay with us again") is the problem, not the result, whatever words of a
/// result it uses.
fn the_problem(f: &Features, i: usize, ctx: &Context) -> bool {
    f.difficulty && ctx.last_action.is_some_and(|a| i < a)
}

fn story_signal(sig: Signal) -> bool {
    matches!(
        sig,
        Signal::Situation | Signal::Example | Signal::Actions | Signal::Outcome
    )
}

/// Signals that need their own shape, not just the step's words: a story's, or a
/// present role's, a plan's, a weakness's, a method's, experience's. "Front desk" is a
/// cue of the pitch's present role, but "I'd like a front-desk job" is no present role.
fn shaped_signal(sig: Signal) -> bool {
    story_signal(sig)
        || matches!(
            sig,
            Signal::Present
                | Signal::Experience
                | Signal::Weakness
                | Signal::Plan
                | Signal::Approach
        )
}

/// Probabilistic or: two independent pieces of evidence, each partial.
pub(crate) fn either(a: f32, b: f32) -> f32 {
    1.0 - (1.0 - a) * (1.0 - b)
}

/// One sentence's contribution to a step.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub sentence: usize,
    pub strength: f32,
    /// Whether one of the step's own cues matched, so the hit adds to others.
    pub cued: bool,
    pub why: String,
}

/// The verdict on one step.
#[derive(Debug, Clone)]
pub(crate) struct StepVerdict {
    pub strength: f32,
    pub met: bool,
    /// Sentences that take the step, strongest first.
    pub hits: Vec<Hit>,
    /// The best sentences for the step whether or not the rules count it taken (the
    /// evidence when the fitted model does), strongest first.
    pub candidates: Vec<Hit>,
    /// The strength of the second-best sentence.
    pub second: f32,
    /// How many sentences rate for the step after competing.
    pub count: usize,
    pub parts: Parts,
}

/// The strongest of each kind of evidence for a step over all sentences, before the
/// rules combine them: what the fitted step model reads besides the rules' verdict.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Parts {
    pub cue: f32,
    pub signal: f32,
    pub example: f32,
    pub meaning: f32,
    /// The closest any sentence comes to one of the step's prototypes (cosine).
    pub cosine: f32,
}

/// Every sentence's rating for one step, before the steps compete for sentences.
pub(crate) struct Rated {
    pub hits: Vec<Hit>,
    /// The most the step can reach (a stance that names every quality commits to none).
    pub cap: f32,
    pub parts: Parts,
}

/// Rates every sentence of the answer for one step.
pub(crate) fn rate(
    step: &StepMatcher,
    analysis: &Analysis,
    feats: &[Features],
    ctx: &Context,
) -> Rated {
    let mut hits: Vec<Hit> = Vec::new();
    let mut parts = Parts::default();
    for (i, f) in feats.iter().enumerate() {
        let tokens = analysis.sentence_tokens(i);
        let mut cues: Vec<usize> = step
            .cues
            .find_all(tokens)
            .into_iter()
            .map(|m| m.phrase)
            .collect();
        cues.sort_unstable();
        cues.dedup();
        // A phrase of several words is more specific than one word, so it counts more.
        let cue = cues
            .iter()
            .map(|&c| {
                if step.cue_text[c].contains(' ') {
                    0.5
                } else {
                    0.42
                }
            })
            .fold(0.0, either)
            .min(0.85);
        let skill = skill_cue(step, f);
        let (example, example_index) = example_overlap(&f.content, &step.examples);
        let example = example.max(bag(&f.content, &step.vocabulary));
        // By meaning: the closest prototype of the step, when a model is enabled.
        let meaning = f
            .meaning
            .as_deref()
            .and_then(|m| crate::semantic::closest(m, &step.prototypes))
            .filter(|(_, _, s)| *s > 0.0);
        let by_meaning = meaning.map_or(0.0, |(_, _, s)| if f.hypothetical { s * 0.6 } else { s });
        let lexical = either(either(either(cue, skill), example), by_meaning);
        let (sig, sig_why) = signal(step.signal, f, i, ctx);
        // The trouble told as the result, a disguised weakness, blame in a reason...: the
        // sentence says the opposite of the step, whatever its words.
        let refuted = (step.signal == Signal::Outcome && the_problem(f, i, ctx))
            || contradicts(step.signal, f, ctx);
        let blocked = refuted || (story_signal(step.signal) && f.hypothetical);
        if !blocked {
            parts.cue = parts.cue.max(cue.max(skill));
            parts.signal = parts.signal.max(sig);
            parts.example = parts.example.max(example);
            parts.meaning = parts.meaning.max(by_meaning);
            parts.cosine = parts.cosine.max(meaning.map_or(0.0, |(_, c, _)| c));
        }
        let mut strength = if step.signal == Signal::Topic {
            // "I would ..." describes a plan, not what the candidate does.
            if f.hypothetical {
                lexical * 0.6
            } else {
                lexical
            }
        } else if story_signal(step.signal) && f.hypothetical {
            // "I would ..." is a plan, not something that happened.
            (0.5 * sig.max(lexical)).min(0.3)
        } else if sig == 0.0 && shaped_signal(step.signal) {
            // A story step needs the shape of a story, not just its words; a plan needs a
            // plan's, a weakness a weakness's.
            lexical.min(0.4)
        } else if sig == 0.0 {
            lexical.min(0.55)
        } else if cue == 0.0 && skill == 0.0 && step.signal == Signal::Reasoning {
            // "Because ..." explains something; a cue or example says it is this step.
            sig.min(0.45)
        } else {
            either(sig, lexical)
        };
        if list_like(f) {
            // A list of rubric words is not an answer that takes the step.
            strength = strength.min(0.35);
        }
        // A story has an order: the result comes after the candidate's first action, and
        // the scene before their actions are under way.
        let before_actions = ctx.first_action.is_some_and(|a| i < a);
        let after_actions = ctx.first_action.is_some_and(|a| i > a);
        if (step.signal == Signal::Outcome && before_actions)
            || (step.signal == Signal::Situation && after_actions)
        {
            strength = strength.min(0.4);
        }
        if refuted {
            strength = 0.0;
        }
        if strength <= 0.0 {
            continue;
        }
        let mut why = Vec::new();
        if sig > 0.0 {
            why.push(sig_why.to_string());
        }
        if let Some(&c) = cues.first() {
            why.push(format!("cue \"{}\"", step.cue_text[c]));
        }
        if let Some((k, cos, s)) = meaning {
            if s >= cue.max(example) {
                why.push(format!(
                    "means the same as \"{}\" ({cos:.2})",
                    step.prototypes[k].0
                ));
            }
        } else if example > cue && example > 0.0 {
            why.push(format!("like example {}", example_index + 1));
        }
        // A story step's cue without the story's shape neither counts nor adds up.
        let cued = (cue > 0.0 || skill > 0.0 || by_meaning >= 0.35)
            && !(sig == 0.0 && shaped_signal(step.signal));
        hits.push(Hit {
            sentence: i,
            strength: strength.min(1.0),
            cued,
            why: why.join(", "),
        });
    }
    // Naming every quality in one breath commits to none of them.
    let cap = if step.signal == Signal::Stance
        && hits
            .iter()
            .max_by(|a, b| a.strength.total_cmp(&b.strength))
            .is_some_and(|h| feats[h.sentence].skills_named.len() >= 4)
    {
        0.4
    } else {
        1.0
    };
    Rated { hits, cap, parts }
}

/// How far below the best step a sentence may rate for another step and still count
/// for it: a sentence mostly about listening is not also the candidate's actions.
const MARGIN: f32 = 0.15;

/// Steps that share sentences by nature: a story's sentences are all part of the
/// example, and a stance usually arrives with its reason in the same sentence.
fn exempt(signal: Signal) -> bool {
    matches!(signal, Signal::Example | Signal::Stance)
}

/// Lets the steps compete for sentences: a sentence counts for a step only when it
/// rates close to its best step.
pub(crate) fn compete(signals: &[Signal], rated: &mut [Rated]) {
    let mut best: rustc_hash::FxHashMap<usize, f32> = Default::default();
    for (s, r) in rated.iter().enumerate() {
        if exempt(signals[s]) {
            continue;
        }
        for h in &r.hits {
            let b = best.entry(h.sentence).or_default();
            *b = b.max(h.strength);
        }
    }
    for (s, r) in rated.iter_mut().enumerate() {
        if exempt(signals[s]) {
            continue;
        }
        // A topic step's own phrase in the sentence is explicit: "I stay calm, listen
        // and acknowledge" takes both the calm and the listening step.
        let topic = signals[s] == Signal::Topic;
        r.hits.retain(|h| {
            (topic && h.cued && h.strength >= MET)
                || best
                    .get(&h.sentence)
                    .is_none_or(|b| h.strength >= b - MARGIN)
        });
    }
}

/// Combines a step's remaining sentences into its verdict.
pub(crate) fn verdict(rated: Rated) -> StepVerdict {
    let Rated {
        mut hits,
        cap,
        parts,
    } = rated;
    hits.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then(a.sentence.cmp(&b.sentence))
    });
    let best = hits.first().map_or(0.0, |h| h.strength);
    // A second sentence adds weight only when it uses the step's own words.
    let second = hits.get(1).filter(|h| h.cued).map_or(0.0, |h| h.strength);
    let strength = either(best, 0.5 * second).min(cap);
    let met = strength >= MET;
    let count = hits.len();
    let raw_second = hits.get(1).map_or(0.0, |h| h.strength);
    // The best sentences, or the best one when none rates EVIDENCE: what the fitted
    // model quotes when it takes the step.
    let mut candidates: Vec<Hit> = hits
        .iter()
        .filter(|h| h.strength >= crate::fitted::EVIDENCE)
        .take(2)
        .cloned()
        .collect();
    if candidates.is_empty() {
        candidates.extend(hits.first().cloned());
    }
    // The evidence is what made the step count: the best two sentences, and any other
    // that takes the step on its own.
    let mut k = 0;
    hits.retain(|h| {
        k += 1;
        met && (k <= 2 && h.strength >= 0.3 || h.strength >= MET * 0.9)
    });
    hits.truncate(3);
    StepVerdict {
        strength,
        met,
        hits,
        candidates,
        second: raw_second,
        count,
        parts,
    }
}

/// A topic step about a skill (a `listening` step) is also taken by the skill lexicon's
/// ways of showing that skill ("let her finish", "heard him out").
fn skill_cue(step: &StepMatcher, f: &Features) -> f32 {
    let shown = f
        .skills_shown
        .iter()
        .any(|s| step.shown_sections.contains(s));
    let named = f
        .skills_named
        .iter()
        .any(|s| step.named_sections.contains(s));
    match (shown, named) {
        (true, true) => 0.6,
        (true, false) => {
            if f.hypothetical {
                0.35
            } else {
                0.5
            }
        }
        (false, true) => 0.35,
        (false, false) => 0.0,
    }
}

/// How many of the step's specific words the sentence uses, as a partial strength: two
/// or three telling words make a sentence look like the step even in other phrasing.
fn bag(
    content: &rustc_hash::FxHashSet<String>,
    vocabulary: &rustc_hash::FxHashMap<String, f32>,
) -> f32 {
    let sum: f32 = crate::sum_sorted(
        content
            .iter()
            .filter_map(|w| vocabulary.get(w))
            .map(|x| x * x),
    );
    (1.0 - (-0.5 * sum).exp()).min(0.3)
}

/// How much a sentence's content words overlap an example's (cosine on word sets),
/// mapped to a partial strength; with the index of the closest example.
fn example_overlap(
    content: &rustc_hash::FxHashSet<String>,
    examples: &[rustc_hash::FxHashSet<String>],
) -> (f32, usize) {
    if content.is_empty() {
        return (0.0, 0);
    }
    let mut best = (0.0f32, 0);
    for (k, ex) in examples.iter().enumerate() {
        if ex.is_empty() {
            continue;
        }
        let shared = content.intersection(ex).count() as f32;
        let cos = shared / ((content.len() * ex.len()) as f32).sqrt();
        if cos > best.0 {
            best = (cos, k);
        }
    }
    (((best.0 - 0.15) * 1.4).clamp(0.0, 0.6), best.1)
}

/// A sentence that is a list of words rather than a statement: short items between
/// commas and no verb of the candidate's.
pub(crate) fn list_like(f: &Features) -> bool {
    let items = f.commas + 1;
    let covered = f.covered.iter().filter(|c| **c).count();
    let verbless = f.past_any == 0 && f.present == 0;
    (f.words >= 4 && items >= 3 && items * 3 >= f.words && !f.pronoun && verbless)
        || (items >= 5 && items * 5 >= f.words * 2)
        || (f.words <= 3 && !f.pronoun && verbless && f.index > 0)
        || (f.heading && !f.pronoun)
        || (f.words >= 4 && !f.pronoun && covered * 10 >= f.words * 7)
}
