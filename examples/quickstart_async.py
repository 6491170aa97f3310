"""Python quickstart for asyncio: a session and a card token with `mpgs.AsyncClient`, several calls
at once, password auth and then certificate auth.

Reads the gateway from the environment (``make demo`` points it at the local sandbox):
MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD, and for certificate auth
MPGS_CERT_MERCHANT_ID, MPGS_CLIENT_CERT, MPGS_CLIENT_KEY.
"""

from __future__ import annotations

import asyncio
import os
import sys

import mpgs

CARD = {
    "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008", "expiry": {"month": "5", "year": "30"}}}},
    "verificationStrategy": mpgs.VerificationStrategy.BASIC,
}


async def run(label: str, client: mpgs.AsyncClient) -> None:
    s = await client.create_session(authentication_limit=5, correlation_id="till-7")
    print(f"[python-async/{label}] session {s.id} version {s.version} status {s.update_status} (HTTP {s.http_status})")
    # Calls run concurrently; the event loop is never blocked by the network.
    sessions = await asyncio.gather(*(client.create_session(correlation_id=f"till-{i}") for i in range(8)))
    t = await client.create_token(CARD)
    card = t.card
    print(f"[python-async/{label}] {len(sessions)} sessions at once; token {t.token} {t.status} for "
          f"{card.brand if card else '?'} {card.number if card else '?'} ({t.gateway_code})")
    try:
        await client.create_token({"sourceOfFunds.type": "ACH", "sourceOfFunds.provided.ach.routingNumber": "01100001"})
    except mpgs.ValidationError as e:
        for f in e.errors:
            print(f"[python-async/{label}] refused before sending: {f.validation_type} {f.field} {f.explanation}")


async def main() -> int:
    base_url, ca = os.environ.get("MPGS_BASE_URL"), os.environ.get("MPGS_CA_FILE")
    if not base_url or not ca:
        print("set MPGS_BASE_URL and MPGS_CA_FILE (make demo does it for the local sandbox)", file=sys.stderr)
        return 2
    failed = False
    try:
        async with mpgs.AsyncClient(os.environ.get("MPGS_MERCHANT_ID", "TESTMERCHANT"),
                                    password=os.environ.get("MPGS_PASSWORD", "sandbox-password"),
                                    base_url=base_url, ca_file=ca) as client:
            await run("password", client)
    except mpgs.Error as e:
        print(f"[python-async/password] {type(e).__name__}: {e}", file=sys.stderr)
        failed = True
    cert, key = os.environ.get("MPGS_CLIENT_CERT"), os.environ.get("MPGS_CLIENT_KEY")
    if cert and key:
        try:
            async with mpgs.AsyncClient(os.environ.get("MPGS_CERT_MERCHANT_ID", "CERTMERCHANT"), cert_file=cert,
                                        key_file=key, base_url=base_url, ca_file=ca) as client:
                await run("certificate", client)
        except mpgs.Error as e:
            print(f"[python-async/certificate] {type(e).__name__}: {e}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
