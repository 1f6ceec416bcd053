//! Constant-time arithmetic modulo an odd prime of N 64-bit limbs.
//!
//! Elements live in Montgomery form: the element `a` is stored as
//! `a * R mod m` with `R = 2^(64N)`, so a product needs one Montgomery
//! reduction instead of a division. The modulus is run-time data (one
//! [`MontField`] per curve prime `p` and per group order `q`), which lets
//! every GOST parameter set share this code; a field with a special
//! reduction for `2^256 - 617` / `2^512 - 569` can replace it behind the
//! same methods.
//!
//! Moduli of the form `2^(64N) - c` with a small `c` (2^256 - 617 of
//! CryptoPro-A, ESIA's curve, and tc26-256-A; 2^512 - 569 of tc26-512-A/C)
//! take a faster path: the element is stored as itself (a "Montgomery form"
//! with R = 1) and a 2N-limb product `H * 2^(64N) + L` is folded to
//! `L + c * H`, twice, instead of Montgomery-reduced.
//!
//! No method branches on or indexes memory by element values; only the
//! modulus (public) steers control flow, and `*_vartime` methods say so.

pub(crate) mod lazy;
pub(crate) mod limbs;
mod public;
mod safegcd;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;

use crate::cpu::Adx;

pub(crate) use public::FieldOps;

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use limbs::{adc, mac};

/// An element in Montgomery form, fully reduced (`< m`), except the values
/// of a [`public::PublicField`] or a [`lazy::LazyField`], which may be any
/// integer below `2^(64N)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fe<const N: usize>(pub(crate) [u64; N]);

impl<const N: usize> Default for Fe<N> {
    fn default() -> Self {
        Fe([0; N])
    }
}

impl<const N: usize> ConditionallySelectable for Fe<N> {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        // mask = all ones when choice is 1: take b.
        let mask = (choice.unwrap_u8() as u64).wrapping_neg();
        Fe(limbs::select(mask, &b.0, &a.0))
    }
}

impl<const N: usize> ConstantTimeEq for Fe<N> {
    fn ct_eq(&self, other: &Self) -> Choice {
        let mut acc = 0u64;
        for i in 0..N {
            acc |= self.0[i] ^ other.0[i];
        }
        let mask = limbs::is_zero_mask(&[acc]);
        Choice::from((mask & 1) as u8)
    }
}

impl<const N: usize> Zeroize for Fe<N> {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// Montgomery arithmetic modulo one odd modulus `m < 2^(64N)`.
#[derive(Clone, Debug)]
pub(crate) struct MontField<const N: usize> {
    /// The modulus.
    m: [u64; N],
    /// `-m^-1 mod 2^64`.
    m_inv: u64,
    /// `R^2 mod m`, to enter Montgomery form.
    r2: [u64; N],
    /// `R mod m`: the element one.
    one: [u64; N],
    /// `2^(64N) mod m` as a plain integer, for wide reductions.
    r_plain: [u64; N],
    /// `c` when `m = 2^(64N) - c` with `c < 2^32` (then R = 1), else 0.
    special_c: u64,
    /// `c` when `m = 2^(64N-1) + c` with `c < 2^32` (CryptoPro-B,
    /// tc26-512-B, the 256-bit test curve), else 0: such moduli keep
    /// Montgomery form with a cheaper reduction ([`Self::sparse_reduce`]).
    sparse_c: u64,
    /// `R^3 mod m`: turns the plain inverse of a Montgomery-form element
    /// back into Montgomery form.
    r3: [u64; N],
    /// Bernstein-Yang inversion modulo `m`.
    inverter: safegcd::Inverter<N>,
    /// The lazily reduced mulx/adx products modulo `2^512 - c` (out of
    /// line) and `2^256 - c` (inline), on CPUs that have them.
    adx: Option<Adx>,
}

impl<const N: usize> MontField<N> {
    /// Sets up arithmetic modulo `m`, which must be odd and greater than 2.
    /// Runs once per curve at start-up; variable-time in `m` (public).
    pub(crate) fn new(m: [u64; N]) -> Self {
        assert!(m[0] & 1 == 1, "Montgomery modulus must be odd");
        let m_inv = limbs::inverse_mod_2_64(m[0]).wrapping_neg();
        // R mod m and R^2 mod m by repeated modular doubling from 1.
        let mut x = [0u64; N];
        x[0] = 1;
        let mut one = [0u64; N];
        for i in 0..2 * 64 * N {
            x = Self::double_mod(&x, &m);
            if i + 1 == 64 * N {
                one = x;
            }
        }
        let r_plain = one;
        let special_c = if m[1..].iter().all(|&l| l == u64::MAX) && m[0].wrapping_neg() < (1 << 32)
        {
            m[0].wrapping_neg()
        } else {
            0
        };
        let sparse_c = if N >= 3
            && m[N - 1] == 1 << 63
            && m[1..N - 1].iter().all(|&l| l == 0)
            && m[0] < (1 << 32)
        {
            m[0]
        } else {
            0
        };
        let (one, r2) = if special_c != 0 {
            // Elements are stored as themselves: R = 1.
            let mut unit = [0u64; N];
            unit[0] = 1;
            (unit, unit)
        } else {
            (one, x)
        };
        let mut field = MontField {
            m,
            m_inv,
            r2,
            one,
            r_plain,
            special_c,
            sparse_c,
            r3: r2,
            inverter: safegcd::Inverter::new(&m),
            adx: if (N == 4 || N == 8) && special_c != 0 {
                Adx::get()
            } else {
                None
            },
        };
        field.r3 = field.mont_mul(&r2, &r2);
        field
    }

