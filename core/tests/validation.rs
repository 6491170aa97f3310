//! Every documented request field, at its boundaries. The expectations are transcribed from
//! `shared/spec/*.txt` here, independently of `rules.rs`, so that a wrong row there fails.

use mpgs::{validate, Error, Operation, ValidationType};
use serde_json::{json, Map, Value};

const SESSION_ID: &str = "SESSION0002695081404E6099215K60";

/// How a field's text is built.
#[derive(Clone, Copy)]
enum Spec {
    /// Text of `min..=max` characters; `good` is an allowed character, `bad` a refused one.
    Text {
        min: usize,
        max: usize,
        good: char,
        bad: Option<char>,
    },
    Enum(&'static [&'static str]),
    Int {
        min: i64,
        max: i64,
    },
}
use Spec::*;

const ANY: Option<char> = None;

/// (operation, field, spec). From the two spec files; card fields from the gateway's published
/// Create or Update Token reference.
fn rows() -> Vec<(Operation, &'static str, Spec)> {
    use Operation::{CreateSession as S, CreateToken as T};
    vec![
        (S, "correlationId", Text { min: 1, max: 100, good: 'é', bad: ANY }),
        (S, "session.authenticationLimit", Int { min: 0, max: 25 }),
        (T, "correlationId", Text { min: 1, max: 100, good: '✓', bad: ANY }),
        (T, "responseControls.sensitiveData", Text { min: 1, max: 50, good: 'U', bad: ANY }),
        (T, "session.id", Text { min: 31, max: 35, good: 'S', bad: Some('é') }),
        (T, "session.version", Text { min: 10, max: 10, good: 'a', bad: Some('é') }),
        (T, "sourceOfFunds.token", Text { min: 1, max: 40, good: 'z', bad: Some('-') }),
        (T, "sourceOfFunds.type", Enum(&["ACH", "CARD", "GIFT_CARD"])),
        (
            T,
            "sourceOfFunds.provided.ach.accountType",
            Enum(&["CONSUMER_CHECKING", "CONSUMER_SAVINGS", "CORPORATE_CHECKING"]),
        ),
        (T, "sourceOfFunds.provided.ach.bankAccountHolder", Text { min: 1, max: 28, good: 'ü', bad: ANY }),
        (
            T,
            "sourceOfFunds.provided.ach.bankAccountNumber",
            Text { min: 1, max: 17, good: '/', bad: Some('.') },
        ),
        (T, "sourceOfFunds.provided.ach.routingNumber", Text { min: 9, max: 9, good: '7', bad: Some('a') }),
        (T, "sourceOfFunds.provided.ach.secCode", Enum(&["PPD", "TEL", "WEB"])),
        (
            T,
            "sourceOfFunds.provided.giftCard.expectedLocalBrand",
            Text { min: 4, max: 50, good: ' ', bad: ANY },
        ),
        (T, "sourceOfFunds.provided.giftCard.number", Text { min: 9, max: 19, good: '4', bad: Some(' ') }),
        (T, "sourceOfFunds.provided.giftCard.pin", Text { min: 4, max: 8, good: '0', bad: Some('x') }),
        (T, "sourceOfFunds.provided.card.number", Text { min: 9, max: 19, good: '5', bad: Some('-') }),
        (T, "sourceOfFunds.provided.card.securityCode", Text { min: 3, max: 4, good: '1', bad: Some('a') }),
        (T, "sourceOfFunds.provided.card.expiry.year", Text { min: 2, max: 2, good: '3', bad: Some('y') }),
        (T, "transaction.currency", Text { min: 3, max: 3, good: 'U', bad: Some('u') }),
        (T, "verificationStrategy", Enum(&["ACQUIRER", "BASIC", "NONE"])),
    ]
}

