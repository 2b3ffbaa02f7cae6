//! Durability: attempts posted to a real `rapport serve` process while it is killed
//! with SIGKILL, round after round. Every attempt the server acknowledged (201 with its
//! id) must be there after a restart, and the database must be sound — against SQLite
//! (`PRAGMA integrity_check`) and PostgreSQL (the server from `scripts/postgres.sh`, or
//! `RAPPORT_TEST_POSTGRES`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::{AssertSqlSafe, Connection};

/// Kill rounds per store, and clients posting at once in each.
const ROUNDS: usize = 6;
const CLIENTS: usize = 4;

/// A `rapport serve` on a free loopback port.
struct Server {
    child: Child,
    host: String,
}

impl Server {
    fn start(data_dir: &Path, db: Option<&str>) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
        command
            .args(["--engine", "lexical", "serve", "--addr", "127.0.0.1:0"])
            .env("NO_COLOR", "1")
            .env("RAPPORT_DATA_DIR", data_dir)
            .env_remove("RAPPORT_DB")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(db) = db {
            command.args(["--db", db]);
        }
        let mut child = command.spawn().expect("the server starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout is piped"))
            .read_line(&mut first)
            .expect("the server prints its address");
        let host = first
            .trim()
            .strip_prefix("Rapport is running at http://")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .trim_end_matches('/')
            .to_owned();
        Server { child, host }
    }

    /// SIGKILL, no chance to flush or close anything.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

/// One HTTP/1.1 request on a fresh connection: the status and the body, or `None`
/// when the connection failed (the server was killed).
fn request(host: &str, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(host).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

/// Posts attempts from several clients until the server dies; the acknowledged ids.
fn post_until_killed(server: Server, round: usize, acked: &Mutex<BTreeSet<i64>>) {
    let stop = Arc::new(AtomicBool::new(false));
    let host = server.host.clone();
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (host, stop) = (host.clone(), stop.clone());
        clients.push(std::thread::spawn(move || {
            let mut mine = BTreeSet::new();
            for n in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let answer = format!(
                    "Round {round}, client {client}, attempt {n}: last spring a customer rang \
                         upset that her order was late, so I tracked it down, sent it by courier \
                         and she thanked me the next day."
                );
                let body = serde_json::json!({
                    "question_id": "difficult-customer",
                    "answer": answer,
                })
                .to_string();
                match request(&host, "POST", "/api/attempts", &body) {
                    Some((201, body)) => {
                        let id = serde_json::from_str::<Value>(&body).unwrap()["id"]
                            .as_i64()
                            .expect("an id");
                        mine.insert(id);
                    }
                    Some((status, body)) => panic!("POST answered {status}: {body}"),
                    None => break,
                }
            }
            mine
        }));
    }
    // Kill at a different moment each round, while writes are in flight.
    std::thread::sleep(Duration::from_millis(250 + 170 * round as u64));
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        let mine = client.join().expect("a client thread");
        acked.lock().unwrap().extend(mine);
    }
}

/// The ids of every attempt the server lists.
fn listed(server: &Server) -> BTreeSet<i64> {
    let (status, body) =
        request(&server.host, "GET", "/api/attempts?limit=10000", "").expect("the server answers");
    assert_eq!(status, 200, "{body}");
    let list: Value = serde_json::from_str(&body).expect("JSON");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|a| a["id"].as_i64().expect("an id"))
        .collect()
}

/// Kill rounds against one store; returns (acknowledged, present after the last restart).
fn kill_rounds(data_dir: &Path, db: Option<&str>) -> (usize, usize) {
    let acked = Mutex::new(BTreeSet::new());
    let started = Instant::now();
    for round in 0..ROUNDS {
        post_until_killed(Server::start(data_dir, db), round, &acked);
        // Every acknowledged attempt so far is there after each restart.
        let server = Server::start(data_dir, db);
        let present = listed(&server);
        let acked = acked.lock().unwrap();
        let lost: Vec<_> = acked.difference(&present).collect();
        assert!(
            lost.is_empty(),
            "round {round}: acknowledged but lost: {lost:?}"
        );
        server.kill();
    }
    let acked = acked.into_inner().unwrap();
    let server = Server::start(data_dir, db);
    let present = listed(&server);
    server.kill();
    println!(
        "{} rounds: {} acknowledged, {} present, in {:.1} s",
        ROUNDS,
        acked.len(),
        present.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        acked.len() >= ROUNDS * 5,
        "too few writes acknowledged to test anything"
    );
    (acked.len(), present.len())
}

#[test]
fn sqlite_keeps_every_acknowledged_attempt_through_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (acked, present) = kill_rounds(dir.path(), None);
    assert!(present >= acked);
    let db = dir.path().join("rapport.db");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let check: String = runtime.block_on(async {
        let url = format!("sqlite://{}", db.display());
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .expect("open the file");
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .expect("integrity_check")
    });
    assert_eq!(check, "ok");
}

#[test]
fn postgres_keeps_every_acknowledged_attempt_through_sigkill() {
    let url = std::env::var("RAPPORT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://rapport:rapport@127.0.0.1:5432/rapport_test".to_owned());
    let database = format!("rapport_kill_{}", std::process::id());
    let db_url = match url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{database}"),
        None => panic!("not a database URL: {url}"),
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let admin = |sql: String| {
        runtime.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap_or_else(|e| {
                panic!("cannot reach the test PostgreSQL ({e}): run scripts/postgres.sh")
            });
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .expect("admin SQL");
        })
    };
    admin(format!("CREATE DATABASE {database}"));
    let dir = tempfile::tempdir().expect("temp dir");
    let outcome = std::panic::catch_unwind(|| {
        let (acked, present) = kill_rounds(dir.path(), Some(&db_url));
        assert!(present >= acked);
        let rows: i64 = runtime.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&db_url).await.expect("connect");
            sqlx::query_scalar("SELECT count(*) FROM attempts")
                .fetch_one(&mut conn)
                .await
                .expect("count")
        });
        assert_eq!(
            rows as usize, present,
            "rows in the table and attempts listed"
        );
    });
    admin(format!("DROP DATABASE {database} WITH (FORCE)"));
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
