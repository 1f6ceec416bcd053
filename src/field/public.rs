//! Arithmetic on public values, for signature verification.
//!
//! Verification only handles public data (digest, signature, public key),
//! so its arithmetic may branch and need not hide masks from the
//! optimiser. For the moduli `m = 2^(64N) - c` it also reduces lazily:
//! values are any integers below `2^(64N)` (each stands for its residue
//! mod m), so a product or a sum ends once it fits in N limbs, without
//! the final conditional subtraction of m. [`PublicField::canonical`]
//! brings a value back below m, for comparisons and for the constant-time
//! code, which requires reduced inputs.
//!
//! For other moduli (Montgomery form) the operations are the constant-time
//! ones. Never use this for secret values: its time depends on them.

use super::{Fe, MontField, limbs};
use limbs::{adc, mac, sbb};

/// The field operations the point formulas use, implemented by the
/// constant-time [`MontField`] and by the variable-time [`PublicField`].
pub(crate) trait FieldOps<const N: usize> {
    fn mul(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N>;
    fn square(&self, a: &Fe<N>) -> Fe<N>;
    fn add(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N>;
    fn sub(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N>;
    fn neg(&self, a: &Fe<N>) -> Fe<N>;
    #[inline(always)]
    fn double(&self, a: &Fe<N>) -> Fe<N> {
        self.add(a, a)
    }
}

impl<const N: usize> FieldOps<N> for MontField<N> {
    #[inline(always)]
    fn mul(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        MontField::mul(self, a, b)
    }
    #[inline(always)]
    fn square(&self, a: &Fe<N>) -> Fe<N> {
        MontField::square(self, a)
    }
    #[inline(always)]
    fn add(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        MontField::add(self, a, b)
    }
    #[inline(always)]
    fn sub(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        MontField::sub(self, a, b)
    }
    #[inline(always)]
    fn neg(&self, a: &Fe<N>) -> Fe<N> {
        MontField::neg(self, a)
    }
}

/// Variable-time, lazily reduced arithmetic over a [`MontField`]'s modulus.
#[derive(Clone, Copy)]
pub(crate) struct PublicField<'a, const N: usize>(&'a MontField<N>);

impl<const N: usize> MontField<N> {
    /// This field's arithmetic for public values.
    pub(crate) fn public(&self) -> PublicField<'_, N> {
        PublicField(self)
    }
}

impl<const N: usize> PublicField<'_, N> {
    /// The reduced (`< m`) form of a value, as the constant-time code and
    /// comparisons need it.
    #[inline(always)]
    pub(crate) fn canonical(&self, a: &Fe<N>) -> Fe<N> {
        let c = self.0.special_c;
        if c == 0 {
            return *a;
        }
        // a < 2^(64N) < 2m, and a >= m exactly when a + c carries out,
        // which leaves a - m.
        let (plus_c, carry) = limbs::add_small(&a.0, c);
        if carry != 0 { Fe(plus_c) } else { *a }
    }

    /// `lo + top * 2^(64N)` as an N-limb value, for `top <= c` (and `top`
    /// at most 1 when `lo` may be large): 2^(64N) = c mod m, and when
    /// adding `top * c` wraps, the wrapped value is below `c^2`, so one
    /// more `c` fits in the low limb.
    #[inline(always)]
    fn fold_top(&self, mut lo: [u64; N], top: u64) -> Fe<N> {
        let c = self.0.special_c;
        let mut carry = top * c;
        for limb in lo.iter_mut() {
            (*limb, carry) = adc(*limb, carry, 0);
        }
        if carry != 0 {
            lo[0] += c;
        }
        Fe(lo)
    }

    /// A 2N-limb product folded to N limbs: H * 2^(64N) + L = L + c*H.
    #[inline(always)]
    fn fold(&self, t: &[u64; 16]) -> Fe<N> {
        let c = self.0.special_c;
        let mut acc = [0u64; N];
        let mut top = 0u64;
        for i in 0..N {
            (acc[i], top) = mac(t[i], t[N + i], c, top);
        }
        self.fold_top(acc, top)
    }
}

