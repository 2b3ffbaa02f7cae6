//! Voice activity from the audio itself: which 30 ms frames hold speech, by energy above
//! the recording's own noise floor, smoothed so that a stop consonant does not split a
//! word and a click is not a word. Speaking time, pauses and long silences come from it.

use crate::audio::SAMPLE_RATE;

/// Frame length in samples (30 ms).
const FRAME: usize = (SAMPLE_RATE as usize) * 3 / 100;

/// A stretch of speech, in seconds from the start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// Where it starts.
    pub start: f32,
    /// Where it ends.
    pub end: f32,
}

/// Speech decibels: frame energy in dB relative to full scale.
fn frame_db(samples: &[f32]) -> Vec<f32> {
    samples
        .chunks(FRAME)
        .map(|f| {
            let e = f.iter().map(|s| s * s).sum::<f32>() / f.len().max(1) as f32;
            10.0 * (e + 1e-10).log10()
        })
        .collect()
}

/// The stretches of speech: frames over the noise floor (the 10th percentile of the frame
/// energies) by a third of the way to the loudest frame, at least 12 dB, and over -55
/// dBFS; gaps under 300 ms bridged, bursts under 90 ms dropped.
pub fn speech(samples: &[f32]) -> Vec<Span> {
    let db = frame_db(samples);
    if db.is_empty() {
        return Vec::new();
    }
    let mut sorted = db.clone();
    sorted.sort_by(f32::total_cmp);
    let loudest = sorted[sorted.len() - 1];
    // A recording that is speech throughout has no quiet tenth: the floor is then taken
    // 40 dB under the loudest frame.
    let floor = sorted[sorted.len() / 10].min(loudest - 40.0);
    // Between the floor and the loudest frame, a third of the way up, at least 12 dB.
    let threshold = (floor + ((loudest - floor) / 3.0).max(12.0)).max(-55.0);
    let voiced: Vec<bool> = db.iter().map(|d| *d > threshold).collect();
    let secs = |frame: usize| (frame * FRAME) as f32 / SAMPLE_RATE as f32;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < voiced.len() {
        if voiced[i] {
            let start = i;
            while i < voiced.len() && voiced[i] {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    // Bridge short gaps (10 frames = 300 ms), then drop short bursts (3 frames = 90 ms).
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s - last.1 < 10 => last.1 = e,
            _ => merged.push((s, e)),
        }
    }
    merged
        .into_iter()
        .filter(|(s, e)| e - s >= 3)
        .map(|(s, e)| Span {
            start: secs(s),
            end: secs(e),
        })
        .collect()
}

/// Delivery measured on the audio.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AudioDelivery {
    /// The recording's length.
    pub seconds: f32,
    /// Time spent speaking (voice activity).
    pub speaking_seconds: f32,
    /// Words per minute of speaking time (the transcript's words).
    pub words_per_minute: f32,
    /// Pauses of 0.6 s or more between stretches of speech.
    pub pauses: usize,
    /// Silences of 2.5 s or more between stretches of speech.
    pub long_silences: usize,
    /// The longest silence between stretches of speech, in seconds.
    pub longest_silence: f32,
    /// Filler words heard ("um", "uh", "er", "erm", "hmm").
    pub fillers: usize,
    /// Whether the filler count may be low: the speech model tends to drop fillers, even
    /// when asked to keep them.
    pub fillers_uncertain: bool,
}

/// Pauses of this length or more count.
const PAUSE: f32 = 0.6;
/// Silences of this length or more are long.
const LONG_SILENCE: f32 = 2.5;

/// Delivery from the speech stretches and the transcript's words.
pub fn delivery(seconds: f32, spans: &[Span], words: usize, fillers: usize) -> AudioDelivery {
    let speaking: f32 = spans.iter().map(|s| s.end - s.start).sum();
    let gaps: Vec<f32> = spans.windows(2).map(|w| w[1].start - w[0].end).collect();
    AudioDelivery {
        seconds,
        speaking_seconds: speaking,
        words_per_minute: if speaking > 0.0 {
            words as f32 * 60.0 / speaking
        } else {
            0.0
        },
        pauses: gaps.iter().filter(|g| **g >= PAUSE).count(),
        long_silences: gaps.iter().filter(|g| **g >= LONG_SILENCE).count(),
        longest_silence: gaps.iter().copied().fold(0.0, f32::max),
        fillers,
        fillers_uncertain: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 200 Hz buzz for `on` seconds, silence (with faint noise) for `off`.
    fn pattern(parts: &[(f32, bool)]) -> Vec<f32> {
        let mut out = Vec::new();
        let mut seed = 1u32;
        for (secs, on) in parts {
            for i in 0..(secs * SAMPLE_RATE as f32) as usize {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (seed >> 16) as f32 / 65_536.0 - 0.5;
                let v = if *on {
                    0.3 * (2.0 * std::f32::consts::PI * 200.0 * i as f32 / SAMPLE_RATE as f32).sin()
                } else {
                    0.0
                };
                out.push(v + 0.002 * noise);
            }
        }
        out
    }

    #[test]
    fn speech_and_silences_are_found() {
        let s = pattern(&[
            (0.5, false),
            (2.0, true),
            (1.0, false),
            (1.5, true),
            (3.0, false),
            (1.0, true),
            (0.5, false),
        ]);
        let spans = speech(&s);
        assert_eq!(spans.len(), 3, "{spans:?}");
        assert!((spans[0].start - 0.5).abs() < 0.06 && (spans[0].end - 2.5).abs() < 0.06);
        let d = delivery(s.len() as f32 / 16_000.0, &spans, 45, 0);
        assert_eq!((d.pauses, d.long_silences), (2, 1));
        assert!((d.speaking_seconds - 4.5).abs() < 0.15);
        assert!(
            (d.words_per_minute - 600.0).abs() < 25.0,
            "{}",
            d.words_per_minute
        );
        assert!((d.longest_silence - 3.0).abs() < 0.1);
    }

    #[test]
    fn a_short_gap_does_not_split_speech_and_silence_has_none() {
        let s = pattern(&[(1.0, true), (0.2, false), (1.0, true)]);
        assert_eq!(speech(&s).len(), 1);
        assert!(speech(&pattern(&[(3.0, false)])).is_empty());
        assert!(speech(&[]).is_empty());
    }
}
