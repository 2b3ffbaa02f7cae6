//! Why a model folder could not be loaded. Every message names the file at fault and what
//! is wrong with it, so that a user can fix or reinstall the model without reading code.

use std::path::PathBuf;

use thiserror::Error;

/// Why [`Model::load`](crate::Model::load) failed.
///
/// The underlying causes are kept as text in the message rather than as error sources, so
/// that a chain printed with `anyhow`'s `{:#}` says everything once.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LoadError {
    /// The model folder itself does not exist.
    #[error("model folder {} does not exist", .dir.display())]
    MissingFolder {
        /// The folder that was asked for.
        dir: PathBuf,
    },

    /// A file the model needs is not in the folder.
    #[error("{} is missing", .file.display())]
    Missing {
        /// The file that is missing.
        file: PathBuf,
    },

    /// A file exists but could not be read.
    #[error("cannot read {}: {reason}", .file.display())]
    Read {
        /// The file that could not be read.
        file: PathBuf,
        /// What the operating system said.
        reason: String,
    },

    /// A JSON file is not valid JSON or does not have the expected fields.
    #[error("cannot parse {}: {reason}", .file.display())]
    Json {
        /// The file that could not be parsed.
        file: PathBuf,
        /// What the parser said, with line and column.
        reason: String,
    },

    /// A configuration file parses but describes something this crate cannot run.
    #[error("{}: {reason}", .file.display())]
    Config {
        /// The configuration file.
        file: PathBuf,
        /// What is wrong or unsupported.
        reason: String,
    },

    /// The weights file ends before the data its header describes.
    #[error(
        "{} is truncated: its header describes {expected} bytes but the file has {actual}",
        .file.display()
    )]
    Truncated {
        /// The weights file.
        file: PathBuf,
        /// The size the header implies, in bytes.
        expected: u64,
        /// The size of the file on disk, in bytes.
        actual: u64,
    },

    /// The weights file is not a valid safetensors file.
    #[error("{} is not a valid safetensors file: {reason}", .file.display())]
    Corrupt {
        /// The weights file.
        file: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// A tensor the model needs is not in the weights file.
    #[error("{} has no tensor {tensor}", .file.display())]
    MissingTensor {
        /// The weights file.
        file: PathBuf,
        /// The name of the missing tensor.
        tensor: String,
    },

    /// A tensor's shape does not match the configuration (`config.json` in the same
    /// folder).
    #[error(
        "{}: tensor {tensor} has shape {found:?} but config.json gives {meaning} = {expected:?}",
        .file.display()
    )]
    Shape {
        /// The weights file.
        file: PathBuf,
        /// The name of the tensor.
        tensor: String,
        /// The shape in the weights file.
        found: Vec<usize>,
        /// The shape the configuration implies.
        expected: Vec<usize>,
        /// Which configuration fields the expected shape comes from, such as
        /// `[vocab_size, hidden_size]`.
        meaning: &'static str,
    },

    /// A tensor has an element type this crate does not read.
    #[error("{}: tensor {tensor} has unsupported element type {dtype}", .file.display())]
    Dtype {
        /// The weights file.
        file: PathBuf,
        /// The name of the tensor.
        tensor: String,
        /// The element type found.
        dtype: String,
    },

    /// The tokenizer file could not be loaded or configured.
    #[error("cannot load tokenizer {}: {reason}", .file.display())]
    Tokenizer {
        /// The tokenizer file.
        file: PathBuf,
        /// What the tokenizer library said.
        reason: String,
    },

    /// The tokenizer produces token ids that have no row in the embedding matrix: the
    /// tokenizer and the weights belong to different models.
    #[error(
        "{} does not match {}: the tokenizer has token ids up to {max_id} but the embedding \
         matrix has {rows} rows",
        .tokenizer.display(),
        .weights.display()
    )]
    VocabMismatch {
        /// The tokenizer file.
        tokenizer: PathBuf,
        /// The weights file.
        weights: PathBuf,
        /// The largest token id the tokenizer can produce.
        max_id: u32,
        /// The number of rows of the word-embedding matrix.
        rows: usize,
    },

    /// The network could not be built from weights that passed every check; this points
    /// at a bug rather than at a bad file.
    #[error("cannot build the model from {}: {reason}", .file.display())]
    Build {
        /// The weights file.
        file: PathBuf,
        /// What candle said.
        reason: String,
    },
}
