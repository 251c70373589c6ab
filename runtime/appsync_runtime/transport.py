"""Thin transports: send one :class:`HttpRequest`, return one :class:`HttpResponse`.

They add nothing to the request (every request the clients build carries its own
``Content-Type``), never follow redirects (a 3xx is an error: a redirect must not
carry a key or token to another host), and raise only :class:`AppSyncNetworkError`
(with ``sent=False`` when the request provably never left the machine;
:class:`AppSyncTimeoutError` for timeouts). The sync default is httpx; the async
default is aiohttp, imported on first async use only, so sync users (most Lambda
functions) never pay for importing it. A user's own ``httpx.Client`` or
``httpx.AsyncClient`` is used as given, through its public API (its event hooks,
auth, proxies and mounts all apply).

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
from typing import TYPE_CHECKING, Any

import httpx

from .errors import AppSyncNetworkError, AppSyncTimeoutError
from .request import HttpRequest, Timeout
from .response import HttpResponse

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpTransport", "AsyncHttpxTransport", "HttpxTransport"]


_NO_AUTH = httpx.Auth()
_HTTPX_LOGGER = logging.getLogger("httpx")
_INFO = logging.INFO
_REUSE_WITHIN = 0.001  # seconds: see AiohttpTransport._client_timeout


def _remaining(request: HttpRequest) -> float | None:
    """Seconds left before the call's deadline; raises when none are."""
    if request.deadline is None:
        return None
    remaining = request.deadline - time.monotonic()
    if remaining <= 0:
        raise AppSyncTimeoutError(
            "no time left before the call's deadline to send the request", sent=False
        )
    return remaining


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
        remaining = _remaining(request)
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


class _Route:
    """How the owned client reaches one URL: the parsed URL, the transport its mounts
    and proxy settings pick, and the client's default headers."""

    __slots__ = ("default_names", "defaults", "transport", "url")

    def __init__(self, client: httpx.Client, url: str) -> None:
        self.url = httpx.URL(url)
        self.transport: httpx.BaseTransport = client._transport_for_url(self.url)
        self.defaults = list(client.headers.raw)
        self.default_names = frozenset(name.decode("latin-1").lower() for name, _ in self.defaults)


class HttpxTransport:
    """Sync transport over an ``httpx.Client`` (ours, or the user's as given)."""

    def __init__(self, client: httpx.Client | None = None) -> None:
        self._owned = client is None
        # straight to the pool for our own client (httpx's private routing kept; should
        # a future httpx drop it, the public path below serves instead)
        self._direct = self._owned and hasattr(httpx.Client, "_transport_for_url")
        self._client = client
        self._lock = threading.Lock()
        self._timeouts = _HttpxTimeouts()
        self._routes: dict[str, _Route] = {}

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
            response = client.post(
                request.url,
                content=request.content,
                headers=request.headers,
                timeout=self._timeouts(request),
                auth=_NO_AUTH,  # we sign ourselves; the client's own auth must not
                follow_redirects=False,  # a redirect must not carry our auth elsewhere
            )
        except httpx.TransportError as exc:
            raise _httpx_error(exc) from exc
        except httpx.HTTPError as exc:  # e.g. decoding a broken compressed body
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc
        return HttpResponse(response.status_code, response.headers, response.content)

    def _send_direct(self, client: httpx.Client, request: HttpRequest) -> HttpResponse:
        """Our own client: one request straight to the pool (or proxy) transport, with
        what ``client.post`` would send (default headers first, ours over them)."""
        route = self._routes.get(request.url)
        if route is None:
            route = self._routes[request.url] = _Route(client, request.url)
        default_names = route.default_names
        raw = route.defaults.copy()
        for name, value in request.headers.items():
            if name.lower() in default_names:  # ours replaces a default: httpx's merge
                merged = httpx.Headers(route.defaults)
                merged.update(request.headers)
                raw = merged.raw
                break
            raw.append((name.encode("ascii"), value.encode("ascii")))
        _, extensions = self._timeouts.get(request)
        outgoing = httpx.Request(
            request.method, route.url, headers=raw, content=request.content, extensions=extensions
        )
        try:
            response = route.transport.handle_request(outgoing)
            try:
                content = response.read()
            finally:
                response.close()
        except httpx.TransportError as exc:
            raise _httpx_error(exc) from exc
        except httpx.HTTPError as exc:  # e.g. decoding a broken compressed body
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc
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

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client
        self._timeouts = _HttpxTimeouts()

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the whole response."""
        try:
            response = await self._client.post(
                request.url,
                content=request.content,
                headers=request.headers,
                timeout=self._timeouts(request),
                auth=_NO_AUTH,  # we sign ourselves; the client's own auth must not
                follow_redirects=False,  # a redirect must not carry our auth elsewhere
            )
        except httpx.TransportError as exc:
            raise _httpx_error(exc) from exc
        except httpx.HTTPError as exc:
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc
        return HttpResponse(response.status_code, response.headers, response.content)

    async def aclose(self) -> None:
        """The user's client stays open: its owner closes it."""


