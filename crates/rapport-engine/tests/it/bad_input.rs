//! Bad input at the engine level (docs/contract.md (bad input)): each is refused with a typed `ScoreError`
//! whose message names the problem (lower-case, no trailing period), or scored without
//! a panic when it is odd but fair to judge.

use rapport_engine::{MAX_ANSWER_CHARS, ScoreError};

use crate::engine;

/// A plain English answer, to pair with bad question ids and to build long answers from.
const FINE: &str = "Last May a customer rang upset that her order was late, so I tracked it \
                    down, sent it by courier and she thanked me the next day.";

/// What the engine must answer: a report, or this error with this message.
enum Want {
    Scored,
    Refused(ScoreError, &'static str),
}

/// The question an answer is given for.
enum Asked<'a> {
    Id(&'a str),
    Text(&'a str),
}

/// Scores one input and compares the outcome with what is wanted; `None` when it agrees.
fn check(name: &str, asked: Asked<'_>, answer: &str, want: Want) -> Option<String> {
    let got = match asked {
        Asked::Id(id) => engine().score(id, answer),
        Asked::Text(q) => engine().score_question_text(q, answer),
    };
    match (got, want) {
        (Ok(_), Want::Scored) => None,
        (Err(e), Want::Scored) => Some(format!("{name}: refused ({e}), should be scored")),
        (Ok(r), Want::Refused(e, _)) => Some(format!(
            "{name}: scored {} {}, should be refused with {e:?}",
            r.band.as_str(),
            r.score
        )),
        (Err(got), Want::Refused(e, message)) => {
            let shown = got.to_string();
            let mut wrong = Vec::new();
            if got != e {
                wrong.push(format!("error {got:?}, want {e:?}"));
            }
            if shown != message {
                wrong.push(format!("message {shown:?}, want {message:?}"));
            }
            if shown.starts_with(char::is_uppercase) || shown.ends_with('.') {
                wrong.push(format!(
                    "message {shown:?} is not lower-case without a final period"
                ));
            }
            (!wrong.is_empty()).then(|| format!("{name}: {}", wrong.join("; ")))
        }
    }
}

/// Runs a table of cases and reports every failure together.
fn run(cases: Vec<(&str, Asked<'_>, String, Want)>) {
    let failures: Vec<String> = cases
        .into_iter()
        .filter_map(|(name, asked, answer, want)| check(name, asked, &answer, want))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// English text of exactly `chars` characters, built from the fine answer with accented
/// words mixed in, so that bytes and characters differ.
fn english_of(chars: usize) -> String {
    let unit = format!("{FINE} Renée at the café said it made her week. ");
    unit.chars().cycle().take(chars).collect()
}

#[test]
fn empty_and_whitespace_only_answers_are_refused() {
    const EMPTY: &str = "the answer is empty: write or say at least a sentence";
    run(vec![
        (
            "empty",
            Asked::Id("difficult-customer"),
            String::new(),
            Want::Refused(ScoreError::Empty, EMPTY),
        ),
        (
            "spaces",
            Asked::Id("difficult-customer"),
            "     ".into(),
            Want::Refused(ScoreError::Empty, EMPTY),
        ),
        (
            "newlines and tabs",
            Asked::Id("measure-satisfaction"),
            "\n\t \r\n  \n".into(),
            Want::Refused(ScoreError::Empty, EMPTY),
        ),
        (
            "unicode spaces",
            Asked::Id("general"),
            "\u{a0}\u{2003}\u{3000}".into(),
            Want::Refused(ScoreError::Empty, EMPTY),
        ),
        (
            "free question",
            Asked::Text("Why do you like retail?"),
            " ".into(),
            Want::Refused(ScoreError::Empty, EMPTY),
        ),
    ]);
}

#[test]
fn answers_over_the_limit_are_refused_and_the_limit_itself_is_accepted() {
    assert_eq!(MAX_ANSWER_CHARS, 20_000);
    let at_limit = english_of(MAX_ANSWER_CHARS);
    let over = english_of(MAX_ANSWER_CHARS + 1);
    assert_eq!(at_limit.chars().count(), 20_000);
    // The limit is in characters: this answer is longer than 20,000 bytes.
    assert!(
        at_limit.len() > 20_000,
        "the long answer holds multi-byte characters"
    );
    run(vec![
        (
            "exactly 20,000 characters",
            Asked::Id("difficult-customer"),
            at_limit,
            Want::Scored,
        ),
        (
            "20,001 characters",
            Asked::Id("difficult-customer"),
            over,
            Want::Refused(
                ScoreError::TooLong { chars: 20_001 },
                "the answer is 20001 characters long; the limit is 20000",
            ),
        ),
        (
            "a pasted document",
            Asked::Text("Tell me about a difficult customer."),
            english_of(50_000),
            Want::Refused(
                ScoreError::TooLong { chars: 50_000 },
                "the answer is 50000 characters long; the limit is 20000",
            ),
        ),
    ]);
}

#[test]
fn control_characters_are_refused_as_binary_with_their_byte_offset() {
    let binary = |offset| ScoreError::Binary { offset };
    let nul_after_accents = "Renée’s café order\u{0} went missing";
    // "Renée’s café order" is 18 characters but 22 bytes: the offset is in bytes.
    let offset = nul_after_accents.find('\u{0}').unwrap_or(usize::MAX);
    assert_eq!(offset, 22);
    run(vec![
        (
            "NUL",
            Asked::Id("difficult-customer"),
            format!("I helped a customer\u{0} yesterday. {FINE}"),
            Want::Refused(
                binary(19),
                "the answer looks like binary data, not text (control character at byte 19)",
            ),
        ),
        (
            "NUL after multi-byte characters",
            Asked::Id("difficult-customer"),
            nul_after_accents.into(),
            Want::Refused(
                binary(22),
                "the answer looks like binary data, not text (control character at byte 22)",
            ),
        ),
        (
            "a PNG header read as Latin-1",
            Asked::Id("general"),
            "\u{89}PNG\r\n\u{1a}\n\u{0}\u{0}\u{0}\rIHDR".into(),
            Want::Refused(
                binary(0),
                "the answer looks like binary data, not text (control character at byte 0)",
            ),
        ),
        (
            "an escape sequence",
            Asked::Id("difficult-customer"),
            format!("{FINE} \u{1b}[31mred"),
            Want::Refused(
                binary(FINE.len() + 1),
                "the answer looks like binary data, not text (control character at byte 130)",
            ),
        ),
        (
            "DEL",
            Asked::Text("Tell me about a difficult customer."),
            format!("ok\u{7f}{FINE}"),
            Want::Refused(
                binary(2),
                "the answer looks like binary data, not text (control character at byte 2)",
            ),
        ),
        // Tabs and both line endings are text.
        (
            "tabs and CRLF",
            Asked::Id("difficult-customer"),
            format!("\t{FINE}\r\n\tShe still orders from us.\r\n"),
            Want::Scored,
        ),
    ]);
    assert_eq!(
        FINE.len() + 1,
        130,
        "the escape's offset in the message above"
    );
}

#[test]
fn answers_not_in_english_are_refused_and_english_keyword_lists_are_not() {
    const NOT_ENGLISH: &str =
        "the answer does not look like English; Rapport can only judge answers in English";
    let refused = || Want::Refused(ScoreError::NotEnglish, NOT_ENGLISH);
    run(vec![
        (
            "French",
            Asked::Id("difficult-customer"),
            "L'année dernière, une cliente est venue au magasin très en colère parce que sa \
             commande n'était pas arrivée. Je l'ai écoutée, je me suis excusée et je lui ai \
             proposé une livraison le lendemain. Elle est repartie contente."
                .into(),
            refused(),
        ),
        (
            "Spanish",
            Asked::Id("difficult-customer"),
            "El año pasado un cliente llamó muy enfadado porque le habían cobrado dos veces. \
             Lo escuché con calma, revisé su cuenta y le devolví el dinero ese mismo día. Al \
             final me dio las gracias y sigue siendo cliente."
                .into(),
            refused(),
        ),
        (
            "German",
            Asked::Id("dissatisfied-customers"),
            "Wenn ein Kunde unzufrieden ist, höre ich ihm zuerst ruhig zu und lasse ihn \
             ausreden. Dann suche ich gemeinsam mit ihm nach einer Lösung, die für ihn und \
             für das Geschäft fair ist."
                .into(),
            refused(),
        ),
        (
            "Chinese",
            Asked::Id("difficult-customer"),
            "去年有一位顾客因为订单延误非常生气。我耐心地听她说完，向她道歉，然后安排了第二天送货。\
             最后她向我表示感谢，现在仍然是我们的老顾客。"
                .into(),
            refused(),
        ),
        (
            "free question in French",
            Asked::Text("Tell me about a difficult customer."),
            "Un client m'a appelé parce que sa facture était fausse. J'ai vérifié son compte, \
             j'ai corrigé l'erreur et je l'ai rappelé le jour même pour le lui confirmer."
                .into(),
            refused(),
        ),
        (
            "English keywords with a few function words",
            Asked::Id("difficult-customer"),
            "Listening and empathy, patience, communication, problem solving and conflict \
             resolution, the refund, the replacement, follow-up, loyalty, trust, satisfaction."
                .into(),
            Want::Scored,
        ),
        (
            "English keywords only",
            Asked::Id("measure-satisfaction"),
            "CSAT, NPS, surveys, reviews, ratings, retention, churn, complaints, repeat \
             business, response times, first-contact resolution, mystery shoppers."
                .into(),
            Want::Scored,
        ),
        (
            "English with a French name and words",
            Asked::Id("difficult-customer"),
            "Last year at the café, Amélie, a regular, was upset that her crème brûlée order \
             was lost. I apologised, made a fresh one and she thanked me the same evening."
                .into(),
            Want::Scored,
        ),
    ]);
}

#[test]
fn unknown_question_ids_are_refused_with_a_suggestion_when_one_is_close() {
    let unknown = |id: &str, suggestion: Option<&str>| ScoreError::UnknownQuestion {
        id: id.into(),
        suggestion: suggestion.map(Into::into),
    };
    run(vec![
        (
            "a typo",
            Asked::Id("dificult-customer"),
            FINE.into(),
            Want::Refused(
                unknown("dificult-customer", Some("difficult-customer")),
                "unknown question `dificult-customer`: did you mean `difficult-customer`?",
            ),
        ),
        (
            "part of an id",
            Asked::Id("measure-satisfaction-2"),
            FINE.into(),
            Want::Refused(
                unknown("measure-satisfaction-2", Some("measure-satisfaction")),
                "unknown question `measure-satisfaction-2`: did you mean `measure-satisfaction`?",
            ),
        ),
        (
            "nothing close",
            Asked::Id("pricing-strategy"),
            FINE.into(),
            Want::Refused(
                unknown("pricing-strategy", None),
                "unknown question `pricing-strategy`",
            ),
        ),
        (
            "empty id",
            Asked::Id(""),
            FINE.into(),
            Want::Refused(unknown("", None), "unknown question ``"),
        ),
        (
            "the general guide by id",
            Asked::Id("general"),
            FINE.into(),
            Want::Scored,
        ),
    ]);
    assert_eq!(
        engine().suggest_id("angry-caler").as_deref(),
        Some("angry-caller")
    );
    assert_eq!(engine().suggest_id("quarterly-forecast"), None);
}

#[test]
fn an_empty_question_text_is_refused() {
    const EMPTY_QUESTION: &str = "the question text is empty";
    run(vec![
        (
            "empty",
            Asked::Text(""),
            FINE.into(),
            Want::Refused(ScoreError::EmptyQuestion, EMPTY_QUESTION),
        ),
        (
            "whitespace",
            Asked::Text(" \n\t "),
            FINE.into(),
            Want::Refused(ScoreError::EmptyQuestion, EMPTY_QUESTION),
        ),
        // The question is checked first: an empty question with an empty answer says so.
        (
            "both empty",
            Asked::Text(""),
            String::new(),
            Want::Refused(ScoreError::EmptyQuestion, EMPTY_QUESTION),
        ),
        (
            "a question no guide is close to",
            Asked::Text("What is your favourite colour?"),
            FINE.into(),
            Want::Scored,
        ),
    ]);
}

/// Odd but fair input is scored, never a panic: each report keeps its offsets valid.
#[test]
fn odd_answers_are_scored_without_panicking() {
    let odd = [
        "Yes.",
        "?!…",
        "🙂🙂🙂",
        "12345 678",
        "I",
        "\u{feff}",
        "a\u{301}\u{301}\u{301} combining marks on one letter",
        "zero\u{200d}width\u{200b}joiners between words in an English sentence",
        "A very long word: Supercalifragilisticexpialidocious-and-then-some-more-words-joined.",
        "Last year I helped a customer.\r\rOld Mac line endings.\rStill text.",
        "- I listened\n- I apologised\n- I refunded her\n- She came back",
        "He said \"thanks\" ... and then ... nothing ... at all ...",
        "“Curly quotes” and ‘single ones’ — with dashes – of every kind.",
    ];
    let mut failures = Vec::new();
    for answer in odd {
        for id in ["difficult-customer", "general", "most-important-quality"] {
            let Ok(r) = engine().score(id, answer) else {
                continue;
            };
            for c in r.criteria.iter().chain(&r.tips) {
                for e in &c.evidence {
                    if answer.get(e.start..e.end) != Some(e.text.as_str()) {
                        failures.push(format!("{id} {answer:?}: bad span {}..{}", e.start, e.end));
                    }
                }
            }
        }
    }
    let long_word = "a".repeat(MAX_ANSWER_CHARS);
    if let Err(e) = engine().score("general", &long_word) {
        failures.push(format!("one 20,000-letter word refused: {e}"));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
