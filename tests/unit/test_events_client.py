"""EventsClient and AsyncEventsClient against the strict local Events fake: publish
over HTTP and the WebSocket, subscribe, every auth mode (IAM checked with botocore),
batches, partial failures, errors, reconnects, gaps, limits."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncConfigError,
    AppSyncError,
    AppSyncGraphQLError,
    AppSyncPartialPublishError,
    AppSyncResponseError,
    AppSyncSubscriptionError,
    AsyncEventsClient,
    AuthStrategy,
    CognitoUserPoolsAuth,
    Credentials,
    EventsClient,
    IAMAuth,
    LambdaAuth,
    OIDCAuth,
    RealtimeOptions,
    RefreshingCredentials,
    SubscriptionGap,
)
from appsync_runtime._credentials import CallableProvider
from tests.support.examples import examples
from tests.support.fake_events import DROP, Fail, FakeEvents
from tests.support.fake_realtime import FAST
from tests.support.secret_scan import SecretScan
from tests.support.sigv4_check import KeyInfo

AKID, SECRET, TOKEN = "AKIDEVENTSTEST000001", "eventsSecretKey/0123456789abcdefghijkl", "tok" * 30
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldmVudHMifQ.c2lnbmF0dXJlc2lnbmF0dXJl"


def _iam() -> IAMAuth:
    return IAMAuth(Credentials(AKID, SECRET, TOKEN), region="us-east-1")


MODES: dict[str, Callable[[], AuthStrategy]] = {
    "api_key": lambda: ApiKeyAuth("da2-fakeeventskey0000000000000"),
    "cognito": lambda: CognitoUserPoolsAuth(JWT),
    "oidc": lambda: OIDCAuth(lambda: JWT),
    "lambda": lambda: LambdaAuth(lambda: "custom-lambda-token-1"),
    "iam": _iam,
}


def fake(**kwargs: Any) -> FakeEvents:
    kwargs.setdefault("ka_interval", 0.1)
    return FakeEvents(
        tokens=(JWT, "custom-lambda-token-1"),
        iam_keys={AKID: KeyInfo(SECRET, TOKEN)},
        **kwargs,
    )


@dataclass
class Sub:
    """An async subscription running in a task, and what it saw."""

    items: list[Any] = field(default_factory=list)
    gaps: list[SubscriptionGap] = field(default_factory=list)
    error: BaseException | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_items(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.items) < count:
            if self.done.is_set() or time.monotonic() > deadline:
                raise AssertionError(f"{len(self.items)} of {count} events; error {self.error!r}")
            await asyncio.sleep(0.005)


def start(client: AsyncEventsClient, channel: str, model: Any = None, **kwargs: Any) -> Sub:
    sub = Sub()

    async def run() -> None:
        try:
            async for item in client.subscribe(
                channel, model, on_ready=sub.ready.set, on_gap=sub.gaps.append, **kwargs
            ):
                sub.items.append(item)
        except Exception as exc:
            sub.error = exc
        finally:
            sub.done.set()

    asyncio.get_running_loop().create_task(run())
    return sub


# --------------------------------------------------------------------------- HTTP publish


@pytest.mark.parametrize("mode", sorted(MODES))
async def test_async_http_publish_in_every_auth_mode(mode: str) -> None:
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=MODES[mode](), region="us-east-1") as client:
            result = await client.publish("default/chat", {"n": 1}, "two", [3])
        assert result.ok and [e.index for e in result.successful] == [0, 1, 2]
        [request] = ev.http_publishes
        assert request.json() == {"channel": "/default/chat", "events": ['{"n":1}', '"two"', "[3]"]}
        assert ev.violations == []
        if mode == "iam":
            assert ev.iam.accepted == 1


@pytest.mark.parametrize("mode", sorted(MODES))
def test_sync_http_publish_in_every_auth_mode(mode: str) -> None:
    with fake() as ev, EventsClient(ev.url, auth=MODES[mode](), region="us-east-1") as client:
        result = client.publish("/default/x", {"é": "</>"})
        assert result.ok
        assert ev.violations == []


async def test_more_than_five_events_go_in_batches_of_five_in_order() -> None:
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key)) as client:
            result = await client.publish("/default/a", *range(12))
        assert [len(r.json()["events"]) for r in ev.http_publishes] == [5, 5, 2]
        sent = [int(e) for r in ev.http_publishes for e in r.json()["events"]]
        assert sent == list(range(12))
        assert [e.index for e in result.successful] == list(range(12))
        assert ev.violations == []


def test_partial_failures_are_reported_per_event_across_batches() -> None:
    def verdicts(channel: str, values: list[Any]) -> list[Any]:
        return [Fail(f"odd {v}") if v % 2 else (DROP if v == 6 else v) for v in values]

    with fake() as ev, EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key)) as client:
        ev.on_publish = verdicts
        result = client.publish("/default/a", *range(8))
    assert [e.index for e in result.successful] == [0, 2, 4]
    assert [(e.index, e.message, e.code) for e in result.failed] == [
        (1, "odd 1", 400),
        (3, "odd 3", 400),
        (5, "odd 5", 400),
        (7, "odd 7", 400),
    ]
    assert result.unacknowledged == (6,)
    assert not result.ok


def test_whole_request_failures_are_typed_errors() -> None:
    with fake() as ev, EventsClient(ev.url, auth=ApiKeyAuth("da2-wrongkey0000000000000000")) as c:
        with pytest.raises(AppSyncAuthError) as raised:
            c.publish("/default/a", 1)
        assert raised.value.status == 401
        assert raised.value.error_type == "UnauthorizedException"
        assert raised.value.attempts == 1  # a publish is not resent
        assert "da2-wrongkey" not in str(raised.value)
    with fake() as ev, EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key)) as client:
        with pytest.raises(AppSyncAuthError) as unknown:
            client.publish("/nowhere/a", 1)
        assert unknown.value.error_type == "UnauthorizedException"
        assert len(ev.http_publishes) == 1


def test_a_later_batch_failing_says_which_events_were_published() -> None:
    tokens = iter(["custom-lambda-token-1", "custom-lambda-token-1", "expired-token"])
    with (
        fake() as ev,
        EventsClient(ev.url, auth=LambdaAuth(lambda: next(tokens))) as client,
        pytest.raises(AppSyncPartialPublishError) as raised,
    ):
        client.publish("/default/a", *range(13))
    error = raised.value
    assert [e.index for e in error.published.successful] == list(range(10))
    assert error.unsent == (10, 11, 12)
    assert isinstance(error.error, AppSyncAuthError) and error.__cause__ is error.error


@pytest.mark.parametrize(
    ("channel", "events", "rule"),
    [
        ("/default/*", (1,), "only for subscribing"),
        ("/default/a b", (1,), "[A-Za-z0-9-]"),
        ("/default/a", (float("nan"),), "events[0]"),
        ("/default/a", (), "at least one event"),
    ],
)
def test_bad_channels_and_payloads_send_nothing(channel: str, events: Any, rule: str) -> None:
    with fake() as ev, EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key)) as client:
        with pytest.raises(AppSyncConfigError) as raised:
            client.publish(channel, *events)
        with pytest.raises(AppSyncConfigError):
            client.publish(channel, *events, via="websocket")
        assert rule in str(raised.value)
        assert ev.http_publishes == [] and ev.connections == []


def test_the_query_connect_form_is_refused() -> None:
    with pytest.raises(AppSyncConfigError, match="connect_form"):
        EventsClient("http://127.0.0.1:9/event", realtime=RealtimeOptions(connect_form="query"))


# --------------------------------------------------------------------------- subscribe


@pytest.mark.parametrize("mode", sorted(MODES))
async def test_subscribe_and_publish_over_the_websocket_in_every_auth_mode(mode: str) -> None:
    with fake() as ev:
        async with AsyncEventsClient(
            ev.url, auth=MODES[mode](), region="us-east-1", realtime=FAST
        ) as client:
            sub = start(client, "/default/*")
            await asyncio.wait_for(sub.ready.wait(), 5)
            result = await client.publish("/default/a/b", {"x": 1}, "y", via="websocket")
            assert result.ok and len(result.successful) == 2
            await sub.wait_items(2)
        assert sorted(map(str, sub.items)) == ["y", "{'x': 1}"]
        [conn] = ev.connections
        assert conn.form == "subprotocol" and conn.protocols[0] == "aws-appsync-event-ws"
        assert conn.auth is not None and conn.auth["host"] == ev.host
        assert ev.violations == []
        if mode == "iam":
            assert ev.iam.accepted == 3  # connect, subscribe, publish: each signed


async def test_wildcards_and_exact_channels_get_what_they_match() -> None:
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            everything, exact = start(c, "/default/*"), start(c, "default/a")
            await asyncio.wait_for(asyncio.gather(everything.ready.wait(), exact.ready.wait()), 5)
            ev.publish("/default/a", 1)
            ev.publish("/default/b/c", 2)
            await everything.wait_items(2)
            await exact.wait_items(1)
            assert everything.items == [1, 2] and exact.items == [1]
            assert len(ev.connections) == 1  # multiplexed
        assert ev.violations == []


async def test_events_are_validated_into_a_model_or_type_adapter() -> None:
    class Message(BaseModel):
        text: str

    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            typed = start(c, "/default/m", Message)
            ints = start(c, "/default/n", TypeAdapter(list[int]))
            await asyncio.wait_for(asyncio.gather(typed.ready.wait(), ints.ready.wait()), 5)
            ev.publish("/default/m", {"text": "hi"})
            ev.publish("/default/n", [1, 2])
            await typed.wait_items(1)
            await ints.wait_items(1)
            assert typed.items == [Message(text="hi")] and ints.items == [[1, 2]]
            ev.publish("/default/m", {"wrong": 1})
            await asyncio.wait_for(typed.done.wait(), 5)
            assert isinstance(typed.error, AppSyncResponseError)
            assert "Message" in str(typed.error) and "text" in str(typed.error)
            await ev.wait_for(lambda: len(ev.active_subscriptions) == 1, what="unsubscribe")
        assert ev.violations == []


async def test_an_event_that_is_not_json_ends_only_its_subscription() -> None:
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            bad, good = start(c, "/default/a"), start(c, "/default/b")
            await asyncio.wait_for(asyncio.gather(bad.ready.wait(), good.ready.wait()), 5)
            [sub_a] = [s for s in ev.active_subscriptions if s.channel == "/default/a"]
            ev.send_raw(json.dumps({"type": "data", "id": sub_a.id, "event": "{not json"}))
            await asyncio.wait_for(bad.done.wait(), 5)
            assert isinstance(bad.error, AppSyncResponseError)
            ev.publish("/default/b", 1)
            await good.wait_items(1)


async def test_a_refused_subscription_fails_alone() -> None:
    with fake() as ev:
        ev.subscribe_errors = lambda sub: (
            [{"errorType": "Unauthorized", "message": "not yours"}]
            if sub.channel.endswith("private")
            else None
        )
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            refused, fine = start(c, "/default/private"), start(c, "/default/public")
            await asyncio.wait_for(refused.done.wait(), 5)
            error = refused.error
            assert isinstance(error, AppSyncSubscriptionError) and not error.connection_wide
            assert error.error_type == "Unauthorized" and error.operation_name == "/default/private"
            await asyncio.wait_for(fine.ready.wait(), 5)
            ev.publish("/default/public", "still here")
            await fine.wait_items(1)
            assert len(ev.connections) == 1


async def test_past_the_per_connection_limit_a_new_connection_opens() -> None:
    options = RealtimeOptions(
        max_subscriptions_per_connection=2,
        backoff_initial=0.01,
        backoff_max=0.05,
        close_timeout=0.5,
    )
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=options) as c:
            subs = [start(c, f"/default/c{n}") for n in range(5)]
            await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in subs)), 5)
            assert len(ev.connections) == 3
            assert sorted(len(conn.active) for conn in ev.connections) == [1, 2, 2]


async def test_a_dropped_connection_resubscribes_with_fresh_auth_and_reports_the_gap() -> None:
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=_iam(), region="us-east-1", realtime=FAST) as c:
            sub = start(c, "/default/*")
            await asyncio.wait_for(sub.ready.wait(), 5)
            ev.publish("/default/a", "before")
            await sub.wait_items(1)
            ev.drop()
            await ev.wait_for(lambda: len(sub.gaps) == 1, what="the gap")
            ev.publish("/default/a", "after")
            await sub.wait_items(2)
        assert sub.items == ["before", "after"]
        assert sub.gaps[0].operation_name == "/default/*" and sub.gaps[0].dropped is None
        first, second = ev.connections
        assert len(first.subscriptions) == len(second.subscriptions) == 1
        dates = [
            next(iter(conn.subscriptions.values())).authorization["X-Amz-Date"]
            for conn in ev.connections
        ]
        assert all(dates) and ev.iam.accepted == 4
        assert ev.violations == []


async def test_silence_past_the_keepalive_timeout_reconnects() -> None:
    with fake(connection_timeout_ms=1000, ka_interval=0.05) as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            sub = start(c, "/default/a")
            await asyncio.wait_for(sub.ready.wait(), 5)
            ev.silence()
            await ev.wait_for(lambda: len(sub.gaps) == 1, timeout=5, what="gap")
            assert "keep-alive" in sub.gaps[0].reason and len(ev.connections) == 2


async def test_a_broadcast_error_is_a_gap_and_the_subscription_goes_on() -> None:
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            sub = start(c, "/default/a")
            await asyncio.wait_for(sub.ready.wait(), 5)
            ev.broadcast_error(ev.active_subscriptions[0].id)
            await ev.wait_for(lambda: sub.gaps, what="gap")
            assert "MessageProcessingError" in sub.gaps[0].reason
            ev.publish("/default/a", 1)
            await sub.wait_items(1)


async def test_expired_credentials_between_reconnects_are_refreshed() -> None:
    loads: list[str] = []
    expires = time.time() + 2.0

    def provide() -> Credentials:
        if not loads:
            loads.append("A")
            return Credentials(
                "AKIDEVENTSOLD0000001",
                "oldSecret",
                expiration=datetime.fromtimestamp(expires, timezone.utc),
            )
        loads.append("B")
        return Credentials(AKID, SECRET, TOKEN, datetime.now(timezone.utc) + timedelta(hours=1))

    credentials = RefreshingCredentials(CallableProvider(provide), advisory=1.0, mandatory=0.5)
    auth = IAMAuth(credentials, region="us-east-1")
    keys = {
        AKID: KeyInfo(SECRET, TOKEN),
        "AKIDEVENTSOLD0000001": KeyInfo("oldSecret", expires_at=expires),
    }
    with FakeEvents(iam_keys=keys, ka_interval=0.1) as ev:
        async with AsyncEventsClient(ev.url, auth=auth, region="us-east-1", realtime=FAST) as c:
            sub = start(c, "/default/a")
            await asyncio.wait_for(sub.ready.wait(), 5)
            await asyncio.sleep(max(0.0, expires - time.time()) + 0.2)
            ev.drop()
            await ev.wait_for(lambda: len(sub.gaps) == 1, what="resubscribed", timeout=8)
            ev.publish("/default/a", "fresh")
            await sub.wait_items(1)
        assert loads == ["A", "B"]
        assert ev.iam.signed_with_expired == 0  # refreshed before it was used
        assert ev.violations == []


async def test_a_refused_reconnect_ends_the_subscriptions_with_an_auth_error() -> None:
    tokens = ["custom-lambda-token-1"]

    def token() -> str:
        return tokens[-1]

    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=LambdaAuth(token), realtime=FAST) as c:
            sub = start(c, "/default/a")
            await asyncio.wait_for(sub.ready.wait(), 5)
            tokens.append("revoked-token")
            ev.drop()
            await asyncio.wait_for(sub.done.wait(), 5)
        assert isinstance(sub.error, AppSyncAuthError)
        assert "revoked-token" not in str(sub.error)


# --------------------------------------------------------------------------- WS publish


async def test_websocket_publish_batches_and_reports_per_event() -> None:
    with fake() as ev:
        ev.on_publish = lambda channel, values: [Fail("no") if v == 3 else v for v in values]
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            result = await c.publish("/default/a", *range(7), via="websocket")
            assert [e.index for e in result.failed] == [3]
            assert len(result.successful) == 6
            assert [len(m["events"]) for m in ev.ws_publishes] == [5, 2]
            with pytest.raises(AppSyncAuthError) as refused:
                await c.publish("/nowhere/a", 1, via="websocket")
            assert refused.value.error_type == "UnauthorizedException"
            assert len(ev.connections) == 1
        await asyncio.sleep(0)
        assert ev.violations == []


def test_iam_websocket_publish_of_angle_brackets_is_refused_before_sending() -> None:
    with fake() as ev, EventsClient(ev.url, auth=_iam(), region="us-east-1") as client:
        with pytest.raises(AppSyncConfigError, match="via='http'"):
            client.publish("/default/a", "<b>", via="websocket")
        assert client.publish("/default/a", "<b>").ok
        assert ev.connections == []


def test_sync_subscribe_and_websocket_publish() -> None:
    with fake() as ev, EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
        threads: list[str] = []

        def ready() -> None:
            threads.append(threading.current_thread().name)
            ev.publish("/default/a", {"n": 1})

        items: Iterator[Any] = c.subscribe("/default/*", on_ready=ready)
        assert next(items) == {"n": 1}
        assert threads == [threading.current_thread().name]
        assert c.publish("/default/b", "x", via="websocket").ok
        assert next(items) == "x"
        items.close()  # type: ignore[attr-defined]
        ev.wait_for_sync(lambda: not ev.active_subscriptions, what="unsubscribed")
    assert ev.violations == []


def test_sync_validation_failure_raises_and_unsubscribes() -> None:
    with fake() as ev, EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
        items = c.subscribe("/default/a", int, on_ready=lambda: ev.publish("/default/a", "x"))
        with pytest.raises(AppSyncResponseError, match="does not fit int"):
            next(items)
        ev.wait_for_sync(lambda: not ev.active_subscriptions, what="unsubscribed")


# --------------------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    ("make", "secrets"),
    [(_iam, [SECRET, TOKEN]), (lambda: CognitoUserPoolsAuth(JWT), [JWT])],
)
async def test_no_secret_reaches_errors_reprs_or_logs(
    make: Callable[[], AuthStrategy], secrets: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The server echoes the client's own credentials in its refusal."""
    texts: list[str] = []
    with fake() as ev:
        ev.subscribe_errors = lambda sub: [
            {"errorType": "Unauthorized", "message": f"bad {JWT} / {TOKEN} / {SECRET}"}
        ]
        async with AsyncEventsClient(ev.url, auth=make(), region="us-east-1", realtime=FAST) as c:
            texts.append(repr(c))
            sub = start(c, "/default/a")
            await asyncio.wait_for(sub.done.wait(), 5)
            assert sub.error is not None
            texts.extend([str(sub.error), repr(sub.error), repr(getattr(sub.error, "errors", ""))])
    texts.extend(record.getMessage() for record in caplog.records)
    assert SecretScan(secrets).find(texts) == []


