//! The gateway's enumerations. Each keeps a value it does not know as `Unrecognized(String)`, so
//! an answer from a newer gateway never fails to decode. The catch-all is named so that it cannot
//! be mistaken for a documented value: the spec's own `OTHER` (card and gift card `scheme`) is the
//! variant `Other`, and `Unrecognized("OTHER")` never comes out of [`CardScheme::parse`].

use std::fmt;

macro_rules! gateway_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the client does not know, kept as the gateway sent it.
            /// Never one of [`Self::VALUES`].
            Unrecognized(String),
        }

        impl $name {
            /// Every documented value, as the gateway spells it.
            pub const VALUES: &'static [&'static str] = &[$($text),+];

            /// The gateway's spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unrecognized(s) => s,
                }
            }

            /// Parses the gateway's spelling (case sensitive); anything else is `Unrecognized`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($text => Self::$variant,)+
                    other => Self::Unrecognized(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::parse(&s))
            }
        }
    };
}

gateway_enum! {
    /// `result`: the overall result of an operation.
    OperationResult {
        /// Declined or rejected by the gateway, acquirer or issuer.
        Failure = "FAILURE",
        /// In progress.
        Pending = "PENDING",
        /// Processed.
        Success = "SUCCESS",
        /// Unknown.
        Unknown = "UNKNOWN",
        /// The operation resulted in an error (error answers only).
        Error = "ERROR",
    }
}

gateway_enum! {
    /// `session.updateStatus`.
    UpdateStatus {
        /// The last update failed.
        Failure = "FAILURE",
        /// Nothing has been placed in the session yet.
        NoUpdate = "NO_UPDATE",
        /// The last update succeeded.
        Success = "SUCCESS",
    }
}

gateway_enum! {
    /// `status` of a Check Gateway answer ("Check Gateway" reference page, REST JSON).
    GatewayStatus {
        /// "The service is currently capable of processing requests."
        Operating = "OPERATING",
        /// "The service is currently not accepting requests."
        Shutdown = "SHUTDOWN",
    }
}

gateway_enum! {
    /// `sourceOfFunds.type`.
    SourceOfFundsType {
        /// Bank account, ACH network.
        Ach = "ACH",
        /// Credit or debit card.
        Card = "CARD",
        /// Gift card.
        GiftCard = "GIFT_CARD",
    }
}

gateway_enum! {
    /// `verificationStrategy`.
    VerificationStrategy {
        /// A Verify request through the acquirer.
        Acquirer = "ACQUIRER",
        /// Syntax and BIN range checks.
        Basic = "BASIC",
        /// No verification.
        None = "NONE",
    }
}

gateway_enum! {
    /// `sourceOfFunds.provided.ach.accountType`.
    AchAccountType {
        /// Consumer checking account.
        ConsumerChecking = "CONSUMER_CHECKING",
        /// Consumer savings account.
        ConsumerSavings = "CONSUMER_SAVINGS",
        /// Business checking account.
        CorporateChecking = "CORPORATE_CHECKING",
    }
}

gateway_enum! {
    /// `sourceOfFunds.provided.ach.secCode`.
    SecCode {
        /// Pre-arranged payment.
        Ppd = "PPD",
        /// Telephone-initiated.
        Tel = "TEL",
        /// Internet-initiated.
        Web = "WEB",
    }
}

gateway_enum! {
    /// Token `status`.
    TokenStatus {
        /// Stored details are invalid; payments with this token are rejected.
        Invalid = "INVALID",
        /// Stored details are valid.
        Valid = "VALID",
    }
}

