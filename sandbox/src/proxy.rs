//! A small HTTP CONNECT proxy for tests: tunnels to loopback targets only, or refuses, or drops
//! the connection, and records every CONNECT it received.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

/// What the proxy does with a CONNECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyMode {
    /// Opens the tunnel (loopback targets only; anything else is refused with 403).
    Tunnel,
    /// Answers with this status and closes.
    Refuse(u16),
    /// Closes the connection without answering.
    Drop,
    /// Answers 200 (the tunnel is open), then closes the connection at once.
    DropAfterConnect,
    /// Answers with this status and a JSON page that quotes the request's
    /// `Proxy-Authorization` (with JSON's `\/` escaping, as some proxies' error pages do), and
    /// closes.
    RefuseEcho(u16),
}

/// One CONNECT the proxy received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connect {
    /// The request target (`127.0.0.1:8443`).
    pub target: String,
    /// The `Proxy-Authorization` header, if any.
    pub authorization: Option<String>,
}

/// A running proxy on `127.0.0.1`; stops accepting when dropped.
pub struct TunnelProxy {
    port: u16,
    seen: Arc<Mutex<Vec<Connect>>>,
    stop: Arc<AtomicBool>,
}

impl TunnelProxy {
    /// Starts a proxy on a free loopback port.
    pub fn start(mode: ProxyMode) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (seen.clone(), stop.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                thread::spawn(move || {
                    let _ = serve(conn, mode, &s);
                });
            }
        });
        Ok(Self { port, seen, stop })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every CONNECT received so far.
    pub fn seen(&self) -> Vec<Connect> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for TunnelProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut client: TcpStream, mode: ProxyMode, seen: &Mutex<Vec<Connect>>) -> io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte)? == 0 || head.len() > 16 * 1024 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let first: Vec<&str> = lines.next().unwrap_or_default().split(' ').collect();
    let authorization = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, v)| v.trim().to_owned());
    let (method, target) =
        (first.first().copied().unwrap_or_default(), first.get(1).copied().unwrap_or_default());
    seen.lock().unwrap_or_else(|e| e.into_inner()).push(Connect { target: target.to_owned(), authorization });
    let refuse = |client: &mut TcpStream, status: u16| {
        let _ = write!(client, "HTTP/1.1 {status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let _ = client.shutdown(Shutdown::Both);
    };
    match mode {
        ProxyMode::Drop => return client.shutdown(Shutdown::Both),
        ProxyMode::Refuse(status) => {
            refuse(&mut client, status);
            return Ok(());
        }
        ProxyMode::RefuseEcho(status) => {
            let quoted =
                seen.lock().unwrap_or_else(|e| e.into_inner()).last().and_then(|c| c.authorization.clone());
            let page = serde_json::json!({"error": "proxy authentication refused",
                "Proxy-Authorization": quoted.unwrap_or_default()})
            .to_string()
            .replace('/', "\\/");
            let _ = write!(
                client,
                "HTTP/1.1 {status} Refused\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
            return client.shutdown(Shutdown::Both);
        }
        ProxyMode::DropAfterConnect => {
            let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            return client.shutdown(Shutdown::Both);
        }
        ProxyMode::Tunnel => {}
    }
    let host = target.rsplit_once(':').map(|(h, _)| h.trim_start_matches('[').trim_end_matches(']'));
    let loopback =
        host.is_some_and(|h| h == "localhost" || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()));
    if method != "CONNECT" || !loopback {
        refuse(&mut client, 403);
        return Ok(());
    }
    let upstream = match TcpStream::connect(target) {
        Ok(u) => u,
        Err(_) => {
            refuse(&mut client, 502);
            return Ok(());
        }
    };
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let (mut c2, mut u2) = (client.try_clone()?, upstream.try_clone()?);
    let up = thread::spawn(move || {
        let _ = io::copy(&mut c2, &mut u2);
        let _ = u2.shutdown(Shutdown::Write);
    });
    let (mut u, mut c) = (upstream, client);
    let _ = io::copy(&mut u, &mut c);
    let _ = c.shutdown(Shutdown::Both);
    let _ = up.join();
    Ok(())
}
