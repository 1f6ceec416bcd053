//! The public key: import with validation (on the curve, in the order-q
//! subgroup), export, verification, and the RustCrypto verifier traits.
//!
//! Why apart: every input here is public, so verification may take the
//! variable-time paths.

use core::fmt;

use signature::hazmat::PrehashVerifier;
use signature::{DigestVerifier, Verifier};

use super::{Signature, dsa, to_sig_err};
use crate::curve::point::AffinePoint;
use crate::curve::{AnyCurve, Curve, CurveId, KeySize};
use crate::error::{Error, Result};
use crate::field::limbs;
use crate::hash::{Gost94CryptoPro, HashAlg, Streebog256, Streebog512};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicPoint {
    W4(AffinePoint<4>),
    W8(AffinePoint<8>),
}

/// A GOST R 34.10-2012 public key (or a legacy GOST R 34.10-2001 one,
/// see [`VerifyingKey::is_gost2001`]).
///
/// Equality compares the curve and the point; the 2001 / 2012 label is
/// not part of it (the same point under either standard is the same key).
#[derive(Clone, Copy)]
pub struct VerifyingKey {
    pub(super) curve: CurveId,
    pub(super) point: PublicPoint,
    /// A GOST R 34.10-2001 key: messages are hashed with GOST R 34.11-94.
    pub(super) gost2001: bool,
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.curve == other.curve && self.point == other.point
    }
}

impl Eq for VerifyingKey {}

impl VerifyingKey {
    /// A public key from LE(X) || LE(Y), the bytes inside SubjectPublicKeyInfo's
    /// OCTET STRING (64 or 128 bytes). The point is validated.
    pub fn from_le_bytes(curve: CurveId, bytes: &[u8]) -> Result<Self> {
        let n = curve.key_size().coordinate_len();
        if bytes.len() != 2 * n {
            return Err(Error::Length {
                what: "public key",
                expected: 2 * n,
                got: bytes.len(),
            });
        }
        let (xb, yb) = bytes.split_at(n);
        let point = match curve.curve() {
            AnyCurve::W4(c) => PublicPoint::W4(Self::validate(c, xb, yb)?),
            AnyCurve::W8(c) => PublicPoint::W8(Self::validate(c, xb, yb)?),
        };
        Ok(VerifyingKey {
            curve,
            point,
            gost2001: false,
        })
    }

    fn validate<const N: usize>(c: &Curve<N>, xb: &[u8], yb: &[u8]) -> Result<AffinePoint<N>> {
        let x = limbs::from_le_bytes::<N>(xb).ok_or(Error::PublicKey("coordinate too long"))?;
        let y = limbs::from_le_bytes::<N>(yb).ok_or(Error::PublicKey("coordinate too long"))?;
        dsa::validate_public(c, &x, &y)
    }

    /// LE(X) || LE(Y), 64 or 128 bytes.
    pub fn to_le_bytes(&self) -> Vec<u8> {
        let n = self.curve.key_size().coordinate_len();
        let mut out = vec![0u8; 2 * n];
        let (xo, yo) = out.split_at_mut(n);
        match (&self.point, self.curve.curve()) {
            (PublicPoint::W4(p), AnyCurve::W4(c)) => {
                limbs::write_le_bytes(&c.fp.to_int(&p.x), xo);
                limbs::write_le_bytes(&c.fp.to_int(&p.y), yo);
            }
            (PublicPoint::W8(p), AnyCurve::W8(c)) => {
                limbs::write_le_bytes(&c.fp.to_int(&p.x), xo);
                limbs::write_le_bytes(&c.fp.to_int(&p.y), yo);
            }
            _ => {}
        }
        out
    }

    /// The parameter set.
    pub fn curve(&self) -> CurveId {
        self.curve
    }

    /// The hash messages are verified with: Streebog of the key's size, or
    /// GOST R 34.11-94 (CryptoPro parameters) for a GOST R 34.10-2001 key.
    pub fn hash_alg(&self) -> HashAlg {
        if self.gost2001 {
            HashAlg::Gost94
        } else {
            self.curve.key_size().hash_alg()
        }
    }

    /// True for a legacy GOST R 34.10-2001 key.
    pub fn is_gost2001(&self) -> bool {
        self.gost2001
    }

