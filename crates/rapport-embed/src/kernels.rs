//! The encoder's element-wise and row-wise arithmetic, written over plain `f32` slices so
//! that the compiler vectorises it: the exponential, the exact (erf) GELU, layer
//! normalisation and attention. The matrix products stay with candle (and its `gemm`).
//! Everything is `#[inline(always)]`, so that [`crate::simd::vectorized`] compiles it for
//! the CPU's widest vectors.
//!
//! Nothing here branches per element: both sides of a choice are computed and one is
//! selected, which is what lets LLVM turn the loops into SIMD code. The accuracy of each
//! approximation is checked against `f64` in this module's tests.

/// `e^x` to within 2 ulp for `x` in [-87, 88]; smaller `x` give `e^-87` (about 1.6e-38)
/// rather than the true, smaller value, which no caller can tell from 0.
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    // 1.5 * 2^23: adding it rounds to an integer, which then sits in the low mantissa bits.
    const ROUND: f32 = 12_582_912.0;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Minimax polynomial for e^r on [-ln 2 / 2, ln 2 / 2], error 2e-9.
    const P: [f32; 7] = [
        0.001_394_110_8,
        0.008_375_126,
        0.041_666_35,
        0.166_664_16,
        0.5,
        1.000_000_04,
        1.0,
    ];
    let x = x.clamp(-87.0, 88.0);
    let k = x * std::f32::consts::LOG2_E + ROUND;
    let n = k - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let mut p = P[0];
    for c in &P[1..] {
        p = p * r + c;
    }
    // 2^n, built from its bits; n is in [-126, 127], so the result is a normal float.
    let n_bits = (k.to_bits() as i32).wrapping_sub(ROUND.to_bits() as i32);
    let scale = f32::from_bits(((n_bits + 127) as u32) << 23);
    p * scale
}

/// `erf(z) / z - 1` for `z²` = `w` in [0, 1]: a minimax polynomial of degree 6 in `w`,
/// error 1.2e-9 in exact arithmetic. (Leaving out the 1 keeps the rounding of the
/// polynomial small next to `z` in `erf(z) = z + z y`.)
#[inline(always)]
fn erf_over_z_minus_1(w: f32) -> f32 {
    const Q: [f32; 7] = [
        7.875_875e-5,
        -0.000_801_686_4,
        0.005_189_087_4,
        -0.026_854_212,
        0.112_835_95,
        -0.376_126_27,
        0.128_379_17,
    ];
    let mut q = Q[0];
    for c in &Q[1..] {
        q = q * w + c;
    }
    q
}

/// Half the complementary error function, `erfc(a) / 2`, for `a` in [1, ∞), to a relative
/// error of about 2e-7: `erfc(a) = t exp(P(t) - a²)` with `t = 2 / (2 + a)` and `P` a
/// minimax polynomial of degree 8 (relative error 4e-9 in exact arithmetic) over `a` in
/// [1, 10]. Beyond 10 it gives about 1e-39 instead of something smaller still.
#[inline(always)]
fn half_erfc_tail(a: f32) -> f32 {
    const P: [f32; 9] = [
        -0.247_891_89,
        0.669_746_3,
        -0.486_733_7,
        -0.036_532_42,
        -0.087_116,
        0.075_942_084,
        0.377_044_6,
        0.999_762_1,
        -1.265_501_5,
    ];
    let a = a.clamp(1.0, 10.0);
    let t = 2.0 / (2.0 + a);
    let mut p = P[0];
    for c in &P[1..] {
        p = p * t + c;
    }
    0.5 * t * exp(p - a * a)
}

/// The error function, to within 1e-7 (absolute); used only to check the approximation.
#[cfg(test)]
fn erf(z: f32) -> f32 {
    let a = z.abs();
    if a < 1.0 {
        z + z * erf_over_z_minus_1(z * z)
    } else {
        (1.0 - 2.0 * half_erfc_tail(a)).copysign(z)
    }
}

