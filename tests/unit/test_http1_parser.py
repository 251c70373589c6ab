"""The async client's HTTP/1.1 response parser, against generated responses and h11.

Valid responses (any status, header fields, framing, informational heads, chunk
extensions and trailers) are cut into pieces at generated places: the parser must
read the exact status, fields and body, whatever the pieces. Hostile bytes (valid
responses with bytes replaced, inserted or dropped, and plain noise) must either be
refused with :class:`FramingError` or read exactly as h11, an independent and strict
implementation, reads them: the parser may refuse more than h11 does, never less.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import h11
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from appsync_runtime._http1 import MAX_HEAD_BYTES, FramingError, ResponseHead, ResponseParser

_TOKEN = st.text("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAMES = _TOKEN.filter(bool).filter(
    lambda name: name.lower() not in ("content-length", "transfer-encoding", "connection")
)
_VCHAR = st.binary(min_size=1, max_size=12).map(
    lambda raw: bytes(b for b in raw if 0x21 <= b <= 0x7E or b >= 0x80) or b"x"
)
_VALUES = st.lists(_VCHAR, max_size=4).map(b" ".join)


@dataclass
class Read:
    """What a parser (ours or h11) made of a byte string."""

    status: int | None = None
    fields: list[tuple[bytes, bytes]] = field(default_factory=list[tuple[bytes, bytes]])
    body: bytes = b""
    complete: bool = False
    keep_alive: bool | None = None


@st.composite
def responses(draw: st.DrawFn) -> tuple[bytes, Read]:
    """A valid response and what reading it must give."""
    out = bytearray()
    for _ in range(draw(st.integers(0, 2))):
        status = draw(st.sampled_from([100, 102, 103]))
        out += b"HTTP/1.1 %d Info\r\n" % status
        for _ in range(draw(st.integers(0, 2))):
            out += draw(_NAMES).encode() + b": " + draw(_VALUES) + b"\r\n"
        out += b"\r\n"
    minor = draw(st.sampled_from([b"1", b"1", b"0"]))
    status = draw(st.integers(200, 599))
    reason = draw(st.sampled_from([b" OK", b" Not Found", b" ", b"", b" \xe9t\xe9 \tok"]))
    out += b"HTTP/1." + minor + b" %d" % status + reason + b"\r\n"
    fields: list[tuple[bytes, bytes]] = []
    for _ in range(draw(st.integers(0, 6))):
        name, value = draw(_NAMES).encode(), draw(_VALUES)
        fields.append((name, value))
    body = draw(st.binary(max_size=300))
    no_body = status in (204, 304)
    framing = "none" if no_body else draw(st.sampled_from(["length", "chunked", "close"]))
    if no_body:
        body = b""
    close = draw(st.booleans())
    if close:
        fields.append((b"Connection", b"close"))
    if framing == "length":
        fields.append(
            (draw(st.sampled_from([b"Content-Length", b"content-length"])), b"%d" % len(body))
        )
    elif framing == "chunked":
        fields.append((b"Transfer-Encoding", draw(st.sampled_from([b"chunked", b"Chunked"]))))
    draw(st.randoms()).shuffle(fields)
    for name, value in fields:
        space = draw(st.sampled_from([b"", b" ", b" \t"]))
        out += name + b":" + space + value + draw(st.sampled_from([b"", b" "])) + b"\r\n"
    out += b"\r\n"
    if framing == "chunked":
        rest = body
        while rest:
            size = draw(st.integers(1, max(1, len(rest))))
            piece, rest = rest[:size], rest[size:]
            ext = draw(st.sampled_from([b"", b";name=value", b"; x"]))
            hexed = b"%x" % size
            out += (
                (hexed.upper() if draw(st.booleans()) else hexed) + ext + b"\r\n" + piece + b"\r\n"
            )
        out += b"0\r\n"
        for _ in range(draw(st.integers(0, 2))):
            out += draw(_NAMES).encode() + b": " + draw(_VALUES) + b"\r\n"
        out += b"\r\n"
    else:
        out += body
    keep_alive = minor == b"1" and not close and framing != "close"
    expected = Read(status, [(n, v.strip(b" \t")) for n, v in fields], body, True, keep_alive)
    return bytes(out), expected


def _pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts})
    pieces: list[bytes] = []
    start = 0
    for point in [*points, len(data)]:
        pieces.append(data[start:point])
        start = point
    return pieces


def ours(pieces: list[bytes]) -> Read:
    """Our parser's reading (raises FramingError)."""
    parser = ResponseParser()
    read = Read()
    body = bytearray()

    def on_head(head: ResponseHead) -> object:
        read.status = head.status
        read.keep_alive = head.keep_alive
        read.fields = [
            (n.encode("utf-8", "surrogateescape"), v.encode("utf-8", "surrogateescape"))
            for n, v in head.fields
        ]
        return body.extend

    parser.start(on_head)  # type: ignore[arg-type]
    for piece in pieces:
        if parser.feed(piece):
            read.complete = True
    if not read.complete:
        read.complete = parser.closed()
    read.body = bytes(body)
    if read.complete and read.keep_alive is not None and parser.head is not None:
        read.keep_alive = parser.head.keep_alive
    return read


