//! The calls around Create Session and Create or Update Token (issue #21): Retrieve and Update
//! Session, Retrieve and Delete Token, Check Gateway, through the client against the sandbox.

mod common;

use common::{builder, client, sandbox, CARD};
use mpgs::{
    CardDetails, CreateTokenRequest, Error, ErrorKind, GatewayStatus, NotReady, OperationResult, Stage,
    UpdateSessionRequest, UpdateStatus, ValidationLevel, ValidationType,
};
use mpgs_sandbox::{Fault, Sandbox};
use serde_json::json;

fn requests(s: &Sandbox) -> usize {
    s.seen_requests().len()
}

/// The payment page's part, through the client: a card into the session.
fn card_update() -> UpdateSessionRequest {
    UpdateSessionRequest::new().card(CardDetails::new(CARD).expiry("5", "30").security_code("100"))
}

#[test]
fn the_hosted_session_flow_runs_end_to_end() {
    let s = sandbox();
    let c = client(&s);
    let created = c.create_session_json(json!({})).unwrap();
    let id = created.id.clone().unwrap();
    let updated = c.update_session(&id, &card_update()).unwrap();
    assert_eq!(updated.update_status, Some(UpdateStatus::Success));
    assert_eq!(updated.meta.api_version, 58);
    let page_version = updated.version.clone().unwrap();

    let retrieved = c.retrieve_session(&id).unwrap();
    assert_eq!(retrieved.id.as_deref(), Some(id.as_str()));
    assert_eq!(retrieved.ready_for_token(Some(&page_version)), Ok(()));
    assert_eq!(retrieved.ready_for_token(None), Ok(()));
    assert_eq!(retrieved.get("sourceOfFunds.provided.card.number"), Some(&json!("512345xxxxxx0008")));

    let token = c.create_token(&CreateTokenRequest::from_session(&id)).unwrap();
    let t = token.token.clone().unwrap();
    let again = c.retrieve_token(&t).unwrap();
    assert_eq!(again.token.as_deref(), Some(t.as_str()));
    assert_eq!(again.meta.api_version, 38);
    let card = again.card.as_ref().unwrap();
    assert_eq!(card.number.as_ref().unwrap().masked(), "512345xxxxxx0008");
    assert_eq!(card.expiry.as_deref(), Some("0530"));

    let deleted = c.delete_token(&t).unwrap();
    assert_eq!(deleted.result, Some(OperationResult::Success));
    assert_eq!((deleted.meta.api_version, deleted.meta.attempts), (38, 1));

    // Deleted: unknown from now on, a 400 INVALID_REQUEST naming the token.
    for e in [c.retrieve_token(&t).unwrap_err(), c.delete_token(&t).unwrap_err()] {
        let Error::Gateway(g) = &e else { panic!("{e}") };
        assert_eq!(g.http_status, 400);
        assert!(g.explanation.as_deref().unwrap_or_default().contains("Token '"), "{e}");
        assert_eq!((e.stage(), e.outcome_unknown(), e.attempts()), (Stage::Answered, false, 1));
    }
}

#[test]
fn a_session_is_ready_for_a_token_only_when_updated_with_a_card_at_the_version_the_page_saw() {
    let s = sandbox();
    let c = client(&s);
    let id = c.create_session_json(json!({})).unwrap().id.unwrap();
    let fresh = c.retrieve_session(&id).unwrap();
    assert_eq!(fresh.ready_for_token(None), Err(NotReady::UpdateStatus(Some(UpdateStatus::NoUpdate))));

    let order_only =
        c.update_session_json(&id, json!({"order.currency": "USD", "order.amount": "10.00"})).unwrap();
    assert_eq!(order_only.update_status, Some(UpdateStatus::Success));
    let no_card = c.retrieve_session(&id).unwrap();
    assert_eq!(no_card.ready_for_token(None), Err(NotReady::NoCardDetails));
    assert_eq!(no_card.get("order.currency"), Some(&json!("USD")), "other fields are stored as sent");

    let page = c.update_session(&id, &card_update()).unwrap().version.unwrap();
    // The server's own update after the page's changes the version: the guard catches it.
    c.update_session_json(&id, json!({"customer": {"email": "a@example.com"}})).unwrap();
    let now = c.retrieve_session(&id).unwrap();
    let e = now.ready_for_token(Some(&page)).unwrap_err();
    assert_eq!(e.code(), "version_differs");
    assert!(e.to_string().contains(&page), "{e}");
}

