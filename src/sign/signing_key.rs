//! The private key: generation, import of the scalar, hedged signing, and
//! the RustCrypto signer traits.
//!
//! Why apart: everything here touches the secret scalar, so this file is
//! where constant-time and zeroization rules apply.

use core::fmt;

use signature::hazmat::{PrehashSigner, RandomizedPrehashSigner};
use signature::{DigestSigner, KeypairRef, RandomizedSigner, Signer};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{
    PublicPoint, Signature, VerifyingKey, dsa, os_random, public_from_secret, random_scalar,
    secret_from_le, sign_generic, to_sig_err, unmask,
};
use crate::curve::{AnyCurve, Curve, CurveId};
use crate::error::{Error, Result};
use crate::field::limbs;
use crate::hash::{Gost94CryptoPro, HashAlg, Streebog256, Streebog512};

/// The private scalar, in limbs of the curve's width.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) enum Secret {
    W4([u64; 4]),
    W8([u64; 8]),
}

/// A GOST R 34.10-2012 private key.
#[derive(Clone)]
pub struct SigningKey {
    pub(super) curve: CurveId,
    pub(super) secret: Secret,
    pub(super) public: VerifyingKey,
    /// The nonce hash with d's block already absorbed: that compression is
    /// paid once per key instead of once per signature. Holds
    /// secret-derived state; wiped on drop (`sha2`'s `zeroize`).
    pub(super) nonce_key: dsa::NonceKey,
}

impl SigningKey {
    /// Generates a key with the operating system's RNG.
    pub fn generate(curve: CurveId) -> Result<Self> {
        match curve.curve() {
            AnyCurve::W4(c) => {
                let d = random_scalar(c)?;
                Ok(Self::from_limbs4(curve, c, d))
            }
            AnyCurve::W8(c) => {
                let d = random_scalar(c)?;
                Ok(Self::from_limbs8(curve, c, d))
            }
        }
    }

    fn from_limbs4(curve: CurveId, c: &Curve<4>, d: [u64; 4]) -> Self {
        let point = PublicPoint::W4(public_from_secret(c, &d));
        SigningKey {
            curve,
            secret: Secret::W4(d),
            public: VerifyingKey {
                curve,
                point,
                gost2001: false,
            },
            nonce_key: dsa::nonce_key(&d),
        }
    }

    fn from_limbs8(curve: CurveId, c: &Curve<8>, d: [u64; 8]) -> Self {
        let point = PublicPoint::W8(public_from_secret(c, &d));
        SigningKey {
            curve,
            secret: Secret::W8(d),
            public: VerifyingKey {
                curve,
                point,
                gost2001: false,
            },
            nonce_key: dsa::nonce_key(&d),
        }
    }

    /// A key from d as little-endian bytes (the form inside TC26 / OpenSSL
    /// PKCS#8). At most 32 (or 64) bytes; 0 < d < q.
    pub fn from_scalar_le(curve: CurveId, bytes: &[u8]) -> Result<Self> {
        Ok(match curve.curve() {
            AnyCurve::W4(c) => Self::from_limbs4(curve, c, secret_from_le(c, bytes)?),
            AnyCurve::W8(c) => Self::from_limbs8(curve, c, secret_from_le(c, bytes)?),
        })
    }

    /// A key from d as big-endian bytes (the standard's notation, ASN.1 INTEGER).
    pub fn from_scalar_be(curve: CurveId, bytes: &[u8]) -> Result<Self> {
        let mut le = Zeroizing::new(bytes.to_vec());
        le.reverse();
        Self::from_scalar_le(curve, &le)
    }

    /// A key stored masked, as CryptoPro does: d = k * m1 * m2 * ... mod q,
    /// each component little-endian and exactly as wide as q.
    pub fn from_masked_le(curve: CurveId, parts: &[&[u8]]) -> Result<Self> {
        if parts.is_empty() {
            return Err(Error::PrivateKeyRange);
        }
        Ok(match curve.curve() {
            AnyCurve::W4(c) => Self::from_limbs4(curve, c, unmask(c, parts)?),
            AnyCurve::W8(c) => Self::from_limbs8(curve, c, unmask(c, parts)?),
        })
    }

    /// d as little-endian bytes, 32 or 64 of them.
    pub fn to_scalar_le(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(vec![0u8; self.curve.key_size().coordinate_len()]);
        match &self.secret {
            Secret::W4(d) => limbs::write_le_bytes(d, &mut out),
            Secret::W8(d) => limbs::write_le_bytes(d, &mut out),
        }
        out
    }

    /// The parameter set.
    pub fn curve(&self) -> CurveId {
        self.curve
    }

    /// The public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// The hash messages are signed with: Streebog of the key's size, or
    /// GOST R 34.11-94 (CryptoPro parameters) for a GOST R 34.10-2001 key.
    pub fn hash_alg(&self) -> HashAlg {
        self.public.hash_alg()
    }

    /// True for a legacy GOST R 34.10-2001 key (read from a file that says
    /// so, or marked with [`SigningKey::into_gost2001`]).
    pub fn is_gost2001(&self) -> bool {
        self.public.gost2001
    }

    /// The same key as a GOST R 34.10-2001 key: [`Signer`] and
    /// [`SigningKey::hash_alg`] then hash with GOST R 34.11-94, and PKCS#8
    /// is written with the 2001 algorithm OID, as OpenSSL and Bouncy Castle
    /// do. Only 256-bit curves have 2001 keys.
    pub fn into_gost2001(mut self) -> Result<Self> {
        self.public = self.public.into_gost2001()?;
        Ok(self)
    }

