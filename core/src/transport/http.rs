//! Reading an answer off a connection: the head, then a body by length, by chunks or to EOF.

use std::io::{self, Read};

use zeroize::Zeroizing;

use super::connect::Conn;
use super::{timed_out, tls_error, tls_message, Failure, Response};

/// The largest answer head (status line and headers) read.
const MAX_HEAD: usize = 64 * 1024;

/// An answer's head: status, HTTP/1.1 or not, header names (lower case) and values, and its
/// length in bytes.
pub(super) struct Head {
    pub(super) status: u16,
    pub(super) http11: bool,
    pub(super) headers: Vec<(String, String)>,
    pub(super) len: usize,
}

pub(super) enum HeadError {
    /// EOF before any byte of a head.
    Closed,
    Io(io::Error),
    Bad(String),
}

/// Reads until a whole head is in `conn.buf`; returns the status, the headers the client reads
/// (lower-case names) and the head's length.
pub(super) fn read_head(conn: &mut Conn) -> Result<Head, HeadError> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut headers);
        match parsed.parse(&conn.buf) {
            Ok(httparse::Status::Complete(len)) => {
                let status = parsed.code.unwrap_or(0);
                let http11 = parsed.version == Some(1);
                let headers = parsed
                    .headers
                    .iter()
                    .map(|h| {
                        (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).trim().to_owned())
                    })
                    .collect();
                return Ok(Head { status, http11, headers, len });
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => return Err(HeadError::Bad(e.to_string())),
        }
        if conn.buf.len() > MAX_HEAD {
            return Err(HeadError::Bad("the answer's headers are too large".into()));
        }
        match fill(conn) {
            Ok(0) if conn.buf.is_empty() => return Err(HeadError::Closed),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && conn.buf.is_empty() => {
                return Err(HeadError::Closed)
            }
            Ok(0) => return Err(HeadError::Io(io::ErrorKind::UnexpectedEof.into())),
            Ok(_) => {}
            Err(e) => return Err(HeadError::Io(e)),
        }
    }
}

/// Reads more bytes into `conn.buf`; 0 at a clean EOF. A TLS connection closed without
/// `close_notify` is an `UnexpectedEof` error: what came may be cut short. Bounded by the
/// deadline set on the stream.
pub(super) fn fill(conn: &mut Conn) -> io::Result<usize> {
    let mut chunk = Zeroizing::new([0u8; 16 * 1024]);
    let n = conn.stream.read(&mut chunk[..])?;
    conn.buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// Reads one answer (skipping `1xx`); says whether the connection can carry another request.
pub(super) fn read_response(conn: &mut Conn, max_body: u64, tls: bool) -> Result<(Response, bool), Failure> {
    let unanswered =
        |timed_out: bool, message: String| Failure::Unanswered { tls: false, timed_out, message };
    let Head { status, http11, headers, .. } = loop {
        let head = match read_head(conn) {
            Ok(h) => h,
            Err(HeadError::Closed) => {
                return Err(unanswered(false, "the connection closed before an answer came".into()))
            }
            Err(HeadError::Io(e)) if timed_out(&e) => {
                return Err(unanswered(true, "timed out waiting for the answer".into()))
            }
            Err(HeadError::Io(e)) => {
                return Err(Failure::Unanswered {
                    tls: tls && tls_error(&e),
                    timed_out: false,
                    message: format!("connection failed while waiting for the answer: {}", tls_message(&e)),
                })
            }
            Err(HeadError::Bad(why)) => {
                return Err(unanswered(false, format!("the answer is not valid HTTP: {why}")))
            }
        };
        conn.buf.drain(..head.len);
        if (100..200).contains(&head.status) && head.status != 101 {
            continue;
        }
        break head;
    };
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let chunked = header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let lengths = headers.iter().filter(|(n, _)| n == "content-length").count();
    // Only a plain HTTP/1.1 answer leaves the connection fit for another request: not HTTP/1.0,
    // not `Connection: close`, not an ambiguous length.
    let close = !http11
        || header("connection").is_some_and(|v| v.to_ascii_lowercase().contains("close"))
        || lengths > 1
        || (chunked && lengths > 0);
    let length = if chunked { None } else { header("content-length").map(|v| v.parse::<u64>()) };
    let lost = |timed_out: bool, message: String| Failure::BodyLost { status, timed_out, message };
    let io_lost = |e: io::Error| lost(timed_out(&e), format!("the answer broke off before its end: {e}"));
    let (body, reusable) = if status == 204 || status == 304 {
        (Vec::new(), !close)
    } else if chunked {
        (read_chunked(conn, max_body, status)?, !close)
    } else if let Some(len) = length {
        let len = len.map_err(|_| lost(false, "the answer's Content-Length is not a number".into()))?;
        if len > max_body {
            return Err(Failure::TooLarge { status, cap: max_body });
        }
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        while conn.buf.len() < len {
            match fill(conn) {
                Ok(0) => return Err(lost(false, "the answer broke off before its end".into())),
                Ok(_) => {}
                Err(e) => return Err(io_lost(e)),
            }
        }
        let body: Vec<u8> = conn.buf.drain(..len).collect();
        (body, !close)
    } else {
        // Ends when the connection does.
        loop {
            if conn.buf.len() as u64 > max_body {
                return Err(Failure::TooLarge { status, cap: max_body });
            }
            match fill(conn) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => return Err(io_lost(e)),
            }
        }
        (std::mem::take(&mut *conn.buf), false)
    };
    let response = Response {
        status,
        content_type: header("content-type").unwrap_or_default().to_ascii_lowercase(),
        location: header("location"),
        retry_after: header("retry-after"),
        body: Zeroizing::new(body),
    };
    Ok((response, reusable && conn.buf.is_empty()))
}

