"""Every real-time connection of one async client: placement, upgrade, iteration.

The :class:`RealtimeManager` places each new subscription on a connection with room
(opening one when none has), opens WebSockets for its connections (errors never
quote the URL, which may carry auth), and runs each subscription's consumer loop
(:meth:`RealtimeManager.iterate`). It is protocol-agnostic: its
:class:`~._realtime_protocol.ProtocolSpec` (``graphql-ws`` by default) is handed to
every :class:`~._connection.Connection`. ``docs/architecture-realtime.md`` maps the
modules.

Users subscribe through the clients::

    async for data in client.execute_ws(SUBSCRIPTION, "OnNote", {"id": "1"},
                                        on_gap=catch_up):
        ...

    for data in sync_client.subscribe(SUBSCRIPTION, "OnNote", {"id": "1"}):
        ...

What happens underneath:

- **One connection per client** carries every subscription (AppSync multiplexes by
  ``id``). It opens lazily with the first subscription and closes when the last one
  ends; past ``max_subscriptions_per_connection`` (AppSync allows 100) a further
  connection opens. Subscriptions in different auth modes share a connection: each
  ``start`` carries its own strategy's headers, made fresh for that ``start``.
- **Liveness**: ``connection_ack`` and ``start_ack`` must come within their timeouts;
  a watchdog closes a connection that stays silent (no ``ka``, no anything) longer
  than the ``connectionTimeoutMs`` AppSync announced.
- **Self-healing**: a lost connection is reopened with capped, jittered exponential
  backoff, re-authenticated (fresh IAM signature, fresh token from a callable) and
  every subscription is started again. AppSync does not replay what was published
  meanwhile, so each resumed subscription reports a :class:`SubscriptionGap` to its
  ``on_gap`` callback (run where the consumer iterates, after the subscription is
  live again and before any later event is handed over): the place for a catch-up
  query. The gap opens when the last frame of any kind arrived on the lost
  connection and closes when the resumed subscription's ``start_ack`` arrived. An
  auth rejection on connect gets one retry with fresh credentials, then
  :class:`~appsync_runtime.errors.AppSyncAuthError`; a strategy that raises instead
  of producing headers (a token callable, an IAM credential provider) gives the same
  ``AppSyncAuthError`` as ``execute`` would, its exception as ``__cause__``.
- **Callbacks**: ``on_ready()`` runs once, when AppSync first acknowledged the
  subscription (``start_ack``): from then on nothing published is missed, so tests
  and apps can fire their mutation there. ``on_gap(gap)`` is described above. Both
  may be async on the async client; on the sync client they run in the iterating
  thread. An exception from either ends that subscription.
- **Buffering**: events wait in a per-subscription queue until the consumer takes
  them. AppSync cannot be slowed down, so the queue is bounded
  (``max_buffered_events``, ``max_buffered_bytes``): past a limit the oldest events
  are dropped and a :class:`SubscriptionGap` (``dropped`` set) takes their place, or,
  with ``overflow="fail"``, the subscription ends with
  :class:`AppSyncSubscriptionOverflowError` after the events it holds.
- **Errors**: an ``error`` frame for one subscription raises
  :class:`AppSyncSubscriptionError` from that subscription's iterator only; a
  connection-wide one (``connection_error``, an ``error`` without ``id``) ends every
  subscription on the connection. An event carrying GraphQL ``errors`` raises
  :class:`~appsync_runtime.errors.AppSyncGraphQLError`. Secrets (the connect URL and
  subprotocol carry auth headers) never reach logs, reprs or messages.

The sync client runs the same machinery on an event loop in one background thread
per client (:class:`~._thread_driver.RealtimeThread`), started lazily and stopped
by ``close()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import warnings
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import _seam
from ._auth import AuthStrategy
from ._connection import Answer, Connection
from ._connection_failures import AuthRejected, always
from ._endpoints import Endpoint, foreign_realtime_host, url_without_query
from ._graphql_ws import GRAPHQL_WS
from ._realtime_protocol import ProtocolSpec
from ._realtime_types import (
    AppSyncRealtimeHostWarning,
    ConnectionStateCallback,
    ConnectionStateChange,
    GapCallback,
    ReadyCallback,
    RealtimeOptions,
)
from ._response import AuthRejection, redact
from ._subscription import END, Dropped, Subscription, deliver_signal
from ._useragent import with_user_agent
from .errors import AppSyncConfigError, AppSyncNetworkError

if TYPE_CHECKING:
    import aiohttp

    from ._connection import WebSocket

__all__ = ["RealtimeManager"]

log = logging.getLogger("appsync_runtime.realtime")


class RealtimeManager:
    """Every real-time connection of one async client, bound to one event loop.

    Created lazily by the client; :meth:`aclose` ends every subscription (their
    iterators stop), closes the sockets and the aiohttp session, and leaves no task.
    ``protocol`` is the real-time protocol spoken (``graphql-ws`` by default).
    """

    def __init__(
        self,
        endpoint: Endpoint,
        options: RealtimeOptions | None = None,
        protocol: ProtocolSpec = GRAPHQL_WS,
        *,
        user_agent: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.user_agent = user_agent
        """Sent as ``User-Agent`` and ``x-amz-user-agent`` on each WebSocket upgrade."""
        self.options = options or RealtimeOptions()
        self.protocol = protocol
        """The real-time protocol every connection of this manager speaks."""
        self.where = url_without_query(endpoint.realtime_url)
        foreign = foreign_realtime_host(endpoint)
        if foreign is not None:
            # Once per host pair and process (the default warnings filter): before
            # any credentials go there. The host names only: no path, no query.
            warnings.warn(
                f"realtime_url host {foreign!r} is not the API's host "
                f"{urlsplit(endpoint.url).hostname!r}: subscription credentials are "
                "sent to it (fine for a proxy you run)",
                AppSyncRealtimeHostWarning,
                stacklevel=2,
            )
        self._connections: list[Connection] = []
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._side_tasks: set[asyncio.Task[None]] = set()
        self._counter = 0
        self._closed = False
        self.deliver_state: (
            Callable[[ConnectionStateCallback, ConnectionStateChange], None] | None
        ) = None
        """How ``on_connection_state`` is called (the blocking client's delivery
        thread); None: inline, in the event loop."""
        # a test's fake real-time endpoint (appsync_runtime.testing), for this
        # manager's whole life: its reconnects never reach the network
        self._fake = _seam.active

    def __repr__(self) -> str:
        return f"RealtimeManager({self.where!r}, connections={len(self._connections)})"

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop this manager lives in."""
        assert self._loop is not None
        return self._loop

    @property
    def connection_count(self) -> int:
        """Open (or reconnecting) connections."""
        return len(self._connections)

    def _bind(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._loop is not None and (self._connections or self._session is not None):
                if not self._loop.is_closed():
                    raise AppSyncConfigError(
                        "this client's subscriptions live in another event loop; "
                        "use one client per event loop"
                    )
                self._connections.clear()
                self._session = None
            self._loop = loop
        return loop

    def forget(self, conn: Connection) -> None:
        """Drop ``conn`` (its task ended)."""
        with contextlib.suppress(ValueError):
            self._connections.remove(conn)

    def _place(self, sub: Subscription) -> Connection:
        limit = self.options.max_subscriptions_per_connection
        for conn in self._connections:
            if not conn.closing and len(conn.subs) < limit:
                break
        else:
            self._counter += 1
            conn = Connection(self, self._counter)
            self._connections.append(conn)
            conn.task = self.loop.create_task(
                conn.run(), name=f"appsync-realtime-connection-{self._counter}"
            )
        conn.subs[sub.id] = sub
        sub.conn = conn
        return conn

    def _connection_for_request(self) -> Connection:
        """An open connection (any, whatever its subscriptions), else one opening,
        else a new one."""
        candidates = [conn for conn in self._connections if not conn.closing]
        for conn in candidates:
            if conn.ready:
                return conn
        if candidates:
            return candidates[0]
        self._counter += 1
        conn = Connection(self, self._counter)
        self._connections.append(conn)
        conn.task = self.loop.create_task(
            conn.run(), name=f"appsync-realtime-connection-{self._counter}"
        )
        return conn

    async def request(
        self, body: bytes, strategy: AuthStrategy, name: str | None, timeout: float
    ) -> Answer:
        """Send one request (an Events ``publish`` whose signed body is ``body``) on a
        connection of this manager, opening one if none is, and return its answer:
        a :class:`~._realtime_protocol.RequestDone` or
        :class:`~._realtime_protocol.RequestFailed`. Failures to connect raise as
        they would end a subscription; a connection lost after the request was sent
        raises :class:`AppSyncNetworkError` with ``sent`` True (never resent)."""
        self._bind()
        if self._closed:
            raise AppSyncNetworkError("the client is closed", sent=False, operation_name=name)
        conn = self._connection_for_request()
        conn.holds += 1
        return await conn.request(body, strategy, name, timeout)

    def send_soon(self, conn: Connection, frame: str) -> None:
        """Send ``frame`` on ``conn`` from a tracked background task."""

        async def send() -> None:
            ws = conn.ws
            if ws is not None and not ws.closed:
                with contextlib.suppress(Exception):
                    await ws.send_str(frame)

        task = self.loop.create_task(send())
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    def notify_state(self, change: ConnectionStateChange) -> None:
        """Hand ``change`` to the options' ``on_connection_state``."""
        callback = self.options.on_connection_state
        if callback is None:
            return
        deliver = self.deliver_state
        if deliver is not None:
            deliver(callback, change)
            return
        try:
            callback(change)
        except Exception:
            log.warning("on_connection_state raised; ignored", exc_info=True)

    def _session_for_upgrade(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def upgrade(self, url: str, protocols: tuple[str, ...], headers: Any) -> WebSocket:
        """Open the WebSocket. Errors never quote the URL (it may carry auth)."""
        if self.user_agent is not None:
            headers = with_user_agent(dict(headers or {}), self.user_agent)
        if self._fake is not None:
            return await self._fake.open_websocket(url, protocols, headers)
        import aiohttp
        from yarl import URL

        session = self._session_for_upgrade()
        options = self.options
        # aiohttp declares ClientWSTimeout through a decorator pyright cannot follow
        ws_timeout = aiohttp.ClientWSTimeout(
            ws_receive=None,  # pyright: ignore[reportCallIssue]
            ws_close=options.close_timeout,  # pyright: ignore[reportCallIssue]
        )
        # Errors are built inside the except blocks but raised outside them, so they
        # carry no __context__: aiohttp's exceptions quote the URL and its auth.
        error: Exception
        try:
            connecting: Awaitable[WebSocket] = session.ws_connect(
                URL(url, encoded=True),
                protocols=protocols,
                headers=headers or None,
                timeout=ws_timeout,
                autoping=True,
            )
            return await asyncio.wait_for(connecting, options.connect_timeout)
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status in (401, 403):
                error = AuthRejected(
                    AuthRejection(status=exc.status, error_type=None, message="", headers={}),
                    exc.status,
                    f"HTTP {exc.status} on the WebSocket upgrade",
                )
            else:
                error = AppSyncNetworkError(
                    f"real-time upgrade refused by {self.where}: HTTP {exc.status}", sent=False
                )
        except asyncio.TimeoutError:
            error = AppSyncNetworkError(f"real-time connect to {self.where} timed out", sent=False)
        except aiohttp.ClientConnectorError as exc:
            error = AppSyncNetworkError(
                f"cannot connect to {self.where}: {redact(str(exc.os_error))}", sent=False
            )
        except (aiohttp.ClientError, OSError) as exc:
            error = AppSyncNetworkError(
                f"real-time connect to {self.where} failed: {type(exc).__name__}", sent=False
            )
        raise error

    async def iterate(
        self,
        body: bytes,
        strategy: AuthStrategy,
        operation_name: str | None,
        on_ready: ReadyCallback | None,
        on_gap: GapCallback | None,
        hooks: bool,
    ) -> AsyncGenerator[Any, None]:
        """One subscription's items: its events' data dicts. With ``hooks`` the ready
        marker and gaps go to ``on_ready``/``on_gap`` (awaited when async) through
        :func:`~._subscription.deliver_signal`; without, they are yielded too, for the
        sync client's thread driver to deliver the same way in its own thread."""
        loop = self._bind()
        if self._closed:
            return
        sub = Subscription(body, strategy, operation_name, loop, self.options)
        conn = self._place(sub)
        try:
            if conn.ready:
                await conn.start(sub)
            items = sub.items
            while True:
                if not items:
                    await sub.wait()
                    continue
                item = items.popleft()
                if item.__class__ is tuple:  # an event (no narrowing: item stays Any)
                    event, size, _ = item
                    sub.count -= 1
                    sub.nbytes -= size
                    yield event
                    continue
                if item is END:
                    return
                if isinstance(item, BaseException):
                    raise item
                if type(item) is Dropped:
                    item = sub.gap_for(item)
                # the ready marker or a gap
                if not hooks:
                    yield item
                    continue
                result = deliver_signal(item, operation_name, on_ready, on_gap)
                if inspect.isawaitable(result):
                    await result
        finally:
            current = sub.conn
            if current is not None:
                await current.stop(sub)

    async def aclose(self) -> None:
        """End every subscription, close every connection and the session."""
        self._closed = True
        conns = list(self._connections)
        for conn in conns:
            conn.fail_all(always(END))
            conn.shutdown("the client closed")
        tasks = [conn.task for conn in conns if conn.task is not None]
        tasks.extend(self._side_tasks)
        for task in self._side_tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._connections.clear()
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()
