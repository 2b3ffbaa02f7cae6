//! `cargo xtask fit [--write] FILE.jsonl...`: fits the score to rated answers and
//! reports how well it agrees with the raters, cross-validated (k-fold by answer and
//! leave-one-question-out), on the answers as written and in transcript form. With
//! `--write` the coefficients fitted on every answer go to
//! `packs/customer-focus/scoring.toml`, for the lexical engine and, when the model is
//! installed, the semantic one.

use anyhow::{Context, bail};
use rapport_engine::Engine;
use rapport_engine::eval::transcript_form;
use rapport_engine::fitting::{self, Figures, Folds, Penalty, Rated};

/// Where `--write` puts the coefficients.
const OUT: &str = "packs/customer-focus/scoring.toml";

struct Line {
    id: String,
    /// The guide; `None` for an off-bank answer, which is matched by its question.
    question_id: Option<String>,
    question: String,
    rated_steps: bool,
    answer: String,
    score: f64,
    steps: Vec<String>,
    steps_either: Vec<String>,
}

fn read(paths: &[&String]) -> anyhow::Result<Vec<Line>> {
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let v: serde_json::Value =
                serde_json::from_str(line).with_context(|| format!("{path}:{}", n + 1))?;
            let field = |k: &str| v[k].as_str().map(str::to_owned);
            let (Some(id), Some(answer), Some(score)) =
                (field("id"), field("answer"), v["score"].as_f64())
            else {
                bail!("{path}:{}: needs id, answer and score", n + 1);
            };
            let question_id = field("question_id");
            let question = field("question").unwrap_or_default();
            if question_id.is_none() && question.trim().is_empty() {
                bail!("{path}:{}: needs question_id or question", n + 1);
            }
            let list = |k: &str| -> Vec<String> {
                v[k].as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let steps = list("steps");
            // Older files without `steps_either`: the steps both raters name.
            let steps_either = match list("steps_either") {
                e if e.is_empty() => steps.clone(),
                e => e,
            };
            out.push(Line {
                id,
                rated_steps: v.get("steps").is_some(),
                question_id,
                question,
                answer,
                score,
                steps,
                steps_either,
            });
        }
    }
    Ok(out)
}

/// Each answer as written, then in transcript form, measured by `engine`.
fn measure(engine: &Engine, lines: &[Line]) -> anyhow::Result<(Vec<Rated>, Vec<Rated>)> {
    let mut typed = Vec::new();
    let mut spoken = Vec::new();
    for l in lines {
        // An off-bank answer is judged by the guide its question matches, as
        // `rapport score --question-text` would.
        let question_id = l
            .question_id
            .clone()
            .unwrap_or_else(|| engine.match_question(&l.question).guide_id);
        for (form, out) in [
            (l.answer.clone(), &mut typed),
            (transcript_form(&l.answer), &mut spoken),
        ] {
            let measures = engine
                .measure(&question_id, &form)
                .with_context(|| format!("{}: {form}", l.id))?;
            out.push(Rated {
                id: l.id.clone(),
                question_id: question_id.clone(),
                rated_steps: l.rated_steps,
                score: l.score,
                steps: l.steps.clone(),
                steps_either: l.steps_either.clone(),
                measures,
            });
        }
    }
    Ok((typed, spoken))
}