    /// The same point as a GOST R 34.10-2001 key (see
    /// [`SigningKey::into_gost2001`]); 256-bit curves only.
    pub fn into_gost2001(mut self) -> Result<Self> {
        if self.curve.key_size() != KeySize::Bits256 {
            return Err(Error::KeyMismatch(format!(
                "GOST R 34.10-2001 keys are 256-bit; {} is a 512-bit curve",
                self.curve.asn1_name()
            )));
        }
        self.gost2001 = true;
        Ok(self)
    }

    /// Verifies a signature over a digest computed by the caller.
    pub fn verify_prehash(&self, digest: &[u8], signature: &Signature) -> Result<()> {
        self.check_sizes(digest, signature)?;
        match (&self.point, self.curve.curve()) {
            (PublicPoint::W4(p), AnyCurve::W4(c)) => Self::verify_generic(c, p, digest, signature),
            (PublicPoint::W8(p), AnyCurve::W8(c)) => Self::verify_generic(c, p, digest, signature),
            _ => Err(Error::KeyMismatch(
                "key width does not match its curve".into(),
            )),
        }
    }

    /// Signature and digest lengths must match the key size.
    pub(super) fn check_sizes(&self, digest: &[u8], signature: &Signature) -> Result<()> {
        let size = self.curve.key_size();
        if signature.size != size {
            return Err(Error::Length {
                what: "signature",
                expected: size.signature_len(),
                got: signature.as_bytes().len(),
            });
        }
        if digest.len() != size.coordinate_len() {
            return Err(Error::DigestLength {
                bits: 8 * size.coordinate_len(),
                got: digest.len(),
            });
        }
        Ok(())
    }

    /// e, r and s of a verification, r and s range-checked.
    pub(super) fn verification_inputs<const N: usize>(
        c: &Curve<N>,
        digest: &[u8],
        signature: &Signature,
    ) -> Result<([u64; N], [u64; N], [u64; N])> {
        let e = dsa::digest_to_e(c, digest).ok_or(Error::DigestLength {
            bits: 64 * N,
            got: digest.len(),
        })?;
        let (s_be, r_be) = signature.as_bytes().split_at(8 * N);
        let r = limbs::from_be_bytes::<N>(r_be).ok_or(Error::SignatureRange("r too long"))?;
        let s = limbs::from_be_bytes::<N>(s_be).ok_or(Error::SignatureRange("s too long"))?;
        dsa::check_signature_range(c, &r, &s)?;
        Ok((e, r, s))
    }

    fn verify_generic<const N: usize>(
        c: &Curve<N>,
        p: &AffinePoint<N>,
        digest: &[u8],
        signature: &Signature,
    ) -> Result<()> {
        let (e, r, s) = Self::verification_inputs(c, digest, signature)?;
        dsa::verify(c, p, &e, &r, &s)
    }

    /// Verifies a signature over a message hashed with [`Self::hash_alg`].
    pub fn verify_message(&self, msg: &[u8], signature: &Signature) -> Result<()> {
        self.verify_prehash(&self.hash_alg().digest(msg), signature)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("curve", &self.curve)
            .field("gost2001", &self.gost2001)
            .field("le_bytes", &hex::encode(self.to_le_bytes()))
            .finish()
    }
}

impl Verifier<Signature> for VerifyingKey {
    fn verify(
        &self,
        msg: &[u8],
        signature: &Signature,
    ) -> core::result::Result<(), signature::Error> {
        self.verify_message(msg, signature).map_err(to_sig_err)
    }
}

impl PrehashVerifier<Signature> for VerifyingKey {
    fn verify_prehash(
        &self,
        prehash: &[u8],
        signature: &Signature,
    ) -> core::result::Result<(), signature::Error> {
        VerifyingKey::verify_prehash(self, prehash, signature).map_err(to_sig_err)
    }
}

/// Digest-based verification for each GOST hash (the digest length must
/// fit the key, as for signing).
macro_rules! digest_verifier {
    ($($d:ty),*) => {$(
        impl DigestVerifier<$d, Signature> for VerifyingKey {
            fn verify_digest<F: Fn(&mut $d) -> core::result::Result<(), signature::Error>>(
                &self,
                f: F,
                signature: &Signature,
            ) -> core::result::Result<(), signature::Error> {
                let mut h = <$d as digest::Digest>::new();
                f(&mut h)?;
                let digest = digest::Digest::finalize(h);
                VerifyingKey::verify_prehash(self, &digest, signature).map_err(to_sig_err)
            }
        }
    )*};
}

digest_verifier!(Streebog256, Streebog512, Gost94CryptoPro);
// The RustCrypto `streebog` crate's types too, for callers who hash with them.
digest_verifier!(streebog::Streebog256, streebog::Streebog512);
