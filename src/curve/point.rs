//! Points on y^2 = x^3 + a*x + b in homogeneous projective coordinates
//! (X : Y : Z) with x = X/Z, y = Y/Z; the identity is (0 : 1 : 0).
//!
//! Addition and doubling use the complete formulas of Renes, Costello and
//! Batina ("Complete addition formulas for prime order elliptic curves",
//! EUROCRYPT 2016, algorithms 1-3, any `a`). They have no exceptional
//! cases on a group of odd order, so the same straight-line code adds,
//! doubles and absorbs the identity: no branch depends on the points. On
//! the two cofactor-4 curves every point we add lies in the odd-order
//! subgroup (G's multiples, validated public keys), where this still holds.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::Curve;
use crate::field::Fe;

/// A point in projective coordinates, Montgomery-form coordinates.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ProjectivePoint<const N: usize> {
    pub x: Fe<N>,
    pub y: Fe<N>,
    pub z: Fe<N>,
}

/// An affine point (never the identity), Montgomery-form coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct AffinePoint<const N: usize> {
    pub x: Fe<N>,
    pub y: Fe<N>,
}

impl<const N: usize> ConditionallySelectable for AffinePoint<N> {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        AffinePoint {
            x: Fe::conditional_select(&a.x, &b.x, choice),
            y: Fe::conditional_select(&a.y, &b.y, choice),
        }
    }
}

impl<const N: usize> ConditionallySelectable for ProjectivePoint<N> {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        ProjectivePoint {
            x: Fe::conditional_select(&a.x, &b.x, choice),
            y: Fe::conditional_select(&a.y, &b.y, choice),
            z: Fe::conditional_select(&a.z, &b.z, choice),
        }
    }
}

impl<const N: usize> Curve<N> {
    pub(crate) fn identity(&self) -> ProjectivePoint<N> {
        ProjectivePoint {
            x: self.fp.zero(),
            y: self.fp.one(),
            z: self.fp.zero(),
        }
    }

    pub(crate) fn to_projective(&self, p: &AffinePoint<N>) -> ProjectivePoint<N> {
        ProjectivePoint {
            x: p.x,
            y: p.y,
            z: self.fp.one(),
        }
    }

    /// True for the identity. The formulas' degenerate output (0 : 0 : 0),
    /// which only arises from points outside the odd-order subgroup, is not
    /// the identity.
    pub(crate) fn is_identity(&self, p: &ProjectivePoint<N>) -> Choice {
        self.fp.is_zero(&p.z) & !self.fp.is_zero(&p.y)
    }

    /// Affine form, or `None` for the identity. Constant-time inversion;
    /// only the identity test branches.
    #[cfg(test)]
    pub(crate) fn to_affine(&self, p: &ProjectivePoint<N>) -> Option<AffinePoint<N>> {
        if bool::from(self.fp.is_zero(&p.z)) {
            return None;
        }
        let zinv = self.fp.invert(&p.z);
        Some(AffinePoint {
            x: self.fp.mul(&p.x, &zinv),
            y: self.fp.mul(&p.y, &zinv),
        })
    }

    /// Affine x and y of a point known not to be the identity, with no
    /// branch at all (the identity would map to (0, 0)). For secret points.
    pub(crate) fn to_affine_ct(&self, p: &ProjectivePoint<N>) -> AffinePoint<N> {
        let zinv = self.fp.invert(&p.z);
        AffinePoint {
            x: self.fp.mul(&p.x, &zinv),
            y: self.fp.mul(&p.y, &zinv),
        }
    }

    /// Whether an affine point satisfies the curve equation.
    pub(crate) fn is_on_curve(&self, p: &AffinePoint<N>) -> bool {
        let f = &self.fp;
        let y2 = f.square(&p.y);
        let x3 = f.mul(&f.square(&p.x), &p.x);
        let ax = f.mul(&self.a, &p.x);
        let rhs = f.add(&f.add(&x3, &ax), &self.b);
        bool::from(y2.ct_eq(&rhs))
    }

