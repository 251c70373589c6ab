"""OpenTelemetry: spans per call and attempt, subscription lifecycle events, trace
context that leaves SigV4 signatures valid, and nothing when OpenTelemetry is unused."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanContext, SpanKind, StatusCode

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncGraphQLError,
    AppSyncHTTPError,
    AsyncAppSyncClient,
    Credentials,
    IAMAuth,
    RetryPolicy,
)
from appsync_runtime._observe import active_tracer
from tests.support.fake_appsync import FakeAppSync, Reply
from tests.support.fake_realtime import FAST, SUBSCRIPTION, FakeRealtime
from tests.support.secret_scan import SecretScan
from tests.support.sigv4_check import KeyInfo, SigV4Check

API_KEY = "da2-otelsecretkey0000000000000"
QUERY = "query GetNote { getNote { id } }"
OK = Reply(200, {"data": {"getNote": {"id": "1"}}}, {"x-amzn-RequestId": "req-1"})
FAST_RETRY = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.002, wait_jitter=0.0)


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@pytest.fixture
def fake() -> Iterator[FakeAppSync]:
    with FakeAppSync() as server:
        yield server


def _ctx(span: ReadableSpan) -> SpanContext:
    context = span.context
    assert context is not None
    return context


def _by_name(spans: tuple[ReadableSpan, ...], name: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name == name]


def _all_text(spans: tuple[ReadableSpan, ...]) -> list[str]:
    texts: list[str] = []
    for span in spans:
        texts.append(span.name)
        texts.append(json.dumps(dict(span.attributes or {}), default=str))
        texts.append(str(span.status.description))
        for event in span.events:
            texts.append(event.name + json.dumps(dict(event.attributes or {}), default=str))
    return texts


def test_a_call_is_one_span_with_one_child_per_attempt(
    fake: FakeAppSync, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fake.reply(Reply(500, {"errors": [{"message": "boom"}]}, {"x-amzn-RequestId": "req-0"}), OK)
    with AppSyncClient(
        fake.url, auth=ApiKeyAuth(API_KEY), tracer_provider=provider, retry=FAST_RETRY
    ) as client:
        client.execute(QUERY, "GetNote")
    spans = exporter.get_finished_spans()
    (call,) = _by_name(spans, "query GetNote")
    attempts = sorted(_by_name(spans, "POST"), key=lambda s: s.start_time or 0)
    assert len(attempts) == 2
    assert call.kind is SpanKind.INTERNAL
    attributes = dict(call.attributes or {})
    assert attributes["graphql.operation.name"] == "GetNote"
    assert attributes["graphql.operation.type"] == "query"
    assert attributes["appsync.auth_mode"] == "API_KEY"
    assert attributes["appsync.attempts"] == 2
    assert attributes["appsync.request_id"] == "req-1"
    assert attributes["http.response.status_code"] == 200
    assert call.status.status_code is StatusCode.UNSET
    for number, span in enumerate(attempts, 1):
        assert span.kind is SpanKind.CLIENT
        assert span.parent is not None and span.parent.span_id == _ctx(call).span_id
        assert _ctx(span).trace_id == _ctx(call).trace_id
        assert (span.attributes or {})["appsync.attempt"] == number
    first, second = (dict(span.attributes or {}) for span in attempts)
    assert first["http.response.status_code"] == 500
    assert first["error.type"] == "AppSyncHTTPError"
    assert attempts[0].status.status_code is StatusCode.ERROR
    assert second["http.response.status_code"] == 200 and "error.type" not in second
    # each attempt's request carried its own span's trace context
    for received, span in zip(fake.received, attempts, strict=True):
        context = _ctx(span)
        trace_id, span_id = format(context.trace_id, "032x"), format(context.span_id, "016x")
        flags = format(context.trace_flags, "02x")
        assert received.headers["traceparent"] == f"00-{trace_id}-{span_id}-{flags}"
    assert not SecretScan([API_KEY]).find(_all_text(spans))


def test_a_failed_call_records_the_error_type_on_the_call_span(
    fake: FakeAppSync, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fake.reply(
        Reply(200, {"data": None, "errors": [{"message": "no", "errorType": "Unauthorized"}]})
    )
    client = AppSyncClient(fake.url, auth=ApiKeyAuth(API_KEY), tracer_provider=provider)
    with client, pytest.raises(AppSyncGraphQLError):
        client.execute(QUERY, "GetNote")
    (call,) = _by_name(exporter.get_finished_spans(), "query GetNote")
    attributes = dict(call.attributes or {})
    assert attributes["error.type"] == "AppSyncGraphQLError"
    assert attributes["appsync.error_type"] == "Unauthorized"
    assert attributes["appsync.attempts"] == 1
    assert call.status.status_code is StatusCode.ERROR


async def test_the_async_client_traces_alike_inside_the_callers_span(
    fake: FakeAppSync, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fake.reply(OK, Reply(403, {"errors": [{"errorType": "UnauthorizedException"}]}))
    tracer = provider.get_tracer("app")
    async with AsyncAppSyncClient(
        fake.url, auth=ApiKeyAuth(API_KEY), tracer_provider=provider
    ) as client:
        with tracer.start_as_current_span("handler") as handler:
            await client.execute(QUERY, "GetNote")
            with pytest.raises(AppSyncHTTPError):
                await client.execute("mutation M { m }", "M")
    spans = exporter.get_finished_spans()
    (query,) = _by_name(spans, "query GetNote")
    (mutation,) = _by_name(spans, "mutation M")
    for span in (query, mutation):
        assert span.parent is not None and span.parent.span_id == handler.get_span_context().span_id
    assert (mutation.attributes or {})["http.response.status_code"] == 403
    assert (mutation.attributes or {})["error.type"] == "AppSyncAuthError"
    assert len(_by_name(spans, "POST")) == 2


def test_trace_context_and_user_agent_leave_the_sigv4_signature_valid(
    provider: TracerProvider,
) -> None:
    """The signer leaves traceparent, tracestate, X-Amzn-Trace-Id and User-Agent
    unsigned: an independent verifier (botocore) accepts the request, and still
    accepts it after a proxy rewrote those headers."""
    secret, token = "otel-secret-key-0000000000", "otel-token-0000000000"
    check = SigV4Check(keys={"AKIDOTEL": KeyInfo(secret, token)})
    with FakeAppSync() as fake:
        fake.handler = check.handler()
        auth = IAMAuth(Credentials("AKIDOTEL", secret, token))
        with AppSyncClient(
            fake.url,
            auth=auth,
            region="us-east-1",
            tracer_provider=provider,
            headers={"X-Amzn-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793"},
        ) as client:
            client.execute(QUERY, "GetNote")
        (received,) = fake.received
    assert check.accepted == 1, check.rejected
    signed = received.headers["authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert "traceparent" in received.headers and "user-agent" in received.headers
    for unsigned in ("traceparent", "tracestate", "x-amzn-trace-id", "user-agent"):
        assert unsigned not in signed.split(";")
    rewritten = replace(
        received,
        headers={
            **{
                name: value
                for name, value in received.headers.items()
                if name.lower() not in ("traceparent", "user-agent", "x-amzn-trace-id")
            },
            "traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01",
            "user-agent": "corporate-proxy/1.0",
            "x-amzn-trace-id": "Root=1-00000000-000000000000000000000000",
        },
    )
    assert check(rewritten) is None, check.rejected
    tampered = replace(received, body=received.body + b" ")
    assert check(tampered) is not None  # the check itself can fail


def test_nothing_is_traced_without_a_tracer_provider(fake: FakeAppSync) -> None:
    # OpenTelemetry is imported in this process, but no global provider is set
    assert active_tracer(None) is None
    with AppSyncClient(fake.url, auth=ApiKeyAuth(API_KEY)) as client:
        client.execute(QUERY, "GetNote")
    assert "traceparent" not in fake.received[0].headers


def test_the_runtime_never_imports_opentelemetry_itself(fake: FakeAppSync) -> None:
    script = (
        "import sys\n"
        "from appsync_runtime import ApiKeyAuth, AppSyncClient\n"
        f"with AppSyncClient({fake.url!r}, auth=ApiKeyAuth('da2-x')) as c:\n"
        "    c.execute('query Q { a }')\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
    assert len(fake.received) == 1


@pytest.fixture
def rt() -> Iterator[FakeRealtime]:
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=0.05) as server:
        yield server
        assert server.violations == []


async def test_a_subscription_span_records_its_lifecycle(
    rt: FakeRealtime, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async with AsyncAppSyncClient(
        rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST, tracer_provider=provider
    ) as client:
        ready = asyncio.Event()
        gaps: list[object] = []
        items: list[object] = []

        async def consume() -> None:
            async for item in client.subscribe(
                SUBSCRIPTION, "OnNote", on_ready=ready.set, on_gap=gaps.append
            ):
                items.append(item)
                if len(items) == 2:
                    return

        task = asyncio.create_task(consume())
        await asyncio.wait_for(ready.wait(), 5)
        rt.publish({"onNote": {"id": "1", "title": "a"}})
        await rt.wait_for(lambda: len(items) == 1)
        rt.drop()
        await rt.wait_for(lambda: len(gaps) == 1)
        rt.publish({"onNote": {"id": "2", "title": "b"}})
        await asyncio.wait_for(task, 5)
    (span,) = _by_name(exporter.get_finished_spans(), "subscription OnNote")
    names = [event.name for event in span.events]
    assert names == ["start", "ack", "gap", "stop"], names
    assert (span.events[2].attributes or {})["appsync.gap.reason"]
    assert span.status.status_code is StatusCode.UNSET


def test_a_blocking_subscription_that_fails_records_the_error(
    rt: FakeRealtime, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    rt.start_errors = lambda sub: [{"errorType": "Unauthorized", "message": "no"}]
    with (
        AppSyncClient(
            rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST, tracer_provider=provider
        ) as client,
        pytest.raises(Exception) as caught,
    ):
        for _ in client.subscribe(SUBSCRIPTION, "OnNote"):
            pass
    (span,) = _by_name(exporter.get_finished_spans(), "subscription OnNote")
    names = [event.name for event in span.events]
    assert names == ["start", "error", "stop"], names
    assert (span.attributes or {})["error.type"] == type(caught.value).__name__
    assert span.status.status_code is StatusCode.ERROR
    assert not SecretScan([rt.api_key]).find(_all_text((span,)))


def test_the_global_tracer_provider_is_used_once_set(fake: FakeAppSync) -> None:
    """In a fresh interpreter (a global provider can be set once per process): calls
    before ``set_tracer_provider`` are not traced, calls after it are."""
    script = (
        "from opentelemetry import trace\n"
        "from opentelemetry.sdk.trace import TracerProvider\n"
        "from opentelemetry.sdk.trace.export import SimpleSpanProcessor\n"
        "from opentelemetry.sdk.trace.export.in_memory_span_exporter import "
        "InMemorySpanExporter\n"
        "from appsync_runtime import ApiKeyAuth, AppSyncClient\n"
        f"client = AppSyncClient({fake.url!r}, auth=ApiKeyAuth('da2-x'))\n"
        "client.execute('query Before { a }', 'Before')\n"
        "exporter = InMemorySpanExporter()\n"
        "provider = TracerProvider()\n"
        "provider.add_span_processor(SimpleSpanProcessor(exporter))\n"
        "trace.set_tracer_provider(provider)\n"
        "client.execute('query After { a }', 'After')\n"
        "print(sorted(span.name for span in exporter.get_finished_spans()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "['POST', 'query After']"
    assert "traceparent" not in fake.received[0].headers
    assert "traceparent" in fake.received[1].headers


def test_a_call_the_sampler_leaves_out_sends_its_context_only(fake: FakeAppSync) -> None:
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=ALWAYS_OFF)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with AppSyncClient(fake.url, auth=ApiKeyAuth(API_KEY), tracer_provider=provider) as client:
        client.execute(QUERY, "GetNote")
    assert exporter.get_finished_spans() == ()
    flags = fake.received[0].headers["traceparent"].rsplit("-", 1)[1]
    assert int(flags, 16) & 1 == 0  # "not sampled", passed on to what comes next


async def test_event_api_publishes_and_subscriptions_are_traced(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    from appsync_runtime import AsyncEventsClient, EventsClient
    from tests.support.fake_events import FakeEvents

    with FakeEvents(ka_interval=0.1) as ev:
        async with AsyncEventsClient(
            ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST, tracer_provider=provider
        ) as client:
            ready = asyncio.Event()

            async def consume() -> list[object]:
                async for item in client.subscribe("/default/a", on_ready=ready.set):
                    return [item]
                return []

            task = asyncio.create_task(consume())
            await asyncio.wait_for(ready.wait(), 5)
            await client.publish("/default/a", {"n": 1})
            assert await asyncio.wait_for(task, 5) == [{"n": 1}]
        with EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), tracer_provider=provider) as sync:
            sync.publish("/default/a", {"n": 2})
        assert "traceparent" in ev.http_publishes[0].headers
        assert ev.violations == []
    spans = exporter.get_finished_spans()
    (subscription,) = _by_name(spans, "subscribe /default/a")
    assert [event.name for event in subscription.events] == ["start", "ack", "stop"]
    assert (subscription.attributes or {})["appsync.channel"] == "/default/a"
    publishes = _by_name(spans, "publish /default/a")
    assert len(publishes) == 2
    for span in publishes:
        assert (span.attributes or {})["appsync.channel"] == "/default/a"
        children = [s for s in spans if s.parent and s.parent.span_id == _ctx(span).span_id]
        assert [child.name for child in children] == ["POST"]
    assert not SecretScan([ev.api_key]).find(_all_text(spans))


async def test_a_cancelled_call_ends_its_spans_and_leaves_the_context_clean(
    fake: FakeAppSync,
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from opentelemetry import trace

    fake.reply(Reply(200, {"data": {"a": 1}}, delay=2.0))
    before = trace.get_current_span()
    async with AsyncAppSyncClient(
        fake.url, auth=ApiKeyAuth(API_KEY), tracer_provider=provider
    ) as client:
        task = asyncio.create_task(client.execute(QUERY, "GetNote"))
        # cancel once the request is at the server (the attempt's span is open then),
        # however long a loaded machine takes to get there
        for _ in range(400):
            if fake.received:
                break
            await asyncio.sleep(0.025)
        assert fake.received, "the request never reached the fake"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert trace.get_current_span() is before
    names = sorted(span.name for span in exporter.get_finished_spans())
    assert names == ["POST", "query GetNote"]
    assert not [r for r in caplog.records if "detach" in r.getMessage().lower()]


def test_without_the_extra_installed_calls_work_as_before(fake: FakeAppSync) -> None:
    """OpenTelemetry made unimportable (the ``[otel]`` extra absent): calls run, and
    nothing tries to import it."""
    script = (
        "import sys\n"
        "class NoOtel:\n"
        "    tried = []\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'opentelemetry':\n"
        "            NoOtel.tried.append(name)\n"
        "            raise ImportError(name)\n"
        "        return None\n"
        "sys.meta_path.insert(0, NoOtel())\n"
        "from appsync_runtime import ApiKeyAuth, AppSyncClient\n"
        f"with AppSyncClient({fake.url!r}, auth=ApiKeyAuth('da2-x')) as c:\n"
        "    print(c.execute('query Q { a }', 'Q').data)\n"
        "print(NoOtel.tried)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split("\n")[:2] == ["{'ok': True}", "[]"]
