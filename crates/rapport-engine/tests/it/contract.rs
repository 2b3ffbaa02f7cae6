//! The report's contract (docs/contract.md): evidence offsets point into the answer as received,
//! the same input gives the same report, bands follow scores, every judgement has
//! evidence or advice, and the first feedback line is the fix that lifts the answer most.
//!
//! Besides the answers written here, every answer in the fixture files and every sample
//! of the built-in pack is checked, so the contract holds across many shapes of answer.

use expect_test::{Expect, expect};
use rapport_engine::{BEGUN, Band, Criterion, Engine, Report};

use crate::{engine, score, test_data};

/// Answers with multi-byte characters: accented letters, curly quotes, dashes, emoji,
/// a non-breaking space and a tab. Each is also checked with CRLF line endings.
const UNICODE_ANSWERS: [(&str, &str); 4] = [
    (
        "difficult-customer",
        "Last October at the café where I worked, Renée, one of our regulars, came in \
         furious: her birthday cake said “Happy Birthday Rene” — we’d dropped the accent \
         and the last letter. It was difficult because the party was that evening.\n\
         I let her finish, apologised and said I’d be upset too. Then I piped a new top \
         myself while she had a coffee on the house 🙂 and I boxed it with a card.\n\
         She thanked me, and she’s ordered every birthday cake from us since. 🎂",
    ),
    (
        "above-and-beyond",
        "Two years ago, the day before his daughter’s wedding, Mr Müller came to the shop in \
         tears because the suit he’d ordered was two sizes too small.\n\
         It wasn’t my job to alter suits, but after my shift I drove to our other branch, \
         found the right size and took it to the tailor myself — he stayed open for us.\n\
         The suit arrived at 9 a.m. on the day, and he sent a thank‑you letter naming me, \
         which my manager pinned up in the staff room 👍.",
    ),
    (
        "general",
        "In my first week at the clinic\u{a0}the booking system failed on a Monday morning, \
         with forty patients due.\n\tI rang each patient from the paper list, moved the \
         non‑urgent ones to Tuesday and kept a handwritten log for the doctors.\n\
         Not one patient was turned away, and the practice manager adopted my paper backup \
         as the official fallback.\n\
         It taught me to keep an offline copy of anything we can’t work without.",
    ),
    (
        "angry-caller",
        "Last spring a caller named José rang shouting because he’d been charged twice — \
         £480 instead of £240 — for his family’s broadband.\n\
         I let him vent, said “I’d be angry too”, and stayed calm.\n\
         While he was on the line I found the duplicate payment, refunded it and credited \
         his account with a month free.\n\
         He thanked me before he hung up, and his survey rated the call ten out of ten ✅.",
    ),
];

/// Every evidence span of a report, with where it comes from.
fn spans(r: &Report) -> Vec<(String, &rapport_engine::Evidence)> {
    let mut out = Vec::new();
    for c in r.criteria.iter().chain(&r.tips) {
        out.extend(c.evidence.iter().map(|e| (c.id.clone(), e)));
    }
    out.extend(
        r.delivery
            .negativity
            .iter()
            .map(|e| ("negativity".to_string(), e)),
    );
    out
}

/// Checks that every evidence span is exactly the answer's text at its byte offsets.
fn check_offsets(answer: &str, r: &Report) -> Vec<String> {
    let mut failures = Vec::new();
    for (id, e) in spans(r) {
        match answer.get(e.start..e.end) {
            Some(text) if text == e.text => {}
            Some(text) => failures.push(format!(
                "{id}: {}..{} is {text:?}, evidence says {:?}",
                e.start, e.end, e.text
            )),
            None => failures.push(format!(
                "{id}: {}..{} is not a span of the answer ({} bytes) on character boundaries",
                e.start,
                e.end,
                answer.len()
            )),
        }
    }
    failures
}

