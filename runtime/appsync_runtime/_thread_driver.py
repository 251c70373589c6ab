"""Real-time for the sync client: the async machinery on a loop in one thread.

A :class:`RealtimeThread` starts a daemon thread running an event loop with a
:class:`~._connection_manager.RealtimeManager` on it at the first subscription, and
stops both in :meth:`RealtimeThread.close`. Each subscription's iterator blocks on
the loop's next item; the ready marker and gaps are delivered in the iterating thread
by the same :func:`~._subscription.deliver_signal` the async client uses.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import inspect
import logging
import queue
import threading
from collections.abc import AsyncGenerator, Callable, Iterator
from typing import Any, Final

from ._auth import AuthStrategy
from ._connection import Answer
from ._connection_manager import RealtimeManager
from ._endpoints import Endpoint
from ._graphql_ws import GRAPHQL_WS
from ._realtime_protocol import ProtocolSpec
from ._realtime_types import (
    ConnectionStateCallback,
    ConnectionStateChange,
    RealtimeOptions,
    SubscriptionGap,
)
from ._subscription import READY, Signal, deliver_signal
from .errors import AppSyncConfigError

__all__ = ["RealtimeThread"]

_DONE: Final = Signal("done")
_POLL: Final = 1.0  # seconds between checks that the loop thread still runs
_DELIVERY_JOIN: Final = 5.0  # seconds close() waits for the last state changes to go out
log = logging.getLogger("appsync_runtime.realtime")


class _StateDelivery:
    """Calls ``on_connection_state`` in order, in a daemon thread of its own: the loop
    thread never waits for the application, and the application's callback never
    runs where it could block the connection."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[
            tuple[ConnectionStateCallback, ConnectionStateChange] | None
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def __call__(self, callback: ConnectionStateCallback, change: ConnectionStateChange) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="appsync-realtime-state", daemon=True
                )
                self._thread.start()
        self._queue.put((callback, change))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            callback, change = item
            try:
                callback(change)
            except Exception:
                log.warning("on_connection_state raised; ignored", exc_info=True)

    def close(self) -> None:
        """Deliver what is queued (waiting a few seconds at most), then stop."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            self._queue.put(None)
            thread.join(_DELIVERY_JOIN)


def _refuse_awaitable(result: object, name: str) -> None:
    """A blocking client cannot await a callback: an async one would silently never
    run, so the subscription ends with a located error instead."""
    close = getattr(result, "close", None)
    if callable(close):
        close()  # no "coroutine was never awaited" warning on top
    raise AppSyncConfigError(
        f"{name} returned an awaitable ({type(result).__name__}); the blocking client "
        "calls it in the iterating thread and cannot await it: pass a plain function, "
        "or subscribe with the async client"
    )


async def _next_item(agen: AsyncGenerator[Any, None]) -> Any:
    try:
        return await agen.__anext__()
    except StopAsyncIteration:
        return _DONE


class RealtimeThread:
    """Real-time for a sync client: a :class:`RealtimeManager` on an event loop in one
    daemon thread, started with the first subscription and stopped by :meth:`close`."""

    def __init__(
        self,
        endpoint: Endpoint,
        options: RealtimeOptions | None = None,
        protocol: ProtocolSpec = GRAPHQL_WS,
        *,
        user_agent: str | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._user_agent = user_agent
        self._delivery = _StateDelivery()
        self._options = options or RealtimeOptions()
        self._protocol = protocol
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._manager: RealtimeManager | None = None

    def _ensure(self) -> tuple[asyncio.AbstractEventLoop, RealtimeManager]:
        with self._lock:
            if self._loop is None or self._manager is None:
                loop = asyncio.new_event_loop()
                running = threading.Event()
                loop.call_soon(running.set)
                thread = threading.Thread(
                    target=self._run, args=(loop,), name="appsync-realtime", daemon=True
                )
                thread.start()
                # Iterators take a loop that is not running for a closed client: return
                # only once it runs, however late a loaded machine starts the thread.
                while not running.wait(_POLL):
                    if not thread.is_alive():
                        raise RuntimeError("the real-time thread ended before its loop ran")
                self._loop, self._thread = loop, thread
                self._manager = RealtimeManager(
                    self._endpoint, self._options, self._protocol, user_agent=self._user_agent
                )
                self._manager.deliver_state = self._delivery
            return self._loop, self._manager

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()

    def subscribe(
        self,
        body: bytes,
        strategy: AuthStrategy,
        operation_name: str | None,
        on_ready: Callable[[], object] | None,
        on_gap: Callable[[SubscriptionGap], object] | None,
    ) -> Iterator[Any]:
        """A blocking iterator over one subscription's ``data``; callbacks run in the
        iterating thread."""
        loop, manager = self._ensure()
        agen = manager.iterate(body, strategy, operation_name, None, None, hooks=False)
        return self._iterate(loop, agen, operation_name, on_ready, on_gap)

    @staticmethod
    def _iterate(
        loop: asyncio.AbstractEventLoop,
        agen: AsyncGenerator[Any, None],
        operation_name: str | None,
        on_ready: Callable[[], object] | None,
        on_gap: Callable[[SubscriptionGap], object] | None,
    ) -> Iterator[Any]:
        finished = False
        try:
            while True:
                if loop.is_closed() or not loop.is_running():
                    finished = True  # the client was closed: nothing more will come
                    return
                future = asyncio.run_coroutine_threadsafe(_next_item(agen), loop)
                try:
                    while True:
                        try:
                            item = future.result(timeout=_POLL)
                            break
                        except concurrent.futures.TimeoutError:
                            if not loop.is_running():  # stopped under us by close()
                                future.cancel()
                                item = _DONE
                                break
                except BaseException:
                    future.cancel()
                    raise
                if item is _DONE:
                    finished = True
                    return
                if item is READY or type(item) is SubscriptionGap:
                    result = deliver_signal(item, operation_name, on_ready, on_gap)
                    if inspect.isawaitable(result):
                        _refuse_awaitable(result, "on_ready" if item is READY else "on_gap")
                else:  # an event: a GraphQL data object, or any JSON value (Events)
                    yield item
        finally:
            if not finished and not loop.is_closed():
                with contextlib.suppress(Exception):
                    asyncio.run_coroutine_threadsafe(agen.aclose(), loop).result(10)

    def request(
        self, body: bytes, strategy: AuthStrategy, name: str | None, timeout: float
    ) -> Answer:
        """:meth:`RealtimeManager.request` from a blocking caller."""
        loop, manager = self._ensure()
        future = asyncio.run_coroutine_threadsafe(
            manager.request(body, strategy, name, timeout), loop
        )
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def close(self) -> None:
        """End every subscription and stop the thread (idempotent)."""
        with self._lock:
            loop, thread, manager = self._loop, self._thread, self._manager
            self._loop = self._thread = self._manager = None
        if loop is None or thread is None or manager is None:
            return
        if threading.current_thread() is thread:
            raise RuntimeError("close() called from the real-time thread itself")
        try:
            asyncio.run_coroutine_threadsafe(manager.aclose(), loop).result(30)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            self._delivery.close()
            thread.join(30)
