"""The AppSync-shaped server the benchmarks call, run in a process of its own.

``python -m bench.server`` serves on 127.0.0.1 (two kernel-chosen ports) and prints
one line, ``BENCH_SERVER_READY {"http": ..., "realtime": ..., "pid": ...}``:

* **HTTP** (``POST /graphql``): a raw asyncio protocol, not a web framework, so the
  server is never the bottleneck: it parses just enough HTTP/1.1 (keep-alive,
  ``Content-Length``) and answers every call with one canned 2.3 KB ``ListNotes``
  reply (:data:`LIST_NOTES_REPLY`). A sample of the requests (the first
  :data:`SAMPLE_FIRST`, then one in :data:`SAMPLE_EVERY`) has its SigV4 signature
  recomputed with botocore by ``tests/support/sigv4_check.py`` (an implementation
  independent of ours); failures are counted, not answered differently, so the
  workload stays the same for every client. ``GET /__stats`` returns the counters
  (``?reset=1`` also zeroes them) and the server's own CPU time, so a report can show
  the server's cost per call beside the client's.
* **Real-time** (``/graphql/realtime``, aiohttp's WebSocket server, no compression):
  AppSync's ``graphql-ws`` protocol. A ``start`` whose ``variables.noteId`` is
  ``"burst-N"`` gets its ``start_ack`` and then N ``onCommentAdded`` ``data`` frames
  of about 560 bytes (:func:`comment_event`, ids counting 0..N-1); with
  ``variables.authorId`` it gets ``onNoteCreated`` frames (:func:`note_event`), with
  ``variables.id`` ``onNoteChanged`` frames (:func:`changed_event`). They
  are framed in advance and written straight to the socket, as fast as the kernel
  takes them. Any other ``start`` is acknowledged and left idle (for the memory
  benchmark). ``stop`` is answered with ``complete``.

:class:`BenchServer` starts it from a benchmark and stops it by PID::

    with BenchServer() as server:
        ... server.http_url, server.realtime_url, server.stats(reset=True) ...

The server also exits when its standard input closes (its parent died).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.client
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Final

__all__ = [
    "ACCESS_KEY",
    "API_KEY",
    "LIST_NOTES_REPLY",
    "REGION",
    "SECRET_KEY",
    "SESSION_TOKEN",
    "BenchServer",
    "changed_event",
    "changed_note",
    "comment",
    "comment_event",
    "list_notes_data",
    "note",
    "note_event",
]

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
READY: Final = "BENCH_SERVER_READY"

REGION: Final = "us-east-1"
ACCESS_KEY: Final = "ASIAQBENCHEXAMPLE123"
SECRET_KEY: Final = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYBENCHEXAMPLE"
SESSION_TOKEN: Final = "IQoJb3JpZ2luX2VjEBenchSessionToken//////////wEaCXVzLWVhc3QtMSJH" + "x" * 600
API_KEY: Final = "da2-benchbenchbenchbenchbench"

SAMPLE_FIRST: Final = 16
SAMPLE_EVERY: Final = 50


# --------------------------------------------------------------------------- payloads


def note(i: int, *, full: bool = True) -> dict[str, Any]:
    """One ``NoteFields`` object as AppSync returns it; ``full`` fills every optional
    field (the HTTP reply), else several stay null (the ~560-byte events)."""
    return {
        "id": f"note-{i:08d}",
        "title": f"Planning notes #{i}",
        "body": "Agenda: roadmap, hiring plan, Q3 budget. Updates by Friday." if full else None,
        "status": "PUBLISHED",
        "priority": "HIGH",
        "tags": ["planning", "q3"] if full else ["q3"],
        "checklist": [["roadmap", "budget"], ["hiring"]] if full else None,
        "authorId": "author-1",
        "author": {
            "id": "author-1",
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "phone": "+1 206-555-0100" if full else None,
            "homepage": "https://example.com/ada" if full else None,
            "joinedOn": "2019-03-04",
        },
        "dueDate": "2026-09-30",
        "reminderTime": "09:30:00Z",
        "scheduledAt": "2026-09-01T08:00:00.250Z",
        "expiresAt": 1893456000,
        "contactEmail": "team@example.com",
        "contactPhone": None,
        "link": f"https://example.com/n/{i}" if full else None,
        "metadata": '{"hours":3,"owners":["ana","li"]}' if full else None,
        "sourceIp": "192.0.2.10",
        "createdAt": "2026-08-01T12:00:00.000Z",
        "updatedAt": "2026-08-02T15:30:45.123Z",
        "version": i,
    }


def list_notes_data() -> dict[str, Any]:
    """The ``data`` of the canned ``ListNotes`` reply: three full notes."""
    return {"listNotes": {"items": [note(i) for i in (1, 2, 3)], "nextToken": "eyJvZmZzZXQiOjN9"}}


LIST_NOTES_REPLY: Final = json.dumps({"data": list_notes_data()}, separators=(",", ":")).encode()


COMMENT_BODY: Final = (
    "Looks good to me. One question on the hiring plan: do we open both roles in Q3, or "
    "stagger them so onboarding does not overlap with the budget review? Happy to draft "
    "the job posts either way."
)


def comment(i: int) -> dict[str, Any]:
    """One ``CommentFields`` object, every field set."""
    return {
        "id": f"comment-{i:08d}",
        "noteId": "note-00000001",
        "body": COMMENT_BODY,
        "createdAt": "2026-08-02T15:30:45.123Z",
        "author": {
            "id": "author-2",
            "name": "Grace Hopper",
            "email": "grace@example.com",
            "phone": "+1 206-555-0142",
            "homepage": "https://example.com/grace",
            "joinedOn": "2020-01-15",
        },
    }


def comment_event(subscription_id: str, i: int) -> bytes:
    """One ``data`` frame's text for an ``onCommentAdded`` event: about 560 bytes
    with a 36-character subscription id (6 scalars to parse, 11 fields)."""
    frame = {
        "type": "data",
        "id": subscription_id,
        "payload": {"data": {"onCommentAdded": comment(i)}},
    }
    return json.dumps(frame, separators=(",", ":")).encode()


def note_event(subscription_id: str, i: int) -> bytes:
    """One ``data`` frame's text for an ``onNoteCreated`` event: about 700 bytes (23
    fields whose keys AppSync always sends, several null)."""
    frame = {
        "type": "data",
        "id": subscription_id,
        "payload": {"data": {"onNoteCreated": note(i, full=False)}},
    }
    return json.dumps(frame, separators=(",", ":")).encode()


def changed_note(i: int) -> dict[str, Any]:
    """A note as an update publishes it: every field set, its three datetimes on
    milliseconds as AppSync writes them (``$util.time.nowISO8601()``), and a source
    address of its own (``10.x.y.z`` from ``i``), so no two events of a burst repeat
    one: the client's cache of addresses read before never serves this event."""
    value = note(i)
    value.update(
        sourceIp=f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
        scheduledAt="2026-09-01T08:00:00.250Z",
        createdAt="2026-08-01T12:00:03.617Z",
        updatedAt=f"2026-08-02T15:30:45.{100 + i % 900:03d}Z",
        version=i + 2,
    )
    return value


