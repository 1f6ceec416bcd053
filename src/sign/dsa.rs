//! The GOST R 34.10-2012 signature equations, generic over the limb count.
//!
//! Signing (section 6.1 of the standard), for digest h, key d, nonce k:
//!   e = LE(h) mod q, or 1 if that is 0
//!   C = k*G, r = x_C mod q
//!   s = (r*d + k*e) mod q
//! and the signature is s || r, big-endian.
//!
//! Verification (section 6.2): with v = e^-1 mod q,
//!   z1 = s*v mod q, z2 = -r*v mod q, C = z1*G + z2*Q,
//! and the signature is valid iff x_C mod q = r.

use zeroize::Zeroize;

use crate::curve::Curve;
use crate::curve::point::AffinePoint;
use crate::error::Error;
use crate::field::limbs;
use sha2::Digest;

/// e = LE(digest) mod q, with 0 replaced by 1. The digest is public.
pub(crate) fn digest_to_e<const N: usize>(c: &Curve<N>, digest: &[u8]) -> Option<[u64; N]> {
    let raw = limbs::from_le_bytes::<N>(digest)?;
    let mut e = c.fq.reduce(&raw);
    if limbs::is_zero_mask(&e) != 0 {
        e = [0; N];
        e[0] = 1;
    }
    Some(e)
}

/// Signs with the given nonce; `None` when k*G gives r = 0 or s = 0 (the
/// caller draws another k). `d`, `k` and every intermediate stay in
/// constant-time code; the checks only look at r and s, which are output.
pub(crate) fn sign_with_nonce<const N: usize>(
    c: &Curve<N>,
    d: &[u64; N],
    e: &[u64; N],
    k: &[u64; N],
) -> Option<([u64; N], [u64; N])> {
    // k is in (0, q), so k*G is never the identity and den is nonzero.
    let (num, den) = c.mul_base_x_fraction(k);
    let x = c.fp.to_int(&c.fp.mul(&num, &c.fp.invert(&den)));
    finish_signature(c, d, e, k, &x)
}

/// r = x mod q and s = r*d + k*e mod q from the x-coordinate of k*G;
/// `None` when r or s is zero.
pub(crate) fn finish_signature<const N: usize>(
    c: &Curve<N>,
    d: &[u64; N],
    e: &[u64; N],
    k: &[u64; N],
    x: &[u64; N],
) -> Option<([u64; N], [u64; N])> {
    let r = c.fq.reduce(x);
    if limbs::is_zero_mask(&r) != 0 {
        return None;
    }
    let mut rd = c.fq.mul_plain(&r, d);
    let mut ke = c.fq.mul_plain(k, e);
    let s = c.fq.add_plain(&rd, &ke);
    rd.zeroize();
    ke.zeroize();
    if limbs::is_zero_mask(&s) != 0 {
        return None;
    }
    Some((r, s))
}

/// SHA-512 with the private key absorbed as a whole first block, ready to
/// be cloned for each nonce. The state is secret; `sha2`'s `zeroize`
/// feature wipes it on drop.
#[derive(Clone)]
pub(crate) struct NonceKey(sha2::Sha512);

/// Domain label at the start of the key block.
const NONCE_LABEL: &[u8; 16] = b"gostcms nonce v2";

/// Bytes of fresh randomness in each nonce.
pub(crate) const NONCE_RANDOMNESS: usize = 32;

/// The hashed message of [`hedged_nonce_keyed`]: counter, output block,
/// kind, batch index, randomness and a digest of at most 64 bytes.
const NONCE_MESSAGE: usize = 3 + 8 + NONCE_RANDOMNESS + 64;
// With SHA-512's padding (0x80 and a 16-byte length) it fits one block.
const _: () = assert!(NONCE_MESSAGE + 17 <= 128);

