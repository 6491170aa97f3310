//! One error type for every stage of a call: never sent, sent and answered, sent and unanswered.

use std::fmt;

use serde_json::Value;

use crate::model::enums::{ErrorCause, OperationResult, ValidationType};

/// A problem with one field, in the gateway's vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted path, as the gateway names it: `sourceOfFunds.provided.ach.routingNumber`.
    pub field: String,
    /// `INVALID`, `MISSING` or `UNSUPPORTED`.
    pub validation_type: ValidationType,
    /// What is wrong, in plain words, and the API version the rule belongs to ("must be exactly 9
    /// digits, got 8 (v38)"). Never holds the value
    /// of a secret field.
    pub explanation: String,
}

impl FieldError {
    /// A field error; a digit run in `why` that could be a card number (a card number put into
    /// the wrong field and quoted back) is masked 6.4.
    pub(crate) fn new(field: impl Into<String>, vt: ValidationType, why: impl Into<String>) -> Self {
        let why = why.into();
        let explanation = crate::secret::mask_digit_runs(&why);
        zeroize::Zeroize::zeroize(&mut { why });
        Self { field: field.into(), validation_type: vt, explanation }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.field, self.explanation, self.validation_type)
    }
}

/// An error answer from the gateway (`{"error": {...}, "result": "ERROR"}`).
#[derive(Clone, Debug, PartialEq)]
pub struct GatewayError {
    /// HTTP status: 400 and 401 both carry `INVALID_REQUEST`; only the status tells a bad field
    /// from bad credentials.
    pub http_status: u16,
    /// `error.cause`.
    pub cause: Option<ErrorCause>,
    /// `error.explanation` (digit runs that could be card numbers are masked).
    pub explanation: Option<String>,
    /// `error.field`.
    pub field: Option<String>,
    /// `error.validationType`.
    pub validation_type: Option<ValidationType>,
    /// `error.supportCode`.
    pub support_code: Option<String>,
    /// `result`: [`OperationResult::Error`] in every documented error answer.
    pub result: Option<OperationResult>,
    /// The whole answer as JSON (string values masked like `explanation`).
    pub raw: Value,
    /// How many times the request was sent.
    pub attempts: u32,
    /// True when an earlier attempt of this call may have reached the gateway (a reused
    /// connection closed under it and the request was repeated, as its operation's
    /// [`crate::RepeatRule`] allows): this answer is to the repeat, and the first may have been
    /// processed (a repeated Delete Token may find the token already deleted).
    pub outcome_unknown: bool,
}

impl GatewayError {
    /// True for HTTP 401: the credentials (or certificate) were refused.
    pub fn is_authentication(&self) -> bool {
        self.http_status == 401
    }
}

/// What failed when a request got no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// Could not connect (refused, unreachable, name not found, connect timeout).
    Connect,
    /// The TLS handshake failed (untrusted certificate, wrong host name, refused client cert).
    Tls,
    /// The call ran past its timeout.
    Timeout,
    /// The connection failed while the request or answer was under way.
    Io,
}

impl TransportKind {
    /// A short lowercase name (`connect`, `tls`, `timeout`, `io`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::Io => "io",
        }
    }
}

/// The stage at which a call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Nothing left the machine (configuration or validation).
    NotSent,
    /// The gateway answered, with an error or something that is not its JSON.
    Answered,
    /// No answer came; see `outcome_unknown`.
    Unanswered,
}

/// Every kind of error, flat: what bindings map to status codes and exception classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A bad setting.
    Config,
    /// Request fields that break the gateway's rules (or a bad merchant id).
    Validation,
    /// An error answer from the gateway (other than 401).
    Gateway,
    /// HTTP 401: bad credentials.
    Authentication,
    /// An answer that is not the gateway's JSON, or is too large, or a redirect.
    Decode,
    /// See [`TransportKind::Connect`].
    Connect,
    /// See [`TransportKind::Tls`].
    Tls,
    /// See [`TransportKind::Timeout`].
    Timeout,
    /// See [`TransportKind::Io`].
    Io,
}

