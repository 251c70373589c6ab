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
import gc
import gzip
import socket
import ssl
import struct
import threading
import time
import warnings
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appsync_runtime import (
    AppSyncConfigError,
    AppSyncError,
    AppSyncNetworkError,
    AppSyncResponseTooLargeError,
    AppSyncTimeoutError,
    Timeout,
    _pool,
)
from appsync_runtime._deadlines import async_deadline
from appsync_runtime._pool import Http1Pool
from appsync_runtime._request import HttpRequest
from appsync_runtime._transport import AiohttpTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    """Runs ``handler`` on each connection; counts connections."""

    def __init__(self, handler: Handler, gauge: list[int] | None = None) -> None:
        self.handler = handler
        self.connections = 0
        self.port = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self.gauge = [0, 0] if gauge is None else gauge  # open now, most open (shareable)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.gauge[0] += 1
        self.gauge[1] = max(self.gauge)
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            await self.handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self.gauge[0] -= 1
            self.tasks.discard(task)
            writer.transport.abort()


@contextlib.asynccontextmanager
async def serving(
    handler: Handler, context: ssl.SSLContext | None = None, gauge: list[int] | None = None
) -> AsyncGenerator[Server]:
    server = Server(handler, gauge)
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


# ------------------------------------------------------------------ every failure, then the pool


