"""The Hosted Session flow in Python: create a session; put a card into it as the payment page
would (Update Session); retrieve it and check it is ready; tokenize from the session; retrieve
the token; delete it. And Check Gateway, which needs no credentials.

Reads MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD (``make demo`` sets them).
"""

from __future__ import annotations

import os
import sys

import mpgs


def main() -> int:
    client = mpgs.Client(
        os.environ.get("MPGS_MERCHANT_ID", "TESTMERCHANT"),
        password=os.environ.get("MPGS_PASSWORD", "sandbox-password"),
        base_url=os.environ["MPGS_BASE_URL"],
        ca_file=os.environ["MPGS_CA_FILE"],
    )
    info = client.check_gateway()
    print(f"[python/hosted] gateway {info.gateway_version} {info.status}")
    session_id = client.create_session().id
    assert session_id is not None
    # The payment page's part: the card goes into the session (in production, from the browser).
    card = {"number": "5123450000000008", "expiry": {"month": "5", "year": "30"}, "securityCode": "100"}
    page_version = client.update_session(session_id, {"sourceOfFunds": {"provided": {"card": card}}}).version
    # The server's part: retrieve, check, tokenize from the session.
    ready = client.retrieve_session(session_id).ready_for_token(page_version)
    if not ready:
        print(f"[python/hosted] session {session_id} not ready: {ready.explanation}")
        return 1
    print(f"[python/hosted] session {session_id} ready (version {page_version})")
    token = client.create_token({"session": {"id": session_id}, "sourceOfFunds": {"type": "CARD"}}).token
    assert token is not None
    stored = client.retrieve_token(token)
    if stored.card is not None:
        print(f"[python/hosted] token {token}: {stored.card.brand} {stored.card.number} expiry {stored.card.expiry}")
    print(f"[python/hosted] token {token} deleted: {client.delete_token(token).result}")
    try:
        client.retrieve_token("not/a/token")
    except mpgs.ValidationError as e:
        print(f"[python/hosted] refused before sending: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
