//! Core errors as the `mpgs` exceptions, by stage and kind. The classes are bound once.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;

use crate::convert::{enum_value, to_py};

mod classes {
    pyo3::import_exception!(mpgs._errors, ConfigError);
    pyo3::import_exception!(mpgs._errors, ValidationError);
    pyo3::import_exception!(mpgs._errors, AuthenticationError);
    pyo3::import_exception!(mpgs._errors, GatewayError);
    pyo3::import_exception!(mpgs._errors, DecodeError);
    pyo3::import_exception!(mpgs._errors, TimeoutError);
    pyo3::import_exception!(mpgs._errors, TransportError);
}

/// Raises the `mpgs` exception that mirrors the core error's stage and kind.
pub(crate) fn raise(py: Python<'_>, e: mpgs::Error) -> PyErr {
    match build_exception(py, &e) {
        Ok(err) => err,
        Err(err) => err,
    }
}

pub(crate) fn build_exception(py: Python<'_>, e: &mpgs::Error) -> PyResult<PyErr> {
    use mpgs::ErrorKind as K;
    use pyo3::PyTypeInfo;
    let class = match e.kind() {
        K::Config => classes::ConfigError::type_object(py),
        K::Validation => classes::ValidationError::type_object(py),
        K::Authentication => classes::AuthenticationError::type_object(py),
        K::Gateway => classes::GatewayError::type_object(py),
        K::Decode => classes::DecodeError::type_object(py),
        K::Timeout => classes::TimeoutError::type_object(py),
        _ => classes::TransportError::type_object(py),
    };
    let exc = class.call1((e.to_string(),))?;
    exc.setattr("outcome_unknown", e.outcome_unknown())?;
    exc.setattr("attempts", e.attempts())?;
    match e {
        mpgs::Error::Validation(list) => {
            static FIELD_ERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
            let field_error = FIELD_ERROR
                .get_or_try_init(py, || {
                    Ok::<_, PyErr>(py.import("mpgs._errors")?.getattr("FieldError")?.unbind())
                })?
                .bind(py);
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
