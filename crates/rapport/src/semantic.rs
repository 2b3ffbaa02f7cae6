//! Choosing the engine: the model when it is installed (or asked for), the lexical rules
//! otherwise; and the on-disk cache of prototype vectors, so a process does not embed
//! every guide's example sentences at each start.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use rapport::model_files;
use rapport_engine::{Embedder, Engine};

/// Which engine judges answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineChoice {
    /// The rules and lexicons only.
    Lexical,
    /// The rules plus the sentence-embedding model; an error when it is not installed.
    Semantic,
    /// The model when it is installed and loads, else the rules.
    Auto,
}

/// Enables matching by meaning on `engine` as `choice` asks. With `auto` a missing model
/// gives a one-line hint (at most once a day) and a broken one a warning; with
/// `semantic` either is an error.
pub fn choose(
    engine: &mut Engine,
    choice: EngineChoice,
    data_dir: Option<&Path>,
) -> anyhow::Result<()> {
    if choice == EngineChoice::Lexical {
        return Ok(());
    }
    let dir = std::env::var_os("RAPPORT_MODEL_DIR")
        .map(PathBuf::from)
        .or_else(|| data_dir.map(|d| model_files::EMBEDDING.dir(d)));
    let Some(dir) = dir.filter(|d| d.exists()) else {
        if choice == EngineChoice::Semantic {
            bail!(
                "the model is not installed: run `rapport model install`, or choose `--engine lexical`"
            );
        }
        hint_once_a_day(data_dir);
        return Ok(());
    };
    let model = match rapport_embed::Model::load(&dir) {
        Ok(model) => Arc::new(model),
        Err(e) if choice == EngineChoice::Auto => {
            eprintln!(
                "warning: {e}; scoring with the lexical engine (run `rapport model install` to repair)"
            );
            return Ok(());
        }
        Err(e) => return Err(e).context("loading the model"),
    };
    let cache = data_dir.map(|d| cache_path(d, engine, model.as_ref()));
    let cached = cache.as_deref().map(read_cache).unwrap_or_default();
    let had = cached.len();
    if let Err(e) = engine.enable_semantic(model, cached) {
        if choice == EngineChoice::Semantic {
            bail!("the model failed: {e}");
        }
        eprintln!("warning: the model failed ({e}); scoring with the lexical engine");
        return Ok(());
    }
    if let Some(path) = cache {
        let vectors = engine.prototype_vectors();
        if vectors.len() != had {
            // A cache that cannot be written only costs time at the next start.
            if let Err(e) = write_cache(&path, &vectors) {
                eprintln!("warning: could not save {}: {e}", path.display());
            }
        }
    }
    Ok(())
}

/// `<data dir>/cache/prototypes-<packs>-<model>.bin`: one file per pack set and model.
fn cache_path(data_dir: &Path, engine: &Engine, model: &dyn Embedder) -> PathBuf {
    data_dir.join("cache").join(format!(
        "prototypes-{}-{}.bin",
        engine.prototype_key(),
        model.id()
    ))
}

/// Reads a cache file; anything unreadable counts as no cache.
fn read_cache(path: &Path) -> Vec<(String, Vec<f32>)> {
    fs::read(path)
        .ok()
        .and_then(|bytes| decode(&bytes))
        .unwrap_or_default()
}

/// The format: a count, then for each entry the text's length and bytes, the vector's
/// length and its floats, all little-endian `u32`/`f32`.
fn encode(entries: &[(String, Vec<f32>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    out.extend(len(entries.len()));
    for (text, vector) in entries {
        out.extend(len(text.len()));
        out.extend(text.as_bytes());
        out.extend(len(vector.len()));
        for x in vector {
            out.extend(x.to_le_bytes());
        }
    }
    out
}

fn decode(bytes: &[u8]) -> Option<Vec<(String, Vec<f32>)>> {
    let mut rest = bytes;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
        rest = tail;
        Some(head)
    };
    let mut out = Vec::new();
    let count = read_u32(take(4)?)?;
    for _ in 0..count {
        let n = read_u32(take(4)?)?;
        let text = String::from_utf8(take(n)?.to_vec()).ok()?;
        let dim = read_u32(take(4)?)?;
        let vector = take(dim.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| c.try_into().ok().map(f32::from_le_bytes))
            .collect::<Option<Vec<f32>>>()?;
        out.push((text, vector));
    }
    (rest.is_empty()).then_some(out)
}

fn read_u32(bytes: &[u8]) -> Option<usize> {
    usize::try_from(u32::from_le_bytes(bytes.try_into().ok()?)).ok()
}

/// Writes through a temporary file and a rename, so a crash never leaves half a cache.
fn write_cache(path: &Path, entries: &[(String, Vec<f32>)]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    fs::File::create(&tmp)?.write_all(&encode(entries))?;
    fs::rename(&tmp, path)
}

/// Tells the user, at most once a day, that a model would judge paraphrases better.
fn hint_once_a_day(data_dir: Option<&Path>) {
    let today = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    let stamp = data_dir.map(|d| d.join("state").join("model-hint"));
    if let Some(stamp) = &stamp {
        let last = fs::read_to_string(stamp)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok());
        if last == Some(today) {
            return;
        }
        let _ = stamp.parent().map(fs::create_dir_all);
        let _ = fs::write(stamp, today.to_string());
    }
    eprintln!(
        "hint: scoring with the lexical engine; `rapport model install` adds a local model that also recognises paraphrases"
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn cache_round_trips_and_rejects_truncation() {
        let entries = vec![
            ("I listened.".to_string(), vec![0.5, -0.25]),
            ("é".to_string(), vec![1.0]),
        ];
        let bytes = super::encode(&entries);
        assert_eq!(super::decode(&bytes), Some(entries));
        assert_eq!(super::decode(&bytes[..bytes.len() - 1]), None);
    }
}
