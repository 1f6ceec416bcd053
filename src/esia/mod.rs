//! What an ESIA (Gosuslugi) integration calls: client_secret for every
//! flow, client_certificate_hash, PKCE, Request-Data-Sign, the
//! identification-key UUID signature, verification of the tokens ESIA
//! issues, and a doctor that explains rejected secrets.
//!
//! ```
//! use gostcms::cms::CmsSigner;
//! use gostcms::esia::{ClientSecretBuilder, Flow, Timestamp};
//! use gostcms::{CurveId, SigningKey};
//!
//! let key = SigningKey::generate(CurveId::CryptoProA).unwrap();
//! let cert = gostcms::keys::self_signed(&key, "CN=TESTAPPLICATION", 365, None).unwrap();
//! let signer = CmsSigner::new(key, cert).unwrap();
//! let secret = ClientSecretBuilder::new(Flow::Authorize)
//!     .client_id("TESTAPPLICATION")
//!     .scope("openid")
//!     .redirect_uri("https://test.application.ru/auth/api/v1/esia/return")
//!     .build(&signer)
//!     .unwrap();
//! // Send exactly these values with the request.
//! assert!(secret.signed_string.starts_with("TESTAPPLICATIONopenid"));
//! assert_eq!(secret.client_certificate_hash.len(), 64);
//! # let _ = (secret.state, secret.timestamp, secret.client_secret, Timestamp::now());
//! ```

pub mod cert_hash;
pub mod claims;
pub mod client_secret;
pub mod doctor;
pub mod errors;
pub mod jwt;
pub mod pkce;
pub mod request_data;
pub mod state;
pub mod timestamp;
pub mod uuid_signature;

pub use cert_hash::client_certificate_hash;
pub use claims::{Audience, Claims, Header, Oid};
pub use client_secret::{
    ByteOrder, ClientSecret, ClientSecretBuilder, Field, Fields, Flow, signed_string,
};
pub use doctor::{
    Diagnosis, DoctorInput, Finding, LATEST_REQUEST_TIME, Mistake, Severity, diagnose,
};
pub use jwt::{JwtAlgorithm, JwtError, JwtVerifier, VerifiedToken};
pub use pkce::{Pkce, PkceMethod};
pub use request_data::{RequestDataHeaders, request_data_sign, verify_request_data};
pub use state::new_state;
pub use timestamp::Timestamp;
pub use uuid_signature::{
    UuidSignatureEncoding, UuidSignatureOptions, sign_uuid, verify_uuid_signature,
};

/// ESIA signs and checks with GOST R 34.10-2012 only: a GOST R 34.10-2001
/// key (or certificate) is refused at every signing entry point, before
/// anything is signed.
pub(crate) fn require_gost2012(signer: &crate::cms::CmsSigner) -> crate::Result<()> {
    let cert_2001 = signer
        .certificate()
        .verifying_key()
        .is_ok_and(|k| k.is_gost2001());
    if signer.key().is_gost2001() || cert_2001 {
        return Err(crate::Error::Unsupported(
            "ESIA requires GOST R 34.10-2012 keys and certificates; this is a legacy \
             GOST R 34.10-2001 key (hashed with GOST R 34.11-94), which ESIA does not accept"
                .into(),
        ));
    }
    Ok(())
}
