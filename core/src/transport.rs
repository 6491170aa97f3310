//! The connection layer under the client: HTTP/1.1 over rustls on keep-alive connections to the
//! one gateway host a client talks to, optionally through an HTTP CONNECT proxy.
//!
//! It is ours rather than a general HTTP client's for four reasons, each a promise of
//! SECURITY.md: it knows exactly whether a failure came before any byte of the request was
//! written (only then is a request "not sent" and retried); it never logs a byte of a request or
//! an answer at any level; a proxy is used only when configured; and a forked child closes the
//! connections it inherited without writing on them.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use zeroize::Zeroizing;

use crate::secret::SecretString;

/// How long a host name's addresses are reused before they are looked up again (fixed).
pub const RESOLVE_TTL: Duration = Duration::from_secs(30);

/// The largest answer head (status line and headers) read.
const MAX_HEAD: usize = 64 * 1024;

/// An idle connection older than this is not reused: a NAT or firewall on the way may have
/// forgotten it without a word, and a request written into it would be lost.
const MAX_IDLE_AGE: Duration = Duration::from_secs(15);

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
    /// The call's time ran out before this attempt could start: nothing was sent.
    Expired,
}

/// One answer: status, the headers the client reads, and the body.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) location: Option<String>,
    pub(crate) retry_after: Option<String>,
    /// May hold the AES key or card data: wiped when dropped.
    pub(crate) body: Zeroizing<Vec<u8>>,
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
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
struct Conn {
    stream: Stream,
    buf: Zeroizing<Vec<u8>>,
    idle_since: Instant,
}

/// A value behind a lock, made anew in a forked child without waiting on the inherited lock:
/// another thread of the parent may have held it at the fork, and no thread of the child ever
/// will release it. The child empties the inherited value if its lock is free (for the pool:
/// dropping the connections closes their sockets and writes nothing, so the parent's TLS
/// sessions are untouched) and otherwise leaves it alone; the inherited lock itself is leaked.
struct ForkSafe<T: Default> {
    pid: AtomicU32,
    current: AtomicPtr<Mutex<T>>,
}

