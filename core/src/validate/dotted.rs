//! Dotted names (`"sourceOfFunds.type": "CARD"`) expanded into the gateway's nested shape,
//! and `null`s and empty groups dropped.

use serde_json::{Map, Value};

use super::leaf::type_name;
use crate::error::{Error, FieldError, Result};
use crate::model::enums::ValidationType::{Invalid, Unsupported};

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
        crate::secret::zeroize_json(&mut Value::Object(out));
        Err(Error::Validation(errors))
    }
}

pub(super) fn has_dotted_key(map: &Map<String, Value>) -> bool {
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
            crate::secret::zeroize_json(&mut { value });
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

fn insert_path(map: &mut Map<String, Value>, parts: &[&str], mut value: Value) -> Result<(), &'static str> {
    let Some((last, parents)) = parts.split_last() else {
        crate::secret::zeroize_json(&mut value);
        return Err("is not a field name");
    };
    let mut cur = map;
    for p in parents {
        let entry = cur.entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
        cur = match entry {
            Value::Object(m) => m,
            _ => {
                crate::secret::zeroize_json(&mut value);
                return Err("is given both as a value and as a group of fields");
            }
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
fn merge_group(existing: &mut Value, mut more: Value) -> Result<(), &'static str> {
    if !(existing.is_object() && more.is_object()) {
        // The value given twice is dropped here: wiped first.
        let why = if existing.is_object() || more.is_object() {
            "is given both as a value and as a group of fields"
        } else {
            "is given twice"
        };
        crate::secret::zeroize_json(&mut more);
        return Err(why);
    }
    let (Value::Object(existing), Value::Object(more)) = (existing, more) else {
        return Err("is given twice");
    };
    // Every value is merged or wiped, the first problem reported.
    let mut first = Ok(());
    for (k, v) in more {
        match existing.get_mut(&k) {
            Some(x) => {
                let r = merge_group(x, v);
                first = first.and(r);
            }
            None => {
                existing.insert(k, v);
            }
        }
    }
    first
}

/// Drops `null` values and groups left empty.
pub(super) fn prune(value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|_, v| {
            prune(v);
            !(v.is_null() || matches!(v, Value::Object(m) if m.is_empty()))
        });
    }
}
