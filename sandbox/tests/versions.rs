//! Issue 17: API versions other than the documented ones (Create Session 58, Create or Update
//! Token 38). The client at a newer version sends what that version's gateway may accept; the
//! documented tables stay the law at the documented versions; `validation_level` forces either
//! behaviour at either version. Real TLS on 127.0.0.1 against the sandbox.

use mpgs::{Client, Error, ErrorKind, SourceOfFundsType, TokenStatus, ValidationLevel, ValidationType};
use mpgs_sandbox::Sandbox;
use serde_json::{json, Value};

mod common;
use common::{raw, sandbox, CARD};

const NAME_ON_CARD: &str = "sourceOfFunds.provided.card.nameOnCard";

fn client(s: &Sandbox, token_version: u32, level: Option<ValidationLevel>) -> Client {
    let mut b = common::builder(s).token_api_version(token_version);
    if let Some(level) = level {
        b = b.validation_level(level);
    }
    b.build().expect("client builds")
}

/// A card with `nameOnCard` (a field of newer versions, not of v38) and `sourceOfFunds.type`
/// `SCHEME_TOKEN` (a value newer versions added to an enumeration v38 lists as ACH, CARD,
/// GIFT_CARD).
fn newer_body() -> Value {
    json!({"sourceOfFunds": {"type": "SCHEME_TOKEN", "provided": {"card": {
        "number": CARD, "nameOnCard": "A Customer", "expiry": {"month": "5", "year": "30"}}}}})
}

fn token_posts(s: &Sandbox) -> Vec<String> {
    s.seen_requests().into_iter().filter(|r| r.path.ends_with("/token")).map(|r| r.path).collect()
}

/// The client refused the body before sending it: the field errors, as (field, type, explanation).
fn refused(e: Error) -> Vec<(String, ValidationType, String)> {
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    e.field_errors()
        .iter()
        .map(|f| (f.field.clone(), f.validation_type.clone(), f.explanation.clone()))
        .collect()
}

#[test]
fn at_version_70_a_card_with_name_on_card_and_a_newer_type_gets_a_token() {
    let s = sandbox();
    let t = client(&s, 70, None).create_token_json(newer_body()).expect("a token at v70");
    assert_eq!(token_posts(&s), ["/api/rest/version/70/merchant/TESTMERCHANT/token"]);
    assert!(t.token.as_deref().is_some_and(|t| t.len() == 16), "{:?}", t.token);
    assert_eq!(t.status, Some(TokenStatus::Valid));
    assert_eq!(t.meta.api_version, 70);
    // The answer side stays lenient: a field the client's model does not know is kept, and a
    // value its enumeration does not know is kept as given.
    assert_eq!(t.get(NAME_ON_CARD), Some(&json!("A Customer")));
    assert_eq!(t.source_of_funds_type, Some(SourceOfFundsType::Unrecognized("SCHEME_TOKEN".into())));
    assert_eq!(t.card.as_ref().and_then(|c| c.number.as_ref()).map(|n| n.expose()), Some("512345xxxxxx0008"));
}

#[test]
fn at_version_38_the_same_body_is_refused_before_sending_naming_v38() {
    let s = sandbox();
    let errs = refused(client(&s, 38, None).create_token_json(newer_body()).unwrap_err());
    assert!(
        errs.iter().any(|(f, vt, why)| f == NAME_ON_CARD
            && *vt == ValidationType::Unsupported
            && why == "is not a request field of Create or Update Token (v38)"),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|(f, vt, why)| f == "sourceOfFunds.type"
            && *vt == ValidationType::Invalid
            && why.contains("SCHEME_TOKEN")),
        "{errs:?}"
    );
    assert!(token_posts(&s).is_empty(), "nothing was sent");
}

#[test]
fn strict_at_version_70_refuses_naming_v70() {
    let s = sandbox();
    let errs =
        refused(client(&s, 70, Some(ValidationLevel::Strict)).create_token_json(newer_body()).unwrap_err());
    assert!(
        errs.iter().any(|(f, vt, why)| f == NAME_ON_CARD
            && *vt == ValidationType::Unsupported
            && why == "is not a request field of Create or Update Token (v70)"),
        "{errs:?}"
    );
    assert!(token_posts(&s).is_empty(), "nothing was sent");
}

#[test]
fn known_fields_or_off_at_version_38_send_it_and_the_sandbox_answers_as_the_gateway_would() {
    for level in [ValidationLevel::KnownFields, ValidationLevel::Off] {
        let s = sandbox();
        let err = client(&s, 38, Some(level)).create_token_json(newer_body()).unwrap_err();
        assert_eq!(token_posts(&s), ["/api/rest/version/38/merchant/TESTMERCHANT/token"], "{level:?}");
        let Error::Gateway(g) = err else { panic!("{level:?}: {err}") };
        assert_eq!(g.http_status, 400, "{level:?}");
        let field = g.field.as_deref().unwrap_or_default();
        assert!(
            (field == NAME_ON_CARD && g.validation_type == Some(ValidationType::Unsupported))
                || (field == "sourceOfFunds.type" && g.validation_type == Some(ValidationType::Invalid)),
            "{level:?}: {g:?}"
        );
    }
}

#[test]
fn off_and_known_fields_at_version_70_get_a_token_too() {
    for level in [ValidationLevel::KnownFields, ValidationLevel::Off, ValidationLevel::Auto] {
        let s = sandbox();
        let t = client(&s, 70, Some(level)).create_token_json(newer_body()).expect("a token");
        assert!(t.token.is_some(), "{level:?}");
    }
}

