//! Whisper's mel filter bank (80 bands over 0–8 kHz, Slaney's mel scale and area
//! normalisation, as librosa makes it), computed rather than shipped as a data file.

/// Hz to mel on Slaney's scale: linear below 1 kHz, logarithmic above.
fn hz_to_mel(hz: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let log_step = 6.4f64.ln() / 27.0;
    if hz < 1000.0 {
        hz / f_sp
    } else {
        1000.0 / f_sp + (hz / 1000.0).ln() / log_step
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    let f_sp = 200.0 / 3.0;
    let log_step = 6.4f64.ln() / 27.0;
    let min_log_mel = 1000.0 / f_sp;
    if mel < min_log_mel {
        mel * f_sp
    } else {
        1000.0 * (log_step * (mel - min_log_mel)).exp()
    }
}

/// The filters, `n_mels` rows of `n_fft / 2 + 1` weights, row after row.
pub fn filters(sample_rate: usize, n_fft: usize, n_mels: usize) -> Vec<f32> {
    let bins = n_fft / 2 + 1;
    let top = hz_to_mel(sample_rate as f64 / 2.0);
    let hz: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(top * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut out = vec![0f32; n_mels * bins];
    for m in 0..n_mels {
        let (lo, mid, hi) = (hz[m], hz[m + 1], hz[m + 2]);
        let norm = 2.0 / (hi - lo);
        for k in 0..bins {
            let f = k as f64 * sample_rate as f64 / n_fft as f64;
            let w = ((f - lo) / (mid - lo)).min((hi - f) / (hi - mid)).max(0.0);
            out[m * bins + k] = (w * norm) as f32;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_round_trips_and_bends_at_one_kilohertz() {
        for hz in [0.0, 440.0, 1000.0, 3000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-6, "{hz}");
        }
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-9);
    }

    #[test]
    fn every_band_has_weight_and_the_bands_climb() {
        let f = filters(16_000, 400, 80);
        assert_eq!(f.len(), 80 * 201);
        let peak = |m: usize| {
            (0..201)
                .max_by(|a, b| f[m * 201 + a].total_cmp(&f[m * 201 + b]))
                .unwrap_or(0)
        };
        for m in 0..80 {
            assert!(
                f[m * 201..(m + 1) * 201].iter().any(|w| *w > 0.0),
                "band {m}"
            );
        }
        assert!(peak(79) > peak(40) && peak(40) > peak(0));
        // Slaney's area normalisation: the first band (about 0–50 Hz) peaks near 2/50.
        let first = f[..201].iter().copied().fold(0.0, f32::max);
        assert!((0.02..0.04).contains(&first), "{first}");
    }
}