def changed_event(subscription_id: str, i: int) -> bytes:
    """One ``data`` frame's text for an ``onNoteChanged`` event: about 900 bytes, an
    updated note with every field set (3 AWSDateTime on milliseconds, AWSJSON,
    AWSIPAddress, AWSDate, AWSTime, AWSTimestamp, AWSEmail, AWSPhone, AWSURL)."""
    frame = {
        "type": "data",
        "id": subscription_id,
        "payload": {"data": {"onNoteChanged": changed_note(i)}},
    }
    return json.dumps(frame, separators=(",", ":")).encode()


def _ws_text_frame(payload: bytes) -> bytes:
    """An unmasked, final, uncompressed text frame (server to client)."""
    size = len(payload)
    if size < 126:
        return bytes((0x81, size)) + payload
    if size < 65536:
        return bytes((0x81, 126)) + size.to_bytes(2, "big") + payload
    return bytes((0x81, 127)) + size.to_bytes(8, "big") + payload


# --------------------------------------------------------------------------- the server


class _State:
    """Counters shared by the HTTP and real-time sides of one server process."""

    def __init__(self) -> None:
        from tests.support.sigv4_check import KeyInfo, SigV4Check

        self.check = SigV4Check(
            keys={ACCESS_KEY: KeyInfo(SECRET_KEY, SESSION_TOKEN)}, region=REGION
        )
        self.response = (
            b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: application/json\r\n"
            b"x-amzn-RequestId: 6c0f4b1e-bench-4c1e-9f00-000000000000\r\n"
            b"Content-Length: " + str(len(LIST_NOTES_REPLY)).encode() + b"\r\n\r\n"
        ) + LIST_NOTES_REPLY
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.reads = 0
        self.sampled = 0
        self.verified = 0
        self.rejected: list[str] = []
        self.connections = 0
        self.starts = 0
        self.events = 0
        self.cpu_at_reset = time.process_time()
        self.time_at_reset = time.monotonic()

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "reads": self.reads,
            "sampled": self.sampled,
            "verified": self.verified,
            "rejected": self.rejected[:5],
            "rejected_count": len(self.rejected),
            "ws_connections": self.connections,
            "ws_starts": self.starts,
            "ws_events": self.events,
            "cpu": time.process_time() - self.cpu_at_reset,
            "wall": time.monotonic() - self.time_at_reset,
        }

    def verify(self, head: bytes, body: bytes) -> None:
        from tests.support.fake_appsync import Received

        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        path, _, query = target.partition("?")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            value = value.strip()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        self.sampled += 1
        rejection = self.check(Received(method, path, query, headers, body))
        if rejection is None:
            self.verified += 1
        else:
            self.rejected.append(f"{rejection.status}: {rejection.encoded()[:300].decode()}")


