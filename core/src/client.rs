//! The client: checked settings, the retry policy, and decoding into typed results.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use zeroize::Zeroizing;

use crate::answer::{self, Head, Reading};
use crate::config::ClientBuilder;
use crate::error::{Error, Result, TransportKind};
use crate::model::gateway::GatewayInformation;
use crate::model::session::{CreateSessionRequest, Session, UpdateSessionRequest};
use crate::model::token::{CreateTokenRequest, DeleteTokenResult, Token};
use crate::model::ResponseMeta;
use crate::observe::{CallEvent, Observer};
use crate::operation::Operation;
use crate::rules::Sensitivity;
use crate::secret::{mask_digit_runs, zeroize_json, SecretString};
use crate::transport::{Failure, Transport};
use crate::validate::{self, ValidationLevel};

const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(5);

/// A gateway client. Cheap to clone; safe to share between threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Settings>,
    /// When the calls made through this handle started, if before they reach the client (see
    /// [`Client::queued_since`]); `None`: each call starts when it is made.
    started: Option<Instant>,
}

/// Everything a client keeps: the transport and the checked settings.
pub(crate) struct Settings {
    pub(crate) transport: Transport,
    pub(crate) base_url: String,
    pub(crate) merchant_id: String,
    pub(crate) authorization: Option<SecretString>,
    /// Credentials that an answer might echo (an error page reflecting request headers):
    /// hidden wherever they appear in a message.
    pub(crate) credentials: Vec<SecretString>,
    pub(crate) user_agent: String,
    pub(crate) session_api_version: u32,
    pub(crate) token_api_version: u32,
    pub(crate) validation_level: ValidationLevel,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) max_response_bytes: u64,
    pub(crate) certificate_auth: bool,
    /// The user's word that the token repository is "Unique Card" (see [`crate::RepeatRule`]).
    pub(crate) token_repository_unique_card: bool,
    /// The `on_call` hook, if set.
    pub(crate) observer: Option<Observer>,
    /// `notAfter` of the client certificate (the leaf), with certificate authentication.
    pub(crate) client_certificate_not_after: Option<std::time::SystemTime>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("merchant_id", &self.inner.merchant_id)
            .field("base_url", &self.inner.base_url)
            .field("auth", &if self.inner.certificate_auth { "certificate" } else { "password" })
            .finish_non_exhaustive()
    }
}

/// A request ready to send, and the values no answer may show.
struct Prepared {
    request: Zeroizing<Vec<u8>>,
    secrets: Vec<Zeroizing<String>>,
    /// The operation's repeat rule allows this request to be sent again after a reused
    /// connection closed under it.
    may_repeat: bool,
}

/// Whether a failed attempt may be made again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resend {
    /// Nothing of the request was written: safe, after a backoff.
    NotSent,
    /// A reused connection closed under it before any answer byte: at once, on a new
    /// connection, when the operation's repeat rule allows it.
    IfRepeatable,
    /// Never.
    No,
}

/// A successful exchange before it is decoded into a result.
struct Answer {
    json: Value,
    meta: ResponseMeta,
}

impl Client {
    pub(crate) fn new(settings: Settings) -> Self {
        Self { inner: Arc::new(settings), started: None }
    }

    /// The same client, for one call that was made at `started` and waited its turn (in a
    /// binding's queue, such as Python's `AsyncClient`): its timeout counts from `started`, so
    /// the wait is part of it.
    #[doc(hidden)]
    pub fn queued_since(&self, started: Instant) -> Client {
        Client { inner: Arc::clone(&self.inner), started: Some(started) }
    }

    /// Starts configuring a client for a merchant.
    pub fn builder(merchant_id: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(merchant_id)
    }

    /// When the client certificate (the leaf of the chain configured) expires: its `notAfter`,
    /// so that a till can warn before the gateway starts refusing it. `None` with password
    /// authentication, or when the certificate's validity cannot be read.
    pub fn client_certificate_expiry(&self) -> Option<std::time::SystemTime> {
        self.inner.client_certificate_not_after
    }

