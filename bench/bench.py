"""make bench: every benchmark of BENCHMARKS.md, side by side with the alternatives, in one run
against the same local sandbox; writes BENCHMARKS.md. Reports; never fails on a missed target.

    python bench/bench.py [--runs 5] [--out BENCHMARKS.md]
    python bench/bench.py rss N1 N2        (worker: Python RSS after N1 and N2 calls)

Expects the release build (target/release), the staged C install (target/c/stage), bench/c_bench
built at target/c/bin/c_bench, and requests, httpx, pydantic, jsonschema installed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import ssl
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Literal, Optional, Tuple, TypeVar

ROOT = Path(__file__).resolve().parents[1]
SANDBOX = ROOT / "target" / "release" / "mpgs-sandbox"
C_BENCH = ROOT / "target" / "c" / "bin" / "c_bench"
RUST_CALLS = ROOT / "target" / "release" / "examples" / "bench_calls"
STAGE_LIB = ROOT / "target" / "c" / "stage" / "lib"
LANG_BIN = ROOT / "target" / "languages"
# The other languages (bindings/*/bench, built against each package installed from dist/ by
# scripts/bench-languages.sh): benchmark number, name, command, the library's subject and the
# language's own HTTPS client's.
LANGUAGES = [
    ("9", "Go", [str(LANG_BIN / "go-bench")], "mpgs", "nethttp", "net/http"),
    ("10", "Node.js", ["node", str(LANG_BIN / "node" / "bench.js")], "mpgs", "fetch", "fetch"),
    ("11", "C#", ["mono", str(LANG_BIN / "csharp" / "app" / "Bench.exe")], "mpgs", "httpclient", "HttpClient (Mono)"),
    ("12", "Java", ["java", "-cp", f"{LANG_BIN / 'java-bench'}:{LANG_BIN / 'mpgs.jar'}:/usr/share/java/jna.jar", "Bench"], "mpgs", "httpclient", "java.net.http.HttpClient"),
    # 15, 16: the PHP and Ruby packages (bindings/; scripts/bench-php-ruby.sh builds their native part).
    ("15", "PHP", ["php", str(ROOT / "bindings" / "php" / "bench.php")], "mpgs", "curl", "PHP curl extension"),
    ("16", "Ruby", ["ruby", "-I", str(ROOT / "bindings" / "ruby" / "lib"), str(ROOT / "bindings" / "ruby" / "bench.rb")], "mpgs", "nethttp", "Net::HTTP"),
]
MERCHANT, PASSWORD = "TESTMERCHANT", "sandbox-password"
IDLE = "no calls (reference)"
T = TypeVar("T")
SESSION_BODY = {"correlationId": "bench", "session": {"authenticationLimit": 5}}
TOKEN_BODY = {
    "sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008", "expiry": {"month": "5", "year": "30"}, "securityCode": "100"}}},
    "verificationStrategy": "BASIC",
    "correlationId": "bench-1",
    "transaction": {"currency": "USD"},
}


class Sandbox:
    def __init__(self, *flags: str) -> None:
        self.proc = subprocess.Popen([str(SANDBOX), "--listen", "127.0.0.1:0", *flags], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip().rsplit(" ", 1)[1]
        self.ca = self.proc.stdout.readline().strip().split(" ", 2)[2] + "/ca.pem"

    def env(self) -> Dict[str, str]:
        return dict(os.environ, MPGS_BASE_URL=self.url, MPGS_CA_FILE=self.ca, MPGS_MERCHANT_ID=MERCHANT, MPGS_PASSWORD=PASSWORD, LD_LIBRARY_PATH=str(STAGE_LIB))

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


# ---- the alternatives ---------------------------------------------------------------------------

def pydantic_token_model() -> Any:
    """The Create or Update Token body with the documented constraints, as a user would write it."""
    from pydantic import BaseModel, ConfigDict, Field

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class Expiry(Strict):
        month: str = Field(pattern=r"^(0?[1-9]|1[0-2])$", max_length=2)
        year: str = Field(pattern=r"^[0-9]{2}$")

    class Card(Strict):
        number: str = Field(pattern=r"^[0-9]+$", min_length=9, max_length=19)
        expiry: Optional[Expiry] = None
        securityCode: Optional[str] = Field(default=None, pattern=r"^[0-9]+$", min_length=3, max_length=4)

    class Provided(Strict):
        card: Optional[Card] = None

    class SourceOfFunds(Strict):
        type: Literal["ACH", "CARD", "GIFT_CARD", "SCHEME_TOKEN"]
        token: Optional[str] = Field(default=None, pattern=r"^[0-9A-Za-z]+$", min_length=1, max_length=40)
        provided: Optional[Provided] = None

    class Transaction(Strict):
        currency: Optional[str] = Field(default=None, pattern=r"^[A-Z]{3}$")

    class TokenRequest(Strict):
        sourceOfFunds: SourceOfFunds
        verificationStrategy: Optional[Literal["ACQUIRER", "BASIC", "NONE"]] = None
        correlationId: Optional[str] = Field(default=None, min_length=1, max_length=100)
        transaction: Optional[Transaction] = None

    return TokenRequest


TOKEN_SCHEMA: Dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["sourceOfFunds"],
    "properties": {
        "sourceOfFunds": {
            "type": "object", "additionalProperties": False, "required": ["type"],
            "properties": {
                "type": {"enum": ["ACH", "CARD", "GIFT_CARD", "SCHEME_TOKEN"]},
                "token": {"type": "string", "pattern": "^[0-9A-Za-z]+$", "minLength": 1, "maxLength": 40},
                "provided": {"type": "object", "additionalProperties": False, "properties": {"card": {
                    "type": "object", "additionalProperties": False, "properties": {
                        "number": {"type": "string", "pattern": "^[0-9]+$", "minLength": 9, "maxLength": 19},
                        "expiry": {"type": "object", "additionalProperties": False, "properties": {
                            "month": {"type": "string", "pattern": "^(0?[1-9]|1[0-2])$"},
                            "year": {"type": "string", "pattern": "^[0-9]{2}$"}}},
                        "securityCode": {"type": "string", "pattern": "^[0-9]+$", "minLength": 3, "maxLength": 4}}}}},
            },
        },
        "verificationStrategy": {"enum": ["ACQUIRER", "BASIC", "NONE"]},
        "correlationId": {"type": "string", "minLength": 1, "maxLength": 100},
        "transaction": {"type": "object", "additionalProperties": False, "properties": {"currency": {"type": "string", "pattern": "^[A-Z]{3}$"}}},
    },
}


def path(op: str) -> str:
    return f"/api/rest/version/{58 if op == 'session' else 38}/merchant/{MERCHANT}/{op}"


def rate(call: Callable[[], Any], n: int) -> float:
    for _ in range(10):
        call()
    start = time.perf_counter()
    for _ in range(n):
        call()
    return n / (time.perf_counter() - start)


def python_callers(sb: Sandbox, op: str, validate: bool) -> Dict[str, Callable[[], Any]]:
    import httpx
    import mpgs
    import requests

    body = SESSION_BODY if op == "session" else TOKEN_BODY
    url = sb.url + path(op)
    model = pydantic_token_model() if validate else None

    def checked() -> Dict[str, Any]:
        if model is None:
            return body
        out: Dict[str, Any] = model.model_validate(body).model_dump(exclude_none=True)
        return out

    client = mpgs.Client(MERCHANT, password=PASSWORD, base_url=sb.url, ca_file=sb.ca)
    rs = requests.Session()
    rs.auth = (f"merchant.{MERCHANT}", PASSWORD)
    # Per request: requests lets REQUESTS_CA_BUNDLE override a Session's `verify`.
    hx = httpx.Client(auth=(f"merchant.{MERCHANT}", PASSWORD), verify=ssl.create_default_context(cafile=sb.ca))
    mpgs_call = (lambda: client.create_session(body)) if op == "session" else (lambda: client.create_token(body))
    return {
        "mpgs": mpgs_call,
        "requests": lambda: rs.post(url, json=checked(), verify=sb.ca).json(),
        "httpx": lambda: hx.post(url, json=checked()).json(),
    }


def async_callers(sb: Sandbox) -> Dict[str, Callable[[], Any]]:
    """Coroutine factories for one Create Session call: mpgs.AsyncClient and httpx.AsyncClient
    (same body, same Basic auth, same CA)."""
    import httpx
    import mpgs

    client = mpgs.AsyncClient(MERCHANT, password=PASSWORD, base_url=sb.url, ca_file=sb.ca)
    hx = httpx.AsyncClient(auth=(f"merchant.{MERCHANT}", PASSWORD), verify=ssl.create_default_context(cafile=sb.ca),
                           limits=httpx.Limits(max_connections=None, max_keepalive_connections=None))
    url = sb.url + path("session")

    async def via_httpx() -> Any:
        return (await hx.post(url, json=SESSION_BODY)).json()

    return {"mpgs.AsyncClient": lambda: client.create_session(SESSION_BODY), "httpx.AsyncClient": via_httpx}


async def async_rate(call: Callable[[], Any], n: int) -> float:
    for _ in range(10):
        await call()
    start = time.perf_counter()
    for _ in range(n):
        await call()
    return n / (time.perf_counter() - start)


async def async_concurrent(call: Callable[[], Any], tasks: int, per_task: int) -> Tuple[float, float]:
    """`tasks` tasks x `per_task` calls each; returns (calls/s, worst event loop tick lag in ms):
    a task that sleeps 1 ms in turn measures how late each wake-up comes while the calls run."""
    import asyncio

    async def worker() -> None:
        for _ in range(per_task):
            await call()

    await asyncio.gather(*(call() for _ in range(tasks)))  # one connection per task, opened before timing
    lags: List[float] = []
    running = True

    async def ticker() -> None:
        while running:
            t = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - t - 0.001)

    tick = asyncio.ensure_future(ticker())
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    elapsed = time.perf_counter() - start
    running = False
    await tick
    return tasks * per_task / elapsed, max(lags) * 1000


async def idle_lag(seconds: float) -> Tuple[float, float]:
    """The same ticker with nothing else on the loop: the machine's own share of the tick lag."""
    import asyncio

    lags: List[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append(time.perf_counter() - t - 0.001)
    return 0.0, max(lags) * 1000


# ---- measurements -------------------------------------------------------------------------------

Row = Tuple[str, str, List[float], str]  # benchmark, subject, values, unit


def runs(n_runs: int, f: Callable[[], float]) -> List[float]:
    return [f() for _ in range(n_runs)]


def paired(n_runs: int, subjects: Dict[str, Callable[[], T]]) -> Dict[str, List[T]]:
    """Runs the subjects in turn, n_runs rounds, so that drift in the machine's speed (two cores
    shared by client and sandbox) falls on all of them alike."""
    out: Dict[str, List[T]] = {name: [] for name in subjects}
    for _ in range(n_runs):
        for name, f in subjects.items():
            out[name].append(f())
    return out


def threaded_rate(call: Callable[[], Any], threads: int, per_thread: int) -> float:
    def work() -> None:
        for _ in range(per_thread):
            call()

    call()
    ts = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return threads * per_thread / (time.perf_counter() - start)


def wrk_rate(sb: Sandbox, seconds: int) -> float:
    out = subprocess.run(["wrk", "-t1", "-c1", f"-d{seconds}s", "-s", str(ROOT / "bench" / "wrk-session.lua"), sb.url], capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("Requests/sec"))
    return float(line.split()[1])


def command_rate(cmd: List[str], env: Dict[str, str]) -> float:
    return float(subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout.split()[0])


def rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4


def python_rss(n1: int, n2: int) -> None:
    import mpgs

    c = mpgs.Client(MERCHANT, password=PASSWORD, base_url=os.environ["MPGS_BASE_URL"], ca_file=os.environ["MPGS_CA_FILE"])
    for _ in range(n1):
        c.create_session(SESSION_BODY)
    first = rss_kib()
    for _ in range(n2 - n1):
        c.create_session(SESSION_BODY)
    print(first, rss_kib())


def criterion_estimate(name: str) -> Tuple[float, float, float]:
    """Validations per second from criterion's estimate: (median, lower, upper) of its CI."""
    est = json.loads((ROOT / "target" / "criterion" / name / "new" / "estimates.json").read_text())["median"]
    ns = (est["point_estimate"], est["confidence_interval"]["upper_bound"], est["confidence_interval"]["lower_bound"])
    return tuple(1e9 / x for x in ns)  # type: ignore[return-value]


def machine() -> List[str]:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")), "?")
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return [
        f"- {platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} CPUs ({cpu})",
        f"- {rustc}; Python {platform.python_version()}; client and sandbox on the same machine, 127.0.0.1",
    ]


def fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:,.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    ap.add_argument("--calls", type=int, default=2000)
    args = ap.parse_args()
    n = args.calls
    rows: List[Row] = []
    ratios: List[Tuple[str, float, str]] = []

    def record(bench: str, subject: str, values: List[float], unit: str) -> float:
        rows.append((bench, subject, values, unit))
        print(f"{bench:<48} {subject:<24} {fmt(statistics.median(values)):>12} {unit}", flush=True)
        return statistics.median(values)

    sb = Sandbox()
    env = sb.env()
    try:
        # 1, 2: Python, one thread.
        for bench, op, validate in [("1. Python, Create Session, 1 thread", "session", False), ("2. Python, Create Token with validation", "token", True)]:
            callers = python_callers(sb, op, validate)
            results = paired(args.runs, {name: (lambda c=c: rate(c, n)) for name, c in callers.items()})
            med = {name: record(bench, name, values, "calls/s") for name, values in results.items()}
            ratios.append((f"{bench}: mpgs / requests", med["mpgs"] / med["requests"], "≥ 3"))
            ratios.append((f"{bench}: mpgs / httpx", med["mpgs"] / med["httpx"], "≥ 2"))

        # 9: Python asyncio, one task.
        import asyncio

        loop = asyncio.new_event_loop()
        try:
            acallers = async_callers(sb)
            an = max(n // 2, 100)
            aone = paired(args.runs, {name: (lambda c=c: loop.run_until_complete(async_rate(c, an))) for name, c in acallers.items()})
            amed = {name: record("13. Python asyncio, Create Session, 1 task", name, values, "calls/s") for name, values in aone.items()}
            ratios.append(("13. mpgs.AsyncClient / httpx.AsyncClient, 1 task", amed["mpgs.AsyncClient"] / amed["httpx.AsyncClient"], "≥ 2"))
        finally:
            loop.close()

        # 4: C, libmpgs against libcurl.
        c_runs = paired(args.runs, {name: (lambda name=name: command_rate([str(C_BENCH), name, "20000"], env)) for name in ("mpgs", "curl")})
        c = {name: record("4. C, Create Session, 1 thread", name, values, "calls/s") for name, values in c_runs.items()}
        ratios.append(("4. C: libmpgs / libcurl", c["mpgs"] / c["curl"], "≥ 1.0"))

        # 9-12: the other languages through the header, each against its own HTTPS client.
        for num, lang, cmd, ours, theirs, label in LANGUAGES:
            bench = f"{num}. {lang}, Create Session, 1 thread"
            # 9-12: the installed packages load their own libmpgs: no LD_LIBRARY_PATH.
            lenv = {k: v for k, v in env.items() if k != "LD_LIBRARY_PATH"} if num in ("9", "10", "11", "12") else env
            runs_ = paired(args.runs, {ours: (lambda cmd=cmd, ours=ours: command_rate(cmd + [ours, "5000"], lenv)), theirs: (lambda cmd=cmd, theirs=theirs: command_rate(cmd + [theirs, "5000"], lenv))})
            m = record(bench, f"libmpgs ({lang})", runs_[ours], "calls/s")
            t = record(bench, label, runs_[theirs], "calls/s")
            ratios.append((f"{num}. {lang}: libmpgs / {label}", m / t, "≥ 1.0"))

        # 5: the limit: wrk on one connection against the Rust client on one thread.
        limit = paired(args.runs, {"wrk": lambda: wrk_rate(sb, 2), "mpgs (Rust)": lambda: command_rate([str(RUST_CALLS), "20000"], env)})
        w = record("5. The limit, 1 connection", "wrk", limit["wrk"], "requests/s")
        r = record("5. The limit, 1 connection", "mpgs (Rust)", limit["mpgs (Rust)"], "calls/s")
        ratios.append(("5. Rust client / wrk", r / w, "≥ 0.7"))

        # 6: validation alone.
        import jsonschema
        import mpgs

        model = pydantic_token_model()
        validator = jsonschema.Draft202012Validator(TOKEN_SCHEMA)
        vn = 20000
        val = paired(args.runs, {
            "mpgs (Python)": lambda: rate(lambda: mpgs.validate_create_token(TOKEN_BODY), vn),
            "pydantic v2": lambda: rate(lambda: model.model_validate(TOKEN_BODY), vn),
            "jsonschema": lambda: rate(lambda: validator.validate(TOKEN_BODY), vn // 10),
        })
        v_mpgs, v_pyd, v_js = (record("6. Validation alone (Create Token body)", name, values, "bodies/s") for name, values in val.items())
        subprocess.run(["cargo", "bench", "-q", "-p", "mpgs", "--bench", "validation", "--", "--warm-up-time", "1", "--measurement-time", "3", "validate_create_token"], cwd=ROOT, check=True, capture_output=True)
        est = criterion_estimate("validate_create_token")
        rows.append(("6. Validation alone (Create Token body)", "mpgs (Rust, criterion)", [est[1], est[0], est[2]], "bodies/s"))
        print(f"{'6. Validation alone':<48} {'mpgs (Rust, criterion)':<24} {fmt(est[0]):>12} bodies/s")
        ratios.append(("6. Python mpgs.validate_create_token / pydantic", v_mpgs / v_pyd, "≥ 1"))
        ratios.append(("6. Python mpgs.validate_create_token / jsonschema", v_mpgs / v_js, "≥ 20"))

        # 7: memory.
        c_rss = [int(x) for x in subprocess.run([str(C_BENCH), "rss", "1000", "100000"], capture_output=True, text=True, check=True, env=env).stdout.split()]
        p_rss = [int(x) for x in subprocess.run([sys.executable, __file__, "rss", "1000", "100000"], capture_output=True, text=True, check=True, env=env).stdout.split()]
        rows.append(("7. RSS after 1,000 / 100,000 calls", "C API (KiB)", [float(c_rss[0]), float(c_rss[1])], "KiB"))
        rows.append(("7. RSS after 1,000 / 100,000 calls", "Python (KiB)", [float(p_rss[0]), float(p_rss[1])], "KiB"))
        ratios.append(("7. C API RSS growth, 1,000 → 100,000 calls (MiB)", (c_rss[1] - c_rss[0]) / 1024, "< 1"))
        ratios.append(("7. Python RSS growth, 1,000 → 100,000 calls (MiB)", (p_rss[1] - p_rss[0]) / 1024, "< 1"))
    finally:
        sb.stop()

    # 3: Python, 16 threads against 50 ms of latency.
    slow = Sandbox("--latency-ms", "50")
    try:
        call = python_callers(slow, "session", False)["mpgs"]
        one = record("3. Python, 16 threads, 50 ms latency", "mpgs, 1 thread", runs(args.runs, lambda: threaded_rate(call, 1, 20)), "calls/s")
        sixteen = record("3. Python, 16 threads, 50 ms latency", "mpgs, 16 threads", runs(args.runs, lambda: threaded_rate(call, 16, 20)), "calls/s")
        ratios.append(("3. 16-thread rate / (16 × 1-thread rate)", sixteen / (16 * one), "≥ 0.8"))
    finally:
        slow.stop()

    # 10: Python asyncio, 64 tasks against 50 ms of latency, and the event loop's tick lag meanwhile.
    slow = Sandbox("--latency-ms", "50")
    try:
        import asyncio

        tasks, per_task = 64, 10
        loop = asyncio.new_event_loop()
        try:
            acallers = async_callers(slow)
            subjects: Dict[str, Callable[[], Tuple[float, float]]] = {
                name: (lambda c=c: loop.run_until_complete(async_concurrent(c, tasks, per_task))) for name, c in acallers.items()}
            subjects[IDLE] = lambda: loop.run_until_complete(idle_lag(0.6))
            conc = paired(args.runs, subjects)
        finally:
            loop.close()
        bench10, lag10 = f"14. Python asyncio, {tasks} tasks, 50 ms latency", f"14. Worst event loop tick lag, {tasks} tasks"
        rates = {name: record(bench10, name, [r for r, _ in v], "calls/s") for name, v in conc.items() if name != IDLE}
        worst = {name: max(l for _, l in v) for name, v in conc.items()}
        for name, v in conc.items():
            rows.append((lag10, name, [l for _, l in v], "ms"))
            print(f"{lag10:<48} {name:<24} {fmt(worst[name]):>12} ms (worst of {len(v)} runs)", flush=True)
        ideal = tasks / 0.05
        ratios.append((f"14. mpgs.AsyncClient, {tasks} tasks: rate / ideal ({tasks} / 50 ms = {ideal:,.0f} calls/s)", rates["mpgs.AsyncClient"] / ideal, "≥ 0.8"))
        ratios.append((f"14. mpgs.AsyncClient / httpx.AsyncClient, {tasks} tasks", rates["mpgs.AsyncClient"] / rates["httpx.AsyncClient"], "≥ 1"))
        ratios.append(("14. mpgs.AsyncClient: worst event loop tick lag in any run (ms)", worst["mpgs.AsyncClient"], "≤ 5"))
    finally:
        slow.stop()

    # 8: size and start-up.
    size = ROOT / "target" / "c" / "libmpgs.stripped.so"
    subprocess.run(["strip", "-o", str(size), str(STAGE_LIB / "libmpgs.so")], check=True)
    wheels = sorted((ROOT / "target" / "wheels").glob("mpgs-*.whl"), key=lambda p: p.stat().st_mtime)
    imports = runs(max(args.runs, 10), lambda: timed([sys.executable, "-c", "import mpgs"]))
    bare = runs(max(args.runs, 10), lambda: timed([sys.executable, "-c", "pass"]))
    with_logging = runs(max(args.runs, 10), lambda: timed([sys.executable, "-c", "import logging"]))
    sizes = [("stripped libmpgs.so", size.stat().st_size)] + ([("wheel " + wheels[-1].name, wheels[-1].stat().st_size)] if wheels else [])
    sizes += dist_sizes()

    write(args.out, args.runs, rows, ratios, sizes, imports, bare, with_logging)


def timed(cmd: List[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return (time.perf_counter() - start) * 1000


def dist_sizes() -> List[Tuple[str, int]]:
    """The release artefacts of `make dist`, when dist/ holds them: the wheel, the C tarball and
    what the tarball unpacks to."""
    dist = ROOT / "dist"
    found = [(f"`make dist` wheel {p.name}", p.stat().st_size) for p in sorted(dist.glob("mpgs-*.whl"))]
    for tarball in sorted(dist.glob("libmpgs-*-linux-x86_64.tar.gz")):
        found.append((f"`make dist` C tarball {tarball.name}", tarball.stat().st_size))
        with tarfile.open(tarball) as t:
            for m in t.getmembers():
                if m.isfile() and m.name.endswith((".a", ".so." + tarball.name.split("-")[1])):
                    found.append((f"`make dist` C tarball, unpacked: {m.name.split('/', 1)[1]}", m.size))
    return found


def write(out: str, n_runs: int, rows: List[Row], ratios: List[Tuple[str, float, str]], sizes: List[Tuple[str, int]], imports: List[float], bare: List[float], with_logging: List[float]) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/bench.py); numbers from one run on this machine. The client and",
        "its alternatives talk to the same release-built sandbox over HTTPS on 127.0.0.1, in the same run.",
        "",
        *machine(),
        "",
        f"## Results (median of {n_runs} runs, min–max)",
        "",
        "| benchmark | subject | median | min – max | unit |",
        "|---|---|---:|---:|---|",
    ]
    for bench, subject, values, unit in sorted(rows, key=lambda r: int(r[0].split(".")[0])):
        if bench.startswith("7."):
            lines.append(f"| {bench} | {subject} | {fmt(values[0])} → {fmt(values[1])} | | {unit} |")
        elif "criterion" in subject:
            lines.append(f"| {bench} | {subject} | {fmt(values[1])} | {fmt(values[0])} – {fmt(values[2])} (95% CI) | {unit} |")
        else:
            lines.append(f"| {bench} | {subject} | {fmt(statistics.median(values))} | {fmt(min(values))} – {fmt(max(values))} | {unit} |")
    lines += [
        "",
        "## How each number is made",
        "",
        "- 1, 2: `bench/bench.py`, one Python thread, 2,000 calls a run over one keep-alive connection:",
        "  `mpgs.Client.create_session(body)` / `.create_token(body)` against `requests.Session().post(url,",
        "  json=body, verify=ca).json()` and `httpx.Client(verify=ssl_context).post(url, json=body).json()`",
        "  with the same Basic auth; in 2 the alternatives first validate the body with a pydantic v2",
        "  model carrying the documented constraints (`pydantic_token_model` in bench/bench.py).",
        "- 3: the same client, 1 thread and 16 threads × 20 calls, against `mpgs-sandbox --latency-ms 50`.",
        "- 4: `target/c/bin/c_bench mpgs 20000` and `c_bench curl 20000` (bench/c_bench.c: one libmpgs",
        "  client, or one reused libcurl easy handle with the same CA, body and Basic auth).",
        "- 5: `wrk -t1 -c1 -d2s -s bench/wrk-session.lua URL` against `target/release/examples/bench_calls",
        "  20000` (bench/calls.rs), the same body on one connection.",
        "- 6: 20,000 validations a run of the same Create Token body: `mpgs.validate_create_token`,",
        "  `Model.model_validate`, `jsonschema.Draft202012Validator(schema).validate` (2,000 a run), and",
        "  `cargo bench -p mpgs --bench validation` (criterion; its median and 95 % interval).",
        "- 7: `c_bench rss 1000 100000` and `bench/bench.py rss 1000 100000`: resident memory from",
        "  /proc/self/statm after 1,000 and after 100,000 Create Session calls.",
        "- 8: `strip` of the installed libmpgs.so, the wheel from `maturin build --release`, the",
        "  artefacts of `make dist` when dist/ holds them (the C tarball and the libraries in it), and",
        "  wall time of `python -c \"import mpgs\"` in a fresh process.",
        "- 9-12: the other languages through their packages from dist/, installed by",
        "  scripts/bench-languages.sh as a user installs them, 5,000 Create Session calls a run (after 10",
        "  to warm up) on one thread and one keep-alive connection, the same body and Basic auth:",
        "  `target/languages/go-bench mpgs|nethttp` (bindings/go/bench), `node target/languages/node/bench.js",
        "  mpgs|fetch` (the fetch run trusts the CA through NODE_EXTRA_CA_CERTS), `mono Bench.exe",
        "  mpgs|httpclient` (bindings/csharp/bench/Bench.cs; Mono's HttpClient cannot read the sandbox's ECDSA",
        "  key, so it pins the server certificate instead of checking the chain) and `java Bench",
        "  mpgs|httpclient` (bindings/java/bench). The language's own client reads the answer whole and",
        "  checks the 201; libmpgs also decodes it.",
        "- 15, 16: the PHP and Ruby packages, the same 5,000 calls on one keep-alive connection: `php",
        "  bindings/php/bench.php mpgs|curl` (PHP's curl extension, one reused handle with the same CA,",
        "  body and Basic auth) and `ruby bindings/ruby/bench.rb mpgs|nethttp` (one started Net::HTTP",
        "  connection, same CA, body and Basic auth); each reads the answer whole and checks the 201.",
        "- 13: one asyncio task (the default event loop), 1,000 calls a run, one after the other:",
        "  `await mpgs.AsyncClient.create_session(body)` against `(await httpx.AsyncClient(verify=ssl_context)",
        "  .post(url, json=body)).json()` with the same Basic auth, in the same loop.",
        "- 14: the same two clients, 64 tasks × 10 calls against `mpgs-sandbox --latency-ms 50` (each task",
        "  has its connection open before the clock starts; httpx without a connection limit). Ideal is",
        "  64 calls per 50 ms. Meanwhile a task sleeps 1 ms in turn; how late its worst wake-up comes is",
        "  the tick lag (one value per run). The same ticker alone on the loop for 0.6 s, in the same",
        "  rounds, is the reference: what the machine itself (other processes on its 2 cores) adds.",
    ]
    lines += ["", "## Ratios against the targets", "", "| ratio | value | target |", "|---|---:|---|"]
    lines += [f"| {name} | {value:.2f} | {target} |" for name, value, target in sorted(ratios, key=lambda r: int(r[0].split(".")[0]))]
    lines += ["", "## Size and start-up", "", "| what | value |", "|---|---:|"]
    lines += [f"| {name} | {size / 1024:,.0f} KiB |" for name, size in sizes]
    lines.append(f"| `python -c \"import mpgs\"` (median of {len(imports)}) | {statistics.median(imports):.0f} ms |")
    lines.append(f"| `python -c \"pass\"` (same interpreter, for reference) | {statistics.median(bare):.0f} ms |")
    lines.append(f"| `python -c \"import logging\"` (the standard library `mpgs` logs through) | {statistics.median(with_logging):.0f} ms |")
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    # The round-trip section (bench/rtt.py, run after this) is kept as it was until it rewrites it.
    previous = Path(out).read_text() if Path(out).exists() else ""
    kept = re.search(r"<!-- rtt:begin.*?<!-- rtt:end -->", previous, re.S)
    Path(out).write_text("\n".join(lines) + "\n" + ("\n" + kept.group(0) + "\n" if kept else ""))
    print(f"wrote {out}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "rss":
        python_rss(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
