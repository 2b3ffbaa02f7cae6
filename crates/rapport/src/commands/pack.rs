//! `rapport pack check PATH...`: every problem in a pack, with file, line and field.

use std::io::Write;

use anyhow::Result;
use rapport_pack::{Diagnostic, Pack};

use crate::cli::PackCheckArgs;
use crate::exit;
use crate::packs::{read_pack_files, tally};
use crate::term::Style;

/// Checks the packs; exit 3 when any has an error.
pub fn check(args: &PackCheckArgs) -> Result<u8> {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut packs: Vec<Pack> = Vec::new();
    let mut summaries = Vec::new();
    for path in &args.paths {
        let (files, problems) = read_pack_files(path);
        diagnostics.extend(problems);
        if files.is_empty() {
            summaries.push(format!("{}: nothing to read", path.display()));
            continue;
        }
        let load = rapport_pack::parse_pack(&files);
        diagnostics.extend(load.diagnostics);
        match load.pack {
            Some(pack) => {
                summaries.push(format!(
                    "{}: pack `{}`, {} {} loaded",
                    path.display(),
                    pack.id,
                    pack.guides.len(),
                    if pack.guides.len() == 1 {
                        "guide"
                    } else {
                        "guides"
                    }
                ));
                packs.push(pack);
            }
            None => summaries.push(format!("{}: no pack loaded", path.display())),
        }
    }
    diagnostics.extend(clashes(packs));

    let style = Style::stdout();
    let mut out = std::io::stdout().lock();
    for d in &diagnostics {
        let severity = if d.is_error() {
            style.bad("error")
        } else {
            style.warn("warning")
        };
        writeln!(out, "{severity}: {d}")?;
    }
    for summary in &summaries {
        writeln!(out, "{summary}")?;
    }
    let (errors, warnings) = tally(&diagnostics);
    writeln!(
        out,
        "{} {}, {} {}",
        errors,
        if errors == 1 { "error" } else { "errors" },
        warnings,
        if warnings == 1 { "warning" } else { "warnings" }
    )?;
    Ok(if errors > 0 {
        exit::PACK_ERRORS
    } else {
        exit::OK
    })
}

/// Guide ids used twice among the checked packs, or already used by the built-in pack
/// (unless the built-in pack itself is among those checked).
fn clashes(checked: Vec<Pack>) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    if let Some(builtin) = rapport_pack::builtin_pack().pack {
        if !checked.iter().any(|p| p.id == builtin.id) {
            all.push(builtin);
        }
    }
    all.extend(checked);
    let (_, diagnostics) = rapport_pack::merge(all);
    diagnostics
}
