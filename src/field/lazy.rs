//! Constant-time arithmetic on lazily reduced values, for the moduli
//! `m = 2^(64N) - c` of the fixed-base multiplication (signing).
//!
//! Like [`super::public::PublicField`], a value is any integer below
//! `2^(64N)` standing for its residue mod m, so a product or a sum ends as
//! soon as it fits in N limbs and skips the final conditional subtraction
//! of m. Unlike it, nothing here branches: where the public code adds a
//! second `c` "if the sum wrapped", this code adds `carry * c` with the
//! carry 0 or 1, and no operation needs a mask, so none needs the
//! optimisation barrier ([`limbs::opaque`]) that the fully reduced
//! operations pay on every addition and subtraction.
//!
//! [`LazyField::canonical`] brings a value back below m (with a
//! constant-time select) for code that needs reduced inputs.
//!
//! The public field keeps its own copy of these steps with branches: a
//! predicted branch keeps the carry out of the dependency chain that the
//! multiplication by it here adds to (an argument, not a measurement).

use super::limbs::{self, adc, mac, sbb};
use super::public::FieldOps;
use super::{Fe, MontField};

/// Constant-time, lazily reduced arithmetic over a [`MontField`]'s modulus
/// `2^(64N) - c`. Obtained from [`MontField::lazy`], which returns `None`
/// for other moduli.
#[derive(Clone, Copy)]
pub(crate) struct LazyField<const N: usize> {
    c: u64,
    /// The mulx/adx products, where the CPU has them (inline for 4 limbs,
    /// out of line for 8).
    adx: Option<crate::cpu::Adx>,
}

impl<const N: usize> MontField<N> {
    /// This field's lazily reduced constant-time arithmetic, when the
    /// modulus is `2^(64N) - c` with `c < 2^32` and N <= 4 or N = 8.
    ///
    /// For 8 limbs too (2^512 - 569), where the products are the
    /// out-of-line mulx/adx kernels without their final subtraction, or
    /// an out-of-line portable product and fold. (An earlier version left
    /// 8 limbs out: LLVM had compiled the unmasked carries of `fold_top`
    /// and `sub` into branches, which [`limbs::opaque`] now prevents, and
    /// lazy sums alone had gained nothing beside the reduced kernels.)
    pub(crate) fn lazy(&self) -> Option<LazyField<N>> {
        ((N <= 4 || N == 8) && self.special_c != 0).then_some(LazyField {
            c: self.special_c,
            adx: self.adx,
        })
    }
}

impl<const N: usize> LazyField<N> {
    /// The portable arithmetic modulo `2^(64N) - c`, whatever the CPU, to
    /// test the kernels against.
    #[cfg(test)]
    pub(crate) fn portable(c: u64) -> Self {
        LazyField { c, adx: None }
    }

    /// The reduced (`< m`) form of a value: `a >= m` exactly when `a + c`
    /// carries out, which then leaves `a - m`.
    #[inline(always)]
    pub(crate) fn canonical(&self, a: &Fe<N>) -> Fe<N> {
        let (plus_c, carry) = limbs::add_small(&a.0, self.c);
        Fe(limbs::select(carry.wrapping_neg(), &plus_c, &a.0))
    }

    /// `lo + top * 2^(64N)` as N limbs, for `top <= c`: 2^(64N) = c mod m.
    /// When adding `top * c` carries out, the wrapped sum is below
    /// `c^2 < 2^64 - c` (so its upper limbs are zero), and the carried
    /// `2^(64N)` is one more `c` added to the low limb without overflow.
    ///
    /// `top` (0 or 1 after an addition) and the carry pass through
    /// [`limbs::opaque`] before they multiply c: seeing a 0/1 value, LLVM
    /// may turn `carry * c` into a conditional move or a branch on the
    /// carry (ct-check caught both products here and in [`FieldOps::sub`]
    /// once the mulx/adx product was added beside the portable one).
    #[inline(always)]
    fn fold_top(&self, mut lo: [u64; N], top: u64) -> Fe<N> {
        let mut carry = limbs::opaque(top) * self.c;
        for limb in lo.iter_mut() {
            (*limb, carry) = adc(*limb, carry, 0);
        }
        lo[0] = lo[0].wrapping_add(limbs::opaque(carry) * self.c);
        Fe(lo)
    }

    /// The portable 8-limb product, kept out of line (inlined into the
    /// point formulas, the 8-limb schoolbook bloats them).
    #[inline(never)]
    fn mul_out_of_line(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        self.fold(&MontField::<N>::mul_wide(&a.0, &b.0))
    }

    /// [`Self::mul_out_of_line`] for a square.
    #[inline(never)]
    fn sqr_out_of_line(&self, a: &Fe<N>) -> Fe<N> {
        self.fold(&MontField::<N>::sqr_wide(&a.0))
    }

