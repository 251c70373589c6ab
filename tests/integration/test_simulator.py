"""The local AppSync simulator and the example notes API, over raw HTTP and WebSocket.

These tests prove the peer the typed client is tested against: what AppSync-shaped
responses the simulator gives for success, partial authorization, auth failures,
validation and resolver errors, and that it only listens on 127.0.0.1. Several tests
pin simulator quirks the client must cope with (see the ``quirk`` comments).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest

from tests.support.simulator import (
    EXAMPLE_SCHEMA_DIR,
    EXAMPLE_SIMULATOR_CONFIG,
    SIMULATOR_DIR,
    skip_unless_simulator_available,
)
from tests.support.simulator_launcher import (
    AppSyncSimulator,
    SimulatorError,
    cognito_claims,
    mint_jwt,
    oidc_claims,
)

SECONDARY_API_KEY = "da2-secondaryapikey000000000"
FAKE_SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/appsync/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64
)
OPERATIONS = "\n".join(
    path.read_text() for path in sorted((EXAMPLE_SCHEMA_DIR / "operations").glob("*.graphql"))
)
AWS_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")

NOTE_FIELDS = """
    id title body status priority tags checklist authorId
    dueDate reminderTime scheduledAt expiresAt contactEmail contactPhone link metadata sourceIp
    createdAt updatedAt version
"""


def post(
    sim: AppSyncSimulator,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST a GraphQL request; API key auth unless ``headers`` say otherwise."""
    return httpx.post(
        sim.url,
        json={"query": query, "variables": variables or {}},
        headers={"x-api-key": sim.api_key} if headers is None else headers,
        timeout=10,
    )


def operation_document(name: str) -> str:
    """The named operation of example_schema/operations plus the fragments it uses,
    as a client sends it (the simulator's real-time server ignores operationName, so a
    document must hold one operation)."""
    graphql = pytest.importorskip("graphql")
    document = graphql.parse(OPERATIONS)
    operations = {d.name.value: d for d in document.definitions if d.kind == "operation_definition"}
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    needed: list[Any] = [operations[name]]
    seen: set[str] = set()
    index = 0
    while index < len(needed):
        for spread in _fragment_spreads(needed[index]):
            if spread not in seen:
                seen.add(spread)
                needed.append(fragments[spread])
        index += 1
    return "\n\n".join(graphql.print_ast(node) for node in needed)


def _fragment_spreads(node: Any) -> list[str]:
    names: list[str] = []
    for selection in node.selection_set.selections if node.selection_set else ():
        if selection.kind == "fragment_spread":
            names.append(selection.name.value)
        elif selection.selection_set is not None:
            names += _fragment_spreads(selection)
    return names


