//! The Create or Update Token answer.

use std::fmt;

use serde_json::Value;

use crate::model::enums::{
    AchAccountType, CardBrand, CardScheme, FundingMethod, GatewayCode, GiftCardBrand, GiftCardScheme,
    OperationResult, SecCode, SourceOfFundsType, TokenStatus, VerificationStrategy,
};
use crate::model::{parsed, text, Raw, ResponseMeta};
use crate::secret::{CardNumber, SecretString};
use crate::validate::lookup;

/// `sourceOfFunds.provided.card` of an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct CardInfo {
    /// `brand`.
    pub brand: Option<CardBrand>,
    /// `expiry` as the token answer gives it: `MMYY`.
    pub expiry: Option<String>,
    /// `fundingMethod`.
    pub funding_method: Option<FundingMethod>,
    /// `issuer`.
    pub issuer: Option<String>,
    /// `localBrand`.
    pub local_brand: Option<String>,
    /// `number`, masked 6.4 unless unmasked numbers were asked for; `Debug` masks it always.
    pub number: Option<CardNumber>,
    /// `scheme`.
    pub scheme: Option<CardScheme>,
}

impl CardInfo {
    /// The expiry month (1-12) from `MMYY`.
    pub fn expiry_month(&self) -> Option<u32> {
        self.expiry_digits().map(|(m, _)| m).filter(|m| (1..=12).contains(m))
    }

    /// The two-digit expiry year from `MMYY`.
    pub fn expiry_year(&self) -> Option<u32> {
        self.expiry_digits().map(|(_, y)| y)
    }

    /// `MMYY` as two numbers, or None unless it is exactly four ASCII digits (never slices a
    /// string the gateway sent on a byte index).
    fn expiry_digits(&self) -> Option<(u32, u32)> {
        let e = self.expiry.as_deref()?;
        if e.len() != 4 || !e.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let d: Vec<u32> = e.bytes().map(|b| u32::from(b - b'0')).collect();
        Some((d[0] * 10 + d[1], d[2] * 10 + d[3]))
    }
}

/// `sourceOfFunds.provided.ach` of an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct AchInfo {
    /// `accountIdentifier`.
    pub account_identifier: Option<SecretString>,
    /// `accountType`.
    pub account_type: Option<AchAccountType>,
    /// `bankAccountHolder`.
    pub bank_account_holder: Option<String>,
    /// `bankAccountNumber`. A secret.
    pub bank_account_number: Option<SecretString>,
    /// `routingNumber`.
    pub routing_number: Option<String>,
    /// `secCode`.
    pub sec_code: Option<SecCode>,
}

/// `sourceOfFunds.provided.giftCard` of an answer.
#[derive(Clone, Debug, PartialEq)]
pub struct GiftCardInfo {
    /// `brand` (`LOCAL_BRAND_ONLY`).
    pub brand: Option<GiftCardBrand>,
    /// `localBrand`.
    pub local_brand: Option<String>,
    /// `number`, masked.
    pub number: Option<CardNumber>,
    /// `pin`, masked. A secret.
    pub pin: Option<SecretString>,
    /// `scheme` (`OTHER`).
    pub scheme: Option<GiftCardScheme>,
}

/// `usage`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    /// `usage.lastUpdated` (`YYYY-MM-DDThh:mm:ss.SSSZ`).
    pub last_updated: Option<String>,
    /// `usage.lastUpdatedBy`.
    pub last_updated_by: Option<String>,
    /// `usage.lastUsed`.
    pub last_used: Option<String>,
}

/// A created or updated token.
#[derive(Clone, PartialEq)]
pub struct Token {
    /// `token`.
    pub token: Option<String>,
    /// `status`.
    pub status: Option<TokenStatus>,
    /// `repositoryId`.
    pub repository_id: Option<String>,
    /// `response.gatewayCode`.
    pub gateway_code: Option<GatewayCode>,
    /// `result`.
    pub result: Option<OperationResult>,
    /// `verificationStrategy`.
    pub verification_strategy: Option<VerificationStrategy>,
    /// `sourceOfFunds.type`.
    pub source_of_funds_type: Option<SourceOfFundsType>,
    /// `sourceOfFunds.provided.card`.
    pub card: Option<CardInfo>,
    /// `sourceOfFunds.provided.ach`.
    pub ach: Option<AchInfo>,
    /// `sourceOfFunds.provided.giftCard`.
    pub gift_card: Option<GiftCardInfo>,
    /// `usage`.
    pub usage: Option<Usage>,
    /// `correlationId`.
    pub correlation_id: Option<String>,
    /// HTTP status, API version, elapsed time, attempts.
    pub meta: ResponseMeta,
    /// The whole answer, unknown fields included.
    pub raw: Raw,
}

