//! The ESIA layer against independent oracles: OpenSSL's gost engine
//! verifies our client_secrets (raw with `dgst -verify`, legacy with
//! `cms -verify`), Request-Data-Sign and UUID signatures; OpenSSL signs the
//! JWTs we verify; the guide's example string and ESIA's published
//! certificates' hashes are known answers.
//!
//! `OPENSSL_CONF` is set per openssl child (tests/data/ossl.cnf). Without
//! the engine the interop tests skip loudly, or fail when `CI` is set.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{
    crate_path, engine_available, ok, openssl, openssl_genkey, openssl_self_signed, run, stderr,
    stdout,
};
use gostcms::esia::{JwtError, JwtVerifier};
use gostcms::keys::Certificate;

const GUIDE_STRING: &str = "TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300bbf0aef5-5237-41bc-8cba-291e29a3ade8https://test.application.ru/auth/api/v1/esia/return";

/// An OpenSSL-made key and self-signed certificate: (key, cert, public key).
fn openssl_identity(dir: &Path, bits: u32, paramset: &str) -> (PathBuf, PathBuf, PathBuf) {
    let (key, pubk) = openssl_genkey(dir, &format!("gost2012_{bits}"), paramset);
    let cert = openssl_self_signed(&key, "/CN=ESIA test");
    (key, cert, pubk)
}

use common::path_str as s;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(out), stderr(out)))
}

#[test]
fn v2_and_v3_raw_client_secrets_verify_in_openssl() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    for (bits, ps) in [(256, "A"), (256, "TCA"), (512, "A"), (512, "C")] {
        let (key, cert, pubk) = openssl_identity(dir.path(), bits, ps);
        for extra in [
            vec![],
            vec!["--code", "eyJ2ZXIiOjEsInR5cCI6IkpXVCJ9.code"],
            vec!["--scope-org", "org_inf", "--refresh-token", "f1d2-refresh"],
        ] {
            let mut args = vec![
                "esia",
                "client-secret",
                "--key",
                s(&key),
                "--cert",
                s(&cert),
                "--client-id",
                "TESTAPPLICATION",
                "--scope",
                "openid fullname",
                "--redirect-uri",
                "https://test.application.ru/auth/api/v1/esia/return",
            ];
            args.extend(extra.iter().copied());
            let out = run(&args);
            ok(&out, "esia client-secret");
            let v = json(&out);
            let signed = v["signed_string"].as_str().unwrap();
            let state = v["state"].as_str().unwrap();
            let timestamp = v["timestamp"].as_str().unwrap();
            // The string is the documented concatenation of the values returned.
            let mut expected = "TESTAPPLICATIONopenid fullname".to_string();
            if extra.contains(&"org_inf") {
                expected.push_str("org_inf");
            }
            expected.push_str(&format!(
                "{timestamp}{state}https://test.application.ru/auth/api/v1/esia/return"
            ));
            if let Some(i) = extra
                .iter()
                .position(|a| *a == "--code" || *a == "--refresh-token")
            {
                expected.push_str(extra[i + 1]);
            }
            assert_eq!(signed, expected);
            gostcms::esia::timestamp::Timestamp::parse(timestamp).unwrap();
            let sig = URL_SAFE_NO_PAD
                .decode(v["client_secret"].as_str().unwrap())
                .unwrap();
            assert_eq!(sig.len(), bits as usize / 4);
            let sig_path = dir.path().join("sig.bin");
            let msg_path = dir.path().join("msg.txt");
            fs::write(&sig_path, &sig).unwrap();
            fs::write(&msg_path, signed).unwrap();
            let md = format!("-md_gost12_{bits}");
            let out = openssl(&[
                &"dgst",
                &md,
                &"-verify",
                &pubk,
                &"-signature",
                &sig_path,
                &msg_path,
            ]);
            assert!(
                stdout(&out).contains("Verified OK"),
                "{bits} {ps} {extra:?}: openssl rejects our client_secret: {}{}",
                stdout(&out),
                stderr(&out)
            );
            // The certificate hash is Streebog-256 of the DER, as OpenSSL computes it.
            let der_path = dir.path().join("cert.der");
            ok(
                &openssl(&[
                    &"x509",
                    &"-in",
                    &cert,
                    &"-outform",
                    &"DER",
                    &"-out",
                    &der_path,
                ]),
                "x509 DER",
            );
            let out = openssl(&[&"dgst", &"-md_gost12_256", &"-r", &der_path]);
            let ossl_hash = stdout(&out)
                .split_whitespace()
                .next()
                .unwrap()
                .to_uppercase();
            assert_eq!(v["client_certificate_hash"].as_str().unwrap(), ossl_hash);
        }
    }
}

