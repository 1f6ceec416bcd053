//! Key and certificate encodings, the layer every key consumer shares:
//! PKCS#8 private keys, SubjectPublicKeyInfo and X.509 certificates (PEM,
//! base64 or DER through [`encoding::pem`](crate::encoding::pem)). Keys
//! in other formats (containers, PFX, encrypted PKCS#8) are read by the
//! `import` layer above CMS.
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

pub(crate) mod algorithm;
mod cert;
pub(crate) mod pkcs8;
pub(crate) mod spki;

pub use algorithm::KeyAlgorithm;
pub use cert::{Certificate, self_signed};
pub use pkcs8::{decode_private_key, decode_private_key_der};
pub use spki::{decode_public_key, decode_public_key_der, signature_algorithm_oid};
