//! Upgrading a database made before hiring rounds (migration 0005): every scorecard in
//! it becomes a one-question, one-candidate round of its interviewer's, submitted, and
//! new rounds are numbered after those. On SQLite and on PostgreSQL.

use std::borrow::Cow;

use rapport_store::{NewRound, Store, open};
use sqlx::Executor;
use sqlx::migrate::Migrator;

use crate::postgres::in_new_database;

/// The migrations before rounds.
fn before_rounds(mut migrator: Migrator) -> Migrator {
    let older: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version < 5)
        .cloned()
        .collect();
    assert_eq!(older.len(), 4, "migrations 1 to 4");
    migrator.migrations = Cow::Owned(older);
    migrator
}

/// Two scorecards of Irene's and one of Ivan's, as the old schema kept them.
const OLD_SCORECARDS: &str = "
    INSERT INTO scorecards (user_id, candidate, guide_id, question, answer, score,
                            recommendation, comment, report_json, created_at_ms, updated_at_ms)
    VALUES ('irene', 'Pat Ng', 'angry-caller', 'An angry caller?', 'I listened.', 41,
            'no', '', '{}', 1000, 1500),
           ('ivan', 'Sam', 'difficult-customer', 'A difficult customer?', 'I fixed it.', 55,
            '', '', '{}', 2000, 2000),
           ('irene', 'Lee', 'difficult-customer', 'A difficult customer?', 'I helped.', 62,
            'yes', '', '{}', 3000, 3500)";

/// What the upgraded store must show.
async fn check(store: &dyn Store) {
    let irenes = store.rounds("irene").await.expect("rounds");
    let seen: Vec<String> = irenes
        .iter()
        .map(|r| {
            format!(
                "{}: {:?} {:?} {:?}",
                r.round.name, r.round.questions, r.round.candidates, r.round.interviewers
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            r#"Lee: ["difficult-customer"] ["Lee"] ["irene"]"#,
            r#"Pat Ng: ["angry-caller"] ["Pat Ng"] ["irene"]"#,
        ]
    );
    for card in store.scorecards("irene").await.expect("scorecards") {
        let round = card.scorecard.round_id.expect("in a round");
        assert!(irenes.iter().any(|r| r.id == round));
        assert_eq!(card.scorecard.submitted_at_ms, Some(card.updated_at_ms));
        assert_eq!(card.scorecard.verdict, None);
        let all = store
            .round_scorecards("irene", round)
            .await
            .expect("cards")
            .expect("her round");
        assert_eq!(all, [card]);
    }
    assert_eq!(store.rounds("ivan").await.expect("rounds").len(), 1);
    let new = store
        .add_round(NewRound {
            owner: "irene".into(),
            name: "New".into(),
            questions: vec!["angry-caller".into()],
            candidates: vec!["Kim".into()],
            interviewers: Vec::new(),
            created_at_ms: 4000,
        })
        .await
        .expect("a new round");
    assert!(
        new.id > 3,
        "numbered after the rounds taken over: {}",
        new.id
    );
}

#[tokio::test]
async fn sqlite_scorecards_made_before_rounds_become_one_question_rounds() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("rapport.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options)
        .await
        .expect("a SQLite file");
    before_rounds(sqlx::migrate!("migrations/sqlite"))
        .run(&pool)
        .await
        .expect("the old schema");
    pool.execute(OLD_SCORECARDS).await.expect("old scorecards");
    pool.close().await;
    let store = open(path.to_str().expect("UTF-8")).await.expect("upgrade");
    check(store.as_ref()).await;
}

#[tokio::test]
async fn postgres_scorecards_made_before_rounds_become_one_question_rounds() {
    in_new_database("rapport_upgrade", |db_url| async move {
        let pool = sqlx::PgPool::connect(&db_url).await.expect("the database");
        before_rounds(sqlx::migrate!("migrations/postgres"))
            .run(&pool)
            .await
            .expect("the old schema");
        pool.execute(OLD_SCORECARDS).await.expect("old scorecards");
        pool.close().await;
        let store = open(&db_url).await.expect("upgrade");
        check(store.as_ref()).await;
    })
    .await;
}
