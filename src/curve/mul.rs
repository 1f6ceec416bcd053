//! Scalar multiplication strategies.
//!
//! * [`Curve::mul_base`]: k*G for secret k. The scalar is recoded into signed
//!   radix-64 digits d_i in [-32, 32] with k = sum d_i * 64^i, and
//!   k*G = sum d_i * (64^i G) is accumulated from a table holding
//!   j * 64^i * G for j = 1..32. Each digit's entry is found by scanning all
//!   32 entries with a constant-time select, negated with a
//!   constant-time conditional negation, and added with complete formulas;
//!   a zero digit adds anyway and the result is discarded by a select. The
//!   sequence of instructions and memory addresses is the same for every k.
//! * [`Curve::mul_vartime`], [`Curve::mul_base_vartime`]: for public scalars
//!   (verification, public-key checks): same digits, table entries read by
//!   index, zero digits skipped.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::Curve;
use super::point::{AffinePoint, ProjectivePoint};

/// Upper bound on the number of signed digits of a scalar (4-bit windows
/// on 512-bit scalars, plus a carry digit).
const MAX_DIGITS: usize = 16 * 8 + 1;

/// Window width of the fixed-base table: digits in [-32, 32].
pub(crate) const BASE_WINDOW: usize = 6;
/// Entries per window of the fixed-base table: 1..=32 times the base.
const BASE_ENTRIES: usize = 1 << (BASE_WINDOW - 1);

/// Number of signed digits of width `w` for an N-limb scalar.
pub(crate) const fn digit_count<const N: usize>(w: usize) -> usize {
    (64 * N).div_ceil(w) + 1
}

/// Recodes k (< 2^(64N)) into signed radix-2^w digits in [-2^(w-1), 2^(w-1)]
/// with k = sum d_i 2^(w i); the last digit is the carry, 0 or 1.
/// Branch-free in k; `w` (public) is at most 7.
pub(crate) fn recode_signed<const N: usize>(k: &[u64; N], w: usize) -> [i8; MAX_DIGITS] {
    let mut digits = [0i8; MAX_DIGITS];
    let count = digit_count::<N>(w);
    let mask = (1u64 << w) - 1;
    let mut carry = 0u64;
    for (i, digit) in digits.iter_mut().enumerate().take(count - 1) {
        let bit = i * w;
        let (limb, shift) = (bit / 64, bit % 64);
        // Bits of the window, taken across a limb boundary when needed.
        let mut bits = k[limb] >> shift;
        if shift + w > 64 && limb + 1 < N {
            bits |= k[limb + 1] << (64 - shift);
        }
        let v = (bits & mask) + carry; // 0 ..= 2^w
        // carry = 1 exactly when v >= 2^(w-1); then the digit is v - 2^w.
        carry = (v + (1 << (w - 1))) >> w;
        *digit = (v as i64 - (carry << w) as i64) as i8;
    }
    digits[count - 1] = carry as i8;
    digits
}

/// Signed radix-16 digits (4-bit windows), for the variable-base paths.
pub(crate) fn recode_signed_radix16<const N: usize>(k: &[u64; N]) -> [i8; MAX_DIGITS] {
    recode_signed(k, 4)
}

/// |d| and the sign bit of a digit, branch-free.
#[inline(always)]
fn abs_and_sign(d: i8) -> (u8, Choice) {
    let sign = (d >> 7) as u8; // 0x00 or 0xff
    let abs = ((d as u8) ^ sign).wrapping_sub(sign);
    (abs, Choice::from(sign & 1))
}

/// Precomputed j * 2^(6i) * G, j = 1..32, for every digit position i:
/// 44 windows (90 KiB) on 256-bit curves, 87 (356 KiB) on 512-bit ones.
pub(crate) struct BaseTable<const N: usize> {
    windows: Vec<[AffinePoint<N>; BASE_ENTRIES]>,
}

impl<const N: usize> BaseTable<N> {
    pub(crate) fn new(c: &Curve<N>) -> Self {
        let positions = digit_count::<N>(BASE_WINDOW);
        let mut projective = Vec::with_capacity(positions * BASE_ENTRIES);
        let mut base = c.to_projective(&c.g);
        for _ in 0..positions {
            let mut multiple = base;
            for j in 0..BASE_ENTRIES {
                projective.push(multiple);
                if j + 1 < BASE_ENTRIES {
                    multiple = c.add(&multiple, &base);
                }
            }
            for _ in 0..BASE_WINDOW {
                base = c.double(&base);
            }
        }
        let affine = c.batch_to_affine(&projective);
        let windows = affine
            .chunks_exact(BASE_ENTRIES)
            .map(|w| {
                let mut row = [AffinePoint::default(); BASE_ENTRIES];
                row.copy_from_slice(w);
                row
            })
            .collect();
        BaseTable { windows }
    }

    /// The entry |d| * 2^(6i) * G (sign applied), by a full scan: every entry
    /// is read and combined with a mask, whatever d is.
    #[inline(always)]
    fn select(&self, c: &Curve<N>, i: usize, d: i8) -> (AffinePoint<N>, Choice) {
        let (abs, negative) = abs_and_sign(d);
        let mut t = AffinePoint::default();
        for (j, entry) in self.windows[i].iter().enumerate() {
            t.conditional_assign(entry, abs.ct_eq(&(j as u8 + 1)));
        }
        t.y = c.fp.cond_neg(&t.y, negative);
        (t, !abs.ct_eq(&0))
    }
}