    /// A 2N-limb value `H * 2^(64N) + L` folded to N limbs as `L + c*H`;
    /// the word carried out of the fold is at most c.
    #[inline(always)]
    fn fold(&self, t: &[u64; 16]) -> Fe<N> {
        let mut acc = [0u64; N];
        let mut top = 0u64;
        for i in 0..N {
            (acc[i], top) = mac(t[i], t[N + i], self.c, top);
        }
        self.fold_top(acc, top)
    }
}

impl<const N: usize> FieldOps<N> for LazyField<N> {
    #[inline(always)]
    fn mul(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        if let Some(product) = super::mul_lazy_kernel(self.adx, a, b, self.c) {
            return product;
        }
        if N > 4 {
            return self.mul_out_of_line(a, b);
        }
        self.fold(&MontField::<N>::mul_wide(&a.0, &b.0))
    }

    #[inline(always)]
    fn square(&self, a: &Fe<N>) -> Fe<N> {
        if let Some(square) = super::sqr_lazy_kernel(self.adx, a, self.c) {
            return square;
        }
        if N > 4 {
            return self.sqr_out_of_line(a);
        }
        self.fold(&MontField::<N>::sqr_wide(&a.0))
    }

    #[inline(always)]
    fn add(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        let (sum, carry) = limbs::add(&a.0, &b.0);
        self.fold_top(sum, carry)
    }

    /// a - b. A borrow means the wrapped difference is `a - b + 2^(64N)`,
    /// c too much: c comes off. If that borrows too, the value was below c
    /// and is now within c of `2^(64N)` (its low limb at least
    /// `2^64 - c > c`), again c too much, and a second c comes off its low
    /// limb without a borrow.
    #[inline(always)]
    fn sub(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        let (mut diff, borrow) = limbs::sub(&a.0, &b.0);
        let mut borrow = limbs::opaque(borrow) * self.c;
        for limb in diff.iter_mut() {
            (*limb, borrow) = sbb(*limb, borrow, 0);
        }
        diff[0] = diff[0].wrapping_sub(limbs::opaque(borrow) * self.c);
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
    use crate::curve::{AnyCurve, CurveId};

    /// Every operation against the fully reduced one, after reduction, on
    /// the special moduli: random values, and values at the edges a lazy
    /// result may take (m .. 2^(64N) - 1, 0, 1, m - 1, c - 1, c), where
    /// carries and borrows wrap twice.
    fn agrees_with_reduced<const N: usize>(f: &MontField<N>) {
        let Some(lazy) = f.lazy() else {
            return;
        };
        let m = *f.modulus();
        let c = f.special_c;
        let mut values: Vec<[u64; N]> = vec![[0; N], [u64::MAX; N]];
        for small in [1, 2, c - 1, c, c + 1] {
            let mut v = [0u64; N];
            v[0] = small;
            values.push(v);
            values.push(limbs::sub_small(&m, small).0);
        }
        for k in 0..c.min(4) {
            values.push(limbs::add_small(&m, k).0);
            values.push(limbs::sub_small(&[u64::MAX; N], k).0);
        }
        let mut x = [0x9e37_79b9_7f4a_7c15u64; N];
        for round in 0..48u64 {
            for (i, limb) in x.iter_mut().enumerate() {
                *limb = limb
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(round + i as u64);
            }
            values.push(x);
        }
        let reduce = |v: &[u64; N]| f.to_mont(&f.reduce(v));
        for a in &values {
            for b in &values {
                let (ra, rb) = (reduce(a), reduce(b));
                let (la, lb) = (Fe(*a), Fe(*b));
                assert_eq!(lazy.canonical(&lazy.mul(&la, &lb)), f.mul(&ra, &rb));
                assert_eq!(lazy.canonical(&lazy.add(&la, &lb)), f.add(&ra, &rb));
                assert_eq!(lazy.canonical(&lazy.sub(&la, &lb)), f.sub(&ra, &rb));
            }
            let (ra, la) = (reduce(a), Fe(*a));
            assert_eq!(lazy.canonical(&la), ra);
            assert_eq!(lazy.canonical(&lazy.square(&la)), f.square(&ra));
            assert_eq!(lazy.canonical(&lazy.neg(&la)), f.neg(&ra));
        }
    }

    #[test]
    fn lazy_operations_agree_with_reduced_ones() {
        let mut special = 0;
        for id in CurveId::ALL {
            match id.curve() {
                AnyCurve::W4(c) => {
                    special += usize::from(c.fp.lazy().is_some());
                    agrees_with_reduced(&c.fp);
                    agrees_with_reduced(&c.fq);
                }
                AnyCurve::W8(c) => {
                    special += usize::from(c.fp.lazy().is_some());
                    agrees_with_reduced(&c.fp);
                    agrees_with_reduced(&c.fq);
                }
            }
        }
        assert!(special >= 2, "the 4-limb special moduli are covered");
    }
}
