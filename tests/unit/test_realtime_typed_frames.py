"""Typed subscription events read from the frame's text in one pass.

A typed subscription (a generated client's subscription method) has its plain data
frames validated straight from the text by a frame-shaped model
(``_graphql_ws.typed_reader``); every frame the reader does not take goes the
protocol's ordinary way, and its data is validated where the consumer takes it. These
tests drive a connection's reader over generated hostile frames (reordered and
duplicate keys, ids inside payloads, unicode escapes in the id, ``errors`` with
data, unknown, pending and stopped subscriptions, non-finite numbers, cut frames)
twice, with and without the one-pass reader, and compare what every subscription
receives, in order, and the protocol's state afterwards.
"""

from __future__ import annotations

import asyncio
import json
from enum import Enum
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import Field

from appsync_runtime import ApiKeyAuth, AppSyncError, AsyncAppSyncClient, RealtimeOptions
from appsync_runtime._connection import Connection
from appsync_runtime._endpoints import parse_endpoint
from appsync_runtime._graphql_ws import GRAPHQL_WS, data_frame_id, typed_reader
from appsync_runtime._realtime_protocol import NOT_TYPED
from appsync_runtime._subscription import Subscription
from appsync_runtime.model import BaseModel
from appsync_runtime.scalars import (
    AWSDateTimeField,
    AWSIPAddressField,
    AWSJSONField,
    AWSTimestampField,
)

URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql"


class Mood(Enum):
    HAPPY = "HAPPY"
    SAD = "SAD"


class Thing(BaseModel):
    id: str
    at: AWSDateTimeField
    later: AWSDateTimeField | None = None
    meta: AWSJSONField | None = None
    ip: AWSIPAddressField | None = None
    stamp: AWSTimestampField | None = None
    n: float | None = None
    count: int | None = None
    mood: Mood | None = None
    tags: list[str] | None = None


class OnThing(BaseModel):
    on_thing: Thing | None = Field(alias="onThing")


IDS = {
    "A": "0b6a8e0e-1c1f-4c3e-9d7a-6a3f1c2b9e01",  # acknowledged, typed
    "B": "1c7b9f1f-2d20-4d4f-8e8b-7b401d3caf12",  # acknowledged, typed
    "C": "2d8ca020-3e31-4e50-9f9c-8c512e4db023",  # started, not acknowledged yet
    "D": "3e9db131-4f42-4f61-a0ad-9d623f5ec134",  # stopped (its stop sent)
}
CLIENT = AsyncAppSyncClient(URL, auth=ApiKeyAuth("da2-testkeytestkeytestkey00"))


