"""The Python package against the sandbox over TLS on 127.0.0.1."""

from __future__ import annotations

import logging
import pickle
import socket
import threading
import time
from types import MappingProxyType
from typing import Any, Iterator, List, Mapping

import mpgs
import pytest

CARD = "5123450000000008"
CARD_BODY = {
    "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}, "securityCode": "737"}}},
    "verificationStrategy": "BASIC",
}


def test_create_session_with_password(client: mpgs.Client) -> None:
    s = client.create_session(authentication_limit=5, correlation_id="till-7")
    assert s.id is not None and len(s.id) == 31
    assert s.aes256_key is not None and len(s.aes256_key) == 44
    assert s.version is not None and s.version.endswith("01")
    assert s.update_status == mpgs.UpdateStatus.NO_UPDATE
    assert isinstance(s.update_status, mpgs.UpdateStatus)
    assert s.update_status == "NO_UPDATE"
    assert (s.authentication_limit, s.merchant, s.correlation_id) == (5, "TESTMERCHANT", "till-7")
    assert s.result == mpgs.Result.SUCCESS
    assert (s.api_version, s.http_status) == (58, 201)
    assert s.raw["session"]["id"] == s.id


def test_create_session_from_a_body_dict(client: mpgs.Client) -> None:
    s = client.create_session({"session": {"authenticationLimit": 3}})
    assert s.authentication_limit == 3


def test_both_operations_with_certificate_auth(sandbox: Any) -> None:
    c = mpgs.Client("CERTMERCHANT", cert_file=sandbox.client_cert, key_file=sandbox.client_key, base_url=sandbox.url, ca_file=sandbox.ca)
    assert c.create_session().merchant == "CERTMERCHANT"
    assert c.create_token(CARD_BODY).status == mpgs.TokenStatus.VALID


def test_create_token_nested_and_dotted(client: mpgs.Client) -> None:
    t = client.create_token(CARD_BODY)
    assert t.token is not None and len(t.token) == 16 and t.token.startswith("9")
    assert t.status == mpgs.TokenStatus.VALID
    assert t.gateway_code == mpgs.GatewayCode.BASIC_VERIFICATION_SUCCESSFUL
    assert t.verification_strategy == mpgs.VerificationStrategy.BASIC
    assert t.repository_id == "SANDBOXREPO"
    assert t.card is not None
    assert (t.card.number, t.card.expiry, t.card.brand, t.card.scheme) == ("512345xxxxxx0008", "0530", "MASTERCARD", "MASTERCARD")
    assert t.card.funding_method == mpgs.FundingMethod.CREDIT
    assert t.usage is not None and t.usage.last_updated_by == "TESTMERCHANT"
    dotted = client.create_token({
        "sourceOfFunds.type": "CARD",
        "sourceOfFunds.provided.card.number": CARD,
        "sourceOfFunds.provided.card.expiry.month": "5",
        "sourceOfFunds.provided.card.expiry.year": "30",
        "verificationStrategy": mpgs.VerificationStrategy.BASIC,
    })
    assert dotted.token == t.token  # UNIQUE_CARD


