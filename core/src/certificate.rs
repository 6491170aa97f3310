//! The client certificate's expiry (`notAfter` of the leaf), read from its DER with a minimal,
//! bounds-checked walk: no parser dependency, never a panic on odd input.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// `notAfter` of the first certificate (the leaf) in a PEM chain; `None` when there is none or
/// it cannot be read.
pub(crate) fn leaf_not_after(chain_pem: &[u8]) -> Option<SystemTime> {
    let leaf = CertificateDer::pem_slice_iter(chain_pem).next()?.ok()?;
    not_after(&leaf)
}

/// `tbsCertificate.validity.notAfter` of a DER certificate (RFC 5280 §4.1).
pub(crate) fn not_after(der: &[u8]) -> Option<SystemTime> {
    let (0x30, certificate, _) = tlv(der)? else { return None };
    let (0x30, tbs, _) = tlv(certificate)? else { return None };
    let (mut tag, _, mut rest) = tlv(tbs)?;
    if tag == 0xa0 {
        // [0] version: the serial number follows.
        (tag, _, rest) = tlv(rest)?;
    }
    if tag != 0x02 {
        return None;
    }
    let (0x30, _signature, rest) = tlv(rest)? else { return None };
    let (0x30, _issuer, rest) = tlv(rest)? else { return None };
    let (0x30, validity, _) = tlv(rest)? else { return None };
    let (_, _not_before, validity) = tlv(validity)?;
    let (tag, time, _) = tlv(validity)?;
    let seconds = match tag {
        0x17 => utc_time(time)?,
        0x18 => generalized_time(time)?,
        _ => return None,
    };
    match u64::try_from(seconds) {
        Ok(s) => UNIX_EPOCH.checked_add(Duration::from_secs(s)),
        Err(_) => UNIX_EPOCH.checked_sub(Duration::from_secs(seconds.unsigned_abs())),
    }
}

/// One DER tag-length-value: the tag, the value, and what follows.
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, b) = b.split_first()?;
    let (&first, mut b) = b.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || b.len() < n {
            return None;
        }
        let len = b[..n].iter().fold(0usize, |l, &x| (l << 8) | usize::from(x));
        b = &b[n..];
        len
    };
    if b.len() < len {
        return None;
    }
    Some((tag, &b[..len], &b[len..]))
}

/// `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1: 50-99 are 19YY, 00-49 20YY).
fn utc_time(t: &[u8]) -> Option<i64> {
    if t.len() != 13 {
        return None;
    }
    let yy = digits(&t[..2])?;
    let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
    seconds(year, &t[2..])
}

/// `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2).
fn generalized_time(t: &[u8]) -> Option<i64> {
    if t.len() != 15 {
        return None;
    }
    seconds(digits(&t[..4])?, &t[4..])
}

/// `MMDDHHMMSSZ` of `year`, as seconds since the Unix epoch.
fn seconds(year: i64, t: &[u8]) -> Option<i64> {
    if t.get(10) != Some(&b'Z') {
        return None;
    }
    let (month, day) = (digits(&t[0..2])?, digits(&t[2..4])?);
    let (hour, minute, second) = (digits(&t[4..6])?, digits(&t[6..8])?, digits(&t[8..10])?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

fn digits(d: &[u8]) -> Option<i64> {
    d.iter().try_fold(0i64, |n, &c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2026, 11, 30), 20_787);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(utc_time(b"491231235959Z"), Some(2_524_607_999), "49 is 2049");
        assert_eq!(utc_time(b"500101000000Z"), Some(-631_152_000), "50 is 1950");
        assert_eq!(generalized_time(b"40960101000000Z"), Some(67_090_118_400));
    }

    #[test]
    fn odd_input_is_none_never_a_panic() {
        for bad in [
            &b""[..],
            b"\x30",
            b"\x30\x84\xff\xff\xff\xff",
            b"\x30\x80",
            b"\x30\x03\x30\x01\x02",
            b"\x30\x05\x30\x03\x02\x01\x01",
        ] {
            assert_eq!(not_after(bad), None, "{bad:?}");
        }
        for bad in
            [&b"491231235959"[..], b"4912312359590", b"491331235959Z", b"49123123595aZ", b"4912312360 9Z"]
        {
            assert_eq!(utc_time(bad), None, "{bad:?}");
        }
        assert_eq!(leaf_not_after(b"no PEM here"), None);
    }
}
