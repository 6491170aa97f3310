"""The gateway's enumerations as ``str`` enums; unknown values stay plain ``str``."""

from __future__ import annotations

from enum import Enum
from typing import Dict, Type, Union


class _GatewayEnum(str, Enum):
    def __str__(self) -> str:
        return str(self.value)


class Result(_GatewayEnum):
    FAILURE = "FAILURE"
    PENDING = "PENDING"
    SUCCESS = "SUCCESS"
    UNKNOWN = "UNKNOWN"
    ERROR = "ERROR"


class UpdateStatus(_GatewayEnum):
    FAILURE = "FAILURE"
    NO_UPDATE = "NO_UPDATE"
    SUCCESS = "SUCCESS"


class SourceOfFundsType(_GatewayEnum):
    ACH = "ACH"
    CARD = "CARD"
    GIFT_CARD = "GIFT_CARD"


class VerificationStrategy(_GatewayEnum):
    ACQUIRER = "ACQUIRER"
    BASIC = "BASIC"
    NONE = "NONE"


class TokenStatus(_GatewayEnum):
    INVALID = "INVALID"
    VALID = "VALID"


class GatewayCode(_GatewayEnum):
    BASIC_VERIFICATION_SUCCESSFUL = "BASIC_VERIFICATION_SUCCESSFUL"
    EXTERNAL_VERIFICATION_BLOCKED = "EXTERNAL_VERIFICATION_BLOCKED"
    EXTERNAL_VERIFICATION_DECLINED = "EXTERNAL_VERIFICATION_DECLINED"
    EXTERNAL_VERIFICATION_DECLINED_EXPIRED_CARD = "EXTERNAL_VERIFICATION_DECLINED_EXPIRED_CARD"
    EXTERNAL_VERIFICATION_DECLINED_INVALID_CSC = "EXTERNAL_VERIFICATION_DECLINED_INVALID_CSC"
    EXTERNAL_VERIFICATION_PROCESSING_ERROR = "EXTERNAL_VERIFICATION_PROCESSING_ERROR"
    EXTERNAL_VERIFICATION_SUCCESSFUL = "EXTERNAL_VERIFICATION_SUCCESSFUL"
    NO_VERIFICATION_PERFORMED = "NO_VERIFICATION_PERFORMED"


class CardBrand(_GatewayEnum):
    AMEX = "AMEX"
    CHINA_UNIONPAY = "CHINA_UNIONPAY"
    DINERS_CLUB = "DINERS_CLUB"
    DISCOVER = "DISCOVER"
    JCB = "JCB"
    LOCAL_BRAND_ONLY = "LOCAL_BRAND_ONLY"
    MAESTRO = "MAESTRO"
    MASTERCARD = "MASTERCARD"
    RUPAY = "RUPAY"
    UATP = "UATP"
    UNKNOWN = "UNKNOWN"
    VISA = "VISA"


class CardScheme(_GatewayEnum):
    AMEX = "AMEX"
    CHINA_UNIONPAY = "CHINA_UNIONPAY"
    DINERS_CLUB = "DINERS_CLUB"
    DISCOVER = "DISCOVER"
    JCB = "JCB"
    MASTERCARD = "MASTERCARD"
    OTHER = "OTHER"
    RUPAY = "RUPAY"
    UATP = "UATP"
    VISA = "VISA"


class GiftCardBrand(_GatewayEnum):
    LOCAL_BRAND_ONLY = "LOCAL_BRAND_ONLY"


class GiftCardScheme(_GatewayEnum):
    OTHER = "OTHER"


class GatewayStatus(_GatewayEnum):
    OPERATING = "OPERATING"
    SHUTDOWN = "SHUTDOWN"


class FundingMethod(_GatewayEnum):
    CHARGE = "CHARGE"
    CREDIT = "CREDIT"
    DEBIT = "DEBIT"
    UNKNOWN = "UNKNOWN"


_BY_NAME: Dict[str, Type[_GatewayEnum]] = {
    c.__name__: c
    for c in (Result, UpdateStatus, SourceOfFundsType, VerificationStrategy, TokenStatus, GatewayCode,
              CardBrand, CardScheme, GiftCardBrand, GiftCardScheme, FundingMethod, GatewayStatus)
}


def coerce(enum_name: str, value: str) -> Union[_GatewayEnum, str]:
    """The enum member for ``value``, or ``value`` itself when a newer gateway invented it."""
    try:
        return _BY_NAME[enum_name](value)
    except ValueError:
        return value
