"""The errors a call can raise: every failure is one of these, nothing else escapes.

::

    AppSyncError                    base of everything below
    ├── AppSyncConfigError          bad settings, found before anything is sent (also ValueError)
    ├── AppSyncNetworkError         no HTTP status: refused, reset, DNS, TLS (sent)
    │   └── AppSyncTimeoutError     connect or read timeout, or the call's deadline passed
    ├── AppSyncHTTPError            a non-2xx status (status, error_type, request_id)
    │   ├── AppSyncAuthError        401 or 403, or credentials that cannot be had (reason)
    │   ├── AppSyncThrottledError   429 (retry_after)
    │   └── AppSyncErrorPageError   another status whose body is not JSON, such as a
    │                               proxy's HTML page (also an AppSyncResponseError)
    ├── AppSyncGraphQLError         a GraphQL response with ``errors`` (entries, partial data)
    │   └── AppSyncSubscriptionError  an ``error`` frame ended a subscription (one, or every
    │                               one on the connection: ``connection_wide``)
    ├── AppSyncSubscriptionOverflowError  a subscription's consumer fell behind and its
    │                               buffer overflowed, with ``overflow="fail"``
    ├── AppSyncPartialPublishError  an Events publish of more than 5 events failed after
    │                               some batches were published (``published``)
    └── AppSyncResponseError        a body that is not a GraphQL response: HTML from a
        │                           proxy, truncated JSON, the wrong shape, a result that
        │                           does not fit the generated model
        └── AppSyncResponseTooLargeError  a body over the client's ``max_response_bytes``

Key your handling on the class, ``status`` and ``error_type``; never on message text.
Messages never contain secrets: no keys, tokens, signatures or JWTs.

Every error survives :mod:`pickle` (process pools, task queues), :func:`copy.copy` and
:func:`copy.deepcopy` with its class, message and attributes (``status``,
``error_type``, ``request_id``, ``errors``, partial ``data``, ``attempts``, ``reason``,
``sent``, ...); the chain of causes and the traceback stay behind, as with any
exception.

Every error that ends a call carries ``attempts``: how many attempts the call made
(retries and an auth re-sign included), also shown in ``str()`` when more than one.
Retries (:mod:`appsync_runtime._retry`) only ever raise the error of the last attempt.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AppSyncAuthError",
    "AppSyncConfigError",
    "AppSyncError",
    "AppSyncErrorPageError",
    "AppSyncGraphQLError",
    "AppSyncHTTPError",
    "AppSyncNetworkError",
    "AppSyncPartialPublishError",
    "AppSyncResponseError",
    "AppSyncResponseTooLargeError",
    "AppSyncSubscriptionError",
    "AppSyncSubscriptionOverflowError",
    "AppSyncThrottledError",
    "AppSyncTimeoutError",
    "AuthFailureReason",
    "GraphQLErrorEntry",
]


class AppSyncError(Exception):
    """Base class of every error a call raises.

    ``request_id`` is AppSync's ``x-amzn-RequestId`` when a response arrived (quote it
    in support tickets); ``attempts`` counts the HTTP attempts the call made.
    """

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        operation_name: str | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id
        self.operation_name = operation_name
        self.attempts = attempts

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt without calling __init__ (whose arguments differ by class): the
        # class, then ``args`` and every attribute, as they are now.
        return (_rebuild, (type(self), *self.args), dict(vars(self)))

    def __str__(self) -> str:
        parts = [self.message]
        if self.operation_name:
            parts.append(f"operation={self.operation_name}")
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        if self.attempts > 1:
            parts.append(f"attempts={self.attempts}")
        if len(parts) == 1:
            return self.message
        return f"{self.message} ({', '.join(parts[1:])})"


def _rebuild(cls: type[AppSyncError], *args: object) -> AppSyncError:
    """An error of class ``cls`` with ``args``, before its attributes are restored."""
    return cls.__new__(cls, *args)


class AppSyncConfigError(AppSyncError, ValueError):
    """The client, an auth strategy or a call was set up wrongly; nothing was sent."""


class AppSyncNetworkError(AppSyncError):
    """The request got no HTTP response: connection refused or reset, timeout, DNS, TLS.

    ``sent`` is False when the request provably never left this machine (connection
    refused, DNS failure, connect timeout), so even a mutation may be retried safely.
    """

    status: None = None

    def __init__(self, message: str, *, sent: bool = True, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.sent = sent


class AppSyncTimeoutError(AppSyncNetworkError):
    """No response in time: the connect timeout (``sent`` is False), the read timeout,
    or the call's total deadline (:attr:`Timeout.total <appsync_runtime.Timeout.total>`,
    retries and their waits included) passed; ``deadline`` tells the last case apart."""

    def __init__(self, message: str, *, deadline: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.deadline = deadline


class AppSyncHTTPError(AppSyncError):
    """AppSync (or something in front of it) answered with a non-2xx status.

    ``retry_after`` is the response's ``Retry-After`` in seconds, when it had one."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        error_type: str | None = None,
        body: bytes = b"",
        retry_after: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.status = status
        self.error_type = error_type
        self.body: bytes = body[:2048]
        self.retry_after = retry_after


