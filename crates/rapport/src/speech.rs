//! The speech model for `rapport score --audio` and `rapport serve`: where it is and
//! loading it, with the message that says how to install it.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use rapport_speech::Speech;

use rapport::model_files::SPEECH;

use crate::packs::data_dir;

/// The installed speech model's folder.
pub fn dir() -> Option<PathBuf> {
    data_dir().map(|d| SPEECH.dir(&d))
}

/// Loads the installed speech model, or says how to install it.
pub fn load() -> Result<Speech> {
    let dir = dir().ok_or_else(|| {
        anyhow!(
            "no data directory for the speech model: set RAPPORT_DATA_DIR, XDG_DATA_HOME or HOME"
        )
    })?;
    if !dir.exists() {
        return Err(anyhow!(
            "the speech model is not installed (looked in {}): run `rapport model install`",
            dir.display()
        ));
    }
    Speech::load(&dir).map_err(|e| {
        anyhow!("cannot load the speech model: {e}; run `rapport model install` to repair it")
    })
}
