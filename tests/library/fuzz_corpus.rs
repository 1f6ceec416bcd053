//! Replays the fuzz targets (`fuzz/src/targets.rs`, included by path so the
//! bodies are the very same functions libFuzzer runs) over every file in
//! `vectors/`, the generated seeds and every crash the fuzzers ever found
//! (`vectors/fuzz/regressions/TARGET/`). A crash reproducer that panics
//! again fails this test.
//!
//! `cargo test --profile test-release --test library fuzz_corpus::write_seeds -- --ignored`
//! regenerates `vectors/fuzz/seeds/` (random keys: the files change).

#[path = "../../fuzz/src/targets.rs"]
#[allow(dead_code)]
mod targets;

use crate::common;

use common::tlv;
use std::path::{Path, PathBuf};

use gostcms::cms::{AttributeMode, CmsSigner, SignOptions, SignerId};
use gostcms::{CurveId, SigningKey, keys};
use signature::Signer;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every vector, through every target: none may panic.
#[test]
fn every_vector_through_every_target() {
    let mut files = Vec::new();
    files_under(&vectors(), &mut files);
    assert!(files.len() > 100, "vectors/ has {} files", files.len());
    for path in &files {
        let data = std::fs::read(path).unwrap();
        for (name, target) in targets::TARGETS {
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name} panicked on {}", path.display());
        }
    }
}

/// The regression directories exist for every target and each file in
/// them still passes its own target.
#[test]
fn crash_reproducers_stay_fixed() {
    let root = vectors().join("fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in targets::TARGETS {
        let mut files = Vec::new();
        files_under(&root.join(name), &mut files);
        for path in files.iter().filter(|p| !p.ends_with("README.md")) {
            target(&std::fs::read(path).unwrap());
            replayed += 1;
        }
    }
    eprintln!("{replayed} crash reproducers replayed");
}

/// A short, deterministic fuzz smoke that needs no libFuzzer build (CI
/// runs this; `scripts/fuzz.sh` does the real, coverage-guided fuzzing):
/// every target gets `MUTANTS_PER_TARGET` mutants of its seeds and past
/// crashes, each one to four random edits (bit flips, boundary bytes,
/// truncations, deleted, duplicated or inserted runs). None may panic.
#[test]
fn mutated_seeds_through_every_target() {
    const MUTANTS_PER_TARGET: usize = 4096;
    const MAX_LEN: usize = 1 << 16;
    // Fixed seed, so a failure reproduces.
    let mut rng = common::TestRng::new(0x2545_f491_4f6c_dd1d);
    let mut next = move || rng.next_u64();
    let seeds = vectors().join("fuzz/seeds");
    let regressions = vectors().join("fuzz/regressions");
    for (name, target) in targets::TARGETS {
        let mut files = Vec::new();
        // ber_normalize has no generated seeds: DER and BER of its neighbours.
        let dirs: &[&str] = match *name {
            "ber_normalize" => &["cms_attached", "cms_detached", "certificate"],
            _ => std::slice::from_ref(name),
        };
        for dir in dirs {
            files_under(&seeds.join(dir), &mut files);
        }
        files_under(&regressions.join(name), &mut files);
        files.retain(|p| !p.ends_with("README.md"));
        let corpus: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
        let corpus = if corpus.is_empty() {
            vec![Vec::new()]
        } else {
            corpus
        };
        for i in 0..MUTANTS_PER_TARGET {
            let mut data = corpus[i % corpus.len()].clone();
            for _ in 0..1 + next() % 4 {
                let len = data.len();
                let at = if len == 0 { 0 } else { (next() as usize) % len };
                match next() % 6 {
                    0 if len > 0 => data[at] ^= 1 << (next() % 8),
                    1 if len > 0 => {
                        const EDGES: [u8; 8] = [0x00, 0xff, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x30];
                        data[at] = EDGES[(next() % 8) as usize];
                    }
                    2 => data.truncate(at),
                    3 if len > 0 => {
                        let end = (at + 1 + (next() as usize) % 64).min(len);
                        data.drain(at..end);
                    }
                    4 if len > 0 => {
                        let end = (at + 1 + (next() as usize) % 256).min(len);
                        let run = data[at..end].to_vec();
                        if len + run.len() <= MAX_LEN {
                            data.splice(at..at, run);
                        }
                    }
                    _ => {
                        let count = 1 + next() % 16;
                        let bytes: Vec<u8> = (0..count).map(|_| next() as u8).collect();
                        if len + bytes.len() <= MAX_LEN {
                            data.splice(at..at, bytes);
                        }
                    }
                }
            }
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(
                outcome.is_ok(),
                "{name} panicked on mutant {i} ({} bytes): {}",
                data.len(),
                hex::encode(&data)
            );
        }
    }
}

