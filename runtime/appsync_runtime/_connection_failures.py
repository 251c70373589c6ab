"""How a real-time connection's failures reach its subscriptions.

A refused connect (:class:`AuthRejected`: retried once with fresh credentials), a
connection-wide error frame (:class:`ConnectionFailedError`), a lost socket
(:class:`Lost`), a strategy that cannot produce headers (:func:`auth_headers`), or
attempts run out (:func:`network_error`): each becomes, per subscription, the error
its consumer raises, as the HTTP call flow would raise it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._auth import AuthStrategy
from ._flow import auth_failure
from ._realtime_protocol import ConnectionFailed
from ._response import AuthRejection, classify_auth_failure
from .errors import (
    AppSyncAuthError,
    AppSyncError,
    AppSyncNetworkError,
    AppSyncSubscriptionError,
)

__all__ = [
    "AuthRejected",
    "ConnectionFailedError",
    "Lost",
    "always",
    "auth_headers",
    "clone",
    "describe_failure",
    "failure_for",
    "may_retry_auth",
    "network_error",
]

log = logging.getLogger("appsync_runtime.realtime")


class AuthRejected(Exception):
    """Connect auth was refused: the runner retries once, then fails."""

    def __init__(self, rejection: AuthRejection, status: int | None, detail: str) -> None:
        super().__init__(detail)
        self.rejection = rejection
        self.status = status
        self.detail = detail

    @classmethod
    def of(cls, event: ConnectionFailed) -> AuthRejected:
        """The rejection an auth-failure ``connection_error`` (or ``error``) stands for."""
        status = event.error_code if event.error_code in (401, 403) else 401
        if event.error_code is None and event.error_type == "BadRequestException":
            status = 403  # Events: a signature AppSync could not accept (skew, mismatch)
        return cls(
            AuthRejection(
                status=status,
                error_type=event.error_type,
                message=event.errors[0].message if event.errors else "",
                headers={},
            ),
            event.error_code,
            describe_failure(event),
        )

    def error(self, operation_name: str | None) -> AppSyncAuthError:
        rejection = self.rejection
        reason = classify_auth_failure(rejection.status, rejection.error_type, rejection.message)
        return AppSyncAuthError(
            f"real-time connection refused: {self.detail}",
            status=self.status,
            error_type=rejection.error_type,
            reason=reason,
            operation_name=operation_name,
        )


@dataclass
class Lost:
    """Why a served connection ended: ``reason`` for logs and gaps; ``fatal`` when a
    connection-wide error ends every subscription, ``auth`` when fresh credentials
    may help; neither: reconnect with backoff."""

    reason: str
    fatal: ConnectionFailed | None = None
    auth: AuthRejected | None = None


def may_retry_auth(strategy: AuthStrategy, rejection: AuthRejection) -> bool:
    """One retry with fresh headers: always for a strategy with no opinion (calling it
    again is its refresh: a token callable is called anew), else as it says."""
    if type(strategy).should_retry is AuthStrategy.should_retry:
        return True
    try:
        return bool(strategy.should_retry(rejection))
    except Exception:  # a strategy's bug must not hide the rejection itself
        log.debug("should_retry raised", exc_info=True)
        return False


def describe_failure(event: ConnectionFailed) -> str:
    """``event`` in one line for logs and messages: kind, code, first error."""
    first = event.errors[0] if event.errors else None
    parts: list[str] = [event.kind]
    if event.error_code is not None:
        parts.append(str(event.error_code))
    if first is not None:
        parts.append(f"{first.error_type}: {first.message}" if first.error_type else first.message)
    return " ".join(parts)


def always(item: object) -> Callable[[str | None], object]:
    """The same ``item`` for every subscription (see ``Connection.fail_all``)."""
    return lambda operation_name: item


def clone(error: AppSyncError) -> AppSyncError:
    """A copy of ``error`` (fields and ``__cause__``) for one more consumer to raise:
    several subscriptions may fail for one cause, each raising its own instance."""
    copy = type(error).__new__(type(error), *error.args)
    copy.__dict__.update(error.__dict__)
    copy.__cause__ = error.__cause__
    copy.__suppress_context__ = error.__suppress_context__
    return copy


def failure_for(error: AppSyncError, attempts: int) -> Callable[[str | None], object]:
    """Per subscription, ``error`` as :func:`~appsync_runtime._flow.call_flow` would
    raise it: its own operation name and the attempts made."""

    def make(operation_name: str | None) -> object:
        each = clone(error)
        if each.operation_name is None:
            each.operation_name = operation_name
        each.attempts = attempts
        return each

    return make


async def auth_headers(strategy: AuthStrategy, request: Any) -> dict[str, str]:
    """The strategy's headers; anything it raises that is no :class:`AppSyncError`
    becomes the :class:`AppSyncAuthError` the HTTP call flow raises for it."""
    try:
        return await strategy.async_auth_headers(request)
    except AppSyncError:
        raise
    except Exception as exc:
        failure = auth_failure(strategy, exc)  # keeps exc as its (scrubbed) cause
    raise failure  # outside the except block: no raw __context__


def network_error(message: str, attempts: int, operation_name: str | None) -> object:
    """The :class:`AppSyncNetworkError` ending a subscription when attempts ran out."""
    return AppSyncNetworkError(
        message, sent=False, attempts=attempts, operation_name=operation_name
    )


class ConnectionFailedError(Exception):
    """Internal: a non-auth ``connection_error`` (or id-less ``error``) while
    connecting."""

    def __init__(self, event: ConnectionFailed) -> None:
        super().__init__(event.kind)
        self.event = event

    def for_subscription(self, operation_name: str | None) -> AppSyncSubscriptionError:
        event = self.event
        return AppSyncSubscriptionError(
            event.errors,
            connection_wide=True,
            error_code=event.error_code,
            operation_name=operation_name,
        )
