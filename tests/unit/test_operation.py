"""Operation and the clients' execute_operation/subscribe_operation."""

from __future__ import annotations

import asyncio
import json
import sys
import types
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncConfigError,
    AsyncAppSyncClient,
    GraphQLResponse,
    Operation,
)

URL = "https://example123.appsync-api.us-east-1.amazonaws.com/graphql"
KEY = "da2-abcdefghijklmnopqrstuvwxyz"


class Thing(BaseModel):
    id: str


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch) -> str:
    """A package ``ops_pkg`` whose module ``thing`` holds the model, counting imports."""
    root = types.ModuleType("ops_pkg")
    root.__path__ = []
    module = types.ModuleType("ops_pkg.thing")
    module.Thing = Thing  # type: ignore[attr-defined]
    module.NotAModel = dict  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ops_pkg", root)
    monkeypatch.setitem(sys.modules, "ops_pkg.thing", module)
    return "ops_pkg"


def test_the_model_is_found_once_relative_to_the_package(
    package: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    operation = Operation[Thing](
        "GetThing", "query", "query GetThing{thing{id}}", result=".thing:Thing", package=package
    )
    assert operation.model is Thing
    monkeypatch.delitem(sys.modules, "ops_pkg.thing")  # a second lookup would fail now
    assert operation.model is Thing
    assert "GetThing" in repr(operation) and "query GetThing" not in repr(operation)


@pytest.mark.parametrize(
    ("kind", "result", "package_name", "message"),
    [
        ("fetch", ".thing:Thing", "ops_pkg", "kind must be one of"),
        ("query", ".thing.Thing", "ops_pkg", "result must be 'module:Class'"),
        ("query", ".thing:Thing", None, "needs a package"),
        ("query", ".thing:NotAModel", "ops_pkg", "is not a pydantic model"),
        ("query", ".thing:Missing", "ops_pkg", "is not a pydantic model"),
    ],
)
def test_a_malformed_operation_is_a_config_error(
    package: str, kind: Any, result: str, package_name: str | None, message: str
) -> None:
    with pytest.raises(AppSyncConfigError, match=message):
        Operation("Q", kind, "query Q{q}", result=result, package=package_name).model  # noqa: B018


class Recording(AppSyncClient):
    """A user's base client overriding ``execute`` (ariadne-codegen's custom base
    clients do): generated methods must go through it."""

    calls: list[dict[str, Any]]

    def execute(
        self, query: str, operation_name: str | None = None, variables: Any = None, **options: Any
    ) -> GraphQLResponse:  # type: ignore[override]
        self.calls.append({"query": query, "operation_name": operation_name, **options})
        return super().execute(query, operation_name, variables, **options)


def test_a_subclass_execute_is_honoured(package: str) -> None:
    operation = Operation[Thing](
        "GetThing",
        "query",
        "query GetThing{thing{id}}",
        result=".thing:Thing",
        package=package,
        auth_modes=("API_KEY",),
    )
    http = httpx.Client(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(200, json={"data": {"id": "t1"}})
        )
    )
    client = Recording(URL, auth=ApiKeyAuth(KEY), http_client=http)
    client.calls = []
    assert client.execute_operation(operation, {}, {"timeout": 3}).id == "t1"
    assert client.calls == [
        {
            "query": "query GetThing{thing{id}}",
            "operation_name": "GetThing",
            "operation_type": "query",
            "auth_modes": ("API_KEY",),
            "timeout": 3,
        }
    ]
    with pytest.raises(AppSyncConfigError, match="'operation_type'"):
        client.execute_operation(operation, {}, {"operation_type": "query"})  # type: ignore[typeddict-unknown-key]
    client.close()


def test_execute_operation_sends_the_operation_on_both_clients(package: str) -> None:
    operation = Operation[Thing](
        "GetThing", "query", "query GetThing{thing{id}}", result=".thing:Thing", package=package
    )
    bodies: list[bytes] = []

    def respond(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(200, json={"data": {"id": "t1"}})

    with AppSyncClient(
        URL, auth=ApiKeyAuth(KEY), http_client=httpx.Client(transport=httpx.MockTransport(respond))
    ) as client:
        assert client.execute_operation(operation).id == "t1"

    async def run() -> Thing:
        http = httpx.AsyncClient(transport=httpx.MockTransport(respond))
        async with AsyncAppSyncClient(URL, auth=ApiKeyAuth(KEY), http_client=http) as client:
            return await client.execute_operation(operation, {"x": 1})

    assert asyncio.run(run()).id == "t1"
    sent = [json.loads(body) for body in bodies]
    assert sent[0]["query"] == "query GetThing{thing{id}}"
    assert sent[0]["operationName"] == "GetThing" and not sent[0].get("variables")
    assert sent[1]["variables"] == {"x": 1}