/// The exact GELU, `x Φ(x) = x (1 + erf(x / √2)) / 2`, as BERT defines it, to within a
/// few ulp. Near 0 `Φ` comes from a polynomial for `erf`; away from it from the
/// complementary error function, so that `Φ` keeps its relative accuracy for negative
/// `x`, where `1 + erf` would cancel. Both are computed and one is chosen, without a
/// branch, so that loops over this vectorise.
#[inline(always)]
pub(crate) fn gelu(x: f32) -> f32 {
    let z = x * std::f32::consts::FRAC_1_SQRT_2;
    let w = z * z;
    let near = 0.5 + 0.5 * (z + z * erf_over_z_minus_1(w.min(1.0)));
    let tail = half_erfc_tail(z.abs());
    let far = if x < 0.0 { tail } else { 1.0 - tail };
    let phi = if w < 1.0 { near } else { far };
    x * phi
}

/// `gelu(x + bias)` for each row `x` of `rows`; `bias` has the length of a row.
#[inline(always)]
pub(crate) fn bias_gelu(rows: &[f32], bias: &[f32]) -> Vec<f32> {
    let mut out = vec![0f32; rows.len()];
    let width = bias.len();
    for (o, row) in out.chunks_exact_mut(width).zip(rows.chunks_exact(width)) {
        for ((o, &x), &b) in o.iter_mut().zip(row).zip(bias) {
            *o = gelu(x + b);
        }
    }
    out
}

