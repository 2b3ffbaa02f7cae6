//! The loop: mutate, run, catch panics, watch for hangs, save what is found.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::corpus::Corpus;
use crate::mutate::mutate;
use crate::rng::Rng;
use crate::targets::Target;

/// How one run goes.
pub struct RunOptions {
    /// How long to run.
    pub duration: Duration,
    /// The seed of the mutations.
    pub seed: u64,
    /// Where findings are saved (`<dir>/<target>/<name>`).
    pub findings: PathBuf,
    /// The longest one input may run before it counts as a hang.
    pub hang: Duration,
}

/// What one run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Inputs tried, seeds included.
    pub inputs: u64,
    /// The files of the inputs that failed, with why.
    pub findings: Vec<(PathBuf, String)>,
    /// The slowest input, in milliseconds.
    pub slowest_ms: u128,
    /// The slowest input itself.
    pub slowest: Vec<u8>,
}

/// Runs one input, a panic turned into an error.
fn run_one(target: &mut dyn Target, input: &[u8]) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| target.run(input))) {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(format!("panic: {message}"))
        }
    }
}

/// Saves a failing input; its name is a hash of its bytes, so it is saved once.
fn save(dir: &Path, target: &str, input: &[u8]) -> PathBuf {
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let folder = dir.join(target);
    let path = folder.join(format!("{hash:016x}"));
    if let Err(e) = std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(&path, input)) {
        eprintln!("fuzz: cannot save a finding to {}: {e}", path.display());
    }
    path
}

/// Fuzzes one target: its seeds first, then mutations of them until the time is up.
/// A hang (one input over `options.hang`) saves the input and ends the process with
/// status 3, since the stuck thread cannot be stopped.
pub fn fuzz(target: &mut dyn Target, corpus: &Corpus, options: &RunOptions) -> Outcome {
    let name = target.name();
    let seeds = target.seeds(corpus);
    let mut rng = Rng::new(options.seed);
    let mut outcome = Outcome::default();
    let current: Arc<Mutex<(Instant, Vec<u8>)>> =
        Arc::new(Mutex::new((Instant::now(), Vec::new())));
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (current, done) = (current.clone(), done.clone());
        let (dir, hang) = (options.findings.clone(), options.hang);
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let guard = current.lock().unwrap_or_else(|p| p.into_inner());
                if guard.0.elapsed() > hang {
                    let path = save(&dir, name, &guard.1);
                    eprintln!(
                        "fuzz: {name}: an input ran over {hang:?}: {}",
                        path.display()
                    );
                    std::process::exit(3);
                }
            }
        })
    };
    let start = Instant::now();
    let mut i = 0usize;
    while i < seeds.len() || start.elapsed() < options.duration {
        let input = match seeds.get(i) {
            Some(seed) => seed.clone(),
            None if seeds.is_empty() => Vec::new(),
            None => {
                let base = rng.pick(&seeds);
                let other = rng.pick(&seeds);
                mutate(&mut rng, base, other, target.max_len())
            }
        };
        i += 1;
        {
            let mut guard = current.lock().unwrap_or_else(|p| p.into_inner());
            *guard = (Instant::now(), input.clone());
        }
        let began = Instant::now();
        let result = run_one(target, &input);
        let took = began.elapsed().as_millis();
        if took > outcome.slowest_ms {
            outcome.slowest_ms = took;
            outcome.slowest = input.clone();
        }
        outcome.inputs += 1;
        {
            // The next input's clock starts when it is set; until then none is running.
            let mut guard = current.lock().unwrap_or_else(|p| p.into_inner());
            guard.0 = Instant::now() + Duration::from_secs(3600);
        }
        if let Err(why) = result {
            let path = save(&options.findings, name, &input);
            eprintln!("fuzz: {name}: {why}: {}", path.display());
            outcome.findings.push((path, why));
            if outcome.findings.len() >= 20 {
                break;
            }
        }
        if seeds.is_empty() && start.elapsed() >= options.duration {
            break;
        }
    }
    done.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    outcome
}

/// Runs one saved input again; `Err` with why it still fails.
pub fn replay(target: &mut dyn Target, input: &[u8]) -> Result<(), String> {
    run_one(target, input)
}

/// How long a saved input may take on replay. Some were saved for being slow (a full
/// stop then 27,000 quotes took 15 s in a debug build, against 0.3 s for any usual
/// answer), so a replay that runs over this fails: it is a hang check, far above any
/// input's normal time even in a debug build on a busy machine, not a benchmark.
pub const REPLAY_LIMIT: Duration = Duration::from_secs(5);

/// Replays every file of a folder (none when it does not exist); the failures, by file:
/// an input that fails again, or runs over [`REPLAY_LIMIT`].
pub fn replay_dir(target: &mut dyn Target, dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|path| path.is_file() && path.extension().is_none())
        .filter_map(|path| match std::fs::read(&path) {
            Ok(input) => {
                let began = Instant::now();
                let result = replay(target, &input);
                let took = began.elapsed();
                match result {
                    Err(why) => Some((path, why)),
                    Ok(()) if took > REPLAY_LIMIT => Some((path, format!("took {took:?}"))),
                    Ok(()) => None,
                }
            }
            Err(e) => Some((path, format!("cannot read: {e}"))),
        })
        .collect()
}
