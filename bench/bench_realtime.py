"""Subscription throughput: client CPU per event delivered, ours against peers.

Run ``python bench/bench_realtime.py [--quick] [--event comment|note|changed] [--profile]``.

A local AppSync-shaped server (``bench/server.py``, aiohttp, its own process) answers
each ``start`` with its ``start_ack`` and then pushes N ``data`` frames as fast as the
kernel takes them: ``onCommentAdded`` events of about 560 bytes (``--event note``:
``onNoteCreated`` events of about 700 bytes, 23 fields, several null; ``--event
changed``: ``onNoteChanged`` events of about 880 bytes, an updated note with every
field set, three AWSDateTime on milliseconds and a source address no other event of
the burst repeats; ``onNoteCreated`` events all carry the same address). Each client subscribes over
AppSync's ``graphql-ws`` protocol with an API key and consumes the burst; the clock
runs from the first event to the last, so connecting and the first model build are
left out. Measured in one run, round-robin:

* ours, typed: the generated example client's ``on_comment_added`` (or
  ``on_note_created``, ``on_note_changed``), yielding pydantic models with every
  AppSync scalar parsed;
* ours, dicts: ``AsyncAppSyncClient.subscribe`` (the same machinery, no model);
* gql 4 ``AppSyncWebsocketsTransport`` (dicts; it rides the websockets library),
  pointed at the loopback ``ws://`` URL with ``AppSyncApiKeyAuthentication``;
* the floors: a raw aiohttp WebSocket ``receive()`` plus ``json.loads``; the same plus
  the model's ``model_validate`` (what typing alone costs) and, instead, pydantic's
  ``model_validate_json`` of the whole frame into ``{type, id, payload: {data:
  Model}}`` (the cheapest typed path known here); and a raw websockets ``recv()``
  plus ``json.loads``.

Reported: client CPU per event (``time.process_time`` of this process over the
burst), events per wall second, and ratios of CPU per event to ours and to the
aiohttp floor; and memory per idle subscription (1,000 subscriptions, which our
client spreads over 10 connections of AppSync's 100 each, against the same server
acknowledging and then sending nothing). :func:`run` and :func:`run_memory` return
rows for the combined ``python -m bench`` command. Nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import os
import pstats
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

REPO_ROOT = Path(__file__).resolve().parent.parent
for _path in (REPO_ROOT, REPO_ROOT / "example_schema"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from appsync_runtime import ApiKeyAuth, AsyncAppSyncClient  # noqa: E402
from bench.server import API_KEY, BenchServer  # noqa: E402

__all__ = ["MemoryRow", "Row", "format_memory", "format_table", "main", "run", "run_memory"]

EventKind = Literal["comment", "note", "changed"]
EVENTS: dict[EventKind, str] = {
    "comment": "about 560-byte onCommentAdded events: AWSDateTime, AWSDate, AWSEmail, "
    "AWSPhone, AWSURL",
    "note": "about 700-byte onNoteCreated events: 3 AWSDateTime (one .000Z), AWSDate, "
    "AWSTime, AWSTimestamp, AWSIPAddress (the same in each), AWSEmail, several null",
    "changed": "about 880-byte onNoteChanged events, every field set: 3 AWSDateTime on "
    "milliseconds, AWSJSON, AWSIPAddress (a new one in each), AWSDate, AWSTime, "
    "AWSTimestamp, AWSEmail...",
}
"""The events measured, and what AppSync scalars each holds."""

COMMENT_SUBSCRIPTION = """subscription OnCommentAdded($noteId: ID!) {
  onCommentAdded(noteId: $noteId) {
    id noteId body createdAt
    author { id name email phone homepage joinedOn }
  }
}"""
NOTE_SUBSCRIPTION = """subscription OnNoteCreated($authorId: ID) {
  onNoteCreated(authorId: $authorId) {
    id title body status priority tags checklist authorId
    author { id name email phone homepage joinedOn }
    dueDate reminderTime scheduledAt expiresAt contactEmail contactPhone link metadata
    sourceIp createdAt updatedAt version
  }
}"""

CHANGED_SUBSCRIPTION = """subscription OnNoteChanged($id: ID) {
  onNoteChanged(id: $id) {
    id title body status priority tags checklist authorId
    author { id name email phone homepage joinedOn }
    dueDate reminderTime scheduledAt expiresAt contactEmail contactPhone link metadata
    sourceIp createdAt updatedAt version
  }
}"""
QUERIES: dict[EventKind, str] = {
    "comment": COMMENT_SUBSCRIPTION,
    "note": NOTE_SUBSCRIPTION,
    "changed": CHANGED_SUBSCRIPTION,
}
FIELDS: dict[EventKind, str] = {
    "comment": "onCommentAdded",
    "note": "onNoteCreated",
    "changed": "onNoteChanged",
}

OURS = "ours: generated client, typed models"
FLOOR = "floor: aiohttp receive + json.loads"


@dataclass(frozen=True)
class Sample:
    """One burst consumed: CPU and wall seconds over ``events`` events."""

    cpu: float
    wall: float
    events: int


@dataclass(frozen=True)
class Row:
    """One client: medians over the rounds, and CPU ratios to ours and the floor."""

    name: str
    events: int
    cpu_us: float
    """Client CPU microseconds per event."""
    events_per_s: float
    """Events per wall-clock second."""
    vs_ours: float
    vs_floor: float

    @property
    def events_per_cpu_s(self) -> float:
        return 1e6 / self.cpu_us if self.cpu_us else 0.0


@dataclass(frozen=True)
class MemoryRow:
    """Idle subscriptions held open by our client."""

    subscriptions: int
    connections: int
    traced_bytes_per_sub: float
    """Python allocations (tracemalloc) per subscription, its consumer task included."""
    rss_bytes_per_sub: float
    """Resident memory growth per subscription (Linux), in a run without tracemalloc."""
    top: list[tuple[str, int]]
    """The largest allocation sites (file:line, bytes) while they were open."""


# --------------------------------------------------------------------------- consumers


class _Clock:
    """Starts at the first event, stops at the last."""

    __slots__ = ("count", "cpu", "last", "wall")

    def __init__(self) -> None:
        self.count = 0
        self.cpu = 0.0
        self.wall = 0.0
        self.last: Any = None

    def start(self) -> None:
        self.cpu = time.process_time()
        self.wall = time.perf_counter()

    def stop(self, last: Any) -> Sample:
        cpu, wall = time.process_time() - self.cpu, time.perf_counter() - self.wall
        self.last = last
        return Sample(cpu, wall, self.count - 1)


def _variables(kind: EventKind, n: int) -> dict[str, str]:
    name = {"comment": "noteId", "note": "authorId", "changed": "id"}[kind]
    return {name: f"burst-{n}"}


def _check_last(kind: EventKind, data: dict[str, Any], n: int) -> None:
    """The burst arrived whole and in order: the last event is number n-1."""
    value = data[FIELDS[kind]]
    number = int(value["id"].split("-")[1])
    if number != n - 1:
        raise RuntimeError(f"the last event is #{number}, expected #{n - 1}")


async def _ours_typed(server: BenchServer, kind: EventKind, n: int) -> Sample:
    from example_client import AsyncClient

    clock = _Clock()
    sample = None
    async with AsyncClient(
        url=server.http_url, auth=ApiKeyAuth(API_KEY), realtime_url=server.realtime_url
    ) as client:
        events = (
            client.on_comment_added(note_id=f"burst-{n}")
            if kind == "comment"
            else client.on_note_created(author_id=f"burst-{n}")
            if kind == "note"
            else client.on_note_changed(id=f"burst-{n}")
        )
        async for event in events:
            clock.count += 1
            if clock.count == 1:
                clock.start()
            elif clock.count == n:
                sample = clock.stop(event)
                break
    assert sample is not None
    _check_last(kind, clock.last.model_dump(by_alias=True), n)
    return sample


async def _ours_dicts(server: BenchServer, kind: EventKind, n: int) -> Sample:
    clock = _Clock()
    sample = None
    query = QUERIES[kind]
    async with AsyncAppSyncClient(
        server.http_url, auth=ApiKeyAuth(API_KEY), realtime_url=server.realtime_url
    ) as client:
        async for data in client.subscribe(query, None, _variables(kind, n)):
            clock.count += 1
            if clock.count == 1:
                clock.start()
            elif clock.count == n:
                sample = clock.stop(data)
                break
    assert sample is not None
    _check_last(kind, clock.last, n)
    return sample


async def _gql(server: BenchServer, kind: EventKind, n: int) -> Sample:
    from gql import Client, GraphQLRequest
    from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
    from gql.transport.appsync_websockets import AppSyncWebsocketsTransport

    # A ws:// URL passes through gql's https->wss rewrite untouched; the auth's host
    # is the API (HTTP) host, as AppSync expects.
    transport = AppSyncWebsocketsTransport(
        url=server.realtime_url,
        auth=AppSyncApiKeyAuthentication(host=server.http_host, api_key=API_KEY),
    )
    query = QUERIES[kind]
    request = GraphQLRequest(query, variable_values=_variables(kind, n))
    clock = _Clock()
    sample = None
    async with Client(transport=transport, fetch_schema_from_transport=False) as session:
        generator = session.subscribe(request)
        async for result in generator:
            clock.count += 1
            if clock.count == 1:
                clock.start()
            elif clock.count == n:
                sample = clock.stop(result)
                break
        await generator.aclose()
    assert sample is not None
    _check_last(kind, clock.last, n)
    return sample


def _start_frames(server: BenchServer, kind: EventKind, n: int) -> tuple[str, str, str]:
    """Connect URL (legacy query auth) and the two frames a raw client sends."""
    import base64

    auth = {"host": server.http_host, "x-api-key": API_KEY}
    header = base64.b64encode(json.dumps(auth).encode()).decode()
    url = f"{server.realtime_url}?header={header}&payload=e30="
    query = QUERIES[kind]
    start = {
        "id": "f6b2c3d4-raw0-4c5e-9f7a-1b2c3d4e5f60",
        "type": "start",
        "payload": {
            "data": json.dumps({"query": query, "variables": _variables(kind, n)}),
            "extensions": {"authorization": auth},
        },
    }
    return url, '{"type":"connection_init"}', json.dumps(start)


async def _aiohttp_floor(
    server: BenchServer,
    kind: EventKind,
    n: int,
    model: type[Any] | None = None,
    envelope: type[Any] | None = None,
) -> Sample:
    import aiohttp
    from yarl import URL

    url, init, start = _start_frames(server, kind, n)
    clock = _Clock()
    sample = None
    loads = json.loads
    validate = model.model_validate if model is not None else None
    validate_json = envelope.model_validate_json if envelope is not None else None
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(URL(url, encoded=True), protocols=("graphql-ws",)) as ws,
    ):
        await ws.send_str(init)
        while loads((await ws.receive()).data)["type"] != "connection_ack":
            pass
        await ws.send_str(start)
        while loads((await ws.receive()).data)["type"] != "start_ack":
            pass
        receive = ws.receive
        while validate_json is not None:  # one pass from the frame's text to the model
            event = validate_json((await receive()).data)
            clock.count += 1
            if clock.count == 1:
                clock.start()
            elif clock.count == n:
                sample = clock.stop(event.payload.data.model_dump(by_alias=True))
                break
        while sample is None:
            message = loads((await receive()).data)
            if message["type"] != "data":
                continue
            data = message["payload"]["data"]
            if validate is not None:
                data = validate(data)
            clock.count += 1
            if clock.count == 1:
                clock.start()
            elif clock.count == n:
                sample = clock.stop(message["payload"]["data"])
                break
    assert sample is not None
    _check_last(kind, clock.last, n)
    return sample


def _model(kind: EventKind) -> type[Any]:
    from example_client.on_comment_added import OnCommentAdded
    from example_client.on_note_changed import OnNoteChanged
    from example_client.on_note_created import OnNoteCreated

    model = {"comment": OnCommentAdded, "note": OnNoteCreated, "changed": OnNoteChanged}[kind]
    model.model_rebuild()  # the example models defer their build to first use
    return model


async def _aiohttp_floor_typed(server: BenchServer, kind: EventKind, n: int) -> Sample:
    return await _aiohttp_floor(server, kind, n, model=_model(kind))


async def _aiohttp_floor_typed_json(server: BenchServer, kind: EventKind, n: int) -> Sample:
    """The frame's text validated in one pass into ``{type, id, payload: {data: Model}}``
    (pydantic-core parses the JSON itself: no dicts in between)."""
    from pydantic import create_model

    payload = create_model("Payload", data=(_model(kind), ...))
    envelope = create_model("Envelope", type=(str, ...), id=(str, ...), payload=(payload, ...))
    return await _aiohttp_floor(server, kind, n, envelope=envelope)


async def _websockets_floor(server: BenchServer, kind: EventKind, n: int) -> Sample:
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    url, init, start = _start_frames(server, kind, n)
    clock = _Clock()
    sample = None
    loads = json.loads
    async with connect(
        url, subprotocols=[Subprotocol("graphql-ws")], compression=None, max_size=None
    ) as ws:
        await ws.send(init)
        while loads(await ws.recv())["type"] != "connection_ack":
            pass
        await ws.send(start)
        recv = ws.recv
        while True:
            message = loads(await recv())
            if message["type"] != "data":
                continue
            clock.count += 1
            if clock.count == 1:
                clock.start()
            elif clock.count == n:
                sample = clock.stop(message["payload"]["data"])
                break
    assert sample is not None
    _check_last(kind, clock.last, n)
    return sample


Consumer = Callable[[BenchServer, EventKind, int], Coroutine[Any, Any, Sample]]


def _consumers() -> tuple[dict[str, Consumer], list[str]]:
    notes: list[str] = []
    consumers: dict[str, Consumer] = {
        OURS: _ours_typed,
        "ours: subscribe, dicts": _ours_dicts,
    }
    try:
        import gql.transport.appsync_websockets  # noqa: F401
        import websockets
    except ImportError:
        notes.append("gql's AppSync transport needs websockets (pip install 'gql[websockets]')")
    else:
        consumers["gql AppSyncWebsocketsTransport, dicts"] = _gql
    consumers[FLOOR] = _aiohttp_floor
    consumers["floor + json.loads + model_validate"] = _aiohttp_floor_typed
    consumers["floor + model_validate_json of the frame"] = _aiohttp_floor_typed_json
    try:
        import websockets.asyncio.client  # noqa: F401
    except ImportError:
        notes.append("websockets not installed: its floor row is left out")
    else:
        consumers["raw websockets recv + json.loads"] = _websockets_floor
    return consumers, notes


QUICK_EVENTS = 8_000
"""Events per burst with ``--quick`` (5 rounds): ratios within about 0.15 of a full
run's, in a few seconds per event kind (4,000 events in 3 rounds left the 880-byte
event's ratio to the floor 0.16 off)."""


