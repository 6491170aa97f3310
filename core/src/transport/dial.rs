//! TCP connection to one of a host's addresses, "Happy Eyeballs" style (RFC 8305 §5): the
//! addresses are tried in order, the next one [`ATTEMPT_DELAY`] after the previous started (or at
//! once when it failed), with the earlier attempts still running; the first to connect wins, and
//! everything ends by the deadline.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long an attempt has alone before the next address is tried too (RFC 8305 recommends 250 ms).
pub(super) const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// The most addresses one connect tries (so at most this many threads connect at once).
pub(super) const MAX_ATTEMPTS: usize = 8;

/// Stack of a connecting thread: `connect` needs very little.
const ATTEMPT_STACK: usize = 64 * 1024;

/// The connected stream, its address, and the addresses that lost to it (failed, or were still
/// connecting, though started earlier).
#[derive(Debug)]
pub(super) struct Dialled {
    pub(super) stream: TcpStream,
    pub(super) addr: SocketAddr,
    pub(super) failed: Vec<SocketAddr>,
}

/// No address connected: the last error, whether time ran out, and the addresses tried.
#[derive(Debug)]
pub(super) struct DialError {
    pub(super) message: String,
    pub(super) timed_out: bool,
    pub(super) failed: Vec<SocketAddr>,
}

type Outcome = (usize, io::Result<TcpStream>);

/// Connects to the first of `addrs` that answers, by `deadline`.
pub(super) fn dial(addrs: &[SocketAddr], deadline: Instant) -> Result<Dialled, DialError> {
    let addrs = &addrs[..addrs.len().min(MAX_ATTEMPTS)];
    let timed_out = |failed: Vec<SocketAddr>| DialError {
        message: "timed out connecting".into(),
        timed_out: true,
        failed,
    };
    if let [addr] = addrs {
        // One address: no race to run, no thread needed.
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out(vec![*addr]));
        }
        return match TcpStream::connect_timeout(addr, left) {
            Ok(stream) => Ok(Dialled { stream, addr: *addr, failed: Vec::new() }),
            Err(e) => Err(DialError {
                message: format!("cannot connect to {addr}: {e}"),
                timed_out: is_timeout(&e),
                failed: vec![*addr],
            }),
        };
    }
    let (tx, rx) = mpsc::channel::<Outcome>();
    let mut started = 0; // attempts started: addrs[..started]
    let mut running = 0;
    let mut failed: Vec<SocketAddr> = Vec::new();
    let mut last = String::from("no address to connect to");
    let mut next_at = Instant::now();
    loop {
        let now = Instant::now();
        if now >= deadline {
            // The attempts still running lost too; their threads end by the deadline.
            lost(&mut failed, &addrs[..started]);
            return Err(timed_out(failed));
        }
        if started < addrs.len() && now >= next_at {
            let (i, addr, tx) = (started, addrs[started], tx.clone());
            let left = deadline - now;
            let spawned = std::thread::Builder::new()
                .name("mpgs-connect".into())
                .stack_size(ATTEMPT_STACK)
                .spawn(move || {
                    // If the race is over, the receiver is gone and the stream is dropped (closed).
                    let _ = tx.send((i, TcpStream::connect_timeout(&addr, left)));
                });
            started += 1;
            match spawned {
                Ok(_) => running += 1,
                Err(e) => {
                    last = format!("cannot connect to {addr}: no thread for the attempt ({e})");
                    failed.push(addr);
                }
            }
            next_at = Instant::now() + ATTEMPT_DELAY;
            continue;
        }
        if running == 0 {
            if started == addrs.len() {
                return Err(DialError { message: last, timed_out: false, failed });
            }
            next_at = now; // nothing in flight: the next address at once
            continue;
        }
        let until = if started < addrs.len() { next_at.min(deadline) } else { deadline };
        match rx.recv_timeout(until.saturating_duration_since(now)) {
            Ok((i, Ok(stream))) => {
                // Every address started before the winner lost to it.
                lost(&mut failed, &addrs[..i]);
                return Ok(Dialled { stream, addr: addrs[i], failed });
            }
            Ok((i, Err(e))) => {
                running -= 1;
                last = format!("cannot connect to {}: {e}", addrs[i]);
                failed.push(addrs[i]);
                next_at = Instant::now(); // RFC 8305: a failure starts the next attempt at once
            }
            Err(_) => {} // the next attempt's time, or the deadline
        }
    }
}

