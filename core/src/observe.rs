//! One event per call, after it ends, for the hook set with [`crate::ClientBuilder::on_call`]:
//! what graphs of latency and error rates and traces need, and nothing more. An event never holds
//! a body, a header or a secret: its fields are the operation, method, path, API version, HTTP
//! status, attempts, elapsed time, `outcome_unknown` and the error's stage and kind.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::error::{ErrorKind, Stage};
use crate::operation::Operation;

/// One call, as the hook sees it once it has ended (successful or not, refused before sending
/// included).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallEvent {
    /// Which operation.
    pub operation: Operation,
    /// The HTTP method (`POST`, `GET`, `PUT`, `DELETE`).
    pub method: &'static str,
    /// The request path after the base URL's own path, merchant included
    /// (`/api/rest/version/58/merchant/TESTMERCHANT/session/SESSION0002…`): the session id or
    /// token id as sent, except a token id that could be a card number (12 to 19 digits passing
    /// the Luhn check), which is masked 6.4 as in the client's log. When the id was refused
    /// before sending, its parameter's name stands in for it (`…/token/{tokenid}`).
    pub path: String,
    /// The API version in the path.
    pub api_version: u32,
    /// The HTTP status of the answer read (a success, a gateway error, an undecodable answer);
    /// `None` when no answer was read.
    pub http_status: Option<u16>,
    /// How many times the request was sent, retries included (0: refused before sending).
    pub attempts: u32,
    /// Time from the call's start (its turn in a binding's queue included) to its end.
    pub elapsed: Duration,
    /// True when the gateway may have processed the request and its answer was not read.
    pub outcome_unknown: bool,
    /// The error's stage; `None` for a success.
    pub error_stage: Option<Stage>,
    /// The error's kind; `None` for a success.
    pub error_kind: Option<ErrorKind>,
}

impl CallEvent {
    /// True when the call succeeded.
    pub fn is_success(&self) -> bool {
        self.error_kind.is_none()
    }
}

/// The hook a client calls after every call, and whether it has panicked yet.
#[derive(Clone)]
pub(crate) struct Observer {
    hook: Arc<dyn Fn(&CallEvent) + Send + Sync>,
    panicked: Arc<AtomicBool>,
}

impl Observer {
    pub(crate) fn new(hook: impl Fn(&CallEvent) + Send + Sync + 'static) -> Self {
        Self { hook: Arc::new(hook), panicked: Arc::new(AtomicBool::new(false)) }
    }

    /// Calls the hook; a panic in it is caught (never breaks the call) and logged at warn on
    /// target `mpgs` without its payload, the first time for this client (later ones at debug).
    pub(crate) fn notify(&self, event: &CallEvent) {
        if catch_unwind(AssertUnwindSafe(|| (self.hook)(event))).is_err() {
            if self.panicked.swap(true, Ordering::Relaxed) {
                log::debug!(target: "mpgs", "the on_call hook panicked again; the call's result is returned as it was");
            } else {
                log::warn!(target: "mpgs", "the on_call hook panicked; the call's result is returned as it was (later panics logged at debug)");
            }
        }
    }
}