def test_publish_refusals_are_typed_from_their_error_type() -> None:
    from appsync_runtime._events_client import publish_refused
    from appsync_runtime.errors import AuthFailureReason, GraphQLErrorEntry

    mismatch = publish_refused(
        [GraphQLErrorEntry("Signature mismatch", "BadRequestException")], "/default/a"
    )
    assert isinstance(mismatch, AppSyncAuthError)
    assert mismatch.reason is AuthFailureReason.SIGNATURE_MISMATCH
    other = publish_refused([GraphQLErrorEntry("too many", "InvalidInputError")], "/default/a")
    assert type(other) is AppSyncGraphQLError and other.error_type == "InvalidInputError"


async def test_iam_learns_the_servers_clock_from_a_refused_connect() -> None:
    with fake() as ev:
        ev.iam.clock_offset = 3600.0  # the server's clock is an hour ahead
        auth = _iam()
        async with AsyncEventsClient(ev.url, auth=auth, region="us-east-1", realtime=FAST) as c:
            sub = start(c, "/default/a")
            await asyncio.wait_for(sub.ready.wait(), 5)
            assert abs(auth.clock_skew - 3600.0) < 5
            assert (await c.publish("/default/a", 1)).ok  # HTTP signs with the offset too
            assert (await c.publish("/default/a", 2, via="websocket")).ok
            await sub.wait_items(2)
        assert len(ev.connections) == 2  # refused once, then signed with the server's time
        assert ev.violations == []


