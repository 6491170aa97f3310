//! The URLs a client is given: the base URL (checked, then split into a transport target) and
//! proxy URLs, written or from the environment.

use base64::Engine as _;

use crate::error::{Error, Result};
use crate::secret::SecretString;
use crate::transport::{Proxy, Target};

/// `url` with any `user:password@` replaced by `***@`: for messages and `Debug`. Everything up
/// to the last `@` goes, so a password holding `/`, `?` or `#` is hidden too.
pub(crate) fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    match (scheme, rest.rfind('@')) {
        (Some(s), Some(at)) => format!("{s}://***@{}", &rest[at + 1..]),
        (None, Some(at)) => format!("***@{}", &rest[at + 1..]),
        _ => url.to_owned(),
    }
}

/// Splits a checked base URL into what the transport needs.
pub(super) fn target_of(base_url: &str) -> Result<Target> {
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("https", base_url));
    let https = scheme.eq_ignore_ascii_case("https");
    let (authority, prefix) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    };
    let bad = || Error::config(format!("base URL {:?} has no valid host", without_userinfo(base_url)));
    let (host, port) = split_host_port(authority).ok_or_else(bad)?;
    Ok(Target {
        https,
        host: host.to_owned(),
        port: port.unwrap_or(if https { 443 } else { 80 }),
        authority: authority.to_owned(),
        prefix: prefix.to_owned(),
    })
}

/// `host[:port]` or `[v6][:port]` → host (no brackets) and port.
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    (!host.is_empty()).then_some((host, port))
}

/// Parses `http://[user:password@]host[:port][/]`; `what` names the setting in errors, which
/// never quote the credentials.
pub(super) fn parse_proxy(url: &str, what: &str) -> Result<Proxy> {
    let shown = without_userinfo(url);
    let bad = |why: &str| Err(Error::config(format!("{what} {shown:?} {why}")));
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some((s, r)) if s.eq_ignore_ascii_case("http") => r,
        Some(_) => return bad("must be an http:// proxy (CONNECT); other kinds are not supported"),
        None => url,
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#']) || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must be http://host:port with no path");
    }
    let (userinfo, authority) = match rest.rsplit_once('@') {
        Some((u, a)) => (Some(u), a),
        None => (None, rest),
    };
    let Some((host, port)) = split_host_port(authority) else { return bad("has no valid host") };
    if !host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':')) {
        return bad("has no valid host");
    }
    let authorization = userinfo.map(|u| {
        let (user, pass) = u.split_once(':').unwrap_or((u, ""));
        let plain = zeroize::Zeroizing::new(format!(
            "{}:{}",
            percent_decode(user).as_str(),
            percent_decode(pass).as_str()
        ));
        SecretString::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(plain.as_bytes())
        ))
    });
    Ok(Proxy { host: host.to_owned(), port: port.unwrap_or(80), authorization })
}

fn percent_decode(s: &str) -> zeroize::Zeroizing<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    zeroize::Zeroizing::new(String::from_utf8_lossy(&out).into_owned())
}

/// The environment's proxy for an `https://` host: `HTTPS_PROXY`, then `ALL_PROXY` (upper or
/// lower case), unless `NO_PROXY` names the host (`*`, the host, or a domain suffix with or
/// without a leading dot).
pub(crate) fn proxy_from_env(host: &str, var: impl Fn(&str) -> Option<String>) -> Result<Option<Proxy>> {
    let get =
        |name: &str| var(name).or_else(|| var(&name.to_ascii_lowercase())).filter(|v| !v.trim().is_empty());
    if let Some(no) = get("NO_PROXY") {
        let host = host.to_ascii_lowercase();
        for entry in no.split(',').map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty()) {
            let entry = entry.trim_start_matches("*.").trim_start_matches('.');
            let entry = entry.trim_start_matches('[').trim_end_matches(']');
            if entry == "*" || host == entry || host.ends_with(&format!(".{entry}")) {
                return Ok(None);
            }
        }
    }
    for name in ["HTTPS_PROXY", "ALL_PROXY"] {
        if let Some(v) = get(name) {
            return parse_proxy(&v, name).map(Some);
        }
    }
    Ok(None)
}

/// Checks a base URL: `https://host[:port][/prefix]`, or `http://` for a loopback host only.
/// Returns it without a trailing slash.
pub fn check_base_url(url: &str) -> Result<String> {
    let shown = without_userinfo(url);
    let bad = |why: &str| Err(Error::config(format!("base URL {shown:?} {why}")));
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => return bad("must start with https://"),
    };
    if scheme != "https" && scheme != "http" {
        return bad("must start with https://");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("must not contain spaces or control characters");
    }
    if rest.contains('@') {
        return bad("must not carry credentials: set them with password() or a certificate");
    }
    if rest.contains(['?', '#']) {
        return bad("must not have a query or fragment");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let host =
        host_of(authority).ok_or_else(|| Error::config(format!("base URL {shown:?} has no valid host")))?;
    if scheme == "http" && !is_loopback(host) {
        return bad("uses plain http://, which is refused except for loopback hosts (127.0.0.1, ::1, localhost): use https://");
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        if !h.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') || h.is_empty() {
            return None;
        }
        (h, after.strip_prefix(':'))
    } else {
        let (h, p) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        if h.is_empty() || !h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_') {
            return None;
        }
        (h, p)
    };
    if let Some(p) = port {
        p.parse::<u16>().ok()?;
    }
    Some(host)
}

/// Whether a host is loopback: `localhost`, `127.0.0.0/8` or `::1`.
pub fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn the_environment_proxy_honours_no_proxy() {
        let host = "na.gateway.mastercard.com";
        let p = proxy_from_env(host, env(&[("HTTPS_PROXY", "http://proxy.corp:3128")])).unwrap().unwrap();
        assert_eq!((p.host.as_str(), p.port), ("proxy.corp", 3128));
        let lower = proxy_from_env(host, env(&[("all_proxy", "proxy.corp:8080")])).unwrap().unwrap();
        assert_eq!(lower.port, 8080, "ALL_PROXY, either case, scheme optional");
        for no in [
            "*",
            "na.gateway.mastercard.com",
            ".mastercard.com",
            "gateway.mastercard.com",
            "x, mastercard.com",
        ] {
            let vars = [("HTTPS_PROXY", "http://proxy.corp:3128"), ("NO_PROXY", no)];
            assert!(proxy_from_env(host, env(&vars)).unwrap().is_none(), "NO_PROXY={no}");
        }
        let vars = [("HTTPS_PROXY", "http://proxy.corp:3128"), ("no_proxy", "card.com")];
        assert!(
            proxy_from_env(host, env(&vars)).unwrap().is_some(),
            "a suffix that is not a domain boundary"
        );
        assert!(proxy_from_env(host, env(&[])).unwrap().is_none());
        let e = proxy_from_env(host, env(&[("HTTPS_PROXY", "socks5://u:pw-secret@h:1")])).unwrap_err();
        assert!(e.to_string().contains("HTTPS_PROXY") && !e.to_string().contains("pw-secret"), "{e}");
    }

    #[test]
    fn userinfo_is_never_shown() {
        assert_eq!(without_userinfo("https://u:p@h:1/x"), "https://***@h:1/x");
        for url in ["https://u:p#w@gw", "https://u:p?w@gw/x", "https://u:p/w@gw", "u:p/w@gw"] {
            let shown = without_userinfo(url);
            assert!(!shown.contains("p#w") && !shown.contains("p?w") && !shown.contains("p/w"), "{shown}");
        }
    }
}
