"""AppSync's GraphQL real-time protocol (``graphql-ws``) as a state machine with no I/O.

In the manner of h11 and wsproto: a :class:`GraphQLWsProtocol` is one WebSocket
connection's state, meeting :class:`~._realtime_protocol.WireProtocol`. Feed it each
text frame (:meth:`~GraphQLWsProtocol.receive`) and it returns one
:class:`~._realtime_protocol.Event`; ask it for the frames to send
(:meth:`~GraphQLWsProtocol.connection_init`, :meth:`~GraphQLWsProtocol.start`,
:meth:`~GraphQLWsProtocol.stop`). It owns the clock arithmetic too: every call takes
``now`` (any monotonic clock, in seconds), :meth:`~GraphQLWsProtocol.next_deadline`
says when to look again and :meth:`~GraphQLWsProtocol.check_timeouts` reports the
``connection_ack``, ``start_ack`` and keep-alive timeouts that have passed. The
connection (:mod:`._connection`) does the sockets, tasks and timers; :data:`GRAPHQL_WS`
is what it needs to speak this protocol.

Messages (server to client): ``connection_ack`` (``payload.connectionTimeoutMs``; the
Amplify simulator says ``connectionTimeout``), ``ka``, ``start_ack``, ``data``,
``complete``, ``error`` (with an ``id``: one subscription; without: the whole
connection, its ``errors`` possibly one object rather than a list) and
``connection_error``. Garbage never raises: it becomes a
:class:`~._realtime_protocol.ProtocolError` event.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any, Final, cast

from ._auth import AuthRequest
from ._endpoints import Endpoint
from ._realtime_auth import SUBPROTOCOL, connect_auth_request, start_auth_request
from ._realtime_protocol import (
    ACK_TIMEOUT,
    KEEP_ALIVE,
    KEEPALIVE_TIMEOUT,
    Complete,
    ConnectionAck,
    ConnectionFailed,
    Data,
    DataWithErrors,
    Event,
    Ignored,
    ProtocolError,
    ProtocolSpec,
    StartAck,
    StartAckTimeout,
    SubscriptionFailed,
    keepalive_seconds,
)
from ._realtime_types import DEFAULT_KEEPALIVE_TIMEOUT
from ._response import error_entries, loads

__all__ = ["GRAPHQL_WS", "ConnectionState", "GraphQLWsProtocol"]


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


_PENDING: Final = 0  # start sent, no start_ack yet
_ACTIVE: Final = 1  # start_ack (or data) seen
_STOPPING: Final = 2  # stop sent, no complete yet


def _object_or_none(value: Any) -> dict[str, Any] | None:
    """``value`` if it is a JSON object, else None."""
    return cast("dict[str, Any]", value) if type(value) is dict else None


def _error_code(raw: object) -> int | None:
    first: object = raw
    if isinstance(raw, list) and raw:
        first = cast("list[object]", raw)[0]
    if isinstance(first, Mapping):
        code = cast("Mapping[str, object]", first).get("errorCode")
        if isinstance(code, int) and not isinstance(code, bool):
            return code
        if isinstance(code, str) and code.isdigit():
            return int(code)
    return None


class GraphQLWsProtocol:
    """One ``graphql-ws`` connection's protocol state; no I/O, no clock of its own.

    ``ack_timeout`` and ``start_ack_timeout`` are seconds allowed for
    ``connection_ack`` and each ``start_ack``; ``default_keepalive_timeout`` applies
    when the ``connection_ack`` names no ``connectionTimeoutMs``.
    """

    __slots__ = (
        "_ack_deadline",
        "_ack_timeout",
        "_default_keepalive",
        "_pending_deadlines",
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
        default_keepalive_timeout: float = DEFAULT_KEEPALIVE_TIMEOUT,
    ) -> None:
        self._ack_timeout = ack_timeout
        self._start_ack_timeout = start_ack_timeout
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
        """The ``start`` frame for subscription ``id``; starts its ``start_ack`` timer.

        ``data`` is the JSON text of ``{query, variables}``, sent as a string, and
        ``authorization`` the header set authorizing exactly that text.
        """
        if self.state is not ConnectionState.OPEN:
            raise RuntimeError(f"start in state {self.state.value}")
        if id in self._subs:
            raise RuntimeError(f"subscription {id} already started on this connection")
        self._subs[id] = _PENDING
        self._pending_deadlines[id] = now + self._start_ack_timeout
        return json.dumps(
            {
                "id": id,
                "type": "start",
                "payload": {"data": data, "extensions": {"authorization": dict(authorization)}},
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    def stop(self, id: str) -> str | None:
        """The ``stop`` frame for ``id``, or None when there is nothing to stop (never
        started here, already stopping, or already ended). A subscription whose
        ``start_ack`` timed out gets one ``stop`` too: AppSync may still register it."""
        if self.state is not ConnectionState.OPEN:
            return None
        if id in self._timed_out:
            self._timed_out.discard(id)
            return _stop_frame(id)
        state = self._subs.get(id)
        if state is None or state == _STOPPING:
            return None
        self._subs[id] = _STOPPING
        self._pending_deadlines.pop(id, None)
        return _stop_frame(id)

    # ---- incoming

    def receive(self, frame: str | bytes, now: float) -> Event:
        """Parse one text frame (once) and return what it means."""
        self.last_message_at = now
        try:
            message = loads(frame)
        except (ValueError, RecursionError):
            return ProtocolError(f"frame is not JSON ({len(frame)} characters)")
        return self._dispatch(message, now)

    def receive_message(self, message: object, now: float) -> Event:
        """Like :meth:`receive`, for a frame already decoded from JSON."""
        self.last_message_at = now
        return self._dispatch(message, now)

    def _dispatch(self, received: object, now: float) -> Event:
        if type(received) is not dict:
            return ProtocolError(f"frame is a JSON {type(received).__name__}, not an object")
        message = cast("dict[str, Any]", received)
        kind = message.get("type")
        # Hot path first: one event per subscription message.
        if kind == "data":
            id = message.get("id")
            state = self._subs.get(id) if type(id) is str else None
            if state is None or state == _STOPPING:
                return Ignored("data for a subscription that is not running")
            received_payload = message.get("payload")
            if type(received_payload) is not dict:
                return ProtocolError("data frame without a payload object")
            payload = cast("dict[str, Any]", received_payload)
            if state == _PENDING:  # data before start_ack: take it as the ack
                self._subs[id] = _ACTIVE  # type: ignore[index]
                self._pending_deadlines.pop(id, None)  # type: ignore[arg-type]
            data = payload.get("data")
            errors = payload.get("errors")
            if errors:
                return DataWithErrors(
                    id,  # type: ignore[arg-type]
                    tuple(error_entries(errors)),
                    _object_or_none(data),
                )
            if type(data) is not dict:
                return ProtocolError("data frame whose payload.data is not an object")
            return Data(id, data)  # type: ignore[arg-type]
        if kind == "ka":
            return KEEP_ALIVE
        if kind == "start_ack":
            return self._on_start_ack(message.get("id"))
        if kind == "complete":
            id = message.get("id")
            if type(id) is not str or self._subs.pop(id, None) is None:
                return Ignored("complete for an unknown subscription")
            self._pending_deadlines.pop(id, None)
            return Complete(id)
        if kind == "error":
            return self._on_error(message)
        if kind == "connection_ack":
            if self.state is not ConnectionState.CONNECTING:
                return Ignored(f"connection_ack in state {self.state.value}")
            self.state = ConnectionState.OPEN
            self._ack_deadline = None
            self.keepalive_timeout, adjusted = keepalive_seconds(
                message.get("payload"), self._default_keepalive
            )
            return ConnectionAck(self.keepalive_timeout, adjusted)
        if kind == "connection_error":
            raw = _errors_of(message)
            self.state = ConnectionState.CLOSED
            return ConnectionFailed("connection_error", tuple(error_entries(raw)), _error_code(raw))
        if isinstance(kind, str):
            # quoted whole or not at all: a cut could keep the start of a secret
            shown = repr(kind) if len(kind) <= 40 else f"({len(kind)} characters)"
            return ProtocolError(f"unknown message type {shown}")
        return ProtocolError("message without a type")

    def _on_start_ack(self, id: object) -> Event:
        if type(id) is not str:
            return ProtocolError("start_ack without an id")
        state = self._subs.get(id)
        if state is None:
            return Ignored("start_ack for an unknown subscription")
        self._pending_deadlines.pop(id, None)
        if state == _PENDING:
            self._subs[id] = _ACTIVE
            return StartAck(id)
        return Ignored("start_ack for a subscription already acknowledged or stopping")

    def _on_error(self, message: dict[str, Any]) -> Event:
        id = message.get("id")
        raw = _errors_of(message)
        entries = tuple(error_entries(raw))
        if isinstance(id, str) and id:
            if self._subs.pop(id, None) is None:
                return Ignored("error for an unknown subscription")
            self._pending_deadlines.pop(id, None)
            failed: object = message.get("payload")
            data = cast("dict[str, Any]", failed).get("data") if type(failed) is dict else None
            return SubscriptionFailed(id, entries, _object_or_none(data))
        if self.state is ConnectionState.CONNECTING:
            self.state = ConnectionState.CLOSED
        return ConnectionFailed("error", entries, _error_code(raw))

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
        return deadline

    def check_timeouts(self, now: float) -> list[Event]:
        """The timeouts that have passed at ``now``. A connection-level one closes the
        protocol; a ``start_ack`` one forgets that subscription."""
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
        return expired

    # ---- bookkeeping

    def connection_lost(self) -> None:
        """The socket is gone: nothing more can happen on this connection."""
        self.state = ConnectionState.CLOSED
        self._subs.clear()
        self._pending_deadlines.clear()
        self._timed_out.clear()

    def forget(self, id: str) -> None:
        """Drop ``id`` without a ``stop`` (e.g. its consumer vanished)."""
        self._subs.pop(id, None)
        self._pending_deadlines.pop(id, None)
        self._timed_out.discard(id)

    def knows(self, id: str) -> bool:
        """Whether ``id`` was started here and has not ended."""
        return id in self._subs

    def is_active(self, id: str) -> bool:
        """Whether ``id`` is acknowledged and not stopping."""
        return self._subs.get(id) == _ACTIVE

    @property
    def subscription_count(self) -> int:
        """Subscriptions started here and not yet ended (stopping ones included)."""
        return len(self._subs)


def _stop_frame(id: str) -> str:
    return '{"type":"stop","id":' + json.dumps(id) + "}"


def _errors_of(message: Mapping[str, Any]) -> Any:
    payload: object = message.get("payload")
    if isinstance(payload, Mapping):
        payload = cast("Mapping[str, Any]", payload)
        if "errors" in payload:
            return payload["errors"]
        if "message" in payload:  # a bare error object as the payload
            return payload
        return None
    return None


def _new(ack_timeout: float, start_ack_timeout: float, keepalive: float) -> GraphQLWsProtocol:
    return GraphQLWsProtocol(
        ack_timeout=ack_timeout,
        start_ack_timeout=start_ack_timeout,
        default_keepalive_timeout=keepalive,
    )


def _connect_request(endpoint: Endpoint) -> AuthRequest:
    return connect_auth_request(endpoint.url, endpoint.host, endpoint.region)


def _start_request(endpoint: Endpoint, body: bytes) -> AuthRequest:
    return start_auth_request(endpoint.url, endpoint.host, endpoint.region, body)


GRAPHQL_WS: Final = ProtocolSpec(
    name="graphql-ws",
    subprotocol=SUBPROTOCOL,
    new=_new,
    connect_request=_connect_request,
    start_request=_start_request,
)
"""GraphQL subscriptions over ``graphql-ws``: what every client uses today."""
