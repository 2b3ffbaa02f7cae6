//! The feedback card: the human view of a report, in the shape of docs/contract.md.
//!
//! ```text
//!  Have you ever dealt with a difficult customer or client? How did you handle it?
//!  ──────────────────────────────────────── solid · 68/100 · 1 min 05 s spoken
//!  ✓ situation  "a hotel guest was furious that his suite was not ready"
//!  ✗ outcome    you stop at what you did: say what happened for the guest afterwards
//!  tips   ✓ specific  ✗ outcome-focus  ✓ skills-shown  ✓ honest  ✓ confident
//!  delivery  142 words · 2 fillers ("like", "you know") · no hedges
//!  good  You set the scene clearly
//!  next  Add one sentence on the result: did he stay, return, thank you, recommend you?
//! ```

use std::fmt::Write;

use rapport_engine::{GENERAL_ID, Report};
use rapport_server::card::{delivery, quote, speaking_time};

use crate::term::Style;

/// How many characters of evidence a step line quotes.
const QUOTE_CHARS: usize = 70;
/// How many `good` lines the card shows.
const MAX_STRENGTHS: usize = 2;

/// Renders the card, ending with a newline.
pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let question = report.question.trim();
    // `write!` into a String cannot fail.
    let _ = writeln!(out, " {}", style.bold(question));
    if let Some(m) = &report.matched {
        let line = if m.guide_id == GENERAL_ID {
            format!(
                "no guide is close (nearest `{}`, similarity {:.2}): scored as a general behavioural question",
                m.closest_id, m.similarity
            )
        } else {
            format!(
                "matched to `{}` (similarity {:.2})",
                m.guide_id, m.similarity
            )
        };
        let _ = writeln!(out, " {}", style.dim(&line));
    }

    let summary = format!(
        "{} · {}/100 · {} spoken",
        report.band.as_str(),
        report.score,
        speaking_time(report.delivery.speaking_seconds)
    );
    let summary_styled = format!(
        "{} · {}/100 · {} spoken",
        style.band(report.band),
        style.bold(&report.score.to_string()),
        speaking_time(report.delivery.speaking_seconds)
    );
    let width = question.chars().count().clamp(60, 96);
    let rule = width.saturating_sub(summary.chars().count() + 1).max(8);
    let _ = writeln!(out, " {} {}", style.dim(&"─".repeat(rule)), summary_styled);

    let id_width = report
        .criteria
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(0);
    // Each step quotes the first of its spans that no earlier step quoted, so two steps
    // carried by different sentences do not show the same one.
    let mut quoted: Vec<(usize, usize)> = Vec::new();
    for c in &report.criteria {
        let detail = if c.met {
            let fresh = c
                .evidence
                .iter()
                .find(|e| !quoted.contains(&(e.start, e.end)))
                .or_else(|| c.evidence.first());
            match fresh {
                Some(e) => {
                    quoted.push((e.start, e.end));
                    format!("\"{}\"", quote(&e.text, QUOTE_CHARS))
                }
                None => c.label.clone(),
            }
        } else if c.advice.is_empty() {
            c.label.clone()
        } else {
            c.advice.trim().to_owned()
        };
        let _ = writeln!(
            out,
            " {} {:<id_width$}  {}",
            style.step_mark(c.met, c.begun),
            c.id,
            detail
        );
    }
    if report.off_topic {
        let _ = writeln!(
            out,
            " {}  this answer seems to be about something else: answer the question asked",
            style.warn("note"),
        );
    }

    let tips: Vec<String> = report
        .tips
        .iter()
        .map(|t| format!("{} {}", style.mark(t.met), t.id))
        .collect();
    let _ = writeln!(out, " {}   {}", style.label("tips"), tips.join("  "));
    let _ = writeln!(out, " {}  {}", style.label("delivery"), delivery(report));

    for strength in report.strengths.iter().take(MAX_STRENGTHS) {
        let _ = writeln!(out, " {}  {}", style.good("good"), strength.trim());
    }
    if let Some(next) = report.feedback.first() {
        let _ = writeln!(out, " {}  {}", style.bold("next"), next.trim());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_cuts_on_a_word_boundary() {
        assert_eq!(quote("I  stayed\ncalm.", 70), "I stayed calm");
        assert_eq!(
            quote(
                "moved them to a larger room, and had the restaurant hold it",
                30
            ),
            "moved them to a larger room…"
        );
        assert_eq!(quote("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn speaking_time_has_minutes_and_padded_seconds() {
        assert_eq!(speaking_time(45), "45 s");
        assert_eq!(speaking_time(65), "1 min 05 s");
    }
}