#[test]
fn evidence_offsets_point_into_the_answer_as_received() {
    let mut failures = Vec::new();
    let mut non_ascii = 0;
    let mut after_crlf = 0;
    for (guide, answer) in UNICODE_ANSWERS {
        let crlf = answer.replace('\n', "\r\n");
        // A byte-order mark is not text, but editors write it and it shifts every offset.
        let bom = format!("\u{feff}{answer}");
        for text in [answer.to_string(), crlf.clone(), bom] {
            let r = score(guide, &text);
            let found = spans(&r);
            non_ascii += found.iter().filter(|(_, e)| !e.text.is_ascii()).count();
            after_crlf += found
                .iter()
                .filter(|(_, e)| text.contains("\r\n") && e.start > text.find("\r\n").unwrap_or(0))
                .count();
            if found.is_empty() {
                failures.push(format!("{guide}: no evidence at all in {text:?}"));
            }
            failures.extend(
                check_offsets(&text, &r)
                    .into_iter()
                    .map(|f| format!("{guide}: {f}")),
            );
        }
        // Line endings are not content: the verdicts must not change with them.
        let (lf, cr) = (score(guide, answer), score(guide, &crlf));
        let verdicts = |r: &Report| -> Vec<(String, bool)> {
            r.criteria
                .iter()
                .chain(&r.tips)
                .map(|c| (c.id.clone(), c.met))
                .collect()
        };
        if (lf.score, verdicts(&lf)) != (cr.score, verdicts(&cr)) {
            failures.push(format!(
                "{guide}: CRLF changes the report: {} {:?} vs {} {:?}",
                lf.score,
                verdicts(&lf),
                cr.score,
                verdicts(&cr)
            ));
        }
    }
    assert!(
        non_ascii > 0,
        "no evidence span holds a multi-byte character"
    );
    assert!(after_crlf > 0, "no evidence span lies after a CRLF");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every answer the fixtures hold, with its guide, and the built-in samples.
fn corpus() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["steps", "gaming"] {
        let mut paths: Vec<_> = std::fs::read_dir(test_data().join(dir))
            .unwrap_or_else(|e| panic!("cannot list test_data/{dir}: {e}"))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let value: toml::Table =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for table in value.values().filter_map(|v| v.as_array()).flatten() {
                let Some(guide) = table.get("guide").and_then(|g| g.as_str()) else {
                    continue;
                };
                for key in ["answer", "short", "long"] {
                    if let Some(answer) = table.get(key).and_then(|a| a.as_str()) {
                        out.push((guide.to_string(), answer.to_string()));
                    }
                }
            }
        }
    }
    for guide in engine().guides() {
        out.extend(
            guide
                .samples
                .iter()
                .map(|s| (guide.id.clone(), s.text.clone())),
        );
    }
    for (guide, answer) in UNICODE_ANSWERS {
        out.push((guide.to_string(), answer.to_string()));
    }
    out
}

/// How far two strengths of the same input may differ today. FIXME: the contract is
/// exact equality (docs/contract.md: same input, same output, always), and strengths are printed
/// in the JSON. They differ in the last bits from run to run because the engine sums
/// f32 weights over a `HashSet` of the answer's words (`bag` in detect.rs), whose order
/// changes with every new set's random seed. Summing in a fixed order makes this 0.
const STRENGTH_JITTER: f32 = 1e-5;

/// The report with every strength within [`STRENGTH_JITTER`] of `like`'s replaced by
/// it, so that everything else is compared exactly.
fn settle(r: &Report, like: &Report) -> Report {
    let mut out = r.clone();
    let pairs = out.criteria.iter_mut().chain(out.tips.iter_mut());
    for (c, l) in pairs.zip(like.criteria.iter().chain(&like.tips)) {
        if (c.strength - l.strength).abs() <= STRENGTH_JITTER {
            c.strength = l.strength;
        }
    }
    out
}

/// What differs between two reports that should be equal, field by field.
fn difference(a: &Report, b: &Report) -> String {
    let mut out = Vec::new();
    if a.score != b.score {
        out.push(format!("score {} vs {}", a.score, b.score));
    }
    for (p, q) in a
        .criteria
        .iter()
        .chain(&a.tips)
        .zip(b.criteria.iter().chain(&b.tips))
    {
        if p != q {
            out.push(format!(
                "{}: met {} vs {}, strength {} vs {}",
                p.id, p.met, q.met, p.strength, q.strength
            ));
        }
    }
    if a.feedback != b.feedback {
        out.push(format!("feedback {:?} vs {:?}", a.feedback, b.feedback));
    }
    if a.strengths != b.strengths || a.relevance != b.relevance || a.delivery != b.delivery {
        out.push("strengths, relevance or delivery".into());
    }
    out.join("; ")
}

