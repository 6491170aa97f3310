//! What the gateway's answers may hold, transcribed from the answer sections of
//! `shared/spec/create-session-v58.txt` and `create-token-v38.txt` (and, where the spec is silent
//! or real traffic differs, `shared/GATEWAY-FACTS.md`, said so at the line). Written here,
//! independently of the `mpgs` client, so that the sandbox's answers come from the documents and
//! not from the client's code paths: the sandbox judges requests with the client's rules, but
//! what it answers is checked against this file.

use serde_json::Value;

/// How often a documented answer field appears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existence {
    /// "Always Provided" (when its group is).
    Always,
    /// "CONDITIONAL".
    Conditional,
}

use Existence::{Always, Conditional};

/// Create Session (v58) answer fields. `lineOfBusiness` is documented but the sandbox's
/// merchants have none.
pub const SESSION_ANSWER: &[(&str, Existence)] = &[
    ("correlationId", Conditional),
    ("lineOfBusiness", Conditional),
    ("merchant", Always),
    ("result", Always),
    ("session.aes256Key", Always),
    ("session.authenticationLimit", Always),
    ("session.id", Always),
    ("session.updateStatus", Always),
    ("session.version", Always),
];

/// Create or Update Token (v38) answer fields ("Response Parameters").
pub const TOKEN_ANSWER: &[(&str, Existence)] = &[
    ("correlationId", Conditional),
    ("repositoryId", Conditional),
    ("response.gatewayCode", Conditional),
    ("result", Always),
    ("sourceOfFunds.provided", Always),
    ("sourceOfFunds.provided.ach.accountIdentifier", Conditional),
    ("sourceOfFunds.provided.ach.accountType", Conditional),
    ("sourceOfFunds.provided.ach.bankAccountHolder", Conditional),
    ("sourceOfFunds.provided.ach.bankAccountNumber", Conditional),
    ("sourceOfFunds.provided.ach.routingNumber", Conditional),
    ("sourceOfFunds.provided.ach.secCode", Conditional),
    ("sourceOfFunds.provided.card.brand", Always),
    ("sourceOfFunds.provided.card.expiry", Always),
    ("sourceOfFunds.provided.card.fundingMethod", Always),
    ("sourceOfFunds.provided.card.issuer", Conditional),
    ("sourceOfFunds.provided.card.localBrand", Conditional),
    ("sourceOfFunds.provided.card.number", Conditional),
    ("sourceOfFunds.provided.card.scheme", Conditional),
    ("sourceOfFunds.provided.giftCard.brand", Always),
    ("sourceOfFunds.provided.giftCard.localBrand", Conditional),
    ("sourceOfFunds.provided.giftCard.number", Conditional),
    ("sourceOfFunds.provided.giftCard.pin", Conditional),
    ("sourceOfFunds.provided.giftCard.scheme", Conditional),
    // The answer's enumeration lists CARD and GIFT_CARD only: an ACH token answer has no type.
    ("sourceOfFunds.type", Conditional),
    ("status", Always),
    ("token", Conditional),
    ("usage.lastUpdated", Conditional),
    ("usage.lastUpdatedBy", Conditional),
    ("usage.lastUsed", Conditional),
    ("verificationStrategy", Conditional),
];

/// Error answer fields (both operations). `result` is `ERROR` in every documented one.
pub const ERROR_ANSWER: &[(&str, Existence)] = &[
    ("error.cause", Always),
    ("error.explanation", Conditional),
    ("error.field", Conditional),
    ("error.supportCode", Conditional),
    ("error.validationType", Conditional),
    ("result", Always),
];

/// `sourceOfFunds.type` values of a token answer.
pub const ANSWER_SOURCE_TYPES: &[&str] = &["CARD", "GIFT_CARD"];

/// `error.field`: "Min length: 1 Max length: 100".
pub const ERROR_FIELD_MAX: usize = 100;
/// `error.explanation`: "Min length: 1 Max length: 1000".
pub const ERROR_EXPLANATION_MAX: usize = 1000;

/// `error.cause` INVALID_REQUEST, as the spec describes it.
pub const INVALID_REQUEST: &str = "The request was rejected because it did not conform to the API protocol.";

/// `error.validationType`, with the spec's wording of each value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationType {
    /// "The request contained a field with a value that did not pass validation."
    Invalid,
    /// "The request was missing a mandatory field."
    Missing,
    /// "The request contained a field that is unsupported."
    Unsupported,
}

impl ValidationType {
    /// The value on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invalid => "INVALID",
            Self::Missing => "MISSING",
            Self::Unsupported => "UNSUPPORTED",
        }
    }

    /// The spec's description of the value.
    pub fn description(self) -> &'static str {
        match self {
            Self::Invalid => "The request contained a field with a value that did not pass validation.",
            Self::Missing => "The request was missing a mandatory field.",
            Self::Unsupported => "The request contained a field that is unsupported.",
        }
    }
}

/// `text` cut to at most `max` characters (the spec's caps count characters).
pub fn cap(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The dotted paths of every leaf (and empty group) of `answer`.
pub fn leaf_paths(answer: &Value) -> Vec<String> {
    fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, v) in m {
                    let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    walk(v, &p, out);
                }
            }
            _ => out.push(path.to_owned()),
        }
    }
    let mut out = Vec::new();
    walk(answer, "", &mut out);
    out
}

/// What is wrong with `answer` against `table`: fields the table does not document, and
/// "Always Provided" fields missing although their group is there.
pub fn check_answer(answer: &Value, table: &[(&str, Existence)]) -> Vec<String> {
    let mut problems = Vec::new();
    for path in leaf_paths(answer) {
        if !table.iter().any(|(p, _)| *p == path) {
            problems.push(format!("{path}: not a documented answer field"));
        }
    }
    for (path, existence) in table {
        if *existence != Always || lookup(answer, path).is_some() {
            continue;
        }
        let parent_present = match path.rfind('.') {
            None => true,
            Some(dot) => lookup(answer, &path[..dot]).is_some(),
        };
        if parent_present {
            problems.push(format!("{path}: Always Provided, but absent"));
        }
    }
    problems
}

/// A field by dotted path.
pub fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.as_object()?.get(k))
}
