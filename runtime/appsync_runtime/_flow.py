"""The call flow: written once, free of I/O, driven by a sync or an async driver.

:func:`call_flow` is a generator. It yields *steps* (authorize this request, send this
request, wait this long) and receives their results; it returns the
:class:`GraphQLResponse` (or, when the call names a result model and the response is
a plain success, the :class:`Validated` data) or raises one :class:`AppSyncError`.
The drivers :func:`run_sync` and :func:`run_async` perform the steps, and are the only
code that differs between the sync and async clients. An exception raised while
performing a step is thrown back into the flow, so recovery, retries, deadlines,
logging and hooks all live here.

The drivers first try the common call without the generator (:func:`_lean_sync`,
:func:`_lean_async`): with no hooks and no debug logging, one authorize and one send,
and a 2xx response that parses (or validates) is the result. Anything else (an error
raised, another status, a response that does not parse) is handed to
:func:`call_flow` as its first attempt's outcome (:class:`_FirstAttempt`), which
carries on from there exactly as if it had performed that attempt itself: the
recovery, retry and error logic exists once, in the flow.

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
from types import MappingProxyType
from typing import Any, Protocol

from ._auth import (
    _PRINTABLE,  # pyright: ignore[reportPrivateUsage]
    _VETTED,  # pyright: ignore[reportPrivateUsage]
    AuthRequest,
    AuthStrategy,
    make_auth_request,
    mode_name,
    printable_headers,
    vet_auth_headers,
)
from ._observe import AttemptRecord, CallHooks, call_fields, logger, redact_headers, run_hook
from ._redaction import MAX_MESSAGE, PLAIN_HEADERS, Scrubber, secret_header_values
from ._request import HttpRequest, Timeout, make_request
from ._response import (
    GraphQLResponse,
    HttpResponse,
    Validated,
    describe_rejection,
    parse_response,
    validate_json,
)
from ._retry import RetryEvent, RetryPolicy
from .errors import (
    AppSyncAuthError,
    AppSyncConfigError,
    AppSyncError,
    AppSyncNetworkError,
    AppSyncTimeoutError,
    AuthFailureReason,
)

__all__ = [
    "AsyncTransport",
    "AuthStep",
    "Call",
    "SendStep",
    "SleepStep",
    "SyncTransport",
    "auth_failure",
    "call_flow",
    "drive_async",
    "drive_sync",
    "run_async",
    "run_sync",
]

_DEBUG = logging.DEBUG
_debug_enabled = logger.isEnabledFor
_monotonic = time.monotonic
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
    response bytes (see :func:`~appsync_runtime._response.validate_json`); the flow
    then returns a :class:`Validated` instead of a :class:`GraphQLResponse`."""
    parse: Callable[[HttpResponse, str | None, Scrubber], Any] | None = None
    """Reads a response that is no GraphQL response (an Events publish) instead of
    :func:`~appsync_runtime._response.parse_response`, with the same contract: the
    result, or one scrubbed :class:`AppSyncError`."""


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
    :class:`AppSyncError` (:class:`AppSyncNetworkError` when no usable response
    arrived)."""

    def send(self, request: HttpRequest) -> HttpResponse: ...

    def close(self) -> None: ...


class AsyncTransport(Protocol):
    """The async twin of :class:`SyncTransport`."""

    async def send(self, request: HttpRequest) -> HttpResponse: ...

    async def aclose(self) -> None: ...


def _secrets(call: Call, auth_headers: Mapping[str, str] | None) -> list[str]:
    """What is secret in this call: the values of its auth headers (a signature and
    the whole ``Authorization`` header included), the strategy's own secrets (an IAM
    secret key) and the client's default headers that authorize."""
    values = secret_header_values(call.headers, only_secret_names=True)
    if auth_headers:
        values += secret_header_values(auth_headers)
    try:
        values += call.strategy.secret_values()
    except Exception:  # a strategy's bug must not hide the error being scrubbed
        logger.debug("%s.secret_values raised; ignored", type(call.strategy).__name__)
    return values


def _scrubber(call: Call, auth_headers: Mapping[str, str] | None) -> Scrubber:
    """A scrubber of this call's secrets, worked out when first needed."""
    return Scrubber(_secrets, call, auth_headers)


