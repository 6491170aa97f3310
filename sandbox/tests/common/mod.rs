//! What the sandbox's tests share: a sandbox, a client of the default merchant that trusts it,
//! and raw requests (what the client would never send, or the hosted form's part).

// Each test file is its own crate and uses some of these helpers, not all.
#![allow(dead_code)]

use mpgs::{Client, ClientBuilder};
use mpgs_sandbox::{Config, Sandbox};
use serde_json::Value;

/// A Mastercard test card that passes Luhn and the sandbox's BIN table.
pub const CARD: &str = "5123450000000008";

/// `Authorization` of the default merchant (`TESTMERCHANT`, `sandbox-password`).
pub const TESTMERCHANT_AUTH: &str = "Basic bWVyY2hhbnQuVEVTVE1FUkNIQU5UOnNhbmRib3gtcGFzc3dvcmQ=";

/// A sandbox with the default settings.
pub fn sandbox() -> Sandbox {
    Sandbox::start(Config::default()).expect("sandbox starts")
}

/// A sandbox that also knows `CERTMERCHANT` (certificate auth), with `f` applied to its settings.
pub fn sandbox_with(f: impl FnOnce(&mut Config)) -> Sandbox {
    let mut c = Config { cert_merchants: vec!["CERTMERCHANT".into()], ..Config::default() };
    f(&mut c);
    Sandbox::start(c).expect("sandbox starts")
}

/// The default merchant's client settings against `s`, trusting its CA.
pub fn builder(s: &Sandbox) -> ClientBuilder {
    Client::builder("TESTMERCHANT")
        .password("sandbox-password")
        .base_url(s.url())
        .add_ca_file(s.tls().unwrap().ca_path())
}

/// The default merchant's client against `s`.
pub fn client(s: &Sandbox) -> Client {
    builder(s).build().expect("client builds")
}

/// A raw JSON request as the default merchant; the status and the JSON answer.
pub fn raw(s: &Sandbox, method: &str, path: &str, body: &Value) -> (u16, Value) {
    raw_text(s, method, path, &body.to_string(), &[])
}

/// A raw request with any body text and extra headers, as the default merchant.
pub fn raw_text(s: &Sandbox, method: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let ca = ureq::tls::Certificate::from_pem(&std::fs::read(s.tls().unwrap().ca_path()).unwrap()).unwrap();
    let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::new_with_certs(&[ca])).build();
    let config = ureq::Agent::config_builder().tls_config(tls).http_status_as_error(false).build();
    let agent = ureq::Agent::new_with_config(config);
    let url = format!("{}{path}", s.url());
    let mut req =
        ureq::http::Request::builder().method(method).uri(&url).header("Authorization", TESTMERCHANT_AUTH);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(body.to_owned()).unwrap();
    let mut r = agent.run(req).unwrap();
    let status = r.status().as_u16();
    (status, serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap())
}

/// The hosted payment form's part: PUT card details into the session.
pub fn put_card(s: &Sandbox, session_id: &str, body: &Value) -> Value {
    let (status, answer) =
        raw(s, "PUT", &format!("/api/rest/version/58/merchant/TESTMERCHANT/session/{session_id}"), body);
    assert_eq!(status, 200, "{answer}");
    answer
}
