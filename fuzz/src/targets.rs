//! The fuzz target bodies: each takes arbitrary bytes, feeds them to one
//! gostcms parser and checks what must hold for any input. An `Err` is a
//! correct answer to hostile input; a panic, an abort, a hang or a runaway
//! allocation is a bug. Where a parse succeeds, a cheap property is checked
//! as well (re-encoding round trips, normalisation is idempotent), so the
//! fuzzer also hunts for wrong answers, not only crashes.
//!
//! Shared by the libFuzzer binaries (`fuzz/fuzz_targets/*.rs`) and, through
//! `#[path]`, by the main crate's `tests/library/fuzz_corpus.rs`, which replays the
//! seeds and every past crash (`vectors/fuzz/`). Only `gostcms` and `std`
//! may be used here.
//!
//! Adding a target: a function here, a three-line file in `fuzz_targets/`,
//! a `[[bin]]` in `fuzz/Cargo.toml`, an entry in [`TARGETS`], and its seed
//! sources in `scripts/fuzz.sh`.

use std::fmt::Display;
use std::sync::OnceLock;
use std::time::Duration;

use gostcms::cms::{self, Content};
use gostcms::keys::{self, Certificate};
use gostcms::{CurveId, Signature, SigningKey, VerifyingKey, encoding};

/// A target body: any bytes in, a panic only on a bug.
pub type Target = fn(&[u8]);

/// Every target by name, for replaying corpora.
pub const TARGETS: &[(&str, Target)] = &[
    ("ber_normalize", ber_normalize),
    ("cms_attached", cms_attached),
    ("cms_detached", cms_detached),
    ("certificate", certificate),
    ("pkcs8", pkcs8),
    ("spki", spki),
    ("pem", pem),
    ("base64", base64),
    ("raw_verify", raw_verify),
    ("jwt_verify", jwt_verify),
    ("pfx", pfx),
    ("container", container),
    ("envelope", envelope),
];

/// The detached content the `cms_detached` seeds sign: the ESIA guide's
/// Request-Data, so the guide's RSA Request-Data-Sign verifies too.
pub const DETACHED_CONTENT: &[u8] =
    include_bytes!("../../vectors/esia/request-data-sign/request_data.json");

/// A trust anchor for the chain walk (the TC26 CMS examples' root).
const ROOT_CERT: &[u8] = include_bytes!("../../vectors/cms/root256_cert.pem");

/// Every error must say something: formatting must not panic or be empty.
fn message(e: &impl Display) {
    assert!(!e.to_string().is_empty(), "an error with an empty message");
}

/// BER -> DER: on success the output is DER, so normalising it again
/// changes nothing.
pub fn ber_normalize(data: &[u8]) {
    match encoding::ber::normalize(data) {
        Ok(der) => {
            let again = encoding::ber::normalize(&der).expect("normalised output must parse again");
            assert_eq!(again, der, "normalisation is not idempotent");
        }
        Err(e) => message(&e),
    }
}

fn report(result: gostcms::Result<cms::VerifyReport>, root: Option<&Certificate>) {
    let report = match result {
        Ok(r) => r,
        Err(e) => return message(&e),
    };
    assert!(!report.signers.is_empty(), "a report with no signers");
    let _ = report.all_valid();
    for signer in &report.signers {
        if let Err(e) = &signer.outcome {
            message(e);
        }
        if let (Some(cert), Some(root)) = (&signer.certificate, root) {
            // Walk the chain at a time inside the signer's validity.
            let at = cert.not_before() + Duration::from_secs(1);
            if let Err(e) =
                cms::check_chain(cert, &report.certificates, std::slice::from_ref(root), at)
            {
                message(&e);
            }
        }
    }
}

/// CMS SignedData with attached content, in any accepted encoding, with the
/// chain walked to a fixed root.
pub fn cms_attached(data: &[u8]) {
    static ROOT: OnceLock<Certificate> = OnceLock::new();
    let root = ROOT.get_or_init(|| Certificate::from_pem_or_der(ROOT_CERT).expect("root"));
    report(cms::verify(data, Content::Attached, &[]), Some(root));
}

/// CMS SignedData checked against [`DETACHED_CONTENT`].
pub fn cms_detached(data: &[u8]) {
    report(
        cms::verify(data, Content::Bytes(DETACHED_CONTENT), &[]),
        None,
    );
}

/// X.509 certificates (PEM, base64 or DER) and everything read from one.
pub fn certificate(data: &[u8]) {
    let cert = match Certificate::from_pem_or_der(data) {
        Ok(c) => c,
        Err(e) => return message(&e),
    };
    let _ = (cert.subject(), cert.issuer(), cert.serial_hex());
    let _ = (cert.not_before(), cert.not_after(), cert.signature_bytes());
    cert.tbs_der()
        .expect("a parsed certificate has a tbsCertificate");
    if let Err(e) = cert.verify_self_signed() {
        message(&e);
    }
    let again = Certificate::from_der(cert.der()).expect("a certificate re-parses");
    assert_eq!(again.der(), cert.der());
}

