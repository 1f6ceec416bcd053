//! Tests of the field arithmetic: every reduction mode against plain
//! Montgomery arithmetic, the kernels against the portable code, edge values.

use super::*;

fn p256a() -> MontField<4> {
    MontField::new(limbs::from_hex(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
    ))
}

#[test]
fn one_round_trips() {
    let f = p256a();
    let mut one = [0u64; 4];
    one[0] = 1;
    assert_eq!(f.to_mont(&one), f.one());
    assert_eq!(f.to_int(&f.one()), one);
}

#[test]
fn inverse_times_self_is_one() {
    let f = p256a();
    let x = f.to_mont(&limbs::from_hex(
        "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
    ));
    let inv = f.invert(&x);
    assert_eq!(f.mul(&x, &inv), f.one());
    assert_eq!(f.invert(&f.zero()), f.zero());
}

/// The same modulus with the fold disabled: plain Montgomery arithmetic.
fn generic<const N: usize>(f: &MontField<N>) -> MontField<N> {
    let mut g = f.clone();
    g.adx = None;
    g.sparse_c = 0;
    if g.special_c != 0 {
        g.special_c = 0;
        let mut x = [0u64; N];
        x[0] = 1;
        let mut one = [0u64; N];
        for i in 0..2 * 64 * N {
            x = MontField::double_mod(&x, &g.m);
            if i + 1 == 64 * N {
                one = x;
            }
        }
        g.one = one;
        g.r2 = x;
        g.r3 = g.mont_mul(&x, &x);
    }
    g
}

/// Steps the pseudo-random operands of the reduction tests.
fn next_operands<const N: usize>(a: &mut [u64; N], b: &mut [u64; N], round: u64) {
    for i in 0..N {
        a[i] = a[i]
            .wrapping_mul(6364136223846793005)
            .wrapping_add(round + i as u64)
            .rotate_left(17);
        b[i] ^= a[i].rotate_left(29);
    }
}

fn special_agrees<const N: usize>(f: &MontField<N>) {
    assert_ne!(f.special_c, 0);
    let g = generic(f);
    let mut a = [0u64; N];
    let mut b = [u64::MAX; N];
    for round in 0..300u64 {
        next_operands(&mut a, &mut b, round);
        if round == 1 {
            a = [u64::MAX; N]; // above m
        }
        let (fa, fb) = (f.to_mont(&a), f.to_mont(&b));
        let (ga, gb) = (g.to_mont(&a), g.to_mont(&b));
        assert_eq!(f.to_int(&f.mul(&fa, &fb)), g.to_int(&g.mul(&ga, &gb)));
        assert_eq!(f.to_int(&f.square(&fa)), g.to_int(&g.square(&ga)));
        assert_eq!(f.to_int(&f.add(&fa, &fb)), g.to_int(&g.add(&ga, &gb)));
        assert_eq!(f.to_int(&f.sub(&fa, &fb)), g.to_int(&g.sub(&ga, &gb)));
        assert_eq!(f.to_int(&f.sub(&fb, &fa)), g.to_int(&g.sub(&gb, &ga)));
        assert_eq!(f.to_int(&f.neg(&fa)), g.to_int(&g.neg(&ga)));
        assert_eq!(f.to_int(&f.double(&fb)), g.to_int(&g.double(&gb)));
        assert_eq!(f.to_int(&f.invert(&fa)), g.to_int(&g.invert(&ga)));
        assert_eq!(f.invert(&fa), f.invert_fermat(&fa));
        assert_eq!(g.invert(&ga), g.invert_fermat(&ga));
        assert_eq!(f.invert_vartime(&fa), f.invert(&fa));
        assert_eq!(g.invert_vartime(&ga), g.invert(&ga));
        assert_eq!(
            f.mul_plain(&f.reduce(&a), &f.reduce(&b)),
            g.mul_plain(&g.reduce(&a), &g.reduce(&b))
        );
        assert_eq!(f.reduce_wide(&a, &b), g.reduce_wide(&a, &b));
    }
    // Results just above zero, where the folded value V may lie in
    // [m, 2^(64N)) or beyond it and the last conditional subtraction
    // decides: products x * (r / x) and sums (m - 1 - j) + r for r
    // around c.
    let c = f.special_c;
    let edge = |j: u64| {
        let mut v = [0u64; N];
        v[0] = j;
        f.to_mont(&v)
    };
    for seed in 1..20u64 {
        let mut xv = [seed.wrapping_mul(0x9e37_79b9_7f4a_7c15); N];
        xv[N - 1] |= 1 << 63;
        let x = f.to_mont(&xv);
        let (gx, x_inv) = (g.to_mont(&f.to_int(&x)), f.invert(&x));
        for r in (0..8).chain(c - 4..c + 4).chain(2 * c - 2..2 * c + 2) {
            let y = f.mul(&x_inv, &edge(r));
            let gy = g.to_mont(&f.to_int(&y));
            assert_eq!(
                f.to_int(&f.mul(&x, &y)),
                g.to_int(&g.mul(&gx, &gy)),
                "r = {r}"
            );
            let top = f.sub(&f.neg(&f.one()), &edge(seed));
            let gtop = g.to_mont(&f.to_int(&top));
            let (er, ger) = (edge(r), g.to_mont(&f.to_int(&edge(r))));
            assert_eq!(f.to_int(&f.add(&top, &er)), g.to_int(&g.add(&gtop, &ger)));
            assert_eq!(f.to_int(&f.sub(&er, &top)), g.to_int(&g.sub(&ger, &gtop)));
        }
    }
    // m - 1 squared is 1; products near the top fold twice
    let m1 = f.neg(&f.one());
    assert_eq!(f.square(&m1), f.one());
    assert_eq!(f.to_int(&f.mul(&m1, &f.one())), g.to_int(&g.neg(&g.one())));
}