#[test]
fn known_fields_still_checks_json_types_and_the_compulsory_type_at_version_70() {
    let s = sandbox();
    let c = client(&s, 70, None);
    let errs = refused(c.create_token_json(json!({"sourceOfFunds": {"type": 7}})).unwrap_err());
    assert_eq!(errs.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["sourceOfFunds.type"]);
    let errs = refused(
        c.create_token_json(json!({"sourceOfFunds": {"provided": {"card": {"number": CARD}}}})).unwrap_err(),
    );
    assert_eq!(
        errs.iter().map(|e| (e.0.as_str(), e.1.clone())).collect::<Vec<_>>(),
        [("sourceOfFunds.type", ValidationType::Missing)]
    );
    // A secret of a known field is never quoted, at any level.
    let errs = refused(
        c.create_token_json(
            json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": 5123}}}}),
        )
        .unwrap_err(),
    );
    assert_eq!(errs[0].0, "sourceOfFunds.provided.card.number");
    assert!(!errs[0].2.contains("5123"), "{errs:?}");
    assert!(token_posts(&s).is_empty(), "nothing was sent");
}

#[test]
fn the_session_version_decides_for_create_session() {
    let s = sandbox();
    let body = json!({"session": {"authenticationLimit": 5, "newerSetting": "on"}});
    let at = |v: u32| {
        Client::builder("TESTMERCHANT")
            .password("sandbox-password")
            .base_url(s.url())
            .add_ca_file(s.tls().unwrap().ca_path())
            .session_api_version(v)
            .build()
            .unwrap()
    };
    let errs = refused(at(58).create_session_json(body.clone()).unwrap_err());
    assert_eq!(errs[0].0, "session.newerSetting");
    assert!(errs[0].2.ends_with("of Create Session (v58)"), "{errs:?}");
    let session = at(70).create_session_json(body).expect("a session at v70");
    assert_eq!(session.meta.api_version, 70);
    assert_eq!(session.authentication_limit, Some(5));
    // The token version does not decide for sessions: Create Session stays at its own 58.
    let errs = refused(
        client(&s, 70, None).create_session_json(json!({"session": {"newerSetting": "on"}})).unwrap_err(),
    );
    assert!(errs[0].2.ends_with("(v58)"), "{errs:?}");
}

#[test]
fn the_sandbox_stores_a_card_field_its_table_does_not_know_and_judges_known_ones_at_58_only() {
    let s = sandbox();
    let id = client(&s, 70, None).create_session_json(json!({})).unwrap().id.unwrap();
    // Update Session's table is partial (a session holds hundreds of fields): a field it does not
    // know passes at every version, as the client's `mpgs::rules::update_session` says.
    let card = json!({"sourceOfFunds": {"provided": {"card": {"number": CARD, "nameOnCard": "A Customer"}}}});
    for v in [58, 70] {
        let (status, answer) =
            raw(&s, "PUT", &format!("/api/rest/version/{v}/merchant/TESTMERCHANT/session/{id}"), &card);
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["sourceOfFunds"]["provided"]["card"]["nameOnCard"], "A Customer");
    }
    // A known field's value: judged in full at 58 (v38 token rules), by JSON type only at 70.
    let long_code = json!({"sourceOfFunds": {"provided": {"card": {"securityCode": "12345"}}}});
    let (status, answer) =
        raw(&s, "PUT", &format!("/api/rest/version/58/merchant/TESTMERCHANT/session/{id}"), &long_code);
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["field"], "sourceOfFunds.provided.card.securityCode");
    let (status, answer) =
        raw(&s, "PUT", &format!("/api/rest/version/70/merchant/TESTMERCHANT/session/{id}"), &long_code);
    assert_eq!(status, 200, "{answer}");
}

#[test]
fn at_version_70_lengths_characters_and_cross_field_rules_are_left_to_the_gateway() {
    let s = sandbox();
    let c = client(&s, 70, None);
    // A 5-digit security code (v38: 3-4 digits) and a lower-case currency (v38: A-Z): sent.
    let t = c
        .create_token_json(json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {
            "number": CARD, "securityCode": "12345", "expiry": {"month": "5", "year": "30"}}}},
            "transaction": {"currency": "usd"}}))
        .expect("a token at v70");
    assert!(t.token.is_some());
    // CARD with no card details (v38 prose: the request must hold them): the gateway judges.
    let err = c.create_token_json(json!({"sourceOfFunds": {"type": "CARD"}})).unwrap_err();
    let Error::Gateway(g) = err else { panic!("{err}") };
    assert_eq!(g.field.as_deref(), Some("sourceOfFunds.provided.card.number"));
    assert_eq!(token_posts(&s).len(), 2, "both were sent");
    // The same two at v38 are refused before sending.
    let c38 = client(&s, 38, None);
    let errs = refused(
        c38.create_token_json(json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {
            "number": CARD, "securityCode": "12345", "expiry": {"month": "5", "year": "30"}}}},
            "transaction": {"currency": "usd"}}))
            .unwrap_err(),
    );
    assert_eq!(errs.len(), 2, "{errs:?}");
    let errs = refused(c38.create_token_json(json!({"sourceOfFunds": {"type": "CARD"}})).unwrap_err());
    assert_eq!(errs[0].0, "sourceOfFunds.provided.card", "{errs:?}");
    assert_eq!(token_posts(&s).len(), 2, "nothing more was sent");
}
