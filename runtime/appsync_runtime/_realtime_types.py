"""The real-time value types users meet: options, gaps, callbacks, the host warning.

All are re-exported from :mod:`appsync_runtime`; the machinery that uses them lives in
the other ``_realtime``/``_connection`` modules (see ``docs/architecture-realtime.md``).
"""

from __future__ import annotations

# Options come from users' code, typed or not: the isinstance checks are meant.
# pyright: reportUnnecessaryIsInstance=false
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Final, Literal

from .errors import AppSyncConfigError

__all__ = [
    "DEFAULT_KEEPALIVE_TIMEOUT",
    "AppSyncRealtimeHostWarning",
    "ConnectForm",
    "ConnectionState",
    "ConnectionStateCallback",
    "ConnectionStateChange",
    "GapCallback",
    "ReadyCallback",
    "RealtimeOptions",
    "SubscriptionGap",
]

DEFAULT_KEEPALIVE_TIMEOUT: Final = 300.0
"""Seconds without any message after which a connection counts as dead, when the
server does not say (AppSync's documented default, 300000 ms, for GraphQL and Events)."""

ConnectForm = Literal["auto", "subprotocol", "query", "headers"]
"""How the connect auth travels: ``subprotocol`` (``Sec-WebSocket-Protocol:
graphql-ws, header-<base64url>``), ``query`` (legacy ``?header=...&payload=e30=``),
``headers`` (plain HTTP headers on the upgrade) or ``auto`` (``subprotocol``, except
``query`` for loopback hosts, where the Amplify simulator only understands that)."""


class AppSyncRealtimeHostWarning(UserWarning):
    """``realtime_url`` names a host that is not the API's: every subscription's
    credentials (API key, token, IAM signature) go to that host. Right for a proxy you
    run; silence it with ``warnings.filterwarnings("ignore",
    category=AppSyncRealtimeHostWarning)``."""


@dataclass(frozen=True)
class SubscriptionGap:
    """Events of a live subscription were lost; run a catch-up query for the window.

    Two causes: the connection was lost and the subscription started again
    (``dropped`` is None: AppSync replays nothing, and how many were lost is unknown),
    or the consumer fell behind and the client dropped ``dropped`` events from the
    subscription's full buffer. Both times are wall-clock seconds (``time.time()``):

    - ``disconnected_at``: after a connection loss, when the last frame of any kind
      (``ka``, an event, the acks) arrived on the lost connection, the last moment it
      was known to work; after an overflow, when the first dropped event arrived.
    - ``resumed_at``: after a connection loss, when AppSync's ``start_ack`` for the
      restarted subscription arrived (everything published after it is delivered);
      after an overflow, when the last dropped event arrived.

    The lost events were published no later than ``resumed_at`` and, up to AppSync's
    delivery latency, no earlier than ``disconnected_at``: query from a few seconds
    before it, and drop duplicates of events you did receive.
    """

    subscription_id: str
    operation_name: str | None
    disconnected_at: float
    resumed_at: float
    reason: str
    """Why events were lost (no secrets), e.g. "no keep-alive within 300 s" or
    "buffer overflow: 120 events dropped"."""
    dropped: int | None = None
    """How many events the client itself dropped (buffer overflow); None after a
    connection loss."""

    @property
    def duration(self) -> float:
        """``resumed_at - disconnected_at``: the seconds the window spans."""
        return max(0.0, self.resumed_at - self.disconnected_at)


class ConnectionState(str, Enum):
    """The state of one real-time connection (equal to its lower-case value).

    ``connecting`` (the first open), ``connected`` (``connection_ack`` arrived; the
    subscriptions are being started or run), ``disrupted`` (the connection was lost or
    an open failed; another attempt follows), ``reconnecting`` (opening again after a
    disruption), ``closed`` (for good: the last subscription ended, the client
    closed, or the connection gave up; ``reason`` says which).
    """

    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISRUPTED = "disrupted"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


@dataclass(frozen=True)
class ConnectionStateChange:
    """One change of a real-time connection's state.

    ``connection`` numbers the client's connections (1, 2, ...: one carries up to
    ``max_subscriptions_per_connection`` subscriptions). ``reason`` says why, in words
    that never hold a secret (None when there is nothing to say: a first connect, a
    success). ``at`` is wall-clock time (``time.time()``), ``monotonic`` the same
    instant on :func:`time.monotonic` (for durations).
    """

    state: ConnectionState
    previous: ConnectionState | None
    reason: str | None
    at: float
    monotonic: float
    connection: int


