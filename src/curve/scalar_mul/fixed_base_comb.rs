//! k*G for a secret k: the fixed-base comb over signed radix-64 digits.
//!
//! Why: signing's k*G dominates signing, and a per-curve table of
//! j * 64^i * G (j = 1..32) turns it into one table scan and one addition
//! per digit position, with no doublings. The recoding gives digits d_i in
//! [-32, 32] with k = sum d_i * 64^i; each digit's entry is found by
//! scanning all 32 entries with a constant-time select, negated with a
//! constant-time conditional negation, and added: in Jacobian coordinates
//! with the (cheaper) incomplete formulas on the positions where their
//! exceptional cases provably cannot arise, with complete formulas on the
//! top position; a zero digit adds anyway and the result is discarded by
//! a select. The sequence of instructions and memory addresses is the
//! same for every k. On the Edwards curves the complete addition serves
//! every position.

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::recoding::{MAX_DIGITS, abs_and_sign, recode_signed};
use super::scan_row;
use crate::curve::Curve;
use crate::curve::edwards::EdPoint;
use crate::curve::jacobian::JacobianPoint;
use crate::curve::point::{AffinePoint, ProjectivePoint};
use crate::curve::scan::{CtEntry, Packed};
use crate::field::{Fe, FieldOps};

/// Window width of the fixed-base table: digits in [-32, 32].
pub(crate) const BASE_WINDOW: usize = 6;
/// Entries per window of the fixed-base table: 1..=32 times the base.
pub(crate) const BASE_ENTRIES: usize = 1 << (BASE_WINDOW - 1);

/// Number of digit positions the fixed-base tables need: ceil(64N / 6),
/// and no extra carry position, because the top window of a 64N-bit
/// scalar holds at most 4 bits (256 = 42*6 + 4, 512 = 85*6 + 2), so its
/// digit plus an incoming carry stays below 2^5 and produces no carry.
pub(crate) const fn base_positions<const N: usize>() -> usize {
    (64 * N).div_ceil(BASE_WINDOW)
}

/// Precomputed j * 2^(6i) * P, j = 1..32, for every digit position i, as
/// packed affine Weierstrass points (K = 2 coordinates) or Edwards entries
/// (K = 3): 43 rows on 256-bit curves (88 / 132 KiB), 86 on 512-bit ones
/// (352 / 528 KiB).
pub(crate) struct BaseTable<const N: usize, const K: usize> {
    windows: Vec<[Packed<N, K>; BASE_ENTRIES]>,
}

impl<const N: usize, const K: usize> BaseTable<N, K> {
    /// The row of digit position i: j * 64^i * G for j = 1..=32.
    #[cfg(target_arch = "x86_64")]
    pub(crate) fn row(&self, i: usize) -> &[Packed<N, K>; BASE_ENTRIES] {
        &self.windows[i]
    }

    /// Bytes held by the table.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.windows.len() * core::mem::size_of::<[Packed<N, K>; BASE_ENTRIES]>()
    }

    /// The same table with every coordinate mapped by `f`.
    #[cfg(target_arch = "x86_64")]
    pub(crate) fn map_coordinates(&self, f: impl Fn(&[u64; N]) -> [u64; N]) -> Self {
        BaseTable {
            windows: self
                .windows
                .iter()
                .map(|row| row.map(|entry| entry.map(|c| f(&c))))
                .collect(),
        }
    }

    fn from_entries<E: CtEntry<N, K>>(entries: Vec<E>) -> Self {
        let windows = entries
            .chunks_exact(BASE_ENTRIES)
            .map(|w| core::array::from_fn(|j| w[j].pack()))
            .collect();
        BaseTable { windows }
    }
}

impl<const N: usize> BaseTable<N, 2> {
    pub(crate) fn new(c: &Curve<N>) -> Self {
        let positions = base_positions::<N>();
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
        Self::from_entries(c.batch_to_affine(&projective))
    }
}

impl<const N: usize> BaseTable<N, 3> {
    pub(crate) fn new_edwards(c: &Curve<N>) -> Self {
        let positions = base_positions::<N>();
        let mut points = Vec::with_capacity(positions * BASE_ENTRIES);
        let mut base = c.ed_from_affine(&c.ed().g);
        for _ in 0..positions {
            let mut multiple = base;
            for j in 0..BASE_ENTRIES {
                points.push(multiple);
                if j + 1 < BASE_ENTRIES {
                    multiple = c.ed_add(&multiple, &base);
                }
            }
            for _ in 0..BASE_WINDOW {
                base = c.ed_double(&base);
            }
        }
        Self::from_entries(c.ed_batch_to_affine(&points))
    }
}

