//! `rapport show ID`: a question's full answer guide, laid out for reading.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::Result;

use crate::cli::ShowArgs;
use crate::exit;
use crate::packs::Library;
use crate::suggest;
use crate::term::{Style, wrap};

/// Text width for wrapped paragraphs.
const WIDTH: usize = 88;

/// Prints the guide.
pub fn run(library: &Library, args: &ShowArgs) -> Result<u8> {
    let engine = &library.engine;
    let guide = engine
        .guide(&args.id)
        .ok_or_else(|| suggest::unknown_question(engine, &args.id))?;
    let style = Style::stdout();
    let mut s = String::new();
    // `write!` into a String cannot fail.
    let pack = library
        .pack_of(&guide.id)
        .map(|p| format!(" · pack {}", p.id))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{}",
        style.dim(&format!("{} · {}{pack}", guide.id, guide.stage))
    );
    s.push_str(&style.bold(&wrap(&guide.question, WIDTH, "")));
    if !guide.rewordings.is_empty() {
        let _ = writeln!(s, "\n{}", style.label("Also asked as"));
        for r in &guide.rewordings {
            s.push_str(&bullet(r));
        }
    }
    let _ = writeln!(s, "\n{}", style.label("What it assesses"));
    s.push_str(&wrap(&guide.assesses, WIDTH, "  "));
    if !guide.skills.is_empty() {
        let _ = writeln!(
            s,
            "  {}",
            style.dim(&format!("skills: {}", guide.skills.join(", ")))
        );
    }

    let _ = writeln!(s, "\n{}", style.label("How to answer"));
    for (i, step) in guide.steps.iter().enumerate() {
        let _ = writeln!(
            s,
            "  {}. {} {}",
            i + 1,
            style.bold(&step.label),
            style.dim(&format!("({})", step.id))
        );
        s.push_str(&wrap(&step.guidance, WIDTH, "     "));
        let _ = writeln!(
            s,
            "     {} {}",
            style.dim("if it is missing:"),
            step.follow_up.trim()
        );
    }

    for (i, sample) in guide.samples.iter().enumerate() {
        let _ = writeln!(s, "\n{}", style.label(&format!("Sample answer {}", i + 1)));
        s.push_str(&wrap(&reflow(&sample.text), WIDTH, "  "));
        let steps: Vec<&str> = sample.marks.iter().map(|(id, _)| id.as_str()).collect();
        if !steps.is_empty() {
            let _ = writeln!(
                s,
                "  {}",
                style.dim(&format!("takes: {}", steps.join(", ")))
            );
        }
    }

    let _ = writeln!(s, "\n{}", style.label("Pitfalls"));
    for p in &guide.pitfalls {
        s.push_str(&bullet(p));
    }
    let _ = writeln!(
        s,
        "\n{}",
        style.dim(&format!("practise it: rapport practice {}", guide.id))
    );
    std::io::stdout().lock().write_all(s.as_bytes())?;
    Ok(exit::OK)
}

/// A wrapped bullet: `  - ` on the first line, the rest indented under it.
fn bullet(text: &str) -> String {
    let body = wrap(text, WIDTH, "    ");
    match body.strip_prefix("    ") {
        Some(rest) => format!("  - {rest}"),
        None => body,
    }
}

/// Joins hard-wrapped lines of a sample into paragraphs (blank lines stay breaks).
fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}