/// Adds to `failed` those of `addrs` not in it yet, in order.
fn lost(failed: &mut Vec<SocketAddr>, addrs: &[SocketAddr]) {
    for a in addrs {
        if !failed.contains(a) {
            failed.push(*a);
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::os::fd::AsRawFd;

    use super::*;

    /// A loopback address that never answers a SYN: a listener with a backlog of 0 whose queue
    /// is full (Linux then drops new SYNs, so a connect hangs as to a dead host). The returned
    /// streams keep the queue full.
    fn black_hole() -> (TcpListener, Vec<TcpStream>, SocketAddr) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        // SAFETY: a valid listening socket; listen() again only changes its backlog.
        assert_eq!(unsafe { libc::listen(l.as_raw_fd(), 0) }, 0);
        let addr = l.local_addr().unwrap();
        let mut fill = Vec::new();
        for _ in 0..16 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
                Ok(s) => fill.push(s),
                Err(_) => return (l, fill, addr),
            }
        }
        panic!("the listen queue never filled");
    }

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn a_dead_first_address_costs_one_attempt_delay_not_the_budget() {
        let (_l, _fill, dead) = black_hole();
        let live = TcpListener::bind("127.0.0.1:0").unwrap();
        let live_addr = live.local_addr().unwrap();
        let t = Instant::now();
        let d = dial(&[dead, live_addr], far()).unwrap();
        assert_eq!(d.addr, live_addr);
        assert_eq!(d.failed, vec![dead], "the dead address lost the race");
        assert!(t.elapsed() >= ATTEMPT_DELAY - Duration::from_millis(5), "the first had its head start");
        assert!(t.elapsed() < Duration::from_secs(2), "took {:?}", t.elapsed());
    }

    #[test]
    fn a_refused_address_starts_the_next_at_once() {
        let refused = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        }; // closed: connecting is refused
        let live = TcpListener::bind("127.0.0.1:0").unwrap();
        // The quickest of three runs, so that a busy machine does not make it flaky.
        let quickest = (0..3)
            .map(|_| {
                let t = Instant::now();
                let d = dial(&[refused, live.local_addr().unwrap()], far()).unwrap();
                assert_eq!((d.addr, d.failed), (live.local_addr().unwrap(), vec![refused]));
                t.elapsed()
            })
            .min()
            .unwrap();
        assert!(quickest < ATTEMPT_DELAY, "no wait after a refusal: {quickest:?}");
    }

    #[test]
    fn nothing_answers_by_the_deadline() {
        let (_l, _fill, dead) = black_hole();
        let (_l2, _fill2, dead2) = black_hole();
        let t = Instant::now();
        let e = dial(&[dead, dead2], Instant::now() + Duration::from_millis(600)).unwrap_err();
        assert!(e.timed_out, "{}", e.message);
        assert_eq!(e.failed, vec![dead, dead2]);
        assert!(t.elapsed() < Duration::from_millis(1100), "bounded by the deadline: {:?}", t.elapsed());
        let e = dial(&[dead], Instant::now() + Duration::from_millis(300)).unwrap_err();
        assert!(e.timed_out && e.failed == vec![dead]);
    }

    #[test]
    fn all_refused_is_the_last_error() {
        let refused: Vec<SocketAddr> =
            (0..2).map(|_| TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()).collect();
        let e = dial(&refused, far()).unwrap_err();
        assert!(!e.timed_out && e.message.contains("cannot connect to"), "{}", e.message);
        assert_eq!(e.failed, refused);
    }

    /// Through the transport's `connect`: the refused address goes last, and stays last when
    /// the name is looked up again after the cache time.
    #[test]
    fn connect_dials_a_refused_address_last_also_after_the_cache_time() {
        use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};

        use crate::transport::resolver::Resolver;
        use crate::transport::{Target, Transport};

        static REFUSED: AtomicU16 = AtomicU16::new(0);
        static LIVE: AtomicU16 = AtomicU16::new(0);
        static LOOKUPS: AtomicUsize = AtomicUsize::new(0);
        fn lookup(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
            LOOKUPS.fetch_add(1, Ordering::SeqCst);
            let at = |p: &AtomicU16| SocketAddr::from(([127, 0, 0, 1], p.load(Ordering::SeqCst)));
            Ok(vec![at(&REFUSED), at(&LIVE)]) // the refused one first, as the DNS answer has it
        }
        let live = TcpListener::bind("127.0.0.1:0").unwrap();
        let refused = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap(); // closed
        REFUSED.store(refused.port(), Ordering::SeqCst);
        LIVE.store(live.local_addr().unwrap().port(), Ordering::SeqCst);
        let target = Target {
            https: false,
            host: "gateway.test".into(),
            port: 80,
            authority: "gateway.test".into(),
            prefix: String::new(),
        };
        let mut t = Transport::new(None, target, None, Duration::from_secs(5), 4);
        t.resolver = Resolver::with_lookup(lookup);
        let order = |t: &Transport| t.resolver.resolve("gateway.test", 80, far()).unwrap();
        assert!(t.connect(far()).is_ok());
        assert_eq!(order(&t), vec![live.local_addr().unwrap(), refused], "refused goes last");
        t.resolver.expire("gateway.test", 80);
        assert_eq!(order(&t), vec![live.local_addr().unwrap(), refused], "the order survives the refresh");
        assert_eq!(LOOKUPS.load(Ordering::SeqCst), 2, "looked up again after the cache time");
        assert!(t.connect(far()).is_ok());
    }

    /// A lookup that hangs costs the call no more than its deadline, through `connect`.
    #[test]
    fn connect_keeps_to_the_deadline_while_the_lookup_hangs() {
        use crate::transport::resolver::Resolver;
        use crate::transport::{Failure, Target, Transport};

        fn hangs(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
            std::thread::sleep(Duration::from_secs(3));
            Err(io::Error::other("SERVFAIL"))
        }
        let target = Target {
            https: true,
            host: "gateway.test".into(),
            port: 443,
            authority: "gateway.test".into(),
            prefix: String::new(),
        };
        let mut t = Transport::new(None, target, None, Duration::from_secs(10), 4);
        t.resolver = Resolver::with_lookup(hangs);
        let started = Instant::now();
        let Err(Failure::NotSent { tls: false, message }) =
            t.connect(Instant::now() + Duration::from_millis(300))
        else {
            panic!("not a connect failure")
        };
        assert!(message.contains("timed out looking up gateway.test"), "{message}");
        assert!(started.elapsed() < Duration::from_millis(800), "took {:?}", started.elapsed());
    }
}
