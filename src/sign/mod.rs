//! GOST R 34.10-2012 signing and verification keys.
//!
//! * [`SigningKey`]: a private scalar d with 0 < d < q and its public key;
//!   zeroized on drop, never shown by `Debug`.
//! * [`VerifyingKey`]: a validated public point (on the curve, in the
//!   order-q subgroup).
//! * [`Signature`]: s || r, big-endian, 64 or 128 bytes (the X.509 / CMS /
//!   OpenSSL / ESIA form); CryptoAPI's reversed blob via
//!   [`Signature::from_reversed`] and [`Signature::to_reversed`].
//!
//! Messages are hashed with Streebog of the key's size ([`Signer`],
//! [`Verifier`]), or with GOST R 34.11-94 (CryptoPro parameters) for a
//! GOST R 34.10-2001 key ([`SigningKey::is_gost2001`]: set when a key or
//! certificate says id-GostR3410-2001, as OpenSSL and Bouncy Castle do);
//! a digest computed elsewhere goes through [`SigningKey::sign_prehash`] /
//! [`VerifyingKey::verify_prehash`].
//!
//! RustCrypto traits: `Signer`, `RandomizedSigner` (the caller's RNG feeds
//! the hedged nonce), `DigestSigner` over [`crate::hash::Streebog256`] /
//! `Streebog512` / `Gost94CryptoPro` (and the `streebog` crate's types),
//! the `Prehash*` traits, `KeypairRef` / `AsRef<VerifyingKey>` (hence
//! `Keypair`), `pkcs8::DecodePrivateKey` / `EncodePrivateKey`,
//! `spki::DecodePublicKey` / `EncodePublicKey`. `SigningKey`'s `Debug`
//! shows no secret and its `PartialEq` compares scalars in constant time.

mod batch;
pub(crate) mod dsa;
#[cfg(any(test, feature = "test-vectors"))]
pub mod hazmat;
pub(crate) mod prepared;
pub(crate) mod scalar;
mod signature;
mod signing_key;
mod verifying_key;
mod vko;

pub use prepared::{CACHE_CAPACITY as PREPARED_KEY_CACHE_CAPACITY, PreparedVerifyingKey};
pub use signature::Signature;
pub(crate) use signing_key::Secret;
pub use signing_key::SigningKey;
pub(crate) use verifying_key::PublicPoint;
pub use verifying_key::VerifyingKey;
pub use vko::VkoHash;

use zeroize::{Zeroize, Zeroizing};

use crate::curve::Curve;
use crate::curve::point::AffinePoint;
use crate::error::{Error, Result};
use crate::field::limbs;

fn os_random<const L: usize>() -> Result<Zeroizing<[u8; L]>> {
    let mut buf = Zeroizing::new([0u8; L]);
    getrandom::fill(buf.as_mut()).map_err(|e| Error::Rng(e.to_string()))?;
    Ok(buf)
}

/// 0 < d < q, branch-free on d.
fn scalar_in_range<const N: usize>(c: &Curve<N>, d: &[u64; N]) -> bool {
    let ok = !limbs::is_zero_mask(d) & limbs::lt_mask(d, c.q());
    ok != 0
}

fn public_from_secret<const N: usize>(c: &Curve<N>, d: &[u64; N]) -> AffinePoint<N> {
    // d is in (0, q): d*G is never the identity.
    c.mul_base_affine(d)
}

fn secret_from_le<const N: usize>(c: &Curve<N>, bytes: &[u8]) -> Result<[u64; N]> {
    if bytes.len() > 8 * N {
        return Err(Error::Length {
            what: "private key",
            expected: 8 * N,
            got: bytes.len(),
        });
    }
    let d = limbs::from_le_bytes::<N>(bytes).ok_or(Error::PrivateKeyRange)?;
    if !scalar_in_range(c, &d) {
        return Err(Error::PrivateKeyRange);
    }
    Ok(d)
}

fn unmask<const N: usize>(c: &Curve<N>, parts: &[&[u8]]) -> Result<[u64; N]> {
    let mut acc = [0u64; N];
    acc[0] = 1;
    for part in parts {
        if part.len() != 8 * N {
            return Err(Error::Length {
                what: "masked private key component",
                expected: 8 * N,
                got: part.len(),
            });
        }
        let mut v = limbs::from_le_bytes::<N>(part).ok_or(Error::PrivateKeyRange)?;
        let mut reduced = c.fq.reduce(&v);
        acc = c.fq.mul_plain(&acc, &reduced);
        v.zeroize();
        reduced.zeroize();
    }
    if !scalar_in_range(c, &acc) {
        acc.zeroize();
        return Err(Error::PrivateKeyRange);
    }
    Ok(acc)
}

fn random_scalar<const N: usize>(c: &Curve<N>) -> Result<[u64; N]> {
    loop {
        let wide = os_random::<128>()?;
        let lo = Zeroizing::new(limbs::from_le_bytes::<N>(&wide[..8 * N]).unwrap_or([0; N]));
        let hi = Zeroizing::new(limbs::from_le_bytes::<N>(&wide[8 * N..16 * N]).unwrap_or([0; N]));
        let d = c.fq.reduce_wide(&lo, &hi);
        if limbs::is_zero_mask(&d) == 0 {
            return Ok(d);
        }
    }
}

fn sign_generic<const N: usize>(
    c: &Curve<N>,
    d: &[u64; N],
    keyed: &dsa::NonceKey,
    digest: &[u8],
    randomness: &[u8; dsa::NONCE_RANDOMNESS],
) -> Result<([u64; N], [u64; N])> {
    let e = dsa::digest_to_e(c, digest).ok_or(Error::DigestLength {
        bits: 64 * N,
        got: digest.len(),
    })?;
    for counter in 0..=u8::MAX {
        let mut k = dsa::hedged_nonce_keyed(c, keyed, digest, randomness, counter, None);
        let result = if limbs::is_zero_mask(&k) != 0 {
            None
        } else {
            dsa::sign_with_nonce(c, d, &e, &k)
        };
        k.zeroize();
        if let Some(rs) = result {
            return Ok(rs);
        }
    }
    // 256 consecutive failures have probability ~ (2/q)^256.
    Err(Error::Rng("could not draw a usable nonce".into()))
}

fn to_sig_err(e: Error) -> ::signature::Error {
    ::signature::Error::from_source(e)
}

#[cfg(test)]
mod tests;
