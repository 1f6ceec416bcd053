//! Constant-time table lookups for the secret-scalar multiplications.
//!
//! A table entry is K field elements of N limbs, stored packed as
//! `[[u64; N]; K]`. [`scan`] reads every entry of a row and ORs each into
//! the result under a mask that is all ones for exactly one of them, so the
//! memory addresses and the instruction sequence are the same whatever the
//! (secret) index is.
//!
//! Entries are packed so that a row is one contiguous array of limbs; the
//! masked ORs are plain Rust (an SSE2 version needs `unsafe` calls in
//! Rust 1.95, which the crate forbids, and was not measured to be worth it).

/// K field elements of N limbs: the stored form of a table entry.
pub(crate) type Packed<const N: usize, const K: usize> = [[u64; N]; K];

/// A point type that a constant-time table stores packed.
pub(crate) trait CtEntry<const N: usize, const K: usize>: Copy {
    fn pack(&self) -> Packed<N, K>;
    fn unpack(limbs: &Packed<N, K>) -> Self;
}

/// All ones when x = y, else zero; no branch ((z - 1) >> 63 is 1 exactly
/// when z = x ^ y is 0, for z < 2^63).
#[inline(always)]
fn eq_mask(x: u64, y: u64) -> u64 {
    (((x ^ y).wrapping_sub(1)) >> 63).wrapping_neg()
}

/// Entry `abs` (1-based) of a row, or `start` when abs = 0, by a full
/// scan: every entry is read and OR-ed in under a mask computed without
/// branches, whatever abs is; exactly one mask is all ones.
///
/// Not inlined: compiled on its own, the masked ORs become SSE2 `andps` /
/// `orps` on 16-byte lanes; inlined into the point formulas they stayed
/// scalar (measured: the scan was ~1/6 of a cryptopro-A signature).
#[inline(never)]
pub(crate) fn scan<const N: usize, const K: usize, const L: usize>(
    row: &[Packed<N, K>; L],
    abs: u8,
    start: &Packed<N, K>,
) -> Packed<N, K> {
    let abs = core::hint::black_box(abs) as u64;
    let mut out = [[0u64; N]; K];
    let mut or_masked = |entry: &Packed<N, K>, mask: u64| {
        for k in 0..K {
            for i in 0..N {
                out[k][i] |= entry[k][i] & mask;
            }
        }
    };
    or_masked(start, eq_mask(abs, 0));
    for (j, entry) in row.iter().enumerate() {
        or_masked(entry, eq_mask(abs, j as u64 + 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_selects_its_entry() {
        let mut row = [[[0u64; 8]; 3]; 32];
        for (j, entry) in row.iter_mut().enumerate() {
            for (k, fe) in entry.iter_mut().enumerate() {
                for (i, limb) in fe.iter_mut().enumerate() {
                    *limb =
                        (j as u64 + 1) << 32 | (k as u64) << 16 | i as u64 | 0x8000_0000_0000_0000;
                }
            }
        }
        let start = [[0x5a5a_5a5a_5a5a_5a5au64; 8]; 3];
        assert_eq!(scan(&row, 0, &start), start);
        for abs in 1..=32u8 {
            assert_eq!(scan(&row, abs, &start), row[abs as usize - 1]);
        }
        // Out of range: nothing selected.
        assert_eq!(scan(&row, 33, &start), [[0u64; 8]; 3]);
        // Four-limb, two-element entries.
        let small: [[[u64; 4]; 2]; 8] =
            core::array::from_fn(|j| [[j as u64 * 7 + 1; 4], [u64::MAX - j as u64; 4]]);
        for abs in 1..=8u8 {
            assert_eq!(scan(&small, abs, &[[0; 4]; 2]), small[abs as usize - 1]);
        }
    }
}
