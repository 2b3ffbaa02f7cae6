//! Fitting the score to rated answers, and measuring it honestly: cross-validated.
//!
//! Pure arithmetic over [`Measures`]: a logistic step model (L2-penalised, Newton's
//! method) fitted to the raters' step labels, then a ridge score model fitted to the
//! log-odds of their scores on the step likelihoods and the answer's manner, then a
//! logistic counts model on out-of-fold predictions (whether a step taken counts in an
//! answer with that score). `cargo xtask fit` runs it on the calibration set and writes
//! the coefficients; the tests run the same cross-validation to hold its figures to
//! floors.

use rapport_pack::{COUNTS_FIELDS, Counts, Fit, SCORE_FEATURES, STEP_FEATURES};

use crate::eval::spearman;
use crate::fitted::{
    Measures, counts, counts_features, score_features, score_with, step_likelihood, taken,
};
use crate::report::Band;

/// The thresholds of `fitted::taken`, chosen by leave-one-question-out on the
/// calibration set (step F1 0.82 against 0.79 for the likelihood alone at one half and 0.78
/// for the rules alone, lexical engine). Below 0.25 the rules' verdict is kept on weaker
/// likelihoods at no cost in agreement (LOQO lexical, as written: rho 0.782 and step
/// precision / recall 0.765 / 0.803 at 0.25; 0.783 and 0.752 / 0.814 at 0.1), and
/// paraphrased results the rules find ("she has ordered from us every month since") stay
/// taken.
const TAKEN_WITH_RULES: f64 = 0.1;
const TAKEN_ALONE: f64 = 0.6;

/// One rated answer with what the engine measured on it.
#[derive(Debug, Clone)]
pub struct Rated {
    /// The item's id (a transcript form shares its typed form's id).
    pub id: String,
    /// The guide it answers.
    pub question_id: String,
    /// The raters' mean score.
    pub score: f64,
    /// The steps both raters say it takes: what step precision and recall are measured
    /// against.
    pub steps: Vec<String>,
    /// The steps at least one rater says it takes: what the step model and the
    /// missing-step ceiling are fitted to (it agrees better with the raters' scores,
    /// leave one question out: ρ 0.807 against 0.798 fitted to the steps both name).
    pub steps_either: Vec<String>,
    /// Whether the raters named the steps at all (the off-bank answers have only a
    /// score): only such answers train the step model and the missing-step ceiling and
    /// count in step precision and recall.
    pub rated_steps: bool,
    /// What the engine measured.
    pub measures: Measures,
}

/// Penalties: on the standardised features of each model.
#[derive(Debug, Clone, Copy)]
pub struct Penalty {
    /// The step model's L2 penalty.
    pub step: f64,
    /// The score model's ridge penalty.
    pub score: f64,
}

impl Default for Penalty {
    fn default() -> Penalty {
        Penalty {
            step: 2.0,
            score: 2.0,
        }
    }
}

/// Fits the three models to these answers: the step model, the score model and, on
/// their out-of-fold predictions, the counts model.
pub fn fit(engine: &str, items: &[&Rated], penalty: Penalty, note: &str) -> Fit {
    let mut fit = fit_models(engine, items, penalty, note);
    fit.counts = fit_counts(engine, items, penalty);
    fit
}

/// Inner folds (by question) for the counts model's out-of-fold predictions.
const COUNTS_FOLDS: usize = 5;

/// The counts model's L2 penalty (on its two standardised features).
const COUNTS_PENALTY: f64 = 1.0;

/// The counts model: for every step the step model takes in an answer whose steps were
/// rated, whether both raters name it, against the step's likelihood and the answer's
/// score, each predicted by a fit that never saw the answer's question (so that the
/// model learns how far to trust predictions, not fitted values). `None` when no step
/// is taken or the labels are all alike.
fn fit_counts(engine: &str, items: &[&Rated], penalty: Penalty) -> Option<Counts> {
    let mut questions: Vec<&str> = Vec::new();
    for item in items {
        if !questions.contains(&item.question_id.as_str()) {
            questions.push(&item.question_id);
        }
    }
    let fold = |item: &Rated| {
        questions
            .iter()
            .position(|q| *q == item.question_id)
            .unwrap_or(0)
            % COUNTS_FOLDS
    };
    let mut xs: Vec<Vec<f64>> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    for k in 0..COUNTS_FOLDS {
        let train: Vec<&Rated> = items.iter().copied().filter(|i| fold(i) != k).collect();
        let held = items
            .iter()
            .filter(|i| fold(i) == k && i.rated_steps)
            .collect::<Vec<_>>();
        if train.is_empty() || held.is_empty() {
            continue;
        }
        let inner = fit_models(engine, &train, penalty, "");
        for item in held {
            let likelihoods = likelihoods(&inner, &item.measures);
            let score = score_with(&inner, &item.measures, &likelihoods);
            for (s, p) in item.measures.steps.iter().zip(&likelihoods) {
                if taken(&inner, &item.measures, s, *p) {
                    xs.push(counts_features(*p, score).to_vec());
                    ys.push(if item.steps.contains(&s.id) { 1.0 } else { 0.0 });
                }
            }
        }
    }
    let positives = ys.iter().filter(|y| **y > 0.5).count();
    if positives == 0 || positives == ys.len() {
        return None;
    }
    let (intercept, w) = logistic(&xs, &ys, COUNTS_PENALTY);
    Some(Counts {
        intercept,
        likelihood: w[0],
        score: w[1],
    })
}

