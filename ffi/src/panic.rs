//! The panic boundary: every entry point runs its body through [`boundary`],
//! so a panic (a bug) becomes `GOSTCMS_ERR_PANIC` and never unwinds into C.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{FfiResult, gostcms_status, set_last_error};

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "non-text panic payload"
    }
}

/// Runs `body`, records its message for `gostcms_last_error` and returns
/// its status. Outputs are written by the body only after everything it
/// could fail on, so a failed call leaves them as they were set on entry.
pub(crate) fn boundary(body: impl FnOnce() -> FfiResult<()>) -> gostcms_status {
    // AssertUnwindSafe: after a panic nothing the body touched is used again;
    // handles are immutable and outputs are written last.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            set_last_error("");
            gostcms_status::GOSTCMS_OK
        }
        Ok(Err(e)) => {
            set_last_error(&e.message);
            e.status
        }
        Err(payload) => {
            set_last_error(&format!(
                "internal error (a gostcms bug, please report it): panic: {}",
                panic_message(payload.as_ref())
            ));
            gostcms_status::GOSTCMS_ERR_PANIC
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{FfiError, gostcms_last_error};
    use std::ffi::CStr;

    fn last() -> String {
        // SAFETY: gostcms_last_error never returns NULL and the string lives
        // until the next call on this thread.
        unsafe { CStr::from_ptr(gostcms_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_a_status_and_a_message() {
        let status = boundary(|| panic!("boom {}", 42));
        assert_eq!(status, gostcms_status::GOSTCMS_ERR_PANIC);
        assert!(last().contains("panic: boom 42"), "{}", last());
        let status = boundary(|| std::panic::panic_any(7u32));
        assert_eq!(status, gostcms_status::GOSTCMS_ERR_PANIC);
        assert!(last().contains("non-text panic payload"));
    }

    #[test]
    fn errors_and_success_set_and_clear_the_message() {
        let status = boundary(|| Err(FfiError::invalid("bad\0thing")));
        assert_eq!(status, gostcms_status::GOSTCMS_ERR_INVALID_ARGUMENT);
        assert_eq!(last(), "bad\u{FFFD}thing");
        assert_eq!(boundary(|| Ok(())), gostcms_status::GOSTCMS_OK);
        assert_eq!(last(), "");
    }
}
