"""Hostile edges of real-time, against the strict fake and on the bare buffer.

- the gap window: it opens at the last frame that arrived and closes at the
  ``start_ack``, so a catch-up query over it finds what a half-dead connection lost;
- a strategy that raises (token callable, IAM credential provider) at connect or at
  ``start`` fails like ``execute`` does;
- a consumer slower than its producer: memory stays bounded, every dropped event is
  reported in order, or the subscription fails typed;
- a hostile ``connectionTimeoutMs`` on the wire;
- a ``realtime_url`` on a host that is not the API's.

Async and sync clients both.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
import tracemalloc
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncError,
    AppSyncRealtimeHostWarning,
    AppSyncSubscriptionOverflowError,
    AsyncAppSyncClient,
    CognitoUserPoolsAuth,
    Credentials,
    IAMAuth,
    LambdaAuth,
    RealtimeOptions,
    SubscriptionGap,
)
from appsync_runtime._connection_manager import RealtimeManager
from appsync_runtime._endpoints import foreign_realtime_host, parse_endpoint
from appsync_runtime._subscription import Dropped as _Dropped
from appsync_runtime._subscription import Queued as _Queued
from appsync_runtime._subscription import Subscription as _Subscription
from tests.support.fake_realtime import FAST, SUBSCRIPTION, FakeRealtime


def note(n: int, pad: int = 0) -> dict[str, Any]:
    return {"onNote": {"id": str(n), "title": "x" * pad}}


def number(data: dict[str, Any]) -> int:
    return int(data["onNote"]["id"])


@pytest.fixture
def rt() -> Iterator[FakeRealtime]:
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=0.05) as server:
        yield server
        assert server.violations == []


@pytest.fixture
async def client(rt: FakeRealtime) -> AsyncIterator[AsyncAppSyncClient]:
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as c:
        yield c


async def until(predicate: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.005)


def until_sync(predicate: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.005)


# --------------------------------------------------------------------------- gap window


def _check_catch_up(
    rt: FakeRealtime, delivered: list[int], gap: SubscriptionGap, lost: list[int]
) -> None:
    """A catch-up query over the gap's window finds every event the consumer missed."""
    first, second = rt.connections[0], rt.connections[1]
    # opens at the last frame that arrived, which the fake sent: a structural bound,
    # not a timing one (the watchdog fires a whole keep-alive timeout later)
    assert first.last_sent_at is not None and first.closed_wall is not None
    assert first.last_sent_at - 0.05 <= gap.disconnected_at
    assert gap.disconnected_at <= first.closed_wall - 2.0 + 0.05
    # closes when the start_ack on the new connection arrived
    [resumed] = second.subscriptions.values()
    assert resumed.acked_at is not None
    assert resumed.acked_at - 0.05 <= gap.resumed_at
    caught_up = [
        number(data)
        for at, data in rt.published
        if gap.disconnected_at <= at <= gap.resumed_at and number(data) not in delivered
    ]
    assert caught_up == lost
    assert gap.dropped is None
    assert "keep-alive" in gap.reason


async def test_gap_window_covers_what_a_half_dead_connection_lost() -> None:
    # no keep-alives at all: after the sentinel the connection is silent, then dead
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=None) as rt:
        async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as c:
            delivered: list[int] = []
            gaps: list[SubscriptionGap] = []
            ready = asyncio.Event()

            async def consume() -> None:
                async for data in c.subscribe(
                    SUBSCRIPTION, "OnNote", on_ready=ready.set, on_gap=gaps.append
                ):
                    delivered.append(number(data))

            task = asyncio.create_task(consume())
            await asyncio.wait_for(ready.wait(), 5)
            rt.publish(note(0))
            await until(lambda: delivered == [0], what="sentinel")
            rt.blackhole()  # nothing more reaches the client: the path is half dead
            lost = [1, 2, 3]
            for n in lost:
                rt.publish(note(n))
            await until(lambda: gaps, what="gap")
            _check_catch_up(rt, delivered, gaps[0], lost)
            rt.publish(note(4))
            await until(lambda: delivered == [0, 4], what="event after the gap")
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        assert rt.violations == []


