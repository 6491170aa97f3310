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

/// Rewrites every run of digits in `text` with `f(run, before, after)`: a run is the longest
/// stretch of digits, joined by single `joiners` between digits, and `before`/`after` are the
/// characters around it. Everything else is copied as it is. One scanner for every digit mask.
pub(crate) fn map_digit_runs(
    text: &str,
    joiners: &[char],
    mut f: impl FnMut(&[char], Option<char>, Option<char>) -> String,
) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let (mut end, mut j) = (i, i);
        while j < chars.len() {
            if chars[j].is_ascii_digit() {
                j += 1;
                end = j;
            } else if joiners.contains(&chars[j]) && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
                j += 1;
            } else {
                break;
            }
        }
        let before = i.checked_sub(1).map(|k| chars[k]);
        out.push_str(&f(&chars[i..end], before, chars.get(end).copied()));
        i = end;
    }
    out
}

/// Replaces every card-number-like run in `text` by its 6.4 mask: 12 or more digits, counted
/// across single spaces or dashes between them (`5123 4500 0000 0008`, `5123-4500-0000-0008`),
/// for text that may quote a card number (an error page, a gateway explanation).
pub fn mask_digit_runs(text: &str) -> String {
    map_digit_runs(text, &[' ', '-'], |run, _, _| {
        let mut only: String = run.iter().filter(|c| c.is_ascii_digit()).collect();
        if only.len() < 12 {
            only.zeroize();
            return run.iter().collect();
        }
        let pan = mask_pan(&only);
        only.zeroize();
        let mut masked = pan.chars();
        run.iter().map(|c| if c.is_ascii_digit() { masked.next().unwrap_or('x') } else { *c }).collect()
    })
}

/// Hides secrets in text the client did not write (a gateway explanation, an error page): every
/// value in `known` (the secrets of the request that was sent) wherever it appears, then
/// card-number-like digit runs ([`mask_digit_runs`]).
pub fn redact_text(text: &str, known: &[&str]) -> String {
    let mut s = text.to_owned();
    // Longest first, so that a value inside another is not replaced half-way.
    let mut known: Vec<&str> = known.to_vec();
    known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    for k in known.iter().filter(|k| k.chars().count() >= 3) {
        if s.contains(*k) {
            s = s.replace(*k, HIDDEN);
        }
    }
    mask_digit_runs(&s)
}

/// The answer fields that hold secrets, by key: hidden wherever they appear in an answer.
const HIDDEN_KEYS: &[&str] =
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
    fn card_numbers_with_spaces_or_dashes_are_masked() {
        assert_eq!(mask_digit_runs("pan 5123 4500 0000 0008 bad"), "pan 5123 45xx xxxx 0008 bad");
        assert_eq!(mask_digit_runs("5123-4500-0000-0008"), "5123-45xx-xxxx-0008");
        assert_eq!(mask_digit_runs("on 2026-11-21 at 10 00"), "on 2026-11-21 at 10 00");
    }

    #[test]
    fn known_secret_values_are_hidden_wherever_they_appear() {
        let s = redact_text("Value '123' for securityCode, account 12345678 rejected", &["123", "12345678"]);
        assert_eq!(s, "Value '***' for securityCode, account *** rejected");
        assert_eq!(redact_text("code 12", &["12"]), "code 12", "values under 3 characters are left");
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
