//! Keys brought in from the formats people have: CryptoPro containers,
//! PFX files, encrypted and plain PKCS#8, behind one entry point.
//!
//! ```no_run
//! use gostcms::keys::import;
//!
//! // A container folder, a PFX, or a (possibly encrypted) PKCS#8 file.
//! let imported = import::open("otvconba.000".as_ref(), b"1xqoyc4e")?;
//! std::fs::write("key.pem", imported.to_pkcs8_pem().as_bytes()).unwrap();
//! # Ok::<(), gostcms::Error>(())
//! ```

use std::path::Path;

use zeroize::Zeroizing;

use super::algorithm::KeyAlgorithm;
use super::cert::Certificate;
use super::container::Container;
use super::der::{self as d, tag};
use super::encrypted_pkcs8;
use super::pem;
use super::pfx::Pfx;
use super::pkcs8::decode_private_key_der;
use crate::curve::id::oids;
use crate::error::{Error, Result};
use crate::sign::SigningKey;

/// GOST R 34.11-94 CryptoPro hash parameters (digestParamSet of 2001 keys).
const GOST94_CRYPTOPRO_PARAMS: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.643.2.2.30.1");

/// Largest key file read (a PFX with a long chain is tens of KiB).
const MAX_FILE_LEN: u64 = 16 << 20;

/// A private key read from a container, PFX or PKCS#8 file, with what
/// came along with it. `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct ImportedKey {
    /// The key.
    pub key: SigningKey,
    /// Its algorithm: GOST R 34.10-2012 256/512 or legacy 2001, with the
    /// parameter set and digest parameters as the source recorded them.
    pub algorithm: KeyAlgorithm,
    /// The key's own certificate, when the source holds one that matches it.
    pub certificate: Option<Certificate>,
    /// Every certificate the source holds (the key's own and any chain).
    pub certificates: Vec<Certificate>,
    /// The container name or PFX friendlyName, if any.
    pub name: Option<String>,
}

impl ImportedKey {
    pub(crate) fn new(key: SigningKey, algorithm: KeyAlgorithm, name: Option<String>) -> Self {
        ImportedKey {
            key,
            algorithm,
            certificate: None,
            certificates: Vec::new(),
            name,
        }
    }

    /// Checks that `cert` carries this key's public key.
    pub fn check_certificate(&self, cert: &Certificate) -> Result<()> {
        if cert.verifying_key()? == *self.key.verifying_key() {
            Ok(())
        } else {
            Err(Error::KeyMismatch(format!(
                "the key does not match the certificate of {}",
                cert.subject()
            )))
        }
    }

    /// PKCS#8 PrivateKeyInfo DER, d little-endian (the form OpenSSL's gost
    /// engine writes). GOST 2012 keys are written as
    /// [`SigningKey::to_pkcs8_der`] does; legacy GOST R 34.10-2001 keys keep
    /// their algorithm (1.2.643.2.2.19 with parameters {curve, GOST R
    /// 34.11-94 CryptoPro}), so that they still sign with GOST R 34.11-94.
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        if !self.algorithm.is_2001() {
            return self.key.to_pkcs8_der();
        }
        let mut params = d::oid_tlv(&self.key.curve().oid());
        params.extend_from_slice(&d::oid_tlv(
            &self.algorithm.digest.unwrap_or(GOST94_CRYPTOPRO_PARAMS),
        ));
        let mut alg = d::oid_tlv(&oids::GOST3410_2001);
        alg.extend_from_slice(&d::tlv(tag::SEQUENCE, &params));
        let scalar = self.key.to_scalar_le();
        let private_key = d::tlv_secret(tag::OCTET_STRING, &scalar);
        let mut content = Zeroizing::new(d::tlv(tag::INTEGER, &[0]));
        content.extend_from_slice(&d::tlv(tag::SEQUENCE, &alg));
        content.extend_from_slice(&private_key);
        d::tlv_secret(tag::SEQUENCE, &content)
    }

    /// PKCS#8 as PEM "PRIVATE KEY" (see [`ImportedKey::to_pkcs8_der`]).
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        pem::encode(pem::LABEL_PRIVATE_KEY, &self.to_pkcs8_der())
    }
}

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
    if path.is_dir() {
        return Container::open(path)?.decrypt(secret);
    }
    let bytes = read_file(path)?;
    from_bytes(&bytes, secret)
}

/// Reads a key from the bytes of a PFX or PKCS#8 file.
pub fn from_bytes(bytes: &[u8], secret: &[u8]) -> Result<ImportedKey> {
    let decoded = pem::decode_any(bytes)?;
    match kind_of_der(&decoded.der, &decoded.format) {
        SourceKind::Pfx => Pfx::parse(&decoded.der)?.decrypt(secret)?.into_key(),
        SourceKind::EncryptedPkcs8 => {
            let (key, algorithm) = encrypted_pkcs8::decrypt_der(&decoded.der, secret)?;
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
    let normal = super::ber_to_der(der);
    let normal = normal.as_deref().map(|v| v.as_slice()).unwrap_or(der);
    if Pfx::sniff(normal) {
        return SourceKind::Pfx;
    }
    SourceKind::Pkcs8
}

fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    read_bounded(path, "key file", MAX_FILE_LEN)
}

/// Reads a key file of at most `max` bytes into a wiped buffer; a larger
/// file is an error rather than an unbounded allocation.
pub(crate) fn read_bounded(
    path: &Path,
    what: &'static str,
    max: u64,
) -> Result<Zeroizing<Vec<u8>>> {
    use std::io::Read;
    let f = std::fs::File::open(path)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
    let mut buf = Zeroizing::new(Vec::new());
    f.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
    if buf.len() as u64 > max {
        return Err(Error::encoding(
            what,
            format!("{} is larger than {max} bytes", path.display()),
        ));
    }
    Ok(buf)
}