def run(quick: bool = False, event: EventKind = "comment") -> list[Row]:
    """Consume bursts with every client, round-robin; one row each (ours first)."""
    consumers, notes = _consumers()
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    n = QUICK_EVENTS if quick else 20_000
    rounds = 5
    samples: dict[str, list[Sample]] = {name: [] for name in consumers}
    with BenchServer() as server:
        for consume in consumers.values():  # warm-up: imports, model builds
            asyncio.run(consume(server, event, 200))
        for _ in range(rounds):
            for name, consume in consumers.items():
                gc.collect()
                samples[name].append(asyncio.run(consume(server, event, n)))
    cpu = {
        name: statistics.median(s.cpu / s.events for s in values)
        for name, values in samples.items()
    }
    rate = {
        name: statistics.median(s.events / s.wall for s in values)
        for name, values in samples.items()
    }

    def ratio(name: str, to: str) -> float:
        """The median of the per-round ratios of CPU per event."""
        pairs = zip(samples[name], samples[to], strict=True)
        return statistics.median((a.cpu / a.events) / (b.cpu / b.events) for a, b in pairs)

    return [
        Row(
            name=name,
            events=n,
            cpu_us=cpu[name] * 1e6,
            events_per_s=rate[name],
            vs_ours=ratio(name, OURS),
            vs_floor=ratio(name, FLOOR),
        )
        for name in consumers
    ]


