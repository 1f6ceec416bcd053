//! Uncached verification on tc26-512-C with the four coordinates of a
//! point in the four lanes of the AVX-512 IFMA vectors of `field::x86_64::ifma_x4`.
//!
//! The steps are those of [`crate::curve::scalar_mul::straus_vartime`] (Straus over width-w NAF
//! digits, G's per-curve table, Q's per-call table) and the formulas those
//! of [`super::edwards`], regrouped so that each stage is one lane-wise
//! product of (X, Y, Z, T)-shaped vectors:
//!
//! * doubling: (X + Y, X, Y, Z)^2 = ((X+Y)^2, A, B, Z^2), then with
//!   E = (X+Y)^2 - A - B, G = A + B, F = G - 2Z^2, H = A - B
//!   (E, G, F, E) * (F, H, G, H) = (X3, Y3, Z3, T3);
//! * adding an affine entry (u, v, d*u*v): (X, Y, T, X + Y) *
//!   (u, v, duv, u + v) = (a, b, c, p), then with E = p - a - b,
//!   F = Z - c, G = Z + c, H = b - a the same last product.
//!
//! So a doubling or an addition costs two vector products and some lane
//! moves, where the scalar code does seven or eight products. Q's odd
//! multiples are normalised to affine form (one shared inversion), since
//! a projective entry would need a third vector product per addition.

use crate::cpu::Ifma;
use crate::curve::Curve;
use crate::curve::edwards::{EdAffine, EdPoint};
use crate::curve::point::AffinePoint;
use crate::curve::scalar_mul::recoding::wnaf;
use crate::curve::scalar_mul::vartime_forms::{
    Edw, G_WIDTH, Q_WIDTH, VarForm, odd_multiples, x_matches,
};
use crate::field::x86_64::ifma_x4::{FieldX4, Split, X4};

/// A table entry ready for the first product of an addition:
/// (u, v, duv, u + v) for +P and (-u, v, -duv, v - u) for -P, split.
#[derive(Clone, Copy)]
pub(crate) struct EntryX4 {
    pos: Split,
    neg: Split,
}

/// Whether z1*G + z2*Q has x = r (mod q) on tc26-512-C, with the vector
/// arithmetic; the same answer as [`Curve::verify_combination_scalar`].
pub(crate) fn verify_uncached<const N: usize>(
    ifma: Ifma,
    c: &Curve<N>,
    z1: &[u64; N],
    z2: &[u64; N],
    q: &AffinePoint<N>,
    r: &[u64; N],
) -> bool {
    // SAFETY: `ifma` exists only if `cpu::Ifma::get` found AVX-512 F, DQ
    // and IFMA, the features `check_uncached` is compiled for.
    #[allow(unsafe_code)]
    unsafe {
        check_uncached(ifma, c, z1, z2, q, r)
    }
}

#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
fn check_uncached<const N: usize>(
    ifma: Ifma,
    c: &Curve<N>,
    z1: &[u64; N],
    z2: &[u64; N],
    q: &AffinePoint<N>,
    r: &[u64; N],
) -> bool {
    let fx = FieldX4::new(ifma, &c.fp);
    let form = Edw(c);
    let q_ed = c.weierstrass_to_ed_extended(q);
    let q_table: Vec<EntryX4> = form
        .normalize(&odd_multiples(&form, &q_ed, Q_WIDTH))
        .iter()
        .map(|e| entry(&fx, c, e))
        .collect();
    let g_table = c.g_table_x4.get_or_init(|| {
        c.g_tables_ed()
            .wnaf
            .iter()
            .map(|e| entry(&fx, c, e))
            .collect()
    });
    let (d1, l1) = wnaf(z1, G_WIDTH);
    let (d2, l2) = wnaf(z2, Q_WIDTH);
    let len = l1.max(l2);

    let one = {
        let mut one = [0u64; N];
        one[0] = 1;
        one
    };
    let zero = [0u64; N];
    // The walk of `scalar_mul::straus_vartime::straus_uncached`, written again: sharing it
    // through closures left them out of line in the scalar instantiations
    // (callgrind: tc26-256-A verification +4.6 % instructions).
    let mut acc = fx.pack([&zero, &one, &one, &zero]);
    let mut started = false;
    for i in (0..len).rev() {
        if started {
            acc = double(&fx, &acc);
        }
        let (dg, dq) = (d1[i], d2[i]);
        if dg != 0 {
            let e = &g_table[(dg.unsigned_abs() >> 1) as usize];
            acc = add_entry(&fx, &acc, if dg < 0 { &e.neg } else { &e.pos });
            started = true;
        }
        if dq != 0 {
            let e = &q_table[(dq.unsigned_abs() >> 1) as usize];
            acc = add_entry(&fx, &acc, if dq < 0 { &e.neg } else { &e.pos });
            started = true;
        }
    }
    let [x, y, z, t] = fx.unpack::<N>(&acc);
    let f = c.fp.public();
    let point = EdPoint {
        x: f.canonical(&x),
        y: f.canonical(&y),
        z: f.canonical(&z),
        t: f.canonical(&t),
    };
    let (num, den) = c.ed_weierstrass_x_fraction(&point);
    x_matches(c, &num, &den, r)
}

