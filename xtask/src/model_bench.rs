//! The semantic engine's timings: model load, scoring with the model, a one-sentence
//! edit through the live API, whole processes with the model, throughput at batch 1, 8
//! and 32 on `test_data/embed/bench_sentences.txt` (the sentences the Python reference
//! bench uses), and peak memory.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use rapport_engine::{Embedder, SentenceCache};

use crate::bench::{ANSWER, QUESTION, Stats, header, measure, millis, row, run_process, verdict};

/// The model folder: `RAPPORT_MODEL_DIR`, else the data directory's installed model.
pub fn model_dir() -> Option<PathBuf> {
    var("RAPPORT_MODEL_DIR")
        .or_else(|| installed("all-MiniLM-L6-v2"))
        .filter(|d| d.join("model.safetensors").is_file())
}

/// A non-empty environment variable as a path.
fn var(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Where `rapport model install` puts the model `name`: `models/NAME` in the data
/// directory (`RAPPORT_DATA_DIR`, else `XDG_DATA_HOME/rapport`, else
/// `~/.local/share/rapport`).
pub fn installed(name: &str) -> Option<PathBuf> {
    var("RAPPORT_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("rapport")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/rapport")))
        .map(|d| d.join("models").join(name))
}

/// Goals of the semantic-matching issue.
const LOAD_GOAL: Duration = Duration::from_millis(150);
const ANSWER_GOAL: Duration = Duration::from_millis(40);
const EDIT_GOAL: Duration = Duration::from_millis(15);
const PROCESS_GOAL: Duration = Duration::from_millis(200);

