//! Types that hold secrets: masked in `Debug`, no `Display`, zeroized on drop.
//!
//! Card numbers print in the gateway's own 6.4 mask (`512345xxxxxx0008`); every other secret
//! (API password, security code, PIN, bank account number, session AES key) prints as `***`.

use std::fmt;

use serde::{Serialize, Serializer};
use zeroize::{Zeroize, Zeroizing};

/// A secret string: API password, security code, PIN, account number, AES key.
///
/// `Debug` prints `***`; there is no `Display`. The bytes are overwritten when it is dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself. Call only where the value must leave the process (the wire).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for SecretString {
    fn from(v: &str) -> Self {
        Self::new(v)
    }
}

impl From<String> for SecretString {
    fn from(v: String) -> Self {
        Self::new(v)
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

/// A primary account number (card or gift-card number). `Debug` shows the 6.4 mask.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CardNumber(SecretString);

impl CardNumber {
    /// Wraps a card number.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::new(value))
    }

    /// The full number. Call only where the value must leave the process (the wire).
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The number as the gateway masks it: first 6 and last 4 kept, `x` between.
    pub fn masked(&self) -> String {
        mask_pan(self.expose())
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl From<&str> for CardNumber {
    fn from(v: &str) -> Self {
        Self::new(v)
    }
}

impl From<String> for CardNumber {
    fn from(v: String) -> Self {
        Self::new(v)
    }
}

impl Serialize for CardNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

/// Masks a card number 6.4 (`5123450000000008` → `512345xxxxxx0008`).
///
/// Numbers too short to keep ten digits and still hide some are masked whole, so that no
/// input, however odd, comes back in clear.
pub fn mask_pan(pan: &str) -> String {
    let chars: Vec<char> = pan.chars().collect();
    let n = chars.len();
    if n < 13 {
        return "x".repeat(n);
    }
    chars.iter().enumerate().map(|(i, c)| if i < 6 || i >= n - 4 { *c } else { 'x' }).collect()
}

/// Replaces every run of 12 or more digits in `text` by its 6.4 mask: for text that may quote a
/// card number (an error page, a gateway explanation).
pub fn mask_digit_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 12 {
            out.push_str(&mask_pan(run));
        } else {
            out.push_str(run);
        }
        run.zeroize();
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Overwrites every string held in a JSON value (keys and values), then empties it.
///
/// Request bodies pass through `serde_json::Value`; this wipes them once sent.
pub fn zeroize_json(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(zeroize_json),
        Value::Object(map) => {
            for (_, v) in map.iter_mut() {
                zeroize_json(v);
            }
        }
        _ => {}
    }
    *value = Value::Null;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_are_masked_six_four() {
        assert_eq!(mask_pan("5123450000000008"), "512345xxxxxx0008");
        assert_eq!(format!("{:?}", CardNumber::new("4508750015741019")), "450875xxxxxx1019");
    }

    #[test]
    fn short_numbers_are_masked_whole() {
        assert_eq!(mask_pan("123456789"), "xxxxxxxxx");
        assert_eq!(mask_pan(""), "");
    }

    #[test]
    fn secret_strings_never_print_their_value() {
        let s = SecretString::new("hunter2-password");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{:?}", Some(&s)), "Some(***)");
    }

    #[test]
    fn digit_runs_in_free_text_are_masked() {
        assert_eq!(
            mask_digit_runs("card 5123450000000008 declined, code 12345"),
            "card 512345xxxxxx0008 declined, code 12345"
        );
    }

    #[test]
    fn zeroize_json_empties_the_value() {
        let mut v = serde_json::json!({"a": {"b": "5123450000000008"}, "c": [1, "x"]});
        zeroize_json(&mut v);
        assert!(v.is_null());
    }
}
