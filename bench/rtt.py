"""Round trips (make bench): calls on a simulated link, counted in round trips, for mpgs (Rust,
Python, C) beside requests, httpx and libcurl; writes the "Round trips" section of BENCHMARKS.md
(between its markers, the rest of the file untouched) and target/bench-rtt.json.

Every subject talks to a release-built sandbox of its own with ``--rtt-ms 50`` (a delay line per
connection: see sandbox/src/delay.rs), whose ``GET /_sandbox/stats`` counts the TLS handshakes.
The rows with calls spaced 60 s apart make it long; the spaced rows of all subjects and both
server settings run at once, each against its own sandbox, so the section takes about 6 minutes.

    bench/rtt.py [--quick]      (--quick: fewer calls and no 60 s spacing, for a try-out)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
SANDBOX = ROOT / "target" / "release" / "mpgs-sandbox"
PY = os.environ.get("PY", str(ROOT / ".venv" / "bin" / "python"))
RTT_MS = 50
MERCHANT, PASSWORD = "TESTMERCHANT", "sandbox-password"
QUICK = "--quick" in sys.argv

SUBJECTS: List[Tuple[str, List[str]]] = [
    ("mpgs (Rust)", [str(ROOT / "target" / "release" / "examples" / "bench_rtt")]),
    ("mpgs (Python)", [PY, str(ROOT / "bench" / "rtt_client.py"), "mpgs"]),
    ("mpgs (C)", [str(ROOT / "target" / "c" / "bin" / "c_rtt"), "mpgs"]),
    ("requests", [PY, str(ROOT / "bench" / "rtt_client.py"), "requests"]),
    ("httpx", [PY, str(ROOT / "bench" / "rtt_client.py"), "httpx"]),
    ("libcurl (C)", [str(ROOT / "target" / "c" / "bin" / "c_rtt"), "curl"]),
]
# Spacing (s) -> timed calls (after one untimed call that opens the connection).
SPACINGS: List[Tuple[float, int]] = [(0, 50), (1, 10), (10, 4), (60, 3)]
if QUICK:
    SPACINGS = [(0, 10), (1, 3), (10, 1)]
KEEPS = [75, 5]
FIRST_SAMPLES = 5 if not QUICK else 2
COLD_CALLS = 20 if not QUICK else 5
LOOPBACK_COLD_CALLS = 200 if not QUICK else 30
CONCURRENT = 64


class Sandbox:
    """The release sandbox on a free loopback port, with `flags`."""

    def __init__(self, *flags: str) -> None:
        self.dir = tempfile.mkdtemp(prefix="mpgs-rtt-")
        ready = Path(self.dir) / "ready"
        self.proc = subprocess.Popen(
            [str(SANDBOX), "--listen", "127.0.0.1:0", "--ready-file", str(ready), *flags], stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while not ready.exists():
            assert self.proc.poll() is None and time.monotonic() < deadline, "the sandbox did not start"
            time.sleep(0.02)
        fields = dict(line.split("=", 1) for line in ready.read_text().splitlines() if "=" in line)
        self.url, self.ca = fields["url"], fields["ca"]
        self._ssl = ssl.create_default_context(cafile=self.ca)

    def handshakes(self) -> Tuple[int, int]:
        """Full and resumed TLS handshakes so far, this request's own (full) included."""
        with urllib.request.urlopen(self.url + "/_sandbox/stats", context=self._ssl, timeout=30) as r:
            st = json.loads(r.read())
        return int(st["full_handshakes"]), int(st["resumed_handshakes"])

    def env(self) -> Dict[str, str]:
        lib = str(ROOT / "target" / "c" / "stage" / "lib")
        return dict(
            os.environ, LD_LIBRARY_PATH=lib, MPGS_BASE_URL=self.url, MPGS_CA_FILE=self.ca, MPGS_MERCHANT_ID=MERCHANT, MPGS_PASSWORD=PASSWORD
        )

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def run(argv: List[str], sandbox: Sandbox, *args: Any) -> Tuple[Dict[str, Any], int]:
    """Runs a subject's program; its JSON line (with "resumed": the resumed handshakes it made),
    and the handshakes it made, full and resumed (the stats request after it taken off)."""
    full0, resumed0 = sandbox.handshakes()
    out = subprocess.run([*argv, *map(str, args)], env=sandbox.env(), capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"{argv} {args}: {out.stderr.strip()[-500:]}")
    full1, resumed1 = sandbox.handshakes()
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["resumed"] = resumed1 - resumed0
    return result, (full1 - full0 - 1) + (resumed1 - resumed0)


