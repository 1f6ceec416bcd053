//! Eight fixed-base multiplications k_i*G at once, one per lane of the
//! AVX-512 IFMA arithmetic of [`crate::field::x86_64::ifma_x8`]: the k*G of batch
//! signing, on every curve.
//!
//! The steps are those of the scalar comb, lane by lane: signed radix-64
//! digits and one addition of a table entry per digit position.
//!
//! * Edwards curves (tc26-256-A, tc26-512-C), as [`Curve::ed_mul_base`]:
//!   the complete HWCD addition, a zero digit selecting the neutral entry
//!   (0, 1, 0).
//! * Weierstrass curves, as [`Curve::mul_base`]: the incomplete Jacobian
//!   addition on the low positions (where its exceptional cases cannot
//!   occur), the identity tracked per lane in a mask, a zero digit keeping
//!   the accumulator by a mask blend; the top position then per lane with
//!   the scalar complete formulas. Over 2^256 - 617 and 2^512 - 569
//!   (CryptoPro-A, tc26-512-A) in [`FieldX8`] with the curve's table as it
//!   is; over the other primes (CryptoPro-B and -C, tc26-512-B) in
//!   Montgomery form ([`MontX8`]) with a copy of the table converted to
//!   that form, built on first use (88 KiB, 352 KiB for tc26-512-B).
//!
//! What changes is the lookup. Each lane needs its own entry of the row,
//! so the scan reads all 32 entries once and, for each, broadcasts its
//! words into the lanes whose digit magnitude it is (a compare into a mask
//! register, then masked broadcasts): the same loads and instructions
//! whatever the digits are, as in [`super::scan`], and one pass serves all
//! eight lanes. The entries' 64-bit words become radix-2^R limbs in
//! registers, and the per-lane sign is a masked blend with the negation.
//!
//! Bounds (see the fields' docs): entries are reduced, so their limbs are
//! below 2^R and their negations below 2^(R+3); every product input stays
//! below 2^51 and every subtrahend within what its subtraction takes.

use core::arch::x86_64::*;

use crate::cpu::Ifma;
use crate::curve::Curve;
use crate::curve::edwards::EdPoint;
use crate::curve::jacobian::JacobianPoint;
use crate::curve::point::ProjectivePoint;
use crate::curve::scalar_mul::fixed_base_comb::{
    BASE_ENTRIES, BASE_WINDOW, BaseTable, base_positions,
};
use crate::curve::scalar_mul::recoding::{MAX_DIGITS, abs_and_sign, recode_signed};
use crate::curve::scan::Packed;
use crate::field::Fe;
use crate::field::x86_64::V;
use crate::field::x86_64::ifma_x8::{FieldX8, MontX8, X8, lanes_to_vector};

/// Eight points in extended coordinates, one per lane.
struct EdX8<const L: usize> {
    x: X8<L>,
    y: X8<L>,
    z: X8<L>,
    t: X8<L>,
}

impl<const N: usize> Curve<N> {
    /// k_i*G for eight scalars k_i < 2^(64N) on the Weierstrass form, in
    /// constant time; the same points as [`Self::mul_base`] on each. The
    /// low (incomplete-addition) positions run in the lanes, the top one
    /// per lane with the scalar complete formulas. `ifma` is this curve's
    /// `comb_x8`.
    pub(crate) fn mul_base_x8(&self, ifma: Ifma, ks: &[[u64; N]; 8]) -> [ProjectivePoint<N>; 8] {
        // SAFETY: as in `ed_mul_base_x8`.
        #[allow(unsafe_code)]
        unsafe {
            match (N, self.fp.special_c() != 0) {
                (4, true) => jac_lanes_special::<N, 6>(ifma, self, ks),
                (_, true) => jac_lanes_special::<N, 11>(ifma, self, ks),
                (4, false) => jac_lanes_montgomery::<N, 6>(ifma, self, ks),
                (_, false) => jac_lanes_montgomery::<N, 12>(ifma, self, ks),
            }
        }
    }

    /// k_i*G for eight scalars k_i < 2^(64N) on the Edwards form, in
    /// constant time; the same points as [`Self::ed_mul_base`] on each,
    /// with reduced coordinates. `ifma` is this curve's `comb_x8`.
    pub(crate) fn ed_mul_base_x8(&self, ifma: Ifma, ks: &[[u64; N]; 8]) -> [EdPoint<N>; 8] {
        // SAFETY: `ifma` exists only if `cpu::Ifma::get` found AVX-512 F, DQ
        // and IFMA, the features `mul_base_lanes` is compiled for.
        #[allow(unsafe_code)]
        unsafe {
            if N == 4 {
                mul_base_lanes::<N, 6>(ifma, self, ks)
            } else {
                mul_base_lanes::<N, 11>(ifma, self, ks)
            }
        }
    }
}

