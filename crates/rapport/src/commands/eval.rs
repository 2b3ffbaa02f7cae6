//! `rapport eval FILE.jsonl`: how well the engine agrees with labelled answers.

use std::io::Write;

use anyhow::Result;
use rapport_engine::Band;
use rapport_engine::eval::{Agreement, Labelled, Observation, Question, Ratio, agreement};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cli::EvalArgs;
use crate::exit;
use crate::input;
use crate::packs::Library;
use crate::suggest;
use crate::term::{Style, stderr_line};

/// One labelled line.
#[derive(Deserialize)]
struct EvalLine {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    question_id: Option<String>,
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    expected_guide: Option<String>,
    answer: String,
    label: String,
    #[serde(default)]
    steps: Option<Vec<String>>,
}

/// An item the engine judged, with where it came from.
struct Judged {
    line: usize,
    item: Labelled,
    observation: Observation,
    /// Why the engine refused to score it, when it did.
    refused: Option<String>,
}

/// Runs the engine over the labelled file and prints the agreement figures.
pub fn run(library: &Library, args: &EvalArgs) -> Result<u8> {
    let lines = input::read_lines(&args.file)?;
    let mut judged = Vec::new();
    let mut failures: Vec<(usize, String)> = Vec::new();
    for (number, line) in lines {
        match judge(library, &line) {
            Ok(j) => {
                if let Some(why) = &j.refused {
                    stderr_line(&format!(
                        "note: line {number}: not scored, counted as weak 0: {why}"
                    ));
                }
                judged.push(Judged { line: number, ..j });
            }
            Err(message) => {
                stderr_line(&format!("error: line {number}: {message}"));
                failures.push((number, message));
            }
        }
    }
    let observations: Vec<Observation> = judged.iter().map(|j| j.observation.clone()).collect();
    let figures = agreement(&observations);
    let disagreements: Vec<&Judged> = judged
        .iter()
        .filter(|j| j.observation.disagrees())
        .collect();

    let mut out = std::io::stdout().lock();
    if args.json {
        let file = args.file.display().to_string();
        let shown = args.verbose.then_some(&disagreements[..]);
        let doc = EvalJson::new(&file, &figures, &failures, shown);
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        let style = Style::stdout();
        let refused = judged.iter().filter(|j| j.refused.is_some()).count();
        let text = human(
            &args.file.display().to_string(),
            &figures,
            refused,
            failures.len(),
            style,
        );
        out.write_all(text.as_bytes())?;
        if args.verbose {
            out.write_all(table(&disagreements, style).as_bytes())?;
        }
    }
    Ok(if failures.is_empty() {
        exit::OK
    } else {
        exit::UNSCORABLE
    })
}

/// Parses and scores one line; `Err` when the line is unusable.
fn judge(library: &Library, line: &[u8]) -> Result<Judged, String> {
    let raw: EvalLine = rapport::batch::parse_line(line)?;
    let label = Band::parse(raw.label.trim()).ok_or_else(|| {
        format!(
            "unknown label `{}`: use strong, solid, developing or weak",
            raw.label
        )
    })?;
    let question = match (raw.question_id, raw.question) {
        (Some(id), _) => Question::Id(id),
        (None, Some(text)) => Question::Text(text),
        (None, None) => return Err("the line needs `question_id` or `question`".to_owned()),
    };
    let item = Labelled {
        id: raw.id.map(|v| match v {
            Value::String(s) => s,
            other => other.to_string(),
        }),
        question,
        expected_guide: raw.expected_guide,
        answer: raw.answer,
        label,
        steps: raw.steps,
    };
    let engine = &library.engine;
    let report = match &item.question {
        Question::Id(id) if engine.guide(id).is_none() => {
            // A label for a question we do not have cannot be compared with anything.
            return Err(suggest::unknown_question(engine, id).to_string());
        }
        Question::Id(id) => engine.score(id, &item.answer),
        Question::Text(text) => engine.score_question_text(text, &item.answer),
    };
    let (observation, refused) = match report {
        Ok(report) => (Observation::new(&item, &report), None),
        Err(err) => (Observation::refused(&item), Some(err.to_string())),
    };
    Ok(Judged {
        line: 0,
        item,
        observation,
        refused,
    })
}

/// A percentage with its counts, or `n/a`.
fn share(r: Ratio) -> String {
    match r.value() {
        Some(v) => format!("{:5.1}%  ({}/{})", v * 100.0, fmt_hits(r.hits), r.total),
        None => "  n/a".to_owned(),
    }
}

fn fmt_hits(hits: f64) -> String {
    if hits.fract() == 0.0 {
        format!("{hits:.0}")
    } else {
        format!("{hits:.1}")
    }
}

fn opt3(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
}

