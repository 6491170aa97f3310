//! TLS session resumption across the clients of one process: a second client with the same
//! settings resumes the first one's session (no certificate exchanged), and a client whose checks
//! would differ (another client certificate, other CA files, another trust choice) never does.
//! Each sandbox has a CA of its own, so tests running side by side never share settings.

mod common;

use mpgs::{Client, ClientBuilder, Trust};
use mpgs_sandbox::{Handshakes, Sandbox, TlsFiles};

fn sandbox() -> Sandbox {
    common::sandbox_with(|_| {})
}

fn cert_client(s: &Sandbox, cert: &TlsFiles) -> ClientBuilder {
    Client::builder("CERTMERCHANT")
        .certificate_files(cert.client_cert_path(), cert.client_key_path())
        .base_url(s.url())
        .add_ca_file(s.tls().unwrap().ca_path())
}

/// One call on a new client from `b` (Check Gateway: it needs no credentials, so a certificate
/// the sandbox does not know still completes the call).
fn one_call(b: ClientBuilder) {
    b.build().unwrap().check_gateway().expect("the call succeeds");
}

fn handshakes(full: usize, resumed: usize) -> Handshakes {
    Handshakes { full, resumed }
}

#[test]
fn a_second_client_with_the_same_settings_resumes_the_first_ones_tls_session() {
    let s = sandbox();
    one_call(common::builder(&s));
    assert_eq!(s.handshakes(), handshakes(1, 0));
    one_call(common::builder(&s));
    assert_eq!(s.handshakes(), handshakes(1, 1), "the second client resumed");
    let tls = s.tls().unwrap();
    one_call(cert_client(&s, tls));
    one_call(cert_client(&s, tls));
    assert_eq!(s.handshakes(), handshakes(2, 2), "the same certificate: resumed");
}

#[test]
fn a_client_with_another_client_certificate_never_resumes_a_session_of_the_first() {
    let s = sandbox();
    let other_dir = std::env::temp_dir().join(format!("mpgs-resume-other-{}", std::process::id()));
    let other = TlsFiles::generate(&other_dir).unwrap();
    one_call(cert_client(&s, s.tls().unwrap()));
    one_call(cert_client(&s, &other));
    one_call(common::builder(&s)); // no certificate at all
    let _ = std::fs::remove_dir_all(other_dir);
    assert_eq!(s.handshakes(), handshakes(3, 0), "each certificate its own full handshake");
}

#[test]
fn a_client_with_other_ca_files_or_another_trust_choice_never_resumes_a_session_of_the_first() {
    let s = sandbox();
    let ca = std::fs::read(s.tls().unwrap().ca_path()).unwrap();
    let unrelated = include_bytes!("../../core/tests/data/test-ca.pem").to_vec();
    one_call(common::builder(&s));
    one_call(common::builder(&s).add_ca_pem(unrelated));
    one_call(common::builder(&s).trust(Trust::CaFilesOnly));
    // The same CA given by content instead of by file: the same checks, so resumed.
    one_call(Client::builder("TESTMERCHANT").password("sandbox-password").base_url(s.url()).add_ca_pem(ca));
    assert_eq!(s.handshakes(), handshakes(3, 1));
}
