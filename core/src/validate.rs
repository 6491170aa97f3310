//! Validation of request bodies against the field tables in [`crate::rules`], before anything is
//! sent. Reports every problem at once, in the gateway's vocabulary.

use serde_json::{Map, Value};

use crate::error::{Error, FieldError, Result};
use crate::model::enums::ValidationType;
use crate::number::BadNumber;
use crate::operation::Operation;
use crate::rules::{self, Chars, FieldRule, Kind, Sensitivity};

use ValidationType::{Invalid, Missing, Unsupported};

/// Checks a request body (nested or dotted form) for `op`. Returns every problem found.
pub fn validate(op: Operation, body: &Value) -> Result<()> {
    if needs_rewrite(body, true) {
        return prepare(op, body.clone()).map(|_| ());
    }
    let errors = check(op, body);
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::Validation(errors)),
    }
}

/// Whether [`prepare`] would change the body (dotted names to expand, nulls or empty groups to
/// drop) or reject its shape; if not, it can be checked where it is, without a copy.
fn needs_rewrite(v: &Value, top: bool) -> bool {
    match v {
        Value::Object(map) if top && map.keys().any(|k| k.contains('.')) => true,
        Value::Object(map) => {
            map.values().any(|v| v.is_null() || matches!(v, Value::Object(m) if m.is_empty()))
                || map.values().any(|v| needs_rewrite(v, false))
        }
        _ => top,
    }
}

/// Turns a body in nested or dotted form into the body to send: dotted names expanded, `null`
/// values and empty groups dropped (absent optionals are never sent), every rule checked.
pub fn prepare(op: Operation, body: Value) -> Result<Value> {
    let mut body = expand_dotted(body)?;
    prune(&mut body);
    let errors = check(op, &body);
    if errors.is_empty() {
        Ok(body)
    } else {
        Err(Error::Validation(errors))
    }
}

/// Parses JSON text for `op` and prepares it. Empty text is an empty body.
pub fn prepare_text(op: Operation, text: &str) -> Result<Value> {
    prepare(op, parse_body(text)?)
}

/// Parses a request body given as JSON text; blank text is an empty body. The error names
/// `body` and says where the JSON breaks. The body is not checked yet: see [`prepare`].
pub fn parse_body(text: &str) -> Result<Value> {
    if text.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_str(text).map_err(|e| Error::field("body", Invalid, format!("is not valid JSON: {e}")))
}

/// Checks a merchant id (`{merchantId}`: 1-40 of `0-9 a-z A-Z - _`).
pub fn check_merchant_id(id: &str) -> Result<()> {
    let mut errors = Vec::new();
    check_text_value(&rules::MERCHANT_ID, id, &mut errors);
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::Validation(errors)),
    }
}

/// The JSON value for a field set from text (the C setters): a number for integer fields when
/// the text is one, a string otherwise. Validation then judges it like any other value. Number
/// text JSON cannot carry (an integer beyond 64 bits, `nan`, `inf`, `1e400`) becomes a
/// [`BadNumber`], refused as INVALID.
pub fn value_from_text(op: Operation, path: &str, text: &str) -> Value {
    match rules::find(op.rules(), path).map(|r| r.kind) {
        Some(Kind::Integer { .. }) => {
            let t = text.trim();
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            match t.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                    BadNumber::Beyond64Bits.into_value()
                }
                Err(_) => match t.parse::<f64>() {
                    Ok(f) if !f.is_finite() => BadNumber::json_of_f64(f),
                    _ => Value::String(text.to_owned()),
                },
            }
        }
        _ => Value::String(text.to_owned()),
    }
}

/// A number JSON cannot carry, found at `path`.
fn bad_number(path: &str, bad: BadNumber) -> FieldError {
    let why = if path == "body" { "must be a JSON object, got" } else { "got" };
    FieldError::new(path, Invalid, format!("{why} {}, which JSON cannot carry", bad.describe()))
}

