//! Streebog (GOST R 34.11-2012) written for throughput.
//!
//! On x86-64 CPUs with AVX-512 VBMI and GFNI every compression runs in
//! `hash::x86_64::gfni` instead: the state in one vector register, S by byte
//! permutes, P and L by GF(2) affine products, nothing indexed by data,
//! so it serves [`Streebog`] and [`StreebogSecret`] alike. What follows
//! is the table code used everywhere else (and under valgrind).
//!
//! The compression function g_N(h, m) = E(LPS(h ^ N), m) ^ h ^ m runs
//! thirteen rounds of X (xor with a round key), S (the byte S-box pi),
//! P (the byte transposition tau) and L (a linear map over GF(2)^64). The
//! standard implementation technique folds S, P and L into eight tables of
//! 256 words: output word i of LPS(x) is the xor over j of
//! T[j][byte i of word j of x], where T[j][v] = l(pi(v) << 8j). The tables
//! are computed at compile time from pi and the matrix A.
//!
//! How the lookups are fed (the measurements: `docs/performance.md`):
//! the 12 rounds keep the two chains as
//! the inputs of their next LPS, xs = S ^ K and xk = K ^ C_i, in 64-byte
//! buffers. Each LPS is an out-of-line function that reads its buffer as
//! sixteen 32-bit halves (per half: `movzx` of the low and the high byte
//! register, two shifts for the upper two bytes, four `xor reg, [table]`)
//! and writes the next input with 64-bit stores, which the next LPS's
//! narrower loads can take from store-to-load forwarding. With 64 table
//! loads per LPS the load ports and the shift-capable ALUs are both close
//! to saturation.
//!
//! The lookups are indexed by state bytes, so the running time may depend
//! on the data through the cache: use the tables only for public data (message
//! and certificate digests). Secret-keyed uses (HMAC keys, nonces) stay on
//! other code: the signing nonce is keyed SHA-512 (see `sign::dsa`).
//!
//! [`StreebogSecret`] is the same function for SECRET inputs (the shared
//! point of a key agreement): its LPS has no data-dependent branch or
//! memory index. S scans all 256 entries of pi for eight bytes at a time
//! (SWAR masks), P is a fixed byte transposition, L xors the matrix rows
//! under bit masks. It is much slower, which is nothing for the two or
//! three blocks a key agreement hashes.
//!
//! Tests check both against the `streebog` crate on random inputs of every
//! length around the block boundaries, and against the standard's examples
//! through [`crate::hash::HashAlg`].

use super::streebog_spec::{A, C, PI, add512, words};

/// l(w) = xor of A[k] over the set bits k of w.
const fn linear(w: u64) -> u64 {
    let mut out = 0u64;
    let mut k = 0;
    while k < 64 {
        if (w >> k) & 1 == 1 {
            out ^= A[k];
        }
        k += 1;
    }
    out
}

/// T[j][v] = l(pi(v) << 8j): S, P and L for byte position j.
const fn lps_tables() -> [[u64; 256]; 8] {
    let mut t = [[0u64; 256]; 8];
    let mut j = 0;
    while j < 8 {
        let mut v = 0;
        while v < 256 {
            t[j][v] = linear((PI[v] as u64) << (8 * j));
            v += 1;
        }
        j += 1;
    }
    t
}

static LPS: [[u64; 256]; 8] = lps_tables();

/// Word i (little-endian) of a 64-byte buffer.
#[inline(always)]
fn get(buf: &[u8; 64], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&buf[8 * i..8 * i + 8]);
    u64::from_le_bytes(w)
}

#[inline(always)]
fn put(buf: &mut [u8; 64], i: usize, v: u64) {
    buf[8 * i..8 * i + 8].copy_from_slice(&v.to_le_bytes());
}

/// LPS(x) for x held in memory: byte i of input word j selects T[j][.]
/// for output word i. Each input word is read as two 32-bit halves;
/// of the four bytes of a half, the low two come out of the low and high
/// byte registers (`movzx r, cl` / `movzx r, ch`, no shift) and the upper
/// two cost a shift each. That is five ALU operations and one load per
/// four lookups, against seven ALU operations per four lookups for a
/// 64-bit word shifted down byte by byte (Zen 3 shifts on two of its
/// four ALUs only).
#[inline(always)]
fn lps_mem(x: &[u8; 64]) -> [u64; 8] {
    let mut out = [0u64; 8];
    for (j, table) in LPS.iter().enumerate() {
        for half in 0..2 {
            let at = 8 * j + 4 * half;
            let mut bytes = [0u8; 4];
            bytes.copy_from_slice(&x[at..at + 4]);
            let mut w = u32::from_le_bytes(bytes);
            for word in out[4 * half..4 * half + 4].iter_mut() {
                *word ^= table[(w & 0xff) as usize];
                w >>= 8;
            }
        }
    }
    out
}

