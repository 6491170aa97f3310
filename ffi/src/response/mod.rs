//! Response handles: `mpgs_session` and `mpgs_token`, with accessors for the documented fields,
//! a generic accessor by dotted name, the HTTP status and the whole answer as JSON.
//!
//! A response belongs to one thread at a time. Every `const char *` an accessor returns is
//! borrowed from the response: valid until the response is freed, NULL when the field is absent.

mod other;
mod session;
mod token;

use std::ffi::c_char;
use std::sync::OnceLock;

use mpgs_core::{Raw, ResponseMeta};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::boundary::Failure;
use crate::boundary::{arg_out, arg_str};
use crate::text::{owned, CText};

pub use other::*;
pub use session::*;
pub use token::*;

/// What both kinds of response share: the exchange's facts and the whole answer.
struct Common {
    meta: ResponseMeta,
    json: OnceLock<CText>,
    verbatim: OnceLock<CText>,
}

impl Common {
    fn new(meta: &ResponseMeta) -> Self {
        Self { meta: meta.clone(), json: OnceLock::new(), verbatim: OnceLock::new() }
    }

    /// The whole answer as JSON text with its secrets masked, made on first use.
    fn json(&self, raw: &Raw) -> *const c_char {
        self.json
            .get_or_init(|| CText::new(&Zeroizing::new(serde_json::to_string(&**raw).unwrap_or_default())))
            .as_ptr()
    }

    /// The whole answer exactly as the gateway sent it, made on first use.
    fn verbatim(&self, raw: &Raw) -> *const c_char {
        self.verbatim
            .get_or_init(|| {
                CText::new(&Zeroizing::new(serde_json::to_string(raw.verbatim()).unwrap_or_default()))
            })
            .as_ptr()
    }
}

/// The generic accessor: field `name` (dotted) of `raw`, secrets masked, as owned text in `*value_out`. Strings
/// come as they are; numbers, booleans, objects and arrays as JSON text.
fn get(raw: &Raw, name: *const c_char, value_out: *mut *mut c_char) -> Result<(), Failure> {
    let name = arg_str(name, "name")?;
    let out = arg_out(value_out, "value_out")?;
    let value = raw
        .get_path(name)
        .filter(|v| !v.is_null())
        .ok_or_else(|| Failure::NotFound(format!("`{name}` is not in the answer")))?;
    let text = match value {
        Value::String(s) => owned(s),
        other => owned(&Zeroizing::new(serde_json::to_string(other).unwrap_or_default())),
    };
    if text.is_null() {
        return Err(Failure::argument(format!("`{name}` cannot be copied")));
    }
    *out = text;
    Ok(())
}
