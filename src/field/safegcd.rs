//! Modular inversion by Bernstein and Yang's divsteps ("safegcd"), in the
//! half-delta form whose iteration bound is proven by Wuille's
//! safegcd-bounds: ⌊(45907 b + 30179) / 19929⌋ divsteps suffice for
//! b-bit inputs (591 for 256 bits, 1180 for 512).
//!
//! One divstep on (δ, f, g), f odd:
//!   δ > 0 and g odd:  (δ, f, g) <- (1 - δ, g, (g - f) / 2)
//!   g odd otherwise:  (δ, f, g) <- (1 + δ, f, (g + f) / 2)
//!   g even:           (δ, f, g) <- (1 + δ, f, g / 2)
//! Starting from (1/2, m, x), g reaches 0 and f = ±gcd(m, x) = ±1.
//!
//! Steps run 62 at a time on the low 64 bits of f and g, collecting a
//! transition matrix T with [f'; g'] = T [f; g] / 2^62 and entries below
//! 2^62 in magnitude; T is then applied to the full f, g and to the
//! Bézout-coefficient pair (d, e), kept with f = d x, g = e x (mod m). The
//! division of d, e by 2^62 mod m adds the multiple of m that clears their
//! low 62 bits, chosen so they stay in (-2m, m). Numbers are signed, in
//! radix 2^62: N + 1 limbs for an N-word modulus (the top limb signed, the
//! others in [0, 2^62)), so that every product fits an i128.
//!
//! The constant-time variant runs the full bound with branch-free steps
//! (masks, no secret-dependent branch or index); the variable-time one, for
//! public inputs, stops as soon as g is zero.

/// Limbs of the widest modulus (8 words) plus one.
const MAX_LIMBS: usize = 9;
const LIMB_MASK: i64 = (1 << 62) - 1;

type Signed62 = [i64; MAX_LIMBS];

/// The modulus in radix 2^62 and its inverse mod 2^62.
#[derive(Clone, Debug)]
pub(crate) struct Inverter<const N: usize> {
    m: Signed62,
    m_inv62: u64,
}

/// Divsteps needed for inputs of `bits` bits (safegcd-bounds, half-delta).
const fn iterations(bits: u64) -> u64 {
    (45907 * bits + 30179) / 19929
}

impl<const N: usize> Inverter<N> {
    const LIMBS: usize = N + 1;

    pub(crate) fn new(m: &[u64; N]) -> Self {
        assert!(N < MAX_LIMBS && m[0] & 1 == 1);
        Inverter {
            m: to_signed62::<N>(m),
            m_inv62: super::limbs::inverse_mod_2_64(m[0]) & LIMB_MASK as u64,
        }
    }

    /// x^-1 mod m for x < 2^(64N) coprime to m, in constant time; an input
    /// sharing a factor with m (zero) gives an unspecified value.
    pub(crate) fn invert(&self, x: &[u64; N]) -> [u64; N] {
        self.run::<false>(x)
    }

    /// x^-1 mod m for a public x; same contract.
    pub(crate) fn invert_vartime(&self, x: &[u64; N]) -> [u64; N] {
        self.run::<true>(x)
    }

    fn run<const VARTIME: bool>(&self, x: &[u64; N]) -> [u64; N] {
        let mut f = self.m;
        let mut g = to_signed62::<N>(x);
        let mut d = [0i64; MAX_LIMBS];
        let mut e = [0i64; MAX_LIMBS];
        e[0] = 1;
        // δ in units of 1/2: 1 stands for the starting 1/2.
        let mut delta = 1i64;
        let mut left = iterations(64 * N as u64);
        while left > 0 {
            if VARTIME && is_zero::<N>(&g) {
                break;
            }
            let t;
            (delta, t) = if VARTIME {
                divsteps_62_vartime(delta, f[0], g[0])
            } else {
                divsteps_62(delta, f[0], g[0])
            };
            self.update_fg(&mut f, &mut g, &t);
            self.update_de(&mut d, &mut e, &t);
            left = left.saturating_sub(62);
        }
        // f = ±1 and d x = f: the inverse is d times the sign of f.
        self.normalize(&mut d, f[Self::LIMBS - 1] >> 63);
        from_signed62::<N>(&d)
    }

