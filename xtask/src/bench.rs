//! `cargo xtask bench`: how long the engine takes per answer, and how long a whole
//! `rapport score` process takes, each next to a baseline measured in the same run.
//!
//! Timings from a debug build mean nothing, so a debug xtask hands over to a release
//! build of itself (`cargo run --release -p xtask -- bench ...`) before measuring. The
//! alias `cargo bench-release` (in `.cargo/config.toml`) starts there directly.
//!
//! Options: `--iters N` (engine answers, default 2000), `--runs N` (processes of each
//! kind, default 40), `--bin PATH` (the `rapport` binary; by default `cargo build
//! --release -p rapport` is run and `target/release/rapport` used).

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};

/// The answer every measurement scores: an original ~250-word answer to this question.
pub(crate) const QUESTION: &str = "difficult-customer";
pub(crate) const ANSWER: &str = include_str!("../../test_data/bench/difficult-customer.txt");
const ANSWER_PATH: &str = "test_data/bench/difficult-customer.txt";

/// The goals of issue 2: per answer in the engine, and per `rapport score` process.
const ENGINE_GOAL: Duration = Duration::from_millis(1);
const PROCESS_GOAL: Duration = Duration::from_millis(50);

/// Set on the release child so that it never hands over again.
const HANDED_OVER: &str = "RAPPORT_BENCH_RELEASE";

struct Options {
    iters: usize,
    runs: usize,
    bin: Option<PathBuf>,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    if cfg!(debug_assertions) && std::env::var_os(HANDED_OVER).is_none() {
        return hand_over_to_release(args);
    }
    let options = parse(args)?;
    let root = workspace_root();

    println!(
        "rapport bench: {ANSWER_PATH} ({} words) scored against `{QUESTION}`",
        words(ANSWER)
    );
    if cfg!(debug_assertions) {
        println!("warning: this xtask is a debug build; the engine figures are not meaningful");
    }

    let engine = bench_engine(options.iters)?;
    let bin = match options.bin {
        Some(bin) => bin,
        None => build_release_binary(&root)?,
    };
    let process = bench_processes(&bin, &root, options.runs)?;

    println!();
    println!(
        "  {:<26} {:>12} {:>12} {:>12}   {:<4}  {:<4}  mean/goal",
        "goal", "mean", "p99", "goal", "mean", "p99"
    );
    verdict("engine, per answer", &engine, ENGINE_GOAL);
    verdict("rapport score process", &process, PROCESS_GOAL);
    match crate::model_bench::model_dir() {
        Some(dir) => crate::model_bench::run(&dir, &bin, &root, options.runs.min(10))?,
        None => println!(
            "\nno model installed: `rapport model install` to benchmark the semantic engine"
        ),
    }
    // Speech in a process of its own, so that its peak memory is only its own.
    let status = Command::new(std::env::current_exe()?)
        .arg("bench-speech")
        .env(HANDED_OVER, "1")
        .status()
        .context("running the speech bench")?;
    if !status.success() {
        println!("speech bench did not run ({status})");
    }
    Ok(())
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut options = Options {
        iters: 2000,
        runs: 40,
        bin: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--iters" => options.iters = value()?.parse().context("--iters takes a number")?,
            "--runs" => options.runs = value()?.parse().context("--runs takes a number")?,
            "--bin" => options.bin = Some(PathBuf::from(value()?)),
            other => bail!(
                "unknown option `{other}`; usage: cargo xtask bench [--iters N] [--runs N] [--bin PATH]"
            ),
        }
    }
    ensure!(
        options.iters > 0 && options.runs > 0,
        "--iters and --runs must be at least 1"
    );
    Ok(options)
}

/// Runs this same command again from a release build of the xtask.
fn hand_over_to_release(args: &[String]) -> anyhow::Result<()> {
    eprintln!(
        "note: timings need an optimised build; running `cargo run --release -p xtask -- bench`"
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "xtask",
            "--",
            "bench",
        ])
        .args(args)
        .env(HANDED_OVER, "1")
        .current_dir(workspace_root())
        .status()
        .context("running cargo")?;
    ensure!(status.success(), "the release bench failed ({status})");
    Ok(())
}