/// Fits the step and score models to these answers.
fn fit_models(engine: &str, items: &[&Rated], penalty: Penalty, note: &str) -> Fit {
    // The step model: one row per step of every answer.
    let mut xs: Vec<Vec<f64>> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    for item in items.iter().filter(|i| i.rated_steps) {
        for s in &item.measures.steps {
            xs.push(s.features.iter().map(|v| f64::from(*v)).collect());
            ys.push(if item.steps_either.contains(&s.id) {
                1.0
            } else {
                0.0
            });
        }
    }
    let (step_intercept, step) = logistic(&xs, &ys, penalty.step);
    let mut fit = Fit {
        engine: engine.to_owned(),
        note: note.to_owned(),
        step_intercept,
        step,
        score_intercept: 0.0,
        score: vec![0.0; SCORE_FEATURES.len()],
        taken_with_rules: TAKEN_WITH_RULES,
        taken_alone: TAKEN_ALONE,
        missing_step_ceiling: missing_step_ceiling(items),
        counts: None,
    };
    // The score model, on the likelihoods the step model gives.
    let rows: Vec<Vec<f64>> = items
        .iter()
        .map(|item| {
            let likelihoods = likelihoods(&fit, &item.measures);
            score_features(&fit, &item.measures, &likelihoods)
                .into_iter()
                .map(f64::from)
                .collect()
        })
        .collect();
    // Fitted on the log-odds of the score (kept 3 points from either end).
    let targets: Vec<f64> = items
        .iter()
        .map(|i| {
            let t = i.score.clamp(3.0, 97.0) / 100.0;
            (t / (1.0 - t)).ln()
        })
        .collect();
    let (score_intercept, score) = signed_ridge(&rows, &targets, penalty.score);
    fit.score_intercept = score_intercept;
    fit.score = score;
    fit
}

/// The share of rated answers that may score above the missing-step ceiling.
const CEILING_QUANTILE: f64 = 0.02;

/// The steepest missing-step ceiling the raters themselves respect, bar
/// [`CEILING_QUANTILE`] of their answers: for each answer that skips steps (by the
/// raters' own steps), the points per missing share that would just reach its score.
fn missing_step_ceiling(items: &[&Rated]) -> f64 {
    let mut needed: Vec<f64> = items
        .iter()
        .filter(|item| item.rated_steps)
        .filter_map(|item| {
            let total: f32 = item.measures.steps.iter().map(|s| s.weight).sum();
            let missing: f32 = item
                .measures
                .steps
                .iter()
                .filter(|s| !item.steps_either.contains(&s.id))
                .map(|s| s.weight)
                .sum();
            (total > 0.0 && missing > 0.0)
                .then(|| (100.0 - item.score) / f64::from(missing / total))
        })
        .collect();
    if needed.is_empty() {
        return 0.0;
    }
    needed.sort_by(f64::total_cmp);
    let k = ((needed.len() as f64) * CEILING_QUANTILE).floor() as usize;
    needed[k.min(needed.len() - 1)].clamp(0.0, 100.0)
}

fn likelihoods(fit: &Fit, m: &Measures) -> Vec<f32> {
    m.steps
        .iter()
        .map(|s| step_likelihood(fit, &s.features))
        .collect()
}

/// A prediction for one held-out answer.
#[derive(Debug, Clone)]
pub struct Prediction {
    /// Which answer.
    pub index: usize,
    /// The score, rounded as the card shows it.
    pub score: f64,
    /// The steps the fit says it takes.
    pub steps: Vec<String>,
    /// Each step's likelihood, in the guide's order.
    pub likelihoods: Vec<f32>,
}

