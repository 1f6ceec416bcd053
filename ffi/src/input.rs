//! Reading C arguments: byte ranges and NUL-terminated UTF-8 strings.

use std::ffi::{CStr, c_char};

use crate::error::{FfiError, FfiResult};

/// `len` bytes at `ptr`; NULL with length 0 is the empty input.
///
/// # Safety
/// When non-null, `ptr` is valid for reading `len` bytes for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> FfiResult<&'a [u8]> {
    if len > isize::MAX as usize {
        return Err(FfiError::invalid(format!(
            "{what}: length {len} is larger than any object can be (PTRDIFF_MAX)"
        )));
    }
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(FfiError::null(what));
    }
    // SAFETY: non-null, len <= isize::MAX, readable by the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Like [`bytes`], but NULL means "not given" (any length).
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn opt_bytes<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> FfiResult<Option<&'a [u8]>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { bytes(ptr, len, what) }.map(Some)
}

/// A NUL-terminated UTF-8 string.
///
/// # Safety
/// When non-null, `ptr` points at a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn string<'a>(ptr: *const c_char, what: &str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-null and NUL-terminated by the caller's contract.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map_err(|e| {
        FfiError::invalid(format!(
            "{what} is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// Like [`string`], but NULL means "not given".
///
/// # Safety
/// As [`string`].
pub(crate) unsafe fn opt_string<'a>(ptr: *const c_char, what: &str) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { string(ptr, what) }.map(Some)
}

/// Refuses flag bits outside `known`.
pub(crate) fn check_flags(flags: u32, known: u32, what: &str) -> FfiResult<()> {
    let unknown = flags & !known;
    if unknown != 0 {
        return Err(FfiError::invalid(format!(
            "{what}: unknown flag bits 0x{unknown:x}"
        )));
    }
    Ok(())
}
