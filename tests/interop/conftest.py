"""Real servers nobody here wrote — Debian's nginx, HAProxy and Squid — on 127.0.0.1, in front of
the sandbox gateway: the fixtures make a PKI with the openssl CLI, write each server's
configuration into a temporary directory, run each server in the foreground as a child process
on free loopback ports, and stop every one of them at the end (tests/interop/run.sh also kills
whatever a killed pytest left behind, by the pids listed in $MPGS_INTEROP_TMP/pids).

The servers come from `scripts/interop-tools.sh` (`make interop` runs it first)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

from interop_common import PROXY_PASSWORD, PROXY_USER, UNDECODABLE_2XX

ROOT = Path(__file__).resolve().parents[2]
SANDBOX_BIN = os.environ.get("MPGS_SANDBOX_BIN", str(ROOT / "target" / "release" / "mpgs-sandbox"))
# run.sh gives a directory it removes at the end, and kills every pid listed in its `pids`
RUN_DIR = os.environ.get("MPGS_INTEROP_TMP")
PID_LIST = os.path.join(RUN_DIR, "pids") if RUN_DIR else None


def sbin(name: str) -> str:
    found = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if found is None:
        pytest.fail(f"{name} is not installed: run scripts/interop-tools.sh (make interop does)")
    return found


def free_port() -> int:
    """A loopback port nobody listens on (the kernel's pick, released for the server to take)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


class Proc:
    """A server in the foreground, as our child; `stop()` ends it (TERM, then KILL)."""

    def __init__(self, name: str, args: List[str], log: Path, ports: List[int], cwd: Path) -> None:
        self.name = name
        self.log = log
        self._log = open(log, "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, cwd=cwd)
        if PID_LIST:
            with open(PID_LIST, "a") as f:
                f.write(f"{self.proc.pid}\n")
        deadline = time.monotonic() + 20
        for port in ports:
            while not listening(port):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"{name} did not start (listening on {port}):\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# ---------------------------------------------------------------- certificates (openssl CLI)

CA_EXT = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"
SERVER_EXT = (
    "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n"
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
)
CLIENT_EXT = (
    "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"
    "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
)


def _openssl(cwd: Path, *args: str) -> None:
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, f"openssl {' '.join(args)}: {r.stderr}"


def _cert(d: Path, name: str, cn: str, ext: str, alg: str, issuer: Optional[str]) -> None:
    if alg == "rsa":
        _openssl(d, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f"{name}.key")
    else:
        _openssl(d, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f"{name}.key")
    _openssl(d, "req", "-new", "-key", f"{name}.key", "-subj", f"/O=mpgs interop/CN={cn}", "-out", f"{name}.csr")
    (d / f"{name}.ext").write_text(ext)
    sign = ["-CA", f"{issuer}.pem", "-CAkey", f"{issuer}.key"] if issuer else ["-signkey", f"{name}.key"]
    _openssl(d, "x509", "-req", "-in", f"{name}.csr", "-out", f"{name}.pem", "-days", "2", "-sha256",
             "-set_serial", str(random.getrandbits(63)), "-extfile", f"{name}.ext", *sign)


def make_pki(d: Path) -> Path:
    """Writes into `d`: a root and an intermediate CA; RSA and ECDSA server leaves for
    127.0.0.1/localhost issued by the intermediate (`server_*_chain.pem` = leaf + intermediate);
    a client CA and its client; a second, unrelated CA with a server leaf and a client of its own.
    Each `NAME.pem` has its key in `NAME.key`."""
    d.mkdir(parents=True, exist_ok=True)
    _cert(d, "root", "mpgs interop root CA", CA_EXT, "rsa", None)
    _cert(d, "intermediate", "mpgs interop intermediate CA", CA_EXT + "authorityKeyIdentifier=keyid\n", "rsa", "root")
    _cert(d, "server_rsa", "localhost", SERVER_EXT + "keyUsage=critical,digitalSignature,keyEncipherment\n", "rsa", "intermediate")
    _cert(d, "server_ecdsa", "localhost", SERVER_EXT + "keyUsage=critical,digitalSignature\n", "ec", "intermediate")
    _cert(d, "client_ca", "mpgs interop client CA", CA_EXT, "ec", None)
    _cert(d, "client", "mpgs interop client", CLIENT_EXT, "ec", "client_ca")
    _cert(d, "other_ca", "an unrelated CA", CA_EXT, "ec", None)
    _cert(d, "other_server", "localhost", SERVER_EXT + "keyUsage=critical,digitalSignature\n", "ec", "other_ca")
    _cert(d, "other_client", "mpgs interop client", CLIENT_EXT, "ec", "other_ca")
    inter = (d / "intermediate.pem").read_text()
    for leaf in ("server_rsa", "server_ecdsa"):
        (d / f"{leaf}_chain.pem").write_text((d / f"{leaf}.pem").read_text() + inter)
    return d


# ---------------------------------------------------------------- the sandbox behind the servers


@dataclass
class Sandbox:
    url: str
    port: int
    ca: str
    client_pem: Path  # the sandbox's own client certificate + key (merchant CERTMERCHANT)


@pytest.fixture(scope="session")
def work() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="mpgs-interop-", dir=RUN_DIR))
    # Squid runs as its unprivileged user and reads and writes below here
    d.chmod(0o755)
    d.parent.chmod(0o755 if RUN_DIR else d.parent.stat().st_mode)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def pki(work: Path) -> Path:
    return make_pki(work / "pki")


