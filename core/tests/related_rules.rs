//! The rules of the calls around the two documented operations (issue #21), as pure functions:
//! the URL parameters, Update Session's partial table, the operations' methods and versions.

use mpgs::rules::{self, Kind, Sensitivity};
use mpgs::validate::{self, check_url_parameter};
use mpgs::{Operation, ValidationLevel, ValidationType};
use serde_json::json;

fn refused(rule: &rules::FieldRule, id: &str) -> Option<ValidationType> {
    check_url_parameter(rule, id).err().map(|e| {
        let f = &e.field_errors()[0];
        assert_eq!(f.field, rule.path, "{e}");
        f.validation_type.clone()
    })
}

#[test]
fn a_session_id_is_31_to_35_ascii_characters_that_cannot_change_the_path() {
    let r = &rules::SESSION_ID;
    assert_eq!(r.path, "sessionId");
    let ok31 = "SESSION0002695081404E6099215K60";
    assert_eq!(refused(r, ok31), None);
    assert_eq!(refused(r, &format!("{ok31}abcd")), None, "35");
    assert_eq!(refused(r, "SESSION0002695081404E6099215K6"), Some(ValidationType::Invalid), "30");
    assert_eq!(refused(r, &format!("{ok31}abcde")), Some(ValidationType::Invalid), "36");
    assert_eq!(refused(r, ""), Some(ValidationType::Missing));
    // Printable ASCII, but each would change the request's path: refused, never encoded.
    for bad in [
        '/', '\\', '%', '?', '#', ' ', '\n', '\u{7f}', '\0', '"', '<', '>', '[', ']', '{', '}', '|', '^',
        '`', ';',
    ] {
        let id = format!("SESSION0002695081404E6099215K6{bad}");
        assert_eq!(refused(r, &id), Some(ValidationType::Invalid), "{id:?}");
    }
    assert_eq!(refused(r, "SESSION0002695081404E60992..K60"), Some(ValidationType::Invalid));
    assert_eq!(refused(r, "SESSION0002695081404E6099215K6é"), Some(ValidationType::Invalid), "not ASCII");
    // Characters a path segment takes as they stand (RFC 3986 pchar) pass.
    for fine in ['-', '.', '_', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', '=', ':', '@'] {
        let id = format!("SESSION0002695081404E6099215K6{fine}");
        assert_eq!(refused(r, &id), None, "{id:?}");
    }
}

#[test]
fn a_token_id_is_1_to_40_letters_and_digits() {
    let r = &rules::TOKEN_ID;
    assert_eq!(r.path, "tokenid");
    for ok in ["9", "9123456789012346", "abcXYZ123", &"9".repeat(40)] {
        assert_eq!(refused(r, ok), None, "{ok}");
    }
    assert_eq!(refused(r, ""), Some(ValidationType::Missing));
    for bad in [&"9".repeat(41), "91-23", "91_23", "91.23", "..", "9/1", "9%2F", "9?", "9#", "9 1"] {
        assert_eq!(refused(r, bad), Some(ValidationType::Invalid), "{bad:?}");
    }
}

#[test]
fn each_operation_has_its_method_resource_parameter_and_version() {
    use Operation::*;
    let table = [
        (CreateSession, "POST", "session", None, 58, true, true),
        (CreateToken, "POST", "token", None, 38, true, true),
        (RetrieveSession, "GET", "session", Some("sessionId"), 58, false, true),
        (UpdateSession, "PUT", "session", Some("sessionId"), 58, true, true),
        (RetrieveToken, "GET", "token", Some("tokenid"), 38, false, true),
        (DeleteToken, "DELETE", "token", Some("tokenid"), 38, false, true),
        (CheckGateway, "GET", "information", None, 58, false, false),
    ];
    assert_eq!(table.len(), Operation::ALL.len());
    for (op, method, resource, param, version, body, auth) in table {
        assert_eq!(op.method(), method, "{op:?}");
        assert_eq!(op.resource(), resource, "{op:?}");
        assert_eq!(op.url_parameter().map(|r| r.path), param, "{op:?}");
        assert_eq!(op.default_api_version(), version, "{op:?}");
        assert_eq!(op.has_body(), body, "{op:?}");
        assert_eq!(op.sends_credentials(), auth, "{op:?}");
        assert_eq!(op.has_merchant(), op != CheckGateway, "{op:?}");
    }
}

#[test]
fn update_sessions_table_is_the_token_tables_source_of_funds_and_the_session_rows_none_compulsory() {
    let table = Operation::UpdateSession.rules();
    let token = Operation::CreateToken.rules();
    for row in token.iter().filter(|r| r.path.starts_with("sourceOfFunds") || r.path == "session.version") {
        let mine = rules::find(table, row.path).unwrap_or_else(|| panic!("{} missing", row.path));
        assert_eq!((mine.kind, mine.sensitivity), (row.kind, row.sensitivity), "{}", row.path);
    }
    let limit = rules::find(table, "session.authenticationLimit").unwrap();
    assert_eq!(limit.kind, Kind::Integer { min: 0, max: 25 });
    assert!(table.iter().all(|r| !r.compulsory));
    assert!(rules::find(table, "session.id").is_none(), "the id is in the URL");
    assert!(table.iter().any(|r| r.sensitivity == Sensitivity::Secret));
    assert!(!Operation::UpdateSession.rules_are_complete());
}

#[test]
fn update_session_passes_unknown_fields_at_every_level_and_checks_known_ones_as_the_level_says() {
    let op = Operation::UpdateSession;
    let other = json!({"order": {"amount": "1.00"}, "customer.email": "a@b.c", "sourceOfFunds.provided.card.nameOnCard": "A"});
    for level in ValidationLevel::ALL {
        assert!(validate::validate_at(op, 58, level, &other).is_ok(), "{level:?}");
    }
    assert!(validate::validate(op, &json!({})).is_ok(), "an empty update: nothing compulsory");
    let long_code = json!({"sourceOfFunds.provided.card.securityCode": "12345"});
    let e = validate::validate(op, &long_code).unwrap_err();
    assert!(e.field_errors()[0].explanation.ends_with("(v58)"), "{e}");
    assert!(validate::validate_at(op, 70, ValidationLevel::Auto, &long_code).is_ok());
    assert!(validate::validate_at(op, 70, ValidationLevel::Strict, &long_code).is_err());
    let wrong_type = json!({"sourceOfFunds.provided.card.number": 5123450000000008u64});
    assert!(validate::validate_at(op, 70, ValidationLevel::KnownFields, &wrong_type).is_err());
    assert!(validate::validate_at(op, 70, ValidationLevel::Off, &wrong_type).is_ok());
}
