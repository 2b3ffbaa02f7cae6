//! Prints every labelled item's score, band and steps next to its label, for tuning.

use anyhow::Context;

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let path = args
        .first()
        .context("usage: cargo xtask tune FILE.jsonl [ID...]")?;
    let only: Vec<&String> = args[1..].iter().collect();
    let verbose = !only.is_empty();
    let engine = crate::engine();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    // Scores beside the raters' (for the items with a numeric `score`), for ρ at the end.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let id = v["id"].as_str().unwrap_or("");
        if !only.is_empty() && !only.iter().any(|o| o.as_str() == id) {
            continue;
        }
        let answer = v["answer"].as_str().unwrap_or("");
        let report = match v["question_id"].as_str() {
            Some(q) => engine.score(q, answer),
            None => engine.score_question_text(v["question"].as_str().unwrap_or(""), answer),
        };
        let report = match report {
            Ok(r) => r,
            Err(e) => {
                println!("{id} ERROR {e}");
                continue;
            }
        };
        if let Some(rated) = v["score"].as_f64() {
            ours.push(f64::from(report.score));
            theirs.push(rated);
        }
        let label = v["label"].as_str().unwrap_or("");
        let expected: Vec<&str> = v["steps"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
            .unwrap_or_default();
        let steps: Vec<String> = report
            .criteria
            .iter()
            .map(|c| {
                let e = expected.contains(&c.id.as_str());
                let mark = match (c.met, e) {
                    (true, true) => "+",
                    (false, false) => "-",
                    (true, false) => "FP:",
                    (false, true) => "FN:",
                };
                format!("{mark}{}({:.2})", c.id, c.strength)
            })
            .collect();
        let flag = if report.band.as_str() == label {
            "  "
        } else {
            "!!"
        };
        if verbose {
            for c in report.criteria.iter().chain(&report.tips) {
                println!(
                    "   {} {} {:.2}",
                    if c.met { "✓" } else { "✗" },
                    c.id,
                    c.strength
                );
                for e in &c.evidence {
                    println!("        [{}] {}", e.why, e.text);
                }
            }
            println!("   delivery {:?}", report.delivery);
            println!("   feedback {:#?}", report.feedback);
        }
        println!(
            "{flag} {id:8} {:<28} {:>3} {:<10} label={:<10} {:<14} {} rel={:.2}{}",
            report.question_id,
            report.score,
            report.band.as_str(),
            label,
            v["kind"].as_str().unwrap_or(""),
            steps.join(" "),
            report.relevance,
            if report.off_topic { " OFF" } else { "" }
        );
    }
    if let Some(rho) = rapport_engine::eval::spearman(&ours, &theirs) {
        println!(
            "Spearman rho {rho:.3} against the rated scores ({} items)",
            ours.len()
        );
    }
    Ok(())
}

/// Prints the guide each free question of a file matches, against the expected one.
pub fn matches(args: &[String]) -> anyhow::Result<()> {
    let path = args
        .first()
        .context("usage: cargo xtask match FILE.jsonl")?;
    let engine = crate::engine();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let (mut hits, mut total) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let (Some(q), Some(expected)) = (v["question"].as_str(), v["expected_guide"].as_str())
        else {
            continue;
        };
        let m = engine.match_question(q);
        total += 1;
        let ok = m.guide_id == expected;
        hits += usize::from(ok);
        println!(
            "{} {:<28} {:<28} {:.3} {q}",
            if ok { "  " } else { "!!" },
            m.guide_id,
            m.closest_id,
            m.similarity
        );
    }
    println!("{hits} of {total} matched");
    Ok(())
}
