//! Four elements modulo `p = 2^512 - 569` at a time with AVX-512 IFMA, for
//! verifying tc26-512-C signatures (public data only).
//!
//! Why: an Edwards doubling is four independent squarings followed by
//! four independent multiplications, and an addition of a table entry is
//! four products followed by four more. With the four coordinates of a
//! point in four lanes, each group is one vector product. IFMA's
//! `vpmadd52luq` / `vpmadd52huq` add the low or high 52 bits of eight
//! 52 x 52-bit products to eight 64-bit accumulators per instruction.
//!
//! Representation. An element is `L = 11` limbs of radix `2^R`, `R = 47`
//! (517 bits), and `2^517 = c' = 569 * 2^5 (mod p)`. Limbs are *loose*: a
//! product leaves them below `2^(R+1)`, sums and biased differences below
//! `2^(R+4)`, and a product accepts any input below `2^(R+4) = 2^51`
//! (IFMA reads 52 bits), so additions never need a carry pass. Values are
//! only congruent to the element; [`FieldX4::unpack`] brings them back to
//! integers below `2^512`.
//!
//! Lanes. A vector [`X4`] holds limb `k` of four elements in lanes 0..3
//! and the same four again in lanes 4..7. A product `a * b` takes `b`
//! *split* ([`FieldX4::split`]): lanes 0..3 carry `b`'s low `H = 6` limbs,
//! lanes 4..7 its high ones, so one multiply-add does half of four
//! schoolbook rows and all eight lanes work. The two halves' columns are
//! then added (one lane shuffle per column), reduced, and duplicated.
//!
//! On tc26-256-A the same design (6 limbs of radix 2^43) measured no
//! faster than the scalar 4-limb code, since there the lane moves between
//! the products weigh as much as the products; it is not used
//! (`docs/performance.md`).
//!
//! Nothing branches on or indexes memory by values, but this is only used
//! for verification, where every value is public anyway.

use core::arch::x86_64::*;

use super::V;
use super::ifma_kernels as kernels;
use crate::cpu::Ifma;
use crate::field::{Fe, MontField};

/// Limbs per element.
pub(crate) const L: usize = 11;
/// Bits per limb.
const R: u32 = 47;
/// Limbs in each half of a split operand.
pub(crate) const H: usize = 6;

/// Four elements (see the module doc): limb k of each in vector k.
pub(crate) type X4 = [V; L];

/// A multiplier in split form.
pub(crate) type Split = [V; H];

/// Constants of the arithmetic modulo `2^512 - c`.
pub(crate) struct FieldX4 {
    c: u64,
    mask: V,
    /// c' = 2^(RL) mod p.
    fold: V,
    /// 8 * (2^(RL) - c'), limb by limb: a multiple of p whose limbs are at
    /// least 2^(R+3) - 8c', added before a subtraction.
    bias: [V; L],
}