def rtts(ms: List[float]) -> List[float]:
    return [m / RTT_MS for m in ms]


def p99(v: List[float]) -> float:
    s = sorted(v)
    return s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]


def spaced_stream(name: str, argv: List[str], keep: int, results: Dict[str, Any], gaps: List[Tuple[float, int]],
                  delay: float = 0) -> None:
    s = Sandbox("--rtt-ms", str(RTT_MS), "--keepalive-timeout", str(keep))
    time.sleep(delay)
    try:
        for gap, n in gaps:
            out, hs = run(argv, s, "spaced", n, gap)
            # One handshake is the untimed first call's (a new process: a new connection).
            results[f"{name}|{keep}|{gap}"] = {"rtt": rtts(out["ms"]), "handshakes": hs - 1, "calls": n}
    except Exception as e:  # noqa: BLE001 - reported in the table
        results[f"{name}|{keep}|error"] = str(e)
    finally:
        s.stop()


def main() -> None:
    for path in (SANDBOX, Path(SUBJECTS[0][1][0]), Path(SUBJECTS[2][1][0])):
        if not path.exists():
            raise SystemExit(f"{path} is missing: run make bench (or see scripts/bench.sh)")
    started = time.monotonic()
    results: Dict[str, Any] = {}
    # 1, 4, 5: first call, cold path, 64 at once; one sandbox with the link, one on bare loopback.
    link = Sandbox("--rtt-ms", str(RTT_MS), "--keepalive-timeout", "75")
    bare = Sandbox("--keepalive-timeout", "75")
    try:
        for name, argv in SUBJECTS:
            first, hs = [], 0
            for _ in range(FIRST_SAMPLES):
                out, h = run(argv, link, "first")
                first += rtts(out["ms"])
                hs += h
            results[f"{name}|first"] = {"rtt": first, "handshakes": hs, "calls": FIRST_SAMPLES}
            out, hs = run(argv, link, "cold", COLD_CALLS)
            results[f"{name}|cold"] = {
                "rtt": rtts(out["ms"]), "cpu_ms": out["cpu_ms_per_call"], "handshakes": hs - 1, "calls": COLD_CALLS,
                "resumed": out["resumed"],
            }
            out, hs = run(argv, bare, "cold", LOOPBACK_COLD_CALLS)
            results[f"{name}|cold-loopback"] = {"calls_per_s": out["calls_per_s"], "cpu_ms": out["cpu_ms_per_call"]}
            out, hs = run(argv, link, "concurrent", CONCURRENT)
            results[f"{name}|concurrent"] = {
                "rtt": out["wall_ms"] / RTT_MS, "handshakes": hs - 1, "resumed": out["resumed"]
            }
            print(f"{name}: first, cold, concurrent done", file=sys.stderr)
    finally:
        link.stop()
        bare.stop()
    # 2, 3: calls back to back, one subject at a time; then the spaced calls of every subject and
    # server setting at once, each stream started 1/12 s after the one before so that their calls
    # seldom overlap (a call takes a round trip, 50 ms).
    for name, argv in SUBJECTS:
        for keep in KEEPS:
            spaced_stream(name, argv, keep, results, SPACINGS[:1])
    streams = [(name, argv, keep) for name, argv in SUBJECTS for keep in KEEPS]
    threads = [
        threading.Thread(target=spaced_stream, args=(name, argv, keep, results, SPACINGS[1:], i / len(streams)))
        for i, (name, argv, keep) in enumerate(streams)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results["_seconds"] = time.monotonic() - started
    (ROOT / "target").mkdir(exist_ok=True)
    (ROOT / "target" / "bench-rtt.json").write_text(json.dumps(results, indent=1))
    write_section(results)
    print(f"round trips: {results['_seconds']:.0f} s", file=sys.stderr)


def fmt(x: Optional[float], digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def per100(r: Dict[str, Any]) -> str:
    return f"{100 * r['handshakes'] / r['calls']:.0f}"


def write_section(results: Dict[str, Any]) -> None:
    names = [n for n, _ in SUBJECTS]
    lines = [
        "<!-- rtt:begin (bench/rtt.py writes this section) -->",
        "## Round trips on a simulated link (`--rtt-ms 50`)",
        "",
        f"Written by `bench/rtt.py` (in `make bench`); one run, {time.strftime('%Y-%m-%d', time.gmtime())}, "
        f"{results['_seconds']:.0f} s. Each subject talks to a release-built sandbox of its own through the "
        "sandbox's delay line: every byte takes 25 ms each way and a new connection's first bytes one "
        "more round trip (the TCP handshake that loopback skips), so 1 RTT = 50 ms is the floor of any "
        "call and a new TLS 1.3 connection costs 3 (TCP, TLS, the request). Times are in RTTs (ms / 50); "
        "handshakes (full and resumed TLS handshakes, counted by the sandbox) per 100 timed calls. "
        "The machine is 2 CPUs shared with other engineers' builds while this ran (load average above "
        "the CPU count): CPU contention shows as fractions of an RTT and in the p99s.",
        "",
        "### 1. First call of a new client (a new process each time, DNS not involved: 127.0.0.1)",
        "",
        "| subject | median | min – max | handshakes per call |",
        "|---|---:|---:|---:|",
    ]
    for n in names:
        r = results.get(f"{n}|first")
        if r:
            lines.append(
                f"| {n} | {fmt(statistics.median(r['rtt']))} | {fmt(min(r['rtt']))} – {fmt(max(r['rtt']))} | "
                f"{r['handshakes'] / r['calls']:.0f} |"
            )
    for title, keep in (("2. Calls spaced apart, server keeps connections 75 s (`Keep-Alive: timeout=75`)", 75),
                        ("3. The same, server keeps connections 5 s (`Keep-Alive: timeout=5`, Apache's default)", 5)):
        lines += ["", f"### {title}", "",
                  "Timed calls after one untimed call on the same client (0 s: 50 calls, 1 s: 10, 10 s: 4, "
                  "60 s: 3); median / p99 in RTTs, handshakes per 100 timed calls.", "",
                  "| subject | " + " | ".join(f"{g:g} s apart" for g, _ in SPACINGS) + " |",
                  "|---|" + "---:|" * len(SPACINGS)]
        for n in names:
            cells = []
            for gap, _ in SPACINGS:
                r = results.get(f"{n}|{keep}|{gap}")
                if r is None:
                    cells.append(results.get(f"{n}|{keep}|error", "–")[:60])
                else:
                    cells.append(f"{fmt(statistics.median(r['rtt']))} / {fmt(p99(r['rtt']))}, {per100(r)} hs")
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
    lines += ["", "### 4. A new client for every call (the cold path)", "",
              f"On the link: {COLD_CALLS} calls, each on a new client in one process after an untimed first one "
              "(median RTTs, CPU ms per "
              f"call, handshakes per 100 calls). On bare loopback (no delay line): {LOOPBACK_COLD_CALLS} such "
              "calls, calls per second and the ratio to requests.", "",
              "| subject | median RTT | CPU ms / call | handshakes per 100 (of which resumed) | loopback calls/s | × requests |",
              "|---|---:|---:|---:|---:|---:|"]
    base = results.get("requests|cold-loopback", {}).get("calls_per_s")
    for n in names:
        r, lb = results.get(f"{n}|cold"), results.get(f"{n}|cold-loopback")
        if r and lb:
            ratio = f"{lb['calls_per_s'] / base:.1f}×" if base else "–"
            lines.append(
                f"| {n} | {fmt(statistics.median(r['rtt']))} | {fmt(r['cpu_ms'])} | {per100(r)} "
                f"({100 * r['resumed'] / r['calls']:.0f}) | "
                f"{lb['calls_per_s']:,.0f} | {ratio} |"
            )
    lines += ["", "### 5. 64 calls at once from one client (after one call)", "",
              "Rust and C: 64 threads sharing one client; Python mpgs: `AsyncClient` and `asyncio.gather`; "
              "httpx: `httpx.AsyncClient` (limits raised to 64); requests: one `Session` shared by 64 threads; "
              "libcurl: a multi handle with 64 easy handles.", "",
              "| subject | wall time (RTTs) | handshakes (of which resumed) |", "|---|---:|---:|"]
    for n in names:
        r = results.get(f"{n}|concurrent")
        if r:
            lines.append(f"| {n} | {fmt(r['rtt'])} | {r['handshakes']} ({r['resumed']}) |")
    lines += ["", "<!-- rtt:goals -->", "<!-- rtt:end -->"]
    section = "\n".join(lines)
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text()
    old = re.search(r"<!-- rtt:begin.*?<!-- rtt:end -->", text, re.S)
    if old:
        # Keep the goals text written by hand from the last run (between rtt:goals and rtt:end).
        goals = re.search(r"<!-- rtt:goals -->(.*?)<!-- rtt:end -->", old.group(0), re.S)
        if goals:
            section = section.replace("<!-- rtt:goals -->\n<!-- rtt:end -->",
                                      f"<!-- rtt:goals -->{goals.group(1)}<!-- rtt:end -->")
        text = text[: old.start()] + section + text[old.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


if __name__ == "__main__":
    main()