def run_operation(
    sim: AppSyncSimulator,
    name: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> Any:
    """Run one named operation of example_schema/operations; return its data."""
    response = httpx.post(
        sim.url,
        json={
            "query": operation_document(name),
            "operationName": name,
            "variables": variables or {},
        },
        headers={"x-api-key": sim.api_key} if headers is None else headers,
        timeout=10,
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, (name, body)
    return body["data"]


def create_note(sim: AppSyncSimulator, **fields: Any) -> dict[str, Any]:
    note_input = {"title": f"test note {uuid.uuid4()}", **fields}
    response = post(
        sim,
        f"mutation($input: CreateNoteInput!) {{ createNote(input: $input) {{ {NOTE_FIELDS} }} }}",
        {"input": note_input},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    note: dict[str, Any] = body["data"]["createNote"]
    return note


# --------------------------------------------------------------------------- success


def test_api_key_query_returns_seeded_note(simulator: AppSyncSimulator) -> None:
    response = post(
        simulator,
        """query GetNote($id: ID!) {
             getNote(id: $id) { id title status tags checklist author { id name email }
                                metadata createdAt comments(limit: 1) { items { id } nextToken } }
           }""",
        {"id": "note-1"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "errors" not in body
    note = body["data"]["getNote"]
    assert note["id"] == "note-1"
    assert note["title"] == "Welcome to team notes"
    assert note["status"] == "PUBLISHED"
    assert note["checklist"] == [["read the handbook", "set up MFA"], ["say hello"]]
    assert note["author"] == {"id": "author-1", "name": "Ada Lovelace", "email": "ada@example.com"}
    # AWSJSON comes back as a compact JSON string.
    assert json.loads(note["metadata"]) == {
        "color": "blue",
        "pinnedBy": ["author-1"],
        "revision": 3,
    }
    assert note["createdAt"] == "2024-05-01T12:30:00.123Z"
    assert note["comments"]["items"] == [{"id": "comment-1"}]
    assert note["comments"]["nextToken"]


def test_missing_note_is_null_without_errors(simulator: AppSyncSimulator) -> None:
    body = post(simulator, '{ getNote(id: "no-such-note") { id } }').json()
    assert body == {"data": {"getNote": None}}


def test_create_then_get_round_trips_every_scalar(simulator: AppSyncSimulator) -> None:
    metadata = {"nested": {"list": [1, 2.5, None, True]}, "text": "héllo ✓"}
    sent = {
        "body": "Every AWS scalar, sent and read back.",
        "status": "PUBLISHED",
        "priority": "HIGH",
        "tags": ["scalars", "round-trip"],
        "checklist": [["a", "b"], [], ["c"]],
        "dueDate": "2024-06-30",  # AWSDate
        "reminderTime": "08:15:30.5Z",  # AWSTime
        "scheduledAt": "2024-05-01T12:30:00.123456789Z",  # AWSDateTime, 9 digits
        "expiresAt": 1767225600,  # AWSTimestamp
        "contactEmail": "owner@example.com",  # AWSEmail
        "contactPhone": "+14155552671",  # AWSPhone
        "link": "https://example.com/notes/42?view=full",  # AWSURL
        "metadata": json.dumps(metadata),  # AWSJSON: a JSON document as a string
        "sourceIp": "2001:db8::1",  # AWSIPAddress
    }
    created = create_note(simulator, **sent)
    body = post(
        simulator,
        f"query($id: ID!) {{ getNote(id: $id) {{ {NOTE_FIELDS} }} }}",
        {"id": created["id"]},
    ).json()
    assert "errors" not in body
    fetched = body["data"]["getNote"]
    assert fetched == created
    for field, value in sent.items():
        if field == "metadata":
            assert json.loads(fetched[field]) == metadata
        else:
            assert fetched[field] == value, field
    assert fetched["version"] == 1
    assert AWS_DATETIME.match(fetched["createdAt"])
    assert fetched["createdAt"] == fetched["updatedAt"]


def test_simulator_normalises_scalars_on_output(simulator: AppSyncSimulator) -> None:
    """Quirks: offsets are converted to UTC and bare URLs gain a slash on output."""
    created = create_note(
        simulator,
        reminderTime="08:15:30+02:00",
        scheduledAt="2024-05-01T14:30:00+02:00",
        link="https://example.com",
    )
    assert created["reminderTime"] == "06:15:30Z"
    assert created["scheduledAt"] == "2024-05-01T12:30:00Z"
    assert created["link"] == "https://example.com/"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reminderTime", "08:15"),  # AppSync accepts; the simulator wants seconds + offset
        ("dueDate", "2024-06-30Z"),  # AppSync accepts an offset on AWSDate
        ("sourceIp", "10.0.0.0/8"),  # AppSync accepts CIDR suffixes
        ("expiresAt", 2**31),  # the simulator's AWSTimestamp is a 32-bit Int
        ("expiresAt", 0),  # ... whose variable parser treats 0 as missing
    ],
)
def test_simulator_rejects_some_valid_appsync_scalars(
    simulator: AppSyncSimulator, field: str, value: Any
) -> None:
    """Quirks: stricter than AppSync; keep client tests to the common subset."""
    response = post(
        simulator,
        "mutation($input: CreateNoteInput!) { createNote(input: $input) { id } }",
        {"input": {"title": "rejected", field: value}},
    )
    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert "got invalid value" in body["errors"][0]["message"]


def test_listing_pages_with_next_token(simulator: AppSyncSimulator) -> None:
    tag = f"paging-{uuid.uuid4()}"
    ids = {create_note(simulator, tags=[tag])["id"] for _ in range(3)}
    query = """query ListNotes($filter: NoteFilter, $limit: Int, $nextToken: String) {
                 listNotes(filter: $filter, limit: $limit, nextToken: $nextToken,
                           sortDirection: ASC) { items { id } nextToken } }"""
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        body = post(
            simulator, query, {"filter": {"tag": tag}, "limit": 2, "nextToken": token}
        ).json()
        page = body["data"]["listNotes"]
        seen += [item["id"] for item in page["items"]]
        pages += 1
        token = page["nextToken"]
        if token is None:
            break
    assert pages == 2
    assert set(seen) == ids and len(seen) == 3


def test_search_returns_union_members(simulator: AppSyncSimulator) -> None:
    body = post(
        simulator,
        """query Search($text: String!) {
             search(text: $text) {
               __typename
               ... on Note { id title }
               ... on Comment { id noteId body }
             }
           }""",
        {"text": "handbook"},
    ).json()
    assert "errors" not in body
    kinds = {(hit["__typename"], hit["id"]) for hit in body["data"]["search"]}
    assert ("Note", "note-1") in kinds
    assert ("Comment", "comment-2") in kinds


def test_interface_and_nested_lists(simulator: AppSyncSimulator) -> None:
    body = post(
        simulator,
        """{ node(id: "comment-1") { __typename id ... on Comment { noteId } }
             notesByTagGroups(tagGroups: [["handbook"], ["retro", "release"]]) { id } }""",
    ).json()
    assert "errors" not in body
    assert body["data"]["node"] == {"__typename": "Comment", "id": "comment-1", "noteId": "note-1"}
    groups = [[note["id"] for note in row] for row in body["data"]["notesByTagGroups"]]
    assert groups[0] == ["note-1"]
    assert set(groups[1]) >= {"note-2", "note-3"}


# --------------------------------------------------------------------------- auth modes


def test_cognito_jwt(simulator: AppSyncSimulator) -> None:
    token = simulator.cognito_token(groups=["admins"], username="alice", sub="cognito-alice")
    body = post(
        simulator,
        '{ me { id name } getNote(id: "note-1") { id moderationNotes author { lastLoginIp } } }',
        headers={"Authorization": token},
    ).json()
    assert "errors" not in body
    assert body["data"]["me"] == {"id": "cognito-alice", "name": "alice"}
    note = body["data"]["getNote"]
    assert note["moderationNotes"] == "Reviewed by the moderators on 2024-05-02."
    assert note["author"]["lastLoginIp"] == "203.0.113.10"


def test_cognito_user_outside_group_gets_unauthorized_field(simulator: AppSyncSimulator) -> None:
    token = simulator.cognito_token(groups=["readers"])
    body = post(
        simulator,
        '{ getNote(id: "note-1") { id moderationNotes } }',
        headers={"Authorization": token},
    ).json()
    assert body["data"]["getNote"] == {"id": "note-1", "moderationNotes": None}
    assert [e["errorType"] for e in body["errors"]] == ["Unauthorized"]


def test_oidc_jwt(simulator: AppSyncSimulator) -> None:
    token = simulator.oidc_token(sub="oidc-olga", name="Olga")
    body = post(
        simulator,
        '{ me { id name } getNote(id: "note-2") { id } }',
        headers={"Authorization": token},
    ).json()
    assert "errors" not in body
    assert body["data"] == {"me": {"id": "oidc-olga", "name": "Olga"}, "getNote": {"id": "note-2"}}


def test_jwt_from_unknown_issuer_is_rejected(simulator: AppSyncSimulator) -> None:
    token = mint_jwt(oidc_claims(issuer="https://not-configured.example.com", sub="x"))
    response = post(simulator, "{ me { id } }", headers={"Authorization": token})
    assert response.status_code == 401
    assert response.json()["errors"][0]["errorType"] == "UnauthorizedException"


def test_iam_is_recognised_by_prefix_only(simulator: AppSyncSimulator) -> None:
    """Quirk: any ``AWS4-HMAC-SHA256`` header passes; signatures are not checked."""
    body = post(
        simulator,
        '{ getNote(id: "note-1") { id } me { id } }',
        headers={"Authorization": FAKE_SIGV4, "x-amz-date": "20240501T000000Z"},
    ).json()
    assert body["data"] == {"getNote": {"id": "note-1"}, "me": None}
    assert body["errors"][0]["errorType"] == "Unauthorized"
    assert body["errors"][0]["path"] == ["me"]


def test_cognito_only_field_with_api_key_is_null_with_partial_data(
    simulator: AppSyncSimulator,
) -> None:
    response = post(
        simulator,
        """query GetNoteForModeration($id: ID!) {
             getNote(id: $id) { id title moderationNotes }
           }""",
        {"id": "note-1"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["getNote"] == {
        "id": "note-1",
        "title": "Welcome to team notes",
        "moderationNotes": None,
    }
    [error] = body["errors"]
    assert error["errorType"] == "Unauthorized"
    assert error["path"] == ["getNote", "moderationNotes"]
    assert error["message"] == "Not Authorized to access moderationNotes on type Note"
    assert error["locations"][0]["line"] == 2


def test_mutation_for_admins_only(simulator: AppSyncSimulator) -> None:
    note = create_note(simulator)
    mutation = "mutation($id: ID!) { deleteNote(input: {id: $id}) { id title } }"
    denied = post(simulator, mutation, {"id": note["id"]}).json()
    assert denied["data"] == {"deleteNote": None}
    assert denied["errors"][0]["errorType"] == "Unauthorized"
    admin = {"Authorization": simulator.cognito_token(groups=["admins"])}
    deleted = post(simulator, mutation, {"id": note["id"]}, headers=admin).json()
    assert deleted == {"data": {"deleteNote": {"id": note["id"], "title": note["title"]}}}
    iam_note = create_note(simulator)
    by_iam = post(
        simulator, mutation, {"id": iam_note["id"]}, headers={"Authorization": FAKE_SIGV4}
    )
    assert by_iam.json()["data"]["deleteNote"]["id"] == iam_note["id"]


def test_wrong_api_key_is_401(simulator: AppSyncSimulator) -> None:
    response = post(simulator, "{ listNotes { nextToken } }", headers={"x-api-key": "da2-wrong"})
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {
                "errorType": "UnauthorizedException",
                "message": "UnauthorizedException: Invalid API key",
            }
        ]
    }


def test_missing_auth_is_401(simulator: AppSyncSimulator) -> None:
    response = post(simulator, "{ listNotes { nextToken } }", headers={})
    assert response.status_code == 401
    assert response.json()["errors"][0]["errorType"] == "UnauthorizedException"


def test_second_api_key_is_accepted(simulator: AppSyncSimulator) -> None:
    assert simulator.api_keys[1] == SECONDARY_API_KEY
    response = post(
        simulator, '{ getNote(id: "note-1") { id } }', headers={"x-api-key": SECONDARY_API_KEY}
    )
    assert response.json() == {"data": {"getNote": {"id": "note-1"}}}


# --------------------------------------------------------------------------- errors


def test_validation_error(simulator: AppSyncSimulator) -> None:
    response = post(simulator, '{ getNote(id: "note-1") { id notAField } }')
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == 'Cannot query field "notAField" on type "Note".'
    assert error["locations"] == [{"line": 1, "column": 30}]
    assert "errorType" not in error


def test_missing_variable_is_a_validation_error(simulator: AppSyncSimulator) -> None:
    body = post(simulator, "query($id: ID!) { getNote(id: $id) { id } }").json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == 'Variable "$id" of required type "ID!" was not provided.'


def test_syntax_error_shape(simulator: AppSyncSimulator) -> None:
    """Quirk: a query that does not parse gives 200 and ``{"errorMessage": ...}``."""
    response = post(simulator, "{ getNote(id: 1) { id }")
    assert response.status_code == 200
    assert response.json() == {"errorMessage": "Syntax Error: Expected Name, found <EOF>."}


def test_resolver_error_carries_type_info_and_data(simulator: AppSyncSimulator) -> None:
    note = create_note(simulator)
    response = post(
        simulator,
        """mutation UpdateNote($input: UpdateNoteInput!) {
             updateNote(input: $input) { id version title }
           }""",
        {"input": {"id": note["id"], "expectedVersion": 5, "title": "stale edit"}},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"updateNote": None}
    [error] = body["errors"]
    assert error["errorType"] == "NoteVersionConflict"
    assert error["errorInfo"] == {"noteId": note["id"], "expectedVersion": 5, "currentVersion": 1}
    # $util.error data is filtered to the selection set.
    assert error["data"] == {"id": note["id"], "version": 1, "title": note["title"]}
    assert error["path"] == ["updateNote"]
    assert "expected version 5, current version 1" in error["message"]

    ok = post(
        simulator,
        "mutation($input: UpdateNoteInput!) { updateNote(input: $input) { version title } }",
        {"input": {"id": note["id"], "expectedVersion": 1, "title": "fresh edit"}},
    ).json()
    assert ok == {"data": {"updateNote": {"version": 2, "title": "fresh edit"}}}


def test_query_resolver_error_with_partial_data(simulator: AppSyncSimulator) -> None:
    body = post(
        simulator,
        """{ first: getNote(id: "note-2") { id }
             second: getNote(id: "note-1") { id comments(nextToken: "bad") { nextToken } } }""",
    ).json()
    # Note.comments is non-null, so its null makes the whole (nullable) note null.
    assert body["data"] == {"first": {"id": "note-2"}, "second": None}
    # Quirk: graphql-js adds a null-propagation error without errorType next to ours.
    by_type = {error.get("errorType"): error for error in body["errors"]}
    assert set(by_type) == {None, "InvalidNextToken"}
    invalid = by_type["InvalidNextToken"]
    assert invalid["message"] == "The nextToken is invalid or expired."
    assert invalid["errorInfo"] == {"nextToken": "bad"}
    assert invalid["data"] is None
    assert invalid["path"] == ["second", "comments"]
    assert by_type[None]["message"] == "Cannot return null for non-nullable field Note.comments."


# --------------------------------------------------------------------------- real time


def _realtime_auth(sim: AppSyncSimulator) -> dict[str, str]:
    return {"host": sim.host, "x-api-key": sim.api_key}


async def test_subscription_receives_created_note(simulator: AppSyncSimulator) -> None:
    header = base64.b64encode(json.dumps(_realtime_auth(simulator)).encode()).decode()
    url = f"{simulator.realtime_url}?header={header}&payload=e30="
    subscription = """subscription OnNoteCreated($authorId: ID) {
                        onNoteCreated(authorId: $authorId) { id title authorId } }"""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, protocols=["graphql-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init"})
        ack = await ws.receive_json(timeout=5)
        assert ack == {"type": "connection_ack", "payload": {"connectionTimeout": 300000}}
        await ws.send_json(
            {
                "id": "sub-1",
                "type": "start",
                "payload": {
                    "data": json.dumps({"query": subscription, "variables": {}}),
                    "extensions": {"authorization": _realtime_auth(simulator)},
                },
            }
        )
        assert await ws.receive_json(timeout=5) == {
            "type": "start_ack",
            "id": "sub-1",
            "payload": {},
        }
        note = await asyncio.to_thread(create_note, simulator)
        event = await ws.receive_json(timeout=5)
        assert event["type"] == "data" and event["id"] == "sub-1"
        assert event["payload"]["data"]["onNoteCreated"] == {
            "id": note["id"],
            "title": note["title"],
            "authorId": note["authorId"],
        }
        await ws.send_json({"id": "sub-1", "type": "stop"})
        assert await ws.receive_json(timeout=5) == {
            "type": "complete",
            "id": "sub-1",
            "payload": {},
        }


async def test_bad_frame_does_not_kill_the_simulator(simulator: AppSyncSimulator) -> None:
    header = base64.b64encode(json.dumps(_realtime_auth(simulator)).encode()).decode()
    url = f"{simulator.realtime_url}?header={header}&payload=e30="
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            url, protocols=["graphql-ws"], timeout=aiohttp.ClientWSTimeout(ws_close=1)
        ) as ws,
    ):
        await ws.send_json({"type": "connection_init"})
        await ws.receive_json(timeout=5)
        await ws.send_str("this is not JSON")
        # Quirk: that connection then answers nothing more, not even a stop or a close.
        await ws.send_json({"id": "unknown", "type": "stop"})
        with pytest.raises(asyncio.TimeoutError):
            await ws.receive(timeout=0.5)
    assert simulator.running
    response = await asyncio.to_thread(post, simulator, '{ getNote(id: "note-1") { id } }')
    assert response.json() == {"data": {"getNote": {"id": "note-1"}}}


