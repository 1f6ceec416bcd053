//! Word-level primitives on little-endian arrays of 64-bit limbs.
//!
//! Everything here runs in time independent of the limb values: carries and
//! borrows are propagated arithmetically and choices are made with masks.

/// Runs `$body` once for each `$i` in 0..8 with `$i` a constant, so that
/// the row loops of the 8-limb (512-bit) products are fully unrolled:
/// LLVM unrolls the inner loops of a `for i in 0..N` row loop but keeps
/// the outer one as a loop at N = 8, with the 16-limb product in memory,
/// which cost about twice the instructions of straight-line code
/// (measured in a scratch benchmark: ~900 against ~440 per product).
/// Bodies guard with `if $i < N`, which folds away for N = 4.
macro_rules! unroll8 {
    ($i:ident, $body:block) => {{
        let $i: usize = 0;
        $body
    }
    {
        let $i: usize = 1;
        $body
    }
    {
        let $i: usize = 2;
        $body
    }
    {
        let $i: usize = 3;
        $body
    }
    {
        let $i: usize = 4;
        $body
    }
    {
        let $i: usize = 5;
        $body
    }
    {
        let $i: usize = 6;
        $body
    }
    {
        let $i: usize = 7;
        $body
    }};
}
pub(crate) use unroll8;

/// `a + b + carry`, returning (sum, carry-out in {0, 1}).
#[inline(always)]
pub(crate) const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    // Two overflowing adds compile to add/adc chains; the u128 form did not.
    let (s1, c1) = a.overflowing_add(b);
    let (s2, c2) = s1.overflowing_add(carry);
    (s2, (c1 | c2) as u64)
}

/// `a - b - borrow`, returning (difference, borrow-out in {0, 1}).
#[inline(always)]
pub(crate) const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let (d1, b1) = a.overflowing_sub(b);
    let (d2, b2) = d1.overflowing_sub(borrow);
    (d2, (b1 | b2) as u64)
}

/// `acc + b * c + carry`, returning (low word, high word). Cannot overflow.
#[inline(always)]
pub(crate) const fn mac(acc: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = acc as u128 + (b as u128) * (c as u128) + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// `a - b` over N limbs, returning the difference and the final borrow.
#[inline(always)]
pub(crate) fn sub<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut out = [0u64; N];
    let mut borrow = 0;
    for i in 0..N {
        (out[i], borrow) = sbb(a[i], b[i], borrow);
    }
    (out, borrow)
}

/// x^-1 mod 2^64 for odd x, by Newton's iteration (each step doubles the
/// number of correct low bits: 1, 2, 4, ... 64).
pub(crate) const fn inverse_mod_2_64(x: u64) -> u64 {
    let mut inv = 1u64;
    let mut step = 0;
    while step < 6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(x.wrapping_mul(inv)));
        step += 1;
    }
    inv
}

/// a + x for a single word x, and the carry out.
#[inline(always)]
pub(crate) fn add_small<const N: usize>(a: &[u64; N], x: u64) -> ([u64; N], u64) {
    let mut out = [0u64; N];
    let mut carry = x;
    for i in 0..N {
        (out[i], carry) = adc(a[i], carry, 0);
    }
    (out, carry)
}

/// a - x for a single word x, and the borrow out.
#[inline(always)]
pub(crate) fn sub_small<const N: usize>(a: &[u64; N], x: u64) -> ([u64; N], u64) {
    let mut out = [0u64; N];
    let mut borrow = x;
    for i in 0..N {
        (out[i], borrow) = sbb(a[i], borrow, 0);
    }
    (out, borrow)
}

/// `a + b` over N limbs, returning the sum and the final carry.
#[inline(always)]
pub(crate) fn add<const N: usize>(a: &[u64; N], b: &[u64; N]) -> ([u64; N], u64) {
    let mut out = [0u64; N];
    let mut carry = 0;
    for i in 0..N {
        (out[i], carry) = adc(a[i], b[i], carry);
    }
    (out, carry)
}

/// Hides a mask from the optimiser. Without it LLVM may prove a mask is
/// 0 or all ones and turn `(a & m) | (b & !m)` back into a branch on it:
/// the valgrind constant-time check (`ct/`) caught exactly that in the
/// modular addition once the carry chains got simpler.
///
/// The price, measured back to back on one thread (signatures/s, no barrier
/// vs this one): tc26-256-a 51,951 vs 45,049, tc26-512-c 10,399 vs 8,926,
/// cryptopro-a 39,475 vs 37,354. An empty-`asm!` barrier instead (which
/// keeps the mask in its register) measured the same as `black_box`
/// (45,272 / 8,877 / 34,357), so the cost is in the lost optimisations, not
/// in the barrier, and the crate stays free of `unsafe`.
#[inline(always)]
pub(crate) fn opaque(mask: u64) -> u64 {
    core::hint::black_box(mask)
}

