//! The sandbox answers like the spec's answer sections (`sandbox/src/answers.rs`), and the client
//! leaves to it what only the merged request > session > token can tell. Real TLS on 127.0.0.1.

use mpgs::{
    AchDetails, CardDetails, Client, CreateSessionRequest, CreateTokenRequest, Error, GiftCardBrand,
    GiftCardDetails, GiftCardScheme, SecCode, TokenStatus, VerificationStrategy,
};
use mpgs_sandbox::answers::{check_answer, ERROR_ANSWER, SESSION_ANSWER, TOKEN_ANSWER};
use mpgs_sandbox::Sandbox;
use serde_json::{json, Value};

mod common;
use common::{client, put_card, raw, sandbox, CARD};

const TOKEN_PATH: &str = "/api/rest/version/38/merchant/TESTMERCHANT/token";

fn session_with(s: &Sandbox, c: &Client, stored: Value) -> String {
    let id = c.create_session(&CreateSessionRequest::new()).unwrap().id.clone().unwrap();
    put_card(s, &id, &stored);
    id
}

fn gateway_error(e: Error) -> Box<mpgs::GatewayError> {
    match e {
        Error::Gateway(g) => g,
        other => panic!("not a gateway error: {other}"),
    }
}

#[test]
fn every_token_answer_holds_exactly_the_documented_fields() {
    let s = sandbox();
    let c = client(&s);
    let card = |m: &str, y: &str| CardDetails::new(CARD).expiry(m, y).security_code("123");
    let requests = [
        CreateTokenRequest::card(card("5", "30")),
        CreateTokenRequest::card(card("5", "30")).verification_strategy(VerificationStrategy::Basic),
        CreateTokenRequest::card(card("1", "39")).verification_strategy(VerificationStrategy::Acquirer),
        // Declined: result FAILURE, no token, but a status all the same ("Always Provided").
        CreateTokenRequest::card(card("5", "39")).verification_strategy(VerificationStrategy::Acquirer),
        CreateTokenRequest::ach(
            AchDetails::new("011000015", "1234567890").sec_code(SecCode::Web).holder("A B"),
        ),
        CreateTokenRequest::gift_card(GiftCardDetails::new("6000000000000004").pin("1234")),
    ];
    for req in requests.iter() {
        let t = c.create_token(&req.clone().correlation_id("c-1")).unwrap();
        let answer = t.raw.to_value();
        assert_eq!(check_answer(&answer, TOKEN_ANSWER), Vec::<String>::new(), "{answer}");
        assert!(t.status.is_some(), "{answer}");
        assert!(!answer.to_string().contains("securityCode"), "{answer}");
    }
    let declined = c.create_token(&requests[3]).unwrap();
    assert_eq!((declined.status, declined.token), (Some(TokenStatus::Invalid), None));
    // A stored card always comes back with its expiry, as MMYY.
    let t = c.create_token(&requests[0]).unwrap();
    assert_eq!(t.card.unwrap().expiry.as_deref(), Some("0530"));
    // Gift cards: the spec's only brand and scheme.
    let g = c.create_token(&requests[5]).unwrap().gift_card.unwrap();
    assert_eq!((g.brand, g.scheme), (Some(GiftCardBrand::LocalBrandOnly), Some(GiftCardScheme::Other)));
}

#[test]
fn session_and_error_answers_hold_exactly_the_documented_fields() {
    let s = sandbox();
    let answer =
        client(&s).create_session(&CreateSessionRequest::new().correlation_id("x")).unwrap().raw.to_value();
    assert_eq!(check_answer(&answer, SESSION_ANSWER), Vec::<String>::new(), "{answer}");
    for body in [json!({}), json!({"sourceOfFunds": {"type": "CARD"}, "nickname": 1})] {
        let (status, answer) = raw(&s, "POST", TOKEN_PATH, &body);
        assert_eq!(status, 400);
        assert_eq!(check_answer(&answer, ERROR_ANSWER), Vec::<String>::new(), "{answer}");
        assert_eq!(answer["result"], "ERROR");
    }
}

#[test]
fn ach_answers_mask_the_account_number_and_carry_no_type() {
    let s = sandbox();
    let t = client(&s)
        .create_token(&CreateTokenRequest::ach(
            AchDetails::new("011000015", "1234567890").sec_code(SecCode::Ppd),
        ))
        .unwrap();
    // What the sandbox sent (the client's default view masks the number further).
    let answer = t.raw.verbatim().clone();
    // The answer's sourceOfFunds.type lists CARD and GIFT_CARD only.
    assert_eq!(answer["sourceOfFunds"].get("type"), None, "{answer}");
    // Documented deviation: masked with `x` like a card number, 9-17 characters.
    let masked = answer["sourceOfFunds"]["provided"]["ach"]["bankAccountNumber"].as_str().unwrap();
    assert_eq!(masked, "xxxxxx7890");
    assert!(!answer.to_string().contains("1234567890"));
    // Without the type of ACH payment, after merging the session's details, the sandbox refuses it.
    let c = client(&s);
    let id = session_with(
        &s,
        &c,
        json!({"sourceOfFunds": {"provided": {"ach": {"bankAccountNumber": "1234567890", "routingNumber": "011000015"}}}}),
    );
    let req = CreateTokenRequest::from_session(&id).source_type(mpgs::SourceOfFundsType::Ach);
    let g = gateway_error(c.create_token(&req).unwrap_err());
    assert_eq!(g.field.as_deref(), Some("sourceOfFunds.provided.ach.secCode"));
    assert_eq!(g.validation_type, Some(mpgs::ValidationType::Missing));
}

