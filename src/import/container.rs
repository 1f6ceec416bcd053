//! CryptoPro CSP file key containers: a folder (`xxxxxxxx.000`) holding
//! `header.key`, `masks.key`, `masks2.key`, `primary.key`, `primary2.key`
//! and `name.key`.
//!
//! ```no_run
//! use gostcms::import::Container;
//!
//! let container = Container::open("otvconba.000".as_ref())?;
//! let imported = container.decrypt(b"1xqoyc4e")?;
//! println!("{}", imported.to_pkcs8_pem().as_str());
//! # Ok::<(), gostcms::Error>(())
//! ```
//!
//! How the key comes out (`vectors/cryptopro/README.md` has the details):
//! 1. KEK = CPKDF(PIN, salt from `masks.key`) (`keys::cpkdf`):
//!    Streebog-256 for GOST 2012 keys, GOST R 34.11-94 for GOST 2001 keys.
//! 2. k = GOST 28147-89 ECB decryption of `primary.key` under KEK (S-box
//!    TC26 Z for 2012 keys, CryptoPro-A for 2001 keys), read little-endian.
//! 3. d = k * m^-1 mod q, m = the little-endian mask from `masks.key`;
//!    computed in the crate's constant-time scalar field (safegcd inversion).
//!
//! Checks, before and after: the header MAC (GOST 28147-89 MAC under a
//! zero key over the DER of the header content), the mask MAC (keyed by the
//! mask, over the salt), the PIN check value `hmacPassword` (MAC under
//! CPKDF(PIN, fingerprint) of 16 zero bytes), the public-key fingerprint
//! (the first 8 bytes of LE(X) of d*G) and the certificate embedded in
//! the header. `primary2.key` / `masks2.key` hold a reserve copy of the
//! same key under a different mask: it is used when the primary copy is
//! missing or damaged, and [`Container::decrypt_slot`] reads either.
//!
//! GOST R 34.10-2001 containers follow the same steps with the hash and
//! S-box above; no public sample of one exists, so that branch is tested
//! only through its parts (the GOST R 34.11-94 and CryptoPro-A KATs).

use std::path::Path;

use der::asn1::ObjectIdentifier as Oid;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::cpkdf::{CpKdfHash, cpkdf};
use super::options::ImportedKey;
use crate::cms::cipher::gost28147::{self, Gost28147, ParamSet};
use crate::curve::id::oids as curve_oids;
use crate::curve::{CurveId, KeySize};
use crate::encoding::der::{self as d, tag};
use crate::error::{Error, Result};
use crate::keys::Certificate;
use crate::keys::algorithm::{self, KeyAlgorithm};

/// Container files are small: a header with two certificates is a few KiB.
const MAX_FILE_LEN: u64 = 1 << 20;

/// The only container format version seen (CryptoPro CSP 3.6 to 5.0).
const CONTAINER_V1: Oid = Oid::new_unwrap("1.2.643.2.2.37.2.1");

/// Key algorithms in a container header and the generation they select.
const AGREEMENT_2012_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.6.1");
const AGREEMENT_2012_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.6.2");
const AGREEMENT_2001: Oid = Oid::new_unwrap("1.2.643.2.2.98");

/// GOST R 34.11-94 CryptoPro hash parameters (digestParamSet of 2001 keys).
const GOST94_CRYPTOPRO_PARAMS: Oid = Oid::new_unwrap("1.2.643.2.2.30.1");

/// Which copy of the key to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// `primary.key` with `masks.key`.
    Primary,
    /// `primary2.key` with `masks2.key` (the reserve copy).
    Reserve,
}

impl Slot {
    fn files(self) -> (&'static str, &'static str) {
        match self {
            Slot::Primary => ("primary.key", "masks.key"),
            Slot::Reserve => ("primary2.key", "masks2.key"),
        }
    }
}

/// GOST R 34.10-2012 or legacy 2001: selects the KDF hash and the S-box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Generation {
    Gost2012,
    Gost2001,
}

