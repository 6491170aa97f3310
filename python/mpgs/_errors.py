"""Exceptions, by stage, mirroring the core's error type."""

from __future__ import annotations

import builtins
from typing import Any, Optional, Tuple, Union

from ._enums import Result


class FieldError:
    """One field problem: a dotted path, INVALID / MISSING / UNSUPPORTED, and why."""

    __slots__ = ("field", "validation_type", "explanation")

    def __init__(self, field: str, validation_type: str, explanation: str) -> None:
        self.field = field
        self.validation_type = validation_type
        self.explanation = explanation

    def __repr__(self) -> str:
        return f"FieldError({self.field!r}, {self.validation_type!r}, {self.explanation!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and (self.field, self.validation_type, self.explanation) == (
            other.field,
            other.validation_type,
            other.explanation,
        )


class Error(Exception):
    """Base of every mpgs error.

    ``outcome_unknown`` is True when the gateway may have processed the request and its answer
    was not read (a connection lost after sending, a timeout waiting, a 2xx answer that could not
    be decoded): check before sending again. False when nothing was sent or the gateway's answer
    was read. ``attempts`` is how many attempts were made, retries included (0 for a
    configuration or validation error: no attempt was made).
    """

    outcome_unknown: bool = False
    attempts: int = 0


class ConfigError(Error, ValueError):
    """A bad setting; nothing was sent."""


class ValidationError(Error, ValueError):
    """The request breaks the gateway's field rules; nothing was sent."""

    errors: Tuple[FieldError, ...] = ()

    @property
    def field(self) -> Optional[str]:
        return self.errors[0].field if self.errors else None

    @property
    def validation_type(self) -> Optional[str]:
        return self.errors[0].validation_type if self.errors else None

    @property
    def explanation(self) -> Optional[str]:
        return self.errors[0].explanation if self.errors else None


class GatewayError(Error):
    """The gateway answered with an error (``{"error": {...}, "result": "ERROR"}``)."""

    http_status: int = 0
    cause: Optional[str] = None
    explanation: Optional[str] = None
    field: Optional[str] = None
    validation_type: Optional[str] = None
    support_code: Optional[str] = None
    result: Union[Result, str, None] = None  # Result.ERROR in every documented error answer
    raw: Any = None


class AuthenticationError(GatewayError):
    """HTTP 401: the credentials or certificate were refused."""


class DecodeError(Error):
    """The answer was not the gateway's JSON (or too large, or a redirect)."""

    http_status: int = 0


class TransportError(Error):
    """No answer. ``outcome_unknown`` is False only if the request cannot have reached the gateway."""

    kind: str = "io"


class TimeoutError(TransportError, builtins.TimeoutError):  # noqa: A001 - mirrors the builtin on purpose
    """The call ran past its timeout."""
