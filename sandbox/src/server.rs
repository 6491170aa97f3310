//! The server loop: accepting connections, serving requests on each, faults on the wire, and the
//! admin endpoint.

use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::gateway::{self, Gateway, Peer};
use crate::http::{read_request, write_head, write_response, ReadError, Request, Response};
use crate::Fault;

/// How long an idle keep-alive connection is kept when `--keepalive-timeout` is not given:
/// nginx's default `keepalive_timeout` (which, like the sandbox, then sends no `Keep-Alive`
/// header).
const IDLE_TIMEOUT: Duration = Duration::from_secs(75);

/// Connections accepted, open now, and the most open at once.
#[derive(Debug, Default)]
pub(crate) struct ConnCounts {
    pub(crate) accepted: AtomicUsize,
    pub(crate) open: AtomicUsize,
    pub(crate) max_open: AtomicUsize,
    pub(crate) full_handshakes: AtomicUsize,
    pub(crate) resumed_handshakes: AtomicUsize,
}

/// Counts a connection as open while it lives.
struct OpenGuard(Arc<ConnCounts>);

impl OpenGuard {
    fn new(c: Arc<ConnCounts>) -> Self {
        c.accepted.fetch_add(1, Ordering::SeqCst);
        let now = c.open.fetch_add(1, Ordering::SeqCst) + 1;
        c.max_open.fetch_max(now, Ordering::SeqCst);
        Self(c)
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Accepts connections until `stop` is set, serving each on its own thread.
pub(crate) fn spawn_accept_loop(
    listener: TcpListener,
    gateway: Arc<Gateway>,
    server_config: Option<Arc<rustls::ServerConfig>>,
    stop: Arc<AtomicBool>,
    counts: Arc<ConnCounts>,
    keepalive: Option<Duration>,
    announced: Option<Duration>,
) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name("mpgs-sandbox-accept".into()).spawn(move || {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let (gateway, server_config) = (gateway.clone(), server_config.clone());
            let guard = OpenGuard::new(counts.clone());
            let _ = std::thread::Builder::new().name("mpgs-sandbox-conn".into()).spawn(move || {
                serve_connection(stream, server_config, &gateway, (keepalive, announced), &guard.0);
                drop(guard);
            });
        }
    })
}

