//! PFX / PKCS#12 files with GOST keys: the TC26 profile (R 50.1.112-2016
//! and its 2020 revision), CryptoPro CSP exports (key bag PBE
//! 1.2.840.113549.1.12.1.80), the older GOST 2001 PBES2 exports (CryptoPro,
//! Bouncy Castle) and OpenSSL's.
//!
//! ```no_run
//! use gostcms::import::Pfx;
//!
//! let bytes = std::fs::read("key.pfx").unwrap();
//! let contents = Pfx::parse(&bytes)?.decrypt("пароль".as_bytes())?;
//! for key in &contents.keys {
//!     println!("{:?} {:?}", key.key.curve(), key.certificate.as_ref().map(|c| c.subject()));
//! }
//! # Ok::<(), gostcms::Error>(())
//! ```
//!
//! Integrity: the MacData HMAC is checked before anything is decrypted.
//! Its key comes from the PKCS#12 KDF (RFC 7292 B.2) over the MAC's hash,
//! or, for the GOST hashes, from the TC26 rule: the last 32 bytes of
//! PBKDF2-HMAC-hash(password, salt, iterations, 96). Both are tried, and a
//! mismatch under all of them is a wrong password.
//!
//! Public-key modes (the TC26 2020 revision) are read too:
//! * integrity: authSafe is a SignedData over the AuthenticatedSafe. Its
//!   signature is verified with the signer certificate it embeds, and that
//!   certificate is returned in [`PfxContents::signer`]; whether to trust
//!   it is the caller's decision (no chain is built here).
//! * privacy: contents in EnvelopedData addressed to the recipient's key
//!   by GOST key agreement ([`Pfx::decrypt_with_key`]; see
//!   `cms::envelope` for KEG / KExp15).

use der::asn1::ObjectIdentifier as Oid;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::encrypted_pkcs8::decrypt_parts;
use super::kdf::{self, PbeHash};
use super::options::{ImportOptions, ImportedKey};
use super::pbe::{self, bmp_password, small_uint};
use crate::encoding::der::{self as d, tag};
use crate::error::{Error, Result};
use crate::keys::Certificate;
use crate::keys::decode_private_key_der;
use crate::sign::SigningKey;

mod oids {
    use der::asn1::ObjectIdentifier as Oid;
    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    pub const ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.3");
    pub const ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
    pub const KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.1");
    pub const SHROUDED_KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.2");
    pub const CERT_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.3");
    pub const SAFE_CONTENTS_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.6");
    pub const X509_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.22.1");
    pub const FRIENDLY_NAME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.20");
}

/// Nested safeContentsBags deeper than this are refused.
const MAX_NESTING: usize = 4;
/// A PFX with more bags than this is refused (hostile input).
const MAX_BAGS: usize = 256;

/// A parsed, still encrypted PFX.
pub struct Pfx {
    der: Zeroizing<Vec<u8>>,
    /// Public-key integrity mode: the SignedData, verified once by `parse`.
    signed: Option<Signed>,
}

/// A verified SignedData authSafe.
struct Signed {
    /// The AuthenticatedSafe octets it signs.
    content: Vec<u8>,
    /// The certificate whose key signed them.
    signer: Certificate,
    /// Every certificate the SignedData carries.
    certificates: Vec<Certificate>,
}

impl core::fmt::Debug for Pfx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pfx")
            .field("len", &self.der.len())
            .finish_non_exhaustive()
    }
}

/// What a PFX holds.
#[derive(Debug)]
pub struct PfxContents {
    /// The private keys, each with its certificate when one in the file
    /// matches its public key.
    pub keys: Vec<ImportedKey>,
    /// Every certificate in the file.
    pub certificates: Vec<Certificate>,
    /// In public-key integrity mode: the certificate whose key signed the
    /// contents (the signature has been verified; the certificate itself
    /// has not). None for password integrity (MAC) or none at all.
    pub signer: Option<Certificate>,
}

