//! The Create or Update Token request and the groups it is built from.

use serde::Serialize;
use serde_json::Value;

use crate::model::enums::{AchAccountType, SecCode, SourceOfFundsType, VerificationStrategy};
use crate::secret::{CardNumber, SecretString};

/// A Create or Update Token request.
///
/// ```
/// use mpgs::{CardDetails, CreateTokenRequest, VerificationStrategy};
/// let req = CreateTokenRequest::card(CardDetails::new("5123450000000008").expiry("05", "30"))
///     .verification_strategy(VerificationStrategy::Basic);
/// assert_eq!(req.to_json()["sourceOfFunds"]["type"], "CARD");
/// // Debug and Serialize never show the card number in clear; only the wire body does:
/// assert!(format!("{req:?}").contains("512345xxxxxx0008"));
/// assert!(!serde_json::to_string(&req).unwrap().contains("5123450000000008"));
/// assert_eq!(req.expose_json()["sourceOfFunds"]["provided"]["card"]["number"], "5123450000000008");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTokenRequest {
    /// `correlationId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// `responseControls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_controls: Option<ResponseControls>,
    /// `session`: a session whose stored details complete the source of funds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionRef>,
    /// `sourceOfFunds`.
    pub source_of_funds: SourceOfFunds,
    /// `transaction`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction: Option<TransactionInfo>,
    /// `verificationStrategy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_strategy: Option<VerificationStrategy>,
}

/// `responseControls`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseControls {
    /// `responseControls.sensitiveData` (e.g. `UNMASK`, with certificate auth).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive_data: Option<String>,
}

/// `session` of a token request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRef {
    /// `session.id`.
    pub id: String,
    /// `session.version`: the request is rejected if the session changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `transaction`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionInfo {
    /// `transaction.currency` (ISO 4217, 3 upper-case letters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// `sourceOfFunds`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceOfFunds {
    /// `sourceOfFunds.type`.
    #[serde(rename = "type")]
    pub kind: SourceOfFundsType,
    /// `sourceOfFunds.token`: an existing token whose details complete the source of funds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `sourceOfFunds.provided`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provided: Option<ProvidedDetails>,
}

/// `sourceOfFunds.provided`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvidedDetails {
    /// `sourceOfFunds.provided.ach`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ach: Option<AchDetails>,
    /// `sourceOfFunds.provided.card`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDetails>,
    /// `sourceOfFunds.provided.giftCard`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_card: Option<GiftCardDetails>,
}

/// `sourceOfFunds.provided.card` of a request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CardDetails {
    /// `number` (9-19 digits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<CardNumber>,
    /// `expiry`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<Expiry>,
    /// `securityCode` (3-4 digits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_code: Option<SecretString>,
}

/// `sourceOfFunds.provided.card.expiry`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Expiry {
    /// `month`: 1-12 as a string (`"5"` or `"05"`).
    pub month: String,
    /// `year`: 2 digits.
    pub year: String,
}

impl CardDetails {
    /// A card with its number.
    pub fn new(number: impl Into<CardNumber>) -> Self {
        Self { number: Some(number.into()), ..Self::default() }
    }

    /// Sets the expiry (`month` 1-12, `year` two digits).
    pub fn expiry(mut self, month: impl Into<String>, year: impl Into<String>) -> Self {
        self.expiry = Some(Expiry { month: month.into(), year: year.into() });
        self
    }

    /// Sets the security code.
    pub fn security_code(mut self, code: impl Into<SecretString>) -> Self {
        self.security_code = Some(code.into());
        self
    }
}

/// `sourceOfFunds.provided.ach` of a request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AchDetails {
    /// `accountType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_type: Option<AchAccountType>,
    /// `bankAccountHolder` (1-28 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_account_holder: Option<String>,
    /// `bankAccountNumber` (1-17 of 0-9 a-z A-Z space - /). A secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_account_number: Option<SecretString>,
    /// `routingNumber` (9 digits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_number: Option<String>,
    /// `secCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sec_code: Option<SecCode>,
}

impl AchDetails {
    /// An account by routing number and account number.
    pub fn new(routing_number: impl Into<String>, bank_account_number: impl Into<SecretString>) -> Self {
        Self {
            routing_number: Some(routing_number.into()),
            bank_account_number: Some(bank_account_number.into()),
            ..Self::default()
        }
    }

    /// Sets `bankAccountHolder`.
    pub fn holder(mut self, name: impl Into<String>) -> Self {
        self.bank_account_holder = Some(name.into());
        self
    }

    /// Sets `accountType`.
    pub fn account_type(mut self, t: AchAccountType) -> Self {
        self.account_type = Some(t);
        self
    }

    /// Sets `secCode`.
    pub fn sec_code(mut self, c: SecCode) -> Self {
        self.sec_code = Some(c);
        self
    }
}

