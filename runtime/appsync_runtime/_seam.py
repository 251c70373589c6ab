"""Where the users' test kit (:mod:`appsync_runtime.testing`) plugs into the clients.

:data:`active` is None in production: every client then sends through its own
transport and opens real WebSockets. While a test installs a fake
(:func:`install`), each HTTP call of every client goes to the fake's transport for
that call (the whole call flow above it still runs: auth selection, serialization,
retries, typed errors, validation), each subscription is announced to it, and the
real-time connection manager opens its WebSockets through it. Nothing here imports
more than the standard library.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a Protocol class costs import time: only checkers see it
    from typing import Any, Protocol

    from ._connection import WebSocket
    from ._flow import AsyncTransport, Call, SyncTransport

    class Fake(Protocol):
        """What an installed fake provides."""

        def sync_transport(self, client: object, call: Call) -> SyncTransport:
            """The transport ``client`` sends ``call``'s attempts through."""
            ...

        def async_transport(self, client: object, call: Call) -> AsyncTransport:
            """The async twin of :meth:`sync_transport`."""
            ...

        def subscribing(self, client: object, call: Call) -> None:
            """``client`` is about to subscribe with ``call`` (its body and strategy)."""

        async def open_websocket(
            self, url: str, protocols: tuple[str, ...], headers: Any
        ) -> WebSocket:
            """A WebSocket to the fake's real-time endpoint (duck-typed as aiohttp's)."""
            ...


__all__ = ["active", "install", "uninstall"]

active: Fake | None = None
"""The installed fake, or None (production)."""

_lock = threading.Lock()


def install(fake: Fake) -> None:
    """Make ``fake`` the one every client talks to; one fake at a time."""
    global active
    with _lock:
        if active is not None and active is not fake:
            raise RuntimeError("another AppSync fake is installed already")
        active = fake


def uninstall(fake: Fake) -> None:
    """Stop routing to ``fake`` (nothing if another, or none, is installed)."""
    global active
    with _lock:
        if active is fake:
            active = None
