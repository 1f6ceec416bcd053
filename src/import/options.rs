//! What every key-import format shares, below the formats themselves: the
//! imported key with what came along with it, the work limits, and bounded
//! reads of key files into wiped buffers.

use std::path::Path;

use zeroize::Zeroizing;

use crate::curve::id::oids;
use crate::encoding::der::{self as d, tag};
use crate::encoding::pem;
use crate::error::{Error, Result};
use crate::keys::{Certificate, KeyAlgorithm};
use crate::sign::SigningKey;

/// GOST R 34.11-94 CryptoPro hash parameters (digestParamSet of 2001 keys).
const GOST94_CRYPTOPRO_PARAMS: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.643.2.2.30.1");

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
