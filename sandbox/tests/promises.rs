//! Transport promises of SECURITY.md against servers that misbehave in ways the sandbox does not
//! (written here, on 127.0.0.1): an idle connection with a `close_notify` or stray data waiting
//! is not reused; an answer that is not HTTP is an `Io` error; the 64 KiB head cap; a
//! connection closed during the TLS handshake is retried; TLS 1.2 and 1.3 only.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mpgs::{Client, ClientBuilder, CreateSessionRequest, ErrorKind};
use mpgs_sandbox::TlsFiles;
use rustls::{ServerConnection, StreamOwned};

const SESSION: &str = r#"{"merchant":"TESTMERCHANT","result":"SUCCESS","session":{"id":"SESSION0002776555072I2487166L28","updateStatus":"NO_UPDATE","version":"e3f144ce02"}}"#;

fn created() -> Vec<u8> {
    format!(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\n\r\n{SESSION}",
        SESSION.len()
    )
    .into_bytes()
}

/// A listener on 127.0.0.1 that runs `serve` on a thread per connection (numbered from 0);
/// returns the port and the count of connections accepted.
fn listen(serve: impl Fn(usize, TcpStream) + Send + Sync + 'static) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let (accepted, serve) = (count.clone(), Arc::new(serve));
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { return };
            let n = accepted.fetch_add(1, Ordering::SeqCst);
            let serve = serve.clone();
            std::thread::spawn(move || serve(n, conn));
        }
    });
    (port, count)
}

/// Reads until the end of a request head (and whatever came with it).
fn read_request(r: &mut impl Read) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

fn tls_files() -> TlsFiles {
    let tag: u64 = rand_tag();
    TlsFiles::generate(&std::env::temp_dir().join(format!("mpgs-promises-{}-{tag}", std::process::id())))
        .unwrap()
}

fn rand_tag() -> u64 {
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::SeqCst) as u64
}

fn tls_client(files: &TlsFiles, port: u16) -> ClientBuilder {
    Client::builder("TESTMERCHANT")
        .password("sandbox-password")
        .base_url(format!("https://127.0.0.1:{port}"))
        .add_ca_file(files.ca_path())
        .timeout(Duration::from_secs(3))
}

/// A TLS server that answers each connection's first request with a session, then does `after`
/// to the connection, and keeps it open a while.
fn tls_server(
    files: &TlsFiles,
    after: fn(&mut StreamOwned<ServerConnection, TcpStream>),
) -> (u16, Arc<AtomicUsize>) {
    let config = files.server_config().unwrap();
    listen(move |_, tcp| {
        let Ok(conn) = ServerConnection::new(config.clone()) else { return };
        let mut tls = StreamOwned::new(conn, tcp);
        read_request(&mut tls);
        let _ = tls.write_all(&created());
        let _ = tls.flush();
        std::thread::sleep(Duration::from_millis(100));
        after(&mut tls);
        std::thread::sleep(Duration::from_secs(3));
    })
}

#[test]
fn an_idle_connection_with_a_close_notify_waiting_is_not_reused() {
    let files = tls_files();
    let (port, accepted) = tls_server(&files, |tls| {
        tls.conn.send_close_notify();
        let _ = tls.conn.complete_io(&mut tls.sock);
    });
    let c = tls_client(&files, port).max_retries(0).build().unwrap();
    c.create_session(&CreateSessionRequest::new()).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    // Written into the closed connection, this call would time out unanswered.
    c.create_session(&CreateSessionRequest::new()).expect("a new connection");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
    let _ = std::fs::remove_dir_all(&files.dir);
}

#[test]
fn an_idle_connection_with_stray_data_waiting_is_not_reused() {
    let files = tls_files();
    let (port, accepted) = tls_server(&files, |tls| {
        let _ = tls.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        let _ = tls.flush();
    });
    let c = tls_client(&files, port).max_retries(0).build().unwrap();
    c.create_session(&CreateSessionRequest::new()).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    // Reused, the stray answer would be read as this call's.
    c.create_session(&CreateSessionRequest::new()).expect("a new connection");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
    let _ = std::fs::remove_dir_all(&files.dir);
}

#[test]
fn an_answer_that_is_not_http_is_an_io_error_with_an_unknown_outcome() {
    let files = tls_files();
    let config = files.server_config().unwrap();
    let (port, _) = listen(move |_, tcp| {
        let Ok(conn) = ServerConnection::new(config.clone()) else { return };
        let mut tls = StreamOwned::new(conn, tcp);
        read_request(&mut tls);
        let _ = tls.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
        let _ = tls.flush();
        std::thread::sleep(Duration::from_secs(1));
    });
    let e =
        tls_client(&files, port).build().unwrap().create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.outcome_unknown() && e.attempts() == 1, "{e}");
    assert!(e.to_string().contains("not valid HTTP"), "{e}");
    let _ = std::fs::remove_dir_all(&files.dir);
}