#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
fn mul_base_lanes<const N: usize, const L: usize>(
    ifma: Ifma,
    c: &Curve<N>,
    ks: &[[u64; N]; 8],
) -> [EdPoint<N>; 8] {
    let fx = FieldX8::<N, L>::new(ifma, &c.fp);
    let table = c.ed_base_table();
    let mut digits: [[i8; MAX_DIGITS]; 8] =
        core::array::from_fn(|lane| recode_signed(&ks[lane], BASE_WINDOW));
    let mut one = [0u64; N];
    one[0] = 1;
    let zero = fx.splat(&[0; N]);
    let mut acc = EdX8 {
        x: zero,
        y: fx.splat(&one),
        z: fx.splat(&one),
        t: zero,
    };
    // The neutral entry (u, v, duv) = (0, 1, 0), word by word.
    let neutral: Packed<N, 3> = [[0; N], one, [0; N]];
    for i in 0..base_positions::<N>() {
        let (magnitudes, negative) = digit_lanes(&digits, i);
        let [u, v, duv] =
            scan_lanes(table.row(i), magnitudes, &neutral).map(|w| fx.words_to_limbs(&w));
        let u = fx.cond_neg(&u, negative);
        let duv = fx.cond_neg(&duv, negative);
        acc = add_entry(&fx, &acc, &u, &v, &duv);
    }
    zeroize::Zeroize::zeroize(digits.as_flattened_mut());
    let [x, y, z, t] = [&acc.x, &acc.y, &acc.z, &acc.t].map(|coordinate| fx.unpack(coordinate));
    core::array::from_fn(|lane| EdPoint {
        x: Fe(x[lane]),
        y: Fe(y[lane]),
        z: Fe(z[lane]),
        t: Fe(t[lane]),
    })
}

/// Digit position i of the eight scalars: each lane's digit magnitude in
/// a vector, and a mask of the lanes whose digit is negative (no branch).
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn digit_lanes(digits: &[[i8; MAX_DIGITS]; 8], i: usize) -> (V, __mmask8) {
    let mut magnitudes = [0u64; 8];
    let mut negative = 0u8;
    for (lane, lane_digits) in digits.iter().enumerate() {
        let (abs, sign) = abs_and_sign(lane_digits[i]);
        magnitudes[lane] = abs as u64;
        negative |= sign.unwrap_u8() << lane;
    }
    (lanes_to_vector(&magnitudes), negative)
}

/// Eight points in Jacobian coordinates, one per lane.
struct JacX8<const L: usize> {
    x: X8<L>,
    y: X8<L>,
    z: X8<L>,
}

