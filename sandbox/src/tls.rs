//! Certificates for the sandbox: a CA, a server certificate for 127.0.0.1 / localhost / ::1,
//! and a client certificate for certificate-auth merchants, all signed by that CA.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};

/// The PEM files a sandbox writes into its TLS directory.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// The directory.
    pub dir: PathBuf,
    /// The CA certificate clients must trust (`ca.pem`).
    pub ca_pem: String,
    /// The client certificate for certificate-auth merchants (`client.pem`).
    pub client_cert_pem: String,
    /// Its private key (`client.key`).
    pub client_key_pem: String,
    server_cert_pem: String,
    server_key_pem: String,
}

fn err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl TlsFiles {
    /// Generates a fresh CA, server and client certificate, and writes `ca.pem`, `client.pem`,
    /// `client.key` (and the server's own pair) into `dir`. The server certificate names
    /// `localhost`, `127.0.0.1` and `::1`.
    pub fn generate(dir: &Path) -> std::io::Result<Self> {
        Self::generate_for(dir, &["localhost", "127.0.0.1", "::1"])
    }

    /// As [`TlsFiles::generate`], with a server certificate for `server_names` (DNS names or IP
    /// addresses): a certificate for other names than the one a client dials fails its host
    /// name check.
    pub fn generate_for(dir: &Path, server_names: &[&str]) -> std::io::Result<Self> {
        Self::generate_with(dir, server_names, None)
    }

    /// As [`TlsFiles::generate_for`]; with `client_cert_days`, the client certificate expires
    /// that many days from now (a till's certificate about to run out).
    pub fn generate_with(
        dir: &Path,
        server_names: &[&str],
        client_cert_days: Option<u32>,
    ) -> std::io::Result<Self> {
        let ca_key = KeyPair::generate().map_err(err)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params.distinguished_name.push(DnType::CommonName, "mpgs-sandbox CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(err)?;

        let server_key = KeyPair::generate().map_err(err)?;
        let mut sp = CertificateParams::new(server_names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .map_err(err)?;
        sp.distinguished_name.push(DnType::CommonName, "mpgs-sandbox");
        sp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server = sp.signed_by(&server_key, &ca).map_err(err)?;

        let client_key = KeyPair::generate().map_err(err)?;
        let mut cp = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        cp.distinguished_name.push(DnType::CommonName, "mpgs-sandbox client");
        cp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        if let Some(days) = client_cert_days {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(err)?;
            cp.not_before = rcgen::date_time_ymd(1970, 1, 1) + (now - std::time::Duration::from_secs(3600));
            cp.not_after = rcgen::date_time_ymd(1970, 1, 1)
                + (now + std::time::Duration::from_secs(u64::from(days) * 86_400 + 3600));
        }
        let client = cp.signed_by(&client_key, &ca).map_err(err)?;

        let files = Self {
            dir: dir.to_owned(),
            ca_pem: ca.pem(),
            client_cert_pem: client.pem(),
            client_key_pem: client_key.serialize_pem(),
            server_cert_pem: server.pem(),
            server_key_pem: server_key.serialize_pem(),
        };
        std::fs::create_dir_all(dir)?;
        for (name, body) in [
            ("ca.pem", &files.ca_pem),
            ("client.pem", &files.client_cert_pem),
            ("client.key", &files.client_key_pem),
            ("server.pem", &files.server_cert_pem),
            ("server.key", &files.server_key_pem),
        ] {
            std::fs::write(dir.join(name), body)?;
        }
        Ok(files)
    }

    /// Path of `ca.pem`.
    pub fn ca_path(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// Path of `client.pem`.
    pub fn client_cert_path(&self) -> PathBuf {
        self.dir.join("client.pem")
    }

    /// Path of `client.key`.
    pub fn client_key_path(&self) -> PathBuf {
        self.dir.join("client.key")
    }

    /// The DER of the client certificate that certificate-auth merchants present.
    pub fn client_cert_der(&self) -> std::io::Result<Vec<u8>> {
        Ok(CertificateDer::from_pem_slice(self.client_cert_pem.as_bytes()).map_err(err)?.to_vec())
    }

    /// A server config that asks for (but does not require) a client certificate. Like the
    /// gateway's TLS front, it takes any certificate whose key signs the handshake; whether the
    /// certificate is the one registered for the merchant is decided per request (HTTP 401 if
    /// not), see `Gateway::authenticate`.
    pub fn server_config(&self) -> std::io::Result<Arc<ServerConfig>> {
        self.server_config_with(false)
    }

    /// As [`TlsFiles::server_config`]; with `require_client_cert`, the handshake itself requires
    /// a client certificate issued by this CA, as a TLS front configured `verify required`
    /// does: no certificate, or one from another CA, is refused with a fatal alert (in TLS 1.3
    /// after the client's Finished, when the client may already have written its request).
    pub fn server_config_with(&self, require_client_cert: bool) -> std::io::Result<Arc<ServerConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn ClientCertVerifier> = if require_client_cert {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(CertificateDer::from_pem_slice(self.ca_pem.as_bytes()).map_err(err)?).map_err(err)?;
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(err)?
        } else {
            Arc::new(AnyClientCert { provider: provider.clone() })
        };
        let chain = vec![CertificateDer::from_pem_slice(self.server_cert_pem.as_bytes()).map_err(err)?];
        let key = PrivateKeyDer::from_pem_slice(self.server_key_pem.as_bytes()).map_err(err)?;
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(err)?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .map_err(err)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Accepts any client certificate whose key signs the handshake: the merchant check happens per
/// request, against the registered certificate.
#[derive(Debug)]
struct AnyClientCert {
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for AnyClientCert {
    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
