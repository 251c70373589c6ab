"""Thin transports: send one :class:`HttpRequest`, return one :class:`HttpResponse`.

They add nothing to the request but ``Accept-Encoding: gzip, deflate`` (every request
the clients build carries its own ``Content-Type``), never follow redirects (a 3xx is
an error: a redirect must not carry a key or token to another host), and raise only
:class:`AppSyncError`: :class:`AppSyncNetworkError` (with ``sent=False`` when the
request provably never left the machine; :class:`AppSyncTimeoutError` for timeouts),
:class:`AppSyncResponseTooLargeError`, and :class:`AppSyncConfigError` for a header
value HTTP cannot carry (never repeated). The sync default is httpx; the async
default is the client's own HTTP/1.1 connections (:mod:`._pool`), loaded on first
async use only, so sync users (most Lambda functions) never pay for importing them. A
user's own ``httpx.Client``, ``httpx.AsyncClient`` or ``aiohttp.ClientSession`` is
used as given, through its public API (its event hooks, auth, proxies and mounts all
apply).

Three guards hold on every transport:

- **Bounded bodies.** A body is read chunk by chunk and decoded here (gzip and
  deflate, through a decompressor whose output is capped), so neither its bytes on
  the wire nor its decoded size may pass ``max_response_bytes``: the call fails with
  :class:`AppSyncResponseTooLargeError` before the memory is spent.
- **One answer per connection turn.** HTTP/1.1 cannot tell which request bytes
  answer; a connection whose framing is in doubt must not be used again. Bytes that
  arrive after a complete response (a ``Content-Length`` shorter than what was
  sent) are left in the HTTP/1.1 parser's buffer by httpcore, and the next call on
  that pooled connection would read them as its own answer. Here such a connection
  is closed before it can go back to the pool; the call itself gets its response,
  which is complete by its own framing (RFC 9112, section 6.3: the extra bytes are
  discarded, never read as a response). Bytes arriving later, while the connection
  is idle, make httpcore retire it when it is next taken (its idle socket is
  readable); the async client's own connections close at once on such bytes.
- **The call's deadline.** Each connect, write and read wait is cut to the time left
  before :attr:`HttpRequest.deadline`, and the time is checked between body chunks.
  On the sync client's own pool the cut is applied to every socket operation (a
  thread-local deadline read by a wrapper around httpcore's network streams), so a
  server trickling its headers or body a byte at a time cannot hold a call past its
  deadline; the async transports cancel at the deadline.

The ``httpx.Client`` the sync client creates for itself is used below its request
layer: each attempt is one ``httpx.Request`` handed straight to the connection pool
(or proxy) the client would pick for the URL, with the client's default headers,
the timeout in ``extensions``, and httpx's ``HTTP Request:`` log line; what is left
out is what AppSync never needs and costs about a third of a call's CPU: URL
merging, the auth and redirect machinery, event hooks (there are none) and the
cookie jar (AppSync sets no cookies, so none are kept).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, Any, cast

import httpx

from ._bodies import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_RESPONSE_BYTES,
    BodyReader,
    DecodeError,
    check_max_response_bytes,
    decode_failed,
)
from ._deadlines import async_deadline, no_time_left, past, time_left
from ._observe import logger
from ._request import HttpRequest, Timeout
from ._response import HttpResponse
from .errors import (
    AppSyncConfigError,
    AppSyncNetworkError,
    AppSyncTimeoutError,
)

if TYPE_CHECKING:
    import asyncio

    import aiohttp

    from ._pool import Http1Pool

__all__ = [
    "AiohttpTransport",
    "AsyncHttpxTransport",
    "HttpxTransport",
]

_NO_AUTH = httpx.Auth()
_HTTPX_LOGGER = logging.getLogger("httpx")
_INFO = logging.INFO
_monotonic = time.monotonic
_REUSE_WITHIN = 0.001  # seconds: see AiohttpTransport._client_timeout


# ----------------------------------------------------------------- connection reuse


def _h11_state(stream: object) -> Any:
    """The h11 state machine of the HTTP/1.1 connection a response stream reads from
    (httpx's stream over httpcore's pool and connection), or None: another transport,
    HTTP/2, or an httpcore whose insides moved."""
    for _ in range(6):
        state = getattr(getattr(stream, "_connection", None), "_h11_state", None)
        if state is not None:
            return state
        stream = getattr(stream, "_httpcore_stream", None) or getattr(stream, "_stream", None)
        if stream is None:
            return None
    return None


def _retire_if_overrun(stream: object, url: str) -> None:
    """Before the response closes: if bytes followed its end on the connection, make
    httpcore close that connection instead of pooling it (h11's ``send_failed``
    leaves the state machine in ERROR, which httpcore answers by closing)."""
    state = _h11_state(stream)
    if state is None:
        return
    try:
        trailing, _ = state.trailing_data
        if trailing:
            state.send_failed()
    except Exception:  # an h11 of another shape: nothing known to retire
        return
    if trailing:
        logger.warning(
            "%d bytes followed the end of a response from %s; that connection was "
            "closed, never reused",
            len(trailing),
            httpx.URL(url).host,
        )


# ----------------------------------------------------------------- deadlines (sync)

_CALL = threading.local()
"""``deadline``: the monotonic instant the current thread's call must end by."""