# --------------------------------------------------------------------------- hostile server

_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)
_kinds = st.sampled_from(
    [
        "data",
        "ka",
        "subscribe_success",
        "subscribe_error",
        "unsubscribe_success",
        "unsubscribe_error",
        "publish_success",
        "publish_error",
        "broadcast_error",
        "connection_ack",
        "error",
        "mystery",
    ]
)


@st.composite
def _hostile_frame(draw: st.DrawFn, sub_id: str) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=30))
    frame: dict[str, Any] = {"type": draw(_kinds)}
    if draw(st.booleans()):
        frame["id"] = draw(st.sampled_from([sub_id, "other", 7]))
    if draw(st.booleans()):
        frame["event"] = draw(_values.map(json.dumps) | _values)
    if draw(st.booleans()):
        frame["errors"] = draw(_values)
    return json.dumps(frame)


@pytest.fixture(scope="module")
def shared_fake() -> Iterator[FakeEvents]:
    with fake() as ev:
        yield ev


@given(data=st.data())
@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hostile_frames_on_a_live_subscription_end_in_an_event_a_typed_error_or_the_end(
    shared_fake: FakeEvents, data: st.DataObject
) -> None:
    ev = shared_fake

    async def scenario() -> None:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            sub = start(c, "/default/hostile")
            await asyncio.wait_for(sub.ready.wait(), 5)
            [live] = [
                s
                for s in ev.active_subscriptions
                if s.id
                and s.connection.ws is not None
                and not s.connection.closed
                and s.channel == "/default/hostile"
            ]
            for frame in data.draw(st.lists(_hostile_frame(live.id), max_size=6)):
                ev.send_raw(frame)
            ev.publish("/default/hostile", "sentinel")
            deadline = time.monotonic() + 5
            while "sentinel" not in sub.items and not sub.done.is_set():
                assert time.monotonic() < deadline, "neither the event nor an ending"
                await asyncio.sleep(0.005)
            if sub.error is not None:
                assert isinstance(sub.error, AppSyncError), repr(sub.error)

    asyncio.run(scenario())
    ev.wait_for_sync(lambda: not ev.open_connections, what="closed")