impl<T: Default> ForkSafe<T> {
    fn new() -> Self {
        let value = Box::into_raw(Box::new(Mutex::new(T::default())));
        Self { pid: AtomicU32::new(std::process::id()), current: AtomicPtr::new(value) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        let pid = std::process::id();
        if self.pid.load(Ordering::Acquire) != pid {
            let fresh = Box::into_raw(Box::new(Mutex::new(T::default())));
            let inherited = self.current.swap(fresh, Ordering::AcqRel);
            self.pid.store(pid, Ordering::Release);
            // SAFETY: every pointer stored in `current` came from `Box::into_raw`, and one that
            // has been swapped out is never freed, so `inherited` is valid for the process's life.
            let inherited = unsafe { &*inherited };
            match inherited.try_lock() {
                Ok(mut v) => drop(std::mem::take(&mut *v)),
                Err(std::sync::TryLockError::Poisoned(p)) => drop(std::mem::take(&mut *p.into_inner())),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        // SAFETY: as above; the current pointer is freed only by `drop`, when no `&self` is left.
        let current = unsafe { &*self.current.load(Ordering::Acquire) };
        current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<T: Default> Default for ForkSafe<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Default> std::fmt::Debug for ForkSafe<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForkSafe(..)")
    }
}

impl<T: Default> Drop for ForkSafe<T> {
    fn drop(&mut self) {
        // SAFETY: made by `Box::into_raw`; `&mut self` means no guard or reference is left.
        drop(unsafe { Box::from_raw(*self.current.get_mut()) });
    }
}

/// Everything needed to reach the gateway; shared by the threads of one client.
pub(crate) struct Transport {
    tls: Option<Arc<ClientConfig>>,
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

fn tls_error(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<rustls::Error>())
}

impl Transport {
    pub(crate) fn new(
        tls: Option<Arc<ClientConfig>>,
        target: Target,
        proxy: Option<Proxy>,
        connect_timeout: Duration,
        max_idle: usize,
    ) -> Self {
        Self {
            tls,
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
    /// `max_body` bytes of body, before `deadline`.
    pub(crate) fn exchange(
        &self,
        request: &[u8],
        deadline: Instant,
        max_body: u64,
    ) -> Result<Response, Failure> {
        if Instant::now() >= deadline {
            return Err(Failure::Expired);
        }
        let mut conn = match self.take_idle() {
            Some(c) => c,
            None => self.connect(deadline)?,
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        let tls = matches!(conn.stream, Stream::Tls(_));
        let sent = set_timeouts(conn.stream.tcp(), remaining)
            .and_then(|()| conn.stream.write_all(request))
            .and_then(|()| conn.stream.flush());
        if let Err(e) = sent {
            // Some bytes may have left: the gateway may have the request.
            return Err(Failure::Unanswered {
                tls: tls_error(&e),
                timed_out: timed_out(&e),
                message: format!("connection failed while sending the request: {e}"),
            });
        }
        let (response, reusable) = read_response(&mut conn, deadline, max_body, tls)?;
        if reusable {
            self.put_idle(conn);
        }
        Ok(response)
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

    /// Opens a connection: TCP to the target (or to the proxy, then CONNECT), then the TLS
    /// handshake, all within the connect timeout and the call's deadline. Nothing of the request
    /// is written here, so every failure is [`Failure::NotSent`].
    fn connect(&self, deadline: Instant) -> Result<Conn, Failure> {
        let connect_deadline = deadline.min(Instant::now() + self.connect_timeout);
        let not_sent = |tls: bool, _timed_out: bool, message: String| Failure::NotSent { tls, message };
        let (host, port) = match &self.proxy {
            Some(p) => (p.host.as_str(), p.port),
            None => (self.target.host.as_str(), self.target.port),
        };
        let addrs =
            self.resolver.resolve(host, port, connect_deadline).map_err(|e| not_sent(false, e.1, e.0))?;
        let mut last = String::from("no address to connect to");
        let mut tcp = None;
        let mut timed = false;
        for addr in addrs {
            let left = connect_deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                timed = true;
                last = "timed out connecting".into();
                break;
            }
            match TcpStream::connect_timeout(&addr, left) {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => {
                    timed = timed_out(&e);
                    last = format!("cannot connect to {addr}: {e}");
                    self.resolver.failed(host, port, addr);
                }
            }
        }
        let Some(tcp) = tcp else { return Err(not_sent(false, timed, last)) };
        let _ = tcp.set_nodelay(true);
        let mut conn =
            Conn { stream: Stream::Plain(tcp), buf: Zeroizing::new(Vec::new()), idle_since: Instant::now() };
        if let Some(proxy) = &self.proxy {
            self.tunnel(&mut conn, proxy, connect_deadline)?;
        }
        let Some(tls) = &self.tls else { return Ok(conn) };
        let name = ServerName::try_from(self.target.host.clone())
            .map_err(|e| not_sent(true, false, format!("TLS: bad server name: {e}")))?;
        let session = ClientConnection::new(tls.clone(), name)
            .map_err(|e| not_sent(true, false, format!("TLS: {e}")))?;
        let Conn { stream: Stream::Plain(mut tcp), buf, .. } = conn else {
            return Err(not_sent(true, false, "TLS over TLS".into()));
        };
        let mut session = session;
        while session.is_handshaking() {
            let left = connect_deadline.saturating_duration_since(Instant::now());
            let step = set_timeouts(&tcp, left).and_then(|()| session.complete_io(&mut tcp));
            match step {
                Ok((0, 0)) if session.is_handshaking() => {
                    return Err(not_sent(
                        false,
                        false,
                        "the server closed the connection during the TLS handshake".into(),
                    ))
                }
                Ok(_) => {}
                Err(e) if timed_out(&e) || left.is_zero() => {
                    return Err(not_sent(false, true, "timed out during the TLS handshake".into()))
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
            stream: Stream::Tls(Box::new(StreamOwned::new(session, tcp))),
            buf,
            idle_since: Instant::now(),
        })
    }

    /// `CONNECT host:port` through the proxy. A refusal or a dropped tunnel is a connect failure:
    /// nothing of the request has been written.
    fn tunnel(&self, conn: &mut Conn, proxy: &Proxy, deadline: Instant) -> Result<(), Failure> {
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
        let fail = |_timed_out: bool, why: String| Failure::NotSent {
            tls: false,
            message: format!("the proxy {}:{} {why}", proxy.host, proxy.port),
        };
        let left = deadline.saturating_duration_since(Instant::now());
        set_timeouts(conn.stream.tcp(), left)
            .and_then(|()| conn.stream.write_all(head.as_bytes()))
            .map_err(|e| fail(timed_out(&e), format!("failed: {e}")))?;
        let Head { status, len: used, .. } = match read_head(conn, deadline) {
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
        if !(200..300).contains(&status) {
            return Err(fail(false, format!("refused the tunnel (HTTP {status})")));
        }
        if !conn.buf.is_empty() {
            return Err(fail(false, "sent bytes before the tunnel opened".into()));
        }
        Ok(())
    }
}

/// The TLS error's own words when there is one.
fn tls_message(e: &io::Error) -> String {
    match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        Some(t) => t.to_string(),
        None => e.to_string(),
    }
}

fn set_timeouts(tcp: &TcpStream, left: Duration) -> io::Result<()> {
    if left.is_zero() {
        return Err(io::Error::new(io::ErrorKind::TimedOut, "the call's timeout ran out"));
    }
    tcp.set_read_timeout(Some(left))?;
    tcp.set_write_timeout(Some(left))
}

impl Conn {
    /// Whether an idle connection may carry a request: not older than [`MAX_IDLE_AGE`], nothing
    /// left unread, no `close_notify` or stray data already taken in by TLS, and the socket
    /// neither readable nor at EOF. A connection the server closed would take the request and
    /// lose it.
    fn fit_for_reuse(&mut self) -> bool {
        if self.idle_since.elapsed() >= MAX_IDLE_AGE || !self.buf.is_empty() {
            return false;
        }
        if let Stream::Tls(s) = &mut self.stream {
            let mut one = [0u8; 1];
            if !matches!(s.conn.reader().read(&mut one), Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
                return false;
            }
        }
        idle_and_open(self.stream.tcp())
    }
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

/// An answer's head: status, HTTP/1.1 or not, header names (lower case) and values, and its
/// length in bytes.
struct Head {
    status: u16,
    http11: bool,
    headers: Vec<(String, String)>,
    len: usize,
}

enum HeadError {
    /// EOF before any byte of a head.
    Closed,
    Io(io::Error),
    Bad(String),
}

/// Reads until a whole head is in `conn.buf`; returns the status, the headers the client reads
/// (lower-case names) and the head's length.
fn read_head(conn: &mut Conn, deadline: Instant) -> Result<Head, HeadError> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut headers);
        match parsed.parse(&conn.buf) {
            Ok(httparse::Status::Complete(len)) => {
                let status = parsed.code.unwrap_or(0);
                let http11 = parsed.version == Some(1);
                let headers = parsed
                    .headers
                    .iter()
                    .map(|h| {
                        (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).trim().to_owned())
                    })
                    .collect();
                return Ok(Head { status, http11, headers, len });
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => return Err(HeadError::Bad(e.to_string())),
        }
        if conn.buf.len() > MAX_HEAD {
            return Err(HeadError::Bad("the answer's headers are too large".into()));
        }
        match fill(conn, deadline) {
            Ok(0) if conn.buf.is_empty() => return Err(HeadError::Closed),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && conn.buf.is_empty() => {
                return Err(HeadError::Closed)
            }
            Ok(0) => return Err(HeadError::Io(io::ErrorKind::UnexpectedEof.into())),
            Ok(_) => {}
            Err(e) => return Err(HeadError::Io(e)),
        }
    }
}

/// Reads more bytes into `conn.buf`; 0 at a clean EOF. A TLS connection closed without
/// `close_notify` is an `UnexpectedEof` error: what came may be cut short.
fn fill(conn: &mut Conn, deadline: Instant) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    set_timeouts(conn.stream.tcp(), left)?;
    let mut chunk = Zeroizing::new([0u8; 16 * 1024]);
    let n = conn.stream.read(&mut chunk[..])?;
    conn.buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// Reads one answer (skipping `1xx`); says whether the connection can carry another request.
fn read_response(
    conn: &mut Conn,
    deadline: Instant,
    max_body: u64,
    tls: bool,
) -> Result<(Response, bool), Failure> {
    let unanswered =
        |timed_out: bool, message: String| Failure::Unanswered { tls: false, timed_out, message };
    let Head { status, http11, headers, .. } = loop {
        let head = match read_head(conn, deadline) {
            Ok(h) => h,
            Err(HeadError::Closed) => {
                return Err(unanswered(false, "the connection closed before an answer came".into()))
            }
            Err(HeadError::Io(e)) if timed_out(&e) => {
                return Err(unanswered(true, "timed out waiting for the answer".into()))
            }
            Err(HeadError::Io(e)) => {
                return Err(Failure::Unanswered {
                    tls: tls && tls_error(&e),
                    timed_out: false,
                    message: format!("connection failed while waiting for the answer: {}", tls_message(&e)),
                })
            }
            Err(HeadError::Bad(why)) => {
                return Err(unanswered(false, format!("the answer is not valid HTTP: {why}")))
            }
        };
        conn.buf.drain(..head.len);
        if (100..200).contains(&head.status) && head.status != 101 {
            continue;
        }
        break head;
    };
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let chunked = header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let lengths = headers.iter().filter(|(n, _)| n == "content-length").count();
    // Only a plain HTTP/1.1 answer leaves the connection fit for another request: not HTTP/1.0,
    // not `Connection: close`, not an ambiguous length.
    let close = !http11
        || header("connection").is_some_and(|v| v.to_ascii_lowercase().contains("close"))
        || lengths > 1
        || (chunked && lengths > 0);
    let length = if chunked { None } else { header("content-length").map(|v| v.parse::<u64>()) };
    let lost = |timed_out: bool, message: String| Failure::BodyLost { status, timed_out, message };
    let io_lost = |e: io::Error| lost(timed_out(&e), format!("the answer broke off before its end: {e}"));
    let (body, reusable) = if status == 204 || status == 304 {
        (Vec::new(), !close)
    } else if chunked {
        (read_chunked(conn, deadline, max_body, status)?, !close)
    } else if let Some(len) = length {
        let len = len.map_err(|_| lost(false, "the answer's Content-Length is not a number".into()))?;
        if len > max_body {
            return Err(Failure::TooLarge { status, cap: max_body });
        }
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        while conn.buf.len() < len {
            match fill(conn, deadline) {
                Ok(0) => return Err(lost(false, "the answer broke off before its end".into())),
                Ok(_) => {}
                Err(e) => return Err(io_lost(e)),
            }
        }
        let body: Vec<u8> = conn.buf.drain(..len).collect();
        (body, !close)
    } else {
        // Ends when the connection does.
        loop {
            if conn.buf.len() as u64 > max_body {
                return Err(Failure::TooLarge { status, cap: max_body });
            }
            match fill(conn, deadline) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => return Err(io_lost(e)),
            }
        }
        (std::mem::take(&mut *conn.buf), false)
    };
    let response = Response {
        status,
        content_type: header("content-type").unwrap_or_default().to_ascii_lowercase(),
        location: header("location"),
        retry_after: header("retry-after"),
        body: Zeroizing::new(body),
    };
    Ok((response, reusable && conn.buf.is_empty()))
}

fn read_chunked(conn: &mut Conn, deadline: Instant, max_body: u64, status: u16) -> Result<Vec<u8>, Failure> {
    let lost = |timed_out: bool, message: String| Failure::BodyLost { status, timed_out, message };
    let mut body = Vec::new();
    let need_line = |conn: &mut Conn| -> Result<String, Failure> {
        loop {
            if let Some(i) = conn.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&conn.buf[..i]).into_owned();
                conn.buf.drain(..i + 2);
                return Ok(line);
            }
            if conn.buf.len() > MAX_HEAD {
                return Err(lost(false, "a chunk header is too long".into()));
            }
            match fill(conn, deadline) {
                Ok(0) => return Err(lost(false, "the answer broke off before its end".into())),
                Ok(_) => {}
                Err(e) => {
                    return Err(lost(timed_out(&e), format!("the answer broke off before its end: {e}")))
                }
            }
        }
    };
    loop {
        let line = need_line(conn)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size =
            u64::from_str_radix(size, 16).map_err(|_| lost(false, "a chunk size is not a number".into()))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !need_line(conn)?.is_empty() {}
            return Ok(body);
        }
        if size > max_body.saturating_sub(body.len() as u64) {
            return Err(Failure::TooLarge { status, cap: max_body });
        }
        // At most `max_body` now, so it fits, and so does the CRLF after it.
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let with_crlf = size.saturating_add(2);
        while conn.buf.len() < with_crlf {
            match fill(conn, deadline) {
                Ok(0) => return Err(lost(false, "the answer broke off before its end".into())),
                Ok(_) => {}
                Err(e) => {
                    return Err(lost(timed_out(&e), format!("the answer broke off before its end: {e}")))
                }
            }
        }
        if conn.buf.get(size..with_crlf) != Some(b"\r\n".as_slice()) {
            return Err(lost(false, "a chunk does not end where its size says".into()));
        }
        body.extend_from_slice(&conn.buf[..size]);
        conn.buf.drain(..with_crlf);
    }
}

/// Addresses by host name. IP literals are answered at once; `localhost` is always the
/// loopback addresses (never the system resolver, so `http://localhost` stays on this machine);
/// other names are looked up (on a helper thread, so the lookup keeps to the deadline) and kept
/// for [`RESOLVE_TTL`]. An address that refused a connection goes to the back of the list.
/// When a name was looked up, and its addresses in the order to dial them.
type Resolved = (Instant, Vec<SocketAddr>);

#[derive(Debug, Default)]
struct Resolver {
    cache: ForkSafe<HashMap<(String, u16), Resolved>>,
}

impl Resolver {
    fn resolve(&self, host: &str, port: u16, deadline: Instant) -> Result<Vec<SocketAddr>, (String, bool)> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        if host.eq_ignore_ascii_case("localhost") {
            return Ok(self.cached(host, port).unwrap_or_else(|| {
                vec![
                    SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port),
                    SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port),
                ]
            }));
        }
        if let Some(addrs) = self.cached(host, port) {
            return Ok(addrs);
        }
        let (tx, rx) = mpsc::channel();
        let name = format!("{host}:{port}");
        std::thread::spawn(move || {
            let _ = tx.send(name.to_socket_addrs().map(Iterator::collect::<Vec<_>>));
        });
        let left = deadline.saturating_duration_since(Instant::now());
        let addrs = match rx.recv_timeout(left) {
            Ok(Ok(a)) if !a.is_empty() => a,
            Ok(_) => return Err((format!("host name not found: {host}"), false)),
            Err(_) => return Err((format!("timed out looking up {host}"), true)),
        };
        let mut cache = self.cache.lock();
        cache.insert((host.to_owned(), port), (Instant::now(), addrs.clone()));
        Ok(addrs)
    }

    fn cached(&self, host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        let cache = self.cache.lock();
        cache
            .get(&(host.to_owned(), port))
            .filter(|(at, _)| at.elapsed() < RESOLVE_TTL)
            .map(|(_, a)| a.clone())
    }

    /// `addr` refused a connection: the next call tries the host's other addresses first.
    fn failed(&self, host: &str, port: u16, addr: SocketAddr) {
        if host.parse::<IpAddr>().is_ok() {
            return;
        }
        let mut cache = self.cache.lock();
        let key = (host.to_owned(), port);
        if !cache.contains_key(&key) && host.eq_ignore_ascii_case("localhost") {
            let addrs = vec![
                SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port),
                SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port),
            ];
            cache.insert(key.clone(), (Instant::now(), addrs));
        }
        if let Some((_, addrs)) = cache.get_mut(&key) {
            if let Some(i) = addrs.iter().position(|a| *a == addr) {
                let a = addrs.remove(i);
                addrs.push(a);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    /// A forked child is a process whose id differs from the one recorded: faked here.
    fn as_if_forked<T: Default>(f: &ForkSafe<T>) {
        f.pid.store(0, Ordering::Release);
    }

    #[test]
    fn a_forked_child_gets_a_fresh_pool_and_empties_the_inherited_one() {
        let f: ForkSafe<Vec<Arc<()>>> = ForkSafe::new();
        let conn = Arc::new(());
        f.lock().push(conn.clone());
        as_if_forked(&f);
        assert!(f.lock().is_empty(), "the child starts with no connection");
        assert_eq!(Arc::strong_count(&conn), 1, "the inherited one was dropped (its socket closed)");
    }

    #[test]
    fn a_forked_child_never_waits_on_a_lock_held_at_the_fork() {
        let f: ForkSafe<Vec<u8>> = ForkSafe::new();
        let held = f.lock(); // as if another thread of the parent held it when it forked
        as_if_forked(&f);
        // With one plain mutex this second lock on the same thread would never return.
        f.lock().push(1);
        assert_eq!(f.lock().len(), 1);
        drop(held);
    }

    #[test]
    fn ip_literals_and_localhost_never_reach_the_system_resolver() {
        let r = Resolver::default();
        assert_eq!(r.resolve("127.0.0.1", 8443, far()).unwrap(), vec!["127.0.0.1:8443".parse().unwrap()]);
        assert_eq!(r.resolve("::1", 9, far()).unwrap(), vec!["[::1]:9".parse().unwrap()]);
        let local = r.resolve("LocalHost", 80, far()).unwrap();
        assert_eq!(local, vec!["127.0.0.1:80".parse().unwrap(), "[::1]:80".parse().unwrap()]);
        assert!(r.cache.lock().is_empty(), "nothing was looked up");
    }

    #[test]
    fn an_address_that_refused_is_dialled_last_next_time() {
        let r = Resolver::default();
        let v4: SocketAddr = "127.0.0.1:443".parse().unwrap();
        let v6: SocketAddr = "[::1]:443".parse().unwrap();
        r.failed("localhost", 443, v4);
        assert_eq!(r.resolve("localhost", 443, far()).unwrap(), vec![v6, v4]);
        r.failed("localhost", 443, v6);
        assert_eq!(r.resolve("localhost", 443, far()).unwrap(), vec![v4, v6]);
    }

    #[test]
    fn looked_up_names_are_kept_for_the_ttl() {
        let r = Resolver::default();
        let marker: SocketAddr = "127.0.0.9:8443".parse().unwrap();
        let key = ("gateway.invalid".to_owned(), 8443);
        r.cache.lock().insert(key.clone(), (Instant::now(), vec![marker]));
        assert_eq!(r.resolve("gateway.invalid", 8443, far()).unwrap(), vec![marker]);
        r.cache.lock().get_mut(&key).unwrap().0 = Instant::now() - RESOLVE_TTL - Duration::from_secs(1);
        assert!(r.cached("gateway.invalid", 8443).is_none(), "a stale entry is looked up again");
    }
}

#[cfg(test)]
mod wire_tests {
    //! The HTTP reader against hostile answers, over a real loopback socket.
    use std::io::Write as _;
    use std::net::TcpListener;

    use super::*;

    /// A plain-HTTP server on 127.0.0.1 that reads one request and answers `answer` (for each
    /// connection), then holds the connection open a moment.
    fn serve(answer: Vec<u8>) -> Transport {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let answer = answer.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    let _ = conn.read(&mut buf);
                    let _ = conn.write_all(&answer);
                    std::thread::sleep(Duration::from_millis(300));
                });
            }
        });
        let target = Target {
            https: false,
            host: "127.0.0.1".into(),
            port,
            authority: format!("127.0.0.1:{port}"),
            prefix: String::new(),
        };
        Transport::new(None, target, None, Duration::from_secs(2), 4)
    }

    fn exchange(answer: &[u8]) -> (Result<Response, Failure>, usize) {
        let t = serve(answer.to_vec());
        let r = t.exchange(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            Instant::now() + Duration::from_secs(2),
            1024,
        );
        let pooled = t.pool.lock().len();
        (r, pooled)
    }

    #[test]
    fn a_chunk_size_near_u64_max_is_too_large_not_a_crash() {
        let (r, _) =
            exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nffffffffffffffff\r\n");
        assert!(matches!(r, Err(Failure::TooLarge { status: 200, .. })), "{r:?}");
        let (r, _) = exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n");
        assert!(matches!(r, Err(Failure::TooLarge { .. })), "{r:?}");
    }

    #[test]
    fn a_chunk_that_does_not_end_where_its_size_says_is_lost() {
        let (r, _) =
            exchange(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n");
        assert!(matches!(r, Err(Failure::BodyLost { status: 201, .. })), "{r:?}");
        let (r, pooled) =
            exchange(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        assert_eq!(&*r.unwrap().body, b"{}");
        assert_eq!(pooled, 1, "a well-formed chunked answer leaves the connection reusable");
    }

    #[test]
    fn only_a_plain_http11_answer_leaves_the_connection_reusable() {
        let ok = b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}".to_vec();
        assert_eq!(exchange(&ok).1, 1);
        for answer in [
            &b"HTTP/1.0 201 Created\r\nContent-Length: 2\r\n\r\n{}"[..],
            b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
            b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        ] {
            let (r, pooled) = exchange(answer);
            assert!(r.is_ok(), "{r:?}");
            assert_eq!(pooled, 0, "{}", String::from_utf8_lossy(answer));
        }
    }

    #[test]
    fn any_bytes_as_an_answer_never_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: [&[u8]; 12] = [
            b"HTTP/1.1 200 OK\r\n",
            b"HTTP/1.0 503 x\r\n",
            b"Content-Length: 3\r\n",
            b"Content-Length: 99999999999999999999\r\n",
            b"Transfer-Encoding: chunked\r\n",
            b"\r\n",
            b"ffffffffffffffff\r\n",
            b"3\r\nabc\r\n",
            b"0\r\n\r\n",
            b"HTTP/1.1 100 Continue\r\n\r\n",
            b"\xff\xfe\x00",
            b"Connection: close\r\n",
        ];
        for _ in 0..60 {
            let mut answer = Vec::new();
            for _ in 0..(next() % 8) {
                answer.extend_from_slice(pieces[(next() % 12) as usize]);
            }
            let _ = exchange(&answer);
        }
    }
}
