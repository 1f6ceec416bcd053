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

use super::{input, oids};
use crate::curve::CurveId;
use crate::curve::id::oids as gost;
use crate::encoding::ber;
use crate::encoding::der::{self as tlv, Tlv, tag};
use crate::error::{Error, Result};
use crate::hash::{HashAlg, Hasher};
use crate::keys::Certificate;
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
    /// Given as bytes (detached signature). When the SignedData embeds
    /// content as well, the two must be byte-identical, or [`verify`] fails:
    /// a report must never pair "valid" with content it did not check.
    Bytes(&'a [u8]),
    /// Streamed from a reader (detached; any size, constant memory). The
    /// same rule as [`Content::Bytes`] when content is also embedded.
    Reader(&'a mut dyn Read),
}

/// The error for supplied content that differs from the embedded content.
fn content_conflict(detail: &str) -> Error {
    Error::invalid(
        "content",
        format!(
            "the SignedData embeds its own content and the content supplied differs from it \
             ({detail}); verify the embedded content alone, or give the signature without it"
        ),
    )
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

/// The GOST key algorithm a certificate's key belongs to, from its
/// SubjectPublicKeyInfo OID: it fixes the only digest and signature
/// algorithm OIDs a SignerInfo may name for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyFamily {
    /// GOST R 34.10-2001: GOST R 34.11-94 digests.
    Gost2001,
    /// GOST R 34.10-2012, 256-bit: Streebog-256.
    Gost2012_256,
    /// GOST R 34.10-2012, 512-bit: Streebog-512.
    Gost2012_512,
}

impl KeyFamily {
    /// GOST R 34.10-2012 key agreement (exchange) keys, as some toolkits write them.
    const KEY_AGREEMENT_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.6.1");
    const KEY_AGREEMENT_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.6.2");

    fn of(cert: &Certificate) -> core::result::Result<Self, SignerError> {
        let oid = cert
            .inner()
            .tbs_certificate()
            .subject_public_key_info()
            .algorithm
            .oid;
        match oid {
            o if o == gost::GOST3410_2001 => Ok(Self::Gost2001),
            o if o == gost::GOST3410_2012_256 || o == Self::KEY_AGREEMENT_256 => {
                Ok(Self::Gost2012_256)
            }
            o if o == gost::GOST3410_2012_512 || o == Self::KEY_AGREEMENT_512 => {
                Ok(Self::Gost2012_512)
            }
            o => Err(SignerError::UnsupportedAlgorithm(format!(
                "public key algorithm {o}"
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Gost2001 => "GOST R 34.10-2001",
            Self::Gost2012_256 => "GOST R 34.10-2012 256-bit",
            Self::Gost2012_512 => "GOST R 34.10-2012 512-bit",
        }
    }

    /// The one digest this key family signs.
    fn digest(self) -> HashAlg {
        match self {
            Self::Gost2001 => HashAlg::Gost94,
            Self::Gost2012_256 => HashAlg::Streebog256,
            Self::Gost2012_512 => HashAlg::Streebog512,
        }
    }

    /// The signature algorithm OIDs (the bare key OID, or sign-with-digest)
    /// a SignerInfo may name for this key family.
    fn signature_oids(self) -> [ObjectIdentifier; 2] {
        match self {
            Self::Gost2001 => [gost::GOST3410_2001, gost::SIGN_WITH_DIGEST_2001],
            Self::Gost2012_256 => [gost::GOST3410_2012_256, gost::SIGN_WITH_DIGEST_256],
            Self::Gost2012_512 => [gost::GOST3410_2012_512, gost::SIGN_WITH_DIGEST_512],
        }
    }
}

/// Refuses a SignerInfo whose signature or digest algorithm is not the one
/// its key's algorithm defines: a 256-bit 2012 key named with a 512-bit or
/// 2001 OID is a confusion a strict verifier must not paper over.
fn check_gost_algorithms(
    family: KeyFamily,
    signature_oid: &ObjectIdentifier,
    digest: HashAlg,
) -> core::result::Result<(), SignerError> {
    if !family.signature_oids().contains(signature_oid) {
        return Err(SignerError::UnsupportedAlgorithm(format!(
            "signature algorithm {signature_oid} does not belong to a {} key",
            family.name()
        )));
    }
    if digest != family.digest() {
        return Err(SignerError::Key(format!(
            "digest {digest} does not belong to a {} key (it signs {})",
            family.name(),
            family.digest()
        )));
    }
    Ok(())
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

/// The signingTime attribute: absent, or exactly one attribute holding
/// exactly one Time (RFC 5652 section 11.3 forbids several). A malformed or
/// repeated one fails the signer instead of being dropped.
fn signing_time(attrs: &[u8]) -> core::result::Result<Option<SystemTime>, SignerError> {
    let Some(values) = attribute(attrs, &oids::SIGNING_TIME)? else {
        return Ok(None);
    };
    x509_cert::time::Time::from_der(values)
        .map(|t| Some(t.to_system_time()))
        .map_err(|e| {
            SignerError::Malformed(format!(
                "signingTime must hold exactly one UTCTime or GeneralizedTime: {e}"
            ))
        })
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
        signing_time: None,
        certificate: None,
        outcome: Ok(()),
    };
    let cert = certs.iter().find(|c| matches_sid(c, &signer.sid));
    if let Some(cert) = cert {
        result.subject = Some(cert.subject());
        result.serial = Some(cert.serial_hex());
        result.certificate = Some(cert.clone());
    }
    let signing_time = signer
        .signed_attrs
        .as_ref()
        .map_or(Ok(None), |a| signing_time(a.content));
    match signing_time {
        Ok(time) => result.signing_time = time,
        Err(e) => {
            result.outcome = Err(e);
            return result;
        }
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
            check_gost_algorithms(KeyFamily::of(cert)?, &signer.signature_oid, alg)?;
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

/// An RSA public key (legacy verification, the `legacy-rsa` feature).
#[cfg(feature = "legacy-rsa")]
pub(crate) type RsaKey = rsa::PublicKey;
/// Without `legacy-rsa` no RSA key is ever read: the type has no values.
#[cfg(not(feature = "legacy-rsa"))]
#[derive(Clone, Debug)]
pub(crate) enum RsaKey {}

/// The certificate's RSA key, when it has one (legacy verification only).
#[cfg(not(feature = "legacy-rsa"))]
pub(crate) fn rsa_public_key(
    cert: &Certificate,
) -> core::result::Result<Option<RsaKey>, SignerError> {
    let spki = cert.inner().tbs_certificate().subject_public_key_info();
    if spki.algorithm.oid != oids::RSA_ENCRYPTION {
        return Ok(None);
    }
    Err(SignerError::UnsupportedAlgorithm(
        "an RSA key (built without the legacy-rsa feature)".into(),
    ))
}

/// The certificate's RSA key, when it has one (legacy verification only).
#[cfg(feature = "legacy-rsa")]
pub(crate) fn rsa_public_key(
    cert: &Certificate,
) -> core::result::Result<Option<RsaKey>, SignerError> {
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

#[cfg(not(feature = "legacy-rsa"))]
fn verify_rsa(
    key: &RsaKey,
    _alg: HashAlg,
    _signature_oid: &ObjectIdentifier,
    _digest: &[u8],
    _signature: &[u8],
) -> core::result::Result<(), SignerError> {
    match *key {}
}

/// RSASSA-PKCS1-v1_5 with SHA-256 or SHA-1, for ESIA's older signatures.
#[cfg(feature = "legacy-rsa")]
fn verify_rsa(
    key: &RsaKey,
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
        Content::Bytes(data) => {
            if let Some(embedded) = &attached
                && embedded.as_slice() != data
            {
                return Err(content_conflict(&format!(
                    "{} bytes embedded, {} supplied",
                    embedded.len(),
                    data.len()
                )));
            }
            digests = algs.iter().map(|&a| (a, a.digest(data))).collect();
        }
        Content::Reader(reader) => {
            let mut hashers: Vec<Hasher> = algs.iter().map(|&a| Hasher::new(a)).collect();
            let mut buf = vec![0u8; 64 * 1024];
            // Bytes of the supplied content compared with the embedded content so far.
            let mut compared = 0usize;
            loop {
                let n = reader.read(&mut buf).map_err(|e| {
                    Error::encoding("detached content", format!("read failed: {e}"))
                })?;
                if n == 0 {
                    break;
                }
                if let Some(embedded) = &attached {
                    let end = compared.saturating_add(n);
                    if embedded.get(compared..end) != Some(&buf[..n]) {
                        return Err(content_conflict(&format!(
                            "they differ within the first {end} bytes"
                        )));
                    }
                    compared = end;
                }
                for h in &mut hashers {
                    h.update(&buf[..n]);
                }
            }
            if let Some(embedded) = &attached
                && compared != embedded.len()
            {
                return Err(content_conflict(&format!(
                    "{} bytes embedded, {compared} supplied",
                    embedded.len()
                )));
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

/// Most certificate signature verifications spent on the trust check of one
/// input, over all its signers together. Each candidate issuer that shares
/// the expected name costs one; real chains need one per link.
pub const MAX_CHAIN_VERIFICATIONS: usize = 64;

/// Checks signers' certificates against trust anchors, for one input.
///
/// Shared by every signer of one SignedData so that the work is bounded for
/// the input as a whole: at most [`MAX_CHAIN_VERIFICATIONS`] signature checks
/// in total, each (certificate, issuer) pair verified at most once, and a
/// certificate whose chain was already judged is answered from memory. A
/// hostile SignedData with many same-named decoy issuers, many identical
/// signers or issuers that certify each other therefore costs at most 64
/// verifications instead of growing with their product.
pub struct ChainVerifier<'a> {
    pool: &'a [Certificate],
    trusted: &'a [Certificate],
    at: SystemTime,
    verifications: usize,
    /// (child DER, issuer DER) pairs whose signature check was done, and its result.
    links: Vec<(Vec<u8>, Vec<u8>, bool)>,
    /// Leaf certificates already judged, and the outcome.
    judged: Vec<(Vec<u8>, core::result::Result<(), String>)>,
}

impl<'a> ChainVerifier<'a> {
    /// A checker for certificates chaining through `pool` (the SignedData's
    /// certificates and any extra ones) to one of `trusted`, every link valid
    /// at `at` (the time of verification, or a time the caller asked for;
    /// never the signer's own signingTime, which the signer writes).
    pub fn new(pool: &'a [Certificate], trusted: &'a [Certificate], at: SystemTime) -> Self {
        ChainVerifier {
            pool,
            trusted,
            at,
            verifications: 0,
            links: Vec::new(),
            judged: Vec::new(),
        }
    }

    /// The signature verifications spent so far.
    pub fn verifications(&self) -> usize {
        self.verifications
    }

    /// Checks that `cert` chains to a trust anchor: each link's issuer name
    /// matches the next certificate's subject and its signature verifies;
    /// every certificate is valid at the checked time; the signer's
    /// keyUsage, if present, allows digitalSignature or nonRepudiation; an
    /// intermediate (an issuer that is not itself a trust anchor) has
    /// basicConstraints cA and, if it has keyUsage, keyCertSign. Revocation
    /// (CRL, OCSP) is not checked.
    pub fn check(&mut self, cert: &Certificate) -> core::result::Result<(), String> {
        if let Some((_, outcome)) = self.judged.iter().find(|(der, _)| der == cert.der()) {
            return outcome.clone();
        }
        let outcome = self.walk(cert);
        self.judged.push((cert.der().to_vec(), outcome.clone()));
        outcome
    }

    fn walk(&mut self, cert: &Certificate) -> core::result::Result<(), String> {
        use x509_cert::ext::pkix::KeyUsage;
        if let Ok(Some((_, usage))) = cert.inner().tbs_certificate().get_extension::<KeyUsage>()
            && !(usage.digital_signature() || usage.non_repudiation())
        {
            return Err("certificate keyUsage does not allow signing".into());
        }
        let mut path: Vec<&[u8]> = vec![cert.der()];
        let mut current = cert.clone();
        for _ in 0..MAX_CHAIN_LENGTH {
            if self.at < current.not_before() || self.at > current.not_after() {
                return Err(format!(
                    "certificate {:?} is not valid at {}",
                    current.subject(),
                    der::DateTime::from_system_time(self.at)
                        .map_or_else(|_| "the checked time".to_string(), |d| d.to_string())
                ));
            }
            if self.trusted.iter().any(|t| t.der() == current.der()) {
                return Ok(());
            }
            let next = self.issuer_of(&current)?;
            if next.der() == current.der() {
                return Err(format!(
                    "self-signed certificate {:?} is not trusted",
                    current.subject()
                ));
            }
            if path.contains(&next.der()) {
                return Err(format!(
                    "certificate loop: {:?} appears twice in its own chain",
                    next.subject()
                ));
            }
            // Anchors are trusted as configured; an intermediate must be a CA.
            if !self.trusted.iter().any(|t| t.der() == next.der()) {
                check_intermediate(next)?;
            }
            path.push(next.der());
            current = next.clone();
        }
        Err(format!("certificate chain longer than {MAX_CHAIN_LENGTH}"))
    }

    /// The first candidate (anchors, then the pool) whose subject is
    /// `child`'s issuer, whose key identifier does not contradict the
    /// child's authority key identifier, and whose key verifies `child`.
    fn issuer_of(&mut self, child: &Certificate) -> core::result::Result<&'a Certificate, String> {
        let issuer_name = child.inner().tbs_certificate().issuer();
        let wanted_key_id = authority_key_id(child);
        let candidates = self.trusted.iter().chain(self.pool.iter());
        for candidate in candidates {
            if candidate.inner().tbs_certificate().subject() != issuer_name {
                continue;
            }
            if let (Some(wanted), Some(has)) = (&wanted_key_id, subject_key_id(candidate))
                && *wanted != has
            {
                continue;
            }
            if let Some((_, _, ok)) = self
                .links
                .iter()
                .find(|(c, i, _)| c == child.der() && i == candidate.der())
            {
                if *ok {
                    return Ok(candidate);
                }
                continue;
            }
            if self.verifications >= MAX_CHAIN_VERIFICATIONS {
                return Err(format!(
                    "gave up looking for the issuer of {:?}: this input already cost \
                     {MAX_CHAIN_VERIFICATIONS} certificate signature checks (a resource limit)",
                    child.subject()
                ));
            }
            self.verifications += 1;
            let ok = candidate
                .verifying_key()
                .is_ok_and(|k| child.verify_signed_by(&k).is_ok());
            self.links
                .push((child.der().to_vec(), candidate.der().to_vec(), ok));
            if ok {
                return Ok(candidate);
            }
        }
        Err(format!("no trusted issuer found for {:?}", child.subject()))
    }
}

/// An intermediate issuer must be a CA allowed to sign certificates.
fn check_intermediate(cert: &Certificate) -> core::result::Result<(), String> {
    use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};
    let tbs = cert.inner().tbs_certificate();
    let is_ca = matches!(
        tbs.get_extension::<BasicConstraints>(),
        Ok(Some((_, bc))) if bc.ca
    );
    if !is_ca {
        return Err(format!(
            "issuer {:?} is not a CA certificate (basicConstraints cA is not set)",
            cert.subject()
        ));
    }
    if let Ok(Some((_, usage))) = tbs.get_extension::<KeyUsage>()
        && !usage.key_cert_sign()
    {
        return Err(format!(
            "issuer {:?} keyUsage does not allow keyCertSign",
            cert.subject()
        ));
    }
    Ok(())
}

/// The keyIdentifier of a certificate's authorityKeyIdentifier, if any.
fn authority_key_id(cert: &Certificate) -> Option<Vec<u8>> {
    use x509_cert::ext::pkix::AuthorityKeyIdentifier;
    match cert
        .inner()
        .tbs_certificate()
        .get_extension::<AuthorityKeyIdentifier>()
    {
        Ok(Some((_, aki))) => aki.key_identifier.map(|k| k.as_bytes().to_vec()),
        _ => None,
    }
}

/// A certificate's subjectKeyIdentifier, if any.
fn subject_key_id(cert: &Certificate) -> Option<Vec<u8>> {
    match cert
        .inner()
        .tbs_certificate()
        .get_extension::<SubjectKeyIdentifier>()
    {
        Ok(Some((_, ski))) => Some(ski.0.as_bytes().to_vec()),
        _ => None,
    }
}

/// Checks one certificate's chain with a fresh [`ChainVerifier`] (see
/// [`ChainVerifier::check`]). To check the signers of one SignedData, share
/// one `ChainVerifier` between them so the work is bounded for the input.
pub fn check_chain(
    cert: &Certificate,
    pool: &[Certificate],
    trusted: &[Certificate],
    at: SystemTime,
) -> core::result::Result<(), String> {
    ChainVerifier::new(pool, trusted, at).check(cert)
}