/// The vector form of a (reduced) table entry.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
fn entry<const N: usize>(fx: &FieldX4, c: &Curve<N>, e: &EdAffine<N>) -> EntryX4 {
    let f = &c.fp;
    let sum = f.add(&e.u, &e.v);
    let (nu, nduv, diff) = (f.neg(&e.u), f.neg(&e.duv), f.sub(&e.v, &e.u));
    EntryX4 {
        pos: fx.split(&fx.pack([&e.u.0, &e.v.0, &e.duv.0, &sum.0])),
        neg: fx.split(&fx.pack([&nu.0, &e.v.0, &nduv.0, &diff.0])),
    }
}

/// 2P for P = (X, Y, Z, T) in lanes 0..3 (T is not read).
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn double(fx: &FieldX4, p: &X4) -> X4 {
    // (X + Y, X, Y, Z), squared: ((X+Y)^2, A, B, Z^2).
    let s = fx.add(
        &fx.permute(p, [0, 0, 1, 2], 0b1111),
        &fx.permute(p, [1, 0, 0, 0], 0b0001),
    );
    let sq = fx.square(&s);
    let a = fx.broadcast(&sq, 1);
    let b = fx.broadcast(&sq, 2);
    let zz = fx.broadcast(&sq, 3);
    let g = fx.add(&a, &b);
    let e = fx.sub(&fx.broadcast(&sq, 0), &g);
    let f = fx.sub(&g, &fx.add(&zz, &zz));
    let h = fx.sub(&a, &b);
    finish(fx, &e, &f, &g, &h)
}

/// P + entry, the entry split as in [`EntryX4`].
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn add_entry(fx: &FieldX4, p: &X4, entry: &Split) -> X4 {
    // (X, Y, T, X + Y) * (u, v, duv, u + v) = (a, b, c, p).
    let s = fx.add(
        &fx.permute(p, [0, 1, 3, 0], 0b1111),
        &fx.permute(p, [0, 0, 0, 1], 0b1000),
    );
    let prod = fx.mul(&s, entry);
    let a = fx.broadcast(&prod, 0);
    let b = fx.broadcast(&prod, 1);
    let cc = fx.broadcast(&prod, 2);
    let z = fx.broadcast(p, 2);
    let e = fx.sub(&fx.broadcast(&prod, 3), &fx.add(&a, &b));
    let f = fx.sub(&z, &cc);
    let g = fx.add(&z, &cc);
    let h = fx.sub(&b, &a);
    finish(fx, &e, &f, &g, &h)
}

