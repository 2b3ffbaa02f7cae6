//! Agreement with human labels on the dev set and the held-out set, held above floors.
//!
//! The sets are `test_data/eval/dev.jsonl` (tuned on) and `test_data/eval/heldout.jsonl`
//! (written first, never tuned on). The figures are printed (`--nocapture`) so a change
//! in either shows. Both sets were written and labelled by the team; the score is fitted
//! to answers written and rated outside it (`cargo xtask fit`, cross-validated there), and
//! on our own sets it agrees less than the hand rules did (held-out exact band 62% with
//! the rules, 42% fitted; ρ 0.799 and 0.719): it scores lower than we labelled, most
//! of all our short answers (held-out answers we labelled developing, 44 words on
//! average, score 30 fitted and 45 by the rules; those we labelled strong, 73 and 74).
//! The floors sit a few points under the figures measured with the fitted score (dev:
//! exact 63.6%, within one 94.9%, pairwise 91.7%, ρ 0.853, step F1 0.822; held-out:
//! 52.0%, 94.0%, 86.7%, 0.714, 0.773), so a change that makes judgement worse fails
//! here, while every floor stays far above chance. Step F1 fell (0.844 and 0.846
//! before) when steps found in an answer scored weak as a whole stopped counting, as
//! outside raters count them (see calibration.rs): precision rose (held-out 0.864) and
//! recall fell (0.700), most in our short answers, which the fitted score rates lower
//! than we labelled. (Dev exact fell from 62.6% when the common and role packs arrived:
//! a step word's weight depends on how many of all the loaded steps use it, and the fit
//! moved with them; outside agreement held, see calibration.rs.)
use std::path::Path;

use rapport_engine::eval::{Agreement, Labelled, Observation, Question, agreement};
use rapport_engine::{Band, Engine};
use serde_json::Value;

use crate::engine;

/// Minimum figures for one set.
struct Floors {
    /// Exact band; chance with four balanced bands is 25%.
    exact: f64,
    /// Band within one; chance is about 62%.
    within_one: f64,
    /// Pairs of answers to one question with different labels, put in the right
    /// order; chance is 50%.
    pairwise: f64,
    /// Spearman's ρ between label and score; chance is 0.
    spearman: f64,
    /// Step F1 over items with step labels.
    step_f1: f64,
}

const DEV: Floors = Floors {
    exact: 0.59,
    within_one: 0.90,
    pairwise: 0.87,
    spearman: 0.80,
    step_f1: 0.78,
};

const HELDOUT: Floors = Floors {
    exact: 0.48,
    within_one: 0.90,
    pairwise: 0.82,
    spearman: 0.66,
    step_f1: 0.73,
};

/// Free questions matched to the guide they were written for (dev set).
const GUIDE_MATCH: f64 = 0.80;

pub(crate) fn read_set(name: &str) -> Vec<Labelled> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test_data/eval")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let v: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
            let text = |key: &str| v[key].as_str().map(str::to_owned);
            let question = match (text("question_id"), text("question")) {
                (Some(id), _) => Question::Id(id),
                (None, Some(q)) => Question::Text(q),
                (None, None) => panic!("{name}:{}: no question", i + 1),
            };
            Labelled {
                id: text("id"),
                question,
                expected_guide: text("expected_guide"),
                answer: text("answer").unwrap_or_default(),
                label: text("label")
                    .as_deref()
                    .and_then(Band::parse)
                    .unwrap_or_else(|| panic!("{name}:{}: bad label", i + 1)),
                steps: v["steps"].as_array().map(|steps| {
                    steps
                        .iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                }),
            }
        })
        .collect()
}

fn measure(engine: &Engine, name: &str) -> Agreement {
    let items = read_set(name);
    let observations: Vec<Observation> = items
        .iter()
        .map(|item| {
            let report = match &item.question {
                Question::Id(id) => engine.score(id, &item.answer),
                Question::Text(q) => engine.score_question_text(q, &item.answer),
            };
            match report {
                Ok(report) => Observation::new(item, &report),
                Err(_) => Observation::refused(item),
            }
        })
        .collect();
    let figures = agreement(&observations);
    let pct = |x: Option<f64>| x.map_or("n/a".to_owned(), |v| format!("{:.1}%", v * 100.0));
    eprintln!(
        "{name}: n {} · exact {} · within one {} · pairwise (same question) {} · pairwise (all) {} · rho {:.3} · steps P {:.3} R {:.3} F1 {:.3} · guide match {}",
        figures.n,
        pct(figures.exact.value()),
        pct(figures.within_one.value()),
        pct(figures.pairwise_same_question.value()),
        pct(figures.pairwise_all.value()),
        figures.spearman.unwrap_or(f64::NAN),
        figures.steps.precision().unwrap_or(f64::NAN),
        figures.steps.recall().unwrap_or(f64::NAN),
        figures.steps.f1().unwrap_or(f64::NAN),
        pct(figures.guide_match.value()),
    );
    figures
}

fn check(name: &str, figures: &Agreement, floors: &Floors) {
    let checks = [
        ("exact band", figures.exact.value(), floors.exact),
        (
            "within one band",
            figures.within_one.value(),
            floors.within_one,
        ),
        (
            "pairwise ordering",
            figures.pairwise_same_question.value(),
            floors.pairwise,
        ),
        ("spearman", figures.spearman, floors.spearman),
        ("step F1", figures.steps.f1(), floors.step_f1),
    ];
    let failed: Vec<String> = checks
        .iter()
        .filter(|(_, got, floor)| got.is_none_or(|g| g < *floor))
        .map(|(what, got, floor)| format!("{what}: {got:?} < {floor}"))
        .collect();
    assert!(failed.is_empty(), "{name} below its floors: {failed:#?}");
}

#[test]
fn dev_set_agreement_is_above_floors() {
    let figures = measure(engine(), "dev.jsonl");
    assert!(figures.n >= 80, "the dev set has at least 80 answers");
    check("dev", &figures, &DEV);
    let guide_match = figures.guide_match.value();
    assert!(
        guide_match.is_some_and(|g| g >= GUIDE_MATCH),
        "guide match {guide_match:?} < {GUIDE_MATCH}"
    );
}

/// Free questions written for matching (`test_data/eval/questions.jsonl`), across the
/// four built-in packs and the general fallback: 50 of 56 matched when measured; the
/// floor allows one more miss.
#[test]
fn free_questions_find_their_guide() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/eval/questions.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut misses = Vec::new();
    let mut total = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let question = v["question"].as_str().unwrap_or_default();
        let expected = v["expected_guide"].as_str().unwrap_or_default();
        let got = engine().match_question(question);
        total += 1;
        if got.guide_id != expected {
            misses.push(format!(
                "{question} -> {} (expected {expected})",
                got.guide_id
            ));
        }
    }
    assert!(total >= 56, "only {total} questions");
    assert!(
        misses.len() <= 7,
        "{} of {total} missed:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn heldout_set_agreement_is_above_floors() {
    let figures = measure(engine(), "heldout.jsonl");
    assert!(figures.n >= 30, "the held-out set has at least 30 answers");
    check("heldout", &figures, &HELDOUT);
}
