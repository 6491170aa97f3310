//! A TCP stream that knows the call's deadline: before every `read` and `write` it sets the
//! socket's timeouts to the time left, and once the deadline has passed it fails with
//! `TimedOut` without touching the socket. rustls loops inside one `complete_io` or one `read`
//! (a whole handshake flight, a whole record); each of its socket calls comes through here, so a
//! peer that sends one byte at a time cannot hold a call past its deadline.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

pub(super) struct DeadlineStream {
    pub(super) tcp: TcpStream,
    deadline: Instant,
    /// Bytes written to the socket since the deadline was last set.
    written: u64,
}

impl DeadlineStream {
    pub(super) fn new(tcp: TcpStream, deadline: Instant) -> Self {
        Self { tcp, deadline, written: 0 }
    }

    /// Sets the deadline of what follows and starts counting written bytes again.
    pub(super) fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = deadline;
        self.written = 0;
    }

    /// Bytes written to the socket since the deadline was last set: 0 means that nothing of
    /// what followed left this process.
    pub(super) fn written(&self) -> u64 {
        self.written
    }

    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "the call's timeout ran out"));
        }
        Ok(left)
    }
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_read_timeout(Some(left))?;
        self.tcp.read(buf)
    }
}

impl Write for DeadlineStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_write_timeout(Some(left))?;
        let n = self.tcp.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    /// rustls writes its sealed records with one `writev`, as it did on the bare `TcpStream`.
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_write_timeout(Some(left))?;
        let n = self.tcp.write_vectored(bufs)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}
