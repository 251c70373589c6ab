"""Subscriptions end to end against the strict real-time fake."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from appsync_runtime import (
    UNSET,
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncConfigError,
    AppSyncGraphQLError,
    AppSyncNetworkError,
    AppSyncSubscriptionError,
    AsyncAppSyncClient,
    AuthMode,
    AuthRequest,
    AuthStrategy,
    BaseModel,
    CognitoUserPoolsAuth,
    RealtimeOptions,
    SubscriptionGap,
)
from appsync_runtime._realtime_auth import CONNECT_HEADERS
from tests.support.fake_realtime import FAST, SUBSCRIPTION, FakeRealtime, FakeSubscription


@pytest.fixture
def rt() -> Iterator[FakeRealtime]:
    # A keep-alive timeout long enough that a loaded CI machine never trips it by
    # accident; the keep-alive test brings its own 1 s one.
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=0.05) as server:
        yield server
        assert server.violations == []


@pytest.fixture
async def client(rt: FakeRealtime) -> AsyncIterator[AsyncAppSyncClient]:
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as c:
        yield c


@dataclass
class Sub:
    """A subscription consumed in a background task."""

    items: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[SubscriptionGap] = field(default_factory=list)
    error: BaseException | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    async def wait_items(self, n: int, timeout: float = 5.0) -> None:
        async def poll() -> None:
            while len(self.items) < n and not self.done.is_set():
                await asyncio.sleep(0.005)

        await asyncio.wait_for(poll(), timeout)
        assert len(self.items) >= n, (self.items, self.error)


def start(
    client: AsyncAppSyncClient,
    *,
    limit: int | None = None,
    variables: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Sub:
    sub = Sub()

    async def run() -> None:
        try:
            async for data in client.subscribe(
                SUBSCRIPTION,
                "OnNote",
                variables,
                on_ready=sub.ready.set,
                on_gap=sub.gaps.append,
                **kwargs,
            ):
                sub.items.append(data)
                if limit is not None and len(sub.items) >= limit:
                    break
        except Exception as exc:
            sub.error = exc
        finally:
            sub.done.set()

    sub.task = asyncio.create_task(run())
    return sub


async def ready(*subs: Sub, timeout: float = 5.0) -> None:
    await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in subs)), timeout)


async def finished(*subs: Sub, timeout: float = 5.0) -> None:
    await asyncio.wait_for(asyncio.gather(*(s.done.wait() for s in subs)), timeout)


def note(n: int) -> dict[str, Any]:
    return {"onNote": {"id": str(n), "title": f"t{n}"}}


def assert_no_tasks_left() -> None:
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert others == [], others


# --------------------------------------------------------------------------- basics


async def test_events_flow_and_break_sends_stop(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    sub = start(client, limit=2, variables={"id": "n1"})
    await ready(sub)
    [conn] = rt.connections
    # auto form on loopback is the legacy query form; the auth names the API host
    assert conn.form == "query"
    assert conn.auth == {"host": rt.host, "x-api-key": rt.api_key}
    [fake_sub] = rt.active_subscriptions
    assert json.loads(fake_sub.data_text) == {
        "query": SUBSCRIPTION,
        "variables": {"id": "n1"},
        "operationName": "OnNote",
    }
    assert fake_sub.authorization == {"host": rt.host, "x-api-key": rt.api_key}
    assert rt.publish(note(1)) == 1
    assert rt.publish(note(2)) == 1
    await finished(sub)
    assert sub.error is None
    assert sub.items == [note(1), note(2)]
    # breaking out of the loop stops the subscription; the last one closes the socket
    await rt.wait_for(lambda: conn.stops == [fake_sub.id], what="stop")
    await rt.wait_for(lambda: conn.closed, what="connection closed")
    assert client._realtime.connection_count == 0


async def test_aclosing_the_iterator_sends_stop(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    stream = client.subscribe(SUBSCRIPTION, "OnNote")
    first = asyncio.ensure_future(stream.__anext__())
    await rt.wait_for(lambda: rt.active_subscriptions, what="start")
    rt.publish(note(1))
    assert await asyncio.wait_for(first, 5) == note(1)
    await stream.aclose()  # type: ignore[attr-defined]
    await rt.wait_for(lambda: rt.connections[0].stops, what="stop")
    assert rt.connections[0].stops == [rt.connections[0].starts[0]["id"]]


@pytest.mark.parametrize("form", ["subprotocol", "query", "headers"])
async def test_connect_forms(rt: FakeRealtime, form: str) -> None:
    options = RealtimeOptions(connect_form=form)  # type: ignore[arg-type]
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
        sub = start(c, limit=1)
        await ready(sub)
        rt.publish(note(1))
        await finished(sub)
    assert sub.items == [note(1)]
    assert rt.connections[0].form == form
    assert rt.connections[0].auth == {"host": rt.host, "x-api-key": rt.api_key}


async def test_explicit_realtime_url_is_used() -> None:
    with FakeRealtime(paths=("/graphql/realtime", "/custom/rt")) as rt:
        async with AsyncAppSyncClient(
            rt.url, auth=ApiKeyAuth(rt.api_key), realtime_url=rt.realtime_url("/custom/rt")
        ) as c:
            sub = start(c, limit=1)
            await ready(sub)
            rt.publish(note(1))
            await finished(sub)
        assert [conn.path for conn in rt.connections] == ["/custom/rt"]
        # the auth still names the API's host, not the real-time one
        assert rt.connections[0].auth is not None
        assert rt.connections[0].auth["host"] == rt.host
        assert rt.violations == []


async def test_custom_domain_url_derives_graphql_realtime(rt: FakeRealtime) -> None:
    # 127.0.0.1 is no standard AppSync host: like a custom domain, it gets /graphql/realtime
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key)) as c:
        assert c.endpoint.realtime_url == rt.realtime_url("/graphql/realtime")
        sub = start(c, limit=1)
        await ready(sub)
        rt.publish(note(1))
        await finished(sub)
    assert rt.connections[0].path == "/graphql/realtime"


async def test_variables_are_encoded_like_execute(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    class Filter(BaseModel):
        author_id: str

    sub = start(client, variables={"filter": Filter(author_id="a"), "skip": UNSET, "n": None})
    await ready(sub)
    assert rt.active_subscriptions[0].variables == {"filter": {"author_id": "a"}, "n": None}
    await client.close()
    await finished(sub)


async def test_bad_arguments_fail_eagerly(client: AsyncAppSyncClient) -> None:
    with pytest.raises(AppSyncConfigError, match="bogus"):
        client.subscribe(SUBSCRIPTION, bogus=1)
    with pytest.raises(AppSyncConfigError):
        client.subscribe(SUBSCRIPTION, auth_modes=[AuthMode.AWS_IAM])
    with pytest.raises(AppSyncConfigError):
        client.subscribe("   ")


async def test_server_complete_ends_the_iterator(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    sub = start(client)
    await ready(sub)
    rt.publish(note(1))
    await sub.wait_items(1)
    rt.complete(rt.active_subscriptions[0].id)
    await finished(sub)
    assert sub.error is None
    assert sub.items == [note(1)]
    await rt.wait_for(lambda: rt.connections[0].closed, what="idle connection closed")
    assert rt.connections[0].stops == []


async def test_garbage_frames_are_ignored(rt: FakeRealtime, client: AsyncAppSyncClient) -> None:
    sub = start(client, limit=1)
    await ready(sub)
    for frame in ("not json", "[]", '{"type":"mystery"}', '{"type":"data","id":"zz"}'):
        rt.send_raw(frame)
    rt.publish(note(1))
    await finished(sub)
    assert sub.error is None
    assert sub.items == [note(1)]
    assert len(rt.connections) == 1


async def test_data_with_errors_raises_and_stops(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    sub = start(client)
    await ready(sub)
    rt.publish_payload(
        {
            "data": {"onNote": None},
            "errors": [{"message": "Cannot return null for non-nullable type"}],
        }
    )
    await finished(sub)
    assert isinstance(sub.error, AppSyncGraphQLError)
    assert sub.error.data == {"onNote": None}
    assert sub.error.operation_name == "OnNote"
    await rt.wait_for(lambda: rt.connections[0].stops, what="stop after a failed event")


# --------------------------------------------------------------------------- errors


async def test_subscription_error_fails_only_that_one(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    a, b = start(client), start(client)
    await ready(a, b)
    assert len(rt.connections) == 1
    victim = rt.active_subscriptions[0]
    rt.fail_subscription(victim.id, [{"errorType": "UnsupportedOperation", "message": "nope"}])
    await rt.wait_for(lambda: a.done.is_set() or b.done.is_set(), what="one failure")
    loser, survivor = (a, b) if a.done.is_set() else (b, a)
    assert isinstance(loser.error, AppSyncSubscriptionError)
    assert loser.error.subscription_id == victim.id
    assert loser.error.error_type == "UnsupportedOperation"
    assert not loser.error.connection_wide
    rt.publish(note(7))
    await survivor.wait_items(1)
    assert survivor.items == [note(7)] and survivor.error is None
    assert len(rt.connections) == 1


async def test_start_error_with_object_errors(rt: FakeRealtime, client: AsyncAppSyncClient) -> None:
    def refuse(sub: FakeSubscription) -> list[dict[str, Any]] | None:
        return [{"errorType": "ValidationError", "message": "bad field"}]

    rt.start_errors = refuse
    sub = start(client)
    await finished(sub)
    assert isinstance(sub.error, AppSyncSubscriptionError)
    assert sub.error.error_type == "ValidationError"
    assert not sub.ready.is_set()


@pytest.mark.parametrize(
    "errors",
    [
        {"errorType": "LimitExceededError", "message": "Rate limit exceeded"},
        [{"errorType": "LimitExceededError", "message": "Rate limit exceeded"}],
    ],
)
async def test_connection_wide_error_goes_to_all(
    rt: FakeRealtime, client: AsyncAppSyncClient, errors: Any
) -> None:
    a, b = start(client), start(client)
    await ready(a, b)
    rt.connection_wide_error(errors)
    await finished(a, b)
    for sub in (a, b):
        assert isinstance(sub.error, AppSyncSubscriptionError)
        assert sub.error.connection_wide
        assert sub.error.error_type == "LimitExceededError"


async def test_connection_error_fails_all(rt: FakeRealtime, client: AsyncAppSyncClient) -> None:
    rt.connect_script.extend(["connection_error"])
    a, b = start(client), start(client)
    await finished(a, b)
    for sub in (a, b):
        assert isinstance(sub.error, AppSyncSubscriptionError)
        assert sub.error.connection_wide
        assert sub.error.error_type == "UnsupportedOperation"
    assert len(rt.connections) == 1


@pytest.mark.parametrize("behavior", ["connection_error_auth", "close_1002", "http_401"])
async def test_auth_rejection_retries_once_with_fresh_credentials(
    rt: FakeRealtime, behavior: Any
) -> None:
    calls: list[int] = []

    def token() -> str:
        calls.append(1)
        return f"tok-{len(calls)}"

    rt.tokens = {f"tok-{i}" for i in range(1, 20)}
    rt.connect_script.extend([behavior])
    async with AsyncAppSyncClient(rt.url, auth=CognitoUserPoolsAuth(token), realtime=FAST) as c:
        sub = start(c, limit=1)
        await ready(sub)
        rt.publish(note(1))
        await finished(sub)
    assert sub.error is None and sub.items == [note(1)]
    # connect #1 (refused), connect #2 (fresh token), start: three calls
    assert len(calls) == 3
    accepted = [conn for conn in rt.connections if conn.acked]
    assert [conn.auth["Authorization"] for conn in accepted if conn.auth] == ["tok-2"]


@pytest.mark.parametrize("behavior", ["connection_error_auth", "close_1002", "http_401"])
async def test_auth_rejection_twice_raises_auth_error(rt: FakeRealtime, behavior: Any) -> None:
    rt.connect_script.extend([behavior, behavior, behavior])
    secret = "da2-wrongwrongwrongwrong000000000"
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(secret), realtime=FAST) as c:
        sub = start(c)
        await finished(sub)
    assert isinstance(sub.error, AppSyncAuthError)
    assert sub.error.operation_name == "OnNote"
    assert secret not in str(sub.error) and secret not in repr(sub.error)
    assert "header=" not in str(sub.error)
    # nothing chained either: aiohttp's own exceptions quote the URL and its auth
    assert sub.error.__cause__ is None and sub.error.__context__ is None
    assert len(rt.connect_script) == 1  # exactly two attempts


async def test_strategy_should_retry_is_consulted(rt: FakeRealtime) -> None:
    class NoRetry(ApiKeyAuth):
        def should_retry(self, rejection: Any) -> bool:
            return False

    rt.connect_script.extend(["connection_error_auth", "connection_error_auth"])
    async with AsyncAppSyncClient(rt.url, auth=NoRetry(rt.api_key), realtime=FAST) as c:
        sub = start(c)
        await finished(sub)
    assert isinstance(sub.error, AppSyncAuthError)
    assert len(rt.connect_script) == 1  # one attempt only


async def test_unreachable_endpoint_gives_up(rt: FakeRealtime) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = RealtimeOptions(backoff_initial=0.01, backoff_max=0.02, connect_attempts=3)
    async with AsyncAppSyncClient(
        rt.url,
        auth=ApiKeyAuth(rt.api_key),
        realtime_url=f"ws://127.0.0.1:{port}/graphql/realtime",
        realtime=options,
    ) as c:
        sub = start(c)
        await finished(sub)
    assert isinstance(sub.error, AppSyncNetworkError)
    assert sub.error.attempts == 3
    assert rt.api_key not in str(sub.error)


async def test_upgrade_refused_with_500_is_retried(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    rt.connect_script.extend(["http_500"])
    sub = start(client, limit=1)
    await ready(sub)
    rt.publish(note(1))
    await finished(sub)
    assert sub.items == [note(1)]


async def test_missing_connection_ack_times_out_and_retries(rt: FakeRealtime) -> None:
    rt.connect_script.extend(["no_ack"])
    options = RealtimeOptions(ack_timeout=0.2, backoff_initial=0.01, backoff_max=0.02)
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
        sub = start(c, limit=1)
        await ready(sub)
        rt.publish(note(1))
        await finished(sub)
    assert sub.items == [note(1)]
    assert len(rt.connections) == 2
    assert not rt.connections[0].acked


async def test_missing_start_ack_fails_the_subscription(rt: FakeRealtime) -> None:
    rt.ignore_starts = True
    options = RealtimeOptions(start_ack_timeout=0.2)
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
        sub = start(c)
        await finished(sub)
        assert isinstance(sub.error, AppSyncNetworkError)
        assert "start_ack" in str(sub.error)
        await rt.wait_for(lambda: rt.connections[0].stops, what="stop after the timeout")


# --------------------------------------------------------------------------- healing


@pytest.mark.parametrize("ack_key", ["connectionTimeoutMs", "connectionTimeout"])
async def test_missing_keepalive_reconnects_and_resubscribes(ack_key: str) -> None:
    # 1 s: the shortest keep-alive timeout the client accepts from a server
    with FakeRealtime(connection_timeout_ms=1000, ka_interval=0.05, ack_key=ack_key) as rt:
        async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as client:
            await _keepalive_scenario(rt, client)
        assert rt.violations == []


async def _keepalive_scenario(rt: FakeRealtime, client: AsyncAppSyncClient) -> None:
    a, b = start(client), start(client)
    await ready(a, b)
    rt.publish(note(1))
    await a.wait_items(1)
    await b.wait_items(1)
    rt.silence()  # no more ka: after 1 s of silence the client gives up on it
    await rt.wait_for(lambda: len(a.gaps) == 1 and len(b.gaps) == 1, what="gap", timeout=5)
    assert len(rt.connections) == 2
    assert rt.connections[0].closed
    assert len(rt.connections[1].active) == 2
    gap = a.gaps[0]
    assert "keep-alive" in gap.reason
    assert gap.operation_name == "OnNote"
    assert gap.resumed_at >= gap.disconnected_at
    rt.publish(note(2))
    await a.wait_items(2)
    await b.wait_items(2)
    assert a.items == [note(1), note(2)] and a.error is None


async def test_drop_mid_stream_resubscribes_with_gap(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    order: list[str] = []

    sub = Sub()

    async def catch_up(gap: SubscriptionGap) -> None:
        order.append("gap")
        sub.gaps.append(gap)

    async def run() -> None:
        async for data in client.subscribe(
            SUBSCRIPTION, "OnNote", on_ready=sub.ready.set, on_gap=catch_up
        ):
            order.append(data["onNote"]["id"])
            sub.items.append(data)
            if len(sub.items) == 2:
                break
        sub.done.set()

    task = asyncio.create_task(run())
    await ready(sub)
    rt.publish(note(1))
    await sub.wait_items(1)
    old_id = rt.active_subscriptions[0].id
    rt.drop()
    await rt.wait_for(lambda: sub.gaps, what="gap notification")
    assert len(rt.connections) == 2
    # the same logical subscription, started again on the new connection
    assert rt.connections[1].starts[0]["id"] == old_id
    rt.publish(note(2))
    await asyncio.wait_for(task, 5)
    assert order == ["1", "gap", "2"]
    assert "closed" in sub.gaps[0].reason or "connection" in sub.gaps[0].reason


async def test_token_callable_called_again_on_reconnect(rt: FakeRealtime) -> None:
    issued: list[str] = []

    async def token() -> str:  # async callables work on the async client
        issued.append(f"tok-{len(issued) + 1}")
        return issued[-1]

    rt.tokens = {f"tok-{i}" for i in range(1, 20)}
    async with AsyncAppSyncClient(rt.url, auth=CognitoUserPoolsAuth(token), realtime=FAST) as c:
        sub = start(c)
        await ready(sub)
        rt.drop()
        await rt.wait_for(lambda: sub.gaps, what="gap")
        first, second = rt.connections
        assert first.auth is not None and second.auth is not None
        assert first.auth["Authorization"] == "tok-1"
        assert second.auth["Authorization"] == "tok-3"
        assert first.starts[0]["payload"]["extensions"]["authorization"]["Authorization"] == (
            "tok-2"
        )
        assert second.starts[0]["payload"]["extensions"]["authorization"]["Authorization"] == (
            "tok-4"
        )
    assert issued == ["tok-1", "tok-2", "tok-3", "tok-4"]


async def test_reconnect_gives_up_after_max_attempts(rt: FakeRealtime) -> None:
    options = RealtimeOptions(backoff_initial=0.01, backoff_max=0.02, max_reconnect_attempts=2)
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
        sub = start(c)
        await ready(sub)
        rt.connect_script.extend(["http_500"] * 5)
        rt.drop()
        await finished(sub)
    assert isinstance(sub.error, AppSyncNetworkError)
    assert "500" in str(sub.error)


async def test_gap_without_callback_is_logged(
    rt: FakeRealtime, client: AsyncAppSyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    items: list[dict[str, Any]] = []

    async def run() -> None:
        async for data in client.subscribe(SUBSCRIPTION, "OnNote"):
            items.append(data)
            break

    task = asyncio.create_task(run())
    await rt.wait_for(lambda: rt.active_subscriptions, what="start")
    with caplog.at_level(logging.WARNING, logger="appsync_runtime.realtime"):
        rt.drop()
        await rt.wait_for(
            lambda: len(rt.connections) == 2 and rt.connections[1].active, what="resubscribed"
        )
        await rt.wait_for(lambda: "on_gap" in caplog.text, what="gap warning")
    rt.publish(note(1))
    await asyncio.wait_for(task, 5)
    assert items == [note(1)]


# --------------------------------------------------------------------------- multiplexing


async def test_subscriptions_in_different_auth_modes_share_a_connection(rt: FakeRealtime) -> None:
    rt.tokens = {"jwt-1"}
    auth = [ApiKeyAuth(rt.api_key), CognitoUserPoolsAuth("jwt-1")]
    async with AsyncAppSyncClient(rt.url, auth=auth, realtime=FAST) as c:
        by_key = start(c)
        by_jwt = start(c, auth_modes=[AuthMode.AMAZON_COGNITO_USER_POOLS])
        by_override = start(c, auth=CognitoUserPoolsAuth("jwt-1"))
        await ready(by_key, by_jwt, by_override)
        [conn] = rt.connections
        auths = [s["payload"]["extensions"]["authorization"] for s in conn.starts]
        assert {"host": rt.host, "x-api-key": rt.api_key} in auths
        assert auths.count({"host": rt.host, "Authorization": "jwt-1"}) == 2
        assert rt.publish(note(1)) == 3


async def test_limit_spreads_subscriptions_over_connections(rt: FakeRealtime) -> None:
    options = RealtimeOptions(max_subscriptions_per_connection=2)
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
        subs = [start(c) for _ in range(5)]
        await ready(*subs)
        assert sorted(len(conn.active) for conn in rt.connections) == [1, 2, 2]
        assert rt.publish(note(1)) == 5
        for sub in subs:
            await sub.wait_items(1)
    await rt.wait_for(lambda: all(conn.closed for conn in rt.connections), what="all closed")


async def test_101st_subscription_opens_a_second_connection(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    subs = [start(client) for _ in range(101)]
    await ready(*subs, timeout=20)
    assert [len(conn.active) for conn in rt.connections] == [100, 1]
    assert rt.publish(note(1)) == 101
    for sub in subs:
        await sub.wait_items(1)
    assert all(sub.error is None for sub in subs)


# --------------------------------------------------------------------------- IAM-style auth


class RecordingIAM(AuthStrategy):
    """An IAM-shaped strategy: a SigV4-looking header over what it is asked to sign."""

    mode: ClassVar[AuthMode] = AuthMode.AWS_IAM

    def __init__(self) -> None:
        self.requests: list[AuthRequest] = []

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        self.requests.append(request)
        n = len(self.requests)
        return {
            "Authorization": f"AWS4-HMAC-SHA256 Credential=AKID/x, Signature=sig{n}",
            "X-Amz-Date": "20240101T000000Z",
        }


async def test_iam_style_headers_over_the_wire(rt: FakeRealtime) -> None:
    iam = RecordingIAM()
    async with AsyncAppSyncClient(rt.url, auth=iam, region="us-east-1", realtime=FAST) as c:
        sub = start(c, variables={"id": "1"})
        await ready(sub)
        connect_request, start_request = iam.requests
        [conn] = rt.connections
        [fake_sub] = conn.active
    assert connect_request.url == rt.url + "/connect"
    assert connect_request.body == b"{}"
    assert connect_request.method == "POST"
    assert connect_request.region == "us-east-1"
    assert conn.auth == {
        **CONNECT_HEADERS,
        "host": rt.host,
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=sig1",
        "X-Amz-Date": "20240101T000000Z",
    }
    assert start_request.url == rt.url
    assert start_request.body == fake_sub.data_text.encode()
    assert fake_sub.authorization["Authorization"].endswith("Signature=sig2")
    assert fake_sub.authorization["host"] == rt.host


# --------------------------------------------------------------------------- lifecycle


async def test_close_ends_everything_and_leaves_no_task(rt: FakeRealtime) -> None:
    c = AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST)
    subs = [start(c) for _ in range(3)]
    await ready(*subs)
    manager = c._realtime
    session = manager._session
    assert session is not None
    await c.close()
    await finished(*subs)
    assert all(sub.error is None for sub in subs)  # iterators simply end
    assert session.closed
    await asyncio.gather(*(s.task for s in subs if s.task))
    gc.collect()
    await asyncio.sleep(0)
    assert_no_tasks_left()
    await rt.wait_for(lambda: all(conn.closed for conn in rt.connections), what="closed")
    assert manager.connection_count == 0


async def test_close_while_reconnecting_leaves_no_task(rt: FakeRealtime) -> None:
    options = RealtimeOptions(backoff_initial=5.0, backoff_max=5.0)
    c = AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options)
    sub = start(c)
    await ready(sub)
    rt.connect_script.extend(["http_500"] * 3)
    rt.drop()
    await asyncio.sleep(0.1)  # now sleeping in the backoff
    await c.close()
    await finished(sub)
    assert sub.error is None
    assert sub.task is not None
    await sub.task
    assert_no_tasks_left()


async def test_client_is_usable_after_close(rt: FakeRealtime) -> None:
    c = AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST)
    first = start(c)
    await ready(first)
    await c.close()
    await finished(first)
    second = start(c, limit=1)
    await ready(second)
    rt.publish(note(1))
    await finished(second)
    assert second.items == [note(1)]
    await c.close()


async def test_secrets_stay_out_of_logs(rt: FakeRealtime, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rt.connect_script.extend(["connection_error_auth", "http_500"])
    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as c:
        sub = start(c)
        await ready(sub)
        rt.drop()
        await rt.wait_for(lambda: sub.gaps, what="gap")
        assert rt.api_key not in repr(c._realtime)
    text = caplog.text
    assert rt.api_key not in text
    assert "header=" not in text and "header-" not in text
    assert "reconnect" in text  # the logs do say what happened


# --------------------------------------------------------------------------- sync


def test_sync_subscribe(rt: FakeRealtime) -> None:
    ready_threads: list[str] = []

    def on_ready() -> None:
        ready_threads.append(threading.current_thread().name)
        rt.publish(note(1))
        rt.publish(note(2))

    with AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as client:
        items = []
        for data in client.subscribe(SUBSCRIPTION, "OnNote", {"id": "1"}, on_ready=on_ready):
            items.append(data)
            if len(items) == 2:
                break
        assert items == [note(1), note(2)]
        assert ready_threads == [threading.current_thread().name]
        rt.wait_for_sync(lambda: rt.connections[0].stops, what="stop")
        assert any(t.name == "appsync-realtime" for t in threading.enumerate())
    assert not any(t.name == "appsync-realtime" for t in threading.enumerate())


@pytest.mark.parametrize("kind", ["events", "data_errors"])
def test_sync_subscribe_waits_for_a_slow_loop_thread(
    rt: FakeRealtime, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The real-time thread may start running its loop well after the first
    subscription asks for its first item (a loaded machine): the iterator must wait
    for it, never take the not-yet-running loop for a closed client and end empty."""
    from appsync_runtime import _thread_driver

    real_run = _thread_driver.RealtimeThread._run

    def slow_run(*args: Any) -> None:
        time.sleep(0.3)
        real_run(*args)

    monkeypatch.setattr(_thread_driver.RealtimeThread, "_run", staticmethod(slow_run))

    def on_ready() -> None:
        if kind == "events":
            rt.publish(note(1))
        else:
            rt.publish_payload({"data": None, "errors": [{"message": "denied", "errorCode": 401}]})

    with AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as client:
        items = []
        if kind == "events":
            for data in client.subscribe(SUBSCRIPTION, "OnNote", on_ready=on_ready):
                items.append(data)
                break
            assert items == [note(1)]
        else:
            with pytest.raises(AppSyncGraphQLError, match="denied"):
                for data in client.subscribe(SUBSCRIPTION, "OnNote", on_ready=on_ready):
                    items.append(data)
            assert items == []


