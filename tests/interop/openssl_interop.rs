//! Interoperability with OpenSSL's gost engine (Debian libengine-gost-openssl).
//!
//! `OPENSSL_CONF` is set on each openssl child only (tests/data/ossl.cnf):
//! exporting it for the whole process tree crashes cargo's own OpenSSL.
//! Without the engine the tests print a loud skip message and pass, unless the
//! `CI` environment variable is set, where they fail.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{TestRng, crate_path, engine_available, ok, openssl, openssl_genkey, run};
use gostcms::keys;
use gostcms::{CurveId, HashAlg, Signature, SigningKey, VerifyingKey};
use signature::{Signer, Verifier};

/// Every parameter set the engine knows: (key bits, engine paramset name, our curve).
const PARAMSETS: [(u32, &str, CurveId); 12] = [
    (256, "A", CurveId::CryptoProA),
    (256, "B", CurveId::CryptoProB),
    (256, "C", CurveId::CryptoProC),
    (256, "XA", CurveId::CryptoProXchA),
    (256, "XB", CurveId::CryptoProXchB),
    (256, "TCA", CurveId::Tc26_256A),
    (256, "TCB", CurveId::Tc26_256B),
    (256, "TCC", CurveId::Tc26_256C),
    (256, "TCD", CurveId::Tc26_256D),
    (512, "A", CurveId::Tc26_512A),
    (512, "B", CurveId::Tc26_512B),
    (512, "C", CurveId::Tc26_512C),
];

fn md(bits: u32) -> &'static str {
    if bits == 512 {
        "-md_gost12_512"
    } else {
        "-md_gost12_256"
    }
}

fn openssl_key(dir: &Path, bits: u32, paramset: &str) -> (PathBuf, PathBuf) {
    openssl_genkey(dir, &format!("gost2012_{bits}"), paramset)
}

fn ossl_verify(bits: u32, pubk: &Path, sig: &Path, msg: &Path) -> bool {
    let out = openssl(&[
        &"dgst",
        &md(bits),
        &"-verify",
        &pubk,
        &"-signature",
        &sig,
        &msg,
    ]);
    out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Verified OK")
}

fn ossl_sign(bits: u32, key: &Path, sig: &Path, msg: &Path) {
    ok(
        &openssl(&[&"dgst", &md(bits), &"-sign", &key, &"-out", &sig, &msg]),
        "dgst -sign",
    );
}

/// Needs the keys module (PKCS#8 / SPKI decoding of openssl's keys).
#[test]
fn library_signatures_verify_in_openssl_and_back() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let mut rng = TestRng::new(0x6057_c3d5);
    for (bits, ps, curve) in PARAMSETS {
        let (key_path, pub_path) = openssl_key(dir.path(), bits, ps);
        let key: SigningKey = keys::decode_private_key(&fs::read(&key_path).unwrap()).unwrap();
        let vk: VerifyingKey = keys::decode_public_key(&fs::read(&pub_path).unwrap()).unwrap();
        assert_eq!(key.curve(), curve, "{bits} {ps}: curve from openssl's key");
        assert_eq!(
            key.verifying_key(),
            &vk,
            "{bits} {ps}: public key differs from openssl's"
        );
        let msg = dir.path().join("msg");
        let sig_path = dir.path().join("sig.bin");
        // (a) ours -> openssl, 20 random messages of 0..300 bytes.
        for i in 0..20 {
            let len = (rng.next_u64() % 300) as usize;
            let data = rng.bytes(len);
            fs::write(&msg, &data).unwrap();
            let sig: Signature = key.sign(&data);
            assert_eq!(sig.as_bytes().len(), curve.key_size().signature_len());
            fs::write(&sig_path, sig.as_bytes()).unwrap();
            assert!(
                ossl_verify(bits, &pub_path, &sig_path, &msg),
                "{bits} {ps} message {i} ({len} bytes): openssl rejects our s||r signature"
            );
        }
        // (b) openssl -> ours.
        for i in 0..5 {
            let len = (rng.next_u64() % 300) as usize;
            let data = rng.bytes(len);
            fs::write(&msg, &data).unwrap();
            ossl_sign(bits, &key_path, &sig_path, &msg);
            let sig = Signature::from_slice(&fs::read(&sig_path).unwrap()).unwrap();
            assert!(
                vk.verify(&data, &sig).is_ok(),
                "{bits} {ps} message {i}: we reject openssl's signature"
            );
            let mut flipped = sig.as_bytes().to_vec();
            let at = i % flipped.len();
            flipped[at] ^= 0x01;
            let bad = Signature::from_slice(&flipped).unwrap();
            assert!(
                vk.verify(&data, &bad).is_err(),
                "{bits} {ps}: flipped bit accepted"
            );
        }
    }
}

