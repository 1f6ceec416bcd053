//! `gostcms_cert` (an X.509 certificate) and `gostcms_trust` (a set of
//! trusted certificates: CMS chain anchors, ESIA's token-signing
//! certificates).

use std::ffi::c_char;
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use gostcms_core::esia::client_certificate_hash;
use gostcms_core::keys::Certificate;

use crate::buffer::{clear_buffer, gostcms_buffer, write_buffer};
use crate::error::{FfiError, gostcms_status};
use crate::handle::{self, Handle, clear_out, new_handle, write_out};
use crate::input;
use crate::panic::boundary;

/// A parsed certificate. Immutable, shareable between threads.
#[allow(non_camel_case_types)]
pub struct gostcms_cert {
    _private: [u8; 0],
}

impl Handle for gostcms_cert {
    type Inner = Certificate;
    const MAGIC: u64 = 0x6773_7463_6572_0002;
    const NAME: &'static str = "gostcms_cert";
}

/// A set of trusted certificates, fixed at creation. Immutable.
#[allow(non_camel_case_types)]
pub struct gostcms_trust {
    _private: [u8; 0],
}

impl Handle for gostcms_trust {
    type Inner = Vec<Certificate>;
    const MAGIC: u64 = 0x6773_7474_7275_0003;
    const NAME: &'static str = "gostcms_trust";
}

/// Most certificates one trust set takes (ESIA rotates one or two).
const MAX_TRUSTED: usize = 1024;

/// Loads a certificate: PEM, base64 or DER.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cert_load(
    data: *const u8,
    len: usize,
    out: *mut *mut gostcms_cert,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        // SAFETY: NULL or readable for the given length (header contract).
        let bytes = unsafe { input::bytes(data, len, "certificate data")? };
        let cert = Certificate::from_pem_or_der(bytes)?;
        // SAFETY: checked by clear_out above.
        unsafe { write_out(out, new_handle::<gostcms_cert>(cert)) };
        Ok(())
    })
}

/// Largest certificate file gostcms_cert_open reads.
const MAX_CERT_FILE: u64 = 1 << 20;

/// Loads a certificate from a file (PEM, base64 or DER, at most 1 MiB).
/// An unreadable path gives GOSTCMS_ERR_IO.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cert_open(
    path: *const c_char,
    out: *mut *mut gostcms_cert,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        // SAFETY: NULL or NUL-terminated (header contract).
        let path = unsafe { input::string(path, "path")? };
        let io = |e: std::io::Error| {
            FfiError::new(
                gostcms_status::GOSTCMS_ERR_IO,
                format!("cannot read certificate {path}: {e}"),
            )
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .map_err(io)?
            .take(MAX_CERT_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_CERT_FILE {
            return Err(FfiError::new(
                gostcms_status::GOSTCMS_ERR_PARSE,
                format!("certificate {path}: larger than {MAX_CERT_FILE} bytes"),
            ));
        }
        let cert = Certificate::from_pem_or_der(&bytes)?;
        // SAFETY: checked by clear_out above.
        unsafe { write_out(out, new_handle::<gostcms_cert>(cert)) };
        Ok(())
    })
}

/// The validity period: notBefore and notAfter as Unix seconds (negative
/// before 1970). Either output pointer may be NULL when not wanted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cert_validity(
    cert: *const gostcms_cert,
    out_not_before: *mut i64,
    out_not_after: *mut i64,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: NULL or a handle from this library, not being freed.
        let cert = unsafe { handle::borrow(cert)? };
        let unix = |t: SystemTime| match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
        };
        if !out_not_before.is_null() {
            // SAFETY: non-null and writable (header contract).
            unsafe { out_not_before.write(unix(cert.not_before())) };
        }
        if !out_not_after.is_null() {
            // SAFETY: non-null and writable (header contract).
            unsafe { out_not_after.write(unix(cert.not_after())) };
        }
        Ok(())
    })
}

/// The subject name, RFC 4514 text.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cert_subject(
    cert: *const gostcms_cert,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: the output pointer is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: NULL or a handle from this library, not being freed.
        let cert = unsafe { handle::borrow(cert)? };
        // SAFETY: checked by clear_buffer above.
        unsafe { write_buffer(out, cert.subject().into_bytes()) };
        Ok(())
    })
}

/// ESIA's `client_certificate_hash`: Streebog-256 of the certificate DER,
/// 64 upper-case hex digits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cert_hash(
    cert: *const gostcms_cert,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: the output pointer is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: NULL or a handle from this library, not being freed.
        let cert = unsafe { handle::borrow(cert)? };
        // SAFETY: checked by clear_buffer above.
        unsafe { write_buffer(out, client_certificate_hash(cert).into_bytes()) };
        Ok(())
    })
}

/// The certificate's DER bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cert_der(
    cert: *const gostcms_cert,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: the output pointer is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        // SAFETY: NULL or a handle from this library, not being freed.
        let cert = unsafe { handle::borrow(cert)? };
        // SAFETY: checked by clear_buffer above.
        unsafe { write_buffer(out, cert.der().to_vec()) };
        Ok(())
    })
}

/// Frees a certificate (NULL is fine); see gostcms_key_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_cert_free(cert: *mut gostcms_cert) -> gostcms_status {
    // SAFETY: the caller no longer uses `cert` on any thread.
    boundary(|| unsafe { handle::free(cert) })
}

/// A trust set holding copies of `count` certificates (the handles stay the
/// caller's). `certs` may be NULL when `count` is 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_trust_new(
    certs: *const *const gostcms_cert,
    count: usize,
    out: *mut *mut gostcms_trust,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        if count > MAX_TRUSTED {
            return Err(FfiError::invalid(format!(
                "count: {count} certificates, at most {MAX_TRUSTED} are taken"
            )));
        }
        let list: &[*const gostcms_cert] = if count == 0 {
            &[]
        } else if certs.is_null() {
            return Err(FfiError::null("certs"));
        } else {
            // SAFETY: non-null, `count` readable pointers by contract.
            unsafe { std::slice::from_raw_parts(certs, count) }
        };
        let mut set = Vec::with_capacity(count);
        for (i, &c) in list.iter().enumerate() {
            // SAFETY: NULL or a handle from this library, not being freed.
            let cert = unsafe { handle::borrow(c) }.map_err(|e| FfiError {
                message: format!("certs[{i}]: {}", e.message),
                ..e
            })?;
            set.push(cert.clone());
        }
        // SAFETY: checked by clear_out above.
        unsafe { write_out(out, new_handle::<gostcms_trust>(set)) };
        Ok(())
    })
}

/// Frees a trust set (NULL is fine); see gostcms_key_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_trust_free(trust: *mut gostcms_trust) -> gostcms_status {
    // SAFETY: the caller no longer uses `trust` on any thread.
    boundary(|| unsafe { handle::free(trust) })
}