class _HttpProtocol(asyncio.Protocol):
    """Just enough HTTP/1.1 for keep-alive POSTs with a ``Content-Length``."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.state.reads += 1
        buffer = self.buffer
        buffer += data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end])
            lowered = head.lower()
            at = lowered.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = lowered.find(b"\r\n", at + 2)
                length = int(lowered[at + 17 : stop if stop >= 0 else len(lowered)])
            elif b"\r\ntransfer-encoding:" in lowered:
                self._reply(b"HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\n\r\n", True)
                return
            else:
                length = 0
            total = end + 4 + length
            if len(buffer) < total:
                return
            body = bytes(buffer[end + 4 : total])
            del buffer[:total]
            self._request(head, body)

    def _reply(self, data: bytes, close: bool = False) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(data)
            if close:
                transport.close()

    def _request(self, head: bytes, body: bytes) -> None:
        state = self.state
        if head.startswith(b"POST "):
            number = state.requests
            state.requests = number + 1
            if number < SAMPLE_FIRST or number % SAMPLE_EVERY == 0:
                state.verify(head, body)
            self._reply(state.response)
            return
        if head.startswith(b"GET /__stats"):
            stats = json.dumps(state.stats()).encode()
            if head.startswith(b"GET /__stats?reset=1"):
                state.reset()
            self._reply(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(stats)).encode()
                + b"\r\n\r\n"
                + stats
            )
            return
        self._reply(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


def _connect_auth(query: Any, protocols: list[str]) -> Any:
    """The auth object a connect carries (``header-`` subprotocol or query form)."""
    for protocol in protocols:
        if protocol.startswith("header-"):
            token = protocol[len("header-") :]
            return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    if "header" in query:
        return json.loads(base64.b64decode(query["header"]))
    return None


def _burst(argument: object) -> int:
    if isinstance(argument, str) and argument.startswith("burst-"):
        return int(argument[len("burst-") :])
    return 0


async def _realtime(state: _State, request: Any) -> Any:
    from aiohttp import WSMsgType, web

    offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p]
    try:
        auth = _connect_auth(request.query, offered)
    except ValueError:
        auth = None
    if "graphql-ws" not in offered or not isinstance(auth, dict) or "host" not in auth:
        return web.Response(status=401, text="connect auth missing")
    ws = web.WebSocketResponse(protocols=("graphql-ws",), autoping=True, compress=False)
    await ws.prepare(request)
    state.connections += 1
    transport = request.transport
    async for msg in ws:
        if msg.type is not WSMsgType.TEXT:
            continue
        message = json.loads(msg.data)
        kind = message.get("type")
        if kind == "connection_init":
            await ws.send_str('{"type":"connection_ack","payload":{"connectionTimeoutMs":300000}}')
        elif kind == "start":
            state.starts += 1
            sub_id = str(message["id"])
            variables = json.loads(message["payload"]["data"]).get("variables") or {}
            event, count = comment_event, _burst(variables.get("noteId"))
            if not count:
                event, count = note_event, _burst(variables.get("authorId"))
            if not count:
                event, count = changed_event, _burst(variables.get("id"))
            # Frame the whole burst before the ack, so building it never slows delivery.
            frames = [_ws_text_frame(event(sub_id, i)) for i in range(count)]
            await ws.send_str(json.dumps({"type": "start_ack", "id": sub_id}))
            if frames and transport is not None:
                for at in range(0, count, 512):
                    transport.write(b"".join(frames[at : at + 512]))
                state.events += count
        elif kind == "stop":
            with contextlib.suppress(ConnectionError):  # the client may be gone already
                await ws.send_str(json.dumps({"type": "complete", "id": message.get("id")}))
    return ws


async def _serve() -> None:
    from aiohttp import web

    loop = asyncio.get_running_loop()
    state = _State()
    server = await loop.create_server(lambda: _HttpProtocol(state), "127.0.0.1", 0, backlog=1024)
    http_port = server.sockets[0].getsockname()[1]

    async def realtime(request: web.Request) -> web.StreamResponse:
        response: web.StreamResponse = await _realtime(state, request)
        return response

    app = web.Application()
    app.router.add_get("/graphql/realtime", realtime)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    assert site._server is not None and site._server.sockets  # type: ignore[attr-defined]
    ws_port = site._server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)

    def stdin_ready() -> None:
        if not os.read(0, 4096):  # EOF: the parent is gone
            loop.remove_reader(0)
            stop.set()

    with contextlib.suppress(OSError, ValueError):
        loop.add_reader(0, stdin_ready)

    ready = {
        "http": f"http://127.0.0.1:{http_port}/graphql",
        "realtime": f"ws://127.0.0.1:{ws_port}/graphql/realtime",
        "pid": os.getpid(),
    }
    print(f"{READY} {json.dumps(ready)}", flush=True)
    try:
        await stop.wait()
    finally:
        server.close()
        await runner.cleanup()


# --------------------------------------------------------------------------- the handle


class BenchServer:
    """The server in a child process: started by :meth:`start` (or ``with``), stopped
    by PID in :meth:`stop`."""

    def __init__(self, startup_timeout: float = 30.0) -> None:
        self.startup_timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self.http_url = ""
        self.realtime_url = ""
        self.pid = 0

    @property
    def http_host(self) -> str:
        """``127.0.0.1:<port>`` of the HTTP endpoint (what clients sign as ``host``)."""
        return self.http_url.split("/")[2]

    def start(self) -> BenchServer:
        paths = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.server"],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        self._proc = proc
        assert proc.stdout is not None
        deadline = time.monotonic() + self.startup_timeout
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or proc.poll() is not None:
                self.stop()
                raise RuntimeError("the benchmark server did not start")
            readable, _, _ = select.select([proc.stdout], [], [], remaining)
            if readable:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    continue
                line += chunk
        text = line.decode().strip()
        if not text.startswith(READY + " "):
            self.stop()
            raise RuntimeError(f"unexpected output from the benchmark server: {text[:200]!r}")
        ready = json.loads(text[len(READY) + 1 :])
        self.http_url, self.realtime_url, self.pid = ready["http"], ready["realtime"], ready["pid"]
        return self

    def stats(self, reset: bool = False) -> dict[str, Any]:
        """The server's counters since the last reset (and reset them if asked)."""
        host, port = self.http_host.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request("GET", "/__stats?reset=1" if reset else "/__stats")
            result: dict[str, Any] = json.loads(conn.getresponse().read())
            return result
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop the child by PID: SIGTERM, then SIGKILL; reap it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> BenchServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


if __name__ == "__main__":
    asyncio.run(_serve())
