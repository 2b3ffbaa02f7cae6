//! The fuzzer in the test suite: every saved finding (`regressions/<target>/`) must
//! now pass, and a short run of every target (20 s each, `RAPPORT_FUZZ_SECONDS` to
//! change it) must find nothing.

use std::path::Path;
use std::time::Duration;

use rapport_fuzz::{Corpus, RunOptions, TARGETS, fuzz, replay_dir, target};

fn target_named(name: &str) -> Box<dyn rapport_fuzz::Target> {
    target(name).unwrap_or_else(|| panic!("no target {name}"))
}

#[test]
fn every_saved_finding_now_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut failures = Vec::new();
    for name in TARGETS {
        failures.extend(replay_dir(target_named(name).as_mut(), &root.join(name)));
    }
    assert!(
        failures.is_empty(),
        "saved findings that fail again: {failures:#?}"
    );
}

#[test]
fn a_short_run_of_every_target_finds_nothing() {
    let seconds: u64 = std::env::var("RAPPORT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let corpus = Corpus::load();
    assert!(
        corpus.answers.len() > 100 && corpus.packs.len() > 20 && corpus.lines.len() > 50,
        "the seed corpus is read from the repository"
    );
    let findings = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut report = Vec::new();
    for name in TARGETS {
        let options = RunOptions {
            duration: Duration::from_secs(seconds),
            seed: std::process::id().into(),
            findings: findings.path().to_owned(),
            hang: Duration::from_secs(30),
        };
        let mut target = target_named(name);
        let outcome = fuzz(target.as_mut(), &corpus, &options);
        println!(
            "{name}: {} inputs, slowest {} ms",
            outcome.inputs, outcome.slowest_ms
        );
        assert!(
            outcome.inputs > 100,
            "{name} ran only {} inputs",
            outcome.inputs
        );
        for (path, why) in outcome.findings {
            let input = std::fs::read(&path).unwrap_or_default();
            report.push(format!(
                "{name}: {why}\n  input ({} bytes, keep it under crates/rapport-fuzz/regressions/{name}/): {:?}",
                input.len(),
                String::from_utf8_lossy(&input[..input.len().min(300)])
            ));
        }
    }
    assert!(report.is_empty(), "findings:\n{}", report.join("\n"));
}