impl Generation {
    fn kdf_hash(self) -> CpKdfHash {
        match self {
            Generation::Gost2012 => CpKdfHash::Streebog256,
            Generation::Gost2001 => CpKdfHash::Gost94,
        }
    }

    fn sbox(self) -> ParamSet {
        match self {
            Generation::Gost2012 => ParamSet::Z,
            Generation::Gost2001 => ParamSet::CryptoProA,
        }
    }

    /// S-boxes accepted for the secret-free integrity MACs. For 2001
    /// containers (no public sample) both are tried: these MACs guard
    /// against damage, and the fingerprint check decides the key.
    fn integrity_sboxes(self) -> &'static [ParamSet] {
        match self {
            Generation::Gost2012 => &[ParamSet::Z],
            Generation::Gost2001 => &[ParamSet::CryptoProA, ParamSet::Z],
        }
    }
}

/// The parsed `header.key`.
struct Header {
    generation: Generation,
    algorithm: KeyAlgorithm,
    pin_set: bool,
    hmac_password: Option<[u8; 4]>,
    fingerprint: Option<Vec<u8>>,
    certificate: Option<Vec<u8>>,
    name: Option<String>,
}

/// One encrypted copy of the key and its mask.
struct SlotData {
    encrypted_key: Zeroizing<Vec<u8>>,
    mask: Zeroizing<Vec<u8>>,
    salt: Vec<u8>,
}

/// A CryptoPro file container, read but not yet decrypted.
pub struct Container {
    name: String,
    header: Header,
    primary: Result<SlotData>,
    reserve: Result<SlotData>,
}

impl core::fmt::Debug for Container {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Container")
            .field("name", &self.name)
            .field("curve", &self.header.algorithm.curve)
            .field("pin_set", &self.header.pin_set)
            .finish_non_exhaustive()
    }
}

fn read_file(dir: &Path, file: &str) -> Result<Zeroizing<Vec<u8>>> {
    super::options::read_bounded(&dir.join(file), "CryptoPro container", MAX_FILE_LEN)
}

/// The file names a container folder may hold, in the order
/// [`Container::from_files`] documents.
pub const FILE_NAMES: [&str; 6] = [
    "header.key",
    "name.key",
    "primary.key",
    "masks.key",
    "primary2.key",
    "masks2.key",
];

impl Container {
    /// Reads a container folder. Fails on a missing or malformed
    /// `header.key`, an unsupported container version or key algorithm, or
    /// when neither key copy can be read; a damaged header (MAC mismatch)
    /// is an [`Error::Integrity`].
    pub fn open(dir: &Path) -> Result<Container> {
        if !dir.is_dir() {
            return Err(Error::Io(format!(
                "{} is not a CryptoPro container folder",
                dir.display()
            )));
        }
        let folder = dir
            .file_name()
            .map(|n| n.to_string_lossy().trim_end_matches(".000").to_owned());
        Self::load(&|file| read_file(dir, file), folder)
    }

    /// A container from its files already in memory (a database column, an
    /// archive, a fuzzer): `(file name, contents)` pairs, names as in
    /// [`FILE_NAMES`]; files not listed are missing. Same checks and errors
    /// as [`Container::open`].
    pub fn from_files(files: &[(&str, &[u8])]) -> Result<Container> {
        let read = |file: &str| -> Result<Zeroizing<Vec<u8>>> {
            let (_, bytes) = files
                .iter()
                .find(|(name, _)| *name == file)
                .ok_or_else(|| Error::Io(format!("the container has no {file}")))?;
            if bytes.len() as u64 > MAX_FILE_LEN {
                return Err(Error::encoding(
                    "CryptoPro container",
                    format!("{file} is larger than {MAX_FILE_LEN} bytes"),
                ));
            }
            Ok(Zeroizing::new(bytes.to_vec()))
        };
        Self::load(&read, None)
    }