/// Returns `a` where `mask` is all ones and `b` where it is zero.
#[inline(always)]
pub(crate) fn select<const N: usize>(mask: u64, a: &[u64; N], b: &[u64; N]) -> [u64; N] {
    let mask = opaque(mask);
    let mut out = [0u64; N];
    for i in 0..N {
        out[i] = (a[i] & mask) | (b[i] & !mask);
    }
    out
}

/// All ones if every limb is zero, else zero; branch-free.
#[inline(always)]
pub(crate) fn is_zero_mask<const N: usize>(a: &[u64; N]) -> u64 {
    let mut acc = 0u64;
    for limb in a {
        acc |= limb;
    }
    // (acc | -acc) has its top bit set exactly when acc != 0.
    let nonzero = (acc | acc.wrapping_neg()) >> 63;
    nonzero.wrapping_sub(1)
}

/// All ones if `a < b`, else zero; branch-free.
#[inline(always)]
pub(crate) fn lt_mask<const N: usize>(a: &[u64; N], b: &[u64; N]) -> u64 {
    let (_, borrow) = sub(a, b);
    borrow.wrapping_neg()
}

/// Parses big-endian bytes of any length up to 8N into limbs; `None` if the
/// value does not fit. Not constant-time in the length, which is public.
pub(crate) fn from_be_bytes<const N: usize>(bytes: &[u8]) -> Option<[u64; N]> {
    let mut out = [0u64; N];
    let mut significant = bytes;
    while significant.len() > 8 * N {
        // Leading zero bytes beyond the width are tolerated (the length is public;
        // the check on the byte value is a public range check on the caller's input).
        let (first, rest) = significant.split_first()?;
        if *first != 0 {
            return None;
        }
        significant = rest;
    }
    for (i, byte) in significant.iter().rev().enumerate() {
        out[i / 8] |= u64::from(*byte) << (8 * (i % 8));
    }
    Some(out)
}

/// Parses little-endian bytes (see [`from_be_bytes`]); no heap copy, so
/// secret scalars can pass through it.
pub(crate) fn from_le_bytes<const N: usize>(bytes: &[u8]) -> Option<[u64; N]> {
    let mut significant = bytes;
    while significant.len() > 8 * N {
        let (last, rest) = significant.split_last()?;
        if *last != 0 {
            return None;
        }
        significant = rest;
    }
    let mut out = [0u64; N];
    for (i, byte) in significant.iter().enumerate() {
        out[i / 8] |= u64::from(*byte) << (8 * (i % 8));
    }
    Some(out)
}

/// Writes the limbs as exactly `out.len()` big-endian bytes (out.len() <= 8N).
pub(crate) fn write_be_bytes<const N: usize>(a: &[u64; N], out: &mut [u8]) {
    let len = out.len();
    for (i, byte) in out.iter_mut().enumerate() {
        let pos = len - 1 - i;
        *byte = (a[pos / 8] >> (8 * (pos % 8))) as u8;
    }
}

/// Writes the limbs as exactly `out.len()` little-endian bytes (out.len() <= 8N).
pub(crate) fn write_le_bytes<const N: usize>(a: &[u64; N], out: &mut [u8]) {
    for (pos, byte) in out.iter_mut().enumerate() {
        *byte = (a[pos / 8] >> (8 * (pos % 8))) as u8;
    }
}

/// Parses a big-endian hex constant; for built-in parameters only.
pub(crate) fn from_hex<const N: usize>(hex_str: &str) -> [u64; N] {
    let bytes = hex::decode(hex_str).expect("built-in hex constant");
    from_be_bytes(&bytes).expect("built-in constant fits its width")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_round_trips() {
        let v: [u64; 4] =
            from_hex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
        let mut be = [0u8; 32];
        write_be_bytes(&v, &mut be);
        assert_eq!(be[0], 1);
        assert_eq!(be[31], 0x20);
        let mut le = [0u8; 32];
        write_le_bytes(&v, &mut le);
        assert_eq!(le[0], 0x20);
        assert_eq!(from_le_bytes::<4>(&le), Some(v));
        assert_eq!(from_be_bytes::<4>(&[0u8; 40]), Some([0; 4]));
        assert_eq!(from_be_bytes::<4>(&[1u8; 33]), None);
    }

    #[test]
    fn inverse_mod_2_64_inverts_odd_words() {
        for x in [
            1u64,
            3,
            0xffff_ffff_ffff_fd97,
            u64::MAX,
            0x1234_5678_9abc_def1,
        ] {
            assert_eq!(x.wrapping_mul(inverse_mod_2_64(x)), 1, "x = {x:#x}");
        }
    }

    #[test]
    fn masks() {
        assert_eq!(is_zero_mask(&[0u64; 4]), u64::MAX);
        assert_eq!(is_zero_mask(&[0, 0, 1u64 << 63, 0]), 0);
        assert_eq!(lt_mask(&[1u64, 0], &[2, 0]), u64::MAX);
        assert_eq!(lt_mask(&[2u64, 0], &[2, 0]), 0);
        assert_eq!(lt_mask(&[0u64, 1], &[u64::MAX, 0]), 0);
    }
}
