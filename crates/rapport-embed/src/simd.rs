//! Runs the encoder's element-wise passes with the widest vector instructions the CPU has.
//!
//! The kernels in [`crate::kernels`] are plain loops written so that LLVM vectorises them,
//! but a build for generic x86-64 may only use 128-bit SSE2, and the exact GELU then costs
//! as much as a sixth of the whole encoder. [`vectorized`] compiles the closure it is given
//! a second and a third time, for AVX-512 and for AVX2 with FMA, and picks one at run time
//! after asking the CPU what it supports, so the binary still runs on any x86-64. The
//! arithmetic is the same IEEE arithmetic at every width (Rust never fuses a multiply and
//! an add on its own), so the results are the same to the bit; a test checks it.
//!
//! This is the one place in the workspace with `unsafe` code: calling a function compiled
//! for CPU features is only sound on a CPU that has them, and each call is guarded by the
//! check that it does.

/// Runs `f`, compiled for the widest vector instructions this CPU supports. `f` should
/// call `#[inline(always)]` code only, so that all of it is compiled that way.
#[inline(always)]
pub(crate) fn vectorized<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if x86::has_avx512() {
            // SAFETY: `avx512` needs AVX-512 F, BW, DQ and VL, AVX2 and FMA, which the CPU
            // was just seen to have.
            #[allow(unsafe_code)]
            return unsafe { x86::avx512(f) };
        }
        if x86::has_avx2() {
            // SAFETY: `avx2` needs AVX2 and FMA, which the CPU was just seen to have.
            #[allow(unsafe_code)]
            return unsafe { x86::avx2(f) };
        }
    }
    f()
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    /// Whether the CPU has what [`avx512`] is compiled for (the answer is cached by std).
    #[inline(always)]
    pub(super) fn has_avx512() -> bool {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vl")
            && has_avx2()
    }

    /// Whether the CPU has what [`avx2`] is compiled for.
    #[inline(always)]
    pub(super) fn has_avx2() -> bool {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }

    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")]
    pub(super) fn avx512<R>(f: impl FnOnce() -> R) -> R {
        f()
    }

    #[target_feature(enable = "avx2,fma")]
    pub(super) fn avx2<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels;

    /// The vectorised GELU gives the very bits the plain build does.
    #[test]
    fn same_bits_at_every_width() {
        let bias: Vec<f32> = (0..96).map(|i| (i as f32 * 0.37).sin() * 0.1).collect();
        let input: Vec<f32> = (0..96 * 40)
            .map(|i| ((i * 7919 % 10007) as f32 / 10007.0 - 0.5) * 12.0)
            .collect();
        let plain = kernels::bias_gelu(&input, &bias);
        let wide = vectorized(
            #[inline(always)]
            || kernels::bias_gelu(&input, &bias),
        );
        let differ = plain
            .iter()
            .zip(&wide)
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        assert_eq!(differ, 0, "{differ} of {} values differ", plain.len());
    }
}
