"""A call gets the answer to its own request, whatever bytes follow a response.

A server that sends more than its ``Content-Length`` announces (or anything at all
after a complete response) must not make a later call on the same pooled connection
read those bytes as its answer: HTTP/1.1 has no way to say which request bytes
answer, so a connection whose framing is in doubt is never used again. The call
whose response was followed by the extra bytes gets that response, which is complete
by its own framing (RFC 9112, section 6.3), and its connection is closed.

Every request carries a unique id (``variables.id``) that the raw-socket server
echoes, so an answer delivered to the wrong caller is seen, not guessed.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appsync_runtime import AppSyncError
from tests.reliability.clients import KINDS, calls, concurrent_calls, echoed
from tests.support.examples import examples
from tests.support.raw_http import RawConnection, RawHTTPServer, RawRequest, json_response


def answer(call_id: str) -> bytes:
    return json_response({"data": {"echo": call_id}})


STALE = answer("stale")  # a complete response nobody asked for
TRAILERS: dict[str, bytes] = {
    "a whole stale response": STALE,
    "two stale responses": STALE + answer("stale-2"),
    "junk": b"\x00garbage\r\n\r\n",
    "a status line only": b"HTTP/1.1 200 OK\r\n",
    "crlf": b"\r\n",
    "a stale response cut short": STALE[:-5],
}


@pytest.fixture
def server() -> Iterator[Callable[[Callable[[RawRequest, RawConnection], None]], str]]:
    started: list[RawHTTPServer] = []

    def start(handler: Callable[[RawRequest, RawConnection], None]) -> str:
        raw = RawHTTPServer(handler).__enter__()
        started.append(raw)
        return raw.url

    yield start
    for raw in started:
        raw.__exit__()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("trailer", sorted(TRAILERS))
def test_bytes_after_a_response_never_reach_the_next_call(
    server: Callable[..., str], kind: str, trailer: str
) -> None:
    extra = TRAILERS[trailer]

    def handler(request: RawRequest, conn: RawConnection) -> None:
        conn.send(answer(request.call_id) + extra)  # one write: one segment

    url = server(handler)
    ids = [f"call-{n}" for n in range(6)]
    outcomes = calls(kind, url, ids)
    assert [echoed(outcome) for outcome in outcomes] == ids


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_longer_than_its_content_length(server: Callable[..., str], kind: str) -> None:
    # The Content-Length stops short inside the body: the rest must not become the
    # start of the next call's response. The short body is not JSON: a typed error.
    def handler(request: RawRequest, conn: RawConnection) -> None:
        body = json.dumps({"data": {"echo": request.call_id}}).encode()
        conn.send(json_response({"data": {"echo": request.call_id}}, content_length=len(body) - 4))

    url = server(handler)
    outcomes = calls(kind, url, [f"call-{n}" for n in range(5)])
    assert all(isinstance(outcome, AppSyncError) for outcome in outcomes), outcomes


@pytest.mark.parametrize("kind", KINDS)
def test_bytes_arriving_while_the_connection_is_idle(server: Callable[..., str], kind: str) -> None:
    # The extra response comes 50 ms after the real one, in a segment of its own, and
    # the next call starts 300 ms later: the idle connection is retired when it is
    # next taken from the pool (a readable idle socket) by httpcore, and as soon as
    # they arrive by the async client's own connections.
    def handler(request: RawRequest, conn: RawConnection) -> None:
        conn.send(answer(request.call_id))
        threading.Event().wait(0.05)
        conn.send(STALE)

    url = server(handler)
    ids = [f"call-{n}" for n in range(4)]
    assert [echoed(outcome) for outcome in calls(kind, url, ids, pause=0.3)] == ids


@pytest.mark.parametrize("kind", KINDS)
def test_threaded_mix_gives_no_answer_to_the_wrong_caller(
    server: Callable[..., str], kind: str
) -> None:
    # 16 threads (sync) or 16 tasks (async) share one client; a third of the
    # responses (seeded) carry a stale answer for another id behind them.
    rng = random.Random(1205)
    lock = threading.Lock()
    seen: list[str] = []

    def handler(request: RawRequest, conn: RawConnection) -> None:
        call_id = request.call_id
        with lock:
            seen.append(call_id)
            poison = rng.random() < 1 / 3
            other = rng.choice(seen)
        conn.send(answer(call_id) + (answer(other) if poison else b""))

    url = server(handler)
    ids = [f"{kind}-{n}" for n in range(400)]
    results = concurrent_calls(kind, url, ids, workers=16)
    wrong = {call_id: echoed(got) for call_id, got in results.items() if echoed(got) != call_id}
    print(f"\n{kind}: {len(ids)} calls, {len(wrong)} answers to the wrong caller")
    assert len(results) == len(ids)
    assert wrong == {}


def _stale(number: int) -> bytes:
    return answer(f"stale-{number}")


_trailers = st.one_of(
    st.binary(min_size=1, max_size=64),
    st.sampled_from(list(TRAILERS.values())),
    st.builds(_stale, st.integers(0, 9)),
)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(trailers=st.lists(_trailers, min_size=3, max_size=3), kind=st.sampled_from(KINDS))
def test_any_trailing_bytes_never_reach_another_call(
    server: Callable[..., str], trailers: list[bytes], kind: str
) -> None:
    queue = list(trailers)
    lock = threading.Lock()

    def handler(request: RawRequest, conn: RawConnection) -> None:
        with lock:
            extra = queue.pop(0) if queue else b""
        conn.send(answer(request.call_id) + extra)

    url = server(handler)
    ids = [f"call-{n}" for n in range(4)]
    outcomes: list[Any] = calls(kind, url, ids)
    assert [echoed(outcome) for outcome in outcomes] == ids