@pytest.fixture(scope="session")
def sandbox(work: Path) -> Iterator[Sandbox]:
    ready = work / "sandbox.ready"
    log = work / "sandbox.log"
    args = [SANDBOX_BIN, "--listen", "127.0.0.1:0", "--cert-merchant", "CERTMERCHANT", "--ready-file", str(ready)]
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=out)
    if PID_LIST:
        with open(PID_LIST, "a") as f:
            f.write(f"{proc.pid}\n")
    deadline = time.monotonic() + 10
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the sandbox did not start"
        time.sleep(0.02)
    time.sleep(0.05)  # the ready file is written whole, but give its writer the moment
    fields = dict(line.split("=", 1) for line in ready.read_text().splitlines() if "=" in line)
    tls = Path(fields["tls_dir"])
    client_pem = work / "sandbox-client.pem"
    client_pem.write_text((tls / "client.pem").read_text() + (tls / "client.key").read_text())
    url = fields["url"]
    yield Sandbox(url=url, port=int(url.rsplit(":", 1)[1].strip("/")), ca=fields["ca"], client_pem=client_pem)
    proc.kill()
    proc.wait()


@pytest.fixture(scope="session")
def silent_upstream() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    yield s.getsockname()[1]
    s.close()


# ---------------------------------------------------------------- nginx


@dataclass
class Nginx:
    ports: Dict[str, int]
    dir: Path

    def url(self, name: str) -> str:
        return f"https://127.0.0.1:{self.ports[name]}"

    def log(self, name: str, at_least: int = 0) -> List[str]:
        """The server's access log lines (protocol, cipher, status, connection, request number
        on it), once it has `at_least` of them: nginx writes a line just after its answer."""
        deadline = time.monotonic() + 5
        while True:
            lines = (self.dir / f"{name}.log").read_text().splitlines()
            if len(lines) >= at_least or time.monotonic() > deadline:
                return lines


@pytest.fixture(scope="session")
def nginx(work: Path, pki: Path, sandbox: Sandbox, silent_upstream: int) -> Iterator[Nginx]:
    d = work / "nginx"
    d.mkdir()
    p = pki
    rsa = f"ssl_certificate {p}/server_rsa_chain.pem; ssl_certificate_key {p}/server_rsa.key;"
    ecdsa = f"ssl_certificate {p}/server_ecdsa_chain.pem; ssl_certificate_key {p}/server_ecdsa.key;"
    to_sandbox = "location / { proxy_pass https://sandbox; }"
    servers = {
        # TLS termination: each version and key type, the chain leaf + intermediate
        "tls12_rsa": f"{rsa} ssl_protocols TLSv1.2; {to_sandbox}",
        "tls13_rsa": f"{rsa} ssl_protocols TLSv1.3; {to_sandbox}",
        "tls12_ecdsa": f"{ecdsa} ssl_protocols TLSv1.2; {to_sandbox}",
        "tls13_ecdsa": f"{ecdsa} ssl_protocols TLSv1.3; {to_sandbox}",
        # a server that forgets its intermediate, and one whose chain is from another CA
        "no_intermediate": f"ssl_certificate {p}/server_rsa.pem; ssl_certificate_key {p}/server_rsa.key; {to_sandbox}",
        "other_ca": f"ssl_certificate {p}/other_server.pem; ssl_certificate_key {p}/other_server.key; {to_sandbox}",
        # two requests per connection, one second idle at most
        "keepalive": f"{rsa} keepalive_requests 2; keepalive_timeout 1s; {to_sandbox}",
        "keepalive_idle": "",  # the same, for the idle test
        # sub_filter drops the upstream's Content-Length: the answer goes out chunked
        "chunked": f"{ecdsa} chunked_transfer_encoding on; location / {{ proxy_pass https://sandbox; "
        "proxy_set_header Accept-Encoding \"\"; sub_filter_types *; sub_filter_once off; sub_filter '\"' '\"'; }",
        "chunked_async": "",  # the same, for the AsyncClient's test (each server has its own log)
        # nginx's own pages
        "too_large": f"{rsa} client_max_body_size 1; {to_sandbox}",
        "rate": f"{rsa} limit_req zone=interop; limit_req_status 429; {to_sandbox}",
        "down": f"{rsa} location / {{ proxy_pass http://127.0.0.1:{free_port()}; }}",
        "hang": f"{rsa} location / {{ proxy_pass http://127.0.0.1:{silent_upstream}; proxy_read_timeout 1s; }}",
        # a WAF or CDN that adds many header lines to the gateway's answer
        "many_headers": f"{rsa} location / {{ proxy_pass https://sandbox; "
        + " ".join(f"add_header X-Waf-{i} v{i} always;" for i in range(80)) + " }",
        # misconfigured pages that quote the request's Authorization header, as a 5xx and a 2xx
        "echo_5xx": rsa + " location / { default_type text/html; return 502 '<html><body>Bad gateway. "
        "Request headers: Authorization: $http_authorization</body></html>'; }",
        "echo_2xx": rsa + " location / { default_type application/json; return 201 '{\"echo\": \"$http_authorization\"}x'; }",
        # a gateway-like 201 that cannot be decoded (one trailing byte): it quotes an AES key
        "undecodable_2xx": rsa + " location / { default_type application/json; return 201 '" + UNDECODABLE_2XX + "'; }",
    }
    servers["chunked_async"] = servers["chunked"]
    servers["keepalive_idle"] = servers["keepalive"]
    ports = {name: free_port() for name in servers}
    blocks = "\n".join(
        f"  server {{ listen 127.0.0.1:{ports[n]} ssl; access_log {d}/{n}.log tls; {body} }}" for n, body in servers.items()
    )
    conf = f"""
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  default_type application/octet-stream;
  log_format tls '$ssl_protocol $ssl_cipher $status $connection $connection_requests';
  limit_req_zone $binary_remote_addr zone=interop:1m rate=1r/m;
  upstream sandbox {{ server 127.0.0.1:{sandbox.port}; keepalive 4; }}
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_ssl_verify off;
{blocks}
}}
"""
    (d / "nginx.conf").write_text(conf)
    server = Proc("nginx", [sbin("nginx"), "-p", str(d), "-c", str(d / "nginx.conf"), "-e", str(d / "error.log")],
                  d / "stderr.log", list(ports.values()), d)
    yield Nginx(ports, d)
    server.stop()


