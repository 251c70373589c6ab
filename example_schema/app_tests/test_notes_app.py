"""Tests of ``notes_app`` written as a user of appsync-typed writes them: the
``appsync_fake`` fixture (the pytest plugin) stands in for AppSync under the real
generated client."""

from __future__ import annotations

import pytest
from notes_app import create_note, first_new_notes, note_title, note_titles, watch_new_notes

from appsync_runtime import ApiKeyAuth, AppSyncThrottledError, RealtimeOptions
from appsync_runtime.testing import AppSyncFake, build, graphql_error, throttled
from example_client import AsyncClient, Client, GetNote, OnNoteCreated

URL = "https://example123.appsync-api.eu-west-1.amazonaws.com/graphql"
AUTH = ApiKeyAuth("da2-exampleexampleexample00")
FAST = RealtimeOptions(backoff_initial=0.01, backoff_max=0.05)


def test_note_title(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(Client.get_note).reply(build(GetNote, get_note={"title": "Groceries"}))
    with Client(URL, auth=AUTH) as client:
        assert note_title(client, "n1") == "Groceries"
    call = appsync_fake.assert_called(Client.get_note, variables={"id": "n1"})
    assert call.auth_mode == "API_KEY"
    assert call.headers["x-api-key"] == "***"


def test_deleted_note(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on("GetNote").reply({"getNote": None})
    with Client(URL, auth=AUTH) as client:
        assert note_title(client, "gone") == "(deleted)"


def test_duplicate_title_is_reported(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(Client.create_note).reply(
        graphql_error("title taken", error_type="DuplicateTitle", path=["createNote"])
    )
    with Client(URL, auth=AUTH) as client:
        assert create_note(client, "Groceries", ["home"]) == "duplicate: Groceries"
    sent = appsync_fake.assert_called(Client.create_note, times=1)
    assert sent.variables["input"]["title"] == "Groceries"


def test_throttling_is_retried(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(Client.get_note).reply(
        throttled(retry_after=0), build(GetNote, get_note={"title": "Groceries"})
    )
    with Client(URL, auth=AUTH) as client:
        assert note_title(client, "n1") == "Groceries"
    assert [call.attempt for call in appsync_fake.calls] == [1, 2]


def test_throttling_without_retries_raises(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(Client.create_note).reply(throttled(retry_after=0))
    with Client(URL, auth=AUTH, retry=None) as client, pytest.raises(AppSyncThrottledError):
        create_note(client, "Groceries", [])


@pytest.mark.asyncio
async def test_note_titles(appsync_fake: AppSyncFake) -> None:
    appsync_fake.on(AsyncClient.get_note, variables={"id": "a"}).reply(
        build(GetNote, get_note={"title": "A"})
    )
    appsync_fake.on(AsyncClient.get_note, variables={"id": "b"}).reply({"getNote": None})
    async with AsyncClient(URL, auth=AUTH) as client:
        assert await note_titles(client, ["a", "b"]) == ["A", "(deleted)"]


def test_watch_new_notes(appsync_fake: AppSyncFake) -> None:
    ready: list[bool] = []
    (
        appsync_fake.on(Client.on_note_created, variables={"authorId": "u1"})
        .event(build(OnNoteCreated, on_note_created={"title": "first"}))
        .drop()
        .event({"onNoteCreated": None})
        .event(build(OnNoteCreated, on_note_created={"title": "second"}))
        .complete()
    )
    with Client(URL, auth=AUTH, realtime=FAST) as client:
        titles, gaps = watch_new_notes(client, "u1", on_ready=lambda: ready.append(True))
    assert titles == ["first", "second"]
    assert gaps == 1
    assert ready == [True]


@pytest.mark.asyncio
async def test_first_new_notes(appsync_fake: AppSyncFake) -> None:
    feed = appsync_fake.on(AsyncClient.on_note_created)
    feed.event(*(build(OnNoteCreated, on_note_created={"title": t}) for t in "xyz"))
    async with AsyncClient(URL, auth=AUTH, realtime=FAST) as client:
        assert await first_new_notes(client, 2) == ["x", "y"]
    assert feed.starts == 1
