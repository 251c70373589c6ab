"""Code generation time: ours against plain ariadne-codegen, and where ours goes.

``python bench/bench_generate.py [--runs 3] [--quick]`` writes the large synthetic
schema (``scripts/make_large_schema.py``: 300 object types, 100 inputs, 300
operations) and a plain ariadne-codegen project on the same files (the AppSync
prelude as a second schema file, its defaults otherwise), then:

1. runs ``appsync-codegen generate`` and plain ``ariadne-codegen``, each as a user
   would (a fresh process from the command line), round-robin, and prints the
   medians and the median of the per-round ratios (ours: self-check included);
   (wall clock, and CPU time of the command with its children: ruff, the
   self-check's interpreter);
2. profiles one in-process ``generate()`` by phase, wall and CPU (schema and
   operations loading, the ariadne-codegen pass with our plugin's hooks, docstring
   wrapping, ruff, the wait for the self-check's fresh interpreters, which start
   with generation and check while the manifest and notes are made; two share the
   modules when a second CPU is free, see ``appsync_codegen.selfcheck.Probe``).

:func:`run` returns the rows for ``python -m bench``. Figures only: nothing here
fails on a time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
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
    """Median of the per-round ratios ours / plain (wall clock)."""
    runs: int
    phases: tuple[tuple[str, float, float], ...]
    """Ours by phase, one in-process run: name, wall seconds, CPU seconds."""
    ours_cpu_s: float = 0.0
    plain_cpu_s: float = 0.0
    cpu_ratio: float = 0.0
    """Median of the per-round ratios of CPU time (the command and its children)."""


@dataclass(frozen=True)
class _Phase:
    name: str
    owner: Any
    attribute: str


def _phases() -> list[_Phase]:
    """What the in-process profile times; nested phases are subtracted from the
    phase holding them (wrapping inside ``_format``, ruff inside ariadne's pass)."""
    from ariadne_codegen.client_generators import package as ariadne_package

    from appsync_codegen import plugin, selfcheck

    return [
        _Phase("load schema: parse, build, validate", generation, "parse_files"),
        _Phase("load schema: parse, build, validate", generation, "schema_from_document"),
        _Phase("load operations: parse, validate", generation, "load_operations"),
        _Phase("auth-mode analysis", generation._Run, "_analyse_auth"),  # pyright: ignore[reportPrivateUsage]
        _Phase("docstring wrapping (plugin hooks)", plugin, "rewrap_docstrings"),
        _Phase("docstring wrapping (plugin hooks)", generation, "rewrap_docstrings"),
        _Phase("ruff in ariadne-codegen's pass (subprocesses)", ariadne_package, "format_many"),
        _Phase("ruff: our formatting pass (subprocesses)", generation, "_format"),
        _Phase(
            "manifest, notes, editor files (while the check runs)", generation, "build_manifest"
        ),
        _Phase("manifest, notes, editor files (while the check runs)", generation, "editor_files"),
        _Phase(
            "self-check: relative imports (here, while it imports)",
            selfcheck,
            "relative_imports",
        ),
        _Phase("self-check: waiting for the fresh interpreters", selfcheck.Probe, "result"),
        _Phase("install into the target package", generation, "_install"),
    ]


def _profile_phases(config: Path) -> tuple[tuple[str, float, float], ...]:
    """Wall and CPU seconds of one in-process ``generate()`` by phase; the rest is the
    ariadne-codegen pass with the plugin's hooks (less the wrapping and ruff above).
    CPU is this process's; the children's (ruff, the self-check's interpreter) is a
    row of its own."""
    from appsync_codegen import docstrings

    phases = _phases()
    spent: dict[str, list[float]] = {phase.name: [0.0, 0.0] for phase in phases}
    stack: list[list[float]] = []  # per active call: time its nested calls took

    patches = []
    for phase in phases:
        original = getattr(phase.owner, phase.attribute)

        def timed(
            *args: Any, _original: Any = original, _name: str = phase.name, **kwargs: Any
        ) -> Any:
            stack.append([0.0, 0.0])
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                nested = stack.pop()
                spent[_name][0] += wall - nested[0]
                spent[_name][1] += cpu - nested[1]
                if stack:
                    stack[-1][0] += wall
                    stack[-1][1] += cpu

        patches.append(mock.patch.object(phase.owner, phase.attribute, timed))
    docstrings._DONE.clear()  # pyright: ignore[reportPrivateUsage]  # as in a fresh process
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.ExitStack() as stack_of_patches:
        for patch in patches:
            stack_of_patches.enter_context(patch)
        generation.generate(config)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    rest = (wall - sum(w for w, _ in spent.values()), cpu - sum(c for _, c in spent.values()))
    return (
        *((name, w, c) for name, (w, c) in spent.items()),
        ("ariadne-codegen's pass with the plugin's hooks (the rest)", *rest),
        ("children's CPU: ruff and the self-check's interpreter", 0.0, children_cpu),
        ("total", wall, cpu + children_cpu),
    )


def _command(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else name


def _timed_run(step: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (of the children: the command and its own) of ``step``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    step()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
        times: dict[str, list[tuple[float, float]]] = {"ours": [], "plain": []}
        for _ in range(count):
            for name, step in (("ours", ours), ("plain", plain)):
                times[name].append(_timed_run(step))
        phases = _profile_phases(root / "ours" / "pyproject.toml")
    pairs = list(zip(times["ours"], times["plain"], strict=True))
    return GenerateRow(
        ours_s=statistics.median(wall for wall, _ in times["ours"]),
        plain_s=statistics.median(wall for wall, _ in times["plain"]),
        ratio=statistics.median(a[0] / b[0] for a, b in pairs),
        runs=count,
        phases=phases,
        ours_cpu_s=statistics.median(cpu for _, cpu in times["ours"]),
        plain_cpu_s=statistics.median(cpu for _, cpu in times["plain"]),
        cpu_ratio=statistics.median(a[1] / b[1] for a, b in pairs),
    )


def format_row(row: GenerateRow) -> str:
    """The comparison, the target, and the phase profile."""
    verdict = "met" if row.ratio <= 1.2 else "missed"
    lines = [
        f"large schema (300 object types, 100 inputs, 300 operations), {row.runs} "
        "command-line runs each, round-robin (medians):",
        f"{'':<52} {'wall s':>8} {'CPU s':>8}",
        f"  {'ours: appsync-codegen generate (self-check incl.)':<50} "
        f"{row.ours_s:8.2f} {row.ours_cpu_s:8.2f}",
        f"  {'plain ariadne-codegen':<50} {row.plain_s:8.2f} {row.plain_cpu_s:8.2f}",
        f"  {'ours / plain (median of per-round ratios)':<50} "
        f"{row.ratio:7.2f}x {row.cpu_ratio:7.2f}x",
        f"  target: ours <= 1.2x plain (wall clock): {row.ratio:.2f}x ({verdict})",
        "ours, one in-process generate() by phase:",
        f"  {'phase':<58} {'wall s':>7} {'CPU s':>7}",
    ]
    lines += [
        f"  {name:<58} {wall:7.2f} {cpu:7.2f}" if wall else f"  {name:<58} {'':>7} {cpu:7.2f}"
        for name, wall, cpu in row.phases
    ]
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
    from appsync_codegen.selfcheck import Probe

    # Not waiting for the verdict: the interpreter is stopped unheard.
    with mock.patch.object(Probe, "result", return_value=[]):
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