impl<const N: usize> FieldOps<N> for PublicField<'_, N> {
    /// 8-limb products go to the lazy mulx/adx kernel, or without it to
    /// the out-of-line constant-time code, whose reduced result is a valid
    /// lazy value.
    #[inline(always)]
    fn mul(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        // `adx` is set only on the special moduli.
        if let Some(product) = super::mul_lazy_kernel(self.0.adx, a, b, self.0.special_c) {
            return product;
        }
        if N > 4 || self.0.special_c == 0 {
            return self.0.mul(a, b);
        }
        self.fold(&MontField::<N>::mul_wide(&a.0, &b.0))
    }

    #[inline(always)]
    fn square(&self, a: &Fe<N>) -> Fe<N> {
        if let Some(square) = super::sqr_lazy_kernel(self.0.adx, a, self.0.special_c) {
            return square;
        }
        if N > 4 || self.0.special_c == 0 {
            return self.0.square(a);
        }
        self.fold(&MontField::<N>::sqr_wide(&a.0))
    }

    #[inline(always)]
    fn add(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        if self.0.special_c == 0 {
            return self.0.add(a, b);
        }
        let (sum, carry) = limbs::add(&a.0, &b.0);
        self.fold_top(sum, carry)
    }

    /// a - b: when it borrows, the wrapped difference is a - b + 2^(64N),
    /// which is c too much; if taking c off borrows again, the value is
    /// within c of 2^(64N), and a second c comes off its low limb.
    #[inline(always)]
    fn sub(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        let c = self.0.special_c;
        if c == 0 {
            return self.0.sub(a, b);
        }
        let (mut diff, borrow) = limbs::sub(&a.0, &b.0);
        let mut borrow = borrow * c;
        for limb in diff.iter_mut() {
            (*limb, borrow) = sbb(*limb, borrow, 0);
        }
        if borrow != 0 {
            diff[0] -= c;
        }
        Fe(diff)
    }

    #[inline(always)]
    fn neg(&self, a: &Fe<N>) -> Fe<N> {
        self.sub(&Fe([0; N]), a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation against the constant-time one, after reduction, on
    /// every curve's p and q: random values, and the unreduced values a
    /// lazy result may take (m .. 2^(64N) - 1) with 0, 1 and m - 1, where
    /// carries and borrows wrap twice.
    #[test]
    fn lazy_operations_agree_with_constant_time_ones() {
        fn check<const N: usize>(f: &MontField<N>) {
            let p = f.public();
            let m = *f.modulus();
            let mut edges: Vec<[u64; N]> = vec![[0; N], [u64::MAX; N]];
            let mut one = [0u64; N];
            one[0] = 1;
            edges.push(one);
            edges.push(limbs::sub(&m, &one).0);
            for k in 0..3u64 {
                // m + k and 2^(64N) - 1 - k: unreduced when m = 2^(64N) - c.
                let (v, carry) = limbs::add_small(&m, k);
                if carry == 0 {
                    edges.push(v);
                }
                edges.push(limbs::sub_small(&[u64::MAX; N], k).0);
            }
            let mut x = [0x9e37_79b9_7f4a_7c15u64; N];
            let mut values = edges.clone();
            for round in 0..64u64 {
                for (i, limb) in x.iter_mut().enumerate() {
                    *limb = limb
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(round + i as u64);
                }
                values.push(x);
            }
            // Unreduced inputs exist only for the special moduli.
            let lazy = f.special_c != 0;
            let reduce = |v: &[u64; N]| -> Fe<N> {
                if lazy {
                    p.canonical(&Fe(*v))
                } else {
                    f.to_mont(&f.reduce(v))
                }
            };
            let input = |v: &[u64; N]| -> Fe<N> { if lazy { Fe(*v) } else { reduce(v) } };
            for a in &values {
                for b in &values {
                    let (ra, rb) = (reduce(a), reduce(b));
                    let (la, lb) = (input(a), input(b));
                    assert_eq!(p.canonical(&p.mul(&la, &lb)), f.mul(&ra, &rb), "mul");
                    assert_eq!(p.canonical(&p.add(&la, &lb)), f.add(&ra, &rb), "add");
                    assert_eq!(p.canonical(&p.sub(&la, &lb)), f.sub(&ra, &rb), "sub");
                }
                let (ra, la) = (reduce(a), input(a));
                assert_eq!(p.canonical(&p.square(&la)), f.square(&ra), "square");
                assert_eq!(p.canonical(&p.neg(&la)), f.neg(&ra), "neg");
                assert_eq!(p.canonical(&p.double(&la)), f.double(&ra), "double");
            }
        }
        use crate::curve::{AnyCurve, CurveId};
        for id in CurveId::ALL {
            match id.curve() {
                AnyCurve::W4(c) => {
                    check(&c.fp);
                    check(&c.fq);
                }
                AnyCurve::W8(c) => {
                    check(&c.fp);
                    check(&c.fq);
                }
            }
        }
    }
}