/// `sourceOfFunds.provided.giftCard` of a request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GiftCardDetails {
    /// `expectedLocalBrand` (4-50 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_local_brand: Option<String>,
    /// `number` (9-19 digits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<CardNumber>,
    /// `pin` (4-8 digits). A secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<SecretString>,
}

impl GiftCardDetails {
    /// A gift card with its number.
    pub fn new(number: impl Into<CardNumber>) -> Self {
        Self { number: Some(number.into()), ..Self::default() }
    }

    /// Sets the PIN.
    pub fn pin(mut self, pin: impl Into<SecretString>) -> Self {
        self.pin = Some(pin.into());
        self
    }

    /// Sets `expectedLocalBrand`.
    pub fn expected_local_brand(mut self, brand: impl Into<String>) -> Self {
        self.expected_local_brand = Some(brand.into());
        self
    }
}

impl CreateTokenRequest {
    fn with_source(kind: SourceOfFundsType, provided: Option<ProvidedDetails>) -> Self {
        Self {
            correlation_id: None,
            response_controls: None,
            session: None,
            source_of_funds: SourceOfFunds { kind, token: None, provided },
            transaction: None,
            verification_strategy: None,
        }
    }

    /// Tokenize a card given directly.
    pub fn card(card: CardDetails) -> Self {
        Self::with_source(
            SourceOfFundsType::Card,
            Some(ProvidedDetails { card: Some(card), ..ProvidedDetails::default() }),
        )
    }

    /// Tokenize a bank account (ACH).
    pub fn ach(ach: AchDetails) -> Self {
        Self::with_source(
            SourceOfFundsType::Ach,
            Some(ProvidedDetails { ach: Some(ach), ..ProvidedDetails::default() }),
        )
    }

    /// Tokenize a gift card.
    pub fn gift_card(card: GiftCardDetails) -> Self {
        Self::with_source(
            SourceOfFundsType::GiftCard,
            Some(ProvidedDetails { gift_card: Some(card), ..ProvidedDetails::default() }),
        )
    }

    /// Tokenize the card details stored in a session (e.g. by the hosted payment form).
    pub fn from_session(session_id: impl Into<String>) -> Self {
        Self::with_source(SourceOfFundsType::Card, None).session(session_id, None::<String>)
    }

    /// Sets `session.id` (and `session.version` for optimistic locking).
    pub fn session(mut self, id: impl Into<String>, version: Option<impl Into<String>>) -> Self {
        self.session = Some(SessionRef { id: id.into(), version: version.map(Into::into) });
        self
    }

    /// Sets `sourceOfFunds.type` (when it is not the one the constructor chose).
    pub fn source_type(mut self, kind: SourceOfFundsType) -> Self {
        self.source_of_funds.kind = kind;
        self
    }

    /// Sets `sourceOfFunds.token`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.source_of_funds.token = Some(token.into());
        self
    }

    /// Sets `verificationStrategy`.
    pub fn verification_strategy(mut self, s: VerificationStrategy) -> Self {
        self.verification_strategy = Some(s);
        self
    }

    /// Sets `correlationId`.
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Sets `transaction.currency`.
    pub fn currency(mut self, currency: impl Into<String>) -> Self {
        self.transaction = Some(TransactionInfo { currency: Some(currency.into()) });
        self
    }

    /// Sets `responseControls.sensitiveData`.
    pub fn sensitive_data(mut self, v: impl Into<String>) -> Self {
        self.response_controls = Some(ResponseControls { sensitive_data: Some(v.into()) });
        self
    }

    /// The body in the gateway's nested shape with its secrets masked (card numbers 6.4, the
    /// rest `***`), as `Serialize` gives it: safe to log, not to send.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The body as it goes on the wire, secrets in clear: the one place a request's secrets are
    /// serialized. The client calls it; call it yourself only to send the body.
    pub fn expose_json(&self) -> Value {
        let mut body = self.to_json();
        let Some(p) = &self.source_of_funds.provided else { return body };
        let mut put = |path: [&str; 2], value: &str| {
            if let Some(slot) = body
                .get_mut("sourceOfFunds")
                .and_then(|v| v.get_mut("provided"))
                .and_then(|v| v.get_mut(path[0]))
                .and_then(|v| v.get_mut(path[1]))
            {
                *slot = Value::String(value.to_owned());
            }
        };
        if let Some(c) = &p.card {
            c.number.iter().for_each(|n| put(["card", "number"], n.expose()));
            c.security_code.iter().for_each(|n| put(["card", "securityCode"], n.expose()));
        }
        if let Some(a) = &p.ach {
            a.bank_account_number.iter().for_each(|n| put(["ach", "bankAccountNumber"], n.expose()));
        }
        if let Some(g) = &p.gift_card {
            g.number.iter().for_each(|n| put(["giftCard", "number"], n.expose()));
            g.pin.iter().for_each(|n| put(["giftCard", "pin"], n.expose()));
        }
        body
    }
}
