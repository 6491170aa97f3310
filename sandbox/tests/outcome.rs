//! "Outcome unknown" only when the gateway may have acted: a TLS 1.3 refusal of the client
//! certificate is "not sent"; a head of many lines is read; the server's `Keep-Alive: timeout`
//! is honoured; a reused connection closed under a request that is harmless to repeat is
//! repeated on a new connection, by the operation's repeat rule.

use std::time::Duration;

use mpgs::{Client, ClientBuilder, CreateSessionRequest, ErrorKind, Operation, RepeatRule};
use mpgs_sandbox::{Config, Fault, Sandbox, TlsFiles};
use serde_json::json;

mod common;

fn with(f: impl FnOnce(&mut Config)) -> Sandbox {
    common::sandbox_with(f)
}

fn session(c: &Client) -> mpgs::Result<mpgs::Session> {
    c.create_session(&CreateSessionRequest::new())
}

/// A token request for a card, with `strategy`.
fn token_body(strategy: &str) -> serde_json::Value {
    json!({
        "sourceOfFunds": {"type": "CARD", "provided": {"card": {
            "number": common::CARD, "expiry": {"month": "5", "year": "30"}, "securityCode": "737"}}},
        "verificationStrategy": strategy,
    })
}

// ---- a client certificate refused in the TLS 1.3 handshake ------------------------------------

fn cert_client(s: &Sandbox, cert: &TlsFiles) -> ClientBuilder {
    Client::builder("CERTMERCHANT")
        .certificate_files(cert.client_cert_path(), cert.client_key_path())
        .base_url(s.url())
        .add_ca_file(s.tls().unwrap().ca_path())
        .max_retries(2)
}

