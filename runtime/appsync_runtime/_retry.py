"""Retries: which failures are tried again, and how long to wait before each retry.

Every client has a :class:`RetryPolicy` (``retry=`` on the client, or per call);
``retry=None`` or :meth:`RetryPolicy.disabled` turns retrying off. The default::

    RetryPolicy(attempts=3, wait_initial=0.1, wait_max=5.0, wait_exp_base=2.0,
                wait_jitter=0.5, retry_after_max=10.0)

What is retried:

- a **query** after a network error (refused, reset, timeout, truncated body), a 429,
  or any 5xx (an HTML 502/503/504 from a load balancer included);
- a **mutation** (and anything whose type is unclear) only when the request provably
  never left this machine (:attr:`AppSyncNetworkError.sent` is False: connection
  refused, DNS failure, connect timeout), so it is never executed twice; unless the
  call says ``idempotent=True``, which makes it retried like a query;
- never a response with GraphQL ``errors``, a 4xx other than 429, a body that is not
  GraphQL, or a configuration error. A fixable 401/403 (clock skew, expired token) is
  not a retry: the auth strategy re-signs once, outside this budget.

Waits grow exponentially (``wait_initial * wait_exp_base ** (retry - 1)``, capped at
``wait_max``), and ``wait_jitter`` of each is random, so clients that failed together
do not come back together. A ``Retry-After`` from the server is waited out when longer
(capped at ``retry_after_max``). No retry starts that could not finish before the
call's total deadline (:class:`~appsync_runtime.Timeout`); the error of the last
attempt is raised instead, with :attr:`AppSyncError.attempts` set.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ._backoff import backoff_delay
from .errors import (
    AppSyncAuthError,
    AppSyncConfigError,
    AppSyncError,
    AppSyncHTTPError,
    AppSyncNetworkError,
)

__all__ = ["RetryEvent", "RetryHook", "RetryPolicy", "is_transient"]


@dataclass(frozen=True)
class RetryEvent:
    """A retry about to happen, as the deprecated :attr:`RetryPolicy.on_retry` hooks
    see it (``CallHooks.on_error`` is the way to observe retries)."""

    attempt: int
    """The attempt that just failed (1 for the first)."""
    error: AppSyncError
    """Why it failed."""
    sleep: float
    """Seconds the call waits before the next attempt."""
    operation_name: str | None
    operation_type: str


RetryHook = Callable[[RetryEvent], object]
"""Called before each retry's wait; exceptions it raises are logged and ignored."""


def is_transient(error: AppSyncError) -> bool:
    """The default test of a failure worth retrying: a network error, a 429 or a 5xx."""
    if isinstance(error, AppSyncNetworkError):
        return True
    if isinstance(error, AppSyncHTTPError) and not isinstance(error, AppSyncAuthError):
        status = error.status
        return status is not None and (status == 429 or 500 <= status <= 599)
    return False


def _number(name: str, value: object, minimum: float, *, integer: bool = False) -> float:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        what = "an integer" if integer else "a number"
        raise AppSyncConfigError(f"RetryPolicy.{name} must be {what}")
    if not minimum <= value < float("inf"):
        raise AppSyncConfigError(f"RetryPolicy.{name} must be at least {minimum:g}")
    return value


@dataclass(frozen=True)
class RetryPolicy:
    """How a call retries; immutable, so one instance can serve every client.

    ``attempts`` is the most attempts a call makes (1: no retry). ``retry_on`` replaces
    the test of which errors are transient (default :func:`is_transient`); whatever it
    says, a mutation not marked ``idempotent`` is retried only when it was never sent.

    ``on_retry`` is deprecated: observe retries with ``CallHooks(on_error=...)`` on the
    client, whose :class:`AttemptRecord` says ``will_retry`` and ``wait``. Hooks given
    here still run before each retry's wait, and warn once when the policy is made.
    """

    attempts: int = 3
    wait_initial: float = 0.1
    wait_max: float = 5.0
    wait_exp_base: float = 2.0
    wait_jitter: float = 0.5
    """The share of each wait that is random: 0 for none, 1 for "full jitter"."""
    retry_after_max: float = 10.0
    """The longest ``Retry-After`` honoured; a longer one is cut to this."""
    retry_on: Callable[[AppSyncError], bool] | None = None
    on_retry: RetryHook | Sequence[RetryHook] = ()
    _hooks: tuple[RetryHook, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _number("attempts", self.attempts, 1, integer=True)
        _number("wait_initial", self.wait_initial, 0)
        _number("wait_max", self.wait_max, 0)
        _number("wait_exp_base", self.wait_exp_base, 1)
        _number("retry_after_max", self.retry_after_max, 0)
        if not 0 <= _number("wait_jitter", self.wait_jitter, 0) <= 1:
            raise AppSyncConfigError("RetryPolicy.wait_jitter must be between 0 and 1")
        if self.retry_on is not None and not callable(self.retry_on):
            raise AppSyncConfigError("RetryPolicy.retry_on must be callable")
        on_retry = self.on_retry
        if callable(on_retry):
            hooks: tuple[RetryHook, ...] = (on_retry,)
        elif isinstance(on_retry, (list, tuple)):
            hooks = tuple(on_retry)
        else:
            raise AppSyncConfigError("RetryPolicy.on_retry must be a callable or a sequence")
        for hook in hooks:
            if not callable(hook):
                raise AppSyncConfigError("RetryPolicy.on_retry must be callables")
        if hooks:
            warnings.warn(
                "RetryPolicy.on_retry is deprecated: observe retries with "
                "CallHooks(on_error=...), whose record says will_retry and wait",
                DeprecationWarning,
                stacklevel=3,
            )
        object.__setattr__(self, "_hooks", hooks)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries (one attempt)."""
        return cls(attempts=1)

    @property
    def hooks(self) -> tuple[RetryHook, ...]:
        """The ``on_retry`` hooks as a tuple."""
        return self._hooks

    def should_retry(self, error: AppSyncError, operation_type: str, idempotent: bool) -> bool:
        """Whether ``error`` may be retried for an operation of ``operation_type``."""
        if isinstance(error, AppSyncNetworkError) and not error.sent:
            return True  # nothing reached the server: safe for any operation
        if operation_type != "query" and not idempotent:
            return False
        check = self.retry_on
        return is_transient(error) if check is None else bool(check(error))

    def wait(self, retry: int, error: AppSyncError | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first) after
        ``error``: jittered exponential backoff, or its ``Retry-After`` when longer."""
        seconds = backoff_delay(
            retry,
            initial=self.wait_initial,
            maximum=self.wait_max,
            base=self.wait_exp_base,
            jitter=self.wait_jitter,
        )
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            seconds = max(seconds, min(float(retry_after), self.retry_after_max))
        return seconds


DEFAULT_RETRY = RetryPolicy()
"""The policy clients use unless told otherwise."""
