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


def test_a_kept_preparation_follows_the_clients_settings(package: str) -> None:
    """Calls without options reuse what the first one worked out, but a setting
    replaced on the client (auth, headers' source, timeout) or a changed operation
    takes effect on the next call."""
    from appsync_runtime import IAMAuth, Timeout
    from appsync_runtime._credentials import Credentials

    operation = Operation[Thing](
        "GetThing",
        "query",
        "query GetThing{thing{id}}",
        result=".thing:Thing",
        package=package,
        auth_modes=("API_KEY", "AWS_IAM"),
    )
    seen: list[httpx.Request] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {"id": "t1"}})

    http = httpx.Client(transport=httpx.MockTransport(respond))
    with AppSyncClient(URL, auth=ApiKeyAuth(KEY), http_client=http) as client:
        for variables in ({"n": 1}, {"n": 2}):
            assert client.execute_operation(operation, variables).id == "t1"
        assert [json.loads(r.content)["variables"] for r in seen] == [{"n": 1}, {"n": 2}]
        assert all(r.headers["x-api-key"] == KEY for r in seen)
        first = client._operation_call(operation, {}, {})  # pyright: ignore[reportPrivateUsage]
        again = client._operation_call(operation, {}, {})  # pyright: ignore[reportPrivateUsage]
        assert first is not again  # one Call per call (tracing sets a Call's hooks)
        client.auth = (IAMAuth(Credentials("AKIDEXAMPLE", "secret"), region="us-east-1"),)
        assert client.execute_operation(operation).id == "t1"
        assert "x-api-key" not in seen[-1].headers
        assert seen[-1].headers["authorization"].startswith("AWS4-HMAC-SHA256")
        client.timeout = Timeout(total=7.0)
        changed = client._operation_call(operation, {}, {})  # pyright: ignore[reportPrivateUsage]
        assert changed.timeout.total == 7.0
        operation.auth_modes = ("API_KEY",)  # the client holds IAM only now
        with pytest.raises(AppSyncConfigError, match="allows auth modes"):
            client.execute_operation(operation)


def test_variables_models_dump_as_model_dump_does() -> None:
    """A model in variables is sent as ``model_dump(mode="json", by_alias=True,
    exclude_unset=True)`` gives it, and a model overriding ``model_dump`` is honoured."""
    from pydantic import ConfigDict, Field

    from appsync_runtime._request import encode_variables

    class Filter(BaseModel):
        model_config = ConfigDict(populate_by_name=True)
        status_is: str | None = Field(default=None, alias="statusIs")
        limit: int = 5

    class Custom(Filter):
        def model_dump(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
            return {"custom": True}

    value = Filter(status_is="PUBLISHED")
    assert (
        encode_variables({"f": value})
        == {"f": value.model_dump(mode="json", by_alias=True, exclude_unset=True)}
        == {"f": {"statusIs": "PUBLISHED"}}
    )
    assert encode_variables({"f": Custom()}) == {"f": {"custom": True}}
    assert encode_variables({"f": value}) == {"f": {"statusIs": "PUBLISHED"}}  # kept per type
