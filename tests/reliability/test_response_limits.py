"""A response cannot make a call spend unbounded memory, and NaN is never data.

``max_response_bytes`` (default 64 MiB) bounds a body on the wire and once decoded:
a 256 KiB gzip body inflating to 256 MiB fails with
:class:`AppSyncResponseTooLargeError` after decoding at most the limit. Peak memory
is measured in a fresh process (``tests/reliability/rss_probe.py``) and must stay
under the limit plus 64 MiB: a correctness bound, not a timing figure. Before the
fix, that call raised the peak resident set by more than 500 MiB on both clients.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import os
import subprocess
import sys
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncConfigError,
    AppSyncNetworkError,
    AppSyncResponseError,
    AppSyncResponseTooLargeError,
    AsyncAppSyncClient,
    BaseModel,
)
from appsync_runtime._bodies import DEFAULT_MAX_RESPONSE_BYTES, BodyReader, DecodeError
from appsync_runtime._response import HttpResponse, parse_response, validate_json
from tests.reliability.clients import KINDS, QUERY, calls, echoed
from tests.reliability.conftest import KEY
from tests.support.examples import examples
from tests.support.raw_http import (
    RawConnection,
    RawHTTPServer,
    RawRequest,
    http_response,
    json_response,
)

MiB = 1024 * 1024
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@functools.cache
def bomb() -> bytes:
    """256 MiB of JSON (a string of spaces inside ``data``) gzipped to ~256 KiB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b'{"data": {"echo": "')]
    block = b" " * MiB
    parts.extend(packer.compress(block) for _ in range(256))
    parts.append(packer.compress(b'"}}') + packer.flush())
    return b"".join(parts)


def _bomb_server(request: RawRequest, conn: RawConnection) -> None:
    if request.call_id == "bomb":
        conn.send(http_response(200, bomb(), {"Content-Encoding": "gzip"}))
    else:
        conn.send(json_response({"data": {"echo": request.call_id}}))


@pytest.fixture(scope="module")
def bomb_url() -> Iterator[str]:
    with RawHTTPServer(_bomb_server) as server:
        yield server.url


def _probe(url: str, kind: str, *limit: int) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.rss_probe", url, kind, *map(str, limit)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("limit", [DEFAULT_MAX_RESPONSE_BYTES, 4 * MiB])
def test_a_gzip_bomb_is_refused_within_bounded_memory(bomb_url: str, kind: str, limit: int) -> None:
    assert len(bomb()) < 512 * 1024  # small on the wire
    report = _probe(bomb_url, kind, limit)
    grown = report["after"] - report["before"]
    print(f"\n{kind}, limit {limit // MiB} MiB: peak RSS grew by {grown / MiB:.1f} MiB")
    assert report["warm"] == "data"
    assert report["outcome"] == "AppSyncResponseTooLargeError"
    assert grown < limit + 64 * MiB


@pytest.mark.parametrize("chunk", [1024, 65536, 1024 * 1024])
def test_the_reader_holds_the_limit_plus_one_piece_at_most(chunk: int) -> None:
    # what the transports feed it, measured by allocation: the body kept so far plus
    # one decompressor output (1 MiB), never the inflated whole
    limit = 16 * MiB
    wire = bomb()
    tracemalloc.start()
    try:
        reader = BodyReader(200, {"content-encoding": "gzip"}, limit)
        with pytest.raises(AppSyncResponseTooLargeError):
            for at in range(0, len(wire), chunk):
                reader.feed(wire[at : at + chunk])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit + 2 * MiB


def test_the_default_limit_is_the_documented_one(bomb_url: str) -> None:
    report = _probe(bomb_url, "sync")
    assert report["outcome"] == "AppSyncResponseTooLargeError"
    assert report["after"] - report["before"] < DEFAULT_MAX_RESPONSE_BYTES + 64 * MiB


# ------------------------------------------------------- the limit, through clients


