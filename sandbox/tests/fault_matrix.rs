//! The fault matrix: every way a call can go wrong on the wire, against the sandbox's fault
//! injection over TLS on 127.0.0.1, with the error each must give and the time each may take.
//! The same table runs from Python in `tests/python/test_faults.py`.

use std::time::{Duration, Instant};

use mpgs::{Client, ClientBuilder, CreateSessionRequest, Error, ErrorKind, Result, Session};
use mpgs_sandbox::{Config, Fault, Sandbox, TlsFiles};

mod common;

fn start(f: impl FnOnce(&mut Config)) -> Sandbox {
    common::sandbox_with(f)
}

fn password(s: &Sandbox) -> ClientBuilder {
    common::builder(s).timeout(Duration::from_secs(5))
}

fn call(b: ClientBuilder) -> Result<Session> {
    b.build()?.create_session(&CreateSessionRequest::new())
}

fn attempts(e: &Error) -> u32 {
    e.attempts()
}

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4
}

struct Expect {
    kind: ErrorKind,
    outcome_unknown: bool,
    attempts: u32,
    http_status: Option<u16>,
    within: Duration,
}

impl Expect {
    fn new(
        kind: ErrorKind,
        outcome_unknown: bool,
        attempts: u32,
        http_status: Option<u16>,
        secs: u64,
    ) -> Self {
        Self { kind, outcome_unknown, attempts, http_status, within: Duration::from_secs(secs) }
    }
}

/// Makes the call with the client `b` and checks its error against `want`, time included.
fn fails(row: &str, b: ClientBuilder, want: Expect) -> Error {
    let start = Instant::now();
    let result = call(b);
    let elapsed = start.elapsed();
    let err = match result {
        Ok(s) => panic!("{row}: succeeded ({:?})", s.id),
        Err(e) => e,
    };
    assert_eq!(err.kind(), want.kind, "{row}: {err}");
    assert_eq!(err.outcome_unknown(), want.outcome_unknown, "{row}: {err}");
    assert_eq!(attempts(&err), want.attempts, "{row}: {err}");
    assert_eq!(err.http_status(), want.http_status, "{row}: {err}");
    assert!(elapsed <= want.within, "{row}: took {elapsed:?}, bound {:?}", want.within);
    err
}

#[test]
fn connection_refused_is_a_connect_error_retried_max_retries_times() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let b = Client::builder("TESTMERCHANT").password("p").base_url(format!("https://127.0.0.1:{port}"));
    fails("connection refused", b.max_retries(2), Expect::new(ErrorKind::Connect, false, 3, None, 5));
}

#[test]
fn server_busy_twice_then_success_honours_retry_after() {
    let s = start(|c| c.faults = vec![(Fault::Busy { retry_after: 1 }, 2)]);
    let start = Instant::now();
    let session = call(password(&s)).expect("third attempt succeeds");
    let elapsed = start.elapsed();
    assert_eq!(session.meta.attempts, 3);
    assert!(elapsed >= Duration::from_secs(2), "Retry-After: 1 twice, but done in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
}

#[test]
fn a_connection_closed_after_the_request_is_io_with_an_unknown_outcome_not_retried() {
    let s = start(|c| c.faults = vec![(Fault::Close, 3)]);
    fails("closed after request", password(&s), Expect::new(ErrorKind::Io, true, 1, None, 2));
    assert_eq!(s.faults().pending(), 2, "the request was sent once");
}

#[test]
fn an_answer_stalled_past_the_timeout_times_out_within_a_second_more() {
    let s = start(|c| c.faults = vec![(Fault::Stall(Duration::from_secs(20)), 3)]);
    fails(
        "stall",
        password(&s).timeout(Duration::from_secs(1)),
        Expect::new(ErrorKind::Timeout, true, 1, None, 2),
    );
}

#[test]
fn a_non_json_500_page_is_a_decode_error_with_a_short_snippet() {
    let s = start(|c| c.faults = vec![(Fault::Html500, 1)]);
    // Not the gateway's answer: whatever sent it may have forwarded the request.
    let err = fails("html 500", password(&s), Expect::new(ErrorKind::Decode, true, 1, Some(500), 2));
    let message = err.to_string();
    assert!(message.contains("Internal Server Error"), "{message}");
    assert!(message.len() < 400, "{message}");
}

#[test]
fn a_truncated_2xx_body_is_a_decode_error_with_an_unknown_outcome() {
    // The gateway did the work (201); only its answer is lost.
    let s = start(|c| c.faults = vec![(Fault::Truncate, 1)]);
    fails("truncated", password(&s), Expect::new(ErrorKind::Decode, true, 1, Some(201), 2));
}

#[test]
fn an_html_or_empty_503_from_a_load_balancer_is_not_retried() {
    for fault in [Fault::Html503, Fault::Empty503] {
        let s = start(|c| c.faults = vec![(fault.clone(), 3)]);
        fails(
            &format!("{fault:?}"),
            password(&s).max_retries(2),
            Expect::new(ErrorKind::Decode, true, 1, Some(503), 2),
        );
        assert_eq!(s.faults().pending(), 2, "{fault:?}: the request was sent once");
    }
}

#[test]
fn a_tls_failure_after_the_request_was_written_on_a_reused_connection_has_an_unknown_outcome() {
    let s = start(|_| {});
    let client = password(&s).max_retries(2).build().unwrap();
    client.create_session(&CreateSessionRequest::new()).expect("first call opens the connection");
    s.faults().push(Fault::Garbage, 3);
    let err = client.create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.outcome_unknown(), "{err}");
    assert_eq!(err.attempts(), 1, "not retried: {err}");
    assert_eq!(s.faults().pending(), 2);
}

