//! The PostgreSQL store: one server shared by a team, same records and behaviour as the
//! SQLite store.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection, Postgres, Transaction};

use crate::location::scrub_passwords;
use crate::rows::query_error;
use crate::{StoreError, redact_password};

/// How long to wait for a connection, at open and afterwards, before reporting the
/// server unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Attempts and scorecards in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db`) and
    /// brings its schema up to date. Errors name the server without the password.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        // The driver's messages do not quote the URL today; scrubbing makes sure of it.
        let open_error = |e: sqlx::Error| StoreError::Open {
            location: redact_password(url),
            reason: scrub_passwords(&e.to_string(), url),
        };
        let options = PgConnectOptions::from_str(url).map_err(open_error)?;
        // A first connection of its own says why a server cannot be reached ("connection
        // refused", "password authentication failed") where a pool would only time out.
        let first = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options))
            .await
            .map_err(|_| StoreError::Open {
                location: redact_password(url),
                reason: format!("no answer within {} seconds", CONNECT_TIMEOUT.as_secs()),
            })?
            .map_err(open_error)?;
        first.close().await.map_err(open_error)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_lazy_with(options);
        // Through the pool: migrating on a borrowed connection would make this future
        // lose `Send` (sqlx's "implementation of `Acquire` is not general enough").
        sqlx::migrate!("migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))?;
        Ok(PostgresStore { pool })
    }

    /// Closes every connection, waiting for them to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction that writes.
    async fn write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool
            .begin()
            .await
            .map_err(query_error("start a transaction"))
    }

    /// A transaction that only reads, from one snapshot, so that an attempt and its
    /// steps agree even while another connection deletes it.
    async fn read(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .map_err(query_error("start a transaction"))
    }
}

/// The queries both backends share (`queries.rs`).
mod queries {
    crate::queries::store_queries!(PostgresStore, Postgres, "postgres");
}
