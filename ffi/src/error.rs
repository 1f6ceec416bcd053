//! Status codes and the thread-local last error message.
//!
//! Every entry point returns a [`gostcms_status`]; on failure the message is
//! kept per thread and read with [`gostcms_last_error`] until the next call
//! on that thread.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

use gostcms_core::Error as CoreError;

/// What a call returned. `GOSTCMS_OK` is 0; every other value is a failure
/// whose message is in `gostcms_last_error()`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum gostcms_status {
    /// Success.
    GOSTCMS_OK = 0,
    /// A required pointer argument was NULL.
    GOSTCMS_ERR_NULL_ARGUMENT = 1,
    /// An argument is unusable: length above PTRDIFF_MAX, text that is not
    /// UTF-8, unknown flag bits or enum values, a value the operation refuses.
    GOSTCMS_ERR_INVALID_ARGUMENT = 2,
    /// A handle of another type, or one already freed (where detectable).
    GOSTCMS_ERR_BAD_HANDLE = 3,
    /// Input bytes could not be parsed (DER, BER, PEM, base64, timestamps).
    GOSTCMS_ERR_PARSE = 4,
    /// An algorithm, parameter set or key format not implemented.
    GOSTCMS_ERR_UNSUPPORTED = 5,
    /// A key problem: out of range, invalid public point, key and
    /// certificate that do not belong together.
    GOSTCMS_ERR_KEY = 6,
    /// Well-formed input whose signature does not verify (raw, CMS signer,
    /// or certificate chain).
    GOSTCMS_ERR_VERIFY_FAILED = 7,
    /// A JWT was rejected (signature, time, issuer, audience, shape).
    GOSTCMS_ERR_JWT_REJECTED = 8,
    /// A required parameter was not given (an ESIA request field).
    GOSTCMS_ERR_MISSING_PARAMETER = 9,
    /// The operating system's random number generator failed.
    GOSTCMS_ERR_RNG = 10,
    /// A bug: the library panicked; the call had no effect on its outputs.
    GOSTCMS_ERR_PANIC = 11,
    /// A file could not be read (a container folder or one of its files
    /// missing, unreadable or too large).
    GOSTCMS_ERR_IO = 12,
    /// A PIN or password was given and is wrong (the key's integrity check,
    /// keyed by the secret, failed).
    GOSTCMS_ERR_WRONG_PASSWORD = 13,
    /// The key is protected and no PIN or password (NULL or "") was given.
    GOSTCMS_ERR_PASSWORD_REQUIRED = 14,
}

use gostcms_status::*;

/// A failure inside the library: a status and its message.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) status: gostcms_status,
    pub(crate) message: String,
}

impl FfiError {
    pub(crate) fn new(status: gostcms_status, message: impl Into<String>) -> Self {
        FfiError {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn null(what: &str) -> Self {
        Self::new(
            GOSTCMS_ERR_NULL_ARGUMENT,
            format!("{what} is a NULL pointer"),
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(GOSTCMS_ERR_INVALID_ARGUMENT, message)
    }
}

impl From<CoreError> for FfiError {
    fn from(e: CoreError) -> Self {
        let status = match &e {
            CoreError::UnknownCurve(_) | CoreError::Unsupported(_) => GOSTCMS_ERR_UNSUPPORTED,
            CoreError::Length { .. } | CoreError::DigestLength { .. } => {
                GOSTCMS_ERR_INVALID_ARGUMENT
            }
            CoreError::PrivateKeyRange | CoreError::PublicKey(_) | CoreError::KeyMismatch(_) => {
                GOSTCMS_ERR_KEY
            }
            CoreError::SignatureRange(_) | CoreError::SignatureMismatch => {
                GOSTCMS_ERR_VERIFY_FAILED
            }
            CoreError::Rng(_) => GOSTCMS_ERR_RNG,
            CoreError::Encoding { .. } => GOSTCMS_ERR_PARSE,
            CoreError::MissingParameter(_) => GOSTCMS_ERR_MISSING_PARAMETER,
            CoreError::Invalid { .. } => GOSTCMS_ERR_INVALID_ARGUMENT,
            CoreError::WrongSecret(_) => GOSTCMS_ERR_WRONG_PASSWORD,
            CoreError::Integrity(_) => GOSTCMS_ERR_PARSE,
            CoreError::Io(_) => GOSTCMS_ERR_IO,
            // Error is non_exhaustive: a new variant is still a failure.
            _ => GOSTCMS_ERR_INVALID_ARGUMENT,
        };
        FfiError::new(status, e.to_string())
    }
}

impl FfiError {
    /// A key-loading failure: a wrong secret when none was given becomes
    /// GOSTCMS_ERR_PASSWORD_REQUIRED (the key is protected), so callers can
    /// ask for a PIN instead of reporting a wrong one.
    pub(crate) fn from_key_load(e: CoreError, secret_given: bool) -> Self {
        if !secret_given && matches!(e, CoreError::WrongSecret(_)) {
            let message = e.to_string();
            return FfiError::new(
                GOSTCMS_ERR_PASSWORD_REQUIRED,
                if message.contains("none was given") {
                    message
                } else {
                    format!(
                        "the key is protected by a PIN or password and none was given ({message})"
                    )
                },
            );
        }
        FfiError::from(e)
    }
}

pub(crate) type FfiResult<T> = Result<T, FfiError>;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records the outcome of a call for `gostcms_last_error`.
pub(crate) fn set_last_error(message: &str) {
    // Interior NULs (from hostile input echoed in a message) would cut the
    // C string short: show them as U+FFFD instead.
    let clean: String = message
        .chars()
        .map(|c| if c == '\0' { '\u{FFFD}' } else { c })
        .collect();
    let c = CString::new(clean).unwrap_or_default();
    // try_with: a call during thread teardown has nowhere to keep a message.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = c);
}

/// The message of the last failed call on this thread, or "" when the last
/// call succeeded. The pointer stays valid until the next gostcms_* call on
/// this thread; never NULL; do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn gostcms_last_error() -> *const c_char {
    static EMPTY: &[u8] = b"\0";
    LAST_ERROR
        .try_with(|slot| slot.borrow().as_ptr())
        .unwrap_or(EMPTY.as_ptr().cast())
}

/// A static English name of a status code ("GOSTCMS_ERR_PARSE"...); never NULL.
#[unsafe(no_mangle)]
pub extern "C" fn gostcms_status_name(status: i32) -> *const c_char {
    let name: &'static [u8] = match status {
        0 => b"GOSTCMS_OK\0",
        1 => b"GOSTCMS_ERR_NULL_ARGUMENT\0",
        2 => b"GOSTCMS_ERR_INVALID_ARGUMENT\0",
        3 => b"GOSTCMS_ERR_BAD_HANDLE\0",
        4 => b"GOSTCMS_ERR_PARSE\0",
        5 => b"GOSTCMS_ERR_UNSUPPORTED\0",
        6 => b"GOSTCMS_ERR_KEY\0",
        7 => b"GOSTCMS_ERR_VERIFY_FAILED\0",
        8 => b"GOSTCMS_ERR_JWT_REJECTED\0",
        9 => b"GOSTCMS_ERR_MISSING_PARAMETER\0",
        10 => b"GOSTCMS_ERR_RNG\0",
        11 => b"GOSTCMS_ERR_PANIC\0",
        12 => b"GOSTCMS_ERR_IO\0",
        13 => b"GOSTCMS_ERR_WRONG_PASSWORD\0",
        14 => b"GOSTCMS_ERR_PASSWORD_REQUIRED\0",
        _ => b"unknown gostcms_status\0",
    };
    name.as_ptr().cast()
}
