//! "Did you mean": the error for an unknown question id, with the closest known id.

use rapport_engine::{Engine, ScoreError};

/// The error for an unknown question id, with the closest known id when one is close.
pub fn unknown_question(engine: &Engine, id: &str) -> ScoreError {
    ScoreError::UnknownQuestion {
        id: id.to_owned(),
        suggestion: engine.suggest_id(id),
    }
}
