//! Human output: colour only on a terminal and without NO_COLOR; the same text plain when piped.

use std::io::IsTerminal;

/// How a step or a result went.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Pass => "✓",
            Mark::Warn => "⚠",
            Mark::Fail => "✗",
            Mark::Skip => "-",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Pass => "ok",
            Mark::Warn => "warning",
            Mark::Fail => "failed",
            Mark::Skip => "skipped",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Mark::Pass => "\x1b[32m",
            Mark::Warn => "\x1b[33m",
            Mark::Fail => "\x1b[31m",
            Mark::Skip => "\x1b[2m",
        }
    }
}

/// Whether stdout gets colour: a terminal, and NO_COLOR unset or empty (no-color.org).
pub fn colour_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty())
}

/// The mark, coloured when `colour`.
pub fn mark(m: Mark, colour: bool) -> String {
    if colour {
        format!("{}{}\x1b[0m", m.colour(), m.symbol())
    } else {
        m.symbol().to_owned()
    }
}

/// Bold when `colour`.
pub fn bold(s: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

/// JSON pretty-printed (never fails for a `Value`).
pub fn json(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}
