//! Secrets in text the client did not write (a gateway explanation, an error page, a quote of an
//! answer that does not parse): card numbers by their digits, the request's own values and the
//! credentials in every encoding a server uses, secret fields of JSON that may not parse.

use zeroize::Zeroize;

use super::{mask_pan, SecretString, HIDDEN, HIDDEN_KEYS};

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
/// appears, in any encoding a server is known to use (as written, JSON-escaped, URL-encoded, as
/// HTML character references); then card numbers and the digits of known values however spaced
/// ([`mask_digit_runs`]).
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
/// and without padding). [`redact_text`] then looks for each in every encoding it knows.
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn digit_runs_in_free_text_are_masked() {
        assert_eq!(
            mask_digit_runs("card 5123450000000008 declined, code 12345"),
            "card 512345xxxxxx0008 declined, code 12345"
        );
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
}
