//! The client certificate's expiry, read from the client: the leaf's `notAfter`, in UTCTime
//! (before 2050) and GeneralizedTime (from 2050), and for the sandbox's own client certificate;
//! a client with a password has none.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mpgs::Client;
use rcgen::{CertificateParams, KeyPair};

mod common;

fn certificate_expiring(year: i32, month: u8, day: u8) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.not_after = rcgen::date_time_ymd(year, month, day);
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

fn expiry_of(chain_pem: String, key_pem: String) -> Option<SystemTime> {
    let client =
        Client::builder("CERTMERCHANT").certificate_pem(chain_pem, key_pem).base_url("https://127.0.0.1:1");
    client.build().unwrap().client_certificate_expiry()
}

fn at(unix_seconds: u64) -> Option<SystemTime> {
    Some(UNIX_EPOCH + Duration::from_secs(unix_seconds))
}

#[test]
fn the_client_certificates_not_after_is_read_in_both_time_forms() {
    let (cert, key) = certificate_expiring(2031, 5, 6);
    assert_eq!(expiry_of(cert, key), at(1_935_792_000), "2031-05-06T00:00:00Z, UTCTime");
    let (cert, key) = certificate_expiring(2051, 1, 2);
    assert_eq!(expiry_of(cert, key), at(2_556_230_400), "2051-01-02T00:00:00Z, GeneralizedTime");
    let (cert, key) = certificate_expiring(2049, 12, 31);
    let (other, _) = certificate_expiring(2060, 1, 1);
    assert_eq!(
        expiry_of(format!("{cert}{other}"), key),
        at(2_524_521_600),
        "the leaf's, not the chain's next"
    );
}

#[test]
fn the_sandboxs_client_certificate_expiry_is_read_and_a_password_client_has_none() {
    let s = common::sandbox_with(|_| {});
    let tls = s.tls().unwrap();
    let client = Client::builder("CERTMERCHANT")
        .certificate_files(tls.client_cert_path(), tls.client_key_path())
        .base_url(s.url())
        .add_ca_file(tls.ca_path())
        .build()
        .unwrap();
    let want = CertificateParams::default().not_after.unix_timestamp();
    assert_eq!(client.client_certificate_expiry(), at(u64::try_from(want).unwrap()), "rcgen's default");
    assert!(client.check_gateway().is_ok(), "the same certificate works");
    assert_eq!(common::client(&s).client_certificate_expiry(), None);
}