impl PfxContents {
    /// The one key of the file (the first when there are several).
    pub fn into_key(self) -> Result<ImportedKey> {
        // Cloned, not moved out: a move would leave the key's bytes in the
        // Vec's buffer as it is freed; the originals are wiped in place as
        // they drop (the scalar and nonce state are zeroized on drop).
        self.keys.first().cloned().ok_or_else(|| {
            Error::encoding("PFX", "the file holds no private key (certificates only)")
        })
    }
}

/// The parts of PFX ::= SEQUENCE { version, authSafe, macData OPTIONAL }.
struct Parts<'a> {
    auth_safe: AuthSafe<'a>,
    mac: Option<MacData<'a>>,
}

/// What authSafe holds.
enum AuthSafe<'a> {
    /// id-data: the octets (what the MAC covers).
    Data(&'a [u8]),
    /// id-signedData, verified by `parse` (kept in `Pfx::signed`).
    Signed(&'a Signed),
    /// id-signedData, verified just now (only while `parse` runs).
    JustVerified(Box<Signed>),
}

impl AuthSafe<'_> {
    /// The AuthenticatedSafe octets.
    fn octets(&self) -> &[u8] {
        match self {
            AuthSafe::Data(data) => data,
            AuthSafe::Signed(signed) => &signed.content,
            AuthSafe::JustVerified(signed) => &signed.content,
        }
    }

    fn signed(&self) -> Option<&Signed> {
        match self {
            AuthSafe::Data(_) => None,
            AuthSafe::Signed(signed) => Some(signed),
            AuthSafe::JustVerified(signed) => Some(signed),
        }
    }
}

struct MacData<'a> {
    hash: PbeHash,
    digest: &'a [u8],
    salt: &'a [u8],
    iterations: u32,
}

impl Pfx {
    /// Parses a PFX (DER or BER; PEM or base64 armour is also accepted).
    /// Nothing is decrypted yet; a SignedData authSafe (public-key
    /// integrity mode) has its signature verified here.
    pub fn parse(bytes: &[u8]) -> Result<Pfx> {
        let decoded = crate::encoding::pem::decode_any(bytes)?;
        let der = crate::encoding::ber_to_der(&decoded.der)?;
        let mut pfx = Pfx { der, signed: None };
        // The signature (public-key integrity mode) is checked here, once.
        let verified = match pfx.parts()?.auth_safe {
            AuthSafe::JustVerified(signed) => Some(*signed),
            _ => None,
        };
        pfx.signed = verified;
        Ok(pfx)
    }

