//! Diagnostics: what is wrong with a pack or lexicon, and exactly where.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The item it concerns (a guide, the pack table, a file) is left out.
    Error,
    /// Worth fixing, but the item still loads (an unknown field, a duplicate entry).
    Warning,
}

impl Severity {
    /// The lower-case name, as printed before a diagnostic (`error`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found while reading a pack or a lexicon.
///
/// It displays as
/// ``packs/x.toml:42: guide `late-check-in`, field `step[2].cues`: expected at least 3 cues``;
/// the severity is not part of the display, so callers print it as they like
/// (`"{severity}: {diagnostic}"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether the item is left out ([`Severity::Error`]) or only flagged.
    pub severity: Severity,
    /// The file's display name, as given by the caller (`builtin:...` for embedded data).
    pub file: String,
    /// The 1-based line: the field's own line when the field exists, else the line of the
    /// table that should hold it (e.g. the guide's `[[guide]]` line).
    pub line: Option<usize>,
    /// The id of the guide concerned, when there is one.
    pub guide: Option<String>,
    /// The field concerned, as a path inside the guide (`step[2].cues`, with 1-based
    /// indices) or inside the file (`pack.id`) when outside any guide.
    pub field: Option<String>,
    /// What is wrong: lower-case, no trailing period.
    pub message: String,
}

impl Diagnostic {
    /// An error with only a file and a message; add the rest with the `with_*` methods.
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, file, message)
    }

    /// A warning with only a file and a message; add the rest with the `with_*` methods.
    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, file, message)
    }

    fn new(severity: Severity, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            line: None,
            guide: None,
            field: None,
            message: message.into(),
        }
    }

    /// Sets the line.
    pub fn with_line(mut self, line: usize) -> Diagnostic {
        self.line = Some(line);
        self
    }

    /// Sets the guide id.
    pub fn with_guide(mut self, guide: impl Into<String>) -> Diagnostic {
        self.guide = Some(guide.into());
        self
    }

    /// Sets the field path.
    pub fn with_field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = Some(field.into());
        self
    }

    /// Whether this is an error (the item it concerns is left out).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        match (&self.guide, &self.field) {
            (Some(guide), Some(field)) => write!(f, "guide `{guide}`, field `{field}`: ")?,
            (Some(guide), None) => write!(f, "guide `{guide}`: ")?,
            (None, Some(field)) => write!(f, "field `{field}`: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

/// Byte offsets to 1-based line numbers, for one file.
pub(crate) struct LineIndex {
    /// Byte offset where each line starts; the first is always 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        // `partition_point` counts the line starts at or before `offset`, which is the
        // 1-based number of the line that holds it.
        self.starts.partition_point(|&start| start <= offset).max(1)
    }
}
