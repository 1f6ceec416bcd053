//! GOST R 34.10 AlgorithmIdentifier: key algorithm OID plus parameters
//! SEQUENCE { publicKeyParamSet, digestParamSet OPTIONAL, ... } or a bare
//! curve OID.

use der::asn1::ObjectIdentifier;

use crate::curve::id::oids;
use crate::curve::{CurveId, KeySize};
use crate::encoding::der::{self as d, tag};
use crate::error::{Error, Result};

/// GOST R 34.10-2012 key agreement, 256-bit (Bouncy Castle writes exchange
/// keys' PKCS#8 with it; CryptoPro containers too).
pub(crate) const AGREEMENT_2012_256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.643.7.1.1.6.1");
/// GOST R 34.10-2012 key agreement, 512-bit.
pub(crate) const AGREEMENT_2012_512: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.643.7.1.1.6.2");
/// GOST R 34.10-2001 key agreement (GostR3410-2001DH).
pub(crate) const AGREEMENT_2001: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.2.2.98");

/// A parsed GOST key AlgorithmIdentifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyAlgorithm {
    /// id-tc26-gost3410-12-256, -512, id-GostR3410-2001, or one of the
    /// key-agreement OIDs (1.2.643.7.1.1.6.1 / .6.2, 1.2.643.2.2.98): the
    /// same keys, usable for signing as well.
    pub algorithm: ObjectIdentifier,
    /// publicKeyParamSet.
    pub curve: CurveId,
    /// digestParamSet, if present.
    pub digest: Option<ObjectIdentifier>,
}

impl KeyAlgorithm {
    /// True for legacy GOST R 34.10-2001 keys.
    pub fn is_2001(&self) -> bool {
        self.algorithm == oids::GOST3410_2001 || self.algorithm == AGREEMENT_2001
    }
}

/// Parses the content of an AlgorithmIdentifier SEQUENCE.
pub(crate) fn parse(content: &[u8], what: &'static str) -> Result<KeyAlgorithm> {
    let (alg, rest) = d::expect(content, tag::OID, what)?;
    let algorithm = d::oid(alg.content, what)?;
    let size = if [
        oids::GOST3410_2012_256,
        AGREEMENT_2012_256,
        oids::GOST3410_2001,
        AGREEMENT_2001,
    ]
    .contains(&algorithm)
    {
        KeySize::Bits256
    } else if algorithm == oids::GOST3410_2012_512 || algorithm == AGREEMENT_2012_512 {
        KeySize::Bits512
    } else {
        return Err(Error::Unsupported(format!(
            "{what}: key algorithm {algorithm} is not GOST R 34.10 (expected {} / {}, key \
             agreement {AGREEMENT_2012_256} / {AGREEMENT_2012_512}, or legacy {} / \
             {AGREEMENT_2001})",
            oids::GOST3410_2012_256,
            oids::GOST3410_2012_512,
            oids::GOST3410_2001
        )));
    };
    if rest.is_empty() {
        return Err(Error::encoding(
            what,
            format!(
                "parameters of {algorithm} are missing: expected SEQUENCE {{ publicKeyParamSet OID, digestParamSet OID OPTIONAL }}"
            ),
        ));
    }
    let params = d::expect_only(rest, rest.first().copied().unwrap_or(0), what)?;
    let (curve_oid, digest) = match params.tag {
        tag::OID => (d::oid(params.content, what)?, None),
        tag::SEQUENCE => {
            let (c, more) = d::expect(params.content, tag::OID, "publicKeyParamSet")?;
            let curve_oid = d::oid(c.content, "publicKeyParamSet")?;
            let mut digest = None;
            let mut more = more;
            // digestParamSet, then (2001 keys) encryptionParamSet: OIDs.
            let mut index = 0;
            while !more.is_empty() {
                let (o, next) = d::expect(more, tag::OID, "GOST key parameters")?;
                let value = d::oid(o.content, "GOST key parameters")?;
                if index == 0 {
                    digest = Some(value);
                }
                index += 1;
                if index > 2 {
                    return Err(Error::encoding(
                        what,
                        "too many elements in GOST key parameters (at most 3 OIDs)",
                    ));
                }
                more = next;
            }
            (curve_oid, digest)
        }
        other => {
            return Err(Error::encoding(
                what,
                format!(
                    "parameters: expected SEQUENCE (0x30) or OBJECT IDENTIFIER (0x06), found {}",
                    d::tag_name(other)
                ),
            ));
        }
    };
    let curve =
        CurveId::from_oid(&curve_oid).ok_or_else(|| Error::UnknownCurve(curve_oid.to_string()))?;
    if curve.key_size() != size {
        return Err(Error::KeyMismatch(format!(
            "{what}: algorithm {algorithm} is for {}-bit keys but parameter set {curve_oid} ({}) is {}-bit",
            8 * size.coordinate_len(),
            curve.asn1_name(),
            8 * curve.key_size().coordinate_len()
        )));
    }
    Ok(KeyAlgorithm {
        algorithm,
        curve,
        digest,
    })
}

