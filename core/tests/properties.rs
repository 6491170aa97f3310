//! Properties over generated input: validation and decoding never panic, whatever they are fed,
//! and every value a field rule accepts respects the rule's length and characters.

use mpgs::rules::{Chars, FieldRule, Kind};
use mpgs::validate::{self, check_fields};
use mpgs::{decode_answer, Operation, ResponseMeta, Session, Token};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Path segments of the documented fields, so that generated bodies hit the rules, not only
/// the "unsupported field" branch.
fn segments() -> Vec<String> {
    let mut s: Vec<String> = [Operation::CreateSession, Operation::CreateToken]
        .iter()
        .flat_map(|op| op.rules().iter())
        .flat_map(|r| r.path.split('.').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    s.sort();
    s.dedup();
    s
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(segments()),
        1 => any::<String>(),
        1 => proptest::sample::select(segments()).prop_flat_map(|a| {
            proptest::sample::select(segments()).prop_map(move |b| format!("{a}.{b}"))
        }),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[0-9]{0,20}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn meta() -> ResponseMeta {
    ResponseMeta { http_status: 201, api_version: 38, elapsed: Default::default(), attempts: 1 }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn validation_never_panics_on_any_json(body in json()) {
        for op in [Operation::CreateSession, Operation::CreateToken] {
            let _ = validate::prepare(op, body.clone());
            let _ = check_fields(op, &body);
            if let Err(e) = validate::validate(op, &body) {
                prop_assert!(!e.field_errors().is_empty() || e.to_string().contains("body"));
            }
        }
    }

    #[test]
    fn validation_never_panics_on_any_text(text in any::<String>()) {
        let _ = validate::prepare_text(Operation::CreateToken, &text);
        let _ = validate::prepare_text(Operation::CreateSession, &text);
    }

    #[test]
    fn decoding_never_panics_on_any_answer(
        status in 100u16..600,
        content_type in prop_oneof![Just("application/json;charset=ISO-8859-1".to_owned()), any::<String>()],
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let _ = decode_answer(status, &content_type, &body);
    }

    #[test]
    fn decoding_never_panics_on_any_json_answer(status in 100u16..600, answer in json()) {
        let bytes = serde_json::to_vec(&answer).unwrap();
        if let Ok(v) = decode_answer(status, "application/json", &bytes) {
            prop_assert!((200..300).contains(&status));
            let _ = Session::from_json(v.clone(), meta());
            let _ = Token::from_json(v, meta());
        }
        let _ = Session::from_json(answer.clone(), meta());
        let _ = Token::from_json(answer, meta());
    }

    #[test]
    fn every_text_value_a_rule_accepts_respects_its_length_and_characters(
        index in any::<proptest::sample::Index>(),
        text in prop_oneof![
            "[0-9]{0,40}",
            "[0-9a-zA-Z]{0,40}",
            "[ -~]{0,40}",
            "[A-Z]{0,5}",
            any::<String>(),
        ],
    ) {
        let rules: Vec<&FieldRule> = [Operation::CreateSession, Operation::CreateToken]
            .iter()
            .flat_map(|op| op.rules().iter())
            .filter(|r| matches!(r.kind, Kind::Text { .. }))
            .collect();
        let rule = index.get(&rules);
        let Kind::Text { chars, min, max } = rule.kind else { unreachable!() };
        let op = if Operation::CreateSession.rules().iter().any(|r| r.path == rule.path) {
            Operation::CreateSession
        } else {
            Operation::CreateToken
        };
        let body = validate::expand_dotted(serde_json::json!({ rule.path: text })).unwrap();
        let accepted = !check_fields(op, &body).iter().any(|e| e.field == rule.path);
        if accepted {
            let n = text.chars().count();
            prop_assert!((min..=max).contains(&n), "{} accepted {} characters", rule.path, n);
            prop_assert!(text.chars().all(|c| chars.allows(c)), "{} accepted {:?}", rule.path, text);
            if chars != Chars::Any {
                prop_assert!(text.is_ascii());
            }
        }
    }
}
