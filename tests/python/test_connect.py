"""The warm-up: ``Client.connect()`` and ``await AsyncClient.connect()`` open a connection (TLS
handshake done) and keep it, so that the next call goes on it: the sandbox sees one connection and
one handshake for the warm-up and the call together."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import mpgs


def stats(s: Any) -> Any:
    return s.raw("GET", "/_sandbox/stats")


def test_after_connect_the_first_call_goes_on_the_warm_connection(start_sandbox: Any) -> None:
    s = start_sandbox()
    c = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=s.url, ca_file=s.ca)
    c.connect()
    c.connect()  # an idle connection is fit already: nothing more
    c.create_session()
    st = stats(s)  # the stats request itself is one more connection, one more handshake
    assert st["connections"] == 2 and st["full_handshakes"] == 2, st


def test_async_connect_warms_the_connection_the_next_call_uses(start_sandbox: Any) -> None:
    s = start_sandbox()

    async def run() -> None:
        c = mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=s.url, ca_file=s.ca)
        assert await c.connect() is None
        await c.create_session()
        await c.close()

    asyncio.run(run())
    st = stats(s)
    assert st["connections"] == 2 and st["full_handshakes"] == 2, st


def test_connect_to_a_closed_port_raises_the_connect_error_nothing_sent() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    c = mpgs.Client("TESTMERCHANT", password="p", base_url=f"https://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(mpgs.TransportError) as e:
        c.connect()
    assert e.value.kind == "connect" and e.value.outcome_unknown is False
