//! `NativeClient`: the blocking client, every network wait with the GIL released.

use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::{PyTraverseError, PyVisit};
use serde_json::Value;

use crate::convert::to_json;
use crate::errors::raise;
use crate::observe::{self, Hook};
use crate::results::{DeleteTokenResult, GatewayInformation, Session, Token};

#[pyclass(frozen, module = "mpgs._native")]
pub(crate) struct NativeClient {
    pub(crate) inner: mpgs::Client,
    /// `on_call`, if given: called after each call, on the calling thread, interpreter attached.
    pub(crate) on_call: Option<Hook>,
}

#[pymethods]
impl NativeClient {
    /// Every setting left `None` takes the core's default.
    #[new]
    #[pyo3(signature = (merchant_id, password=None, cert_file=None, key_file=None, base_url=None, region=None,
                        ca_file=None, connect_timeout=None, timeout=None, max_retries=None,
                        session_api_version=None, token_api_version=None, proxy=None, proxy_from_env=false,
                        validation_level=None, token_repository_unique_card=false, trust=None,
                        on_call=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        merchant_id: &str,
        password: Option<String>,
        cert_file: Option<std::path::PathBuf>,
        key_file: Option<std::path::PathBuf>,
        base_url: Option<String>,
        region: Option<String>,
        ca_file: Option<std::path::PathBuf>,
        connect_timeout: Option<f64>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        session_api_version: Option<u32>,
        token_api_version: Option<u32>,
        proxy: Option<String>,
        proxy_from_env: bool,
        validation_level: Option<&str>,
        token_repository_unique_card: bool,
        trust: Option<&str>,
        on_call: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let secs = |name: &str, v: f64| {
            Duration::try_from_secs_f64(v).map_err(|_| mpgs::Error::Config {
                message: format!("{name} must be a positive number of seconds, got {v}"),
            })
        };
        let observed = on_call.is_some();
        let build = || -> mpgs::Result<mpgs::Client> {
            let mut b = mpgs::Client::builder(merchant_id)
                .binding("python")
                .proxy_from_env(proxy_from_env)
                .token_repository_unique_card(token_repository_unique_card);
            if let Some(t) = connect_timeout {
                b = b.connect_timeout(secs("connect_timeout", t)?);
            }
            if let Some(t) = timeout {
                b = b.timeout(secs("timeout", t)?);
            }
            if let Some(n) = max_retries {
                b = b.max_retries(n);
            }
            if let Some(v) = session_api_version {
                b = b.session_api_version(v);
            }
            if let Some(v) = token_api_version {
                b = b.token_api_version(v);
            }
            if let Some(level) = validation_level {
                b = b.validation_level(mpgs::ValidationLevel::from_setting(level)?);
            }
            if let Some(t) = trust {
                b = b.trust(mpgs::Trust::from_setting(t)?);
            }
            if let Some(p) = password {
                b = b.password(p);
            }
            match (cert_file, key_file) {
                (Some(c), Some(k)) => b = b.certificate_files(c, k),
                (None, None) => {}
                _ => {
                    return Err(mpgs::Error::Config {
                        message: "a client certificate needs both cert_file= and key_file=".into(),
                    })
                }
            }
            if let Some(u) = base_url {
                b = b.base_url(u);
            }
            if let Some(r) = region {
                b = b.region(r);
            }
            if let Some(ca) = ca_file {
                b = b.add_ca_file(ca);
            }
            if let Some(p) = proxy {
                b = b.proxy(p);
            }
            if observed {
                b = b.on_call(observe::record);
            }
            b.build()
        };
        let on_call = on_call.map(Arc::new);
        build().map(|inner| Self { inner, on_call }).map_err(|e| raise(py, e))
    }

    /// The request path of `op` (`"session"` or `"token"`), as the core builds it: for logs.
    fn path(&self, op: &str) -> PyResult<String> {
        match op {
            "session" => Ok(self.inner.path(mpgs::Operation::CreateSession)),
            "token" => Ok(self.inner.path(mpgs::Operation::CreateToken)),
            _ => Err(PyTypeError::new_err("op must be \"session\" or \"token\"")),
        }
    }

    /// The method and path of an operation (`create_session`, `create_token`, `retrieve_session`,
    /// `update_session`, `retrieve_token`, `delete_token`, `check_gateway`), as the core builds
    /// them, ids as `{sessionId}` / `{tokenid}`: for logs.
    fn route(&self, op: &str) -> PyResult<(&'static str, String)> {
        let op = operation(op)?;
        Ok((op.method(), self.inner.path(op)))
    }

    #[getter]
    fn merchant_id(&self) -> &str {
        self.inner.merchant_id()
    }

    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The client certificate's `notAfter`, in seconds since the Unix epoch; None with a password.
    #[getter]
    fn client_certificate_not_after(&self) -> Option<i64> {
        let t = self.inner.client_certificate_expiry()?;
        Some(match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
        })
    }

    #[pyo3(signature = (body=None, authentication_limit=None, correlation_id=None))]
    fn create_session(
        &self,
        py: Python<'_>,
        body: Option<&Bound<'_, PyAny>>,
        authentication_limit: Option<&Bound<'_, PyAny>>,
        correlation_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Session> {
        let json = session_json(py, body, authentication_limit, correlation_id)?;
        let client = self.inner.clone();
        let result = self.run(py, move || client.create_session_json(json))?;
        result.map(|inner| Session { inner }).map_err(|e| raise(py, e))
    }

    fn create_token(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<Token> {
        let json = to_json(body, 0)?;
        let client = self.inner.clone();
        let result = self.run(py, move || client.create_token_json(json))?;
        result.map(|inner| Token { inner }).map_err(|e| raise(py, e))
    }

    fn retrieve_session(&self, py: Python<'_>, session_id: String) -> PyResult<Session> {
        let client = self.inner.clone();
        let result = self.run(py, move || client.retrieve_session(&session_id))?;
        result.map(|inner| Session { inner }).map_err(|e| raise(py, e))
    }

    #[pyo3(signature = (session_id, body=None))]
    fn update_session(
        &self,
        py: Python<'_>,
        session_id: String,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Session> {
        let json = body.map(|b| to_json(b, 0)).transpose()?.unwrap_or(Value::Null);
        let client = self.inner.clone();
        let result = self.run(py, move || client.update_session_json(&session_id, json))?;
        result.map(|inner| Session { inner }).map_err(|e| raise(py, e))
    }

    fn retrieve_token(&self, py: Python<'_>, token: String) -> PyResult<Token> {
        let client = self.inner.clone();
        let result = self.run(py, move || client.retrieve_token(&token))?;
        result.map(|inner| Token { inner }).map_err(|e| raise(py, e))
    }

    fn delete_token(&self, py: Python<'_>, token: String) -> PyResult<DeleteTokenResult> {
        let client = self.inner.clone();
        let result = self.run(py, move || client.delete_token(&token))?;
        result.map(|inner| DeleteTokenResult { inner }).map_err(|e| raise(py, e))
    }

    fn check_gateway(&self, py: Python<'_>) -> PyResult<GatewayInformation> {
        let client = self.inner.clone();
        let result = self.run(py, move || client.check_gateway())?;
        result.map(|inner| GatewayInformation { inner }).map_err(|e| raise(py, e))
    }

    /// The hook for the garbage collector: a hook that holds the client (a bound method of the
    /// object that keeps it) makes a cycle. Only this object reports the reference: the
    /// `AsyncClient` workers share the same one (one Python reference in one `Arc`), and a
    /// reference reported twice would let the collector count it twice.
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(hook) = &self.on_call {
            visit.call(&**hook)?;
        }
        Ok(())
    }

    fn connect(&self, py: Python<'_>) -> PyResult<()> {
        let client = self.inner.clone();
        py.detach(move || client.connect()).map_err(|e| raise(py, e))
    }

    fn __repr__(&self) -> String {
        format!("Client(merchant_id={:?}, base_url={:?})", self.inner.merchant_id(), self.inner.base_url())
    }
}

impl NativeClient {
    /// Runs `call` with the interpreter detached, then hands its event to `on_call` (attached
    /// again, on this thread) before the result goes back.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        call: impl FnOnce() -> mpgs::Result<T> + Send,
    ) -> PyResult<mpgs::Result<T>> {
        let (result, event) = py.detach(move || {
            let result = call();
            (result, observe::take())
        });
        if let (Some(hook), Some(event)) = (&self.on_call, event) {
            observe::deliver(py, hook, event)?;
        }
        Ok(result)
    }
}

