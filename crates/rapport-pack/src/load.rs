//! Reading one pack from its files: TOML syntax, then every rule of `docs/packs.md`.

use std::collections::HashMap;

use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::model::{Guide, Kind, Origin, Pack, Sample, Signal, Stage, Step};
use crate::scoring::{Fit, read_scoring};
use crate::toml_walk::{
    Field, Report, Table, non_empty_string, number, quoted_list, string_list, type_name,
};

/// The result of reading one pack: what loaded, and everything that is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct PackLoad {
    /// The pack, when a usable `[pack]` table was found. It holds only the guides without
    /// errors; the others are named in `diagnostics`.
    pub pack: Option<Pack>,
    /// Errors and warnings, file by file in the order given, each file's in line order.
    pub diagnostics: Vec<Diagnostic>,
}

impl PackLoad {
    /// Whether any diagnostic is an error (something was left out).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

const ROOT_FIELDS: &[&str] = &["pack", "guide", "scoring"];
const PACK_FIELDS: &[&str] = &["id", "name", "version", "description"];
const GUIDE_FIELDS: &[&str] = &[
    "id",
    "question",
    "kind",
    "rewordings",
    "assesses",
    "skills",
    "stage",
    "pitfalls",
    "step",
    "sample",
];
const STEP_FIELDS: &[&str] = &[
    "id",
    "label",
    "guidance",
    "signal",
    "cues",
    "examples",
    "missing",
    "follow_up",
    "weight",
];
const SAMPLE_FIELDS: &[&str] = &["text", "marks"];
const STAGES: [Stage; 3] = [Stage::Opening, Stage::Core, Stage::Closing];

const MIN_STEPS: usize = 3;
const MAX_STEPS: usize = 5;
const MIN_SAMPLES: usize = 2;
const MIN_CUES: usize = 3;
const MIN_EXAMPLES: usize = 3;
const MIN_PITFALLS: usize = 1;
const WEIGHT_RANGE: std::ops::RangeInclusive<f64> = 0.5..=2.0;

/// How many characters of a passage a diagnostic quotes.
const QUOTE_CHARS: usize = 40;

/// Reads the files of one pack: a single file, or a folder's files in name order, each
/// as `(display name, contents)`.
///
/// Exactly one `[pack]` table must appear across the files. A file with a TOML syntax
/// error is reported and skipped; a guide with any error is reported and left out; the
/// rest load.
pub fn parse_pack(files: &[(String, String)]) -> PackLoad {
    // A file saved with Windows line endings reads as the same pack: otherwise the
    // `\r`s would stay in multi-line strings and a sample's marks would not match it.
    let normalised: Vec<(String, String)>;
    let files = if files.iter().any(|(_, text)| text.contains('\r')) {
        normalised = files
            .iter()
            .map(|(name, text)| (name.clone(), text.replace("\r\n", "\n")))
            .collect();
        &normalised[..]
    } else {
        files
    };
    let parsed: Vec<(&str, LineIndex, Result<_, _>)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), LineIndex::new(text), DeTable::parse(text)))
        .collect();

    // The `[pack]` table in `pack.toml` is the pack's, wherever that file sorts; failing
    // that, the first one. Any other is reported as a duplicate of it.
    let pack_at = parsed
        .iter()
        .enumerate()
        .filter_map(|(i, (name, lines, root))| {
            let root = root.as_ref().ok()?;
            let (key, _) = root.get_ref().get_key_value("pack")?;
            let origin = Origin {
                file: (*name).to_owned(),
                line: lines.line(key.span().start),
            };
            Some((!is_pack_toml(name), i, origin))
        })
        .min_by_key(|(not_pack_toml, i, _)| (*not_pack_toml, *i))
        .map(|(_, _, origin)| origin);
    let mut state = State {
        pack_at,
        ..State::default()
    };

    let mut diagnostics = Vec::new();
    for ((name, lines, root), (_, text)) in parsed.iter().zip(files) {
        let mut report = Report::new(name, lines);
        match root {
            Ok(root) => read_file(root.get_ref(), &mut report, &mut state),
            Err(err) => report
                .diagnostics
                .push(syntax_error(name, text, lines, err)),
        }
        // Missing fields point at their table's header, which comes before the fields
        // already reported, so put the file's diagnostics back in line order.
        report.diagnostics.sort_by_key(|d| d.line);
        diagnostics.append(&mut report.diagnostics);
    }

    if state.pack_at.is_none() {
        let file = files
            .iter()
            .map(|(name, _)| name)
            .find(|name| is_pack_toml(name))
            .or(files.first().map(|(name, _)| name));
        let diagnostic = match file {
            Some(file) => Diagnostic::error(
                file.as_str(),
                "no `[pack]` table: a pack needs one, with at least `id` and `name`",
            ),
            None => Diagnostic::error("(no files)", "a pack needs at least one file"),
        };
        diagnostics.push(diagnostic);
    }

    let origin = state.pack_at.clone().unwrap_or_default();
    let pack = state.header.map(|header| Pack {
        id: header.id,
        name: header.name,
        version: header.version,
        description: header.description,
        guides: state.guides,
        scoring: state.scoring,
        origin,
    });
    PackLoad { pack, diagnostics }
}

