//! `--rtt-ms`: a simulated network in front of the sandbox. A plain TCP client sees every request
//! take a round trip, its first one a second round trip for the TCP handshake that loopback
//! skipped; a TLS 1.3 client's first call takes three (TCP, TLS, the request), its next one.
//! Bounds are generous below (the machine is shared) and strict above (a delay is never shorter).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use mpgs_sandbox::{Config, Sandbox};

const RTT: Duration = Duration::from_millis(200);

fn sandbox(f: impl FnOnce(&mut Config)) -> Sandbox {
    let mut c = Config { rtt: RTT, ..Config::default() };
    f(&mut c);
    Sandbox::start(c).expect("sandbox starts")
}

/// Writes a Check Gateway request and waits for the first byte of the answer; then reads the
/// whole answer (it is small and framed by Content-Length, so one read after the head is enough
/// here: the test only needs the connection idle again).
fn ask(tcp: &mut TcpStream, pieces: usize) -> Duration {
    let request = b"GET /api/rest/version/100/information HTTP/1.1\r\nHost: sandbox\r\n\r\n";
    let started = Instant::now();
    let step = request.len().div_ceil(pieces);
    for piece in request.chunks(step) {
        tcp.write_all(piece).unwrap();
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut first = [0u8; 1];
    tcp.read_exact(&mut first).unwrap();
    let took = started.elapsed();
    let mut rest = vec![0u8; 4096];
    let mut got = vec![first[0]];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") || !got.ends_with(b"}") {
        let n = tcp.read(&mut rest).unwrap();
        assert!(n > 0, "the answer ended early");
        got.extend_from_slice(&rest[..n]);
    }
    took
}

#[test]
fn a_plain_tcp_client_sees_a_round_trip_per_request_and_one_more_for_the_tcp_handshake() {
    let s = sandbox(|c| c.plain_http = true);
    let mut tcp = TcpStream::connect(s.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let first = ask(&mut tcp, 1);
    assert!(first >= RTT * 2, "TCP handshake + request: 2 round trips at least ({first:?})");
    let second = ask(&mut tcp, 1);
    assert!(second >= RTT, "one round trip at least ({second:?})");
    assert!(second < RTT * 2 + Duration::from_secs(1), "not a second TCP handshake ({second:?})");
}

#[test]
fn a_request_written_in_many_pieces_still_costs_one_round_trip_not_one_per_write() {
    let s = sandbox(|c| c.plain_http = true);
    let mut tcp = TcpStream::connect(s.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    ask(&mut tcp, 1);
    // 8 writes 10 ms apart: the last leaves ~80 ms after the first and arrives half a round trip
    // later; a line that slept per write would take 8 × 100 ms.
    let took = ask(&mut tcp, 8);
    assert!(took >= RTT, "{took:?}");
    assert!(took < RTT * 4, "one delay for the whole request ({took:?})");
}

#[test]
fn a_tls_client_pays_tcp_tls_and_the_request_on_its_first_call_and_one_round_trip_after() {
    let s = sandbox(|_| {});
    let c = common::client(&s);
    let started = Instant::now();
    c.check_gateway().unwrap();
    let first = started.elapsed();
    assert!(first >= RTT * 3, "TCP, TLS 1.3 and the request ({first:?})");
    let started = Instant::now();
    c.check_gateway().unwrap();
    let second = started.elapsed();
    assert!(second >= RTT, "{second:?}");
    assert!(second < RTT * 2 + Duration::from_secs(1), "on the same connection ({second:?})");
    assert_eq!(s.connections_accepted(), 1);
    assert_eq!(s.handshakes().full, 1);
}

#[test]
fn after_connect_the_first_call_takes_one_round_trip_on_the_connection_it_opened() {
    let s = sandbox(|_| {});
    let c = common::client(&s);
    c.connect().expect("warm-up");
    assert_eq!(s.connections_accepted(), 1);
    c.connect().expect("an idle connection is fit already: nothing more");
    // The server's session tickets arrive after the handshake, on the idle connection: they do
    // not make it unfit.
    std::thread::sleep(RTT * 2);
    let started = Instant::now();
    c.create_session(&mpgs::CreateSessionRequest::new()).unwrap();
    let took = started.elapsed();
    assert!(took < RTT * 2 + Duration::from_secs(1), "no TCP or TLS round trip left ({took:?})");
    assert_eq!(s.connections_accepted(), 1, "the call went on the warm connection");
    assert_eq!(s.handshakes().full, 1, "one handshake, at connect()");
}

#[test]
fn connect_to_a_closed_port_is_a_connect_error_and_nothing_is_sent() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = mpgs::Client::builder("TESTMERCHANT")
        .password("sandbox-password")
        .base_url(format!("https://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let e = c.connect().unwrap_err();
    assert_eq!(e.kind(), mpgs::ErrorKind::Connect, "{e}");
    assert!(!e.outcome_unknown(), "{e}");
}