#[test]
fn guide_example_string_and_reversed_option() {
    let dir = common::tempdir();
    let key = dir.path().join("k.pem");
    let cert = dir.path().join("c.pem");
    ok(
        &run(&[
            "keygen",
            "--curve",
            "cryptopro-a",
            "--out",
            s(&key),
            "--cert",
            s(&cert),
        ]),
        "keygen",
    );
    let base = [
        "esia",
        "client-secret",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        "--client-id",
        "TESTAPPLICATION",
        "--scope",
        "openid",
        "--redirect-uri",
        "https://test.application.ru/auth/api/v1/esia/return",
        "--state",
        "bbf0aef5-5237-41bc-8cba-291e29a3ade8",
        "--timestamp",
        "2021.11.10 12:28:46 +0300",
    ];
    let out = run(&base);
    ok(&out, "client-secret");
    let v = json(&out);
    assert_eq!(v["signed_string"], GUIDE_STRING);
    assert_eq!(v["state"], "bbf0aef5-5237-41bc-8cba-291e29a3ade8");
    assert_eq!(v["timestamp"], "2021.11.10 12:28:46 +0300");
    // --reverse: the CryptoAPI order, which raw-verify --reverse accepts.
    let mut args = base.to_vec();
    args.push("--reverse");
    let out = run(&args);
    ok(&out, "client-secret --reverse");
    let rev = URL_SAFE_NO_PAD
        .decode(json(&out)["client_secret"].as_str().unwrap())
        .unwrap();
    let sig_path = dir.path().join("rev.bin");
    let msg_path = dir.path().join("msg.txt");
    fs::write(&sig_path, &rev).unwrap();
    fs::write(&msg_path, GUIDE_STRING).unwrap();
    ok(
        &run(&[
            "raw-verify",
            "--cert",
            s(&cert),
            "--signature",
            s(&sig_path),
            "--reverse",
            s(&msg_path),
        ]),
        "raw-verify --reverse",
    );
    let out = run(&[
        "raw-verify",
        "--cert",
        s(&cert),
        "--signature",
        s(&sig_path),
        s(&msg_path),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a reversed secret must not verify as s||r"
    );
    // Usage errors: a misformatted timestamp, a state that is not a UUID.
    let mut bad = base.to_vec();
    bad[15] = "2021-11-10T12:28:46+03:00";
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ISO 8601"), "{}", stderr(&out));
    let mut bad = base.to_vec();
    bad[13] = "not-a-uuid";
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a UUID") || stderr(&out).contains("characters"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn legacy_client_secret_request_data_sign_and_uuid_signature_verify_in_openssl_cms() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let (key, cert, _) = openssl_identity(dir.path(), 256, "A");
    let der = dir.path().join("sig.der");
    let content = dir.path().join("content");
    let cms_verify = |sig: &Path, content: Option<&Path>| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"cms", &"-verify", &"-binary", &"-inform", &"DER", &"-in", &sig, &"-CAfile", &cert,
        ];
        if let Some(c) = content.as_ref() {
            args.push(&"-content");
            args.push(c);
        }
        openssl(&args)
    };

    // Legacy /aas/oauth2/te: CMS detached over scope+timestamp+client_id+state+redirect_uri+code.
    let out = run(&[
        "esia",
        "client-secret",
        "--legacy",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        "--client-id",
        "TESTAPPLICATION",
        "--scope",
        "openid",
        "--redirect-uri",
        "https://x.example/cb",
        "--code",
        "CODE123",
    ]);
    ok(&out, "client-secret --legacy");
    let v = json(&out);
    let signed = v["signed_string"].as_str().unwrap();
    assert_eq!(
        signed,
        format!(
            "openid{}TESTAPPLICATION{}https://x.example/cbCODE123",
            v["timestamp"].as_str().unwrap(),
            v["state"].as_str().unwrap()
        )
    );
    fs::write(
        &der,
        URL_SAFE_NO_PAD
            .decode(v["client_secret"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    fs::write(&content, signed).unwrap();
    let out = cms_verify(&der, Some(&content));
    assert!(
        stderr(&out).contains("Verification successful"),
        "legacy secret: {}",
        stderr(&out)
    );
    fs::write(&content, format!("{signed}x")).unwrap();
    assert!(
        !cms_verify(&der, Some(&content)).status.success(),
        "openssl accepted altered content"
    );

    // Request-Data-Sign over a JSON body.
    let body = dir.path().join("body.json");
    let json_body = r#"{"snils":"000-000-600 06","lastName":"Иванов","firstName":"Иван"}"#;
    fs::write(&body, json_body).unwrap();
    let out = run(&[
        "esia",
        "request-data-sign",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        s(&body),
    ]);
    ok(&out, "request-data-sign");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let data = lines[0].strip_prefix("Request-Data: ").unwrap();
    let sign = lines[1].strip_prefix("Request-Data-Sign: ").unwrap();
    assert_eq!(URL_SAFE_NO_PAD.decode(data).unwrap(), json_body.as_bytes());
    fs::write(&der, URL_SAFE_NO_PAD.decode(sign).unwrap()).unwrap();
    fs::write(&content, json_body).unwrap();
    let out = cms_verify(&der, Some(&content));
    assert!(
        stderr(&out).contains("Verification successful"),
        "Request-Data-Sign: {}",
        stderr(&out)
    );

    // UUID signature: attached + percent-encoded (the guide's example form), and detached base64url.
    let uuid = "6c8c7b7e-3b5f-4d2a-9e0a-1f2b3c4d5e6f";
    let out = run(&[
        "esia",
        "uuid-signature",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        "--attached",
        "--percent-encoded",
        uuid,
    ]);
    ok(&out, "uuid-signature --attached");
    let text = stdout(&out).trim().to_string();
    assert!(
        !text.contains('+') && !text.contains('/') && !text.contains('='),
        "{text}"
    );
    let b64 =
        String::from_utf8(gostcms::encoding::percent_decode(text.as_bytes()).unwrap()).unwrap();
    fs::write(
        &der,
        base64::engine::general_purpose::STANDARD
            .decode(&b64)
            .unwrap(),
    )
    .unwrap();
    let out = cms_verify(&der, None);
    assert!(
        stderr(&out).contains("Verification successful"),
        "uuid attached: {}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), uuid, "openssl outputs the signed UUID");
    let report =
        gostcms::esia::verify_uuid_signature(&text, uuid, &[], std::time::SystemTime::now())
            .unwrap();
    assert!(report.all_valid());
    let e = gostcms::esia::verify_uuid_signature(
        &text,
        "6c8c7b7e-3b5f-4d2a-9e0a-1f2b3c4d5e60",
        &[],
        std::time::SystemTime::now(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("ESIA-005002"), "{e}");
    let tomorrow = std::time::SystemTime::now() + std::time::Duration::from_secs(25 * 3600);
    let e = gostcms::esia::verify_uuid_signature(&text, uuid, &[], tomorrow).unwrap_err();
    assert!(e.to_string().contains("at most 24"), "{e}");

    let out = run(&[
        "esia",
        "uuid-signature",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        uuid,
    ]);
    ok(&out, "uuid-signature");
    let text = stdout(&out).trim().to_string();
    fs::write(&der, URL_SAFE_NO_PAD.decode(&text).unwrap()).unwrap();
    fs::write(&content, uuid).unwrap();
    let out = cms_verify(&der, Some(&content));
    assert!(
        stderr(&out).contains("Verification successful"),
        "uuid detached: {}",
        stderr(&out)
    );
    let out = run(&[
        "esia",
        "uuid-signature",
        "--key",
        s(&key),
        "--cert",
        s(&cert),
        "not-a-uuid",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// A token in ESIA's shape signed by OpenSSL: `dgst -sign` over `header.payload`.
fn openssl_token(
    dir: &Path,
    key: &Path,
    md: &str,
    header: &serde_json::Value,
    claims: &serde_json::Value,
) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let msg = dir.join("jwt-input");
    let sig = dir.join("jwt-sig");
    fs::write(&msg, &input).unwrap();
    ok(
        &openssl(&[&"dgst", &md, &"-sign", &key, &"-out", &sig, &msg]),
        "dgst -sign (jwt)",
    );
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(fs::read(&sig).unwrap())
    )
}

const NOW: i64 = 1_700_000_000;

fn access_claims() -> serde_json::Value {
    serde_json::json!({
        "nbf": NOW - 10, "iat": NOW - 10, "exp": NOW + 3600,
        "scope": "openid fullname?oid=1000299526",
        "iss": "http://esia.gosuslugi.ru/",
        "urn:esia:sid": "dfa8dfe4e2cbad40fcfc974a9bcd445b570c2c90c22612047a940c56afa2c463",
        "urn:esia:sbj_id": 1000299526,
        "urn:esia:authority": {"expired": "16.09.2018", "id": "1020"},
        "client_id": "TESTAPPLICATION"
    })
}

fn id_claims() -> serde_json::Value {
    serde_json::json!({
        "acr": {"2fa": "otp"}, "nbf": NOW - 5, "amr": "PWD", "urn:esia:amd": "PWD",
        "auth_time": NOW - 6, "iss": "http://esia.gosuslugi.ru",
        "urn:esia:sid": "742ed289-b88e-4ec4-80dd-7eb514e83d93",
        "urn:esia:sbj": {"urn:esia:sbj:typ": "P", "urn:esia:sbj:is_tru": true, "urn:esia:sbj:oid": 1077340006, "urn:esia:sbj:nam": "ДО ДО"},
        "sub": 1077340006, "aud": "TESTAPPLICATION", "exp": NOW + 3600, "iat": NOW - 5
    })
}

#[test]
fn openssl_signed_jwts_verify_and_each_defect_is_rejected_with_its_reason() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    for (bits, ps, alg) in [
        (256, "A", "GOST3410_2012_256"),
        (512, "A", "GOST3410_2012_512"),
        (256, "TCA", "GOST3410_2012_256"),
    ] {
        let (key, cert_path, _) = openssl_identity(dir.path(), bits, ps);
        let cert = Certificate::from_pem_or_der(&fs::read(&cert_path).unwrap()).unwrap();
        let md = format!("-md_gost12_{bits}");
        let header = serde_json::json!({"alg": alg, "typ": "JWT", "ver": 0, "sbt": "access"});
        let verifier = JwtVerifier::new(std::slice::from_ref(&cert))
            .unwrap()
            .client_id("TESTAPPLICATION")
            .now(NOW);
        let token = openssl_token(dir.path(), &key, &md, &header, &access_claims());
        let t = verifier
            .verify(&token)
            .unwrap_or_else(|e| panic!("{alg} {ps}: {e}"));
        assert_eq!(t.claims.client_id.as_deref(), Some("TESTAPPLICATION"));
        assert_eq!(t.claims.sbj_id.as_ref().unwrap().0, "1000299526");
        assert_eq!(
            t.claims.authority.as_ref().unwrap().id.as_deref(),
            Some("1020")
        );

        // The CLI: exit 0 with header and claims.
        let out = run(&[
            "jwt",
            "verify",
            "--trust",
            s(&cert_path),
            "--client-id",
            "TESTAPPLICATION",
            "--now",
            &NOW.to_string(),
            &token,
        ]);
        ok(&out, "jwt verify");
        let v = json(&out);
        assert_eq!(v["header"]["alg"], alg);
        assert_eq!(v["claims"]["urn:esia:sbj_id"], 1000299526);

        // id token: audience in aud; the issuer without its final slash is the same issuer.
        let id_header = serde_json::json!({"alg": alg, "sbt": "id", "typ": "JWT", "ver": 0});
        let id_token = openssl_token(dir.path(), &key, &md, &id_header, &id_claims());
        let t = verifier.verify(&id_token).unwrap();
        assert_eq!(
            t.claims.sbj.as_ref().unwrap().oid.as_ref().unwrap().0,
            "1077340006"
        );
        assert_eq!(t.claims.sub.as_ref().unwrap().0, "1077340006");
        let other = JwtVerifier::new(std::slice::from_ref(&cert))
            .unwrap()
            .client_id("OTHERSYSTEM")
            .now(NOW);
        assert!(matches!(
            other.verify(&id_token),
            Err(JwtError::WrongAudience { claim: "aud", .. })
        ));

        // Each defect, with its reason.
        let reject = |token: &str, v: &JwtVerifier| v.verify(token).unwrap_err();
        assert!(matches!(
            reject(&token, &verifier.clone().now(NOW + 3600 + 61)),
            JwtError::Expired { .. }
        ));
        assert!(
            verifier.clone().now(NOW + 3600 + 59).verify(&token).is_ok(),
            "leeway"
        );
        assert!(matches!(
            reject(&token, &verifier.clone().now(NOW - 100)),
            JwtError::NotYetValid { .. }
        ));
        let mut c = access_claims();
        c["nbf"] = serde_json::json!(NOW - 200);
        c["iat"] = serde_json::json!(NOW + 500);
        let future = openssl_token(dir.path(), &key, &md, &header, &c);
        assert!(matches!(
            reject(&future, &verifier),
            JwtError::IssuedInFuture { .. }
        ));
        assert!(matches!(
            reject(
                &token,
                &verifier
                    .clone()
                    .issuers(["https://esia-portal1.test.gosuslugi.ru/"])
            ),
            JwtError::WrongIssuer { .. }
        ));
        assert!(matches!(
            reject(&token, &verifier.clone().client_id("OTHERSYSTEM")),
            JwtError::WrongAudience {
                claim: "client_id",
                ..
            }
        ));
        let mut c = access_claims();
        c.as_object_mut().unwrap().remove("exp");
        let no_exp = openssl_token(dir.path(), &key, &md, &header, &c);
        assert_eq!(reject(&no_exp, &verifier), JwtError::MissingClaim("exp"));

        let parts: Vec<&str> = token.split('.').collect();
        // Altered payload: the client_id changed after signing.
        let mut c = access_claims();
        c["client_id"] = serde_json::json!("TESTAPPLICATION2");
        let altered = format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(c.to_string()),
            parts[2]
        );
        let e = reject(&altered, &verifier);
        assert!(matches!(e, JwtError::BadSignature(_)), "{e}");
        // alg swapped to RS256 or to the other GOST size: no trusted key of that kind.
        for swapped in [
            "RS256",
            if bits == 256 {
                "GOST3410_2012_512"
            } else {
                "GOST3410_2012_256"
            },
        ] {
            let h = serde_json::json!({"alg": swapped, "typ": "JWT", "ver": 0, "sbt": "access"});
            let t = format!(
                "{}.{}.{}",
                URL_SAFE_NO_PAD.encode(h.to_string()),
                parts[1],
                parts[2]
            );
            assert!(
                matches!(reject(&t, &verifier), JwtError::AlgorithmKeyMismatch { .. }),
                "{swapped}"
            );
        }
        let h = serde_json::json!({"alg": "none", "typ": "JWT"});
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(h.to_string()), parts[1]);
        assert!(matches!(
            reject(&none, &verifier),
            JwtError::UnsupportedAlgorithm(_)
        ));
        // Signature byte-reversed (CryptoAPI order): rejected, and the reason says so.
        let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        sig.reverse();
        let reversed = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(&sig));
        let e = reject(&reversed, &verifier);
        assert!(e.to_string().contains("byte-reversed"), "{e}");
        // Malformed shapes.
        for bad in ["", "a.b", "a.b.c.d", "!!.e30.e30", "e30.e30.!!"] {
            assert!(
                matches!(reject(bad, &verifier), JwtError::Malformed(_)),
                "{bad:?}"
            );
        }
        // The payload is only parsed after the signature holds.
        let junk = format!("{}.bm90IGpzb24.{}", parts[0], parts[2]);
        assert!(matches!(
            reject(&junk, &verifier),
            JwtError::BadSignature(_)
        ));
        // The CLI exits 1 with the reason.
        let out = run(&[
            "jwt",
            "verify",
            "--trust",
            s(&cert_path),
            "--client-id",
            "TESTAPPLICATION",
            "--now",
            &(NOW + 7200).to_string(),
            &token,
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
        let out = run(&[
            "jwt",
            "verify",
            "--trust",
            s(&cert_path),
            "--now",
            &NOW.to_string(),
            &reversed,
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("byte-reversed"), "{}", stderr(&out));
    }
}

#[test]
fn rs256_tokens_verify_with_an_rsa_certificate_only() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let key = crate_path("vectors/esia/client-test/another.rsa.test.key");
    let rsa_cert = Certificate::from_pem_or_der(
        &fs::read(crate_path("vectors/esia/client-test/another.rsa.test.cer")).unwrap(),
    )
    .unwrap();
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "ver": 0, "sbt": "access"});
    let token = openssl_token(dir.path(), &key, "-sha256", &header, &access_claims());
    let verifier = JwtVerifier::new(&[rsa_cert])
        .unwrap()
        .client_id("TESTAPPLICATION")
        .now(NOW);
    verifier.verify(&token).unwrap();
    // A GOST header against the RSA key is refused before any signature check.
    let parts: Vec<&str> = token.split('.').collect();
    let h = serde_json::json!({"alg": "GOST3410_2012_256", "typ": "JWT"});
    let t = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(h.to_string()),
        parts[1],
        parts[2]
    );
    assert!(matches!(
        verifier.verify(&t),
        Err(JwtError::AlgorithmKeyMismatch { .. })
    ));
    // And with ESIA's own GOST certificates trusted, the RSA token finds no key of its kind.
    let gost = Certificate::from_pem_or_der(
        &fs::read(crate_path("vectors/esia/esia.gost.prod.cer")).unwrap(),
    )
    .unwrap();
    let v = JwtVerifier::new(&[gost]).unwrap().now(NOW);
    assert!(matches!(
        v.verify(&token),
        Err(JwtError::AlgorithmKeyMismatch { .. })
    ));
}