def auth_failure(
    strategy: AuthStrategy, exc: Exception, scrubber: Scrubber | None = None
) -> AppSyncAuthError:
    """The :class:`AppSyncAuthError` for a strategy that raised ``exc`` instead of
    producing headers (the HTTP call flow and the real-time driver raise it alike).
    ``exc`` stays its ``__cause__`` unless its text holds a secret: then a scrubbed
    stand-in does. ``scrubber``: the call's (default: the strategy's own secrets)."""
    if scrubber is None:
        scrubber = Scrubber(strategy.secret_values)
    detail = scrubber.text(str(exc), MAX_MESSAGE)
    failure = AppSyncAuthError(
        f"{type(strategy).__name__} could not authorize the request: "
        f"{type(exc).__name__}" + (f": {detail}" if detail else ""),
        reason=AuthFailureReason.NO_CREDENTIALS,
    )
    # the cause stays, unless its text holds a secret: then a scrubbed stand-in
    failure.__cause__ = exc
    failure.__suppress_context__ = True
    scrubber.error(failure)
    return failure


def _masked_headers(headers: Mapping[str, str], auth_headers: Mapping[str, str]) -> dict[str, str]:
    """Headers for a hook record: those that authorize masked, a strategy's own too."""
    masked = redact_headers(headers)
    secret_names = {name.lower() for name in auth_headers} - PLAIN_HEADERS
    if secret_names:
        for name in masked:
            if name.lower() in secret_names:
                masked[name] = "***"
    return masked


def _name(call: Call) -> str:
    return call.operation_name or "<anonymous>"


class _FirstAttempt:
    """What the lean path (see the module docstring) did before handing over: the
    call's deadline, the auth outcome (headers, or the exception raised getting them),
    and, when it got that far, the send outcome (a response, or the exception)."""

    __slots__ = ("auth", "auth_request", "deadline", "sent")

    def __init__(self, deadline: float | None, auth_request: AuthRequest, auth: object) -> None:
        self.deadline = deadline
        self.auth_request = auth_request
        self.auth = auth
        self.sent: object = _NOT_SENT


_NOT_SENT: Any = object()


def _outcome(value: object) -> Any:
    """``value``, or raise it when it is the exception an I/O step raised."""
    if isinstance(value, BaseException):
        raise value
    return value


def call_flow(
    call: Call, clock: Callable[[], float] = time.monotonic, first: _FirstAttempt | None = None
) -> Flow:
    """One GraphQL call: authorize, send, recover once from a fixable auth rejection,
    retry what the policy allows within the deadline, parse. ``first``: what the
    lean path did already (its first attempt's auth and send outcomes, not redone)."""
    policy = call.retry
    max_attempts = policy.attempts if policy is not None else 1
    hooks = call.hooks
    debug = logger.isEnabledFor(_DEBUG)
    timed = debug or hooks is not None
    total = call.timeout.total
    if first is not None:
        deadline = first.deadline
        auth_request = first.auth_request
    else:
        deadline = None if total is None else clock() + total
        auth_request = _auth_request(call)
    auth_step = AuthStep(call.strategy, auth_request)
    recovered = False
    attempt = 0
    retries = 0
    while True:
        attempt += 1
        given, first = first, None  # the lean path's outcomes: its first attempt only
        error: AppSyncError
        record: AttemptRecord | None = None
        unauthorized = False
        try:
            if given is not None:  # the lean path's auth outcome: not asked again
                received: object = _outcome(given.auth)
            else:
                received = yield auth_step
            auth_headers: Mapping[str, str] = vet_auth_headers(call.strategy, received)
        except AppSyncError as exc:
            error = exc
            _scrubber(call, None).error(error)
        except Exception as exc:
            error = auth_failure(call.strategy, exc, _scrubber(call, None))
            error.attempts = attempt
            error.operation_name = call.operation_name
            unauthorized = True  # raised below, outside this block: no raw __context__
        else:
            scrubber = _scrubber(call, auth_headers)
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
                    headers=_masked_headers(request.headers, auth_headers),
                )
                if hooks.on_request is not None:
                    run_hook(hooks.on_request, record)
            started = clock() if timed else 0.0
            try:
                if given is not None and given.sent is not _NOT_SENT:
                    response: HttpResponse = _outcome(given.sent)
                else:
                    response = yield SendStep(request)
            except AppSyncError as exc:  # no response, or one the transport refused
                error = exc
                scrubber.error(error)  # its text (and cause) may quote a header or a body
                if timed:
                    elapsed = clock() - started
                    if debug:
                        logger.debug(
                            "%s %s: attempt %d failed after %.1f ms: %s",
                            call.operation_type,
                            _name(call),
                            attempt,
                            elapsed * 1000,
                            error,
                            extra=_fields(call, attempt, elapsed=elapsed, error=error),
                        )
                    if record is not None:
                        record = replace(record, elapsed=elapsed)
            else:
                if timed:
                    elapsed = clock() - started
                    request_id = response.headers.get("x-amzn-RequestId")
                    if request_id is not None:  # server text: it may echo a secret
                        request_id = scrubber.text(request_id, 200)
                    if debug:
                        logger.debug(
                            "%s %s: attempt %d got HTTP %d in %.1f ms, request id %s",
                            call.operation_type,
                            _name(call),
                            attempt,
                            response.status,
                            elapsed * 1000,
                            request_id,
                            extra=_fields(
                                call,
                                attempt,
                                status=response.status,
                                request_id=request_id,
                                elapsed=elapsed,
                            ),
                        )
                    if record is not None:
                        record = replace(
                            record, status=response.status, request_id=request_id, elapsed=elapsed
                        )
                        if hooks is not None and hooks.on_response is not None:
                            run_hook(hooks.on_response, record)
                if response.status in (401, 403) and not recovered:
                    rejection = describe_rejection(
                        response.status, response.headers, response.content, scrubber
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
                            extra=_fields(call, attempt, status=response.status),
                        )
                        continue
                if call.model is not None and 200 <= response.status < 300:
                    validated = validate_json(call.model, response.content)
                    if validated is not None:
                        return validated
                try:
                    if call.parse is not None:  # its own result type, passed through
                        parsed: GraphQLResponse | Validated = call.parse(
                            response, call.operation_name, scrubber
                        )
                        return parsed
                    return parse_response(response, call.operation_name, scrubber)
                except AppSyncError as exc:
                    error = exc  # scrubbed of this call's secrets already
        if unauthorized:
            raise error
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
            if hooks is not None:
                _notify_error(hooks, record or _record(call, attempt), late, False, None)
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
        if hooks is not None:
            _notify_error(
                hooks,
                record or _record(call, attempt),
                error,
                will_retry,
                sleep if will_retry else None,
            )
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
            extra=_fields(call, attempt, error=error, will_retry=True, wait=sleep),
        )
        if policy.hooks:  # RetryPolicy.on_retry: deprecated, CallHooks.on_error sees retries
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


