//! The doctor, one test per mistake it claims to recognise: each test makes
//! the mistake for real (signs the wrong string, reverses the bytes, hashes
//! the PEM...) and checks the doctor names it -- and that a correct request
//! gets a clean bill.

use crate::common;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::run;
use gostcms::cms::{CmsSigner, SignOptions};
use gostcms::esia::{
    self, ByteOrder, ClientSecretBuilder, DoctorInput, Fields, Flow, Mistake, Severity, Timestamp,
    signed_string,
};
use gostcms::keys::{Certificate, self_signed};
use gostcms::{CurveId, HashAlg, SigningKey};
use sha2::Digest as _;

const STATE: &str = "bbf0aef5-5237-41bc-8cba-291e29a3ade8";
const OTHER_STATE: &str = "0d5a3c1e-2b4f-4a6d-9c8e-7f1a2b3c4d5e";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn identity(curve: CurveId) -> CmsSigner {
    let key = SigningKey::generate(curve).unwrap();
    let cert = self_signed(&key, "CN=TESTAPPLICATION,O=Test", 30, None).unwrap();
    CmsSigner::new(key, cert).unwrap()
}

fn fields() -> Fields {
    Fields {
        client_id: "TESTAPPLICATION".into(),
        scope: "openid fullname".into(),
        scope_org: None,
        timestamp: Timestamp::at(now() - 10, 3 * 3600).unwrap().to_string(),
        state: STATE.into(),
        redirect_uri: Some("https://test.application.ru/auth/api/v1/esia/return".into()),
        code: None,
        refresh_token: None,
    }
}

fn raw_secret(signer: &CmsSigner, text: &str) -> Vec<u8> {
    let key = signer.key();
    key.sign_prehash(&key.hash_alg().digest(text.as_bytes()))
        .unwrap()
        .as_bytes()
        .to_vec()
}

fn input(signer: &CmsSigner, flow: Flow, f: Fields, secret: &[u8]) -> DoctorInput {
    DoctorInput {
        flow: Some(flow),
        fields: f,
        client_secret: URL_SAFE_NO_PAD.encode(secret),
        client_certificate_hash: Some(esia::client_certificate_hash(signer.certificate())),
        certificate: signer.certificate().clone(),
        certificate_file: None,
        esia_error: Some("ESIA-007053".into()),
        signed_string: None,
        other_states: vec![],
        now: Some(now()),
    }
}

/// Asserts `mistake` is reported as a problem and returns its text.
fn expect(d: &esia::Diagnosis, mistake: Mistake) -> String {
    let f = d
        .findings
        .iter()
        .find(|f| f.mistake == Some(mistake))
        .unwrap_or_else(|| panic!("{mistake:?} not found in {:#?}", d.findings));
    assert_eq!(f.severity, Severity::Problem, "{f:?}");
    assert!(!f.fix.is_empty());
    format!("{} / {}", f.problem, f.fix)
}

fn built(signer: &CmsSigner, flow: Flow, f: &Fields, order: ByteOrder) -> Vec<u8> {
    let mut b = ClientSecretBuilder::new(flow)
        .client_id(&f.client_id)
        .scope(&f.scope)
        .state(&f.state)
        .timestamp(&Timestamp::parse(&f.timestamp).unwrap())
        .byte_order(order);
    if let Some(v) = &f.redirect_uri {
        b = b.redirect_uri(v);
    }
    if let Some(v) = &f.code {
        b = b.code(v);
    }
    if let Some(v) = &f.scope_org {
        b = b.scope_org(v);
    }
    URL_SAFE_NO_PAD
        .decode(b.build(signer).unwrap().client_secret)
        .unwrap()
}

#[test]
fn a_correct_request_has_no_problems() {
    for curve in [CurveId::CryptoProA, CurveId::Tc26_512A] {
        let signer = identity(curve);
        for flow in [Flow::Authorize, Flow::LegacyAuthorize] {
            let secret = built(&signer, flow, &fields(), ByteOrder::Standard);
            let d = esia::diagnose(&input(&signer, flow, fields(), &secret));
            assert!(!d.has_problems(), "{flow:?}: {:#?}", d.findings);
            assert!(
                d.findings
                    .iter()
                    .any(|f| f.severity == Severity::Ok && f.problem.contains("verifies"))
            );
            assert_eq!(d.esia_error.unwrap().name, "clientSecretWrong");
        }
    }
}

