//! The one entry point of key import: tells a container folder, PFX,
//! encrypted or plain PKCS#8 and a PEM key-and-certificates bundle apart and
//! hands each to its reader. The CLI, `gostcms serve` and the Python package
//! load keys through [`load`] / [`load_path`].

use std::path::Path;

use zeroize::Zeroizing;

use super::container::Container;
use super::encrypted_pkcs8;
use super::options::{ImportOptions, ImportedKey, read_bounded};
use super::pfx::Pfx;
use crate::encoding::pem;
use crate::error::{Error, Result};
use crate::keys::{Certificate, decode_private_key_der};

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

/// What [`load`] and [`load_path`] may need: the secrets (empty when there
/// is none) and the work limits. `Debug` shows no secret.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct LoadOptions {
    /// PIN of a CryptoPro container.
    pub pin: Zeroizing<Vec<u8>>,
    /// Password of a PFX or an encrypted PKCS#8 key.
    pub password: Zeroizing<Vec<u8>>,
    /// Limits on the work a key file may ask for.
    pub limits: ImportOptions,
}

impl core::fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("pin", &if self.pin.is_empty() { "none" } else { "given" })
            .field(
                "password",
                &if self.password.is_empty() {
                    "none"
                } else {
                    "given"
                },
            )
            .field("limits", &self.limits)
            .finish()
    }
}

impl LoadOptions {
    /// One secret for every kind of source: the PIN and the password.
    pub fn with_secret(secret: &[u8]) -> Self {
        LoadOptions {
            pin: Zeroizing::new(secret.to_vec()),
            password: Zeroizing::new(secret.to_vec()),
            limits: ImportOptions::default(),
        }
    }

    /// Another container PIN.
    pub fn pin(mut self, pin: &[u8]) -> Self {
        self.pin = Zeroizing::new(pin.to_vec());
        self
    }

    /// Another PFX / PKCS#8 password.
    pub fn password(mut self, password: &[u8]) -> Self {
        self.password = Zeroizing::new(password.to_vec());
        self
    }

    /// Other work limits.
    pub fn limits(mut self, limits: ImportOptions) -> Self {
        self.limits = limits;
        self
    }
}

/// Reads a key from the bytes of a key file: PKCS#8 (PEM, base64 or DER),
/// encrypted PKCS#8, PFX, or a PEM file holding a PRIVATE KEY (or ENCRYPTED
/// PRIVATE KEY) block and CERTIFICATE blocks, as `openssl pkcs12 -nodes`
/// writes; the bundle's certificates come along, the one matching the key
/// as [`ImportedKey::certificate`]. A PFX encrypted to a public key needs
/// [`Pfx::decrypt_with_key`] instead.
pub fn load(bytes: &[u8], opts: &LoadOptions) -> Result<ImportedKey> {
    let Some((key, certs)) = pem_bundle(bytes) else {
        return load_one(bytes, opts);
    };
    let mut imported = load_one(key, opts)?;
    for text in certs {
        let cert = Certificate::from_pem_or_der(text)
            .map_err(|e| Error::encoding("its certificate", e))?;
        if imported.certificate.is_none() && imported.check_certificate(&cert).is_ok() {
            imported.certificate = Some(cert.clone());
        }
        imported.certificates.push(cert);
    }
    Ok(imported)
}

/// [`load`] for a path: a CryptoPro container folder (opened with the
/// PIN) or a key file.
pub fn load_path(path: &Path, opts: &LoadOptions) -> Result<ImportedKey> {
    if path.is_dir() {
        return Container::open(path)?.decrypt(&opts.pin);
    }
    load(&read_file(path)?, opts)
}

/// One key source (not a bundle).
fn load_one(bytes: &[u8], opts: &LoadOptions) -> Result<ImportedKey> {
    match detect_bytes(bytes) {
        SourceKind::Pfx | SourceKind::EncryptedPkcs8 => {
            from_bytes_with(bytes, &opts.password, &opts.limits)
        }
        _ => {
            let der = pem::decode_expecting(bytes, pem::LABEL_PRIVATE_KEY)?;
            let (key, algorithm) = decode_private_key_der(&der)?;
            Ok(ImportedKey::new(key, algorithm, None))
        }
    }
}

/// The key block and the certificate blocks of a PEM file holding both;
/// `None` when there is no certificate beside a private key.
fn pem_bundle(bytes: &[u8]) -> Option<(&[u8], Vec<&[u8]>)> {
    let blocks = pem::blocks(bytes);
    let key = blocks.iter().find(|b| {
        b.label == pem::LABEL_PRIVATE_KEY || b.label == pem::LABEL_ENCRYPTED_PRIVATE_KEY
    })?;
    let certs: Vec<&[u8]> = blocks
        .iter()
        .filter(|b| b.label == pem::LABEL_CERTIFICATE)
        .map(|b| b.text)
        .collect();
    if certs.is_empty() {
        return None;
    }
    Some((key.text, certs))
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
