//! The `mpgs` client against the sandbox over real TLS on 127.0.0.1.

use std::time::{Duration, Instant};

use mpgs::{
    AchDetails, CardDetails, Client, CreateSessionRequest, CreateTokenRequest, Error, ErrorKind, GatewayCode,
    GiftCardDetails, SecCode, TokenStatus, UpdateStatus, ValidationType, VerificationStrategy,
};
use mpgs_sandbox::{Fault, Sandbox, TokenManagement, TokenStrategy};
use serde_json::json;

mod common;
use common::{builder, client, put_card, sandbox_with, CARD};

fn cert_client(s: &Sandbox) -> Client {
    let t = s.tls().unwrap();
    Client::builder("CERTMERCHANT")
        .certificate_files(t.client_cert_path(), t.client_key_path())
        .base_url(s.url())
        .add_ca_file(t.ca_path())
        .build()
        .unwrap()
}

fn card_request() -> CreateTokenRequest {
    CreateTokenRequest::card(CardDetails::new(CARD).expiry("5", "30").security_code("100"))
        .verification_strategy(VerificationStrategy::Basic)
}

#[test]
fn creates_a_session_with_password_auth() {
    let s = sandbox_with(|_| {});
    let session = client(&s)
        .create_session(&CreateSessionRequest::new().authentication_limit(7).correlation_id("till-7"))
        .unwrap();
    let id = session.id.clone().unwrap();
    assert_eq!(id.len(), 31);
    assert!(id.starts_with("SESSION"));
    assert_eq!(session.aes256_key.as_ref().unwrap().expose().len(), 44);
    let version = session.version.clone().unwrap();
    assert_eq!(version.len(), 10);
    assert!(
        version.ends_with("01") && version.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert_eq!(session.update_status, Some(UpdateStatus::NoUpdate));
    assert_eq!(session.authentication_limit, Some(7));
    assert_eq!(session.correlation_id.as_deref(), Some("till-7"));
    assert_eq!(session.merchant.as_deref(), Some("TESTMERCHANT"));
    assert_eq!(session.meta.http_status, 201);
    assert_eq!(session.meta.api_version, 58);
    assert_eq!(session.meta.attempts, 1);
    assert!(!format!("{session:?}").contains(session.aes256_key.as_ref().unwrap().expose()));
}

#[test]
fn an_empty_session_body_gets_the_default_limit() {
    let s = sandbox_with(|_| {});
    let session = client(&s).create_session_json(json!(null)).unwrap();
    assert_eq!(session.authentication_limit, Some(5));
}

#[test]
fn creates_a_session_and_a_token_with_certificate_auth() {
    let s = sandbox_with(|_| {});
    let c = cert_client(&s);
    let session = c.create_session(&CreateSessionRequest::new()).unwrap();
    assert_eq!(session.merchant.as_deref(), Some("CERTMERCHANT"));
    let token = c.create_token(&card_request()).unwrap();
    assert_eq!(token.status, Some(TokenStatus::Valid));
}

#[test]
fn tokenizes_a_card_with_basic_verification() {
    let s = sandbox_with(|_| {});
    let t = client(&s).create_token(&card_request().correlation_id("c-1")).unwrap();
    let token = t.token.clone().unwrap();
    assert_eq!(token.len(), 16);
    assert!(token.starts_with('9'));
    assert_eq!(t.gateway_code, Some(GatewayCode::BasicVerificationSuccessful));
    assert_eq!(t.repository_id.as_deref(), Some("SANDBOXREPO"));
    let card = t.card.as_ref().unwrap();
    assert_eq!(card.number.as_ref().unwrap().expose(), "512345xxxxxx0008");
    assert_eq!(card.expiry.as_deref(), Some("0530"));
    assert_eq!((card.expiry_month(), card.expiry_year()), (Some(5), Some(30)));
    assert_eq!(card.brand.as_ref().map(|b| b.as_str()), Some("MASTERCARD"));
    assert_eq!(t.correlation_id.as_deref(), Some("c-1"));
    assert_eq!(t.meta.api_version, 38);
    let usage = t.usage.as_ref().unwrap();
    assert_eq!(usage.last_updated.as_ref().unwrap().len(), 24);
    assert_eq!(usage.last_updated_by.as_deref(), Some("TESTMERCHANT"));
}

#[test]
fn tokenizes_ach_and_gift_cards_masked() {
    let s = sandbox_with(|_| {});
    let c = client(&s);
    let t = c
        .create_token(&CreateTokenRequest::ach(
            AchDetails::new("011000015", "1234567890").holder("Ann Lee").sec_code(SecCode::Web),
        ))
        .unwrap();
    let ach = t.ach.as_ref().unwrap();
    assert_eq!(ach.routing_number.as_deref(), Some("011000015"));
    assert!(!t.raw.to_string().contains("1234567890"));
    let t = c
        .create_token(&CreateTokenRequest::gift_card(GiftCardDetails::new("6000000000000004").pin("1234")))
        .unwrap();
    assert_eq!(t.gift_card.as_ref().unwrap().number.as_ref().unwrap().expose(), "600000xxxxxx0004");
    assert!(!t.raw.to_string().contains("6000000000000004"));
}

#[test]
fn unique_card_returns_the_same_token_twice_and_unique_token_a_new_one() {
    let s = sandbox_with(|_| {});
    let c = client(&s);
    let a = c.create_token(&card_request()).unwrap().token.clone();
    let b = c.create_token(&card_request()).unwrap().token.clone();
    assert_eq!(a, b);
    let s = sandbox_with(|c| c.token_management = TokenManagement::UniqueToken);
    let c = client(&s);
    let a = c.create_token(&card_request()).unwrap().token.clone();
    let b = c.create_token(&card_request()).unwrap().token.clone();
    assert_ne!(a, b);
}

#[test]
fn preserve_6_4_tokens_keep_the_cards_ends() {
    let s = sandbox_with(|c| c.token_strategy = TokenStrategy::Preserve64);
    let t = client(&s).create_token(&card_request()).unwrap().token.clone().unwrap();
    assert_eq!((&t[..6], &t[12..], t.len()), ("512345", "0008", 16));
    assert_ne!(t, CARD);
}

#[test]
fn tokenizes_the_card_a_session_holds() {
    let s = sandbox_with(|_| {});
    let c = client(&s);
    let session = c.create_session(&CreateSessionRequest::new()).unwrap();
    let id = session.id.clone().unwrap();
    let updated = put_card(
        &s,
        &id,
        &json!({"sourceOfFunds": {"provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}}}}}),
    );
    assert_eq!(updated["session"]["updateStatus"], "SUCCESS");
    let version = updated["session"]["version"].as_str().unwrap().to_owned();
    assert!(version.ends_with("02"));
    let t = c.create_token(&CreateTokenRequest::from_session(&id).session(&id, Some(version))).unwrap();
    assert_eq!(t.card.as_ref().unwrap().number.as_ref().unwrap().expose(), "512345xxxxxx0008");
    // A stale version is refused.
    let stale = session.version.clone();
    let err = c.create_token(&CreateTokenRequest::from_session(&id).session(&id, stale)).unwrap_err();
    let Error::Gateway(g) = err else { panic!("{err}") };
    assert_eq!((g.http_status, g.field.as_deref()), (400, Some("session.version")));
}

#[test]
fn a_session_never_updated_cannot_supply_a_card() {
    let s = sandbox_with(|_| {});
    let c = client(&s);
    let id = c.create_session(&CreateSessionRequest::new()).unwrap().id.clone().unwrap();
    let err = c.create_token(&CreateTokenRequest::from_session(&id)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Gateway);
}

#[test]
fn bad_credentials_are_an_authentication_error_with_status_401() {
    let s = sandbox_with(|_| {});
    let c = builder(&s).password("wrong").build().unwrap();
    let err = c.create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    let Error::Gateway(g) = err else { unreachable!() };
    assert_eq!(g.http_status, 401);
    assert_eq!(g.cause.as_ref().map(|c| c.as_str()), Some("INVALID_REQUEST"));
    assert_eq!(g.explanation.as_deref(), Some("Invalid credentials."));
}

#[test]
fn the_gateway_rejects_what_the_client_cannot_know() {
    let s = sandbox_with(|_| {});
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "4111111111111112", "expiry": {"month": "1", "year": "30"}}}},
                      "verificationStrategy": "BASIC"});
    let err = client(&s).create_token_json(body).unwrap_err();
    let Error::Gateway(g) = err else { panic!("{err}") };
    assert_eq!(g.http_status, 400);
    assert_eq!(g.field.as_deref(), Some("sourceOfFunds.provided.card.number"));
    assert_eq!(g.validation_type, Some(ValidationType::Invalid));
    assert!(!g.to_string_lossy().contains("4111111111111112"));
}

