//! PKCS#8 PrivateKeyInfo / OneAsymmetricKey for GOST R 34.10 keys.
//!
//! privateKey is read in the four forms seen in the wild:
//! 1. raw LE(d), exactly as wide as q (TC26, OpenSSL's gost engine);
//! 2. an OCTET STRING wrapping LE(d) (Bouncy Castle; also accepted shorter
//!    than q, or with a trailing zero sign octet, as older versions wrote it);
//! 3. an INTEGER d (big-endian);
//! 4. masked: k || m1 || ... (each LE, as wide as q), raw or as a SEQUENCE
//!    of OCTET STRINGs, with d = k * m1 * ... mod q (CryptoPro).
//!
//! Form 1 is written.
//!
//! A scalar d >= q is reduced mod q (constant time), as OpenSSL's gost engine
//! does: the RFC 4491bis / RFC 9215 tc26-256-A example uses the Appendix A
//! key, which exceeds that curve's q. d = 0 mod q is rejected.

use zeroize::Zeroizing;

use super::algorithm::{self, KeyAlgorithm};
use super::spki::public_key_from_wrapped;
use crate::curve::CurveId;
use crate::encoding::der::{self as d, tag};
use crate::encoding::pem;
use crate::error::{Error, Result};
use crate::sign::SigningKey;

const PK: &str = "PKCS#8 privateKey";
const ENCRYPTED: &str = "an encrypted PKCS#8 EncryptedPrivateKeyInfo";

/// Parses a PKCS#8 private key: PEM "PRIVATE KEY", base64, or DER.
///
/// GOST R 34.10-2012 256/512-bit keys and legacy GOST R 34.10-2001 keys
/// (read as 256-bit 2012 keys on the same curve). If the optional publicKey
/// field is present it must match the private key.
pub fn decode_private_key(bytes: &[u8]) -> Result<SigningKey> {
    let der = pem::decode_expecting(bytes, pem::LABEL_PRIVATE_KEY)?;
    decode_private_key_der(&der).map(|(k, _)| k)
}

/// Parses PrivateKeyInfo DER; returns the key and its algorithm.
pub fn decode_private_key_der(der: &[u8]) -> Result<(SigningKey, KeyAlgorithm)> {
    let outer = d::expect_only(der, tag::SEQUENCE, "PKCS#8 PrivateKeyInfo")?;
    let (version, rest) = d::read(outer.content, "PKCS#8 version")?;
    if version.tag != tag::INTEGER {
        if d::describe(der) == Some(ENCRYPTED) {
            return Err(pem::encrypted_unsupported());
        }
        let err = Error::encoding(
            "PKCS#8 version",
            format!(
                "expected INTEGER (0x02), found {}",
                d::tag_name(version.tag)
            ),
        );
        return Err(d::with_hint(err, der, "a PKCS#8 PrivateKeyInfo"));
    }
    if version.content != [0] && version.content != [1] {
        return Err(Error::encoding(
            "PKCS#8 version",
            format!(
                "expected 0 (v1) or 1 (v2), found 0x{}",
                hex::encode(version.content)
            ),
        ));
    }
    let (alg, rest) = d::expect(rest, tag::SEQUENCE, "PKCS#8 privateKeyAlgorithm")?;
    let alg = algorithm::parse(alg.content, "PKCS#8 privateKeyAlgorithm")?;
    let (private_key, mut rest) = d::expect(rest, tag::OCTET_STRING, PK)?;
    let mut key = scalar_from_octets(alg.curve, private_key.content)?;
    if alg.is_2001() {
        key = key.into_gost2001()?;
    }

    // attributes [0] IMPLICIT SET OPTIONAL, publicKey [1] IMPLICIT BIT STRING OPTIONAL.
    let mut seen_public = false;
    while !rest.is_empty() {
        let (field, next) = d::read(rest, "PKCS#8 optional fields")?;
        match field.tag {
            0xA0 if !seen_public => {}
            0x81 | 0xA1 if !seen_public => {
                seen_public = true;
                let bits = if field.tag == 0xA1 {
                    d::expect_only(field.content, tag::BIT_STRING, "PKCS#8 publicKey")?.content
                } else {
                    field.content
                };
                let inner = public_key_bits(bits)?;
                let public = public_key_from_wrapped(alg, inner, "PKCS#8 publicKey")?;
                if &public != key.verifying_key() {
                    return Err(Error::KeyMismatch(
                        "the PKCS#8 publicKey field does not match the private key".into(),
                    ));
                }
            }
            other => {
                return Err(Error::encoding(
                    "PKCS#8 PrivateKeyInfo",
                    format!(
                        "unexpected {} after privateKey (expected attributes [0] then publicKey [1])",
                        d::tag_name(other)
                    ),
                ));
            }
        }
        rest = next;
    }
    Ok((key, alg))
}

