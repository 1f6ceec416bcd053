//! Eight independent elements modulo `p = 2^(64N) - c` at a time with
//! AVX-512 IFMA, one element per 64-bit lane: the arithmetic of batch
//! signing, which computes eight k*G side by side (`curve::x86_64::comb_ifma_x8`).
//!
//! Unlike [`super::ifma_x4`], which spreads one point's four coordinates over
//! the lanes and pays lane moves between products, here the lanes never
//! talk to each other: a product is the schoolbook columns of every lane
//! at once, and nothing is ever shuffled.
//!
//! Representation (the one of [`super::ifma_x4`], with whole operands). An
//! element is `L` limbs of radix `2^R`: `L = 6, R = 43` (258 bits) for
//! `2^256 - 617`, `L = 11, R = 47` (517 bits) for `2^512 - 569`, and
//! `2^(RL) = c' = c * 2^(RL - 64N) (mod p)`. Limbs are loose:
//!
//! * a product or square leaves them below `2^(R+1)`;
//! * a product accepts any inputs below `2^51` (IFMA reads 52 bits; the
//!   column sums then stay below 2^64, see [`FieldX8::mul`]);
//! * [`FieldX8::sub`] adds `8 (2^(RL) - c')`, a multiple of p whose limbs
//!   are at least `2^(R+2)`, so a subtrahend's limbs must stay below that
//!   and the difference's grow by at most `2^(R+3)`.
//!
//! So additions never carry, and values are only congruent to the
//! element; [`FieldX8::unpack`] brings them back to reduced integers.
//!
//! Secret data flows through here (the nonces' multiples of G), so nothing
//! branches on or indexes memory by a value: lane selections are mask
//! blends, and the way in and out is straight-line limb arithmetic. This
//! code is beyond valgrind's reach (it has no AVX-512), so ct-check cannot
//! see it; `ct/README.md` says what stands in for that.

use core::arch::x86_64::*;

use super::V;
use super::ifma_kernels as kernels;
use crate::cpu::Ifma;
use crate::field::{MontField, limbs};

/// Eight elements: limb k of lane i's element in lane i of vector k.
pub(crate) type X8<const L: usize> = [V; L];

/// The radix exponent for `L` limbs (the only two shapes there are).
pub(crate) const fn radix(l: usize) -> u32 {
    match l {
        6 => 43,
        11 => 47,
        _ => panic!("FieldX8 has 6 or 11 limbs"),
    }
}

/// The limb count for N-word elements.
pub(crate) const fn limbs_for(n: usize) -> usize {
    match n {
        4 => 6,
        8 => 11,
        _ => panic!("FieldX8 takes 4- or 8-word elements"),
    }
}

/// Constants of the arithmetic modulo `2^(64N) - c`.
pub(crate) struct FieldX8<const N: usize, const L: usize> {
    c: u64,
    mask: V,
    /// c' = 2^(RL) mod p.
    fold: V,
    /// 8 (2^(RL) - c'), limb by limb: a multiple of p whose limbs are at
    /// least 2^(R+2), added before a subtraction.
    bias: [V; L],
}

impl<const N: usize, const L: usize> FieldX8<N, L> {
    const R: u32 = radix(L);

