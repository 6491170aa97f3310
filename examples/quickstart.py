"""Python quickstart: a session and a card token, with password auth and then certificate auth.

Reads the gateway from the environment (``make demo`` points it at the local sandbox):
MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD, and for certificate auth
MPGS_CERT_MERCHANT_ID, MPGS_CLIENT_CERT, MPGS_CLIENT_KEY.
"""

from __future__ import annotations

import os
import sys

import mpgs


def run(label: str, client: mpgs.Client) -> None:
    s = client.create_session(authentication_limit=5, correlation_id="till-7")
    print(f"[python/{label}] session {s.id} version {s.version} status {s.update_status} (HTTP {s.http_status})")
    t = client.create_token({
        "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008", "expiry": {"month": "5", "year": "30"}}}},
        "verificationStrategy": mpgs.VerificationStrategy.BASIC,
    })
    card = t.card
    print(f"[python/{label}] token {t.token} {t.status} for {card.brand if card else '?'} "
          f"{card.number if card else '?'} expiry {card.expiry if card else '?'} ({t.gateway_code})")
    try:
        client.create_token({"sourceOfFunds.type": "ACH", "sourceOfFunds.provided.ach.routingNumber": "01100001"})
    except mpgs.ValidationError as e:
        for f in e.errors:
            print(f"[python/{label}] refused before sending: {f.validation_type} {f.field} {f.explanation}")


def main() -> int:
    base_url, ca = os.environ.get("MPGS_BASE_URL"), os.environ.get("MPGS_CA_FILE")
    if not base_url or not ca:
        print("set MPGS_BASE_URL and MPGS_CA_FILE (make demo does it for the local sandbox)", file=sys.stderr)
        return 2
    failed = False
    try:
        with mpgs.Client(os.environ.get("MPGS_MERCHANT_ID", "TESTMERCHANT"),
                         password=os.environ.get("MPGS_PASSWORD", "sandbox-password"),
                         base_url=base_url, ca_file=ca) as client:
            run("password", client)
    except mpgs.Error as e:
        print(f"[python/password] {type(e).__name__}: {e}", file=sys.stderr)
        failed = True
    cert, key = os.environ.get("MPGS_CLIENT_CERT"), os.environ.get("MPGS_CLIENT_KEY")
    if cert and key:
        try:
            with mpgs.Client(os.environ.get("MPGS_CERT_MERCHANT_ID", "CERTMERCHANT"), cert_file=cert, key_file=key,
                             base_url=base_url, ca_file=ca) as client:
                run("certificate", client)
        except mpgs.Error as e:
            print(f"[python/certificate] {type(e).__name__}: {e}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