/// The figures, one per line.
fn human(file: &str, a: &Agreement, refused: usize, failed: usize, style: Style) -> String {
    let mut s = format!(" {}  {file}\n", style.bold("eval"));
    let row = |s: &mut String, name: &str, value: String| {
        s.push_str(&format!(" {:<26} {value}\n", name));
    };
    let mut answers = a.n.to_string();
    if refused > 0 {
        answers.push_str(&format!(
            " ({refused} not scored by the engine, counted as weak 0)"
        ));
    }
    if failed > 0 {
        let lines = if failed == 1 { "line" } else { "lines" };
        answers.push_str(&format!(" ({failed} {lines} could not be used)"));
    }
    row(&mut s, "answers", answers);
    row(&mut s, "exact band", share(a.exact));
    row(&mut s, "within one band", share(a.within_one));
    row(
        &mut s,
        "pairwise, same question",
        format!(
            "{}  pairs of answers to the same question with different labels",
            share(a.pairwise_same_question)
        ),
    );
    row(
        &mut s,
        "pairwise, all",
        format!(
            "{}  all pairs with different labels; a score tie counts half",
            share(a.pairwise_all)
        ),
    );
    row(&mut s, "spearman rho", opt3(a.spearman));
    let steps = if a.steps.items == 0 {
        "n/a (no item has `steps`)".to_owned()
    } else {
        format!(
            "precision {} · recall {} · F1 {}  over {} items with `steps`",
            opt3(a.steps.precision()),
            opt3(a.steps.recall()),
            opt3(a.steps.f1()),
            a.steps.items
        )
    };
    row(&mut s, "steps", steps);
    let guide = if a.guide_match.total == 0 {
        "n/a (no item has `expected_guide`)".to_owned()
    } else {
        share(a.guide_match)
    };
    row(&mut s, "guide match", guide);
    s
}

/// The disagreements, one row each.
fn table(rows: &[&Judged], style: Style) -> String {
    let mut s = format!(
        "\n {}  ({} items: band differs from the label, or steps differ)\n",
        style.bold("disagreements"),
        rows.len()
    );
    if rows.is_empty() {
        return s;
    }
    let id = |j: &Judged| j.item.id.clone().unwrap_or_default();
    let id_w = rows.iter().map(|j| id(j).len()).max().unwrap_or(0).max(2);
    let q_w = rows
        .iter()
        .map(|j| j.observation.group.chars().count().min(32))
        .max()
        .unwrap_or(0)
        .max(8);
    s.push_str(&format!(
        " {:>5}  {:<id_w$}  {:<q_w$}  {:<10}  {:<14}  steps\n",
        "line", "id", "question", "label", "engine"
    ));
    for j in rows {
        let o = &j.observation;
        let question: String = o.group.chars().take(32).collect();
        let mut steps = Vec::new();
        if !o.missed_steps().is_empty() {
            steps.push(format!("missed {}", o.missed_steps().join(", ")));
        }
        if !o.extra_steps().is_empty() {
            steps.push(format!("extra {}", o.extra_steps().join(", ")));
        }
        s.push_str(&format!(
            " {:>5}  {:<id_w$}  {:<q_w$}  {:<10}  {:<14}  {}\n",
            j.line,
            id(j),
            question,
            o.label.as_str(),
            format!("{} {}", o.band.as_str(), o.score),
            steps.join("; ")
        ));
    }
    s
}

/// `--json` output.
#[derive(Serialize)]
struct EvalJson<'a> {
    file: &'a str,
    n: usize,
    failed_lines: Vec<FailedJson<'a>>,
    exact: RatioJson,
    within_one: RatioJson,
    pairwise_same_question: RatioJson,
    pairwise_all: RatioJson,
    spearman: Option<f64>,
    steps: StepsJson,
    guide_match: RatioJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    disagreements: Option<Vec<DisagreementJson<'a>>>,
}

#[derive(Serialize)]
struct FailedJson<'a> {
    line: usize,
    error: &'a str,
}

#[derive(Serialize)]
struct RatioJson {
    hits: f64,
    total: usize,
    value: Option<f64>,
}

#[derive(Serialize)]
struct StepsJson {
    items: usize,
    precision: Option<f64>,
    recall: Option<f64>,
    f1: Option<f64>,
}

#[derive(Serialize)]
struct DisagreementJson<'a> {
    line: usize,
    id: Option<&'a str>,
    question: &'a str,
    label: &'static str,
    band: &'static str,
    score: u8,
    missed_steps: Vec<&'a str>,
    extra_steps: Vec<&'a str>,
}

impl<'a> EvalJson<'a> {
    fn new(
        file: &'a str,
        a: &Agreement,
        failures: &'a [(usize, String)],
        disagreements: Option<&[&'a Judged]>,
    ) -> EvalJson<'a> {
        let ratio = |r: Ratio| RatioJson {
            hits: r.hits,
            total: r.total,
            value: r.value().map(round),
        };
        EvalJson {
            file,
            n: a.n,
            failed_lines: failures
                .iter()
                .map(|(line, error)| FailedJson { line: *line, error })
                .collect(),
            exact: ratio(a.exact),
            within_one: ratio(a.within_one),
            pairwise_same_question: ratio(a.pairwise_same_question),
            pairwise_all: ratio(a.pairwise_all),
            spearman: a.spearman.map(round),
            steps: StepsJson {
                items: a.steps.items,
                precision: a.steps.precision().map(round),
                recall: a.steps.recall().map(round),
                f1: a.steps.f1().map(round),
            },
            guide_match: ratio(a.guide_match),
            disagreements: disagreements.map(|rows| {
                rows.iter()
                    .map(|j| DisagreementJson {
                        line: j.line,
                        id: j.item.id.as_deref(),
                        question: &j.observation.group,
                        label: j.observation.label.as_str(),
                        band: j.observation.band.as_str(),
                        score: j.observation.score,
                        missed_steps: j.observation.missed_steps(),
                        extra_steps: j.observation.extra_steps(),
                    })
                    .collect()
            }),
        }
    }
}

/// Three decimals, like the report JSON.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
