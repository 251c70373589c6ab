"""The async client's own HTTP/1.1 connections: a pool of asyncio protocols.

The async client sends each request over one of its own keep-alive connections: the
request is written as one buffer, the response is read by :class:`~._http1.ResponseParser`
straight from the protocol's ``data_received``, and the caller's task wakes once, when
the whole body has arrived. Compared with going through ``aiohttp.ClientSession``, a
call builds no request, response or stream objects and arms no timer of its own; the
saving is most of the transport's CPU per call.

The guarantees are those of the other transports (:mod:`._transport`):

- **One answer per connection turn.** A connection carries one request at a time and
  goes back to the pool only when its response ended exactly by its framing, the
  server did not ask to close, and the request had gone out whole. Bytes past the end
  of a response, or arriving while the connection is idle, retire it. A call that
  fails or is cancelled half-way closes its connection: nothing it left unread can
  reach another call.
- **Deadlines.** Connecting (TCP and TLS) is cut to the connect timeout and to the
  call's deadline; waiting for the response is cut to the read timeout (reset by each
  arriving chunk, as ``sock_read`` is) and to the deadline. One timer per connection,
  re-armed only when it fires early, serves every request the connection carries.
- **Bounded bodies**, decoded by :class:`~._transport.BodyReader`; and bounded
  responses: all the bytes read for one (heads and chunk framing too) stay under
  twice the body limit plus 128 KiB.
- **A bounded pool.** At most ``limit`` connections are open; a call finding none free
  waits for one (first come, first served) within its deadline: a connection freed,
  or a slot to open one, is handed to the longest-waiting call, never taken by a call
  coming later. Idle connections are kept 15 seconds at most.

TLS uses the system's trust store with hostname checking (``ssl.create_default_context``)
and offers only ``http/1.1``. Requests go straight to the URL's host: like the client's
aiohttp session before, no proxy settings from the environment apply.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import select
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import quote, urlsplit

from multidict import CIMultiDict, CIMultiDictProxy

from ._bodies import ACCEPT_ENCODING, BodyReader, DecodeError, decode_failed
from ._deadlines import async_deadline, no_time_left
from ._http1 import MAX_HEAD_BYTES, FramingError, ResponseHead, ResponseParser
from ._request import HttpRequest
from ._response import HttpResponse
from .errors import (
    AppSyncConfigError,
    AppSyncNetworkError,
    AppSyncResponseTooLargeError,
    AppSyncTimeoutError,
)

__all__ = ["Http1Pool"]

KEEP_IDLE: Final = 15.0
"""Seconds an idle connection is kept for reuse."""

_CHECK_IDLE_AFTER: Final = 0.1  # seconds idle after which the socket itself is checked
_POLL: Any = getattr(select, "poll", None)  # not on Windows

_monotonic = time.monotonic
_FIELDS = re.compile(r"(?:[-!#$%&'*+.^_`|~0-9A-Za-z]+: [\t\x20-\x7e]*\r\n)*\r\n")
_INF = float("inf")
_SMALL_REQUEST = 16 * 1024  # goes out at once: the kernel's send buffer of an idle socket takes it
_TARGET_SAFE = "".join(map(chr, range(0x21, 0x7F)))  # kept as they are in a request target
_Result = tuple[ResponseHead, "CIMultiDictProxy[str]", BodyReader]


class _Target:
    """What one URL needs for its requests: where to connect, and the request line."""

    __slots__ = ("host", "key", "port", "request_line", "tls", "wire_host")

    def __init__(self, url: str) -> None:
        try:
            parts = urlsplit(url)
        except ValueError:  # an unclosed IPv6 bracket
            raise AppSyncConfigError("the URL is not a valid http(s) URL") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
            raise AppSyncConfigError("the async client sends to http(s)://host/path URLs only")
        self.tls = scheme == "https"
        try:
            port = parts.port
        except ValueError:
            raise AppSyncConfigError("the URL's port is not a number from 0 to 65535") from None
        self.port = port if port is not None else (443 if self.tls else 80)
        # the Host header a request without one gets: the URL's, less a default port
        default = ":443" if self.tls else ":80"
        netloc = parts.netloc
        self.wire_host = netloc[: -len(default)] if netloc.endswith(default) else netloc
        host = parts.hostname
        if not host.isascii():  # an internationalized name: sent in its ASCII form
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                raise AppSyncConfigError("the URL's host is not a valid host name") from None
            self.wire_host = host if port is None or f":{port}" == default else f"{host}:{port}"
        if not host.isprintable() or " " in host:
            raise AppSyncConfigError("the URL's host is not a valid host name")
        self.host = host
        self.key = (self.tls, self.host, self.port)
        target = parts.path or "/"
        if parts.query:
            target = f"{target}?{parts.query}"
        if any(char in target for char in " \r\n\x00"):
            raise AppSyncConfigError("the URL's path holds a space or a line break")
        try:  # other characters HTTP cannot carry as UTF-8 percent-escapes, as httpx does
            target = quote(target, safe=_TARGET_SAFE)
        except UnicodeError:
            raise AppSyncConfigError("the URL's path is not valid Unicode text") from None
        self.request_line = f" {target} HTTP/1.1\r\n"


def _readable(transport: asyncio.Transport) -> bool:
    """Whether an idle connection's socket has something to read (or is closed).
    ``poll`` where there is one: ``select`` refuses descriptors past 1,023, which a
    busy process reaches."""
    sock = transport.get_extra_info("socket")
    if sock is None:
        return False
    try:
        fd = sock.fileno()
        if fd < 0:
            return True
        if _POLL is not None:
            poller = _POLL()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))  # readable, or hung up or in error
        readable, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _bad_header() -> AppSyncConfigError:
    # The value itself (a key or token, perhaps) is never repeated.
    return AppSyncConfigError(
        "a request header holds a character that is not printable ASCII; nothing was sent"
    )


def _request_bytes(request: HttpRequest, target: _Target) -> bytes:
    """The request's head and body, as written."""
    start = target.request_line
    lines = [request.method, start]
    host = accept = False
    for name, value in request.headers.items():
        lowered = name.lower()
        if lowered == "host":
            host = True
        elif lowered == "accept-encoding":
            accept = True
        elif lowered == "content-length" or lowered == "transfer-encoding":
            continue  # the body's own length is sent below
        lines += (name, ": ", value, "\r\n")
    if not host:
        lines += ("Host", ": ", target.wire_host, "\r\n")
    if not accept:
        lines += ("Accept-Encoding", ": ", ACCEPT_ENCODING, "\r\n")
    lines += ("Content-Length", ": ", str(len(request.content)), "\r\n", "\r\n")
    head = "".join(lines)
    # Names are tokens and values printable ASCII or tabs, and the head has a line per
    # field (four pieces each) besides the request line and the blank line: no line
    # break, and so no injected header, can slip in through a name or value.
    if (
        _FIELDS.fullmatch(head, len(request.method) + len(start)) is None
        or head.count("\n") != (len(lines) - 3) // 4 + 2
    ):
        raise _bad_header()
    return head.encode("ascii") + request.content


