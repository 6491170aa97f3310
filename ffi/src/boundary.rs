//! The one way across the C boundary: [`ffi_export!`] runs every export's body under
//! `catch_unwind`, and the `arg_*` helpers turn NULL pointers and invalid UTF-8 into
//! `MPGS_STATUS_INVALID_ARGUMENT` errors naming the argument.

use std::any::Any;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use mpgs_core::{Error, ErrorKind};

use crate::mpgs_status;

/// Why an export failed, before it becomes an `mpgs_error`.
pub(crate) enum Failure {
    /// A NULL, non-UTF-8 or out-of-range argument.
    Argument(String),
    /// A field that is not in the answer (the generic accessors).
    NotFound(String),
    /// An error from the core.
    Core(Error),
    /// A panic caught at the boundary.
    Panic(String),
}

impl Failure {
    pub(crate) fn null(name: &str) -> Self {
        Self::Argument(format!("`{name}` is NULL"))
    }

    pub(crate) fn argument(message: impl Into<String>) -> Self {
        Self::Argument(message.into())
    }

    pub(crate) fn panic(payload: &(dyn Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Self::Panic(what)
    }

    pub(crate) fn status(&self) -> mpgs_status {
        match self {
            Self::Argument(_) => mpgs_status::InvalidArgument,
            Self::NotFound(_) => mpgs_status::NotFound,
            Self::Panic(_) => mpgs_status::Internal,
            Self::Core(e) => status_of(e.kind()),
        }
    }
}

/// The status of an error of the core's `kind`.
pub(crate) fn status_of(kind: ErrorKind) -> mpgs_status {
    match kind {
        ErrorKind::Config => mpgs_status::Config,
        ErrorKind::Validation => mpgs_status::Validation,
        ErrorKind::Gateway => mpgs_status::Gateway,
        ErrorKind::Authentication => mpgs_status::Authentication,
        ErrorKind::Decode => mpgs_status::Decode,
        ErrorKind::Connect => mpgs_status::Connect,
        ErrorKind::Tls => mpgs_status::Tls,
        ErrorKind::Timeout => mpgs_status::Timeout,
        ErrorKind::Io => mpgs_status::Io,
        _ => mpgs_status::Internal,
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Core(e)
    }
}

/// Wraps the body of every `extern "C"` function of this crate (a test in `lib.rs` checks that
/// none is written without it).
///
/// - `ffi_export!(fallible err, { ... })`: the body returns `Result<(), Failure>`; a failure (or
///   a panic) becomes its status and, when `err` is not NULL, an owned `mpgs_error` in `*err`.
/// - `ffi_export!(returns DEFAULT, { ... })`: for accessors and `_free`s that cannot fail; a panic
///   returns `DEFAULT`.
macro_rules! ffi_export {
    (fallible $err:ident, $body:block) => {
        // The C error type is named here, where the export is: this module needs nothing of it.
        $crate::boundary::run_fallible::<$crate::error::mpgs_error>(
            $err,
            move || -> ::std::result::Result<(), $crate::boundary::Failure> { $body },
        )
    };
    (returns $default:expr, $body:block) => {
        $crate::boundary::run_infallible(move || $default, move || $body)
    };
}
pub(crate) use ffi_export;

/// Runs a fallible body; a failure becomes its status and, when `err` is not NULL, the error
/// object `E` (`mpgs_error`, which `error.rs` builds from a [`Failure`]) in `*err`.
pub(crate) fn run_fallible<E: From<Failure>>(
    err: *mut *mut E,
    body: impl FnOnce() -> Result<(), Failure>,
) -> mpgs_status {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return mpgs_status::Ok,
        Ok(Err(f)) => f,
        Err(payload) => Failure::panic(payload.as_ref()),
    };
    let status = failure.status();
    if !err.is_null() {
        // Building the error allocates; a panic there must not cross the boundary either.
        if let Ok(boxed) = catch_unwind(AssertUnwindSafe(|| Box::new(E::from(failure)))) {
            // SAFETY: the caller passed a writable `mpgs_error **` (checked non-NULL above).
            unsafe { *err = Box::into_raw(boxed) };
        }
    }
    status
}

pub(crate) fn run_infallible<T>(default: impl FnOnce() -> T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| default())
}

/// A required `const T *` argument.
pub(crate) fn arg_ref<'a, T>(p: *const T, name: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: the header's contract: a non-NULL pointer points to a live value of its type.
    unsafe { p.as_ref() }.ok_or_else(|| Failure::null(name))
}

/// A required `T *` argument.
pub(crate) fn arg_mut<'a, T>(p: *mut T, name: &'static str) -> Result<&'a mut T, Failure> {
    // SAFETY: as for `arg_ref`, and the caller does not use the value from another thread.
    unsafe { p.as_mut() }.ok_or_else(|| Failure::null(name))
}

/// A required output pointer (`T **out`): checked before any work, written only on success.
pub(crate) fn arg_out<'a, T>(p: *mut *mut T, name: &'static str) -> Result<&'a mut *mut T, Failure> {
    // SAFETY: a non-NULL out pointer points to writable storage for one pointer.
    unsafe { p.as_mut() }.ok_or_else(|| Failure::null(name))
}

/// A required NUL-terminated UTF-8 string.
pub(crate) fn arg_str<'a>(p: *const c_char, name: &'static str) -> Result<&'a str, Failure> {
    arg_opt_str(p, name)?.ok_or_else(|| Failure::null(name))
}

/// An optional NUL-terminated UTF-8 string (NULL is `None`).
pub(crate) fn arg_opt_str<'a>(p: *const c_char, name: &'static str) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the header's contract: a non-NULL string argument is NUL-terminated.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    std::str::from_utf8(bytes).map(Some).map_err(|e| {
        Failure::argument(format!("`{name}` is not valid UTF-8 (bad byte at offset {})", e.valid_up_to()))
    })
}

/// Moves `value` to the heap and hands it to C through `out`.
pub(crate) fn give<T>(out: &mut *mut T, value: T) {
    *out = Box::into_raw(Box::new(value));
}

/// Frees a handle made by [`give`]; NULL is a no-op.
pub(crate) fn free<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: `p` came from `give` and is freed once (the header's contract).
        drop(unsafe { Box::from_raw(p) });
    }
}