/// Whether a file is a folder pack's `pack.toml`.
fn is_pack_toml(name: &str) -> bool {
    name.rsplit(['/', '\\']).next() == Some("pack.toml")
}

/// A TOML syntax error, at its line and column.
fn syntax_error(name: &str, text: &str, lines: &LineIndex, err: &toml::de::Error) -> Diagnostic {
    let Some(span) = err.span() else {
        // The parser gives no place for nesting past its limit: the line that nests
        // deepest (dotted keys, brackets, braces) is where it is.
        let diagnostic = Diagnostic::error(name, format!("syntax error: {}", err.message()));
        let deepest = text
            .lines()
            .enumerate()
            .map(|(i, line)| (line.matches(['.', '[', '{']).count(), i + 1))
            .max_by_key(|&(depth, line)| (depth, std::cmp::Reverse(line)));
        return match deepest {
            Some((depth, line)) if depth > 0 => diagnostic.with_line(line),
            _ => diagnostic,
        };
    };
    let before = text.get(..span.start).unwrap_or(text);
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Diagnostic::error(
        name,
        format!("syntax error at column {column}: {}", err.message()),
    )
    .with_line(lines.line(span.start))
}

/// What has been read so far across the files of a pack.
#[derive(Default)]
struct State {
    /// Where the pack's `[pack]` table is, usable or not.
    pack_at: Option<Origin>,
    /// The `[pack]` table, when it had no errors.
    header: Option<Header>,
    /// Guides without errors, in file order.
    guides: Vec<Guide>,
    /// Where each guide id was first used, loaded or not.
    guide_ids: HashMap<String, Origin>,
    /// The fitted score's coefficients, one fit per engine.
    scoring: Vec<Fit>,
}

/// The fields of the `[pack]` table.
struct Header {
    id: String,
    name: String,
    version: String,
    description: String,
}

fn read_file(root: &DeTable<'_>, report: &mut Report<'_>, state: &mut State) {
    let root = Table::new(root, "", 1);
    let pack = root.table(report, "pack", false);
    let guides = root.tables(report, "guide", "guide", false);
    let scoring = root.table(report, "scoring", false);
    root.warn_unknown(report, ROOT_FIELDS);

    if let Some(scoring) = scoring {
        report.guide = None;
        for fit in read_scoring(&scoring, report) {
            if state.scoring.iter().any(|f| f.engine == fit.engine) {
                report.error(
                    scoring.line,
                    Some("scoring"),
                    format!("duplicate `[scoring.{}]` table, ignored", fit.engine),
                );
            } else {
                state.scoring.push(fit);
            }
        }
    }

    if !root.has("pack") && !root.has("guide") && !root.has("scoring") {
        report.diagnostics.push(Diagnostic::warning(
            report.file(),
            "no `[pack]` or `[[guide]]` table in this file",
        ));
    }

    if let Some(pack) = pack {
        match &state.pack_at {
            Some(chosen) if chosen.file == report.file() && chosen.line == pack.line => {
                state.header = read_header(&pack, report);
            }
            Some(chosen) => report.error(
                pack.line,
                Some("pack"),
                format!(
                    "duplicate `[pack]` table, ignored: the pack is defined at {}:{}",
                    chosen.file, chosen.line
                ),
            ),
            // Not reached: `parse_pack` found every `[pack]` table before reading.
            None => state.header = read_header(&pack, report),
        }
    }

    for guide in guides.into_iter().flat_map(|(_, tables)| tables) {
        let guide = guide.with_path("");
        if let Some(guide) = read_guide(&guide, report, state) {
            state.guides.push(guide);
        }
    }
}

