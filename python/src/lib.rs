//! `mpgs._native`: the Python binding's native half. Converts Python values to and from the
//! core's types and releases the GIL for every network call; every rule lives in `mpgs` (core).

mod aio;

use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Value};

/// Python value → JSON (dicts, lists/tuples, str, bool, int, float, None). Checks the common
/// types first (str and dict make up request bodies); strings are borrowed as UTF-8 without an
/// intermediate bytes object (`to_str`, limited API since Python 3.10).
fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > 32 {
        return Err(PyTypeError::new_err("request body is nested too deeply"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        Ok(Value::String(s.to_str()?.to_owned()))
    } else if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("request body keys must be str"))?
                .to_str()?
                .to_owned();
            map.insert(key, to_json(&v, depth + 1)?);
        }
        Ok(Value::Object(map))
    } else if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = obj.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if obj.cast::<PyInt>().is_ok() {
        // Beyond 64 bits: the core's marker, which validation refuses by field (never null).
        Ok(obj
            .extract::<i64>()
            .map(Value::from)
            .or_else(|_| obj.extract::<u64>().map(Value::from))
            .unwrap_or_else(|_| mpgs::BadNumber::Beyond64Bits.into_value()))
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        Ok(mpgs::BadNumber::json_of_f64(f.value()))
    } else if let Ok(l) = obj.cast::<PyList>() {
        l.iter().map(|v| to_json(&v, depth + 1)).collect::<PyResult<Vec<_>>>().map(Value::Array)
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        t.iter().map(|v| to_json(&v, depth + 1)).collect::<PyResult<Vec<_>>>().map(Value::Array)
    } else if obj.hasattr("value")? {
        // An enum member (`mpgs.VerificationStrategy.BASIC`) is sent as its value.
        to_json(&obj.getattr("value")?, depth + 1)
    } else {
        Err(PyTypeError::new_err(format!(
            "request values must be dict, list, str, int, float, bool or None, got {}",
            obj.get_type().name()?
        )))
    }
}

/// JSON → Python value.
fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (_, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            PyList::new(py, a.iter().map(|x| to_py(py, x)).collect::<PyResult<Vec<_>>>()?)?.into_any()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// Raises the `mpgs` exception that mirrors the core error's stage and kind.
fn raise(py: Python<'_>, e: mpgs::Error) -> PyErr {
    match build_exception(py, &e) {
        Ok(err) => err,
        Err(err) => err,
    }
}

fn build_exception(py: Python<'_>, e: &mpgs::Error) -> PyResult<PyErr> {
    use mpgs::ErrorKind as K;
    let errors = py.import("mpgs._errors")?;
    let class = match e.kind() {
        K::Config => "ConfigError",
        K::Validation => "ValidationError",
        K::Authentication => "AuthenticationError",
        K::Gateway => "GatewayError",
        K::Decode => "DecodeError",
        K::Timeout => "TimeoutError",
        _ => "TransportError",
    };
    let exc = errors.getattr(class)?.call1((e.to_string(),))?;
    exc.setattr("outcome_unknown", e.outcome_unknown())?;
    exc.setattr("attempts", e.attempts())?;
    match e {
        mpgs::Error::Validation(list) => {
            let field_error = errors.getattr("FieldError")?;
            let items = list
                .iter()
                .map(|f| field_error.call1((&f.field, f.validation_type.as_str(), &f.explanation)))
                .collect::<PyResult<Vec<_>>>()?;
            exc.setattr("errors", PyTuple::new(py, items)?)?;
        }
        mpgs::Error::Gateway(g) => {
            exc.setattr("http_status", g.http_status)?;
            exc.setattr("cause", g.cause.as_ref().map(|c| c.as_str().to_owned()))?;
            exc.setattr("explanation", &g.explanation)?;
            exc.setattr("field", &g.field)?;
            exc.setattr("validation_type", g.validation_type.as_ref().map(|v| v.as_str().to_owned()))?;
            exc.setattr("support_code", &g.support_code)?;
            exc.setattr("result", enum_value(py, "Result", g.result.as_ref().map(|r| r.as_str()))?)?;
            exc.setattr("raw", to_py(py, &g.raw)?)?;
        }
        mpgs::Error::Decode { http_status, .. } => exc.setattr("http_status", *http_status)?,
        mpgs::Error::Transport { kind, .. } => exc.setattr("kind", kind.as_str())?,
        _ => {}
    }
    Ok(PyErr::from_value(exc))
}

/// Wraps an enumerated value in its `mpgs` str enum, or leaves it a plain `str` when the
/// gateway sent a value this version does not know.
fn enum_value<'py>(
    py: Python<'py>,
    enum_name: &str,
    value: Option<&str>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Some(v) = value else { return Ok(None) };
    Ok(Some(py.import("mpgs._enums")?.getattr("coerce")?.call1((enum_name, v))?))
}

