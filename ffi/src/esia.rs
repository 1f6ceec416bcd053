//! ESIA (Gosuslugi): client_secret for every flow, Request-Data-Sign and
//! the identification-key (UUID) signature.

use std::ffi::c_char;

use gostcms_core::esia::{
    ByteOrder, ClientSecretBuilder, Flow, Timestamp, UuidSignatureEncoding, UuidSignatureOptions,
    request_data_sign, sign_uuid,
};

use crate::buffer::{clear_buffer, gostcms_buffer, write_buffer};
use crate::cms::time_arg;
use crate::error::{FfiError, gostcms_status};
use crate::handle;
use crate::input::{self, check_flags};
use crate::panic::boundary;
use crate::signer::gostcms_signer;

/// `/aas/oauth2/v2/ac`: client_id scope [scope_org] timestamp state
/// redirect_uri, raw signature.
pub const GOSTCMS_FLOW_AUTHORIZE: u32 = 0;
/// `/aas/oauth2/v3/te`, authorization_code: as AUTHORIZE plus code.
pub const GOSTCMS_FLOW_TOKEN: u32 = 1;
/// `/aas/oauth2/v3/te`, refresh_token: as TOKEN with refresh_token.
pub const GOSTCMS_FLOW_REFRESH: u32 = 2;
/// Legacy `/aas/oauth2/ac`: scope timestamp client_id state, CMS detached.
pub const GOSTCMS_FLOW_LEGACY_AUTHORIZE: u32 = 3;
/// Legacy `/aas/oauth2/te`: as LEGACY_AUTHORIZE plus redirect_uri code.
pub const GOSTCMS_FLOW_LEGACY_TOKEN: u32 = 4;
/// Legacy client credentials grant: CMS detached.
pub const GOSTCMS_FLOW_LEGACY_CLIENT_CREDENTIALS: u32 = 5;

/// client_secret flag: raw signature fully byte-reversed (CryptoAPI order).
pub const GOSTCMS_SECRET_REVERSED: u32 = 1;
/// client_secret flag: pad the base64url text with '='.
pub const GOSTCMS_SECRET_PADDED: u32 = 2;

/// UUID signature flag: attached (the UUID inside the SignedData).
pub const GOSTCMS_UUID_ATTACHED: u32 = 1;
/// UUID signature flag: standard base64, percent-encoded (the guide's
/// example) instead of base64url.
pub const GOSTCMS_UUID_PERCENT_BASE64: u32 = 2;

/// A client_secret and every value that went into it: send exactly these.
/// Free with gostcms_client_secret_free.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gostcms_client_secret {
    /// `client_secret`, base64url.
    pub client_secret: gostcms_buffer,
    /// `state` that was signed (a fresh UUID unless given).
    pub state: gostcms_buffer,
    /// `timestamp` that was signed ("yyyy.MM.dd HH:mm:ss +hhmm").
    pub timestamp: gostcms_buffer,
    /// `client_certificate_hash`.
    pub client_certificate_hash: gostcms_buffer,
    /// The exact string that was signed.
    pub signed_string: gostcms_buffer,
}

fn flow(value: u32) -> Result<Flow, FfiError> {
    Ok(match value {
        GOSTCMS_FLOW_AUTHORIZE => Flow::Authorize,
        GOSTCMS_FLOW_TOKEN => Flow::Token,
        GOSTCMS_FLOW_REFRESH => Flow::Refresh,
        GOSTCMS_FLOW_LEGACY_AUTHORIZE => Flow::LegacyAuthorize,
        GOSTCMS_FLOW_LEGACY_TOKEN => Flow::LegacyToken,
        GOSTCMS_FLOW_LEGACY_CLIENT_CREDENTIALS => Flow::LegacyClientCredentials,
        other => {
            return Err(FfiError::invalid(format!(
                "flow: unknown value {other} (GOSTCMS_FLOW_* are 0..5)"
            )));
        }
    })
}

