//! Opaque handles: a `Box` of a tagged value, given to C as a pointer to an
//! opaque struct and checked on every use.
//!
//! The tag (a per-type magic number at offset 0) catches a handle passed
//! where another type is expected, and garbage pointers that happen to be
//! readable. `*_free` zeroes the tag before releasing the memory, so a
//! double free or a use after free is caught while that memory is still
//! mapped and not yet reused (glibc also overwrites the first bytes of a
//! freed block). This is best effort: reading freed or wild memory is
//! undefined behaviour in C terms and cannot be made safe by any library;
//! valgrind reports such a read even when the library refuses the handle.

use crate::error::{FfiError, FfiResult, gostcms_status};

/// A C-visible handle type and the Rust value behind it.
pub(crate) trait Handle {
    /// The value the handle owns: `Send + Sync`, so a handle may be used
    /// from many threads at once and freed from any (checked at compile time).
    type Inner: Send + Sync;
    /// Distinct per type; never 0 (the freed tag).
    const MAGIC: u64;
    /// The C type name, for messages.
    const NAME: &'static str;
}

#[repr(C)]
struct Tagged<T> {
    magic: u64,
    value: T,
}

/// Moves `value` to the heap and returns it as an opaque handle.
pub(crate) fn new_handle<H: Handle>(value: H::Inner) -> *mut H {
    Box::into_raw(Box::new(Tagged {
        magic: H::MAGIC,
        value,
    }))
    .cast()
}

fn check_tag<H: Handle>(ptr: *const H) -> FfiResult<*const Tagged<H::Inner>> {
    if ptr.is_null() {
        return Err(FfiError::null(H::NAME));
    }
    let tagged = ptr.cast::<Tagged<H::Inner>>();
    if !tagged.is_aligned() {
        return Err(bad_handle::<H>());
    }
    // SAFETY: the caller promises `ptr` came from this library (possibly for
    // another handle type, possibly freed: see the module comment). Every
    // handle starts with an aligned u64 tag, so reading it is in bounds.
    let magic = unsafe { std::ptr::read_volatile(tagged.cast::<u64>()) };
    if magic != H::MAGIC {
        return Err(bad_handle::<H>());
    }
    Ok(tagged)
}

fn bad_handle<H: Handle>() -> FfiError {
    FfiError::new(
        gostcms_status::GOSTCMS_ERR_BAD_HANDLE,
        format!(
            "not a live {}: a handle of another type, or one already freed",
            H::NAME
        ),
    )
}

/// Borrows the value behind a handle after checking its tag.
///
/// # Safety
/// `ptr` is NULL or a pointer this library returned; the handle is not
/// freed while the borrow lives.
pub(crate) unsafe fn borrow<'a, H: Handle>(ptr: *const H) -> FfiResult<&'a H::Inner> {
    let tagged = check_tag(ptr)?;
    // SAFETY: the tag matches, so this is a live Tagged<H::Inner> made by
    // new_handle; handles are never mutated after creation, so shared
    // references from many threads are fine (H::Inner is Sync).
    Ok(unsafe { &(*tagged).value })
}

/// An optional handle: NULL is `None`.
///
/// # Safety
/// As [`borrow`].
pub(crate) unsafe fn borrow_opt<'a, H: Handle>(ptr: *const H) -> FfiResult<Option<&'a H::Inner>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { borrow(ptr) }.map(Some)
}

/// Frees a handle: NULL is a no-op, a wrong or already freed handle is
/// refused with an error instead of being freed.
///
/// # Safety
/// `ptr` is NULL or a pointer this library returned, and no other thread
/// uses the handle.
pub(crate) unsafe fn free<H: Handle>(ptr: *mut H) -> FfiResult<()> {
    if ptr.is_null() {
        return Ok(());
    }
    let tagged = check_tag(ptr.cast_const())?.cast_mut();
    // SAFETY: a live handle (tag checked) that the caller no longer shares;
    // clearing the tag first makes a second free detectable.
    unsafe {
        std::ptr::write_volatile(tagged.cast::<u64>(), 0);
        drop(Box::from_raw(tagged));
    }
    Ok(())
}

/// Writes a new handle to an out parameter.
///
/// # Safety
/// `out` is NULL or valid for a pointer write.
pub(crate) unsafe fn write_out<H>(out: *mut *mut H, value: *mut H) {
    if !out.is_null() {
        // SAFETY: non-null and writable by the caller's contract.
        unsafe { out.write(value) };
    }
}

/// Checks an out parameter and sets it to NULL, so a failed call leaves
/// a NULL handle behind.
///
/// # Safety
/// `out` is NULL or valid for a pointer write.
pub(crate) unsafe fn clear_out<H>(out: *mut *mut H, what: &str) -> FfiResult<()> {
    if out.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-null and writable by the caller's contract.
    unsafe { out.write(std::ptr::null_mut()) };
    Ok(())
}
