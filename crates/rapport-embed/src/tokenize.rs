//! Loading `tokenizer.json` and turning a batch of sentences into padded id tensors.
//!
//! Shipped sentence-transformer tokenizers often pad every input to a fixed length (128
//! tokens for all-MiniLM-L6-v2), which would make a five-word sentence cost as much as a
//! paragraph. The tokenizer's own padding is switched off; [`Batch::new`] pads each batch
//! to its longest member instead. Truncation is set to the model's maximum length.

use std::path::Path;

use candle_core::{Device, Tensor};
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::LoadError;
use crate::config::read;

/// A tokenizer set up for embedding: no padding, truncation at the model's limit.
pub(crate) struct Tokens {
    tokenizer: Tokenizer,
    pad_id: u32,
    /// The largest id the tokenizer can produce, to check against the weights.
    pub(crate) max_id: u32,
}

impl Tokens {
    /// Loads `file` and sets it up for inputs of at most `max_length` tokens.
    /// `default_pad_id` (from the model configuration) is used when the tokenizer names no
    /// padding token.
    pub(crate) fn load(
        file: &Path,
        max_length: usize,
        default_pad_id: u32,
    ) -> Result<Tokens, LoadError> {
        let bad = |reason: String| LoadError::Tokenizer {
            file: file.to_owned(),
            reason,
        };
        let bytes = read(file)?;
        let mut tokenizer = Tokenizer::from_bytes(&bytes).map_err(|e| bad(e.to_string()))?;
        let pad_id = tokenizer
            .get_padding()
            .map(|p| p.pad_id)
            .or_else(|| tokenizer.token_to_id("[PAD]"))
            .unwrap_or(default_pad_id);
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
        Ok(Tokens {
            tokenizer,
            pad_id,
            max_id,
        })
    }

    /// Tokenises sentences, with special tokens, unpadded.
    pub(crate) fn encode(&self, sentences: &[&str]) -> tokenizers::Result<Vec<Encoding>> {
        self.tokenizer.encode_batch_fast(sentences.to_vec(), true)
    }

    /// The id used for padding.
    pub(crate) fn pad_id(&self) -> u32 {
        self.pad_id
    }
}

/// A batch of encodings padded to its longest member, as tensors for the encoder.
pub(crate) struct Batch {
    /// Token ids, `[batch, length]`, `u32`.
    pub(crate) ids: Tensor,
    /// Token type ids, `[batch, length]`, `u32`.
    pub(crate) type_ids: Tensor,
    /// 1 for a real token, 0 for padding, `[batch, length]`, `f32`.
    pub(crate) mask: Tensor,
}

impl Batch {
    /// Pads `encodings` to the longest of them with `pad_id`.
    pub(crate) fn new(encodings: &[&Encoding], pad_id: u32) -> candle_core::Result<Batch> {
        let rows = encodings.len();
        let length = encodings.iter().map(|e| e.len()).max().unwrap_or(0);
        let mut ids = vec![pad_id; rows * length];
        let mut type_ids = vec![0u32; rows * length];
        let mut mask = vec![0f32; rows * length];
        for (row, encoding) in encodings.iter().enumerate() {
            let at = row * length;
            let n = encoding.len();
            ids[at..at + n].copy_from_slice(encoding.get_ids());
            type_ids[at..at + n].copy_from_slice(encoding.get_type_ids());
            for m in &mut mask[at..at + n] {
                *m = 1.0;
            }
        }
        let shape = (rows, length);
        Ok(Batch {
            ids: Tensor::from_vec(ids, shape, &Device::Cpu)?,
            type_ids: Tensor::from_vec(type_ids, shape, &Device::Cpu)?,
            mask: Tensor::from_vec(mask, shape, &Device::Cpu)?,
        })
    }
}
