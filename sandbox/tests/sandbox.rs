//! The sandbox's own behaviour, apart from the client's: its answers to malformed bodies and to
//! merchants it does not authenticate, the acquirer test-card table, stored sessions, and the
//! admin endpoint.

use mpgs::{CardDetails, CreateSessionRequest, CreateTokenRequest, GatewayCode, VerificationStrategy};
use serde_json::json;

mod common;
use common::{client, put_card, raw, raw_text, sandbox_with, CARD};

#[test]
fn acquirer_verification_follows_the_test_card_expiry_table() {
    let s = sandbox_with(|_| {});
    let c = client(&s);
    for (month, year, code) in [
        ("1", "39", GatewayCode::ExternalVerificationSuccessful),
        ("5", "39", GatewayCode::ExternalVerificationDeclined),
        ("4", "27", GatewayCode::ExternalVerificationDeclinedExpiredCard),
    ] {
        let req = CreateTokenRequest::card(CardDetails::new(CARD).expiry(month, year))
            .verification_strategy(VerificationStrategy::Acquirer);
        let t = c.create_token(&req).unwrap();
        assert_eq!(t.gateway_code, Some(code.clone()), "{month}/{year}");
        assert_eq!(t.token.is_some(), code == GatewayCode::ExternalVerificationSuccessful);
    }
}

#[test]
fn a_test_merchants_credentials_with_the_live_merchant_id_are_refused_as_another_merchant() {
    // The client sends `merchant.<id>` with the id of the URL: a TEST/live mix-up reaches the
    // gateway as the live id with the TEST merchant's password, and the other way round.
    let s = sandbox_with(|c| c.merchants.push(("LIVESHOP".into(), "live-pw".into())));
    for (id, password) in [("MERCHANT", "sandbox-password"), ("TESTLIVESHOP", "live-pw")] {
        let c = mpgs::Client::builder(id)
            .password(password)
            .base_url(s.url())
            .add_ca_file(s.tls().unwrap().ca_path());
        let e = c.build().unwrap().create_session(&CreateSessionRequest::new()).unwrap_err();
        assert_eq!(e.http_status(), Some(400), "{id}: {e}");
        assert!(e.to_string().contains("not authorised to perform operation for target entity"), "{id}: {e}");
    }
    // A wrong password for the twin is still a 401.
    let c = mpgs::Client::builder("MERCHANT")
        .password("wrong")
        .base_url(s.url())
        .add_ca_file(s.tls().unwrap().ca_path());
    let e = c.build().unwrap().create_session(&CreateSessionRequest::new()).unwrap_err();
    assert_eq!(e.http_status(), Some(401), "{e}");
}

#[test]
fn a_merchant_other_than_the_authenticated_one_is_refused() {
    let s = sandbox_with(|c| c.merchants.push(("OTHER".into(), "pw".into())));
    let (status, answer) = raw(&s, "POST", "/api/rest/version/58/merchant/OTHER/session", &json!({}));
    assert_eq!(status, 400);
    assert_eq!(
        answer["error"]["explanation"],
        "Authenticated entity not authorised to perform operation for target entity"
    );
    assert_eq!(answer["result"], "ERROR");
}

#[test]
fn the_sandbox_answers_malformed_bodies_like_the_gateway() {
    let s = sandbox_with(|_| {});
    let (status, answer) = raw(
        &s,
        "POST",
        "/api/rest/version/38/merchant/TESTMERCHANT/token",
        &json!({"sourceOfFunds": {"type": 7}}),
    );
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["field"], "sourceOfFunds.type");
    assert_eq!(answer["error"]["validationType"], "INVALID");
    assert_eq!(answer["error"]["cause"], "INVALID_REQUEST");
    let (status, answer) = raw(
        &s,
        "POST",
        "/api/rest/version/58/merchant/TESTMERCHANT/session",
        &json!({"session": {"authenticationLimit": 26}}),
    );
    assert_eq!((status, answer["error"]["field"].as_str()), (400, Some("session.authenticationLimit")));
    let (status, answer) = raw(&s, "POST", "/api/rest/version/38/merchant/TESTMERCHANT/token", &json!({}));
    assert_eq!((status, answer["error"]["validationType"].as_str()), (400, Some("MISSING")));
}

#[test]
fn malformed_json_is_a_400_in_the_gateways_shape() {
    let s = sandbox_with(|_| {});
    let (status, answer) =
        raw_text(&s, "POST", "/api/rest/version/38/merchant/TESTMERCHANT/token", "{\"sourceOfFunds\": ", &[]);
    assert_eq!(
        (status, answer["error"]["cause"].as_str(), answer["result"].as_str()),
        (400, Some("INVALID_REQUEST"), Some("ERROR"))
    );
}

#[test]
fn a_session_can_be_retrieved_with_its_card_masked() {
    let s = sandbox_with(|_| {});
    let id = client(&s).create_session(&CreateSessionRequest::new()).unwrap().id.clone().unwrap();
    put_card(
        &s,
        &id,
        &json!({"sourceOfFunds": {"provided": {"card": {"number": CARD, "securityCode": "100"}}}}),
    );
    let (status, answer) =
        raw(&s, "GET", &format!("/api/rest/version/58/merchant/TESTMERCHANT/session/{id}"), &json!(null));
    assert_eq!(status, 200);
    assert_eq!(answer["sourceOfFunds"]["provided"]["card"]["number"], "512345xxxxxx0008");
    assert_eq!(answer["sourceOfFunds"]["provided"]["card"]["securityCode"], "xxx");
    assert_eq!(answer["session"]["updateStatus"], "SUCCESS");
}

#[test]
fn faults_can_be_queued_by_the_admin_endpoint_and_asked_for_per_request() {
    let s = sandbox_with(|_| {});
    let (status, answer) = raw(&s, "POST", "/_sandbox/faults", &json!({"fault": "busy", "count": 2}));
    assert_eq!((status, answer["pending"].as_u64()), (200, Some(2)));
    let (status, _) = raw(&s, "POST", "/api/rest/version/58/merchant/TESTMERCHANT/session", &json!({}));
    assert_eq!(status, 503);
    raw(&s, "DELETE", "/_sandbox/faults", &json!(null));
    assert_eq!(s.faults().pending(), 0);
    let (status, answer) = raw_text(
        &s,
        "POST",
        "/api/rest/version/58/merchant/TESTMERCHANT/session",
        "{}",
        &[("X-Sandbox-Fault", "busy=3")],
    );
    assert_eq!((status, answer["error"]["cause"].as_str()), (503, Some("SERVER_BUSY")));
}
