//! Reading `model.safetensors` without memory-mapping it (the workspace forbids `unsafe`)
//! and without holding the file and the tensors in memory at once: the header is checked
//! against the configuration first, so a wrong-shape or truncated file fails before any
//! tensor data is read, and then each tensor the encoder needs is read straight into its
//! own buffer. Tensors the encoder does not use (`pooler.*`, `position_ids`) are skipped.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::bert::Config as BertConfig;
use safetensors::Dtype;
use safetensors::tensor::{Metadata, TensorInfo};

use crate::LoadError;
use crate::config::io_error;

/// The largest header accepted, as in the safetensors crate: anything bigger is garbage.
const MAX_HEADER: u64 = 100_000_000;

/// The size of the reads that fill the tensors.
const CHUNK: usize = 1 << 20;

/// A tensor the encoder needs and the shape the configuration implies for it.
struct Expected {
    name: String,
    shape: Vec<usize>,
    /// The configuration fields the shape comes from, for messages.
    meaning: &'static str,
}

/// Lists every tensor `BertModel` reads, with its expected shape.
fn expected(config: &BertConfig) -> Vec<Expected> {
    let h = config.hidden_size;
    let i = config.intermediate_size;
    let mut out = Vec::new();
    let mut push = |name: String, shape: Vec<usize>, meaning: &'static str| {
        out.push(Expected {
            name,
            shape,
            meaning,
        });
    };
    push(
        "embeddings.word_embeddings.weight".into(),
        vec![config.vocab_size, h],
        "[vocab_size, hidden_size]",
    );
    push(
        "embeddings.position_embeddings.weight".into(),
        vec![config.max_position_embeddings, h],
        "[max_position_embeddings, hidden_size]",
    );
    push(
        "embeddings.token_type_embeddings.weight".into(),
        vec![config.type_vocab_size, h],
        "[type_vocab_size, hidden_size]",
    );
    for part in ["weight", "bias"] {
        push(
            format!("embeddings.LayerNorm.{part}"),
            vec![h],
            "[hidden_size]",
        );
    }
    for layer in 0..config.num_hidden_layers {
        let p = format!("encoder.layer.{layer}");
        for linear in [
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
        ] {
            push(
                format!("{p}.{linear}.weight"),
                vec![h, h],
                "[hidden_size, hidden_size]",
            );
            push(format!("{p}.{linear}.bias"), vec![h], "[hidden_size]");
        }
        push(
            format!("{p}.intermediate.dense.weight"),
            vec![i, h],
            "[intermediate_size, hidden_size]",
        );
        push(
            format!("{p}.intermediate.dense.bias"),
            vec![i],
            "[intermediate_size]",
        );
        push(
            format!("{p}.output.dense.weight"),
            vec![h, i],
            "[hidden_size, intermediate_size]",
        );
        push(format!("{p}.output.dense.bias"), vec![h], "[hidden_size]");
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            for part in ["weight", "bias"] {
                push(format!("{p}.{norm}.{part}"), vec![h], "[hidden_size]");
            }
        }
    }
    out
}

/// One tensor as read: its values, row-major, as `f32` (its shape is the one checked
/// against the configuration).
pub(crate) struct Raw {
    /// The values, converted to `f32` when stored otherwise.
    pub(crate) data: Vec<f32>,
}

