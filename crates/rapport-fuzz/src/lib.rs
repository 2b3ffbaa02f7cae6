//! Fuzzing on stable Rust, with no coverage instrumentation: seed inputs from the
//! repository's own test data, mutated at random (bytes, Unicode, splices, whole-text
//! rewrites such as a transcript's missing punctuation), fed to four targets:
//!
//! - `engine`: an answer, scored against a guide and against a free question;
//! - `pack`: a pack's files, loaded and, when they load, scored against;
//! - `batch`: a JSON Lines file, read and each line parsed and scored as `score --batch`;
//! - `api`: an HTTP request to the web app's router over a SQLite store.
//!
//! A finding is a panic, a broken invariant (a score over 100, evidence that is not
//! the answer's text, a 5xx answer) or an input that runs past a time limit. Each is
//! saved to a file; files under `regressions/<target>/` are replayed by the tests.

mod corpus;
mod mutate;
mod rng;
mod run;
mod targets;

pub use corpus::Corpus;
pub use mutate::mutate;
pub use rng::Rng;
pub use run::{Outcome, REPLAY_LIMIT, RunOptions, fuzz, replay, replay_dir};
pub use targets::{TARGETS, Target, target};
