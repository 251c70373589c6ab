"""Clients of AppSync Event APIs: :class:`EventsClient` (blocking) and
:class:`AsyncEventsClient` (asyncio).

Publishing over HTTP runs the GraphQL clients' call flow (auth, re-sign once on a
fixable 401/403, retries only while nothing can have been delivered, deadlines,
hooks) with a publish body and a publish-result parser. Subscribing and publishing
over the WebSocket run the shared real-time core (one connection manager,
watchdog, backoff, reconnect with resubscribe and gaps) speaking
``aws-appsync-event-ws`` (:data:`~._events_ws.EVENTS_WS`). Both clients share
everything in :class:`_EventsCore`; they differ only in how they do I/O::

    with EventsClient(url, auth=ApiKeyAuth(key)) as events:
        result = events.publish("/default/chat", {"text": "hi"})
        for event in events.subscribe("/default/*"):
            ...
"""

# pyright: reportUnnecessaryIsInstance=false
# (isinstance checks here guard against callers that ignore the annotations)
from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload

import httpx

from ._auth import AuthMode, AuthStrategy, mode_name, select_strategy
from ._bodies import DEFAULT_MAX_RESPONSE_BYTES, check_max_response_bytes
from ._client import AuthArg, auth_strategies, checked_headers, retry_policy
from ._events import (
    MAX_EVENTS_PER_PUBLISH,
    PublishResult,
    channel_path,
    encode_events,
    events_endpoint,
    parse_publish_response,
    publish_body,
    publish_result,
    subscribe_body,
)
from ._flow import AsyncTransport, Call, call_flow, drive_async, drive_sync
from ._observe import CallHooks, active_tracer
from ._redaction import MAX_MESSAGE, Scrubber
from ._request import JSON_CONTENT_TYPE, Timeout
from ._response import AuthRejection, HttpResponse
from ._retry import DEFAULT_RETRY, RetryPolicy
from ._transport import AiohttpTransport, AsyncHttpxTransport, HttpxTransport
from .errors import (
    AppSyncAuthError,
    AppSyncConfigError,
    AppSyncError,
    AppSyncGraphQLError,
    AppSyncPartialPublishError,
    AppSyncResponseError,
    AuthFailureReason,
    GraphQLErrorEntry,
)
from .unset import UNSET, UnsetType

if TYPE_CHECKING:
    import aiohttp
    from opentelemetry.trace import TracerProvider
    from pydantic import TypeAdapter
    from typing_extensions import Self

    from ._connection import Answer
    from ._connection_manager import RealtimeManager
    from ._endpoints import Endpoint
    from ._flow import Flow
    from ._otel import SubscriptionTrace
    from ._realtime_types import GapCallback, ReadyCallback, RealtimeOptions, SubscriptionGap
    from ._thread_driver import RealtimeThread

__all__ = ["AsyncEventsClient", "EventsClient", "PublishVia"]

T = TypeVar("T")
PublishVia = Literal["http", "websocket"]
"""How a publish travels: an HTTP ``POST /event`` (default), or a ``publish`` message
on the client's WebSocket connection (opened if none is)."""

_EVENT_EXTRAS = frozenset("<>&")
_UNAUTHORIZED = ("UnauthorizedException", "Unauthorized", "ForbiddenException")


def _event_adapter(model: object) -> Callable[[Any], Any] | None:
    """A validator of decoded events for ``model`` (a type, or a pydantic
    ``TypeAdapter``), or None for no validation."""
    if model is None:
        return None
    from pydantic import TypeAdapter

    if isinstance(model, TypeAdapter):
        return cast("TypeAdapter[Any]", model).validate_python  # type: ignore[redundant-cast]
    adapter: TypeAdapter[Any] = TypeAdapter(cast("type[Any]", model))
    return adapter.validate_python


