"""Peak memory of one call, measured in a process of its own.

``python -m tests.reliability.rss_probe URL KIND [MAX_RESPONSE_BYTES]`` makes a
warm-up call (``variables.id`` "warm"), notes the process's peak resident set size,
makes the measured call (id "bomb"), and prints one JSON line: the peak before and
after (bytes), and the outcome (the error class, or "data").
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
from typing import Any

from appsync_runtime import ApiKeyAuth, AppSyncClient, AsyncAppSyncClient

QUERY = "query Echo($id: ID!) { echo(id: $id) }"
KEY = "da2-reliabilitytestsecret0000000"


def peak() -> int:
    """The process's peak resident set size so far, in bytes (Linux: KiB reported)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def outcome(call: Any) -> str:
    try:
        call()
    except Exception as exc:
        return type(exc).__name__
    return "data"


def main(argv: list[str]) -> int:
    url, kind = argv[0], argv[1]
    kwargs: dict[str, Any] = {"retry": None}
    if len(argv) > 2:
        kwargs["max_response_bytes"] = int(argv[2])
    report: dict[str, Any] = {}
    if kind == "sync":
        with AppSyncClient(url, auth=ApiKeyAuth(KEY), **kwargs) as client:
            report["warm"] = outcome(lambda: client.execute(QUERY, "Echo", {"id": "warm"}))
            report["before"] = peak()
            report["outcome"] = outcome(lambda: client.execute(QUERY, "Echo", {"id": "bomb"}))
            report["after"] = peak()
    else:

        async def go() -> None:
            async with AsyncAppSyncClient(url, auth=ApiKeyAuth(KEY), **kwargs) as client:

                async def attempt(call_id: str) -> str:
                    try:
                        await client.execute(QUERY, "Echo", {"id": call_id})
                    except Exception as exc:
                        return type(exc).__name__
                    return "data"

                report["warm"] = await attempt("warm")
                report["before"] = peak()
                report["outcome"] = await attempt("bomb")
                report["after"] = peak()

        asyncio.run(go())
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