    /// The constants for `field`, whose modulus must be `2^(64N) - c` with
    /// `c < 2^10`, and `L` the limb count for N words.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn new(_: Ifma, field: &MontField<N>) -> Self {
        let c = field.special_c();
        assert!(
            L == limbs_for(N) && c != 0 && c < 1 << 10,
            "FieldX8 needs p = 2^(64N) - c, c < 2^10, and L limbs"
        );
        let fold = c << (Self::R as usize * L - 64 * N);
        let top = (1u64 << Self::R) - 1;
        let mut bias = [_mm512_set1_epi64((8 * top) as i64); L];
        bias[0] = _mm512_set1_epi64((8 * ((1u64 << Self::R) - fold)) as i64);
        FieldX8 {
            c,
            mask: _mm512_set1_epi64(top as i64),
            fold: _mm512_set1_epi64(fold as i64),
            bias,
        }
    }

    /// Radix-2^R limbs of an integer below 2^(64N). Straight-line.
    pub(crate) fn limbs_of(x: &[u64; N]) -> [u64; L] {
        core::array::from_fn(|k| bits_at(x, Self::R as usize * k, Self::R))
    }

    /// The reduced integer (`< p`) congruent to loose limbs (each below
    /// 2^52), in constant time: the same loops and carries for every value.
    pub(crate) fn reduce_limbs(&self, limbs: &[u64; L]) -> [u64; N] {
        // Sum limb * 2^(Rk) into N + 1 words: below 2^(R(L-1) + 52 + 1),
        // which is below 2^(64N + 64) for both shapes.
        let mut acc = [0u64; 9];
        for (k, &limb) in limbs.iter().enumerate() {
            let (word, off) = ((Self::R as usize * k) / 64, (Self::R as usize * k) % 64);
            let wide = (limb as u128) << off;
            let mut carry = 0u64;
            for (i, slot) in acc.iter_mut().enumerate().take(N + 1).skip(word) {
                let part = match i - word {
                    0 => wide as u64,
                    1 => (wide >> 64) as u64,
                    _ => 0,
                };
                (*slot, carry) = limbs::adc(*slot, part, carry);
            }
        }
        // Fold the word above 64N twice: W 2^(64N) = W c (mod p). The first
        // fold leaves at most a carry of 1, the second none (the low words
        // are then below c^2 + c, nowhere near 2^64).
        let mut low: [u64; N] = core::array::from_fn(|i| acc[i]);
        let mut high = acc[N];
        for _ in 0..2 {
            let product = high as u128 * self.c as u128;
            let mut carry = 0u64;
            for (i, slot) in low.iter_mut().enumerate() {
                let part = match i {
                    0 => product as u64,
                    1 => (product >> 64) as u64,
                    _ => 0,
                };
                (*slot, carry) = limbs::adc(*slot, part, carry);
            }
            high = carry;
        }
        // Now below 2^(64N) < 2p: subtract p when adding c carries out.
        let (plus_c, carry) = limbs::add_small(&low, self.c);
        limbs::select(carry.wrapping_neg(), &plus_c, &low)
    }

    /// Eight integers below 2^(64N) into the lanes.
    #[cfg(test)]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn pack(&self, xs: &[[u64; N]; 8]) -> X8<L> {
        let l: [[u64; L]; 8] = core::array::from_fn(|i| Self::limbs_of(&xs[i]));
        core::array::from_fn(|k| lanes_to_vector(&core::array::from_fn(|i| l[i][k])))
    }

    /// The eight lanes as reduced integers (`< p`), in constant time.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn unpack(&self, v: &X8<L>) -> [[u64; N]; 8] {
        let by_limb: [[u64; 8]; L] = core::array::from_fn(|k| vector_to_lanes(v[k]));
        core::array::from_fn(|i| self.reduce_limbs(&core::array::from_fn(|k| by_limb[k][i])))
    }

    /// Words (64-bit limbs, as the tables store them) of eight integers
    /// below 2^(64N), word j of every lane in vector j, to limbs.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn words_to_limbs(&self, w: &[V; N]) -> X8<L> {
        words_to_limbs::<N, L>(w, Self::R, self.mask)
    }

    /// The same value in every lane (a constant such as 1).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn splat(&self, x: &[u64; N]) -> X8<L> {
        Self::limbs_of(x).map(|l| _mm512_set1_epi64(l as i64))
    }

    /// a + b (limbs add; no carry).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn add(&self, a: &X8<L>, b: &X8<L>) -> X8<L> {
        lane_add(a, b)
    }

    /// a - b as a + 8 (2^(RL) - c') - b; needs b's limbs below 2^(R+2).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn sub(&self, a: &X8<L>, b: &X8<L>) -> X8<L> {
        core::array::from_fn(|k| _mm512_sub_epi64(_mm512_add_epi64(a[k], self.bias[k]), b[k]))
    }

    /// [`Self::sub`] under the name the Jacobian comb shares with
    /// [`MontX8::sub_wide`]: here only limbs matter, and a carried value's
    /// are below 2^(R+1).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn sub_wide(&self, a: &X8<L>, b: &X8<L>) -> X8<L> {
        self.sub(a, b)
    }

    /// One in every lane.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn one(&self) -> X8<L> {
        let mut one = [0u64; N];
        one[0] = 1;
        self.splat(&one)
    }

    /// [`Self::unpack`]: elements are stored as themselves here, so the
    /// scalar field's form is the reduced integer.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn unpack_fe(&self, v: &X8<L>) -> [[u64; N]; 8] {
        self.unpack(v)
    }

    /// -a in the lanes whose bit is set in `negate`, a elsewhere; a's limbs
    /// below 2^(R+2). A mask blend: no branch on `negate`.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn cond_neg(&self, a: &X8<L>, negate: __mmask8) -> X8<L> {
        core::array::from_fn(|k| {
            let neg = _mm512_sub_epi64(self.bias[k], a[k]);
            _mm512_mask_blend_epi64(negate, a[k], neg)
        })
    }

    /// One parallel carry pass: limbs below 2^52 become limbs below
    /// 2^R + 2^(52-R) (so below 2^(R+1), like a product's), the carry out
    /// of the top limb times c' going into limb 0.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn carry(&self, a: &X8<L>) -> X8<L> {
        let r = _mm512_set1_epi64(Self::R as i64);
        let carries: [V; L] = core::array::from_fn(|k| _mm512_srlv_epi64(a[k], r));
        core::array::from_fn(|k| {
            let incoming = if k == 0 {
                _mm512_mul_epu32(carries[L - 1], self.fold)
            } else {
                carries[k - 1]
            };
            _mm512_add_epi64(_mm512_and_si512(a[k], self.mask), incoming)
        })
    }

    /// Lanes whose bit is set in `take` from `b`, the others from `a`.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn blend(&self, a: &X8<L>, b: &X8<L>, take: __mmask8) -> X8<L> {
        lane_blend(a, b, take)
    }

    /// Lane-wise a * b mod p; inputs' limbs below 2^51, output's below
    /// 2^(R+1).
    ///
    /// The generated kernel (`ifma_kernels.rs`, `mul_v6` / `mul_v11`):
    /// 1. schoolbook by columns: the product of limbs i and j puts its low
    ///    52 bits in column i + j and its high bits, which weigh 2^(52 - R)
    ///    times a limb there, shifted left by 52 - R into column i + j + 1.
    ///    With inputs below 2^51 a high part is below 2^50, shifted below
    ///    2^59 (L = 6) or 2^55 (L = 11); a column sums at most L of each
    ///    kind: below 2^62.1 or 2^59.6;
    /// 2. the high columns L..2L carried once (each below 2^R + 2^21), the
    ///    carry out of the top one (weight 2^(2RL) = c' 2^(RL)) times c'
    ///    into the first of them;
    /// 3. the fold: column L + k weighs c' 2^(Rk), and high * c' (below
    ///    2^(R+1) * 2^18) plus a low column stays below 2^64;
    /// 4. one parallel carry pass: limbs below 2^R + 2^21, and the top
    ///    carry (below 2^21) times c' (below 2^18) into limb 0.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn mul(&self, a: &X8<L>, b: &X8<L>) -> X8<L> {
        // L is 6 or 11 (checked in `new`); the conversions between [V; L]
        // and the kernels' fixed arrays compile to nothing.
        if L == 6 {
            let r = kernels::mul_v6(
                a[..].try_into().expect("6 limbs"),
                b[..].try_into().expect("6 limbs"),
                self.mask,
                self.fold,
            );
            core::array::from_fn(|k| r[k])
        } else {
            let r = kernels::mul_v11(
                a[..].try_into().expect("11 limbs"),
                b[..].try_into().expect("11 limbs"),
                self.mask,
                self.fold,
            );
            core::array::from_fn(|k| r[k])
        }
    }

    /// Lane-wise a^2 mod p (same bounds as [`Self::mul`]).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn square(&self, a: &X8<L>) -> X8<L> {
        self.mul(a, a)
    }
}

