//! Key and certificate encodings against the public vectors, OpenSSL's gost
//! engine (when installed) and hostile inputs.

use crate::common;

use common::tlv;
use std::path::{Path, PathBuf};

use gostcms::keys::{Certificate, decode_private_key, decode_public_key, self_signed};
use gostcms::{CurveId, Error, SigningKey};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Vec<u8> {
    let p = root().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn files(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().ends_with(suffix))
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------- vectors

#[test]
fn x509_keys_match_their_certificates() {
    let keys = files("vectors/x509", "_key.pem");
    assert_eq!(keys.len(), 5);
    for key_path in keys {
        let name = key_path.to_str().unwrap();
        let key = decode_private_key(&std::fs::read(&key_path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let key_der =
            decode_private_key(&std::fs::read(name.replace(".pem", ".der")).unwrap()).unwrap();
        assert_eq!(key.verifying_key(), key_der.verifying_key());
        let cert = Certificate::from_pem_or_der(
            &std::fs::read(name.replace("_key.pem", "_cert.pem")).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            &cert.verifying_key().unwrap(),
            key.verifying_key(),
            "{name}"
        );
    }
}

#[test]
fn x509_and_infotecs_self_signatures_verify() {
    let mut certs = files("vectors/x509", "_cert.der");
    certs.extend(files("vectors/gost3410/certs", ".der"));
    assert_eq!(certs.len(), 5 + 10);
    for path in certs {
        let cert = Certificate::from_pem_or_der(&std::fs::read(&path).unwrap()).unwrap();
        let key = cert.verifying_key().unwrap();
        cert.verify_signed_by(&key)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // The PEM twin parses to the same bytes.
        let pem = Certificate::from_pem_or_der(&std::fs::read(path.with_extension("pem")).unwrap())
            .unwrap();
        assert_eq!(pem.der(), cert.der());
        // A flipped bit in the tbsCertificate breaks the signature.
        let mut bad = cert.der().to_vec();
        let tbs_len = cert.tbs_der().unwrap().len();
        bad[tbs_len / 2] ^= 1;
        if let Ok(bad) = Certificate::from_pem_or_der(&bad) {
            assert!(bad.verify_signed_by(&key).is_err(), "{}", path.display());
        }
    }
}

#[test]
fn certificate_accessors() {
    let cert =
        Certificate::from_pem_or_der(&read("vectors/x509/rfc4491bis_256_test_paramset_cert.pem"))
            .unwrap();
    assert_eq!(cert.serial_hex(), "0a");
    assert_eq!(
        cert.signature_algorithm_oid().to_string(),
        "1.2.643.7.1.1.3.2"
    );
    assert_eq!(cert.signature_bytes().len(), 64);
    assert!(cert.subject().contains("CN="), "{}", cert.subject());
    assert!(cert.not_before() < cert.not_after());
    assert_eq!(cert.tbs_der().unwrap()[0], 0x30);
    // Bare base64 without armour.
    let b64: String = String::from_utf8(read("vectors/x509/rfc4491bis_256_test_paramset_cert.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert_eq!(
        Certificate::from_pem_or_der(b64.as_bytes()).unwrap().der(),
        cert.der()
    );
}

#[test]
fn pfx_masked_private_key_matches_certificate() {
    for file in [
        "vectors/pfx/expected_private_key_info.der",
        "vectors/pfx/expected_private_key_info.pem",
    ] {
        let key = decode_private_key(&read(file)).unwrap();
        let cert =
            Certificate::from_pem_or_der(&read("vectors/pfx/expected_certificate.der")).unwrap();
        assert_eq!(&cert.verifying_key().unwrap(), key.verifying_key());
        let v: serde_json::Value = serde_json::from_slice(&read("vectors/pfx/pfx.json")).unwrap();
        let d = find_str(&v["private_key"], &["d_be_hex"]);
        if let Some(d) = d {
            let mut le = key.to_scalar_le().to_vec();
            le.reverse();
            assert_eq!(hex::encode(le), d.to_lowercase());
        }
    }
}

fn find_str<'a>(v: &'a serde_json::Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| v.get(*k).and_then(|x| x.as_str()))
}

#[test]
fn esia_client_test_keys_match_certificates() {
    for name in [
        "ekapusta.gost2012.test",
        "another.gost.test",
        "ekapusta.gost.test",
    ] {
        let base = format!("vectors/esia/client-test/{name}");
        let key = decode_private_key(&read(&format!("{base}.key")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let cert = Certificate::from_pem_or_der(&read(&format!("{base}.cer"))).unwrap();
        let cert_key = cert.verifying_key().unwrap();
        assert_eq!(&cert_key, key.verifying_key(), "{name}");
        assert_eq!(
            decode_public_key(&read(&format!("{base}.public.key"))).unwrap(),
            cert_key,
            "{name}"
        );
        cert.verify_signed_by(&cert_key)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn esia_service_certificates_load() {
    for name in ["esia.gost.prod", "esia.gost.test"] {
        let cert =
            Certificate::from_pem_or_der(&read(&format!("vectors/esia/{name}.cer"))).unwrap();
        let key = cert.verifying_key().unwrap();
        assert_eq!(key.curve(), CurveId::CryptoProXchA, "{name}");
        assert_eq!(
            decode_public_key(&read(&format!("vectors/esia/{name}.public.key"))).unwrap(),
            key
        );
        assert!(!cert.subject().is_empty());
        assert!(!cert.serial_hex().is_empty());
        let index: serde_json::Value =
            serde_json::from_slice(&read("vectors/esia/esia.json")).unwrap();
        let text = index.to_string().to_lowercase();
        assert!(
            text.contains(&format!("\"serial\":\"{}\"", cert.serial_hex())),
            "{name}"
        );
        // Not self-signed: the issuer's key is not ours.
        assert!(cert.verify_signed_by(&key).is_err());
    }
}

// ---------------------------------------------------------------- round trips

/// The privateKey OCTET STRING of our own form-1 output, replaced by `content`.
fn with_private_key(key: &SigningKey, content: &[u8]) -> Vec<u8> {
    let der = key.to_pkcs8_der();
    let n = key.curve().key_size().coordinate_len();
    // Form 1 ends with 04 n LE(d).
    let prefix = &der[..der.len() - n - 2];
    let outer_header = if prefix[1] & 0x80 != 0 {
        2 + (prefix[1] & 0x7f) as usize
    } else {
        2
    };
    let mut body = prefix[outer_header..].to_vec();
    body.extend(tlv(0x04, content));
    tlv(0x30, &body)
}

#[test]
fn all_four_private_key_forms_round_trip() {
    for curve in CurveId::ALL {
        let key = SigningKey::generate(curve).unwrap();
        let le = key.to_scalar_le().to_vec();
        let n = le.len();
        // Form 1.
        let back = decode_private_key(&key.to_pkcs8_der()).unwrap();
        assert_eq!(back.to_scalar_le().to_vec(), le, "{curve}");
        // Form 2: OCTET STRING wrapping LE(d).
        let back = decode_private_key(&with_private_key(&key, &tlv(0x04, &le))).unwrap();
        assert_eq!(back.to_scalar_le().to_vec(), le, "{curve} form 2");
        // Form 2, variable width: a trailing zero sign octet, and a short value.
        let signed = [le.clone(), vec![0]].concat();
        let back = decode_private_key(&with_private_key(&key, &tlv(0x04, &signed))).unwrap();
        assert_eq!(
            back.to_scalar_le().to_vec(),
            le,
            "{curve} form 2 + sign octet"
        );
        let small = SigningKey::from_scalar_le(curve, &le[..n - 3]).unwrap();
        let back = decode_private_key(&with_private_key(&key, &tlv(0x04, &le[..n - 3]))).unwrap();
        assert_eq!(
            back.verifying_key(),
            small.verifying_key(),
            "{curve} short form 2"
        );
        // Form 3: INTEGER d, minimal two's complement.
        let mut be: Vec<u8> = le.iter().rev().copied().collect();
        while be.len() > 1 && be[0] == 0 && be[1] & 0x80 == 0 {
            be.remove(0);
        }
        if be[0] & 0x80 != 0 {
            be.insert(0, 0);
        }
        let back = decode_private_key(&with_private_key(&key, &tlv(0x02, &be))).unwrap();
        assert_eq!(back.to_scalar_le().to_vec(), le, "{curve} form 3");
        // Form 4: masked k || m, raw and as a SEQUENCE of OCTET STRINGs.
        let k = SigningKey::generate(curve).unwrap().to_scalar_le().to_vec();
        let m = SigningKey::generate(curve).unwrap().to_scalar_le().to_vec();
        let expected = SigningKey::from_masked_le(curve, &[&k, &m]).unwrap();
        let raw = [k.clone(), m.clone()].concat();
        let back = decode_private_key(&with_private_key(&key, &raw)).unwrap();
        assert_eq!(
            back.verifying_key(),
            expected.verifying_key(),
            "{curve} form 4 raw"
        );
        let seq = tlv(0x30, &[tlv(0x04, &k), tlv(0x04, &m)].concat());
        let back = decode_private_key(&with_private_key(&key, &seq)).unwrap();
        assert_eq!(
            back.verifying_key(),
            expected.verifying_key(),
            "{curve} form 4 sequence"
        );
        let three = [k.clone(), m.clone(), le.clone()].concat();
        let back = decode_private_key(&with_private_key(&key, &three)).unwrap();
        let expected3 = SigningKey::from_masked_le(curve, &[&k, &m, &le]).unwrap();
        assert_eq!(
            back.verifying_key(),
            expected3.verifying_key(),
            "{curve} form 4, 3 parts"
        );
        assert_eq!(n, curve.key_size().coordinate_len());
    }
}

#[test]
fn raw_key_starting_with_a_der_tag_is_still_raw() {
    // LE(d) = 04 1e ...: looks like an OCTET STRING header, but the length is exactly the width.
    let mut le = [0x11u8; 32];
    le[0] = 0x04;
    le[1] = 30;
    le[31] = 0x01;
    let key = SigningKey::from_scalar_le(CurveId::CryptoProA, &le).unwrap();
    let back = decode_private_key(&key.to_pkcs8_der()).unwrap();
    assert_eq!(back.to_scalar_le().to_vec(), le.to_vec());
    let mut le = [0x22u8; 32];
    le[0] = 0x02;
    le[1] = 30;
    le[31] = 0x01;
    let key = SigningKey::from_scalar_le(CurveId::Tc26_256A, &le).unwrap();
    assert_eq!(
        decode_private_key(&key.to_pkcs8_der())
            .unwrap()
            .to_scalar_le()
            .to_vec(),
        le.to_vec()
    );
}

#[test]
fn pkcs8_and_spki_round_trip_on_all_curves() {
    for curve in CurveId::ALL {
        let key = SigningKey::generate(curve).unwrap();
        let pem = key.to_pkcs8_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let back = decode_private_key(pem.as_bytes()).unwrap();
        assert_eq!(back.curve(), curve);
        assert_eq!(back.to_scalar_le().to_vec(), key.to_scalar_le().to_vec());
        let vk = *key.verifying_key();
        let spki_pem = vk.to_spki_pem();
        assert!(spki_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(decode_public_key(spki_pem.as_bytes()).unwrap(), vk);
        assert_eq!(decode_public_key(&vk.to_spki_der()).unwrap(), vk);
        // The curve OID is written back unchanged (aliases are kept).
        assert_eq!(decode_public_key(&vk.to_spki_der()).unwrap().curve(), curve);
    }
}

#[test]
fn pkcs8_public_key_field_is_checked() {
    let key = SigningKey::generate(CurveId::Tc26_512A).unwrap();
    let other = SigningKey::generate(CurveId::Tc26_512A).unwrap();
    let der = key.to_pkcs8_der();
    let build = |pk: &SigningKey| {
        let inner = tlv(0x04, &pk.verifying_key().to_le_bytes());
        let mut bits = vec![0u8];
        bits.extend(inner);
        let header = if der[1] & 0x80 != 0 {
            2 + (der[1] & 0x7f) as usize
        } else {
            2
        };
        let body = [&der[header..], &tlv(0x81, &bits)[..]].concat();
        tlv(0x30, &body)
    };
    // version 1 (OneAsymmetricKey) with a matching public key.
    let mut good = build(&key);
    assert!(decode_private_key(&good).is_ok());
    let header = if good[1] & 0x80 != 0 {
        2 + (good[1] & 0x7f) as usize
    } else {
        2
    };
    assert_eq!(&good[header..header + 3], &[0x02, 0x01, 0x00]);
    good[header + 2] = 1; // version 1 (OneAsymmetricKey)
    assert!(decode_private_key(&good).is_ok());
    assert!(matches!(
        decode_private_key(&build(&other)),
        Err(Error::KeyMismatch(_))
    ));
}

#[test]
fn self_signed_certificate_verifies() {
    for curve in [
        CurveId::CryptoProA,
        CurveId::Tc26_256A,
        CurveId::Tc26_512A,
        CurveId::Tc26_512C,
    ] {
        let key = SigningKey::generate(curve).unwrap();
        let cert = self_signed(&key, "CN=gostcms test,O=gostcms", 30, Some(&[0x01, 0x02])).unwrap();
        assert_eq!(&cert.verifying_key().unwrap(), key.verifying_key());
        cert.verify_signed_by(key.verifying_key()).unwrap();
        assert_eq!(cert.serial_hex(), "0102");
        assert!(
            cert.subject().contains("CN=gostcms test"),
            "{}",
            cert.subject()
        );
        let expected_oid = match curve.key_size() {
            gostcms::KeySize::Bits256 => "1.2.643.7.1.1.3.2",
            gostcms::KeySize::Bits512 => "1.2.643.7.1.1.3.3",
        };
        assert_eq!(cert.signature_algorithm_oid().to_string(), expected_oid);
        let reparsed = Certificate::from_pem_or_der(cert.to_pem().as_bytes()).unwrap();
        assert_eq!(reparsed.der(), cert.der());
        let secs = cert
            .not_after()
            .duration_since(cert.not_before())
            .unwrap()
            .as_secs();
        assert!((29 * 86_400..=31 * 86_400).contains(&secs));
    }
    let key = SigningKey::generate(CurveId::CryptoProB).unwrap();
    let cert = self_signed(&key, "CN=random serial", 1, None).unwrap();
    assert!(cert.serial_hex().len() >= 30);
}

// ---------------------------------------------------------------- hostile input

#[test]
fn truncated_inputs_give_errors() {
    let key = SigningKey::generate(CurveId::Tc26_512B).unwrap();
    let pkcs8 = key.to_pkcs8_der().to_vec();
    let spki = key.verifying_key().to_spki_der();
    let cert = read("vectors/x509/rfc4491bis_512_test_paramset_cert.der");
    let masked = read("vectors/pfx/expected_private_key_info.der");
    for len in 0..pkcs8.len() {
        assert!(decode_private_key(&pkcs8[..len]).is_err(), "pkcs8 {len}");
    }
    for len in 0..masked.len() {
        assert!(decode_private_key(&masked[..len]).is_err(), "masked {len}");
    }
    for len in 0..spki.len() {
        assert!(decode_public_key(&spki[..len]).is_err(), "spki {len}");
    }
    for len in 0..cert.len() {
        assert!(
            Certificate::from_pem_or_der(&cert[..len]).is_err(),
            "cert {len}"
        );
    }
    // Every single-byte corruption: no panic.
    for i in 0..pkcs8.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut b = pkcs8.clone();
            b[i] ^= x;
            let _ = decode_private_key(&b);
        }
    }
    for i in 0..cert.len() {
        let mut b = cert.clone();
        b[i] ^= 0xff;
        if let Ok(c) = Certificate::from_pem_or_der(&b) {
            let _ = c.verifying_key().map(|k| c.verify_signed_by(&k));
            let _ = (c.subject(), c.serial_hex(), c.not_after());
        }
    }
}

#[test]
fn wrong_pem_labels_are_named() {
    let cert = read("vectors/x509/tk26iok_256_cert.pem");
    let err = decode_private_key(&cert).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected PRIVATE KEY, found CERTIFICATE"),
        "{err}"
    );
    let err = decode_public_key(&cert).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected PUBLIC KEY, found CERTIFICATE"),
        "{err}"
    );
    let key = read("vectors/x509/tk26iok_256_key.pem");
    let err = Certificate::from_pem_or_der(&key).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected CERTIFICATE, found PRIVATE KEY"),
        "{err}"
    );
    let enc = b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n";
    let err = decode_private_key(enc).unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("encrypted PKCS#8"), "{err}");
    assert!(decode_private_key(b"").is_err());
    assert!(decode_private_key(b"\xff\xfe garbage").is_err());
    assert!(
        decode_private_key(b"-----BEGIN PRIVATE KEY-----\nMIG@@@\n-----END PRIVATE KEY-----")
            .is_err()
    );
}

/// Replaces the first occurrence of `from` in `der` by `to` (same length).
fn patch(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let i = der
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern");
    let mut out = der.to_vec();
    out[i..i + from.len()].copy_from_slice(to);
    out
}

#[test]
fn unknown_oids_are_named() {
    let key = SigningKey::generate(CurveId::Tc26_256B).unwrap();
    let der = key.to_pkcs8_der();
    // Curve 1.2.643.7.1.2.1.1.2 -> 1.2.643.7.1.2.1.1.9.
    let curve = CurveId::Tc26_256B.oid();
    let mut bad_curve = curve.as_bytes().to_vec();
    *bad_curve.last_mut().unwrap() = 9;
    let err = decode_private_key(&patch(&der, curve.as_bytes(), &bad_curve)).unwrap_err();
    assert!(matches!(err, Error::UnknownCurve(_)), "{err}");
    assert!(err.to_string().contains("1.2.643.7.1.2.1.1.9"), "{err}");
    let spki = key.verifying_key().to_spki_der();
    let err = decode_public_key(&patch(&spki, curve.as_bytes(), &bad_curve)).unwrap_err();
    assert!(err.to_string().contains("1.2.643.7.1.2.1.1.9"), "{err}");
    // Algorithm 1.2.643.7.1.1.1.1 -> 1.2.643.7.1.1.1.7.
    let alg = [0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x01];
    let err = decode_private_key(&patch(
        &der,
        &alg,
        &[0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x07],
    ))
    .unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("1.2.643.7.1.1.1.7"), "{err}");
    // A 512-bit curve under the 256-bit algorithm.
    let err = decode_private_key(&patch(
        &der,
        &alg,
        &[0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x02],
    ))
    .unwrap_err();
    assert!(matches!(err, Error::KeyMismatch(_)), "{err}");
}

