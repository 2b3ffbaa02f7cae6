//! The language check, measured: answers in twelve other languages written in the Latin
//! alphabet (with and without accents, as transcripts, short, formal, mixed with English
//! business words) must be refused as not English, and English of every register
//! (keyword lists, bullets, transcripts, non-native English, foreign names, varieties)
//! must be scored. The set is `test_data/languages.jsonl`.

use std::collections::BTreeMap;

use rapport_engine::ScoreError;
use serde::Deserialize;

use crate::{engine, test_data};

#[derive(Deserialize)]
struct Line {
    lang: String,
    register: String,
    text: String,
}

/// Per language (and per English register): how many lines, how many judged right.
#[derive(Default)]
struct Tally {
    total: usize,
    right: usize,
    wrong: Vec<String>,
}

#[test]
fn answers_in_other_languages_are_refused_and_english_of_every_register_is_scored() {
    let path = test_data().join("languages.jsonl");
    let text = std::fs::read_to_string(&path).expect("languages.jsonl");
    let mut by_group: BTreeMap<String, Tally> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let line: Line = serde_json::from_str(line).expect("a JSON line");
        let refused = matches!(
            engine().score("difficult-customer", &line.text),
            Err(ScoreError::NotEnglish)
        );
        let english = line.lang == "en";
        let group = if english {
            format!("en/{}", line.register)
        } else {
            line.lang.clone()
        };
        let tally = by_group.entry(group).or_default();
        tally.total += 1;
        if refused != english {
            tally.right += 1;
        } else {
            tally
                .wrong
                .push(format!("{}: {}", line.register, line.text));
        }
    }
    let mut report = String::new();
    let (mut other, mut other_right, mut en, mut en_right) = (0, 0, 0, 0);
    for (group, t) in &by_group {
        report.push_str(&format!("{group:16} {}/{}\n", t.right, t.total));
        for w in &t.wrong {
            report.push_str(&format!("    wrong: {w}\n"));
        }
        if group.starts_with("en/") {
            en += t.total;
            en_right += t.right;
        } else {
            other += t.total;
            other_right += t.right;
        }
    }
    println!(
        "{report}other languages refused {other_right}/{other}, English scored {en_right}/{en}"
    );
    assert!(
        by_group.len() >= 12 + 8,
        "languages and registers covered:\n{report}"
    );
    // Refusing English is the worse mistake (the user cannot practise at all), so no
    // English answer of the set may be refused. An answer in another language that is
    // scored only comes out weak, so a rare miss is tolerated: at most one per
    // language, and at most 3 in the 96.
    assert_eq!(en_right, en, "English answers refused:\n{report}");
    for (group, t) in by_group.iter().filter(|(g, _)| !g.starts_with("en/")) {
        assert!(
            t.right + 1 >= t.total,
            "{group}: too many scored:\n{report}"
        );
    }
    assert!(
        other_right + 3 >= other,
        "other languages scored:\n{report}"
    );
}
