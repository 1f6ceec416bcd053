//! Verification of the tokens ESIA issues (JWT signed with GOST or RS256).

use std::ffi::c_char;

use gostcms_core::esia::JwtVerifier;
use gostcms_core::keys::Certificate;
use gostcms_core::{KeySize, Signature};

use crate::buffer::{clear_buffer, gostcms_buffer, write_buffer};
use crate::cert::gostcms_trust;
use crate::error::{FfiError, gostcms_status};
use crate::handle;
use crate::input;
use crate::panic::boundary;

/// Verifies an ESIA token against the certificates in `trust`: signature,
/// exp / nbf / iat (with `leeway_seconds`, negative for the default 60),
/// issuer (`issuer`, NULL for ESIA production's "http://esia.gosuslugi.ru/")
/// and, when `client_id` is non-NULL, the audience. `now`: Unix seconds to
/// check times against, 0 for the clock. On success `*out_claims` holds
/// the claims JSON exactly as sent; a rejected token gives
/// GOSTCMS_ERR_JWT_REJECTED and the reason.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_jwt_verify(
    trust: *const gostcms_trust,
    token: *const c_char,
    client_id: *const c_char,
    issuer: *const c_char,
    leeway_seconds: i64,
    now: i64,
    out_claims: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: NULL or writable (header contract).
        unsafe { clear_buffer(out_claims, "out_claims")? };
        // SAFETY: a handle from this library, not being freed.
        let trust = unsafe { handle::borrow(trust)? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let token = unsafe { input::string(token, "token")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let client_id = unsafe { input::opt_string(client_id, "client_id")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let issuer = unsafe { input::opt_string(issuer, "issuer")? };
        let mut verifier = JwtVerifier::new(trust)?;
        if let Some(id) = client_id {
            verifier = verifier.client_id(id);
        }
        if let Some(iss) = issuer {
            verifier = verifier.issuers([iss]);
        }
        if let Ok(leeway) = u64::try_from(leeway_seconds) {
            verifier = verifier.leeway(leeway);
        }
        if now != 0 {
            verifier = verifier.now(now);
        }
        let verified = verifier
            .verify(token)
            .map_err(|e| FfiError::new(gostcms_status::GOSTCMS_ERR_JWT_REJECTED, e.to_string()))?;
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out_claims, verified.claims_json.to_string().into_bytes()) };
        Ok(())
    })
}

/// The JWT `alg` values ESIA uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alg {
    Gost256,
    Gost512,
    Rs256,
}

fn alg_from_name(name: &str) -> Option<Alg> {
    match name {
        "GOST3410_2012_256" => Some(Alg::Gost256),
        "GOST3410_2012_512" => Some(Alg::Gost512),
        "RS256" => Some(Alg::Rs256),
        _ => None,
    }
}

/// rsaEncryption (RFC 8017).
const RSA_ENCRYPTION: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// The certificate's RSA key, or None for a GOST certificate.
fn rsa_key(cert: &Certificate) -> Result<Option<rsa::PublicKey>, String> {
    use der::{Decode as _, Encode as _};
    let info = cert.inner().tbs_certificate().subject_public_key_info();
    if info.algorithm.oid != RSA_ENCRYPTION {
        return Ok(None);
    }
    let der = info.to_der().map_err(|e| e.to_string())?;
    let spki_ref = spki::SubjectPublicKeyInfoRef::from_der(&der).map_err(|e| e.to_string())?;
    rsa::PublicKey::try_from(spki_ref)
        .map(Some)
        .map_err(|e| format!("RSA public key: {e}"))
}

/// Does `signature` over `input` verify under `cert`'s key for `alg`?
fn signature_verifies(cert: &Certificate, alg: Alg, input: &[u8], signature: &[u8]) -> bool {
    match (alg, rsa_key(cert)) {
        (Alg::Rs256, Ok(Some(key))) => {
            use sha2::Digest as _;
            let digest = sha2::Sha256::digest(input);
            key.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest, signature)
                .is_ok()
        }
        (Alg::Gost256 | Alg::Gost512, Ok(None)) => {
            let Ok(key) = cert.verifying_key() else {
                return false;
            };
            let size = if alg == Alg::Gost256 {
                KeySize::Bits256
            } else {
                KeySize::Bits512
            };
            key.curve().key_size() == size
                && Signature::from_slice(signature)
                    .is_ok_and(|sig| key.verify_message(input, &sig).is_ok())
        }
        _ => false,
    }
}

/// Verifies only the signature of a JWT, for libraries that check the
/// claims themselves: `signature` (raw bytes, base64url-decoded) over
/// `signing_input` ("HEADER.PAYLOAD"), with `alg` the header's value
/// (GOST3410_2012_256 or GOST3410_2012_512: s || r big-endian over
/// Streebog; RS256), under the key of one of the certificates in `trust`.
/// GOSTCMS_OK when one verifies, GOSTCMS_ERR_JWT_REJECTED when none does
/// or `alg` is unknown. Times, issuer and audience are NOT checked: use
/// gostcms_jwt_verify for a whole token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_jwt_verify_signature(
    trust: *const gostcms_trust,
    alg: *const c_char,
    signing_input: *const u8,
    signing_input_len: usize,
    signature: *const u8,
    signature_len: usize,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: a handle from this library, not being freed.
        let trust = unsafe { handle::borrow(trust)? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let alg_name = unsafe { input::string(alg, "alg")? };
        // SAFETY: readable for `signing_input_len` bytes (header contract).
        let input = unsafe { input::bytes(signing_input, signing_input_len, "signing_input")? };
        // SAFETY: readable for `signature_len` bytes (header contract).
        let signature = unsafe { input::bytes(signature, signature_len, "signature")? };
        let rejected = |why: String| FfiError::new(gostcms_status::GOSTCMS_ERR_JWT_REJECTED, why);
        let alg = alg_from_name(alg_name).ok_or_else(|| {
            rejected(format!(
                "alg {alg_name:?}: not one of GOST3410_2012_256, GOST3410_2012_512, RS256 (unsigned tokens are never accepted)"
            ))
        })?;
        if trust.is_empty() {
            return Err(rejected("the trust set is empty".into()));
        }
        if trust
            .iter()
            .any(|cert| signature_verifies(cert, alg, input, signature))
        {
            Ok(())
        } else {
            Err(rejected(format!(
                "the {alg_name} signature does not verify under any trusted certificate"
            )))
        }
    })
}
