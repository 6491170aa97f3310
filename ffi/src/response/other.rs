//! The small results of Delete Token (`mpgs_delete_result`) and Check Gateway
//! (`mpgs_gateway_info`), and the readiness check on a retrieved session.

use std::ffi::c_char;
use std::ptr::null;

use mpgs_core::{DeleteTokenResult, GatewayInformation, NotReady};

use super::Common;
use crate::boundary::{arg_opt_str, arg_ref, ffi_export, free};
use crate::response::mpgs_session;
use crate::text::{opt, ptr, CText};

/// What Delete Token answered. Release it with `mpgs_delete_result_free`. Belongs to one thread
/// at a time; the strings its accessors return are borrowed from it.
pub struct mpgs_delete_result {
    inner: DeleteTokenResult,
    common: Common,
    result: Option<CText>,
    correlation_id: Option<CText>,
}

impl mpgs_delete_result {
    pub(crate) fn new(inner: DeleteTokenResult) -> Self {
        Self {
            common: Common::new(&inner.meta),
            result: opt(inner.result.as_ref().map(|v| v.as_str())),
            correlation_id: opt(inner.correlation_id.as_deref()),
            inner,
        }
    }
}

/// `result` (`SUCCESS`). Borrowed from `deleted`; NULL when absent or when `deleted` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_delete_result_result(deleted: *const mpgs_delete_result) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(deleted, "deleted").map_or(null(), |r| ptr(&r.result)) })
}

/// `correlationId`, as sent. Borrowed from `deleted`; NULL when absent or when `deleted` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_delete_result_correlation_id(deleted: *const mpgs_delete_result) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(deleted, "deleted").map_or(null(), |r| ptr(&r.correlation_id)) })
}

/// The HTTP status of the answer. 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_delete_result_http_status(deleted: *const mpgs_delete_result) -> u16 {
    ffi_export!(returns 0, { arg_ref(deleted, "deleted").map_or(0, |r| r.common.meta.http_status) })
}

/// The API version in the request's path (the token version). 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_delete_result_api_version(deleted: *const mpgs_delete_result) -> u32 {
    ffi_export!(returns 0, { arg_ref(deleted, "deleted").map_or(0, |r| r.common.meta.api_version) })
}

/// How many times the request was sent (1 without retries). 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_delete_result_attempts(deleted: *const mpgs_delete_result) -> u32 {
    ffi_export!(returns 0, { arg_ref(deleted, "deleted").map_or(0, |r| r.common.meta.attempts) })
}

/// The whole answer as JSON text, secrets masked. Borrowed from `deleted`. NULL only for NULL.
#[no_mangle]
pub extern "C" fn mpgs_delete_result_json(deleted: *const mpgs_delete_result) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(deleted, "deleted").map_or(null(), |r| r.common.json(&r.inner.raw)) })
}

/// Releases the result. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_delete_result_free(deleted: *mut mpgs_delete_result) {
    ffi_export!(returns(), { free(deleted) })
}

/// What Check Gateway answered. Release it with `mpgs_gateway_info_free`. Belongs to one thread
/// at a time; the strings its accessors return are borrowed from it.
pub struct mpgs_gateway_info {
    inner: GatewayInformation,
    common: Common,
    gateway_version: Option<CText>,
    status: Option<CText>,
}

impl mpgs_gateway_info {
    pub(crate) fn new(inner: GatewayInformation) -> Self {
        Self {
            common: Common::new(&inner.meta),
            gateway_version: opt(inner.gateway_version.as_deref()),
            status: opt(inner.status.as_ref().map(|v| v.as_str())),
            inner,
        }
    }
}

/// `gatewayVersion`: the gateway platform's version (`22.8.0.2-1R`). Borrowed from `info`; NULL
/// when absent or when `info` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_gateway_info_gateway_version(info: *const mpgs_gateway_info) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(info, "info").map_or(null(), |r| ptr(&r.gateway_version)) })
}

/// `status`: `OPERATING` or `SHUTDOWN`. Borrowed from `info`; NULL when absent or when `info` is
/// NULL.
#[no_mangle]
pub extern "C" fn mpgs_gateway_info_status(info: *const mpgs_gateway_info) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(info, "info").map_or(null(), |r| ptr(&r.status)) })
}

/// True when `status` is `OPERATING`; false otherwise and for NULL.
#[no_mangle]
pub extern "C" fn mpgs_gateway_info_is_operating(info: *const mpgs_gateway_info) -> bool {
    ffi_export!(returns false, { arg_ref(info, "info").is_ok_and(|r| r.inner.is_operating()) })
}

