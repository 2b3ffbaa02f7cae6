//! Audio in: WAV (PCM 8/16/24/32-bit and 32/64-bit float, any channel count,
//! `WAVE_FORMAT_EXTENSIBLE` too) and the browser's Opus recordings (WebM, Ogg; see
//! `opus.rs`), down-mixed to mono and resampled to Whisper's 16 kHz, with the checks
//! that turn a bad recording into a clear error.

use crate::AudioError;

/// Whisper's sample rate.
pub const SAMPLE_RATE: u32 = 16_000;

/// The longest answer accepted, in seconds.
pub const MAX_SECONDS: u32 = 300;

/// Mono samples at [`SAMPLE_RATE`], between -1 and 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    /// The samples.
    pub samples: Vec<f32>,
}

impl Audio {
    /// Its length in seconds.
    pub fn seconds(&self) -> f32 {
        self.samples.len() as f32 / SAMPLE_RATE as f32
    }
}

/// Decodes a recording: WAV, or Opus in WebM or Ogg; anything else is named.
pub fn decode(bytes: &[u8]) -> Result<Audio, AudioError> {
    if bytes.is_empty() {
        return Err(AudioError::Empty);
    }
    if bytes.starts_with(b"OggS") {
        return checked(crate::opus::decode_ogg(bytes)?, SAMPLE_RATE);
    }
    if bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) {
        return checked(crate::opus::decode_webm(bytes)?, SAMPLE_RATE);
    }
    if !(bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE") {
        return Err(AudioError::Unsupported {
            found: sniff(bytes).into(),
        });
    }
    let (rate, _channels, mono) = read_wav(bytes)?;
    checked(mono, rate)
}

/// The length and rate checks, then resampling to 16 kHz.
fn checked(mono: Vec<f32>, rate: u32) -> Result<Audio, AudioError> {
    if !(8_000..=192_000).contains(&rate) {
        return Err(AudioError::SampleRate { rate });
    }
    let seconds = mono.len() as f32 / rate as f32;
    if seconds > MAX_SECONDS as f32 {
        return Err(AudioError::TooLong {
            seconds,
            limit: MAX_SECONDS,
        });
    }
    let samples = resample(&mono, rate, SAMPLE_RATE);
    if samples.is_empty() {
        return Err(AudioError::Corrupt("the recording holds no samples".into()));
    }
    Ok(Audio { samples })
}