    /// (f, g) <- T (f, g) / 2^62; exact by construction of T.
    #[inline(always)]
    fn update_fg(&self, f: &mut Signed62, g: &mut Signed62, t: &Transition) {
        let (u, v, q, r) = (t.u as i128, t.v as i128, t.q as i128, t.r as i128);
        let mut cf = u * f[0] as i128 + v * g[0] as i128;
        let mut cg = q * f[0] as i128 + r * g[0] as i128;
        debug_assert!(cf as i64 & LIMB_MASK == 0 && cg as i64 & LIMB_MASK == 0);
        cf >>= 62;
        cg >>= 62;
        for i in 1..Self::LIMBS {
            cf += u * f[i] as i128 + v * g[i] as i128;
            cg += q * f[i] as i128 + r * g[i] as i128;
            f[i - 1] = cf as i64 & LIMB_MASK;
            g[i - 1] = cg as i64 & LIMB_MASK;
            cf >>= 62;
            cg >>= 62;
        }
        f[Self::LIMBS - 1] = cf as i64;
        g[Self::LIMBS - 1] = cg as i64;
    }

    /// (d, e) <- T (d, e) / 2^62 mod m, from and into (-2m, m): the
    /// multiples md, me of m added make the low 62 bits vanish, and start
    /// from u, v (q, r) where d (e) is negative to keep the range.
    #[inline(always)]
    fn update_de(&self, d: &mut Signed62, e: &mut Signed62, t: &Transition) {
        let top = Self::LIMBS - 1;
        let (sd, se) = (opaque(d[top] >> 63), opaque(e[top] >> 63));
        let mut md = (t.u & sd) + (t.v & se);
        let mut me = (t.q & sd) + (t.r & se);
        let (u, v, q, r) = (t.u as i128, t.v as i128, t.q as i128, t.r as i128);
        let mut cd = u * d[0] as i128 + v * e[0] as i128;
        let mut ce = q * d[0] as i128 + r * e[0] as i128;
        md -= ((self.m_inv62.wrapping_mul(cd as u64)).wrapping_add(md as u64) & LIMB_MASK as u64)
            as i64;
        me -= ((self.m_inv62.wrapping_mul(ce as u64)).wrapping_add(me as u64) & LIMB_MASK as u64)
            as i64;
        let (mdw, mew) = (md as i128, me as i128);
        cd += self.m[0] as i128 * mdw;
        ce += self.m[0] as i128 * mew;
        debug_assert!(cd as i64 & LIMB_MASK == 0 && ce as i64 & LIMB_MASK == 0);
        cd >>= 62;
        ce >>= 62;
        for i in 1..Self::LIMBS {
            cd += u * d[i] as i128 + v * e[i] as i128 + self.m[i] as i128 * mdw;
            ce += q * d[i] as i128 + r * e[i] as i128 + self.m[i] as i128 * mew;
            d[i - 1] = cd as i64 & LIMB_MASK;
            e[i - 1] = ce as i64 & LIMB_MASK;
            cd >>= 62;
            ce >>= 62;
        }
        d[top] = cd as i64;
        e[top] = ce as i64;
    }

    /// d in (-2m, m) to [0, m), negated first when `negate` is all ones:
    /// add m if negative, negate, add m if negative; carries propagated.
    fn normalize(&self, d: &mut Signed62, negate: i64) {
        let top = Self::LIMBS - 1;
        // The masks are opaque: seeing a 0 / -1 value, LLVM otherwise split
        // this into two branches on the sign (caught by ct-check).
        let add_m_if_negative = |d: &mut Signed62| {
            let mask = opaque(d[top] >> 63);
            for (limb, m) in d.iter_mut().zip(&self.m).take(Self::LIMBS) {
                *limb += m & mask;
            }
            carry_signed62::<N>(d);
        };
        add_m_if_negative(d);
        let negate = opaque(negate);
        for limb in d.iter_mut().take(Self::LIMBS) {
            *limb = (*limb ^ negate) - negate;
        }
        carry_signed62::<N>(d);
        add_m_if_negative(d);
    }
}

/// The divstep matrix, times 2^62: [f'; g'] = [u v; q r] [f; g] / 2^62.
struct Transition {
    u: i64,
    v: i64,
    q: i64,
    r: i64,
}