#[pyclass(frozen, module = "mpgs._native")]
struct NativeClient {
    inner: mpgs::Client,
}

#[pymethods]
impl NativeClient {
    /// Every setting left `None` takes the core's default.
    #[new]
    #[pyo3(signature = (merchant_id, password=None, cert_file=None, key_file=None, base_url=None, region=None,
                        ca_file=None, connect_timeout=None, timeout=None, max_retries=None,
                        session_api_version=None, token_api_version=None, proxy=None, proxy_from_env=false,
                        validation_level=None))]
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
    ) -> PyResult<Self> {
        let secs = |name: &str, v: f64| {
            Duration::try_from_secs_f64(v).map_err(|_| mpgs::Error::Config {
                message: format!("{name} must be a positive number of seconds, got {v}"),
            })
        };
        let build = || -> mpgs::Result<mpgs::Client> {
            let mut b = mpgs::Client::builder(merchant_id).binding("python").proxy_from_env(proxy_from_env);
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
            b.build()
        };
        build().map(|inner| Self { inner }).map_err(|e| raise(py, e))
    }

    /// The request path of `op` (`"session"` or `"token"`), as the core builds it: for logs.
    fn path(&self, op: &str) -> PyResult<String> {
        match op {
            "session" => Ok(self.inner.path(mpgs::Operation::CreateSession)),
            "token" => Ok(self.inner.path(mpgs::Operation::CreateToken)),
            _ => Err(PyTypeError::new_err("op must be \"session\" or \"token\"")),
        }
    }

    #[getter]
    fn merchant_id(&self) -> &str {
        self.inner.merchant_id()
    }

    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
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
        let result = py.detach(move || client.create_session_json(json));
        result.map(|inner| Session { inner }).map_err(|e| raise(py, e))
    }

    fn create_token(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<Token> {
        let json = to_json(body, 0)?;
        let client = self.inner.clone();
        let result = py.detach(move || client.create_token_json(json));
        result.map(|inner| Token { inner }).map_err(|e| raise(py, e))
    }

    fn __repr__(&self) -> String {
        format!("Client(merchant_id={:?}, base_url={:?})", self.inner.merchant_id(), self.inner.base_url())
    }
}