/// The limb count and radix of [`MontX8`] for N-word moduli: 2^(RL) is
/// 2^14 (N = 4) or 2^16 (N = 8) times 2^(64N), the headroom its lazy
/// reduction needs (see [`MontX8::mul`]).
pub(crate) const fn mont_shape(n: usize) -> (usize, u32) {
    match n {
        4 => (6, 45),
        8 => (12, 44),
        _ => panic!("MontX8 takes 4- or 8-word elements"),
    }
}

/// 2^(RL) mod p for [`MontX8`]'s shape: one in its form, and the factor
/// that takes a scalar-field element (x 2^(64N) mod p) to it under the
/// scalar field's product. For a Montgomery-form field (no special prime)
/// 2^(64N) mod p is the scalar field's one; doubling it RL - 64N times
/// gives 2^(RL).
pub(crate) fn montgomery_one<const N: usize>(field: &MontField<N>) -> [u64; N] {
    let (l, r) = mont_shape(N);
    assert!(field.special_c() == 0, "special primes use FieldX8");
    let mut one = field.one();
    for _ in 0..(r as usize * l - 64 * N) {
        one = field.add(&one, &one);
    }
    one.0
}

/// Bits `bit..bit + width` of a little-endian word string (zero past its
/// end); set-up code on public constants.
fn bits_at(x: &[u64], bit: usize, width: u32) -> u64 {
    let (word, off) = (bit / 64, bit % 64);
    let mut v = if word < x.len() { x[word] >> off } else { 0 };
    if off != 0 && word + 1 < x.len() {
        v |= x[word + 1] << (64 - off);
    }
    if width >= 64 {
        v
    } else {
        v & ((1u64 << width) - 1)
    }
}

/// Limbs of the largest [`mont_shape`].
const MAX_MONT_LIMBS: usize = 12;

/// [`MontX8`]'s constants for one modulus as plain words, computed once
/// per curve (the biases take a few dozen multi-word additions) and put
/// in registers by [`MontX8::new`] for each group of eight.
pub(crate) struct MontConstants<const N: usize> {
    /// p in radix-2^R limbs (the first L used).
    p: [u64; MAX_MONT_LIMBS],
    /// -p^-1 mod 2^R.
    p_inv: u64,
    /// B1 and B2 in the raised limb form of [`MontX8`]'s doc.
    b1: [u64; MAX_MONT_LIMBS],
    b2: [u64; MAX_MONT_LIMBS],
    /// 2^(RL) mod p: one, in the lanes' form.
    pub(crate) one: [u64; N],
    /// 2^(64N) mod p: what turns the lanes' form into the scalar field's.
    to_scalar: [u64; N],
    modulus: [u64; N],
}

