//! The BERT encoder, run on sentences packed end to end with no padding.
//!
//! Every layer of BERT but attention works token by token, so a batch's tokens are laid
//! out as one `[tokens, hidden]` matrix with no padding at all: the matrix products (done
//! by candle) see only real tokens, and attention, written here over plain slices, runs
//! each sentence against itself, so no mask is needed. The result is the same network as
//! candle-transformers' `BertModel` (and Hugging Face's), to float rounding; a test in this
//! module checks the two against each other.
//!
//! The element-wise work (bias, the exact GELU, residual and layer normalisation,
//! attention) is fused into single passes from [`crate::kernels`], compiled for the CPU's
//! widest vectors by [`crate::simd`], and runs on the calling thread: the caller shares a
//! batch out between threads by whole sentences (see `model.rs`), which needs no
//! synchronisation inside a layer at all.

use std::collections::HashMap;

use candle_core::{Device, Layout, Storage, Tensor};
use candle_transformers::models::bert::Config as BertConfig;
use rayon::ThreadPool;
use rayon::prelude::*;

use crate::kernels::{self, Norm};
use crate::simd::vectorized;
use crate::weights::Raw;

/// A dense layer: `x W + b`.
struct Linear {
    /// `[in, out]`, the transpose of the `[out, in]` matrix the file stores, so that the
    /// product is a plain row-major `x W`, which candle's `gemm` runs at full speed for
    /// any number of rows (the stored layout ran at half speed on a short sentence).
    weight: Tensor,
    bias: Vec<f32>,
}

impl Linear {
    /// A `[out, in]` weight (row-major, as stored) and its bias.
    fn new(weight: &[f32], bias: Vec<f32>) -> candle_core::Result<Linear> {
        let out = bias.len().max(1);
        let inputs = weight.len() / out;
        Ok(Linear {
            weight: Tensor::from_vec(transpose(weight, out, inputs), (inputs, out), &Device::Cpu)?,
            bias,
        })
    }

    /// `x W` for `x` of `[rows, in]`: `[rows, out]`, the bias not yet added (the fused
    /// pass that follows adds it). With `split` workers, each multiplies its own band of
    /// columns: with few rows the product is bound by reading the weight from memory, and
    /// this way each core reads only its part.
    fn product(&self, x: &Tensor, split: &[ThreadPool]) -> candle_core::Result<Tensor> {
        let out = self.bias.len();
        if split.len() < 2 || out < split.len() {
            return x.matmul(&self.weight);
        }
        let bands: Vec<(usize, usize)> = (0..split.len())
            .map(|i| {
                let first = i * out / split.len();
                (first, (i + 1) * out / split.len() - first)
            })
            .collect();
        let parts = bands
            .par_iter()
            .zip(split)
            .map(|(&(first, width), worker)| {
                worker.install(|| x.matmul(&self.weight.narrow(1, first, width)?))
            })
            .collect::<candle_core::Result<Vec<Tensor>>>()?;
        Tensor::cat(&parts, 1)
    }
}

/// The transpose of a row-major `[rows, columns]` matrix, in tiles that stay in cache.
fn transpose(m: &[f32], rows: usize, columns: usize) -> Vec<f32> {
    const TILE: usize = 32;
    let mut t = vec![0f32; m.len()];
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..columns).step_by(TILE) {
            for r in r0..(r0 + TILE).min(rows) {
                for c in c0..(c0 + TILE).min(columns) {
                    t[c * rows + r] = m[r * columns + c];
                }
            }
        }
    }
    t
}

/// One transformer layer.
struct Layer {
    /// Query, key and value side by side: one product instead of three.
    qkv: Linear,
    output: Linear,
    attention_norm: Norm,
    intermediate: Linear,
    down: Linear,
    output_norm: Norm,
}

/// The encoder: embeddings and layers.
pub(crate) struct Encoder {
    word: Vec<f32>,
    position: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: Norm,
    layers: Vec<Layer>,
    hidden: usize,
    heads: usize,
}

/// Takes a tensor out of the map, or says which is missing.
fn take(tensors: &mut HashMap<String, Raw>, name: &str) -> candle_core::Result<Raw> {
    tensors
        .remove(name)
        .ok_or_else(|| candle_core::Error::Msg(format!("no tensor {name}")))
}

fn norm(tensors: &mut HashMap<String, Raw>, prefix: &str, eps: f32) -> candle_core::Result<Norm> {
    Ok(Norm {
        weight: take(tensors, &format!("{prefix}.weight"))?.data,
        bias: take(tensors, &format!("{prefix}.bias"))?.data,
        eps,
    })
}