/// Expands top-level dotted names (`"sourceOfFunds.provided.ach.routingNumber": "…"`) into the
/// gateway's nested shape. Nested and dotted keys may be mixed.
pub fn expand_dotted(body: Value) -> Result<Value> {
    let Value::Object(map) = body else {
        return Err(Error::field(
            "body",
            Invalid,
            format!("must be a JSON object, got {}", type_name(&body)),
        ));
    };
    if !map.keys().any(|k| k.contains('.')) {
        return Ok(Value::Object(map));
    }
    let mut out = Map::new();
    let mut errors = Vec::new();
    for (key, value) in map {
        let parts: Vec<&str> = key.split('.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            errors.push(FieldError::new(key.as_str(), Unsupported, "is not a field name (empty segment)"));
            continue;
        }
        if let Err(e) = insert_path(&mut out, &parts, value) {
            errors.push(FieldError::new(key.as_str(), Invalid, e));
        }
    }
    if errors.is_empty() {
        Ok(Value::Object(out))
    } else {
        Err(Error::Validation(errors))
    }
}

fn insert_path(map: &mut Map<String, Value>, parts: &[&str], value: Value) -> Result<(), &'static str> {
    let (last, parents) = parts.split_last().expect("split of a non-empty key");
    let mut cur = map;
    for p in parents {
        let entry = cur.entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
        cur = match entry {
            Value::Object(m) => m,
            _ => return Err("is given both as a value and as a group of fields"),
        };
    }
    match (cur.get_mut(*last), value) {
        (Some(Value::Object(existing)), Value::Object(more)) => {
            for (k, v) in more {
                if existing.contains_key(&k) {
                    return Err("is given twice");
                }
                existing.insert(k, v);
            }
            Ok(())
        }
        (Some(_), _) => Err("is given twice"),
        (None, value) => {
            cur.insert(last.to_string(), value);
            Ok(())
        }
    }
}

/// Drops `null` values and groups left empty.
fn prune(value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|_, v| {
            prune(v);
            !(v.is_null() || matches!(v, Value::Object(m) if m.is_empty()))
        });
    }
}

/// Checks only the per-field rules (types, lengths, characters, enumerations, unsupported
/// fields), not the compulsory and cross-field ones: for bodies that carry part of a request,
/// such as an Update Session that stores card details for a later token request.
pub fn check_fields(op: Operation, body: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(bad) = BadNumber::find(body) {
        return vec![bad_number("body", bad)];
    }
    match body {
        Value::Object(map) => walk(op, op.rules(), &mut String::new(), map, &mut errors),
        _ => errors.push(FieldError::new("body", Invalid, "must be a JSON object")),
    }
    errors
}

fn check(op: Operation, body: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let table = op.rules();
    if let Some(bad) = BadNumber::find(body) {
        return vec![bad_number("body", bad)];
    }
    let Value::Object(map) = body else {
        errors.push(FieldError::new("body", Invalid, "must be a JSON object"));
        return errors;
    };
    walk(op, table, &mut String::with_capacity(64), map, &mut errors);
    check_compulsory(table, body, &mut errors);
    if op == Operation::CreateToken {
        check_token_cross_fields(body, &mut errors);
    }
    errors
}

/// Checks every field of `map`, whose dotted path so far is `path` (a buffer reused down the
/// tree, so that a valid body allocates nothing here).
fn walk(
    op: Operation,
    table: &'static [FieldRule],
    path: &mut String,
    map: &Map<String, Value>,
    errors: &mut Vec<FieldError>,
) {
    let prefix_len = path.len();
    for (key, value) in map {
        path.truncate(prefix_len);
        if prefix_len > 0 {
            path.push('.');
        }
        path.push_str(key);
        if let Some(bad) = BadNumber::find(value) {
            errors.push(bad_number(path, bad));
            continue;
        }
        let Some(rule) = rules::find(table, path) else {
            errors.push(FieldError::new(
                path.as_str(),
                Unsupported,
                format!("is not a request field of {} (v{})", op.name(), op.default_api_version()),
            ));
            continue;
        };
        match (&rule.kind, value) {
            (Kind::Group, Value::Object(inner)) => walk(op, table, path, inner, errors),
            (Kind::Group, other) => {
                errors.push(FieldError::new(
                    path.as_str(),
                    Invalid,
                    format!("must be a JSON object, got {}", type_name(other)),
                ));
            }
            _ => check_leaf(rule, value, errors),
        }
    }
    path.truncate(prefix_len);
}

