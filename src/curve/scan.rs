//! Constant-time table lookups for the secret-scalar multiplications.
//!
//! A table entry is K field elements of N limbs, stored packed as
//! `[[u64; N]; K]`. [`scan`] reads every entry of a row and ORs each into
//! the result under a mask that is all ones for exactly one of them, so the
//! memory addresses and the instruction sequence are the same whatever the
//! (secret) index is.
//!
//! Entries are packed so that a row is one contiguous array of limbs.
//!
//! Three versions of the same scan, chosen once per process by
//! [`engine`]: AVX-512VL (`vpcmpeqq` for the mask, then one `vpternlogq`
//! per 32 bytes computing `out | (entry & mask)`), AVX2 (`vpcmpeqq`, then
//! `vpand` and `vpor`), and portable code that the compiler turns into SSE2
//! `pand`/`por` with a mask made in a general register. The scan is bound
//! by instructions, not by memory, and letting the compiler vectorise the
//! portable loop (across entries, with lane inserts) was slower than the
//! intrinsics (`docs/performance.md`). `GOSTCMS_PORTABLE=1` in the environment
//! selects the portable scan.

/// K field elements of N limbs: the stored form of a table entry.
pub(crate) type Packed<const N: usize, const K: usize> = [[u64; N]; K];

use crate::cpu;

/// A point type that a constant-time table stores packed.
pub(crate) trait CtEntry<const N: usize, const K: usize>: Copy {
    fn pack(&self) -> Packed<N, K>;
    fn unpack(limbs: &Packed<N, K>) -> Self;
}

/// The implementations of [`scan`], each vector one holding the proof
/// token ([`crate::cpu`]) that its instructions exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    Portable,
    Avx2(cpu::Avx2),
    Avx512(cpu::Avx512Vl),
}

/// The fastest scan this CPU runs, chosen once; `GOSTCMS_PORTABLE=1`
/// forces the portable one.
pub(crate) fn engine() -> Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    *ENGINE.get_or_init(|| {
        if let Some(avx512) = cpu::Avx512Vl::get() {
            Engine::Avx512(avx512)
        } else if let Some(avx2) = cpu::Avx2::get() {
            Engine::Avx2(avx2)
        } else {
            Engine::Portable
        }
    })
}

/// Entry `abs` (1-based) of a row, or `start` when abs = 0, by a full
/// scan: every entry is read and OR-ed in under a mask computed without
/// branches, whatever abs is; exactly one mask is all ones. N * K must be
/// a multiple of 4 (N is 4 or 8), at most 24.
#[inline]
pub(crate) fn scan<const N: usize, const K: usize, const L: usize>(
    row: &[Packed<N, K>; L],
    abs: u8,
    start: &Packed<N, K>,
) -> Packed<N, K> {
    scan_with(engine(), row, abs, start)
}

/// [`scan`] with the given implementation: [`engine`]'s, or one it
/// implies (`Avx2` under `Avx512`, and `Portable`); the tests run each.
#[inline]
fn scan_with<const N: usize, const K: usize, const L: usize>(
    engine: Engine,
    row: &[Packed<N, K>; L],
    abs: u8,
    start: &Packed<N, K>,
) -> Packed<N, K> {
    match engine {
        #[cfg(target_arch = "x86_64")]
        Engine::Avx512(_) => {
            // SAFETY: the `cpu::Avx512Vl` token exists only after
            // detecting AVX2, AVX-512F and AVX-512VL on this CPU.
            #[allow(unsafe_code)]
            unsafe {
                x86::scan_avx512(row, abs, start)
            }
        }
        #[cfg(target_arch = "x86_64")]
        Engine::Avx2(_) => {
            // SAFETY: the `cpu::Avx2` token exists only after detecting
            // AVX2 on this CPU.
            #[allow(unsafe_code)]
            unsafe {
                x86::scan_avx2(row, abs, start)
            }
        }
        _ => scan_portable(row, abs, start),
    }
}

/// All ones when x = y, else zero; no branch ((z - 1) >> 63 is 1 exactly
/// when z = x ^ y is 0, for z < 2^63).
#[inline(always)]
fn eq_mask(x: u64, y: u64) -> u64 {
    (((x ^ y).wrapping_sub(1)) >> 63).wrapping_neg()
}