    pub(crate) fn negate(&self, p: &ProjectivePoint<N>) -> ProjectivePoint<N> {
        ProjectivePoint {
            x: p.x,
            y: self.fp.neg(&p.y),
            z: p.z,
        }
    }

    #[cfg(test)]
    /// Projective equality: X1*Z2 == X2*Z1 and Y1*Z2 == Y2*Z1.
    pub(crate) fn eq_projective(&self, p: &ProjectivePoint<N>, q: &ProjectivePoint<N>) -> bool {
        let f = &self.fp;
        let x = f.mul(&p.x, &q.z).ct_eq(&f.mul(&q.x, &p.z));
        let y = f.mul(&p.y, &q.z).ct_eq(&f.mul(&q.y, &p.z));
        bool::from(x & y)
    }

    /// a * x: three additions and a negation when a = -3 (the CryptoPro and
    /// tc26-512-A/B curves), a multiplication otherwise. The choice depends
    /// only on the curve.
    #[inline(always)]
    pub(crate) fn mul_a(&self, x: &Fe<N>) -> Fe<N> {
        if self.a_is_minus_3 {
            let f = &self.fp;
            f.neg(&f.add(&f.double(x), x))
        } else {
            self.fp.mul(&self.a, x)
        }
    }

    /// P + Q, complete (RCB algorithm 1): 12M + 3 mul-by-a + 2 mul-by-3b.
    #[inline(always)]
    pub(crate) fn add(&self, p: &ProjectivePoint<N>, q: &ProjectivePoint<N>) -> ProjectivePoint<N> {
        let f = &self.fp;
        let t0 = f.mul(&p.x, &q.x);
        let t1 = f.mul(&p.y, &q.y);
        let t2 = f.mul(&p.z, &q.z);
        let mut t3 = f.add(&p.x, &p.y);
        let mut t4 = f.add(&q.x, &q.y);
        t3 = f.mul(&t3, &t4);
        t4 = f.add(&t0, &t1);
        t3 = f.sub(&t3, &t4); // X1Y2 + X2Y1
        t4 = f.add(&p.x, &p.z);
        let mut t5 = f.add(&q.x, &q.z);
        t4 = f.mul(&t4, &t5);
        t5 = f.add(&t0, &t2);
        t4 = f.sub(&t4, &t5); // X1Z2 + X2Z1
        t5 = f.add(&p.y, &p.z);
        let mut x3 = f.add(&q.y, &q.z);
        t5 = f.mul(&t5, &x3);
        x3 = f.add(&t1, &t2);
        t5 = f.sub(&t5, &x3); // Y1Z2 + Y2Z1
        self.add_tail(t0, t1, t2, t3, t4, t5)
    }

    /// P + Q for an affine Q (Z2 = 1): algorithm 1 with the Z2 products
    /// folded away. Q must not be the identity (affine points never are).
    #[inline(always)]
    pub(crate) fn add_mixed(
        &self,
        p: &ProjectivePoint<N>,
        q: &AffinePoint<N>,
    ) -> ProjectivePoint<N> {
        let f = &self.fp;
        let t0 = f.mul(&p.x, &q.x);
        let t1 = f.mul(&p.y, &q.y);
        let t2 = p.z;
        let mut t3 = f.add(&p.x, &p.y);
        let t4q = f.add(&q.x, &q.y);
        t3 = f.mul(&t3, &t4q);
        t3 = f.sub(&t3, &f.add(&t0, &t1)); // X1Y2 + X2Y1
        let t4 = f.add(&f.mul(&q.x, &p.z), &p.x); // X1 + X2Z1
        let t5 = f.add(&f.mul(&q.y, &p.z), &p.y); // Y1 + Y2Z1
        self.add_tail(t0, t1, t2, t3, t4, t5)
    }

