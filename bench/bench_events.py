"""Event API throughput: client CPU per received and per published event, ours against
a raw aiohttp floor.

Run ``python bench/bench_events.py [--quick]`` (or ``python -m bench --only events``).

A local Event-API-shaped server runs in a process of its own (aiohttp, 127.0.0.1):
``POST /event`` answers every event as successful; ``/event/realtime`` speaks
``aws-appsync-event-ws``: ``connection_ack``, a ``subscribe`` to ``/bench/nN`` gets
its ``subscribe_success`` and then N ``data`` frames (events of about 300 bytes of
JSON) as fast as the kernel takes them, and a ``publish`` gets its
``publish_success``. Measured, round-robin, with an API key:

* received: ``AsyncEventsClient.subscribe`` (events decoded to dicts) against the
  floor, a raw aiohttp WebSocket ``receive()`` plus ``json.loads`` of the frame and of
  its ``event``; then both validating each event into the same pydantic model
  (``subscribe(channel, Model)`` against ``Model.model_validate``); the clock runs
  from the first event to the last;
* published over HTTP: ``AsyncEventsClient.publish`` of 5 events per call (one
  request), calls one after the other, against the floor, an aiohttp ``post`` of the
  same body and ``json.loads`` of the answer;
* published over the WebSocket: ``publish(..., via="websocket")`` against the floor,
  a raw ``send_str`` of the ``publish`` message and ``receive()`` of its answer.

Reported: client CPU per event (``time.process_time`` of this process) and the
ratio to the floor. Nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from appsync_runtime import ApiKeyAuth, AsyncEventsClient, RealtimeOptions  # noqa: E402

__all__ = ["Row", "format_table", "main", "run"]

API_KEY = "da2-bencheventskey000000000000"
EVENT: dict[str, Any] = {
    "id": "a3f1c2e4-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
    "room": "general",
    "author": {"id": "u-42", "name": "Ada Lovelace", "avatar": "https://example.com/a.png"},
    "text": "The Analytical Engine weaves algebraic patterns just as the Jacquard loom "
    "weaves flowers and leaves.",
    "sentAt": "2026-12-06T07:00:00.000Z",
    "tags": ["history", "computing"],
}


# --------------------------------------------------------------------------- server


def _serve(conn: Any) -> None:  # pragma: no cover - runs in the child process
    from aiohttp import WSMsgType, web

    event_text = json.dumps(EVENT, separators=(",", ":"))
    identifier = "5f0c8a51-9a4e-4f1b-9d57-2d7a3b4c6e8f"  # AppSync's are UUIDs

    async def publish(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        successful = [{"identifier": identifier, "index": i} for i in range(len(body["events"]))]
        return web.json_response({"successful": successful, "failed": []})

    async def realtime(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(protocols=("aws-appsync-event-ws",))
        await ws.prepare(request)
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            message = json.loads(msg.data)
            kind = message.get("type")
            if kind == "connection_init":
                await ws.send_str('{"type":"connection_ack","connectionTimeoutMs":300000}')
            elif kind == "subscribe":
                sub_id = message["id"]
                await ws.send_str(json.dumps({"type": "subscribe_success", "id": sub_id}))
                channel: str = message["channel"]
                count = int(channel.rsplit("/n", 1)[1]) if "/n" in channel else 0
                frame = json.dumps({"type": "data", "id": sub_id, "event": event_text})
                for _ in range(count):
                    await ws.send_str(frame)
            elif kind == "unsubscribe":
                await ws.send_str(json.dumps({"type": "unsubscribe_success", "id": message["id"]}))
            elif kind == "publish":
                successful = [
                    {"identifier": identifier, "index": i} for i in range(len(message["events"]))
                ]
                await ws.send_str(
                    json.dumps(
                        {
                            "type": "publish_success",
                            "id": message["id"],
                            "successful": successful,
                            "failed": [],
                        }
                    )
                )
        return ws

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/event", publish)
        app.router.add_get("/event/realtime", realtime)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        conn.send(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop
        await runner.cleanup()

    asyncio.run(main())


class _Server:
    def __enter__(self) -> _Server:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._proc = context.Process(target=_serve, args=(child,), daemon=True)
        self._proc.start()
        if not self._conn.poll(30):
            raise RuntimeError("the Events benchmark server did not start")
        port = self._conn.recv()
        self.url = f"http://127.0.0.1:{port}/event"
        self.host = f"127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.kill()


# --------------------------------------------------------------------------- samples


@dataclass
class Sample:
    cpu: float
    count: int


@dataclass
class Row:
    """One measured client: median CPU microseconds per event, and the floor's."""

    section: str
    client: str
    cpu_us: float
    floor_us: float | None


