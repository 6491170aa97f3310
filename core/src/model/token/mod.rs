//! Create or Update Token (v38, system-generated token).

mod request;
mod response;

pub use request::{
    AchDetails, CardDetails, CreateTokenRequest, Expiry, GiftCardDetails, ProvidedDetails, ResponseControls,
    SessionRef, SourceOfFunds, TransactionInfo,
};
pub use response::{AchInfo, CardInfo, DeleteTokenResult, GiftCardInfo, Token, Usage};
