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
pub mod clock;
mod delay;
pub mod faults;
pub mod gateway;
pub mod http;
pub mod proxy;
pub mod random;
mod server;
pub mod tls;

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use faults::{Fault, Faults};
pub use gateway::{Behaviour, Gateway, SeenRequest, TokenManagement, TokenStrategy, GATEWAY_VERSION};
pub use proxy::{Connect, ProxyMode, TunnelProxy};
pub use tls::TlsFiles;

use server::ConnCounts;

/// The default merchant and its password.
pub const DEFAULT_MERCHANT: (&str, &str) = ("TESTMERCHANT", "sandbox-password");

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
    /// Refuse, in the TLS handshake, a client without a certificate from the sandbox's CA.
    pub require_client_cert: bool,
    /// Close a connection idle this long, and say so in every answer (`Keep-Alive: timeout=S`);
    /// without it, idle connections are closed after 75 s and answers say nothing (nginx's
    /// defaults: `keepalive_timeout 75s`, and the header only when configured with its second
    /// parameter).
    pub keepalive_timeout: Option<Duration>,
    /// What answers say in `Keep-Alive: timeout=S` when it is not `keepalive_timeout`: a server
    /// (or a load balancer in front of it) whose idle timer fires before the time it announces,
    /// so that tests can put a reused connection's close at the very moment the client sends.
    pub keepalive_announced: Option<Duration>,
    /// A simulated network round trip (`--rtt-ms`): zero for none. Every byte in each direction
    /// is delayed by half of it, per connection, and a new connection's first bytes also by the
    /// TCP handshake's round trip (see `delay.rs`).
    pub rtt: Duration,
    /// Days until the generated client certificate expires (default: far in the future).
    pub client_cert_days: Option<u32>,
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
            require_client_cert: false,
            keepalive_timeout: None,
            keepalive_announced: None,
            rtt: Duration::ZERO,
            client_cert_days: None,
        }
    }
}

/// TLS handshakes a sandbox completed (see [`Sandbox::handshakes`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Handshakes {
    /// Full handshakes: the server's certificate sent (and the client's, if any, checked).
    pub full: usize,
    /// Resumed handshakes: a session from an earlier connection, no certificate exchanged.
    pub resumed: usize,
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
    /// With a simulated round trip: the server's own listener behind the delay line, and the
    /// delay line's accept loop.
    inner: Option<(SocketAddr, JoinHandle<()>)>,
}

fn fresh_temp_dir() -> PathBuf {
    let tag: String = random::random_bytes::<6>().iter().map(|b| format!("{b:02x}")).collect();
    std::env::temp_dir().join(format!("mpgs-sandbox-{}-{tag}", std::process::id()))
}

impl Sandbox {
    /// Binds, writes the TLS files and starts serving on background threads.
    pub fn start(config: Config) -> io::Result<Self> {
        let listener = TcpListener::bind(config.listen)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        // With a round trip to simulate, clients reach the server through a delay line.
        let (listener, inner) = if config.rtt.is_zero() {
            (listener, None)
        } else {
            let server_side = TcpListener::bind(SocketAddr::new(addr.ip(), 0))?;
            let upstream = server_side.local_addr()?;
            let line = delay::spawn_delay_loop(listener, upstream, config.rtt, stop.clone())?;
            (server_side, Some((upstream, line)))
        };
        let tls = if config.plain_http {
            None
        } else {
            let names: Vec<&str> = config.server_names.iter().map(String::as_str).collect();
            let dir = config.tls_dir.clone().unwrap_or_else(fresh_temp_dir);
            Some(TlsFiles::generate_with(&dir, &names, config.client_cert_days)?)
        };
        let server_config =
            tls.as_ref().map(|t| t.server_config_with(config.require_client_cert)).transpose()?;
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
        let counts = Arc::new(ConnCounts::default());
        let accept = server::spawn_accept_loop(
            listener,
            gateway.clone(),
            server_config,
            stop.clone(),
            counts.clone(),
            config.keepalive_timeout,
            config.keepalive_announced,
        )?;
        Ok(Self { counts, addr, url, tls, gateway, stop, accept: Some(accept), inner })
    }

    /// Connections accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.counts.accepted.load(Ordering::SeqCst)
    }

    /// TLS handshakes completed so far: full ones (the certificate sent and checked) and resumed
    /// ones (a session ticket from an earlier connection; no certificate).
    pub fn handshakes(&self) -> Handshakes {
        Handshakes {
            full: self.counts.full_handshakes.load(Ordering::SeqCst),
            resumed: self.counts.resumed_handshakes.load(Ordering::SeqCst),
        }
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
        if let Some((upstream, line)) = self.inner.take() {
            let _ = line.join();
            let _ = TcpStream::connect_timeout(&upstream, Duration::from_secs(1));
        }
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
