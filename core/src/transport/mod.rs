//! The connection layer under the client: HTTP/1.1 over rustls on keep-alive connections to the
//! one gateway host a client talks to, optionally through an HTTP CONNECT proxy.
//!
//! STYLE.md's Transport section names one `ureq::Agent` per client; this module departs from it
//! on purpose. It is ours rather than a general HTTP client's for four reasons, each a promise of
//! SECURITY.md: it knows exactly whether a failure came before any byte of the request was
//! written (only then is a request "not sent" and retried); it never logs a byte of a request or
//! an answer at any level; a proxy is used only when configured; and a forked child closes the
//! connections it inherited without writing on them.

mod connect;
mod deadline;
mod dial;
mod fork;
mod http;
mod probe;
mod resolver;
mod tls;
mod trust;

use std::io::{self, Write};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::secret::SecretString;
use connect::{Conn, Stream};
use fork::ForkSafe;
use http::{read_response, Origin};
use resolver::Resolver;
use tls::ProcessTls;

pub use fork::{generation as fork_generation, ForkLocal};
pub use resolver::RESOLVE_TTL;
pub(crate) use tls::{tls_config, SharedTls};
pub use trust::{Trust, SYSTEM_BUNDLES};

/// Where requests go: scheme, host and port of the base URL, and its path prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) https: bool,
    /// Host without brackets (`::1`, `na.gateway.mastercard.com`).
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `Host` header value: the authority as written (`[::1]:8443`).
    pub(crate) authority: String,
    /// Path prefix without a trailing slash (often empty).
    pub(crate) prefix: String,
}

/// An HTTP proxy reached with CONNECT.
#[derive(Clone)]
pub(crate) struct Proxy {
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `Basic …` for `Proxy-Authorization`, when the proxy URL carried user and password.
    pub(crate) authorization: Option<SecretString>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Proxy({}:{}{})",
            self.host,
            self.port,
            if self.authorization.is_some() { ", auth ***" } else { "" }
        )
    }
}

/// Why an attempt failed, by how far it got.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Nothing of the request was written: connecting, the proxy tunnel or the TLS handshake
    /// failed (or the call's time ran out before it started).
    NotSent { tls: bool, message: String },
    /// The request was (or may have been) written and no complete answer head came.
    Unanswered { tls: bool, timed_out: bool, message: String },
    /// The head came (the gateway answered) but the body did not arrive whole.
    BodyLost { status: u16, timed_out: bool, message: String },
    /// The body is larger than the cap.
    TooLarge { status: u16, cap: u64 },
    /// The call's time ran out before any byte of the request was written: nothing was sent.
    Expired,
    /// The proxy refused the tunnel with a 4xx: nothing was sent, and sending again would only
    /// be refused again (a 407 again is a failed login on the proxy).
    ProxyRefused { message: String },
    /// A reused connection was closed or reset under the request before any byte of an answer
    /// came: the server most likely closed it as idle just then, but it may have read the
    /// request. Sent again on a new connection only when the operation is harmless to repeat.
    ReusedClosed { message: String },
}

/// One answer: status, the headers the client reads, and the body.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) location: Option<String>,
    pub(crate) retry_after: Option<String>,
    /// May hold the AES key or card data: wiped when dropped.
    pub(crate) body: Zeroizing<Vec<u8>>,
}

/// Never the body: it may hold the AES key or card data.
impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Everything needed to reach the gateway; shared by the threads of one client.
pub(crate) struct Transport {
    tls: Option<ProcessTls>,
    target: Target,
    proxy: Option<Proxy>,
    connect_timeout: Duration,
    max_idle: usize,
    resolver: Resolver,
    /// Idle connections, owned by the process that opened them.
    pool: ForkSafe<Vec<Conn>>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("target", &self.target)
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

/// The peer closed or reset the connection (not a timeout, not a TLS error).
fn closed(e: &io::Error) -> bool {
    use io::ErrorKind as K;
    matches!(e.kind(), K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe)
        && !tls_error(e)
}

fn tls_error(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<rustls::Error>())
}