fn q_le(curve: CurveId) -> Vec<u8> {
    let v: serde_json::Value =
        serde_json::from_slice(&read("vectors/gost3410/curves.json")).unwrap();
    let list = v["curves"].as_array().or_else(|| v.as_array()).unwrap();
    let oid = curve.oid().to_string();
    let c = list
        .iter()
        .find(|c| c["oid"].as_str() == Some(&oid))
        .unwrap();
    let mut q = hex::decode(c["q"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    q.reverse();
    q.resize(curve.key_size().coordinate_len(), 0);
    q
}

#[test]
fn out_of_range_scalars_and_bad_points_are_rejected() {
    for curve in [CurveId::CryptoProA, CurveId::Tc26_512C] {
        let key = SigningKey::generate(curve).unwrap();
        let n = curve.key_size().coordinate_len();
        let zero = vec![0u8; n];
        assert_eq!(
            decode_private_key(&with_private_key(&key, &zero)).unwrap_err(),
            Error::PrivateKeyRange
        );
        assert_eq!(
            decode_private_key(&with_private_key(&key, &tlv(0x02, &[0]))).unwrap_err(),
            Error::PrivateKeyRange
        );
        let q = q_le(curve);
        assert_eq!(
            decode_private_key(&with_private_key(&key, &q)).unwrap_err(),
            Error::PrivateKeyRange
        );
        // d >= q is reduced mod q (OpenSSL compatible): q + 1 is the key d = 1.
        let mut q1 = q.clone();
        q1[0] += 1; // q is odd, no carry
        let one = SigningKey::from_scalar_le(curve, &[1]).unwrap();
        let reduced = decode_private_key(&with_private_key(&key, &q1)).unwrap();
        assert_eq!(reduced.verifying_key(), one.verifying_key());
        assert_eq!(reduced.to_scalar_le()[..], one.to_scalar_le()[..]);
        // INTEGER q is zero mod q; an INTEGER wider than the curve is out of range.
        let q_be: Vec<u8> = [&[0u8][..], &q.iter().rev().copied().collect::<Vec<u8>>()].concat();
        assert_eq!(
            decode_private_key(&with_private_key(&key, &tlv(0x02, &q_be))).unwrap_err(),
            Error::PrivateKeyRange
        );
        let mut wide = vec![0x01u8];
        wide.extend(vec![0u8; n]);
        assert_eq!(
            decode_private_key(&with_private_key(&key, &tlv(0x02, &wide))).unwrap_err(),
            Error::PrivateKeyRange
        );
        // Negative INTEGER.
        assert_eq!(
            decode_private_key(&with_private_key(&key, &tlv(0x02, &[0xff, 0x01]))).unwrap_err(),
            Error::PrivateKeyRange
        );
        // Wrong width.
        let err = decode_private_key(&with_private_key(&key, &vec![1u8; n - 1])).unwrap_err();
        assert!(err.to_string().contains("PKCS#8 privateKey"), "{err}");
        // Off-curve public key: Y + 1.
        let spki = key.verifying_key().to_spki_der();
        let mut bad = spki.clone();
        let last = bad.len() - 1;
        bad[last - n + 1] ^= 1;
        assert!(
            matches!(decode_public_key(&bad), Err(Error::PublicKey(_))),
            "{curve}"
        );
        // Identity-like zero point.
        let mut zero_pt = spki.clone();
        let len = zero_pt.len();
        zero_pt[len - 2 * n..].fill(0);
        assert!(
            matches!(decode_public_key(&zero_pt), Err(Error::PublicKey(_))),
            "{curve}"
        );
    }
}

// ---------------------------------------------------------------- OpenSSL

/// `openssl` with the gost engine (`tests/common/ossl.rs`); None (with a
/// loud message, or a failure in CI) if unavailable.
fn openssl() -> Option<impl Fn(&[&str]) -> std::process::Output> {
    let o = common::ossl::oracle()?;
    Some(|args: &[&str]| o.run(args))
}

fn write_tmp(dir: &Path, name: &str, data: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p.to_str().unwrap().to_owned()
}

#[test]
fn openssl_generated_keys_load() {
    let Some(ossl) = openssl() else { return };
    let dir = common::tempdir();
    let sets = [
        ("gost2012_256", "A", CurveId::CryptoProA),
        ("gost2012_256", "B", CurveId::CryptoProB),
        ("gost2012_256", "C", CurveId::CryptoProC),
        ("gost2012_256", "TCA", CurveId::Tc26_256A),
        ("gost2012_256", "TCB", CurveId::Tc26_256B),
        ("gost2012_256", "TCC", CurveId::Tc26_256C),
        ("gost2012_256", "TCD", CurveId::Tc26_256D),
        ("gost2012_256", "XA", CurveId::CryptoProXchA),
        ("gost2012_256", "XB", CurveId::CryptoProXchB),
        ("gost2012_512", "A", CurveId::Tc26_512A),
        ("gost2012_512", "B", CurveId::Tc26_512B),
        ("gost2012_512", "C", CurveId::Tc26_512C),
    ];
    for (alg, set, curve) in sets {
        let out = ossl(&[
            "genpkey",
            "-algorithm",
            alg,
            "-pkeyopt",
            &format!("paramset:{set}"),
        ]);
        assert!(
            out.status.success(),
            "{alg} {set}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let key = decode_private_key(&out.stdout).unwrap_or_else(|e| panic!("{alg} {set}: {e}"));
        assert_eq!(key.curve(), curve, "{alg} {set}");
        let path = write_tmp(dir.path(), "k.pem", &out.stdout);
        let pubout = ossl(&["pkey", "-in", &path, "-pubout"]);
        assert!(pubout.status.success());
        assert_eq!(
            &decode_public_key(&pubout.stdout).unwrap(),
            key.verifying_key(),
            "{alg} {set}"
        );
        // DER output of openssl reads too.
        let der = ossl(&["pkey", "-in", &path, "-outform", "DER"]);
        assert_eq!(
            decode_private_key(&der.stdout).unwrap().verifying_key(),
            key.verifying_key()
        );
    }
}

#[test]
fn openssl_reads_our_keys() {
    let Some(ossl) = openssl() else { return };
    let dir = common::tempdir();
    for curve in CurveId::ALL {
        if matches!(curve, CurveId::Test256 | CurveId::Tc26_512Test) {
            continue; // not in the gost engine's parameter table
        }
        let key = SigningKey::generate(curve).unwrap();
        let path = write_tmp(dir.path(), "ours.pem", key.to_pkcs8_pem().as_bytes());
        let out = ossl(&["pkey", "-in", &path, "-pubout"]);
        assert!(
            out.status.success(),
            "{curve}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            &decode_public_key(&out.stdout).unwrap(),
            key.verifying_key(),
            "{curve}"
        );
        let spki = write_tmp(
            dir.path(),
            "ours.pub",
            key.verifying_key().to_spki_pem().as_bytes(),
        );
        let out = ossl(&["pkey", "-pubin", "-in", &spki, "-pubout"]);
        assert!(
            out.status.success(),
            "{curve}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            &decode_public_key(&out.stdout).unwrap(),
            key.verifying_key(),
            "{curve}"
        );
    }
}

#[test]
fn openssl_verifies_our_self_signed_certificates() {
    let Some(ossl) = openssl() else { return };
    let dir = common::tempdir();
    for curve in [
        CurveId::CryptoProA,
        CurveId::Tc26_256A,
        CurveId::Tc26_512A,
        CurveId::Tc26_512C,
    ] {
        let key = SigningKey::generate(curve).unwrap();
        let cert = self_signed(&key, "CN=gostcms interop,O=gostcms", 10, None).unwrap();
        let path = write_tmp(dir.path(), "cert.pem", cert.to_pem().as_bytes());
        let text = ossl(&["x509", "-in", &path, "-noout", "-text"]);
        assert!(
            text.status.success(),
            "{curve}: {}",
            String::from_utf8_lossy(&text.stderr)
        );
        let out = ossl(&["verify", "-check_ss_sig", "-CAfile", &path, &path]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains(": OK"),
            "{curve}: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn bare_curve_oid_parameters_are_accepted() {
    for curve in [CurveId::CryptoProA, CurveId::Tc26_512B] {
        let key = SigningKey::generate(curve).unwrap();
        let alg_oid = match curve.key_size() {
            gostcms::KeySize::Bits256 => "1.2.643.7.1.1.1.1",
            gostcms::KeySize::Bits512 => "1.2.643.7.1.1.1.2",
        };
        let alg_oid = der::asn1::ObjectIdentifier::new(alg_oid).unwrap();
        let alg = tlv(
            0x30,
            &[
                tlv(0x06, alg_oid.as_bytes()),
                tlv(0x06, curve.oid().as_bytes()),
            ]
            .concat(),
        );
        let point = tlv(0x04, &key.verifying_key().to_le_bytes());
        let spki = tlv(
            0x30,
            &[alg.clone(), tlv(0x03, &[&[0u8][..], &point].concat())].concat(),
        );
        assert_eq!(&decode_public_key(&spki).unwrap(), key.verifying_key());
        let pkcs8 = tlv(
            0x30,
            &[tlv(0x02, &[0]), alg, tlv(0x04, &key.to_scalar_le())].concat(),
        );
        assert_eq!(
            decode_private_key(&pkcs8).unwrap().verifying_key(),
            key.verifying_key()
        );
        // SEQUENCE { curve, digest } also for curves that are usually written without it.
        let with_digest = tlv(
            0x30,
            &[
                tlv(0x06, alg_oid.as_bytes()),
                tlv(
                    0x30,
                    &[
                        tlv(0x06, curve.oid().as_bytes()),
                        tlv(0x06, &[0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x02, 0x03]),
                    ]
                    .concat(),
                ),
            ]
            .concat(),
        );
        let spki = tlv(
            0x30,
            &[with_digest, tlv(0x03, &[&[0u8][..], &point].concat())].concat(),
        );
        assert_eq!(&decode_public_key(&spki).unwrap(), key.verifying_key());
    }
}

#[test]
fn encrypted_pkcs8_der_is_reported() {
    // EncryptedPrivateKeyInfo: SEQUENCE { AlgorithmIdentifier, OCTET STRING }.
    let pbes2 = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
    let der = tlv(
        0x30,
        &[tlv(0x30, &tlv(0x06, &pbes2)), tlv(0x04, &[1, 2, 3])].concat(),
    );
    let err = decode_private_key(&der).unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)), "{err}");
}

#[test]
fn random_and_mutated_inputs_never_panic() {
    let mut rng = common::TestRng::new(0x9e37_79b9_7f4a_7c15);
    let mut next = move || rng.next_u64();
    let seeds = [
        SigningKey::generate(CurveId::Tc26_256A)
            .unwrap()
            .to_pkcs8_der()
            .to_vec(),
        read("vectors/pfx/expected_private_key_info.der"),
        read("vectors/x509/tk26iok_512_cert.der"),
        SigningKey::generate(CurveId::CryptoProXchB)
            .unwrap()
            .verifying_key()
            .to_spki_der(),
    ];
    for _ in 0..4000 {
        let mut input = seeds[(next() % seeds.len() as u64) as usize].clone();
        for _ in 0..1 + next() % 4 {
            let i = (next() % input.len() as u64) as usize;
            match next() % 4 {
                0 => input[i] = next() as u8,
                1 => input.truncate(i.max(1)),
                2 => input.insert(i, next() as u8),
                _ => {
                    input.remove(i);
                }
            }
            if input.is_empty() {
                input.push(0x30);
            }
        }
        let _ = decode_private_key(&input);
        let _ = decode_public_key(&input);
        if let Ok(c) = Certificate::from_pem_or_der(&input) {
            let _ = c.verifying_key().map(|k| c.verify_signed_by(&k));
            let _ = (c.subject(), c.issuer(), c.serial_hex(), c.tbs_der());
        }
    }
    for len in 0..64 {
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = decode_private_key(&bytes);
        let _ = decode_public_key(&bytes);
        let _ = Certificate::from_pem_or_der(&bytes);
    }
}

#[test]
fn wrong_der_objects_are_named() {
    let cert = read("vectors/x509/tk26iok_256_cert.der");
    let key = read("vectors/x509/tk26iok_256_key.der");
    let err = decode_private_key(&cert).unwrap_err().to_string();
    assert!(err.contains("looks like an X.509 certificate"), "{err}");
    let err = decode_public_key(&cert).unwrap_err().to_string();
    assert!(err.contains("looks like an X.509 certificate"), "{err}");
    let err = decode_public_key(&key).unwrap_err().to_string();
    assert!(err.contains("looks like a PKCS#8 PrivateKeyInfo"), "{err}");
    let err = Certificate::from_pem_or_der(&key).unwrap_err().to_string();
    assert!(err.contains("looks like a PKCS#8 PrivateKeyInfo"), "{err}");
    let spki = SigningKey::generate(CurveId::Tc26_256A)
        .unwrap()
        .verifying_key()
        .to_spki_der();
    let err = decode_private_key(&spki).unwrap_err().to_string();
    assert!(err.contains("looks like a SubjectPublicKeyInfo"), "{err}");
    let err = Certificate::from_pem_or_der(&spki).unwrap_err().to_string();
    assert!(err.contains("looks like a SubjectPublicKeyInfo"), "{err}");
}