#[test]
fn legacy_order_signed_for_v2() {
    let signer = identity(CurveId::CryptoProA);
    let secret = raw_secret(
        &signer,
        &signed_string(Flow::LegacyAuthorize, &fields()).unwrap(),
    );
    let d = esia::diagnose(&input(&signer, Flow::Authorize, fields(), &secret));
    let text = expect(&d, Mistake::LegacyFieldOrder);
    assert!(text.contains("client_id + scope"), "{text}");
}

#[test]
fn v2_order_signed_for_legacy_endpoint() {
    let signer = identity(CurveId::CryptoProA);
    let content = signed_string(Flow::Authorize, &fields()).unwrap();
    let secret = signer
        .sign(content.as_bytes(), &SignOptions::default())
        .unwrap();
    let d = esia::diagnose(&input(&signer, Flow::LegacyAuthorize, fields(), &secret));
    expect(&d, Mistake::CurrentFieldOrderOnLegacy);
    assert!(!d.found(Mistake::RawInsteadOfCms));
}

#[test]
fn cms_sent_where_raw_is_expected() {
    let signer = identity(CurveId::CryptoProA);
    // A detached PKCS#7 over the right v2 string, as old libraries make it.
    let content = signed_string(Flow::Authorize, &fields()).unwrap();
    let secret = signer
        .sign(content.as_bytes(), &SignOptions::default())
        .unwrap();
    let d = esia::diagnose(&input(&signer, Flow::Authorize, fields(), &secret));
    let text = expect(&d, Mistake::CmsInsteadOfRaw);
    assert!(text.contains("raw"), "{text}");
    // The legacy builder's output sent to v2: form and order both wrong.
    let secret = built(
        &signer,
        Flow::LegacyAuthorize,
        &fields(),
        ByteOrder::Standard,
    );
    let d = esia::diagnose(&input(&signer, Flow::Authorize, fields(), &secret));
    expect(&d, Mistake::CmsInsteadOfRaw);
    expect(&d, Mistake::LegacyFieldOrder);
}

#[test]
fn raw_sent_where_cms_is_expected() {
    let signer = identity(CurveId::CryptoProA);
    let secret = raw_secret(
        &signer,
        &signed_string(Flow::LegacyAuthorize, &fields()).unwrap(),
    );
    let d = esia::diagnose(&input(&signer, Flow::LegacyAuthorize, fields(), &secret));
    expect(&d, Mistake::RawInsteadOfCms);
}

#[test]
fn byte_reversed_signature() {
    let signer = identity(CurveId::CryptoProA);
    let secret = built(&signer, Flow::Authorize, &fields(), ByteOrder::Reversed);
    let d = esia::diagnose(&input(&signer, Flow::Authorize, fields(), &secret));
    let text = expect(&d, Mistake::ReversedSignature);
    assert!(text.contains("s||r"), "{text}");
    assert!(!d.found(Mistake::SignatureNotVerified));
}

#[test]
fn r_and_s_swapped() {
    let signer = identity(CurveId::Tc26_512A);
    let mut secret = built(&signer, Flow::Authorize, &fields(), ByteOrder::Standard);
    let half = secret.len() / 2;
    secret.rotate_left(half);
    let d = esia::diagnose(&input(&signer, Flow::Authorize, fields(), &secret));
    expect(&d, Mistake::SwappedHalves);
}

#[test]
fn url_encoded_values_signed() {
    let signer = identity(CurveId::CryptoProA);
    let f = fields();
    let enc = |v: &str| {
        v.replace('%', "%25")
            .replace('+', "%2B")
            .replace(' ', "+")
            .replace(':', "%3A")
            .replace('/', "%2F")
    };
    let text = format!(
        "{}{}{}{}{}",
        f.client_id,
        enc(&f.scope),
        enc(&f.timestamp),
        f.state,
        enc(f.redirect_uri.as_deref().unwrap())
    );
    let secret = raw_secret(&signer, &text);
    let d = esia::diagnose(&input(&signer, Flow::Authorize, f, &secret));
    expect(&d, Mistake::UrlEncodedValues);
}