    /// True when `der` looks like a PFX: SEQUENCE { INTEGER 3, SEQUENCE {
    /// OID pkcs7-* ...
    pub(crate) fn sniff(der: &[u8]) -> bool {
        let Ok((outer, _)) = d::read(der, "PFX") else {
            return false;
        };
        let Ok((version, rest)) = d::expect(outer.content, tag::INTEGER, "PFX") else {
            return false;
        };
        let Ok((auth, _)) = d::expect(rest, tag::SEQUENCE, "PFX") else {
            return false;
        };
        version.content == [3]
            && d::expect(auth.content, tag::OID, "PFX").is_ok_and(|(o, _)| {
                o.content
                    .starts_with(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07])
            })
    }

    fn parts(&self) -> Result<Parts<'_>> {
        let outer = d::expect_only(&self.der, tag::SEQUENCE, "PFX")?;
        let (version, rest) = d::expect(outer.content, tag::INTEGER, "PFX version")?;
        if version.content != [3] {
            return Err(Error::Unsupported(format!(
                "PFX version 0x{} (only v3 is defined)",
                hex::encode(version.content)
            )));
        }
        let (auth, rest) = d::expect(rest, tag::SEQUENCE, "PFX authSafe")?;
        let (content_type, content) = content_info(auth.content, "PFX authSafe")?;
        let auth_safe = match content_type {
            oids::DATA => AuthSafe::Data(data_octets(content, "PFX authSafe content")?),
            oids::SIGNED_DATA => match &self.signed {
                Some(signed) => AuthSafe::Signed(signed),
                None => AuthSafe::JustVerified(Box::new(verify_signed_auth_safe(auth.raw)?)),
            },
            other => {
                return Err(Error::Unsupported(format!(
                    "PFX authSafe content type {other} (expected id-data or id-signedData)"
                )));
            }
        };
        let mac = if rest.is_empty() {
            None
        } else {
            Some(parse_mac_data(rest)?)
        };
        Ok(Parts { auth_safe, mac })
    }

    /// Checks the MAC or signature (when present) and decrypts every bag.
    pub fn decrypt(&self, password: &[u8]) -> Result<PfxContents> {
        self.open(password, None, &ImportOptions::default())
    }

    /// [`Pfx::decrypt`] with caller-chosen limits (the iteration cap).
    pub fn decrypt_with(&self, password: &[u8], opts: &ImportOptions) -> Result<PfxContents> {
        self.open(password, None, opts)
    }

    /// Like [`Pfx::decrypt`], for a PFX whose contents are (also) in
    /// EnvelopedData addressed to `recipient` (public-key privacy mode).
    /// `password` still opens any password-encrypted bags.
    pub fn decrypt_with_key(&self, recipient: &SigningKey, password: &[u8]) -> Result<PfxContents> {
        self.open(password, Some(recipient), &ImportOptions::default())
    }

    fn open(
        &self,
        password: &[u8],
        recipient: Option<&SigningKey>,
        opts: &ImportOptions,
    ) -> Result<PfxContents> {
        let parts = self.parts()?;
        if let Some(mac) = &parts.mac {
            kdf::check_limit(
                mac.iterations,
                opts.max_iterations,
                "PFX macData iterations",
            )?;
            verify_mac(mac, parts.auth_safe.octets(), password)?;
        }
        let signed = parts.auth_safe.signed();
        let signed_certs = signed.map_or(&[][..], |s| s.certificates.as_slice());
        let auth_safe = crate::encoding::ber_to_der(parts.auth_safe.octets())?;
        let seq = d::expect_only(&auth_safe, tag::SEQUENCE, "PFX AuthenticatedSafe")?;
        let mut collector = Collector {
            opts: *opts,
            ..Collector::default()
        };
        let mut rest = seq.content;
        while !rest.is_empty() {
            let (info, next) = d::expect(rest, tag::SEQUENCE, "PFX AuthenticatedSafe ContentInfo")?;
            let (content_type, content) = content_info(info.content, "PFX ContentInfo")?;
            match content_type {
                oids::DATA => {
                    let safe = data_octets(content, "PFX SafeContents")?;
                    collector.safe_contents(&crate::encoding::ber_to_der(safe)?, password, 0)?;
                }
                oids::ENCRYPTED_DATA => {
                    let safe = decrypt_encrypted_data(content, password, opts)?;
                    collector.safe_contents(&safe, password, 0)?;
                }
                oids::ENVELOPED_DATA => {
                    let Some(key) = recipient else {
                        return Err(Error::MissingParameter(
                            "the recipient's private key: this PFX's contents are \
                             encrypted to a public key (EnvelopedData), not with a password",
                        ));
                    };
                    let safe = crate::cms::envelope::open(content, key, signed_certs)?;
                    collector.safe_contents(&crate::encoding::ber_to_der(&safe)?, password, 0)?;
                }
                other => {
                    return Err(Error::Unsupported(format!("PFX ContentInfo type {other}")));
                }
            }
            rest = next;
        }
        let mut contents = collector.finish();
        contents.signer = signed.map(|s| s.signer.clone());
        Ok(contents)
    }
}