# --------------------------------------------------------------------------- memory


def _short(filename: str) -> str:
    path = Path(filename)
    return f"{path.parent.name}/{path.name}"


def _rss() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


async def _hold_idle(server: BenchServer, count: int, trace: bool) -> dict[str, Any]:
    """Open ``count`` idle subscriptions; measure while they are all acknowledged."""
    from example_client import AsyncClient

    async with AsyncClient(
        url=server.http_url, auth=ApiKeyAuth(API_KEY), realtime_url=server.realtime_url
    ) as client:
        ready = 0
        all_ready = asyncio.Event()

        def on_ready() -> None:
            nonlocal ready
            ready += 1
            if ready == target:
                all_ready.set()

        async def consume(i: int) -> None:
            async for _ in client.on_comment_added(note_id=f"idle-{i}", on_ready=on_ready):
                pass

        # Warm up with one subscription (imports, the aiohttp session), stop it (its
        # connection closes with it), then measure.
        target = 1
        warm = asyncio.create_task(consume(-1))
        await asyncio.wait_for(all_ready.wait(), 30)
        warm.cancel()
        await asyncio.gather(warm, return_exceptions=True)
        while client._realtime.connection_count:
            await asyncio.sleep(0.01)
        ready, target = 0, count
        all_ready.clear()
        gc.collect()
        if trace:
            tracemalloc.start()
        traced_before = tracemalloc.get_traced_memory()[0] if trace else 0
        rss_before = _rss()
        tasks = [asyncio.create_task(consume(i)) for i in range(count)]
        await asyncio.wait_for(all_ready.wait(), 120)
        gc.collect()
        result: dict[str, Any] = {"connections": client._realtime.connection_count}
        if trace:
            result["traced"] = tracemalloc.get_traced_memory()[0] - traced_before
            snapshot = tracemalloc.take_snapshot()
            tracemalloc.stop()
            stats = snapshot.statistics("lineno")[:6]
            result["top"] = [
                (f"{_short(s.traceback[0].filename)}:{s.traceback[0].lineno}", s.size)
                for s in stats
            ]
        else:
            rss_after = _rss()
            if rss_before is not None and rss_after is not None:
                result["rss"] = rss_after - rss_before
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return result