/// The socket of a connection; with a drip delay, every byte it writes goes alone, that long
/// after the one before.
struct Wire {
    tcp: TcpStream,
    drip: Option<Duration>,
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.tcp.read(buf)
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.drip {
            Some(d) if !buf.is_empty() => {
                std::thread::sleep(d);
                self.tcp.write(&buf[..1])
            }
            _ => self.tcp.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// A connection, plain or TLS.
enum Conn {
    Plain(Wire),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, Wire>>),
}

impl Conn {
    fn wire(&mut self) -> &mut Wire {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &mut s.sock,
        }
    }

    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => &s.tcp,
            Conn::Tls(s) => &s.sock.tcp,
        }
    }

    /// Ends the TLS session cleanly (`close_notify`) after what was written: the end of an
    /// answer framed by the close.
    fn close_notify(&mut self) {
        if let Conn::Tls(s) = self {
            s.conn.send_close_notify();
            let _ = s.flush();
        }
    }

    /// The client certificate presented in the handshake, if any.
    fn client_cert(&self) -> Option<&[u8]> {
        match self {
            Conn::Plain(_) => None,
            Conn::Tls(s) => s.conn.peer_certificates().and_then(|c| c.first()).map(|c| c.as_ref()),
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// Serves requests on one connection until it closes, or stays idle `keepalive` (default
/// [`IDLE_TIMEOUT`]); with `keepalive`, every answer says `Keep-Alive: timeout=S`.
fn serve_connection(
    tcp: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    gateway: &Gateway,
    (keepalive, announced): (Option<Duration>, Option<Duration>),
    counts: &ConnCounts,
) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(keepalive.unwrap_or(IDLE_TIMEOUT)));
    let with_keepalive = |mut r: Response| {
        if let Some(k) = announced.or(keepalive) {
            r.headers.push(("Keep-Alive", format!("timeout={}", k.as_secs())));
        }
        r
    };
    let peer_ip = tcp.peer_addr().map(|a| a.ip()).ok();
    let wire = Wire { tcp, drip: gateway.faults.next_for_connection() };
    let conn = match tls {
        None => Conn::Plain(wire),
        Some(config) => match rustls::ServerConnection::new(config) {
            Ok(mut c) => {
                let mut wire = wire;
                // The handshake first, so that it is counted (full or resumed) even on a
                // connection that a client opens ahead of its first request.
                while c.is_handshaking() {
                    match c.complete_io(&mut wire) {
                        Ok((0, 0)) if c.is_handshaking() => return,
                        Ok(_) => {}
                        Err(_) => return,
                    }
                }
                let counter = match c.handshake_kind() {
                    Some(rustls::HandshakeKind::Resumed) => &counts.resumed_handshakes,
                    _ => &counts.full_handshakes,
                };
                counter.fetch_add(1, Ordering::SeqCst);
                Conn::Tls(Box::new(rustls::StreamOwned::new(c, wire)))
            }
            Err(_) => return,
        },
    };
    let mut reader = BufReader::with_capacity(16 * 1024, conn);
    loop {
        let req = match read_request(&mut reader) {
            Ok(r) => r,
            Err(ReadError::Bad(status, why)) => {
                let _ = write_response(reader.get_mut(), &gateway::error(status, why), false);
                return;
            }
            Err(ReadError::Closed | ReadError::Io(_)) => return,
        };
        let keep_alive = req.keep_alive;
        let conn = reader.get_mut();
        let done = if req.path.starts_with("/_sandbox/") {
            let loopback = peer_ip.is_some_and(|ip| ip.is_loopback());
            write_response(conn, &admin(gateway, counts, &req, loopback), keep_alive).is_err()
        } else {
            gateway.record(&req);
            let fault = req
                .header("x-sandbox-fault")
                .and_then(|f| f.parse::<Fault>().ok())
                .or_else(|| gateway.faults.next());
            let latency = *gateway.latency.lock().unwrap_or_else(|e| e.into_inner());
            if !latency.is_zero() {
                std::thread::sleep(latency);
            }
            let peer = Peer { client_cert: conn.client_cert().map(|c| gateway.knows_client_cert(c)) };
            match fault {
                None => {
                    write_response(conn, &with_keepalive(gateway.handle(&req, &peer)), keep_alive).is_err()
                }
                Some(f) => apply_fault(conn, f, gateway, &req, &peer, keep_alive),
            }
        };
        if done || !keep_alive {
            let _ = reader.get_mut().flush();
            let _ = reader.get_ref().tcp().shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Applies a fault; returns true when the connection must close.
fn apply_fault(
    conn: &mut Conn,
    fault: Fault,
    gateway: &Gateway,
    req: &Request,
    peer: &Peer,
    keep_alive: bool,
) -> bool {
    match fault {
        Fault::Latency(d) => {
            std::thread::sleep(d);
            write_response(conn, &gateway.handle(req, peer), keep_alive).is_err()
        }
        Fault::Busy { retry_after } => {
            let mut r = Response::json(
                503,
                &serde_json::json!({"error": {"cause": "SERVER_BUSY",
                    "explanation": "The server did not have enough resources to process the request at the moment."},
                    "result": "ERROR"}),
            );
            r.headers.push(("Retry-After", retry_after.to_string()));
            write_response(conn, &r, keep_alive).is_err()
        }
        Fault::Close => true,
        Fault::Truncate => {
            let full = gateway.handle(req, peer);
            let _ = write_head(conn, &full, full.body.len(), false);
            let _ = conn.write_all(&full.body[..full.body.len() / 2]);
            true
        }
        Fault::Html500 => {
            let r = Response {
                status: 500,
                headers: vec![("Content-Type", "text/html".to_owned())],
                body: b"<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>".to_vec(),
            };
            let _ = write_response(conn, &r, false);
            true
        }
        Fault::Html503 | Fault::Empty503 => {
            let body: &[u8] = if fault == Fault::Html503 {
                b"<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"
            } else {
                b""
            };
            let r = Response {
                status: 503,
                headers: vec![("Content-Type", "text/html".to_owned())],
                body: body.to_vec(),
            };
            write_response(conn, &r, keep_alive).is_err()
        }
        Fault::Echo => {
            // Credentials first, so that they fall inside any snippet a client quotes.
            let mut headers = req.headers.clone();
            headers.sort_by_key(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
            let head: String = headers.iter().map(|(k, v)| format!("{k}: {v} ")).collect();
            let body = format!("<html><body>{head} {} {}</body></html>", req.method, req.path);
            let r = Response {
                status: 500,
                headers: vec![("Content-Type", "text/html".to_owned())],
                body: body.into_bytes(),
            };
            write_response(conn, &r, keep_alive).is_err()
        }
        Fault::Garbage => {
            let _ = conn.flush();
            let mut raw = conn.tcp();
            let _ = raw.write_all(b"this is not a TLS record\r\n");
            true
        }
        Fault::Huge => {
            const SIZE: usize = 50 * 1024 * 1024;
            let r = Response::json(201, &serde_json::Value::Null);
            if write_head(conn, &r, SIZE, false).is_ok() {
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < SIZE && conn.write_all(&chunk).is_ok() {
                    sent += chunk.len();
                }
            }
            true
        }
        Fault::Redirect => {
            let mut r = Response::json(302, &serde_json::json!({}));
            // Loopback, so that a client that wrongly followed it would still stay on this machine.
            r.headers.push(("Location", "https://127.0.0.1:9/elsewhere".to_owned()));
            write_response(conn, &r, keep_alive).is_err()
        }
        Fault::Stall(d) => {
            std::thread::sleep(d);
            true
        }
        Fault::ManyHeaders => {
            let mut r = gateway.handle(req, peer);
            for i in 0..200 {
                r.headers.push(("X-Edge-Trace", format!("hop-{i}")));
            }
            write_response(conn, &r, keep_alive).is_err()
        }
        Fault::Drip(d) => {
            let _ = conn.flush();
            conn.wire().drip = Some(d);
            let failed = write_response(conn, &gateway.handle(req, peer), keep_alive).is_err();
            conn.wire().drip = None;
            failed
        }
        Fault::Trailing => {
            let mut r = Response::json(201, &serde_json::Value::Null);
            r.body = sensitive_answer(gateway, req, peer);
            r.body.push(b'x');
            let _ = write_response(conn, &r, false);
            true
        }
        Fault::CutJson => {
            let body = sensitive_answer(gateway, req, peer);
            // Cut just before the closing quote of the last secret value: all of it is sent, in
            // a string that never ends.
            let cut = [
                &b"\"aes256Key\":\""[..],
                b"\"number\":\"",
                b"\"securityCode\":\"",
                b"\"pin\":\"",
                b"\"bankAccountNumber\":\"",
            ]
            .iter()
            .filter_map(|m| {
                let start = body.windows(m.len()).position(|w| w == *m)? + m.len();
                body[start..].iter().position(|&b| b == b'"').map(|n| start + n)
            })
            .max()
            .unwrap_or(body.len() / 2);
            let head = "HTTP/1.1 201 Created\r\nContent-Type: application/json;charset=UTF-8\r\nConnection: close\r\n\r\n";
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(&body[..cut]);
            conn.close_notify();
            true
        }
        Fault::EchoJson => {
            // Credentials first, so that they fall inside any snippet a client quotes.
            let mut headers = req.headers.clone();
            headers.sort_by_key(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
            let quoted: serde_json::Map<String, serde_json::Value> =
                headers.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
            let page = serde_json::json!({"headers": quoted, "path": req.path}).to_string();
            let r = Response {
                status: 500,
                headers: vec![("Content-Type", "application/json".to_owned())],
                body: page.replace('/', "\\/").into_bytes(),
            };
            write_response(conn, &r, keep_alive).is_err()
        }
        Fault::Shutdown => write_response(conn, &gateway.handle_as(req, peer, true), keep_alive).is_err(),
    }
}

/// The gateway's answer to `req` with the request's `sourceOfFunds` in clear at its head, as the
/// gateway answers when asked for sensitive data (`responseControls.sensitiveData`).
fn sensitive_answer(gateway: &Gateway, req: &Request, peer: &Peer) -> Vec<u8> {
    let answer = gateway.handle(req, peer).body;
    let sent: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
    // The secret values first in each source of funds, so that a short quote of the answer holds them.
    let secret_first = |o: &serde_json::Map<String, serde_json::Value>| {
        let mut fields: Vec<_> = o.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        fields.sort_by_key(|(k, _)| {
            !["securityCode", "pin", "bankAccountNumber", "number"].contains(&k.as_str())
        });
        serde_json::Value::Object(fields.into_iter().collect())
    };
    let provided = sent.pointer("/sourceOfFunds/provided").and_then(|p| p.as_object()).map(|p| {
        let m: serde_json::Map<_, _> = p
            .iter()
            .map(|(k, v)| (k.clone(), v.as_object().map_or_else(|| v.clone(), secret_first)))
            .collect();
        serde_json::json!({ "provided": m })
    });
    match provided {
        Some(sof) if answer.first() == Some(&b'{') => {
            let mut body = format!("{{\"sourceOfFunds\":{sof},").into_bytes();
            body.extend_from_slice(&answer[1..]);
            body
        }
        _ => answer,
    }
}

/// `POST /_sandbox/faults` `{"fault": "busy=1", "count": 2}` queues faults; `DELETE` clears
/// them; `POST /_sandbox/latency` `{"ms": 50}` sets the latency; `GET /_sandbox/stats` counts
/// the connections accepted and the full and resumed TLS handshakes. Loopback peers only.
fn admin(gateway: &Gateway, counts: &ConnCounts, req: &Request, loopback: bool) -> Response {
    if !loopback {
        return gateway::error(403, "the admin endpoints answer loopback peers only");
    }
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or(serde_json::Value::Null);
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/_sandbox/faults") => {
            let Some(fault) =
                body.get("fault").and_then(|f| f.as_str()).and_then(|f| f.parse::<Fault>().ok())
            else {
                return gateway::error(400, "expected {\"fault\": \"busy|close|truncate|html500|html503|empty503|echo|garbage|huge|redirect|stall[=ms]|drip[=ms]|manyheaders|trailing|cutjson|echojson|shutdown|latency=ms\", \"count\": N}");
            };
            let count = body.get("count").and_then(|c| c.as_u64()).unwrap_or(1) as usize;
            gateway.faults.push(fault, count);
            Response::json(200, &serde_json::json!({"pending": gateway.faults.pending()}))
        }
        ("DELETE", "/_sandbox/faults") => {
            gateway.faults.clear();
            Response::json(200, &serde_json::json!({"pending": 0}))
        }
        ("GET", "/_sandbox/stats") => Response::json(
            200,
            &serde_json::json!({
                "connections": counts.accepted.load(Ordering::SeqCst),
                "full_handshakes": counts.full_handshakes.load(Ordering::SeqCst),
                "resumed_handshakes": counts.resumed_handshakes.load(Ordering::SeqCst),
            }),
        ),
        ("POST", "/_sandbox/latency") => {
            let ms = body.get("ms").and_then(|m| m.as_u64()).unwrap_or(0);
            *gateway.latency.lock().unwrap_or_else(|e| e.into_inner()) = Duration::from_millis(ms);
            Response::json(200, &serde_json::json!({"ms": ms}))
        }
        _ => gateway::error(404, "unknown admin endpoint"),
    }
}
