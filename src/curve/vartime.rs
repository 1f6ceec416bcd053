//! Variable-time multi-scalar multiplication for signature verification,
//! where every input (digest, signature, public key) is public.
//!
//! Verification computes z1*G + z2*Q and compares its x with r. Both
//! products are interleaved (Straus's trick): one chain of doublings, and
//! at each bit position an addition of a table entry for each scalar whose
//! signed digit there is nonzero. Scalars are written in width-w NAF
//! (odd digits |d| < 2^(w-1), at least w-1 zeros after each nonzero
//! digit), so a table of odd multiples 1P, 3P, ..., (2^(w-1) - 1)P serves
//! and a w-bit window costs one addition on average per w + 1 bits.
//!
//! * Uncached verification: G's table is precomputed once per curve with a
//!   large width (10); Q's is built per call with width 5 (affine on the
//!   Weierstrass curves, one shared inversion; on the Edwards curves left
//!   projective, since there an addition of a projective entry costs only
//!   1M more and the inversion is saved). On tc26-512-C with AVX-512 IFMA
//!   the same steps run four coordinates at a time (`curve::ifma`).
//! * Cached (prepared) keys: the scalar is cut into `t` chunks of `d` bits,
//!   z = sum_j z_j 2^(dj), and both G and Q get a table for each
//!   2^(dj) * point (a comb). The doubling chain shrinks from 64N to d.
//!
//! Two coordinate systems implement the same steps ([`VarForm`]): Jacobian
//! coordinates on the Weierstrass curves, extended Edwards coordinates on
//! the two Edwards curves. The final comparison avoids an inversion:
//! x = num/den is congruent to r mod q exactly when num = r' * den for one
//! of r' = r, r + q, ... below p.

use super::Curve;
use super::edwards::{EdAffine, EdCached, EdPoint};
use super::jacobian::JacobianPoint;
use super::point::AffinePoint;
use crate::field::{Fe, FieldOps, limbs};

/// wNAF width of the per-curve table of G for uncached verification.
pub(crate) const G_WIDTH: u32 = 10;
/// wNAF width of Q's per-call table.
pub(crate) const Q_WIDTH: u32 = 5;
/// wNAF width of each comb table of a prepared key.
pub(crate) const COMB_Q_WIDTH: u32 = 6;
/// wNAF width of each comb table of G.
pub(crate) const COMB_G_WIDTH: u32 = 8;
/// Number of comb chunks (teeth).
pub(crate) const COMB_PARTS: usize = 8;

/// Digits of the longest recoding: 512 bits plus a carry position.
const MAX_DIGITS: usize = 8 * 64 + 1;

/// Bits per comb chunk: 32 on 256-bit curves, 64 on 512-bit ones.
pub(crate) const fn comb_bits<const N: usize>() -> usize {
    64 * N / COMB_PARTS
}

/// Width-w NAF of a little-endian multi-limb integer (at most 8 limbs):
/// digits[i] is the coefficient of 2^i; returns the digits and how many
/// positions are used.
///
/// One pass over the bit positions with a pending carry: where carry plus
/// the bit is even the digit is zero; otherwise the w-bit window plus the
/// carry, v, gives the digit v (v < 2^(w-1)) or v - 2^w (carrying 2^w
/// upward), and the next w - 1 digits are zero. A carry never goes past
/// position 64 * limbs: a negative digit at p needs the value's bits from
/// p on to be at least 2^(w-1), so p + w <= 64 * limbs.
pub(crate) fn wnaf(k: &[u64], w: u32) -> ([i16; MAX_DIGITS], usize) {
    // Two zero limbs past the value: windows read across the top.
    let mut x = [0u64; 10];
    x[..k.len()].copy_from_slice(k);
    let bits = 64 * k.len();
    let w_bits = w as usize;
    let mask = (1u64 << w) - 1;
    let half = 1i64 << (w - 1);
    let mut digits = [0i16; MAX_DIGITS];
    let mut len = 0;
    let mut carry = 0i64;
    let mut pos = 0;
    while pos <= bits {
        let (limb, shift) = (pos / 64, pos % 64);
        let mut window = x[limb] >> shift;
        if shift + w_bits > 64 {
            window |= x[limb + 1] << (64 - shift);
        }
        let v = (window & mask) as i64 + carry;
        if v & 1 == 0 {
            pos += 1;
            continue;
        }
        let digit = if v < half { v } else { v - (1i64 << w) };
        carry = i64::from(digit < 0);
        digits[pos] = digit as i16;
        len = pos + 1;
        pos += w_bits;
    }
    (digits, len)
}

