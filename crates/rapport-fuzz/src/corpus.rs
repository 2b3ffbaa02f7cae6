//! The seed inputs, from the repository: the labelled answers of `test_data/eval/`,
//! the built-in guides' questions and sample answers, and the built-in pack files.

use std::path::{Path, PathBuf};

/// What the seeds of every target are made of.
pub struct Corpus {
    /// Answers: labelled ones and the guides' samples.
    pub answers: Vec<String>,
    /// Guide ids with their questions.
    pub questions: Vec<(String, String)>,
    /// Lines of the labelled JSON Lines files, as they are.
    pub lines: Vec<String>,
    /// Pack files as one text each: a pack's `pack.toml` followed by one guide file.
    pub packs: Vec<String>,
}

/// The workspace root (the fuzzer reads the repository's test data).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

impl Corpus {
    /// Reads the seeds.
    pub fn load() -> Corpus {
        let root = root();
        let mut lines = Vec::new();
        let mut answers = Vec::new();
        for file in ["dev.jsonl", "heldout.jsonl"] {
            let text =
                std::fs::read_to_string(root.join("test_data/eval").join(file)).unwrap_or_default();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(line)
                    && let Some(answer) = value["answer"].as_str()
                {
                    answers.push(answer.to_owned());
                }
                lines.push(line.to_owned());
            }
        }
        let mut questions = Vec::new();
        for load in rapport_pack::builtin_packs() {
            for guide in load.pack.iter().flat_map(|p| &p.guides) {
                questions.push((guide.id.clone(), guide.question.clone()));
                answers.extend(guide.samples.iter().map(|s| s.text.clone()));
            }
        }
        let mut packs = Vec::new();
        for files in rapport_pack::builtin_pack_files() {
            let head = files
                .iter()
                .find(|(name, _)| name.ends_with("/pack.toml"))
                .map(|(_, text)| text.clone())
                .unwrap_or_default();
            for (name, text) in &files {
                if !name.ends_with("/pack.toml") && !name.ends_with("/scoring.toml") {
                    packs.push(format!("{head}\n{text}"));
                }
            }
        }
        Corpus {
            answers,
            questions,
            lines,
            packs,
        }
    }
}
