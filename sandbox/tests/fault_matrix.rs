//! The fault matrix: every way a call can go wrong on the wire, against the sandbox's fault
//! injection over TLS on 127.0.0.1, with the error each must give and the time each may take.
//! The same table runs from Python in `tests/python/test_faults.py`.

use std::time::{Duration, Instant};

use mpgs::{Client, ClientBuilder, CreateSessionRequest, Error, ErrorKind, Result, Session};
use mpgs_sandbox::{Config, Fault, Sandbox, TlsFiles};

fn start(f: impl FnOnce(&mut Config)) -> Sandbox {
    let mut c = Config { cert_merchants: vec!["CERTMERCHANT".into()], ..Config::default() };
    f(&mut c);
    Sandbox::start(c).expect("sandbox starts")
}

fn password(s: &Sandbox) -> ClientBuilder {
    Client::builder("TESTMERCHANT")
        .password("sandbox-password")
        .base_url(s.url())
        .add_ca_file(s.tls().unwrap().ca_path())
        .timeout(Duration::from_secs(5))
}

fn call(b: ClientBuilder) -> Result<Session> {
    b.build()?.create_session(&CreateSessionRequest::new())
}

fn attempts(e: &Error) -> u32 {
    match e {
        Error::Transport { attempts, .. } => *attempts,
        Error::Gateway(g) => g.attempts,
        _ => 1,
    }
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

fn check(row: &str, result: Result<Session>, elapsed: Duration, want: Expect) -> Error {
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
    let start = Instant::now();
    let r = call(b.max_retries(2));
    let want = Expect {
        kind: ErrorKind::Connect,
        outcome_unknown: false,
        attempts: 3,
        http_status: None,
        within: Duration::from_secs(5),
    };
    check("connection refused", r, start.elapsed(), want);
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
    let start = Instant::now();
    let r = call(password(&s));
    let want = Expect {
        kind: ErrorKind::Io,
        outcome_unknown: true,
        attempts: 1,
        http_status: None,
        within: Duration::from_secs(2),
    };
    check("closed after request", r, start.elapsed(), want);
    assert_eq!(s.faults().pending(), 2, "the request was sent once");
}

#[test]
fn an_answer_stalled_past_the_timeout_times_out_within_a_second_more() {
    let s = start(|c| c.faults = vec![(Fault::Stall(Duration::from_secs(20)), 3)]);
    let start = Instant::now();
    let r = call(password(&s).timeout(Duration::from_secs(1)));
    let want = Expect {
        kind: ErrorKind::Timeout,
        outcome_unknown: true,
        attempts: 1,
        http_status: None,
        within: Duration::from_secs(2),
    };
    check("stall", r, start.elapsed(), want);
}

#[test]
fn a_non_json_500_page_is_a_decode_error_with_a_short_snippet() {
    let s = start(|c| c.faults = vec![(Fault::Html500, 1)]);
    let start = Instant::now();
    let r = call(password(&s));
    let want = Expect {
        kind: ErrorKind::Decode,
        outcome_unknown: false,
        attempts: 1,
        http_status: Some(500),
        within: Duration::from_secs(2),
    };
    let err = check("html 500", r, start.elapsed(), want);
    let message = err.to_string();
    assert!(message.contains("Internal Server Error"), "{message}");
    assert!(message.len() < 400, "{message}");
}

#[test]
fn a_truncated_json_body_is_a_decode_error() {
    let s = start(|c| c.faults = vec![(Fault::Truncate, 1)]);
    let start = Instant::now();
    let r = call(password(&s));
    let want = Expect {
        kind: ErrorKind::Decode,
        outcome_unknown: false,
        attempts: 1,
        http_status: Some(201),
        within: Duration::from_secs(2),
    };
    check("truncated", r, start.elapsed(), want);
}

#[test]
fn a_50_mb_body_stops_at_the_size_cap_and_memory_stays_bounded() {
    let s = start(|c| c.faults = vec![(Fault::Huge, 1)]);
    let before = rss_kib();
    let start = Instant::now();
    let r = call(password(&s));
    let want = Expect {
        kind: ErrorKind::Decode,
        outcome_unknown: false,
        attempts: 1,
        http_status: Some(201),
        within: Duration::from_secs(3),
    };
    let err = check("50 MB", r, start.elapsed(), want);
    assert!(err.to_string().contains("1048576"), "names the cap: {err}");
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 16 * 1024, "RSS grew by {grown} KiB");
}

#[test]
fn a_302_redirect_is_not_followed_and_is_named() {
    let s = start(|c| c.faults = vec![(Fault::Redirect, 1)]);
    let start = Instant::now();
    let r = call(password(&s));
    let want = Expect {
        kind: ErrorKind::Decode,
        outcome_unknown: false,
        attempts: 1,
        http_status: Some(302),
        within: Duration::from_secs(2),
    };
    let err = check("redirect", r, start.elapsed(), want);
    assert!(err.to_string().contains("redirect"), "{err}");
}

#[test]
fn an_untrusted_ca_is_a_tls_error_not_retried() {
    let s = start(|_| {});
    let b = Client::builder("TESTMERCHANT").password("p").base_url(s.url()).max_retries(3);
    let start = Instant::now();
    let r = call(b);
    let want = Expect {
        kind: ErrorKind::Tls,
        outcome_unknown: false,
        attempts: 1,
        http_status: None,
        within: Duration::from_secs(2),
    };
    check("untrusted CA", r, start.elapsed(), want);
}

#[test]
fn a_certificate_for_another_host_name_is_a_tls_error_not_retried() {
    let s = start(|c| c.server_names = vec!["gateway.example.com".into()]);
    let start = Instant::now();
    let r = call(password(&s).max_retries(3));
    let want = Expect {
        kind: ErrorKind::Tls,
        outcome_unknown: false,
        attempts: 1,
        http_status: None,
        within: Duration::from_secs(2),
    };
    let err = check("wrong host name", r, start.elapsed(), want);
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
    let start = Instant::now();
    let r = call(b);
    let want = Expect {
        kind: ErrorKind::Authentication,
        outcome_unknown: false,
        attempts: 1,
        http_status: Some(401),
        within: Duration::from_secs(2),
    };
    check("unknown client certificate", r, start.elapsed(), want);
    let _ = std::fs::remove_dir_all(dir);
}
