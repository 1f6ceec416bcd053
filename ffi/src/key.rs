//! `gostcms_key`: a GOST R 34.10-2012 private key.

use std::ffi::c_char;

use gostcms_core::{CurveId, SigningKey, import};

use crate::buffer::{clear_buffer, gostcms_buffer, write_buffer};
use crate::error::{FfiError, gostcms_status};
use crate::handle::{self, Handle, clear_out, new_handle, write_out};
use crate::input;
use crate::panic::boundary;

/// A private key (zeroized when freed). Immutable: sign with it from many
/// threads at once.
#[allow(non_camel_case_types)]
pub struct gostcms_key {
    _private: [u8; 0],
}

impl Handle for gostcms_key {
    type Inner = SigningKey;
    const MAGIC: u64 = 0x6773_746b_6579_0001;
    const NAME: &'static str = "gostcms_key";
}

/// Loads a private key: PKCS#8 in PEM, base64 or DER (the four GOST
/// private-key forms OpenSSL, CryptoPro and TC26 write), an encrypted
/// PKCS#8 (`ENCRYPTED PRIVATE KEY`) or a PFX / PKCS#12 file, decrypted with
/// `password` (NULL: none). A wrong password gives
/// GOSTCMS_ERR_WRONG_PASSWORD; none (NULL or "") for a protected key,
/// GOSTCMS_ERR_PASSWORD_REQUIRED. CryptoPro container folders:
/// gostcms_key_load_container or gostcms_key_open. On success `*out` owns
/// a new handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_key_load(
    data: *const u8,
    len: usize,
    password: *const c_char,
    out: *mut *mut gostcms_key,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        // SAFETY: NULL or readable for the given length (header contract).
        let bytes = unsafe { input::bytes(data, len, "key data")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let password = unsafe { input::opt_string(password, "password")? };
        // PKCS#8, encrypted PKCS#8 or PFX, told apart by their structure.
        let secret = password.unwrap_or_default();
        let key = import::from_bytes(bytes, secret.as_bytes())
            .map_err(|e| FfiError::from_key_load(e, !secret.is_empty()))?
            .key;
        // SAFETY: checked by clear_out above.
        unsafe { write_out(out, new_handle::<gostcms_key>(key)) };
        Ok(())
    })
}

/// Loads the key of a CryptoPro CSP container folder (`xxxxxxxx.000`, with
/// `header.key`, `masks.key`, `primary.key`...), decrypted with `pin`
/// (NULL: none). A wrong PIN gives GOSTCMS_ERR_WRONG_PASSWORD, none (NULL or
/// "") for a protected container GOSTCMS_ERR_PASSWORD_REQUIRED; a missing
/// or damaged file, GOSTCMS_ERR_IO or GOSTCMS_ERR_PARSE. On success `*out`
/// owns a new handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_key_load_container(
    dir: *const c_char,
    pin: *const c_char,
    out: *mut *mut gostcms_key,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let dir = unsafe { input::string(dir, "dir")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let pin = unsafe { input::opt_string(pin, "pin")? };
        let pin = pin.unwrap_or_default();
        let container = import::Container::open(dir.as_ref())?;
        let key = container
            .decrypt(pin.as_bytes())
            .map_err(|e| FfiError::from_key_load(e, !pin.is_empty()))?
            .key;
        // SAFETY: checked by clear_out above.
        unsafe { write_out(out, new_handle::<gostcms_key>(key)) };
        Ok(())
    })
}

/// Loads a private key from a path: a CryptoPro CSP container folder, or a
/// file in any form gostcms_key_load reads (PKCS#8 PEM/DER, encrypted
/// PKCS#8, PFX; at most 16 MiB), with `password` as the PIN or password
/// (NULL: none). Errors as gostcms_key_load and gostcms_key_load_container;
/// an unreadable path gives GOSTCMS_ERR_IO. On success `*out` owns a new
/// handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_key_open(
    path: *const c_char,
    password: *const c_char,
    out: *mut *mut gostcms_key,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let path = unsafe { input::string(path, "path")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let password = unsafe { input::opt_string(password, "password")? };
        let secret = password.unwrap_or_default();
        let key = import::open(path.as_ref(), secret.as_bytes())
            .map_err(|e| FfiError::from_key_load(e, !secret.is_empty()))?
            .key;
        // SAFETY: checked by clear_out above.
        unsafe { write_out(out, new_handle::<gostcms_key>(key)) };
        Ok(())
    })
}

/// The key's parameter set as the CLI names it ("tc26-256-a",
/// "cryptopro-a", "tc26-512-a"...).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_key_curve(
    key: *const gostcms_key,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: the output pointer is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: NULL or a handle from this library, not being freed.
        let key = unsafe { handle::borrow(key)? };
        // SAFETY: checked by clear_buffer above.
        unsafe { write_buffer(out, key.curve().name().as_bytes().to_vec()) };
        Ok(())
    })
}

/// Generates a key with the OS RNG on a parameter set named as the CLI names
/// them ("tc26-256-a", "cryptopro-a", "tc26-512-a"...) or by OID.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_key_generate(
    curve: *const c_char,
    out: *mut *mut gostcms_key,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let name = unsafe { input::string(curve, "curve")? };
        let curve: CurveId = name.parse().map_err(FfiError::from)?;
        let key = SigningKey::generate(curve)?;
        // SAFETY: checked by clear_out above.
        unsafe { write_out(out, new_handle::<gostcms_key>(key)) };
        Ok(())
    })
}

/// The private key as unencrypted PKCS#8 PEM (handle with care: free the
/// buffer promptly; gostcms_buffer_free zeroizes it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_key_to_pkcs8_pem(
    key: *const gostcms_key,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: the output pointer is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: NULL or a handle from this library, not being freed.
        let key = unsafe { handle::borrow(key)? };
        let pem = key.to_pkcs8_pem();
        // SAFETY: checked by clear_buffer above.
        unsafe { write_buffer(out, pem.as_bytes().to_vec()) };
        Ok(())
    })
}

/// The public key as SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_key_public_key_pem(
    key: *const gostcms_key,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: the output pointer is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: NULL or a handle from this library, not being freed.
        let key = unsafe { handle::borrow(key)? };
        let pem = key.verifying_key().to_spki_pem();
        // SAFETY: checked by clear_buffer above.
        unsafe { write_buffer(out, pem.into_bytes()) };
        Ok(())
    })
}

/// Frees a key (NULL is fine). GOSTCMS_ERR_BAD_HANDLE for a handle of
/// another type or one already freed (where detectable), which is then
/// left alone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_key_free(key: *mut gostcms_key) -> gostcms_status {
    // SAFETY: the caller no longer uses `key` on any thread.
    boundary(|| unsafe { handle::free(key) })
}
