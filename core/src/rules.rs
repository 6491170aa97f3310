//! The documented request fields of both operations, written once as data.
//!
//! Put this file next to `shared/spec/create-session-v58.txt` and `create-token-v38.txt` and tick
//! the rows off: every row is one field of the spec, with its type, lengths, characters,
//! enumeration and whether it is COMPULSORY. The validator (`validate.rs`) only walks these rows.

/// Characters a text field may hold, as the spec words them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chars {
    /// "Data can consist of any characters".
    Any,
    /// "Data consists of ASCII characters" (printable ASCII, space to `~`).
    Ascii,
    /// "Data is a string that consists of the characters 0-9."
    Digits,
    /// "Data may consist of the characters 0-9, a-z, A-Z".
    Alphanumeric,
    /// Alphanumeric plus the additional characters the field lists.
    AlphanumericPlus(&'static [char]),
    /// "Data must consist of the characters A-Z".
    UpperAlpha,
}

impl Chars {
    /// Whether `c` is allowed.
    pub fn allows(self, c: char) -> bool {
        match self {
            Chars::Any => true,
            Chars::Ascii => (' '..='~').contains(&c),
            Chars::Digits => c.is_ascii_digit(),
            Chars::Alphanumeric => c.is_ascii_alphanumeric(),
            Chars::AlphanumericPlus(extra) => c.is_ascii_alphanumeric() || extra.contains(&c),
            Chars::UpperAlpha => c.is_ascii_uppercase(),
        }
    }

    /// The rule in words, for explanations.
    pub fn describe(self) -> String {
        match self {
            Chars::Any => "any characters".to_owned(),
            Chars::Ascii => "printable ASCII characters".to_owned(),
            Chars::Digits => "digits 0-9".to_owned(),
            Chars::Alphanumeric => "characters 0-9, a-z, A-Z".to_owned(),
            Chars::AlphanumericPlus(extra) => {
                let list: Vec<String> = extra.iter().map(|c| format!("'{c}'")).collect();
                format!("characters 0-9, a-z, A-Z, {}", list.join(", "))
            }
            Chars::UpperAlpha => "upper-case letters A-Z".to_owned(),
        }
    }
}

/// What kind of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A JSON object grouping other fields.
    Group,
    /// A JSON string of `min..=max` characters from `chars`.
    Text {
        /// Allowed characters.
        chars: Chars,
        /// Minimum length in characters.
        min: usize,
        /// Maximum length in characters.
        max: usize,
    },
    /// A JSON string of digits whose number lies in `min..=max` (card expiry month).
    DigitsInRange {
        /// Smallest value.
        min: u32,
        /// Largest value.
        max: u32,
        /// Longest string.
        max_len: usize,
    },
    /// A JSON string from a case-sensitive list.
    Enum(&'static [&'static str]),
    /// A JSON number with no fractional part in `min..=max`.
    Integer {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
}

/// How a field's value must be treated in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sensitivity {
    /// May be quoted in an explanation.
    Plain,
    /// A secret: never quoted.
    Secret,
}

/// One documented request field.
#[derive(Clone, Copy, Debug)]
pub struct FieldRule {
    /// Dotted path, as in the spec.
    pub path: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// COMPULSORY in the spec.
    pub compulsory: bool,
    /// Secret or not.
    pub sensitivity: Sensitivity,
}