    fn double_mod(x: &[u64; N], m: &[u64; N]) -> [u64; N] {
        let (sum, carry) = limbs::add(x, x);
        let (diff, borrow) = limbs::sub(&sum, m);
        // Keep the difference when the doubled value reached m (carry out, or no borrow).
        let use_diff = (carry | (borrow ^ 1)).wrapping_neg();
        limbs::select(use_diff, &diff, &sum)
    }

    /// c when the modulus is `2^(64N) - c` with a small c, else 0.
    pub(crate) fn special_c(&self) -> u64 {
        self.special_c
    }

    /// The modulus.
    pub(crate) fn modulus(&self) -> &[u64; N] {
        &self.m
    }

    pub(crate) fn zero(&self) -> Fe<N> {
        Fe([0; N])
    }

    pub(crate) fn one(&self) -> Fe<N> {
        Fe(self.one)
    }

    /// Subtracts m once if `(hi:t) >= m`; the input must be below `2m`.
    #[inline(always)]
    fn reduce_once(&self, t: &[u64; N], hi: u64) -> [u64; N] {
        if self.special_c != 0 {
            return self.reduce_once_special(t, hi);
        }
        let (diff, borrow) = limbs::sub(t, &self.m);
        // (hi:t) - m >= 0 exactly when hi is set or the subtraction did not borrow.
        let use_diff = (hi | (borrow ^ 1)).wrapping_neg();
        limbs::select(use_diff, &diff, t)
    }

    #[inline(always)]
    pub(crate) fn add(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        let (sum, carry) = limbs::add(&a.0, &b.0);
        Fe(self.reduce_once(&sum, carry))
    }

    #[inline(always)]
    pub(crate) fn sub(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        let (diff, borrow) = limbs::sub(&a.0, &b.0);
        if self.special_c != 0 {
            // diff + m = diff - c (mod 2^(64N)), and a - b + m >= 0 means
            // the subtraction of c cannot borrow out. The mask stays opaque:
            // without it LLVM branched on the borrow in 8-limb subtractions
            // (caught by ct-check).
            let c_or_zero = self.special_c & limbs::opaque(borrow.wrapping_neg());
            return Fe(limbs::sub_small(&diff, c_or_zero).0);
        }
        let mask = limbs::opaque(borrow.wrapping_neg());
        let mut out = [0u64; N];
        let mut carry = 0;
        for i in 0..N {
            (out[i], carry) = adc(diff[i], self.m[i] & mask, carry);
        }
        Fe(out)
    }

    #[inline(always)]
    pub(crate) fn neg(&self, a: &Fe<N>) -> Fe<N> {
        self.sub(&self.zero(), a)
    }

    #[inline(always)]
    pub(crate) fn double(&self, a: &Fe<N>) -> Fe<N> {
        self.add(a, a)
    }

