"""End-to-end typed calls with IAM: client CPU per call and calls per second.

Run ``python bench/bench_calls.py [--quick] [--profile sync|async]``.

Every client makes the same call against the local AppSync-shaped server
(``bench/server.py``, its own process, which checks the SigV4 signature of a sample
of the requests with botocore): the ``ListNotes`` query of the example schema with
variables (``filter: {status: PUBLISHED}, limit: 3``), signed with static IAM
credentials carrying a session token, answered with a canned 2.4 KB reply of three
nested notes. Each client runs it blocking, and async at concurrency 1, 10 and 100
(that many coroutines calling in a loop on one client). Clients, in one run,
round-robin:

* **ours**: the generated example client (``example_client.Client`` over httpx,
  ``AsyncClient`` over aiohttp) with ``IAMAuth``; results are pydantic models with
  every AppSync scalar parsed;
* **gql 4**: sync with ``RequestsHTTPTransport(auth=AWS4Auth(...))`` from
  requests-aws4auth, async with ``AIOHTTPTransport(auth=AppSyncIAMAuthentication(...))``,
  as gql's documentation shows; results are dicts;
* **ariadne-codegen's default client**: the same operation generated at bench time by
  plain ariadne-codegen (default settings, the AppSync prelude as a second schema
  file) into a temporary folder, over ``httpx.Client`` / ``httpx.AsyncClient`` with
  :class:`BotocoreSigV4Auth` (botocore's ``SigV4Auth`` as an ``httpx.Auth``); its
  models type AppSync scalars as ``Any`` (no parsing);
* **the floors**: a raw ``httpx.Client`` (sync) or ``aiohttp.ClientSession`` (async)
  posting pre-built body bytes with headers signed once before the run, then
  ``json.loads`` of the reply.

Reported per mode: calls per second, client CPU per call (``time.process_time`` of
this process over the run, divided by the calls) with ratios to ours and to the
floor, the server's own CPU per call (to show it is not the bottleneck) and how many
sampled signatures the server verified. :func:`run` returns the rows for
``python -m bench``. Nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = REPO_ROOT / "example_schema"
for _path in (REPO_ROOT, EXAMPLE_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from appsync_runtime import Credentials, IAMAuth  # noqa: E402
from bench.server import ACCESS_KEY, REGION, SECRET_KEY, SESSION_TOKEN, BenchServer  # noqa: E402

__all__ = [
    "MODES",
    "BotocoreSigV4Auth",
    "CallRow",
    "format_tables",
    "main",
    "run",
]

MODES = ("sync", "async c=1", "async c=10", "async c=100")
OURS = "ours"
FLOOR = "floor"
FLOOR_TYPED = "floor_typed"
VARIABLES: dict[str, Any] = {"filter": {"status": "PUBLISHED"}, "limit": 3}

SyncCall = Callable[[], object]
AsyncCall = Callable[[], Awaitable[object]]


def _list_notes_document() -> str:
    """``ListNotes`` plus only the fragments it spreads (GraphQL rejects unused ones)."""
    text = (EXAMPLE_DIR / "operations" / "fragments.graphql").read_text()
    fragments = [
        part
        for part in text.split("fragment ")[1:]
        if part.startswith(("AuthorFields", "NoteFields"))
    ]
    query = (EXAMPLE_DIR / "operations" / "list_notes.graphql").read_text()
    return query + "\n" + "\n".join("fragment " + part.strip() for part in fragments) + "\n"


# --------------------------------------------------------------------------- auth


class BotocoreSigV4Auth(httpx.Auth):
    """botocore's ``SigV4Auth`` as an ``httpx.Auth``: what a user of a plain httpx-based
    client (such as ariadne-codegen's default one) writes for AppSync IAM. It signs
    ``host`` and ``content-type`` plus botocore's own ``X-Amz-*`` headers."""

    requires_request_body = True

    def __init__(self, credentials: Any, region: str, service: str = "appsync") -> None:
        from botocore.auth import SigV4Auth

        self._signer = SigV4Auth(credentials, service, region)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        from botocore.awsrequest import AWSRequest

        signed = {
            name: request.headers[name]
            for name in ("host", "content-type")
            if name in request.headers
        }
        aws = AWSRequest(
            method=request.method, url=str(request.url), data=request.content, headers=signed
        )
        self._signer.add_auth(aws)
        for name, value in aws.headers.items():
            if name.lower() not in signed:
                request.headers[name] = value
        yield request


def _boto_credentials() -> Any:
    from botocore.credentials import Credentials as BotoCredentials

    return BotoCredentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)