#[test]
fn a_client_certificate_refused_by_a_tls13_alert_is_a_tls_error_nothing_sent() {
    let s = with(|c| c.require_client_cert = true);
    // No certificate at all: the server's alert (certificate_required) comes after the client's
    // Finished, when the request is already written; the server has read none of it.
    let e = session(&common::builder(&s).max_retries(2).build().unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(!e.outcome_unknown(), "{e}");
    assert_eq!(e.attempts(), 1, "a retry cannot fix a certificate: {e}");
    assert!(e.to_string().contains("client certificate"), "{e}");
    assert!(e.to_string().contains("none is configured"), "{e}");
    // A certificate from another CA: refused the same way.
    let dir = std::env::temp_dir().join(format!("mpgs-foreign-cert-{}", std::process::id()));
    let stranger = TlsFiles::generate(&dir).unwrap();
    let e = session(&cert_client(&s, &stranger).build().unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(!e.outcome_unknown(), "{e}");
    assert_eq!(e.attempts(), 1, "{e}");
    assert!(e.to_string().contains("refused the client certificate"), "{e}");
    let _ = std::fs::remove_dir_all(dir);
    assert!(s.seen_requests().is_empty(), "nothing reached the gateway");
    // The sandbox's own client certificate passes.
    session(&cert_client(&s, s.tls().unwrap()).build().unwrap()).expect("the right certificate");
}

// ---- a head of many lines ---------------------------------------------------------------------

#[test]
fn an_answer_with_200_header_lines_is_read() {
    let s = with(|c| c.faults = vec![(Fault::ManyHeaders, 1)]);
    let created = session(&common::client(&s)).expect("a CDN's 200 extra header lines are fine");
    assert!(created.id.is_some());
    assert_eq!(s.faults().pending(), 0, "the fault was applied");
}

// ---- keep-alive -------------------------------------------------------------------------------

#[test]
fn an_idle_connection_is_reused_only_while_younger_than_the_servers_keep_alive_timeout_less_a_second() {
    // The server closes idle connections after 2 s and says `Keep-Alive: timeout=2`: the client
    // reuses one for up to 1 s.
    let s = with(|c| c.keepalive_timeout = Some(Duration::from_secs(2)));
    let c = common::client(&s);
    session(&c).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    session(&c).unwrap();
    assert_eq!(s.connections_accepted(), 1, "idle 0.3 s: reused");
    std::thread::sleep(Duration::from_millis(1300));
    session(&c).unwrap();
    assert_eq!(s.connections_accepted(), 2, "idle 1.3 s: past 2 s less 1 s, a new connection");
}

#[test]
fn calls_a_keep_alive_timeout_apart_all_succeed() {
    // `Keep-Alive: timeout=1`: idle connections are never reused, so no call is written into a
    // connection the server is closing just then.
    let s = with(|c| c.keepalive_timeout = Some(Duration::from_secs(1)));
    let c = common::builder(&s).max_retries(0).build().unwrap();
    for _ in 0..4 {
        session(&c).expect("never written into a closing connection");
        std::thread::sleep(Duration::from_millis(950));
    }
    assert_eq!(s.connections_accepted(), 4);
}

#[test]
fn harmless_calls_never_fail_at_the_edge_of_the_servers_idle_close() {
    // The server's idle timer fires after 1 s, exactly when the client stops reusing (it says
    // `timeout=2`, less the client's 1 s margin): calls spaced 0.985-1.015 s apart land on
    // either side of that close, some written into a connection the server is closing just
    // then. Create Session and Retrieve Session are harmless to repeat: none fails.
    let s = with(|c| {
        c.keepalive_timeout = Some(Duration::from_secs(1));
        c.keepalive_announced = Some(Duration::from_secs(2));
    });
    let c = common::client(&s);
    let id = session(&c).unwrap().id.unwrap();
    let (mut failures, mut repeated) = (Vec::new(), 0);
    for i in 0..16 {
        let pause = Duration::from_micros(985_000 + 2_000 * i);
        std::thread::sleep(pause);
        let attempts = if i % 2 == 0 {
            session(&c).map(|r| r.meta.attempts)
        } else {
            c.retrieve_session(&id).map(|r| r.meta.attempts)
        };
        match attempts {
            Ok(n) => repeated += usize::from(n > 1),
            Err(e) => failures.push((pause, e.to_string())),
        }
    }
    assert!(failures.is_empty(), "{failures:?} ({repeated} repeated on a new connection)");
}

// ---- the repeat rule --------------------------------------------------------------------------

#[test]
fn the_repeat_rule_is_written_once_per_operation() {
    assert_eq!(Operation::CreateSession.repeat_rule(), RepeatRule::Always);
    assert_eq!(Operation::CreateToken.repeat_rule(), RepeatRule::OnlyIfUserSaysSafe);
    for op in [
        Operation::RetrieveSession,
        Operation::RetrieveToken,
        Operation::DeleteToken,
        Operation::CheckGateway,
    ] {
        assert_eq!(op.repeat_rule(), RepeatRule::Always, "{op:?}: a GET or DELETE is harmless to repeat");
    }
    assert_eq!(Operation::UpdateSession.repeat_rule(), RepeatRule::Never, "an update may have been applied");
}

#[test]
fn the_workflow_calls_are_repeated_by_their_rule_and_update_session_never() {
    let s = common::sandbox();
    let c = common::builder(&s).max_retries(2).build().unwrap();
    let id = session(&c).unwrap().id.expect("a session id");
    let token = c.create_token_json(token_body("BASIC")).unwrap().token.expect("a token");

    s.faults().push(Fault::Close, 1);
    assert_eq!(c.retrieve_session(&id).expect("a GET is repeated").meta.attempts, 2);
    s.faults().push(Fault::Close, 1);
    assert_eq!(c.retrieve_token(&token).expect("a GET is repeated").meta.attempts, 2);
    s.faults().push(Fault::Close, 1);
    assert_eq!(c.check_gateway().expect("a GET is repeated").meta.attempts, 2);

    let before = s.connections_accepted();
    s.faults().push(Fault::Close, 1);
    let e = c.update_session_json(&id, json!({"order.currency": "USD"})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.outcome_unknown() && e.attempts() == 1, "an update is never repeated blindly: {e}");
    assert!(s.connections_accepted() <= before + 1, "no new connection for a repeat");

    c.check_gateway().unwrap(); // a connection to reuse again
    s.faults().push(Fault::Close, 1);
    assert_eq!(c.delete_token(&token).expect("a DELETE is repeated").meta.attempts, 2);
}

#[test]
fn after_a_repeat_the_outcome_stays_unknown_whatever_the_repeat_gets() {
    let s = common::sandbox();
    let c = common::builder(&s).max_retries(1).build().unwrap();
    session(&c).unwrap();
    // The first attempt is read and its reused connection closed unanswered (it may have been
    // processed); the repeat is answered SERVER_BUSY, and no retry is left.
    s.faults().push(Fault::Close, 1);
    s.faults().push(Fault::Busy { retry_after: 0 }, 1);
    let e = session(&c).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Gateway, "{e}");
    assert_eq!(e.attempts(), 2, "{e}");
    assert!(e.outcome_unknown(), "the first attempt may have reached the gateway: {e}");
    assert!(e.to_string().contains("an earlier attempt"), "{e}");
}

#[test]
fn create_session_is_repeated_on_a_new_connection_when_a_reused_one_closes_before_any_answer() {
    let s = common::sandbox();
    let c = common::builder(&s).max_retries(2).build().unwrap();
    session(&c).unwrap();
    // The next request, on the reused connection, is read and the connection closed unanswered.
    s.faults().push(Fault::Close, 1);
    let created = session(&c).expect("repeated: an unused session is harmless");
    assert_eq!(created.meta.attempts, 2);
    assert_eq!(s.connections_accepted(), 2, "the repeat went out on a new connection");
}

#[test]
fn a_request_closed_unanswered_on_a_fresh_connection_is_never_repeated() {
    let s = common::sandbox();
    s.faults().push(Fault::Close, 1);
    let e = session(&common::builder(&s).max_retries(2).build().unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.outcome_unknown() && e.attempts() == 1, "{e}");
}

#[test]
fn a_token_is_repeated_only_for_a_unique_card_repository_and_never_with_acquirer_verification() {
    let s = common::sandbox();
    let run = |unique_card: bool, strategy: &str| {
        let c = common::builder(&s).max_retries(2).token_repository_unique_card(unique_card).build().unwrap();
        c.create_token_json(token_body("BASIC")).unwrap();
        s.faults().push(Fault::Close, 1);
        c.create_token_json(token_body(strategy))
    };
    let e = run(false, "BASIC").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.outcome_unknown() && e.attempts() == 1, "not said to be safe: {e}");
    let token = run(true, "BASIC").expect("a Unique Card repository returns the same token");
    assert_eq!(token.meta.attempts, 2);
    let e = run(true, "ACQUIRER").unwrap_err();
    assert!(e.outcome_unknown() && e.attempts() == 1, "ACQUIRER verifies again at every call: {e}");
}

#[test]
fn max_retries_zero_means_no_repeat_either() {
    let s = common::sandbox();
    let c = common::builder(&s).max_retries(0).build().unwrap();
    session(&c).unwrap();
    s.faults().push(Fault::Close, 1);
    let e = session(&c).unwrap_err();
    assert!(e.outcome_unknown() && e.attempts() == 1, "{e}");
}