def _start_message(sub_id: str, name: str, variables: dict[str, Any], auth: Any) -> Any:
    data = {"query": operation_document(name), "operationName": name, "variables": variables}
    payload = {"data": json.dumps(data), "extensions": {"authorization": auth}}
    return {"id": sub_id, "type": "start", "payload": payload}


async def test_example_operations_run(simulator: AppSyncSimulator) -> None:
    """Every operation in example_schema/operations runs, and subscribers receive
    exactly what the triggering mutation returned (same fragments)."""
    admin = {"Authorization": simulator.cognito_token(groups=["admins"])}
    auth = _realtime_auth(simulator)
    header = base64.b64encode(json.dumps(auth).encode()).decode()
    url = f"{simulator.realtime_url}?header={header}&payload=e30="

    def run(name: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        return run_operation(simulator, name, variables, **kw)

    assert run("GetNote", {"id": "note-1"})["getNote"]["comments"]["items"]
    moderation = run("GetNoteForModeration", {"id": "note-1"}, headers=admin)
    assert moderation["getNote"]["moderationNotes"]
    assert run("ListNotes", {"limit": 2})["listNotes"]["items"]
    assert run("Search", {"text": "handbook", "kinds": ["NOTE"]})["search"]
    assert run("GetNode", {"id": "note-2"})["node"]["__typename"] == "Note"
    assert run("NotesByTagGroups", {"tagGroups": [["retro"], []]})["notesByTagGroups"][1] == []
    assert run("Me", headers=admin)["me"]["id"]

    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, protocols=["graphql-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init"})
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"

        async def subscribe(sub_id: str, name: str, variables: dict[str, Any]) -> None:
            await ws.send_json(_start_message(sub_id, name, variables, auth))
            ack = await ws.receive_json(timeout=5)
            assert ack == {"type": "start_ack", "id": sub_id, "payload": {}}

        async def event(sub_id: str) -> Any:
            message = await ws.receive_json(timeout=5)
            assert message["type"] == "data" and message["id"] == sub_id, message
            return message["payload"]["data"]

        await subscribe("created", "OnNoteCreated", {"authorId": "author-1"})
        created = await asyncio.to_thread(
            run, "CreateNote", {"input": {"title": "via operations", "authorId": "author-1"}}
        )
        note_id = created["createNote"]["id"]
        assert (await event("created"))["onNoteCreated"] == created["createNote"]

        await subscribe("changed", "OnNoteChanged", {"id": note_id})
        await subscribe("comments", "OnCommentAdded", {"noteId": note_id})
        updated = await asyncio.to_thread(
            run, "UpdateNote", {"input": {"id": note_id, "expectedVersion": 1, "body": "b"}}
        )
        assert updated["updateNote"]["version"] == 2
        assert (await event("changed"))["onNoteChanged"] == updated["updateNote"]

        comment = await asyncio.to_thread(
            run, "AddComment", {"input": {"noteId": note_id, "body": "first!"}}
        )
        assert (await event("comments"))["onCommentAdded"] == comment["addComment"]

        deleted = await asyncio.to_thread(
            run, "DeleteNote", {"input": {"id": note_id}}, headers=admin
        )
        assert deleted["deleteNote"]["id"] == note_id
        assert (await event("changed"))["onNoteChanged"] == deleted["deleteNote"]


