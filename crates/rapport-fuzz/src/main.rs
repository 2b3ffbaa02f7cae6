//! `rapport-fuzz`: fuzzes the targets for a while and says what it found.
//!
//! ```text
//! rapport-fuzz [--seconds N] [--seed S] [--target NAME]... [--findings DIR]
//! ```
//!
//! The time is shared between the targets. Exit status 0 when nothing was found, 1
//! when something was (each input saved under the findings folder), 3 on a hang.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rapport_fuzz::{Corpus, RunOptions, TARGETS, fuzz, target};

fn main() -> ExitCode {
    let mut seconds = 60u64;
    let mut seed = 1u64;
    let mut names = Vec::new();
    let mut findings = PathBuf::from("target/fuzz-findings");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let parsed = match (arg.as_str(), value) {
            ("--seconds", Some(v)) => v.parse().map(|v| seconds = v).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|v| seed = v).is_ok(),
            ("--target", Some(v)) if TARGETS.contains(&v.as_str()) => {
                names.push(v);
                true
            }
            ("--findings", Some(v)) => {
                findings = PathBuf::from(v);
                true
            }
            _ => false,
        };
        if !parsed {
            eprintln!(
                "usage: rapport-fuzz [--seconds N] [--seed S] [--target {}]... [--findings DIR]",
                TARGETS.join("|")
            );
            return ExitCode::from(2);
        }
    }
    if names.is_empty() {
        names = TARGETS.iter().map(|s| (*s).to_owned()).collect();
    }
    let corpus = Corpus::load();
    let share = Duration::from_secs(seconds) / names.len() as u32;
    let mut found = 0;
    for name in &names {
        let Some(mut target) = target(name) else {
            continue;
        };
        let options = RunOptions {
            duration: share,
            seed,
            findings: findings.clone(),
            hang: Duration::from_secs(20),
        };
        let began = Instant::now();
        let outcome = fuzz(target.as_mut(), &corpus, &options);
        let secs = began.elapsed().as_secs_f64();
        println!(
            "{name:8} {:>9} inputs in {secs:7.1} s ({:7.0}/s), slowest {} ms, {} findings",
            outcome.inputs,
            outcome.inputs as f64 / secs.max(1e-9),
            outcome.slowest_ms,
            outcome.findings.len()
        );
        found += outcome.findings.len();
        // The slowest input is kept too: a slow path is worth a look even when it passes.
        let slowest = findings.join(name).join("slowest");
        if std::fs::create_dir_all(findings.join(name))
            .and_then(|()| std::fs::write(&slowest, &outcome.slowest))
            .is_err()
        {
            eprintln!("fuzz: cannot write {}", slowest.display());
        }
    }
    if found > 0 {
        eprintln!("fuzz: {found} findings under {}", findings.display());
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
