"""A strict fake of AppSync's real-time endpoint, for what the simulator cannot show.

It speaks AppSync's ``graphql-ws`` protocol over aiohttp's WebSocket server, mounted
into :class:`~tests.support.fake_appsync.FakeAppSync` through its ``setup=`` hook, and
it is strict: it demands the ``graphql-ws`` subprotocol, a ``connection_init`` before
anything else, well-formed ``start`` messages whose ``data`` is a JSON string and
whose ``extensions.authorization`` names the API host and valid credentials. Every
breach is recorded in :attr:`FakeRealtime.violations` (tests assert it stays empty).

It records each connection (:class:`FakeConnection`: the decoded connect auth and the
form it came in) and subscription (:class:`FakeSubscription`), acks with
``connectionTimeoutMs`` and sends ``ka`` every ``ka_interval`` seconds. Tests steer
it: :meth:`~FakeRealtime.publish` events, :meth:`~FakeRealtime.drop` connections,
:meth:`~FakeRealtime.silence` keep-alives, :meth:`~FakeRealtime.blackhole`
connections (nothing more reaches the client: a half-dead TCP path), publish bursts
(:meth:`~FakeRealtime.publish_many`), script how the next connects go
(:attr:`~FakeRealtime.connect_script`), fail one subscription, send a connection-wide
error, cap subscriptions per connection, reject auth::

    with FakeRealtime(connection_timeout_ms=300, ka_interval=0.1) as rt:
        client = AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key))
        ...
        rt.publish({"onNote": {...}})
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from aiohttp import WSMsgType, web

from appsync_runtime import RealtimeOptions
from tests.support.fake_appsync import FakeAppSync

__all__ = ["FAST", "SUBSCRIPTION", "FakeConnection", "FakeRealtime", "FakeSubscription"]

SUBSCRIPTION = "subscription OnNote($id: ID) { onNote(id: $id) { id title } }"
"""A subscription the fake serves, for the real-time tests."""
FAST = RealtimeOptions(
    backoff_initial=0.01,
    backoff_max=0.05,
    ack_timeout=2.0,
    start_ack_timeout=2.0,
    close_timeout=0.5,
    connect_timeout=2.0,
)
"""Real-time options with short waits, for clients talking to the fake."""

T = TypeVar("T")

ConnectBehavior = Literal[
    "ok",
    "connection_error_auth",  # connection_error 401 UnauthorizedException after init
    "connection_error",  # a non-auth connection_error after init
    "close_1002",  # close 1002 right after the upgrade (the simulator's bad-auth answer)
    "http_401",  # refuse the upgrade with HTTP 401
    "http_500",  # refuse the upgrade with HTTP 500
    "no_ack",  # never answer connection_init
]

DEFAULT_API_KEY = "da2-fakerealtimekey00000000000"


@dataclass
class FakeSubscription:
    """One ``start`` the fake accepted."""

    id: str
    data_text: str
    query: str
    variables: dict[str, Any]
    operation_name: str | None
    authorization: dict[str, Any]
    connection: FakeConnection
    active: bool = True
    stopped: bool = False
    acked_at: float | None = None
    """Wall-clock time the ``start_ack`` was sent."""


@dataclass
class FakeConnection:
    """One WebSocket the fake accepted."""

    number: int
    path: str
    form: str
    auth: dict[str, Any] | None
    ws: web.WebSocketResponse
    request: web.Request
    starts: list[dict[str, Any]] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)
    subscriptions: dict[str, FakeSubscription] = field(default_factory=dict)
    initialized: bool = False
    acked: bool = False
    ka_enabled: bool = True
    blackholed: bool = False
    closed: bool = False
    opened_at: float = field(default_factory=time.monotonic)
    closed_at: float | None = None
    closed_wall: float | None = None
    """Wall-clock time the fake saw the connection end."""
    last_sent_at: float | None = None
    """Wall-clock time the fake last began sending a frame (ack, ``ka``, event) on it."""

    @property
    def active(self) -> list[FakeSubscription]:
        return [s for s in self.subscriptions.values() if s.active]


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


async def _send(ws: web.WebSocketResponse, frame: str) -> None:
    """Send, unless the client already went away (it may close right after ``stop``)."""
    with contextlib.suppress(ConnectionError, RuntimeError):
        await ws.send_str(frame)


class FakeRealtime:
    """The fake real-time endpoint; a context manager that also runs the HTTP fake.

    ``api_keys`` and ``tokens`` are the accepted ``x-api-key`` and ``Authorization``
    values (IAM-looking ``AWS4-HMAC-SHA256`` headers are accepted when ``accept_iam``).
    ``auth_failure`` chooses how a bad connect auth is refused: a ``connection_error``
    (AppSync), a close with 1002 (the simulator) or HTTP 401 on the upgrade.
    """

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        tokens: Iterable[str] = (),
        accept_iam: bool = True,
        connection_timeout_ms: int = 300_000,
        ack_key: str = "connectionTimeoutMs",
        ka_interval: float | None = 60.0,
        max_subscriptions: int = 100,
        auth_failure: Literal["connection_error", "close", "http"] = "connection_error",
        paths: Iterable[str] = ("/graphql/realtime",),
    ) -> None:
        self.api_keys = set(api_keys)
        self.tokens = set(tokens)
        self.accept_iam = accept_iam
        self.connection_timeout_ms = connection_timeout_ms
        self.ack_key = ack_key
        self.ka_interval = ka_interval
        self.max_subscriptions = max_subscriptions
        self.auth_failure = auth_failure
        self.paths = tuple(paths)
        self.connect_script: deque[ConnectBehavior] = deque()
        """How the next connects go, one entry each; "ok" when empty."""
        self.start_errors: Callable[[FakeSubscription], list[dict[str, Any]] | None] | None = None
        """Answers a ``start`` with an ``error`` when it returns errors."""
        self.connection_errors: Callable[[FakeConnection], list[dict[str, Any]]] | None = None
        """Replaces the errors of a scripted ``connection_error`` (either kind)."""
        self.ignore_starts = False
        """Never answer a ``start`` (to test the ``start_ack`` timeout)."""
        self.ack_payload: Any = None
        """When set, the ``connection_ack`` payload sent verbatim (hostile values)."""
        self.published: list[tuple[float, Any]] = []
        """Every :meth:`publish` (wall-clock time, data), delivered or not: the
        "database" a catch-up query reads."""
        self.connections: list[FakeConnection] = []
        self.violations: list[str] = []
        self.http: FakeAppSync = FakeAppSync(setup=self.setup)
        self._tasks: set[asyncio.Task[None]] = set()

    # ---- lifecycle

    def setup(self, app: web.Application) -> None:
        """The ``FakeAppSync(setup=...)`` hook: mount the WebSocket routes."""
        for path in self.paths:
            app.router.add_get(path, self._handle)

    def __enter__(self) -> FakeRealtime:
        self.http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self._call(self._close_all())
        self.http.__exit__(*exc)

    @property
    def api_key(self) -> str:
        return next(iter(sorted(self.api_keys)))

    @property
    def url(self) -> str:
        return self.http.url

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.http.port}"

    def realtime_url(self, path: str | None = None) -> str:
        return f"ws://127.0.0.1:{self.http.port}{path or self.paths[0]}"

    # ---- what happened

    @property
    def open_connections(self) -> list[FakeConnection]:
        return [c for c in self.connections if not c.closed]

    @property
    def active_subscriptions(self) -> list[FakeSubscription]:
        return [s for c in self.open_connections for s in c.active]

    def all_starts(self) -> list[dict[str, Any]]:
        return [start for conn in self.connections for start in conn.starts]

    async def wait_for(
        self, predicate: Callable[[], object], timeout: float = 5.0, what: str = ""
    ) -> None:
        """Poll ``predicate`` (from the test's loop) until it holds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}")
            await asyncio.sleep(0.005)

    def wait_for_sync(
        self, predicate: Callable[[], object], timeout: float = 5.0, what: str = ""
    ) -> None:
        """:meth:`wait_for` for sync tests."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}")
            time.sleep(0.005)

    # ---- steering (thread-safe: runs in the fake's loop)

    def _call(self, coro: Awaitable[T]) -> T:
        async def run() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(run(), self.http.loop).result(10)

    def publish(self, data: Any, *, where: Callable[[FakeSubscription], bool] | None = None) -> int:
        """Send ``data`` as an event to every active subscription (or those ``where``
        selects); returns how many got it (blackholed connections get nothing)."""
        self.published.append((time.time(), data))
        return self._call(self._publish({"data": data}, where))

    def publish_many(self, items: Iterable[Any]) -> int:
        """Publish each of ``items`` in turn, as fast as the fake can send them (one
        burst in the fake's loop); returns how many frames went out."""
        items = list(items)
        stamp = time.time()
        self.published.extend((stamp, data) for data in items)

        async def burst() -> int:
            count = 0
            for data in items:
                count += await self._publish({"data": data}, None)
            return count

        return self._call(burst())

    def publish_payload(
        self, payload: Any, *, where: Callable[[FakeSubscription], bool] | None = None
    ) -> int:
        """Send a ``data`` frame with this exact ``payload`` (e.g. with ``errors``)."""
        return self._call(self._publish(payload, where))

    async def _publish(self, payload: Any, where: Callable[[FakeSubscription], bool] | None) -> int:
        count = 0
        for sub in self.active_subscriptions:
            if sub.connection.blackholed:
                continue
            if where is None or where(sub):
                await self._send(
                    sub.connection, _json({"type": "data", "id": sub.id, "payload": payload})
                )
                count += 1
        return count

    async def _send(self, conn: FakeConnection, frame: str) -> None:
        conn.last_sent_at = time.time()  # before: the client cannot have it earlier
        await _send(conn.ws, frame)

    def send_raw(self, frame: str, *, connection: FakeConnection | None = None) -> None:
        """Send any text frame (garbage included) on one or every open connection."""

        async def send() -> None:
            for conn in [connection] if connection else self.open_connections:
                await _send(conn.ws, frame)

        self._call(send())

    def fail_subscription(self, sub_id: str, errors: Any) -> None:
        """Send ``error`` with ``id`` (``errors`` as given: list or object)."""

        async def send() -> None:
            for conn in self.open_connections:
                sub = conn.subscriptions.get(sub_id)
                if sub is not None and sub.active:
                    sub.active = False
                    frame = {"type": "error", "id": sub_id, "payload": {"errors": errors}}
                    await _send(conn.ws, _json(frame))

        self._call(send())

    def connection_wide_error(self, errors: Any) -> None:
        """Send ``error`` without ``id`` on every open connection."""
        self.send_raw(_json({"type": "error", "payload": {"errors": errors}}))

    def complete(self, sub_id: str) -> None:
        """End a subscription from the server side (``complete``)."""

        async def send() -> None:
            for conn in self.open_connections:
                sub = conn.subscriptions.get(sub_id)
                if sub is not None and sub.active:
                    sub.active = False
                    await _send(conn.ws, _json({"type": "complete", "id": sub_id}))

        self._call(send())

    def silence(self) -> None:
        """Stop keep-alives on the connections open now (new ones send them again)."""
        for conn in self.open_connections:
            conn.ka_enabled = False

    def blackhole(self) -> None:
        """Send nothing more on the connections open now, keep-alives and events
        alike, and keep them open: what a client sees of a half-dead network path.
        Events published meanwhile are lost for them; new connections work."""

        async def mute() -> None:  # in the fake's loop: no frame is half-way out
            for conn in self.open_connections:
                conn.blackholed = True
                conn.ka_enabled = False

        self._call(mute())

    def drop(self) -> None:
        """Cut every open connection abruptly (no close frame), as a network fault."""

        async def cut() -> None:
            for conn in self.open_connections:
                self._mark_closed(conn)
                transport = conn.request.transport
                if transport is not None:
                    transport.abort()

        self._call(cut())

    async def _close_all(self) -> None:
        for conn in self.open_connections:
            with contextlib.suppress(Exception):
                await conn.ws.close()
        for task in list(self._tasks):
            task.cancel()

    # ---- the endpoint

    def _violation(self, text: str) -> None:
        self.violations.append(text)

    def _authorized(self, auth: Any, what: str) -> bool:
        if not isinstance(auth, dict):
            self._violation(f"{what}: auth is not an object")
            return False
        if auth.get("host") != self.host:
            self._violation(f"{what}: host {auth.get('host')!r} is not the API host")
            return False
        if auth.get("x-api-key") in self.api_keys:
            return True
        authorization = auth.get("Authorization") or auth.get("authorization")
        if authorization in self.tokens:
            return True
        return bool(
            self.accept_iam
            and isinstance(authorization, str)
            and authorization.startswith("AWS4-HMAC-SHA256 ")
            and (auth.get("X-Amz-Date") or auth.get("x-amz-date"))
        )

    def _connect_auth(self, request: web.Request, protocols: list[str]) -> tuple[str, Any]:
        for protocol in protocols:
            if protocol.startswith("header-"):
                token = protocol[len("header-") :]
                try:
                    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
                    return "subprotocol", json.loads(raw)
                except ValueError:
                    self._violation("header- subprotocol is not base64url JSON")
                    return "subprotocol", None
        if "header" in request.query:
            if request.query.get("payload") != "e30=":
                self._violation("query form without payload=e30=")
            try:
                raw = base64.b64decode(request.query["header"], validate=True)
                return "query", json.loads(raw)
            except ValueError:
                self._violation("header query parameter is not base64 JSON")
                return "query", None
        headers = {k: v for k, v in request.headers.items()}
        lowered = {k.lower(): v for k, v in headers.items()}
        if "x-api-key" in lowered or "authorization" in lowered:
            auth: dict[str, Any] = {"host": self.host}
            for name in ("x-api-key", "Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
                if name.lower() in lowered:
                    auth[name] = lowered[name.lower()]
            return "headers", auth
        return "none", None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        offered = [
            p.strip()
            for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")
            if p.strip()
        ]
        if "graphql-ws" not in offered:
            self._violation(f"subprotocols {offered[:1]} do not include graphql-ws")
            return web.Response(status=400, text="graphql-ws subprotocol required")
        form, auth = self._connect_auth(request, offered)
        behavior: ConnectBehavior = self.connect_script.popleft() if self.connect_script else "ok"
        good_auth = self._authorized(auth, "connect") if auth is not None else False
        if behavior == "http_401" or (not good_auth and self.auth_failure == "http"):
            return web.Response(status=401, text='{"errors":[{"errorType":"Unauthorized"}]}')
        if behavior == "http_500":
            return web.Response(status=500, text="<html>oops</html>")
        ws = web.WebSocketResponse(protocols=("graphql-ws",), autoping=True)
        await ws.prepare(request)
        conn = FakeConnection(
            number=len(self.connections) + 1,
            path=request.path,
            form=form,
            auth=auth,
            ws=ws,
            request=request,
        )
        self.connections.append(conn)
        try:
            if behavior == "close_1002" or (not good_auth and self.auth_failure == "close"):
                await ws.close(code=1002)
                return ws
            await self._serve(conn, behavior, good_auth)
        finally:
            self._mark_closed(conn)
        return ws

    def _mark_closed(self, conn: FakeConnection) -> None:
        if not conn.closed:
            conn.closed = True
            conn.closed_at = time.monotonic()
            conn.closed_wall = time.time()
            for sub in conn.subscriptions.values():
                sub.active = False

    async def _keepalive(self, conn: FakeConnection) -> None:
        assert self.ka_interval is not None
        while not conn.closed:
            await asyncio.sleep(self.ka_interval)
            if conn.ka_enabled and not conn.closed:
                with contextlib.suppress(Exception):
                    await self._send(conn, '{"type":"ka"}')

    async def _serve(self, conn: FakeConnection, behavior: ConnectBehavior, good: bool) -> None:
        ws = conn.ws
        ka_task: asyncio.Task[None] | None = None
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    self._violation(f"non-text frame {msg.type}")
                    continue
                try:
                    message = json.loads(msg.data)
                except ValueError:
                    self._violation("client frame is not JSON")
                    continue
                kind = message.get("type") if isinstance(message, dict) else None
                if not conn.initialized:
                    if kind != "connection_init":
                        self._violation(f"first frame is {kind!r}, not connection_init")
                        continue
                    conn.initialized = True
                    if behavior == "connection_error_auth" or not good:
                        error = {
                            "errorType": "UnauthorizedException",
                            "message": "You are not authorized to make this call.",
                            "errorCode": 401,
                        }
                        errors = [error]
                        if self.connection_errors is not None:
                            errors = self.connection_errors(conn)
                        await _send(
                            ws, _json({"type": "connection_error", "payload": {"errors": errors}})
                        )
                        await ws.close()
                        return
                    if behavior == "connection_error":
                        error = {
                            "errorType": "UnsupportedOperation",
                            "message": "Operation not supported",
                        }
                        errors = [error]
                        if self.connection_errors is not None:
                            errors = self.connection_errors(conn)
                        await _send(
                            ws, _json({"type": "connection_error", "payload": {"errors": errors}})
                        )
                        await ws.close()
                        return
                    if behavior == "no_ack":
                        continue
                    conn.acked = True
                    ack_payload = self.ack_payload
                    if ack_payload is None:
                        ack_payload = {self.ack_key: self.connection_timeout_ms}
                    await self._send(
                        conn, json.dumps({"type": "connection_ack", "payload": ack_payload})
                    )
                    await self._send(conn, '{"type":"ka"}')
                    if self.ka_interval is not None:
                        ka_task = asyncio.get_running_loop().create_task(self._keepalive(conn))
                        self._tasks.add(ka_task)
                        ka_task.add_done_callback(self._tasks.discard)
                    continue
                if kind == "connection_init":
                    self._violation("connection_init sent twice")
                elif kind == "start":
                    await self._on_start(conn, message)
                elif kind == "stop":
                    await self._on_stop(conn, message)
                else:
                    self._violation(f"unexpected client message type {kind!r}")
        finally:
            if ka_task is not None:
                ka_task.cancel()

    async def _on_start(self, conn: FakeConnection, message: dict[str, Any]) -> None:
        ws = conn.ws
        conn.starts.append(message)
        sub_id = message.get("id")
        payload = message.get("payload")
        if not conn.acked:
            self._violation("start before connection_ack")
        if not isinstance(sub_id, str) or not sub_id:
            self._violation("start without an id")
            return
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), str):
            self._violation("start whose payload.data is not a string")
            return
        try:
            data = json.loads(payload["data"])
        except ValueError:
            self._violation("start whose payload.data is not JSON")
            return
        if not isinstance(data, dict) or not isinstance(data.get("query"), str):
            self._violation("start data without a query")
            return
        extensions = payload.get("extensions")
        authorization = extensions.get("authorization") if isinstance(extensions, dict) else None

        async def error(error_type: str, message: str) -> None:
            frame = {
                "type": "error",
                "id": sub_id,
                "payload": {"errors": [{"errorType": error_type, "message": message}]},
            }
            await _send(ws, _json(frame))

        if not self._authorized(authorization, "start"):
            await error("UnauthorizedException", "You are not authorized to make this call.")
            return
        if sub_id in conn.subscriptions and conn.subscriptions[sub_id].active:
            await error("DuplicatedOperationError", "Duplicate subscription ID")
            return
        if len(conn.active) >= self.max_subscriptions:
            await error("MaxSubscriptionsReachedError", "Max number of subscriptions reached")
            return
        sub = FakeSubscription(
            id=sub_id,
            data_text=payload["data"],
            query=data["query"],
            variables=data.get("variables") or {},
            operation_name=data.get("operationName"),
            authorization=authorization if isinstance(authorization, dict) else {},
            connection=conn,
        )
        if self.start_errors is not None:
            errors = self.start_errors(sub)
            if errors:
                frame = {"type": "error", "id": sub_id, "payload": {"errors": errors}}
                await _send(ws, _json(frame))
                return
        conn.subscriptions[sub_id] = sub
        if not self.ignore_starts and not conn.blackholed:
            sub.acked_at = time.time()
            await self._send(conn, _json({"type": "start_ack", "id": sub_id}))

    async def _on_stop(self, conn: FakeConnection, message: dict[str, Any]) -> None:
        sub_id = message.get("id")
        if not isinstance(sub_id, str):
            self._violation("stop without an id")
            return
        conn.stops.append(sub_id)
        sub = conn.subscriptions.get(sub_id)
        if sub is None:
            self._violation("stop for an id never started on this connection")
            return
        sub.stopped = True
        if sub.active:
            sub.active = False
            await _send(conn.ws, _json({"type": "complete", "id": sub_id}))
