"""A user's own tests, as they would write them after `pip install "mpgs[testing]"`: run by
tests/dist/cli.sh with pytest in a fresh virtualenv, from a folder outside the repository, with
only the released wheels installed (the fixture comes from the package's pytest plugin)."""

from __future__ import annotations

import asyncio
import time

import pytest

import mpgs
from mpgs.testing import Sandbox

CARD = {"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008", "expiry": {"month": "5", "year": "30"}}}}}


def test_checkout(mpgs_sandbox: Sandbox) -> None:
    client = mpgs_sandbox.client()
    session = client.create_session(authentication_limit=5)
    assert session.id and session.id.startswith("SESSION")
    token = client.create_token(CARD)
    assert token.token and token.card and token.card.number == "512345xxxxxx0008"


def test_a_busy_gateway_and_a_lost_answer(mpgs_sandbox: Sandbox) -> None:
    client = mpgs_sandbox.client(max_retries=0)
    mpgs_sandbox.fault("busy")
    with pytest.raises(mpgs.GatewayError):
        client.create_session()
    mpgs_sandbox.fault("close")
    with pytest.raises(mpgs.TransportError) as lost:
        client.create_token(CARD)
    assert lost.value.outcome_unknown
    assert client.create_session().id  # the faults are used up


def test_latency_and_timeouts(mpgs_sandbox: Sandbox) -> None:
    mpgs_sandbox.latency(600)
    started = time.monotonic()
    with pytest.raises(mpgs.TimeoutError):
        mpgs_sandbox.client(timeout=0.2, max_retries=0).create_session()
    assert time.monotonic() - started < 0.2 + 0.5
    mpgs_sandbox.latency(0)
    assert mpgs_sandbox.client().create_session().id


def test_certificate_merchant_and_wrong_password(mpgs_sandbox: Sandbox) -> None:
    assert mpgs_sandbox.certificate_client().create_session().id
    with pytest.raises(mpgs.AuthenticationError):
        mpgs_sandbox.client(password="not-the-password").create_session()


def test_async_client(mpgs_sandbox: Sandbox) -> None:
    async def run() -> str:
        async with mpgs_sandbox.async_client() as client:
            session = await client.create_session()
            return session.id or ""

    assert asyncio.run(run()).startswith("SESSION")


def test_own_sandbox_with_settings() -> None:
    with Sandbox(merchant_id="TESTMYSHOP", password="my-test-password", faults=[("busy", 1)]) as sandbox:
        assert sandbox.url.startswith("https://127.0.0.1:")
        client = sandbox.client(max_retries=0)
        with pytest.raises(mpgs.GatewayError):
            client.create_session()
        assert client.create_session().merchant == "TESTMYSHOP"
    with pytest.raises(Exception):
        sandbox.fault("busy")  # stopped