def _cut(timeout: float | None, kind: str) -> float | None:
    """``timeout`` cut to the time left before this thread's call deadline."""
    deadline: float | None = getattr(_CALL, "deadline", None)
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        import httpcore

        error: type[Exception] = getattr(httpcore, kind)
        raise error("the call's deadline passed")
    return remaining if timeout is None or remaining < timeout else timeout


class _DeadlineStream:
    """An httpcore network stream whose every wait ends by the call's deadline."""

    __slots__ = ("_stream",)

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._stream.read(max_bytes, _cut(timeout, "ReadTimeout"))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _cut(timeout, "WriteTimeout"))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _DeadlineStream:
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, _cut(timeout, "ConnectTimeout"))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend:
    """httpcore's network backend, handing out :class:`_DeadlineStream` s."""

    __slots__ = ("_backend",)

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> _DeadlineStream:
        return _DeadlineStream(
            self._backend.connect_tcp(
                host,
                port,
                timeout=_cut(timeout, "ConnectTimeout"),
                local_address=local_address,
                socket_options=socket_options,
            )
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> _DeadlineStream:
        return _DeadlineStream(
            self._backend.connect_unix_socket(
                path, timeout=_cut(timeout, "ConnectTimeout"), socket_options=socket_options
            )
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _guard_deadlines(transport: object) -> None:
    """Put :class:`_DeadlineBackend` under the connection pool of one of our own
    client's transports (before it opens a connection). A pool of another shape is
    left alone: its reads are then cut only when each attempt starts."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, _DeadlineBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]


# ----------------------------------------------------------------- httpx


def _build(
    client: httpx.Client | httpx.AsyncClient, request: HttpRequest, timeout: httpx.Timeout
) -> httpx.Request:
    """The httpx request for ``request`` on a user's client (its defaults merged)."""
    return client.build_request(
        "POST",
        request.url,
        content=request.content,
        headers=_with_accept_encoding(request.headers),
        timeout=timeout,
    )


class _HttpxTimeouts:
    """``httpx.Timeout`` for a request (and its ``extensions`` form): the last one is
    reused while the deadline is far, so the common call builds none. Thread-safe:
    the cache is one tuple, replaced whole."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        none = httpx.Timeout(None)
        self._last: tuple[Timeout | None, httpx.Timeout, dict[str, Any]] = (
            None,
            none,
            {"timeout": none.as_dict()},
        )

    def __call__(self, request: HttpRequest) -> httpx.Timeout:
        return self.get(request)[0]

    def get(self, request: HttpRequest) -> tuple[httpx.Timeout, dict[str, Any]]:
        """The timeout, and the request ``extensions`` that carry it."""
        timeout = request.timeout
        connect, read = timeout.connect, timeout.read
        remaining = time_left(request)
        if remaining is not None and remaining < (connect if connect > read else read):
            connect, read = min(connect, remaining), min(read, remaining)
            cut = httpx.Timeout(read, connect=connect, pool=connect)
            return cut, {"timeout": cut.as_dict()}
        last = self._last
        if last[0] is not timeout:
            converted = httpx.Timeout(read, connect=connect, pool=connect)
            last = (timeout, converted, {"timeout": converted.as_dict()})
            self._last = last
        return last[1], last[2]


def _httpx_error(exc: httpx.TransportError) -> AppSyncNetworkError:
    # A failed connect (refused, DNS, TLS handshake, connect timeout) sent nothing.
    sent = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    kind = type(exc).__name__
    message = f"{kind}: {exc}" if str(exc) else kind
    if isinstance(exc, httpx.TimeoutException):
        return AppSyncTimeoutError(message, sent=sent)
    return AppSyncNetworkError(message, sent=sent)


def _not_ascii(exc: UnicodeError) -> AppSyncConfigError:
    # The value itself (a key or token, perhaps) is never repeated.
    return AppSyncConfigError(
        "a request header holds a character that is not printable ASCII; nothing was sent"
    )


def _with_accept_encoding(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` asking for the codings we decode, unless they already ask."""
    for name in headers:
        if name.lower() == "accept-encoding":
            return headers
    return {**headers, "Accept-Encoding": ACCEPT_ENCODING}


def _framing(headers: httpx.Headers) -> dict[str, str]:
    """``content-length`` and ``content-encoding`` of a response, in one pass over its
    raw headers (two ``httpx.Headers`` lookups cost several microseconds)."""
    found: dict[str, str] = {}
    for name, value in headers.raw:
        lowered = name.lower()
        if lowered == b"content-length" or lowered == b"content-encoding":
            key = lowered.decode("ascii")
            text = value.decode("latin-1")
            found[key] = f"{found[key]}, {text}" if key in found else text
    return found


def _read_httpx(response: httpx.Response, request: HttpRequest, limit: int) -> bytes:
    """The body of a streamed httpx response, bounded; the connection is retired if
    bytes followed the response's end. Closes the response."""
    try:
        reader = BodyReader(response.status_code, _framing(response.headers), limit)
        stream = cast("Iterable[bytes]", response.stream)
        deadline = request.deadline
        for chunk in stream:
            reader.feed(chunk)
            past(deadline)
        _retire_if_overrun(stream, request.url)
        return reader.finish()
    except DecodeError as exc:
        raise decode_failed(exc) from None
    finally:
        response.close()


class _Route:
    """How the owned client reaches one URL: the parsed URL, the transport its mounts
    and proxy settings pick, and the client's default headers, less
    ``Accept-Encoding``: ours (the codings :class:`BodyReader` decodes) goes last,
    where ``client.post`` would put it."""

    __slots__ = ("default_names", "defaults", "transport", "url")

    def __init__(self, client: httpx.Client, url: str) -> None:
        self.url = httpx.URL(url)
        # httpx has no public way to the transport (proxy or pool) a URL is routed to
        self.transport: httpx.BaseTransport = client._transport_for_url(self.url)  # pyright: ignore[reportPrivateUsage]
        _guard_deadlines(self.transport)
        headers = httpx.Headers(client.headers)
        headers.pop("accept-encoding", None)
        headers.pop("user-agent", None)  # every request carries the runtime's own
        self.defaults = list(headers.raw)
        # a request header of one of these names replaces the default: httpx's merge
        self.default_names = frozenset(
            {name.decode("latin-1").lower() for name, _ in self.defaults} | {"accept-encoding"}
        )


_ACCEPT_ENCODING_RAW = (b"Accept-Encoding", ACCEPT_ENCODING.encode("ascii"))


class HttpxTransport:
    """Sync transport over an ``httpx.Client`` (ours, or the user's as given)."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._owned = client is None
        # straight to the pool for our own client (httpx's private routing kept; should
        # a future httpx drop it, the public path below serves instead)
        self._direct = self._owned and hasattr(httpx.Client, "_transport_for_url")
        self._client = client
        self._lock = threading.Lock()
        self._timeouts = _HttpxTimeouts()
        self._routes: dict[str, _Route] = {}
        self._limit = check_max_response_bytes(max_response_bytes)

    def _ensure(self) -> httpx.Client:
        # Created on first use: building the TLS context costs milliseconds at start-up.
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._routes = {}  # routes hold the previous client's transports
                    self._client = httpx.Client()
                client = self._client
        return client

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the whole response."""
        client = self._ensure()
        if self._direct:
            return self._send_direct(client, request)
        try:
            response = client.send(
                _build(client, request, self._timeouts(request)),
                stream=True,
                auth=_NO_AUTH,  # we sign ourselves; the client's own auth must not
                follow_redirects=False,  # a redirect must not carry our auth elsewhere
            )
            content = _read_httpx(response, request, self._limit)
        except httpx.TransportError as exc:
            raise _httpx_error(exc) from exc
        except httpx.HTTPError as exc:
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc
        except UnicodeError as exc:
            raise _not_ascii(exc) from None
        return HttpResponse(response.status_code, response.headers, content)

    def _send_direct(self, client: httpx.Client, request: HttpRequest) -> HttpResponse:
        """Our own client: one request straight to the pool (or proxy) transport, with
        what ``client.post`` would send (default headers first, ours over them)."""
        route = self._routes.get(request.url)
        if route is None:
            route = self._routes[request.url] = _Route(client, request.url)
        default_names = route.default_names
        raw = route.defaults.copy()
        try:
            for name, value in request.headers.items():
                if name.lower() in default_names:  # ours replaces a default: httpx's merge
                    merged = httpx.Headers(route.defaults)
                    merged.update(_with_accept_encoding(request.headers))
                    raw = merged.raw
                    break
                raw.append((name.encode("ascii"), value.encode("ascii")))
            else:
                raw.append(_ACCEPT_ENCODING_RAW)
        except UnicodeError as exc:
            raise _not_ascii(exc) from None
        _, extensions = self._timeouts.get(request)
        outgoing = httpx.Request(
            request.method, route.url, headers=raw, content=request.content, extensions=extensions
        )
        _CALL.deadline = request.deadline  # read by _DeadlineStream on every socket wait
        try:
            response = route.transport.handle_request(outgoing)
            content = _read_httpx(response, request, self._limit)
        except httpx.TransportError as exc:
            raise _httpx_error(exc) from exc
        except httpx.HTTPError as exc:
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            _CALL.deadline = None
        if _HTTPX_LOGGER.isEnabledFor(_INFO):  # the line httpx.Client logs per request
            _HTTPX_LOGGER.info(
                'HTTP Request: %s %s "%s %d %s"',
                outgoing.method,
                outgoing.url,
                response.http_version,
                response.status_code,
                response.reason_phrase,
            )
        return HttpResponse(response.status_code, response.headers, content)

    def close(self) -> None:
        """Close the client if this transport created it."""
        if self._owned and self._client is not None:
            self._client.close()
            self._client = None


class AsyncHttpxTransport:
    """Async transport over a user's ``httpx.AsyncClient``, used as given."""

    def __init__(
        self, client: httpx.AsyncClient, *, max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    ) -> None:
        self._client = client
        self._timeouts = _HttpxTimeouts()
        self._limit = check_max_response_bytes(max_response_bytes)

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the whole response, within the call's deadline."""
        try:
            async with async_deadline(time_left(request)):
                return await self._send(request)
        except TimeoutError as exc:  # the deadline's cancellation
            raise AppSyncTimeoutError("the call's deadline passed during the request") from exc

    async def _send(self, request: HttpRequest) -> HttpResponse:
        client = self._client
        try:
            response = await client.send(
                _build(client, request, self._timeouts(request)),
                stream=True,
                auth=_NO_AUTH,  # we sign ourselves; the client's own auth must not
                follow_redirects=False,  # a redirect must not carry our auth elsewhere
            )
            try:
                reader = BodyReader(response.status_code, _framing(response.headers), self._limit)
                stream = cast("AsyncIterable[bytes]", response.stream)
                async for chunk in stream:
                    reader.feed(chunk)
                _retire_if_overrun(stream, request.url)
                content = reader.finish()
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            raise _httpx_error(exc) from exc
        except httpx.HTTPError as exc:
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc
        except DecodeError as exc:
            raise decode_failed(exc) from None
        except UnicodeError as exc:
            raise _not_ascii(exc) from None
        return HttpResponse(response.status_code, response.headers, content)

    async def aclose(self) -> None:
        """The user's client stays open: its owner closes it."""


# ----------------------------------------------------------------- aiohttp


def _running_loop() -> asyncio.AbstractEventLoop:
    import asyncio

    return asyncio.get_running_loop()


def _read_wait(total: float | None, read: float) -> float | None:
    """aiohttp's ``sock_read`` for a request whose total timeout is ``total``: None
    (no read timer, rescheduled on every chunk) when the total ends every read wait
    in time anyway (aiohttp fires a total of 5 s or more up to a second late)."""
    if total is not None and total + (1.0 if total >= 5.0 else 0.0) <= read:
        return None
    return read


class AiohttpTransport:
    """The async transport: the client's own HTTP/1.1 connections (:class:`~._pool.Http1Pool`,
    one pool per client and event loop, at most ``limit`` connections), or a user's
    ``aiohttp.ClientSession``, used as given. Bodies are decoded here, not by aiohttp
    (see :class:`~._bodies.BodyReader`).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        limit: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._session = session
        self._owned = session is None
        self._pool: Http1Pool | None = None  # our own connections, when we own them
        self._limit = limit
        self._max_bytes = check_max_response_bytes(max_response_bytes)
        self._aiohttp: Any = None
        self._timeout_error: type[BaseException] = TimeoutError
        # (Timeout, total, the aiohttp.ClientTimeout built for them): see _client_timeout
        self._last_timeout: tuple[Timeout | None, float | None, Any] = (None, None, None)

    def _ensure(self) -> aiohttp.ClientSession:
        """The user's session, with aiohttp imported."""
        if self._aiohttp is None:
            import asyncio

            import aiohttp

            self._aiohttp = aiohttp
            self._timeout_error = asyncio.TimeoutError  # TimeoutError from Python 3.11
        session = self._session
        if session is None:
            raise AppSyncConfigError("this transport sends over its own connections")
        return session

    def _client_timeout(self, request: HttpRequest) -> Any:
        """``aiohttp.ClientTimeout`` for ``request``: connect and read waits, and the
        time left before the call's deadline as the total. While that is the whole
        ``Timeout.total`` to within a millisecond (a call's first attempt; aiohttp
        itself rounds totals of 5 s and more up to the next second), the one built
        last for the same :class:`Timeout` is reused."""
        timeout = request.timeout
        deadline = request.deadline  # time_left(request), inlined: one frame fewer
        remaining = None
        if deadline is not None:
            remaining = deadline - _monotonic()
            if remaining <= 0:
                raise no_time_left()
        total = timeout.total
        if remaining is not None and (total is None or total - remaining >= _REUSE_WITHIN):
            return self._aiohttp.ClientTimeout(
                total=remaining,
                sock_connect=timeout.connect,
                sock_read=_read_wait(remaining, timeout.read),
            )
        whole = None if remaining is None else total
        last = self._last_timeout
        if last[0] is timeout and last[1] == whole:
            return last[2]
        built = self._aiohttp.ClientTimeout(
            total=whole, sock_connect=timeout.connect, sock_read=_read_wait(whole, timeout.read)
        )
        self._last_timeout = (timeout, whole, built)
        return built

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the whole response."""
        if self._owned:
            pool = self._pool
            if pool is None or pool.loop is not _running_loop():
                pool = self._new_pool()
            return await pool.send(request)
        session = self._session
        aiohttp = self._aiohttp
        if session is None or aiohttp is None:
            session = self._ensure()
            aiohttp = self._aiohttp
        client_timeout = self._client_timeout(request)
        headers = _with_accept_encoding(request.headers)
        try:
            async with session.post(
                request.url,
                data=request.content,
                headers=headers,
                timeout=client_timeout,
                allow_redirects=False,  # a redirect must not carry our auth elsewhere
                auto_decompress=False,  # decoded by BodyReader, within max_response_bytes
            ) as response:
                status, response_headers = response.status, response.headers
                reader = BodyReader(status, response_headers, self._max_bytes)
                content_stream = response.content
                while True:
                    chunk = await content_stream.readany()
                    if not chunk:
                        break
                    reader.feed(chunk)
                return HttpResponse(status, response_headers, reader.finish())
        except aiohttp.ClientConnectorError as exc:
            raise AppSyncNetworkError(f"cannot connect: {exc}", sent=False) from exc
        except aiohttp.ConnectionTimeoutError as exc:
            raise AppSyncTimeoutError("connect timed out", sent=False) from exc
        except self._timeout_error as exc:
            raise AppSyncTimeoutError("timed out waiting for the response") from exc
        except DecodeError as exc:
            raise decode_failed(exc) from None
        except UnicodeError as exc:
            raise _not_ascii(exc) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc
        except ValueError:  # aiohttp refusing a header value (a line break)
            raise AppSyncConfigError(
                "a request header holds a character aiohttp refuses; nothing was sent"
            ) from None

    def _new_pool(self) -> Http1Pool:
        """Our own connections, for the running event loop (those of a loop no longer
        running are dropped: they cannot be used from another)."""
        from ._pool import Http1Pool

        old = self._pool
        if old is not None:
            old.drop()
        pool = self._pool = Http1Pool(self._limit, self._max_bytes)
        return pool

    async def aclose(self) -> None:
        """Close the connections this transport opened (a user's session stays open)."""
        pool = self._pool
        if pool is not None:
            self._pool = None  # the next call opens new ones
            await pool.aclose()
