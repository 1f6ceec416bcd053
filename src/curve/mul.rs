//! Scalar multiplication strategies.
//!
//! * [`Curve::mul_base`]: k*G for secret k. The scalar is recoded into signed
//!   radix-16 digits d_i in [-8, 8] with k = sum d_i * 16^i, and
//!   k*G = sum d_i * (16^i G) is accumulated from a table holding
//!   j * 16^i * G for j = 1..8. Each digit's entry is found by scanning all
//!   eight entries with a constant-time select, negated with a
//!   constant-time conditional negation, and added with complete formulas;
//!   a zero digit adds anyway and the result is discarded by a select. The
//!   sequence of instructions and memory addresses is the same for every k.
//! * [`Curve::mul_vartime`], [`Curve::mul_base_vartime`]: for public scalars
//!   (verification, public-key checks): same digits, table entries read by
//!   index, zero digits skipped.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::Curve;
use super::point::{AffinePoint, ProjectivePoint};

/// Signed digits of a scalar: 16 per limb plus one carry digit.
const MAX_DIGITS: usize = 16 * 8 + 1;

/// Recodes k (< 2^(64N)) into `16N + 1` signed radix-16 digits in [-8, 8),
/// the last one in {0, 1}. Branch-free.
pub(crate) fn recode_signed_radix16<const N: usize>(k: &[u64; N]) -> [i8; MAX_DIGITS] {
    let mut digits = [0i8; MAX_DIGITS];
    let mut carry = 0u8;
    for i in 0..16 * N {
        let nibble = ((k[i / 16] >> (4 * (i % 16))) & 0xf) as u8;
        let v = nibble + carry; // 0..=16
        // carry = 1 exactly when v >= 8; then the digit is v - 16.
        carry = (v + 8) >> 4;
        digits[i] = (v as i8).wrapping_sub((carry << 4) as i8);
    }
    digits[16 * N] = carry as i8;
    digits
}

/// |d| and the sign bit of a digit, branch-free.
#[inline(always)]
fn abs_and_sign(d: i8) -> (u8, Choice) {
    let sign = (d >> 7) as u8; // 0x00 or 0xff
    let abs = ((d as u8) ^ sign).wrapping_sub(sign);
    (abs, Choice::from(sign & 1))
}

/// Precomputed j * 16^i * G, j = 1..8, for every digit position i.
pub(crate) struct BaseTable<const N: usize> {
    windows: Vec<[AffinePoint<N>; 8]>,
}

impl<const N: usize> BaseTable<N> {
    pub(crate) fn new(c: &Curve<N>) -> Self {
        let positions = 16 * N + 1;
        let mut projective = Vec::with_capacity(positions * 8);
        let mut base = c.to_projective(&c.g);
        for _ in 0..positions {
            let mut multiple = base;
            for j in 0..8 {
                projective.push(multiple);
                if j < 7 {
                    multiple = c.add(&multiple, &base);
                }
            }
            for _ in 0..4 {
                base = c.double(&base);
            }
        }
        let affine = c.batch_to_affine(&projective);
        let windows = affine
            .chunks_exact(8)
            .map(|w| {
                let mut row = [AffinePoint::default(); 8];
                row.copy_from_slice(w);
                row
            })
            .collect();
        BaseTable { windows }
    }

    /// The entry |d| * 16^i * G (sign applied), by a full scan: every entry
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
        let mut digits = recode_signed_radix16(k);
        let mut acc = self.identity();
        for (i, &digit) in digits.iter().enumerate().take(16 * N + 1) {
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
        let digits = recode_signed_radix16(k);
        let mut acc = self.identity();
        for (i, &d) in digits.iter().enumerate().take(16 * N + 1) {
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
        for &d in digits[..16 * N + 1].iter().rev() {
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

    fn recombine<const N: usize>(digits: &[i8]) -> Vec<i128> {
        // Evaluate sum d_i 16^i limb-wise is awkward; check small values instead.
        let _ = N;
        digits.iter().map(|&d| d as i128).collect()
    }

    #[test]
    fn recoding_small_values() {
        for v in [0u64, 1, 7, 8, 9, 15, 16, 0x88, 0xffff, u64::MAX] {
            let digits = recode_signed_radix16(&[v, 0, 0, 0]);
            let d = recombine::<4>(&digits);
            let mut acc: i128 = 0;
            for (i, di) in d.iter().enumerate().take(20) {
                acc += di * 16i128.pow(i as u32);
            }
            assert_eq!(acc, v as i128, "value {v:#x}");
            assert!(d.iter().all(|&x| (-8..=8).contains(&x)));
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