impl<const N: usize> Curve<N> {
    /// k*G in constant time on the Weierstrass form (see the module
    /// documentation). k < 2^(64N).
    ///
    /// The low digit positions accumulate in Jacobian coordinates with the
    /// incomplete mixed addition (7M + 4S, against 13M and twice the
    /// additions for the complete formulas). Its exceptional cases cannot
    /// occur there: before position i the accumulator is s*G with
    /// s = sum_{l<i} d_l 64^l, |s| <= 32 (64^i - 1)/63 < 64^i / 1.9, and the
    /// entry is d*64^i*G with 1 <= |d| <= 32. The accumulator equals the
    /// entry or its negation only if q divides s -+ d 64^i, a nonzero integer
    /// (|d 64^i| > |s|) of absolute value below 33 * 64^i, so never while
    /// 33 * 64^i < q ([`Self::incomplete_base_positions`]). The accumulator
    /// is the identity exactly while every digit so far was zero (s = 0 as an
    /// integer, since |d| < 64 makes the representation of 0 unique), which
    /// a mask tracks: the first nonzero digit's entry is taken as is. The
    /// top position(s), where 33 * 64^i >= q and a collision does exist
    /// (cryptopro-B's k = 2^256 - q doubles at the last position), switch to
    /// projective coordinates and the complete formulas.
    ///
    /// On the special primes the incomplete additions run in the lazily
    /// reduced constant-time arithmetic ([`LazyField`](crate::field::lazy::LazyField)).
    pub(crate) fn mul_base(&self, k: &[u64; N]) -> ProjectivePoint<N> {
        let f = &self.fp;
        let mut digits = recode_signed(k, BASE_WINDOW);
        let positions = base_positions::<N>();
        let incomplete = self.incomplete_base_positions().min(positions);
        let acc = match f.lazy() {
            Some(lazy) => {
                let acc = self.mul_base_incomplete(&lazy, &digits[..incomplete]);
                JacobianPoint {
                    x: lazy.canonical(&acc.x),
                    y: lazy.canonical(&acc.y),
                    z: lazy.canonical(&acc.z),
                }
            }
            None => self.mul_base_incomplete(f, &digits[..incomplete]),
        };
        let acc = self.mul_base_complete_top(&acc, &digits, incomplete);
        zeroize::Zeroize::zeroize(&mut digits);
        acc
    }

    /// The rest of [`Self::mul_base`] after its incomplete positions: from
    /// their Jacobian sum `acc` (reduced coordinates), the digit positions
    /// `incomplete..` with the complete projective formulas.
    pub(crate) fn mul_base_complete_top(
        &self,
        acc: &JacobianPoint<N>,
        digits: &[i8; MAX_DIGITS],
        incomplete: usize,
    ) -> ProjectivePoint<N> {
        let f = &self.fp;
        // Jacobian (X : Y : Z) is projective (XZ : Y : Z^3); the Jacobian
        // identity (1 : 1 : 0) becomes (0 : 1 : 0), the projective one.
        let mut acc = ProjectivePoint {
            x: f.mul(&acc.x, &acc.z),
            y: acc.y,
            z: f.mul(&f.square(&acc.z), &acc.z),
        };
        let table = self.base_table();
        for (i, &digit) in digits
            .iter()
            .enumerate()
            .take(base_positions::<N>())
            .skip(incomplete)
        {
            let (abs, negative) = abs_and_sign(digit);
            let mut t = scan_row(&table.windows[i], abs, &AffinePoint::default());
            t.y = f.cond_neg(&t.y, negative);
            let sum = self.add_mixed(&acc, &t);
            // A zero digit selected nothing; keep acc (constant-time select).
            acc = ProjectivePoint::conditional_select(&acc, &sum, !abs.ct_eq(&0));
        }
        acc
    }

