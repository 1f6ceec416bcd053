//! Scalar recodings: signed radix-2^w digits for the constant-time
//! strategies, width-w NAF for the variable-time ones.
//!
//! Why apart: every strategy in this folder starts from one of these two
//! digit strings, and the IFMA code in `curve::x86_64` reads the same ones.

use subtle::Choice;

/// Upper bound on the number of signed digits of a scalar (4-bit windows
/// on 512-bit scalars, plus a carry digit).
pub(crate) const MAX_DIGITS: usize = 16 * 8 + 1;

/// Number of signed digits of width `w` for an N-limb scalar.
pub(crate) const fn digit_count<const N: usize>(w: usize) -> usize {
    (64 * N).div_ceil(w) + 1
}

/// Recodes k (< 2^(64N)) into signed radix-2^w digits in [-2^(w-1), 2^(w-1)]
/// with k = sum d_i 2^(w i); the last digit is the carry, 0 or 1.
/// Branch-free in k; `w` (public) is at most 7.
pub(crate) fn recode_signed<const N: usize>(k: &[u64; N], w: usize) -> [i8; MAX_DIGITS] {
    let mut digits = [0i8; MAX_DIGITS];
    let count = digit_count::<N>(w);
    let mask = (1u64 << w) - 1;
    let mut carry = 0u64;
    for (i, digit) in digits.iter_mut().enumerate().take(count - 1) {
        let bit = i * w;
        let (limb, shift) = (bit / 64, bit % 64);
        // Bits of the window, taken across a limb boundary when needed.
        let mut bits = k[limb] >> shift;
        if shift + w > 64 && limb + 1 < N {
            bits |= k[limb + 1] << (64 - shift);
        }
        let v = (bits & mask) + carry; // 0 ..= 2^w
        // carry = 1 exactly when v >= 2^(w-1); then the digit is v - 2^w.
        carry = (v + (1 << (w - 1))) >> w;
        *digit = (v as i64 - (carry << w) as i64) as i8;
    }
    digits[count - 1] = carry as i8;
    digits
}

/// Signed radix-16 digits (4-bit windows), for the variable-base paths.
pub(crate) fn recode_signed_radix16<const N: usize>(k: &[u64; N]) -> [i8; MAX_DIGITS] {
    recode_signed(k, 4)
}

/// |d| and the sign bit of a digit, branch-free.
#[inline(always)]
pub(crate) fn abs_and_sign(d: i8) -> (u8, Choice) {
    let sign = (d >> 7) as u8; // 0x00 or 0xff
    let abs = ((d as u8) ^ sign).wrapping_sub(sign);
    (abs, Choice::from(sign & 1))
}

/// Digits of the longest width-w NAF: 512 bits plus a carry position.
pub(crate) const WNAF_DIGITS: usize = 8 * 64 + 1;

