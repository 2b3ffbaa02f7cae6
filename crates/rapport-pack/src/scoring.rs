//! The fitted score: coefficients fitted to rated answers (`cargo xtask fit`), shipped as
//! a `[scoring.<engine>]` table in a pack file and checked here like every other field.
//! The score model is linear in the log-odds of the score: score = 100 / (1 + e^-z).
//!
//! Two models per engine: a step model (logistic: how likely a step is taken, from what
//! the rules and the model found for it) and a score model (linear on the step
//! likelihoods and the answer's substance). The feature names are fixed here so the
//! fitter, the pack check and the engine agree on them.

use crate::toml_walk::{Report, Table, non_empty_string, number, quoted_list, type_name};

/// What the step model reads, for one step of the guide.
pub const STEP_FEATURES: &[&str] = &[
    // What the rules found for the step.
    "rule",
    "met",
    "cue",
    "signal",
    "example",
    "meaning",
    "cosine",
    "second",
    "hits",
    // The step's kind, one-hot: a bias per kind.
    "kind_situation",
    "kind_example",
    "kind_actions",
    "kind_outcome",
    "kind_skills",
    "kind_reflection",
    "kind_stance",
    "kind_reasoning",
    "kind_topic",
    // What the sentences carrying the step are like: particulars, the candidate acting,
    // abstract words.
    "particular",
    "acted",
    "abstractness",
    // Whether the answer tells what happened or what would happen, and its red flags
    // (raters credit no step to an answer that denies any fault or brushes the customer
    // off). Nothing else about the answer as a whole: a step is taken by what carries it,
    // so taking out the passage that carries a step loses it however good the rest is.
    "hypothetical",
    "red_flags",
];

/// What the score model reads, for the whole answer.
pub const SCORE_FEATURES: &[&str] = &[
    "steps",
    "steps_met",
    "tips",
    "hypothetical",
    "negativity",
    "red_flags",
    "fillers",
    "short",
    "abstract",
    "buzz",
    "relevance",
];

/// The engines a fit can be for.
pub const ENGINES: &[&str] = &["lexical", "semantic"];

/// Coefficients for one engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// `lexical` or `semantic`.
    pub engine: String,
    /// How it was fitted (the command and data), for people.
    pub note: String,
    /// The step model's intercept.
    pub step_intercept: f64,
    /// The step model's coefficients, in [`STEP_FEATURES`] order.
    pub step: Vec<f64>,
    /// The score model's intercept.
    pub score_intercept: f64,
    /// The score model's coefficients, in [`SCORE_FEATURES`] order.
    pub score: Vec<f64>,
    /// A step the rules count taken stays taken from this likelihood up.
    pub taken_with_rules: f64,
    /// A step is taken from this likelihood up whatever the rules say.
    pub taken_alone: f64,
    /// Points of ceiling per share of missing steps: the score is at most
    /// `100 - missing_step_ceiling × (weighted share of the steps not taken)`, as the
    /// raters almost never rate an answer that skips a step as strong.
    pub missing_step_ceiling: f64,
    /// Whether a step the step model takes counts in this answer; `None`: every step
    /// taken counts.
    pub counts: Option<Counts>,
}

/// The counts model: the raters credit a step to an answer as a whole, and almost never
/// to a weak one (answers they score under 40 take 0.3 steps on average in the
/// calibration set, those over 80 take 3.9), so a step taken counts when
/// `intercept + likelihood × logit(step likelihood) + score × logit(score / 100) ≥ 0`,
/// a logistic model fitted on out-of-fold predictions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counts {
    /// The intercept.
    pub intercept: f64,
    /// The coefficient of the step likelihood's log-odds.
    pub likelihood: f64,
    /// The coefficient of the score's log-odds.
    pub score: f64,
}

/// The fields of [`Counts`] in a `[scoring.<engine>]` table: all three or none.
pub const COUNTS_FIELDS: [&str; 3] = ["counts_intercept", "counts_likelihood", "counts_score"];

const FIT_FIELDS: &[&str] = &[
    "note",
    "step_intercept",
    "step",
    "score_intercept",
    "score",
    "taken_with_rules",
    "taken_alone",
    "missing_step_ceiling",
    "counts_intercept",
    "counts_likelihood",
    "counts_score",
];

/// Reads the `[scoring]` table: one fit per engine.
pub(crate) fn read_scoring(table: &Table<'_, '_>, report: &mut Report<'_>) -> Vec<Fit> {
    let mut fits = Vec::new();
    for (key, line, value) in table.entries(report) {
        let path = table.path_of(key);
        if !ENGINES.contains(&key) {
            report.error(
                line,
                Some(&path),
                format!("unknown engine, ignored: expected {}", quoted_list(ENGINES)),
            );
            continue;
        }
        let Some(inner) = value.as_table() else {
            report.error(
                line,
                Some(&path),
                format!("expected a table, found {}", type_name(value)),
            );
            continue;
        };
        let fit = Table::new(inner, path, line);
        if let Some(f) = read_fit(key, &fit, report) {
            fits.push(f);
        }
    }
    fits
}

