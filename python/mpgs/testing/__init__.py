"""Test your integration offline, against the local gateway our own tests use.

``pip install "mpgs[testing]"`` installs the ``mpgs-sandbox`` program (a local gateway speaking
the MPGS wire format over real HTTPS on 127.0.0.1, with the gateway's error answers, faults and
latency on demand) and this module::

    from mpgs.testing import Sandbox

    with Sandbox() as sandbox:
        client = sandbox.client()
        session = client.create_session()
        sandbox.fault("busy")          # the next request gets SERVER_BUSY
        sandbox.latency(200)           # every answer 200 ms late

With pytest, the fixture ``mpgs_sandbox`` (a plugin registered by the package) gives each test
a fresh sandbox::

    def test_checkout(mpgs_sandbox):
        client = mpgs_sandbox.client()
        ...

The program is found, in this order: the ``executable`` argument, the ``MPGS_SANDBOX_BIN``
environment variable, the scripts folder of the running Python (the virtualenv's ``bin``), then
``PATH`` (the C tarball ships it as ``bin/mpgs-sandbox``).
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any, Dict, Iterable, Optional, Sequence, Type

from .._async_client import AsyncClient
from .._client import Client

__all__ = ["Sandbox", "SandboxError", "find_sandbox"]

DEFAULT_MERCHANT_ID = "TESTMERCHANT"
DEFAULT_PASSWORD = "sandbox-password"
DEFAULT_CERT_MERCHANT_ID = "CERTMERCHANT"

FAULTS = (
    "busy", "close", "truncate", "html500", "html503", "empty503", "echo", "garbage", "huge",
    "redirect", "stall[=ms]", "drip[=ms]", "manyheaders", "trailing", "cutjson", "echojson",
    "shutdown", "latency=ms",
)


class SandboxError(RuntimeError):
    """The sandbox could not be found, did not start, or refused an admin request."""


def find_sandbox(executable: Optional[str] = None) -> str:
    """The path of the ``mpgs-sandbox`` program (see the module's docstring for the order)."""
    if executable:
        return executable
    env = os.environ.get("MPGS_SANDBOX_BIN")
    if env:
        return env
    scripts = sysconfig.get_path("scripts")
    if scripts:
        candidate = Path(scripts) / "mpgs-sandbox"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("mpgs-sandbox")
    if found:
        return found
    raise SandboxError(
        "the mpgs-sandbox program was not found: pip install \"mpgs[testing]\", or set MPGS_SANDBOX_BIN "
        "to its path (the C tarball has it in bin/)"
    )


class Sandbox:
    """A local gateway on a free loopback port, started by ``start()`` or ``with``, stopped by
    ``stop()`` or at the end of the ``with`` block.

    It knows one password merchant (``merchant_id``, ``password``) and one certificate merchant
    (``cert_merchant_id``, authenticating with ``cert_file`` and ``key_file``); clients must trust
    ``ca_file``. ``faults`` are ``(kind, count)`` pairs for the first requests; ``args`` are extra
    command-line flags (``mpgs-sandbox --help``).
    """

    url: str
    ca_file: str
    tls_dir: str
    cert_file: str
    key_file: str

    def __init__(
        self,
        *,
        merchant_id: str = DEFAULT_MERCHANT_ID,
        password: str = DEFAULT_PASSWORD,
        cert_merchant_id: str = DEFAULT_CERT_MERCHANT_ID,
        faults: Iterable[tuple[str, int]] = (),
        latency_ms: int = 0,
        args: Sequence[str] = (),
        executable: Optional[str] = None,
        startup_timeout: float = 10.0,
    ) -> None:
        self.merchant_id = merchant_id
        self.password = password
        self.cert_merchant_id = cert_merchant_id
        self._faults = list(faults)
        self._latency_ms = latency_ms
        self._args = list(args)
        self._executable = executable
        self._startup_timeout = startup_timeout
        self._proc: Optional[subprocess.Popen[bytes]] = None
        self._dir: Optional[str] = None
        self._ssl: Optional[ssl.SSLContext] = None

    def __repr__(self) -> str:
        where = getattr(self, "url", None) if self._proc is not None else None
        return f"Sandbox({where or 'stopped'}, merchant_id={self.merchant_id!r})"

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "Sandbox":
        """Starts the program and waits until it serves (its ready file). Returns ``self``."""
        if self._proc is not None:
            return self
        program = find_sandbox(self._executable)
        self._dir = tempfile.mkdtemp(prefix="mpgs-sandbox-")
        ready = Path(self._dir) / "ready"
        cmd = [
            program, "--listen", "127.0.0.1:0", "--tls-dir", str(Path(self._dir) / "tls"),
            "--ready-file", str(ready),
            "--merchant", f"{self.merchant_id}:{self.password}",
            "--cert-merchant", self.cert_merchant_id,
        ]
        for kind, count in self._faults:
            cmd += ["--fault", f"{kind}x{count}"]
        if self._latency_ms:
            cmd += ["--latency-ms", str(int(self._latency_ms))]
        cmd += self._args
        # Its messages go to a file, not a pipe nobody reads (a full pipe would block it).
        log = Path(self._dir) / "stderr.txt"
        try:
            with open(log, "wb") as err_file:
                self._proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err_file)
        except OSError as e:
            self._cleanup()
            raise SandboxError(f"cannot run {program}: {e}") from e
        deadline = time.monotonic() + self._startup_timeout
        while not ready.exists():
            if self._proc.poll() is not None:
                err = log.read_text(errors="replace")
                self._proc = None
                self._cleanup()
                raise SandboxError(f"mpgs-sandbox exited at start: {err.strip()}")
            if time.monotonic() > deadline:
                self.stop()
                raise SandboxError(f"mpgs-sandbox did not start within {self._startup_timeout} s")
            time.sleep(0.01)
        fields: Dict[str, str] = dict(
            line.split("=", 1) for line in ready.read_text().splitlines() if "=" in line
        )
        self.url = fields["url"]
        self.ca_file = fields["ca"]
        self.tls_dir = fields["tls_dir"]
        self.cert_file = str(Path(self.tls_dir) / "client.pem")
        self.key_file = str(Path(self.tls_dir) / "client.key")
        self._ssl = ssl.create_default_context(cafile=self.ca_file)
        return self

    def stop(self) -> None:
        """Stops the program and removes its files. Calling it again does nothing."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    # -- faults and latency (the sandbox's admin endpoint, loopback only) --------------------

    def _admin(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        if self._proc is None or self._ssl is None:
            raise SandboxError("the sandbox is not running: use start() or a with block")
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, context=self._ssl, timeout=10) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            raise SandboxError(f"the sandbox refused {method} {path}: {e.read().decode(errors='replace')}") from e

    def fault(self, kind: str, count: int = 1) -> None:
        """The next ``count`` requests get the fault ``kind``: ``busy`` (SERVER_BUSY), ``close``
        (the connection closed after the request: outcome unknown), ``stall=ms``, ``html503``, …
        (see ``FAULTS``)."""
        self._admin("POST", "/_sandbox/faults", {"fault": kind, "count": count})

    def clear_faults(self) -> None:
        """Drops the faults not yet served."""
        self._admin("DELETE", "/_sandbox/faults")

    def latency(self, ms: int) -> None:
        """Delays every answer by ``ms`` milliseconds from now on (0 for none)."""
        self._admin("POST", "/_sandbox/latency", {"ms": int(ms)})

    # -- clients ---------------------------------------------------------------------------

    def _client_args(self, kw: Dict[str, Any]) -> Dict[str, Any]:
        if self._proc is None:
            raise SandboxError("the sandbox is not running: use start() or a with block")
        args: Dict[str, Any] = {"base_url": self.url, "ca_file": self.ca_file}
        if "cert_file" in kw or "key_file" in kw:
            args["merchant_id"] = self.cert_merchant_id
        else:
            args["merchant_id"] = self.merchant_id
            args["password"] = self.password
        args.update(kw)
        return args

    def client(self, **kw: Any) -> Client:
        """A ``mpgs.Client`` of the password merchant against this sandbox; ``kw`` are
        ``Client``'s arguments and override the defaults (with ``cert_file`` and ``key_file``,
        the certificate merchant)."""
        args = self._client_args(kw)
        return Client(args.pop("merchant_id"), **args)

    def async_client(self, **kw: Any) -> AsyncClient:
        """As ``client()``, an ``mpgs.AsyncClient``."""
        args = self._client_args(kw)
        return AsyncClient(args.pop("merchant_id"), **args)

    def certificate_client(self, **kw: Any) -> Client:
        """A ``mpgs.Client`` of the certificate merchant (mutual TLS)."""
        return self.client(cert_file=self.cert_file, key_file=self.key_file, **kw)
