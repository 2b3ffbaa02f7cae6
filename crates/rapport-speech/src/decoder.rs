//! Whisper's text decoder with a cache of the self-attention keys and values, so that each
//! new token costs one position rather than the whole sequence again (candle's own
//! decoder recomputes every position at every step: 80 ms a token against 5 here), and
//! the output projection read from one transposed copy of the token embeddings (candle's
//! own broadcasts them over the batch, which copies all 80 MB at every token; a strided
//! product over the untransposed ones is twice as slow).

use candle_core::{D, DType, Result, Tensor};
use candle_nn::{LayerNorm, Linear, Module, VarBuilder};
use candle_transformers::models::whisper::Config;

fn linear(vb: &VarBuilder, name: &str, n_in: usize, n_out: usize, bias: bool) -> Result<Linear> {
    let w = vb.get((n_out, n_in), &format!("{name}.weight"))?;
    let b = if bias {
        Some(vb.get(n_out, &format!("{name}.bias"))?)
    } else {
        None
    };
    Ok(Linear::new(w, b))
}

fn layer_norm(vb: &VarBuilder, name: &str, n: usize) -> Result<LayerNorm> {
    Ok(LayerNorm::new(
        vb.get(n, &format!("{name}.weight"))?,
        vb.get(n, &format!("{name}.bias"))?,
        1e-5,
    ))
}

struct Attention {
    q: Linear,
    k: Linear,
    v: Linear,
    out: Linear,
}

impl Attention {
    fn load(vb: &VarBuilder, name: &str, d: usize) -> Result<Attention> {
        Ok(Attention {
            q: linear(vb, &format!("{name}.q_proj"), d, d, true)?,
            k: linear(vb, &format!("{name}.k_proj"), d, d, false)?,
            v: linear(vb, &format!("{name}.v_proj"), d, d, true)?,
            out: linear(vb, &format!("{name}.out_proj"), d, d, true)?,
        })
    }
}

struct Block {
    attn: Attention,
    attn_ln: LayerNorm,
    cross: Attention,
    cross_ln: LayerNorm,
    fc1: Linear,
    fc2: Linear,
    mlp_ln: LayerNorm,
}

/// The decoder's weights.
pub(crate) struct Decoder {
    /// The token embeddings, transposed (d, vocab), contiguous and in half precision (as
    /// the model file has them, so nothing is lost): the output projection reads them in
    /// place at half the memory traffic (60 s of speech in 7.4 s against 8.5 in single
    /// precision, word error unchanged), and a token's embedding is a column.
    embed_t: Tensor,
    positions: Tensor,
    blocks: Vec<Block>,
    ln: LayerNorm,
    heads: usize,
}

/// One window's decoding state: the cached keys and values.
pub(crate) struct State {
    past: Vec<Option<(Tensor, Tensor)>>,
    /// Per block, the audio's keys (transposed) and values.
    cross: Vec<(Tensor, Tensor)>,
    len: usize,
}

