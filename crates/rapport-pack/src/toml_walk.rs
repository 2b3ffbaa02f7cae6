//! Typed, spanned reads from a parsed TOML table, reporting every problem with its line.
//!
//! `toml::de::DeTable` keeps the byte span of every key and value, so line numbers come
//! from the parser. The readers here check presence, type and emptiness, and remember
//! which keys were read so the rest can be flagged as unknown fields.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::diagnostic::{Diagnostic, LineIndex, Severity};

/// Collects the diagnostics for one file, tagging them with the current guide.
pub(crate) struct Report<'a> {
    file: &'a str,
    lines: &'a LineIndex,
    /// The id of the guide being read, for the `guide` of each diagnostic.
    pub(crate) guide: Option<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    pub(crate) fn new(file: &'a str, lines: &'a LineIndex) -> Report<'a> {
        Report {
            file,
            lines,
            guide: None,
            diagnostics: Vec::new(),
        }
    }

    pub(crate) fn file(&self) -> &'a str {
        self.file
    }

    /// The 1-based line a span starts on.
    pub(crate) fn line(&self, span: Range<usize>) -> usize {
        self.lines.line(span.start)
    }

    /// How many errors were reported so far; compare two counts to see whether an item
    /// had errors.
    pub(crate) fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Reports an error: the item being read will be left out.
    pub(crate) fn error(&mut self, line: usize, field: Option<&str>, message: impl Into<String>) {
        self.push(Severity::Error, line, field, message.into());
    }

    /// Reports a warning: the item still loads.
    pub(crate) fn warning(&mut self, line: usize, field: Option<&str>, message: impl Into<String>) {
        self.push(Severity::Warning, line, field, message.into());
    }

    fn push(&mut self, severity: Severity, line: usize, field: Option<&str>, message: String) {
        self.diagnostics.push(Diagnostic {
            severity,
            file: self.file.to_owned(),
            line: Some(line),
            guide: self.guide.clone(),
            field: field.map(str::to_owned),
            message,
        });
    }
}

/// A TOML table being read: where it is, how its fields are named in diagnostics, and
/// which keys have been read.
pub(crate) struct Table<'t, 'i> {
    table: &'t DeTable<'i>,
    /// The path prefix of its fields in diagnostics (`""`, `pack`, `step[2]`).
    path: String,
    /// The line of the table's header, for fields that are missing.
    pub(crate) line: usize,
    read: RefCell<BTreeSet<&'static str>>,
}

/// A field that is present: its value and the line of its key.
pub(crate) struct Field<'t, 'i> {
    pub(crate) value: &'t DeValue<'i>,
    pub(crate) line: usize,
    pub(crate) path: String,
}

impl<'t, 'i> Table<'t, 'i> {
    pub(crate) fn new(table: &'t DeTable<'i>, path: impl Into<String>, line: usize) -> Self {
        Table {
            table,
            path: path.into(),
            line,
            read: RefCell::new(BTreeSet::new()),
        }
    }

    /// The same table with its fields named relative to `path` instead (guides name
    /// their fields from the guide, not from the file).
    pub(crate) fn with_path(self, path: impl Into<String>) -> Self {
        Table {
            path: path.into(),
            ..self
        }
    }

    /// The diagnostic path of the table itself (`sample[1].marks`).
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Whether the key is present (without marking it as read).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// The line of a key, or of the table's header when the key is absent.
    pub(crate) fn key_line(&self, report: &Report<'_>, key: &str) -> usize {
        self.table
            .get_key_value(key)
            .map_or(self.line, |(k, _)| report.line(k.span()))
    }

    /// The diagnostic path of one of this table's fields.
    pub(crate) fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The field, if present; reports it as missing when `required`.
    pub(crate) fn field(
        &self,
        report: &mut Report<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<Field<'t, 'i>> {
        self.read.borrow_mut().insert(key);
        match self.table.get_key_value(key) {
            Some((k, v)) => Some(Field {
                value: v.get_ref(),
                line: report.line(k.span()),
                path: self.path_of(key),
            }),
            None => {
                if required {
                    report.error(
                        self.line,
                        Some(&self.path_of(key)),
                        "missing required field",
                    );
                }
                None
            }
        }
    }

    /// A non-empty string field.
    pub(crate) fn string(
        &self,
        report: &mut Report<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<String> {
        let field = self.field(report, key, required)?;
        non_empty_string(report, field.value, field.line, &field.path)
    }

    /// An array of non-empty strings with at least `min` entries (`what` names them in
    /// the message, e.g. "cues").
    pub(crate) fn strings(
        &self,
        report: &mut Report<'_>,
        key: &'static str,
        required: bool,
        min: usize,
        what: &str,
    ) -> Option<Vec<String>> {
        let field = self.field(report, key, required)?;
        string_list(report, &field, min, what)
    }

    /// An array of tables (`[[guide.step]]`, named by `header` in messages), each with
    /// its header line and 1-based diagnostic path (`step[2]`), and the line of the field
    /// (its first header).
    pub(crate) fn tables(
        &self,
        report: &mut Report<'_>,
        key: &'static str,
        header: &str,
        required: bool,
    ) -> Option<(usize, Vec<Table<'t, 'i>>)> {
        let field = self.field(report, key, required)?;
        let Some(items) = field.value.as_array() else {
            report.error(
                field.line,
                Some(&field.path),
                format!(
                    "expected an array of tables (`[[{header}]]`), found {}",
                    type_name(field.value)
                ),
            );
            return None;
        };
        let mut tables = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{}]", field.path, i + 1);
            let line = report.line(item.span());
            match item.get_ref().as_table() {
                Some(table) => tables.push(Table::new(table, path, line)),
                None => report.error(
                    line,
                    Some(&path),
                    format!("expected a table, found {}", type_name(item.get_ref())),
                ),
            }
        }
        Some((field.line, tables))
    }

