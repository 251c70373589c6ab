"""One real-time connection: a WebSocket and its successors, whatever the protocol.

A :class:`Connection` carries up to ``max_subscriptions_per_connection``
subscriptions. Its task (:meth:`Connection.run`) connects (fresh auth each time),
waits for the acknowledgement, starts every subscription, reads frames into the
protocol state machine and hands what they mean to each subscription's buffer; it
watches the protocol's deadlines (acknowledgements, keep-alive) with one timer, and
reconnects with backoff after a loss, marking each resumed subscription's gap. The
protocol itself (frames, their meaning, their deadlines) is the manager's
:class:`~._realtime_protocol.ProtocolSpec`: nothing here knows ``graphql-ws``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Protocol

from ._auth import AuthStrategy
from ._backoff import backoff_delay
from ._connection_failures import (
    AuthRejected,
    ConnectionFailedError,
    Lost,
    always,
    auth_headers,
    describe_failure,
    failure_for,
    may_retry_auth,
    network_error,
)
from ._realtime_auth import authorization_payload, connect_target
from ._realtime_protocol import (
    BadData,
    Complete,
    ConnectionAck,
    ConnectionFailed,
    Data,
    DataWithErrors,
    DeliveryFailed,
    Event,
    KeepAlive,
    KeepAliveTimeout,
    RequestDone,
    RequestFailed,
    RequestTimeout,
    StartAck,
    StartAckTimeout,
    SubscriptionFailed,
    WireProtocol,
)
from ._realtime_types import ConnectionState, ConnectionStateChange, SubscriptionGap
from ._redaction import MAX_MESSAGE, Scrubber, secret_header_values
from ._response import AuthRejection
from ._subscription import END, READY, GapStart, Subscription, wall
from .errors import (
    AppSyncError,
    AppSyncGraphQLError,
    AppSyncNetworkError,
    AppSyncResponseError,
    AppSyncSubscriptionError,
    AppSyncSubscriptionOverflowError,
    AppSyncTimeoutError,
)

if TYPE_CHECKING:
    import aiohttp

    from ._endpoints import Endpoint
    from ._realtime_protocol import ProtocolSpec
    from ._realtime_types import RealtimeOptions

    WebSocket = aiohttp.ClientWebSocketResponse[bool]

__all__ = ["Answer", "Connection"]

Answer = RequestDone | RequestFailed
"""What a request (an Events ``publish``) got back: the answer, or the refusal."""

log = logging.getLogger("appsync_runtime.realtime")
_MAX_SECRETS = 64  # auth values of recent connects and starts kept per connection
REQUEST_LINGER = 10.0
"""Seconds a connection opened (or kept) only for requests stays open after the last
one, for the next publish to reuse."""


# --------------------------------------------------------------------------- connection


class ConnectionHost(Protocol):
    """What a connection needs of the manager that owns it (the manager sits a floor
    above: the connection knows it only through this)."""

    endpoint: Endpoint
    options: RealtimeOptions
    protocol: ProtocolSpec
    where: str

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop every connection runs on."""
        ...

    def forget(self, conn: Connection) -> None:
        """Drop ``conn`` once it has ended."""

    def send_soon(self, conn: Connection, frame: str) -> None:
        """Send ``frame`` on ``conn`` from a task of its own."""

    def notify_state(self, change: ConnectionStateChange) -> None:
        """Hand a change of a connection's state to the application."""

    async def upgrade(self, url: str, protocols: tuple[str, ...], headers: Any) -> WebSocket:
        """Open the WebSocket."""
        ...