def _invalid_event(model: object, exc: Exception, channel: str) -> AppSyncResponseError:
    from pydantic import ValidationError

    name = getattr(model, "__name__", None) or type(model).__name__
    if isinstance(exc, ValidationError):
        problems = exc.errors(include_url=False, include_input=False)
        first = problems[0] if problems else {"loc": (), "msg": str(exc)}
        where = ".".join(str(part) for part in first["loc"]) or "<root>"
        detail = f"{len(problems)} problem(s), first at {where}: {first['msg']}"
    else:
        detail = type(exc).__name__
    return AppSyncResponseError(
        f"an event on {channel} does not fit {name}: "
        + Scrubber(()).text(detail, MAX_MESSAGE)
        + "; the subscription was stopped",
        operation_name=channel,
    )


def publish_refused(errors: Sequence[GraphQLErrorEntry], channel: str) -> AppSyncError:
    """The typed error for a WebSocket ``publish_error``: an auth error when AppSync
    refused the credentials (or an IAM signature), else an
    :class:`~appsync_runtime.errors.AppSyncGraphQLError` carrying the entries."""
    first = errors[0] if errors else GraphQLErrorEntry(message="the publish was refused")
    error_type = first.error_type
    lowered = first.message.lower()
    if error_type in _UNAUTHORIZED or (
        error_type == "BadRequestException" and "signature" in lowered
    ):
        reason = (
            AuthFailureReason.SIGNATURE_MISMATCH
            if error_type == "BadRequestException"
            else AuthFailureReason.UNAUTHORIZED
        )
        label = f"{error_type}: " if error_type else ""
        return AppSyncAuthError(
            f"publish refused: {label}{first.message}",
            error_type=error_type,
            reason=reason,
            operation_name=channel,
        )
    return AppSyncGraphQLError(errors, operation_name=channel)


class _Batch:
    """One publish request: its body, the events' offset in the caller's list."""

    __slots__ = ("body", "count", "offset")

    def __init__(self, body: bytes, offset: int, count: int) -> None:
        self.body = body
        self.offset = offset
        self.count = count


class _HttpStep:
    """Run this publish request through the HTTP call flow; answer its result."""

    __slots__ = ("call",)

    def __init__(self, call: Call) -> None:
        self.call = call


class _WsStep:
    """Send this publish on the WebSocket; answer what came back."""

    __slots__ = ("body", "name", "strategy", "timeout")

    def __init__(self, body: bytes, strategy: AuthStrategy, name: str, timeout: float) -> None:
        self.body = body
        self.strategy = strategy
        self.name = name
        self.timeout = timeout


