"""AppSync Events' real-time protocol (``aws-appsync-event-ws``) as a state machine
with no I/O, beside :mod:`._graphql_ws`.

An :class:`EventsWsProtocol` is one WebSocket's state; its bookkeeping (connection
state, deadlines, subscriptions, requests) is
:class:`~._realtime_protocol.ProtocolMachine`'s, and its frames and their meaning are
its own. Client to server: ``connection_init``, ``subscribe`` (``id``, ``channel``,
a top-level ``authorization``), ``unsubscribe`` (``id``) and ``publish`` (``id``,
``channel``, ``events``: JSON texts, ``authorization``). Server to client, mapped
onto the shared events:

- ``connection_ack`` -> :class:`~._realtime_protocol.ConnectionAck`, with
  ``connectionTimeoutMs`` at the top level (or, tolerated, under ``payload``);
- ``ka`` -> keep-alive; ``subscribe_success`` -> ``StartAck``;
  ``unsubscribe_success`` -> ``Complete``; ``subscribe_error`` ->
  ``SubscriptionFailed``;
- ``data`` -> ``Data`` whose value is the decoded ``event`` (a JSON text; a list of
  exactly one such text, as the docs' sample shows, is tolerated), or ``BadData``
  when it is no JSON text;
- ``broadcast_error`` -> ``DeliveryFailed`` (an event was lost for that
  subscription); ``publish_success`` / ``publish_error`` -> ``RequestDone`` /
  ``RequestFailed``;
- ``connection_error``, and ``error`` without an ``id`` -> ``ConnectionFailed``; an
  ``error`` with an ``id`` fails that subscription or request;
- ``unsubscribe_error``, ``data`` for an id no longer subscribed and unknown types
  -> ``Ignored`` (the connection goes on).

Errors sit at the top level (``errors: [{errorType, message}]``); ``payload.errors``
is read too. :data:`EVENTS_WS` is what a connection needs to speak it: every IAM
signature covers ``POST https://<http host>/event`` with body ``{}`` (connect),
``{"channel":...}`` (subscribe) or ``{"channel":...,"events":[...]}`` (publish).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, cast
from urllib.parse import urlsplit, urlunsplit

from ._auth import AuthRequest
from ._endpoints import Endpoint
from ._realtime_auth import CONNECT_HEADERS
from ._realtime_protocol import (
    ACTIVE,
    KEEP_ALIVE,
    PENDING,
    STOPPING,
    BadData,
    ConnectionFailed,
    ConnectionState,
    Data,
    DeliveryFailed,
    Event,
    Ignored,
    ProtocolError,
    ProtocolMachine,
    ProtocolSpec,
    RequestDone,
    RequestFailed,
    SubscriptionFailed,
)
from ._realtime_types import DEFAULT_KEEPALIVE_TIMEOUT
from ._response import error_entries, loads
from .errors import GraphQLErrorEntry

__all__ = ["EVENTS_SUBPROTOCOL", "EVENTS_WS", "EventsWsProtocol", "http_event_url"]

EVENTS_SUBPROTOCOL: Final = "aws-appsync-event-ws"
"""The WebSocket subprotocol of the Events API."""


def _text(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _errors_of(message: Mapping[str, Any]) -> tuple[GraphQLErrorEntry, ...]:
    raw = message.get("errors")
    if raw is None:
        payload: object = message.get("payload")
        if isinstance(payload, Mapping):
            raw = cast("Mapping[str, Any]", payload).get("errors")
    return tuple(error_entries(raw))


def _spliced(kind: str, id: str, body: str, authorization: Mapping[str, str]) -> str:
    """``{"type":kind,"id":id,<the members of body>,"authorization":{...}}``: the
    signed body's own text, not a re-encoding of it. ``body`` is a JSON object text
    this client wrote (``{"channel":...}``, ``{"channel":...,"events":[...]}``)."""
    if not (body.startswith('{"channel":') and body.endswith("}")):
        raise ValueError("a subscribe or publish body is a JSON object naming a channel")
    head = '{"type":' + _text(kind) + ',"id":' + _text(id) + ","
    return head + body[1:-1] + ',"authorization":' + _text(dict(authorization)) + "}"


def _kind(value: object) -> str:
    return type(value).__name__


def _event_text(raw: object) -> str | None:
    """A ``data`` frame's ``event``: a JSON text, or (the docs' sample) a list of
    exactly one."""
    if isinstance(raw, list):
        listed = cast("list[object]", raw)
        raw = listed[0] if len(listed) == 1 else None
    return raw if isinstance(raw, str) else None


class EventsWsProtocol(ProtocolMachine):
    """One ``aws-appsync-event-ws`` connection's state; no I/O, no clock of its own.

    ``ack_timeout`` and ``start_ack_timeout`` are the seconds allowed for
    ``connection_ack`` and each ``subscribe_success``;
    ``default_keepalive_timeout`` applies when the ack names no
    ``connectionTimeoutMs``."""

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
        """The ``subscribe`` frame; ``data`` is the signed ``{"channel":...}`` text,
        whose members the frame carries as they are (the bytes AppSync rebuilds to
        check an IAM signature)."""
        return _spliced("subscribe", id, data, authorization)

    def _stop_frame(self, id: str) -> str:
        return _text({"type": "unsubscribe", "id": id})

    def _request_frame(self, id: str, body: str, authorization: Mapping[str, str]) -> str:
        """The ``publish`` frame; ``body`` is the signed
        ``{"channel":...,"events":[...]}`` text, whose members it carries as they are."""
        return _spliced("publish", id, body, authorization)

    # ---- incoming

    def receive(self, frame: str | bytes, now: float) -> Event:
        """Parse one text frame (once) and return what it means."""
        self.last_message_at = now
        try:
            message = loads(frame)
        except (ValueError, RecursionError):
            return ProtocolError(f"frame is not JSON ({len(frame)} characters)")
        if type(message) is not dict:
            return ProtocolError(f"frame is a JSON {type(message).__name__}, not an object")
        return self._dispatch(cast("dict[str, Any]", message))

    def _dispatch(self, message: dict[str, Any]) -> Event:
        kind = message.get("type")
        if kind == "data":
            return self._on_data(message)
        if kind == "ka":
            return KEEP_ALIVE
        id = message.get("id")
        if kind == "subscribe_success":
            return self._started(id, "subscribe_success")
        if kind == "publish_success":
            if not self._answered(id):
                return Ignored("publish_success for an unknown publish")
            return RequestDone(cast(str, id), message)
        if kind == "publish_error":
            return self._on_publish_error(id, message)
        if kind == "subscribe_error":
            if type(id) is not str or self._subs.pop(id, None) is None:
                return Ignored("subscribe_error for an unknown subscription")
            self._pending_deadlines.pop(id, None)
            return SubscriptionFailed(id, _errors_of(message))
        if kind == "broadcast_error":
            if type(id) is not str or self._subs.get(id) not in (PENDING, ACTIVE):
                return Ignored("broadcast_error for a subscription that is not running")
            return DeliveryFailed(id, _errors_of(message))
        if kind == "unsubscribe_success":
            return self._ended(id, "unsubscribe_success")
        if kind == "unsubscribe_error":
            if type(id) is str and self._subs.get(id) == STOPPING:
                del self._subs[id]
            return Ignored("unsubscribe_error (the subscription is gone here)")
        if kind == "connection_ack":
            timing: object = message if "connectionTimeoutMs" in message else message.get("payload")
            return self._acknowledged(timing)
        if kind == "connection_error":
            self.state = ConnectionState.CLOSED
            return ConnectionFailed("connection_error", _errors_of(message))
        if kind == "error":
            return self._on_error(id, message)
        if isinstance(kind, str):
            # quoted whole or not at all: a cut could keep the start of a secret
            shown = repr(kind) if len(kind) <= 40 else f"({len(kind)} characters)"
            return Ignored(f"unknown message type {shown}")
        return ProtocolError("message without a type")

    def _on_data(self, message: dict[str, Any]) -> Event:
        id = message.get("id")
        state = self._subs.get(id) if type(id) is str else None
        if state is None or state == STOPPING:
            return Ignored("data for a subscription that is not running")
        sub_id = cast(str, id)
        if state == PENDING:  # data before subscribe_success: take it as the ack
            self._subs[sub_id] = ACTIVE
            self._pending_deadlines.pop(sub_id, None)
        raw: object = message.get("event")
        text = _event_text(raw)
        if text is None:
            what = "missing" if raw is None else f"a JSON {_kind(raw)}"
            return BadData(sub_id, f"its 'event' is {what}, not the JSON text of one event")
        try:
            value = loads(text)
        except (ValueError, RecursionError):
            return BadData(sub_id, f"its 'event' is not JSON ({len(text)} characters)")
        return Data(sub_id, value)

    def _on_publish_error(self, id: object, message: dict[str, Any]) -> Event:
        if type(id) is not str and len(self._request_deadlines) == 1:
            id = next(iter(self._request_deadlines))  # no id, one publish waiting: its
        if not self._answered(id):
            return Ignored("publish_error for an unknown publish")
        return RequestFailed(cast(str, id), _errors_of(message))

    def _on_error(self, id: object, message: dict[str, Any]) -> Event:
        errors = _errors_of(message)
        if type(id) is str and id:
            if self._answered(id):
                return RequestFailed(id, errors)
            if self._subs.pop(id, None) is not None:
                self._pending_deadlines.pop(id, None)
                return SubscriptionFailed(id, errors)
            return Ignored("error for an unknown id")
        if self.state is ConnectionState.CONNECTING:
            self.state = ConnectionState.CLOSED
        return ConnectionFailed("error", errors)


# --------------------------------------------------------------------------- the spec


def http_event_url(endpoint: Endpoint) -> str:
    """``https://<http host>/event`` (the endpoint's scheme kept), no query: the
    request every Events IAM signature covers, whatever the transport."""
    parts = urlsplit(endpoint.url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _auth_request(endpoint: Endpoint, body: bytes) -> AuthRequest:
    return AuthRequest(
        method="POST",
        url=http_event_url(endpoint),
        host=endpoint.host,
        body=body,
        headers=CONNECT_HEADERS,
        region=endpoint.region,
    )


def _connect_request(endpoint: Endpoint) -> AuthRequest:
    return _auth_request(endpoint, b"{}")


def _new(ack_timeout: float, start_ack_timeout: float, keepalive: float) -> EventsWsProtocol:
    return EventsWsProtocol(
        ack_timeout=ack_timeout,
        start_ack_timeout=start_ack_timeout,
        default_keepalive_timeout=keepalive,
    )


EVENTS_WS: Final = ProtocolSpec(
    name="aws-appsync-event-ws",
    subprotocol=EVENTS_SUBPROTOCOL,
    new=_new,
    connect_request=_connect_request,
    start_request=_auth_request,
    request_request=_auth_request,
    query_form=False,
)
"""AppSync Events over ``aws-appsync-event-ws``: subscribe, unsubscribe, publish."""
