//! Streebog's compression function with AVX-512 VBMI and GFNI: the whole
//! 64-byte state in one vector register, no table lookups.
//!
//! LPS(x) = L(P(S(x))) where S is the byte S-box pi, P the transposition
//! of the 8 x 8 byte matrix (byte j of word i goes to byte i of word j)
//! and L the GF(2)-linear map l on each 64-bit word. Written out, byte q
//! of output word r is
//!
//! ```text
//!     LPS(x)[r].byte[q] = xor over j of M(j, q) * pi(x[j].byte[r])
//! ```
//!
//! where M(j, q) is the 8 x 8 bit block of l's matrix taking input byte
//! position j to output byte position q.
//!
//! Layout. The state is held *transposed*: lane q (a 64-bit lane) byte r
//! holds word r's byte q. Then, with y = S(x) bytewise,
//!
//! * `vpermb` with a fixed index broadcasts word j of y (in the
//!   transposed register: byte j of every lane) to all eight lanes,
//!   byte r of the lane being y[j].byte[r];
//! * `vgf2p8affineqb` multiplies every byte of lane q by an 8 x 8 bit
//!   matrix of that lane's own; giving lane q the matrix M(j, q) makes
//!   lane q byte r equal to M(j, q) * y[j].byte[r];
//! * the xor of those eight products over j is LPS(x), again transposed.
//!
//! S is two `vpermi2b` lookups into the 128-byte halves of pi and a
//! byte blend on the top bit (`vpmovb2m`). One LPS is thus 10 shuffles
//! (port 5 on Intel), 8 affine products and the xors; the key and state
//! chains of a round are independent, so two LPS overlap. X (the key
//! additions) does not care about the layout, so the state, the key and
//! the constants C_i stay transposed from the first LPS to the last; h,
//! N and m are transposed on entry and h back on exit (`vpermb` again,
//! transposition being an involution).
//!
//! A block's critical path is thirteen LPS deep (the key chain), and only
//! two chains are ever in flight, so latency counts as much as port 5;
//! `compress_blocks` keeps h in a register across blocks, advances N with
//! a lane add and reads each block's words once (for the product and for
//! Sigma). Measurements and the variants tried: `docs/performance.md`.
//!
//! No memory address or branch depends on the data: every byte of the
//! state is an operand of the same instructions whatever its value. The
//! path is used for public and for secret inputs alike; the table code in
//! `hash::streebog_fast` remains for CPUs without these instructions (and runs
//! under valgrind, which does not offer AVX-512).

use core::arch::x86_64::*;

use crate::cpu::Gfni;
use crate::hash::streebog_spec::{A, C, PI, add512, words};

/// The methods hang on the proof token, which only [`crate::cpu`] makes
/// (and `GOSTCMS_PORTABLE=1` withholds).
impl Gfni {
    /// g_N(h, m) (GOST R 34.11-2012 section 7), in place on h.
    #[inline]
    pub(crate) fn compress(self, h: &mut [u64; 8], n: &[u64; 8], m: &[u64; 8]) {
        // SAFETY: `self` exists only when `cpu::Gfni::get` found every feature
        // `compress_vector` is compiled for.
        #[allow(unsafe_code)]
        unsafe {
            compress_vector(h, n, m)
        }
    }

    /// The whole 64-byte blocks of `data` (its length a multiple of 64),
    /// each of 512 message bits: h, N and Sigma as after that many calls
    /// of [`Gfni::compress`] and the additions of section 8.2. Returns
    /// `false`, having changed nothing, when N's low word could wrap within
    /// `data` (after 2^64 bits hashed): the caller then goes block by block.
    #[inline]
    #[must_use]
    pub(crate) fn compress_blocks(
        self,
        h: &mut [u64; 8],
        n: &mut [u64; 8],
        sigma: &mut [u64; 8],
        data: &[u8],
    ) -> bool {
        debug_assert_eq!(data.len() % 64, 0);
        let bits = (data.len() as u64).checked_mul(8);
        let Some(low) = bits.and_then(|b| n[0].checked_add(b)) else {
            return false;
        };
        // SAFETY: as in `compress`.
        #[allow(unsafe_code)]
        unsafe {
            compress_blocks_vector(h, n, sigma, data)
        };
        n[0] = low;
        true
    }
}

/// Eight bytes as a little-endian word.
const fn word(b: &[u8], at: usize) -> u64 {
    let mut w = 0u64;
    let mut i = 0;
    while i < 8 {
        w |= (b[at + i] as u64) << (8 * i);
        i += 1;
    }
    w
}

