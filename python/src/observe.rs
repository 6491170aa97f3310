//! `Client(on_call=…)` and `AsyncClient(on_call=…)`: the core's hook, delivered to Python with the
//! interpreter attached. The core calls its hook on the thread that ran the call (the caller's
//! thread for `Client`, inside `py.detach`; a worker for `AsyncClient`); the hook only keeps the
//! event in a thread-local slot, which the binding takes once the call returns and hands to the
//! Python callable: on the calling thread for `Client`, on the event loop's thread for
//! `AsyncClient` (with the call's result, through the loop's inbox).

use std::cell::RefCell;
use std::sync::Arc;

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

thread_local! {
    static LAST: RefCell<Option<mpgs::CallEvent>> = const { RefCell::new(None) };
}

/// The core's hook: keeps the event of the call that just ended on this thread.
pub(crate) fn record(event: &mpgs::CallEvent) {
    LAST.with(|slot| *slot.borrow_mut() = Some(event.clone()));
}

/// The event of the last call that ended on this thread, if not taken yet.
pub(crate) fn take() -> Option<mpgs::CallEvent> {
    LAST.with(|slot| slot.borrow_mut().take())
}

/// The user's callable, shared by a client and its async workers without the interpreter.
pub(crate) type Hook = Arc<Py<PyAny>>;

/// Calls the hook with the event. An `Exception` it raises is logged on the `mpgs` logger
/// (WARNING, with its traceback) and dropped; any other `BaseException` (`KeyboardInterrupt`,
/// `SystemExit`) is returned, as Python's own callbacks let it through.
pub(crate) fn deliver(py: Python<'_>, hook: &Hook, event: mpgs::CallEvent) -> PyResult<()> {
    let Err(e) = hook.call1(py, (CallEvent { inner: event },)) else { return Ok(()) };
    if !e.is_instance_of::<PyException>(py) {
        return Err(e);
    }
    let logged = (|| -> PyResult<()> {
        let logger = py.import("logging")?.getattr("getLogger")?.call1(("mpgs",))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("exc_info", e.value(py))?;
        let message = "the on_call hook raised %s; the call's result is returned as it was";
        logger.call_method("warning", (message, e.get_type(py).name()?), Some(&kwargs))?;
        Ok(())
    })();
    if let Err(log_error) = logged {
        log_error.write_unraisable(py, None);
    }
    Ok(())
}

/// One call, after it ended: what `on_call` receives. No body, header or secret.
#[pyclass(frozen, module = "mpgs._native")]
pub(crate) struct CallEvent {
    inner: mpgs::CallEvent,
}

#[pymethods]
impl CallEvent {
    /// The client method's name: `create_session`, `create_token`, `retrieve_session`,
    /// `update_session`, `retrieve_token`, `delete_token`, `check_gateway`.
    #[getter]
    fn operation(&self) -> &'static str {
        use mpgs::Operation as O;
        match self.inner.operation {
            O::CreateSession => "create_session",
            O::CreateToken => "create_token",
            O::RetrieveSession => "retrieve_session",
            O::UpdateSession => "update_session",
            O::RetrieveToken => "retrieve_token",
            O::DeleteToken => "delete_token",
            O::CheckGateway => "check_gateway",
        }
    }
    /// The operation's name in the gateway's documentation (`"Create Session"`).
    #[getter]
    fn operation_name(&self) -> &'static str {
        self.inner.operation.name()
    }
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method
    }
    #[getter]
    fn path(&self) -> &str {
        &self.inner.path
    }
    #[getter]
    fn api_version(&self) -> u32 {
        self.inner.api_version
    }
    #[getter]
    fn http_status(&self) -> Option<u16> {
        self.inner.http_status
    }
    #[getter]
    fn attempts(&self) -> u32 {
        self.inner.attempts
    }
    /// Seconds, from the call's start (its wait for a worker included) to its end.
    #[getter]
    fn elapsed(&self) -> f64 {
        self.inner.elapsed.as_secs_f64()
    }
    #[getter]
    fn outcome_unknown(&self) -> bool {
        self.inner.outcome_unknown
    }
    /// `"not_sent"`, `"answered"`, `"unanswered"`; None for a success.
    #[getter]
    fn error_stage(&self) -> Option<&'static str> {
        self.inner.error_stage.map(|s| match s {
            mpgs::Stage::NotSent => "not_sent",
            mpgs::Stage::Answered => "answered",
            mpgs::Stage::Unanswered => "unanswered",
        })
    }
    /// `"config"`, `"validation"`, `"gateway"`, `"authentication"`, `"decode"`, `"connect"`,
    /// `"tls"`, `"timeout"`, `"io"`; None for a success.
    #[getter]
    fn error_kind(&self) -> Option<&'static str> {
        use mpgs::ErrorKind as K;
        self.inner.error_kind.map(|k| match k {
            K::Config => "config",
            K::Validation => "validation",
            K::Gateway => "gateway",
            K::Authentication => "authentication",
            K::Decode => "decode",
            K::Connect => "connect",
            K::Tls => "tls",
            K::Timeout => "timeout",
            K::Io => "io",
            _ => "unknown",
        })
    }
    #[getter]
    fn ok(&self) -> bool {
        self.inner.is_success()
    }

    fn __repr__(&self) -> String {
        let status = self.inner.http_status.map_or("None".to_owned(), |s| s.to_string());
        let kind = self.error_kind().map_or("None".to_owned(), |k| format!("{k:?}"));
        format!(
            "CallEvent(operation={:?}, path={:?}, http_status={status}, attempts={}, elapsed={:.6}, error_kind={kind})",
            self.operation(),
            self.inner.path,
            self.inner.attempts,
            self.elapsed()
        )
    }
}
