"""fork() while calls are in flight (a gunicorn worker forked from a master that already used the
client): the child starts with fresh state, never waits on a lock the parent's threads held, and
its AsyncClient's close() neither raises nor waits for the parent's calls."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import traceback
import warnings
from typing import Any, List

import mpgs

PASSWORD = "sandbox-password"


def wait_child(pid: int, within: float) -> int:
    """The child's exit code; kills it and fails if it has not exited in time (it hung)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"the forked child hung for {within} s")


def fork_and_run(child: Any) -> Any:
    """Forks; the child runs `child()` and exits 0 if it returned, 1 (traceback on stderr) if it
    raised. Returns the child's pid."""
    r, w = os.pipe()
    with warnings.catch_warnings():  # "fork() in a multi-threaded process": that is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            child()
        except BaseException:
            os.write(w, traceback.format_exc().encode())
            code = 1
        os._exit(code)
    os.close(w)
    return pid, r


def read_all(fd: int) -> str:
    chunks: List[bytes] = []
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(fd)
    return b"".join(chunks).decode()


def test_a_child_forked_while_async_calls_were_in_flight_closes_and_calls_without_waiting(start_sandbox: Any) -> None:
    sb = start_sandbox()
    kw = dict(password=PASSWORD, base_url=sb.url, ca_file=sb.ca, timeout=10.0)
    closing = mpgs.AsyncClient("TESTMERCHANT", **kw)  # the child only closes it
    calling = mpgs.AsyncClient("TESTMERCHANT", **kw)  # the child calls, then closes it
    sb.fault("latency=1500", 6)  # the parent's six calls stay under way across the fork
    started = threading.Event()
    results: List[Any] = []

    def parent_calls() -> None:
        async def go() -> None:
            calls = [c.create_session() for c in (closing, calling) for _ in range(3)]
            tasks = [asyncio.ensure_future(c) for c in calls]
            await asyncio.sleep(0.3)
            started.set()
            results.extend(await asyncio.gather(*tasks, return_exceptions=True))

        asyncio.run(go())

    t = threading.Thread(target=parent_calls)
    t.start()
    assert started.wait(10)

    def child() -> None:
        async def go() -> None:
            t0 = time.monotonic()
            await closing.close()  # the parent's calls are not in this process: nothing to wait for
            assert time.monotonic() - t0 < 1.0, "close() waited for the parent's calls"
            s = await calling.create_session()
            assert s.http_status == 201
            await calling.close()

        asyncio.run(go())

    pid, out = fork_and_run(child)
    code = wait_child(pid, 30)
    assert code == 0, read_all(out)
    read_all(out)
    t.join(30)
    # The parent's calls all finished as if nothing happened.
    assert len(results) == 6 and all(getattr(r, "http_status", None) == 201 for r in results), results


def test_children_forked_while_other_threads_call_make_their_own_calls(start_sandbox: Any) -> None:
    """Threads of the parent call through one client (its pool, resolver and TLS session cache
    are locked on every call) while the main thread forks again and again: each child's first
    call completes, whatever those threads held at the fork."""
    sb = start_sandbox()
    client = mpgs.Client("TESTMERCHANT", password=PASSWORD, base_url=sb.url, ca_file=sb.ca, timeout=10.0)
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            try:
                client.create_session()
            except mpgs.Error:
                pass

    threads = [threading.Thread(target=busy) for _ in range(4)]
    for th in threads:
        th.start()
    try:
        for _ in range(5):
            pid, out = fork_and_run(lambda: client.create_session())
            time.sleep(0.05)
            code = wait_child(pid, 20)
            assert code == 0, read_all(out)
            read_all(out)
    finally:
        stop.set()
        for th in threads:
            th.join(30)
