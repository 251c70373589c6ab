"""What the package check costs ``appsync-codegen generate``.

``python bench/bench_generate.py [--runs 3]`` generates the example client and the
large synthetic schema (``scripts/make_large_schema.py``: 300 types, 100 inputs, 300
operations) in-process, each several times with the check that proves the package
before it is written and with that check switched off, and prints the medians.
Figures only: nothing here fails on a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from appsync_codegen import generate as generation  # noqa: E402
from scripts.make_large_schema import make_large_schema  # noqa: E402


def _median_seconds(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _measure(name: str, config: Path, output: Path, runs: int) -> tuple[str, float, float]:
    def once() -> object:
        return generation.generate(config, target_package_path=output)

    once()  # warm: imports, ruff's first start
    checked = _median_seconds(once, runs)
    with mock.patch.object(generation, "check_package", return_value=[]):
        unchecked = _median_seconds(once, runs)
    return name, unchecked, checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        out.mkdir()
        rows.append(
            _measure("example", REPO / "example_schema" / "pyproject.toml", out, options.runs)
        )
        large = Path(folder) / "large"
        make_large_schema(large)
        rows.append(
            _measure(
                "large (300 types, 300 operations)", large / "pyproject.toml", out, options.runs
            )
        )
    print(f"median of {options.runs} in-process runs of generate()")
    print(f"{'schema':<36} {'no check s':>10} {'check s':>8} {'check alone s':>14}")
    for name, unchecked, checked in rows:
        print(f"{name:<36} {unchecked:>10.2f} {checked:>8.2f} {checked - unchecked:>14.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
