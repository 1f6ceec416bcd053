//! Building CMS SignedData with a GOST key.
//!
//! A [`CmsSigner`] is made once per key and certificate: the signer
//! identifier, algorithm identifiers, certificate field and the CAdES
//! ESSCertIDv2 are encoded then, so each signature only hashes, signs and
//! concatenates (batch signing builds on this).

use std::time::SystemTime;

use der::Encode;

use super::oids;
use crate::curve::id::oids as gost;
use crate::encoding::der::{oid_tlv, tag, tlv};
use crate::error::{Error, Result};
use crate::hash::HashAlg;
use crate::keys::{Certificate, signature_algorithm_oid};
use crate::sign::{Signature, SigningKey};

/// Which signed attributes to include.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AttributeMode {
    /// None: the signature covers the content digest directly.
    None,
    /// contentType, signingTime, messageDigest.
    #[default]
    Standard,
    /// Standard plus CAdES-BES signingCertificateV2 (RFC 5035).
    Cades,
}

/// How the SignerInfo names its certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SignerId {
    /// IssuerAndSerialNumber (SignerInfo version 1).
    #[default]
    IssuerAndSerial,
    /// subjectKeyIdentifier (version 3); the certificate must carry one.
    SubjectKeyId,
}

/// Which OID goes into SignerInfo.signatureAlgorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SignatureOid {
    /// The key algorithm OID, no parameters (TC26 and CryptoPro practice).
    #[default]
    KeyAlgorithm,
    /// id-tc26-signwithdigest-gost3410-12-256/512 (Bouncy Castle's choice).
    SignWithDigest,
}

/// Options of one signature.
#[derive(Clone, Debug, Default)]
pub struct SignOptions {
    /// Put the content inside the SignedData.
    pub attached: bool,
    /// Signed attributes.
    pub attributes: AttributeMode,
    /// Signer identifier form.
    pub signer_id: SignerId,
    /// Leave the certificate out of the SignedData.
    pub omit_certificate: bool,
    /// signingTime; the current time when `None`.
    pub signing_time: Option<SystemTime>,
    /// signatureAlgorithm OID form.
    pub signature_oid: SignatureOid,
}

/// A key and its certificate, prepared for signing many messages.
pub struct CmsSigner {
    key: SigningKey,
    certificate: Certificate,
    hash: HashAlg,
    digest_alg: Vec<u8>,
    sig_alg_key: Vec<u8>,
    sig_alg_swd: Vec<u8>,
    sid_issuer_serial: Vec<u8>,
    sid_ski: Option<Vec<u8>>,
    certificates_field: Vec<u8>,
    cades_attribute: Vec<u8>,
    cert_streebog256: Vec<u8>,
}

fn der_err(what: &'static str) -> impl Fn(der::Error) -> Error {
    move |e| Error::encoding(what, e)
}

/// One Attribute: SEQUENCE { type, SET { value } }.
fn attribute(oid: &der::asn1::ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    let mut body = oid_tlv(oid);
    body.extend_from_slice(&tlv(0x31, value));
    tlv(tag::SEQUENCE, &body)
}

/// DER order of SET OF elements: by encoding, shorter ones padded with zeros.
fn der_set_order(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| {
            (
                a.get(i).copied().unwrap_or(0),
                b.get(i).copied().unwrap_or(0),
            )
        })
        .find(|(x, y)| x != y)
        .map_or(core::cmp::Ordering::Equal, |(x, y)| x.cmp(&y))
}