/// The Create Session body from `create_session`'s arguments (blocking and async alike).
fn session_json(
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

/// Validates a Create Session body offline.
#[pyfunction]
fn validate_create_session(py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<()> {
    mpgs::validate(mpgs::Operation::CreateSession, &to_json(body, 0)?).map_err(|e| raise(py, e))
}

/// Validates a Create or Update Token body offline.
#[pyfunction]
fn validate_create_token(py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<()> {
    mpgs::validate(mpgs::Operation::CreateToken, &to_json(body, 0)?).map_err(|e| raise(py, e))
}

/// A result built from `answer` as if the gateway had sent it with HTTP 201: for tests that
/// read every attribute of results made from hostile answers.
#[pyfunction]
fn _result_from_answer<'py>(
    py: Python<'py>,
    kind: &str,
    answer: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let json = to_json(answer, 0)?;
    let meta = mpgs::ResponseMeta { http_status: 201, api_version: 58, elapsed: Duration::ZERO, attempts: 1 };
    match kind {
        "session" => Ok(Bound::new(py, Session { inner: mpgs::Session::from_json(json, meta) })?.into_any()),
        "token" => Ok(Bound::new(py, Token { inner: mpgs::Token::from_json(json, meta) })?.into_any()),
        _ => Err(PyTypeError::new_err("kind must be \"session\" or \"token\"")),
    }
}

/// The core's enumerations, `{name: [values]}`: the Python str enums are checked against it.
#[pyfunction]
fn enum_values(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("Result", mpgs::OperationResult::VALUES)?;
    d.set_item("UpdateStatus", mpgs::UpdateStatus::VALUES)?;
    d.set_item("SourceOfFundsType", mpgs::SourceOfFundsType::VALUES)?;
    d.set_item("VerificationStrategy", mpgs::VerificationStrategy::VALUES)?;
    d.set_item("TokenStatus", mpgs::TokenStatus::VALUES)?;
    d.set_item("GatewayCode", mpgs::GatewayCode::VALUES)?;
    d.set_item("CardBrand", mpgs::CardBrand::VALUES)?;
    d.set_item("CardScheme", mpgs::CardScheme::VALUES)?;
    d.set_item("GiftCardBrand", mpgs::GiftCardBrand::VALUES)?;
    d.set_item("GiftCardScheme", mpgs::GiftCardScheme::VALUES)?;
    d.set_item("FundingMethod", mpgs::FundingMethod::VALUES)?;
    Ok(d)
}

#[pyclass(frozen, module = "mpgs._native")]
struct Session {
    inner: mpgs::Session,
}

#[pymethods]
impl Session {
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }
    #[getter]
    fn aes256_key(&self) -> Option<&str> {
        self.inner.aes256_key.as_ref().map(|k| k.expose())
    }
    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.version.as_deref()
    }
    #[getter]
    fn update_status<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        enum_value(py, "UpdateStatus", self.inner.update_status.as_ref().map(|s| s.as_str()))
    }
    #[getter]
    fn authentication_limit(&self) -> Option<u32> {
        self.inner.authentication_limit
    }
    #[getter]
    fn merchant(&self) -> Option<&str> {
        self.inner.merchant.as_deref()
    }
    #[getter]
    fn result<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        enum_value(py, "Result", self.inner.result.as_ref().map(|s| s.as_str()))
    }
    #[getter]
    fn correlation_id(&self) -> Option<&str> {
        self.inner.correlation_id.as_deref()
    }
    #[getter]
    fn api_version(&self) -> u32 {
        self.inner.meta.api_version
    }
    #[getter]
    fn http_status(&self) -> u16 {
        self.inner.meta.http_status
    }
    #[getter]
    fn elapsed(&self) -> f64 {
        self.inner.meta.elapsed.as_secs_f64()
    }
    #[getter]
    fn attempts(&self) -> u32 {
        self.inner.meta.attempts
    }
    /// The whole answer, secrets masked (card numbers 6.4; security code, PIN, account numbers
    /// and AES key `***`).
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.raw)
    }
    /// The whole answer exactly as the gateway sent it, secrets in clear when it returned them.
    #[getter]
    fn raw_verbatim<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.raw.verbatim())
    }
    fn __repr__(&self) -> String {
        format!(
            "Session(id={:?}, version={:?}, update_status={:?})",
            self.inner.id.as_deref().unwrap_or(""),
            self.inner.version.as_deref().unwrap_or(""),
            self.inner.update_status.as_ref().map_or("", |s| s.as_str())
        )
    }
}

#[pyclass(frozen, module = "mpgs._native")]
struct Token {
    inner: mpgs::Token,
}

