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
//! attention) is fused into single passes from [`crate::kernels`] and spread over rayon's
//! threads, the ones candle's matrix products already use.

use std::collections::HashMap;

use candle_core::{Device, Layout, Storage, Tensor};
use candle_transformers::models::bert::Config as BertConfig;
use rayon::prelude::*;

use crate::kernels::{self, Norm};
use crate::weights::Raw;

/// Below this many floats, an element-wise pass runs on the calling thread alone.
const PARALLEL_MIN: usize = 16 * 1024;

/// The width, in output columns, of the panels a dense layer's weight is cut into.
const PANEL: usize = 64;

/// A dense layer. The weight is stored in panels of [`PANEL`] output columns, each a
/// contiguous `[in, PANEL]` block, so that a product with few rows (one sentence) streams
/// the weight through the cache once, in order: with the whole `[in, out]` matrix, candle's
/// `gemm` walks it in strided slices and runs at less than half the speed on a short
/// sentence. The panels are shared out between rayon's threads, one batched product per
/// thread. The bias is added by the fused pass that follows the product.
struct Linear {
    /// `[panels, in, width]`.
    weight: Tensor,
    /// The panels each thread multiplies: first and count.
    groups: Vec<(usize, usize)>,
    width: usize,
    bias: Vec<f32>,
}

impl Linear {
    /// A `[out, in]` weight (row-major, as stored) and its bias.
    fn new(weight: &[f32], bias: Vec<f32>) -> candle_core::Result<Linear> {
        let out = bias.len();
        let inputs = weight.len() / out.max(1);
        let width = if out.is_multiple_of(PANEL) {
            PANEL
        } else {
            out.max(1)
        };
        let panels = out / width;
        let mut data = vec![0f32; weight.len()];
        for (p, panel) in data.chunks_exact_mut(inputs * width).enumerate() {
            for c in 0..width {
                let column = &weight[(p * width + c) * inputs..][..inputs];
                for (row, &value) in panel.chunks_exact_mut(width).zip(column) {
                    row[c] = value;
                }
            }
        }
        let threads = rayon::current_num_threads().clamp(1, panels.max(1));
        let groups = (0..threads)
            .map(|g| {
                let first = g * panels / threads;
                (first, (g + 1) * panels / threads - first)
            })
            .collect();
        Ok(Linear {
            weight: Tensor::from_vec(data, (panels, inputs, width), &Device::Cpu)?,
            groups,
            width,
            bias,
        })
    }

    /// `x Wᵀ` for `x` of `[rows, in]`, as a row-major `[rows, out]`, with `finish(first,
    /// rows)` then run on each group of rows while it is in cache (to add the bias and
    /// whatever follows).
    fn forward<F>(&self, x: &Tensor, finish: F) -> candle_core::Result<Vec<f32>>
    where
        F: Fn(usize, &mut [f32]) + Sync,
    {
        let rows = x.dim(0)?;
        let multiply = |&(first, count): &(usize, usize)| {
            x.broadcast_left(count)?
                .matmul(&self.weight.narrow(0, first, count)?)
        };
        let parts: Vec<Tensor> = if self.groups.len() == 1 {
            vec![multiply(&self.groups[0])?]
        } else {
            self.groups
                .par_iter()
                .map(multiply)
                .collect::<candle_core::Result<_>>()?
        };
        // Each part is `[count, rows, width]`: put the panels side by side again.
        let width = self.width;
        let guards: Vec<_> = parts.iter().map(Tensor::storage_and_layout).collect();
        let mut panels: Vec<&[f32]> = Vec::new();
        for (storage, layout) in &guards {
            panels.extend(cpu_values(storage, layout)?.chunks_exact(rows * width));
        }
        let out = self.bias.len();
        let mut dst = vec![0f32; rows * out];
        for_rows(&mut dst, out, |first, chunk| {
            for (r, row) in (first..).zip(chunk.chunks_exact_mut(out)) {
                for (panel, segment) in panels.iter().zip(row.chunks_exact_mut(width)) {
                    segment.copy_from_slice(&panel[r * width..(r + 1) * width]);
                }
            }
            finish(first, chunk);
        });
        Ok(dst)
    }
}

