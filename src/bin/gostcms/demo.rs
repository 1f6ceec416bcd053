//! `gostcms demo`: the ESIA v2 client_secret on a fixed demo key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gostcms::{CurveId, HashAlg, SigningKey};

use super::CliError;
use super::keyio::self_signed;

/// The demo key's scalar, little-endian. Public on purpose: never use it for anything real.
const DEMO_SCALAR_LE: [u8; 32] = [
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
];

/// The guide's v2 example values (esia-signing.md, guide L13318).
const CLIENT_ID: &str = "TESTAPPLICATION";
const SCOPE: &str = "openid";
const TIMESTAMP: &str = "2021.11.10 12:28:46 +0300";
const STATE: &str = "bbf0aef5-5237-41bc-8cba-291e29a3ade8";
const REDIRECT_URI: &str = "https://test.application.ru/auth/api/v1/esia/return";

/// Prints what it did; `Ok(false)` when the signature did not verify.
pub fn run() -> Result<bool, CliError> {
    let fail = |what: &str, e: gostcms::Error| CliError::input(format!("demo: {what}: {e}"));
    let key = SigningKey::from_scalar_le(CurveId::CryptoProA, &DEMO_SCALAR_LE)
        .map_err(|e| fail("demo key", e))?;
    let cert = self_signed(&key, "CN=gostcms demo,O=gostcms", 365, Some(&[0x01]))
        .map_err(|e| fail("demo certificate", e))?;
    let cert_hash = hex::encode_upper(HashAlg::Streebog256.digest(cert.der()));

    // v2/ac order: client_id + scope + timestamp + state + redirect_uri.
    let signed = format!("{CLIENT_ID}{SCOPE}{TIMESTAMP}{STATE}{REDIRECT_URI}");
    let sig = key
        .sign_prehash(&key.hash_alg().digest(signed.as_bytes()))
        .map_err(|e| fail("signing", e))?;
    let client_secret = URL_SAFE_NO_PAD.encode(sig.as_bytes());
    let verified = cert
        .verifying_key()
        .and_then(|vk| vk.verify_message(signed.as_bytes(), &sig));

    println!("gostcms demo: ESIA v2 client_secret (raw GOST R 34.10-2012 signature)");
    println!(
        "key:                     embedded demo key, curve {} (ESIA's curve)",
        key.curve()
    );
    println!(
        "certificate:             self-signed, subject {}",
        cert.subject()
    );
    println!("client_certificate_hash: {cert_hash}");
    println!("signed_string:           {signed}");
    println!("client_secret:           {client_secret}");
    match &verified {
        Ok(()) => println!(
            "verification:            OK (s||r big-endian, Streebog-256, certificate's key)"
        ),
        Err(e) => println!("verification:            FAIL {e}"),
    }
    println!(
        "not yet: the legacy CMS client_secret and Request-Data-Sign come with the ESIA layer (CMS itself: gostcms sign / verify)"
    );
    Ok(verified.is_ok())
}