const fn text(path: &'static str, chars: Chars, min: usize, max: usize) -> FieldRule {
    FieldRule {
        path,
        kind: Kind::Text { chars, min, max },
        compulsory: false,
        sensitivity: Sensitivity::Plain,
    }
}
const fn group(path: &'static str) -> FieldRule {
    FieldRule { path, kind: Kind::Group, compulsory: false, sensitivity: Sensitivity::Plain }
}
const fn enumeration(path: &'static str, values: &'static [&'static str]) -> FieldRule {
    FieldRule { path, kind: Kind::Enum(values), compulsory: false, sensitivity: Sensitivity::Plain }
}
const fn digits_in_range(path: &'static str, min: u32, max: u32, max_len: usize) -> FieldRule {
    FieldRule {
        path,
        kind: Kind::DigitsInRange { min, max, max_len },
        compulsory: false,
        sensitivity: Sensitivity::Plain,
    }
}
const fn integer(path: &'static str, min: i64, max: i64) -> FieldRule {
    FieldRule { path, kind: Kind::Integer { min, max }, compulsory: false, sensitivity: Sensitivity::Plain }
}
impl FieldRule {
    const fn compulsory(mut self) -> Self {
        self.compulsory = true;
        self
    }
    const fn secret(mut self) -> Self {
        self.sensitivity = Sensitivity::Secret;
        self
    }
}

use crate::model::enums::{AchAccountType, SecCode, SourceOfFundsType, VerificationStrategy};
use Chars::*;

/// `{merchantId}` (URL parameter of both operations).
pub const MERCHANT_ID: FieldRule = text("merchantId", AlphanumericPlus(&['-', '_']), 1, 40).compulsory();

/// `{sessionId}`, the URL parameter of Retrieve Session and Update Session ("Session: Retrieve
/// Session" and "Session: Update Session", REST JSON version 58): "Data consists of ASCII
/// characters", min length 31, max length 35. Characters that would change the path are refused
/// on top of this rule (`validate::check_url_parameter`).
pub const SESSION_ID: FieldRule = text("sessionId", Ascii, 31, 35).compulsory();

/// `{tokenid}`, the URL parameter of Retrieve Token and Delete Token ("Tokenization: Retrieve
/// Token", REST JSON version 58, and "Tokenization: Delete Token", version 55; the same in the
/// v38 reference): "Data may consist of the characters 0-9, a-z, A-Z", min length 1, max length 40.
pub const TOKEN_ID: FieldRule = text("tokenid", Alphanumeric, 1, 40).compulsory();

/// Create Session, API version 58: request fields.
#[rustfmt::skip]
pub static CREATE_SESSION: &[FieldRule] = &[
    text("correlationId", Any, 1, 100),
    group("session"),
    integer("session.authenticationLimit", 0, 25),
];

// The four request enumerations are written once, in `model/enums.rs` (the typed values a
// request is built from); the table takes their `VALUES`. `core/tests/validation.rs` checks
// each against its own transcription of the spec.

/// `sourceOfFunds.type` values.
pub const SOURCE_OF_FUNDS_TYPES: &[&str] = SourceOfFundsType::VALUES;
/// `verificationStrategy` values.
pub const VERIFICATION_STRATEGIES: &[&str] = VerificationStrategy::VALUES;

/// Create or Update Token (system-generated token), API version 38: request fields.
#[rustfmt::skip]
pub static CREATE_TOKEN: &[FieldRule] = &[
    text("correlationId", Any, 1, 100),
    group("responseControls"),
    text("responseControls.sensitiveData", Any, 1, 50),
    group("session"),
    text("session.id", Ascii, 31, 35),
    text("session.version", Ascii, 10, 10),
    group("sourceOfFunds").compulsory(),
    text("sourceOfFunds.token", Alphanumeric, 1, 40),
    enumeration("sourceOfFunds.type", SOURCE_OF_FUNDS_TYPES).compulsory(),
    group("sourceOfFunds.provided"),
    group("sourceOfFunds.provided.ach"),
    enumeration("sourceOfFunds.provided.ach.accountType", AchAccountType::VALUES),
    text("sourceOfFunds.provided.ach.bankAccountHolder", Any, 1, 28),
    text("sourceOfFunds.provided.ach.bankAccountNumber", AlphanumericPlus(&[' ', '-', '/']), 1, 17).secret(),
    text("sourceOfFunds.provided.ach.routingNumber", Digits, 9, 9),
    enumeration("sourceOfFunds.provided.ach.secCode", SecCode::VALUES),
    // The v38 excerpt names `sourceOfFunds.provided.card` (verificationStrategy's text requires
    // `sourceOfFunds.provided.card.expiry`) without listing its request fields. These are the
    // gateway's published ones, from the MPGS API reference for Create or Update Token
    // (https://na.gateway.mastercard.com/api/documentation/apiDocumentation/rest-json/version/38/operation/Tokenization%3a%20%20Create%20or%20Update%20Token.html):
    // number "Digits", 9-19; expiry.month "a number between 1 and 12 represented as a string";
    // expiry.year "a 2 digit number represented as a string"; securityCode "Digits", 3-4.
    group("sourceOfFunds.provided.card"),
    group("sourceOfFunds.provided.card.expiry"),
    digits_in_range("sourceOfFunds.provided.card.expiry.month", 1, 12, 2),
    text("sourceOfFunds.provided.card.expiry.year", Digits, 2, 2),
    text("sourceOfFunds.provided.card.number", Digits, 9, 19).secret(),
    text("sourceOfFunds.provided.card.securityCode", Digits, 3, 4).secret(),
    group("sourceOfFunds.provided.giftCard"),
    text("sourceOfFunds.provided.giftCard.expectedLocalBrand", Any, 4, 50),
    text("sourceOfFunds.provided.giftCard.number", Digits, 9, 19).secret(),
    text("sourceOfFunds.provided.giftCard.pin", Digits, 4, 8).secret(),
    group("transaction"),
    text("transaction.currency", UpperAlpha, 3, 3),
    enumeration("verificationStrategy", VERIFICATION_STRATEGIES),
];

/// Update Session, API version 58: the request fields whose rules this crate knows. A session
/// may store any request field of the operations that take a session ("Session: Update Session",
/// REST JSON version 58, lists hundreds: `order.*`, `customer.*`, `billing.*`…); the table holds
/// only the ones the documented tables already rule (`shared/spec/related-operations.md`):
/// `correlationId`; `session.authenticationLimit` as in Create Session v58; `session.version` (for
/// optimistic locking) and every `sourceOfFunds.*` row as in Create or Update Token v38, none of
/// them compulsory (an update may carry part of the details). Any other field passes unchecked
/// ([`crate::Operation::rules_are_complete`]). Derived from the two tables, so that each row is
/// written once.
pub fn update_session() -> &'static [FieldRule] {
    static TABLE: std::sync::LazyLock<Vec<FieldRule>> = std::sync::LazyLock::new(|| {
        let mut table = vec![text("correlationId", Any, 1, 100), group("session")];
        table.extend(CREATE_SESSION.iter().filter(|r| r.path.starts_with("session.")).copied());
        let from_token = |r: &&FieldRule| {
            r.path == "session.version" || r.path == "sourceOfFunds" || r.path.starts_with("sourceOfFunds.")
        };
        table.extend(CREATE_TOKEN.iter().filter(from_token).map(|r| FieldRule { compulsory: false, ..*r }));
        table
    });
    &TABLE
}