trait Lossy {
    fn to_string_lossy(&self) -> String;
}
impl Lossy for mpgs::GatewayError {
    fn to_string_lossy(&self) -> String {
        format!("{self:?} {}", Error::Gateway(Box::new(self.clone())))
    }
}

#[test]
fn invalid_requests_never_leave_the_machine() {
    let s = sandbox_with(|c| c.faults = vec![(Fault::Close, 100)]);
    let err = client(&s)
        .create_token_json(json!({"sourceOfFunds.type": "CARD", "sourceOfFunds.provided.card.number": "12"}))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(s.faults().pending(), 100, "nothing reached the sandbox");
}

#[test]
fn an_unsupported_version_is_a_404_gateway_error() {
    let s = sandbox_with(|_| {});
    let err = builder(&s)
        .session_api_version(999)
        .build()
        .unwrap()
        .create_session(&CreateSessionRequest::new())
        .unwrap_err();
    let Error::Gateway(g) = err else { panic!("{err}") };
    assert_eq!(g.http_status, 404);
    assert_eq!(g.explanation.as_deref(), Some("Unsupported value for 'version = 999'"));
}

#[test]
fn a_newer_api_version_is_used_in_the_path() {
    let s = sandbox_with(|_| {});
    let session = builder(&s)
        .session_api_version(100)
        .build()
        .unwrap()
        .create_session(&CreateSessionRequest::new())
        .unwrap();
    assert_eq!(session.meta.api_version, 100);
}

