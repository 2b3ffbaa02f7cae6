//! The story against SQLite, in a file of a fresh folder, and what a file keeps between
//! opens.

use rapport_store::{AttemptFilter, LOCAL_USER, Mode, NewAttempt, Source, open};

use crate::story::story;

#[tokio::test]
async fn sqlite_story() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // The folders on the way are created.
    let path = dir.path().join("data").join("rapport").join("rapport.db");
    let store = open(path.to_str().expect("UTF-8 path"))
        .await
        .expect("open");
    assert_eq!(store.backend(), "sqlite");
    story(store.as_ref()).await;
    assert!(path.is_file());
}

#[tokio::test]
async fn sqlite_in_memory_story() {
    let store = open(":memory:").await.expect("open");
    story(store.as_ref()).await;
}

#[tokio::test]
async fn a_reopened_file_keeps_its_attempts() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = rapport_store::default_sqlite_path(dir.path());
    assert_eq!(path, dir.path().join("rapport.db"));
    let attempt = NewAttempt {
        user_id: LOCAL_USER.to_owned(),
        guide_id: "general".to_owned(),
        question: "Why this job?".to_owned(),
        answer: "Because I like people.".to_owned(),
        score: 40,
        band: "developing".to_owned(),
        steps: Vec::new(),
        report_json: "{}".to_owned(),
        engine: "lexical".to_owned(),
        mode: Mode::Practice,
        source: Source::Terminal,
        seconds_taken: None,
        session_id: None,
        created_at_ms: 1,
    };
    let saved = {
        let store = open(path.to_str().expect("UTF-8 path"))
            .await
            .expect("open");
        store.add_attempt(attempt).await.expect("add")
    };
    // Opened again, in each of the forms a location can take: the migrations that
    // already ran are not run again, and nothing is lost.
    for location in [
        format!("sqlite://{}", path.display()),
        format!("sqlite:{}", path.display()),
        path.display().to_string(),
    ] {
        let store = open(&location).await.expect("reopen");
        let attempts = store
            .attempts(LOCAL_USER, &AttemptFilter::default())
            .await
            .expect("list");
        assert_eq!(attempts, std::slice::from_ref(&saved), "{location}");
    }
}
