//! `rapport questions`: the question bank, as a table or JSON.

use std::io::Write;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::cli::QuestionsArgs;
use crate::exit;
use crate::packs::Library;
use crate::term::Style;

/// One question in `--json` output.
#[derive(Serialize)]
struct QuestionJson<'a> {
    id: &'a str,
    pack: &'a str,
    question: &'a str,
    stage: &'static str,
    skills: &'a [String],
    assesses: &'a str,
    steps: Vec<&'a str>,
}

/// Lists the questions, optionally only those with a skill tag.
pub fn run(library: &Library, args: &QuestionsArgs) -> Result<u8> {
    let wanted = args.skill.as_deref().map(str::to_lowercase);
    let keep = |skills: &[String]| {
        wanted
            .as_deref()
            .is_none_or(|w| skills.iter().any(|s| s.to_lowercase() == w))
    };
    let rows: Vec<QuestionJson> = library
        .packs
        .iter()
        .flat_map(|pack| pack.guides.iter().map(move |g| (pack, g)))
        .filter(|(_, g)| keep(&g.skills))
        .map(|(pack, g)| QuestionJson {
            id: &g.id,
            pack: &pack.id,
            question: g.question.trim(),
            stage: g.stage.as_str(),
            skills: &g.skills,
            assesses: g.assesses.trim(),
            steps: g.steps.iter().map(|s| s.id.as_str()).collect(),
        })
        .collect();
    if rows.is_empty()
        && let Some(skill) = &args.skill
    {
        let mut known: Vec<&str> = library
            .engine
            .guides()
            .flat_map(|g| g.skills.iter().map(String::as_str))
            .collect();
        known.sort_unstable();
        known.dedup();
        bail!(
            "no question has the skill `{skill}`; skills in use: {}",
            known.join(", ")
        );
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(exit::OK);
    }
    let style = Style::stdout();
    let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut pack = "";
    for row in &rows {
        if row.pack != pack {
            if !pack.is_empty() {
                writeln!(out)?;
            }
            pack = row.pack;
            let count = rows.iter().filter(|r| r.pack == pack).count();
            let noun = if count == 1 { "question" } else { "questions" };
            writeln!(out, "{}", style.bold(&format!("{pack} ({count} {noun})")))?;
        }
        writeln!(
            out,
            "  {:<width$}  {}  {}",
            row.id,
            style.dim(&format!("{:<7}", row.stage)),
            row.question
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        style.dim("rapport show ID for the full guide · rapport practice ID to answer one")
    )?;
    Ok(exit::OK)
}
