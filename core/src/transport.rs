//! The connection layer under the client: one ureq agent per process (made anew after `fork()`)
//! and a resolver that does not start a thread per request.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

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

fn new_agent(config: &ureq::config::Config) -> ureq::Agent {
    ureq::Agent::with_parts(config.clone(), DefaultConnector::default(), CachingResolver::default())
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