/// [`NonceKey`] of the private key d: the 128-byte block
/// `label || LE(d) || zeros`, compressed once here.
pub(crate) fn nonce_key<const N: usize>(d: &[u64; N]) -> NonceKey {
    let mut block = [0u8; 128];
    block[..16].copy_from_slice(NONCE_LABEL);
    limbs::write_le_bytes(d, &mut block[16..16 + 8 * N]);
    let mut hash = <sha2::Sha512 as Digest>::new();
    hash.update(block);
    block.zeroize();
    NonceKey(hash)
}

/// Draws the hedged nonce for attempt `counter`: SHA-512 of the key block
/// ([`nonce_key`]) followed by fresh randomness and the digest (RFC 6979
/// section 3.6's idea), 2 * 64N bits reduced mod q so the bias is below
/// 2^-256. A broken RNG then degrades to a deterministic nonce, never to a
/// repeated one for different messages.
///
/// The key is a secret prefix of the hashed input, as in Ed25519's nonce
/// (r = SHA-512(secret prefix || M)), not an HMAC: the output never leaves
/// this function, so the length extension that HMAC's outer hash guards
/// against does not arise, and with the key's block compressed once per
/// key, the message (at most 107 bytes) costs one compression per 512
/// output bits instead of three.
///
/// SHA-512, not Streebog: Streebog implementations (the `streebog` crate
/// and our own table-driven one included) look up tables indexed by state
/// bytes, which here would be derived from the key, a cache-timing
/// channel. SHA-512 is add-rotate-xor and constant-time. The nonce never
/// leaves this function, so the choice does not affect interoperability.
///
/// A batch passes each message's position, so messages of one batch
/// (which share one draw of randomness) get distinct inputs even when
/// their digests are equal.
pub(crate) fn hedged_nonce_keyed<const N: usize>(
    c: &Curve<N>,
    keyed: &NonceKey,
    digest: &[u8],
    randomness: &[u8; NONCE_RANDOMNESS],
    counter: u8,
    batch_index: Option<u64>,
) -> [u64; N] {
    let mut wide = [0u8; 128];
    let blocks = (16 * N).div_ceil(64);
    // counter, output block, kind (0 single, 1 batch), batch index,
    // randomness, digest: at most 1 + 1 + 1 + 8 + 32 + 64 = 107 bytes,
    // which with SHA-512's padding (17 bytes) fills one block.
    let mut msg = [0u8; NONCE_MESSAGE];
    msg[0] = counter;
    if let Some(index) = batch_index {
        msg[2] = 1;
        msg[3..11].copy_from_slice(&index.to_le_bytes());
    }
    let mut at = 11;
    msg[at..at + NONCE_RANDOMNESS].copy_from_slice(randomness);
    at += NONCE_RANDOMNESS;
    let dlen = digest.len().min(64);
    msg[at..at + dlen].copy_from_slice(&digest[..dlen]);
    let msg_len = at + dlen;
    for block in 0..blocks {
        msg[1] = block as u8;
        let mut hash = keyed.0.clone();
        hash.update(&msg[..msg_len]);
        let mut out: [u8; 64] = hash.finalize().into();
        wide[64 * block..64 * block + 64].copy_from_slice(&out);
        out.zeroize();
    }
    let mut lo = limbs::from_le_bytes::<N>(&wide[..8 * N]).unwrap_or([0; N]);
    let mut hi = limbs::from_le_bytes::<N>(&wide[8 * N..16 * N]).unwrap_or([0; N]);
    let k = c.fq.reduce_wide(&lo, &hi);
    wide.zeroize();
    msg.zeroize();
    lo.zeroize();
    hi.zeroize();
    k
}

/// Verifies (r, s) over e for the public key `pubkey`. Public data only, so
/// variable-time.
pub(crate) fn verify<const N: usize>(
    c: &Curve<N>,
    pubkey: &AffinePoint<N>,
    e: &[u64; N],
    r: &[u64; N],
    s: &[u64; N],
) -> Result<(), Error> {
    check_signature_range(c, r, s)?;
    let (z1, z2) = verification_scalars(c, e, r, s);
    if c.verify_combination(&z1, &z2, pubkey, r) {
        Ok(())
    } else {
        Err(Error::SignatureMismatch)
    }
}