/// PKCS#8 private keys: a parsed key re-encodes to a key with the same
/// public key.
pub fn pkcs8(data: &[u8]) {
    match keys::decode_private_key(data) {
        Ok(key) => {
            let der = key.to_pkcs8_der();
            let (back, _) = keys::decode_private_key_der(&der).expect("our PKCS#8 re-parses");
            assert_eq!(back.verifying_key(), key.verifying_key());
        }
        Err(e) => message(&e),
    }
}

/// SubjectPublicKeyInfo: a parsed key re-encodes to itself.
pub fn spki(data: &[u8]) {
    match keys::decode_public_key(data) {
        Ok(key) => {
            let (back, _) =
                keys::decode_public_key_der(&key.to_spki_der()).expect("our SPKI re-parses");
            assert_eq!(back, key);
        }
        Err(e) => message(&e),
    }
}

/// PEM / bare base64 / DER detection.
pub fn pem(data: &[u8]) {
    match encoding::pem::decode_any(data) {
        Ok(decoded) => {
            if let encoding::pem::Format::Pem(label) = &decoded.format
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b' ')
            {
                // What we read with an RFC 7468 label, we write back and
                // read again the same.
                let text = encoding::pem::encode(label, &decoded.der);
                let back = encoding::pem::decode_any(text.as_bytes()).expect("our PEM re-parses");
                assert_eq!(back.der, decoded.der);
            }
        }
        Err(e) => message(&e),
    }
}

/// The lenient base64 / base64url / percent-encoding decoders and the CMS
/// input detector.
pub fn base64(data: &[u8]) {
    match encoding::decode_base64_lenient(data) {
        Ok(bytes) => {
            let text = encoding::pem::encode("X", &bytes);
            let back = encoding::pem::decode_any(text.as_bytes()).expect("re-encoded base64");
            assert_eq!(*back.der, bytes);
        }
        Err(e) => message(&e),
    }
    if let Err(e) = encoding::percent_decode(data) {
        message(&e);
    }
    if let Err(e) = cms::decode_signature_input(data) {
        message(&e);
    }
}

/// Raw GOST R 34.10-2012 verification with arbitrary key, signature and
/// message. Layout: one control byte (curve = low 4 bits mod 14; 0x80: the
/// key is a private scalar, so always a valid point; 0x40: the signature is
/// in the reversed CryptoAPI order), then the key (LE(X) || LE(Y), or
/// LE(d)), then the signature (2n bytes), then the message.
pub fn raw_verify(data: &[u8]) {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    if let Err(e) = Signature::from_slice(rest) {
        message(&e);
    }
    let curve = CurveId::ALL[usize::from(control & 0x0f) % CurveId::ALL.len()];
    let n = curve.key_size().coordinate_len();
    let from_scalar = control & 0x80 != 0;
    let key_len = if from_scalar { n } else { 2 * n };
    let Some((key_bytes, rest)) = rest.split_at_checked(key_len) else {
        return;
    };
    let Some((sig_bytes, msg)) = rest.split_at_checked(2 * n) else {
        return;
    };
    let key = if from_scalar {
        SigningKey::from_scalar_le(curve, key_bytes).map(|k| *k.verifying_key())
    } else {
        VerifyingKey::from_le_bytes(curve, key_bytes)
    };
    let key = match key {
        Ok(k) => k,
        Err(e) => return message(&e),
    };
    let sig = if control & 0x40 != 0 {
        Signature::from_reversed(sig_bytes)
    } else {
        Signature::from_slice(sig_bytes)
    }
    .expect("2n bytes are a signature");
    // One verification per input: it is most of the cost of this target.
    if let Err(e) = key.verify_message(msg, &sig) {
        message(&e);
    }
}

/// The trusted keys of the `jwt_verify` seeds: a 512-bit GOST and an RSA
/// test certificate (their tokens are in `vectors/fuzz/seeds/jwt_verify/`).
const JWT_GOST_CERT: &[u8] = include_bytes!("../../vectors/esia/client-test/another.gost.test.cer");
const JWT_RSA_CERT: &[u8] = include_bytes!("../../vectors/esia/client-test/another.rsa.test.cer");

