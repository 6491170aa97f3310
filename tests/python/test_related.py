"""Retrieve and Update Session, Retrieve and Delete Token, Check Gateway (issue #21), blocking and
asyncio, against the sandbox over TLS on 127.0.0.1."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import mpgs
import pytest

CARD = "5123450000000008"
CARD_UPDATE = {"sourceOfFunds": {"provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}, "securityCode": "100"}}}}
BAD_SESSION_IDS = [
    ("", "MISSING"),
    ("SESSION0002695081404E6099215K6", "INVALID"),
    ("SESSION0002695081404E6099215K60/../token", "INVALID"),
    ("SESSION0002695081404E609921%2F60", "INVALID"),
    ("SESSION0002695081404E6099215K6?", "INVALID"),
    ("SESSION0002695081404E6099215K6#", "INVALID"),
    ("SESSION0002695081404E6099215K6 ", "INVALID"),
    ("SESSION0002695081404E6099215K6\n", "INVALID"),
]
BAD_TOKENS = [("", "MISSING"), ("91/23", "INVALID"), ("..", "INVALID"), ("9%2F", "INVALID"), ("9 1", "INVALID"), ("9" * 41, "INVALID")]


def test_the_hosted_session_flow(client: mpgs.Client) -> None:
    session_id = client.create_session().id
    assert session_id is not None
    updated = client.update_session(session_id, CARD_UPDATE)
    assert updated.update_status == mpgs.UpdateStatus.SUCCESS
    page_version = updated.version

    s = client.retrieve_session(session_id)
    assert (s.id, s.api_version, s.http_status) == (session_id, 58, 200)
    ready = s.ready_for_token(expected_version=page_version)
    assert ready and ready.ready and ready.reason is None
    assert s.raw["sourceOfFunds"]["provided"]["card"]["number"] == "512345xxxxxx0008"
    assert CARD not in repr(s.raw) + repr(s.raw_verbatim) + repr(s)

    token = client.create_token({"session": {"id": session_id}, "sourceOfFunds": {"type": "CARD"}}).token
    assert token is not None
    t = client.retrieve_token(token)
    assert (t.token, t.api_version) == (token, 38)
    assert t.card is not None and t.card.number == "512345xxxxxx0008"

    d = client.delete_token(token)
    assert isinstance(d, mpgs.DeleteTokenResult)
    assert (d.result, d.http_status, d.attempts, d.api_version) == (mpgs.Result.SUCCESS, 200, 1, 38)
    with pytest.raises(mpgs.GatewayError) as e:
        client.retrieve_token(token)
    assert e.value.http_status == 400 and not e.value.outcome_unknown and e.value.attempts == 1


def test_readiness_names_the_condition_that_failed(client: mpgs.Client) -> None:
    session_id = client.create_session().id
    assert session_id is not None
    fresh = client.retrieve_session(session_id).ready_for_token()
    assert not fresh and fresh.reason == "update_status" and "NO_UPDATE" in (fresh.explanation or "")
    client.update_session(session_id, {"order.currency": "USD"})
    assert client.retrieve_session(session_id).ready_for_token().reason == "no_card_details"
    client.update_session(session_id, CARD_UPDATE)
    stale = client.retrieve_session(session_id).ready_for_token("0000000000")
    assert not stale and stale.reason == "version_differs"
    assert repr(stale) == "Readiness(ready=False, reason='version_differs')"


def test_bad_ids_are_refused_before_sending(client: mpgs.Client) -> None:
    for bad, vt in BAD_SESSION_IDS:
        for call in (lambda: client.retrieve_session(bad), lambda: client.update_session(bad, {"order.currency": "USD"})):
            with pytest.raises(mpgs.ValidationError) as e:
                call()
            assert (e.value.field, e.value.validation_type, e.value.attempts) == ("sessionId", vt, 0), bad
    for bad, vt in BAD_TOKENS:
        for call in (lambda: client.retrieve_token(bad), lambda: client.delete_token(bad)):
            with pytest.raises(mpgs.ValidationError) as e:
                call()
            assert (e.value.field, e.value.validation_type) == ("tokenid", vt), bad


def test_update_session_checks_known_fields_and_passes_the_others(client: mpgs.Client) -> None:
    session_id = client.create_session().id
    assert session_id is not None
    with pytest.raises(mpgs.ValidationError) as e:
        client.update_session(session_id, {"sourceOfFunds.provided.card.securityCode": "12345"})
    assert e.value.field == "sourceOfFunds.provided.card.securityCode" and "12345" not in str(e.value)
    s = client.update_session(session_id, {"order": {"amount": "10.00"}, "customer.email": "a@example.com"})
    assert s.raw["customer"]["email"] == "a@example.com"
    assert client.update_session(session_id).update_status == mpgs.UpdateStatus.SUCCESS


def test_check_gateway(client: mpgs.Client, start_sandbox: Any) -> None:
    info = client.check_gateway()
    assert isinstance(info, mpgs.GatewayInformation)
    assert info.status == mpgs.GatewayStatus.OPERATING and info.is_operating
    assert info.gateway_version and info.gateway_version.endswith("-sandbox")
    assert (info.http_status, info.api_version) == (200, 58)
    down = start_sandbox("--fault", "shutdown")
    c = mpgs.Client("TESTMERCHANT", password="wrong-password", base_url=down.url, ca_file=down.ca)
    info = c.check_gateway()
    assert info.status == mpgs.GatewayStatus.SHUTDOWN and not info.is_operating
    assert repr(info).startswith("GatewayInformation(")


def test_the_calls_are_logged_with_their_method_and_path(client: mpgs.Client, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="mpgs"):
        client.check_gateway()
        with pytest.raises(mpgs.ValidationError):
            client.delete_token("")
    text = caplog.text
    assert "GET /api/rest/version/58/information -> 200" in text
    assert "DELETE /api/rest/version/38/merchant/TESTMERCHANT/token/{tokenid} -> ValidationError" in text


def test_the_async_client_has_the_same_calls() -> None:
    for name in ("retrieve_session", "update_session", "retrieve_token", "delete_token", "check_gateway"):
        assert inspect.signature(getattr(mpgs.AsyncClient, name)) == inspect.signature(getattr(mpgs.Client, name))
        assert inspect.iscoroutinefunction(getattr(mpgs.AsyncClient, name))


@pytest.mark.asyncio
async def test_the_hosted_session_flow_async(sandbox: Any) -> None:
    async with mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca) as c:
        session_id = (await c.create_session()).id
        assert session_id is not None
        version = (await c.update_session(session_id, CARD_UPDATE)).version
        s = await c.retrieve_session(session_id)
        assert s.ready_for_token(version)
        token = (await c.create_token({"session.id": session_id, "sourceOfFunds.type": "CARD"})).token
        assert token is not None
        assert (await c.retrieve_token(token)).token == token
        assert (await c.delete_token(token)).result == mpgs.Result.SUCCESS
        assert (await c.check_gateway()).is_operating
        with pytest.raises(mpgs.GatewayError):
            await c.delete_token(token)
        with pytest.raises(mpgs.ValidationError) as e:
            await c.retrieve_session("SESSION/../x")
        assert e.value.field == "sessionId"