/// Width-w NAF of a little-endian multi-limb integer (at most 8 limbs):
/// digits[i] is the coefficient of 2^i; returns the digits and how many
/// positions are used.
///
/// One pass over the bit positions with a pending carry: where carry plus
/// the bit is even the digit is zero; otherwise the w-bit window plus the
/// carry, v, gives the digit v (v < 2^(w-1)) or v - 2^w (carrying 2^w
/// upward), and the next w - 1 digits are zero. A carry never goes past
/// position 64 * limbs: a negative digit at p needs the value's bits from
/// p on to be at least 2^(w-1), so p + w <= 64 * limbs.
pub(crate) fn wnaf(k: &[u64], w: u32) -> ([i16; WNAF_DIGITS], usize) {
    // Two zero limbs past the value: windows read across the top.
    let mut x = [0u64; 10];
    x[..k.len()].copy_from_slice(k);
    let bits = 64 * k.len();
    let w_bits = w as usize;
    let mask = (1u64 << w) - 1;
    let half = 1i64 << (w - 1);
    let mut digits = [0i16; WNAF_DIGITS];
    let mut len = 0;
    let mut carry = 0i64;
    let mut pos = 0;
    while pos <= bits {
        let (limb, shift) = (pos / 64, pos % 64);
        let mut window = x[limb] >> shift;
        if shift + w_bits > 64 {
            window |= x[limb + 1] << (64 - shift);
        }
        let v = (window & mask) as i64 + carry;
        if v & 1 == 0 {
            pos += 1;
            continue;
        }
        let digit = if v < half { v } else { v - (1i64 << w) };
        carry = i64::from(digit < 0);
        digits[pos] = digit as i16;
        len = pos + 1;
        pos += w_bits;
    }
    (digits, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recoding_reconstructs_the_scalar() {
        // Evaluate sum d_i 2^(w i) with i128 on two-limb values.
        for w in 4..=7 {
            for v in [
                0u64,
                1,
                31,
                32,
                33,
                63,
                64,
                0x8888,
                u64::MAX,
                0x0123_4567_89ab_cdef,
            ] {
                for hi in [0u64, 1, 5] {
                    let digits = recode_signed(&[v, hi], w);
                    let count = digit_count::<2>(w);
                    let mut acc: i128 = 0;
                    for i in (0..count).rev() {
                        acc = acc * (1i128 << w) + digits[i] as i128;
                    }
                    assert_eq!(acc, ((hi as i128) << 64) + v as i128, "w={w} v={v:#x}");
                    let bound = 1i8 << (w - 1);
                    assert!(
                        digits[..count]
                            .iter()
                            .all(|&d| (-bound..=bound).contains(&d))
                    );
                }
            }
        }
    }

    /// The first implementation of [`wnaf`]: one bit per step, subtracting
    /// each digit from a multi-limb copy of the value.
    fn wnaf_reference(k: &[u64], w: u32) -> ([i16; WNAF_DIGITS], usize) {
        let mut x = [0u64; 9];
        x[..k.len()].copy_from_slice(k);
        let mut digits = [0i16; WNAF_DIGITS];
        let modulus = 1i64 << w;
        let half = modulus >> 1;
        let mut i = 0;
        let mut len = 0;
        while x.iter().any(|&l| l != 0) {
            if x[0] & 1 == 1 {
                let mut d = (x[0] & (modulus as u64 - 1)) as i64;
                if d >= half {
                    d -= modulus;
                }
                // x -= d, so that x becomes divisible by 2^w
                if d > 0 {
                    let mut borrow = d as u64;
                    for limb in x.iter_mut() {
                        let (v, b) = limb.overflowing_sub(borrow);
                        *limb = v;
                        borrow = b as u64;
                    }
                } else {
                    let mut carry = (-d) as u64;
                    for limb in x.iter_mut() {
                        let (v, c) = limb.overflowing_add(carry);
                        *limb = v;
                        carry = c as u64;
                    }
                }
                digits[i] = d as i16;
                len = i + 1;
            }
            for j in 0..9 {
                let next = if j + 1 < 9 { x[j + 1] } else { 0 };
                x[j] = (x[j] >> 1) | (next << 63);
            }
            i += 1;
        }
        (digits, len)
    }

    /// The one-pass recoding against the reference on random 1-, 4- and
    /// 8-limb values, every width used, and all-ones values (carries up to
    /// the top position).
    #[test]
    fn wnaf_agrees_with_the_reference() {
        let mut x = 0x243f_6a88_85a3_08d3u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x ^ (x >> 31)
        };
        for round in 0..300 {
            for limbs in [1usize, 4, 8] {
                let mut v: Vec<u64> = (0..limbs).map(|_| next()).collect();
                if round == 0 {
                    v.iter_mut().for_each(|l| *l = u64::MAX);
                }
                if round == 1 {
                    v.iter_mut().for_each(|l| *l = 0);
                }
                for w in [4u32, 5, 6, 8, 10] {
                    let (got, got_len) = wnaf(&v, w);
                    let (want, want_len) = wnaf_reference(&v, w);
                    assert_eq!(got_len, want_len, "{v:x?} w={w}");
                    assert_eq!(got[..], want[..], "{v:x?} w={w}");
                }
            }
        }
    }

    #[test]
    fn wnaf_reconstructs_and_is_sparse() {
        for w in [4u32, 5, 6, 8, 10] {
            for v in [
                [1u64, 0],
                [u64::MAX, 0],
                [0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210],
                [0, 1 << 63],
                [u64::MAX, 1 << 62],
            ] {
                let (d, len) = wnaf(&v, w);
                let mut acc: i128 = 0;
                let mut hi_part: i128 = 0;
                // evaluate as a 129-bit value in two halves: low 64 and the rest
                for i in (0..len).rev() {
                    if i >= 64 {
                        hi_part += (d[i] as i128) << (i - 64);
                    } else {
                        acc += (d[i] as i128) << i;
                    }
                }
                let total = (hi_part << 64) + acc;
                let want = ((v[1] as i128) << 64) + v[0] as i128;
                assert_eq!(total, want, "w={w}");
                let bound = 1i16 << (w - 1);
                for i in 0..len {
                    if d[i] != 0 {
                        assert!(d[i] % 2 != 0 && d[i].abs() < bound);
                        for j in 1..w as usize {
                            if i + j < len {
                                assert_eq!(d[i + j], 0, "w-1 zeros after a digit");
                            }
                        }
                    }
                }
            }
        }
    }
}
