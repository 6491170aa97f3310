"""The fault matrix of sandbox/tests/fault_matrix.rs, from Python: every wire failure gives its
exception with the documented attributes, within its time bound. Plus threads and fork()."""

from __future__ import annotations

import logging
import multiprocessing
import socket
import time
from typing import Any, Callable, List, Optional, Type

import mpgs
import pytest


def rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def password_client(sb: Any, **kw: Any) -> mpgs.Client:
    kw.setdefault("timeout", 5.0)
    return mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sb.url, ca_file=sb.ca, **kw)


def expect(
    call: Callable[[], Any],
    exc: Type[mpgs.Error],
    within: float,
    *,
    kind: Optional[str] = None,
    outcome_unknown: Optional[bool] = None,
    attempts: Optional[int] = None,
    http_status: Optional[int] = None,
) -> mpgs.Error:
    start = time.monotonic()
    with pytest.raises(exc) as info:
        call()
    elapsed = time.monotonic() - start
    e = info.value
    assert elapsed <= within, (elapsed, within, e)
    if kind is not None:
        assert isinstance(e, mpgs.TransportError) and e.kind == kind, e
    if outcome_unknown is not None:
        assert isinstance(e, mpgs.TransportError) and e.outcome_unknown is outcome_unknown, e
    if attempts is not None:
        assert getattr(e, "attempts") == attempts, e
    if http_status is not None:
        assert getattr(e, "http_status") == http_status, e
    return e


def test_connection_refused_is_retried_then_a_connect_error() -> None:
    c = mpgs.Client("TESTMERCHANT", password="p", base_url=f"https://127.0.0.1:{closed_port()}", max_retries=2)
    e = expect(c.create_session, mpgs.TransportError, 5, kind="connect", outcome_unknown=False, attempts=3)
    assert not isinstance(e, mpgs.TimeoutError)


def test_server_busy_twice_then_success_honours_retry_after(sandbox: Any) -> None:
    sandbox.fault("busy=1", 2)
    start = time.monotonic()
    s = password_client(sandbox).create_session()
    elapsed = time.monotonic() - start
    assert s.attempts == 3
    assert 2.0 <= elapsed < 4.0, elapsed


