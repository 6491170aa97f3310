"""`mpgs.AsyncClient` through the same real servers: many calls in flight through nginx's chunked
answers, mutual TLS through HAProxy (accepted, and refused in TLS 1.2), and Squid's tunnel."""

from __future__ import annotations

import asyncio
import urllib.parse
from pathlib import Path
from typing import Any, Dict

import mpgs
import pytest

from interop_common import CARD_BODY, PROXY_PASSWORD, PROXY_USER


@pytest.mark.asyncio
async def test_many_calls_in_flight_through_nginx_chunked_answers(nginx: Any, pki: Path) -> None:
    async with mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=nginx.url("chunked_async"),
                                ca_file=str(pki / "root.pem"), timeout=10.0) as c:
        sessions = await asyncio.gather(*(c.create_session() for _ in range(12)))
        assert len({s.id for s in sessions}) == 12 and all(s.http_status == 201 for s in sessions)
        tokens = await asyncio.gather(*(c.create_token(CARD_BODY) for _ in range(4)))
        assert all(t.status == mpgs.TokenStatus.VALID for t in tokens)


@pytest.mark.asyncio
@pytest.mark.parametrize("frontend", ["mtls12", "mtls13"])
async def test_mutual_tls_through_haproxy(haproxy: Dict[str, int], pki: Path, frontend: str) -> None:
    url = f"https://127.0.0.1:{haproxy[frontend]}"
    async with mpgs.AsyncClient("CERTMERCHANT", cert_file=str(pki / "client.pem"), key_file=str(pki / "client.key"),
                                base_url=url, ca_file=str(pki / "root.pem"), timeout=10.0) as c:
        assert (await c.create_session()).merchant == "CERTMERCHANT"
        assert (await c.create_token(CARD_BODY)).status == mpgs.TokenStatus.VALID


@pytest.mark.asyncio
async def test_tls12_mutual_tls_refused_through_haproxy(haproxy: Dict[str, int], pki: Path) -> None:
    async with mpgs.AsyncClient("CERTMERCHANT", cert_file=str(pki / "other_client.pem"), key_file=str(pki / "other_client.key"),
                                base_url=f"https://127.0.0.1:{haproxy['mtls12']}", ca_file=str(pki / "root.pem")) as c:
        with pytest.raises(mpgs.TransportError) as info:
            await c.create_session()
    e = info.value
    assert e.kind == "tls" and e.outcome_unknown is False and e.attempts == 1, (e, e.kind, e.outcome_unknown)


@pytest.mark.asyncio
async def test_calls_through_squid_with_basic_authentication(sandbox: Any, squid: Dict[str, int]) -> None:
    proxy = f"http://{PROXY_USER}:{urllib.parse.quote(PROXY_PASSWORD, safe='')}@127.0.0.1:{squid['auth']}"
    async with mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca,
                                proxy=proxy, timeout=10.0) as c:
        sessions = await asyncio.gather(*(c.create_session() for _ in range(4)))
        assert all(s.attempts == 1 for s in sessions)
