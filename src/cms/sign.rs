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
use crate::error::{Error, Result};
use crate::hash::HashAlg;
use crate::keys::der::{oid_tlv, tag, tlv};
use crate::keys::{Certificate, signature_algorithm_oid};
use crate::sign::SigningKey;

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
        let hash = size.hash_alg();
        let digest_oid = match hash {
            HashAlg::Streebog512 => gost::STREEBOG_512,
            _ => gost::STREEBOG_256,
        };
        let key_oid = match hash {
            HashAlg::Streebog512 => gost::GOST3410_2012_512,
            _ => gost::GOST3410_2012_256,
        };
        let digest_alg = tlv(tag::SEQUENCE, &oid_tlv(&digest_oid));
        let sig_alg_key = tlv(tag::SEQUENCE, &oid_tlv(&key_oid));
        let sig_alg_swd = tlv(tag::SEQUENCE, &oid_tlv(&signature_algorithm_oid(size)));
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
        if digest.len() != self.hash.output_len() {
            return Err(Error::DigestLength {
                bits: 8 * self.hash.output_len(),
                got: digest.len(),
            });
        }
        let (sid, version) = match options.signer_id {
            SignerId::IssuerAndSerial => (self.sid_issuer_serial.as_slice(), 1u8),
            SignerId::SubjectKeyId => (
                self.sid_ski.as_deref().ok_or_else(|| {
                    Error::Unsupported(
                        "the certificate has no subjectKeyIdentifier extension".into(),
                    )
                })?,
                3u8,
            ),
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
        let signature = self.key.sign_prehash(&to_sign)?;
        let sig_alg = match options.signature_oid {
            SignatureOid::KeyAlgorithm => &self.sig_alg_key,
            SignatureOid::SignWithDigest => &self.sig_alg_swd,
        };
        let signer_info = tlv(
            tag::SEQUENCE,
            &[
                &[tag::INTEGER, 1, version][..],
                sid,
                &self.digest_alg,
                &signed_attrs,
                sig_alg,
                &tlv(tag::OCTET_STRING, signature.as_bytes()),
            ]
            .concat(),
        );
        let mut encap = oid_tlv(&oids::DATA);
        if let Some(content) = attached_content {
            encap.extend_from_slice(&tlv(0xA0, &tlv(tag::OCTET_STRING, content)));
        }
        let certs: &[u8] = if options.omit_certificate {
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
        Ok(tlv(tag::SEQUENCE, &content_info))
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
}
