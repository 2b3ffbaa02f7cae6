//! "Did you mean": the error for an unknown question id, with the closest known id.

use rapport_engine::{Engine, ScoreError};

/// The error for an unknown question id, with the closest known id when one is close.
pub fn unknown_question(engine: &Engine, id: &str) -> ScoreError {
    ScoreError::UnknownQuestion {
        id: id.to_owned(),
        // Nothing is "close" to an empty id; the engine would still name one.
        suggestion: if id.trim().is_empty() {
            None
        } else {
            engine.suggest_id(id)
        },
    }
}
