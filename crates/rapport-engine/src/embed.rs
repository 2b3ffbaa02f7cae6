//! The seam to a sentence-embedding model. The engine knows only this trait; the
//! `rapport-embed` crate implements it with candle, and tests can implement it with
//! anything deterministic.

use thiserror::Error;

/// Why sentences could not be embedded.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{0}")]
pub struct EmbedError(pub String);

/// A sentence-embedding model: text in, unit-length vectors out.
pub trait Embedder: Send + Sync {
    /// A stable identity of the model (for example a hash of its weights and tokenizer),
    /// used to key caches of embeddings on disk.
    fn id(&self) -> &str;

    /// The length of every vector `embed` returns.
    fn dimension(&self) -> usize;

    /// Embeds each sentence as an L2-normalised vector, in input order.
    fn embed(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}
