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
    // Per path: the index of its pack in `packs`, or why there is none.
    let mut loaded: Vec<Result<usize, &str>> = Vec::new();
    for path in &args.paths {
        let (files, problems) = read_pack_files(path);
        diagnostics.extend(problems);
        if files.is_empty() {
            loaded.push(Err("nothing to read"));
            continue;
        }
        let load = rapport_pack::parse_pack(&files);
        diagnostics.extend(load.diagnostics);
        match load.pack {
            Some(pack) => {
                loaded.push(Ok(packs.len()));
                packs.push(pack);
            }
            None => loaded.push(Err("no pack loaded")),
        }
    }
    let (merged, clash) = merge_with_builtin(packs.clone());
    diagnostics.extend(clash);

    let summaries: Vec<String> = args
        .paths
        .iter()
        .zip(&loaded)
        .map(|(path, outcome)| match outcome {
            Ok(i) => {
                let pack = &packs[*i];
                // Guides that lost an id clash are not loaded.
                let kept = pack
                    .guides
                    .iter()
                    .filter(|g| {
                        merged
                            .iter()
                            .flat_map(|p| &p.guides)
                            .any(|m| m.id == g.id && m.origin == g.origin)
                    })
                    .count();
                let noun = if kept == 1 { "guide" } else { "guides" };
                format!(
                    "{}: pack `{}`, {kept} {noun} loaded",
                    path.display(),
                    pack.id
                )
            }
            Err(why) => format!("{}: {why}", path.display()),
        })
        .collect();

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

/// Merges the checked packs after the built-in ones (leaving out a built-in pack that is
/// itself among those checked), so guide ids used twice are reported.
fn merge_with_builtin(checked: Vec<Pack>) -> (Vec<Pack>, Vec<Diagnostic>) {
    let mut all: Vec<Pack> = rapport_pack::builtin_packs()
        .into_iter()
        .filter_map(|load| load.pack)
        .filter(|builtin| !checked.iter().any(|p| p.id == builtin.id))
        .collect();
    all.extend(checked);
    rapport_pack::merge(all)
}