fn read_chunked(conn: &mut Conn, max_body: u64, status: u16) -> Result<Vec<u8>, Failure> {
    let lost = |timed_out: bool, message: String| Failure::BodyLost { status, timed_out, message };
    let mut body = Vec::new();
    let need_line = |conn: &mut Conn| -> Result<String, Failure> {
        loop {
            if let Some(i) = conn.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&conn.buf[..i]).into_owned();
                conn.buf.drain(..i + 2);
                return Ok(line);
            }
            if conn.buf.len() > MAX_HEAD {
                return Err(lost(false, "a chunk header is too long".into()));
            }
            match fill(conn) {
                Ok(0) => return Err(lost(false, "the answer broke off before its end".into())),
                Ok(_) => {}
                Err(e) => {
                    return Err(lost(timed_out(&e), format!("the answer broke off before its end: {e}")))
                }
            }
        }
    };
    loop {
        let line = need_line(conn)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size =
            u64::from_str_radix(size, 16).map_err(|_| lost(false, "a chunk size is not a number".into()))?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !need_line(conn)?.is_empty() {}
            return Ok(body);
        }
        if size > max_body.saturating_sub(body.len() as u64) {
            return Err(Failure::TooLarge { status, cap: max_body });
        }
        // At most `max_body` now, so it fits, and so does the CRLF after it.
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let with_crlf = size.saturating_add(2);
        while conn.buf.len() < with_crlf {
            match fill(conn) {
                Ok(0) => return Err(lost(false, "the answer broke off before its end".into())),
                Ok(_) => {}
                Err(e) => {
                    return Err(lost(timed_out(&e), format!("the answer broke off before its end: {e}")))
                }
            }
        }
        if conn.buf.get(size..with_crlf) != Some(b"\r\n".as_slice()) {
            return Err(lost(false, "a chunk does not end where its size says".into()));
        }
        body.extend_from_slice(&conn.buf[..size]);
        conn.buf.drain(..with_crlf);
    }
}

#[cfg(test)]
mod wire_tests {
    //! The HTTP reader against hostile answers, over a real loopback socket.
    use std::io::Write as _;
    use std::net::TcpListener;
    use std::time::{Duration, Instant};

