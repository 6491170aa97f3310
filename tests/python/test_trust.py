"""Promises of SECURITY.md from Python: outcome_unknown on every error, masked raw answers,
explicit proxies only, one configuration policy, and a forked child that closes what it inherited."""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

import mpgs
from connect_proxy import ConnectProxy


def password_client(sb: Any, **kw: Any) -> mpgs.Client:
    return mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sb.url, ca_file=sb.ca, **kw)


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    p = ConnectProxy()
    yield p
    p.close()


def test_every_error_class_carries_outcome_unknown_and_attempts(sandbox: Any) -> None:
    assert mpgs.Error("x").outcome_unknown is False and mpgs.Error("x").attempts == 0
    with pytest.raises(mpgs.ValidationError) as v:
        password_client(sandbox).create_token({"sourceOfFunds.type": "ACH"})
    assert v.value.outcome_unknown is False and v.value.attempts == 0
    with pytest.raises(mpgs.AuthenticationError) as a:
        mpgs.Client("TESTMERCHANT", password="wrong", base_url=sandbox.url, ca_file=sandbox.ca).create_session()
    assert a.value.outcome_unknown is False and a.value.attempts == 1
    sandbox.fault("truncate", 1)
    with pytest.raises(mpgs.DecodeError) as d:
        password_client(sandbox).create_session()
    assert d.value.outcome_unknown is True and d.value.attempts == 1, "a 201 whose answer was lost"
    sandbox.fault("redirect", 1)
    with pytest.raises(mpgs.DecodeError) as r:
        password_client(sandbox).create_session()
    assert r.value.outcome_unknown is False


def test_an_html_503_is_not_retried(sandbox: Any) -> None:
    sandbox.fault("html503", 3)
    with pytest.raises(mpgs.DecodeError) as e:
        password_client(sandbox, max_retries=2).create_session()
    assert e.value.attempts == 1 and e.value.outcome_unknown is True
    sandbox.raw("DELETE", "/_sandbox/faults")


def test_raw_answers_hide_the_aes_key_unless_the_verbatim_answer_is_asked_for(client: mpgs.Client) -> None:
    s = client.create_session()
    assert s.aes256_key and len(s.aes256_key) > 20
    assert s.raw["session"]["aes256Key"] == "***"
    assert s.aes256_key not in repr(s.raw)
    assert s.raw_verbatim["session"]["aes256Key"] == s.aes256_key


def test_a_configured_proxy_carries_the_call(sandbox: Any, proxy: ConnectProxy) -> None:
    s = password_client(sandbox, proxy=proxy.url).create_session()
    assert s.id
    assert proxy.targets == [sandbox.url.removeprefix("https://")]


def test_a_tunnel_refused_with_403_is_a_final_connect_error_nothing_sent(sandbox: Any) -> None:
    p = ConnectProxy(refuse=True)
    with pytest.raises(mpgs.TransportError) as e:
        password_client(sandbox, proxy=p.url, max_retries=1).create_session()
    assert e.value.kind == "connect" and e.value.outcome_unknown is False and e.value.attempts == 1
    assert "HTTP 403" in str(e.value)
    assert len(p.targets) == 1, "a proxy's 4xx is final: not retried"
    p.close()


