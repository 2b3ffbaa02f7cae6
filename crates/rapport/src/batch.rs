//! JSON Lines input (`score --batch`, `eval`): bounded lines, a byte-order mark before
//! the first, and one batch line parsed into its fields.

use std::io::{BufRead, Read};

use anyhow::{Context, Result, bail};
use rapport_engine::MAX_ANSWER_CHARS;
use rapport_server::contract::line_error;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The longest line of a JSON Lines file: room for the longest answer written
/// entirely in `\uXXXX` escapes, and its other fields.
pub const MAX_LINE_BYTES: usize = MAX_ANSWER_CHARS * 6 + 64 * 1024;

/// The non-empty lines of `reader`, each with its line number and without surrounding
/// whitespace; a byte-order mark before the first line is dropped. No line is read
/// past [`MAX_LINE_BYTES`]: a longer one is an error naming it. `name` names the input
/// in errors (`` `batch.jsonl` ``, `standard input`).
pub fn read_lines(mut reader: impl BufRead, name: &str) -> Result<Vec<(usize, Vec<u8>)>> {
    let mut lines = Vec::new();
    for number in 1.. {
        let mut line = Vec::new();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .with_context(|| format!("cannot read {name}"))?;
        if n == 0 {
            break;
        }
        if line.len() > MAX_LINE_BYTES {
            bail!(
                "cannot read {name}: line {number} is longer than {} KiB, the most one answer \
                 and its fields can take",
                MAX_LINE_BYTES / 1024
            );
        }
        let mut text: &[u8] = &line;
        if number == 1 {
            text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
        }
        let text = text.trim_ascii();
        if !text.is_empty() {
            lines.push((number, text.to_vec()));
        }
    }
    Ok(lines)
}

/// One line of `score --batch` input. Other fields (labels, notes) are ignored.
#[derive(Debug, Deserialize)]
pub struct BatchLine {
    /// The caller's id, echoed in the output.
    #[serde(default)]
    pub id: Option<Value>,
    /// A guide id.
    #[serde(default)]
    pub question_id: Option<String>,
    /// A free question, matched to a guide.
    #[serde(default)]
    pub question: Option<String>,
    /// The answer.
    pub answer: String,
}

/// Parses one JSON Lines line (a [`BatchLine`], or `eval`'s labelled line), or says
/// what is wrong with it.
pub fn parse_line<T: DeserializeOwned>(line: &[u8]) -> Result<T, String> {
    let text = utf8(line.to_vec()).map_err(|e| format!("the line: {e}"))?;
    serde_json::from_str(&text).map_err(|e| line_error(&e))
}

/// Turns bytes into text, or says at which byte offset they stop being UTF-8.
pub fn utf8(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let byte = err.as_bytes().get(offset).copied().unwrap_or_default();
        format!("it is not valid UTF-8 text (byte 0x{byte:02x} at offset {offset})")
    })
}
