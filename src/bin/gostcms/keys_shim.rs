//! TEMPORARY stand-in for `gostcms::keys` until the keys branch is merged.
//!
//! It mirrors exactly the API the keys module will provide
//! (`decode_private_key`, `decode_public_key`, `to_pkcs8_pem`,
//! `cert::Certificate`, `cert::self_signed`) for the forms the CLI and its
//! tests need: PKCS#8 with a raw LE, OCTET STRING-wrapped LE or INTEGER key,
//! SPKI, and plain v3 certificates. After the merge, delete this file and
//! point `load_key` / `load_cert` in `keyio.rs` (and the `#[path]` include in
//! `tests/common/mod.rs`) at `gostcms::keys`.

#![allow(dead_code)]

use base64::Engine as _;
use der::asn1::ObjectIdentifier;
use gostcms::curve::id::oids;
use gostcms::{CurveId, Error, KeySize, Result, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

const SEQ: u8 = 0x30;
const SET: u8 = 0x31;
const INT: u8 = 0x02;
const BITS: u8 = 0x03;
const OCTETS: u8 = 0x04;
const OID: u8 = 0x06;

fn bad(context: &'static str, detail: impl core::fmt::Display) -> Error {
    Error::Encoding {
        context,
        detail: detail.to_string(),
    }
}

/// One DER TLV: (tag, contents, rest). Definite lengths only.
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first().ok_or_else(|| bad("DER", "truncated"))?;
    let (&first, mut rest) = rest.split_first().ok_or_else(|| bad("DER", "truncated"))?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(bad("DER", "unsupported length"));
        }
        let (l, r) = rest.split_at(n);
        rest = r;
        l.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    if rest.len() < len {
        return Err(bad("DER", "truncated"));
    }
    let (body, after) = rest.split_at(len);
    Ok((tag, body, after))
}

fn expect<'a>(input: &'a [u8], want: u8, what: &'static str) -> Result<(&'a [u8], &'a [u8])> {
    let (tag, body, rest) = tlv(input)?;
    if tag != want {
        return Err(bad(
            what,
            format!("expected tag 0x{want:02x}, found 0x{tag:02x}"),
        ));
    }
    Ok((body, rest))
}

fn w(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = body.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(body);
    out
}

fn w_oid(oid: &ObjectIdentifier) -> Vec<u8> {
    w(OID, oid.as_bytes())
}

fn read_oid(input: &[u8]) -> Result<(ObjectIdentifier, &[u8])> {
    let (body, rest) = expect(input, OID, "OID")?;
    let oid = ObjectIdentifier::from_bytes(body).map_err(|e| bad("OID", e))?;
    Ok((oid, rest))
}

/// PEM body with `label`, or the input itself when it is not PEM.
fn pem_or_der(bytes: &[u8], label: &str) -> Result<Vec<u8>> {
    let text = match core::str::from_utf8(bytes) {
        Ok(t) if t.contains("-----BEGIN ") => t,
        _ => return Ok(bytes.to_vec()),
    };
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .ok_or_else(|| bad("PEM", format!("no {label} block")))?
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .ok_or_else(|| bad("PEM", format!("unterminated {label} block")))?
        + start;
    let b64: String = text[start..stop]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| bad("PEM", e))
}

/// PEM text with 64-character lines.
pub fn to_pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Parses AlgorithmIdentifier { key OID, SEQUENCE { paramSet, digest? } }.
fn read_key_alg(body: &[u8]) -> Result<CurveId> {
    let (alg, params) = read_oid(body)?;
    if alg != oids::GOST3410_2012_256
        && alg != oids::GOST3410_2012_512
        && alg != oids::GOST3410_2001
    {
        return Err(Error::Unsupported(format!("key algorithm {alg}")));
    }
    let (params, _) = expect(params, SEQ, "GOST key parameters")?;
    let (set, _) = read_oid(params)?;
    CurveId::from_oid(&set).ok_or_else(|| Error::UnknownCurve(set.to_string()))
}

fn key_alg(curve: CurveId) -> Vec<u8> {
    let (alg, digest) = match curve.key_size() {
        KeySize::Bits256 => (oids::GOST3410_2012_256, oids::STREEBOG_256),
        KeySize::Bits512 => (oids::GOST3410_2012_512, oids::STREEBOG_512),
    };
    let mut params = w_oid(&curve.oid());
    // CryptoPro-era curves carry the digest OID, TC26 ones do not.
    if curve.key_size() == KeySize::Bits256 && !curve.name().starts_with("tc26") {
        params.extend(w_oid(&digest));
    }
    let mut body = w_oid(&alg);
    body.extend(w(SEQ, &params));
    w(SEQ, &body)
}

