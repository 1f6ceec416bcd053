//! # gostcms
//!
//! GOST R 34.10-2012 signatures and GOST R 34.11-2012 (Streebog) hashing in
//! pure Rust, for Russia's ESIA (Gosuslugi) integrations.
//!
//! Layers, data flowing one way: [`hash`] -> `field` -> [`curve`] -> [`sign`]
//! -> [`keys`] -> `cms` -> `import` / `esia`, all on [`encoding`] (BER, DER,
//! PEM, lenient base64). `cms`, `import` and `esia` are Cargo features (on by
//! default).
//!
//! ```
//! use gostcms::{CurveId, SigningKey};
//! use signature::{Signer, Verifier};
//!
//! let key = SigningKey::generate(CurveId::CryptoProA).unwrap();
//! let sig = key.sign(b"client_id scope timestamp state");
//! key.verifying_key().verify(b"client_id scope timestamp state", &sig).unwrap();
//! ```

// `unsafe` is denied everywhere but in the mulx/adx field kernels
// (`field::x86_64::adx`) and the calls into the AVX-512 IFMA verification code
// (`curve::x86_64::straus_ifma_x4`), which say why they need it and what they assume.
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "cms")]
pub mod cms;
pub mod cpu;
pub mod curve;
pub mod encoding;
pub mod error;
#[cfg(feature = "esia")]
pub mod esia;
pub(crate) mod field;
pub mod hash;
#[cfg(feature = "import")]
pub mod import;
pub mod keys;
pub mod sign;

pub use curve::{CurveId, KeySize};
pub use error::{Error, Result};
pub use hash::HashAlg;
pub use sign::{PreparedVerifyingKey, Signature, SigningKey, VerifyingKey, VkoHash};