/// The core's operation for a binding's name of it.
fn operation(name: &str) -> PyResult<mpgs::Operation> {
    use mpgs::Operation as O;
    Ok(match name {
        "create_session" | "session" => O::CreateSession,
        "create_token" | "token" => O::CreateToken,
        "retrieve_session" => O::RetrieveSession,
        "update_session" => O::UpdateSession,
        "retrieve_token" => O::RetrieveToken,
        "delete_token" => O::DeleteToken,
        "check_gateway" => O::CheckGateway,
        _ => return Err(PyTypeError::new_err(format!("unknown operation {name:?}"))),
    })
}

/// The Create Session body from `create_session`'s arguments (blocking and async alike).
pub(crate) fn session_json(
    py: Python<'_>,
    body: Option<&Bound<'_, PyAny>>,
    authentication_limit: Option<&Bound<'_, PyAny>>,
    correlation_id: Option<&Bound<'_, PyAny>>,
) -> PyResult<Value> {
    mpgs::CreateSessionRequest::body_with(
        body.map(|b| to_json(b, 0)).transpose()?.unwrap_or(Value::Null),
        authentication_limit.map(|v| to_json(v, 0)).transpose()?,
        correlation_id.map(|v| to_json(v, 0)).transpose()?,
    )
    .map_err(|e| raise(py, e))
}
