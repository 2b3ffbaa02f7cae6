//! The engine's one integration-test binary: every feature test of `rapport-engine`,
//! run through the public API against the built-in pack and lexicons.
//!
//! One binary keeps linking cheap and lets every module share one engine, built once.
//! Fixtures live under `crates/rapport-engine/test_data/` (`steps/`: one file per step
//! signal; `gaming/`: answers that try to game the rubric) and the workspace's
//! `test_data/eval/` (labelled answers). A case the engine gets wrong today is asserted
//! as it is, with a `fixme` saying what is wrong, so a fix shows up as a failure.

mod bad_input;
mod calibration;
mod change;
mod contract;
mod detectors;
mod eval;
mod gaming;
mod languages;
mod samples;
mod semantic;
mod spoken;

use std::path::PathBuf;
use std::sync::OnceLock;

use rapport_engine::{Engine, Report};

/// The engine over the built-in pack and lexicons, built once for the whole binary.
pub(crate) fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut packs = Vec::new();
        for load in rapport_pack::builtin_packs() {
            assert!(
                load.diagnostics.is_empty(),
                "built-in pack has diagnostics: {:?}",
                load.diagnostics
            );
            packs.extend(load.pack);
        }
        // As the CLI and the web app score: with the fitted score the pack ships.
        Engine::from_packs(&packs, &rapport_pack::builtin_lexicons())
    })
}

/// Scores an answer that must be accepted; a refusal fails the test with its message.
pub(crate) fn score(id: &str, answer: &str) -> Report {
    match engine().score(id, answer) {
        Ok(r) => r,
        Err(e) => panic!("scoring {id} failed: {e}\nanswer: {answer}"),
    }
}

/// The engine crate's own fixture folder, `crates/rapport-engine/test_data`.
pub(crate) fn test_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data")
}
