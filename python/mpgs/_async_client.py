"""The asyncio client: ``Client``'s arguments, rules, results and exceptions, awaited."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any, Callable, ClassVar, Mapping, Optional, Set, Tuple, TypeVar

from . import _native
from ._client import _ClientBase, _log

_R = TypeVar("_R")
_Start = Callable[[_native.AsyncRunner, _native.Inbox, "asyncio.Future[_R]"], _native.AsyncCall]

# Guards the binding of a client to its event loop (held for a few instructions per call).
_bind_lock = threading.Lock()
# Counts fork()s: a child has none of its parent's worker threads, so a client starts afresh there.
_forks = 0


def _after_fork_in_child() -> None:
    global _bind_lock, _forks
    _bind_lock = threading.Lock()
    _forks += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class AsyncClient(_ClientBase):
    """An MPGS client for asyncio: ``await client.create_session(...)``, ``await client.create_token(...)``.

    Takes exactly ``Client``'s arguments and applies the same rules: the same results, and the same
    exceptions raised from the ``await`` (a ``ValidationError`` means nothing was sent).

    The event loop never waits on the network: each call runs on a worker thread owned by the
    native core, with the GIL released, and its result comes back through
    ``loop.call_soon_threadsafe`` (answers arriving together come back together). Up to
    ``MAX_IN_FLIGHT`` (256) calls of one client run at once (a subclass may set another number);
    further calls wait their turn (the wait counts against the call's ``timeout``). Works under any running asyncio loop (uvloop too); a client is
    used from one loop at a time. ``async with`` closes it; ``await close()`` refuses new calls
    at once and returns when the calls under way have finished; a closed client raises
    ``RuntimeError``.

    Cancelling the task that awaits a call returns at once. A request still queued is dropped
    unsent; one already sent cannot be taken back: its outcome is unknown, and a WARNING on the
    logger ``mpgs`` names its method and path.
    """

    MAX_IN_FLIGHT: ClassVar[int] = _native.AsyncRunner.MAX_IN_FLIGHT

    _runner: Optional[_native.AsyncRunner] = None
    _loop: Optional[asyncio.AbstractEventLoop] = None
    _inbox: Optional[_native.Inbox] = None
    _pending: Optional[Set[asyncio.Future[Any]]] = None
    _generation: int = 0  # the value of _forks when the workers were started

    async def create_session(
        self,
        body: Optional[Mapping[str, Any]] = None,
        *,
        authentication_limit: Optional[int] = None,
        correlation_id: Optional[str] = None,
    ) -> _native.Session:
        """Create Session. ``body`` is nested or dotted JSON; keywords set the common fields."""
        return await self._call(
            "session", lambda runner, inbox, fut: runner.create_session(inbox, fut, body, authentication_limit, correlation_id)
        )

    async def create_token(self, body: Mapping[str, Any]) -> _native.Token:
        """Create or Update Token. ``body`` is nested or dotted JSON."""
        return await self._call("token", lambda runner, inbox, fut: runner.create_token(inbox, fut, body))

    async def retrieve_session(self, session_id: str) -> _native.Session:
        """Retrieve Session (see ``Client.retrieve_session``)."""
        return await self._call("retrieve_session", lambda runner, inbox, fut: runner.retrieve_session(inbox, fut, session_id))

    async def update_session(self, session_id: str, body: Optional[Mapping[str, Any]] = None) -> _native.Session:
        """Update Session (see ``Client.update_session``)."""
        return await self._call("update_session", lambda runner, inbox, fut: runner.update_session(inbox, fut, session_id, body))

    async def retrieve_token(self, token: str) -> _native.Token:
        """Retrieve Token (see ``Client.retrieve_token``)."""
        return await self._call("retrieve_token", lambda runner, inbox, fut: runner.retrieve_token(inbox, fut, token))

    async def delete_token(self, token: str) -> _native.DeleteTokenResult:
        """Delete Token (see ``Client.delete_token``)."""
        return await self._call("delete_token", lambda runner, inbox, fut: runner.delete_token(inbox, fut, token))

    async def check_gateway(self) -> _native.GatewayInformation:
        """Check Gateway: sends no credentials (see ``Client.check_gateway``)."""
        return await self._call("check_gateway", lambda runner, inbox, fut: runner.check_gateway(inbox, fut))

    async def connect(self) -> None:
        """Warm-up: opens and keeps a connection for the next call (see ``Client.connect``)."""
        await self._call("connect", lambda runner, inbox, fut: runner.connect(inbox, fut))

    def _bind(self) -> Tuple[asyncio.AbstractEventLoop, _native.Inbox, _native.AsyncRunner, Set[asyncio.Future[Any]]]:
        """Binds the running loop to this client; refuses a closed client or a second loop. The
        caller registers its call's future in the returned set while holding ``_bind_lock``."""
        native = self._client()
        loop = asyncio.get_running_loop()
        if self._generation != _forks:  # the parent's workers, loop and calls are not in this process
            self._generation, self._runner, self._loop, self._inbox, self._pending = _forks, None, None, None, None
        if self._pending is None:
            self._pending = set()
        if loop is not self._loop or self._inbox is None:
            if self._pending and self._loop is not None and not self._loop.is_closed():
                raise RuntimeError("this mpgs.AsyncClient has calls in flight on another event loop: use a client from one loop at a time")
            self._loop, self._inbox = loop, _native.Inbox(loop)
        if self._runner is None:
            self._runner = _native.AsyncRunner(native, self.MAX_IN_FLIGHT)
        return loop, self._inbox, self._runner, self._pending

    async def _call(self, op: str, start_call: _Start[_R]) -> _R:
        start = time.perf_counter()
        with _bind_lock:  # bound and registered at once: another loop sees this call in flight
            loop, inbox, runner, pending = self._bind()
            future: asyncio.Future[_R] = loop.create_future()
            pending.add(future)
        try:
            call = start_call(runner, inbox, future)
        except Exception as e:  # the body could not be converted: nothing was sent
            with _bind_lock:
                pending.discard(future)
            self._log(op, type(e).__name__, start)
            raise
        try:
            result = await future
        except asyncio.CancelledError:
            ms = (time.perf_counter() - start) * 1000
            method, path = self._routes[op]
            if call.cancel():
                _log.warning("%s %s cancelled after %.1f ms while under way: the gateway may have processed it; "
                             "its outcome is unknown", method, path, ms)
            else:
                _log.info("%s %s cancelled after %.1f ms before it was sent", method, path, ms)
            raise
        except Exception as e:
            self._log(op, type(e).__name__, start)
            raise
        finally:
            with _bind_lock:
                pending.discard(future)
        self._log(op, str(getattr(result, "http_status", "")), start)
        return result

    async def close(self) -> None:
        """Refuses new calls at once; returns when the calls under way have finished."""
        if self._native is None:
            return
        loop = asyncio.get_running_loop()
        with _bind_lock:
            if self._generation != _forks:  # a forked child: the parent's calls and workers are not here
                self._generation, self._runner, self._loop, self._inbox, self._pending = _forks, None, None, None, None
            waiting = [f for f in self._pending or () if not f.done()]
            if waiting and loop is not self._loop:
                raise RuntimeError("this mpgs.AsyncClient has calls in flight on another event loop: close it there")
            self._native = None
        try:
            if waiting:
                await asyncio.wait(waiting)
        finally:
            if self._runner is not None:
                self._runner.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
