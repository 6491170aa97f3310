//! The result classes: `Session`, `Token` and the token's groups, `DeleteTokenResult`,
//! `GatewayInformation` and a session's `Readiness`, read from the core's types.

use pyo3::prelude::*;

use crate::convert::{enum_value, to_py};

#[pyclass(frozen, module = "mpgs._native")]
pub(crate) struct Session {
    pub(crate) inner: mpgs::Session,
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
    /// Whether the session can be tokenized (the core's `Session::ready_for_token`): truthy
    /// when ready; else `reason` names the first condition that failed.
    #[pyo3(signature = (expected_version=None))]
    fn ready_for_token(&self, expected_version: Option<&str>) -> Readiness {
        match self.inner.ready_for_token(expected_version) {
            Ok(()) => Readiness { ready: true, reason: None, explanation: None },
            Err(e) => Readiness { ready: false, reason: Some(e.code()), explanation: Some(e.to_string()) },
        }
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
pub(crate) struct Token {
    pub(crate) inner: mpgs::Token,
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
pub(crate) struct CardInfo {
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
pub(crate) struct AchInfo {
    account_type: Option<String>,
    bank_account_holder: Option<String>,
    routing_number: Option<String>,
    sec_code: Option<String>,
}

/// `sourceOfFunds.provided.giftCard` of a token answer. `number` is masked 6.4.
#[pyclass(frozen, get_all, module = "mpgs._native")]
pub(crate) struct GiftCardInfo {
    brand: Option<Py<PyAny>>,
    local_brand: Option<String>,
    number: Option<String>,
    scheme: Option<Py<PyAny>>,
}

/// `usage` of a token answer.
#[pyclass(frozen, get_all, module = "mpgs._native")]
pub(crate) struct Usage {
    last_updated: Option<String>,
    last_updated_by: Option<String>,
    last_used: Option<String>,
}

/// Whether a session can be tokenized: truthy when ready; `reason` is `"update_status"`,
/// `"no_card_details"` or `"version_differs"` otherwise, `explanation` says it in words.
#[pyclass(frozen, get_all, module = "mpgs._native")]
pub(crate) struct Readiness {
    ready: bool,
    reason: Option<&'static str>,
    explanation: Option<String>,
}

#[pymethods]
impl Readiness {
    fn __bool__(&self) -> bool {
        self.ready
    }
    fn __repr__(&self) -> String {
        match self.reason {
            None => "Readiness(ready=True)".to_owned(),
            Some(r) => format!("Readiness(ready=False, reason='{r}')"),
        }
    }
}

/// What Delete Token answered.
#[pyclass(frozen, module = "mpgs._native")]
pub(crate) struct DeleteTokenResult {
    pub(crate) inner: mpgs::DeleteTokenResult,
}

#[pymethods]
impl DeleteTokenResult {
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
    /// The whole answer, secrets masked.
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.raw)
    }
    /// The whole answer exactly as the gateway sent it.
    #[getter]
    fn raw_verbatim<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.raw.verbatim())
    }
    fn __repr__(&self) -> String {
        format!("DeleteTokenResult(result={:?})", self.inner.result.as_ref().map_or("", |s| s.as_str()))
    }
}

/// What Check Gateway answered: `gateway_version` and `status` (`OPERATING` or `SHUTDOWN`).
#[pyclass(frozen, module = "mpgs._native")]
pub(crate) struct GatewayInformation {
    pub(crate) inner: mpgs::GatewayInformation,
}

#[pymethods]
impl GatewayInformation {
    #[getter]
    fn gateway_version(&self) -> Option<&str> {
        self.inner.gateway_version.as_deref()
    }
    #[getter]
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        enum_value(py, "GatewayStatus", self.inner.status.as_ref().map(|s| s.as_str()))
    }
    #[getter]
    fn is_operating(&self) -> bool {
        self.inner.is_operating()
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
    /// The whole answer.
    #[getter]
    fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.raw)
    }
    /// The whole answer exactly as the gateway sent it.
    #[getter]
    fn raw_verbatim<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.raw.verbatim())
    }
    fn __repr__(&self) -> String {
        format!(
            "GatewayInformation(gateway_version={:?}, status={:?})",
            self.inner.gateway_version.as_deref().unwrap_or(""),
            self.inner.status.as_ref().map_or("", |s| s.as_str())
        )
    }
}
