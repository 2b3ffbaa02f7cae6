//! `rapport mock`: a mock interview with follow-ups and a report at the end.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use rapport_engine::{Band, Report};
use rapport_pack::Guide;
use rapport_store::Mode;

use crate::cli::MockArgs;
use crate::dialogue::{Dialogue, say};
use crate::exit;
use crate::history::History;
use crate::packs::Library;
use crate::term::{Style, stderr_line, wrap};

/// How many weak steps the final report lists.
const WEAKEST: usize = 3;

/// One question of the interview and how it went.
struct Turn<'a> {
    guide: &'a Guide,
    /// The answer (with the follow-up reply, when it counted).
    answer: String,
    /// The report on the answer (with the follow-up reply, when one was asked).
    report: Option<Report>,
    /// The step whose follow-up was asked, and whether the reply took it.
    follow_up: Option<(String, bool)>,
}

/// Runs the interview.
pub fn run(library: &Library, args: &MockArgs, history: Option<&History>) -> Result<u8> {
    let engine = &library.engine;
    let session = format!("terminal-{seed_hex}", seed_hex = session_suffix());
    let style = Style::stdout();
    let seed = args.seed.unwrap_or_else(clock_seed);
    let guides = engine.interview(usize::from(args.count), seed);
    let mut dialogue = Dialogue::stdin();
    say(&format!(
        "{}\n{}\n",
        style.bold(&format!(" mock interview · {} questions", guides.len())),
        style.dim(&format!(
            " seed {seed} · finish each answer with an empty line, or a line with just \".\""
        ))
    ))?;

    let mut turns: Vec<Turn> = Vec::new();
    let mut unsaved = 0;
    for (i, guide) in guides.iter().copied().enumerate() {
        say(&format!(
            "\n{}\n{}",
            style.dim(&format!(" question {} of {}", i + 1, guides.len())),
            style.bold(&wrap(&guide.question, 88, " "))
        ))?;
        let Some(answer) = dialogue.answer()? else {
            say(&style.dim(" (no answer: the interview ends here)\n"))?;
            break;
        };
        let mut turn = Turn {
            guide,
            answer: answer.clone(),
            report: None,
            follow_up: None,
        };
        match engine.score(&guide.id, &answer) {
            Ok(report) => {
                turn.report = Some(report);
                ask_follow_up(library, &mut dialogue, &mut turn, &answer, style)?;
                if let Some(report) = &turn.report {
                    let saved = history
                        .is_some_and(|h| h.save(report, &turn.answer, Mode::Mock, Some(&session)));
                    unsaved += usize::from(!saved);
                }
            }
            Err(err) => stderr_line(&format!("error: {err}")),
        }
        turns.push(turn);
        if dialogue.at_end() {
            break;
        }
    }

    say(&report(&turns, guides.len(), style))?;
    let scored = turns.iter().any(|t| t.report.is_some());
    let code = if scored || turns.is_empty() {
        exit::OK
    } else {
        exit::UNSCORABLE
    };
    Ok(crate::history::unsaved_exit(unsaved, code))
}

/// When steps are missing, asks the follow-up of the most important one, once, and
/// scores the answer and the reply together.
fn ask_follow_up(
    library: &Library,
    dialogue: &mut Dialogue<std::io::StdinLock<'static>>,
    turn: &mut Turn,
    answer: &str,
    style: Style,
) -> Result<()> {
    let Some(report) = &turn.report else {
        return Ok(());
    };
    let step = turn
        .guide
        .steps
        .iter()
        .filter(|s| report.criterion(&s.id).is_some_and(|c| !c.met))
        // The heaviest missing step; the earliest on a tie.
        .fold(None, |best: Option<&rapport_pack::Step>, s| match best {
            Some(b) if b.weight >= s.weight => Some(b),
            _ => Some(s),
        });
    let Some(step) = step else {
        return Ok(());
    };
    say(&format!(
        "\n {} {}\n",
        style.label("interviewer:"),
        step.follow_up.trim()
    ))?;
    let Some(reply) = dialogue.answer()? else {
        turn.follow_up = Some((step.id.clone(), false));
        return Ok(());
    };
    let combined = format!("{answer}\n\n{reply}");
    match library.engine.score(&turn.guide.id, &combined) {
        Ok(better) => {
            let met = better.criterion(&step.id).is_some_and(|c| c.met);
            turn.follow_up = Some((step.id.clone(), met));
            turn.report = Some(better);
            turn.answer = combined;
        }
        Err(err) => {
            stderr_line(&format!("error: the follow-up reply: {err}"));
            turn.follow_up = Some((step.id.clone(), false));
        }
    }
    Ok(())
}

/// The end-of-interview report.
fn report(turns: &[Turn], planned: usize, style: Style) -> String {
    let mut s = format!("\n {}\n", style.bold("interview report"));
    if turns.len() < planned {
        s.push_str(&format!(
            " {}\n",
            style.dim(&format!("{} of {planned} questions answered", turns.len()))
        ));
    }
    let width = turns.iter().map(|t| t.guide.id.len()).max().unwrap_or(0);
    for (i, turn) in turns.iter().enumerate() {
        let result = match &turn.report {
            Some(r) => format!("{:>3}/100  {}", r.score, style.band_padded(r.band, 10)),
            None => style.bad("not scored"),
        };
        let follow = match &turn.follow_up {
            Some((step, true)) => format!("  follow-up on {step} {}", style.mark(true)),
            Some((step, false)) => format!("  follow-up on {step} {}", style.mark(false)),
            None => String::new(),
        };
        s.push_str(&format!(
            " {:>2}. {:<width$}  {result}{follow}\n",
            i + 1,
            turn.guide.id
        ));
    }
    let scores: Vec<u32> = turns
        .iter()
        .filter_map(|t| t.report.as_ref().map(|r| u32::from(r.score)))
        .collect();
    if scores.is_empty() {
        s.push_str(" no answer was scored\n");
        return s;
    }
    let mean = (scores.iter().sum::<u32>() as f64 / scores.len() as f64).round() as u8;
    s.push_str(&format!(
        " {}  {mean}/100 · {}\n",
        style.bold("overall"),
        style.band(Band::from_score(mean))
    ));

    // The weakest steps: missing ones first, the least clear first, heavier first on ties.
    let mut weak: Vec<(&Guide, &rapport_engine::Criterion, f32)> = turns
        .iter()
        .filter_map(|t| t.report.as_ref().map(|r| (t.guide, r)))
        .flat_map(|(g, r)| {
            r.criteria.iter().filter(|c| !c.met).map(move |c| {
                let weight = g.step(&c.id).map_or(1.0, |s| s.weight);
                (g, c, weight)
            })
        })
        .collect();
    weak.sort_by(|a, b| {
        a.1.strength
            .total_cmp(&b.1.strength)
            .then(b.2.total_cmp(&a.2))
    });
    if weak.is_empty() {
        s.push_str(&format!(
            " {}  every step of every answer was there\n",
            style.good("good")
        ));
    } else {
        s.push_str(&format!(" {}\n", style.bold("weakest steps")));
        for (guide, c, _) in weak.iter().take(WEAKEST) {
            s.push_str(&format!(
                "   {} {} · {}  {}\n",
                style.mark(false),
                guide.id,
                c.id,
                c.advice.trim()
            ));
        }
    }
    s
}

/// A seed from the clock, for a different interview each time.
fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() ^ u64::from(d.subsec_nanos()))
}

/// A suffix that tells this interview's attempts apart from other sessions': the clock
/// in nanoseconds and the process id, in hex.
fn session_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}", std::process::id())
}
