"""Reading HTTP/1.1 responses off a connection, strictly (RFC 9112).

:class:`ResponseParser` takes a connection's bytes as they arrive, in pieces of any
size, and reads one response at a time: its head (status line and header fields), then
its body as the framing says (``Content-Length``, ``Transfer-Encoding: chunked``, or
until the server closes), handing body bytes to a sink as they come. It is written for
the async client's own connections (:mod:`._pool`), where a framing in doubt must never
let the next call read the rest of this one's answer, so it accepts less than the RFC
allows a lenient reader to:

- lines end in CRLF; obsolete line folding, a bare CR or LF, and characters outside
  the field grammar (control characters, a space before the colon) are refused;
- ``Content-Length`` is digits only, repeated values must agree, and a response
  carrying both ``Content-Length`` and ``Transfer-Encoding`` is refused (a sign of
  response splitting), as is any transfer coding but ``chunked``;
- heads over :data:`MAX_HEAD_BYTES` (all of one response's, informational ones
  included), a chunk-size line over 1 KiB and trailers over :data:`MAX_HEAD_BYTES`
  are refused, so a hostile server cannot make us buffer
  without end before the body limit applies.

Whatever it refuses raises :class:`FramingError`, whose message says what was wrong and
never repeats header values (they may hold cookies or tokens).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

__all__ = ["MAX_HEAD_BYTES", "FramingError", "ResponseHead", "ResponseParser"]

MAX_HEAD_BYTES: Final = 64 * 1024
"""The most bytes read of one response's heads (its informational heads and its final
one), or of its trailer section."""

_MAX_CHUNK_LINE: Final = 1024

_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([1-9][0-9]{2})(?: ([\t\x20-\x7e\x80-\xff]*))?")
_FIELD_LINE = re.compile(
    rb"([-!#$%&'*+.^_`|~0-9A-Za-z]+):[ \t]*"
    rb"((?:[\x21-\x7e\x80-\xff]+(?:[ \t]+[\x21-\x7e\x80-\xff]+)*)?)[ \t]*"
)
_CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]{1,16})(?:;[\t\x20-\x7e\x80-\xff]*)?")
_DIGITS = re.compile(rb"[0-9]{1,19}")

# parser states
_HEAD: Final = 0
_LENGTH: Final = 1  # Content-Length bytes still to come: _left
_CHUNK_SIZE: Final = 2
_CHUNK_DATA: Final = 3  # _left bytes of the current chunk still to come
_CHUNK_END: Final = 4  # the CRLF after a chunk's data
_TRAILERS: Final = 5
_UNTIL_CLOSE: Final = 6
_DONE: Final = 7

# what ends the line or head each state waits for
_ENDS: Final = {_HEAD: b"\r\n\r\n", _CHUNK_SIZE: b"\r\n", _TRAILERS: b"\r\n\r\n"}


class FramingError(Exception):
    """The bytes received are not a response this reader accepts (see the module)."""


class ResponseHead:
    """A final response's status line and header fields, as received.

    ``fields`` keeps every field in order (names as sent, values with surrounding
    whitespace removed), decoded as UTF-8 with undecodable bytes kept as surrogate
    escapes. ``keep_alive`` says whether the connection may carry another request
    once the body is read.
    """

    __slots__ = ("fields", "keep_alive", "reason", "status")

    def __init__(
        self, status: int, reason: str, fields: list[tuple[str, str]], keep_alive: bool
    ) -> None:
        self.status = status
        self.reason = reason
        self.fields = fields
        self.keep_alive = keep_alive


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _fields(lines: list[bytes], what: str) -> list[tuple[bytes, bytes]]:
    found: list[tuple[bytes, bytes]] = []
    fullmatch = _FIELD_LINE.fullmatch
    for number, line in enumerate(lines, 1):
        match = fullmatch(line)
        if match is None:
            if line[:1] in (b" ", b"\t"):
                raise FramingError(f"{what} line {number} is an obsolete folded line")
            raise FramingError(f"{what} line {number} is not a valid header field")
        found.append((match[1], match[2]))
    return found


def _content_length(values: list[bytes]) -> int:
    lengths = {part.strip(b" \t") for value in values for part in value.split(b",")}
    if len(lengths) != 1:
        raise FramingError("the response has conflicting Content-Length values")
    (length,) = lengths
    if _DIGITS.fullmatch(length) is None:
        raise FramingError("the response's Content-Length is not a number of bytes")
    return int(length)


def parse_head(block: bytes) -> tuple[ResponseHead, int, int]:
    """The head in ``block`` (its bytes up to, not including, the blank line), the body
    framing (one of the parser's states) and, for ``Content-Length``, the length.
    Raises :class:`FramingError`."""
    lines = block.split(b"\r\n")
    status_line = _STATUS_LINE.fullmatch(lines[0])
    if status_line is None:
        raise FramingError("the response does not start with an HTTP/1.x status line")
    minor = status_line[1]
    status = int(status_line[2])
    raw_fields = _fields(lines[1:], "header")
    lengths: list[bytes] = []
    chunked = False
    keep_alive = minor == b"1"
    for name, value in raw_fields:
        if len(name) == 17 and name.lower() == b"transfer-encoding":
            if chunked or value.lower() != b"chunked":
                raise FramingError("the response uses a transfer coding other than chunked")
            chunked = True
        elif len(name) == 14 and name.lower() == b"content-length":
            lengths.append(value)
        elif len(name) == 10 and name.lower() == b"connection":
            tokens = {token.strip(b" \t").lower() for token in value.split(b",")}
            if b"close" in tokens:
                keep_alive = False
    fields = [(_text(name), _text(value)) for name, value in raw_fields]
    reason = _text(status_line[3] or b"")
    head = ResponseHead(status, reason, fields, keep_alive)
    if status < 200 or status in (204, 304):
        if chunked or (lengths and _content_length(lengths) != 0):
            raise FramingError(f"a {status} response announces a body")
        return head, _DONE, 0
    if chunked:
        if lengths:
            raise FramingError("the response has both Content-Length and Transfer-Encoding")
        return head, _CHUNK_SIZE, 0
    if lengths:
        return head, _LENGTH, _content_length(lengths)
    head.keep_alive = False  # its end is the connection's end
    return head, _UNTIL_CLOSE, 0


class ResponseParser:
    """Reads responses from one connection's bytes, one at a time.

    :meth:`start` readies it for the next response, with ``on_head`` called once the
    final head is read (informational 1xx heads are skipped); it returns the sink that
    takes the body's bytes. :meth:`feed` takes bytes and returns True once the
    response is complete; bytes past its end stay in :attr:`surplus`. :meth:`closed`
    says whether the server closing the connection now ends the response. Errors
    raise :class:`FramingError` (or whatever ``on_head`` or the sink raise); the
    connection must then be closed.
    """

    __slots__ = (
        "_buffer",
        "_heads",
        "_left",
        "_on_head",
        "_scanned",
        "_sink",
        "_state",
        "head",
        "surplus",
    )

    def __init__(self) -> None:
        self._buffer = bytearray()  # bytes held until a line or head is complete
        self._scanned = 0  # how much of it was searched for that line's end
        self._state = _DONE
        self._left = 0
        self._heads = 0  # bytes of this response's informational heads
        self._on_head: Callable[[ResponseHead], Callable[[bytes], object]] | None = None
        self._sink: Callable[[bytes], object] | None = None
        self.head: ResponseHead | None = None
        self.surplus = b""

    def start(self, on_head: Callable[[ResponseHead], Callable[[bytes], object]]) -> None:
        """Expect a new response."""
        self._buffer = bytearray()  # bytes held until a line or head is complete
        self._scanned = 0  # how much of it was searched for that line's end
        self._state = _HEAD
        self._left = 0
        self._heads = 0
        self._on_head = on_head
        self._sink = None
        self.head = None
        self.surplus = b""

    @property
    def started(self) -> bool:
        """Whether any byte of the current response has arrived."""
        return self._state != _HEAD or bool(self._buffer)

    def feed(self, data: bytes) -> bool:
        """Take ``data``; True once the response is complete."""
        state = self._state
        if state == _LENGTH and not self._buffer:  # the common case: body bytes
            left = self._left
            if len(data) < left:
                self._left = left - len(data)
                self._sink(data)  # type: ignore[misc]
                return False
            if len(data) == left:
                self._sink(data)  # type: ignore[misc]
                self._state = _DONE
                return True
        if state == _UNTIL_CLOSE:
            if data:
                self._sink(data)  # type: ignore[misc]
            return False
        if state == _DONE:
            self.surplus += data
            return True
        pending = self._buffer
        if not pending:
            return self._run(data)
        pending += data
        mark = _ENDS.get(state)
        # Bytes trickling in: only what is new is searched for the end of the line or
        # head (a byte at a time, searching all again would be quadratic).
        if (
            mark is not None
            and not (state == _TRAILERS and pending.startswith(b"\r\n"))
            and pending.find(mark, max(0, self._scanned - len(mark) + 1)) < 0
        ):
            self._scanned = len(pending)
            self._check_held(state, len(pending))
            return False
        buffer = bytes(pending)
        self._buffer = bytearray()
        return self._run(buffer)

    def _check_held(self, state: int, held: int) -> None:
        """Refuse a line or head still incomplete at ``held`` bytes, past its bound."""
        if state == _HEAD and held > MAX_HEAD_BYTES - self._heads:
            raise FramingError(f"the response's heads are over {MAX_HEAD_BYTES} bytes")
        if state == _CHUNK_SIZE and held > _MAX_CHUNK_LINE:
            raise FramingError("a chunk-size line is over 1024 bytes")
        if state == _TRAILERS and held > MAX_HEAD_BYTES:
            raise FramingError(f"the trailers are over {MAX_HEAD_BYTES} bytes")

    def _hold(self, rest: bytes) -> bool:
        """Keep ``rest`` (searched through already) until more bytes come."""
        self._buffer = bytearray(rest)
        self._scanned = len(rest)
        return False

    def _run(self, buffer: bytes) -> bool:
        at = 0
        end = len(buffer)
        while True:
            state = self._state
            if state == _HEAD:
                cut = buffer.find(b"\r\n\r\n", at)
                room = MAX_HEAD_BYTES - self._heads
                if cut < 0:
                    self._check_held(_HEAD, end - at)
                    return self._hold(buffer[at:])
                if cut - at > room:
                    raise FramingError(f"the response's heads are over {MAX_HEAD_BYTES} bytes")
                head, state, left = parse_head(buffer[at:cut])
                if head.status < 200:
                    if head.status == 101:
                        raise FramingError("the server switched protocols unasked")
                    self._heads += cut + 4 - at
                    at = cut + 4
                    continue  # an informational response: the final one follows
                at = cut + 4
                self.head = head
                on_head = self._on_head
                assert on_head is not None
                self._sink = on_head(head)
                self._state = state
                self._left = left
                if state == _LENGTH and left == 0:
                    self._state = _DONE
            elif state in (_LENGTH, _CHUNK_DATA):  # _left body bytes to come
                left = self._left
                available = end - at
                if available < left:
                    if available:
                        self._sink(buffer[at:] if at else buffer)  # type: ignore[misc]
                    self._left = left - available
                    return False
                self._sink(buffer[at : at + left])  # type: ignore[misc]
                at += left
                self._state = _DONE if state == _LENGTH else _CHUNK_END
            elif state == _CHUNK_SIZE:
                cut = buffer.find(b"\r\n", at)
                if cut < 0:
                    self._check_held(_CHUNK_SIZE, end - at)
                    return self._hold(buffer[at:])
                line = _CHUNK_LINE.fullmatch(buffer, at, cut)
                if line is None:
                    raise FramingError("a chunk-size line is not valid")
                size = int(line[1], 16)
                at = cut + 2
                self._left = size
                self._state = _CHUNK_DATA if size else _TRAILERS
            elif state == _CHUNK_END:
                if end - at < 2:
                    if buffer[at:end] not in (b"", b"\r"):
                        raise FramingError("a chunk's data does not end where its size says")
                    return self._hold(buffer[at:])
                if buffer[at : at + 2] != b"\r\n":
                    raise FramingError("a chunk's data does not end where its size says")
                at += 2
                self._state = _CHUNK_SIZE
            elif state == _TRAILERS:
                if buffer.startswith(b"\r\n", at):
                    at += 2
                    self._state = _DONE
                    continue
                cut = buffer.find(b"\r\n\r\n", at)
                if cut < 0:
                    self._check_held(_TRAILERS, end - at)
                    return self._hold(buffer[at:])
                if cut - at > MAX_HEAD_BYTES:
                    raise FramingError(f"the trailers are over {MAX_HEAD_BYTES} bytes")
                _fields(buffer[at:cut].split(b"\r\n"), "trailer")
                at = cut + 4
                self._state = _DONE
            elif state == _UNTIL_CLOSE:
                if at < end:
                    self._sink(buffer[at:])  # type: ignore[misc]
                return False
            else:  # _DONE
                self.surplus = buffer[at:]
                return True

    def closed(self) -> bool:
        """The server closed the connection: True if that completes the response (its
        length is the connection's end), False if the response is cut short."""
        if self._state == _UNTIL_CLOSE:
            self._state = _DONE
            return True
        return self._state == _DONE
