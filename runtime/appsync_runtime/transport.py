"""Thin transports: send one :class:`HttpRequest`, return one :class:`HttpResponse`.

They add nothing to the request, never follow redirects (a 3xx is an error: a redirect
must not carry a key or token to another host), and raise only
:class:`AppSyncNetworkError` (with ``sent=False`` when the request provably never left
the machine; :class:`AppSyncTimeoutError` for timeouts). The sync default
is httpx; the async default is aiohttp, imported on first async use only, so sync
users (most Lambda functions) never pay for importing it. A user's own
``httpx.Client`` or ``httpx.AsyncClient`` is used as given.
"""

from __future__ import annotations

import asyncio
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
    """``httpx.Timeout`` for a request: the last one is reused while the deadline is
    far, so the common call builds none. Thread-safe: the cache is one tuple,
    replaced whole."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: tuple[Timeout | None, httpx.Timeout] = (None, httpx.Timeout(None))

    def __call__(self, request: HttpRequest) -> httpx.Timeout:
        timeout = request.timeout
        connect, read = timeout.connect, timeout.read
        remaining = _remaining(request)
        if remaining is not None and remaining < (connect if connect > read else read):
            connect, read = min(connect, remaining), min(read, remaining)
            return httpx.Timeout(read, connect=connect, pool=connect)
        last = self._last
        if last[0] is timeout:
            return last[1]
        converted = httpx.Timeout(read, connect=connect, pool=connect)
        self._last = (timeout, converted)
        return converted


def _httpx_error(exc: httpx.TransportError) -> AppSyncNetworkError:
    # A failed connect (refused, DNS, TLS handshake, connect timeout) sent nothing.
    sent = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    kind = type(exc).__name__
    message = f"{kind}: {exc}" if str(exc) else kind
    if isinstance(exc, httpx.TimeoutException):
        return AppSyncTimeoutError(message, sent=sent)
    return AppSyncNetworkError(message, sent=sent)


class HttpxTransport:
    """Sync transport over an ``httpx.Client`` (ours, or the user's as given)."""

    def __init__(self, client: httpx.Client | None = None) -> None:
        self._owned = client is None
        self._client = client
        self._lock = threading.Lock()
        self._timeouts = _HttpxTimeouts()

    def _ensure(self) -> httpx.Client:
        # Created on first use: building the TLS context costs milliseconds at start-up.
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = httpx.Client()
                client = self._client
        return client

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the whole response."""
        client = self._ensure()
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

    def _ensure(self) -> aiohttp.ClientSession:
        if self._aiohttp is None:
            import aiohttp

            self._aiohttp = aiohttp
        if self._session is None or (self._owned and self._session.closed):
            aiohttp = self._aiohttp
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300),
                auto_decompress=True,
                skip_auto_headers=("Content-Type",),
            )
        return self._session

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` and read the whole response."""
        session = self._ensure()
        aiohttp = self._aiohttp
        timeout = request.timeout
        client_timeout = aiohttp.ClientTimeout(
            total=_remaining(request), sock_connect=timeout.connect, sock_read=timeout.read
        )
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
        except asyncio.TimeoutError as exc:
            raise AppSyncTimeoutError("timed out waiting for the response") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise AppSyncNetworkError(f"{type(exc).__name__}: {exc}") from exc

    async def aclose(self) -> None:
        """Close the session if this transport created it."""
        if self._owned and self._session is not None and not self._session.closed:
            await self._session.close()
