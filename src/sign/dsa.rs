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
use hmac::{KeyInit, Mac};

pub(crate) type HmacSha512 = hmac::Hmac<sha2::Sha512>;

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

/// HMAC-SHA-512 keyed with the private key, ready to be cloned for each
/// nonce (the key schedule's two compressions are paid once).
pub(crate) fn nonce_mac<const N: usize>(d: &[u64; N]) -> HmacSha512 {
    let mut key = [0u8; 64];
    limbs::write_le_bytes(d, &mut key[..8 * N]);
    let mac =
        <HmacSha512 as KeyInit>::new_from_slice(&key[..8 * N]).expect("HMAC takes any key length");
    key.zeroize();
    mac
}

/// Draws the hedged nonce for attempt `counter`: an HMAC keyed with the
/// private key over fresh randomness and the digest (RFC 6979 section 3.6's
/// idea), 2 * 64N bits reduced mod q so the bias is below 2^-256. A broken
/// RNG then degrades to a deterministic nonce, never to a repeated one for
/// different messages.
///
/// The HMAC is HMAC-SHA-512, not HMAC-Streebog: Streebog implementations
/// (the `streebog` crate and our own table-driven one included) look up
/// tables indexed by state bytes, which here would be derived from the
/// key, a cache-timing channel. SHA-512 is add-rotate-xor and
/// constant-time. The nonce never leaves this function, so the choice
/// does not affect interoperability.
///
/// `keyed` is [`nonce_mac`] of the key (a signing key keeps one). A batch
/// passes each message's position, so messages of one batch (which share one draw of
/// randomness) get distinct HMAC inputs even when their digests are equal.
pub(crate) fn hedged_nonce_keyed<const N: usize>(
    c: &Curve<N>,
    keyed: &HmacSha512,
    digest: &[u8],
    randomness: &[u8; 64],
    counter: u8,
    batch_index: Option<u64>,
) -> [u64; N] {
    let mut wide = [0u8; 128];
    let blocks = (16 * N).div_ceil(64);
    let mut msg = [0u8; 16 + 2 + 8 + 64 + 64];
    let mut at = 18;
    match batch_index {
        None => msg[..16].copy_from_slice(b"gostcms nonce v1"),
        Some(index) => {
            msg[..16].copy_from_slice(b"gostcms batch v1");
            msg[18..26].copy_from_slice(&index.to_le_bytes());
            at = 26;
        }
    }
    msg[16] = counter;
    msg[at..at + 64].copy_from_slice(randomness);
    at += 64;
    let dlen = digest.len().min(64);
    msg[at..at + dlen].copy_from_slice(&digest[..dlen]);
    let msg_len = at + dlen;
    for block in 0..blocks {
        msg[17] = block as u8;
        let mut mac = keyed.clone();
        mac.update(&msg[..msg_len]);
        let mut out: [u8; 64] = mac.finalize().into_bytes().into();
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
        let qp = c.mul_vartime(&c.to_projective(&point), c.q());
        if !bool::from(c.is_identity(&qp)) {
            return Err(Error::PublicKey(
                "point is not in the prime-order subgroup (small-order component)",
            ));
        }
    }
    Ok(point)
}