# --------------------------------------------------------------------------- process


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a LISTEN socket on ``port``, from /proc/net/tcp{,6}."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        lines = Path(table).read_text().splitlines()[1:]
        for line in lines:
            local, _remote, state = line.split()[1:4]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


def test_simulator_listens_on_loopback_only(simulator: AppSyncSimulator) -> None:
    assert simulator.url == f"http://127.0.0.1:{simulator.port}/graphql"
    assert simulator.realtime_url == f"ws://127.0.0.1:{simulator.port}/graphql/realtime"
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs /proc/net/tcp (Linux)")
    # 127.0.0.1 in /proc's little-endian hex; nothing on 0.0.0.0 or ::.
    assert _listening_addresses(simulator.port) == {"0100007F"}


@pytest.mark.simulator
def test_stop_kills_the_process() -> None:
    skip_unless_simulator_available()
    sim = AppSyncSimulator(EXAMPLE_SIMULATOR_CONFIG, simulator_dir=SIMULATOR_DIR)
    with sim:
        pid = sim.pid
        os.kill(pid, 0)  # alive
        assert post(sim, '{ getNote(id: "note-1") { id } }').status_code == 200
        assert sim.api_key not in repr(sim)
    assert not sim.running
    assert sim.pid == pid
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone and reaped
    with pytest.raises(SimulatorError):
        _ = sim.url


