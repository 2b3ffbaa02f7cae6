//! The pure parts of the `rapport` command that other crates exercise (the fuzzer in
//! `crates/rapport-fuzz`): reading a JSON Lines batch file. Everything else of the
//! command lives in its binary.

pub mod batch;
