//! What the sandbox answers: routes, authentication, sessions, tokens. Request field rules come
//! from the `mpgs` core, so the sandbox and the client judge a body alike; everything the sandbox
//! answers (the fields of a stored token, error texts and their caps, status codes) comes from the
//! documents, through [`crate::answers`] and `shared/GATEWAY-FACTS.md`, not from the client.

mod token;

pub use token::acquirer_code;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use mpgs::validate;
use mpgs::{Error, Operation, ValidationLevel};
use serde_json::{json, Map, Value};

use crate::answers::{self, cap, lookup, ValidationType, ERROR_EXPLANATION_MAX, ERROR_FIELD_MAX};

use crate::cards::mask;
use crate::faults::Faults;
use crate::http::{Request, Response};
use crate::random::{random_bytes, random_digits};

/// API versions the sandbox serves (the real gateway's range at the time of writing).
pub const SUPPORTED_VERSIONS: std::ops::RangeInclusive<u32> = 1..=100;
/// `session.authenticationLimit` when the request does not set one.
pub const DEFAULT_AUTHENTICATION_LIMIT: u64 = 5;
/// `repositoryId` of every token.
pub const REPOSITORY_ID: &str = "SANDBOXREPO";

/// How token ids are generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenStrategy {
    /// 16 digits, starts with 9, passes Luhn.
    RandomWithLuhn,
    /// First 6 and last 4 of the card, random middle, fails Luhn.
    Preserve64,
}

/// Whether a card already stored gets its old token back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenManagement {
    /// The same card returns the same token.
    UniqueCard,
    /// Every request makes a new token.
    UniqueToken,
}

struct StoredSession {
    merchant: String,
    version_prefix: String,
    updates: u32,
    update_status: &'static str,
    authentication_limit: u64,
    source_of_funds: Value,
    /// Every other field an Update Session stored (`order.*`, `customer.*`…), nested.
    other: Map<String, Value>,
}

impl StoredSession {
    fn version(&self) -> String {
        format!("{}{:02}", self.version_prefix, self.updates % 100)
    }
}

struct StoredToken {
    merchant: String,
    source_of_funds: Value,
    /// What Retrieve Token answers: the Create or Update Token answer that stored it (masked,
    /// without `correlationId`).
    answer: Value,
}

/// Settings of the gateway behaviour.
#[derive(Clone, Debug)]
pub struct Behaviour {
    pub merchants: HashMap<String, String>,
    pub cert_merchants: HashSet<String>,
    pub token_strategy: TokenStrategy,
    pub token_management: TokenManagement,
    /// DER of the client certificate registered for the certificate-auth merchants.
    pub client_cert_der: Option<Vec<u8>>,
}

/// The in-memory gateway.
pub struct Gateway {
    pub(crate) behaviour: Behaviour,
    pub(crate) latency: Mutex<Duration>,
    pub(crate) faults: Faults,
    sessions: Mutex<HashMap<String, StoredSession>>,
    tokens: Mutex<HashMap<String, StoredToken>>,
    by_instrument: Mutex<HashMap<(String, String), String>>,
    pub(crate) seen: Mutex<std::collections::VecDeque<SeenRequest>>,
}

/// The head of an API request as it arrived: for tests of what a client puts on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenRequest {
    /// Method.
    pub method: String,
    /// Path as sent.
    pub path: String,
    /// Every header line, in order.
    pub headers: Vec<(String, String)>,
}

/// How many request heads are kept (the newest).
const SEEN_KEPT: usize = 64;

/// What the connection knows about the caller.
pub struct Peer {
    /// Whether a client certificate was presented (`None` if not) and is the registered one.
    pub client_cert: Option<bool>,
}

/// An `INVALID_REQUEST` answer in the gateway's shape (explanation capped at the spec's 1,000).
pub(crate) fn error(status: u16, explanation: &str) -> Response {
    Response::json(
        status,
        &json!({"error": {"cause": "INVALID_REQUEST", "explanation": cap(explanation, ERROR_EXPLANATION_MAX)},
                "result": "ERROR"}),
    )
}

/// A field-level `INVALID_REQUEST` (HTTP 400): `error.field` at most 100 characters and
/// `error.explanation` at most 1,000, as the spec caps them.
fn field_error(field: &str, vt: ValidationType, explanation: &str) -> Response {
    Response::json(
        400,
        &json!({"error": {"cause": "INVALID_REQUEST",
                          "explanation": cap(explanation, ERROR_EXPLANATION_MAX),
                          "field": cap(field, ERROR_FIELD_MAX),
                          "validationType": vt.as_str()},
                "result": "ERROR"}),
    )
}