# ---------------------------------------------------------------- HAProxy


@pytest.fixture(scope="session")
def haproxy(work: Path, pki: Path, sandbox: Sandbox) -> Iterator[Dict[str, int]]:
    d = work / "haproxy"
    d.mkdir()
    p = pki
    crt = d / "server.pem"
    crt.write_text((p / "server_rsa_chain.pem").read_text() + (p / "server_rsa.key").read_text())
    mtls = f"ssl crt {crt} ca-file {p}/client_ca.pem verify required"
    ports = {name: free_port() for name in ("mtls12", "mtls13", "idle")}
    conf = f"""
global
  maxconn 256
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend mtls12
  bind 127.0.0.1:{ports['mtls12']} {mtls} ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2
  default_backend sandbox_as_certmerchant
frontend mtls13
  bind 127.0.0.1:{ports['mtls13']} {mtls} ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.3
  default_backend sandbox_as_certmerchant
frontend idle
  bind 127.0.0.1:{ports['idle']} ssl crt {crt}
  timeout client 1s
  default_backend sandbox
backend sandbox
  server gw 127.0.0.1:{sandbox.port} ssl verify none
backend sandbox_as_certmerchant
  server gw 127.0.0.1:{sandbox.port} ssl verify none crt {sandbox.client_pem}
"""
    (d / "haproxy.cfg").write_text(conf)
    server = Proc("haproxy", [sbin("haproxy"), "-db", "-f", str(d / "haproxy.cfg")], d / "haproxy.log", list(ports.values()), d)
    yield ports
    server.stop()


# ---------------------------------------------------------------- Squid


@pytest.fixture(scope="session")
def squid(work: Path) -> Iterator[Dict[str, int]]:
    """Squid as a CONNECT proxy: port `open` without authentication, port `auth` with Basic
    authentication checked by Squid's own `basic_ncsa_auth` against an htpasswd file."""
    d = work / "squid"
    d.mkdir()
    hashed = subprocess.run(["openssl", "passwd", "-apr1", PROXY_PASSWORD], capture_output=True, text=True, check=True)
    (d / "passwd").write_text(f"{PROXY_USER}:{hashed.stdout.strip()}\n")
    if os.geteuid() == 0:  # Squid drops to its own user (Debian: proxy) for its logs and helpers
        for path in (d, d / "passwd"):
            shutil.chown(path, user="proxy")
    ports = {"open": free_port(), "auth": free_port()}
    conf = f"""
http_port 127.0.0.1:{ports['open']} name=open
http_port 127.0.0.1:{ports['auth']} name=auth
pid_filename {d}/squid.pid
cache_log {d}/cache.log
access_log stdio:{d}/access.log
cache_store_log none
coredump_dir {d}
cache deny all
cache_mem 8 MB
shutdown_lifetime 0 seconds
pinger_enable off
auth_param basic program /usr/lib/squid/basic_ncsa_auth {d}/passwd
auth_param basic realm mpgs interop
acl open_port myportname open
acl auth_port myportname auth
acl users proxy_auth REQUIRED
acl loopback dst 127.0.0.1/32
http_access deny !loopback
http_access allow open_port
http_access allow auth_port users
http_access deny all
"""
    (d / "squid.conf").write_text(conf)
    server = Proc("squid", [sbin("squid"), "-N", "-f", str(d / "squid.conf")], work / "squid.log", list(ports.values()), d)
    yield ports
    server.stop()
