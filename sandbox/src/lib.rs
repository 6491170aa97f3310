//! # mpgs-sandbox
//!
//! A local gateway that speaks the MPGS wire format over real HTTPS on loopback: Create Session,
//! Update Session, Retrieve Session and Create or Update Token, with the gateway's error
//! answers and faults on demand. Tests start it in-process:
//!
//! ```no_run
//! let sandbox = mpgs_sandbox::Sandbox::start(mpgs_sandbox::Config::default()).unwrap();
//! println!("{} trusts {}", sandbox.url(), sandbox.tls().unwrap().ca_path().display());
//! ```

pub mod answers;
pub mod cards;
pub mod faults;
pub mod gateway;
pub mod http;
pub mod proxy;
pub mod tls;

use std::collections::{HashMap, HashSet};
use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use faults::{Fault, Faults};
pub use gateway::{Behaviour, Gateway, SeenRequest, TokenManagement, TokenStrategy};
pub use proxy::{Connect, ProxyMode, TunnelProxy};
pub use tls::TlsFiles;

use gateway::Peer;
use http::{read_request, write_head, write_response, ReadError, Request, Response};

/// The default merchant and its password.
pub const DEFAULT_MERCHANT: (&str, &str) = ("TESTMERCHANT", "sandbox-password");
/// How long an idle keep-alive connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How to run a sandbox.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on (port 0 picks a free one).
    pub listen: SocketAddr,
    /// Where to write `ca.pem`, `client.pem`, `client.key`; a fresh temp dir when `None`.
    pub tls_dir: Option<PathBuf>,
    /// Password merchants (`id`, `password`).
    pub merchants: Vec<(String, String)>,
    /// Merchants that authenticate with the client certificate.
    pub cert_merchants: Vec<String>,
    /// Serve plain HTTP instead of HTTPS.
    pub plain_http: bool,
    /// Token id generation.
    pub token_strategy: TokenStrategy,
    /// Token management.
    pub token_management: TokenManagement,
    /// Extra delay before every answer.
    pub latency: Duration,
    /// Faults for the first requests.
    pub faults: Vec<(Fault, usize)>,
    /// Names in the server certificate (DNS names or IP addresses).
    pub server_names: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls_dir: None,
            merchants: vec![(DEFAULT_MERCHANT.0.to_owned(), DEFAULT_MERCHANT.1.to_owned())],
            cert_merchants: Vec::new(),
            plain_http: false,
            token_strategy: TokenStrategy::RandomWithLuhn,
            token_management: TokenManagement::UniqueCard,
            latency: Duration::ZERO,
            faults: Vec::new(),
            server_names: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()],
        }
    }
}

