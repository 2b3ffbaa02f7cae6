//! Loading `tokenizer.json` and turning sentences into token ids.
//!
//! Shipped sentence-transformer tokenizers often pad every input to a fixed length (128
//! tokens for all-MiniLM-L6-v2), which would make a five-word sentence cost as much as a
//! paragraph. The tokenizer's own padding is switched off (the encoder packs sentences
//! with no padding at all). Truncation is set to the model's maximum length.

use std::path::Path;

use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::LoadError;
use crate::config::read;

/// A tokenizer set up for embedding: no padding, truncation at the model's limit.
pub(crate) struct Tokens {
    tokenizer: Tokenizer,
    /// The largest id the tokenizer can produce, to check against the weights.
    pub(crate) max_id: u32,
}

impl Tokens {
    /// Loads `file` and sets it up for inputs of at most `max_length` tokens.
    pub(crate) fn load(file: &Path, max_length: usize) -> Result<Tokens, LoadError> {
        let bad = |reason: String| LoadError::Tokenizer {
            file: file.to_owned(),
            reason,
        };
        let bytes = read(file)?;
        let mut tokenizer = Tokenizer::from_bytes(&bytes).map_err(|e| bad(e.to_string()))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(|e| bad(e.to_string()))?;
        let max_id = tokenizer
            .get_vocab(true)
            .into_values()
            .max()
            .ok_or_else(|| bad("the vocabulary is empty".into()))?;
        Ok(Tokens { tokenizer, max_id })
    }

    /// Tokenises sentences, with special tokens, unpadded.
    pub(crate) fn encode(&self, sentences: &[&str]) -> tokenizers::Result<Vec<Encoding>> {
        self.tokenizer.encode_batch_fast(sentences.to_vec(), true)
    }
}
