//! Requests and responses of the operations.

pub mod enums;
pub mod gateway;
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

/// The whole answer as JSON, unknown fields included.
///
/// What it shows by default ([`Deref`](std::ops::Deref), [`Raw::get_path`], [`Raw::to_value`]) is
/// the answer with every known secret masked ([`crate::secret::mask_answer`]): card numbers 6.4;
/// security code, PIN, account numbers and the session's AES key as `***`. [`Raw::verbatim`]
/// opts in to the answer exactly as the gateway sent it (with `responseControls.sensitiveData`
/// or a merchant profile that returns them, it holds those values in clear). Every string is
/// overwritten when it is dropped, and `Debug` prints neither.
#[derive(Clone, Default, PartialEq)]
pub struct Raw {
    masked: Value,
    verbatim: Value,
}

impl Raw {
    /// Wraps an answer.
    pub fn new(verbatim: Value) -> Self {
        let mut masked = verbatim.clone();
        crate::secret::mask_answer(&mut masked);
        Self { masked, verbatim }
    }

    /// A field by dotted name, secrets masked.
    pub fn get_path(&self, path: &str) -> Option<&Value> {
        lookup(&self.masked, path)
    }

    /// A copy of the answer, secrets masked.
    pub fn to_value(&self) -> Value {
        self.masked.clone()
    }

    /// The answer exactly as the gateway sent it: it may hold card numbers, security codes,
    /// PINs, account numbers and the AES key in clear. Never log it.
    pub fn verbatim(&self) -> &Value {
        &self.verbatim
    }
}

impl std::ops::Deref for Raw {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.masked
    }
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Raw(..)")
    }
}

impl Raw {
    /// Overwrites every string of both forms of the answer in place.
    fn wipe(&mut self) {
        crate::secret::wipe_strings(&mut self.masked);
        crate::secret::wipe_strings(&mut self.verbatim);
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.wipe();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_wipes_the_answer_it_holds_in_both_forms() {
        let mut raw = Raw::new(
            serde_json::json!({"session": {"aes256Key": "q1Zx/9+AbCdEfGhIjKlMnOpQrStUvWxYz0123456789="}}),
        );
        let buffer = |v: &Value| match lookup(v, "session.aes256Key") {
            Some(Value::String(s)) => (s.as_ptr(), s.capacity()),
            _ => panic!("no key"),
        };
        let (verbatim, masked) = (buffer(raw.verbatim()), buffer(&raw.masked));
        assert_eq!(raw.get_path("session.aes256Key"), Some(&Value::from("***")));
        raw.wipe();
        for (ptr, cap) in [verbatim, masked] {
            // SAFETY: `raw` still owns both buffers (`cap` bytes each, written by the wipe).
            let bytes = unsafe { std::slice::from_raw_parts(ptr, cap) };
            assert!(bytes.iter().all(|b| *b == 0), "{bytes:?}");
        }
    }
}
