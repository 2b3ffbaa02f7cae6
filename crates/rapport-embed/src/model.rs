//! The loaded model: BERT encoder, tokenizer and pooling, and the batching around them.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rapport_engine::{EmbedError, Embedder};
use rayon::ThreadPool;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tokenizers::Encoding;

use crate::config::{self, Pooling, io_error};
use crate::encoder::Encoder;
use crate::tokenize::Tokens;
use crate::{LoadError, weights};

/// The most sentences run through the encoder at once; larger inputs are split.
pub const MAX_BATCH: usize = 32;

/// A sentence-transformer loaded from a folder and run on the CPU in `f32`.
///
/// Loading reads `config.json`, `tokenizer.json`, `model.safetensors` and, when present,
/// `sentence_bert_config.json` (the maximum length) and `modules.json` or
/// `1_Pooling/config.json` (the pooling; mean pooling otherwise).
pub struct Model {
    encoder: Encoder,
    tokens: Tokens,
    pooling: Pooling,
    dimension: usize,
    max_length: usize,
    id: String,
    /// One single-thread pool per core. A call with several sentences shares them out
    /// between these by whole sentences, and each encodes its share alone, start to
    /// finish, with no synchronisation inside a layer; a single sentence is encoded on the
    /// calling thread, each of its matrix products split by columns between these pools.
    workers: Vec<ThreadPool>,
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
        // The id is a digest of both files, remembered beside them with their sizes and
        // modification times: while those are unchanged the files are not read twice.
        let fingerprint = fingerprint(&weights_file, &tokenizer_file);
        if let Some(id) = fingerprint.as_deref().and_then(|f| remembered_id(dir, f)) {
            let mut model = load_parts(dir)?;
            model.id = id;
            return Ok(model);
        }
        // Hashing the weights takes as long as reading them, so it runs on a second
        // thread while the main one parses and checks.
        let stop = AtomicBool::new(false);
        let model = std::thread::scope(|scope| {
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
            Ok::<Model, LoadError>(model)
        })?;
        if let Some(fingerprint) = fingerprint {
            // A folder we may not write to only costs the hashing at every load.
            let _ = fs::write(dir.join(ID_FILE), format!("{}\n{fingerprint}", model.id));
        }
        Ok(model)
    }

    /// Embeds each sentence as an L2-normalised vector, in input order.
    ///
    /// The sentences are tokenised and shared out between the cores by whole sentences,
    /// about the same number of tokens each; each core runs its share through the encoder
    /// [`MAX_BATCH`] at a time, packed end to end with no padding (so that sentences of any
    /// lengths batch together without wasted work), then pools and normalises.
    pub fn embed_batch(&self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if sentences.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokens
            .encode(sentences)
            .map_err(|e| EmbedError(format!("cannot tokenize: {e}")))?;
        let lengths: Vec<usize> = encodings.iter().map(Encoding::len).collect();
        let shares = shares(&lengths, self.workers.len());
        let encode = |share: &[usize], split: &[ThreadPool]| {
            let picked: Vec<&Encoding> = share.iter().map(|&i| &encodings[i]).collect();
            let mut out = Vec::with_capacity(picked.len());
            for batch in picked.chunks(MAX_BATCH) {
                out.extend(self.forward(batch, split)?);
            }
            Ok::<_, candle_core::Error>(out)
        };
        let encoded: candle_core::Result<Vec<Vec<Vec<f32>>>> = if shares.len() == 1 {
            // One sentence (or one core): its products are shared out by columns instead.
            encode(&shares[0], &self.workers).map(|v| vec![v])
        } else {
            shares
                .par_iter()
                .zip(&self.workers)
                .map(|(share, worker)| worker.install(|| encode(share, &[])))
                .collect()
        };
        let encoded = encoded.map_err(|e| EmbedError(format!("cannot run the model: {e}")))?;
        let mut out = vec![Vec::new(); sentences.len()];
        for (share, vectors) in shares.iter().zip(encoded) {
            for (&i, v) in share.iter().zip(vectors) {
                out[i] = v;
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

    /// Runs one batch through the encoder, pools and normalises.
    fn forward(
        &self,
        encodings: &[&Encoding],
        split: &[ThreadPool],
    ) -> candle_core::Result<Vec<Vec<f32>>> {
        let lengths: Vec<usize> = encodings.iter().map(|e| e.len()).collect();
        let total = lengths.iter().sum();
        let mut ids = Vec::with_capacity(total);
        let mut type_ids = Vec::with_capacity(total);
        for e in encodings {
            ids.extend_from_slice(e.get_ids());
            type_ids.extend_from_slice(e.get_type_ids());
        }
        let hidden = self.encoder.forward(&ids, &type_ids, &lengths, split)?;
        let h = self.dimension;
        let mut start = 0;
        Ok(lengths
            .iter()
            .map(|&length| {
                let tokens = &hidden[start * h..(start + length) * h];
                start += length;
                pool(tokens, h, self.pooling)
            })
            .collect())
    }
}

/// Shares sentences of these token lengths out between at most `workers` workers, by
/// whole sentences, so that each gets about the same number of tokens (longest first,
/// each to the least loaded). Each share lists sentence indices in input order; there is
/// always at least one share.
fn shares(lengths: &[usize], workers: usize) -> Vec<Vec<usize>> {
    let count = workers.min(lengths.len()).max(1);
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(lengths[i]));
    let mut load = vec![0usize; count];
    let mut shares = vec![Vec::new(); count];
    for i in order {
        let lightest = (0..count).min_by_key(|&w| load[w]).unwrap_or(0);
        load[lightest] += lengths[i];
        shares[lightest].push(i);
    }
    for share in &mut shares {
        share.sort_unstable();
    }
    shares
}

/// One single-thread pool per rayon thread (one per core unless `RAYON_NUM_THREADS` says
/// otherwise); fewer, or none, if the system will not start more threads, which only
/// costs speed.
fn workers() -> Vec<ThreadPool> {
    (0..rayon::current_num_threads())
        .map_while(|i| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(move |_| format!("rapport-embed-{i}"))
                .build()
                .ok()
        })
        .collect()
}

