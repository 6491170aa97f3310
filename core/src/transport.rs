//! The connection layer under the client: one ureq agent per process (made anew after `fork()`),
//! a resolver that does not start a thread per request, and TCP writes gathered until the client
//! waits for an answer.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectProxyConnector, ConnectionDetails, Connector, NextTimeout, RustlsConnector, TcpConnector,
    Transport,
};

/// How long a host name's addresses are reused before they are looked up again.
const RESOLVE_TTL: Duration = Duration::from_secs(30);

/// The connection pool, made anew in a child process after `fork()`: a child must never write
/// on a TLS connection its parent also uses.
pub(crate) struct ForkSafeAgent {
    config: ureq::config::Config,
    current: RwLock<(u32, ureq::Agent)>,
}

impl ForkSafeAgent {
    pub(crate) fn new(config: ureq::config::Config) -> Self {
        let agent = new_agent(&config);
        Self { config, current: RwLock::new((std::process::id(), agent)) }
    }

    pub(crate) fn get(&self) -> ureq::Agent {
        let pid = std::process::id();
        {
            let current = self.current.read().unwrap_or_else(|e| e.into_inner());
            if current.0 == pid {
                return current.1.clone();
            }
        }
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.0 != pid {
            let inherited = std::mem::replace(&mut *current, (pid, new_agent(&self.config)));
            // Dropping the inherited pool could end (close_notify) connections the parent still
            // uses: leave them alone.
            std::mem::forget(inherited);
        }
        current.1.clone()
    }
}

/// ureq's default chain (CONNECT proxy, TCP, rustls) with [`Gather`] between TCP and TLS.
fn new_agent(config: &ureq::config::Config) -> ureq::Agent {
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(GatherConnector)
            .chain(RustlsConnector::default());
    ureq::Agent::with_parts(config.clone(), connector, CachingResolver::default())
}

/// Puts [`Gather`] on every new TCP connection.
#[derive(Debug)]
struct GatherConnector;

impl<In: Transport> Connector<In> for GatherConnector {
    type Out = Gather<In>;

    fn connect(&self, _: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| Gather { inner, pending: Vec::new() }))
    }
}

/// Write no more than this before sending, whether or not the client waits for an answer.
const GATHER_MAX: usize = 64 * 1024;

/// Holds what is written to the socket until the client waits for input. ureq writes a request's
/// head and body as two TLS records in two `send`s; gathered, they leave in one segment, and
/// the gateway reads the whole request at once (one wake-up instead of two). Sits under TLS, so
/// it only ever holds ciphertext.
#[derive(Debug)]
struct Gather<T> {
    inner: T,
    pending: Vec<u8>,
}

