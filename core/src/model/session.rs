//! Create Session (v58), and the session calls around it: Update Session and Retrieve Session
//! (v58), whose answers are the same [`Session`], and the readiness check before tokenizing.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::enums::{OperationResult, UpdateStatus};
use super::token::CardDetails;
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

/// A session: the answer of Create, Update and Retrieve Session.
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

    /// Whether a retrieved session can be tokenized (Create or Update Token with `session.id`),
    /// as every Hosted Session integration checks before it does: `session.updateStatus` is
    /// `SUCCESS`, the session holds card details (`sourceOfFunds.provided.card.number`, masked
    /// by the gateway), and, when `expected_version` is given (the version the payment page
    /// reported), `session.version` equals it: a guard against a swapped session. The first
    /// condition that fails is the answer.
    ///
    /// ```
    /// use mpgs::{NotReady, ResponseMeta, Session};
    /// let meta = ResponseMeta { http_status: 200, api_version: 58, elapsed: Default::default(), attempts: 1 };
    /// let s = Session::from_json(serde_json::json!({"session": {"updateStatus": "SUCCESS", "version": "a1b2c3d402"},
    ///     "sourceOfFunds": {"provided": {"card": {"number": "512345xxxxxx0008"}}}}), meta);
    /// assert_eq!(s.ready_for_token(Some("a1b2c3d402")), Ok(()));
    /// assert!(matches!(s.ready_for_token(Some("a1b2c3d401")), Err(NotReady::VersionDiffers { .. })));
    /// ```
    pub fn ready_for_token(&self, expected_version: Option<&str>) -> Result<(), NotReady> {
        if self.update_status != Some(UpdateStatus::Success) {
            return Err(NotReady::UpdateStatus(self.update_status.clone()));
        }
        let card_number = self.raw.get_path("sourceOfFunds.provided.card.number");
        if !card_number.and_then(Value::as_str).is_some_and(|n| !n.is_empty()) {
            return Err(NotReady::NoCardDetails);
        }
        match expected_version {
            Some(expected) if self.version.as_deref() != Some(expected) => {
                Err(NotReady::VersionDiffers { expected: expected.to_owned(), actual: self.version.clone() })
            }
            _ => Ok(()),
        }
    }
}

/// Why a session is not ready to be tokenized ([`Session::ready_for_token`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotReady {
    /// `session.updateStatus` is not `SUCCESS` (`None`: the answer has none): the payment page
    /// has not put details into the session, or its last update failed.
    UpdateStatus(Option<UpdateStatus>),
    /// The session holds no card details (`sourceOfFunds.provided.card.number`).
    NoCardDetails,
    /// `session.version` is not the version the payment page reported.
    VersionDiffers {
        /// The version the caller expected.
        expected: String,
        /// The session's version (`None`: the answer has none).
        actual: Option<String>,
    },
}

impl NotReady {
    /// A stable short name: `update_status`, `no_card_details` or `version_differs`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UpdateStatus(_) => "update_status",
            Self::NoCardDetails => "no_card_details",
            Self::VersionDiffers { .. } => "version_differs",
        }
    }
}

impl fmt::Display for NotReady {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UpdateStatus(s) => write!(
                f,
                "session.updateStatus is {}, not SUCCESS: no payment details were put into the session",
                s.as_ref().map_or("absent", |s| s.as_str())
            ),
            Self::NoCardDetails => f.write_str("the session holds no card details (sourceOfFunds.provided.card.number)"),
            Self::VersionDiffers { expected, actual } => write!(
                f,
                "session.version is {}, not {expected:?} as expected: the session changed since the payment page used it",
                actual.as_deref().map_or_else(|| "absent".to_owned(), |a| format!("{a:?}"))
            ),
        }
    }
}

impl std::error::Error for NotReady {}

