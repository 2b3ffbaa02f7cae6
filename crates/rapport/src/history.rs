//! Saving practice and mock attempts from the terminal to the same store the web app
//! uses, so that history is one. `rapport score` never saves.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use rapport_engine::Report;
use rapport_server::contract::{AttemptContext, new_attempt};
use rapport_store::{LOCAL_USER, Mode, Source, Store};

/// An open store and the runtime its calls run on.
pub struct History {
    runtime: tokio::runtime::Runtime,
    store: Arc<dyn Store>,
    location: String,
}

/// Where attempts go: `--db` (or `RAPPORT_DB`), else `rapport.db` in the data directory.
pub fn location(db: Option<&str>) -> Result<String> {
    if let Some(db) = db.filter(|d| !d.is_empty()) {
        return Ok(db.to_owned());
    }
    let dir: PathBuf = crate::packs::data_dir()
        .context("no data directory: set RAPPORT_DATA_DIR or HOME, or give --db")?;
    Ok(rapport_store::default_sqlite_path(&dir)
        .to_string_lossy()
        .into_owned())
}

impl History {
    /// Opens the store at `--db` or the default location.
    pub fn open(db: Option<&str>) -> Result<History> {
        let location = location(db)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the runtime for the database")?;
        let store = runtime.block_on(rapport_store::open(&location))?;
        Ok(History {
            runtime,
            store,
            location,
        })
    }

    /// Opens the store, or says on stderr why attempts will not be saved this time.
    pub fn open_or_warn(db: Option<&str>) -> Option<History> {
        match History::open(db) {
            Ok(history) => Some(history),
            Err(e) => {
                crate::term::stderr_line(&format!(
                    "warning: attempts will not be saved: {}",
                    crate::lower_first(&format!("{e:#}"))
                ));
                None
            }
        }
    }

    /// Where attempts are saved, fit to show: a path, or an address without its password.
    pub fn location(&self) -> String {
        rapport_store::redact_password(&self.location)
    }

    /// Saves one attempt, waiting out a moment's lock by another process; a failure is
    /// a warning, never the end of the session (the caller counts it, and the command
    /// ends with [`crate::exit::NOT_SAVED`]). Whether it was saved.
    pub fn save(
        &self,
        report: &Report,
        answer: &str,
        mode: Mode,
        session_id: Option<&str>,
    ) -> bool {
        let attempt = new_attempt(
            report,
            answer,
            AttemptContext {
                user_id: LOCAL_USER.to_owned(),
                mode,
                source: Source::Terminal,
                seconds_taken: None,
                session_id: session_id.map(str::to_owned),
                now_ms: rapport_server::system_clock(),
            },
        );
        let mut tries = 0;
        loop {
            tries += 1;
            match self
                .runtime
                .block_on(self.store.add_attempt(attempt.clone()))
            {
                Ok(_) => return true,
                Err(_) if tries < 3 => std::thread::sleep(std::time::Duration::from_millis(200)),
                Err(e) => {
                    crate::term::stderr_line(&format!(
                        "warning: this attempt was not saved to {}: {e}",
                        self.location()
                    ));
                    return false;
                }
            }
        }
    }
}

/// Ends a session in which `unsaved` scored attempts could not be saved: says so, and
/// turns the exit code into [`crate::exit::NOT_SAVED`].
pub fn unsaved_exit(unsaved: usize, code: u8) -> u8 {
    if unsaved == 0 {
        return code;
    }
    let attempts = if unsaved == 1 {
        "attempt was"
    } else {
        "attempts were"
    };
    crate::term::stderr_line(&format!(
        "error: {unsaved} {attempts} not saved to your history (see the warning above)"
    ));
    crate::exit::NOT_SAVED
}
