"""What a stalled subscription holds: memory at the buffer limits, per event size.

Run ``python bench/bench_buffer.py [--quick]``.

One subscription whose consumer takes nothing while the strict real-time fake
(``tests/support/fake_realtime.py``, in this process) publishes a burst much larger
than the buffer, for three event sizes: ``onCommentAdded`` events of about 560 bytes
(``bench.server.comment``), 4 KiB ones and 200 KiB ones (AppSync drops payloads
over 240 KB). With the default ``RealtimeOptions`` (10,000 events, 16 MiB of frame
text, ``overflow="drop_oldest"``) and, for the small events, with no effective limit
as a reference (what the client held before the buffer was bounded).

Reported per row: events published, events held when the burst is in, frame text
held, Python memory held by the client (``tracemalloc``: the growth from before the
burst to when the last event sits in the buffer), that memory per held event and
over the frame text, and the events the drained subscription reported as dropped
through ``on_gap`` (held + dropped always equals published). Nothing here fails on
a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from appsync_runtime import (  # noqa: E402
    ApiKeyAuth,
    AsyncAppSyncClient,
    RealtimeOptions,
    SubscriptionGap,
)
from bench.server import comment  # noqa: E402
from tests.support.fake_realtime import FakeRealtime  # noqa: E402

SUBSCRIPTION = "subscription OnCommentAdded { onCommentAdded { id body } }"
UNBOUNDED = RealtimeOptions(max_buffered_events=10**9, max_buffered_bytes=2**50)


def _event(i: int, size: int) -> dict[str, Any]:
    data = comment(i)
    if size > 560:
        data["body"] = "x" * (size - 560 + len(data["body"]))
    return {"onCommentAdded": data}


async def _measure(options: RealtimeOptions, total: int, size: int) -> dict[str, Any]:
    with FakeRealtime(connection_timeout_ms=300_000, ka_interval=None) as rt:
        async with AsyncAppSyncClient(rt.url, auth=ApiKeyAuth(rt.api_key), realtime=options) as c:
            ready = asyncio.Event()
            dropped = 0

            def on_gap(gap: SubscriptionGap) -> None:
                nonlocal dropped
                dropped += gap.dropped or 0

            stream = c.subscribe(SUBSCRIPTION, "OnCommentAdded", on_ready=ready.set, on_gap=on_gap)
            first = asyncio.ensure_future(stream.__anext__())
            await asyncio.wait_for(ready.wait(), 10)
            [conn] = c._realtime._connections
            [sub] = conn.subs.values()
            events = [_event(i, size) for i in range(total)]
            last_id = events[-1]["onCommentAdded"]["id"]

            def burst_in() -> bool:
                for item in reversed(sub.items):
                    if type(item) is tuple:
                        return bool(item[0]["onCommentAdded"]["id"] == last_id)
                return False

            rt.publish(events[0])
            await first  # the consumer took the first event and then stalls
            tracemalloc.start()
            before = tracemalloc.get_traced_memory()[0]
            for start in range(1, total, 1000):  # the fake allows 10 s per call
                await asyncio.to_thread(rt.publish_many, events[start : start + 1000])
            while not burst_in():
                await asyncio.sleep(0.01)
            held = tracemalloc.get_traced_memory()[0] - before
            tracemalloc.stop()
            row = {"held_events": sub.count, "held_text": sub.nbytes, "held_memory": held}
            taken = 1
            async for data in stream:
                taken += 1
                if data["onCommentAdded"]["id"] == last_id:
                    break
            row["dropped"] = dropped
            assert taken + dropped == total, (taken, dropped, total)
            return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller bursts")
    quick = parser.parse_args().quick
    scale = 10 if quick else 1
    cases = [
        ("560 B, defaults", RealtimeOptions(), 30_000 // scale, 560),
        ("560 B, unbounded", UNBOUNDED, 30_000 // scale, 560),
        ("4 KiB, defaults", RealtimeOptions(), 10_000 // scale, 4096),
        ("200 KiB, defaults", RealtimeOptions(), 300 // scale, 200 * 1024),
    ]
    print(
        f"{'case':<20} {'published':>9} {'held':>7} {'text MiB':>9} {'memory MiB':>11} "
        f"{'B/event':>8} {'x text':>7} {'dropped':>8}"
    )
    for name, options, total, size in cases:
        started = time.perf_counter()
        row = asyncio.run(_measure(options, total, size))
        mib = row["held_memory"] / 2**20
        per_event = row["held_memory"] / max(1, row["held_events"])
        over_text = row["held_memory"] / max(1, row["held_text"])
        print(
            f"{name:<20} {total:>9,} {row['held_events']:>7,} {row['held_text'] / 2**20:>9.2f} "
            f"{mib:>11.2f} {per_event:>8,.0f} {over_text:>7.2f} "
            f"{row['dropped']:>8,}  ({time.perf_counter() - started:.1f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
