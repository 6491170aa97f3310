//! A number JSON cannot carry (an integer beyond 64 bits, NaN, infinity), whichever binding it
//! came through, is an INVALID error naming the field: never `null`, never pruned, never sent.

use mpgs::validate::{prepare, value_from_text};
use mpgs::{validate, BadNumber, CreateSessionRequest, Error, Operation, ValidationType};
use serde_json::{json, Value};

fn only_error(op: Operation, body: Value) -> (String, ValidationType, String) {
    match prepare(op, body) {
        Err(Error::Validation(list)) => {
            assert_eq!(list.len(), 1, "{list:?}");
            (list[0].field.clone(), list[0].validation_type.clone(), list[0].explanation.clone())
        }
        other => panic!("expected one validation error, got {other:?}"),
    }
}

#[test]
fn a_bad_number_is_invalid_by_its_dotted_path_wherever_it_lands() {
    let kinds = [BadNumber::Beyond64Bits, BadNumber::NaN, BadNumber::Infinite];
    for bad in kinds {
        let nested = json!({"session": {"authenticationLimit": bad.into_value()}});
        let dotted = json!({"session.authenticationLimit": bad.into_value()});
        let kwarg = CreateSessionRequest::body_with(Value::Null, Some(bad.into_value()), None).unwrap();
        for body in [nested, dotted, kwarg] {
            let (field, kind, why) = only_error(Operation::CreateSession, body.clone());
            assert_eq!((field.as_str(), kind), ("session.authenticationLimit", ValidationType::Invalid));
            assert!(why.contains(bad.describe()), "{why}");
            // The offline check says the same.
            assert!(validate(Operation::CreateSession, &body).is_err());
        }
        // A text field, and a secret one: named, the value never quoted.
        let (field, ..) = only_error(Operation::CreateSession, json!({"correlationId": bad.into_value()}));
        assert_eq!(field, "correlationId");
        let token = json!({"sourceOfFunds": {"type": "CARD", "provided": {"card": {
            "number": bad.into_value(), "expiry": {"month": "5", "year": "30"}}}}});
        let (field, kind, _) = only_error(Operation::CreateToken, token);
        assert_eq!((field.as_str(), kind), ("sourceOfFunds.provided.card.number", ValidationType::Invalid));
        // In place of the whole body.
        let (field, ..) = only_error(Operation::CreateSession, bad.into_value());
        assert_eq!(field, "body");
    }
}

#[test]
fn number_text_that_json_cannot_carry_is_invalid_not_a_string_or_a_wrapped_number() {
    let path = "session.authenticationLimit";
    for text in [
        "18446744073709551616",
        "-9223372036854775809",
        "99999999999999999999999999",
        "nan",
        "NaN",
        "inf",
        "-infinity",
        "1e400",
    ] {
        let value = value_from_text(Operation::CreateSession, path, text);
        assert!(BadNumber::find(&value).is_some(), "{text}: {value}");
        let (field, kind, _) = only_error(Operation::CreateSession, json!({ path: value }));
        assert_eq!((field.as_str(), kind), (path, ValidationType::Invalid), "{text}");
    }
    // Ordinary text keeps its old meaning.
    assert_eq!(value_from_text(Operation::CreateSession, path, " 7 "), json!(7));
    assert_eq!(value_from_text(Operation::CreateSession, path, "seven"), json!("seven"));
    assert_eq!(value_from_text(Operation::CreateSession, "correlationId", "inf"), json!("inf"));
}

#[test]
fn json_text_with_a_number_beyond_64_bits_names_the_field() {
    let text = r#"{"session": {"authenticationLimit": 18446744073709551616}}"#;
    match mpgs::validate::prepare_text(Operation::CreateSession, text) {
        Err(Error::Validation(list)) => {
            assert_eq!(list[0].field, "session.authenticationLimit");
            assert_eq!(list[0].validation_type, ValidationType::Invalid);
        }
        other => panic!("{other:?}"),
    }
}
