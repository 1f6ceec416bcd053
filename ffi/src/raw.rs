//! Raw GOST R 34.10-2012 signatures: s || r, big-endian, over Streebog of
//! the key's size (what ESIA's v2/v3 client_secret and OpenSSL's
//! `dgst -md_gost12_256 -sign` produce).

use gostcms_core::keys::decode_public_key;
use gostcms_core::{Signature, SigningKey, VerifyingKey};

use crate::buffer::{clear_buffer, gostcms_buffer, write_buffer};
use crate::cert::gostcms_cert;
use crate::error::{FfiError, FfiResult, gostcms_status};
use crate::handle;
use crate::input::{self, check_flags};
use crate::key::gostcms_key;
use crate::panic::boundary;

/// Raw signature flag: the full byte reversal of s || r (CryptoAPI order).
pub const GOSTCMS_RAW_REVERSED: u32 = 1;

/// Most messages one batch call signs.
pub const GOSTCMS_MAX_BATCH: usize = 1 << 20;

/// s || r big-endian, or its full byte reversal with GOSTCMS_RAW_REVERSED.
fn encode(sig: &Signature, flags: u32) -> Vec<u8> {
    if flags & GOSTCMS_RAW_REVERSED != 0 {
        sig.to_reversed()
    } else {
        sig.as_bytes().to_vec()
    }
}

fn sign_one(key: &SigningKey, msg: &[u8], flags: u32) -> FfiResult<Vec<u8>> {
    let sig = key.sign_prehash(&key.hash_alg().digest(msg))?;
    Ok(encode(&sig, flags))
}

fn verify_one(key: &VerifyingKey, msg: &[u8], sig: &[u8], flags: u32) -> FfiResult<()> {
    check_flags(flags, GOSTCMS_RAW_REVERSED, "flags")?;
    let sig = if flags & GOSTCMS_RAW_REVERSED != 0 {
        Signature::from_reversed(sig)?
    } else {
        Signature::from_slice(sig)?
    };
    key.verify_message(msg, &sig)?;
    Ok(())
}

/// Signs `msg` (hashed with Streebog of the key's size): 64 or 128 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_raw_sign(
    key: *const gostcms_key,
    msg: *const u8,
    msg_len: usize,
    flags: u32,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        check_flags(flags, GOSTCMS_RAW_REVERSED, "flags")?;
        // SAFETY: a handle from this library, not being freed.
        let key = unsafe { handle::borrow(key)? };
        // SAFETY: `msg` readable for `msg_len` bytes (header contract).
        let msg = unsafe { input::bytes(msg, msg_len, "msg")? };
        let sig = sign_one(key, msg, flags)?;
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out, sig) };
        Ok(())
    })
}

/// Signs `count` messages (`msgs[i]`, `lens[i]` bytes each); `*out` holds
/// the signatures one after another, each 64 or 128 bytes (out.len / count).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_raw_sign_batch(
    key: *const gostcms_key,
    msgs: *const *const u8,
    lens: *const usize,
    count: usize,
    flags: u32,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        check_flags(flags, GOSTCMS_RAW_REVERSED, "flags")?;
        // SAFETY: a handle from this library, not being freed.
        let key = unsafe { handle::borrow(key)? };
        if count > GOSTCMS_MAX_BATCH {
            return Err(FfiError::invalid(format!(
                "count: {count} messages, at most {GOSTCMS_MAX_BATCH} per call"
            )));
        }
        if count > 0 && (msgs.is_null() || lens.is_null()) {
            return Err(FfiError::null(if msgs.is_null() { "msgs" } else { "lens" }));
        }
        let mut messages: Vec<&[u8]> = Vec::with_capacity(count);
        for i in 0..count {
            // SAFETY: `msgs` and `lens` hold `count` elements (header
            // contract) and i < count.
            let (ptr, len) = unsafe { (*msgs.add(i), *lens.add(i)) };
            // SAFETY: msgs[i] readable for lens[i] bytes (header contract).
            let msg = unsafe { input::bytes(ptr, len, "msgs[i]") }.map_err(|e| FfiError {
                message: format!("message {i}: {}", e.message),
                ..e
            })?;
            messages.push(msg);
        }
        // One shared inversion per chunk of signatures (the core's batch signer).
        let signatures = key.sign_batch(&messages)?;
        let all: Vec<u8> = signatures
            .iter()
            .flat_map(|sig| encode(sig, flags))
            .collect();
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out, all) };
        Ok(())
    })
}

/// Verifies a raw signature with a certificate's key: GOSTCMS_OK, or
/// GOSTCMS_ERR_VERIFY_FAILED when it does not verify.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_raw_verify(
    cert: *const gostcms_cert,
    msg: *const u8,
    msg_len: usize,
    sig: *const u8,
    sig_len: usize,
    flags: u32,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: a handle from this library, not being freed.
        let cert = unsafe { handle::borrow(cert)? };
        // SAFETY: `msg` readable for `msg_len` bytes (header contract).
        let msg = unsafe { input::bytes(msg, msg_len, "msg")? };
        // SAFETY: `sig` readable for `sig_len` bytes (header contract).
        let sig = unsafe { input::bytes(sig, sig_len, "sig")? };
        verify_one(&cert.verifying_key()?, msg, sig, flags)
    })
}

/// Verifies a raw signature with a public key given as SubjectPublicKeyInfo
/// (PEM, base64 or DER).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_raw_verify_public_key(
    public_key: *const u8,
    public_key_len: usize,
    msg: *const u8,
    msg_len: usize,
    sig: *const u8,
    sig_len: usize,
    flags: u32,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: readable for `public_key_len` bytes (header contract).
        let spki = unsafe { input::bytes(public_key, public_key_len, "public_key")? };
        // SAFETY: `msg` readable for `msg_len` bytes (header contract).
        let msg = unsafe { input::bytes(msg, msg_len, "msg")? };
        // SAFETY: `sig` readable for `sig_len` bytes (header contract).
        let sig = unsafe { input::bytes(sig, sig_len, "sig")? };
        verify_one(&decode_public_key(spki)?, msg, sig, flags)
    })
}
