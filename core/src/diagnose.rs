//! Diagnostics of the way to the gateway, one step at a time (what `mpgs check` runs): name
//! resolution, TCP (through the proxy when one is set), the TLS handshake with the client's own
//! settings, the client certificate's dates, and what a failed call's error means
//! ([`classify`]). Nothing here sends a request: the authenticated call is the client's own.
//!
//! ```no_run
//! let builder = mpgs::Client::builder("TESTMERCHANT").password("pw").region("mtf");
//! let probe = builder.probe()?;
//! println!("{:?}", probe.resolve());
//! if let Ok(Some(tls)) = probe.tls() {
//!     println!("{} {}", tls.protocol, tls.chain[0].subject);
//! }
//! # Ok::<(), mpgs::Error>(())
//! ```

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::config::{Auth, ClientBuilder};
use crate::error::{Error, Result, TransportKind};
use crate::transport::{tls_config, Transport};

/// A client certificate that expires within this many days is worth a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// The steps of a connection, with a builder's settings (host, proxy, trust, client
/// certificate, connect timeout). Made by [`ClientBuilder::probe`].
pub struct Probe {
    transport: Transport,
    https: bool,
    base_url: String,
    client_chain: Option<Vec<u8>>,
    connect_timeout: Duration,
}

impl std::fmt::Debug for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probe").field("transport", &self.transport).finish_non_exhaustive()
    }
}

/// One certificate's names and dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The subject, `CN=…, O=…` as in RFC 4514 order of the certificate.
    pub subject: String,
    /// The issuer, likewise.
    pub issuer: String,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: i64,
}

impl CertificateInfo {
    /// Whole days from now to the end of validity (negative once expired).
    pub fn days_left(&self) -> i64 {
        (self.not_after - now_unix()).div_euclid(86_400)
    }

    /// Expired, or not valid yet.
    pub fn is_out_of_date(&self) -> bool {
        let now = now_unix();
        now > self.not_after || now < self.not_before
    }

    /// Fewer than [`EXPIRY_WARNING_DAYS`] days left.
    pub fn expires_soon(&self) -> bool {
        self.days_left() < EXPIRY_WARNING_DAYS
    }

