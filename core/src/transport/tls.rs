//! The TLS settings of a client: trusted roots and the client certificate.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use crate::error::{Error, Result};
use crate::secret::SecretString;

/// rustls with the ring provider: the Mozilla roots plus the configured CAs, and the client
/// certificate for mutual TLS.
pub(crate) fn tls_config(
    extra_ca_pem: &[Vec<u8>],
    client_cert: Option<(&Vec<u8>, &SecretString)>,
) -> Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
    for pem in extra_ca_pem {
        let mut found = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| Error::config(format!("CA certificates: not valid PEM ({e})")))?;
            roots.add(cert).map_err(|e| Error::config(format!("CA certificates: {e}")))?;
            found += 1;
        }
        if found == 0 {
            return Err(Error::config("CA certificates: no certificate found in the PEM"));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS: {e}")))?
        .with_root_certificates(roots);
    let config = match client_cert {
        None => builder.with_no_client_auth(),
        Some((chain_pem, key_pem)) => {
            let chain = CertificateDer::pem_slice_iter(chain_pem)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| Error::config(format!("client certificate: not valid PEM ({e})")))?;
            if chain.is_empty() {
                return Err(Error::config("client certificate: no certificate found in the PEM"));
            }
            let key = PrivateKeyDer::from_pem_slice(key_pem.expose().as_bytes())
                .map_err(|_| Error::config("client certificate: no private key found in the key PEM"))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| Error::config(format!("client certificate: {e}")))?
        }
    };
    Ok(Arc::new(config))
}
