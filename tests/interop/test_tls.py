"""TLS terminated by nginx: TLS 1.2 and 1.3, RSA and ECDSA keys, each leaf issued by an
intermediate that the server sends and a root the client is given with `ca_file=`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mpgs
import pytest

from interop_common import password_client, session_and_token


@pytest.mark.parametrize("server, protocol", [
    ("tls12_rsa", "TLSv1.2"), ("tls13_rsa", "TLSv1.3"), ("tls12_ecdsa", "TLSv1.2"), ("tls13_ecdsa", "TLSv1.3"),
])
def test_session_and_token_through_nginx_tls_termination(nginx: Any, pki: Path, server: str, protocol: str) -> None:
    before = len(nginx.log(server))
    session_and_token(password_client(nginx.url(server), pki))
    # nginx's own access log says which protocol and cipher it negotiated with the client
    logged = nginx.log(server, before + 2)[-1]
    assert logged.startswith(protocol + " ") and logged.split()[2] == "201", logged
    if server.endswith("ecdsa") and protocol == "TLSv1.2":
        assert "ECDSA" in logged, logged


def test_a_server_that_does_not_send_its_intermediate_is_refused_before_anything_is_sent(nginx: Any, pki: Path) -> None:
    with pytest.raises(mpgs.TransportError) as info:
        password_client(nginx.url("no_intermediate"), pki).create_session()
    e = info.value
    assert e.kind == "tls" and e.outcome_unknown is False and e.attempts == 1, e
    assert nginx.log("no_intermediate") == []  # nginx never got a request


def test_a_server_whose_chain_is_from_another_ca_is_refused(nginx: Any, pki: Path) -> None:
    with pytest.raises(mpgs.TransportError) as info:
        password_client(nginx.url("other_ca"), pki).create_session()
    e = info.value
    assert e.kind == "tls" and e.outcome_unknown is False and e.attempts == 1, e
    assert nginx.log("other_ca") == []
