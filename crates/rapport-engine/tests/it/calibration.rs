//! The calibration set (answers written and rated outside the team, `../shared/calibration/`
//! beside the checkout, or `RAPPORT_CALIBRATION_DIR`). It is never copied into the
//! repository; where it is not at hand the tests that need it say so and check nothing
//! else.

use std::path::PathBuf;

/// One rated answer to a question of the bank.
pub(crate) struct Item {
    pub id: String,
    pub question_id: String,
    pub answer: String,
    pub score: f64,
    pub steps: Vec<String>,
    pub steps_either: Vec<String>,
    /// Whether the raters named steps (not for the off-bank answers).
    pub rated_steps: bool,
}

/// Where the calibration set is, if it is at hand.
pub(crate) fn dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RAPPORT_CALIBRATION_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/calibration"),
        PathBuf::from,
    );
    if dir.join("core.jsonl").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "note: the calibration set is not at {} (set RAPPORT_CALIBRATION_DIR): its checks are left out",
            dir.display()
        );
        None
    }
}

/// The answers to the bank's questions (`core.jsonl`, `more-guides.jsonl`).
pub(crate) fn banked() -> Vec<Item> {
    let Some(dir) = dir() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for name in ["core.jsonl", "more-guides.jsonl"] {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for (k, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", k + 1));
            let list = |f: &str| -> Vec<String> {
                v[f].as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let field = |f: &str| {
                v[f].as_str()
                    .unwrap_or_else(|| panic!("{name}:{}: no {f}", k + 1))
                    .to_owned()
            };
            out.push(Item {
                id: field("id"),
                question_id: field("question_id"),
                answer: field("answer"),
                score: v["score"].as_f64().expect("a score"),
                steps: list("steps"),
                steps_either: list("steps_either"),
                rated_steps: true,
            });
        }
    }
    out
}

/// The answers to questions in no pack when the set was written (`offbank.jsonl`): a
/// score and no steps, each judged by the guide its question matches.
fn offbank() -> Vec<Item> {
    let Some(dir) = dir() else {
        return Vec::new();
    };
    let path = dir.join("offbank.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("offbank.jsonl is JSON");
            let field = |f: &str| v[f].as_str().expect("id, question, answer").to_owned();
            Item {
                id: field("id"),
                question_id: field("question"),
                answer: field("answer"),
                score: v["score"].as_f64().expect("a score"),
                steps: Vec::new(),
                steps_either: Vec::new(),
                rated_steps: false,
            }
        })
        .collect()
}

/// The kind of rubric a question's form calls for.
fn kind_asked(question: &str) -> rapport_pack::Kind {
    use rapport_pack::Kind;
    let q = question.to_lowercase();
    if q.contains("about yourself") {
        Kind::Pitch
    } else if q.contains("weakness") || q.contains("strength") {
        Kind::SelfAssessment
    } else if q.contains("five years") {
        Kind::Plan
    } else if q.starts_with("why") {
        Kind::Reason
    } else if q.starts_with("how do you") {
        Kind::Method
    } else {
        Kind::Story
    }
}

/// Floors on the leave-one-question-out agreement with the raters' mean, as written and
/// as transcripts (lexical engine): about 0.04 under the lower of the two forms as
/// measured when they were set (as written ρ 0.873, pairwise 0.925, exact band 0.648,
/// within one 0.961, step precision 0.853, recall 0.810; as transcripts 0.870, 0.943,
/// 0.633, 0.953, 0.830, 0.806), the margin the unseen answers are allowed, so a change
/// that makes judgement worse on answers we did not write fails here.
const FLOORS: [(&str, f64); 6] = [
    ("rho", 0.83),
    ("pairwise", 0.88),
    ("exact band", 0.59),
    ("within one band", 0.91),
    ("step precision", 0.79),
    ("step recall", 0.77),
];

/// The floor on the off-bank answers' ρ (never fitted: scored by the fit of the answers
/// in the packs, by the guide each question matches). Measured when set: 0.708; on 30
/// answers one answer moves ρ by several hundredths.
const OFFBANK_RHO: f64 = 0.65;