impl CmsSigner {
    /// Prepares a signer; the certificate must hold the key's public key.
    pub fn new(key: SigningKey, certificate: Certificate) -> Result<Self> {
        let cert_key = certificate.verifying_key()?;
        if &cert_key != key.verifying_key() {
            return Err(Error::KeyMismatch(
                "the certificate's public key is not the private key's".into(),
            ));
        }
        let size = key.curve().key_size();
        // A GOST R 34.10-2001 key signs GOST R 34.11-94 digests under the
        // 2001 OIDs (as OpenSSL and Bouncy Castle do); 2012 keys, Streebog.
        let hash = key.hash_alg();
        let (digest_oid, key_oid, swd_oid) = match hash {
            HashAlg::Gost94 => (
                gost::GOST3411_94,
                gost::GOST3410_2001,
                gost::SIGN_WITH_DIGEST_2001,
            ),
            HashAlg::Streebog512 => (
                gost::STREEBOG_512,
                gost::GOST3410_2012_512,
                signature_algorithm_oid(size),
            ),
            _ => (
                gost::STREEBOG_256,
                gost::GOST3410_2012_256,
                signature_algorithm_oid(size),
            ),
        };
        let digest_alg = tlv(tag::SEQUENCE, &oid_tlv(&digest_oid));
        let sig_alg_key = tlv(tag::SEQUENCE, &oid_tlv(&key_oid));
        let sig_alg_swd = tlv(tag::SEQUENCE, &oid_tlv(&swd_oid));
        let tbs = certificate.inner().tbs_certificate();
        let issuer = tbs
            .issuer()
            .to_der()
            .map_err(der_err("certificate issuer"))?;
        let serial = tbs
            .serial_number()
            .to_der()
            .map_err(der_err("certificate serial"))?;
        let sid_issuer_serial = tlv(tag::SEQUENCE, &[issuer.as_slice(), &serial].concat());
        let sid_ski = match tbs.get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>() {
            Ok(Some((_, ski))) => Some(tlv(0x80, ski.0.as_bytes())),
            _ => None,
        };
        let certificates_field = tlv(0xA0, certificate.der());
        // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
        // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm (Streebog-256, not the
        // SHA-256 default, so present), certHash, issuerSerial }
        // IssuerSerial ::= SEQUENCE { GeneralNames { [4] Name }, serial }
        let cert_hash = HashAlg::Streebog256.digest(certificate.der());
        let general_names = tlv(tag::SEQUENCE, &tlv(0xA4, &issuer));
        let issuer_serial = tlv(tag::SEQUENCE, &[general_names.as_slice(), &serial].concat());
        let ess = tlv(
            tag::SEQUENCE,
            &[
                tlv(tag::SEQUENCE, &oid_tlv(&gost::STREEBOG_256)).as_slice(),
                &tlv(tag::OCTET_STRING, &cert_hash),
                &issuer_serial,
            ]
            .concat(),
        );
        let signing_cert_v2 = tlv(tag::SEQUENCE, &tlv(tag::SEQUENCE, &ess));
        let cades_attribute = attribute(&oids::SIGNING_CERTIFICATE_V2, &signing_cert_v2);
        Ok(CmsSigner {
            key,
            certificate,
            hash,
            digest_alg,
            sig_alg_key,
            sig_alg_swd,
            sid_issuer_serial,
            sid_ski,
            certificates_field,
            cades_attribute,
            cert_streebog256: cert_hash,
        })
    }

    /// Also embeds these certificates (intermediate CAs) after the signer's.
    pub fn with_chain(mut self, chain: &[Certificate]) -> Self {
        let mut certs = self.certificate.der().to_vec();
        for c in chain {
            certs.extend_from_slice(c.der());
        }
        self.certificates_field = tlv(0xA0, &certs);
        self
    }

    /// The signer's certificate.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// Streebog-256 of the certificate's DER, computed once (CAdES
    /// ESSCertIDv2 and ESIA's client_certificate_hash both use it).
    pub fn certificate_streebog256(&self) -> &[u8] {
        &self.cert_streebog256
    }

    /// The signing key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// Signs `content`, returning a DER ContentInfo holding SignedData.
    pub fn sign(&self, content: &[u8], options: &SignOptions) -> Result<Vec<u8>> {
        let digest = self.hash.digest(content);
        let encap_content = options.attached.then_some(content);
        self.sign_digest(&digest, encap_content, options)
    }

    /// Signs content whose digest (Streebog of the key's size) the caller
    /// computed, e.g. over a stream. `attached_content` is embedded if given.
    pub fn sign_digest(
        &self,
        digest: &[u8],
        attached_content: Option<&[u8]>,
        options: &SignOptions,
    ) -> Result<Vec<u8>> {
        let pending = self.prepare_digest(digest, attached_content, options)?;
        let signature = self.key.sign_prehash(pending.digest_to_sign())?;
        self.finish(pending, &signature)
    }

