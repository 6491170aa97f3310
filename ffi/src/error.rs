//! `mpgs_error`: the owned error a failed call hands back through `mpgs_error **err`.

use std::ffi::c_char;

use mpgs_core::{Error, Stage};

use crate::boundary::{arg_mut, arg_ref, ffi_export, Failure};
use crate::text::{opt, ptr, CText};
use crate::{mpgs_stage, mpgs_status};

/// One field problem, borrowed from the `mpgs_error` it came from.
#[repr(C)]
pub struct mpgs_field_error {
    /// Dotted field path, e.g. `sourceOfFunds.provided.card.number`.
    pub field: *const c_char,
    /// `INVALID`, `MISSING` or `UNSUPPORTED`.
    pub validation_type: *const c_char,
    /// What is wrong, in plain words.
    pub explanation: *const c_char,
}

struct FieldText {
    field: CText,
    validation_type: CText,
    explanation: CText,
}

/// An error from a failed call. Owned by the caller; release it with `mpgs_error_free`.
pub struct mpgs_error {
    status: mpgs_status,
    stage: mpgs_stage,
    http_status: u16,
    outcome_unknown: bool,
    attempts: u32,
    message: CText,
    cause: Option<CText>,
    field: Option<CText>,
    validation_type: Option<CText>,
    explanation: Option<CText>,
    support_code: Option<CText>,
    gateway_json: Option<CText>,
    field_errors: Vec<FieldText>,
}

impl mpgs_error {
    fn bare(status: mpgs_status, stage: mpgs_stage, message: &str) -> Self {
        Self {
            status,
            stage,
            http_status: 0,
            outcome_unknown: false,
            attempts: 0,
            message: CText::new(message),
            cause: None,
            field: None,
            validation_type: None,
            explanation: None,
            support_code: None,
            gateway_json: None,
            field_errors: Vec::new(),
        }
    }
}

impl From<Failure> for mpgs_error {
    fn from(f: Failure) -> Self {
        let status = f.status();
        match f {
            Failure::Argument(m) | Failure::NotFound(m) => Self::bare(status, mpgs_stage::NotSent, &m),
            Failure::Panic(what) => {
                let mut e = Self::bare(
                    status,
                    mpgs_stage::Unknown,
                    &format!("internal error in libmpgs (please report it): {what}"),
                );
                // A panic may have struck after the request left: assume the worst.
                e.outcome_unknown = true;
                e
            }
            Failure::Core(core) => from_core(status, &core),
        }
    }
}

fn from_core(status: mpgs_status, core: &Error) -> mpgs_error {
    let stage = match core.stage() {
        Stage::NotSent => mpgs_stage::NotSent,
        Stage::Answered => mpgs_stage::Answered,
        Stage::Unanswered => mpgs_stage::Unanswered,
    };
    let mut e = mpgs_error::bare(status, stage, &core.to_string());
    e.http_status = core.http_status().unwrap_or(0);
    e.outcome_unknown = core.outcome_unknown();
    e.field_errors = core
        .field_errors()
        .iter()
        .map(|f| FieldText {
            field: CText::new(&f.field),
            validation_type: CText::new(f.validation_type.as_str()),
            explanation: CText::new(&f.explanation),
        })
        .collect();
    match core {
        Error::Validation(list) => {
            if let Some(first) = list.first() {
                e.field = Some(CText::new(&first.field));
                e.validation_type = Some(CText::new(first.validation_type.as_str()));
                e.explanation = Some(CText::new(&first.explanation));
            }
        }
        Error::Gateway(g) => {
            e.cause = opt(g.cause.as_ref().map(|c| c.as_str()));
            e.field = opt(g.field.as_deref());
            e.validation_type = opt(g.validation_type.as_ref().map(|v| v.as_str()));
            e.explanation = opt(g.explanation.as_deref());
            e.support_code = opt(g.support_code.as_deref());
            e.gateway_json = serde_json::to_string(&g.raw)
                .ok()
                .map(zeroize::Zeroizing::new)
                .as_deref()
                .map(|s| CText::new(s));
        }
        _ => {}
    }
    e.attempts = core.attempts();
    e
}

/// The status the failed call returned (never `MPGS_STATUS_OK`); `MPGS_STATUS_INVALID_ARGUMENT`
/// for NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_status(error: *const mpgs_error) -> mpgs_status {
    ffi_export!(returns mpgs_status::InvalidArgument, {
        arg_ref(error, "error").map_or(mpgs_status::InvalidArgument, |e| e.status)
    })
}

/// Where the call failed: before sending, with an answer, or without one. `MPGS_STAGE_UNKNOWN`
/// for NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_stage(error: *const mpgs_error) -> mpgs_stage {
    ffi_export!(returns mpgs_stage::Unknown, {
        arg_ref(error, "error").map_or(mpgs_stage::Unknown, |e| e.stage)
    })
}

/// The whole message, naming the field or argument and what to do. Never holds a secret.
/// Borrowed: valid until `mpgs_error_free(error)`. Never NULL for a non-NULL `error`; NULL for
/// NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_message(error: *const mpgs_error) -> *const c_char {
    ffi_export!(returns std::ptr::null(), {
        arg_ref(error, "error").map_or(std::ptr::null(), |e| e.message.as_ptr())
    })
}

