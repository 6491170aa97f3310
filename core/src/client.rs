//! The HTTP client: one `ureq::Agent` on rustls, shared by threads.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;
use ureq::tls::{Certificate, ClientCert, PemItem, RootCerts, TlsConfig};

use crate::config::{Auth, ClientBuilder};
use crate::error::{Error, GatewayError, Result, TransportKind};
use crate::model::enums::{ErrorCause, ValidationType};
use crate::model::session::{CreateSessionRequest, Session};
use crate::model::token::{CreateTokenRequest, Token};
use crate::model::{text, ResponseMeta};
use crate::operation::Operation;
use crate::secret::{mask_digit_runs, zeroize_json, SecretString};
use crate::transport::ForkSafeAgent;
use crate::validate;

/// The longest `Retry-After` honoured, and the cap of the exponential backoff.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(5);

/// A gateway client. Cheap to clone; safe to share between threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    agent: ForkSafeAgent,
    base_url: String,
    merchant_id: String,
    authorization: Option<SecretString>,
    session_api_version: u32,
    token_api_version: u32,
    timeout: Duration,
    max_retries: u32,
    max_response_bytes: u64,
    certificate_auth: bool,
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

/// A successful exchange before it is decoded into a result.
struct Answer {
    json: Value,
    meta: ResponseMeta,
}

