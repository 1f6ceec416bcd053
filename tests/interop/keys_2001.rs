//! GOST R 34.10-2001 keys hash with GOST R 34.11-94 (CryptoPro parameters),
//! not Streebog, in `raw-sign` / `raw-verify` and in the library's
//! `Signer` / `Verifier`; ESIA refuses them. PKCS#8 keys under the
//! GOST R 34.10-2012 key-agreement OIDs load and sign.
//!
//! Oracle: OpenSSL's gost engine (`genpkey -algorithm gost2001`,
//! `dgst -md_gost94 -sign / -verify`), both directions.

use crate::common;

use std::fs;
use std::path::Path;

use common::{engine_available, ok, openssl, openssl_genkey, run, stderr, tlv};
use gostcms::cms::CmsSigner;
use gostcms::esia::{ClientSecretBuilder, Flow, UuidSignatureOptions};
use gostcms::keys::{self, Certificate};
use gostcms::{CurveId, HashAlg, Signature, SigningKey, VerifyingKey};
use signature::{Signer, Verifier};

fn ossl_sign94(key: &Path, sig: &Path, msg: &Path) {
    ok(
        &openssl(&[&"dgst", &"-md_gost94", &"-sign", &key, &"-out", &sig, &msg]),
        "openssl dgst -md_gost94 -sign",
    );
}

fn ossl_verify94(pubk: &Path, sig: &Path, msg: &Path) -> bool {
    openssl(&[
        &"dgst",
        &"-md_gost94",
        &"-verify",
        &pubk,
        &"-signature",
        &sig,
        &msg,
    ])
    .status
    .success()
}