/// The fast paths against the engine: batch signatures (one shared
/// inversion per chunk, rayon) verify in openssl, and openssl's signatures
/// verify through prepared (comb-table) and cached keys.
#[test]
fn batch_and_prepared_paths_against_openssl() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let mut rng = TestRng::new(0xba7c_4ed5);
    for (bits, ps, _curve) in PARAMSETS {
        let (key_path, pub_path) = openssl_key(dir.path(), bits, ps);
        let key: SigningKey = keys::decode_private_key(&fs::read(&key_path).unwrap()).unwrap();
        let vk: VerifyingKey = keys::decode_public_key(&fs::read(&pub_path).unwrap()).unwrap();
        let messages: Vec<Vec<u8>> = (0..6)
            .map(|_| {
                let len = (rng.next_u64() % 200) as usize;
                rng.bytes(len)
            })
            .collect();
        let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        let sequential = key.sign_batch(&refs).unwrap();
        let parallel = key.par_sign_batch(&refs).unwrap();
        let msg = dir.path().join("msg");
        let sig_path = dir.path().join("sig.bin");
        for (i, data) in messages.iter().enumerate() {
            fs::write(&msg, data).unwrap();
            for (what, sig) in [("batch", &sequential[i]), ("rayon batch", &parallel[i])] {
                fs::write(&sig_path, sig.as_bytes()).unwrap();
                assert!(
                    ossl_verify(bits, &pub_path, &sig_path, &msg),
                    "{bits} {ps} message {i}: openssl rejects our {what} signature"
                );
            }
        }
        let prepared = vk.prepare().unwrap();
        for i in 0..3 {
            let data = &messages[i];
            fs::write(&msg, data).unwrap();
            ossl_sign(bits, &key_path, &sig_path, &msg);
            let sig = Signature::from_slice(&fs::read(&sig_path).unwrap()).unwrap();
            assert!(
                prepared.verify(data, &sig).is_ok(),
                "{bits} {ps}: prepared key rejects openssl's signature"
            );
            let digest = vk.hash_alg().digest(data);
            assert!(
                vk.verify_prehash_cached(&digest, &sig).is_ok(),
                "{bits} {ps}: cached key rejects openssl's signature"
            );
            let mut flipped = sig.as_bytes().to_vec();
            flipped[i] ^= 0x02;
            let bad = Signature::from_slice(&flipped).unwrap();
            assert!(prepared.verify(data, &bad).is_err());
            assert!(vk.verify_prehash_cached(&digest, &bad).is_err());
        }
    }
}