/// One transformer layer.
struct Layer {
    /// Query, key and value stacked: one product instead of three.
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

/// Calls `f(first_row, rows)` on groups of rows of `dst` (rows of `width`), on several
/// threads when there is enough work.
fn for_rows<F>(dst: &mut [f32], width: usize, f: F)
where
    F: Fn(usize, &mut [f32]) + Sync,
{
    match rows_per_task(dst.len() / width, width) {
        None => f(0, dst),
        Some(per_task) => dst
            .par_chunks_mut(per_task * width)
            .enumerate()
            .for_each(|(task, d)| f(task * per_task, d)),
    }
}

/// How many rows of `width` floats each parallel task takes, or `None` when `rows` rows
/// are too little work to share out.
fn rows_per_task(rows: usize, width: usize) -> Option<usize> {
    (rows * width >= PARALLEL_MIN).then(|| (PARALLEL_MIN / 4 / width).clamp(1, rows.div_ceil(2)))
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
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for layer in 0..config.num_hidden_layers {
            let p = format!("encoder.layer.{layer}");
            let mut weight = Vec::new();
            let mut bias = Vec::new();
            for part in ["query", "key", "value"] {
                weight.extend(take(t, &format!("{p}.attention.self.{part}.weight"))?.data);
                bias.extend(take(t, &format!("{p}.attention.self.{part}.bias"))?.data);
            }
            let qkv = Linear::new(&weight, bias)?;
            let get = |t: &mut HashMap<String, Raw>, name: &str| {
                Linear::new(
                    &take(t, &format!("{p}.{name}.weight"))?.data,
                    take(t, &format!("{p}.{name}.bias"))?.data,
                )
            };
            layers.push(Layer {
                qkv,
                output: get(t, "attention.output.dense")?,
                attention_norm: norm(t, &format!("{p}.attention.output.LayerNorm"), eps)?,
                intermediate: get(t, "intermediate.dense")?,
                down: get(t, "output.dense")?,
                output_norm: norm(t, &format!("{p}.output.LayerNorm"), eps)?,
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
    /// last hidden state, `[tokens, hidden]`.
    pub(crate) fn forward(
        &self,
        ids: &[u32],
        type_ids: &[u32],
        lengths: &[usize],
    ) -> candle_core::Result<Tensor> {
        let h = self.hidden;
        let n = ids.len();
        let mut x = vec![0f32; n * h];
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
        let mut hidden = Tensor::from_vec(x, (n, h), &Device::Cpu)?;
        for layer in &self.layers {
            hidden = self.layer(layer, &hidden, lengths)?;
        }
        Ok(hidden)
    }

    /// One transformer layer.
    fn layer(&self, layer: &Layer, x: &Tensor, lengths: &[usize]) -> candle_core::Result<Tensor> {
        let h = self.hidden;
        let n = x.dim(0)?;
        let qkv = layer.qkv.forward(x, |_, _| {})?;
        let context = self.attention(&qkv, &layer.qkv.bias, lengths);
        let context = Tensor::from_vec(context, (n, h), &Device::Cpu)?;

        let attended = with_values(x, |x| {
            layer.output.forward(&context, |first, rows| {
                let residual = &x[first * h..first * h + rows.len()];
                layer
                    .attention_norm
                    .add_rows(rows, &layer.output.bias, residual);
            })
        })??;
        let attended = Tensor::from_vec(attended, (n, h), &Device::Cpu)?;

        let bias = &layer.intermediate.bias;
        let activated = layer
            .intermediate
            .forward(&attended, |_, rows| kernels::bias_gelu(rows, bias))?;
        let activated = Tensor::from_vec(activated, (n, bias.len()), &Device::Cpu)?;

        let out = with_values(&attended, |a| {
            layer.down.forward(&activated, |first, rows| {
                let residual = &a[first * h..first * h + rows.len()];
                layer.output_norm.add_rows(rows, &layer.down.bias, residual);
            })
        })??;
        Tensor::from_vec(out, (n, h), &Device::Cpu)
    }

    /// Multi-head self-attention of each sentence against itself. `qkv` is `[tokens, 3 *
    /// hidden]` (queries, keys, values, before their bias); returns the context vectors,
    /// `[tokens, hidden]`, heads side by side.
    fn attention(&self, qkv: &[f32], bias: &[f32], lengths: &[usize]) -> Vec<f32> {
        let h = self.hidden;
        let heads = self.heads;
        let head = h / heads;
        let n = qkv.len() / (3 * h);
        let scale = 1.0 / (head as f32).sqrt();
        let longest = lengths.iter().copied().max().unwrap_or(0);
        // Each head's context vectors, `[heads][tokens][head]`, one block per head.
        let mut by_head = vec![0f32; n * h];
        let one_head = |(index, out): (usize, &mut [f32])| {
            // This head's queries, keys and values, `[tokens][head]` each, bias added.
            let mut q = vec![0f32; n * head];
            let mut k = vec![0f32; n * head];
            let mut v = vec![0f32; n * head];
            for (part, (dst, factor)) in [(&mut q, scale), (&mut k, 1.0), (&mut v, 1.0)]
                .into_iter()
                .enumerate()
            {
                let at = part * h + index * head;
                let b = &bias[at..at + head];
                for (row, d) in qkv.chunks_exact(3 * h).zip(dst.chunks_exact_mut(head)) {
                    for ((d, &x), &b) in d.iter_mut().zip(&row[at..at + head]).zip(b) {
                        *d = (x + b) * factor;
                    }
                }
            }
            let mut scores = vec![0f32; longest];
            let mut start = 0;
            for &length in lengths {
                let block = start * head..(start + length) * head;
                kernels::attend(
                    &q[block.clone()],
                    &k[block.clone()],
                    &v[block.clone()],
                    head,
                    &mut out[block],
                    &mut scores[..length],
                );
                start += length;
            }
        };
        let work = 3 * n * h + lengths.iter().map(|l| l * l).sum::<usize>() * h;
        if work < PARALLEL_MIN {
            by_head.chunks_mut(n * head).enumerate().for_each(one_head);
        } else {
            by_head
                .par_chunks_mut(n * head)
                .enumerate()
                .for_each(one_head);
        }
        // Heads side by side again.
        let mut context = vec![0f32; n * h];
        for (index, block) in by_head.chunks_exact(n * head).enumerate() {
            for (row, src) in context.chunks_exact_mut(h).zip(block.chunks_exact(head)) {
                row[index * head..(index + 1) * head].copy_from_slice(src);
            }
        }
        context
    }
}

/// Runs `f` on the values of a hidden state returned by [`Encoder::forward`].
pub(crate) fn values<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> R) -> candle_core::Result<R> {
    with_values(t, f)
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

        // Sentences of several lengths (one long enough to go parallel), packed.
        let sentences: Vec<Vec<u32>> = [3usize, 11, 1, 7, 30]
            .iter()
            .enumerate()
            .map(|(s, &len)| (0..len).map(|i| ((s * 7 + i * 3) % 50) as u32).collect())
            .collect();
        let ids: Vec<u32> = sentences.concat();
        let type_ids: Vec<u32> = ids.iter().map(|&i| i % 2).collect();
        let lengths: Vec<usize> = sentences.iter().map(Vec::len).collect();
        let packed = encoder.forward(&ids, &type_ids, &lengths).expect("forward");
        let packed = values(&packed, <[f32]>::to_vec).expect("values");

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