def _options() -> RealtimeOptions:
    return RealtimeOptions(max_buffered_events=1_000_000, max_buffered_bytes=2**31)


def _model() -> type[Any]:
    from pydantic import BaseModel

    class Author(BaseModel):
        id: str
        name: str
        avatar: str

    class Message(BaseModel):
        id: str
        room: str
        author: Author
        text: str
        sentAt: str
        tags: list[str]

    return Message


async def _ours_received(server: _Server, n: int, model: Any = None) -> Sample:
    async with AsyncEventsClient(
        server.url, auth=ApiKeyAuth(API_KEY), realtime=_options()
    ) as client:
        count = 0
        started = 0.0
        async for event in client.subscribe(f"/bench/n{n}", model):
            if count == 0:
                started = time.process_time()
            count += 1
            if count == n:
                assert (event.room if model else event["room"]) == "general"
                break
        return Sample(time.process_time() - started, n - 1)


async def _ours_received_typed(server: _Server, n: int) -> Sample:
    return await _ours_received(server, n, _model())


async def _floor_connect(server: _Server) -> Any:
    import aiohttp

    auth = json.dumps({"host": server.host, "x-api-key": API_KEY}, separators=(",", ":"))
    header = "header-" + base64.urlsafe_b64encode(auth.encode()).decode().rstrip("=")
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(
        server.url.replace("http://", "ws://") + "/realtime",
        protocols=("aws-appsync-event-ws", header),
    )
    await ws.send_str('{"type":"connection_init"}')
    await ws.receive()
    return session, ws, auth


async def _floor_received(server: _Server, n: int, model: Any = None) -> Sample:
    session, ws, auth = await _floor_connect(server)
    try:
        await ws.send_str(
            json.dumps(
                {
                    "type": "subscribe",
                    "id": "s1",
                    "channel": f"/bench/n{n}",
                    "authorization": json.loads(auth),
                }
            )
        )
        await ws.receive()  # subscribe_success
        started = 0.0
        for count in range(n):
            message = json.loads((await ws.receive()).data)
            event = json.loads(message["event"])
            if model is not None:
                event = model.model_validate(event)
            if count == 0:
                started = time.process_time()
        assert (event.room if model is not None else event["room"]) == "general"
        return Sample(time.process_time() - started, n - 1)
    finally:
        await ws.close()
        await session.close()


async def _floor_received_typed(server: _Server, n: int) -> Sample:
    return await _floor_received(server, n, _model())


async def _ours_http(server: _Server, n: int) -> Sample:
    async with AsyncEventsClient(server.url, auth=ApiKeyAuth(API_KEY)) as client:
        await client.publish("/bench/p", EVENT)  # connection and first-call costs out
        started = time.process_time()
        for _ in range(n):
            result = await client.publish("/bench/p", EVENT, EVENT, EVENT, EVENT, EVENT)
        assert result.ok
        return Sample(time.process_time() - started, 5 * n)


