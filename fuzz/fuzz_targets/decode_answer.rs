//! Answer decoding: status (2 bytes), a Content-Type up to the first NUL, then the body; the
//! decoded JSON goes through both result types.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpgs::{decode_answer, ResponseMeta, Session, Token};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 500;
    let rest = &data[2..];
    let (content_type, body) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (String::from_utf8_lossy(&rest[..i]).into_owned(), &rest[i + 1..]),
        None => (String::new(), rest),
    };
    if let Ok(v) = decode_answer(status, &content_type, body) {
        let meta =
            ResponseMeta { http_status: status, api_version: 58, elapsed: Default::default(), attempts: 1 };
        let s = Session::from_json(v.clone(), meta.clone());
        let t = Token::from_json(v, meta);
        let _ = (format!("{s:?}"), format!("{t:?}"));
    }
});
