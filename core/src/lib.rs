//! # mpgs
//!
//! A client for the Mastercard Payment Gateway (MPGS) REST API: **Create Session** (v58) and
//! **Create or Update Token** (v38), and the calls integrations make around them (Retrieve and
//! Update Session, Retrieve and Delete Token, Check Gateway: see [`Operation`]). At those versions every documented field rule is checked
//! before a request leaves the machine, and every problem is named the gateway's way: a dotted
//! field path and `INVALID`, `MISSING` or `UNSUPPORTED`. At another API version only what cannot
//! have changed is checked; [`ValidationLevel`] says what, and [`ClientBuilder::validation_level`]
//! chooses.
//!
//! ```no_run
//! use mpgs::{CardDetails, Client, CreateSessionRequest, CreateTokenRequest, VerificationStrategy};
//!
//! # fn main() -> Result<(), mpgs::Error> {
//! let client = Client::builder("TESTMERCHANT")
//!     .password("your-api-password")
//!     .region("mtf")
//!     .build()?;
//!
//! let session = client.create_session(&CreateSessionRequest::new().authentication_limit(5))?;
//! println!("session {:?}", session.id);
//!
//! let token = client.create_token(
//!     &CreateTokenRequest::card(CardDetails::new("5123450000000008").expiry("05", "30"))
//!         .verification_strategy(VerificationStrategy::Basic),
//! )?;
//! println!("token {:?} for {:?}", token.token, token.card.as_ref().and_then(|c| c.number.as_ref()));
//! # Ok(()) }
//! ```
//!
//! Errors come by stage (see [`Error`]): never sent ([`Error::Config`], [`Error::Validation`]),
//! answered ([`Error::Gateway`], [`Error::Decode`]), unanswered ([`Error::Transport`], whose
//! `outcome_unknown` says whether the gateway may have acted on the request).
#![deny(missing_docs)]

mod answer;
mod certificate;
mod client;
pub mod config;
pub mod diagnose;
pub mod error;
pub mod model;
pub mod number;
pub mod observe;
pub mod operation;
pub mod rules;
pub mod secret;
mod transport;
pub mod validate;

pub use answer::decode_answer;
pub use client::Client;
pub use config::{Auth, ClientBuilder, Host, REGIONS};
pub use error::{Error, ErrorKind, FieldError, GatewayError, Result, Stage, TransportKind};
pub use model::enums::*;
pub use model::gateway::GatewayInformation;
pub use model::session::{CreateSessionRequest, NotReady, Session, SessionLimits, UpdateSessionRequest};
pub use model::token::{
    AchDetails, AchInfo, CardDetails, CardInfo, CreateTokenRequest, DeleteTokenResult, Expiry,
    GiftCardDetails, GiftCardInfo, ProvidedDetails, ResponseControls, SessionRef, SourceOfFunds, Token,
    TransactionInfo, Usage,
};
pub use model::{Raw, ResponseMeta};
pub use number::BadNumber;
pub use observe::CallEvent;
pub use operation::{Operation, RepeatRule};
pub use secret::{mask_pan, CardNumber, SecretString};
pub use transport::RESOLVE_TTL;
pub use transport::{Trust, SYSTEM_BUNDLES};

/// Fork support shared with the language bindings (not a stable API): the process's fork
/// generation and values made anew in a forked child.
#[doc(hidden)]
pub mod fork {
    pub use crate::transport::{fork_generation as generation, ForkLocal};
}
pub use validate::{validate, validate_at, value_from_text, ValidationLevel};

/// The crate version (as in `Cargo.toml`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