/// A valid body for `op` with `path` set to `value` (dotted form, so any path can be set).
fn body_with(op: Operation, path: &str, value: Value) -> Value {
    let mut m = Map::new();
    if op == Operation::CreateToken {
        // Each detail group belongs to its own sourceOfFunds.type.
        let ty = if path.starts_with("sourceOfFunds.provided.ach.") {
            "ACH"
        } else if path.starts_with("sourceOfFunds.provided.giftCard.") {
            "GIFT_CARD"
        } else {
            "CARD"
        };
        m.insert("sourceOfFunds.type".into(), json!(ty));
        m.insert("session.id".into(), json!(SESSION_ID));
        if path.starts_with("sourceOfFunds.provided.card.expiry.") {
            m.insert("sourceOfFunds.provided.card.expiry.month".into(), json!("5"));
            m.insert("sourceOfFunds.provided.card.expiry.year".into(), json!("30"));
        }
    }
    m.insert(path.into(), value);
    Value::Object(m)
}

fn errors_of(op: Operation, body: &Value) -> Vec<(String, ValidationType)> {
    match validate(op, body) {
        Ok(()) => vec![],
        Err(Error::Validation(v)) => v.into_iter().map(|e| (e.field, e.validation_type)).collect(),
        Err(other) => panic!("not a validation error: {other}"),
    }
}

fn assert_accepts(op: Operation, path: &str, value: Value) {
    let errs = errors_of(op, &body_with(op, path, value.clone()));
    assert!(errs.is_empty(), "{op:?} {path} = {value} should pass, got {errs:?}");
}

fn assert_invalid(op: Operation, path: &str, value: Value) {
    let errs = errors_of(op, &body_with(op, path, value.clone()));
    assert_eq!(errs, vec![(path.to_owned(), ValidationType::Invalid)], "{op:?} {path} = {value}");
}

#[test]
fn every_documented_field_accepts_its_bounds_and_rejects_past_them() {
    for (op, path, spec) in rows() {
        match spec {
            Text { min, max, good, bad } => {
                let s = |n: usize| Value::String(std::iter::repeat_n(good, n).collect());
                assert_accepts(op, path, s(min));
                assert_accepts(op, path, s(max));
                if min > 0 {
                    assert_invalid(op, path, s(min - 1));
                }
                assert_invalid(op, path, s(max + 1));
                if let Some(b) = bad {
                    let mut v: String = std::iter::repeat_n(good, min.max(1) - 1).collect();
                    v.push(b);
                    assert_invalid(op, path, Value::String(v));
                }
                assert_invalid(op, path, json!(12345678));
                assert_invalid(op, path, json!(true));
                assert_invalid(op, path, json!(["x"]));
                assert_invalid(op, path, json!({"x": "y"}));
            }
            Enum(values) => {
                for v in values {
                    assert_accepts(op, path, json!(v));
                    assert_invalid(op, path, json!(v.to_lowercase()));
                    assert_invalid(op, path, json!(format!("{v}X")));
                }
                assert_invalid(op, path, json!(""));
                assert_invalid(op, path, json!(1));
            }
            Int { min, max } => {
                assert_accepts(op, path, json!(min));
                assert_accepts(op, path, json!(max));
                assert_invalid(op, path, json!(min - 1));
                assert_invalid(op, path, json!(max + 1));
                assert_invalid(op, path, json!(2.5));
                assert_invalid(op, path, json!("5"));
                assert_invalid(op, path, json!(false));
            }
        }
    }
}

#[test]
fn lengths_are_counted_in_characters_not_bytes() {
    // 100 two-byte characters is 100 characters (200 bytes): accepted.
    assert_accepts(Operation::CreateSession, "correlationId", json!("é".repeat(100)));
    assert_invalid(Operation::CreateSession, "correlationId", json!("é".repeat(101)));
}

#[test]
fn card_expiry_month_is_one_to_twelve_as_a_string() {
    let p = "sourceOfFunds.provided.card.expiry.month";
    for ok in ["1", "01", "9", "12"] {
        assert_accepts(Operation::CreateToken, p, json!(ok));
    }
    for bad in [json!("0"), json!("13"), json!("00"), json!("123"), json!("1a"), json!(""), json!(5)] {
        assert_invalid(Operation::CreateToken, p, bad);
    }
}