    /// The shared reader: `read` fetches one file by name.
    fn load(
        read: &dyn Fn(&str) -> Result<Zeroizing<Vec<u8>>>,
        folder: Option<String>,
    ) -> Result<Container> {
        let header_bytes = read(HEADER)?;
        let header = parse_header(&header_bytes)?;
        let name = read("name.key")
            .ok()
            .and_then(|b| parse_name(&b))
            .or_else(|| header.name.clone())
            .or(folder)
            .unwrap_or_else(|| "(unnamed)".into());
        let primary = read_slot(read, Slot::Primary, &header);
        let reserve = read_slot(read, Slot::Reserve, &header);
        if let (Err(e), Err(_)) = (&primary, &reserve) {
            return Err(e.clone());
        }
        Ok(Container {
            name,
            header,
            primary,
            reserve,
        })
    }

    /// The container's name (`name.key`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's parameter set.
    pub fn curve(&self) -> CurveId {
        self.header.algorithm.curve
    }

    /// True when the container is protected by a PIN.
    pub fn has_pin(&self) -> bool {
        self.header.pin_set
    }

    /// The certificate stored in the header, if any.
    pub fn certificate(&self) -> Option<Result<Certificate>> {
        self.header
            .certificate
            .as_deref()
            .map(Certificate::from_der)
    }

    /// Decrypts the key: the primary copy, or the reserve copy when the
    /// primary one is missing or damaged. A wrong PIN is an
    /// [`Error::WrongSecret`]. A container without a PIN ignores `pin`.
    pub fn decrypt(&self, pin: &[u8]) -> Result<ImportedKey> {
        match self.decrypt_slot(pin, Slot::Primary) {
            Ok(key) => Ok(key),
            Err(e @ Error::WrongSecret(_)) => Err(e),
            Err(primary_err) => match self.decrypt_slot(pin, Slot::Reserve) {
                Ok(key) => Ok(key),
                Err(e @ Error::WrongSecret(_)) => Err(e),
                Err(_) => Err(primary_err),
            },
        }
    }

    /// Decrypts one copy of the key.
    pub fn decrypt_slot(&self, pin: &[u8], slot: Slot) -> Result<ImportedKey> {
        let data = match slot {
            Slot::Primary => &self.primary,
            Slot::Reserve => &self.reserve,
        }
        .as_ref()
        .map_err(Clone::clone)?;
        let header = &self.header;
        let generation = header.generation;
        let pin: &[u8] = if header.pin_set { pin } else { b"" };
        if header.pin_set && pin.is_empty() {
            return Err(Error::WrongSecret(format!(
                "container {} is protected by a PIN and none was given",
                self.name
            )));
        }
        self.check_pin(pin)?;

        let kek = cpkdf(generation.kdf_hash(), pin, &data.salt)?;
        let mut masked = Zeroizing::new(data.encrypted_key.to_vec());
        Gost28147::new(generation.sbox(), kek.as_ref())?.ecb_decrypt(&mut masked)?;
        let key = crate::sign::scalar::masked_quotient(header.algorithm.curve, &masked, &data.mask)
            .map_err(|_| self.wrong_pin("the decrypted key is out of range"))?;

        let public = key.verifying_key().to_le_bytes();
        if let Some(fp) = &header.fingerprint {
            let ours = public.get(..fp.len()).unwrap_or(&[]);
            if !bool::from(ours.ct_eq(fp.as_slice())) {
                return Err(if header.hmac_password.is_some() && header.pin_set {
                    // The PIN passed its own check, so the key file is bad.
                    Error::Integrity(format!(
                        "container {}: {} does not decrypt to the key whose fingerprint \
                         header.key records (file damaged)",
                        self.name,
                        slot.files().0
                    ))
                } else {
                    self.wrong_pin("public key fingerprint mismatch")
                });
            }
        }
        let certificate = match self.certificate().transpose()? {
            Some(cert) => {
                if cert.verifying_key()? != *key.verifying_key() {
                    return Err(Error::KeyMismatch(format!(
                        "container {}: the key does not match the certificate in header.key",
                        self.name
                    )));
                }
                Some(cert)
            }
            None => None,
        };
        Ok(ImportedKey {
            key,
            algorithm: header.algorithm,
            certificates: certificate.iter().cloned().collect(),
            certificate,
            name: Some(self.name.clone()),
        })
    }