def _ours_auth() -> IAMAuth:
    return IAMAuth(Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN), region=REGION)


def _presigned(server: BenchServer, body: bytes) -> dict[str, str]:
    """Headers signed once, with botocore, for the floors' fixed body."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest

    headers = {"host": server.http_host, "content-type": "application/json"}
    aws = AWSRequest(method="POST", url=server.http_url, data=body, headers=headers)
    SigV4Auth(_boto_credentials(), "appsync", REGION).add_auth(aws)
    return dict(aws.headers.items())


def _floor_body() -> bytes:
    return json.dumps(
        {"query": _list_notes_document(), "operationName": "ListNotes", "variables": VARIABLES}
    ).encode()


# --------------------------------------------------------------------------- ariadne


@dataclass
class _Ariadne:
    """ariadne-codegen's default clients, generated once per process."""

    folder: tempfile.TemporaryDirectory[str] | None = None
    sync_module: Any = None
    async_module: Any = None


_ARIADNE = _Ariadne()


def _generate_ariadne() -> tuple[Any, Any]:
    """Generate ``ListNotes`` with plain ariadne-codegen (default settings, the AppSync
    prelude as a second schema file), sync and async, into a temporary folder."""
    if _ARIADNE.sync_module is not None:
        return _ARIADNE.sync_module, _ARIADNE.async_module
    import importlib

    from appsync_codegen import PRELUDE_PATH

    folder = tempfile.TemporaryDirectory(prefix="bench-ariadne-")
    root = Path(folder.name)
    operations = root / "operations"
    operations.mkdir()
    (operations / "list_notes.graphql").write_text(_list_notes_document())
    schema = EXAMPLE_DIR / "schema.graphql"
    for package, is_async in (("ariadne_sync", False), ("ariadne_async", True)):
        config = root / f"{package}.toml"
        config.write_text(
            "[tool.ariadne-codegen]\n"
            f"schema_paths = [{json.dumps(str(PRELUDE_PATH))}, {json.dumps(str(schema))}]\n"
            f'queries_path = "{operations}"\n'
            f'target_package_name = "{package}"\n'
            f'target_package_path = "{root}"\n'
            f"async_client = {'true' if is_async else 'false'}\n"
        )
        subprocess.run(
            [sys.executable, "-m", "ariadne_codegen", "--config", str(config)],
            check=True,
            capture_output=True,
            cwd=root,
        )
    sys.path.insert(0, str(root))
    _ARIADNE.folder = folder
    _ARIADNE.sync_module = importlib.import_module("ariadne_sync")
    _ARIADNE.async_module = importlib.import_module("ariadne_async")
    return _ARIADNE.sync_module, _ARIADNE.async_module


# --------------------------------------------------------------------------- sync clients


@contextlib.contextmanager
def _ours_sync(server: BenchServer) -> Iterator[SyncCall]:
    from example_client import Client
    from example_client.enums import NoteStatus
    from example_client.input_types import NoteFilter

    note_filter = NoteFilter(status=NoteStatus.PUBLISHED)
    with Client(url=server.http_url, auth=_ours_auth()) as client:

        def call() -> object:
            return client.list_notes(filter_=note_filter, limit=3)

        result: Any = call()
        assert len(result.list_notes.items) == 3 and result.list_notes.items[0].scheduled_at.year
        yield call


@contextlib.contextmanager
def _gql_sync(server: BenchServer) -> Iterator[SyncCall]:
    from gql import Client, GraphQLRequest
    from gql.transport.requests import RequestsHTTPTransport
    from requests_aws4auth import AWS4Auth

    auth = AWS4Auth(ACCESS_KEY, SECRET_KEY, REGION, "appsync", session_token=SESSION_TOKEN)
    transport = RequestsHTTPTransport(url=server.http_url, auth=auth)
    request = GraphQLRequest(_list_notes_document(), variable_values=VARIABLES)
    with Client(transport=transport, fetch_schema_from_transport=False) as session:

        def call() -> object:
            return session.execute(request)

        result: Any = call()
        assert len(result["listNotes"]["items"]) == 3
        yield call