impl<const N: usize> MontConstants<N> {
    /// The constants for `field` (odd modulus below 2^(64N) - 2^(64N-9)).
    pub(crate) fn new(field: &MontField<N>) -> Self {
        let m = *field.modulus();
        let top_room = m[N - 1] < u64::MAX - (1 << 55);
        assert!(
            m[0] & 1 == 1 && top_room && field.special_c() == 0,
            "MontX8 needs an odd modulus below 2^(64N) - 2^(64N-9), not a special one"
        );
        let (l, r) = mont_shape(N);
        let mask = (1u64 << r) - 1;
        let limbs = |x: &[u64], top_width: u32| -> [u64; MAX_MONT_LIMBS] {
            core::array::from_fn(|k| {
                let width = if k + 1 < l { r } else { top_width };
                if k < l {
                    bits_at(x, r as usize * k, width)
                } else {
                    0
                }
            })
        };
        let bias = |at_least: &[u64]| -> [u64; MAX_MONT_LIMBS] {
            // The least multiple k p with k p >= at_least (N + 1 words).
            let mut multiple = [0u64; 9];
            loop {
                let mut carry = 0u64;
                for (i, slot) in multiple.iter_mut().enumerate().take(N + 1) {
                    let add = if i < N { m[i] } else { 0 };
                    (*slot, carry) = limbs::adc(*slot, add, carry);
                }
                let reached = (0..=N)
                    .rev()
                    .find(|&i| multiple[i] != at_least[i])
                    .is_none_or(|i| multiple[i] > at_least[i]);
                if reached {
                    break;
                }
            }
            let mut out = limbs(&multiple[..=N], 64);
            // Every limb but the top one raised by 2^(R+2), paid for by 4
            // off the next.
            for (k, limb) in out.iter_mut().enumerate().take(l) {
                if k + 1 < l {
                    *limb += 4 << r;
                }
                if k > 0 {
                    *limb -= 4;
                }
            }
            out
        };
        let mut b1_floor = [0u64; 9];
        b1_floor[N] = 1 << 4; // 2^(M+4)
        let mut b2_floor = [0u64; 9];
        b2_floor[N] = (1 << 5) + 1; // 2^(M+5) + 2^M
        MontConstants {
            p: limbs(&m, r),
            p_inv: limbs::inverse_mod_2_64(m[0]).wrapping_neg() & mask,
            b1: bias(&b1_floor[..=N]),
            b2: bias(&b2_floor[..=N]),
            one: montgomery_one(field),
            to_scalar: field.one().0,
            modulus: m,
        }
    }
}

/// Eight independent elements modulo any odd `p` below `2^(64N) - 2^(64N-9)`
/// in Montgomery form: lane value `x * 2^(RL) mod p` (loosely), `L` limbs
/// of radix `2^R` from [`mont_shape`]. For the curves whose prime has no
/// special form (CryptoPro-B and -C, tc26-512-B).
///
/// Unlike [`FieldX8`], whose fold keeps every limb small whatever the
/// value, a Montgomery product only shrinks values it is given small
/// enough, so this type tracks values as well as limbs (M = 64N):
///
/// * a product of a and b is below `a b / 2^(RL) + p`: below `2^(M+1)`
///   when `a b <= 2^(2M+14)`, its limbs below `2^(R+1)`;
/// * [`Self::sub`] adds `B1`, the least multiple of p not below
///   `2^(M+4)`, and takes subtrahends below `2^(M+3)`;
///   [`Self::sub_wide`] adds `B2`, the least not below `2^(M+5) + 2^M`,
///   and takes subtrahends below `2^(M+4) + 2^(M+2)`; both need the
///   subtrahend's limbs (except the top one) below `2^(R+2) - 4`. The
///   biases are written with every limb but the top one raised by
///   `2^(R+2)` (and the next one lowered by 4 to pay for it), so the
///   difference never goes negative limb by limb;
/// * [`Self::carry`] keeps the value and brings all limbs but the top one
///   below `2^R + 2^(64-R)`; the top one holds what the value leaves.
///
/// `curve::x86_64::comb_ifma_x8` states the bounds at each step of its addition.
pub(crate) struct MontX8<const N: usize, const L: usize> {
    mask: V,
    p: [V; L],
    /// -p^-1 mod 2^R.
    p_inv: V,
    b1: [V; L],
    b2: [V; L],
    /// 2^(RL) mod p: one, in this form.
    one: [u64; N],
    /// 2^(64N) mod p: what turns this form into the scalar field's.
    to_scalar: [u64; N],
    modulus: [u64; N],
}

impl<const N: usize, const L: usize> MontX8<N, L> {
    const R: u32 = mont_shape(N).1;

