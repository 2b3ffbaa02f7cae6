//! `rapport practice [ID]`: answer a question, read the card, retry and see what changed.

use std::io::IsTerminal;

use anyhow::Result;
use rapport_engine::{Comparison, Report};
use rapport_pack::{Guide, Stage};
use rapport_server::card::quote;
use rapport_store::Mode;
use rapport_text::diff;

use crate::card;
use crate::cli::PracticeArgs;
use crate::dialogue::{self, Dialogue, HOW_TO_END, Reply, say};
use crate::exit;
use crate::history::History;
use crate::packs::Library;
use crate::suggest;
use crate::term::{Style, stderr_line, wrap};

/// Runs a practice session on one question.
pub fn run(library: &Library, args: &PracticeArgs, history: Option<&History>) -> Result<u8> {
    let engine = &library.engine;
    let mut dialogue = Dialogue::stdin();
    let style = Style::stdout();
    let guide = match &args.id {
        Some(id) => engine
            .guide(id)
            .ok_or_else(|| suggest::unknown_question(engine, id))?,
        None => match pick(library, &mut dialogue, style)? {
            Some(guide) => guide,
            None => return Ok(exit::OK),
        },
    };

    say(&format!(
        "\n{}{}\n",
        style.bold(&wrap(&guide.question, 88, " ")),
        style.dim(&format!(
            " type your answer; {HOW_TO_END}\n blank lines are kept · \"q\" on its own line quits"
        ))
    ))?;
    let mut answer = match dialogue.answer(false)? {
        Reply::Answer(answer) => answer,
        Reply::Quit | Reply::Skip => return Ok(exit::OK),
        Reply::End => {
            say(&style.dim(" no answer given\n"))?;
            return Ok(exit::OK);
        }
    };
    let mut last: Option<Report> = None;
    let mut last_failed;
    let mut unsaved = 0;
    loop {
        match engine.score(&guide.id, &answer) {
            Ok(report) => {
                let saved = history.is_some_and(|h| h.save(&report, &answer, Mode::Practice, None));
                unsaved += usize::from(!saved);
                say(&format!("\n{}", card::render(&report, style)))?;
                if let Some(before) = &last {
                    say(&changes(&Comparison::between(before, &report), style))?;
                }
                if let (true, Some(history)) = (saved, history) {
                    say(&style.dim(&format!(
                        " saved to your history in {}\n",
                        history.location()
                    )))?;
                }
                last = Some(report);
                last_failed = false;
            }
            Err(err) => {
                stderr_line(&format!("error: {err}"));
                last_failed = true;
            }
        }
        say("\n")?;
        if !dialogue.yes(" retry?")? {
            break;
        }
        match next_answer(&mut dialogue, &answer, style)? {
            Some(next) => answer = next,
            None => break,
        }
    }
    let code = if last_failed {
        exit::UNSCORABLE
    } else {
        exit::OK
    };
    Ok(crate::history::unsaved_exit(unsaved, code))
}

/// The answer to try again with: the last one edited in `$EDITOR` when it is set and
/// the user is at a terminal (piped input is a script, with no one to edit), else one
/// typed again. `None` when the user quits or the input ends.
fn next_answer(
    dialogue: &mut Dialogue<std::io::StdinLock<'static>>,
    previous: &str,
    style: Style,
) -> Result<Option<String>> {
    let editor = dialogue::editor().filter(|_| dialogue.is_terminal());
    if let Some(editor) = editor.as_deref() {
        say(&style.dim(&format!(
            " opening your last answer in {editor}; save and close it to score it again\n"
        )))?;
        match dialogue::edit(editor, previous) {
            Ok(edited) if !edited.is_empty() => {
                say(&edits(previous, &edited, style))?;
                return Ok(Some(edited));
            }
            Ok(_) => stderr_line("error: the edited answer is empty; type it instead"),
            Err(err) => stderr_line(&format!("error: {err:#}; type your answer instead")),
        }
    } else if dialogue.is_terminal() {
        say(&style.dim(&format!(
            " type your new answer; {HOW_TO_END} (set EDITOR to edit the last one instead)\n"
        )))?;
    } else {
        say(&style.dim(&format!(" type your new answer; {HOW_TO_END}\n")))?;
    }
    Ok(match dialogue.answer(false)? {
        Reply::Answer(answer) => Some(answer),
        Reply::Quit | Reply::Skip | Reply::End => None,
    })
}

