//! Signing with a caller-chosen nonce: only for known-answer tests.
//!
//! Why a module of its own (as RustCrypto `ecdsa` has): the name says the
//! function is dangerous, and the `test-vectors` feature keeps it out of
//! normal builds. A nonce used twice, or one an attacker can guess, gives
//! away the private key.

use super::signing_key::Secret;
use super::{Signature, SigningKey, dsa, secret_from_le};
use crate::curve::AnyCurve;
use crate::error::{Error, Result};

/// Signs `digest` with a caller-chosen nonce k (big-endian), to reproduce
/// the standard's examples (GOST R 34.10-2012 Appendix A). Never use it
/// otherwise: a repeated or predictable k reveals the key.
pub fn sign_prehash_with_nonce(key: &SigningKey, digest: &[u8], k_be: &[u8]) -> Result<Signature> {
    let size = key.curve.key_size();
    let mut k_le = k_be.to_vec();
    k_le.reverse();
    match (&key.secret, key.curve.curve()) {
        (Secret::W4(d), AnyCurve::W4(c)) => {
            let e = dsa::digest_to_e(c, digest).ok_or(Error::DigestLength {
                bits: 256,
                got: digest.len(),
            })?;
            let k = secret_from_le(c, &k_le)?;
            let (r, s) = dsa::sign_with_nonce(c, d, &e, &k)
                .ok_or(Error::SignatureRange("r or s is zero"))?;
            Ok(Signature::from_limbs(size, &r, &s))
        }
        (Secret::W8(d), AnyCurve::W8(c)) => {
            let e = dsa::digest_to_e(c, digest).ok_or(Error::DigestLength {
                bits: 512,
                got: digest.len(),
            })?;
            let k = secret_from_le(c, &k_le)?;
            let (r, s) = dsa::sign_with_nonce(c, d, &e, &k)
                .ok_or(Error::SignatureRange("r or s is zero"))?;
            Ok(Signature::from_limbs(size, &r, &s))
        }
        _ => Err(Error::KeyMismatch(
            "key width does not match its curve".into(),
        )),
    }
}
