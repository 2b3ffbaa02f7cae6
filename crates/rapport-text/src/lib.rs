//! Text analysis for Rapport: sentences and words with byte offsets, stems, and phrase
//! matching. Pure: no I/O.
//!
//! The pipeline is a chain of small stages, each in its own file, composed by
//! [`Analyzer`]: sentence splitting, word splitting, folding (lower case, straight
//! apostrophes) and stemming. Every offset points into the text exactly as received.

mod analyzer;
mod clauses;
pub mod diff;
mod fold;
mod phrase;
mod sentences;
mod stem;
mod words;

pub use analyzer::{Analysis, Analyzer, Sentence, Token};
pub use fold::fold;
pub use phrase::{Match, PhraseSet};
pub use sentences::split_sentences;
pub use stem::Stemmer;
pub use words::split_words;
