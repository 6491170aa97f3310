//! Host names to addresses, with a short cache, one lookup at a time per name, and the order
//! learned from failed connections.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::fork::ForkSafe;

/// How long a host name's addresses are reused before they are looked up again (fixed).
pub const RESOLVE_TTL: Duration = Duration::from_secs(30);

/// How long a failed lookup is remembered: calls in that time fail at once, without a lookup.
pub const NEGATIVE_TTL: Duration = Duration::from_secs(5);

/// Stack of a lookup thread: `getaddrinfo` needs far less than the 2 MiB default.
const LOOKUP_STACK: usize = 256 * 1024;

/// The system's lookup (`getaddrinfo`); tests put their own in its place.
type Lookup = fn(&str, u16) -> io::Result<Vec<SocketAddr>>;

fn system_lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    if is_invalid_tld(host) {
        // RFC 6761 §6.4: never asked of the system, so that no query leaves the machine.
        return Err(io::Error::new(io::ErrorKind::NotFound, "names under .invalid never resolve"));
    }
    (host, port).to_socket_addrs().map(Iterator::collect)
}

type Key = (String, u16);

/// What one lookup found: the addresses in the resolver's order, or why there are none.
type Found = Result<Vec<SocketAddr>, String>;

/// A lookup under way, shared by every call that wants the same name meanwhile.
#[derive(Default)]
struct Pending {
    found: Mutex<Option<Found>>,
    done: Condvar,
}

#[derive(Default)]
struct State {
    /// When each name was looked up, and what was found (a failure is kept for [`NEGATIVE_TTL`]).
    cache: HashMap<Key, (Instant, Found)>,
    /// The lookups under way: at most one per name.
    pending: HashMap<Key, Arc<Pending>>,
    /// Addresses that failed to connect, oldest failure first: they are dialled after the
    /// others, in this order, and this survives the refresh of the cache.
    demoted: HashMap<Key, Vec<SocketAddr>>,
}

/// Addresses by host name. IP literals are answered at once; `localhost` is always the
/// loopback addresses (never the system resolver, so `http://localhost` stays on this machine);
/// other names are looked up on a helper thread, so that the wait keeps to the caller's deadline,
/// and kept for [`RESOLVE_TTL`] (a failure for [`NEGATIVE_TTL`]). At most one lookup of a name is
/// under way at a time: concurrent calls wait for the same one, each until its own deadline. An
/// address that failed to connect is dialled after the others, also after the next lookup.
#[derive(Debug)]
pub(super) struct Resolver {
    state: Arc<ForkSafe<State>>,
    lookup: Lookup,
    stack: usize,
}

impl Default for Resolver {
    fn default() -> Self {
        Self { state: Arc::default(), lookup: system_lookup, stack: LOOKUP_STACK }
    }
}

/// `invalid` and names under it (RFC 6761 §6.4): resolution APIs "SHOULD always return
/// immediately with a negative response".
fn is_invalid_tld(host: &str) -> bool {
    let h = host.strip_suffix('.').unwrap_or(host);
    h.eq_ignore_ascii_case("invalid")
        || h.len() > 8 && h.is_char_boundary(h.len() - 8) && h[h.len() - 8..].eq_ignore_ascii_case(".invalid")
}

fn loopback(port: u16) -> Vec<SocketAddr> {
    vec![SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port), SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port)]
}