    /// The first half of [`Self::sign_digest`]: everything but the
    /// signature. Sign [`PendingSignature::digest_to_sign`] with this
    /// signer's key (alone or in a batch with
    /// [`SigningKey::sign_prehash_batch`]) and give the signature to
    /// [`Self::finish`].
    pub fn prepare_digest(
        &self,
        digest: &[u8],
        attached_content: Option<&[u8]>,
        options: &SignOptions,
    ) -> Result<PendingSignature> {
        if digest.len() != self.hash.output_len() {
            return Err(Error::DigestLength {
                bits: 8 * self.hash.output_len(),
                got: digest.len(),
            });
        }
        let version = match options.signer_id {
            SignerId::IssuerAndSerial => 1u8,
            SignerId::SubjectKeyId => {
                if self.sid_ski.is_none() {
                    return Err(Error::Unsupported(
                        "the certificate has no subjectKeyIdentifier extension".into(),
                    ));
                }
                3u8
            }
        };
        let (signed_attrs, to_sign) = match options.attributes {
            AttributeMode::None => (Vec::new(), digest.to_vec()),
            mode => {
                let time = options.signing_time.unwrap_or_else(SystemTime::now);
                let time = x509_cert::time::Time::try_from(time)
                    .and_then(|t| t.to_der())
                    .map_err(der_err("signingTime"))?;
                let mut attrs = vec![
                    attribute(&oids::CONTENT_TYPE, &oid_tlv(&oids::DATA)),
                    attribute(&oids::SIGNING_TIME, &time),
                    attribute(&oids::MESSAGE_DIGEST, &tlv(tag::OCTET_STRING, digest)),
                ];
                if mode == AttributeMode::Cades {
                    attrs.push(self.cades_attribute.clone());
                }
                attrs.sort_by(|a, b| der_set_order(a, b));
                let set = tlv(0x31, &attrs.concat());
                let to_sign = self.hash.digest(&set);
                let mut implicit = set;
                implicit[0] = 0xA0;
                (implicit, to_sign)
            }
        };
        Ok(PendingSignature {
            version,
            signed_attrs,
            to_sign,
            attached_content: attached_content.map(<[u8]>::to_vec),
            signature_oid: options.signature_oid,
            omit_certificate: options.omit_certificate,
        })
    }

    /// The second half of [`Self::sign_digest`]: the DER ContentInfo with
    /// `signature`, which must be this signer's key's signature of
    /// [`PendingSignature::digest_to_sign`]. Only its size is checked here
    /// (a signature from another key of the same size makes a SignedData
    /// that does not verify).
    pub fn finish(&self, pending: PendingSignature, signature: &Signature) -> Result<Vec<u8>> {
        if signature.key_size() != self.key.curve().key_size() {
            return Err(Error::KeyMismatch(
                "the signature is not of this signer's key size".into(),
            ));
        }
        Ok(self.assemble(&pending, signature))
    }

    fn assemble(&self, pending: &PendingSignature, signature: &Signature) -> Vec<u8> {
        let version = pending.version;
        let sid = match (version, &self.sid_ski) {
            (3, Some(ski)) => ski.as_slice(),
            _ => self.sid_issuer_serial.as_slice(),
        };
        let sig_alg = match pending.signature_oid {
            SignatureOid::KeyAlgorithm => &self.sig_alg_key,
            SignatureOid::SignWithDigest => &self.sig_alg_swd,
        };
        let signer_info = tlv(
            tag::SEQUENCE,
            &[
                &[tag::INTEGER, 1, version][..],
                sid,
                &self.digest_alg,
                &pending.signed_attrs,
                sig_alg,
                &tlv(tag::OCTET_STRING, signature.as_bytes()),
            ]
            .concat(),
        );
        let mut encap = oid_tlv(&oids::DATA);
        if let Some(content) = &pending.attached_content {
            encap.extend_from_slice(&tlv(0xA0, &tlv(tag::OCTET_STRING, content)));
        }
        let certs: &[u8] = if pending.omit_certificate {
            &[]
        } else {
            &self.certificates_field
        };
        let signed_data = tlv(
            tag::SEQUENCE,
            &[
                &[tag::INTEGER, 1, if version == 3 { 3 } else { 1 }][..],
                &tlv(0x31, &self.digest_alg),
                &tlv(tag::SEQUENCE, &encap),
                certs,
                &tlv(0x31, &signer_info),
            ]
            .concat(),
        );
        let mut content_info = oid_tlv(&oids::SIGNED_DATA);
        content_info.extend_from_slice(&tlv(0xA0, &signed_data));
        tlv(tag::SEQUENCE, &content_info)
    }
}

