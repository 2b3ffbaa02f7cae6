//! Talking with the user on standard input and output, for `practice` and `mock`.
//!
//! Works the same on a terminal and on piped input, so tests can drive a session by
//! writing its keystrokes to standard input. An answer may hold paragraphs: it ends with
//! a line holding only `.`, or with the end of input (Ctrl-D on a terminal, where the
//! session then goes on; on piped input nothing follows it).

use std::fs;
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::input;

/// How much of one endless line is skipped before the input counts as ended.
const MAX_SKIPPED_BYTES: usize = 16 << 20;

/// How an answer ends, as the screen says it.
pub const HOW_TO_END: &str = "end it with a line holding only \".\" or Ctrl-D";

/// What the user gave when asked for an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The answer's text, without leading or trailing blank lines.
    Answer(String),
    /// A line holding only `skip` (where skipping is offered): go on to the next question.
    Skip,
    /// A line holding only `q` or `quit`: stop here.
    Quit,
    /// The input ended before any text.
    End,
}

/// Line-by-line reading of the user's replies.
pub struct Dialogue<R> {
    input: R,
    /// The input has ended for good (piped input); a terminal's Ctrl-D ends only the
    /// answer being typed.
    at_end: bool,
    /// The last read met the end of input (Ctrl-D on a terminal).
    hit_end: bool,
    /// Whether the input is a terminal: there the end of input is not for good.
    terminal: bool,
    /// Echo short replies, so a transcript of piped input reads like a session.
    echo: bool,
}

impl Dialogue<io::StdinLock<'static>> {
    /// A dialogue over standard input.
    pub fn stdin() -> Self {
        let mut dialogue = Dialogue::new(io::stdin().lock());
        dialogue.terminal = io::stdin().is_terminal();
        dialogue.echo = !dialogue.terminal;
        dialogue
    }
}

impl<R: BufRead> Dialogue<R> {
    /// A dialogue over any reader, read as piped input.
    pub fn new(input: R) -> Self {
        Dialogue {
            input,
            at_end: false,
            hit_end: false,
            terminal: false,
            echo: false,
        }
    }

    /// Whether the input has ended for good.
    pub fn at_end(&self) -> bool {
        self.at_end
    }

    /// Whether the user is at a terminal (and so could use an editor).
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// Notes that the input ended: for good unless it is a terminal.
    fn ended(&mut self) {
        self.hit_end = true;
        if !self.terminal {
            self.at_end = true;
        }
    }

