"""Both clients end to end against the local fake server."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncConfigError,
    AppSyncErrorPageError,
    AppSyncGraphQLError,
    AppSyncNetworkError,
    AppSyncResponseError,
    AsyncAppSyncClient,
    BaseModel,
    CognitoUserPoolsAuth,
    Timeout,
)
from tests.support.fake_appsync import FakeAppSync, Reply
from tests.support.ports import free_port

KEY = "da2-clienttestsecretkey000000000"


class Note(BaseModel):
    id: str
    title: str


def call_both(fake: FakeAppSync, query: str, **kwargs: object) -> list[object]:
    """Run the same call on the sync and the async client; return both outcomes."""
    outcomes: list[object] = []
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=None) as client:
        try:
            outcomes.append(client.execute(query, **kwargs))  # type: ignore[arg-type]
        except Exception as exc:
            outcomes.append(exc)

    async def run() -> None:
        async with AsyncAppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=None) as client:
            try:
                outcomes.append(await client.execute(query, **kwargs))  # type: ignore[arg-type]
            except Exception as exc:
                outcomes.append(exc)

    asyncio.run(run())
    return outcomes


def test_request_shape_is_identical_on_both_transports(fake: FakeAppSync) -> None:
    outcomes = call_both(
        fake,
        "query Q($id: ID!) { getNote(id: $id) { id } }",
        operation_name="Q",
        variables={"id": "n1"},
    )
    assert [o.data for o in outcomes] == [{"ok": True}, {"ok": True}]  # type: ignore[attr-defined]
    bodies = [r.body for r in fake.received]
    assert bodies[0] == bodies[1]
    assert json.loads(bodies[0]) == {
        "query": "query Q($id: ID!) { getNote(id: $id) { id } }",
        "variables": {"id": "n1"},
        "operationName": "Q",
    }
    for received in fake.received:
        assert received.headers["x-api-key"] == KEY
        assert received.headers["content-type"] == "application/json; charset=UTF-8"
        assert received.headers["host"] == f"127.0.0.1:{fake.port}"


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (
            Reply(502, b"<html>bad gateway</html>", {"content-type": "text/html"}),
            AppSyncErrorPageError,
        ),
        (Reply(200, b"<html>captive portal</html>"), AppSyncResponseError),
        (
            Reply(401, {"errors": [{"errorType": "UnauthorizedException", "message": "no"}]}),
            AppSyncAuthError,
        ),
        (
            Reply(200, {"data": None, "errors": [{"message": "bad", "errorType": "X"}]}),
            AppSyncGraphQLError,
        ),
    ],
)
def test_errors_map_the_same_on_both_transports(
    fake: FakeAppSync, reply: Reply, error: type[Exception]
) -> None:
    fake.reply(reply, reply)
    outcomes = call_both(fake, "query { a }")
    assert [type(o) for o in outcomes] == [error, error]
    assert all(o.request_id for o in outcomes)  # type: ignore[attr-defined]


def test_nothing_listening_is_network_error_not_sent() -> None:
    url = f"http://127.0.0.1:{free_port()}/graphql"
    with (
        AppSyncClient(url, auth=ApiKeyAuth(KEY)) as client,
        pytest.raises(AppSyncNetworkError) as info,
    ):
        client.execute("query { a }")
    assert info.value.status is None and info.value.sent is False

    async def run() -> AppSyncNetworkError:
        async with AsyncAppSyncClient(url, auth=ApiKeyAuth(KEY)) as client:
            with pytest.raises(AppSyncNetworkError) as ainfo:
                await client.execute("query { a }")
            return ainfo.value

    aerr = asyncio.run(run())
    assert aerr.status is None and aerr.sent is False


def test_read_timeout_is_network_error(fake: FakeAppSync) -> None:
    fake.reply(Reply(200, {"data": {}}, delay=1.0), Reply(200, {"data": {}}, delay=1.0))
    client = AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), timeout=Timeout(read=0.2), retry=None)
    with client, pytest.raises(AppSyncNetworkError) as info:
        client.execute("query { a }")
    assert info.value.sent is True

    async def run() -> None:
        async with AsyncAppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=None) as client:
            with pytest.raises(AppSyncNetworkError):
                await client.execute("query { a }", timeout=Timeout(read=0.2))

    asyncio.run(run())


def test_per_call_auth_override_and_mode_selection(fake: FakeAppSync) -> None:
    jwt = CognitoUserPoolsAuth("jwt-token")
    with AppSyncClient(fake.url, auth=[ApiKeyAuth(KEY), jwt]) as client:
        client.execute("query { a }")
        client.execute("query { a }", auth_modes=["AMAZON_COGNITO_USER_POOLS"])
        client.execute("query { a }", auth=jwt)
        with pytest.raises(AppSyncConfigError):
            client.execute("query { a }", auth_modes=["AWS_IAM"])
    headers = [r.headers for r in fake.received]
    assert len(headers) == 3
    assert headers[0]["x-api-key"] == KEY and "authorization" not in headers[0]
    assert headers[1]["authorization"] == "jwt-token" and "x-api-key" not in headers[1]
    assert headers[2]["authorization"] == "jwt-token"


def test_extra_headers_and_unknown_kwargs(fake: FakeAppSync) -> None:
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), headers={"x-team": "a"}) as client:
        client.execute("query { a }", headers={"x-call": "b"})
        with pytest.raises(AppSyncConfigError, match="bogus"):
            client.execute("query { a }", bogus=1)
    assert fake.received[0].headers["x-team"] == "a"
    assert fake.received[0].headers["x-call"] == "b"


@pytest.mark.parametrize(
    "headers", [{"x-bad": "a\r\nb"}, {"bad name": "x"}, {"Host": "evil"}, {"x": ""}]
)
def test_bad_headers_rejected(headers: dict[str, str]) -> None:
    with pytest.raises(AppSyncConfigError):
        AppSyncClient("https://api.example.com/graphql", headers=headers)


def test_bad_construction() -> None:
    with pytest.raises(AppSyncConfigError, match="https"):
        AppSyncClient("http://api.example.com/graphql")
    with pytest.raises(AppSyncConfigError):
        AppSyncClient("https://api.example.com/graphql", auth="da2-key")  # type: ignore[arg-type]
    with pytest.raises(AppSyncConfigError):
        AppSyncClient("https://api.example.com/graphql", http_client=object())  # type: ignore[arg-type]
    with pytest.raises(AppSyncConfigError):
        AsyncAppSyncClient("https://api.example.com/graphql", connection_limit=0)


def test_validate_result_wraps_pydantic(fake: FakeAppSync) -> None:
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
        assert client.validate_result(Note, {"id": "1", "title": "t"}).title == "t"
        with pytest.raises(AppSyncResponseError, match="does not fit Note"):
            client.validate_result(Note, {"id": "1"})


def test_users_own_httpx_clients_are_used_and_left_open(fake: FakeAppSync) -> None:
    hooked: list[str] = []
    own = httpx.Client(event_hooks={"request": [lambda r: hooked.append(str(r.url))]})
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), http_client=own) as client:
        client.execute("query { a }")
    assert hooked == [fake.url] and not own.is_closed
    own.close()

    async def run() -> None:
        aown = httpx.AsyncClient()
        async with AsyncAppSyncClient(fake.url, auth=ApiKeyAuth(KEY), http_client=aown) as c:
            await c.execute("query { a }")
        assert not aown.is_closed
        await aown.aclose()

    asyncio.run(run())
    assert len(fake.received) == 2


def test_secrets_stay_out_of_reprs_errors_and_logs(
    fake: FakeAppSync, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlc2VjcmV0"
    fake.reply(Reply(401, {"errors": [{"message": f"bad key {KEY}, token {jwt}"}]}))
    with AppSyncClient(fake.url, auth=[ApiKeyAuth(KEY), CognitoUserPoolsAuth(jwt)]) as client:
        text = repr(client)
        with pytest.raises(AppSyncAuthError) as info:
            client.execute("query { a }")
    text += str(info.value) + repr(info.value) + caplog.text
    assert KEY not in text and jwt not in text


def test_aiohttp_not_imported_by_sync_use() -> None:
    import subprocess
    import sys

    code = (
        "import sys, appsync_runtime\n"
        "c = appsync_runtime.AppSyncClient('https://api.example.com/graphql')\n"
        "assert 'aiohttp' not in sys.modules, 'aiohttp imported'\n"
        "assert 'botocore' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
