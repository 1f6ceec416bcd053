//! Key import from CryptoPro containers, PFX files and encrypted PKCS#8.
//!
//! Oracles:
//! * the expected private keys in `vectors/cryptopro/*/meta.json` (from the
//!   source repositories' tests; values marked `*_computed_here` were
//!   computed with pygost when the vectors were collected);
//! * the certificates shipped with each sample: the imported key's public
//!   point must equal the certificate's;
//! * OpenSSL's gost engine: it verifies signatures made with imported keys,
//!   reads the PEM that `key import` writes, and produces encrypted PKCS#8
//!   and PFX files that must import to the key it started from.
//!
//! Wrong secrets and damaged files must give typed errors, never a panic or
//! a different key.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{
    crate_path, engine_available, ok, openssl, openssl_genkey, openssl_self_signed, run, stderr,
};
use gostcms::import::{self, Container, ImportedKey, Pfx, Slot};
use gostcms::keys::{self, Certificate};
use gostcms::{CurveId, Error, HashAlg, SigningKey};
use serde_json::Value;

fn vector(rel: &str) -> PathBuf {
    crate_path("vectors").join(rel)
}

fn meta(dir: &str) -> Value {
    let text = fs::read_to_string(vector(&format!("cryptopro/{dir}/meta.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn d_le(key: &ImportedKey) -> String {
    hex::encode(key.key.to_scalar_le().as_slice())
}

fn cert(rel: &str) -> Certificate {
    Certificate::from_pem_or_der(&fs::read(vector(rel)).unwrap()).unwrap()
}

/// Signs `msg` with the imported key (Streebog of its size, or GOST R
/// 34.11-94 for 2001 keys) and has OpenSSL verify it against `cert`.
fn openssl_verifies(key: &ImportedKey, cert: &Certificate, dir: &Path, tag: &str) {
    let msg = dir.join(format!("{tag}.msg"));
    let sig = dir.join(format!("{tag}.sig"));
    let certp = dir.join(format!("{tag}.crt"));
    let pubp = dir.join(format!("{tag}.pub"));
    let data = format!("gostcms key import check {tag}");
    fs::write(&msg, &data).unwrap();
    fs::write(&certp, cert.to_pem()).unwrap();
    ok(
        &openssl(&[
            &"x509", &"-in", &certp, &"-pubkey", &"-noout", &"-out", &pubp,
        ]),
        "x509 -pubkey",
    );
    let (alg, md) = if key.algorithm.is_2001() {
        (HashAlg::Gost94, "-md_gost94")
    } else if key.key.curve().key_size().coordinate_len() == 64 {
        (HashAlg::Streebog512, "-md_gost12_512")
    } else {
        (HashAlg::Streebog256, "-md_gost12_256")
    };
    let signature = key.key.sign_prehash(&alg.digest(data.as_bytes())).unwrap();
    fs::write(&sig, signature.as_bytes()).unwrap();
    let out = openssl(&[&"dgst", &md, &"-verify", &pubp, &"-signature", &sig, &msg]);
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Verified OK"),
        "{tag}: openssl does not verify a signature of the imported key: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------
// CryptoPro containers

struct ContainerSample {
    dir: &'static str,
    folder: &'static str,
    cert: &'static str,
}

const CONTAINERS: [ContainerSample; 3] = [
    ContainerSample {
        dir: "ilimurzin-esia",
        folder: "otvconba.000",
        cert: "cryptopro/ilimurzin-esia/otvconba.cer",
    },
    ContainerSample {
        dir: "svkreml-extractpkey",
        folder: "00000000.000",
        cert: "cryptopro/svkreml-extractpkey/00000000.000/user.crt",
    },
    ContainerSample {
        dir: "91team-cryptopro",
        folder: "srv.000",
        cert: "cryptopro/91team-cryptopro/header_embedded_cert.der",
    },
];

fn container_path(s: &ContainerSample) -> PathBuf {
    vector(&format!("cryptopro/{}/{}", s.dir, s.folder))
}

#[test]
fn containers_yield_their_expected_keys_in_both_slots() {
    for s in &CONTAINERS {
        let m = meta(s.dir);
        let pin = m["pin"].as_str().unwrap();
        let want = m["expected"]["private_key_d_little_endian_hex"]
            .as_str()
            .unwrap();
        let c = Container::open(&container_path(s)).unwrap();
        assert_eq!(c.curve(), CurveId::CryptoProXchA, "{}", s.dir);
        assert_eq!(c.has_pin(), !pin.is_empty(), "{}", s.dir);
        for slot in [Slot::Primary, Slot::Reserve] {
            let key = c.decrypt_slot(pin.as_bytes(), slot).unwrap();
            assert_eq!(d_le(&key), want, "{} {slot:?}", s.dir);
        }
        let key = c.decrypt(pin.as_bytes()).unwrap();
        // The certificate shipped beside the container is the strong oracle.
        let shipped = cert(s.cert);
        key.check_certificate(&shipped).unwrap();
        let embedded = key
            .certificate
            .as_ref()
            .expect("header.key holds a certificate");
        assert_eq!(embedded.der(), shipped.der(), "{}", s.dir);
        let spki_octets = hex::encode(key.key.verifying_key().to_le_bytes());
        assert_eq!(
            spki_octets,
            m["expected"]["public_key_as_in_certificate_SPKI_octets_hex (X_le||Y_le)"]
                .as_str()
                .unwrap(),
            "{}",
            s.dir
        );
        assert!(!key.algorithm.is_2001());
        assert_eq!(key.algorithm.algorithm.to_string(), "1.2.643.7.1.1.1.1");
    }
}

#[test]
fn container_key_equals_the_openssl_encrypted_pkcs8_copy() {
    // ilimurzin ships the same key as PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)
    // written by OpenSSL: an independent route to the same scalar.
    let pem = fs::read(vector("cryptopro/ilimurzin-esia/private.pem")).unwrap();
    let from_pem = import::decode_encrypted_private_key(&pem, b"test").unwrap();
    let from_container = Container::open(&container_path(&CONTAINERS[0]))
        .unwrap()
        .decrypt(b"1xqoyc4e")
        .unwrap();
    assert_eq!(
        from_pem.to_scalar_le().as_slice(),
        from_container.key.to_scalar_le().as_slice()
    );
    assert!(matches!(
        import::decode_encrypted_private_key(&pem, b"wrong"),
        Err(Error::WrongSecret(_))
    ));
    // Without a password the plain reader says what to do.
    let err = keys::decode_private_key(&pem).unwrap_err().to_string();
    assert!(err.contains("needs a password"), "{err}");
}

#[test]
fn container_wrong_or_missing_pin_is_a_typed_error() {
    let c = Container::open(&container_path(&CONTAINERS[0])).unwrap();
    match c.decrypt(b"1xqoyc4f") {
        Err(Error::WrongSecret(msg)) => {
            assert_eq!(msg, "wrong PIN for container otvconba (MAC check failed)")
        }
        other => panic!("expected a wrong-PIN error, got {other:?}"),
    }
    assert!(matches!(c.decrypt(b""), Err(Error::WrongSecret(_))));
    // A container without a PIN ignores one given anyway.
    let s = &CONTAINERS[2];
    let key = Container::open(&container_path(s))
        .unwrap()
        .decrypt(b"11111111")
        .unwrap();
    assert_eq!(
        d_le(&key),
        meta(s.dir)["expected"]["private_key_d_little_endian_hex"]
            .as_str()
            .unwrap()
    );
}

/// Copies a container folder to a temporary one.
fn copy_container(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "key") {
            fs::copy(entry.path(), dst.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn damaged_containers_fail_cleanly_or_fall_back_to_the_reserve_copy() {
    let tmp = common::tempdir();
    let s = &CONTAINERS[1];
    let m = meta(s.dir);
    let pin = m["pin"].as_str().unwrap().as_bytes().to_vec();
    let want = m["expected"]["private_key_d_little_endian_hex"]
        .as_str()
        .unwrap()
        .to_owned();
    let src = container_path(s);
    let work = tmp.path().join("c.000");
    copy_container(&src, &work);
    let files = [
        "header.key",
        "masks.key",
        "masks2.key",
        "primary.key",
        "primary2.key",
        "name.key",
    ];
    let mut outcomes = [0usize; 2]; // [errors, same key]
    let mut check = |label: &str| {
        let result = Container::open(&work).and_then(|c| c.decrypt(&pin));
        match result {
            Ok(key) => {
                assert_eq!(
                    d_le(&key),
                    want,
                    "{label}: a damaged container gave another key"
                );
                outcomes[1] += 1;
            }
            Err(_) => outcomes[0] += 1,
        }
    };
    for file in files {
        let original = fs::read(src.join(file)).unwrap();
        // Truncations.
        for len in [
            0,
            1,
            2,
            original.len() / 2,
            original.len().saturating_sub(1),
        ] {
            fs::write(work.join(file), &original[..len]).unwrap();
            check(&format!("{file} truncated to {len}"));
        }
        // One flipped bit per byte (the header in steps, it is large).
        let step = if original.len() > 200 { 7 } else { 1 };
        for i in (0..original.len()).step_by(step) {
            let mut bad = original.clone();
            bad[i] ^= 1 << (i % 8);
            fs::write(work.join(file), &bad).unwrap();
            check(&format!("{file} bit flip at {i}"));
        }
        // Missing file.
        fs::remove_file(work.join(file)).unwrap();
        check(&format!("{file} missing"));
        fs::write(work.join(file), &original).unwrap();
    }
    assert!(outcomes[0] > 100 && outcomes[1] > 10, "{outcomes:?}");
}

#[test]
fn damaged_header_and_masks_name_the_file() {
    let tmp = common::tempdir();
    let src = container_path(&CONTAINERS[0]);
    for (file, offset) in [("header.key", 300), ("masks.key", 10), ("masks2.key", 10)] {
        let work = tmp.path().join(format!("{file}.000"));
        copy_container(&src, &work);
        let mut bytes = fs::read(work.join(file)).unwrap();
        bytes[offset] ^= 0x40;
        fs::write(work.join(file), &bytes).unwrap();
        let result = Container::open(&work).and_then(|c| c.decrypt(b"1xqoyc4e"));
        match (file, result) {
            ("header.key", Err(Error::Integrity(msg))) => {
                assert!(msg.contains("header.key"), "{msg}")
            }
            // One mask damaged: the other copy still yields the key.
            (_, Ok(key)) => assert_eq!(
                d_le(&key),
                meta("ilimurzin-esia")["expected"]["private_key_d_little_endian_hex"]
                    .as_str()
                    .unwrap()
            ),
            (file, other) => panic!("{file}: unexpected {other:?}"),
        }
        let err = Container::open(&work)
            .and_then(|c| {
                c.decrypt_slot(
                    b"1xqoyc4e",
                    if file == "masks2.key" {
                        Slot::Reserve
                    } else {
                        Slot::Primary
                    },
                )
            })
            .unwrap_err();
        assert!(err.to_string().contains(file), "{file}: {err}");
    }
}

#[test]
fn unsupported_container_version_is_reported() {
    let tmp = common::tempdir();
    let work = tmp.path().join("v.000");
    copy_container(&container_path(&CONTAINERS[0]), &work);
    // Turn 1.2.643.2.2.37.2.1 into 1.2.643.2.2.37.2.9: the header MAC
    // breaks too, so the version check must come first to be reported.
    let mut header = fs::read(work.join("header.key")).unwrap();
    let oid = [0x2A, 0x85, 0x03, 0x02, 0x02, 0x25, 0x02, 0x01];
    let at = header.windows(8).position(|w| w == oid).unwrap();
    header[at + 7] = 0x09;
    fs::write(work.join("header.key"), &header).unwrap();
    match Container::open(&work) {
        Err(Error::Unsupported(msg)) => assert!(msg.contains("1.2.643.2.2.37.2.9"), "{msg}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn container_keys_sign_what_openssl_verifies() {
    if !engine_available() {
        return;
    }
    let tmp = common::tempdir();
    for s in &CONTAINERS {
        let pin = meta(s.dir)["pin"].as_str().unwrap().to_owned();
        let key = import::open(&container_path(s), pin.as_bytes()).unwrap();
        openssl_verifies(&key, &cert(s.cert), tmp.path(), s.dir);
    }
}

// ---------------------------------------------------------------------------
// PFX

struct PfxSample {
    file: &'static str,
    password: &'static str,
    d_le: &'static str,
    cert: &'static str,
}

fn pfx_samples() -> Vec<PfxSample> {
    vec![
        PfxSample {
            file: "cryptopro/pygost-r50.1.112-2016/example.pfx",
            password: "Пароль для PFX",
            d_le: "5222ef9c5522b453eba66b00fd0007230850996a24418f5b64195db0a334ea2b",
            cert: "cryptopro/pygost-r50.1.112-2016/cert.der",
        },
        PfxSample {
            file: "cryptopro/pygost-pfx2020/cert_and_encrypted_key.pfx",
            password: "Пароль для PFX",
            d_le: "116925f9e6e5b075acf3a48d8112aa4b130e80685bbd1fee679fd659f74d1b56\
                   b1bd4c158697172310d9526cd0b8dcea24192c788edfe7f2635f24c5445d5af9",
            cert: "cryptopro/pygost-pfx2020/cert_test.der",
        },
        PfxSample {
            file: "cryptopro/pygost-pfx2020/encrypted_cert_and_key.pfx",
            password: "Пароль для PFX",
            d_le: "116925f9e6e5b075acf3a48d8112aa4b130e80685bbd1fee679fd659f74d1b56\
                   b1bd4c158697172310d9526cd0b8dcea24192c788edfe7f2635f24c5445d5af9",
            cert: "cryptopro/pygost-pfx2020/cert_test.der",
        },
        PfxSample {
            file: "cryptopro/loadtestingru-crypto/pfx1.pfx",
            password: "12345",
            d_le: "f37f5ada95f8c09bb4de4a75834fdb57a450195ce68fb528f886087142a618f5",
            cert: "cryptopro/loadtestingru-crypto/pfx1.cert.der",
        },
        PfxSample {
            file: "cryptopro/loadtestingru-crypto/pfx2.pfx",
            password: "1234567890",
            d_le: "b3a4c8bb9f491a9cd5658d8dfb4a0b6c5061e48249d223c85d03a8420ab236be",
            cert: "cryptopro/loadtestingru-crypto/pfx2.cert.der",
        },
        PfxSample {
            file: "cryptopro/bc-java-pkcs12storetest/gostPfx.pfx",
            password: "1",
            d_le: "37528def995b7e702826a22bfb7b53b5d99c402fdceb57c7179dc13b13c00a6b",
            cert: "cryptopro/bc-java-pkcs12storetest/gostPfx.cert.der",
        },
        PfxSample {
            file: "cryptopro/bc-java-pkcs12storetest/gostOpenSSLIntegerDPfx.pfx",
            password: "password",
            d_le: "cb4ab01cdff1a2d1453bba549b7b09adf9681ddf232e2356e3be08a3101487c4",
            cert: "cryptopro/bc-java-pkcs12storetest/gostOpenSSLIntegerDPfx.cert.der",
        },
        // The same R 50.1.112 example as carried in vectors/pfx.
        PfxSample {
            file: "pfx/r50.1.112-2016_example.pfx",
            password: "Пароль для PFX",
            d_le: "5222ef9c5522b453eba66b00fd0007230850996a24418f5b64195db0a334ea2b",
            cert: "pfx/expected_certificate.der",
        },
    ]
}

#[test]
fn every_pfx_sample_yields_its_key_and_certificate() {
    for s in pfx_samples() {
        let bytes = fs::read(vector(s.file)).unwrap();
        let contents = Pfx::parse(&bytes)
            .and_then(|p| p.decrypt(s.password.as_bytes()))
            .unwrap_or_else(|e| panic!("{}: {e}", s.file));
        assert_eq!(contents.keys.len(), 1, "{}", s.file);
        let key = contents.into_key().unwrap();
        assert_eq!(d_le(&key), s.d_le.replace(' ', ""), "{}", s.file);
        let shipped = cert(s.cert);
        key.check_certificate(&shipped)
            .unwrap_or_else(|e| panic!("{}: {e}", s.file));
        let found = key.certificate.as_ref().expect("the PFX's certificate");
        assert_eq!(found.der(), shipped.der(), "{}", s.file);
        // The generic entry point detects the format.
        let again = import::from_bytes(&bytes, s.password.as_bytes()).unwrap();
        assert_eq!(d_le(&again), d_le(&key));
    }
}

#[test]
fn legacy_2001_pfx_keys_keep_their_algorithm() {
    for (file, pw) in [
        ("cryptopro/bc-java-pkcs12storetest/gostPfx.pfx", "1"),
        (
            "cryptopro/bc-java-pkcs12storetest/gostOpenSSLIntegerDPfx.pfx",
            "password",
        ),
    ] {
        let key = import::from_bytes(&fs::read(vector(file)).unwrap(), pw.as_bytes()).unwrap();
        assert!(key.algorithm.is_2001(), "{file}");
        let der = key.to_pkcs8_der();
        let (back, alg) = keys::decode_private_key_der(&der).unwrap();
        assert!(alg.is_2001());
        assert_eq!(
            back.to_scalar_le().as_slice(),
            key.key.to_scalar_le().as_slice()
        );
    }
}

#[test]
fn r50_pfx_key_bag_decrypts_to_the_standard_plaintext() {
    // The standard's expected PrivateKeyInfo (masked 64-byte form) gives the same key.
    let expected = fs::read(vector(
        "cryptopro/pygost-r50.1.112-2016/expected_private_key_info.der",
    ))
    .unwrap();
    let (want, _) = keys::decode_private_key_der(&expected).unwrap();
    let got = import::open(
        &vector("cryptopro/pygost-r50.1.112-2016/example.pfx"),
        "Пароль для PFX".as_bytes(),
    )
    .unwrap();
    assert_eq!(
        want.to_scalar_le().as_slice(),
        got.key.to_scalar_le().as_slice()
    );
    let expected = fs::read(vector(
        "cryptopro/pygost-pfx2020/expected_private_key_info.der",
    ))
    .unwrap();
    let (want, _) = keys::decode_private_key_der(&expected).unwrap();
    let got = import::open(
        &vector("cryptopro/pygost-pfx2020/encrypted_cert_and_key.pfx"),
        "Пароль для PFX".as_bytes(),
    )
    .unwrap();
    assert_eq!(
        want.to_scalar_le().as_slice(),
        got.key.to_scalar_le().as_slice()
    );
}

#[test]
fn pfx_wrong_password_is_a_typed_error() {
    for s in pfx_samples() {
        let bytes = fs::read(vector(s.file)).unwrap();
        match Pfx::parse(&bytes).unwrap().decrypt(b"not the password") {
            Err(Error::WrongSecret(msg)) => {
                assert_eq!(
                    msg, "wrong password for PFX (MAC check failed)",
                    "{}",
                    s.file
                )
            }
            other => panic!("{}: expected WrongSecret, got {other:?}", s.file),
        }
    }
}

/// The public-key-protected sample (TC26 2020 revision, via pygost): a PFX
/// whose AuthenticatedSafe is signed by the sender and whose key bag is in
/// EnvelopedData for the recipient. The recipient's d (big-endian) is in
/// its meta.json, taken from pygost's test.
const DH_DIR: &str = "cryptopro/pygost-pfx2020";
const DH_RECIPIENT_D_BE: &str = "0DC8DC1FF2BC114BABC3F1CA8C51E4F58610427E197B1C2FBDBA4AE58CBFB7CE";

/// The key the public-key-protected sample holds: d, little-endian hex.
fn dh_expected_d() -> String {
    meta("pygost-pfx2020")["expected"]["private_key_d_little_endian_hex"]
        .as_str()
        .unwrap()
        .to_string()
}

fn dh_recipient() -> SigningKey {
    let cert = cert(&format!("{DH_DIR}/dh_recipient_cert.der"));
    let public = cert.verifying_key().unwrap();
    let key = SigningKey::from_scalar_be(public.curve(), &hex::decode(DH_RECIPIENT_D_BE).unwrap())
        .unwrap();
    assert_eq!(
        key.verifying_key(),
        &public,
        "the recipient key matches its certificate"
    );
    key
}

#[test]
fn public_key_protected_pfx_yields_its_key() {
    let bytes = fs::read(vector(&format!("{DH_DIR}/public_key_protected_dh.pfx"))).unwrap();
    let pfx = Pfx::parse(&bytes).unwrap();
    match pfx.decrypt(b"") {
        Err(Error::MissingParameter(m)) => assert!(m.contains("recipient's private key"), "{m}"),
        other => panic!("expected MissingParameter, got {other:?}"),
    }
    let contents = pfx.decrypt_with_key(&dh_recipient(), b"").unwrap();
    assert_eq!(contents.keys.len(), 1);
    let signer = contents
        .signer
        .clone()
        .expect("a signed PFX names its signer");
    assert_eq!(
        signer.der(),
        cert(&format!("{DH_DIR}/dh_sender_cert.der")).der(),
        "the SignedData signer is the sender"
    );
    let key = contents.into_key().unwrap();
    let want = dh_expected_d();
    assert_eq!(d_le(&key), want);
    // The key bag equals the expected OneAsymmetricKey's key.
    let expected = keys::decode_private_key(
        &fs::read(vector(&format!("{DH_DIR}/expected_private_key_info.der"))).unwrap(),
    )
    .unwrap();
    assert_eq!(key.key.to_scalar_le(), expected.to_scalar_le());
    let shipped = cert(&format!("{DH_DIR}/cert_test.der"));
    key.check_certificate(&shipped).unwrap();
    assert_eq!(key.certificate.as_ref().unwrap().der(), shipped.der());
    if engine_available() {
        let tmp = common::tempdir();
        openssl_verifies(&key, &shipped, tmp.path(), "dh");
    }
}

#[test]
fn public_key_protected_pfx_wrong_key_or_damage_is_a_typed_error() {
    let bytes = fs::read(vector(&format!("{DH_DIR}/public_key_protected_dh.pfx"))).unwrap();
    let pfx = Pfx::parse(&bytes).unwrap();
    let stranger = SigningKey::generate(CurveId::Tc26_256A).unwrap();
    match pfx.decrypt_with_key(&stranger, b"") {
        Err(Error::WrongSecret(m)) => assert!(m.contains("another key"), "{m}"),
        other => panic!("expected WrongSecret, got {other:?}"),
    }
    let other_curve = SigningKey::generate(CurveId::Tc26_512A).unwrap();
    assert!(matches!(
        pfx.decrypt_with_key(&other_curve, b""),
        Err(Error::KeyMismatch(_))
    ));
    let recipient = dh_recipient();
    let want = dh_expected_d();
    // Every bit flip and truncation: an error or (bits outside what is
    // signed, e.g. the unsigned certificate list) the same key.
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 1 << (i % 8);
        match Pfx::parse(&bad).and_then(|p| p.decrypt_with_key(&recipient, b"")) {
            Ok(c) => assert_eq!(d_le(&c.into_key().unwrap()), want, "bit flip at {i}"),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    for len in (0..bytes.len()).step_by(7) {
        assert!(
            Pfx::parse(&bytes[..len])
                .and_then(|p| p.decrypt_with_key(&recipient, b""))
                .is_err(),
            "truncated to {len}"
        );
    }
    // A signature that does not verify is an integrity error.
    let sig_at = bytes.len() - 10;
    let mut bad = bytes.clone();
    bad[sig_at] ^= 0x01;
    match Pfx::parse(&bad) {
        Err(Error::Integrity(m)) => assert!(m.contains("signature"), "{m}"),
        other => panic!("expected Integrity, got {other:?}"),
    }
}

#[test]
fn damaged_pfx_files_fail_cleanly() {
    for s in pfx_samples() {
        let original = fs::read(vector(s.file)).unwrap();
        let want = s.d_le.replace(' ', "");
        let try_bytes = |bytes: &[u8], label: &str| {
            if let Ok(key) = import::from_bytes(bytes, s.password.as_bytes()) {
                assert_eq!(d_le(&key), want, "{}: {label} gave another key", s.file);
            }
        };
        for len in [0, 1, 4, 30, original.len() / 2, original.len() - 1] {
            try_bytes(&original[..len], &format!("truncated to {len}"));
        }
        for i in (0..original.len()).step_by(23) {
            let mut bad = original.clone();
            bad[i] ^= 1 << (i % 8);
            try_bytes(&bad, &format!("bit flip at {i}"));
        }
    }
}

#[test]
fn pfx_keys_sign_what_openssl_verifies() {
    if !engine_available() {
        return;
    }
    let tmp = common::tempdir();
    for (i, s) in pfx_samples().into_iter().enumerate() {
        let key = import::open(&vector(s.file), s.password.as_bytes()).unwrap();
        openssl_verifies(&key, &cert(s.cert), tmp.path(), &format!("pfx{i}"));
    }
}

// ---------------------------------------------------------------------------
// OpenSSL as the producer of encrypted PKCS#8 and PFX

fn openssl_key_and_cert(dir: &Path, alg: &str, paramset: &str) -> (PathBuf, PathBuf) {
    let (key, _) = openssl_genkey(dir, alg, paramset);
    (
        key.clone(),
        openssl_self_signed(&key, "/CN=gostcms import test"),
    )
}

#[test]
fn openssl_encrypted_pkcs8_imports() {
    if !engine_available() {
        return;
    }
    let tmp = common::tempdir();
    for (alg, ps) in [
        ("gost2012_256", "A"),
        ("gost2012_256", "TCA"),
        ("gost2012_512", "A"),
        ("gost2012_512", "C"),
    ] {
        let (plain, _) = openssl_key_and_cert(tmp.path(), alg, ps);
        let want = keys::decode_private_key(&fs::read(&plain).unwrap()).unwrap();
        let schemes: [&[&str]; 8] = [
            &["-v2", "gost89"],
            &["-v2", "kuznyechik-ctr-acpkm"],
            &["-v2", "magma-ctr-acpkm"],
            &["-v2", "aes-256-cbc"],
            &["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"],
            &["-v2", "des-ede3-cbc"],
            &["-v1", "PBE-SHA1-3DES"],
            &["-v1", "PBE-SHA1-2DES"],
        ];
        for scheme in schemes {
            let out = tmp.path().join("enc.pem");
            let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
                &"pkcs8",
                &"-topk8",
                &"-in",
                &plain,
                &"-out",
                &out,
                &"-passout",
                &"pass:пароль 1",
            ];
            for a in scheme {
                args.push(a);
            }
            ok(&openssl(&args), &format!("pkcs8 -topk8 {scheme:?}"));
            let pem = fs::read(&out).unwrap();
            let got = import::decode_encrypted_private_key(&pem, "пароль 1".as_bytes())
                .unwrap_or_else(|e| panic!("{alg} {ps} {scheme:?}: {e}"));
            assert_eq!(
                got.to_scalar_le().as_slice(),
                want.to_scalar_le().as_slice(),
                "{alg} {ps} {scheme:?}"
            );
            let wrong = import::decode_encrypted_private_key(&pem, b"wrong");
            assert!(
                matches!(wrong, Err(Error::WrongSecret(_))),
                "{alg} {ps} {scheme:?}: {wrong:?}"
            );
        }
    }
}

#[test]
fn openssl_pfx_exports_import() {
    if !engine_available() {
        return;
    }
    let tmp = common::tempdir();
    for (alg, ps) in [("gost2012_256", "XA"), ("gost2012_512", "B")] {
        let (plain, crt) = openssl_key_and_cert(tmp.path(), alg, ps);
        let want = keys::decode_private_key(&fs::read(&plain).unwrap()).unwrap();
        let shipped = Certificate::from_pem_or_der(&fs::read(&crt).unwrap()).unwrap();
        for (keypbe, certpbe, macalg) in [
            ("gost89", "gost89", "md_gost12_512"),
            ("gost89", "gost89", "md_gost12_256"),
            ("gost89", "NONE", "md_gost94"),
            (
                "kuznyechik-ctr-acpkm",
                "kuznyechik-ctr-acpkm",
                "md_gost12_512",
            ),
            ("magma-ctr-acpkm", "magma-ctr-acpkm", "md_gost12_256"),
            ("aes-256-cbc", "aes-128-cbc", "sha256"),
            ("PBE-SHA1-3DES", "PBE-SHA1-3DES", "sha1"),
        ] {
            let out = tmp.path().join("x.pfx");
            ok(
                &openssl(&[
                    &"pkcs12",
                    &"-export",
                    &"-inkey",
                    &plain,
                    &"-in",
                    &crt,
                    &"-keypbe",
                    &keypbe,
                    &"-certpbe",
                    &certpbe,
                    &"-macalg",
                    &macalg,
                    &"-passout",
                    &"pass:секрет",
                    &"-out",
                    &out,
                ]),
                "pkcs12 -export",
            );
            let label = format!("{alg} {ps} {keypbe}/{certpbe}/{macalg}");
            let contents = Pfx::parse(&fs::read(&out).unwrap())
                .and_then(|p| p.decrypt("секрет".as_bytes()))
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            let key = contents.into_key().unwrap();
            assert_eq!(
                key.key.to_scalar_le().as_slice(),
                want.to_scalar_le().as_slice(),
                "{label}"
            );
            assert_eq!(
                key.certificate.as_ref().map(|c| c.der().to_vec()),
                Some(shipped.der().to_vec()),
                "{label}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The command line

#[test]
fn cli_key_import_from_container_writes_pem_openssl_reads() {
    let tmp = common::tempdir();
    let dir = container_path(&CONTAINERS[0]);
    let key = tmp.path().join("k.pem");
    let crt = tmp.path().join("c.pem");
    let out = run(&[
        "key",
        "import",
        "--container",
        dir.to_str().unwrap(),
        "--pin",
        "1xqoyc4e",
        "--out",
        key.to_str().unwrap(),
        "--cert-out",
        crt.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written = keys::decode_private_key(&fs::read(&key).unwrap()).unwrap();
    assert_eq!(
        hex::encode(written.to_scalar_le().as_slice()),
        meta("ilimurzin-esia")["expected"]["private_key_d_little_endian_hex"]
            .as_str()
            .unwrap()
    );
    let written_cert = Certificate::from_pem_or_der(&fs::read(&crt).unwrap()).unwrap();
    assert_eq!(written_cert.der(), cert(CONTAINERS[0].cert).der());
    if engine_available() {
        let text = openssl(&[&"pkey", &"-in", &key, &"-noout", &"-text"]);
        ok(&text, "openssl pkey -text on the imported key");
        // OpenSSL derives the same public key as the certificate's.
        let a = openssl(&[&"pkey", &"-in", &key, &"-pubout"]);
        let b = openssl(&[&"x509", &"-in", &crt, &"-pubkey", &"-noout"]);
        ok(&a, "pkey -pubout");
        ok(&b, "x509 -pubkey");
        assert_eq!(a.stdout, b.stdout);
    }

    // Wrong PIN: exit 2, one line naming the container.
    let out = run(&[
        "key",
        "import",
        "--container",
        dir.to_str().unwrap(),
        "--pin",
        "bad",
        "--out",
        tmp.path().join("no.pem").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("wrong PIN for container otvconba (MAC check failed)"),
        "{err}"
    );
    assert!(!tmp.path().join("no.pem").exists());
}

#[test]
fn cli_key_import_from_pfx_with_password_file_and_env() {
    let tmp = common::tempdir();
    let pfx = vector("cryptopro/loadtestingru-crypto/pfx2.pfx");
    let pw = tmp.path().join("pw.txt");
    fs::write(&pw, "1234567890\n").unwrap();
    let key = tmp.path().join("k.pem");
    let out = run(&[
        "key",
        "import",
        "--pfx",
        pfx.to_str().unwrap(),
        "--password-file",
        pw.to_str().unwrap(),
        "--out",
        key.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written = keys::decode_private_key(&fs::read(&key).unwrap()).unwrap();
    assert_eq!(
        hex::encode(written.to_scalar_le().as_slice()),
        "b3a4c8bb9f491a9cd5658d8dfb4a0b6c5061e48249d223c85d03a8420ab236be"
    );

    let out = common::gostcms()
        .args(["key", "import", "--pfx", pfx.to_str().unwrap(), "--out"])
        .arg(tmp.path().join("k2.pem"))
        .env("GOSTCMS_PASSWORD", "1234567890")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fs::read(&key).unwrap(),
        fs::read(tmp.path().join("k2.pem")).unwrap()
    );

    let out = run(&[
        "key",
        "import",
        "--pfx",
        pfx.to_str().unwrap(),
        "--password",
        "nope",
        "--out",
        tmp.path().join("k3.pem").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("wrong password for PFX (MAC check failed)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn cli_key_import_checks_a_given_certificate() {
    let tmp = common::tempdir();
    let pfx = vector("cryptopro/loadtestingru-crypto/pfx1.pfx");
    let other = vector("cryptopro/loadtestingru-crypto/pfx2.cert.der");
    let out = run(&[
        "key",
        "import",
        "--pfx",
        pfx.to_str().unwrap(),
        "--password",
        "12345",
        "--cert",
        other.to_str().unwrap(),
        "--out",
        tmp.path().join("k.pem").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not match"), "{}", stderr(&out));
}

#[test]
fn cli_key_specs_load_containers_and_pfx_everywhere() {
    if !engine_available() {
        return;
    }
    let tmp = common::tempdir();
    let msg = tmp.path().join("m.txt");
    fs::write(&msg, "client_id scope timestamp state").unwrap();
    let cases: [(String, &str, &str, &str); 3] = [
        (
            format!("container:{}", container_path(&CONTAINERS[1]).display()),
            "GOSTCMS_PIN",
            "123456",
            CONTAINERS[1].cert,
        ),
        (
            format!(
                "pfx:{}",
                vector("cryptopro/loadtestingru-crypto/pfx1.pfx").display()
            ),
            "GOSTCMS_PASSWORD",
            "12345",
            "cryptopro/loadtestingru-crypto/pfx1.cert.der",
        ),
        // Detection: a folder is a container.
        (
            container_path(&CONTAINERS[2]).display().to_string(),
            "GOSTCMS_PIN",
            "",
            CONTAINERS[2].cert,
        ),
    ];
    for (i, (spec, var, secret, cert_rel)) in cases.iter().enumerate() {
        let out = common::gostcms()
            .args(["raw-sign", "--key", spec, "--format", "bin"])
            .arg(&msg)
            .env(var, secret)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{spec}: {}", stderr(&out));
        let sig = tmp.path().join(format!("s{i}.bin"));
        fs::write(&sig, &out.stdout).unwrap();
        let certp = tmp.path().join(format!("c{i}.pem"));
        fs::write(&certp, cert(cert_rel).to_pem()).unwrap();
        let pubp = tmp.path().join(format!("p{i}.pem"));
        ok(
            &openssl(&[
                &"x509", &"-in", &certp, &"-pubkey", &"-noout", &"-out", &pubp,
            ]),
            "x509 -pubkey",
        );
        let v = openssl(&[
            &"dgst",
            &"-md_gost12_256",
            &"-verify",
            &pubp,
            &"-signature",
            &sig,
            &msg,
        ]);
        assert!(
            String::from_utf8_lossy(&v.stdout).contains("Verified OK"),
            "{spec}: {}{}",
            String::from_utf8_lossy(&v.stdout),
            String::from_utf8_lossy(&v.stderr)
        );

        // CMS with the imported key and its certificate verifies in gostcms.
        let cms_out = tmp.path().join(format!("s{i}.p7s"));
        let out = common::gostcms()
            .args(["sign", "--key", spec, "--cert"])
            .arg(&certp)
            .arg("--out")
            .arg(&cms_out)
            .arg(&msg)
            .env(var, secret)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{spec}: {}", stderr(&out));
        let v = openssl(&[
            &"cms",
            &"-verify",
            &"-noverify",
            &"-binary",
            &"-inform",
            &"DER",
            &"-in",
            &cms_out,
            &"-content",
            &msg,
            &"-out",
            &"/dev/null",
        ]);
        ok(
            &v,
            &format!("openssl cms -verify of a signature made with {spec}"),
        );
    }

    // A PIN-protected container without a PIN: exit 2, says what is missing.
    let out = common::gostcms()
        .args(["raw-sign", "--key"])
        .arg(format!(
            "container:{}",
            container_path(&CONTAINERS[0]).display()
        ))
        .arg(&msg)
        .env_remove("GOSTCMS_PIN")
        .env_remove("GOSTCMS_PASSWORD")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("PIN"), "{}", stderr(&out));
}

#[test]
fn cli_key_import_opens_a_public_key_protected_pfx_with_recipient_key() {
    let tmp = common::tempdir();
    let pfx = vector(&format!("{DH_DIR}/public_key_protected_dh.pfx"));
    let recipient = tmp.path().join("recipient.pem");
    fs::write(&recipient, dh_recipient().to_pkcs8_pem().as_bytes()).unwrap();
    let key = tmp.path().join("k.pem");
    let certp = tmp.path().join("c.pem");
    let out = run(&[
        "key",
        "import",
        "--pfx",
        pfx.to_str().unwrap(),
        "--recipient-key",
        recipient.to_str().unwrap(),
        "--out",
        key.to_str().unwrap(),
        "--cert-out",
        certp.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written = keys::decode_private_key(&fs::read(&key).unwrap()).unwrap();
    let want = dh_expected_d();
    assert_eq!(hex::encode(written.to_scalar_le().as_slice()), want);
    assert_eq!(
        Certificate::from_pem_or_der(&fs::read(&certp).unwrap())
            .unwrap()
            .der(),
        cert(&format!("{DH_DIR}/cert_test.der")).der()
    );
    if engine_available() {
        // OpenSSL reads the key we wrote and derives the same public key.
        let pubp = tmp.path().join("k.pub");
        ok(
            &openssl(&[&"pkey", &"-in", &key, &"-pubout", &"-out", &pubp]),
            "openssl pkey",
        );
        assert_eq!(
            &keys::decode_public_key(&fs::read(&pubp).unwrap()).unwrap(),
            written.verifying_key()
        );
    }

    // Without the recipient key: exit 2 and a message saying what to give.
    let out = run(&[
        "key",
        "import",
        "--pfx",
        pfx.to_str().unwrap(),
        "--out",
        tmp.path().join("k2.pem").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--recipient-key"), "{}", stderr(&out));
}
