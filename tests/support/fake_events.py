"""A strict local fake of an AppSync Event API (HTTP publish and the real-time
WebSocket), following ``appsync-events-facts.md``.

It runs inside :class:`~tests.support.fake_appsync.FakeAppSync` (aiohttp on
127.0.0.1, in a thread; ``with FakeEvents() as ev:``) and serves:

- ``POST /event``: ``{"channel", "events": [<JSON text>, ...]}``, at most 5 events,
  each a string that parses as JSON; answers ``{"successful", "failed"}``, or
  ``{"errors": [...]}`` with 400 (bad input), 401 (bad key, unknown namespace) or
  403 (a bad IAM signature, checked with botocore).
- ``GET /event/realtime``: demands the ``aws-appsync-event-ws`` subprotocol and reads
  the connect auth from the ``header-<base64url>`` subprotocol (or upgrade headers);
  ``connection_init`` -> ``connection_ack`` with ``connectionTimeoutMs`` at the top
  level; ``ka`` every ``ka_interval``; ``subscribe`` / ``unsubscribe`` / ``publish``
  with a top-level ``authorization`` checked as for HTTP (an IAM signature over
  ``POST /event`` with the body rebuilt from the message fields: ``{}``,
  ``{"channel":...}``, ``{"channel":...,"events":[...]}``, every signed header
  present in the object).

Channels follow the facts sheet's rules (1-5 segments of ``[A-Za-z0-9-]``, a final
``*`` for subscribing); the namespace (first segment) must be one of
``namespaces``. Every event published (HTTP or WebSocket) goes to each matching
subscription as its own ``data`` frame. Every breach of the protocol by the client
is recorded in :attr:`FakeEvents.violations` (tests assert it stays empty).

Tests steer it: :attr:`~FakeEvents.on_publish` (per event: broadcast a value,
:class:`Fail` it, or :data:`DROP` it), :meth:`~FakeEvents.drop`,
:meth:`~FakeEvents.silence`, :meth:`~FakeEvents.send_raw`,
:meth:`~FakeEvents.broadcast_error`, :attr:`~FakeEvents.connect_script`,
:attr:`~FakeEvents.subscribe_errors`, :attr:`~FakeEvents.max_subscriptions`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from aiohttp import WSMsgType, web

from tests.support.fake_appsync import FakeAppSync, Received
from tests.support.sigv4_check import KeyInfo, SigV4Check

__all__ = ["DROP", "EventsConnection", "EventsSubscription", "Fail", "FakeEvents"]

T = TypeVar("T")

SUBPROTOCOL = "aws-appsync-event-ws"
DEFAULT_API_KEY = "da2-fakeeventskey0000000000000"
WS_SIGNED = {"accept", "content-encoding", "content-type", "host", "x-amz-date"}
# The facts sheet's channel rules, written from its regexes (not the client's code).
_SEG = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?"
PUBLISH_CHANNEL = re.compile(rf"/?{_SEG}(?:/{_SEG}){{0,4}}/?")
SUBSCRIBE_CHANNEL = re.compile(rf"/?{_SEG}(?:/{_SEG}){{0,4}}(?:/\*)?/?")
OPERATION_ID = re.compile(r"[A-Za-z0-9_+-]{1,128}")

ConnectBehavior = Literal["ok", "connection_error_auth", "connection_error", "no_ack", "http_500"]


@dataclass(frozen=True)
class Fail:
    """``on_publish`` verdict: list this event in ``failed`` with ``message``."""

    message: str
    code: int = 400


DROP: Any = object()
"""``on_publish`` verdict: neither broadcast nor reported (the open question 6 case)."""


@dataclass
class EventsSubscription:
    id: str
    channel: str
    authorization: dict[str, Any]
    connection: EventsConnection
    active: bool = True


@dataclass
class EventsConnection:
    number: int
    form: str
    auth: dict[str, Any] | None
    protocols: list[str]
    ws: web.WebSocketResponse
    request: web.Request
    initialized: bool = False
    subscriptions: dict[str, EventsSubscription] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    ka_enabled: bool = True
    closed: bool = False

    @property
    def active(self) -> list[EventsSubscription]:
        return [s for s in self.subscriptions.values() if s.active]


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _strip(channel: str) -> str:
    return channel.strip("/")


def matches(pattern: str, channel: str) -> bool:
    """Whether a subscription to ``pattern`` receives events of ``channel``."""
    pattern, channel = _strip(pattern), _strip(channel)
    if pattern.endswith("/*"):
        return channel.startswith(pattern[:-1])
    return pattern == channel


class FakeEvents:
    """The fake Event API; a context manager."""

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        tokens: Iterable[str] = (),
        iam_keys: dict[str, KeyInfo] | None = None,
        region: str = "us-east-1",
        namespaces: Iterable[str] = ("default",),
        connection_timeout_ms: int = 300_000,
        ka_interval: float | None = 60.0,
        ack_in_payload: bool = False,
        max_subscriptions: int = 200,
    ) -> None:
        self.api_keys = set(api_keys)
        self.tokens = set(tokens)
        self.iam = SigV4Check(iam_keys or {}, region=region)
        self.namespaces = set(namespaces)
        self.connection_timeout_ms = connection_timeout_ms
        self.ka_interval = ka_interval
        self.ack_in_payload = ack_in_payload
        self.max_subscriptions = max_subscriptions
        self.on_publish: Callable[[str, list[Any]], list[Any]] | None = None
        """Per published event (channel, decoded values): what to broadcast, a
        :class:`Fail`, or :data:`DROP`; default: broadcast each unchanged."""
        self.subscribe_errors: (
            Callable[[EventsSubscription], list[dict[str, Any]] | None] | None
        ) = None
        self.connect_script: deque[ConnectBehavior] = deque()
        self.http_faults: deque[int | Literal["reset"]] = deque()
        """How the next HTTP publishes go, one entry each, after the request was read:
        a status (answered with an ``errors`` body, nothing published) or ``"reset"``
        (published, then the connection is cut before any answer)."""
        self.connections: list[EventsConnection] = []
        self.http_publishes: list[Received] = []
        self.ws_publishes: list[dict[str, Any]] = []
        self.delivered: list[tuple[str, str]] = []
        """(subscription id, event text) of every ``data`` frame sent."""
        self.violations: list[str] = []
        self.http = FakeAppSync(setup=self._setup)
        self._tasks: set[asyncio.Task[None]] = set()

    # ---- lifecycle

    def _setup(self, app: web.Application) -> None:
        app.router.add_post("/event", self._http_publish)
        app.router.add_get("/event/realtime", self._ws)

    def __enter__(self) -> FakeEvents:
        self.http.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self._call(self._close_all())
        self.http.__exit__(*exc)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http.port}/event"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.http.port}"

    @property
    def api_key(self) -> str:
        return sorted(self.api_keys)[0]

    @property
    def open_connections(self) -> list[EventsConnection]:
        return [c for c in self.connections if not c.closed]

    @property
    def active_subscriptions(self) -> list[EventsSubscription]:
        return [s for c in self.open_connections for s in c.active]

    def _violation(self, text: str) -> None:
        self.violations.append(text)

    # ---- auth

    def _check_auth(
        self, auth: Any, body: bytes, what: str, *, http_headers: dict[str, str] | None = None
    ) -> tuple[str, str | None] | None:
        """None when ``auth`` authorizes ``body``; else (errorType, message)."""
        if not isinstance(auth, dict):
            self._violation(f"{what}: no authorization object")
            return "UnauthorizedException", None
        lowered = {str(k).lower(): v for k, v in auth.items()}
        if http_headers is None and lowered.get("host") != self.host:
            self._violation(f"{what}: host {lowered.get('host')!r} is not the HTTP host")
            return "UnauthorizedException", None
        if lowered.get("x-api-key") in self.api_keys:
            return None
        authorization = lowered.get("authorization")
        if isinstance(authorization, str) and authorization in self.tokens:
            return None
        if isinstance(authorization, str) and authorization.startswith("AWS4-HMAC-SHA256 "):
            signed = re.search(r"SignedHeaders=([^,]+)", authorization)
            names = signed.group(1).split(";") if signed else []
            missing = [name for name in names if name not in lowered]
            if missing:
                return "BadRequestException", f"signed headers missing from the object: {missing}"
            if http_headers is None and not set(names) >= WS_SIGNED:
                self._violation(f"{what}: SignedHeaders {names} lack {WS_SIGNED - set(names)}")
            received = Received(
                method="POST",
                path="/event",
                query_string="",
                headers={k: str(v) for k, v in lowered.items()},
                body=body,
            )
            refused = self.iam(received)
            if refused is None:
                return None
            payload = json.loads(refused.encoded())
            first = payload["errors"][0]
            error_type = "BadRequestException" if http_headers is None else first["errorType"]
            return error_type, first.get("message")
        return "UnauthorizedException", "You are not authorized to make this call."

    # ---- publishing (shared by HTTP and WebSocket)

    def _check_channel(self, channel: Any, subscribe: bool) -> str | None:
        pattern = SUBSCRIBE_CHANNEL if subscribe else PUBLISH_CHANNEL
        if not isinstance(channel, str) or not pattern.fullmatch(channel):
            self._violation(f"bad channel sent: {channel!r}")
            return "BadRequestException"
        if _strip(channel).split("/")[0] not in self.namespaces:
            return "UnauthorizedException"
        return None

    async def _publish(self, channel: str, texts: list[str]) -> dict[str, Any]:
        values = [json.loads(text) for text in texts]
        verdicts = self.on_publish(channel, values) if self.on_publish else values
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for index, verdict in enumerate(verdicts):
            if isinstance(verdict, Fail):
                failed.append({"index": index, "code": verdict.code, "message": verdict.message})
                continue
            if verdict is DROP:
                continue
            successful.append({"identifier": str(uuid.uuid4()), "index": index})
            text = _json(verdict)
            for sub in self.active_subscriptions:
                if matches(sub.channel, channel):
                    frame = _json({"type": "data", "id": sub.id, "event": text})
                    self.delivered.append((sub.id, text))
                    await self._send(sub.connection, frame)
        return {"successful": successful, "failed": failed}

    def _publish_errors(self, message: Any) -> tuple[str, str | None] | None:
        """What is wrong with a publish body/message before auth, if anything."""
        if not isinstance(message, dict):
            self._violation("publish body is not an object")
            return "BadRequestException", "not an object"
        events = message.get("events")
        if not isinstance(events, list) or not events:
            self._violation("publish without events")
            return "BadRequestException", "events missing"
        if len(events) > 5:
            self._violation(f"publish of {len(events)} events")
            return "BadRequestException", "Input exceeded 5 event limit"
        for event in events:
            if not isinstance(event, str):
                self._violation("an event is not a JSON string")
                return "BadRequestException", "events must be strings"
            try:
                json.loads(event)
            except ValueError:
                self._violation("an event is not JSON text")
                return "BadRequestException", "event is not JSON"
        return None

    async def _http_publish(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        received = Received("POST", "/event", request.query_string, headers, body)
        self.http_publishes.append(received)

        def error(status: int, error_type: str, message: str | None) -> web.Response:
            entry: dict[str, Any] = {"errorType": error_type}
            if message is not None:
                entry["message"] = message
            return web.json_response({"errors": [entry]}, status=status)

        if not headers.get("content-type", "").startswith("application/json"):
            self._violation(f"content-type {headers.get('content-type')!r}")
        if headers.get("host") != self.host:
            self._violation(f"Host {headers.get('host')!r}")
        try:
            message = json.loads(body)
        except ValueError:
            self._violation("publish body is not JSON")
            return error(400, "BadRequestException", "body is not JSON")
        problem = self._publish_errors(message)
        if problem is not None:
            return error(400, *problem)
        refused = self._check_auth(headers, body, "HTTP publish", http_headers=headers)
        if refused is not None:
            status = 401 if refused[0] == "UnauthorizedException" else 403
            return error(status, *refused)
        channel = message.get("channel")
        bad = self._check_channel(channel, subscribe=False)
        if bad is not None:
            return error(401 if bad == "UnauthorizedException" else 400, bad, None)
        fault = self.http_faults.popleft() if self.http_faults else None
        if isinstance(fault, int):
            return error(fault, "ServiceUnavailableException", "try later")
        result = await self._publish(channel, message["events"])
        if fault == "reset":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        return web.json_response(result)

    # ---- WebSocket

    async def _send(self, conn: EventsConnection, frame: str) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await conn.ws.send_str(frame)

    def _connect_auth(self, request: web.Request, protocols: list[str]) -> tuple[str, Any]:
        for protocol in protocols:
            if protocol.startswith("header-"):
                token = protocol[len("header-") :]
                if "=" in token:
                    self._violation("header- subprotocol holds '=' padding")
                try:
                    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
                    return "subprotocol", json.loads(raw)
                except ValueError:
                    self._violation("header- subprotocol is not base64url JSON")
                    return "subprotocol", None
        if "header" in request.query:
            self._violation("query-string connect auth sent to an Event API")
            return "query", None
        lowered = {k.lower(): v for k, v in request.headers.items()}
        if "x-api-key" in lowered or "authorization" in lowered:
            auth = {k: v for k, v in lowered.items() if k not in ("sec-websocket-protocol",)}
            auth["host"] = self.host
            return "headers", auth
        return "none", None

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        offered = [
            p.strip()
            for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")
            if p.strip()
        ]
        if SUBPROTOCOL not in offered:
            self._violation(f"{SUBPROTOCOL} not offered")
            return web.Response(status=400, text="subprotocol required")
        behavior: ConnectBehavior = self.connect_script.popleft() if self.connect_script else "ok"
        if behavior == "http_500":
            return web.Response(status=500, text="<html>oops</html>")
        form, auth = self._connect_auth(request, offered)
        ws = web.WebSocketResponse(protocols=(SUBPROTOCOL,), autoping=True)
        await ws.prepare(request)
        conn = EventsConnection(len(self.connections) + 1, form, auth, offered, ws, request)
        self.connections.append(conn)
        try:
            await self._serve(conn, behavior)
        finally:
            conn.closed = True
            for sub in conn.subscriptions.values():
                sub.active = False
        return ws

    async def _keepalive(self, conn: EventsConnection) -> None:
        assert self.ka_interval is not None
        while not conn.closed:
            await asyncio.sleep(self.ka_interval)
            if conn.ka_enabled and not conn.closed:
                await self._send(conn, '{"type":"ka"}')

    async def _serve(self, conn: EventsConnection, behavior: ConnectBehavior) -> None:
        ws = conn.ws
        ka_task: asyncio.Task[None] | None = None
        refused = self._check_auth(conn.auth, b"{}", "connect")
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
                if not isinstance(message, dict):
                    self._violation("client frame is not an object")
                    continue
                conn.messages.append(message)
                kind = message.get("type")
                if kind == "connection_init":
                    if conn.initialized:
                        self._violation("connection_init sent twice")
                        continue
                    conn.initialized = True
                    if behavior == "connection_error_auth":
                        refused = ("UnauthorizedException", None)
                    if refused is not None or behavior == "connection_error":
                        error_type, text = refused or ("UnsupportedOperation", "nope")
                        entry: dict[str, Any] = {"errorType": error_type}
                        if text is not None:
                            entry["message"] = text
                        await self._send(
                            conn, _json({"type": "connection_error", "errors": [entry]})
                        )
                        await ws.close()
                        return
                    if behavior == "no_ack":
                        continue
                    ack: dict[str, Any] = {"type": "connection_ack"}
                    timing = {"connectionTimeoutMs": self.connection_timeout_ms}
                    if self.ack_in_payload:
                        ack["payload"] = timing
                    else:
                        ack.update(timing)
                    await self._send(conn, _json(ack))
                    if self.ka_interval is not None:
                        ka_task = asyncio.get_running_loop().create_task(self._keepalive(conn))
                        self._tasks.add(ka_task)
                        ka_task.add_done_callback(self._tasks.discard)
                    continue
                if not conn.initialized:
                    self._violation(f"{kind!r} before connection_init")
                if kind == "subscribe":
                    await self._on_subscribe(conn, message)
                elif kind == "unsubscribe":
                    await self._on_unsubscribe(conn, message)
                elif kind == "publish":
                    await self._on_publish(conn, message)
                else:
                    self._violation(f"unexpected client message type {kind!r}")
        finally:
            if ka_task is not None:
                ka_task.cancel()

    async def _op_error(
        self, conn: EventsConnection, kind: str, id: Any, error_type: str, message: str | None
    ) -> None:
        entry: dict[str, Any] = {"errorType": error_type}
        if message is not None:
            entry["message"] = message
        await self._send(conn, _json({"type": kind, "id": id, "errors": [entry]}))

    async def _on_subscribe(self, conn: EventsConnection, message: dict[str, Any]) -> None:
        id, channel = message.get("id"), message.get("channel")
        if not isinstance(id, str) or not OPERATION_ID.fullmatch(id):
            self._violation(f"subscribe id {id!r}")
            return
        bad = self._check_channel(channel, subscribe=True)
        if bad is not None:
            await self._op_error(conn, "subscribe_error", id, bad, None)
            return
        body = _json({"channel": channel}).encode()
        refused = self._check_auth(message.get("authorization"), body, "subscribe")
        if refused is not None:
            await self._op_error(conn, "subscribe_error", id, *refused)
            return
        if id in conn.subscriptions and conn.subscriptions[id].active:
            self._violation("duplicate subscription id")
            await self._op_error(conn, "subscribe_error", id, "DuplicateSubscriptionId", None)
            return
        if len(conn.active) >= self.max_subscriptions:
            await self._op_error(
                conn, "subscribe_error", id, "MaxSubscriptionsReachedError", "too many"
            )
            return
        sub = EventsSubscription(id, channel, message.get("authorization") or {}, conn)
        if self.subscribe_errors is not None:
            errors = self.subscribe_errors(sub)
            if errors:
                await self._send(
                    conn, _json({"type": "subscribe_error", "id": id, "errors": errors})
                )
                return
        conn.subscriptions[id] = sub
        await self._send(conn, _json({"type": "subscribe_success", "id": id}))

    async def _on_unsubscribe(self, conn: EventsConnection, message: dict[str, Any]) -> None:
        id = message.get("id")
        if "authorization" in message:
            self._violation("unsubscribe carries authorization")
        sub = conn.subscriptions.get(id) if isinstance(id, str) else None
        if sub is None:
            self._violation(f"unsubscribe of an unknown id {id!r}")
            await self._op_error(conn, "unsubscribe_error", id, "UnknownOperationError", None)
            return
        sub.active = False
        await self._send(conn, _json({"type": "unsubscribe_success", "id": id}))

    async def _on_publish(self, conn: EventsConnection, message: dict[str, Any]) -> None:
        self.ws_publishes.append(message)
        id, channel = message.get("id"), message.get("channel")
        if not isinstance(id, str) or not OPERATION_ID.fullmatch(id):
            self._violation(f"publish id {id!r}")
            return
        problem = self._publish_errors(message)
        if problem is not None:
            error_type = "InvalidInputError" if "limit" in (problem[1] or "") else problem[0]
            await self._op_error(conn, "publish_error", id, error_type, problem[1])
            return
        bad = self._check_channel(channel, subscribe=False)
        if bad is not None:
            await self._op_error(conn, "publish_error", id, bad, None)
            return
        body = _json({"channel": channel, "events": message["events"]}).encode()
        refused = self._check_auth(message.get("authorization"), body, "publish")
        if refused is not None:
            await self._op_error(conn, "publish_error", id, *refused)
            return
        result = await self._publish(channel, message["events"])
        await self._send(conn, _json({"type": "publish_success", "id": id, **result}))

    # ---- steering (thread-safe: runs in the fake's loop)

    def _call(self, coro: Awaitable[T]) -> T:
        async def run() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(run(), self.http.loop).result(10)

    async def _close_all(self) -> None:
        for conn in self.open_connections:
            with contextlib.suppress(Exception):
                await conn.ws.close()
        for task in list(self._tasks):
            task.cancel()

    def publish(self, channel: str, *values: Any) -> dict[str, Any]:
        """Publish from the server side (as another client would)."""
        return self._call(self._publish(channel, [_json(value) for value in values]))

    def send_raw(self, frame: str) -> None:
        """Send any text frame on every open connection."""

        async def send() -> None:
            for conn in self.open_connections:
                await self._send(conn, frame)

        self._call(send())

    def broadcast_error(self, sub_id: str) -> None:
        self.send_raw(
            _json(
                {
                    "type": "broadcast_error",
                    "id": sub_id,
                    "errors": [{"errorType": "MessageProcessingError", "message": "lost"}],
                }
            )
        )

    def silence(self) -> None:
        """Stop keep-alives on the connections open now."""
        for conn in self.open_connections:
            conn.ka_enabled = False

    def drop(self) -> None:
        """Cut every open connection abruptly."""

        async def cut() -> None:
            for conn in self.open_connections:
                conn.closed = True
                for sub in conn.subscriptions.values():
                    sub.active = False
                transport = conn.request.transport
                if transport is not None:
                    transport.abort()

        self._call(cut())

    async def wait_for(
        self, predicate: Callable[[], object], timeout: float = 5.0, what: str = ""
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}")
            await asyncio.sleep(0.005)

    def wait_for_sync(
        self, predicate: Callable[[], object], timeout: float = 5.0, what: str = ""
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}")
            time.sleep(0.005)