/// Pools the `[length, h]` token vectors of one sentence and L2-normalises the result, as
/// sentence-transformers does (an empty sentence gives the zero vector).
fn pool(tokens: &[f32], h: usize, pooling: Pooling) -> Vec<f32> {
    let mut v = vec![0f32; h];
    match pooling {
        Pooling::Mean => {
            let count = (tokens.len() / h).max(1) as f32;
            for row in tokens.chunks_exact(h) {
                for (s, &x) in v.iter_mut().zip(row) {
                    *s += x;
                }
            }
            for s in &mut v {
                *s /= count;
            }
        }
        Pooling::Cls => {
            if let Some(first) = tokens.get(..h) {
                v.copy_from_slice(first);
            }
        }
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    for x in &mut v {
        *x /= norm;
    }
    v
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
    let tokens = Tokens::load(&tokenizer_file, max_length)?;
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
    let encoder = Encoder::new(tensors, &config).map_err(|e| LoadError::Build {
        file: weights_file.clone(),
        reason: e.to_string(),
    })?;
    Ok(Model {
        encoder,
        tokens,
        pooling,
        dimension: config.hidden_size,
        max_length,
        id: String::new(),
        workers: workers(),
    })
}

/// The file beside the model that remembers its id: the id on the first line, then the
/// fingerprint it was computed for.
pub const ID_FILE: &str = ".rapport-id";

/// The sizes and modification times of the weights and tokenizer, one line each; `None`
/// when either cannot be read (loading then reports the problem).
fn fingerprint(weights: &Path, tokenizer: &Path) -> Option<String> {
    let line = |file: &Path| -> Option<String> {
        let meta = fs::metadata(file).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!("{} {}", meta.len(), modified.as_nanos()))
    };
    Some(format!("{}\n{}\n", line(weights)?, line(tokenizer)?))
}

/// The id remembered in [`ID_FILE`], when it was computed for these very files.
fn remembered_id(dir: &Path, fingerprint: &str) -> Option<String> {
    let text = fs::read_to_string(dir.join(ID_FILE)).ok()?;
    let (id, rest) = text.split_once('\n')?;
    let plausible = id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit());
    (plausible && rest == fingerprint).then(|| id.to_owned())
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