impl ClientBuilder {
    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client> {
        let base_url = self.checked_base_url()?;
        let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        for pem in &self.extra_ca_pem {
            let before = roots.len();
            for item in ureq::tls::parse_pem(pem) {
                match item {
                    Ok(PemItem::Certificate(c)) => roots.push(c),
                    Ok(_) => {}
                    Err(e) => return Err(Error::config(format!("CA certificates: not valid PEM ({e})"))),
                }
            }
            if roots.len() == before {
                return Err(Error::config("CA certificates: no certificate found in the PEM"));
            }
        }
        let mut authorization = None;
        let mut client_cert = None;
        match &self.auth {
            Some(Auth::Password(p)) => {
                let mut raw =
                    zeroize::Zeroizing::new(format!("merchant.{}:{}", self.merchant_id, p.expose()));
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw.as_bytes());
                zeroize::Zeroize::zeroize(&mut *raw);
                authorization = Some(SecretString::new(format!("Basic {encoded}")));
            }
            Some(Auth::Certificate { chain_pem, key_pem }) => {
                client_cert = Some(load_client_cert(chain_pem, key_pem)?);
            }
            None => unreachable!("checked_base_url requires credentials"),
        }
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::Specific(Arc::new(roots)))
            .client_cert(client_cert)
            .build();
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_connect(Some(self.connect_timeout))
            .timeout_global(Some(self.timeout))
            .max_idle_connections(self.max_idle_connections)
            .max_idle_connections_per_host(self.max_idle_connections)
            .user_agent(format!("mpgs/{} ({})", env!("CARGO_PKG_VERSION"), self.binding))
            .accept("application/json")
            .accept_encoding("identity")
            .max_response_header_size(64 * 1024)
            .build();
        Ok(Client {
            inner: Arc::new(Inner {
                agent: ForkSafeAgent::new(config),
                base_url,
                merchant_id: self.merchant_id,
                certificate_auth: authorization.is_none(),
                authorization,
                session_api_version: self.session_api_version,
                token_api_version: self.token_api_version,
                timeout: self.timeout,
                max_retries: self.max_retries,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

fn load_client_cert(chain_pem: &[u8], key_pem: &SecretString) -> Result<ClientCert> {
    let mut chain = Vec::new();
    for item in ureq::tls::parse_pem(chain_pem) {
        match item {
            Ok(PemItem::Certificate(c)) => chain.push(c),
            Ok(_) => {}
            Err(e) => return Err(Error::config(format!("client certificate: not valid PEM ({e})"))),
        }
    }
    if chain.is_empty() {
        return Err(Error::config("client certificate: no certificate found in the PEM"));
    }
    let key = ureq::tls::parse_pem(key_pem.expose().as_bytes())
        .find_map(|item| match item {
            Ok(PemItem::PrivateKey(k)) => Some(k),
            _ => None,
        })
        .ok_or_else(|| Error::config("client certificate: no private key found in the key PEM"))?;
    Ok(ClientCert::new_with_certs(&chain, key))
}

impl Client {
    /// Starts configuring a client for a merchant.
    pub fn builder(merchant_id: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(merchant_id)
    }

    /// The merchant id.
    pub fn merchant_id(&self) -> &str {
        &self.inner.merchant_id
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The API version used for `op`.
    pub fn api_version(&self, op: Operation) -> u32 {
        match op {
            Operation::CreateSession => self.inner.session_api_version,
            Operation::CreateToken => self.inner.token_api_version,
        }
    }

    /// Create Session from a typed request.
    pub fn create_session(&self, req: &CreateSessionRequest) -> Result<Session> {
        self.create_session_json(req.to_json())
    }

    /// Create Session from JSON in the nested or the dotted form (`{}` or `null` for none).
    pub fn create_session_json(&self, body: Value) -> Result<Session> {
        let body = if body.is_null() { Value::Object(Default::default()) } else { body };
        let answer = self.execute(Operation::CreateSession, body)?;
        Ok(Session::from_json(answer.json, answer.meta))
    }

    /// Create or Update Token from a typed request.
    pub fn create_token(&self, req: &CreateTokenRequest) -> Result<Token> {
        self.create_token_json(req.to_json())
    }

    /// Create or Update Token from JSON in the nested or the dotted form.
    pub fn create_token_json(&self, body: Value) -> Result<Token> {
        let answer = self.execute(Operation::CreateToken, body)?;
        Ok(Token::from_json(answer.json, answer.meta))
    }

    /// Validates, sends with retries, and decodes the answer of one operation.
    fn execute(&self, op: Operation, body: Value) -> Result<Answer> {
        let mut body = validate::prepare(op, body)?;
        let mut bytes = zeroize::Zeroizing::new(serde_json::to_vec(&body).unwrap_or_default());
        zeroize_json(&mut body);
        let version = self.api_version(op);
        let path =
            format!("/api/rest/version/{version}/merchant/{}/{}", self.inner.merchant_id, op.resource());
        let url = format!("{}{path}", self.inner.base_url);
        let start = Instant::now();
        let deadline = start + self.inner.timeout;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let outcome = self.attempt(&url, &bytes, deadline);
            let elapsed = start.elapsed();
            let retry_after = match &outcome {
                Attempt::Answered { status, .. } => {
                    log::debug!("POST {path} -> {status} in {} ms (attempt {attempt})", elapsed.as_millis());
                    None
                }
                Attempt::Failed(e) => {
                    log::debug!("POST {path} -> {e} after {} ms (attempt {attempt})", elapsed.as_millis());
                    None
                }
                Attempt::Busy { retry_after, .. } => {
                    log::debug!(
                        "POST {path} -> server busy in {} ms (attempt {attempt})",
                        elapsed.as_millis()
                    );
                    Some(*retry_after)
                }
            };
            let retryable = matches!(
                &outcome,
                Attempt::Busy { .. }
                    | Attempt::Failed(Error::Transport {
                        outcome_unknown: false,
                        kind: TransportKind::Connect,
                        ..
                    })
            );
            if retryable && attempt <= self.inner.max_retries {
                let wait = backoff(attempt).max(retry_after.flatten().unwrap_or_default());
                if Instant::now() + wait < deadline {
                    log::warn!("POST {path}: retrying in {} ms", wait.as_millis());
                    std::thread::sleep(wait);
                    continue;
                }
            }
            bytes.iter_mut().for_each(|b| *b = 0);
            let meta = |status| ResponseMeta {
                http_status: status,
                api_version: version,
                elapsed,
                attempts: attempt,
            };
            return match outcome {
                Attempt::Answered { status, json } => Ok(Answer { json, meta: meta(status) }),
                Attempt::Busy { error, .. } => Err(with_attempts(error, attempt)),
                Attempt::Failed(e) => Err(with_attempts(e, attempt)),
            };
        }
    }

    fn attempt(&self, url: &str, body: &[u8], deadline: Instant) -> Attempt {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Attempt::Failed(transport(TransportKind::Timeout, true, "the call's timeout ran out"));
        }
        let mut req =
            self.inner.agent.get().post(url).header("Content-Type", "application/json;charset=UTF-8");
        if let Some(auth) = &self.inner.authorization {
            req = req.header("Authorization", auth.expose());
        }
        let mut resp = match req.config().timeout_global(Some(remaining)).build().send(body) {
            Ok(r) => r,
            Err(e) => return Attempt::Failed(classify(e)),
        };
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER));
        let raw = match resp.body_mut().with_config().limit(self.inner.max_response_bytes).read_to_vec() {
            Ok(b) => b,
            Err(ureq::Error::BodyExceedsLimit(n)) => {
                return Attempt::Failed(Error::Decode {
                    http_status: status,
                    message: format!("the answer is larger than the {n}-byte cap; it was not read"),
                })
            }
            // The gateway answered (the status line came) but the body broke off: an answer that
            // cannot be decoded, not a lost request. A timeout stays a timeout.
            Err(e) => {
                return Attempt::Failed(match classify(e) {
                    Error::Transport { kind: TransportKind::Io, message, .. } => Error::Decode {
                        http_status: status,
                        message: format!("the answer broke off before its end: {message}"),
                    },
                    other => other,
                })
            }
        };
        interpret(status, &content_type, location.as_deref(), retry_after, &raw)
    }
}

/// Reads one answer: what the client makes of an HTTP status, a `Content-Type` and a body (a
/// gateway result, a gateway error, or an undecodable answer). Pure, so that tests and fuzzers can
/// feed it anything; the client calls the same code.
pub fn decode_answer(status: u16, content_type: &str, body: &[u8]) -> Result<Value> {
    match interpret(status, &content_type.to_ascii_lowercase(), None, None, body) {
        Attempt::Answered { json, .. } => Ok(json),
        Attempt::Busy { error, .. } | Attempt::Failed(error) => Err(error),
    }
}

fn interpret(
    status: u16,
    content_type: &str,
    location: Option<&str>,
    retry_after: Option<Duration>,
    raw: &[u8],
) -> Attempt {
    let text = decode_text(raw, content_type);
    if (300..400).contains(&status) {
        let to = location.map_or_else(|| "no Location".to_owned(), |l| format!("Location {}", snippet(l)));
        return Attempt::Failed(Error::Decode {
            http_status: status,
            message: format!("the gateway answered with a redirect ({to}); redirects are never followed: check the base URL"),
        });
    }
    let json: Option<Value> = serde_json::from_str(&text).ok().filter(Value::is_object);
    if (200..300).contains(&status) {
        return match json {
            Some(json) => Attempt::Answered { status, json },
            None => Attempt::Failed(Error::Decode {
                http_status: status,
                message: format!("the answer is not a JSON object: {}", snippet(&text)),
            }),
        };
    }
    let error = match json {
        Some(json) if json.get("error").is_some_and(Value::is_object) => gateway_error(status, json),
        _ => Error::Decode {
            http_status: status,
            message: format!("the answer is not the gateway's JSON: {}", snippet(&text)),
        },
    };
    let busy =
        status == 503 || matches!(&error, Error::Gateway(g) if g.cause == Some(ErrorCause::ServerBusy));
    if busy {
        Attempt::Busy { error, retry_after }
    } else {
        Attempt::Failed(error)
    }
}

enum Attempt {
    Answered { status: u16, json: Value },
    Busy { error: Error, retry_after: Option<Duration> },
    Failed(Error),
}

fn with_attempts(mut e: Error, n: u32) -> Error {
    match &mut e {
        Error::Gateway(g) => g.attempts = n,
        Error::Transport { attempts, .. } => *attempts = n,
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

fn transport(kind: TransportKind, outcome_unknown: bool, message: impl Into<String>) -> Error {
    Error::Transport { kind, outcome_unknown, message: message.into(), attempts: 1 }
}

/// Maps a ureq error to a stage. `outcome_unknown` is false only when the request cannot have
/// reached the gateway: it failed to connect, or the TLS handshake failed.
fn classify(e: ureq::Error) -> Error {
    use ureq::Error as U;
    match e {
        U::HostNotFound => transport(TransportKind::Connect, false, "host name not found"),
        U::ConnectionFailed => transport(TransportKind::Connect, false, "connection failed"),
        U::Timeout(t) => {
            let s = format!("{t:?}");
            match s.as_str() {
                "Resolve" | "Connect" => {
                    transport(TransportKind::Connect, false, format!("timed out connecting ({s})"))
                }
                _ => {
                    transport(TransportKind::Timeout, true, format!("timed out waiting for the answer ({s})"))
                }
            }
        }
        U::Rustls(e) => transport(TransportKind::Tls, false, format!("TLS: {e}")),
        U::Tls(e) => transport(TransportKind::Tls, false, format!("TLS: {e}")),
        U::Io(io) => classify_io(io),
        U::Protocol(p) => transport(TransportKind::Io, true, format!("the answer is not valid HTTP: {p}")),
        U::LargeResponseHeader(..) => {
            transport(TransportKind::Io, true, "the answer's headers are too large")
        }
        U::BadUri(u) => Error::config(format!("bad URL: {u}")),
        U::Http(h) => Error::config(format!("bad request: {h}")),
        other => transport(TransportKind::Io, true, other.to_string()),
    }
}

fn classify_io(io: io::Error) -> Error {
    use io::ErrorKind as K;
    if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return transport(TransportKind::Tls, false, format!("TLS: {tls}"));
    }
    match io.kind() {
        K::ConnectionRefused
        | K::AddrNotAvailable
        | K::NetworkUnreachable
        | K::HostUnreachable
        | K::AddrInUse => transport(TransportKind::Connect, false, format!("cannot connect: {io}")),
        K::TimedOut | K::WouldBlock => transport(TransportKind::Timeout, true, format!("timed out: {io}")),
        _ => transport(
            TransportKind::Io,
            true,
            format!("connection failed while waiting for the answer: {io}"),
        ),
    }
}

/// Decodes a body by its charset: ISO-8859-1 when the header says so, UTF-8 otherwise
/// (falling back to ISO-8859-1 for bytes that are not UTF-8).
fn decode_text(raw: &[u8], content_type: &str) -> String {
    let latin1 = || raw.iter().map(|&b| b as char).collect::<String>();
    if content_type.contains("iso-8859-1") || content_type.contains("latin1") {
        return latin1();
    }
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => latin1(),
    }
}

/// A short, redacted piece of an answer for an error message.
fn snippet(text: &str) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(120).collect();
    let more = if text.chars().count() > 120 { "…" } else { "" };
    format!("{:?}{more}", mask_digit_runs(one_line.trim()))
}

