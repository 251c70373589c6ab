"""A local AppSync-shaped server for what the simulator cannot show.

It runs aiohttp.web on 127.0.0.1 in a background thread, records every request, and
answers each one with a programmable :class:`Reply` (or a handler function), so tests
can stage HTML error pages, throttling, resets and signature checks.

Faults (``Reply(fault=...)``): ``"reset_before"`` drops the connection (TCP reset)
before reading the request; ``"reset_after"`` executes, then drops it before any
response; ``"truncate"`` sends the head and part of the body, announcing more with
``Content-Length``, then closes. ``delay`` makes a reply slow.

Exactly-once accounting: a mutation that carries an id (variables ``id``,
``clientMutationId``, or either inside ``input``) is counted in :attr:`executions`
each time the server "executes" it: when its reply succeeds, or fails only after the
work was done (``reset_after``, ``truncate``, a slow reply, 500/502/504). A 429, 503,
4xx or ``reset_before`` does not execute it. Operation types are read with
graphql-core, an implementation independent of the client's.
"""

from __future__ import annotations

import asyncio
import functools
import json
import socket
import struct
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

FAULTS = ("reset_before", "reset_after", "truncate")
_EXECUTING_ERRORS = (500, 502, 504)  # the work may be done when these come back


@dataclass
class Reply:
    """One staged answer."""

    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fault: str | None = None
    executes: bool | None = None  # None: decided by fault and status (module docstring)

    def __post_init__(self) -> None:
        assert self.fault is None or self.fault in FAULTS, self.fault

    @property
    def executes_mutation(self) -> bool:
        if self.executes is not None:
            return self.executes
        if self.fault == "reset_before":
            return False
        return self.status < 400 or self.status in _EXECUTING_ERRORS

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    peer: tuple[str, int] | None = None  # the client's address: one per connection

    def json(self) -> Any:
        return json.loads(self.body)


@functools.lru_cache(maxsize=256)
def _operation_type(query: str, name: str | None) -> str | None:
    from graphql import GraphQLError, get_operation_ast, parse

    try:
        operation = get_operation_ast(parse(query), name)
    except (GraphQLError, RecursionError):
        return None
    return operation.operation.value if operation is not None else None


def mutation_id(received: Received) -> str | None:
    """The id a mutation request carries, or None (not a mutation, or no id)."""
    try:
        payload = json.loads(received.body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    name = payload.get("operationName")
    if _operation_type(payload["query"], name if isinstance(name, str) else None) != "mutation":
        return None
    variables = payload.get("variables") or {}
    for scope in (variables, variables.get("input") or {}):
        if isinstance(scope, dict):
            for key in ("clientMutationId", "id"):
                if isinstance(scope.get(key), str):
                    return str(scope[key])
    return None


def _reset(request: web.Request) -> None:
    """Drop the connection with a TCP reset (SO_LINGER 0), not a polite FIN."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


Handler = Callable[[Received], Reply]


def default_reply() -> Reply:
    """What the server answers when nothing is staged and there is no handler."""
    return Reply(200, {"data": {"ok": True}}, {"content-type": "application/json"})


class FakeAppSync:
    """Context manager: ``with FakeAppSync() as fake: fake.url ...``."""

    def __init__(self, setup: Callable[[web.Application], None] | None = None) -> None:
        """``setup`` may add routes (e.g. a real-time WebSocket endpoint) to the app."""
        self._setup = setup
        self.received: list[Received] = []
        self.replies: deque[Reply] = deque()
        self.handler: Handler | None = None
        self.default = default_reply()
        self.executions: Counter[str] = Counter()
        """Times each mutation id was executed (module docstring)."""
        self.peers: set[tuple[str, int]] = set()
        """Client addresses seen: one per TCP connection opened to the fake."""
        self.in_flight = 0
        self.max_in_flight = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def reply(self, *replies: Reply) -> None:
        """Stage answers, used in order before falling back to the handler/default."""
        self.replies.extend(replies)

    def reset(self) -> None:
        """Back to a fresh server: nothing staged, no handler, the default reply, no counts."""
        self.replies.clear()
        self.handler = None
        self.default = default_reply()
        self.reset_counts()

    def reset_counts(self) -> None:
        """Forget requests, executions and connections seen so far."""
        self.received.clear()
        self.executions.clear()
        self.peers.clear()
        self.max_in_flight = 0

    @property
    def executed_twice(self) -> dict[str, int]:
        """Mutation ids executed more than once, with their counts."""
        return {mid: count for mid, count in self.executions.items() if count > 1}

    def _next_reply(self, received: Received) -> Reply:
        if self.replies:
            return self.replies.popleft()
        if self.handler is not None:
            return self.handler(received)
        return self.default

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer is not None:
            self.peers.add((peer[0], peer[1]))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._answer(request, peer)
        finally:
            self.in_flight -= 1

    async def _answer(
        self, request: web.Request, peer: tuple[str, int] | None
    ) -> web.StreamResponse:
        staged = self.replies.popleft() if self.replies else None
        if staged is not None and staged.fault == "reset_before":
            _reset(request)
            raise asyncio.CancelledError  # nothing more to do for this connection
        received = Received(
            method=request.method,
            path=request.raw_path.split("?", 1)[0],
            query_string=request.query_string,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.read(),
            peer=(peer[0], peer[1]) if peer is not None else None,
        )
        self.received.append(received)
        reply = staged if staged is not None else self._next_reply(received)
        if reply.fault == "reset_before":  # chosen by a handler: the request was read
            _reset(request)
            raise asyncio.CancelledError
        if reply.executes_mutation:
            mid = mutation_id(received)
            if mid is not None:
                self.executions[mid] += 1
        if reply.delay:
            await asyncio.sleep(reply.delay)
        headers = {"x-amzn-RequestId": f"req-{len(self.received)}", **reply.headers}
        if reply.fault == "reset_after":
            _reset(request)
            raise asyncio.CancelledError
        if reply.fault == "truncate":
            body = reply.encoded()
            response = web.StreamResponse(
                status=reply.status, headers={**headers, "Content-Length": str(len(body) + 100)}
            )
            await response.prepare(request)
            await response.write(body[: len(body) // 2])
            if request.transport is not None:
                request.transport.close()
            return response
        return web.Response(status=reply.status, body=reply.encoded(), headers=headers)

    async def _start(self) -> None:
        app = web.Application()
        if self._setup is not None:
            self._setup(app)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The server's event loop (runs in its own thread)."""
        return self._loop

    def __enter__(self) -> FakeAppSync:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
