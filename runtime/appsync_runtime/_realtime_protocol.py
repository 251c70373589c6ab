"""What every real-time protocol speaks to a connection: events, and the interface.

A real-time protocol (``graphql-ws`` for GraphQL subscriptions, in
:mod:`._graphql_ws`; AppSync Events' ``aws-appsync-event-ws``, in :mod:`._events_ws`)
is a sans-IO state machine: text frames in, :class:`Event` objects out, frames to send
on request, and its own deadlines; :class:`ProtocolMachine` keeps the state every
protocol keeps alike. The connection (:mod:`._connection`) drives any object that meets
:class:`WireProtocol`; a :class:`ProtocolSpec` tells it how to make one, which
WebSocket subprotocol to offer, and what a connect or a subscription authorizes. The
connection manager, watchdog, backoff, reconnects, buffers and gaps know nothing else
of the protocol.

The events are named after ``graphql-ws``; another protocol maps its messages onto
them (Events: ``subscribe_success`` is a :class:`StartAck`, ``unsubscribe_success`` a
:class:`Complete`, ``subscribe_error`` a :class:`SubscriptionFailed`).
"""

from __future__ import annotations

import enum
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
    "ACTIVE",
    "KEEPALIVE_TIMEOUT",
    "KEEPALIVE_TIMEOUT_MAX",
    "KEEPALIVE_TIMEOUT_MIN",
    "KEEP_ALIVE",
    "PENDING",
    "STOPPING",
    "AckTimeout",
    "BadData",
    "Complete",
    "ConnectionAck",
    "ConnectionFailed",
    "ConnectionState",
    "Data",
    "DataWithErrors",
    "DeliveryFailed",
    "Event",
    "Ignored",
    "KeepAlive",
    "KeepAliveTimeout",
    "ProtocolError",
    "ProtocolMachine",
    "ProtocolSpec",
    "RequestDone",
    "RequestFailed",
    "RequestTimeout",
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
    """One event for subscription ``id``: the GraphQL ``data`` object, or (Events) the
    decoded JSON value of the event."""

    __slots__ = ("data", "id")

    def __init__(self, id: str, data: Any) -> None:
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


class BadData(Event):
    """An event for subscription ``id`` that cannot be read (Events: its ``event`` is
    not JSON text): the subscription's consumer gets an error, not a guess."""

    __slots__ = ("id", "reason")

    def __init__(self, id: str, reason: str) -> None:
        self.id = id
        self.reason = reason


class DeliveryFailed(Event):
    """The server could not deliver an event to subscription ``id`` (Events'
    ``broadcast_error``): events were lost, the subscription goes on."""

    __slots__ = ("errors", "id")

    def __init__(self, id: str, errors: tuple[GraphQLErrorEntry, ...]) -> None:
        self.id = id
        self.errors = errors


class RequestDone(Event):
    """The answer to request ``id`` (Events: ``publish_success``); ``message`` is the
    whole decoded frame."""

    __slots__ = ("id", "message")

    def __init__(self, id: str, message: dict[str, Any]) -> None:
        self.id = id
        self.message = message


class RequestFailed(Event):
    """Request ``id`` was refused (Events: ``publish_error``)."""

    __slots__ = ("errors", "id")

    def __init__(self, id: str, errors: tuple[GraphQLErrorEntry, ...]) -> None:
        self.id = id
        self.errors = errors


class RequestTimeout(Event):
    """No answer to request ``id`` in time (it is forgotten here)."""

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


# --------------------------------------------------------------------------- shared state


class ConnectionState(enum.Enum):
    """Where one connection stands."""

    IDLE = "idle"
    """Nothing sent yet."""
    CONNECTING = "connecting"
    """``connection_init`` sent, waiting for ``connection_ack``."""
    OPEN = "open"
    """Acknowledged: subscriptions may start."""
    CLOSED = "closed"
    """Lost or closed; a new connection needs a new protocol object."""


PENDING: Final = 0
"""A subscription whose start was sent, not acknowledged yet."""
ACTIVE: Final = 1
"""A subscription acknowledged (or whose first event arrived)."""
STOPPING: Final = 2
"""A subscription whose stop was sent, not answered yet."""