/// A SignedData waiting for its signature: from [`CmsSigner::prepare_digest`],
/// for [`CmsSigner::finish`]. Lets many signatures be made together
/// (batch signing) while each SignedData stays exactly what
/// [`CmsSigner::sign_digest`] makes.
#[derive(Clone, Debug)]
pub struct PendingSignature {
    version: u8,
    signed_attrs: Vec<u8>,
    to_sign: Vec<u8>,
    attached_content: Option<Vec<u8>>,
    signature_oid: SignatureOid,
    omit_certificate: bool,
}

impl PendingSignature {
    /// The digest the key signs: of the signed attributes, or of the
    /// content when there are none.
    pub fn digest_to_sign(&self) -> &[u8] {
        &self.to_sign
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_order_is_der_order() {
        let mut v = vec![
            vec![0x30, 0x2f, 1],
            vec![0x30, 0x18, 9],
            vec![0x30, 0x1c],
            vec![0x30, 0x18],
        ];
        v.sort_by(|a, b| der_set_order(a, b));
        assert_eq!(
            v,
            vec![
                vec![0x30, 0x18],
                vec![0x30, 0x18, 9],
                vec![0x30, 0x1c],
                vec![0x30, 0x2f, 1]
            ]
        );
    }

    #[test]
    fn prepared_signatures_signed_in_a_batch_are_what_sign_digest_makes() {
        use crate::CurveId;
        use crate::cms::{Content, verify};
        let key = SigningKey::generate(CurveId::Tc26_256A).unwrap();
        let cert = crate::keys::self_signed(&key, "CN=batch", 1, Some(&[1])).unwrap();
        let signer = CmsSigner::new(key, cert).unwrap();
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
        let messages: [&[u8]; 3] = [b"one", b"two", b""];
        for attributes in [
            AttributeMode::None,
            AttributeMode::Standard,
            AttributeMode::Cades,
        ] {
            let options = SignOptions {
                attributes,
                signing_time: Some(time),
                attached: attributes == AttributeMode::Cades,
                ..SignOptions::default()
            };
            let pending: Vec<PendingSignature> = messages
                .iter()
                .map(|m| {
                    signer
                        .prepare_digest(
                            &signer.hash.digest(m),
                            options.attached.then_some(*m),
                            &options,
                        )
                        .unwrap()
                })
                .collect();
            let digests: Vec<&[u8]> = pending
                .iter()
                .map(PendingSignature::digest_to_sign)
                .collect();
            let signatures = signer.key().sign_prehash_batch(&digests).unwrap();
            for ((m, p), sig) in messages.iter().zip(pending.clone()).zip(&signatures) {
                let der = signer.finish(p, sig).unwrap();
                let content = if options.attached {
                    Content::Attached
                } else {
                    Content::Bytes(m)
                };
                let report = verify(&der, content, &[]).unwrap();
                assert_eq!(report.signers.len(), 1);
                assert!(report.signers[0].outcome.is_ok(), "{attributes:?}");
                // Byte for byte what sign_digest makes, but for the signature value.
                let whole = signer.sign(m, &options).unwrap();
                assert_eq!(whole.len(), der.len());
                let at = der.len() - 64;
                assert_eq!(whole[..at], der[..at], "{attributes:?}");
            }
            // A signature of the wrong size is refused.
            let other = SigningKey::generate(CurveId::Tc26_512A).unwrap();
            let big = other.sign_prehash(&[1u8; 64]).unwrap();
            assert!(signer.finish(pending[0].clone(), &big).is_err());
        }
    }
}