    /// Montgomery product `a * b / R mod m`: the schoolbook product, then
    /// the Montgomery reduction (or the fold, for the special moduli).
    ///
    /// Products wider than four limbs are not inlined: fully unrolled, one
    /// 8-limb product and its reduction are ~450 instructions, and inlining
    /// all of them into the point formulas makes the verification loop of a
    /// 512-bit curve ~100,000 instructions long, far beyond the
    /// instruction cache; one out-of-line copy stays hot.
    #[inline(always)]
    pub(crate) fn mul(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        if N > 4 {
            Fe(self.mont_mul_out_of_line(&a.0, &b.0))
        } else {
            Fe(self.mont_mul(&a.0, &b.0))
        }
    }

    #[inline(always)]
    pub(crate) fn square(&self, a: &Fe<N>) -> Fe<N> {
        if N > 4 {
            Fe(self.mont_sqr_out_of_line(&a.0))
        } else {
            Fe(self.mont_sqr(&a.0))
        }
    }

    #[inline(never)]
    fn mont_mul_out_of_line(&self, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        if let (Some(adx), Ok(a8), Ok(b8)) = (
            self.adx,
            <&[u64; 8]>::try_from(&a[..]),
            <&[u64; 8]>::try_from(&b[..]),
        ) {
            return widen(&adx.mul(a8, b8, self.special_c));
        }
        self.mont_mul(a, b)
    }

    #[inline(never)]
    fn mont_sqr_out_of_line(&self, a: &[u64; N]) -> [u64; N] {
        if let (Some(adx), Ok(a8)) = (self.adx, <&[u64; 8]>::try_from(&a[..])) {
            return widen(&adx.square(a8, self.special_c));
        }
        self.mont_sqr(a)
    }

    /// Squaring: the off-diagonal products once, doubled, plus the squares
    /// of the limbs (N(N+1)/2 word products instead of N^2), followed by a
    /// separate Montgomery reduction of the 2N-limb square.
    #[inline(always)]
    fn mont_sqr(&self, a: &[u64; N]) -> [u64; N] {
        let mut t = Self::sqr_wide(a);
        self.reduce_product(&mut t)
    }

    /// The square of an N-limb value into a 2N-limb buffer.
    #[inline(always)]
    fn sqr_wide(a: &[u64; N]) -> [u64; 16] {
        // 2N <= 16 limbs for the widest (512-bit) fields.
        let mut t = [0u64; 16];
        limbs::unroll8!(i, {
            if i < N {
                let mut carry = 0u64;
                for j in (i + 1)..N {
                    (t[i + j], carry) = mac(t[i + j], a[i], a[j], carry);
                }
                t[i + N] = carry;
            }
        });
        let mut top = 0u64;
        for limb in t.iter_mut().take(2 * N) {
            let next = *limb >> 63;
            *limb = (*limb << 1) | top;
            top = next;
        }
        let mut carry = 0u64;
        for i in 0..N {
            let (lo, hi) = mac(t[2 * i], a[i], a[i], carry);
            t[2 * i] = lo;
            (t[2 * i + 1], carry) = adc(t[2 * i + 1], hi, 0);
        }
        t
    }

    /// Montgomery reduction of a 2N-limb value below `m * R`: `t / R mod m`.
    #[inline(always)]
    fn mont_reduce(&self, t: &mut [u64; 16]) -> [u64; N] {
        let mut overflow = 0u64;
        limbs::unroll8!(i, {
            if i < N {
                let u = t[i].wrapping_mul(self.m_inv);
                let mut carry = 0u64;
                for j in 0..N {
                    (t[i + j], carry) = mac(t[i + j], u, self.m[j], carry);
                }
                (t[i + N], overflow) = adc(t[i + N], carry, overflow);
            }
        });
        let mut out = [0u64; N];
        out.copy_from_slice(&t[N..2 * N]);
        self.reduce_once(&out, overflow)
    }

    /// The product of two N-limb values into a 2N-limb buffer (schoolbook).
    #[inline(always)]
    fn mul_wide(a: &[u64; N], b: &[u64; N]) -> [u64; 16] {
        let mut t = [0u64; 16];
        limbs::unroll8!(i, {
            if i < N {
                let mut carry = 0u64;
                for j in 0..N {
                    (t[i + j], carry) = mac(t[i + j], a[i], b[j], carry);
                }
                t[i + N] = carry;
            }
        });
        t
    }

