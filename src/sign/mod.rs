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
pub(crate) mod prepared;
pub(crate) mod scalar;
mod vko;

pub use prepared::{CACHE_CAPACITY as PREPARED_KEY_CACHE_CAPACITY, PreparedVerifyingKey};
pub use vko::VkoHash;

use core::fmt;

use signature::hazmat::{PrehashSigner, PrehashVerifier, RandomizedPrehashSigner};
use signature::{
    DigestSigner, DigestVerifier, KeypairRef, RandomizedSigner, SignatureEncoding, Signer, Verifier,
};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::curve::point::AffinePoint;
use crate::curve::{AnyCurve, Curve, CurveId, KeySize};
use crate::error::{Error, Result};
use crate::field::limbs;
use crate::hash::{Gost94CryptoPro, HashAlg, Streebog256, Streebog512};

/// The private scalar, in limbs of the curve's width.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
enum Secret {
    W4([u64; 4]),
    W8([u64; 8]),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PublicPoint {
    W4(AffinePoint<4>),
    W8(AffinePoint<8>),
}

/// A GOST R 34.10-2012 private key.
#[derive(Clone)]
pub struct SigningKey {
    curve: CurveId,
    secret: Secret,
    public: VerifyingKey,
    /// The nonce hash with d's block already absorbed: that compression is
    /// paid once per key instead of once per signature. Holds
    /// secret-derived state; wiped on drop (`sha2`'s `zeroize`).
    nonce_key: dsa::NonceKey,
}

/// A GOST R 34.10-2012 public key (or a legacy GOST R 34.10-2001 one,
/// see [`VerifyingKey::is_gost2001`]).
///
/// Equality compares the curve and the point; the 2001 / 2012 label is
/// not part of it (the same point under either standard is the same key).
#[derive(Clone, Copy)]
pub struct VerifyingKey {
    curve: CurveId,
    point: PublicPoint,
    /// A GOST R 34.10-2001 key: messages are hashed with GOST R 34.11-94.
    gost2001: bool,
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.curve == other.curve && self.point == other.point
    }
}

impl Eq for VerifyingKey {}

/// A signature: s || r, each big-endian and as wide as the curve.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    size: KeySize,
    bytes: [u8; 128],
}

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

    /// Signs with a caller-chosen nonce k (big-endian), to reproduce the
    /// standard's examples. Never use outside tests: a repeated or
    /// predictable k reveals the key.
    #[cfg(any(test, feature = "test-vectors"))]
    #[doc(hidden)]
    pub fn sign_prehash_with_nonce(&self, digest: &[u8], k_be: &[u8]) -> Result<Signature> {
        let size = self.curve.key_size();
        let mut k_le = k_be.to_vec();
        k_le.reverse();
        match (&self.secret, self.curve.curve()) {
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
    fn check_sizes(&self, digest: &[u8], signature: &Signature) -> Result<()> {
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
    fn verification_inputs<const N: usize>(
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

impl Signature {
    fn from_limbs<const N: usize>(size: KeySize, r: &[u64; N], s: &[u64; N]) -> Self {
        let n = size.coordinate_len();
        let mut bytes = [0u8; 128];
        limbs::write_be_bytes(s, &mut bytes[..n]);
        limbs::write_be_bytes(r, &mut bytes[n..2 * n]);
        Signature { size, bytes }
    }

    /// Parses s || r (64 bytes for 256-bit keys, 128 for 512-bit keys).
    /// Range checks happen at verification.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let size = match bytes.len() {
            64 => KeySize::Bits256,
            128 => KeySize::Bits512,
            got => {
                return Err(Error::Length {
                    what: "signature (s || r; 64 bytes, or 128 for 512-bit keys)",
                    expected: 64,
                    got,
                });
            }
        };
        let mut out = [0u8; 128];
        out[..bytes.len()].copy_from_slice(bytes);
        Ok(Signature { size, bytes: out })
    }

    /// Parses the CryptoAPI / CryptoPro CSP blob LE(r) || LE(s), the full
    /// byte reversal of s || r.
    pub fn from_reversed(bytes: &[u8]) -> Result<Self> {
        let mut v = bytes.to_vec();
        v.reverse();
        Self::from_slice(&v)
    }

    /// s || r.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.size.signature_len()]
    }

    /// LE(r) || LE(s), the CryptoAPI order.
    pub fn to_reversed(&self) -> Vec<u8> {
        let mut v = self.as_bytes().to_vec();
        v.reverse();
        v
    }

    /// r, big-endian.
    pub fn r_be(&self) -> &[u8] {
        &self.as_bytes()[self.size.coordinate_len()..]
    }

    /// s, big-endian.
    pub fn s_be(&self) -> &[u8] {
        &self.as_bytes()[..self.size.coordinate_len()]
    }

    /// The key size this signature belongs to.
    pub fn key_size(&self) -> KeySize {
        self.size
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", hex::encode(self.as_bytes()))
    }
}

impl TryFrom<&[u8]> for Signature {
    type Error = signature::Error;
    fn try_from(bytes: &[u8]) -> core::result::Result<Self, signature::Error> {
        Signature::from_slice(bytes).map_err(signature::Error::from_source)
    }
}

impl From<Signature> for Vec<u8> {
    fn from(sig: Signature) -> Vec<u8> {
        sig.as_bytes().to_vec()
    }
}

impl SignatureEncoding for Signature {
    type Repr = Vec<u8>;
}

fn to_sig_err(e: Error) -> signature::Error {
    signature::Error::from_source(e)
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

/// Digest-based signing and verification for each GOST hash; the digest
/// length must fit the key (Streebog-256 or GOST R 34.11-94 with 256-bit
/// keys, Streebog-512 with 512-bit keys).
macro_rules! digest_traits {
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

digest_traits!(Streebog256, Streebog512, Gost94CryptoPro);
// The RustCrypto `streebog` crate's types too, for callers who hash with them.
digest_traits!(streebog::Streebog256, streebog::Streebog512);

#[cfg(test)]
mod tests;