def _fields(call: Call, attempt: int, **facts: Any) -> dict[str, object]:
    """The ``extra=`` attributes of a log record about ``attempt`` of ``call``."""
    return call_fields(
        call.operation_name, call.operation_type, mode_name(call.strategy), attempt, **facts
    )


def _record(call: Call, attempt: int) -> AttemptRecord:
    """The record of an attempt that failed before its request was made (its auth
    strategy raised): no headers, nothing sent."""
    return AttemptRecord(
        operation_name=call.operation_name,
        operation_type=call.operation_type,
        attempt=attempt,
        method="POST",
        url=call.url,
        headers={},
    )


def _notify_error(
    hooks: CallHooks,
    record: AttemptRecord,
    error: AppSyncError,
    will_retry: bool,
    wait: float | None,
) -> None:
    if hooks.on_error is not None:
        run_hook(hooks.on_error, replace(record, error=error, will_retry=will_retry, wait=wait))


def _checked(headers: dict[str, str], strategy: AuthStrategy) -> dict[str, str]:
    """``headers`` from ``strategy``, refused before anything is sent when a value
    holds a line break or another control character (a token read from a file with
    its newline): HTTP clients refuse such a header with an error, and log lines,
    that quote it."""
    if printable_headers(strategy):
        return headers
    for name, value in headers.items():
        # a user's strategy may return anything: only strings are judged here
        if isinstance(value, str) and not value.isprintable():  # pyright: ignore[reportUnnecessaryIsInstance]
            raise AppSyncConfigError(
                f"{type(strategy).__name__} returned a {name} header holding a line break "
                "or control character (strip the token: one read from a file keeps its "
                "newline); nothing was sent"
            )
    return headers


def _lean_request(
    call: Call, strategy: Any, kind: type[Any], auth_headers: Any, deadline: float | None
) -> HttpRequest | None:
    """The lean path's request: the call's headers with the vetted auth headers over
    them; None when they do not pass (the flow then says what is wrong)."""
    try:
        vetted = auth_headers if _VETTED.get(kind) else vet_auth_headers(strategy, auth_headers)
        headers = call.headers
        source: Any = headers  # a dict, or the client's read-only view of one
        headers_kind: object = type(headers)
        merged: dict[str, str] = (
            source.copy()
            if headers_kind is MappingProxyType or headers_kind is dict
            else dict(headers)
        )
        merged.update(vetted)
        return make_request("POST", call.url, merged, call.body, call.timeout, deadline)
    except Exception:
        return None


def _lean_outcome(call: Call, response: HttpResponse, auth_headers: Any) -> Any:
    """The lean path's result for ``response``: a 2xx validated into the call's model
    or parsed as the flow parses it; None when the flow must judge it."""
    if not 200 <= response.status < 300:
        return None
    model = call.model
    if model is not None:
        validated = validate_json(model, response.content)
        if validated is not None:
            return validated
    return _lean_parsed(call, response, auth_headers)