#[test]
fn a_different_state_was_signed() {
    let signer = identity(CurveId::CryptoProA);
    let signed_with = Fields {
        state: OTHER_STATE.into(),
        ..fields()
    };
    let secret = built(&signer, Flow::Authorize, &signed_with, ByteOrder::Standard);
    // The doctor is told the other state used nearby (the authorization request's).
    let mut i = input(&signer, Flow::Authorize, fields(), &secret);
    i.other_states = vec![OTHER_STATE.into()];
    let d = esia::diagnose(&i);
    let text = expect(&d, Mistake::StateMismatch);
    assert!(text.contains(OTHER_STATE), "{text}");
    // Or it reads the state from the string the caller logged.
    let mut i = input(&signer, Flow::Authorize, fields(), &secret);
    i.signed_string = Some(signed_string(Flow::Authorize, &signed_with).unwrap());
    let d = esia::diagnose(&i);
    expect(&d, Mistake::StateMismatch);
}

#[test]
fn token_flow_signed_without_code_and_scope_org_left_out() {
    let signer = identity(CurveId::CryptoProA);
    let with_code = Fields {
        code: Some("eyJhbGciOi.code".into()),
        ..fields()
    };
    let secret = built(&signer, Flow::Authorize, &with_code, ByteOrder::Standard);
    let d = esia::diagnose(&input(&signer, Flow::Token, with_code, &secret));
    let text = expect(&d, Mistake::OtherFlowFields);
    assert!(text.contains("code"), "{text}");

    let with_org = Fields {
        scope_org: Some("org_emps".into()),
        ..fields()
    };
    let secret = built(&signer, Flow::Authorize, &fields(), ByteOrder::Standard);
    let d = esia::diagnose(&input(&signer, Flow::Authorize, with_org, &secret));
    let text = expect(&d, Mistake::OtherFlowFields);
    assert!(text.contains("scope_org"), "{text}");
}

#[test]
fn missing_code_on_token_endpoint() {
    let signer = identity(CurveId::CryptoProA);
    let secret = built(&signer, Flow::Authorize, &fields(), ByteOrder::Standard);
    let d = esia::diagnose(&input(&signer, Flow::Token, fields(), &secret));
    let text = expect(&d, Mistake::MissingField);
    assert!(text.contains("code"), "{text}");
}

#[test]
fn wrong_key_or_unknown_change() {
    let signer = identity(CurveId::CryptoProA);
    let stranger = identity(CurveId::CryptoProA);
    let secret = built(&stranger, Flow::Authorize, &fields(), ByteOrder::Standard);
    let d = esia::diagnose(&input(&signer, Flow::Authorize, fields(), &secret));
    expect(&d, Mistake::SignatureNotVerified);
}

#[test]
fn attached_cms_from_another_certificate() {
    let signer = identity(CurveId::CryptoProA);
    let stranger = identity(CurveId::CryptoProA);
    let content = signed_string(Flow::LegacyAuthorize, &fields()).unwrap();
    let options = SignOptions {
        attached: true,
        ..SignOptions::default()
    };
    let secret = stranger.sign(content.as_bytes(), &options).unwrap();
    let d = esia::diagnose(&input(&signer, Flow::LegacyAuthorize, fields(), &secret));
    expect(&d, Mistake::OtherCertificate);
    assert!(d.found(Mistake::AttachedCms));
}

#[test]
fn certificate_hash_mistakes() {
    let signer = identity(CurveId::CryptoProA);
    let cert: &Certificate = signer.certificate();
    let secret = built(&signer, Flow::Authorize, &fields(), ByteOrder::Standard);
    let der = cert.der();
    let pem = cert.to_pem();
    let mut reversed = HashAlg::Streebog256.digest(der);
    reversed.reverse();
    let good = esia::client_certificate_hash(cert);
    let cases: Vec<(Option<String>, Mistake)> = vec![
        (
            Some(hex::encode_upper(
                HashAlg::Streebog256.digest(pem.as_bytes()),
            )),
            Mistake::CertHashOfPem,
        ),
        (
            Some(hex::encode_upper(
                HashAlg::Streebog256.digest(pem.trim_end().as_bytes()),
            )),
            Mistake::CertHashOfPem,
        ),
        (
            Some(hex::encode_upper(sha1::Sha1::digest(der))),
            Mistake::CertHashSha1,
        ),
        (
            Some(hex::encode_upper(sha2::Sha256::digest(der))),
            Mistake::CertHashSha256,
        ),
        (
            Some(hex::encode_upper(HashAlg::Streebog512.digest(der))),
            Mistake::CertHashStreebog512,
        ),
        (
            Some(hex::encode_upper(&reversed)),
            Mistake::CertHashReversed,
        ),
        (Some("00".repeat(32)), Mistake::CertHashUnknown),
        (None, Mistake::CertHashMissing),
    ];
    for (sent, mistake) in cases {
        let mut i = input(&signer, Flow::Authorize, fields(), &secret);
        i.client_certificate_hash = sent;
        let d = esia::diagnose(&i);
        let text = expect(&d, mistake);
        assert!(
            text.contains(&good),
            "{mistake:?}: the fix gives the right hash: {text}"
        );
    }
    let mut i = input(&signer, Flow::Authorize, fields(), &secret);
    i.client_certificate_hash = Some(good.to_lowercase());
    let d = esia::diagnose(&i);
    assert!(d.found(Mistake::CertHashLowercase));
    // Legacy endpoints do not need it.
    let legacy = built(
        &signer,
        Flow::LegacyAuthorize,
        &fields(),
        ByteOrder::Standard,
    );
    let mut i = input(&signer, Flow::LegacyAuthorize, fields(), &legacy);
    i.client_certificate_hash = None;
    assert!(!esia::diagnose(&i).found(Mistake::CertHashMissing));
}