/// The group operations the interleaved multiplication needs.
pub(crate) trait VarForm<const N: usize> {
    /// Accumulator (projective) point.
    type Acc: Copy;
    /// Table entry (affine, ready for a mixed addition).
    type Entry: Copy;
    /// Entry of the per-call table of Q in uncached verification.
    type QEntry: Copy;
    /// Q's odd multiples up to width `w` as table entries.
    fn q_table(&self, q: &Self::Acc, w: u32) -> Vec<Self::QEntry>;
    /// `then_add`: whether another addition follows at once (else a
    /// doubling or the end), so the sum's coordinates a doubling ignores
    /// may be skipped.
    fn add_q_entry(
        &self,
        p: &Self::Acc,
        e: &Self::QEntry,
        negate: bool,
        then_add: bool,
    ) -> Self::Acc;
    fn identity(&self) -> Self::Acc;
    /// 2P; `then_add` says whether an addition follows.
    fn double(&self, p: &Self::Acc, then_add: bool) -> Self::Acc;
    /// `then_add` as for [`Self::add_q_entry`].
    fn add_entry(&self, p: &Self::Acc, e: &Self::Entry, negate: bool, then_add: bool) -> Self::Acc;
    fn add(&self, p: &Self::Acc, q: &Self::Acc) -> Self::Acc;
    /// Affine entries; the points must not be the identity.
    fn normalize(&self, points: &[Self::Acc]) -> Vec<Self::Entry>;
    /// x of the point as num/den (den = 0 for the identity).
    fn x_fraction(&self, p: &Self::Acc) -> (Fe<N>, Fe<N>);
}

/// Jacobian coordinates on a Weierstrass curve (in the public arithmetic,
/// like the Edwards form below).
pub(crate) struct Jac<'a, const N: usize>(pub &'a Curve<N>);
/// Extended coordinates on an Edwards curve.
pub(crate) struct Edw<'a, const N: usize>(pub &'a Curve<N>);

impl<const N: usize> VarForm<N> for Jac<'_, N> {
    type Acc = JacobianPoint<N>;
    type Entry = AffinePoint<N>;
    /// Affine: a mixed Jacobian addition (7M + 4S) is 5M cheaper than a
    /// full one, which pays for normalising the table.
    type QEntry = AffinePoint<N>;
    fn q_table(&self, q: &Self::Acc, w: u32) -> Vec<Self::QEntry> {
        self.normalize(&odd_multiples(self, q, w))
    }
    #[inline(always)]
    fn add_q_entry(
        &self,
        p: &Self::Acc,
        e: &Self::QEntry,
        negate: bool,
        then_add: bool,
    ) -> Self::Acc {
        self.add_entry(p, e, negate, then_add)
    }
    fn identity(&self) -> Self::Acc {
        self.0.jac_identity()
    }
    #[inline(always)]
    fn double(&self, p: &Self::Acc, _then_add: bool) -> Self::Acc {
        self.0.jac_double(p)
    }
    #[inline(always)]
    fn add_entry(&self, p: &Self::Acc, e: &Self::Entry, negate: bool, _: bool) -> Self::Acc {
        // One inlined addition, not one per sign (which doubled the Straus
        // loops' code and optimisation time).
        let y = if negate {
            self.0.fp.public().neg(&e.y)
        } else {
            e.y
        };
        self.0.jac_add_affine(p, &AffinePoint { x: e.x, y })
    }
    fn add(&self, p: &Self::Acc, q: &Self::Acc) -> Self::Acc {
        self.0.jac_add(p, q)
    }
    fn normalize(&self, points: &[Self::Acc]) -> Vec<Self::Entry> {
        self.0.jac_batch_to_affine(points)
    }
    fn x_fraction(&self, p: &Self::Acc) -> (Fe<N>, Fe<N>) {
        let p = self.0.jac_reduced(p);
        (p.x, self.0.fp.square(&p.z))
    }
}

