//! Verifying CMS SignedData (RFC 5652 section 5) signed with GOST keys.
//!
//! The input is normalised from BER to DER first; every SignerInfo is then
//! checked on its own and reported with a precise reason. Signed attributes
//! are hashed from the bytes received with the `[0]` tag turned into SET
//! (0x31), never re-encoded.

use std::io::Read;
use std::time::SystemTime;

use der::Decode;
use der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::{ber, input, oids};
use crate::curve::CurveId;
use crate::curve::id::oids as gost;
use crate::error::{Error, Result};
use crate::hash::{HashAlg, Hasher};
use crate::keys::Certificate;
use crate::keys::der::{self as tlv, Tlv, tag};
use crate::sign::Signature;

/// Most SignerInfos one SignedData may carry: each costs a certificate
/// search and a signature verification (documents in the wild have one to
/// three). More is refused before any verification.
pub const MAX_SIGNERS: usize = 64;

/// Most entries in one SignedData's certificates field: every signer is
/// matched against each, and chain building tries each as an issuer.
/// CryptoPro embeds the whole chain, rarely more than five.
pub const MAX_CERTIFICATES: usize = 64;

/// Why one signer did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignerError {
    /// No certificate in the SignedData (or supplied) matches the signer identifier.
    #[error("certificate not found: no certificate matches the signer identifier")]
    CertificateNotFound,
    /// A digest or signature algorithm this crate does not verify.
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// The messageDigest attribute does not equal the digest of the content.
    #[error("content digest mismatch: the content is not what was signed")]
    ContentDigestMismatch,
    /// The signature value does not verify under the certificate's key.
    #[error("signature mismatch: the signature does not verify under the certificate's key")]
    SignatureMismatch,
    /// Signed attributes without a messageDigest attribute.
    #[error("signed attributes lack the messageDigest attribute")]
    MissingMessageDigest,
    /// The contentType attribute is missing or differs from eContentType.
    #[error("contentType attribute {0}")]
    ContentType(String),
    /// A malformed SignerInfo or attribute.
    #[error("malformed SignerInfo: {0}")]
    Malformed(String),
    /// The certificate's key cannot check this signature.
    #[error("certificate key: {0}")]
    Key(String),
    /// No content to check: a detached signature given without its content.
    #[error("no content: the signature is detached, supply the signed content")]
    NoContent,
}

/// The outcome for one SignerInfo.
#[derive(Debug, Clone)]
pub struct SignerResult {
    /// The signer certificate's subject, when found.
    pub subject: Option<String>,
    /// The signer certificate's serial number (hex), when found.
    pub serial: Option<String>,
    /// The signer key's curve, when found.
    pub curve: Option<CurveId>,
    /// The signingTime attribute, when present.
    pub signing_time: Option<SystemTime>,
    /// The signer certificate, when found.
    pub certificate: Option<Certificate>,
    /// Valid, or why not.
    pub outcome: core::result::Result<(), SignerError>,
}

/// What a SignedData held and how each signer fared.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// eContentType (id-data for ordinary documents).
    pub content_type: ObjectIdentifier,
    /// The encapsulated content of an attached signature.
    pub attached_content: Option<Vec<u8>>,
    /// One entry per SignerInfo, in order.
    pub signers: Vec<SignerResult>,
    /// Every certificate embedded in the SignedData (signers' and
    /// intermediates'), for chain building.
    pub certificates: Vec<Certificate>,
}

impl VerifyReport {
    /// True when there is at least one signer and every signer verified.
    pub fn all_valid(&self) -> bool {
        !self.signers.is_empty() && self.signers.iter().all(|s| s.outcome.is_ok())
    }
}

/// Where the signed content comes from.
pub enum Content<'a> {
    /// Inside the SignedData (attached signature).
    Attached,
    /// Given as bytes (detached signature).
    Bytes(&'a [u8]),
    /// Streamed from a reader (detached; any size, constant memory).
    Reader(&'a mut dyn Read),
}

/// One parsed SignerInfo, borrowing the normalised DER.
struct ParsedSigner<'a> {
    sid: Tlv<'a>,
    digest_oid: ObjectIdentifier,
    signed_attrs: Option<Tlv<'a>>,
    signature_oid: ObjectIdentifier,
    signature: &'a [u8],
}

