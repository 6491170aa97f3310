//! One deadline over the whole call, whatever the peer does: a server that sends every byte of
//! its TLS handshake and of its answer alone, 20 ms apart (`--fault drip=20`), cannot hold a
//! call past its timeout plus half a second. rustls loops inside one `complete_io` and one
//! record read; before the deadline was set on every socket call, such a call took ~15 s.

use std::time::{Duration, Instant};

use mpgs::{ClientBuilder, CreateSessionRequest, Error, ErrorKind};
use mpgs_sandbox::{Fault, Sandbox};

mod common;

const MARGIN: Duration = Duration::from_millis(500);

fn builder(s: &Sandbox, timeout: Duration) -> ClientBuilder {
    common::builder(s).connect_timeout(Duration::from_secs(1)).timeout(timeout)
}

/// Calls Create Session, and checks that it failed within `timeout` + 0.5 s.
fn timed_call(b: ClientBuilder, timeout: Duration) -> Error {
    let client = b.build().unwrap();
    let start = Instant::now();
    let result = client.create_session(&CreateSessionRequest::new());
    let elapsed = start.elapsed();
    let err = match result {
        Ok(s) => panic!("succeeded after {elapsed:?} ({:?})", s.id),
        Err(e) => e,
    };
    assert!(elapsed <= timeout + MARGIN, "took {elapsed:?} with a {timeout:?} timeout: {err}");
    err
}

#[test]
fn a_dripped_handshake_and_answer_end_at_the_call_timeout_as_a_timeout_not_sent() {
    let s = common::sandbox();
    // Every connection the call opens drips its handshake.
    s.faults().push(Fault::Drip(Duration::from_millis(20)), 10);
    let timeout = Duration::from_secs(2);
    let err = timed_call(builder(&s, timeout), timeout);
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(!err.outcome_unknown(), "the handshake never finished: nothing was sent ({err})");
    assert!(s.seen_requests().is_empty());
}

#[test]
fn a_dripped_answer_ends_at_the_call_timeout_with_an_unknown_outcome() {
    let s = common::sandbox();
    let timeout = Duration::from_secs(2);
    let client = builder(&s, timeout).build().unwrap();
    // A first call opens the connection normally; the queued drip then takes the next request
    // on that same connection, and drips its answer only.
    client.create_session(&CreateSessionRequest::new()).unwrap();
    s.faults().push(Fault::Drip(Duration::from_millis(20)), 1);
    let start = Instant::now();
    let err = client.create_session(&CreateSessionRequest::new()).unwrap_err();
    let elapsed = start.elapsed();
    assert!(elapsed <= timeout + MARGIN, "took {elapsed:?}: {err}");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.outcome_unknown(), "the request was written: {err}");
    assert_eq!(err.attempts(), 1, "{err}");
}

#[test]
fn a_call_whose_time_ran_out_before_the_request_was_written_is_not_sent() {
    // The handshake drips past the call's timeout, which is shorter than the connect timeout:
    // the call's own deadline ends it, and nothing was written.
    let s = common::sandbox();
    s.faults().push(Fault::Drip(Duration::from_millis(20)), 10);
    let timeout = Duration::from_millis(700);
    let err =
        timed_call(common::builder(&s).connect_timeout(Duration::from_secs(5)).timeout(timeout), timeout);
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(!err.outcome_unknown(), "{err}");
    assert_eq!(err.attempts(), 1, "{err}");
}
