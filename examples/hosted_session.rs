//! The Hosted Session flow in Rust: create a session; put a card into it as the payment page
//! would (Update Session); retrieve it and check it is ready; tokenize from the session; retrieve
//! the token; delete it. And Check Gateway, which needs no credentials.
//!
//! Reads `MPGS_BASE_URL`, `MPGS_CA_FILE`, `MPGS_MERCHANT_ID`, `MPGS_PASSWORD` (`make demo` points
//! them at the local sandbox).

use mpgs::{CardDetails, Client, CreateTokenRequest, Error, UpdateSessionRequest};

fn env(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

fn run(client: &Client) -> Result<(), Error> {
    let info = client.check_gateway()?;
    println!(
        "[rust/hosted] gateway {} {}",
        info.gateway_version.as_deref().unwrap_or("?"),
        info.status.as_ref().map_or("?", |s| s.as_str())
    );
    let id = client.create_session_json(serde_json::json!({}))?.id.unwrap_or_default();
    // The payment page's part: the card goes into the session (in production, from the browser).
    let page = client.update_session(
        &id,
        &UpdateSessionRequest::new()
            .card(CardDetails::new("5123450000000008").expiry("5", "30").security_code("100")),
    )?;
    let page_version = page.version.unwrap_or_default();
    // The server's part: retrieve, check, tokenize from the session.
    let session = client.retrieve_session(&id)?;
    match session.ready_for_token(Some(&page_version)) {
        Ok(()) => println!("[rust/hosted] session {id} ready (version {page_version})"),
        Err(why) => {
            println!("[rust/hosted] session {id} not ready: {why}");
            return Ok(());
        }
    }
    let token = client.create_token(&CreateTokenRequest::from_session(&id))?;
    let t = token.token.unwrap_or_default();
    let stored = client.retrieve_token(&t)?;
    let card = stored.card.as_ref();
    println!(
        "[rust/hosted] token {t}: {} {} expiry {}",
        card.and_then(|c| c.brand.as_ref()).map_or("?", |b| b.as_str()),
        card.and_then(|c| c.number.as_ref()).map_or("?".into(), |n| n.masked()),
        card.and_then(|c| c.expiry.as_deref()).unwrap_or("?"),
    );
    let deleted = client.delete_token(&t)?;
    println!("[rust/hosted] token {t} deleted: {}", deleted.result.as_ref().map_or("?", |r| r.as_str()));
    if let Err(e) = client.retrieve_token("not/a/token") {
        println!("[rust/hosted] refused before sending: {e}");
    }
    Ok(())
}

fn main() {
    let client = Client::builder(env("MPGS_MERCHANT_ID", "TESTMERCHANT"))
        .password(env("MPGS_PASSWORD", "sandbox-password"))
        .base_url(env("MPGS_BASE_URL", ""))
        .add_ca_file(env("MPGS_CA_FILE", ""))
        .build();
    if let Err(e) = client.and_then(|c| run(&c)) {
        eprintln!("[rust/hosted] {e}");
        std::process::exit(1);
    }
}