    fn wrong_pin(&self, why: &str) -> Error {
        Error::WrongSecret(format!("wrong PIN for container {} ({why})", self.name))
    }

    /// Check (d): hmacPassword = MAC(CPKDF(PIN, fingerprint), 16 zero bytes).
    fn check_pin(&self, pin: &[u8]) -> Result<()> {
        let header = &self.header;
        let (Some(expected), Some(fp), true) =
            (header.hmac_password, &header.fingerprint, header.pin_set)
        else {
            return Ok(());
        };
        let key = cpkdf(header.generation.kdf_hash(), pin, fp)?;
        let mut ok = false;
        for &set in header.generation.integrity_sboxes() {
            let mac = gost28147::mac4(set, key.as_ref(), &[0; 8], &[0; 16])?;
            ok |= bool::from(mac.ct_eq(&expected));
        }
        if ok {
            Ok(())
        } else {
            Err(self.wrong_pin("MAC check failed"))
        }
    }
}

/// `name.key`: SEQUENCE { IA5String name }.
fn parse_name(der: &[u8]) -> Option<String> {
    let seq = d::expect_only(der, tag::SEQUENCE, "name.key").ok()?;
    let (s, _) = d::read(seq.content, "name.key").ok()?;
    (s.tag == 0x16 || s.tag == 0x0C)
        .then(|| String::from_utf8_lossy(s.content).into_owned())
        .filter(|n| !n.is_empty())
}

/// Reads `masks*.key` and `primary*.key` of one slot and checks the mask MAC.
fn read_slot(
    read: &dyn Fn(&str) -> Result<Zeroizing<Vec<u8>>>,
    slot: Slot,
    header: &Header,
) -> Result<SlotData> {
    let (primary_file, masks_file) = slot.files();
    let n = header.algorithm.curve.key_size().coordinate_len();
    let masks = read(masks_file)?;
    let seq = d::expect_only(&masks, tag::SEQUENCE, "masks.key")?;
    let (mask, rest) = d::expect(seq.content, tag::OCTET_STRING, "masks.key mask")?;
    let (salt, rest) = d::expect(rest, tag::OCTET_STRING, "masks.key salt")?;
    let (mac, _) = d::expect(rest, tag::OCTET_STRING, "masks.key MAC")?;
    if mask.content.len() != n {
        return Err(Error::Length {
            what: "masks.key mask",
            expected: n,
            got: mask.content.len(),
        });
    }
    let mac: [u8; 4] = mac.content.try_into().map_err(|_| Error::Length {
        what: "masks.key MAC",
        expected: 4,
        got: mac.content.len(),
    })?;
    if salt.content.is_empty() || salt.content.len() > 64 {
        return Err(Error::encoding(
            "masks.key salt",
            format!("{} bytes (expected 12)", salt.content.len()),
        ));
    }
    // A 64-byte mask keys its MAC with its second half (li0ard/cpfx_ts).
    let mac_key = mask.content.get(mask.content.len() - 32..).unwrap_or(&[]);
    let mut ok = false;
    for &set in header.generation.integrity_sboxes() {
        let ours = gost28147::mac4(set, mac_key, &[0; 8], salt.content)?;
        ok |= bool::from(ours.ct_eq(&mac));
    }
    if !ok {
        return Err(Error::Integrity(format!(
            "{masks_file}: MAC check failed (file damaged)"
        )));
    }

    let primary = read(primary_file)?;
    let seq = d::expect_only(&primary, tag::SEQUENCE, "primary.key")?;
    let (key, _further) = d::expect(seq.content, tag::OCTET_STRING, "primary.key")?;
    if key.content.len() != n {
        return Err(Error::Length {
            what: "primary.key encrypted key",
            expected: n,
            got: key.content.len(),
        });
    }
    Ok(SlotData {
        encrypted_key: Zeroizing::new(key.content.to_vec()),
        mask: Zeroizing::new(mask.content.to_vec()),
        salt: salt.content.to_vec(),
    })
}

const HEADER: &str = "header.key";

