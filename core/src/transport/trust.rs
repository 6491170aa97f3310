//! Which certificate authorities a client trusts for the gateway's certificate: the setting
//! `trust`, the same name and values in every binding. Verification itself is never optional.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use crate::error::{Error, Result};

/// The roots a client trusts (the setting `trust`). The CA files given (`add_ca_file`,
/// `ca_file=`) are trusted with every choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trust {
    /// `"mozilla"`, the default: the Mozilla roots bundled in the library, plus the CA files.
    /// The same on every machine.
    #[default]
    Mozilla,
    /// `"system"`: the operating system's store, plus the CA files. The file `SSL_CERT_FILE`
    /// and the folders `SSL_CERT_DIR` (`:`-separated) when set; otherwise the first bundle found
    /// of `/etc/ssl/certs/ca-certificates.crt` (Debian, Ubuntu, Alpine),
    /// `/etc/pki/tls/certs/ca-bundle.crt` (RHEL, Fedora), … (see [`SYSTEM_BUNDLES`]). Read when
    /// the client is built. For a corporate TLS-inspecting proxy whose root is installed there.
    System,
    /// `"ca-files-only"`: only the CA files given (pinning to your own CA or the gateway's
    /// issuing CA). Building without a CA file is a configuration error.
    CaFilesOnly,
}

/// The system bundles looked for, in order, when neither `SSL_CERT_FILE` nor `SSL_CERT_DIR` is
/// set (the paths OpenSSL and Go look in on Linux and the BSDs).
pub const SYSTEM_BUNDLES: [&str; 6] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/usr/local/share/certs/ca-root-nss.crt",
];

impl Trust {
    /// Every choice, in the order of the C numbers (`MPGS_TRUST_MOZILLA` = 0, …).
    pub const ALL: [Self; 3] = [Self::Mozilla, Self::System, Self::CaFilesOnly];

    /// The lowercase name (`mozilla`, `system`, `ca-files-only`), as the bindings spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mozilla => "mozilla",
            Self::System => "system",
            Self::CaFilesOnly => "ca-files-only",
        }
    }

    /// Parses [`Self::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Parses a binding's setting: [`Self::parse`], or a configuration error that lists the names.
    pub fn from_setting(s: &str) -> Result<Self> {
        Self::parse(s).ok_or_else(|| {
            let names: Vec<String> = Self::ALL.iter().map(|t| format!("{:?}", t.as_str())).collect();
            Error::config(format!("trust must be one of {}, got {s:?}", names.join(", ")))
        })
    }
}

/// The root store for `trust` and the CA files' PEM.
pub(crate) fn roots(trust: Trust, extra_ca_pem: &[Vec<u8>]) -> Result<RootCertStore> {
    roots_with_env(trust, extra_ca_pem, |name| std::env::var_os(name))
}

/// [`roots`], with the environment given (tests give their own instead of changing the process's).
pub(crate) fn roots_with_env(
    trust: Trust,
    extra_ca_pem: &[Vec<u8>],
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    match trust {
        // Parsed once per process.
        Trust::Mozilla => roots = super::tls::mozilla_roots().clone(),
        Trust::System => system_roots(&mut roots, env)?,
        Trust::CaFilesOnly if extra_ca_pem.is_empty() => {
            return Err(Error::config(
                "trust \"ca-files-only\" needs at least one CA file (add_ca_file / ca_file): none was given",
            ))
        }
        Trust::CaFilesOnly => {}
    }
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
    Ok(roots)
}

/// Adds the certificates of every PEM file in `pem` that parse (a system store may hold some that
/// rustls cannot use: those are skipped, as OpenSSL does). Returns how many were added.
fn add_pem(roots: &mut RootCertStore, pem: &[u8]) -> usize {
    let certs = CertificateDer::pem_slice_iter(pem).filter_map(|c| c.ok());
    roots.add_parsable_certificates(certs).0
}

