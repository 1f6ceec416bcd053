//! `gostcms demo`: an ESIA v2 client_secret and a Request-Data-Sign on a
//! fixed demo key, each verified.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gostcms::cms::CmsSigner;
use gostcms::esia::{self, ClientSecretBuilder, Flow, Timestamp};
use gostcms::{CurveId, Signature, SigningKey};

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

/// A small body for the import API.
const REQUEST_JSON: &str = r#"{"snils":"000-000-600 06","lastName":"Тестов"}"#;

/// Prints what it did; `Ok(false)` when a signature did not verify.
pub fn run() -> Result<bool, CliError> {
    let fail = |what: &str, e: gostcms::Error| CliError::input(format!("demo: {what}: {e}"));
    let key = SigningKey::from_scalar_le(CurveId::CryptoProA, &DEMO_SCALAR_LE)
        .map_err(|e| fail("demo key", e))?;
    let cert = self_signed(&key, "CN=gostcms demo,O=gostcms", 365, Some(&[0x01]))
        .map_err(|e| fail("demo certificate", e))?;
    let signer = CmsSigner::new(key, cert.clone()).map_err(|e| fail("demo signer", e))?;

    let timestamp = Timestamp::parse(TIMESTAMP).map_err(|e| fail("timestamp", e))?;
    let secret = ClientSecretBuilder::new(Flow::Authorize)
        .client_id(CLIENT_ID)
        .scope(SCOPE)
        .redirect_uri(REDIRECT_URI)
        .state(STATE)
        .timestamp(&timestamp)
        .build(&signer)
        .map_err(|e| fail("client_secret", e))?;
    // Check it the way ESIA does: rebuild the string, verify s||r with the certificate's key.
    let secret_ok = URL_SAFE_NO_PAD
        .decode(&secret.client_secret)
        .map_err(|e| CliError::input(format!("demo: base64url: {e}")))
        .and_then(|bytes| Signature::from_slice(&bytes).map_err(|e| fail("signature", e)))
        .and_then(|sig| {
            cert.verifying_key()
                .and_then(|vk| vk.verify_message(secret.signed_string.as_bytes(), &sig))
                .map_err(|e| fail("verification", e))
        });

    let headers = esia::request_data_sign(&signer, REQUEST_JSON.as_bytes())
        .map_err(|e| fail("Request-Data-Sign", e))?;
    let rds_ok = esia::verify_request_data(&headers.request_data, &headers.request_data_sign, &[])
        .map_err(|e| fail("Request-Data-Sign", e))
        .and_then(|(json, report)| {
            if json == REQUEST_JSON.as_bytes() && report.all_valid() {
                Ok(())
            } else {
                Err(CliError::check("demo: Request-Data-Sign did not verify"))
            }
        });

    let verdict = |r: &Result<(), CliError>| match r {
        Ok(()) => "OK".to_string(),
        Err(e) => format!("FAIL {}", e.message()),
    };
    outln!("gostcms demo: ESIA v2 client_secret and Request-Data-Sign")?;
    outln!(
        "key:                     embedded demo key, curve {} (ESIA's curve)",
        signer.key().curve()
    )?;
    outln!(
        "certificate:             self-signed, subject {}",
        cert.subject()
    )?;
    outln!(
        "client_certificate_hash: {}",
        secret.client_certificate_hash
    )?;
    outln!("signed_string:           {}", secret.signed_string)?;
    outln!("client_secret:           {}", secret.client_secret)?;
    outln!(
        "verification:            {} (raw s||r big-endian, Streebog-256, certificate's key)",
        verdict(&secret_ok)
    )?;
    outln!("Request-Data:            {}", headers.request_data)?;
    outln!("Request-Data-Sign:       {}", headers.request_data_sign)?;
    outln!(
        "verification:            {} (detached CMS over the decoded Request-Data)",
        verdict(&rds_ok)
    )?;
    Ok(secret_ok.is_ok() && rds_ok.is_ok())
}