/// The Edwards steps run in the lazily reduced public arithmetic
/// (`field::public::PublicField`): accumulators may hold unreduced
/// coordinates, and everything that leaves the form (table entries, the
/// final x) is reduced first.
impl<const N: usize> VarForm<N> for Edw<'_, N> {
    type Acc = EdPoint<N>;
    type Entry = EdAffine<N>;
    /// Not normalised: an addition with Z2 != 1 costs 1M more (9M), less
    /// than the inversion and ~7M per entry that normalising would cost.
    type QEntry = EdCached<N>;
    fn q_table(&self, q: &Self::Acc, w: u32) -> Vec<Self::QEntry> {
        odd_multiples(self, q, w)
            .iter()
            .map(|p| self.0.ed_cached(&self.reduced(p)))
            .collect()
    }
    #[inline(always)]
    fn add_q_entry(
        &self,
        p: &Self::Acc,
        e: &Self::QEntry,
        negate: bool,
        then_add: bool,
    ) -> Self::Acc {
        self.0
            .ed_add_cached_in(&self.0.fp.public(), p, e, negate, then_add)
    }
    fn identity(&self) -> Self::Acc {
        self.0.ed_identity()
    }
    #[inline(always)]
    fn double(&self, p: &Self::Acc, then_add: bool) -> Self::Acc {
        let f = self.0.fp.public();
        if then_add {
            Curve::ed_double_in(&f, p)
        } else {
            Curve::ed_double_no_t_in(&f, p)
        }
    }
    #[inline(always)]
    fn add_entry(&self, p: &Self::Acc, e: &Self::Entry, negate: bool, then_add: bool) -> Self::Acc {
        let f = self.0.fp.public();
        if negate {
            self.0
                .ed_add_affine_in(&f, p, &Curve::ed_neg_affine_in(&f, e), then_add)
        } else {
            self.0.ed_add_affine_in(&f, p, e, then_add)
        }
    }
    fn add(&self, p: &Self::Acc, q: &Self::Acc) -> Self::Acc {
        self.0.ed_add_in(&self.0.fp.public(), p, q)
    }
    fn normalize(&self, points: &[Self::Acc]) -> Vec<Self::Entry> {
        let reduced: Vec<EdPoint<N>> = points.iter().map(|p| self.reduced(p)).collect();
        self.0.ed_batch_to_affine(&reduced)
    }
    fn x_fraction(&self, p: &Self::Acc) -> (Fe<N>, Fe<N>) {
        self.0.ed_weierstrass_x_fraction(&self.reduced(p))
    }
}

impl<const N: usize> Edw<'_, N> {
    /// An accumulator with its coordinates reduced below p.
    fn reduced(&self, p: &EdPoint<N>) -> EdPoint<N> {
        let f = self.0.fp.public();
        EdPoint {
            x: f.canonical(&p.x),
            y: f.canonical(&p.y),
            z: f.canonical(&p.z),
            t: f.canonical(&p.t),
        }
    }
}

/// Odd multiples P, 3P, ..., (2^(w-1) - 1)P as table entries.
pub(crate) fn odd_multiples<const N: usize, F: VarForm<N>>(
    form: &F,
    p: &F::Acc,
    w: u32,
) -> Vec<F::Acc> {
    let count = 1usize << (w - 2);
    let mut out = Vec::with_capacity(count);
    out.push(*p);
    if count > 1 {
        let two_p = form.double(p, true);
        for i in 1..count {
            out.push(form.add(&out[i - 1], &two_p));
        }
    }
    out
}

