//! X.509 certificates with GOST R 34.10 keys: parsing, signature checks and
//! self-signed certificate creation.

use core::str::FromStr;
use std::time::{Duration, SystemTime};

use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use spki::SubjectPublicKeyInfoRef;
use x509_cert::TbsCertificate;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::ext::pkix::{KeyUsage, KeyUsages, SubjectKeyIdentifier};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfo;
use x509_cert::time::Validity;

use super::spki::decode_public_key_der;
use crate::curve::KeySize;
use crate::curve::id::oids;
use crate::encoding::der::{self as d, tag};
use crate::encoding::pem;
use crate::error::{Error, Result};
use crate::hash::HashAlg;
use crate::sign::{Signature, SigningKey, VerifyingKey};

/// A parsed X.509 certificate that keeps the DER bytes it came from.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    parsed: x509_cert::Certificate,
}

impl Certificate {
    /// Parses PEM "CERTIFICATE", base64 without armour, or DER.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Self> {
        let der = pem::decode_expecting(bytes, pem::LABEL_CERTIFICATE)?;
        Self::from_der(&der)
    }

    /// Parses DER.
    pub fn from_der(der: &[u8]) -> Result<Self> {
        Self::parse(der).map_err(|e| d::with_hint(e, der, "an X.509 certificate or CRL"))
    }

    fn parse(der: &[u8]) -> Result<Self> {
        // Structural check first, for precise messages and the trailing-data rule.
        let outer = d::expect_only(der, tag::SEQUENCE, "Certificate")?;
        d::expect(outer.content, tag::SEQUENCE, "Certificate.tbsCertificate")?;
        let parsed =
            x509_cert::Certificate::from_der(der).map_err(|e| Error::encoding("Certificate", e))?;
        Ok(Certificate {
            der: der.to_vec(),
            parsed,
        })
    }

    /// The DER encoding, as received.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The PEM encoding.
    pub fn to_pem(&self) -> String {
        pem::encode(pem::LABEL_CERTIFICATE, &self.der).to_string()
    }

    /// The parsed `x509-cert` structure.
    pub fn inner(&self) -> &x509_cert::Certificate {
        &self.parsed
    }

    /// The tbsCertificate DER bytes exactly as received (what the issuer signed).
    pub fn tbs_der(&self) -> Result<&[u8]> {
        let outer = d::expect_only(&self.der, tag::SEQUENCE, "Certificate")?;
        let (tbs, _) = d::expect(outer.content, tag::SEQUENCE, "Certificate.tbsCertificate")?;
        Ok(tbs.raw)
    }

    /// The subject's GOST public key (2012 256/512-bit, or 2001 read as 256-bit).
    pub fn verifying_key(&self) -> Result<VerifyingKey> {
        let spki = self
            .parsed
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|e| Error::encoding("Certificate subjectPublicKeyInfo", e))?;
        decode_public_key_der(&spki).map(|(k, _)| k)
    }

    /// The subject name, RFC 4514 style.
    pub fn subject(&self) -> String {
        self.parsed.tbs_certificate().subject().to_string()
    }

    /// The issuer name, RFC 4514 style.
    pub fn issuer(&self) -> String {
        self.parsed.tbs_certificate().issuer().to_string()
    }

    /// The serial number as lowercase hex of its big-endian magnitude,
    /// without the DER sign octet ("ff8c7e...", as OpenSSL shows "FF:8C:7E...").
    pub fn serial_hex(&self) -> String {
        let bytes = self.parsed.tbs_certificate().serial_number().as_bytes();
        let skip = bytes
            .iter()
            .take_while(|&&b| b == 0)
            .count()
            .min(bytes.len().saturating_sub(1));
        hex::encode(bytes.get(skip..).unwrap_or(bytes))
    }

    /// Start of the validity period.
    pub fn not_before(&self) -> SystemTime {
        self.parsed
            .tbs_certificate()
            .validity()
            .not_before
            .to_system_time()
    }

    /// End of the validity period.
    pub fn not_after(&self) -> SystemTime {
        self.parsed
            .tbs_certificate()
            .validity()
            .not_after
            .to_system_time()
    }

    /// The outer signatureAlgorithm OID.
    pub fn signature_algorithm_oid(&self) -> ObjectIdentifier {
        self.parsed.signature_algorithm().oid
    }

    /// The signatureValue bytes (s || r for GOST).
    pub fn signature_bytes(&self) -> &[u8] {
        self.parsed.signature().raw_bytes()
    }

    /// Checks the certificate's signature under `issuer`'s key: the hash of
    /// the tbsCertificate bytes as received (Streebog of the key size, or
    /// GOST R 34.11-94 for id-GostR3411-94-with-GostR3410-2001), and
    /// signatureValue = s || r.
    pub fn verify_signed_by(&self, issuer: &VerifyingKey) -> Result<()> {
        let alg = self.signature_algorithm_oid();
        let inner_alg = self.parsed.tbs_certificate().signature().oid;
        if alg != inner_alg {
            return Err(Error::encoding(
                "Certificate",
                format!(
                    "signatureAlgorithm {alg} differs from tbsCertificate.signature {inner_alg}"
                ),
            ));
        }
        let size = issuer.curve().key_size();
        let (hash, expected_size) =
            if alg == oids::SIGN_WITH_DIGEST_256 || alg == oids::GOST3410_2012_256 {
                (HashAlg::Streebog256, KeySize::Bits256)
            } else if alg == oids::SIGN_WITH_DIGEST_512 || alg == oids::GOST3410_2012_512 {
                (HashAlg::Streebog512, KeySize::Bits512)
            } else if alg == oids::SIGN_WITH_DIGEST_2001 || alg == oids::GOST3410_2001 {
                (HashAlg::Gost94, KeySize::Bits256)
            } else {
                return Err(Error::Unsupported(format!(
                    "certificate signature algorithm {alg} is not a GOST R 34.10 algorithm"
                )));
            };
        if size != expected_size {
            return Err(Error::KeyMismatch(format!(
                "certificate signature algorithm {alg} needs a {}-bit issuer key, got a {}-bit key",
                8 * expected_size.coordinate_len(),
                8 * size.coordinate_len()
            )));
        }
        let bits = self.parsed.signature();
        if bits.unused_bits() != 0 {
            return Err(Error::encoding(
                "Certificate signatureValue",
                "BIT STRING has unused bits",
            ));
        }
        let sig = Signature::from_slice(bits.raw_bytes())?;
        if sig.key_size() != size {
            return Err(Error::Length {
                what: "certificate signatureValue",
                expected: size.signature_len(),
                got: bits.raw_bytes().len(),
            });
        }
        let digest = hash.digest(self.tbs_der()?);
        issuer.verify_prehash(&digest, &sig)
    }

    /// Checks a self-signed certificate: its signature under its own key.
    pub fn verify_self_signed(&self) -> Result<()> {
        self.verify_signed_by(&self.verifying_key()?)
    }
}