#[test]
fn the_same_input_gives_the_same_report() {
    // A second engine has its own hash-map seeds: nothing may depend on their order.
    let packs: Vec<_> = rapport_pack::builtin_packs()
        .into_iter()
        .flat_map(|load| load.pack)
        .collect();
    let other = Engine::from_packs(&packs, &rapport_pack::builtin_lexicons());
    let mut failures = Vec::new();
    for (guide, answer) in corpus() {
        let first = score(&guide, &answer);
        let Ok(elsewhere) = other.score(&guide, &answer) else {
            failures.push(format!(
                "{guide}: the second engine refused {:?}",
                answer.trim()
            ));
            continue;
        };
        for (name, r) in [
            ("again", score(&guide, &answer)),
            ("second engine", elsewhere),
        ] {
            let r = settle(&r, &first);
            if r != first {
                failures.push(format!(
                    "{guide}, {name}: {} for {:?}",
                    difference(&first, &r),
                    answer.trim()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn bands_follow_the_score_ranges() {
    let table = [
        (0, Band::Weak),
        (39, Band::Weak),
        (40, Band::Developing),
        (59, Band::Developing),
        (60, Band::Solid),
        (79, Band::Solid),
        (80, Band::Strong),
        (100, Band::Strong),
    ];
    for (score, band) in table {
        assert_eq!(Band::from_score(score), band, "score {score}");
    }
    for band in [Band::Weak, Band::Developing, Band::Solid, Band::Strong] {
        assert_eq!(Band::parse(band.as_str()), Some(band));
    }
    let mut failures = Vec::new();
    for (guide, answer) in corpus() {
        let r = score(&guide, &answer);
        if r.score > 100 || r.band != Band::from_score(r.score) {
            failures.push(format!(
                "{guide}: score {} in band {}",
                r.score,
                r.band.as_str()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What the report must say about one step: evidence when met, the guide's advice and
/// follow-up when not, and a strength that agrees with the verdict.
fn check_step(guide: &rapport_pack::Guide, c: &Criterion) -> Option<String> {
    let Some(step) = guide.step(&c.id) else {
        return Some(format!("{}: not a step of the guide", c.id));
    };
    if !(0.0..=1.0).contains(&c.strength) {
        return Some(format!("{}: strength {}", c.id, c.strength));
    }
    if c.met && c.evidence.is_empty() {
        return Some(format!("{}: met with no evidence", c.id));
    }
    // A step begun but not counted says so before the step's missing text.
    let missing = if c.begun {
        format!("{BEGUN}{}", step.missing)
    } else {
        step.missing.clone()
    };
    if c.met && c.begun {
        return Some(format!("{}: both met and begun", c.id));
    }
    if !c.met && (c.advice != missing || c.advice.is_empty() || c.follow_up.is_empty()) {
        return Some(format!("{}: unmet, advice {:?}", c.id, c.advice));
    }
    None
}

#[test]
fn every_met_step_has_evidence_and_every_unmet_step_has_advice() {
    let mut failures = Vec::new();
    for (id, answer) in corpus() {
        let r = score(&id, &answer);
        let guide = engine().guide(&id).expect("corpus guides exist");
        let ids: Vec<&str> = r.criteria.iter().map(|c| c.id.as_str()).collect();
        let steps: Vec<&str> = guide.steps.iter().map(|s| s.id.as_str()).collect();
        if ids != steps {
            failures.push(format!("{id}: criteria {ids:?}, guide steps {steps:?}"));
        }
        let tips: Vec<&str> = r.tips.iter().map(|c| c.id.as_str()).collect();
        if tips
            != [
                "specific",
                "outcome-focus",
                "skills-shown",
                "honest",
                "confident",
            ]
        {
            failures.push(format!("{id}: tips {tips:?}"));
        }
        for c in &r.criteria {
            if let Some(f) = check_step(guide, c) {
                failures.push(format!("{id}: {f}\n    answer: {}", answer.trim()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The feedback line a report must open with: the off-topic warning, or else the
/// `missing` text of the most valuable missing step (the heaviest, then the weakest).
fn expected_first_lines(guide: &rapport_pack::Guide, r: &Report) -> Vec<String> {
    if r.off_topic {
        return Vec::new();
    }
    r.criteria
        .iter()
        .filter(|c| !c.met)
        .filter_map(|c| Some(guide.step(&c.id)?.missing.clone()))
        .collect()
}

/// How the feedback line for a list of keywords opens.
const LIST_LINE: &str = "This reads as a list of words, not an answer.";

/// The score a priced feedback line promises: "(that would take this answer from X to
/// about Y)" gives (X, Y).
fn priced(line: &str) -> Option<(u8, u8)> {
    let rest = line.split("(that would take this answer from ").nth(1)?;
    let (from, rest) = rest.split_once(" to about ")?;
    let to = rest.strip_suffix(')')?;
    Some((from.parse().ok()?, to.parse().ok()?))
}

#[test]
fn feedback_opens_with_the_fix_that_lifts_the_answer_most() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (id, answer) in corpus() {
        let r = score(&id, &answer);
        let guide = engine().guide(&id).expect("corpus guides exist");
        let first = r.feedback.first();
        if r.band < Band::Strong && first.is_none() {
            failures.push(format!(
                "{id}: {} {} with no feedback",
                r.band.as_str(),
                r.score
            ));
            continue;
        }
        if r.feedback.iter().any(|l| l.trim().is_empty()) {
            failures.push(format!("{id}: an empty feedback line in {:?}", r.feedback));
        }
        if r.off_topic && !first.is_some_and(|l| l.contains(&guide.question)) {
            failures.push(format!(
                "{id}: off-topic, but the feedback opens with {first:?}"
            ));
        }
        // Blame can cost more than a missing step, so dropping it may come first; the
        // line then quotes the sentence to drop.
        let blame_first = r.delivery.negativity.first().is_some_and(|n| {
            let opening: Vec<&str> = n.text.split_whitespace().take(5).collect();
            first.is_some_and(|l| l.contains(&opening.join(" ")))
        });
        // The fitted score prices each fix by scoring the answer with it done; the
        // line that lifts it most comes first, and a missing step lifts more than any tip.
        // A weakly taken step ("Make \"...\" clearer") may lift more than a missing one,
        // and a list of keywords is told to become sentences first.
        let wants = expected_first_lines(guide, &r);
        let step_line = |l: &String| {
            wants
                .iter()
                .any(|w| l.strip_prefix(BEGUN).unwrap_or(l).starts_with(w.as_str()))
                || guide
                    .steps
                    .iter()
                    .any(|s| l.starts_with(&format!("Make \"{}\" clearer", s.label.to_lowercase())))
        };
        // So can a red flag ("I just need something to pay the bills"): its line quotes
        // the sentence and is priced like the others, so it leads only when dropping the
        // sentence lifts the answer most.
        let red_flag_first = first.is_some_and(|l| {
            let quoted = l
                .strip_prefix('"')
                .and_then(|q| q.split(['"', '\u{2026}']).next());
            priced(l).is_some()
                && quoted.is_some_and(|q| !q.trim().is_empty() && answer.contains(q.trim()))
        });
        // An answer of a sentence or two is told to say more first.
        let say_more = first.is_some_and(|l| l.starts_with("Say more:")) && r.delivery.words < 25;
        let list_line = first.is_some_and(|l| l.starts_with(LIST_LINE))
            && answer.matches(',').count() >= answer.matches('.').count() * 3;
        if !wants.is_empty() {
            checked += 1;
            if !first.is_some_and(step_line)
                && !blame_first
                && !red_flag_first
                && !list_line
                && !say_more
            {
                failures.push(format!(
                    "{id}: feedback opens with {first:?}, not a missing step's (one of {wants:?})\n    answer: {}",
                    answer.trim()
                ));
            }
        }
        let prices: Vec<(u8, u8)> = r.feedback.iter().filter_map(|l| priced(l)).collect();
        if prices.iter().any(|(from, _)| *from != r.score) {
            failures.push(format!(
                "{id}: a priced line starts from another score than {}: {prices:?}",
                r.score
            ));
        }
        if prices.windows(2).any(|w| w[1].1 > w[0].1) {
            failures.push(format!("{id}: priced lines are not best first: {prices:?}"));
        }
    }
    assert!(checked >= 30, "only {checked} reports had a missing step");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A compact, stable rendering of a report for snapshots: what a reviewer needs to see
/// change, nothing that moves for no reason.
fn render(r: &Report) -> String {
    let mut out = format!("{} · {} {}\n", r.question_id, r.band.as_str(), r.score);
    for c in &r.criteria {
        let mark = if c.met { '✓' } else { '✗' };
        out.push_str(&format!("{mark} {} {:.1}\n", c.id, c.strength));
    }
    let tips: Vec<String> = r
        .tips
        .iter()
        .map(|t| format!("{}{}", if t.met { '✓' } else { '✗' }, t.id))
        .collect();
    out.push_str(&format!("tips {}\n", tips.join(" ")));
    out.push_str(&format!(
        "next {}\n",
        r.feedback.first().map_or("-", String::as_str)
    ));
    out
}

fn check_snapshot(guide: &str, answer: &str, expect: Expect) {
    expect.assert_eq(&render(&score(guide, answer)));
}

#[test]
fn snapshot_of_a_story_that_stops_before_the_result() {
    check_snapshot(
        "difficult-customer",
        "Last November at the garden centre, a man came to the till furious because the \
         patio heater we had delivered was missing its gas regulator, and he had twelve \
         people coming for his wife's fortieth that night. I apologised, told him I would \
         be just as cross, and asked what time the guests were arriving. Then I took a \
         regulator off our display model, checked it fitted the box he had brought in, and \
         drove it round to his house on my lunch break.",
        expect![[r#"
            difficult-customer · solid 66
            ✓ situation 0.9
            ✓ skills 0.7
            ✓ actions 1.0
            ✗ outcome 0.1
            tips ✓specific ✗outcome-focus ✓skills-shown ✗honest ✓confident
            next You stop at what you did: add one sentence on what happened for the customer afterwards — did they stay, return, thank you? (that would take this answer from 66 to about 83)
        "#]],
    );
}

#[test]
fn a_keyword_list_is_judged_weak_with_no_praise_and_told_to_speak_in_sentences() {
    for (guide, list) in [
        (
            "most-important-quality",
            "Empathy, listening, communication, problem solving.",
        ),
        (
            "difficult-customer",
            "Skills: listening, empathy, patience, conflict resolution, ownership.",
        ),
    ] {
        let r = score(guide, list);
        assert!(
            r.band == Band::Weak,
            "{guide}: {} {}",
            r.band.as_str(),
            r.score
        );
        assert!(r.strengths.is_empty(), "{guide}: praises {:?}", r.strengths);
        assert!(
            r.feedback.first().is_some_and(|l| l.starts_with(LIST_LINE)),
            "{guide}: opens with {:?}",
            r.feedback.first()
        );
    }
}

#[test]
fn a_hedge_is_the_word_itself_not_its_stem() {
    let plain = score(
        "above-and-beyond",
        "I always give the best possible service. Last week a woman at the deli asked for a gluten-free loaf we did not stock, so I rang our other branch, had two sent over by four, and she collected them that evening and thanked me.",
    );
    assert!(
        plain.delivery.hedges.is_empty(),
        "{:?}",
        plain.delivery.hedges
    );
    let hedged = score(
        "above-and-beyond",
        "Possibly the best thing I did was last week, when a woman at the deli asked for a gluten-free loaf we did not stock, so I rang our other branch, had two sent over by four, and she collected them that evening.",
    );
    assert!(
        hedged
            .delivery
            .hedges
            .iter()
            .any(|h| h.phrase == "possibly"),
        "{:?}",
        hedged.delivery.hedges
    );
}
