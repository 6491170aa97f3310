//! Check Gateway's answer ("Check Gateway" reference page, REST JSON; the same at every version the
//! pages show): `gatewayVersion` (ASCII, always provided) and `status` (`OPERATING` or
//! `SHUTDOWN`, always provided).

use std::fmt;

use serde_json::Value;

use super::enums::GatewayStatus;
use super::{parsed, text, Raw, ResponseMeta};

/// What Check Gateway says about the gateway. It needs no credentials and proves nothing about
/// them: it says the gateway is reachable and whether it takes requests.
#[derive(Clone, PartialEq)]
pub struct GatewayInformation {
    /// `gatewayVersion`: the gateway platform's version (`22.8.0.2-1R`).
    pub gateway_version: Option<String>,
    /// `status`: `OPERATING` or `SHUTDOWN`.
    pub status: Option<GatewayStatus>,
    /// HTTP status, API version, elapsed time, attempts.
    pub meta: ResponseMeta,
    /// The whole answer, unknown fields included.
    pub raw: Raw,
}

impl GatewayInformation {
    /// Decodes an answer. Never fails: missing or oddly typed fields are `None`.
    pub fn from_json(raw: Value, meta: ResponseMeta) -> Self {
        Self {
            gateway_version: text(&raw, "gatewayVersion"),
            status: parsed(&raw, "status"),
            meta,
            raw: Raw::new(raw),
        }
    }

    /// True when `status` is `OPERATING`.
    pub fn is_operating(&self) -> bool {
        self.status == Some(GatewayStatus::Operating)
    }
}

impl fmt::Debug for GatewayInformation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayInformation")
            .field("gateway_version", &self.gateway_version)
            .field("status", &self.status)
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}
