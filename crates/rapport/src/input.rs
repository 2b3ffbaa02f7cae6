//! Reading answers: from a file or standard input, as bytes, checked to be UTF-8.
//!
//! Everything else about an answer (empty, too long, binary, not English) is the engine's
//! call; here we only make sure it is text, and say where it is not.

use std::fs;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Reads the answer from `path`, or from standard input when `path` is `None` or `-`.
pub fn read_answer(path: Option<&Path>) -> Result<String> {
    let (bytes, source) = match path {
        Some(path) if path != Path::new("-") => {
            let bytes =
                fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
            (bytes, format!("`{}`", path.display()))
        }
        _ => {
            if io::stdin().is_terminal() {
                crate::term::stderr_line(
                    "type or paste the answer, then press Ctrl-D on an empty line",
                );
            }
            (read_stdin()?, "standard input".to_owned())
        }
    };
    utf8(bytes).with_context(|| format!("cannot use the answer from {source}"))
}

/// Reads all of standard input.
pub fn read_stdin() -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    Ok(bytes)
}

/// Reads a whole file, or standard input for `-`.
pub fn read_file_or_stdin(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        read_stdin()
    } else {
        fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))
    }
}

/// Turns bytes into text, or says at which byte offset they stop being UTF-8.
pub fn utf8(bytes: Vec<u8>) -> Result<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let byte = err.as_bytes().get(offset).copied().unwrap_or_default();
            bail!("it is not valid UTF-8 text (byte 0x{byte:02x} at offset {offset})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
