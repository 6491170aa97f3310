//! The gateway operations this crate implements: the two documented ones (Create Session v58,
//! Create or Update Token v38) and the five calls integrations make around them (Retrieve and
//! Update Session, Retrieve and Delete Token, Check Gateway; `shared/spec/related-operations.md`).
//! Each operation's method, path, URL parameter and default API version are written here, once.

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

/// A gateway operation. Exhaustive on purpose: each binding in this workspace matches on it, so
/// that a new operation fails to compile until every binding handles it. (Before 1.0 a new
/// operation may be added in a minor release.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Create Session: `POST /api/rest/version/{v}/merchant/{merchantId}/session`.
    CreateSession,
    /// Create or Update Token: `POST /api/rest/version/{v}/merchant/{merchantId}/token`.
    CreateToken,
    /// Retrieve Session: `GET /api/rest/version/{v}/merchant/{merchantId}/session/{sessionId}`.
    RetrieveSession,
    /// Update Session: `PUT /api/rest/version/{v}/merchant/{merchantId}/session/{sessionId}`.
    UpdateSession,
    /// Retrieve Token: `GET /api/rest/version/{v}/merchant/{merchantId}/token/{tokenid}`.
    RetrieveToken,
    /// Delete Token: `DELETE /api/rest/version/{v}/merchant/{merchantId}/token/{tokenid}`.
    DeleteToken,
    /// Check Gateway: `GET /api/rest/version/{v}/information` (no merchant, no credentials).
    CheckGateway,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Self; 7] = [
        Self::CreateSession,
        Self::CreateToken,
        Self::RetrieveSession,
        Self::UpdateSession,
        Self::RetrieveToken,
        Self::DeleteToken,
        Self::CheckGateway,
    ];

    /// The operation's name in the gateway's documentation.
    pub fn name(self) -> &'static str {
        match self {
            Self::CreateSession => "Create Session",
            Self::CreateToken => "Create or Update Token",
            Self::RetrieveSession => "Retrieve Session",
            Self::UpdateSession => "Update Session",
            Self::RetrieveToken => "Retrieve Token",
            Self::DeleteToken => "Delete Token",
            Self::CheckGateway => "Check Gateway",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> &'static str {
        match self {
            Self::CreateSession | Self::CreateToken => "POST",
            Self::RetrieveSession | Self::RetrieveToken | Self::CheckGateway => "GET",
            Self::UpdateSession => "PUT",
            Self::DeleteToken => "DELETE",
        }
    }

    /// The resource segment of the URL: after `merchant/{merchantId}/`, or after the version for
    /// Check Gateway (`information`).
    pub fn resource(self) -> &'static str {
        match self {
            Self::CreateSession | Self::RetrieveSession | Self::UpdateSession => "session",
            Self::CreateToken | Self::RetrieveToken | Self::DeleteToken => "token",
            Self::CheckGateway => "information",
        }
    }

    /// Whether the path names a merchant (every operation but Check Gateway).
    pub fn has_merchant(self) -> bool {
        self != Self::CheckGateway
    }

    /// The URL parameter after the resource (`{sessionId}`, `{tokenid}`), with its rule.
    pub fn url_parameter(self) -> Option<&'static FieldRule> {
        match self {
            Self::RetrieveSession | Self::UpdateSession => Some(&rules::SESSION_ID),
            Self::RetrieveToken | Self::DeleteToken => Some(&rules::TOKEN_ID),
            Self::CreateSession | Self::CreateToken | Self::CheckGateway => None,
        }
    }

    /// When this operation is sent again after a reused connection closed under it: the one
    /// place that decides it (see [`RepeatRule`]).
    pub fn repeat_rule(self) -> RepeatRule {
        match self {
            Self::CreateSession
            | Self::RetrieveSession
            | Self::RetrieveToken
            | Self::DeleteToken
            | Self::CheckGateway => RepeatRule::Always,
            Self::CreateToken => RepeatRule::OnlyIfUserSaysSafe,
            // An update may have been applied, and a later one from the payment page may have
            // followed it: sending this one again could overwrite newer data.
            Self::UpdateSession => RepeatRule::Never,
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

    /// Whether the request carries a JSON body (the others send none, and no `Content-Type`).
    pub fn has_body(self) -> bool {
        matches!(self, Self::CreateSession | Self::CreateToken | Self::UpdateSession)
    }

    /// Whether the request is authenticated. Check Gateway "requires no authentication" (the
    /// Check Gateway reference page): the client sends it without an `Authorization` header.
    pub fn sends_credentials(self) -> bool {
        self != Self::CheckGateway
    }

    /// Whether the operation's rules are a token operation's (its API version is the token
    /// version) rather than a session operation's (Check Gateway goes with the sessions).
    pub fn is_token_operation(self) -> bool {
        matches!(self, Self::CreateToken | Self::RetrieveToken | Self::DeleteToken)
    }

    /// The API version whose rules this crate implements (and the default it sends): the
    /// session version (58) for the session operations and Check Gateway, the token version (38)
    /// for the token operations.
    pub fn default_api_version(self) -> u32 {
        if self.is_token_operation() {
            38
        } else {
            58
        }
    }

    /// The documented request fields (none for the operations without a body).
    pub fn rules(self) -> &'static [FieldRule] {
        match self {
            Self::CreateSession => rules::CREATE_SESSION,
            Self::CreateToken => rules::CREATE_TOKEN,
            Self::UpdateSession => rules::update_session(),
            Self::RetrieveSession | Self::RetrieveToken | Self::DeleteToken | Self::CheckGateway => &[],
        }
    }

    /// Whether [`Operation::rules`] lists every request field. Update Session's does not: a
    /// session may store hundreds of fields (`order.*`, `customer.*`, `billing.*`…), so only the
    /// fields its table knows are checked, at every level, and the others pass unchecked.
    pub fn rules_are_complete(self) -> bool {
        self != Self::UpdateSession
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