def theirs(data: bytes) -> Read | None:
    """h11's reading, or None where h11 refuses the bytes."""
    conn = h11.Connection(h11.CLIENT)
    conn.send(
        h11.Request(method="POST", target="/", headers=[("Host", "x"), ("Content-Length", "0")])
    )
    conn.send(h11.EndOfMessage())
    read = Read()
    body = bytearray()
    conn.receive_data(data)
    fed_eof = False
    try:
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                if fed_eof:
                    break
                conn.receive_data(b"")
                fed_eof = True
                continue
            if isinstance(event, h11.Response):
                read.status = event.status_code
                read.fields = list(event.headers)
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                read.complete = True
                break
            elif isinstance(event, h11.ConnectionClosed):
                break
    except h11.RemoteProtocolError:
        return None
    read.body = bytes(body)
    return read


def _same(mine: Read, h11_read: Read) -> None:
    assert mine.status == h11_read.status
    assert mine.body == h11_read.body

    def norm(fields: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        # h11 keeps one Content-Length and lowers Transfer-Encoding's value
        return [
            (n.lower(), v.lower() if n.lower() == b"transfer-encoding" else v)
            for n, v in fields
            if n.lower() != b"content-length"
        ]

    assert norm(mine.fields) == norm(h11_read.fields)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(response=responses(), cuts=st.lists(st.integers(0, 10_000), max_size=8))
def test_valid_responses_read_exactly_in_any_pieces(
    response: tuple[bytes, Read], cuts: list[int]
) -> None:
    data, expected = response
    mine = ours(_pieces(data, cuts))
    assert mine.status == expected.status
    assert mine.fields == expected.fields
    assert mine.body == expected.body
    assert mine.complete
    assert mine.keep_alive == expected.keep_alive
    h11_read = theirs(data)
    assert h11_read is not None and h11_read.complete
    _same(mine, h11_read)


_CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


@st.composite
def hostile(draw: st.DrawFn) -> bytes:
    """A valid response with bytes replaced, inserted or dropped, or noise."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=200))
    data = bytearray(draw(responses())[0])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        what = draw(st.sampled_from(["replace", "insert", "drop"]))
        byte = draw(st.sampled_from([0, 9, 10, 13, 32, 58, 59, 0x7F, 0x80, 0xFF, 48, 49, 65, 102]))
        if what == "insert":
            data[at:at] = bytes([byte])
        elif at < len(data):
            if what == "replace":
                data[at] = byte
            else:
                del data[at]
    return bytes(data)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(data=hostile(), cuts=st.lists(st.integers(0, 10_000), max_size=6))
@example(
    data=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    cuts=[],
)
@example(data=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", cuts=[])
@example(data=b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n", cuts=[])
@example(data=b"HTTP/1.1 200 OK\nContent-Length: 0\n\n", cuts=[])
@example(data=b"HTTP/1.1 200 OK\r\nX : a\r\nContent-Length: 0\r\n\r\n", cuts=[])
@example(data=b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", cuts=[])
@example(
    data=b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcdefg\r\n0\r\n\r\n", cuts=[3]
)
@example(data=b"HTTP/1.1 101 Switching\r\n\r\n", cuts=[])
@example(data=b"HTTP/1.1 099 Odd\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", cuts=[])
@example(data=_CHUNKED + b"5\r\nabcdeXY0\r\n\r\n", cuts=[])  # data longer than its size
def test_hostile_bytes_are_refused_or_read_as_h11_reads_them(data: bytes, cuts: list[int]) -> None:
    try:
        mine = ours(_pieces(data, cuts))
    except FramingError as exc:
        assert "\r" not in str(exc) and len(str(exc)) < 120  # located, no bytes echoed
        return
    h11_read = theirs(data)
    if not mine.complete:
        return  # cut short: the transport fails the call
    assert h11_read is not None, "we read a response h11 refuses"
    assert h11_read.complete
    _same(mine, h11_read)


def test_bytes_after_the_end_stay_out_of_the_response() -> None:
    parser = ResponseParser()
    body = bytearray()
    parser.start(lambda head: body.extend)
    assert parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n")
    assert body == b"ok" and parser.surplus == b"HTTP/1.1 200 OK\r\n"
    assert parser.feed(b"more") and parser.surplus.endswith(b"more")


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/1.1 200 OK\r\n" + b"X: " + b"a" * MAX_HEAD_BYTES,  # no end of head in sight
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"0" * 2000,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " + b"a" * MAX_HEAD_BYTES,
    ],
)
def test_unbounded_heads_and_lines_are_refused(data: bytes) -> None:
    parser = ResponseParser()
    parser.start(lambda head: lambda chunk: None)
    with pytest.raises(FramingError, match="over"):
        for at in range(0, len(data), 4096):
            parser.feed(data[at : at + 4096])


def test_a_response_cut_short_is_not_complete() -> None:
    parser = ResponseParser()
    parser.start(lambda head: lambda chunk: None)
    assert not parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    assert parser.started and not parser.closed()
    until_close = ResponseParser()
    until_close.start(lambda head: lambda chunk: None)
    assert not until_close.feed(b"HTTP/1.0 200 OK\r\n\r\nabc")
    assert until_close.closed()
