//! Key and certificate encodings: PKCS#8 private keys, SubjectPublicKeyInfo,
//! X.509 certificates, and PEM / base64 / DER detection.
//!
//! Every parser takes untrusted bytes and returns a value or a typed
//! [`Error`](crate::Error) naming the field at fault; none panics.

mod algorithm;
pub mod cert;
pub(crate) mod der;
pub mod pem;
pub mod pkcs8;
pub mod spki;

pub use algorithm::KeyAlgorithm;
pub use cert::{Certificate, self_signed};
pub use pkcs8::{decode_private_key, decode_private_key_der};
pub use spki::{decode_public_key, decode_public_key_der, signature_algorithm_oid};
