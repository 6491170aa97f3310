//! Rust client calls per second (make bench): Create Session on one thread over one keep-alive
//! HTTPS connection. `bench_calls N` prints calls/s. Environment as for the quickstart:
//! MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.

use std::time::Instant;

fn main() -> Result<(), mpgs::Error> {
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set"));
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let client = mpgs::Client::builder(var("MPGS_MERCHANT_ID"))
        .password(var("MPGS_PASSWORD"))
        .base_url(var("MPGS_BASE_URL"))
        .add_ca_file(var("MPGS_CA_FILE"))
        .build()?;
    let body = serde_json::json!({"correlationId": "bench", "session": {"authenticationLimit": 5}});
    for _ in 0..10 {
        client.create_session_json(body.clone())?;
    }
    let start = Instant::now();
    for _ in 0..n {
        client.create_session_json(body.clone())?;
    }
    println!("{:.1}", f64::from(n) / start.elapsed().as_secs_f64());
    Ok(())
}