/// The error of every fallible call in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting is wrong; nothing was sent.
    #[error("configuration: {message}")]
    Config {
        /// What is wrong and what to do.
        message: String,
    },
    /// The request breaks the gateway's field rules; nothing was sent. Holds every problem,
    /// the first being the primary one.
    #[error("{}", validation_message(.0))]
    Validation(Vec<FieldError>),
    /// The gateway answered with an error.
    #[error("{}", gateway_message(.0))]
    Gateway(Box<GatewayError>),
    /// The answer was not the gateway's JSON (or was too large, cut short, or a redirect).
    #[error("undecodable answer (HTTP {http_status}): {message}{}", if *outcome_unknown {
        " (the gateway may have processed the request)"
    } else {
        ""
    })]
    Decode {
        /// HTTP status of the answer.
        http_status: u16,
        /// What is wrong with the answer, with a short redacted snippet of it.
        message: String,
        /// True for a 2xx answer (the gateway did the work and its answer is lost) and for a
        /// 5xx that is not the gateway's JSON (something in front of it may have forwarded
        /// the request).
        outcome_unknown: bool,
        /// How many attempts were made.
        attempts: u32,
    },
    /// No answer.
    #[error("{} error: {message}{}", kind.as_str(), if *outcome_unknown {
        " (the gateway may have processed the request)"
    } else {
        " (the request did not reach the gateway)"
    })]
    Transport {
        /// What failed.
        kind: TransportKind,
        /// False only when the request cannot have reached the gateway: check before
        /// resubmitting anything that must not happen twice.
        outcome_unknown: bool,
        /// What happened.
        message: String,
        /// How many times the request was tried.
        attempts: u32,
    },
}

fn validation_message(errors: &[FieldError]) -> String {
    match errors {
        [] => "invalid request".to_owned(),
        [only] => only.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

fn gateway_message(e: &GatewayError) -> String {
    let mut s = format!("gateway error (HTTP {})", e.http_status);
    if let Some(c) = &e.cause {
        s.push_str(&format!(" {c}"));
    }
    if let Some(f) = &e.field {
        s.push_str(&format!(" on {f}"));
        if let Some(vt) = &e.validation_type {
            s.push_str(&format!(" ({vt})"));
        }
    }
    if let Some(x) = &e.explanation {
        s.push_str(&format!(": {x}"));
    }
    if let Some(c) = &e.support_code {
        s.push_str(&format!(" [support code {c}]"));
    }
    if e.outcome_unknown {
        s.push_str(&format!(" ({EARLIER_ATTEMPT})"));
    }
    s
}

/// Said of an error to a repeated request: the answer is the repeat's, and the first attempt's
/// outcome is not known.
pub(crate) const EARLIER_ATTEMPT: &str = "an earlier attempt of this call may have reached the gateway";

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config { message: message.into() }
    }

    pub(crate) fn field(field: &str, vt: ValidationType, why: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, vt, why)])
    }

    /// The stage at which the call failed.
    pub fn stage(&self) -> Stage {
        match self {
            Self::Config { .. } | Self::Validation(_) => Stage::NotSent,
            Self::Gateway(_) | Self::Decode { .. } => Stage::Answered,
            Self::Transport { .. } => Stage::Unanswered,
        }
    }

    /// The flat kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Config { .. } => ErrorKind::Config,
            Self::Validation(_) => ErrorKind::Validation,
            Self::Gateway(g) if g.is_authentication() => ErrorKind::Authentication,
            Self::Gateway(_) => ErrorKind::Gateway,
            Self::Decode { .. } => ErrorKind::Decode,
            Self::Transport { kind, .. } => match kind {
                TransportKind::Connect => ErrorKind::Connect,
                TransportKind::Tls => ErrorKind::Tls,
                TransportKind::Timeout => ErrorKind::Timeout,
                TransportKind::Io => ErrorKind::Io,
            },
        }
    }

    /// Field problems (empty unless this is a validation error).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Validation(v) => v,
            _ => &[],
        }
    }

    /// The HTTP status, for errors that carry an answer.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Gateway(g) => Some(g.http_status),
            Self::Decode { http_status, .. } => Some(*http_status),
            _ => None,
        }
    }

    /// True when the gateway may have processed the request and its answer was not read:
    /// a transport failure after the request was written, a 2xx answer that could not be
    /// decoded, or any failure of a call whose earlier attempt may have reached the gateway
    /// before it was repeated ([`crate::RepeatRule`]). False when nothing was sent or the
    /// gateway's answer to the only request that may have reached it was read.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Transport { outcome_unknown, .. } | Self::Decode { outcome_unknown, .. } => {
                *outcome_unknown
            }
            Self::Gateway(g) => g.outcome_unknown,
            Self::Config { .. } | Self::Validation(_) => false,
        }
    }

    /// How many attempts were made, retries included (0 for a configuration or validation
    /// error: no attempt was made). An attempt that failed to connect counts too.
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Config { .. } | Self::Validation(_) => 0,
            Self::Gateway(g) => g.attempts,
            Self::Decode { attempts, .. } | Self::Transport { attempts, .. } => *attempts,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