/// Each `sourceOfFunds.type`, the `sourceOfFunds.provided` group that holds its details (no other
/// type's group may be given), and the details the request must hold when it is their only
/// source (neither `sourceOfFunds.token` nor `session.id`). The v38 prose: "If the payer chose
/// to pay using a gift card, you must submit sourceOfFunds.type=GIFT_CARD and provide the
/// payer's gift card details in this parameter group"; ACH: "You must provide the payer's bank
/// account details [bankAccountNumber, routingNumber] and information about the type of ACH
/// payment [secCode] under the sourceOfFunds.provided.ach parameter group"; CARD: "The payer's
/// card details must be provided" (in `sourceOfFunds.provided.card`, the group
/// verificationStrategy names).
#[rustfmt::skip]
pub(crate) static SOURCE_OF_FUNDS_DETAILS: &[(&str, &str, &[&str])] = &[
    ("ACH",       "sourceOfFunds.provided.ach",      &["bankAccountNumber", "routingNumber", "secCode"]),
    ("CARD",      "sourceOfFunds.provided.card",     &["number"]),
    ("GIFT_CARD", "sourceOfFunds.provided.giftCard", &["number"]),
];

/// Looks a dotted path up in a table.
pub fn find(table: &'static [FieldRule], path: &str) -> Option<&'static FieldRule> {
    // Paths of one table mostly differ in length or in their last byte: test those first.
    let last = path.as_bytes().last();
    table.iter().find(|r| r.path.len() == path.len() && r.path.as_bytes().last() == last && r.path == path)
}