/// 62 branch-free divsteps on the low bits of f (odd) and g.
///
/// Written for a short dependency chain per step: with ζ = -(δ + 1/2)
/// (an integer, negative exactly when δ > 0) the sign mask is `ζ >> 63`
/// and both updates of ζ are `(ζ ^ swap) - 1`; g first gains ±f (−f when
/// δ > 0), and a swap then turns f into the old g by adding the new g
/// (f + (g - f)), instead of exchanging and negating three pairs. In a
/// scratch benchmark 62 steps took 290-320 ns before, 233-274 ns after.
#[inline(always)]
fn divsteps_62(delta: i64, mut f: i64, mut g: i64) -> (i64, Transition) {
    // After i steps [f; g] * 2^i = [u v; q r] [f0; g0]: the f row doubles
    // each step, the g row gains ± the f row when g was odd.
    let (mut u, mut v, mut q, mut r) = (1i64, 0i64, 0i64, 1i64);
    // `delta` is 2δ, odd: ζ = -(delta + 1) / 2 exactly.
    let mut zeta = -((delta + 1) >> 1);
    for _ in 0..62 {
        let positive = zeta >> 63; // δ > 0
        let g_odd = -(g & 1);
        // g odd: g += f, or g -= f when δ > 0 (rows likewise).
        g = g.wrapping_add(((f ^ positive).wrapping_sub(positive)) & g_odd);
        q = q.wrapping_add(((u ^ positive).wrapping_sub(positive)) & g_odd);
        r = r.wrapping_add(((v ^ positive).wrapping_sub(positive)) & g_odd);
        // δ > 0 and g odd: (δ, f) <- (1 - δ, old g); otherwise δ + 1.
        let swap = positive & g_odd;
        zeta = (zeta ^ swap).wrapping_sub(1);
        f = f.wrapping_add(g & swap);
        u = u.wrapping_add(q & swap);
        v = v.wrapping_add(r & swap);
        g >>= 1;
        u = u.wrapping_shl(1);
        v = v.wrapping_shl(1);
    }
    (-2 * zeta - 1, Transition { u, v, q, r })
}

/// The same 62 divsteps as [`divsteps_62`] for public inputs, several at
/// a time:
///
/// * a run of z even steps is one shift: g / 2^z, the f row times 2^z,
///   δ + z;
/// * after a swap (δ > 0, g odd: (f, g) <- (g, -f), the rows likewise,
///   δ <- -δ, after which the step is the no-swap one), the next k steps
///   have δ <= 0 for k <= 1/2 - δ, so none swaps, and each adds f to g when
///   g is odd: together they add w*f to g (and w times the f row to the g
///   row) for the one w < 2^k with g + w*f = 0 mod 2^k, w = -g/f mod 2^k,
///   then shift by k. k is at most 6 here, where one Newton step from
///   f^-1 = f (mod 8), valid for odd f, gives f^-1 mod 2^6.
#[inline(always)]
fn divsteps_62_vartime(mut delta: i64, mut f: i64, mut g: i64) -> (i64, Transition) {
    let (mut u, mut v, mut q, mut r) = (1i64, 0i64, 0i64, 1i64);
    let mut left = 62u32;
    loop {
        // Even steps: g's trailing zeros, at most the steps left (<= 62).
        let zeros = (g | (1i64 << left)).trailing_zeros();
        g >>= zeros;
        u = u.wrapping_shl(zeros);
        v = v.wrapping_shl(zeros);
        delta += 2 * zeros as i64;
        left -= zeros;
        if left == 0 {
            break;
        }
        // g is odd; δ = delta / 2.
        if delta > 0 {
            (f, g) = (g, f.wrapping_neg());
            (u, v, q, r) = (q, r, u.wrapping_neg(), v.wrapping_neg());
            delta = -delta;
        }
        // δ <= -1/2: k steps without a swap, k <= 1/2 - δ = (1 - delta)/2.
        let k = (((1 - delta) / 2) as u32).min(left).min(6);
        let mask = (1i64 << k) - 1;
        let f_inv = f.wrapping_mul(2i64.wrapping_sub(f.wrapping_mul(f)));
        let w = g.wrapping_mul(f_inv).wrapping_neg() & mask;
        g = g.wrapping_add(w.wrapping_mul(f)) >> k;
        q = q.wrapping_add(w.wrapping_mul(u));
        r = r.wrapping_add(w.wrapping_mul(v));
        u = u.wrapping_shl(k);
        v = v.wrapping_shl(k);
        delta += 2 * k as i64;
        left -= k;
        if left == 0 {
            break;
        }
    }
    (delta, Transition { u, v, q, r })
}

/// A mask the optimiser cannot see through (see `limbs::opaque`).
#[inline(always)]
fn opaque(mask: i64) -> i64 {
    core::hint::black_box(mask)
}

fn is_zero<const N: usize>(a: &Signed62) -> bool {
    a[..N + 1].iter().all(|&l| l == 0)
}

/// Propagates carries so that every limb but the top is in [0, 2^62).
fn carry_signed62<const N: usize>(a: &mut Signed62) {
    for i in 0..N {
        let carry = a[i] >> 62;
        a[i] &= LIMB_MASK;
        a[i + 1] += carry;
    }
}

