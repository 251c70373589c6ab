"""The user agent: named after the library and its version, sent on HTTP and on the
WebSocket upgrade by every client, extendable, never signed where a rewrite breaks."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import cast

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncConfigError,
    AsyncAppSyncClient,
    AsyncEventsClient,
    Credentials,
    EventsClient,
    IAMAuth,
)
from tests.support.fake_appsync import FakeAppSync
from tests.support.fake_realtime import FAST, SUBSCRIPTION, FakeRealtime
from tests.support.sigv4_check import KeyInfo, SigV4Check

API_KEY = "da2-useragentsecret0000000000"
PYTHON = f"python/{sys.version_info.major}.{sys.version_info.minor}"
EXPECTED = f"appsync-typed/{version('appsync-typed')} {PYTHON}"


@pytest.fixture
def fake() -> Iterator[FakeAppSync]:
    with FakeAppSync() as server:
        yield server


def _agents(fake: FakeAppSync) -> list[tuple[str | None, str | None]]:
    return [(r.headers.get("user-agent"), r.headers.get("x-amz-user-agent")) for r in fake.received]


def test_every_http_transport_sends_the_library_user_agent(fake: FakeAppSync) -> None:
    auth = ApiKeyAuth(API_KEY)
    with AppSyncClient(fake.url, auth=auth) as client:
        assert client.user_agent == EXPECTED
        client.execute("query Q { a }")
    with httpx.Client() as own, AppSyncClient(fake.url, auth=auth, http_client=own) as client:
        client.execute("query Q { a }")

    async def run() -> None:
        async with AsyncAppSyncClient(fake.url, auth=auth) as client:
            await client.execute("query Q { a }")
        async with (
            httpx.AsyncClient() as own,
            AsyncAppSyncClient(fake.url, auth=auth, http_client=own) as client,
        ):
            await client.execute("query Q { a }")

    asyncio.run(run())
    assert _agents(fake) == [(EXPECTED, EXPECTED)] * 4


def test_users_append_their_own_and_their_header_wins(fake: FakeAppSync) -> None:
    auth = ApiKeyAuth(API_KEY)
    with AppSyncClient(fake.url, auth=auth, user_agent_extra=" myapp/1.2 (ops) ") as client:
        assert client.user_agent == f"{EXPECTED} myapp/1.2 (ops)"
        client.execute("query Q { a }")
    with AppSyncClient(fake.url, auth=auth, headers={"User-Agent": "mine/1"}) as client:
        client.execute("query Q { a }")
    assert _agents(fake) == [
        (f"{EXPECTED} myapp/1.2 (ops)", f"{EXPECTED} myapp/1.2 (ops)"),
        ("mine/1", EXPECTED),
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_user_agent_extra_is_printable_ascii_or_refused(extra: str) -> None:
    fits = extra.strip().isascii() and extra.strip().isprintable()
    if not fits:
        with pytest.raises(AppSyncConfigError):
            AppSyncClient(
                "https://x.appsync-api.us-east-1.amazonaws.com/graphql", user_agent_extra=extra
            )
        return
    client = AppSyncClient(
        "https://x.appsync-api.us-east-1.amazonaws.com/graphql", user_agent_extra=extra
    )
    assert client.user_agent == f"{EXPECTED} {extra.strip()}".rstrip()


@pytest.mark.parametrize("extra", [b"bytes/1", 3, "x" * 257])
def test_user_agent_extra_of_the_wrong_kind_is_refused(extra: object) -> None:
    with pytest.raises(AppSyncConfigError, match="user_agent_extra"):
        AppSyncClient(
            "https://x.appsync-api.us-east-1.amazonaws.com/graphql",
            user_agent_extra=cast(str, extra),  # the wrong kind on purpose
        )


def test_sigv4_leaves_user_agent_unsigned_and_signs_x_amz_user_agent(fake: FakeAppSync) -> None:
    secret, token = "ua-secret-key-00000000000000", "ua-session-token-0000000000"
    check = SigV4Check(keys={"AKIDUA": KeyInfo(secret, token)})
    fake.handler = check.handler()
    auth = IAMAuth(Credentials("AKIDUA", secret, token))
    with AppSyncClient(fake.url, auth=auth, region="us-east-1") as client:
        client.execute("query Q { a }")
    assert check.accepted == 1, check.rejected
    (received,) = fake.received
    signed = received.headers["authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert "user-agent" not in signed.split(";")
    assert "x-amz-user-agent" in signed.split(";")  # as AWS Amplify signs it


def test_the_websocket_upgrade_carries_it_on_both_clients() -> None:
    with FakeRealtime(connection_timeout_ms=2000, ka_interval=0.05) as rt:
        with AppSyncClient(
            rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST, user_agent_extra="sync/1"
        ) as client:
            events = client.subscribe(
                SUBSCRIPTION, "OnNote", on_ready=lambda: rt.publish({"onNote": {"id": "1"}})
            )
            assert next(iter(events)) == {"onNote": {"id": "1"}}

        async def run() -> None:
            async with AsyncAppSyncClient(
                rt.url, auth=ApiKeyAuth(rt.api_key), realtime=FAST, user_agent_extra="async/1"
            ) as client:
                async for _ in client.subscribe(
                    SUBSCRIPTION, "OnNote", on_ready=lambda: rt.publish({"onNote": {"id": "2"}})
                ):
                    return

        asyncio.run(run())
        agents = [
            (c.request.headers.get("User-Agent"), c.request.headers.get("x-amz-user-agent"))
            for c in rt.connections
        ]
        assert rt.violations == []
    assert agents == [(f"{EXPECTED} sync/1",) * 2, (f"{EXPECTED} async/1",) * 2]


def test_events_clients_send_it_too() -> None:
    from tests.support.fake_events import FakeEvents

    with FakeEvents() as server:
        with EventsClient(server.url, auth=ApiKeyAuth(server.api_key)) as client:
            client.publish("/default/ch", [{"a": 1}])

        async def run() -> None:
            async with AsyncEventsClient(server.url, auth=ApiKeyAuth(server.api_key)) as client:
                await client.publish("/default/ch", [{"a": 2}])

        asyncio.run(run())
        agents = {r.headers.get("user-agent") for r in server.http_publishes}
        assert len(server.http_publishes) == 2 and server.violations == []
    assert agents == {EXPECTED}


def test_importing_the_runtime_reads_no_distribution_metadata() -> None:
    code = (
        "import sys, appsync_runtime\n"
        "from appsync_runtime import AppSyncClient\n"
        "print('importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_version_is_read_from_the_dist_info_beside_the_package(
    tmp_path: Path,
) -> None:
    """A wheel's layout: the package with ``appsync_typed-<version>.dist-info`` beside
    it. The version comes from that name, without importing importlib.metadata."""
    import shutil

    import appsync_runtime

    site = tmp_path
    shutil.copytree(Path(appsync_runtime.__file__).parent, site / "appsync_runtime")
    (site / "appsync_typed-9.8.7.dist-info").mkdir()
    code = (
        "import sys\n"
        "from appsync_runtime._useragent import library_version, user_agent\n"
        "print(library_version(), 'importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(site)},
        cwd=str(site),
    )
    assert out.stdout.split() == ["9.8.7", "False"]
    (site / "appsync_typed-1.0.0.dist-info").mkdir()  # two: the metadata machinery decides
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(site)},
        cwd=str(site),
    )
    assert out.stdout.split()[1] == "True"
