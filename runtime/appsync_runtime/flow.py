"""The call flow: written once, free of I/O, driven by a sync or an async driver.

:func:`call_flow` is a generator. It yields *steps* (authorize this request, send this
request, wait this long) and receives their results; it returns the
:class:`GraphQLResponse` (or, when the call names a result model and the response is
a plain success, the :class:`Validated` data) or raises one :class:`AppSyncError`.
The drivers :func:`run_sync` and :func:`run_async` perform the steps, and are the only
code that differs between the sync and async clients. An exception raised while
performing a step is thrown back into the flow, so recovery, retries, deadlines,
logging and hooks all live here.

One call::

    attempt: authorize -> send -> [401/403 the strategy can fix: re-sign once]
             -> [result model: validate a plain success from the bytes -> done]
             -> parse -> done
                      -> error: retry allowed, and time left? wait, next attempt
                                otherwise: raise it (attempts set)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from .auth import AuthRequest, AuthStrategy
from .errors import (
    AppSyncAuthError,
    AppSyncError,
    AppSyncGraphQLError,
    AppSyncHTTPError,
    AppSyncNetworkError,
    AppSyncResponseError,
    AppSyncTimeoutError,
    AuthFailureReason,
)
from .observe import AttemptRecord, CallHooks, logger, redact_headers, run_hook
from .request import HttpRequest, Timeout
from .response import (
    GraphQLResponse,
    HttpResponse,
    Validated,
    describe_rejection,
    parse_response,
    redact,
    validate_json,
)
from .retry import RetryEvent, RetryPolicy

__all__ = [
    "AsyncTransport",
    "AuthStep",
    "Call",
    "SendStep",
    "SleepStep",
    "SyncTransport",
    "auth_failure",
    "call_flow",
    "run_async",
    "run_sync",
]

_DEBUG = logging.DEBUG
_MIN_SECRET = 8  # shorter header values are not scrubbed out of server text
_DEADLINE_SLACK = 0.001


@dataclass(slots=True)
class Call:
    """Everything one GraphQL call needs, prepared by the client."""

    url: str
    host: str
    region: str | None
    headers: Mapping[str, str]
    body: bytes
    strategy: AuthStrategy
    timeout: Timeout
    operation_name: str | None
    operation_type: str = "mutation"
    retry: RetryPolicy | None = None
    idempotent: bool = False
    hooks: CallHooks | None = None
    model: type[Any] | None = None
    """A result model to validate a plain success's ``data`` with, straight from the
    response bytes (see :func:`~appsync_runtime.response.validate_json`); the flow
    then returns a :class:`Validated` instead of a :class:`GraphQLResponse`."""


@dataclass(frozen=True, slots=True)
class AuthStep:
    """Ask the strategy for the headers that authorize ``request``."""

    strategy: AuthStrategy
    request: AuthRequest


@dataclass(frozen=True, slots=True)
class SendStep:
    """Send ``request``; the driver answers with an :class:`HttpResponse`."""

    request: HttpRequest


@dataclass(frozen=True, slots=True)
class SleepStep:
    """Wait ``seconds`` before the next attempt; the driver answers with None."""

    seconds: float


Step = AuthStep | SendStep | SleepStep
Flow = Generator[Step, Any, "GraphQLResponse | Validated"]


class SyncTransport(Protocol):
    """Sends one request and returns the whole response, raising only
    :class:`AppSyncNetworkError`."""

    def send(self, request: HttpRequest) -> HttpResponse: ...

    def close(self) -> None: ...


class AsyncTransport(Protocol):
    """The async twin of :class:`SyncTransport`."""

    async def send(self, request: HttpRequest) -> HttpResponse: ...

    async def aclose(self) -> None: ...


def _scrub(error: AppSyncError, auth_headers: Mapping[str, str]) -> None:
    """Remove the exact values of this call's auth headers from server text that
    ``error`` carries (a server may echo a key or token back)."""
    secrets = [value for value in auth_headers.values() if len(value) >= _MIN_SECRET]
    if not secrets:
        return

    def clean(text: str) -> str:
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, "***")
        return text

    message = clean(error.message)
    if message != error.message:
        error.message = message
        error.args = (message,)
    if isinstance(error, AppSyncGraphQLError):
        error.errors = tuple(replace(entry, message=clean(entry.message)) for entry in error.errors)
    if isinstance(error, (AppSyncHTTPError, AppSyncResponseError)) and error.body:
        body = error.body
        for secret in secrets:
            body = body.replace(secret.encode("utf-8", "replace"), b"***")
        error.body = body


def auth_failure(strategy: AuthStrategy, exc: Exception) -> AppSyncAuthError:
    """The :class:`AppSyncAuthError` for a strategy that raised ``exc`` instead of
    producing headers (the HTTP call flow and the real-time driver raise it alike,
    with ``exc`` as ``__cause__``)."""
    detail = redact(str(exc))
    return AppSyncAuthError(
        f"{type(strategy).__name__} could not authorize the request: "
        f"{type(exc).__name__}" + (f": {detail}" if detail else ""),
        reason=AuthFailureReason.NO_CREDENTIALS,
    )


def _name(call: Call) -> str:
    return call.operation_name or "<anonymous>"


def call_flow(call: Call, clock: Callable[[], float] = time.monotonic) -> Flow:
    """One GraphQL call: authorize, send, recover once from a fixable auth rejection,
    retry what the policy allows within the deadline, parse."""
    policy = call.retry
    max_attempts = policy.attempts if policy is not None else 1
    hooks = call.hooks
    debug = logger.isEnabledFor(_DEBUG)
    timed = debug or hooks is not None
    total = call.timeout.total
    deadline = None if total is None else clock() + total
    auth_step = AuthStep(
        call.strategy,
        AuthRequest("POST", call.url, call.host, call.body, call.headers, call.region),
    )
    recovered = False
    attempt = 0
    retries = 0
    while True:
        attempt += 1
        error: AppSyncError
        record: AttemptRecord | None = None
        try:
            auth_headers: dict[str, str] = yield auth_step
        except AppSyncError as exc:
            error = exc
        except Exception as exc:
            failure = auth_failure(call.strategy, exc)
            failure.attempts = attempt
            failure.operation_name = call.operation_name
            raise failure from exc
        else:
            request = HttpRequest(
                "POST",
                call.url,
                {**call.headers, **auth_headers},
                call.body,
                call.timeout,
                deadline,
            )
            if hooks is not None:
                record = AttemptRecord(
                    operation_name=call.operation_name,
                    operation_type=call.operation_type,
                    attempt=attempt,
                    method="POST",
                    url=call.url,
                    headers=redact_headers(request.headers),
                )
                if hooks.on_request is not None:
                    run_hook(hooks.on_request, record)
            started = clock() if timed else 0.0
            try:
                response: HttpResponse = yield SendStep(request)
            except AppSyncNetworkError as exc:
                error = exc
                if timed:
                    elapsed = clock() - started
                    if debug:
                        logger.debug(
                            "%s %s: attempt %d failed after %.1f ms: %s",
                            call.operation_type,
                            _name(call),
                            attempt,
                            elapsed * 1000,
                            exc,
                        )
                    if record is not None:
                        record = replace(record, elapsed=elapsed)
            else:
                if timed:
                    elapsed = clock() - started
                    request_id = response.headers.get("x-amzn-RequestId")
                    if debug:
                        logger.debug(
                            "%s %s: attempt %d got HTTP %d in %.1f ms, request id %s",
                            call.operation_type,
                            _name(call),
                            attempt,
                            response.status,
                            elapsed * 1000,
                            request_id,
                        )
                    if record is not None:
                        record = replace(
                            record, status=response.status, request_id=request_id, elapsed=elapsed
                        )
                        if hooks is not None and hooks.on_response is not None:
                            run_hook(hooks.on_response, record)
                if response.status in (401, 403) and not recovered:
                    rejection = describe_rejection(
                        response.status, response.headers, response.content
                    )
                    if call.strategy.should_retry(rejection):
                        recovered = True
                        logger.debug(
                            "%s %s: attempt %d refused (HTTP %d) for a reason %s can fix; "
                            "re-authorizing once",
                            call.operation_type,
                            _name(call),
                            attempt,
                            response.status,
                            type(call.strategy).__name__,
                        )
                        continue
                if call.model is not None and 200 <= response.status < 300:
                    validated = validate_json(call.model, response.content)
                    if validated is not None:
                        return validated
                try:
                    return parse_response(response, call.operation_name)
                except AppSyncError as exc:
                    error = exc
                    _scrub(error, auth_headers)
        # The attempt failed: retry, or raise.
        if error.operation_name is None:
            error.operation_name = call.operation_name
        now = clock()
        if (
            deadline is not None
            and now >= deadline - _DEADLINE_SLACK
            and isinstance(error, AppSyncNetworkError)
        ):
            late = AppSyncTimeoutError(
                f"the call's deadline of {total:g} s passed during attempt {attempt}: "
                f"{error.message}",
                sent=error.sent,
                deadline=True,
                operation_name=call.operation_name,
                attempts=attempt,
            )
            _notify_error(hooks, record, late, False)
            raise late from error
        sleep = 0.0
        will_retry = False
        if (
            policy is not None
            and retries + 1 < max_attempts
            and policy.should_retry(error, call.operation_type, call.idempotent)
        ):
            sleep = policy.wait(retries + 1, error)
            will_retry = deadline is None or now + sleep < deadline
        _notify_error(hooks, record, error, will_retry)
        if not will_retry or policy is None:
            error.attempts = attempt
            raise error
        retries += 1
        logger.warning(
            "%s %s: attempt %d failed (%s: %s); retry %d of %d in %.3f s",
            call.operation_type,
            _name(call),
            attempt,
            type(error).__name__,
            error,
            retries,
            max_attempts - 1,
            sleep,
        )
        if policy.hooks:
            event = RetryEvent(
                attempt=attempt,
                error=error,
                sleep=sleep,
                operation_name=call.operation_name,
                operation_type=call.operation_type,
            )
            for hook in policy.hooks:
                run_hook(hook, event)
        if sleep > 0:
            yield SleepStep(sleep)


def _notify_error(
    hooks: CallHooks | None, record: AttemptRecord | None, error: AppSyncError, will_retry: bool
) -> None:
    if hooks is not None and hooks.on_error is not None and record is not None:
        run_hook(hooks.on_error, replace(record, error=error, will_retry=will_retry))


def run_sync(flow: Flow, transport: SyncTransport) -> GraphQLResponse | Validated:
    """Drive ``flow`` with blocking I/O."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: GraphQLResponse | Validated = stop.value
            return result
        error = None
        try:
            if type(step) is SendStep:
                value = transport.send(step.request)
            elif type(step) is AuthStep:
                value = step.strategy.auth_headers(step.request)
            else:
                assert isinstance(step, SleepStep)
                time.sleep(step.seconds)
                value = None
        except Exception as exc:
            error = exc


async def run_async(flow: Flow, transport: AsyncTransport) -> GraphQLResponse | Validated:
    """Drive ``flow`` with asyncio I/O."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: GraphQLResponse | Validated = stop.value
            return result
        error = None
        try:
            if type(step) is SendStep:
                value = await transport.send(step.request)
            elif type(step) is AuthStep:
                value = await step.strategy.async_auth_headers(step.request)
            else:
                assert isinstance(step, SleepStep)
                import asyncio  # loaded already: this driver runs in its loop

                await asyncio.sleep(step.seconds)
                value = None
        except Exception as exc:
            error = exc