#[test]
fn timestamp_mistakes() {
    let signer = identity(CurveId::CryptoProA);
    let cases = [
        (
            Timestamp::at(now() - 2 * 86400 - 1234, 3 * 3600)
                .unwrap()
                .to_string(),
            Mistake::TimestampStale,
        ),
        (
            Timestamp::at(now() + 1800, 3 * 3600).unwrap().to_string(),
            Mistake::TimestampInFuture,
        ),
        // Moscow wall-clock time labelled as UTC.
        (
            Timestamp::at(now() + 3 * 3600, 0).unwrap().to_string(),
            Mistake::TimestampWrongOffset,
        ),
        (
            "2021-11-10T12:28:46+03:00".to_string(),
            Mistake::TimestampMalformed,
        ),
    ];
    for (ts, mistake) in cases {
        let f = Fields {
            timestamp: ts.clone(),
            ..fields()
        };
        // Signed consistently with what is sent: only the timestamp is wrong.
        let secret = raw_secret(&signer, &signed_string(Flow::Authorize, &f).unwrap());
        let d = esia::diagnose(&input(&signer, Flow::Authorize, f, &secret));
        let text = expect(&d, mistake);
        assert!(text.contains("007015"), "{ts}: {text}");
    }
}

#[test]
fn state_and_client_id_mistakes() {
    let signer = identity(CurveId::CryptoProA);
    let f = Fields {
        state: "12345".into(),
        client_id: "testapp".into(),
        ..fields()
    };
    let secret = raw_secret(&signer, &signed_string(Flow::Authorize, &f).unwrap());
    let d = esia::diagnose(&input(&signer, Flow::Authorize, f, &secret));
    expect(&d, Mistake::StateNotUuid);
    assert!(d.found(Mistake::ClientIdCase));

    let secret = built(
        &signer,
        Flow::Token,
        &Fields {
            code: Some("c".into()),
            ..fields()
        },
        ByteOrder::Standard,
    );
    let mut i = input(
        &signer,
        Flow::Token,
        Fields {
            code: Some("c".into()),
            ..fields()
        },
        &secret,
    );
    i.other_states = vec![STATE.into()];
    expect(&esia::diagnose(&i), Mistake::StateReused);
}

#[test]
fn expired_certificate_and_not_base64() {
    let signer = identity(CurveId::CryptoProA);
    let secret = built(&signer, Flow::Authorize, &fields(), ByteOrder::Standard);
    let mut i = input(&signer, Flow::Authorize, fields(), &secret);
    i.now = Some(now() + 60 * 86400);
    i.fields.timestamp = Timestamp::at(now() + 60 * 86400, 3 * 3600)
        .unwrap()
        .to_string();
    expect(&esia::diagnose(&i), Mistake::CertificateExpired);

    let mut i = input(&signer, Flow::Authorize, fields(), &secret);
    i.client_secret = "*** not base64 ***".into();
    expect(&esia::diagnose(&i), Mistake::SecretNotBase64);
}

