//! The module's functions: offline validation, the core's enumerations, a test hook.

use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::to_json;
use crate::errors::raise;
use crate::results::{Session, Token};

/// Validates a body offline, as a client at `api_version` (default: the documented one) and
/// `validation_level` (default `"auto"`) would before sending it.
fn validate_at(
    py: Python<'_>,
    op: mpgs::Operation,
    body: &Bound<'_, PyAny>,
    api_version: Option<u32>,
    validation_level: Option<&str>,
) -> PyResult<()> {
    let mut body = to_json(body, 0)?;
    let checked = validation_level
        .map(mpgs::ValidationLevel::from_setting)
        .unwrap_or(Ok(mpgs::ValidationLevel::Auto))
        .and_then(|level| {
            mpgs::validate_at(op, api_version.unwrap_or(op.default_api_version()), level, &body)
        });
    mpgs::secret::zeroize_json(&mut body);
    checked.map_err(|e| raise(py, e))
}

/// Validates a Create Session body offline.
#[pyfunction]
#[pyo3(signature = (body, *, api_version=None, validation_level=None))]
pub(crate) fn validate_create_session(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
    api_version: Option<u32>,
    validation_level: Option<&str>,
) -> PyResult<()> {
    validate_at(py, mpgs::Operation::CreateSession, body, api_version, validation_level)
}

/// Validates a Create or Update Token body offline.
#[pyfunction]
#[pyo3(signature = (body, *, api_version=None, validation_level=None))]
pub(crate) fn validate_create_token(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
    api_version: Option<u32>,
    validation_level: Option<&str>,
) -> PyResult<()> {
    validate_at(py, mpgs::Operation::CreateToken, body, api_version, validation_level)
}

/// A result built from `answer` as if the gateway had sent it with HTTP 201: for tests that
/// read every attribute of results made from hostile answers.
#[pyfunction]
pub(crate) fn _result_from_answer<'py>(
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
pub(crate) fn enum_values(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
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
    d.set_item("GatewayStatus", mpgs::GatewayStatus::VALUES)?;
    Ok(d)
}
