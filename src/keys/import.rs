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
        let mut key = key;
        if algorithm.is_2001() {
            // A 2001 algorithm is on a 256-bit curve (checked when parsed).
            key.mark_gost2001();
        }
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

/// Limits on the work a key file may ask for. Iteration counts come from
/// the file, so a hostile file could ask for hours of PBKDF2: counts above
/// [`max_iterations`](Self::max_iterations) are refused before any work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportOptions {
    /// The largest PBKDF2 / PKCS#12-KDF / PFX MAC iteration count accepted
    /// (default [`DEFAULT_MAX_ITERATIONS`](super::DEFAULT_MAX_ITERATIONS),
    /// one million).
    pub max_iterations: u32,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            max_iterations: super::kdf::DEFAULT_MAX_ITERATIONS,
        }
    }
}

impl ImportOptions {
    /// The defaults with another iteration cap.
    pub fn with_max_iterations(mut self, max_iterations: u32) -> Self {
        self.max_iterations = max_iterations;
        self
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
    let hint = f.metadata().map(|m| m.len()).unwrap_or(0).min(max);
    let buf = read_secret(f.take(max + 1), hint as usize)
        .map_err(|e| Error::Io(format!("cannot read {}: {e}", path.display())))?;
    if buf.len() as u64 > max {
        return Err(Error::encoding(
            what,
            format!("{} is larger than {max} bytes", path.display()),
        ));
    }
    Ok(buf)
}

/// Reads to the end into a wiped buffer that never leaves an unwiped copy
/// behind: when it must grow, the bytes move to a larger wiped buffer and
/// the old one is wiped as it is dropped (`Read::read_to_end` would let the
/// allocator free the old block as it was).
pub fn read_secret(
    mut r: impl std::io::Read,
    size_hint: usize,
) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(vec![0u8; size_hint.max(4096) + 1]);
    let mut len = 0;
    loop {
        if len == buf.len() {
            let mut bigger = Zeroizing::new(vec![0u8; 2 * buf.len()]);
            bigger[..len].copy_from_slice(&buf[..len]);
            buf = bigger;
        }
        match r.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // Shrinking in place keeps the allocation (truncate never reallocates).
    buf.truncate(len);
    Ok(buf)
}
