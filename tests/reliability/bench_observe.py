"""Micro-benchmark of what observability costs a call (no network).

The sync client's own work per call (microseconds, best of several rounds) over a
canned transport, in four situations, each in a fresh interpreter so one cannot
leak into the next:

- ``no otel``: OpenTelemetry never imported (the ``[otel]`` extra absent, or unused);
- ``otel, no provider``: ``opentelemetry.trace`` imported, no tracer provider set;
- ``otel, sampled off``: an SDK provider that samples nothing;
- ``otel, recording``: an SDK provider recording every span (in-memory exporter).

Run ``.venv/bin/python -m tests.reliability.bench_observe``; it never fails on a
time. ``--scenario NAME`` runs one situation in this process (what the parent does).
"""

from __future__ import annotations

import subprocess
import sys
import time

SCENARIOS = ("no otel", "otel, no provider", "otel, sampled off", "otel, recording")


def _one(scenario: str, n: int = 3000, rounds: int = 15) -> float:
    import httpx

    from appsync_runtime import ApiKeyAuth, AppSyncClient
    from appsync_runtime._response import HttpResponse
    from tests.reliability.bench_overhead import BODY, KEY, QUERY, RESPONSE_HEADERS, URL

    provider = None
    exporter = None
    if scenario != "no otel":
        import opentelemetry.trace  # noqa: F401  # pyright: ignore[reportUnusedImport]
    if scenario in ("otel, sampled off", "otel, recording"):
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON

        provider = TracerProvider(
            sampler=ALWAYS_OFF if scenario == "otel, sampled off" else ALWAYS_ON
        )
        exporter = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(exporter))

    response = HttpResponse(200, httpx.Headers(RESPONSE_HEADERS), BODY)

    class Canned:
        def send(self, request: object) -> object:
            return response

        def close(self) -> None:
            pass

    kwargs = {} if provider is None else {"tracer_provider": provider}
    client = AppSyncClient(URL, auth=ApiKeyAuth(KEY), **kwargs)  # type: ignore[arg-type]
    client._transport = Canned()  # type: ignore[assignment]
    for _ in range(200):
        client.execute(QUERY, "GetNote", {"id": "n1"})
    best = float("inf")
    for _ in range(rounds):
        if exporter is not None:
            exporter.clear()
        start = time.perf_counter()
        for _ in range(n):
            client.execute(QUERY, "GetNote", {"id": "n1"})
        best = min(best, (time.perf_counter() - start) / n * 1e6)
    return best


def main() -> None:
    for scenario in SCENARIOS:
        out = subprocess.run(
            [sys.executable, "-m", "tests.reliability.bench_observe", "--scenario", scenario],
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"{scenario + ':':20} {float(out.stdout):7.2f} us/call")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--scenario":
        print(_one(sys.argv[2]))
    else:
        main()