fn read_fit(engine: &str, table: &Table<'_, '_>, report: &mut Report<'_>) -> Option<Fit> {
    let before = report.error_count();
    let note = table
        .field(report, "note", false)
        .and_then(|f| non_empty_string(report, f.value, f.line, &f.path))
        .unwrap_or_default();
    let step_intercept = coefficient(table, report, "step_intercept");
    let score_intercept = coefficient(table, report, "score_intercept");
    let step = coefficients(table, report, "step", STEP_FEATURES);
    let score = coefficients(table, report, "score", SCORE_FEATURES);
    let taken_with_rules = likelihood(table, report, "taken_with_rules");
    let taken_alone = likelihood(table, report, "taken_alone");
    let missing_step_ceiling = points(table, report, "missing_step_ceiling");
    let counts = read_counts(table, report);
    table.warn_unknown(report, FIT_FIELDS);
    if report.error_count() > before {
        return None;
    }
    Some(Fit {
        engine: engine.to_owned(),
        note,
        step_intercept: step_intercept?,
        step: step?,
        score_intercept: score_intercept?,
        score: score?,
        taken_with_rules: taken_with_rules?,
        taken_alone: taken_alone?,
        missing_step_ceiling: missing_step_ceiling?,
        counts,
    })
}

/// The counts model's three coefficients, or `None` when the table has none of them
/// (a fit written before it existed: every step taken counts).
fn read_counts(table: &Table<'_, '_>, report: &mut Report<'_>) -> Option<Counts> {
    let fields: Vec<_> = COUNTS_FIELDS
        .iter()
        .map(|key| table.field(report, key, false))
        .collect();
    if fields.iter().all(Option::is_none) {
        return None;
    }
    let mut values = [0.0; 3];
    let mut ok = true;
    for ((key, field), value) in COUNTS_FIELDS.iter().zip(&fields).zip(&mut values) {
        match field {
            Some(f) => match finite(report, f.value, f.line, &f.path) {
                Some(x) => *value = x,
                None => ok = false,
            },
            None => {
                report.error(
                    table.line,
                    Some(&table.path_of(key)),
                    format!(
                        "missing: the counts model needs all of {}",
                        quoted_list(&COUNTS_FIELDS)
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(Counts {
        intercept: values[0],
        likelihood: values[1],
        score: values[2],
    })
}

/// A number of points, between 0 and 100.
fn points(table: &Table<'_, '_>, report: &mut Report<'_>, key: &'static str) -> Option<f64> {
    bounded(table, report, key, 0.0..=100.0, "points")
}

/// A likelihood threshold, between 0 and 1.
fn likelihood(table: &Table<'_, '_>, report: &mut Report<'_>, key: &'static str) -> Option<f64> {
    bounded(table, report, key, 0.0..=1.0, "a likelihood")
}

/// A finite number field within `range`; `what` names it in the error.
fn bounded(
    table: &Table<'_, '_>,
    report: &mut Report<'_>,
    key: &'static str,
    range: std::ops::RangeInclusive<f64>,
    what: &str,
) -> Option<f64> {
    let field = table.field(report, key, true)?;
    let x = finite(report, field.value, field.line, &field.path)?;
    if range.contains(&x) {
        Some(x)
    } else {
        report.error(
            field.line,
            Some(&field.path),
            format!(
                "expected {what} between {} and {}, found {x}",
                range.start(),
                range.end()
            ),
        );
        None
    }
}

/// A finite number field.
fn coefficient(table: &Table<'_, '_>, report: &mut Report<'_>, key: &'static str) -> Option<f64> {
    let field = table.field(report, key, true)?;
    finite(report, field.value, field.line, &field.path)
}

fn finite(
    report: &mut Report<'_>,
    value: &toml::de::DeValue<'_>,
    line: usize,
    path: &str,
) -> Option<f64> {
    match number(value) {
        Some(x) if x.is_finite() && x.abs() <= 1e6 => Some(x),
        Some(x) => {
            report.error(
                line,
                Some(path),
                format!("expected a finite coefficient, found {x}"),
            );
            None
        }
        None => {
            report.error(
                line,
                Some(path),
                format!("expected a number, found {}", type_name(value)),
            );
            None
        }
    }
}

/// A table with exactly one coefficient per feature name, returned in `names` order.
fn coefficients(
    table: &Table<'_, '_>,
    report: &mut Report<'_>,
    key: &'static str,
    names: &[&str],
) -> Option<Vec<f64>> {
    let inner = table.table(report, key, true)?;
    let mut out = vec![None; names.len()];
    let mut ok = true;
    for (name, line, value) in inner.entries(report) {
        let path = inner.path_of(name);
        match names.iter().position(|n| *n == name) {
            Some(i) => match finite(report, value, line, &path) {
                Some(x) => out[i] = Some(x),
                None => ok = false,
            },
            None => {
                report.error(
                    line,
                    Some(&path),
                    format!("unknown feature: expected one of {}", quoted_list(names)),
                );
                ok = false;
            }
        }
    }
    for (name, x) in names.iter().zip(&out) {
        if x.is_none() {
            report.error(
                inner.line,
                Some(&inner.path_of(name)),
                "missing coefficient: every feature needs one (0 to leave it out)",
            );
            ok = false;
        }
    }
    ok.then(|| out.into_iter().flatten().collect())
}
