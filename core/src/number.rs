//! Numbers a binding was given that JSON cannot carry: an integer beyond 64 bits, NaN, infinity.
//!
//! A binding never drops such a number nor turns it into `null` (which would be pruned and
//! silently not sent): it puts [`BadNumber::into_value`] where the number was, and validation
//! reports it as an `INVALID` error of the field it landed in, by dotted path, before anything is
//! sent. The marker can never be sent: a body holding one fails validation.

use serde_json::{Map, Number, Value};

/// The marker's only key. No field name has a NUL in it, so no request field is mistaken for it.
const MARKER: &str = "\0mpgs:bad-number";

/// What kind of number JSON could not carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BadNumber {
    /// An integer below -2^63 or above 2^64 - 1.
    Beyond64Bits,
    /// Not a number (a float NaN).
    NaN,
    /// Positive or negative infinity (a float, or number text too large for one).
    Infinite,
}

impl BadNumber {
    /// The value a binding puts where the number was.
    pub fn into_value(self) -> Value {
        Value::Object(Map::from_iter([(MARKER.to_owned(), Value::String(self.name().to_owned()))]))
    }

    /// The JSON for a float: a number when finite, the marker otherwise.
    pub fn json_of_f64(f: f64) -> Value {
        match Number::from_f64(f) {
            Some(n) => Value::Number(n),
            None if f.is_nan() => Self::NaN.into_value(),
            None => Self::Infinite.into_value(),
        }
    }

    /// The marker's kind, when `value` is (or holds at its top) a marker.
    pub fn find(value: &Value) -> Option<Self> {
        match value.as_object()?.get(MARKER)?.as_str()? {
            "beyond-64-bits" => Some(Self::Beyond64Bits),
            "nan" => Some(Self::NaN),
            _ => Some(Self::Infinite),
        }
    }

    /// The number in words, for explanations. Never the value itself: it may be a secret.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Beyond64Bits => "an integer beyond 64 bits",
            Self::NaN => "NaN",
            Self::Infinite => "infinity",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Beyond64Bits => "beyond-64-bits",
            Self::NaN => "nan",
            Self::Infinite => "infinite",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_comes_back_from_its_value() {
        for kind in [BadNumber::Beyond64Bits, BadNumber::NaN, BadNumber::Infinite] {
            assert_eq!(BadNumber::find(&kind.into_value()), Some(kind));
        }
        assert_eq!(BadNumber::find(&BadNumber::json_of_f64(f64::NAN)), Some(BadNumber::NaN));
        assert_eq!(BadNumber::find(&BadNumber::json_of_f64(f64::NEG_INFINITY)), Some(BadNumber::Infinite));
        assert_eq!(BadNumber::json_of_f64(2.5), serde_json::json!(2.5));
        assert_eq!(BadNumber::find(&serde_json::json!({"session": {}})), None);
    }
}