/// Times the engine on the answer, after timing what it is built on.
fn bench_engine(iters: usize) -> anyhow::Result<Stats> {
    let warm_up = (iters / 10).max(10);
    println!();
    println!("engine, in process ({iters} iterations after {warm_up} warm-up)");
    header("µs");

    // Building the engine happens once per process, so a few samples are enough; its
    // parts are timed too, to show where a process's start-up goes.
    let build = measure(20, 2, || black_box(crate::lexical_engine()));
    row("build: lexical engine (all of below)", &build, micros);
    let pack = measure(20, 2, || black_box(rapport_pack::builtin_packs()));
    row("  parse built-in packs", &pack, micros);
    let lexicons = measure(20, 2, || black_box(rapport_pack::builtin_lexicons()));
    row("  parse built-in lexicons", &lexicons, micros);
    let guides: Vec<_> = rapport_pack::builtin_packs()
        .into_iter()
        .flat_map(|load| load.pack)
        .flat_map(|p| p.guides)
        .collect();
    let lexicons = rapport_pack::builtin_lexicons();
    let new = measure(20, 2, || {
        black_box(rapport_engine::Engine::new(guides.clone(), &lexicons))
    });
    row("  Engine::new", &new, micros);

    let analyzer = rapport_text::Analyzer::new();
    let analysis = measure(iters, warm_up, || {
        black_box(analyzer.analyze(black_box(ANSWER)))
    });
    row("baseline: Analyzer::analyze", &analysis, micros);

    let engine = crate::lexical_engine();
    let report = engine
        .score(QUESTION, ANSWER)
        .context("scoring the bench answer")?;
    let met = report.criteria.iter().filter(|c| c.met).count();
    let score = measure(iters, warm_up, || {
        black_box(engine.score(QUESTION, black_box(ANSWER)).ok())
    });
    row("Engine::score", &score, micros);
    // The hand rules alone, without the fitted score: what the fit adds.
    let mut rules = crate::lexical_engine();
    rules.set_scoring(Vec::new());
    let by_rules = measure(iters, warm_up, || {
        black_box(rules.score(QUESTION, black_box(ANSWER)).ok())
    });
    row("Engine::score, hand rules only", &by_rules, micros);
    let text = engine
        .guide(QUESTION)
        .map(|g| g.question.clone())
        .unwrap_or_default();
    let free = measure(iters, warm_up, || {
        black_box(
            engine
                .score_question_text(black_box(&text), black_box(ANSWER))
                .ok(),
        )
    });
    row("Engine::score_question_text", &free, micros);

    println!(
        "  Engine::score is {:.1}x the analysis alone and {:.2}x the hand rules alone; building the engine costs {:.0} answers",
        ratio(&score, &analysis),
        ratio(&score, &by_rules),
        ratio(&build, &score),
    );
    println!(
        "  (the answer scores {} {}, {met}/{} steps met)",
        report.score,
        report.band.as_str(),
        report.criteria.len()
    );
    Ok(score)
}

/// Builds the release `rapport` binary and returns its path.
fn build_release_binary(root: &Path) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--package", "rapport"])
        .current_dir(root)
        .status()
        .context("running cargo build")?;
    ensure!(
        status.success(),
        "`cargo build --release -p rapport` failed ({status})"
    );
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target
        .join("release")
        .join(format!("rapport{}", std::env::consts::EXE_SUFFIX)))
}

