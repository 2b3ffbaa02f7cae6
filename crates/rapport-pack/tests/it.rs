//! Pack and lexicon checks, driven by the fixtures in `test_data/` (update the
//! snapshots with `UPDATE_EXPECT=1 cargo test -p rapport-pack`).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use expect_test::{Expect, expect};
use rapport_pack::{
    Diagnostic, Pack, PackLoad, builtin_lexicon_files, builtin_packs, merge, parse_lexicon,
    parse_lexicons, parse_pack,
};

/// The files of a fixture pack (one file, or a folder's files in name order), named
/// `test_data/...` as the CLI would show them.
fn fixture(name: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("test_data").join(name);
    let mut files = if path.is_dir() {
        let mut names: Vec<String> = fs::read_dir(&path)
            .expect("fixture folder is readable")
            .map(|entry| {
                let entry = entry.expect("fixture folder entry is readable");
                entry.file_name().to_string_lossy().into_owned()
            })
            .collect();
        names.sort();
        names.into_iter().map(|n| format!("{name}/{n}")).collect()
    } else {
        vec![name.to_owned()]
    };
    files.retain(|f| f.ends_with(".toml") || f.ends_with(".txt"));
    files
        .into_iter()
        .map(|f| {
            let text = fs::read_to_string(root.join("test_data").join(&f))
                .unwrap_or_else(|err| panic!("reading {f}: {err}"));
            (format!("test_data/{f}"), text)
        })
        .collect()
}

fn render_diagnostics(out: &mut String, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        writeln!(out, "{}: {d}", d.severity).expect("writing to a string");
    }
}

fn render_pack(out: &mut String, pack: &Pack) {
    writeln!(
        out,
        "pack `{}` ({}, version {}): {} guides",
        pack.id,
        pack.name,
        pack.version,
        pack.guides.len()
    )
    .expect("writing to a string");
    for guide in &pack.guides {
        let steps: Vec<String> = guide
            .steps
            .iter()
            .map(|s| format!("{}/{}/{}", s.id, s.signal, s.weight))
            .collect();
        writeln!(
            out,
            "  guide `{}` at {}:{}, {}: steps {}; {} samples",
            guide.id,
            guide.origin.file,
            guide.origin.line,
            guide.stage,
            steps.join(" "),
            guide.samples.len()
        )
        .expect("writing to a string");
    }
}

fn render(load: &PackLoad) -> String {
    let mut out = String::new();
    match &load.pack {
        Some(pack) => render_pack(&mut out, pack),
        None => out.push_str("no pack\n"),
    }
    render_diagnostics(&mut out, &load.diagnostics);
    out
}

fn check(name: &str, expect: Expect) {
    let load = parse_pack(&fixture(name));
    expect.assert_eq(&render(&load));
}

fn guide_ids(name: &str) -> Vec<String> {
    let load = parse_pack(&fixture(name));
    let pack = load.pack.expect("fixture has a pack");
    pack.guides.into_iter().map(|g| g.id).collect()
}