class _EventsCore:
    """What both Events clients share: endpoints, auth, timeouts, retries, and every
    step of publishing and subscribing that does no I/O."""

    def __init__(
        self,
        url: str,
        auth: AuthArg = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = None,
        region: str | None = None,
        realtime_url: str | None = None,
        retry: RetryPolicy | None | UnsetType = UNSET,
        hooks: CallHooks | None = None,
        realtime: RealtimeOptions | None = None,
        user_agent_extra: str | None = None,
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        self.endpoint: Endpoint = events_endpoint(url, region=region, realtime_url=realtime_url)
        self.auth: tuple[AuthStrategy, ...] = auth_strategies(auth)
        self.timeout: Timeout = Timeout.coerce(timeout)
        self.retry: RetryPolicy | None = (
            DEFAULT_RETRY if retry is UNSET else retry_policy(retry, "retry")
        )
        if hooks is not None and not isinstance(hooks, CallHooks):
            raise AppSyncConfigError("hooks must be a CallHooks")
        self.hooks = hooks
        if realtime is not None and realtime.connect_form == "query":
            raise AppSyncConfigError(
                "connect_form='query' is not known to work with Event APIs: use "
                "'subprotocol' (the default) or 'headers'"
            )
        self._realtime_options = realtime
        self._tracer_provider = tracer_provider
        from ._useragent import user_agent, with_user_agent  # on first use: no import cost

        self.user_agent: str = user_agent(user_agent_extra)
        """The ``User-Agent`` (and ``x-amz-user-agent``) this client sends."""
        self._headers: Mapping[str, str] = MappingProxyType(
            {
                "content-type": JSON_CONTENT_TYPE,
                "host": self.endpoint.host,
                **with_user_agent(checked_headers(headers), self.user_agent),
            }
        )

    @property
    def url(self) -> str:
        """The HTTP endpoint publishes are sent to (``.../event``)."""
        return self.endpoint.url

    def _flow(self, call: Call) -> Flow:
        """The call flow of a publish, traced when OpenTelemetry is in use."""
        tracer = active_tracer(self._tracer_provider)
        if tracer is None:
            return call_flow(call)
        from ._otel import traced_flow

        return traced_flow(call, tracer)

    @property
    def realtime_url(self) -> str:
        """The WebSocket endpoint (``.../event/realtime``)."""
        return self.endpoint.realtime_url

    def __repr__(self) -> str:
        modes = ", ".join(repr(strategy) for strategy in self.auth)
        return f"{type(self).__name__}(url={self.endpoint.url!r}, auth=[{modes}])"

    # ---- shared steps

    def _strategy(self, auth: AuthArg, channel: str) -> AuthStrategy:
        strategies = auth_strategies(auth, "auth=") if auth is not None else self.auth
        return select_strategy(strategies, None, channel)

    def _batches(self, channel: object, events: Sequence[object]) -> tuple[str, list[_Batch]]:
        path = channel_path(channel)
        if not events:
            raise AppSyncConfigError("publish needs at least one event")
        texts = encode_events(events)
        batches = [
            _Batch(
                publish_body(path, texts[start : start + MAX_EVENTS_PER_PUBLISH]),
                start,
                len(texts[start : start + MAX_EVENTS_PER_PUBLISH]),
            )
            for start in range(0, len(texts), MAX_EVENTS_PER_PUBLISH)
        ]
        return path, batches

    def _call(
        self,
        path: str,
        batch: _Batch,
        strategy: AuthStrategy,
        timeout: Timeout | float | None,
        retry: RetryPolicy | None | UnsetType,
    ) -> Call:
        def parse(response: HttpResponse, name: str | None, scrubber: Scrubber) -> PublishResult:
            return parse_publish_response(response, batch.count, batch.offset, name, scrubber)

        return Call(
            url=self.endpoint.url,
            host=self.endpoint.host,
            region=self.endpoint.region,
            headers=self._headers,
            body=batch.body,
            strategy=strategy,
            timeout=self.timeout if timeout is None else Timeout.coerce(timeout),
            operation_name=path,
            operation_type="mutation",  # a publish is never sent twice
            retry=self.retry if retry is UNSET else retry_policy(retry, "retry="),
            idempotent=False,
            hooks=self.hooks,
            parse=parse,
        )

    def _ws_check(self, strategy: AuthStrategy, batches: Sequence[_Batch]) -> None:
        if strategy.mode is not AuthMode.AWS_IAM:
            return
        for batch in batches:
            if _EVENT_EXTRAS.intersection(batch.body.decode("utf-8")):
                raise AppSyncConfigError(
                    "an event holds '<', '>' or '&', which AppSync is reported to sign "
                    "differently over the WebSocket with IAM (a signature mismatch): "
                    "publish it with via='http'"
                )

    def _ws_timeout(self, timeout: Timeout | float | None) -> float:
        chosen = self.timeout if timeout is None else Timeout.coerce(timeout)
        return chosen.total if chosen.total is not None else chosen.read

    @staticmethod
    def _ws_result(
        answer: Answer, batch: _Batch, path: str, strategy: AuthStrategy, retried: bool
    ) -> PublishResult | None:
        """A WebSocket publish's result, or its typed error raised; None when it was
        refused for credentials the strategy can fix (a refused publish was not
        delivered: it is sent once more, freshly authorized)."""
        from ._connection_failures import may_retry_auth
        from ._realtime_protocol import RequestDone

        if isinstance(answer, RequestDone):
            try:
                return publish_result(
                    answer.message, batch.count, batch.offset, Scrubber(strategy.secret_values)
                )
            except ValueError as exc:
                raise AppSyncResponseError(
                    f"the publish answer is not usable: {exc}", operation_name=path
                ) from None
        error = publish_refused(answer.errors, path)
        if isinstance(error, AppSyncAuthError) and not retried:
            status = 403 if error.error_type == "BadRequestException" else 401
            rejection = AuthRejection(status, error.error_type, error.message, {})
            if may_retry_auth(strategy, rejection):
                return None
        raise error

    @staticmethod
    def _partial(
        done: list[PublishResult], error: AppSyncError, batch: _Batch, total: int, path: str
    ) -> AppSyncError:
        """``error`` as the publish raises it: itself for the first batch, wrapped in
        an :class:`AppSyncPartialPublishError` after earlier batches went out."""
        if not done:
            return error
        published = PublishResult.merge(done)
        failure = AppSyncPartialPublishError(
            f"publishing events {batch.offset} to {total - 1} of {total} failed "
            f"({type(error).__name__}: {error.message}); events 0 to {batch.offset - 1} "
            "went out before (see published)",
            published=published,
            unsent=range(batch.offset, total),
            operation_name=path,
        )
        failure.__cause__ = error
        return failure

    def _publish_plan(
        self,
        channel: object,
        events: Sequence[object],
        via: object,
        auth: AuthArg,
        timeout: Timeout | float | None,
        retry: RetryPolicy | None | UnsetType,
    ) -> Generator[_HttpStep | _WsStep, Any, PublishResult]:
        """One publish, written once for both clients: it yields the I/O to do (an
        HTTP call flow, or a WebSocket request) and receives its result, or has the
        driver's :class:`AppSyncError` thrown in; it returns the merged
        :class:`PublishResult` or raises the typed error."""
        path, batches = self._batches(channel, events)
        strategy = self._strategy(auth, path)
        if via not in ("http", "websocket"):
            raise AppSyncConfigError("via must be 'http' or 'websocket'")
        seconds = 0.0
        if via == "websocket":
            self._ws_check(strategy, batches)
            seconds = self._ws_timeout(timeout)
        done: list[PublishResult] = []
        for batch in batches:
            try:
                if via == "http":
                    call = self._call(path, batch, strategy, timeout, retry)
                    done.append((yield _HttpStep(call)))
                    continue
                result: PublishResult | None = None
                for retried in (False, True):
                    answer: Answer = yield _WsStep(batch.body, strategy, path, seconds)
                    result = self._ws_result(answer, batch, path, strategy, retried)
                    if result is not None:
                        break
                assert result is not None  # _ws_result raises on the second refusal
                done.append(result)
            except AppSyncError as exc:
                failure = self._partial(done, exc, batch, len(events), path)
                if failure is exc:
                    raise
                raise failure from exc
        return PublishResult.merge(done)

    def _subscription(self, channel: object, auth: AuthArg) -> tuple[str, bytes, AuthStrategy]:
        path = channel_path(channel, subscribe=True)
        return path, subscribe_body(path), self._strategy(auth, path)

    def _trace(self, path: str, strategy: AuthStrategy) -> SubscriptionTrace | None:
        """The span of a subscription to ``path``, when OpenTelemetry is in use."""
        tracer = active_tracer(self._tracer_provider)
        if tracer is None:
            return None
        from ._otel import SubscriptionTrace

        attributes = {
            "appsync.channel": path,
            "appsync.auth_mode": mode_name(strategy),
            "server.address": self.endpoint.host,
        }
        return SubscriptionTrace(tracer, f"subscribe {path}", attributes)


class EventsClient(_EventsCore):
    """Blocking client of an AppSync Event API; safe to share across threads.

    ``url`` is the API's HTTP endpoint (``https://<id>.appsync-api.<region>.amazonaws.com/event``
    or a custom domain's ``https://<domain>/event``); ``realtime_url`` overrides the
    derived WebSocket endpoint; ``region`` is needed for IAM on a custom domain.
    ``auth`` is one strategy or several (the first is used). ``retry``,
    ``timeout``, ``hooks``, ``http_client``, ``max_response_bytes``,
    ``user_agent_extra`` and ``tracer_provider`` are as on
    :class:`~appsync_runtime.AppSyncClient`; ``realtime`` the
    :class:`~appsync_runtime.RealtimeOptions` of the WebSocket.
    """

    def __init__(
        self,
        url: str,
        auth: AuthArg = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = None,
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
            region=region,
            realtime_url=realtime_url,
            retry=retry,
            hooks=hooks,
            realtime=realtime,
            user_agent_extra=user_agent_extra,
            tracer_provider=tracer_provider,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise AppSyncConfigError("http_client must be an httpx.Client")
        self._transport = HttpxTransport(
            http_client, max_response_bytes=check_max_response_bytes(max_response_bytes)
        )
        self._realtime_thread: RealtimeThread | None = None
        self._realtime_lock = threading.Lock()

    @property
    def _realtime(self) -> RealtimeThread:
        realtime = self._realtime_thread
        if realtime is None:
            from ._events_ws import EVENTS_WS
            from ._thread_driver import RealtimeThread

            with self._realtime_lock:
                realtime = self._realtime_thread
                if realtime is None:
                    realtime = RealtimeThread(
                        self.endpoint, self._realtime_options, EVENTS_WS, user_agent=self.user_agent
                    )
                    self._realtime_thread = realtime
        return realtime

    def publish(
        self,
        channel: str,
        *events: object,
        via: PublishVia = "http",
        auth: AuthArg = None,
        timeout: Timeout | float | None = None,
        retry: RetryPolicy | None | UnsetType = UNSET,
    ) -> PublishResult:
        """Publish ``events`` (JSON-serializable values or pydantic models) to
        ``channel``, in batches of 5, in order; the :class:`PublishResult` says what
        became of each. A refused request raises a typed error (a later batch's:
        :class:`~appsync_runtime.errors.AppSyncPartialPublishError`). A publish is
        never resent once it may have been delivered."""
        plan = self._publish_plan(channel, events, via, auth, timeout, retry)
        value: Any = None
        error: AppSyncError | None = None
        while True:
            try:
                step = plan.throw(error) if error is not None else plan.send(value)
            except StopIteration as stop:
                result: PublishResult = stop.value
                return result
            error = None
            try:
                if type(step) is _HttpStep:
                    value = drive_sync(self._flow(step.call), self._transport)
                else:
                    assert isinstance(step, _WsStep)
                    value = self._realtime.request(
                        step.body, step.strategy, step.name, step.timeout
                    )
            except AppSyncError as exc:
                error = exc

    @overload
    def subscribe(
        self,
        channel: str,
        model: None = None,
        *,
        on_ready: Callable[[], object] | None = None,
        on_gap: Callable[[SubscriptionGap], object] | None = None,
        auth: AuthArg = None,
    ) -> Iterator[Any]: ...
    @overload
    def subscribe(
        self,
        channel: str,
        model: type[T] | TypeAdapter[T],
        *,
        on_ready: Callable[[], object] | None = None,
        on_gap: Callable[[SubscriptionGap], object] | None = None,
        auth: AuthArg = None,
    ) -> Iterator[T]: ...
    def subscribe(
        self,
        channel: str,
        model: type[Any] | TypeAdapter[Any] | None = None,
        *,
        on_ready: Callable[[], object] | None = None,
        on_gap: Callable[[SubscriptionGap], object] | None = None,
        auth: AuthArg = None,
    ) -> Iterator[Any]:
        """Subscribe to ``channel`` (a final ``/*`` takes every channel below); a
        blocking iterator of each event, decoded from JSON, or validated as ``model``
        (a type or a pydantic ``TypeAdapter``; an event that does not fit raises
        :class:`~appsync_runtime.errors.AppSyncResponseError` and ends the
        subscription). ``on_ready()`` runs once AppSync acknowledged the
        subscription, ``on_gap(gap)`` when events were lost (after a reconnect),
        both in the iterating thread. Leaving the loop unsubscribes."""
        path, body, strategy = self._subscription(channel, auth)
        validate = _event_adapter(model)
        trace = self._trace(path, strategy)
        if trace is None:
            items = self._realtime.subscribe(body, strategy, path, on_ready, on_gap)
            return self._validated(items, validate, model, path)
        from ._otel import traced_events

        items = self._realtime.subscribe(
            body, strategy, path, trace.wrap_ready(on_ready), trace.wrap_gap(on_gap)
        )
        return traced_events(trace, self._validated(items, validate, model, path))

    @staticmethod
    def _validated(
        items: Iterator[Any], validate: Callable[[Any], Any] | None, model: object, path: str
    ) -> Iterator[Any]:
        try:
            for item in items:
                if validate is None:
                    yield item
                    continue
                try:
                    value = validate(item)
                except (ValueError, TypeError, ArithmeticError) as exc:
                    raise _invalid_event(model, exc, path) from None
                yield value
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

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


class AsyncEventsClient(_EventsCore):
    """Asyncio client of an AppSync Event API (aiohttp, or a user's
    ``httpx.AsyncClient``); the arguments are :class:`EventsClient`'s, plus
    ``session`` and ``connection_limit`` as on
    :class:`~appsync_runtime.AsyncAppSyncClient`. Use it in one event loop."""

    def __init__(
        self,
        url: str,
        auth: AuthArg = None,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = None,
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
            region=region,
            realtime_url=realtime_url,
            retry=retry,
            hooks=hooks,
            realtime=realtime,
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
        self._realtime_manager: RealtimeManager | None = None

    @property
    def _realtime(self) -> RealtimeManager:
        realtime = self._realtime_manager
        if realtime is None:
            from ._connection_manager import RealtimeManager
            from ._events_ws import EVENTS_WS

            realtime = self._realtime_manager = RealtimeManager(
                self.endpoint, self._realtime_options, EVENTS_WS, user_agent=self.user_agent
            )
        return realtime

    async def publish(
        self,
        channel: str,
        *events: object,
        via: PublishVia = "http",
        auth: AuthArg = None,
        timeout: Timeout | float | None = None,
        retry: RetryPolicy | None | UnsetType = UNSET,
    ) -> PublishResult:
        """Publish ``events`` to ``channel``: :meth:`EventsClient.publish`, awaited."""
        plan = self._publish_plan(channel, events, via, auth, timeout, retry)
        value: Any = None
        error: AppSyncError | None = None
        while True:
            try:
                step = plan.throw(error) if error is not None else plan.send(value)
            except StopIteration as stop:
                result: PublishResult = stop.value
                return result
            error = None
            try:
                if type(step) is _HttpStep:
                    value = await drive_async(self._flow(step.call), self._transport)
                else:
                    assert isinstance(step, _WsStep)
                    value = await self._realtime.request(
                        step.body, step.strategy, step.name, step.timeout
                    )
            except AppSyncError as exc:
                error = exc

    @overload
    def subscribe(
        self,
        channel: str,
        model: None = None,
        *,
        on_ready: ReadyCallback | None = None,
        on_gap: GapCallback | None = None,
        auth: AuthArg = None,
    ) -> AsyncIterator[Any]: ...
    @overload
    def subscribe(
        self,
        channel: str,
        model: type[T] | TypeAdapter[T],
        *,
        on_ready: ReadyCallback | None = None,
        on_gap: GapCallback | None = None,
        auth: AuthArg = None,
    ) -> AsyncIterator[T]: ...
    def subscribe(
        self,
        channel: str,
        model: type[Any] | TypeAdapter[Any] | None = None,
        *,
        on_ready: ReadyCallback | None = None,
        on_gap: GapCallback | None = None,
        auth: AuthArg = None,
    ) -> AsyncIterator[Any]:
        """Subscribe to ``channel``: :meth:`EventsClient.subscribe` as an async
        iterator; ``on_ready`` and ``on_gap`` may be async."""
        path, body, strategy = self._subscription(channel, auth)
        validate = _event_adapter(model)
        trace = self._trace(path, strategy)
        if trace is not None:
            on_ready, on_gap = trace.wrap_ready(on_ready), trace.wrap_gap(on_gap)
        items: AsyncIterator[Any] = self._realtime.iterate(
            body, strategy, path, on_ready, on_gap, hooks=True
        )
        if validate is not None:
            items = self._validated(items, validate, model, path)
        if trace is None:
            return items
        from ._otel import atraced_events

        return atraced_events(trace, items)

    @staticmethod
    async def _validated(
        items: AsyncIterator[Any], validate: Callable[[Any], Any], model: object, path: str
    ) -> AsyncIterator[Any]:
        try:
            async for item in items:
                try:
                    value = validate(item)
                except (ValueError, TypeError, ArithmeticError) as exc:
                    raise _invalid_event(model, exc, path) from None
                yield value
        finally:
            close = getattr(items, "aclose", None)
            if close is not None:
                await close()

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
