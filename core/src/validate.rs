//! Validation of request bodies against the field tables in [`crate::rules`], before anything is
//! sent. Reports every problem at once, in the gateway's vocabulary.

use serde_json::{Map, Value};

use crate::error::{Error, FieldError, Result};
use crate::model::enums::ValidationType;
use crate::number::BadNumber;
use crate::operation::Operation;
use crate::rules::{self, Chars, FieldRule, Kind, Sensitivity};

use ValidationType::{Invalid, Missing, Unsupported};

/// How strictly a request is checked before it is sent.
///
/// The field tables transcribe one API version per operation (Create Session 58, Create or
/// Update Token 38). At that version they are the law; at another version the gateway may
/// accept fields, values and lengths the tables do not know, so the client must not refuse them.
/// This is the one place that says what is checked at each level:
///
/// | check | `Strict` | `KnownFields` | `Off` |
/// |---|---|---|---|
/// | body is a JSON object, dotted names expanded, nulls dropped | yes | yes | yes |
/// | a field the table does not know | UNSUPPORTED | passes unchecked | passes |
/// | JSON type of a known field (string, number, group) | yes | yes | no |
/// | lengths, characters, enumeration values, ranges | yes | no | no |
/// | compulsory `sourceOfFunds.type` (every version) | yes | yes | no |
/// | cross-field rules of the v38 prose | yes | no | no |
///
/// The merchant id is checked at every level (it is part of the URL).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValidationLevel {
    /// `Strict` at the operation's documented version, `KnownFields` at any other. The default.
    #[default]
    Auto,
    /// The documented tables in full, at any version.
    Strict,
    /// Only what cannot have changed in a way that matters, at any version.
    KnownFields,
    /// No client-side field checks.
    Off,
}

impl ValidationLevel {
    /// The level in force for `op` at API `version` (`Auto` resolved).
    pub fn resolve(self, op: Operation, version: u32) -> Self {
        match self {
            Self::Auto if version == op.default_api_version() => Self::Strict,
            Self::Auto => Self::KnownFields,
            other => other,
        }
    }

    /// The lowercase name (`auto`, `strict`, `known-fields`, `off`), as the bindings spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Strict => "strict",
            Self::KnownFields => "known-fields",
            Self::Off => "off",
        }
    }

    /// Every level, in the order of the C numbers (`MPGS_VALIDATION_LEVEL_AUTO` = 0, …).
    pub const ALL: [Self; 4] = [Self::Auto, Self::Strict, Self::KnownFields, Self::Off];

    /// Parses [`Self::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// Parses a binding's setting: [`Self::parse`], or a configuration error that lists the names.
    pub fn from_setting(s: &str) -> Result<Self> {
        Self::parse(s).ok_or_else(|| {
            let names: Vec<String> = Self::ALL.iter().map(|l| format!("{:?}", l.as_str())).collect();
            Error::config(format!("validation_level must be one of {}, got {s:?}", names.join(", ")))
        })
    }
}

/// Checks a request body (nested or dotted form) for `op` at its documented version, strictly.
/// Returns every problem found.
pub fn validate(op: Operation, body: &Value) -> Result<()> {
    validate_at(op, op.default_api_version(), ValidationLevel::Auto, body)
}

/// Checks a request body for `op` as a client at API `version` with `level` would.
pub fn validate_at(op: Operation, version: u32, level: ValidationLevel, body: &Value) -> Result<()> {
    if needs_rewrite(body, true) {
        return prepare_at(op, version, level, body.clone()).map(|_| ());
    }
    let errors = check(op, version, level, body);
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::Validation(errors)),
    }
}

/// Whether [`prepare`] would change the body (dotted names to expand at any depth, nulls or
/// empty groups to drop) or reject its shape; if not, it can be checked where it is, without a copy.
fn needs_rewrite(v: &Value, top: bool) -> bool {
    match v {
        Value::Object(map) => {
            map.keys().any(|k| k.contains('.'))
                || map.values().any(|v| v.is_null() || matches!(v, Value::Object(m) if m.is_empty()))
                || map.values().any(|v| needs_rewrite(v, false))
        }
        _ => top,
    }
}

/// Turns a body in nested or dotted form into the body to send: dotted names expanded, `null`
/// values and empty groups dropped (absent optionals are never sent), every rule checked.
pub fn prepare(op: Operation, body: Value) -> Result<Value> {
    prepare_at(op, op.default_api_version(), ValidationLevel::Auto, body)
}

