//! Create Session (v58).

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::enums::{OperationResult, UpdateStatus};
use super::{parsed, text, unsigned, Raw, ResponseMeta};
use crate::secret::SecretString;
use crate::validate;

/// A Create Session request. Every field is optional; the gateway accepts an empty body.
///
/// ```
/// let req = mpgs::CreateSessionRequest::new().authentication_limit(5).correlation_id("till-7");
/// assert_eq!(req.to_json()["session"]["authenticationLimit"], 5);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSessionRequest {
    /// `correlationId`: echoed in the answer (1-100 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// `session`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionLimits>,
}

/// `session` group of a Create Session request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionLimits {
    /// `session.authenticationLimit` (0-25).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_limit: Option<i64>,
}

impl CreateSessionRequest {
    /// An empty request.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `correlationId`.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Sets `session.authenticationLimit`.
    pub fn authentication_limit(mut self, limit: i64) -> Self {
        self.session = Some(SessionLimits { authentication_limit: Some(limit) });
        self
    }

    /// The body in the gateway's nested shape.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// A body (nested or dotted JSON; `null` for none) with `session.authenticationLimit` and
    /// `correlationId` set from loosely typed values, as bindings receive them. Values of the
    /// wrong type are kept, so that validation names the field.
    pub fn body_with(
        body: Value,
        authentication_limit: Option<Value>,
        correlation_id: Option<Value>,
    ) -> crate::Result<Value> {
        let mut map = match body {
            Value::Null => serde_json::Map::new(),
            Value::Object(m) => m,
            // Not an object: the same "must be a JSON object" error as every other entry point.
            other => return validate::expand_dotted(other),
        };
        if let Some(v) = authentication_limit {
            map.insert("session.authenticationLimit".into(), v);
        }
        if let Some(v) = correlation_id {
            map.insert("correlationId".into(), v);
        }
        Ok(Value::Object(map))
    }
}

/// A created session.
#[derive(Clone, PartialEq)]
pub struct Session {
    /// `session.id` (31-35 characters).
    pub id: Option<String>,
    /// `session.aes256Key`: Base64 of the session's AES-256 key. A secret.
    pub aes256_key: Option<SecretString>,
    /// `session.version`: 10 hex characters, for optimistic locking.
    pub version: Option<String>,
    /// `session.updateStatus`.
    pub update_status: Option<UpdateStatus>,
    /// `session.authenticationLimit`.
    pub authentication_limit: Option<u32>,
    /// `merchant`.
    pub merchant: Option<String>,
    /// `result`.
    pub result: Option<OperationResult>,
    /// `correlationId`.
    pub correlation_id: Option<String>,
    /// `lineOfBusiness`.
    pub line_of_business: Option<String>,
    /// HTTP status, API version, elapsed time, attempts. Use the session with the API version
    /// it was created with.
    pub meta: ResponseMeta,
    /// The whole answer, unknown fields included.
    pub raw: Raw,
}

impl Session {
    /// Decodes an answer. Never fails: missing or oddly typed fields are `None`.
    pub fn from_json(raw: Value, meta: ResponseMeta) -> Self {
        Self {
            id: text(&raw, "session.id"),
            aes256_key: text(&raw, "session.aes256Key").map(SecretString::new),
            version: text(&raw, "session.version"),
            update_status: parsed(&raw, "session.updateStatus"),
            authentication_limit: unsigned(&raw, "session.authenticationLimit"),
            merchant: text(&raw, "merchant"),
            result: parsed(&raw, "result"),
            correlation_id: text(&raw, "correlationId"),
            line_of_business: text(&raw, "lineOfBusiness"),
            meta,
            raw: Raw::new(raw),
        }
    }

    /// Any field of the answer by dotted name.
    pub fn get(&self, path: &str) -> Option<&Value> {
        self.raw.get_path(path)
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("version", &self.version)
            .field("update_status", &self.update_status)
            .field("authentication_limit", &self.authentication_limit)
            .field("merchant", &self.merchant)
            .field("result", &self.result)
            .field("aes256_key", &self.aes256_key)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}
