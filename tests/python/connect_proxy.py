"""A CONNECT proxy on 127.0.0.1 for the tests: tunnels to loopback targets only, or refuses.

Imported by the pytest suite; run as a program (`python3 connect_proxy.py [--refuse]`) it prints
its URL on the first line and serves until killed, for the C tests (tests/c/run.sh).
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from typing import List


class ConnectProxy:
    """A CONNECT proxy on 127.0.0.1 that tunnels to loopback targets, or refuses with 403, or
    (`echo`) refuses with 407 and a JSON page that quotes the `Proxy-Authorization` it got, with
    JSON's `\\/` escaping, as some proxies' error pages do."""

    def __init__(self, refuse: bool = False, echo: bool = False) -> None:
        self.refuse = refuse
        self.echo = echo
        self.targets: List[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(1)
            if not chunk:
                conn.close()
                return
            head += chunk
        target = head.split(b" ")[1].decode()
        self.targets.append(target)
        host, _, port = target.rpartition(":")
        if self.echo:
            auth = [line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n") if line.lower().startswith(b"proxy-authorization:")]
            page = json.dumps({"error": "proxy authentication required", "Proxy-Authorization": auth}).replace("/", "\\/").encode()
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(page), page))
            conn.close()
            return
        if self.refuse or host not in ("127.0.0.1", "[::1]", "localhost"):
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        upstream = socket.create_connection((host.strip("[]"), int(port)))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pump(a: socket.socket, b: socket.socket) -> None:
            try:
                while data := a.recv(65536):
                    b.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    b.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        threading.Thread(target=pump, args=(upstream, conn), daemon=True).start()
        pump(conn, upstream)

    def close(self) -> None:
        self.sock.close()


if __name__ == "__main__":
    proxy = ConnectProxy(refuse="--refuse" in sys.argv[1:])
    print(proxy.url, flush=True)
    threading.Event().wait()
