//! Terminal niceties without dependencies: ANSI styling and a one-line progress bar.
//!
//! Colour is used only when the stream is a terminal, `NO_COLOR` is unset or empty and
//! `TERM` is not `dumb`; meaning never rests on colour alone (✓ and ✗ carry it).

use std::env;
use std::io::{self, IsTerminal, Write};

/// Whether to style text, decided once per stream.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    enabled: bool,
}

impl Style {
    /// Styling for standard output.
    pub fn stdout() -> Style {
        Style {
            enabled: io::stdout().is_terminal() && colour_allowed(),
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dim, for rules and secondary text.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Green, for what is there.
    pub fn good(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Red, for what is missing.
    pub fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Yellow, for cautions.
    pub fn warn(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Cyan, for labels.
    pub fn label(self, text: &str) -> String {
        self.paint("36", text)
    }

    /// ✓ or ✗, coloured.
    pub fn mark(self, met: bool) -> String {
        if met {
            self.good("✓")
        } else {
            self.bad("✗")
        }
    }

    /// A step's mark: ✓ met, ◐ begun (found, not counted yet), ✗ missing.
    pub fn step_mark(self, met: bool, begun: bool) -> String {
        if begun && !met {
            self.paint("33", "◐")
        } else {
            self.mark(met)
        }
    }

    /// A band name, coloured by how good it is.
    pub fn band(self, band: rapport_engine::Band) -> String {
        self.band_padded(band, 0)
    }

    /// A band name padded to `width` columns, then coloured (padding after colouring
    /// would count the escape codes).
    pub fn band_padded(self, band: rapport_engine::Band, width: usize) -> String {
        use rapport_engine::Band;
        let name = &format!("{:<width$}", band.as_str());
        match band {
            Band::Strong | Band::Solid => self.good(name),
            Band::Developing => self.warn(name),
            Band::Weak => self.bad(name),
        }
    }
}

/// Whether the environment allows colour at all.
fn colour_allowed() -> bool {
    env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
pub struct Progress {
    total: usize,
    done: usize,
    visible: bool,
}

impl Progress {
    const WIDTH: usize = 30;

    /// A bar for `total` steps; invisible unless stderr is a terminal.
    pub fn new(total: usize) -> Progress {
        Progress {
            total,
            done: 0,
            visible: io::stderr().is_terminal() && total > 0,
        }
    }

    /// Marks one more step done and redraws.
    pub fn tick(&mut self) {
        self.done = (self.done + 1).min(self.total);
        if !self.visible {
            return;
        }
        let filled = Self::WIDTH * self.done / self.total.max(1);
        let bar = format!(
            "\r[{}{}] {}/{}",
            "#".repeat(filled),
            " ".repeat(Self::WIDTH - filled),
            self.done,
            self.total
        );
        let mut err = io::stderr().lock();
        // A progress bar that cannot be drawn is not worth failing the batch for.
        let _ = err.write_all(bar.as_bytes());
        let _ = err.flush();
    }

    /// Prints a line on stderr above the bar.
    pub fn note(&mut self, line: &str) {
        let mut err = io::stderr().lock();
        if self.visible {
            let _ = write!(err, "\r{}\r", " ".repeat(Self::WIDTH + 24));
        }
        let _ = writeln!(err, "{line}");
    }

    /// Clears the bar's line.
    pub fn finish(&mut self) {
        if self.visible {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(Self::WIDTH + 24));
            let _ = err.flush();
            self.visible = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Word-wraps text to `width` columns, every line starting with `indent`; blank lines in
/// the text (paragraphs) are kept.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let room = width.saturating_sub(indent.chars().count()).max(20);
    let mut out = String::new();
    for (i, paragraph) in text.trim().split("\n\n").enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Writes one line to stderr; a closed stderr is ignored rather than a panic.
pub fn stderr_line(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_paragraphs_and_indent() {
        let text = "one two three four five six seven eight nine ten eleven twelve\n\nnext";
        assert_eq!(
            wrap(text, 26, "  "),
            "  one two three four five\n  six seven eight nine ten\n  eleven twelve\n\n  next\n"
        );
    }
}