impl Decoder {
    pub(crate) fn load(vb: &VarBuilder, cfg: &Config) -> Result<Decoder> {
        let d = cfg.d_model;
        let p = "model.decoder";
        let embed = vb.get((cfg.vocab_size, d), &format!("{p}.embed_tokens.weight"))?;
        let blocks = (0..cfg.decoder_layers)
            .map(|i| {
                let b = format!("{p}.layers.{i}");
                Ok(Block {
                    attn: Attention::load(vb, &format!("{b}.self_attn"), d)?,
                    attn_ln: layer_norm(vb, &format!("{b}.self_attn_layer_norm"), d)?,
                    cross: Attention::load(vb, &format!("{b}.encoder_attn"), d)?,
                    cross_ln: layer_norm(vb, &format!("{b}.encoder_attn_layer_norm"), d)?,
                    fc1: linear(vb, &format!("{b}.fc1"), d, 4 * d, true)?,
                    fc2: linear(vb, &format!("{b}.fc2"), 4 * d, d, true)?,
                    mlp_ln: layer_norm(vb, &format!("{b}.final_layer_norm"), d)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Decoder {
            embed_t: embed.t()?.contiguous()?.to_dtype(DType::F16)?,
            positions: vb.get(
                (cfg.max_target_positions, d),
                &format!("{p}.embed_positions.weight"),
            )?,
            blocks,
            ln: layer_norm(vb, &format!("{p}.layer_norm"), d)?,
            heads: cfg.decoder_attention_heads,
        })
    }

    /// Splits (1, t, d) into heads: (1, h, t, d / h).
    fn heads(&self, x: &Tensor) -> Result<Tensor> {
        let (b, t, d) = x.dims3()?;
        x.reshape((b, t, self.heads, d / self.heads))?
            .transpose(1, 2)?
            .contiguous()
    }

    /// A fresh state for one window's audio features (1, 1500, d).
    pub(crate) fn start(&self, features: &Tensor) -> Result<State> {
        let cross = self
            .blocks
            .iter()
            .map(|b| {
                // Keys kept transposed, as every step multiplies by them.
                let k = self
                    .heads(&b.cross.k.forward(features)?)?
                    .t()?
                    .contiguous()?;
                Ok((k, self.heads(&b.cross.v.forward(features)?)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(State {
            past: vec![None; self.blocks.len()],
            cross,
            len: 0,
        })
    }

    /// Feeds these tokens after those already fed; the logits for the next token.
    pub(crate) fn step(&self, state: &mut State, tokens: &[u32]) -> Result<Vec<f32>> {
        let t = tokens.len();
        let ids = Tensor::new(tokens, self.embed_t.device())?;
        let x = self
            .embed_t
            .index_select(&ids, 1)?
            .t()?
            .to_dtype(DType::F32)?;
        let x = (x + self.positions.narrow(0, state.len, t)?)?.unsqueeze(0)?;
        let seen = state.len;
        let mask = (t > 1)
            .then(|| {
                let all = seen + t;
                let m: Vec<f32> = (0..t)
                    .flat_map(|i| {
                        (0..all).map(move |j| if j > seen + i { f32::NEG_INFINITY } else { 0.0 })
                    })
                    .collect();
                Tensor::from_vec(m, (t, all), self.embed_t.device())
            })
            .transpose()?;
        let mut x = x;
        for (k, b) in self.blocks.iter().enumerate() {
            // Self-attention over the cache and the new positions.
            let h = b.attn_ln.forward(&x)?;
            let q = self.heads(&b.attn.q.forward(&h)?)?;
            let mut key = self.heads(&b.attn.k.forward(&h)?)?;
            let mut value = self.heads(&b.attn.v.forward(&h)?)?;
            if let Some((pk, pv)) = &state.past[k] {
                key = Tensor::cat(&[pk, &key], 2)?;
                value = Tensor::cat(&[pv, &value], 2)?;
            }
            state.past[k] = Some((key.clone(), value.clone()));
            let a = self.attend(&q, &key.t()?, &value, mask.as_ref())?;
            x = (x + b.attn.out.forward(&a)?)?;
            // Attention over the audio.
            let h = b.cross_ln.forward(&x)?;
            let q = self.heads(&b.cross.q.forward(&h)?)?;
            let (ck, cv) = &state.cross[k];
            let a = self.attend(&q, ck, cv, None)?;
            x = (x + b.cross.out.forward(&a)?)?;
            let h = b.mlp_ln.forward(&x)?;
            x = (x + b.fc2.forward(&b.fc1.forward(&h)?.gelu_erf()?)?)?;
        }
        state.len += t;
        let last = self.ln.forward(&x.narrow(1, t - 1, 1)?)?.squeeze(0)?;
        last.to_dtype(DType::F16)?
            .matmul(&self.embed_t)?
            .to_dtype(DType::F32)?
            .squeeze(0)?
            .to_vec1()
    }

    /// Scaled dot-product attention over heads (keys given transposed), merged back to
    /// (1, t, d).
    fn attend(
        &self,
        q: &Tensor,
        k_t: &Tensor,
        v: &Tensor,
        mask: Option<&Tensor>,
    ) -> Result<Tensor> {
        let dh = q.dim(D::Minus1)?;
        let mut w = (q.matmul(k_t)? / (dh as f64).sqrt())?;
        if let Some(m) = mask {
            w = w.broadcast_add(m)?;
        }
        let w = candle_nn::ops::softmax_last_dim(&w)?;
        let (b, h, t, _) = q.dims4()?;
        w.matmul(v)?.transpose(1, 2)?.reshape((b, t, h * dh))
    }
}