/// The mulx/adx kernels against the portable fold, on random inputs and
/// on the values where carries and the last subtraction decide: zero,
/// all ones, every value from 2^512 - 2c - 1 to 2^512 - 1 (which spans
/// m; unreduced inputs below 2^512 are allowed), and inputs with one
/// word set. Skipped (and said so) on CPUs without BMI2/ADX.
#[test]
fn adx_kernels_agree_with_portable_code() {
    let f = MontField::<8>::new(limbs::from_hex(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
    ));
    let Some(adx) = f.adx else {
        crate::cpu::skipped(
            "field::tests::adx_kernels_agree_with_portable_code",
            "no BMI2/ADX",
        );
        return;
    };
    let c = f.special_c;
    let mut specials: Vec<[u64; 8]> = vec![[0; 8], [u64::MAX; 8]];
    for delta in 0..=2 * c + 2 {
        // m - c - 1 + delta: from 2^512 - 2c - 1 up to 2^512 - 1
        let (v, _) = limbs::add_small(&limbs::sub_small(&f.m, c + 1).0, delta);
        specials.push(v);
    }
    for i in 0..8 {
        let mut v = [0u64; 8];
        v[i] = u64::MAX;
        specials.push(v);
        v[i] = 1;
        specials.push(v);
    }
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = || {
        let mut v = [0u64; 8];
        for limb in &mut v {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *limb = state;
        }
        v
    };
    let mut inputs = specials.clone();
    inputs.extend((0..2000).map(|_| random()));
    for (k, a) in inputs.iter().enumerate() {
        let partners = [specials[k % specials.len()], random(), *a];
        for b in &partners {
            assert_eq!(adx.mul(a, b, c), f.mont_mul(a, b), "a = {a:x?}, b = {b:x?}");
        }
        assert_eq!(adx.square(a, c), f.mont_sqr(a), "a = {a:x?}");
        assert_eq!(adx.square(a, c), f.mont_mul(a, a));
    }
    // The lazy values themselves (the loop above checked their
    // reductions): bit for bit those of the portable lazy product.
    let portable = lazy::LazyField::<8>::portable(c);
    for (k, a) in inputs.iter().enumerate() {
        let partners = [specials[k % specials.len()], random(), *a];
        for b in &partners {
            let lazy = adx.mul_lazy(a, b, c);
            assert_eq!(
                lazy,
                portable.mul(&Fe(*a), &Fe(*b)).0,
                "a = {a:x?}, b = {b:x?}"
            );
        }
        assert_eq!(
            adx.square_lazy(a, c),
            portable.square(&Fe(*a)).0,
            "a = {a:x?}"
        );
    }
    // Through the field's own entry points (which dispatch to the kernels).
    let x = f.to_mont(&[u64::MAX; 8]);
    assert_eq!(f.mul(&x, &x).0, f.mont_mul(&x.0, &x.0));
    assert_eq!(f.square(&x).0, f.mont_sqr(&x.0));
}

