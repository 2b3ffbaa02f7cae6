//! Spoken answers are judged as written ones: every sample answer, every labelled answer
//! of `test_data/eval/` and, where it is at hand, every answer of the calibration set, put
//! in transcript form (no punctuation or capitals, paragraphs joined, fillers and a false
//! start inserted: `rapport_engine::eval::transcript_form`), keeps its score within ten
//! points and its steps, give or take one; today most do (see the FIXME).

use std::collections::BTreeSet;

use rapport_engine::eval::transcript_form;

use crate::{calibration, engine, score};

/// How far a transcript's score may move from the written answer's.
const SCORE_MOVE: i32 = 10;
/// How many steps may differ (taken in one form and not the other).
const STEP_MOVE: usize = 1;

/// Every (guide, answer) the property runs over, with where it comes from.
fn answers() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for guide in engine().guides() {
        for (n, sample) in guide.samples.iter().enumerate() {
            out.push((
                format!("{} sample {}", guide.id, n + 1),
                guide.id.clone(),
                sample.text.clone(),
            ));
        }
    }
    for set in ["dev.jsonl", "heldout.jsonl"] {
        for (k, item) in crate::eval::read_set(set).into_iter().enumerate() {
            if let rapport_engine::eval::Question::Id(id) = item.question {
                out.push((format!("{set}:{}", k + 1), id, item.answer));
            }
        }
    }
    for item in calibration::banked() {
        out.push((
            item.id.clone(),
            item.question_id.clone(),
            item.answer.clone(),
        ));
    }
    out
}

#[test]
fn a_transcript_keeps_its_score_within_ten_points_and_its_steps() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (at, guide, answer) in answers() {
        let Ok(written) = engine().score(&guide, &answer) else {
            continue;
        };
        let spoken = score(&guide, &transcript_form(&answer));
        checked += 1;
        let met = |r: &rapport_engine::Report| -> BTreeSet<String> {
            r.criteria
                .iter()
                .filter(|c| c.met)
                .map(|c| c.id.clone())
                .collect()
        };
        let (a, b) = (met(&written), met(&spoken));
        let moved = a.symmetric_difference(&b).count();
        let delta = i32::from(spoken.score) - i32::from(written.score);
        if delta.abs() > SCORE_MOVE || moved > STEP_MOVE {
            failures.push(format!(
                "{at}: written {} {a:?}, spoken {} {b:?}",
                written.score, spoken.score
            ));
        }
    }
    assert!(checked >= 150, "only {checked} answers checked");
    // FIXME: the property should hold for every answer. Cutting a transcript into
    // clauses changes which sentences carry a step, the second-best sentence and how
    // many particulars the carriers hold, and the scores move with an 8-point spread:
    // 34 of our 198 answers and 24 of the calibration set's 128 moved too far when first
    // measured (most of them up); 60 of 446 (13%) with the common and role packs'
    // samples. This floor, just above that rate, fails any regression;
    // lower it as the clause reading gets closer to the sentence reading.
    eprintln!(
        "{} of {checked} answers move too far when spoken:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        failures.len() * 100 <= checked * MOVED_TOO_FAR_PERCENT,
        "{} of {checked} answers move too far when spoken",
        failures.len()
    );
}

/// The share of answers, in percent, that may still move too far (see the FIXME).
const MOVED_TOO_FAR_PERCENT: usize = 15;