/// The values of a contiguous `f32` CPU tensor, given its storage and layout.
fn cpu_values<'a>(storage: &'a Storage, layout: &Layout) -> candle_core::Result<&'a [f32]> {
    let Storage::Cpu(cpu) = storage else {
        return Err(candle_core::Error::Msg(
            "the encoder runs on the CPU only".into(),
        ));
    };
    let Some((start, end)) = layout.contiguous_offsets() else {
        return Err(candle_core::Error::Msg(
            "expected a contiguous tensor".into(),
        ));
    };
    Ok(&cpu.as_slice::<f32>()?[start..end])
}

/// Runs `f` on the values of a contiguous `f32` CPU tensor, without copying them.
fn with_values<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> R) -> candle_core::Result<R> {
    let (storage, layout) = t.storage_and_layout();
    Ok(f(cpu_values(&storage, layout)?))
}

impl Encoder {
    /// Builds the encoder from tensors already checked against `config` (see
    /// [`crate::weights::load`]).
    pub(crate) fn new(
        mut tensors: HashMap<String, Raw>,
        config: &BertConfig,
    ) -> candle_core::Result<Encoder> {
        let t = &mut tensors;
        let eps = config.layer_norm_eps as f32;
        // Each layer's dense weights, `[out, in]` with their biases (query, key and value
        // stacked), taken out first and then transposed on every core at once: the
        // transposing is most of the loading time after reading the file.
        let mut dense = Vec::with_capacity(config.num_hidden_layers * 4);
        let mut norms = Vec::with_capacity(config.num_hidden_layers);
        for layer in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{layer}");
            let mut weight = Vec::new();
            let mut bias = Vec::new();
            for part in ["query", "key", "value"] {
                weight.extend(take(t, &format!("{p}.attention.self.{part}.weight"))?.data);
                bias.extend(take(t, &format!("{p}.attention.self.{part}.bias"))?.data);
            }
            dense.push((weight, bias));
            for name in [
                "attention.output.dense",
                "intermediate.dense",
                "output.dense",
            ] {
                dense.push((
                    take(t, &format!("{p}.{name}.weight"))?.data,
                    take(t, &format!("{p}.{name}.bias"))?.data,
                ));
            }
            norms.push((
                norm(t, &format!("{p}.attention.output.LayerNorm"), eps)?,
                norm(t, &format!("{p}.output.LayerNorm"), eps)?,
            ));
        }
        let mut dense = dense
            .into_par_iter()
            .map(|(weight, bias)| Linear::new(&weight, bias))
            .collect::<candle_core::Result<Vec<Linear>>>()?
            .into_iter();
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for (attention_norm, output_norm) in norms {
            let mut next = || {
                dense
                    .next()
                    .ok_or_else(|| candle_core::Error::Msg("a dense layer is missing".into()))
            };
            layers.push(Layer {
                qkv: next()?,
                output: next()?,
                attention_norm,
                intermediate: next()?,
                down: next()?,
                output_norm,
            });
        }
        Ok(Encoder {
            word: take(t, "embeddings.word_embeddings.weight")?.data,
            position: take(t, "embeddings.position_embeddings.weight")?.data,
            token_type: take(t, "embeddings.token_type_embeddings.weight")?.data,
            embedding_norm: norm(t, "embeddings.LayerNorm", eps)?,
            layers,
            hidden: config.hidden_size,
            heads: config.num_attention_heads,
        })
    }

    /// Encodes sentences packed end to end: `ids` and `type_ids` hold every sentence's
    /// tokens one after the other, `lengths` the number of tokens of each. Returns the
    /// last hidden state, `[tokens, hidden]`, row-major. The matrix products are shared
    /// out between the `split` workers by columns (none: on the calling thread).
    pub(crate) fn forward(
        &self,
        ids: &[u32],
        type_ids: &[u32],
        lengths: &[usize],
        split: &[ThreadPool],
    ) -> candle_core::Result<Vec<f32>> {
        let mut x = vectorized(
            #[inline(always)]
            || self.embed(ids, type_ids, lengths),
        );
        for layer in &self.layers {
            x = self.layer(layer, x, lengths, split)?;
        }
        Ok(x)
    }

    /// The normalised sum of the word, position and token-type embeddings of each token.
    #[inline(always)]
    fn embed(&self, ids: &[u32], type_ids: &[u32], lengths: &[usize]) -> Vec<f32> {
        let h = self.hidden;
        let mut x = vec![0f32; ids.len() * h];
        let mut rows = x.chunks_exact_mut(h);
        let mut token = 0;
        for &length in lengths {
            for position in 0..length {
                let Some(row) = rows.next() else {
                    break;
                };
                let word = &self.word[ids[token] as usize * h..][..h];
                let kind = &self.token_type[type_ids[token] as usize * h..][..h];
                let place = &self.position[position * h..][..h];
                for (((r, &w), &k), &p) in row.iter_mut().zip(word).zip(kind).zip(place) {
                    *r = w + k + p;
                }
                self.embedding_norm.row(row);
                token += 1;
            }
        }
        x
    }

    /// One transformer layer: `x` in, `[tokens, hidden]`, the layer's output out.
    fn layer(
        &self,
        layer: &Layer,
        x: Vec<f32>,
        lengths: &[usize],
        split: &[ThreadPool],
    ) -> candle_core::Result<Vec<f32>> {
        let h = self.hidden;
        let n = x.len() / h;
        let x = Tensor::from_vec(x, (n, h), &Device::Cpu)?;

        let qkv = layer.qkv.product(&x, split)?;
        let context = with_values(&qkv, |qkv| {
            vectorized(
                #[inline(always)]
                || self.attention(qkv, &layer.qkv.bias, lengths),
            )
        })?;
        let context = Tensor::from_vec(context, (n, h), &Device::Cpu)?;

        let projected = layer.output.product(&context, split)?;
        let attended = with_values(&projected, |p| {
            with_values(&x, |x| {
                vectorized(
                    #[inline(always)]
                    || layer.attention_norm.add_rows(p, &layer.output.bias, x),
                )
            })
        })??;
        let attended = Tensor::from_vec(attended, (n, h), &Device::Cpu)?;

        let bias = &layer.intermediate.bias;
        let activated = with_values(&layer.intermediate.product(&attended, split)?, |v| {
            vectorized(
                #[inline(always)]
                || kernels::bias_gelu(v, bias),
            )
        })?;
        let activated = Tensor::from_vec(activated, (n, bias.len()), &Device::Cpu)?;

        let down = layer.down.product(&activated, split)?;
        with_values(&down, |d| {
            with_values(&attended, |a| {
                vectorized(
                    #[inline(always)]
                    || layer.output_norm.add_rows(d, &layer.down.bias, a),
                )
            })
        })?
    }

    /// Multi-head self-attention of each sentence against itself. `qkv` is `[tokens, 3 *
    /// hidden]` (queries, keys, values, before their bias); returns the context vectors,
    /// `[tokens, hidden]`, heads side by side.
    #[inline(always)]
    fn attention(&self, qkv: &[f32], bias: &[f32], lengths: &[usize]) -> Vec<f32> {
        let h = self.hidden;
        let head = h / self.heads;
        let n = qkv.len() / (3 * h);
        let scale = 1.0 / (head as f32).sqrt();
        let longest = lengths.iter().copied().max().unwrap_or(0);
        let mut context = vec![0f32; n * h];
        // One head's queries, values and context, `[tokens][head]` each, and its keys,
        // each sentence's block transposed to `[head][length]`.
        let mut q = vec![0f32; n * head];
        let mut k_t = vec![0f32; n * head];
        let mut v = vec![0f32; n * head];
        let mut out = vec![0f32; n * head];
        let mut scores = vec![0f32; longest];
        for index in 0..self.heads {
            let (at_q, at_k, at_v) = (index * head, h + index * head, 2 * h + index * head);
            let (bq, bk, bv) = (
                &bias[at_q..at_q + head],
                &bias[at_k..at_k + head],
                &bias[at_v..at_v + head],
            );
            let mut start = 0;
            for &length in lengths {
                let rows = qkv[start * 3 * h..(start + length) * 3 * h].chunks_exact(3 * h);
                let block = start * head..(start + length) * head;
                let q_rows = q[block.clone()].chunks_exact_mut(head);
                let v_rows = v[block.clone()].chunks_exact_mut(head);
                let k_block = &mut k_t[block.clone()];
                for (j, ((row, qd), vd)) in rows.zip(q_rows).zip(v_rows).enumerate() {
                    for ((d, &x), &b) in qd.iter_mut().zip(&row[at_q..at_q + head]).zip(bq) {
                        *d = (x + b) * scale;
                    }
                    for ((d, &x), &b) in vd.iter_mut().zip(&row[at_v..at_v + head]).zip(bv) {
                        *d = x + b;
                    }
                    for (c, (&x, &b)) in row[at_k..at_k + head].iter().zip(bk).enumerate() {
                        k_block[c * length + j] = x + b;
                    }
                }
                kernels::attend(
                    &q[block.clone()],
                    &k_t[block.clone()],
                    &v[block.clone()],
                    head,
                    &mut out[block],
                    &mut scores[..length],
                );
                start += length;
            }
            for (row, src) in context.chunks_exact_mut(h).zip(out.chunks_exact(head)) {
                row[index * head..(index + 1) * head].copy_from_slice(src);
            }
        }
        context
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_nn::VarBuilder;
    use candle_transformers::models::bert::BertModel;

    type Tensors = HashMap<String, Vec<f32>>;
    type Shapes = HashMap<String, Vec<usize>>;

    /// A small random BERT: its configuration, its tensors and their shapes.
    fn random_bert() -> (BertConfig, Tensors, Shapes) {
        let config: BertConfig = serde_json::from_value(serde_json::json!({
            "vocab_size": 50, "hidden_size": 48, "num_hidden_layers": 2,
            "num_attention_heads": 4, "intermediate_size": 96, "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1, "max_position_embeddings": 40, "type_vocab_size": 2,
            "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
            "model_type": "bert", "classifier_dropout": null,
        }))
        .expect("config");
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        };
        let (h, i) = (config.hidden_size, config.intermediate_size);
        let mut shapes: Vec<(String, Vec<usize>, f32)> = vec![
            ("embeddings.word_embeddings.weight".into(), vec![50, h], 1.0),
            (
                "embeddings.position_embeddings.weight".into(),
                vec![40, h],
                1.0,
            ),
            (
                "embeddings.token_type_embeddings.weight".into(),
                vec![2, h],
                1.0,
            ),
            ("embeddings.LayerNorm.weight".into(), vec![h], 0.2),
            ("embeddings.LayerNorm.bias".into(), vec![h], 0.2),
        ];
        for l in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{l}");
            for (name, shape) in [
                ("attention.self.query", vec![h, h]),
                ("attention.self.key", vec![h, h]),
                ("attention.self.value", vec![h, h]),
                ("attention.output.dense", vec![h, h]),
                ("intermediate.dense", vec![i, h]),
                ("output.dense", vec![h, i]),
            ] {
                let out = shape[0];
                shapes.push((format!("{p}.{name}.weight"), shape, 0.4));
                shapes.push((format!("{p}.{name}.bias"), vec![out], 0.4));
            }
            for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
                shapes.push((format!("{p}.{norm}.weight"), vec![h], 0.2));
                shapes.push((format!("{p}.{norm}.bias"), vec![h], 0.2));
            }
        }
        let mut data = HashMap::new();
        let mut dims = HashMap::new();
        for (name, shape, scale) in shapes {
            let n: usize = shape.iter().product();
            let centre = if name.ends_with("LayerNorm.weight") {
                1.0
            } else {
                0.0
            };
            data.insert(
                name.clone(),
                (0..n).map(|_| centre + scale * next()).collect(),
            );
            dims.insert(name, shape);
        }
        (config, data, dims)
    }

    #[test]
    fn matches_candle_bert() {
        let (config, data, dims) = random_bert();
        let tensors: HashMap<String, Tensor> = data
            .iter()
            .map(|(name, v)| {
                let t = Tensor::from_slice(v, dims[name].as_slice(), &Device::Cpu).expect("t");
                (name.clone(), t)
            })
            .collect();
        let vb = VarBuilder::from_tensors(tensors, candle_core::DType::F32, &Device::Cpu);
        let bert = BertModel::load(vb, &config).expect("bert");
        let raw = data
            .into_iter()
            .map(|(name, data)| (name, Raw { data }))
            .collect();
        let encoder = Encoder::new(raw, &config).expect("encoder");

        // Sentences of several lengths, packed.
        let sentences: Vec<Vec<u32>> = [3usize, 11, 1, 7, 30]
            .iter()
            .enumerate()
            .map(|(s, &len)| (0..len).map(|i| ((s * 7 + i * 3) % 50) as u32).collect())
            .collect();
        let ids: Vec<u32> = sentences.concat();
        let type_ids: Vec<u32> = ids.iter().map(|&i| i % 2).collect();
        let lengths: Vec<usize> = sentences.iter().map(Vec::len).collect();
        let packed = encoder
            .forward(&ids, &type_ids, &lengths, &[])
            .expect("forward");

        let mut start = 0;
        let mut worst = 0f32;
        for (sentence, &len) in sentences.iter().zip(&lengths) {
            let types = &type_ids[start..start + len];
            let input = Tensor::new(sentence.as_slice(), &Device::Cpu)
                .and_then(|t| t.unsqueeze(0))
                .expect("ids");
            let kinds = Tensor::new(types, &Device::Cpu)
                .and_then(|t| t.unsqueeze(0))
                .expect("types");
            let want = bert
                .forward(&input, &kinds, None)
                .and_then(|t| t.flatten_all()?.to_vec1::<f32>())
                .expect("bert forward");
            let got = &packed[start * 48..(start + len) * 48];
            for (g, w) in got.iter().zip(&want) {
                worst = worst.max((g - w).abs());
            }
            start += len;
        }
        eprintln!("largest difference from candle's BertModel: {worst:e}");
        assert!(
            worst < 1e-4,
            "largest difference from candle's BertModel: {worst}"
        );
    }
}
