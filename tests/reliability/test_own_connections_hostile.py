"""The async client's own HTTP/1.1 connections against hostile servers.

Each server here is a raw asyncio server on 127.0.0.1 whose every connection a test
scripts byte by byte: it may reset (``SO_LINGER`` 0), stall, close, answer twice,
answer before reading the request, or trickle. What is checked is what a caller must
be able to rely on: an answer is its own or the call fails with an
:class:`~appsync_runtime.errors.AppSyncError` (or ``CancelledError`` when it was
cancelled); a response cut short is never a success; no call outlives its deadline by
much; and whatever happened, the pool's count of open connections comes back and a
later call does not wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import pytest

from appsync_runtime import (
    AppSyncNetworkError,
    Timeout,
)
from appsync_runtime._pool import Http1Pool
from appsync_runtime._request import HttpRequest
from appsync_runtime._transport import AiohttpTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    """Runs ``handler`` on each connection; counts connections."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.port = 0
        self.tasks: set[asyncio.Task[None]] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            await self.handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self.tasks.discard(task)
            writer.transport.abort()


@contextlib.asynccontextmanager
async def serving(
    handler: Handler, context: ssl.SSLContext | None = None
) -> AsyncGenerator[Server]:
    server = Server(handler)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=context)
    server.port = listener.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        listener.close()
        for task in list(server.tasks):
            task.cancel()
        await asyncio.sleep(0)


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """One request's body."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    return await reader.readexactly(length)


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (RST), not a FIN."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def answer(body: bytes, *extra: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"".join(extra)
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body


async def echo_forever(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        body = await read_request(reader)
        writer.write(answer(body))
        await writer.drain()


def request(
    port: int,
    body: bytes,
    *,
    read: float = 5.0,
    total: float | None = 5.0,
    connect: float = 2.0,
    scheme: str = "http",
    host: str = "127.0.0.1",
) -> HttpRequest:
    deadline = None if total is None else time.monotonic() + total
    return HttpRequest(
        "POST",
        f"{scheme}://{host}:{port}/graphql",
        {"content-type": "application/json"},
        body,
        Timeout(connect=connect, read=read, total=total),
        deadline,
    )


def run(coroutine: Awaitable[None]) -> None:
    asyncio.run(coroutine)  # type: ignore[arg-type]


def pool_of(transport: AiohttpTransport) -> Http1Pool:
    pool = transport._pool  # pyright: ignore[reportPrivateUsage]
    assert pool is not None
    return pool


async def settled(pool: Http1Pool) -> None:
    """With no call in flight, every open connection is an idle one and none is
    half-way open (closes are seen a loop turn or two later)."""
    for _ in range(20):
        await asyncio.sleep(0.005)
        idle = [c for conns in pool._idle.values() for c in conns]  # pyright: ignore[reportPrivateUsage]
        if set(idle) == pool._open and pool._opening == 0:  # pyright: ignore[reportPrivateUsage]
            break
    idle = [c for conns in pool._idle.values() for c in conns]  # pyright: ignore[reportPrivateUsage]
    assert set(idle) == pool._open  # pyright: ignore[reportPrivateUsage]
    assert len(idle) == len(pool._open)  # pyright: ignore[reportPrivateUsage]
    assert pool._opening == 0  # pyright: ignore[reportPrivateUsage]
    assert all(not c.closed for c in idle)
    assert not [w for w in pool._waiters if not w.done()]  # pyright: ignore[reportPrivateUsage]


async def bounded(awaitable: Awaitable[Any], seconds: float) -> Any:
    """``awaitable``'s outcome; fails the test if it is not over within ``seconds``."""
    started = time.monotonic()
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except asyncio.TimeoutError:
        pytest.fail(f"still waiting after {time.monotonic() - started:.1f} s")


# ------------------------------------------------------------------ bodies read to the close


def test_a_close_delimited_body_ended_by_a_reset_is_not_a_success() -> None:
    # HTTP/1.0 without Content-Length: the body ends where the connection does. A FIN
    # ends it; a reset (RST) cuts it, and what came so far is only part of it.
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = await read_request(reader)
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart of ")
        await writer.drain()
        await asyncio.sleep(0.05)
        if body == b"reset":
            reset(writer)
        else:
            writer.write(b"the body")
            await writer.drain()
            writer.close()

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport()
            whole = await transport.send(request(server.port, b"fin"))
            assert whole.content == b"part of the body"
            with pytest.raises(AppSyncNetworkError, match="in the middle of the response"):
                await transport.send(request(server.port, b"reset"))
            await settled(pool_of(transport))
            await transport.aclose()

    run(go())


def test_aclose_during_a_close_delimited_body_fails_the_call() -> None:
    # The client closing its own connections is not the server ending the body.
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.0 200 OK\r\n\r\npart of ")
        await writer.drain()
        await asyncio.sleep(2)

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport()
            call = asyncio.ensure_future(transport.send(request(server.port, b"x")))
            await asyncio.sleep(0.1)
            await transport.aclose()
            with pytest.raises(AppSyncNetworkError, match="the client closed the connection"):
                await bounded(call, 1.0)

    run(go())