/// One step of the key schedule: with xk = K ^ C_i on entry, key becomes
/// K' = LPS(xk) and xk becomes K' ^ `next` (the next constant).
///
/// The two LPS of a round are separate functions: inlined together they
/// run out of registers and spill. Everything they pass goes through
/// memory in 64-bit stores that the next LPS reads back in 32-bit loads,
/// which the store-to-load forwarding serves; the earlier arrangement
/// (a `[u64; 8]` returned and xored in vector registers) read 128 bits
/// over two 64-bit stores, which it does not.
#[inline(never)]
fn lps_key(xk: &mut [u8; 64], key: &mut [u64; 8], next: &[u64; 8]) {
    let k = lps_mem(xk);
    for i in 0..8 {
        key[i] = k[i];
        put(xk, i, k[i] ^ next[i]);
    }
}

/// One step of the block cipher: with xs = S ^ K on entry, xs becomes
/// LPS(xs) ^ K', the next round's input, K' being the key just derived.
#[inline(never)]
fn lps_state(xs: &mut [u8; 64], key: &[u64; 8]) {
    let s = lps_mem(xs);
    for i in 0..8 {
        put(xs, i, s[i] ^ key[i]);
    }
}

#[inline(always)]
fn xor(a: &[u64; 8], b: &[u64; 8]) -> [u64; 8] {
    let mut out = [0u64; 8];
    for i in 0..8 {
        out[i] = a[i] ^ b[i];
    }
    out
}

/// pi applied to every byte of x without a secret-dependent index: for
/// each candidate v, the lanes of x equal to v (an exact SWAR zero-byte
/// test on x ^ v..v) take pi(v).
fn s_ct(x: &[u64; 8]) -> [u64; 8] {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut out = [0u64; 8];
    for (v, &p) in PI.iter().enumerate() {
        let pattern = ONES * v as u64;
        let image = ONES * p as u64;
        for (o, &w) in out.iter_mut().zip(x) {
            let t = w ^ pattern;
            // High bit of each lane set exactly when the lane of t is zero.
            let zero = !(((t & LOW7) + LOW7) | t | LOW7);
            let mask = (zero >> 7) * 0xff;
            *o |= image & mask;
        }
    }
    out
}

/// LPS(x) in constant time: S, then P (byte j of output word i is byte i
/// of input word j), then L on each word as the xor of A[k] over its set
/// bits k, selected by masks.
fn lps_ct(x: &[u64; 8]) -> [u64; 8] {
    let s = s_ct(x);
    let mut out = [0u64; 8];
    for (i, o) in out.iter_mut().enumerate() {
        let mut word = 0u64;
        for (j, &sj) in s.iter().enumerate() {
            word |= ((sj >> (8 * i)) & 0xff) << (8 * j);
        }
        let mut acc = 0u64;
        for (k, &row) in A.iter().enumerate() {
            acc ^= row & ((word >> k) & 1).wrapping_neg();
        }
        *o = acc;
    }
    out
}

/// g_N(h, m) with the table LPS, for public data. The state and the key
/// are kept as the inputs of their next LPS: xs = S ^ K and xk = K ^ C_i.
/// After the twelfth round xs = S_12 ^ K_13, which is E(K, m).
fn compress_fast(h: &mut [u64; 8], n: &[u64; 8], m: &[u64; 8]) {
    const NONE: [u64; 8] = [0; 8];
    let mut xk = [0u8; 64];
    for i in 0..8 {
        put(&mut xk, i, h[i] ^ n[i]);
    }
    let mut key = [0u64; 8];
    lps_key(&mut xk, &mut key, &C[0]);
    let mut xs = [0u8; 64];
    for i in 0..8 {
        put(&mut xs, i, m[i] ^ key[i]);
    }
    for r in 0..12 {
        lps_key(&mut xk, &mut key, C.get(r + 1).unwrap_or(&NONE));
        lps_state(&mut xs, &key);
    }
    for i in 0..8 {
        h[i] ^= get(&xs, i) ^ m[i];
    }
}

