//! `rapport practice` and `rapport mock` under a pseudo-terminal, as a person at a
//! keyboard sees them: paragraphs in an answer, "." and Ctrl-D to end it, "q" to quit,
//! "skip", the retry opened in `$EDITOR`, and the line saying where the attempt went.
//!
//! The pty turns each `\n` the program writes into `\r\n`, and does not echo what the
//! test types, so the screen holds only what `rapport` wrote.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use sqlx::Connection;

/// How long one expected piece of the screen may take to show, in milliseconds: a debug
/// build scores an answer in well under a second, but CI machines are slow.
const TIMEOUT_MS: u64 = 30_000;

/// A first draft in two paragraphs, without its outcome.
const FIRST_DRAFT: [&str; 3] = [
    "Last December a hotel guest was furious that his suite was not ready.",
    "",
    "I let him finish, apologised and moved him to a larger room on the top floor.",
];

/// What the editor adds to the first draft on the retry.
const ADDED: &str = "The next morning he thanked me and booked again for the spring.";

/// Starts `rapport ARGS` under a pty with a throwaway data directory, colours off, and
/// `EDITOR` set to `editor` or unset.
fn rapport(data_dir: &Path, editor: Option<&str>, args: &[&str]) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
    command
        .args(["--engine", "lexical"])
        .args(args)
        .env("NO_COLOR", "1")
        .env("RAPPORT_DATA_DIR", data_dir)
        .env_remove("RAPPORT_DB")
        .env_remove("VISUAL");
    match editor {
        Some(editor) => command.env("EDITOR", editor),
        None => command.env_remove("EDITOR"),
    };
    spawn_command(command, Some(TIMEOUT_MS)).expect("rapport starts under a pty")
}

/// Waits for `text` on the screen and returns everything shown before it, failing with
/// what was shown when it does not come.
fn expect(session: &mut PtySession, text: &str) -> String {
    session
        .exp_string(&to_screen(text))
        .map(|before| from_screen(&before))
        .unwrap_or_else(|e| panic!("the screen never showed {text:?}: {e}"))
}

/// `text` as rexpect reads it from the pty: each byte a character (so UTF-8 comes as
/// Latin-1), with the pty's `\r\n` for each `\n`.
fn to_screen(text: &str) -> String {
    text.replace('\n', "\r\n").bytes().map(char::from).collect()
}

/// What rexpect read, back to text: the bytes decoded as UTF-8, without the `\r`s.
fn from_screen(screen: &str) -> String {
    let bytes: Vec<u8> = screen
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    String::from_utf8_lossy(&bytes).replace('\r', "")
}

/// Types one line.
fn type_line(session: &mut PtySession, line: &str) {
    session.send_line(line).expect("the pty takes input");
}

/// Waits for the program to end and asserts its exit code; returns the rest of the screen.
fn ends_with_code(session: &mut PtySession, code: i32) -> String {
    let rest = session
        .exp_eof()
        .expect("the program ends")
        .replace('\r', "");
    let status = session.process().wait().expect("the exit status");
    assert!(
        matches!(status, WaitStatus::Exited(_, c) if c == code),
        "exit status {status:?}, expected {code}\n--- screen\n{rest}"
    );
    rest
}

/// The saved attempts in the data directory's store: mode and answer, oldest first.
fn saved(data_dir: &Path) -> Vec<(String, String)> {
    let url = format!("sqlite://{}", data_dir.join("rapport.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("the store exists");
        sqlx::query_as("SELECT mode, answer FROM attempts ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("attempts can be read")
    })
}

#[test]
fn practice_takes_paragraphs_says_where_it_saved_and_retries_in_the_editor() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    // The "editor": a script that appends a sentence to the file it is given.
    let script = data_dir.path().join("append.sh");
    std::fs::write(&script, format!("printf '%s\\n' '{ADDED}' >> \"$1\"\n")).unwrap();
    let editor = format!("sh {}", script.display());
    let mut s = rapport(
        data_dir.path(),
        Some(&editor),
        &["practice", "difficult-customer"],
    );

    let intro = expect(&mut s, "blank lines are kept");
    assert!(
        intro.contains("Have you ever dealt with a difficult customer")
            && intro.contains("end it with a line holding only \".\" or Ctrl-D"),
        "{intro}"
    );
    expect(&mut s, "\"q\" on its own line quits");
    for line in FIRST_DRAFT {
        type_line(&mut s, line);
    }
    type_line(&mut s, ".");
    let card = expect(&mut s, " saved to your history in ");
    assert!(
        card.contains("/100 · ") && card.contains(" tips "),
        "the card comes before the saved line\n{card}"
    );
    let place = expect(&mut s, "\n");
    assert_eq!(
        Path::new(place.trim()),
        data_dir.path().join("rapport.db"),
        "the saved line names the store"
    );

    expect(&mut s, "retry? [y/N] ");
    type_line(&mut s, "y");
    let opening = expect(&mut s, "save and close it to score it again");
    assert!(
        opening.contains(&format!("opening your last answer in {editor}")),
        "{opening}"
    );
    let edits = expect(&mut s, "since last time");
    assert!(
        edits.contains(&format!(
            " your edits\n   + \"{}\"",
            ADDED.trim_end_matches('.')
        )),
        "the edit is shown\n{edits}"
    );
    assert!(
        edits.contains(" ✓ outcome    \"The next morning he thanked me"),
        "the added sentence is scored\n{edits}"
    );
    expect(&mut s, " saved to your history in ");
    expect(&mut s, "retry? [y/N] ");
    type_line(&mut s, "n");
    ends_with_code(&mut s, 0);

    let attempts = saved(data_dir.path());
    let first = FIRST_DRAFT.join("\n");
    assert_eq!(
        attempts,
        vec![
            ("practice".to_owned(), first.clone()),
            ("practice".to_owned(), format!("{first}\n{ADDED}")),
        ]
    );
}

