"""Client-side faults that are real: connections refused by this machine's kernel.

A request "refused" here is genuinely sent to a local port with nothing listening, so
the client sees the operating system's own ECONNREFUSED, exactly as it would when a
server is down. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import random
import socket
import threading
from collections.abc import Callable
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from tests.support.ports import free_port


class Coin:
    """A seeded, thread-safe coin: ``coin()`` is True with probability ``p``."""

    def __init__(self, p: float, seed: int) -> None:
        self.p = p
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.flips = 0
        self.heads = 0

    def __call__(self) -> bool:
        with self._lock:
            self.flips += 1
            heads = self._random.random() < self.p
            self.heads += heads
            return heads


class RefusingTransport(httpx.BaseTransport):
    """An httpx transport that sends some requests to a dead local port."""

    def __init__(self, refuse: Callable[[], bool], **kwargs: Any) -> None:
        self._inner = httpx.HTTPTransport(**kwargs)
        self._refuse = refuse
        self._dead = free_port()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._refuse():
            request.url = request.url.copy_with(port=self._dead)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class RefusingResolver(AbstractResolver):
    """An aiohttp resolver for ``localhost``: some new connections are pointed at a
    dead port (refused), and with ``fail_dns`` some lookups fail outright."""

    def __init__(
        self, refuse: Callable[[], bool], fail_dns: Callable[[], bool] | None = None
    ) -> None:
        self._refuse = refuse
        self._fail_dns = fail_dns
        self._dead = free_port()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self._fail_dns is not None and self._fail_dns():
            raise OSError(socket.EAI_NONAME, "Name or service not known")
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=self._dead if self._refuse() else port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        pass


def refusing_session(
    refuse: Callable[[], bool], fail_dns: Callable[[], bool] | None = None, limit: int = 100
) -> aiohttp.ClientSession:
    """An aiohttp session whose new connections are sometimes refused (use it with a
    ``http://localhost:<port>/graphql`` URL)."""
    connector = aiohttp.TCPConnector(
        limit=limit, resolver=RefusingResolver(refuse, fail_dns), use_dns_cache=False
    )
    return aiohttp.ClientSession(connector=connector, skip_auto_headers=("Content-Type",))
