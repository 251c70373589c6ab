"""Structured log records: each record carries its facts as attributes, for JSON
formatters; the text stays readable; no secret reaches either."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Iterator

import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncHTTPError,
    AppSyncNetworkError,
    AsyncAppSyncClient,
    Credentials,
    IAMAuth,
    RetryPolicy,
)
from tests.support.fake_appsync import FakeAppSync, Received, Reply
from tests.support.fake_realtime import FAST, SUBSCRIPTION, FakeRealtime
from tests.support.secret_scan import SecretScan, echoes
from tests.support.sigv4_check import KeyInfo, SigV4Check

API_KEY = "da2-structuredlogsecret000000"
SECRET, TOKEN = "structured-secret-key-000000000000", "structured-session-token-0000000000"
QUERY = "query GetNote { getNote { id } }"
RETRY = RetryPolicy(attempts=3, wait_initial=0.001, wait_max=0.002, wait_jitter=0.0)
CALL_FIELDS = (
    "operation",
    "operation_type",
    "auth_mode",
    "attempt",
    "status",
    "request_id",
    "duration_ms",
    "error_type",
    "error_class",
    "will_retry",
    "wait_s",
)
_STANDARD = set(vars(logging.LogRecord("x", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonHandler(logging.Handler):
    """What a JSON log pipeline does: the message plus every non-standard attribute."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.records: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        entry: dict[str, object] = {
            "logger": record.name,
            "level": record.levelname,
            "msg": record.getMessage(),
        }
        entry.update(fields)
        self.records.append(entry)
        self.lines.append(json.dumps(entry, default=str))


@pytest.fixture
def handler() -> Iterator[JsonHandler]:
    handler = JsonHandler()
    logger = logging.getLogger("appsync_runtime")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def fake() -> Iterator[FakeAppSync]:
    with FakeAppSync() as server:
        yield server


def _calls(handler: JsonHandler) -> list[dict[str, object]]:
    return [r for r in handler.records if r["logger"] == "appsync_runtime" and "attempt" in r]


def test_attempts_and_retries_carry_their_fields(fake: FakeAppSync, handler: JsonHandler) -> None:
    fake.reply(
        Reply(
            503,
            {"errors": [{"errorType": "ServiceUnavailable", "message": "busy"}]},
            {"x-amzn-RequestId": "req-503", "x-amzn-ErrorType": "ServiceUnavailable"},
        ),
        Reply(200, {"data": {"getNote": {"id": "1"}}}, {"x-amzn-RequestId": "req-200"}),
    )
    with AppSyncClient(fake.url, auth=ApiKeyAuth(API_KEY), retry=RETRY) as client:
        client.execute(QUERY, "GetNote")
    records = _calls(handler)
    for record in records:
        assert set(CALL_FIELDS) <= set(record), record
        assert record["operation"] == "GetNote"
        assert record["operation_type"] == "query"
        assert record["auth_mode"] == "API_KEY"
    first, retry, second = records
    assert (first["level"], first["attempt"], first["status"]) == ("DEBUG", 1, 503)
    assert first["request_id"] == "req-503"
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert first["msg"].startswith("query GetNote: attempt 1 got HTTP 503 in ")  # type: ignore[union-attr]
    assert retry["level"] == "WARNING"
    assert retry["will_retry"] is True and retry["wait_s"] is not None
    assert retry["error_class"] == "AppSyncHTTPError"
    assert retry["error_type"] == "ServiceUnavailable"
    assert retry["status"] == 503 and retry["request_id"] == "req-503"
    assert "retry 1 of 2" in retry["msg"]  # type: ignore[operator]
    assert (second["attempt"], second["status"], second["request_id"]) == (2, 200, "req-200")
    assert second["error_class"] is None and second["error_type"] is None
    assert not SecretScan([API_KEY]).find(handler.lines)


async def test_async_network_failure_fields(handler: JsonHandler) -> None:
    async with AsyncAppSyncClient(
        "http://127.0.0.1:9/graphql", auth=ApiKeyAuth(API_KEY), retry=None
    ) as client:
        with pytest.raises(AppSyncNetworkError):
            await client.execute("mutation M { m }", "M")
    (record,) = _calls(handler)
    assert record["operation_type"] == "mutation"
    assert record["status"] is None and record["error_class"] == "AppSyncNetworkError"
    assert isinstance(record["duration_ms"], float)


@pytest.mark.parametrize("form", sorted(echoes(SECRET)))
def test_no_secret_reaches_a_record_when_the_server_echoes_it(
    form: str, handler: JsonHandler
) -> None:
    """A hostile server quotes the IAM secret key, the session token and the signature
    back in its request id and error; the records' text and fields hold none of it."""
    check = SigV4Check(keys={"AKIDLOGS": KeyInfo(SECRET, TOKEN)})
    with FakeAppSync() as fake:
        verify = check.handler()
        signatures: list[str] = []

        def hostile(received: Received) -> Reply:
            verify(received)
            auth = received.headers["authorization"]
            signatures.append(auth.rsplit("Signature=", 1)[1])
            echo = " ".join(echoes(SECRET)[form] for _ in range(1)) + " " + echoes(TOKEN)[form]
            return Reply(
                500,
                {"errors": [{"errorType": "Internal", "message": f"bad {echo} {auth}"}]},
                {"x-amzn-RequestId": echoes(SECRET)[form][:150]},
            )

        fake.handler = hostile
        auth = IAMAuth(Credentials("AKIDLOGS", SECRET, TOKEN))
        client = AppSyncClient(fake.url, auth=auth, region="us-east-1", retry=RETRY)
        with client, pytest.raises(AppSyncHTTPError):
            client.execute(QUERY, "GetNote")
    assert len(_calls(handler)) >= 3
    leaks = SecretScan([SECRET, TOKEN, *signatures]).find(handler.lines)
    assert not leaks, [str(leak) for leak in leaks]


async def test_realtime_records_carry_connection_state_and_reason(handler: JsonHandler) -> None:
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=0.05) as rt:
        rt.connect_script.extend(["http_500"])
        ready = asyncio.Event()
        options = dataclasses.replace(FAST, connect_attempts=3)
        async with AsyncAppSyncClient(
            rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options
        ) as client:

            async def consume() -> None:
                async for _ in client.subscribe(SUBSCRIPTION, "OnNote", on_ready=ready.set):
                    pass

            task = asyncio.create_task(consume())
            await asyncio.wait_for(ready.wait(), 5)
        await asyncio.wait_for(task, 5)
        api_key = rt.api_key
    realtime = [r for r in handler.records if r["logger"] == "appsync_runtime.realtime"]
    failed = [r for r in realtime if str(r["msg"]).find("connect failed") >= 0]
    assert failed, realtime
    assert failed[0]["connection"] == 1 and failed[0]["state"] == "disrupted"
    assert "500" in str(failed[0]["reason"]) and failed[0]["wait_s"] is not None
    states = [r["state"] for r in realtime if "state" in r and r["level"] == "DEBUG"]
    assert "connected" in states and states[-1] == "closed"
    assert not SecretScan([api_key]).find(handler.lines)
