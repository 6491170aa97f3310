//! `mpgs_request`: a request built field by field with dotted names, for C code without a JSON
//! writer; and the offline validators.

use std::ffi::c_char;

use mpgs_core::{validate, Operation};
use serde_json::{Map, Value};

use crate::boundary::Failure;
use crate::boundary::{arg_mut, arg_opt_str, arg_out, arg_ref, arg_str, ffi_export, free, give};
use crate::error::mpgs_error;
use crate::{mpgs_operation, mpgs_status};

/// A request for one operation, filled in with `mpgs_request_set`. Belongs to one thread at a
/// time. Release it with `mpgs_request_free` (its values, card numbers included, are zeroed).
pub struct mpgs_request {
    op: Operation,
    fields: Map<String, Value>,
}

impl mpgs_request {
    /// The body to send for `op`, or an argument error when the request is for the other one.
    pub(crate) fn body_for(&self, op: Operation) -> Result<Value, Failure> {
        if self.op != op {
            return Err(Failure::argument(format!(
                "`request` was made for {}, not for {}",
                self.op.name(),
                op.name()
            )));
        }
        Ok(Value::Object(self.fields.clone()))
    }
}

impl Drop for mpgs_request {
    fn drop(&mut self) {
        for v in self.fields.values_mut() {
            mpgs_core::secret::zeroize_json(v);
        }
    }
}

fn operation(op: u32) -> Result<Operation, Failure> {
    mpgs_operation::from_number(op).ok_or_else(|| {
        Failure::argument(format!(
            "`operation` {op} is not an operation (MPGS_OPERATION_CREATE_SESSION, \
             MPGS_OPERATION_CREATE_TOKEN or MPGS_OPERATION_UPDATE_SESSION)"
        ))
    })
}

/// Starts an empty request for `operation` (an `mpgs_operation` value). Writes `*request_out` on
/// success.
#[no_mangle]
pub extern "C" fn mpgs_request_new(
    operation: u32,
    request_out: *mut *mut mpgs_request,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let op = self::operation(operation)?;
        let out = arg_out(request_out, "request_out")?;
        give(out, mpgs_request { op, fields: Map::new() });
        Ok(())
    })
}

/// Sets field `name` (dotted, as the gateway documents it:
/// `sourceOfFunds.provided.card.number`) to `value`, given as text: integer fields
/// (`session.authenticationLimit`) take their digits; number text beyond 64 bits, `nan` or `inf`
/// is an `INVALID` error of the field, never a wrapped number. Setting a field again replaces
/// it. The value is judged with all the others by `mpgs_request_validate` and before sending, so
/// every problem is reported at once; only a NULL or non-UTF-8 argument fails here.
#[no_mangle]
pub extern "C" fn mpgs_request_set(
    request: *mut mpgs_request,
    name: *const c_char,
    value: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let request = arg_mut(request, "request")?;
        let name = arg_str(name, "name")?;
        let value = arg_str(value, "value")?;
        let value = validate::value_from_text(request.op, name, value);
        if let Some(mut old) = request.fields.insert(name.to_owned(), value) {
            mpgs_core::secret::zeroize_json(&mut old);
        }
        Ok(())
    })
}

/// Removes field `name` if it was set.
#[no_mangle]
pub extern "C" fn mpgs_request_unset(
    request: *mut mpgs_request,
    name: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let request = arg_mut(request, "request")?;
        let name = arg_str(name, "name")?;
        if let Some(mut old) = request.fields.shift_remove(name) {
            mpgs_core::secret::zeroize_json(&mut old);
        }
        Ok(())
    })
}

/// Checks the request against every rule of its operation without sending it:
/// `MPGS_STATUS_VALIDATION` with every problem in the error's field list.
#[no_mangle]
pub extern "C" fn mpgs_request_validate(
    request: *const mpgs_request,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let request = arg_ref(request, "request")?;
        let mut copy = validate::prepare(request.op, Value::Object(request.fields.clone()))?;
        mpgs_core::secret::zeroize_json(&mut copy);
        Ok(())
    })
}

/// Releases a request, zeroing its values. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mpgs_request_free(request: *mut mpgs_request) {
    ffi_export!(returns(), { free(request) })
}

/// Checks a request body given as JSON text for `operation` (an `mpgs_operation` value) without
/// sending it: `MPGS_STATUS_VALIDATION` with every problem in the error's field list. For Create
/// Session and Update Session, NULL means an empty body.
#[no_mangle]
pub extern "C" fn mpgs_validate(
    operation: u32,
    json: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let op = self::operation(operation)?;
        let text = match op {
            Operation::CreateSession | Operation::UpdateSession => arg_opt_str(json, "json")?.unwrap_or(""),
            _ => arg_str(json, "json")?,
        };
        let mut prepared = validate::prepare_text(op, text)?;
        mpgs_core::secret::zeroize_json(&mut prepared);
        Ok(())
    })
}

/// Like `mpgs_validate`, as a client at `api_version` (0: the documented version of the
/// operation) and `level` (an `mpgs_validation_level`) would check the body before sending it:
/// at a version other than the documented one, with `MPGS_VALIDATION_LEVEL_AUTO`, fields and
/// enumeration values the documented tables do not know pass. `MPGS_STATUS_INVALID_ARGUMENT` for
/// an unknown operation or level.
#[no_mangle]
pub extern "C" fn mpgs_validate_at(
    operation: u32,
    api_version: u32,
    level: u32,
    json: *const c_char,
    err: *mut *mut mpgs_error,
) -> mpgs_status {
    ffi_export!(fallible err, {
        let op = self::operation(operation)?;
        let level = crate::mpgs_validation_level::from_number(level)
            .ok_or_else(|| Failure::argument(format!("`level` {level} is not a validation level")))?;
        let version = if api_version == 0 { op.default_api_version() } else { api_version };
        let text = match op {
            Operation::CreateSession | Operation::UpdateSession => arg_opt_str(json, "json")?.unwrap_or(""),
            _ => arg_str(json, "json")?,
        };
        let mut prepared = validate::prepare_at(op, version, level, validate::parse_body(text)?)?;
        mpgs_core::secret::zeroize_json(&mut prepared);
        Ok(())
    })
}