def test_retries_reach_python_logging_as_warnings(sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mpgs")
    sandbox.fault("busy", 1)
    assert password_client(sandbox).create_session().attempts == 2
    warnings = [r for r in caplog.records if r.name == "mpgs" and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    assert "/merchant/TESTMERCHANT/session: retrying in" in warnings[0].getMessage()


def test_a_connection_closed_after_the_request_has_an_unknown_outcome(sandbox: Any) -> None:
    sandbox.fault("close", 3)
    try:
        expect(password_client(sandbox).create_session, mpgs.TransportError, 2, kind="io", outcome_unknown=True, attempts=1)
    finally:
        sandbox.raw("DELETE", "/_sandbox/faults")


def test_a_stalled_answer_times_out_within_a_second_more(sandbox: Any) -> None:
    sandbox.fault("stall=20000", 1)
    c = password_client(sandbox, timeout=1.0)
    e = expect(c.create_session, mpgs.TimeoutError, 2.0, kind="timeout", outcome_unknown=True, attempts=1)
    assert isinstance(e, TimeoutError)


@pytest.mark.parametrize(
    "fault, status, words",
    [("html500", 500, "Internal Server Error"), ("truncate", 201, "broke off"), ("huge", 201, "1048576"), ("redirect", 302, "redirect")],
)
def test_answers_that_are_not_the_gateways_json_are_decode_errors(sandbox: Any, fault: str, status: int, words: str) -> None:
    sandbox.fault(fault, 1)
    before = rss_kib()
    e = expect(password_client(sandbox).create_session, mpgs.DecodeError, 3, http_status=status)
    assert words in str(e) and len(str(e)) < 400, str(e)
    assert rss_kib() - before < 16 * 1024


def test_an_untrusted_ca_is_a_tls_error_not_retried(sandbox: Any) -> None:
    c = mpgs.Client("TESTMERCHANT", password="p", base_url=sandbox.url, max_retries=3)
    expect(c.create_session, mpgs.TransportError, 2, kind="tls", outcome_unknown=False, attempts=1)


def test_a_certificate_for_another_host_name_is_a_tls_error(start_sandbox: Any) -> None:
    sb = start_sandbox("--server-name", "gateway.example.com")
    expect(password_client(sb, max_retries=3).create_session, mpgs.TransportError, 2, kind="tls", attempts=1)


def test_a_client_certificate_the_gateway_does_not_know_is_an_authentication_error(sandbox: Any, start_sandbox: Any) -> None:
    stranger = start_sandbox()  # its own CA and client certificate
    c = mpgs.Client("CERTMERCHANT", cert_file=stranger.client_cert, key_file=stranger.client_key, base_url=sandbox.url, ca_file=sandbox.ca)
    expect(c.create_session, mpgs.AuthenticationError, 2, http_status=401)


def _child_calls(url: str, ca: str, client: mpgs.Client, out: Any) -> None:
    try:
        ids = [client.create_session().id for _ in range(3)]
        fresh = password_client(type("S", (), {"url": url, "ca": ca})()).create_session().id
        out.put(("ok", ids + [fresh]))
    except BaseException as e:  # report anything to the parent
        out.put(("error", repr(e)))


def test_a_forked_child_and_its_parent_both_keep_working(sandbox: Any) -> None:
    client = password_client(sandbox)
    parent_before = [client.create_session().id for _ in range(3)]  # warm, pooled connection
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_child_calls, args=(sandbox.url, sandbox.ca, client, out))
    child.start()
    # The parent goes on using its connection while the child uses the client it inherited.
    parent_during = [client.create_session().id for _ in range(5)]
    status, result = out.get(timeout=30)
    child.join(30)
    assert child.exitcode == 0
    assert status == "ok", result
    assert len(set(result)) == 4 and all(r and len(r) == 31 for r in result)
    parent_after = [client.create_session().id for _ in range(3)]
    assert all(i and len(i) == 31 for i in parent_before + parent_during + parent_after)


# ---- one deadline over the whole call ----------------------------------------------------------

def test_a_server_that_drips_its_handshake_cannot_hold_a_call_past_its_timeout(start_sandbox: Any) -> None:
    # Every byte of the TLS handshake alone, 20 ms apart: rustls would loop for ~15 s.
    sb = start_sandbox("--fault", "drip=20x10")
    c = password_client(sb, connect_timeout=1.0, timeout=2.0)
    expect(c.create_session, mpgs.TimeoutError, 2.5, kind="timeout", outcome_unknown=False)


def test_a_dripped_answer_ends_at_the_timeout_with_an_unknown_outcome(sandbox: Any) -> None:
    c = password_client(sandbox, connect_timeout=1.0, timeout=2.0)
    c.create_session()  # the connection is open; the drip takes the next answer on it
    sandbox.fault("drip=20", 1)
    expect(c.create_session, mpgs.TimeoutError, 2.5, kind="timeout", outcome_unknown=True, attempts=1)


def test_async_calls_are_bounded_by_their_timeout_waiting_their_turn_included(start_sandbox: Any) -> None:
    import asyncio

    class One(mpgs.AsyncClient):
        MAX_IN_FLIGHT = 1

    # Four calls, one at a time, each answer 800 ms late, timeout 1.5 s: the ones that waited
    # their turn run out of time counting from when they were made.
    sb = start_sandbox("--latency-ms", "800")

    async def run() -> List[Any]:
        c = One("TESTMERCHANT", password="sandbox-password", base_url=sb.url, ca_file=sb.ca, timeout=1.5, max_retries=0)
        start = time.monotonic()
        calls = [asyncio.ensure_future(c.create_session()) for _ in range(4)]
        results = await asyncio.gather(*calls, return_exceptions=True)
        assert time.monotonic() - start <= 1.5 + 0.5 + 0.8, "the queue is bounded by the timeout too"
        return list(results)

    results = asyncio.run(run())
    assert isinstance(results[0], mpgs.Session), results[0]
    late = [r for r in results[1:] if isinstance(r, mpgs.TimeoutError)]
    assert len(late) >= 2, results


def test_async_a_dripped_handshake_ends_at_the_timeout(start_sandbox: Any) -> None:
    import asyncio

    sb = start_sandbox("--fault", "drip=20x10")

    async def run() -> Any:
        c = mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=sb.url, ca_file=sb.ca, connect_timeout=1.0, timeout=2.0)
        return await c.create_session()

    expect(lambda: asyncio.run(run()), mpgs.TimeoutError, 2.5, kind="timeout", outcome_unknown=False)


# ---- the repeat rule: a reused connection closed under a request -------------------------------

CARD_BODY = {
    "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008", "expiry": {"month": "5", "year": "30"}, "securityCode": "737"}}},
    "verificationStrategy": "BASIC",
}


def test_create_session_is_repeated_when_a_reused_connection_closes_before_any_answer(start_sandbox: Any) -> None:
    sb = start_sandbox()
    c = password_client(sb, max_retries=2)
    c.create_session()
    sb.fault("close", 1)
    assert c.create_session().attempts == 2


def test_a_token_is_repeated_only_when_the_repository_is_said_to_be_unique_card(start_sandbox: Any) -> None:
    sb = start_sandbox()
    c = password_client(sb, max_retries=2)
    c.create_token(CARD_BODY)
    sb.fault("close", 1)
    expect(lambda: c.create_token(CARD_BODY), mpgs.TransportError, 5, kind="io", outcome_unknown=True, attempts=1)
    c = password_client(sb, max_retries=2, token_repository_unique_card=True)
    c.create_token(CARD_BODY)
    sb.fault("close", 1)
    assert c.create_token(CARD_BODY).attempts == 2
    c.create_token(CARD_BODY)
    sb.fault("close", 1)
    acquirer = dict(CARD_BODY, verificationStrategy="ACQUIRER")
    expect(lambda: c.create_token(acquirer), mpgs.TransportError, 5, kind="io", outcome_unknown=True, attempts=1)


def test_async_client_takes_the_unique_card_setting_and_repeats_a_token(start_sandbox: Any) -> None:
    import asyncio

    sb = start_sandbox()

    async def run() -> int:
        c = mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=sb.url, ca_file=sb.ca, token_repository_unique_card=True)
        await c.create_token(CARD_BODY)
        sb.fault("close", 1)
        t = await c.create_token(CARD_BODY)
        await c.close()
        return int(t.attempts)

    assert asyncio.run(run()) == 2
