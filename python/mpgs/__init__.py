"""mpgs: a Mastercard Payment Gateway client — Create Session and Create or Update Token,
checked against the gateway's published field rules before anything is sent, and the calls around
them (Retrieve and Update Session, Retrieve and Delete Token, Check Gateway)."""

from ._async_client import AsyncClient
from ._client import Client
from ._enums import (
    CardBrand,
    CardScheme,
    FundingMethod,
    GatewayCode,
    GatewayStatus,
    GiftCardBrand,
    GiftCardScheme,
    Result,
    SourceOfFundsType,
    TokenStatus,
    UpdateStatus,
    VerificationStrategy,
)
from ._errors import (
    AuthenticationError,
    ConfigError,
    DecodeError,
    Error,
    FieldError,
    GatewayError,
    TimeoutError,
    TransportError,
    ValidationError,
)
from ._native import (
    CallEvent,
    DeleteTokenResult,
    GatewayInformation,
    Readiness,
    Session,
    Token,
    __version__,
    validate_create_session,
    validate_create_token,
)

__all__ = [
    "AsyncClient", "AuthenticationError", "CallEvent", "CardBrand", "CardScheme", "Client", "ConfigError", "DecodeError",
    "DeleteTokenResult", "Error", "FieldError", "FundingMethod", "GatewayCode", "GatewayError",
    "GatewayInformation", "GatewayStatus", "GiftCardBrand", "Readiness",
    "GiftCardScheme", "Result", "Session", "SourceOfFundsType",
    "TimeoutError", "Token", "TokenStatus", "TransportError", "UpdateStatus", "ValidationError",
    "VerificationStrategy", "__version__", "validate_create_session", "validate_create_token",
]