@contextlib.contextmanager
def _ariadne_sync(server: BenchServer) -> Iterator[SyncCall]:
    module, _ = _generate_ariadne()
    from ariadne_sync.enums import NoteStatus  # type: ignore[import-not-found]
    from ariadne_sync.input_types import NoteFilter  # type: ignore[import-not-found]

    note_filter = NoteFilter(status=NoteStatus.PUBLISHED)
    http = httpx.Client(auth=BotocoreSigV4Auth(_boto_credentials(), REGION))
    with module.Client(url=server.http_url, http_client=http) as client:

        def call() -> object:
            return client.list_notes(filter_=note_filter, limit=3)

        result: Any = call()
        assert len(result.list_notes.items) == 3
        yield call


@contextlib.contextmanager
def _floor_sync(server: BenchServer) -> Iterator[SyncCall]:
    body = _floor_body()
    headers = _presigned(server, body)
    url = server.http_url
    loads = json.loads
    with httpx.Client() as http:
        post = http.post

        def call() -> object:
            return loads(post(url, content=body, headers=headers).content)

        result: Any = call()
        assert len(result["data"]["listNotes"]["items"]) == 3
        yield call


@contextlib.contextmanager
def _floor_typed_sync(server: BenchServer) -> Iterator[SyncCall]:
    """The floor, with the reply validated into the generated model from its bytes
    (what ours must do at least): no runtime of ours but that validation."""
    from appsync_runtime._response import validate_json
    from example_client.list_notes import ListNotes

    body = _floor_body()
    headers = _presigned(server, body)
    url = server.http_url
    with httpx.Client() as http:
        post = http.post

        def call() -> object:
            return validate_json(ListNotes, post(url, content=body, headers=headers).content)

        result: Any = call()
        assert len(result.value.list_notes.items) == 3
        yield call


# --------------------------------------------------------------------------- async clients


@contextlib.asynccontextmanager
async def _ours_async(server: BenchServer) -> AsyncIterator[AsyncCall]:
    from example_client import AsyncClient
    from example_client.enums import NoteStatus
    from example_client.input_types import NoteFilter

    note_filter = NoteFilter(status=NoteStatus.PUBLISHED)
    async with AsyncClient(url=server.http_url, auth=_ours_auth()) as client:

        def call() -> Awaitable[object]:
            return client.list_notes(filter_=note_filter, limit=3)

        result: Any = await call()
        assert len(result.list_notes.items) == 3 and result.list_notes.items[0].scheduled_at.year
        yield call


@contextlib.asynccontextmanager
async def _gql_async(server: BenchServer) -> AsyncIterator[AsyncCall]:
    import botocore.session
    from gql import Client, GraphQLRequest
    from gql.transport.aiohttp import AIOHTTPTransport
    from gql.transport.appsync_auth import AppSyncIAMAuthentication

    auth = AppSyncIAMAuthentication(
        host=server.http_host,
        region_name=REGION,
        credentials=_boto_credentials(),
        session=botocore.session.get_session(),
    )
    transport = AIOHTTPTransport(url=server.http_url, auth=auth)
    request = GraphQLRequest(_list_notes_document(), variable_values=VARIABLES)
    async with Client(transport=transport, fetch_schema_from_transport=False) as session:

        def call() -> Awaitable[object]:
            return cast("Awaitable[object]", session.execute(request))

        result: Any = await call()
        assert len(result["listNotes"]["items"]) == 3
        yield call


@contextlib.asynccontextmanager
async def _ariadne_async(server: BenchServer) -> AsyncIterator[AsyncCall]:
    _, module = _generate_ariadne()
    from ariadne_async.enums import NoteStatus  # type: ignore[import-not-found]
    from ariadne_async.input_types import NoteFilter  # type: ignore[import-not-found]

    note_filter = NoteFilter(status=NoteStatus.PUBLISHED)
    http = httpx.AsyncClient(auth=BotocoreSigV4Auth(_boto_credentials(), REGION))
    async with module.Client(url=server.http_url, http_client=http) as client:

        def call() -> Awaitable[object]:
            return cast("Awaitable[object]", client.list_notes(filter_=note_filter, limit=3))

        result: Any = await call()
        assert len(result.list_notes.items) == 3
        yield call