fn read_header(table: &Table<'_, '_>, report: &mut Report<'_>) -> Option<Header> {
    let before = report.error_count();
    let id = table.string(report, "id", true);
    if let Some(id) = &id {
        check_id(report, table, id);
    }
    let name = table.string(report, "name", true);
    let version = table.string(report, "version", false);
    let description = table.string(report, "description", false);
    table.warn_unknown(report, PACK_FIELDS);
    if report.error_count() > before {
        return None;
    }
    Some(Header {
        id: id?,
        name: name?,
        version: version.unwrap_or_else(|| "1".to_owned()),
        description: description.unwrap_or_default(),
    })
}

fn read_guide(table: &Table<'_, '_>, report: &mut Report<'_>, state: &mut State) -> Option<Guide> {
    let before = report.error_count();
    report.guide = None;

    let id = table.string(report, "id", true);
    if let Some(id) = &id {
        report.guide = Some(id.clone());
        check_id(report, table, id);
        match state.guide_ids.get(id) {
            Some(first) => {
                let line = table.key_line(report, "id");
                report.error(
                    line,
                    Some("id"),
                    format!(
                        "duplicate guide id, already used at {}:{}; this guide is left out",
                        first.file, first.line
                    ),
                );
            }
            None => {
                let origin = Origin {
                    file: report.file().to_owned(),
                    line: table.line,
                };
                state.guide_ids.insert(id.clone(), origin);
            }
        }
    }

    let question = table.string(report, "question", true);
    let rewordings = table.strings(report, "rewordings", false, 0, "rewordings");
    let assesses = table.string(report, "assesses", true);
    let skills = table.strings(report, "skills", false, 0, "skills");
    let stage = read_stage(table, report);
    let kind = read_kind(table, report);
    let pitfalls = table.strings(report, "pitfalls", true, MIN_PITFALLS, "pitfall");

    let mut steps = Vec::new();
    // The valid step ids, to check the samples' marks against; `None` when a step has no
    // valid id, as every mark check would then be a follow-on error.
    let mut step_ids: Option<Vec<String>> = None;
    if let Some((line, tables)) = table.tables(report, "step", "guide.step", true) {
        if !(MIN_STEPS..=MAX_STEPS).contains(&tables.len()) {
            report.error(
                line,
                Some("step"),
                format!(
                    "expected {MIN_STEPS} to {MAX_STEPS} steps, found {}",
                    tables.len()
                ),
            );
        }
        let mut ids = Vec::new();
        let mut id_lines: HashMap<String, usize> = HashMap::new();
        let mut all_have_ids = true;
        for step_table in &tables {
            let (step_id, step) = read_step(step_table, report);
            steps.extend(step);
            let Some(step_id) = step_id else {
                all_have_ids = false;
                continue;
            };
            let line = step_table.key_line(report, "id");
            match id_lines.get(&step_id) {
                Some(first_line) => report.error(
                    line,
                    Some(&step_table.path_of("id")),
                    format!("duplicate step id `{step_id}`, already used at line {first_line}"),
                ),
                None => {
                    id_lines.insert(step_id.clone(), line);
                    ids.push(step_id);
                }
            }
        }
        if all_have_ids && !ids.is_empty() {
            step_ids = Some(ids);
        }
    }

    let mut samples = Vec::new();
    if let Some((line, tables)) = table.tables(report, "sample", "guide.sample", true) {
        if tables.len() < MIN_SAMPLES {
            report.error(
                line,
                Some("sample"),
                format!(
                    "expected at least {MIN_SAMPLES} samples, found {}",
                    tables.len()
                ),
            );
        }
        for sample_table in &tables {
            samples.extend(read_sample(sample_table, report, step_ids.as_deref()));
        }
    }

    table.warn_unknown(report, GUIDE_FIELDS);
    if report.error_count() > before {
        return None;
    }
    Some(Guide {
        id: id?,
        question: question?,
        rewordings: rewordings.unwrap_or_default(),
        assesses: assesses?,
        skills: skills.unwrap_or_default(),
        stage: stage?,
        kind: kind?,
        steps,
        samples,
        pitfalls: pitfalls?,
        origin: Origin {
            file: report.file().to_owned(),
            line: table.line,
        },
    })
}