# --------------------------------------------------------------------------- the sync client


@pytest.mark.parametrize("mode", sorted(MODES))
def test_sync_client_in_every_auth_mode_batches_and_subscribes(mode: str) -> None:
    with (
        fake() as ev,
        EventsClient(ev.url, auth=MODES[mode](), region="us-east-1", realtime=FAST) as client,
    ):
        published: list[int] = []

        def ready() -> None:
            published.append(len(client.publish("/default/a", *range(6)).successful))
            published.append(len(client.publish("/default/b", 6, 7, via="websocket").successful))

        items = client.subscribe("/default/*", int, on_ready=ready)
        received = sorted(next(items) for _ in range(8))
        items.close()  # type: ignore[attr-defined]
        assert published == [6, 2] and received == list(range(8))
        assert [len(r.json()["events"]) for r in ev.http_publishes] == [5, 1]
        ev.wait_for_sync(lambda: not ev.active_subscriptions, what="unsubscribed")
    assert ev.violations == []


def test_sync_reconnect_reports_the_gap_in_the_iterating_thread() -> None:
    with (
        fake() as ev,
        EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as client,
    ):
        gaps: list[tuple[SubscriptionGap, str]] = []
        items = client.subscribe(
            "/default/a",
            on_ready=lambda: ev.publish("/default/a", "first"),
            on_gap=lambda gap: (
                gaps.append((gap, threading.current_thread().name)),
                ev.publish("/default/a", "after the gap"),
            ),
        )
        assert next(items) == "first"
        ev.drop()
        assert next(items) == "after the gap"
        [(gap, thread)] = gaps
        assert thread == threading.current_thread().name and gap.operation_name == "/default/a"
        assert len(ev.connections) == 2


