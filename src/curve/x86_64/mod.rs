//! The x86-64 point code: AVX-512 IFMA versions of two scalar
//! multiplications, and the rules saying on which curves each runs.
//!
//! Why apart: these files compile only for x86-64 and run only with a
//! [`crate::cpu::Ifma`] token; the portable strategies in
//! [`super::scalar_mul`] compute the same results everywhere else.
//!
//! * [`straus_ifma_x4`]: uncached verification z1*G + z2*Q with one
//!   point's four coordinates in four lanes (4-lane point code).
//! * [`comb_ifma_x8`]: eight fixed-base k*G at once, one per lane, for
//!   batch signing (8-lane batch code).

pub(crate) mod comb_ifma_x8;
pub(crate) mod straus_ifma_x4;

use crate::field::MontField;

/// Whether uncached verification on this curve runs [`straus_ifma_x4`]:
/// only Edwards curves over `p = 2^512 - c` (tc26-512-C). On tc26-256-A
/// the same design measured no faster than the scalar code
/// (`field::x86_64::ifma_x4`).
pub(crate) fn straus_ifma_x4_eligible<const N: usize>(fp: &MontField<N>, edwards: bool) -> bool {
    N == 8 && edwards && fp.special_c() != 0
}

/// Whether batch signing on this curve computes k*G with
/// [`comb_ifma_x8`]: over `p = 2^(64N) - c`, `c < 2^10`, in the
/// pseudo-Mersenne lanes (`FieldX8`); over other primes on the
/// Weierstrass curves whose top limb leaves the headroom the Montgomery
/// lanes (`MontX8`) need.
pub(crate) fn comb_ifma_x8_eligible<const N: usize>(fp: &MontField<N>, edwards: bool) -> bool {
    let c = fp.special_c();
    (c != 0 && c < 1 << 10) || (c == 0 && !edwards && fp.modulus()[N - 1] < u64::MAX - (1 << 55))
}
