"""Fixtures: the sandbox gateway started from its binary on a free loopback port, over TLS."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
SANDBOX_BIN = os.environ.get("MPGS_SANDBOX_BIN", str(ROOT / "target" / "debug" / "mpgs-sandbox"))
AUTH = "Basic bWVyY2hhbnQuVEVTVE1FUkNIQU5UOnNhbmRib3gtcGFzc3dvcmQ="


class Sandbox:
    """The sandbox binary on a free loopback port; it says where it is in its ready file."""

    def __init__(self, *flags: str) -> None:
        self._dir = tempfile.mkdtemp(prefix="mpgs-sandbox-")
        ready = Path(self._dir) / "ready"
        self.proc = subprocess.Popen(
            [SANDBOX_BIN, "--listen", "127.0.0.1:0", "--cert-merchant", "CERTMERCHANT", "--ready-file", str(ready), *flags],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not ready.exists():
            assert self.proc.poll() is None and time.monotonic() < deadline, "the sandbox did not start"
            time.sleep(0.01)
        fields = dict(line.split("=", 1) for line in ready.read_text().splitlines() if "=" in line)
        self.url = fields["url"]
        tls_dir = Path(fields["tls_dir"])
        self.ca = fields["ca"]
        self.client_cert = str(tls_dir / "client.pem")
        self.client_key = str(tls_dir / "client.key")
        self._ssl = ssl.create_default_context(cafile=self.ca)

    def raw(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={"Authorization": AUTH})
        with urllib.request.urlopen(req, context=self._ssl, timeout=10) as r:
            return json.loads(r.read())

    def fault(self, fault: str, count: int = 1) -> None:
        self.raw("POST", "/_sandbox/faults", {"fault": fault, "count": count})

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self._dir, ignore_errors=True)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    s = Sandbox()
    yield s
    s.stop()


@pytest.fixture
def start_sandbox() -> Iterator[Any]:
    started: List[Sandbox] = []

    def start(*flags: str) -> Sandbox:
        s = Sandbox(*flags)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def client(sandbox: Sandbox) -> Any:
    import mpgs

    return mpgs.Client("TESTMERCHANT", password="sandbox-password", base_url=sandbox.url, ca_file=sandbox.ca)
