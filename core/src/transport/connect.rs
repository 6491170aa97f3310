//! Opening a connection: TCP to the gateway or the proxy, the CONNECT tunnel, the TLS handshake;
//! and whether an idle one may carry another request.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};
use zeroize::Zeroizing;

use super::deadline::DeadlineStream;
use super::dial::dial;
use super::http::{read_head, Head, HeadError};
use super::{timed_out, tls_error, tls_message, Failure, Proxy, Transport};

/// How long an idle connection is reused when the server did not say (no `Keep-Alive: timeout`).
/// Then neither the server's idle timer nor those of the NATs and firewalls on the way are known,
/// and a connection forgotten by one of them without a word takes a request and loses it (a
/// harmless operation is then repeated, any other fails with its outcome unknown). Servers that
/// say nothing close idle connections anywhere from a few seconds (HAProxy's `timeout
/// http-keep-alive`) to 75 s (nginx's default `keepalive_timeout`, sent without a header unless
/// configured), cloud load balancers at 60 s or more: 15 s keeps most of the benefit with the
/// fewest such losses. A server that does say is taken at its word ([`idle_age_for`]).
pub(super) const DEFAULT_IDLE_AGE: Duration = Duration::from_secs(15);

/// The longest idle age taken from a server's `Keep-Alive: timeout=N`: an hour, well inside the
/// two hours and four minutes a NAT must keep an idle TCP connection (RFC 5382 REQ-5).
pub(super) const MAX_ANNOUNCED_IDLE_AGE: Duration = Duration::from_secs(3600);

/// Taken off a server's `Keep-Alive: timeout=N`: the request must reach the server before its
/// idle timer fires, across a one-way trip (a link of up to a few hundred milliseconds) and the
/// granularity of that timer (whole seconds).
const KEEP_ALIVE_MARGIN: Duration = Duration::from_secs(1);

/// How long a connection may stay idle and still be reused, after an answer with this
/// `Keep-Alive` header: the server's `timeout=N` less [`KEEP_ALIVE_MARGIN`] (so never, for
/// `timeout=1` or less; at most [`MAX_ANNOUNCED_IDLE_AGE`]); [`DEFAULT_IDLE_AGE`] without one.
pub(super) fn idle_age_for(keep_alive: Option<&str>) -> Duration {
    let timeout = keep_alive.into_iter().flat_map(|v| v.split(',')).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("timeout") {
            return None;
        }
        let value = value.trim().trim_matches('"');
        value.bytes().all(|b| b.is_ascii_digit()).then(|| value.parse::<u64>().unwrap_or(u64::MAX))
    });
    match timeout {
        Some(n) => Duration::from_secs(n).saturating_sub(KEEP_ALIVE_MARGIN).min(MAX_ANNOUNCED_IDLE_AGE),
        None => DEFAULT_IDLE_AGE,
    }
}

pub(super) enum Stream {
    Plain(DeadlineStream),
    Tls(Box<StreamOwned<ClientConnection, DeadlineStream>>),
}

impl Stream {
    pub(super) fn tcp(&self) -> &TcpStream {
        &self.io().tcp
    }