/// How many changes [`edits`] lists.
const MAX_EDITS_SHOWN: usize = 4;
/// How many characters of a change [`edits`] quotes.
const EDIT_CHARS: usize = 70;

/// What the user changed in the editor, word by word, as lines for the terminal.
fn edits(old: &str, new: &str, style: Style) -> String {
    let pieces = diff::words(old, new);
    let hunks = diff::hunks(&pieces);
    if hunks.is_empty() {
        return format!(" {}  no change to the answer\n", style.bold("your edits"));
    }
    let mut s = format!(" {}\n", style.bold("your edits"));
    for hunk in hunks.iter().take(MAX_EDITS_SHOWN) {
        if !hunk.deleted.trim().is_empty() {
            s.push_str(&format!(
                "   {} \"{}\"\n",
                style.bad("-"),
                quote(&hunk.deleted, EDIT_CHARS)
            ));
        }
        if !hunk.inserted.trim().is_empty() {
            s.push_str(&format!(
                "   {} \"{}\"\n",
                style.good("+"),
                quote(&hunk.inserted, EDIT_CHARS)
            ));
        }
    }
    if hunks.len() > MAX_EDITS_SHOWN {
        s.push_str(&format!("   and {} more\n", hunks.len() - MAX_EDITS_SHOWN));
    }
    s
}

/// Lets the user choose a question: a numbered list on a terminal, else the first
/// opening question. `None` when input ends at the prompt.
fn pick<'a>(
    library: &'a Library,
    dialogue: &mut Dialogue<std::io::StdinLock<'static>>,
    style: Style,
) -> Result<Option<&'a Guide>> {
    let guides: Vec<&Guide> = library.engine.guides().collect();
    let default = guides
        .iter()
        .find(|g| g.stage == Stage::Opening)
        .or_else(|| guides.first())
        .copied();
    let Some(default) = default else {
        anyhow::bail!("no questions are loaded");
    };
    if !std::io::stdin().is_terminal() {
        return Ok(Some(default));
    }
    let mut list = String::new();
    for (i, g) in guides.iter().enumerate() {
        list.push_str(&format!("{:>3}. {}\n", i + 1, g.question.trim()));
    }
    say(&list)?;
    loop {
        say(&format!(
            " pick a question by number or id, or q to quit [{}]: ",
            style.bold(&default.id)
        ))?;
        let Some(reply) = dialogue.line()? else {
            return Ok(None);
        };
        let reply = reply.trim();
        if reply.is_empty() {
            return Ok(Some(default));
        }
        if reply.eq_ignore_ascii_case("q") || reply.eq_ignore_ascii_case("quit") {
            return Ok(None);
        }
        if let Some(g) = reply
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| guides.get(i).copied())
            .or_else(|| library.engine.guide(reply))
        {
            return Ok(Some(g));
        }
        stderr_line(&format!(
            "error: {}",
            suggest::unknown_question(&library.engine, reply)
        ));
    }
}

/// What changed since the last attempt, as lines for the terminal.
pub fn changes(c: &Comparison, style: Style) -> String {
    let delta = match c.score_delta {
        d if d > 0 => style.good(&format!("+{d} points")),
        d if d < 0 => style.bad(&format!("{d} points")),
        _ => "same score".to_owned(),
    };
    let band = if c.band.0 == c.band.1 {
        format!("still {}", c.band.1.as_str())
    } else {
        format!("{} → {}", c.band.0.as_str(), c.band.1.as_str())
    };
    let mut s = format!(" {}  {delta} · {band}\n", style.bold("since last time"));
    if !c.gained.is_empty() {
        s.push_str(&format!(
            "   {} now there: {}\n",
            style.mark(true),
            c.gained.join(", ")
        ));
    }
    if !c.lost.is_empty() {
        s.push_str(&format!(
            "   {} no longer there: {}\n",
            style.mark(false),
            c.lost.join(", ")
        ));
    }
    if c.gained.is_empty() && c.lost.is_empty() {
        s.push_str("   the same steps as before\n");
    }
    s
}