/// The Jacobian lanes of [`Curve::mul_base_x8`] for one of the two lane
/// arithmetics, which share their method names: [`FieldX8`] (fold of
/// 2^(64N) - c, stored values are the elements themselves, the curve's
/// table as is) and [`MontX8`] (Montgomery form, a table converted to it).
///
/// The addition is madd-2007-bl as in [`Curve::jac_add_affine_incomplete`]
/// (7M + 4S), straight-line and only correct where P is not the identity
/// and P != +-Q, which the caller's masks discard. Bounds, for
/// [`MontX8`]'s values (M = 64N; [`FieldX8`] needs only the limb bounds,
/// which the same steps meet): the accumulator's coordinates are carried
/// and below 2^(M+4) + 2^(M+2); products are below 2^(M+1); then
/// h < 2^(M+5.2), r < 2^(M+6.2), i < 2^(M+3), and every product's inputs
/// multiply to less than 2^(2M+14); the subtrahends of `sub` (sums of at
/// most three products) stay below 2^(M+3), those of `sub_wide` (the
/// accumulator's coordinates, x3) below 2^(M+4) + 2^(M+2).
macro_rules! jacobian_lanes {
    ($name:ident, $add:ident, $field:ident, $setup:ident) => {
        #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
        fn $name<const N: usize, const L: usize>(
            ifma: Ifma,
            c: &Curve<N>,
            ks: &[[u64; N]; 8],
        ) -> [ProjectivePoint<N>; 8] {
            let (fx, table): ($field<N, L>, &BaseTable<N, 2>) = $setup(ifma, c);
            let incomplete = c.incomplete_base_positions().min(base_positions::<N>());
            let mut digits: [[i8; MAX_DIGITS]; 8] =
                core::array::from_fn(|lane| recode_signed(&ks[lane], BASE_WINDOW));
            let one = fx.one();
            // The Jacobian identity (1 : 1 : 0) in every lane, and a mask
            // of the lanes still at it (every digit so far zero).
            let mut acc = JacX8 {
                x: one,
                y: one,
                z: fx.splat(&[0; N]),
            };
            let mut at_identity: __mmask8 = 0xff;
            let start: Packed<N, 2> = [[0; N]; 2];
            let zero = _mm512_setzero_si512();
            for i in 0..incomplete {
                let (magnitudes, negative) = digit_lanes(&digits, i);
                let [u, v] = scan_lanes(table.row(i), magnitudes, &start);
                let (u, v) = (fx.words_to_limbs(&u), fx.words_to_limbs(&v));
                let v = fx.carry(&fx.cond_neg(&v, negative));
                let sum = $add(&fx, &acc, &u, &v);
                // Where acc was the identity, the entry itself (Z = 1);
                // where the digit is zero, acc unchanged: mask blends.
                let nonzero = _mm512_cmpneq_epi64_mask(magnitudes, zero);
                let next = JacX8 {
                    x: fx.blend(&sum.x, &u, at_identity),
                    y: fx.blend(&sum.y, &v, at_identity),
                    z: fx.blend(&sum.z, &one, at_identity),
                };
                acc = JacX8 {
                    x: fx.blend(&acc.x, &next.x, nonzero),
                    y: fx.blend(&acc.y, &next.y, nonzero),
                    z: fx.blend(&acc.z, &next.z, nonzero),
                };
                at_identity &= !nonzero;
            }
            let [x, y, z] = [&acc.x, &acc.y, &acc.z].map(|coordinate| fx.unpack_fe(coordinate));
            let out = core::array::from_fn(|lane| {
                let low = JacobianPoint {
                    x: Fe(x[lane]),
                    y: Fe(y[lane]),
                    z: Fe(z[lane]),
                };
                c.mul_base_complete_top(&low, &digits[lane], incomplete)
            });
            zeroize::Zeroize::zeroize(digits.as_flattened_mut());
            out
        }

        #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
        #[inline]
        fn $add<const N: usize, const L: usize>(
            fx: &$field<N, L>,
            p: &JacX8<L>,
            u: &X8<L>,
            v: &X8<L>,
        ) -> JacX8<L> {
            let z1z1 = fx.square(&p.z);
            let u2 = fx.mul(u, &z1z1);
            let s2 = fx.mul(v, &fx.mul(&p.z, &z1z1));
            let h = fx.sub_wide(&u2, &p.x);
            let half_r = fx.sub_wide(&s2, &p.y);
            let r = fx.carry(&fx.add(&half_r, &half_r));
            let hh = fx.square(&h);
            let hh2 = fx.add(&hh, &hh);
            let i = fx.add(&hh2, &hh2);
            let j = fx.mul(&h, &i);
            let v1 = fx.mul(&p.x, &i);
            // x3 = r^2 - (j + 2 v1)
            let x3 = fx.carry(&fx.sub(&fx.square(&r), &fx.add(&j, &fx.add(&v1, &v1))));
            // y3 = r (v1 - x3) - 2 Y1 j
            let y1j = fx.mul(&p.y, &j);
            let y3 = fx.carry(&fx.sub(&fx.mul(&r, &fx.sub_wide(&v1, &x3)), &fx.add(&y1j, &y1j)));
            // z3 = (Z1 + h)^2 - (Z1^2 + hh)
            let z3 = fx.carry(&fx.sub(&fx.square(&fx.add(&p.z, &h)), &fx.add(&z1z1, &hh)));
            JacX8 {
                x: x3,
                y: y3,
                z: z3,
            }
        }
    };
}

/// The lane arithmetic and its table, for [`jacobian_lanes`].
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
fn special_setup<const N: usize, const L: usize>(
    ifma: Ifma,
    c: &Curve<N>,
) -> (FieldX8<N, L>, &BaseTable<N, 2>) {
    (FieldX8::new(ifma, &c.fp), c.base_table())
}

/// The lane arithmetic and its table (both built once per curve), for
/// [`jacobian_lanes`].
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
fn montgomery_setup<const N: usize, const L: usize>(
    ifma: Ifma,
    c: &Curve<N>,
) -> (MontX8<N, L>, &BaseTable<N, 2>) {
    let (consts, table) = c.mont_x8();
    (MontX8::new(ifma, consts), table)
}