/// Reads the tensors of a BERT encoder from `file`, checked against `config`. The returned
/// names carry no `bert.` prefix.
pub(crate) fn load(file: &Path, config: &BertConfig) -> Result<HashMap<String, Raw>, LoadError> {
    let corrupt = |reason: String| LoadError::Corrupt {
        file: file.to_owned(),
        reason,
    };
    let truncated = |expected: u64, actual: u64| LoadError::Truncated {
        file: file.to_owned(),
        expected,
        actual,
    };
    let read_failed = |e: io::Error, expected: u64, actual: u64| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            truncated(expected, actual)
        } else {
            io_error(file, &e)
        }
    };

    let mut f = File::open(file).map_err(|e| io_error(file, &e))?;
    let actual = f.metadata().map_err(|e| io_error(file, &e))?.len();
    if actual < 8 {
        return Err(corrupt(format!(
            "it is {actual} bytes long, too short to hold a header"
        )));
    }
    let mut len = [0u8; 8];
    f.read_exact(&mut len)
        .map_err(|e| read_failed(e, 8, actual))?;
    let header_len = u64::from_le_bytes(len);
    if header_len > MAX_HEADER {
        return Err(corrupt(format!(
            "its header length {header_len} is implausible"
        )));
    }
    if 8 + header_len > actual {
        return Err(truncated(8 + header_len, actual));
    }
    let mut header = vec![0u8; header_len as usize];
    f.read_exact(&mut header)
        .map_err(|e| read_failed(e, 8 + header_len, actual))?;
    let metadata: Metadata =
        serde_json::from_slice(&header).map_err(|e| corrupt(format!("invalid header: {e}")))?;
    let data_start = 8 + header_len;
    let expected_len = data_start + metadata.data_len() as u64;
    if actual < expected_len {
        return Err(truncated(expected_len, actual));
    }
    if actual > expected_len {
        return Err(corrupt(format!(
            "{} bytes follow the last tensor",
            actual - expected_len
        )));
    }

    // Checkpoints saved from a task model put the encoder under `bert.` (or under the
    // model type); sentence-transformers saves it at the top level.
    let prefix = ["".to_owned(), "bert.".to_owned()]
        .into_iter()
        .chain(config.model_type.iter().map(|t| format!("{t}.")))
        .find(|p| {
            metadata
                .info(&format!("{p}embeddings.word_embeddings.weight"))
                .is_some()
        })
        .unwrap_or_default();

    // Check every tensor before reading any data, so that a wrong file fails fast.
    let mut wanted: HashMap<String, &TensorInfo> = HashMap::new();
    for e in expected(config) {
        let stored = format!("{prefix}{}", e.name);
        let Some(info) = metadata.info(&stored) else {
            return Err(LoadError::MissingTensor {
                file: file.to_owned(),
                tensor: stored,
            });
        };
        if info.shape != e.shape {
            return Err(LoadError::Shape {
                file: file.to_owned(),
                tensor: stored,
                found: info.shape.clone(),
                expected: e.shape,
                meaning: e.meaning,
            });
        }
        if dtype(info.dtype).is_none() {
            return Err(LoadError::Dtype {
                file: file.to_owned(),
                tensor: stored,
                dtype: format!("{:?}", info.dtype),
            });
        }
        wanted.insert(stored, info);
    }

    let mut tensors = HashMap::with_capacity(wanted.len());
    let mut chunk = vec![0u8; CHUNK];
    let mut position = data_start;
    for name in metadata.offset_keys() {
        let Some(info) = wanted.get(&name) else {
            continue;
        };
        let (start, end) = info.data_offsets;
        let start = data_start + start as u64;
        if start != position {
            f.seek(SeekFrom::Start(start))
                .map_err(|e| io_error(file, &e))?;
        }
        let size = end - info.data_offsets.0;
        let end_in_file = start + size as u64;
        let tensor = read_tensor(&mut f, info, size, &mut chunk)
            .map_err(|e| read_failed(e, end_in_file, actual))?
            .map_err(|e| LoadError::Build {
                file: file.to_owned(),
                reason: format!("tensor {name}: {e}"),
            })?;
        position = end_in_file;
        let plain = name.strip_prefix(&prefix).unwrap_or(&name).to_owned();
        tensors.insert(plain, tensor);
    }
    Ok(tensors)
}

/// The candle element type of a stored element type this crate reads.
fn dtype(dtype: Dtype) -> Option<DType> {
    match dtype {
        Dtype::F32 => Some(DType::F32),
        Dtype::F16 => Some(DType::F16),
        Dtype::BF16 => Some(DType::BF16),
        Dtype::F64 => Some(DType::F64),
        _ => None,
    }
}

/// Reads one tensor of `size` bytes at the current position as `f32`. The outer result is
/// the read, the inner one the conversion.
fn read_tensor(
    f: &mut File,
    info: &TensorInfo,
    size: usize,
    chunk: &mut [u8],
) -> io::Result<candle_core::Result<Raw>> {
    let stored = dtype(info.dtype).unwrap_or(DType::F32);
    if stored == DType::F32 {
        // The common case: decode chunk by chunk into the tensor's own buffer, so that
        // the bytes are never held twice.
        let mut values = Vec::with_capacity(size / 4);
        let mut remaining = size;
        while remaining > 0 {
            let n = remaining.min(chunk.len());
            let bytes = &mut chunk[..n];
            f.read_exact(bytes)?;
            values.extend(
                bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            );
            remaining -= n;
        }
        return Ok(Ok(Raw { data: values }));
    }
    let mut bytes = vec![0u8; size];
    f.read_exact(&mut bytes)?;
    Ok(
        Tensor::from_raw_buffer(&bytes, stored, &info.shape, &Device::Cpu)
            .and_then(|t| t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>())
            .map(|data| Raw { data }),
    )
}