    /// The low (incomplete-addition) digit positions of [`Self::mul_base`]
    /// in the arithmetic `f`, from the identity: sum d_i 64^i G over the
    /// given digits, in Jacobian coordinates (unreduced when `f` is lazy).
    #[inline(always)]
    fn mul_base_incomplete<F: FieldOps<N>>(&self, f: &F, digits: &[i8]) -> JacobianPoint<N> {
        let table = self.base_table();
        let mut acc = self.jac_identity();
        let mut acc_is_identity = Choice::from(1);
        for (i, &digit) in digits.iter().enumerate() {
            let (abs, negative) = abs_and_sign(digit);
            let mut t = scan_row(&table.windows[i], abs, &AffinePoint::default());
            t.y = self.fp.cond_neg(&t.y, negative);
            let sum = Self::jac_add_affine_incomplete(f, &acc, &t);
            let next =
                JacobianPoint::conditional_select(&sum, &self.jac_from_affine(&t), acc_is_identity);
            let nonzero = !abs.ct_eq(&0);
            acc = JacobianPoint::conditional_select(&acc, &next, nonzero);
            acc_is_identity &= !nonzero;
        }
        acc
    }

    /// How many low digit positions i of the fixed-base table have
    /// 33 * 64^i < q, shown as 64^(i+1) <= 2^(bits(q) - 1) <= q: there the
    /// incomplete addition of [`Self::mul_base`] is exception-free. 42 of
    /// 43 positions on 256-bit curves, 85 of 86 on 512-bit ones.
    pub(crate) fn incomplete_base_positions(&self) -> usize {
        let q = self.q();
        let top = (0..N).rev().find(|&i| q[i] != 0).unwrap_or(0);
        let bits = 64 * top + (64 - q[top].leading_zeros() as usize);
        bits.saturating_sub(1) / BASE_WINDOW
    }

    /// k*G in constant time on the Edwards form: a zero digit selects the
    /// neutral element, which the complete addition absorbs. The result's
    /// coordinates are reduced.
    ///
    /// On the special primes the additions run in the lazily reduced
    /// constant-time arithmetic ([`LazyField`](crate::field::lazy::LazyField)),
    /// which skips the final conditional subtraction of p, and its masks,
    /// in every operation.
    pub(crate) fn ed_mul_base(&self, k: &[u64; N]) -> EdPoint<N> {
        match self.fp.lazy() {
            Some(lazy) => {
                let p = self.ed_mul_base_in(&lazy, k);
                EdPoint {
                    x: lazy.canonical(&p.x),
                    y: lazy.canonical(&p.y),
                    z: lazy.canonical(&p.z),
                    t: lazy.canonical(&p.t),
                }
            }
            None => self.ed_mul_base_in(&self.fp, k),
        }
    }

    /// [`Self::ed_mul_base`] in the arithmetic `f` (unreduced output when
    /// `f` is lazy). The table entries are reduced, as `cond_neg` needs.
    #[inline(always)]
    fn ed_mul_base_in<F: FieldOps<N>>(&self, f: &F, k: &[u64; N]) -> EdPoint<N> {
        let table = self.ed_base_table();
        let mut digits = recode_signed(k, BASE_WINDOW);
        let mut acc = self.ed_identity();
        let neutral = self.ed_affine_identity();
        for (i, &digit) in digits.iter().enumerate().take(base_positions::<N>()) {
            let (abs, negative) = abs_and_sign(digit);
            let mut t = scan_row(&table.windows[i], abs, &neutral);
            t.u = self.fp.cond_neg(&t.u, negative);
            t.duv = self.fp.cond_neg(&t.duv, negative);
            acc = self.ed_add_affine_in(f, &acc, &t, true);
        }
        zeroize::Zeroize::zeroize(&mut digits);
        acc
    }

    /// The Weierstrass x of k*G as a fraction num/den, in constant time,
    /// on whichever form is faster. For 0 < k < q, den is nonzero.
    pub(crate) fn mul_base_x_fraction(&self, k: &[u64; N]) -> (Fe<N>, Fe<N>) {
        if self.edwards.is_some() {
            self.ed_weierstrass_x_fraction(&self.ed_mul_base(k))
        } else {
            let p = self.mul_base(k);
            (p.x, p.z)
        }
    }

    /// k*G as an affine Weierstrass point, in constant time, for 0 < k < q.
    pub(crate) fn mul_base_affine(&self, k: &[u64; N]) -> AffinePoint<N> {
        if self.edwards.is_some() {
            self.ed_to_weierstrass_ct(&self.ed_mul_base(k))
        } else {
            self.to_affine_ct(&self.mul_base(k))
        }
    }

