//! The rules that span fields: compulsory leaves, and the v38 prose's rules across fields.

use serde_json::Value;

use super::lookup;
use crate::error::FieldError;
use crate::model::enums::ValidationType::{Missing, Unsupported};
use crate::rules::{self, FieldRule, Kind};

/// Compulsory leaves are MISSING when absent, if every group above them is present or itself
/// compulsory (so an empty token body reports `sourceOfFunds.type`, not two errors).
pub(super) fn check_compulsory(table: &'static [FieldRule], body: &Value, errors: &mut Vec<FieldError>) {
    for rule in table.iter().filter(|r| r.compulsory && r.kind != Kind::Group) {
        if lookup(body, rule.path).is_some() {
            continue;
        }
        let mut blocked = false;
        let mut prefix = rule.path;
        while let Some(dot) = prefix.rfind('.') {
            prefix = &prefix[..dot];
            let present = lookup(body, prefix);
            let group_compulsory = rules::find(table, prefix).is_some_and(|r| r.compulsory);
            match present {
                Some(Value::Object(_)) => {}
                Some(_) => blocked = true, // reported as INVALID already
                None if group_compulsory => {}
                None => blocked = true,
            }
        }
        if !blocked {
            errors.push(FieldError::new(rule.path, Missing, "is compulsory"));
        }
    }
}

fn str_at<'a>(body: &'a Value, path: &str) -> Option<&'a str> {
    lookup(body, path).and_then(Value::as_str)
}

/// The rules the v38 prose states across fields. Each is one the documents state for every
/// combination of sources; anything that depends on what a session or an existing token holds is
/// left to the gateway, which merges request > session > token ("Precedence rules will be
/// applied … Each of these may represent partial card details, however the combination must
/// result in a full and complete set of card details").
///
/// Deliberately not enforced: `session.version` without `session.id`. The spec only says a
/// version that "does not match that stored against the session" is rejected by the gateway
/// with `INVALID_REQUEST`; it never makes `session.id` compulsory, so the gateway judges it.
pub(super) fn check_token_cross_fields(body: &Value, errors: &mut Vec<FieldError>) {
    // Details the request lacks may be held by a session or an existing token: the client
    // cannot know what they hold, so it demands nothing they could supply.
    let other_sources = lookup(body, "session.id").is_some() || lookup(body, "sourceOfFunds.token").is_some();
    // An unknown or absent type is reported by the field rules already.
    let ty = str_at(body, "sourceOfFunds.type").filter(|t| rules::SOURCE_OF_FUNDS_TYPES.contains(t));

    // Each detail group belongs to one type (`rules::SOURCE_OF_FUNDS_DETAILS`).
    if let Some(ty) = ty {
        for (owner, group, _) in rules::SOURCE_OF_FUNDS_DETAILS {
            if *owner != ty && lookup(body, group).is_some() {
                errors.push(FieldError::new(
                    *group,
                    Unsupported,
                    format!("is only for sourceOfFunds.type {owner}, not {ty}"),
                ));
            }
        }
    }

    if other_sources {
        return;
    }
    // The request is the only source: it must hold the details its type names.
    let details = ty.and_then(|ty| rules::SOURCE_OF_FUNDS_DETAILS.iter().find(|(t, _, _)| *t == ty));
    if let (Some(ty), Some((_, group, needed))) = (ty, details) {
        let why = format!("is required when sourceOfFunds.type is {ty} and neither sourceOfFunds.token nor session.id is given");
        match lookup(body, group) {
            None => errors.push(FieldError::new(*group, Missing, why)),
            Some(Value::Object(details)) => {
                for leaf in needed.iter().filter(|leaf| !details.contains_key(**leaf)) {
                    errors.push(FieldError::new(format!("{group}.{leaf}"), Missing, why.as_str()));
                }
            }
            Some(_) => {}
        }
    }

    // "When the verification strategy is BASIC or ACQUIRER you must also provide the card
    // expiry date in the sourceOfFunds.provided.card.expiry parameter group."
    let strategy = str_at(body, "verificationStrategy");
    let card = lookup(body, "sourceOfFunds.provided.card");
    if matches!(strategy, Some("BASIC" | "ACQUIRER"))
        && matches!(ty, None | Some("CARD"))
        && matches!(card, Some(Value::Object(_)))
        && lookup(body, "sourceOfFunds.provided.card.expiry").is_none()
    {
        errors.push(FieldError::new(
            "sourceOfFunds.provided.card.expiry",
            Missing,
            format!(
                "is required when verificationStrategy is {} and neither sourceOfFunds.token nor session.id is given",
                strategy.unwrap_or_default()
            ),
        ));
    }
    // An expiry date is a month and a year; with no other source, the request holds both.
    if let Some(Value::Object(expiry)) = lookup(body, "sourceOfFunds.provided.card.expiry") {
        for part in ["month", "year"].into_iter().filter(|part| !expiry.contains_key(*part)) {
            errors.push(FieldError::new(
                format!("sourceOfFunds.provided.card.expiry.{part}"),
                Missing,
                "is required when the card expiry is given and neither sourceOfFunds.token nor session.id is given",
            ));
        }
    }
}
