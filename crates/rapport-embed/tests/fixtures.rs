//! The engine's step-detector fixtures (`crates/rapport-engine/test_data/steps/`) judged
//! with the real sentence-embedding model.
//!
//! `rapport-engine`'s own detector test runs every case with the rules alone; a case they
//! get wrong carries a `fixme`. Here the same cases are scored by the engine with the
//! model enabled: every case without a `fixme` must stay right (except one marked
//! `broken_by_model`, which the rules get right and the model does not, with why), every case marked
//! `fixed_by_model` must now be right, with evidence that names the prototype sentence it
//! resembled, and the other `fixme` cases are asserted as they are, so a case the model
//! newly gets right shows up as a failure asking for the mark. The answers written to
//! game the rubric (`test_data/gaming/weak.toml`) must stay under 50 with the model too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rapport_embed::Model;
use rapport_engine::Engine;
use serde::Deserialize;

mod common;

/// The fields of a case this test reads (the file's other fields are the lexical test's).
#[derive(Deserialize)]
struct Case {
    kind: String,
    guide: String,
    step: String,
    expect: String,
    answer: String,
    fixme: Option<String>,
    fixed_by_model: Option<bool>,
    broken_by_model: Option<String>,
}

#[derive(Deserialize)]
struct Fixture {
    case: Vec<Case>,
}

fn engine() -> Engine {
    let mut packs = Vec::new();
    for load in rapport_pack::builtin_packs() {
        assert!(load.diagnostics.is_empty(), "{:?}", load.diagnostics);
        packs.extend(load.pack);
    }
    Engine::from_packs(&packs, &rapport_pack::builtin_lexicons())
}

/// The engine with the real model, built once for both tests (embedding every
/// prototype takes a second or two).
fn semantic_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = common::real_model_dir();
        assert!(
            dir.join("model.safetensors").exists(),
            "the sentence-embedding model is not installed in {}: run `rapport model install`",
            dir.display()
        );
        let model = Arc::new(Model::load(&dir).unwrap_or_else(|e| panic!("{e}")));
        let mut semantic = engine();
        semantic.enable_semantic(model, Vec::new()).unwrap();
        assert_eq!(semantic.engine_name(), "semantic");
        semantic
    })
}

#[test]
fn the_model_gets_the_marked_paraphrases_right_and_breaks_no_case() {
    let lexical = engine();
    let semantic = semantic_engine();

    let steps = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rapport-engine/test_data/steps");
    let mut files: Vec<_> = std::fs::read_dir(&steps)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", steps.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let (mut cases, mut right_lexical, mut right_semantic, mut marked) = (0, 0, 0, 0);
    let mut broken_marked = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let fixture: Fixture =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file.file_name().unwrap().to_string_lossy();
        for (n, case) in fixture.case.iter().enumerate() {
            let at = format!(
                "{name} case {} ({}, {}/{})",
                n + 1,
                case.kind,
                case.guide,
                case.step
            );
            let right = case.expect == "met";
            let verdict = |engine: &Engine| {
                let report = engine
                    .score(&case.guide, &case.answer)
                    .unwrap_or_else(|e| panic!("{at}: {e}"));
                report
                    .criterion(&case.step)
                    .unwrap_or_else(|| panic!("{at}: no verdict"))
                    .clone()
            };
            let (by_rules, by_model) = (verdict(&lexical), verdict(semantic));
            cases += 1;
            // What the detectors find: met, or begun in an answer too weak as a whole
            // for the step to count (the counts model's call, not the detectors').
            let found = |c: &rapport_engine::Criterion| c.met || c.begun;
            right_lexical += usize::from(found(&by_rules) == right);
            right_semantic += usize::from(found(&by_model) == right);
            let fixed = case.fixed_by_model == Some(true);
            marked += usize::from(fixed);
            let broken = case.broken_by_model.is_some();
            broken_marked += usize::from(broken);
            let wanted = if (case.fixme.is_some() && !fixed) || broken {
                !right
            } else {
                right
            };
            if found(&by_model) != wanted {
                let why = if wanted == right {
                    "wrong verdict with the model"
                } else if broken {
                    "now right with the model: drop `broken_by_model`"
                } else {
                    "now right with the model: mark it `fixed_by_model = true`"
                };
                failures.push(format!(
                    "{at}: {why}: met={} begun={} strength={:.2}",
                    by_model.met, by_model.begun, by_model.strength
                ));
            } else if fixed
                && right
                && !by_model
                    .evidence
                    .iter()
                    .any(|e| e.why.contains("means the same as \""))
            {
                failures.push(format!(
                    "{at}: met by meaning, but no evidence names the prototype: {:?}",
                    by_model.evidence
                ));
            }
        }
    }
    eprintln!(
        "step fixtures: {cases} cases; right with the rules alone {right_lexical}, \
         with the model {right_semantic} ({marked} marked fixed_by_model, {broken_marked} broken_by_model)"
    );
    assert!(
        cases >= 90,
        "only {cases} cases read from {}",
        steps.display()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(right_semantic, right_lexical + marked - broken_marked);
}

/// An answer from `rapport-engine`'s `test_data/gaming/weak.toml`.
#[derive(Deserialize)]
struct Weak {
    kind: String,
    guide: String,
    answer: String,
    fixme: Option<String>,
}

#[derive(Deserialize)]
struct WeakFile {
    case: Vec<Weak>,
}

/// Meaning must not undo the guards against gaming: keyword lists, padding, plans, blame
/// and off-topic answers that stay under 50 with the rules stay under 50 with the model.
#[test]
fn answers_that_game_the_rubric_stay_under_50_with_the_model() {
    let semantic = semantic_engine();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../rapport-engine/test_data/gaming/weak.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let weak: WeakFile =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut failures = Vec::new();
    let mut checked = 0;
    for (n, case) in weak.case.iter().enumerate() {
        let report = semantic.score(&case.guide, &case.answer).unwrap();
        if case.fixme.is_some() {
            continue;
        }
        checked += 1;
        if report.score > 49 {
            failures.push(format!(
                "case {} ({}, {}): {} with the model\n    answer: {}",
                n + 1,
                case.kind,
                case.guide,
                report.score,
                case.answer.trim()
            ));
        }
    }
    assert!(checked >= 10, "only {checked} cases checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