/// The stage, `core` when absent; `None` after reporting a bad one.
fn read_stage(table: &Table<'_, '_>, report: &mut Report<'_>) -> Option<Stage> {
    let Some(field) = table.field(report, "stage", false) else {
        return Some(Stage::Core);
    };
    let name = non_empty_string(report, field.value, field.line, &field.path)?;
    let stage = STAGES.into_iter().find(|s| s.as_str() == name);
    if stage.is_none() {
        let names: Vec<&str> = STAGES.iter().map(|s| s.as_str()).collect();
        report.error(
            field.line,
            Some(&field.path),
            format!("unknown stage `{name}`: expected {}", quoted_list(&names)),
        );
    }
    stage
}

/// The kind, `story` when absent; `None` after reporting a bad one.
fn read_kind(table: &Table<'_, '_>, report: &mut Report<'_>) -> Option<Kind> {
    let Some(field) = table.field(report, "kind", false) else {
        return Some(Kind::Story);
    };
    let name = non_empty_string(report, field.value, field.line, &field.path)?;
    let kind = Kind::parse(&name);
    if kind.is_none() {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        report.error(
            field.line,
            Some(&field.path),
            format!("unknown kind `{name}`: expected {}", quoted_list(&names)),
        );
    }
    kind
}

/// The step's id when it is valid (for the duplicate and marks checks), and the step
/// when it has no errors.
fn read_step(table: &Table<'_, '_>, report: &mut Report<'_>) -> (Option<String>, Option<Step>) {
    let before = report.error_count();
    let id = table
        .string(report, "id", true)
        .filter(|id| check_id(report, table, id));
    let label = table.string(report, "label", true);
    let guidance = table.string(report, "guidance", true);
    let signal = read_signal(table, report);
    let cues = table.strings(report, "cues", true, MIN_CUES, "cues");
    let examples = table.strings(report, "examples", true, MIN_EXAMPLES, "examples");
    let missing = table.string(report, "missing", true);
    let follow_up = table.string(report, "follow_up", true);
    let weight = read_weight(table, report);
    table.warn_unknown(report, STEP_FIELDS);

    if report.error_count() > before {
        return (id, None);
    }
    let step = (|| {
        Some(Step {
            id: id.clone()?,
            label: label?,
            guidance: guidance?,
            signal: signal?,
            cues: cues?,
            examples: examples?,
            missing: missing?,
            follow_up: follow_up?,
            weight: weight?,
        })
    })();
    (id, step)
}

fn read_signal(table: &Table<'_, '_>, report: &mut Report<'_>) -> Option<Signal> {
    let field = table.field(report, "signal", true)?;
    let name = non_empty_string(report, field.value, field.line, &field.path)?;
    let signal = Signal::parse(&name);
    if signal.is_none() {
        let names: Vec<&str> = Signal::ALL.iter().map(|s| s.as_str()).collect();
        report.error(
            field.line,
            Some(&field.path),
            format!(
                "unknown signal `{name}`: expected one of {}",
                quoted_list(&names)
            ),
        );
    }
    signal
}

