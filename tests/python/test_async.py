"""mpgs.AsyncClient against the sandbox over TLS on 127.0.0.1 (pytest-asyncio): the same
arguments, results and exceptions as mpgs.Client, an event loop that never waits on the network,
64 calls in flight together, a bounded number beyond, cancellation, close, one loop at a time."""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import mpgs
import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "sandbox-password"
CARD = "5123450000000008"
CARD_BODY = {
    "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}, "securityCode": "737"}}},
    "verificationStrategy": "BASIC",
}
SESSION_PATH = "/api/rest/version/58/merchant/TESTMERCHANT/session"


def aclient(sb: Any, cls: Any = mpgs.AsyncClient, **kw: Any) -> Any:
    return cls("TESTMERCHANT", password=kw.pop("password", PASSWORD), base_url=sb.url, ca_file=sb.ca, **kw)


def established(port: int) -> int:
    """TCP connections the sandbox on `port` has accepted and not closed (from /proc/net/tcp)."""
    with open("/proc/net/tcp") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    return sum(1 for r in rows if int(r[1].split(":")[1], 16) == port and r[3] == "01")


def port_of(sb: Any) -> int:
    return int(sb.url.rsplit(":", 1)[1])


async def until(check: Callable[[], bool], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


# ---- the API: Client's arguments, results and exceptions ---------------------------------------

@pytest.mark.asyncio
async def test_the_constructor_and_methods_take_exactly_the_clients_arguments() -> None:
    assert inspect.signature(mpgs.AsyncClient) == inspect.signature(mpgs.Client)
    for name in ("create_session", "create_token"):
        assert inspect.signature(getattr(mpgs.AsyncClient, name)) == inspect.signature(getattr(mpgs.Client, name))
        assert inspect.iscoroutinefunction(getattr(mpgs.AsyncClient, name))
    assert inspect.iscoroutinefunction(mpgs.AsyncClient.close)


@pytest.mark.asyncio
async def test_both_operations_with_password_give_the_clients_results(sandbox: Any) -> None:
    async with aclient(sandbox) as c:
        s = await c.create_session(authentication_limit=5, correlation_id="till-7")
        assert s.id is not None and len(s.id) == 31
        assert s.aes256_key is not None and len(s.aes256_key) == 44
        assert isinstance(s.update_status, mpgs.UpdateStatus) and s.update_status == mpgs.UpdateStatus.NO_UPDATE
        assert (s.authentication_limit, s.merchant, s.correlation_id) == (5, "TESTMERCHANT", "till-7")
        assert (s.api_version, s.http_status, s.result) == (58, 201, mpgs.Result.SUCCESS)
        assert isinstance(s, mpgs.Session)
        t = await c.create_token(CARD_BODY)
        assert isinstance(t, mpgs.Token) and t.status == mpgs.TokenStatus.VALID
        assert t.card is not None and (t.card.number, t.card.expiry) == ("512345xxxxxx0008", "0530")
        dotted = await c.create_token({"sourceOfFunds.type": "CARD", "sourceOfFunds.provided.card.number": CARD,
                                       "sourceOfFunds.provided.card.expiry.month": "5", "sourceOfFunds.provided.card.expiry.year": "30"})
    sync = mpgs.Client("TESTMERCHANT", password=PASSWORD, base_url=sandbox.url, ca_file=sandbox.ca)
    same = sync.create_token(CARD_BODY)
    assert dotted.token == t.token == same.token  # UNIQUE_CARD: one token for the card, whichever client
    assert (same.status, same.gateway_code, same.raw["sourceOfFunds"]) == (t.status, t.gateway_code, t.raw["sourceOfFunds"])


@pytest.mark.asyncio
async def test_both_operations_with_certificate_auth(sandbox: Any) -> None:
    async with mpgs.AsyncClient("CERTMERCHANT", cert_file=sandbox.client_cert, key_file=sandbox.client_key,
                                base_url=sandbox.url, ca_file=sandbox.ca) as c:
        assert (await c.create_session()).merchant == "CERTMERCHANT"
        assert (await c.create_token(CARD_BODY)).status == mpgs.TokenStatus.VALID


@pytest.mark.asyncio
async def test_a_validation_error_comes_from_the_await_and_nothing_is_sent(start_sandbox: Any) -> None:
    sb = start_sandbox()
    sb.fault("html500", 1)  # the next request that reaches the sandbox gets it
    c = aclient(sb)
    with pytest.raises(mpgs.ValidationError) as e:
        await c.create_token({"sourceOfFunds.type": "ACH", "sourceOfFunds.provided.ach.routingNumber": "01100001", "bogus": 1})
    assert isinstance(e.value, ValueError)
    assert {(f.field, f.validation_type) for f in e.value.errors} == {
        ("sourceOfFunds.provided.ach.routingNumber", "INVALID"), ("bogus", "UNSUPPORTED"),
        ("sourceOfFunds.provided.ach.bankAccountNumber", "MISSING"), ("sourceOfFunds.provided.ach.secCode", "MISSING"),
    }
    with pytest.raises(mpgs.ValidationError) as s:
        await c.create_session(authentication_limit=26)
    assert s.value.field == "session.authenticationLimit"
    with pytest.raises(TypeError):
        await c.create_token({"sourceOfFunds": object()})
    with pytest.raises(mpgs.DecodeError):  # the fault was still pending: none of the above was sent
        await c.create_session()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def error_cases(sb: Any) -> List[Any]:
    """(name, client kwargs, operation, fault): each raises one exception class."""
    refused = f"https://127.0.0.1:{closed_port()}"
    return [
        ("validation", {}, ("token", {"sourceOfFunds.type": "ACH"}), None),
        ("authentication", {"password": "wrong"}, ("session", None), None),
        ("gateway", {"session_api_version": 999}, ("session", None), None),
        ("decode", {}, ("session", None), "html500"),
        ("transport", {"base_url": refused, "max_retries": 1}, ("session", None), None),
        ("untrusted", {"ca_file": None}, ("session", None), None),
        ("timeout", {"timeout": 0.5}, ("session", None), "stall=3000"),
    ]


def described(e: BaseException) -> Dict[str, Any]:
    attrs = ("http_status", "cause", "explanation", "field", "validation_type", "support_code", "result", "kind", "outcome_unknown", "attempts")
    out = {a: getattr(e, a) for a in attrs if hasattr(e, a)}
    out["errors"] = getattr(e, "errors", None)
    out["type"] = type(e)
    text = str(e)
    for word in ("port", "127.0.0.1"):  # the refused port differs between the two runs
        text = text.split(word)[0]
    out["str"] = text
    return out


@pytest.mark.asyncio
async def test_every_exception_class_is_raised_from_the_await_as_the_client_raises_it(start_sandbox: Any) -> None:
    sb = start_sandbox()
    raised = set()
    for name, kw, (op, body), fault in error_cases(sb):
        kw = dict(kw)
        base = {"base_url": kw.pop("base_url", sb.url), "ca_file": kw.pop("ca_file", sb.ca), "password": kw.pop("password", PASSWORD)}
        sync = mpgs.Client("TESTMERCHANT", **base, **kw)
        if fault:
            sb.fault(fault, 1)
        with pytest.raises(mpgs.Error) as blocking:
            sync.create_session(body) if op == "session" else sync.create_token(body)
        async with mpgs.AsyncClient("TESTMERCHANT", **base, **kw) as c:
            if fault:
                sb.fault(fault, 1)
            with pytest.raises(mpgs.Error) as awaited:
                await (c.create_session(body) if op == "session" else c.create_token(body))
        assert described(awaited.value) == described(blocking.value), name
        raised.add(type(awaited.value))
    assert raised == {mpgs.ValidationError, mpgs.AuthenticationError, mpgs.GatewayError, mpgs.DecodeError, mpgs.TransportError, mpgs.TimeoutError}
    # The constructor is Client's: its errors come at once.
    with pytest.raises(mpgs.ConfigError):
        mpgs.AsyncClient("TESTMERCHANT", password=PASSWORD, base_url="http://example.com")
    with pytest.raises(mpgs.ValidationError):
        mpgs.AsyncClient("BAD ID", password=PASSWORD, region="mtf")


@pytest.mark.asyncio
async def test_each_call_is_logged_like_the_clients(sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mpgs")
    async with aclient(sandbox) as c:
        await c.create_session()
        with pytest.raises(mpgs.ValidationError):
            await c.create_token({})
    messages = [r.getMessage() for r in caplog.records if r.name == "mpgs"]
    assert any(m.startswith(f"POST {SESSION_PATH} -> 201 in ") for m in messages), messages
    assert any(m.startswith("POST /api/rest/version/38/merchant/TESTMERCHANT/token -> ValidationError in ") for m in messages), messages


# ---- behaviour: the loop never waits, 64 together, a bounded number beyond ----------------------

@pytest.mark.asyncio
async def test_the_event_loop_and_other_threads_run_while_a_call_waits_on_the_network(start_sandbox: Any) -> None:
    sb = start_sandbox("--latency-ms", "1000")
    c = aclient(sb)
    ticks = 0
    counted = 0
    stop = threading.Event()

    def count() -> None:  # needs the GIL: the call must not hold it while it waits
        nonlocal counted
        while not stop.is_set():
            counted += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    call = asyncio.ensure_future(c.create_session())
    counter.start()
    while not call.done():
        await asyncio.sleep(0.01)
        ticks += 1
    stop.set()
    counter.join()
    assert (await call).http_status == 201
    # One second of network wait: a blocked loop would tick about once, a held GIL would stop the
    # counter; 10 leaves room for a busy machine (about 100 of each when idle).
    assert ticks >= 10, ticks
    assert counted >= 10, counted


@pytest.mark.asyncio
async def test_64_calls_are_in_flight_together(start_sandbox: Any) -> None:
    sb = start_sandbox("--latency-ms", "1500")
    c = aclient(sb)
    assert mpgs.AsyncClient.MAX_IN_FLIGHT == 256  # the documented maximum
    start = time.monotonic()
    calls = [asyncio.ensure_future(c.create_session(correlation_id=f"c{i}")) for i in range(64)]
    # Each call in flight holds its own connection: 64 open at once means 64 under way at once
    # (a pool of N threads would never open more than N).
    await until(lambda: established(port_of(sb)) >= 64)
    sessions = await asyncio.gather(*calls)
    elapsed = time.monotonic() - start
    assert sorted(s.correlation_id or "" for s in sessions) == sorted(f"c{i}" for i in range(64))
    assert len({s.id for s in sessions}) == 64
    assert elapsed < 64 * 1.5 / 4, elapsed  # serialised: 96 s; in batches of 16: 6 s
    await c.close()


class Four(mpgs.AsyncClient):
    MAX_IN_FLIGHT = 4


@pytest.mark.asyncio
async def test_calls_beyond_the_maximum_wait_their_turn(start_sandbox: Any) -> None:
    sb = start_sandbox("--latency-ms", "300")
    c = aclient(sb, Four)
    start = time.monotonic()
    calls = [asyncio.ensure_future(c.create_session(correlation_id=f"q{i}")) for i in range(12)]
    peak = 0
    while not all(f.done() for f in calls):
        peak = max(peak, established(port_of(sb)))
        assert c._runner is None or c._runner.threads <= 4
        await asyncio.sleep(0.02)
    elapsed = time.monotonic() - start
    assert [s.correlation_id for s in await asyncio.gather(*calls)] == [f"q{i}" for i in range(12)]
    assert peak <= 4, peak
    assert elapsed >= 3 * 0.3, elapsed  # 12 calls, 4 at a time, 300 ms each: at least three rounds


# ---- cancellation ------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_cancelling_returns_at_once_and_warns_that_the_outcome_is_unknown(start_sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mpgs")
    sb = start_sandbox("--latency-ms", "3000")
    c = aclient(sb)
    loop_errors: List[Dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: loop_errors.append(ctx))
    task = asyncio.ensure_future(c.create_session())
    await until(lambda: established(port_of(sb)) >= 1)
    await asyncio.sleep(0.2)  # the request is on the wire; its answer is 3 s away
    start = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - start < 1.0
    warnings = [r for r in caplog.records if r.name == "mpgs" and r.levelno == logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    message = warnings[0].getMessage()
    assert message.startswith(f"POST {SESSION_PATH} cancelled after ") and "outcome is unknown" in message, message
    assert PASSWORD not in message and "Basic" not in message
    # A timeout is a cancellation too; the client goes on working, and the answers that arrive
    # later for the cancelled calls are dropped without an error on the loop.
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(c.create_session(), 0.3)
    sb.raw("POST", "/_sandbox/latency", {"ms": 0})
    assert (await c.create_session()).http_status == 201
    await asyncio.sleep(3.5)
    assert loop_errors == []
    await c.close()


@pytest.mark.asyncio
async def test_cancelling_a_call_still_waiting_its_turn_sends_nothing(start_sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mpgs")

    class One(mpgs.AsyncClient):
        MAX_IN_FLIGHT = 1

    sb = start_sandbox("--latency-ms", "500")
    c = aclient(sb, One)
    first = asyncio.ensure_future(c.create_session())
    await until(lambda: established(port_of(sb)) >= 1)
    queued = asyncio.ensure_future(c.create_token(CARD_BODY))
    await asyncio.sleep(0.05)
    queued.cancel()
    with pytest.raises(asyncio.CancelledError):
        await queued
    sb.fault("html500", 1)  # set after the first call reached the sandbox: for the next request
    assert (await first).http_status == 201
    with pytest.raises(mpgs.DecodeError):  # still pending: the cancelled call never reached the sandbox
        await c.create_session()
    messages = [r.getMessage() for r in caplog.records if r.name == "mpgs"]
    assert any(m.startswith("POST /api/rest/version/38/merchant/TESTMERCHANT/token cancelled after ") and "before it was sent" in m
               for m in messages), messages
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# ---- close, loops, pickling, secrets -----------------------------------------------------------

@pytest.mark.asyncio
async def test_close_waits_for_calls_under_way_then_refuses_new_ones(start_sandbox: Any) -> None:
    sb = start_sandbox("--latency-ms", "500")
    c = aclient(sb)
    under_way = asyncio.ensure_future(c.create_session())
    await until(lambda: established(port_of(sb)) >= 1)
    await c.close()
    assert under_way.done() and under_way.result().http_status == 201
    assert repr(c) == "AsyncClient(merchant_id='TESTMERCHANT', closed)"
    with pytest.raises(RuntimeError, match="closed"):
        await c.create_session()
    with pytest.raises(RuntimeError, match="closed"):
        await c.create_token(CARD_BODY)
    await c.close()  # a second close is harmless
    async with aclient(sb) as d:
        assert (await d.create_session()).http_status == 201
    with pytest.raises(RuntimeError, match="closed"):
        await d.create_session()


@pytest.mark.asyncio
async def test_not_picklable_and_repr_without_secrets(sandbox: Any) -> None:
    c = aclient(sandbox)
    with pytest.raises(TypeError, match="AsyncClient holds credentials"):
        pickle.dumps(c)
    assert repr(c) == f'AsyncClient(merchant_id="TESTMERCHANT", base_url="{sandbox.url}")'
    await c.close()


def test_a_client_is_used_from_one_loop_at_a_time(start_sandbox: Any) -> None:
    sb = start_sandbox("--latency-ms", "800")
    c = aclient(sb)
    # One loop after another: fine.
    assert asyncio.run(c.create_session()).http_status == 201
    assert asyncio.run(c.create_session()).http_status == 201
    # A second loop while the first has a call in flight: a clear error.
    in_flight = threading.Event()
    results: List[Any] = []

    def other_loop() -> None:
        async def call() -> Any:
            f = asyncio.ensure_future(c.create_session())
            await asyncio.sleep(0)
            in_flight.set()
            return await f

        results.append(asyncio.run(call()))

    t = threading.Thread(target=other_loop)
    t.start()
    assert in_flight.wait(10)
    with pytest.raises(RuntimeError, match="another event loop"):
        asyncio.run(c.create_session())
    t.join()
    assert results[0].http_status == 201
    assert asyncio.run(c.create_session()).http_status == 201  # that loop is done: this one may use it
    with pytest.raises(RuntimeError, match="no running event loop"):
        c.create_session().send(None)


def test_works_under_uvloop(sandbox: Any) -> None:
    uvloop = pytest.importorskip("uvloop")

    async def both() -> Any:
        async with aclient(sandbox) as c:
            sessions = await asyncio.gather(*(c.create_session() for _ in range(16)))
            return sessions, await c.create_token(CARD_BODY)

    loop = uvloop.new_event_loop()
    try:
        assert type(loop).__module__.startswith("uvloop")
        sessions, token = loop.run_until_complete(both())
    finally:
        loop.close()
    assert len({s.id for s in sessions}) == 16 and token.status == mpgs.TokenStatus.VALID


SECRETS = [PASSWORD, CARD, "737", "98765432", "1234567890"]


@pytest.mark.asyncio
async def test_no_repr_str_or_log_line_holds_a_secret(start_sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="mpgs")
    sb = start_sandbox()
    c = aclient(sb, timeout=1.0)
    seen: List[str] = [repr(c), str(c)]
    s = await c.create_session()
    t = await c.create_token(CARD_BODY)
    seen += [repr(s), str(s), repr(t), str(t), repr(t.card)]
    for body in [
        {"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD + "x", "securityCode": "737a"}}}},
        {"sourceOfFunds": {"type": "GIFT_CARD", "provided": {"giftCard": {"number": CARD, "pin": "98765432x"}}}},
        {"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"bankAccountNumber": "1234567890.", "routingNumber": "1"}}}},
    ]:
        with pytest.raises(mpgs.ValidationError) as e:
            await c.create_token(body)
        seen += [repr(e.value), str(e.value)] + [repr(f) for f in e.value.errors]
    for fault, exc in [("html500", mpgs.DecodeError), ("close", mpgs.TransportError), ("stall=3000", mpgs.TimeoutError)]:
        sb.fault(fault, 1)
        with pytest.raises(exc) as x:
            await c.create_token(CARD_BODY)
        seen += [repr(x.value), str(x.value)]
    with pytest.raises(mpgs.AuthenticationError) as a:
        await aclient(sb, password=PASSWORD + "-wrong").create_token(CARD_BODY)
    seen += [repr(a.value), str(a.value)]
    sb.fault("stall=2000", 1)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(c.create_token(CARD_BODY), 0.3)  # the cancellation warning
    await c.close()
    seen += [repr(c), str(c)]
    seen += [r.getMessage() for r in caplog.records]
    assert any(r.levelno == logging.WARNING and "outcome is unknown" in r.getMessage() for r in caplog.records)
    identifiers = [i for i in (s.id, s.version, t.token) if i]
    for text in seen:
        for i in identifiers + [sb.url]:  # random identifiers and the port may hold digits of a secret by chance
            text = text.replace(i, "<id>")
        for secret in SECRETS:
            assert secret not in text, (secret, text)
        assert "Basic " not in text, text


def test_the_async_quickstart_runs_against_the_sandbox(sandbox: Any) -> None:
    env = dict(os.environ, MPGS_BASE_URL=sandbox.url, MPGS_CA_FILE=sandbox.ca, MPGS_MERCHANT_ID="TESTMERCHANT",
               MPGS_PASSWORD=PASSWORD, MPGS_CERT_MERCHANT_ID="CERTMERCHANT",
               MPGS_CLIENT_CERT=sandbox.client_cert, MPGS_CLIENT_KEY=sandbox.client_key)
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart_async.py")], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    for label in ("password", "certificate"):
        assert f"[python-async/{label}] 8 sessions at once; token 9" in out.stdout, out.stdout
        assert f"[python-async/{label}] refused before sending: INVALID sourceOfFunds.provided.ach.routingNumber" in out.stdout


EXIT_SCRIPT = """
import asyncio, sys
import mpgs

async def main() -> None:
    c = mpgs.AsyncClient("TESTMERCHANT", password=sys.argv[3], base_url=sys.argv[1], ca_file=sys.argv[2])
    await asyncio.gather(*(c.create_session() for _ in range(64)))

asyncio.run(main())
"""


def test_the_process_exits_cleanly_right_after_its_calls(sandbox: Any) -> None:
    # Workers may still be handing results to the loop when the interpreter starts to shut down.
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", EXIT_SCRIPT, sandbox.url, sandbox.ca, PASSWORD],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, (out.returncode, out.stderr)


def test_the_readme_asyncio_example_runs_against_the_sandbox(sandbox: Any) -> None:
    readme = (ROOT / "README.md").read_text()
    block = next(b.split("\n", 1)[1] for b in readme.split("```python")[1:] if "mpgs.AsyncClient(" in b).split("```")[0]
    code = block.replace('password="…", region="mtf"', f'password="{PASSWORD}", base_url="{sandbox.url}", ca_file="{sandbox.ca}"')
    assert code != block
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    session_id, token = out.stdout.split()
    assert len(session_id) == 31 and len(token) == 16


def _child_calls(client: Any, out: Any) -> None:
    try:
        async def calls() -> List[Optional[str]]:
            first = await client.create_session()  # one call alone: no stray queue covers for it
            return [first.id] + [s.id for s in await asyncio.gather(*(client.create_session() for _ in range(3)))]

        out.put(("ok", asyncio.run(calls())))
    except BaseException as e:  # report anything to the parent
        out.put(("error", repr(e)))


def test_a_forked_child_and_its_parent_both_keep_working(sandbox: Any) -> None:
    import multiprocessing

    c = aclient(sandbox)
    assert asyncio.run(c.create_session()).http_status == 201  # the parent's workers exist now
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_child_calls, args=(c, out))
    child.start()
    status, ids = out.get(timeout=30)
    child.join(30)
    assert (status, child.exitcode) == ("ok", 0), ids
    assert len(set(ids)) == 4
    assert asyncio.run(c.create_session()).http_status == 201


@pytest.mark.asyncio
async def test_any_mapping_is_a_body_and_a_whole_float_limit_is_sent_as_an_integer(sandbox: Any) -> None:
    from types import MappingProxyType

    async with aclient(sandbox) as c:
        s = await c.create_session(MappingProxyType({"session": MappingProxyType({"authenticationLimit": 8.0})}))
        assert s.authentication_limit == 8
        t = await c.create_token(MappingProxyType(CARD_BODY))
        assert t.card is not None and t.card.number == "512345xxxxxx0008"