def test_gap_window_sync_client() -> None:
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=None) as rt:
        with AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as c:
            delivered: list[int] = []
            gaps: list[SubscriptionGap] = []

            def on_ready() -> None:
                rt.publish(note(0))

            def publish_after_resubscribe() -> None:  # we block in the loop meanwhile
                try:
                    until_sync(
                        lambda: len(rt.connections) == 2 and rt.connections[1].active,
                        what="resubscribed",
                    )
                    rt.publish(note(4))
                except BaseException:
                    c.close()  # ends the blocked loop: the asserts below then fail
                    raise

            for data in c.subscribe(SUBSCRIPTION, "OnNote", on_ready=on_ready, on_gap=gaps.append):
                delivered.append(number(data))
                if delivered == [0]:
                    rt.blackhole()
                    for n in (1, 2, 3):
                        rt.publish(note(n))
                    threading.Thread(target=publish_after_resubscribe, daemon=True).start()
                else:
                    break
            assert delivered == [0, 4]
            assert len(gaps) == 1
            # event 4 may fall inside the window too (published between the server's
            # start_ack and its arrival): it was delivered, so catch-up skips it
            _check_catch_up(rt, delivered, gaps[0], [1, 2, 3])
        assert rt.violations == []


async def test_data_before_start_ack_counts_as_the_ack(rt: FakeRealtime) -> None:
    """AppSync may deliver an event before the start_ack: the subscription is then
    live, so on_ready (first time) or the gap (after a reconnect) comes first."""
    rt.ignore_starts = True  # the fake never acks: only events prove the start
    options = RealtimeOptions(start_ack_timeout=30.0, backoff_initial=0.01, backoff_max=0.02)
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
        order: list[str] = []

        async def consume() -> None:
            async for data in c.subscribe(
                SUBSCRIPTION,
                "OnNote",
                on_ready=lambda: order.append("ready"),
                on_gap=lambda gap: order.append("gap"),
            ):
                order.append(str(number(data)))

        task = asyncio.create_task(consume())
        await until(lambda: rt.connections and rt.connections[0].subscriptions, what="start")
        rt.publish(note(1))
        await until(lambda: "1" in order, what="first event")
        rt.drop()
        await until(
            lambda: len(rt.connections) == 2 and rt.connections[1].subscriptions, what="restart"
        )
        rt.publish(note(2))
        await until(lambda: "2" in order, what="event after the reconnect")
        assert order == ["ready", "1", "gap", "2"]
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


# --------------------------------------------------------------------------- auth failures


class Boom(RuntimeError):
    """What a user's token service raises."""


def _raising_token() -> str:
    raise Boom("token service unreachable")


async def _raising_async_token() -> str:
    raise Boom("token service unreachable")


def _raising_credentials() -> Credentials:
    raise Boom("no role to assume")


STRATEGIES: dict[str, Callable[[], Any]] = {
    "cognito": lambda: CognitoUserPoolsAuth(_raising_token),
    "lambda": lambda: LambdaAuth(_raising_token),
    "api_key": lambda: ApiKeyAuth(_raising_token),
    "iam": lambda: IAMAuth(_raising_credentials),
}


def _shape(error: BaseException) -> tuple[Any, ...]:
    assert isinstance(error, AppSyncAuthError), repr(error)
    return (
        type(error),
        str(error),
        error.message,
        error.reason,
        error.status,
        error.operation_name,
        error.attempts,
        type(error.__cause__),
    )


async def _async_ws_error(c: AsyncAppSyncClient, **kwargs: Any) -> BaseException:
    with pytest.raises(AppSyncError) as info:
        async for _ in c.subscribe(SUBSCRIPTION, "OnNote", **kwargs):
            pass
    return info.value