/// Public-key integrity mode: verifies the SignedData (the ContentInfo in
/// `der`).
fn verify_signed_auth_safe(der: &[u8]) -> Result<Signed> {
    let report = crate::cms::verify(der, crate::cms::Content::Attached, &[])?;
    if report.content_type != oids::DATA {
        return Err(Error::encoding(
            "PFX authSafe SignedData",
            format!("encapsulates {} (expected id-data)", report.content_type),
        ));
    }
    let Some(content) = report.attached_content else {
        return Err(Error::encoding(
            "PFX authSafe SignedData",
            "detached: the AuthenticatedSafe is not inside",
        ));
    };
    let mut signer = None;
    for s in &report.signers {
        if let Err(e) = &s.outcome {
            return Err(Error::Integrity(format!(
                "PFX signature check failed ({e}): the file was altered or signed by \
                 another key"
            )));
        }
        signer = signer.or_else(|| s.certificate.clone());
    }
    let signer = signer
        .ok_or_else(|| Error::Integrity("PFX in public-key integrity mode has no signer".into()))?;
    Ok(Signed {
        content,
        signer,
        certificates: report.certificates,
    })
}

/// ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY OPTIONAL }
fn content_info<'a>(content: &'a [u8], what: &'static str) -> Result<(Oid, &'a [u8])> {
    let (oid, rest) = d::expect(content, tag::OID, what)?;
    let oid = d::oid(oid.content, what)?;
    let body = if rest.is_empty() {
        &[][..]
    } else {
        d::expect_only(rest, 0xA0, what)?.content
    };
    Ok((oid, body))
}

/// The octets of an id-data content: an OCTET STRING.
fn data_octets<'a>(content: &'a [u8], what: &'static str) -> Result<&'a [u8]> {
    Ok(d::expect_only(content, tag::OCTET_STRING, what)?.content)
}

/// MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
fn parse_mac_data(der: &[u8]) -> Result<MacData<'_>> {
    const W: &str = "PFX macData";
    let seq = d::expect_only(der, tag::SEQUENCE, W)?;
    let (digest_info, rest) = d::expect(seq.content, tag::SEQUENCE, "PFX macData DigestInfo")?;
    let (salt, rest) = d::expect(rest, tag::OCTET_STRING, "PFX macData salt")?;
    let iterations = if rest.is_empty() {
        1
    } else {
        let it = d::expect_only(rest, tag::INTEGER, "PFX macData iterations")?;
        kdf::iterations(small_uint(it.content, W)?, "PFX macData iterations")?
    };
    let (alg, rest) = d::expect(digest_info.content, tag::SEQUENCE, "PFX macData algorithm")?;
    let digest = d::expect_only(rest, tag::OCTET_STRING, "PFX macData digest")?;
    let (oid, _) = crate::cms::cipher::split_algorithm(alg.content, "PFX macData algorithm")?;
    let hash = PbeHash::from_digest_oid(&oid)
        .ok_or_else(|| Error::Unsupported(format!("PFX MAC digest algorithm {oid}")))?;
    Ok(MacData {
        hash,
        digest: digest.content,
        salt: salt.content,
        iterations,
    })
}

/// Tries the MAC key derivations this hash is used with.
fn verify_mac(mac: &MacData<'_>, auth_safe: &[u8], password: &[u8]) -> Result<()> {
    let mut candidates: Vec<Zeroizing<Vec<u8>>> = Vec::new();
    let out_len = mac.hash.hmac(&[], &[]).len();
    if mac.hash.is_gost() {
        // TC26 (R 50.1.112-2016): the last 32 bytes of PBKDF2(..., 96).
        let mut buf = Zeroizing::new(vec![0u8; 96]);
        mac.hash
            .pbkdf2(password, mac.salt, mac.iterations, &mut buf);
        candidates.push(Zeroizing::new(buf[64..].to_vec()));
    }
    let bmp = bmp_password(password)?;
    let mut encodings: Vec<&[u8]> = vec![&bmp];
    if password.is_empty() {
        encodings.push(&[]);
    }
    for pw in encodings {
        let mut key = Zeroizing::new(vec![0u8; out_len]);
        mac.hash
            .pkcs12_kdf(pw, mac.salt, 3, mac.iterations, &mut key);
        candidates.push(key);
    }
    let mut ok = false;
    for key in &candidates {
        let ours = mac.hash.hmac(key, auth_safe);
        ok |= bool::from(ours.as_slice().ct_eq(mac.digest));
    }
    if ok {
        Ok(())
    } else {
        Err(Error::WrongSecret(
            "wrong password for PFX (MAC check failed)".into(),
        ))
    }
}