#[test]
fn esia_published_certificates_load_and_hash_as_esia_expects() {
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(crate_path("vectors/esia/esia.json")).unwrap()).unwrap();
    let mut checked = 0;
    for entry in meta["certificates"].as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        let path = crate_path(&format!("vectors/esia/{file}"));
        if !path.exists() {
            continue;
        }
        let out = run(&["esia", "cert-hash", s(&path)]);
        ok(&out, file);
        assert_eq!(
            stdout(&out).trim(),
            entry["streebog256_of_der_upper_hex"].as_str().unwrap(),
            "{file}"
        );
        let cert = Certificate::from_pem_or_der(&fs::read(&path).unwrap()).unwrap();
        // ESIA's own certificates are usable as JWT trust anchors (the GOST ones are on XchA).
        if file.starts_with("esia.") {
            JwtVerifier::new(&[cert]).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} certificates found");
}

#[test]
fn pkce_cli() {
    for (method, len) in [("GOST3411", 43), ("S256", 43), ("GOST3411-512", 86)] {
        let out = run(&["esia", "pkce", "--method", method]);
        ok(&out, "pkce");
        let v = json(&out);
        let verifier = v["code_verifier"].as_str().unwrap();
        assert_eq!(verifier.len(), 43);
        assert_eq!(v["code_challenge"].as_str().unwrap().len(), len);
        assert_eq!(
            v["code_challenge_method"],
            if method == "S256" { "S256" } else { "GOST3411" }
        );
    }
    let out = run(&["esia", "pkce", "--method", "MD5"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_guides_request_data_sign_example_verifies() {
    // Б.9's byte-exact example: BER, RSA-2048/SHA-256, detached, base64url.
    let dir = crate_path("vectors/esia/request-data-sign");
    let data = fs::read_to_string(dir.join("request_data.b64u")).unwrap();
    let sign = fs::read_to_string(dir.join("request_data_sign.b64u")).unwrap();
    let (json, report) = gostcms::esia::verify_request_data(data.trim(), sign.trim(), &[]).unwrap();
    assert_eq!(json, fs::read(dir.join("request_data.json")).unwrap());
    assert!(report.all_valid(), "{:?}", report.signers);
    // One byte of the body changed: the digest no longer matches.
    let mut altered = json.clone();
    altered[10] ^= 1;
    let (_, report) =
        gostcms::esia::verify_request_data(&URL_SAFE_NO_PAD.encode(&altered), sign.trim(), &[])
            .unwrap();
    assert!(!report.all_valid());
}

/// RFC 7515 `crit` and the issuer's trailing slashes (issue 28, item 7):
/// tokens signed by OpenSSL, so only the checks under test can refuse them.
#[test]
fn critical_headers_and_slashed_issuers_are_refused() {
    if !engine_available() {
        return;
    }
    let dir = common::tempdir();
    let (key, cert_path, _) = openssl_identity(dir.path(), 256, "A");
    let cert = Certificate::from_pem_or_der(&fs::read(&cert_path).unwrap()).unwrap();
    let verifier = JwtVerifier::new(std::slice::from_ref(&cert))
        .unwrap()
        .client_id("TESTAPPLICATION")
        .now(NOW);
    let plain = serde_json::json!({"alg": "GOST3410_2012_256", "typ": "JWT", "ver": 0});
    let token = openssl_token(dir.path(), &key, "-md_gost12_256", &plain, &access_claims());
    verifier.verify(&token).unwrap();

    for crit in [
        serde_json::json!(["exp"]),
        serde_json::json!(["urn:example:unknown"]),
        serde_json::json!([]),
    ] {
        let mut header = plain.clone();
        header["crit"] = crit.clone();
        header["urn:example:unknown"] = serde_json::json!(true);
        let token = openssl_token(
            dir.path(),
            &key,
            "-md_gost12_256",
            &header,
            &access_claims(),
        );
        let err = verifier.verify(&token).unwrap_err();
        assert!(
            matches!(&err, JwtError::Malformed(m) if m.contains("crit")),
            "{crit}: {err}"
        );
    }

    // One final slash on either side is the same issuer; several are not.
    for (iss, accepted) in [
        ("http://esia.gosuslugi.ru", true),
        ("http://esia.gosuslugi.ru/", true),
        ("http://esia.gosuslugi.ru//", false),
        ("http://esia.gosuslugi.ru///", false),
    ] {
        let mut claims = access_claims();
        claims["iss"] = serde_json::json!(iss);
        let token = openssl_token(dir.path(), &key, "-md_gost12_256", &plain, &claims);
        let result = verifier.verify(&token);
        assert_eq!(result.is_ok(), accepted, "{iss}: {result:?}");
        if !accepted {
            assert!(matches!(result, Err(JwtError::WrongIssuer { .. })));
        }
    }
}