/// Times whole processes: `rapport --version` as the baseline, then `rapport score`.
fn bench_processes(bin: &Path, root: &Path, runs: usize) -> anyhow::Result<Stats> {
    ensure!(bin.is_file(), "no rapport binary at {}", bin.display());
    // An empty data directory, so that packs the user installed do not change the figures.
    let data_dir = root.join("target").join("bench-data");
    let rapport = |args: &[&str]| {
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .env("NO_COLOR", "1")
            .env("RAPPORT_DATA_DIR", &data_dir);
        cmd
    };
    let version = || run_process(rapport(&["--version"]), None);
    let score = || {
        run_process(
            rapport(&["score", "--question", QUESTION, "--json"]),
            Some(ANSWER),
        )
    };

    // Check once that the command does what we think before timing it.
    let json = score()?.1;
    ensure!(
        json.contains("\"question_id\"") && json.contains("\"band\""),
        "unexpected output from rapport score"
    );

    let warm_up = 3;
    let mut baseline = Vec::with_capacity(runs);
    let mut scored = Vec::with_capacity(runs);
    // Alternate the two so that a busy moment on the machine hits both alike.
    for i in 0..warm_up + runs {
        let (b, _) = version()?;
        let (s, _) = score()?;
        if i >= warm_up {
            baseline.push(b);
            scored.push(s);
        }
    }
    let (baseline, scored) = (Stats::of(baseline), Stats::of(scored));

    println!();
    println!(
        "processes: {} ({runs} runs of each after {warm_up} warm-up)",
        bin.display()
    );
    header("ms");
    row("baseline: rapport --version", &baseline, millis);
    row("rapport score --question ... --json", &scored, millis);
    println!(
        "  a score process is {:.1}x a bare start, {} ms more",
        ratio(&scored, &baseline),
        millis(scored.mean.saturating_sub(baseline.mean))
    );
    Ok(scored)
}

/// Runs one process to completion, feeding `stdin`; returns its time and its stdout.
pub(crate) fn run_process(
    mut cmd: Command,
    stdin: Option<&str>,
) -> anyhow::Result<(Duration, String)> {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().context("starting rapport")?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes())
            .context("writing the answer to rapport")?;
    }
    let output = child.wait_with_output().context("waiting for rapport")?;
    let elapsed = start.elapsed();
    ensure!(
        output.status.success(),
        "rapport failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok((
        elapsed,
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

/// Mean and percentiles of a set of timings.
pub(crate) struct Stats {
    pub(crate) mean: Duration,
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
}

impl Stats {
    pub(crate) fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        let total: Duration = samples.iter().sum();
        Stats {
            mean: total / samples.len() as u32,
            p50: at(0.50),
            p99: at(0.99),
        }
    }
}

/// Calls `f` `warm_up` times untimed, then `iters` times, timing each call.
pub(crate) fn measure<T>(iters: usize, warm_up: usize, mut f: impl FnMut() -> T) -> Stats {
    for _ in 0..warm_up {
        black_box(f());
    }
    let samples = (0..iters)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    Stats::of(samples)
}

pub(crate) fn header(unit: &str) {
    println!(
        "  {:<42} {:>10} {:>10} {:>10}",
        "",
        format!("mean {unit}"),
        "p50",
        "p99"
    );
}

pub(crate) fn row(name: &str, s: &Stats, unit: fn(Duration) -> String) {
    println!(
        "  {name:<42} {:>10} {:>10} {:>10}",
        unit(s.mean),
        unit(s.p50),
        unit(s.p99)
    );
}

pub(crate) fn verdict(name: &str, s: &Stats, goal: Duration) {
    let mark = |d: Duration| if d <= goal { "PASS" } else { "MISS" };
    let show = |d: Duration| {
        if goal < Duration::from_millis(10) {
            format!("{} µs", micros(d))
        } else {
            format!("{} ms", millis(d))
        }
    };
    println!(
        "  {name:<26} {:>12} {:>12} {:>12}   {:<4}  {:<4}  {:.0}%",
        show(s.mean),
        show(s.p99),
        format!("≤ {}", show(goal)),
        mark(s.mean),
        mark(s.p99),
        100.0 * s.mean.as_secs_f64() / goal.as_secs_f64()
    );
}

pub(crate) fn micros(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

pub(crate) fn millis(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

pub(crate) fn ratio(a: &Stats, b: &Stats) -> f64 {
    a.mean.as_secs_f64() / b.mean.as_secs_f64().max(1e-12)
}

pub(crate) fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The workspace root: the xtask lives one folder below it.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
