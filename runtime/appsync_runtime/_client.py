"""The clients generated code extends: :class:`AppSyncClient` (sync, httpx) and
:class:`AsyncAppSyncClient` (async, aiohttp). Both also serve untyped calls::

    with AppSyncClient(url, auth=ApiKeyAuth(key)) as client:
        data = client.get_data(client.execute("query { ping }"))

They follow ariadne-codegen's base-client contract (``execute``, ``get_data``; both
subscribe with ``subscribe``, ``execute_ws`` being the async client's deprecated alias)
and differ only in how they perform I/O: the call itself is the shared
:func:`~appsync_runtime._flow.call_flow`, retries and deadlines included.

Reliability settings, on the client and per call (see :mod:`appsync_runtime._retry`):
``retry=RetryPolicy(...)`` (``None`` turns retries off), ``timeout=Timeout(...)``,
``idempotent=True`` to let a mutation be retried like a query, ``operation_type=`` to
skip finding it in the document, and ``hooks=CallHooks(...)`` on the client.
"""

# pyright: reportUnnecessaryIsInstance=false
# (isinstance checks here guard against callers that ignore the annotations)
from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import aclosing, closing
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx
from pydantic_core import ValidationError

from . import _seam
from ._auth import HEADER_NAME, AuthMode, AuthStrategy, check_header_value, select_strategy
from ._bodies import DEFAULT_MAX_RESPONSE_BYTES, check_max_response_bytes
from ._endpoints import Endpoint, parse_endpoint
from ._flow import (
    AsyncTransport,
    Call,
    SyncTransport,
    drive_async,
    drive_sync,
    run_async,
    run_sync,
)
from ._observe import OTEL_TRACE_MODULE, CallHooks, active_tracer
from ._operation import Operation
from ._options import (
    CALL_OPTIONS,
    OPERATION_OPTIONS,
    SUBSCRIBE_OPTIONS,
    AuthOptions,
    CallOptions,
    OperationOptions,
    SubscribeOptions,
    check_options,
)
from ._redaction import MAX_MESSAGE, Scrubber
from ._request import JSON_CONTENT_TYPE, Timeout, encode_body, operation_type
from ._response import GraphQLResponse, Validated, reported_problems
from ._retry import DEFAULT_RETRY, RetryPolicy
from ._transport import AiohttpTransport, AsyncHttpxTransport, HttpxTransport
from .errors import AppSyncConfigError, AppSyncResponseError
from .unset import UNSET, UnsetType

if TYPE_CHECKING:
    import aiohttp
    from opentelemetry.trace import TracerProvider
    from pydantic import BaseModel as PydanticBaseModel
    from typing_extensions import Self, Unpack

    from ._connection_manager import RealtimeManager
    from ._flow import Flow
    from ._otel import SubscriptionTrace
    from ._realtime_types import GapCallback, ReadyCallback, RealtimeOptions
    from ._thread_driver import RealtimeThread

__all__ = [
    "AppSyncClient",
    "AsyncAppSyncClient",
    "AuthArg",
    "AuthOptions",
    "CallOptions",
    "OperationOptions",
    "SubscribeOptions",
]

M = TypeVar("M", bound="PydanticBaseModel")
AuthArg = AuthStrategy | Sequence[AuthStrategy] | None
"""One strategy, or several in order of preference."""


_RESERVED_HEADERS = {"host", "content-length", "transfer-encoding"}
_OPERATION_TYPES = ("query", "mutation", "subscription")
_TEMPLATES_KEPT = 4096  # operations whose prepared Call a client keeps
# what a model's validation raises for data that does not fit it: pydantic's own
# error, or a validator's that escaped it
_RESULT_ERRORS = (ValidationError, ValueError, TypeError, ArithmeticError, RecursionError)
_EXECUTE_WS_DEPRECATED = "execute_ws is deprecated: use subscribe, which takes the same arguments"


