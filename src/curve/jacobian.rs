//! Jacobian coordinates (X : Y : Z), x = X/Z^2, y = Y/Z^3, for the
//! variable-time (public-data) paths on Weierstrass curves: verification
//! and key tables; and, through the straight-line
//! [`Curve::jac_add_affine_incomplete`], for the low digit positions of the
//! constant-time k*G, where the exceptional cases provably cannot occur.
//!
//! These formulas are cheaper than the complete ones (a doubling is 3M + 5S
//! when a = -3, a mixed addition 7M + 4S) but have exceptional cases: the
//! identity (Z = 0), P + P and P + (-P). Every function checks for them
//! and branches, which is only acceptable because the data is public.
//! Formulas: Bernstein-Lange's Explicit-Formulas Database,
//! dbl-2001-b (a = -3), dbl-2007-bl (any a), madd-2007-bl, add-2007-bl.

use subtle::{Choice, ConditionallySelectable};

use super::Curve;
use super::point::AffinePoint;
use crate::field::{Fe, FieldOps};

#[derive(Clone, Copy, Debug)]
pub(crate) struct JacobianPoint<const N: usize> {
    pub x: Fe<N>,
    pub y: Fe<N>,
    pub z: Fe<N>,
}

impl<const N: usize> ConditionallySelectable for JacobianPoint<N> {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        JacobianPoint {
            x: Fe::conditional_select(&a.x, &b.x, choice),
            y: Fe::conditional_select(&a.y, &b.y, choice),
            z: Fe::conditional_select(&a.z, &b.z, choice),
        }
    }
}

impl<const N: usize> Curve<N> {
    pub(crate) fn jac_identity(&self) -> JacobianPoint<N> {
        JacobianPoint {
            x: self.fp.one(),
            y: self.fp.one(),
            z: self.fp.zero(),
        }
    }

    pub(crate) fn jac_from_affine(&self, p: &AffinePoint<N>) -> JacobianPoint<N> {
        JacobianPoint {
            x: p.x,
            y: p.y,
            z: self.fp.one(),
        }
    }

    #[inline(always)]
    pub(crate) fn jac_is_identity(&self, p: &JacobianPoint<N>) -> bool {
        self.public_is_zero(&p.z)
    }

    /// A point of the public arithmetic with its coordinates reduced below p.
    pub(crate) fn jac_reduced(&self, p: &JacobianPoint<N>) -> JacobianPoint<N> {
        let f = self.fp.public();
        JacobianPoint {
            x: f.canonical(&p.x),
            y: f.canonical(&p.y),
            z: f.canonical(&p.z),
        }
    }

    /// Whether a value of the public arithmetic is zero mod p.
    #[inline(always)]
    fn public_is_zero(&self, a: &Fe<N>) -> bool {
        bool::from(self.fp.is_zero(&self.fp.public().canonical(a)))
    }

    /// 2P, variable-time.
    #[inline(always)]
    pub(crate) fn jac_double(&self, p: &JacobianPoint<N>) -> JacobianPoint<N> {
        let f = &self.fp.public();
        if self.jac_is_identity(p) || self.public_is_zero(&p.y) {
            return self.jac_identity();
        }
        if self.a_is_minus_3 {
            // alpha = 3(X - Z^2)(X + Z^2), beta = X Y^2
            let delta = f.square(&p.z);
            let gamma = f.square(&p.y);
            let beta = f.mul(&p.x, &gamma);
            let t = f.mul(&f.sub(&p.x, &delta), &f.add(&p.x, &delta));
            let alpha = f.add(&f.double(&t), &t);
            let beta4 = f.double(&f.double(&beta));
            let x3 = f.sub(&f.square(&alpha), &f.double(&beta4));
            let z3 = f.sub(&f.square(&f.add(&p.y, &p.z)), &f.add(&gamma, &delta));
            let g2 = f.square(&gamma);
            let g8 = f.double(&f.double(&f.double(&g2)));
            let y3 = f.sub(&f.mul(&alpha, &f.sub(&beta4, &x3)), &g8);
            JacobianPoint {
                x: x3,
                y: y3,
                z: z3,
            }
        } else {
            let xx = f.square(&p.x);
            let yy = f.square(&p.y);
            let yyyy = f.square(&yy);
            let zz = f.square(&p.z);
            let s = f.double(&f.sub(&f.square(&f.add(&p.x, &yy)), &f.add(&xx, &yyyy)));
            let m = f.add(&f.add(&f.double(&xx), &xx), &f.mul(&self.a, &f.square(&zz)));
            let x3 = f.sub(&f.square(&m), &f.double(&s));
            let y8 = f.double(&f.double(&f.double(&yyyy)));
            let y3 = f.sub(&f.mul(&m, &f.sub(&s, &x3)), &y8);
            let z3 = f.sub(&f.square(&f.add(&p.y, &p.z)), &f.add(&yy, &zz));
            JacobianPoint {
                x: x3,
                y: y3,
                z: z3,
            }
        }
    }