    use super::super::{Target, Transport};
    use super::*;

    /// A plain-HTTP server on 127.0.0.1 that reads one request and answers `answer` (for each
    /// connection), then holds the connection open a moment.
    fn serve(answer: Vec<u8>) -> Transport {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let answer = answer.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    let _ = conn.read(&mut buf);
                    let _ = conn.write_all(&answer);
                    std::thread::sleep(Duration::from_millis(300));
                });
            }
        });
        let target = Target {
            https: false,
            host: "127.0.0.1".into(),
            port,
            authority: format!("127.0.0.1:{port}"),
            prefix: String::new(),
        };
        Transport::new(None, target, None, Duration::from_secs(2), 4)
    }

    fn exchange(answer: &[u8]) -> (Result<Response, Failure>, usize) {
        let t = serve(answer.to_vec());
        let r = t.exchange(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            Instant::now() + Duration::from_secs(2),
            1024,
        );
        let pooled = t.pool.lock().len();
        (r, pooled)
    }

    #[test]
    fn an_idle_connection_older_than_the_idle_age_is_not_reused() {
        let t = serve(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}".to_vec());
        let request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
        t.exchange(request, Instant::now() + Duration::from_secs(2), 1024).unwrap();
        {
            let mut idle = t.pool.lock();
            assert_eq!(idle.len(), 1);
            assert!(idle[0].fit_for_reuse(), "a fresh idle connection is reused");
            idle[0].idle_since = Instant::now() - Duration::from_secs(16);
            assert!(!idle[0].fit_for_reuse(), "one idle for 16 s is not");
        }
    }

    #[test]
    fn a_chunk_size_near_u64_max_is_too_large_not_a_crash() {
        let (r, _) =
            exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nffffffffffffffff\r\n");
        assert!(matches!(r, Err(Failure::TooLarge { status: 200, .. })), "{r:?}");
        let (r, _) = exchange(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n");
        assert!(matches!(r, Err(Failure::TooLarge { .. })), "{r:?}");
    }

    #[test]
    fn a_chunk_that_does_not_end_where_its_size_says_is_lost() {
        let (r, _) =
            exchange(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n");
        assert!(matches!(r, Err(Failure::BodyLost { status: 201, .. })), "{r:?}");
        let (r, pooled) =
            exchange(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        assert_eq!(&*r.unwrap().body, b"{}");
        assert_eq!(pooled, 1, "a well-formed chunked answer leaves the connection reusable");
    }

    #[test]
    fn only_a_plain_http11_answer_leaves_the_connection_reusable() {
        let ok = b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}".to_vec();
        assert_eq!(exchange(&ok).1, 1);
        for answer in [
            &b"HTTP/1.0 201 Created\r\nContent-Length: 2\r\n\r\n{}"[..],
            b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
            b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
            b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        ] {
            let (r, pooled) = exchange(answer);
            assert!(r.is_ok(), "{r:?}");
            assert_eq!(pooled, 0, "{}", String::from_utf8_lossy(answer));
        }
    }

    #[test]
    fn any_bytes_as_an_answer_never_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: [&[u8]; 12] = [
            b"HTTP/1.1 200 OK\r\n",
            b"HTTP/1.0 503 x\r\n",
            b"Content-Length: 3\r\n",
            b"Content-Length: 99999999999999999999\r\n",
            b"Transfer-Encoding: chunked\r\n",
            b"\r\n",
            b"ffffffffffffffff\r\n",
            b"3\r\nabc\r\n",
            b"0\r\n\r\n",
            b"HTTP/1.1 100 Continue\r\n\r\n",
            b"\xff\xfe\x00",
            b"Connection: close\r\n",
        ];
        for _ in 0..60 {
            let mut answer = Vec::new();
            for _ in 0..(next() % 8) {
                answer.extend_from_slice(pieces[(next() % 12) as usize]);
            }
            let _ = exchange(&answer);
        }
    }
}