    fn io(&self) -> &DeadlineStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }

    fn io_mut(&mut self) -> &mut DeadlineStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &mut s.sock,
        }
    }

    /// Bounds every socket operation that follows by `deadline`, and starts counting the bytes
    /// written again.
    pub(super) fn set_deadline(&mut self, deadline: Instant) {
        self.io_mut().set_deadline(deadline);
    }

    /// Bytes written to the socket since the deadline was last set.
    pub(super) fn written(&self) -> u64 {
        self.io().written()
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A connection, the bytes read past the last answer (none, with a well-behaved server), and
/// since when it has been idle.
pub(super) struct Conn {
    pub(super) stream: Stream,
    pub(super) buf: Zeroizing<Vec<u8>>,
    pub(super) idle_since: Instant,
    /// How long it may stay idle and still be reused (see [`idle_age_for`]).
    pub(super) max_idle_age: Duration,
}

impl Transport {
    /// Opens a connection: TCP to the target (or to the proxy, then CONNECT), then the TLS
    /// handshake, all within the connect timeout and the call's deadline. Nothing of the request
    /// is written here, so every failure is [`Failure::NotSent`].
    pub(super) fn connect(&self, deadline: Instant) -> Result<Conn, Failure> {
        let connect_deadline = deadline.min(Instant::now() + self.connect_timeout);
        let not_sent = |tls: bool, _timed_out: bool, message: String| Failure::NotSent { tls, message };
        let (host, port) = match &self.proxy {
            Some(p) => (p.host.as_str(), p.port),
            None => (self.target.host.as_str(), self.target.port),
        };
        let addrs =
            self.resolver.resolve(host, port, connect_deadline).map_err(|e| not_sent(false, e.1, e.0))?;
        let tcp = match dial(&addrs, connect_deadline) {
            Ok(d) => {
                for a in &d.failed {
                    self.resolver.failed(host, port, *a);
                }
                self.resolver.connected(host, port, d.addr);
                d.stream
            }
            Err(e) => {
                for a in &e.failed {
                    self.resolver.failed(host, port, *a);
                }
                return Err(not_sent(false, e.timed_out, e.message));
            }
        };
        let _ = tcp.set_nodelay(true);
        let mut conn = Conn {
            stream: Stream::Plain(DeadlineStream::new(tcp, connect_deadline)),
            buf: Zeroizing::new(Vec::new()),
            idle_since: Instant::now(),
            max_idle_age: DEFAULT_IDLE_AGE,
        };
        if let Some(proxy) = &self.proxy {
            self.tunnel(&mut conn, proxy, connect_deadline, deadline)?;
        }
        let Some(tls) = self.tls.as_ref().map(|t| t.config()) else { return Ok(conn) };
        let name = ServerName::try_from(self.target.host.clone())
            .map_err(|e| not_sent(true, false, format!("TLS: bad server name: {e}")))?;
        let mut session = ClientConnection::new(tls.clone(), name)
            .map_err(|e| not_sent(true, false, format!("TLS: {e}")))?;
        let Conn { stream: Stream::Plain(mut io), buf, .. } = conn else {
            return Err(not_sent(true, false, "TLS over TLS".into()));
        };
        // Every socket call of the handshake is bounded by the time left (see DeadlineStream).
        io.set_deadline(connect_deadline);
        while session.is_handshaking() {
            match session.complete_io(&mut io) {
                Ok((0, 0)) if session.is_handshaking() => {
                    return Err(not_sent(
                        false,
                        false,
                        "the server closed the connection during the TLS handshake".into(),
                    ))
                }
                Ok(_) => {}
                Err(e) if timed_out(&e) => {
                    return Err(expired_or(deadline, "timed out during the TLS handshake"))
                }
                // A TLS alert or a certificate problem is a TLS error; a connection closed or
                // reset during the handshake is a connect failure (nothing was sent either way).
                Err(e) if tls_error(&e) => {
                    return Err(not_sent(true, false, format!("TLS: {}", tls_message(&e))))
                }
                Err(e) => return Err(not_sent(false, false, format!("the TLS handshake broke off: {e}"))),
            }
        }
        Ok(Conn {
            stream: Stream::Tls(Box::new(StreamOwned::new(session, io))),
            buf,
            idle_since: Instant::now(),
            max_idle_age: DEFAULT_IDLE_AGE,
        })
    }

    /// `CONNECT host:port` through the proxy. A refusal or a dropped tunnel is a connect failure:
    /// nothing of the request has been written.
    /// Bounded by `connect_deadline`; a timeout at the call's `deadline` is [`Failure::Expired`].
    pub(super) fn tunnel(
        &self,
        conn: &mut Conn,
        proxy: &Proxy,
        connect_deadline: Instant,
        deadline: Instant,
    ) -> Result<(), Failure> {
        let t = &self.target;
        // Always host:port (RFC 9110 §9.3.6), whether or not the base URL wrote the port.
        let host = if t.host.contains(':') { format!("[{}]", t.host) } else { t.host.clone() };
        let mut head = Zeroizing::new(format!(
            "CONNECT {host}:{p} HTTP/1.1\r\nHost: {host}:{p}\r\nUser-Agent: mpgs/{v}\r\n",
            p = t.port,
            v = env!("CARGO_PKG_VERSION")
        ));
        if let Some(auth) = &proxy.authorization {
            head.push_str("Proxy-Authorization: ");
            head.push_str(auth.expose());
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let fail = |timed_out: bool, why: String| {
            let message = format!("the proxy {}:{} {why}", proxy.host, proxy.port);
            if timed_out {
                expired_or(deadline, &message)
            } else {
                Failure::NotSent { tls: false, message }
            }
        };
        conn.stream.set_deadline(connect_deadline);
        conn.stream.write_all(head.as_bytes()).map_err(|e| fail(timed_out(&e), format!("failed: {e}")))?;
        let Head { status, len: used, .. } = match read_head(conn) {
            Ok(h) => h,
            Err(HeadError::Closed) => {
                return Err(fail(false, "closed the connection instead of a tunnel".into()))
            }
            Err(HeadError::Io(e)) => return Err(fail(timed_out(&e), format!("failed: {e}"))),
            Err(HeadError::Bad(why)) => {
                return Err(fail(false, format!("answered something that is not HTTP ({why})")))
            }
        };
        conn.buf.drain(..used);
        if (400..500).contains(&status) {
            // Final: the same request would be refused again, and a 407 again is one more
            // failed login, which can lock the proxy account.
            let why = if status == 407 {
                "; its credentials (user and password in the proxy URL) are wrong or missing"
            } else {
                ""
            };
            return Err(Failure::ProxyRefused {
                message: format!(
                    "the proxy {}:{} refused the tunnel (HTTP {status}){why}",
                    proxy.host, proxy.port
                ),
            });
        }
        if !(200..300).contains(&status) {
            return Err(fail(false, format!("refused the tunnel (HTTP {status})")));
        }
        if !conn.buf.is_empty() {
            return Err(fail(false, "sent bytes before the tunnel opened".into()));
        }
        Ok(())
    }
}

/// A timeout before the request was written: the call's own deadline ([`Failure::Expired`],
/// reported as a timeout) or the connect timeout (a connect failure, retried).
fn expired_or(deadline: Instant, message: &str) -> Failure {
    if Instant::now() >= deadline {
        Failure::Expired
    } else {
        Failure::NotSent { tls: false, message: message.to_owned() }
    }
}

impl Conn {
    /// Whether an idle connection may carry a request: not idle longer than its server allows
    /// ([`idle_age_for`]), nothing
    /// left unread, no `close_notify` or stray data already taken in by TLS, and the socket
    /// neither readable nor at EOF. A connection the server closed would take the request and
    /// lose it.
    pub(super) fn fit_for_reuse(&mut self) -> bool {
        if self.idle_since.elapsed() >= self.max_idle_age || !self.buf.is_empty() {
            return false;
        }
        if let Stream::Tls(s) = &mut self.stream {
            if !take_in_waiting_records(s) {
                return false;
            }
            let mut one = [0u8; 1];
            if !matches!(s.conn.reader().read(&mut one), Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
                return false;
            }
        }
        idle_and_open(self.stream.tcp())
    }
}

/// Takes in the TLS records waiting on an idle connection without blocking: a TLS 1.3 server
/// sends its session tickets after the handshake, and on a connection opened ahead of its first
/// request (`Client::connect`) nothing has read them yet. False if the socket is at EOF or a
/// record is bad; an answer byte or a `close_notify` taken in is seen by the caller.
fn take_in_waiting_records(s: &mut StreamOwned<ClientConnection, DeadlineStream>) -> bool {
    if s.sock.tcp.set_nonblocking(true).is_err() {
        return false;
    }
    let fine = loop {
        match s.conn.read_tls(&mut &s.sock.tcp) {
            Ok(0) => break false,
            Ok(_) => {
                if s.conn.process_new_packets().is_err() {
                    break false;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break true,
            Err(_) => break false,
        }
    };
    s.sock.tcp.set_nonblocking(false).is_ok() && fine
}

/// True when nothing is waiting on an idle socket and it is not at EOF.
fn idle_and_open(tcp: &TcpStream) -> bool {
    if tcp.set_nonblocking(true).is_err() {
        return false;
    }
    let mut one = [0u8; 1];
    let open = matches!(tcp.peek(&mut one), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
    tcp.set_nonblocking(false).is_ok() && open
}