/// What a file that is not WAV, Ogg or WebM looks like, for the message.
fn sniff(bytes: &[u8]) -> &'static str {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"ID3") || (bytes.len() > 1 && bytes[0] == 0xff && bytes[1] & 0xe0 == 0xe0) {
        "MP3"
    } else if starts(b"fLaC") {
        "FLAC"
    } else if bytes.len() > 8 && &bytes[4..8] == b"ftyp" {
        "MP4/M4A"
    } else if starts(b"RIFF") {
        "a RIFF file that is not WAVE"
    } else {
        "not an audio file Rapport knows"
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The sample rate, channel count and the down-mixed samples of a WAV file.
fn read_wav(bytes: &[u8]) -> Result<(u32, u16, Vec<f32>), AudioError> {
    let corrupt = |why: &str| AudioError::Corrupt(why.to_owned());
    let mut at = 12;
    let mut format: Option<(u16, u16, u32, u16)> = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32_at(bytes, at + 4) as usize;
        let body = at + 8;
        // A recorder that was stopped mid-write may leave the data size too large (or
        // 0xFFFFFFFF while streaming): read what is there.
        let end = body.saturating_add(size).min(bytes.len());
        if id == b"fmt " {
            if end - body < 16 {
                return Err(corrupt("the format chunk is too short"));
            }
            let mut tag = u16_at(bytes, body);
            let channels = u16_at(bytes, body + 2);
            let rate = u32_at(bytes, body + 4);
            let bits = u16_at(bytes, body + 14);
            if tag == 0xfffe && end - body >= 26 {
                // WAVE_FORMAT_EXTENSIBLE: the real tag opens the sub-format GUID.
                tag = u16_at(bytes, body + 24);
            }
            format = Some((tag, channels, rate, bits));
        } else if id == b"data" {
            let (tag, channels, rate, bits) =
                format.ok_or_else(|| corrupt("the data comes before the format chunk"))?;
            if channels == 0 {
                return Err(corrupt("the format says zero channels"));
            }
            let data = &bytes[body..end];
            let frame = usize::from(channels) * usize::from(bits / 8);
            if frame == 0 {
                return Err(corrupt("the format says zero bits per sample"));
            }
            let values: Vec<f32> = match (tag, bits) {
                (1, 8) => data
                    .iter()
                    .map(|b| (f32::from(*b) - 128.0) / 128.0)
                    .collect(),
                (1, 16) => data
                    .chunks_exact(2)
                    .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32_768.0)
                    .collect(),
                (1, 24) => data
                    .chunks_exact(3)
                    .map(|b| (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0)
                    .collect(),
                (1, 32) => data
                    .chunks_exact(4)
                    .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32 / 2_147_483_648.0)
                    .collect(),
                (3, 32) => data
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect(),
                (3, 64) => data
                    .chunks_exact(8)
                    .map(|b| {
                        f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32
                    })
                    .collect(),
                (1 | 3, _) => {
                    return Err(corrupt(&format!(
                        "{bits}-bit samples are not a WAV sample size"
                    )));
                }
                (codec, _) => return Err(AudioError::Codec { codec }),
            };
            let n = usize::from(channels);
            let mono: Vec<f32> = values
                .chunks_exact(n)
                .map(|c| {
                    let s = c.iter().sum::<f32>() / n as f32;
                    if s.is_finite() {
                        s.clamp(-1.0, 1.0)
                    } else {
                        0.0
                    }
                })
                .collect();
            return Ok((rate, channels, mono));
        }
        // Chunks are padded to an even size.
        at = body.saturating_add(size).saturating_add(size & 1);
    }
    Err(corrupt(if format.is_some() {
        "there is no data chunk"
    } else {
        "there is no format chunk"
    }))
}