/// 64 bytes as eight little-endian words.
const fn le_words(b: &[u8; 64]) -> [u64; 8] {
    let mut out = [0u64; 8];
    let mut i = 0;
    while i < 8 {
        out[i] = word(b, 8 * i);
        i += 1;
    }
    out
}

/// Quarter `k` of pi (entries 64k .. 64k + 63).
const fn pi_quarter(k: usize) -> [u64; 8] {
    let mut b = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        b[i] = PI[64 * k + i];
        i += 1;
    }
    le_words(&b)
}

/// The byte transposition (its own inverse) as a `vpermb` index: byte
/// 8a + b takes byte 8b + a.
const fn transpose_index() -> [u64; 8] {
    let mut b = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        b[i] = ((i % 8) * 8 + i / 8) as u8;
        i += 1;
    }
    le_words(&b)
}

/// `vpermb` index broadcasting word j of a transposed state to every
/// lane: lane q byte r takes byte 8r + j.
const fn broadcast_index(j: usize) -> [u64; 8] {
    let mut b = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        b[i] = (8 * (i % 8) + j) as u8;
        i += 1;
    }
    le_words(&b)
}

/// Lane q: the `vgf2p8affineqb` matrix of M(j, q). Output bit s of byte q
/// of l(w) is the parity of input byte j of w against the byte whose bit t
/// is bit 8q + s of A[8j + t]; the instruction reads the row of output bit
/// s from byte 7 - s of the matrix word.
const fn block_matrices(j: usize) -> [u64; 8] {
    let mut lanes = [0u64; 8];
    let mut q = 0;
    while q < 8 {
        let mut m = 0u64;
        let mut s = 0;
        while s < 8 {
            let mut row = 0u64;
            let mut t = 0;
            while t < 8 {
                row |= ((A[8 * j + t] >> (8 * q + s)) & 1) << t;
                t += 1;
            }
            m |= row << (8 * (7 - s));
            s += 1;
        }
        lanes[q] = m;
        q += 1;
    }
    lanes
}

/// A state of eight words, transposed (see the module doc).
const fn transposed(x: &[u64; 8]) -> [u64; 8] {
    let mut out = [0u64; 8];
    let mut a = 0;
    while a < 8 {
        let mut b = 0;
        while b < 8 {
            out[a] |= ((x[b] >> (8 * a)) & 0xff) << (8 * b);
            b += 1;
        }
        a += 1;
    }
    out
}

/// Everything the vector LPS reads, as words for `load`.
struct Constants {
    pi: [[u64; 8]; 4],
    broadcast: [[u64; 8]; 8],
    matrices: [[u64; 8]; 8],
    transpose: [u64; 8],
    /// C_1 .. C_12, transposed.
    c: [[u64; 8]; 12],
}

const fn constants() -> Constants {
    let mut k = Constants {
        pi: [[0; 8]; 4],
        broadcast: [[0; 8]; 8],
        matrices: [[0; 8]; 8],
        transpose: transpose_index(),
        c: [[0; 8]; 12],
    };
    let mut i = 0;
    while i < 4 {
        k.pi[i] = pi_quarter(i);
        i += 1;
    }
    let mut j = 0;
    while j < 8 {
        k.broadcast[j] = broadcast_index(j);
        k.matrices[j] = block_matrices(j);
        j += 1;
    }
    let mut r = 0;
    while r < 12 {
        k.c[r] = transposed(&C[r]);
        r += 1;
    }
    k
}

static CONSTANTS: Constants = constants();

#[inline]
#[target_feature(enable = "avx512f")]
fn load(w: &[u64; 8]) -> __m512i {
    let w = w.map(|x| x as i64);
    _mm512_set_epi64(w[7], w[6], w[5], w[4], w[3], w[2], w[1], w[0])
}

#[inline]
#[target_feature(enable = "avx512f")]
fn store(v: __m512i) -> [u64; 8] {
    let lo = _mm512_castsi512_si256(v);
    let hi = _mm512_extracti64x4_epi64::<1>(v);
    [
        _mm256_extract_epi64::<0>(lo) as u64,
        _mm256_extract_epi64::<1>(lo) as u64,
        _mm256_extract_epi64::<2>(lo) as u64,
        _mm256_extract_epi64::<3>(lo) as u64,
        _mm256_extract_epi64::<0>(hi) as u64,
        _mm256_extract_epi64::<1>(hi) as u64,
        _mm256_extract_epi64::<2>(hi) as u64,
        _mm256_extract_epi64::<3>(hi) as u64,
    ]
}