@pytest.mark.parametrize("name", [*STRATEGIES, "async_cognito"])
@pytest.mark.parametrize("where", ["connect", "start"])
async def test_raising_strategy_fails_like_execute_async(
    rt: FakeRealtime, name: str, where: str
) -> None:
    make = STRATEGIES.get(name) or (lambda: CognitoUserPoolsAuth(_raising_async_token))
    good = ApiKeyAuth(rt.api_key)
    async with AsyncAppSyncClient(
        rt.url, auth=good if where == "start" else make(), region="us-east-1", realtime=FAST
    ) as c:
        with pytest.raises(AppSyncError) as http:
            await c.execute("query Q { q }", "OnNote", auth=make())
        if where == "start":  # the connection opens with a good key; the start fails
            ready = asyncio.Event()
            keeper = asyncio.ensure_future(_async_ws_error(c, on_ready=ready.set))
            await asyncio.wait_for(ready.wait(), 5)
            error = await _async_ws_error(c, auth=make())
            assert len(rt.connections) == 1 and not rt.connections[0].closed  # others go on
            keeper.cancel()
        else:
            error = await _async_ws_error(c)
            assert rt.connections == []  # nothing was sent
    assert _shape(error) == _shape(http.value)
    assert isinstance(error.__cause__, Boom)


@pytest.mark.parametrize("name", list(STRATEGIES))
@pytest.mark.parametrize("where", ["connect", "start"])
def test_raising_strategy_fails_like_execute_sync(rt: FakeRealtime, name: str, where: str) -> None:
    make = STRATEGIES[name]
    good = ApiKeyAuth(rt.api_key)
    with AppSyncClient(
        rt.url, auth=good if where == "start" else make(), region="us-east-1", realtime=FAST
    ) as c:
        with pytest.raises(AppSyncError) as http:
            c.execute("query Q { q }", "OnNote", auth=make())
        keeper: Iterator[dict[str, Any]] | None = None
        if where == "start":
            ready = threading.Event()
            keeper = c.subscribe(SUBSCRIPTION, "OnNote", on_ready=ready.set)
            holder = threading.Thread(target=lambda: next(keeper, None), daemon=True)
            holder.start()
            assert ready.wait(5)
        with pytest.raises(AppSyncError) as ws:
            for _ in c.subscribe(SUBSCRIPTION, "OnNote", auth=make() if keeper else None):
                pass
        if where == "start":
            assert len(rt.connections) == 1 and not rt.connections[0].closed
        else:
            assert rt.connections == []
    assert _shape(ws.value) == _shape(http.value)
    assert isinstance(ws.value.__cause__, Boom)


async def test_raising_strategy_gives_each_subscription_its_own_error(rt: FakeRealtime) -> None:
    async with AsyncAppSyncClient(
        rt.url, auth=CognitoUserPoolsAuth(_raising_token), realtime=FAST
    ) as c:
        a = asyncio.ensure_future(_async_ws_error(c))
        await asyncio.sleep(0)
        b_stream = c.subscribe(SUBSCRIPTION, "Other")
        with pytest.raises(AppSyncAuthError) as b:
            async for _ in b_stream:
                pass
        first = await a
    assert first is not b.value
    assert {first.operation_name, b.value.operation_name} == {"OnNote", "Other"}  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- slow consumers


def _buffered(manager: RealtimeManager) -> list[_Subscription]:
    return [sub for conn in manager._connections for sub in conn.subs.values()]


def _last_buffered_number(sub: _Subscription) -> int | None:
    items = list(sub.items)
    for item in reversed(items):
        if type(item) is tuple:
            event, _, _ = cast("_Queued", item)
            return number(event)
    return None


def _check_order(order: list[tuple[str, int]], total: int) -> None:
    """Events in order, and every missing one reported by a gap in its place."""
    expected = 0
    for kind, value in order:
        if kind == "gap":
            expected += value
        else:
            assert value == expected, order
            expected += 1
    assert expected == total


LIMITS = [
    pytest.param(RealtimeOptions(max_buffered_events=50), id="count"),
    pytest.param(RealtimeOptions(max_buffered_bytes=32 * 1024), id="bytes"),
]