/// The seeds reach deep: the generated CMS seeds verify, the raw seeds
/// verify, so the fuzzers start from inputs that pass every check.
#[test]
fn generated_seeds_are_valid() {
    let seeds = vectors().join("fuzz/seeds");
    let mut cms_files = Vec::new();
    files_under(&seeds.join("cms_attached"), &mut cms_files);
    assert!(!cms_files.is_empty());
    for path in &cms_files {
        let report = gostcms::cms::verify(
            &std::fs::read(path).unwrap(),
            gostcms::cms::Content::Attached,
            &[],
        )
        .unwrap();
        assert!(report.all_valid(), "{}", path.display());
    }
    let mut detached = Vec::new();
    files_under(&seeds.join("cms_detached"), &mut detached);
    assert!(!detached.is_empty());
    for path in &detached {
        let report = gostcms::cms::verify(
            &std::fs::read(path).unwrap(),
            gostcms::cms::Content::Bytes(targets::DETACHED_CONTENT),
            &[],
        )
        .unwrap();
        assert!(report.all_valid(), "{}", path.display());
    }
    let mut raw = Vec::new();
    files_under(&seeds.join("raw_verify"), &mut raw);
    assert_eq!(raw.len(), 3 * CurveId::ALL.len());
    for path in &raw {
        let data = std::fs::read(path).unwrap();
        let curve = CurveId::ALL[usize::from(data[0] & 0x0f)];
        let n = curve.key_size().coordinate_len();
        let (key, rest) = if data[0] & 0x80 != 0 {
            let k = SigningKey::from_scalar_le(curve, &data[1..1 + n]).unwrap();
            (*k.verifying_key(), &data[1 + n..])
        } else {
            let k = gostcms::VerifyingKey::from_le_bytes(curve, &data[1..1 + 2 * n]).unwrap();
            (k, &data[1 + 2 * n..])
        };
        let (sig, msg) = rest.split_at(2 * n);
        let sig = if data[0] & 0x40 != 0 {
            gostcms::Signature::from_reversed(sig).unwrap()
        } else {
            gostcms::Signature::from_slice(sig).unwrap()
        };
        key.verify_message(msg, &sig)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    // The container seeds (the three sample containers, packed by hand in
    // the target's layout) decrypt with the PIN their last byte picks.
    let mut containers = Vec::new();
    files_under(&seeds.join("container"), &mut containers);
    assert_eq!(containers.len(), 3);
    for path in &containers {
        let data = std::fs::read(path).unwrap();
        let (files, pin) = targets::container_files(&data);
        assert_eq!(files.len(), 6, "{}", path.display());
        gostcms::import::Container::from_files(&files)
            .and_then(|c| c.decrypt(pin))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    // The envelope seed (the EnvelopedData of the public-key-protected PFX
    // sample) opens with the sample's recipient key into a SafeContents.
    let mut envelopes = Vec::new();
    files_under(&seeds.join("envelope"), &mut envelopes);
    assert_eq!(envelopes.len(), 1);
    for path in &envelopes {
        let data = std::fs::read(path).unwrap();
        let content = gostcms::cms::envelope::open(&data, targets::envelope_recipient(), &[])
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(content.first(), Some(&0x30), "{}", path.display());
    }
}

/// Writes `vectors/fuzz/seeds/`: inputs that pass every check of their
/// target, made with the library (fuzz seeds need no oracle; the targets'
/// tests against OpenSSL and Bouncy Castle live elsewhere).
#[test]
#[ignore = "regenerates committed files; run by hand"]
fn write_seeds() {
    let seeds = vectors().join("fuzz/seeds");
    let write = |target: &str, name: &str, data: &[u8]| {
        let dir = seeds.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), data).unwrap();
    };
    let message = b"client_id=TESTAPP scope=openid state=bbf0aef5-5237-41bc-8cba-291e29a3ade8";

    // raw_verify: control byte, key, s || r, message (see targets::raw_verify).
    for (i, curve) in CurveId::ALL.into_iter().enumerate() {
        let key = SigningKey::generate(curve).unwrap();
        let sig = key.sign(message);
        let i = i as u8;
        let scalar = [
            &[0x80 | i][..],
            &key.to_scalar_le(),
            sig.as_bytes(),
            message,
        ]
        .concat();
        write("raw_verify", &format!("{curve}-scalar"), &scalar);
        let point = key.verifying_key().to_le_bytes();
        let public = [&[i][..], &point, sig.as_bytes(), message].concat();
        write("raw_verify", &format!("{curve}-point"), &public);
        let reversed = [&[0x40 | i][..], &point, &sig.to_reversed(), message].concat();
        write("raw_verify", &format!("{curve}-reversed"), &reversed);

        // spki: DER and PEM.
        write(
            "spki",
            &format!("{curve}.der"),
            &key.verifying_key().to_spki_der(),
        );
    }

    // pkcs8: the four privateKey forms (module docs of keys::pkcs8).
    for curve in [CurveId::CryptoProA, CurveId::Tc26_256A, CurveId::Tc26_512A] {
        let key = SigningKey::generate(curve).unwrap();
        let d = key.to_scalar_le();
        let form1 = key.to_pkcs8_der();
        // PrivateKeyInfo { 0, algorithm, OCTET STRING { privateKey } } from form 1's parts.
        let (version_alg, _) = form1[2..].split_at(form1.len() - 2 - (d.len() + 2));
        let wrap = |private_key: &[u8]| tlv(0x30, &[version_alg, &tlv(0x04, private_key)].concat());
        write("pkcs8", &format!("{curve}-raw.der"), &form1);
        write(
            "pkcs8",
            &format!("{curve}-octets.der"),
            &wrap(&tlv(0x04, &d)),
        );
        let mut be = d.to_vec();
        be.reverse();
        be.insert(0, 0);
        write(
            "pkcs8",
            &format!("{curve}-integer.der"),
            &wrap(&tlv(0x02, &be)),
        );
        // masked with m = 1: k || 1
        let mut one = vec![0u8; d.len()];
        one[0] = 1;
        write(
            "pkcs8",
            &format!("{curve}-masked.der"),
            &wrap(&[&d[..], &one].concat()),
        );
        let seq = tlv(0x30, &[tlv(0x04, &d), tlv(0x04, &one)].concat());
        write("pkcs8", &format!("{curve}-masked-seq.der"), &wrap(&seq));
        write(
            "pkcs8",
            &format!("{curve}.pem"),
            key.to_pkcs8_pem().as_bytes(),
        );
    }

    // cms_attached / cms_detached: every signing mode on four curves.
    for curve in [
        CurveId::CryptoProA,
        CurveId::Tc26_256A,
        CurveId::Tc26_512A,
        CurveId::Tc26_512C,
    ] {
        let key = SigningKey::generate(curve).unwrap();
        let cert = keys::self_signed(&key, "CN=Fuzz seed,O=gostcms", 3650, None).unwrap();
        write("certificate", &format!("{curve}.der"), cert.der());
        let signer = CmsSigner::new(key, cert).unwrap();
        for (mode, attributes, signer_id) in [
            ("std", AttributeMode::Standard, SignerId::IssuerAndSerial),
            ("cades-ski", AttributeMode::Cades, SignerId::SubjectKeyId),
            ("noattrs", AttributeMode::None, SignerId::IssuerAndSerial),
        ] {
            let options = |attached| SignOptions {
                attached,
                attributes,
                signer_id,
                ..SignOptions::default()
            };
            let attached = signer.sign(message, &options(true)).unwrap();
            write("cms_attached", &format!("{curve}-{mode}.der"), &attached);
            let detached = signer
                .sign(targets::DETACHED_CONTENT, &options(false))
                .unwrap();
            write("cms_detached", &format!("{curve}-{mode}.der"), &detached);
        }
    }
    // base64: a percent-encoded CMS, as it arrives in a URL.
    let cms = std::fs::read(seeds.join("cms_attached/cryptopro-a-std.der")).unwrap();
    let pem = gostcms::encoding::pem::encode("CMS", &cms);
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let pct = body
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    write("base64", "cms-percent.txt", pct.as_bytes());
    write(
        "base64",
        "cms-url.txt",
        body.replace('+', "-").replace('/', "_").as_bytes(),
    );
    write("pem", "cms.pem", pem.as_bytes());
}