/// The sparse reduction of 2^255 + 3225 (CryptoPro-B) and 2^511 + 111
/// (tc26-512-B; the test curve's 2^255 + 1073 takes the same code):
/// products and squares against crypto-bigint's
/// `mul_mod` and against the plain Montgomery reduction of the same
/// modulus, on random values, on values at and above m, and on the
/// largest Montgomery-form operands (m - 1 stored).
fn sparse_agrees<const N: usize>(f: &MontField<N>, c: u64) {
    use crypto_bigint::{NonZero, Uint};
    assert_eq!(f.sparse_c, c);
    let g = generic(f);
    let m = NonZero::new(Uint::<N>::from_words(f.m)).unwrap();
    let reference = |a: &[u64; N], b: &[u64; N]| {
        let (a, b) = (Uint::<N>::from_words(*a), Uint::<N>::from_words(*b));
        a.rem(&m).mul_mod(&b.rem(&m), &m).to_words()
    };
    let mut m_minus_1 = f.m;
    m_minus_1[0] -= 1;
    let mut a = [0u64; N];
    let mut b = [u64::MAX; N];
    for round in 0..400u64 {
        next_operands(&mut a, &mut b, round);
        match round {
            1 => a = [u64::MAX; N],
            2 => a = m_minus_1,
            3 => (a, b) = (m_minus_1, m_minus_1),
            4 => a = f.m,
            _ => {}
        }
        assert_eq!(f.mul_plain(&f.reduce(&a), &f.reduce(&b)), reference(&a, &b));
        let (fa, fb) = (f.to_mont(&a), f.to_mont(&b));
        assert_eq!(
            f.to_int(&f.mul(&fa, &fb)),
            reference(&a, &b),
            "round {round}"
        );
        assert_eq!(f.to_int(&f.square(&fa)), reference(&a, &a), "round {round}");
        // Stored forms at the top of the range: raw Montgomery products.
        assert_eq!(f.mont_mul(&m_minus_1, &fb.0), g.mont_mul(&m_minus_1, &fb.0));
        assert_eq!(
            f.mont_mul(&[u64::MAX; N], &fb.0),
            g.mont_mul(&[u64::MAX; N], &fb.0)
        );
        assert_eq!(f.mont_sqr(&fa.0), g.mont_sqr(&fa.0));
    }
}

#[test]
fn special_reduction_agrees_with_montgomery() {
    special_agrees(&p256a());
    special_agrees(&MontField::<8>::new(limbs::from_hex(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
    )));
}

#[test]
fn squaring_matches_multiplication() {
    let f = p256a();
    let f8 = MontField::<8>::new(limbs::from_hex(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
    ));
    let mut x = f.to_mont(&[u64::MAX; 4]);
    let mut y = f8.to_mont(&[u64::MAX; 8]);
    for _ in 0..200 {
        assert_eq!(f.square(&x), f.mul(&x, &x));
        assert_eq!(f8.square(&y), f8.mul(&y, &y));
        x = f.add(&f.square(&x), &f.one());
        y = f8.add(&f8.square(&y), &f8.one());
    }
    let m1 = f.neg(&f.one());
    assert_eq!(f.square(&m1), f.one());
}

#[test]
fn wrap_around_add_sub() {
    let f = p256a();
    let m1 = f.neg(&f.one());
    assert_eq!(f.add(&m1, &f.one()), f.zero());
    assert_eq!(f.sub(&f.zero(), &f.one()), m1);
    assert_eq!(f.double(&m1), f.sub(&m1, &f.one()));
}