class _Host:
    """The manager a connection needs, minus the network."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.endpoint = parse_endpoint(URL)
        self.options = RealtimeOptions()
        self.protocol = GRAPHQL_WS
        self.where = "test"
        self._loop = loop
        self.sent: list[str] = []

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def forget(self, conn: Connection) -> None:
        pass

    def send_soon(self, conn: Connection, frame: str) -> None:
        self.sent.append(frame)

    def notify_state(self, change: Any) -> None:
        pass

    async def upgrade(self, url: str, protocols: tuple[str, ...], headers: Any) -> Any:
        raise AssertionError("no network here")


class _Socket:
    """Hands the reader the given text frames, then a close."""

    close_code = 1000

    def __init__(self, frames: list[str]) -> None:
        self._messages = [aiohttp.WSMessage(aiohttp.WSMsgType.TEXT, f, None) for f in frames]
        self._messages.append(aiohttp.WSMessage(aiohttp.WSMsgType.CLOSE, 1000, None))

    async def receive(self) -> aiohttp.WSMessage:
        return self._messages.pop(0)


def _outcome(sub: Subscription) -> list[tuple[Any, ...]]:
    """What the consumer of ``sub`` gets, in order: each event validated where it is
    not a model yet (as the runtime's iterator does), signals and errors by type and
    message."""
    seen: list[tuple[Any, ...]] = []
    for item in sub.items:
        if type(item) is tuple:
            data, size, _ = item
            if data.__class__ is not OnThing:
                try:
                    data = CLIENT.validate_result(OnThing, data)
                except AppSyncError as exc:
                    seen.append(("raises", type(exc).__name__, str(exc), size))
                    continue
            # the repr shows every value with its type (NanoDateTime or datetime...)
            seen.append(("event", repr(data), size))
        else:
            seen.append(("item", type(item).__name__, str(item)))
    return seen


async def _deliver(frames: list[str], typed: bool) -> tuple[Any, ...]:
    loop = asyncio.get_running_loop()
    host = _Host(loop)
    conn = Connection(host, 1)
    proto = GRAPHQL_WS.new(15.0, 15.0, 300.0)
    conn.proto = proto
    proto.connection_init(loop.time())
    proto.receive('{"type":"connection_ack","payload":{"connectionTimeoutMs":300000}}', 0.0)
    reader = typed_reader(OnThing) if typed else None
    assert not typed or reader is not None
    subs: dict[str, Subscription] = {}
    for name, id in IDS.items():
        sub = Subscription(b"{}", ApiKeyAuth("da2-k"), name, loop, RealtimeOptions(), reader)
        sub.id = id
        subs[name] = sub
        proto.start(id, "{}", {}, 0.0)
        if name != "C":
            proto.receive(json.dumps({"type": "start_ack", "id": id}), 0.0)
            conn._acked(sub)  # pyright: ignore[reportPrivateUsage]
        if name == "D":
            proto.stop(id)
        else:
            conn.subs[id] = sub
    conn._lost = loop.create_future()  # pyright: ignore[reportPrivateUsage]
    await conn._read(_Socket(frames), proto)  # pyright: ignore[reportPrivateUsage]
    return (
        {name: _outcome(sub) for name, sub in subs.items()},
        sorted(conn.subs),
        sorted(proto._subs.items()),  # pyright: ignore[reportPrivateUsage]
        host.sent,
    )


def deliveries(frames: list[str], typed: bool) -> tuple[Any, ...]:
    return asyncio.run(_deliver(frames, typed))


# ------------------------------------------------------------------ hostile frames


def _string(text: str, escape: list[bool]) -> str:
    """``text`` as a JSON string, some characters written as ``\\uXXXX``."""
    out = []
    for i, char in enumerate(text):
        out.append(
            f"\\u{ord(char):04x}" if i < len(escape) and escape[i] else json.dumps(char)[1:-1]
        )
    return '"' + "".join(out) + '"'


def _object(pairs: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f"{json.dumps(key)}:{value}" for key, value in pairs) + "}"


NUMBERS = ["1", "2.5", "-0", "1e3", "NaN", "Infinity", "-Infinity", "+Infinity", "-NaN", "1e999"]
DATETIMES = [
    "2026-08-02T15:30:45.123Z",
    "2026-08-01T12:00:00.000Z",
    "2026-08-01T12:00:00Z",
    "2026-08-01T12:00:00.123456789Z",
    "2026-08-01T12:00:00.1+02:00",
    "2026-08-01t12:00:00z",
    "2026-13-01T12:00:00Z",
    "not a date",
]
any_id = st.sampled_from([*IDS.values(), "unknown-id", ""])


def _pick(draw: st.DrawFn, good: list[str], bad: list[str]) -> str:
    """Mostly a valid value, sometimes a near miss."""
    return draw(st.sampled_from(bad if bad and draw(st.integers(0, 3)) == 0 else good))


@st.composite
def things(draw: st.DrawFn) -> str:
    """A ``Thing`` object's text: mostly valid, with near misses field by field."""
    pairs: list[tuple[str, str]] = [
        ("id", _pick(draw, [json.dumps(draw(any_id)), '"t-1"'], ["7", "null"])),
        ("at", json.dumps(_pick(draw, DATETIMES[:5], DATETIMES[5:]))),
    ]
    optional = {
        "later": lambda: json.dumps(_pick(draw, DATETIMES[:5], DATETIMES[5:])),
        "meta": lambda: _pick(
            draw, ['"{\\"a\\":[1,2]}"', "null", '"\\"x\\""', '"1e999"'], ['"[1"', '"NaN"', "{}"]
        ),
        "ip": lambda: _pick(draw, ['"192.0.2.1"', '"2001:db8::1/64"'], ['"300.1.1.1"']),
        "stamp": lambda: _pick(draw, ["1893456000", "-1"], ["1.0", '"1"', "true"]),
        "n": lambda: _pick(draw, NUMBERS[:4], NUMBERS[4:]),
        "count": lambda: _pick(draw, ["3", "3.0", '"3"'], ["3.5", "1e999"]),
        "mood": lambda: _pick(draw, ['"HAPPY"', "null"], ['"happy"', "1"]),
        "tags": lambda: _pick(draw, ['["a","b"]', "[]", f'["{IDS["B"]}"]'], ['"a"']),
        "type": lambda: '"data"',  # a nested "type":"data", as in a payload
        "extra": lambda: f'{{"id":{json.dumps(draw(any_id))},"type":"data"}}',
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        pairs.append((key, optional[key]()))
    if draw(st.integers(0, 3)) == 0:  # a duplicate field: the last one counts
        key, value = draw(st.sampled_from(pairs))
        pairs.append((key, draw(st.sampled_from([value, "null", '"2026-08-02T15:30:45.123Z"']))))
    return _object(draw(st.permutations(pairs)))


@st.composite
def frames(draw: st.DrawFn) -> str:
    """One frame's text: mostly data frames, some hostile in one way or several."""
    id = draw(st.sampled_from([IDS["A"], IDS["B"]]) if draw(st.booleans()) else any_id)
    id_text = _string(id, draw(st.lists(st.booleans(), max_size=4)))
    data = draw(
        st.one_of(
            things().map(lambda thing: _object([("onThing", thing)])),
            st.sampled_from(['{"onThing":null}', "null", "[]", '"x"', "{}", "NaN"]),
        )
    )
    payload: list[tuple[str, str]] = [("data", data)]
    errors = draw(
        st.sampled_from(
            [None] * 6
            + ["null", "[]", "{}", '""', "0", "false", '[{"message":"boom"}]', '"x"', "NaN"]
        )
    )
    if errors is not None:
        payload.append(("errors", errors))
    if draw(st.booleans()):
        payload.append(("extensions", '{"x":1}'))
    payload = draw(st.permutations(payload))
    kind = draw(st.sampled_from(['"data"'] * 6 + ['"start_ack"', '"complete"', '"ka"', "1"]))
    top: list[tuple[str, str]] = [("type", kind), ("id", id_text)]
    if draw(st.integers(0, 9)) > 0:
        top.append(("payload", _object(payload)))
    if draw(st.booleans()):
        top = draw(st.permutations(top))
    if draw(st.integers(0, 4)) == 0:  # a duplicate top-level key, the last counts
        key = draw(st.sampled_from(["type", "id", "payload"]))
        value = draw(
            st.sampled_from(
                [json.dumps(draw(any_id)), '"data"', '"complete"', '{"data":{"onThing":null}}']
            )
        )
        top.insert(draw(st.integers(0, len(top))), (key, value))
    if draw(st.integers(0, 9)) == 0:
        top.append(("extra", draw(st.sampled_from(NUMBERS))))
    text = _object(top)
    if draw(st.integers(0, 9)) == 0:  # spaces, or a frame cut short
        text = draw(
            st.sampled_from([text.replace(":", ": "), text[: draw(st.integers(0, len(text)))]])
        )
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(frames(), min_size=1, max_size=8))
@example(
    [
        # plain, then an id inside the payload, then a duplicate id naming another
        _object(
            [
                ("id", json.dumps(IDS["A"])),
                ("type", '"data"'),
                ("payload", '{"data":{"onThing":{"id":"%ID%","at":"2026-08-02T15:30:45.123Z"}}}'),
            ]
        ).replace("%ID%", IDS["B"]),
        _object(
            [
                ("id", json.dumps(IDS["A"])),
                ("type", '"data"'),
                ("payload", '{"data":{"onThing":{"id":"x","at":"2026-08-02T15:30:45.123Z"}}}'),
                ("id", json.dumps(IDS["B"])),
            ]
        ),
        _object(
            [
                ("id", json.dumps(IDS["B"])),
                ("type", '"data"'),
                ("payload", '{"data":{"onThing":null}}'),
                ("type", '"complete"'),
            ]
        ),
    ]
)
def test_one_pass_reader_delivers_what_the_ordinary_path_does(frames: list[str]) -> None:
    assert deliveries(frames, typed=True) == deliveries(frames, typed=False)


# ------------------------------------------------------------------ the path is taken


PAYLOAD = (
    '"payload":{"data":{"onThing":{"id":"t-1",'
    '"at":"2026-08-02T15:30:45.123Z","later":"2026-08-02T15:30:46.250Z",'
    '"meta":"{\\"k\\":[1]}","ip":"192.0.2.10","stamp":1893456000,"mood":"SAD"}}}}'
)


@pytest.mark.parametrize("first", ['{"id":"ID","type":"data",', '{"type":"data","id":"ID",'])
def test_plain_frames_are_read_in_one_pass(first: str) -> None:
    id = IDS["A"]
    frame = first.replace("ID", id) + PAYLOAD
    assert data_frame_id(frame) == id
    read = typed_reader(OnThing)
    assert read is not None
    value = read(frame, id)
    assert type(value) is OnThing
    assert read(frame, IDS["B"]) is NOT_TYPED
    # on the connection too: the queued event is the model, not a dict
    result = asyncio.run(_queued(frame))
    assert type(result) is OnThing
    assert result == CLIENT.validate_result(OnThing, json.loads(frame)["payload"]["data"])


async def _queued(frame: str) -> Any:
    loop = asyncio.get_running_loop()
    conn = Connection(_Host(loop), 1)
    proto = GRAPHQL_WS.new(15.0, 15.0, 300.0)
    proto.connection_init(0.0)
    proto.receive('{"type":"connection_ack","payload":{}}', 0.0)
    sub = Subscription(
        b"{}", ApiKeyAuth("da2-k"), "A", loop, RealtimeOptions(), typed_reader(OnThing)
    )
    sub.id = IDS["A"]
    proto.start(sub.id, "{}", {}, 0.0)
    proto.receive(json.dumps({"type": "start_ack", "id": sub.id}), 0.0)
    conn._acked(sub)  # pyright: ignore[reportPrivateUsage]
    conn.subs[sub.id] = sub
    conn._lost = loop.create_future()  # pyright: ignore[reportPrivateUsage]
    await conn._read(_Socket([frame]), proto)  # pyright: ignore[reportPrivateUsage]
    assert proto.last_message_at > 0
    events = [item for item in sub.items if type(item) is tuple]
    assert len(events) == 1
    return events[0][0]


@pytest.mark.parametrize(
    "frame",
    [
        "",
        "{",
        '{"id":"',
        '{"id":""}',
        '{"type":"data","id":"',
        '{"type":"ka"}',
        ' {"id":"x","type":"data"}',
        '{"type":"data", "id":"x"}',
    ],
)
def test_the_id_guess_never_raises(frame: str) -> None:
    guess = data_frame_id(frame)
    assert guess is None or (guess and '"' not in guess)


def test_a_model_pydantic_cannot_build_has_no_reader() -> None:
    class Broken:
        __name__ = "Broken"

    assert typed_reader(Broken) is None  # type: ignore[arg-type]
