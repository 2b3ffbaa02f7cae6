//! Sentence embeddings for Rapport: a BERT-family sentence-transformer (such as
//! all-MiniLM-L6-v2) loaded from a folder and run on the CPU with candle.
//!
//! The engine knows only [`rapport_engine::Embedder`]; [`Model`] implements it. A model
//! folder holds `config.json`, `tokenizer.json` and `model.safetensors`, and optionally
//! the sentence-transformers files that set the maximum length and the pooling.
//! Sentences are tokenised, packed end to end with no padding, encoded (candle does the
//! matrix products; the exact GELU, layer normalisation and attention are this crate's
//! own, vectorised, see `encoder.rs`), mean-pooled over the tokens (or CLS-pooled, when the
//! folder says so) and L2-normalised, which reproduces sentence-transformers' `encode` to
//! within float rounding.
//!
//! ```no_run
//! use rapport_embed::{Embedder, Model};
//!
//! let model = Model::load("models/all-MiniLM-L6-v2".as_ref())?;
//! let vectors = model.embed(&["I made sure she felt heard."])?;
//! assert_eq!(vectors[0].len(), model.dimension());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod config;
mod encoder;
mod error;
mod kernels;
mod model;
mod simd;
mod tokenize;
mod weights;

pub use config::Pooling;
pub use error::LoadError;
pub use model::{MAX_BATCH, Model};
pub use rapport_engine::{EmbedError, Embedder};