/// [`prepare`] for a client at API `version` with `level`.
pub fn prepare_at(op: Operation, version: u32, level: ValidationLevel, body: Value) -> Result<Value> {
    let mut body = expand_dotted(body)?;
    prune(&mut body);
    let errors = check(op, version, level, &body);
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

/// Expands dotted names (`"sourceOfFunds.provided.ach.routingNumber": "…"`) into the gateway's
/// nested shape, at the top level and inside groups alike (`{"sourceOfFunds": {"provided.card":
/// {…}}}` is `sourceOfFunds.provided.card`), so that one body shape goes on the wire and every
/// check sees it. Nested and dotted keys may be mixed; a field given twice is INVALID.
pub fn expand_dotted(body: Value) -> Result<Value> {
    let Value::Object(map) = body else {
        return Err(Error::field(
            "body",
            Invalid,
            format!("must be a JSON object, got {}", type_name(&body)),
        ));
    };
    if !has_dotted_key(&map) {
        return Ok(Value::Object(map));
    }
    let mut errors = Vec::new();
    let out = expand_map(map, "", &mut errors);
    if errors.is_empty() {
        Ok(Value::Object(out))
    } else {
        Err(Error::Validation(errors))
    }
}

fn has_dotted_key(map: &Map<String, Value>) -> bool {
    map.iter().any(|(k, v)| k.contains('.') || matches!(v, Value::Object(m) if has_dotted_key(m)))
}

/// Expands the dotted keys of `map`, whose own dotted path is `prefix`, and of every group in it.
fn expand_map(map: Map<String, Value>, prefix: &str, errors: &mut Vec<FieldError>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in map {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        let parts: Vec<&str> = key.split('.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            errors.push(FieldError::new(full, Unsupported, "is not a field name (empty segment)"));
            continue;
        }
        let value = match value {
            Value::Object(inner) => Value::Object(expand_map(inner, &full, errors)),
            other => other,
        };
        if let Err(e) = insert_path(&mut out, &parts, value) {
            errors.push(FieldError::new(full, Invalid, e));
        }
    }
    out
}

fn insert_path(map: &mut Map<String, Value>, parts: &[&str], value: Value) -> Result<(), &'static str> {
    let Some((last, parents)) = parts.split_last() else {
        return Err("is not a field name");
    };
    let mut cur = map;
    for p in parents {
        let entry = cur.entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
        cur = match entry {
            Value::Object(m) => m,
            _ => return Err("is given both as a value and as a group of fields"),
        };
    }
    match cur.get_mut(*last) {
        Some(existing) => merge_group(existing, value),
        None => {
            cur.insert(last.to_string(), value);
            Ok(())
        }
    }
}

/// Merges a group given in two places (`{"sourceOfFunds": {…}, "sourceOfFunds.provided": {…}}`);
/// a value given in both is an error.
fn merge_group(existing: &mut Value, more: Value) -> Result<(), &'static str> {
    match (existing, more) {
        (Value::Object(existing), Value::Object(more)) => {
            for (k, v) in more {
                match existing.get_mut(&k) {
                    Some(x) => merge_group(x, v)?,
                    None => {
                        existing.insert(k, v);
                    }
                }
            }
            Ok(())
        }
        (Value::Object(_), _) | (_, Value::Object(_)) => {
            Err("is given both as a value and as a group of fields")
        }
        _ => Err("is given twice"),
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
    check_fields_at(op, op.default_api_version(), ValidationLevel::Auto, body)
}

/// [`check_fields`] as a client at API `version` with `level` would check them (see
/// [`ValidationLevel`]: a field the table does not know passes at `KnownFields`, nothing but the
/// body's shape is checked at `Off`).
pub fn check_fields_at(op: Operation, version: u32, level: ValidationLevel, body: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(bad) = BadNumber::find(body) {
        return vec![bad_number("body", bad)];
    }
    let resolved = level.resolve(op, version);
    match body {
        // Dotted keys are expanded first, exactly as for a whole request.
        Value::Object(map) if has_dotted_key(map) => match expand_dotted(body.clone()) {
            Ok(expanded) => return check_fields_at(op, version, level, &expanded),
            Err(e) => errors.extend_from_slice(e.field_errors()),
        },
        Value::Object(_) if resolved == ValidationLevel::Off => {}
        Value::Object(map) => {
            let ctx = Walk { op, version, strict: resolved == ValidationLevel::Strict };
            walk(ctx, op.rules(), &mut String::new(), map, &mut errors)
        }
        _ => errors.push(FieldError::new("body", Invalid, "must be a JSON object")),
    }
    errors
}

/// What a walk of the body needs to know besides the table.
#[derive(Clone, Copy)]
struct Walk {
    op: Operation,
    version: u32,
    /// Unknown fields refused and values checked in full (else JSON types of known fields only).
    strict: bool,
}

fn check(op: Operation, version: u32, level: ValidationLevel, body: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let table = op.rules();
    if let Some(bad) = BadNumber::find(body) {
        return vec![bad_number("body", bad)];
    }
    let Value::Object(map) = body else {
        errors.push(FieldError::new("body", Invalid, "must be a JSON object"));
        return errors;
    };
    let strict = match level.resolve(op, version) {
        ValidationLevel::Off => return errors,
        ValidationLevel::KnownFields => false,
        _ => true,
    };
    walk(Walk { op, version, strict }, table, &mut String::with_capacity(64), map, &mut errors);
    check_compulsory(table, body, &mut errors);
    if strict && op == Operation::CreateToken {
        check_token_cross_fields(body, &mut errors);
    }
    // Every message names the version the rule was judged at.
    let tag = format!("(v{version})");
    for e in &mut errors {
        if !e.explanation.contains(&tag) {
            e.explanation.push(' ');
            e.explanation.push_str(&tag);
        }
    }
    errors
}