/// Resamples with a windowed-sinc filter (16 zero crossings a side, Hann window), cut off
/// below the lower of the two Nyquist frequencies so that nothing folds back.
///
/// The filter is tabulated once per phase: an output sample falls at one of `to / gcd`
/// fractions between two input samples (one for 48 kHz to 16 kHz, 160 for 44.1 kHz), so
/// the sines and cosines are computed for each phase and tap once, not for every sample
/// (60 s at 48 kHz: 4 s before, a tenth of a second with the table). Rates whose table
/// would be too large compute the filter as they go.
pub fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || input.is_empty() || from == 0 || to == 0 {
        return input.to_vec();
    }
    let ratio = f64::from(to) / f64::from(from);
    let cutoff = ratio.min(1.0) * 0.95;
    const ZEROS: f64 = 16.0;
    let half = (ZEROS / cutoff).ceil() as usize;
    let taps = 2 * half + 1;
    // The filter's weight for an input sample `x` samples from the output's position.
    let weight = |x: f64| {
        let x = x * cutoff;
        let w = x / ZEROS;
        if w.abs() >= 1.0 {
            return 0.0;
        }
        let sinc = if x.abs() < 1e-9 {
            1.0
        } else {
            (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x)
        };
        sinc * (0.5 + 0.5 * (std::f64::consts::PI * w).cos()) * cutoff
    };
    let g = gcd(from, to);
    // Output sample j sits at input position j * down / up.
    let (up, down) = (u64::from(to / g), u64::from(from / g));
    let out_len = ((input.len() as f64) * ratio).floor() as usize;
    const MOST_WEIGHTS: u64 = 1 << 22;
    let table: Option<Vec<f64>> = (up * taps as u64 <= MOST_WEIGHTS).then(|| {
        (0..up)
            .flat_map(|phase| {
                let frac = phase as f64 / up as f64;
                (0..taps).map(move |k| weight(k as f64 - half as f64 - frac))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(out_len);
    for j in 0..out_len as u64 {
        let at = j * down;
        let (floor, phase) = ((at / up) as usize, at % up);
        let mut acc = 0.0f64;
        let first = floor.saturating_sub(half);
        let last = (floor + half).min(input.len() - 1);
        for (i, x) in input.iter().enumerate().take(last + 1).skip(first) {
            let k = i + half - floor;
            let w = match &table {
                Some(t) => t[phase as usize * taps + k],
                None => weight(k as f64 - half as f64 - phase as f64 / up as f64),
            };
            acc += f64::from(*x) * w;
        }
        out.push(acc as f32);
    }
    out
}

/// The greatest common divisor.
fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Writes 16-bit mono PCM WAV: for tests and for keeping a recording.
pub fn wav_bytes(samples: &[f32], rate: u32) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend(b"RIFF");
    out.extend((36 + data_len).to_le_bytes());
    out.extend(b"WAVEfmt ");
    out.extend(16u32.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(rate.to_le_bytes());
    out.extend((rate * 2).to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(16u16.to_le_bytes());
    out.extend(b"data");
    out.extend(data_len.to_le_bytes());
    for s in samples {
        out.extend(((s.clamp(-1.0, 1.0) * 32_767.0) as i16).to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f32, seconds: f32) -> Vec<f32> {
        (0..(rate as f32 * seconds) as usize)
            .map(|i| 0.5 * (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn a_wav_round_trips_at_sixteen_kilohertz() {
        let t = tone(16_000, 440.0, 0.5);
        let a = decode(&wav_bytes(&t, 16_000)).expect("a 16 kHz WAV decodes");
        assert_eq!(a.samples.len(), t.len());
        assert!(a.samples.iter().zip(&t).all(|(x, y)| (x - y).abs() < 1e-3));
    }

    #[test]
    fn resampling_keeps_a_tone_and_its_length() {
        let t = tone(48_000, 440.0, 1.0);
        let a = decode(&wav_bytes(&t, 48_000)).expect("a 48 kHz WAV decodes");
        assert_eq!(a.samples.len(), 16_000);
        let want = tone(16_000, 440.0, 1.0);
        // Away from the edges the tone is kept within a percent of its amplitude.
        let err = a.samples[1000..15_000]
            .iter()
            .zip(&want[1000..15_000])
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max);
        assert!(err < 0.01, "{err}");
    }

    #[test]
    fn a_tone_above_the_new_nyquist_is_removed() {
        let t = tone(44_100, 10_000.0, 0.5);
        let out = resample(&t, 44_100, 16_000);
        let peak = out[500..out.len() - 500]
            .iter()
            .map(|x| x.abs())
            .fold(0.0, f32::max);
        assert!(peak < 0.02, "{peak}");
    }

    #[test]
    fn bad_recordings_are_named() {
        assert_eq!(decode(b""), Err(AudioError::Empty));
        assert!(
            matches!(decode(b"fLaC\0\0\0\0"), Err(AudioError::Unsupported { found }) if found == "FLAC")
        );
        assert!(
            matches!(decode(b"ID3\x03\0\0"), Err(AudioError::Unsupported { found }) if found == "MP3")
        );
        let mut w = wav_bytes(&tone(16_000, 440.0, 0.1), 16_000);
        w.truncate(30);
        assert!(matches!(decode(&w), Err(AudioError::Corrupt(_))));
        let mut w = wav_bytes(&tone(16_000, 440.0, 0.1), 16_000);
        w[20] = 0x55; // MP3 inside WAV
        assert_eq!(decode(&w), Err(AudioError::Codec { codec: 0x55 }));
        let w = wav_bytes(&tone(4_000, 440.0, 0.1), 4_000);
        assert_eq!(decode(&w), Err(AudioError::SampleRate { rate: 4_000 }));
        let w = wav_bytes(&vec![0.0; 8_000 * 301], 8_000);
        assert!(matches!(decode(&w), Err(AudioError::TooLong { .. })));
    }

    #[test]
    fn stereo_is_mixed_down() {
        let mut bytes = wav_bytes(&[0.5, -0.5, 0.25, 0.25], 16_000);
        bytes[22] = 2; // two channels
        let a = decode(&bytes).expect("a stereo WAV decodes");
        assert_eq!(a.samples.len(), 2);
        assert!(a.samples[0].abs() < 1e-3 && (a.samples[1] - 0.25).abs() < 1e-3);
    }
}
