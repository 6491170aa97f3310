//! Hostile values in the merchant id, password, correlation id and base URL cannot change the
//! request line or add headers: checked on what the sandbox actually received.

use mpgs::{Client, CreateSessionRequest, ErrorKind};
use mpgs_sandbox::{Config, Sandbox, SeenRequest};

mod common;

const HOSTILE: &[&str] = &[
    "TEST\r\nX-Injected: 1",
    "TEST\nX-Injected: 1",
    "TEST\rX-Injected: 1",
    "TEST\0MERCHANT",
    "TESTMÉRCHANT",
    "TEST MERCHANT",
    "TEST/../OTHER",
    "..",
    "TEST?x=1",
    "TEST#frag",
    "TEST%2F..",
];

fn sandbox(merchants: Vec<(String, String)>) -> Sandbox {
    Sandbox::start(Config { merchants, ..Config::default() }).unwrap()
}

fn default_sandbox() -> Sandbox {
    sandbox(vec![("TESTMERCHANT".into(), "sandbox-password".into())])
}

fn client(s: &Sandbox, password: &str) -> Client {
    common::builder(s).password(password).build().unwrap()
}

fn no_injected_header(r: &SeenRequest) {
    assert!(
        r.headers.iter().all(|(k, v)| !k.eq_ignore_ascii_case("x-injected") && !v.contains("X-Injected")),
        "{r:?}"
    );
    let auths = r.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("authorization")).count();
    assert_eq!(auths, 1, "{r:?}");
}

#[test]
fn a_hostile_merchant_id_is_refused_before_anything_is_sent() {
    let s = default_sandbox();
    for id in HOSTILE {
        let err = Client::builder(*id)
            .password("sandbox-password")
            .base_url(s.url())
            .add_ca_file(s.tls().unwrap().ca_path())
            .build()
            .map(|_| ())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{id:?}: {err}");
        assert_eq!(err.field_errors()[0].field, "merchantId", "{id:?}");
        assert!(!err.to_string().contains('\r') && !err.to_string().contains('\n'), "{err}");
    }
    assert!(s.seen_requests().is_empty());
}

#[test]
fn a_hostile_password_stays_inside_the_basic_credentials() {
    let s = default_sandbox();
    let hostile =
        ["pw\r\nX-Injected: 1", "pw\nX-Injected: 1", "pw\0x", "pässwörd", "\r\n\r\nPOST /evil HTTP/1.1"];
    for pw in hostile {
        let c = client(&s, pw);
        let err = c.create_session(&CreateSessionRequest::new()).unwrap_err();
        assert_eq!((err.kind(), err.http_status()), (ErrorKind::Authentication, Some(401)), "{pw:?}");
    }
    let seen = s.seen_requests();
    assert_eq!(seen.len(), hostile.len(), "one request each, none smuggled: {seen:?}");
    for r in &seen {
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("POST", "/api/rest/version/58/merchant/TESTMERCHANT/session")
        );
        no_injected_header(r);
    }
}

#[test]
fn a_non_ascii_password_is_sent_whole() {
    let pw = "pässwörd-\u{1F600}-\u{4E2D}";
    let s = sandbox(vec![("TESTMERCHANT".into(), pw.into())]);
    let c = client(&s, pw);
    assert!(c.create_session(&CreateSessionRequest::new()).is_ok());
}

/// The spec lets `correlationId` hold any characters: they travel JSON-escaped in the body and
/// come back verbatim, and never reach the request head.
#[test]
fn a_correlation_id_with_control_characters_stays_in_the_json_body() {
    let s = default_sandbox();
    let c = client(&s, "sandbox-password");
    let hostile = ["till\r\nX-Injected: 1", "till\0", "\r\n\r\nPOST /evil HTTP/1.1\r\n"];
    for id in hostile {
        let session = c.create_session(&CreateSessionRequest::new().correlation_id(id)).unwrap();
        assert_eq!(session.correlation_id.as_deref(), Some(id));
    }
    let seen = s.seen_requests();
    assert_eq!(seen.len(), hostile.len(), "{seen:?}");
    for r in &seen {
        assert_eq!(r.path, "/api/rest/version/58/merchant/TESTMERCHANT/session");
        assert!(r.headers.iter().all(|(_, v)| !v.contains("till")));
        no_injected_header(r);
    }
}

#[test]
fn a_hostile_base_url_is_a_configuration_error() {
    for url in [
        "https://127.0.0.1:1/\r\nX-Injected: 1",
        "https://127.0.0.1:1\r\n",
        "https://127.0.0.1:1/ x",
        "https://127.0.0.1:1\0",
    ] {
        let err =
            Client::builder("TESTMERCHANT").password("p").base_url(url).build().map(|_| ()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url:?}: {err}");
    }
}