/// Parses `header.key` and checks its MAC.
fn parse_header(der: &[u8]) -> Result<Header> {
    let outer = d::expect_only(der, tag::SEQUENCE, HEADER)?;
    let (content, rest) = d::expect(outer.content, tag::SEQUENCE, "header.key content")?;
    let mac = d::expect_only(rest, tag::OCTET_STRING, "header.key MAC")?;
    let mac: [u8; 4] = mac.content.try_into().map_err(|_| Error::Length {
        what: "header.key MAC",
        expected: 4,
        got: mac.content.len(),
    })?;

    let mut version = None;
    let mut name = None;
    let mut attributes = None;
    let mut key_params = None;
    let mut hmac_password = None;
    let mut certificate = None;
    let mut fingerprint = None;
    let mut rest = content.content;
    while !rest.is_empty() {
        let (field, next) = d::read(rest, HEADER)?;
        match field.tag {
            0xA0 => {
                let o = d::expect_only(field.content, tag::OID, "header.key version")?;
                version = Some(d::oid(o.content, "header.key version")?);
            }
            0x16 => name = Some(String::from_utf8_lossy(field.content).into_owned()),
            tag::BIT_STRING if attributes.is_none() => attributes = Some(field.content),
            tag::SEQUENCE if key_params.is_none() => key_params = Some(field.content),
            0x82 => {
                hmac_password = Some(field.content.try_into().map_err(|_| Error::Length {
                    what: "header.key hmacPassword [2]",
                    expected: 4,
                    got: field.content.len(),
                })?);
            }
            0x85 => certificate = Some(field.content.to_vec()),
            0x8A => {
                if field.content.is_empty() || field.content.len() > 64 {
                    return Err(Error::encoding(
                        "header.key primaryFP [10]",
                        format!("{} bytes (expected 8)", field.content.len()),
                    ));
                }
                fingerprint = Some(field.content.to_vec());
            }
            // Secondary key, names, links, policy, extensions: not needed.
            _ => {}
        }
        rest = next;
    }
    if let Some(v) = version
        && v != CONTAINER_V1
    {
        return Err(Error::Unsupported(format!(
            "CryptoPro container version {v} (only {CONTAINER_V1} is known)"
        )));
    }
    let attributes = attributes
        .ok_or_else(|| Error::encoding(HEADER, "missing the container attributes (BIT STRING)"))?;
    let key_params = key_params
        .ok_or_else(|| Error::encoding(HEADER, "missing the primary key parameters (SEQUENCE)"))?;
    let (generation, algorithm) = parse_key_params(key_params)?;

    // Check (c): MAC under a zero key over the content's DER.
    let mut ok = false;
    for &set in generation.integrity_sboxes() {
        let ours = gost28147::mac4(set, &[0; 32], &[0; 8], content.raw)?;
        ok |= bool::from(ours.ct_eq(&mac));
    }
    if !ok {
        return Err(Error::Integrity(
            "header.key: MAC check failed (file damaged)".into(),
        ));
    }
    // attributes: unused-bits octet, then bit 0 (softPassword) is the MSB.
    let pin_set = attributes.get(1).is_some_and(|b| b & 0x80 != 0);
    if attributes.get(1).is_some_and(|b| b & 0x20 != 0) {
        // primaryKeyAbsent: only a secondary key, which is not supported.
        return Err(Error::Unsupported(
            "CryptoPro container without a primary key (secondary key only)".into(),
        ));
    }
    Ok(Header {
        generation,
        algorithm,
        pin_set,
        hmac_password,
        fingerprint,
        certificate,
        name,
    })
}