fn system_roots(roots: &mut RootCertStore, env: impl Fn(&str) -> Option<OsString>) -> Result<()> {
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    let (file, dirs) = (set("SSL_CERT_FILE"), set("SSL_CERT_DIR"));
    let mut found = 0;
    if file.is_none() && dirs.is_none() {
        for path in SYSTEM_BUNDLES {
            if let Ok(pem) = std::fs::read(path) {
                found = add_pem(roots, &pem);
                if found > 0 {
                    return Ok(());
                }
            }
        }
        found += add_dir(roots, Path::new("/etc/ssl/certs"));
        if found == 0 {
            return Err(Error::config(format!(
                "trust \"system\": no certificate found in the system store ({} or /etc/ssl/certs); \
                 set SSL_CERT_FILE or SSL_CERT_DIR, or use trust \"mozilla\"",
                SYSTEM_BUNDLES.join(", ")
            )));
        }
        return Ok(());
    }
    if let Some(file) = &file {
        let pem = std::fs::read(file).map_err(|e| {
            Error::config(format!(
                "trust \"system\": SSL_CERT_FILE {} cannot be read: {e}",
                Path::new(file).display()
            ))
        })?;
        found += add_pem(roots, &pem);
    }
    if let Some(dirs) = &dirs {
        for dir in std::env::split_paths(dirs) {
            found += add_dir(roots, &dir);
        }
    }
    if found == 0 {
        let named: Vec<String> = [("SSL_CERT_FILE", &file), ("SSL_CERT_DIR", &dirs)]
            .iter()
            .filter_map(|(n, v)| v.as_ref().map(|v| format!("{n}={}", PathBuf::from(v).display())))
            .collect();
        return Err(Error::config(format!(
            "trust \"system\": no certificate found in {}",
            named.join(" or ")
        )));
    }
    Ok(())
}

/// The certificates of the PEM files in `dir` (an OpenSSL hashed folder, or any folder of PEMs).
fn add_dir(roots: &mut RootCertStore, dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut found = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() {
            if let Ok(pem) = std::fs::read(&path) {
                found += add_pem(roots, &pem);
            }
        }
    }
    found
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A self-signed CA certificate (its key was thrown away: it is only parsed here).
    pub(in crate::transport) fn ca_pem() -> Vec<u8> {
        include_bytes!("../../tests/data/test-ca.pem").to_vec()
    }

    fn no_env(_: &str) -> Option<OsString> {
        None
    }

    #[test]
    fn names_parse_and_an_unknown_one_is_a_config_error_naming_the_setting() {
        for t in Trust::ALL {
            assert_eq!(Trust::parse(t.as_str()), Some(t));
        }
        assert_eq!(Trust::default(), Trust::Mozilla);
        let e = Trust::from_setting("none").unwrap_err().to_string();
        assert!(e.contains("trust must be one of \"mozilla\", \"system\", \"ca-files-only\""), "{e}");
    }

    #[test]
    fn ca_files_only_trusts_exactly_the_files_given_and_none_is_refused() {
        let roots = roots_with_env(Trust::CaFilesOnly, &[ca_pem()], no_env).unwrap();
        assert_eq!(roots.len(), 1, "no Mozilla root");
        let e = roots_with_env(Trust::CaFilesOnly, &[], no_env).unwrap_err().to_string();
        assert!(e.contains("trust \"ca-files-only\" needs at least one CA file"), "{e}");
    }

    #[test]
    fn mozilla_is_the_bundled_roots_plus_the_files() {
        let bundled = roots_with_env(Trust::Mozilla, &[], no_env).unwrap().len();
        assert!(bundled > 100, "{bundled}");
        assert_eq!(roots_with_env(Trust::Mozilla, &[ca_pem()], no_env).unwrap().len(), bundled + 1);
    }

    #[test]
    fn system_honours_ssl_cert_file_and_ssl_cert_dir() {
        let dir = std::env::temp_dir().join(format!("mpgs-trust-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("d")).unwrap();
        let file = dir.join("bundle.pem");
        std::fs::write(&file, ca_pem()).unwrap();
        std::fs::write(dir.join("d").join("0abc.0"), ca_pem()).unwrap();
        std::fs::write(dir.join("d").join("README"), b"not a certificate").unwrap();
        let only_file = |n: &str| (n == "SSL_CERT_FILE").then(|| file.clone().into_os_string());
        assert_eq!(roots_with_env(Trust::System, &[], only_file).unwrap().len(), 1);
        let only_dir = |n: &str| (n == "SSL_CERT_DIR").then(|| dir.join("d").into_os_string());
        assert_eq!(roots_with_env(Trust::System, &[], only_dir).unwrap().len(), 1);
        let missing = |n: &str| (n == "SSL_CERT_FILE").then(|| dir.join("nope.pem").into_os_string());
        let e = roots_with_env(Trust::System, &[], missing).unwrap_err().to_string();
        assert!(e.contains("SSL_CERT_FILE") && e.contains("nope.pem"), "{e}");
        let empty = |n: &str| (n == "SSL_CERT_DIR").then(|| dir.join("empty").into_os_string());
        let e = roots_with_env(Trust::System, &[], empty).unwrap_err().to_string();
        assert!(e.contains("no certificate found in SSL_CERT_DIR="), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