    /// The next line as bytes, without its line ending; `None` at the end of input.
    fn raw_line(&mut self) -> Result<Option<Vec<u8>>> {
        self.hit_end = false;
        if self.at_end {
            return Ok(None);
        }
        let mut line = Vec::new();
        let n = (&mut self.input)
            .take(input::MAX_ANSWER_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .context("cannot read standard input")?;
        if n == 0 {
            self.ended();
            return Ok(None);
        }
        if line.len() > input::MAX_ANSWER_BYTES {
            // Longer than any answer may be: the rest of the line is skipped, up to a
            // bound, so that endless input without a newline ends the session.
            let mut skipped = 0usize;
            loop {
                let mut rest = Vec::new();
                let n = (&mut self.input)
                    .take(1 << 16)
                    .read_until(b'\n', &mut rest)
                    .context("cannot read standard input")?;
                skipped += n;
                if rest.last() == Some(&b'\n') {
                    break;
                }
                if n == 0 || skipped > MAX_SKIPPED_BYTES {
                    self.ended();
                    break;
                }
            }
            return Ok(Some(line));
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        } else {
            // A last line without a newline (Ctrl-D after text on a terminal).
            self.ended();
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Ok(Some(line))
    }

    /// The next line as text (invalid UTF-8 replaced), `None` at the end of input. On
    /// piped input the line is echoed, as a terminal would have shown it.
    pub fn line(&mut self) -> Result<Option<String>> {
        let line = self
            .raw_line()?
            .map(|l| String::from_utf8_lossy(&l).into_owned());
        if self.echo {
            say(&format!("{}\n", line.as_deref().unwrap_or_default()))?;
        }
        Ok(line)
    }

    /// Reads a multi-line answer: lines until one holding only `.`, or the end of input.
    /// Blank lines inside are kept (paragraphs); leading and trailing ones are dropped. A
    /// line holding only `q` or `quit`, or `skip` when `skip` is offered, is that
    /// command, whatever was typed before it.
    ///
    /// An answer that cannot be used (not UTF-8, over the length limit) is refused on
    /// standard error and the user is asked again: one bad paste does not end the session.
    pub fn answer(&mut self, skip: bool) -> Result<Reply> {
        loop {
            let mut lines: Vec<Vec<u8>> = Vec::new();
            let mut bytes = 0;
            while let Some(line) = self.raw_line()? {
                let word = line.trim_ascii();
                if word == b"." {
                    break;
                }
                if word.eq_ignore_ascii_case(b"q") || word.eq_ignore_ascii_case(b"quit") {
                    return Ok(Reply::Quit);
                }
                if skip && word.eq_ignore_ascii_case(b"skip") {
                    return Ok(Reply::Skip);
                }
                if !(word.is_empty() && bytes == 0) {
                    bytes += line.len() + 1;
                    // Past the limit the lines are still read, to find the answer's end.
                    if bytes <= input::MAX_ANSWER_BYTES + 1 {
                        lines.push(line);
                    }
                }
                if self.hit_end {
                    break;
                }
            }
            while lines.last().is_some_and(|l| l.trim_ascii().is_empty()) {
                lines.pop();
            }
            if lines.is_empty() {
                if self.hit_end || self.at_end {
                    return Ok(Reply::End);
                }
                // A lone "." before any text: keep waiting for the answer.
                continue;
            }
            let text = if bytes > input::MAX_ANSWER_BYTES + 1 {
                Err(input::too_long())
            } else {
                input::utf8(lines.join(&b'\n')).map_err(|e| e.to_string())
            };
            match text {
                Ok(text) => return Ok(Reply::Answer(text)),
                Err(why) => {
                    crate::term::stderr_line(&format!(
                        "error: cannot use the answer: {why}; type or paste it again"
                    ));
                }
            }
        }
    }

    /// Asks a yes/no question (default no).
    pub fn yes(&mut self, question: &str) -> Result<bool> {
        say(&format!("{question} [y/N] "))?;
        let reply = self.line()?.unwrap_or_default();
        Ok(matches!(reply.trim().to_lowercase().as_str(), "y" | "yes"))
    }
}

/// The editor the user asked for in `$EDITOR`, if any.
pub fn editor() -> Option<String> {
    std::env::var("EDITOR")
        .ok()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
}

/// Lets the user edit `text` in `editor` (which inherits the terminal) and returns what
/// they saved, without surrounding whitespace. The editor may carry arguments
/// (`code --wait`), as git allows: it is run by the shell with the file's path after it.
pub fn edit(editor: &str, text: &str) -> Result<String> {
    let mut file = tempfile::Builder::new()
        .prefix("rapport-answer-")
        .suffix(".txt")
        .tempfile()
        .context("cannot make a file to edit the answer in")?;
    file.write_all(format!("{}\n", text.trim_end()).as_bytes())
        .and_then(|()| file.flush())
        .context("cannot write the answer to edit")?;
    let status = editor_command(editor, file.path())
        .status()
        .with_context(|| format!("cannot start the editor `{editor}`"))?;
    if !status.success() {
        bail!("the editor `{editor}` failed ({status})");
    }
    // Read by path, not through the handle: many editors save by replacing the file.
    let mut bytes = Vec::new();
    fs::File::open(file.path())
        .and_then(|f| {
            f.take(input::MAX_ANSWER_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .context("cannot read the edited answer back")?;
    if bytes.len() > input::MAX_ANSWER_BYTES {
        bail!("{}", input::too_long());
    }
    let text = input::utf8(bytes).context("cannot use the edited answer")?;
    Ok(text.trim().to_owned())
}

/// The command that opens `path` in `editor`.
#[cfg(unix)]
fn editor_command(editor: &str, path: &Path) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path);
    command
}

/// The command that opens `path` in `editor`: its first word is the program.
#[cfg(not(unix))]
fn editor_command(editor: &str, path: &Path) -> Command {
    let mut words = editor.split_whitespace();
    let mut command = Command::new(words.next().unwrap_or(editor));
    command.args(words).arg(path);
    command
}

/// Writes to standard output and flushes, so prompts show before we wait.
pub fn say(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replies(input: &str, skip: bool) -> Vec<Reply> {
        let mut d = Dialogue::new(input.as_bytes());
        (0..3)
            .map(|_| d.answer(skip).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    fn answer(text: &str) -> Reply {
        Reply::Answer(text.to_owned())
    }

    #[test]
    fn answers_keep_paragraphs_and_end_at_a_dot_or_the_end_of_input() {
        assert_eq!(
            replies(
                "\n\nfirst line\nsecond\n\nnew paragraph\n\n.\nnext one\n.\nlast",
                false
            ),
            vec![
                answer("first line\nsecond\n\nnew paragraph"),
                answer("next one"),
                answer("last")
            ]
        );
        assert_eq!(replies("", false), vec![Reply::End, Reply::End, Reply::End]);
        // A dot before any text is not an empty answer: the answer is still awaited.
        assert_eq!(
            replies(".\n\n.\nat last\n", false),
            vec![answer("at last"), Reply::End, Reply::End]
        );
    }

    #[test]
    fn quit_and_skip_are_lines_of_their_own() {
        assert_eq!(
            replies("half an answer\nskip\n Quit \nq\n", true),
            vec![Reply::Skip, Reply::Quit, Reply::Quit]
        );
        // Where skipping is not offered, "skip" is text; "quit" inside a line is too.
        assert_eq!(
            replies("skip\nI will not quit on a customer\n.\n", false),
            vec![
                answer("skip\nI will not quit on a customer"),
                Reply::End,
                Reply::End
            ]
        );
    }

    #[test]
    fn an_unusable_answer_is_refused_and_the_next_one_read() {
        let mut input = b"caf\xe9 au lait\n.\nthe same in UTF-8\n.\n".to_vec();
        input.extend(vec![b'x'; input::MAX_ANSWER_BYTES + 5]);
        input.extend(b"\n.\nshort again\n");
        let mut d = Dialogue::new(&input[..]);
        let mut next = || d.answer(false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(next(), answer("the same in UTF-8"));
        assert_eq!(next(), answer("short again"));
        assert_eq!(next(), Reply::End);
    }

    #[cfg(unix)]
    #[test]
    fn the_editor_gets_the_answer_and_gives_back_what_was_saved() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let script = dir.path().join("append.sh");
        fs::write(&script, "printf 'Added in the editor.\\n' >> \"$1\"\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let editor = format!("sh {}", script.display());
        let edited = edit(&editor, "First paragraph.\n\nSecond.").map_err(|e| e.to_string());
        assert_eq!(
            edited.as_deref(),
            Ok("First paragraph.\n\nSecond.\nAdded in the editor.")
        );
        let failed = edit("false", "text").map_err(|e| e.to_string());
        assert!(
            failed
                .as_ref()
                .is_err_and(|e| e.contains("the editor `false` failed")),
            "{failed:?}"
        );
    }
}