/// Checks 0 < r, s < q (public values).
pub(crate) fn check_signature_range<const N: usize>(
    c: &Curve<N>,
    r: &[u64; N],
    s: &[u64; N],
) -> Result<(), Error> {
    let q = c.q();
    let in_range = |v: &[u64; N]| limbs::is_zero_mask(v) == 0 && limbs::lt_mask(v, q) != 0;
    if !in_range(r) {
        return Err(Error::SignatureRange("r is not in (0, q)"));
    }
    if !in_range(s) {
        return Err(Error::SignatureRange("s is not in (0, q)"));
    }
    Ok(())
}

/// z1 = s/e and z2 = -r/e mod q (public values: variable-time inversion).
pub(crate) fn verification_scalars<const N: usize>(
    c: &Curve<N>,
    e: &[u64; N],
    r: &[u64; N],
    s: &[u64; N],
) -> ([u64; N], [u64; N]) {
    let fq = &c.fq;
    let v = fq.invert_vartime(&fq.to_mont(e));
    let z1 = fq.to_int(&fq.mul(&fq.to_mont(s), &v));
    let z2 = fq.to_int(&fq.neg(&fq.mul(&fq.to_mont(r), &v)));
    (z1, z2)
}

/// Checks a public key: coordinates below p, on the curve, and in the
/// subgroup of order q (only the cofactor-4 curves can fail the last check
/// once the first two pass).
pub(crate) fn validate_public<const N: usize>(
    c: &Curve<N>,
    x: &[u64; N],
    y: &[u64; N],
) -> Result<AffinePoint<N>, Error> {
    let (Some(xm), Some(ym)) = (c.fp.checked_element(x), c.fp.checked_element(y)) else {
        return Err(Error::PublicKey("coordinate not below the field prime p"));
    };
    let point = AffinePoint { x: xm, y: ym };
    if !c.is_on_curve(&point) {
        return Err(Error::PublicKey("point is not on the curve"));
    }
    if c.cofactor != 1 {
        let key = subgroup_cache_key(c, x, y);
        if !subgroup_checked_before(&key) {
            if !c.in_prime_subgroup_vartime(&point) {
                return Err(Error::PublicKey(
                    "point is not in the prime-order subgroup (small-order component)",
                ));
            }
            remember_subgroup_checked(key);
        }
    }
    Ok(point)
}

/// Public keys on the cofactor-4 curves that passed the subgroup check
/// lately. The check costs a scalar multiplication, and a verifier meets the
/// same few keys (ESIA's certificate) over and over, decoded afresh from a
/// certificate each time. Only keys that passed are stored, looked up by
/// exact value (public data); at most [`SUBGROUP_CACHE_LEN`] of them.
static SUBGROUP_CHECKED: std::sync::Mutex<Vec<Vec<u64>>> = std::sync::Mutex::new(Vec::new());

/// Entries in [`SUBGROUP_CHECKED`], oldest dropped first.
const SUBGROUP_CACHE_LEN: usize = 16;

/// The curve's q and the point's coordinates: the point is on the curve
/// already, and q with the limb count tells the two cofactor-4 curves apart.
fn subgroup_cache_key<const N: usize>(c: &Curve<N>, x: &[u64; N], y: &[u64; N]) -> Vec<u64> {
    [&c.q()[..], &x[..], &y[..]].concat()
}

fn subgroup_checked_before(key: &[u64]) -> bool {
    let cache = SUBGROUP_CHECKED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    cache.iter().any(|k| k.as_slice() == key)
}

fn remember_subgroup_checked(key: Vec<u64>) {
    let mut cache = SUBGROUP_CHECKED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if cache.contains(&key) {
        return;
    }
    if cache.len() == SUBGROUP_CACHE_LEN {
        cache.remove(0);
    }
    cache.push(key);
}
