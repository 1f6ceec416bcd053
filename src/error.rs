//! The crate's error type: every failure is a variant with a message that
//! names the problem precisely enough to act on.

use thiserror::Error;

/// Why an operation failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A curve name or OID that is not one of the fourteen GOST parameter sets.
    #[error("unknown curve {0:?} (expected a GOST R 34.10 parameter set name or OID)")]
    UnknownCurve(String),
    /// A key or signature whose length does not fit the curve.
    #[error("{what}: expected {expected} bytes, got {got}")]
    Length {
        /// What was being read.
        what: &'static str,
        /// The length the curve requires.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A private key that is zero or not below the group order q.
    #[error("private key is out of range: it must satisfy 0 < d < q")]
    PrivateKeyRange,
    /// A public key that fails validation.
    #[error("invalid public key: {0}")]
    PublicKey(&'static str),
    /// r or s outside (0, q).
    #[error("invalid signature: {0}")]
    SignatureRange(&'static str),
    /// A well-formed signature that does not verify.
    #[error("signature mismatch: the signature does not verify under this key")]
    SignatureMismatch,
    /// A digest whose length does not match the key size.
    #[error("digest length {got} does not match a {bits}-bit key")]
    DigestLength {
        /// The key size in bits.
        bits: usize,
        /// The digest length given.
        got: usize,
    },
    /// The operating system's random number generator failed.
    #[error("random number generator failed: {0}")]
    Rng(String),
    /// An encoding (DER, PEM, base64, hex) could not be parsed.
    #[error("{context}: {detail}")]
    Encoding {
        /// What was being parsed.
        context: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// An algorithm or parameter OID the crate does not implement.
    #[error("unsupported algorithm: {0}")]
    Unsupported(String),
    /// A key and a curve, or a key and a certificate, that do not belong together.
    #[error("key mismatch: {0}")]
    KeyMismatch(String),
    /// A required parameter was not given (ESIA request fields, builder options).
    #[error("missing parameter: {0}")]
    MissingParameter(&'static str),
    /// A value that is well-formed but not acceptable where it is used.
    #[error("invalid {what}: {detail}")]
    Invalid {
        /// What was being checked.
        what: &'static str,
        /// Why it is not acceptable.
        detail: String,
    },
    /// A wrong (or missing) PIN or password: a check keyed by the secret failed.
    #[error("{0}")]
    WrongSecret(String),
    /// A check that does not depend on the secret failed: the data is damaged.
    #[error("{0}")]
    Integrity(String),
    /// A file or directory could not be read.
    #[error("{0}")]
    Io(String),
}

impl Error {
    /// Builds an [`Error::Encoding`].
    pub(crate) fn encoding(context: &'static str, detail: impl core::fmt::Display) -> Self {
        Error::Encoding {
            context,
            detail: detail.to_string(),
        }
    }
}

impl Error {
    /// Builds an [`Error::Invalid`].
    #[cfg_attr(not(feature = "cms"), allow(dead_code))]
    pub(crate) fn invalid(what: &'static str, detail: impl core::fmt::Display) -> Self {
        Error::Invalid {
            what,
            detail: detail.to_string(),
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = core::result::Result<T, Error>;