    /// Montgomery reduction for `m = 2^(64N-1) + c` with a small c, the
    /// same result as [`Self::mont_reduce`]. Of each step's u * m, only
    /// u * c (two limbs) needs a multiplication; u * 2^(64N-1) is u split
    /// by shifts across limbs N-1 and N of the step. That is 2N word
    /// multiplications instead of N^2 + N. The additions of the zero
    /// limbs of m remain, to carry through.
    #[inline(always)]
    fn sparse_reduce(&self, t: &mut [u64; 16]) -> [u64; N] {
        let c = self.sparse_c;
        let mut overflow = 0u64;
        limbs::unroll8!(i, {
            if i < N {
                let u = t[i].wrapping_mul(self.m_inv);
                let (lo, hi) = mac(0, u, c, 0);
                // t[i] + lo is 0 mod 2^64 by the choice of u: only its carry is kept.
                let (_, mut carry) = adc(t[i], lo, 0);
                (t[i + 1], carry) = adc(t[i + 1], hi, carry);
                for j in 2..N - 1 {
                    (t[i + j], carry) = adc(t[i + j], 0, carry);
                }
                (t[i + N - 1], carry) = adc(t[i + N - 1], u << 63, carry);
                // (u >> 1) + carry < 2^63: no wrap.
                (t[i + N], overflow) = adc(t[i + N], (u >> 1) + carry, overflow);
            }
        });
        let mut out = [0u64; N];
        out.copy_from_slice(&t[N..2 * N]);
        self.reduce_once(&out, overflow)
    }

    /// Reduces a 2N-limb product: Montgomery reduction, or the fold for
    /// `m = 2^(64N) - c`.
    #[inline(always)]
    fn reduce_product(&self, t: &mut [u64; 16]) -> [u64; N] {
        if self.special_c != 0 {
            self.fold_reduce(t)
        } else if self.sparse_c != 0 {
            self.sparse_reduce(t)
        } else {
            self.mont_reduce(t)
        }
    }

    /// `t mod m` for `m = 2^(64N) - c`: since 2^(64N) = c (mod m),
    /// H * 2^(64N) + L = L + c*H. The fold leaves `acc + top * 2^(64N)`
    /// with top <= c, and folding top once more gives V = acc + top*c
    /// below 2^(64N) + c^2 < 2m, which one conditional subtraction of m
    /// makes canonical ([`Self::reduce_once_special`]). Straight-line code.
    #[inline(always)]
    fn fold_reduce(&self, t: &[u64; 16]) -> [u64; N] {
        let c = self.special_c;
        let mut acc = [0u64; N];
        let mut top = 0u64;
        for i in 0..N {
            (acc[i], top) = mac(t[i], t[N + i], c, top);
        }
        let (lo, hi) = limbs::add_small(&acc, top * c);
        self.reduce_once_special(&lo, hi)
    }

    /// V mod m for V = hi * 2^(64N) + lo < 2m and m = 2^(64N) - c. V >= m
    /// exactly when hi = 1 or lo + c carries out, and then V - m is
    /// lo + c mod 2^(64N). The sum is kept and selected: computing only
    /// its carry let the compiler short-circuit the carry chain into
    /// branches on the limbs (caught by ct-check on 8-limb additions).
    #[inline(always)]
    fn reduce_once_special(&self, lo: &[u64; N], hi: u64) -> [u64; N] {
        let (plus_c, carry) = limbs::add_small(lo, self.special_c);
        limbs::select((hi | carry).wrapping_neg(), &plus_c, lo)
    }

    /// The Montgomery product on raw limbs. Correct whenever `a * b < m * R`,
    /// in particular for any `a < R` when `b < m`; the result is below `m`.
    #[inline(always)]
    fn mont_mul(&self, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        let mut t = Self::mul_wide(a, b);
        self.reduce_product(&mut t)
    }

    /// Enters Montgomery form from any value below `R` (not only below `m`):
    /// the result is the element `x mod m`.
    #[inline(always)]
    pub(crate) fn to_mont(&self, x: &[u64; N]) -> Fe<N> {
        Fe(self.mont_mul(x, &self.r2))
    }