#[test]
fn fields_the_operation_does_not_define_are_unsupported_by_full_path() {
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008", "nickname": "x"}}},
                      "order": {"amount": "1.00"}});
    let errs = errors_of(Operation::CreateToken, &body);
    assert!(
        errs.contains(&("sourceOfFunds.provided.card.nickname".into(), ValidationType::Unsupported)),
        "{errs:?}"
    );
    assert!(errs.contains(&("order".into(), ValidationType::Unsupported)), "{errs:?}");
    let errs = errors_of(Operation::CreateSession, &json!({"sourceOfFunds": {"type": "CARD"}}));
    assert_eq!(errs, vec![("sourceOfFunds".into(), ValidationType::Unsupported)]);
}

#[test]
fn a_token_request_without_source_of_funds_type_is_missing_it() {
    assert_eq!(
        errors_of(Operation::CreateToken, &json!({})),
        vec![("sourceOfFunds.type".into(), ValidationType::Missing)]
    );
    assert_eq!(
        errors_of(Operation::CreateToken, &json!({"sourceOfFunds": {"token": "abc"}})),
        vec![("sourceOfFunds.type".into(), ValidationType::Missing)]
    );
}

#[test]
fn an_empty_create_session_body_is_valid() {
    assert!(errors_of(Operation::CreateSession, &json!({})).is_empty());
}

#[test]
fn each_source_type_needs_its_details_unless_a_token_or_session_supplies_them() {
    for (ty, group) in [
        ("ACH", "sourceOfFunds.provided.ach"),
        ("CARD", "sourceOfFunds.provided.card"),
        ("GIFT_CARD", "sourceOfFunds.provided.giftCard"),
    ] {
        let errs = errors_of(Operation::CreateToken, &json!({"sourceOfFunds": {"type": ty}}));
        assert_eq!(errs, vec![(group.to_owned(), ValidationType::Missing)], "{ty}");
        assert!(errors_of(Operation::CreateToken, &json!({"sourceOfFunds": {"type": ty, "token": "9123"}}))
            .is_empty());
        assert!(errors_of(
            Operation::CreateToken,
            &json!({"sourceOfFunds": {"type": ty}, "session": {"id": SESSION_ID}})
        )
        .is_empty());
    }
    let errs = errors_of(
        Operation::CreateToken,
        &json!({"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"bankAccountHolder": "A B"}}}}),
    );
    assert_eq!(
        errs,
        vec![
            ("sourceOfFunds.provided.ach.bankAccountNumber".into(), ValidationType::Missing),
            ("sourceOfFunds.provided.ach.routingNumber".into(), ValidationType::Missing),
            ("sourceOfFunds.provided.ach.secCode".into(), ValidationType::Missing),
        ]
    );
}

#[test]
fn basic_or_acquirer_verification_of_a_provided_card_needs_its_expiry() {
    for strategy in ["BASIC", "ACQUIRER"] {
        let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008"}}},
                          "verificationStrategy": strategy});
        assert_eq!(
            errors_of(Operation::CreateToken, &body),
            vec![("sourceOfFunds.provided.card.expiry".into(), ValidationType::Missing)]
        );
    }
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008"}}},
                      "verificationStrategy": "NONE"});
    assert!(errors_of(Operation::CreateToken, &body).is_empty());
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008", "expiry": {"month": "5"}}}}});
    assert_eq!(
        errors_of(Operation::CreateToken, &body),
        vec![("sourceOfFunds.provided.card.expiry.year".into(), ValidationType::Missing)]
    );
}

#[test]
fn dotted_and_nested_forms_are_validated_alike() {
    let nested = json!({"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"routingNumber": "01100001", "bankAccountNumber": "123", "secCode": "WEB"}}}});
    let dotted = json!({"sourceOfFunds.type": "ACH", "sourceOfFunds.provided.ach.routingNumber": "01100001",
                        "sourceOfFunds.provided.ach.bankAccountNumber": "123", "sourceOfFunds.provided.ach.secCode": "WEB"});
    let expect = vec![("sourceOfFunds.provided.ach.routingNumber".to_owned(), ValidationType::Invalid)];
    assert_eq!(errors_of(Operation::CreateToken, &nested), expect);
    assert_eq!(errors_of(Operation::CreateToken, &dotted), expect);
    let err = validate(Operation::CreateToken, &dotted).unwrap_err();
    assert_eq!(
        err.to_string(),
        "sourceOfFunds.provided.ach.routingNumber: must be exactly 9 digits, got 8 (v38) (INVALID)"
    );
}

#[test]
fn every_validation_message_names_the_version_it_was_judged_at() {
    use mpgs::{validate_at, ValidationLevel as L};
    let bad = json!({"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"routingNumber": "01100001",
                     "bankAccountNumber": "123", "secCode": "WEB"}}}});
    for v in [38, 70] {
        let e = validate_at(Operation::CreateToken, v, L::Strict, &bad).unwrap_err();
        for f in e.field_errors() {
            assert!(f.explanation.ends_with(&format!("(v{v})")), "{f}");
        }
    }
    let e =
        validate_at(Operation::CreateSession, 58, L::Auto, &json!({"session": {"authenticationLimit": 99}}))
            .unwrap_err();
    assert!(e.field_errors()[0].explanation.ends_with("(v58)"), "{e}");
}

