"""OpenTelemetry tracing of calls and subscriptions (the ``[otel]`` extra).

Imported only once a call is traced: when the application has imported
``opentelemetry.trace`` and set a tracer provider, or gave the client one with
``tracer_provider=`` (:func:`~._observe.active_tracer` decides, for the price of a
dictionary lookup when OpenTelemetry is not in use). When traced:

- each call is one span (``"query GetNote"``, kind ``INTERNAL``) with the operation's
  name and type, the auth mode, the number of attempts, the last HTTP status and
  AppSync request id, and ``error.type`` (the error's class) when it failed;
- each attempt is a child span (``"POST"``, kind ``CLIENT``) with its number, status,
  request id and error; the trace context of that attempt goes out in its request's
  headers through the application's configured propagators (W3C ``traceparent`` by
  default; ``OTEL_PROPAGATORS=none`` turns it off). SigV4 never signs ``traceparent``,
  ``tracestate``, ``baggage`` or ``X-Amzn-Trace-Id``, so adding them after signing
  keeps the signature valid;
- each subscription is one span from ``subscribe`` to its end, its lifecycle as
  events: ``start``, ``ack``, ``gap`` (a reconnect or dropped events), ``error``,
  ``stop``.

Span attributes and events hold no secret: names, statuses, request ids (scrubbed
like error messages) and error classes; never headers, variables or bodies.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ._auth import mode_name
from ._flow import AuthStep, Call, SendStep, call_flow
from ._observe import AttemptRecord, CallHooks, run_hook
from ._request import HttpRequest
from ._response import GraphQLResponse, Validated
from .errors import AppSyncError

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

    from ._flow import Flow
    from ._realtime_types import SubscriptionGap

__all__ = [
    "SubscriptionTrace",
    "atraced_events",
    "subscription_trace",
    "traced_events",
    "traced_flow",
]


def subscription_trace(tracer: Tracer, call: Call) -> SubscriptionTrace:
    """The trace of a GraphQL subscription prepared as ``call``."""
    return SubscriptionTrace(
        tracer, span_name("subscription", call.operation_name), _base_attributes(call)
    )


def _base_attributes(call: Call) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "appsync.auth_mode": mode_name(call.strategy),
        "server.address": call.host,
    }
    if call.parse is not None:  # an Event API publish: its name is the channel
        attributes["appsync.channel"] = call.operation_name
        return attributes
    attributes["graphql.operation.type"] = call.operation_type
    if call.operation_name:
        attributes["graphql.operation.name"] = call.operation_name
    return attributes


def _call_span_name(call: Call) -> str:
    if call.parse is not None:  # an Event API publish
        return f"publish {call.operation_name}"
    return span_name(call.operation_type, call.operation_name)


def span_name(operation_type: str, operation_name: str | None) -> str:
    """``"query GetNote"`` (the operation type alone for an anonymous operation)."""
    return f"{operation_type} {operation_name}" if operation_name else operation_type


def _fail(span: Span, error: BaseException) -> None:
    from opentelemetry.trace import Status, StatusCode

    span.set_attribute("error.type", type(error).__name__)
    if isinstance(error, AppSyncError):
        error_type = getattr(error, "error_type", None)
        if isinstance(error_type, str):
            span.set_attribute("appsync.error_type", error_type)
        status = getattr(error, "status", None)
        if isinstance(status, int):
            span.set_attribute("http.response.status_code", status)
        if error.request_id:
            span.set_attribute("appsync.request_id", error.request_id)
        # messages of AppSyncError are scrubbed of the call's secrets already
        span.set_status(Status(StatusCode.ERROR, error.message[:200]))
    else:
        span.set_status(Status(StatusCode.ERROR))


def _context_headers(span: Span) -> dict[str, str]:
    """The headers that carry ``span``'s trace context (the application's
    propagators decide which: W3C ``traceparent`` by default)."""
    from opentelemetry import propagate, trace

    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace.set_span_in_context(span))
    return carrier


def _with_headers(request: HttpRequest, added: Mapping[str, str]) -> HttpRequest:
    """``request`` with ``added`` headers, except those it already names (in any
    case): a user's own ``traceparent`` wins."""
    if not added:
        return request
    present = {name.lower() for name in request.headers}
    extra = {name: value for name, value in added.items() if name.lower() not in present}
    if not extra:
        return request
    return HttpRequest(
        request.method,
        request.url,
        {**request.headers, **extra},
        request.content,
        request.timeout,
        request.deadline,
    )


def traced_flow(call: Call, tracer: Tracer) -> Flow:
    """The call flow of ``call``, traced: the same steps and result. A call the
    sampler leaves out gets no spans of its own, only its trace context sent on."""
    from opentelemetry import trace

    span = tracer.start_span(
        _call_span_name(call),
        kind=trace.SpanKind.INTERNAL,
        attributes=_base_attributes(call),
    )
    if not span.is_recording():
        return _propagated(call_flow(call), _context_headers(span))
    return _recorded(call, tracer, span)


def _propagated(flow: Flow, headers: Mapping[str, str]) -> Flow:
    """``flow`` with ``headers`` added to every request it sends."""
    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                step = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                result: GraphQLResponse | Validated = stop.value
                return result
            error = None
            if type(step) is SendStep:
                step = SendStep(_with_headers(step.request, headers))
            try:
                value = yield step
            except GeneratorExit:
                raise
            except BaseException as exc:  # thrown back into the flow
                error = exc
    finally:
        flow.close()