class AiohttpTransport:
    """Async transport over one aiohttp session (one connection pool per client).

    The session is created lazily inside the running event loop; ``limit`` caps the
    pool's open connections.
    """

    def __init__(self, session: aiohttp.ClientSession | None = None, *, limit: int = 100) -> None:
        self._session = session
        self._owned = session is None
        self._limit = limit
        self._aiohttp: Any = None
        self._timeout_error: type[BaseException] = TimeoutError
        # (Timeout, total, the aiohttp.ClientTimeout built for them): see _client_timeout
        self._last_timeout: tuple[Timeout | None, float | None, Any] = (None, None, None)

    def _ensure(self) -> aiohttp.ClientSession:
        if self._aiohttp is None:
            import asyncio

            import aiohttp

            self._aiohttp = aiohttp
            self._timeout_error = asyncio.TimeoutError  # TimeoutError from Python 3.11
        if self._session is None or (self._owned and self._session.closed):
            aiohttp = self._aiohttp
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300),
                auto_decompress=True,
            )
        return self._session

    def _client_timeout(self, request: HttpRequest) -> Any:
        """``aiohttp.ClientTimeout`` for ``request``: connect and read waits, and the
        time left before the call's deadline as the total. While that is the whole
        ``Timeout.total`` to within a millisecond (a call's first attempt; aiohttp
        itself rounds totals of 5 s and more up to the next second), the one built
        last for the same :class:`Timeout` is reused."""
        timeout = request.timeout
        remaining = _remaining(request)
        total = timeout.total
        if remaining is not None and (total is None or total - remaining >= _REUSE_WITHIN):
            return self._aiohttp.ClientTimeout(
                total=remaining, sock_connect=timeout.connect, sock_read=timeout.read
            )
        whole = None if remaining is None else total
        last = self._last_timeout
        if last[0] is timeout and last[1] == whole:
            return last[2]
        built = self._aiohttp.ClientTimeout(
            total=whole, sock_connect=timeout.connect, sock_read=timeout.read
        )
        self._last_timeout = (timeout, whole, built)
        return built

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the whole response."""
        session = self._ensure()
        aiohttp = self._aiohttp
        client_timeout = self._client_timeout(request)
        try:
            async with session.post(
                request.url,
                data=request.content,
                headers=request.headers,
                timeout=client_timeout,
                allow_redirects=False,  # a redirect must not carry our auth elsewhere
            ) as response:
                content = await response.read()
                return HttpResponse(response.status, response.headers, content)
        except aiohttp.ClientConnectorError as exc:
            raise AppSyncNetworkError(f"cannot connect: {exc}", sent=False) from exc
        except aiohttp.ConnectionTimeoutError as exc:
            raise AppSyncTimeoutError("connect timed out", sent=False) from exc
        except self._timeout_error as exc:
            raise AppSyncTimeoutError("timed out waiting for the response") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc

    async def aclose(self) -> None:
        """Close the session if this transport created it."""
        if self._owned and self._session is not None and not self._session.closed:
            await self._session.close()
