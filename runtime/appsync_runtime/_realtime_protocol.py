"""What every real-time protocol speaks to a connection: events, and the interface.

A real-time protocol (``graphql-ws`` for GraphQL subscriptions, in
:mod:`._graphql_ws`; AppSync Events' ``aws-appsync-event-ws`` next) is a sans-IO state
machine: text frames in, :class:`Event` objects out, frames to send on request, and
its own deadlines. The connection (:mod:`._connection`) drives any object that meets
:class:`WireProtocol`; a :class:`ProtocolSpec` tells it how to make one, which
WebSocket subprotocol to offer, and what a connect or a subscription authorizes. The
connection manager, watchdog, backoff, reconnects, buffers and gaps know nothing else
of the protocol.

The events are named after ``graphql-ws``; another protocol maps its messages onto
them (Events: ``subscribe_success`` is a :class:`StartAck`, ``unsubscribe_success`` a
:class:`Complete`, ``subscribe_error`` a :class:`SubscriptionFailed`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, cast

from .errors import GraphQLErrorEntry

if TYPE_CHECKING:
    from ._auth import AuthRequest
    from ._endpoints import Endpoint

__all__ = [
    "ACK_TIMEOUT",
    "KEEPALIVE_TIMEOUT",
    "KEEPALIVE_TIMEOUT_MAX",
    "KEEPALIVE_TIMEOUT_MIN",
    "KEEP_ALIVE",
    "AckTimeout",
    "Complete",
    "ConnectionAck",
    "ConnectionFailed",
    "Data",
    "DataWithErrors",
    "Event",
    "Ignored",
    "KeepAlive",
    "KeepAliveTimeout",
    "ProtocolError",
    "ProtocolSpec",
    "StartAck",
    "StartAckTimeout",
    "SubscriptionFailed",
    "WireProtocol",
    "keepalive_seconds",
]

KEEPALIVE_TIMEOUT_MIN: Final = 1.0
KEEPALIVE_TIMEOUT_MAX: Final = 600.0
"""The range, in seconds, a server-announced ``connectionTimeoutMs`` is clamped to:
below a second a silent-looking connection would be torn down (and every subscription
restarted) over and over; above twice AppSync's 300 s a dead connection would go
unnoticed for too long. A value that is no positive finite number of milliseconds
(a string, a bool, 0, a negative, NaN, infinity) is ignored in favour of the default."""


# --------------------------------------------------------------------------- events


class Event:
    """Base class of what :meth:`WireProtocol.receive` and
    :meth:`WireProtocol.check_timeouts` return."""

    __slots__ = ()

    def _fields(self) -> tuple[str, ...]:
        names: tuple[str, ...] = type(self).__slots__
        return names

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields())
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(
            getattr(self, name) == getattr(other, name) for name in self._fields()
        )

    __hash__ = None  # type: ignore[assignment]


class ConnectionAck(Event):
    """The server accepted the connection; ``keepalive_timeout`` is in seconds.

    ``adjusted`` says why the announced ``connectionTimeoutMs`` was not taken as is
    (clamped into [:data:`KEEPALIVE_TIMEOUT_MIN`, :data:`KEEPALIVE_TIMEOUT_MAX`], or
    unusable and replaced by the default), or is None when it was.
    """

    __slots__ = ("adjusted", "keepalive_timeout")

    def __init__(self, keepalive_timeout: float, adjusted: str | None = None) -> None:
        self.keepalive_timeout = keepalive_timeout
        self.adjusted = adjusted


class KeepAlive(Event):
    """A ``ka`` frame (every message restarts the keep-alive watchdog)."""

    __slots__ = ()


class StartAck(Event):
    """AppSync registered subscription ``id``: events flow from now on."""

    __slots__ = ("id",)

    def __init__(self, id: str) -> None:
        self.id = id


class Data(Event):
    """One event for subscription ``id``; ``data`` is the GraphQL ``data`` object."""

    __slots__ = ("data", "id")

    def __init__(self, id: str, data: dict[str, Any]) -> None:
        self.id = id
        self.data = data


class DataWithErrors(Event):
    """An event for subscription ``id`` that carries GraphQL ``errors`` (``data`` is
    whatever partial data came with them)."""

    __slots__ = ("data", "errors", "id")

    def __init__(
        self, id: str, errors: tuple[GraphQLErrorEntry, ...], data: dict[str, Any] | None
    ) -> None:
        self.id = id
        self.errors = errors
        self.data = data


class Complete(Event):
    """Subscription ``id`` ended (the answer to ``stop``, or the server's own doing)."""

    __slots__ = ("id",)

    def __init__(self, id: str) -> None:
        self.id = id


class SubscriptionFailed(Event):
    """An ``error`` frame for subscription ``id``: it is gone, the connection is not.

    ``data`` is any partial data the frame carried."""

    __slots__ = ("data", "errors", "id")

    def __init__(
        self,
        id: str,
        errors: tuple[GraphQLErrorEntry, ...],
        data: dict[str, Any] | None = None,
    ) -> None:
        self.id = id
        self.errors = errors
        self.data = data


class ConnectionFailed(Event):
    """A ``connection_error``, or an ``error`` with no ``id``: the whole connection.

    ``kind`` is the frame type; ``error_code`` the first entry's ``errorCode`` (AppSync
    puts an HTTP-like status there, e.g. 401) when it is an integer.
    """

    __slots__ = ("error_code", "errors", "kind")

    def __init__(
        self,
        kind: Literal["connection_error", "error"],
        errors: tuple[GraphQLErrorEntry, ...],
        error_code: int | None = None,
    ) -> None:
        self.kind = kind
        self.errors = errors
        self.error_code = error_code

    @property
    def error_type(self) -> str | None:
        """The first entry's ``errorType``."""
        return self.errors[0].error_type if self.errors else None

    @property
    def is_auth_failure(self) -> bool:
        """Whether fresh credentials might help: AWS clients treat errorCode 400/401/403,
        ``UnauthorizedException`` and ``BadRequestException`` so."""
        return self.error_code in (400, 401, 403) or self.error_type in (
            "UnauthorizedException",
            "BadRequestException",
            "ForbiddenException",
        )


class Ignored(Event):
    """A well-formed frame with nothing to act on (e.g. ``data`` after ``stop``)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class ProtocolError(Event):
    """A frame that breaks the protocol (not JSON, unknown type, missing fields).

    The connection goes on: a driver logs it and ignores it."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class AckTimeout(Event):
    """No ``connection_ack`` in time: close and retry."""

    __slots__ = ()


class KeepAliveTimeout(Event):
    """No message at all within the keep-alive timeout: the connection is dead."""

    __slots__ = ()


class StartAckTimeout(Event):
    """No ``start_ack`` for subscription ``id`` in time (it is forgotten here)."""

    __slots__ = ("id",)

    def __init__(self, id: str) -> None:
        self.id = id


KEEP_ALIVE: Final = KeepAlive()
ACK_TIMEOUT: Final = AckTimeout()
KEEPALIVE_TIMEOUT: Final = KeepAliveTimeout()
"""Shared instances of the field-less events (a protocol may return these)."""


def keepalive_seconds(payload: object, default: float) -> tuple[float, str | None]:
    """The keep-alive timeout an acknowledgement announces (a mapping holding
    ``connectionTimeoutMs``, or the simulator's ``connectionTimeout``), in seconds and
    within the documented range, with a note when the announced value was not used
    as is. Never raises, whatever the server sent."""
    if not isinstance(payload, Mapping):
        return default, None
    fields = cast("Mapping[str, object]", payload)
    unusable: list[str] = []
    for key in ("connectionTimeoutMs", "connectionTimeout"):
        if key not in fields:
            continue
        value = fields[key]
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            # exact integer comparisons: a huge int never becomes a float here
            if value > 0:
                if value < KEEPALIVE_TIMEOUT_MIN * 1000:
                    return KEEPALIVE_TIMEOUT_MIN, f"{key} {value} ms raised to the minimum"
                if value > KEEPALIVE_TIMEOUT_MAX * 1000:
                    return KEEPALIVE_TIMEOUT_MAX, f"{key} above the maximum: clamped"
                return value / 1000.0, None
        elif isinstance(value, float) and math.isfinite(value) and value > 0:
            seconds = value / 1000.0
            if seconds < KEEPALIVE_TIMEOUT_MIN:
                return KEEPALIVE_TIMEOUT_MIN, f"{key} {value:g} ms raised to the minimum"
            if seconds > KEEPALIVE_TIMEOUT_MAX:
                return KEEPALIVE_TIMEOUT_MAX, f"{key} above the maximum: clamped"
            return seconds, None
        what = type(value).__name__
        unusable.append(f"{key} is not a positive number of milliseconds ({what})")
    if unusable:
        return default, f"{unusable[0]}: default used"
    return default, None


# --------------------------------------------------------------------------- the seam


class WireProtocol(Protocol):
    """One connection's protocol state, as a connection drives it: no I/O, no clock
    of its own (every call that needs the time takes ``now``, monotonic seconds)."""

    keepalive_timeout: float | None
    """Seconds of silence tolerated, known once the connection is acknowledged."""
    last_message_at: float
    """When the last frame arrived (once acknowledged: where a gap begins)."""

    def connection_init(self, now: float) -> str:
        """The first frame to send; starts the acknowledgement timer."""
        ...

    def start(self, id: str, data: str, authorization: Mapping[str, str], now: float) -> str:
        """The frame registering subscription ``id`` (``data`` is the subscription's
        payload text, ``authorization`` the auth object for it)."""
        ...

    def stop(self, id: str) -> str | None:
        """The frame ending subscription ``id``, or None when there is nothing to end."""
        ...

    def receive(self, frame: str | bytes, now: float) -> Event:
        """What one received text frame means."""
        ...

    def next_deadline(self) -> float | None:
        """When :meth:`check_timeouts` may next report something."""
        ...

    def check_timeouts(self, now: float) -> list[Event]:
        """The timeouts passed at ``now``: :class:`AckTimeout`,
        :class:`KeepAliveTimeout` or :class:`StartAckTimeout` events."""
        ...

    def connection_lost(self) -> None:
        """The socket is gone."""
        ...

    def forget(self, id: str) -> None:
        """Drop ``id`` without a frame."""
        ...

    def knows(self, id: str) -> bool:
        """Whether ``id`` was started here and has not ended."""
        ...


@dataclass(frozen=True)
class ProtocolSpec:
    """How a connection speaks one real-time protocol.

    - ``name``: for logs and reprs;
    - ``subprotocol``: the ``Sec-WebSocket-Protocol`` to offer;
    - ``new(ack_timeout, start_ack_timeout, default_keepalive_timeout)``: a fresh
      :class:`WireProtocol` for one socket;
    - ``connect_request(endpoint)``: what a strategy authorizes for the connect;
    - ``start_request(endpoint, body)``: what it authorizes for one subscription
      whose payload is ``body`` (the JSON of ``{query, variables}``).
    """

    name: str
    subprotocol: str
    new: Callable[[float, float, float], WireProtocol]
    connect_request: Callable[[Endpoint], AuthRequest]
    start_request: Callable[[Endpoint, bytes], AuthRequest]