#[test]
fn cli_doctor_reads_a_request_url() {
    let dir = common::tempdir();
    let key = dir.path().join("k.pem");
    let cert = dir.path().join("c.pem");
    let out = run(&[
        "keygen",
        "--curve",
        "cryptopro-a",
        "--out",
        key.to_str().unwrap(),
        "--cert",
        cert.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let mut args = vec![
        "esia",
        "client-secret",
        "--key",
        key.to_str().unwrap(),
        "--cert",
        cert.to_str().unwrap(),
        "--client-id",
        "TESTAPPLICATION",
        "--scope",
        "openid fullname",
        "--redirect-uri",
        "https://x.example/cb",
    ];
    let url_of = |v: &serde_json::Value| {
        let enc = |s: &str| {
            s.replace('+', "%2B")
                .replace(' ', "+")
                .replace(':', "%3A")
                .replace('/', "%2F")
        };
        format!(
            "https://esia.gosuslugi.ru/aas/oauth2/v2/ac?client_id=TESTAPPLICATION&scope=openid+fullname&timestamp={}&state={}&redirect_uri={}&client_secret={}&client_certificate_hash={}&response_type=code&access_type=online",
            enc(v["timestamp"].as_str().unwrap()),
            v["state"].as_str().unwrap(),
            enc("https://x.example/cb"),
            v["client_secret"].as_str().unwrap(),
            v["client_certificate_hash"].as_str().unwrap()
        )
    };
    let good: serde_json::Value = serde_json::from_slice(&run(&args).stdout).unwrap();
    let out = run(&[
        "esia",
        "doctor",
        "--cert",
        cert.to_str().unwrap(),
        "--request",
        &url_of(&good),
    ]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("no known mistake found"), "{text}");

    args.push("--reverse");
    let bad: serde_json::Value = serde_json::from_slice(&run(&args).stdout).unwrap();
    let out = run(&[
        "esia",
        "doctor",
        "--cert",
        cert.to_str().unwrap(),
        "--error",
        "ESIA-007053",
        "--request",
        &url_of(&bad),
    ]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("ESIA-007053 clientSecretWrong"), "{text}");
    assert!(
        text.contains("PROBLEM: the signature bytes are reversed"),
        "{text}"
    );

    // The classic: the offset's '+' left unencoded arrives as a space.
    let unencoded = url_of(&good).replace("%2B", "+");
    let out = run(&[
        "esia",
        "doctor",
        "--cert",
        cert.to_str().unwrap(),
        "--request",
        &unencoded,
    ]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("%2B"), "{text}");

    let out = run(&[
        "esia",
        "doctor",
        "--cert",
        cert.to_str().unwrap(),
        "--json",
        "--request",
        &url_of(&bad),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["mistake"], "ReversedSignature");
}

#[test]
fn standard_base64_secret_is_flagged() {
    let signer = identity(CurveId::CryptoProA);
    // Sign until the standard alphabet shows '+' or '/' (almost always at once).
    let (secret, text) = (0..50)
        .map(|_| {
            let s = built(&signer, Flow::Authorize, &fields(), ByteOrder::Standard);
            let t = base64::engine::general_purpose::STANDARD.encode(&s);
            (s, t)
        })
        .find(|(_, t)| t.contains('+') || t.contains('/'))
        .unwrap();
    let mut i = input(&signer, Flow::Authorize, fields(), &secret);
    i.client_secret = text;
    let d = esia::diagnose(&i);
    assert!(d.found(Mistake::SecretStandardBase64), "{:#?}", d.findings);
    assert!(!d.found(Mistake::SignatureNotVerified));
}

/// Extreme request times (issue 28, item 5): a finding, never an overflow.
#[test]
fn extreme_request_times_are_reported_not_overflowed() {
    let signer = identity(CurveId::CryptoProA);
    let f = fields();
    let secret = raw_secret(&signer, "anything");
    for now in [
        i64::MIN,
        i64::MIN + 1,
        -1,
        esia::LATEST_REQUEST_TIME + 1,
        i64::MAX,
    ] {
        let mut input = input(&signer, Flow::Authorize, f.clone(), &secret);
        input.now = Some(now);
        let d = esia::diagnose(&input);
        assert!(
            d.findings
                .iter()
                .any(|f| f.problem.contains("outside 1970-01-01..9999-12-31")),
            "{now}: {:#?}",
            d.findings
        );
    }
    // The command line too: no panic, whatever --now says.
    let dir = common::tempdir();
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, signer.certificate().to_pem()).unwrap();
    for now in [i64::MIN.to_string(), i64::MAX.to_string(), "-1".into()] {
        let out = common::run(&[
            "esia",
            "doctor",
            "--cert",
            cert.to_str().unwrap(),
            "--client-secret",
            "AAAA",
            "--now",
            &now,
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "--now {now}: {err}");
    }
}
