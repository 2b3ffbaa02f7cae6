//! Lexicons: word lists that are not specific to one guide (fillers, hedges, skills, ...).
//!
//! A lexicon file holds one phrase per line. `#` starts a comment (at the start of a
//! line, or after whitespace, so `c#` stays a phrase), blank lines are ignored and
//! `[section]` lines group the entries that follow; entries before any header are in
//! section `""`. Phrases are lower-cased and their whitespace collapsed; they follow the
//! cue syntax of `docs/packs.md`.

use std::collections::BTreeMap;
use std::collections::HashMap;

use crate::diagnostic::Diagnostic;

/// One word list, its entries grouped in sections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lexicon {
    /// The lexicon's name: its file name without folder or extension (`fillers`).
    pub name: String,
    /// Sections in file order, each with its entries in file order. A section whose
    /// header appears twice is one section.
    pub sections: Vec<(String, Vec<String>)>,
}

impl Lexicon {
    /// The entries of a section (`""` for those before any header); empty when the
    /// section does not exist.
    pub fn section(&self, name: &str) -> &[String] {
        self.sections
            .iter()
            .find(|(section, _)| section == name)
            .map_or(&[], |(_, entries)| entries.as_slice())
    }

    /// The names of the sections, in file order.
    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|(name, _)| name.as_str())
    }

    /// Every entry of every section, in file order.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.sections
            .iter()
            .flat_map(|(_, entries)| entries.iter().map(String::as_str))
    }
}

/// Lexicons by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lexicons {
    by_name: BTreeMap<String, Lexicon>,
}

impl Lexicons {
    /// The lexicon with this name (`fillers` for `fillers.txt`).
    pub fn get(&self, name: &str) -> Option<&Lexicon> {
        self.by_name.get(name)
    }

    /// Adds a lexicon, replacing any with the same name; returns the replaced one.
    pub fn insert(&mut self, lexicon: Lexicon) -> Option<Lexicon> {
        self.by_name.insert(lexicon.name.clone(), lexicon)
    }

    /// All lexicons, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Lexicon> {
        self.by_name.values()
    }

    /// How many lexicons there are.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// Reads a set of lexicon files, each as `(display name, contents)`. Two files with the
/// same lexicon name are an error; the first is kept.
pub fn parse_lexicons(files: &[(String, String)]) -> (Lexicons, Vec<Diagnostic>) {
    let mut lexicons = Lexicons::default();
    let mut files_by_name: HashMap<String, &str> = HashMap::new();
    let mut diagnostics = Vec::new();
    for (file, src) in files {
        let (lexicon, mut found) = parse_lexicon(file, src);
        diagnostics.append(&mut found);
        if let Some(first) = files_by_name.get(&lexicon.name) {
            diagnostics.push(Diagnostic::error(
                file.as_str(),
                format!(
                    "lexicon `{}` is already defined by {first}; this file is left out",
                    lexicon.name
                ),
            ));
            continue;
        }
        files_by_name.insert(lexicon.name.clone(), file);
        lexicons.insert(lexicon);
    }
    (lexicons, diagnostics)
}

/// Reads one lexicon file. `file` is its display name (`packs/lexicons/fillers.txt`,
/// `builtin:lexicons/fillers.txt`, or just `fillers`); the lexicon is named after it,
/// without folder or extension.
pub fn parse_lexicon(file: &str, src: &str) -> (Lexicon, Vec<Diagnostic>) {
    let mut lexicon = Lexicon {
        name: lexicon_name(file).to_owned(),
        sections: Vec::new(),
    };
    let mut diagnostics = Vec::new();
    // Where each entry was first seen, per section, to report duplicates.
    let mut first_lines: HashMap<(String, String), usize> = HashMap::new();
    let mut current = String::new();

    for (i, raw) in src.lines().enumerate() {
        let line = i + 1;
        let text = strip_comment(raw).trim();
        if text.is_empty() {
            continue;
        }
        if let Some(header) = text.strip_prefix('[') {
            match header.strip_suffix(']') {
                Some(name) if !name.trim().is_empty() => {
                    current = collapse(name);
                    section_mut(&mut lexicon, &current);
                }
                Some(_) => diagnostics.push(
                    Diagnostic::error(file, "empty section name, line ignored").with_line(line),
                ),
                None => diagnostics.push(
                    Diagnostic::error(file, "section header without a closing `]`, line ignored")
                        .with_line(line),
                ),
            }
            continue;
        }
        let entry = collapse(text);
        match first_lines.get(&(current.clone(), entry.clone())) {
            Some(first) => {
                let place = if current.is_empty() {
                    String::new()
                } else {
                    format!(" in section `{current}`")
                };
                diagnostics.push(
                    Diagnostic::warning(
                        file,
                        format!("duplicate entry `{entry}`{place}, first at line {first}"),
                    )
                    .with_line(line),
                );
            }
            None => {
                first_lines.insert((current.clone(), entry.clone()), line);
                section_mut(&mut lexicon, &current).push(entry);
            }
        }
    }
    (lexicon, diagnostics)
}

/// The section's entries, adding the section if it is new.
fn section_mut<'l>(lexicon: &'l mut Lexicon, name: &str) -> &'l mut Vec<String> {
    let index = match lexicon.sections.iter().position(|(n, _)| n == name) {
        Some(index) => index,
        None => {
            lexicon.sections.push((name.to_owned(), Vec::new()));
            lexicon.sections.len() - 1
        }
    };
    &mut lexicon.sections[index].1
}

/// The line without its comment: `#` at the start or after whitespace.
fn strip_comment(line: &str) -> &str {
    let mut previous_is_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && previous_is_space {
            return &line[..i];
        }
        previous_is_space = c.is_whitespace();
    }
    line
}

/// Lower-cased, with runs of whitespace turned into one space.
fn collapse(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `fillers` for `packs/lexicons/fillers.txt` or `builtin:lexicons/fillers.txt`.
fn lexicon_name(file: &str) -> &str {
    let base = file.rsplit(['/', '\\', ':']).next().unwrap_or(file);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    }
}