/// An Update Session request ("Session: Update Session", REST JSON version 58): the fields to
/// store in the session. Card details go in [`UpdateSessionRequest::card`] (a secret type: never
/// shown by `Debug` or `Serialize`); any other field a session may hold (`order.amount`,
/// `customer.email`…) by dotted name with [`UpdateSessionRequest::field`].
///
/// ```
/// use mpgs::{CardDetails, UpdateSessionRequest};
/// let req = UpdateSessionRequest::new()
///     .card(CardDetails::new("5123450000000008").expiry("5", "30").security_code("100"))
///     .field("order.currency", "USD");
/// assert!(!format!("{req:?}").contains("5123450000000008"));
/// assert_eq!(req.expose_json()["sourceOfFunds.provided.card"]["number"], "5123450000000008");
/// // to_json is for logs: every secret masked, also one set by name.
/// let by_name = UpdateSessionRequest::new()
///     .field("sourceOfFunds.provided.card.number", "5123450000000008")
///     .field("sourceOfFunds.provided.card.securityCode", "100");
/// let shown = by_name.to_json().to_string();
/// assert!(!shown.contains("5123450000000008") && !shown.contains("100") && shown.contains("512345xxxxxx0008"));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct UpdateSessionRequest {
    /// `correlationId`.
    pub correlation_id: Option<String>,
    /// `session.version`: the update is refused if the session changed since this version.
    pub version: Option<String>,
    /// `sourceOfFunds.provided.card`.
    pub card: Option<CardDetails>,
    /// Any other field, by dotted name (or a group by its name).
    pub fields: serde_json::Map<String, Value>,
}

impl UpdateSessionRequest {
    /// An empty request.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `correlationId`.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Sets `session.version` (optimistic locking).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Sets `sourceOfFunds.provided.card`, as the payment page does.
    pub fn card(mut self, card: CardDetails) -> Self {
        self.card = Some(card);
        self
    }

    /// Sets any other field by dotted name (`order.currency`), or a group by name.
    pub fn field(mut self, path: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(path.into(), value.into());
        self
    }

    /// The body in the gateway's nested form with every secret masked (the card's, and any
    /// secret field set by name with [`UpdateSessionRequest::field`]): safe to log, not to send.
    /// (Dotted names that conflict are left as they were, masked by name all the same.)
    pub fn to_json(&self) -> Value {
        let mut nested =
            crate::validate::expand_dotted(self.body(false)).unwrap_or_else(|_| self.body(false));
        crate::secret::mask_answer(&mut nested);
        mask_dotted_secrets(&mut nested);
        nested
    }

    /// The body as it goes on the wire, secrets in clear. The client calls it.
    pub fn expose_json(&self) -> Value {
        self.body(true)
    }

    fn body(&self, exposed: bool) -> Value {
        let mut map = self.fields.clone();
        if let Some(c) = &self.correlation_id {
            map.insert("correlationId".into(), Value::String(c.clone()));
        }
        if let Some(v) = &self.version {
            map.insert("session.version".into(), Value::String(v.clone()));
        }
        if let Some(card) = &self.card {
            let mut json = serde_json::to_value(card).unwrap_or(Value::Null);
            if exposed {
                if let Some(n) = &card.number {
                    json["number"] = Value::String(n.expose().to_owned());
                }
                if let Some(c) = &card.security_code {
                    json["securityCode"] = Value::String(c.expose().to_owned());
                }
            }
            map.insert("sourceOfFunds.provided.card".into(), json);
        }
        Value::Object(map)
    }
}

/// Masks top-level dotted names that end in a secret field (`sourceOfFunds.provided.card.number`):
/// what [`crate::secret::mask_answer`] cannot see when dotted names could not be expanded.
fn mask_dotted_secrets(body: &mut Value) {
    let Value::Object(map) = body else { return };
    for (k, v) in map.iter_mut() {
        if let Value::String(s) = v {
            let last = k.rsplit('.').next().unwrap_or_default();
            let parent = k.rsplit('.').nth(1).unwrap_or_default();
            if crate::secret::HIDDEN_KEYS.contains(&last) {
                zeroize::Zeroize::zeroize(s);
                *s = crate::secret::HIDDEN.to_owned();
            } else if last == "number" && (parent == "card" || parent == "giftCard") {
                let masked = crate::secret::mask_pan(s);
                zeroize::Zeroize::zeroize(s);
                *s = masked;
            }
        }
    }
}

impl fmt::Debug for UpdateSessionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateSessionRequest")
            .field("correlation_id", &self.correlation_id)
            .field("version", &self.version)
            .field("card", &self.card)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
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
