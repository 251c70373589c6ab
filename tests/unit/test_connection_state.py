"""Connection state changes (``RealtimeOptions(on_connection_state=...)``) on both
clients, against the strict real-time fake: drops, silence, refused connects, auth
refusal, and a blocking client's callback delivered off the connection's thread."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Iterator

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncConfigError,
    AsyncAppSyncClient,
    ConnectionState,
    ConnectionStateChange,
    RealtimeOptions,
)
from tests.support.fake_realtime import FAST, SUBSCRIPTION, FakeRealtime
from tests.support.secret_scan import SecretScan

CONNECTING = ConnectionState.CONNECTING
CONNECTED = ConnectionState.CONNECTED
DISRUPTED = ConnectionState.DISRUPTED
RECONNECTING = ConnectionState.RECONNECTING
CLOSED = ConnectionState.CLOSED


@pytest.fixture
def rt() -> Iterator[FakeRealtime]:
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=0.05) as server:
        yield server
        assert server.violations == []


class Recorder:
    """Collects changes (from any thread) and the threads they arrived on."""

    def __init__(self) -> None:
        self.changes: list[ConnectionStateChange] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, change: ConnectionStateChange) -> None:
        with self._lock:
            self.changes.append(change)
            self.threads.add(threading.current_thread().name)

    @property
    def states(self) -> list[ConnectionState]:
        return [change.state for change in self.changes]

    def options(self) -> RealtimeOptions:
        return dataclasses.replace(FAST, on_connection_state=self)

    def check_chain(self) -> None:
        """Each change names the state before it; time only moves forward."""
        previous = None
        last = 0.0
        for change in self.changes:
            assert change.previous is previous, self.changes
            assert change.state is not previous
            assert change.monotonic >= last
            assert abs(change.at - time.time()) < 120
            previous, last = change.state, change.monotonic


async def _until(predicate: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.005)


async def test_async_client_reports_connect_drop_reconnect_and_close(rt: FakeRealtime) -> None:
    recorder = Recorder()
    ready = asyncio.Event()
    resumed = asyncio.Event()
    items: list[object] = []
    async with AsyncAppSyncClient(
        rt.url, auth=ApiKeyAuth(rt.api_key), realtime=recorder.options()
    ) as client:

        async def consume() -> None:
            async for item in client.subscribe(
                SUBSCRIPTION, "OnNote", on_ready=ready.set, on_gap=lambda gap: resumed.set()
            ):
                items.append(item)

        task = asyncio.create_task(consume())
        await asyncio.wait_for(ready.wait(), 5)
        assert recorder.states == [CONNECTING, CONNECTED]
        assert all(change.connection == 1 for change in recorder.changes)
        rt.drop()
        await asyncio.wait_for(resumed.wait(), 5)  # started again: publishing reaches it
        rt.publish({"onNote": {"id": "1", "title": "after"}})
        await _until(lambda: len(items) == 1)
    await asyncio.wait_for(task, 5)
    assert recorder.states == [CONNECTING, CONNECTED, DISRUPTED, RECONNECTING, CONNECTED, CLOSED]
    disrupted = recorder.changes[2]
    assert disrupted.reason  # why it was lost, in words
    assert recorder.changes[-1].reason == "the client closed"
    recorder.check_chain()


async def test_silence_is_a_disruption_with_its_reason(rt: FakeRealtime) -> None:
    recorder = Recorder()
    rt.connection_timeout_ms = 400
    ready = asyncio.Event()
    async with AsyncAppSyncClient(
        rt.url, auth=ApiKeyAuth(rt.api_key), realtime=recorder.options()
    ) as client:

        async def consume() -> None:
            async for _ in client.subscribe(
                SUBSCRIPTION, "OnNote", on_ready=ready.set, on_gap=lambda gap: None
            ):
                pass

        task = asyncio.create_task(consume())
        await asyncio.wait_for(ready.wait(), 5)
        rt.silence()
        await _until(lambda: recorder.states.count(CONNECTED) == 2)
    await asyncio.wait_for(task, 5)
    (disrupted,) = [c for c in recorder.changes if c.state is DISRUPTED]
    assert disrupted.reason is not None and "keep-alive" in disrupted.reason
    recorder.check_chain()


async def test_refused_connects_then_success(rt: FakeRealtime) -> None:
    recorder = Recorder()
    rt.connect_script.extend(["http_500", "http_500"])
    ready = asyncio.Event()
    async with AsyncAppSyncClient(
        rt.url, auth=ApiKeyAuth(rt.api_key), realtime=recorder.options()
    ) as client:

        async def consume() -> None:
            async for _ in client.subscribe(SUBSCRIPTION, "OnNote", on_ready=ready.set):
                pass

        task = asyncio.create_task(consume())
        await asyncio.wait_for(ready.wait(), 5)
        assert recorder.states == [
            CONNECTING,
            DISRUPTED,
            RECONNECTING,
            DISRUPTED,
            RECONNECTING,
            CONNECTED,
        ]
        assert "500" in (recorder.changes[1].reason or "")
    await asyncio.wait_for(task, 5)
    assert recorder.states[-1] is CLOSED
    recorder.check_chain()


async def test_auth_refusal_closes_with_the_reason_and_no_secret(rt: FakeRealtime) -> None:
    recorder = Recorder()
    key = "da2-notthekeythefakeknows0000"
    async with AsyncAppSyncClient(
        rt.url, auth=ApiKeyAuth(key), realtime=recorder.options()
    ) as client:
        with pytest.raises(AppSyncAuthError):
            async for _ in client.subscribe(SUBSCRIPTION, "OnNote"):
                pass
    await _until(lambda: CLOSED in recorder.states)
    assert recorder.states == [CONNECTING, CLOSED]
    reason = recorder.changes[-1].reason or ""
    assert "auth" in reason
    texts = [repr(change) for change in recorder.changes]
    assert not SecretScan([key, rt.api_key]).find(texts)


async def test_a_callback_that_raises_is_ignored(rt: FakeRealtime) -> None:
    def broken(change: ConnectionStateChange) -> None:
        raise RuntimeError("app bug")

    options = dataclasses.replace(FAST, on_connection_state=broken)
    ready = asyncio.Event()
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as client:
        items: list[object] = []

        async def consume() -> None:
            async for item in client.subscribe(SUBSCRIPTION, "OnNote", on_ready=ready.set):
                items.append(item)
                return

        task = asyncio.create_task(consume())
        await asyncio.wait_for(ready.wait(), 5)
        rt.publish({"onNote": {"id": "1", "title": "x"}})
        await asyncio.wait_for(task, 5)
    assert len(items) == 1


def test_blocking_client_delivers_in_order_on_a_thread_of_its_own(rt: FakeRealtime) -> None:
    recorder = Recorder()
    slow = threading.Event()

    def callback(change: ConnectionStateChange) -> None:
        if change.state is CONNECTED and not slow.is_set():
            slow.set()
            time.sleep(0.2)  # a slow application callback: the connection goes on
        recorder(change)

    options = dataclasses.replace(FAST, on_connection_state=callback)
    with AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as client:
        events = client.subscribe(
            SUBSCRIPTION, "OnNote", on_ready=lambda: rt.publish({"onNote": {"id": "1"}})
        )
        first = next(iter(events))
        assert first == {"onNote": {"id": "1"}}
        rt.drop()
        rt.wait_for_sync(lambda: len(rt.open_connections) == 1 and rt.active_subscriptions)
        rt.publish({"onNote": {"id": "2"}})
        assert next(iter(events)) == {"onNote": {"id": "2"}}
        events.close()  # type: ignore[attr-defined]
    # close() waited for the queued changes to go out
    assert recorder.states[:3] == [CONNECTING, CONNECTED, DISRUPTED]
    assert recorder.states[-1] is CLOSED
    assert recorder.threads == {"appsync-realtime-state"}
    recorder.check_chain()


def test_on_connection_state_must_be_callable() -> None:
    with pytest.raises(AppSyncConfigError):
        RealtimeOptions(on_connection_state="print")  # type: ignore[arg-type]
    assert ConnectionState.CLOSED == "closed"


def test_blocking_client_auth_refusal_reaches_the_callback(rt: FakeRealtime) -> None:
    recorder = Recorder()
    with (
        AppSyncClient(
            rt.url, auth=ApiKeyAuth("da2-wrongkeywrongkey000000"), realtime=recorder.options()
        ) as client,
        pytest.raises(AppSyncAuthError),
    ):
        for _ in client.subscribe(SUBSCRIPTION, "OnNote"):
            pass
    assert recorder.states == [CONNECTING, CLOSED]
    assert "auth" in (recorder.changes[-1].reason or "")
    assert recorder.threads == {"appsync-realtime-state"}


async def test_event_api_connections_report_their_state_too() -> None:
    from appsync_runtime import AsyncEventsClient
    from tests.support.fake_events import FakeEvents

    recorder = Recorder()
    with FakeEvents(ka_interval=0.1) as ev:
        async with AsyncEventsClient(
            ev.url, auth=ApiKeyAuth(ev.api_key), realtime=recorder.options()
        ) as client:
            ready = asyncio.Event()

            async def consume() -> None:
                async for _ in client.subscribe("/default/a", on_ready=ready.set):
                    return

            task = asyncio.create_task(consume())
            await asyncio.wait_for(ready.wait(), 5)
            await client.publish("/default/a", 1)
            await asyncio.wait_for(task, 5)
            await _until(lambda: CLOSED in recorder.states)
        assert ev.violations == []
    assert recorder.states == [CONNECTING, CONNECTED, CLOSED]
    assert recorder.changes[-1].reason == "no subscriptions left"
    recorder.check_chain()
