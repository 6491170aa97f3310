//! Validation of request bodies against the field tables in [`crate::rules`], before anything is
//! sent. Reports every problem at once, in the gateway's vocabulary.

mod cross;
mod dotted;
mod leaf;

use serde_json::{Map, Value};

use crate::error::{Error, FieldError, Result};
use crate::model::enums::ValidationType;
use crate::number::BadNumber;
use crate::operation::Operation;
use crate::rules::{self, FieldRule, Kind};
use crate::secret::zeroize_json;

use cross::{check_compulsory, check_token_cross_fields};
pub use dotted::expand_dotted;
use dotted::{has_dotted_key, prune};
use leaf::{check_json_type, check_leaf, check_text_value, type_name};
use ValidationType::{Invalid, Unsupported};

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
        return prepare_at(op, version, level, body.clone()).map(|mut copy| zeroize_json(&mut copy));
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
        whole_numbers_as_integers(op, &mut body);
        Ok(body)
    } else {
        // A refused body is wiped here: the caller gave it away.
        zeroize_json(&mut body);
        Err(Error::Validation(errors))
    }
}

/// Writes every integer field given as a float with no fractional part (`5.0`, which the checks
/// accept as 5) as the integer (`5`): the spec's integers have no fractional part, on the wire
/// too. Any other number is left as it is (the checks refuse it, unless the level lets it pass).
fn whole_numbers_as_integers(op: Operation, body: &mut Value) {
    for rule in op.rules().iter().filter(|r| matches!(r.kind, Kind::Integer { .. })) {
        let pointer = format!("/{}", rule.path.replace('.', "/"));
        if let Some(v) = body.pointer_mut(&pointer) {
            let whole = v.as_f64().filter(|f| v.as_i64().is_none() && f.fract() == 0.0 && f.abs() < 9e15);
            if let Some(f) = whole {
                *v = Value::from(f as i64);
            }
        }
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

/// Checks a URL parameter (`{sessionId}`, `{tokenid}`: [`Operation::url_parameter`]) before it
/// goes into a path: MISSING when empty, INVALID when it breaks its rule. On top of the rule,
/// nothing that could change the request's path is ever accepted, whatever the rule allows
/// (`{sessionId}` is any ASCII): `/`, `\`, `..`, `%`, `?`, `#`, spaces and control characters are
/// INVALID, and so is every other character that is not allowed as it stands in a URL path
/// segment (RFC 3986 `pchar`: `"`, `<`, `>`, `[`, `]`, `{`, `}`, `|`, `^`, `` ` ``, and `;`, which
/// some servers strip as a path parameter). An id is never encoded: it is sent as given, or
/// refused.
pub fn check_url_parameter(rule: &FieldRule, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::field(rule.path, ValidationType::Missing, "is required (it is part of the URL)"));
    }
    let path_changing = |c: char| {
        matches!(
            c,
            '/' | '\\'
                | '%'
                | '?'
                | '#'
                | ' '
                | '"'
                | '<'
                | '>'
                | '['
                | ']'
                | '{'
                | '}'
                | '|'
                | '^'
                | '`'
                | ';'
        ) || c.is_control()
    };
    if let Some(c) = value.chars().find(|c| path_changing(*c)) {
        return Err(Error::field(
            rule.path,
            Invalid,
            format!("must not hold {c:?}: it would change the request's path (ids are never encoded)"),
        ));
    }
    if value.contains("..") {
        return Err(Error::field(
            rule.path,
            Invalid,
            "must not hold \"..\": it would change the request's path",
        ));
    }
    let mut errors = Vec::new();
    check_text_value(rule, value, &mut errors);
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
                // A number with a fraction or an exponent (`5.0`, `5e0`) is a JSON number: the
                // checks judge it (a whole one is sent as an integer, any other is refused).
                Err(_) => match t.parse::<f64>() {
                    Ok(f) if !f.is_finite() => BadNumber::json_of_f64(f),
                    Ok(f) if t.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) => {
                        BadNumber::json_of_f64(f)
                    }
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
            Ok(mut expanded) => {
                let errors = check_fields_at(op, version, level, &expanded);
                zeroize_json(&mut expanded);
                return errors;
            }
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
            if ctx.strict && ctx.op.rules_are_complete() {
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

/// Looks a dotted path up in a nested body. Request and answer objects hold a handful of keys,
/// so a scan beats hashing each key (serde_json's map hashes with SipHash).
pub fn lookup<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(body, |v, key| v.as_object()?.iter().find_map(|(k, v)| (k == key).then_some(v)))
}
