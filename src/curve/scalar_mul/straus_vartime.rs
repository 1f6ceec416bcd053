//! Uncached verification: z1*G + z2*Q by Straus's interleaving of two
//! width-w NAF multiplications.
//!
//! Why: one chain of doublings serves both products; at each bit position
//! an addition of a table entry follows for each scalar whose digit there
//! is nonzero. G's table is precomputed once per curve with a large width
//! (10); Q's is built per call with width 5 (affine on the Weierstrass
//! curves, one shared inversion; on the Edwards curves left projective,
//! since there an addition of a projective entry costs only 1M more and
//! the inversion is saved). On tc26-512-C with AVX-512 IFMA the same steps
//! run four coordinates at a time (`curve::x86_64::straus_ifma_x4`).

use super::recoding::wnaf;
use super::vartime_forms::{Edw, G_WIDTH, GTables, Jac, Q_WIDTH, VarForm, x_matches};
use crate::curve::Curve;
use crate::curve::point::AffinePoint;

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

impl<const N: usize> Curve<N> {
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