def test_the_environment_proxy_only_when_asked_for(sandbox: Any, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    password_client(sandbox).create_session()
    assert proxy.targets == []
    password_client(sandbox, proxy_from_env=True).create_session()
    assert len(proxy.targets) == 1
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    password_client(sandbox, proxy_from_env=True).create_session()
    assert len(proxy.targets) == 1


def test_conflicting_settings_are_refused_by_the_core_naming_both(sandbox: Any) -> None:
    with pytest.raises(mpgs.ConfigError) as e:
        mpgs.Client("M", password="pw", cert_file=sandbox.client_cert, key_file=sandbox.client_key, region="mtf")
    assert "password" in str(e.value) and "certificate" in str(e.value)
    with pytest.raises(mpgs.ConfigError) as e:
        mpgs.Client("M", password="pw", base_url="https://gw.example.com", region="mtf")
    assert "base URL" in str(e.value) and "region" in str(e.value)
    with pytest.raises(mpgs.ConfigError) as e:
        mpgs.Client("M", password="pw", base_url="https://u:s3cret-pw@gw.example.com")
    assert "s3cret-pw" not in str(e.value)


def test_defaults_come_from_the_core(sandbox: Any) -> None:
    c = password_client(sandbox)
    assert c._paths["session"].startswith("/api/rest/version/58/")
    assert c._paths["token"].startswith("/api/rest/version/38/")


def _sockets() -> int:
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def test_a_forked_child_closes_the_connections_it_inherited(sandbox: Any) -> None:
    client = password_client(sandbox)
    client.create_session()  # one pooled connection
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            before = _sockets()
            client.create_session()
            after = _sockets()
            # The inherited pooled socket is closed; the child's own new one is open.
            os.write(w, f"{before} {after}".encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    before, after = map(int, os.read(r, 100).split())
    os.close(r)
    assert os.waitstatus_to_exitcode(status) == 0
    assert after == before, f"sockets before {before}, after {after}: the inherited one stayed open"
    client.create_session()  # the parent's connection still works


def test_a_timeout_beyond_a_day_is_a_config_error_not_a_crash(sandbox: Any) -> None:
    for kw in ({"timeout": 1e19}, {"connect_timeout": 86401.0}):
        with pytest.raises(mpgs.ConfigError):
            password_client(sandbox, **kw)


# ---- trust: which roots verify the gateway's certificate (issue 20) ----------------------------

def test_trust_ca_files_only_with_the_sandboxs_ca_works_sync_and_async(sandbox: Any) -> None:
    import asyncio

    assert password_client(sandbox, trust="ca-files-only").create_session().http_status == 201

    async def call() -> int:
        async with mpgs.AsyncClient("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url,
                                    ca_file=sandbox.ca, trust="ca-files-only") as c:
            return (await c.create_session()).http_status

    assert asyncio.run(call()) == 201


def test_trust_ca_files_only_without_a_ca_file_and_an_unknown_value_are_config_errors(sandbox: Any) -> None:
    for cls in (mpgs.Client, mpgs.AsyncClient):
        with pytest.raises(mpgs.ConfigError, match='trust "ca-files-only" needs at least one CA file'):
            cls("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, trust="ca-files-only")
        with pytest.raises(mpgs.ConfigError, match='trust must be one of "mozilla", "system", "ca-files-only"'):
            cls("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca, trust="none")


def test_trust_mozilla_alone_refuses_the_sandboxs_certificate(sandbox: Any) -> None:
    for trust in (None, "mozilla"):
        c = mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, trust=trust, max_retries=0)
        with pytest.raises(mpgs.TransportError) as e:
            c.create_session()
        assert e.value.kind == "tls" and e.value.outcome_unknown is False, repr(e.value)


def test_trust_system_reads_ssl_cert_file(sandbox: Any) -> None:
    """In a child interpreter, so that no thread of this one sees the environment change."""
    import subprocess
    import sys

    code = (
        "import mpgs, sys\n"
        f"c = mpgs.Client('TESTMERCHANT', password='sandbox-password', base_url={sandbox.url!r}, trust='system')\n"
        "print(c.create_session().http_status)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SSL_CERT_DIR"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**env, "SSL_CERT_FILE": sandbox.ca})
    assert out.returncode == 0 and out.stdout.strip() == "201", out.stderr
def test_a_proxy_page_echoing_its_credentials_leaves_them_out_of_every_message(sandbox: Any) -> None:
    import base64

    p = ConnectProxy(echo=True)
    try:
        password = "Pa55?w0rd>7f3e9b~"  # its Base64 holds "/", which the page writes "\\/"
        encoded = base64.b64encode(f"proxyuser:{password}".encode()).decode()
        assert "/" in encoded
        url = p.url.replace("http://", "http://proxyuser:Pa55%3Fw0rd%3E7f3e9b~@")
        c = password_client(sandbox, proxy=url, max_retries=0)
        with pytest.raises(mpgs.TransportError) as info:
            c.create_session()
        e = info.value
        for text in [str(e), repr(e)] + [str(v) for v in vars(e).values()]:
            for leak in [password, "Pa55%3Fw0rd", encoded, encoded.replace("/", "\\/"), encoded[:20]]:
                assert leak not in text, (leak, text)
    finally:
        p.close()