#[test]
fn an_answer_head_over_64_kib_is_refused_and_one_just_under_is_read() {
    // Plain HTTP on loopback: the head cap is the HTTP reader's, whatever the transport.
    let (port, _) = listen(|n, mut tcp| {
        read_request(&mut tcp);
        let filler = if n == 0 { 64 * 1024 } else { 60 * 1024 };
        let mut answer = b"HTTP/1.1 201 Created\r\n".to_vec();
        for _ in 0..filler / 64 {
            answer.extend_from_slice(format!("X-Fill: {}\r\n", "a".repeat(54)).as_bytes());
        }
        answer.extend_from_slice(&created()[b"HTTP/1.1 201 Created\r\n".len()..]);
        let _ = tcp.write_all(&answer);
        std::thread::sleep(Duration::from_millis(500));
    });
    let c = Client::builder("TESTMERCHANT")
        .password("p")
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let e = c.create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.to_string().contains("too large"), "{e}");
    c.create_session(&CreateSessionRequest::new()).expect("a 60 KiB head of 960 lines is read");
}

#[test]
fn a_connection_closed_during_the_tls_handshake_is_a_connect_failure_and_retried() {
    // Reads the ClientHello, then closes.
    let (port, accepted) = listen(|_, mut tcp| {
        let mut buf = [0u8; 4096];
        let _ = tcp.read(&mut buf);
    });
    let c = Client::builder("TESTMERCHANT")
        .password("p")
        .base_url(format!("https://127.0.0.1:{port}"))
        .max_retries(2)
        .build()
        .unwrap();
    let e = c.create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connect, "{e}");
    assert!(!e.outcome_unknown() && e.attempts() == 3, "{e}");
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

/// The `supported_versions` a ClientHello offers (extension 43), from its record.
fn offered_versions(hello: &[u8]) -> Vec<u16> {
    // record(5) type(1) len(3) legacy_version(2) random(32)
    let mut i = 5 + 4 + 2 + 32;
    let sid = hello[i] as usize;
    i += 1 + sid;
    let suites = u16::from_be_bytes([hello[i], hello[i + 1]]) as usize;
    i += 2 + suites;
    let comp = hello[i] as usize;
    i += 1 + comp;
    let end = i + 2 + u16::from_be_bytes([hello[i], hello[i + 1]]) as usize;
    i += 2;
    while i + 4 <= end {
        let (kind, len) = (
            u16::from_be_bytes([hello[i], hello[i + 1]]),
            u16::from_be_bytes([hello[i + 2], hello[i + 3]]) as usize,
        );
        if kind == 43 {
            let list = &hello[i + 5..i + 4 + len];
            return list.chunks(2).map(|v| u16::from_be_bytes([v[0], v[1]])).collect();
        }
        i += 4 + len;
    }
    Vec::new()
}

#[test]
fn only_tls_12_and_13_are_offered_and_a_tls_11_server_is_refused() {
    // Reads the ClientHello, keeps the versions it offers, and answers a TLS 1.1 ServerHello
    // (version 0x0302, TLS_RSA_WITH_AES_128_CBC_SHA, no extensions).
    let offered = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = offered.clone();
    let (port, accepted) = listen(move |_, mut tcp| {
        let mut hello = vec![0u8; 5];
        if tcp.read_exact(&mut hello).is_err() {
            return;
        }
        let len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
        hello.resize(5 + len, 0);
        if tcp.read_exact(&mut hello[5..]).is_err() {
            return;
        }
        *seen.lock().unwrap() = offered_versions(&hello);
        let mut body = vec![0x03, 0x02];
        body.extend_from_slice(&[7u8; 32]);
        body.extend_from_slice(&[0x00, 0x00, 0x2f, 0x00]);
        let mut record =
            vec![0x16, 0x03, 0x02, 0x00, (body.len() + 4) as u8, 0x02, 0x00, 0x00, body.len() as u8];
        record.extend_from_slice(&body);
        let _ = tcp.write_all(&record);
        std::thread::sleep(Duration::from_millis(500));
    });
    let c = Client::builder("TESTMERCHANT")
        .password("p")
        .base_url(format!("https://127.0.0.1:{port}"))
        .max_retries(2)
        .build()
        .unwrap();
    let e = c.create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(!e.outcome_unknown() && e.attempts() == 1, "not retried: {e}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    let mut versions = offered.lock().unwrap().clone();
    versions.sort_unstable();
    assert_eq!(versions, vec![0x0303, 0x0304], "TLS 1.2 and 1.3, nothing older");
}
