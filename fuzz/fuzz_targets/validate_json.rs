//! Validation of arbitrary request bodies (bytes as JSON text) for both operations.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpgs::validate::{check_fields, prepare, prepare_text};
use mpgs::Operation;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for op in Operation::ALL {
        if let Err(e) = prepare_text(op, &text) {
            assert!(e.kind() == mpgs::ErrorKind::Validation);
        }
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
            let _ = check_fields(op, &v);
            let _ = prepare(op, v);
        }
    }
});