/// Comb tables: for j < COMB_PARTS, the odd multiples of 2^(d j) P.
pub(crate) fn comb_tables<const N: usize, F: VarForm<N>>(
    form: &F,
    p: &F::Acc,
    w: u32,
) -> Vec<Vec<F::Entry>> {
    let d = comb_bits::<N>();
    let mut all = Vec::new();
    let mut base = *p;
    for j in 0..COMB_PARTS {
        all.extend(odd_multiples(form, &base, w));
        if j + 1 < COMB_PARTS {
            for _ in 0..d {
                base = form.double(&base, true);
            }
        }
    }
    let entries = form.normalize(&all);
    entries
        .chunks_exact(1 << (w - 2))
        .map(|c| c.to_vec())
        .collect()
}

/// sum over terms of digits * table, interleaved; `len` digit positions.
fn straus<const N: usize, F: VarForm<N>>(
    form: &F,
    terms: &[(&[i16], &[F::Entry])],
    len: usize,
) -> F::Acc {
    let mut acc = form.identity();
    let mut started = false;
    for i in (0..len).rev() {
        let any = terms.iter().any(|(d, _)| d[i] != 0);
        if started {
            acc = form.double(&acc, any);
        }
        if any {
            for (t, (digits, table)) in terms.iter().enumerate() {
                let d = digits[i];
                if d != 0 {
                    let entry = &table[(d.unsigned_abs() >> 1) as usize];
                    let then_add = terms[t + 1..].iter().any(|(d, _)| d[i] != 0);
                    acc = form.add_entry(&acc, entry, d < 0, then_add);
                }
            }
            started = true;
        }
    }
    acc
}

/// z1*G + z2*Q from their wNAF digits: one doubling chain, G's entries
/// from the per-curve table, Q's from its per-call one.
fn straus_uncached<const N: usize, F: VarForm<N>>(
    form: &F,
    g: (&[i16], &[F::Entry]),
    q: (&[i16], &[F::QEntry]),
    len: usize,
) -> F::Acc {
    let mut acc = form.identity();
    let mut started = false;
    for i in (0..len).rev() {
        let (dg, dq) = (g.0[i], q.0[i]);
        let any = dg != 0 || dq != 0;
        if started {
            acc = form.double(&acc, any);
        }
        if dg != 0 {
            let entry = &g.1[(dg.unsigned_abs() >> 1) as usize];
            acc = form.add_entry(&acc, entry, dg < 0, dq != 0);
            started = true;
        }
        if dq != 0 {
            let entry = &q.1[(dq.unsigned_abs() >> 1) as usize];
            acc = form.add_q_entry(&acc, entry, dq < 0, false);
            started = true;
        }
    }
    acc
}

/// Per-curve tables of G for verification.
pub(crate) struct GTables<E> {
    /// Odd multiples of G up to width G_WIDTH.
    pub wnaf: Vec<E>,
    /// Comb tables of G (COMB_PARTS of width COMB_G_WIDTH).
    pub comb: Vec<Vec<E>>,
}

impl<E> GTables<E> {
    pub(crate) fn build<const N: usize, F: VarForm<N, Entry = E>>(form: &F, g: &F::Acc) -> Self {
        let wnaf = form.normalize(&odd_multiples(form, g, G_WIDTH));
        let comb = comb_tables(form, g, COMB_G_WIDTH);
        GTables { wnaf, comb }
    }
}

/// Whether num/den, a field element, reduced mod q equals r (0 < r < q):
/// whether num = r' * den for one of r' = r, r + q, r + 2q, ... below p
/// (up to four candidates on the cofactor-4 curves, where q < p/4 + 1).
pub(crate) fn x_matches<const N: usize>(
    c: &Curve<N>,
    num: &Fe<N>,
    den: &Fe<N>,
    r: &[u64; N],
) -> bool {
    let f = &c.fp;
    if bool::from(f.is_zero(den)) {
        return false;
    }
    let mut candidate = *r;
    while limbs::lt_mask(&candidate, f.modulus()) != 0 {
        if *num == f.mul(&f.to_mont(&candidate), den) {
            return true;
        }
        let (next, carry) = limbs::add(&candidate, c.q());
        if carry != 0 {
            break;
        }
        candidate = next;
    }
    false
}