@pytest.mark.parametrize("limits", LIMITS)
async def test_slow_consumer_memory_is_bounded_and_drops_reported(
    rt: FakeRealtime, limits: RealtimeOptions
) -> None:
    total, pad = 3000, 1000  # about 3 MB of frames; the buffer holds about 50 KB
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=limits) as c:
        order: list[tuple[str, int]] = []
        gaps: list[SubscriptionGap] = []
        ready = asyncio.Event()

        def on_gap(gap: SubscriptionGap) -> None:
            gaps.append(gap)
            assert gap.dropped is not None
            order.append(("gap", gap.dropped))

        stream = c.subscribe(SUBSCRIPTION, "OnNote", on_ready=ready.set, on_gap=on_gap)
        first = asyncio.ensure_future(stream.__anext__())
        await asyncio.wait_for(ready.wait(), 5)
        [sub] = _buffered(c._realtime)
        events = [note(n, pad) for n in range(total)]
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            sent_at = time.time()
            # the producer in another thread: the client reads while it publishes
            assert await asyncio.to_thread(rt.publish_many, events) == total
            # a hang guard, not a figure: 3 MB under tracemalloc on a loaded CI machine
            await until(
                lambda: _last_buffered_number(sub) == total - 1, 60.0, what="burst received"
            )
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        # bounded: a small multiple of the buffer, far below the 3 MB published
        assert held < 1_000_000, held
        assert sub.count <= limits.max_buffered_events
        assert sub.nbytes <= limits.max_buffered_bytes
        order.append(("event", number(await first)))
        async for data in stream:
            order.append(("event", number(data)))
            if number(data) == total - 1:
                break
        _check_order(order, total)
        assert gaps and all(g.reason.startswith("buffer overflow") for g in gaps)
        for gap in gaps:
            assert sent_at - 0.05 <= gap.disconnected_at <= gap.resumed_at <= time.time()


def test_slow_consumer_sync_client(rt: FakeRealtime) -> None:
    total = 2000
    options = RealtimeOptions(max_buffered_events=40)
    with AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
        order: list[tuple[str, int]] = []

        def on_ready() -> None:  # in the iterating thread: nothing is taken meanwhile
            rt.publish_many(note(n) for n in range(total))
            thread = c._realtime
            assert thread._manager is not None
            [sub] = _buffered(thread._manager)
            until_sync(lambda: _last_buffered_number(sub) == total - 1, what="burst received")
            assert sub.count <= 40

        def on_gap(gap: SubscriptionGap) -> None:
            assert gap.dropped is not None
            order.append(("gap", gap.dropped))

        for data in c.subscribe(SUBSCRIPTION, "OnNote", on_ready=on_ready, on_gap=on_gap):
            order.append(("event", number(data)))
            if number(data) == total - 1:
                break
    _check_order(order, total)
    assert any(kind == "gap" for kind, _ in order)


async def test_overflow_fail_policy_stops_that_subscription_only(rt: FakeRealtime) -> None:
    options = RealtimeOptions(max_buffered_events=10, overflow="fail")
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
        ready = asyncio.Event()
        slow = c.subscribe(SUBSCRIPTION, "OnNote", on_ready=ready.set)
        first = asyncio.ensure_future(slow.__anext__())
        await asyncio.wait_for(ready.wait(), 5)
        fast_items: list[int] = []
        fast_ready = asyncio.Event()

        async def fast_consumer() -> None:
            async for data in c.subscribe(SUBSCRIPTION, "Fast", on_ready=fast_ready.set):
                fast_items.append(number(data))

        fast = asyncio.create_task(fast_consumer())
        await asyncio.wait_for(fast_ready.wait(), 5)
        slow_id = next(s.id for s in rt.active_subscriptions if s.operation_name == "OnNote")
        before = time.time()
        await asyncio.to_thread(rt.publish_many, [note(n) for n in range(100)])
        await until(lambda: rt.connections[0].stops == [slow_id], what="stop of the slow one")
        got = [number(await first)]
        with pytest.raises(AppSyncSubscriptionOverflowError) as info:
            async for data in slow:
                got.append(number(data))
        assert got == list(range(len(got))) and 1 <= len(got) <= 11
        error = info.value
        assert error.operation_name == "OnNote"
        assert error.max_buffered_events == 10
        assert before - 0.05 <= error.lost_from <= time.time()
        # the other subscription on the same connection lost nothing
        await until(lambda: len(fast_items) == 100, what="fast consumer")
        assert fast_items == list(range(100))
        assert not rt.connections[0].closed
        fast.cancel()


