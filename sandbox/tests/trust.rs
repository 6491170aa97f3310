//! The setting `trust` against the sandbox (real TLS on 127.0.0.1, its own CA): `ca-files-only`
//! with the sandbox's CA connects, `mozilla` alone refuses the sandbox's certificate, `system`
//! reads `SSL_CERT_FILE` (in a child process, so that no thread of this one sees the change).

mod common;

use std::process::Command;

use common::{builder, sandbox};
use mpgs::{Client, CreateSessionRequest, ErrorKind, Trust};

#[test]
fn ca_files_only_with_the_sandboxs_ca_connects() {
    let s = sandbox();
    let c = builder(&s).trust(Trust::CaFilesOnly).build().unwrap();
    assert_eq!(c.create_session(&CreateSessionRequest::new()).unwrap().meta.http_status, 201);
}

#[test]
fn ca_files_only_without_a_ca_file_is_refused_when_built_naming_the_setting() {
    let s = sandbox();
    let e = Client::builder("TESTMERCHANT")
        .password("sandbox-password")
        .base_url(s.url())
        .trust(Trust::CaFilesOnly)
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("trust \"ca-files-only\" needs at least one CA file"), "{e}");
}

#[test]
fn mozilla_alone_refuses_the_sandboxs_certificate_and_ca_files_only_with_another_ca_too() {
    let s = sandbox();
    let moz = Client::builder("TESTMERCHANT").password("sandbox-password").base_url(s.url()).build().unwrap();
    let e = moz.create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(e.to_string().contains("TLS") && !e.outcome_unknown(), "{e}");
    // Pinned to a CA that did not issue the gateway's certificate: refused too.
    let other = sandbox();
    let pinned = Client::builder("TESTMERCHANT")
        .password("sandbox-password")
        .base_url(s.url())
        .add_ca_file(other.tls().unwrap().ca_path())
        .trust(Trust::CaFilesOnly)
        .build()
        .unwrap();
    let e = pinned.create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
}

/// Run in a child process with `SSL_CERT_FILE` set (see the test below): `system` trusts it.
#[test]
fn child_system_trust_reads_ssl_cert_file() {
    let Ok(url) = std::env::var("MPGS_TRUST_TEST_URL") else { return }; // only as the child
    let c = Client::builder("TESTMERCHANT").password("sandbox-password").base_url(url);
    let c = c.trust(Trust::System).build().unwrap();
    assert_eq!(c.create_session(&CreateSessionRequest::new()).unwrap().meta.http_status, 201);
    let moz = Client::builder("TESTMERCHANT")
        .password("sandbox-password")
        .base_url(std::env::var("MPGS_TRUST_TEST_URL").unwrap())
        .build()
        .unwrap();
    assert!(moz.create_session(&CreateSessionRequest::new()).is_err(), "mozilla ignores SSL_CERT_FILE");
}

#[test]
fn system_trust_honours_ssl_cert_file() {
    let s = sandbox();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_system_trust_reads_ssl_cert_file", "--nocapture", "--test-threads=1"])
        .env("MPGS_TRUST_TEST_URL", s.url())
        .env("SSL_CERT_FILE", s.tls().unwrap().ca_path())
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && text.contains("1 passed"), "{text}");
}