/// The key algorithm OID for a curve.
pub(crate) fn key_oid(curve: CurveId) -> ObjectIdentifier {
    match curve.key_size() {
        KeySize::Bits256 => oids::GOST3410_2012_256,
        KeySize::Bits512 => oids::GOST3410_2012_512,
    }
}

/// The digestParamSet written for a curve, as OpenSSL's gost engine writes
/// it: Streebog-256 for the 256-bit curves named under 1.2.643.2.2
/// (CryptoPro, Xch, Test), Streebog-512 for tc26-512-A/B (and the 512-bit
/// test curve); omitted for tc26-256-A..D and tc26-512-C, as RFC 9215 asks.
/// Bouncy Castle 1.72 cannot read a 512-bit key without it.
pub(crate) fn digest_param(curve: CurveId) -> Option<ObjectIdentifier> {
    match curve {
        CurveId::Tc26_512Test | CurveId::Tc26_512A | CurveId::Tc26_512B => Some(oids::STREEBOG_512),
        CurveId::Test256
        | CurveId::CryptoProA
        | CurveId::CryptoProB
        | CurveId::CryptoProC
        | CurveId::CryptoProXchA
        | CurveId::CryptoProXchB => Some(oids::STREEBOG_256),
        _ => None,
    }
}

/// Encodes the parameters SEQUENCE { curve OID [, digest OID] }.
pub(crate) fn encode_params(curve: CurveId) -> Vec<u8> {
    let mut params = d::oid_tlv(&curve.oid());
    if let Some(dg) = digest_param(curve) {
        params.extend_from_slice(&d::oid_tlv(&dg));
    }
    d::tlv(tag::SEQUENCE, &params)
}

/// Encodes the whole AlgorithmIdentifier SEQUENCE.
pub(crate) fn encode(curve: CurveId) -> Vec<u8> {
    let mut content = d::oid_tlv(&key_oid(curve));
    content.extend_from_slice(&encode_params(curve));
    d::tlv(tag::SEQUENCE, &content)
}

/// The AlgorithmIdentifier of a GOST R 34.10-2001 key: id-GostR3410-2001
/// with parameters SEQUENCE { curve OID, GOST R 34.11-94 CryptoPro }.
pub(crate) fn encode_2001(curve: CurveId) -> Vec<u8> {
    let mut params = d::oid_tlv(&curve.oid());
    params.extend_from_slice(&d::oid_tlv(&oids::GOST3411_94_CRYPTOPRO_PARAMS));
    let mut content = d::oid_tlv(&oids::GOST3410_2001);
    content.extend_from_slice(&d::tlv(tag::SEQUENCE, &params));
    d::tlv(tag::SEQUENCE, &content)
}