#[test]
fn practice_ends_an_answer_at_ctrl_d_and_without_an_editor_asks_for_it_again() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut s = rapport(data_dir.path(), None, &["practice", "difficult-customer"]);
    expect(&mut s, "\"q\" on its own line quits");
    for line in FIRST_DRAFT {
        type_line(&mut s, line);
    }
    // Ctrl-D at the start of a line ends the answer; on a terminal the session goes on.
    s.send_control('d').unwrap();
    expect(&mut s, " saved to your history in ");
    expect(&mut s, "retry? [y/N] ");
    type_line(&mut s, "yes");
    expect(
        &mut s,
        "type your new answer; end it with a line holding only \".\" or Ctrl-D \
         (set EDITOR to edit the last one instead)",
    );
    for line in FIRST_DRAFT.iter().chain([&ADDED]) {
        type_line(&mut s, line);
    }
    type_line(&mut s, ".");
    let card = expect(&mut s, "since last time");
    assert!(card.contains(" ✓ outcome "), "{card}");
    expect(&mut s, "retry? [y/N] ");
    // Ctrl-D at the prompt is a no.
    s.send_control('d').unwrap();
    ends_with_code(&mut s, 0);
    assert_eq!(saved(data_dir.path()).len(), 2);
}

#[test]
fn the_question_picker_says_how_to_quit_and_q_quits() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut s = rapport(data_dir.path(), None, &["practice"]);
    let list = expect(&mut s, "pick a question by number or id, or q to quit [");
    assert!(
        list.contains("  1. ") && list.contains("Have you ever dealt with a difficult customer"),
        "the questions are listed\n{list}"
    );
    expect(&mut s, "]: ");
    type_line(&mut s, "q");
    let rest = ends_with_code(&mut s, 0);
    assert!(
        !rest.contains("error"),
        "q is not read as a question id\n{rest}"
    );

    // "q" while answering quits too, and nothing is scored or saved.
    let mut s = rapport(data_dir.path(), None, &["practice", "difficult-customer"]);
    expect(&mut s, "\"q\" on its own line quits");
    type_line(&mut s, "I was on the front desk");
    type_line(&mut s, "q");
    let rest = ends_with_code(&mut s, 0);
    assert!(!rest.contains("/100"), "{rest}");
    assert!(!data_dir.path().join("rapport.db").exists() || saved(data_dir.path()).is_empty());
}

#[test]
fn mock_skips_gives_a_verdict_after_each_answer_and_names_questions_in_the_report() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut s = rapport(
        data_dir.path(),
        None,
        &["mock", "--count", "2", "--seed", "7"],
    );
    expect(&mut s, "\"skip\" on its own line skips a question");
    expect(&mut s, "question 1 of 2\n");
    let first = expect(&mut s, "\n").trim().to_owned();
    type_line(&mut s, "skip");
    expect(&mut s, " skipped\n");

    expect(&mut s, "question 2 of 2\n");
    let second = expect(&mut s, "\n").trim().to_owned();
    assert!(!first.is_empty() && !second.is_empty() && first != second);
    type_line(
        &mut s,
        "Every month I read the satisfaction survey for my accounts.",
    );
    type_line(&mut s, "");
    type_line(
        &mut s,
        "Last spring our score fell to 71 percent, so I called each unhappy customer back.",
    );
    type_line(&mut s, ".");
    // When a step is missing the interviewer follows up once; the verdict comes after.
    let (_, seen) = s
        .exp_any(vec![
            rexpect::ReadUntil::String("interviewer:".to_owned()),
            rexpect::ReadUntil::String(" verdict  ".to_owned()),
        ])
        .expect("a follow-up or a verdict");
    if seen == "interviewer:" {
        expect(&mut s, "\n");
        type_line(
            &mut s,
            "We track the survey score and it went up to 84 percent.",
        );
        type_line(&mut s, ".");
        expect(&mut s, " verdict  ");
    }
    let verdict = expect(&mut s, "\n");
    let (score, band) = verdict
        .split_once("/100 · ")
        .unwrap_or_else(|| panic!("score and band: {verdict}"));
    assert!(
        score.trim().parse::<u8>().is_ok_and(|n| n <= 100),
        "{verdict}"
    );
    assert!(
        ["strong", "solid", "developing", "weak"]
            .iter()
            .any(|b| band.starts_with(b)),
        "{verdict}"
    );
    assert!(verdict.contains("saved to your history"), "{verdict}");
    expect(&mut s, " next     ");

    let report = expect(&mut s, "answer saved to your history in ");
    let report = &report[report.find("interview report").expect("a report")..];
    assert!(
        report.contains(&format!("  1. {first}\n     skipped\n")),
        "the skipped question by its text\n{report}"
    );
    assert!(
        report.contains(&format!("  2. {second}\n")),
        "the answered question by its text\n{report}"
    );
    assert!(
        report.contains("1 of 2 questions answered, 1 skipped"),
        "{report}"
    );
    ends_with_code(&mut s, 0);
    let attempts = saved(data_dir.path());
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(attempts[0].0, "mock");
}