def test_a_refused_subscription_raises_from_the_sync_iterator() -> None:
    with (
        fake() as ev,
        EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as client,
    ):
        ev.subscribe_errors = lambda sub: [{"errorType": "Unauthorized"}]
        with pytest.raises(AppSyncSubscriptionError) as raised:
            next(client.subscribe("/default/a"))
        assert raised.value.error_type == "Unauthorized"


async def test_the_connect_auth_may_travel_as_upgrade_headers() -> None:
    options = RealtimeOptions(connect_form="headers", backoff_initial=0.01, close_timeout=0.5)
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=options) as c:
            sub = start(c, "/default/a")
            await asyncio.wait_for(sub.ready.wait(), 5)
        assert ev.connections[0].form == "headers"
        assert ev.connections[0].protocols == ["aws-appsync-event-ws"]


def test_iam_on_a_custom_domain_needs_the_region() -> None:
    with fake() as ev, EventsClient(ev.url, auth=IAMAuth(Credentials(AKID, SECRET))) as client:
        with pytest.raises(AppSyncConfigError, match="region"):
            client.publish("/default/a", 1)
        assert ev.http_publishes == []


# --------------------------------------------------------------------------- never twice


def test_a_publish_that_got_an_answer_or_may_have_been_delivered_is_not_resent() -> None:
    from appsync_runtime import AppSyncHTTPError, AppSyncNetworkError

    with fake() as ev, EventsClient(ev.url, auth=ApiKeyAuth(ev.api_key)) as client:
        ev.http_faults.extend([503, "reset"])
        with pytest.raises(AppSyncHTTPError) as unavailable:
            client.publish("/default/a", 1)
        assert unavailable.value.status == 503 and unavailable.value.attempts == 1
        with pytest.raises(AppSyncNetworkError) as cut:
            client.publish("/default/a", 2)
        assert cut.value.sent and cut.value.attempts == 1
        assert len(ev.http_publishes) == 2  # each sent once