#[test]
fn every_problem_is_reported_at_once_the_first_as_primary() {
    let body = json!({"correlationId": "", "sourceOfFunds": {"type": "card", "token": "a-b"}, "verificationStrategy": "basic",
                      "transaction": {"currency": "usd"}, "extra": 1});
    let errs = errors_of(Operation::CreateToken, &body);
    assert_eq!(errs.len(), 6, "{errs:?}");
    assert_eq!(errs[0], ("correlationId".into(), ValidationType::Invalid));
    let err = validate(Operation::CreateToken, &body).unwrap_err();
    assert!(err.to_string().ends_with("(and 5 more)"), "{err}");
}

#[test]
fn nulls_are_absent_and_a_group_of_the_wrong_type_is_invalid() {
    assert!(errors_of(
        Operation::CreateSession,
        &json!({"correlationId": null, "session": {"authenticationLimit": null}})
    )
    .is_empty());
    assert_eq!(
        errors_of(Operation::CreateSession, &json!({"session": "abc"})),
        vec![("session".into(), ValidationType::Invalid)]
    );
    assert_eq!(
        errors_of(Operation::CreateSession, &json!([1])),
        vec![("body".into(), ValidationType::Invalid)]
    );
}

#[test]
fn a_dotted_name_given_twice_or_as_value_and_group_is_invalid() {
    let body = json!({"session": {"id": SESSION_ID}, "session.id": SESSION_ID, "sourceOfFunds.type": "CARD"});
    assert_eq!(
        errors_of(Operation::CreateToken, &body),
        vec![("session.id".into(), ValidationType::Invalid)]
    );
    let body = json!({"sourceOfFunds": "CARD", "sourceOfFunds.type": "CARD"});
    assert_eq!(
        errors_of(Operation::CreateToken, &body),
        vec![("sourceOfFunds.type".into(), ValidationType::Invalid)]
    );
}

#[test]
fn secret_values_never_appear_in_explanations() {
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {
        "card": {"number": "51234500000000081234x", "securityCode": "12a", "expiry": {"month": "5", "year": "30"}},
        "giftCard": {"pin": "98765432100", "number": "6000000000000000000000"},
        "ach": {"bankAccountNumber": "1234567890.12345678"}}}});
    let err = validate(Operation::CreateToken, &body).unwrap_err();
    let text = format!("{err} {err:?}");
    for secret in ["51234500000000081234", "12a", "98765432100", "6000000000000000000000", "1234567890"] {
        assert!(!text.contains(secret), "{secret} leaked in {text}");
    }
    let invalid = err.field_errors().iter().filter(|e| e.validation_type == ValidationType::Invalid).count();
    assert_eq!(invalid, 5, "{err:?}");
}

#[test]
fn merchant_ids_are_checked_when_the_client_is_built() {
    for bad in ["", "TEST MERCHANT", "TEST.MERCHANT", &"A".repeat(41), "TESTé"] {
        let err = mpgs::Client::builder(bad).password("p").region("mtf").build().unwrap_err();
        assert_eq!(err.field_errors()[0].field, "merchantId", "{bad:?}");
        assert_eq!(err.field_errors()[0].validation_type, ValidationType::Invalid);
    }
    for good in ["TESTMERCHANT", "a-b_C9", &"Z".repeat(40), "1"] {
        assert!(mpgs::Client::builder(good).password("p").region("mtf").build().is_ok(), "{good}");
    }
}

