//! The one entry point of key import: tells a container folder, PFX,
//! encrypted or plain PKCS#8 apart and hands it to its reader.

use std::path::Path;

use zeroize::Zeroizing;

use super::container::Container;
use super::encrypted_pkcs8;
use super::options::{ImportOptions, ImportedKey, read_bounded};
use super::pfx::Pfx;
use crate::encoding::pem;
use crate::error::{Error, Result};
use crate::keys::decode_private_key_der;

/// Largest key file read (a PFX with a long chain is tens of KiB).
const MAX_FILE_LEN: u64 = 16 << 20;

/// What kind of key source a path or byte string is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A CryptoPro container folder.
    Container,
    /// A PFX / PKCS#12 file.
    Pfx,
    /// An EncryptedPrivateKeyInfo.
    EncryptedPkcs8,
    /// A plain PKCS#8 PrivateKeyInfo (or something else, reported when read).
    Pkcs8,
}

impl SourceKind {
    /// True when reading this kind needs a PIN rather than a password.
    pub fn wants_pin(self) -> bool {
        self == SourceKind::Container
    }
}

/// Reads a key from a container folder or a PFX / PKCS#8 file; `secret`
/// is the PIN or password (empty when there is none).
pub fn open(path: &Path, secret: &[u8]) -> Result<ImportedKey> {
    open_with(path, secret, &ImportOptions::default())
}

/// [`open`] with caller-chosen limits.
pub fn open_with(path: &Path, secret: &[u8], opts: &ImportOptions) -> Result<ImportedKey> {
    if path.is_dir() {
        return Container::open(path)?.decrypt(secret);
    }
    let bytes = read_file(path)?;
    from_bytes_with(&bytes, secret, opts)
}

/// Reads a key from the bytes of a PFX or PKCS#8 file.
pub fn from_bytes(bytes: &[u8], secret: &[u8]) -> Result<ImportedKey> {
    from_bytes_with(bytes, secret, &ImportOptions::default())
}

/// [`from_bytes`] with caller-chosen limits.
pub fn from_bytes_with(bytes: &[u8], secret: &[u8], opts: &ImportOptions) -> Result<ImportedKey> {
    let decoded = pem::decode_any(bytes)?;
    match kind_of_der(&decoded.der, &decoded.format) {
        SourceKind::Pfx => Pfx::parse(&decoded.der)?
            .decrypt_with(secret, opts)?
            .into_key(),
        SourceKind::EncryptedPkcs8 => {
            let (key, algorithm) = encrypted_pkcs8::decrypt_der_with(&decoded.der, secret, opts)?;
            Ok(ImportedKey::new(key, algorithm, None))
        }
        _ => {
            if let pem::Format::Pem(label) = &decoded.format
                && label != pem::LABEL_PRIVATE_KEY
            {
                return Err(Error::encoding(
                    "PEM label",
                    format!("expected PRIVATE KEY or ENCRYPTED PRIVATE KEY, found {label}"),
                ));
            }
            let (key, algorithm) = decode_private_key_der(&decoded.der)?;
            Ok(ImportedKey::new(key, algorithm, None))
        }
    }
}

/// Tells a container, PFX, encrypted or plain PKCS#8 apart without
/// decrypting anything (`None` when the path cannot be read).
pub fn detect(path: &Path) -> Option<SourceKind> {
    if path.is_dir() {
        return Some(SourceKind::Container);
    }
    let bytes = read_file(path).ok()?;
    let decoded = pem::decode_any(&bytes).ok()?;
    Some(kind_of_der(&decoded.der, &decoded.format))
}

/// [`detect`] for bytes already read (PEM, base64, DER or BER).
pub fn detect_bytes(bytes: &[u8]) -> SourceKind {
    match pem::decode_any(bytes) {
        Ok(decoded) => kind_of_der(&decoded.der, &decoded.format),
        Err(_) => SourceKind::Pkcs8,
    }
}

fn kind_of_der(der: &[u8], format: &pem::Format) -> SourceKind {
    if let pem::Format::Pem(label) = format
        && label == pem::LABEL_ENCRYPTED_PRIVATE_KEY
    {
        return SourceKind::EncryptedPkcs8;
    }
    if encrypted_pkcs8::looks_encrypted(der) {
        return SourceKind::EncryptedPkcs8;
    }
    // PFX files may be BER: sniff the normalised form.
    let normal = crate::encoding::ber_to_der(der);
    let normal = normal.as_deref().map(|v| v.as_slice()).unwrap_or(der);
    if Pfx::sniff(normal) {
        return SourceKind::Pfx;
    }
    SourceKind::Pkcs8
}

fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    read_bounded(path, "key file", MAX_FILE_LEN)
}