/// Predicts one answer with a fit, as the engine would score it.
pub fn predict(fit: &Fit, index: usize, item: &Rated) -> Prediction {
    let likelihoods = likelihoods(fit, &item.measures);
    let unrounded = score_with(fit, &item.measures, &likelihoods);
    let score = f64::from(unrounded.round());
    let steps = item
        .measures
        .steps
        .iter()
        .zip(&likelihoods)
        .filter(|(s, p)| taken(fit, &item.measures, s, **p) && counts(fit, **p, unrounded))
        .map(|(s, _)| s.id.clone())
        .collect();
    Prediction {
        index,
        score,
        steps,
        likelihoods,
    }
}

/// How held-out answers are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folds {
    /// `k` folds by answer (an answer and its transcript form share a fold).
    ByAnswer(usize),
    /// Each question held out in turn.
    ByQuestion,
}

/// Cross-validates: every answer is predicted by a fit that never saw it (nor its
/// transcript twin, nor with [`Folds::ByQuestion`] any answer to its question).
pub fn cross_validate(
    engine: &str,
    items: &[Rated],
    folds: Folds,
    penalty: Penalty,
) -> Vec<Prediction> {
    let mut ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    ids.dedup();
    let mut keys: Vec<String> = Vec::new();
    let fold_of: Vec<String> = items
        .iter()
        .map(|item| match folds {
            Folds::ByAnswer(k) => {
                let position = ids.iter().position(|i| *i == item.id).unwrap_or(0);
                (position % k.max(2)).to_string()
            }
            Folds::ByQuestion => item.question_id.clone(),
        })
        .collect();
    for f in &fold_of {
        if !keys.contains(f) {
            keys.push(f.clone());
        }
    }
    let mut out = Vec::with_capacity(items.len());
    for key in &keys {
        let train: Vec<&Rated> = items
            .iter()
            .zip(&fold_of)
            .filter(|(_, f)| *f != key)
            .map(|(i, _)| i)
            .collect();
        let fit = fit(engine, &train, penalty, "");
        for (index, item) in items.iter().enumerate() {
            if &fold_of[index] == key {
                out.push(predict(&fit, index, item));
            }
        }
    }
    out.sort_by_key(|p| p.index);
    out
}

/// Agreement between predictions and the raters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    /// Answers compared.
    pub n: usize,
    /// Spearman's ρ between the score and the raters' mean score.
    pub rho: f64,
    /// Share of pairs of answers to the same question, in different bands by the raters,
    /// put in the raters' order (ties count half).
    pub pairwise: f64,
    /// Share in the raters' band.
    pub band_exact: f64,
    /// Share at most one band away.
    pub band_within_one: f64,
    /// Steps found that both raters name, over all steps found.
    pub step_precision: f64,
    /// Steps both raters name that were found.
    pub step_recall: f64,
}

fn band_index(score: f64) -> i32 {
    match Band::from_score(score.round().clamp(0.0, 100.0) as u8) {
        Band::Weak => 0,
        Band::Developing => 1,
        Band::Solid => 2,
        Band::Strong => 3,
    }
}

/// The figures for these predictions of `items` (those at each prediction's index).
pub fn figures(items: &[Rated], predictions: &[Prediction]) -> Figures {
    let n = predictions.len();
    let ours: Vec<f64> = predictions.iter().map(|p| p.score).collect();
    let theirs: Vec<f64> = predictions.iter().map(|p| items[p.index].score).collect();
    let rho = spearman(&ours, &theirs).unwrap_or(0.0);
    let (mut right, mut pairs) = (0.0, 0usize);
    for (a, pa) in predictions.iter().enumerate() {
        for pb in &predictions[a + 1..] {
            let (ia, ib) = (&items[pa.index], &items[pb.index]);
            if ia.question_id != ib.question_id || band_index(ia.score) == band_index(ib.score) {
                continue;
            }
            pairs += 1;
            let truth = ia.score > ib.score;
            if pa.score == pb.score {
                right += 0.5;
            } else if (pa.score > pb.score) == truth {
                right += 1.0;
            }
        }
    }
    let exact = predictions
        .iter()
        .filter(|p| band_index(p.score) == band_index(items[p.index].score))
        .count();
    let within = predictions
        .iter()
        .filter(|p| (band_index(p.score) - band_index(items[p.index].score)).abs() <= 1)
        .count();
    let (mut found, mut named, mut both) = (0usize, 0usize, 0usize);
    for p in predictions.iter().filter(|p| items[p.index].rated_steps) {
        let truth = &items[p.index].steps;
        found += p.steps.len();
        named += truth.len();
        both += p.steps.iter().filter(|s| truth.contains(s)).count();
    }
    let share = |a: f64, b: usize| if b == 0 { 0.0 } else { a / b as f64 };
    Figures {
        n,
        rho,
        pairwise: share(right, pairs),
        band_exact: share(exact as f64, n),
        band_within_one: share(within as f64, n),
        step_precision: share(both as f64, found),
        step_recall: share(both as f64, named),
    }
}