fn to_signed62<const N: usize>(x: &[u64; N]) -> Signed62 {
    let mut out = [0i64; MAX_LIMBS];
    for (i, limb) in out.iter_mut().enumerate().take(N + 1) {
        let bit = 62 * i;
        let (word, shift) = (bit / 64, bit % 64);
        let mut v = if word < N { x[word] >> shift } else { 0 };
        if shift > 2 && word + 1 < N {
            v |= x[word + 1] << (64 - shift);
        }
        *limb = (v & LIMB_MASK as u64) as i64;
    }
    out
}

/// A value in [0, 2^(64N)) with limbs in [0, 2^62) back to 64-bit words.
fn from_signed62<const N: usize>(a: &Signed62) -> [u64; N] {
    let mut out = [0u64; N];
    for (i, &limb) in a.iter().enumerate().take(N + 1) {
        let bit = 62 * i;
        let (word, shift) = (bit / 64, bit % 64);
        let limb = limb as u64;
        if word < N {
            out[word] |= limb << shift;
        }
        if shift > 2 && word + 1 < N {
            out[word + 1] |= limb >> (64 - shift);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_conversions_round_trip() {
        let x: [u64; 8] =
            core::array::from_fn(|i| 0x0123_4567_89ab_cdefu64.rotate_left(7 * i as u32));
        assert_eq!(from_signed62::<8>(&to_signed62::<8>(&x)), x);
        let y = [u64::MAX; 4];
        assert_eq!(from_signed62::<4>(&to_signed62::<4>(&y)), y);
    }

    /// 62 divsteps exactly as the module documentation states them, with
    /// branches, on the low 64 bits (δ kept as 2δ): (2δ, f, g) after them.
    fn textbook_divsteps(mut delta: i64, mut f: i64, mut g: i64) -> (i64, i64, i64) {
        for _ in 0..62 {
            if g & 1 == 0 {
                (delta, g) = (delta + 2, g >> 1);
            } else if delta > 0 {
                (delta, f, g) = (2 - delta, g, g.wrapping_sub(f) >> 1);
            } else {
                (delta, g) = (delta + 2, g.wrapping_add(f) >> 1);
            }
        }
        (delta, f, g)
    }

    /// The batched variable-time divsteps make exactly the steps of the
    /// branch-free ones: same δ and matrix, on random f (odd) and g, with
    /// long runs of zeros in g and δ far from zero either way.
    #[test]
    fn vartime_divsteps_match_constant_time_ones() {
        let mut x = 0x243f_6a88_85a3_08d3u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x ^ (x >> 29)
        };
        for round in 0..20_000u32 {
            let f = (next() | 1) as i64;
            let mut g = next() as i64;
            match round % 5 {
                0 => g &= !((1i64 << (round % 62)) - 1), // trailing zeros
                1 => g = 1i64 << (round % 63),
                2 => g = 0,
                _ => {}
            }
            let delta = match round % 3 {
                0 => 1,
                1 => 2 * (next() % 200) as i64 - 199,
                _ => 2 * (next() % 2000) as i64 + 1,
            };
            let (d1, t1) = divsteps_62(delta, f, g);
            let (d2, t2) = divsteps_62_vartime(delta, f, g);
            let (d3, f3, g3) = textbook_divsteps(delta, f, g);
            assert_eq!(d1, d3, "f = {f:#x}, g = {g:#x}, delta = {delta}");
            // The matrix maps the low bits as the steps did: its rows
            // applied to (f, g) are 2^62 times the final f and g (mod 2^64).
            let apply = |a: i64, b: i64| a.wrapping_mul(f).wrapping_add(b.wrapping_mul(g));
            assert_eq!(apply(t1.u, t1.v), f3.wrapping_shl(62), "f row");
            assert_eq!(apply(t1.q, t1.r), g3.wrapping_shl(62), "g row");
            assert_eq!(
                (d1, t1.u, t1.v, t1.q, t1.r),
                (d2, t2.u, t2.v, t2.q, t2.r),
                "f = {f:#x}, g = {g:#x}, delta = {delta}"
            );
        }
    }

    #[test]
    fn small_modulus_inverts_every_unit() {
        // m = 2^64 - 59 (prime): one word, checked by multiplication.
        let m = 0xffff_ffff_ffff_ffc5u64;
        let inv = Inverter::<1>::new(&[m]);
        for x in [1u64, 2, 3, 5, 1 << 63, m - 1, 0x1234_5678_9abc_def1] {
            for got in [inv.invert(&[x])[0], inv.invert_vartime(&[x])[0]] {
                assert_eq!((x as u128 * got as u128) % m as u128, 1, "x = {x:#x}");
            }
        }
    }
}
