"""The generated example client against the local AppSync simulator, on both transports.

Every test runs once with the sync client (httpx) and once with the async client
(aiohttp), through the same typed methods.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Iterator
from datetime import date, datetime, time, timezone
from ipaddress import ip_address
from typing import Any

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncConfigError,
    AppSyncErrorPageError,
    AppSyncGraphQLError,
    AppSyncNetworkError,
    AuthFailureReason,
    AuthStrategy,
    CognitoUserPoolsAuth,
    OIDCAuth,
)
from tests.support.fake_appsync import FakeAppSync, Reply
from tests.support.ports import free_port
from tests.support.simulator import EXAMPLE_SCHEMA_DIR
from tests.support.simulator_launcher import AppSyncSimulator

sys.path.insert(0, str(EXAMPLE_SCHEMA_DIR))

from example_client import AsyncClient, Client
from example_client.enums import NoteStatus, Priority
from example_client.input_types import CreateNoteInput, UpdateNoteInput


class Caller:
    """Runs a typed method on the sync or the async generated client."""

    def __init__(self, kind: str, url: str, auth: AuthStrategy | list[AuthStrategy]) -> None:
        self.kind = kind
        self.url = url
        self.auth = auth

    def __call__(self, method: str, **kwargs: Any) -> Any:
        if self.kind == "sync":
            with Client(url=self.url, auth=self.auth) as client:
                return getattr(client, method)(**kwargs)

        async def run() -> Any:
            async with AsyncClient(url=self.url, auth=self.auth) as client:
                coro: Awaitable[Any] = getattr(client, method)(**kwargs)
                return await coro

        return asyncio.run(run())


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def call(kind: str, simulator: AppSyncSimulator) -> Caller:
    return Caller(kind, simulator.url, ApiKeyAuth(simulator.api_key))


def every_scalar(title: str) -> CreateNoteInput:
    return CreateNoteInput(
        title=title,
        body="all nine AWS scalars",
        status=NoteStatus.PUBLISHED,
        priority=Priority.URGENT,
        tags=["a", "b"],
        checklist=[["milk", "eggs"], ["bread"]],
        due_date=date(2030, 2, 28),
        reminder_time=time(7, 45, 30, 120000, tzinfo=timezone.utc),
        scheduled_at=datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc),
        expires_at=1_900_000_000,
        contact_email="ops@example.com",
        contact_phone="+1 206-555-0100",
        link="https://example.com/notes/1",
        metadata={"nested": {"list": [1, 2.5, None, True]}, "unicode": "✓"},
        source_ip=ip_address("2001:db8::1"),
    )


def test_typed_query_returns_models(call: Caller) -> None:
    result = call("get_note", id="note-1")
    note = result.get_note
    assert note is not None and note.id == "note-1"
    assert isinstance(note.created_at, datetime) and note.created_at.tzinfo is not None
    assert isinstance(note.status, NoteStatus)
    assert isinstance(note.metadata, dict)


def test_every_scalar_round_trips(call: Caller) -> None:
    sent = every_scalar(f"scalars via {call.kind}")
    created = call("create_note", input=sent).create_note
    fetched = call("get_note", id=created.id).get_note
    assert fetched is not None
    for note in (created, fetched):
        assert note.due_date == sent.due_date
        assert note.reminder_time == sent.reminder_time
        assert note.scheduled_at == sent.scheduled_at
        assert note.expires_at == sent.expires_at
        assert note.contact_email == sent.contact_email
        assert note.contact_phone == sent.contact_phone
        assert note.link == sent.link
        assert note.metadata == sent.metadata
        assert note.source_ip == sent.source_ip
        assert note.checklist == sent.checklist
        assert note.status is NoteStatus.PUBLISHED and note.priority is Priority.URGENT


def test_mutation_then_update_with_versions(call: Caller) -> None:
    created = call("create_note", input=CreateNoteInput(title="v1")).create_note
    updated = call(
        "update_note",
        input=UpdateNoteInput(id=created.id, expected_version=created.version, title="v2"),
    ).update_note
    assert updated is not None
    assert (updated.title, updated.version) == ("v2", created.version + 1)
    assert updated.updated_at >= created.updated_at


def test_resolver_error_carries_error_type_info_and_data(call: Caller) -> None:
    created = call("create_note", input=CreateNoteInput(title="conflict")).create_note
    with pytest.raises(AppSyncGraphQLError) as info:
        call("update_note", input=UpdateNoteInput(id=created.id, expected_version=99))
    err = info.value
    entry = err.errors[0]
    assert err.error_type == "NoteVersionConflict"
    assert entry.error_info == {
        "noteId": created.id,
        "expectedVersion": 99,
        "currentVersion": created.version,
    }
    assert entry.data["id"] == created.id
    assert entry.path == ("updateNote",)
    assert err.data == {"updateNote": None}


def test_operation_no_configured_mode_can_run_is_refused_before_sending(call: Caller) -> None:
    """GetNoteForModeration reads Cognito-only fields: an API-key-only client refuses it."""
    with pytest.raises(AppSyncConfigError, match="AMAZON_COGNITO_USER_POOLS"):
        call("get_note_for_moderation", id="note-1")


def test_field_the_caller_may_not_read_gives_partial_data(call: Caller) -> None:
    """Forcing the API key past the generated auth modes: AppSync answers with
    partial data and a field-level Unauthorized error."""
    with pytest.raises(AppSyncGraphQLError) as info:
        call("get_note_for_moderation", id="note-1", auth_modes=["API_KEY"])
    err = info.value
    assert err.error_type == "Unauthorized"
    assert {e.path for e in err.errors} >= {("getNote", "moderationNotes")}
    assert err.data is not None
    assert err.data["getNote"]["title"] and err.data["getNote"]["moderationNotes"] is None


@pytest.mark.parametrize("mode", ["cognito", "oidc"])
def test_jwt_modes(kind: str, simulator: AppSyncSimulator, mode: str) -> None:
    if mode == "cognito":
        auth: AuthStrategy = CognitoUserPoolsAuth(simulator.cognito_token(groups=["admins"]))
    else:
        auth = OIDCAuth(lambda: simulator.oidc_token(sub="oidc-user"))
    call = Caller(kind, simulator.url, auth)
    me = call("me").me
    assert me is not None
    note = call("get_note", id="note-1").get_note
    assert note is not None and note.id == "note-1"
    if mode == "cognito":
        moderated = call("get_note_for_moderation", id="note-1").get_note
        assert moderated is not None and moderated.moderation_notes is not None


def test_operation_specific_strategy_is_picked(kind: str, simulator: AppSyncSimulator) -> None:
    """With a list of strategies, each operation uses the first one it allows."""
    admin = CognitoUserPoolsAuth(simulator.cognito_token(groups=["admins"]))
    call = Caller(kind, simulator.url, [ApiKeyAuth(simulator.api_key), admin])
    assert call("get_note_for_moderation", id="note-1").get_note is not None
    with pytest.raises(AppSyncGraphQLError):
        call("get_note_for_moderation", id="note-1", auth_modes=["API_KEY"])
    assert call("get_note", id="note-1", auth=admin).get_note is not None


def test_wrong_key_is_auth_error(kind: str, simulator: AppSyncSimulator) -> None:
    call = Caller(kind, simulator.url, ApiKeyAuth("da2-wrongwrongwrongwrongwrong"))
    with pytest.raises(AppSyncAuthError) as info:
        call("get_note", id="note-1")
    assert info.value.status == 401
    assert info.value.reason == AuthFailureReason.UNAUTHORIZED
    assert info.value.error_type == "UnauthorizedException"
    assert "wrongwrong" not in str(info.value)


def test_validation_error(kind: str, simulator: AppSyncSimulator) -> None:
    async def run() -> None:
        from appsync_runtime import AsyncAppSyncClient

        async with AsyncAppSyncClient(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as c:
            await c.execute('query { getNote(id: "note-1") { notAField } }')

    def run_sync() -> None:
        from appsync_runtime import AppSyncClient

        with AppSyncClient(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as c:
            c.execute('query { getNote(id: "note-1") { notAField } }')

    with pytest.raises(AppSyncGraphQLError) as info:
        run_sync() if kind == "sync" else asyncio.run(run())
    assert "notAField" in str(info.value)
    assert info.value.error_type is None and info.value.data is None


def test_nothing_listening_is_network_error(kind: str) -> None:
    call = Caller(kind, f"http://127.0.0.1:{free_port()}/graphql", ApiKeyAuth("da2-x"))
    with pytest.raises(AppSyncNetworkError) as info:
        call("get_note", id="note-1")
    assert info.value.status is None and info.value.sent is False


@pytest.fixture(scope="module")
def html_502() -> Iterator[FakeAppSync]:
    with FakeAppSync() as fake:
        fake.default = Reply(
            502,
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            {"content-type": "text/html"},
        )
        yield fake


def test_html_502_from_a_proxy(kind: str, html_502: FakeAppSync) -> None:
    call = Caller(kind, html_502.url, ApiKeyAuth("da2-x"))
    with pytest.raises(AppSyncErrorPageError) as info:
        call("get_note", id="note-1")
    assert info.value.status == 502 and b"Bad Gateway" in info.value.body


def test_unset_arguments_are_left_out(kind: str, simulator: AppSyncSimulator) -> None:
    """Optional arguments left UNSET take the operation's defaults (limit 10)."""
    call = Caller(kind, simulator.url, ApiKeyAuth(simulator.api_key))
    everything = call("list_notes").list_notes
    assert len(everything.items) >= 3
    page = call("list_notes", limit=1).list_notes
    assert len(page.items) == 1 and page.next_token
    follow = call("list_notes", limit=1, next_token=page.next_token).list_notes
    assert follow.items[0].id != page.items[0].id
