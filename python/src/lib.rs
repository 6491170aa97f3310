//! `mpgs._native`: the Python binding's native half. Converts Python values to and from the
//! core's types and releases the GIL for every network call; every rule lives in `mpgs` (core).
//! One module per job: `convert` (values), `errors` (exceptions), `client` (the blocking client),
//! `aio` (the asyncio client's workers), `results` (result classes), `functions`, `log`.

mod aio;
mod client;
mod convert;
mod errors;
mod functions;
mod log_bridge;
mod observe;
mod results;

use pyo3::prelude::*;

pub(crate) use client::{session_json, NativeClient};
pub(crate) use convert::to_json;
pub(crate) use errors::raise;
pub(crate) use results::{DeleteTokenResult, GatewayInformation, Session, Token};

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Another extension may have set the process's `log` logger first: then it keeps it.
    if log::set_logger(&log_bridge::LOG_BRIDGE).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
    m.add("__version__", mpgs::VERSION)?;
    m.add_class::<NativeClient>()?;
    m.add_class::<Session>()?;
    m.add_class::<Token>()?;
    m.add_class::<results::CardInfo>()?;
    m.add_class::<results::AchInfo>()?;
    m.add_class::<results::GiftCardInfo>()?;
    m.add_class::<results::Usage>()?;
    m.add_class::<results::Readiness>()?;
    m.add_class::<DeleteTokenResult>()?;
    m.add_class::<GatewayInformation>()?;
    m.add_class::<observe::CallEvent>()?;
    m.add_class::<aio::AsyncRunner>()?;
    m.add_class::<aio::AsyncCall>()?;
    m.add_class::<aio::Inbox>()?;
    m.add_function(wrap_pyfunction!(functions::validate_create_session, m)?)?;
    m.add_function(wrap_pyfunction!(functions::validate_create_token, m)?)?;
    m.add_function(wrap_pyfunction!(functions::enum_values, m)?)?;
    m.add_function(wrap_pyfunction!(functions::_result_from_answer, m)?)?;
    let shutdown = wrap_pyfunction!(aio::shutdown, m)?;
    m.py().import("atexit")?.call_method1("register", (shutdown,))?;
    Ok(())
}