#[test]
fn a_50_mb_body_stops_at_the_size_cap_and_memory_stays_bounded() {
    let s = start(|c| c.faults = vec![(Fault::Huge, 1)]);
    let before = rss_kib();
    let err = fails("50 MB", password(&s), Expect::new(ErrorKind::Decode, true, 1, Some(201), 3));
    assert!(err.to_string().contains("1048576"), "names the cap: {err}");
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 16 * 1024, "RSS grew by {grown} KiB");
}

#[test]
fn a_302_redirect_is_not_followed_and_is_named() {
    let s = start(|c| c.faults = vec![(Fault::Redirect, 1)]);
    let err = fails("redirect", password(&s), Expect::new(ErrorKind::Decode, false, 1, Some(302), 2));
    assert!(err.to_string().contains("redirect"), "{err}");
}

#[test]
fn an_untrusted_ca_is_a_tls_error_not_retried() {
    let s = start(|_| {});
    let b = Client::builder("TESTMERCHANT").password("p").base_url(s.url()).max_retries(3);
    fails("untrusted CA", b, Expect::new(ErrorKind::Tls, false, 1, None, 2));
}

#[test]
fn a_certificate_for_another_host_name_is_a_tls_error_not_retried() {
    let s = start(|c| c.server_names = vec!["gateway.example.com".into()]);
    let err =
        fails("wrong host name", password(&s).max_retries(3), Expect::new(ErrorKind::Tls, false, 1, None, 2));
    assert!(err.to_string().to_lowercase().contains("certificate"), "{err}");
}

#[test]
fn a_client_certificate_the_gateway_does_not_know_is_an_authentication_error() {
    let s = start(|_| {});
    let dir = std::env::temp_dir().join(format!("mpgs-unknown-cert-{}", std::process::id()));
    let stranger = TlsFiles::generate(&dir).unwrap();
    let b = Client::builder("CERTMERCHANT")
        .certificate_files(stranger.client_cert_path(), stranger.client_key_path())
        .base_url(s.url())
        .add_ca_file(s.tls().unwrap().ca_path());
    fails("unknown client certificate", b, Expect::new(ErrorKind::Authentication, false, 1, Some(401), 2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_tls_handshake_that_stalls_is_a_connect_timeout_within_the_connect_timeout() {
    // A listener that accepts and never answers the ClientHello.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let b = Client::builder("TESTMERCHANT")
        .password("p")
        .base_url(format!("https://127.0.0.1:{port}"))
        .connect_timeout(Duration::from_millis(300))
        .max_retries(1);
    fails("stalled handshake", b, Expect::new(ErrorKind::Connect, false, 2, None, 2));
    drop(listener);
}