/// Standardises columns: (means, scales); a constant column gets scale 0 (left out).
fn standardise(xs: &[Vec<f64>]) -> (Vec<f64>, Vec<f64>) {
    let d = xs.first().map_or(0, Vec::len);
    let n = xs.len().max(1) as f64;
    let mut mean = vec![0.0; d];
    let mut scale = vec![0.0; d];
    for x in xs {
        for j in 0..d {
            mean[j] += x[j] / n;
        }
    }
    for x in xs {
        for j in 0..d {
            scale[j] += (x[j] - mean[j]).powi(2) / n;
        }
    }
    for s in &mut scale {
        *s = if *s > 1e-12 { s.sqrt() } else { 0.0 };
    }
    (mean, scale)
}

fn z(x: &[f64], mean: &[f64], scale: &[f64]) -> Vec<f64> {
    x.iter()
        .zip(mean.iter().zip(scale))
        .map(|(v, (m, s))| if *s > 0.0 { (v - m) / s } else { 0.0 })
        .collect()
}

/// Back from standardised coefficients to coefficients on the raw features.
fn unstandardise(intercept: f64, w: &[f64], mean: &[f64], scale: &[f64]) -> (f64, Vec<f64>) {
    let raw: Vec<f64> = w
        .iter()
        .zip(scale)
        .map(|(w, s)| if *s > 0.0 { w / s } else { 0.0 })
        .collect();
    let shift: f64 = raw.iter().zip(mean).map(|(r, m)| r * m).sum();
    (intercept - shift, raw)
}

/// L2-penalised logistic regression by Newton's method: (intercept, coefficients).
fn logistic(xs: &[Vec<f64>], ys: &[f64], lambda: f64) -> (f64, Vec<f64>) {
    let (mean, scale) = standardise(xs);
    let zs: Vec<Vec<f64>> = xs.iter().map(|x| z(x, &mean, &scale)).collect();
    let d = mean.len() + 1;
    let mut w = vec![0.0; d];
    for _ in 0..50 {
        let mut grad = vec![0.0; d];
        let mut hess = vec![vec![0.0; d]; d];
        for (x, y) in zs.iter().zip(ys) {
            let row: Vec<f64> = std::iter::once(1.0).chain(x.iter().copied()).collect();
            let t: f64 = row.iter().zip(&w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-t).exp());
            let weight = (p * (1.0 - p)).max(1e-9);
            for a in 0..d {
                grad[a] += (p - y) * row[a];
                for b in 0..d {
                    hess[a][b] += weight * row[a] * row[b];
                }
            }
        }
        for a in 1..d {
            grad[a] += lambda * w[a];
            hess[a][a] += lambda;
        }
        hess[0][0] += 1e-9;
        let Some(step) = solve(hess, grad) else { break };
        let mut largest: f64 = 0.0;
        for (wi, si) in w.iter_mut().zip(&step) {
            *wi -= si;
            largest = largest.max(si.abs());
        }
        if largest < 1e-10 {
            break;
        }
    }
    unstandardise(w[0], &w[1..], &mean, &scale)
}

/// The sign each score feature's coefficient must have, where it has one: a step taken,
/// a tip met or staying on topic never lowers the score, and blame, a red flag, brevity
/// or abstract words never raise it, so that every priced fix on the card ("adding the
/// result would take this from 58 to 74") points the right way. `0` leaves it free.
fn score_sign(feature: &str) -> f64 {
    match feature {
        "steps" | "steps_met" | "tips" | "relevance" => 1.0,
        "negativity" | "red_flags" | "short" | "abstract" => -1.0,
        _ => 0.0,
    }
}