/// g_N(h, m) with the constant-time LPS.
fn compress_ct(h: &mut [u64; 8], n: &[u64; 8], m: &[u64; 8]) {
    let mut key = lps_ct(&xor(h, n));
    let mut state = *m;
    for c in &C {
        state = lps_ct(&xor(&state, &key));
        key = lps_ct(&xor(&key, c));
    }
    for i in 0..8 {
        h[i] ^= state[i] ^ key[i] ^ m[i];
    }
}

/// g_N(h, m) on the vector code when the state has it, else with the
/// tables or (`CT`) the constant-time LPS.
#[inline(always)]
fn compress<const CT: bool>(vector: Option<Gfni>, h: &mut [u64; 8], n: &[u64; 8], m: &[u64; 8]) {
    if let Some(vector) = vector {
        vector.compress(h, n, m)
    } else if CT {
        compress_ct(h, n, m)
    } else {
        compress_fast(h, n, m)
    }
}

use crate::cpu::Gfni;

/// Off x86-64 the [`Gfni`] token has no values, so these are never
/// called; they let the callers compile unchanged.
#[cfg(not(target_arch = "x86_64"))]
impl Gfni {
    fn compress(self, _: &mut [u64; 8], _: &[u64; 8], _: &[u64; 8]) {
        match self {}
    }

    fn compress_blocks(
        self,
        _: &mut [u64; 8],
        _: &mut [u64; 8],
        _: &mut [u64; 8],
        _: &[u8],
    ) -> bool {
        match self {}
    }
}

/// The incremental state, for either LPS.
#[derive(Clone)]
struct Core<const CT: bool> {
    h: [u64; 8],
    n: [u64; 8],
    sigma: [u64; 8],
    buffer: [u8; 64],
    buffered: usize,
    bits256: bool,
    /// The vector compression, when this CPU runs it.
    vector: Option<Gfni>,
}

impl<const CT: bool> Core<CT> {
    /// Streebog-256 (the initial vector is 0x01 bytes, the digest the
    /// upper half of the 512-bit result) or Streebog-512 (zero IV).
    fn new(bits256: bool) -> Self {
        let iv = if bits256 { 0x0101_0101_0101_0101 } else { 0 };
        Core {
            h: [iv; 8],
            n: [0; 8],
            sigma: [0; 8],
            buffer: [0; 64],
            buffered: 0,
            bits256,
            vector: Gfni::get(),
        }
    }

    /// The same state on the table (or constant-time) code, for tests.
    #[cfg(test)]
    fn without_vector(mut self) -> Self {
        self.vector = None;
        self
    }

    fn output_len(&self) -> usize {
        if self.bits256 { 32 } else { 64 }
    }

    /// Absorbs one 64-byte block (`block.len() == 64`) of `bits` message bits.
    fn block(&mut self, block: &[u8], bits: u64) {
        let m = words(block);
        compress::<CT>(self.vector, &mut self.h, &self.n, &m);
        add512(&mut self.n, &[bits, 0, 0, 0, 0, 0, 0, 0]);
        add512(&mut self.sigma, &m);
    }

    fn update(&mut self, mut data: &[u8]) {
        if self.buffered > 0 {
            let take = (64 - self.buffered).min(data.len());
            self.buffer[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < 64 {
                return;
            }
            let full = self.buffer;
            self.block(&full, 512);
            self.buffered = 0;
        }
        let whole = data.len() - data.len() % 64;
        let (blocks, rest) = data.split_at(whole);
        let done = self.vector.is_some_and(|vector| {
            vector.compress_blocks(&mut self.h, &mut self.n, &mut self.sigma, blocks)
        });
        if !done {
            for chunk in blocks.chunks_exact(64) {
                self.block(chunk, 512);
            }
        }
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    fn finalize(&mut self) -> Vec<u8> {
        let mut out = vec![0u8; self.output_len()];
        self.finalize_into(&mut out);
        out
    }

    /// Writes the digest into `out` (`out.len() == self.output_len()`),
    /// with no allocation: HMAC and PBKDF2 outputs are derived keys.
    fn finalize_into(&mut self, out: &mut [u8]) {
        // Pad the last (possibly empty) partial block with 0x01 then zeros.
        let len = self.buffered;
        let mut last = [0u8; 64];
        last[..len].copy_from_slice(&self.buffer[..len]);
        last[len] = 1;
        self.block(&last, 8 * len as u64);
        let zero = [0u64; 8];
        let n = self.n;
        compress::<CT>(self.vector, &mut self.h, &zero, &n);
        let sigma = self.sigma;
        compress::<CT>(self.vector, &mut self.h, &zero, &sigma);
        // Streebog-256 is the upper half of the 512-bit result.
        let skip = 8 - out.len() / 8;
        for (dst, w) in out.chunks_exact_mut(8).zip(&self.h[skip..]) {
            dst.copy_from_slice(&w.to_le_bytes());
        }
        use zeroize::Zeroize;
        last.zeroize();
    }

    /// Wipes the state (it may have absorbed a key).
    fn wipe(&mut self) {
        use zeroize::Zeroize;
        self.h.zeroize();
        self.n.zeroize();
        self.sigma.zeroize();
        self.buffer.zeroize();
        self.buffered = 0;
    }
}

/// An incremental Streebog-256 or Streebog-512 state, for public data.
#[derive(Clone)]
pub struct Streebog(Core<false>);

impl core::fmt::Debug for Streebog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.0.bits256 {
            "Streebog256"
        } else {
            "Streebog512"
        })
    }
}

