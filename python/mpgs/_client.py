"""The client: a thin, typed front over the native core."""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Mapping, Optional, Union

from . import _native

_log = logging.getLogger("mpgs")

PathLike = Union[str, "os.PathLike[str]"]


class _ClientBase:
    """What ``Client`` and ``AsyncClient`` share: the arguments and their checks, logging, repr.

    Give ``password=`` (Basic auth as ``merchant.<merchant_id>``) or ``cert_file=`` and ``key_file=``
    (PEM, mutual TLS), and ``base_url=`` or ``region=`` (``na eu ap in cn ksa mtf``).
    """

    def __init__(
        self,
        merchant_id: str,
        password: Optional[str] = None,
        *,
        cert_file: Optional[PathLike] = None,
        key_file: Optional[PathLike] = None,
        base_url: Optional[str] = None,
        region: Optional[str] = None,
        ca_file: Optional[PathLike] = None,
        connect_timeout: float = 10.0,
        timeout: float = 45.0,
        max_retries: int = 2,
        session_api_version: int = 58,
        token_api_version: int = 38,
    ) -> None:
        self._native: Optional[_native.NativeClient] = _native.NativeClient(
            merchant_id,
            password=password,
            cert_file=os.fspath(cert_file) if cert_file is not None else None,
            key_file=os.fspath(key_file) if key_file is not None else None,
            base_url=base_url,
            region=region,
            ca_file=os.fspath(ca_file) if ca_file is not None else None,
            connect_timeout=connect_timeout,
            timeout=timeout,
            max_retries=max_retries,
            session_api_version=session_api_version,
            token_api_version=token_api_version,
        )
        self._merchant_id = merchant_id
        self._paths = {
            op: f"/api/rest/version/{v}/merchant/{merchant_id}/{op}"
            for op, v in (("session", session_api_version), ("token", token_api_version))
        }

    def _client(self) -> _native.NativeClient:
        if self._native is None:
            raise RuntimeError("the client is closed")
        return self._native

    def _log(self, op: str, outcome: str, start: float) -> None:
        """Method, path, status (or error class) and elapsed time; never bodies or credentials."""
        _log.info("POST %s -> %s in %.1f ms", self._paths[op], outcome, (time.perf_counter() - start) * 1000)

    def __reduce__(self) -> Any:
        raise TypeError(f"mpgs.{type(self).__name__} holds credentials and cannot be pickled")

    def __repr__(self) -> str:
        if self._native is None:
            return f"{type(self).__name__}(merchant_id={self._merchant_id!r}, closed)"
        return repr(self._native).replace("Client(", f"{type(self).__name__}(", 1)


class Client(_ClientBase):
    """An MPGS client. Thread-safe; releases the GIL for the whole network call.

    Give ``password=`` (Basic auth as ``merchant.<merchant_id>``) or ``cert_file=`` and ``key_file=``
    (PEM, mutual TLS), and ``base_url=`` or ``region=`` (``na eu ap in cn ksa mtf``).
    """

    def create_session(
        self,
        body: Optional[Mapping[str, Any]] = None,
        *,
        authentication_limit: Optional[int] = None,
        correlation_id: Optional[str] = None,
    ) -> _native.Session:
        """Create Session. ``body`` is nested or dotted JSON; keywords set the common fields."""
        start = time.perf_counter()
        try:
            s = self._client().create_session(body, authentication_limit=authentication_limit, correlation_id=correlation_id)
        except Exception as e:
            self._log("session", type(e).__name__, start)
            raise
        self._log("session", str(s.http_status), start)
        return s

    def create_token(self, body: Mapping[str, Any]) -> _native.Token:
        """Create or Update Token. ``body`` is nested or dotted JSON."""
        start = time.perf_counter()
        try:
            t = self._client().create_token(body)
        except Exception as e:
            self._log("token", type(e).__name__, start)
            raise
        self._log("token", str(t.http_status), start)
        return t

    def close(self) -> None:
        """Drops the connections and credentials; the client cannot be used afterwards."""
        self._native = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