    /// P + Q for an affine Q, variable-time: 7M + 4S.
    #[inline(always)]
    pub(crate) fn jac_add_affine(
        &self,
        p: &JacobianPoint<N>,
        q: &AffinePoint<N>,
    ) -> JacobianPoint<N> {
        let f = &self.fp.public();
        if self.jac_is_identity(p) {
            return self.jac_from_affine(q);
        }
        let (h, r, z1z1) = Self::madd_differences(f, p, q);
        if self.public_is_zero(&h) {
            return self.jac_sum_of_equal_x(p, &r);
        }
        Self::madd_finish(f, p, &h, &r, &z1z1)
    }

    /// P + Q when x(P) = x(Q) (H = 0): 2P when also r = 0 (P = Q), else the
    /// identity (P = -Q). Out of line and cold: it almost never runs, and
    /// inlining its doubling into every addition of the Straus loops made
    /// those functions take a minute each to optimise.
    #[cold]
    #[inline(never)]
    fn jac_sum_of_equal_x(&self, p: &JacobianPoint<N>, r: &Fe<N>) -> JacobianPoint<N> {
        if self.public_is_zero(r) {
            self.jac_double(p)
        } else {
            self.jac_identity()
        }
    }

    /// P + Q for an affine Q with no case analysis at all: straight-line
    /// code, so constant-time, and correct only when P is not the identity
    /// and P != Q, -Q. The caller must rule those cases out (see
    /// `Curve::mul_base`). In the arithmetic `f` (lazy on the special
    /// primes).
    #[inline(always)]
    pub(crate) fn jac_add_affine_incomplete<F: FieldOps<N>>(
        f: &F,
        p: &JacobianPoint<N>,
        q: &AffinePoint<N>,
    ) -> JacobianPoint<N> {
        let (h, r, z1z1) = Self::madd_differences(f, p, q);
        Self::madd_finish(f, p, &h, &r, &z1z1)
    }

    /// The first half of madd-2007-bl: H = X2 Z1^2 - X1, r = 2(Y2 Z1^3 - Y1)
    /// and Z1^2. H = 0 exactly when P = +-Q (or P is the identity).
    #[inline(always)]
    fn madd_differences<F: FieldOps<N>>(
        f: &F,
        p: &JacobianPoint<N>,
        q: &AffinePoint<N>,
    ) -> (Fe<N>, Fe<N>, Fe<N>) {
        let z1z1 = f.square(&p.z);
        let u2 = f.mul(&q.x, &z1z1);
        let s2 = f.mul(&q.y, &f.mul(&p.z, &z1z1));
        let h = f.sub(&u2, &p.x);
        let r = f.double(&f.sub(&s2, &p.y));
        (h, r, z1z1)
    }

