//! Verification of the tokens ESIA issues (JWT signed with GOST or RS256).

use std::ffi::c_char;

use gostcms_core::esia::JwtVerifier;

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
