//! What the variable-time multi-scalar multiplications of verification
//! share: the two coordinate systems behind one trait, the table widths,
//! the tables of odd multiples, and the final comparison with r.
//!
//! Why: verification computes z1*G + z2*Q from public inputs only, by
//! Straus's interleaving ([`super::straus_vartime`]) or, for prepared keys,
//! by combs ([`super::comb_vartime`]); both (and the IFMA version in
//! `curve::x86_64`) run the same steps in Jacobian coordinates on the
//! Weierstrass curves and in extended Edwards coordinates on the two
//! Edwards curves ([`VarForm`]). Tables hold odd multiples 1P, 3P, ...,
//! (2^(w-1) - 1)P for width-w NAF digits. The final comparison avoids an
//! inversion: x = num/den is congruent to r mod q exactly when
//! num = r' * den for one of r' = r, r + q, ... below p.

use crate::curve::Curve;
use crate::curve::edwards::{EdAffine, EdCached, EdPoint};
use crate::curve::jacobian::JacobianPoint;
use crate::curve::point::AffinePoint;
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

/// Bits per comb chunk: 32 on 256-bit curves, 64 on 512-bit ones.
pub(crate) const fn comb_bits<const N: usize>() -> usize {
    64 * N / COMB_PARTS
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
    pub(crate) fn reduced(&self, p: &EdPoint<N>) -> EdPoint<N> {
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