def _consumer_side(sub: _Subscription) -> list[Any]:
    """Take everything queued as ``iterate`` does: events, and gaps in their place."""
    taken: list[Any] = []
    while sub.items:
        item = sub.items.popleft()
        if type(item) is tuple:
            event, size, _ = cast("_Queued", item)
            sub.count -= 1
            sub.nbytes -= size
            taken.append(event)
        elif type(item) is _Dropped:
            taken.append(sub.gap_for(item))
    return taken


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.one_of(st.integers(min_value=1, max_value=5000), st.just("take")), max_size=300
    ),
    max_events=st.integers(min_value=1, max_value=20),
    max_bytes=st.integers(min_value=1, max_value=20_000),
)
def test_buffer_never_grows_past_its_limits_and_loses_nothing_silently(
    steps: list[int | str], max_events: int, max_bytes: int
) -> None:
    loop = asyncio.new_event_loop()
    try:
        options = RealtimeOptions(max_buffered_events=max_events, max_buffered_bytes=max_bytes)
        sub = _Subscription(b"{}", ApiKeyAuth("da2-x"), "OnNote", loop, options)
        taken: list[Any] = []
        arrived = 0
        for step in steps:
            if step == "take":
                taken.extend(_consumer_side(sub))
                continue
            assert isinstance(step, int)
            sub.make_room(step)
            sub.push_event(note(arrived), step, float(arrived))
            arrived += 1
            assert 1 <= sub.count <= max_events
            # one event larger than the byte limit is kept, alone
            assert sub.nbytes <= max_bytes or sub.count == 1
            assert sum(type(i) is tuple for i in sub.items) == sub.count
        taken.extend(_consumer_side(sub))
        assert sub.count == 0 and sub.nbytes == 0
        expected = 0
        for item in taken:
            if isinstance(item, SubscriptionGap):
                assert item.dropped is not None and item.dropped > 0
                assert item.disconnected_at <= item.resumed_at
                expected += item.dropped
            else:
                assert number(item) == expected
                expected += 1
        assert expected == arrived
        # gaps never follow one another: adjacent drops are reported together
        kinds = [isinstance(item, SubscriptionGap) for item in taken]
        assert not any(a and b for a, b in itertools.pairwise(kinds))
    finally:
        loop.close()


@pytest.mark.parametrize(
    "bad",
    [
        {"max_buffered_events": 0},
        {"max_buffered_bytes": -1},
        {"max_buffered_events": True},
        {"max_buffered_bytes": 1.5},
        {"overflow": "block"},
    ],
)
def test_buffer_options_are_validated(bad: dict[str, Any]) -> None:
    from appsync_runtime import AppSyncConfigError

    with pytest.raises(AppSyncConfigError):
        RealtimeOptions(**bad)


