"""``Client(on_call=...)`` and ``AsyncClient(on_call=...)``: one ``mpgs.CallEvent`` per call, after
it ends, on the calling thread (``Client``) or the event loop's thread (``AsyncClient``); an
exception in the hook is logged on the ``mpgs`` logger and never breaks the call; no event
attribute holds a body, a header or a secret."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
import threading
from typing import Any, List

import mpgs
import pytest

PASSWORD = "Pa55-w0rd-7f3e9b"
CARD = "5123450000000008"
REFUSED_CARD = "5123450000000009"
CSC = "7319"
PIN = "84736251"
ACCOUNT = "99887766554433"
SECRETS = [PASSWORD, CARD, REFUSED_CARD, CSC, PIN, ACCOUNT, "Authorization", "Basic "]
ATTRIBUTES = ["operation", "operation_name", "method", "path", "api_version", "http_status", "attempts",
              "elapsed", "outcome_unknown", "error_stage", "error_kind", "ok"]


def card(number: str = CARD) -> Any:
    return {
        "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": number, "expiry": {"month": "5", "year": "30"}, "securityCode": CSC}}},
        "verificationStrategy": "BASIC",
    }


@dataclasses.dataclass
class Seen:
    event: mpgs.CallEvent
    thread: int


class Recorder:
    def __init__(self) -> None:
        self.seen: List[Seen] = []

    def __call__(self, event: mpgs.CallEvent) -> None:
        self.seen.append(Seen(event, threading.get_ident()))

    @property
    def last(self) -> mpgs.CallEvent:
        return self.seen[-1].event


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_each_call_gives_one_event_on_the_calling_thread(sandbox: Any) -> None:
    rec = Recorder()
    client = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca, on_call=rec)
    session = client.create_session()
    e = rec.last
    assert isinstance(e, mpgs.CallEvent)
    assert (e.operation, e.operation_name, e.method) == ("create_session", "Create Session", "POST")
    assert e.path == "/api/rest/version/58/merchant/TESTMERCHANT/session"
    assert (e.api_version, e.http_status, e.attempts, e.outcome_unknown, e.ok) == (58, 201, 1, False, True)
    assert (e.error_stage, e.error_kind) == (None, None)
    assert 0 < e.elapsed < 20
    assert rec.seen[-1].thread == threading.get_ident()
    assert session.id is not None
    client.retrieve_session(session.id)
    assert rec.last.path.endswith(f"/session/{session.id}"), "the session id as sent"
    assert (rec.last.operation, rec.last.method, rec.last.http_status) == ("retrieve_session", "GET", 200)
    client.check_gateway()
    assert rec.last.path == "/api/rest/version/58/information"
    assert len(rec.seen) == 3
    with pytest.raises(AttributeError):
        rec.last.path = "x"  # type: ignore[misc]
    assert "retrieve" not in repr(rec.last) and "check_gateway" in repr(rec.last)


def test_a_gateway_error_a_validation_error_and_a_transport_failure(sandbox: Any) -> None:
    rec = Recorder()
    client = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca, on_call=rec)
    with pytest.raises(mpgs.GatewayError):
        client.create_token(card(REFUSED_CARD))
    e = rec.last
    assert (e.operation, e.api_version, e.http_status, e.attempts) == ("create_token", 38, 400, 1)
    assert (e.error_stage, e.error_kind, e.outcome_unknown, e.ok) == ("answered", "gateway", False, False)
    with pytest.raises(mpgs.ValidationError):
        client.retrieve_token("12/34")
    e = rec.last
    assert (e.error_stage, e.error_kind, e.attempts, e.http_status) == ("not_sent", "validation", 0, None)
    assert e.path.endswith("/token/{tokenid}"), "a refused id never shows"
    with pytest.raises(mpgs.GatewayError):
        client.retrieve_token(CARD)
    assert rec.last.path.endswith("/token/512345xxxxxx0008"), "a card number given as a token id is masked"

    down = mpgs.Client("TESTMERCHANT", password=PASSWORD, base_url=f"https://127.0.0.1:{closed_port()}",
                       max_retries=1, connect_timeout=2, on_call=rec)
    with pytest.raises(mpgs.TransportError):
        down.create_session()
    e = rec.last
    assert (e.error_stage, e.error_kind, e.attempts, e.http_status, e.outcome_unknown) == ("unanswered", "connect", 2, None, False)

    sandbox.fault("close")
    with pytest.raises(mpgs.TransportError):
        client.create_token(card())
    assert (rec.last.error_kind, rec.last.outcome_unknown) == ("io", True)


def test_an_exception_in_the_hook_is_logged_and_never_breaks_the_call(sandbox: Any, caplog: Any) -> None:
    def broken(event: mpgs.CallEvent) -> None:
        raise ValueError("the hook's own bug")

    client = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca, on_call=broken)
    with caplog.at_level(logging.WARNING, logger="mpgs"):
        assert client.create_session().http_status == 201
        with pytest.raises(mpgs.GatewayError):
            client.create_token(card(REFUSED_CARD))
    records = [r for r in caplog.records if r.name == "mpgs" and "on_call" in r.getMessage()]
    assert len(records) == 2 and "ValueError" in records[0].getMessage()
    assert records[0].exc_info is not None


@pytest.mark.asyncio
async def test_async_events_come_on_the_event_loops_thread(sandbox: Any, caplog: Any) -> None:
    rec = Recorder()
    async with mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca,
                                on_call=rec) as client:
        sessions = await asyncio.gather(*(client.create_session() for _ in range(8)))
        assert len(rec.seen) == 8
        assert {s.thread for s in rec.seen} == {threading.get_ident()}
        assert all(s.event.operation == "create_session" and s.event.http_status == 201 for s in rec.seen)
        with pytest.raises(mpgs.GatewayError):
            await client.create_token(card(REFUSED_CARD))
        assert (rec.last.error_kind, rec.last.http_status) == ("gateway", 400)
        with pytest.raises(mpgs.ValidationError):
            await client.retrieve_session("../x")
        assert (rec.last.error_stage, rec.last.attempts) == ("not_sent", 0)
        assert sessions[0].id is not None
        await client.retrieve_session(sessions[0].id)
        assert rec.last.path.endswith(sessions[0].id)
        assert len(rec.seen) == 11

    def broken(event: mpgs.CallEvent) -> None:
        raise RuntimeError("the hook's own bug")

    with caplog.at_level(logging.WARNING, logger="mpgs"):
        async with mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca,
                                    on_call=broken) as client:
            assert (await client.create_session()).http_status == 201
    assert any("RuntimeError" in r.getMessage() for r in caplog.records if r.name == "mpgs")


def test_no_event_attribute_holds_a_body_a_header_or_a_secret(start_sandbox: Any) -> None:
    s = start_sandbox("--merchant", f"TESTMERCHANT:{PASSWORD}")
    rec = Recorder()
    client = mpgs.Client("TESTMERCHANT", password=PASSWORD, base_url=s.url, ca_file=s.ca, timeout=2, on_call=rec)
    ids: List[str] = []
    session = client.create_session()
    assert session.id is not None and session.aes256_key is not None
    ids.append(session.id)
    client.update_session(session.id, {"sourceOfFunds": {"provided": {"card": {"number": CARD, "securityCode": CSC}}}})
    client.retrieve_session(session.id)
    bodies = [
        card(),
        {"sourceOfFunds": {"type": "GIFT_CARD", "provided": {"giftCard": {"number": CARD, "pin": PIN}}}},
        {"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"bankAccountNumber": ACCOUNT, "routingNumber": "011000015",
                                                               "bankAccountHolder": "A Customer", "accountType": "CONSUMER_CHECKING",
                                                               "secCode": "WEB"}}}},
    ]
    for body in bodies:
        try:
            token = client.create_token(body)
        except mpgs.Error:
            continue
        if token.token:
            ids.append(token.token)
            client.retrieve_token(token.token)
    bad = card()
    bad["sourceOfFunds"]["provided"]["card"]["securityCode"] = CSC + "x"
    for call in (lambda: client.create_token(bad), lambda: client.create_token(card(REFUSED_CARD)),
                 lambda: client.retrieve_token(CARD), lambda: client.delete_token(CARD)):
        with pytest.raises(mpgs.Error):
            call()
    for fault in ("echo", "trailing", "html500", "close"):
        s.fault(fault)
        with pytest.raises(mpgs.Error):
            client.create_token(card())
    wrong = mpgs.Client("TESTMERCHANT", password="Wr0ng-" + PASSWORD, base_url=s.url, ca_file=s.ca, on_call=rec)
    with pytest.raises(mpgs.AuthenticationError):
        wrong.create_token(card())
    kinds = {x.event.error_kind for x in rec.seen}
    assert {"validation", "gateway", "authentication", "decode", "io"} <= kinds, kinds
    secrets = SECRETS + [session.aes256_key]
    for x in rec.seen:
        texts = [repr(x.event)] + [str(getattr(x.event, a)) for a in ATTRIBUTES]
        for text in texts:
            for id_ in ids:
                text = text.replace(id_, "<id>")
            for secret in secrets:
                assert secret not in text, f"{secret!r} in {text}"


def test_the_client_certificates_expiry_is_readable(sandbox: Any) -> None:
    import datetime
    import ssl

    client = mpgs.Client("CERTMERCHANT", cert_file=sandbox.client_cert, key_file=sandbox.client_key,
                         base_url=sandbox.url, ca_file=sandbox.ca)
    expiry = client.client_certificate_expiry
    assert expiry is not None and expiry.tzinfo is not None
    # Python's own certificate decoder, as an independent reading of the same file.
    not_after = ssl._ssl._test_decode_cert(sandbox.client_cert)["notAfter"]  # type: ignore[attr-defined]
    assert expiry == datetime.datetime.fromtimestamp(0, datetime.timezone.utc) + datetime.timedelta(
        seconds=ssl.cert_time_to_seconds(not_after))
    assert client.create_session().http_status == 201, "and the certificate works"
    password = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca)
    assert password.client_certificate_expiry is None


@pytest.mark.asyncio
async def test_the_async_client_reads_the_expiry_too(sandbox: Any) -> None:
    async with mpgs.AsyncClient("CERTMERCHANT", cert_file=sandbox.client_cert, key_file=sandbox.client_key,
                                base_url=sandbox.url, ca_file=sandbox.ca) as client:
        assert client.client_certificate_expiry is not None


def test_a_hook_that_holds_its_client_is_collected(sandbox: Any) -> None:
    import gc
    import weakref

    class Till:
        def __init__(self) -> None:
            self.client = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url,
                                      ca_file=sandbox.ca, on_call=self.on_call)
            self.events = 0

        def on_call(self, event: mpgs.CallEvent) -> None:
            self.events += 1

    till = Till()
    till.client.check_gateway()
    assert till.events == 1
    gone = weakref.ref(till)
    del till
    gc.collect()
    assert gone() is None, "the cycle till -> client -> till.on_call is collected"
