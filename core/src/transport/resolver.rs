//! Host names to addresses, with a short cache.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::fork::ForkSafe;

/// How long a host name's addresses are reused before they are looked up again (fixed).
pub const RESOLVE_TTL: Duration = Duration::from_secs(30);

/// When a name was looked up, and its addresses in the order to dial them.
type Resolved = (Instant, Vec<SocketAddr>);

/// Addresses by host name. IP literals are answered at once; `localhost` is always the
/// loopback addresses (never the system resolver, so `http://localhost` stays on this machine);
/// other names are looked up (on a helper thread, so the lookup keeps to the deadline) and kept
/// for [`RESOLVE_TTL`]. An address that refused a connection goes to the back of the list.
#[derive(Debug, Default)]
pub(super) struct Resolver {
    cache: ForkSafe<HashMap<(String, u16), Resolved>>,
}

impl Resolver {
    pub(super) fn resolve(
        &self,
        host: &str,
        port: u16,
        deadline: Instant,
    ) -> Result<Vec<SocketAddr>, (String, bool)> {
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
    pub(super) fn failed(&self, host: &str, port: u16, addr: SocketAddr) {
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
