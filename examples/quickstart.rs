//! Rust quickstart: a session and a card token, with password auth and then certificate auth.
//!
//! Reads the gateway from the environment (`make demo` points it at the local sandbox):
//! `MPGS_BASE_URL`, `MPGS_MERCHANT_ID`, `MPGS_PASSWORD`, `MPGS_CA_FILE`, and for certificate auth
//! `MPGS_CERT_MERCHANT_ID`, `MPGS_CLIENT_CERT`, `MPGS_CLIENT_KEY`.

use mpgs::{CardDetails, Client, CreateSessionRequest, CreateTokenRequest, Error, VerificationStrategy};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn run(label: &str, client: &Client) -> Result<(), Error> {
    let session = client
        .create_session(&CreateSessionRequest::new().authentication_limit(5).correlation_id("till-7"))?;
    println!(
        "[rust/{label}] session {} version {} status {} (HTTP {}, {} ms)",
        session.id.as_deref().unwrap_or("?"),
        session.version.as_deref().unwrap_or("?"),
        session.update_status.as_ref().map_or("?", |s| s.as_str()),
        session.meta.http_status,
        session.meta.elapsed.as_millis()
    );
    let request = CreateTokenRequest::card(
        CardDetails::new("5123450000000008").expiry("05", "30").security_code("100"),
    )
    .verification_strategy(VerificationStrategy::Basic);
    let token = client.create_token(&request)?;
    let card = token.card.as_ref();
    println!(
        "[rust/{label}] token {} {} for {} {} expiry {} ({})",
        token.token.as_deref().unwrap_or("?"),
        token.status.as_ref().map_or("?", |s| s.as_str()),
        card.and_then(|c| c.brand.as_ref()).map_or("?", |b| b.as_str()),
        card.and_then(|c| c.number.as_ref()).map_or("?".into(), |n| n.masked()),
        card.and_then(|c| c.expiry.as_deref()).unwrap_or("?"),
        token.gateway_code.as_ref().map_or("?", |g| g.as_str()),
    );
    // A request the gateway would refuse is caught before it is sent:
    let bad = serde_json::json!({"sourceOfFunds.type": "ACH", "sourceOfFunds.provided.ach.routingNumber": "01100001"});
    if let Err(e) = client.create_token_json(bad) {
        for f in e.field_errors() {
            println!(
                "[rust/{label}] refused before sending: {} {} {}",
                f.validation_type, f.field, f.explanation
            );
        }
    }
    Ok(())
}

fn main() {
    let (Some(base_url), Some(ca)) = (env("MPGS_BASE_URL"), env("MPGS_CA_FILE")) else {
        eprintln!("set MPGS_BASE_URL and MPGS_CA_FILE (make demo does it for the local sandbox)");
        std::process::exit(2);
    };
    let password = Client::builder(env("MPGS_MERCHANT_ID").unwrap_or_else(|| "TESTMERCHANT".into()))
        .password(env("MPGS_PASSWORD").unwrap_or_else(|| "sandbox-password".into()))
        .base_url(&base_url)
        .add_ca_file(&ca)
        .build();
    let mut failed = false;
    match password.and_then(|c| run("password", &c)) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("[rust/password] {e}");
            failed = true;
        }
    }
    if let (Some(cert), Some(key)) = (env("MPGS_CLIENT_CERT"), env("MPGS_CLIENT_KEY")) {
        let client = Client::builder(env("MPGS_CERT_MERCHANT_ID").unwrap_or_else(|| "CERTMERCHANT".into()))
            .certificate_files(cert, key)
            .base_url(&base_url)
            .add_ca_file(&ca)
            .build();
        if let Err(e) = client.and_then(|c| run("certificate", &c)) {
            eprintln!("[rust/certificate] {e}");
            failed = true;
        }
    }
    std::process::exit(i32::from(failed));
}