gateway_enum! {
    /// `response.gatewayCode` of a token operation.
    GatewayCode {
        /// Number format verified and in a known range.
        BasicVerificationSuccessful = "BASIC_VERIFICATION_SUCCESSFUL",
        /// Blocked by risk rules.
        ExternalVerificationBlocked = "EXTERNAL_VERIFICATION_BLOCKED",
        /// Declined.
        ExternalVerificationDeclined = "EXTERNAL_VERIFICATION_DECLINED",
        /// Declined: expired card.
        ExternalVerificationDeclinedExpiredCard = "EXTERNAL_VERIFICATION_DECLINED_EXPIRED_CARD",
        /// Declined: invalid security code.
        ExternalVerificationDeclinedInvalidCsc = "EXTERNAL_VERIFICATION_DECLINED_INVALID_CSC",
        /// Error while verifying.
        ExternalVerificationProcessingError = "EXTERNAL_VERIFICATION_PROCESSING_ERROR",
        /// Verified.
        ExternalVerificationSuccessful = "EXTERNAL_VERIFICATION_SUCCESSFUL",
        /// Not verified.
        NoVerificationPerformed = "NO_VERIFICATION_PERFORMED",
    }
}

gateway_enum! {
    /// `sourceOfFunds.provided.card.brand`.
    CardBrand {
        /// American Express.
        Amex = "AMEX",
        /// China UnionPay.
        ChinaUnionpay = "CHINA_UNIONPAY",
        /// Diners Club.
        DinersClub = "DINERS_CLUB",
        /// Discover.
        Discover = "DISCOVER",
        /// JCB.
        Jcb = "JCB",
        /// No global brand.
        LocalBrandOnly = "LOCAL_BRAND_ONLY",
        /// Maestro.
        Maestro = "MAESTRO",
        /// Mastercard.
        Mastercard = "MASTERCARD",
        /// RuPay.
        Rupay = "RUPAY",
        /// UATP.
        Uatp = "UATP",
        /// Not identified.
        Unknown = "UNKNOWN",
        /// Visa.
        Visa = "VISA",
    }
}

gateway_enum! {
    /// `sourceOfFunds.provided.card.scheme`.
    CardScheme {
        /// American Express.
        Amex = "AMEX",
        /// China UnionPay.
        ChinaUnionpay = "CHINA_UNIONPAY",
        /// Diners Club.
        DinersClub = "DINERS_CLUB",
        /// Discover.
        Discover = "DISCOVER",
        /// JCB.
        Jcb = "JCB",
        /// Mastercard.
        Mastercard = "MASTERCARD",
        /// `OTHER`: the scheme could not be identified (a documented value, not the catch-all).
        Other = "OTHER",
        /// RuPay.
        Rupay = "RUPAY",
        /// UATP.
        Uatp = "UATP",
        /// Visa.
        Visa = "VISA",
    }
}

gateway_enum! {
    /// `sourceOfFunds.provided.giftCard.brand` (token answers).
    GiftCardBrand {
        /// `LOCAL_BRAND_ONLY`: the card does not have a global brand.
        LocalBrandOnly = "LOCAL_BRAND_ONLY",
    }
}

gateway_enum! {
    /// `sourceOfFunds.provided.giftCard.scheme` (token answers).
    GiftCardScheme {
        /// `OTHER`: the scheme could not be identified (a documented value, not the catch-all).
        Other = "OTHER",
    }
}

gateway_enum! {
    /// `sourceOfFunds.provided.card.fundingMethod`.
    FundingMethod {
        /// Charge card.
        Charge = "CHARGE",
        /// Credit card.
        Credit = "CREDIT",
        /// Debit card.
        Debit = "DEBIT",
        /// Not determined.
        Unknown = "UNKNOWN",
    }
}

gateway_enum! {
    /// `error.cause`.
    ErrorCause {
        /// The request did not conform to the API (also: bad credentials, with HTTP 401).
        InvalidRequest = "INVALID_REQUEST",
        /// Rejected for security reasons.
        RequestRejected = "REQUEST_REJECTED",
        /// Out of resources; an identical request may be resubmitted later.
        ServerBusy = "SERVER_BUSY",
        /// Internal failure.
        ServerFailed = "SERVER_FAILED",
    }
}

gateway_enum! {
    /// `error.validationType`: how a field failed.
    ValidationType {
        /// The value did not pass validation.
        Invalid = "INVALID",
        /// A mandatory field was missing.
        Missing = "MISSING",
        /// The field is not supported.
        Unsupported = "UNSUPPORTED",
    }
}