/// The order to dial `addrs` in: the families interleaved, starting with the resolver's first
/// (RFC 8305 §4: a broken IPv6 or IPv4 path costs one attempt, not all of its family's), then the
/// demoted ones, in the order they failed.
fn ordered(addrs: Vec<SocketAddr>, demoted: Option<&Vec<SocketAddr>>) -> Vec<SocketAddr> {
    let demoted = demoted.map(Vec::as_slice).unwrap_or_default();
    let first_v6 = addrs.first().is_some_and(SocketAddr::is_ipv6);
    let (mut first, mut other): (Vec<_>, Vec<_>) =
        addrs.into_iter().filter(|a| !demoted.contains(a)).partition(|a| a.is_ipv6() == first_v6);
    let mut out = Vec::with_capacity(first.len() + other.len() + demoted.len());
    first.reverse();
    other.reverse();
    while !first.is_empty() || !other.is_empty() {
        out.extend(first.pop());
        out.extend(other.pop());
    }
    out.extend(demoted.iter().copied());
    out
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
        let key = (host.to_owned(), port);
        let pending = {
            let mut st = self.state.lock();
            if host.eq_ignore_ascii_case("localhost") {
                return Ok(ordered(loopback(port), st.demoted.get(&key)));
            }
            match st.cache.get(&key) {
                Some((at, Ok(addrs))) if at.elapsed() < RESOLVE_TTL => {
                    return Ok(ordered(addrs.clone(), st.demoted.get(&key)));
                }
                Some((at, Err(why))) if at.elapsed() < NEGATIVE_TTL => return Err((why.clone(), false)),
                _ => {}
            }
            match st.pending.get(&key) {
                Some(p) => Arc::clone(p),
                None => {
                    let p = Arc::new(Pending::default());
                    self.start_lookup(&key, Arc::clone(&p)).map_err(|e| {
                        (format!("cannot look up {host}: no thread for the lookup ({e})"), false)
                    })?;
                    st.pending.insert(key.clone(), Arc::clone(&p));
                    p
                }
            }
        };
        let mut found = pending.found.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(f) = &*found {
                let f = f.clone();
                drop(found);
                return match f {
                    Ok(addrs) => Ok(ordered(addrs, self.state.lock().demoted.get(&key))),
                    Err(why) => Err((why, false)),
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err((format!("timed out looking up {host}"), true));
            }
            found = pending.done.wait_timeout(found, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Starts the one lookup of `key`; its thread caches what it finds, then wakes the waiters.
    fn start_lookup(&self, key: &Key, pending: Arc<Pending>) -> io::Result<()> {
        let (state, lookup, key) = (Arc::clone(&self.state), self.lookup, key.clone());
        std::thread::Builder::new().name("mpgs-lookup".into()).stack_size(self.stack).spawn(move || {
            let found = match lookup(&key.0, key.1) {
                Ok(addrs) if !addrs.is_empty() => Ok(addrs),
                _ => Err(format!("host name not found: {}", key.0)),
            };
            {
                let mut st = state.lock();
                if let Ok(addrs) = &found {
                    // Forget demotions of addresses the name no longer has.
                    if let Some(d) = st.demoted.get_mut(&key) {
                        d.retain(|a| addrs.contains(a));
                    }
                }
                st.cache.insert(key.clone(), (Instant::now(), found.clone()));
                st.pending.remove(&key);
            }
            *pending.found.lock().unwrap_or_else(|e| e.into_inner()) = Some(found);
            pending.done.notify_all();
        })?;
        Ok(())
    }

    /// `addr` failed to connect (refused, or slower than another): the next calls dial the
    /// host's other addresses first, until it connects again.
    pub(super) fn failed(&self, host: &str, port: u16, addr: SocketAddr) {
        if host.parse::<IpAddr>().is_ok() {
            return;
        }
        let mut st = self.state.lock();
        let demoted = st.demoted.entry((host.to_owned(), port)).or_default();
        demoted.retain(|a| *a != addr);
        demoted.push(addr);
    }

    /// `addr` connected: it takes its place in the resolver's order again.
    pub(super) fn connected(&self, host: &str, port: u16, addr: SocketAddr) {
        if host.parse::<IpAddr>().is_ok() {
            return;
        }
        if let Some(d) = self.state.lock().demoted.get_mut(&(host.to_owned(), port)) {
            d.retain(|a| *a != addr);
        }
    }
}

#[cfg(test)]
impl Resolver {
    /// A resolver whose lookups `lookup` answers.
    pub(super) fn with_lookup(lookup: Lookup) -> Self {
        Self { lookup, ..Self::default() }
    }

    /// Makes `host:port`'s cache entry look older than [`RESOLVE_TTL`].
    pub(super) fn expire(&self, host: &str, port: u16) {
        if let Some(entry) = self.state.lock().cache.get_mut(&(host.to_owned(), port)) {
            entry.0 = Instant::now() - RESOLVE_TTL - Duration::from_secs(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    fn with_lookup(lookup: Lookup) -> Resolver {
        Resolver::with_lookup(lookup)
    }

    #[test]
    fn ip_literals_and_localhost_never_reach_the_system_resolver() {
        fn never(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
            panic!("looked up")
        }
        let r = with_lookup(never);
        assert_eq!(r.resolve("127.0.0.1", 8443, far()).unwrap(), vec!["127.0.0.1:8443".parse().unwrap()]);
        assert_eq!(r.resolve("::1", 9, far()).unwrap(), vec!["[::1]:9".parse().unwrap()]);
        let local = r.resolve("LocalHost", 80, far()).unwrap();
        assert_eq!(local, vec!["127.0.0.1:80".parse().unwrap(), "[::1]:80".parse().unwrap()]);
        assert!(r.state.lock().cache.is_empty(), "nothing was looked up");
    }

    #[test]
    fn names_under_invalid_fail_at_once_without_asking_the_system() {
        for host in ["nonexistent.invalid", "a.b.INVALID", "invalid", "x.invalid."] {
            let e = system_lookup(host, 443).expect_err(host);
            assert_eq!(e.kind(), io::ErrorKind::NotFound, "{host}");
            let e = Resolver::default().resolve(host, 443, far()).expect_err(host);
            assert!(e.0.contains("not found") && !e.1, "{host}: {e:?}");
        }
        assert!(!is_invalid_tld("invalid.example.com") && !is_invalid_tld("notinvalid"));
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
        r.connected("localhost", 443, v4);
        assert_eq!(r.resolve("localhost", 443, far()).unwrap(), vec![v4, v6], "v4 works again");
        r.connected("localhost", 443, v6);
        assert_eq!(r.resolve("localhost", 443, far()).unwrap(), vec![v4, v6]);
    }

    #[test]
    fn the_families_are_interleaved_starting_with_the_first_and_demoted_ones_go_last() {
        let v6 = |n: u16| SocketAddr::new(Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, n).into(), 443);
        let v4 = |n: u8| SocketAddr::new(Ipv4Addr::new(127, 0, 0, n).into(), 443);
        let dns = vec![v6(1), v6(2), v6(3), v4(1), v4(2)];
        assert_eq!(ordered(dns.clone(), None), vec![v6(1), v4(1), v6(2), v4(2), v6(3)]);
        let demoted = vec![v4(1), v6(1)];
        assert_eq!(ordered(dns, Some(&demoted)), vec![v6(2), v4(2), v6(3), v4(1), v6(1)]);
        assert_eq!(ordered(vec![v4(2), v4(1)], None), vec![v4(2), v4(1)], "one family: as given");
    }

    #[test]
    fn looked_up_names_are_kept_for_the_ttl() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        fn counting(_: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
            CALLS.fetch_add(1, Ordering::SeqCst);
            Ok(vec![SocketAddr::new(Ipv4Addr::new(127, 0, 0, 9).into(), port)])
        }
        let r = with_lookup(counting);
        let marker: SocketAddr = "127.0.0.9:8443".parse().unwrap();
        assert_eq!(r.resolve("gateway.invalid", 8443, far()).unwrap(), vec![marker]);
        assert_eq!(r.resolve("gateway.invalid", 8443, far()).unwrap(), vec![marker]);
        assert_eq!(CALLS.load(Ordering::SeqCst), 1, "the second call used the cache");
        let key = ("gateway.invalid".to_owned(), 8443);
        r.state.lock().cache.get_mut(&key).unwrap().0 = Instant::now() - RESOLVE_TTL - Duration::from_secs(1);
        assert_eq!(r.resolve("gateway.invalid", 8443, far()).unwrap(), vec![marker]);
        assert_eq!(CALLS.load(Ordering::SeqCst), 2, "a stale entry is looked up again");
    }

    #[test]
    fn an_address_that_failed_is_still_dialled_last_after_the_cache_time() {
        fn two(_: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
            Ok(vec![
                SocketAddr::new(Ipv4Addr::new(127, 0, 0, 2).into(), port),
                SocketAddr::new(Ipv4Addr::new(127, 0, 0, 3).into(), port),
            ])
        }
        let r = with_lookup(two);
        let (a, b): (SocketAddr, SocketAddr) =
            ("127.0.0.2:443".parse().unwrap(), "127.0.0.3:443".parse().unwrap());
        assert_eq!(r.resolve("gw.invalid", 443, far()).unwrap(), vec![a, b]);
        r.failed("gw.invalid", 443, a);
        assert_eq!(r.resolve("gw.invalid", 443, far()).unwrap(), vec![b, a]);
        let key = ("gw.invalid".to_owned(), 443);
        r.state.lock().cache.get_mut(&key).unwrap().0 = Instant::now() - RESOLVE_TTL - Duration::from_secs(1);
        assert_eq!(r.resolve("gw.invalid", 443, far()).unwrap(), vec![b, a], "the refresh keeps the order");
        assert!(r.state.lock().cache[&key].0.elapsed() < RESOLVE_TTL, "it was looked up again");
    }

    static SLOW_CALLS: AtomicUsize = AtomicUsize::new(0);
    fn slow_failure(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
        SLOW_CALLS.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(1500));
        Err(io::Error::other("SERVFAIL"))
    }

    #[test]
    fn concurrent_calls_share_one_lookup_each_keeps_its_deadline_and_a_failure_is_cached() {
        let r = Arc::new(with_lookup(slow_failure));
        let started = Instant::now();
        let callers: Vec<_> = (0..20)
            .map(|i| {
                let r = Arc::clone(&r);
                std::thread::spawn(move || {
                    // Half give up early, half wait for the lookup's answer.
                    let deadline =
                        Instant::now() + Duration::from_millis(if i % 2 == 0 { 200 } else { 5000 });
                    let t = Instant::now();
                    let got = r.resolve("down.invalid", 443, deadline);
                    (i, got, t.elapsed())
                })
            })
            .collect();
        for c in callers {
            let (i, got, took) = c.join().unwrap();
            let (why, timed_out) = got.unwrap_err();
            if i % 2 == 0 {
                assert!(timed_out && why.contains("timed out"), "{why}");
                assert!(took < Duration::from_millis(700), "bounded by its own deadline: {took:?}");
            } else {
                assert!(!timed_out && why.contains("not found"), "{why}");
            }
        }
        assert_eq!(SLOW_CALLS.load(Ordering::SeqCst), 1, "one lookup for all twenty calls");
        assert!(started.elapsed() < Duration::from_secs(4));
        let t = Instant::now();
        let (why, _) = r.resolve("down.invalid", 443, far()).unwrap_err();
        assert!(why.contains("not found") && t.elapsed() < Duration::from_millis(100), "cached failure");
        assert_eq!(SLOW_CALLS.load(Ordering::SeqCst), 1, "no lookup while the failure is cached");
        let key = ("down.invalid".to_owned(), 443);
        r.state.lock().cache.get_mut(&key).unwrap().0 = Instant::now() - NEGATIVE_TTL;
        let _ = r.resolve("down.invalid", 443, Instant::now() + Duration::from_millis(50));
        assert_eq!(SLOW_CALLS.load(Ordering::SeqCst), 2, "looked up again after the negative TTL");
    }

    #[test]
    fn a_lookup_thread_that_cannot_start_is_an_error_not_a_panic() {
        fn never(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
            panic!("looked up")
        }
        // A stack larger than the address space: the thread cannot be created.
        let r = Resolver { lookup: never, stack: 1 << 62, ..Resolver::default() };
        let (why, timed_out) = r.resolve("gateway.invalid", 443, far()).unwrap_err();
        assert!(!timed_out && why.contains("no thread for the lookup"), "{why}");
        assert!(r.state.lock().pending.is_empty(), "nothing is left waiting");
    }
}