@pytest.mark.parametrize("callback", ["on_ready", "on_gap"])
def test_sync_subscribe_refuses_an_async_callback(rt: FakeRealtime, callback: str) -> None:
    """The blocking client cannot await an async callback; it would never run, so the
    subscription fails loudly (and stops) instead of going on without it."""
    ran: list[str] = []

    async def async_callback(*_: Any) -> None:
        ran.append(callback)

    def on_ready() -> None:
        rt.publish(note(1))

    options: dict[str, Any] = {"on_ready": on_ready, callback: async_callback}
    with AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as client:
        items = []
        with pytest.raises(AppSyncConfigError, match=f"{callback} returned an awaitable"):
            for data in client.subscribe(SUBSCRIPTION, "OnNote", **options):
                items.append(data)
                if callback == "on_gap":
                    rt.drop()
        rt.wait_for_sync(lambda: rt.connections[-1].stops, what="stop")
    assert ran == []
    assert items == ([] if callback == "on_ready" else [note(1)])


def test_sync_client_is_usable_after_close(rt: FakeRealtime) -> None:
    client = AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST)
    for round in (1, 2):
        items = []
        for data in client.subscribe(
            SUBSCRIPTION, "OnNote", on_ready=lambda round=round: rt.publish(note(round))
        ):
            items.append(data)
            break
        assert items == [note(round)]
        client.close()
        assert not any(t.name == "appsync-realtime" for t in threading.enumerate())