def _memory_child(count: int, trace: bool) -> dict[str, Any]:
    """Run :func:`_hold_idle` in a fresh interpreter: a heap that earlier benchmarks
    grew would absorb the growth and hide it from the RSS."""
    import subprocess

    command = [sys.executable, str(Path(__file__).resolve()), "--memory-child", str(count)]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_memory(quick: bool = False) -> MemoryRow:
    """Memory per idle subscription: 1,000 (quick: 200) on 100-per-connection, each
    measured in a child process."""
    count = 200 if quick else 1_000
    untraced = _memory_child(count, trace=False)
    traced = _memory_child(count, trace=True)
    return MemoryRow(
        subscriptions=count,
        connections=int(traced["connections"]),
        traced_bytes_per_sub=traced["traced"] / count,
        rss_bytes_per_sub=untraced.get("rss", 0) / count,
        top=traced["top"],
    )


# --------------------------------------------------------------------------- reporting


def format_table(rows: list[Row]) -> str:
    """The throughput rows as a fixed-width table, then the targets."""
    width = max(len(row.name) for row in rows)
    lines = [
        f"{'client':<{width}}  {'CPU us/event':>12}  {'events/CPU s':>12}  "
        f"{'events/s':>9}  {'x ours':>6}  {'x floor':>7}",
        "-" * (width + 60),
    ]
    lines += [
        f"{row.name:<{width}}  {row.cpu_us:12.2f}  {row.events_per_cpu_s:12,.0f}  "
        f"{row.events_per_s:9,.0f}  {row.vs_ours:6.2f}  {row.vs_floor:7.2f}"
        for row in rows
    ]
    by_name = {row.name: row for row in rows}
    gql = next((row for row in rows if row.name.startswith("gql")), None)
    lines.append("")
    ours = by_name[OURS]
    if gql is not None:
        ratio = gql.vs_ours
        verdict = "met" if ratio >= 2 else "missed"
        lines.append(f"target: gql >= 2x ours per event, typed: {ratio:.2f}x ({verdict})")
    verdict = "met" if ours.vs_floor <= 1.5 else "missed"
    lines.append(
        f"target: <= 1.5x the aiohttp floor's CPU per event: {ours.vs_floor:.2f}x ({verdict})"
    )
    return "\n".join(lines)


