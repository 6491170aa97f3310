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
    let mut chars: Vec<char> = text.chars().collect();
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
    chars.zeroize();
    out
}

/// True when `digits` (ASCII digits only) pass the Luhn check that every card number passes.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        let Some(d) = (c as char).to_digit(10) else { return false };
        let d = if i % 2 == 1 { d * 2 } else { d };
        sum += if d > 9 { d - 9 } else { d };
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Replaces every card number in `text` by its 6.4 mask: a run of 12 to 19 digits that passes
/// the Luhn check, counted across single spaces or dashes between them (`5123 4500 0000 0008`,
/// `5123-4500-0000-0008`), for text that may quote a card number (an error page, a gateway
/// explanation). A run that is no card number (an order id `3451-5454545-5454-8766`, a date,
/// a support code) is left as it was written.
pub fn mask_digit_runs(text: &str) -> String {
    mask_digit_runs_known(text, &[])
}

/// [`mask_digit_runs`], and also every run whose digits are those of a value in `known` (the
/// request's own secrets), whatever their spacing: masked 6.4 when 12 to 19 digits long,
/// hidden whole otherwise.
fn mask_digit_runs_known(text: &str, known: &[String]) -> String {
    map_digit_runs(text, &[' ', '-'], |run, _, _| {
        let mut only = zeroize::Zeroizing::new(run.iter().filter(|c| c.is_ascii_digit()).collect::<String>());
        let card_length = (12..=19).contains(&only.len());
        let is_known = known.iter().any(|k| k.as_str() == only.as_str());
        if is_known && !card_length {
            return HIDDEN.to_owned();
        }
        let is_card = card_length && luhn_valid(&only);
        if !(is_known || is_card) {
            return run.iter().collect();
        }
        let pan = zeroize::Zeroizing::new(mask_pan(&only));
        let mut masked = pan.chars();
        only.zeroize();
        run.iter().map(|c| if c.is_ascii_digit() { masked.next().unwrap_or('x') } else { *c }).collect()
    })
}