/// The bytes of the publicKey BIT STRING. The TC26 2020 PFX example writes
/// it with "1 unused bit" over whole bytes; that is accepted when the unused
/// bits are zero, since the key is compared with the private key anyway.
fn public_key_bits(content: &[u8]) -> Result<&[u8]> {
    match content.split_first() {
        Some((&unused, bytes)) if (1..8).contains(&unused) => {
            let padding = bytes.last().map_or(0, |b| b & ((1u8 << unused) - 1));
            if padding != 0 || bytes.is_empty() {
                return Err(Error::encoding(
                    "PKCS#8 publicKey",
                    format!("BIT STRING has {unused} unused bits that are not zero"),
                ));
            }
            Ok(bytes)
        }
        _ => d::bit_string_bytes(content, "PKCS#8 publicKey"),
    }
}

/// Length of `v` as a multiple (>= 2) of `n`, if it is one.
fn mask_parts(len: usize, n: usize) -> Option<usize> {
    (len > n && len.is_multiple_of(n)).then_some(len / n)
}

/// Whether `len` bytes can be a DER SEQUENCE of m >= 2 OCTET STRINGs of n
/// bytes each (form 4b); arithmetic on the public length only. (A
/// multiple of n that is not: the other TLV forms are never a multiple.)
fn could_be_masked_sequence(len: usize, n: usize) -> bool {
    (2..=len / (n + 2)).any(|m| {
        let content = m * (n + 2);
        let length_octets = if content < 0x80 {
            0
        } else {
            (usize::BITS - content.leading_zeros()).div_ceil(8) as usize
        };
        2 + length_octets + content == len
    })
}

fn masked_raw(curve: CurveId, octets: &[u8], n: usize) -> Result<SigningKey> {
    let parts: Vec<&[u8]> = octets.chunks(n).collect();
    SigningKey::from_masked_le(curve, &parts)
}

/// Interprets privateKey's contents (see the module documentation).
///
/// Branches only on the DER structure (tags and lengths) around the secret,
/// never on the scalar's value.
pub(crate) fn scalar_from_octets(curve: CurveId, octets: &[u8]) -> Result<SigningKey> {
    let n = curve.key_size().coordinate_len();
    // Form 1: exactly the width, whatever the first byte is.
    if octets.len() == n {
        return reduced_scalar(curve, octets);
    }
    // Form 4a by length alone wherever no TLV form can be that long: the
    // octets are then key material and are never parsed as DER, which would
    // branch on secret bytes (found by the valgrind check, ct/). The result
    // is the same as trying the TLV forms first.
    if mask_parts(octets.len(), n).is_some() && !could_be_masked_sequence(octets.len(), n) {
        return masked_raw(curve, octets, n);
    }
    // Forms 2, 3, 4b: one TLV spanning all the octets, with proper widths inside.
    if let Ok((tlv, rest)) = d::read(octets, PK)
        && rest.is_empty()
    {
        {
            match tlv.tag {
                tag::OCTET_STRING if tlv.content.len() == n => {
                    return reduced_scalar(curve, tlv.content);
                }
                tag::OCTET_STRING if is_variable_width(tlv.content, n) => {
                    return short_le_scalar(curve, tlv.content, n);
                }
                tag::OCTET_STRING if mask_parts(tlv.content.len(), n).is_some() => {
                    return masked_raw(curve, tlv.content, n);
                }
                tag::INTEGER if !tlv.content.is_empty() && tlv.content.len() <= n + 1 => {
                    return integer_scalar(curve, tlv.content, n);
                }
                tag::SEQUENCE => {
                    if let Some(parts) = masked_sequence(tlv.content, n) {
                        return SigningKey::from_masked_le(curve, &parts);
                    }
                }
                _ => {}
            }
        }
    }
    // Form 4a: raw k || m1 || ...
    if mask_parts(octets.len(), n).is_some() {
        return masked_raw(curve, octets, n);
    }
    Err(Error::encoding(
        PK,
        format!(
            "{} bytes fit none of the forms for a {}-bit key: raw LE(d) of {n} bytes, OCTET STRING \
             of {n} bytes, INTEGER d, or masked k||m (a multiple of {n} bytes, raw or a SEQUENCE of \
             OCTET STRINGs)",
            octets.len(),
            8 * n
        ),
    ))
}

/// Form 3: INTEGER d, big-endian two's complement.
fn integer_scalar(curve: CurveId, content: &[u8], n: usize) -> Result<SigningKey> {
    if content.first().is_some_and(|&b| b & 0x80 != 0) {
        return Err(Error::PrivateKeyRange);
    }
    let magnitude = match content {
        [0, rest @ ..] if !rest.is_empty() => rest,
        all => all,
    };
    if magnitude.len() > n {
        return Err(Error::PrivateKeyRange);
    }
    let mut le = Zeroizing::new(vec![0u8; n]);
    for (dst, src) in le.iter_mut().zip(magnitude.iter().rev()) {
        *dst = *src;
    }
    reduced_scalar(curve, &le)
}