ConnectionStateCallback = Callable[[ConnectionStateChange], object]
"""``on_connection_state``: called with each :class:`ConnectionStateChange`."""


GapCallback = Callable[[SubscriptionGap], "Awaitable[None] | None"]
"""``on_gap``: called with each :class:`SubscriptionGap` (awaited when async)."""
ReadyCallback = Callable[[], "Awaitable[None] | None"]
"""``on_ready``: called once, when AppSync first acknowledged the subscription."""


@dataclass(frozen=True)
class RealtimeOptions:
    """Real-time settings of a client (``AppSyncClient(..., realtime=RealtimeOptions())``).

    - ``connect_form``: how connect auth travels (see
      :data:`ConnectForm`). The default ``auto``
      sends the ``header-`` subprotocol, as amplify-js does since 2024: credentials
      then stay out of the URL, which proxies and load balancers log, and a long IAM
      header set never meets URL length limits. Loopback hosts get the legacy query
      form instead, the only one the Amplify AppSync simulator reads.
    - ``max_subscriptions_per_connection``: AppSync's limit is 100.
    - ``connect_timeout``, ``ack_timeout``, ``start_ack_timeout``, ``close_timeout``:
      seconds for the upgrade, ``connection_ack``, each ``start_ack`` and the closing
      handshake. ``default_keepalive_timeout`` applies when the ack names none.
    - ``backoff_initial``, ``backoff_max``: reconnect delays (full jitter, doubling).
    - ``connect_attempts``: attempts before a connection that never opened fails its
      subscriptions; ``max_reconnect_attempts``: consecutive failed attempts after a
      connection had opened (None: keep trying).
    - ``max_buffered_events``, ``max_buffered_bytes``: how much one subscription may
      hold for a consumer that has not taken it yet (bytes counted as the length of
      each event's frame text; one event larger than the byte limit is still kept).
      ``overflow`` says what happens past either: ``"drop_oldest"`` drops the oldest
      events and reports them as a :class:`SubscriptionGap` in their place;
      ``"fail"`` stops the subscription, which raises
      :class:`AppSyncSubscriptionOverflowError` after the events it holds.
    - ``on_connection_state``: called with each :class:`ConnectionStateChange` of the
      client's connections, in order. On the async client it runs in the event loop
      (keep it quick; to hand changes to async code, put them in an
      ``asyncio.Queue``); on the blocking client in a delivery thread of its own, so
      a slow callback never stalls the connection. What it raises is logged and
      ignored.
    """

    connect_form: ConnectForm = "auto"
    max_subscriptions_per_connection: int = 100
    connect_timeout: float = 10.0
    ack_timeout: float = 15.0
    start_ack_timeout: float = 15.0
    close_timeout: float = 2.0
    default_keepalive_timeout: float = DEFAULT_KEEPALIVE_TIMEOUT
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    connect_attempts: int = 3
    max_reconnect_attempts: int | None = None
    max_buffered_events: int = 10_000
    max_buffered_bytes: int = 16 * 1024 * 1024
    overflow: Literal["drop_oldest", "fail"] = "drop_oldest"
    on_connection_state: ConnectionStateCallback | None = field(
        default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        callback = self.on_connection_state
        if callback is not None and not callable(callback):
            raise AppSyncConfigError("on_connection_state must be callable or None")
        if self.connect_form not in ("auto", "subprotocol", "query", "headers"):
            raise AppSyncConfigError(
                "connect_form must be 'auto', 'subprotocol', 'query' or 'headers'"
            )
        for name in (
            "connect_timeout",
            "ack_timeout",
            "start_ack_timeout",
            "close_timeout",
            "default_keepalive_timeout",
            "backoff_max",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise AppSyncConfigError(f"{name} must be a positive number of seconds")
        if not isinstance(self.backoff_initial, (int, float)) or self.backoff_initial < 0:
            raise AppSyncConfigError("backoff_initial must be a number of seconds >= 0")
        if self.overflow not in ("drop_oldest", "fail"):
            raise AppSyncConfigError("overflow must be 'drop_oldest' or 'fail'")
        for name in (
            "max_subscriptions_per_connection",
            "connect_attempts",
            "max_buffered_events",
            "max_buffered_bytes",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise AppSyncConfigError(f"{name} must be an integer >= 1")
        limit = self.max_reconnect_attempts
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise AppSyncConfigError("max_reconnect_attempts must be an integer or None")
        if limit is not None and limit < 1:
            raise AppSyncConfigError("max_reconnect_attempts must be >= 1 (or None)")