def _retry_policy(retry: object, what: str) -> RetryPolicy | None:
    """None (retries off) or a policy: what a ``retry=`` argument may say."""
    if retry is None or isinstance(retry, RetryPolicy):
        return retry
    raise AppSyncConfigError(f"{what} must be a RetryPolicy or None (no retries)")


def _strategies(auth: AuthArg, what: str = "auth") -> tuple[AuthStrategy, ...]:
    if auth is None:
        return ()
    if isinstance(auth, AuthStrategy):
        return (auth,)
    if isinstance(auth, (str, bytes)) or not isinstance(auth, Sequence):
        raise AppSyncConfigError(
            f"{what} must be an auth strategy (ApiKeyAuth, IAMAuth, ...) or a sequence of them"
        )
    strategies = tuple(auth)
    for strategy in strategies:
        if not isinstance(strategy, AuthStrategy):
            raise AppSyncConfigError(
                f"{what} holds {type(strategy).__name__}, which is not an auth strategy"
            )
    return strategies


def _check_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not HEADER_NAME.match(name):
            raise AppSyncConfigError(f"header name {name!r} is not a valid HTTP header name")
        if name.lower() in _RESERVED_HEADERS:
            raise AppSyncConfigError(f"header {name!r} is set by the client and cannot be given")
        checked[name] = check_header_value(value, f"header {name!r}")
    return checked


def _call_options(operation: Operation[Any], options: Mapping[str, Any]) -> CallOptions:
    """``options`` of a generated method, completed for ``execute``."""
    check_options(options, OPERATION_OPTIONS, operation.name)
    return cast(
        CallOptions,
        {"operation_type": operation.kind, "auth_modes": operation.auth_modes, **options},
    )


def _from_template(template: Call, body: bytes) -> Call:
    """A new :class:`Call` like ``template`` (a generated operation's, without
    options), sending ``body``."""
    return Call(
        template.url,
        template.host,
        template.region,
        template.headers,
        body,
        template.strategy,
        template.timeout,
        template.operation_name,
        template.operation_type,
        template.retry,
        template.idempotent,
        template.hooks,
        template.model,
    )


def _subscribe_options(
    operation: Operation[Any], options: SubscribeOptions | None
) -> SubscribeOptions:
    """``options`` of a generated subscription, with the operation's auth modes."""
    if options and "auth_modes" in options:
        return options
    return cast(SubscribeOptions, {**(options or {}), "auth_modes": operation.auth_modes})