def _body() -> bytes:
    text = json.dumps(EVENT, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(
        {"channel": "/bench/p", "events": [text] * 5}, separators=(",", ":"), ensure_ascii=False
    ).encode()


async def _floor_http(server: _Server, n: int) -> Sample:
    import aiohttp

    headers = {"content-type": "application/json", "x-api-key": API_KEY}
    async with aiohttp.ClientSession() as session:
        async with session.post(server.url, data=_body(), headers=headers) as response:
            await response.read()
        started = time.process_time()
        for _ in range(n):
            body = _body()
            async with session.post(server.url, data=body, headers=headers) as response:
                answer = json.loads(await response.read())
        assert len(answer["successful"]) == 5
        return Sample(time.process_time() - started, 5 * n)


async def _ours_ws(server: _Server, n: int) -> Sample:
    async with AsyncEventsClient(
        server.url, auth=ApiKeyAuth(API_KEY), realtime=_options()
    ) as client:
        await client.publish("/bench/p", EVENT, via="websocket")
        started = time.process_time()
        for _ in range(n):
            result = await client.publish(
                "/bench/p", EVENT, EVENT, EVENT, EVENT, EVENT, via="websocket"
            )
        assert result.ok
        return Sample(time.process_time() - started, 5 * n)


async def _floor_ws(server: _Server, n: int) -> Sample:
    session, ws, auth = await _floor_connect(server)
    try:
        authorization = json.loads(auth)
        text = json.dumps(EVENT, separators=(",", ":"), ensure_ascii=False)
        started = time.process_time()
        for number in range(n):
            await ws.send_str(
                json.dumps(
                    {
                        "type": "publish",
                        "id": f"p{number}",
                        "channel": "/bench/p",
                        "events": [text] * 5,
                        "authorization": authorization,
                    },
                    separators=(",", ":"),
                    ensure_ascii=False,
                )
            )
            answer = json.loads((await ws.receive()).data)
        assert answer["type"] == "publish_success"
        return Sample(time.process_time() - started, 5 * n)
    finally:
        await ws.close()
        await session.close()


Measure = Callable[[_Server, int], Coroutine[Any, Any, Sample]]
SECTIONS: list[tuple[str, int, int, Measure, Measure]] = [
    # section, events (full), events (quick), ours, floor
    ("received over the WebSocket", 20_000, 2_000, _ours_received, _floor_received),
    (
        "received, validated into a pydantic model",
        20_000,
        2_000,
        _ours_received_typed,
        _floor_received_typed,
    ),
    ("published over HTTP (5 per request)", 2_000, 200, _ours_http, _floor_http),
    ("published over the WebSocket (5 per message)", 2_000, 200, _ours_ws, _floor_ws),
]


def run(quick: bool = False, rounds: int | None = None) -> list[Row]:
    """Measure every section, round-robin; median CPU per event over the rounds."""
    rounds = rounds or (3 if quick else 5)
    rows: list[Row] = []
    with _Server() as server:
        for section, full, small, ours, floor in SECTIONS:
            n = small if quick else full
            ours_us: list[float] = []
            floor_us: list[float] = []
            for _ in range(rounds):
                for measure, into in ((ours, ours_us), (floor, floor_us)):
                    sample = asyncio.run(measure(server, n))
                    into.append(sample.cpu / max(sample.count, 1) * 1e6)
            floor_median = statistics.median(floor_us)
            rows.append(Row(section, "ours", statistics.median(ours_us), floor_median))
            rows.append(Row(section, "floor: raw aiohttp", floor_median, None))
    return rows


def format_table(rows: list[Row]) -> str:
    lines = [f"{'section':<46} {'client':<20} {'CPU us/event':>13} {'x floor':>8}"]
    for row in rows:
        ratio = f"{row.cpu_us / row.floor_us:.2f}" if row.floor_us else ""
        lines.append(f"{row.section:<46} {row.client:<20} {row.cpu_us:>13.1f} {ratio:>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(format_table(run(quick=args.quick)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
