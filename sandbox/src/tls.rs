//! Certificates for the sandbox: a CA, a server certificate for 127.0.0.1 / localhost / ::1,
//! and a client certificate for certificate-auth merchants, all signed by that CA.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

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
    /// `client.key` (and the server's own pair) into `dir`.
    pub fn generate(dir: &Path) -> std::io::Result<Self> {
        let ca_key = KeyPair::generate().map_err(err)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params.distinguished_name.push(DnType::CommonName, "mpgs-sandbox CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(err)?;

        let server_key = KeyPair::generate().map_err(err)?;
        let mut sp =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()])
                .map_err(err)?;
        sp.distinguished_name.push(DnType::CommonName, "mpgs-sandbox");
        sp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server = sp.signed_by(&server_key, &ca).map_err(err)?;

        let client_key = KeyPair::generate().map_err(err)?;
        let mut cp = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        cp.distinguished_name.push(DnType::CommonName, "mpgs-sandbox client");
        cp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
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

    /// A server config that asks for (but does not require) a client certificate from the CA.
    pub fn server_config(&self) -> std::io::Result<Arc<ServerConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        roots.add(CertificateDer::from_pem_slice(self.ca_pem.as_bytes()).map_err(err)?).map_err(err)?;
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .allow_unauthenticated()
            .build()
            .map_err(err)?;
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