impl Streebog {
    /// Streebog-256.
    pub fn new_256() -> Self {
        Streebog(Core::new(true))
    }

    /// Streebog-512.
    pub fn new_512() -> Self {
        Streebog(Core::new(false))
    }

    /// Digest length in bytes.
    pub fn output_len(&self) -> usize {
        self.0.output_len()
    }

    /// Absorbs data.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The digest (32 or 64 bytes).
    pub fn finalize(mut self) -> Vec<u8> {
        self.0.finalize()
    }
}

/// Streebog for secret inputs: constant-time LPS, state wiped on drop.
pub(crate) struct StreebogSecret(Core<true>);

impl StreebogSecret {
    /// Streebog-256 (`bits256`) or Streebog-512.
    pub(crate) fn new(bits256: bool) -> Self {
        StreebogSecret(Core::new(bits256))
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub(crate) fn finalize(mut self) -> zeroize::Zeroizing<Vec<u8>> {
        zeroize::Zeroizing::new(self.0.finalize())
    }
}

impl Drop for StreebogSecret {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

/// Block-level Streebog (`digest`'s core API) on this module's code: the
/// core of [`Streebog256`] (`BITS256 = true`) and [`Streebog512`]. Full
/// blocks go to the vector compression where the CPU has it. The state is
/// wiped on drop (HMAC and PBKDF2 feed it keys).
#[derive(Clone)]
pub struct StreebogCore<const BITS256: bool>(Core<false>);

impl<const BITS256: bool> Default for StreebogCore<BITS256> {
    fn default() -> Self {
        StreebogCore(Core::new(BITS256))
    }
}

impl<const BITS256: bool> Drop for StreebogCore<BITS256> {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

impl<const BITS256: bool> zeroize::ZeroizeOnDrop for StreebogCore<BITS256> {}

impl<const BITS256: bool> digest::HashMarker for StreebogCore<BITS256> {}

impl<const BITS256: bool> digest::block_api::BlockSizeUser for StreebogCore<BITS256> {
    type BlockSize = digest::consts::U64;
}

impl<const BITS256: bool> digest::block_api::BufferKindUser for StreebogCore<BITS256> {
    type BufferKind = digest::block_api::Eager;
}

impl<const BITS256: bool> digest::block_api::UpdateCore for StreebogCore<BITS256> {
    fn update_blocks(&mut self, blocks: &[digest::block_api::Block<Self>]) {
        // Whole blocks into an empty buffer: all of them go to the
        // compression (the vector code takes the run at once).
        self.0
            .update(digest::array::Array::slice_as_flattened(blocks));
    }
}

impl digest::OutputSizeUser for StreebogCore<true> {
    type OutputSize = digest::consts::U32;
}

impl digest::OutputSizeUser for StreebogCore<false> {
    type OutputSize = digest::consts::U64;
}

macro_rules! fixed_core {
    ($bits256:literal, $name:literal) => {
        impl digest::block_api::FixedOutputCore for StreebogCore<$bits256> {
            fn finalize_fixed_core(
                &mut self,
                buffer: &mut digest::block_api::Buffer<Self>,
                out: &mut digest::Output<Self>,
            ) {
                self.0.update(buffer.get_data());
                self.0.finalize_into(out);
            }
        }

        impl digest::common::AlgorithmName for StreebogCore<$bits256> {
            fn write_alg_name(f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str($name)
            }
        }

        impl core::fmt::Debug for StreebogCore<$bits256> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!($name, "Core { ... }"))
            }
        }
    };
}