impl FieldX4 {
    /// The constants for `field`, whose modulus must be `2^512 - c` with
    /// `c < 2^10` (the bounds below assume c' < 2^15). Generic over the
    /// word count only so that generic curve code can call it.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn new<const N: usize>(_: Ifma, field: &MontField<N>) -> Self {
        let c = field.special_c();
        assert!(
            N == 8 && c != 0 && c < 1 << 10,
            "FieldX4 needs p = 2^512 - c, c < 2^10"
        );
        let fold = c << (R as usize * L - 512);
        let top = (1u64 << R) - 1;
        let mut bias = [_mm512_set1_epi64((8 * top) as i64); L];
        bias[0] = _mm512_set1_epi64((8 * ((1u64 << R) - fold)) as i64);
        FieldX4 {
            c,
            mask: _mm512_set1_epi64(top as i64),
            fold: _mm512_set1_epi64(fold as i64),
            bias,
        }
    }

    /// Radix-2^R limbs of an integer below 2^512 (eight words).
    fn limbs_of(x: &[u64]) -> [u64; L] {
        core::array::from_fn(|k| {
            let bit = R as usize * k;
            let (word, off) = (bit / 64, bit % 64);
            let mut v = x[word] >> off;
            if off != 0 && word + 1 < x.len() {
                v |= x[word + 1] << (64 - off);
            }
            v & ((1u64 << R) - 1)
        })
    }

    /// The integer below 2^512 congruent to the value of loose limbs
    /// (any u64 each).
    fn int_of(&self, limbs: &[u64; L]) -> [u64; 8] {
        // Sum limb * 2^(Rk) into 10 words: the value is below 2^(470 + 64 + 1).
        let mut acc = [0u64; 10];
        for (k, &limb) in limbs.iter().enumerate() {
            let (word, off) = ((R as usize * k) / 64, (R as usize * k) % 64);
            let wide = (limb as u128) << off;
            let mut carry = 0u128;
            for (i, part) in [wide as u64, (wide >> 64) as u64].into_iter().enumerate() {
                let s = acc[word + i] as u128 + part as u128 + carry;
                acc[word + i] = s as u64;
                carry = s >> 64;
            }
            let mut i = word + 2;
            while carry != 0 {
                let s = acc[i] as u128 + carry;
                acc[i] = s as u64;
                carry = s >> 64;
                i += 1;
            }
        }
        // Fold the words above 512: W * 2^512 = W * c (mod p), until
        // nothing is left above.
        while acc[8] != 0 || acc[9] != 0 {
            let high = [acc[8], acc[9]];
            acc[8] = 0;
            acc[9] = 0;
            let mut carry = 0u128;
            for (i, word) in acc.iter_mut().enumerate() {
                let h = if i < 2 {
                    high[i] as u128 * self.c as u128
                } else {
                    0
                };
                let s = *word as u128 + h + carry;
                *word = s as u64;
                carry = s >> 64;
            }
        }
        core::array::from_fn(|i| acc[i])
    }

    /// Four elements (integers below 2^512) into lanes 0..3, repeated.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn pack<const N: usize>(&self, xs: [&[u64; N]; 4]) -> X4 {
        let l = xs.map(|x| Self::limbs_of(x));
        core::array::from_fn(|k| {
            let (a, b, c, d) = (
                l[0][k] as i64,
                l[1][k] as i64,
                l[2][k] as i64,
                l[3][k] as i64,
            );
            _mm512_set_epi64(d, c, b, a, d, c, b, a)
        })
    }

    /// The four elements of lanes 0..3 as lazily reduced field elements
    /// (integers below 2^512) of the public arithmetic.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn unpack<const N: usize>(&self, v: &X4) -> [Fe<N>; 4] {
        let mut limbs = [[0u64; L]; 4];
        for (k, x) in v.iter().enumerate() {
            let low = _mm512_castsi512_si256(*x);
            limbs[0][k] = _mm256_extract_epi64::<0>(low) as u64;
            limbs[1][k] = _mm256_extract_epi64::<1>(low) as u64;
            limbs[2][k] = _mm256_extract_epi64::<2>(low) as u64;
            limbs[3][k] = _mm256_extract_epi64::<3>(low) as u64;
        }
        limbs.map(|l| {
            let int = self.int_of(&l);
            Fe(core::array::from_fn(|i| int[i]))
        })
    }

    /// `b` in the form [`Self::mul`] takes it: lanes 0..3 hold limbs
    /// 0..H, lanes 4..7 limbs H..L (zero past L).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn split(&self, b: &X4) -> Split {
        core::array::from_fn(|j| {
            let high = if j + H < L {
                b[j + H]
            } else {
                _mm512_setzero_si512()
            };
            _mm512_mask_blend_epi64(0xF0, b[j], high)
        })
    }

    /// a + b (limbs add; no carry).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn add(&self, a: &X4, b: &X4) -> X4 {
        core::array::from_fn(|k| _mm512_add_epi64(a[k], b[k]))
    }

    /// a - b as a + 8(2^(RL) - c') - b; needs b's limbs below 2^(R+2).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn sub(&self, a: &X4, b: &X4) -> X4 {
        core::array::from_fn(|k| _mm512_sub_epi64(_mm512_add_epi64(a[k], self.bias[k]), b[k]))
    }

    /// Lane `lane` of `a` in every lane.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn broadcast(&self, a: &X4, lane: i64) -> X4 {
        let idx = _mm512_set1_epi64(lane);
        core::array::from_fn(|k| _mm512_permutexvar_epi64(idx, a[k]))
    }

    /// Lanes rearranged: lane i (and i + 4) takes lane `from[i]` of `a`;
    /// lanes whose bit is clear in `keep` (a 4-bit mask) become zero.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn permute(&self, a: &X4, from: [i64; 4], keep: u8) -> X4 {
        let [f0, f1, f2, f3] = from;
        let idx = _mm512_set_epi64(f3 + 4, f2 + 4, f1 + 4, f0 + 4, f3, f2, f1, f0);
        let k = keep & 0xF;
        core::array::from_fn(|i| _mm512_maskz_permutexvar_epi64(k | (k << 4), idx, a[i]))
    }

    /// Lanes whose bit is set in `take` (a 4-bit mask) from `b`, the rest
    /// from `a`.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn blend(&self, a: &X4, b: &X4, take: u8) -> X4 {
        let t = take & 0xF;
        core::array::from_fn(|i| _mm512_mask_blend_epi64(t | (t << 4), a[i], b[i]))
    }

    /// Lane-wise a * b mod p, for `b` split; inputs' limbs below 2^(R+4),
    /// output's below 2^(R+1), repeated in both halves.
    ///
    /// The generated kernel (`ifma_kernels.rs`, written out so that every
    /// column is a local the register allocator sees: the looped version
    /// kept its arrays in memory and ran 1.5 times slower) does:
    /// 1. schoolbook on half rows: the product of limbs i and j puts its
    ///    low 52 bits in column i + j and its high bits in column i + j + 1,
    ///    where they weigh 2^(52 - R) times a limb. With inputs below
    ///    2^(R+4) = 2^51 a product is below 2^102, its high part below
    ///    2^50, shifted below 2^55; a column sums at most 11 of each kind,
    ///    so stays below 2^59;
    /// 2. column k of the whole product: the low half's column k plus the
    ///    high half's column k - H (one shuffle; lanes 4..7 are garbage
    ///    until the end);
    /// 3. the high columns L..2L carried once (each below 2^R + 2^12; the
    ///    carry out of the top one, weight 2^(2RL) = c' 2^(RL), joins
    ///    column L times c'; column 2L is empty, as the high half's limbs
    ///    past L are zero);
    /// 4. the fold: column L + k weighs c' 2^(Rk); high * c' < 2^48 * 2^15,
    ///    plus a low column below 2^59, stays below 2^64;
    /// 5. one parallel carry pass: limbs below 2^R + 2^(64-R), and the top
    ///    carry (below 2^17) times c' (below 2^15) into limb 0;
    /// 6. lanes 0..3 copied into lanes 4..7.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn mul(&self, a: &X4, b: &Split) -> X4 {
        kernels::mul_11(a, b, self.mask, self.fold)
    }

    /// Lane-wise a^2 mod p (same bounds as [`Self::mul`]).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn square(&self, a: &X4) -> X4 {
        self.mul(a, &self.split(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{AnyCurve, CurveId};
    use crate::field::{FieldOps, limbs};

    /// Lane-wise products, squares, sums and biased differences against
    /// the scalar field, on random and edge values, and on loose inputs
    /// whose limbs are all at the allowed maximum (2^(R+4) - 1 for
    /// products, 2^(R+2) - 1 for subtrahends).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    fn check(ifma: Ifma, f: &MontField<8>) {
        let fx = FieldX4::new(ifma, f);
        let p = f.public();
        let m = *f.modulus();
        let mut one = [0u64; 8];
        one[0] = 1;
        let mut values: Vec<[u64; 8]> =
            vec![[0; 8], [u64::MAX; 8], m, limbs::sub_small(&m, 1).0, one];
        let mut x = [0x243f_6a88_85a3_08d3u64; 8];
        for round in 0..43u64 {
            for (i, w) in x.iter_mut().enumerate() {
                *w = w
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407 ^ (round + i as u64));
            }
            values.push(x);
        }
        let canon = |v: &Fe<8>| p.canonical(v);
        let loose = |bits: u32| -> X4 { [_mm512_set1_epi64(((1u64 << bits) - 1) as i64); L] };
        let big = loose(R + 4);
        let big_int = Fe(fx.int_of(&[(1u64 << (R + 4)) - 1; L]));
        let sub_big = loose(R + 2);
        let sub_int = Fe(fx.int_of(&[(1u64 << (R + 2)) - 1; L]));
        for chunk in values.chunks_exact(4) {
            let a = fx.pack([&chunk[0], &chunk[1], &chunk[2], &chunk[3]]);
            for other in values.chunks_exact(4) {
                let b = fx.pack([&other[0], &other[1], &other[2], &other[3]]);
                let prod = fx.unpack::<8>(&fx.mul(&a, &fx.split(&b)));
                let sum = fx.unpack::<8>(&fx.add(&a, &b));
                let diff = fx.unpack::<8>(&fx.sub(&a, &b));
                for i in 0..4 {
                    let (ai, bi) = (Fe(chunk[i]), Fe(other[i]));
                    assert_eq!(canon(&prod[i]), canon(&p.mul(&ai, &bi)), "mul");
                    assert_eq!(canon(&sum[i]), canon(&p.add(&ai, &bi)), "add");
                    assert_eq!(canon(&diff[i]), canon(&p.sub(&ai, &bi)), "sub");
                }
            }
            let sq = fx.unpack::<8>(&fx.square(&a));
            // Products at the input bound, and differences with the
            // largest subtrahend, against the integers they stand for.
            let prod = fx.unpack::<8>(&fx.mul(&big, &fx.split(&a)));
            let prod2 = fx.unpack::<8>(&fx.mul(&a, &fx.split(&big)));
            let diff = fx.unpack::<8>(&fx.sub(&a, &sub_big));
            for i in 0..4 {
                let ai = Fe(chunk[i]);
                assert_eq!(canon(&sq[i]), canon(&p.square(&ai)), "square");
                let want = canon(&p.mul(&big_int, &ai));
                assert_eq!(canon(&prod[i]), want, "mul at the bound");
                assert_eq!(canon(&prod2[i]), want, "mul at the bound");
                assert_eq!(
                    canon(&diff[i]),
                    canon(&p.sub(&ai, &sub_int)),
                    "sub, largest subtrahend"
                );
            }
        }
        let sq = fx.unpack::<8>(&fx.square(&big));
        assert_eq!(
            canon(&sq[0]),
            canon(&p.square(&big_int)),
            "square at the bound"
        );
        // Limbs and back.
        for v in &values {
            assert_eq!(fx.int_of(&FieldX4::limbs_of(v)), *v);
        }
    }

    #[test]
    fn vector_arithmetic_agrees_with_scalar() {
        let Some(ifma) = Ifma::get() else {
            crate::cpu::skipped(
                "field::x86_64::ifma_x4::tests::vector_arithmetic_agrees_with_scalar",
                "no AVX-512 IFMA",
            );
            return;
        };
        let AnyCurve::W8(c) = CurveId::Tc26_512C.curve() else {
            unreachable!()
        };
        // SAFETY: `ifma` comes from `cpu::Ifma::get`, so the CPU has the
        // features `check` is compiled for.
        #[allow(unsafe_code)]
        unsafe {
            check(ifma, &c.fp)
        };
    }
}