/// ESIA token verification: header, signature (GOST 256/512, RS256),
/// times, issuer, audience, typed claims. An accepted token must carry
/// what the checks required.
pub fn jwt_verify(data: &[u8]) {
    use gostcms::esia::JwtVerifier;
    static VERIFIER: OnceLock<JwtVerifier> = OnceLock::new();
    let verifier = VERIFIER.get_or_init(|| {
        let certs = [
            Certificate::from_pem_or_der(JWT_GOST_CERT).expect("GOST test certificate"),
            Certificate::from_pem_or_der(JWT_RSA_CERT).expect("RSA test certificate"),
        ];
        JwtVerifier::new(&certs)
            .expect("verifier")
            .client_id("TESTAPPLICATION")
            .now(1_700_000_000)
    });
    let text = String::from_utf8_lossy(data);
    match verifier.verify(&text) {
        Ok(token) => {
            let exp = token.claims.exp.expect("an accepted token has exp");
            assert!(exp >= 1_700_000_000 - 60, "an expired token was accepted");
            assert!(
                token.claims.iss.is_some(),
                "a token without iss was accepted"
            );
            assert_ne!(token.header.alg, "none");
        }
        Err(e) => message(&e),
    }
}

/// PFX / PKCS#12 structure parsing (no decryption: a hostile iteration
/// count makes the KDF slow by design, bounded by the iteration cap).
pub fn pfx(data: &[u8]) {
    if let Err(e) = gostcms::import::Pfx::parse(data) {
        message(&e);
    }
}

/// The PINs of the sample containers whose files seed `container`.
const CONTAINER_PINS: [&[u8]; 3] = [b"1xqoyc4e", b"123456", b""];

/// A CryptoPro container from memory ([`gostcms::import::Container::from_files`]).
/// The input holds the six files in `FILE_NAMES` order, each as a 2-byte
/// big-endian length and its bytes; length 0xFFFF marks a missing file and
/// a short input leaves the rest missing. A byte after the files picks one
/// of the sample PINs (one KDF per input keeps the target fast); when the
/// MACs pass (the seeds and their mutations) decryption runs with it, and
/// an accepted key must match the container's certificate, which `decrypt`
/// checks itself.
pub fn container(data: &[u8]) {
    use gostcms::import::Container;
    let (files, pin) = container_files(data);
    match Container::from_files(&files) {
        Ok(c) => {
            assert!(!c.name().is_empty());
            let _ = c.curve();
            if let Some(Err(e)) = c.certificate() {
                message(&e);
            }
            match c.decrypt(pin) {
                Ok(key) => assert_eq!(key.key.curve(), c.curve()),
                Err(e) => message(&e),
            }
        }
        Err(e) => message(&e),
    }
}

/// Splits a `container` input into its files and the PIN it picks.
pub fn container_files(data: &[u8]) -> (Vec<(&'static str, &[u8])>, &'static [u8]) {
    let mut files = Vec::new();
    let mut rest = data;
    for name in gostcms::import::FILE_NAMES {
        let Some((len, tail)) = rest.split_first_chunk::<2>() else {
            break;
        };
        let len = u16::from_be_bytes(*len);
        if len == u16::MAX {
            rest = tail;
            continue;
        }
        let (bytes, tail) = tail.split_at(usize::from(len).min(tail.len()));
        files.push((name, bytes));
        rest = tail;
    }
    let pin = CONTAINER_PINS[usize::from(rest.first().copied().unwrap_or(0)) % 3];
    (files, pin)
}

/// d (big-endian) of the recipient of `vectors/cryptopro/pygost-pfx2020`'s
/// public-key-protected PFX (tc26-256-a), from its meta.json.
const ENVELOPE_RECIPIENT_D_BE: [u8; 32] = [
    0x0d, 0xc8, 0xdc, 0x1f, 0xf2, 0xbc, 0x11, 0x4b, 0xab, 0xc3, 0xf1, 0xca, 0x8c, 0x51, 0xe4, 0xf5,
    0x86, 0x10, 0x42, 0x7e, 0x19, 0x7b, 0x1c, 0x2f, 0xbd, 0xba, 0x4a, 0xe5, 0x8c, 0xbf, 0xb7, 0xce,
];

/// The key the `envelope` seed is addressed to.
pub fn envelope_recipient() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| {
        SigningKey::from_scalar_be(CurveId::Tc26_256A, &ENVELOPE_RECIPIENT_D_BE)
            .expect("the sample's recipient key")
    })
}

/// EnvelopedData opened by GOST key agreement (KEG, KImp15, CTR-ACPKM)
/// with the sample's recipient key: mutations of the seed reach the key
/// agreement and the tag check.
pub fn envelope(data: &[u8]) {
    match cms::envelope::open(data, envelope_recipient(), &[]) {
        // Any plaintext is a valid answer: CTR has no padding to check.
        Ok(_) => {}
        Err(e) => message(&e),
    }
}
