//! `cargo xtask bench-speech` (also run at the end of `cargo xtask bench`, in a process of
//! its own so that its peak memory is its own): speech to text on 60 s of speech made
//! with espeak-ng from our own benchmark answer. Figures against issue 11's goals and
//! against real time (the audio's own length, measured in the same run): model load,
//! transcription, and peak memory with the speech and embedding models both loaded.
//!
//! The same WAV is left at `target/bench-speech/60s.wav` for comparing by hand with
//! Python's faster-whisper on the same weights (never run here or in CI):
//!
//! ```text
//! python3 -m venv /tmp/fw && /tmp/fw/bin/pip install faster-whisper
//! OMP_NUM_THREADS=2 /tmp/fw/bin/python scripts/faster_whisper_bench.py \
//!     ~/.local/share/rapport/models/whisper-tiny.en target/bench-speech/60s.wav
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use rapport_speech::{Speech, audio};

use crate::bench::{ANSWER, workspace_root};

/// Issue 11's goals on 2 cores.
const TRANSCRIBE_GOAL: Duration = Duration::from_secs(12);
const LOAD_GOAL: Duration = Duration::from_secs(1);
const RSS_GOAL_MB: f64 = 400.0;

/// The length of the benchmark speech.
const SECONDS: usize = 60;

/// The speech model folder in the data directory.
fn speech_dir() -> Option<PathBuf> {
    crate::model_bench::installed("whisper-tiny.en").filter(|d| d.join("model.bin").is_file())
}

/// 60 s of speech: espeak-ng reads the benchmark answer (twice over, at 160 words a
/// minute), cut to exactly 60 s; written to `target/bench-speech/60s.wav`.
fn sixty_seconds(root: &Path) -> anyhow::Result<(audio::Audio, PathBuf)> {
    let dir = root.join("target").join("bench-speech");
    std::fs::create_dir_all(&dir)?;
    let long = dir.join("reading.wav");
    let text = format!("{ANSWER}\n{ANSWER}");
    let status = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "160", "-w"])
        .arg(&long)
        .arg(&text)
        .status()
        .context("running espeak-ng (Debian package espeak-ng)")?;
    ensure!(status.success(), "espeak-ng failed");
    let mut decoded = audio::decode(&std::fs::read(&long)?)?;
    let n = SECONDS * audio::SAMPLE_RATE as usize;
    ensure!(
        decoded.samples.len() >= n,
        "the reading is under {SECONDS} s"
    );
    decoded.samples.truncate(n);
    let path = dir.join("60s.wav");
    std::fs::write(
        &path,
        audio::wav_bytes(&decoded.samples, audio::SAMPLE_RATE),
    )?;
    Ok((decoded, path))
}

pub fn run(_args: &[String]) -> anyhow::Result<()> {
    let Some(dir) = speech_dir() else {
        bail!("no speech model installed: run `rapport model install`");
    };
    let root = workspace_root();
    let (sixty, path) = sixty_seconds(&root)?;
    println!();
    println!(
        "speech to text: {} ({SECONDS} s of espeak-ng speech), model at {}",
        path.display(),
        dir.display()
    );
    println!(
        "  {:<40} {:>10} {:>10} {:>10}   vs goal",
        "", "first", "mean", "goal"
    );

    let mut loads = Vec::new();
    let mut speech = None;
    for _ in 0..3 {
        // The last one goes first, so that two are never held at once.
        drop(speech.take());
        let start = Instant::now();
        speech = Some(Speech::load(&dir)?);
        loads.push(start.elapsed());
    }
    let speech = speech.context("loaded")?;
    line("load the speech model", &loads, LOAD_GOAL);

    let mut runs = Vec::new();
    let mut words = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let t = speech.transcribe(&sixty)?;
        runs.push(start.elapsed());
        words = t.words.len();
    }
    line(
        &format!("transcribe {SECONDS} s ({words} words)"),
        &runs,
        TRANSCRIBE_GOAL,
    );
    let transcribing = mean(&runs).as_secs_f64();
    println!(
        "  {:<40} {:>10.1}× real time (goal ≥ {:.0}×)",
        "speed",
        SECONDS as f64 / transcribing,
        SECONDS as f64 / TRANSCRIBE_GOAL.as_secs_f64()
    );

    // Browsers record at 48 kHz (Opus always decodes at 48 kHz): reading such a recording
    // adds its resampling to 16 kHz before any transcribing.
    let browser = audio::wav_bytes(
        &audio::resample(&sixty.samples, audio::SAMPLE_RATE, 48_000),
        48_000,
    );
    let mut reads = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        std::hint::black_box(audio::decode(&browser)?);
        reads.push(start.elapsed());
    }
    let read = mean(&reads).as_secs_f64();
    println!(
        "  {:<40} {:>8.0}ms {:>8.0}ms   {:.1}% of transcribing it",
        format!("read {SECONDS} s recorded at 48 kHz"),
        reads[0].as_secs_f64() * 1e3,
        read * 1e3,
        100.0 * read / transcribing
    );

    // Peak memory as `rapport serve` holds it: both models loaded, after transcribing.
    if let Some(embed) = crate::model_bench::model_dir() {
        let model = rapport_embed::Model::load(&embed)?;
        std::hint::black_box(&model);
        let rss = peak_rss_mb();
        println!(
            "  {:<40} {:>10.0} MB (goal ≤ {RSS_GOAL_MB:.0} MB) {}",
            "peak memory, both models loaded",
            rss,
            if rss <= RSS_GOAL_MB { "PASS" } else { "MISS" }
        );
    }
    Ok(())
}

fn mean(samples: &[Duration]) -> Duration {
    samples.iter().sum::<Duration>() / samples.len().max(1) as u32
}

fn line(name: &str, samples: &[Duration], goal: Duration) {
    let m = mean(samples);
    println!(
        "  {name:<40} {:>8.0}ms {:>8.0}ms {:>8.0}ms   {:.0}% {}",
        samples[0].as_secs_f64() * 1e3,
        m.as_secs_f64() * 1e3,
        goal.as_secs_f64() * 1e3,
        100.0 * m.as_secs_f64() / goal.as_secs_f64(),
        if m <= goal { "PASS" } else { "MISS" }
    );
}

/// VmHWM from /proc/self/status in MB (0 when unknown).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