class ProtocolMachine:
    """What every real-time protocol's state machine keeps alike: the connection's
    state, the ``connection_ack``, keep-alive, start and request deadlines, and the
    subscriptions' states. A protocol subclasses it and adds its frames
    (:meth:`_start_frame`, :meth:`_stop_frame`) and their meaning (``receive``).
    No I/O, no clock of its own: every call that needs the time takes ``now``."""

    __slots__ = (
        "_ack_deadline",
        "_ack_timeout",
        "_default_keepalive",
        "_pending_deadlines",
        "_request_deadlines",
        "_request_timeout",
        "_start_ack_timeout",
        "_subs",
        "_timed_out",
        "keepalive_timeout",
        "last_message_at",
        "state",
    )

    def __init__(
        self,
        *,
        ack_timeout: float = 15.0,
        start_ack_timeout: float = 15.0,
        default_keepalive_timeout: float = 300.0,
    ) -> None:
        self._ack_timeout = ack_timeout
        self._start_ack_timeout = start_ack_timeout
        self._request_timeout = start_ack_timeout
        self._default_keepalive = default_keepalive_timeout
        self.state = ConnectionState.IDLE
        self.keepalive_timeout: float | None = None
        """Seconds of silence tolerated, known once acknowledged."""
        self.last_message_at = 0.0
        """When the last frame of any kind arrived (the watchdog's reference); before
        the first frame, when ``connection_init`` was sent. Once the connection is
        open (a ``connection_ack`` arrived) it is always a frame's arrival: the last
        moment the connection was known to work, where a gap begins."""
        self._ack_deadline: float | None = None
        self._subs: dict[str, int] = {}
        self._pending_deadlines: dict[str, float] = {}
        self._timed_out: set[str] = set()  # start_ack timed out, stop not sent yet
        self._request_deadlines: dict[str, float] = {}

    # ---- frames: the protocol's own

    def _start_frame(self, id: str, data: str, authorization: Mapping[str, str]) -> str:
        raise NotImplementedError

    def _stop_frame(self, id: str) -> str:
        raise NotImplementedError

    def _request_frame(self, id: str, body: str, authorization: Mapping[str, str]) -> str:
        raise RuntimeError(f"{type(self).__name__} has no requests")

    # ---- outgoing

    def connection_init(self, now: float) -> str:
        """The ``connection_init`` frame; starts the ``connection_ack`` timer."""
        if self.state is not ConnectionState.IDLE:
            raise RuntimeError(f"connection_init in state {self.state.value}")
        self.state = ConnectionState.CONNECTING
        self._ack_deadline = now + self._ack_timeout
        self.last_message_at = now
        return '{"type":"connection_init"}'

    def start(self, id: str, data: str, authorization: Mapping[str, str], now: float) -> str:
        """The frame registering subscription ``id``; starts its acknowledgement
        timer. ``data`` is the text the subscription's auth covers, and
        ``authorization`` the header set authorizing exactly that text."""
        if self.state is not ConnectionState.OPEN:
            raise RuntimeError(f"start in state {self.state.value}")
        if id in self._subs:
            raise RuntimeError(f"subscription {id} already started on this connection")
        frame = self._start_frame(id, data, authorization)
        self._subs[id] = PENDING
        self._pending_deadlines[id] = now + self._start_ack_timeout
        return frame

    def stop(self, id: str) -> str | None:
        """The frame ending ``id``, or None when there is nothing to stop (never
        started here, already stopping, or already ended). A subscription whose
        acknowledgement timed out gets one stop too: the server may still register
        it."""
        if self.state is not ConnectionState.OPEN:
            return None
        if id in self._timed_out:
            self._timed_out.discard(id)
            return self._stop_frame(id)
        state = self._subs.get(id)
        if state is None or state == STOPPING:
            return None
        self._subs[id] = STOPPING
        self._pending_deadlines.pop(id, None)
        return self._stop_frame(id)

    def request(
        self, id: str, body: str, authorization: Mapping[str, str], now: float, timeout: float
    ) -> str:
        """The frame of request ``id`` (Events: a ``publish`` whose signed body is
        ``body``); its answer is due within ``timeout`` seconds."""
        if self.state is not ConnectionState.OPEN:
            raise RuntimeError(f"request in state {self.state.value}")
        if id in self._request_deadlines:
            raise RuntimeError(f"request {id} already sent on this connection")
        frame = self._request_frame(id, body, authorization)
        self._request_deadlines[id] = now + timeout
        return frame

    # ---- incoming helpers

    def _acknowledged(self, timing: object) -> Event:
        """A ``connection_ack`` whose keep-alive timeout is read from ``timing``."""
        if self.state is not ConnectionState.CONNECTING:
            return Ignored(f"connection_ack in state {self.state.value}")
        self.state = ConnectionState.OPEN
        self._ack_deadline = None
        self.keepalive_timeout, adjusted = keepalive_seconds(timing, self._default_keepalive)
        return ConnectionAck(self.keepalive_timeout, adjusted)

    def _started(self, id: object, what: str) -> Event:
        """A subscription's acknowledgement (``what`` names the frame)."""
        if type(id) is not str:
            return ProtocolError(f"{what} without an id")
        state = self._subs.get(id)
        if state is None:
            return Ignored(f"{what} for an unknown subscription")
        self._pending_deadlines.pop(id, None)
        if state == PENDING:
            self._subs[id] = ACTIVE
            return StartAck(id)
        return Ignored(f"{what} for a subscription already acknowledged or stopping")

    def _ended(self, id: object, what: str) -> Event:
        """Subscription ``id`` is over (its stop was answered, or the server ended it)."""
        if type(id) is not str or self._subs.pop(id, None) is None:
            return Ignored(f"{what} for an unknown subscription")
        self._pending_deadlines.pop(id, None)
        return Complete(id)

    def _answered(self, id: object) -> bool:
        """Whether ``id`` is a request waiting for its answer (forgotten now if so)."""
        return type(id) is str and self._request_deadlines.pop(id, None) is not None

    # ---- time

    def next_deadline(self) -> float | None:
        """The earliest moment at which :meth:`check_timeouts` may report something."""
        if self.state is ConnectionState.CONNECTING:
            return self._ack_deadline
        if self.state is not ConnectionState.OPEN:
            return None
        assert self.keepalive_timeout is not None
        deadline = self.last_message_at + self.keepalive_timeout
        if self._pending_deadlines:
            deadline = min(deadline, min(self._pending_deadlines.values()))
        if self._request_deadlines:
            deadline = min(deadline, min(self._request_deadlines.values()))
        return deadline

    def check_timeouts(self, now: float) -> list[Event]:
        """The timeouts that have passed at ``now``. A connection-level one closes the
        protocol; a start one forgets that subscription, a request one that request."""
        if self.state is ConnectionState.CONNECTING:
            if self._ack_deadline is not None and now >= self._ack_deadline:
                self.state = ConnectionState.CLOSED
                return [ACK_TIMEOUT]
            return []
        if self.state is not ConnectionState.OPEN:
            return []
        assert self.keepalive_timeout is not None
        if now >= self.last_message_at + self.keepalive_timeout:
            self.state = ConnectionState.CLOSED
            return [KEEPALIVE_TIMEOUT]
        expired: list[Event] = []
        if self._pending_deadlines:
            for id, deadline in list(self._pending_deadlines.items()):
                if now >= deadline:
                    del self._pending_deadlines[id]
                    self._subs.pop(id, None)
                    self._timed_out.add(id)
                    expired.append(StartAckTimeout(id))
        if self._request_deadlines:
            for id, deadline in list(self._request_deadlines.items()):
                if now >= deadline:
                    del self._request_deadlines[id]
                    expired.append(RequestTimeout(id))
        return expired

    # ---- bookkeeping

    def connection_lost(self) -> None:
        """The socket is gone: nothing more can happen on this connection."""
        self.state = ConnectionState.CLOSED
        self._subs.clear()
        self._pending_deadlines.clear()
        self._timed_out.clear()
        self._request_deadlines.clear()

    def forget(self, id: str) -> None:
        """Drop ``id`` without a stop (e.g. its consumer vanished)."""
        self._subs.pop(id, None)
        self._pending_deadlines.pop(id, None)
        self._timed_out.discard(id)
        self._request_deadlines.pop(id, None)

    def knows(self, id: str) -> bool:
        """Whether ``id`` was started here and has not ended."""
        return id in self._subs

    def is_active(self, id: str) -> bool:
        """Whether ``id`` is acknowledged and not stopping."""
        return self._subs.get(id) == ACTIVE

    @property
    def subscription_count(self) -> int:
        """Subscriptions started here and not yet ended (stopping ones included)."""
        return len(self._subs)


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

    def request(
        self, id: str, body: str, authorization: Mapping[str, str], now: float, timeout: float
    ) -> str:
        """The frame of request ``id`` (an Events ``publish``), answered by a
        :class:`RequestDone` or :class:`RequestFailed` within ``timeout`` seconds (or
        reported as a :class:`RequestTimeout`). A protocol without requests raises
        ``RuntimeError``."""
        ...

    def receive(self, frame: str | bytes, now: float) -> Event:
        """What one received text frame means."""
        ...

    def next_deadline(self) -> float | None:
        """When :meth:`check_timeouts` may next report something."""
        ...

    def check_timeouts(self, now: float) -> list[Event]:
        """The timeouts passed at ``now``: :class:`AckTimeout`,
        :class:`KeepAliveTimeout`, :class:`StartAckTimeout` or :class:`RequestTimeout`
        events."""
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
      whose payload is ``body`` (GraphQL: the JSON of ``{query, variables}``;
      Events: ``{"channel":...}``);
    - ``request_request(endpoint, body)``: what it authorizes for one request
      (Events: a ``publish``), None when the protocol has no requests;
    - ``query_form``: whether the legacy query-string connect form is known to work
      (``connect_form="auto"`` then picks it for loopback hosts, where the Amplify
      simulator reads only that form; without it ``auto`` is the subprotocol form
      and ``"query"`` is refused).
    """

    name: str
    subprotocol: str
    new: Callable[[float, float, float], WireProtocol]
    connect_request: Callable[[Endpoint], AuthRequest]
    start_request: Callable[[Endpoint, bytes], AuthRequest]
    request_request: Callable[[Endpoint, bytes], AuthRequest] | None = None
    query_form: bool = True
