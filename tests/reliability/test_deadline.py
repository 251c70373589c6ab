"""``Timeout.total`` is a deadline on every transport, even against a server that
trickles its answer a byte at a time (each byte well within the read timeout, so no
single read ever times out).

The bound asserted is generous (the total plus one second, on a machine shared with
other work): it is a correctness bound, not a timing figure. Before the fix, the
sync client ran these calls for the whole trickle (about ten seconds).

One combination is left out, as documented in docs/reliability.md: a user's own
``httpx.Client`` trickling its *headers*. Its socket waits are httpx's to make (each
cut to the time left when the attempt starts; body chunks are checked against the
deadline), and the client is used as given, not rewired.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from appsync_runtime import AppSyncTimeoutError, RetryPolicy, Timeout
from tests.reliability.clients import KINDS, calls, echoed
from tests.support.raw_http import RawConnection, RawHTTPServer, RawRequest, json_response

TOTAL = 1.5
SLACK = 1.0
EVERY = 0.2  # seconds between trickled bytes: far below the read timeout
RETRY = RetryPolicy(attempts=4, wait_initial=0.05, wait_max=0.2)
TIMEOUT = Timeout(connect=2, read=2, total=TOTAL)


def _answer(call_id: str) -> bytes:
    return json_response({"data": {"echo": call_id}})


def _trickle_headers(request: RawRequest, conn: RawConnection) -> None:
    if request.call_id.startswith("slow"):
        conn.trickle(_answer(request.call_id), EVERY)
    else:
        conn.send(_answer(request.call_id))


def _trickle_body(request: RawRequest, conn: RawConnection) -> None:
    reply = _answer(request.call_id)
    if request.call_id.startswith("slow"):
        head, _, body = reply.partition(b"\r\n\r\n")
        conn.send(head + b"\r\n\r\n")
        conn.trickle(body, EVERY)
    else:
        conn.send(reply)


@pytest.fixture(params=["headers", "body"])
def trickling(request: pytest.FixtureRequest) -> Iterator[str]:
    handler = _trickle_headers if request.param == "headers" else _trickle_body
    with RawHTTPServer(handler) as server:
        yield server.url


@pytest.mark.parametrize("kind", KINDS)
def test_total_holds_against_a_trickling_server(
    trickling: str, kind: str, request: pytest.FixtureRequest
) -> None:
    if kind == "sync-httpx" and request.node.callspec.params["trickling"] == "headers":
        pytest.skip("a user's httpx.Client makes its own header reads (documented)")
    started = time.monotonic()
    outcomes = calls(kind, trickling, ["slow-1"], timeout=TIMEOUT, retry=RETRY)
    elapsed = time.monotonic() - started
    print(f"\n{kind}: ended after {elapsed:.2f} s (total {TOTAL} s)")
    (error,) = outcomes
    assert isinstance(error, AppSyncTimeoutError), error
    assert error.deadline, error
    assert elapsed < TOTAL + SLACK


@pytest.mark.parametrize("kind", KINDS)
def test_the_client_works_after_a_call_cut_at_its_deadline(
    trickling: str, kind: str, request: pytest.FixtureRequest
) -> None:
    # the half-read connection is closed, not pooled: the next calls get their own answers
    if kind == "sync-httpx" and request.node.callspec.params["trickling"] == "headers":
        pytest.skip("a user's httpx.Client makes its own header reads (documented)")
    outcomes = calls(kind, trickling, ["slow-1", "fast-1", "fast-2"], timeout=TIMEOUT, retry=RETRY)
    assert isinstance(outcomes[0], AppSyncTimeoutError)
    assert [echoed(outcome) for outcome in outcomes[1:]] == ["fast-1", "fast-2"]


@pytest.mark.parametrize("kind", ["sync", "sync-httpx"])
def test_no_deadline_means_only_the_read_timeout(kind: str) -> None:
    # total=None: nothing cuts the reads but the read timeout (one byte per 0.2 s,
    # read timeout 0.1 s: the first read times out)
    with RawHTTPServer(_trickle_body) as server:
        (error,) = calls(
            kind, server.url, ["slow-1"], timeout=Timeout(read=0.1, total=None), retry=None
        )
    assert isinstance(error, AppSyncTimeoutError) and not error.deadline