/// Form 2 written from a big integer's minimal bytes, reversed (older
/// Bouncy Castle): shorter than n, or n + 1 with a zero sign octet last.
fn is_variable_width(content: &[u8], n: usize) -> bool {
    let len = content.len();
    (1..n).contains(&len) || (len == n + 1 && content.last() == Some(&0))
}

/// LE(d) of up to n + 1 bytes (a zero sign octet last), zero-extended to n.
fn short_le_scalar(curve: CurveId, content: &[u8], n: usize) -> Result<SigningKey> {
    let mut le = Zeroizing::new(vec![0u8; n]);
    for (dst, src) in le.iter_mut().zip(content.iter()) {
        *dst = *src;
    }
    reduced_scalar(curve, &le)
}

/// d mod q from exactly n little-endian bytes; zero is rejected.
fn reduced_scalar(curve: CurveId, le: &[u8]) -> Result<SigningKey> {
    // A one-component "mask" is exactly a constant-time reduction mod q.
    SigningKey::from_masked_le(curve, &[le])
}

/// Form 4b: SEQUENCE OF OCTET STRING, each exactly n bytes, at least two.
fn masked_sequence(mut content: &[u8], n: usize) -> Option<Vec<&[u8]>> {
    let mut parts = Vec::new();
    while !content.is_empty() {
        let (tlv, rest) = d::read(content, PK).ok()?;
        if tlv.tag != tag::OCTET_STRING || tlv.content.len() != n {
            return None;
        }
        parts.push(tlv.content);
        content = rest;
    }
    (parts.len() >= 2).then_some(parts)
}

impl SigningKey {
    /// PKCS#8 PrivateKeyInfo DER, privateKey in form 1 (raw LE(d)), with
    /// parameters SEQUENCE { curve OID [, Streebog-256 for 256-bit CryptoPro
    /// curves] } as OpenSSL's gost engine writes them. A GOST R 34.10-2001
    /// key is written with id-GostR3410-2001 and parameters { curve,
    /// GOST R 34.11-94 CryptoPro }.
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        let scalar = self.to_scalar_le();
        let private_key = d::tlv_secret(tag::OCTET_STRING, &scalar);
        let version = d::tlv(tag::INTEGER, &[0]);
        let alg = if self.is_gost2001() {
            algorithm::encode_2001(self.curve())
        } else {
            algorithm::encode(self.curve())
        };
        let mut content = Zeroizing::new(Vec::with_capacity(
            version.len() + alg.len() + private_key.len(),
        ));
        content.extend_from_slice(&version);
        content.extend_from_slice(&alg);
        content.extend_from_slice(&private_key);
        d::tlv_secret(tag::SEQUENCE, &content)
    }

    /// PKCS#8 as PEM "PRIVATE KEY".
    pub fn to_pkcs8_pem(&self) -> Zeroizing<String> {
        pem::encode(pem::LABEL_PRIVATE_KEY, &self.to_pkcs8_der())
    }
}

/// `pkcs8::DecodePrivateKey` (through `signature`'s usual `TryFrom` route):
/// every form [`decode_private_key_der`] reads, 2012 (sign or key
/// agreement OIDs) and 2001 keys.
impl TryFrom<pkcs8::PrivateKeyInfoRef<'_>> for SigningKey {
    type Error = pkcs8::Error;

    fn try_from(info: pkcs8::PrivateKeyInfoRef<'_>) -> pkcs8::Result<Self> {
        use der::Encode;
        // Re-encoded into a wiped buffer sized up front (no growth copies).
        let malformed = pkcs8::Error::KeyMalformed(pkcs8::KeyError::Invalid);
        let len = usize::try_from(info.encoded_len()?).map_err(|_| malformed)?;
        let mut der = Zeroizing::new(vec![0u8; len]);
        let written = info.encode_to_slice(&mut der)?.len();
        der.truncate(written);
        decode_private_key_der(&der)
            .map(|(key, _)| key)
            .map_err(|e| match e {
                Error::Unsupported(_) | Error::UnknownCurve(_) => {
                    pkcs8::Error::PublicKey(spki::Error::OidUnknown {
                        oid: info.algorithm.oid,
                    })
                }
                _ => malformed,
            })
    }
}

/// `pkcs8::EncodePrivateKey`: the DER of [`SigningKey::to_pkcs8_der`].
impl pkcs8::EncodePrivateKey for SigningKey {
    fn to_pkcs8_der(&self) -> pkcs8::Result<der::SecretDocument> {
        let der = SigningKey::to_pkcs8_der(self);
        Ok(der::SecretDocument::try_from(der.as_slice())?)
    }
}