class Connection:
    """One WebSocket (and its successors after reconnects) carrying up to
    ``max_subscriptions_per_connection`` subscriptions."""

    def __init__(self, manager: ConnectionHost, number: int) -> None:
        self.manager = manager
        self.number = number
        self.loop = manager.loop
        self.subs: dict[str, Subscription] = {}
        self.ws: WebSocket | None = None
        self.proto: WireProtocol | None = None
        self.ready = False
        self.closing = False
        self.task: asyncio.Task[None] | None = None
        self._lost: asyncio.Future[Lost] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._secrets: dict[str, None] = {}  # of the connect's and the starts' headers
        self._scrubber: Scrubber | None = None
        self.holds = 0
        """Requests (Events publishes) using this connection: it stays while any does."""
        self._requests: dict[str, asyncio.Future[Answer]] = {}
        self._request_strategy: AuthStrategy | None = None
        self._opened = asyncio.Event()
        self._ended: Callable[[str | None], object] | None = None
        self._linger: asyncio.TimerHandle | None = None
        self.state: ConnectionState | None = None
        """The connection's state (None before it first tries to connect)."""
        self._close_reason: str | None = None

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

    def _set_state(self, state: ConnectionState, reason: str | None = None) -> None:
        """Move to ``state`` and tell the application (nothing when it is unchanged)."""
        previous = self.state
        if previous is state:
            return
        self.state = state
        if reason is not None:
            reason = self.scrubber.text(reason, MAX_MESSAGE)
        change = ConnectionStateChange(
            state, previous, reason, time.time(), time.monotonic(), self.number
        )
        log.debug(
            "%r: %s%s",
            self,
            state.value,
            f" ({reason})" if reason else "",
            extra=self._fields(reason),
        )
        try:
            self.manager.notify_state(change)
        except Exception:  # the application's trouble must not stop the connection
            log.warning("%r: on_connection_state failed; ignored", self, exc_info=True)

    def _fields(self, reason: str | None, **facts: object) -> dict[str, object]:
        """The ``extra=`` attributes of a record about this connection."""
        state = self.state
        return {
            "connection": self.number,
            "state": None if state is None else state.value,
            "reason": None if reason is None else self.scrubber.text(reason, MAX_MESSAGE),
            **facts,
        }

    def shutdown(self, reason: str | None = None) -> None:
        """Close this connection soon (no subscriptions left, or the client closes:
        ``reason`` says so to ``on_connection_state``)."""
        if reason is not None and self._close_reason is None:
            self._close_reason = reason
        self.closing = True
        task = self.task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()

    @property
    def idle(self) -> bool:
        """No subscription and no request uses this connection."""
        return not self.subs and not self.holds

    def fail_all(self, make: Callable[[str | None], object]) -> None:
        """End every subscription here with ``make(operation_name)`` (an exception,
        made per subscription, or _END); requests waiting for the connection get
        the same."""
        self._ended = make
        self._opened.set()  # wakes the requests waiting for the connection
        subs = list(self.subs.values())
        self.subs.clear()
        for sub in subs:
            sub.conn = None
            sub.push(make(sub.operation_name))

    def _end(self, sub: Subscription, item: object) -> None:
        """The server ended ``sub``: hand ``item`` to its consumer, forget it here."""
        if self.subs.pop(sub.id, None) is not None:
            sub.conn = None
        sub.push(item)
        if self.idle:
            self.shutdown()

    async def run(self) -> None:
        """Connect, serve, reconnect with backoff until no subscription is left."""
        options = self.manager.options
        failures = 0
        ever_open = False
        auth_retried = False
        lost: Lost | None = None
        lost_at = 0.0
        closed_because: str | None = None
        try:
            while not self.idle and not self.closing:
                strategy = (
                    next(iter(self.subs.values())).strategy if self.subs else self._request_strategy
                )
                assert strategy is not None
                disrupted = self.state is ConnectionState.DISRUPTED
                self._set_state(
                    ConnectionState.RECONNECTING if disrupted else ConnectionState.CONNECTING
                )
                try:
                    await self._open(strategy)
                except AuthRejected as rejected:
                    if not auth_retried and may_retry_auth(strategy, rejected.rejection):
                        auth_retried = True
                        log.info(
                            "%r: connect auth refused (%s); retrying once with fresh credentials",
                            self,
                            rejected.detail,
                        )
                        continue
                    closed_because = f"connect auth refused: {rejected.detail}"
                    self.fail_all(rejected.error)
                    return
                except AppSyncNetworkError as exc:
                    failures += 1
                    limit = (
                        options.max_reconnect_attempts if ever_open else options.connect_attempts
                    )
                    if limit is not None and failures >= limit:
                        log.warning(
                            "%r: giving up after %d attempts: %s",
                            self,
                            failures,
                            exc,
                            extra=self._fields(exc.message, attempt=failures),
                        )
                        closed_because = f"gave up after {failures} attempts: {exc.message}"
                        self.fail_all(functools.partial(network_error, exc.message, failures))
                        return
                    self._set_state(ConnectionState.DISRUPTED, exc.message)
                    delay = backoff_delay(
                        failures, initial=options.backoff_initial, maximum=options.backoff_max
                    )
                    log.warning(
                        "%r: connect failed (%s); attempt %d again in %.2f s",
                        self,
                        exc,
                        failures + 1,
                        delay,
                        extra=self._fields(exc.message, attempt=failures, wait_s=delay),
                    )
                    await asyncio.sleep(delay)
                    continue
                except ConnectionFailedError as exc:
                    closed_because = f"connection_error: {exc}"
                    self.fail_all(exc.for_subscription)
                    return
                except AppSyncError as exc:  # the strategy could not produce headers
                    self._remember({}, strategy)
                    self.scrubber.error(exc)
                    closed_because = f"no connect auth: {type(exc).__name__}"
                    self.fail_all(failure_for(exc, failures + 1))
                    return
                self._set_state(ConnectionState.CONNECTED)
                failures = 0
                auth_retried = False
                if ever_open and lost is not None:
                    for sub in self.subs.values():
                        if sub.acked and sub.gap is None:
                            sub.gap = GapStart(lost_at, lost.reason)
                            sub.awaiting_ack = True
                ever_open = True
                lost = await self._serve()
                lost_at = self._last_frame_at()
                if lost.fatal is not None:
                    closed_because = lost.reason
                    self.fail_all(ConnectionFailedError(lost.fatal).for_subscription)
                    return
                if self.idle or self.closing:
                    return
                self._set_state(ConnectionState.DISRUPTED, lost.reason)
                if lost.auth is not None:
                    # e.g. an expired token: reconnect now with fresh credentials, once
                    refused = lost.auth
                    if may_retry_auth(strategy, refused.rejection):
                        auth_retried = True
                        log.info("%r: %s; reconnecting with fresh credentials", self, lost.reason)
                        continue
                    closed_because = lost.reason
                    self.fail_all(refused.error)
                    return
                failures = 1
                delay = backoff_delay(
                    1, initial=options.backoff_initial, maximum=options.backoff_max
                )
                log.warning(
                    "%r: connection lost (%s); reconnecting in %.2f s",
                    self,
                    lost.reason,
                    delay,
                    extra=self._fields(lost.reason, wait_s=delay),
                )
                await asyncio.sleep(delay)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug here must not leave consumers hanging
            log.exception("%r: unexpected failure", self)
            closed_because = f"unexpected failure: {type(exc).__name__}"
            self.fail_all(always(exc))
        finally:
            if closed_because is None:
                closed_because = self._close_reason or "no subscriptions left"
            self._set_state(ConnectionState.CLOSED, closed_because)
            self.ready = False
            self._disarm()
            if self._linger is not None:
                self._linger.cancel()
            await self._close_socket()
            self.manager.forget(self)
            if self.subs:  # cancelled while subscriptions remained: the client is closing
                self.fail_all(always(END))
            if self._ended is None:
                self._ended = always(END)
            self._opened.set()

    # ---- connect

    async def _open(self, strategy: AuthStrategy) -> None:
        manager = self.manager
        protocol = manager.protocol
        request = protocol.connect_request(manager.endpoint)
        headers = await auth_headers(strategy, request)
        self._remember(headers, strategy)
        auth = authorization_payload(request, strategy.mode, headers)
        target = connect_target(
            manager.endpoint.realtime_url,
            auth,
            manager.options.connect_form,
            protocol.subprotocol,
            protocol.query_form,
        )
        ws = await manager.upgrade(target.url, target.protocols, target.headers)
        self.ws = ws
        try:
            await self._handshake(ws)
        except BaseException:
            await self._close_socket()
            raise

    async def _handshake(self, ws: WebSocket) -> None:
        import aiohttp

        options = self.manager.options
        loop = self.loop
        proto = self.manager.protocol.new(
            options.ack_timeout, options.start_ack_timeout, options.default_keepalive_timeout
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
                    assert isinstance(event, ConnectionAck)
                    if event.adjusted is not None:
                        log.warning(
                            "%r: %s; keep-alive timeout %g s",
                            self,
                            event.adjusted,
                            event.keepalive_timeout,
                        )
                    log.debug("%r: acknowledged, keep-alive %.1f s", self, event.keepalive_timeout)
                    return
                if isinstance(event, ConnectionFailed):
                    event = self._clean(event)
                    if event.is_auth_failure:
                        raise AuthRejected.of(event)
                    raise ConnectionFailedError(event)
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
                raise AuthRejected(
                    AuthRejection(status=401, error_type=None, message="", headers={}),
                    None,
                    f"closed with code {code} before connection_ack",
                )
            raise AppSyncNetworkError(
                f"real-time connection closed before connection_ack (code {code})", sent=False
            )

    # ---- serving

    async def _serve(self) -> Lost:
        ws, proto = self.ws, self.proto
        assert ws is not None and proto is not None
        lost: asyncio.Future[Lost] = self.loop.create_future()
        self._lost = lost
        reader = self.loop.create_task(
            self._read(ws, proto), name=f"appsync-realtime-read-{self.number}"
        )
        self.ready = True
        self._opened.set()
        self._arm()
        try:
            for sub in list(self.subs.values()):
                if lost.done():
                    break
                await self.start(sub)
            if self.closing or self.idle:  # every start failed: nothing to serve
                return Lost("no subscriptions left")
            return await lost
        finally:
            self.ready = False
            self._opened.clear()
            ended = lost.done() and not lost.cancelled()
            self._fail_requests(lost.result().reason if ended else "the connection closed")
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            self._disarm()
            proto.connection_lost()
            await self._close_socket()

    def _lose(self, lost: Lost) -> None:
        future = self._lost
        if future is not None and not future.done():
            future.set_result(lost)

    async def start(self, sub: Subscription) -> None:
        """Send ``sub``'s ``start`` (fresh auth headers) if it is not running here."""
        ws, proto = self.ws, self.proto
        if ws is None or proto is None or not self.ready or proto.knows(sub.id):
            return
        manager = self.manager
        request = manager.protocol.start_request(manager.endpoint, sub.body)
        try:
            headers = await auth_headers(sub.strategy, request)
        except AppSyncError as exc:
            self._remember({}, sub.strategy)
            self.scrubber.error(exc)
            self._end(sub, failure_for(exc, 1)(sub.operation_name))
            return
        self._remember(headers, sub.strategy)
        # The await above let the world move: check again before registering.
        if self.proto is not proto or not self.ready or proto.knows(sub.id):
            return
        if self.subs.get(sub.id) is not sub:
            return
        frame = proto.start(
            sub.id,
            sub.body.decode("utf-8"),
            authorization_payload(request, sub.strategy.mode, headers),
            self.loop.time(),
        )
        self._arm()
        try:
            await ws.send_str(frame)
        except Exception as exc:
            self._lose(Lost(f"send failed: {type(exc).__name__}"))

    async def stop(self, sub: Subscription) -> None:
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
        if self.idle:
            self.shutdown()

    # ---- requests (Events publishes)

    async def request(
        self, body: bytes, strategy: AuthStrategy, name: str | None, timeout: float
    ) -> Answer:
        """Send one request whose signed body is ``body`` once this connection is
        open, and return its answer. The caller added itself to :attr:`holds`;
        this removes it. Never resent: a request that may have reached the server is
        not repeated after a reconnect."""
        loop = self.loop
        deadline = loop.time() + timeout
        manager = self.manager
        spec = manager.protocol
        id: str | None = None
        try:
            if self._request_strategy is None:
                self._request_strategy = strategy
            while True:
                ended = self._ended
                if ended is not None or self.closing:
                    item = ended(name) if ended is not None else END
                    if isinstance(item, BaseException):
                        raise item
                    raise AppSyncNetworkError(
                        "the real-time connection closed before the publish was sent",
                        sent=False,
                        operation_name=name,
                    )
                if not self.ready:
                    remaining = deadline - loop.time()
                    try:
                        await asyncio.wait_for(self._opened.wait(), max(remaining, 0.0))
                    except asyncio.TimeoutError:
                        raise AppSyncTimeoutError(
                            f"the real-time connection did not open within {timeout:g} s",
                            sent=False,
                            operation_name=name,
                        ) from None
                    continue
                assert spec.request_request is not None
                auth_request = spec.request_request(manager.endpoint, body)
                headers = await auth_headers(strategy, auth_request)
                self._remember(headers, strategy)
                ws, proto = self.ws, self.proto
                if not self.ready or ws is None or proto is None:
                    continue  # lost while authorizing: wait for the next socket
                import uuid

                id = str(uuid.uuid4())
                future: asyncio.Future[Answer] = loop.create_future()
                self._requests[id] = future
                frame = proto.request(
                    id,
                    body.decode("utf-8"),
                    authorization_payload(auth_request, strategy.mode, headers),
                    loop.time(),
                    max(deadline - loop.time(), 0.001),
                )
                self._arm()
                try:
                    await ws.send_str(frame)
                except Exception as exc:
                    self._lose(Lost(f"send failed: {type(exc).__name__}"))
                return await future
        finally:
            if id is not None:
                self._requests.pop(id, None)
                if self.proto is not None:
                    self.proto.forget(id)
            self.holds -= 1
            if self.idle and not self.closing:
                if self._linger is not None:
                    self._linger.cancel()
                self._linger = loop.call_later(REQUEST_LINGER, self._close_if_idle)

    def _close_if_idle(self) -> None:
        self._linger = None
        if self.idle:
            self.shutdown()

    def _answer(self, id: str, answer: Answer | BaseException) -> None:
        future = self._requests.pop(id, None)
        if future is None or future.done():
            return
        if isinstance(answer, BaseException):
            future.set_exception(answer)
        else:
            future.set_result(answer)

    def _fail_requests(self, reason: str) -> None:
        """The socket is gone: every request sent on it and not answered fails (it
        may or may not have been delivered, so it is not resent)."""
        for id in list(self._requests):
            self._answer(
                id,
                AppSyncNetworkError(
                    f"real-time connection lost before the publish was answered ({reason}); "
                    "it may have been delivered",
                    sent=True,
                ),
            )

    async def _read(self, ws: WebSocket, proto: WireProtocol) -> None:
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
                    frame = msg.data
                    at = now()
                    event = proto.receive(frame, at)
                    if type(event) is Data:  # the hot path
                        sub = subs.get(event.id)
                        if sub is not None:
                            if sub.awaiting_ack:  # data before start_ack
                                self._acked(sub)
                            size = len(frame)
                            count = sub.count + 1
                            nbytes = sub.nbytes + size
                            if count <= sub.max_events and nbytes <= sub.max_bytes:
                                # Subscription.push_event, inlined
                                sub.count = count
                                sub.nbytes = nbytes
                                sub.items.append((event.data, size, at))
                                waiter = sub.waiter
                                if waiter is not None:
                                    sub.waiter = None
                                    if not waiter.done():
                                        waiter.set_result(None)
                                if count <= sub.half_events and nbytes <= sub.half_bytes:
                                    continue
                            else:
                                self._overflow(sub, event.data, size, at)
                            # Half full: let consumers run before reading on. A burst
                            # already received is read without the loop turning, so a
                            # consumer that keeps up would otherwise overflow too.
                            await asyncio.sleep(0)
                        continue
                    handle(event)
                    continue
                if kind is aiohttp.WSMsgType.ERROR:
                    self._lose(Lost(f"connection error: {type(msg.data).__name__}"))
                else:
                    self._lose(Lost(f"closed by the server (code {ws.close_code})"))
                return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._lose(Lost(f"receive failed: {type(exc).__name__}"))

    def _acked(self, sub: Subscription) -> None:
        """AppSync acknowledged ``sub`` (a ``start_ack``, or an event before it): tell
        the consumer it is ready, or that it is back after a gap that ends now."""
        if sub.gap is not None:
            gap = sub.gap
            sub.gap = None
            resumed = max(time.time(), gap.at)  # even if the wall clock stepped back
            sub.push(SubscriptionGap(sub.id, sub.operation_name, gap.at, resumed, gap.reason))
        elif not sub.acked:
            sub.push(READY)
        sub.acked = True
        sub.awaiting_ack = False

    def _last_frame_at(self) -> float:
        """Wall-clock time of the last frame that arrived on the (now lost) socket:
        the last moment it was known to work, where a gap begins."""
        proto = self.proto
        if proto is None:
            return time.time()
        return wall(self.loop, proto.last_message_at)[0]

    def _overflow(self, sub: Subscription, data: Any, size: int, at: float) -> None:
        """``sub``'s queue is full: drop its oldest events for this one, or stop it."""
        options = self.manager.options
        if options.overflow == "drop_oldest":
            sub.make_room(size)
            sub.push_event(data, size, at)
            return
        # "fail": deliver what is queued, then the error; nothing more is queued
        if self.subs.pop(sub.id, None) is not None:
            sub.conn = None
        proto = self.proto
        frame = proto.stop(sub.id) if proto is not None else None
        if frame is not None:
            self.manager.send_soon(self, frame)
        log.warning(
            "%r: subscription %s stopped: its consumer fell behind by %d events",
            self,
            sub.operation_name or sub.id,
            sub.count,
        )
        sub.push(
            AppSyncSubscriptionOverflowError(
                f"the consumer fell behind: {sub.count} events "
                f"({sub.nbytes} bytes) waiting, more than the subscription may buffer "
                f"(max_buffered_events={options.max_buffered_events}, "
                f"max_buffered_bytes={options.max_buffered_bytes}); it was stopped",
                lost_from=wall(self.loop, at)[0],
                max_buffered_events=options.max_buffered_events,
                max_buffered_bytes=options.max_buffered_bytes,
                operation_name=sub.operation_name,
            )
        )
        if self.idle:
            self.shutdown()

    def _handle(self, event: Event) -> None:
        kind = type(event)
        if kind is KeepAlive:
            return
        if kind is StartAck:
            assert isinstance(event, StartAck)
            sub = self.subs.get(event.id)
            if sub is not None:
                self._acked(sub)
            return
        if kind is Complete:
            assert isinstance(event, Complete)
            sub = self.subs.get(event.id)
            if sub is not None:
                self._end(sub, END)
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
        if kind is RequestDone:
            assert isinstance(event, RequestDone)
            self._answer(event.id, event)
            return
        if kind is RequestFailed:
            assert isinstance(event, RequestFailed)
            scrubber = self.scrubber
            entries = tuple(scrubber.entry(entry) for entry in event.errors)
            self._answer(event.id, RequestFailed(event.id, entries))
            return
        if kind is BadData:
            assert isinstance(event, BadData)
            sub = self.subs.get(event.id)
            if sub is not None:  # the consumer raises; its cleanup sends the stop
                sub.push(
                    AppSyncResponseError(
                        f"an event could not be read: {event.reason}",
                        operation_name=sub.operation_name,
                    )
                )
            return
        if kind is DeliveryFailed:
            assert isinstance(event, DeliveryFailed)
            sub = self.subs.get(event.id)
            if sub is not None:
                first = event.errors[0] if event.errors else None
                detail = (
                    self.scrubber.text(
                        f"{first.error_type}: {first.message}"
                        if first.error_type
                        else first.message,
                        MAX_MESSAGE,
                    )
                    if first is not None
                    else "no detail"
                )
                now = time.time()
                log.warning(
                    "%r: an event for %s was not delivered: %s",
                    self,
                    sub.operation_name or sub.id,
                    detail,
                )
                sub.push(
                    SubscriptionGap(
                        sub.id,
                        sub.operation_name,
                        now,
                        now,
                        f"the server could not deliver an event ({detail})",
                    )
                )
            return
        if isinstance(event, ConnectionFailed):
            event = self._clean(event)
            if event.is_auth_failure:
                self._lose(Lost(describe_failure(event), auth=AuthRejected.of(event)))
            else:
                self._lose(Lost(describe_failure(event), fatal=event))
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
                self._lose(Lost(f"no keep-alive within {timeout:g} s"))
                return
            if isinstance(event, RequestTimeout):
                self._answer(
                    event.id,
                    AppSyncTimeoutError(
                        "no answer to the publish within its timeout; it may have been delivered",
                        sent=True,
                    ),
                )
                continue
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
                frame = proto.stop(event.id)  # AppSync may register it late: stop it
                if frame is not None:
                    self.manager.send_soon(self, frame)
        self._arm()

    async def _close_socket(self) -> None:
        ws = self.ws
        self.ws = None
        if ws is not None and not ws.closed:
            try:
                await ws.close()
            except Exception:
                log.debug("%r: close failed", self, exc_info=True)
