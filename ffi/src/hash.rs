//! GOST R 34.11-2012 (Streebog) digests.

use gostcms_core::HashAlg;

use crate::buffer::{clear_buffer, gostcms_buffer, write_buffer};
use crate::error::{FfiError, gostcms_status};
use crate::input;
use crate::panic::boundary;

/// Hash algorithm: GOST R 34.11-2012, 256-bit output.
pub const GOSTCMS_HASH_STREEBOG256: u32 = 0;
/// Hash algorithm: GOST R 34.11-2012, 512-bit output.
pub const GOSTCMS_HASH_STREEBOG512: u32 = 1;

/// The digest of `data`: 32 or 64 bytes, in the order `openssl dgst
/// -md_gost12_256` / `-md_gost12_512` prints them. `alg`: GOSTCMS_HASH_*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_hash(
    alg: u32,
    data: *const u8,
    len: usize,
    out: *mut gostcms_buffer,
) -> gostcms_status {
    boundary(|| {
        // SAFETY: `out` is NULL or writable (header contract).
        unsafe { clear_buffer(out, "out")? };
        let alg = match alg {
            GOSTCMS_HASH_STREEBOG256 => HashAlg::Streebog256,
            GOSTCMS_HASH_STREEBOG512 => HashAlg::Streebog512,
            other => {
                return Err(FfiError::invalid(format!(
                    "alg: unknown value {other} (GOSTCMS_HASH_* are 0..1)"
                )));
            }
        };
        // SAFETY: NULL or readable for `len` bytes (header contract).
        let data = unsafe { input::bytes(data, len, "data")? };
        // SAFETY: checked by clear_buffer.
        unsafe { write_buffer(out, alg.digest(data)) };
        Ok(())
    })
}