fn invalid(field: &str, explanation: &str) -> Response {
    field_error(field, ValidationType::Invalid, explanation)
}

fn missing(field: &str, explanation: &str) -> Response {
    field_error(field, ValidationType::Missing, explanation)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Deep-merges `over` into `base` (values in `over` win).
fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

fn s<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    lookup(v, path).and_then(Value::as_str)
}

impl Gateway {
    pub(crate) fn new(behaviour: Behaviour, latency: Duration) -> Self {
        Self {
            behaviour,
            latency: Mutex::new(latency),
            faults: Faults::default(),
            sessions: Mutex::default(),
            tokens: Mutex::default(),
            by_instrument: Mutex::default(),
            seen: Mutex::default(),
        }
    }

    /// Whether `der` is the client certificate registered for certificate-auth merchants.
    pub(crate) fn knows_client_cert(&self, der: &[u8]) -> bool {
        self.behaviour.client_cert_der.as_deref() == Some(der)
    }

    /// Records the head of an API request (the newest are kept).
    pub(crate) fn record(&self, req: &Request) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() == SEEN_KEPT {
            seen.pop_front();
        }
        seen.push_back(SeenRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            headers: req.headers.clone(),
        });
    }

    /// Answers one API request.
    pub fn handle(&self, req: &Request, peer: &Peer) -> Response {
        self.handle_as(req, peer, false)
    }

    /// Answers one API request; `shutdown`: Check Gateway says `SHUTDOWN` (the `shutdown`
    /// fault), every other route answers as usual.
    pub(crate) fn handle_as(&self, req: &Request, peer: &Peer, shutdown: bool) -> Response {
        let path = req.path.split('?').next().unwrap_or_default();
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // Check Gateway: no merchant in the path, no authentication ("Check Gateway" page).
        if let ["api", "rest", "version", version, "information"] = parts.as_slice() {
            if !matches!(version.parse::<u32>(), Ok(v) if SUPPORTED_VERSIONS.contains(&v)) {
                return error(404, &format!("Unsupported value for 'version = {version}'"));
            }
            if req.method != "GET" {
                return error(405, "Unsupported HTTP method for this resource");
            }
            let status = if shutdown { "SHUTDOWN" } else { "OPERATING" };
            return Response::json(200, &json!({"gatewayVersion": GATEWAY_VERSION, "status": status}));
        }
        let ["api", "rest", "version", version, "merchant", merchant, rest @ ..] = parts.as_slice() else {
            return error(404, "Unsupported resource");
        };
        let version = match version.parse::<u32>() {
            Ok(v) if SUPPORTED_VERSIONS.contains(&v) => v,
            _ => return error(404, &format!("Unsupported value for 'version = {version}'")),
        };
        let authenticated = match self.authenticate(req, peer, merchant) {
            Some(m) => m,
            None => return error(401, "Invalid credentials."),
        };
        if authenticated != *merchant {
            return error(400, "Authenticated entity not authorised to perform operation for target entity");
        }
        let body = if matches!(req.method.as_str(), "GET" | "DELETE")
            || req.body.iter().all(u8::is_ascii_whitespace)
        {
            Value::Object(Map::new())
        } else {
            match serde_json::from_slice::<Value>(&req.body) {
                Ok(v @ Value::Object(_)) => v,
                Ok(_) => return error(400, "Request body must be a JSON object"),
                Err(e) => return error(400, &format!("Unable to parse the request body as JSON: {e}")),
            }
        };
        match (req.method.as_str(), rest) {
            ("POST", ["session"]) => self.create_session(merchant, version, body),
            ("PUT", ["session", id]) => self.update_session(merchant, version, id, body),
            ("GET", ["session", id]) => self.retrieve_session(merchant, version, id),
            ("POST", ["token"]) => self.create_token(merchant, version, body),
            ("GET", ["token", id]) => self.retrieve_token(merchant, id),
            ("DELETE", ["token", id]) => self.delete_token(merchant, id),
            (_, ["session"] | ["session", _] | ["token"] | ["token", _]) => {
                error(405, "Unsupported HTTP method for this resource")
            }
            _ => error(404, "Unsupported resource"),
        }
    }

    fn authenticate(&self, req: &Request, peer: &Peer, url_merchant: &str) -> Option<String> {
        if let Some(auth) = req.header("authorization") {
            let encoded = auth.strip_prefix("Basic ").or_else(|| auth.strip_prefix("basic "))?;
            let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
            let decoded = String::from_utf8(decoded).ok()?;
            let (user, password) = decoded.split_once(':')?;
            let id = user.strip_prefix("merchant.")?;
            if let Some(twin) = self.test_live_twin(id, password) {
                // The gateway authenticates the credentials' own merchant and then refuses the
                // other one ("not authorised … for target entity"): a TEST/live mix-up.
                return Some(twin);
            }
            return (self.behaviour.merchants.get(id)? == password).then(|| id.to_owned());
        }
        (peer.client_cert == Some(true) && self.behaviour.cert_merchants.contains(url_merchant))
            .then(|| url_merchant.to_owned())
    }

    /// For an unknown merchant `id`, its TEST/live counterpart (`TESTX` for `X`, `X` for
    /// `TESTX`) when that merchant is known and `password` is its password.
    fn test_live_twin(&self, id: &str, password: &str) -> Option<String> {
        if self.behaviour.merchants.contains_key(id) {
            return None;
        }
        let twin = match id.strip_prefix("TEST") {
            Some(live) => live.to_owned(),
            None => format!("TEST{id}"),
        };
        (self.behaviour.merchants.get(&twin).map(String::as_str) == Some(password)).then_some(twin)
    }

    fn create_session(&self, merchant: &str, version: u32, body: Value) -> Response {
        // The spec's integers have no fractional part: `5.0` as the gateway reads it is refused
        // (the client sends a whole float as an integer).
        if lookup(&body, "session.authenticationLimit").is_some_and(|v| v.is_f64()) {
            return field_error(
                "session.authenticationLimit",
                ValidationType::Invalid,
                "Value is invalid: a whole number with no fractional part is expected (session.authenticationLimit)",
            );
        }
        let body = match validate::prepare_at(Operation::CreateSession, version, ValidationLevel::Auto, body)
        {
            Ok(b) => b,
            Err(e) => return validation_answer(e),
        };
        let id = format!("SESSION{}E{}K{}", random_digits(13), random_digits(7), random_digits(2));
        let prefix: String = random_bytes::<4>().iter().map(|b| format!("{b:02x}")).collect();
        let key = base64::engine::general_purpose::STANDARD.encode(random_bytes::<32>());
        let stored = StoredSession {
            merchant: merchant.to_owned(),
            version_prefix: prefix,
            updates: 1,
            update_status: "NO_UPDATE",
            authentication_limit: lookup(&body, "session.authenticationLimit")
                .and_then(Value::as_u64)
                .unwrap_or(DEFAULT_AUTHENTICATION_LIMIT),
            source_of_funds: Value::Object(Map::new()),
            other: Map::new(),
        };
        let mut answer = json!({
            "merchant": merchant,
            "result": "SUCCESS",
            "session": {
                "aes256Key": key,
                "authenticationLimit": stored.authentication_limit,
                "id": id,
                "updateStatus": stored.update_status,
                "version": stored.version(),
            },
        });
        if let Some(c) = body.get("correlationId") {
            answer["correlationId"] = c.clone();
        }
        lock(&self.sessions).insert(id, stored);
        Response::json(201, &answer)
    }

    fn update_session(&self, merchant: &str, version: u32, id: &str, body: Value) -> Response {
        if let Err(e) = validate::check_url_parameter(&mpgs::rules::SESSION_ID, id) {
            return validation_answer(e);
        }
        // The client's rules for Update Session (`mpgs::rules::update_session`): the fields the
        // documented tables know (`sourceOfFunds.*` as in Create or Update Token, `session.*`)
        // in full at 58, known fields only at another version; any other field is stored as it
        // came. Dotted names are stored in the nested shape, as the token request reads them.
        let body = match validate::prepare_at(Operation::UpdateSession, version, ValidationLevel::Auto, body)
        {
            Ok(b) => b,
            Err(e) => return validation_answer(e),
        };
        let mut sessions = lock(&self.sessions);
        let Some(session) = sessions.get_mut(id).filter(|s| s.merchant == merchant) else {
            return invalid("session.id", "Session not found");
        };
        if let Some(v) = s(&body, "session.version") {
            if v != session.version() {
                return invalid("session.version", "Session version does not match");
            }
        }
        if let Some(sof) = body.get("sourceOfFunds") {
            merge(&mut session.source_of_funds, sof);
        }
        for (k, v) in body.as_object().into_iter().flatten() {
            if !matches!(k.as_str(), "sourceOfFunds" | "session" | "correlationId") {
                let slot = session.other.entry(k.clone()).or_insert(Value::Null);
                merge(slot, v);
            }
        }
        session.updates += 1;
        session.update_status = "SUCCESS";
        let mut answer = session_view(id, session);
        if let Some(c) = body.get("correlationId") {
            answer["correlationId"] = c.clone();
        }
        Response::json(200, &answer)
    }

    fn retrieve_session(&self, merchant: &str, version: u32, id: &str) -> Response {
        if let Err(e) = validate::check_url_parameter(&mpgs::rules::SESSION_ID, id) {
            return validation_answer(e);
        }
        let sessions = lock(&self.sessions);
        match sessions.get(id).filter(|s| s.merchant == merchant) {
            Some(session) => {
                // "Session: Retrieve Session" v58: the stored fields, plus `version` (the API's).
                let mut view = session_view(id, session);
                view["version"] = json!(version.to_string());
                Response::json(200, &view)
            }
            None => invalid("session.id", "Session not found"),
        }
    }

    /// Retrieve Token: the answer that stored the token. An unknown (or deleted) token is a 400
    /// `INVALID_REQUEST` whose explanation names the token: the sandbox's reading, as neither a
    /// captured body nor the reference shows the gateway's.
    fn retrieve_token(&self, merchant: &str, id: &str) -> Response {
        if let Err(e) = validate::check_url_parameter(&mpgs::rules::TOKEN_ID, id) {
            return validation_answer(e);
        }
        match lock(&self.tokens).get(id).filter(|t| t.merchant == merchant) {
            Some(t) => Response::json(200, &t.answer),
            None => unknown_token(id),
        }
    }

    /// Delete Token: the token is then unknown (Retrieve Token, Create Token with it, a second
    /// Delete Token: a 400 naming it). `{"result": "SUCCESS"}`, HTTP 200.
    fn delete_token(&self, merchant: &str, id: &str) -> Response {
        if let Err(e) = validate::check_url_parameter(&mpgs::rules::TOKEN_ID, id) {
            return validation_answer(e);
        }
        let mut tokens = lock(&self.tokens);
        let mine = matches!(tokens.get(id), Some(t) if t.merchant == merchant);
        if !mine {
            return unknown_token(id);
        }
        tokens.remove(id);
        lock(&self.by_instrument).retain(|_, t| t != id);
        Response::json(200, &json!({"result": "SUCCESS"}))
    }
}