/// EncryptedData ::= SEQUENCE { version INTEGER, EncryptedContentInfo }
/// EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm,
///     encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }
fn decrypt_encrypted_data(
    content: &[u8],
    password: &[u8],
    opts: &ImportOptions,
) -> Result<Zeroizing<Vec<u8>>> {
    const W: &str = "PFX EncryptedData";
    let seq = d::expect_only(content, tag::SEQUENCE, W)?;
    let (_version, rest) = d::expect(seq.content, tag::INTEGER, W)?;
    let (info, _unprotected) = d::expect(rest, tag::SEQUENCE, "PFX EncryptedContentInfo")?;
    let (_ctype, rest) = d::expect(info.content, tag::OID, "PFX EncryptedContentInfo")?;
    let (alg, rest) = d::expect(rest, tag::SEQUENCE, "PFX contentEncryptionAlgorithm")?;
    let (enc, _) = d::read(rest, "PFX encryptedContent")?;
    let ciphertext: Zeroizing<Vec<u8>> = match enc.tag {
        0x80 => Zeroizing::new(enc.content.to_vec()),
        // Constructed [0]: OCTET STRING chunks (BER that the normaliser left tagged).
        0xA0 => {
            let mut joined = Zeroizing::new(Vec::new());
            let mut rest = enc.content;
            while !rest.is_empty() {
                let (chunk, next) = d::expect(rest, tag::OCTET_STRING, "PFX encryptedContent")?;
                joined.extend_from_slice(chunk.content);
                rest = next;
            }
            joined
        }
        other => {
            return Err(Error::encoding(
                "PFX encryptedContent",
                format!("expected [0] (0x80), found {}", d::tag_name(other)),
            ));
        }
    };
    let plain = pbe::decrypt(alg.content, password, &ciphertext, opts).map_err(|e| match e {
        Error::WrongSecret(why) => Error::WrongSecret(format!(
            "wrong password for the PFX's encrypted contents ({why})"
        )),
        other => other,
    })?;
    crate::encoding::ber_to_der(&plain).map_err(|_| {
        Error::WrongSecret(
            "wrong password for the PFX's encrypted contents (the decrypted data is not DER)"
                .into(),
        )
    })
}

#[derive(Default)]
struct Collector {
    keys: Vec<ImportedKey>,
    certificates: Vec<Certificate>,
    bags: usize,
    opts: ImportOptions,
}