/// Hides secrets in text the client did not write (a gateway explanation, an error page): every
/// value in `known` (the secrets of the request that was sent, the credentials) wherever it
/// appears, in any encoding a server is known to use ([`find_encoded`]); then card numbers and
/// the digits of known values however spaced ([`mask_digit_runs`]).
pub fn redact_text(text: &str, known: &[&str]) -> String {
    let mut s = text.to_owned();
    // Longest first, so that a value inside another is not replaced half-way.
    let mut known: Vec<&str> = known.iter().copied().filter(|k| k.chars().count() >= 3).collect();
    known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    for k in &known {
        let next = replace_encoded(&s, k);
        s.zeroize();
        s = next;
    }
    // Values made of digits (a card number, an account number), to find however spaced.
    let digits: Vec<String> = known
        .iter()
        .filter(|k| k.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-'))
        .map(|k| k.chars().filter(char::is_ascii_digit).collect::<String>())
        .filter(|d| d.len() >= 3)
        .collect();
    let out = mask_digit_runs_known(&s, &digits);
    digits.into_iter().for_each(|mut d| d.zeroize());
    s.zeroize();
    out
}

/// Replaces every occurrence of `secret` in `text`, in any encoding [`find_encoded`] knows, by
/// [`HIDDEN`].
fn replace_encoded(text: &str, secret: &str) -> String {
    let mut t: Vec<char> = text.chars().collect();
    let k: Vec<char> = secret.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < t.len() {
        match find_encoded(&t, i, &k).filter(|&end| end > i) {
            Some(end) => {
                out.push_str(HIDDEN);
                i = end;
            }
            None => {
                out.push(t[i]);
                i += 1;
            }
        }
    }
    t.zeroize();
    out
}

/// Whether `secret` is written at `text[at..]`, each of its characters as itself or in one of
/// the encodings servers use when they quote a request (an error page echoing a header, a JSON
/// or URL-encoded body): JSON escapes (`\/`, `\u002f`), percent-encoding (`%2F`, `%2f`, `+` for
/// a space, UTF-8 bytes for other characters) and HTML character references (`&#47;`, `&#x2F;`,
/// `&amp;`…), mixed freely. Returns where the match ends.
pub(crate) fn find_encoded(text: &[char], at: usize, secret: &[char]) -> Option<usize> {
    // (place in the text, characters of the secret matched): a character may be spelled more
    // than one way at one place (`&` itself, or `&amp;`), and each is tried, the literal first.
    let mut todo = vec![(at, 0)];
    while let Some((i, k)) = todo.pop() {
        let Some(&c) = secret.get(k) else { return Some(i) };
        todo.extend(encoded_char_at(text, i, c).into_iter().rev().flatten().map(|n| (i + n, k + 1)));
    }
    None
}

/// The lengths (up to two) of the spellings of `c` at `text[i..]`, in any encoding
/// [`find_encoded`] knows.
fn encoded_char_at(t: &[char], i: usize, c: char) -> [Option<usize>; 2] {
    let first = t.get(i).copied();
    let literal = (first == Some(c)).then_some(1);
    [literal, first.and_then(|f| escaped_char_at(t, i, f, c))]
}

/// The length of an escaped spelling of `c` at `text[i..]` (whose first character is `first`).
fn escaped_char_at(t: &[char], i: usize, first: char, c: char) -> Option<usize> {
    let at = |j: usize| t.get(i + j).copied();
    let hex = |from: usize, n: usize| -> Option<u32> {
        let s: String = (0..n).map(|j| at(from + j)).collect::<Option<String>>()?;
        (s.len() == n && s.chars().all(|h| h.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(&s, 16).ok())?
    };
    match first {
        // JSON (and JavaScript) escapes: `\/`, `\"`, `\\`, `\u002f`.
        '\\' if at(1) == Some(c) && !c.is_ascii_alphanumeric() => Some(2),
        '\\' if at(1) == Some('u') && hex(2, 4) == Some(c as u32) => Some(6),
        // URL encoding: `+` for a space, `%2F` for `/`, `%C3%A9` for `é`.
        '+' if c == ' ' => Some(1),
        '%' => {
            let mut utf8 = [0u8; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            for (n, b) in bytes.iter().enumerate() {
                if at(3 * n) != Some('%') || hex(3 * n + 1, 2) != Some(u32::from(*b)) {
                    return None;
                }
            }
            Some(3 * bytes.len())
        }
        // HTML character references: `&#47;`, `&#x2f;`, `&amp;`.
        '&' => {
            let end = (1..12).find(|&j| at(j) == Some(';'))?;
            let name: String = (1..end).filter_map(at).collect();
            let value = match name.strip_prefix('#') {
                Some(n) if n.starts_with(['x', 'X']) => u32::from_str_radix(&n[1..], 16).ok(),
                Some(n) => n.parse().ok(),
                None => ["amp", "lt", "gt", "quot", "apos"]
                    .iter()
                    .zip(['&', '<', '>', '"', '\''])
                    .find(|(e, _)| **e == name)
                    .map(|(_, ch)| ch as u32),
            };
            (value == Some(c as u32)).then_some(end + 1)
        }
        _ => None,
    }
}

/// The forms in which HTTP Basic credentials `user:password` can come back in an answer: the
/// password itself, and the Base64 of `user:password` (standard and URL-safe alphabets, with
/// and without padding). Each is then looked for in every encoding [`find_encoded`] knows.
pub fn basic_credential_forms(user: &str, password: &str) -> Vec<SecretString> {
    use base64::Engine as _;
    let plain = zeroize::Zeroizing::new(format!("{user}:{password}"));
    let e = base64::engine::general_purpose::STANDARD.encode(plain.as_bytes());
    let u = base64::engine::general_purpose::URL_SAFE.encode(plain.as_bytes());
    let mut forms = vec![SecretString::new(password)];
    for b in [e, u] {
        let trimmed = b.trim_end_matches('=').to_owned();
        forms.push(SecretString::new(b));
        forms.push(SecretString::new(trimmed));
    }
    forms
}

/// [`basic_credential_forms`] of the credentials inside an `Authorization: Basic …` (or
/// `Proxy-Authorization`) value; nothing for any other value.
pub fn basic_header_forms(header: &str) -> Vec<SecretString> {
    use base64::Engine as _;
    let Some(encoded) = header.strip_prefix("Basic ") else { return Vec::new() };
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else { return Vec::new() };
    let raw = zeroize::Zeroizing::new(raw);
    let text = zeroize::Zeroizing::new(String::from_utf8_lossy(&raw).into_owned());
    match text.split_once(':') {
        Some((user, password)) => basic_credential_forms(user, password),
        None => Vec::new(),
    }
}

/// The answer fields, by key, whose values are masked in text that quotes an answer even when
/// it is not valid JSON ([`mask_json_text`]): every key of [`HIDDEN_KEYS`], the account number
/// names, and `number` (masked 6.4: card and gift card numbers).
const TEXT_HIDDEN_KEYS: &[&str] = &["accountNumber", "cardNumber"];

/// Masks the values of secret fields in text that looks like JSON but may not parse (an answer
/// cut short, or with a byte too many): a tolerant scan for `"name" : value` where `name` is a
/// secret field name of an answer (`aes256Key`, `securityCode`, `pin`, `bankAccountNumber`,
/// `accountIdentifier`, `accountNumber`, `password`: hidden as `***`; `number`: 6.4). A value
/// cut short is masked to the end of the text. Everything else is copied as it is.
pub fn mask_json_text(text: &str) -> String {
    let mut t: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < t.len() {
        if t[i] != '"' {
            out.push(t[i]);
            i += 1;
            continue;
        }
        let end = string_end(&t, i);
        let name: String = t[i + 1..end.saturating_sub(1).max(i + 1)].iter().collect();
        out.push_str(&mask_string_token(&t[i..end]));
        i = end;
        let hidden = HIDDEN_KEYS.contains(&name.as_str()) || TEXT_HIDDEN_KEYS.contains(&name.as_str());
        if !hidden && name != "number" {
            continue;
        }
        let mut j = i;
        while t.get(j).is_some_and(|c| c.is_whitespace()) {
            j += 1;
        }
        if t.get(j) != Some(&':') {
            continue;
        }
        j += 1;
        while t.get(j).is_some_and(|c| c.is_whitespace()) {
            j += 1;
        }
        let (value_start, value_end, quoted) = match t.get(j) {
            Some('"') => (j + 1, string_end(&t, j), true),
            Some(c) if !matches!(c, '{' | '[') => {
                let e = (j..t.len()).find(|&k| matches!(t[k], ',' | '}' | ']') || t[k].is_whitespace());
                (j, e.unwrap_or(t.len()), false)
            }
            _ => continue,
        };
        out.extend(&t[i..j]);
        let closed = quoted && value_end > value_start && t[value_end - 1] == '"';
        let inner_end = if closed { value_end - 1 } else { value_end };
        let mut value = zeroize::Zeroizing::new(t[value_start..inner_end].iter().collect::<String>());
        let masked = if hidden { HIDDEN.to_owned() } else { mask_pan(&value) };
        value.zeroize();
        out.push_str(&if quoted { format!("\"{masked}\"") } else { masked });
        i = value_end;
    }
    t.zeroize();
    out
}

/// A JSON string token (quotes included) as written, or, when it holds JSON of its own (a page
/// that quotes an answer: `"{\"aes256Key\":\"…\"}"`), with that JSON's secret fields masked too.
fn mask_string_token(token: &[char]) -> String {
    let s = zeroize::Zeroizing::new(token.iter().collect::<String>());
    let closed = token.len() >= 2 && token.last() == Some(&'"');
    let inner = &s[1..if closed { s.len() - 1 } else { s.len() }];
    if !inner.contains("\\\"") {
        return s.to_string();
    }
    let unescaped = zeroize::Zeroizing::new(inner.replace("\\\"", "\""));
    let masked = zeroize::Zeroizing::new(mask_json_text(&unescaped));
    if masked == unescaped {
        return s.to_string();
    }
    format!("\"{}{}", masked.replace('"', "\\\""), if closed { "\"" } else { "" })
}

/// Where the JSON string that opens at `t[start]` (a `"`) ends: just after its closing quote, or
/// the end of the text when it is cut short.
fn string_end(t: &[char], start: usize) -> usize {
    let mut k = start + 1;
    while k < t.len() {
        match t[k] {
            '\\' => k += 2,
            '"' => return k + 1,
            _ => k += 1,
        }
    }
    t.len()
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

    #[test]
    fn digit_runs_that_are_no_card_number_are_left_as_written() {
        let s = "Unable to find order 3451-5454545-5454-8766 for merchant TEST, ref 123456789012";
        assert_eq!(mask_digit_runs(s), s);
        assert_eq!(redact_text(s, &["737"]), s);
        assert_eq!(mask_digit_runs("order 5123450000000009"), "order 5123450000000009", "fails Luhn");
        assert_eq!(mask_digit_runs("support 20261121123456789012"), "support 20261121123456789012");
    }

    #[test]
    fn luhn_valid_card_numbers_are_masked_however_spaced() {
        assert!(luhn_valid("5123450000000008") && !luhn_valid("5123450000000009") && !luhn_valid(""));
        assert_eq!(mask_digit_runs("pan 4111 1111 1111 1111."), "pan 4111 11xx xxxx 1111.");
        assert_eq!(mask_digit_runs("6011000000000000001"), "601100xxxxxxxxx0001");
        assert_eq!(mask_digit_runs("5123-4500-0000-0008"), "5123-45xx-xxxx-0008");
    }

    #[test]
    fn the_requests_own_values_are_masked_in_any_spacing_even_when_they_fail_luhn() {
        let s = redact_text(
            "card 5123 4500 0000 0009, account 9988-7766-5544-33",
            &["5123450000000009", "99887766554433"],
        );
        assert_eq!(s, "card 5123 45xx xxxx 0009, account 9988-77xx-xx44-33");
        assert_eq!(redact_text("pin 8 4 7 3", &["8473"]), "pin ***");
        assert_eq!(redact_text("code 12-34-56-78-9", &["123456789"]), "code ***");
    }

    #[test]
    fn credentials_are_hidden_in_every_encoding_a_server_uses() {
        // Base64 with `+` and `=`, and with `/`.
        for pw in ["p/ss w+rd&é~~", "p/ss w+rd&é?"] {
            let forms = basic_credential_forms("merchant.TEST", pw);
            let known: Vec<&str> = forms.iter().map(SecretString::expose).collect();
            let b64 = forms[1].expose().to_owned();
            let json = b64.replace('/', "\\/");
            let u = b64.replace('/', "\\u002F").replace('+', "\\u002b").replace('=', "\\u003d");
            let pct = b64.replace('/', "%2F").replace('+', "%2b").replace('=', "%3D");
            let html = b64.replace('/', "&#x2F;").replace('+', "&#43;");
            let tail = pw.split_once('é').map_or("", |(_, t)| t);
            for text in [
                format!("Authorization: Basic {b64}"),
                format!("{{\"authorization\":\"Basic {json}\"}}"),
                format!("{{\"authorization\":\"Basic {u}\"}}"),
                format!("auth=Basic%20{pct}&x=1"),
                format!("<p>Basic {html}</p>"),
                format!("Basic {}", b64.trim_end_matches('=')),
                format!("pw {pw}; p\\/ss w+rd&amp;é{tail}; p%2Fss+w%2Brd%26%C3%A9{tail}; p&#47;ss w&#x2b;rd&amp;&#233;{tail}"),
            ] {
                let r = redact_text(&text, &known);
                assert!(!r.contains(b64.trim_end_matches('=')), "{text} -> {r}");
                assert!(!r.contains("ss w") && !r.contains("ss+w") && !r.contains("ss w&"), "{text} -> {r}");
                assert!(r.contains(HIDDEN), "{text} -> {r}");
            }
        }
    }

    #[test]
    fn secret_fields_are_masked_in_json_text_that_does_not_parse() {
        let key = "q1Zx/9+AbCdEfGhIjKlMnOpQrStUvWxYz0123456789=";
        let body = format!(
            r#"{{"session":{{"aes256Key" : "{key}","id":"SESSION0001"}},"sourceOfFunds":{{"provided":{{"card":{{"number":"5123450000000009","securityCode":737,"pin":"1\"23"}}}}}}}}x"#
        );
        let m = mask_json_text(&body);
        assert!(
            !m.contains(key) && !m.contains("q1Zx") && !m.contains("737") && !m.contains(r#"1\"23"#),
            "{m}"
        );
        assert!(m.contains(r#""aes256Key" : "***""#) && m.contains("SESSION0001"), "{m}");
        assert!(m.contains(r#""number":"512345xxxxxx0009""#), "{m}");
        // Cut short inside the value: masked to the end.
        let cut = format!(r#"{{"session":{{"aes256Key":"{}"#, &key[..20]);
        let m = mask_json_text(&cut);
        assert!(!m.contains(&key[..20]) && !m.contains("q1Zx") && m.ends_with("\"***\""), "{m}");
        assert_eq!(
            mask_json_text(r#"{"result":"SUCCESS","merchant":"M1"}"#),
            r#"{"result":"SUCCESS","merchant":"M1"}"#
        );
        assert_eq!(mask_json_text(r#"{"pin""#), r#"{"pin""#);
        // JSON quoted inside a string (a page quoting the answer).
        let page = format!(
            r#"{{"upstream":"{{\"session\":{{\"aes256Key\":\"{key}\"}}}}","note":"a \"quoted\" word"}}"#
        );
        let m = mask_json_text(&page);
        assert!(!m.contains(&key[..10]), "{m}");
        assert!(m.contains(r#"\"aes256Key\":\"***\""#) && m.contains(r#""note":"a \"quoted\" word""#), "{m}");
        assert_eq!(mask_json_text(r#""pin":"#), r#""pin":"#);
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