#[test]
fn gost2001_keys_sign_and_verify_with_gost94_both_directions() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    for ps in ["A", "B", "C", "XA", "XB"] {
        let (key_path, pub_path) = openssl_genkey(dir.path(), "gost2001", ps);
        let key = keys::decode_private_key(&fs::read(&key_path).unwrap()).unwrap();
        let vk = keys::decode_public_key(&fs::read(&pub_path).unwrap()).unwrap();
        assert!(key.is_gost2001() && vk.is_gost2001(), "{ps}");
        assert_eq!(key.hash_alg(), HashAlg::Gost94);
        assert_eq!(vk.hash_alg(), HashAlg::Gost94);
        assert_eq!(key.verifying_key(), &vk);

        let msg = dir.path().join("msg");
        let data = format!("GOST R 34.10-2001 message on paramset {ps}").repeat(7);
        fs::write(&msg, &data).unwrap();

        // Ours (Signer), verified by OpenSSL with GOST R 34.11-94.
        let sig: Signature = key.sign(data.as_bytes());
        let ours = dir.path().join("ours.sig");
        fs::write(&ours, sig.as_bytes()).unwrap();
        assert!(
            ossl_verify94(&pub_path, &ours, &msg),
            "{ps}: openssl rejects ours"
        );

        // OpenSSL's, verified by ours (Verifier); a Streebog digest does not verify it.
        let theirs = dir.path().join("theirs.sig");
        ossl_sign94(&key_path, &theirs, &msg);
        let sig = Signature::from_slice(&fs::read(&theirs).unwrap()).unwrap();
        vk.verify(data.as_bytes(), &sig).unwrap();
        assert!(
            vk.verify_prehash(&HashAlg::Streebog256.digest(data.as_bytes()), &sig)
                .is_err()
        );

        // The CLI: raw-sign verified by OpenSSL, OpenSSL's verified by raw-verify.
        let out = run(&[
            "raw-sign",
            "--key",
            key_path.to_str().unwrap(),
            "--format",
            "bin",
            msg.to_str().unwrap(),
        ]);
        ok(&out, "gostcms raw-sign (2001 key)");
        fs::write(&ours, &out.stdout).unwrap();
        assert!(
            ossl_verify94(&pub_path, &ours, &msg),
            "{ps}: openssl rejects raw-sign"
        );
        let out = run(&[
            "raw-verify",
            "--cert",
            pub_path.to_str().unwrap(),
            "--signature",
            theirs.to_str().unwrap(),
            msg.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{ps}: {}", stderr(&out));

        // Written back out, the key keeps its 2001 algorithm; OpenSSL reads it.
        let pem = dir.path().join("back.pem");
        fs::write(&pem, key.to_pkcs8_pem().as_bytes()).unwrap();
        let again = keys::decode_private_key(&fs::read(&pem).unwrap()).unwrap();
        assert!(again.is_gost2001());
        ossl_sign94(&pem, &theirs, &msg);
        let sig = Signature::from_slice(&fs::read(&theirs).unwrap()).unwrap();
        vk.verify(data.as_bytes(), &sig).unwrap();
    }
}

#[test]
fn gost2012_keys_still_hash_with_streebog() {
    let key = SigningKey::generate(CurveId::CryptoProA).unwrap();
    assert!(!key.is_gost2001());
    assert_eq!(key.hash_alg(), HashAlg::Streebog256);
    let legacy = key.clone().into_gost2001().unwrap();
    assert_eq!(legacy.hash_alg(), HashAlg::Gost94);
    // Same point: the same key for equality.
    assert_eq!(legacy.verifying_key(), key.verifying_key());
    // A 2001 signature is over GOST R 34.11-94: the 2012 view rejects it.
    let sig = legacy.sign(b"m");
    legacy.verifying_key().verify(b"m", &sig).unwrap();
    assert!(key.verifying_key().verify(b"m", &sig).is_err());
    assert!(
        SigningKey::generate(CurveId::Tc26_512A)
            .unwrap()
            .into_gost2001()
            .is_err()
    );
}

#[test]
fn esia_refuses_gost2001_keys() {
    let key = SigningKey::generate(CurveId::CryptoProA)
        .unwrap()
        .into_gost2001()
        .unwrap();
    let cert = keys::self_signed(&key, "CN=Legacy 2001", 30, None).unwrap();
    let cert = Certificate::from_pem_or_der(cert.to_pem().as_bytes()).unwrap();
    assert!(cert.verifying_key().unwrap().is_gost2001());
    let signer = CmsSigner::new(key, cert).unwrap();
    let want = "ESIA requires GOST R 34.10-2012";
    let err = ClientSecretBuilder::new(Flow::Authorize)
        .client_id("TEST")
        .scope("openid")
        .redirect_uri("https://example.org/")
        .build(&signer)
        .unwrap_err();
    assert!(err.to_string().contains(want), "{err}");
    let err = gostcms::esia::request_data_sign(&signer, b"{}").unwrap_err();
    assert!(err.to_string().contains(want), "{err}");
    let err = gostcms::esia::sign_uuid(
        &signer,
        "8a4f7a6e-0c9b-4d53-9a8b-4c2f4b9b4e2a",
        &UuidSignatureOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains(want), "{err}");
}

/// PKCS#8 with the key-agreement OIDs (as Bouncy Castle writes exchange
/// keys): OpenSSL's key re-labelled 1.2.643.7.1.1.6.1 / .6.2 loads, and
/// what it signs OpenSSL verifies with the original public key.
#[test]
fn key_agreement_oid_pkcs8_loads_and_signs() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    for (alg, ps, agreement, md) in [
        ("gost2012_256", "A", "2a850307010106 01", "-md_gost12_256"),
        ("gost2012_512", "A", "2a850307010106 02", "-md_gost12_512"),
    ] {
        let (key_path, pub_path) = openssl_genkey(dir.path(), alg, ps);
        let der = gostcms::encoding::pem::decode_any(&fs::read(&key_path).unwrap())
            .unwrap()
            .der
            .to_vec();
        let relabelled = relabel(&der, &hex::decode(agreement.replace(' ', "")).unwrap());
        let (key, algorithm) = keys::decode_private_key_der(&relabelled).unwrap();
        assert_eq!(algorithm.algorithm.to_string(), {
            let a = if alg.ends_with("256") { "1" } else { "2" };
            format!("1.2.643.7.1.1.6.{a}")
        });
        assert!(!key.is_gost2001());
        // The import entry point takes it too.
        let imported = gostcms::import::from_bytes(&relabelled, b"").unwrap();
        assert_eq!(imported.key.verifying_key(), key.verifying_key());

        let msg = dir.path().join("msg");
        fs::write(&msg, b"signed with an exchange key").unwrap();
        let sig: Signature = key.sign(b"signed with an exchange key");
        let sig_path = dir.path().join("sig");
        fs::write(&sig_path, sig.as_bytes()).unwrap();
        let verified = openssl(&[
            &"dgst",
            &md,
            &"-verify",
            &pub_path,
            &"-signature",
            &sig_path,
            &msg,
        ]);
        ok(&verified, "openssl verifies the exchange key's signature");
        let vk: VerifyingKey = *key.verifying_key();
        let their = keys::decode_public_key(&fs::read(&pub_path).unwrap()).unwrap();
        assert_eq!(vk, their);
    }
}

/// Replaces the algorithm OID in PrivateKeyInfo's privateKeyAlgorithm.
fn relabel(der: &[u8], oid_content: &[u8]) -> Vec<u8> {
    // SEQUENCE { INTEGER 0, SEQUENCE { OID, params }, OCTET STRING, ... }
    let (content, _) = split(der);
    let (version, rest) = next(content);
    let (alg, rest) = next(rest);
    let (alg_content, _) = split(alg);
    let (old_oid, params) = next(alg_content);
    assert_eq!(old_oid[0], 0x06);
    let mut new_alg = tlv(0x06, oid_content);
    new_alg.extend_from_slice(params);
    let mut out = version.to_vec();
    out.extend_from_slice(&tlv(0x30, &new_alg));
    out.extend_from_slice(rest);
    tlv(0x30, &out)
}

/// (content, rest) of the element at the start of `b`.
fn split(b: &[u8]) -> (&[u8], &[u8]) {
    let (hdr, len) = header(b);
    (&b[hdr..hdr + len], &b[hdr + len..])
}

/// (whole element, rest).
fn next(b: &[u8]) -> (&[u8], &[u8]) {
    let (hdr, len) = header(b);
    b.split_at(hdr + len)
}

fn header(b: &[u8]) -> (usize, usize) {
    if b[1] < 0x80 {
        (2, b[1] as usize)
    } else {
        let k = (b[1] & 0x7f) as usize;
        let len = b[2..2 + k]
            .iter()
            .fold(0usize, |a, &x| (a << 8) | x as usize);
        (2 + k, len)
    }
}