impl<T: Transport> Gather<T> {
    fn flush(&mut self, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let mut sent = 0;
        while sent < self.pending.len() {
            let out = self.inner.buffers().output();
            let n = out.len().min(self.pending.len() - sent);
            out[..n].copy_from_slice(&self.pending[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            sent += n;
        }
        self.pending.clear();
        Ok(())
    }
}

impl<T: Transport> Transport for Gather<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let written = &self.inner.buffers().output()[..amount];
        self.pending.extend_from_slice(written);
        if self.pending.len() >= GATHER_MAX {
            self.flush(timeout)?;
        }
        Ok(())
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.flush(timeout)?;
        self.inner.maybe_await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.flush(timeout)?;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.pending.is_empty() && self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// ureq resolves the host before every request, on a new thread when there is a timeout (as
/// there always is here), even when a pooled connection is then reused. This resolver answers IP
/// literals at once and keeps a host name's addresses for [`RESOLVE_TTL`], so a call on a warm
/// connection starts no thread and waits for no lookup.
#[derive(Debug, Default)]
struct CachingResolver {
    inner: DefaultResolver,
    cache: Arc<Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some(authority) = uri.authority() else { return self.inner.resolve(uri, config, timeout) };
        let port = authority.port_u16().unwrap_or(if uri.scheme_str() == Some("http") { 80 } else { 443 });
        let host = authority.host().trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = format!("{host}:{port}");
        if let Some((at, addrs)) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            if at.elapsed() < RESOLVE_TTL {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::LazyBuffers;

    /// A socket stand-in that records each send.
    #[derive(Debug)]
    struct Wire {
        buffers: LazyBuffers,
        sends: Vec<Vec<u8>>,
    }

    impl Transport for Wire {
        fn buffers(&mut self) -> &mut dyn Buffers {
            &mut self.buffers
        }
        fn transmit_output(&mut self, amount: usize, _: NextTimeout) -> Result<(), ureq::Error> {
            let sent = self.buffers.output()[..amount].to_vec();
            self.sends.push(sent);
            Ok(())
        }
        fn await_input(&mut self, _: NextTimeout) -> Result<bool, ureq::Error> {
            Ok(false)
        }
        fn is_open(&mut self) -> bool {
            true
        }
    }

    fn write(t: &mut Gather<Wire>, bytes: &[u8]) {
        t.buffers().output()[..bytes.len()].copy_from_slice(bytes);
        t.transmit_output(bytes.len(), NextTimeout::default()).unwrap();
    }

    fn gather() -> Gather<Wire> {
        Gather { inner: Wire { buffers: LazyBuffers::new(1024, 16 * 1024), sends: vec![] }, pending: vec![] }
    }

    #[test]
    fn a_request_head_and_body_leave_in_one_send_when_the_answer_is_awaited() {
        let mut t = gather();
        write(&mut t, b"POST /x HTTP/1.1\r\n\r\n");
        write(&mut t, b"{\"a\":1}");
        assert!(t.inner.sends.is_empty());
        assert!(!t.is_open(), "a connection with unsent bytes is not reusable");
        t.await_input(NextTimeout::default()).unwrap();
        assert_eq!(t.inner.sends, vec![b"POST /x HTTP/1.1\r\n\r\n{\"a\":1}".to_vec()]);
        assert!(t.is_open());
    }

    #[test]
    fn a_large_write_is_sent_without_waiting_for_an_answer() {
        let mut t = gather();
        let chunk = vec![7u8; 16 * 1024];
        for _ in 0..4 {
            write(&mut t, &chunk);
        }
        let sent: usize = t.inner.sends.iter().map(Vec::len).sum();
        assert_eq!(sent, 64 * 1024, "flushed at the cap, in output-buffer-sized pieces");
        assert!(t.pending.is_empty());
    }

    fn resolve(r: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: Uri = url.parse().unwrap();
        let config = ureq::config::Config::default();
        r.resolve(&uri, &config, NextTimeout::default()).unwrap().iter().copied().collect()
    }

    #[test]
    fn ip_literals_are_answered_without_a_lookup() {
        let r = CachingResolver::default();
        assert_eq!(resolve(&r, "https://127.0.0.1:8443/x"), vec!["127.0.0.1:8443".parse().unwrap()]);
        assert_eq!(resolve(&r, "https://[::1]:9/x"), vec!["[::1]:9".parse().unwrap()]);
        assert_eq!(resolve(&r, "http://127.0.0.1/x"), vec!["127.0.0.1:80".parse().unwrap()]);
        assert!(r.cache.lock().unwrap().is_empty(), "nothing was looked up");
    }

    #[test]
    fn a_host_name_is_looked_up_once_and_then_reused() {
        let r = CachingResolver::default();
        let first = resolve(&r, "https://localhost:8443/a");
        assert!(first.iter().all(|a| a.ip().is_loopback() && a.port() == 8443), "{first:?}");
        assert_eq!(r.cache.lock().unwrap().len(), 1);
        // A stale entry is looked up again; a fresh one is reused.
        let marker: SocketAddr = "127.0.0.9:8443".parse().unwrap();
        let mut fake = r.empty();
        fake.push(marker);
        r.cache.lock().unwrap().insert("localhost:8443".into(), (Instant::now(), fake));
        assert_eq!(resolve(&r, "https://localhost:8443/b"), vec![marker]);
        let old = Instant::now() - RESOLVE_TTL - Duration::from_secs(1);
        r.cache.lock().unwrap().get_mut("localhost:8443").unwrap().0 = old;
        assert_ne!(resolve(&r, "https://localhost:8443/c"), vec![marker]);
    }
}