@contextlib.asynccontextmanager
async def _floor_async(server: BenchServer) -> AsyncIterator[AsyncCall]:
    import aiohttp

    body = _floor_body()
    headers = _presigned(server, body)
    url = server.http_url
    loads = json.loads
    async with aiohttp.ClientSession() as http:
        post = http.post

        async def call() -> object:
            async with post(url, data=body, headers=headers) as response:
                return loads(await response.read())

        result: Any = await call()
        assert len(result["data"]["listNotes"]["items"]) == 3
        yield call


@contextlib.asynccontextmanager
async def _floor_typed_async(server: BenchServer) -> AsyncIterator[AsyncCall]:
    import aiohttp

    from appsync_runtime._response import validate_json
    from example_client.list_notes import ListNotes

    body = _floor_body()
    headers = _presigned(server, body)
    url = server.http_url
    async with aiohttp.ClientSession() as http:
        post = http.post

        async def call() -> object:
            async with post(url, data=body, headers=headers) as response:
                return validate_json(ListNotes, await response.read())

        result: Any = await call()
        assert len(result.value.list_notes.items) == 3
        yield call


SyncFactory = Callable[[BenchServer], contextlib.AbstractContextManager[SyncCall]]
AsyncFactory = Callable[[BenchServer], contextlib.AbstractAsyncContextManager[AsyncCall]]

NAMES = {
    OURS: "ours: generated client, typed (IAMAuth)",
    "gql": "gql 4 (requests + AWS4Auth / aiohttp + AppSyncIAMAuthentication)",
    "ariadne": "ariadne-codegen default client (httpx + botocore SigV4Auth)",
    FLOOR: "floor: raw httpx / aiohttp, presigned, json.loads",
    FLOOR_TYPED: "floor + validate_json into the model (no json.loads)",
}


def _clients() -> tuple[dict[str, tuple[SyncFactory, AsyncFactory]], list[str]]:
    notes: list[str] = []
    clients: dict[str, tuple[SyncFactory, AsyncFactory]] = {OURS: (_ours_sync, _ours_async)}
    try:
        import gql.transport.aiohttp
        import gql.transport.requests  # noqa: F401
        import requests_aws4auth  # noqa: F401
    except ImportError:
        notes.append("gql[aiohttp,requests] or requests-aws4auth missing: gql rows left out")
    else:
        clients["gql"] = (_gql_sync, _gql_async)
    try:
        import ariadne_codegen  # noqa: F401
        import botocore  # noqa: F401
    except ImportError:
        notes.append("ariadne-codegen or botocore missing: ariadne rows left out")
    else:
        clients["ariadne"] = (_ariadne_sync, _ariadne_async)
    clients[FLOOR] = (_floor_sync, _floor_async)
    clients[FLOOR_TYPED] = (_floor_typed_sync, _floor_typed_async)
    return clients, notes


# --------------------------------------------------------------------------- measuring


@dataclass
class _Run:
    cpu: float
    wall: float
    calls: int
    server_cpu: float
    sampled: int
    verified: int
    rejected: list[str] = field(default_factory=list)


def _server_figures(server: BenchServer, calls: int) -> tuple[float, int, int, list[str]]:
    stats = server.stats(reset=True)
    if stats["requests"] != calls:
        raise RuntimeError(f"the server saw {stats['requests']} calls, expected {calls}")
    return stats["cpu"], stats["sampled"], stats["verified"], list(stats["rejected"])


def _measure_sync(server: BenchServer, factory: SyncFactory, calls: int) -> _Run:
    with factory(server) as call:
        for _ in range(5):
            call()
        server.stats(reset=True)
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(calls):
            call()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    server_cpu, sampled, verified, rejected = _server_figures(server, calls)
    return _Run(cpu, wall, calls, server_cpu, sampled, verified, rejected)