impl Collector {
    /// SafeContents ::= SEQUENCE OF SafeBag
    /// SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OPTIONAL }
    fn safe_contents(&mut self, der: &[u8], password: &[u8], depth: usize) -> Result<()> {
        if depth > MAX_NESTING {
            return Err(Error::encoding("PFX SafeContents", "nested too deeply"));
        }
        let seq = d::expect_only(der, tag::SEQUENCE, "PFX SafeContents")?;
        let mut rest = seq.content;
        while !rest.is_empty() {
            self.bags += 1;
            if self.bags > MAX_BAGS {
                return Err(Error::encoding(
                    "PFX SafeContents",
                    format!("more than {MAX_BAGS} bags"),
                ));
            }
            let (bag, next) = d::expect(rest, tag::SEQUENCE, "PFX SafeBag")?;
            let (id, after) = d::expect(bag.content, tag::OID, "PFX SafeBag bagId")?;
            let id = d::oid(id.content, "PFX SafeBag bagId")?;
            let (value, attributes) = d::expect(after, 0xA0, "PFX SafeBag bagValue")?;
            let name = friendly_name(attributes);
            match id {
                oids::KEY_BAG => {
                    let plain = crate::encoding::ber_to_der(value.content)?;
                    let (key, algorithm) = decode_private_key_der(&plain)?;
                    self.push_key(ImportedKey::new(key, algorithm, name));
                }
                oids::SHROUDED_KEY_BAG => {
                    let epki =
                        d::expect_only(value.content, tag::SEQUENCE, "PFX shrouded key bag")?;
                    let (alg, data) =
                        d::expect(epki.content, tag::SEQUENCE, "PFX shrouded key bag")?;
                    let data = d::expect_only(data, tag::OCTET_STRING, "PFX shrouded key bag")?;
                    let (key, algorithm) = decrypt_parts(
                        alg.content,
                        data.content,
                        password,
                        "the PFX key bag",
                        &self.opts,
                    )?;
                    self.push_key(ImportedKey::new(key, algorithm, name));
                }
                oids::CERT_BAG => {
                    // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }
                    let cert_bag = d::expect_only(value.content, tag::SEQUENCE, "PFX CertBag")?;
                    let (cert_id, rest) = d::expect(cert_bag.content, tag::OID, "PFX CertBag")?;
                    if d::oid(cert_id.content, "PFX CertBag")? == oids::X509_CERTIFICATE {
                        let wrapped = d::expect_only(rest, 0xA0, "PFX CertBag certValue")?;
                        let octets =
                            d::expect_only(wrapped.content, tag::OCTET_STRING, "PFX CertBag")?;
                        let der = crate::encoding::ber_to_der(octets.content)?;
                        self.certificates.push(Certificate::from_der(&der)?);
                    }
                }
                oids::SAFE_CONTENTS_BAG => {
                    let nested = crate::encoding::ber_to_der(value.content)?;
                    self.safe_contents(&nested, password, depth + 1)?;
                }
                // CRL and secret bags carry nothing this crate uses.
                _ => {}
            }
            rest = next;
        }
        Ok(())
    }

    /// Adds a key without leaving copies behind: when the Vec is full the
    /// keys are cloned into a larger one and the old ones wiped as they drop
    /// (a reallocation would free the old buffer with the keys in it).
    fn push_key(&mut self, key: ImportedKey) {
        if self.keys.len() == self.keys.capacity() {
            let mut bigger = Vec::with_capacity((2 * self.keys.capacity()).max(4));
            bigger.extend(self.keys.iter().cloned());
            self.keys = bigger;
        }
        self.keys.push(key);
    }

    fn finish(self) -> PfxContents {
        let Collector {
            mut keys,
            certificates,
            ..
        } = self;
        for key in &mut keys {
            key.certificate = certificates
                .iter()
                .find(|c| {
                    c.verifying_key()
                        .is_ok_and(|k| &k == key.key.verifying_key())
                })
                .cloned();
            key.certificates = certificates.clone();
        }
        PfxContents {
            keys,
            certificates,
            signer: None,
        }
    }
}

/// The friendlyName attribute (BMPString), if any.
fn friendly_name(attributes: &[u8]) -> Option<String> {
    let (set, _) = d::expect(attributes, 0x31, "PFX bagAttributes").ok()?;
    let mut rest = set.content;
    while !rest.is_empty() {
        let (attr, next) = d::expect(rest, tag::SEQUENCE, "PFX attribute").ok()?;
        let (oid, values) = d::expect(attr.content, tag::OID, "PFX attribute").ok()?;
        if d::oid(oid.content, "PFX attribute").ok()? == oids::FRIENDLY_NAME {
            let (values, _) = d::expect(values, 0x31, "PFX attribute").ok()?;
            let (bmp, _) = d::expect(values.content, 0x1E, "PFX friendlyName").ok()?;
            let units: Vec<u16> = bmp
                .content
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            return Some(String::from_utf16_lossy(&units));
        }
        rest = next;
    }
    None
}