/// `gatewayVersion` of Check Gateway's answer (ASCII; the gateway's look like `22.8.0.2-1R`).
pub const GATEWAY_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "-sandbox");

/// The answer for a token this merchant does not have (never made, or deleted).
fn unknown_token(id: &str) -> Response {
    error(400, &format!("Token '{id}' is not a token of this merchant: it was never made or was deleted"))
}

/// The answer to a body the rules refuse: the first problem, as a field error worded by the
/// spec's description of its validation type.
fn validation_answer(e: Error) -> Response {
    let Some(f) = e.field_errors().first() else {
        return error(400, answers::INVALID_REQUEST);
    };
    let vt = match f.validation_type {
        mpgs::ValidationType::Missing => ValidationType::Missing,
        mpgs::ValidationType::Unsupported => ValidationType::Unsupported,
        _ => ValidationType::Invalid,
    };
    field_error(&f.field, vt, &format!("{} ({})", vt.description(), f.field))
}

fn session_view(id: &str, session: &StoredSession) -> Value {
    let mut view = Value::Object(session.other.clone());
    merge(
        &mut view,
        &json!({
            "merchant": session.merchant,
            "session": {"id": id, "updateStatus": session.update_status, "version": session.version(),
                        "authenticationLimit": session.authentication_limit},
        }),
    );
    if let Some(card) = lookup(&session.source_of_funds, "provided.card") {
        let mut masked = card.clone();
        if let Some(n) = s(card, "number") {
            masked["number"] = json!(mask(n));
        }
        if card.get("securityCode").is_some() {
            masked["securityCode"] = json!("xxx");
        }
        view["sourceOfFunds"] = json!({"provided": {"card": masked}});
    }
    view
}
