//! CMS (PKCS#7) with GOST R 34.10-2012 keys, the layer between key
//! encodings and the formats built on CMS: building detached and attached
//! SignedData ([`CmsSigner`]), verifying what CryptoPro, OpenSSL and Java
//! produce ([`verify`](fn@verify), BER through
//! [`encoding::ber`](crate::encoding::ber)), and opening EnvelopedData
//! (`envelope`, with the `import` feature: PFX is its one user).

#[cfg(feature = "import")]
pub(crate) mod cipher;
#[cfg(feature = "import")]
pub mod envelope;
mod input;
mod sign;
mod verify;

pub use input::decode_signature_input;
pub use sign::{AttributeMode, CmsSigner, PendingSignature, SignOptions, SignatureOid, SignerId};
pub use verify::{
    ChainVerifier, Content, MAX_CERTIFICATES, MAX_CHAIN_LENGTH, MAX_CHAIN_VERIFICATIONS,
    MAX_SIGNERS, SignerError, SignerResult, VerifyReport, check_chain, verify,
};
#[cfg(feature = "esia")]
pub(crate) use verify::{RsaKey, rsa_public_key};

/// CMS object identifiers.
pub mod oids {
    use der::asn1::ObjectIdentifier as Oid;

    /// id-data.
    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    /// id-signedData.
    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    /// id-digestedData.
    pub const DIGESTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.5");
    /// id-contentType attribute.
    pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    /// id-messageDigest attribute.
    pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    /// id-signingTime attribute.
    pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
    /// rsaEncryption (legacy verification).
    pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    /// sha256WithRSAEncryption.
    pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    /// sha1WithRSAEncryption.
    pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
    /// id-sha256.
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// id-sha1.
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    /// id-aa-signingCertificateV2 (RFC 5035).
    pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
}