/// Checks every field of `map`, whose dotted path so far is `path` (a buffer reused down the
/// tree, so that a valid body allocates nothing here).
fn walk(
    ctx: Walk,
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
            if ctx.strict {
                errors.push(FieldError::new(
                    path.as_str(),
                    Unsupported,
                    format!("is not a request field of {} (v{})", ctx.op.name(), ctx.version),
                ));
            }
            continue;
        };
        match (&rule.kind, value) {
            (Kind::Group, Value::Object(inner)) => walk(ctx, table, path, inner, errors),
            (Kind::Group, other) => {
                errors.push(FieldError::new(
                    path.as_str(),
                    Invalid,
                    format!("must be a JSON object, got {}", type_name(other)),
                ));
            }
            _ if ctx.strict => check_leaf(rule, value, errors),
            _ => check_json_type(rule, value, errors),
        }
    }
    path.truncate(prefix_len);
}

/// The JSON type of a known leaf: a string for text and enumerations, a number for integers.
fn check_json_type(rule: &FieldRule, value: &Value, errors: &mut Vec<FieldError>) {
    let (ok, want) = match rule.kind {
        Kind::Integer { .. } => (value.is_number(), "a JSON number"),
        Kind::Group => (value.is_object(), "a JSON object"),
        _ => (value.is_string(), "a JSON string"),
    };
    if !ok {
        errors.push(FieldError::new(rule.path, Invalid, format!("must be {want}, got {}", type_name(value))));
    }
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

/// The rules the v38 prose states across fields. Each is one the documents state for every
/// combination of sources; anything that depends on what a session or an existing token holds is
/// left to the gateway, which merges request > session > token ("Precedence rules will be
/// applied … Each of these may represent partial card details, however the combination must
/// result in a full and complete set of card details").
///
/// Deliberately not enforced: `session.version` without `session.id`. The spec only says a
/// version that "does not match that stored against the session" is rejected by the gateway
/// with `INVALID_REQUEST`; it never makes `session.id` compulsory, so the gateway judges it.
fn check_token_cross_fields(body: &Value, errors: &mut Vec<FieldError>) {
    // Details the request lacks may be held by a session or an existing token: the client
    // cannot know what they hold, so it demands nothing they could supply.
    let other_sources = lookup(body, "session.id").is_some() || lookup(body, "sourceOfFunds.token").is_some();
    // An unknown or absent type is reported by the field rules already.
    let ty = str_at(body, "sourceOfFunds.type").filter(|t| rules::SOURCE_OF_FUNDS_TYPES.contains(t));

    // Each detail group belongs to one type (`rules::SOURCE_OF_FUNDS_DETAILS`).
    if let Some(ty) = ty {
        for (owner, group, _) in rules::SOURCE_OF_FUNDS_DETAILS {
            if *owner != ty && lookup(body, group).is_some() {
                errors.push(FieldError::new(
                    *group,
                    Unsupported,
                    format!("is only for sourceOfFunds.type {owner}, not {ty}"),
                ));
            }
        }
    }

    if other_sources {
        return;
    }
    // The request is the only source: it must hold the details its type names.
    let details = ty.and_then(|ty| rules::SOURCE_OF_FUNDS_DETAILS.iter().find(|(t, _, _)| *t == ty));
    if let (Some(ty), Some((_, group, needed))) = (ty, details) {
        let why = format!("is required when sourceOfFunds.type is {ty} and neither sourceOfFunds.token nor session.id is given");
        match lookup(body, group) {
            None => errors.push(FieldError::new(*group, Missing, why)),
            Some(Value::Object(details)) => {
                for leaf in needed.iter().filter(|leaf| !details.contains_key(**leaf)) {
                    errors.push(FieldError::new(format!("{group}.{leaf}"), Missing, why.as_str()));
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
        && matches!(ty, None | Some("CARD"))
        && matches!(card, Some(Value::Object(_)))
        && lookup(body, "sourceOfFunds.provided.card.expiry").is_none()
    {
        errors.push(FieldError::new(
            "sourceOfFunds.provided.card.expiry",
            Missing,
            format!(
                "is required when verificationStrategy is {} and neither sourceOfFunds.token nor session.id is given",
                strategy.unwrap_or_default()
            ),
        ));
    }
    // An expiry date is a month and a year; with no other source, the request holds both.
    if let Some(Value::Object(expiry)) = lookup(body, "sourceOfFunds.provided.card.expiry") {
        for part in ["month", "year"].into_iter().filter(|part| !expiry.contains_key(*part)) {
            errors.push(FieldError::new(
                format!("sourceOfFunds.provided.card.expiry.{part}"),
                Missing,
                "is required when the card expiry is given and neither sourceOfFunds.token nor session.id is given",
            ));
        }
    }
}
