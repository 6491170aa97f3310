//! The steps of [`Transport::connect`] one at a time, for the diagnostics of
//! [`crate::diagnose`]: resolve, TCP (through the proxy when one is set), TLS handshake. Each
//! opens its own connection and closes it; nothing of a request is ever written.

use std::net::SocketAddr;
use std::time::Instant;

use zeroize::Zeroizing;

use super::connect::{Conn, Stream, DEFAULT_IDLE_AGE};
use super::deadline::DeadlineStream;
use super::dial::dial;
use super::{Failure, Transport};

/// What a TLS handshake established.
pub(crate) struct Handshake {
    /// `TLSv1_3`, `TLSv1_2`.
    pub(crate) protocol: String,
    /// The cipher suite's name.
    pub(crate) cipher: String,
    /// The server's chain as sent, leaf first (DER).
    pub(crate) peer_chain: Vec<Vec<u8>>,
}

pub(crate) fn failure_text(f: Failure) -> String {
    match f {
        Failure::NotSent { message, .. }
        | Failure::Unanswered { message, .. }
        | Failure::BodyLost { message, .. }
        | Failure::ProxyRefused { message }
        | Failure::ReusedClosed { message } => message,
        Failure::TooLarge { cap, .. } => format!("answer larger than {cap} bytes"),
        Failure::Expired => "timed out".to_owned(),
    }
}

impl Transport {
    /// The host the first connection goes to (the proxy's, when one is set) and its port.
    pub(crate) fn first_hop(&self) -> (&str, u16) {
        match &self.proxy {
            Some(p) => (p.host.as_str(), p.port),
            None => (self.target.host.as_str(), self.target.port),
        }
    }

    /// The proxy's `host:port`, when requests go through one.
    pub(crate) fn proxy_address(&self) -> Option<String> {
        self.proxy.as_ref().map(|p| format!("{}:{}", p.host, p.port))
    }

    /// The addresses of the first hop.
    pub(crate) fn probe_resolve(&self, deadline: Instant) -> Result<Vec<SocketAddr>, String> {
        let (host, port) = self.first_hop();
        self.resolver.resolve(host, port, deadline).map_err(|e| e.0)
    }

    /// TCP to the first hop, then the proxy's tunnel when there is one: the address connected.
    pub(crate) fn probe_tcp(&self, deadline: Instant) -> Result<SocketAddr, String> {
        let addrs = self.probe_resolve(deadline)?;
        let d = dial(&addrs, deadline).map_err(|e| e.message)?;
        let addr = d.addr;
        let mut conn = Conn {
            stream: Stream::Plain(DeadlineStream::new(d.stream, deadline)),
            buf: Zeroizing::new(Vec::new()),
            idle_since: Instant::now(),
            max_idle_age: DEFAULT_IDLE_AGE,
        };
        if let Some(proxy) = &self.proxy {
            self.tunnel(&mut conn, proxy, deadline, deadline).map_err(failure_text)?;
        }
        Ok(addr)
    }

    /// A whole connection, TLS handshake included, with the client's own TLS settings (its
    /// roots, its client certificate): what the handshake established. `None` for plain HTTP.
    pub(crate) fn probe_tls(&self, deadline: Instant) -> Result<Option<Handshake>, String> {
        let conn = self.connect(deadline).map_err(failure_text)?;
        let Stream::Tls(tls) = &conn.stream else { return Ok(None) };
        let session = &tls.conn;
        Ok(Some(Handshake {
            protocol: session.protocol_version().map(|v| format!("{v:?}")).unwrap_or_default(),
            cipher: session.negotiated_cipher_suite().map(|c| format!("{:?}", c.suite())).unwrap_or_default(),
            peer_chain: session
                .peer_certificates()
                .map(|c| c.iter().map(|d| d.as_ref().to_vec()).collect())
                .unwrap_or_default(),
        }))
    }
}