/// Subject = issuer, keyUsage digitalSignature + nonRepudiation, and a
/// subjectKeyIdentifier.
struct SelfSignedLeaf {
    subject: Name,
}

impl BuilderProfile for SelfSignedLeaf {
    fn get_issuer(&self, subject: &Name) -> Name {
        subject.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        // Key identifier: the first 20 bytes of Streebog-256 of the key bits
        // (RFC 5280 4.2.1.2 leaves the method open).
        let digest = HashAlg::Streebog256.digest(spk.subject_public_key.raw_bytes());
        let ski = SubjectKeyIdentifier(OctetString::new(
            digest.get(..20).unwrap_or(&digest).to_vec(),
        )?);
        let ku = KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation);
        let subject = tbs.subject();
        Ok(vec![
            ski.to_extension(subject, &[])?,
            ku.to_extension(subject, &[])?,
        ])
    }
}

/// Creates a self-signed certificate for `key`.
///
/// `subject` is an RFC 4514 string such as `"CN=Test,O=Org"`; validity runs
/// from now for `days` days; `serial` (big-endian, positive) defaults to 16
/// random bytes. Signature algorithm: id-tc26-signwithdigest-gost3410-12-256
/// or -512 without parameters.
pub fn self_signed(
    key: &SigningKey,
    subject: &str,
    days: u32,
    serial: Option<&[u8]>,
) -> Result<Certificate> {
    let name = Name::from_str(subject).map_err(|e| Error::encoding("certificate subject", e))?;
    let serial = match serial {
        Some(bytes) => {
            SerialNumber::new(bytes).map_err(|e| Error::encoding("certificate serial number", e))?
        }
        None => {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes).map_err(|e| Error::Rng(e.to_string()))?;
            bytes[0] = (bytes[0] & 0x7F) | 0x40;
            SerialNumber::new(&bytes)
                .map_err(|e| Error::encoding("certificate serial number", e))?
        }
    };
    let validity = Validity::from_now(Duration::from_secs(u64::from(days) * 86_400))
        .map_err(|e| Error::encoding("certificate validity", e))?;
    let spki_der = key.verifying_key().to_spki_der();
    let spki = SubjectPublicKeyInfo::from_der(&spki_der)
        .map_err(|e| Error::encoding("SubjectPublicKeyInfo", e))?;
    let builder = CertificateBuilder::new(SelfSignedLeaf { subject: name }, serial, validity, spki)
        .map_err(|e| Error::encoding("certificate builder", e))?;
    let cert = builder
        .build::<_, Signature>(key)
        .map_err(|e| Error::encoding("certificate builder", e))?;
    let der = cert
        .to_der()
        .map_err(|e| Error::encoding("Certificate", e))?;
    Certificate::from_der(&der)
}