jacobian_lanes!(jac_lanes_special, add_special, FieldX8, special_setup);
jacobian_lanes!(
    jac_lanes_montgomery,
    add_montgomery,
    MontX8,
    montgomery_setup
);

/// Each lane's entry of a row (entry |d| - 1 for a digit magnitude
/// |d| >= 1 in that lane of `magnitudes`, `start` for 0), as words (word j
/// of every lane in vector j), by a full scan: every entry is read, and
/// its words are broadcast into the lanes whose magnitude matches, under a
/// mask register computed without branches.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn scan_lanes<const N: usize, const K: usize>(
    row: &[Packed<N, K>; BASE_ENTRIES],
    magnitudes: V,
    start: &Packed<N, K>,
) -> [[V; N]; K] {
    let mut words: [[V; N]; K] = start.map(|c| c.map(|w| _mm512_set1_epi64(w as i64)));
    for (j, entry) in row.iter().enumerate() {
        let hit = _mm512_cmpeq_epi64_mask(magnitudes, _mm512_set1_epi64(j as i64 + 1));
        for (coordinate, stored) in words.iter_mut().zip(entry) {
            for (word, &value) in coordinate.iter_mut().zip(stored) {
                *word = _mm512_mask_set1_epi64(*word, hit, value as i64);
            }
        }
    }
    words
}