pub fn run(dir: &Path, bin: &Path, root: &Path, runs: usize) -> anyhow::Result<()> {
    println!();
    println!("semantic engine: model at {}", dir.display());
    header("ms");
    let load = measure(5, 1, || rapport_embed::Model::load(dir).map(|_| ()));
    row("load the model", &load, millis);
    let model = Arc::new(rapport_embed::Model::load(dir).context("loading the model")?);

    let start = Instant::now();
    let mut engine = crate::lexical_engine();
    engine.enable_semantic(model.clone(), Vec::new())?;
    let cold = start.elapsed();
    let cached = engine.prototype_vectors();
    let start = Instant::now();
    let mut warm_engine = crate::lexical_engine();
    warm_engine.enable_semantic(model.clone(), cached.clone())?;
    let warm = start.elapsed();
    println!(
        "  {:<42} {:>10}   ({} prototype sentences)",
        "enable, embedding every prototype",
        millis(cold),
        cached.len()
    );
    println!(
        "  {:<42} {:>10}",
        "enable, prototypes from the cache",
        millis(warm)
    );

    let sentences = rapport_text::split_sentences(ANSWER).len();
    let answer = measure(20, 3, || engine.score(QUESTION, ANSWER).map(|r| r.score));
    row(
        &format!("score the bench answer ({sentences} sentences)"),
        &answer,
        millis,
    );
    let ten: Vec<&str> = rapport_text::split_sentences(ANSWER)
        .into_iter()
        .take(10)
        .map(|r| &ANSWER[r])
        .collect();
    let ten_embed = measure(20, 3, || model.embed(&ten).map(|v| v.len()));
    row("embed 10 of its sentences", &ten_embed, millis);
    let ten_answer = ten.join(" ");
    let answer10 = measure(20, 3, || {
        engine.score(QUESTION, &ten_answer).map(|r| r.score)
    });
    row("score a 10-sentence answer", &answer10, millis);
    // A one-sentence edit: the cache holds the answer; each edit appends a new sentence.
    let cache = SentenceCache::new();
    engine.score_live(QUESTION, ANSWER, &cache)?;
    let mut n = 0;
    let edit = measure(20, 3, || {
        n += 1;
        let edited = format!("{ANSWER} I rang him again on day {n} to check the laptop was fine.");
        engine
            .score_live(QUESTION, &edited, &cache)
            .map(|r| r.score)
    });
    row("one-sentence edit (live API)", &edit, millis);
    // The retry view: two drafts compared, every change priced by scoring the new draft
    // without it (a fresh cache each time, as each page view has).
    let first = ANSWER.replacen(". ", ". Honestly, ", 1);
    let second = format!("{ANSWER} Two weeks later he wrote to thank the whole team.");
    let lexical = crate::lexical_engine();
    for (name, engine) in [("rules", &lexical), ("model", &engine)] {
        let retry = measure(10, 2, || {
            engine
                .biggest_difference(QUESTION, &first, &second)
                .map(|d| d.map(|d| d.with))
        });
        row(
            &format!("biggest change of a retry ({name})"),
            &retry,
            millis,
        );
    }
    let retry = measure(10, 2, || {
        engine
            .biggest_difference(QUESTION, &first, &second)
            .map(|d| d.is_some())
    });
    println!(
        "  {:<42} {:>9.1}x",
        "  (model) against scoring the answer once",
        retry.p50.as_secs_f64() / answer.p50.as_secs_f64()
    );

    let process = bench_process(bin, root, dir, runs)?;

    println!();
    println!(
        "throughput on test_data/embed/bench_sentences.txt, sorted by length like sentence-transformers"
    );
    let text = std::fs::read_to_string(root.join("test_data/embed/bench_sentences.txt"))
        .context("reading test_data/embed/bench_sentences.txt")?;
    let mut all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all.sort_by_key(|s| s.len());
    for batch in [1usize, 8, 32] {
        let start = Instant::now();
        for chunk in all.chunks(batch) {
            black_box(model.embed(chunk)?);
        }
        let per_second = all.len() as f64 / start.elapsed().as_secs_f64();
        println!("  batch {batch:>2}: {per_second:>7.1} sentences/s");
    }
    println!(
        "  (Python sentence-transformers on the same sentences: scripts/reference/bench_python.py)"
    );
    println!(
        "  peak resident memory of this bench process: {}",
        peak_rss()
    );

    // After the memory figure: each fresh load holds a second copy of the weights.
    println!();
    // Cold: what a fresh process pays for its first answer, prototypes read from the cache.
    let mut cold = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let fresh = Arc::new(rapport_embed::Model::load(dir).context("loading the model")?);
        let mut engine = crate::lexical_engine();
        engine.enable_semantic(fresh, cached.clone())?;
        black_box(engine.score(QUESTION, &ten_answer)?);
        cold.push(start.elapsed());
    }
    row(
        "load + first 10-sentence answer (cold)",
        &Stats::of(cold),
        millis,
    );

    println!();
    verdict("model load", &load, LOAD_GOAL);
    verdict("10-sentence answer, warm", &answer10, ANSWER_GOAL);
    verdict("one-sentence edit", &edit, EDIT_GOAL);
    verdict("score process with model", &process, PROCESS_GOAL);
    Ok(())
}

/// Whole `rapport --engine semantic score` processes, with the prototype cache warm.
fn bench_process(bin: &Path, root: &Path, dir: &Path, runs: usize) -> anyhow::Result<Stats> {
    let data_dir = root.join("target").join("bench-model-data");
    let score = || {
        let mut cmd = Command::new(bin);
        cmd.args([
            "--engine",
            "semantic",
            "score",
            "--question",
            QUESTION,
            "--json",
        ])
        .env("NO_COLOR", "1")
        .env("RAPPORT_DATA_DIR", &data_dir)
        .env("RAPPORT_MODEL_DIR", dir);
        run_process(cmd, Some(ANSWER))
    };
    // The first run fills the prototype cache.
    let json = score()?.1;
    ensure!(
        json.contains("\"engine\": \"semantic\""),
        "rapport did not use the model"
    );
    let samples = (0..runs)
        .map(|_| score().map(|(d, _)| d))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let stats = Stats::of(samples);
    row("rapport --engine semantic score process", &stats, millis);
    Ok(stats)
}

/// VmHWM from /proc/self/status, or "unknown".
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown".into())
}