/// Needs the keys module (the CLI loads PKCS#8 keys and certificates).
#[test]
fn cli_raw_sign_and_verify_against_openssl() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let mut rng = TestRng::new(0x0c11);
    for (bits, ps, _curve) in PARAMSETS {
        let (key_path, pub_path) = openssl_key(dir.path(), bits, ps);
        let msg = dir.path().join("msg");
        let len = 1 + (rng.next_u64() % 500) as usize;
        let data = rng.bytes(len);
        fs::write(&msg, &data).unwrap();
        let key_s = key_path.to_str().unwrap();
        let pub_s = pub_path.to_str().unwrap();
        let msg_s = msg.to_str().unwrap();

        // raw-sign --format bin, verified by openssl.
        let out = run(&["raw-sign", "--key", key_s, "--format", "bin", msg_s]);
        ok(&out, "gostcms raw-sign");
        let ours = dir.path().join("ours.bin");
        fs::write(&ours, &out.stdout).unwrap();
        assert!(
            ossl_verify(bits, &pub_path, &ours, &msg),
            "{bits} {ps}: openssl rejects raw-sign"
        );

        // openssl's signature through raw-verify: 0, and 1 on a flipped bit.
        let theirs = dir.path().join("theirs.bin");
        ossl_sign(bits, &key_path, &theirs, &msg);
        let theirs_s = theirs.to_str().unwrap();
        let out = run(&[
            "raw-verify",
            "--cert",
            pub_s,
            "--signature",
            theirs_s,
            msg_s,
        ]);
        assert_eq!(out.status.code(), Some(0), "{bits} {ps}: {out:?}");
        let mut flipped = fs::read(&theirs).unwrap();
        flipped[7] ^= 0x80;
        let bad = dir.path().join("bad.bin");
        fs::write(&bad, &flipped).unwrap();
        let out = run(&[
            "raw-verify",
            "--cert",
            pub_s,
            "--signature",
            bad.to_str().unwrap(),
            msg_s,
        ]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{bits} {ps}: flipped bit: {out:?}"
        );

        // The same signature as hex, base64url and reversed.
        let sig = fs::read(&theirs).unwrap();
        let hex_path = dir.path().join("sig.hex");
        fs::write(&hex_path, hex::encode(&sig)).unwrap();
        let out = run(&[
            "raw-verify",
            "--cert",
            pub_s,
            "--signature",
            hex_path.to_str().unwrap(),
            msg_s,
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{bits} {ps}: hex signature: {out:?}"
        );
        let mut rev = sig.clone();
        rev.reverse();
        let rev_path = dir.path().join("sig.rev");
        fs::write(&rev_path, &rev).unwrap();
        let rev_s = rev_path.to_str().unwrap();
        let out = run(&[
            "raw-verify",
            "--cert",
            pub_s,
            "--signature",
            rev_s,
            "--reverse",
            msg_s,
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{bits} {ps}: reversed signature: {out:?}"
        );
    }
}

/// Needs the keys module (keygen writes PKCS#8 and a certificate).
#[test]
fn cli_keygen_output_loads_in_openssl() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    for (_bits, _ps, curve) in PARAMSETS {
        let key = dir.path().join(format!("{curve}.key.pem"));
        let cert = dir.path().join(format!("{curve}.cert.pem"));
        let out = run(&[
            "keygen",
            "--curve",
            curve.name(),
            "--out",
            key.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            "--subject",
            "CN=interop,O=gostcms,C=RU",
            "--days",
            "3",
        ]);
        ok(&out, "gostcms keygen");
        let from_key = openssl(&[&"pkey", &"-in", &key, &"-pubout"]);
        ok(&from_key, "openssl pkey");
        let from_cert = openssl(&[&"x509", &"-in", &cert, &"-noout", &"-pubkey"]);
        ok(&from_cert, "openssl x509");
        assert_eq!(
            from_key.stdout, from_cert.stdout,
            "{curve}: key and certificate disagree"
        );
        let text = openssl(&[&"x509", &"-in", &cert, &"-noout", &"-subject"]);
        assert!(
            String::from_utf8_lossy(&text.stdout).contains("CN = interop"),
            "{curve}: {text:?}"
        );
        // The self-signed certificate's signature verifies in openssl.
        let verify = openssl(&[&"verify", &"-CAfile", &cert, &cert]);
        ok(&verify, "openssl verify self-signed");
    }
}

#[test]
fn cli_hash_matches_openssl() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let mut rng = TestRng::new(0x4a54);
    let mut files: Vec<PathBuf> = ["M1", "M2", "M3", "M4", "M5", "M6", "carry"]
        .iter()
        .map(|m| crate_path(&format!("vectors/streebog/{m}")))
        .collect();
    for len in [1usize, 63, 64, 65, 1000, 70_000] {
        let p = dir.path().join(format!("rand{len}"));
        fs::write(&p, rng.bytes(len)).unwrap();
        files.push(p);
    }
    for file in &files {
        for (alg, flag) in [
            (HashAlg::Streebog256, "-md_gost12_256"),
            (HashAlg::Streebog512, "-md_gost12_512"),
        ] {
            let theirs = openssl(&[&"dgst", &flag, &"-r", file]);
            ok(&theirs, "openssl dgst");
            let theirs = String::from_utf8_lossy(&theirs.stdout);
            let theirs = theirs
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let ours = run(&["hash", "--alg", alg.name(), file.to_str().unwrap()]);
            ok(&ours, "gostcms hash");
            assert_eq!(
                String::from_utf8_lossy(&ours.stdout),
                format!("{theirs}\n"),
                "{alg} {file:?}"
            );
        }
    }
}