#[test]
fn server_busy_past_the_retries_is_a_gateway_error() {
    let s = sandbox_with(|c| c.faults = vec![(Fault::Busy { retry_after: 0 }, 5)]);
    let err =
        builder(&s).max_retries(1).build().unwrap().create_session(&CreateSessionRequest::new()).unwrap_err();
    let Error::Gateway(g) = err else { panic!("{err}") };
    assert_eq!((g.http_status, g.attempts), (503, 2));
}

#[test]
fn retry_after_is_honoured_before_the_retry() {
    let s = sandbox_with(|c| c.faults = vec![(Fault::Busy { retry_after: 1 }, 1)]);
    let start = Instant::now();
    let session = client(&s).create_session(&CreateSessionRequest::new()).unwrap();
    assert!(start.elapsed() >= Duration::from_secs(1), "{:?}", start.elapsed());
    assert_eq!(session.meta.attempts, 2);
}

#[test]
fn a_retry_that_would_overrun_the_timeout_is_not_made() {
    let s = sandbox_with(|c| c.faults = vec![(Fault::Busy { retry_after: 30 }, 1)]);
    let start = Instant::now();
    let err = builder(&s)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
        .create_session(&CreateSessionRequest::new())
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(err.http_status(), Some(503));
}

#[test]
fn details_come_from_the_request_then_the_session_then_an_existing_token() {
    let s = sandbox_with(|c| c.token_management = TokenManagement::UniqueToken);
    let c = client(&s);
    let masked = |t: &mpgs::Token| t.card.as_ref().unwrap().number.as_ref().unwrap().expose().to_owned();
    // A token for card A.
    let a = c.create_token(&card_request()).unwrap().token.clone().unwrap();
    let from_token = c.create_token(&CreateTokenRequest::card(CardDetails::default()).token(&a)).unwrap();
    assert_eq!(masked(&from_token), "512345xxxxxx0008");
    // A session holding card B beats the token.
    let id = c.create_session(&CreateSessionRequest::new()).unwrap().id.clone().unwrap();
    put_card(&s, &id, &json!({"sourceOfFunds": {"provided": {"card": {"number": "4508750015741019"}}}}));
    let req = CreateTokenRequest::from_session(&id).token(&a);
    assert_eq!(masked(&c.create_token(&req).unwrap()), "450875xxxxxx1019");
    // Card C in the request beats both.
    let mut req = CreateTokenRequest::card(CardDetails::new("4005555555000009")).token(&a);
    req.session = Some(mpgs::SessionRef { id: id.clone(), version: None });
    assert_eq!(masked(&c.create_token(&req).unwrap()), "400555xxxxxx0009");
}

#[test]
fn an_authentication_limit_written_as_a_whole_float_is_sent_as_an_integer() {
    let s = common::sandbox();
    let c = common::client(&s);
    let session =
        c.create_session_json(serde_json::json!({"session": {"authenticationLimit": 7.0}})).unwrap();
    assert_eq!(session.authentication_limit, Some(7));
    let e = c.create_session_json(serde_json::json!({"session": {"authenticationLimit": 7.5}})).unwrap_err();
    assert_eq!(e.kind(), mpgs::ErrorKind::Validation, "refused before sending: {e}");
    assert_eq!(e.field_errors()[0].field, "session.authenticationLimit");
}
