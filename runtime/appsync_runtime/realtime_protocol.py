"""AppSync's real-time protocol (``graphql-ws``) as a state machine with no I/O.

In the manner of h11 and wsproto: a :class:`RealtimeProtocol` is one WebSocket
connection's state. Feed it each text frame (:meth:`~RealtimeProtocol.receive`) and
it returns one :class:`Event`; ask it for the frames to send
(:meth:`~RealtimeProtocol.connection_init`, :meth:`~RealtimeProtocol.start`,
:meth:`~RealtimeProtocol.stop`). It owns the clock arithmetic too: every call takes
``now`` (any monotonic clock, in seconds), :meth:`~RealtimeProtocol.next_deadline`
says when to look again and :meth:`~RealtimeProtocol.check_timeouts` reports the
``connection_ack``, ``start_ack`` and keep-alive timeouts that have passed. The
driver (:mod:`appsync_runtime.realtime`) does the sockets, tasks and timers.

The module also builds what a connect or a ``start`` must carry for auth
(:func:`connect_auth_request`, :func:`start_auth_request`, :func:`authorization_payload`,
:func:`connect_target`) and the reconnect backoff (:func:`backoff_delay`): all pure.

Messages (server to client): ``connection_ack`` (``payload.connectionTimeoutMs``; the
Amplify simulator says ``connectionTimeout``), ``ka``, ``start_ack``, ``data``,
``complete``, ``error`` (with an ``id``: one subscription; without: the whole
connection, its ``errors`` possibly one object rather than a list) and
``connection_error``. Garbage never raises: it becomes a :class:`ProtocolError` event.
"""

from __future__ import annotations

import base64
import enum
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import quote, urlsplit, urlunsplit

from ._auth import AuthMode, AuthRequest
from ._endpoints import url_without_query as _graphql_url
from ._endpoints import url_without_query as _safe_url
from ._response import _entries, loads
from .errors import GraphQLErrorEntry

__all__ = [
    "CONNECT_HEADERS",
    "DEFAULT_KEEPALIVE_TIMEOUT",
    "SUBPROTOCOL",
    "AckTimeout",
    "Complete",
    "ConnectForm",
    "ConnectTarget",
    "ConnectionAck",
    "ConnectionFailed",
    "ConnectionState",
    "Data",
    "DataWithErrors",
    "Event",
    "Ignored",
    "KeepAlive",
    "KeepAliveTimeout",
    "ProtocolError",
    "RealtimeProtocol",
    "StartAck",
    "StartAckTimeout",
    "SubscriptionFailed",
    "authorization_payload",
    "backoff_delay",
    "connect_auth_request",
    "connect_target",
    "decode_connect_auth",
    "resolve_connect_form",
    "start_auth_request",
]

SUBPROTOCOL: Final = "graphql-ws"
DEFAULT_KEEPALIVE_TIMEOUT: Final = 300.0
"""Seconds without any message after which a connection counts as dead, when the
``connection_ack`` does not say (AppSync's documented default, 300000 ms)."""

CONNECT_HEADERS: Final[Mapping[str, str]] = {
    "accept": "application/json, text/javascript",
    "content-encoding": "amz-1.0",
    "content-type": "application/json; charset=UTF-8",
}
"""The headers AWS clients sign for a real-time connect and for each ``start``."""

ConnectForm = Literal["auto", "subprotocol", "query", "headers"]
"""How the connect auth travels: ``subprotocol`` (``Sec-WebSocket-Protocol:
graphql-ws, header-<base64url>``), ``query`` (legacy ``?header=...&payload=e30=``),
``headers`` (plain HTTP headers on the upgrade) or ``auto`` (``subprotocol``, except
``query`` for loopback hosts, where the Amplify simulator only understands that)."""


# --------------------------------------------------------------------------- events


class Event:
    """Base class of what :meth:`RealtimeProtocol.receive` and
    :meth:`RealtimeProtocol.check_timeouts` return."""

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
    """The server accepted the connection; ``keepalive_timeout`` is in seconds."""

    __slots__ = ("keepalive_timeout",)

    def __init__(self, keepalive_timeout: float) -> None:
        self.keepalive_timeout = keepalive_timeout


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


_KEEP_ALIVE: Final = KeepAlive()
_ACK_TIMEOUT: Final = AckTimeout()
_KEEPALIVE_TIMEOUT: Final = KeepAliveTimeout()


# --------------------------------------------------------------------------- state machine


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


def _keepalive_seconds(payload: object, default: float) -> float:
    if isinstance(payload, Mapping):
        for key in ("connectionTimeoutMs", "connectionTimeout"):
            value = payload.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                return float(value) / 1000.0
    return default


