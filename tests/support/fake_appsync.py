"""A local AppSync-shaped server for what the simulator cannot show.

It runs aiohttp.web on 127.0.0.1 in a background thread, records every request, and
answers each one with a programmable :class:`Reply` (or a handler function), so tests
can stage HTML error pages, throttling, resets and signature checks.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    """One staged answer."""

    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

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

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[Received], Reply]


class FakeAppSync:
    """Context manager: ``with FakeAppSync() as fake: fake.url ...``."""

    def __init__(self, setup: Callable[[web.Application], None] | None = None) -> None:
        """``setup`` may add routes (e.g. a real-time WebSocket endpoint) to the app."""
        self._setup = setup
        self.received: list[Received] = []
        self.replies: deque[Reply] = deque()
        self.handler: Handler | None = None
        self.default = Reply(200, {"data": {"ok": True}}, {"content-type": "application/json"})
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

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        received = Received(
            method=request.method,
            path=request.raw_path.split("?", 1)[0],
            query_string=request.query_string,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.read(),
        )
        self.received.append(received)
        if self.replies:
            reply = self.replies.popleft()
        elif self.handler is not None:
            reply = self.handler(received)
        else:
            reply = self.default
        if reply.delay:
            await asyncio.sleep(reply.delay)
        headers = {"x-amzn-RequestId": f"req-{len(self.received)}", **reply.headers}
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
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

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