async def _drive(call: AsyncCall, calls: int, concurrency: int) -> None:
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def _measure_async_in_loop(
    server: BenchServer, factory: AsyncFactory, calls: int, concurrency: int
) -> _Run:
    async with factory(server) as call:
        await _drive(call, max(20, 2 * concurrency), concurrency)  # fill the pool
        server.stats(reset=True)
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        await _drive(call, calls, concurrency)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    server_cpu, sampled, verified, rejected = _server_figures(server, calls)
    return _Run(cpu, wall, calls, server_cpu, sampled, verified, rejected)


def _measure(
    server: BenchServer, factories: tuple[SyncFactory, AsyncFactory], mode: str, calls: int
) -> _Run:
    if mode == "sync":
        return _measure_sync(server, factories[0], calls)
    concurrency = int(mode.split("=")[1])
    return asyncio.run(_measure_async_in_loop(server, factories[1], calls, concurrency))


@dataclass(frozen=True)
class CallRow:
    """One client in one mode: medians over the rounds."""

    mode: str
    client: str
    calls: int
    calls_per_s: float
    cpu_us: float
    """Client CPU microseconds per call."""
    vs_ours: float
    """CPU per call, as a multiple of ours."""
    vs_floor: float
    """CPU per call, as a multiple of the floor's."""
    server_us: float
    """The server's CPU microseconds per call (signature sampling included)."""
    sampled: int
    verified: int
    rejected: tuple[str, ...]


QUICK_CALLS: dict[str, int] = {"sync": 400, "async c=1": 180, "async c=10": 400, "async c=100": 600}
"""``--quick``: calls per round, by mode (the full run: 2,000 each), over 5 rounds.
Ratios are medians of per-round ratios and each round runs the clients in a rotated
order, so 5 shorter rounds resist a burst of load on a shared machine better than 3
long ones (3 rounds of 300 calls put a quick run's ratios up to 0.29 from a full
run's). At 100 in flight a round of 180 calls is mostly the ramp up and down (each
worker makes one or two calls), whose cost differs between clients: 600 calls keep
it a small part. Blocking calls of gql's take about 1 ms each and swing with load:
400 of them. At 10 in flight, 180 calls left gql's ratio to ours (about 6x) 0.23 from
a full run's: 400."""
QUICK_ROUNDS = 5


def run(
    quick: bool = False,
    modes: tuple[str, ...] = MODES,
    calls: int | None = None,
    rounds: int | None = None,
) -> list[CallRow]:
    """Every client in every mode, round-robin; rows grouped by mode, ours first."""
    clients, notes = _clients()
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    per_mode = {m: calls or (QUICK_CALLS.get(m, 180) if quick else 2_000) for m in modes}
    rounds = rounds or (QUICK_ROUNDS if quick else 5)
    runs: dict[tuple[str, str], list[_Run]] = {(m, c): [] for m in modes for c in clients}
    with BenchServer() as server:
        names = list(clients)
        for index in range(rounds):
            order = names[index % len(names) :] + names[: index % len(names)]  # rotated
            for mode in modes:
                for name in order:
                    runs[mode, name].append(_measure(server, clients[name], mode, per_mode[mode]))
    rows: list[CallRow] = []
    for mode in modes:
        cpu = {c: statistics.median(r.cpu / r.calls for r in runs[mode, c]) for c in clients}

        def ratio(name: str, to: str, mode: str = mode) -> float:
            """The median of the per-round ratios (each round's figures were taken
            within seconds of each other, so drift between rounds cancels)."""
            pairs = zip(runs[mode, name], runs[mode, to], strict=True)
            return statistics.median((a.cpu / a.calls) / (b.cpu / b.calls) for a, b in pairs)

        for name in clients:
            done = runs[mode, name]
            rows.append(
                CallRow(
                    mode=mode,
                    client=name,
                    calls=per_mode[mode],
                    calls_per_s=statistics.median(r.calls / r.wall for r in done),
                    cpu_us=cpu[name] * 1e6,
                    vs_ours=ratio(name, OURS),
                    vs_floor=ratio(name, FLOOR),
                    server_us=statistics.median(r.server_cpu / r.calls for r in done) * 1e6,
                    sampled=sum(r.sampled for r in done),
                    verified=sum(r.verified for r in done),
                    rejected=tuple(x for r in done for x in r.rejected),
                )
            )
    return rows


