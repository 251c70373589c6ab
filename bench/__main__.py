"""Every benchmark in one command: ``python -m bench [--quick] [--only SECTIONS]``.

Sections, in order (each prints its own table; ratios are to figures of the same run):

* ``sigv4``: microseconds per SigV4 signature (``bench/bench_sigv4.py``);
* ``import``: import times (``bench/bench_import.py``, when present);
* ``calls``: end-to-end typed calls with IAM, sync and async at concurrency 1, 10
  and 100, against a local AppSync-shaped server in its own process that verifies
  a sample of the signatures (``bench/bench_calls.py``, ``bench/server.py``);
* ``realtime``: subscription events per CPU second on two events, and memory per
  idle subscription (``bench/bench_realtime.py``);
* ``events``: Event API client CPU per received and per published event (HTTP and
  WebSocket), against a raw aiohttp floor (``bench/bench_events.py``);
* ``generate``: ``appsync-codegen generate`` against plain ariadne-codegen on a
  large schema, and where ours spends its time (``bench/bench_generate.py``).

``--quick`` runs a few hundred calls and small bursts (well under a minute), for CI.
Nothing here fails on a figure: the exit status is 0 unless a benchmark crashed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SECTIONS = ("sigv4", "import", "calls", "realtime", "events", "generate")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> str:
    """One line about where the figures come from."""
    return (
        f"machine: {_cpu_model()}, {os.cpu_count()} CPUs; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()} "
        f"({platform.python_implementation()})"
    )


def _header(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def _sigv4(quick: bool) -> None:
    from bench import bench_sigv4

    _header("SigV4 signing: microseconds per signature")
    print(bench_sigv4.format_table(bench_sigv4.run(quick=quick)))


def _import(quick: bool) -> None:
    _header("Import time")
    try:
        module = importlib.import_module("bench.bench_import")
    except ImportError:
        print("not available (bench/bench_import.py is missing)")
        return
    run: Callable[..., object] | None = getattr(module, "run", None)
    if run is None:
        print("not available (bench/bench_import.py has no run())")
        return
    rows = run(quick)
    formatter = getattr(module, "format_table", None)
    if callable(formatter):
        print(formatter(rows))
    elif isinstance(rows, list):
        for row in rows:
            print(f"  {row}")
    else:
        print(rows)


def _calls(quick: bool) -> None:
    from bench import bench_calls

    _header("Typed calls, IAM: client CPU per call and calls per second")
    print(bench_calls.format_tables(bench_calls.run(quick=quick)))


def _realtime(quick: bool) -> None:
    from bench import bench_realtime

    for event, what in bench_realtime.EVENTS.items():
        _header(f"Subscriptions: client CPU per event ({what})")
        print(bench_realtime.format_table(bench_realtime.run(quick=quick, event=event)))
    _header("Subscriptions: memory per idle subscription")
    print(bench_realtime.format_memory(bench_realtime.run_memory(quick=quick)))


def _events(quick: bool) -> None:
    from bench import bench_events

    _header("Event APIs: client CPU per event (about 300-byte events)")
    print(bench_events.format_table(bench_events.run(quick=quick)))


def _generate(quick: bool) -> None:
    from bench import bench_generate

    _header("Code generation: ours against plain ariadne-codegen")
    print(bench_generate.format_row(bench_generate.run(quick=quick)))


RUNNERS: dict[str, Callable[[bool], None]] = {
    "sigv4": _sigv4,
    "import": _import,
    "calls": _calls,
    "realtime": _realtime,
    "events": _events,
    "generate": _generate,
}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="small counts, for CI")
    parser.add_argument(
        "--only",
        default=None,
        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)}; "
        "with --quick, all but generate)",
    )
    args = parser.parse_args(argv)
    only = args.only
    if only is None:  # --quick (CI) leaves out code generation: half a minute alone
        only = ",".join(s for s in SECTIONS if not (args.quick and s == "generate"))
    chosen = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in RUNNERS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    print(f"appsync-typed benchmarks{' (quick)' if args.quick else ''}")
    print(machine())
    started = time.perf_counter()
    for name in chosen:
        RUNNERS[name](args.quick)
    print(f"\ndone in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