impl<const N: usize> Curve<N> {
    /// k*G in constant time (see the module documentation). k < 2^(64N).
    pub(crate) fn mul_base(&self, k: &[u64; N]) -> ProjectivePoint<N> {
        let table = self.base_table();
        let mut digits = recode_signed(k, BASE_WINDOW);
        let mut acc = self.identity();
        for (i, &digit) in digits
            .iter()
            .enumerate()
            .take(digit_count::<N>(BASE_WINDOW))
        {
            let (t, nonzero) = table.select(self, i, digit);
            let sum = self.add_mixed(&acc, &t);
            acc = ProjectivePoint::conditional_select(&acc, &sum, nonzero);
        }
        zeroize::Zeroize::zeroize(&mut digits);
        acc
    }

    /// k*G for a public k.
    pub(crate) fn mul_base_vartime(&self, k: &[u64; N]) -> ProjectivePoint<N> {
        let table = self.base_table();
        let digits = recode_signed(k, BASE_WINDOW);
        let mut acc = self.identity();
        for (i, &d) in digits
            .iter()
            .enumerate()
            .take(digit_count::<N>(BASE_WINDOW))
        {
            if d == 0 {
                continue;
            }
            let mut t = table.windows[i][(d.unsigned_abs() - 1) as usize];
            if d < 0 {
                t.y = self.fp.neg(&t.y);
            }
            acc = self.add_mixed(&acc, &t);
        }
        acc
    }

    /// k*P for public k and P: signed 4-bit window, most significant first.
    pub(crate) fn mul_vartime(&self, p: &ProjectivePoint<N>, k: &[u64; N]) -> ProjectivePoint<N> {
        let mut multiples = [*p; 8];
        for j in 1..8 {
            multiples[j] = self.add(&multiples[j - 1], p);
        }
        let digits = recode_signed_radix16(k);
        let mut acc = self.identity();
        let mut started = false;
        for &d in digits[..digit_count::<N>(4)].iter().rev() {
            if started {
                for _ in 0..4 {
                    acc = self.double(&acc);
                }
            }
            if d != 0 {
                let t = multiples[(d.unsigned_abs() - 1) as usize];
                let t = if d < 0 { self.negate(&t) } else { t };
                acc = self.add(&acc, &t);
                started = true;
            }
        }
        acc
    }

    /// a*G + b*P for public a, b, P (signature verification).
    pub(crate) fn double_mul_vartime(
        &self,
        a: &[u64; N],
        b: &[u64; N],
        p: &ProjectivePoint<N>,
    ) -> ProjectivePoint<N> {
        let ag = self.mul_base_vartime(a);
        let bp = self.mul_vartime(p, b);
        self.add(&ag, &bp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{AnyCurve, CurveId};

    #[test]
    fn recoding_reconstructs_the_scalar() {
        // Evaluate sum d_i 2^(w i) with i128 on two-limb values.
        for w in 4..=7 {
            for v in [
                0u64,
                1,
                31,
                32,
                33,
                63,
                64,
                0x8888,
                u64::MAX,
                0x0123_4567_89ab_cdef,
            ] {
                for hi in [0u64, 1, 5] {
                    let digits = recode_signed(&[v, hi], w);
                    let count = digit_count::<2>(w);
                    let mut acc: i128 = 0;
                    for i in (0..count).rev() {
                        acc = acc * (1i128 << w) + digits[i] as i128;
                    }
                    assert_eq!(acc, ((hi as i128) << 64) + v as i128, "w={w} v={v:#x}");
                    let bound = 1i8 << (w - 1);
                    assert!(
                        digits[..count]
                            .iter()
                            .all(|&d| (-bound..=bound).contains(&d))
                    );
                }
            }
        }
    }

    fn fixed_base_matches_ladder<const N: usize>(c: &Curve<N>) {
        let g = c.to_projective(&c.g);
        let mut k = [0u64; N];
        for round in 0..6u64 {
            for (i, limb) in k.iter_mut().enumerate() {
                *limb = (round + 1)
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    .rotate_left(i as u32 * 7 + round as u32);
            }
            if round == 0 {
                k = [u64::MAX; N]; // all digits carry
            }
            let ct = c.mul_base(&k);
            let vt = c.mul_vartime(&g, &k);
            let vb = c.mul_base_vartime(&k);
            assert!(c.eq_projective(&ct, &vt));
            assert!(c.eq_projective(&vb, &vt));
        }
        assert!(bool::from(c.is_identity(&c.mul_base(&[0; N]))));
    }

    #[test]
    fn fixed_base_agrees_with_variable_base() {
        for id in [CurveId::CryptoProA, CurveId::Tc26_256A, CurveId::Tc26_512C] {
            match id.curve() {
                AnyCurve::W4(c) => fixed_base_matches_ladder(c),
                AnyCurve::W8(c) => fixed_base_matches_ladder(c),
            }
        }
    }
}
