//! The story against PostgreSQL, in a database of its own that is dropped afterwards.
//! The server must be there: `scripts/postgres.sh` sets one up and prints its URL.

use std::time::{SystemTime, UNIX_EPOCH};

use rapport_store::{StoreError, open, redact_password};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::story::story;

/// Where `scripts/postgres.sh` puts the test server.
const DEFAULT_URL: &str = "postgres://rapport:rapport@127.0.0.1:5432/rapport_test";

/// The server's URL, from `RAPPORT_TEST_POSTGRES` or the default.
fn server_url() -> String {
    std::env::var("RAPPORT_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// `url` naming another database on the same server.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_at(url.find('?').unwrap_or(url.len()));
    let authority_start = base
        .rfind('@')
        .map_or(base.find("://").map_or(0, |i| i + 3), |at| at);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

async fn admin(url: &str) -> PgConnection {
    PgConnection::connect(url).await.unwrap_or_else(|error| {
        panic!(
            "cannot reach the test PostgreSQL at {} ({error}): run scripts/postgres.sh \
             (as root), or set RAPPORT_TEST_POSTGRES to a server where this user may \
             create databases",
            redact_password(url)
        )
    })
}

/// Runs `body` with the URL of a database of its own on the test server, made for it
/// and dropped afterwards, also when `body` fails (it runs in a task, so that a failing
/// assertion still lets the database be dropped).
pub(crate) async fn in_new_database<F, Fut>(prefix: &str, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let url = server_url();
    let mut admin = admin(&url).await;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    let database = format!("{prefix}_{}_{nanos}", std::process::id());
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&mut admin)
        .await
        .expect("create the test database");
    let outcome = tokio::spawn(body(with_database(&url, &database))).await;
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE {database} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .expect("drop the test database");
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

#[tokio::test]
async fn postgres_story() {
    in_new_database("rapport_story", |url| async move {
        let store = open(&url).await.expect("open");
        assert_eq!(store.backend(), "postgres");
        story(store.as_ref()).await;
        // Opening again finds the migrations done.
        open(&url).await.expect("reopen");
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_is_not_shown() {
    let url = server_url();
    // Fail first, and clearly, when there is no server at all.
    admin(&url).await.close().await.expect("close");
    let options: sqlx::postgres::PgConnectOptions = url.parse().expect("a PostgreSQL URL");
    let wrong = format!(
        "postgres://{}:not-the-password-0451@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("postgres"),
    );
    let error = match open(&wrong).await {
        Ok(_) => panic!("the server took a wrong password; is it set to trust?"),
        Err(error) => error,
    };
    assert!(matches!(error, StoreError::Open { .. }), "{error:?}");
    assert!(!error.to_string().contains("0451"), "{error}");
}

#[test]
fn urls_name_another_database() {
    let check = |url: &str, expect: &str| assert_eq!(with_database(url, "x"), expect, "{url}");
    check("postgres://u:p@h:5432/db", "postgres://u:p@h:5432/x");
    check(
        "postgres://u:p/q@h/db?sslmode=disable",
        "postgres://u:p/q@h/x?sslmode=disable",
    );
    check("postgres://h", "postgres://h/x");
    check("postgres://h/db", "postgres://h/x");
}
