//! Rust quickstart: validate requests offline (the sandbox part comes with mpgs-sandbox).
use mpgs::{CardDetails, CreateTokenRequest, Operation, VerificationStrategy};

fn main() {
    let good = CreateTokenRequest::card(CardDetails::new("5123450000000008").expiry("05", "30"))
        .verification_strategy(VerificationStrategy::Basic);
    println!("request: {good:?}");
    println!("valid: {:?}", mpgs::validate(Operation::CreateToken, &good.to_json()).is_ok());
    let bad = serde_json::json!({"sourceOfFunds.type": "ACH", "sourceOfFunds.provided.ach.routingNumber": "01100001"});
    if let Err(e) = mpgs::validate(Operation::CreateToken, &bad) {
        for f in e.field_errors() {
            println!("  {} {}: {}", f.validation_type, f.field, f.explanation);
        }
    }
}
