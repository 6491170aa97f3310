//! Requests and responses of both operations.

pub mod enums;
pub mod session;
pub mod token;

use std::time::Duration;

use serde_json::Value;

use crate::validate::lookup;

/// Facts about the exchange that produced a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseMeta {
    /// HTTP status (201 from the real gateway; any 2xx is success).
    pub http_status: u16,
    /// API version in the request path.
    pub api_version: u32,
    /// Wall time of the whole call, retries included.
    pub elapsed: Duration,
    /// How many times the request was sent (1 without retries).
    pub attempts: u32,
}

/// The whole answer as JSON, unknown fields included. Derefs to `serde_json::Value`; its strings
/// (which may hold the session's AES key) are overwritten when it is dropped, and `Debug` does
/// not print it.
#[derive(Clone, Default, PartialEq)]
pub struct Raw(Value);

impl Raw {
    /// Wraps an answer.
    pub fn new(v: Value) -> Self {
        Self(v)
    }

    /// A field by dotted name.
    pub fn get_path(&self, path: &str) -> Option<&Value> {
        lookup(&self.0, path)
    }

    /// A copy of the JSON value.
    pub fn to_value(&self) -> Value {
        self.0.clone()
    }
}

impl std::ops::Deref for Raw {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Raw(..)")
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        crate::secret::zeroize_json(&mut self.0);
    }
}

pub(crate) fn text(v: &Value, path: &str) -> Option<String> {
    lookup(v, path).and_then(Value::as_str).map(str::to_owned)
}

pub(crate) fn parsed<T: for<'a> From<&'a str>>(v: &Value, path: &str) -> Option<T> {
    lookup(v, path).and_then(Value::as_str).map(T::from)
}

pub(crate) fn unsigned(v: &Value, path: &str) -> Option<u32> {
    match lookup(v, path)? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}