/// The HTTP status of the answer. 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_gateway_info_http_status(info: *const mpgs_gateway_info) -> u16 {
    ffi_export!(returns 0, { arg_ref(info, "info").map_or(0, |r| r.common.meta.http_status) })
}

/// The API version in the request's path (the session version). 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_gateway_info_api_version(info: *const mpgs_gateway_info) -> u32 {
    ffi_export!(returns 0, { arg_ref(info, "info").map_or(0, |r| r.common.meta.api_version) })
}

/// How many times the request was sent (1 without retries). 0 for NULL.
#[no_mangle]
pub extern "C" fn mpgs_gateway_info_attempts(info: *const mpgs_gateway_info) -> u32 {
    ffi_export!(returns 0, { arg_ref(info, "info").map_or(0, |r| r.common.meta.attempts) })
}

/// The whole answer as JSON text. Borrowed from `info`. NULL only for NULL.
#[no_mangle]
pub extern "C" fn mpgs_gateway_info_json(info: *const mpgs_gateway_info) -> *const c_char {
    ffi_export!(returns null(), { arg_ref(info, "info").map_or(null(), |r| r.common.json(&r.inner.raw)) })
}

/// Releases the result. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_gateway_info_free(info: *mut mpgs_gateway_info) {
    ffi_export!(returns(), { free(info) })
}

/// Whether a session can be tokenized (`mpgs_session_ready_for_token`). The numbers are stable:
/// never renumbered, new ones only appended.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum mpgs_readiness {
    /// `session.updateStatus` is `SUCCESS`, the session holds card details, and its version is
    /// the one expected (when one was given).
    Ready = 0,
    /// `session.updateStatus` is not `SUCCESS` (or absent): no details were put into the session.
    NotUpdated = 1,
    /// The session holds no card details (`sourceOfFunds.provided.card.number`).
    NoCardDetails = 2,
    /// `session.version` is not the version expected.
    VersionDiffers = 3,
    /// `session` is NULL, or `expected_version` is not UTF-8.
    InvalidArgument = 4,
}

/// Whether a retrieved session can be tokenized (Create or Update Token with `session.id`), the
/// check every Hosted Session integration makes: `session.updateStatus` is `SUCCESS`, card
/// details are present, and, when `expected_version` is not NULL (the version the payment page
/// reported), `session.version` equals it. Returns the first condition that fails, or
/// `MPGS_READINESS_READY`. The rule is the core's (`Session::ready_for_token`).
#[no_mangle]
pub extern "C" fn mpgs_session_ready_for_token(
    session: *const mpgs_session,
    expected_version: *const c_char,
) -> mpgs_readiness {
    ffi_export!(returns mpgs_readiness::InvalidArgument, {
        let (Ok(session), Ok(expected)) =
            (arg_ref(session, "session"), arg_opt_str(expected_version, "expected_version"))
        else {
            return mpgs_readiness::InvalidArgument;
        };
        match session.inner.ready_for_token(expected) {
            Ok(()) => mpgs_readiness::Ready,
            Err(NotReady::UpdateStatus(_)) => mpgs_readiness::NotUpdated,
            Err(NotReady::NoCardDetails) => mpgs_readiness::NoCardDetails,
            Err(NotReady::VersionDiffers { .. }) => mpgs_readiness::VersionDiffers,
            Err(_) => mpgs_readiness::NotUpdated,
        }
    })
}

/// The name of a readiness value (`"MPGS_READINESS_NO_CARD_DETAILS"`), for logs;
/// `"MPGS_READINESS_UNKNOWN"` for a number this version does not define. Static: never free it.
#[no_mangle]
pub extern "C" fn mpgs_readiness_name(readiness: u32) -> *const c_char {
    ffi_export!(returns c"MPGS_READINESS_UNKNOWN".as_ptr(), {
        match readiness {
            0 => c"MPGS_READINESS_READY",
            1 => c"MPGS_READINESS_NOT_UPDATED",
            2 => c"MPGS_READINESS_NO_CARD_DETAILS",
            3 => c"MPGS_READINESS_VERSION_DIFFERS",
            4 => c"MPGS_READINESS_INVALID_ARGUMENT",
            _ => c"MPGS_READINESS_UNKNOWN",
        }
        .as_ptr()
    })
}
