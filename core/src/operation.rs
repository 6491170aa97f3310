//! The gateway operations this crate implements: the two documented ones (Create Session v58,
//! Create or Update Token v38) and the five calls integrations make around them (Retrieve and
//! Update Session, Retrieve and Delete Token, Check Gateway; `shared/spec/related-operations.md`).
//! Each operation's method, path, URL parameter and default API version are written here, once.

use crate::rules::{self, FieldRule};

/// A gateway operation.
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
