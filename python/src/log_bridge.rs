//! The bridge from the core's `log` records to the Python logger `mpgs`.

use pyo3::prelude::*;

use crate::aio;

/// Forwards the core's warnings and errors (a retry after a connect failure or `SERVER_BUSY`)
/// to the Python logger `mpgs`. Records below WARNING are filtered in Rust without taking the
/// GIL: the Python layer logs each call itself. Like every record of the core, they carry
/// method, path and timing only.
pub(crate) struct LogBridge;

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

pub(crate) static LOG_BRIDGE: LogBridge = LogBridge;