fixed_core!(true, "Streebog256");
fixed_core!(false, "Streebog512");

impl<const BITS256: bool> digest::Reset for StreebogCore<BITS256> {
    fn reset(&mut self) {
        *self = Self::default();
    }
}

digest::buffer_fixed!(
    /// Streebog-256 with the `digest` traits (`Digest`, `Update`,
    /// `FixedOutput`, `Reset`, ...) on this crate's fast code: runs under
    /// `hmac::Hmac`, `pbkdf2` and `signature::DigestSigner`.
    pub struct Streebog256(StreebogCore<true>);
    impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
);

digest::buffer_fixed!(
    /// Streebog-512 with the `digest` traits on this crate's fast code.
    pub struct Streebog512(StreebogCore<false>);
    impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
);

impl der::oid::AssociatedOid for Streebog256 {
    const OID: der::oid::ObjectIdentifier =
        der::oid::ObjectIdentifier::new_unwrap("1.2.643.7.1.1.2.2");
}

impl der::oid::AssociatedOid for Streebog512 {
    const OID: der::oid::ObjectIdentifier =
        der::oid::ObjectIdentifier::new_unwrap("1.2.643.7.1.1.2.3");
}

#[cfg(test)]
mod tests {
    use super::*;
    use digest::Digest;

    /// The digest of `msg` fed in pieces of `piece` bytes, on the vector
    /// code (where this CPU has it) or on the tables / constant-time LPS.
    fn digest_with<const CT: bool>(
        bits256: bool,
        tables: bool,
        msg: &[u8],
        piece: usize,
    ) -> Vec<u8> {
        let mut core = Core::<CT>::new(bits256);
        if tables {
            core = core.without_vector();
        }
        for p in msg.chunks(piece) {
            core.update(p);
        }
        core.finalize()
    }

    #[test]
    fn agrees_with_the_streebog_crate_on_random_inputs() {
        let mut x = 0x0123_4567_89ab_cdefu64;
        let mut data = vec![0u8; 1500];
        for b in data.iter_mut() {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *b = (x >> 56) as u8;
        }
        if Gfni::get().is_none() {
            crate::cpu::skipped(
                "hash::streebog_fast::tests::agrees_with_the_streebog_crate_on_random_inputs",
                "no AVX-512 VBMI + GFNI (the table code is tested alone)",
            );
        }
        let mut lengths: Vec<usize> = (0..=200).collect();
        lengths.extend([255, 256, 257, 511, 512, 513, 1000, 1500]);
        for len in lengths {
            let msg = &data[..len];
            let want256 = streebog::Streebog256::digest(msg).to_vec();
            let want512 = streebog::Streebog512::digest(msg).to_vec();
            for tables in [false, true] {
                // In one piece, and in uneven pieces that exercise the buffer.
                let ours256 = digest_with::<false>(true, tables, msg, len.max(1));
                assert_eq!(ours256, want256, "256, len {len}, tables {tables}");
                let ours512 = digest_with::<false>(false, tables, msg, 37);
                assert_eq!(ours512, want512, "512, len {len}, tables {tables}");
                if len % 7 == 0 || len > 200 {
                    for (bits256, want) in [(true, &want256), (false, &want512)] {
                        let ct = digest_with::<true>(bits256, tables, msg, 29);
                        assert_eq!(&ct, want, "constant-time, len {len}, tables {tables}");
                    }
                }
            }
            // The public type, as callers use it.
            let mut h = Streebog::new_256();
            h.update(msg);
            assert_eq!(h.finalize(), want256, "Streebog, len {len}");
        }
    }

    fn lcg(x: &mut u64) -> u64 {
        *x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *x ^ (*x >> 29)
    }

    /// Random (h, N, m).
    fn random_state(x: &mut u64) -> ([u64; 8], [u64; 8], [u64; 8]) {
        let mut words = || core::array::from_fn(|_| lcg(x));
        (words(), words(), words())
    }

