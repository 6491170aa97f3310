//! Client configuration: merchant, credentials, host, TLS trust, versions, timeouts, retries.

use std::path::Path;
use std::time::Duration;

mod url;

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::client::{Client, Settings};
use crate::error::{Error, Result};
use crate::observe::{CallEvent, Observer};
use crate::operation::Operation;
use crate::secret::SecretString;
use crate::transport::{tls_config, Proxy, Target, Transport, Trust};
use crate::validate::{check_merchant_id, ValidationLevel};
pub(crate) use url::without_userinfo;
pub use url::{check_base_url, is_loopback};
use url::{parse_proxy, proxy_from_env, target_of};

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

/// Where the gateway is. `Debug` never shows a URL's `user:password@`.
#[derive(Clone, PartialEq, Eq)]
pub enum Host {
    /// Any base URL (`https://test-bankalfalah.gateway.mastercard.com`).
    BaseUrl(String),
    /// A region preset from [`REGIONS`].
    Region(String),
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::BaseUrl(u) => f.debug_tuple("BaseUrl").field(&without_userinfo(u)).finish(),
            Host::Region(r) => f.debug_tuple("Region").field(r).finish(),
        }
    }
}

/// Settings for a [`crate::Client`]; see [`crate::Client::builder`]. `Debug` shows no secret:
/// credentials as `***`, URLs without `user:password@`.
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) merchant_id: String,
    pub(crate) auth: Option<Auth>,
    pub(crate) host: Option<Host>,
    pub(crate) extra_ca_pem: Vec<Vec<u8>>,
    pub(crate) trust: Trust,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) session_api_version: u32,
    pub(crate) token_api_version: u32,
    pub(crate) validation_level: ValidationLevel,
    pub(crate) binding: String,
    pub(crate) max_response_bytes: u64,
    pub(crate) max_idle_connections: usize,
    pub(crate) proxy: Option<String>,
    pub(crate) proxy_from_env: bool,
    pub(crate) token_repository_unique_card: bool,
    pub(crate) errors: Vec<String>,
    pub(crate) observer: Option<Observer>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("merchant_id", &self.merchant_id)
            .field("auth", &self.auth)
            .field("host", &self.host)
            .field("proxy", &self.proxy.as_deref().map(without_userinfo))
            .field("proxy_from_env", &self.proxy_from_env)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("session_api_version", &self.session_api_version)
            .field("token_api_version", &self.token_api_version)
            .field("validation_level", &self.validation_level)
            .field("trust", &self.trust)
            .finish_non_exhaustive()
    }
}

/// Defaults: connect 10 s, whole call 45 s, 2 retries, 1 MiB answers.
impl ClientBuilder {
    pub(crate) fn new(merchant_id: impl Into<String>) -> Self {
        Self {
            merchant_id: merchant_id.into(),
            auth: None,
            host: None,
            extra_ca_pem: Vec::new(),
            trust: Trust::Mozilla,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(45),
            max_retries: 2,
            session_api_version: Operation::CreateSession.default_api_version(),
            token_api_version: Operation::CreateToken.default_api_version(),
            validation_level: ValidationLevel::Auto,
            binding: "rust".to_owned(),
            max_response_bytes: 1024 * 1024,
            max_idle_connections: 32,
            proxy: None,
            proxy_from_env: false,
            token_repository_unique_card: false,
            errors: Vec::new(),
            observer: None,
        }
    }

    /// Authenticate with the API password. Setting a client certificate as well is a
    /// configuration error.
    pub fn password(mut self, password: impl Into<SecretString>) -> Self {
        if matches!(self.auth, Some(Auth::Certificate { .. })) {
            self.errors.push(BOTH_AUTHS.into());
        }
        self.auth = Some(Auth::Password(password.into()));
        self
    }

    /// Authenticate with a client certificate (PEM chain and PEM private key).
    pub fn certificate_pem(
        mut self,
        chain_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<SecretString>,
    ) -> Self {
        if matches!(self.auth, Some(Auth::Password(_))) {
            self.errors.push(BOTH_AUTHS.into());
        }
        self.auth = Some(Auth::Certificate { chain_pem: chain_pem.into(), key_pem: key_pem.into() });
        self
    }

