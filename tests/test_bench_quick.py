"""``python -m bench --quick`` runs to the end and prints every table.

It only checks that the benchmarks work (exit status 0, each section's header and
table header printed), never a figure: timings on a shared CI machine mean nothing.
Left out of the default run (``addopts``); ``make bench-smoke`` runs it (CI too).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.bench


def test_bench_quick_runs_and_prints_every_table() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,  # a hang guard: --quick takes 30 to 60 s on a shared 2-core machine
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    out = done.stdout
    for header in (
        "== SigV4 signing: microseconds per signature ==",
        "== Import time ==",
        "== Typed calls, IAM: client CPU per call and calls per second ==",
        "== Subscriptions: client CPU per event",
        "== Subscriptions: memory per idle subscription ==",
        "== Event APIs: client CPU per event",
    ):
        assert header in out, f"missing {header!r} in:\n{out[-3000:]}"
    for mode in ("[sync]", "[async c=1]", "[async c=10]", "[async c=100]"):
        assert mode in out
    assert "calls/s  CPU us/call  x ours  x floor" in out
    assert "CPU us/event  events/CPU s" in out
    assert "signer" in out and "median us" in out
    assert "REJECTED" not in out, "the server refused a signature"