# --------------------------------------------------------------------------- reporting


def _targets(mode: str, by_client: dict[str, CallRow]) -> list[str]:
    ours = by_client[OURS]
    lines = []
    floor_limit = 1.05 if mode == "sync" else 1.4
    verdict = "met" if ours.vs_floor <= floor_limit else "missed"
    lines.append(f"  ours <= {floor_limit}x the floor's CPU/call: {ours.vs_floor:.2f}x ({verdict})")
    typed = by_client.get(FLOOR_TYPED)
    if typed is not None:
        lines.append(
            f"  validating the reply alone (floor + validate_json): {typed.vs_floor:.2f}x the "
            f"floor; ours is {1 / typed.vs_ours:.2f}x that"
        )
    if "gql" in by_client:
        ratio = by_client["gql"].vs_ours
        gql_limit = 2.0 if mode == "sync" else 2.5
        verdict = "met" if ratio >= gql_limit else "missed"
        lines.append(
            f"  ours >= {gql_limit:g}x better than gql: gql costs {ratio:.2f}x ours ({verdict})"
        )
    if "ariadne" in by_client:
        ratio = by_client["ariadne"].vs_ours
        verdict = "met" if ratio >= 1.3 else "missed"
        lines.append(
            f"  ours >= 1.3x better than ariadne-codegen: it costs {ratio:.2f}x ours ({verdict})"
        )
    return lines


def format_tables(rows: list[CallRow]) -> str:
    """One table per mode, then the targets, then the signature check."""
    width = max(len(NAMES[row.client]) for row in rows)
    out: list[str] = []
    for mode in dict.fromkeys(row.mode for row in rows):
        mode_rows = [row for row in rows if row.mode == mode]
        out.append(f"[{mode}] {mode_rows[0].calls:,} calls per run")
        out.append(
            f"{'client':<{width}}  {'calls/s':>8}  {'CPU us/call':>11}  {'x ours':>6}  "
            f"{'x floor':>7}  {'server us':>9}"
        )
        out.append("-" * (width + 52))
        for row in mode_rows:
            out.append(
                f"{NAMES[row.client]:<{width}}  {row.calls_per_s:8,.0f}  {row.cpu_us:11.1f}  "
                f"{row.vs_ours:6.2f}  {row.vs_floor:7.2f}  {row.server_us:9.1f}"
            )
        out.extend(_targets(mode, {row.client: row for row in mode_rows}))
        out.append("")
    sampled = sum(row.sampled for row in rows)
    verified = sum(row.verified for row in rows)
    rejected = [x for row in rows for x in row.rejected]
    out.append(
        f"SigV4 signatures checked by the server (botocore): {verified} of {sampled} sampled "
        f"requests verified" + (f"; REJECTED: {rejected[:3]}" if rejected else "")
    )
    return "\n".join(out)


def _profile(mode: str, calls: int) -> str:
    """cProfile of ours in ``mode`` (sync, or async at concurrency 1): top own times."""
    profiler = cProfile.Profile()
    with BenchServer() as server:
        if mode == "sync":
            with _ours_sync(server) as call:
                for _ in range(20):
                    call()
                profiler.enable()
                for _ in range(calls):
                    call()
                profiler.disable()
        else:

            async def go() -> None:
                async with _ours_async(server) as call:
                    await _drive(call, 20, 1)
                    profiler.enable()
                    await _drive(call, calls, 1)
                    profiler.disable()

            asyncio.run(go())
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="7 short rounds (CI)")
    parser.add_argument("--profile", choices=("sync", "async"), help="cProfile ours instead")
    args = parser.parse_args(argv)
    if args.profile:
        print(_profile(args.profile, 300 if args.quick else 5_000))
        return 0
    print(
        f"Typed calls, IAM: ListNotes with variables, {_reply_size()} reply; "
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    print(format_tables(run(quick=args.quick)))
    return 0


def _reply_size() -> str:
    from bench.server import LIST_NOTES_REPLY

    return f"{len(LIST_NOTES_REPLY):,}-byte"


if __name__ == "__main__":
    raise SystemExit(main())