/// z1*G + z2*Q has x = r (mod q), Q given by its point; builds Q's table.
pub(crate) fn check_uncached<const N: usize, F: VarForm<N>>(
    form: &F,
    c: &Curve<N>,
    g: &GTables<F::Entry>,
    q_point: &F::Acc,
    z1: &[u64; N],
    z2: &[u64; N],
    r: &[u64; N],
) -> bool {
    let q_table = form.q_table(q_point, Q_WIDTH);
    let (d1, l1) = wnaf(z1, G_WIDTH);
    let (d2, l2) = wnaf(z2, Q_WIDTH);
    let len = l1.max(l2);
    let acc = straus_uncached(form, (&d1[..], &g.wnaf[..]), (&d2[..], &q_table[..]), len);
    let (num, den) = form.x_fraction(&acc);
    x_matches(c, &num, &den, r)
}

/// The same with Q's comb tables precomputed.
pub(crate) fn check_prepared<const N: usize, F: VarForm<N>>(
    form: &F,
    c: &Curve<N>,
    g: &GTables<F::Entry>,
    q_comb: &[Vec<F::Entry>],
    z1: &[u64; N],
    z2: &[u64; N],
    r: &[u64; N],
) -> bool {
    let d = comb_bits::<N>();
    let chunk = |z: &[u64; N], j: usize| -> u64 {
        let bit = d * j;
        let v = z[bit / 64] >> (bit % 64);
        if d == 64 { v } else { v & ((1u64 << d) - 1) }
    };
    let mut digits = Vec::with_capacity(2 * COMB_PARTS);
    let mut len = 0;
    for j in 0..COMB_PARTS {
        let (dg, lg) = wnaf(&[chunk(z1, j)], COMB_G_WIDTH);
        let (dq, lq) = wnaf(&[chunk(z2, j)], COMB_Q_WIDTH);
        len = len.max(lg).max(lq);
        digits.push(dg);
        digits.push(dq);
    }
    let mut terms: Vec<(&[i16], &[F::Entry])> = Vec::with_capacity(2 * COMB_PARTS);
    for j in 0..COMB_PARTS {
        terms.push((&digits[2 * j][..], &g.comb[j][..]));
        terms.push((&digits[2 * j + 1][..], &q_comb[j][..]));
    }
    let acc = straus(form, &terms, len);
    let (num, den) = form.x_fraction(&acc);
    x_matches(c, &num, &den, r)
}

impl<const N: usize> Curve<N> {
    /// G's verification tables in Jacobian/affine form (Weierstrass curves).
    pub(crate) fn g_tables_jac(&self) -> &GTables<AffinePoint<N>> {
        self.g_tables_jac.get_or_init(|| {
            let form = Jac(self);
            GTables::build(&form, &self.jac_from_affine(&self.g))
        })
    }

    /// G's verification tables in Edwards form (Edwards curves).
    pub(crate) fn g_tables_ed(&self) -> &GTables<EdAffine<N>> {
        self.g_tables_ed.get_or_init(|| {
            let form = Edw(self);
            GTables::build(&form, &self.ed_from_affine(&self.ed().g))
        })
    }

    /// Whether z1*G + z2*Q has x = r (mod q): uncached verification. On
    /// the Edwards curves, with AVX-512 IFMA, by the vector code.
    pub(crate) fn verify_combination(
        &self,
        z1: &[u64; N],
        z2: &[u64; N],
        q: &AffinePoint<N>,
        r: &[u64; N],
    ) -> bool {
        #[cfg(target_arch = "x86_64")]
        if let Some(ifma) = self.ifma {
            return super::ifma::verify_uncached(ifma, self, z1, z2, q, r);
        }
        self.verify_combination_scalar(z1, z2, q, r)
    }

    /// [`Self::verify_combination`] in scalar arithmetic.
    pub(crate) fn verify_combination_scalar(
        &self,
        z1: &[u64; N],
        z2: &[u64; N],
        q: &AffinePoint<N>,
        r: &[u64; N],
    ) -> bool {
        if self.edwards.is_some() {
            let form = Edw(self);
            let q_ed = self.weierstrass_to_ed_extended(q);
            check_uncached(&form, self, self.g_tables_ed(), &q_ed, z1, z2, r)
        } else {
            let form = Jac(self);
            let qj = self.jac_from_affine(q);
            check_uncached(&form, self, self.g_tables_jac(), &qj, z1, z2, r)
        }
    }
}

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