#[test]
fn bad_ids_are_refused_before_anything_is_sent() {
    let s = sandbox();
    let c = client(&s);
    let session_like = "SESSION0002695081404E6099215K60";
    let bad_sessions = [
        ("", ValidationType::Missing),
        ("SESSION0002695081404E6099215K6", ValidationType::Invalid), // 30 characters
        ("SESSION0002695081404E6099215K60/../../token", ValidationType::Invalid),
        ("SESSION0002695081404E6099215K60/x", ValidationType::Invalid),
        ("SESSION00026950814..E6099215K60", ValidationType::Invalid),
        ("SESSION0002695081404E609%2fK60aa", ValidationType::Invalid),
        ("SESSION0002695081404E6099215K6?a", ValidationType::Invalid),
        ("SESSION0002695081404E6099215K6#a", ValidationType::Invalid),
        ("SESSION0002695081404E6099215K6 a", ValidationType::Invalid),
        ("SESSION0002695081404E6099215K6\n\r", ValidationType::Invalid),
        ("SESSION0002695081404E6099215K6\\a", ValidationType::Invalid),
        ("SESSION0002695081404E6099215K6é", ValidationType::Invalid),
    ];
    let bad_tokens = [
        ("", ValidationType::Missing),
        ("9123/456", ValidationType::Invalid),
        ("..", ValidationType::Invalid),
        ("9123%2F456", ValidationType::Invalid),
        ("9123?x=1", ValidationType::Invalid),
        ("9123#x", ValidationType::Invalid),
        ("9123 456", ValidationType::Invalid),
        ("9123\t", ValidationType::Invalid),
        ("9123-456", ValidationType::Invalid),
        (&"9".repeat(41), ValidationType::Invalid),
    ];
    let before = requests(&s);
    let check = |e: Error, field: &str, vt: &ValidationType, what: &str| {
        assert_eq!(e.kind(), ErrorKind::Validation, "{what:?}: {e}");
        assert_eq!((e.stage(), e.attempts(), e.outcome_unknown()), (Stage::NotSent, 0, false));
        let f = &e.field_errors()[0];
        assert_eq!((f.field.as_str(), &f.validation_type), (field, vt), "{what:?}: {e}");
    };
    for (id, vt) in &bad_sessions {
        check(c.retrieve_session(id).unwrap_err(), "sessionId", vt, id);
        check(c.update_session_json(id, json!({"order.currency": "USD"})).unwrap_err(), "sessionId", vt, id);
    }
    for (id, vt) in &bad_tokens {
        check(c.retrieve_token(id).unwrap_err(), "tokenid", vt, id);
        check(c.delete_token(id).unwrap_err(), "tokenid", vt, id);
    }
    assert_eq!(requests(&s), before, "nothing was sent");
    // A well-formed id goes out as it is: an unknown one is the gateway's to refuse.
    let e = c.retrieve_session(session_like).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Gateway, "{e}");
    let seen = s.seen_requests();
    let last = seen.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("GET", "/api/rest/version/58/merchant/TESTMERCHANT/session/SESSION0002695081404E6099215K60")
    );
}