    #[test]
    fn table_compression_equals_the_constant_time_one() {
        // compress_fast (LPS through memory buffers, state and key kept
        // as the next LPS inputs) against compress_ct (the textbook order).
        let mut x = 0x5eed_5eed_u64;
        for _ in 0..200 {
            let (h, n, m) = random_state(&mut x);
            let mut fast = h;
            compress_fast(&mut fast, &n, &m);
            let mut ct = h;
            compress_ct(&mut ct, &n, &m);
            assert_eq!(fast, ct);
        }
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn vector_compression_equals_the_table_one() {
        let Some(vector) = Gfni::get() else {
            crate::cpu::skipped(
                "hash::streebog_fast::tests::vector_compression_equals_the_table_one",
                "no AVX-512 VBMI + GFNI",
            );
            return;
        };
        let mut x = 0x0dd_ba11_u64;
        let edge = [0u64, u64::MAX, 0x0101_0101_0101_0101, 0x8080_8080_8080_8080];
        for round in 0..500 {
            let (mut h, mut n, mut m) = random_state(&mut x);
            if round < edge.len() {
                (h, n, m) = ([edge[round]; 8], [0; 8], [edge[round]; 8]);
            }
            let mut table = h;
            compress_fast(&mut table, &n, &m);
            let mut vec = h;
            vector.compress(&mut vec, &n, &m);
            assert_eq!(vec, table, "round {round}");
        }
    }

    #[test]
    fn whole_blocks_from_the_input_equal_byte_by_byte_updates() {
        // update() feeds whole blocks straight from the caller's slice;
        // one byte at a time every block goes through the buffer.
        let mut x = 7u64;
        let data: Vec<u8> = (0..700).map(|_| lcg(&mut x) as u8).collect();
        for len in [0usize, 1, 63, 64, 65, 127, 128, 129, 300, 640, 700] {
            let msg = &data[..len];
            for bits256 in [true, false] {
                let new = || {
                    if bits256 {
                        Streebog::new_256()
                    } else {
                        Streebog::new_512()
                    }
                };
                let mut whole = new();
                whole.update(msg);
                let mut bytewise = new();
                for b in msg {
                    bytewise.update(core::slice::from_ref(b));
                }
                // a partial block first, then whole blocks from the slice
                let mut split = new();
                let cut = len.min(5);
                split.update(&msg[..cut]);
                split.update(&msg[cut..]);
                let want = whole.finalize();
                assert_eq!(bytewise.finalize(), want, "len {len}");
                assert_eq!(split.finalize(), want, "len {len}");
            }
        }
    }

    #[test]
    fn all_ff_and_zero_blocks_carry_through_n_and_sigma() {
        for fill in [0x00u8, 0xff] {
            for len in [64usize, 128, 192, 4096] {
                let msg = vec![fill; len];
                let mut h = Streebog::new_512();
                h.update(&msg);
                assert_eq!(h.finalize(), streebog::Streebog512::digest(&msg).to_vec());
            }
        }
    }

    #[test]
    fn vector_blocks_carry_n_and_sigma_like_the_table_code() {
        // Whole blocks on the vector code advance N by a lane add while
        // N's low word cannot wrap and go block by block when it could;
        // both against the table code, at and around the wrap, with
        // carries that run into the upper words of N and Sigma.
        if Gfni::get().is_none() {
            crate::cpu::skipped(
                "hash::streebog_fast::tests::vector_blocks_carry_n_and_sigma_like_the_table_code",
                "no AVX-512 VBMI + GFNI",
            );
            return;
        }
        let mut x = 0x00c0_ffee_u64;
        let data: Vec<u8> = (0..64 * 5).map(|_| lcg(&mut x) as u8).collect();
        for low in [
            0,
            u64::MAX - 512 * 5,
            u64::MAX - 512 * 5 + 1,
            u64::MAX - 1024,
            u64::MAX - 511,
            u64::MAX,
        ] {
            let (h, _, mut sigma) = random_state(&mut x);
            sigma[..3].fill(u64::MAX);
            let start = |tables: bool| {
                let mut core = Core::<false>::new(false);
                if tables {
                    core = core.without_vector();
                }
                (core.h, core.n, core.sigma) = (h, [low, u64::MAX, u64::MAX, 7, 0, 0, 0, 0], sigma);
                core
            };
            let (mut vector, mut table) = (start(false), start(true));
            vector.update(&data);
            table.update(&data);
            assert_eq!(
                (vector.h, vector.n, vector.sigma),
                (table.h, table.n, table.sigma),
                "N's low word {low:#x}"
            );
        }
    }
}