// --- Issue 12: sources of card details, groups by type, nested dotted keys, typed enums. ---

const CARD: &str = "5123450000000008";

#[test]
fn partial_card_details_pass_when_a_session_or_token_can_complete_them() {
    // "Each of these may represent partial card details, however the combination must result in
    // a full and complete set of card details": the gateway merges and decides.
    let partials = [
        json!({"securityCode": "123"}),
        json!({"number": CARD}),
        json!({"number": CARD, "expiry": {"month": "5"}}),
        json!({"expiry": {"year": "30"}}),
    ];
    for strategy in ["BASIC", "ACQUIRER", "NONE"] {
        for card in &partials {
            for source in [
                json!({"session": {"id": SESSION_ID}}),
                json!({"sourceOfFunds": {"token": "9123456789012346"}}),
            ] {
                let mut body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": card}},
                                      "verificationStrategy": strategy});
                if let Some(id) = source.get("session") {
                    body["session"] = id.clone();
                } else {
                    body["sourceOfFunds"]["token"] = source["sourceOfFunds"]["token"].clone();
                }
                assert_eq!(errors_of(Operation::CreateToken, &body), vec![], "{body}");
            }
        }
    }
}

#[test]
fn without_a_session_or_token_the_request_must_hold_the_card_expiry_and_number() {
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"securityCode": "123"}}},
                      "verificationStrategy": "BASIC"});
    assert_eq!(
        errors_of(Operation::CreateToken, &body),
        vec![
            ("sourceOfFunds.provided.card.number".into(), ValidationType::Missing),
            ("sourceOfFunds.provided.card.expiry".into(), ValidationType::Missing),
        ]
    );
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD, "expiry": {"month": "5"}}}},
                      "verificationStrategy": "ACQUIRER"});
    assert_eq!(
        errors_of(Operation::CreateToken, &body),
        vec![("sourceOfFunds.provided.card.expiry.year".into(), ValidationType::Missing)]
    );
}

#[test]
fn a_detail_group_that_does_not_match_the_source_type_is_unsupported_on_the_group() {
    let groups = [("ACH", "ach"), ("CARD", "card"), ("GIFT_CARD", "giftCard")];
    let details = |g: &str| match g {
        "ach" => json!({"bankAccountNumber": "1234567890", "routingNumber": "011000015", "secCode": "WEB"}),
        "card" => json!({"number": CARD, "expiry": {"month": "5", "year": "30"}}),
        _ => json!({"number": "6000000000000004"}),
    };
    for (ty, own) in groups {
        for (_, other) in groups.iter().filter(|(_, g)| *g != own) {
            // With or without a session: a stated rule for every combination.
            for with_session in [false, true] {
                let mut body = json!({"sourceOfFunds": {"type": ty, "provided": {own: details(own), *other: details(other)}}});
                if with_session {
                    body["session"] = json!({"id": SESSION_ID});
                }
                assert_eq!(
                    errors_of(Operation::CreateToken, &body),
                    vec![(format!("sourceOfFunds.provided.{other}"), ValidationType::Unsupported)],
                    "{body}"
                );
            }
        }
        let body = json!({"sourceOfFunds": {"type": ty, "provided": {own: details(own)}}});
        assert_eq!(errors_of(Operation::CreateToken, &body), vec![], "{body}");
    }
}

#[test]
fn ach_needs_its_sec_code_unless_a_session_or_token_supplies_it() {
    // "You must provide the payer's bank account details and information about the type of ACH
    // payment under the sourceOfFunds.provided.ach parameter group."
    let ach = json!({"bankAccountNumber": "1234567890", "routingNumber": "011000015"});
    let body = json!({"sourceOfFunds": {"type": "ACH", "provided": {"ach": ach}}});
    assert_eq!(
        errors_of(Operation::CreateToken, &body),
        vec![("sourceOfFunds.provided.ach.secCode".into(), ValidationType::Missing)]
    );
    let body =
        json!({"sourceOfFunds": {"type": "ACH", "token": "9123456789012346", "provided": {"ach": ach}}});
    assert_eq!(errors_of(Operation::CreateToken, &body), vec![]);
}

