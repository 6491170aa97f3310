"""No secret in any string the Python package produces: every exception class is raised with a
password, card numbers, a security code, a PIN and an account number in play, with the `mpgs`
logger at DEBUG, and every repr, str, attribute and log record is searched."""

from __future__ import annotations

import base64
import logging
import socket
from typing import Any, List

import mpgs
import pytest

PASSWORD = "Pa55-w0rd-7f3e9b"
WRONG = "Wr0ng-Pa55-c41d"
CARD = "5123450000000008"
REFUSED_CARD = "5123450000000009"
CSC = "7319"
PIN = "84736251"
ACCOUNT = "99887766554433"
SECRETS = [PASSWORD, WRONG, CARD, REFUSED_CARD, CSC, PIN, ACCOUNT]


def card(number: str = CARD) -> Any:
    return {
        "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": number, "expiry": {"month": "5", "year": "30"}, "securityCode": CSC}}},
        "verificationStrategy": "BASIC",
    }


def texts_of(obj: Any) -> List[str]:
    out = [repr(obj), str(obj)]
    for value in getattr(obj, "__dict__", {}).values():
        out += [repr(value), str(value)]
    for f in getattr(obj, "errors", ()) or ():
        out += [repr(f), str(f)]
    return out


def test_no_string_the_package_produces_holds_a_secret(start_sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="mpgs")
    sb = start_sandbox("--merchant", f"TESTMERCHANT:{PASSWORD}")
    c = mpgs.Client("TESTMERCHANT", password=PASSWORD, base_url=sb.url, ca_file=sb.ca, timeout=2.0)
    seen: List[str] = [repr(c), str(c)]
    identifiers: List[str] = []  # random token ids may hold a secret's digits by chance
    t = c.create_token(card())
    identifiers.append(t.token or "")
    seen += texts_of(t) + texts_of(t.card)
    assert t.card is not None and t.card.number == "512345xxxxxx0008"
    for body in [
        {"sourceOfFunds": {"type": "GIFT_CARD", "provided": {"giftCard": {"number": CARD, "pin": PIN}}}},
        {"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"bankAccountNumber": ACCOUNT, "routingNumber": "011000015", "bankAccountHolder": "A Customer", "secCode": "WEB"}}}},
    ]:
        other = c.create_token(body)
        identifiers.append(other.token or "")
        seen += texts_of(other)

    raised: List[type] = []

    def expect(exc: type, call: Any) -> None:
        with pytest.raises(exc) as info:
            call()
        raised.append(type(info.value))
        seen.extend(texts_of(info.value))

    expect(mpgs.ConfigError, lambda: mpgs.Client("TESTMERCHANT", password=PASSWORD, region="nowhere"))
    bad = card(CARD + "-")
    bad["sourceOfFunds"]["provided"]["card"]["securityCode"] = CSC + "x"
    bad["sourceOfFunds"]["provided"]["giftCard"] = {"number": CARD, "pin": PIN + "!"}
    bad["sourceOfFunds"]["provided"]["ach"] = {"bankAccountNumber": ACCOUNT + ".", "x": CARD}
    expect(mpgs.ValidationError, lambda: c.create_token(bad))
    expect(mpgs.GatewayError, lambda: c.create_token(card(REFUSED_CARD)))
    wrong = mpgs.Client("TESTMERCHANT", password=WRONG, base_url=sb.url, ca_file=sb.ca)
    expect(mpgs.AuthenticationError, lambda: wrong.create_token(card()))
    for fault, exc in [("html500", mpgs.DecodeError), ("truncate", mpgs.DecodeError), ("close", mpgs.TransportError), ("stall=5000", mpgs.TimeoutError)]:
        sb.fault(fault, 1)
        expect(exc, lambda: c.create_token(card()))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = mpgs.Client("TESTMERCHANT", password=PASSWORD, base_url=f"https://127.0.0.1:{port}", max_retries=1)
    expect(mpgs.TransportError, lambda: closed.create_token(card()))
    untrusted = mpgs.Client("TESTMERCHANT", password=PASSWORD, base_url=sb.url)
    expect(mpgs.TransportError, lambda: untrusted.create_token(card()))

    assert {mpgs.ConfigError, mpgs.ValidationError, mpgs.GatewayError, mpgs.AuthenticationError, mpgs.DecodeError, mpgs.TransportError, mpgs.TimeoutError} <= set(raised), raised
    seen += [r.getMessage() for r in caplog.records]
    for text in seen:
        for i in identifiers:
            text = text.replace(i, "<id>")
        for secret in SECRETS:
            assert secret not in text, (secret, text)
        assert "Basic " not in text, text


def test_an_undecodable_2xx_answer_never_quotes_a_secret(start_sandbox: Any) -> None:
    """A 2xx that does not parse (one byte too many, or cut short by a clean close) holds the
    AES key, the card number, the security code, the PIN, the account number in clear: the
    quote in the DecodeError masks every one of them, and the Authorization echoed JSON-escaped."""
    slash_password = "Pa55?w0rd>7f3e9b~"  # its Base64 credentials hold "/", written "\/" in JSON
    sb = start_sandbox("--merchant", f"TESTMERCHANT:{slash_password}")
    c = mpgs.Client("TESTMERCHANT", password=slash_password, base_url=sb.url, ca_file=sb.ca, timeout=5.0)
    gift = {"sourceOfFunds": {"type": "GIFT_CARD", "provided": {"giftCard": {"number": CARD, "pin": PIN}}}}
    ach = {"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"bankAccountNumber": ACCOUNT, "routingNumber": "011000015", "bankAccountHolder": "A Customer", "secCode": "WEB"}}}}
    for fault in ["trailing", "cutjson"]:
        sb.fault(fault, 1)
        with pytest.raises(mpgs.DecodeError) as info:
            c.create_session()
        e = info.value
        assert e.outcome_unknown
        assert '\\"aes256Key\\":\\"***\\"' in str(e), str(e)
        for body in [card(), gift, ach]:
            sb.fault(fault, 1)
            with pytest.raises(mpgs.DecodeError) as info:
                c.create_token(body)
            texts = texts_of(info.value) + [str(a) for a in info.value.args]
            assert any("sourceOfFunds" in t for t in texts), texts
            for text in texts:
                for secret in SECRETS + [slash_password]:
                    assert secret not in text, (fault, secret, text)
    sb.fault("echojson", 1)
    with pytest.raises(mpgs.DecodeError) as info:
        c.create_token(card())
    encoded = base64.b64encode(f"merchant.TESTMERCHANT:{slash_password}".encode()).decode()
    assert "/" in encoded
    texts = texts_of(info.value)
    assert any("Basic ***" in t for t in texts), texts
    for text in texts:
        for leak in [encoded, encoded.replace("/", "\\/"), encoded[:24], slash_password]:
            assert leak not in text, (leak, text)