fn group<'a>(raw: &'a Value, path: &str) -> Option<&'a Value> {
    lookup(raw, path).filter(|v| v.is_object())
}

impl Token {
    /// Decodes an answer. Never fails: missing or oddly typed fields are `None`.
    pub fn from_json(raw: Value, meta: ResponseMeta) -> Self {
        let card = group(&raw, "sourceOfFunds.provided.card").map(|c| CardInfo {
            brand: parsed(c, "brand"),
            expiry: text(c, "expiry"),
            funding_method: parsed(c, "fundingMethod"),
            issuer: text(c, "issuer"),
            local_brand: text(c, "localBrand"),
            number: text(c, "number").map(CardNumber::new),
            scheme: parsed(c, "scheme"),
        });
        let ach = group(&raw, "sourceOfFunds.provided.ach").map(|a| AchInfo {
            account_identifier: text(a, "accountIdentifier").map(SecretString::new),
            account_type: parsed(a, "accountType"),
            bank_account_holder: text(a, "bankAccountHolder"),
            bank_account_number: text(a, "bankAccountNumber").map(SecretString::new),
            routing_number: text(a, "routingNumber"),
            sec_code: parsed(a, "secCode"),
        });
        let gift_card = group(&raw, "sourceOfFunds.provided.giftCard").map(|g| GiftCardInfo {
            brand: parsed(g, "brand"),
            local_brand: text(g, "localBrand"),
            number: text(g, "number").map(CardNumber::new),
            pin: text(g, "pin").map(SecretString::new),
            scheme: parsed(g, "scheme"),
        });
        let usage = group(&raw, "usage").map(|u| Usage {
            last_updated: text(u, "lastUpdated"),
            last_updated_by: text(u, "lastUpdatedBy"),
            last_used: text(u, "lastUsed"),
        });
        Self {
            token: text(&raw, "token"),
            status: parsed(&raw, "status"),
            repository_id: text(&raw, "repositoryId"),
            gateway_code: parsed(&raw, "response.gatewayCode"),
            result: parsed(&raw, "result"),
            verification_strategy: parsed(&raw, "verificationStrategy"),
            source_of_funds_type: parsed(&raw, "sourceOfFunds.type"),
            card,
            ach,
            gift_card,
            usage,
            correlation_id: text(&raw, "correlationId"),
            meta,
            raw: Raw::new(raw),
        }
    }

    /// Any field of the answer by dotted name.
    pub fn get(&self, path: &str) -> Option<&Value> {
        self.raw.get_path(path)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("token", &self.token)
            .field("status", &self.status)
            .field("repository_id", &self.repository_id)
            .field("gateway_code", &self.gateway_code)
            .field("result", &self.result)
            .field("source_of_funds_type", &self.source_of_funds_type)
            .field("card", &self.card)
            .field("ach", &self.ach)
            .field("gift_card", &self.gift_card)
            .field("usage", &self.usage)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

/// Delete Token's answer ("Tokenization: Delete Token", REST JSON version 55: `result` always
/// provided, `correlationId` when sent). Once deleted, the token is unknown to the gateway.
#[derive(Clone, PartialEq)]
pub struct DeleteTokenResult {
    /// `result` (`SUCCESS`).
    pub result: Option<OperationResult>,
    /// `correlationId`, as sent.
    pub correlation_id: Option<String>,
    /// HTTP status, API version, elapsed time, attempts.
    pub meta: ResponseMeta,
    /// The whole answer, unknown fields included.
    pub raw: Raw,
}

impl DeleteTokenResult {
    /// Decodes an answer. Never fails: missing or oddly typed fields are `None`.
    pub fn from_json(raw: Value, meta: ResponseMeta) -> Self {
        Self {
            result: parsed(&raw, "result"),
            correlation_id: text(&raw, "correlationId"),
            meta,
            raw: Raw::new(raw),
        }
    }
}

impl fmt::Debug for DeleteTokenResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeleteTokenResult")
            .field("result", &self.result)
            .field("correlation_id", &self.correlation_id)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}
