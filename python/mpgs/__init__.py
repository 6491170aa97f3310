"""mpgs: a Mastercard Payment Gateway client — Create Session and Create or Update Token,
checked against the gateway's published field rules before anything is sent."""

from ._async_client import AsyncClient
from ._client import Client
from ._enums import (
    CardBrand,
    CardScheme,
    FundingMethod,
    GatewayCode,
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
from ._native import Session, Token, __version__, validate_create_session, validate_create_token

__all__ = [
    "AsyncClient", "AuthenticationError", "CardBrand", "CardScheme", "Client", "ConfigError", "DecodeError",
    "Error", "FieldError", "FundingMethod", "GatewayCode", "GatewayError", "GiftCardBrand",
    "GiftCardScheme", "Result", "Session", "SourceOfFundsType",
    "TimeoutError", "Token", "TokenStatus", "TransportError", "UpdateStatus", "ValidationError",
    "VerificationStrategy", "__version__", "validate_create_session", "validate_create_token",
]
