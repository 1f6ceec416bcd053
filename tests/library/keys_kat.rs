//! Reproduces the RFC 4491bis certificate signatures byte for byte with the
//! nonces of GOST R 34.10-2012 Appendix A (needs feature `test-vectors`).

use gostcms::keys::{Certificate, decode_private_key};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

#[test]
fn rfc4491bis_certificate_signatures_reproduce() {
    let index: serde_json::Value =
        serde_json::from_slice(&read("vectors/x509/index.json")).unwrap();
    for id in [
        "rfc4491bis_256_test_paramset",
        "rfc4491bis_512_test_paramset",
    ] {
        let item = index["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap();
        let k = hex::decode(item["determinism"]["cert"]["k"].as_str().unwrap()).unwrap();
        let key = decode_private_key(&read(&format!("vectors/x509/{id}_key.pem"))).unwrap();
        let cert =
            Certificate::from_pem_or_der(&read(&format!("vectors/x509/{id}_cert.der"))).unwrap();
        let digest = key.hash_alg().digest(cert.tbs_der().unwrap());
        let sig = gostcms::sign::hazmat::sign_prehash_with_nonce(&key, &digest, &k).unwrap();
        assert_eq!(sig.as_bytes(), cert.signature_bytes(), "{id}");
        let expected = item["signatures"]["cert"].as_str().unwrap().to_lowercase();
        assert_eq!(hex::encode(sig.as_bytes()), expected, "{id}");
    }
}

/// The first element (the signed part) of a CSR or CRL, as received.
fn first_element(der: &[u8]) -> &[u8] {
    let header = |b: &[u8]| {
        if b[1] & 0x80 != 0 {
            2 + (b[1] & 0x7f) as usize
        } else {
            2
        }
    };
    let length = |b: &[u8]| {
        if b[1] & 0x80 == 0 {
            b[1] as usize
        } else {
            b[2..header(b)]
                .iter()
                .fold(0usize, |a, &x| (a << 8) | x as usize)
        }
    };
    let inner = &der[header(der)..];
    &inner[..header(inner) + length(inner)]
}

#[test]
fn rfc4491bis_csr_and_crl_signatures_reproduce() {
    let index: serde_json::Value =
        serde_json::from_slice(&read("vectors/x509/index.json")).unwrap();
    for id in [
        "rfc4491bis_256_test_paramset",
        "rfc4491bis_512_test_paramset",
    ] {
        let item = index["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap();
        let key = decode_private_key(&read(&format!("vectors/x509/{id}_key.der"))).unwrap();
        for kind in ["csr", "crl"] {
            let k = hex::decode(item["determinism"][kind]["k"].as_str().unwrap()).unwrap();
            let der = read(&format!("vectors/x509/{id}_{kind}.der"));
            let digest = key.hash_alg().digest(first_element(&der));
            let sig = gostcms::sign::hazmat::sign_prehash_with_nonce(&key, &digest, &k).unwrap();
            let expected = item["signatures"][kind].as_str().unwrap().to_lowercase();
            assert_eq!(hex::encode(sig.as_bytes()), expected, "{id} {kind}");
            assert!(der.ends_with(sig.as_bytes()), "{id} {kind}");
        }
    }
}
