//! Create or Update Token: resolve the source of funds (request > session > token), verify it,
//! store the token.

use mpgs::validate;
use mpgs::{Operation, ValidationLevel};
use serde_json::{json, Map, Value};

use super::{invalid, lock, merge, missing, s, validation_answer, Gateway, StoredToken, TokenManagement};
use super::{TokenStrategy, REPOSITORY_ID};
use crate::answers::{self, lookup};
use crate::cards::{self, bin_lookup, luhn_valid, mask};
use crate::clock::now_iso8601;
use crate::http::Response;

/// A source of funds that passed verification: the key it is stored under, the gateway code,
/// and its masked view for the answer.
struct Verified {
    instrument: String,
    gateway_code: &'static str,
    view: Value,
}

impl Gateway {
    pub(super) fn create_token(&self, merchant: &str, version: u32, body: Value) -> Response {
        // At a version other than the documented 38 the gateway may know fields and values the
        // table does not: the sandbox takes them as the client does (known fields only), keeps
        // them with the token and gives them back, as a newer gateway would.
        let newer = version != Operation::CreateToken.default_api_version();
        let body = match validate::prepare_at(Operation::CreateToken, version, ValidationLevel::Auto, body) {
            Ok(b) => b,
            Err(e) => return validation_answer(e),
        };
        let kind = s(&body, "sourceOfFunds.type").unwrap_or("CARD").to_owned();
        let group = match kind.as_str() {
            "ACH" => "ach",
            "GIFT_CARD" => "giftCard",
            _ => "card",
        };
        let provided = match self.resolve_source_of_funds(merchant, &body) {
            Ok(p) => p,
            Err(r) => return r,
        };
        let strategy = s(&body, "verificationStrategy").unwrap_or("NONE").to_owned();
        let details = provided.get(group).cloned().unwrap_or(Value::Object(Map::new()));
        let verified = match group {
            "card" => self.card(&details, &strategy),
            "ach" => ach(&details),
            _ => gift_card(&details),
        };
        let Verified { instrument, gateway_code, mut view } = match verified {
            Ok(v) => v,
            Err(r) => return r,
        };
        if newer {
            unknown_fields_into(&format!("sourceOfFunds.provided.{group}"), &details, &mut view);
        }
        let mut answer = json!({
            "repositoryId": REPOSITORY_ID,
            "response": {"gatewayCode": gateway_code},
            "result": "SUCCESS",
            "sourceOfFunds": {"provided": {group: view}},
            "status": "VALID",
            "verificationStrategy": strategy,
        });
        // The answer's `sourceOfFunds.type` enumeration lists CARD and GIFT_CARD only at v38; a
        // newer version may list more, so the type is given back as the request named it.
        if newer || answers::ANSWER_SOURCE_TYPES.contains(&kind.as_str()) {
            answer["sourceOfFunds"]["type"] = json!(kind);
        }
        if let Some(c) = body.get("correlationId") {
            answer["correlationId"] = c.clone();
        }
        if gateway_code.starts_with("EXTERNAL_VERIFICATION_")
            && gateway_code != "EXTERNAL_VERIFICATION_SUCCESSFUL"
        {
            // Declined: nothing is stored, no token. `status` is "Always Provided": the details
            // were "identified as invalid".
            answer["result"] = json!("FAILURE");
            answer["status"] = json!("INVALID");
            return Response::json(201, &answer);
        }
        let now = now_iso8601();
        let source_of_funds = json!({"type": kind, "provided": {group: details}});
        let token = self.store(merchant, group, instrument, source_of_funds);
        answer["token"] = json!(token);
        answer["usage"] = json!({"lastUpdated": now, "lastUpdatedBy": merchant, "lastUsed": now});
        // Retrieve Token gives back the same fields (without the request's correlationId).
        let mut stored = answer.clone();
        if let Some(m) = stored.as_object_mut() {
            m.remove("correlationId");
        }
        if let Some(t) = lock(&self.tokens).get_mut(&token) {
            t.answer = stored;
        }
        Response::json(201, &answer)
    }