#[test]
fn check_gateway_sends_no_credentials_and_reads_the_status() {
    let s = sandbox();
    let c = client(&s);
    let info = c.check_gateway().unwrap();
    assert_eq!(info.status, Some(GatewayStatus::Operating));
    assert!(info.is_operating());
    assert_eq!(info.gateway_version.as_deref(), Some(mpgs_sandbox::GATEWAY_VERSION));
    let seen = s.seen_requests();
    let last = seen.last().unwrap();
    assert_eq!((last.method.as_str(), last.path.as_str()), ("GET", "/api/rest/version/58/information"));
    assert!(
        !last.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")),
        "no Authorization header: {:?}",
        last.headers.iter().map(|(k, _)| k).collect::<Vec<_>>()
    );
    assert!(!last.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")), "no body");
    // Even with a password the gateway would refuse, Check Gateway answers: it takes none.
    let wrong = builder(&s).password("not-the-password").build().unwrap();
    assert!(wrong.check_gateway().unwrap().is_operating());
    assert_eq!(wrong.retrieve_token("9123").unwrap_err().kind(), ErrorKind::Authentication);

    s.faults().push(Fault::Shutdown, 1);
    let down = c.check_gateway().unwrap();
    assert_eq!(down.status, Some(GatewayStatus::Shutdown));
    assert!(!down.is_operating());
}

#[test]
fn session_calls_use_the_session_version_and_token_calls_the_token_version() {
    let s = sandbox();
    let c = builder(&s).session_api_version(70).token_api_version(40).build().unwrap();
    let id = c.create_session_json(json!({})).unwrap().id.unwrap();
    c.update_session(&id, &card_update()).unwrap();
    let session = c.retrieve_session(&id).unwrap();
    assert_eq!(session.meta.api_version, 70);
    assert_eq!(session.get("version"), Some(&json!("70")));
    let t = c.create_token(&CreateTokenRequest::from_session(&id)).unwrap().token.unwrap();
    c.retrieve_token(&t).unwrap();
    c.delete_token(&t).unwrap();
    c.check_gateway().unwrap();
    let paths: Vec<String> =
        s.seen_requests().into_iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    let m = "/api/rest/version";
    assert_eq!(
        paths,
        [
            format!("POST {m}/70/merchant/TESTMERCHANT/session"),
            format!("PUT {m}/70/merchant/TESTMERCHANT/session/{id}"),
            format!("GET {m}/70/merchant/TESTMERCHANT/session/{id}"),
            format!("POST {m}/40/merchant/TESTMERCHANT/token"),
            format!("GET {m}/40/merchant/TESTMERCHANT/token/{t}"),
            format!("DELETE {m}/40/merchant/TESTMERCHANT/token/{t}"),
            format!("GET {m}/70/information"),
        ]
    );
    let d = client(&s);
    assert_eq!(
        d.path(mpgs::Operation::RetrieveSession),
        format!("{m}/58/merchant/TESTMERCHANT/session/{{sessionId}}")
    );
    assert_eq!(
        d.path(mpgs::Operation::DeleteToken),
        format!("{m}/38/merchant/TESTMERCHANT/token/{{tokenid}}")
    );
    assert_eq!(d.path(mpgs::Operation::CheckGateway), format!("{m}/58/information"));
}

#[test]
fn update_session_checks_the_fields_it_knows_and_passes_the_others() {
    let s = sandbox();
    let c = client(&s);
    let id = c.create_session_json(json!({})).unwrap().id.unwrap();
    let before = requests(&s);
    // Known fields at 58: the token table's card rules, the session's rules.
    for (body, field) in [
        (
            json!({"sourceOfFunds.provided.card.number": "5123abcd00000008"}),
            "sourceOfFunds.provided.card.number",
        ),
        (
            json!({"sourceOfFunds": {"provided": {"card": {"securityCode": "12345"}}}}),
            "sourceOfFunds.provided.card.securityCode",
        ),
        (
            json!({"sourceOfFunds.provided.card.expiry.month": "13"}),
            "sourceOfFunds.provided.card.expiry.month",
        ),
        (json!({"sourceOfFunds.type": "CASH"}), "sourceOfFunds.type"),
        (json!({"session.version": "short"}), "session.version"),
        (json!({"session.authenticationLimit": 26}), "session.authenticationLimit"),
        (json!({"correlationId": ""}), "correlationId"),
    ] {
        let e = c.update_session_json(&id, body.clone()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{body}: {e}");
        assert_eq!(e.field_errors()[0].field, field, "{body}: {e}");
        assert!(e.field_errors()[0].explanation.ends_with("(v58)"), "{e}");
        assert!(!e.to_string().contains("12345"), "a security code is never quoted: {e}");
    }
    assert_eq!(requests(&s), before, "nothing was sent");
    // Strict or not, the many other fields a session holds pass unchecked; no field is
    // compulsory (an update may carry part of the details).
    let strict = builder(&s).validation_level(ValidationLevel::Strict).build().unwrap();
    let other = json!({"order": {"amount": "10.00", "currency": "USD", "id": "order-1"},
                       "customer.email": "a@example.com", "billing.address.city": "Tampa",
                       "sourceOfFunds.provided.card.nameOnCard": "A Customer"});
    let stored = strict.update_session_json(&id, other).unwrap();
    assert_eq!(stored.get("billing.address.city"), Some(&json!("Tampa")));
    assert_eq!(stored.get("sourceOfFunds.provided.card.nameOnCard"), Some(&json!("A Customer")));
    strict.update_session_json(&id, json!({})).unwrap();
    // At another version, known fields keep their JSON types only (as Create or Update Token).
    let v70 = builder(&s).session_api_version(70).build().unwrap();
    v70.update_session_json(&id, json!({"sourceOfFunds.provided.card.securityCode": "12345"})).unwrap();
    let e = v70.update_session_json(&id, json!({"sourceOfFunds.provided.card.number": 5123})).unwrap_err();
    assert_eq!(e.field_errors()[0].field, "sourceOfFunds.provided.card.number", "{e}");
}

#[test]
fn a_stale_session_version_is_the_gateways_to_refuse_and_the_update_is_sent_once() {
    let s = sandbox();
    let c = client(&s);
    let id = c.create_session_json(json!({})).unwrap().id.unwrap();
    let e = c.update_session(&id, &card_update().version("00000000ff")).unwrap_err();
    let Error::Gateway(g) = &e else { panic!("{e}") };
    assert_eq!(g.field.as_deref(), Some("session.version"));
    assert_eq!(e.attempts(), 1);
}

#[test]
fn retrieved_answers_are_masked_and_the_sent_card_never_shows() {
    let s = sandbox();
    let c = client(&s);
    let id = c.create_session_json(json!({})).unwrap().id.unwrap();
    let updated = c.update_session(&id, &card_update()).unwrap();
    let retrieved = c.retrieve_session(&id).unwrap();
    for session in [&updated, &retrieved] {
        let masked = session.raw.to_value().to_string();
        let verbatim = session.raw.verbatim().to_string();
        for text in [&masked, &verbatim, &format!("{session:?}")] {
            assert!(!text.contains(CARD), "{text}");
        }
        // The gateway masked it already: it stays masked, verbatim included.
        assert!(verbatim.contains("512345xxxxxx0008"), "{verbatim}");
        assert_eq!(session.get("sourceOfFunds.provided.card.securityCode"), Some(&json!("***")));
    }
    assert!(!format!("{:?}", card_update()).contains(CARD));
}

#[test]
fn the_related_calls_keep_the_error_stages_and_repeat_a_busy_answer() {
    let s = sandbox();
    let c = client(&s);
    s.faults().push(Fault::Busy { retry_after: 0 }, 1);
    let info = c.check_gateway().unwrap();
    assert_eq!(info.meta.attempts, 2, "SERVER_BUSY: not processed, sent again");
    s.faults().push(Fault::Html500, 1);
    let e = c.retrieve_token("9123456789012346").unwrap_err();
    assert_eq!((e.kind(), e.stage()), (ErrorKind::Decode, Stage::Answered), "{e}");
    let e = c.retrieve_session("SESSION0002695081404E6099215K60").unwrap_err();
    assert_eq!((e.stage(), e.outcome_unknown(), e.attempts()), (Stage::Answered, false, 1), "{e}");
    let refused = builder(&s).base_url("https://127.0.0.1:9").build().unwrap();
    let e = refused.check_gateway().unwrap_err();
    assert_eq!((e.kind(), e.outcome_unknown()), (ErrorKind::Connect, false), "{e}");
}
