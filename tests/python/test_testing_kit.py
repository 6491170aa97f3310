"""mpgs.testing: the Sandbox context manager and the pytest fixture, against the sandbox built
in this tree (MPGS_SANDBOX_BIN; `make dist-test` runs the same from the released wheels)."""

from __future__ import annotations

import asyncio
from typing import Iterator

import pytest

import mpgs
from mpgs.testing import Sandbox, SandboxError, find_sandbox

from conftest import SANDBOX_BIN


@pytest.fixture(autouse=True)
def _sandbox_bin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MPGS_SANDBOX_BIN", SANDBOX_BIN)
    yield


def test_the_fixture_gives_a_running_sandbox_and_a_client_for_it(mpgs_sandbox: Sandbox) -> None:
    client = mpgs_sandbox.client()
    assert client.create_session().id
    assert mpgs_sandbox.certificate_client().create_session().id
    assert repr(mpgs_sandbox).startswith("Sandbox(https://127.0.0.1:")


def test_faults_and_latency_through_the_admin_endpoint(mpgs_sandbox: Sandbox) -> None:
    client = mpgs_sandbox.client(max_retries=0)
    mpgs_sandbox.fault("busy", 2)
    for _ in range(2):
        with pytest.raises(mpgs.GatewayError):
            client.create_session()
    mpgs_sandbox.fault("busy")
    mpgs_sandbox.clear_faults()
    assert client.create_session().id
    mpgs_sandbox.latency(500)
    with pytest.raises(mpgs.TimeoutError):
        mpgs_sandbox.client(timeout=0.2, max_retries=0).create_session()
    with pytest.raises(SandboxError):
        mpgs_sandbox.fault("no-such-fault")


def test_async_client_and_own_merchant() -> None:
    with Sandbox(merchant_id="TESTMYSHOP", password="pw-1") as s:
        async def run() -> str:
            async with s.async_client() as c:
                return (await c.create_session()).merchant or ""
        assert asyncio.run(run()) == "TESTMYSHOP"
        with pytest.raises(mpgs.AuthenticationError):
            s.client(password="wrong").create_session()
    with pytest.raises(SandboxError):
        s.client()


def test_a_missing_program_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MPGS_SANDBOX_BIN")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("sysconfig.get_path", lambda name: "/nonexistent")
    with pytest.raises(SandboxError, match=r'pip install "mpgs\[testing\]"'):
        find_sandbox()
    with pytest.raises(SandboxError):
        Sandbox(executable="/nonexistent/mpgs-sandbox").start()
