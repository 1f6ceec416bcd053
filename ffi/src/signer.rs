//! `gostcms_signer`: a key and its certificate prepared for CMS signatures
//! and every ESIA signature (client_secret, Request-Data-Sign, UUID).

use gostcms_core::cms::CmsSigner;

use crate::cert::gostcms_cert;
use crate::error::gostcms_status;
use crate::handle::{self, Handle, clear_out, new_handle, write_out};
use crate::key::gostcms_key;
use crate::panic::boundary;

/// A key with its certificate. Immutable: sign from many threads at once.
#[allow(non_camel_case_types)]
pub struct gostcms_signer {
    _private: [u8; 0],
}

impl Handle for gostcms_signer {
    type Inner = CmsSigner;
    const MAGIC: u64 = 0x6773_7473_6967_0004;
    const NAME: &'static str = "gostcms_signer";
}

/// A signer from copies of `key` and `cert` (both stay the caller's);
/// GOSTCMS_ERR_KEY when the certificate does not hold the key's public key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_signer_new(
    key: *const gostcms_key,
    cert: *const gostcms_cert,
    out: *mut *mut gostcms_signer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_out(out, "out")? };
        // SAFETY: `key` is NULL or a handle from this library, not being freed.
        let key = unsafe { handle::borrow(key)? };
        // SAFETY: as for `key`.
        let cert = unsafe { handle::borrow(cert)? };
        let signer = CmsSigner::new(key.clone(), cert.clone())?;
        // SAFETY: checked by clear_out.
        unsafe { write_out(out, new_handle::<gostcms_signer>(signer)) };
        Ok(())
    })
}

/// Frees a signer (NULL is fine); see gostcms_key_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_signer_free(signer: *mut gostcms_signer) -> gostcms_status {
    // SAFETY: the caller no longer uses `signer` on any thread.
    boundary(|| unsafe { handle::free(signer) })
}