    /// The end of validity as `YYYY-MM-DD` (UTC).
    pub fn expiry_date(&self) -> String {
        let (y, m, d) = civil_from_days(self.not_after.div_euclid(86_400));
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// What a TLS handshake with the gateway established.
#[derive(Clone, Debug)]
pub struct TlsReport {
    /// The protocol version (`TLSv1_3`, `TLSv1_2`).
    pub protocol: String,
    /// The cipher suite.
    pub cipher: String,
    /// The server's chain as it sent it, leaf first (entries that do not parse are left out).
    pub chain: Vec<CertificateInfo>,
}

fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Names and dates of one DER certificate.
pub fn certificate_info(der: &[u8]) -> std::result::Result<CertificateInfo, String> {
    let (_, cert) =
        x509_parser::parse_x509_certificate(der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let validity = cert.validity();
    Ok(CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: validity.not_before.timestamp(),
        not_after: validity.not_after.timestamp(),
    })
}

/// Names and dates of every certificate in a PEM text, in order.
pub fn certificates_from_pem(pem: &[u8]) -> std::result::Result<Vec<CertificateInfo>, String> {
    let ders = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| format!("not valid PEM ({e})"))?;
    if ders.is_empty() {
        return Err("no certificate found in the PEM".into());
    }
    ders.iter().map(|d| certificate_info(d)).collect()
}

impl ClientBuilder {
    /// The connection steps with these settings, for diagnostics; checks the settings as
    /// [`ClientBuilder::build`] does.
    pub fn probe(&self) -> Result<Probe> {
        let checked = self.check()?;
        let client_cert = match &self.auth {
            Some(Auth::Certificate { chain_pem, key_pem }) => Some((chain_pem, key_pem)),
            _ => None,
        };
        let tls = if checked.target.https {
            Some(tls_config(self.trust, &self.extra_ca_pem, client_cert)?)
        } else {
            None
        };
        let https = checked.target.https;
        Ok(Probe {
            transport: Transport::new(tls, checked.target, checked.proxy, self.connect_timeout, 0),
            https,
            base_url: checked.base_url,
            client_chain: client_cert.map(|c| c.0.clone()),
            connect_timeout: self.connect_timeout,
        })
    }
}

impl Probe {
    fn deadline(&self) -> Instant {
        Instant::now() + self.connect_timeout
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The gateway's host name (or address) and port.
    pub fn target(&self) -> (&str, u16) {
        let t = self.transport.target();
        (&t.host, t.port)
    }

    /// The host and port the first connection goes to: the proxy's when there is one, else
    /// the gateway's.
    pub fn first_hop(&self) -> (&str, u16) {
        self.transport.first_hop()
    }

    /// The proxy's `host:port`, when connections go through one.
    pub fn proxy(&self) -> Option<String> {
        self.transport.proxy_address()
    }

    /// Whether the client authenticates with a certificate (not a password).
    pub fn certificate_auth(&self) -> bool {
        self.client_chain.is_some()
    }

    /// Whether the base URL is HTTPS.
    pub fn https(&self) -> bool {
        self.https
    }

    /// The addresses of the first hop (the proxy when one is set, else the gateway).
    pub fn resolve(&self) -> std::result::Result<Vec<SocketAddr>, String> {
        self.transport.probe_resolve(self.deadline())
    }

    /// Opens TCP to the first hop (and the proxy's tunnel): the address connected to.
    pub fn tcp(&self) -> std::result::Result<SocketAddr, String> {
        self.transport.probe_tcp(self.deadline())
    }

    /// A TLS handshake with the client's settings; `None` for plain HTTP.
    pub fn tls(&self) -> std::result::Result<Option<TlsReport>, String> {
        Ok(self.transport.probe_tls(self.deadline())?.map(|h| TlsReport {
            protocol: h.protocol,
            cipher: h.cipher,
            chain: h.peer_chain.iter().filter_map(|d| certificate_info(d).ok()).collect(),
        }))
    }

    /// The client certificate chain's names and dates, when the client has one.
    pub fn client_certificate(&self) -> Option<std::result::Result<Vec<CertificateInfo>, String>> {
        self.client_chain.as_deref().map(certificates_from_pem)
    }
}

/// What a failed call says about the setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Problem {
    /// A setting is wrong (nothing was sent).
    Config,
    /// The host name does not resolve.
    NameNotFound,
    /// No connection: refused, unreachable, timed out, or the proxy refused the tunnel.
    Unreachable,
    /// The TLS handshake failed on the server's side of it (untrusted, wrong name, protocol).
    Tls,
    /// The client certificate was refused (in the handshake, or by the gateway with HTTP 401).
    CertificateRefused,
    /// HTTP 401 with a password: the password (or the merchant id) is wrong.
    WrongPassword,
    /// The credentials are for another merchant: often a TEST merchant id with live credentials
    /// or the other way round ("not authorised to perform operation for target entity").
    WrongMerchant,
    /// Another error answer, or an answer that is not the gateway's.
    Gateway,
}

impl Problem {
    /// A short name (`wrong_password`, …), stable, for `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::NameNotFound => "name_not_found",
            Self::Unreachable => "unreachable",
            Self::Tls => "tls",
            Self::CertificateRefused => "certificate_refused",
            Self::WrongPassword => "wrong_password",
            Self::WrongMerchant => "wrong_merchant",
            Self::Gateway => "gateway",
        }
    }

    /// What to do about it.
    pub fn advice(self) -> &'static str {
        match self {
            Self::Config => "fix the setting named above",
            Self::NameNotFound => {
                "check the host name in the base URL or region, and this machine's DNS settings"
            }
            Self::Unreachable => {
                "check the host and port, firewalls and the proxy setting (HTTPS_PROXY) between this machine and the gateway"
            }
            Self::Tls => {
                "check the CA files and the trust setting; a TLS-inspecting proxy needs its root CA (--ca-file or trust system)"
            }
            Self::CertificateRefused => {
                "check that the certificate and key are the ones registered for this merchant, issued by the CA the gateway expects, and in date"
            }
            Self::WrongPassword => {
                "check the API password (Merchant Administration > Admin > Integration Settings) and the merchant id"
            }
            Self::WrongMerchant => {
                "the credentials belong to another merchant: check the TEST prefix of the merchant id against the credentials and the gateway (test or production)"
            }
            Self::Gateway => "see the gateway's explanation; retry later if it is busy",
        }
    }
}