/// A parsed SignedData.
struct Parsed<'a> {
    content_type: ObjectIdentifier,
    econtent: Option<Vec<u8>>,
    certificates: Vec<Certificate>,
    signers: Vec<core::result::Result<ParsedSigner<'a>, SignerError>>,
}

fn digest_alg(oid: &ObjectIdentifier) -> core::result::Result<HashAlg, SignerError> {
    match *oid {
        o if o == gost::STREEBOG_256 => Ok(HashAlg::Streebog256),
        o if o == gost::STREEBOG_512 => Ok(HashAlg::Streebog512),
        o if o == gost::GOST3411_94 => Ok(HashAlg::Gost94),
        o if o == oids::SHA256 => Ok(HashAlg::Sha256),
        o if o == oids::SHA1 => Ok(HashAlg::Sha1),
        o => Err(SignerError::UnsupportedAlgorithm(format!(
            "digest algorithm {o} (only GOST R 34.11-2012 and GOST R 34.11-94 are verified)"
        ))),
    }
}

fn check_signature_oid(oid: &ObjectIdentifier) -> core::result::Result<(), SignerError> {
    let known = [
        gost::GOST3410_2012_256,
        gost::GOST3410_2012_512,
        gost::SIGN_WITH_DIGEST_256,
        gost::SIGN_WITH_DIGEST_512,
        gost::GOST3410_2001,
        gost::SIGN_WITH_DIGEST_2001,
    ];
    if known.contains(oid) {
        Ok(())
    } else {
        Err(SignerError::UnsupportedAlgorithm(format!(
            "signature algorithm {oid}"
        )))
    }
}

fn algorithm_oid(alg: &Tlv<'_>, what: &'static str) -> Result<ObjectIdentifier> {
    let (oid_tlv, _params) = tlv::expect(alg.content, tag::OID, what)?;
    tlv::oid(oid_tlv.content, what)
}