fn check_leaf(rule: &FieldRule, value: &Value, errors: &mut Vec<FieldError>) {
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

fn check_text_value(rule: &FieldRule, s: &str, errors: &mut Vec<FieldError>) {
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

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Looks a dotted path up in a nested body. Request and answer objects hold a handful of keys,
/// so a scan beats hashing each key (serde_json's map hashes with SipHash).
pub fn lookup<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(body, |v, key| v.as_object()?.iter().find_map(|(k, v)| (k == key).then_some(v)))
}

/// Compulsory leaves are MISSING when absent, if every group above them is present or itself
/// compulsory (so an empty token body reports `sourceOfFunds.type`, not two errors).
fn check_compulsory(table: &'static [FieldRule], body: &Value, errors: &mut Vec<FieldError>) {
    for rule in table.iter().filter(|r| r.compulsory && r.kind != Kind::Group) {
        if lookup(body, rule.path).is_some() {
            continue;
        }
        let mut blocked = false;
        let mut prefix = rule.path;
        while let Some(dot) = prefix.rfind('.') {
            prefix = &prefix[..dot];
            let present = lookup(body, prefix);
            let group_compulsory = rules::find(table, prefix).is_some_and(|r| r.compulsory);
            match present {
                Some(Value::Object(_)) => {}
                Some(_) => blocked = true, // reported as INVALID already
                None if group_compulsory => {}
                None => blocked = true,
            }
        }
        if !blocked {
            errors.push(FieldError::new(rule.path, Missing, "is compulsory"));
        }
    }
}

fn str_at<'a>(body: &'a Value, path: &str) -> Option<&'a str> {
    lookup(body, path).and_then(Value::as_str)
}

/// The rules the v38 prose states across fields.
fn check_token_cross_fields(body: &Value, errors: &mut Vec<FieldError>) {
    let has_session = lookup(body, "session.id").is_some();
    let has_token = lookup(body, "sourceOfFunds.token").is_some();

    if lookup(body, "session.version").is_some() && !has_session {
        errors.push(FieldError::new(
            "session.id",
            Missing,
            "is required when session.version is given (the version locks a session's content)",
        ));
    }

    // "ACH … You must provide the payer's bank account details … under the
    // sourceOfFunds.provided.ach parameter group" (and likewise GIFT_CARD, CARD), unless a
    // token or a session supplies them ("Precedence rules … the combination must result in a
    // full and complete set of card details").
    let (group, needed): (&str, &[&str]) = match str_at(body, "sourceOfFunds.type") {
        Some("ACH") => ("sourceOfFunds.provided.ach", &["bankAccountNumber", "routingNumber"]),
        Some("CARD") => ("sourceOfFunds.provided.card", &["number"]),
        Some("GIFT_CARD") => ("sourceOfFunds.provided.giftCard", &["number"]),
        _ => ("", &[]),
    };
    if !group.is_empty() && !has_session && !has_token {
        let ty = str_at(body, "sourceOfFunds.type").unwrap_or_default();
        match lookup(body, group) {
            None => errors.push(FieldError::new(
                group,
                Missing,
                format!("is required when sourceOfFunds.type is {ty} and neither sourceOfFunds.token nor session.id is given"),
            )),
            Some(Value::Object(details)) => {
                for leaf in needed.iter().filter(|leaf| !details.contains_key(**leaf)) {
                    errors.push(FieldError::new(
                        format!("{group}.{leaf}"),
                        Missing,
                        format!("is required when sourceOfFunds.type is {ty} and neither sourceOfFunds.token nor session.id is given"),
                    ));
                }
            }
            Some(_) => {}
        }
    }

    // "When the verification strategy is BASIC or ACQUIRER you must also provide the card
    // expiry date in the sourceOfFunds.provided.card.expiry parameter group."
    let strategy = str_at(body, "verificationStrategy");
    let card = lookup(body, "sourceOfFunds.provided.card");
    if matches!(strategy, Some("BASIC" | "ACQUIRER"))
        && matches!(card, Some(Value::Object(_)))
        && lookup(body, "sourceOfFunds.provided.card.expiry").is_none()
    {
        errors.push(FieldError::new(
            "sourceOfFunds.provided.card.expiry",
            Missing,
            format!(
                "is required when verificationStrategy is {} and card details are provided",
                strategy.unwrap_or_default()
            ),
        ));
    }
    if let Some(Value::Object(expiry)) = lookup(body, "sourceOfFunds.provided.card.expiry") {
        for part in ["month", "year"].into_iter().filter(|part| !expiry.contains_key(*part)) {
            errors.push(FieldError::new(
                format!("sourceOfFunds.provided.card.expiry.{part}"),
                Missing,
                "is required when the card expiry is given",
            ));
        }
    }
}
