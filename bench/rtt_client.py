"""Python clients on a simulated link (make bench, BENCHMARKS.md "Round trips"): Create Session
timed per call through mpgs, requests or httpx, printed as one JSON line ``{"ms": [...], ...}``.

    rtt_client.py SUBJECT first              one call of a new client (the first of the process)
    rtt_client.py SUBJECT spaced N SECONDS   one client: a call, then N timed calls SECONDS apart
    rtt_client.py SUBJECT cold N             a call, then N calls, each on a new client; CPU ms a
                                             call, calls/s
    rtt_client.py SUBJECT concurrent N       a call, then N at once from one client: wall ms
                                             (mpgs.AsyncClient and httpx.AsyncClient with asyncio;
                                             requests: one Session shared by N threads)

SUBJECT: mpgs, requests or httpx. Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID,
MPGS_PASSWORD.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List

URL = os.environ["MPGS_BASE_URL"]
CA = os.environ["MPGS_CA_FILE"]
MERCHANT = os.environ["MPGS_MERCHANT_ID"]
PASSWORD = os.environ["MPGS_PASSWORD"]
PATH = f"{URL}/api/rest/version/58/merchant/{MERCHANT}/session"
BODY: Dict[str, Any] = {"correlationId": "bench", "session": {"authenticationLimit": 5}}
AUTH = (f"merchant.{MERCHANT}", PASSWORD)


def new_client(subject: str) -> Callable[[], Any]:
    """A new client of `subject` and the call it makes."""
    if subject == "mpgs":
        import mpgs

        c = mpgs.Client(MERCHANT, password=PASSWORD, base_url=URL, ca_file=CA)
        return lambda: c.create_session(BODY)
    if subject == "requests":
        import requests

        s = requests.Session()
        s.auth = AUTH

        def post() -> Any:
            # Per request: requests lets REQUESTS_CA_BUNDLE override a Session's `verify`.
            r = s.post(PATH, json=BODY, verify=CA)
            assert r.status_code == 201, r.status_code
            return r.json()

        return post
    if subject == "httpx":
        import httpx

        h = httpx.Client(verify=ssl.create_default_context(cafile=CA), auth=AUTH)

        def post_x() -> Any:
            r = h.post(PATH, json=BODY)
            assert r.status_code == 201, r.status_code
            return r.json()

        return post_x
    raise SystemExit(f"unknown subject {subject}")


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


async def concurrent_async(subject: str, n: int) -> float:
    if subject == "mpgs":
        import mpgs

        c = mpgs.AsyncClient(MERCHANT, password=PASSWORD, base_url=URL, ca_file=CA)
        await c.create_session(BODY)
        start = time.perf_counter()
        await asyncio.gather(*(c.create_session(BODY) for _ in range(n)))
        took = time.perf_counter() - start
        await c.close()
        return took * 1000
    import httpx

    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=CA), auth=AUTH, limits=limits) as h:
        await h.post(PATH, json=BODY)
        start = time.perf_counter()
        answers = await asyncio.gather(*(h.post(PATH, json=BODY) for _ in range(n)))
        took = time.perf_counter() - start
    assert all(a.status_code == 201 for a in answers)
    return took * 1000


def main() -> None:
    subject, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    out: Dict[str, Any] = {}
    if mode == "first":
        call = new_client(subject)
        out["ms"] = [timed(call)]
    elif mode == "spaced":
        n, gap = int(args[0]), float(args[1])
        call = new_client(subject)
        call()
        ms: List[float] = []
        for _ in range(n):
            time.sleep(gap)
            ms.append(timed(call))
        out["ms"] = ms
    elif mode == "cold":
        n = int(args[0])
        new_client(subject)()  # the process's first client is not timed
        cpu, wall = time.process_time(), time.perf_counter()
        out["ms"] = [timed(new_client(subject)) for _ in range(n)]
        out["cpu_ms_per_call"] = (time.process_time() - cpu) * 1000 / n
        out["calls_per_s"] = n / (time.perf_counter() - wall)
    elif mode == "concurrent":
        n = int(args[0])
        if subject == "requests":
            call = new_client(subject)
            call()
            with ThreadPoolExecutor(max_workers=n) as pool:
                start = time.perf_counter()
                list(pool.map(lambda _: call(), range(n)))
                out["wall_ms"] = (time.perf_counter() - start) * 1000
        else:
            out["wall_ms"] = asyncio.run(concurrent_async(subject, n))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