# --------------------------------------------------------------------------- keep-alive


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"connectionTimeoutMs": 10**15}, 600.0),
        ({"connectionTimeoutMs": 1}, 1.0),
        ({"connectionTimeoutMs": float("inf")}, 300.0),
        ({"connectionTimeoutMs": float("nan")}, 300.0),
        ({"connectionTimeoutMs": -1}, 300.0),
        ({"connectionTimeoutMs": "300000"}, 300.0),
        ({"connectionTimeoutMs": False}, 300.0),
    ],
)
async def test_hostile_keepalive_announcement_on_the_wire(
    rt: FakeRealtime,
    client: AsyncAppSyncClient,
    caplog: pytest.LogCaptureFixture,
    payload: Any,
    expected: float,
) -> None:
    rt.ack_payload = payload
    ready = asyncio.Event()
    items: list[int] = []

    async def consume() -> None:
        async for data in client.subscribe(SUBSCRIPTION, "OnNote", on_ready=ready.set):
            items.append(number(data))
            break

    with caplog.at_level(logging.WARNING, logger="appsync_runtime.realtime"):
        task = asyncio.create_task(consume())
        await asyncio.wait_for(ready.wait(), 5)
    [conn] = client._realtime._connections
    assert conn.proto is not None and conn.proto.keepalive_timeout == expected
    assert "connectionTimeout" in caplog.text  # the adjustment is logged
    rt.publish(note(1))
    await asyncio.wait_for(task, 5)
    assert items == [1]


# --------------------------------------------------------------------------- realtime_url host


@pytest.mark.parametrize(
    ("url", "kwargs", "foreign"),
    [
        ("https://abc.appsync-api.eu-west-1.amazonaws.com/graphql", {}, None),
        (
            "https://abc.appsync-api.eu-west-1.amazonaws.com/graphql",
            {"realtime_url": "wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql"},
            None,
        ),
        (
            "https://api.example.com/graphql",
            {"realtime_url": "wss://API.example.com:8443/graphql/realtime"},
            None,
        ),
        (
            # private API: the VPC endpoint and the API's own host are both the API's
            "https://vpce-1.appsync-api.us-east-1.vpce.amazonaws.com/graphql",
            {
                "host": "abc.appsync-api.us-east-1.amazonaws.com",
                "realtime_url": "wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/graphql",
            },
            None,
        ),
        (
            "https://abc.appsync-api.eu-west-1.amazonaws.com/graphql",
            {"realtime_url": "wss://proxy.example.net/rt?token=s3cr3t"},
            "proxy.example.net",
        ),
        (
            "https://api.example.com/graphql",
            {"realtime_url": "wss://api.example.com.evil.test/graphql/realtime"},
            "api.example.com.evil.test",
        ),
        ("http://127.0.0.1:9/graphql", {"realtime_url": "ws://[::1]:9/x"}, "::1"),
    ],
)
def test_foreign_realtime_host(url: str, kwargs: dict[str, str], foreign: str | None) -> None:
    assert foreign_realtime_host(parse_endpoint(url, **kwargs)) == foreign


async def test_foreign_realtime_host_warns_before_credentials_go(rt: FakeRealtime) -> None:
    realtime_url = rt.realtime_url().replace("127.0.0.1", "localhost")
    async with AsyncAppSyncClient(
        rt.url, auth=ApiKeyAuth(rt.api_key), realtime_url=realtime_url, realtime=FAST
    ) as c:
        with pytest.warns(AppSyncRealtimeHostWarning) as record:
            stream = c.subscribe(SUBSCRIPTION, "OnNote")
        assert rt.connections == []  # warned before anything was sent
        [warning] = record
        text = str(warning.message)
        assert "'localhost'" in text and "'127.0.0.1'" in text
        assert rt.api_key not in text
        await stream.aclose()  # type: ignore[attr-defined]


def test_foreign_realtime_host_warns_sync(rt: FakeRealtime) -> None:
    realtime_url = rt.realtime_url().replace("127.0.0.1", "localhost")
    with AppSyncClient(
        rt.url, auth=ApiKeyAuth(rt.api_key), realtime_url=realtime_url, realtime=FAST
    ) as c:
        with pytest.warns(AppSyncRealtimeHostWarning, match="localhost"):
            stream = c.subscribe(SUBSCRIPTION, "OnNote")
        del stream


async def test_own_realtime_host_does_not_warn(rt: FakeRealtime) -> None:
    async with AsyncAppSyncClient(
        rt.url, auth=ApiKeyAuth(rt.api_key), realtime_url=rt.realtime_url(), realtime=FAST
    ) as c:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            stream = c.subscribe(SUBSCRIPTION, "OnNote")
        await stream.aclose()  # type: ignore[attr-defined]
