//! The prime-order subgroup check of a public key: q*P by width-5 NAF.
//!
//! Why its own strategy: on the cofactor-4 Edwards curves a public key
//! comes fresh from its certificate at every CMS verification, and q*P in
//! the complete Edwards formulas costs about a third of the generic
//! variable-base multiplication.

use super::recoding::wnaf;
use super::vartime_forms::{Edw, Q_WIDTH, VarForm};
use crate::curve::Curve;
use crate::curve::point::AffinePoint;

impl<const N: usize> Curve<N> {
    /// Whether `p`, a point on the curve, lies in the subgroup of order q
    /// (q*p is the identity); variable time, for public keys. On the
    /// Edwards curves (the cofactor-4 ones) q*p runs in the complete
    /// Edwards formulas with a width-5 wNAF, about a third of the generic
    /// [`Curve::mul_vartime`]'s time (the subgroup check dominated the
    /// verification of a CMS signature: the key comes fresh from its
    /// certificate every time); elsewhere `mul_vartime`.
    pub(crate) fn in_prime_subgroup_vartime(&self, p: &AffinePoint<N>) -> bool {
        if self.edwards.is_none() {
            return bool::from(
                self.is_identity(&self.mul_vartime(&self.to_projective(p), self.q())),
            );
        }
        let f = &self.fp;
        // y = 0: a point of order 2, never of order q (and where the map
        // to the Edwards form has no value).
        if bool::from(f.is_zero(&p.y)) {
            return false;
        }
        let form = Edw(self);
        let table = form.q_table(&self.weierstrass_to_ed_extended(p), Q_WIDTH);
        let (digits, len) = wnaf(self.q(), Q_WIDTH);
        let mut acc = form.identity();
        let mut started = false;
        for &d in digits[..len].iter().rev() {
            if started {
                acc = form.double(&acc, d != 0);
            }
            if d != 0 {
                let entry = &table[(d.unsigned_abs() >> 1) as usize];
                acc = form.add_q_entry(&acc, entry, d < 0, false);
                started = true;
            }
        }
        // The identity (0 : 1 : 1 : 0): X = 0 and Y = Z != 0.
        let acc = form.reduced(&acc);
        bool::from(f.is_zero(&acc.x)) && !bool::from(f.is_zero(&acc.z)) && acc.y == acc.z
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::limbs;

    /// The Edwards subgroup check agrees with the generic multiplication
    /// by q on multiples of G and on G plus a point of order 2 or 4.
    #[test]
    fn edwards_subgroup_check_agrees_with_mul_vartime() {
        fn check<const N: usize>(c: &Curve<N>) {
            let generic = |p: &AffinePoint<N>| {
                bool::from(c.is_identity(&c.mul_vartime(&c.to_projective(p), c.q())))
            };
            let mut found_torsion = 0;
            let mut k = [0u64; N];
            for i in 1..40u64 {
                k[0] = i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                k[N - 1] = i;
                let p = c
                    .to_affine(&c.mul_vartime(&c.to_projective(&c.g), &k))
                    .unwrap();
                assert!(c.in_prime_subgroup_vartime(&p));
                assert!(generic(&p));
                // x = i + 2, if on the curve: its q-multiple is a torsion point.
                let x = c.fp.to_mont(&{
                    let mut v = [0u64; N];
                    v[0] = i + 2;
                    v
                });
                let rhs = c.fp.add(
                    &c.fp
                        .add(&c.fp.mul(&c.fp.square(&x), &x), &c.fp.mul(&c.a, &x)),
                    &c.b,
                );
                // y = rhs^((p + 1) / 4) (p = 3 mod 4), when rhs is a square.
                let mut e = limbs::add(c.fp.modulus(), &{
                    let mut one = [0u64; N];
                    one[0] = 1;
                    one
                })
                .0;
                for _ in 0..2 {
                    for j in 0..N - 1 {
                        e[j] = (e[j] >> 1) | (e[j + 1] << 63);
                    }
                    e[N - 1] >>= 1;
                }
                let y = c.fp.pow_public(&rhs, &e);
                if c.fp.square(&y) != rhs {
                    continue;
                }
                let r = AffinePoint { x, y };
                let t = c.mul_vartime(&c.to_projective(&r), c.q());
                if bool::from(c.is_identity(&t)) {
                    continue;
                }
                let t = c.to_affine(&t).unwrap();
                for bad in [
                    t,
                    c.to_affine(&c.add(&c.to_projective(&p), &c.to_projective(&t)))
                        .unwrap(),
                ] {
                    assert!(!generic(&bad));
                    assert!(!c.in_prime_subgroup_vartime(&bad));
                }
                found_torsion += 1;
            }
            assert!(found_torsion > 3, "{found_torsion}");
        }
        use crate::curve::{AnyCurve, CurveId};
        for id in [CurveId::Tc26_256A, CurveId::Tc26_512C] {
            match id.curve() {
                AnyCurve::W4(c) => check(c),
                AnyCurve::W8(c) => check(c),
            }
        }
    }
}
