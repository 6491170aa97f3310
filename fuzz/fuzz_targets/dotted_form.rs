//! The dotted form: lines `name=value` set as the C setters do (`value_from_text`), expanded
//! and validated for both operations.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpgs::validate::{prepare, value_from_text};
use mpgs::Operation;
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for op in [Operation::CreateSession, Operation::CreateToken] {
        let mut body = Map::new();
        for line in text.lines() {
            let (name, value) = line.split_once('=').unwrap_or((line, ""));
            body.insert(name.to_owned(), value_from_text(op, name, value));
        }
        let _ = prepare(op, Value::Object(body));
    }
});