    /// The request's `sourceOfFunds.provided` merged over what its session and its existing
    /// token hold. Precedence: request > session > token.
    fn resolve_source_of_funds(&self, merchant: &str, body: &Value) -> Result<Value, Response> {
        // "If session.version provided by you does not match that stored against the session,
        // the gateway will reject the operation": without session.id nothing is stored to match.
        if lookup(body, "session.version").is_some() && lookup(body, "session.id").is_none() {
            return Err(invalid(
                "session.version",
                "Session version given without a session.id: it matches no stored session",
            ));
        }
        let mut provided = Value::Object(Map::new());
        if let Some(t) = s(body, "sourceOfFunds.token") {
            match lock(&self.tokens).get(t).filter(|t| t.merchant == merchant) {
                Some(stored) => {
                    merge(&mut provided, stored.source_of_funds.get("provided").unwrap_or(&Value::Null))
                }
                None => return Err(invalid("sourceOfFunds.token", "Token not found")),
            }
        }
        if let Some(id) = s(body, "session.id") {
            let sessions = lock(&self.sessions);
            let Some(session) = sessions.get(id).filter(|s| s.merchant == merchant) else {
                return Err(invalid("session.id", "Session not found"));
            };
            if let Some(v) = s(body, "session.version") {
                if v != session.version() {
                    return Err(invalid(
                        "session.version",
                        "Session version does not match the stored version",
                    ));
                }
            }
            if session.update_status != "SUCCESS" {
                return Err(invalid(
                    "session.id",
                    "Session has not been updated: it holds no payment details",
                ));
            }
            if let Some(p) = session.source_of_funds.get("provided") {
                merge(&mut provided, p);
            }
        }
        if let Some(p) = lookup(body, "sourceOfFunds.provided") {
            merge(&mut provided, p);
        }
        Ok(provided)
    }

    /// Stores the source of funds under a token (the instrument's existing one when the
    /// merchant's tokens are unique per card) and returns the token.
    fn store(&self, merchant: &str, group: &str, instrument: String, source_of_funds: Value) -> String {
        let key = (merchant.to_owned(), instrument);
        let token = {
            let existing = match self.behaviour.token_management {
                TokenManagement::UniqueCard => lock(&self.by_instrument).get(&key).cloned(),
                TokenManagement::UniqueToken => None,
            };
            existing.unwrap_or_else(|| self.new_token(group, &key.1))
        };
        lock(&self.tokens).insert(
            token.clone(),
            StoredToken { merchant: merchant.to_owned(), source_of_funds, answer: Value::Null },
        );
        lock(&self.by_instrument).insert(key, token.clone());
        token
    }

    fn new_token(&self, group: &str, instrument: &str) -> String {
        loop {
            let t = match (self.behaviour.token_strategy, group) {
                (TokenStrategy::Preserve64, "card" | "giftCard") => cards::preserve_6_4_token(instrument),
                _ => cards::random_luhn_token(),
            };
            if !lock(&self.tokens).contains_key(&t) {
                return t;
            }
        }
    }

    /// Checks a card (request, session and token merged) for `strategy`. The merged details must
    /// be "a full and complete set of card details": a number and an expiry, which the answer
    /// then gives ("Always Provided").
    fn card(&self, card: &Value, strategy: &str) -> Result<Verified, Response> {
        const NUMBER: &str = "sourceOfFunds.provided.card.number";
        let Some(number) = s(card, "number") else {
            return Err(missing(NUMBER, "Card number is required"));
        };
        let (month, year) = match (lookup(card, "expiry"), s(card, "expiry.month"), s(card, "expiry.year")) {
            (_, Some(m), Some(y)) => (m, y),
            (None, _, _) => {
                let why = match strategy {
                    "NONE" => "Card expiry is required: the card details are not complete",
                    _ => "Card expiry is required for verification",
                };
                return Err(missing("sourceOfFunds.provided.card.expiry", why));
            }
            (Some(_), None, _) => {
                return Err(missing(
                    "sourceOfFunds.provided.card.expiry.month",
                    "Card expiry month is required",
                ))
            }
            (Some(_), Some(_), None) => {
                return Err(missing(
                    "sourceOfFunds.provided.card.expiry.year",
                    "Card expiry year is required",
                ))
            }
        };
        // Token answers give the expiry as MMYY ("0521").
        let expiry = format!("{month:0>2}{year}");
        let bin = bin_lookup(number);
        let code = match strategy {
            "BASIC" => {
                if !luhn_valid(number) || bin.is_none() {
                    return Err(invalid(NUMBER, "Card number failed basic verification (Luhn or BIN range)"));
                }
                "BASIC_VERIFICATION_SUCCESSFUL"
            }
            "ACQUIRER" => acquirer_code(&expiry, s(card, "securityCode")),
            _ => "NO_VERIFICATION_PERFORMED",
        };
        let (brand, scheme, funding) = bin.unwrap_or(("UNKNOWN", "OTHER", "UNKNOWN"));
        // The answer's card fields: brand, expiry, fundingMethod (Always Provided), number (6.4
        // masked) and scheme. No securityCode: the token answer does not document one.
        let view = json!({"brand": brand, "expiry": expiry, "fundingMethod": funding, "number": mask(number),
                          "scheme": scheme});
        Ok(Verified { instrument: number.to_owned(), gateway_code: code, view })
    }
}