class AuthFailureReason(str, enum.Enum):
    """Values of :attr:`AppSyncAuthError.reason`: why the request was refused.

    A ``str`` enum: each member equals its value (``"clock_skew"``), so comparisons
    with plain strings keep working.
    """

    UNAUTHORIZED = "unauthorized"
    """401: missing or wrong API key or token."""
    SIGNATURE_MISMATCH = "signature_mismatch"
    """403: wrong secret key or region, or a request changed after signing."""
    CLOCK_SKEW = "clock_skew"
    """403: the signature's time is too far from the server's clock."""
    EXPIRED_CREDENTIALS = "expired_credentials"
    """403: expired or invalid security token; or local credentials that expired."""
    ACCESS_DENIED = "access_denied"
    """403: valid identity, but its IAM policy does not allow ``appsync:GraphQL``."""
    NO_CREDENTIALS = "no_credentials"
    """No credentials could be loaded on this machine."""
    FORBIDDEN = "forbidden"
    """Any other 401/403."""

    def __str__(self) -> str:
        return self.value


class AppSyncAuthError(AppSyncHTTPError):
    """The request was refused for its authentication (401 or 403), or credentials
    could not be had at all (``status`` is then None).

    ``reason`` is one of :class:`AuthFailureReason`'s values.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: AuthFailureReason | str = AuthFailureReason.FORBIDDEN,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, status=status, **kwargs)
        self.reason: AuthFailureReason = AuthFailureReason(reason)


class AppSyncThrottledError(AppSyncHTTPError):
    """429: AppSync throttled the call. ``retry_after`` is in seconds when given."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("status", 429)
        super().__init__(message, retry_after=retry_after, **kwargs)


@dataclass(frozen=True)
class GraphQLErrorEntry:
    """One entry of a GraphQL response's ``errors`` list, as AppSync sends it."""

    message: str
    error_type: str | None = None
    error_info: Any = None
    path: tuple[str | int, ...] | None = None
    locations: tuple[Mapping[str, int], ...] | None = None
    data: Any = None
    extensions: Mapping[str, Any] | None = field(default=None)