/// PKCS#8 (PEM or DER) -> signing key.
pub fn decode_private_key(bytes: &[u8]) -> Result<SigningKey> {
    let der = Zeroizing::new(pem_or_der(bytes, "PRIVATE KEY")?);
    let (info, _) = expect(&der, SEQ, "PKCS#8")?;
    let (_version, rest) = expect(info, INT, "PKCS#8 version")?;
    let (alg, rest) = expect(rest, SEQ, "PKCS#8 algorithm")?;
    let curve = read_key_alg(alg)?;
    let (key, _) = expect(rest, OCTETS, "PKCS#8 private key")?;
    let n = curve.key_size().coordinate_len();
    match tlv(key) {
        Ok((OCTETS, inner, [])) => SigningKey::from_scalar_le(curve, inner),
        Ok((INT, inner, [])) => {
            let trimmed: &[u8] = match inner.split_first() {
                Some((0, tail)) => tail,
                _ => inner,
            };
            SigningKey::from_scalar_be(curve, trimmed)
        }
        _ if key.len() == n => SigningKey::from_scalar_le(curve, key),
        _ => Err(bad("PKCS#8 private key", "unsupported private key form")),
    }
}

/// SPKI (PEM or DER) -> verifying key.
pub fn decode_public_key(bytes: &[u8]) -> Result<VerifyingKey> {
    let der = pem_or_der(bytes, "PUBLIC KEY")?;
    spki_to_key(&der)
}

fn spki_to_key(der: &[u8]) -> Result<VerifyingKey> {
    let (spki, _) = expect(der, SEQ, "SubjectPublicKeyInfo")?;
    let (alg, rest) = expect(spki, SEQ, "SPKI algorithm")?;
    let curve = read_key_alg(alg)?;
    let (bits, _) = expect(rest, BITS, "SPKI public key")?;
    let (_unused, bits) = bits
        .split_first()
        .ok_or_else(|| bad("SPKI", "empty BIT STRING"))?;
    let (point, _) = expect(bits, OCTETS, "SPKI public key point")?;
    VerifyingKey::from_le_bytes(curve, point)
}

/// SPKI DER of a verifying key.
pub fn public_key_der(key: &VerifyingKey) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend(w(OCTETS, &key.to_le_bytes()));
    let mut body = key_alg(key.curve());
    body.extend(w(BITS, &bits));
    w(SEQ, &body)
}

/// PKCS#8 PEM (form 1: raw little-endian d).
pub fn to_pkcs8_pem(key: &SigningKey) -> Zeroizing<String> {
    let mut body = w(INT, &[0]);
    body.extend(key_alg(key.curve()));
    let scalar = key.to_scalar_le();
    let octets = Zeroizing::new(w(OCTETS, &scalar));
    body.extend_from_slice(&octets);
    let der = Zeroizing::new(w(SEQ, &body));
    body.iter_mut().for_each(|b| *b = 0);
    Zeroizing::new(to_pem("PRIVATE KEY", &der))
}

pub mod cert {
    use super::*;

    /// An X.509 certificate: its DER and the parts the CLI uses.
    #[derive(Clone, Debug)]
    pub struct Certificate {
        der: Vec<u8>,
    }

    const ATTRS: [(&str, &str); 6] = [
        ("CN", "2.5.4.3"),
        ("O", "2.5.4.10"),
        ("OU", "2.5.4.11"),
        ("C", "2.5.4.6"),
        ("L", "2.5.4.7"),
        ("ST", "2.5.4.8"),
    ];

    impl Certificate {
        /// Parses PEM or DER.
        pub fn from_pem_or_der(bytes: &[u8]) -> Result<Certificate> {
            let der = pem_or_der(bytes, "CERTIFICATE")?;
            let c = Certificate { der };
            c.tbs_fields()?;
            Ok(c)
        }

        /// (subject Name contents, SPKI DER).
        fn tbs_fields(&self) -> Result<(&[u8], &[u8])> {
            let (cert, _) = expect(&self.der, SEQ, "certificate")?;
            let (tbs, _) = expect(cert, SEQ, "TBSCertificate")?;
            let mut rest = tbs;
            if rest.first() == Some(&0xa0) {
                rest = tlv(rest)?.2;
            }
            let rest = expect(rest, INT, "serial number")?.1;
            let rest = expect(rest, SEQ, "signature algorithm")?.1;
            let rest = expect(rest, SEQ, "issuer")?.1;
            let rest = expect(rest, SEQ, "validity")?.1;
            let (subject, rest) = expect(rest, SEQ, "subject")?;
            let spki_len = rest.len() - tlv(rest)?.2.len();
            Ok((subject, &rest[..spki_len]))
        }

        /// The subject's public key.
        pub fn verifying_key(&self) -> Result<VerifyingKey> {
            spki_to_key(self.tbs_fields()?.1)
        }