#[test]
fn session_version_without_session_id_is_left_to_the_gateway() {
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD}}},
                      "session": {"version": "0123456789"}});
    assert_eq!(errors_of(Operation::CreateToken, &body), vec![]);
}

#[test]
fn a_dotted_key_inside_a_group_is_expanded_like_a_top_level_one() {
    let inner = json!({"sourceOfFunds": {"type": "CARD", "provided.card": {"number": CARD, "expiry.month": "5", "expiry.year": "30"}}});
    let nested = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}}}}});
    // One body shape on the wire.
    assert_eq!(mpgs::validate::prepare(Operation::CreateToken, inner).unwrap(), nested);
    // The cross-field checks see it: a card group under ACH, a missing expiry under BASIC.
    let body = json!({"sourceOfFunds": {"type": "ACH", "provided.card": {"number": CARD}}});
    assert!(errors_of(Operation::CreateToken, &body)
        .contains(&("sourceOfFunds.provided.card".into(), ValidationType::Unsupported)));
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided.card": {"number": CARD}}, "verificationStrategy": "BASIC"});
    assert_eq!(
        errors_of(Operation::CreateToken, &body),
        vec![("sourceOfFunds.provided.card.expiry".into(), ValidationType::Missing)]
    );
    // Given twice, at any depth, is an error on the full path.
    let body = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD}}, "provided.card.number": CARD}});
    assert_eq!(
        errors_of(Operation::CreateToken, &body),
        vec![("sourceOfFunds.provided.card.number".into(), ValidationType::Invalid)]
    );
    // A group split between a dotted and a nested key is one group.
    let body = json!({"sourceOfFunds.provided": {"card": {"number": CARD}},
                      "sourceOfFunds": {"type": "CARD", "provided": {"card": {"expiry": {"month": "5", "year": "30"}}}}});
    assert_eq!(
        mpgs::validate::prepare(Operation::CreateToken, body).unwrap(),
        json!({"sourceOfFunds": {"provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}}}, "type": "CARD"}})
    );
}

#[test]
fn the_typed_enumerations_hold_exactly_the_documented_values() {
    use mpgs::{
        AchAccountType, CardScheme, GiftCardBrand, GiftCardScheme, OperationResult, SecCode,
        SourceOfFundsType, VerificationStrategy,
    };
    // Request enumerations (the validator's table takes these VALUES).
    assert_eq!(SourceOfFundsType::VALUES, ["ACH", "CARD", "GIFT_CARD"]);
    assert_eq!(VerificationStrategy::VALUES, ["ACQUIRER", "BASIC", "NONE"]);
    assert_eq!(AchAccountType::VALUES, ["CONSUMER_CHECKING", "CONSUMER_SAVINGS", "CORPORATE_CHECKING"]);
    assert_eq!(SecCode::VALUES, ["PPD", "TEL", "WEB"]);
    // Gift card answer enumerations.
    assert_eq!(GiftCardBrand::VALUES, ["LOCAL_BRAND_ONLY"]);
    assert_eq!(GiftCardScheme::VALUES, ["OTHER"]);
    // The documented OTHER is a named variant; the catch-all is for values the spec lacks.
    assert_eq!(CardScheme::parse("OTHER"), CardScheme::Other);
    assert_eq!(GiftCardScheme::parse("OTHER"), GiftCardScheme::Other);
    assert_eq!(CardScheme::parse("NEWSCHEME"), CardScheme::Unrecognized("NEWSCHEME".into()));
    assert_eq!(OperationResult::parse("ERROR"), OperationResult::Error);
}

// --- Issue 17 (core part): validation levels by API version. ---

#[test]
fn at_a_newer_version_unknown_fields_and_values_pass_and_json_types_still_count() {
    use mpgs::{validate_at, ValidationLevel as L};
    let body = json!({"sourceOfFunds": {"type": "SCHEME_TOKEN", "provided": {"card": {"number": CARD,
                      "nameOnCard": "A Customer", "expiry": {"month": "5", "year": "30"}}}}});
    let at = |v: u32, level: L, body: &Value| match validate_at(Operation::CreateToken, v, level, body) {
        Ok(()) => vec![],
        Err(e) => e
            .field_errors()
            .iter()
            .map(|f| (f.field.clone(), f.validation_type.clone(), f.explanation.clone()))
            .collect(),
    };
    // Version 70, default level: passes.
    assert_eq!(at(70, L::Auto, &body), vec![]);
    // Version 38, default level: the documented table is the law, and the message names v38.
    let errs = at(38, L::Auto, &body);
    assert!(
        errs.iter().any(|(f, vt, why)| f == "sourceOfFunds.provided.card.nameOnCard"
            && *vt == ValidationType::Unsupported
            && why.contains("(v38)")),
        "{errs:?}"
    );
    // The switch forces either behaviour at either version; the message names the version in use.
    let errs = at(70, L::Strict, &body);
    assert!(
        errs.iter().any(|(f, _, why)| f == "sourceOfFunds.provided.card.nameOnCard" && why.contains("(v70)")),
        "{errs:?}"
    );
    assert_eq!(at(38, L::KnownFields, &body), vec![]);
    // Known fields keep their JSON types; sourceOfFunds.type stays compulsory.
    let errs = at(70, L::Auto, &json!({"sourceOfFunds": {"type": 7}}));
    assert_eq!(
        errs.iter().map(|e| (e.0.as_str(), e.1.clone())).collect::<Vec<_>>(),
        vec![("sourceOfFunds.type", ValidationType::Invalid)]
    );
    let errs = at(70, L::Auto, &json!({"sourceOfFunds": {}}));
    assert_eq!(errs[0].0, "sourceOfFunds.type");
    // Off: nothing but the body's shape.
    assert_eq!(at(38, L::Off, &json!({"sourceOfFunds": {"type": 7}, "x": 1})), vec![]);
    assert!(validate_at(Operation::CreateToken, 38, L::Off, &json!([1])).is_err());
}

#[test]
fn a_whole_number_written_as_a_float_is_sent_as_an_integer_and_a_fraction_is_refused() {
    let op = Operation::CreateSession;
    for five in [json!(5.0), json!(5)] {
        let sent = validate::prepare(op, json!({"session": {"authenticationLimit": five}})).unwrap();
        assert_eq!(serde_json::to_string(&sent).unwrap(), r#"{"session":{"authenticationLimit":5}}"#);
    }
    let dotted = validate::prepare(op, json!({"session.authenticationLimit": 25.0})).unwrap();
    assert_eq!(serde_json::to_string(&dotted).unwrap(), r#"{"session":{"authenticationLimit":25}}"#);
    assert_invalid(op, "session.authenticationLimit", json!(5.5));
    assert_invalid(op, "session.authenticationLimit", json!(26.0));
    // From text (the C setters): `5.0` is the number 5, `5.5` a number refused, never a string.
    let from_text = validate::value_from_text(op, "session.authenticationLimit", "5.0");
    let sent = validate::prepare(op, body_with(op, "session.authenticationLimit", from_text)).unwrap();
    assert_eq!(serde_json::to_string(&sent).unwrap(), r#"{"session":{"authenticationLimit":5}}"#);
    let half = validate::value_from_text(op, "session.authenticationLimit", "5.5");
    assert_eq!(half, json!(5.5));
    let e = validate::prepare(op, body_with(op, "session.authenticationLimit", half)).unwrap_err();
    assert!(e.to_string().contains("whole number"), "{e}");
}

#[test]
fn a_card_number_put_into_the_wrong_field_is_masked_in_the_message() {
    let body = json!({
        "sourceOfFunds": {"type": "CARD", "provided": {"card": {
            "number": "5123450000000008", "expiry": {"month": "5123450000000008", "year": "30"}}}},
    });
    let e = validate::validate(Operation::CreateToken, &body).unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(!text.contains("5123450000000008"), "{text}");
    assert!(text.contains("512345xxxxxx0008"), "{text}");
    let limit = validate::validate(
        Operation::CreateSession,
        &json!({"session": {"authenticationLimit": 5123450000000008u64}}),
    )
    .unwrap_err();
    assert!(!format!("{limit}").contains("5123450000000008"), "{limit}");
}