def _recorded(call: Call, tracer: Tracer, span: Span) -> Flow:
    """The flow of ``call`` with ``span`` for the call and a child per attempt."""
    from opentelemetry import trace

    parent = trace.set_span_in_context(span)
    current: list[Span] = []  # the open attempt's span, for the hooks
    user = call.hooks

    def on_response(record: AttemptRecord) -> None:
        # the flow's record: its request id scrubbed of the call's secrets already
        if current and record.status is not None:
            for target in (current[0], span):
                target.set_attribute("http.response.status_code", record.status)
                if record.request_id:
                    target.set_attribute("appsync.request_id", record.request_id)
        if user is not None and user.on_response is not None:
            run_hook(user.on_response, record)

    def on_error(record: AttemptRecord) -> None:
        if current and record.error is not None:
            _fail(current[0], record.error)
            current[0].set_attribute("appsync.will_retry", record.will_retry)
        if user is not None and user.on_error is not None:
            run_hook(user.on_error, record)

    # a Call is made for one call: the flow sees the tracing hooks in front of the user's
    call.hooks = CallHooks(
        on_request=None if user is None else user.on_request,
        on_response=on_response,
        on_error=on_error,
    )
    flow = call_flow(call)
    attempt_span: Span | None = None
    attempts = 0
    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                step = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration as stop:
                span.set_attribute("appsync.attempts", attempts)
                result: GraphQLResponse | Validated = stop.value
                return result
            except BaseException as exc:
                span.set_attribute("appsync.attempts", max(attempts, 1))
                if attempt_span is not None:
                    _fail(attempt_span, exc)
                _fail(span, exc)
                raise
            error = None
            if type(step) is AuthStep:
                if attempt_span is not None:  # the previous attempt failed: a retry
                    attempt_span.end()
                attempts += 1
                attempt_span = tracer.start_span(
                    "POST",
                    context=parent,
                    kind=trace.SpanKind.CLIENT,
                    attributes={"appsync.attempt": attempts, "http.request.method": "POST"},
                )
                current[:] = [attempt_span]
            try:
                if type(step) is SendStep and attempt_span is not None:
                    step = SendStep(_with_headers(step.request, _context_headers(attempt_span)))
                    value = yield from _current_while_sent(step, attempt_span)
                else:
                    value = yield step
            except GeneratorExit:
                raise
            except BaseException as exc:  # thrown back into the flow
                error = exc
    finally:
        flow.close()
        if attempt_span is not None:
            attempt_span.end()
        span.end()


def _current_while_sent(step: SendStep, span: Span) -> Generator[SendStep, Any, Any]:
    """Yield ``step`` with ``span`` current (spans of an HTTP instrumentation nest
    under it). Closed from elsewhere (a cancelled task's flow collected later, in
    another context), the context is detached only where it was attached: resetting
    it in another raises, and OpenTelemetry logs that as an error."""
    from opentelemetry import context, trace

    token = context.attach(trace.set_span_in_context(span))
    try:
        value = yield step
    except GeneratorExit:
        if trace.get_current_span() is span:
            context.detach(token)
        raise
    except BaseException:
        context.detach(token)
        raise
    context.detach(token)
    return value


class SubscriptionTrace:
    """The span of one subscription; its lifecycle as events (see the module doc)."""

    __slots__ = ("_ended", "_span")

    def __init__(self, tracer: Tracer, name: str, attributes: Mapping[str, Any]) -> None:
        from opentelemetry import trace

        self._span = tracer.start_span(name, kind=trace.SpanKind.CLIENT, attributes=attributes)
        self._span.add_event("start")
        self._ended = False

    def ack(self) -> None:
        """AppSync acknowledged the subscription."""
        self._span.add_event("ack")

    def gap(self, gap: SubscriptionGap) -> None:
        """A reconnect (or dropped events) lost what was published meanwhile."""
        attributes: dict[str, Any] = {"appsync.gap.reason": gap.reason}
        if gap.dropped:
            attributes["appsync.gap.dropped"] = gap.dropped
        self._span.add_event("gap", attributes)

    def error(self, error: BaseException) -> None:
        """The subscription ended with ``error``."""
        self._span.add_event("error", {"error.type": type(error).__name__})
        _fail(self._span, error)
        self.stop()

    def stop(self) -> None:
        """The subscription ended (its consumer left, or the server completed it)."""
        if not self._ended:
            self._ended = True
            self._span.add_event("stop")
            self._span.end()

    def wrap_ready(self, on_ready: Callable[[], Any] | None) -> Callable[[], Any]:
        """``on_ready`` that also records the ``ack`` event."""

        def ready() -> Any:
            self.ack()
            return None if on_ready is None else on_ready()

        return ready

    def wrap_gap(
        self, on_gap: Callable[[SubscriptionGap], Any] | None
    ) -> Callable[[SubscriptionGap], Any]:
        """``on_gap`` that also records the ``gap`` event."""

        def gapped(gap: SubscriptionGap) -> Any:
            self.gap(gap)
            return None if on_gap is None else on_gap(gap)

        return gapped


def traced_events(trace: SubscriptionTrace, events: Iterator[Any]) -> Generator[Any, None, None]:
    """``events`` (a blocking subscription's iterator), its end recorded."""
    try:
        yield from events
    except Exception as exc:
        trace.error(exc)
        raise
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()
        trace.stop()


async def atraced_events(
    trace: SubscriptionTrace, events: AsyncIterator[Any]
) -> AsyncGenerator[Any, None]:
    """``events`` (an async subscription's iterator), its end recorded."""
    try:
        async for item in events:
            yield item
    except Exception as exc:
        trace.error(exc)
        raise
    finally:
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()
        trace.stop()