    /// Authenticate with a client certificate read from PEM files (read now, when this is
    /// called; an unreadable file is reported by [`ClientBuilder::build`]).
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
    /// Setting a region as well is a configuration error.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        if matches!(self.host, Some(Host::Region(_))) {
            self.errors.push(BOTH_HOSTS.into());
        }
        self.host = Some(Host::BaseUrl(url.into()));
        self
    }

    /// A region preset (`na eu ap in cn ksa mtf`); certificate auth uses the `pki.` host.
    /// Setting a base URL as well is a configuration error.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        if matches!(self.host, Some(Host::BaseUrl(_))) {
            self.errors.push(BOTH_HOSTS.into());
        }
        self.host = Some(Host::Region(region.into()));
        self
    }

    /// Sends every `https://` request through this HTTP proxy with `CONNECT`
    /// (`http://[user:password@]host:port`); TLS still runs end to end with the gateway, and the
    /// proxy sees only the host name. An `http://` (loopback) base URL is never proxied. Without
    /// this (or [`ClientBuilder::proxy_from_env`]) no proxy is used, whatever the environment says.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Uses the proxy the environment names (`HTTPS_PROXY`, then `ALL_PROXY`, either case),
    /// unless `NO_PROXY` matches the gateway's host. Read when the client is built. Off by
    /// default; an explicit [`ClientBuilder::proxy`] wins.
    pub fn proxy_from_env(mut self, on: bool) -> Self {
        self.proxy_from_env = on;
        self
    }

    /// Which roots are trusted for the gateway's certificate (default [`Trust::Mozilla`]: the
    /// bundled Mozilla roots); the CA files given are trusted with every choice, and
    /// [`Trust::CaFilesOnly`] trusts nothing else. Verification is never turned off.
    pub fn trust(mut self, trust: Trust) -> Self {
        self.trust = trust;
        self
    }

    /// Trusts the CA certificates in this PEM as well as the roots [`ClientBuilder::trust`] names.
    pub fn add_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_ca_pem.push(pem.into());
        self
    }

    /// Trusts the CA certificates in this PEM file as well as the roots [`ClientBuilder::trust`]
    /// names (read now, when this is called; an unreadable file is reported by
    /// [`ClientBuilder::build`]).
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

    /// Says that the merchant's token repository is configured "Unique Card" (one token per
    /// card: Create or Update Token with a card already held returns the same token). Only then
    /// is a Create or Update Token request sent again when a reused connection closed under it
    /// before any answer byte, and never with verification strategy `ACQUIRER` (see
    /// [`crate::RepeatRule`]). Default false.
    pub fn token_repository_unique_card(mut self, yes: bool) -> Self {
        self.token_repository_unique_card = yes;
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

    /// How strictly requests are checked before they are sent (default
    /// [`ValidationLevel::Auto`]: the documented field tables in full at the documented versions,
    /// Create Session 58 and Create or Update Token 38; known fields only at any other version).
    /// [`ValidationLevel`] says what each level checks.
    pub fn validation_level(mut self, level: ValidationLevel) -> Self {
        self.validation_level = level;
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

    /// Calls `hook` once after every call of the client, when the call has ended (successful,
    /// failed, or refused before sending: then with 0 attempts and stage
    /// [`crate::Stage::NotSent`]), on the thread that made the call, with a [`CallEvent`]:
    /// operation, method, path, API version, HTTP status, attempts, elapsed time,
    /// `outcome_unknown`, error stage and kind; never a body, a header or a secret. The call's
    /// result is returned after the hook returns: keep it short. A panic in the hook is caught
    /// (with `panic = "unwind"`) and logged at warn on target `mpgs`, without its payload; the
    /// call's result is returned as it was. Setting it again replaces the hook.
    pub fn on_call(mut self, hook: impl Fn(&CallEvent) + Send + Sync + 'static) -> Self {
        self.observer = Some(Observer::new(hook));
        self
    }

    fn fail(mut self, e: String) -> Self {
        self.errors.push(e);
        self
    }

    /// Checks every setting; returns where requests go and through which proxy.
    pub(crate) fn check(&self) -> Result<Checked> {
        check_merchant_id(&self.merchant_id)?;
        if let Some(e) = self.errors.first() {
            return Err(Error::config(e.clone()));
        }
        let cert = match &self.auth {
            None => return Err(Error::config("no credentials: set a password or a client certificate")),
            Some(Auth::Password(p)) if p.expose().is_empty() => {
                return Err(Error::config("the API password is empty"))
            }
            Some(Auth::Password(_)) => false,
            Some(Auth::Certificate { .. }) => true,
        };
        if self.connect_timeout.is_zero() || self.timeout.is_zero() {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        if self.connect_timeout > MAX_TIMEOUT || self.timeout > MAX_TIMEOUT {
            return Err(Error::config("timeouts must be at most 24 hours"));
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
        let base_url = match &self.host {
            None => return Err(Error::config("no gateway host: set a base URL or a region")),
            Some(Host::Region(r)) => {
                if !REGIONS.contains(&r.as_str()) {
                    return Err(Error::config(format!(
                        "unknown region {r:?}: use one of {}",
                        REGIONS.join(", ")
                    )));
                }
                let pki = if cert { "pki." } else { "" };
                format!("https://{pki}{r}.gateway.mastercard.com")
            }
            Some(Host::BaseUrl(url)) => check_base_url(url)?,
        };
        let target = target_of(&base_url)?;
        let proxy = match (&self.proxy, self.proxy_from_env) {
            _ if !target.https => None,
            (Some(p), _) => Some(parse_proxy(p, "proxy")?),
            (None, true) => proxy_from_env(&target.host, |k| std::env::var(k).ok())?,
            (None, false) => None,
        };
        Ok(Checked { base_url, target, proxy })
    }
}

impl ClientBuilder {
    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client> {
        let checked = self.check()?;
        let mut authorization = None;
        let mut client_cert = None;
        let mut client_certificate_not_after = None;
        let mut credentials = Vec::new();
        match &self.auth {
            Some(Auth::Password(p)) => {
                let raw = Zeroizing::new(format!("merchant.{}:{}", self.merchant_id, p.expose()));
                let encoded =
                    Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(raw.as_bytes()));
                authorization = Some(SecretString::new(format!("Basic {}", encoded.as_str())));
                let user = format!("merchant.{}", self.merchant_id);
                credentials.extend(crate::secret::basic_credential_forms(&user, p.expose()));
            }
            Some(Auth::Certificate { chain_pem, key_pem }) => {
                client_certificate_not_after = crate::certificate::leaf_not_after(chain_pem);
                client_cert = Some((chain_pem, key_pem));
            }
            None => return Err(Error::config("no credentials: set a password or a client certificate")),
        }
        // The proxy's credentials, that its error pages may echo.
        if let Some(auth) = checked.proxy.as_ref().and_then(|p| p.authorization.as_ref()) {
            credentials.extend(crate::secret::basic_header_forms(auth.expose()));
        }
        let tls = if checked.target.https {
            Some(tls_config(self.trust, &self.extra_ca_pem, client_cert)?)
        } else {
            None
        };
        let transport = Transport::new(
            tls,
            checked.target,
            checked.proxy,
            self.connect_timeout,
            self.max_idle_connections,
        );
        Ok(Client::new(Settings {
            transport,
            base_url: checked.base_url,
            merchant_id: self.merchant_id,
            certificate_auth: authorization.is_none(),
            authorization,
            credentials,
            user_agent: format!("mpgs/{} ({})", env!("CARGO_PKG_VERSION"), self.binding),
            session_api_version: self.session_api_version,
            token_api_version: self.token_api_version,
            validation_level: self.validation_level,
            timeout: self.timeout,
            max_retries: self.max_retries,
            max_response_bytes: self.max_response_bytes,
            token_repository_unique_card: self.token_repository_unique_card,
            observer: self.observer,
            client_certificate_not_after,
        }))
    }
}

/// The longest timeout accepted: a call that may take longer is a mistake, and deadlines must
/// not overflow the clock.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

const BOTH_AUTHS: &str =
    "both a password and a client certificate are set: use one (password, or certificate files)";
const BOTH_HOSTS: &str = "both a base URL and a region are set: use one (base_url, or region)";

/// The checked settings a client keeps.
#[derive(Debug)]
pub(crate) struct Checked {
    pub(crate) base_url: String,
    pub(crate) target: Target,
    pub(crate) proxy: Option<Proxy>,
}

fn read(path: &Path, what: &str) -> std::result::Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))
}