#[pymethods]
impl Token {
    #[getter]
    fn token(&self) -> Option<&str> {
        self.inner.token.as_deref()
    }
    #[getter]
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        enum_value(py, "TokenStatus", self.inner.status.as_ref().map(|s| s.as_str()))
    }
    #[getter]
    fn repository_id(&self) -> Option<&str> {
        self.inner.repository_id.as_deref()
    }
    #[getter]
    fn gateway_code<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        enum_value(py, "GatewayCode", self.inner.gateway_code.as_ref().map(|s| s.as_str()))
    }
    #[getter]
    fn verification_strategy<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        enum_value(py, "VerificationStrategy", self.inner.verification_strategy.as_ref().map(|s| s.as_str()))
    }
    #[getter]
    fn result<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        enum_value(py, "Result", self.inner.result.as_ref().map(|s| s.as_str()))
    }
    #[getter]
    fn correlation_id(&self) -> Option<&str> {
        self.inner.correlation_id.as_deref()
    }
    #[getter]
    fn http_status(&self) -> u16 {
        self.inner.meta.http_status
    }
    #[getter]
    fn api_version(&self) -> u32 {
        self.inner.meta.api_version
    }
    #[getter]
    fn attempts(&self) -> u32 {
        self.inner.meta.attempts
    }
    /// The whole answer, secrets masked (card numbers 6.4; security code, PIN, account numbers
    /// and AES key `***`).
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.raw)
    }
    /// The whole answer exactly as the gateway sent it, secrets in clear when it returned them.
    #[getter]
    fn raw_verbatim<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.raw.verbatim())
    }
    /// `sourceOfFunds.provided.card`, or None.
    #[getter]
    fn card(&self, py: Python<'_>) -> PyResult<Option<CardInfo>> {
        let Some(c) = &self.inner.card else { return Ok(None) };
        Ok(Some(CardInfo {
            brand: enum_value(py, "CardBrand", c.brand.as_ref().map(|x| x.as_str()))?.map(Bound::unbind),
            expiry: c.expiry.clone(),
            funding_method: enum_value(py, "FundingMethod", c.funding_method.as_ref().map(|x| x.as_str()))?
                .map(Bound::unbind),
            number: c.number.as_ref().map(|n| n.masked()),
            scheme: enum_value(py, "CardScheme", c.scheme.as_ref().map(|x| x.as_str()))?.map(Bound::unbind),
            issuer: c.issuer.clone(),
            local_brand: c.local_brand.clone(),
        }))
    }
    /// `sourceOfFunds.provided.ach`, or None.
    #[getter]
    fn ach(&self) -> Option<AchInfo> {
        self.inner.ach.as_ref().map(|a| AchInfo {
            account_type: a.account_type.as_ref().map(|x| x.as_str().to_owned()),
            bank_account_holder: a.bank_account_holder.clone(),
            routing_number: a.routing_number.clone(),
            sec_code: a.sec_code.as_ref().map(|x| x.as_str().to_owned()),
        })
    }
    /// `sourceOfFunds.provided.giftCard`, or None.
    #[getter]
    fn gift_card(&self, py: Python<'_>) -> PyResult<Option<GiftCardInfo>> {
        let Some(g) = &self.inner.gift_card else { return Ok(None) };
        Ok(Some(GiftCardInfo {
            brand: enum_value(py, "GiftCardBrand", g.brand.as_ref().map(|x| x.as_str()))?.map(Bound::unbind),
            local_brand: g.local_brand.clone(),
            number: g.number.as_ref().map(|n| n.masked()),
            scheme: enum_value(py, "GiftCardScheme", g.scheme.as_ref().map(|x| x.as_str()))?
                .map(Bound::unbind),
        }))
    }
    /// `usage`, or None.
    #[getter]
    fn usage(&self) -> Option<Usage> {
        self.inner.usage.as_ref().map(|u| Usage {
            last_updated: u.last_updated.clone(),
            last_updated_by: u.last_updated_by.clone(),
            last_used: u.last_used.clone(),
        })
    }
    fn __repr__(&self) -> String {
        let card = self.inner.card.as_ref().and_then(|c| c.number.as_ref()).map(|n| n.masked());
        format!(
            "Token(token={:?}, status={:?}, card={:?})",
            self.inner.token.as_deref().unwrap_or(""),
            self.inner.status.as_ref().map_or("", |s| s.as_str()),
            card.unwrap_or_default()
        )
    }
}

