//! Card facts the sandbox needs: Luhn, a BIN range table, token generation, the 6.4 mask.

// The old paths of what moved to `random` and `clock`, kept for users of the crate.
#[doc(hidden)]
pub use crate::clock::{iso8601, now_iso8601};
#[doc(hidden)]
pub use crate::random::{random_bytes, random_digits};

/// Whether a digit string passes the Luhn check.
pub fn luhn_valid(digits: &str) -> bool {
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && luhn_sum(digits, false).is_multiple_of(10)
}

fn luhn_sum(digits: &str, double_first: bool) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            let double = (i % 2 == 1) != double_first;
            if double {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum()
}

/// The Luhn check digit for `payload`.
pub fn luhn_check_digit(payload: &str) -> char {
    let sum = luhn_sum(payload, true);
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// RANDOM_WITH_LUHN: 16 digits, starting with 9, passing Luhn.
pub fn random_luhn_token() -> String {
    let mut t = String::from("9");
    t.push_str(&random_digits(14));
    let c = luhn_check_digit(&t);
    t.push(c);
    t
}

/// PRESERVE_6_4: first 6 and last 4 of the number, random middle that does not pass Luhn.
pub fn preserve_6_4_token(number: &str) -> String {
    // Digits only: at a newer API version the number is not checked, and may hold anything.
    let n = number.len();
    if n < 11 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return random_luhn_token();
    }
    loop {
        let t = format!("{}{}{}", &number[..6], random_digits(n - 10), &number[n - 4..]);
        if !luhn_valid(&t) && t != number {
            return t;
        }
    }
}

/// Brand, scheme and funding method of a card number, from a small BIN range table.
/// `None` when the number is in no known range.
pub fn bin_lookup(number: &str) -> Option<(&'static str, &'static str, &'static str)> {
    let p = |n: usize| number.get(..n).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    let table: &[(bool, (&str, &str, &str))] = &[
        ((51..=55).contains(&p(2)) || (2221..=2720).contains(&p(4)), ("MASTERCARD", "MASTERCARD", "CREDIT")),
        (p(1) == 4, ("VISA", "VISA", "DEBIT")),
        (p(2) == 34 || p(2) == 37, ("AMEX", "AMEX", "CHARGE")),
        (p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3)), ("DISCOVER", "DISCOVER", "CREDIT")),
        ((3528..=3589).contains(&p(4)), ("JCB", "JCB", "CREDIT")),
        (p(2) == 36 || (300..=305).contains(&p(3)) || p(2) == 38, ("DINERS_CLUB", "DINERS_CLUB", "CREDIT")),
        (p(2) == 62, ("CHINA_UNIONPAY", "CHINA_UNIONPAY", "DEBIT")),
        (p(2) == 50 || (56..=58).contains(&p(2)) || p(2) == 67, ("MAESTRO", "MASTERCARD", "DEBIT")),
        (p(2) == 60 || p(2) == 81 || p(2) == 82, ("RUPAY", "RUPAY", "DEBIT")),
        (p(1) == 1, ("UATP", "UATP", "CREDIT")),
    ];
    table.iter().find(|(hit, _)| *hit).map(|(_, v)| *v)
}

/// The gateway's 6.4 mask with lowercase `x` ("returned in 6.4 masking format, for example,
/// 000000xxxxxx0000"; GATEWAY-FACTS: `512345xxxxxx0008`). A number under 13 digits, where 6 + 4
/// would leave almost nothing hidden, is masked whole. The sandbox's own, not the client's.
pub fn mask(number: &str) -> String {
    let n = number.chars().count();
    number.chars().enumerate().map(|(i, c)| if n >= 13 && (i < 6 || i >= n - 4) { c } else { 'x' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_the_public_test_cards() {
        for c in ["5123450000000008", "4508750015741019", "4005555555000009"] {
            assert!(luhn_valid(c), "{c}");
        }
        assert!(!luhn_valid("5123450000000009"));
    }

    #[test]
    fn random_tokens_are_16_digits_starting_with_9_and_pass_luhn() {
        for _ in 0..200 {
            let t = random_luhn_token();
            assert_eq!(t.len(), 16);
            assert!(t.starts_with('9'));
            assert!(luhn_valid(&t), "{t}");
        }
    }

    #[test]
    fn preserve_6_4_tokens_keep_the_ends_and_fail_luhn() {
        for _ in 0..200 {
            let t = preserve_6_4_token("5123450000000008");
            assert_eq!(&t[..6], "512345");
            assert_eq!(&t[12..], "0008");
            assert!(!luhn_valid(&t));
        }
    }

    #[test]
    fn bin_table_knows_the_test_cards() {
        assert_eq!(bin_lookup("5123450000000008").map(|b| b.0), Some("MASTERCARD"));
        assert_eq!(bin_lookup("4508750015741019").map(|b| b.0), Some("VISA"));
        assert_eq!(bin_lookup("9999990000000000"), None);
    }
}