/// (E, G, F, E) * (F, H, G, H) = (EF, GH, FG, EH) = (X3, Y3, Z3, T3), from
/// E, F, G, H each in every lane.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
#[inline]
fn finish(fx: &FieldX4, e: &X4, f: &X4, g: &X4, h: &X4) -> X4 {
    let left = fx.blend(&fx.blend(e, g, 0b0010), f, 0b0100);
    let right = fx.blend(&fx.blend(h, f, 0b0001), g, 0b0100);
    fx.mul(&left, &fx.split(&right))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curve::{AnyCurve, CurveId};

    /// The vector doubling and addition against the scalar Edwards
    /// formulas, on points reached by a chain of both, and the whole
    /// verification against the scalar one on valid and altered inputs.
    fn check<const N: usize>(ifma: Ifma, c: &Curve<N>) {
        #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
        fn formulas<const N: usize>(ifma: Ifma, c: &Curve<N>) {
            let fx = FieldX4::new(ifma, &c.fp);
            let f = c.fp.public();
            let to_x4 = |p: &EdPoint<N>| fx.pack([&p.x.0, &p.y.0, &p.z.0, &p.t.0]);
            let same = |v: &X4, p: &EdPoint<N>| {
                // Projective equality: X/Z and Y/Z agree, and T Z = X Y.
                let [x, y, z, t] = fx.unpack::<N>(v);
                let fp = &c.fp;
                let canon = |a| f.canonical(&a);
                let (x, y, z, t) = (canon(x), canon(y), canon(z), canon(t));
                assert_eq!(fp.mul(&x, &p.z), fp.mul(&p.x, &z), "X/Z");
                assert_eq!(fp.mul(&y, &p.z), fp.mul(&p.y, &z), "Y/Z");
                assert_eq!(fp.mul(&t, &z), fp.mul(&x, &y), "T");
            };
            let g = c.ed().g;
            let g_entry = entry(&fx, c, &g);
            let mut p = c.ed_from_affine(&g);
            let mut v = to_x4(&p);
            for round in 0..40 {
                let (next_p, next_v) = if round % 3 == 2 {
                    let minus = c.ed_add_affine(&p, &Curve::ed_neg_affine_in(&c.fp, &g));
                    (minus, add_entry(&fx, &v, &g_entry.neg))
                } else if round % 3 == 1 {
                    (c.ed_add_affine(&p, &g), add_entry(&fx, &v, &g_entry.pos))
                } else {
                    (c.ed_double(&p), double(&fx, &v))
                };
                same(&next_v, &next_p);
                p = next_p;
                v = next_v;
            }
        }
        // SAFETY: `ifma` comes from `cpu::Ifma::get`.
        #[allow(unsafe_code)]
        unsafe {
            formulas(ifma, c)
        };

        // Random combinations: vector and scalar verification agree, and
        // accept the r they produce.
        let mut seed = [0x5851_f42d_4c95_7f2du64; N];
        let mut next = || {
            for (i, w) in seed.iter_mut().enumerate() {
                *w = w
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407 + i as u64);
            }
            c.fq.reduce(&seed)
        };
        let g = c.to_projective(&c.g);
        for _ in 0..12 {
            let (k, z1, z2) = (next(), next(), next());
            let q = c
                .to_affine(&c.mul_vartime(&g, &k))
                .expect("k < q is not zero");
            // r = x(z1 G + z2 Q) mod q, from the scalar path.
            let sum = c.add(
                &c.mul_vartime(&g, &z1),
                &c.mul_vartime(&c.to_projective(&q), &z2),
            );
            let x = c.fp.to_int(&c.to_affine(&sum).expect("not the identity").x);
            let r = c.fq.reduce(&x);
            assert!(verify_uncached(ifma, c, &z1, &z2, &q, &r), "valid");
            let mut wrong = r;
            wrong[0] ^= 1;
            assert!(!verify_uncached(ifma, c, &z1, &z2, &q, &wrong), "altered r");
            let mut z2b = z2;
            z2b[0] ^= 4;
            assert_eq!(
                verify_uncached(ifma, c, &z1, &z2b, &q, &r),
                c.verify_combination_scalar(&z1, &z2b, &q, &r),
                "altered z2"
            );
        }
    }

    #[test]
    fn vector_verification_agrees_with_scalar() {
        let Some(ifma) = Ifma::get() else {
            crate::cpu::skipped(
                "curve::x86_64::straus_ifma_x4::tests::vector_verification_agrees_with_scalar",
                "no AVX-512 IFMA",
            );
            return;
        };
        let AnyCurve::W8(c) = CurveId::Tc26_512C.curve() else {
            unreachable!()
        };
        check(ifma, c);
    }
}

/// Timing probe, not a test: `cargo test --release --lib -- --ignored
/// ifma_probe --nocapture` prints vector and scalar verification times.
#[cfg(test)]
mod probe {
    use super::*;
    use crate::curve::{AnyCurve, CurveId};

    fn time<const N: usize>(c: &Curve<N>, name: &str) {
        let Some(ifma) = Ifma::get() else {
            return;
        };
        let g = c.to_projective(&c.g);
        let mut k = [0x1234_5678_9abc_def1u64; N];
        k[N - 1] >>= 8;
        let q = c.to_affine(&c.mul_vartime(&g, &k)).expect("nonzero");
        let (z1, z2) = (
            c.fq.reduce(&[0x9e37_79b9_7f4a_7c15; N]),
            c.fq.reduce(&[0x7f4a_7c15_9e37_79b9; N]),
        );
        let r = [5u64; N];
        for round in 0..3 {
            let n = 2000;
            let t = std::time::Instant::now();
            for _ in 0..n {
                std::hint::black_box(verify_uncached(ifma, c, &z1, &z2, &q, &r));
            }
            let vec_ns = t.elapsed().as_nanos() / n;
            let t = std::time::Instant::now();
            for _ in 0..n {
                std::hint::black_box(c.verify_combination_scalar(&z1, &z2, &q, &r));
            }
            let scalar_ns = t.elapsed().as_nanos() / n;
            eprintln!("{name} round {round}: vector {vec_ns} ns, scalar {scalar_ns} ns");
        }
    }

    #[test]
    #[ignore = "probe"]
    fn ifma_probe() {
        let AnyCurve::W8(c) = CurveId::Tc26_512C.curve() else {
            unreachable!()
        };
        time(c, "tc26-512-c");
    }
}
