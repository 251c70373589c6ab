"""Code generation time: ours against plain ariadne-codegen, and where ours goes.

``python bench/bench_generate.py [--runs 3] [--quick]`` writes the large synthetic
schema (``scripts/make_large_schema.py``: 300 object types, 100 inputs, 300
operations) and a plain ariadne-codegen project on the same files (the AppSync
prelude as a second schema file, its defaults otherwise), then:

1. runs ``appsync-codegen generate`` and plain ``ariadne-codegen``, each as a user
   would (a fresh process from the command line), round-robin, and prints the
   medians and the median of the per-round ratios (ours: self-check included);
2. profiles one in-process ``generate()`` by phase (schema and operations loading,
   the ariadne-codegen pass with our plugin's hooks, docstring wrapping, ruff, the
   self-check in a fresh interpreter).

:func:`run` returns the rows for ``python -m bench``. Figures only: nothing here
fails on a time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from appsync_codegen import generate as generation  # noqa: E402
from scripts.make_large_schema import make_large_schema  # noqa: E402


@dataclass(frozen=True)
class GenerateRow:
    """Generation of the large schema: medians of command-line runs and a profile."""

    ours_s: float
    plain_s: float
    ratio: float
    """Median of the per-round ratios ours / plain."""
    runs: int
    phases: tuple[tuple[str, float], ...]
    """In-process seconds of ours by phase (one run)."""


_PHASES = {
    "load schema": ("load_schema", None),
    "load operations": ("load_operations", None),
    "docstring wrapping": ("rewrap_docstrings", "plugin"),
    "ruff check --fix + format (subprocess)": ("_format", None),
    "self-check in a fresh interpreter (subprocess)": ("check_package", None),
}


def _profile_phases(config: Path) -> tuple[tuple[str, float], ...]:
    """Seconds of one in-process ``generate()`` by phase; the rest is the
    ariadne-codegen pass with the plugin's hooks (less the wrapping above)."""
    from appsync_codegen import docstrings, plugin

    spent: dict[str, float] = dict.fromkeys(_PHASES, 0.0)
    patches = []
    for phase, (name, where) in _PHASES.items():
        module: Any = plugin if where == "plugin" else generation
        original = getattr(module, name)

        def timed(*args: Any, _original: Any = original, _phase: str = phase, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_phase] += time.perf_counter() - started

        patches.append(mock.patch.object(module, name, timed))
        if name == "rewrap_docstrings":  # generate.py's own second pass too
            patches.append(mock.patch.object(generation, name, timed))
    docstrings._DONE.clear()  # pyright: ignore[reportPrivateUsage]  # as in a fresh process
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        generation.generate(config)
    total = time.perf_counter() - started
    rest = total - sum(spent.values())
    return (
        *spent.items(),
        ("ariadne-codegen pass with the plugin's hooks (the rest)", rest),
        ("total", total),
    )


def _command(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else name


def run(quick: bool = False, runs: int | None = None) -> GenerateRow:
    """Ours against plain ariadne-codegen on the large schema, and ours by phase."""
    from bench.bench_import import _generate_plain  # pyright: ignore[reportPrivateUsage]

    count = runs or (2 if quick else 5)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_large_schema(root / "ours")
        _generate_plain(root / "ours", root / "plain")  # also the warm-up of plain

        def ours() -> object:
            return subprocess.run(
                [_command("appsync-codegen"), "generate"],
                cwd=root / "ours",
                check=True,
                capture_output=True,
                env=env,
            )

        def plain() -> object:
            return subprocess.run(
                [_command("ariadne-codegen")],
                cwd=root / "plain",
                check=True,
                capture_output=True,
                env=env,
            )

        ours()  # warm-up: bytecode, ruff's first start
        times: dict[str, list[float]] = {"ours": [], "plain": []}
        for _ in range(count):
            for name, step in (("ours", ours), ("plain", plain)):
                started = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - started)
        phases = _profile_phases(root / "ours" / "pyproject.toml")
    pairs = zip(times["ours"], times["plain"], strict=True)
    return GenerateRow(
        ours_s=statistics.median(times["ours"]),
        plain_s=statistics.median(times["plain"]),
        ratio=statistics.median(a / b for a, b in pairs),
        runs=count,
        phases=phases,
    )


def format_row(row: GenerateRow) -> str:
    """The comparison, the target, and the phase profile."""
    verdict = "met" if row.ratio <= 1.2 else "missed"
    lines = [
        f"large schema (300 object types, 100 inputs, 300 operations), {row.runs} "
        "command-line runs each, round-robin:",
        f"  ours: appsync-codegen generate (self-check included)  {row.ours_s:6.2f} s",
        f"  plain ariadne-codegen                                 {row.plain_s:6.2f} s",
        f"  target: ours <= 1.2x plain: {row.ratio:.2f}x ({verdict})",
        "ours, one in-process generate() by phase:",
    ]
    lines += [f"  {name:<52} {seconds:6.2f} s" for name, seconds in row.phases]
    return "\n".join(lines)


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
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="2 runs each")
    parser.add_argument(
        "--check-cost", action="store_true", help="the self-check's cost alone, in-process"
    )
    options = parser.parse_args(argv)
    if not options.check_cost:
        print(format_row(run(options.quick, options.runs)))
        return 0
    options.runs = options.runs or 3
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
