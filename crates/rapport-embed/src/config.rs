//! The small JSON files of a sentence-transformer folder: the BERT configuration
//! (`config.json`), the sequence length (`sentence_bert_config.json`), and the pipeline
//! and pooling (`modules.json`, `1_Pooling/config.json`).

use std::fs;
use std::io;
use std::path::Path;

use candle_transformers::models::bert::Config as BertConfig;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::LoadError;

/// How token vectors are turned into one sentence vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// The mean of the token vectors, padding excluded (sentence-transformers'
    /// `pooling_mode_mean_tokens`, the default).
    Mean,
    /// The vector of the first token, `[CLS]` (`pooling_mode_cls_token`).
    Cls,
}

/// Reads and parses a JSON file, mapping every failure to an error naming the file.
pub(crate) fn read_json<T: DeserializeOwned>(file: &Path) -> Result<T, LoadError> {
    let bytes = read(file)?;
    serde_json::from_slice(&bytes).map_err(|e| LoadError::Json {
        file: file.to_owned(),
        reason: e.to_string(),
    })
}

/// Reads a whole file, telling a missing file from an unreadable one.
pub(crate) fn read(file: &Path) -> Result<Vec<u8>, LoadError> {
    fs::read(file).map_err(|e| io_error(file, &e))
}

/// Maps an I/O error on `file` to a load error.
pub(crate) fn io_error(file: &Path, e: &io::Error) -> LoadError {
    if e.kind() == io::ErrorKind::NotFound {
        LoadError::Missing {
            file: file.to_owned(),
        }
    } else {
        LoadError::Read {
            file: file.to_owned(),
            reason: e.to_string(),
        }
    }
}

/// Reads `config.json` and checks that it describes a BERT encoder this crate can run.
pub(crate) fn bert_config(file: &Path) -> Result<BertConfig, LoadError> {
    let config: BertConfig = read_json(file)?;
    let bad = |reason: String| LoadError::Config {
        file: file.to_owned(),
        reason,
    };
    if let Some(model_type) = &config.model_type
        && model_type != "bert"
    {
        return Err(bad(format!(
            "model_type {model_type} is not supported (only bert)"
        )));
    }
    for (name, value) in [
        ("vocab_size", config.vocab_size),
        ("hidden_size", config.hidden_size),
        ("num_hidden_layers", config.num_hidden_layers),
        ("num_attention_heads", config.num_attention_heads),
        ("intermediate_size", config.intermediate_size),
        ("max_position_embeddings", config.max_position_embeddings),
        ("type_vocab_size", config.type_vocab_size),
    ] {
        if value == 0 {
            return Err(bad(format!("{name} is 0")));
        }
    }
    if !config
        .hidden_size
        .is_multiple_of(config.num_attention_heads)
    {
        return Err(bad(format!(
            "hidden_size {} is not a multiple of num_attention_heads {}",
            config.hidden_size, config.num_attention_heads
        )));
    }
    Ok(config)
}

/// The part of `sentence_bert_config.json` this crate uses.
#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

/// The longest input in tokens, special tokens included: `max_seq_length` from
/// `sentence_bert_config.json` when the folder has one (as sentence-transformers does),
/// never more than the model's position embeddings.
pub(crate) fn max_length(dir: &Path, config: &BertConfig) -> Result<usize, LoadError> {
    let file = dir.join("sentence_bert_config.json");
    let limit = config.max_position_embeddings;
    if !file.exists() {
        return Ok(limit);
    }
    let st: SentenceBertConfig = read_json(&file)?;
    match st.max_seq_length {
        Some(0) => Err(LoadError::Config {
            file,
            reason: "max_seq_length is 0".into(),
        }),
        Some(n) => Ok(n.min(limit)),
        None => Ok(limit),
    }
}

/// One entry of `modules.json`.
#[derive(Deserialize)]
struct Module {
    path: String,
    #[serde(rename = "type")]
    kind: String,
}

/// Finds the pooling: from the `Pooling` module named in `modules.json`, else from
/// `1_Pooling/config.json`, else mean pooling. Modules that would change the vectors in
/// ways this crate does not implement (a `Dense` projection, say) are an error rather
/// than silently skipped.
pub(crate) fn pooling(dir: &Path, hidden_size: usize) -> Result<Pooling, LoadError> {
    let modules_file = dir.join("modules.json");
    let pooling_file = if modules_file.exists() {
        let modules: Vec<Module> = read_json(&modules_file)?;
        let mut pooling_file = None;
        for module in modules {
            let kind = module.kind.rsplit('.').next().unwrap_or_default();
            match kind {
                "Transformer" if module.path.is_empty() => {}
                "Transformer" => {
                    return Err(LoadError::Config {
                        file: modules_file,
                        reason: format!(
                            "the transformer lives in the subfolder {:?}, which is not supported",
                            module.path
                        ),
                    });
                }
                "Pooling" => pooling_file = Some(dir.join(&module.path).join("config.json")),
                // The vectors are always normalised.
                "Normalize" => {}
                _ => {
                    return Err(LoadError::Config {
                        file: modules_file,
                        reason: format!("module {} is not supported", module.kind),
                    });
                }
            }
        }
        pooling_file
    } else {
        let file = dir.join("1_Pooling").join("config.json");
        file.exists().then_some(file)
    };
    match pooling_file {
        Some(file) => pooling_mode(&file, hidden_size),
        None => Ok(Pooling::Mean),
    }
}

/// Reads a sentence-transformers pooling configuration: exactly one mode must be on,
/// and it must be mean or CLS pooling.
fn pooling_mode(file: &Path, hidden_size: usize) -> Result<Pooling, LoadError> {
    let value: serde_json::Value = read_json(file)?;
    let bad = |reason: String| LoadError::Config {
        file: file.to_owned(),
        reason,
    };
    let Some(fields) = value.as_object() else {
        return Err(bad("expected a JSON object".into()));
    };
    if let Some(dimension) = fields.get("word_embedding_dimension")
        && dimension.as_u64() != Some(hidden_size as u64)
    {
        return Err(bad(format!(
            "word_embedding_dimension {dimension} does not match hidden_size {hidden_size}"
        )));
    }
    let on: Vec<&str> = fields
        .iter()
        .filter(|(_, v)| v.as_bool() == Some(true))
        .filter_map(|(k, _)| k.strip_prefix("pooling_mode_"))
        .collect();
    match on.as_slice() {
        ["mean_tokens"] => Ok(Pooling::Mean),
        ["cls_token"] => Ok(Pooling::Cls),
        [] => Err(bad("no pooling mode is set".into())),
        [one] => Err(bad(format!(
            "pooling mode {one} is not supported (only mean_tokens and cls_token)"
        ))),
        many => Err(bad(format!(
            "several pooling modes are set ({}); only one is supported",
            many.join(", ")
        ))),
    }
}