def test_a_publish_that_never_left_is_retried() -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from appsync_runtime import AppSyncNetworkError, RetryPolicy

    policy = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0)
    with (
        EventsClient(
            f"http://127.0.0.1:{port}/event", auth=ApiKeyAuth("k" * 20), retry=policy
        ) as c,
        pytest.raises(AppSyncNetworkError) as refused,
    ):
        c.publish("/default/a", 1)
    assert not refused.value.sent and refused.value.attempts == 3


async def test_a_websocket_publish_refused_for_its_token_is_sent_once_more_freshly() -> None:
    tokens = ["custom-lambda-token-1", "custom-lambda-token-1", "stale", "custom-lambda-token-1"]

    def token() -> str:
        return tokens.pop(0) if len(tokens) > 1 else tokens[0]

    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=LambdaAuth(token), realtime=FAST) as c:
            sub = start(c, "/default/a")  # connect and subscribe: the first two tokens
            await asyncio.wait_for(sub.ready.wait(), 5)
            result = await c.publish("/default/a", "once", via="websocket")
            assert result.ok
            await sub.wait_items(1)
        assert [m["authorization"]["Authorization"] for m in ev.ws_publishes] == [
            "stale",
            "custom-lambda-token-1",
        ]
        assert sub.items == ["once"]  # delivered once: the refused one was not


