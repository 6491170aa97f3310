//! Validation alone (make bench): a Create or Update Token body checked against every rule,
//! as the client does before sending.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mpgs::Operation;
use serde_json::json;

fn token_body() -> serde_json::Value {
    json!({
        "sourceOfFunds": {"type": "CARD", "provided": {"card": {
            "number": "5123450000000008", "expiry": {"month": "5", "year": "30"}, "securityCode": "100"}}},
        "verificationStrategy": "BASIC",
        "correlationId": "bench-1",
        "transaction": {"currency": "USD"}
    })
}

fn validation(c: &mut Criterion) {
    let body = token_body();
    c.bench_function("validate_create_token", |b| {
        b.iter(|| mpgs::validate(Operation::CreateToken, black_box(&body)).unwrap())
    });
    let text = body.to_string();
    c.bench_function("prepare_create_token_from_text", |b| {
        b.iter(|| mpgs::validate::prepare_text(Operation::CreateToken, black_box(&text)).unwrap())
    });
}

criterion_group!(benches, validation);
criterion_main!(benches);