/// Connections accepted, open now, and the most open at once.
#[derive(Debug, Default)]
struct ConnCounts {
    accepted: AtomicUsize,
    open: AtomicUsize,
    max_open: AtomicUsize,
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

/// A running sandbox. Stops when dropped.
pub struct Sandbox {
    counts: Arc<ConnCounts>,
    addr: SocketAddr,
    url: String,
    tls: Option<TlsFiles>,
    gateway: Arc<Gateway>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

fn fresh_temp_dir() -> PathBuf {
    let tag: String = cards::random_bytes::<6>().iter().map(|b| format!("{b:02x}")).collect();
    std::env::temp_dir().join(format!("mpgs-sandbox-{}-{tag}", std::process::id()))
}

impl Sandbox {
    /// Binds, writes the TLS files and starts serving on background threads.
    pub fn start(config: Config) -> io::Result<Self> {
        let listener = TcpListener::bind(config.listen)?;
        let addr = listener.local_addr()?;
        let tls = if config.plain_http {
            None
        } else {
            let names: Vec<&str> = config.server_names.iter().map(String::as_str).collect();
            Some(TlsFiles::generate_for(&config.tls_dir.clone().unwrap_or_else(fresh_temp_dir), &names)?)
        };
        let server_config = tls.as_ref().map(TlsFiles::server_config).transpose()?;
        let behaviour = Behaviour {
            merchants: config.merchants.iter().cloned().collect::<HashMap<_, _>>(),
            cert_merchants: config.cert_merchants.iter().cloned().collect::<HashSet<_>>(),
            token_strategy: config.token_strategy,
            token_management: config.token_management,
            client_cert_der: tls.as_ref().map(TlsFiles::client_cert_der).transpose()?,
        };
        let gateway = Arc::new(Gateway::new(behaviour, config.latency));
        for (fault, count) in &config.faults {
            gateway.faults.push(fault.clone(), *count);
        }
        let scheme = if config.plain_http { "http" } else { "https" };
        let url = match addr {
            SocketAddr::V4(a) => format!("{scheme}://{a}"),
            SocketAddr::V6(a) => format!("{scheme}://[{}]:{}", a.ip(), a.port()),
        };
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(ConnCounts::default());
        let accept = {
            let (gateway, stop, counts) = (gateway.clone(), stop.clone(), counts.clone());
            std::thread::Builder::new().name("mpgs-sandbox-accept".into()).spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (gateway, server_config) = (gateway.clone(), server_config.clone());
                    let guard = OpenGuard::new(counts.clone());
                    let _ = std::thread::Builder::new().name("mpgs-sandbox-conn".into()).spawn(move || {
                        serve_connection(stream, server_config, &gateway);
                        drop(guard);
                    });
                }
            })?
        };
        Ok(Self { counts, addr, url, tls, gateway, stop, accept: Some(accept) })
    }

    /// Connections accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.counts.accepted.load(Ordering::SeqCst)
    }

    /// The most connections that were open at once.
    pub fn max_open_connections(&self) -> usize {
        self.counts.max_open.load(Ordering::SeqCst)
    }

    /// The heads of the last API requests received (up to 64), oldest first.
    pub fn seen_requests(&self) -> Vec<SeenRequest> {
        self.gateway.seen.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }

    /// The base URL (`https://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The TLS files (none with plain HTTP).
    pub fn tls(&self) -> Option<&TlsFiles> {
        self.tls.as_ref()
    }

    /// Faults for the next requests.
    pub fn faults(&self) -> &Faults {
        &self.gateway.faults
    }

    /// Changes the delay added before every answer.
    pub fn set_latency(&self, latency: Duration) {
        *self.gateway.latency.lock().unwrap_or_else(|e| e.into_inner()) = latency;
    }

    /// Stops accepting connections.
    pub fn shutdown(mut self) {
        self.stop_accepting();
    }

    fn stop_accepting(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop_accepting();
    }
}

/// A connection, plain or TLS.
enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Conn {
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &s.sock,
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

fn serve_connection(tcp: TcpStream, tls: Option<Arc<rustls::ServerConfig>>, gateway: &Gateway) {
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_read_timeout(Some(IDLE_TIMEOUT));
    let peer_ip = tcp.peer_addr().map(|a| a.ip()).ok();
    let conn = match tls {
        None => Conn::Plain(tcp),
        Some(config) => match rustls::ServerConnection::new(config) {
            Ok(c) => Conn::Tls(Box::new(rustls::StreamOwned::new(c, tcp))),
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
            write_response(conn, &admin(gateway, &req, loopback), keep_alive).is_err()
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
                None => write_response(conn, &gateway.handle(&req, &peer), keep_alive).is_err(),
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
    }
}

/// `POST /_sandbox/faults` `{"fault": "busy=1", "count": 2}` queues faults; `DELETE` clears
/// them; `POST /_sandbox/latency` `{"ms": 50}` sets the latency. Loopback peers only.
fn admin(gateway: &Gateway, req: &Request, loopback: bool) -> Response {
    if !loopback {
        return gateway::error(403, "the admin endpoints answer loopback peers only");
    }
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or(serde_json::Value::Null);
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/_sandbox/faults") => {
            let Some(fault) =
                body.get("fault").and_then(|f| f.as_str()).and_then(|f| f.parse::<Fault>().ok())
            else {
                return gateway::error(400, "expected {\"fault\": \"busy|close|truncate|html500|html503|empty503|echo|garbage|huge|redirect|stall[=ms]|latency=ms\", \"count\": N}");
            };
            let count = body.get("count").and_then(|c| c.as_u64()).unwrap_or(1) as usize;
            gateway.faults.push(fault, count);
            Response::json(200, &serde_json::json!({"pending": gateway.faults.pending()}))
        }
        ("DELETE", "/_sandbox/faults") => {
            gateway.faults.clear();
            Response::json(200, &serde_json::json!({"pending": 0}))
        }
        ("POST", "/_sandbox/latency") => {
            let ms = body.get("ms").and_then(|m| m.as_u64()).unwrap_or(0);
            *gateway.latency.lock().unwrap_or_else(|e| e.into_inner()) = Duration::from_millis(ms);
            Response::json(200, &serde_json::json!({"ms": ms}))
        }
        _ => gateway::error(404, "unknown admin endpoint"),
    }
}
