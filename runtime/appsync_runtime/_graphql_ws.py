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

import json
from collections.abc import Mapping
from typing import Any, Final, cast

from ._auth import AuthRequest
from ._endpoints import Endpoint
from ._realtime_auth import SUBPROTOCOL, connect_auth_request, start_auth_request
from ._realtime_protocol import (
    ACTIVE,
    KEEP_ALIVE,
    PENDING,
    STOPPING,
    ConnectionFailed,
    ConnectionState,
    Data,
    DataWithErrors,
    Event,
    Ignored,
    ProtocolError,
    ProtocolMachine,
    ProtocolSpec,
    SubscriptionFailed,
)
from ._realtime_types import DEFAULT_KEEPALIVE_TIMEOUT
from ._response import error_entries, loads

__all__ = ["GRAPHQL_WS", "ConnectionState", "GraphQLWsProtocol"]


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


class GraphQLWsProtocol(ProtocolMachine):
    """One ``graphql-ws`` connection's protocol state; no I/O, no clock of its own.

    ``ack_timeout`` and ``start_ack_timeout`` are seconds allowed for
    ``connection_ack`` and each ``start_ack``; ``default_keepalive_timeout`` applies
    when the ``connection_ack`` names no ``connectionTimeoutMs``. The bookkeeping
    (state, deadlines, subscriptions) is :class:`~._realtime_protocol.ProtocolMachine`'s.
    """

    __slots__ = ()

    def __init__(
        self,
        *,
        ack_timeout: float = 15.0,
        start_ack_timeout: float = 15.0,
        default_keepalive_timeout: float = DEFAULT_KEEPALIVE_TIMEOUT,
    ) -> None:
        super().__init__(
            ack_timeout=ack_timeout,
            start_ack_timeout=start_ack_timeout,
            default_keepalive_timeout=default_keepalive_timeout,
        )

    # ---- outgoing

    def _start_frame(self, id: str, data: str, authorization: Mapping[str, str]) -> str:
        """The ``start`` frame: ``data`` is the JSON text of ``{query, variables}``,
        sent as a string, and ``authorization`` the header set authorizing exactly
        that text."""
        return json.dumps(
            {
                "id": id,
                "type": "start",
                "payload": {"data": data, "extensions": {"authorization": dict(authorization)}},
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    def _stop_frame(self, id: str) -> str:
        return '{"type":"stop","id":' + json.dumps(id) + "}"

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
            if state is None or state == STOPPING:
                return Ignored("data for a subscription that is not running")
            received_payload = message.get("payload")
            if type(received_payload) is not dict:
                return ProtocolError("data frame without a payload object")
            payload = cast("dict[str, Any]", received_payload)
            if state == PENDING:  # data before start_ack: take it as the ack
                self._subs[id] = ACTIVE  # type: ignore[index]
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
            return self._started(message.get("id"), "start_ack")
        if kind == "complete":
            return self._ended(message.get("id"), "complete")
        if kind == "error":
            return self._on_error(message)
        if kind == "connection_ack":
            return self._acknowledged(message.get("payload"))
        if kind == "connection_error":
            raw = _errors_of(message)
            self.state = ConnectionState.CLOSED
            return ConnectionFailed("connection_error", tuple(error_entries(raw)), _error_code(raw))
        if isinstance(kind, str):
            # quoted whole or not at all: a cut could keep the start of a secret
            shown = repr(kind) if len(kind) <= 40 else f"({len(kind)} characters)"
            return ProtocolError(f"unknown message type {shown}")
        return ProtocolError("message without a type")

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