    /// The lane constants of `consts` (see [`MontConstants`]), in registers.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn new(_: Ifma, consts: &MontConstants<N>) -> Self {
        assert!(
            L == mont_shape(N).0,
            "MontX8 has the limb count of mont_shape"
        );
        let splat = |limbs: &[u64; MAX_MONT_LIMBS]| -> [V; L] {
            core::array::from_fn(|k| _mm512_set1_epi64(limbs[k] as i64))
        };
        MontX8 {
            mask: _mm512_set1_epi64(((1u64 << Self::R) - 1) as i64),
            p: splat(&consts.p),
            p_inv: _mm512_set1_epi64(consts.p_inv as i64),
            b1: splat(&consts.b1),
            b2: splat(&consts.b2),
            one: consts.one,
            to_scalar: consts.to_scalar,
            modulus: consts.modulus,
        }
    }

    /// Radix-2^R limbs of an integer below 2^(64N).
    fn limbs_of(x: &[u64; N]) -> [u64; L] {
        core::array::from_fn(|k| bits_at(x, Self::R as usize * k, Self::R))
    }

    /// The same raw value (already in this form) in every lane.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn splat(&self, x: &[u64; N]) -> X8<L> {
        Self::limbs_of(x).map(|l| _mm512_set1_epi64(l as i64))
    }

    /// One in every lane (2^(RL) mod p).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn one(&self) -> X8<L> {
        self.splat(&self.one)
    }

    /// Words of eight integers below 2^(64N) (word j of every lane in
    /// vector j) to limbs.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn words_to_limbs(&self, w: &[V; N]) -> X8<L> {
        words_to_limbs::<N, L>(w, Self::R, self.mask)
    }

    /// a + b (limbs add; no carry).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn add(&self, a: &X8<L>, b: &X8<L>) -> X8<L> {
        lane_add(a, b)
    }

    /// a + B1 - b, for b below 2^(M+3) (see the type's doc).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn sub(&self, a: &X8<L>, b: &X8<L>) -> X8<L> {
        core::array::from_fn(|k| _mm512_sub_epi64(_mm512_add_epi64(a[k], self.b1[k]), b[k]))
    }

    /// a + B2 - b, for b below 2^(M+4) + 2^(M+2).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn sub_wide(&self, a: &X8<L>, b: &X8<L>) -> X8<L> {
        core::array::from_fn(|k| _mm512_sub_epi64(_mm512_add_epi64(a[k], self.b2[k]), b[k]))
    }

    /// B1 - a in the lanes whose bit is set in `negate`, a elsewhere.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn cond_neg(&self, a: &X8<L>, negate: __mmask8) -> X8<L> {
        core::array::from_fn(|k| {
            let neg = _mm512_sub_epi64(self.b1[k], a[k]);
            _mm512_mask_blend_epi64(negate, a[k], neg)
        })
    }

    /// One parallel carry pass that keeps the value: every limb but the
    /// top one below 2^R + 2^(64-R), the top one taking the carry in.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn carry(&self, a: &X8<L>) -> X8<L> {
        let r = _mm512_set1_epi64(Self::R as i64);
        core::array::from_fn(|k| {
            let kept = if k + 1 < L {
                _mm512_and_si512(a[k], self.mask)
            } else {
                a[k]
            };
            if k == 0 {
                kept
            } else {
                _mm512_add_epi64(kept, _mm512_srlv_epi64(a[k - 1], r))
            }
        })
    }

    /// Lanes whose bit is set in `take` from `b`, the others from `a`.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn blend(&self, a: &X8<L>, b: &X8<L>, take: __mmask8) -> X8<L> {
        lane_blend(a, b, take)
    }

    /// Lane-wise a b / 2^(RL) mod p (loosely: below a b / 2^(RL) + p);
    /// inputs' limbs below 2^51.
    ///
    /// The generated kernel (`mont_v6` / `mont_v12`): the product columns
    /// as in [`FieldX8::mul`] (below 2^59.7 or 2^61.7), then L Montgomery
    /// steps: m = (column i mod 2^R) (-p^-1) mod 2^R, m p added at column
    /// i (low halves at once, high halves, which weigh 2^(52-R) a limb of
    /// the next column, gathered apart and shifted in when their column is
    /// reached), column i, now a multiple of 2^R, carried into i + 1. Each
    /// step adds at most L low halves (2^52 each) to a column, so columns
    /// stay below 2^62. Columns L..2L are the result, carried once.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn mul(&self, a: &X8<L>, b: &X8<L>) -> X8<L> {
        if L == 6 {
            let r = kernels::mont_v6(
                a[..].try_into().expect("6 limbs"),
                b[..].try_into().expect("6 limbs"),
                self.p[..].try_into().expect("6 limbs"),
                self.p_inv,
                self.mask,
            );
            core::array::from_fn(|k| r[k])
        } else {
            let r = kernels::mont_v12(
                a[..].try_into().expect("12 limbs"),
                b[..].try_into().expect("12 limbs"),
                self.p[..].try_into().expect("12 limbs"),
                self.p_inv,
                self.mask,
            );
            core::array::from_fn(|k| r[k])
        }
    }

    /// Lane-wise a^2 (same bounds as [`Self::mul`]).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    #[inline]
    pub(crate) fn square(&self, a: &X8<L>) -> X8<L> {
        self.mul(a, a)
    }

    /// The eight lanes (values below 2^(M+5)) in the scalar field's form
    /// (x 2^(64N) mod p, reduced), in constant time: a product by
    /// 2^(64N) mod p leaves x 2^(64N) below p + 2^(M-9) < 2p, then one
    /// conditional subtraction.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub(crate) fn unpack_fe(&self, v: &X8<L>) -> [[u64; N]; 8] {
        let scalar = self.carry(&self.mul(v, &self.splat(&self.to_scalar)));
        let by_limb: [[u64; 8]; L] = core::array::from_fn(|k| vector_to_lanes(scalar[k]));
        core::array::from_fn(|lane| {
            let mut acc = [0u64; N];
            for (k, limbs_k) in by_limb.iter().enumerate() {
                let (word, off) = ((Self::R as usize * k) / 64, (Self::R as usize * k) % 64);
                let wide = (limbs_k[lane] as u128) << off;
                let mut carry = 0u64;
                for (i, slot) in acc.iter_mut().enumerate().skip(word) {
                    let part = match i - word {
                        0 => wide as u64,
                        1 => (wide >> 64) as u64,
                        _ => 0,
                    };
                    (*slot, carry) = limbs::adc(*slot, part, carry);
                }
            }
            let (minus_p, borrow) = limbs::sub(&acc, &self.modulus);
            limbs::select(borrow.wrapping_neg(), &acc, &minus_p)
        })
    }
}