def test_sync_gap_and_close_from_another_thread(rt: FakeRealtime) -> None:
    gaps: list[tuple[SubscriptionGap, str]] = []
    items: list[dict[str, Any]] = []
    client = AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST)

    def on_gap(gap: SubscriptionGap) -> None:
        gaps.append((gap, threading.current_thread().name))
        rt.publish(note(2))

    def consume() -> None:
        for data in client.subscribe(
            SUBSCRIPTION, "OnNote", on_ready=lambda: rt.publish(note(1)), on_gap=on_gap
        ):
            items.append(data)
            if len(items) == 1:
                rt.drop()

    consumer = threading.Thread(target=consume, name="consumer")
    consumer.start()
    rt.wait_for_sync(lambda: len(items) == 2, what="event after the gap")
    client.close()  # ends the blocked iterator
    consumer.join(5)
    assert not consumer.is_alive()
    assert items == [note(1), note(2)]
    assert [name for _, name in gaps] == ["consumer"]
    assert not any(t.name == "appsync-realtime" for t in threading.enumerate())


def test_sync_errors_surface_in_the_iterating_thread(rt: FakeRealtime) -> None:
    rt.connect_script.extend(["connection_error_auth", "connection_error_auth"])
    with AppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST) as client:
        with pytest.raises(AppSyncAuthError):
            for _ in client.subscribe(SUBSCRIPTION):
                pass
        with pytest.raises(AppSyncConfigError, match="nope"):
            client.subscribe(SUBSCRIPTION, nope=1)


async def test_strategy_failure_at_start_fails_only_that_subscription(
    rt: FakeRealtime, client: AsyncAppSyncClient
) -> None:
    good = start(client)
    await ready(good)

    def broken() -> str:
        raise RuntimeError("token service unreachable")

    bad = start(client, auth=CognitoUserPoolsAuth(broken))
    await finished(bad)
    # wrapped as execute() wraps it (see test_realtime_hostile.py for the whole shape)
    assert isinstance(bad.error, AppSyncAuthError)
    assert isinstance(bad.error.__cause__, RuntimeError)
    rt.publish(note(1))
    await good.wait_items(1)
    assert good.error is None and len(rt.connections) == 1


async def test_strategy_failure_at_connect_fails_the_subscription(rt: FakeRealtime) -> None:
    def broken() -> str:
        raise RuntimeError("token service unreachable")

    async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(broken), realtime=FAST) as c:
        sub = start(c)
        await finished(sub)
        assert isinstance(sub.error, AppSyncAuthError)
        assert isinstance(sub.error.__cause__, RuntimeError)
        assert c._realtime.connection_count == 0
    assert rt.connections == []