        /// The subject as `CN=..,O=..`.
        pub fn subject(&self) -> String {
            let Ok((mut name, _)) = self.tbs_fields() else {
                return String::new();
            };
            let mut parts = Vec::new();
            while let Ok((SET, rdn, rest)) = tlv(name) {
                name = rest;
                let Ok((atv, _)) = expect(rdn, SEQ, "RDN") else {
                    break;
                };
                let Ok((oid, value)) = read_oid(atv) else {
                    break;
                };
                let Ok((_, value, _)) = tlv(value) else { break };
                let oid = oid.to_string();
                let key = ATTRS
                    .iter()
                    .find(|(_, o)| *o == oid)
                    .map_or(oid.as_str(), |(k, _)| k);
                parts.push(format!("{key}={}", String::from_utf8_lossy(value)));
            }
            parts.join(",")
        }

        /// The certificate's DER bytes.
        pub fn der(&self) -> &[u8] {
            &self.der
        }

        /// PEM text.
        pub fn to_pem(&self) -> String {
            to_pem("CERTIFICATE", &self.der)
        }
    }

    fn encode_name(subject: &str) -> Result<Vec<u8>> {
        let parts: Vec<&str> = match subject.strip_prefix('/') {
            Some(s) => s.split('/').collect(),
            None => subject.split(',').collect(),
        };
        let mut name = Vec::new();
        for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| bad("subject", format!("{part:?} is not KEY=VALUE")))?;
            let (k, oid) = ATTRS
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(k.trim()))
                .ok_or_else(|| bad("subject", format!("unknown attribute {:?}", k.trim())))?;
            let oid = ObjectIdentifier::new(oid).map_err(|e| bad("subject", e))?;
            // countryName is a PrintableString, the rest UTF8String.
            let tag = if *k == "C" { 0x13 } else { 0x0c };
            let mut atv = w_oid(&oid);
            atv.extend(w(tag, v.trim().as_bytes()));
            name.extend(w(SET, &w(SEQ, &atv)));
        }
        if name.is_empty() {
            return Err(bad("subject", "empty"));
        }
        Ok(w(SEQ, &name))
    }

    /// Civil date from days since 1970-01-01 (proleptic Gregorian).
    fn civil(days: i64) -> (i64, u32, u32) {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    fn time(unix: i64) -> Vec<u8> {
        let (y, mo, d) = civil(unix.div_euclid(86_400));
        let s = unix.rem_euclid(86_400);
        let (h, mi, se) = (s / 3600, s % 3600 / 60, s % 60);
        if (1950..2050).contains(&y) {
            w(
                0x17,
                format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{se:02}Z", y % 100).as_bytes(),
            )
        } else {
            w(
                0x18,
                format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{se:02}Z").as_bytes(),
            )
        }
    }

    /// A self-signed v3 certificate (no extensions) for tests and demos.
    pub fn self_signed(
        key: &SigningKey,
        subject: &str,
        days: u32,
        serial: Option<&[u8]>,
    ) -> Result<Certificate> {
        let name = encode_name(subject)?;
        let serial = match serial {
            Some(s) if !s.is_empty() => s.to_vec(),
            _ => {
                let mut s = vec![0u8; 16];
                getrandom::fill(&mut s).map_err(|e| Error::Rng(e.to_string()))?;
                s[0] = (s[0] & 0x7f) | 0x01;
                s
            }
        };
        let mut serial_int = Vec::new();
        if serial.first().is_some_and(|b| b & 0x80 != 0) {
            serial_int.push(0);
        }
        serial_int.extend_from_slice(&serial);
        let sig_oid = match key.curve().key_size() {
            KeySize::Bits256 => oids::SIGN_WITH_DIGEST_256,
            KeySize::Bits512 => oids::SIGN_WITH_DIGEST_512,
        };
        let sig_alg = w(SEQ, &w_oid(&sig_oid));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut validity = time(now - 60);
        validity.extend(time(now + i64::from(days) * 86_400));

        let mut tbs = w(0xa0, &w(INT, &[2]));
        tbs.extend(w(INT, &serial_int));
        tbs.extend_from_slice(&sig_alg);
        tbs.extend_from_slice(&name);
        tbs.extend(w(SEQ, &validity));
        tbs.extend_from_slice(&name);
        tbs.extend(public_key_der(key.verifying_key()));
        let tbs = w(SEQ, &tbs);

        let digest = key.hash_alg().digest(&tbs);
        let sig = key.sign_prehash(&digest)?;
        let mut bits = vec![0u8];
        bits.extend_from_slice(sig.as_bytes());

        let mut cert = tbs;
        cert.extend_from_slice(&sig_alg);
        cert.extend(w(BITS, &bits));
        Ok(Certificate { der: w(SEQ, &cert) })
    }
}