/// Builds a client_secret. `client_id` and `scope` are required; the other
/// strings may be NULL when the flow does not use them. `state` NULL: a
/// fresh UUID; `timestamp` NULL: now, in the system's offset (else exactly
/// "yyyy.MM.dd HH:mm:ss +hhmm"). `flags`: GOSTCMS_SECRET_*. On success fill
/// `*out` (free with gostcms_client_secret_free); on failure it is all empty.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_esia_client_secret(
    signer: *const gostcms_signer,
    flow_id: u32,
    client_id: *const c_char,
    scope: *const c_char,
    scope_org: *const c_char,
    redirect_uri: *const c_char,
    code: *const c_char,
    refresh_token: *const c_char,
    state: *const c_char,
    timestamp: *const c_char,
    flags: u32,
    out: *mut gostcms_client_secret,
) -> gostcms_status {
    boundary(|| {
        if out.is_null() {
            return Err(FfiError::null("out"));
        }
        // SAFETY: non-null and writable (header contract); the old content is
        // overwritten, not freed.
        unsafe { out.write(gostcms_client_secret::empty()) };
        check_flags(
            flags,
            GOSTCMS_SECRET_REVERSED | GOSTCMS_SECRET_PADDED,
            "flags",
        )?;
        // SAFETY: a handle from this library, not being freed.
        let signer = unsafe { handle::borrow(signer)? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let client_id = unsafe { input::string(client_id, "client_id")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let scope = unsafe { input::string(scope, "scope")? };
        let mut b = ClientSecretBuilder::new(flow(flow_id)?)
            .client_id(client_id)
            .scope(scope);
        // SAFETY: NULL or NUL-terminated (header contract).
        if let Some(v) = unsafe { input::opt_string(scope_org, "scope_org")? } {
            b = b.scope_org(v);
        }
        // SAFETY: NULL or NUL-terminated (header contract).
        if let Some(v) = unsafe { input::opt_string(redirect_uri, "redirect_uri")? } {
            b = b.redirect_uri(v);
        }
        // SAFETY: NULL or NUL-terminated (header contract).
        if let Some(v) = unsafe { input::opt_string(code, "code")? } {
            b = b.code(v);
        }
        // SAFETY: NULL or NUL-terminated (header contract).
        if let Some(v) = unsafe { input::opt_string(refresh_token, "refresh_token")? } {
            b = b.refresh_token(v);
        }
        // SAFETY: NULL or NUL-terminated (header contract).
        if let Some(v) = unsafe { input::opt_string(state, "state")? } {
            b = b.state(v);
        }
        // SAFETY: NULL or NUL-terminated (header contract).
        if let Some(v) = unsafe { input::opt_string(timestamp, "timestamp")? } {
            b = b.timestamp(&Timestamp::parse(v)?);
        }
        if flags & GOSTCMS_SECRET_REVERSED != 0 {
            b = b.byte_order(ByteOrder::Reversed);
        }
        let secret = b.padded(flags & GOSTCMS_SECRET_PADDED != 0).build(signer)?;
        let filled = gostcms_client_secret {
            client_secret: gostcms_buffer::from_vec(secret.client_secret.into_bytes()),
            state: gostcms_buffer::from_vec(secret.state.into_bytes()),
            timestamp: gostcms_buffer::from_vec(secret.timestamp.into_bytes()),
            client_certificate_hash: gostcms_buffer::from_vec(
                secret.client_certificate_hash.into_bytes(),
            ),
            signed_string: gostcms_buffer::from_vec(secret.signed_string.into_bytes()),
        };
        // SAFETY: checked non-null above.
        unsafe { out.write(filled) };
        Ok(())
    })
}

impl gostcms_client_secret {
    fn empty() -> Self {
        gostcms_client_secret {
            client_secret: gostcms_buffer::EMPTY,
            state: gostcms_buffer::EMPTY,
            timestamp: gostcms_buffer::EMPTY,
            client_certificate_hash: gostcms_buffer::EMPTY,
            signed_string: gostcms_buffer::EMPTY,
        }
    }
}

/// Frees the five buffers of a client_secret (NULL is fine; freeing twice
/// is a no-op).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_client_secret_free(secret: *mut gostcms_client_secret) {
    let _ = boundary(|| {
        if secret.is_null() {
            return Ok(());
        }
        // SAFETY: non-null, a struct this library filled (header contract);
        // the fields are gostcms_buffers, each freed in place.
        unsafe {
            crate::buffer::gostcms_buffer_free(&raw mut (*secret).client_secret);
            crate::buffer::gostcms_buffer_free(&raw mut (*secret).state);
            crate::buffer::gostcms_buffer_free(&raw mut (*secret).timestamp);
            crate::buffer::gostcms_buffer_free(&raw mut (*secret).client_certificate_hash);
            crate::buffer::gostcms_buffer_free(&raw mut (*secret).signed_string);
        }
        Ok(())
    });
}

/// The `Request-Data` and `Request-Data-Sign` header values for a JSON body
/// (account import API): base64url of the body, and of a detached CMS over
/// exactly those bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_esia_request_data_sign(
    signer: *const gostcms_signer,
    json: *const u8,
    json_len: usize,
    out_request_data: *mut gostcms_buffer,
    out_request_data_sign: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: NULL or writable (header contract).
        unsafe { clear_buffer(out_request_data, "out_request_data")? };
        // SAFETY: NULL or writable (header contract).
        unsafe { clear_buffer(out_request_data_sign, "out_request_data_sign")? };
        // SAFETY: a handle from this library, not being freed.
        let signer = unsafe { handle::borrow(signer)? };
        // SAFETY: readable for `json_len` bytes (header contract).
        let json = unsafe { input::bytes(json, json_len, "json")? };
        let headers = request_data_sign(signer, json)?;
        // SAFETY: both checked by clear_buffer.
        unsafe {
            write_buffer(out_request_data, headers.request_data.into_bytes());
            write_buffer(
                out_request_data_sign,
                headers.request_data_sign.into_bytes(),
            );
        }
        Ok(())
    })
}

/// The identification-key signature: CMS over the UUID's text with
/// signingTime (`signing_time` Unix seconds, 0 for now). `flags`:
/// GOSTCMS_UUID_*; default detached, base64url.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_esia_sign_uuid(
    signer: *const gostcms_signer,
    uuid: *const c_char,
    flags: u32,
    signing_time: i64,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        check_flags(
            flags,
            GOSTCMS_UUID_ATTACHED | GOSTCMS_UUID_PERCENT_BASE64,
            "flags",
        )?;
        // SAFETY: a handle from this library, not being freed.
        let signer = unsafe { handle::borrow(signer)? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let uuid = unsafe { input::string(uuid, "uuid")? };
        let options = UuidSignatureOptions {
            attached: flags & GOSTCMS_UUID_ATTACHED != 0,
            encoding: if flags & GOSTCMS_UUID_PERCENT_BASE64 != 0 {
                UuidSignatureEncoding::PercentEncodedBase64
            } else {
                UuidSignatureEncoding::Base64Url
            },
            signing_time: time_arg(signing_time, "signing_time")?,
        };
        let text = sign_uuid(signer, uuid, &options)?;
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out, text.into_bytes()) };
        Ok(())
    })
}