def format_memory(row: MemoryRow) -> str:
    """The idle-subscription memory figures."""
    lines = [
        f"{row.subscriptions} idle subscriptions on {row.connections} connections "
        f"(one consumer task each):",
        f"  Python allocations (tracemalloc): {row.traced_bytes_per_sub / 1024:6.2f} KiB "
        "per subscription",
        f"  resident memory (RSS delta):      {row.rss_bytes_per_sub / 1024:6.2f} KiB "
        "per subscription",
        "  largest allocation sites:",
    ]
    lines += [f"    {site:<40} {size / 1024:8.1f} KiB" for site, size in row.top]
    return "\n".join(lines)


def _profile(event: EventKind, n: int) -> str:
    """cProfile of ours consuming one burst: the top functions by own time."""
    with BenchServer() as server:
        asyncio.run(_ours_typed(server, event, 200))
        profiler = cProfile.Profile()
        profiler.enable()
        asyncio.run(_ours_typed(server, event, n))
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(22)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small bursts, one round")
    parser.add_argument("--event", choices=("comment", "note", "changed"), default="comment")
    parser.add_argument("--profile", action="store_true", help="cProfile ours instead")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        with BenchServer() as server:
            result = asyncio.run(_hold_idle(server, args.memory_child, trace=args.trace))
        print(json.dumps(result))
        return 0
    if args.profile:
        print(_profile(args.event, 2_000 if args.quick else 20_000))
        return 0
    rows = run(quick=args.quick, event=args.event)
    size = {"comment": "about 560", "note": "about 700", "changed": "about 880"}[args.event]
    print(
        f"Subscription throughput: {rows[0].events:,} {args.event} events of {size} bytes "
        f"per burst, API key; python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    print(format_table(rows))
    print()
    print(format_memory(run_memory(quick=args.quick)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