/// The sum of a slice, in eight interleaved partial sums (which vectorises).
#[inline(always)]
pub(crate) fn sum(xs: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let chunks = xs.chunks_exact(8);
    let tail: f32 = chunks.remainder().iter().sum();
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += x;
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// The dot product of two slices of the same length, in eight interleaved partial sums.
#[inline(always)]
pub(crate) fn dot(xs: &[f32], ys: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let xc = xs.chunks_exact(8);
    let yc = ys.chunks_exact(8);
    let tail: f32 = xc
        .remainder()
        .iter()
        .zip(yc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in xc.zip(yc) {
        for ((a, &x), &y) in acc.iter_mut().zip(x).zip(y) {
            *a += x * y;
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// A layer normalisation: its scale, shift and epsilon.
pub(crate) struct Norm {
    pub(crate) weight: Vec<f32>,
    pub(crate) bias: Vec<f32>,
    pub(crate) eps: f32,
}

impl Norm {
    /// Normalises one row in place.
    #[inline(always)]
    pub(crate) fn row(&self, row: &mut [f32]) {
        let n = row.len() as f32;
        let mean = sum(row) / n;
        for x in row.iter_mut() {
            *x -= mean;
        }
        let var = dot(row, row) / n;
        let scale = 1.0 / (var + self.eps).sqrt();
        for ((x, &w), &b) in row.iter_mut().zip(&self.weight).zip(&self.bias) {
            *x = *x * scale * w + b;
        }
    }

    /// `norm(x + bias + residual)` for each row `x` of `rows` and the matching row of
    /// `residual`.
    #[inline(always)]
    pub(crate) fn add_rows(&self, rows: &[f32], bias: &[f32], residual: &[f32]) -> Vec<f32> {
        let width = bias.len();
        let mut out = vec![0f32; rows.len()];
        for ((o, x), r) in out
            .chunks_exact_mut(width)
            .zip(rows.chunks_exact(width))
            .zip(residual.chunks_exact(width))
        {
            for (((o, &x), &b), &r) in o.iter_mut().zip(x).zip(bias).zip(r) {
                *o = x + b + r;
            }
            self.row(o);
        }
        out
    }
}

/// Scaled dot-product attention of one sentence and one head, with no padding to mask:
/// `q` and `v` are that head's `[length, head]` blocks (`q` already scaled by `1 / √head`),
/// `k_t` its keys transposed, `[head, length]`, so that a query's scores against every key
/// are built a column of the head at a time, across all keys at once (which vectorises,
/// where one dot product of 32 floats per key would not). The context vectors are written
/// to `out`, `[length, head]`. `scores` is scratch space of exactly `length` floats.
#[inline(always)]
pub(crate) fn attend(
    q: &[f32],
    k_t: &[f32],
    v: &[f32],
    head: usize,
    out: &mut [f32],
    scores: &mut [f32],
) {
    let length = scores.len();
    for (qi, oi) in q.chunks_exact(head).zip(out.chunks_exact_mut(head)) {
        scores.fill(0.0);
        for (&qd, keys) in qi.iter().zip(k_t.chunks_exact(length)) {
            for (s, &k) in scores.iter_mut().zip(keys) {
                *s += qd * k;
            }
        }
        let max = scores.iter().fold(f32::NEG_INFINITY, |m, &s| m.max(s));
        for s in scores.iter_mut() {
            *s = exp(*s - max);
        }
        let inv = 1.0 / sum(scores);
        oi.fill(0.0);
        for (&s, vj) in scores.iter().zip(v.chunks_exact(head)) {
            let p = s * inv;
            for (o, &x) in oi.iter_mut().zip(vj) {
                *o += p * x;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::cpu::erf::{erf_f64, erfc_f64};

    /// Every `f32` in `[lo, hi]` at a step of about `step`, plus the ends.
    fn grid(lo: f32, hi: f32, step: f32) -> impl Iterator<Item = f32> {
        let n = ((hi - lo) / step) as usize;
        (0..=n).map(move |i| lo + (hi - lo) * i as f32 / n as f32)
    }

    #[test]
    fn exp_is_accurate() {
        let mut worst = 0f64;
        for x in grid(-87.0, 88.0, 1e-3) {
            let got = exp(x) as f64;
            let want = (x as f64).exp();
            worst = worst.max(((got - want) / want).abs());
        }
        // Two ulp.
        assert!(worst < 2.4e-7, "exp relative error {worst:e}");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1000.0) < 1e-37);
    }

    #[test]
    fn erf_is_exact_to_f32() {
        let mut worst = 0f64;
        let mut at = 0f32;
        for z in grid(-12.0, 12.0, 1e-5) {
            let err = (erf(z) as f64 - erf_f64(z as f64)).abs();
            if err > worst {
                worst = err;
                at = z;
            }
        }
        eprintln!("erf: worst absolute error {worst:e} at {at}");
        assert!(worst <= 1e-7, "erf absolute error {worst:e} at {at}");
    }

    #[test]
    fn gelu_is_exact_to_f32() {
        let (mut worst_abs, mut worst_rel) = (0f64, 0f64);
        for x in grid(-20.0, 20.0, 1e-5) {
            let xd = x as f64;
            let want = 0.5 * xd * erfc_f64(-xd / std::f64::consts::SQRT_2);
            let got = gelu(x) as f64;
            worst_abs = worst_abs.max((got - want).abs());
            if want.abs() > 1e-30 {
                worst_rel = worst_rel.max(((got - want) / want).abs());
            }
        }
        // Absolute error at most a couple of ulp of the largest outputs; relative error
        // bounded everywhere, including the far negative tail.
        assert!(worst_abs < 4e-6, "gelu absolute error {worst_abs:e}");
        eprintln!("gelu: worst absolute error {worst_abs:e}, worst relative {worst_rel:e}");
        assert!(worst_rel < 5e-5, "gelu relative error {worst_rel:e}");
        assert_eq!(gelu(0.0), 0.0);
        assert_eq!(gelu(100.0), 100.0);
        assert!(gelu(-100.0).abs() < 1e-30);
    }

    #[test]
    fn sums_and_dots() {
        let xs: Vec<f32> = (0..37).map(|i| i as f32 * 0.5).collect();
        assert_eq!(sum(&xs), xs.iter().sum::<f32>());
        assert_eq!(dot(&xs, &xs), xs.iter().map(|x| x * x).sum::<f32>());
    }
}
