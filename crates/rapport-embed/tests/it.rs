//! Tests of the embedding crate: a tiny randomly initialised BERT, written by the test into
//! a temporary folder, exercises loading, batching and every bad-input path without the
//! real model; the real all-MiniLM-L6-v2 is then checked against sentence-transformers'
//! own embeddings in `test_data/embed/reference.json`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{Device, Tensor};
use expect_test::{Expect, expect};
use rapport_embed::{Embedder, LoadError, MAX_BATCH, Model, Pooling};
use serde::Deserialize;
use serde_json::json;

mod common;
use common::real_model_dir;

// ---------------------------------------------------------------------------------------
// A tiny BERT, written by the test.

/// The shape of a tiny model.
#[derive(Clone, Copy)]
struct Tiny {
    hidden: usize,
    layers: usize,
    heads: usize,
    intermediate: usize,
    /// Rows of the word-embedding matrix, and `vocab_size` in the configuration.
    rows: usize,
    positions: usize,
    /// How many words beyond the basic vocabulary the tokenizer knows.
    extra_words: usize,
}

const TINY: Tiny = Tiny {
    hidden: 32,
    layers: 2,
    heads: 2,
    intermediate: 64,
    rows: 64,
    positions: 48,
    extra_words: 0,
};

/// The tokenizer's words after the special tokens; every word of the test sentences is
/// here or is split into pieces that are.
const WORDS: &[&str] = &[
    "the", "customer", "was", "angry", "i", "listened", "and", "she", "felt", "heard", "we",
    "fixed", "her", "order", "every", "month", "since", "call", "back", "next", "day", "it", "a",
    "to", ".", ",", "!", "?", "##s", "##ed", "##ing", "un", "##happy",
];

const SPECIALS: &[&str] = &["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

const SENTENCES: &[&str] = &[
    "I listened.",
    "The customer was angry and I listened to her every day.",
    "She felt heard!",
    "We fixed her order, and she called back the next month.",
    "Unhappy customers call.",
];

/// A deterministic stream of numbers in [-1, 1), so that the tiny model is the same on
/// every run and every machine.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f32 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((x >> 40) as f32 / (1u64 << 23) as f32) - 1.0
    }

    fn tensor(&mut self, shape: &[usize], centre: f32, scale: f32) -> Tensor {
        let n = shape.iter().product();
        let values: Vec<f32> = (0..n).map(|_| centre + scale * self.next()).collect();
        Tensor::from_vec(values, shape, &Device::Cpu).unwrap()
    }
}

/// The tensors of a BERT encoder of the given shape, randomly initialised.
fn tiny_tensors(t: Tiny) -> HashMap<String, Tensor> {
    let mut noise = Noise(0x5eed_1234_abcd_ef01);
    let (h, i) = (t.hidden, t.intermediate);
    let mut out = HashMap::new();
    let mut put = |name: String, shape: &[usize], centre: f32, scale: f32| {
        out.insert(name, noise.tensor(shape, centre, scale));
    };
    put(
        "embeddings.word_embeddings.weight".into(),
        &[t.rows, h],
        0.0,
        0.5,
    );
    put(
        "embeddings.position_embeddings.weight".into(),
        &[t.positions, h],
        0.0,
        0.5,
    );
    put(
        "embeddings.token_type_embeddings.weight".into(),
        &[2, h],
        0.0,
        0.5,
    );
    put("embeddings.LayerNorm.weight".into(), &[h], 1.0, 0.1);
    put("embeddings.LayerNorm.bias".into(), &[h], 0.0, 0.1);
    for layer in 0..t.layers {
        let p = format!("encoder.layer.{layer}");
        for linear in [
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
        ] {
            put(format!("{p}.{linear}.weight"), &[h, h], 0.0, 0.3);
            put(format!("{p}.{linear}.bias"), &[h], 0.0, 0.1);
        }
        put(
            format!("{p}.attention.output.dense.weight"),
            &[h, h],
            0.0,
            0.3,
        );
        put(format!("{p}.attention.output.dense.bias"), &[h], 0.0, 0.1);
        put(format!("{p}.intermediate.dense.weight"), &[i, h], 0.0, 0.3);
        put(format!("{p}.intermediate.dense.bias"), &[i], 0.0, 0.1);
        put(format!("{p}.output.dense.weight"), &[h, i], 0.0, 0.3);
        put(format!("{p}.output.dense.bias"), &[h], 0.0, 0.1);
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            put(format!("{p}.{norm}.weight"), &[h], 1.0, 0.1);
            put(format!("{p}.{norm}.bias"), &[h], 0.0, 0.1);
        }
    }
    // A tensor the encoder does not use, as real checkpoints have.
    put("pooler.dense.weight".into(), &[h, h], 0.0, 0.3);
    out
}