def _sized(size: int, coding: str | None) -> bytes:
    """A response whose JSON body is exactly ``size`` bytes once decoded."""
    head = b'{"data": {"echo": "'
    body = head + b"x" * (size - len(head) - 3) + b'"}}'
    assert len(body) == size
    headers = {"Content-Type": "application/json"}
    if coding == "gzip":
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    elif coding == "deflate":
        body = zlib.compress(body)
        headers["Content-Encoding"] = "deflate"
    return http_response(200, body, headers)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("coding", [None, "gzip", "deflate"])
def test_a_body_at_the_limit_passes_and_one_byte_more_does_not(
    kind: str, coding: str | None
) -> None:
    limit = 64 * 1024

    def handler(request: RawRequest, conn: RawConnection) -> None:
        size = limit if request.call_id == "at" else limit + 1
        conn.send(_sized(size, coding))

    with RawHTTPServer(handler) as server:
        at, over = calls(kind, server.url, ["at", "over"], max_response_bytes=limit)
    assert echoed(at).startswith("xxx"), at
    assert isinstance(over, AppSyncResponseTooLargeError), over
    assert over.status == 200 and over.attempts == 1  # not retried: the same bytes again


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("framing", ["content-length", "close", "chunked"])
def test_a_large_raw_body_is_refused_however_it_is_framed(kind: str, framing: str) -> None:
    body = b'{"data": {"echo": "' + b"y" * (3 * MiB) + b'"}}'

    def handler(request: RawRequest, conn: RawConnection) -> None:
        if framing == "content-length":
            conn.send(http_response(200, body))
        elif framing == "close":  # the body ends when the connection does
            conn.send(http_response(200, body, omit_length=True))
            conn.close()
        else:
            chunks = b"".join(
                b"%x\r\n%s\r\n" % (len(body[at : at + 65536]), body[at : at + 65536])
                for at in range(0, len(body), 65536)
            )
            headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
            conn.send(http_response(200, chunks + b"0\r\n\r\n", headers, omit_length=True))

    with RawHTTPServer(handler) as server:
        (error,) = calls(kind, server.url, ["big"], max_response_bytes=MiB)
    assert isinstance(error, AppSyncResponseTooLargeError), error
    assert str(MiB) in str(error)


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "64", None])
def test_max_response_bytes_must_be_a_positive_integer(value: Any) -> None:
    url = "https://api.example.com/graphql"
    for cls in (AppSyncClient, AsyncAppSyncClient):
        with pytest.raises(AppSyncConfigError, match="max_response_bytes"):
            cls(url, region="us-east-1", max_response_bytes=value)


# ------------------------------------------------------- the body reader itself

_codings = st.sampled_from(["identity", "gzip", "x-gzip", "deflate", "raw-deflate", "gzip, gzip"])


def _encode(payload: bytes, coding: str) -> tuple[bytes, str | None]:
    if coding == "identity":
        return payload, None
    if coding in ("gzip", "x-gzip"):
        return gzip.compress(payload), coding
    if coding == "deflate":
        return zlib.compress(payload), "deflate"
    if coding == "raw-deflate":  # deflate without the zlib wrapper: some servers send it
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return packer.compress(payload) + packer.flush(), "deflate"
    return gzip.compress(gzip.compress(payload)), "gzip, gzip"


@settings(max_examples=examples(300), deadline=None)
@given(
    payload=st.one_of(st.binary(max_size=3000), st.integers(0, 200_000).map(lambda n: b"z" * n)),
    limit=st.integers(1, 150_000),
    coding=_codings,
    cuts=st.lists(st.integers(1, 4096), max_size=20),
)
def test_the_reader_returns_the_body_or_refuses_it_past_the_limit(
    payload: bytes, limit: int, coding: str, cuts: list[int]
) -> None:
    wire, header = _encode(payload, coding)
    headers = {"content-encoding": header} if header else {}
    at, chunks = 0, list[bytes]()
    for cut in cuts:  # the wire bytes in chunks of any sizes
        chunks.append(wire[at : at + cut])
        at += cut
    chunks.append(wire[at:])
    fits = len(payload) <= limit and len(wire) <= limit
    try:
        reader = BodyReader(200, headers, limit)
        for chunk in chunks:
            reader.feed(chunk)
        body = reader.finish()
    except AppSyncResponseTooLargeError:
        assert not fits
    else:
        assert fits and body == payload


