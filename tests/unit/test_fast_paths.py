"""The hot path's shortcuts give exactly what the long way gives.

- the sync client's own httpx pool is reached without ``httpx.Client.post``: same
  request on the wire, proxies from the environment, no redirects followed;
- ``execute_validated`` validates plain successes straight from the bytes, and
  otherwise raises exactly what ``execute`` + ``get_data`` + ``validate_result`` do;
- bodies are encoded from cached parts, responses decoded by pydantic-core's parser:
  the same bytes and values as :mod:`json`;
- the aiohttp transport reuses its timeout object only while a call's whole total
  is ahead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import aiohttp
import httpx
import pytest
from pydantic import Field

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncError,
    AsyncAppSyncClient,
    BaseModel,
    Credentials,
    IAMAuth,
    Timeout,
)
from appsync_runtime._request import HttpRequest
from appsync_runtime._response import _decode, loads
from appsync_runtime._transport import AiohttpTransport
from tests.support.fake_appsync import FakeAppSync, Reply

KEY = "da2-fastpathtestsecretkey0000000"
QUERY = "query Q($id: ID!) { note(id: $id) { id title tags } }"


class Note(BaseModel):
    id: str
    title: str
    tags: list[str] = Field(default_factory=list)


class Result(BaseModel):
    note: Note


RID = {"x-amzn-RequestId": "r-1"}  # the same on both calls that are compared


def json_reply(body: Any, status: int = 200) -> Reply:
    return Reply(status, body, {"content-type": "application/json", **RID})


# ------------------------------------------------------------------ the sync transport


def test_own_pool_sends_what_httpx_client_post_sends(fake: FakeAppSync) -> None:
    with (
        AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), headers={"x-trace": "t1"}) as ours,
        httpx.Client() as http,
        AppSyncClient(
            fake.url, auth=ApiKeyAuth(KEY), headers={"x-trace": "t1"}, http_client=http
        ) as theirs,
    ):
        assert ours.execute(QUERY, "Q", {"id": "1"}).data == {"ok": True}
        assert theirs.execute(QUERY, "Q", {"id": "1"}).data == {"ok": True}
    direct, public = fake.received
    assert list(direct.headers.items()) == list(public.headers.items())
    assert direct.headers["accept-encoding"].startswith("gzip")  # the client's defaults
    assert (direct.method, direct.path, direct.body) == (public.method, public.path, public.body)


def test_own_pool_lets_a_header_replace_a_client_default(fake: FakeAppSync) -> None:
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), headers={"User-Agent": "mine/1"}) as c:
        c.execute(QUERY, "Q", {"id": "1"})
    assert fake.received[0].headers["user-agent"] == "mine/1"


def test_own_pool_follows_no_redirect_and_reads_gzip(fake: FakeAppSync) -> None:
    import gzip

    body = gzip.compress(b'{"data":{"n":1}}')
    fake.reply(
        Reply(307, b"", {"location": "http://127.0.0.1:1/elsewhere"}),
        Reply(200, body, {"content-type": "application/json", "content-encoding": "gzip"}),
    )
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=None) as client:
        with pytest.raises(AppSyncError) as info:
            client.execute(QUERY, "Q", {"id": "1"})
        assert getattr(info.value, "status", None) == 307
        assert client.execute(QUERY, "Q", {"id": "1"}).data == {"n": 1}
    assert len(fake.received) == 2


def test_own_pool_honours_proxy_settings_from_the_environment(
    fake: FakeAppSync, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{fake.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    target = "http://127.0.0.1:9/graphql"  # nothing listens there: only the proxy answers
    with AppSyncClient(target, auth=ApiKeyAuth(KEY)) as client:
        assert client.execute(QUERY, "Q", {"id": "1"}).data == {"ok": True}
    assert fake.received[0].headers["host"] == "127.0.0.1:9"


def test_own_pool_keeps_httpx_request_log_line(
    fake: FakeAppSync, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY)) as client:
        client.execute(QUERY, "Q", {"id": "1"})
    assert f'HTTP Request: POST {fake.url} "HTTP/1.1 200 OK"' in caplog.text


# ------------------------------------------------------------------ execute_validated


def outcome(fn: Any) -> Any:
    try:
        return fn()
    except Exception as exc:
        return (type(exc), str(exc), vars(exc))


def three_steps(client: AppSyncClient) -> Any:
    response = client.execute(QUERY, "Q", {"id": "1"})
    return client.validate_result(Result, client.get_data(response))


REPLIES = [
    json_reply({"data": {"note": {"id": "1", "title": "t", "tags": ["a"]}}}),
    json_reply({"data": {"note": {"id": "1", "title": "t"}}, "errors": []}),
    json_reply({"data": {"note": {"id": "1", "title": "t"}}, "errors": None, "extensions": {}}),
    json_reply({"data": {"note": {"id": "1", "title": "t"}}, "errors": [{"message": "partial"}]}),
    json_reply({"data": None, "errors": [{"message": "no", "errorType": "Unauthorized"}]}),
    json_reply({"data": {"note": {"id": "1"}}}),
    json_reply({"data": {"note": None}}),
    json_reply({"data": "text"}),
    json_reply({"data": None}),
    json_reply([1, 2]),
    json_reply({"errors": "boom"}),
    Reply(200, b'{"data": {"note": {"id": "\\ud800", "title": "t"}}}', RID),
    Reply(200, b"<html>captive portal</html>", {"content-type": "text/html", **RID}),
    Reply(200, b"\xef\xbb\xbf" + b'{"data": {"note": {"id": "1", "title": "t"}}}', RID),
    json_reply({"errors": [{"message": "nope"}]}, status=401),
    Reply(502, b"bad gateway", {"content-type": "text/html", **RID}),
]


@pytest.mark.parametrize("reply", REPLIES, ids=range(len(REPLIES)))
def test_execute_validated_gives_what_the_three_steps_give(fake: FakeAppSync, reply: Reply) -> None:
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=None) as client:
        fake.reply(reply, reply)
        expected = outcome(lambda: three_steps(client))
        got = outcome(lambda: client.execute_validated(Result, QUERY, "Q", {"id": "1"}))
    assert got == expected


@pytest.mark.parametrize("reply", REPLIES, ids=range(len(REPLIES)))
def test_async_execute_validated_gives_what_the_three_steps_give(
    fake: FakeAppSync, reply: Reply
) -> None:
    async def run() -> tuple[Any, Any]:
        async with AsyncAppSyncClient(fake.url, auth=ApiKeyAuth(KEY), retry=None) as client:

            async def slow() -> Any:
                response = await client.execute(QUERY, "Q", {"id": "1"})
                return client.validate_result(Result, client.get_data(response))

            async def fast() -> Any:
                return await client.execute_validated(Result, QUERY, "Q", {"id": "1"})

            results = []
            for fn in (slow, fast):
                try:
                    results.append(await fn())
                except Exception as exc:
                    results.append((type(exc), str(exc), vars(exc)))
            return results[0], results[1]

    fake.reply(reply, reply)
    expected, got = asyncio.run(run())
    assert got == expected


def test_execute_validated_runs_overridden_result_methods(fake: FakeAppSync) -> None:
    seen: list[str] = []

    class Custom(AppSyncClient):
        def validate_result(self, model: Any, data: dict[str, Any]) -> Any:
            seen.append("validate_result")
            return super().validate_result(model, data)

    fake.reply(json_reply({"data": {"note": {"id": "1", "title": "t"}}}))
    with Custom(fake.url, auth=ApiKeyAuth(KEY)) as client:
        result = client.execute_validated(Result, QUERY, "Q", {"id": "1"})
    assert result.note.id == "1" and seen == ["validate_result"]


# ------------------------------------------------------------------ encoding, decoding


def test_bodies_from_cached_parts_are_the_same_bytes() -> None:
    from appsync_runtime._request import encode_body

    for name in ("Q", None):
        first = encode_body(QUERY, name, {"id": "é"})
        again = encode_body(QUERY, name, {"id": "é"})
        expected = {"query": QUERY, "variables": {"id": "é"}}
        if name is not None:
            expected["operationName"] = name
        assert (
            first
            == again
            == json.dumps(expected, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        )


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1.5e300, "b": -0.0, "c": 12345678901234567890, "d": [true, null], "a": 2}',
        b'{"s": "\\u00e9\\ud83d\\ude00 \\n"}',
        b'{"s": "\\ud800"}',  # a lone surrogate: json keeps it
        b"\xef\xbb\xbf{}",  # BOM
        '{"a": 1}'.encode("utf-16"),
        b"[" * 300 + b"]" * 300,  # deeper than pydantic-core's limit
    ],
)
def test_decoding_gives_what_json_gives(body: bytes) -> None:
    expected = json.loads(body)
    assert repr(_decode(body)) == repr(expected)
    assert repr(loads(body)) == repr(expected)


@pytest.mark.parametrize(
    "body",
    [
        b'{"n": NaN, "i": -Infinity}',
        b'{"i": Infinity}',
        b"\xef\xbb\xbf[NaN]",  # through json's path
        "[-Infinity]".encode("utf-16"),
        b'{"s": "\\ud800", "n": NaN}',  # pydantic-core refuses the surrogate first
    ],
)
def test_http_bodies_with_nan_or_infinity_are_refused(body: bytes) -> None:
    # json accepts these tokens; JSON does not, and AppSync never sends them
    with pytest.raises(ValueError, match="not a JSON number"):
        _decode(body)
    assert repr(loads(body)) == repr(json.loads(body))  # real-time frames: json's values


@pytest.mark.parametrize("text", ['{"a": [1, 2.5, "x"]}', '"\\ud800"', '{"a": "\ud800"}'])
def test_decoding_text_frames_gives_what_json_gives(text: str) -> None:
    assert repr(loads(text)) == repr(json.loads(text))


@pytest.mark.parametrize(
    "body", [b"", b"{", b'{"a": "x\ny"}', b'{"a": 1} x', b"\xff", b"[" * 100_000]
)
def test_decoding_refuses_what_json_refuses(body: bytes) -> None:
    with pytest.raises((ValueError, RecursionError)):
        json.loads(body)
    with pytest.raises((ValueError, RecursionError)):
        _decode(body)
    with pytest.raises((ValueError, RecursionError)):
        loads(body)


# ------------------------------------------------------------------ aiohttp timeouts


def test_aiohttp_session_timeout_is_reused_only_while_the_whole_total_is_ahead() -> None:
    async def run() -> None:
        session = aiohttp.ClientSession()  # a user's session: aiohttp's own timeouts
        transport = AiohttpTransport(session)
        transport._ensure()
        timeout = Timeout(connect=2, read=3, total=10)

        def request(deadline: float | None) -> HttpRequest:
            return HttpRequest("POST", "http://127.0.0.1:9/graphql", {}, b"{}", timeout, deadline)

        first = transport._client_timeout(request(time.monotonic() + 10))
        assert (first.total, first.sock_connect, first.sock_read) == (10, 2, 3)
        assert transport._client_timeout(request(time.monotonic() + 10)) is first
        later = transport._client_timeout(request(time.monotonic() + 4))
        assert later is not first and 3.9 < later.total <= 4
        none = transport._client_timeout(request(None))
        assert none.total is None and transport._client_timeout(request(None)) is none
        await transport.aclose()
        await session.close()

    asyncio.run(run())


def test_iam_prepares_once_for_the_clients_own_headers(fake: FakeAppSync) -> None:
    auth = IAMAuth(Credentials("AKIDEXAMPLE", "secret"), region="us-east-1")
    with AppSyncClient(fake.url, auth=auth) as client:
        client.execute(QUERY, "Q", {"id": "1"})
        prepared = auth._last_prepared
        client.execute(QUERY, "Q", {"id": "2"})
        assert auth._last_prepared is prepared
        client.execute(QUERY, "Q", {"id": "3"}, headers={"x-extra": "1"})  # another shape
    signed = [
        r.headers["authorization"].split("SignedHeaders=")[1].split(",")[0] for r in fake.received
    ]
    assert signed[0] == signed[1] != signed[2]


def test_aiohttp_session_read_timer_is_left_out_only_where_the_total_ends_the_read_in_time() -> (
    None
):
    async def run() -> None:
        session = aiohttp.ClientSession()  # a user's session: aiohttp's own timeouts
        transport = AiohttpTransport(session)
        transport._ensure()

        def timeout_for(total: float, read: float, left: float) -> Any:
            timeout = Timeout(connect=2, read=read, total=total)
            deadline = time.monotonic() + left
            request = HttpRequest(
                "POST", "http://127.0.0.1:9/graphql", {}, b"{}", timeout, deadline
            )
            return transport._client_timeout(request)

        assert timeout_for(10, 30, 10).sock_read is None  # 10 s (+1 s rounding) < 30 s
        assert timeout_for(10, 10, 10).sock_read == 10  # aiohttp may fire the total late
        assert timeout_for(4, 4, 4).sock_read is None  # under 5 s: fired on time
        assert timeout_for(60, 30, 60).sock_read == 30  # the defaults keep the read timer
        assert timeout_for(60, 30, 20).sock_read is None  # a retry with 20 s left
        assert timeout_for(60, 30, 29.5).sock_read == 30
        await transport.aclose()
        await session.close()

    asyncio.run(run())


def test_read_timeout_still_times_each_wait_on_a_reused_connection() -> None:
    """The read timer kept armed per connection: a body whose bytes keep coming
    within the read timeout is read whole, however long it takes; a silence as long
    as the read timeout fails the call, on the same pooled connection, also when a
    call's read timeout is shorter than the one before it."""
    from appsync_runtime import AppSyncTimeoutError

    body = b'{"data":{"n":1}}'

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                kind = (await reader.readexactly(length)).decode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
                writer.write(b"Content-Length: %d\r\n\r\n" % len(body))
                if kind == "fast":
                    writer.write(body)
                elif kind == "trickle":  # a byte every 0.1 s: never 0.3 s of silence
                    for byte in body:
                        await writer.drain()
                        await asyncio.sleep(0.1 if byte in b"{}" else 0.0)
                        writer.write(bytes([byte]))
                else:  # "stall": half the body, then silence
                    writer.write(body[:5])
                    await writer.drain()
                    await asyncio.sleep(3)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def run() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        transport = AiohttpTransport()

        async def call(kind: str, read: float) -> float:
            request = HttpRequest(
                "POST",
                f"http://127.0.0.1:{port}/graphql",
                {"content-type": "application/json"},
                kind.encode(),
                Timeout(connect=2, read=read, total=None),
                None,
            )
            started = time.monotonic()
            response = await transport.send(request)
            assert response.content == body
            return time.monotonic() - started

        try:
            await call("fast", 0.3)
            assert await call("trickle", 0.3) >= 0.35  # longer than the read timeout
            await asyncio.sleep(0.5)  # the connection's timer fires, finds nothing to time
            await call("fast", 5.0)  # arms the connection's timer for 5 s
            started = time.monotonic()
            with pytest.raises(AppSyncTimeoutError):
                await call("stall", 0.3)  # shorter than the armed timer: re-armed
            assert 0.25 <= time.monotonic() - started < 2.5
        finally:
            await transport.aclose()
            server.close()
            await server.wait_closed()

    asyncio.run(run())