def test_ach_and_gift_card(client: mpgs.Client) -> None:
    t = client.create_token({"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"routingNumber": "011000015", "bankAccountNumber": "1234567890", "secCode": "WEB"}}}})
    assert t.ach is not None and t.ach.routing_number == "011000015" and t.ach.sec_code == "WEB"
    t = client.create_token({"sourceOfFunds": {"type": "GIFT_CARD", "provided": {"giftCard": {"number": "6000000000000004", "pin": "1234"}}}})
    assert t.gift_card is not None and t.gift_card.number == "600000xxxxxx0004"
    # The spec's gift card enumerations come back as str enums.
    assert t.gift_card.brand is mpgs.GiftCardBrand.LOCAL_BRAND_ONLY
    assert t.gift_card.scheme is mpgs.GiftCardScheme.OTHER


def test_session_to_token_flow(client: mpgs.Client, sandbox: Any) -> None:
    s = client.create_session()
    updated = sandbox.raw("PUT", f"/api/rest/version/58/merchant/TESTMERCHANT/session/{s.id}",
                          {"sourceOfFunds": {"provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}}}}})
    t = client.create_token({"sourceOfFunds": {"type": "CARD"}, "session": {"id": s.id, "version": updated["session"]["version"]}})
    assert t.card is not None and t.card.number == "512345xxxxxx0008"


def test_validation_error_lists_every_field(client: mpgs.Client) -> None:
    with pytest.raises(mpgs.ValidationError) as e:
        client.create_token({"sourceOfFunds.type": "ACH", "sourceOfFunds.provided.ach.routingNumber": "01100001", "bogus": 1})
    err = e.value
    assert isinstance(err, ValueError) and isinstance(err, mpgs.Error)
    assert (err.field, err.validation_type) == ("sourceOfFunds.provided.ach.routingNumber", "INVALID")
    assert err.explanation == "must be exactly 9 digits, got 8 (v38)"
    assert {(f.field, f.validation_type) for f in err.errors} == {
        ("sourceOfFunds.provided.ach.routingNumber", "INVALID"),
        ("bogus", "UNSUPPORTED"),
        ("sourceOfFunds.provided.ach.bankAccountNumber", "MISSING"),
        ("sourceOfFunds.provided.ach.secCode", "MISSING"),
    }


def test_offline_validators() -> None:
    assert mpgs.validate_create_session({}) is None
    assert mpgs.validate_create_token(CARD_BODY) is None
    with pytest.raises(mpgs.ValidationError) as e:
        mpgs.validate_create_session({"session": {"authenticationLimit": 26}})
    assert e.value.field == "session.authenticationLimit"
    with pytest.raises(mpgs.ValidationError) as e:
        mpgs.validate_create_token({})
    assert (e.value.field, e.value.validation_type) == ("sourceOfFunds.type", "MISSING")


def test_bad_merchant_id_and_bad_settings(sandbox: Any) -> None:
    with pytest.raises(mpgs.ValidationError) as e:
        mpgs.Client("BAD ID", password="x", region="mtf")
    assert e.value.field == "merchantId"
    with pytest.raises(mpgs.ConfigError):
        mpgs.Client("M", password="x", base_url="http://example.com")
    with pytest.raises(mpgs.ConfigError):
        mpgs.Client("M", password="x")
    with pytest.raises(mpgs.ConfigError):
        mpgs.Client("M", password="x", region="mtf", timeout=-1)
    with pytest.raises(ValueError):
        mpgs.Client("M", password="x", region="nowhere")


def test_gateway_and_authentication_errors(sandbox: Any) -> None:
    bad = mpgs.Client("TESTMERCHANT", password="wrong", base_url=sandbox.url, ca_file=sandbox.ca)
    with pytest.raises(mpgs.AuthenticationError) as a:
        bad.create_session()
    assert (a.value.http_status, a.value.cause, a.value.explanation) == (401, "INVALID_REQUEST", "Invalid credentials.")
    assert a.value.raw["result"] == "ERROR"
    assert a.value.result is mpgs.Result.ERROR
    c = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca, session_api_version=999)
    with pytest.raises(mpgs.GatewayError) as g:
        c.create_session()
    assert not isinstance(g.value, mpgs.AuthenticationError)
    assert (g.value.http_status, g.value.explanation) == (404, "Unsupported value for 'version = 999'")


def test_transport_errors() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    c = mpgs.Client("TESTMERCHANT", password="x", base_url=f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(mpgs.TransportError) as e:
        c.create_session()
    assert (e.value.outcome_unknown, e.value.kind) == (False, "connect")


def test_timeout_and_decode_errors(start_sandbox: Any) -> None:
    s = start_sandbox()
    c = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=s.url, ca_file=s.ca, timeout=0.5)
    s.fault("stall=5000")
    with pytest.raises(mpgs.TimeoutError) as t:
        c.create_session()
    assert isinstance(t.value, TimeoutError) and isinstance(t.value, mpgs.TransportError)
    assert t.value.outcome_unknown is True
    s.fault("html500")
    with pytest.raises(mpgs.DecodeError) as d:
        c.create_session()
    assert d.value.http_status == 500


def test_context_manager_close_and_no_pickling(client: mpgs.Client) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(client)
    with client as c:
        c.create_session()
    with pytest.raises(RuntimeError):
        client.create_session()


def test_32_threads_share_one_client(client: mpgs.Client) -> None:
    errors: List[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                client.create_session()
        except BaseException as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_network_calls_release_the_gil(start_sandbox: Any) -> None:
    s = start_sandbox("--latency-ms", "100")
    c = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=s.url, ca_file=s.ca)
    c.create_session()  # warm up
    start = time.perf_counter()
    threads = [threading.Thread(target=c.create_session) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    # Serialised by the GIL this would take 16 x 100 ms = 1.6 s.
    assert elapsed < 0.8, elapsed


SECRETS = ["sandbox-password", CARD, "737", "98765432", "1234567890"]


def test_no_repr_str_or_log_line_holds_a_secret(sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="mpgs")
    c = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca)
    seen: List[str] = [repr(c), str(c)]
    s = c.create_session()
    t = c.create_token(CARD_BODY)
    seen += [repr(s), str(s), repr(t), str(t), repr(t.card), str(t.card.number if t.card else "")]
    bodies = [
        {"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD + "x", "securityCode": "737a"}}}},
        {"sourceOfFunds": {"type": "GIFT_CARD", "provided": {"giftCard": {"number": CARD, "pin": "98765432x"}}}},
        {"sourceOfFunds": {"type": "ACH", "provided": {"ach": {"bankAccountNumber": "1234567890.", "routingNumber": "1"}}}},
    ]
    for body in bodies:
        with pytest.raises(mpgs.ValidationError) as e:
            c.create_token(body)
        seen += [repr(e.value), str(e.value)] + [repr(f) for f in e.value.errors]
    with pytest.raises(mpgs.AuthenticationError) as a:
        mpgs.Client("TESTMERCHANT", password="sandbox-password-wrong", base_url=sandbox.url, ca_file=sandbox.ca).create_token(CARD_BODY)
    seen += [repr(a.value), str(a.value)]
    seen += [r.getMessage() for r in caplog.records]
    assert any("POST /api/rest/version/38/merchant/TESTMERCHANT/token -> 201" in r.getMessage() for r in caplog.records)
    # Random identifiers (token, session id) may hold a secret's digits by chance: blank them.
    # So may the sandbox's random port in the base URL.
    identifiers = [i for i in (s.id, s.version, t.token, sandbox.url) if i]
    for text in seen:
        for i in identifiers:
            text = text.replace(i, "<id>")
        for secret in SECRETS:
            assert secret not in text, (secret, text)


def test_unknown_enum_values_stay_plain_strings() -> None:
    from mpgs import _enums

    assert _enums.coerce("TokenStatus", "VALID") is mpgs.TokenStatus.VALID
    newer = _enums.coerce("TokenStatus", "SUSPENDED")
    assert newer == "SUSPENDED" and type(newer) is str


def test_failed_calls_are_logged_with_their_path_and_error_class(sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mpgs")
    bad = mpgs.Client("TESTMERCHANT", password="wrong", base_url=sandbox.url, ca_file=sandbox.ca)
    with pytest.raises(mpgs.AuthenticationError):
        bad.create_session()
    assert any(r.getMessage().startswith("POST /api/rest/version/58/merchant/TESTMERCHANT/session -> AuthenticationError in ")
               for r in caplog.records)


def test_python_enums_match_the_cores_enumerations() -> None:
    from mpgs import _enums, _native

    core = _native.enum_values()
    assert set(core) == set(_enums._BY_NAME)
    for name, values in core.items():
        assert [m.value for m in _enums._BY_NAME[name]] == values, name


def test_a_whole_float_authentication_limit_is_sent_as_an_integer(client: mpgs.Client) -> None:
    # The sandbox, like the spec, refuses a number with a fractional part (`7.0`).
    assert client.create_session({"session": {"authenticationLimit": 7.0}}).authentication_limit == 7
    assert client.create_session(authentication_limit=6.0).authentication_limit == 6  # type: ignore[arg-type]
    with pytest.raises(mpgs.ValidationError) as info:
        client.create_session({"session": {"authenticationLimit": 7.5}})
    assert info.value.errors[0].field == "session.authenticationLimit"


class _Body(Mapping[str, Any]):
    """A read-only mapping that is no dict."""

    def __init__(self, **items: Any) -> None:
        self._items = items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def test_any_mapping_is_a_body_nested_too(client: mpgs.Client) -> None:
    card = MappingProxyType({"number": CARD, "expiry": _Body(month="5", year="30"), "securityCode": "737"})
    body = _Body(sourceOfFunds=MappingProxyType({"type": "CARD", "provided": _Body(card=card)}), verificationStrategy="BASIC")
    mpgs.validate_create_token(body)
    t = client.create_token(body)
    assert t.card is not None and t.card.number == "512345xxxxxx0008"
    s = client.create_session(MappingProxyType({"session": MappingProxyType({"authenticationLimit": 4})}))
    assert s.authentication_limit == 4
    with pytest.raises(TypeError, match="keys must be str"):
        client.create_session(MappingProxyType({1: "x"}))  # type: ignore[dict-item]
