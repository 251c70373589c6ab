"""Response bodies, read within a bound and decoded here (gzip and deflate).

Every transport feeds :class:`BodyReader` the raw chunks of a body as they come off
the connection, still compressed: neither the bytes on the wire nor the decoded bytes
may pass the client's ``max_response_bytes``, so the call fails with
:class:`AppSyncResponseTooLargeError` before the memory is spent.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from .errors import AppSyncConfigError, AppSyncNetworkError, AppSyncResponseTooLargeError

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "BodyReader",
    "DecodeError",
    "check_max_response_bytes",
    "decode_failed",
]

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""The largest response body a client accepts by default (on the wire and decoded):
far above anything AppSync's quotas let a response reach."""

ACCEPT_ENCODING = "gzip, deflate"
"""The content codings the transports decode themselves (with a bounded output)."""

_GZIP_WBITS = 16 + zlib.MAX_WBITS
_MAX_GZIP_MEMBERS = 64
_PIECE = 1024 * 1024  # most bytes one decompress call may put out


def check_max_response_bytes(value: object) -> int:
    """``value`` if it is a usable ``max_response_bytes`` (a positive integer)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AppSyncConfigError("max_response_bytes must be a positive integer (bytes)")
    return value


class DecodeError(Exception):
    """A compressed body that does not decode."""


class _Inflater:
    """One ``gzip`` or ``deflate`` layer, decoded into pieces of at most 1 MiB, its
    total output capped.

    ``deflate`` is meant to be zlib-wrapped; some servers send it raw: its first two
    bytes (a zlib header or not) decide."""

    __slots__ = ("_coding", "_head", "_members", "_obj", "_started", "total")

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._obj: Any = zlib.decompressobj(_GZIP_WBITS) if coding == "gzip" else None
        self._head = b""  # deflate: bytes held until the first two are known
        self._members = 1
        self._started = False
        self.total = 0  # bytes this layer has put out

    def feed(self, data: bytes, limit: int) -> list[bytes]:
        """Decode ``data``; stops as soon as the layer's output passes ``limit`` (the
        caller then refuses the body), so at most ``limit`` + 1 MiB is ever held."""
        if data:
            self._started = True
        obj = self._obj
        if obj is None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return []
            self._head = b""
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            obj = self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        pieces: list[bytes] = []
        while True:
            want = min(limit - self.total + 1, _PIECE)
            try:
                piece = obj.decompress(data, want)
            except zlib.error as exc:
                raise DecodeError(f"{self._coding}: {exc}") from None
            if piece:
                pieces.append(piece)
                self.total += len(piece)
                if self.total > limit:
                    return pieces
            if obj.eof:
                data = obj.unused_data
                if not data:
                    return pieces
                if self._coding != "gzip" or self._members >= _MAX_GZIP_MEMBERS:
                    raise DecodeError(f"{self._coding}: data after the end of the stream")
                self._members += 1  # a gzip body may hold several members
                obj = self._obj = zlib.decompressobj(_GZIP_WBITS)
                continue
            data = obj.unconsumed_tail
            if not data and len(piece) < want:  # all input taken, no output pending
                return pieces

    def finish(self) -> None:
        """Raise if the compressed stream was cut short."""
        if self._started and (self._obj is None or not self._obj.eof):
            raise DecodeError(f"{self._coding}: the compressed body is incomplete")


class BodyReader:
    """Collects one response body, at most ``limit`` bytes on the wire and decoded.

    Written once for every transport: they feed it raw chunks (as they came off the
    connection, still compressed) and take :meth:`finish`'s bytes.
    """

    __slots__ = ("_chunks", "_layers", "_limit", "_raw", "_status")

    def __init__(self, status: int, headers: Mapping[str, str], limit: int) -> None:
        self._status = status
        self._limit = limit
        self._raw = 0
        self._chunks: list[bytes] = []
        self._layers: list[_Inflater] = []
        length = headers.get("content-length")
        if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
            self._too_large(f"announces {int(length)} bytes")
        coding = headers.get("content-encoding")
        if coding:
            codings = [part.strip().lower() for part in coding.split(",")]
            codings = [part for part in codings if part and part != "identity"]
            if all(part in ("gzip", "x-gzip", "deflate") for part in codings):
                # applied in the order listed: undone in reverse
                self._layers = [
                    _Inflater("deflate" if part == "deflate" else "gzip")
                    for part in reversed(codings)
                ]
            # else: a coding we did not ask for: the body is passed on as it came

    def _too_large(self, what: str) -> None:
        raise AppSyncResponseTooLargeError(
            f"the response body {what}, over the client's max_response_bytes "
            f"({self._limit} bytes); nothing more was read",
            status=self._status,
            body=self._first(2048),
        )

    def _first(self, size: int) -> bytes:
        first = bytearray()
        for chunk in self._chunks:
            first += chunk[: size - len(first)]
            if len(first) >= size:
                break
        return bytes(first)

    def feed(self, chunk: bytes) -> None:
        """Take one raw chunk."""
        self._raw += len(chunk)
        limit = self._limit
        if self._raw > limit:
            self._too_large(f"is more than {limit} bytes on the wire")
        if not self._layers:
            if chunk:
                self._chunks.append(chunk)
            return
        pieces = [chunk]
        for layer in self._layers:
            pieces = [out for piece in pieces for out in layer.feed(piece, limit)]
            if layer.total > limit:
                self._chunks.extend(pieces)
                self._too_large(f"decodes to more than {limit} bytes")
        self._chunks.extend(pieces)

    def finish(self) -> bytes:
        """The whole decoded body."""
        for layer in self._layers:
            layer.finish()
        chunks = self._chunks
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decode_failed(exc: DecodeError) -> AppSyncNetworkError:
    return AppSyncNetworkError(f"DecodingError: the response body does not decode ({exc})")
