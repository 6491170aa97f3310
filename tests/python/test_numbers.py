"""A number JSON cannot carry (an int beyond 64 bits, NaN, infinity) is an INVALID field error
naming the field, raised before anything is sent: never turned into null and silently pruned."""

from __future__ import annotations

import math
import socket
from typing import Any

import pytest

import mpgs

BAD = [2**64, -(2**63) - 1, 10**400, math.nan, math.inf, -math.inf]


def closed_port_client() -> mpgs.Client:
    """A client whose gateway does not exist: anything sent would fail to connect."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return mpgs.Client("TESTMERCHANT", password="p", base_url=f"https://127.0.0.1:{port}", max_retries=0)


def assert_invalid(e: pytest.ExceptionInfo[mpgs.ValidationError], field: str) -> None:
    assert (e.value.field, e.value.validation_type) == (field, "INVALID")
    assert [(f.field, f.validation_type) for f in e.value.errors] == [(field, "INVALID")]


@pytest.mark.parametrize("value", BAD, ids=repr)
def test_a_bad_number_is_invalid_in_every_place_it_can_be_given(value: Any) -> None:
    client = closed_port_client()
    path = "session.authenticationLimit"
    for call in [
        lambda: client.create_session(authentication_limit=value),
        lambda: client.create_session({"session": {"authenticationLimit": value}}),
        lambda: client.create_session({path: value}),
        lambda: mpgs.validate_create_session({"session": {"authenticationLimit": value}}),
    ]:
        with pytest.raises(mpgs.ValidationError) as e:
            call()
        assert_invalid(e, path)

    with pytest.raises(mpgs.ValidationError) as e:
        client.create_session(correlation_id=value)
    assert_invalid(e, "correlationId")

    card = {"number": value, "expiry": {"month": "5", "year": "30"}}
    with pytest.raises(mpgs.ValidationError) as e:
        client.create_token({"sourceOfFunds": {"type": "CARD", "provided": {"card": card}}})
    assert_invalid(e, "sourceOfFunds.provided.card.number")


def test_the_error_never_quotes_the_value() -> None:
    with pytest.raises(mpgs.ValidationError) as e:
        mpgs.validate_create_token(
            {"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": 51234500000000080000}}}}
        )
    assert "51234500000000080000" not in str(e.value)
    assert "beyond 64 bits" in str(e.value)


def test_numbers_json_can_carry_still_go_through(client: mpgs.Client) -> None:
    assert client.create_session(authentication_limit=5).authentication_limit == 5