    /// k*G for a public k (a reference for tests).
    #[cfg(test)]
    pub(crate) fn mul_base_vartime(&self, k: &[u64; N]) -> ProjectivePoint<N> {
        let table = self.base_table();
        let digits = recode_signed(k, BASE_WINDOW);
        let mut acc = self.identity();
        for (i, &d) in digits.iter().enumerate().take(base_positions::<N>()) {
            if d == 0 {
                continue;
            }
            let mut t = AffinePoint::unpack(&table.windows[i][(d.unsigned_abs() - 1) as usize]);
            if d < 0 {
                t.y = self.fp.neg(&t.y);
            }
            acc = self.add_mixed(&acc, &t);
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{AnyCurve, CurveId};
    use crate::field::limbs;

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
            // the dispatching entry points (Edwards form where there is one)
            let affine = c.to_affine(&vt).unwrap();
            assert_eq!(c.mul_base_affine(&k), affine);
            let (num, den) = c.mul_base_x_fraction(&k);
            assert_eq!(c.fp.mul(&num, &c.fp.invert(&den)), affine.x);
            if c.edwards.is_some() {
                let ed = c.ed_mul_base(&k);
                assert_eq!(c.ed_to_weierstrass_ct(&ed), affine);
            }
        }
        assert!(bool::from(c.is_identity(&c.mul_base(&[0; N]))));
        if c.edwards.is_some() {
            let zero = c.ed_mul_base(&[0; N]);
            assert!(bool::from(c.fp.is_zero(&c.fp.sub(&zero.z, &zero.y))));
        }
    }

    /// Scalars that put the accumulator of `mul_base` on the table entry
    /// (or its negation) at the top position, where the complete formulas
    /// take over: k = 2^(64N) - q doubles there on cryptopro-B (q just
    /// above 2^255), and k = 2^(64N) - 2q, q - 1 and small k exercise the
    /// carries and the identity tracking.
    fn edge_scalars<const N: usize>(c: &Curve<N>) -> Vec<[u64; N]> {
        let q = c.q();
        let neg_q = limbs::sub(&[0u64; N], q).0;
        let neg_2q = limbs::sub(&neg_q, q).0;
        let mut one = [0u64; N];
        one[0] = 1;
        let mut out = vec![one, limbs::sub(q, &one).0, neg_q, neg_2q];
        for small in [2u64, 31, 32, 33, 64, 2047] {
            let mut k = [0u64; N];
            k[0] = small;
            out.push(k);
        }
        out
    }

    #[test]
    fn fixed_base_handles_the_top_position_collisions() {
        fn check<const N: usize>(c: &Curve<N>) {
            let g = c.to_projective(&c.g);
            for k in edge_scalars(c) {
                let ct = c.mul_base(&k);
                assert!(c.eq_projective(&ct, &c.mul_vartime(&g, &k)), "{k:x?}");
                assert!(c.eq_projective(&ct, &c.mul_base_vartime(&k)), "{k:x?}");
            }
        }
        for id in CurveId::ALL {
            match id.curve() {
                AnyCurve::W4(c) => check(c),
                AnyCurve::W8(c) => check(c),
            }
        }
    }

    /// The cryptopro-B collision is real: without the complete formulas at
    /// the top, the last incomplete addition would double.
    #[test]
    fn cryptopro_b_has_a_doubling_at_the_top_position() {
        let AnyCurve::W4(c) = CurveId::CryptoProB.curve() else {
            unreachable!()
        };
        let k = limbs::sub(&[0u64; 4], c.q()).0;
        let digits = recode_signed(&k, BASE_WINDOW);
        let top = base_positions::<4>() - 1;
        assert_eq!(c.incomplete_base_positions(), top);
        // s = sum of the digits below the top, as a (small) signed integer
        // modulo q, against d * 64^top.
        let mut s = c.fq.zero();
        let mut weight = c.fq.one();
        let sixty_four = c.fq.to_mont(&[64, 0, 0, 0]);
        let signed = |d: i8| {
            let m = c.fq.to_mont(&[d.unsigned_abs() as u64, 0, 0, 0]);
            if d < 0 { c.fq.neg(&m) } else { m }
        };
        for &d in &digits[..top] {
            s = c.fq.add(&s, &c.fq.mul(&signed(d), &weight));
            weight = c.fq.mul(&weight, &sixty_four);
        }
        let entry = c.fq.mul(&signed(digits[top]), &weight);
        assert_eq!(s, entry, "acc = entry at the top position");
    }

    #[test]
    fn fixed_base_agrees_with_variable_base() {
        for id in CurveId::ALL {
            match id.curve() {
                AnyCurve::W4(c) => fixed_base_matches_ladder(c),
                AnyCurve::W8(c) => fixed_base_matches_ladder(c),
            }
        }
    }
}