impl Transport {
    pub(crate) fn new(
        tls: Option<SharedTls>,
        target: Target,
        proxy: Option<Proxy>,
        connect_timeout: Duration,
        max_idle: usize,
    ) -> Self {
        Self {
            tls: tls.map(ProcessTls::new),
            target,
            proxy,
            connect_timeout,
            max_idle,
            resolver: Resolver::default(),
            pool: ForkSafe::new(),
        }
    }

    pub(crate) fn target(&self) -> &Target {
        &self.target
    }

    /// Sends one request (head and body, already serialized) and reads its answer, up to
    /// `max_body` bytes of body, before `deadline`; on an idle connection when `reuse` and one is
    /// fit, else on a new one.
    pub(crate) fn exchange(
        &self,
        request: &[u8],
        deadline: Instant,
        max_body: u64,
        reuse: bool,
    ) -> Result<Response, Failure> {
        if Instant::now() >= deadline {
            return Err(Failure::Expired);
        }
        let idle = if reuse { self.take_idle() } else { None };
        let (mut conn, origin) = match idle {
            Some(c) => (c, Origin::Reused),
            None => (self.connect(deadline)?, Origin::Fresh { client_cert: self.client_cert() }),
        };
        let tls = matches!(conn.stream, Stream::Tls(_));
        // From here every socket operation is bounded by the call's deadline.
        conn.stream.set_deadline(deadline);
        let sent = conn.stream.write_all(request).and_then(|()| conn.stream.flush());
        if let Err(e) = sent {
            if conn.stream.written() == 0 {
                // Not one byte reached the socket: the request was not sent.
                if timed_out(&e) {
                    return Err(Failure::Expired);
                }
                return Err(Failure::NotSent {
                    tls: tls_error(&e),
                    message: format!("connection failed before the request was sent: {}", tls_message(&e)),
                });
            }
            // Some bytes may have left: the gateway may have the request.
            if origin == Origin::Reused && closed(&e) {
                return Err(Failure::ReusedClosed {
                    message: format!("the reused connection closed while sending the request: {e}"),
                });
            }
            return Err(Failure::Unanswered {
                tls: tls_error(&e),
                timed_out: timed_out(&e),
                message: format!("connection failed while sending the request: {e}"),
            });
        }
        let (response, reusable) = read_response(&mut conn, max_body, tls, origin)?;
        if reusable {
            self.put_idle(conn);
        }
        Ok(response)
    }

    /// Opens a connection and keeps it idle for the next request, unless an idle one is fit for
    /// reuse already. Nothing of a request is written.
    pub(crate) fn warm(&self, deadline: Instant) -> Result<(), Failure> {
        if Instant::now() >= deadline {
            return Err(Failure::Expired);
        }
        if let Some(conn) = self.take_idle() {
            self.pool.lock().push(conn);
            return Ok(());
        }
        let conn = self.connect(deadline)?;
        self.put_idle(conn);
        Ok(())
    }

    /// Whether the TLS settings offer a client certificate.
    fn client_cert(&self) -> bool {
        self.tls.as_ref().is_some_and(|t| t.config().client_auth_cert_resolver.has_certs())
    }

    /// An idle connection that is still fit for a request, or None.
    fn take_idle(&self) -> Option<Conn> {
        let mut idle = self.pool.lock();
        while let Some(mut conn) = idle.pop() {
            if conn.fit_for_reuse() {
                return Some(conn);
            }
        }
        None
    }

    fn put_idle(&self, mut conn: Conn) {
        zeroize::Zeroize::zeroize(&mut conn.buf);
        conn.idle_since = Instant::now();
        let mut idle = self.pool.lock();
        if idle.len() < self.max_idle {
            idle.push(conn);
        }
    }
}

/// The TLS error's own words when there is one.
fn tls_message(e: &io::Error) -> String {
    match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        Some(t) => t.to_string(),
        None => e.to_string(),
    }
}
