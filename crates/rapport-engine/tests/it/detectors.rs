//! The step detectors, one signal at a time, through fixture files.
//!
//! Each file `test_data/steps/SIGNAL.toml` holds short answers, each with the guide and
//! step it is scored against and whether a careful reader would say the step is taken.
//! A case with a `fixme` is one the lexical engine gets wrong today: it is asserted as it
//! is (the opposite of `expect`), so a fix shows up as a failure asking to drop the
//! `fixme`. These are the cases the semantic engine of a later issue must get right.

use std::collections::BTreeSet;

use rapport_pack::Signal;
use serde::Deserialize;

use crate::{engine, score, test_data};

/// One fixture file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    case: Vec<Case>,
}

/// One answer and the verdict it must get on one step.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case exercises: `clear`, `paraphrase`, or the kind of negative
    /// (`hypothetical`, `result-first`, `generic`, `keyword-list`, ...).
    kind: String,
    guide: String,
    step: String,
    /// The right verdict: `met` or `unmet`.
    expect: Expect,
    answer: String,
    /// Text that must lie inside one of the step's evidence spans when it is met.
    evidence: Option<String>,
    /// Text that must not lie inside any of the step's evidence spans.
    not_evidence: Option<String>,
    /// Why the engine currently gives the other verdict. The case then asserts the
    /// current, wrong verdict.
    fixme: Option<String>,
    /// With a `fixme`: the engine with the sentence-embedding model gets the case right
    /// (checked with the real model by `rapport-embed`'s `tests/fixtures.rs`).
    fixed_by_model: Option<bool>,
    /// Why the model gets this case wrong though the rules get it right (read by
    /// `rapport-embed`'s fixture test, which then asserts the model's wrong verdict).
    #[allow(dead_code)]
    broken_by_model: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Met,
    Unmet,
}

/// Kinds every signal's file must include: a plain positive, a paraphrase without the
/// obvious words, and a list of rubric words that must not count.
const REQUIRED_KINDS: [&str; 3] = ["clear", "paraphrase", "keyword-list"];

fn load(signal: Signal) -> Vec<Case> {
    let path = test_data()
        .join("steps")
        .join(format!("{}.toml", signal.as_str()));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match toml::from_str::<Fixture>(&text) {
        Ok(f) => f.case,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// Runs every case of one signal's file and reports all failures together.
fn check(signal: Signal) {
    let cases = load(signal);
    let mut failures = Vec::new();
    let kinds: BTreeSet<&str> = cases.iter().map(|c| c.kind.as_str()).collect();
    for kind in REQUIRED_KINDS {
        if !kinds.contains(kind) {
            failures.push(format!("no `{kind}` case"));
        }
    }
    for (n, case) in cases.iter().enumerate() {
        let at = format!(
            "case {} ({}, {}/{})",
            n + 1,
            case.kind,
            case.guide,
            case.step
        );
        if case.fixed_by_model.is_some() && case.fixme.is_none() {
            failures.push(format!("{at}: `fixed_by_model` without a `fixme`"));
        }
        let Some(guide) = engine().guide(&case.guide) else {
            failures.push(format!("{at}: no guide `{}`", case.guide));
            continue;
        };
        match guide.step(&case.step) {
            None => {
                failures.push(format!("{at}: no step `{}`", case.step));
                continue;
            }
            Some(step) if step.signal != signal => {
                failures.push(format!("{at}: the step's signal is `{}`", step.signal));
                continue;
            }
            Some(_) => {}
        }
        let report = score(&case.guide, &case.answer);
        let Some(c) = report.criterion(&case.step) else {
            failures.push(format!("{at}: no verdict for the step"));
            continue;
        };
        let right = case.expect == Expect::Met;
        let asserted = if case.fixme.is_some() { !right } else { right };
        // The detectors find the step; whether it counts in an answer this weak as a
        // whole is the counts model's call, measured on the calibration set.
        let found = c.met || c.begun;
        if found != asserted {
            let why = match &case.fixme {
                Some(_) => "now gets it right: drop the `fixme`",
                None => "wrong verdict",
            };
            let evidence: Vec<(&str, &str)> = c
                .evidence
                .iter()
                .map(|e| (e.text.as_str(), e.why.as_str()))
                .collect();
            failures.push(format!(
                "{at}: {why}: met={} begun={} strength={:.2} evidence={evidence:?}\n    answer: {}",
                c.met,
                c.begun,
                c.strength,
                case.answer.trim()
            ));
            continue;
        }
        if let (true, Some(want)) = (c.met, &case.evidence)
            && !c.evidence.iter().any(|e| e.text.contains(want.as_str()))
        {
            let got: Vec<&str> = c.evidence.iter().map(|e| e.text.as_str()).collect();
            failures.push(format!(
                "{at}: evidence {got:?} does not hold {want:?}\n    answer: {}",
                case.answer.trim()
            ));
        }
        if let Some(unwanted) = &case.not_evidence
            && let Some(e) = c
                .evidence
                .iter()
                .find(|e| e.text.contains(unwanted.as_str()))
        {
            failures.push(format!(
                "{at}: evidence {:?} holds {unwanted:?}\n    answer: {}",
                e.text,
                case.answer.trim()
            ));
        }
    }
    let fixmes = cases.iter().filter(|c| c.fixme.is_some()).count();
    eprintln!("{signal}: {} cases, {fixmes} fixme", cases.len());
    assert!(
        failures.is_empty(),
        "{signal}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn situation() {
    check(Signal::Situation);
}

#[test]
fn example() {
    check(Signal::Example);
}

#[test]
fn actions() {
    check(Signal::Actions);
}

#[test]
fn outcome() {
    check(Signal::Outcome);
}

#[test]
fn skills() {
    check(Signal::Skills);
}

#[test]
fn reflection() {
    check(Signal::Reflection);
}

#[test]
fn stance() {
    check(Signal::Stance);
}

#[test]
fn reasoning() {
    check(Signal::Reasoning);
}

#[test]
fn topic() {
    check(Signal::Topic);
}

#[test]
fn present() {
    check(Signal::Present);
}

#[test]
fn experience() {
    check(Signal::Experience);
}

#[test]
fn motivation() {
    check(Signal::Motivation);
}

#[test]
fn positive() {
    check(Signal::Positive);
}

#[test]
fn weakness() {
    check(Signal::Weakness);
}

#[test]
fn plan() {
    check(Signal::Plan);
}

#[test]
fn approach() {
    check(Signal::Approach);
}

/// A new signal needs its own fixture file: the tests above name each one, and this
/// keeps that list complete.
#[test]
fn every_signal_has_a_fixture_file() {
    let dir = test_data().join("steps");
    let missing: Vec<&str> = Signal::ALL
        .iter()
        .map(|s| s.as_str())
        .filter(|s| !dir.join(format!("{s}.toml")).is_file())
        .collect();
    assert!(missing.is_empty(), "no fixture file for {missing:?}");
}