    /// A table field (`[pack]`, `[guide.sample.marks]`).
    pub(crate) fn table(
        &self,
        report: &mut Report<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<Table<'t, 'i>> {
        let field = self.field(report, key, required)?;
        match field.value.as_table() {
            Some(table) => Some(Table::new(table, field.path, field.line)),
            None => {
                report.error(
                    field.line,
                    Some(&field.path),
                    format!("expected a table, found {}", type_name(field.value)),
                );
                None
            }
        }
    }

    /// The entries of the table in file order, with the line of each key.
    pub(crate) fn entries(&self, report: &Report<'_>) -> Vec<(&'t str, usize, &'t DeValue<'i>)> {
        // Keys are stored sorted by name; sort by position so diagnostics follow the file.
        let mut entries: Vec<(&'t Spanned<DeString<'i>>, &'t Spanned<DeValue<'i>>)> =
            self.table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        entries
            .into_iter()
            .map(|(k, v)| (k.get_ref().as_ref(), report.line(k.span()), v.get_ref()))
            .collect()
    }

    /// Warns about every key that no reader asked for, suggesting the nearest known name.
    pub(crate) fn warn_unknown(&self, report: &mut Report<'_>, known: &[&str]) {
        for (key, line, _) in self.entries(report) {
            if self.read.borrow().contains(key) {
                continue;
            }
            let message = match suggest(key, known) {
                Some(near) => format!("unknown field, ignored: did you mean `{near}`?"),
                None => format!(
                    "unknown field, ignored: expected one of {}",
                    quoted_list(known)
                ),
            };
            report.warning(line, Some(&self.path_of(key)), message);
        }
    }
}

/// Checks that a value is a string with some non-space text in it.
pub(crate) fn non_empty_string(
    report: &mut Report<'_>,
    value: &DeValue<'_>,
    line: usize,
    path: &str,
) -> Option<String> {
    match value.as_str() {
        Some(s) if s.trim().is_empty() => {
            report.error(line, Some(path), "must not be empty");
            None
        }
        Some(s) => Some(s.to_owned()),
        None => {
            report.error(
                line,
                Some(path),
                format!("expected a string, found {}", type_name(value)),
            );
            None
        }
    }
}

/// Checks that a field is an array of non-empty strings with at least `min` entries.
pub(crate) fn string_list(
    report: &mut Report<'_>,
    field: &Field<'_, '_>,
    min: usize,
    what: &str,
) -> Option<Vec<String>> {
    let Some(items) = field.value.as_array() else {
        report.error(
            field.line,
            Some(&field.path),
            format!(
                "expected an array of strings, found {}",
                type_name(field.value)
            ),
        );
        return None;
    };
    let before = report.error_count();
    let mut strings = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("{}[{}]", field.path, i + 1);
        let line = report.line(item.span());
        if let Some(s) = non_empty_string(report, item.get_ref(), line, &path) {
            strings.push(s);
        }
    }
    if items.len() < min {
        let found = match items.len() {
            0 => "none".to_owned(),
            n => n.to_string(),
        };
        report.error(
            field.line,
            Some(&field.path),
            format!("expected at least {min} {what}, found {found}"),
        );
    }
    (report.error_count() == before).then_some(strings)
}

/// A value's type with an article, for messages: "a string", "an integer".
pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// The numeric value of an integer or float, as written in TOML.
pub(crate) fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
        _ => None,
    }
}

/// `a`, `b` and `c`, each in backticks.
pub(crate) fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The known name a misspelt key most likely meant: same letters up to case and
/// `-`/`_`, or at most two edits away.
fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let fold = |s: &str| s.to_lowercase().replace(['-', ' '], "_");
    let folded = fold(key);
    if let Some(exact) = known.iter().find(|k| fold(k) == folded) {
        return Some(exact);
    }
    known
        .iter()
        .map(|k| (edit_distance(&folded, k), *k))
        .filter(|(d, k)| *d <= 2 && *d < k.len().min(folded.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}
