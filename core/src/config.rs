//! Client configuration: merchant, credentials, host, TLS trust, versions, timeouts, retries.

use std::path::Path;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::secret::SecretString;
use crate::validate::check_merchant_id;

/// Region presets: `https://{region}.gateway.mastercard.com`.
pub const REGIONS: &[&str] = &["na", "eu", "ap", "in", "cn", "ksa", "mtf"];

/// How the client proves who it is.
#[derive(Clone)]
pub enum Auth {
    /// HTTP Basic with user `merchant.<merchantId>` and the API password, sent up front (the
    /// gateway's 401 carries no challenge).
    Password(SecretString),
    /// Mutual TLS with a client certificate chain and its private key, both PEM.
    Certificate {
        /// PEM certificate chain, leaf first.
        chain_pem: Vec<u8>,
        /// PEM private key (PKCS#8, PKCS#1 or SEC1). A secret.
        key_pem: SecretString,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Password(_) => f.write_str("Password(***)"),
            Auth::Certificate { .. } => f.write_str("Certificate(***)"),
        }
    }
}

/// Where the gateway is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// Any base URL (`https://test-bankalfalah.gateway.mastercard.com`).
    BaseUrl(String),
    /// A region preset from [`REGIONS`].
    Region(String),
}

/// Settings for a [`crate::Client`]; see [`crate::Client::builder`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    pub(crate) merchant_id: String,
    pub(crate) auth: Option<Auth>,
    pub(crate) host: Option<Host>,
    pub(crate) extra_ca_pem: Vec<Vec<u8>>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) session_api_version: u32,
    pub(crate) token_api_version: u32,
    pub(crate) binding: String,
    pub(crate) max_response_bytes: u64,
    pub(crate) max_idle_connections: usize,
    pub(crate) errors: Vec<String>,
}

/// Defaults: connect 10 s, whole call 45 s, 2 retries, 1 MiB answers.
impl ClientBuilder {
    pub(crate) fn new(merchant_id: impl Into<String>) -> Self {
        Self {
            merchant_id: merchant_id.into(),
            auth: None,
            host: None,
            extra_ca_pem: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(45),
            max_retries: 2,
            session_api_version: Operation::CreateSession.default_api_version(),
            token_api_version: Operation::CreateToken.default_api_version(),
            binding: "rust".to_owned(),
            max_response_bytes: 1024 * 1024,
            max_idle_connections: 32,
            errors: Vec::new(),
        }
    }

    /// Authenticate with the API password.
    pub fn password(mut self, password: impl Into<SecretString>) -> Self {
        self.auth = Some(Auth::Password(password.into()));
        self
    }

    /// Authenticate with a client certificate (PEM chain and PEM private key).
    pub fn certificate_pem(
        mut self,
        chain_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<SecretString>,
    ) -> Self {
        self.auth = Some(Auth::Certificate { chain_pem: chain_pem.into(), key_pem: key_pem.into() });
        self
    }

    /// Authenticate with a client certificate read from PEM files.
    pub fn certificate_files(self, chain: impl AsRef<Path>, key: impl AsRef<Path>) -> Self {
        match (read(chain.as_ref(), "certificate file"), read(key.as_ref(), "key file")) {
            (Ok(c), Ok(k)) => {
                let key = String::from_utf8(k).unwrap_or_default();
                self.certificate_pem(c, key)
            }
            (Err(e), _) | (_, Err(e)) => self.fail(e),
        }
    }

