//! Password-protected PKCS#8: EncryptedPrivateKeyInfo (PEM "ENCRYPTED
//! PRIVATE KEY", base64 or DER).
//!
//! ```text
//! EncryptedPrivateKeyInfo ::= SEQUENCE {
//!     encryptionAlgorithm AlgorithmIdentifier,
//!     encryptedData       OCTET STRING }
//! ```
//!
//! The schemes are those of `import::pbe` (PBES2 with AES, 3DES,
//! GOST 28147-89, Kuznyechik or Magma; the PKCS#12 SHA-1 PBEs) and
//! CryptoPro's PFX key-bag scheme 1.2.840.113549.1.12.1.80. The plaintext
//! is read like any PKCS#8 key (all four private-key forms).
//!
//! ```
//! # let pem = include_str!("../../vectors/cryptopro/ilimurzin-esia/private.pem");
//! let key = gostcms::import::decode_encrypted_private_key(pem.as_bytes(), b"test").unwrap();
//! assert_eq!(key.curve(), gostcms::CurveId::CryptoProXchA);
//! ```

use super::options::ImportOptions;
use super::{cryptopro_pfx, pbe};
use crate::encoding::der::{self as d, tag};
use crate::encoding::pem;
use crate::error::{Error, Result};
use crate::keys::algorithm::KeyAlgorithm;
use crate::keys::decode_private_key_der;
use crate::sign::SigningKey;

const EPKI: &str = "EncryptedPrivateKeyInfo";

/// Decrypts an encrypted PKCS#8 key given as PEM, base64 or DER.
pub fn decode_encrypted_private_key(bytes: &[u8], password: &[u8]) -> Result<SigningKey> {
    let decoded = pem::decode_any(bytes)?;
    if let pem::Format::Pem(label) = &decoded.format
        && label != pem::LABEL_ENCRYPTED_PRIVATE_KEY
    {
        return Err(Error::encoding(
            "PEM label",
            format!(
                "expected {}, found {label}",
                pem::LABEL_ENCRYPTED_PRIVATE_KEY
            ),
        ));
    }
    decrypt_der(&decoded.der, password).map(|(k, _)| k)
}

/// True when `der` is shaped like an EncryptedPrivateKeyInfo.
pub(crate) fn looks_encrypted(der: &[u8]) -> bool {
    d::describe(der) == Some("an encrypted PKCS#8 EncryptedPrivateKeyInfo")
}

/// Decrypts EncryptedPrivateKeyInfo DER; returns the key and its algorithm.
pub fn decrypt_der(der: &[u8], password: &[u8]) -> Result<(SigningKey, KeyAlgorithm)> {
    decrypt_der_with(der, password, &ImportOptions::default())
}

/// [`decrypt_der`] with caller-chosen limits (the iteration cap).
pub fn decrypt_der_with(
    der: &[u8],
    password: &[u8],
    opts: &ImportOptions,
) -> Result<(SigningKey, KeyAlgorithm)> {
    let outer = d::expect_only(der, tag::SEQUENCE, EPKI)?;
    let (alg, rest) = d::expect(
        outer.content,
        tag::SEQUENCE,
        "EncryptedPrivateKeyInfo.encryptionAlgorithm",
    )?;
    let data = d::expect_only(
        rest,
        tag::OCTET_STRING,
        "EncryptedPrivateKeyInfo.encryptedData",
    )?;
    decrypt_parts(
        alg.content,
        data.content,
        password,
        "the encrypted PKCS#8 key",
        opts,
    )
}

/// Decrypts a key under `alg` (AlgorithmIdentifier content); `what` names
/// the container in wrong-password messages.
pub(crate) fn decrypt_parts(
    alg: &[u8],
    ciphertext: &[u8],
    password: &[u8],
    what: &str,
    opts: &ImportOptions,
) -> Result<(SigningKey, KeyAlgorithm)> {
    let wrong = |why: &str| Error::WrongSecret(format!("wrong password for {what} ({why})"));
    let (oid, params) = crate::cms::cipher::split_algorithm(alg, "encryptionAlgorithm")?;
    if oid == pbe::oids::CRYPTOPRO_PFX_KEY {
        return cryptopro_pfx::decrypt_key_bag(params, password, ciphertext, opts).map_err(|e| {
            match e {
                Error::WrongSecret(why) => wrong(&why),
                other => other,
            }
        });
    }
    let plain = pbe::decrypt(alg, password, ciphertext, opts).map_err(|e| match e {
        Error::WrongSecret(why) => wrong(&why),
        other => other,
    })?;
    let plain = crate::encoding::ber_to_der(&plain)
        .map_err(|_| wrong("the decrypted data is not DER: wrong password or damaged data"))?;
    decode_private_key_der(&plain).map_err(|e| match e {
        Error::Encoding { .. } => {
            wrong(&format!("the decrypted data is not a PrivateKeyInfo: {e}"))
        }
        other => other,
    })
}