def _error_code(raw: object) -> int | None:
    first = raw[0] if isinstance(raw, list) and raw else raw
    if isinstance(first, Mapping):
        code = first.get("errorCode")
        if isinstance(code, int) and not isinstance(code, bool):
            return code
        if isinstance(code, str) and code.isdigit():
            return int(code)
    return None


class RealtimeProtocol:
    """One real-time connection's protocol state; no I/O, no clock of its own.

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
        """When the last frame of any kind arrived (the watchdog's reference)."""
        self._ack_deadline: float | None = None
        self._subs: dict[str, int] = {}
        self._pending_deadlines: dict[str, float] = {}

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
        started here, already stopping, or already ended)."""
        state = self._subs.get(id)
        if state is None or state == _STOPPING or self.state is not ConnectionState.OPEN:
            return None
        self._subs[id] = _STOPPING
        self._pending_deadlines.pop(id, None)
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

    def _dispatch(self, message: object, now: float) -> Event:
        if type(message) is not dict:
            return ProtocolError(f"frame is a JSON {type(message).__name__}, not an object")
        kind = message.get("type")
        # Hot path first: one event per subscription message.
        if kind == "data":
            id = message.get("id")
            state = self._subs.get(id) if type(id) is str else None
            if state is None or state == _STOPPING:
                return Ignored("data for a subscription that is not running")
            payload = message.get("payload")
            if type(payload) is not dict:
                return ProtocolError("data frame without a payload object")
            if state == _PENDING:  # data before start_ack: take it as the ack
                self._subs[id] = _ACTIVE  # type: ignore[index]
                self._pending_deadlines.pop(id, None)  # type: ignore[arg-type]
            data = payload.get("data")
            errors = payload.get("errors")
            if errors:
                return DataWithErrors(
                    id,  # type: ignore[arg-type]
                    tuple(_entries(errors)),
                    data if type(data) is dict else None,
                )
            if type(data) is not dict:
                return ProtocolError("data frame whose payload.data is not an object")
            return Data(id, data)  # type: ignore[arg-type]
        if kind == "ka":
            return _KEEP_ALIVE
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
            self.keepalive_timeout = _keepalive_seconds(
                message.get("payload"), self._default_keepalive
            )
            return ConnectionAck(self.keepalive_timeout)
        if kind == "connection_error":
            raw = _errors_of(message)
            self.state = ConnectionState.CLOSED
            return ConnectionFailed("connection_error", tuple(_entries(raw)), _error_code(raw))
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
        entries = tuple(_entries(raw))
        if isinstance(id, str) and id:
            if self._subs.pop(id, None) is None:
                return Ignored("error for an unknown subscription")
            self._pending_deadlines.pop(id, None)
            payload = message.get("payload")
            data = payload.get("data") if isinstance(payload, dict) else None
            return SubscriptionFailed(id, entries, data if type(data) is dict else None)
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
                return [_ACK_TIMEOUT]
            return []
        if self.state is not ConnectionState.OPEN:
            return []
        assert self.keepalive_timeout is not None
        if now >= self.last_message_at + self.keepalive_timeout:
            self.state = ConnectionState.CLOSED
            return [_KEEPALIVE_TIMEOUT]
        expired: list[Event] = []
        if self._pending_deadlines:
            for id, deadline in list(self._pending_deadlines.items()):
                if now >= deadline:
                    del self._pending_deadlines[id]
                    self._subs.pop(id, None)
                    expired.append(StartAckTimeout(id))
        return expired

    # ---- bookkeeping

    def connection_lost(self) -> None:
        """The socket is gone: nothing more can happen on this connection."""
        self.state = ConnectionState.CLOSED
        self._subs.clear()
        self._pending_deadlines.clear()

    def forget(self, id: str) -> None:
        """Drop ``id`` without a ``stop`` (e.g. its consumer vanished)."""
        self._subs.pop(id, None)
        self._pending_deadlines.pop(id, None)

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


def _errors_of(message: Mapping[str, Any]) -> Any:
    payload = message.get("payload")
    if isinstance(payload, Mapping):
        if "errors" in payload:
            return payload["errors"]
        if "message" in payload:  # a bare error object as the payload
            return payload
        return None
    return None


# --------------------------------------------------------------------------- auth


def connect_auth_request(url: str, host: str, region: str | None) -> AuthRequest:
    """What a strategy authorizes for a connect: ``POST <graphql url>/connect`` with
    body ``{}`` and :data:`CONNECT_HEADERS` (what AWS clients sign)."""
    return AuthRequest(
        method="POST",
        url=_graphql_url(url).rstrip("/") + "/connect",
        host=host,
        body=b"{}",
        headers=CONNECT_HEADERS,
        region=region,
    )


def start_auth_request(url: str, host: str, region: str | None, data: str) -> AuthRequest:
    """What a strategy authorizes for a ``start``: ``POST <graphql url>`` whose body is
    exactly the ``data`` string."""
    return AuthRequest(
        method="POST",
        url=url,
        host=host,
        body=data.encode("utf-8"),
        headers=CONNECT_HEADERS,
        region=region,
    )


def authorization_payload(
    request: AuthRequest, mode: AuthMode | str | None, headers: Mapping[str, str]
) -> dict[str, str]:
    """The JSON auth object for a connect or a ``start``: ``host`` plus the strategy's
    headers. A SigV4 signature also covers the request's own headers, so for IAM
    those travel too (AppSync rebuilds the signed request from this object)."""
    signed = mode == AuthMode.AWS_IAM or str(headers.get("Authorization", "")).startswith(
        "AWS4-HMAC-SHA256"
    )
    payload: dict[str, str] = dict(request.headers) if signed else {}
    payload["host"] = request.host
    payload.update(headers)
    return payload


@dataclass(frozen=True)
class ConnectTarget:
    """Where and how to open the WebSocket: ``url`` (already percent-encoded),
    ``protocols`` to offer and extra upgrade ``headers``. The URL and the protocols
    may hold secrets: never log them."""

    url: str
    protocols: tuple[str, ...]
    headers: Mapping[str, str]

    def __repr__(self) -> str:
        return f"ConnectTarget(url={_safe_url(self.url)!r}, protocols=<{len(self.protocols)}>)"


def _b64(payload: Mapping[str, str]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def resolve_connect_form(form: ConnectForm, realtime_url: str) -> ConnectForm:
    """``auto`` made concrete: ``query`` for loopback hosts (the Amplify simulator
    reads only that form), ``subprotocol`` everywhere else."""
    if form != "auto":
        return form
    from ._endpoints import is_loopback_host

    hostname = urlsplit(realtime_url).hostname or ""
    return "query" if is_loopback_host(hostname) else "subprotocol"


def connect_target(
    realtime_url: str, auth: Mapping[str, str], form: ConnectForm = "auto"
) -> ConnectTarget:
    """The connect request carrying ``auth`` (see :data:`ConnectForm`)."""
    form = resolve_connect_form(form, realtime_url)
    raw = _b64(auth)
    if form == "subprotocol":
        token = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
        return ConnectTarget(realtime_url, (SUBPROTOCOL, "header-" + token), {})
    if form == "query":
        header = quote(base64.b64encode(raw).decode("ascii"), safe="")
        parts = urlsplit(realtime_url)
        query = f"header={header}&payload=e30%3D"
        if parts.query:
            query = f"{parts.query}&{query}"
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        return ConnectTarget(url, (SUBPROTOCOL,), {})
    if form == "headers":
        return ConnectTarget(realtime_url, (SUBPROTOCOL,), dict(auth))
    raise ValueError(f"unknown connect form {form!r}")


def decode_connect_auth(
    url: str, protocols: tuple[str, ...] | list[str], headers: Mapping[str, str] | None = None
) -> dict[str, Any] | None:
    """The auth object a connect carries, read back as a server would (for tests and
    fakes): from a ``header-`` subprotocol, else the ``header`` query parameter."""
    for protocol in protocols:
        if protocol.startswith("header-"):
            token = protocol[len("header-") :]
            decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            value = json.loads(decoded)
            return value if isinstance(value, dict) else None
    from urllib.parse import parse_qs

    query = parse_qs(urlsplit(url).query)
    if "header" in query:
        value = json.loads(base64.b64decode(query["header"][0], validate=True))
        return value if isinstance(value, dict) else None
    return dict(headers) if headers else None


# --------------------------------------------------------------------------- backoff


def backoff_delay(
    attempt: int,
    *,
    initial: float,
    maximum: float,
    rand: random.Random | None = None,
) -> float:
    """Seconds to wait before reconnect attempt ``attempt`` (1 for the first):
    "full jitter", uniform in ``[0, min(maximum, initial * 2**(attempt-1))]``, so
    clients dropped together do not come back together."""
    if attempt < 1:
        return 0.0
    ceiling = min(maximum, initial * (2.0 ** min(attempt - 1, 62)))
    return (rand or random).uniform(0.0, ceiling)
