//! `rapport mock`: a mock interview with follow-ups and a report at the end.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use rapport_engine::{Band, Report};
use rapport_pack::Guide;
use rapport_server::card::quote;
use rapport_store::Mode;

use crate::cli::MockArgs;
use crate::dialogue::{Dialogue, HOW_TO_END, Reply, say};
use crate::exit;
use crate::history::History;
use crate::packs::Library;
use crate::term::{Style, stderr_line, wrap};

/// How many weak steps the final report lists.
const WEAKEST: usize = 3;

/// How many characters of a question the final report shows.
const QUESTION_CHARS: usize = 72;
/// How many characters of a question a weak step is placed by.
const SHORT_QUESTION_CHARS: usize = 44;

/// One question of the interview and how it went.
struct Turn<'a> {
    guide: &'a Guide,
    /// The answer (with the follow-up reply, when it counted).
    answer: String,
    /// The report on the answer (with the follow-up reply, when one was asked).
    report: Option<Report>,
    /// The step whose follow-up was asked, and whether the reply took it.
    follow_up: Option<(String, bool)>,
    /// The user skipped the question.
    skipped: bool,
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
            " seed {seed} · type your answer after each question; {HOW_TO_END}\n \
             blank lines are kept · \"skip\" on its own line skips a question · \"q\" ends the interview"
        ))
    ))?;

    let mut turns: Vec<Turn> = Vec::new();
    let mut unsaved = 0;
    let mut saved = 0;
    for (i, guide) in guides.iter().copied().enumerate() {
        say(&format!(
            "\n{}\n{}",
            style.dim(&format!(" question {} of {}", i + 1, guides.len())),
            style.bold(&wrap(&guide.question, 88, " "))
        ))?;
        let answer = match dialogue.answer(true)? {
            Reply::Answer(answer) => answer,
            Reply::Skip => {
                say(&style.dim(" skipped\n"))?;
                turns.push(Turn {
                    guide,
                    answer: String::new(),
                    report: None,
                    follow_up: None,
                    skipped: true,
                });
                continue;
            }
            Reply::Quit => {
                say(&style.dim(" (the interview ends here)\n"))?;
                break;
            }
            Reply::End => {
                say(&style.dim(" (no answer: the interview ends here)\n"))?;
                break;
            }
        };
        let mut turn = Turn {
            guide,
            answer: answer.clone(),
            report: None,
            follow_up: None,
            skipped: false,
        };
        let mut quit = false;
        match engine.score(&guide.id, &answer) {
            Ok(report) => {
                turn.report = Some(report);
                quit = ask_follow_up(library, &mut dialogue, &mut turn, &answer, style)?;
                if let Some(report) = &turn.report {
                    let ok = history
                        .is_some_and(|h| h.save(report, &turn.answer, Mode::Mock, Some(&session)));
                    unsaved += usize::from(!ok);
                    saved += usize::from(ok);
                    say(&verdict(report, &turn.follow_up, ok, style))?;
                }
            }
            Err(err) => stderr_line(&format!("error: {err}")),
        }
        turns.push(turn);
        if quit || dialogue.at_end() {
            if quit {
                say(&style.dim(" (the interview ends here)\n"))?;
            }
            break;
        }
    }

    say(&report(&turns, guides.len(), style))?;
    if let (true, Some(history)) = (saved > 0, history) {
        let answers = if saved == 1 { "answer" } else { "answers" };
        say(&style.dim(&format!(
            " {saved} {answers} saved to your history in {}\n",
            history.location()
        )))?;
    }
    let refused = turns.iter().any(|t| t.report.is_none() && !t.skipped);
    let scored = turns.iter().any(|t| t.report.is_some());
    let code = if refused && !scored {
        exit::UNSCORABLE
    } else {
        exit::OK
    };
    Ok(crate::history::unsaved_exit(unsaved, code))
}

/// The short verdict after an answer: score, band, the follow-up's result, whether it
/// was saved, and the one change that would lift it most.
fn verdict(
    report: &Report,
    follow_up: &Option<(String, bool)>,
    saved: bool,
    style: Style,
) -> String {
    let mut line = format!(
        "{}/100 · {}",
        style.bold(&report.score.to_string()),
        style.band(report.band)
    );
    if let Some((step, met)) = follow_up {
        line.push_str(&format!(" · follow-up on {step} {}", style.mark(*met)));
    }
    if saved {
        line.push_str(&style.dim(" · saved to your history"));
    }
    let mut s = format!("\n {}  {line}\n", style.label("verdict"));
    if let Some(next) = report.feedback.first() {
        s.push_str(&format!(" {}     {}\n", style.bold("next"), next.trim()));
    }
    s
}

/// When steps are missing, asks the follow-up of the most important one, once, and
/// scores the answer and the reply together. Whether the user asked to quit.
fn ask_follow_up(
    library: &Library,
    dialogue: &mut Dialogue<std::io::StdinLock<'static>>,
    turn: &mut Turn,
    answer: &str,
    style: Style,
) -> Result<bool> {
    let Some(report) = &turn.report else {
        return Ok(false);
    };
    let step = turn
        .guide
        .follow_up_step(|s| report.criterion(&s.id).is_some_and(|c| !c.met));
    let Some(step) = step else {
        return Ok(false);
    };
    say(&format!(
        "\n {} {}\n",
        style.label("interviewer:"),
        step.follow_up.trim()
    ))?;
    let reply = match dialogue.answer(true)? {
        Reply::Answer(reply) => reply,
        quit_or_not => {
            if quit_or_not == Reply::Skip {
                say(&style.dim(" skipped\n"))?;
            }
            turn.follow_up = Some((step.id.clone(), false));
            return Ok(quit_or_not == Reply::Quit);
        }
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
    Ok(false)
}

/// The end-of-interview report: each question by its text, with how it went.
fn report(turns: &[Turn], planned: usize, style: Style) -> String {
    let mut s = format!("\n {}\n", style.bold("interview report"));
    let answered = turns.iter().filter(|t| !t.skipped).count();
    let skipped = turns.len() - answered;
    if answered < planned {
        let mut note = format!("{answered} of {planned} questions answered");
        if skipped > 0 {
            note.push_str(&format!(", {skipped} skipped"));
        }
        s.push_str(&format!(" {}\n", style.dim(&note)));
    }
    for (i, turn) in turns.iter().enumerate() {
        let result = match &turn.report {
            Some(r) => format!("{:>3}/100  {}", r.score, style.band_padded(r.band, 10)),
            None if turn.skipped => style.dim("skipped"),
            None => style.bad("not scored"),
        };
        let follow = match &turn.follow_up {
            Some((step, met)) => format!("  follow-up on {step} {}", style.mark(*met)),
            None => String::new(),
        };
        s.push_str(&format!(
            " {:>2}. {}\n     {result}{follow}\n",
            i + 1,
            quote(&turn.guide.question, QUESTION_CHARS)
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
                "   {} {} in \"{}\"  {}\n",
                style.mark(false),
                c.id,
                quote(&guide.question, SHORT_QUESTION_CHARS),
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