class _ClientCore:
    """What both clients share: endpoint, auth, headers, timeouts, call preparation."""

    def __init__(
        self,
        url: str,
        auth: AuthArg = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = None,
        host: str | None = None,
        region: str | None = None,
        realtime_url: str | None = None,
        retry: RetryPolicy | None | UnsetType = UNSET,
        hooks: CallHooks | None = None,
        user_agent_extra: str | None = None,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self.endpoint: Endpoint = parse_endpoint(
            url, host=host, region=region, realtime_url=realtime_url
        )
        self.auth: tuple[AuthStrategy, ...] = _strategies(auth)
        self.timeout: Timeout = Timeout.coerce(timeout)
        self.retry: RetryPolicy | None = (
            DEFAULT_RETRY if retry is UNSET else _retry_policy(retry, "retry")
        )
        if hooks is not None and not isinstance(hooks, CallHooks):
            raise AppSyncConfigError("hooks must be a CallHooks")
        self.hooks = hooks
        self._tracer_provider = tracer_provider
        from ._useragent import user_agent, with_user_agent  # on first use: no import cost

        self.user_agent: str = user_agent(user_agent_extra)
        """The ``User-Agent`` (and ``x-amz-user-agent``) this client sends."""
        # read-only and shared by every call: IAMAuth prepares its signer once for it
        self._headers: Mapping[str, str] = MappingProxyType(
            {
                "content-type": JSON_CONTENT_TYPE,
                "host": self.endpoint.host,
                **with_user_agent(_check_headers(headers), self.user_agent),
            }
        )
        cls = type(self)
        # execute_validated may validate straight from the bytes only where it would
        # otherwise run exactly the methods below (a subclass may override them)
        self._results_from_json = (
            cls.get_data is _ClientCore.get_data
            and cls.validate_result is _ClientCore.validate_result
        )
        # generated methods send through the flow directly unless a subclass
        # overrides execute (ariadne-codegen's custom base clients do)
        owner = next((c for c in cls.__mro__ if "execute" in vars(c)), _ClientCore)
        self._plain_execute = owner.__module__ == __name__
        # per generated operation called without options: (settings, its Call)
        self._operation_templates: dict[Operation[Any], tuple[tuple[object, ...], Call]] = {}

    @property
    def url(self) -> str:
        """The GraphQL endpoint requests are sent to."""
        return self.endpoint.url

    def _traced(self, call: Call) -> Flow | None:
        """The traced call flow of ``call`` when OpenTelemetry is in use, else None
        (the call then takes :func:`~appsync_runtime._flow.run_sync`'s own path)."""
        tracer = active_tracer(self._tracer_provider)
        if tracer is None:
            return None
        from ._otel import traced_flow

        return traced_flow(call, tracer)

    def _subscription_trace(self, call: Call) -> SubscriptionTrace | None:
        tracer = active_tracer(self._tracer_provider)
        if tracer is None:
            return None
        from ._otel import subscription_trace

        return subscription_trace(tracer, call)

    def __repr__(self) -> str:
        modes = ", ".join(repr(strategy) for strategy in self.auth)
        return f"{type(self).__name__}(url={self.endpoint.url!r}, auth=[{modes}])"

    def _prepare(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        options: Mapping[str, Any],
        allowed: frozenset[str] = CALL_OPTIONS,
        model: type[PydanticBaseModel] | None = None,
        operation: Operation[Any] | None = None,
    ) -> Call:
        """The :class:`Call` for one operation; ``options`` are the keyword arguments
        the method took (:class:`CallOptions`, or only those in ``allowed``). With
        ``model``, a plain success is validated straight from the response bytes where
        that is what ``get_data`` and ``validate_result`` would do."""
        check_options(options, allowed, operation_name or "the operation")
        auth: AuthArg = options.get("auth")
        headers: Mapping[str, str] | None = options.get("headers")
        timeout: Timeout | float | None = options.get("timeout")
        retry: RetryPolicy | None | UnsetType = options.get("retry", UNSET)
        idempotent: object = options.get("idempotent", False)
        kind: str | None = options.get("operation_type")
        auth_modes: Sequence[AuthMode | str] | None = options.get("auth_modes")
        if operation is not None:
            kind = operation.kind
            if "auth_modes" not in options:
                auth_modes = operation.auth_modes
        strategies = _strategies(auth, "auth=") if auth is not None else self.auth
        strategy = select_strategy(strategies, auth_modes, operation_name)
        call_headers = (
            MappingProxyType({**self._headers, **_check_headers(headers)})
            if headers
            else self._headers
        )
        body = encode_body(query, operation_name, variables)
        if kind is None:
            kind = operation_type(query, operation_name)
        elif kind not in _OPERATION_TYPES:
            raise AppSyncConfigError(
                f"operation_type must be 'query', 'mutation' or 'subscription', not {kind!r}"
            )
        if idempotent is not False and idempotent is not True:
            raise AppSyncConfigError("idempotent must be True or False")
        return Call(
            url=self.endpoint.url,
            host=self.endpoint.host,
            region=self.endpoint.region,
            headers=call_headers,
            body=body,
            strategy=strategy,
            timeout=self.timeout if timeout is None else Timeout.coerce(timeout),
            operation_name=operation_name,
            operation_type=kind,
            retry=self.retry if retry is UNSET else _retry_policy(retry, "retry="),
            idempotent=idempotent is True,
            hooks=self.hooks,
            model=model if self._results_from_json else None,
        )

    def _operation_call(
        self,
        operation: Operation[Any],
        variables: Mapping[str, Any] | None,
        options: Mapping[str, Any],
    ) -> Call:
        """The :class:`Call` of a generated method's ``operation`` (its options checked
        as :class:`OperationOptions`), validated from the bytes where allowed.

        Without options, everything but the body is the same from call to call while
        the client's settings stay the same objects: what :meth:`_prepare` worked out
        for the operation is kept (per operation, with the settings it was worked out
        from) and only the variables are encoded."""
        if not options:
            kept = self._operation_templates.get(operation)
            if kept is not None and kept[0] == self._settings(operation):
                body = encode_body(operation.document, operation.name, variables)
                return _from_template(kept[1], body)
        call = self._prepare(
            operation.document,
            operation.name,
            variables,
            options,
            OPERATION_OPTIONS,
            model=operation.model,
            operation=operation,
        )
        if not options:  # a Call is made for one call (tracing sets its hooks): a copy
            if len(self._operation_templates) >= _TEMPLATES_KEPT:
                self._operation_templates.clear()
            self._operation_templates[operation] = (self._settings(operation), call)
            return _from_template(call, call.body)
        return call

    def _settings(self, operation: Operation[Any]) -> tuple[object, ...]:
        """What preparing ``operation``'s call reads besides its document and name: the
        client's settings (immutable objects, changed by being replaced) and the
        operation's kind and auth modes."""
        return (
            self.endpoint,
            self.auth,
            self._headers,
            self.timeout,
            self.retry,
            self.hooks,
            operation.kind,
            operation.auth_modes,
        )

    def _result(self, model: type[M], result: GraphQLResponse | Validated) -> M:
        if type(result) is Validated:
            value: M = result.value
            return value
        return self.validate_result(model, self.get_data(cast(GraphQLResponse, result)))

    def get_data(self, response: GraphQLResponse) -> dict[str, Any]:
        """The ``data`` of a response (errors were already raised by ``execute``)."""
        return response.data

    def validate_result(self, model: type[M], data: dict[str, Any]) -> M:
        """``data`` as ``model``; a mismatch raises :class:`AppSyncResponseError`."""
        try:
            return model.model_validate(data)
        except _RESULT_ERRORS as exc:
            raise self._result_error(model, exc) from None

    def _result_error(self, model: type[Any], exc: Exception) -> AppSyncResponseError:
        """The error for ``data`` that did not validate as ``model`` (``exc``, one of
        ``_RESULT_ERRORS``)."""
        if isinstance(exc, ValidationError):
            problems = reported_problems(exc)
            first = problems[0] if problems else {"loc": (), "msg": str(exc)}
            where = ".".join(str(part) for part in first["loc"]) or "<root>"
            # a validator's message may quote the value: server text, scrubbed
            secrets = [value for strategy in self.auth for value in strategy.secret_values()]
            return AppSyncResponseError(
                f"the response does not fit {model.__name__}: {len(problems)} problem(s), "
                + Scrubber(secrets).text(f"first at {where}: {first['msg']}", MAX_MESSAGE)
            )
        # a validator that raised outside pydantic's own error types
        return AppSyncResponseError(
            f"the response does not fit {model.__name__}: {type(exc).__name__}"
        )

    def _event_validator(self, model: type[M]) -> Callable[[Any], M] | None:
        """What reads a typed subscription's events, where it is what
        :meth:`validate_result` would run (neither it nor the model's
        ``model_validate`` overridden): the model's core validator itself, without
        ``model_validate``'s Python wrapper around it (about 3.6k instructions of an
        event's 20k to 60k). None otherwise: :meth:`validate_result` reads them."""
        from pydantic import BaseModel as PydanticBaseModel

        own = getattr(model.model_validate, "__func__", None)
        plain = getattr(PydanticBaseModel.model_validate, "__func__", None)
        if not self._results_from_json or own is None or own is not plain:
            return None
        # a deferred model is built here (pydantic's stand-in builds it on first use)
        validate: Callable[[Any], M] = model.__pydantic_validator__.validate_python
        return validate


class AppSyncClient(_ClientCore):
    """Blocking AppSync client over httpx; safe to share across threads.

    ``auth`` is one strategy or several in order of preference: each call uses the
    first one its operation allows. ``http_client`` is a user's own ``httpx.Client``
    (proxies, custom transports, event hooks), used as given and left open.
    ``retry`` is the :class:`RetryPolicy` of every call (default: 3 attempts; None
    turns retries off), ``timeout`` the :class:`Timeout`, ``hooks`` the
    :class:`CallHooks` run for each attempt. ``max_response_bytes`` caps a response
    body, on the wire and decoded (default 64 MiB): a larger one raises
    :class:`AppSyncResponseTooLargeError` before the memory is spent.
    ``user_agent_extra`` is appended to the ``User-Agent`` it sends
    (``appsync-typed/<version> python/<x.y>``); ``tracer_provider`` an OpenTelemetry
    provider to trace with instead of the global one (``docs/observability.md``).
    """

    def __init__(
        self,
        url: str,
        auth: AuthArg = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = None,
        host: str | None = None,
        region: str | None = None,
        realtime_url: str | None = None,
        http_client: httpx.Client | None = None,
        realtime: RealtimeOptions | None = None,
        retry: RetryPolicy | None | UnsetType = UNSET,
        hooks: CallHooks | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        user_agent_extra: str | None = None,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        super().__init__(
            url,
            auth,
            headers=headers,
            timeout=timeout,
            host=host,
            region=region,
            realtime_url=realtime_url,
            retry=retry,
            hooks=hooks,
            user_agent_extra=user_agent_extra,
            tracer_provider=tracer_provider,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise AppSyncConfigError("http_client must be an httpx.Client")
        self._transport = HttpxTransport(
            http_client, max_response_bytes=check_max_response_bytes(max_response_bytes)
        )
        # real-time (subscribe): a loop thread started with the first subscription
        self._realtime_options = realtime
        self._realtime_thread: RealtimeThread | None = None
        self._realtime_lock = threading.Lock()

    @property
    def _realtime(self) -> RealtimeThread:
        """The real-time machinery, created (and its module imported) on first use."""
        realtime = self._realtime_thread
        if realtime is None:
            from ._thread_driver import RealtimeThread

            with self._realtime_lock:
                realtime = self._realtime_thread
                if realtime is None:
                    realtime = RealtimeThread(
                        self.endpoint, self._realtime_options, user_agent=self.user_agent
                    )
                    self._realtime_thread = realtime
        return realtime

    def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        **options: Unpack[CallOptions],
    ) -> GraphQLResponse:
        """Run one GraphQL operation; raises an :class:`AppSyncError` on any failure.

        ``retry`` overrides the client's policy for this call (None: no retry);
        ``idempotent=True`` lets a mutation be retried like a query; ``operation_type``
        (``"query"``, ``"mutation"``) saves finding it in ``query``."""
        call = self._prepare(query, operation_name, variables, options)
        return cast(GraphQLResponse, self._run(call))

    def _run(self, call: Call) -> GraphQLResponse | Validated:
        """Make ``call`` (traced when OpenTelemetry is in use)."""
        traced = self._traced(call)
        if traced is None:
            return run_sync(call, self._http(call))
        return drive_sync(traced, self._http(call))

    def _http(self, call: Call) -> SyncTransport:
        """The transport for ``call``: a test's fake (:mod:`appsync_runtime.testing`)
        while one is installed, else the client's own."""
        fake = _seam.active
        return self._transport if fake is None else fake.sync_transport(self, call)

    def execute_validated(
        self,
        model: type[M],
        query: str,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        **options: Unpack[CallOptions],
    ) -> M:
        """``validate_result(model, get_data(execute(...)))`` in one call: the same
        arguments, result and errors. A plain success is validated straight from the
        response bytes (pydantic's JSON mode, see
        :func:`~appsync_runtime._response.validate_json`); anything else takes exactly
        the three-step path."""
        call = self._prepare(query, operation_name, variables, options, model=model)
        return self._result(model, self._run(call))

    def execute_operation(
        self,
        operation: Operation[M],
        variables: Mapping[str, Any] | None = None,
        options: OperationOptions | None = None,
    ) -> M:
        """Send ``operation`` (a query or mutation of a generated client) and return its
        result model; ``options`` are :class:`OperationOptions` (unknown ones raise
        :class:`AppSyncConfigError`). A subclass's own ``execute`` is honoured."""
        given: Mapping[str, Any] = options or {}
        if self._plain_execute:
            call = self._operation_call(operation, variables, given)
            result = self._run(call)
            if type(result) is Validated:  # _result's common case, without the call
                value: M = result.value
                return value
            return self._result(operation.model, result)
        model = operation.model
        response = self.execute(
            query=operation.document,
            operation_name=operation.name,
            variables=variables,
            **_call_options(operation, given),
        )
        return self.validate_result(model, self.get_data(response))

    def subscribe(
        self,
        query: str,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        **options: Unpack[SubscribeOptions],
    ) -> Iterator[dict[str, Any]]:
        """Subscribe over AppSync's real-time WebSocket; a blocking iterator of each
        event's ``data``. ``on_ready()`` runs once AppSync acknowledged the
        subscription, ``on_gap(gap)`` after each reconnect (events were lost: catch
        up), both in the iterating thread. Leaving the loop stops the subscription."""
        call = self._prepare(query, operation_name, variables, options, SUBSCRIBE_OPTIONS)
        if _seam.active is not None:
            _seam.active.subscribing(self, call)
        on_ready, on_gap = options.get("on_ready"), options.get("on_gap")
        trace = self._subscription_trace(call)
        if trace is None:
            return self._realtime.subscribe(
                call.body, call.strategy, operation_name, on_ready, on_gap
            )
        events = self._realtime.subscribe(
            call.body,
            call.strategy,
            operation_name,
            trace.wrap_ready(on_ready),
            trace.wrap_gap(on_gap),
        )
        from ._otel import traced_events

        return traced_events(trace, events)

    def subscribe_operation(
        self,
        operation: Operation[M],
        variables: Mapping[str, Any] | None = None,
        options: SubscribeOptions | None = None,
    ) -> Generator[M, None, None]:
        """Subscribe with ``operation`` (a subscription of a generated client): a
        generator of its result models, blocking between events; closing it stops the
        subscription. ``options`` are :class:`SubscribeOptions`."""
        model = operation.model
        events = self.subscribe(
            query=operation.document,
            operation_name=operation.name,
            variables=variables,
            **_subscribe_options(operation, options),
        )
        return self._typed_events(model, events)

    def _typed_events(
        self, model: type[M], events: Iterator[dict[str, Any]]
    ) -> Generator[M, None, None]:
        # closing this generator closes the runtime's in the same step: AppSync's
        # stop goes out then, not whenever the interpreter finalizes the inner one
        with closing(cast("Generator[dict[str, Any], None, None]", events)):
            validate = self._event_validator(model)
            if validate is None:
                for data in events:
                    yield self.validate_result(model, data)
                return
            for data in events:
                try:
                    event = validate(data)
                except _RESULT_ERRORS as exc:
                    raise self._result_error(model, exc) from None
                yield event

    def close(self) -> None:
        """Close the connection pool (a user's own ``http_client`` stays open) and end
        every subscription."""
        if self._realtime_thread is not None:
            self._realtime_thread.close()
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAppSyncClient(_ClientCore):
    """Asyncio AppSync client over aiohttp (or a user's ``httpx.AsyncClient``).

    One aiohttp connection pool per client, opened lazily in the running loop and
    capped at ``connection_limit`` connections. ``max_response_bytes`` caps a response
    body, on the wire and decoded (default 64 MiB): a larger one raises
    :class:`AppSyncResponseTooLargeError` before the memory is spent.
    ``user_agent_extra`` is appended to the ``User-Agent`` it sends
    (``appsync-typed/<version> python/<x.y>``); ``tracer_provider`` an OpenTelemetry
    provider to trace with instead of the global one (``docs/observability.md``).
    """

    def __init__(
        self,
        url: str,
        auth: AuthArg = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = None,
        host: str | None = None,
        region: str | None = None,
        realtime_url: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        session: aiohttp.ClientSession | None = None,
        connection_limit: int = 100,
        realtime: RealtimeOptions | None = None,
        retry: RetryPolicy | None | UnsetType = UNSET,
        hooks: CallHooks | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        user_agent_extra: str | None = None,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        super().__init__(
            url,
            auth,
            headers=headers,
            timeout=timeout,
            host=host,
            region=region,
            realtime_url=realtime_url,
            retry=retry,
            hooks=hooks,
            user_agent_extra=user_agent_extra,
            tracer_provider=tracer_provider,
        )
        if http_client is not None and session is not None:
            raise AppSyncConfigError("give http_client or session, not both")
        max_bytes = check_max_response_bytes(max_response_bytes)
        self._transport: AsyncTransport
        if http_client is not None:
            if not isinstance(http_client, httpx.AsyncClient):
                raise AppSyncConfigError("http_client must be an httpx.AsyncClient")
            self._transport = AsyncHttpxTransport(http_client, max_response_bytes=max_bytes)
        else:
            if isinstance(connection_limit, bool) or not isinstance(connection_limit, int):
                raise AppSyncConfigError("connection_limit must be an integer")
            if connection_limit < 1:
                raise AppSyncConfigError("connection_limit must be at least 1")
            self._transport = AiohttpTransport(
                session, limit=connection_limit, max_response_bytes=max_bytes
            )
        # real-time (subscribe): one multiplexed connection, opened lazily
        self._realtime_options = realtime
        self._realtime_manager: RealtimeManager | None = None

    @property
    def _realtime(self) -> RealtimeManager:
        """The real-time machinery, created (and its module imported) on first use."""
        realtime = self._realtime_manager
        if realtime is None:
            from ._connection_manager import RealtimeManager

            realtime = self._realtime_manager = RealtimeManager(
                self.endpoint, self._realtime_options, user_agent=self.user_agent
            )
        return realtime

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        **options: Unpack[CallOptions],
    ) -> GraphQLResponse:
        """Run one GraphQL operation; raises an :class:`AppSyncError` on any failure.

        ``retry`` overrides the client's policy for this call (None: no retry);
        ``idempotent=True`` lets a mutation be retried like a query; ``operation_type``
        (``"query"``, ``"mutation"``) saves finding it in ``query``."""
        call = self._prepare(query, operation_name, variables, options)
        return cast(GraphQLResponse, await self._run(call))

    async def _run(self, call: Call) -> GraphQLResponse | Validated:
        """Make ``call`` (traced when OpenTelemetry is in use)."""
        # the common case first, without a call: no tracing possible, no test fake
        if (
            self._tracer_provider is None
            and OTEL_TRACE_MODULE not in sys.modules
            and _seam.active is None
        ):
            return await run_async(call, self._transport)
        traced = self._traced(call)
        if traced is None:
            return await run_async(call, self._http(call))
        return await drive_async(traced, self._http(call))

    def _http(self, call: Call) -> AsyncTransport:
        """The transport for ``call``: a test's fake (:mod:`appsync_runtime.testing`)
        while one is installed, else the client's own."""
        fake = _seam.active
        return self._transport if fake is None else fake.async_transport(self, call)

    async def execute_validated(
        self,
        model: type[M],
        query: str,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        **options: Unpack[CallOptions],
    ) -> M:
        """``validate_result(model, get_data(await execute(...)))`` in one call: the
        same arguments, result and errors. A plain success is validated straight from
        the response bytes (pydantic's JSON mode, see
        :func:`~appsync_runtime._response.validate_json`); anything else takes exactly
        the three-step path."""
        call = self._prepare(query, operation_name, variables, options, model=model)
        return self._result(model, await self._run(call))

    async def execute_operation(
        self,
        operation: Operation[M],
        variables: Mapping[str, Any] | None = None,
        options: OperationOptions | None = None,
    ) -> M:
        """Send ``operation`` (a query or mutation of a generated client) and return its
        result model; ``options`` are :class:`OperationOptions` (unknown ones raise
        :class:`AppSyncConfigError`). A subclass's own ``execute`` is honoured."""
        given: Mapping[str, Any] = options or {}
        if self._plain_execute:
            call = self._operation_call(operation, variables, given)
            result = await self._run(call)
            if type(result) is Validated:  # _result's common case, without the call
                value: M = result.value
                return value
            return self._result(operation.model, result)
        model = operation.model
        response = await self.execute(
            query=operation.document,
            operation_name=operation.name,
            variables=variables,
            **_call_options(operation, given),
        )
        return self.validate_result(model, self.get_data(response))

    def subscribe(
        self,
        query: str,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        **options: Unpack[SubscribeOptions],
    ) -> AsyncIterator[dict[str, Any]]:
        """Subscribe over AppSync's real-time WebSocket; an async iterator of each
        event's ``data``. ``on_ready()`` runs once AppSync acknowledged the
        subscription, ``on_gap(gap)`` after each reconnect (events were lost: catch
        up); both may be async and run where the loop iterates. Leaving the loop
        (closing the iterator) stops the subscription."""
        call = self._prepare(query, operation_name, variables, options, SUBSCRIBE_OPTIONS)
        if _seam.active is not None:
            _seam.active.subscribing(self, call)
        on_ready = cast("ReadyCallback | None", options.get("on_ready"))
        on_gap = cast("GapCallback | None", options.get("on_gap"))
        trace = self._subscription_trace(call)
        if trace is None:
            return self._realtime.iterate(
                call.body, call.strategy, operation_name, on_ready, on_gap, hooks=True
            )
        events = self._realtime.iterate(
            call.body,
            call.strategy,
            operation_name,
            trace.wrap_ready(on_ready),
            trace.wrap_gap(on_gap),
            hooks=True,
        )
        from ._otel import atraced_events

        return atraced_events(trace, events)

    def execute_ws(
        self,
        query: str,
        operation_name: str | None = None,
        variables: Mapping[str, Any] | None = None,
        **options: Unpack[SubscribeOptions],
    ) -> AsyncIterator[dict[str, Any]]:
        """Deprecated name of :meth:`subscribe` (ariadne-codegen's base-client name):
        the same arguments and iterator, and a :class:`DeprecationWarning`."""
        warnings.warn(_EXECUTE_WS_DEPRECATED, DeprecationWarning, stacklevel=2)
        return self.subscribe(query, operation_name, variables, **options)

    def subscribe_operation(
        self,
        operation: Operation[M],
        variables: Mapping[str, Any] | None = None,
        options: SubscribeOptions | None = None,
    ) -> AsyncGenerator[M, None]:
        """Subscribe with ``operation`` (a subscription of a generated client): an async
        generator of its result models; closing it (``aclose()``, leaving
        ``contextlib.aclosing``) stops the subscription. ``options`` are
        :class:`SubscribeOptions`."""
        model = operation.model
        events = self.subscribe(
            query=operation.document,
            operation_name=operation.name,
            variables=variables,
            **_subscribe_options(operation, options),
        )
        return self._typed_events(model, events)

    async def _typed_events(
        self, model: type[M], events: AsyncIterator[dict[str, Any]]
    ) -> AsyncGenerator[M, None]:
        async with aclosing(cast("AsyncGenerator[dict[str, Any], None]", events)):
            validate = self._event_validator(model)
            if validate is None:
                async for data in events:
                    yield self.validate_result(model, data)
                return
            async for data in events:
                try:
                    event = validate(data)
                except _RESULT_ERRORS as exc:
                    raise self._result_error(model, exc) from None
                yield event

    async def close(self) -> None:
        """Close the connection pool (a user's own client or session stays open) and end
        every subscription."""
        realtime, self._realtime_manager = self._realtime_manager, None
        if realtime is not None:
            await realtime.aclose()
        await self._transport.aclose()

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()


# Shared with the Events clients (:mod:`._events_client`): one reading of these arguments.
auth_strategies = _strategies
retry_policy = _retry_policy
checked_headers = _check_headers