/// The portable scan. Not inlined: compiled on its own, the masked ORs
/// become SSE2 `pand` / `por` on 16-byte lanes; inlined into the point
/// formulas they stayed scalar.
#[inline(never)]
fn scan_portable<const N: usize, const K: usize, const L: usize>(
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

/// The vector scans: an entry is N * K / 4 vectors of four limbs. The
/// mask of entry j is `vpcmpeqq` of the broadcast index with a counter
/// vector, so no general-purpose register or flag ever holds anything
/// derived from the index, and the loops have fixed trip counts.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::*;

    use super::Packed;

    /// The most vectors of an entry: 8 limbs, 3 elements.
    const MAX_VECTORS: usize = 6;

    /// Vector `v` (limbs 4v..4v+3) of an entry.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn lane_vector<const N: usize, const K: usize>(e: &Packed<N, K>, v: usize) -> __m256i {
        let limb = |t: usize| e[(4 * v + t) / N][(4 * v + t) % N] as i64;
        // Takes values (no pointer); the compiler makes it one load.
        _mm256_set_epi64x(limb(3), limb(2), limb(1), limb(0))
    }

    /// Writes the vectors back as limbs.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn unpack<const N: usize, const K: usize>(acc: &[__m256i; MAX_VECTORS]) -> Packed<N, K> {
        let mut out = [[0u64; N]; K];
        for (v, vector) in acc.iter().enumerate().take(N * K / 4) {
            let lo = _mm256_castsi256_si128(*vector);
            let hi = _mm256_extracti128_si256::<1>(*vector);
            let limbs = [
                _mm_cvtsi128_si64(lo),
                _mm_extract_epi64::<1>(lo),
                _mm_cvtsi128_si64(hi),
                _mm_extract_epi64::<1>(hi),
            ];
            for (t, limb) in limbs.into_iter().enumerate() {
                out[(4 * v + t) / N][(4 * v + t) % N] = limb as u64;
            }
        }
        out
    }

    /// A vector scan for the given target features, whose `combine`
    /// ORs `entry & mask` into the accumulator.
    macro_rules! vector_scan {
        ($name:ident, $features:literal, $combine:expr) => {
            #[target_feature(enable = $features)]
            pub(super) fn $name<const N: usize, const K: usize, const L: usize>(
                row: &[Packed<N, K>; L],
                abs: u8,
                start: &Packed<N, K>,
            ) -> Packed<N, K> {
                const { assert!((N * K).is_multiple_of(4) && N * K / 4 <= MAX_VECTORS) };
                let want = _mm256_set1_epi64x(core::hint::black_box(abs) as i64);
                let one = _mm256_set1_epi64x(1);
                let mut index = _mm256_setzero_si256();
                let mut acc = [_mm256_setzero_si256(); MAX_VECTORS];
                let mask = _mm256_cmpeq_epi64(want, index);
                for (v, a) in acc.iter_mut().enumerate().take(N * K / 4) {
                    *a = _mm256_and_si256(lane_vector(start, v), mask);
                }
                for entry in row {
                    index = _mm256_add_epi64(index, one);
                    let mask = _mm256_cmpeq_epi64(want, index);
                    for (v, a) in acc.iter_mut().enumerate().take(N * K / 4) {
                        *a = $combine(*a, lane_vector(entry, v), mask);
                    }
                }
                unpack(&acc)
            }
        };
    }

    vector_scan!(scan_avx2, "avx2", |a, e, m| _mm256_or_si256(
        a,
        _mm256_and_si256(e, m)
    ));
    // Truth table 0xF8 over (a, e, m): a | (e & m), one instruction.
    vector_scan!(
        scan_avx512,
        "avx2,avx512f,avx512vl",
        _mm256_ternarylogic_epi64::<0xF8>
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engines this machine can run: the portable one, and the
    /// detected one.
    fn engines() -> Vec<Engine> {
        let mut v = vec![Engine::Portable];
        if engine() != Engine::Portable {
            v.push(engine());
        }
        // AVX2 alone, when AVX-512 was detected (detected with AVX2).
        #[cfg(target_arch = "x86_64")]
        if let Engine::Avx512(avx512) = engine() {
            v.push(Engine::Avx2(avx512.avx2()));
        }
        v
    }

    #[test]
    fn every_engine_selects_every_entry() {
        eprintln!("scan engines tested: {:?}", engines());
        if engines().len() == 1 {
            cpu::skipped(
                "curve::scan::tests::every_engine_selects_every_entry (vector scans)",
                "no AVX2",
            );
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for engine in engines() {
            let row4: [[[u64; 4]; 3]; 32] = core::array::from_fn(|_| {
                core::array::from_fn(|_| core::array::from_fn(|_| next()))
            });
            let row8: [[[u64; 8]; 2]; 32] = core::array::from_fn(|_| {
                core::array::from_fn(|_| core::array::from_fn(|_| next()))
            });
            let row83: [[[u64; 8]; 3]; 8] = core::array::from_fn(|_| {
                core::array::from_fn(|_| core::array::from_fn(|_| next()))
            });
            let start4 = [[next(); 4]; 3];
            let start8 = [[next(); 8]; 2];
            let start83 = [[u64::MAX; 8]; 3];
            assert_eq!(scan_with(engine, &row4, 0, &start4), start4);
            assert_eq!(scan_with(engine, &row8, 0, &start8), start8);
            assert_eq!(scan_with(engine, &row83, 0, &start83), start83);
            for abs in 1..=32u8 {
                let j = abs as usize - 1;
                assert_eq!(
                    scan_with(engine, &row4, abs, &start4),
                    row4[j],
                    "{engine:?}"
                );
                assert_eq!(
                    scan_with(engine, &row8, abs, &start8),
                    row8[j],
                    "{engine:?}"
                );
                if j < 8 {
                    assert_eq!(scan_with(engine, &row83, abs, &start83), row83[j]);
                }
            }
            // Out of range: nothing selected.
            assert_eq!(scan_with(engine, &row4, 33, &start4), [[0; 4]; 3]);
            assert_eq!(scan_with(engine, &row8, 200, &start8), [[0; 8]; 2]);
        }
    }

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
        assert_eq!(scan_portable(&row, 0, &start), start);
        for abs in 1..=32u8 {
            assert_eq!(scan_portable(&row, abs, &start), row[abs as usize - 1]);
        }
        // Out of range: nothing selected.
        assert_eq!(scan_portable(&row, 33, &start), [[0u64; 8]; 3]);
        // Four-limb, two-element entries.
        let small: [[[u64; 4]; 2]; 8] =
            core::array::from_fn(|j| [[j as u64 * 7 + 1; 4], [u64::MAX - j as u64; 4]]);
        for abs in 1..=8u8 {
            assert_eq!(
                scan_portable(&small, abs, &[[0; 4]; 2]),
                small[abs as usize - 1]
            );
        }
    }
}