@pytest.mark.parametrize(
    ("wire", "coding"),
    [
        (gzip.compress(b'{"data": {}}', mtime=0)[:-6], "gzip"),  # cut short
        (b"not compressed at all", "gzip"),
        (gzip.compress(b"{}", mtime=0) + b"trailing junk", "gzip"),
        (zlib.compress(b"{}") + b"x", "deflate"),
        (b"\x00" * 40, "deflate"),
    ],
)
def test_a_broken_compressed_body_is_a_decode_error(wire: bytes, coding: str) -> None:
    reader = BodyReader(200, {"content-encoding": coding}, MiB)
    with pytest.raises(DecodeError):
        reader.feed(wire)
        reader.finish()


def test_a_coding_not_asked_for_passes_through_untouched() -> None:
    reader = BodyReader(200, {"content-encoding": "br"}, MiB)
    reader.feed(b"\x8b\x02\x80{}\x03")
    assert reader.finish() == b"\x8b\x02\x80{}\x03"


@pytest.mark.parametrize("kind", KINDS)
def test_broken_gzip_through_the_clients_is_a_network_error(kind: str) -> None:
    def handler(request: RawRequest, conn: RawConnection) -> None:
        conn.send(http_response(200, b"\x1f\x8b garbage", {"Content-Encoding": "gzip"}))

    with RawHTTPServer(handler) as server:
        (error,) = calls(kind, server.url, ["x"], retry=None)
    assert isinstance(error, AppSyncNetworkError) and "decode" in str(error)


# ------------------------------------------------------- NaN and Infinity


class Echo(BaseModel):
    echo: float


_NON_FINITE = st.sampled_from([b"NaN", b"Infinity", b"-Infinity"])


@settings(max_examples=examples(200), deadline=None)
@given(token=_NON_FINITE, where=st.integers(0, 3))
def test_nan_or_infinity_anywhere_is_never_data(token: bytes, where: int) -> None:
    shapes = [
        b'{"data": {"echo": %s}}',
        b'{"data": {"list": [1, 2, %s]}}',
        b'{"data": {"echo": 1}, "extensions": {"cost": %s}}',
        b'\xef\xbb\xbf{"data": {"nested": {"deep": [%s]}}}',
    ]
    body = shapes[where] % token
    with pytest.raises(AppSyncResponseError, match="JSON"):
        parse_response(HttpResponse(200, {}, body))
    assert validate_json(Echo, body) is None  # the typed fast path leaves it to the above


@pytest.mark.parametrize("kind", KINDS)
def test_nan_through_the_clients_is_a_response_error(kind: str) -> None:
    def handler(request: RawRequest, conn: RawConnection) -> None:
        conn.send(http_response(200, b'{"data": {"echo": NaN}}'))

    with RawHTTPServer(handler) as server:
        (error,) = calls(kind, server.url, ["x"])
    assert isinstance(error, AppSyncResponseError) and "NaN" in str(error)


@pytest.mark.parametrize("body", [b'{"data": {"echo": 1e999}}', b'{"data": {"echo": NaN}}'])
def test_typed_results_refuse_non_finite_numbers(body: bytes) -> None:
    def handler(request: RawRequest, conn: RawConnection) -> None:
        conn.send(http_response(200, body))

    with (
        RawHTTPServer(handler) as server,
        AppSyncClient(server.url, auth=ApiKeyAuth(KEY)) as client,
        pytest.raises(AppSyncResponseError),
    ):
        client.execute_validated(Echo, QUERY, "Echo", {"id": "x"})

    async def go() -> None:
        with RawHTTPServer(handler) as server:
            async with AsyncAppSyncClient(server.url, auth=ApiKeyAuth(KEY)) as client:
                with pytest.raises(AppSyncResponseError):
                    await client.execute_validated(Echo, QUERY, "Echo", {"id": "x"})

    asyncio.run(go())
