"""API versions other than the documented ones (Create Session 58, Create or Update Token 38), and
the ``validation_level`` switch: against the sandbox over TLS on 127.0.0.1."""

from __future__ import annotations

from typing import Any, Dict, Optional

import mpgs
import pytest

NAME_ON_CARD = "sourceOfFunds.provided.card.nameOnCard"
# nameOnCard is a field of newer versions, not of v38; SCHEME_TOKEN a value newer versions added
# to sourceOfFunds.type, which v38 lists as ACH, CARD, GIFT_CARD.
NEWER_BODY: Dict[str, Any] = {
    "sourceOfFunds": {
        "type": "SCHEME_TOKEN",
        "provided": {"card": {"number": "5123450000000008", "nameOnCard": "A Customer", "expiry": {"month": "5", "year": "30"}}},
    }
}


def client_at(sandbox: Any, token_api_version: int, validation_level: Optional[Any] = None) -> mpgs.Client:
    return mpgs.Client(
        "TESTMERCHANT",
        password="sandbox-password",
        base_url=sandbox.url,
        ca_file=sandbox.ca,
        token_api_version=token_api_version,
        validation_level=validation_level,
    )


@pytest.mark.parametrize("level", [None, "auto", "known-fields", "off"])
def test_at_version_70_the_newer_card_gets_a_token_and_the_answer_stays_lenient(sandbox: Any, level: Optional[str]) -> None:
    t = client_at(sandbox, 70, level).create_token(NEWER_BODY)
    assert t.token is not None and len(t.token) == 16
    assert t.api_version == 70
    assert t.status == mpgs.TokenStatus.VALID
    # A field the model does not know is kept; a value the enumeration does not know too.
    assert t.raw["sourceOfFunds"]["provided"]["card"]["nameOnCard"] == "A Customer"
    assert t.raw["sourceOfFunds"]["type"] == "SCHEME_TOKEN"
    assert t.card is not None and t.card.number == "512345xxxxxx0008"


def refused(client: mpgs.Client) -> mpgs.ValidationError:
    with pytest.raises(mpgs.ValidationError) as e:
        client.create_token(NEWER_BODY)
    return e.value


def test_at_version_38_the_same_body_is_refused_before_sending_naming_v38(sandbox: Any) -> None:
    e = refused(client_at(sandbox, 38))
    assert (NAME_ON_CARD, "UNSUPPORTED", "is not a request field of Create or Update Token (v38)") in [
        (f.field, f.validation_type, f.explanation) for f in e.errors
    ]
    assert e.attempts == 0


def test_strict_at_version_70_refuses_naming_v70(sandbox: Any) -> None:
    e = refused(client_at(sandbox, 70, "strict"))
    assert (NAME_ON_CARD, "UNSUPPORTED", "is not a request field of Create or Update Token (v70)") in [
        (f.field, f.validation_type, f.explanation) for f in e.errors
    ]
    assert "(v38)" not in str(e)


@pytest.mark.parametrize("level", ["known-fields", "off"])
def test_known_fields_or_off_at_version_38_send_it_and_the_sandbox_answers_as_the_gateway_would(sandbox: Any, level: str) -> None:
    with pytest.raises(mpgs.GatewayError) as e:
        client_at(sandbox, 38, level).create_token(NEWER_BODY)
    assert e.value.http_status == 400
    assert e.value.cause == "INVALID_REQUEST"
    assert (e.value.field, e.value.validation_type) in [(NAME_ON_CARD, "UNSUPPORTED"), ("sourceOfFunds.type", "INVALID")]


def test_known_fields_still_checks_json_types_and_the_compulsory_type(sandbox: Any) -> None:
    c = client_at(sandbox, 70)
    with pytest.raises(mpgs.ValidationError) as e:
        c.create_token({"sourceOfFunds": {"type": 7}})
    assert [(f.field, f.validation_type) for f in e.value.errors] == [("sourceOfFunds.type", "INVALID")]
    with pytest.raises(mpgs.ValidationError) as e:
        c.create_token({"sourceOfFunds": {"provided": {"card": {"number": "5123450000000008"}}}})
    assert [(f.field, f.validation_type) for f in e.value.errors] == [("sourceOfFunds.type", "MISSING")]


@pytest.mark.parametrize("bad", ["STRICT", "known_fields", "", "none"])
def test_an_unknown_level_is_a_config_error_naming_the_setting(sandbox: Any, bad: str) -> None:
    with pytest.raises(mpgs.ConfigError) as e:
        client_at(sandbox, 70, bad)
    assert "validation_level" in str(e.value) and '"known-fields"' in str(e.value)


def test_the_level_is_a_keyword_of_the_native_client_too(sandbox: Any) -> None:
    from mpgs import _native

    native = _native.NativeClient(
        "TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca,
        token_api_version=70, validation_level="strict",
    )
    with pytest.raises(mpgs.ValidationError):
        native.create_token(NEWER_BODY)


def test_the_offline_validators_judge_as_a_client_at_that_version_would() -> None:
    mpgs.validate_create_token(NEWER_BODY, api_version=70)
    with pytest.raises(mpgs.ValidationError) as e:
        mpgs.validate_create_token(NEWER_BODY)
    assert "(v38)" in str(e.value)
    with pytest.raises(mpgs.ValidationError) as e:
        mpgs.validate_create_token(NEWER_BODY, api_version=70, validation_level="strict")
    assert "(v70)" in str(e.value)
    mpgs.validate_create_token(NEWER_BODY, validation_level="off")
    with pytest.raises(mpgs.ConfigError):
        mpgs.validate_create_token(NEWER_BODY, validation_level="lenient")
    with pytest.raises(mpgs.ValidationError):
        mpgs.validate_create_session({"session": {"authenticationLimit": 99}}, api_version=58)