/// Words (64-bit limbs, as the tables store them) of eight integers
/// below 2^(64N), word j of every lane in vector j, to radix-2^r limbs.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn words_to_limbs<const N: usize, const L: usize>(w: &[V; N], r: u32, mask: V) -> X8<L> {
    core::array::from_fn(|k| {
        let bit = r as usize * k;
        let (word, off) = (bit / 64, bit % 64);
        let mut v = if word < N {
            _mm512_srlv_epi64(w[word], _mm512_set1_epi64(off as i64))
        } else {
            _mm512_setzero_si512()
        };
        if off != 0 && word + 1 < N {
            let up = _mm512_sllv_epi64(w[word + 1], _mm512_set1_epi64((64 - off) as i64));
            v = _mm512_or_si512(v, up);
        }
        _mm512_and_si512(v, mask)
    })
}

/// a + b limb by limb, no carry.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn lane_add<const L: usize>(a: &X8<L>, b: &X8<L>) -> X8<L> {
    core::array::from_fn(|k| _mm512_add_epi64(a[k], b[k]))
}

/// Lanes whose bit is set in `take` from `b`, the others from `a`.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn lane_blend<const L: usize>(a: &X8<L>, b: &X8<L>, take: __mmask8) -> X8<L> {
    core::array::from_fn(|k| _mm512_mask_blend_epi64(take, a[k], b[k]))
}

/// Eight words into the lanes of one vector (lane i = `w[i]`).
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
pub(crate) fn lanes_to_vector(w: &[u64; 8]) -> V {
    _mm512_set_epi64(
        w[7] as i64,
        w[6] as i64,
        w[5] as i64,
        w[4] as i64,
        w[3] as i64,
        w[2] as i64,
        w[1] as i64,
        w[0] as i64,
    )
}

