"""Real-time subscriptions: the driver around :mod:`~appsync_runtime.realtime_protocol`.

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
  query. An auth rejection on connect gets one retry with fresh credentials, then
  :class:`~appsync_runtime.errors.AppSyncAuthError`.
- **Callbacks**: ``on_ready()`` runs once, when AppSync first acknowledged the
  subscription (``start_ack``): from then on nothing published is missed, so tests
  and apps can fire their mutation there. ``on_gap(gap)`` is described above. Both
  may be async on the async client; on the sync client they run in the iterating
  thread. An exception from either ends that subscription.
- **Buffering**: events wait in a per-subscription queue until the consumer takes
  them; AppSync cannot be slowed down, so a consumer that never iterates grows it.
- **Errors**: an ``error`` frame for one subscription raises
  :class:`AppSyncSubscriptionError` from that subscription's iterator only; a
  connection-wide one (``connection_error``, an ``error`` without ``id``) ends every
  subscription on the connection. An event carrying GraphQL ``errors`` raises
  :class:`~appsync_runtime.errors.AppSyncGraphQLError`. Secrets (the connect URL and
  subprotocol carry auth headers) never reach logs, reprs or messages.

The sync client runs the same machinery on an event loop in one background thread
per client (:class:`RealtimeThread`), started lazily and stopped by ``close()``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import inspect
import json
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from ._auth import AuthStrategy
from ._endpoints import Endpoint
from ._endpoints import url_without_query as _safe_url
from ._redaction import MAX_MESSAGE, Scrubber, secret_header_values
from ._response import AuthRejection, classify_auth_failure, redact
from .errors import (
    AppSyncAuthError,
    AppSyncConfigError,
    AppSyncError,
    AppSyncGraphQLError,
    AppSyncNetworkError,
    GraphQLErrorEntry,
)
from .realtime_protocol import (
    DEFAULT_KEEPALIVE_TIMEOUT,
    Complete,
    ConnectForm,
    ConnectionAck,
    ConnectionFailed,
    Data,
    DataWithErrors,
    Event,
    KeepAlive,
    KeepAliveTimeout,
    RealtimeProtocol,
    StartAck,
    StartAckTimeout,
    SubscriptionFailed,
    authorization_payload,
    backoff_delay,
    connect_auth_request,
    connect_target,
    start_auth_request,
)

if TYPE_CHECKING:
    import aiohttp

    _WebSocket = aiohttp.ClientWebSocketResponse[bool]

__all__ = [
    "AppSyncSubscriptionError",
    "GapCallback",
    "ReadyCallback",
    "RealtimeManager",
    "RealtimeOptions",
    "RealtimeThread",
    "SubscriptionGap",
]

log = logging.getLogger("appsync_runtime.realtime")
_MAX_SECRETS = 64  # auth values of recent connects and starts kept per connection


class AppSyncSubscriptionError(AppSyncGraphQLError):
    """An ``error`` frame ended a subscription.

    ``connection_wide`` is False for an error about this subscription alone (its
    ``subscription_id`` is set; the connection and the other subscriptions go on), and
    True for a ``connection_error`` or an ``error`` without ``id``, which ends every
    subscription on the connection. ``error_code`` is AppSync's ``errorCode`` if any.
    """

    def __init__(
        self,
        errors: Sequence[GraphQLErrorEntry],
        *,
        subscription_id: str | None = None,
        connection_wide: bool = False,
        error_code: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(errors, **kwargs)
        self.subscription_id = subscription_id
        self.connection_wide = connection_wide
        self.error_code = error_code


@dataclass(frozen=True)
class SubscriptionGap:
    """A subscription was interrupted and is live again: events published between
    ``disconnected_at`` and ``resumed_at`` (wall-clock seconds, ``time.time()``) were
    lost. Run a catch-up query for that window."""

    subscription_id: str
    operation_name: str | None
    disconnected_at: float
    resumed_at: float
    reason: str
    """Why the connection was lost (no secrets), e.g. "no keep-alive within 0.3 s"."""

    @property
    def duration(self) -> float:
        """Seconds the subscription was not live."""
        return max(0.0, self.resumed_at - self.disconnected_at)


GapCallback = Callable[[SubscriptionGap], "Awaitable[None] | None"]
"""``on_gap``: called with each :class:`SubscriptionGap` (awaited when async)."""
ReadyCallback = Callable[[], "Awaitable[None] | None"]
"""``on_ready``: called once, when AppSync first acknowledged the subscription."""


@dataclass(frozen=True)
class RealtimeOptions:
    """Real-time settings of a client (``AppSyncClient(..., realtime=RealtimeOptions())``).

    - ``connect_form``: how connect auth travels (see
      :data:`~appsync_runtime.realtime_protocol.ConnectForm`). The default ``auto``
      sends the ``header-`` subprotocol, as amplify-js does since 2024: credentials
      then stay out of the URL, which proxies and load balancers log, and a long IAM
      header set never meets URL length limits. Loopback hosts get the legacy query
      form instead, the only one the Amplify AppSync simulator reads.
    - ``max_subscriptions_per_connection``: AppSync's limit is 100.
    - ``connect_timeout``, ``ack_timeout``, ``start_ack_timeout``, ``close_timeout``:
      seconds for the upgrade, ``connection_ack``, each ``start_ack`` and the closing
      handshake. ``default_keepalive_timeout`` applies when the ack names none.
    - ``backoff_initial``, ``backoff_max``: reconnect delays (full jitter, doubling).
    - ``connect_attempts``: attempts before a connection that never opened fails its
      subscriptions; ``max_reconnect_attempts``: consecutive failed attempts after a
      connection had opened (None: keep trying).
    """

    connect_form: ConnectForm = "auto"
    max_subscriptions_per_connection: int = 100
    connect_timeout: float = 10.0
    ack_timeout: float = 15.0
    start_ack_timeout: float = 15.0
    close_timeout: float = 2.0
    default_keepalive_timeout: float = DEFAULT_KEEPALIVE_TIMEOUT
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    connect_attempts: int = 3
    max_reconnect_attempts: int | None = None

    def __post_init__(self) -> None:
        if self.connect_form not in ("auto", "subprotocol", "query", "headers"):
            raise AppSyncConfigError(
                "connect_form must be 'auto', 'subprotocol', 'query' or 'headers'"
            )
        for name in (
            "connect_timeout",
            "ack_timeout",
            "start_ack_timeout",
            "close_timeout",
            "default_keepalive_timeout",
            "backoff_max",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise AppSyncConfigError(f"{name} must be a positive number of seconds")
        if not isinstance(self.backoff_initial, (int, float)) or self.backoff_initial < 0:
            raise AppSyncConfigError("backoff_initial must be a number of seconds >= 0")
        for name in ("max_subscriptions_per_connection", "connect_attempts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise AppSyncConfigError(f"{name} must be an integer >= 1")
        limit = self.max_reconnect_attempts
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise AppSyncConfigError("max_reconnect_attempts must be an integer or None")
        if limit is not None and limit < 1:
            raise AppSyncConfigError("max_reconnect_attempts must be >= 1 (or None)")


# --------------------------------------------------------------------------- subscription


class _Signal:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


_READY: Final = _Signal("ready")
_END: Final = _Signal("end")


@dataclass
class _GapStart:
    at: float
    reason: str


class _Subscription:
    """One logical subscription: outlives connections, feeds one consumer."""

    __slots__ = (
        "acked",
        "conn",
        "data",
        "gap",
        "id",
        "items",
        "loop",
        "operation_name",
        "strategy",
        "waiter",
    )

    def __init__(
        self,
        data: str,
        strategy: AuthStrategy,
        operation_name: str | None,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        import uuid  # here, not at import time: uuid pulls in platform (~10 ms)

        self.id = str(uuid.uuid4())
        self.data = data
        self.strategy = strategy
        self.operation_name = operation_name
        self.loop = loop
        self.items: deque[Any] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.conn: _Connection | None = None
        self.acked = False
        self.gap: _GapStart | None = None

    def push(self, item: object) -> None:
        self.items.append(item)
        waiter = self.waiter
        if waiter is not None:
            self.waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def wait(self) -> None:
        waiter = self.loop.create_future()
        self.waiter = waiter
        try:
            await waiter
        finally:
            self.waiter = None


class _AuthRejected(Exception):
    """Connect auth was refused: the runner retries once, then fails."""

    def __init__(self, rejection: AuthRejection, status: int | None, detail: str) -> None:
        super().__init__(detail)
        self.rejection = rejection
        self.status = status
        self.detail = detail

    def error(self, operation_name: str | None) -> AppSyncAuthError:
        rejection = self.rejection
        reason = classify_auth_failure(rejection.status, rejection.error_type, rejection.message)
        return AppSyncAuthError(
            f"real-time connection refused: {self.detail}",
            status=self.status,
            error_type=rejection.error_type,
            reason=reason,
            operation_name=operation_name,
        )


@dataclass
class _Lost:
    reason: str
    fatal: ConnectionFailed | None = None
    auth: _AuthRejected | None = None


def _may_retry_auth(strategy: AuthStrategy, rejection: AuthRejection) -> bool:
    """One retry with fresh headers: always for a strategy with no opinion (calling it
    again is its refresh: a token callable is called anew), else as it says."""
    if type(strategy).should_retry is AuthStrategy.should_retry:
        return True
    try:
        return bool(strategy.should_retry(rejection))
    except Exception:  # a strategy's bug must not hide the rejection itself
        log.debug("should_retry raised", exc_info=True)
        return False


def _describe_failure(event: ConnectionFailed) -> str:
    first = event.errors[0] if event.errors else None
    parts: list[str] = [event.kind]
    if event.error_code is not None:
        parts.append(str(event.error_code))
    if first is not None:
        parts.append(f"{first.error_type}: {first.message}" if first.error_type else first.message)
    return " ".join(parts)


def _always(item: object) -> Callable[[str | None], object]:
    return lambda operation_name: item


def _network_error(message: str, attempts: int, operation_name: str | None) -> object:
    return AppSyncNetworkError(
        message, sent=False, attempts=attempts, operation_name=operation_name
    )


async def _call_hook(hook: Callable[..., Any], *args: Any) -> None:
    result = hook(*args)
    if inspect.isawaitable(result):
        await result


# --------------------------------------------------------------------------- connection


class _Connection:
    """One WebSocket (and its successors after reconnects) carrying up to
    ``max_subscriptions_per_connection`` subscriptions."""

    def __init__(self, manager: RealtimeManager, number: int) -> None:
        self.manager = manager
        self.number = number
        self.loop = manager.loop
        self.subs: dict[str, _Subscription] = {}
        self.ws: _WebSocket | None = None
        self.proto: RealtimeProtocol | None = None
        self.ready = False
        self.closing = False
        self.task: asyncio.Task[None] | None = None
        self._lost: asyncio.Future[_Lost] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._secrets: dict[str, None] = {}  # of the connect's and the starts' headers
        self._scrubber: Scrubber | None = None

    def __repr__(self) -> str:
        return (
            f"<realtime connection #{self.number} to {self.manager.where}: {len(self.subs)} subs>"
        )

    # ---- secrets

    def _remember(self, headers: Mapping[str, str], strategy: AuthStrategy) -> None:
        """Keep the secrets of a connect's or a start's auth, to scrub them from what
        the server sends back (the most recent _MAX_SECRETS of them)."""
        try:
            values = [*secret_header_values(headers), *strategy.secret_values()]
        except Exception:  # a strategy's bug must not stop the connection
            values = secret_header_values(headers)
        secrets = self._secrets
        for value in values:
            if value not in secrets:
                secrets[value] = None
                self._scrubber = None
        while len(secrets) > _MAX_SECRETS:
            del secrets[next(iter(secrets))]

    @property
    def scrubber(self) -> Scrubber:
        """Scrubs this connection's secrets (and anything secret-looking)."""
        scrubber = self._scrubber
        if scrubber is None:
            scrubber = self._scrubber = Scrubber(tuple(self._secrets))
        return scrubber

    def _clean(self, event: ConnectionFailed) -> ConnectionFailed:
        """``event`` with its error entries scrubbed of this connection's secrets."""
        scrubber = self.scrubber
        entries = tuple(scrubber.entry(entry) for entry in event.errors)
        kind: Literal["connection_error", "error"] = (
            "error" if event.kind == "error" else "connection_error"
        )
        return ConnectionFailed(kind, entries, event.error_code)

    def _log_event(self, where: str, event: Event) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%r: %s%s", self, where, self.scrubber.text(repr(event), MAX_MESSAGE))

    # ---- lifecycle

    def shutdown(self) -> None:
        """Close this connection soon (no subscriptions left, or the client closes)."""
        self.closing = True
        task = self.task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()

    def fail_all(self, make: Callable[[str | None], object]) -> None:
        """End every subscription here with ``make(operation_name)`` (an exception,
        made per subscription, or _END)."""
        subs = list(self.subs.values())
        self.subs.clear()
        for sub in subs:
            sub.conn = None
            sub.push(make(sub.operation_name))

    def _end(self, sub: _Subscription, item: object) -> None:
        """The server ended ``sub``: hand ``item`` to its consumer, forget it here."""
        if self.subs.pop(sub.id, None) is not None:
            sub.conn = None
        sub.push(item)
        if not self.subs:
            self.shutdown()

    async def run(self) -> None:
        """Connect, serve, reconnect with backoff until no subscription is left."""
        options = self.manager.options
        failures = 0
        ever_open = False
        auth_retried = False
        lost: _Lost | None = None
        lost_at = 0.0
        try:
            while self.subs and not self.closing:
                strategy = next(iter(self.subs.values())).strategy
                try:
                    await self._open(strategy)
                except _AuthRejected as rejected:
                    if not auth_retried and _may_retry_auth(strategy, rejected.rejection):
                        auth_retried = True
                        log.info(
                            "%r: connect auth refused (%s); retrying once with fresh credentials",
                            self,
                            rejected.detail,
                        )
                        continue
                    self.fail_all(rejected.error)
                    return
                except AppSyncNetworkError as exc:
                    failures += 1
                    limit = (
                        options.max_reconnect_attempts if ever_open else options.connect_attempts
                    )
                    if limit is not None and failures >= limit:
                        log.warning("%r: giving up after %d attempts: %s", self, failures, exc)
                        self.fail_all(functools.partial(_network_error, exc.message, failures))
                        return
                    delay = backoff_delay(
                        failures, initial=options.backoff_initial, maximum=options.backoff_max
                    )
                    log.warning(
                        "%r: connect failed (%s); attempt %d again in %.2f s",
                        self,
                        exc,
                        failures + 1,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                except _ConnectionFailedError as exc:
                    self.fail_all(exc.for_subscription)
                    return
                except AppSyncError as exc:  # the strategy could not produce headers
                    self._remember({}, strategy)
                    self.fail_all(_always(self.scrubber.error(exc)))
                    return
                except Exception as exc:  # a user's token callable raised: deliver as is
                    self.fail_all(_always(exc))
                    return
                failures = 0
                auth_retried = False
                if ever_open and lost is not None:
                    for sub in self.subs.values():
                        if sub.acked and sub.gap is None:
                            sub.gap = _GapStart(lost_at, lost.reason)
                ever_open = True
                lost = await self._serve()
                lost_at = time.time()
                if lost.fatal is not None:
                    self.fail_all(_ConnectionFailedError(lost.fatal).for_subscription)
                    return
                if not self.subs or self.closing:
                    return
                if lost.auth is not None:
                    # e.g. an expired token: reconnect now with fresh credentials, once
                    refused = lost.auth
                    if _may_retry_auth(strategy, refused.rejection):
                        auth_retried = True
                        log.info("%r: %s; reconnecting with fresh credentials", self, lost.reason)
                        continue
                    self.fail_all(refused.error)
                    return
                failures = 1
                delay = backoff_delay(
                    1, initial=options.backoff_initial, maximum=options.backoff_max
                )
                log.warning(
                    "%r: connection lost (%s); reconnecting in %.2f s", self, lost.reason, delay
                )
                await asyncio.sleep(delay)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must not leave consumers hanging
            log.exception("%r: unexpected failure", self)
            self.fail_all(_always(exc))
        finally:
            self.ready = False
            self._disarm()
            await self._close_socket()
            self.manager._forget(self)
            if self.subs:  # cancelled while subscriptions remained: the client is closing
                self.fail_all(_always(_END))

    # ---- connect

    async def _open(self, strategy: AuthStrategy) -> None:
        manager = self.manager
        endpoint = manager.endpoint
        request = connect_auth_request(endpoint.url, endpoint.host, endpoint.region)
        headers = await strategy.async_auth_headers(request)
        self._remember(headers, strategy)
        auth = authorization_payload(request, strategy.mode, headers)
        target = connect_target(endpoint.realtime_url, auth, manager.options.connect_form)
        ws = await manager.upgrade(target.url, target.protocols, target.headers)
        self.ws = ws
        try:
            await self._handshake(ws)
        except BaseException:
            await self._close_socket()
            raise

    async def _handshake(self, ws: _WebSocket) -> None:
        import aiohttp

        options = self.manager.options
        loop = self.loop
        proto = RealtimeProtocol(
            ack_timeout=options.ack_timeout,
            start_ack_timeout=options.start_ack_timeout,
            default_keepalive_timeout=options.default_keepalive_timeout,
        )
        self.proto = proto
        try:
            await ws.send_str(proto.connection_init(loop.time()))
        except (aiohttp.ClientError, OSError, RuntimeError) as exc:
            raise AppSyncNetworkError(f"real-time connection lost: {type(exc).__name__}") from None
        while True:
            deadline = proto.next_deadline()
            remaining = (deadline if deadline is not None else loop.time()) - loop.time()
            if remaining <= 0:
                if proto.check_timeouts(loop.time()):
                    raise AppSyncNetworkError(
                        f"no connection_ack within {options.ack_timeout:g} s", sent=False
                    )
                remaining = 0.001
            try:
                msg = await asyncio.wait_for(ws.receive(), remaining)
            except asyncio.TimeoutError:
                continue
            if msg.type is aiohttp.WSMsgType.TEXT or msg.type is aiohttp.WSMsgType.BINARY:
                event = proto.receive(msg.data, loop.time())
                if type(event) is ConnectionAck:
                    log.debug("%r: acknowledged, keep-alive %.1f s", self, event.keepalive_timeout)
                    return
                if isinstance(event, ConnectionFailed):
                    event = self._clean(event)
                    if event.is_auth_failure:
                        raise _AuthRejected(
                            AuthRejection(
                                status=event.error_code if event.error_code in (401, 403) else 401,
                                error_type=event.error_type,
                                message=event.errors[0].message if event.errors else "",
                                headers={},
                            ),
                            event.error_code,
                            _describe_failure(event),
                        )
                    raise _ConnectionFailedError(event)
                self._log_event("before connection_ack: ", event)
                continue
            if msg.type is aiohttp.WSMsgType.ERROR:
                raise AppSyncNetworkError(
                    f"real-time connection failed before connection_ack: {type(msg.data).__name__}",
                    sent=False,
                )
            code = ws.close_code
            if code == 1002 or (code is not None and 4400 <= code < 4500):
                # The simulator closes with 1002 on bad connect auth, without a frame.
                raise _AuthRejected(
                    AuthRejection(status=401, error_type=None, message="", headers={}),
                    None,
                    f"closed with code {code} before connection_ack",
                )
            raise AppSyncNetworkError(
                f"real-time connection closed before connection_ack (code {code})", sent=False
            )

    # ---- serving

    async def _serve(self) -> _Lost:
        ws, proto = self.ws, self.proto
        assert ws is not None and proto is not None
        lost: asyncio.Future[_Lost] = self.loop.create_future()
        self._lost = lost
        reader = self.loop.create_task(
            self._read(ws, proto), name=f"appsync-realtime-read-{self.number}"
        )
        self.ready = True
        self._arm()
        try:
            for sub in list(self.subs.values()):
                if lost.done():
                    break
                await self.start(sub)
            if self.closing or not self.subs:  # every start failed: nothing to serve
                return _Lost("no subscriptions left")
            return await lost
        finally:
            self.ready = False
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            self._disarm()
            proto.connection_lost()
            await self._close_socket()

    def _lose(self, lost: _Lost) -> None:
        future = self._lost
        if future is not None and not future.done():
            future.set_result(lost)

    async def start(self, sub: _Subscription) -> None:
        """Send ``sub``'s ``start`` (fresh auth headers) if it is not running here."""
        ws, proto = self.ws, self.proto
        if ws is None or proto is None or not self.ready or proto.knows(sub.id):
            return
        endpoint = self.manager.endpoint
        request = start_auth_request(endpoint.url, endpoint.host, endpoint.region, sub.data)
        try:
            headers = await sub.strategy.async_auth_headers(request)
        except Exception as exc:
            if isinstance(exc, AppSyncError):
                self._remember({}, sub.strategy)
                self.scrubber.error(exc)
            self._end(sub, exc)
            return
        self._remember(headers, sub.strategy)
        # The await above let the world move: check again before registering.
        if self.proto is not proto or not self.ready or proto.knows(sub.id):
            return
        if self.subs.get(sub.id) is not sub:
            return
        frame = proto.start(
            sub.id,
            sub.data,
            authorization_payload(request, sub.strategy.mode, headers),
            self.loop.time(),
        )
        self._arm()
        try:
            await ws.send_str(frame)
        except Exception as exc:
            self._lose(_Lost(f"send failed: {type(exc).__name__}"))

    async def stop(self, sub: _Subscription) -> None:
        """Forget ``sub`` here and tell AppSync; close when it was the last one."""
        if self.subs.pop(sub.id, None) is not None:
            sub.conn = None
        proto, ws = self.proto, self.ws
        if proto is not None and ws is not None and self.ready:
            frame = proto.stop(sub.id)
            if frame is not None:
                try:
                    await ws.send_str(frame)
                except Exception as exc:
                    log.debug("%r: stop not sent: %s", self, type(exc).__name__)
        elif proto is not None:
            proto.forget(sub.id)
        if not self.subs:
            self.shutdown()

    async def _read(self, ws: _WebSocket, proto: RealtimeProtocol) -> None:
        import aiohttp

        text, binary = aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY
        receive = ws.receive
        now = self.loop.time
        subs = self.subs
        handle = self._handle
        try:
            while True:
                msg = await receive()
                kind = msg.type
                if kind is text or kind is binary:
                    event = proto.receive(msg.data, now())
                    if type(event) is Data:  # the hot path
                        sub = subs.get(event.id)
                        if sub is not None:
                            sub.push(event.data)
                        continue
                    handle(event)
                    continue
                if kind is aiohttp.WSMsgType.ERROR:
                    self._lose(_Lost(f"connection error: {type(msg.data).__name__}"))
                else:
                    self._lose(_Lost(f"closed by the server (code {ws.close_code})"))
                return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._lose(_Lost(f"receive failed: {type(exc).__name__}"))

    def _handle(self, event: Event) -> None:
        kind = type(event)
        if kind is KeepAlive:
            return
        if kind is StartAck:
            assert isinstance(event, StartAck)
            sub = self.subs.get(event.id)
            if sub is None:
                return
            if sub.gap is not None:
                gap = sub.gap
                sub.gap = None
                sub.push(
                    SubscriptionGap(sub.id, sub.operation_name, gap.at, time.time(), gap.reason)
                )
            elif not sub.acked:
                sub.push(_READY)
            sub.acked = True
            return
        if kind is Complete:
            assert isinstance(event, Complete)
            sub = self.subs.get(event.id)
            if sub is not None:
                self._end(sub, _END)
            return
        if kind is SubscriptionFailed:
            assert isinstance(event, SubscriptionFailed)
            sub = self.subs.get(event.id)
            if sub is not None:
                self._end(
                    sub,
                    self.scrubber.error(
                        AppSyncSubscriptionError(
                            event.errors,
                            data=event.data,
                            subscription_id=sub.id,
                            operation_name=sub.operation_name,
                        )
                    ),
                )
            return
        if kind is DataWithErrors:
            assert isinstance(event, DataWithErrors)
            sub = self.subs.get(event.id)
            if sub is not None:  # the consumer raises; its cleanup sends the stop
                sub.push(
                    self.scrubber.error(
                        AppSyncGraphQLError(
                            event.errors, data=event.data, operation_name=sub.operation_name
                        )
                    )
                )
            return
        if isinstance(event, ConnectionFailed):
            event = self._clean(event)
            if event.is_auth_failure:
                rejected = _AuthRejected(
                    AuthRejection(
                        status=event.error_code if event.error_code in (401, 403) else 401,
                        error_type=event.error_type,
                        message=event.errors[0].message if event.errors else "",
                        headers={},
                    ),
                    event.error_code,
                    _describe_failure(event),
                )
                self._lose(_Lost(_describe_failure(event), auth=rejected))
            else:
                self._lose(_Lost(_describe_failure(event), fatal=event))
            return
        self._log_event("", event)

    # ---- watchdog

    def _arm(self) -> None:
        proto = self.proto
        deadline = proto.next_deadline() if proto is not None else None
        if deadline is None:
            self._disarm()
            return
        # call_at may fire up to a clock tick early: aim just past the deadline
        deadline += 0.001
        if self._timer is not None:
            if self._timer_at <= deadline:
                return  # fires sooner and re-arms itself
            self._timer.cancel()
        self._timer = self.loop.call_at(deadline, self._on_timer)
        self._timer_at = deadline

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        proto = self.proto
        if proto is None or not self.ready:
            return
        for event in proto.check_timeouts(self.loop.time()):
            if type(event) is KeepAliveTimeout:
                timeout = proto.keepalive_timeout or 0.0
                self._lose(_Lost(f"no keep-alive within {timeout:g} s"))
                return
            if isinstance(event, StartAckTimeout):
                sub = self.subs.get(event.id)
                if sub is not None:
                    self._end(
                        sub,
                        AppSyncNetworkError(
                            f"no start_ack within {self.manager.options.start_ack_timeout:g} s",
                            operation_name=sub.operation_name,
                        ),
                    )
                self.manager.send_soon(self, json.dumps({"type": "stop", "id": event.id}))
        self._arm()

    async def _close_socket(self) -> None:
        ws = self.ws
        self.ws = None
        if ws is not None and not ws.closed:
            try:
                await ws.close()
            except Exception:
                log.debug("%r: close failed", self, exc_info=True)


class _ConnectionFailedError(Exception):
    """Internal: a non-auth ``connection_error`` (or id-less ``error``) while
    connecting."""

    def __init__(self, event: ConnectionFailed) -> None:
        super().__init__(event.kind)
        self.event = event

    def for_subscription(self, operation_name: str | None) -> AppSyncSubscriptionError:
        event = self.event
        return AppSyncSubscriptionError(
            event.errors,
            connection_wide=True,
            error_code=event.error_code,
            operation_name=operation_name,
        )


# --------------------------------------------------------------------------- manager


class RealtimeManager:
    """Every real-time connection of one async client, bound to one event loop.

    Created lazily by the client; :meth:`aclose` ends every subscription (their
    iterators stop), closes the sockets and the aiohttp session, and leaves no task.
    """

    def __init__(self, endpoint: Endpoint, options: RealtimeOptions | None = None) -> None:
        self.endpoint = endpoint
        self.options = options or RealtimeOptions()
        self.where = _safe_url(endpoint.realtime_url)
        self._connections: list[_Connection] = []
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._side_tasks: set[asyncio.Task[None]] = set()
        self._counter = 0
        self._closed = False

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

    def _forget(self, conn: _Connection) -> None:
        with contextlib.suppress(ValueError):
            self._connections.remove(conn)

    def _place(self, sub: _Subscription) -> _Connection:
        limit = self.options.max_subscriptions_per_connection
        for conn in self._connections:
            if not conn.closing and len(conn.subs) < limit:
                break
        else:
            self._counter += 1
            conn = _Connection(self, self._counter)
            self._connections.append(conn)
            conn.task = self.loop.create_task(
                conn.run(), name=f"appsync-realtime-connection-{self._counter}"
            )
        conn.subs[sub.id] = sub
        sub.conn = conn
        return conn

    def send_soon(self, conn: _Connection, frame: str) -> None:
        """Send ``frame`` on ``conn`` from a tracked background task."""

        async def send() -> None:
            ws = conn.ws
            if ws is not None and not ws.closed:
                with contextlib.suppress(Exception):
                    await ws.send_str(frame)

        task = self.loop.create_task(send())
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    def _session_for_upgrade(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def upgrade(self, url: str, protocols: tuple[str, ...], headers: Any) -> _WebSocket:
        """Open the WebSocket. Errors never quote the URL (it may carry auth)."""
        import aiohttp
        from yarl import URL

        session = self._session_for_upgrade()
        options = self.options
        ws_timeout = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=options.close_timeout)
        # Errors are built inside the except blocks but raised outside them, so they
        # carry no __context__: aiohttp's exceptions quote the URL and its auth.
        error: Exception
        try:
            connecting: Awaitable[_WebSocket] = session.ws_connect(
                URL(url, encoded=True),
                protocols=protocols,
                headers=headers or None,
                timeout=ws_timeout,
                autoping=True,
            )
            return await asyncio.wait_for(connecting, options.connect_timeout)
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status in (401, 403):
                error = _AuthRejected(
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
        data: str,
        strategy: AuthStrategy,
        operation_name: str | None,
        on_ready: ReadyCallback | None,
        on_gap: GapCallback | None,
        hooks: bool,
    ) -> AsyncGenerator[Any, None]:
        """One subscription's items: data dicts, plus the ready marker and gaps as
        objects when ``hooks`` is False (the sync wrapper calls them in its thread)."""
        loop = self._bind()
        if self._closed:
            return
        sub = _Subscription(data, strategy, operation_name, loop)
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
                if type(item) is dict:
                    yield item
                    continue
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                if item is _READY:
                    if not hooks:
                        yield item
                    elif on_ready is not None:
                        await _call_hook(on_ready)
                    continue
                if isinstance(item, SubscriptionGap):
                    if not hooks:
                        yield item
                    elif on_gap is not None:
                        await _call_hook(on_gap, item)
                    else:
                        log.warning(
                            "subscription %s resumed after %.1f s without events (%s); "
                            "pass on_gap= to catch up",
                            operation_name or sub.id,
                            item.duration,
                            item.reason,
                        )
        finally:
            current = sub.conn
            if current is not None:
                await current.stop(sub)

    async def aclose(self) -> None:
        """End every subscription, close every connection and the session."""
        self._closed = True
        conns = list(self._connections)
        for conn in conns:
            conn.fail_all(_always(_END))
            conn.shutdown()
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


# --------------------------------------------------------------------------- sync


_DONE: Final = _Signal("done")
_POLL: Final = 1.0  # seconds between checks that the loop thread still runs


async def _next_item(agen: AsyncGenerator[Any, None]) -> Any:
    try:
        return await agen.__anext__()
    except StopAsyncIteration:
        return _DONE


class RealtimeThread:
    """Real-time for a sync client: a :class:`RealtimeManager` on an event loop in one
    daemon thread, started with the first subscription and stopped by :meth:`close`."""

    def __init__(self, endpoint: Endpoint, options: RealtimeOptions | None = None) -> None:
        self._endpoint = endpoint
        self._options = options or RealtimeOptions()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._manager: RealtimeManager | None = None

    def _ensure(self) -> tuple[asyncio.AbstractEventLoop, RealtimeManager]:
        with self._lock:
            if self._loop is None or self._manager is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=self._run, args=(loop,), name="appsync-realtime", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
                self._manager = RealtimeManager(self._endpoint, self._options)
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
        data: str,
        strategy: AuthStrategy,
        operation_name: str | None,
        on_ready: Callable[[], object] | None,
        on_gap: Callable[[SubscriptionGap], object] | None,
    ) -> Iterator[dict[str, Any]]:
        """A blocking iterator over one subscription's ``data``; callbacks run in the
        iterating thread."""
        loop, manager = self._ensure()
        agen = manager.iterate(data, strategy, operation_name, None, None, hooks=False)
        return self._iterate(loop, agen, operation_name, on_ready, on_gap)

    @staticmethod
    def _iterate(
        loop: asyncio.AbstractEventLoop,
        agen: AsyncGenerator[Any, None],
        operation_name: str | None,
        on_ready: Callable[[], object] | None,
        on_gap: Callable[[SubscriptionGap], object] | None,
    ) -> Iterator[dict[str, Any]]:
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
                if type(item) is dict:
                    yield item
                elif item is _DONE:
                    finished = True
                    return
                elif item is _READY:
                    if on_ready is not None:
                        on_ready()
                elif isinstance(item, SubscriptionGap):
                    if on_gap is not None:
                        on_gap(item)
                    else:
                        log.warning(
                            "subscription %s resumed after %.1f s without events (%s); "
                            "pass on_gap= to catch up",
                            operation_name or item.subscription_id,
                            item.duration,
                            item.reason,
                        )
        finally:
            if not finished and not loop.is_closed():
                with contextlib.suppress(Exception):
                    asyncio.run_coroutine_threadsafe(agen.aclose(), loop).result(10)

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
            thread.join(30)