    /// The shared second half of algorithm 1, from
    /// t0 = X1X2, t1 = Y1Y2, t2 = Z1Z2, t3 = X1Y2+X2Y1, t4 = X1Z2+X2Z1, t5 = Y1Z2+Y2Z1.
    #[inline(always)]
    fn add_tail(
        &self,
        mut t0: Fe<N>,
        mut t1: Fe<N>,
        mut t2: Fe<N>,
        t3: Fe<N>,
        mut t4: Fe<N>,
        t5: Fe<N>,
    ) -> ProjectivePoint<N> {
        let f = &self.fp;
        let b3 = &self.b3;
        let mut z3 = self.mul_a(&t4);
        let mut x3 = f.mul(b3, &t2);
        z3 = f.add(&x3, &z3);
        x3 = f.sub(&t1, &z3);
        z3 = f.add(&t1, &z3);
        let mut y3 = f.mul(&x3, &z3);
        t1 = f.add(&t0, &t0);
        t1 = f.add(&t1, &t0);
        t2 = self.mul_a(&t2);
        t4 = f.mul(b3, &t4);
        t1 = f.add(&t1, &t2);
        t2 = f.sub(&t0, &t2);
        t2 = self.mul_a(&t2);
        t4 = f.add(&t4, &t2);
        t0 = f.mul(&t1, &t4);
        y3 = f.add(&y3, &t0);
        t0 = f.mul(&t5, &t4);
        x3 = f.mul(&t3, &x3);
        x3 = f.sub(&x3, &t0);
        t0 = f.mul(&t3, &t1);
        z3 = f.mul(&t5, &z3);
        z3 = f.add(&z3, &t0);
        ProjectivePoint {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// 2P, complete (RCB algorithm 3): 8M + 3 mul-by-a + 2 mul-by-3b.
    #[inline(always)]
    pub(crate) fn double(&self, p: &ProjectivePoint<N>) -> ProjectivePoint<N> {
        let f = &self.fp;
        let b3 = &self.b3;
        let mut t0 = f.square(&p.x);
        let t1 = f.square(&p.y);
        let mut t2 = f.square(&p.z);
        let mut t3 = f.mul(&p.x, &p.y);
        t3 = f.add(&t3, &t3);
        let mut z3 = f.mul(&p.x, &p.z);
        z3 = f.add(&z3, &z3);
        let mut x3 = self.mul_a(&z3);
        let mut y3 = f.mul(b3, &t2);
        y3 = f.add(&x3, &y3);
        x3 = f.sub(&t1, &y3);
        y3 = f.add(&t1, &y3);
        y3 = f.mul(&x3, &y3);
        x3 = f.mul(&t3, &x3);
        z3 = f.mul(b3, &z3);
        t2 = self.mul_a(&t2);
        t3 = f.sub(&t0, &t2);
        t3 = self.mul_a(&t3);
        t3 = f.add(&t3, &z3);
        z3 = f.add(&t0, &t0);
        t0 = f.add(&z3, &t0);
        t0 = f.add(&t0, &t2);
        t0 = f.mul(&t0, &t3);
        y3 = f.add(&y3, &t0);
        t2 = f.mul(&p.y, &p.z);
        t2 = f.add(&t2, &t2);
        t0 = f.mul(&t2, &t3);
        x3 = f.sub(&x3, &t0);
        z3 = f.mul(&t2, &t1);
        z3 = f.add(&z3, &z3);
        z3 = f.add(&z3, &z3);
        ProjectivePoint {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// Converts many points to affine with one inversion (Montgomery's
    /// trick). For public tables only: the identity is not allowed.
    pub(crate) fn batch_to_affine(&self, points: &[ProjectivePoint<N>]) -> Vec<AffinePoint<N>> {
        let f = &self.fp;
        let mut prefix = Vec::with_capacity(points.len());
        let mut acc = f.one();
        for p in points {
            prefix.push(acc);
            acc = f.mul(&acc, &p.z);
        }
        let mut inv = f.invert(&acc);
        let mut out = vec![AffinePoint::default(); points.len()];
        for (i, p) in points.iter().enumerate().rev() {
            let zinv = f.mul(&inv, &prefix[i]);
            inv = f.mul(&inv, &p.z);
            out[i] = AffinePoint {
                x: f.mul(&p.x, &zinv),
                y: f.mul(&p.y, &zinv),
            };
        }
        out
    }
}