/// What `e`, the error of a call, says about the setup; `certificate_auth` says how the client
/// authenticates (a 401 then means the certificate was refused).
pub fn classify(e: &Error, certificate_auth: bool) -> Problem {
    match e {
        Error::Config { .. } | Error::Validation(_) => Problem::Config,
        Error::Gateway(g) if g.is_authentication() => {
            if certificate_auth {
                Problem::CertificateRefused
            } else {
                Problem::WrongPassword
            }
        }
        Error::Gateway(g) => {
            let said = g.explanation.as_deref().unwrap_or_default().to_ascii_lowercase();
            if said.contains("for target entity")
                && (said.contains("not authorised") || said.contains("not authorized"))
            {
                Problem::WrongMerchant
            } else {
                Problem::Gateway
            }
        }
        Error::Decode { .. } => Problem::Gateway,
        Error::Transport { kind, message, .. } => {
            if refused_certificate_alert(message) {
                Problem::CertificateRefused
            } else if message.starts_with("host name not found") {
                Problem::NameNotFound
            } else {
                match kind {
                    TransportKind::Tls => Problem::Tls,
                    _ => Problem::Unreachable,
                }
            }
        }
    }
}

/// What a failed TLS handshake ([`Probe::tls`]'s message) says: the server refusing the client
/// certificate, or a problem with the server's side.
pub fn classify_handshake(message: &str) -> Problem {
    if refused_certificate_alert(message) {
        Problem::CertificateRefused
    } else {
        Problem::Tls
    }
}

/// A fatal alert from the server about the client's certificate (rustls words it
/// `received fatal alert: BadCertificate`).
fn refused_certificate_alert(message: &str) -> bool {
    const ALERTS: &[&str] = &[
        "BadCertificate",
        "UnsupportedCertificate",
        "CertificateRevoked",
        "CertificateExpired",
        "CertificateUnknown",
        "UnknownCA",
        "CertificateRequired",
        "AccessDenied",
        "DecryptError",
    ];
    // The transport's own words for a refusal after a TLS 1.3 handshake (`transport/http.rs`).
    message.contains("the server refused the client certificate")
        || message.contains("the server requires a client certificate")
        || message.contains("received fatal alert") && ALERTS.iter().any(|a| message.contains(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::GatewayError;

    fn gateway(status: u16, explanation: &str) -> Error {
        Error::Gateway(Box::new(GatewayError {
            http_status: status,
            cause: None,
            explanation: Some(explanation.into()),
            field: None,
            validation_type: None,
            support_code: None,
            result: None,
            raw: serde_json::Value::Null,
            attempts: 1,
            outcome_unknown: false,
        }))
    }

    fn transport(kind: TransportKind, message: &str) -> Error {
        Error::Transport { kind, outcome_unknown: false, message: message.into(), attempts: 1 }
    }

    #[test]
    fn each_failure_class_is_told_apart() {
        let rows = [
            (gateway(401, "Invalid credentials."), false, Problem::WrongPassword),
            (gateway(401, "Invalid credentials."), true, Problem::CertificateRefused),
            (
                gateway(400, "Authenticated entity not authorised to perform operation for target entity"),
                false,
                Problem::WrongMerchant,
            ),
            (gateway(400, "Value 'x' is invalid"), false, Problem::Gateway),
            (transport(TransportKind::Tls, "TLS: received fatal alert: UnknownCA"), true, Problem::CertificateRefused),
            (transport(TransportKind::Tls, "TLS: invalid peer certificate: UnknownIssuer"), false, Problem::Tls),
            (
                transport(TransportKind::Tls, "TLS: the server refused the client certificate (alert UnknownCA); the request was not sent"),
                true,
                Problem::CertificateRefused,
            ),
            (transport(TransportKind::Connect, "cannot connect to 127.0.0.1:1: refused"), false, Problem::Unreachable),
            (transport(TransportKind::Connect, "host name not found: x.invalid"), false, Problem::NameNotFound),
            (Error::config("no credentials"), false, Problem::Config),
        ];
        for (e, cert, want) in rows {
            assert_eq!(classify(&e, cert), want, "{e}");
        }
    }

    #[test]
    fn days_since_the_epoch_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