/// Ridge regression with the signs of [`score_sign`]: a coefficient fitted with the
/// wrong sign is held at zero and the rest fitted again, until every sign is right.
fn signed_ridge(xs: &[Vec<f64>], ys: &[f64], lambda: f64) -> (f64, Vec<f64>) {
    let mut held = vec![false; SCORE_FEATURES.len()];
    loop {
        let kept: Vec<Vec<f64>> = xs
            .iter()
            .map(|x| {
                x.iter()
                    .zip(&held)
                    .map(|(v, h)| if *h { 0.0 } else { *v })
                    .collect()
            })
            .collect();
        let (intercept, w) = ridge(&kept, ys, lambda);
        let wrong = SCORE_FEATURES
            .iter()
            .zip(&w)
            .position(|(name, c)| score_sign(name) * c < 0.0);
        match wrong {
            Some(k) if !held[k] => held[k] = true,
            _ => return (intercept, w),
        }
    }
}

/// Ridge regression: (intercept, coefficients).
fn ridge(xs: &[Vec<f64>], ys: &[f64], lambda: f64) -> (f64, Vec<f64>) {
    let (mean, scale) = standardise(xs);
    let zs: Vec<Vec<f64>> = xs.iter().map(|x| z(x, &mean, &scale)).collect();
    let d = mean.len();
    let n = ys.len().max(1) as f64;
    let ybar = ys.iter().sum::<f64>() / n;
    let mut a = vec![vec![0.0; d]; d];
    let mut b = vec![0.0; d];
    for (x, y) in zs.iter().zip(ys) {
        for i in 0..d {
            b[i] += x[i] * (y - ybar);
            for j in 0..d {
                a[i][j] += x[i] * x[j];
            }
        }
    }
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += lambda;
    }
    let w = solve(a, b).unwrap_or_else(|| vec![0.0; d]);
    unstandardise(ybar, &w, &mean, &scale)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            if f == 0.0 {
                continue;
            }
            let (upper, lower) = a.split_at_mut(row);
            for (x, pivot_x) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                *x -= f * pivot_x;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// The fit as a `[scoring.<engine>]` table for a pack file.
pub fn to_toml(fit: &Fit) -> String {
    let mut s = format!("[scoring.{}]\n", fit.engine);
    if !fit.note.is_empty() {
        s.push_str(&format!("note = {:?}\n", fit.note));
    }
    s.push_str(&format!("step_intercept = {:.6}\n", fit.step_intercept));
    s.push_str(&format!("score_intercept = {:.6}\n", fit.score_intercept));
    s.push_str(&format!("taken_with_rules = {}\n", fit.taken_with_rules));
    s.push_str(&format!("taken_alone = {}\n", fit.taken_alone));
    s.push_str(&format!(
        "missing_step_ceiling = {:.1}\n",
        fit.missing_step_ceiling
    ));
    if let Some(c) = fit.counts {
        for (name, value) in COUNTS_FIELDS
            .iter()
            .zip([c.intercept, c.likelihood, c.score])
        {
            s.push_str(&format!("{name} = {value:.6}\n"));
        }
    }
    s.push_str(&format!("\n[scoring.{}.step]\n", fit.engine));
    for (name, c) in STEP_FEATURES.iter().zip(&fit.step) {
        s.push_str(&format!("{name} = {c:.6}\n"));
    }
    s.push_str(&format!("\n[scoring.{}.score]\n", fit.engine));
    for (name, c) in SCORE_FEATURES.iter().zip(&fit.score) {
        s.push_str(&format!("{name} = {c:.6}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of the score features where the score falls as `steps_met` rises and rises
    /// with `steps`: the free fit gives `steps_met` a negative coefficient, the signed
    /// fit holds it at zero and keeps `steps` positive.
    #[test]
    fn a_coefficient_fitted_with_the_wrong_sign_is_held_at_zero() {
        let n = SCORE_FEATURES.len();
        let at = |name: &str| {
            SCORE_FEATURES
                .iter()
                .position(|f| *f == name)
                .expect("a score feature")
        };
        let (steps, met) = (at("steps"), at("steps_met"));
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for k in 0..40 {
            let mut x = vec![0.0; n];
            x[steps] = f64::from(k % 7) / 6.0;
            x[met] = f64::from(k % 5) / 4.0;
            ys.push(3.0 * x[steps] - 1.0 * x[met]);
            xs.push(x);
        }
        let (_, free) = ridge(&xs, &ys, 0.1);
        assert!(free[met] < -0.5, "the free fit: {free:?}");
        let (_, signed) = signed_ridge(&xs, &ys, 0.1);
        assert_eq!(signed[met], 0.0, "the signed fit: {signed:?}");
        assert!(signed[steps] > 2.0, "the signed fit: {signed:?}");
    }
}