fn parse_signer(raw: Tlv<'_>) -> Result<ParsedSigner<'_>> {
    const W: &str = "SignerInfo";
    let (_version, rest) = tlv::expect(raw.content, tag::INTEGER, W)?;
    let (sid, rest) = tlv::read(rest, W)?;
    let (digest, rest) = tlv::expect(rest, tag::SEQUENCE, W)?;
    let (next, mut rest) = tlv::read(rest, W)?;
    let (signed_attrs, sig_alg) = if next.tag == 0xA0 {
        let (alg, r) = tlv::expect(rest, tag::SEQUENCE, W)?;
        rest = r;
        (Some(next), alg)
    } else if next.tag == tag::SEQUENCE {
        (None, next)
    } else {
        return Err(Error::encoding(
            W,
            format!(
                "unexpected {} after digestAlgorithm",
                tlv::tag_name(next.tag)
            ),
        ));
    };
    let (signature, _unsigned) = tlv::expect(rest, tag::OCTET_STRING, W)?;
    Ok(ParsedSigner {
        sid,
        digest_oid: algorithm_oid(&digest, "SignerInfo digestAlgorithm")?,
        signed_attrs,
        signature_oid: algorithm_oid(&sig_alg, "SignerInfo signatureAlgorithm")?,
        signature: signature.content,
    })
}

fn parse(der: &[u8]) -> Result<Parsed<'_>> {
    let ci = tlv::expect_only(der, tag::SEQUENCE, "ContentInfo")?;
    let (ct, rest) = tlv::expect(ci.content, tag::OID, "ContentInfo contentType")?;
    let content_type = tlv::oid(ct.content, "ContentInfo contentType")?;
    if content_type == oids::DIGESTED_DATA {
        return Err(Error::Unsupported(
            "this is CMS DigestedData (a bare digest, RFC 5652 section 7), not SignedData: it carries no signature"
                .into(),
        ));
    }
    if content_type != oids::SIGNED_DATA {
        return Err(Error::Unsupported(format!(
            "ContentInfo contentType {content_type} is not SignedData (1.2.840.113549.1.7.2)"
        )));
    }
    let explicit = tlv::expect_only(rest, 0xA0, "ContentInfo content")?;
    let sd = tlv::expect_only(explicit.content, tag::SEQUENCE, "SignedData")?;
    let (_version, rest) = tlv::expect(sd.content, tag::INTEGER, "SignedData version")?;
    let (_digest_algs, rest) = tlv::expect(rest, 0x31, "SignedData digestAlgorithms")?;
    let (encap, mut rest) = tlv::expect(rest, tag::SEQUENCE, "SignedData encapContentInfo")?;
    let (ect, after) = tlv::expect(encap.content, tag::OID, "eContentType")?;
    let content_type = tlv::oid(ect.content, "eContentType")?;
    let econtent = if after.is_empty() {
        None
    } else {
        let wrapper = tlv::expect_only(after, 0xA0, "eContent")?;
        let octets = tlv::expect_only(wrapper.content, tag::OCTET_STRING, "eContent")?;
        Some(octets.content.to_vec())
    };
    let mut certificates = Vec::new();
    let (mut next, mut after) = tlv::read(rest, "SignedData")?;
    if next.tag == 0xA0 {
        let mut certs = next.content;
        let mut count = 0;
        while !certs.is_empty() {
            count += 1;
            if count > MAX_CERTIFICATES {
                return Err(Error::encoding(
                    "SignedData certificates",
                    format!("more than {MAX_CERTIFICATES} certificates (a resource limit)"),
                ));
            }
            let (cert, more) = tlv::read(certs, "SignedData certificates")?;
            // Other certificate formats ([1], [2], [3]) are skipped.
            if cert.tag == tag::SEQUENCE {
                certificates.push(Certificate::from_der(cert.raw)?);
            }
            certs = more;
        }
        (next, after) = tlv::read(after, "SignedData")?;
    }
    if next.tag == 0xA1 {
        (next, after) = tlv::read(after, "SignedData")?;
    }
    rest = after;
    if next.tag != 0x31 {
        return Err(Error::encoding(
            "SignedData signerInfos",
            format!("expected SET (0x31), found {}", tlv::tag_name(next.tag)),
        ));
    }
    if !rest.is_empty() {
        return Err(Error::encoding(
            "SignedData",
            format!("{} trailing bytes", rest.len()),
        ));
    }
    let mut signers = Vec::new();
    let mut infos = next.content;
    while !infos.is_empty() {
        if signers.len() == MAX_SIGNERS {
            return Err(Error::encoding(
                "SignedData signerInfos",
                format!("more than {MAX_SIGNERS} SignerInfos (a resource limit)"),
            ));
        }
        let (info, more) = tlv::expect(infos, tag::SEQUENCE, "SignerInfo")?;
        signers.push(parse_signer(info).map_err(|e| SignerError::Malformed(e.to_string())));
        infos = more;
    }
    if signers.is_empty() {
        return Err(Error::encoding(
            "SignedData",
            "no SignerInfo: there is nothing to verify",
        ));
    }
    Ok(Parsed {
        content_type,
        econtent,
        certificates,
        signers,
    })
}

/// Whether a certificate matches a SignerIdentifier.
pub(crate) fn matches_sid(cert: &Certificate, sid: &Tlv<'_>) -> bool {
    let tbs = cert.inner().tbs_certificate();
    match sid.tag {
        tag::SEQUENCE => {
            let Ok((issuer, rest)) = tlv::expect(sid.content, tag::SEQUENCE, "issuer") else {
                return false;
            };
            let Ok(serial) = tlv::expect_only(rest, tag::INTEGER, "serial") else {
                return false;
            };
            let (Ok(name), Ok(number)) = (
                Name::from_der(issuer.raw),
                SerialNumber::from_der(serial.raw),
            ) else {
                return false;
            };
            *tbs.issuer() == name && *tbs.serial_number() == number
        }
        0x80 => matches!(
            tbs.get_extension::<SubjectKeyIdentifier>(),
            Ok(Some((_, ski))) if ski.0.as_bytes() == sid.content
        ),
        _ => false,
    }
}