fn row(name: &str, f: &Figures) {
    println!(
        "  {name:<34} {:>4}  {:>6.3} {:>8.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3}",
        f.n, f.rho, f.pairwise, f.band_exact, f.band_within_one, f.step_precision, f.step_recall
    );
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let write = args.iter().any(|a| a == "--write");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if paths.is_empty() {
        bail!("usage: cargo xtask fit [--write] FILE.jsonl...");
    }
    let lines = read(&paths)?;
    let penalty = Penalty::default();
    let mut engines = vec![("lexical", crate::lexical_engine())];
    if let Some(dir) = crate::model_bench::model_dir() {
        let mut engine = crate::lexical_engine();
        let model = rapport_embed::Model::load(&dir).context("loading the model")?;
        engine.enable_semantic(std::sync::Arc::new(model), Vec::new())?;
        engines.push(("semantic", engine));
    } else {
        eprintln!("note: no model installed: fitting the lexical engine only");
    }
    let mut out = String::from(
        "# The fitted score: coefficients fitted by `cargo xtask fit --write` to the calibration\n\
         # set (answers written and rated outside the team), read by the engine and checked by\n\
         # `rapport pack check`. Do not edit by hand: fit again.\n",
    );
    for (name, engine) in &engines {
        let (typed, spoken) = measure(engine, &lines)?;
        if let Ok(dump) = std::env::var("RAPPORT_FIT_DUMP") {
            // For exploring other models: every measure as JSON lines.
            let mut text = String::new();
            for (form, items) in [("typed", &typed), ("transcript", &spoken)] {
                for r in items.iter() {
                    let steps: Vec<serde_json::Value> = r
                        .measures
                        .steps
                        .iter()
                        .map(|s| serde_json::json!({"id": s.id, "weight": s.weight, "features": s.features, "taken": r.steps.contains(&s.id), "either": r.steps_either.contains(&s.id)}))
                        .collect();
                    let sub = &r.measures.substance;
                    text.push_str(&serde_json::json!({
                        "id": r.id, "form": form, "question_id": r.question_id, "score": r.score,
                        "tips": r.measures.tips, "cap": r.measures.cap, "steps": steps,
                        "substance": [sub.story, sub.concrete, sub.actions, sub.hypothetical, sub.negativity, sub.fillers, sub.words, sub.short, sub.abstract_words, sub.buzz, sub.relevance, sub.red_flags],
                    }).to_string());
                    text.push('\n');
                }
            }
            std::fs::write(format!("{dump}.{name}.jsonl"), text)?;
        }
        println!(
            "\n{name}: {} answers, each also in transcript form",
            typed.len()
        );
        println!(
            "  {:<34} {:>4}  {:>6} {:>8} {:>6} {:>6} {:>6} {:>6}",
            "cross-validated", "n", "rho", "pairwise", "exact", "within", "step P", "step R"
        );
        // Fitted on both forms together, so that speech is judged as writing is.
        let both: Vec<Rated> = typed.iter().chain(&spoken).cloned().collect();
        for (label, folds) in [
            ("10-fold by answer", Folds::ByAnswer(10)),
            ("leave one question out", Folds::ByQuestion),
        ] {
            let predictions = fitting::cross_validate(name, &both, folds, penalty);
            if let (Ok(prefix), Folds::ByQuestion) = (std::env::var("RAPPORT_FIT_DUMP"), folds) {
                // For studying the errors: each held-out prediction beside the raters'.
                let text: String = predictions
                    .iter()
                    .map(|p| {
                        let r = &both[p.index];
                        let form = if p.index < typed.len() { "typed" } else { "transcript" };
                        format!(
                            "{}\n",
                            serde_json::json!({"id": r.id, "form": form, "question_id": r.question_id,
                                "score": r.score, "predicted": p.score, "steps": r.steps, "predicted_steps": p.steps, "likelihoods": p.likelihoods})
                        )
                    })
                    .collect();
                std::fs::write(format!("{prefix}.{name}.loqo.jsonl"), text)?;
            }
            let n = typed.len();
            let (t, s): (Vec<_>, Vec<_>) = predictions.into_iter().partition(|p| p.index < n);
            row(
                &format!("{label}, as written"),
                &fitting::figures(&both, &t),
            );
            row(
                &format!("{label}, transcript"),
                &fitting::figures(&both, &s),
            );
            // With off-bank answers among them, each kind on its own too.
            if both.iter().any(|r| !r.rated_steps) && both.iter().any(|r| r.rated_steps) {
                for (kind, rated) in [("in the packs", true), ("off-bank", false)] {
                    let only: Vec<_> = t
                        .iter()
                        .filter(|p| both[p.index].rated_steps == rated)
                        .cloned()
                        .collect();
                    row(
                        &format!("{label}, written, {kind}"),
                        &fitting::figures(&both, &only),
                    );
                }
            }
        }
        let all: Vec<&Rated> = both.iter().collect();
        let note = format!(
            "fitted on {} answers of {} and their transcript forms",
            typed.len(),
            paths
                .iter()
                .map(|p| p.rsplit('/').next().unwrap_or(p))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let fit = fitting::fit(name, &all, penalty, &note);
        let predictions: Vec<_> = typed
            .iter()
            .enumerate()
            .map(|(i, r)| fitting::predict(&fit, i, r))
            .collect();
        row(
            "(in-sample, for comparison)",
            &fitting::figures(&typed, &predictions),
        );
        out.push('\n');
        out.push_str(&fitting::to_toml(&fit));
    }
    if write {
        std::fs::write(OUT, &out).with_context(|| format!("writing {OUT}"))?;
        println!("\nwrote {OUT}");
    }
    Ok(())
}