/// A Hugging Face BERT `config.json`.
fn tiny_config(t: Tiny) -> serde_json::Value {
    json!({
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": t.hidden,
        "initializer_range": 0.02,
        "intermediate_size": t.intermediate,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": t.positions,
        "model_type": "bert",
        "num_attention_heads": t.heads,
        "num_hidden_layers": t.layers,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "type_vocab_size": 2,
        "vocab_size": t.rows,
    })
}

/// A WordPiece `tokenizer.json` laid out like the shipped MiniLM one, including its fixed
/// padding (which the crate must switch off).
fn tiny_tokenizer(t: Tiny) -> serde_json::Value {
    let extra: Vec<String> = (0..t.extra_words).map(|n| format!("extra{n}")).collect();
    let tokens: Vec<&str> = SPECIALS
        .iter()
        .copied()
        .chain(WORDS.iter().copied())
        .chain(extra.iter().map(String::as_str))
        .collect();
    let vocab: serde_json::Map<String, serde_json::Value> = tokens
        .iter()
        .enumerate()
        .map(|(id, token)| ((*token).to_owned(), json!(id)))
        .collect();
    let added: Vec<serde_json::Value> = SPECIALS
        .iter()
        .enumerate()
        .map(|(id, token)| {
            json!({"id": id, "special": true, "content": token, "single_word": false,
                   "lstrip": false, "rstrip": false, "normalized": false})
        })
        .collect();
    let special = |token: &str| json!({"SpecialToken": {"id": token, "type_id": 0}});
    json!({
        "version": "1.0",
        "truncation": {"max_length": 16, "strategy": "LongestFirst", "stride": 0},
        "padding": {"strategy": {"Fixed": 16}, "direction": "Right", "pad_to_multiple_of": null,
                    "pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"},
        "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": true,
                       "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}},
                       special("[SEP]")],
            "pair": [special("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}},
                     special("[SEP]"), {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    })
}

fn write_json(path: &Path, value: &serde_json::Value) {
    fs::write(path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

/// Writes a complete tiny model folder: `config` for `config.json` and the tokenizer,
/// `weights` for the tensors (they differ in the bad-input cases).
fn write_tiny(dir: &Path, config: Tiny, weights: Tiny) {
    write_json(&dir.join("config.json"), &tiny_config(config));
    write_json(&dir.join("tokenizer.json"), &tiny_tokenizer(config));
    candle_core::safetensors::save(&tiny_tensors(weights), dir.join("model.safetensors")).unwrap();
}

fn tiny_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_tiny(dir.path(), TINY, TINY);
    dir
}

// ---------------------------------------------------------------------------------------
// Helpers.

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b))
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

/// Embeds each sentence on its own: no padding at all.
fn one_by_one(model: &Model, sentences: &[&str]) -> Vec<Vec<f32>> {
    sentences
        .iter()
        .map(|s| model.embed_batch(&[s]).unwrap().remove(0))
        .collect()
}

fn assert_same(batched: &[Vec<f32>], single: &[Vec<f32>], what: &str) {
    assert_eq!(batched.len(), single.len());
    for (i, (a, b)) in batched.iter().zip(single).enumerate() {
        let cos = cosine(a, b);
        assert!(cos > 0.9999, "{what}: sentence {i} has cosine {cos}");
    }
}

// ---------------------------------------------------------------------------------------
// The tiny model.

#[test]
fn tiny_random_bert() {
    let dir = tiny_dir();
    let model = Model::load(dir.path()).unwrap();
    assert_eq!(model.dimension(), 32);
    assert_eq!(model.pooling(), Pooling::Mean);
    assert_eq!(model.max_length(), TINY.positions);
    let id = model.id().to_owned();
    assert_eq!(id.len(), 16);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");

    // Shapes and unit norms, through the engine's trait.
    let embedder: &dyn Embedder = &model;
    let vectors = embedder.embed(SENTENCES).unwrap();
    assert_eq!(vectors.len(), SENTENCES.len());
    for v in &vectors {
        assert_eq!(v.len(), 32);
        assert!((norm(v) - 1.0).abs() < 1e-5, "norm {}", norm(v));
        assert!(v.iter().all(|x| x.is_finite()));
    }
    assert!(
        cosine(&vectors[0], &vectors[1]) < 0.9999,
        "different sentences, same vector"
    );

    // Deterministic: the same input gives the same numbers.
    assert_eq!(embedder.embed(SENTENCES).unwrap(), vectors);
    assert_eq!(Model::load(dir.path()).unwrap().id(), id);

    // A sentence embeds the same alone (no padding) as in a batch padded to a longer one.
    let single = one_by_one(&model, SENTENCES);
    assert_same(&vectors, &single, "batch of 5");

    // More than one batch: the input is sorted by length, split, and put back in order.
    let many: Vec<&str> = (0..MAX_BATCH * 2 + 7)
        .map(|n| SENTENCES[(n * 7) % SENTENCES.len()])
        .collect();
    let expected: Vec<Vec<f32>> = many
        .iter()
        .map(|s| single[SENTENCES.iter().position(|x| x == s).unwrap()].clone())
        .collect();
    assert_same(
        &model.embed_batch(&many).unwrap(),
        &expected,
        "71 sentences",
    );

    // Edge cases: nothing, an empty sentence, unknown words, and a sentence longer than
    // the position embeddings (truncated, not an error).
    assert!(model.embed_batch(&[]).unwrap().is_empty());
    let long = "the customer was angry and i listened ".repeat(20);
    for odd in ["", "zebra quokka", long.as_str()] {
        let v = model.embed_batch(&[odd]).unwrap().remove(0);
        assert!((norm(&v) - 1.0).abs() < 1e-5, "{odd:?}");
    }
    let with_long = model.embed_batch(&[SENTENCES[0], &long]).unwrap();
    assert_same(
        &with_long[..1],
        &single[..1],
        "padded to the maximum length",
    );
}

#[test]
fn tiny_pooling_from_modules_json() {
    let dir = tiny_dir();
    let mean = Model::load(dir.path())
        .unwrap()
        .embed_batch(SENTENCES)
        .unwrap();
    write_json(
        &dir.path().join("modules.json"),
        &json!([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ]),
    );
    fs::create_dir(dir.path().join("1_Pooling")).unwrap();
    let pooling = |mode: &str| {
        write_json(
            &dir.path().join("1_Pooling/config.json"),
            &json!({"word_embedding_dimension": 32, "pooling_mode_cls_token": mode == "cls",
                    "pooling_mode_mean_tokens": mode == "mean",
                    "pooling_mode_max_tokens": mode == "max",
                    "pooling_mode_mean_sqrt_len_tokens": false}),
        );
        Model::load(dir.path())
    };

    let model = pooling("mean").unwrap();
    assert_eq!(model.pooling(), Pooling::Mean);
    assert_eq!(model.embed_batch(SENTENCES).unwrap(), mean);

    let model = pooling("cls").unwrap();
    assert_eq!(model.pooling(), Pooling::Cls);
    let cls = model.embed_batch(SENTENCES).unwrap();
    assert!(
        cosine(&cls[1], &mean[1]) < 0.9999,
        "cls pooling gave the mean"
    );
    assert_same(&cls, &one_by_one(&model, SENTENCES), "cls pooling");

    let error = pooling("max").unwrap_err();
    check_message(
        &error,
        dir.path(),
        expect![[
            r#"<dir>/1_Pooling/config.json: pooling mode max_tokens is not supported (only mean_tokens and cls_token)"#
        ]],
    );
}

// ---------------------------------------------------------------------------------------
// Bad model folders: every error names the file and says what is wrong.

/// A load error's message, with the temporary folder written `<dir>`.
fn message(error: &LoadError, dir: &Path) -> String {
    error
        .to_string()
        .replace(&dir.display().to_string(), "<dir>")
}

/// Checks the message of a load error.
fn check_message(error: &LoadError, dir: &Path, expect: Expect) {
    expect.assert_eq(&message(error, dir));
}

fn truncate(file: &Path, keep: f64) {
    let bytes = fs::read(file).unwrap();
    let keep = (bytes.len() as f64 * keep) as usize;
    fs::write(file, &bytes[..keep]).unwrap();
}

fn set_config(dir: &Path, field: &str, value: serde_json::Value) {
    let mut config = tiny_config(TINY);
    config[field] = value;
    write_json(&dir.join("config.json"), &config);
}

/// Ways to spoil a good tiny model folder, each with a name.
type Spoil = (&'static str, fn(&Path));

const SPOILS: &[Spoil] = &[
    ("no config", |dir| {
        fs::remove_file(dir.join("config.json")).unwrap()
    }),
    ("no tokenizer", |dir| {
        fs::remove_file(dir.join("tokenizer.json")).unwrap()
    }),
    ("no weights", |dir| {
        fs::remove_file(dir.join("model.safetensors")).unwrap()
    }),
    ("weights cut in half", |dir| {
        truncate(&dir.join("model.safetensors"), 0.5)
    }),
    ("weights cut in the header", |dir| {
        truncate(&dir.join("model.safetensors"), 0.01)
    }),
    ("weights not safetensors", |dir| {
        fs::write(dir.join("model.safetensors"), b"not a model").unwrap()
    }),
    ("weights header garbled", |dir| {
        let mut bytes = fs::read(dir.join("model.safetensors")).unwrap();
        bytes[8..12].copy_from_slice(b"oops");
        fs::write(dir.join("model.safetensors"), bytes).unwrap();
    }),
    ("weights with trailing bytes", |dir| {
        let mut bytes = fs::read(dir.join("model.safetensors")).unwrap();
        bytes.extend_from_slice(b"trailing");
        fs::write(dir.join("model.safetensors"), bytes).unwrap();
    }),
    ("hidden size mismatch", |dir| {
        write_tiny(dir, Tiny { hidden: 48, ..TINY }, TINY)
    }),
    ("intermediate size mismatch", |dir| {
        write_tiny(
            dir,
            Tiny {
                intermediate: 96,
                ..TINY
            },
            TINY,
        )
    }),
    ("a layer missing", |dir| {
        write_tiny(dir, Tiny { layers: 3, ..TINY }, TINY)
    }),
    ("tokenizer bigger than the weights", |dir| {
        let tokenizer = tiny_tokenizer(Tiny {
            extra_words: 40,
            ..TINY
        });
        write_json(&dir.join("tokenizer.json"), &tokenizer);
    }),
    ("config not JSON", |dir| {
        fs::write(dir.join("config.json"), "{\"hidden_size\": ").unwrap()
    }),
    ("config without a field", |dir| {
        let mut config = tiny_config(TINY);
        config.as_object_mut().unwrap().remove("hidden_size");
        write_json(&dir.join("config.json"), &config);
    }),
    ("heads do not divide hidden", |dir| {
        set_config(dir, "num_attention_heads", json!(5))
    }),
    ("not bert", |dir| {
        set_config(dir, "model_type", json!("roberta"))
    }),
    ("tokenizer without a model", |dir| {
        fs::write(dir.join("tokenizer.json"), "{}").unwrap()
    }),
    ("a dense module", |dir| {
        write_json(
            &dir.join("modules.json"),
            &json!([
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Dense", "type": "sentence_transformers.models.Dense"},
            ]),
        );
    }),
];

#[test]
fn bad_model_folders() {
    let nowhere = tempfile::tempdir().unwrap();
    check_message(
        &Model::load(&nowhere.path().join("no-such-model")).unwrap_err(),
        nowhere.path(),
        expect![[r#"model folder <dir>/no-such-model does not exist"#]],
    );

    let mut actual = String::new();
    for (name, spoil) in SPOILS {
        let dir = tiny_dir();
        spoil(dir.path());
        let error = Model::load(dir.path()).unwrap_err();
        actual += &format!("{name}:\n    {}\n", message(&error, dir.path()));
    }
    expect![[r#"
        no config:
            <dir>/config.json is missing
        no tokenizer:
            <dir>/tokenizer.json is missing
        no weights:
            <dir>/model.safetensors is missing
        weights cut in half:
            <dir>/model.safetensors is truncated: its header describes 91152 bytes but the file has 45576
        weights cut in the header:
            <dir>/model.safetensors is truncated: its header describes 3856 bytes but the file has 911
        weights not safetensors:
            <dir>/model.safetensors is not a valid safetensors file: its header length 8029109312199880558 is implausible
        weights header garbled:
            <dir>/model.safetensors is not a valid safetensors file: invalid header: expected value at line 1 column 1
        weights with trailing bytes:
            <dir>/model.safetensors is not a valid safetensors file: 8 bytes follow the last tensor
        hidden size mismatch:
            <dir>/model.safetensors: tensor embeddings.word_embeddings.weight has shape [64, 32] but config.json gives [vocab_size, hidden_size] = [64, 48]
        intermediate size mismatch:
            <dir>/model.safetensors: tensor encoder.layer.0.intermediate.dense.weight has shape [64, 32] but config.json gives [intermediate_size, hidden_size] = [96, 32]
        a layer missing:
            <dir>/model.safetensors has no tensor encoder.layer.2.attention.self.query.weight
        tokenizer bigger than the weights:
            <dir>/tokenizer.json does not match <dir>/model.safetensors: the tokenizer has token ids up to 77 but the embedding matrix has 64 rows
        config not JSON:
            cannot parse <dir>/config.json: EOF while parsing a value at line 1 column 16
        config without a field:
            cannot parse <dir>/config.json: missing field `hidden_size` at line 19 column 1
        heads do not divide hidden:
            <dir>/config.json: hidden_size 32 is not a multiple of num_attention_heads 5
        not bert:
            <dir>/config.json: model_type roberta is not supported (only bert)
        tokenizer without a model:
            cannot load tokenizer <dir>/tokenizer.json: Model missing. at line 1 column 2
        a dense module:
            <dir>/modules.json: module sentence_transformers.models.Dense is not supported
    "#]].assert_eq(&actual);
}

// ---------------------------------------------------------------------------------------
// The real model against sentence-transformers.

/// Embeddings written by sentence-transformers (`scripts/` holds the script).
#[derive(Deserialize)]
struct Reference {
    model: String,
    sentences: Vec<String>,
    embeddings: Vec<Vec<f32>>,
}

fn reference_file() -> PathBuf {
    std::env::var_os("RAPPORT_EMBED_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/embed/reference.json")
        })
}

#[test]
fn real_model_matches_reference() {
    let dir = real_model_dir();
    assert!(
        dir.join("model.safetensors").exists(),
        "the sentence-embedding model is not installed in {}: run `rapport model install` \
         (or point RAPPORT_MODEL_DIR at a model folder)",
        dir.display()
    );
    let started = Instant::now();
    let model = Model::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let load_time = started.elapsed();
    assert_eq!(model.dimension(), 384);
    assert_eq!(model.pooling(), Pooling::Mean);

    let file = reference_file();
    let text =
        fs::read_to_string(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let reference: Reference = serde_json::from_str(&text).unwrap();
    assert_eq!(reference.sentences.len(), reference.embeddings.len());
    assert!(reference.sentences.len() >= 10);

    let sentences: Vec<&str> = reference.sentences.iter().map(String::as_str).collect();
    let batched = model.embed_batch(&sentences).unwrap();
    let single = one_by_one(&model, &sentences);
    let mut worst = 1.0f32;
    for (i, expected) in reference.embeddings.iter().enumerate() {
        assert_eq!(expected.len(), 384);
        for (what, got) in [("batched", &batched[i]), ("alone", &single[i])] {
            let cos = cosine(got, expected);
            assert!(
                cos >= 0.999,
                "sentence {i} ({what}) {:?}: cosine {cos} with sentence-transformers",
                sentences[i]
            );
            worst = worst.min(cos);
        }
    }
    eprintln!(
        "real model vs {}: {} sentences, worst cosine {worst:.7}, loaded in {load_time:?}",
        reference.model,
        sentences.len()
    );

    if std::env::var_os("RAPPORT_EMBED_TIMINGS").is_some() {
        timings(&dir, &model);
    }
}

/// Prints load and embedding timings over `test_data/embed/bench_sentences.txt` (set
/// `RAPPORT_EMBED_TIMINGS`; meaningful only with `--release` on an idle machine). The
/// throughput is measured as `bench_python.py` measures sentence-transformers: the
/// sentences sorted by length, then embedded a batch at a time.
fn timings(dir: &Path, model: &Model) {
    let median = |mut f: Box<dyn FnMut() + '_>, runs: usize| {
        f();
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let started = Instant::now();
                f();
                started.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[runs / 2]
    };
    let load = median(Box::new(|| drop(Model::load(dir).unwrap())), 9);
    eprintln!("load (files in the page cache): {:.1} ms", load * 1e3);

    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data/embed/bench_sentences.txt");
    let text = fs::read_to_string(&file).unwrap();
    let mut sentences: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();

    // One answer: ten sentences of about fifteen words, in one call.
    let answer: Vec<&str> = sentences
        .iter()
        .copied()
        .filter(|s| (13..=17).contains(&s.split_whitespace().count()))
        .take(10)
        .collect();
    let warm = median(Box::new(|| drop(model.embed_batch(&answer).unwrap())), 21);
    eprintln!("10 sentences of 13 to 17 words, warm: {:.1} ms", warm * 1e3);
    let one = median(
        Box::new(|| drop(model.embed_batch(&answer[..1]).unwrap())),
        21,
    );
    eprintln!("1 sentence, warm: {:.1} ms", one * 1e3);

    sentences.sort_by_key(|s| s.len());
    for batch in [1, 8, 32] {
        let pass = median(
            Box::new(|| {
                for chunk in sentences.chunks(batch) {
                    model.embed_batch(chunk).unwrap();
                }
            }),
            3,
        );
        eprintln!(
            "batch {batch:>2}: {:.0} sentences/s over {} sentences",
            sentences.len() as f64 / pass,
            sentences.len()
        );
    }
}