/// The HTTP status of the answer (gateway and decode errors), 0 when there was none or for NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_http_status(error: *const mpgs_error) -> u16 {
    ffi_export!(returns 0, { arg_ref(error, "error").map_or(0, |e| e.http_status) })
}

/// True when the request got no answer and the gateway may still have processed it: look the
/// result up before sending anything that must not happen twice. True for NULL (with no error to
/// say otherwise, unknown is the safe answer).
#[no_mangle]
pub extern "C" fn mpgs_error_outcome_unknown(error: *const mpgs_error) -> bool {
    ffi_export!(returns true, { arg_ref(error, "error").map_or(true, |e| e.outcome_unknown) })
}

/// How many attempts were made, retries included, whether or not they got as far as sending
/// (0 for a configuration, validation or argument error: no attempt was made; 0 for NULL).
#[no_mangle]
pub extern "C" fn mpgs_error_attempts(error: *const mpgs_error) -> u32 {
    ffi_export!(returns 0, { arg_ref(error, "error").map_or(0, |e| e.attempts) })
}

fn borrowed(error: *const mpgs_error, member: fn(&mpgs_error) -> &Option<CText>) -> *const c_char {
    arg_ref(error, "error").map_or(std::ptr::null(), |e| ptr(member(e)))
}

/// The gateway's `error.cause` (`INVALID_REQUEST`, `SERVER_BUSY`, ...).
/// Borrowed: valid until `mpgs_error_free(error)`; NULL when absent or when `error` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_cause(error: *const mpgs_error) -> *const c_char {
    ffi_export!(returns std::ptr::null(), { borrowed(error, |e| &e.cause) })
}

/// The dotted field at fault: the gateway's `error.field`, or the first of the field errors
/// found before sending.
/// Borrowed: valid until `mpgs_error_free(error)`; NULL when absent or when `error` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_field(error: *const mpgs_error) -> *const c_char {
    ffi_export!(returns std::ptr::null(), { borrowed(error, |e| &e.field) })
}

/// `INVALID`, `MISSING` or `UNSUPPORTED`, for `mpgs_error_field`.
/// Borrowed: valid until `mpgs_error_free(error)`; NULL when absent or when `error` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_validation_type(error: *const mpgs_error) -> *const c_char {
    ffi_export!(returns std::ptr::null(), { borrowed(error, |e| &e.validation_type) })
}

/// The gateway's `error.explanation` (card-number-like digit runs masked), or the first field
/// error's explanation.
/// Borrowed: valid until `mpgs_error_free(error)`; NULL when absent or when `error` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_explanation(error: *const mpgs_error) -> *const c_char {
    ffi_export!(returns std::ptr::null(), { borrowed(error, |e| &e.explanation) })
}

/// The gateway's `error.supportCode`, to quote to the gateway's support.
/// Borrowed: valid until `mpgs_error_free(error)`; NULL when absent or when `error` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_support_code(error: *const mpgs_error) -> *const c_char {
    ffi_export!(returns std::ptr::null(), { borrowed(error, |e| &e.support_code) })
}

/// The gateway's whole error answer as JSON (gateway errors only; strings masked like the
/// explanation).
/// Borrowed: valid until `mpgs_error_free(error)`; NULL when absent or when `error` is NULL.
#[no_mangle]
pub extern "C" fn mpgs_error_gateway_json(error: *const mpgs_error) -> *const c_char {
    ffi_export!(returns std::ptr::null(), { borrowed(error, |e| &e.gateway_json) })
}

/// How many field errors the error carries (validation errors: every problem found, the first
/// being the one `mpgs_error_field` names; 0 for other kinds and for NULL).
#[no_mangle]
pub extern "C" fn mpgs_error_field_error_count(error: *const mpgs_error) -> usize {
    ffi_export!(returns 0, { arg_ref(error, "error").map_or(0, |e| e.field_errors.len()) })
}

/// Writes field error `index` (0-based, below `mpgs_error_field_error_count`) to `*out`. Its
/// strings are borrowed: valid until `mpgs_error_free(error)`. Returns
/// `MPGS_STATUS_INVALID_ARGUMENT` (and leaves `*out` alone) for a NULL pointer or an index out of
/// range.
#[no_mangle]
pub extern "C" fn mpgs_error_field_error(
    error: *const mpgs_error,
    index: usize,
    out: *mut mpgs_field_error,
) -> mpgs_status {
    let no_err = std::ptr::null_mut();
    ffi_export!(fallible no_err, {
        let e = arg_ref(error, "error")?;
        let out = arg_mut(out, "out")?;
        let f = e.field_errors.get(index).ok_or_else(|| {
            Failure::argument(format!("`index` {index} is out of range (count {})", e.field_errors.len()))
        })?;
        *out = mpgs_field_error {
            field: f.field.as_ptr(),
            validation_type: f.validation_type.as_ptr(),
            explanation: f.explanation.as_ptr(),
        };
        Ok(())
    })
}

/// Releases an error. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_error_free(error: *mut mpgs_error) {
    ffi_export!(returns(), { crate::boundary::free(error) })
}
