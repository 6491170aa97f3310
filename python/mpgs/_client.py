"""The client: a thin, typed front over the native core."""

from __future__ import annotations

import datetime
import logging
import os
import time
from typing import Any, Callable, Literal, Mapping, Optional, TypeVar, Union

from . import _native

_log = logging.getLogger("mpgs")

PathLike = Union[str, "os.PathLike[str]"]

_R = TypeVar("_R")

#: The operations, by the names ``_native.NativeClient.route`` takes ("session" and "token" are
#: Create Session and Create or Update Token).
_OPERATIONS = ("session", "token", "retrieve_session", "update_session", "retrieve_token", "delete_token",
               "check_gateway")

#: How strictly requests are checked before they are sent (``Client(validation_level=...)``).
ValidationLevel = Literal["auto", "strict", "known-fields", "off"]

#: Which roots are trusted for the gateway's certificate (``Client(trust=...)``).
Trust = Literal["mozilla", "system", "ca-files-only"]


class _ClientBase:
    """What ``Client`` and ``AsyncClient`` share: the arguments and their checks, logging, repr.

    Give ``password=`` (Basic auth as ``merchant.<merchant_id>``) or ``cert_file=`` and ``key_file=``
    (PEM, mutual TLS), and ``base_url=`` or ``region=`` (``na eu ap in cn ksa mtf``).
    Settings left ``None`` take the core's defaults (connect 10 s, whole call 45 s, 2 retries,
    API versions 58 and 38). ``proxy="http://host:port"`` tunnels through an HTTP proxy with
    CONNECT; ``proxy_from_env=True`` uses ``HTTPS_PROXY``/``ALL_PROXY`` unless ``NO_PROXY``
    matches; neither, and no proxy is used.

    ``validation_level`` says how strictly requests are checked before they are sent:
    ``"auto"`` (the default) checks the documented field tables in full at the documented API
    versions (Create Session 58, Create or Update Token 38) and only known fields at any other
    version, where a field or an enumeration value the tables do not know passes unchecked;
    ``"strict"`` the tables in full at any version; ``"known-fields"`` only known fields at any
    version; ``"off"`` no client-side field checks. Any other value is a ``ConfigError``.

    A request whose reused keep-alive connection closed before any byte of an answer came is
    sent again on a new connection only when repeating it is harmless: always for Create
    Session, Retrieve Session, Retrieve Token, Delete Token and Check Gateway; for Create or
    Update Token only with ``token_repository_unique_card=True`` (the merchant's token
    repository is configured "Unique Card", so the same card gets the same token) and never
    with ``verificationStrategy`` ``ACQUIRER``; never for Update Session. Once a call was
    repeated, its error has ``outcome_unknown`` true whatever the repeat got.

    ``trust`` says which roots are trusted for the gateway's certificate: ``"mozilla"`` (the
    default) the Mozilla roots bundled in the library; ``"system"`` the operating system's store
    (``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set, else the usual bundle such as
    ``/etc/ssl/certs/ca-certificates.crt``); ``"ca-files-only"`` only ``ca_file`` (pinning: a
    ``ConfigError`` without one). ``ca_file`` is trusted with every choice; verification is never
    turned off.

    ``on_call`` is called once after every call, when it has ended (successful, failed, or
    refused before sending: then ``attempts`` is 0 and ``error_stage`` ``"not_sent"``), with an
    ``mpgs.CallEvent``: operation, method, path (merchant and ids included; a token id that
    could be a card number masked 6.4), API version, HTTP status, attempts, elapsed seconds,
    ``outcome_unknown``, error stage and kind; never a body, a header or a secret. ``Client``
    calls it on the calling thread once the network call is over, before the call returns;
    ``AsyncClient`` on the event loop's thread, before the call's result is delivered. An
    ``Exception`` it raises is logged on the ``mpgs`` logger (WARNING) and the call's result is
    returned as it was.
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
        connect_timeout: Optional[float] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        session_api_version: Optional[int] = None,
        token_api_version: Optional[int] = None,
        proxy: Optional[str] = None,
        proxy_from_env: bool = False,
        validation_level: Optional[ValidationLevel] = None,
        token_repository_unique_card: bool = False,
        trust: Optional[Trust] = None,
        on_call: Optional[Callable[[_native.CallEvent], object]] = None,
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
            proxy=proxy,
            proxy_from_env=proxy_from_env,
            validation_level=validation_level,
            token_repository_unique_card=token_repository_unique_card,
            trust=trust,
            on_call=on_call,
        )
        self._merchant_id = merchant_id
        self._routes = {op: self._native.route(op) for op in _OPERATIONS}
        self._paths = {op: path for op, (_, path) in self._routes.items()}
        self._routes["connect"] = ("connect", "(warm-up: no request)")

    @property
    def client_certificate_expiry(self) -> Optional[datetime.datetime]:
        """When the client certificate expires (its ``notAfter``, an aware UTC ``datetime``), so that a
        till can warn before the gateway refuses it; ``None`` with password authentication."""
        seconds = self._client().client_certificate_not_after
        if seconds is None:
            return None
        return datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=seconds)

    def _client(self) -> _native.NativeClient:
        if self._native is None:
            raise RuntimeError("the client is closed")
        return self._native

    def _log(self, op: str, outcome: str, start: float) -> None:
        """Method, path, status (or error class) and elapsed time; never bodies or credentials."""
        method, path = self._routes[op]
        _log.info("%s %s -> %s in %.1f ms", method, path, outcome, (time.perf_counter() - start) * 1000)

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

    def _run(self, op: str, call: Callable[[_native.NativeClient], _R]) -> _R:
        start = time.perf_counter()
        try:
            result = call(self._client())
        except Exception as e:
            self._log(op, type(e).__name__, start)
            raise
        self._log(op, str(getattr(result, "http_status", "")), start)
        return result

    def retrieve_session(self, session_id: str) -> _native.Session:
        """Retrieve Session: everything stored in the session, card details masked by the gateway.

        ``session_id`` is checked before anything is sent (ASCII, 31-35 characters; ``/``, ``..``,
        ``%``, ``?``, ``#``, spaces and control characters are refused, never encoded): a
        ``ValidationError`` naming ``sessionId``. Check the result with ``ready_for_token``.
        """
        return self._run("retrieve_session", lambda c: c.retrieve_session(session_id))

    def update_session(self, session_id: str, body: Optional[Mapping[str, Any]] = None) -> _native.Session:
        """Update Session: stores ``body``'s fields (nested or dotted) in the session.

        The fields whose rules the core knows (``sourceOfFunds.*`` as in Create or Update Token,
        ``session.*``, ``correlationId``) are checked as ``validation_level`` says; any other field
        a session may hold (``order.*``, ``customer.*``...) passes unchecked.
        """
        return self._run("update_session", lambda c: c.update_session(session_id, body))

    def retrieve_token(self, token: str) -> _native.Token:
        """Retrieve Token: the details stored against ``token`` (1-40 of 0-9 a-z A-Z), card masked."""
        return self._run("retrieve_token", lambda c: c.retrieve_token(token))

    def delete_token(self, token: str) -> _native.DeleteTokenResult:
        """Delete Token: the token is then unknown to the gateway."""
        return self._run("delete_token", lambda c: c.delete_token(token))

    def check_gateway(self) -> _native.GatewayInformation:
        """Check Gateway: whether the gateway is reachable and takes requests (``OPERATING``).

        It needs no credentials and sends none (no ``Authorization`` header), so it proves
        nothing about them: an authenticated call such as ``retrieve_token`` does.
        """
        return self._run("check_gateway", lambda c: c.check_gateway())

    def connect(self) -> None:
        """Warm-up: opens a connection to the gateway (TCP, TLS handshake) and keeps it for the next
        call, so that call does not pay those round trips; nothing if an idle connection is fit
        already. Sends no request. Kept as any idle connection (15 s until the server has said how
        long it keeps connections): call it when a call is near. Raises the transport error a
        call would have met (nothing sent).
        """
        self._run("connect", lambda c: c.connect())

    def close(self) -> None:
        """Drops the connections and credentials; the client cannot be used afterwards."""
        self._native = None

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
