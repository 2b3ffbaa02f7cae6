//! Gaming the rubric: stuffing, padding, plans, blame and off-topic answers stay low,
//! and a short answer that takes every step beats a long one that takes none.
//!
//! The answers live in `test_data/gaming/`: `weak.toml` (must stay under 50),
//! `pairs.toml` (short strong against long vague) and `padding.toml` (generic
//! sentences added to weak answers); `test_data/red-flags/cases.toml` holds answers with
//! and without a red flag.

use rapport_engine::{Band, Report};
use serde::Deserialize;

use crate::{score, test_data};

/// The highest score an answer that games the rubric may get.
const WEAK_CEILING: u8 = 49;

fn load<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    read_toml(&test_data().join("gaming").join(name))
}

fn read_toml<T: for<'de> Deserialize<'de>>(path: &std::path::Path) -> T {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Step ids met, for failure messages.
fn met(r: &Report) -> String {
    let ids: Vec<&str> = r
        .criteria
        .iter()
        .filter(|c| c.met)
        .map(|c| c.id.as_str())
        .collect();
    format!("[{}]", ids.join(", "))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WeakFile {
    case: Vec<Weak>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Weak {
    kind: String,
    guide: String,
    answer: String,
    fixme: Option<String>,
}

#[test]
fn answers_that_game_the_rubric_score_under_50() {
    let file: WeakFile = load("weak.toml");
    let mut failures = Vec::new();
    for (n, case) in file.case.iter().enumerate() {
        let r = score(&case.guide, &case.answer);
        let under = r.score <= WEAK_CEILING;
        if under == case.fixme.is_some() {
            let why = if under {
                "now under 50: drop the `fixme`"
            } else {
                "scores 50 or more"
            };
            failures.push(format!(
                "case {} ({}, {}): {why}: {} {} met {}\n    answer: {}",
                n + 1,
                case.kind,
                case.guide,
                r.band.as_str(),
                r.score,
                met(&r),
                case.answer.trim()
            ));
        }
    }
    let kinds: std::collections::BTreeSet<&str> =
        file.case.iter().map(|c| c.kind.as_str()).collect();
    for kind in [
        "keyword-stuffed",
        "padded-short",
        "hypothetical",
        "blaming",
        "off-topic",
    ] {
        let guides = file.case.iter().filter(|c| c.kind == kind).count();
        if guides < 3 {
            failures.push(format!(
                "only {guides} `{kind}` cases; every kind needs three guides"
            ));
        }
    }
    assert!(kinds.len() >= 5, "kinds: {kinds:?}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PairFile {
    pair: Vec<Pair>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pair {
    guide: String,
    short: String,
    long: String,
    /// What the engine gets wrong about the pair today.
    fixme: Option<String>,
    /// Which checks fail today because of it (see [`pair_checks`]); they are asserted
    /// to fail, and every other check to pass.
    #[serde(default)]
    broken: Vec<String>,
}

/// The checks on one pair, by name, with whether each holds.
fn pair_checks(short: &Report, long: &Report) -> [(&'static str, bool); 3] {
    [
        ("short-beats-long", short.score > long.score),
        ("long-under-50", long.score <= WEAK_CEILING),
        (
            "short-takes-every-step",
            short.criteria.iter().all(|c| c.met) && short.band >= Band::Solid,
        ),
    ]
}

#[test]
fn a_short_answer_that_takes_every_step_beats_a_long_vague_one() {
    let file: PairFile = load("pairs.toml");
    assert!(file.pair.len() >= 3, "pairs for at least three guides");
    let mut failures = Vec::new();
    let mut clean = 0;
    for p in &file.pair {
        let (ws, wl) = (words(&p.short), words(&p.long));
        if !(60..=90).contains(&ws) || wl < 200 {
            failures.push(format!(
                "{}: the short answer has {ws} words and the long {wl}",
                p.guide
            ));
            continue;
        }
        if p.fixme.is_some() == p.broken.is_empty() {
            failures.push(format!(
                "{}: a `fixme` needs the `broken` checks, and only it",
                p.guide
            ));
            continue;
        }
        let short = score(&p.guide, &p.short);
        let long = score(&p.guide, &p.long);
        let line = format!(
            "short {} {} met {} · long {} {} met {}",
            short.band.as_str(),
            short.score,
            met(&short),
            long.band.as_str(),
            long.score,
            met(&long)
        );
        for (check, holds) in pair_checks(&short, &long) {
            let known = p.broken.iter().any(|b| b == check);
            match (holds, known) {
                (false, false) => failures.push(format!("{}: {check} fails: {line}", p.guide)),
                (true, true) => failures.push(format!(
                    "{}: {check} now holds, drop it from `broken`: {line}",
                    p.guide
                )),
                _ => {}
            }
        }
        clean += usize::from(p.broken.is_empty());
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        clean >= 3,
        "only {clean} pairs pass every check; the property needs several guides"
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaddingFile {
    generic: Vec<String>,
    case: Vec<Padded>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Padded {
    guide: String,
    answer: String,
    /// What the engine gets wrong today; the test then asserts that some padding
    /// still lifts the answer.
    fixme: Option<String>,
}

#[test]
fn padding_a_weak_answer_with_generic_sentences_does_not_lift_it_to_solid() {
    let file: PaddingFile = load("padding.toml");
    let mut failures = Vec::new();
    for case in &file.case {
        let bare = score(&case.guide, &case.answer);
        // Padding before, after and around the answer: where it goes must not matter.
        let (front, back) = file.generic.split_at(file.generic.len() / 2);
        let padded = [
            format!("{} {}", case.answer.trim(), file.generic.join(" ")),
            format!("{} {}", file.generic.join(" "), case.answer.trim()),
            format!(
                "{} {} {}",
                front.join(" "),
                case.answer.trim(),
                back.join(" ")
            ),
        ];
        let mut lifted = Vec::new();
        for text in &padded {
            let r = score(&case.guide, text);
            if r.band >= Band::Solid || r.score > bare.score.max(WEAK_CEILING) {
                lifted.push(format!(
                    "{}: bare {} {}, padded {} {} met {}\n    answer: {text}",
                    case.guide,
                    bare.band.as_str(),
                    bare.score,
                    r.band.as_str(),
                    r.score,
                    met(&r)
                ));
            }
        }
        match (&case.fixme, lifted.is_empty()) {
            (Some(_), true) => {
                failures.push(format!(
                    "{}: padding no longer lifts it, drop the `fixme`",
                    case.guide
                ));
            }
            (None, false) => failures.extend(lifted),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlagFile {
    case: Vec<Flagged>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Flagged {
    guide: String,
    answer: String,
    flagged: bool,
    clean: Option<String>,
}

/// How every red-flag feedback line begins: the sentence, quoted.
fn red_flag_lines(r: &Report) -> Vec<&String> {
    const ADVICE: [&str; 5] = [
        "owning one is what the question tests",
        "passes the problem to someone else",
        "brushes the customer off",
        "only a job to you",
        "went round the rules",
    ];
    r.feedback
        .iter()
        .filter(|l| l.starts_with('"') && ADVICE.iter().any(|a| l.contains(a)))
        .collect()
}

#[test]
fn a_red_flag_is_named_in_the_feedback_and_costs_points() {
    let file: FlagFile = load_red_flags();
    assert!(file.case.iter().filter(|c| c.flagged).count() >= 3);
    assert!(file.case.iter().filter(|c| !c.flagged).count() >= 2);
    let mut failures = Vec::new();
    for case in &file.case {
        let r = score(&case.guide, &case.answer);
        let lines = red_flag_lines(&r);
        if let Some(praised) = r.strengths.iter().find(|g| {
            lines.iter().any(|l| {
                l.split('"')
                    .nth(1)
                    .is_some_and(|q| g.contains(q.trim_end_matches(" …")))
            })
        }) {
            failures.push(format!("{}: praises the red flag: {praised}", case.guide));
        }
        if case.flagged == lines.is_empty() {
            failures.push(format!(
                "{}: flagged should be {}, feedback {:?}\n    answer: {}",
                case.guide,
                case.flagged,
                r.feedback,
                case.answer.trim()
            ));
        }
        match (&case.clean, case.flagged) {
            (Some(clean), true) => {
                let c = score(&case.guide, clean);
                if c.score <= r.score {
                    failures.push(format!(
                        "{}: without the flag {} is not above {} with it",
                        case.guide, c.score, r.score
                    ));
                }
            }
            (None, true) => failures.push(format!("{}: a flagged case needs `clean`", case.guide)),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn load_red_flags() -> FlagFile {
    read_toml(&test_data().join("red-flags").join("cases.toml"))
}
