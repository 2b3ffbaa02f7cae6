//! The loaded model: BERT encoder, tokenizer and pooling, and the batching around them.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::BertModel;
use rapport_engine::{EmbedError, Embedder};
use sha2::{Digest, Sha256};
use tokenizers::Encoding;

use crate::config::{self, Pooling, io_error};
use crate::tokenize::{Batch, Tokens};
use crate::{LoadError, weights};

/// The most sentences run through the encoder at once; larger inputs are split.
pub const MAX_BATCH: usize = 32;

/// A sentence-transformer loaded from a folder and run on the CPU in `f32`.
///
/// Loading reads `config.json`, `tokenizer.json`, `model.safetensors` and, when present,
/// `sentence_bert_config.json` (the maximum length) and `modules.json` or
/// `1_Pooling/config.json` (the pooling; mean pooling otherwise).
pub struct Model {
    bert: BertModel,
    tokens: Tokens,
    pooling: Pooling,
    dimension: usize,
    max_length: usize,
    id: String,
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("id", &self.id)
            .field("dimension", &self.dimension)
            .field("pooling", &self.pooling)
            .field("max_length", &self.max_length)
            .finish_non_exhaustive()
    }
}

impl Model {
    /// Loads the model in `dir`, checking every file against the others: the weights'
    /// shapes against `config.json`, the tokenizer's vocabulary against the embedding
    /// matrix.
    pub fn load(dir: &Path) -> Result<Model, LoadError> {
        if !dir.is_dir() {
            return Err(LoadError::MissingFolder {
                dir: dir.to_owned(),
            });
        }
        let weights_file = dir.join("model.safetensors");
        let tokenizer_file = dir.join("tokenizer.json");
        // Hashing the weights takes as long as reading them, so it runs on a second
        // thread while the main one parses and checks.
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let digest = scope.spawn(|| model_id(&weights_file, &tokenizer_file, &stop));
            let parts = load_parts(dir);
            if parts.is_err() {
                stop.store(true, Ordering::Relaxed);
            }
            let digest = digest.join();
            let mut model = parts?;
            model.id = match digest {
                Ok(id) => id?,
                Err(_) => {
                    return Err(LoadError::Read {
                        file: weights_file.clone(),
                        reason: "the thread hashing it panicked".into(),
                    });
                }
            };
            Ok(model)
        })
    }

    /// Embeds each sentence as an L2-normalised vector, in input order.
    ///
    /// The sentences are tokenised, sorted by length so that each batch of at most
    /// [`MAX_BATCH`] holds sentences of similar length (padding is wasted work), padded
    /// to the longest of their batch, encoded, pooled and normalised.
    pub fn embed_batch(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if sentences.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokens
            .encode(sentences)
            .map_err(|e| EmbedError(format!("cannot tokenize: {e}")))?;
        let mut order: Vec<usize> = (0..encodings.len()).collect();
        order.sort_by_key(|&i| encodings[i].len());
        let mut out = vec![Vec::new(); sentences.len()];
        for chunk in order.chunks(MAX_BATCH) {
            let batch: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            let vectors = self
                .forward(&batch)
                .map_err(|e| EmbedError(format!("cannot run the model: {e}")))?;
            for (&i, vector) in chunk.iter().zip(vectors) {
                out[i] = vector;
            }
        }
        Ok(out)
    }

    /// How token vectors are pooled into a sentence vector.
    pub fn pooling(&self) -> Pooling {
        self.pooling
    }

    /// The longest input in tokens; longer sentences are truncated.
    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// Runs one padded batch through the encoder, pools and normalises.
    fn forward(&self, encodings: &[&Encoding]) -> candle_core::Result<Vec<Vec<f32>>> {
        let batch = Batch::new(encodings, self.tokens.pad_id())?;
        let hidden = self
            .bert
            .forward(&batch.ids, &batch.type_ids, Some(&batch.mask))?;
        let pooled = match self.pooling {
            Pooling::Mean => {
                let summed = hidden.broadcast_mul(&batch.mask.unsqueeze(2)?)?.sum(1)?;
                let counts = batch.mask.sum_keepdim(1)?.clamp(1e-9, f32::MAX)?;
                summed.broadcast_div(&counts)?
            }
            Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
        };
        let norms = pooled
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12, f32::MAX)?;
        pooled.broadcast_div(&norms)?.to_vec2::<f32>()
    }
}

impl Embedder for Model {
    fn id(&self) -> &str {
        &self.id
    }

    fn dimension(&self) -> usize {
        self.dimension
    }

    fn embed(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_batch(sentences)
    }
}

/// Everything but the id: configuration, tokenizer, weights, encoder.
fn load_parts(dir: &Path) -> Result<Model, LoadError> {
    let config_file = dir.join("config.json");
    let tokenizer_file = dir.join("tokenizer.json");
    let weights_file = dir.join("model.safetensors");
    // Report a missing file before complaining about the contents of another.
    for file in [&config_file, &tokenizer_file, &weights_file] {
        if !file.exists() {
            return Err(LoadError::Missing { file: file.clone() });
        }
    }
    let config = config::bert_config(&config_file)?;
    let max_length = config::max_length(dir, &config)?;
    let pooling = config::pooling(dir, config.hidden_size)?;
    let pad_id = u32::try_from(config.pad_token_id).unwrap_or(0);
    let tokens = Tokens::load(&tokenizer_file, max_length, pad_id)?;
    if tokens.max_id as usize >= config.vocab_size {
        // The weights are checked against the configuration next, so the configured
        // vocabulary size is the number of rows of the embedding matrix.
        return Err(LoadError::VocabMismatch {
            tokenizer: tokenizer_file,
            weights: weights_file,
            max_id: tokens.max_id,
            rows: config.vocab_size,
        });
    }
    let tensors = weights::load(&weights_file, &config)?;
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    let bert = BertModel::load(vb, &config).map_err(|e| LoadError::Build {
        file: weights_file.clone(),
        reason: e.to_string(),
    })?;
    Ok(Model {
        bert,
        tokens,
        pooling,
        dimension: config.hidden_size,
        max_length,
        id: String::new(),
    })
}

/// The model's id: the first 16 hex digits of the SHA-256 of the SHA-256 digests of the
/// weights and of the tokenizer, so that it changes when either file does.
fn model_id(weights: &Path, tokenizer: &Path, stop: &AtomicBool) -> Result<String, LoadError> {
    let mut hasher = Sha256::new();
    for file in [weights, tokenizer] {
        hasher.update(sha256_file(file, stop).map_err(|e| io_error(file, &e))?);
    }
    let digest = hasher.finalize();
    Ok(digest[..8].iter().map(|b| format!("{b:02x}")).collect())
}

/// The SHA-256 of a file's contents; gives up early (with a meaningless digest) when
/// `stop` is set because loading failed anyway.
fn sha256_file(file: &Path, stop: &AtomicBool) -> io::Result<[u8; 32]> {
    let mut f = File::open(file)?;
    let mut hasher = Sha256::new();
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        match f.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => hasher.update(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hasher.finalize().into())
}