#[test]
fn a_security_code_alone_is_completed_by_the_session_and_verified() {
    let s = sandbox();
    let c = client(&s);
    let id = session_with(
        &s,
        &c,
        json!({"sourceOfFunds": {"provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}}}}}),
    );
    for strategy in [VerificationStrategy::Basic, VerificationStrategy::Acquirer] {
        let req = CreateTokenRequest::card(CardDetails::default().security_code("123"))
            .session(&id, None::<String>)
            .verification_strategy(strategy);
        let t = c.create_token(&req).unwrap();
        assert_eq!(t.card.as_ref().unwrap().expiry.as_deref(), Some("0530"));
    }
    // An expiry month from the request, the year from the session.
    let id = session_with(
        &s,
        &c,
        json!({"sourceOfFunds": {"provided": {"card": {"number": CARD, "expiry": {"month": "1", "year": "31"}}}}}),
    );
    let mut body =
        CreateTokenRequest::from_session(&id).verification_strategy(VerificationStrategy::Basic).to_json();
    body["sourceOfFunds"]["provided"] = json!({"card": {"expiry": {"month": "7"}}});
    let t = c.create_token_json(body).unwrap();
    assert_eq!(t.card.unwrap().expiry.as_deref(), Some("0731"));
}

#[test]
fn what_no_source_completes_is_refused_by_the_gateway_not_the_client() {
    let s = sandbox();
    let c = client(&s);
    // The session holds only a number: with BASIC, the merged details lack an expiry.
    let id = session_with(&s, &c, json!({"sourceOfFunds": {"provided": {"card": {"number": CARD}}}}));
    let req = CreateTokenRequest::from_session(&id).verification_strategy(VerificationStrategy::Basic);
    let g = gateway_error(c.create_token(&req).unwrap_err());
    assert_eq!(g.http_status, 400);
    assert_eq!(g.field.as_deref(), Some("sourceOfFunds.provided.card.expiry"));
    assert_eq!(g.validation_type, Some(mpgs::ValidationType::Missing));
    // A card is stored with its expiry, whatever the verification strategy.
    let g = gateway_error(c.create_token(&CreateTokenRequest::card(CardDetails::new(CARD))).unwrap_err());
    assert_eq!(g.field.as_deref(), Some("sourceOfFunds.provided.card.expiry"));
    // session.version with no session.id: the client lets the gateway judge it.
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD,
                      "expiry": {"month": "5", "year": "30"}}}}, "session": {"version": "0123456789"}});
    assert!(mpgs::validate(mpgs::Operation::CreateToken, &body).is_ok());
    let g = gateway_error(c.create_token_json(body).unwrap_err());
    assert_eq!(g.field.as_deref(), Some("session.version"));
    assert_eq!(g.validation_type, Some(mpgs::ValidationType::Invalid));
}

#[test]
fn a_detail_group_of_another_type_is_refused_on_the_group() {
    let s = sandbox();
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {
        "card": {"number": CARD, "expiry": {"month": "5", "year": "30"}},
        "giftCard": {"number": "6000000000000004"}}}});
    let (status, answer) = raw(&s, "POST", TOKEN_PATH, &body);
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["field"], "sourceOfFunds.provided.giftCard");
    assert_eq!(answer["error"]["validationType"], "UNSUPPORTED");
    let err = client(&s).create_token_json(body).unwrap_err();
    assert_eq!(err.field_errors()[0].field, "sourceOfFunds.provided.giftCard");
}

#[test]
fn a_dotted_key_inside_a_group_goes_out_nested() {
    let s = sandbox();
    let t = client(&s)
        .create_token_json(json!({"sourceOfFunds": {"type": "CARD",
            "provided.card": {"number": CARD, "expiry.month": "5", "expiry.year": "30"}}}))
        .unwrap();
    assert_eq!(t.card.unwrap().expiry.as_deref(), Some("0530"));
    // A session stores dotted names in the nested shape, too.
    let c = client(&s);
    let id = session_with(
        &s,
        &c,
        json!({"sourceOfFunds": {"provided.card": {"number": CARD, "expiry.month": "6", "expiry.year": "31"}}}),
    );
    let t = c.create_token(&CreateTokenRequest::from_session(&id)).unwrap();
    assert_eq!(t.card.unwrap().expiry.as_deref(), Some("0631"));
}

#[test]
fn error_field_and_explanation_keep_to_the_spec_caps() {
    let s = sandbox();
    let long_key = "k".repeat(300);
    let (status, answer) =
        raw(&s, "POST", TOKEN_PATH, &json!({"sourceOfFunds": {"type": "CARD"}, long_key: 1}));
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["field"].as_str().unwrap().chars().count(), 100);
    assert!(answer["error"]["explanation"].as_str().unwrap().chars().count() <= 1000);
    let version = "9".repeat(3000);
    let (status, answer) =
        raw(&s, "POST", &format!("/api/rest/version/{version}/merchant/TESTMERCHANT/session"), &json!({}));
    assert_eq!(status, 404);
    assert_eq!(answer["error"]["explanation"].as_str().unwrap().chars().count(), 1000);
}
