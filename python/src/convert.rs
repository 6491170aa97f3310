//! Python values to JSON and back, and enumerated values to the `mpgs` str enums.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Value};

/// Python value → JSON (dicts and any other `collections.abc.Mapping`, lists/tuples, str, bool,
/// int, float, None). Checks the common types first (str and dict make up request bodies);
/// strings are borrowed as UTF-8 without an intermediate bytes object (`to_str`, limited API
/// since Python 3.10).
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
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
    } else if let Ok(m) = obj.cast::<PyMapping>() {
        // Any other mapping (`types.MappingProxyType`, a `collections.abc.Mapping` subclass), as
        // the signatures promise: its items, keys str.
        let mut map = Map::new();
        for item in m.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("request body keys must be str"))?
                .to_str()?
                .to_owned();
            map.insert(key, to_json(&v, depth + 1)?);
        }
        Ok(Value::Object(map))
    } else if obj.hasattr("value")? {
        // An enum member (`mpgs.VerificationStrategy.BASIC`) is sent as its value.
        to_json(&obj.getattr("value")?, depth + 1)
    } else {
        Err(PyTypeError::new_err(format!(
            "request values must be a mapping (dict), list, str, int, float, bool or None, got {}",
            obj.get_type().name()?
        )))
    }
}

/// JSON → Python value.
pub(crate) fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
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

/// Wraps an enumerated value in its `mpgs` str enum, or leaves it a plain `str` when the
/// gateway sent a value this version does not know.
pub(crate) fn enum_value<'py>(
    py: Python<'py>,
    enum_name: &str,
    value: Option<&str>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    static COERCE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let Some(v) = value else { return Ok(None) };
    let coerce = COERCE
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import("mpgs._enums")?.getattr("coerce")?.unbind()))?;
    Ok(Some(coerce.bind(py).call1((enum_name, v))?))
}
