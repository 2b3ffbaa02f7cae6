//! Talking with the user on standard input and output, for `practice` and `mock`.
//!
//! Works the same on a terminal and on piped input, so tests can drive a session by
//! writing its keystrokes to standard input.

use std::io::{self, BufRead, IsTerminal, Read, Write};

use anyhow::{Context, Result};

use crate::input;

/// How much of one endless line is skipped before the input counts as ended.
const MAX_SKIPPED_BYTES: usize = 16 << 20;

/// Line-by-line reading of the user's replies.
pub struct Dialogue<R> {
    input: R,
    at_end: bool,
    /// Echo short replies, so a transcript of piped input reads like a session.
    echo: bool,
}

impl Dialogue<io::StdinLock<'static>> {
    /// A dialogue over standard input.
    pub fn stdin() -> Self {
        let mut dialogue = Dialogue::new(io::stdin().lock());
        dialogue.echo = !io::stdin().is_terminal();
        dialogue
    }
}

impl<R: BufRead> Dialogue<R> {
    /// A dialogue over any reader.
    pub fn new(input: R) -> Self {
        Dialogue {
            input,
            at_end: false,
            echo: false,
        }
    }

    /// Whether the input has ended.
    pub fn at_end(&self) -> bool {
        self.at_end
    }

    /// The next line as bytes, without its line ending; `None` at the end of input.
    fn raw_line(&mut self) -> Result<Option<Vec<u8>>> {
        if self.at_end {
            return Ok(None);
        }
        let mut line = Vec::new();
        let n = (&mut self.input)
            .take(input::MAX_ANSWER_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .context("cannot read standard input")?;
        if n == 0 {
            self.at_end = true;
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
                    self.at_end = true;
                    break;
                }
            }
            return Ok(Some(line));
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        } else {
            // A last line without a newline: nothing follows it.
            self.at_end = true;
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

    /// Reads a multi-line answer: lines until an empty line after some text, a line
    /// holding only `.`, or the end of input. Leading empty lines are skipped. `None`
    /// when the input ended before any text.
    ///
    /// An answer that cannot be used (not UTF-8, over the length limit) is refused on
    /// standard error and the user is asked again: one bad paste does not end the session.
    pub fn answer(&mut self) -> Result<Option<String>> {
        loop {
            let mut lines: Vec<Vec<u8>> = Vec::new();
            let mut bytes = 0;
            while let Some(line) = self.raw_line()? {
                if line.trim_ascii() == b"." {
                    break;
                }
                if line.trim_ascii().is_empty() {
                    if bytes == 0 {
                        continue;
                    }
                    break;
                }
                bytes += line.len() + 1;
                // Past the limit the lines are still read, to find the answer's end.
                if bytes <= input::MAX_ANSWER_BYTES + 1 {
                    lines.push(line);
                }
            }
            if bytes == 0 {
                return Ok(None);
            }
            let text = if bytes > input::MAX_ANSWER_BYTES + 1 {
                Err(input::too_long())
            } else {
                input::utf8(lines.join(&b'\n')).map_err(|e| e.to_string())
            };
            match text {
                Ok(text) => return Ok(Some(text)),
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

/// Writes to standard output and flushes, so prompts show before we wait.
pub fn say(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(input: &str) -> Vec<Option<String>> {
        let mut d = Dialogue::new(input.as_bytes());
        (0..3).map(|_| d.answer().ok().flatten()).collect()
    }

    #[test]
    fn answers_end_at_blank_line_dot_or_eof() {
        assert_eq!(
            answers("\n\nfirst line\nsecond\n\nnext one\n.\nlast"),
            vec![
                Some("first line\nsecond".to_owned()),
                Some("next one".to_owned()),
                Some("last".to_owned())
            ]
        );
        assert_eq!(answers(""), vec![None, None, None]);
    }

    #[test]
    fn an_unusable_answer_is_refused_and_the_next_one_read() {
        let mut input = b"caf\xe9 au lait\n\nthe same in UTF-8\n\n".to_vec();
        input.extend(vec![b'x'; input::MAX_ANSWER_BYTES + 5]);
        input.extend(b"\n\nshort again\n");
        let mut d = Dialogue::new(&input[..]);
        assert_eq!(
            d.answer().ok().flatten().as_deref(),
            Some("the same in UTF-8")
        );
        assert_eq!(d.answer().ok().flatten().as_deref(), Some("short again"));
        assert_eq!(d.answer().ok().flatten(), None);
    }
}