/// SEQUENCE { BIT STRING key attributes, [0] IMPLICIT SEQUENCE { OID
/// keyAlgorithm, SEQUENCE { curve, digest [, cipher params] } } }.
fn parse_key_params(content: &[u8]) -> Result<(Generation, KeyAlgorithm)> {
    const WHAT: &str = "header.key key parameters";
    let mut rest = content;
    let mut alg = None;
    while !rest.is_empty() {
        let (field, next) = d::read(rest, WHAT)?;
        if field.tag == 0xA0 {
            alg = Some(field.content);
        }
        rest = next;
    }
    let alg = alg.ok_or_else(|| Error::encoding(WHAT, "missing the [0] key algorithm"))?;
    let (oid, params) = d::expect(alg, tag::OID, WHAT)?;
    let oid = d::oid(oid.content, WHAT)?;
    let (generation, size, signing_oid) = match oid {
        AGREEMENT_2012_256 | curve_oids::GOST3410_2012_256 => (
            Generation::Gost2012,
            KeySize::Bits256,
            curve_oids::GOST3410_2012_256,
        ),
        AGREEMENT_2012_512 | curve_oids::GOST3410_2012_512 => (
            Generation::Gost2012,
            KeySize::Bits512,
            curve_oids::GOST3410_2012_512,
        ),
        AGREEMENT_2001 | curve_oids::GOST3410_2001 => (
            Generation::Gost2001,
            KeySize::Bits256,
            curve_oids::GOST3410_2001,
        ),
        other => {
            return Err(Error::Unsupported(format!(
                "CryptoPro container key algorithm {other} (known: {AGREEMENT_2012_256}, \
                 {AGREEMENT_2012_512}, {AGREEMENT_2001})"
            )));
        }
    };
    // Reuse the AlgorithmIdentifier parser with the signing OID.
    let mut ident = d::oid_tlv(&signing_oid);
    ident.extend_from_slice(params);
    let mut parsed = algorithm::parse(&ident, WHAT)?;
    if parsed.curve.key_size() != size {
        return Err(Error::KeyMismatch(format!(
            "{WHAT}: {oid} with a {}-bit curve",
            8 * parsed.curve.key_size().coordinate_len()
        )));
    }
    if generation == Generation::Gost2001 && parsed.digest.is_none() {
        parsed.digest = Some(GOST94_CRYPTOPRO_PARAMS);
    }
    Ok((generation, parsed))
}

#[cfg(test)]
mod tests {
    //! The GOST 2001 branch has no public sample: this builds a container
    //! with the documented steps (GOST R 34.11-94 CPKDF, CryptoPro-A S-box)
    //! from this crate's own primitives and reads it back. It proves the
    //! plumbing (parsing, slot handling, checks), not interoperability.
    use super::*;
    use crate::sign::SigningKey;
    use std::fs;

    fn seq(parts: &[&[u8]]) -> Vec<u8> {
        d::tlv(tag::SEQUENCE, &parts.concat())
    }

    fn octets(v: &[u8]) -> Vec<u8> {
        d::tlv(tag::OCTET_STRING, v)
    }

    fn build_2001(dir: &Path, pin: &[u8], d_le: &[u8], m_le: &[u8]) {
        let curve = CurveId::CryptoProA;
        let set = ParamSet::CryptoProA;
        let key = SigningKey::from_scalar_le(curve, d_le).unwrap();
        let k = SigningKey::from_masked_le(curve, &[d_le, m_le])
            .unwrap()
            .to_scalar_le();
        let salt = [0x5Au8; 12];
        let kek = cpkdf(CpKdfHash::Gost94, pin, &salt).unwrap();
        let cipher = Gost28147::new(set, kek.as_ref()).unwrap();
        let mut primary = k.to_vec();
        for chunk in primary.chunks_exact_mut(8) {
            let mut b: [u8; 8] = chunk.try_into().unwrap();
            cipher.encrypt_block(&mut b);
            chunk.copy_from_slice(&b);
        }
        let masks_mac = gost28147::mac4(set, m_le, &[0; 8], &salt).unwrap();
        let fp = key.verifying_key().to_le_bytes()[..8].to_vec();
        let pin_key = cpkdf(CpKdfHash::Gost94, pin, &fp).unwrap();
        let hmac_password = gost28147::mac4(set, pin_key.as_ref(), &[0; 8], &[0; 16]).unwrap();

        let mut algo = d::oid_tlv(&AGREEMENT_2001);
        algo.extend(seq(&[
            &d::oid_tlv(&curve_oids::CRYPTOPRO_A),
            &d::oid_tlv(&GOST94_CRYPTOPRO_PARAMS),
        ]));
        let key_params = seq(&[&[0x03, 0x02, 0x02, 0xA4], &d::tlv(0xA0, &algo)]);
        let content = seq(&[
            &d::tlv(0xA0, &d::oid_tlv(&CONTAINER_V1)),
            &[0x03, 0x02, 0x05, 0xC0],
            &key_params,
            &d::tlv(0x82, &hmac_password),
            &d::tlv(0x8A, &fp),
        ]);
        let header_mac = gost28147::mac4(set, &[0; 32], &[0; 8], &content).unwrap();
        fs::create_dir_all(dir).unwrap();
        fs::write(
            dir.join("header.key"),
            seq(&[&content, &octets(&header_mac)]),
        )
        .unwrap();
        fs::write(
            dir.join("masks.key"),
            seq(&[&octets(m_le), &octets(&salt), &octets(&masks_mac)]),
        )
        .unwrap();
        fs::write(dir.join("primary.key"), seq(&[&octets(&primary)])).unwrap();
        fs::write(dir.join("name.key"), seq(&[&d::tlv(0x16, b"legacy01")])).unwrap();
    }

