//! PKCE (RFC 7636) for ESIA: a fresh code_verifier and its code_challenge.

use std::ffi::c_char;

use gostcms_core::esia::{Pkce, PkceMethod};

use crate::buffer::{clear_buffer, gostcms_buffer, write_buffer};
use crate::error::gostcms_status;
use crate::input;
use crate::panic::boundary;

/// A new code_verifier (43 characters, 32 random bytes base64url) and its
/// code_challenge (base64url, unpadded) for `method`: "GOST3411"
/// (Streebog-256; NULL means this), "GOST3411-512" or "S256". The
/// verifier is a secret until the token request: gostcms_buffer_free
/// zeroizes it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_pkce(
    method: *const c_char,
    out_verifier: *mut gostcms_buffer,
    out_challenge: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: NULL or writable (header contract).
        unsafe { clear_buffer(out_verifier, "out_verifier")? };
        // SAFETY: NULL or writable (header contract).
        unsafe { clear_buffer(out_challenge, "out_challenge")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let method = match unsafe { input::opt_string(method, "method")? } {
            None => PkceMethod::Gost3411,
            Some(name) => PkceMethod::parse(name)?,
        };
        let pkce = Pkce::generate(method)?;
        let verifier = pkce.code_verifier.as_bytes().to_vec();
        // SAFETY: both checked by clear_buffer.
        unsafe {
            write_buffer(out_verifier, verifier);
            write_buffer(out_challenge, pkce.code_challenge.into_bytes());
        }
        Ok(())
    })
}