    /// Leaves Montgomery form: the canonical integer in `[0, m)`.
    #[inline(always)]
    pub(crate) fn to_int(&self, a: &Fe<N>) -> [u64; N] {
        let mut one = [0u64; N];
        one[0] = 1;
        self.mont_mul(&a.0, &one)
    }

    /// `x mod m` for any `x < R`, as a plain integer.
    pub(crate) fn reduce(&self, x: &[u64; N]) -> [u64; N] {
        self.to_int(&self.to_mont(x))
    }

    /// `(hi * 2^(64N) + lo) mod m` as a plain integer, for wide random values.
    pub(crate) fn reduce_wide(&self, lo: &[u64; N], hi: &[u64; N]) -> [u64; N] {
        let high = self.mul_plain(&self.reduce(hi), &self.r_plain);
        let low = self.reduce(lo);
        self.add_plain(&high, &low)
    }

    /// `a * b mod m` for plain (non-Montgomery) integers below `m`.
    pub(crate) fn mul_plain(&self, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        // mont_mul(a*R, b) = a*b (R = 1 for the special moduli).
        self.mont_mul(&self.to_mont(a).0, b)
    }

    /// `a + b mod m` for plain integers below `m`.
    pub(crate) fn add_plain(&self, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
        self.add(&Fe(*a), &Fe(*b)).0
    }

    /// `a^e` for a public exponent, square-and-multiply over 4-bit windows.
    /// The sequence of operations depends only on `e`. Tests only.
    #[cfg(test)]
    pub(crate) fn pow_public(&self, a: &Fe<N>, e: &[u64; N]) -> Fe<N> {
        // Table of a^0 .. a^15; looked up by public exponent bits only.
        let mut table = [self.one(); 16];
        for i in 1..16 {
            table[i] = self.mul(&table[i - 1], a);
        }
        let mut acc = self.one();
        let mut started = false;
        for i in (0..N).rev() {
            for nib in (0..16).rev() {
                let w = ((e[i] >> (4 * nib)) & 0xf) as usize;
                if started {
                    for _ in 0..4 {
                        acc = self.square(&acc);
                    }
                }
                if w != 0 {
                    acc = self.mul(&acc, &table[w]);
                    started = true;
                }
            }
        }
        table.zeroize();
        acc
    }

    /// `a^-1` (zero maps to zero), constant-time in `a`: Bernstein and
    /// Yang's divsteps ([`safegcd`]), a fixed number for the modulus width
    /// whatever `a` is. In a tc26-256-A signature (perf) it took 18 % of
    /// the time, against 28 % for crypto-bigint's `invert_odd_mod` (the
    /// tests' second reference) and ~24 % for Fermat's `a^(m-2)` by an
    /// addition chain ([`Self::invert_fermat`], the first reference).
    pub(crate) fn invert(&self, a: &Fe<N>) -> Fe<N> {
        let inv = self.inverter.invert(&a.0);
        // Zero has no inverse; its "inverse" is defined as zero here.
        let inv = limbs::select(!limbs::is_zero_mask(&a.0), &inv, &[0; N]);
        self.stored_inverse(&inv)
    }

    /// `a^-1` for a PUBLIC `a` (zero maps to zero): the same divsteps,
    /// stopping as soon as they have converged.
    pub(crate) fn invert_vartime(&self, a: &Fe<N>) -> Fe<N> {
        if limbs::is_zero_mask(&a.0) != 0 {
            return self.zero();
        }
        self.stored_inverse(&self.inverter.invert_vartime(&a.0))
    }

    /// The stored element a^-1 from the plain integer inverse of a's stored
    /// value: (a R)^-1 = a^-1 R^-1, times R^3 / R gives a^-1 R (R = 1 for
    /// the special moduli, where the stored value is a itself).
    #[inline(always)]
    fn stored_inverse(&self, inv: &[u64; N]) -> Fe<N> {
        if self.special_c != 0 {
            Fe(*inv)
        } else {
            Fe(self.mont_mul(inv, &self.r3))
        }
    }

