//! The SQLite store: one file in the user's data directory, in WAL mode so that the
//! terminal and the browser can use it at once.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, SqliteConnection, Transaction};

use crate::StoreError;
use crate::rows::query_error;

/// How long a writer waits for another (the CLI and the server share the file) before
/// giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long an open waits for another process that is preparing the same file.
const PREPARE_TIMEOUT: Duration = Duration::from_secs(30);

/// Attempts and scorecards in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens the file at `path`, creating it and its folders if missing, and brings its
    /// schema up to date.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let open_error = |reason: String| StoreError::Open {
            location: path.display().to_string(),
            reason,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| open_error(e.to_string()))?;
        }
        // Two processes opening a new file at once would both create the tables (sqlx takes
        // no lock on SQLite): one at a time prepares it, under a lock on a file beside it.
        let _prepare = prepare_lock(path).await.map_err(open_error)?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL is still safe against corruption; a power cut may only
            // lose the last commits.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        // A first connection of its own says why a file cannot be opened where a pool
        // would only time out.
        let first = SqliteConnection::connect_with(&options)
            .await
            .map_err(|e| open_error(e.to_string()))?;
        first.close().await.map_err(|e| open_error(e.to_string()))?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_lazy_with(options);
        migrate(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// A store in memory, gone when the store is dropped: for tests and trying things out.
    pub async fn memory() -> Result<SqliteStore, StoreError> {
        let open_error = |e: sqlx::Error| StoreError::Open {
            location: ":memory:".to_owned(),
            reason: e.to_string(),
        };
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(open_error)?
            .foreign_keys(true);
        // One connection that never closes: the database lives as long as it does.
        let pool = SqlitePoolOptions::new()
            .min_connections(1)
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        migrate(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// Closes every connection, waiting for them to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction that writes. `BEGIN IMMEDIATE` takes the write lock up front, so
    /// that waiting for another writer goes through the busy timeout instead of failing
    /// half-way.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(query_error("start a transaction"))
    }

    /// A transaction that only reads, so that an attempt and its steps come from the
    /// same snapshot.
    async fn read(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin()
            .await
            .map_err(query_error("start a transaction"))
    }
}

/// Takes the lock on `<file>-lock` that preparing `path` is done under (switching a new
/// file to WAL and migrating it), waiting for another process that holds it. An
/// advisory lock of the system (`flock`), released when the file is closed, so also
/// when a process dies holding it. Polled, not blocking, so that two stores opening in
/// one runtime do not wait on each other's thread.
async fn prepare_lock(path: &Path) -> Result<std::fs::File, String> {
    let mut name = path.as_os_str().to_owned();
    name.push("-lock");
    let lock_path = std::path::PathBuf::from(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot create {}: {e}", lock_path.display()))?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < PREPARE_TIMEOUT => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "another process has been preparing it for {} s ({} is locked)",
                    PREPARE_TIMEOUT.as_secs(),
                    lock_path.display()
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", lock_path.display()));
            }
        }
    }
}

/// Brings the schema up to date; migrations already run are skipped. Through the pool:
/// migrating on a borrowed connection would make the caller's future lose `Send`
/// (sqlx's "implementation of `Acquire` is not general enough").
async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    sqlx::migrate!("migrations/sqlite")
        .run(pool)
        .await
        .map_err(|e| StoreError::Migrate(e.to_string()))
}

/// The queries both backends share (`queries.rs`).
mod queries {
    crate::queries::store_queries!(SqliteStore, Sqlite, "sqlite");
}