async def _then_pause(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(data)
    await writer.drain()
    await asyncio.sleep(3)


Script = Callable[[asyncio.StreamWriter], Awaitable[None]]
BEHAVIOURS: dict[str, tuple[Script, type[BaseException]]] = {}


def behaviour(error: type[BaseException]) -> Callable[[Script], Script]:
    def register(script: Script) -> Script:
        BEHAVIOURS[script.__name__] = (script, error)
        return script

    return register


@behaviour(AppSyncNetworkError)
async def close_at_once(writer: asyncio.StreamWriter) -> None:
    writer.close()


@behaviour(AppSyncNetworkError)
async def reset_at_once(writer: asyncio.StreamWriter) -> None:
    reset(writer)


@behaviour(AppSyncNetworkError)
async def reset_mid_head(writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-")
    await writer.drain()
    await asyncio.sleep(0.02)
    reset(writer)


@behaviour(AppSyncNetworkError)
async def reset_mid_body(writer: asyncio.StreamWriter) -> None:
    writer.write(answer(b"0123456789")[:-3])
    await writer.drain()
    await asyncio.sleep(0.02)
    reset(writer)


@behaviour(AppSyncNetworkError)
async def close_mid_chunk(writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")
    await writer.drain()
    writer.close()


@behaviour(AppSyncNetworkError)
async def garbage(writer: asyncio.StreamWriter) -> None:
    await _then_pause(writer, b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


@behaviour(AppSyncNetworkError)
async def switch_protocols(writer: asyncio.StreamWriter) -> None:
    await _then_pause(writer, b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n")


@behaviour(AppSyncNetworkError)
async def bad_gzip(writer: asyncio.StreamWriter) -> None:
    await _then_pause(writer, answer(b"\x1f\x8b\x08\x00not gzip", b"Content-Encoding: gzip\r\n"))


@behaviour(AppSyncNetworkError)
async def truncated_gzip(writer: asyncio.StreamWriter) -> None:
    body = gzip.compress(b'{"data": {"x": 1}}')[:-6]
    await _then_pause(writer, answer(body, b"Content-Encoding: gzip\r\n"))


@behaviour(AppSyncResponseTooLargeError)
async def too_large_announced(writer: asyncio.StreamWriter) -> None:
    await _then_pause(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nabc")


@behaviour(AppSyncResponseTooLargeError)
async def too_large_chunked(writer: asyncio.StreamWriter) -> None:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    await _then_pause(writer, head + b"800\r\n" + b"x" * 0x800 + b"\r\n" * 2)


@behaviour(AppSyncResponseTooLargeError)
async def gzip_bomb(writer: asyncio.StreamWriter) -> None:
    await _then_pause(writer, answer(gzip.compress(b"\0" * 200_000), b"Content-Encoding: gzip\r\n"))


@behaviour(AppSyncTimeoutError)
async def silent(writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(3)


@behaviour(AppSyncTimeoutError)
async def head_then_silent(writer: asyncio.StreamWriter) -> None:
    await _then_pause(writer, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01")


@behaviour(AppSyncTimeoutError)
async def informational_storm(writer: asyncio.StreamWriter) -> None:
    for _ in range(400):
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.005)


LIMIT = 1024  # max_response_bytes for these calls


@pytest.mark.parametrize("name", sorted(BEHAVIOURS))
def test_after_any_failure_the_connection_goes_and_the_next_call_does_not_wait(name: str) -> None:
    script, error = BEHAVIOURS[name]

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            body = await read_request(reader)
            if body == b"hostile":
                await script(writer)
                return
            writer.write(answer(body))
            await writer.drain()

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport(limit=1, max_response_bytes=LIMIT)
            first = await transport.send(request(server.port, b"warm"))
            assert first.content == b"warm"
            started = time.monotonic()
            with pytest.raises(error) as caught:
                await bounded(
                    transport.send(request(server.port, b"hostile", read=0.3, total=1)), 3
                )
            assert time.monotonic() - started < 1 + 1.5
            assert isinstance(caught.value, AppSyncError)
            await settled(pool_of(transport))
            after = await bounded(transport.send(request(server.port, b"after", total=2)), 3)
            assert after.content == b"after"
            assert server.connections == 2
            await settled(pool_of(transport))
            await transport.aclose()

    run(go())


# ------------------------------------------------------------------ cancellation, concurrency


async def planned(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers each request as its body plans: ``id:delay_ms:pieces:mode`` (mode 0:
    answer in ``pieces`` parts ``delay_ms`` apart; 1: close half-way; 2: reset
    half-way; 3: answer twice)."""
    while True:
        body = await read_request(reader)
        _, delay, pieces, mode = (int(part) for part in body.split(b":"))
        data = answer(body)
        if mode in (1, 2):
            data = data[: len(data) // 2]
        size = max(1, len(data) // pieces)
        for at in range(0, len(data), size):
            await asyncio.sleep(delay / 1000)
            last = at + size >= len(data)
            # a second answer comes with the end of the first (one write: one segment)
            writer.write(
                data[at : at + size] + (answer(b"not yours") if mode == 3 and last else b"")
            )
            await writer.drain()
        if mode == 1:
            writer.close()
            return
        if mode == 2:
            await asyncio.sleep(delay / 1000)
            reset(writer)
            return


_TLS: dict[str, ssl.SSLContext] = {}


@contextlib.contextmanager
def counting_connections(gauge: list[int]) -> Any:
    """Count the client's connections from connection_made to connection_lost."""
    made, lost = _pool._Connection.connection_made, _pool._Connection.connection_lost  # pyright: ignore[reportPrivateUsage]

    def counted_made(self: Any, transport: Any) -> None:
        gauge[0] += 1
        gauge[1] = max(gauge)
        made(self, transport)

    def counted_lost(self: Any, exc: Exception | None) -> None:
        gauge[0] -= 1
        lost(self, exc)

    _pool._Connection.connection_made = counted_made  # type: ignore[method-assign]  # pyright: ignore[reportPrivateUsage]
    _pool._Connection.connection_lost = counted_lost  # type: ignore[method-assign]  # pyright: ignore[reportPrivateUsage]
    try:
        yield
    finally:
        _pool._Connection.connection_made = made  # type: ignore[method-assign]  # pyright: ignore[reportPrivateUsage]
        _pool._Connection.connection_lost = lost  # type: ignore[method-assign]  # pyright: ignore[reportPrivateUsage]


def _tls_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    if not _TLS:
        trustme = pytest.importorskip("trustme")
        ca = trustme.CA()
        server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(server)
        client = ssl.create_default_context()
        ca.configure_trust(client)
        _TLS.update(server=server, client=client)
    return _TLS["server"], _TLS["client"]


_CALLS = st.lists(
    st.tuples(
        st.integers(0, 6),  # server delay between pieces, ms
        st.integers(1, 4),  # pieces
        st.sampled_from([0, 0, 0, 1, 2, 3]),  # mode
        st.one_of(st.none(), st.floats(0, 0.03)),  # cancel after (s)
        st.sampled_from(["cancel", "timeout"]),  # how
        st.integers(0, 1),  # which of two servers (hosts)
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    calls=_CALLS,
    limit=st.integers(1, 3),
    tls=st.booleans(),
    total=st.sampled_from([2.0, None]),
)
def test_cancelled_failed_and_answered_calls_in_any_mix(
    calls: list[tuple[int, int, int, float | None, str, int]],
    limit: int,
    tls: bool,
    total: float | None,
) -> None:
    """Calls to two hosts sharing a small pool, cancelled at generated moments (while
    waiting for a connection, connecting, or reading) or failed by the server: each gets
    its own answer, CancelledError/TimeoutError (cancelled by its caller) or an
    AppSyncError; no call lasts past its deadline, the limit holds across hosts, and
    the pool ends with nothing in flight."""
    server_context, client_context = _tls_contexts() if tls else (None, None)

    async def one(
        transport: AiohttpTransport,
        port: int,
        n: int,
        call: tuple[int, int, int, float | None, str, int],
    ) -> None:
        delay, pieces, mode, cancel_after, how, _ = call
        body = b"%d:%d:%d:%d" % (n, delay, pieces, mode)
        req = request(port, body, read=1, total=total, scheme="https" if tls else "http")
        started = time.monotonic()
        try:
            if cancel_after is not None and how == "timeout":
                async with async_deadline(cancel_after):  # asyncio.timeout from 3.11
                    response = await transport.send(req)
            else:
                response = await transport.send(req)
        except (asyncio.CancelledError, TimeoutError):
            assert cancel_after is not None
            raise
        except AppSyncError:
            pass
        else:
            assert response.content == body
            assert mode in (0, 3)
        finally:
            # with no total, a call may wait for the others' turns (each within its read)
            assert time.monotonic() - started < (2 if total else 1 + len(calls)) + 1.5

    async def go() -> None:
        async with (
            serving(planned, server_context) as server,
            serving(planned, server_context) as other,
        ):
            transport = AiohttpTransport(limit=limit)
            pool = transport._new_pool()  # pyright: ignore[reportPrivateUsage]
            pool._ssl = client_context  # pyright: ignore[reportPrivateUsage]
            ports = (server.port, other.port)
            tasks = [
                asyncio.ensure_future(one(transport, ports[call[5]], n, call))
                for n, call in enumerate(calls)
            ]
            for task, call in zip(tasks, calls, strict=True):
                if call[3] is not None and call[4] == "cancel":
                    asyncio.get_running_loop().call_later(call[3], task.cancel)
            results = await asyncio.gather(*tasks, return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException) and not isinstance(
                    result, (asyncio.CancelledError, TimeoutError)
                ):
                    raise result
            await settled(pool)
            assert gauge[1] <= limit, "more connections open at once than the limit"
            body = b"%d:0:1:0" % len(calls)
            scheme = "https" if tls else "http"
            after = await bounded(transport.send(request(server.port, body, scheme=scheme)), 3)
            assert after.content == body
            await transport.aclose()

    gauge = [0, 0]  # the client's connections open now, and most open at once
    with counting_connections(gauge):
        run(go())


# ------------------------------------------------------------------ connecting


@contextlib.contextmanager
def full_backlog() -> Any:
    """A listening port that completes no more handshakes: its backlog is full."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def _refused_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.mark.parametrize("how", ["refused", "unresolvable", "connect timeout", "tls hangs"])
def test_a_failed_connect_gives_back_its_slot(how: str) -> None:
    """limit=1: a failed connect must free the one slot for the next call, and each
    failure says nothing was sent."""

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3)  # takes the TCP connection, never answers the TLS hello

    async def go() -> None:
        async with serving(silent) as hang, serving(echo_forever) as good:
            transport = AiohttpTransport(limit=1)
            with full_backlog() as backlog:
                target, error = {
                    "refused": (request(_refused_port(), b"x"), AppSyncNetworkError),
                    "unresolvable": (
                        request(80, b"x", host="nonexistent.invalid"),
                        AppSyncNetworkError,
                    ),
                    "connect timeout": (request(backlog, b"x", connect=0.3), AppSyncTimeoutError),
                    "tls hangs": (
                        request(hang.port, b"x", connect=0.3, scheme="https"),
                        AppSyncTimeoutError,
                    ),
                }[how]
                for _ in range(2):
                    with pytest.raises(error) as caught:
                        await bounded(transport.send(target), 3)
                    assert caught.value.sent is False
                    await settled(pool_of(transport))
            after = await bounded(transport.send(request(good.port, b"after")), 3)
            assert after.content == b"after"
            await transport.aclose()

    run(go())


def test_calls_waiting_behind_a_failing_connect_each_get_a_turn() -> None:
    """limit=1, many calls at once to a port where connects time out: each call fails
    by its own deadline, none waits for ever, and the slot is free after."""

    async def go() -> None:
        async with serving(echo_forever) as good:
            transport = AiohttpTransport(limit=1)
            with full_backlog() as port:
                calls = [
                    transport.send(request(port, b"%d" % n, connect=0.1, total=0.6))
                    for n in range(6)
                ]
                results = await bounded(asyncio.gather(*calls, return_exceptions=True), 3)
            assert all(isinstance(result, AppSyncTimeoutError) for result in results), results
            await settled(pool_of(transport))
            after = await bounded(transport.send(request(good.port, b"after")), 3)
            assert after.content == b"after"
            await transport.aclose()

    run(go())


# ------------------------------------------------------------------ closing


def test_aclose_with_calls_in_flight_and_waiting() -> None:
    """Every call then ends at once with an AppSyncError; the transport works after."""

    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            body = await read_request(reader)
            if body.startswith(b"stall"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01")
                await writer.drain()
                await asyncio.sleep(3)
            writer.write(answer(body))
            await writer.drain()

    async def go() -> None:
        async with serving(stall) as server:
            transport = AiohttpTransport(limit=2)
            calls = [
                asyncio.ensure_future(transport.send(request(server.port, b"stall-%d" % n)))
                for n in range(5)
            ]
            await asyncio.sleep(0.2)
            await transport.aclose()
            results = await bounded(asyncio.gather(*calls, return_exceptions=True), 1)
            assert all(isinstance(result, AppSyncNetworkError) for result in results), results
            after = await bounded(transport.send(request(server.port, b"after")), 3)
            assert after.content == b"after"
            await transport.aclose()

    run(go())


# ------------------------------------------------------------------ status lines


@pytest.mark.parametrize("status", [b"000", b"099", b"042"])
def test_a_status_below_100_is_refused_not_skipped_as_informational(status: bytes) -> None:
    """Only 1xx heads are informational: a head with a status under 100 is not a
    response at all, and what follows it must not be taken as the answer."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = await read_request(reader)
        await _then_pause(writer, b"HTTP/1.1 " + status + b" Odd\r\n\r\n" + answer(body))

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport()
            with pytest.raises(AppSyncNetworkError, match="status line"):
                await bounded(transport.send(request(server.port, b"x")), 3)
            await settled(pool_of(transport))
            await transport.aclose()

    run(go())


def test_an_endless_stream_of_informational_heads_is_refused() -> None:
    """With no total deadline, each 1xx head resets the read timeout: without a bound
    on the heads of one response, a server sending them for ever holds the call for
    ever. They count towards the head limit."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        for _ in range(20_000):
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" * 10)
            await writer.drain()
            await asyncio.sleep(0.0005)

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport()
            with pytest.raises(AppSyncNetworkError, match="head"):
                await bounded(transport.send(request(server.port, b"x", read=1, total=None)), 5)
            await settled(pool_of(transport))
            await transport.aclose()

    run(go())


# ------------------------------------------------------------------ answered early


@pytest.mark.parametrize("tls", [False, True])
def test_a_connection_answered_before_its_request_was_sent_is_not_reused(tls: bool) -> None:
    """A server may answer before it has read the whole request (a large body). That
    connection then still holds the rest of the body to send: reused, its next request
    would go out behind it, and a server reading those bytes as a request would answer
    them, in the next call's place. Like h11, the client reuses a connection only when
    its request went out whole."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if b"early" not in head:
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            writer.write(answer(await reader.readexactly(length)))
            await echo_forever(reader, writer)
            return
        writer.write(answer(b"early"))
        await writer.drain()
        await asyncio.sleep(0.2)
        rest = await reader.read(65536)
        if not rest.startswith(b"POST"):  # what a server reading a request finds
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 7\r\n\r\ngarbage")
        while await reader.read(1 << 20):
            pass

    server_context, client_context = _tls_contexts() if tls else (None, None)
    scheme = "https" if tls else "http"

    async def go() -> None:
        async with serving(handler, server_context) as server:
            transport = AiohttpTransport()
            transport._new_pool()._ssl = client_context  # pyright: ignore[reportPrivateUsage]
            big = request(server.port, b"early" + b"x" * (32 << 20), scheme=scheme)
            big.headers["x-mode"] = "early"
            first = await bounded(transport.send(big), 5)
            assert first.content == b"early"
            second = await bounded(
                transport.send(request(server.port, b"second", scheme=scheme)), 5
            )
            assert (second.status, second.content) == (200, b"second")
            await transport.aclose()

    run(go())


# ------------------------------------------------------------------ event loops ending


@contextlib.contextmanager
def threaded_echo() -> Any:
    """An echo server in a thread (it outlives event loops); yields its port and a
    list that gets one entry per connection the client closed."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    closed: list[int] = []
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        conn.settimeout(0.05)
        buffer = b""
        with conn:
            while not stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    closed.append(1)
                    return
                buffer += data
                if b"\r\n\r\n" in buffer:
                    head, _, body = buffer.partition(b"\r\n\r\n")
                    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                    if len(body) >= length:
                        conn.sendall(answer(body[:length]))
                        buffer = body[length:]

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], closed
    finally:
        stop.set()
        thread.join()
        listener.close()


def test_connections_of_an_event_loop_that_ended_are_closed_by_the_next() -> None:
    """``asyncio.run`` per call (as a Lambda handler may do) with one client: the idle
    connection the first loop left cannot be used by the next; it is closed then,
    not left open until the garbage collector finds it."""
    transport = AiohttpTransport()

    async def call(port: int, body: bytes) -> None:
        assert (await transport.send(request(port, body))).content == body

    collecting = gc.isenabled()
    gc.disable()  # the collector would close it too, at some later time
    try:
        with threaded_echo() as (port, closed):
            run(call(port, b"first loop"))
            time.sleep(0.1)
            assert not closed
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                run(call(port, b"second loop"))
            for _ in range(40):
                if closed:
                    break
                time.sleep(0.025)
            assert closed, "the first loop's connection is still open"
            run(transport.aclose())
    finally:
        if collecting:
            gc.enable()


def test_aclose_after_the_event_loop_ended_closes_the_connections() -> None:
    """A client used in one ``asyncio.run`` and closed in another: aclose neither
    raises (asyncio cannot close a transport of a closed loop) nor leaves the first
    loop's connection open."""
    transport = AiohttpTransport()

    async def call(port: int) -> None:
        assert (await transport.send(request(port, b"x"))).content == b"x"

    collecting = gc.isenabled()
    gc.disable()
    try:
        with threaded_echo() as (port, closed):
            run(call(port))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                run(transport.aclose())
            for _ in range(40):
                if closed:
                    break
                time.sleep(0.025)
            assert closed, "the connection is still open"
    finally:
        if collecting:
            gc.enable()


# ------------------------------------------------------------------ framings, generated


@st.composite
def planned_responses(draw: st.DrawFn) -> tuple[bytes, bytes, bool]:
    """A valid response: its bytes, the body a caller must get (decoded), and whether
    its connection may carry the next request."""
    body = draw(st.binary(max_size=400))
    wire = body
    fields = [b"Content-Type: application/json"]
    if draw(st.booleans()):
        wire = gzip.compress(body)
        fields.append(b"Content-Encoding: gzip")
    out = b""
    for _ in range(draw(st.integers(0, 2))):
        out += b"HTTP/1.1 %d Info\r\nX-Hint: a\r\n\r\n" % draw(st.sampled_from([100, 102, 103]))
    minor = draw(st.sampled_from([b"1", b"1", b"0"]))
    framing = draw(st.sampled_from(["length", "chunked", "close"]))
    keep = minor == b"1" and framing != "close"
    if keep and draw(st.integers(0, 3)) == 0:
        fields.append(b"Connection: close")
        keep = False
    if framing == "length":
        fields.append(b"Content-Length: %d" % len(wire))
        payload = wire
    elif framing == "chunked":
        fields.append(b"Transfer-Encoding: chunked")
        payload = b""
        rest = wire
        while rest:
            size = draw(st.integers(1, max(1, len(rest))))
            ext = draw(st.sampled_from([b"", b";x=1", b';name="v"']))
            payload += b"%x%s\r\n%s\r\n" % (size, ext, rest[:size])
            rest = rest[size:]
        payload += b"0\r\n" + draw(st.sampled_from([b"", b"X-Trailer: t\r\n"])) + b"\r\n"
    else:
        payload = wire
    out += b"HTTP/1." + minor + b" 200 OK\r\n" + b"".join(f + b"\r\n" for f in fields) + b"\r\n"
    return out + payload, body, keep


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plans=st.lists(planned_responses(), min_size=1, max_size=4),
    cuts=st.lists(st.integers(1, 600), max_size=4),
)
def test_generated_framings_over_a_keep_alive_connection(
    plans: list[tuple[bytes, bytes, bool]], cuts: list[int]
) -> None:
    """Calls in turn, each answered with a generated response (1xx heads, length,
    chunked or read-to-close, gzip, Connection: close) sent in generated pieces: each
    call gets exactly its body, and a connection is reused exactly when it may be."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            data, _, keep = plans[int(await read_request(reader))]
            start = 0
            for cut in [*sorted(set(cuts)), len(data)]:
                if start < cut <= len(data):
                    writer.write(data[start:cut])
                    await writer.drain()
                    await asyncio.sleep(0.001)
                    start = cut
            if not keep:
                writer.close()
                return

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport(limit=1)
            for n, (_, body, _) in enumerate(plans):
                response = await bounded(transport.send(request(server.port, b"%d" % n)), 3)
                assert response.content == body
            assert server.connections == 1 + sum(not keep for _, _, keep in plans[:-1])
            await settled(pool_of(transport))
            await transport.aclose()

    run(go())


def test_chunk_framing_cannot_make_a_response_read_without_bound() -> None:
    """Chunk-size lines (extensions and all) are not body bytes: one byte of body per
    kilobyte of framing would let a server make a call read ``max_response_bytes``
    thousandfold (64 GB by default) before the body limit applies. The bytes read for
    one response are bounded too."""
    extension = b";e=" + b"x" * 1000

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(1000):  # 1000 body bytes (under the limit), about 1 MB in all
            writer.write(b"1" + extension + b"\r\nA\r\n")
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await _then_pause(writer, b"")

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport(max_response_bytes=LIMIT)
            with pytest.raises(AppSyncResponseTooLargeError):
                await bounded(transport.send(request(server.port, b"x", total=None)), 5)
            await settled(pool_of(transport))
            await transport.aclose()

    run(go())


# ------------------------------------------------------------------ URLs


def test_a_url_with_non_ascii_characters_is_sent_percent_encoded() -> None:
    """The endpoint check lets non-ASCII characters through (a custom domain's path or
    query may hold them); they go out as UTF-8 percent-escapes, as the sync client and
    aiohttp send them, not as a UnicodeEncodeError."""
    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            seen.append(head.split(b"\r\n")[0])
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            writer.write(answer(await reader.readexactly(length)))
            await writer.drain()

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport()
            base = f"http://127.0.0.1:{server.port}"
            for path in ["/gr\u00e9phql", "/graphql?q=\u00e9t\u00e9&x=%41", "/\u65e5"]:
                sent = request(server.port, b"x")
                sent = HttpRequest(sent.method, base + path, sent.headers, b"x", sent.timeout)
                assert (await transport.send(sent)).content == b"x"
            assert seen == [
                b"POST /gr%C3%A9phql HTTP/1.1",
                b"POST /graphql?q=%C3%A9t%C3%A9&x=%41 HTTP/1.1",
                b"POST /%E6%97%A5 HTTP/1.1",
            ]
            await transport.aclose()

    run(go())


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://b\u00fccher.example/graphql", "xn--bcher-kva.example"),
        ("https://b\u00fccher.example:8443/graphql", "xn--bcher-kva.example:8443"),
    ],
)
def test_an_internationalized_host_name_goes_out_in_its_ascii_form(url: str, host: str) -> None:
    target = _pool._Target(url)  # pyright: ignore[reportPrivateUsage]
    assert target.wire_host == host
    assert target.host == host.split(":")[0]


@pytest.mark.parametrize(
    "url", ["http://[::1/x", "http://h\u00e9\u0000/x", "http://" + "\u00e9" * 70 + ".x/"]
)
def test_a_url_the_transport_cannot_use_is_a_config_error(url: str) -> None:
    with pytest.raises(AppSyncConfigError):
        _pool._Target(url)  # pyright: ignore[reportPrivateUsage]


# ------------------------------------------------------------------ fairness


def test_a_waiting_call_gets_the_next_free_connection_before_a_later_one() -> None:
    """limit=1 and a task making calls back to back: a call that started waiting meanwhile
    gets the connection when the task's current call ends; the task's next call, made
    later, waits its turn (it used to take the connection straight back each time,
    and the waiting call waited until the task stopped or its own deadline passed)."""
    done: list[str] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            body = await read_request(reader)
            await asyncio.sleep(0.01)
            writer.write(answer(body))
            await writer.drain()

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport(limit=1)

            async def busy() -> None:
                for n in range(30):
                    await transport.send(request(server.port, b"busy-%d" % n))
                    done.append("busy")

            async def waiting() -> None:
                await asyncio.sleep(0.005)  # while the first busy call is in flight
                await transport.send(request(server.port, b"waiting"))
                done.append("waiting")

            await bounded(asyncio.gather(busy(), waiting()), 5)
            assert done.index("waiting") <= 2, done
            await transport.aclose()

    run(go())


def test_queued_calls_all_get_turns_when_each_answer_comes_with_a_close() -> None:
    """limit=1, calls queued; each answer says keep-alive but the server closes right
    after it: the connection handed to the next call in line dies under it. Each call
    still gets its own answer, over a new connection, none waiting for its deadline."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = await read_request(reader)
        await asyncio.sleep(0.01)
        writer.write(answer(body))
        await writer.drain()
        writer.close()

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport(limit=1)
            for total in (None, 3.0):  # waits with and without a deadline
                bodies = [b"call-%d" % n for n in range(6)]
                calls = [transport.send(request(server.port, b, total=total)) for b in bodies]
                responses = await bounded(asyncio.gather(*calls), 3)
                assert [response.content for response in responses] == bodies
                await settled(pool_of(transport))
            await transport.aclose()

    run(go())


@pytest.mark.parametrize("kill", [False, True])
def test_a_call_cancelled_as_it_is_handed_a_connection_passes_it_on(
    monkeypatch: pytest.MonkeyPatch, kill: bool
) -> None:
    """The turn given to a call cancelled at that moment goes to the next in line:
    the connection itself (reused) or, if it died meanwhile, its slot."""
    victims: list[asyncio.Task[Any]] = []
    reuse = Http1Pool._reuse  # pyright: ignore[reportPrivateUsage]

    def reuse_then_cancel(pool: Http1Pool, connection: Any) -> None:
        reuse(pool, connection)
        if victims:
            victims.pop().cancel()  # handed its turn, not yet run
            if kill:
                connection.transport.abort()

    monkeypatch.setattr(Http1Pool, "_reuse", reuse_then_cancel)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            body = await read_request(reader)
            await asyncio.sleep(0.05)
            writer.write(answer(body))
            await writer.drain()

    async def go() -> None:
        async with serving(handler) as server:
            transport = AiohttpTransport(limit=1)
            first = asyncio.ensure_future(transport.send(request(server.port, b"first")))
            await asyncio.sleep(0.01)
            victim = asyncio.ensure_future(transport.send(request(server.port, b"victim")))
            await asyncio.sleep(0.01)
            last = asyncio.ensure_future(transport.send(request(server.port, b"last")))
            await asyncio.sleep(0.01)
            victims.append(victim)
            assert (await bounded(first, 3)).content == b"first"
            with pytest.raises(asyncio.CancelledError):
                await victim
            assert (await bounded(last, 3)).content == b"last"
            assert server.connections == (2 if kill else 1)
            await settled(pool_of(transport))
            await transport.aclose()

    run(go())
