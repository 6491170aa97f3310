//! Faults on demand: for the next N requests, by flag, by admin endpoint or per request header.

use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// One fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally, after this much extra delay.
    Latency(Duration),
    /// 503 `SERVER_BUSY` with `Retry-After: N` seconds.
    Busy {
        /// Seconds in `Retry-After`.
        retry_after: u32,
    },
    /// Read the request, then close the connection without answering.
    Close,
    /// Announce a full JSON body, send half of it, close.
    Truncate,
    /// A 500 HTML page, as a load balancer would send.
    Html500,
    /// A 503 HTML page, as a load balancer in front of the gateway would send.
    Html503,
    /// A 503 with an empty body.
    Empty503,
    /// A 500 page that quotes the request's headers, as a misconfigured proxy's error page may.
    Echo,
    /// Read the request, then write bytes that are not TLS under the TLS layer: the client's TLS
    /// fails after its request was written.
    Garbage,
    /// A 201 with a 50 MB body.
    Huge,
    /// A 302 redirect to another host.
    Redirect,
    /// Read the request and say nothing for this long, then close.
    Stall(Duration),
    /// Send every byte alone, this long apart. Queued, it applies to the next connection, whose
    /// TLS handshake and answers are all dripped; in the `X-Sandbox-Fault` header, to the answer.
    Drip(Duration),
    /// Answer normally, with 200 extra header lines (as a CDN or a WAF may add).
    ManyHeaders,
    /// The 201 answer, with the request's `sourceOfFunds` in clear at its head (as the gateway
    /// returns it when asked for sensitive data), and one byte too many after the JSON (counted
    /// in `Content-Length`): an answer that does not parse and holds secrets.
    Trailing,
    /// The same answer as [`Fault::Trailing`] without the byte, sent with no `Content-Length`
    /// and cut just before the closing quote of its last secret value by a clean close (TLS
    /// `close_notify`).
    CutJson,
    /// A 500 JSON page that quotes the request's headers with JSON's `\/` escaping, as some
    /// servers write their error pages.
    EchoJson,
    /// Check Gateway answers `status` `SHUTDOWN` ("The service is currently not accepting
    /// requests"); any other route answers as usual.
    Shutdown,
}

impl FromStr for Fault {
    type Err = String;

    /// `latency=MS`, `busy[=RETRY_AFTER_S]`, `close`, `truncate`, `html500`, `html503`,
    /// `empty503`, `echo`, `garbage`, `huge`, `redirect`, `stall[=MS]`, `drip[=MS]`, `manyheaders`,
    /// `trailing`, `cutjson`, `echojson`, `shutdown`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, arg) = match s.split_once('=') {
            Some((n, a)) => (n, Some(a)),
            None => (s, None),
        };
        let num = |default: u64| -> Result<u64, String> {
            arg.map_or(Ok(default), |a| a.parse().map_err(|_| format!("bad number in fault {s:?}")))
        };
        Ok(match name {
            "latency" => Fault::Latency(Duration::from_millis(num(100)?)),
            "busy" => Fault::Busy { retry_after: num(0)? as u32 },
            "close" => Fault::Close,
            "truncate" => Fault::Truncate,
            "html500" => Fault::Html500,
            "html503" => Fault::Html503,
            "empty503" => Fault::Empty503,
            "echo" => Fault::Echo,
            "garbage" => Fault::Garbage,
            "huge" => Fault::Huge,
            "redirect" => Fault::Redirect,
            "stall" => Fault::Stall(Duration::from_millis(num(30_000)?)),
            "drip" => Fault::Drip(Duration::from_millis(num(20)?)),
            "manyheaders" => Fault::ManyHeaders,
            "trailing" => Fault::Trailing,
            "cutjson" => Fault::CutJson,
            "echojson" => Fault::EchoJson,
            "shutdown" => Fault::Shutdown,
            _ => return Err(format!("unknown fault {name:?}")),
        })
    }
}

/// The queue of faults applied to the next requests, one each.
#[derive(Debug, Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
}

impl Faults {
    /// Applies `fault` to the next `count` requests (after those already queued).
    pub fn push(&self, fault: Fault, count: usize) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.extend(std::iter::repeat_n(fault, count));
    }

    /// Forgets every queued fault.
    pub fn clear(&self) {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// How many requests still get a fault.
    pub fn pending(&self) -> usize {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub(crate) fn next(&self) -> Option<Fault> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
    }

    /// Takes the next fault if it applies to a whole connection ([`Fault::Drip`]): its delay.
    pub(crate) fn next_for_connection(&self) -> Option<Duration> {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        match q.front() {
            Some(Fault::Drip(d)) => {
                let d = *d;
                q.pop_front();
                Some(d)
            }
            _ => None,
        }
    }
}
