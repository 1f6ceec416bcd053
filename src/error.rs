//! The crate's error type: every failure is a variant with a message that
//! names the problem precisely enough to act on.

/// Why an operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A curve name or OID that is not one of the fourteen GOST parameter sets.
    UnknownCurve(String),
    /// A key or signature whose length does not fit the curve.
    Length {
        /// What was being read.
        what: &'static str,
        /// The length the curve requires.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// A private key that is zero or not below the group order q.
    PrivateKeyRange,
    /// A public key that fails validation.
    PublicKey(&'static str),
    /// r or s outside (0, q).
    SignatureRange(&'static str),
    /// A well-formed signature that does not verify.
    SignatureMismatch,
    /// A digest whose length does not match the key size.
    DigestLength {
        /// The key size in bits.
        bits: usize,
        /// The digest length given.
        got: usize,
    },
    /// The operating system's random number generator failed.
    Rng(String),
    /// An encoding (DER, PEM, base64, hex) could not be parsed.
    Encoding {
        /// What was being parsed.
        context: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// An algorithm or parameter OID the crate does not implement.
    Unsupported(String),
    /// A key and a curve, or a key and a certificate, that do not belong together.
    KeyMismatch(String),
    /// A required parameter was not given (ESIA request fields, builder options).
    MissingParameter(&'static str),
    /// A value that is well-formed but not acceptable where it is used.
    Invalid {
        /// What was being checked.
        what: &'static str,
        /// Why it is not acceptable.
        detail: String,
    },
    /// A wrong (or missing) PIN or password: a check keyed by the secret failed.
    WrongSecret(String),
    /// A check that does not depend on the secret failed: the data is damaged.
    Integrity(String),
    /// A file or directory could not be read.
    Io(String),
}

// Written out rather than derived: the signature core builds without the
// thiserror proc-macro (`--no-default-features`).
impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::UnknownCurve(name) => write!(
                f,
                "unknown curve {name:?} (expected a GOST R 34.10 parameter set name or OID)"
            ),
            Error::Length {
                what,
                expected,
                got,
            } => write!(f, "{what}: expected {expected} bytes, got {got}"),
            Error::PrivateKeyRange => {
                f.write_str("private key is out of range: it must satisfy 0 < d < q")
            }
            Error::PublicKey(why) => write!(f, "invalid public key: {why}"),
            Error::SignatureRange(why) => write!(f, "invalid signature: {why}"),
            Error::SignatureMismatch => {
                f.write_str("signature mismatch: the signature does not verify under this key")
            }
            Error::DigestLength { bits, got } => {
                write!(f, "digest length {got} does not match a {bits}-bit key")
            }
            Error::Rng(why) => write!(f, "random number generator failed: {why}"),
            Error::Encoding { context, detail } => write!(f, "{context}: {detail}"),
            Error::Unsupported(what) => write!(f, "unsupported algorithm: {what}"),
            Error::KeyMismatch(why) => write!(f, "key mismatch: {why}"),
            Error::MissingParameter(what) => write!(f, "missing parameter: {what}"),
            Error::Invalid { what, detail } => write!(f, "invalid {what}: {detail}"),
            Error::WrongSecret(why) | Error::Integrity(why) | Error::Io(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Error {}

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