/// Attribute values by type, from the signed attributes' content.
fn attribute<'a>(
    attrs: &'a [u8],
    wanted: &ObjectIdentifier,
) -> core::result::Result<Option<&'a [u8]>, SignerError> {
    let mut rest = attrs;
    let mut found = None;
    while !rest.is_empty() {
        let (attr, more) = tlv::expect(rest, tag::SEQUENCE, "Attribute")
            .map_err(|e| SignerError::Malformed(e.to_string()))?;
        let (oid, values) = tlv::expect(attr.content, tag::OID, "Attribute type")
            .map_err(|e| SignerError::Malformed(e.to_string()))?;
        let oid = tlv::oid(oid.content, "Attribute type")
            .map_err(|e| SignerError::Malformed(e.to_string()))?;
        if oid == *wanted {
            if found.is_some() {
                return Err(SignerError::Malformed(format!(
                    "attribute {oid} appears twice"
                )));
            }
            let set = tlv::expect_only(values, 0x31, "Attribute values")
                .map_err(|e| SignerError::Malformed(e.to_string()))?;
            found = Some(set.content);
        }
        rest = more;
    }
    Ok(found)
}

fn signing_time(attrs: &[u8]) -> Option<SystemTime> {
    let value = attribute(attrs, &oids::SIGNING_TIME).ok()??;
    x509_cert::time::Time::from_der(value)
        .ok()
        .map(|t| t.to_system_time())
}

fn verify_signer(
    signer: &ParsedSigner<'_>,
    certs: &[Certificate],
    content_type: &ObjectIdentifier,
    content_digest: &dyn Fn(HashAlg) -> Option<Vec<u8>>,
) -> SignerResult {
    let mut result = SignerResult {
        subject: None,
        serial: None,
        curve: None,
        signing_time: signer
            .signed_attrs
            .as_ref()
            .and_then(|a| signing_time(a.content)),
        certificate: None,
        outcome: Ok(()),
    };
    let cert = certs.iter().find(|c| matches_sid(c, &signer.sid));
    if let Some(cert) = cert {
        result.subject = Some(cert.subject());
        result.serial = Some(cert.serial_hex());
        result.certificate = Some(cert.clone());
    }
    result.outcome = (|| {
        let cert = cert.ok_or(SignerError::CertificateNotFound)?;
        let alg = digest_alg(&signer.digest_oid)?;
        let rsa_key = rsa_public_key(cert)?;
        let key = match &rsa_key {
            Some(_) => None,
            None => Some(
                cert.verifying_key()
                    .map_err(|e| SignerError::Key(e.to_string()))?,
            ),
        };
        if let Some(key) = &key {
            result.curve = Some(key.curve());
            check_signature_oid(&signer.signature_oid)?;
            let width = key.curve().key_size().coordinate_len();
            if alg.output_len() != width || matches!(alg, HashAlg::Sha256 | HashAlg::Sha1) {
                return Err(SignerError::Key(format!(
                    "digest {alg} does not fit a {}-bit GOST key",
                    8 * width
                )));
            }
        }
        let digest = content_digest(alg).ok_or(SignerError::NoContent)?;
        let signed_digest = match &signer.signed_attrs {
            None => digest,
            Some(attrs) => {
                let md = attribute(attrs.content, &oids::MESSAGE_DIGEST)?
                    .ok_or(SignerError::MissingMessageDigest)?;
                let md = tlv::expect_only(md, tag::OCTET_STRING, "messageDigest")
                    .map_err(|e| SignerError::Malformed(e.to_string()))?;
                if md.content != digest.as_slice() {
                    return Err(SignerError::ContentDigestMismatch);
                }
                let ct = attribute(attrs.content, &oids::CONTENT_TYPE)?.ok_or_else(|| {
                    SignerError::ContentType("is missing from the signed attributes".into())
                })?;
                let ct = tlv::expect_only(ct, tag::OID, "contentType")
                    .and_then(|t| tlv::oid(t.content, "contentType"))
                    .map_err(|e| SignerError::Malformed(e.to_string()))?;
                if ct != *content_type {
                    return Err(SignerError::ContentType(format!(
                        "{ct} differs from eContentType {content_type}"
                    )));
                }
                // The signature covers the attributes as a SET OF: re-tag the received bytes.
                let mut h = Hasher::new(alg);
                h.update(&[0x31]);
                h.update(&attrs.raw[1..]);
                h.finalize()
            }
        };
        if let Some(rsa_key) = rsa_key {
            return verify_rsa(
                &rsa_key,
                alg,
                &signer.signature_oid,
                &signed_digest,
                signer.signature,
            );
        }
        let key = key.ok_or_else(|| SignerError::Key("no key".into()))?;
        let sig = Signature::from_slice(signer.signature)
            .map_err(|e| SignerError::Malformed(e.to_string()))?;
        key.verify_prehash(&signed_digest, &sig)
            .map_err(|e| match e {
                Error::SignatureMismatch => SignerError::SignatureMismatch,
                other => SignerError::Key(other.to_string()),
            })
    })();
    result
}