    #[test]
    fn gost2001_container_round_trip() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("legacy01.000");
        let d_le: Vec<u8> = (1u8..=32).collect();
        let m_le: Vec<u8> = (100u8..132).collect();
        build_2001(&dir, b"1234", &d_le, &m_le);
        let c = Container::open(&dir).unwrap();
        assert_eq!(c.name(), "legacy01");
        let key = c.decrypt(b"1234").unwrap();
        assert_eq!(key.key.to_scalar_le().as_slice(), d_le.as_slice());
        assert!(key.algorithm.is_2001());
        assert_eq!(key.algorithm.curve, CurveId::CryptoProA);
        match c.decrypt(b"1235") {
            Err(Error::WrongSecret(msg)) => {
                assert_eq!(msg, "wrong PIN for container legacy01 (MAC check failed)")
            }
            other => panic!("{other:?}"),
        }
        // Only the primary copy exists.
        assert!(c.decrypt_slot(b"1234", Slot::Reserve).is_err());
    }

    #[test]
    fn from_files_reads_what_open_reads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("vectors/cryptopro/ilimurzin-esia/otvconba.000");
        let owned: Vec<(&str, Vec<u8>)> = FILE_NAMES
            .iter()
            .filter_map(|&f| fs::read(dir.join(f)).ok().map(|b| (f, b)))
            .collect();
        let files: Vec<(&str, &[u8])> = owned.iter().map(|(f, b)| (*f, b.as_slice())).collect();
        let from_disk = Container::open(&dir).unwrap();
        let in_memory = Container::from_files(&files).unwrap();
        assert_eq!(in_memory.name(), from_disk.name());
        assert_eq!(in_memory.curve(), from_disk.curve());
        let a = from_disk.decrypt(b"1xqoyc4e").unwrap();
        let b = in_memory.decrypt(b"1xqoyc4e").unwrap();
        assert_eq!(
            a.key.to_scalar_le().as_slice(),
            b.key.to_scalar_le().as_slice()
        );

        // Without header.key: a typed error naming the file.
        let rest: Vec<(&str, &[u8])> = files[1..].to_vec();
        match Container::from_files(&rest) {
            Err(Error::Io(msg)) => assert_eq!(msg, "the container has no header.key"),
            other => panic!("{other:?}"),
        }
        // Without the primary copy the reserve one is used.
        let reserve_only: Vec<(&str, &[u8])> = files
            .iter()
            .filter(|(f, _)| *f != "primary.key")
            .copied()
            .collect();
        let c = Container::from_files(&reserve_only).unwrap();
        let k = c.decrypt(b"1xqoyc4e").unwrap();
        assert_eq!(
            k.key.to_scalar_le().as_slice(),
            a.key.to_scalar_le().as_slice()
        );
    }
}