#[test]
fn reduce_values_above_modulus() {
    let f = p256a();
    let all_ones = [u64::MAX; 4];
    // 2^256 - 1 mod (2^256 - 617) = 616
    assert_eq!(f.reduce(&all_ones), [616, 0, 0, 0]);
    // (2^256 * 1 + 0) mod p = 617
    assert_eq!(f.reduce_wide(&[0; 4], &[1, 0, 0, 0]), [617, 0, 0, 0]);
}

/// The tests that take their moduli from the curves (a test module may use
/// the layer above).
#[cfg(test)]
mod every_curve {
    use super::*;

    /// Both safegcd inverses against Fermat's a^(m-2), on every curve's p
    /// and q (special and Montgomery moduli), including zero, one, m - 1,
    /// powers of two and values with their low words cleared (long runs of
    /// halvings in the divsteps).
    #[test]
    fn inverses_agree_with_fermat_on_every_modulus() {
        fn check<const N: usize>(f: &MontField<N>) {
            let mut x = [0x243f_6a88_85a3_08d3u64; N];
            for round in 0..200u32 {
                for (i, limb) in x.iter_mut().enumerate() {
                    *limb = limb
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(u64::from(round) + i as u64);
                }
                let mut v = x;
                match round % 4 {
                    // a power of two: one long run of zeros
                    0 => {
                        v = [0; N];
                        v[(round as usize / 4) % N] = 1 << (round % 64);
                    }
                    // low words cleared
                    1 => v[..N / 2].iter_mut().for_each(|l| *l = 0),
                    _ => {}
                }
                match round {
                    2 => v = [0; N],
                    3 => {
                        v = [0; N];
                        v[0] = 1;
                    }
                    6 => {
                        v = limbs::sub(&f.m, &{
                            let mut one = [0; N];
                            one[0] = 1;
                            one
                        })
                        .0
                    }
                    _ => {}
                }
                let a = f.to_mont(&v);
                let inv = f.invert_vartime(&a);
                let fermat = f.invert_fermat(&a);
                assert_eq!(inv, fermat, "vartime, round {round}");
                assert_eq!(f.invert(&a), fermat, "constant-time, round {round}");
                // crypto-bigint's safegcd on the stored value, as a third opinion.
                let m = crypto_bigint::Odd::new(crypto_bigint::Uint::<N>::from_words(f.m)).unwrap();
                let theirs = crypto_bigint::Uint::<N>::from_words(a.0)
                    .invert_odd_mod(&m)
                    .into_option()
                    .map(|x| x.to_words())
                    .unwrap_or([0; N]);
                assert_eq!(
                    f.stored_inverse(&theirs),
                    fermat,
                    "crypto-bigint, round {round}"
                );
                if limbs::is_zero_mask(&a.0) == 0 {
                    assert_eq!(f.mul(&a, &inv), f.one());
                }
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

    #[test]
    fn sparse_reduction_agrees_with_crypto_bigint() {
        use crate::curve::{AnyCurve, CurveId};
        match CurveId::CryptoProB.curve() {
            AnyCurve::W4(c) => sparse_agrees(&c.fp, 3225),
            AnyCurve::W8(_) => unreachable!("CryptoPro-B is a 256-bit curve"),
        }
        match CurveId::Tc26_512B.curve() {
            AnyCurve::W8(c) => sparse_agrees(&c.fp, 111),
            AnyCurve::W4(_) => unreachable!("tc26-512-B is a 512-bit curve"),
        }
        // Every other modulus keeps the general reduction.
        for id in CurveId::ALL {
            let sparse = match id.curve() {
                AnyCurve::W4(c) => (c.fp.sparse_c, c.fq.sparse_c),
                AnyCurve::W8(c) => (c.fp.sparse_c, c.fq.sparse_c),
            };
            let expected = match id {
                CurveId::CryptoProB | CurveId::Tc26_256C => (3225, 0),
                CurveId::Tc26_512B => (111, 0),
                // The standard's example curve: p = 2^255 + 1073.
                CurveId::Test256 => (1073, 0),
                _ => (0, 0),
            };
            assert_eq!(sparse, expected, "{id:?}");
        }
    }
}
