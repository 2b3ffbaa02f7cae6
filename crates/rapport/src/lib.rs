//! The pure parts of the `rapport` command that other crates exercise (the fuzzer in
//! `crates/rapport-fuzz`): reading a JSON Lines batch file, and what the installed models
//! are made of and where they live (`model_files::SPEECH.dir(data_dir)` is the speech
//! model's folder). Everything else of the command lives in its binary.

pub mod batch;
pub mod model_files;
