"""Real-time subscriptions through the generated example client, against the AWS
AppSync simulator.

Each test subscribes, fires the triggering mutation over HTTP from ``on_ready`` (once
the simulator acknowledged the ``start``: nothing published after that is missed) and
receives the event as the generated pydantic model. A :class:`Wire` spy sits between
the runtime and aiohttp's WebSocket: it counts the upgrades (one per connection) and
records every frame each way, so the tests can show one connection carrying several
subscriptions, and ``stop`` answered by ``complete``.

What the simulator cannot show is left to ``tests/unit/test_realtime_fake.py``: it
ignores subscription arguments (every subscriber of a field gets every event), sends
its first ``ka`` after 240 s, and never verifies signatures. Every test is bounded by
``asyncio.wait_for`` so a bug fails it instead of hanging CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import sys
import threading
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from ipaddress import IPv6Address, ip_address
from typing import Any, TypeVar, cast

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AuthStrategy,
    CognitoUserPoolsAuth,
    Credentials,
    IAMAuth,
)
from appsync_runtime._connection_manager import RealtimeManager
from tests.support.connect_auth import decode_connect_auth
from tests.support.simulator import EXAMPLE_SCHEMA_DIR
from tests.support.simulator_launcher import AppSyncSimulator

sys.path.insert(0, str(EXAMPLE_SCHEMA_DIR))

from example_client import AsyncClient
from example_client.enums import NoteStatus, Priority
from example_client.input_types import AddCommentInput, CreateNoteInput, UpdateNoteInput
from example_client.on_comment_added import OnCommentAdded
from example_client.on_note_changed import OnNoteChanged
from example_client.on_note_created import OnNoteCreated

T = TypeVar("T")

TEST_TIMEOUT = 20.0
"""Seconds any one test may take (the simulator answers in milliseconds)."""

IAM_CREDENTIALS = Credentials(
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "FQoGZXIvYXdzEXAMPLESESSIONTOKEN",
)


async def bounded(coro: Awaitable[T], timeout: float = TEST_TIMEOUT) -> T:
    """``coro`` within ``timeout`` seconds, so a lost event fails instead of hanging."""
    return await asyncio.wait_for(coro, timeout)


# --------------------------------------------------------------------------- wire spy


class _RecordingSocket:
    """Stands in for aiohttp's ``ClientWebSocketResponse`` (whose slots forbid patching
    an instance): records the frames, delegates everything else."""

    def __init__(self, ws: Any, wire: Wire) -> None:
        self._ws = ws
        self._wire = wire

    async def send_str(self, data: str, *args: Any, **kwargs: Any) -> None:
        self._wire.sent.append(json.loads(data))
        await self._ws.send_str(data, *args, **kwargs)

    async def receive(self, *args: Any, **kwargs: Any) -> Any:
        msg = await self._ws.receive(*args, **kwargs)
        if isinstance(msg.data, str):
            with contextlib.suppress(ValueError):
                self._wire.received.append(json.loads(msg.data))
        return msg

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)


@dataclass
class Wire:
    """What crossed the real-time sockets of every client in one test."""

    connect_auth: list[dict[str, Any]] = field(default_factory=list)
    """The auth object of each WebSocket upgrade, decoded as a server would."""
    sent: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)

    @property
    def upgrades(self) -> int:
        return len(self.connect_auth)

    def sent_of(self, kind: str) -> list[dict[str, Any]]:
        return [frame for frame in self.sent if frame.get("type") == kind]

    def received_of(self, kind: str) -> list[dict[str, Any]]:
        return [frame for frame in self.received if frame.get("type") == kind]

    async def wait_received(self, kind: str, id: str, timeout: float = 5.0) -> None:
        await self._wait(lambda: any(f.get("id") == id for f in self.received_of(kind)), timeout)

    async def wait_sent(self, kind: str, id: str, timeout: float = 5.0) -> None:
        await self._wait(lambda: any(f.get("id") == id for f in self.sent_of(kind)), timeout)

    @staticmethod
    async def _wait(predicate: Callable[[], bool], timeout: float) -> None:
        async def poll() -> None:
            while not predicate():
                await asyncio.sleep(0.005)

        await asyncio.wait_for(poll(), timeout)


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> Wire:
    spy = Wire()
    original = RealtimeManager.upgrade

    async def upgrade(
        self: RealtimeManager, url: str, protocols: tuple[str, ...], headers: Any
    ) -> Any:
        spy.connect_auth.append(decode_connect_auth(url, protocols, headers) or {})
        ws = await original(self, url, protocols, headers)
        return _RecordingSocket(ws, spy)

    monkeypatch.setattr(RealtimeManager, "upgrade", upgrade)
    return spy


# --------------------------------------------------------------------------- helpers


def every_scalar(title: str) -> CreateNoteInput:
    return CreateNoteInput(
        title=title,
        body="delivered over the real-time WebSocket",
        status=NoteStatus.PUBLISHED,
        priority=Priority.HIGH,
        tags=["realtime", "typed"],
        checklist=[["subscribe", "mutate"], ["receive"]],
        due_date=date(2031, 3, 14),
        reminder_time=time(6, 30, 15, 250000, tzinfo=timezone.utc),
        scheduled_at=datetime(2031, 3, 1, 12, 0, 0, 125000, tzinfo=timezone.utc),
        expires_at=1_950_000_000,
        contact_email="realtime@example.com",
        contact_phone="+1 206-555-0199",
        link="https://example.com/realtime",
        metadata={"source": "subscription test", "n": [1, 2.5, None]},
        source_ip=ip_address("2001:db8::42"),
    )


def generator(events: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    """A generated subscription method's result, typed as what it is at run time: an
    async generator (it is annotated ``AsyncIterator``, which hides ``aclose``)."""
    assert inspect.isasyncgen(events)
    return cast("AsyncGenerator[T, None]", events)


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:12]}"


async def first_matching(
    events: AsyncIterator[T], match: Callable[[T], bool], timeout: float = 10.0
) -> T:
    """The first event ``match`` accepts (the simulator sends every subscriber every
    event of its field, whatever the arguments), then leave the loop, closing the
    iterator (which stops the subscription)."""

    async def take() -> T:
        async with contextlib.aclosing(generator(events)) as stream:
            async for event in stream:
                if match(event):
                    return event
        raise AssertionError("the subscription ended without the expected event")

    return await asyncio.wait_for(take(), timeout)


def auth_for(mode: str, simulator: AppSyncSimulator) -> AuthStrategy:
    if mode == "api_key":
        return ApiKeyAuth(simulator.api_key)
    if mode == "cognito":
        return CognitoUserPoolsAuth(simulator.cognito_token(groups=["writers"]))
    # The simulator checks only the AWS4-HMAC-SHA256 prefix; the signature itself is
    # verified against botocore in tests/unit/test_iam.py.
    return IAMAuth(IAM_CREDENTIALS, region="us-east-1")


def assert_auth(mode: str, auth: dict[str, Any], simulator: AppSyncSimulator) -> None:
    """``auth`` (a connect's or a ``start``'s) is in ``mode`` and names the API host."""
    assert auth.get("host") == simulator.host
    if mode == "api_key":
        assert auth.get("x-api-key") == simulator.api_key
    elif mode == "cognito":
        assert auth.get("Authorization", "").count(".") == 2  # a raw JWT, no "Bearer "
        assert "x-api-key" not in auth
    else:
        assert auth.get("Authorization", "").startswith("AWS4-HMAC-SHA256 Credential=AKIA")
        assert auth.get("X-Amz-Security-Token") == IAM_CREDENTIALS.session_token
        assert auth.get("X-Amz-Date") or auth.get("x-amz-date")


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("mode", ["api_key", "cognito", "iam"])
async def test_subscription_delivers_a_typed_event(
    mode: str, simulator: AppSyncSimulator, wire: Wire
) -> None:
    """Subscribe in each auth mode, create a note once the start is acknowledged, and
    receive it as ``OnNoteCreated`` with every AppSync scalar parsed."""
    sent = every_scalar(unique(f"realtime {mode}"))
    created: list[str] = []

    async def run() -> OnNoteCreated:
        async with AsyncClient(url=simulator.url, auth=auth_for(mode, simulator)) as client:

            async def on_ready() -> None:
                note = (await client.create_note(input=sent)).create_note
                assert note is not None
                created.append(note.id)

            return await first_matching(
                client.on_note_created(on_ready=on_ready),
                lambda e: e.on_note_created is not None and e.on_note_created.title == sent.title,
            )

    event = await bounded(run())

    assert isinstance(event, OnNoteCreated)
    note = event.on_note_created
    assert note is not None and [note.id] == created
    assert note.status is NoteStatus.PUBLISHED and note.priority is Priority.HIGH
    assert note.due_date == sent.due_date
    assert note.reminder_time == sent.reminder_time
    assert note.scheduled_at == sent.scheduled_at
    assert isinstance(note.created_at, datetime) and note.created_at.tzinfo is not None
    assert note.expires_at == sent.expires_at
    assert note.metadata == sent.metadata
    assert note.source_ip == IPv6Address("2001:db8::42")
    assert note.checklist == sent.checklist
    assert note.contact_email == sent.contact_email and note.link == sent.link

    # The connect and the start both carried this mode's auth.
    assert wire.upgrades == 1
    assert_auth(mode, wire.connect_auth[0], simulator)
    (start,) = wire.sent_of("start")
    assert_auth(mode, start["payload"]["extensions"]["authorization"], simulator)
    assert json.loads(start["payload"]["data"])["operationName"] == "OnNoteCreated"
    assert wire.sent[0] == {"type": "connection_init"}


async def test_several_subscriptions_share_one_connection(
    simulator: AppSyncSimulator, wire: Wire
) -> None:
    """Three subscriptions of three fields, one of them in another auth mode, ride one
    WebSocket; each receives its own typed event."""
    before = asyncio.all_tasks()

    async def run() -> tuple[OnNoteCreated, OnNoteChanged, OnCommentAdded]:
        async with AsyncClient(url=simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
            base = (
                await client.create_note(input=CreateNoteInput(title=unique("base")))
            ).create_note
            assert base is not None
            title = unique("created")
            ready = {name: asyncio.Event() for name in ("created", "changed", "comment")}
            cognito = CognitoUserPoolsAuth(simulator.cognito_token())

            created = asyncio.create_task(
                first_matching(
                    client.on_note_created(on_ready=ready["created"].set),
                    lambda e: e.on_note_created is not None and e.on_note_created.title == title,
                )
            )
            changed = asyncio.create_task(
                first_matching(
                    client.on_note_changed(id=base.id, on_ready=ready["changed"].set),
                    lambda e: e.on_note_changed is not None and e.on_note_changed.id == base.id,
                )
            )
            comment = asyncio.create_task(
                first_matching(
                    client.on_comment_added(
                        note_id=base.id, on_ready=ready["comment"].set, auth=cognito
                    ),
                    lambda e: (
                        e.on_comment_added is not None and e.on_comment_added.note_id == base.id
                    ),
                )
            )
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ready.values())), 10)
            assert client._realtime.connection_count == 1

            await client.create_note(input=CreateNoteInput(title=title))
            await client.update_note(
                input=UpdateNoteInput(id=base.id, expected_version=base.version, title="edited")
            )
            await client.add_comment(input=AddCommentInput(note_id=base.id, body="first!"))
            return await asyncio.gather(created, changed, comment)

    created, changed, comment = await bounded(run())

    assert isinstance(created, OnNoteCreated) and created.on_note_created is not None
    assert isinstance(changed, OnNoteChanged) and changed.on_note_changed is not None
    assert changed.on_note_changed.title == "edited"
    assert isinstance(comment, OnCommentAdded) and comment.on_comment_added is not None
    assert comment.on_comment_added.body == "first!"
    assert isinstance(comment.on_comment_added.created_at, datetime)

    assert wire.upgrades == 1, "every subscription shares one WebSocket"
    starts = wire.sent_of("start")
    assert len(starts) == 3 and len({s["id"] for s in starts}) == 3
    modes = sorted(
        "api_key" if "x-api-key" in s["payload"]["extensions"]["authorization"] else "jwt"
        for s in starts
    )
    assert modes == ["api_key", "api_key", "jwt"]
    assert len(wire.received_of("start_ack")) == 3
    assert asyncio.all_tasks() == before


async def test_stop_is_answered_by_complete_and_the_rest_go_on(
    simulator: AppSyncSimulator, wire: Wire
) -> None:
    """Leaving one subscription's loop sends ``stop``; the simulator answers
    ``complete`` and the other subscription on the connection keeps receiving."""
    before = asyncio.all_tasks()

    async def run() -> None:
        async with AsyncClient(url=simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
            first_ready, second_ready = asyncio.Event(), asyncio.Event()
            titles = [unique("one"), unique("two")]
            second_events: list[OnNoteCreated] = []

            async def second() -> None:
                stream = client.on_note_created(on_ready=second_ready.set)
                async with contextlib.aclosing(generator(stream)) as events:
                    async for event in events:
                        assert event.on_note_created is not None
                        if event.on_note_created.title in titles:
                            second_events.append(event)
                        if len(second_events) == 2:
                            return

            second_task = asyncio.create_task(second())
            await asyncio.wait_for(second_ready.wait(), 10)
            first = client.on_note_created(on_ready=first_ready.set)
            async with contextlib.aclosing(generator(first)) as events:
                waiting = asyncio.ensure_future(events.__anext__())
                await asyncio.wait_for(first_ready.wait(), 10)
                await client.create_note(input=CreateNoteInput(title=titles[0]))
                event = await asyncio.wait_for(waiting, 10)
                assert event.on_note_created is not None
            # Closing the first subscription (started second) sends its stop, the
            # simulator answers complete, and the connection stays for the other one.
            # (The generated method does not close subscribe's iterator itself: the
            # stop goes out when the loop's async-generator finalizer closes it.)
            first_id = wire.sent_of("start")[1]["id"]
            await wire.wait_sent("stop", first_id)
            await wire.wait_received("complete", first_id)
            assert [stop["id"] for stop in wire.sent_of("stop")] == [first_id]
            assert client._realtime.connection_count == 1

            await client.create_note(input=CreateNoteInput(title=titles[1]))
            await asyncio.wait_for(second_task, 10)
            assert [e.on_note_created.title for e in second_events if e.on_note_created] == titles

            # The last subscription gone, the connection closes by itself.
            for _ in range(200):
                if client._realtime.connection_count == 0:
                    break
                await asyncio.sleep(0.01)
            assert client._realtime.connection_count == 0

    await bounded(run())
    assert wire.upgrades == 1
    assert len(wire.sent_of("stop")) == 2
    assert asyncio.all_tasks() == before


async def test_break_then_close_leaves_no_tasks(simulator: AppSyncSimulator, wire: Wire) -> None:
    """A plain ``break`` out of ``async for`` (no ``aclosing``), several subscriptions
    still open, then ``await client.close()``: no task of the client survives."""
    before = asyncio.all_tasks()

    async def run() -> None:
        client = AsyncClient(url=simulator.url, auth=ApiKeyAuth(simulator.api_key))
        others_ready = asyncio.Event()
        other = client.on_note_changed(on_ready=others_ready.set)
        other_task = asyncio.create_task(anext(other, None))
        await asyncio.wait_for(others_ready.wait(), 10)

        title = unique("break")

        async def on_ready() -> None:
            await client.create_note(input=CreateNoteInput(title=title))

        received = None
        async for event in client.on_note_created(on_ready=on_ready):
            if event.on_note_created is not None and event.on_note_created.title == title:
                received = event
                break
        assert received is not None
        # Dropping the iterator stops its subscription (through the loop's async
        # generator finalizer); the other one keeps the connection open.
        broken_id = wire.sent_of("start")[1]["id"]
        await wire.wait_sent("stop", broken_id)
        assert client._realtime.connection_count == 1
        assert asyncio.all_tasks() - before, "the connection's tasks run until close()"

        await client.close()
        # close() ended the pending subscription too: its iterator finishes
        assert await asyncio.wait_for(other_task, 5) is None
        await generator(other).aclose()

    await bounded(run())
    assert asyncio.all_tasks() == before
    assert wire.upgrades == 1


def test_sync_client_subscribe(simulator: AppSyncSimulator) -> None:
    """The blocking client's ``subscribe`` (a loop in a background thread) against the
    same server. A watchdog closes the client if the event never comes, which ends the
    iterator instead of hanging."""
    title = unique("sync")
    query = "subscription OnNoteCreated { onNoteCreated { id title status createdAt dueDate } }"
    received: list[dict[str, Any]] = []

    with AppSyncClient(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        watchdog = threading.Timer(TEST_TIMEOUT, client.close)
        watchdog.start()

        def on_ready() -> None:
            client.execute(
                "mutation M($input: CreateNoteInput!) { createNote(input: $input) { id } }",
                "M",
                {"input": {"title": title, "dueDate": "2031-01-02"}},
            )

        events: Iterator[dict[str, Any]] = client.subscribe(
            query, "OnNoteCreated", on_ready=on_ready
        )
        try:
            for data in events:
                if data["onNoteCreated"]["title"] == title:
                    received.append(data)
                    break
        finally:
            watchdog.cancel()
    (data,) = received
    assert data["onNoteCreated"]["dueDate"] == "2031-01-02"


def test_generated_sync_client_subscription(simulator: AppSyncSimulator, wire: Wire) -> None:
    """The generated blocking client's typed subscription method, when it has one."""
    from example_client import Client

    if not hasattr(Client, "on_comment_added"):
        pytest.skip("this generated sync client has no subscription methods")
    with Client(url=simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        watchdog = threading.Timer(TEST_TIMEOUT, client.close)
        watchdog.start()
        try:
            base = client.create_note(input=CreateNoteInput(title=unique("sync base"))).create_note
            assert base is not None
            body = unique("sync comment")

            def on_ready() -> None:
                client.add_comment(input=AddCommentInput(note_id=base.id, body=body))

            received: list[OnCommentAdded] = []
            for event in client.on_comment_added(note_id=base.id, on_ready=on_ready):
                if event.on_comment_added is not None and event.on_comment_added.body == body:
                    received.append(event)
                    break
        finally:
            watchdog.cancel()
    (event,) = received
    assert isinstance(event, OnCommentAdded) and event.on_comment_added is not None
    assert event.on_comment_added.note_id == base.id
    assert isinstance(event.on_comment_added.created_at, datetime)
    assert wire.upgrades == 1