    /// The merchant id.
    pub fn merchant_id(&self) -> &str {
        &self.inner.merchant_id
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The API version used for `op`: the token version for the token operations, the session
    /// version for the session operations and Check Gateway.
    pub fn api_version(&self, op: Operation) -> u32 {
        if op.is_token_operation() {
            self.inner.token_api_version
        } else {
            self.inner.session_api_version
        }
    }

    /// How strictly requests are checked before they are sent, as set (`Auto` unresolved; see
    /// [`ValidationLevel::resolve`] for the level in force at an operation's version).
    pub fn validation_level(&self) -> ValidationLevel {
        self.inner.validation_level
    }

    /// The request path of `op` (`/api/rest/version/58/merchant/TESTMERCHANT/session`), after
    /// the base URL's own path: what the client logs, and what bindings log. For an operation
    /// with a URL parameter, the parameter's name stands in for it
    /// (`…/session/{sessionId}`); Check Gateway's path names no merchant
    /// (`/api/rest/version/58/information`).
    pub fn path(&self, op: Operation) -> String {
        let id = op.url_parameter().map(|r| format!("{{{}}}", r.path));
        self.path_with(op, id.as_deref())
    }

    fn path_with(&self, op: Operation, id: Option<&str>) -> String {
        let mut path = format!("/api/rest/version/{}", self.api_version(op));
        if op.has_merchant() {
            path.push_str("/merchant/");
            path.push_str(&self.inner.merchant_id);
        }
        path.push('/');
        path.push_str(op.resource());
        if let Some(id) = id {
            path.push('/');
            path.push_str(id);
        }
        path
    }

    /// The path of one call: its URL parameter checked ([`validate::check_url_parameter`]) before
    /// it goes in, never encoded.
    fn request_path(&self, op: Operation, id: Option<&str>) -> Result<String> {
        match (op.url_parameter(), id) {
            (Some(rule), id) => {
                let id = id.unwrap_or_default();
                validate::check_url_parameter(rule, id)?;
                Ok(self.path_with(op, Some(id)))
            }
            (None, _) => Ok(self.path_with(op, None)),
        }
    }

    /// Create Session from a typed request.
    pub fn create_session(&self, req: &CreateSessionRequest) -> Result<Session> {
        self.create_session_json(req.to_json())
    }

    /// Create Session from JSON in the nested or the dotted form (`{}` or `null` for none).
    pub fn create_session_json(&self, body: Value) -> Result<Session> {
        let body = if body.is_null() { Value::Object(Default::default()) } else { body };
        let answer = self.execute(Operation::CreateSession, None, body)?;
        Ok(Session::from_json(answer.json, answer.meta))
    }

    /// Create or Update Token from a typed request.
    pub fn create_token(&self, req: &CreateTokenRequest) -> Result<Token> {
        self.create_token_json(req.expose_json())
    }

    /// Create or Update Token from JSON in the nested or the dotted form.
    pub fn create_token_json(&self, body: Value) -> Result<Token> {
        let answer = self.execute(Operation::CreateToken, None, body)?;
        Ok(Token::from_json(answer.json, answer.meta))
    }

    /// Retrieve Session ("Session: Retrieve Session", REST JSON version 58): everything stored
    /// in the session, card details masked by the gateway. `session_id` is checked (ASCII, 31-35
    /// characters, nothing that could change the path) before anything is sent. Safe to repeat.
    pub fn retrieve_session(&self, session_id: &str) -> Result<Session> {
        let answer = self.execute(Operation::RetrieveSession, Some(session_id), Value::Null)?;
        Ok(Session::from_json(answer.json, answer.meta))
    }

    /// Update Session ("Session: Update Session", REST JSON version 58) from a typed request.
    pub fn update_session(&self, session_id: &str, req: &UpdateSessionRequest) -> Result<Session> {
        self.update_session_json(session_id, req.expose_json())
    }

    /// Update Session from JSON in the nested or the dotted form: the fields to store. The
    /// fields whose rules the crate knows (`sourceOfFunds.*` as in Create or Update Token,
    /// `session.*`, `correlationId`) are checked as the validation level says; any other field
    /// a session may hold passes unchecked ([`crate::rules::update_session`]). Not repeated
    /// blindly: an update may have been applied.
    pub fn update_session_json(&self, session_id: &str, body: Value) -> Result<Session> {
        let body = if body.is_null() { Value::Object(Default::default()) } else { body };
        let answer = self.execute(Operation::UpdateSession, Some(session_id), body)?;
        Ok(Session::from_json(answer.json, answer.meta))
    }

    /// Retrieve Token ("Tokenization: Retrieve Token"): the details stored against `token`,
    /// decoded as a Create or Update Token answer, card number masked. `token` is checked (1-40
    /// of `0-9 a-z A-Z`) before anything is sent. Safe to repeat.
    pub fn retrieve_token(&self, token: &str) -> Result<Token> {
        let answer = self.execute(Operation::RetrieveToken, Some(token), Value::Null)?;
        Ok(Token::from_json(answer.json, answer.meta))
    }

    /// Delete Token ("Tokenization: Delete Token"): removes `token` (checked as for
    /// [`Client::retrieve_token`]). Safe to repeat: a second delete finds the token unknown.
    pub fn delete_token(&self, token: &str) -> Result<DeleteTokenResult> {
        let answer = self.execute(Operation::DeleteToken, Some(token), Value::Null)?;
        Ok(DeleteTokenResult::from_json(answer.json, answer.meta))
    }

    /// Check Gateway ("Check Gateway"): whether the gateway is reachable and takes requests, at
    /// the session API version. It needs no authentication and the client sends none: no
    /// `Authorization` header (with certificate authentication, the TLS connection the client
    /// shares between its calls has presented the certificate at its handshake). So it proves
    /// nothing about the credentials; an authenticated call such as Retrieve Token does.
    pub fn check_gateway(&self) -> Result<GatewayInformation> {
        let answer = self.execute(Operation::CheckGateway, None, Value::Null)?;
        Ok(GatewayInformation::from_json(answer.json, answer.meta))
    }

    /// Warm-up: opens a connection to the gateway (TCP, the proxy tunnel if any, the TLS
    /// handshake) and keeps it idle for the next call, so that this call does not pay those
    /// round trips; does nothing if an idle connection is already fit for reuse. No request is
    /// sent. The connection is kept as any idle one: until the server has said how long it
    /// keeps connections (`Keep-Alive: timeout`, in its first answer), 15 s, so call it when a
    /// call is near (a till's payment screen opening). Bounded by the client's timeout; a
    /// failure is the transport error a call would have met (`Connect`, `Tls` or `Timeout`; nothing
    /// sent).
    pub fn connect(&self) -> Result<()> {
        let deadline = self.started.unwrap_or_else(Instant::now) + self.inner.timeout;
        self.inner.transport.warm(deadline).map_err(failure_error)
    }

    /// The whole HTTP request, head and body (for the operations that have one), ready to write
    /// once. The `Authorization` header only for the operations that send credentials.
    fn request_bytes(&self, op: Operation, path: &str, body: Option<&[u8]>) -> Zeroizing<Vec<u8>> {
        let t = self.inner.transport.target();
        let mut head = Zeroizing::new(format!(
            "{} {}{path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: application/json\r\n\
             Accept-Encoding: identity\r\n",
            op.method(),
            t.prefix,
            t.authority,
            self.inner.user_agent,
        ));
        if let Some(body) = body {
            head.push_str("Content-Type: application/json;charset=UTF-8\r\n");
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        if let Some(auth) = self.inner.authorization.as_ref().filter(|_| op.sends_credentials()) {
            head.push_str("Authorization: ");
            head.push_str(auth.expose());
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let body = body.unwrap_or_default();
        let mut bytes = Zeroizing::new(Vec::with_capacity(head.len() + body.len()));
        bytes.extend_from_slice(head.as_bytes());
        bytes.extend_from_slice(body);
        bytes
    }

    /// [`Client::send`], then one event for the `on_call` hook (when one is set) with how the
    /// call ended: refused before sending included.
    fn execute(&self, op: Operation, id: Option<&str>, body: Value) -> Result<Answer> {
        let Some(observer) = &self.inner.observer else { return self.send(op, id, body) };
        let begun = self.started.unwrap_or_else(Instant::now);
        let result = self.send(op, id, body);
        let path = match self.request_path(op, id) {
            Ok(path) => shown_path(op, &path),
            Err(_) => self.path(op),
        };
        let event = match &result {
            Ok(a) => CallEvent {
                operation: op,
                method: op.method(),
                path,
                api_version: self.api_version(op),
                http_status: Some(a.meta.http_status),
                attempts: a.meta.attempts,
                elapsed: begun.elapsed(),
                outcome_unknown: false,
                error_stage: None,
                error_kind: None,
            },
            Err(e) => CallEvent {
                operation: op,
                method: op.method(),
                path,
                api_version: self.api_version(op),
                http_status: e.http_status(),
                attempts: e.attempts(),
                elapsed: begun.elapsed(),
                outcome_unknown: e.outcome_unknown(),
                error_stage: Some(e.stage()),
                error_kind: Some(e.kind()),
            },
        };
        observer.notify(&event);
        result
    }

    /// Validates, then sends until the gateway answers, the retry policy says stop, or the
    /// deadline comes. Retried: a request that provably never left (the connection, the proxy
    /// tunnel or the TLS set-up failed before any byte of it was written; not a proxy's 4xx,
    /// which is final), and the gateway's own `SERVER_BUSY` answer. Repeated at once on a new
    /// connection: a request whose reused connection closed before any answer byte, when the
    /// operation's [`crate::RepeatRule`] says a repeat is harmless. Nothing else, ever.
    fn send(&self, op: Operation, id: Option<&str>, body: Value) -> Result<Answer> {
        let version = self.api_version(op);
        let path = self.request_path(op, id)?;
        let shown = shown_path(op, &path);
        let Prepared { request, secrets, may_repeat } = self.prepare(op, version, &path, body)?;
        let start = self.started.unwrap_or_else(Instant::now);
        let deadline = start + self.inner.timeout;
        let mut attempt = 0u32;
        let mut reuse = true;
        // Set once an attempt may have reached the gateway and the call went on (a repeat):
        // whatever the later attempts say, the call's outcome is then unknown unless answered.
        let mut maybe_processed = false;
        loop {
            attempt += 1;
            let (reading, resend) = self.attempt(&request, deadline, &secrets, reuse);
            let elapsed = start.elapsed();
            log_attempt(op.method(), &shown, &reading, elapsed, attempt);
            let (retryable, retry_after, repeat) = match (&reading, resend) {
                (Reading::Answered { .. }, _) => (false, None, false),
                (Reading::Busy { retry_after, .. }, _) => (true, *retry_after, false),
                (Reading::Failed(_), Resend::NotSent) => (true, None, false),
                (Reading::Failed(_), Resend::IfRepeatable) => (may_repeat, None, true),
                (Reading::Failed(_), Resend::No) => (false, None, false),
            };
            if retryable && attempt <= self.inner.max_retries {
                // A repeat goes out at once: the connection was stale, the gateway not busy.
                let wait = if repeat {
                    Duration::ZERO
                } else {
                    backoff(attempt).max(retry_after.unwrap_or_default())
                };
                if Instant::now() + wait < deadline {
                    if repeat {
                        log::warn!("{} {shown}: a reused connection closed under the request; sending it again on a new connection", op.method());
                    } else {
                        log::warn!("{} {shown}: retrying in {} ms", op.method(), wait.as_millis());
                    }
                    std::thread::sleep(wait);
                    reuse = !repeat;
                    maybe_processed |= repeat;
                    continue;
                }
            }
            return match reading {
                Reading::Answered { status, json } => Ok(Answer {
                    json,
                    meta: ResponseMeta {
                        http_status: status,
                        api_version: version,
                        elapsed,
                        attempts: attempt,
                    },
                }),
                Reading::Busy { error, .. } | Reading::Failed(error) => {
                    Err(with_attempts(error, attempt, maybe_processed))
                }
            };
        }
    }

    /// Validates the body and serializes the whole request; returns it with the values an answer
    /// must never show (the request's secret fields and the credentials).
    fn prepare(&self, op: Operation, version: u32, path: &str, body: Value) -> Result<Prepared> {
        if !op.has_body() {
            let secrets =
                self.inner.credentials.iter().map(|c| Zeroizing::new(c.expose().to_owned())).collect();
            let may_repeat = op.may_repeat(self.inner.token_repository_unique_card, &Value::Null);
            return Ok(Prepared { request: self.request_bytes(op, path, None), secrets, may_repeat });
        }
        let mut body = validate::prepare_at(op, version, self.inner.validation_level, body)?;
        let may_repeat = op.may_repeat(self.inner.token_repository_unique_card, &body);
        let mut secrets = secret_values(op, &body);
        secrets.extend(self.inner.credentials.iter().map(|c| Zeroizing::new(c.expose().to_owned())));
        let bytes = Zeroizing::new(serde_json::to_vec(&body).unwrap_or_default());
        zeroize_json(&mut body);
        Ok(Prepared { request: self.request_bytes(op, path, Some(&bytes)), secrets, may_repeat })
    }

    /// One exchange (on an idle connection if `reuse` and one is fit, else a new one), read into
    /// an answer, a busy gateway or a failure, and whether a failure may be sent again.
    fn attempt(
        &self,
        request: &[u8],
        deadline: Instant,
        secrets: &[Zeroizing<String>],
        reuse: bool,
    ) -> (Reading, Resend) {
        let known: Vec<&str> = secrets.iter().map(|s| s.as_str()).collect();
        let reading =
            match self.inner.transport.exchange(request, deadline, self.inner.max_response_bytes, reuse) {
                Ok(r) => {
                    let head = Head {
                        status: r.status,
                        content_type: &r.content_type,
                        location: r.location.as_deref(),
                        retry_after: r.retry_after.as_deref(),
                    };
                    answer::read(&head, &r.body, &known)
                }
                Err(f) => {
                    let resend = resend(&f);
                    // A transport message may quote a peer (a proxy's refusal): the same secrets hidden.
                    return (Reading::Failed(answer::redact_message(failure_error(f), &known)), resend);
                }
            };
        (reading, Resend::No)
    }
}

/// The path as logs and call events show it: a token id in it masked like a card number when it
/// could be one (a token may keep a card's first 6 and last 4 digits); a session id as it is (it
/// is 31 to 35 characters, so a card number cannot be one, while a real id's digit run may pass
/// the Luhn check by chance and must not be masked).
fn shown_path(op: Operation, path: &str) -> String {
    match op.url_parameter() {
        Some(_) if op.is_token_operation() => mask_digit_runs(path),
        _ => path.to_owned(),
    }
}

/// Method, path, outcome, time and attempt: never a body, never a header.
fn log_attempt(method: &str, path: &str, reading: &Reading, elapsed: Duration, attempt: u32) {
    let ms = elapsed.as_millis();
    match reading {
        Reading::Answered { status, .. } => {
            log::debug!("{method} {path} -> {status} in {ms} ms (attempt {attempt})")
        }
        Reading::Busy { .. } => log::debug!("{method} {path} -> server busy in {ms} ms (attempt {attempt})"),
        Reading::Failed(e) => {
            log::debug!("{method} {path} -> {:?} after {ms} ms (attempt {attempt})", e.kind())
        }
    }
}

/// Whether a failed attempt may be made again: a connect failure before any byte of the request
/// was written (not a TLS refusal, which a retry cannot fix, nor a proxy's 4xx, which is final);
/// a reused connection closed before any answer byte, when the repeat rule allows.
fn resend(f: &Failure) -> Resend {
    match f {
        Failure::NotSent { tls: false, .. } => Resend::NotSent,
        Failure::ReusedClosed { .. } => Resend::IfRepeatable,
        _ => Resend::No,
    }
}

/// The values of the request's secret fields, to hide wherever an answer quotes them.
fn secret_values(op: Operation, body: &Value) -> Vec<Zeroizing<String>> {
    op.rules()
        .iter()
        .filter(|r| r.sensitivity == Sensitivity::Secret)
        .filter_map(|r| validate::lookup(body, r.path).and_then(Value::as_str))
        .map(|s| Zeroizing::new(s.to_owned()))
        .collect()
}

/// What the transport's failure means to the caller: nothing sent, or the outcome unknown.
fn failure_error(f: Failure) -> Error {
    let transport = |kind, outcome_unknown, message: String| Error::Transport {
        kind,
        outcome_unknown,
        message,
        attempts: 1,
    };
    match f {
        Failure::Expired => {
            transport(TransportKind::Timeout, false, "the call's timeout ran out before it was sent".into())
        }
        Failure::ProxyRefused { message } => transport(TransportKind::Connect, false, message),
        Failure::ReusedClosed { message } => transport(TransportKind::Io, true, message),
        Failure::NotSent { tls: true, message, .. } => transport(TransportKind::Tls, false, message),
        Failure::NotSent { message, .. } => transport(TransportKind::Connect, false, message),
        Failure::Unanswered { timed_out: true, message, .. } => {
            transport(TransportKind::Timeout, true, message)
        }
        Failure::Unanswered { tls: true, message, .. } => transport(TransportKind::Tls, true, message),
        Failure::Unanswered { message, .. } => transport(TransportKind::Io, true, message),
        Failure::BodyLost { timed_out: true, message, .. } => {
            transport(TransportKind::Timeout, true, message)
        }
        Failure::BodyLost { status, message, .. } => Error::Decode {
            http_status: status,
            message,
            outcome_unknown: answer::unknown_if_unreadable(status),
            attempts: 1,
        },
        Failure::TooLarge { status, cap } => Error::Decode {
            http_status: status,
            message: format!("the answer is larger than the {cap}-byte cap; it was not read"),
            outcome_unknown: answer::unknown_if_unreadable(status),
            attempts: 1,
        },
    }
}

/// The call's error: its attempt count, and its outcome unknown when an earlier attempt may have
/// reached the gateway (`maybe_processed`), whatever the last attempt says.
fn with_attempts(mut e: Error, n: u32, maybe_processed: bool) -> Error {
    match &mut e {
        Error::Gateway(g) => {
            g.attempts = n;
            g.outcome_unknown |= maybe_processed;
        }
        Error::Transport { attempts, outcome_unknown, message, .. }
        | Error::Decode { attempts, outcome_unknown, message, .. } => {
            *attempts = n;
            if maybe_processed && !*outcome_unknown {
                *outcome_unknown = true;
                message.push_str(&format!(" ({})", crate::error::EARLIER_ATTEMPT));
            }
        }
        _ => {}
    }
    e
}

/// Exponential backoff with jitter: a random wait in [d/2, d], d = 200 ms × 2^(n-1), at most 5 s.
fn backoff(attempt: u32) -> Duration {
    let d = BACKOFF_BASE.saturating_mul(1 << attempt.saturating_sub(1).min(16)).min(BACKOFF_CAP);
    let mut b = [0u8; 2];
    let r = if getrandom::fill(&mut b).is_ok() { u16::from_le_bytes(b) } else { 0 };
    let half = d / 2;
    half + half.mul_f64(f64::from(r) / f64::from(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_stays_under_the_cap() {
        for n in 1..20 {
            let d = backoff(n);
            let full = BACKOFF_BASE.saturating_mul(1 << (n - 1).min(16)).min(BACKOFF_CAP);
            assert!(d >= full / 2 && d <= full, "attempt {n}: {d:?}");
        }
    }

    #[test]
    fn a_retry_after_beyond_30_s_is_capped_at_30_s() {
        let busy = br#"{"error":{"cause":"SERVER_BUSY","explanation":"busy"},"result":"ERROR"}"#;
        let wait = |retry_after: &str| {
            let h = Head {
                status: 503,
                content_type: "application/json",
                location: None,
                retry_after: Some(retry_after),
            };
            match answer::read(&h, busy, &[]) {
                Reading::Busy { retry_after, .. } => retry_after,
                _ => panic!("not busy"),
            }
        };
        assert_eq!(wait("3600"), Some(Duration::from_secs(30)));
        assert_eq!(wait("31"), Some(Duration::from_secs(30)));
        assert_eq!(wait("30"), Some(Duration::from_secs(30)));
        assert_eq!(wait("2"), Some(Duration::from_secs(2)));
    }

    #[test]
    fn only_failures_before_writing_are_retried() {
        let f = Failure::NotSent { tls: false, message: "refused".into() };
        assert_eq!(resend(&f), Resend::NotSent);
        assert!(!failure_error(f).outcome_unknown());
        let f = Failure::NotSent { tls: true, message: "bad cert".into() };
        assert_eq!(resend(&f), Resend::No);
        assert!(!failure_error(f).outcome_unknown());
        let f = Failure::ProxyRefused { message: "407".into() };
        assert_eq!(resend(&f), Resend::No, "a proxy's 4xx is final");
        assert!(!failure_error(f).outcome_unknown());
        let f = Failure::ReusedClosed { message: "closed".into() };
        assert_eq!(resend(&f), Resend::IfRepeatable);
        assert!(failure_error(f).outcome_unknown(), "unknown unless repeated");
        for f in [
            Failure::Unanswered { tls: true, timed_out: false, message: "alert after writing".into() },
            Failure::Unanswered { tls: false, timed_out: false, message: "reset".into() },
            Failure::Unanswered { tls: false, timed_out: true, message: "slow".into() },
        ] {
            assert_eq!(resend(&f), Resend::No);
            let e = failure_error(f);
            assert!(e.outcome_unknown(), "{e}");
        }
        let lost = failure_error(Failure::BodyLost { status: 201, timed_out: false, message: "cut".into() });
        assert!(matches!(lost, Error::Decode { outcome_unknown: true, .. }));
        let big = failure_error(Failure::TooLarge { status: 400, cap: 1024 });
        assert!(matches!(big, Error::Decode { outcome_unknown: false, .. }));
        let cut_502 =
            failure_error(Failure::BodyLost { status: 502, timed_out: false, message: "cut".into() });
        assert!(matches!(cut_502, Error::Decode { outcome_unknown: true, .. }), "a 5xx page cut short");
        let late = failure_error(Failure::Expired);
        assert!(late.kind() == crate::ErrorKind::Timeout && !late.outcome_unknown());
    }

    #[test]
    fn the_proxy_credentials_are_hidden_in_messages_in_every_encoding() {
        use base64::Engine as _;
        let client = Client::builder("TESTMERCHANT")
            .password("api-Pa55word")
            .base_url("https://127.0.0.1:1")
            .proxy("http://proxy.user:pr%2Fxy%3Fs3cret@127.0.0.1:3128")
            .build()
            .unwrap();
        let known: Vec<&str> = client.inner.credentials.iter().map(SecretString::expose).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode("proxy.user:pr/xy?s3cret");
        let api = base64::engine::general_purpose::STANDARD.encode("merchant.TESTMERCHANT:api-Pa55word");
        let page = format!(
            r#"{{"error":"denied","headers":{{"Proxy-Authorization":"Basic {}","Authorization":"Basic {}"}},"url":"http://proxy.user:pr%2Fxy%3Fs3cret@x","pw":"pr\/xy?s3cret"}}"#,
            b64.replace('/', "\\/"),
            api.replace('/', "\\/")
        );
        let e = Error::Transport {
            kind: TransportKind::Connect,
            outcome_unknown: false,
            message: format!("the proxy refused the tunnel: {page}"),
            attempts: 1,
        };
        let m = answer::redact_message(e, &known).to_string();
        for leak in ["s3cret", b64.trim_end_matches('='), &b64[..20], "Pa55word", &api[..20]] {
            assert!(!m.contains(leak), "{leak:?} in {m}");
        }
        assert!(m.contains("proxy.user"), "the user name is no secret: {m}");
    }
}