async def test_concurrent_websocket_publishes_share_one_connection() -> None:
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST) as c:
            results = await asyncio.gather(
                *(c.publish(f"/default/c{n}", n, n + 1, via="websocket") for n in range(40))
            )
        assert all(result.ok and len(result.successful) == 2 for result in results)
        assert len(ev.connections) == 1 and len(ev.ws_publishes) == 40
        assert len({m["id"] for m in ev.ws_publishes}) == 40
        assert ev.violations == []


async def test_publishing_on_a_closed_client_is_refused() -> None:
    from appsync_runtime import AppSyncNetworkError

    with fake() as ev:
        client = AsyncEventsClient(ev.url, auth=ApiKeyAuth(ev.api_key), realtime=FAST)
        assert (await client.publish("/default/a", 1, via="websocket")).ok
        realtime = client._realtime  # the manager the client used
        await client.close()
        with pytest.raises(AppSyncNetworkError) as raised:
            await realtime.request(
                b'{"channel":"/default/a","events":["1"]}', client.auth[0], None, 1
            )
        assert not raised.value.sent


async def test_the_fake_refuses_a_signature_over_other_bytes_than_the_fields_rebuild(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What AppSync checks: the signed body is rebuilt from the message's fields, so
    signing anything but their compact JSON is a mismatch (the fake is strict)."""
    from appsync_runtime import _events_client

    monkeypatch.setattr(
        _events_client,
        "subscribe_body",
        lambda channel: b'{"channel": "' + channel.encode() + b'"}',
    )
    with fake() as ev:
        async with AsyncEventsClient(ev.url, auth=_iam(), region="us-east-1", realtime=FAST) as c:
            sub = start(c, "/default/a")
            await asyncio.wait_for(sub.done.wait(), 5)
        assert isinstance(sub.error, AppSyncSubscriptionError)
        assert sub.error.error_type == "BadRequestException"
        assert any("does not match" in reason for reason in ev.iam.rejected)