    /// The second half of madd-2007-bl, for H != 0.
    #[inline(always)]
    fn madd_finish<F: FieldOps<N>>(
        f: &F,
        p: &JacobianPoint<N>,
        h: &Fe<N>,
        r: &Fe<N>,
        z1z1: &Fe<N>,
    ) -> JacobianPoint<N> {
        let hh = f.square(h);
        let i = f.double(&f.double(&hh));
        let j = f.mul(h, &i);
        let v = f.mul(&p.x, &i);
        let x3 = f.sub(&f.sub(&f.square(r), &j), &f.double(&v));
        let y3 = f.sub(&f.mul(r, &f.sub(&v, &x3)), &f.double(&f.mul(&p.y, &j)));
        let z3 = f.sub(&f.square(&f.add(&p.z, h)), &f.add(z1z1, &hh));
        JacobianPoint {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// P + Q, both Jacobian, variable-time: 11M + 5S. Builds tables.
    pub(crate) fn jac_add(&self, p: &JacobianPoint<N>, q: &JacobianPoint<N>) -> JacobianPoint<N> {
        let f = &self.fp.public();
        if self.jac_is_identity(p) {
            return *q;
        }
        if self.jac_is_identity(q) {
            return *p;
        }
        let z1z1 = f.square(&p.z);
        let z2z2 = f.square(&q.z);
        let u1 = f.mul(&p.x, &z2z2);
        let u2 = f.mul(&q.x, &z1z1);
        let s1 = f.mul(&p.y, &f.mul(&q.z, &z2z2));
        let s2 = f.mul(&q.y, &f.mul(&p.z, &z1z1));
        let h = f.sub(&u2, &u1);
        let r = f.double(&f.sub(&s2, &s1));
        if self.public_is_zero(&h) {
            return self.jac_sum_of_equal_x(p, &r);
        }
        let i = f.square(&f.double(&h));
        let j = f.mul(&h, &i);
        let v = f.mul(&u1, &i);
        let x3 = f.sub(&f.sub(&f.square(&r), &j), &f.double(&v));
        let y3 = f.sub(&f.mul(&r, &f.sub(&v, &x3)), &f.double(&f.mul(&s1, &j)));
        let z3 = f.mul(
            &f.sub(&f.square(&f.add(&p.z, &q.z)), &f.add(&z1z1, &z2z2)),
            &h,
        );
        JacobianPoint {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// Affine forms of many non-identity points with one variable-time
    /// inversion.
    pub(crate) fn jac_batch_to_affine(&self, points: &[JacobianPoint<N>]) -> Vec<AffinePoint<N>> {
        let f = &self.fp;
        let points: Vec<JacobianPoint<N>> = points.iter().map(|p| self.jac_reduced(p)).collect();
        let zs: Vec<Fe<N>> = points.iter().map(|p| p.z).collect();
        let inverses = super::edwards::batch_invert_vartime(f, &zs);
        points
            .iter()
            .zip(inverses)
            .map(|(p, zinv)| {
                let zinv2 = f.square(&zinv);
                AffinePoint {
                    x: f.mul(&p.x, &zinv2),
                    y: f.mul(&p.y, &f.mul(&zinv2, &zinv)),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use subtle::ConstantTimeEq;

    use super::*;
    use crate::curve::{AnyCurve, CurveId};

    /// The exceptional cases (identity, P + P, P + (-P)) of the branching
    /// formulas, against the complete projective formulas of `point.rs`.
    fn check_exceptional_cases<const N: usize>(c: &Curve<N>) {
        let f = &c.fp;
        let g = c.to_projective(&c.g);
        let affine_of = |p: &JacobianPoint<N>| c.jac_batch_to_affine(&[*p])[0];
        let want = |p| c.to_affine(&p).expect("not the identity");
        let same = |a: AffinePoint<N>, b: AffinePoint<N>| {
            bool::from(a.x.ct_eq(&b.x)) && bool::from(a.y.ct_eq(&b.y))
        };
        let neg = |p: &AffinePoint<N>| AffinePoint {
            x: p.x,
            y: f.neg(&p.y),
        };

        // P = 2G with Z != 1, and its affine form.
        let p = c.jac_double(&c.jac_from_affine(&c.g));
        let p_affine = want(c.double(&g));
        assert!(same(affine_of(&p), p_affine), "2G");
        let four_g = want(c.double(&c.double(&g)));

        assert!(
            same(affine_of(&c.jac_add_affine(&p, &p_affine)), four_g),
            "P + P mixed"
        );
        assert!(
            c.jac_is_identity(&c.jac_add_affine(&p, &neg(&p_affine))),
            "P - P mixed"
        );
        let id = c.jac_identity();
        assert!(
            same(affine_of(&c.jac_add_affine(&id, &p_affine)), p_affine),
            "O + P mixed"
        );
        let three_g = want(c.add(&c.double(&g), &g));
        assert!(
            same(affine_of(&c.jac_add_affine(&p, &c.g)), three_g),
            "2G + G"
        );

        assert!(same(affine_of(&c.jac_add(&p, &p)), four_g), "P + P");
        let minus_p = JacobianPoint {
            y: f.public().neg(&p.y),
            ..p
        };
        assert!(c.jac_is_identity(&c.jac_add(&p, &minus_p)), "P - P");
        assert!(same(affine_of(&c.jac_add(&id, &p)), p_affine), "O + P");
        assert!(same(affine_of(&c.jac_add(&p, &id)), p_affine), "P + O");
        assert!(c.jac_is_identity(&c.jac_double(&id)), "2O");
    }

    #[test]
    fn exceptional_cases_agree_with_the_complete_formulas() {
        for id in CurveId::ALL {
            match id.curve() {
                AnyCurve::W4(c) => check_exceptional_cases(c),
                AnyCurve::W8(c) => check_exceptional_cases(c),
            }
        }
    }
}
