//! The TLS settings of a client: trusted roots and the client certificate; shared, with their
//! resumable sessions, by the clients of a process that would make the same checks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ring::digest::{Context, SHA256};
use rustls::client::Resumption;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use crate::error::{Error, Result};
use crate::secret::SecretString;

use super::fork::{ForkLocal, ForkSafe};
use super::trust::{roots, Trust};

/// What a resumed TLS session stands for: the checks its full handshake made. A resumed
/// handshake skips the server's certificate check and sends no client certificate, so a session
/// may carry only the calls of a client that would have made the same checks and presented the
/// same certificate: the SHA-256 of the trust choice, the trusted CA files' content (for
/// `system`, the roots read), and the client certificate chain and key. The server name is
/// rustls's own key inside a session store. Never shown: it is a digest of a private key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TlsKey([u8; 32]);

impl std::fmt::Debug for TlsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsKey(..)")
    }
}

impl TlsKey {
    fn of(
        trust: Trust,
        extra_ca_pem: &[Vec<u8>],
        system_roots: Option<&RootCertStore>,
        client_cert: Option<(&Vec<u8>, &SecretString)>,
    ) -> Self {
        let mut h = Context::new(&SHA256);
        // Every field with its length first, so that no two settings write the same bytes.
        let mut field = |bytes: &[u8]| {
            h.update(&(bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(trust.as_str().as_bytes());
        field(&(extra_ca_pem.len() as u64).to_be_bytes());
        for pem in extra_ca_pem {
            field(pem);
        }
        if let Some(store) = system_roots {
            field(&(store.roots.len() as u64).to_be_bytes());
            for anchor in &store.roots {
                field(anchor.subject.as_ref());
                field(anchor.subject_public_key_info.as_ref());
                field(anchor.name_constraints.as_deref().unwrap_or(b"-"));
            }
        }
        match client_cert {
            None => field(b"no client certificate"),
            Some((chain, key)) => {
                field(chain);
                field(key.expose().as_bytes());
            }
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(h.finish().as_ref());
        Self(key)
    }
}

/// A client's TLS settings and the key under which they are shared.
#[derive(Clone, Debug)]
pub(crate) struct SharedTls {
    key: TlsKey,
    settings: Arc<ClientConfig>,
}

/// How many distinct TLS settings a process keeps (each with its session cache); past that, one
/// is dropped at random (its clients go on with their own copy, and a fresh cache).
const MAX_SHARED: usize = 64;

/// This process's TLS configs by key, each with the session cache its clients share. A forked
/// child starts with none: it never touches the parent's caches, whose locks another thread may
/// have held at the fork.
static SHARED: ForkLocal<Mutex<HashMap<TlsKey, Arc<ClientConfig>>>> = ForkLocal::new();

fn shared() -> std::sync::MutexGuard<'static, HashMap<TlsKey, Arc<ClientConfig>>> {
    SHARED.get().lock().unwrap_or_else(|e| e.into_inner())
}

fn insert(map: &mut HashMap<TlsKey, Arc<ClientConfig>>, key: TlsKey, config: Arc<ClientConfig>) {
    if map.len() >= MAX_SHARED && !map.contains_key(&key) {
        if let Some(old) = map.keys().next().copied() {
            map.remove(&old);
        }
    }
    map.insert(key, config);
}

/// The client's TLS settings, with the session cache of this process's clients that share its
/// key. rustls keeps resumable sessions behind a lock inside the config; a forked child must not
/// use the parent's (another thread may have held that lock at the fork), so each process gets a
/// copy of the settings with an empty cache of its own at its first handshake, shared again by
/// that process's clients with the same key.
#[derive(Debug)]
pub(super) struct ProcessTls {
    shared: SharedTls,
    /// The generation's config, once looked up (the process-wide map is locked once per process).
    current: ForkSafe<Option<Arc<ClientConfig>>>,
}

impl ProcessTls {
    pub(super) fn new(shared: SharedTls) -> Self {
        Self { shared, current: ForkSafe::new() }
    }

    /// The config for this process's handshakes.
    pub(super) fn config(&self) -> Arc<ClientConfig> {
        let mut current = self.current.lock();
        let config = current.get_or_insert_with(|| {
            let mut map = shared();
            if let Some(c) = map.get(&self.shared.key) {
                return Arc::clone(c);
            }
            let mut fresh = (*self.shared.settings).clone();
            fresh.resumption = Resumption::default(); // an empty cache, not the settings' one
            let fresh = Arc::new(fresh);
            insert(&mut map, self.shared.key, Arc::clone(&fresh));
            fresh
        });
        Arc::clone(config)
    }
}

/// The Mozilla roots bundled in the library, parsed once per process (a forked child parses
/// them again rather than wait on a parse another thread of its parent was in at the fork).
static MOZILLA: ForkLocal<OnceLock<RootCertStore>> = ForkLocal::new();

pub(super) fn mozilla_roots() -> &'static RootCertStore {
    MOZILLA.get().get_or_init(|| {
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
        roots
    })
}

/// rustls with the ring provider: the roots `trust` names plus the configured CAs, and the
/// client certificate for mutual TLS. Clients of this process with the same settings (see
/// [`TlsKey`]) get the same config, and so share its resumable sessions; the roots are not
/// parsed again for them.
pub(crate) fn tls_config(
    trust: Trust,
    extra_ca_pem: &[Vec<u8>],
    client_cert: Option<(&Vec<u8>, &SecretString)>,
) -> Result<SharedTls> {
    // The system store is read every time (it may have changed), and is part of the key.
    let system = match trust {
        Trust::System => Some(roots(trust, extra_ca_pem)?),
        _ => None,
    };
    let key = TlsKey::of(trust, extra_ca_pem, system.as_ref(), client_cert);
    if let Some(settings) = shared().get(&key) {
        return Ok(SharedTls { key, settings: Arc::clone(settings) });
    }
    let roots = match system {
        Some(r) => r,
        None => roots(trust, extra_ca_pem)?,
    };
    let settings = build(roots, client_cert)?;
    let mut map = shared();
    // Another thread may have built the same meanwhile: the first one in is shared.
    if let Some(first) = map.get(&key) {
        return Ok(SharedTls { key, settings: Arc::clone(first) });
    }
    insert(&mut map, key, Arc::clone(&settings));
    Ok(SharedTls { key, settings })
}

fn build(roots: RootCertStore, client_cert: Option<(&Vec<u8>, &SecretString)>) -> Result<Arc<ClientConfig>> {
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
        let mut settings = (*tls_config(Trust::Mozilla, &[], None).unwrap().settings).clone();
        settings.resumption = Resumption::store(store.clone());
        let key = TlsKey([0xf0; 32]); // a key of this test's own
        let tls = ProcessTls::new(SharedTls { key, settings: Arc::new(settings) });
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

    fn pem(name: &str) -> Vec<u8> {
        format!("-----BEGIN CERTIFICATE-----\n{name}\n-----END CERTIFICATE-----\n").into_bytes()
    }

    #[test]
    fn clients_share_a_config_and_its_session_cache_only_when_they_would_make_the_same_checks() {
        let key = |trust, cas: &[Vec<u8>], cert: Option<(&Vec<u8>, &SecretString)>| {
            TlsKey::of(trust, cas, None, cert)
        };
        let (chain_a, chain_b) = (pem("A"), pem("B"));
        let (key_a, key_b) = (SecretString::new(String::from("ka")), SecretString::new(String::from("kb")));
        let base = key(Trust::Mozilla, &[pem("CA1")], Some((&chain_a, &key_a)));
        assert!(base == key(Trust::Mozilla, &[pem("CA1")], Some((&chain_a, &key_a))), "same settings");
        let others = [
            key(Trust::Mozilla, &[pem("CA1")], Some((&chain_b, &key_a))),
            key(Trust::Mozilla, &[pem("CA1")], Some((&chain_a, &key_b))),
            key(Trust::Mozilla, &[pem("CA1")], None),
            key(Trust::Mozilla, &[pem("CA2")], Some((&chain_a, &key_a))),
            key(Trust::Mozilla, &[pem("CA1"), pem("CA2")], Some((&chain_a, &key_a))),
            key(Trust::Mozilla, &[], Some((&chain_a, &key_a))),
            key(Trust::CaFilesOnly, &[pem("CA1")], Some((&chain_a, &key_a))),
            key(Trust::System, &[pem("CA1")], Some((&chain_a, &key_a))),
        ];
        for (i, other) in others.iter().enumerate() {
            assert!(*other != base, "setting {i} differs: its own sessions");
        }
        // Field boundaries count: "AB" + "" is not "A" + "B".
        assert!(
            key(Trust::Mozilla, &[b"AB".to_vec(), vec![]], None)
                != key(Trust::Mozilla, &[b"A".to_vec(), b"B".to_vec()], None)
        );
        assert_eq!(format!("{base:?}"), "TlsKey(..)", "never shown: a digest of a private key");
    }

    #[test]
    fn two_clients_with_the_same_settings_get_one_config_and_the_mozilla_roots_are_parsed_once() {
        let a = tls_config(Trust::Mozilla, &[], None).unwrap();
        let b = tls_config(Trust::Mozilla, &[], None).unwrap();
        assert!(Arc::ptr_eq(&a.settings, &b.settings), "one config, one session cache");
        let (pa, pb) = (ProcessTls::new(a), ProcessTls::new(b));
        assert!(Arc::ptr_eq(&pa.config(), &pb.config()), "their handshakes share sessions");
        assert!(std::ptr::eq(mozilla_roots(), mozilla_roots()), "parsed once");
        let c = tls_config(Trust::Mozilla, &[ca_files_only_pem()], None).unwrap();
        assert!(!Arc::ptr_eq(&pa.config(), &ProcessTls::new(c).config()), "other CA files: another");
    }

    /// A real CA certificate (the one the trust tests use).
    fn ca_files_only_pem() -> Vec<u8> {
        crate::transport::trust::tests::ca_pem()
    }
}
