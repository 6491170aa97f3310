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