#[test]
fn cross_validated_agreement_with_outside_raters_is_above_floors_and_the_shipped_fit_is_current() {
    use rapport_engine::eval::transcript_form;
    use rapport_engine::fitting::{self, Folds, Penalty, Rated};
    let banked = banked();
    if banked.is_empty() {
        return;
    }
    let engine = crate::engine();
    let mut failures = Vec::new();
    // An off-bank question is judged as `--question-text` judges it: by the guide it
    // matches, which must be of the kind the question asks for, not the general one.
    let mut items = banked;
    for mut item in offbank() {
        let matched = engine.match_question(&item.question_id);
        let kind = engine.guide(&matched.guide_id).map(|g| g.kind);
        if matched.guide_id == "general" || kind != Some(kind_asked(&item.question_id)) {
            failures.push(format!(
                "off-bank question {:?} matched {} ({kind:?})",
                item.question_id, matched.guide_id
            ));
        }
        item.question_id = matched.guide_id;
        items.push(item);
    }
    let mut typed = Vec::new();
    let mut spoken = Vec::new();
    for item in &items {
        for (text, out) in [
            (item.answer.clone(), &mut typed),
            (transcript_form(&item.answer), &mut spoken),
        ] {
            let measures = engine
                .measure(&item.question_id, &text)
                .unwrap_or_else(|e| panic!("{}: {e}", item.id));
            out.push(Rated {
                id: item.id.clone(),
                question_id: item.question_id.clone(),
                score: item.score,
                steps: item.steps.clone(),
                steps_either: item.steps_either.clone(),
                rated_steps: item.rated_steps,
                measures,
            });
        }
    }
    // The answers in the packs are fitted and cross-validated; the off-bank ones are
    // never fitted: they are judged by the fit of all the others, as a user's are.
    let (packed_typed, off_typed): (Vec<Rated>, Vec<Rated>) =
        typed.into_iter().partition(|r| r.rated_steps);
    let n = packed_typed.len();
    let both: Vec<Rated> = packed_typed
        .into_iter()
        .chain(spoken.into_iter().filter(|r| r.rated_steps))
        .collect();
    let predictions =
        fitting::cross_validate("lexical", &both, Folds::ByQuestion, Penalty::default());
    let (t, s): (Vec<_>, Vec<_>) = predictions.into_iter().partition(|p| p.index < n);
    for (form, predictions) in [("as written", t), ("as transcripts", s)] {
        let f = fitting::figures(&both, &predictions);
        let got = [
            f.rho,
            f.pairwise,
            f.band_exact,
            f.band_within_one,
            f.step_precision,
            f.step_recall,
        ];
        eprintln!("calibration, leave one question out, {form}: {got:.3?}");
        for ((name, floor), value) in FLOORS.iter().zip(got) {
            if value < *floor {
                failures.push(format!("{form}: {name} {value:.3} < {floor}"));
            }
        }
    }
    // The coefficients shipped in scoring.toml are the fit of these answers with the
    // features the engine computes today (`cargo xtask fit --write` rewrites them).
    let all: Vec<&Rated> = both.iter().collect();
    let fresh = fitting::fit("lexical", &all, Penalty::default(), "");
    let shipped = engine
        .fit("lexical")
        .expect("the built-in pack ships a lexical fit");
    let close = |a: &[f64], b: &[f64]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-3)
    };
    if !off_typed.is_empty() {
        let predictions: Vec<fitting::Prediction> = off_typed
            .iter()
            .enumerate()
            .map(|(k, item)| fitting::predict(&fresh, k, item))
            .collect();
        let f = fitting::figures(&off_typed, &predictions);
        eprintln!(
            "calibration, off-bank (never fitted), as written: rho {:.3} pairwise {:.3} exact {:.3} within {:.3}",
            f.rho, f.pairwise, f.band_exact, f.band_within_one
        );
        if f.rho < OFFBANK_RHO {
            failures.push(format!("off-bank: rho {:.3} < {OFFBANK_RHO}", f.rho));
        }
    }
    let counts = |fit: &rapport_pack::Fit| {
        fit.counts
            .map(|c| vec![c.intercept, c.likelihood, c.score])
            .unwrap_or_default()
    };
    if !close(&fresh.step, &shipped.step)
        || !close(&fresh.score, &shipped.score)
        || !close(&counts(&fresh), &counts(shipped))
    {
        failures.push(
            "packs/customer-focus/scoring.toml is stale: run `cargo xtask fit --write` on the calibration set"
                .into(),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