    /// Marks a 256-bit key as GOST R 34.10-2001 in place (no-op on 512-bit keys).
    #[cfg_attr(not(feature = "import"), allow(dead_code))]
    pub(crate) fn mark_gost2001(&mut self) {
        if let Ok(public) = self.public.into_gost2001() {
            self.public = public;
        }
    }

    /// Signs a digest computed by the caller (Streebog of the key size, or
    /// GOST R 34.11-94 for legacy 256-bit keys). The nonce is hedged: fresh
    /// OS randomness mixed with the key and digest.
    pub fn sign_prehash(&self, digest: &[u8]) -> Result<Signature> {
        let randomness = os_random::<{ dsa::NONCE_RANDOMNESS }>()?;
        self.sign_prehash_hedged(digest, &randomness)
    }

    /// [`SigningKey::sign_prehash`] with the nonce's fresh randomness drawn
    /// from `rng` instead of the OS (it is still mixed with the key and the
    /// digest, so a weak `rng` does not expose the key).
    pub fn sign_prehash_with_rng<R: signature::rand_core::TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        digest: &[u8],
    ) -> Result<Signature> {
        let mut randomness = Zeroizing::new([0u8; dsa::NONCE_RANDOMNESS]);
        rng.try_fill_bytes(randomness.as_mut())
            .map_err(|_| Error::Rng("the caller's random number generator failed".into()))?;
        self.sign_prehash_hedged(digest, &randomness)
    }

    fn sign_prehash_hedged(
        &self,
        digest: &[u8],
        randomness: &[u8; dsa::NONCE_RANDOMNESS],
    ) -> Result<Signature> {
        let size = self.curve.key_size();
        if digest.len() != size.coordinate_len() {
            return Err(Error::DigestLength {
                bits: 8 * size.coordinate_len(),
                got: digest.len(),
            });
        }
        match (&self.secret, self.curve.curve()) {
            (Secret::W4(d), AnyCurve::W4(c)) => {
                let (r, s) = sign_generic(c, d, &self.nonce_key, digest, randomness)?;
                Ok(Signature::from_limbs(size, &r, &s))
            }
            (Secret::W8(d), AnyCurve::W8(c)) => {
                let (r, s) = sign_generic(c, d, &self.nonce_key, digest, randomness)?;
                Ok(Signature::from_limbs(size, &r, &s))
            }
            _ => Err(Error::KeyMismatch(
                "key width does not match its curve".into(),
            )),
        }
    }
}

/// Constant-time comparison of the private scalars (and curves): no early
/// exit on the first differing limb.
impl PartialEq for SigningKey {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        let same = match (&self.secret, &other.secret) {
            (Secret::W4(a), Secret::W4(b)) => a.ct_eq(b),
            (Secret::W8(a), Secret::W8(b)) => a.ct_eq(b),
            _ => subtle::Choice::from(0),
        };
        self.curve == other.curve && bool::from(same)
    }
}

impl Eq for SigningKey {}

impl AsRef<VerifyingKey> for SigningKey {
    fn as_ref(&self) -> &VerifyingKey {
        &self.public
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("curve", &self.curve)
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl Signer<Signature> for SigningKey {
    fn try_sign(&self, msg: &[u8]) -> core::result::Result<Signature, signature::Error> {
        self.sign_prehash(&self.hash_alg().digest(msg))
            .map_err(to_sig_err)
    }
}

impl PrehashSigner<Signature> for SigningKey {
    fn sign_prehash(&self, prehash: &[u8]) -> core::result::Result<Signature, signature::Error> {
        SigningKey::sign_prehash(self, prehash).map_err(to_sig_err)
    }
}

/// `Keypair` comes with it (`signature`'s blanket impl).
impl KeypairRef for SigningKey {
    type VerifyingKey = VerifyingKey;
}

/// The nonce's fresh randomness from the caller's RNG (hedged with the key
/// and digest); what `x509-cert`'s `build_with_rng` and the `cms` builder's
/// `add_signer_info_with_rng` call.
impl RandomizedSigner<Signature> for SigningKey {
    fn try_sign_with_rng<R: signature::rand_core::TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        msg: &[u8],
    ) -> core::result::Result<Signature, signature::Error> {
        self.sign_prehash_with_rng(rng, &self.hash_alg().digest(msg))
            .map_err(to_sig_err)
    }
}

impl RandomizedPrehashSigner<Signature> for SigningKey {
    fn sign_prehash_with_rng<R: signature::rand_core::TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        prehash: &[u8],
    ) -> core::result::Result<Signature, signature::Error> {
        SigningKey::sign_prehash_with_rng(self, rng, prehash).map_err(to_sig_err)
    }
}

/// Digest-based signing for each GOST hash; the digest length must fit
/// the key (Streebog-256 or GOST R 34.11-94 with 256-bit keys,
/// Streebog-512 with 512-bit keys).
macro_rules! digest_signer {
    ($($d:ty),*) => {$(
        impl DigestSigner<$d, Signature> for SigningKey {
            fn try_sign_digest<F: Fn(&mut $d) -> core::result::Result<(), signature::Error>>(
                &self,
                f: F,
            ) -> core::result::Result<Signature, signature::Error> {
                let mut h = <$d as digest::Digest>::new();
                f(&mut h)?;
                let digest = digest::Digest::finalize(h);
                SigningKey::sign_prehash(self, &digest).map_err(to_sig_err)
            }
        }
    )*};
}

digest_signer!(Streebog256, Streebog512, Gost94CryptoPro);
// The RustCrypto `streebog` crate's types too, for callers who hash with them.
digest_signer!(streebog::Streebog256, streebog::Streebog512);
