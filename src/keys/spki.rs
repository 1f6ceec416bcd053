//! SubjectPublicKeyInfo for GOST R 34.10 keys: the BIT STRING wraps an
//! OCTET STRING of LE(X) || LE(Y).

use der::{Decode, Document};
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SignatureBitStringEncoding,
};

use super::algorithm::{self, KeyAlgorithm};
use crate::curve::KeySize;
use crate::curve::id::oids;
use crate::encoding::der::{self as d, tag};
use crate::encoding::pem;
use crate::error::Result;
use crate::sign::{Signature, SigningKey, VerifyingKey};

/// Parses a SubjectPublicKeyInfo (PEM "PUBLIC KEY", base64 or DER).
pub fn decode_public_key(bytes: &[u8]) -> Result<VerifyingKey> {
    let der = pem::decode_expecting(bytes, pem::LABEL_PUBLIC_KEY)?;
    decode_public_key_der(&der).map(|(k, _)| k)
}

/// Parses SubjectPublicKeyInfo DER; returns the key and its algorithm.
pub fn decode_public_key_der(der: &[u8]) -> Result<(VerifyingKey, KeyAlgorithm)> {
    parse_spki(der).map_err(|e| d::with_hint(e, der, "a SubjectPublicKeyInfo (public key)"))
}

fn parse_spki(der: &[u8]) -> Result<(VerifyingKey, KeyAlgorithm)> {
    let outer = d::expect_only(der, tag::SEQUENCE, "SubjectPublicKeyInfo")?;
    let (alg, rest) = d::expect(
        outer.content,
        tag::SEQUENCE,
        "SubjectPublicKeyInfo.algorithm",
    )?;
    let alg = algorithm::parse(alg.content, "SubjectPublicKeyInfo.algorithm")?;
    let bits = d::expect_only(
        rest,
        tag::BIT_STRING,
        "SubjectPublicKeyInfo.subjectPublicKey",
    )?;
    let inner = d::bit_string_bytes(bits.content, "SubjectPublicKeyInfo.subjectPublicKey")?;
    let mut key = public_key_from_wrapped(alg, inner, "SubjectPublicKeyInfo.subjectPublicKey")?;
    if alg.is_2001() {
        key = key.into_gost2001()?;
    }
    Ok((key, alg))
}

/// The public key from the BIT STRING contents: an OCTET STRING of
/// LE(X) || LE(Y) (raw 2n bytes are also accepted).
pub(crate) fn public_key_from_wrapped(
    alg: KeyAlgorithm,
    inner: &[u8],
    what: &'static str,
) -> Result<VerifyingKey> {
    let n2 = alg.curve.key_size().coordinate_len() * 2;
    let point = if inner.len() == n2 {
        inner
    } else {
        d::expect_only(inner, tag::OCTET_STRING, what)?.content
    };
    VerifyingKey::from_le_bytes(alg.curve, point)
}

impl VerifyingKey {
    /// SubjectPublicKeyInfo DER: algorithm id-tc26-gost3410-12-256/512 with
    /// parameters SEQUENCE { curve OID [, Streebog-256 for CryptoPro curves] }.
    pub fn to_spki_der(&self) -> Vec<u8> {
        let point = d::tlv(tag::OCTET_STRING, &self.to_le_bytes());
        let mut bits = Vec::with_capacity(point.len() + 1);
        bits.push(0);
        bits.extend_from_slice(&point);
        let mut content = if self.is_gost2001() {
            algorithm::encode_2001(self.curve())
        } else {
            algorithm::encode(self.curve())
        };
        content.extend_from_slice(&d::tlv(tag::BIT_STRING, &bits));
        d::tlv(tag::SEQUENCE, &content)
    }

    /// SubjectPublicKeyInfo as PEM "PUBLIC KEY".
    pub fn to_spki_pem(&self) -> String {
        pem::encode(pem::LABEL_PUBLIC_KEY, &self.to_spki_der()).to_string()
    }
}

impl EncodePublicKey for VerifyingKey {
    fn to_public_key_der(&self) -> spki::Result<Document> {
        Ok(Document::from_der(&self.to_spki_der())?)
    }
}

/// The signature algorithm OID for a key size:
/// id-tc26-signwithdigest-gost3410-12-256 / -512.
pub fn signature_algorithm_oid(size: KeySize) -> der::asn1::ObjectIdentifier {
    match size {
        KeySize::Bits256 => oids::SIGN_WITH_DIGEST_256,
        KeySize::Bits512 => oids::SIGN_WITH_DIGEST_512,
    }
}

impl DynSignatureAlgorithmIdentifier for SigningKey {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(AlgorithmIdentifierOwned {
            oid: if self.is_gost2001() {
                oids::SIGN_WITH_DIGEST_2001
            } else {
                signature_algorithm_oid(self.curve().key_size())
            },
            parameters: None,
        })
    }
}

impl SignatureBitStringEncoding for Signature {
    fn to_bitstring(&self) -> der::Result<der::asn1::BitString> {
        der::asn1::BitString::from_bytes(self.as_bytes())
    }
}

/// `spki::DecodePublicKey` (the `TryFrom` route RustCrypto keys take).
impl TryFrom<spki::SubjectPublicKeyInfoRef<'_>> for VerifyingKey {
    type Error = spki::Error;

    fn try_from(info: spki::SubjectPublicKeyInfoRef<'_>) -> spki::Result<Self> {
        use der::Encode;
        let der = info.to_der()?;
        decode_public_key_der(&der)
            .map(|(key, _)| key)
            .map_err(|e| match e {
                crate::Error::Unsupported(_) | crate::Error::UnknownCurve(_) => {
                    spki::Error::OidUnknown {
                        oid: info.algorithm.oid,
                    }
                }
                _ => spki::Error::KeyMalformed,
            })
    }
}
