//! Why an answer could not be scored.

use thiserror::Error;

/// The longest answer the engine accepts, in characters.
pub const MAX_ANSWER_CHARS: usize = 20_000;

/// Why an answer could not be scored. Messages are lower-case, with no trailing period.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScoreError {
    /// The answer is empty or only whitespace.
    #[error("the answer is empty: write or say at least a sentence")]
    Empty,
    /// The answer is longer than [`MAX_ANSWER_CHARS`].
    #[error("the answer is {chars} characters long; the limit is {MAX_ANSWER_CHARS}")]
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The answer holds control characters that text does not (it looks binary).
    #[error("the answer looks like binary data, not text (control character at byte {offset})")]
    Binary {
        /// Byte offset of the first offending character.
        offset: usize,
    },
    /// The answer does not look like English.
    #[error("the answer does not look like English; Rapport can only judge answers in English")]
    NotEnglish,
    /// No guide has this id.
    #[error("unknown question `{id}`{}", suggestion.as_ref().map(|s| format!(": did you mean `{s}`?")).unwrap_or_default())]
    UnknownQuestion {
        /// The id asked for.
        id: String,
        /// The closest known id, when one is close.
        suggestion: Option<String>,
    },
    /// The free question text is empty.
    #[error("the question text is empty")]
    EmptyQuestion,
}