class _Connection(asyncio.Protocol):
    """One connection: carries one request at a time for :class:`Http1Pool`."""

    def __init__(self, pool: Http1Pool, key: tuple[bool, str, int]) -> None:
        self._pool = pool
        self.key = key
        self.transport: asyncio.Transport | None = None
        self.parser = ResponseParser()
        self.waiter: asyncio.Future[_Result] | None = None
        self.reader: BodyReader | None = None
        self.headers: CIMultiDictProxy[str] | None = None
        self.reusable = False  # idle, and may carry the next request
        self.closed = False
        self._eof = False  # the server ended its side cleanly (FIN, or TLS close)
        self.idle_since = 0.0
        self._limit = 0
        self._wire = 0  # bytes received for the response in flight
        self.request_size = 0  # bytes of the request in flight
        self._loop = pool.loop
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due = 0.0
        self._read = 0.0  # the read wait of the request in flight (0: none timed)
        self._deadline = 0.0  # its deadline on the loop's clock (inf: none)
        self._last = 0.0  # when its wait began, or its last bytes came

    # -- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            self._retire()  # bytes nobody asked for: the framing is in doubt
            return
        self._last = self._loop.time()
        try:
            complete = self.parser.feed(data)
        except BaseException as exc:  # framing, body limit, decoding
            self._fail(exc)
            return
        if complete:
            self._finish()
            return
        self._wire += len(data)
        if self._wire > 2 * (self._limit + MAX_HEAD_BYTES):
            self._fail(self._too_much())

    def eof_received(self) -> bool:
        self._eof = True
        return False  # close the transport: connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.reusable = False
        self._cancel_timer()
        self._pool.lost(self)
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        # Only the server ending its side cleanly ends a body read to the close: a reset
        # (exc) cuts it short, and so does the client closing its own connection (no
        # EOF). Over TLS, asyncio reports a TCP close without TLS close_notify as an
        # EOF too, so there a truncated close-delimited body cannot be told apart.
        if exc is None and self._eof and self.parser.closed():
            self._finish()
            return
        started = self.parser.started
        reason = f": {type(exc).__name__}: {exc}" if exc is not None else ""
        what = "in the middle of the response" if started else "before answering"
        who = "client" if self._pool.closed and exc is None and not self._eof else "server"
        waiter.set_exception(AppSyncNetworkError(f"the {who} closed the connection {what}{reason}"))

    # -- one request

    def start(self, request: HttpRequest, limit: int) -> asyncio.Future[_Result]:
        """Ready the connection for ``request``'s response; returns what to await."""
        waiter: asyncio.Future[_Result] = self._loop.create_future()
        self.waiter = waiter
        self.reader = None
        self.reusable = False
        self._limit = limit
        self._wire = 0
        self.parser.start(self._on_head)
        now = self._loop.time()
        deadline = request.deadline
        self._deadline = _INF if deadline is None else deadline - _monotonic() + now
        read = self._read = request.timeout.read
        self._last = now
        due = min(now + read, self._deadline)
        if self._timer is None or self._timer_due > due:
            self._arm(due)
        return waiter

    def _too_much(self) -> AppSyncResponseTooLargeError:
        head = self.parser.head
        return AppSyncResponseTooLargeError(
            f"the response is more than {2 * (self._limit + MAX_HEAD_BYTES)} bytes on the "
            f"wire (heads and chunk framing included), more than the client's "
            f"max_response_bytes ({self._limit} bytes) allows; nothing more was read",
            status=None if head is None else head.status,
        )

    def _on_head(self, head: ResponseHead) -> Callable[[bytes], object]:
        headers = self.headers = CIMultiDictProxy(CIMultiDict(head.fields))
        reader = self.reader = BodyReader(head.status, headers, self._limit)
        return reader.feed

    def _finish(self) -> None:
        parser = self.parser
        head = parser.head
        waiter = self.waiter
        reader = self.reader
        headers = self.headers
        assert head is not None and headers is not None and reader is not None
        assert waiter is not None
        self._read = 0.0
        # reused only if the request went out whole: a server answering early (before
        # reading a large body) would read the rest as the start of the next request
        self.reusable = (
            head.keep_alive and not parser.surplus and not self.closed and self._written()
        )
        if not self.reusable and not self.closed:
            self._close_transport()
        waiter.set_result((head, headers, reader))

    def _written(self) -> bool:
        """Whether the request has left for the kernel, none of it still buffered.
        asyncio's TLS transport counts only its own buffer, not that of the TCP
        transport under it (reached through asyncio's internals; if they change, only
        a request small enough to have gone out at once counts as written)."""
        transport = self.transport
        if transport is None or transport.get_write_buffer_size():
            return False
        if not self.key[0]:
            return True
        tcp = getattr(getattr(transport, "_ssl_protocol", None), "_transport", None)
        if tcp is None:
            return self.request_size <= _SMALL_REQUEST
        return not tcp.get_write_buffer_size()

    def _fail(self, exc: BaseException) -> None:
        self._read = 0.0
        self._retire()
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    # -- the read timer

    def _arm(self, due: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_at(due, self._on_timer)
        self._timer_due = due

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        waiter = self.waiter
        if not self._read or waiter is None or waiter.done():
            return  # nothing is waiting: armed again by the next request
        due = min(self._last + self._read, self._deadline)
        if self._loop.time() >= due:
            self._fail(AppSyncTimeoutError("timed out waiting for the response"))
        else:
            self._arm(due)

    # -- closing

    def _close_transport(self) -> None:
        self.reusable = False
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.close()

    def _retire(self) -> None:
        """Close the connection now, dropping whatever it holds unread."""
        self.reusable = False
        self._cancel_timer()
        transport = self.transport
        if transport is not None:
            transport.abort()

    def abort(self) -> None:
        """Close the connection at once (its call failed or was cancelled)."""
        self._read = 0.0
        self._retire()

    def shut_down(self) -> None:
        """End the connection of an event loop that is closed: asyncio can no longer
        close its transport (that takes a turn of the loop), so the socket is shut down
        (the server sees the close now; the garbage collector frees the rest)."""
        transport = self.transport
        sock = None if transport is None else transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class Http1Pool:
    """Keep-alive HTTP/1.1 connections of one event loop, at most ``limit`` open."""

    def __init__(self, limit: int, max_response_bytes: int) -> None:
        self.limit = limit
        self._max_bytes = max_response_bytes
        self.loop: asyncio.AbstractEventLoop = asyncio.get_running_loop()
        self._targets: dict[str, _Target] = {}
        self._idle: dict[tuple[bool, str, int], list[_Connection]] = {}
        self._open: set[_Connection] = set()
        self._opening = 0
        self._waiters: deque[asyncio.Future[_Connection | None]] = deque()
        self._ssl: ssl.SSLContext | None = None
        self.closed = False

    # -- bookkeeping

    def lost(self, connection: _Connection) -> None:
        """``connection`` closed: forget it; its slot goes to the longest-waiting call."""
        if connection in self._open:
            self._open.discard(connection)
            idle = self._idle.get(connection.key)
            if idle and connection in idle:
                idle.remove(connection)
            self._free_slot()

    def _next_waiter(self) -> asyncio.Future[_Connection | None] | None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                return waiter
        return None

    def _free_slot(self) -> None:
        """A slot is free: the longest-waiting call gets it, counted as opening from now
        on, so that no call coming later can take it first."""
        waiter = self._next_waiter()
        if waiter is not None:
            self._opening += 1
            waiter.set_result(None)

    def _usable(self, connection: _Connection) -> bool:
        transport = connection.transport
        if not connection.reusable or transport is None or transport.is_closing():
            return False
        idle = self.loop.time() - connection.idle_since
        if idle >= KEEP_IDLE:
            return False
        # Idle a while: the server may have closed it (or sent bytes nobody asked for)
        # while the event loop was busy elsewhere and has not seen it yet. A request
        # written then would be lost with the connection, even a mutation the server
        # never saw: the socket is asked directly, as httpcore does.
        return idle < _CHECK_IDLE_AFTER or not _readable(transport)

    def _take(self, key: tuple[bool, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if self._usable(connection):
                return connection
            connection.abort()
            self._open.discard(connection)
        return None

    def _close_one_idle(self) -> bool:
        """Close an idle connection (to another host: none is left for this one)."""
        for idle in self._idle.values():
            if idle:
                connection = idle.pop(0)  # the longest idle
                connection.abort()
                self._open.discard(connection)
                return True
        return False

    def _reuse(self, connection: _Connection) -> None:
        """An idle connection goes to the longest-waiting call, else to the idle list:
        a call coming later cannot take it first."""
        connection.idle_since = self.loop.time()
        waiter = self._next_waiter()
        if waiter is not None:
            waiter.set_result(connection)
        else:
            self._idle.setdefault(connection.key, []).append(connection)

    def _release(self, connection: _Connection) -> None:
        connection.waiter = None
        connection.reader = None
        connection.headers = None
        if connection.reusable and not self.closed:
            self._reuse(connection)
        else:
            connection.abort()
            if connection in self._open:
                self._open.discard(connection)
                self._free_slot()

    # -- connecting

    def _context(self) -> ssl.SSLContext:
        context = self._ssl
        if context is None:
            context = self._ssl = ssl.create_default_context()
            context.set_alpn_protocols(["http/1.1"])
        return context

    async def _turn(self, key: tuple[bool, str, int], request: HttpRequest) -> _Connection | None:
        """Wait (first come, first served) until a connection to ``key`` is free
        (returned) or a slot to open one is (None; already counted as opening)."""
        again = False
        while True:
            if again and (len(self._open) + self._opening < self.limit or self._close_one_idle()):
                self._opening += 1
                return None
            waiter: asyncio.Future[_Connection | None] = self.loop.create_future()
            if again:
                self._waiters.appendleft(waiter)
            else:
                self._waiters.append(waiter)
            try:
                await _within(waiter, request, "waiting for a free connection")
            except BaseException:
                if not waiter.done() or waiter.cancelled() or waiter.exception() is not None:
                    waiter.cancel()
                else:  # given a turn too late to take it: it goes to the next in line
                    given = waiter.result()
                    if given is None:
                        self._opening -= 1
                        self._free_slot()
                    elif self._usable(given):
                        self._reuse(given)
                    elif given in self._open:
                        given.abort()
                        self._open.discard(given)
                        self._free_slot()
                raise
            given = waiter.result()
            if given is None or (given.key == key and self._usable(given)):
                return given
            if given in self._open:  # another host's, or expired: its slot is this call's
                given.abort()
                self._open.discard(given)
                self._opening += 1
                return None
            again = True  # it closed and its slot went on: wait again, first in line

    async def _connect(self, target: _Target, request: HttpRequest) -> _Connection:
        key = target.key
        if len(self._open) + self._opening < self.limit or self._close_one_idle():
            self._opening += 1
        else:
            given = await self._turn(key, request)
            if given is not None:
                return given
        connection = _Connection(self, key)
        try:
            timeout = request.timeout.connect
            if request.deadline is not None:
                left = request.deadline - _monotonic()
                if left <= 0:
                    raise no_time_left()
                timeout = min(timeout, left)
            try:
                async with async_deadline(timeout):
                    await self.loop.create_connection(
                        lambda: connection,
                        target.host,
                        target.port,
                        ssl=self._context() if target.tls else None,
                        server_hostname=target.host if target.tls else None,
                        happy_eyeballs_delay=0.25,
                    )
            except (TimeoutError, asyncio.TimeoutError):
                connection.abort()
                raise AppSyncTimeoutError("connect timed out", sent=False) from None
            except ssl.SSLError as exc:
                connection.abort()
                raise AppSyncNetworkError(
                    f"cannot connect: TLS failed: {exc.reason or exc}", sent=False
                ) from None
            except (OSError, ValueError) as exc:  # refused, unreachable, DNS, IDNA
                connection.abort()
                raise AppSyncNetworkError(
                    f"cannot connect: {type(exc).__name__}: {exc}", sent=False
                ) from None
            self._open.add(connection)
            return connection
        finally:
            self._opening -= 1
            if connection not in self._open:  # not opened: the slot goes to the next in line
                self._free_slot()

    # -- sending

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the whole response."""
        target = self._targets.get(request.url)
        if target is None:
            target = self._targets[request.url] = _Target(request.url)
        data = _request_bytes(request, target)
        connection = self._take(target.key) or await self._connect(target, request)
        waiter = connection.start(request, self._max_bytes)
        transport = connection.transport
        assert transport is not None
        connection.request_size = len(data)
        try:
            transport.write(data)
            head, headers, reader = await waiter
            content = reader.finish()
        except DecodeError as exc:
            connection.abort()
            raise decode_failed(exc) from None
        except FramingError as exc:
            connection.abort()
            raise AppSyncNetworkError(f"the response is not valid HTTP/1.1: {exc}") from None
        except BaseException:
            connection.abort()
            raise
        finally:
            self._release(connection)
        return HttpResponse(head.status, headers, content)

    def _close_all(self) -> None:
        self.closed = True
        ended = self.loop.is_closed()
        for connection in list(self._open):
            if ended:
                connection.shut_down()
            else:
                connection.abort()
        self._open.clear()

    def drop(self) -> None:
        """Close and forget every connection (their loop is no longer the running one)."""
        self._close_all()
        self._idle.clear()
        self._waiters.clear()

    async def aclose(self) -> None:
        """Close every connection; a waiting call gets a network error."""
        self._close_all()
        self._idle.clear()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(AppSyncNetworkError("the client was closed", sent=False))


async def _within(waiter: asyncio.Future[Any], request: HttpRequest, what: str) -> None:
    if request.deadline is None:
        await waiter
        return
    left = request.deadline - _monotonic()
    if left <= 0:
        raise no_time_left()
    try:
        async with async_deadline(left):
            await asyncio.shield(waiter)
    except (TimeoutError, asyncio.TimeoutError):
        raise AppSyncTimeoutError(f"timed out {what}", sent=False) from None
