//! Key and certificate encodings: PKCS#8 private keys, SubjectPublicKeyInfo,
//! X.509 certificates, and PEM / base64 / DER detection.
//!
//! Key import ([`import`]): CryptoPro container folders ([`container`]),
//! PFX / PKCS#12 ([`pfx`]) and password-protected PKCS#8
//! ([`encrypted_pkcs8`]), all yielding an [`ImportedKey`].
//!
//! Every parser takes untrusted bytes and returns a value or a typed
//! [`Error`](crate::Error) naming the field at fault; none panics.
//!
//! ```
//! use gostcms::keys::{self, Certificate};
//! use gostcms::{CurveId, SigningKey};
//!
//! let key = SigningKey::generate(CurveId::Tc26_256A).unwrap();
//! let pem = key.to_pkcs8_pem();
//! let back = keys::decode_private_key(pem.as_bytes()).unwrap();
//! assert_eq!(back.verifying_key(), key.verifying_key());
//!
//! let spki = key.verifying_key().to_spki_pem();
//! assert_eq!(&keys::decode_public_key(spki.as_bytes()).unwrap(), key.verifying_key());
//!
//! let cert = keys::self_signed(&key, "CN=Example,O=Example", 365, None).unwrap();
//! let cert = Certificate::from_pem_or_der(cert.to_pem().as_bytes()).unwrap();
//! cert.verify_signed_by(key.verifying_key()).unwrap();
//! ```
//!
//! Private scalars: any width-sized value is reduced mod q (OpenSSL does the
//! same, and the RFC 9215 tc26-256-A example needs it); zero is rejected.
//! Legacy GOST R 34.10-2001 keys load as 256-bit keys on their curve;
//! [`decode_private_key_der`] / [`decode_public_key_der`] also return the
//! [`KeyAlgorithm`] so callers can tell them apart (they sign with
//! GOST R 34.11-94, not Streebog).

mod acpkm;
mod algorithm;
pub mod cert;
pub mod container;
mod cpkdf;
mod cryptopro_pfx;
pub(crate) mod der;
pub mod encrypted_pkcs8;
pub mod envelope;
mod gost28147;
pub mod import;
mod kdf;
mod pbe;
pub mod pem;
pub mod pfx;
pub mod pkcs8;
pub mod spki;

pub use algorithm::KeyAlgorithm;
pub use cert::{Certificate, self_signed};
pub use container::Container;
pub use encrypted_pkcs8::decode_encrypted_private_key;
pub use import::{ImportOptions, ImportedKey};
pub use kdf::DEFAULT_MAX_ITERATIONS;
pub use pfx::{Pfx, PfxContents};
pub use pkcs8::{decode_private_key, decode_private_key_der};
pub use spki::{decode_public_key, decode_public_key_der, signature_algorithm_oid};

/// DER of a BER or DER element (CryptoPro and Java write BER), in a buffer
/// wiped on drop: decrypted key material passes through here.
pub(crate) fn ber_to_der(bytes: &[u8]) -> crate::Result<zeroize::Zeroizing<Vec<u8>>> {
    crate::cms::ber::normalize_secret(bytes)
}
