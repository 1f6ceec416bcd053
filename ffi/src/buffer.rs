//! Library-allocated output bytes: `gostcms_buffer`, freed by
//! `gostcms_buffer_free`. One convention for every output.

use zeroize::Zeroize;

use crate::error::{FfiError, FfiResult};
use crate::panic::boundary;

/// Bytes the library allocated. `data[len]` is always a NUL byte (not counted
/// in `len`), so text outputs are also C strings (an empty output is a valid
/// pointer to a NUL). Free with `gostcms_buffer_free`. A call that fails
/// leaves `{NULL, 0}`, which needs no free (freeing it is harmless).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug)]
pub struct gostcms_buffer {
    /// The bytes, NULL when the buffer is empty or freed.
    pub data: *mut u8,
    /// Their number, without the trailing NUL.
    pub len: usize,
}

impl gostcms_buffer {
    pub(crate) const EMPTY: gostcms_buffer = gostcms_buffer {
        data: std::ptr::null_mut(),
        len: 0,
    };

    /// Takes ownership of `bytes`, adding the trailing NUL.
    pub(crate) fn from_vec(mut bytes: Vec<u8>) -> gostcms_buffer {
        let len = bytes.len();
        bytes.push(0);
        let boxed: Box<[u8]> = bytes.into_boxed_slice();
        gostcms_buffer {
            data: Box::into_raw(boxed).cast(),
            len,
        }
    }
}

/// Checks an output buffer pointer and empties it, so a failed call leaves
/// `{NULL, 0}` behind (nothing to free).
///
/// # Safety
/// `out` is NULL or valid for writing a `gostcms_buffer`.
pub(crate) unsafe fn clear_buffer(out: *mut gostcms_buffer, what: &str) -> FfiResult<()> {
    if out.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-null and writable by the caller's contract; the old value
    // is overwritten, not freed (it may be uninitialised).
    unsafe { out.write(gostcms_buffer::EMPTY) };
    Ok(())
}

/// Stores `bytes` in a checked output buffer.
///
/// # Safety
/// `out` was checked by [`clear_buffer`].
pub(crate) unsafe fn write_buffer(out: *mut gostcms_buffer, bytes: Vec<u8>) {
    // SAFETY: checked non-null and writable by clear_buffer.
    unsafe { out.write(gostcms_buffer::from_vec(bytes)) };
}

/// Frees a buffer's bytes (zeroized first) and sets it to `{NULL, 0}`, so a
/// second free of the same struct is a no-op. NULL and empty buffers are
/// fine. The struct must be one this library filled, unmodified.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gostcms_buffer_free(buffer: *mut gostcms_buffer) {
    let _ = boundary(|| {
        if buffer.is_null() {
            return Ok(());
        }
        // SAFETY: non-null; by contract a gostcms_buffer this library wrote.
        let b = unsafe { buffer.read() };
        if !b.data.is_null() {
            // SAFETY: data/len came from from_vec: a Box<[u8]> of len + 1.
            let mut boxed = unsafe {
                Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                    b.data,
                    b.len.saturating_add(1),
                ))
            };
            boxed.zeroize();
        }
        // SAFETY: as above.
        unsafe { buffer.write(gostcms_buffer::EMPTY) };
        Ok(())
    });
}