/// `sourceOfFunds.provided.card` of a token answer. `number` is masked 6.4.
#[pyclass(frozen, get_all, module = "mpgs._native")]
struct CardInfo {
    brand: Option<Py<PyAny>>,
    expiry: Option<String>,
    funding_method: Option<Py<PyAny>>,
    number: Option<String>,
    scheme: Option<Py<PyAny>>,
    issuer: Option<String>,
    local_brand: Option<String>,
}

#[pymethods]
impl CardInfo {
    fn __repr__(&self) -> String {
        format!(
            "CardInfo(number={:?}, expiry={:?})",
            self.number.as_deref().unwrap_or(""),
            self.expiry.as_deref().unwrap_or("")
        )
    }
}

/// `sourceOfFunds.provided.ach` of a token answer (the account number is not exposed).
#[pyclass(frozen, get_all, module = "mpgs._native")]
struct AchInfo {
    account_type: Option<String>,
    bank_account_holder: Option<String>,
    routing_number: Option<String>,
    sec_code: Option<String>,
}

/// `sourceOfFunds.provided.giftCard` of a token answer. `number` is masked 6.4.
#[pyclass(frozen, get_all, module = "mpgs._native")]
struct GiftCardInfo {
    brand: Option<Py<PyAny>>,
    local_brand: Option<String>,
    number: Option<String>,
    scheme: Option<Py<PyAny>>,
}

/// `usage` of a token answer.
#[pyclass(frozen, get_all, module = "mpgs._native")]
struct Usage {
    last_updated: Option<String>,
    last_updated_by: Option<String>,
    last_used: Option<String>,
}

/// Forwards the core's warnings and errors (a retry after a connect failure or `SERVER_BUSY`)
/// to the Python logger `mpgs`. Records below WARNING are filtered in Rust without taking the
/// GIL: the Python layer logs each call itself. Like every record of the core, they carry
/// method, path and timing only.
struct LogBridge;

impl log::Log for LogBridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn && metadata.target().starts_with("mpgs")
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let method = if record.level() == log::Level::Error { "error" } else { "warning" };
        let message = record.args().to_string();
        // From the async client's worker threads too: never once the interpreter shuts down.
        aio::attached(|py| {
            let logged = py
                .import("logging")
                .and_then(|logging| logging.getattr("getLogger")?.call1(("mpgs",)))
                .and_then(|logger| logger.call_method1(method, (message,)));
            if let Err(e) = logged {
                e.write_unraisable(py, None);
            }
        });
    }

    fn flush(&self) {}
}

static LOG_BRIDGE: LogBridge = LogBridge;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Another extension may have set the process's `log` logger first: then it keeps it.
    if log::set_logger(&LOG_BRIDGE).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
    m.add("__version__", mpgs::VERSION)?;
    m.add_class::<NativeClient>()?;
    m.add_class::<Session>()?;
    m.add_class::<Token>()?;
    m.add_class::<CardInfo>()?;
    m.add_class::<AchInfo>()?;
    m.add_class::<GiftCardInfo>()?;
    m.add_class::<Usage>()?;
    m.add_class::<aio::AsyncRunner>()?;
    m.add_class::<aio::AsyncCall>()?;
    m.add_class::<aio::Inbox>()?;
    m.add_function(wrap_pyfunction!(validate_create_session, m)?)?;
    m.add_function(wrap_pyfunction!(validate_create_token, m)?)?;
    m.add_function(wrap_pyfunction!(enum_values, m)?)?;
    m.add_function(wrap_pyfunction!(_result_from_answer, m)?)?;
    let shutdown = wrap_pyfunction!(aio::shutdown, m)?;
    m.py().import("atexit")?.call_method1("register", (shutdown,))?;
    Ok(())
}