/// Copies into the answer's `view` of a detail group (at dotted `path`) the text fields of the
/// request's `details` that the v38 table does not know: what a newer version's gateway would
/// store and give back (`nameOnCard`). Only text directly in the group; never a known field, so
/// no number, security code or PIN.
fn unknown_fields_into(path: &str, details: &Value, view: &mut Value) {
    let (Some(details), Some(view)) = (details.as_object(), view.as_object_mut()) else { return };
    for (k, v) in details {
        let known = mpgs::rules::find(Operation::CreateToken.rules(), &format!("{path}.{k}")).is_some();
        // Only names of no secret: a newer version's unknown field might be a security code.
        let plain = matches!(k.as_str(), "nameOnCard");
        if !known && plain && v.is_string() && !view.contains_key(k) {
            view.insert(k.clone(), v.clone());
        }
    }
}

/// ACQUIRER verification outcome, after the gateway's published test-card conventions: the
/// expiry date picks the acquirer's answer, and security code 101 is a CSC mismatch.
pub fn acquirer_code(expiry_mmyy: &str, security_code: Option<&str>) -> &'static str {
    if security_code == Some("101") {
        return "EXTERNAL_VERIFICATION_DECLINED_INVALID_CSC";
    }
    match expiry_mmyy {
        "0539" => "EXTERNAL_VERIFICATION_DECLINED",
        "0427" => "EXTERNAL_VERIFICATION_DECLINED_EXPIRED_CARD",
        "0828" | "0137" => "EXTERNAL_VERIFICATION_PROCESSING_ERROR",
        "0237" => "EXTERNAL_VERIFICATION_BLOCKED",
        _ => "EXTERNAL_VERIFICATION_SUCCESSFUL",
    }
}

fn ach(ach: &Value) -> Result<Verified, Response> {
    // "You must provide the payer's bank account details and information about the type of ACH
    // payment under the sourceOfFunds.provided.ach parameter group."
    let Some(account) = s(ach, "bankAccountNumber") else {
        return Err(missing(
            "sourceOfFunds.provided.ach.bankAccountNumber",
            "Bank account number is required",
        ));
    };
    let Some(routing) = s(ach, "routingNumber") else {
        return Err(missing("sourceOfFunds.provided.ach.routingNumber", "Routing number is required"));
    };
    if s(ach, "secCode").is_none() {
        return Err(missing(
            "sourceOfFunds.provided.ach.secCode",
            "The type of ACH payment (SEC code) is required",
        ));
    }
    let digits: String = account.chars().filter(char::is_ascii_digit).collect();
    let last4 = &digits[digits.len().saturating_sub(4)..];
    // Deviation, documented in the README: the answer's bankAccountNumber is typed Digits (9-17)
    // in the spec, which leaves no room for a mask. The sandbox masks it like a card number (all
    // but the last 4 as lowercase `x`, padded to the 9-character minimum) rather than return an
    // account number in clear or invent digits.
    let mut view = json!({
        "accountIdentifier": format!("{routing}{}{last4}", "x".repeat(19usize.saturating_sub(routing.len() + last4.len()))),
        "bankAccountNumber": format!("{}{last4}", "x".repeat(digits.len().clamp(9, 17) - last4.len())),
        "routingNumber": routing,
    });
    for f in ["accountType", "bankAccountHolder", "secCode"] {
        if let Some(v) = ach.get(f) {
            view[f] = v.clone();
        }
    }
    Ok(Verified {
        instrument: format!("{routing}/{account}"),
        gateway_code: "NO_VERIFICATION_PERFORMED",
        view,
    })
}

fn gift_card(card: &Value) -> Result<Verified, Response> {
    let Some(number) = s(card, "number") else {
        return Err(missing("sourceOfFunds.provided.giftCard.number", "Gift card number is required"));
    };
    let mut view = json!({
        "brand": "LOCAL_BRAND_ONLY",
        "localBrand": s(card, "expectedLocalBrand").unwrap_or("SANDBOX_GIFT"),
        "number": mask(number),
        "scheme": "OTHER",
    });
    if let Some(pin) = s(card, "pin") {
        view["pin"] = json!("x".repeat(pin.len()));
    }
    Ok(Verified { instrument: number.to_owned(), gateway_code: "NO_VERIFICATION_PERFORMED", view })
}
