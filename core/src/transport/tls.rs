//! The TLS settings of a client: trusted roots and the client certificate.

use std::sync::Arc;

use rustls::client::Resumption;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ClientConfig;

use crate::error::{Error, Result};
use crate::secret::SecretString;

use super::fork::ForkSafe;
use super::trust::{roots, Trust};

/// The client's TLS settings, with a session cache of this process's own. rustls keeps resumable
/// sessions behind a lock inside the config; a forked child must not use the parent's (another
/// thread may have held that lock at the fork), so each process gets a copy of the settings with
/// an empty cache of its own at its first handshake.
#[derive(Debug)]
pub(super) struct ProcessTls {
    settings: Arc<ClientConfig>,
    current: ForkSafe<Option<Arc<ClientConfig>>>,
}

impl ProcessTls {
    pub(super) fn new(settings: Arc<ClientConfig>) -> Self {
        Self { settings, current: ForkSafe::new() }
    }

    /// The config for this process's handshakes.
    pub(super) fn config(&self) -> Arc<ClientConfig> {
        let mut current = self.current.lock();
        let config = current.get_or_insert_with(|| {
            let mut fresh = (*self.settings).clone();
            fresh.resumption = Resumption::default(); // an empty cache, not the settings' one
            Arc::new(fresh)
        });
        Arc::clone(config)
    }
}

/// rustls with the ring provider: the roots `trust` names plus the configured CAs, and the
/// client certificate for mutual TLS.
pub(crate) fn tls_config(
    trust: Trust,
    extra_ca_pem: &[Vec<u8>],
    client_cert: Option<(&Vec<u8>, &SecretString)>,
) -> Result<Arc<ClientConfig>> {
    let roots = roots(trust, extra_ca_pem)?;
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

#[cfg(test)]
mod tests {
    use std::sync::{mpsc, Mutex};

    use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
    use rustls::pki_types::ServerName;
    use rustls::{ClientConnection, NamedGroup};

    use super::*;
    use crate::transport::fork::tests::run_in_forked_child;

    /// A session cache whose lock the test holds, as rustls's own can be held by a thread that
    /// is mid-handshake when another thread forks.
    #[derive(Debug, Default)]
    struct Held(Mutex<()>);

    impl ClientSessionStore for Held {
        fn set_kx_hint(&self, _: ServerName<'static>, _: NamedGroup) {
            drop(self.0.lock());
        }
        fn kx_hint(&self, _: &ServerName<'_>) -> Option<NamedGroup> {
            drop(self.0.lock());
            None
        }
        fn set_tls12_session(&self, _: ServerName<'static>, _: Tls12ClientSessionValue) {
            drop(self.0.lock());
        }
        fn tls12_session(&self, _: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
            drop(self.0.lock());
            None
        }
        fn remove_tls12_session(&self, _: &ServerName<'static>) {
            drop(self.0.lock());
        }
        fn insert_tls13_ticket(&self, _: ServerName<'static>, _: Tls13ClientSessionValue) {
            drop(self.0.lock());
        }
        fn take_tls13_ticket(&self, _: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
            drop(self.0.lock());
            None
        }
    }

    #[test]
    fn a_forked_child_handshakes_with_its_own_session_cache_never_the_parents_held_one() {
        let store = Arc::new(Held::default());
        let mut settings = (*tls_config(Trust::Mozilla, &[], None).unwrap()).clone();
        settings.resumption = Resumption::store(store.clone());
        let tls = ProcessTls::new(Arc::new(settings));
        // This process's handshakes use a cache of their own, not the settings' one.
        let name = ServerName::try_from("gateway.invalid").unwrap();
        let _ = ClientConnection::new(tls.config(), name.clone()).unwrap();
        let parent = tls.config();
        // Another thread holds the settings' cache lock when the process forks.
        let (held_tx, held_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let holder = {
            let store = store.clone();
            std::thread::spawn(move || {
                let _guard = store.0.lock();
                held_tx.send(()).unwrap();
                let _ = release_rx.recv();
            })
        };
        held_rx.recv().unwrap();
        let child = run_in_forked_child(|| {
            let config = tls.config();
            // Starting a handshake reads the session cache (rustls looks for a ticket to resume).
            let started = ClientConnection::new(config.clone(), name.clone()).is_ok();
            started && !Arc::ptr_eq(&config, &parent)
        });
        release_tx.send(()).unwrap();
        holder.join().unwrap();
        assert_eq!(child, Some(true), "the child's first handshake hung (None) or failed");
        assert!(Arc::ptr_eq(&tls.config(), &parent), "the parent keeps its config and cache");
    }
}
