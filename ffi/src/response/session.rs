//! `mpgs_session`: a session (Create, Update or Retrieve Session).

use std::ffi::c_char;
use std::ptr::null;

use mpgs_core::Session;

use super::Common;
use crate::boundary::{arg_ref, ffi_export, free};
use crate::error::mpgs_error;
use crate::mpgs_status;
use crate::text::{opt, ptr, CText};

/// A session (Create, Update or Retrieve Session). Release it with `mpgs_session_free`. Belongs to one thread at a time;
/// the strings its accessors return are borrowed from it.
pub struct mpgs_session {
    pub(super) inner: Session,
    common: Common,
    id: Option<CText>,
    aes256_key: Option<CText>,
    version: Option<CText>,
    update_status: Option<CText>,
    merchant: Option<CText>,
    result: Option<CText>,
    correlation_id: Option<CText>,
}

impl mpgs_session {
    pub(crate) fn new(inner: Session) -> Self {
        let t = &inner;
        Self {
            common: Common::new(&t.meta),
            id: opt(t.id.as_deref()),
            aes256_key: opt(t.aes256_key.as_ref().map(|k| k.expose())),
            version: opt(t.version.as_deref()),
            update_status: opt(t.update_status.as_ref().map(|v| v.as_str())),
            merchant: opt(t.merchant.as_deref()),
            result: opt(t.result.as_ref().map(|v| v.as_str())),
            correlation_id: opt(t.correlation_id.as_deref()),
            inner,
        }
    }
}

fn text(session: *const mpgs_session, member: fn(&mpgs_session) -> &Option<CText>) -> *const c_char {
    arg_ref(session, "session").map_or(null(), |r| ptr(member(r)))
}

/// `session.id`: the session identifier.
/// Borrowed from `session`; NULL when absent or when `session` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_id(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { text(session, |r| &r.id) })
}

/// `session.aes256Key`: Base64 of the session's AES-256 key. A secret: never log it.
/// Borrowed from `session`; NULL when absent or when `session` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_aes256_key(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { text(session, |r| &r.aes256_key) })
}

/// `session.version`: for optimistic locking.
/// Borrowed from `session`; NULL when absent or when `session` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_version(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { text(session, |r| &r.version) })
}

/// `session.updateStatus`: `NO_UPDATE`, `SUCCESS` or `FAILURE`.
/// Borrowed from `session`; NULL when absent or when `session` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_update_status(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { text(session, |r| &r.update_status) })
}

/// `merchant`.
/// Borrowed from `session`; NULL when absent or when `session` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_merchant(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { text(session, |r| &r.merchant) })
}

/// `result` (`SUCCESS`).
/// Borrowed from `session`; NULL when absent or when `session` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_result(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { text(session, |r| &r.result) })
}

/// `correlationId`, as sent.
/// Borrowed from `session`; NULL when absent or when `session` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_correlation_id(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { text(session, |r| &r.correlation_id) })
}

/// The HTTP status of the answer (201 from the gateway; any 2xx is success). 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_http_status(session: *const mpgs_session) -> u16 {
    ffi_export!(returns 0, { arg_ref(session, "session").map_or(0, |r| r.common.meta.http_status) })
}

/// The API version in the request's path. 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_api_version(session: *const mpgs_session) -> u32 {
    ffi_export!(returns 0, { arg_ref(session, "session").map_or(0, |r| r.common.meta.api_version) })
}

/// How many times the request was sent (1 without retries). 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_attempts(session: *const mpgs_session) -> u32 {
    ffi_export!(returns 0, { arg_ref(session, "session").map_or(0, |r| r.common.meta.attempts) })
}

/// The whole answer as JSON text, unknown fields included, with every known secret masked: card
/// numbers 6.4 (`512345xxxxxx0008`); security code, PIN, account numbers and the AES key as
/// `***`. Borrowed from `session`. NULL only
/// when `session` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_json(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(session, "session").map_or(null(), |r| r.common.json(&r.inner.raw)) })
}

/// The whole answer exactly as the gateway sent it: with `responseControls.sensitiveData` or a
/// merchant profile that returns them, it holds card numbers, security codes, PINs, account
/// numbers and the AES key in clear. Never log it. Borrowed from `session` (zeroed when it is
/// freed). NULL for NULL.
#[no_mangle]
pub extern "C" fn mpgs_session_json_verbatim(session: *const mpgs_session) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(session, "session").map_or(null(), |r| r.common.verbatim(&r.inner.raw)) })
}

/// Any field of the answer by dotted name (`sourceOfFunds.provided.card.brand`), secrets masked
/// as in the `_json` accessor, as text
/// (numbers, booleans, objects and arrays as JSON). Writes an owned string to `*value_out` on
/// success: release it with `mpgs_string_free`. `MPGS_STATUS_NOT_FOUND` when the answer has no
/// such field (or it is `null`); `MPGS_STATUS_INVALID_ARGUMENT` for a NULL `session`, `name` or
/// `value_out`, or a `name` that is not UTF-8. `*value_out` is written only on success.
#[no_mangle]
pub extern "C" fn mpgs_session_get(
    session: *const mpgs_session,
    name: *const c_char,
    value_out: *mut *mut c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, { super::get(&arg_ref(session, "session")?.inner.raw, name, value_out) })
}

/// `session.authenticationLimit`: writes it to `*limit_out` and returns true when the answer has
/// it; returns false (and leaves `*limit_out` alone) when absent or for NULL pointers.
#[no_mangle]
pub extern "C" fn mpgs_session_authentication_limit(
    session: *const mpgs_session,
    limit_out: *mut u32,
) -> bool {
    ffi_export!(returns false, {
        // SAFETY: a non-NULL out pointer points to a writable uint32_t.
        match (arg_ref(session, "session").ok().and_then(|s| s.inner.authentication_limit), unsafe {
            limit_out.as_mut()
        }) {
            (Some(limit), Some(out)) => {
                *out = limit;
                true
            }
            _ => false,
        }
    })
}

/// Releases the session (its strings are zeroed). NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_session_free(session: *mut mpgs_session) {
    ffi_export!(returns(), { free(session) })
}