/// P + Q for a table entry Q = (u, v, duv) in every lane: the complete
/// HWCD addition of [`Curve::ed_add_affine_in`] (8M).
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn add_entry<const N: usize, const L: usize>(
    fx: &FieldX8<N, L>,
    p: &EdX8<L>,
    u: &X8<L>,
    v: &X8<L>,
    duv: &X8<L>,
) -> EdX8<L> {
    // Limb bounds: p's coordinates are products (< 2^(R+1)); u and duv
    // below 2^(R+3), v below 2^R.
    let a = fx.mul(&p.x, u);
    let b = fx.mul(&p.y, v);
    let c = fx.mul(&p.t, duv);
    // (X + Y)(u + v): inputs below 2^(R+2) and 2^(R+4).
    let sum_product = fx.mul(&fx.add(&p.x, &p.y), &fx.add(u, v));
    // a + b below 2^(R+2): a valid subtrahend.
    let e = fx.sub(&sum_product, &fx.add(&a, &b));
    let f = fx.sub(&p.z, &c);
    let g = fx.add(&p.z, &c);
    let h = fx.sub(&b, &a);
    // e, f, h below 2^(R+1) + 2^(R+3), g below 2^(R+2).
    EdX8 {
        x: fx.mul(&e, &f),
        y: fx.mul(&g, &h),
        z: fx.mul(&f, &g),
        t: fx.mul(&e, &h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{AnyCurve, CurveId};
    use crate::field::limbs;

    /// Edge scalars (0, 1, q - 1, q, q + 1, 2^(64N) - 1, digits all +-32)
    /// and random ones, half of those below q as signing nonces are.
    fn scalars<const N: usize>(c: &Curve<N>) -> Vec<[u64; N]> {
        let q = *c.q();
        let mut scalars: Vec<[u64; N]> = vec![
            [0; N],
            limbs::add_small(&[0; N], 1).0,
            limbs::sub_small(&q, 1).0,
            q,
            limbs::add_small(&q, 1).0,
            [u64::MAX; N],
            // Recoded, these have digits of 32 and -32 only.
            [0x8208_2082_0820_8208; N],
            [0x7df7_df7d_f7df_7df7; N],
        ];
        let mut x = [0x9e37_79b9_7f4a_7c15u64; N];
        for round in 0..40u64 {
            for (i, w) in x.iter_mut().enumerate() {
                *w = w
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407 ^ (round << 8 | i as u64));
            }
            if round % 2 == 0 {
                x[N - 1] >>= 2;
            }
            scalars.push(x);
        }
        scalars
    }

    /// Every group of eight, in every rotation of the lanes.
    fn groups<const N: usize>(scalars: &[[u64; N]]) -> Vec<[[u64; N]; 8]> {
        let mut out = Vec::new();
        for shift in 0..8 {
            for group in scalars.chunks_exact(8) {
                out.push(core::array::from_fn(|i| group[(i + shift) % 8]));
            }
        }
        out
    }

    /// Eight lanes of k*G on the Edwards form against the scalar
    /// constant-time comb, and the Weierstrass x signing takes from them.
    fn check_edwards<const N: usize>(c: &Curve<N>) {
        let ifma = c.comb_x8.expect("checked by the caller");
        let f = &c.fp;
        for ks in groups(&scalars(c)) {
            let got = c.ed_mul_base_x8(ifma, &ks);
            for (k, p) in ks.iter().zip(&got) {
                let want = c.ed_mul_base(k);
                // The same projective point, and T Z = X Y.
                assert_eq!(f.mul(&p.x, &want.z), f.mul(&want.x, &p.z), "x, k = {k:x?}");
                assert_eq!(f.mul(&p.y, &want.z), f.mul(&want.y, &p.z), "y, k = {k:x?}");
                assert_eq!(f.mul(&p.t, &p.z), f.mul(&p.x, &p.y), "t, k = {k:x?}");
                let (num, den) = c.ed_weierstrass_x_fraction(p);
                let (num2, den2) = c.mul_base_x_fraction(k);
                assert_eq!(f.mul(&num, &den2), f.mul(&num2, &den), "x, k = {k:x?}");
            }
        }
    }

    /// The same on the Weierstrass form (Jacobian lanes, scalar top).
    fn check_weierstrass<const N: usize>(c: &Curve<N>) {
        let ifma = c.comb_x8.expect("checked by the caller");
        let f = &c.fp;
        for ks in groups(&scalars(c)) {
            let got = c.mul_base_x8(ifma, &ks);
            for (k, p) in ks.iter().zip(&got) {
                let want = c.mul_base(k);
                assert_eq!(f.mul(&p.x, &want.z), f.mul(&want.x, &p.z), "x, k = {k:x?}");
                assert_eq!(f.mul(&p.y, &want.z), f.mul(&want.y, &p.z), "y, k = {k:x?}");
                // Nonzero Z where k is not a multiple of q.
                assert_eq!(p.z == Fe([0; N]), want.z == Fe([0; N]), "z, k = {k:x?}");
            }
        }
    }

    /// Every precomputed table of a curve, built (the eight-lane comb's
    /// converted copy and the vector verification table included), holds
    /// at most 1 MiB: the bound.
    fn table_bytes<const N: usize>(c: &Curve<N>) -> usize {
        fn g_bytes<E>(t: &crate::curve::scalar_mul::vartime_forms::GTables<E>) -> usize {
            let entries = t.wnaf.len() + t.comb.iter().map(Vec::len).sum::<usize>();
            entries * core::mem::size_of::<E>()
        }
        let mut bytes = if c.edwards.is_some() {
            c.ed_base_table().bytes() + g_bytes(c.g_tables_ed())
        } else {
            c.base_table().bytes() + g_bytes(c.g_tables_jac())
        };
        if c.comb_x8.is_some() && c.edwards.is_none() && c.fp.special_c() == 0 {
            bytes += c.mont_x8().1.bytes();
        }
        if c.straus_x4.is_some() {
            // G's vector verification table: 256 entries (see curve::x86_64::straus_ifma_x4).
            bytes += 256 * core::mem::size_of::<crate::curve::x86_64::straus_ifma_x4::EntryX4>();
        }
        bytes
    }

    #[test]
    fn tables_stay_within_a_mebibyte_per_curve() {
        for id in CurveId::ALL {
            let bytes = match id.curve() {
                AnyCurve::W4(c) => table_bytes(c),
                AnyCurve::W8(c) => table_bytes(c),
            };
            assert!(bytes <= 1 << 20, "{id}: {bytes} bytes of tables");
            eprintln!("{id}: {} KiB of tables", bytes / 1024);
        }
    }

    #[test]
    fn eight_lanes_agree_with_the_scalar_comb() {
        let mut ran = 0;
        for id in CurveId::ALL {
            match id.curve() {
                AnyCurve::W4(c) if c.comb_x8.is_some() => {
                    if c.edwards.is_some() {
                        check_edwards(c)
                    } else {
                        check_weierstrass(c)
                    }
                    ran += 1;
                }
                AnyCurve::W8(c) if c.comb_x8.is_some() => {
                    if c.edwards.is_some() {
                        check_edwards(c)
                    } else {
                        check_weierstrass(c)
                    }
                    ran += 1;
                }
                _ => {}
            }
        }
        if crate::cpu::Ifma::get().is_some() {
            assert_eq!(
                ran,
                CurveId::ALL.len(),
                "every curve has the eight-lane comb"
            );
        } else {
            crate::cpu::skipped(
                "curve::x86_64::comb_ifma_x8::tests::eight_lanes_agree_with_the_scalar_comb",
                "no AVX-512 IFMA",
            );
        }
    }
}
