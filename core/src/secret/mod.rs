//! Types that hold secrets: masked in `Debug`, no `Display`, zeroized on drop.
//!
//! Card numbers print in the gateway's own 6.4 mask (`512345xxxxxx0008`); every other secret
//! (API password, security code, PIN, bank account number, session AES key) prints as `***`.

use std::fmt;

use serde::{Serialize, Serializer};
use zeroize::{Zeroize, Zeroizing};

mod text;

pub(crate) use text::map_digit_runs;
pub use text::{
    basic_credential_forms, basic_header_forms, luhn_valid, mask_digit_runs, mask_json_text, redact_text,
};

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
        f.write_str(HIDDEN)
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

/// Serializes as `***`: a secret reaches the wire only through an explicit expose path
/// ([`crate::CreateTokenRequest::expose_json`]), never through `Serialize`.
impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(HIDDEN)
    }
}

/// What a hidden secret reads as, wherever it is shown.
pub const HIDDEN: &str = "***";

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

/// Serializes as the 6.4 mask, like `Debug`.
impl Serialize for CardNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
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

/// The answer fields that hold secrets, by key: hidden wherever they appear in an answer.
pub(crate) const HIDDEN_KEYS: &[&str] =
    &["securityCode", "pin", "bankAccountNumber", "accountIdentifier", "aes256Key", "password"];

/// Masks the known secret fields of a gateway answer in place: `number` under `card` or
/// `giftCard` 6.4; security code, PIN, account number and AES key hidden (`***`). What the
/// default raw-answer accessors of every binding return.
pub fn mask_answer(value: &mut serde_json::Value) {
    mask_answer_under(value, "");
}

fn mask_answer_under(value: &mut serde_json::Value, parent: &str) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if HIDDEN_KEYS.contains(&k.as_str()) => {
                        s.zeroize();
                        *s = HIDDEN.to_owned();
                    }
                    Value::String(s) if k == "number" && (parent == "card" || parent == "giftCard") => {
                        let masked = mask_pan(s);
                        s.zeroize();
                        *s = masked;
                    }
                    Value::Number(_) if HIDDEN_KEYS.contains(&k.as_str()) => {
                        *v = Value::String(HIDDEN.to_owned());
                    }
                    Value::Number(_) if k == "number" && (parent == "card" || parent == "giftCard") => {
                        *v = Value::String(mask_pan(&v.to_string()));
                    }
                    _ => mask_answer_under(v, k),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask_answer_under(v, parent)),
        _ => {}
    }
}

/// Overwrites every string value held in a JSON value (its whole buffer, spare capacity
/// included), then empties it. Keys (field names) are not secret and are not wiped; numbers
/// are not wiped either (no secret field is a number).
///
/// Request bodies pass through `serde_json::Value`; this wipes them once sent.
pub fn zeroize_json(value: &mut serde_json::Value) {
    wipe_strings(value);
    *value = serde_json::Value::Null;
}

/// Overwrites the buffer of every string value in `value` in place, leaving them empty (what
/// [`zeroize_json`] does before it empties the value).
pub(crate) fn wipe_strings(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe_strings),
        Value::Object(map) => map.iter_mut().for_each(|(_, v)| wipe_strings(v)),
        _ => {}
    }
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
    fn answers_are_masked_at_every_secret_path() {
        let mut v = serde_json::json!({"session": {"aes256Key": "AAAA="}, "sourceOfFunds": {"provided": {
            "card": {"number": "5123450000000008", "securityCode": "123", "brand": "MASTERCARD"},
            "giftCard": {"number": "6011000000000000004", "pin": "1234"},
            "ach": {"bankAccountNumber": "12345678", "routingNumber": "011000015"}}}});
        mask_answer(&mut v);
        let p = &v["sourceOfFunds"]["provided"];
        assert_eq!(v["session"]["aes256Key"], HIDDEN);
        assert_eq!(p["card"]["number"], "512345xxxxxx0008");
        assert_eq!(p["card"]["securityCode"], HIDDEN);
        assert_eq!(p["card"]["brand"], "MASTERCARD");
        assert_eq!(p["giftCard"]["number"], "601100xxxxxxxxx0004");
        assert_eq!(p["giftCard"]["pin"], HIDDEN);
        assert_eq!(p["ach"]["bankAccountNumber"], HIDDEN);
        assert_eq!(p["ach"]["routingNumber"], "011000015");
    }

    #[test]
    fn secrets_serialize_masked() {
        assert_eq!(serde_json::to_string(&SecretString::new("123")).unwrap(), "\"***\"");
        assert_eq!(
            serde_json::to_string(&CardNumber::new("5123450000000008")).unwrap(),
            "\"512345xxxxxx0008\""
        );
    }

    #[test]
    fn zeroize_json_empties_the_value() {
        let mut v = serde_json::json!({"a": {"b": "5123450000000008"}, "c": [1, "x"]});
        zeroize_json(&mut v);
        assert!(v.is_null());
    }

    /// The heap buffer behind a string value, read back after it was wiped (the string still
    /// owns it: length 0, capacity kept).
    fn buffer_of(v: &serde_json::Value) -> (*const u8, usize) {
        let serde_json::Value::String(s) = v else { panic!("not a string") };
        (s.as_ptr(), s.capacity())
    }

    #[test]
    fn wiping_a_json_value_overwrites_every_string_buffer_in_place() {
        let mut v = serde_json::json!({"session": {"aes256Key": "q1Zx/9+AbCdEfGhIjKlMnOpQrStUvWxYz0123456789="},
            "list": ["5123450000000008"]});
        let key = buffer_of(&v["session"]["aes256Key"]);
        let pan = buffer_of(&v["list"][0]);
        wipe_strings(&mut v);
        for (ptr, cap) in [key, pan] {
            assert!(cap >= 16);
            // SAFETY: the strings still own their buffers (`cap` bytes, written by the wipe).
            let bytes = unsafe { std::slice::from_raw_parts(ptr, cap) };
            assert!(bytes.iter().all(|b| *b == 0), "{bytes:?}");
        }
        assert_eq!(v["session"]["aes256Key"], "");
    }
}