fn mask_strings(v: &mut Value) {
    match v {
        Value::String(s) => *s = mask_digit_runs(s),
        Value::Array(a) => a.iter_mut().for_each(mask_strings),
        Value::Object(m) => m.iter_mut().for_each(|(_, v)| mask_strings(v)),
        _ => {}
    }
}

fn gateway_error(status: u16, mut json: Value) -> Error {
    mask_strings(&mut json);
    let e = &json["error"];
    Error::Gateway(Box::new(GatewayError {
        http_status: status,
        cause: text(e, "cause").map(|s| ErrorCause::parse(&s)),
        explanation: text(e, "explanation"),
        field: text(e, "field"),
        validation_type: text(e, "validationType").map(|s| ValidationType::parse(&s)),
        support_code: text(e, "supportCode"),
        result: text(&json, "result").map(|s| crate::model::enums::OperationResult::parse(&s)),
        raw: json,
        attempts: 1,
    }))
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
    fn latin1_bodies_are_decoded_by_their_charset() {
        let raw = b"{\"explanation\":\"caf\xe9\"}";
        let s = decode_text(raw, "application/json;charset=iso-8859-1");
        assert!(s.contains("café"));
        assert_eq!(decode_text("é".as_bytes(), "application/json;charset=UTF-8"), "é");
    }

    #[test]
    fn gateway_errors_keep_status_and_fields_and_mask_card_numbers() {
        let body = serde_json::json!({"error": {"cause": "INVALID_REQUEST", "explanation": "Value '5123450000000008' is invalid",
            "field": "sourceOfFunds.provided.card.number", "validationType": "INVALID"}, "result": "ERROR"});
        let Error::Gateway(g) = gateway_error(400, body) else { panic!("not a gateway error") };
        assert_eq!(g.http_status, 400);
        assert_eq!(g.cause, Some(ErrorCause::InvalidRequest));
        assert_eq!(g.validation_type, Some(ValidationType::Invalid));
        assert_eq!(g.explanation.as_deref(), Some("Value '512345xxxxxx0008' is invalid"));
        assert!(!g.raw.to_string().contains("5123450000000008"));
    }
}
