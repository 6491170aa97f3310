//! A simulated network in front of the server (`--rtt-ms N`): a delay line per connection and
//! direction. A byte the client writes at `t` reaches the server at `t + N/2`, and a byte the
//! server writes at `t` reaches the client at `t + N/2`, however the bytes were cut into writes:
//! each direction is a reader that stamps what it reads with its delivery time and a writer that
//! delivers it then. So a TLS 1.3 handshake costs its real round trips, and requests written
//! back to back overlap in flight as on a real link.
//!
//! Loopback completes the TCP handshake at once, before the proxy sees the connection; to count
//! the SYN / SYN-ACK round trip honestly, nothing the client writes reaches the server earlier
//! than one round trip after the connection was accepted (a client that writes at once after
//! `connect` sees its first answer byte after 2 round trips, as on a real link where `connect`
//! itself takes one). Connection refusals and resets are not delayed.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Accepts on `listener` until `stop` is set and carries each connection to `upstream` through a
/// delay line of `rtt / 2` per direction.
pub(crate) fn spawn_delay_loop(
    listener: TcpListener,
    upstream: SocketAddr,
    rtt: Duration,
    stop: Arc<AtomicBool>,
) -> std::io::Result<JoinHandle<()>> {
    thread::Builder::new().name("mpgs-sandbox-rtt".into()).spawn(move || {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(client) = stream else { continue };
            let _ = thread::Builder::new().name("mpgs-sandbox-rtt-conn".into()).spawn(move || {
                let _ = carry(client, upstream, rtt);
            });
        }
    })
}

/// One connection: the client's bytes to the server no sooner than one round trip after the
/// accept (the TCP handshake loopback skipped) plus half a round trip; the server's bytes to the
/// client half a round trip after they were written.
fn carry(client: TcpStream, upstream: SocketAddr, rtt: Duration) -> std::io::Result<()> {
    let accepted = Instant::now();
    let server = TcpStream::connect(upstream)?;
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let one_way = rtt / 2;
    let (client_in, server_out) = (client.try_clone()?, server.try_clone()?);
    let up = thread::Builder::new()
        .name("mpgs-sandbox-rtt-up".into())
        .spawn(move || line(client_in, server_out, one_way, accepted + rtt).map(|w| w.join()))?;
    let down = line(server, client, one_way, accepted)?;
    let _ = down.join();
    let _ = up.join();
    Ok(())
}

/// A delay line from `from` to `to`: bytes read at `t` are written at `max(t, not_before) +
/// one_way`; the end of the stream (a FIN) travels the same way. Runs the writer on a new thread
/// and the reader on this one; returns the writer's handle.
pub(crate) fn line(
    mut from: TcpStream,
    mut to: TcpStream,
    one_way: Duration,
    not_before: Instant,
) -> std::io::Result<JoinHandle<()>> {
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    let reader_side = from.try_clone()?;
    let writer = thread::Builder::new().name("mpgs-sandbox-rtt-line".into()).spawn(move || {
        for (at, bytes) in rx {
            let now = Instant::now();
            if at > now {
                thread::sleep(at - now);
            }
            if bytes.is_empty() {
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            if to.write_all(&bytes).is_err() {
                break;
            }
        }
        // The far end is gone: so is this connection, for the near end too (as a reset would).
        let _ = reader_side.shutdown(Shutdown::Both);
        let _ = to.shutdown(Shutdown::Both);
    })?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = from.read(&mut buf).unwrap_or(0);
        let at = Instant::now().max(not_before) + one_way;
        if tx.send((at, buf[..n].to_vec())).is_err() || n == 0 {
            break;
        }
    }
    Ok(writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connected pair of loopback sockets.
    fn pair() -> (TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        (a, l.accept().unwrap().0)
    }

    #[test]
    fn every_byte_arrives_half_a_round_trip_after_it_was_written_however_many_writes() {
        let one_way = Duration::from_millis(150);
        let (mut near, line_in) = pair();
        let (line_out, mut far) = pair();
        let start = Instant::now();
        let t = thread::spawn(move || line(line_in, line_out, one_way, start).map(|w| w.join()));
        // Ten writes 10 ms apart: the last arrives one way after it was written, not ten times.
        for _ in 0..10 {
            near.write_all(b"x").unwrap();
            thread::sleep(Duration::from_millis(10));
        }
        let last_written = Instant::now();
        let mut got = [0u8; 10];
        far.read_exact(&mut got[..1]).unwrap();
        assert!(start.elapsed() >= one_way, "the first byte took a one-way delay");
        far.read_exact(&mut got[1..]).unwrap();
        let took = last_written.elapsed();
        assert!(took + Duration::from_millis(20) >= one_way, "the last byte too ({took:?})");
        assert!(took < one_way * 4, "not one delay per write ({took:?})");
        drop(near);
        assert_eq!(far.read(&mut got).unwrap(), 0, "the close travels too");
        let _ = t.join();
    }

    #[test]
    fn nothing_reaches_the_server_before_the_skipped_tcp_handshake_round_trip() {
        let rtt = Duration::from_millis(200);
        let (mut near, line_in) = pair();
        let (line_out, mut far) = pair();
        let accepted = Instant::now();
        thread::spawn(move || line(line_in, line_out, rtt / 2, accepted + rtt));
        near.write_all(b"hello").unwrap();
        let mut got = [0u8; 5];
        far.read_exact(&mut got).unwrap();
        assert!(accepted.elapsed() >= rtt + rtt / 2, "a round trip for SYN, half for the data");
    }
}