@pytest.mark.simulator
def test_startup_failure_reports_the_log(tmp_path: Path) -> None:
    skip_unless_simulator_available()
    config = tmp_path / "broken.json"
    config.write_text(json.dumps({"schema": "missing.graphql", "appSync": {"apiKey": "da2-x"}}))
    sim = AppSyncSimulator(config, simulator_dir=SIMULATOR_DIR, startup_timeout=30)
    with pytest.raises(SimulatorError, match="cannot read schema"):
        sim.start()
    assert not sim.running


# --------------------------------------------------------------------------- helpers


def _decode(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def test_mint_jwt_is_well_formed() -> None:
    token = mint_jwt({"sub": "u1", "iss": "https://issuer.example.com"}, header={"alg": "none"})
    header, payload, signature = token.split(".")
    assert "=" not in token
    assert _decode(header) == {"alg": "none"}
    assert _decode(payload) == {"sub": "u1", "iss": "https://issuer.example.com"}
    assert signature


def test_cognito_claims_shape() -> None:
    claims = cognito_claims(user_pool_id="eu-west-1_AbC", groups=["admins"], now=1_700_000_000)
    assert claims["iss"] == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
    assert claims["cognito:groups"] == ["admins"]
    assert claims["token_use"] == "access"
    assert claims["exp"] == 1_700_003_600
    assert claims["username"] == "test-user"
    id_claims = cognito_claims(user_pool_id="eu-west-1_AbC", token_use="id", client_id="app")
    assert id_claims["aud"] == "app" and id_claims["cognito:username"] == "test-user"
    with pytest.raises(ValueError, match="region"):
        cognito_claims(user_pool_id="nopool")


def test_simulator_config_helpers_and_repr() -> None:
    sim = AppSyncSimulator(EXAMPLE_SIMULATOR_CONFIG, simulator_dir=SIMULATOR_DIR)
    assert sim.auth_modes == ("API_KEY", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_IAM")
    assert sim.api_key == "da2-exampleapikey0000000000"
    token = sim.oidc_token(sub="someone")
    claims = _decode(token.split(".")[1])
    assert claims["iss"] == "https://auth.example.com"
    assert claims["aud"] == "appsync-typed-example"
    text = repr(sim) + str(sim)
    assert sim.api_key not in text and SECONDARY_API_KEY not in text and "stopped" in text