/// The constants in registers (the compiler keeps what fits).
#[derive(Clone, Copy)]
struct Regs {
    pi: [__m512i; 4],
    broadcast: [__m512i; 8],
    matrices: [__m512i; 8],
    transpose: __m512i,
}

/// LPS of a transposed state, transposed.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,gfni")]
fn lps(x: __m512i, k: &Regs) -> __m512i {
    // S: entries 0..127 from the first half of pi, 128..255 from the
    // second (vpermi2b reads the low seven bits of each index byte).
    let low = _mm512_permutex2var_epi8(k.pi[0], x, k.pi[1]);
    let high = _mm512_permutex2var_epi8(k.pi[2], x, k.pi[3]);
    let y = _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), low, high);
    // P and L: the product of every word of y with its column of blocks.
    let t: [__m512i; 8] = core::array::from_fn(|j| {
        _mm512_gf2p8affine_epi64_epi8::<0>(
            _mm512_permutexvar_epi8(k.broadcast[j], y),
            k.matrices[j],
        )
    });
    let a = _mm512_ternarylogic_epi64::<0x96>(t[0], t[1], t[2]);
    let b = _mm512_ternarylogic_epi64::<0x96>(t[3], t[4], t[5]);
    let c = _mm512_ternarylogic_epi64::<0x96>(t[6], t[7], a);
    _mm512_xor_si512(b, c)
}

impl Regs {
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn load() -> Self {
        let k = &CONSTANTS;
        Regs {
            pi: k.pi.map(|w| load(&w)),
            broadcast: k.broadcast.map(|w| load(&w)),
            matrices: k.matrices.map(|w| load(&w)),
            transpose: load(&k.transpose),
        }
    }

    /// A state from or to the transposed layout.
    #[inline]
    #[target_feature(enable = "avx512f,avx512vbmi")]
    fn transpose(&self, x: __m512i) -> __m512i {
        _mm512_permutexvar_epi8(self.transpose, x)
    }
}

/// g_N(h, m) = E(LPS(h ^ N), m) ^ h ^ m with every operand transposed.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,gfni")]
fn g(k: &Regs, h: __m512i, n: __m512i, m: __m512i) -> __m512i {
    let mut key = lps(_mm512_xor_si512(h, n), k);
    let mut state = m;
    for c in &CONSTANTS.c {
        state = lps(_mm512_xor_si512(state, key), k);
        key = lps(_mm512_xor_si512(key, load(c)), k);
    }
    _mm512_ternarylogic_epi64::<0x96>(h, _mm512_xor_si512(state, key), m)
}

#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,gfni")]
fn compress_vector(h: &mut [u64; 8], n: &[u64; 8], m: &[u64; 8]) {
    let k = Regs::load();
    let (ht, nt, mt) = (
        k.transpose(load(h)),
        k.transpose(load(n)),
        k.transpose(load(m)),
    );
    *h = store(k.transpose(g(&k, ht, nt, mt)));
}

/// Full 64-byte blocks: h stays transposed in a register from one block
/// to the next (its chain is the critical path). N changes only in its
/// low word, which the caller has checked does not wrap, so N is a vector
/// advanced by a lane add; the caller sets its final low word.
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,gfni")]
fn compress_blocks_vector(h: &mut [u64; 8], n: &[u64; 8], sigma: &mut [u64; 8], data: &[u8]) {
    let k = Regs::load();
    let step = _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, 512);
    let mut nv = load(n);
    let mut ht = k.transpose(load(h));
    for block in data.chunks_exact(64) {
        let m = words(block);
        ht = g(&k, ht, k.transpose(nv), k.transpose(load(&m)));
        nv = _mm512_add_epi64(nv, step);
        add512(sigma, &m);
    }
    *h = store(k.transpose(ht));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposition_is_an_involution_matching_the_index() {
        let x: [u64; 8] =
            core::array::from_fn(|i| 0x0706_0504_0302_0100 + 0x0808_0808_0808_0808 * i as u64);
        assert_eq!(transposed(&transposed(&x)), x);
        // Byte 8a + b of the transposed state is byte 8b + a of x, which is
        // what the vpermb index says.
        let idx = transpose_index();
        let t = transposed(&x);
        for i in 0..64 {
            let byte = |w: &[u64; 8], i: usize| (w[i / 8] >> (8 * (i % 8))) as u8;
            assert_eq!(byte(&t, i) as u64, (idx[i / 8] >> (8 * (i % 8))) & 0xff);
        }
    }
}
