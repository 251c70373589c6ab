"""Seeing what calls do: standard logging, and per-attempt hooks for tracing.

Logging goes to the ``appsync_runtime`` logger (nothing is configured here):

- ``DEBUG``: one line per attempt: operation, attempt, HTTP status or network error,
  duration and AppSync's request id;
- ``WARNING``: each retry, with the error and the wait before the next attempt;
- nothing at ``INFO``; a call's final error is raised, not logged.

Each of these records also carries its facts as attributes (``extra=``), for JSON
log formatters: ``operation``, ``operation_type``, ``auth_mode``, ``attempt``,
``status``, ``request_id``, ``duration_ms``, ``error_type`` (AppSync's
``errorType``), ``error_class``, ``will_retry``, ``wait_s``; a field that does not
apply is None. Real-time records (logger ``appsync_runtime.realtime``) carry
``connection``, ``state`` and ``reason``. ``docs/observability.md`` has the table.

Log lines and hook records never hold a header value that authorizes a request, a
key, token, signature or body: only operation names, statuses, timings, request ids
and error messages (which are already scrubbed of secrets).

:class:`CallHooks` (``hooks=`` on a client) runs your callables for each attempt, with
an :class:`AttemptRecord`; use it to feed a tracer or metrics. Hooks run inline in the
calling thread or task, so keep them quick; an exception they raise is logged and
ignored, never breaking the call. httpx ``event_hooks`` on your own ``http_client`` and
aiohttp ``trace_configs`` on your own ``session`` keep working alongside.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ._redaction import SECRET_HEADERS
from .errors import AppSyncConfigError, AppSyncError

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer, TracerProvider

__all__ = [
    "OTEL_TRACE_MODULE",
    "AttemptRecord",
    "CallHook",
    "CallHooks",
    "active_tracer",
    "call_fields",
    "logger",
    "redact_headers",
]

logger = logging.getLogger("appsync_runtime")
"""The logger every call logs to."""


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with the value of every header that authorizes a request masked."""
    return {
        name: "***" if name.lower() in SECRET_HEADERS else value for name, value in headers.items()
    }


@dataclass(frozen=True)
class AttemptRecord:
    """One attempt of a call, as hooks see it (no secrets, no body).

    ``status``, ``request_id`` and ``elapsed`` (seconds) are set once a response or an
    error came back; ``error`` when the attempt failed, with ``will_retry`` telling
    whether another attempt follows and ``wait`` the seconds before it. This is the
    one way to observe retries: ``CallHooks(on_error=...)`` sees each of them.
    """

    operation_name: str | None
    operation_type: str
    attempt: int
    method: str
    url: str
    headers: Mapping[str, str] = field(repr=False)
    """The request's headers, authorization values masked."""
    status: int | None = None
    request_id: str | None = None
    elapsed: float | None = None
    error: AppSyncError | None = None
    will_retry: bool = False
    wait: float | None = None
    """When ``will_retry``: seconds the call waits before the next attempt."""


CallHook = Callable[[AttemptRecord], object]
"""A hook: called with an :class:`AttemptRecord`; its return value is ignored."""


@dataclass(frozen=True)
class CallHooks:
    """Callables run for each attempt of each call.

    ``on_request`` before the request is sent; ``on_response`` when an HTTP response
    arrived (any status); ``on_error`` when the attempt failed (no credentials, a
    network error, an error status, GraphQL errors or an unusable body), with
    ``will_retry`` and ``wait`` set: the hook to count and trace retries with.
    """

    on_request: CallHook | None = None
    on_response: CallHook | None = None
    on_error: CallHook | None = None

    def __post_init__(self) -> None:
        for name in ("on_request", "on_response", "on_error"):
            hook = getattr(self, name)
            if hook is not None and not callable(hook):
                raise AppSyncConfigError(f"CallHooks.{name} must be callable or None")


def call_fields(
    operation_name: str | None,
    operation_type: str,
    auth_mode: str,
    attempt: int,
    *,
    status: int | None = None,
    request_id: str | None = None,
    elapsed: float | None = None,
    error: BaseException | None = None,
    will_retry: bool | None = None,
    wait: float | None = None,
) -> dict[str, object]:
    """The ``extra=`` attributes of a call's log record (the module doc lists them).
    ``error``'s own status and request id fill those left unknown."""
    error_type = None
    if error is not None:
        error_type = getattr(error, "error_type", None)
        if status is None:
            status = getattr(error, "status", None)
        if request_id is None:
            request_id = getattr(error, "request_id", None)
    return {
        "operation": operation_name,
        "operation_type": operation_type,
        "auth_mode": auth_mode,
        "attempt": attempt,
        "status": status,
        "request_id": request_id,
        "duration_ms": None if elapsed is None else round(elapsed * 1000, 3),
        "error_type": error_type if isinstance(error_type, str) else None,
        "error_class": None if error is None else type(error).__name__,
        "will_retry": will_retry,
        "wait_s": wait,
    }


_INSTRUMENTATION = "appsync_runtime"
_cached: tuple[object, Any] = (None, None)  # (provider, its tracer)
_env_provider: bool | None = None  # OTEL_PYTHON_TRACER_PROVIDER set (read once)
_MISSING: Any = object()


OTEL_TRACE_MODULE = "opentelemetry.trace"
"""While this module is not imported (and a client has no provider of its own),
:func:`active_tracer` is None: callers may test that first, without a call."""


def active_tracer(provider: TracerProvider | None) -> Tracer | None:
    """The tracer to trace with, or None: ``provider`` (a client's own), else the global
    one when the application has imported OpenTelemetry and set a provider."""
    if provider is None:
        trace = sys.modules.get(OTEL_TRACE_MODULE)
        if trace is None:  # OpenTelemetry not in use: nothing imported, nothing traced
            return None
        # The global provider is set once (set_tracer_provider), or named by
        # OTEL_PYTHON_TRACER_PROVIDER. While neither, skip get_tracer_provider's
        # environment lookup: reading the module's global is 20 times cheaper.
        global _env_provider
        if _env_provider is None:
            import os

            _env_provider = "OTEL_PYTHON_TRACER_PROVIDER" in os.environ
        if getattr(trace, "_TRACER_PROVIDER", _MISSING) is None and not _env_provider:
            return None
        provider = trace.get_tracer_provider()
        if isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
            return None
    global _cached
    cached_provider, tracer = _cached
    if cached_provider is not provider:
        from ._useragent import library_version  # read once, when first traced

        assert provider is not None
        tracer = provider.get_tracer(_INSTRUMENTATION, library_version())
        _cached = (provider, tracer)
    result: Tracer = tracer
    return result


_R = TypeVar("_R")


def run_hook(hook: Callable[[_R], object], record: _R) -> None:
    """Run a user hook; log and swallow what it raises."""
    try:
        hook(record)
    except Exception:
        logger.warning("hook %r raised; ignored", hook, exc_info=True)