    /// The gateway's base URL, e.g. `https://na.gateway.mastercard.com` or a bank's own host.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.host = Some(Host::BaseUrl(url.into()));
        self
    }

    /// A region preset (`na eu ap in cn ksa mtf`); certificate auth uses the `pki.` host.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.host = Some(Host::Region(region.into()));
        self
    }

    /// Trusts the CA certificates in this PEM as well as the usual public roots.
    pub fn add_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_ca_pem.push(pem.into());
        self
    }

    /// Trusts the CA certificates in this PEM file as well as the usual public roots.
    pub fn add_ca_file(self, path: impl AsRef<Path>) -> Self {
        match read(path.as_ref(), "CA file") {
            Ok(pem) => self.add_ca_pem(pem),
            Err(e) => self.fail(e),
        }
    }

    /// Time allowed to connect, TLS handshake included (default 10 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Time allowed for a whole call, retries included (default 45 s).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Retries of requests that cannot have been processed (default 2).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// API version for Create Session (default 58).
    pub fn session_api_version(mut self, v: u32) -> Self {
        self.session_api_version = v;
        self
    }

    /// API version for Create or Update Token (default 38).
    pub fn token_api_version(mut self, v: u32) -> Self {
        self.token_api_version = v;
        self
    }

    /// Names the binding in `User-Agent: mpgs/<version> (<binding>)` (default `rust`).
    pub fn binding(mut self, name: impl Into<String>) -> Self {
        self.binding = name.into();
        self
    }

    /// How many idle keep-alive connections the client keeps for reuse (default 32): at least
    /// the number of threads that call at once, or some calls pay a new TLS handshake.
    pub fn max_idle_connections(mut self, n: usize) -> Self {
        self.max_idle_connections = n;
        self
    }

    /// The largest answer read, in bytes (default 1 MiB); a larger one is a decode error.
    pub fn max_response_bytes(mut self, n: u64) -> Self {
        self.max_response_bytes = n;
        self
    }

    fn fail(mut self, e: String) -> Self {
        self.errors.push(e);
        self
    }

    /// Checks every setting and returns the base URL to use.
    pub(crate) fn checked_base_url(&self) -> Result<String> {
        check_merchant_id(&self.merchant_id)?;
        if let Some(e) = self.errors.first() {
            return Err(Error::config(e.clone()));
        }
        let cert = matches!(self.auth, Some(Auth::Certificate { .. }));
        match &self.auth {
            None => return Err(Error::config("no credentials: set a password or a client certificate")),
            Some(Auth::Password(p)) if p.expose().is_empty() => {
                return Err(Error::config("the API password is empty"))
            }
            _ => {}
        }
        if self.connect_timeout.is_zero() || self.timeout.is_zero() {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        if self.max_retries > 10 {
            return Err(Error::config(format!("max_retries must be 0 to 10, got {}", self.max_retries)));
        }
        for (name, v) in
            [("session_api_version", self.session_api_version), ("token_api_version", self.token_api_version)]
        {
            if !(1..=999).contains(&v) {
                return Err(Error::config(format!("{name} must be 1 to 999, got {v}")));
            }
        }
        if self.max_response_bytes < 1024 {
            return Err(Error::config("max_response_bytes must be at least 1024"));
        }
        if !self.binding.chars().all(|c| (' '..='~').contains(&c) && c != '(' && c != ')')
            || self.binding.len() > 40
        {
            return Err(Error::config(
                "binding name must be up to 40 printable ASCII characters without parentheses",
            ));
        }
        match &self.host {
            None => Err(Error::config("no gateway host: set a base URL or a region")),
            Some(Host::Region(r)) => {
                if !REGIONS.contains(&r.as_str()) {
                    return Err(Error::config(format!(
                        "unknown region {r:?}: use one of {}",
                        REGIONS.join(", ")
                    )));
                }
                let pki = if cert { "pki." } else { "" };
                Ok(format!("https://{pki}{r}.gateway.mastercard.com"))
            }
            Some(Host::BaseUrl(url)) => check_base_url(url),
        }
    }
}

fn read(path: &Path, what: &str) -> std::result::Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}

/// Checks a base URL: `https://host[:port][/prefix]`, or `http://` for a loopback host only.
/// Returns it without a trailing slash.
pub fn check_base_url(url: &str) -> Result<String> {
    let bad = |why: &str| Err(Error::config(format!("base URL {url:?} {why}")));
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
    if rest.contains(['?', '#']) {
        return bad("must not have a query or fragment");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return bad("must not carry credentials: set them with password() or a certificate");
    }
    let host =
        host_of(authority).ok_or_else(|| Error::config(format!("base URL {url:?} has no valid host")))?;
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
