//! Verification with a prepared key: z1*G + z2*Q by combs over both
//! points.
//!
//! Why: a key verified many times pays once for tables that cut the
//! doubling chain from 64N steps to d. Each scalar is cut into
//! `COMB_PARTS` chunks of d bits, z = sum_j z_j 2^(dj), and both G and Q
//! get a width-w NAF table for each 2^(dj) * point; the 2 * COMB_PARTS
//! products are interleaved as in Straus's method.

use super::recoding::wnaf;
use super::vartime_forms::{
    COMB_G_WIDTH, COMB_PARTS, COMB_Q_WIDTH, Edw, GTables, Jac, VarForm, comb_bits, comb_tables,
    x_matches,
};
use crate::curve::Curve;
use crate::curve::edwards::EdAffine;
use crate::curve::point::AffinePoint;

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
