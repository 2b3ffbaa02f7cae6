//! Finding and reading packs: the built-in one, `--pack` paths and the data directory.
//!
//! The pack crate is pure; this module does the file reading and hands it
//! `(display name, contents)` pairs. Problems in user packs become warnings on stderr and
//! never stop the other guides from loading.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rapport_engine::Engine;
use rapport_pack::{Diagnostic, Pack, Severity};

/// Every loaded pack and an engine over their guides.
pub struct Library {
    /// The packs, built-in first, then `--pack` paths, then the data directory's.
    pub packs: Vec<Pack>,
    /// The engine over every guide of every pack.
    pub engine: Engine,
}

impl Library {
    /// Loads the built-in pack, the given paths and the data directory's packs, printing
    /// every diagnostic to stderr as a warning.
    pub fn load(extra: &[PathBuf]) -> Library {
        let mut paths = extra.to_vec();
        if let Some(dir) = data_dir() {
            paths.extend(packs_in(&dir.join("packs")));
        }
        let (packs, diagnostics) = load_packs(&paths, true);
        let mut stderr = std::io::stderr().lock();
        for diagnostic in &diagnostics {
            // Writing to stderr can only fail when it is closed; there is nobody to tell.
            let _ = writeln!(stderr, "warning: {diagnostic}");
        }
        let engine = Engine::from_packs(&packs, &rapport_pack::builtin_lexicons());
        Library { packs, engine }
    }

    /// The id of the pack holding a guide.
    pub fn pack_of(&self, guide_id: &str) -> Option<&Pack> {
        self.packs
            .iter()
            .find(|p| p.guides.iter().any(|g| g.id == guide_id))
    }
}

/// Reads packs from paths, after the built-in pack when `builtin` is set, and merges
/// them (a guide id used twice is a diagnostic naming both files). Returns the packs and
/// every diagnostic, reading problems included.
pub fn load_packs(paths: &[PathBuf], builtin: bool) -> (Vec<Pack>, Vec<Diagnostic>) {
    let mut packs = Vec::new();
    let mut diagnostics = Vec::new();
    if builtin {
        for load in rapport_pack::builtin_packs() {
            diagnostics.extend(load.diagnostics);
            packs.extend(load.pack);
        }
    }
    for path in paths {
        let (files, problems) = read_pack_files(path);
        diagnostics.extend(problems);
        if files.is_empty() {
            continue;
        }
        let load = rapport_pack::parse_pack(&files);
        diagnostics.extend(load.diagnostics);
        packs.extend(load.pack);
    }
    let (packs, clashes) = rapport_pack::merge(packs);
    diagnostics.extend(clashes);
    (packs, diagnostics)
}

/// The files of the pack at `path`: the file itself, or a folder's `.toml` files in name
/// order, each as `(display name, contents)`; plus diagnostics for what could not be read.
pub fn read_pack_files(path: &Path) -> (Vec<(String, String)>, Vec<Diagnostic>) {
    let name = path.display().to_string();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match fs::read_dir(path) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
                .collect(),
            Err(err) => {
                problems.push(Diagnostic::error(
                    name,
                    format!("cannot read folder: {err}"),
                ));
                return (files, problems);
            }
        };
        entries.sort();
        if entries.is_empty() {
            problems.push(Diagnostic::error(name, "the folder holds no .toml files"));
        }
        for entry in entries {
            read_one(&entry, &mut files, &mut problems);
        }
    } else {
        read_one(path, &mut files, &mut problems);
    }
    (files, problems)
}

/// The largest pack file read: far above any guide, far below what would hurt to hold.
const MAX_PACK_FILE_BYTES: u64 = 4 << 20;

fn read_one(path: &Path, files: &mut Vec<(String, String)>, problems: &mut Vec<Diagnostic>) {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    let read = fs::File::open(path).and_then(|file| {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_PACK_FILE_BYTES + 1),
            &mut bytes,
        )
    });
    if read.is_ok() && bytes.len() as u64 > MAX_PACK_FILE_BYTES {
        problems.push(Diagnostic::error(
            name,
            format!(
                "larger than {} MiB: not a pack file (the built-in guides are under 20 KiB each)",
                MAX_PACK_FILE_BYTES >> 20
            ),
        ));
        return;
    }
    match read.map(|_| bytes) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => files.push((name, text)),
            Err(err) => {
                let offset = err.utf8_error().valid_up_to();
                let line = err.as_bytes()[..offset]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                problems.push(
                    Diagnostic::error(name, format!("not valid UTF-8 (byte offset {offset})"))
                        .with_line(line),
                );
            }
        },
        Err(err) => problems.push(Diagnostic::error(
            name,
            format!("cannot read: {}", crate::lower_first(&err.to_string())),
        )),
    }
}

/// The packs found in a data directory's `packs` folder: each `.toml` file or folder, in
/// name order. A missing folder has none.
fn packs_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
}

/// The data directory: `$RAPPORT_DATA_DIR`, else `$XDG_DATA_HOME/rapport`, else
/// `~/.local/share/rapport`.
pub fn data_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("RAPPORT_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("rapport")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/rapport")))
}

/// Counts errors and warnings.
pub fn tally(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
}