/// The eight lanes of a vector.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
pub(crate) fn vector_to_lanes(v: V) -> [u64; 8] {
    let low = _mm512_castsi512_si256(v);
    let high = _mm512_extracti64x4_epi64::<1>(v);
    [
        _mm256_extract_epi64::<0>(low) as u64,
        _mm256_extract_epi64::<1>(low) as u64,
        _mm256_extract_epi64::<2>(low) as u64,
        _mm256_extract_epi64::<3>(low) as u64,
        _mm256_extract_epi64::<0>(high) as u64,
        _mm256_extract_epi64::<1>(high) as u64,
        _mm256_extract_epi64::<2>(high) as u64,
        _mm256_extract_epi64::<3>(high) as u64,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{AnyCurve, CurveId};
    use crate::field::Fe;

    /// Eight-lane products, squares, sums, differences and conditional
    /// negations against the scalar field, on random and edge values, and
    /// on loose inputs whose limbs sit at the allowed maximum (2^51 - 1
    /// for products, 2^(R+2) - 1 for subtrahends).
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    fn check<const N: usize, const L: usize>(ifma: Ifma, f: &MontField<N>) {
        let fx = FieldX8::<N, L>::new(ifma, f);
        let r = FieldX8::<N, L>::R;
        let m = *f.modulus();
        let mut one = [0u64; N];
        one[0] = 1;
        let mut values: Vec<[u64; N]> = vec![
            [0; N],
            [u64::MAX; N],
            m,
            limbs::sub_small(&m, 1).0,
            one,
            limbs::add_small(&m, 1).0,
            [1u64 << 63; N],
            [0x5555_5555_5555_5555; N],
        ];
        let mut x = [0x243f_6a88_85a3_08d3u64; N];
        for round in 0..56u64 {
            for (i, w) in x.iter_mut().enumerate() {
                *w = w
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407 ^ (round + i as u64));
            }
            values.push(x);
        }
        // The scalar reference: reduced inputs, reduced results.
        let reduce = |v: &[u64; N]| -> Fe<N> { Fe(fx.reduce_limbs(&FieldX8::<N, L>::limbs_of(v))) };
        let loose_int = |bits: u32| -> Fe<N> { Fe(fx.reduce_limbs(&[(1u64 << bits) - 1; L])) };
        let loose = |bits: u32| -> X8<L> { [_mm512_set1_epi64(((1u64 << bits) - 1) as i64); L] };
        let (big, big_int) = (loose(51), loose_int(51));
        let (sub_big, sub_int) = (loose(r + 2), loose_int(r + 2));
        for chunk in values.chunks_exact(8) {
            let lanes: [[u64; N]; 8] = core::array::from_fn(|i| chunk[i]);
            let a = fx.pack(&lanes);
            for (rot, other) in values.chunks_exact(8).enumerate() {
                let others: [[u64; N]; 8] = core::array::from_fn(|i| other[(i + rot) % 8]);
                let b = fx.pack(&others);
                let prod = fx.unpack(&fx.mul(&a, &b));
                let sum = fx.unpack(&fx.add(&a, &b));
                let diff = fx.unpack(&fx.sub(&a, &b));
                let neg = fx.unpack(&fx.cond_neg(&a, 0b1010_0110));
                for i in 0..8 {
                    let (ai, bi) = (reduce(&lanes[i]), reduce(&others[i]));
                    assert_eq!(Fe(prod[i]), f.mul(&ai, &bi), "mul");
                    assert_eq!(Fe(sum[i]), f.add(&ai, &bi), "add");
                    assert_eq!(Fe(diff[i]), f.sub(&ai, &bi), "sub");
                    let want = if 0b1010_0110 >> i & 1 == 1 {
                        f.neg(&ai)
                    } else {
                        ai
                    };
                    assert_eq!(Fe(neg[i]), want, "cond_neg");
                }
            }
            let sq = fx.unpack(&fx.square(&a));
            let prod = fx.unpack(&fx.mul(&big, &a));
            let prod2 = fx.unpack(&fx.mul(&a, &big));
            let diff = fx.unpack(&fx.sub(&a, &sub_big));
            // The table words go in through `words_to_limbs`, as in the scan.
            let words: [V; N] =
                core::array::from_fn(|j| lanes_to_vector(&core::array::from_fn(|i| lanes[i][j])));
            let via_words = fx.unpack(&fx.words_to_limbs(&words));
            let carried = fx.unpack(&fx.carry(&big));
            let blended = fx.unpack(&fx.blend(&a, &big, 0b0110_1001));
            for i in 0..8 {
                let ai = reduce(&lanes[i]);
                assert_eq!(Fe(sq[i]), f.square(&ai), "square");
                let want = f.mul(&big_int, &ai);
                assert_eq!(Fe(prod[i]), want, "mul at the bound");
                assert_eq!(Fe(prod2[i]), want, "mul at the bound");
                assert_eq!(Fe(diff[i]), f.sub(&ai, &sub_int), "sub, largest subtrahend");
                assert_eq!(Fe(via_words[i]), ai, "words_to_limbs");
                assert_eq!(Fe(carried[i]), big_int, "carry");
                let want = if 0b0110_1001 >> i & 1 == 1 {
                    big_int
                } else {
                    ai
                };
                assert_eq!(Fe(blended[i]), want, "blend");
            }
        }
        let sq = fx.unpack(&fx.square(&big));
        assert_eq!(Fe(sq[0]), f.square(&big_int), "square at the bound");
        // The reduction itself against the public field's, which is
        // checked elsewhere against plain integer arithmetic.
        let p = f.public();
        for v in &values {
            assert_eq!(
                Fe(fx.reduce_limbs(&FieldX8::<N, L>::limbs_of(v))),
                p.canonical(&Fe(*v))
            );
        }
    }

    /// The Montgomery lanes against the scalar field: elements enter as
    /// the curve's table does (the scalar product by 2^(RL) mod p) and
    /// leave through `unpack_fe`, so each operation is compared in the
    /// scalar field's own form. Then values at the bounds the comb relies
    /// on (see `curve::x86_64::comb_ifma_x8`): the largest accumulator coordinate, r and
    /// h, built from limbs at their maximum, through products, both
    /// subtractions and the carry.
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    fn check_montgomery<const N: usize, const L: usize>(ifma: Ifma, f: &MontField<N>) {
        let fx = MontX8::<N, L>::new(ifma, &MontConstants::new(f));
        let r = MontX8::<N, L>::R;
        let factor = Fe(montgomery_one(f));
        let m = *f.modulus();
        let mut values: Vec<Fe<N>> = vec![
            Fe([0; N]),
            f.one(),
            Fe(limbs::sub_small(&m, 1).0),
            Fe(limbs::sub_small(&m, 2).0),
        ];
        let mut x = [0x1234_5678_9abc_def1u64; N];
        for round in 0..60u64 {
            for (i, w) in x.iter_mut().enumerate() {
                *w = w
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407 ^ (round + 7 * i as u64));
            }
            values.push(f.to_mont(&x));
        }
        let enter = |chunk: &[Fe<N>]| -> X8<L> {
            let raw: [[u64; N]; 8] = core::array::from_fn(|i| f.mul(&chunk[i], &factor).0);
            let words: [V; N] =
                core::array::from_fn(|j| lanes_to_vector(&core::array::from_fn(|i| raw[i][j])));
            fx.words_to_limbs(&words)
        };
        for chunk in values.chunks_exact(8) {
            let a = enter(chunk);
            for (rot, other) in values.chunks_exact(8).enumerate() {
                let others: Vec<Fe<N>> = (0..8).map(|i| other[(i + rot) % 8]).collect();
                let b = enter(&others);
                let prod = fx.unpack_fe(&fx.mul(&a, &b));
                let sum = fx.unpack_fe(&fx.add(&a, &b));
                let diff = fx.unpack_fe(&fx.sub(&a, &b));
                let wide = fx.unpack_fe(&fx.sub_wide(&a, &b));
                let neg = fx.unpack_fe(&fx.carry(&fx.cond_neg(&a, 0b0101_1100)));
                for i in 0..8 {
                    let (ai, bi) = (chunk[i], others[i]);
                    assert_eq!(Fe(prod[i]), f.mul(&ai, &bi), "mul");
                    assert_eq!(Fe(sum[i]), f.add(&ai, &bi), "add");
                    assert_eq!(Fe(diff[i]), f.sub(&ai, &bi), "sub");
                    assert_eq!(Fe(wide[i]), f.sub(&ai, &bi), "sub_wide");
                    let want = if 0b0101_1100 >> i & 1 == 1 {
                        f.neg(&ai)
                    } else {
                        ai
                    };
                    assert_eq!(Fe(neg[i]), want, "cond_neg");
                }
            }
            // At the bounds. `loose(top)`: lower limbs 2^(R+1) - 1, top
            // limb `top`; its value is about top * 2^(R(L-1)).
            let shift = r as usize * (L - 1);
            let loose = |top: u64| -> X8<L> {
                core::array::from_fn(|k| {
                    let limb = if k + 1 < L {
                        (1u64 << (r + 1)) - 1
                    } else {
                        top
                    };
                    _mm512_set1_epi64(limb as i64)
                })
            };
            // The accumulator's bound 2^(M+4) + 2^(M+2) (minus a margin
            // for the lower limbs), r's 2^(M+6.17) and h's 2^(M+5.17).
            let acc_max = loose(((1u64 << 4) + (1 << 2) - 1) << (64 * N - shift));
            let r_max = loose(((1u64 << 6) + (1 << 3) - 1) << (64 * N - shift));
            let h_max = loose(((1u64 << 5) + (1 << 2) - 1) << (64 * N - shift));
            let lane0 = |v: &X8<L>| Fe(fx.unpack_fe(v)[0]);
            let (acc_s, r_s, h_s) = (lane0(&acc_max), lane0(&r_max), lane0(&h_max));
            assert_eq!(lane0(&fx.square(&r_max)), f.square(&r_s), "r^2");
            assert_eq!(lane0(&fx.mul(&r_max, &h_max)), f.mul(&r_s, &h_s), "r h");
            assert_eq!(lane0(&fx.square(&h_max)), f.square(&h_s), "h^2");
            assert_eq!(
                lane0(&fx.mul(&acc_max, &a)),
                f.mul(&acc_s, &chunk[0]),
                "acc a"
            );
            assert_eq!(
                lane0(&fx.sub_wide(&a, &fx.carry(&acc_max))),
                f.sub(&chunk[0], &acc_s),
                "sub_wide, largest subtrahend"
            );
            // The largest `sub` subtrahend: three products' worth.
            let three = fx.add(&fx.add(&a, &a), &a);
            let three_s = f.add(&f.add(&chunk[0], &chunk[0]), &chunk[0]);
            let p = fx.mul(&a, &fx.one());
            let p3 = fx.add(&fx.add(&p, &p), &p);
            assert_eq!(
                lane0(&fx.sub(&three, &p3)),
                f.sub(&three_s, &three_s),
                "sub"
            );
            assert_eq!(lane0(&fx.carry(&r_max)), r_s, "carry keeps the value");
        }
    }

    #[test]
    fn montgomery_lanes_agree_with_scalar() {
        let Some(ifma) = Ifma::get() else {
            crate::cpu::skipped(
                "field::x86_64::ifma_x8::tests::montgomery_lanes_agree_with_scalar",
                "no AVX-512 IFMA",
            );
            return;
        };
        for id in [CurveId::CryptoProB, CurveId::CryptoProC, CurveId::Tc26_512B] {
            // SAFETY: `ifma` comes from `cpu::Ifma::get`.
            #[allow(unsafe_code)]
            match id.curve() {
                AnyCurve::W4(c) => unsafe { check_montgomery::<4, 6>(ifma, &c.fp) },
                AnyCurve::W8(c) => unsafe { check_montgomery::<8, 12>(ifma, &c.fp) },
            }
        }
    }

    #[test]
    fn eight_lane_arithmetic_agrees_with_scalar() {
        let Some(ifma) = Ifma::get() else {
            crate::cpu::skipped(
                "field::x86_64::ifma_x8::tests::eight_lane_arithmetic_agrees_with_scalar",
                "no AVX-512 IFMA",
            );
            return;
        };
        let AnyCurve::W4(c4) = CurveId::Tc26_256A.curve() else {
            unreachable!()
        };
        let AnyCurve::W8(c8) = CurveId::Tc26_512C.curve() else {
            unreachable!()
        };
        // SAFETY: `ifma` comes from `cpu::Ifma::get`, so the CPU has the
        // features `check` is compiled for.
        #[allow(unsafe_code)]
        unsafe {
            check::<4, 6>(ifma, &c4.fp);
            check::<8, 11>(ifma, &c8.fp);
        }
    }
}
