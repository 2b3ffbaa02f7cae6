//! Reading answers: from a file or standard input, as bytes, checked to be UTF-8.
//!
//! Everything else about an answer (empty, binary, not English) is the engine's call;
//! here we only make sure it is text, and say where it is not. Nothing is read whole:
//! an answer stops at the most bytes its character limit allows, a line of a JSON Lines
//! file at [`rapport::batch::MAX_LINE_BYTES`], so that `/dev/zero` is refused, not held in memory.

use std::fs;
use std::io::{self, BufRead, IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};
use rapport_engine::MAX_ANSWER_CHARS;

/// The most bytes an answer within [`MAX_ANSWER_CHARS`] can take in UTF-8 (four per
/// character): one byte more means more characters than the limit.
pub const MAX_ANSWER_BYTES: usize = MAX_ANSWER_CHARS * 4;

/// The refusal for an answer over [`MAX_ANSWER_BYTES`]: its length is not known, only
/// that it is over the limit.
pub fn too_long() -> String {
    format!("the answer is over the limit of {MAX_ANSWER_CHARS} characters")
}

/// Reads the answer from `path`, or from standard input when `path` is `None` or `-`.
pub fn read_answer(path: Option<&Path>) -> Result<String> {
    let stdin = path.is_none_or(|p| p == Path::new("-"));
    if stdin && io::stdin().is_terminal() {
        crate::term::stderr_line("type or paste the answer, then press Ctrl-D on an empty line");
    }
    let source = match path {
        Some(path) if !stdin => format!("`{}`", path.display()),
        _ => "standard input".to_owned(),
    };
    let mut bytes = Vec::new();
    open(path.unwrap_or(Path::new("-")))?
        .take(MAX_ANSWER_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {source}"))?;
    if bytes.len() > MAX_ANSWER_BYTES {
        bail!("cannot use the answer from {source}: {}", too_long());
    }
    utf8(bytes).with_context(|| format!("cannot use the answer from {source}"))
}

/// A file, or standard input for `-`, buffered.
fn open(path: &Path) -> Result<Box<dyn BufRead>> {
    if path == Path::new("-") {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = fs::File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(Box::new(io::BufReader::new(file)))
}

/// The non-empty lines of a JSON Lines file, or of standard input for `-`, each with
/// its line number and without surrounding whitespace; a byte-order mark before the
/// first line is dropped. A line over [`MAX_LINE_BYTES`] stops the reading with an
/// error that names it: such a file is not a list of answers.
pub fn read_lines(path: &Path) -> Result<Vec<(usize, Vec<u8>)>> {
    let name = if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        format!("`{}`", path.display())
    };
    rapport::batch::read_lines(open(path)?, &name)
}

/// Turns bytes into text, or says at which byte offset they stop being UTF-8.
pub fn utf8(bytes: Vec<u8>) -> Result<String> {
    rapport::batch::utf8(bytes).map_err(anyhow::Error::msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_drop_a_byte_order_mark_and_stop_at_an_endless_line() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("batch.jsonl");
        std::fs::write(&path, "\u{feff}{\"a\": 1}\r\n\n  {\"b\": 2}\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let lines = read_lines(&path).map_err(|e| e.to_string());
        assert_eq!(
            lines,
            Ok(vec![
                (1, b"{\"a\": 1}".to_vec()),
                (3, b"{\"b\": 2}".to_vec())
            ])
        );
        std::fs::write(&path, vec![b'x'; rapport::batch::MAX_LINE_BYTES + 10])
            .unwrap_or_else(|e| panic!("{e}"));
        let err = read_lines(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("line 1 is longer than"), "{err}");
    }

    #[test]
    fn utf8_names_the_offset() {
        let err = utf8(b"caf\xe9 au lait".to_vec())
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("it is not valid UTF-8 text (byte 0xe9 at offset 3)")
        );
        assert_eq!(utf8("café".into()).ok().as_deref(), Some("café"));
    }
}