def _lean_parsed(call: Call, response: HttpResponse, auth_headers: Any) -> Any:
    """A 2xx response parsed as the flow parses it, or None when the flow must judge
    it (it parses it again, and decides about a retry)."""
    try:
        return parse_response(response, call.operation_name, _scrubber(call, auth_headers))
    except AppSyncError:
        return None


def _auth_request(call: Call) -> AuthRequest:
    return make_auth_request("POST", call.url, call.host, call.body, call.headers, call.region)


def run_sync(call: Call, transport: SyncTransport) -> GraphQLResponse | Validated:
    """Make ``call`` with blocking I/O: the lean path, else :func:`call_flow`."""
    # lean when nothing watches the call (no hooks, no debug logging); written inline,
    # as every call runs it (test_flow_lean compares the result with the flow's)
    if call.hooks is not None or _debug_enabled(_DEBUG):
        return drive_sync(call_flow(call), transport)
    total = call.timeout.total
    deadline = None if total is None else _monotonic() + total
    strategy = call.strategy
    headers = call.headers
    auth_request = make_auth_request("POST", call.url, call.host, call.body, headers, call.region)
    kind: type[Any] = type(strategy)
    try:
        auth_headers = strategy.auth_headers(auth_request)
        if not _PRINTABLE.get(kind):  # printable_headers(strategy), known: no call
            auth_headers = _checked(auth_headers, strategy)
    except Exception as exc:
        first = _FirstAttempt(deadline, auth_request, exc)
        return drive_sync(call_flow(call, first=first), transport)
    request = _lean_request(call, strategy, kind, auth_headers, deadline)
    if request is None:  # the flow vets the headers again, and says what is wrong
        first = _FirstAttempt(deadline, auth_request, auth_headers)
        return drive_sync(call_flow(call, first=first), transport)
    try:
        response = transport.send(request)
    except Exception as exc:
        sent: object = exc
    else:
        result: Any = _lean_outcome(call, response, auth_headers)
        if result is not None:
            return result  # type: ignore[no-any-return]
        sent = response
    first = _FirstAttempt(deadline, auth_request, auth_headers)
    first.sent = sent
    return drive_sync(call_flow(call, first=first), transport)


async def run_async(call: Call, transport: AsyncTransport) -> GraphQLResponse | Validated:
    """Make ``call`` with asyncio I/O: the lean path, else :func:`call_flow`."""
    # lean when nothing watches the call (no hooks, no debug logging); written inline,
    # as every call runs it (test_flow_lean compares the result with the flow's)
    if call.hooks is not None or _debug_enabled(_DEBUG):
        return await drive_async(call_flow(call), transport)
    total = call.timeout.total
    deadline = None if total is None else _monotonic() + total
    strategy = call.strategy
    headers = call.headers
    auth_request = make_auth_request("POST", call.url, call.host, call.body, headers, call.region)
    kind: type[Any] = type(strategy)
    try:
        auth_headers = await strategy.async_auth_headers(auth_request)
        if not _PRINTABLE.get(kind):  # printable_headers(strategy), known: no call
            auth_headers = _checked(auth_headers, strategy)
    except Exception as exc:
        first = _FirstAttempt(deadline, auth_request, exc)
        return await drive_async(call_flow(call, first=first), transport)
    request = _lean_request(call, strategy, kind, auth_headers, deadline)
    if request is None:  # the flow vets the headers again, and says what is wrong
        first = _FirstAttempt(deadline, auth_request, auth_headers)
        return await drive_async(call_flow(call, first=first), transport)
    try:
        response = await transport.send(request)
    except Exception as exc:
        sent: object = exc
    else:
        result: Any = _lean_outcome(call, response, auth_headers)
        if result is not None:
            return result  # type: ignore[no-any-return]
        sent = response
    first = _FirstAttempt(deadline, auth_request, auth_headers)
    first.sent = sent
    return await drive_async(call_flow(call, first=first), transport)


def drive_sync(flow: Flow, transport: SyncTransport) -> GraphQLResponse | Validated:
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
                value = _checked(step.strategy.auth_headers(step.request), step.strategy)
            else:
                assert isinstance(step, SleepStep)
                time.sleep(step.seconds)
                value = None
        except Exception as exc:
            error = exc
        except BaseException:  # interrupted: let the flow clean up now
            flow.close()
            raise


async def drive_async(flow: Flow, transport: AsyncTransport) -> GraphQLResponse | Validated:
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
                value = _checked(
                    await step.strategy.async_auth_headers(step.request), step.strategy
                )
            else:
                assert isinstance(step, SleepStep)
                import asyncio  # loaded already: this driver runs in its loop

                await asyncio.sleep(step.seconds)
                value = None
        except Exception as exc:
            error = exc
        except BaseException:  # cancelled (or interrupted): let the flow clean up now
            flow.close()
            raise
