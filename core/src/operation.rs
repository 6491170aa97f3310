//! The two gateway operations this crate implements.

use serde_json::Value;

use crate::rules::{self, FieldRule};

/// Whether an operation may be sent again when its request may have reached the gateway but no
/// byte of an answer came: a *reused* keep-alive connection that the server closed (or reset)
/// just as the request went out. RFC 9112 §9.3.1 forbids resending a non-idempotent request
/// blindly; these rules name the operations for which a repeat is harmless. Every other
/// failure after writing is never repeated, whatever the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RepeatRule {
    /// Harmless to repeat: a second Create Session after a lost answer only leaves an unused
    /// session, which expires and costs nothing; a GET or DELETE changes nothing more the
    /// second time.
    Always,
    /// Harmless only where the user says so: Create or Update Token returns the existing token
    /// for a card when the merchant's token repository is "Unique Card" (the client cannot see
    /// that: the setting `token_repository_unique_card` says it), and never with verification
    /// strategy `ACQUIRER`, which sends a verification to the acquirer on every call.
    OnlyIfUserSaysSafe,
    /// Never repeated.
    Never,
}

/// A gateway operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Create Session: `POST /api/rest/version/{v}/merchant/{merchantId}/session`.
    CreateSession,
    /// Create or Update Token: `POST /api/rest/version/{v}/merchant/{merchantId}/token`.
    CreateToken,
}

impl Operation {
    /// The operation's name in the gateway's documentation.
    pub fn name(self) -> &'static str {
        match self {
            Self::CreateSession => "Create Session",
            Self::CreateToken => "Create or Update Token",
        }
    }

    /// The last segment of the URL.
    pub fn resource(self) -> &'static str {
        match self {
            Self::CreateSession => "session",
            Self::CreateToken => "token",
        }
    }

    /// The API version whose rules this crate implements (and the default it sends).
    pub fn default_api_version(self) -> u32 {
        match self {
            Self::CreateSession => 58,
            Self::CreateToken => 38,
        }
    }

    /// When this operation is sent again after a reused connection closed under it: the one
    /// place that decides it (see [`RepeatRule`]).
    pub fn repeat_rule(self) -> RepeatRule {
        match self {
            Self::CreateSession => RepeatRule::Always,
            Self::CreateToken => RepeatRule::OnlyIfUserSaysSafe,
        }
    }

    /// Whether this request (its validated JSON body) may be repeated under [`RepeatRule`],
    /// given the user's word that the token repository is "Unique Card".
    pub(crate) fn may_repeat(self, unique_card_repository: bool, body: &Value) -> bool {
        match self.repeat_rule() {
            RepeatRule::Always => true,
            RepeatRule::OnlyIfUserSaysSafe => {
                let strategy = body.get("verificationStrategy").and_then(Value::as_str);
                unique_card_repository && !strategy.is_some_and(|s| s.eq_ignore_ascii_case("ACQUIRER"))
            }
            RepeatRule::Never => false,
        }
    }

    /// The documented request fields.
    pub fn rules(self) -> &'static [FieldRule] {
        match self {
            Self::CreateSession => rules::CREATE_SESSION,
            Self::CreateToken => rules::CREATE_TOKEN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_session_is_always_repeatable_and_a_token_only_for_a_unique_card_repository_without_acquirer() {
        assert_eq!(Operation::CreateSession.repeat_rule(), RepeatRule::Always);
        assert!(Operation::CreateSession.may_repeat(false, &json!({})));
        assert_eq!(Operation::CreateToken.repeat_rule(), RepeatRule::OnlyIfUserSaysSafe);
        assert!(!Operation::CreateToken.may_repeat(false, &json!({"verificationStrategy": "BASIC"})));
        assert!(Operation::CreateToken.may_repeat(true, &json!({"verificationStrategy": "BASIC"})));
        assert!(Operation::CreateToken.may_repeat(true, &json!({})));
        assert!(!Operation::CreateToken.may_repeat(true, &json!({"verificationStrategy": "ACQUIRER"})));
    }
}