#[test]
fn valid_file() {
    check(
        "valid.toml",
        expect![[r#"
            pack `front-desk` (Front desk, version 2024.1): 2 guides
              guide `upset-customer` at test_data/valid.toml:8, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
              guide `late-order` at test_data/valid.toml:74, closing: steps situation/situation/1 actions/actions/0.5 outcome/outcome/2; 2 samples
        "#]],
    );
    let load = parse_pack(&fixture("valid.toml"));
    let pack = load.pack.expect("valid pack loads");
    assert_eq!(pack.description, "Questions for front-desk roles.");
    let guide = &pack.guides[1];
    assert_eq!(guide.rewordings, ["How do you handle a late delivery?"]);
    assert_eq!(guide.skills, ["empathy", "problem-solving"]);
    let sample = &guide.samples[1];
    assert!(
        sample.text.starts_with("Last winter"),
        "leading newline is trimmed"
    );
    assert_eq!(
        sample.marks[1],
        (
            "actions".to_owned(),
            vec!["I moved her to a\nwarmer room and sent up tea.".to_owned()]
        )
    );
}

#[test]
fn valid_folder() {
    check(
        "folder",
        expect![[r#"
            pack `retail` (Retail, version 1): 2 guides
              guide `upset-customer` at test_data/folder/01-upset-customer.toml:2, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
              guide `late-order` at test_data/folder/02-late-order.toml:2, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
        "#]],
    );
}

#[test]
fn docs_example_is_valid() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/packs.md");
    let docs = fs::read_to_string(docs).expect("docs/packs.md is readable");
    let start = docs.find("```toml\n").expect("docs have a toml example") + "```toml\n".len();
    let end = start + docs[start..].find("```").expect("the example is closed");
    let load = parse_pack(&[("docs/packs.md".to_owned(), docs[start..end].to_owned())]);
    expect![[r#"
        pack `front-desk` (Front desk, version 1): 1 guides
          guide `late-check-in` at docs/packs.md:7, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
    "#]]
    .assert_eq(&render(&load));
}

#[test]
fn syntax_error_skips_only_that_file() {
    check(
        "syntax-error",
        expect![[r#"
            pack `broken-file` (Broken file, version 1): 1 guides
              guide `good` at test_data/syntax-error/b-good.toml:2, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/syntax-error/a-broken.toml:25: syntax error at column 29: invalid basic string, expected `"`
        "#]],
    );
}

#[test]
fn missing_fields() {
    check(
        "missing-field.toml",
        expect![[r#"
            pack `missing` (Missing fields, version 1): 2 guides
              guide `good-before` at test_data/missing-field.toml:6, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
              guide `good-after` at test_data/missing-field.toml:263, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/missing-field.toml:72: guide `missing-fields`, field `question`: missing required field
            error: test_data/missing-field.toml:92: guide `missing-fields`, field `step[2].follow_up`: missing required field
            error: test_data/missing-field.toml:136: field `id`: missing required field
            error: test_data/missing-field.toml:250: guide `no-marks`, field `sample[1].marks`: missing required field
        "#]],
    );
    // A broken guide does not hide the good ones around it in the same file.
    assert_eq!(
        guide_ids("missing-field.toml"),
        ["good-before", "good-after"]
    );
}

#[test]
fn wrong_types() {
    check(
        "wrong-type.toml",
        expect![[r#"
            pack `wrong-types` (Wrong types, version 1): 1 guides
              guide `good` at test_data/wrong-type.toml:111, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/wrong-type.toml:8: guide `wrong-types`, field `question`: expected a string, found an integer
            error: test_data/wrong-type.toml:10: guide `wrong-types`, field `skills`: expected an array of strings, found a string
            error: test_data/wrong-type.toml:18: guide `wrong-types`, field `step[1].cues[2]`: expected a string, found an integer
            error: test_data/wrong-type.toml:40: guide `wrong-types`, field `step[2].weight`: expected a number, found a string
            error: test_data/wrong-type.toml:60: guide `wrong-types`, field `sample[1].marks.actions`: expected an array of strings, found a string
            error: test_data/wrong-type.toml:80: guide `step-not-array`, field `step`: expected an array of tables (`[[guide.step]]`), found a table
        "#]],
    );
}

#[test]
fn bad_signal() {
    check(
        "bad-signal.toml",
        expect![[r#"
            pack `bad-signal` (Bad signal, version 1): 1 guides
              guide `good` at test_data/bad-signal.toml:72, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/bad-signal.toml:44: guide `bad-signal`, field `step[3].signal`: unknown signal `result`: expected one of `situation`, `example`, `actions`, `outcome`, `skills`, `reflection`, `stance`, `reasoning`, `topic`, `present`, `experience`, `motivation`, `positive`, `weakness`, `plan` or `approach`
        "#]],
    );
}

#[test]
fn bad_stage() {
    check(
        "bad-stage.toml",
        expect![[r#"
            pack `bad-stage` (Bad stage, version 1): 1 guides
              guide `good` at test_data/bad-stage.toml:73, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/bad-stage.toml:11: guide `bad-stage`, field `stage`: unknown stage `middle`: expected `opening`, `core` or `closing`
        "#]],
    );
}

#[test]
fn unmarked_step() {
    check(
        "unmarked-step.toml",
        expect![[r#"
            pack `unmarked` (Unmarked step, version 1): 1 guides
              guide `good` at test_data/unmarked-step.toml:71, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/unmarked-step.toml:57: guide `unmarked`, field `sample[1].marks`: step `outcome` is not marked
            error: test_data/unmarked-step.toml:66: guide `unmarked`, field `sample[2].marks`: step `actions` is not marked
        "#]],
    );
}

#[test]
fn mark_not_in_text() {
    check(
        "mark-not-in-text.toml",
        expect![[r#"
            pack `not-in-text` (Marks not in text, version 1): 1 guides
              guide `good` at test_data/mark-not-in-text.toml:73, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/mark-not-in-text.toml:58: guide `not-in-text`, field `sample[1].marks.situation`: the passage marked for step `situation` is not in the text: "A customer was angry about a late order ..."
            error: test_data/mark-not-in-text.toml:69: guide `not-in-text`, field `sample[2].marks.actions`: the passage marked for step `actions` is not in the text (only the spacing or line breaks differ): "I moved her to a warmer room and sent up..."
            error: test_data/mark-not-in-text.toml:71: guide `not-in-text`, field `sample[2].marks.empathy`: marks step `empathy`, which this guide does not have (its steps: `situation`, `actions` or `outcome`)
        "#]],
    );
}

#[test]
fn duplicate_ids() {
    check(
        "duplicate-ids.toml",
        expect![[r#"
            pack `dup-ids` (Duplicate ids, version 1): 1 guides
              guide `same` at test_data/duplicate-ids.toml:6, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/duplicate-ids.toml:73: guide `same`, field `id`: duplicate guide id, already used at test_data/duplicate-ids.toml:6; this guide is left out
            error: test_data/duplicate-ids.toml:160: guide `dup-step`, field `step[2].id`: duplicate step id `situation`, already used at line 146
            error: test_data/duplicate-ids.toml:203: guide `Bad Id`, field `id`: invalid id `Bad Id`: use lower-case letters, digits and `-`
            error: test_data/duplicate-ids.toml:238: guide `Bad Id`, field `step[3].id`: invalid id `Outcome`: use lower-case letters, digits and `-`
        "#]],
    );
}

#[test]
fn limits() {
    check(
        "limits.toml",
        expect![[r#"
            pack `limits` (Limits, version 1): 0 guides
            error: test_data/limits.toml:10: guide `too-few`, field `skills[2]`: must not be empty
            error: test_data/limits.toml:11: guide `too-few`, field `pitfalls`: expected at least 1 pitfall, found none
            error: test_data/limits.toml:17: guide `too-few`, field `step[1].guidance`: must not be empty
            error: test_data/limits.toml:18: guide `too-few`, field `step[1].cues`: expected at least 3 cues, found 2
            error: test_data/limits.toml:33: guide `too-few`, field `step[2].examples`: expected at least 3 examples, found 2
            error: test_data/limits.toml:53: guide `too-few`, field `step[3].weight`: expected a weight between 0.5 and 2.0, found 3.0
            error: test_data/limits.toml:55: guide `too-few`, field `sample`: expected at least 2 samples, found 1
            error: test_data/limits.toml:72: guide `two-steps`, field `step`: expected 3 to 5 steps, found 2
            error: test_data/limits.toml:165: guide `empty-text`, field `sample[1].text`: must not be empty
        "#]],
    );
}

#[test]
fn unknown_fields_warn() {
    check(
        "unknown-field.toml",
        expect![[r#"
            pack `unknown` (Unknown fields, version 1): 1 guides
              guide `warned-only` at test_data/unknown-field.toml:74, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            warning: test_data/unknown-field.toml:5: field `pack.colour`: unknown field, ignored: expected one of `id`, `name`, `version` or `description`
            warning: test_data/unknown-field.toml:12: guide `typos`, field `difficulty`: unknown field, ignored: expected one of `id`, `question`, `kind`, `rewordings`, `assesses`, `skills`, `stage`, `pitfalls`, `step` or `sample`
            error: test_data/unknown-field.toml:15: guide `typos`, field `step[1].follow_up`: missing required field
            warning: test_data/unknown-field.toml:27: guide `typos`, field `step[1].follow-up`: unknown field, ignored: did you mean `follow_up`?
            error: test_data/unknown-field.toml:29: guide `typos`, field `step[2].examples`: missing required field
            warning: test_data/unknown-field.toml:35: guide `typos`, field `step[2].exmaples`: unknown field, ignored: did you mean `examples`?
            warning: test_data/unknown-field.toml:122: guide `warned-only`, field `step[3].tone`: unknown field, ignored: expected one of `id`, `label`, `guidance`, `signal`, `cues`, `examples`, `missing`, `follow_up` or `weight`
            warning: test_data/unknown-field.toml:141: field `guides`: unknown field, ignored: did you mean `guide`?
        "#]],
    );
}

#[test]
fn missing_pack_table() {
    check(
        "no-pack",
        expect![[r#"
            no pack
            error: test_data/no-pack/guides.toml: no `[pack]` table: a pack needs one, with at least `id` and `name`
        "#]],
    );
}

#[test]
fn two_pack_tables() {
    check(
        "two-packs",
        expect![[r#"
            pack `two-packs` (Two packs, version 1): 1 guides
              guide `still-loads` at test_data/two-packs/more.toml:6, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
            error: test_data/two-packs/more.toml:2: field `pack`: duplicate `[pack]` table, ignored: the pack is defined at test_data/two-packs/pack.toml:2
        "#]],
    );
}

#[test]
fn broken_pack_table() {
    check(
        "bad-pack",
        expect![[r#"
            no pack
            error: test_data/bad-pack/pack.toml:2: field `pack.name`: missing required field
            error: test_data/bad-pack/pack.toml:3: field `pack.id`: invalid id `Bad Pack`: use lower-case letters, digits and `-`
            error: test_data/bad-pack/pack.toml:4: field `pack.version`: expected a string, found an integer
            error: test_data/bad-pack/pack.toml:6: guide `lonely`, field `question`: missing required field
            error: test_data/bad-pack/pack.toml:6: guide `lonely`, field `assesses`: missing required field
            error: test_data/bad-pack/pack.toml:6: guide `lonely`, field `pitfalls`: missing required field
            error: test_data/bad-pack/pack.toml:6: guide `lonely`, field `step`: missing required field
            error: test_data/bad-pack/pack.toml:6: guide `lonely`, field `sample`: missing required field
        "#]],
    );
}

#[test]
fn clash_across_packs() {
    let mut packs = Vec::new();
    let mut out = String::new();
    for name in ["clash/first.toml", "clash/second.toml"] {
        let load = parse_pack(&fixture(name));
        render_diagnostics(&mut out, &load.diagnostics);
        packs.extend(load.pack);
    }
    let (packs, diagnostics) = merge(packs);
    for pack in &packs {
        render_pack(&mut out, pack);
    }
    render_diagnostics(&mut out, &diagnostics);
    expect![[r#"
        pack `first` (First, version 1): 1 guides
          guide `upset-customer` at test_data/clash/first.toml:6, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
        pack `second` (Second, version 1): 1 guides
          guide `late-order` at test_data/clash/second.toml:6, core: steps situation/situation/1 actions/actions/1 outcome/outcome/1; 2 samples
        error: test_data/clash/second.toml:72: guide `upset-customer`: guide id already used at test_data/clash/first.toml:6 (pack `first`); this guide is left out
    "#]]
    .assert_eq(&out);
}

#[test]
fn lexicon() {
    let files = fixture("lexicons/hedges.txt");
    let (lexicon, diagnostics) = parse_lexicon(&files[0].0, &files[0].1);
    let mut out = format!("lexicon `{}`\n", lexicon.name);
    for (section, entries) in &lexicon.sections {
        writeln!(out, "  [{section}] {entries:?}").expect("writing to a string");
    }
    render_diagnostics(&mut out, &diagnostics);
    expect![[r#"
        lexicon `hedges`
          [] ["sort of", "kind of"]
          [softeners] ["i think", "maybe", "c# is not a comment here", "perhaps"]
          [fillers] ["um"]
        warning: test_data/lexicons/hedges.txt:8: duplicate entry `i think` in section `softeners`, first at line 6
        error: test_data/lexicons/hedges.txt:13: section header without a closing `]`, line ignored
        error: test_data/lexicons/hedges.txt:14: empty section name, line ignored
        warning: test_data/lexicons/hedges.txt:17: duplicate entry `maybe` in section `softeners`, first at line 7
    "#]]
    .assert_eq(&out);
    assert_eq!(
        lexicon.section("softeners"),
        ["i think", "maybe", "c# is not a comment here", "perhaps"]
    );
    assert_eq!(lexicon.section("nowhere"), [] as [String; 0]);
    assert_eq!(lexicon.all().count(), 7);

    let (lexicons, _) = parse_lexicons(&files);
    assert_eq!(lexicons.get("hedges"), Some(&lexicon));
}

/// Every built-in pack loads without a diagnostic, with as many guides as the packs
/// promise, and no guide id is used by two of them.
#[test]
fn builtin_data_loads() {
    let mut packs = Vec::new();
    for load in builtin_packs() {
        let problems: Vec<String> = load.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(
            problems.is_empty(),
            "built-in pack diagnostics: {problems:#?}"
        );
        packs.push(
            load.pack
                .expect("a built-in pack has a usable [pack] table"),
        );
    }
    let counts: Vec<(&str, usize)> = packs
        .iter()
        .map(|p| (p.id.as_str(), p.guides.len()))
        .collect();
    let ids: Vec<&str> = counts.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        [
            "customer-focus",
            "common",
            "account-management",
            "support-desk"
        ]
    );
    for ((id, n), at_least) in counts.iter().zip([20, 18, 10, 10]) {
        assert!(*n >= at_least, "{id} has {n} guides, fewer than {at_least}");
    }
    assert!(
        packs[0].scoring.len() == 2 && packs[1..].iter().all(|p| p.scoring.is_empty()),
        "only customer-focus ships the fitted score"
    );
    let (_, clashes) = merge(packs);
    assert!(clashes.is_empty(), "guide ids used twice: {clashes:?}");

    let (lexicons, diagnostics) = parse_lexicons(&builtin_lexicon_files());
    for d in &diagnostics {
        eprintln!("{}: {d}", d.severity);
    }
    let names: Vec<&str> = lexicons.iter().map(|l| l.name.as_str()).collect();
    eprintln!("built-in lexicons: {names:?}");
}

/// A pack saved with Windows line endings is the same pack: same guides, same marks,
/// same lines, no diagnostics.
#[test]
fn crlf_line_endings_load_the_same_pack() {
    let unix = fixture("valid.toml");
    let windows: Vec<(String, String)> = unix
        .iter()
        .map(|(name, text)| (name.clone(), text.replace('\n', "\r\n")))
        .collect();
    assert!(windows[0].1.contains("\r\n"));
    assert_eq!(render(&parse_pack(&windows)), render(&parse_pack(&unix)));
    assert!(parse_pack(&windows).diagnostics.is_empty());
}

/// Nesting past the parser's limit has no place in the parser's error: the diagnostic
/// still names the line.
#[test]
fn a_too_deep_header_is_reported_at_its_line() {
    let deep = format!(
        "[pack]\nid = \"deep\"\nname = \"Deep\"\n\n[{}]\nx = 1\n",
        vec!["a"; 300].join(".")
    );
    let load = parse_pack(&[("deep.toml".to_owned(), deep)]);
    let syntax = load
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with("syntax error"))
        .unwrap_or_else(|| panic!("a syntax error: {:?}", load.diagnostics));
    assert_eq!(syntax.line, Some(5), "{syntax:?}");
}

/// Two packs with one id, and a pack guide with the id the engine keeps for its general
/// rubric, are errors; the second pack's other guides still load.
#[test]
fn a_pack_id_used_twice_and_the_reserved_guide_id_are_errors() {
    let first = parse_pack(&fixture("clash/first.toml"))
        .pack
        .expect("loads");
    let mut second = parse_pack(&fixture("clash/second.toml"))
        .pack
        .expect("loads");
    second.id = first.id.clone();
    let mut general = second.guides[0].clone();
    general.id = "general".to_owned();
    second.guides.push(general);
    let (packs, diagnostics) = merge(vec![first, second]);
    let mut out = String::new();
    render_diagnostics(&mut out, &diagnostics);
    expect![[r#"
        error: test_data/clash/second.toml:2: pack id `first` already used at test_data/clash/first.toml:2; give this pack its own id
        error: test_data/clash/second.toml:6: guide `general`: guide id `general` is reserved for the engine's general rubric, which always answers to it; this guide is left out: give it another id
        error: test_data/clash/second.toml:72: guide `upset-customer`: guide id already used at test_data/clash/first.toml:6 (pack `first`); this guide is left out
    "#]]
    .assert_eq(&out);
    let ids: Vec<&str> = packs[1].guides.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["late-order"]);
}

/// The counts model in a `[scoring.<engine>]` table is all three coefficients or none:
/// the shipped fit has it, a fit without it loads (every step taken counts), and a fit
/// with only some of it is an error that names what is missing.
#[test]
fn a_fit_has_all_of_the_counts_model_or_none_of_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/customer-focus");
    let read = |name: &str| {
        fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
    };
    let (pack, scoring) = (read("pack.toml"), read("scoring.toml"));
    let load = |scoring: String| {
        parse_pack(&[
            ("pack.toml".to_owned(), pack.clone()),
            ("scoring.toml".to_owned(), scoring),
        ])
    };
    let shipped = load(scoring.clone());
    assert!(!shipped.has_errors(), "{:?}", shipped.diagnostics);
    let fits = shipped.pack.expect("the pack loads").scoring;
    assert_eq!(fits.len(), 2);
    assert!(fits.iter().all(|f| f.counts.is_some()), "{fits:?}");

    let without = |keys: &[&str]| -> String {
        scoring
            .lines()
            .filter(|l| !keys.iter().any(|k| l.starts_with(&format!("{k} ="))))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let none = load(without(&rapport_pack::COUNTS_FIELDS));
    assert!(!none.has_errors(), "{:?}", none.diagnostics);
    let fits = none.pack.expect("the pack loads").scoring;
    assert_eq!(fits.len(), 2);
    assert!(fits.iter().all(|f| f.counts.is_none()), "{fits:?}");

    let some = load(without(&["counts_score"]));
    assert!(some.has_errors());
    // Both fits lack it, and each error names the missing field itself.
    let fields: Vec<Option<&str>> = some
        .diagnostics
        .iter()
        .map(|d| d.field.as_deref())
        .collect();
    assert_eq!(
        fields,
        [
            Some("scoring.lexical.counts_score"),
            Some("scoring.semantic.counts_score")
        ],
        "{:?}",
        some.diagnostics
    );
    assert!(
        some.pack.is_none_or(|p| p.scoring.is_empty()),
        "a fit with half a counts model is not used"
    );
}