/// The weight, 1.0 when absent; `None` after reporting a bad one.
fn read_weight(table: &Table<'_, '_>, report: &mut Report<'_>) -> Option<f32> {
    let Some(field) = table.field(report, "weight", false) else {
        return Some(1.0);
    };
    let Some(weight) = number(field.value) else {
        report.error(
            field.line,
            Some(&field.path),
            format!("expected a number, found {}", type_name(field.value)),
        );
        return None;
    };
    if !WEIGHT_RANGE.contains(&weight) {
        report.error(
            field.line,
            Some(&field.path),
            format!(
                "expected a weight between {:.1} and {:.1}, found {weight:?}",
                WEIGHT_RANGE.start(),
                WEIGHT_RANGE.end()
            ),
        );
        return None;
    }
    Some(weight as f32)
}

/// Reads a sample; its marks are checked against `step_ids` when they are known.
fn read_sample(
    table: &Table<'_, '_>,
    report: &mut Report<'_>,
    step_ids: Option<&[String]>,
) -> Option<Sample> {
    let before = report.error_count();
    let text = table.string(report, "text", true);
    let mut marks: Vec<(String, Vec<String>)> = Vec::new();

    if let Some(marks_table) = table.table(report, "marks", true) {
        // Steps with marks, even broken ones, so a broken mark is not also "not marked".
        let mut marked: Vec<&str> = Vec::new();
        for (step, line, value) in marks_table.entries(report) {
            let path = marks_table.path_of(step);
            if step_ids.is_some_and(|ids| !ids.iter().any(|id| id == step)) {
                let ids: Vec<&str> = step_ids
                    .unwrap_or_default()
                    .iter()
                    .map(String::as_str)
                    .collect();
                report.error(
                    line,
                    Some(&path),
                    format!(
                        "marks step `{step}`, which this guide does not have (its steps: {})",
                        quoted_list(&ids)
                    ),
                );
                continue;
            }
            if value.as_array().is_none_or(|items| !items.is_empty()) {
                marked.push(step);
            }
            let field = Field {
                value,
                line,
                path: path.clone(),
            };
            let Some(passages) = string_list(report, &field, 0, "passages") else {
                continue;
            };
            if let (Some(text), Some(items)) = (&text, value.as_array()) {
                for (passage, item) in passages.iter().zip(items.iter()) {
                    if !text.contains(passage.as_str()) {
                        let line = report.line(item.span());
                        report.error(line, Some(&path), not_in_text_message(step, passage, text));
                    }
                }
            }
            marks.push((step.to_owned(), passages));
        }
        for step in step_ids.unwrap_or_default() {
            if !marked.contains(&step.as_str()) {
                report.error(
                    marks_table.line,
                    Some(marks_table.path()),
                    format!("step `{step}` is not marked"),
                );
            }
        }
    }
    table.warn_unknown(report, SAMPLE_FIELDS);

    if report.error_count() > before {
        return None;
    }
    // Marks in step order, the order the engine and the cards use.
    if let Some(ids) = step_ids {
        marks.sort_by_key(|(step, _)| ids.iter().position(|id| id == step));
    }
    Some(Sample { text: text?, marks })
}

/// Says which step's passage is missing from the text, quoting its start, and whether
/// only the spacing differs (easy to get wrong across the lines of a `"""` string).
fn not_in_text_message(step: &str, passage: &str, text: &str) -> String {
    let mut quoted: String = passage.chars().take(QUOTE_CHARS).collect();
    if passage.chars().count() > QUOTE_CHARS {
        quoted.push_str("...");
    }
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let hint = if collapse(text).contains(&collapse(passage)) {
        " (only the spacing or line breaks differ)"
    } else {
        ""
    };
    format!("the passage marked for step `{step}` is not in the text{hint}: {quoted:?}")
}

/// Reports an id that is not lower-case letters, digits and `-`; says whether it is valid.
fn check_id(report: &mut Report<'_>, table: &Table<'_, '_>, id: &str) -> bool {
    let valid = id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        let line = table.key_line(report, "id");
        report.error(
            line,
            Some(&table.path_of("id")),
            format!("invalid id `{id}`: use lower-case letters, digits and `-`"),
        );
    }
    valid
}
