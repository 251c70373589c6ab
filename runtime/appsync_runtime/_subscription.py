"""One logical subscription and its consumer's buffer, and what its signals mean.

A :class:`Subscription` outlives connections: the connection pushes events, the ready
marker, gaps and errors into its queue; the consumer (the async iterator, or the sync
client's thread driver) takes them out. :func:`deliver_signal` is the one place that
turns a ready marker or a gap into the user's ``on_ready``/``on_gap`` call, or the
warning for a gap nobody asked to hear about.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

from ._auth import AuthStrategy
from ._realtime_types import RealtimeOptions, SubscriptionGap


class Carrier(Protocol):
    """The connection a subscription rides on, as the subscription sees it."""

    async def stop(self, sub: Subscription) -> None:
        """Stop ``sub`` on the server and forget it."""
        ...


__all__ = [
    "END",
    "READY",
    "Dropped",
    "GapStart",
    "Signal",
    "Subscription",
    "deliver_signal",
    "wall",
]

log = logging.getLogger("appsync_runtime.realtime")


class Signal:
    """A marker in a subscription's queue (:data:`READY`, :data:`END`)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


READY: Final = Signal("ready")
"""The server first acknowledged the subscription: ``on_ready`` runs."""
END: Final = Signal("end")
"""The subscription is over: the consumer's iteration stops."""


@dataclass
class GapStart:
    """A resumed subscription's gap, open until its new acknowledgement: since when
    (wall-clock seconds) and why."""

    at: float
    reason: str


Queued = tuple[Any, int, float]
"""An event in a subscription's queue: its ``data`` (a GraphQL data object, or an
Events event's JSON value), frame size and arrival time."""


class Dropped:
    """Stands in a subscription's queue for events dropped on overflow (``first`` and
    ``last`` are their arrival times on the loop's clock)."""

    __slots__ = ("count", "first", "last")

    def __init__(self, at: float) -> None:
        self.count = 1
        self.first = at
        self.last = at


def wall(loop: asyncio.AbstractEventLoop, *moments: float) -> list[float]:
    """Past ``moments`` on the loop's monotonic clock, as wall-clock seconds: one
    offset for all of them, so their order and spacing are kept."""
    offset = time.time() - loop.time()
    return [offset + at for at in moments]


class Subscription:
    """One logical subscription: outlives connections, feeds one consumer.

    ``items`` is the consumer's queue: each event as a ``(data, size, arrived_at)``
    tuple, and the signals (ready, gaps, dropped-events markers, errors, the end) in
    their place; ``count`` and ``nbytes`` measure the events in it."""

    __slots__ = (
        "acked",
        "awaiting_ack",
        "body",
        "conn",
        "count",
        "data",
        "gap",
        "half_bytes",
        "half_events",
        "id",
        "items",
        "loop",
        "max_bytes",
        "max_events",
        "nbytes",
        "operation_name",
        "strategy",
        "waiter",
    )

    def __init__(
        self,
        body: bytes,
        strategy: AuthStrategy,
        operation_name: str | None,
        loop: asyncio.AbstractEventLoop,
        options: RealtimeOptions,
    ) -> None:
        import uuid  # here, not at import time: uuid pulls in platform (~10 ms)

        self.id = str(uuid.uuid4())
        self.body = body
        """The JSON of ``{query, variables}`` as sent over HTTP: what a ``start`` signs
        (kept once, as bytes; the frame's text is decoded from it at each start)."""
        self.strategy = strategy
        self.operation_name = operation_name
        self.loop = loop
        self.items: deque[Any] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.conn: Carrier | None = None
        self.acked = False
        self.gap: GapStart | None = None
        self.awaiting_ack = True
        """Not acknowledged yet, or resumed and not acknowledged since (gap set)."""
        self.count = 0
        self.nbytes = 0
        self.max_events = options.max_buffered_events
        self.max_bytes = options.max_buffered_bytes
        self.half_events = self.max_events // 2
        self.half_bytes = self.max_bytes // 2

    def push(self, item: object) -> None:
        self.items.append(item)
        waiter = self.waiter
        if waiter is not None:
            self.waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def fits(self, size: int) -> bool:
        """Whether one more event of ``size`` stays within the limits."""
        return self.count < self.max_events and self.nbytes + size <= self.max_bytes

    def make_room(self, size: int) -> None:
        """Drop the oldest events until one more of ``size`` fits (or none is left:
        an event larger than the byte limit is still kept, alone)."""
        while not self.fits(size) and self.drop_oldest():
            pass

    def push_event(self, data: Any, size: int, at: float) -> None:
        """Queue one event (the caller made room for it)."""
        self.count += 1
        self.nbytes += size
        queued: Queued = (data, size, at)
        self.push(queued)

    def drop_oldest(self) -> bool:
        """Drop the oldest queued event (False if none); a :class:`Dropped` marker
        takes its place, or counts it when the marker is already just before it."""
        items = self.items
        index = next((i for i, item in enumerate(items) if type(item) is tuple), None)
        if index is None:
            return False
        _, size, at = items[index]
        self.count -= 1
        self.nbytes -= size
        previous = items[index - 1] if index else None
        if type(previous) is Dropped:
            previous.count += 1
            previous.last = at
            del items[index]
        else:
            items[index] = Dropped(at)
        return True

    def gap_for(self, dropped: Dropped) -> SubscriptionGap:
        """The :class:`SubscriptionGap` reporting ``dropped`` events."""
        first, last = wall(self.loop, dropped.first, dropped.last)
        return SubscriptionGap(
            self.id,
            self.operation_name,
            first,
            last,
            f"buffer overflow: {dropped.count} event{'s' if dropped.count != 1 else ''} "
            "dropped (the consumer fell behind)",
            dropped=dropped.count,
        )

    async def wait(self) -> None:
        waiter = self.loop.create_future()
        self.waiter = waiter
        try:
            await waiter
        finally:
            self.waiter = None


def deliver_signal(
    item: object,
    operation_name: str | None,
    on_ready: Callable[[], object] | None,
    on_gap: Callable[[SubscriptionGap], object] | None,
) -> object:
    """Hand a ready marker or a :class:`SubscriptionGap` to its callback and return
    what the callback returned (an awaitable, for an async one: the caller awaits
    it). A gap with no ``on_gap`` is logged as a warning instead."""
    if item is READY:
        return on_ready() if on_ready is not None else None
    assert isinstance(item, SubscriptionGap)
    if on_gap is not None:
        return on_gap(item)
    log.warning(
        "subscription %s lost the events of %.1f s (%s); pass on_gap= to catch up",
        operation_name or item.subscription_id,
        item.duration,
        item.reason,
    )
    return None