/// The certificate's RSA key, when it has one (legacy verification only).
pub(crate) fn rsa_public_key(
    cert: &Certificate,
) -> core::result::Result<Option<rsa::PublicKey>, SignerError> {
    use der::Encode;
    let spki = cert.inner().tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid != oids::RSA_ENCRYPTION {
        return Ok(None);
    }
    let der = spki.to_der().map_err(|e| SignerError::Key(e.to_string()))?;
    let spki_ref = spki::SubjectPublicKeyInfoRef::from_der(&der)
        .map_err(|e| SignerError::Key(e.to_string()))?;
    rsa::PublicKey::try_from(spki_ref)
        .map(Some)
        .map_err(|e| SignerError::Key(format!("RSA public key: {e}")))
}

/// RSASSA-PKCS1-v1_5 with SHA-256 or SHA-1, for ESIA's older signatures.
fn verify_rsa(
    key: &rsa::PublicKey,
    alg: HashAlg,
    signature_oid: &ObjectIdentifier,
    digest: &[u8],
    signature: &[u8],
) -> core::result::Result<(), SignerError> {
    let allowed = [
        oids::RSA_ENCRYPTION,
        oids::SHA256_WITH_RSA,
        oids::SHA1_WITH_RSA,
    ];
    if !allowed.contains(signature_oid) {
        return Err(SignerError::UnsupportedAlgorithm(format!(
            "signature algorithm {signature_oid} with an RSA key"
        )));
    }
    let scheme = match alg {
        HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        HashAlg::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
        other => {
            return Err(SignerError::UnsupportedAlgorithm(format!(
                "digest {other} with an RSA key"
            )));
        }
    };
    key.verify(scheme, digest, signature)
        .map_err(|_| SignerError::SignatureMismatch)
}

/// Verifies a SignedData given in any accepted encoding (DER, BER, PEM,
/// base64, base64url, percent-encoded). Certificates in `extra_certs` are
/// searched after the embedded ones. Without trust anchors, the embedded
/// certificate's key is used as is: the certificate itself is not checked.
pub fn verify(
    signature: &[u8],
    content: Content<'_>,
    extra_certs: &[Certificate],
) -> Result<VerifyReport> {
    let raw = input::decode_signature_input(signature)?;
    let der = ber::normalize(&raw)?;
    let parsed = parse(&der)?;
    let mut certs = parsed.certificates.clone();
    certs.extend_from_slice(extra_certs);

    // Digest the content once per algorithm the signers use.
    let mut algs: Vec<HashAlg> = Vec::new();
    for alg in parsed
        .signers
        .iter()
        .filter_map(|s| s.as_ref().ok())
        .filter_map(|s| digest_alg(&s.digest_oid).ok())
    {
        if !algs.contains(&alg) {
            algs.push(alg);
        }
    }
    let attached = parsed.econtent.clone();
    let mut digests: Vec<(HashAlg, Vec<u8>)> = Vec::new();
    match content {
        Content::Attached => {
            if let Some(data) = &attached {
                digests = algs.iter().map(|&a| (a, a.digest(data))).collect();
            }
        }
        Content::Bytes(data) => digests = algs.iter().map(|&a| (a, a.digest(data))).collect(),
        Content::Reader(reader) => {
            let mut hashers: Vec<Hasher> = algs.iter().map(|&a| Hasher::new(a)).collect();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = reader.read(&mut buf).map_err(|e| {
                    Error::encoding("detached content", format!("read failed: {e}"))
                })?;
                if n == 0 {
                    break;
                }
                for h in &mut hashers {
                    h.update(&buf[..n]);
                }
            }
            digests = algs
                .iter()
                .copied()
                .zip(hashers.into_iter().map(Hasher::finalize))
                .collect();
        }
    }
    let lookup = |alg: HashAlg| {
        digests
            .iter()
            .find(|(a, _)| *a == alg)
            .map(|(_, d)| d.clone())
    };
    let signers = parsed
        .signers
        .iter()
        .map(|s| match s {
            Ok(signer) => verify_signer(signer, &certs, &parsed.content_type, &lookup),
            Err(e) => SignerResult {
                subject: None,
                serial: None,
                curve: None,
                signing_time: None,
                certificate: None,
                outcome: Err(e.clone()),
            },
        })
        .collect();
    Ok(VerifyReport {
        content_type: parsed.content_type,
        attached_content: attached,
        signers,
        certificates: parsed.certificates,
    })
}