class AppSyncGraphQLError(AppSyncError):
    """The response carried GraphQL ``errors``.

    ``errors`` holds every entry (the first 1,000 of a longer list: ``total`` counts
    them all); ``data`` is the partial data AppSync still resolved (None when nothing
    was); ``error_type`` is the first entry's ``errorType``.
    """

    def __init__(
        self,
        errors: Sequence[GraphQLErrorEntry],
        *,
        data: dict[str, Any] | None = None,
        status: int = 200,
        total: int | None = None,
        **kwargs: Any,
    ) -> None:
        first = errors[0] if errors else GraphQLErrorEntry(message="GraphQL error")
        label = f"{first.error_type}: " if first.error_type else ""
        count = max(total or 0, len(errors))
        more = f" (+{count - 1} more)" if count > 1 else ""
        super().__init__(f"{label}{first.message}{more}", **kwargs)
        self.errors: tuple[GraphQLErrorEntry, ...] = tuple(errors)
        self.total = count
        self.data = data
        self.status = status
        self.error_type: str | None = first.error_type


class AppSyncResponseError(AppSyncError):
    """The body is not a usable GraphQL response (HTML page, truncated JSON, wrong
    shape, or data that does not fit the generated model). ``body`` keeps the first
    bytes of what arrived, for diagnosis."""

    def __init__(
        self, message: str, *, status: int | None = None, body: bytes = b"", **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.status = status
        self.body: bytes = body[:2048]


class AppSyncErrorPageError(AppSyncHTTPError, AppSyncResponseError):
    """A non-2xx status whose body is not JSON at all: typically an HTML error page
    from a load balancer or proxy (502, 503, 504). It is both an
    :class:`AppSyncHTTPError` (``status``) and an :class:`AppSyncResponseError`."""


class AppSyncResponseTooLargeError(AppSyncResponseError):
    """The response body was larger than the client's ``max_response_bytes``, on the
    wire or once decoded (a small gzip body may inflate to gigabytes). Reading stopped
    there, before the memory was spent; ``body`` keeps the first bytes read."""


class AppSyncSubscriptionError(AppSyncGraphQLError):
    """An ``error`` frame ended a subscription.

    ``connection_wide`` is False for an error about this subscription alone (its
    ``subscription_id`` is set; the connection and the other subscriptions go on), and
    True for a ``connection_error`` or an ``error`` without ``id``, which ends every
    subscription on the connection. ``error_code`` is AppSync's ``errorCode`` if any.
    """

    def __init__(
        self,
        errors: Sequence[GraphQLErrorEntry],
        *,
        subscription_id: str | None = None,
        connection_wide: bool = False,
        error_code: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(errors, **kwargs)
        self.subscription_id = subscription_id
        self.connection_wide = connection_wide
        self.error_code = error_code


class AppSyncSubscriptionOverflowError(AppSyncError):
    """A subscription's consumer fell so far behind that its buffer overflowed, with
    ``RealtimeOptions(overflow="fail")``: the subscription was stopped.

    It is raised after the events the buffer held; ``lost_from`` (wall-clock seconds)
    is when the first event that did not fit arrived: catch up from there.
    ``max_buffered_events`` and ``max_buffered_bytes`` are the limits in force.
    """

    def __init__(
        self,
        message: str,
        *,
        lost_from: float,
        max_buffered_events: int,
        max_buffered_bytes: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.lost_from = lost_from
        self.max_buffered_events = max_buffered_events
        self.max_buffered_bytes = max_buffered_bytes


class AppSyncPartialPublishError(AppSyncError):
    """An Events publish of more than 5 events is sent in batches of 5; one failed
    after earlier batches were published. ``published`` is the
    :class:`~appsync_runtime.PublishResult` of those earlier batches (their events
    were delivered or refused as it says); ``unsent`` the indexes of the events of
    the failed batch and every later one, which may or may not have been delivered.
    The batch's own typed error is :attr:`error` (the ``__cause__``; like every
    cause, it does not survive pickling)."""

    def __init__(
        self, message: str, *, published: Any, unsent: Sequence[int], **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.published = published
        self.unsent: tuple[int, ...] = tuple(unsent)

    @property
    def error(self) -> AppSyncError | None:
        """The typed error of the batch that failed (None once unpickled)."""
        cause = self.__cause__
        return cause if isinstance(cause, AppSyncError) else None