    /// `a^-1` by Fermat's little theorem (`m` prime); zero maps to zero.
    /// Constant-time in `a`. The reference for [`Self::invert`].
    #[cfg(test)]
    pub(crate) fn invert_fermat(&self, a: &Fe<N>) -> Fe<N> {
        let mut two = [0u64; N];
        two[0] = 2;
        self.pow_public(a, &limbs::sub(&self.m, &two).0)
    }

    pub(crate) fn is_zero(&self, a: &Fe<N>) -> Choice {
        Choice::from((limbs::is_zero_mask(&a.0) & 1) as u8)
    }

    /// Conditionally negates `a` when `choice` is set.
    #[inline(always)]
    pub(crate) fn cond_neg(&self, a: &Fe<N>, choice: Choice) -> Fe<N> {
        Fe::conditional_select(a, &self.neg(a), choice)
    }

    /// Parses a canonical big-endian integer below `m` (public data).
    pub(crate) fn checked_element(&self, x: &[u64; N]) -> Option<Fe<N>> {
        if limbs::lt_mask(x, &self.m) == 0 {
            return None;
        }
        Some(self.to_mont(x))
    }
}

/// The product modulo `2^(64N) - c` with a mulx/adx kernel, lazily
/// reduced: inline for 4 limbs, out of line for 8. `None` without `adx`
/// (or for other N), so that callers fall back to portable code.
#[inline(always)]
fn mul_lazy_kernel<const N: usize>(
    adx: Option<Adx>,
    a: &Fe<N>,
    b: &Fe<N>,
    c: u64,
) -> Option<Fe<N>> {
    let adx = adx?;
    if let (Ok(a4), Ok(b4)) = (
        <&[u64; 4]>::try_from(&a.0[..]),
        <&[u64; 4]>::try_from(&b.0[..]),
    ) {
        return Some(Fe(widen(&adx.mul4_lazy(a4, b4, c))));
    }
    let a8 = <&[u64; 8]>::try_from(&a.0[..]).ok()?;
    let b8 = <&[u64; 8]>::try_from(&b.0[..]).ok()?;
    Some(Fe(widen(&adx.mul_lazy(a8, b8, c))))
}

/// [`mul_lazy_kernel`] for a square.
#[inline(always)]
fn sqr_lazy_kernel<const N: usize>(adx: Option<Adx>, a: &Fe<N>, c: u64) -> Option<Fe<N>> {
    let adx = adx?;
    if let Ok(a4) = <&[u64; 4]>::try_from(&a.0[..]) {
        return Some(Fe(widen(&adx.sqr4_lazy(a4, c))));
    }
    let a8 = <&[u64; 8]>::try_from(&a.0[..]).ok()?;
    Some(Fe(widen(&adx.square_lazy(a8, c))))
}

/// Off x86-64 the [`Adx`] token has no values, so these are never called;
/// they let the callers above compile unchanged.
#[cfg(not(target_arch = "x86_64"))]
impl Adx {
    fn mul(self, _: &[u64; 8], _: &[u64; 8], _: u64) -> [u64; 8] {
        match self {}
    }
    fn square(self, _: &[u64; 8], _: u64) -> [u64; 8] {
        match self {}
    }
    fn mul_lazy(self, _: &[u64; 8], _: &[u64; 8], _: u64) -> [u64; 8] {
        match self {}
    }
    fn square_lazy(self, _: &[u64; 8], _: u64) -> [u64; 8] {
        match self {}
    }
    fn mul4_lazy(self, _: &[u64; 4], _: &[u64; 4], _: u64) -> [u64; 4] {
        match self {}
    }
    fn sqr4_lazy(self, _: &[u64; 4], _: u64) -> [u64; 4] {
        match self {}
    }
}

/// A kernel result of M limbs as `[u64; N]` (M = N whenever a kernel is
/// set; written without a length check that could panic).
#[inline(always)]
fn widen<const M: usize, const N: usize>(x: &[u64; M]) -> [u64; N] {
    let mut out = [0u64; N];
    for (o, limb) in out.iter_mut().zip(x) {
        *o = *limb;
    }
    out
}

#[cfg(test)]
mod tests;

/// Instruction-count probes: `valgrind --tool=callgrind <lib test binary>
/// --ignored --exact field::probe::<name>`.
#[cfg(test)]
mod probe;
