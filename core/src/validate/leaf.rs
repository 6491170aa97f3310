//! One field's value against its row: JSON type, length, characters, enumeration, range.

use serde_json::Value;

use crate::error::FieldError;
use crate::model::enums::ValidationType::Invalid;
use crate::rules::{Chars, FieldRule, Kind, Sensitivity};

/// The JSON type of a known leaf: a string for text and enumerations, a number for integers.
pub(super) fn check_json_type(rule: &FieldRule, value: &Value, errors: &mut Vec<FieldError>) {
    let (ok, want) = match rule.kind {
        Kind::Integer { .. } => (value.is_number(), "a JSON number"),
        Kind::Group => (value.is_object(), "a JSON object"),
        _ => (value.is_string(), "a JSON string"),
    };
    if !ok {
        errors.push(FieldError::new(rule.path, Invalid, format!("must be {want}, got {}", type_name(value))));
    }
}

pub(super) fn check_leaf(rule: &FieldRule, value: &Value, errors: &mut Vec<FieldError>) {
    match rule.kind {
        Kind::Group => {}
        Kind::Text { .. } | Kind::DigitsInRange { .. } | Kind::Enum(_) => match value {
            Value::String(s) => check_text_value(rule, s, errors),
            other => errors.push(FieldError::new(
                rule.path,
                Invalid,
                format!("must be a JSON string, got {}", type_name(other)),
            )),
        },
        Kind::Integer { min, max } => {
            let n = match value {
                Value::Number(n) => n
                    .as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64)),
                other => {
                    errors.push(FieldError::new(
                        rule.path,
                        Invalid,
                        format!("must be a JSON number, got {}", type_name(other)),
                    ));
                    return;
                }
            };
            match n {
                None => errors.push(FieldError::new(
                    rule.path,
                    Invalid,
                    format!("must be a whole number from {min} to {max}, got {value}"),
                )),
                Some(n) if n < min || n > max => errors.push(FieldError::new(
                    rule.path,
                    Invalid,
                    format!("must be from {min} to {max}, got {n}"),
                )),
                Some(_) => {}
            }
        }
    }
}

pub(super) fn check_text_value(rule: &FieldRule, s: &str, errors: &mut Vec<FieldError>) {
    let secret = rule.sensitivity == Sensitivity::Secret;
    let len = s.chars().count();
    let push =
        |errors: &mut Vec<FieldError>, why: String| errors.push(FieldError::new(rule.path, Invalid, why));
    match rule.kind {
        Kind::Text { chars, min, max } => {
            let bad = s.chars().find(|c| !chars.allows(*c));
            if len < min || len > max {
                let want = if min == max { format!("exactly {min}") } else { format!("{min} to {max}") };
                let unit = if chars == Chars::Digits { "digits" } else { "characters" };
                let unit = if bad.is_some() { "characters" } else { unit };
                push(errors, format!("must be {want} {unit}, got {len}"));
            } else if let Some(c) = bad {
                let shown = if secret { String::new() } else { format!(" {}", quote_char(c)) };
                push(
                    errors,
                    format!("may hold only {}, got{shown} at position {}", chars.describe(), position(s, c)),
                );
            }
        }
        Kind::DigitsInRange { min, max, max_len } => {
            let ok = len >= 1 && len <= max_len && s.chars().all(|c| c.is_ascii_digit());
            match s.parse::<u32>() {
                Ok(n) if ok && (min..=max).contains(&n) => {}
                _ => push(
                    errors,
                    format!(
                        "must be a number from {min} to {max} written in digits, got {}",
                        quote(s, secret)
                    ),
                ),
            }
        }
        Kind::Enum(values) => {
            if !values.contains(&s) {
                push(
                    errors,
                    format!(
                        "must be one of {} (case sensitive), got {}",
                        values.join(", "),
                        quote(s, secret)
                    ),
                );
            }
        }
        Kind::Group | Kind::Integer { .. } => {}
    }
}

fn position(s: &str, c: char) -> usize {
    s.chars().position(|x| x == c).map_or(0, |p| p + 1)
}

fn quote_char(c: char) -> String {
    if c.is_control() || c == ' ' {
        format!("{:?}", c)
    } else {
        format!("'{c}'")
    }
}

fn quote(s: &str, secret: bool) -> String {
    if secret {
        return format!("a value of {} characters", s.chars().count());
    }
    let shown: String = s.chars().take(40).collect();
    if shown.len() < s.len() {
        format!("{:?}…", shown)
    } else {
        format!("{shown:?}")
    }
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
