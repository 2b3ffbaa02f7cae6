//! What the integration tests share: where the real model is.

use std::path::PathBuf;

/// Where the real model is: `$RAPPORT_MODEL_DIR`, else `models/all-MiniLM-L6-v2` in the
/// data directory (`$RAPPORT_DATA_DIR`, else `$XDG_DATA_HOME/rapport`, else
/// `~/.local/share/rapport`), as `rapport model install` puts it.
pub fn real_model_dir() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("RAPPORT_MODEL_DIR") {
        return dir;
    }
    let data = var("RAPPORT_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("rapport")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/rapport")))
        .expect("no data directory: set RAPPORT_DATA_DIR or HOME");
    data.join("models").join("all-MiniLM-L6-v2")
}