/// Longest certificate chain followed from a signer to a trust anchor.
pub const MAX_CHAIN_LENGTH: usize = 8;

/// Checks that `cert` chains to one of `trusted` through `pool` (the
/// SignedData's certificates and any extra ones): each link's issuer name
/// matches the next certificate's subject and its GOST signature verifies;
/// every certificate is valid at `at`; the signer's keyUsage, if present,
/// allows digitalSignature or nonRepudiation; an intermediate (an issuer
/// that is not itself a trust anchor) has basicConstraints cA and, if it
/// has keyUsage, keyCertSign. Revocation (CRL, OCSP) is not checked.
pub fn check_chain(
    cert: &Certificate,
    pool: &[Certificate],
    trusted: &[Certificate],
    at: SystemTime,
) -> core::result::Result<(), String> {
    use x509_cert::ext::pkix::KeyUsage;
    if let Ok(Some((_, usage))) = cert.inner().tbs_certificate().get_extension::<KeyUsage>()
        && !(usage.digital_signature() || usage.non_repudiation())
    {
        return Err("certificate keyUsage does not allow signing".into());
    }
    let mut current = cert.clone();
    for _ in 0..MAX_CHAIN_LENGTH {
        if at < current.not_before() || at > current.not_after() {
            return Err(format!(
                "certificate {:?} is not valid at {}",
                current.subject(),
                der::DateTime::from_system_time(at)
                    .map_or_else(|_| "the checked time".to_string(), |d| d.to_string())
            ));
        }
        if trusted.iter().any(|t| t.der() == current.der()) {
            return Ok(());
        }
        let issuer_name = current.inner().tbs_certificate().issuer();
        let issuer = trusted
            .iter()
            .chain(pool.iter())
            .filter(|c| c.inner().tbs_certificate().subject() == issuer_name)
            .find(|c| {
                c.verifying_key()
                    .is_ok_and(|k| current.verify_signed_by(&k).is_ok())
            });
        match issuer {
            Some(next) if next.der() == current.der() => {
                return Err(format!(
                    "self-signed certificate {:?} is not trusted",
                    current.subject()
                ));
            }
            Some(next) => {
                // Anchors are trusted as configured; an intermediate must be a CA.
                if !trusted.iter().any(|t| t.der() == next.der()) {
                    use x509_cert::ext::pkix::BasicConstraints;
                    let is_ca = matches!(
                        next.inner().tbs_certificate().get_extension::<BasicConstraints>(),
                        Ok(Some((_, bc))) if bc.ca
                    );
                    if !is_ca {
                        return Err(format!(
                            "issuer {:?} is not a CA certificate (basicConstraints cA is not set)",
                            next.subject()
                        ));
                    }
                    if let Ok(Some((_, usage))) =
                        next.inner().tbs_certificate().get_extension::<KeyUsage>()
                        && !usage.key_cert_sign()
                    {
                        return Err(format!(
                            "issuer {:?} keyUsage does not allow keyCertSign",
                            next.subject()
                        ));
                    }
                }
                current = next.clone();
            }
            None => {
                return Err(format!(
                    "no trusted issuer found for {:?}",
                    current.subject()
                ));
            }
        }
    }
    Err(format!("certificate chain longer than {MAX_CHAIN_LENGTH}"))
}
