"""A hostile HTTP/1.1 server on raw sockets, for what a well-behaved framework cannot
send: bodies longer than their ``Content-Length``, bytes after a response, headers
or bodies trickled a byte at a time, compression bombs.

One thread per connection (keep-alive: one request after another); each request is
read by its ``Content-Length`` and handed to the test's ``handler(request, conn)``,
which answers through ``conn`` (:meth:`RawConnection.send`, :meth:`~RawConnection.trickle`,
:meth:`~RawConnection.close`). Bound to 127.0.0.1; leaving the ``with`` block closes the
listening socket and every connection and joins the threads.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RawConnection", "RawHTTPServer", "RawRequest", "http_response", "json_response"]


@dataclass
class RawRequest:
    """One request as it arrived."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    connection: int  # which accepted connection (0, 1, ...) carried it

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def call_id(self) -> str:
        """``variables.id`` of a GraphQL request: the tests' per-call marker."""
        value: str = self.json()["variables"]["id"]
        return value


def http_response(
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    content_length: int | None = None,
    omit_length: bool = False,
) -> bytes:
    """The bytes of one response; ``content_length`` may lie about ``body``, and
    ``omit_length`` leaves the header out (the body then ends when the server closes,
    or the caller frames it itself, e.g. chunked)."""
    lines = [f"HTTP/1.1 {status} X"]
    for name, value in (headers or {"Content-Type": "application/json"}).items():
        lines.append(f"{name}: {value}")
    if not omit_length:
        lines.append(f"Content-Length: {len(body) if content_length is None else content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_response(payload: Any, **kwargs: Any) -> bytes:
    """A 200 JSON response carrying ``payload``."""
    return http_response(200, json.dumps(payload).encode(), **kwargs)


@dataclass
class RawConnection:
    """The server's side of one connection, as a handler sees it."""

    sock: socket.socket
    stopping: threading.Event
    closed: bool = False

    def send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            self.sock.sendall(data)

    def trickle(self, data: bytes, every: float, *, chunk: int = 1, limit: float = 10.0) -> None:
        """Send ``data`` ``chunk`` bytes at a time, one piece every ``every`` seconds,
        for at most ``limit`` seconds (or until the client goes away)."""
        started = time.monotonic()
        for at in range(0, len(data), chunk):
            if self.stopping.is_set() or time.monotonic() - started > limit:
                return
            try:
                self.sock.sendall(data[at : at + chunk])
            except OSError:
                return
            if self.stopping.wait(every):
                return

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


Handler = Callable[[RawRequest, RawConnection], None]


@dataclass
class RawHTTPServer:
    """A raw-socket HTTP/1.1 server; ``handler`` answers every request."""

    handler: Handler
    requests: list[RawRequest] = field(default_factory=list[RawRequest])
    connections: int = 0

    def __post_init__(self) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(256)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/graphql"

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                number = self.connections
                self.connections += 1
                self._socks.append(sock)
                thread = threading.Thread(target=self._serve, args=(sock, number), daemon=True)
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket, number: int) -> None:
        conn = RawConnection(sock, self._stopping)
        try:
            for request in self._requests(sock, number):
                with self._lock:
                    self.requests.append(request)
                self.handler(request, conn)
                if conn.closed:
                    return
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def _requests(self, sock: socket.socket, number: int) -> Iterator[RawRequest]:
        buffer = b""
        while not self._stopping.is_set():
            while b"\r\n\r\n" not in buffer:
                data = sock.recv(65536)
                if not data:
                    return
                buffer += data
            head, _, rest = buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            while len(rest) < length:
                data = sock.recv(65536)
                if not data:
                    return
                rest += data
            yield RawRequest(method, path, headers, rest[:length], number)
            buffer = rest[length:]

    def __enter__(self) -> RawHTTPServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            socks, threads = list(self._socks), list(self._threads)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._acceptor.join(5)
        for thread in threads:
            thread.join(5)
