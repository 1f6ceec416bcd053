//! k*P for a variable point P: signed radix-16 digits, most significant
//! first, four doublings per digit.
//!
//! Why two versions: key agreement multiplies a public point by a secret
//! scalar ([`Curve::mul_ct`]: the digit's multiple of P from a table of
//! 1..8 P read by a full constant-time scan, the identity for a zero digit,
//! conditionally negated, added with complete formulas), while public-key
//! checks and tests multiply public values ([`Curve::mul_vartime`]: entries
//! read by index, zero digits skipped).

use super::recoding::{abs_and_sign, digit_count, recode_signed_radix16};
use super::scan_row;
use crate::curve::Curve;
use crate::curve::point::{AffinePoint, ProjectivePoint};
use crate::curve::scan::{CtEntry, Packed};

impl<const N: usize> Curve<N> {
    /// k*P for a secret k and a public P in the odd-order subgroup, in
    /// constant time (see the module documentation). k < 2^(64N).
    pub(crate) fn mul_ct(&self, p: &AffinePoint<N>, k: &[u64; N]) -> ProjectivePoint<N> {
        let base = self.to_projective(p);
        let mut multiples = [base; 8];
        for j in 1..8 {
            multiples[j] = self.add(&multiples[j - 1], &base);
        }
        let packed: [Packed<N, 3>; 8] = core::array::from_fn(|j| multiples[j].pack());
        let mut digits = recode_signed_radix16(k);
        let identity = self.identity();
        let mut acc = identity;
        for &d in digits[..digit_count::<N>(4)].iter().rev() {
            for _ in 0..4 {
                acc = self.double(&acc);
            }
            let (abs, negative) = abs_and_sign(d);
            let mut t = scan_row(&packed, abs, &identity);
            t.y = self.fp.cond_neg(&t.y, negative);
            acc = self.add(&acc, &t);
        }
        zeroize::Zeroize::zeroize(&mut digits);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{AnyCurve, CurveId};

    fn ct_variable_base_matches_vartime<const N: usize>(c: &Curve<N>) {
        let p = c
            .to_affine(&c.mul_vartime(&c.to_projective(&c.g), &[7; N]))
            .unwrap();
        let pp = c.to_projective(&p);
        let mut k = [0u64; N];
        for round in 0..6u64 {
            for (i, limb) in k.iter_mut().enumerate() {
                *limb = (round + 3)
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    .rotate_left(i as u32 * 11 + round as u32);
            }
            match round {
                0 => k = [u64::MAX; N],
                1 => k = [0; N],
                2 => k = *c.q(),
                _ => {}
            }
            assert!(c.eq_projective(&c.mul_ct(&p, &k), &c.mul_vartime(&pp, &k)));
        }
    }

    #[test]
    fn constant_time_variable_base_agrees_with_vartime() {
        for id in CurveId::ALL {
            match id.curve() {
                AnyCurve::W4(c) => ct_variable_base_matches_vartime(c),
                AnyCurve::W8(c) => ct_variable_base_matches_vartime(c),
            }
        }
    }
}
