"""What the interop tests share: clients for the servers in front of the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mpgs

PROXY_USER = "mpgs-interop"
PROXY_PASSWORD = "Proxy-Pa55word-7f3e"
AES_KEY = "DdEk1y7CjgExk6rWaNh4KqL0zZrJ/2Y1B5cGq4MPsY8="
UNDECODABLE_2XX = (
    '{"merchant":"TESTMERCHANT","result":"SUCCESS","session":{"aes256Key":"%s",'
    '"authenticationLimit":5,"id":"SESSION0002448593124H7792936K73","updateStatus":"NO_UPDATE","version":"e3f6b7c801"}}x'
) % AES_KEY
CARD = "5123450000000008"
CARD_BODY = {
    "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": CARD, "expiry": {"month": "5", "year": "30"}, "securityCode": "737"}}},
}


def password_client(url: str, pki: Path, **kw: Any) -> mpgs.Client:
    """The sandbox's password merchant, trusting only our interop root for the server's chain."""
    kw.setdefault("timeout", 10.0)
    return mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=url, ca_file=str(pki / "root.pem"), **kw)


def cert_client(url: str, pki: Path, client: str = "client", **kw: Any) -> mpgs.Client:
    """The certificate merchant, presenting `client` (`NAME.pem` + `NAME.key` in the PKI)."""
    kw.setdefault("timeout", 10.0)
    return mpgs.Client("CERTMERCHANT", cert_file=str(pki / f"{client}.pem"), key_file=str(pki / f"{client}.key"),
                       base_url=url, ca_file=str(pki / "root.pem"), **kw)


def session_and_token(c: mpgs.Client) -> None:
    """The two operations, through whatever is in front: each succeeds with the gateway's answer."""
    s = c.create_session()
    assert s.id and s.id.startswith("SESSION"), s.id
    assert s.http_status == 201 and s.attempts == 1
    t = c.create_token(CARD_BODY)
    assert t.token and t.status == mpgs.TokenStatus.VALID, t.raw
    assert t.card is not None and t.card.number == "512345xxxxxx0008"
