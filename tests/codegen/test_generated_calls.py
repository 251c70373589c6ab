"""The generated clients at work over the runtime, against an in-memory AppSync."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from appsync_runtime import ApiKeyAuth, AppSyncConfigError, AppSyncResponseError

URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"
TASK = {
    "__typename": "Task",
    "id": "t1",
    "title": "Write tests",
    "state": "OPEN",
    "due": "2024-05-01",
    "remindAt": "09:30:00Z",
    "createdAt": "2024-05-01T08:00:00.123456789Z",
    "expiresAt": 1714550400,
    "owner": "a@example.com",
    "phone": "+15555550100",
    "link": "https://example.com/t1",
    "data": '{"k": [1, 2]}',
    "origin": "192.0.2.1/24",
    "labelGrid": [["a", "b"], []],
}


@pytest.fixture(scope="module")
def client_package(fixture_package: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(fixture_package.parent))
    try:
        yield importlib.import_module(fixture_package.name)
    finally:
        sys.path.remove(str(fixture_package.parent))


Handler = Callable[[dict[str, Any]], dict[str, Any]]


def _transport(handler: Handler, seen: list[dict[str, Any]]) -> httpx.MockTransport:
    def respond(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        return httpx.Response(200, json=handler(body))

    return httpx.MockTransport(respond)


def _sync_client(package: ModuleType, handler: Handler, seen: list[dict[str, Any]]) -> Any:
    http = httpx.Client(transport=_transport(handler, seen))
    return package.Client(url=URL, auth=ApiKeyAuth("da2-test"), http_client=http)


def test_query_result_is_typed_and_parsed(client_package: ModuleType) -> None:
    seen: list[dict[str, Any]] = []
    with _sync_client(client_package, lambda _: {"data": {"task": TASK}}, seen) as client:
        result = client.get_task(id="t1")
    task = result.task
    assert isinstance(task, client_package.GetTaskTask)
    assert task.title == "Write tests"
    assert task.state is client_package.TaskState.OPEN
    assert task.due == date(2024, 5, 1)
    assert task.created_at.tzinfo is not None and task.created_at.year == 2024
    assert task.data == {"k": [1, 2]}
    assert task.label_grid == [["a", "b"], []]
    assert seen[0]["operationName"] == "GetTask"
    assert seen[0]["variables"] == {"id": "t1"}
    assert '"Fetch one task' not in seen[0]["query"]  # descriptions stay out of the wire text


def test_scalar_arguments_are_serialized_when_given(client_package: ModuleType) -> None:
    seen: list[dict[str, Any]] = []
    moment = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)
    with _sync_client(client_package, lambda _: {"data": {"tasks": []}}, seen) as client:
        client.list_tasks(at=[moment, None], payloads=[{"a": 1}, [1, 2]])
        client.list_tasks(since=None)
        client.list_tasks()
    first, second, third = (body["variables"] for body in seen)
    assert first == {
        "at": ["2024-05-01T08:00:00.000Z", None],
        "payloads": ['{"a":1}', "[1,2]"],  # one JSON document per list item
    }
    assert second == {"since": None}  # null is sent, UNSET is left out
    assert third == {}


def test_input_models_are_serialized(client_package: ModuleType) -> None:
    seen: list[dict[str, Any]] = []
    new = client_package.NewTask(
        title="Ship",
        due=date(2024, 6, 1),
        data={"x": True},
        reminders=[datetime(2024, 6, 1, 9, tzinfo=timezone.utc)],
        remind_at=time(9, 15),
        label_grid=[["a"], []],
    )
    with _sync_client(client_package, lambda _: {"data": {"createTask": TASK}}, seen) as client:
        created = client.create_task(input=new)
    assert created.create_task.id == "t1"
    sent = seen[0]["variables"]["input"]
    assert sent["title"] == "Ship"
    assert sent["due"] == "2024-06-01"
    assert sent["data"] == '{"x":true}'
    assert sent["reminders"] == ["2024-06-01T09:00:00.000Z"]
    assert sent["remindAt"] == "09:15:00"  # camelCase on the wire
    assert sent["labelGrid"] == [["a"], []]
    assert "state" not in sent  # unset fields are left to the server's defaults


def test_unions_resolve_on_typename(client_package: ModuleType) -> None:
    found = [
        {"__typename": "Task", "id": "t1", "title": "T"},
        {"__typename": "Person", "id": "p1", "email": "p@example.com"},
    ]
    with _sync_client(client_package, lambda _: {"data": {"find": found}}, []) as client:
        result = client.find(text="x")
    assert [type(item).__name__ for item in result.find] == ["FindFindTask", "FindFindPerson"]


def test_a_mismatched_response_raises_the_runtime_error(client_package: ModuleType) -> None:
    bad = {"data": {"task": {**TASK, "createdAt": "yesterday"}}}
    with (
        _sync_client(client_package, lambda _: bad, []) as client,
        pytest.raises(AppSyncResponseError, match="GetTask"),
    ):
        client.get_task(id="t1")


async def test_async_client(client_package: ModuleType) -> None:
    seen: list[dict[str, Any]] = []
    http = httpx.AsyncClient(transport=_transport(lambda _: {"data": {"task": TASK}}, seen))
    async with client_package.AsyncClient(
        url=URL, auth=ApiKeyAuth("da2-test"), http_client=http
    ) as client:
        result = await client.get_task(id="t1")
    await http.aclose()
    assert result.task.title == "Write tests"
    assert seen[0]["operationName"] == "GetTask"
    assert hasattr(client, "on_task_created")


def test_methods_pass_the_auth_modes_the_schema_allows(client_package: ModuleType) -> None:
    seen: list[dict[str, Any]] = []
    # API key first: used wherever the operation allows it...
    with _sync_client(client_package, lambda _: {"data": {"task": TASK}}, seen) as client:
        client.get_task(id="t1")
        # ...but adminReport is @aws_iam only, which this client cannot do.
        with pytest.raises(AppSyncConfigError, match=r"AdminReport allows auth modes \[AWS_IAM\]"):
            client.admin_report()
        # A caller's own auth_modes win.
        client.get_task(id="t1", auth_modes=["API_KEY"])
    assert len(seen) == 2


def test_queries_and_mutations_name_their_operation_type(
    client_package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runtime need not find the operation's type in the document on every call."""
    kinds: list[str | None] = []
    original = client_package.Client.execute

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        kinds.append(kwargs.get("operation_type"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(client_package.Client, "execute", execute)
    new = client_package.NewTask(title="Ship")
    reply = {"data": {"task": TASK, "createTask": TASK}}
    with _sync_client(client_package, lambda _: reply, []) as client:
        client.get_task(id="t1")
        client.create_task(input=new)
    assert kinds == ["query", "mutation"]


EVENT = {"onTaskCreated": TASK}


async def test_leaving_an_async_subscription_closes_the_runtimes_iterator_at_once(
    client_package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[bool] = []

    async def events() -> Any:
        try:
            while True:
                yield EVENT
        finally:
            closed.append(True)  # where the runtime sends AppSync's "stop"

    monkeypatch.setattr(
        client_package.AsyncClient, "subscribe", lambda self, *args, **kwargs: events()
    )
    async with client_package.AsyncClient(url=URL, auth=ApiKeyAuth("da2-test")) as client:
        stream = client.on_task_created()
        first = await stream.__anext__()  # an AsyncGenerator: typed code may aclose() it
        assert first.on_task_created is not None and first.on_task_created.id == "t1"
        assert closed == []
        await stream.aclose()
        assert closed == [True]  # not left to the interpreter's finalizer


def test_leaving_a_blocking_subscription_closes_the_runtimes_iterator_at_once(
    client_package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[bool] = []

    def events() -> Any:
        try:
            while True:
                yield EVENT
        finally:
            closed.append(True)

    monkeypatch.setattr(client_package.Client, "subscribe", lambda self, *args, **kwargs: events())
    with _sync_client(client_package, lambda _: {}, []) as client:
        stream = client.on_task_created()
        for event in stream:
            assert event.on_task_created.title == "Write tests"
            break
        assert closed == []
        stream.close()  # a Generator: typed code may close() it
        assert closed == [True]


def test_results_validate_the_same_from_json(client_package: ModuleType) -> None:
    """pydantic's JSON mode gives the same values as json.loads + model_validate: the
    scalar validators are final, so an AWSIPAddress is not refused by the union of
    address types once parsed."""
    from appsync_runtime.scalars import serialize_aws_datetime

    model = client_package.GetTask
    data = {"task": TASK}
    from_python = model.model_validate(data)
    from_json = model.model_validate_json(json.dumps(data))
    assert from_json == from_python
    assert from_json.task.origin == from_python.task.origin
    assert type(from_json.task.origin).__name__ == "IPv4Interface"
    assert serialize_aws_datetime(from_json.task.created_at) == TASK["createdAt"]
    assert from_json.model_dump(mode="json") == from_python.model_dump(mode="json")
    # JSON dumps give the wire text back (nanoseconds included), Python dumps the values.
    dumped = from_json.model_dump(mode="json", by_alias=True)["task"]
    assert (dumped["createdAt"], dumped["remindAt"], dumped["due"]) == (
        TASK["createdAt"],
        TASK["remindAt"],
        TASK["due"],
    )
    assert from_json.model_dump()["task"]["created_at"] is from_json.task.created_at
