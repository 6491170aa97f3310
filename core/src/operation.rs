//! The two gateway operations this crate implements.

use crate::rules::{self, FieldRule};

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

    /// The documented request fields.
    pub fn rules(self) -> &'static [FieldRule] {
        match self {
            Self::CreateSession => rules::CREATE_SESSION,
            Self::CreateToken => rules::CREATE_TOKEN,
        }
    }
}