/// A public key's comb tables in the curve's verification form.
pub(crate) enum PreparedTables<const N: usize> {
    Weierstrass(Vec<Vec<AffinePoint<N>>>),
    Edwards(Vec<Vec<EdAffine<N>>>),
}

impl<const N: usize> PreparedTables<N> {
    pub(crate) fn new(c: &Curve<N>, q: &AffinePoint<N>) -> Self {
        if c.edwards.is_some() {
            let form = Edw(c);
            let q_ed = c.weierstrass_to_ed_extended(q);
            PreparedTables::Edwards(comb_tables(&form, &q_ed, COMB_Q_WIDTH))
        } else {
            let form = Jac(c);
            PreparedTables::Weierstrass(comb_tables(&form, &c.jac_from_affine(q), COMB_Q_WIDTH))
        }
    }

    /// Bytes held by the tables.
    pub(crate) fn size_bytes(&self) -> usize {
        match self {
            PreparedTables::Weierstrass(t) => {
                t.iter().map(Vec::len).sum::<usize>() * core::mem::size_of::<AffinePoint<N>>()
            }
            PreparedTables::Edwards(t) => {
                t.iter().map(Vec::len).sum::<usize>() * core::mem::size_of::<EdAffine<N>>()
            }
        }
    }

    /// Whether z1*G + z2*Q has x = r (mod q), with Q's tables.
    pub(crate) fn verify_combination(
        &self,
        c: &Curve<N>,
        z1: &[u64; N],
        z2: &[u64; N],
        r: &[u64; N],
    ) -> bool {
        match self {
            PreparedTables::Weierstrass(t) => {
                check_prepared(&Jac(c), c, c.g_tables_jac(), t, z1, z2, r)
            }
            PreparedTables::Edwards(t) => check_prepared(&Edw(c), c, c.g_tables_ed(), t, z1, z2, r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The first implementation of [`wnaf`]: one bit per step, subtracting
    /// each digit from a multi-limb copy of the value.
    fn wnaf_reference(k: &[u64], w: u32) -> ([i16; MAX_DIGITS], usize) {
        let mut x = [0u64; 9];
        x[..k.len()].copy_from_slice(k);
        let mut digits = [0i16; MAX_DIGITS];
        let modulus = 1i64 << w;
        let half = modulus >> 1;
        let mut i = 0;
        let mut len = 0;
        while x.iter().any(|&l| l != 0) {
            if x[0] & 1 == 1 {
                let mut d = (x[0] & (modulus as u64 - 1)) as i64;
                if d >= half {
                    d -= modulus;
                }
                // x -= d, so that x becomes divisible by 2^w
                if d > 0 {
                    let mut borrow = d as u64;
                    for limb in x.iter_mut() {
                        let (v, b) = limb.overflowing_sub(borrow);
                        *limb = v;
                        borrow = b as u64;
                    }
                } else {
                    let mut carry = (-d) as u64;
                    for limb in x.iter_mut() {
                        let (v, c) = limb.overflowing_add(carry);
                        *limb = v;
                        carry = c as u64;
                    }
                }
                digits[i] = d as i16;
                len = i + 1;
            }
            for j in 0..9 {
                let next = if j + 1 < 9 { x[j + 1] } else { 0 };
                x[j] = (x[j] >> 1) | (next << 63);
            }
            i += 1;
        }
        (digits, len)
    }

    /// The one-pass recoding against the reference on random 1-, 4- and
    /// 8-limb values, every width used, and all-ones values (carries up to
    /// the top position).
    #[test]
    fn wnaf_agrees_with_the_reference() {
        let mut x = 0x243f_6a88_85a3_08d3u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x ^ (x >> 31)
        };
        for round in 0..300 {
            for limbs in [1usize, 4, 8] {
                let mut v: Vec<u64> = (0..limbs).map(|_| next()).collect();
                if round == 0 {
                    v.iter_mut().for_each(|l| *l = u64::MAX);
                }
                if round == 1 {
                    v.iter_mut().for_each(|l| *l = 0);
                }
                for w in [4u32, 5, 6, 8, 10] {
                    let (got, got_len) = wnaf(&v, w);
                    let (want, want_len) = wnaf_reference(&v, w);
                    assert_eq!(got_len, want_len, "{v:x?} w={w}");
                    assert_eq!(got[..], want[..], "{v:x?} w={w}");
                }
            }
        }
    }

    #[test]
    fn wnaf_reconstructs_and_is_sparse() {
        for w in [4u32, 5, 6, 8, 10] {
            for v in [
                [1u64, 0],
                [u64::MAX, 0],
                [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210],
                [0, 1 << 63],
                [u64::MAX, 1 << 62],
            ] {
                let (d, len) = wnaf(&v, w);
                let mut acc: i128 = 0;
                let mut hi_part: i128 = 0;
                // evaluate as a 129-bit value in two halves: low 64 and the rest
                for i in (0..len).rev() {
                    if i >= 64 {
                        hi_part += (d[i] as i128) << (i - 64);
                    } else {
                        acc += (d[i] as i128) << i;
                    }
                }
                let total = (hi_part << 64) + acc;
                let want = ((v[1] as i128) << 64) + v[0] as i128;
                assert_eq!(total, want, "w={w}");
                let bound = 1i16 << (w - 1);
                for i in 0..len {
                    if d[i] != 0 {
                        assert!(d[i] % 2 != 0 && d[i].abs() < bound);
                        for j in 1..w as usize {
                            if i + j < len {
                                assert_eq!(d[i + j], 0, "w-1 zeros after a digit");
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Instruction-count probes (see `field::probe`).
#[cfg(test)]
mod probe {
    use crate::curve::{AnyCurve, CurveId};

    fn rounds() -> usize {
        std::env::var("ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(1000)
    }

    #[test]
    #[ignore = "probe"]
    fn jac_double_cryptopro_a() {
        let AnyCurve::W4(c) = CurveId::CryptoProA.curve() else {
            unreachable!()
        };
        let mut p = c.jac_from_affine(&c.g);
        for _ in 0..rounds() {
            p = c.jac_double(&p);
        }
        std::hint::black_box(p);
    }

    #[test]
    #[ignore = "probe"]
    fn jac_add_affine_cryptopro_a() {
        let AnyCurve::W4(c) = CurveId::CryptoProA.curve() else {
            unreachable!()
        };
        let mut p = c.jac_double(&c.jac_from_affine(&c.g));
        for _ in 0..rounds() {
            p = c.jac_add_affine(&p, &c.g);
        }
        std::hint::black_box(p);
    }

    #[test]
    #[ignore = "probe"]
    fn ed_double_tc26_256a() {
        let AnyCurve::W4(c) = CurveId::Tc26_256A.curve() else {
            unreachable!()
        };
        let mut p = c.ed_from_affine(&c.ed().g);
        for _ in 0..rounds() {
            p = c.ed_double_no_t(&p);
        }
        std::hint::black_box(p);
    }

    #[test]
    #[ignore = "probe"]
    fn ed_add_affine_tc26_256a() {
        let AnyCurve::W4(c) = CurveId::Tc26_256A.curve() else {
            unreachable!()
        };
        let g = c.ed().g;
        let mut p = c.ed_from_affine(&g);
        for _ in 0..rounds() {
            p = c.ed_add_affine(&p, &g);
        }
        std::hint::black_box(p);
    }

    #[test]
    #[ignore = "probe"]
    fn ed_mul_base_tc26_256a() {
        let AnyCurve::W4(c) = CurveId::Tc26_256A.curve() else {
            unreachable!()
        };
        let mut k = [0x0123_4567_89ab_cdefu64; 4];
        for _ in 0..rounds() {
            k[0] = k[0].wrapping_add(1);
            std::hint::black_box(c.ed_mul_base(&k));
        }
    }
}
