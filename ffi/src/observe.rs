//! `mpgs_config_set_observer`: the core's `on_call` hook for C, with a `#[repr(C)]` event of
//! borrowed fields.

use std::ffi::{c_char, c_void, CStr, CString};

use mpgs_core::{CallEvent, Operation, Stage};

use crate::boundary::{ffi_export, status_of, Failure};
use crate::client::{mpgs_config, update};
use crate::error::mpgs_error;
use crate::{mpgs_operation, mpgs_stage, mpgs_status};

/// One call, after it ended: what an observer (`mpgs_config_set_observer`) receives. It holds no
/// body, no header and no secret. The event and its strings are borrowed: valid only until the
/// callback returns (copy what you keep). Only the library makes one: later versions may append
/// fields at the end (never reorder), and `operation` may take values appended to
/// `mpgs_operation`.
#[repr(C)]
pub struct mpgs_call_event {
    /// The operation (`MPGS_OPERATION_*`, every operation).
    pub operation: mpgs_operation,
    /// The operation's name in the gateway's documentation (`"Create Session"`). Static.
    pub operation_name: *const c_char,
    /// The HTTP method (`"POST"`, `"GET"`, `"PUT"`, `"DELETE"`). Static.
    pub method: *const c_char,
    /// The request path after the base URL's own path, merchant included
    /// (`/api/rest/version/58/merchant/TESTMERCHANT/session/SESSION0002…`): the session id or
    /// token id as sent, except a token id that could be a card number (12 to 19 digits passing
    /// the Luhn check), masked 6.4 as in the library's log; an id refused before sending shows as
    /// its parameter's name (`…/token/{tokenid}`). Borrowed: valid until the callback returns.
    pub path: *const c_char,
    /// The API version in the path.
    pub api_version: u32,
    /// The HTTP status of the answer read; 0 when no answer was read.
    pub http_status: u16,
    /// How many times the request was sent, retries included; 0 when it was refused before
    /// sending (validation).
    pub attempts: u32,
    /// Microseconds from the call's start to its end.
    pub elapsed_us: u64,
    /// True when the gateway may have processed the request and its answer was not read.
    pub outcome_unknown: bool,
    /// `MPGS_STATUS_OK` for a success, else the status the call returns.
    pub status: mpgs_status,
    /// Where the call failed; `MPGS_STAGE_UNKNOWN` for a success.
    pub stage: mpgs_stage,
}

/// An observer: called once after every call of a client made from the config, on the thread
/// that made the call, before the call returns, with the event and the `user_data` given to
/// `mpgs_config_set_observer`.
pub type mpgs_call_observer =
    Option<unsafe extern "C" fn(event: *const mpgs_call_event, user_data: *mut c_void)>;

/// The callback and its `user_data`, shared by the threads that use the client (the header makes
/// the caller promise that both may be used from any of them).
struct Observer {
    callback: unsafe extern "C" fn(*const mpgs_call_event, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: the header's contract for `mpgs_config_set_observer`: the callback and `user_data` may
// be used from every thread that uses a client made from the config.
unsafe impl Send for Observer {}
// SAFETY: as above.
unsafe impl Sync for Observer {}

impl Observer {
    fn notify(&self, e: &CallEvent) {
        let (name, method) = names(e.operation);
        let path = CString::new(e.path.as_str()).unwrap_or_default();
        let event = mpgs_call_event {
            operation: operation_of(e.operation),
            operation_name: name.as_ptr(),
            method: method.as_ptr(),
            path: path.as_ptr(),
            api_version: e.api_version,
            http_status: e.http_status.unwrap_or(0),
            attempts: e.attempts,
            elapsed_us: u64::try_from(e.elapsed.as_micros()).unwrap_or(u64::MAX),
            outcome_unknown: e.outcome_unknown,
            status: e.error_kind.map_or(mpgs_status::Ok, status_of),
            stage: match e.error_stage {
                None => mpgs_stage::Unknown,
                Some(Stage::NotSent) => mpgs_stage::NotSent,
                Some(Stage::Answered) => mpgs_stage::Answered,
                Some(Stage::Unanswered) => mpgs_stage::Unanswered,
            },
        };
        // SAFETY: the caller's callback, with an event valid for the call (the header's contract).
        unsafe { (self.callback)(&event, self.user_data) };
    }
}

/// The operation's documented name and its method, as static C strings.
fn names(op: Operation) -> (&'static CStr, &'static CStr) {
    match op {
        Operation::CreateSession => (c"Create Session", c"POST"),
        Operation::CreateToken => (c"Create or Update Token", c"POST"),
        Operation::UpdateSession => (c"Update Session", c"PUT"),
        Operation::RetrieveSession => (c"Retrieve Session", c"GET"),
        Operation::RetrieveToken => (c"Retrieve Token", c"GET"),
        Operation::DeleteToken => (c"Delete Token", c"DELETE"),
        Operation::CheckGateway => (c"Check Gateway", c"GET"),
    }
}

fn operation_of(op: Operation) -> mpgs_operation {
    match op {
        Operation::CreateSession => mpgs_operation::CreateSession,
        Operation::CreateToken => mpgs_operation::CreateToken,
        Operation::UpdateSession => mpgs_operation::UpdateSession,
        Operation::RetrieveSession => mpgs_operation::RetrieveSession,
        Operation::RetrieveToken => mpgs_operation::RetrieveToken,
        Operation::DeleteToken => mpgs_operation::DeleteToken,
        Operation::CheckGateway => mpgs_operation::CheckGateway,
    }
}

/// Sets the observer of the clients made from `config` afterwards (replacing any set before):
/// `callback(event, user_data)` is called once after every call, when it has ended (successful,
/// failed, or refused before sending: then with 0 attempts and `MPGS_STAGE_NOT_SENT`), on the
/// thread that made the call, before the call returns; keep it short. The event holds the
/// operation, method, path, API version, HTTP status, attempts, elapsed time, outcome and status
/// and stage of the error; never a body, a header or a secret, and it and its strings are valid
/// only until the callback returns. Calls refused before they reach the client (a NULL argument,
/// JSON text that does not parse) give no event. The callback must not call back into the
/// client (it runs inside a call), must not unwind or `longjmp` out (C++: let no exception
/// escape), and it and `user_data` must be usable from every thread that uses the client.
/// `user_data` is the caller's: the library never frees it, and it must outlive the clients.
/// A NULL `callback` is `MPGS_STATUS_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn mpgs_config_set_observer(
    config: *mut mpgs_config,
    callback: mpgs_call_observer,
    user_data: *mut c_void,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let callback = callback.ok_or_else(|| Failure::null("callback"))?;
        let observer = Observer { callback, user_data };
        update(config, |b| b.on_call(move |e| observer.notify(e)))
    })
}

#[cfg(test)]
pub(crate) fn names_for_test(op: Operation) -> (&'static CStr, &'static CStr) {
    names(op)
}
