"""Cold-import cost of a generated client for a large schema: ours against ariadne-codegen's.

Run ``python bench/bench_import.py [--quick] [--runs N]``. In a temporary folder it
writes the large synthetic AppSync schema of ``scripts/make_large_schema.py``
(300 object types, 100 inputs, 300 operations; ``--quick``: a fifth of that) and
generates two packages from it:

* **ours**: ``appsync-codegen`` with its defaults (lazy package ``__init__``,
  per-operation modules imported by the method that needs them, deferred model
  builds, the appsync_runtime base clients);
* **ariadne**: plain ``ariadne-codegen`` with its own defaults, no plugin (the
  AppSync prelude given through ``schema_paths``, as plain ariadne cannot parse
  AppSync's undeclared scalars). Its default client is async, so its typed call
  runs under ``asyncio.run``.

Then, each in a fresh interpreter (bytecode cached beforehand, one warm-up run
not counted, the median of ``--runs`` runs, round-robin so drift hits each alike),
it times in-process:

* (a) ``from pkg import Client``;
* (b) (a), plus building the client on an ``httpx.MockTransport`` (``http_client=``)
  and one typed call parsed from a canned response;
* (c) the baseline, ``import pydantic, httpx``;
* (r) ``import appsync_runtime`` alone: the floor under ours, to tell the
  generated package's own cost from the runtime's.

and prints a table with each median and its ratio to (c). Targets for ours: at
most 1.3x for (a) and 1.5x for (b). :func:`run` returns the rows for a combined
benchmark command; it never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.make_large_schema import PACKAGE, Sample, make_large_schema  # noqa: E402

__all__ = ["Row", "format_table", "main", "run"]

PLAIN_PACKAGE = "plain_client"
URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"
TARGETS = {"a": 1.3, "b": 1.5}

BASELINE = "import pydantic, httpx"
RUNTIME = "import appsync_runtime"
IMPORT_OURS = f"from {PACKAGE} import Client"
CALL_OURS = f"""
from {PACKAGE} import Client
import httpx
from appsync_runtime import ApiKeyAuth
reply = httpx.Response(200, json=SAMPLE["response"])
http = httpx.Client(transport=httpx.MockTransport(lambda request: reply))
client = Client({URL!r}, auth=ApiKeyAuth("da2-bench"), http_client=http)
result = getattr(client, SAMPLE["method"])(**SAMPLE["arguments"])
assert type(result).__name__ == SAMPLE["operation"]
"""
IMPORT_PLAIN = f"from {PLAIN_PACKAGE} import Client"
CALL_PLAIN = f"""
from {PLAIN_PACKAGE} import Client
import asyncio
import httpx
reply = httpx.Response(200, json=SAMPLE["response"])
http = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: reply))
client = Client(url={URL!r}, headers={{"x-api-key": "da2-bench"}}, http_client=http)
result = asyncio.run(getattr(client, SAMPLE["method"])(**SAMPLE["arguments"]))
assert type(result).__name__ == SAMPLE["operation"]
"""
# The child: load the sample (untimed), then time the snippet in-process.
CHILD = """
import json, sys, time
SAMPLE = json.loads(sys.argv[1])
started = time.perf_counter()
exec(compile(sys.argv[2], "<bench>", "exec"))
print((time.perf_counter() - started) * 1000)
"""


@dataclass(frozen=True)
class Row:
    """One measurement: median milliseconds and the ratio to the baseline (c)."""

    generator: str
    case: str
    median_ms: float
    ratio: float
    runs: int


def run(quick: bool = False, runs: int | None = None) -> list[Row]:
    """Generate both packages into a temporary folder and time the cold imports."""
    count = runs or (3 if quick else 7)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        root = Path(scratch)
        sizes = {"types": 60, "inputs": 20, "operations": 60} if quick else {}
        sample = make_large_schema(root / "ours", **sizes)
        _generate_ours(root / "ours")
        _generate_plain(root / "ours", root / "plain")
        snippets = {
            ("baseline", "c"): (BASELINE, root),
            ("runtime", "r"): (RUNTIME, root),
            ("ours", "a"): (IMPORT_OURS, root / "ours"),
            ("ours", "b"): (CALL_OURS, root / "ours"),
            ("ariadne", "a"): (IMPORT_PLAIN, root / "plain"),
            ("ariadne", "b"): (CALL_PLAIN, root / "plain"),
        }
        env = _child_env(root / "pycache")
        timings: dict[tuple[str, str], list[float]] = {key: [] for key in snippets}
        for attempt in range(count + 1):  # the first round writes bytecode: not counted
            for key, (code, cwd) in snippets.items():
                elapsed = _time_child(code, cwd, sample, env)
                if attempt:
                    timings[key].append(elapsed)
    baseline = statistics.median(timings[("baseline", "c")])
    return [
        Row(generator, case, statistics.median(values), statistics.median(values) / baseline, count)
        for (generator, case), values in timings.items()
    ]


def _generate_ours(folder: Path) -> None:
    from appsync_codegen.generate import generate

    generate(folder / "pyproject.toml")


def _generate_plain(source: Path, folder: Path) -> None:
    """Plain ariadne-codegen, its defaults, on a copy of the same schema and operations."""
    from appsync_codegen.prelude import PRELUDE_PATH

    folder.mkdir()
    (folder / "schema.graphql").write_bytes((source / "schema.graphql").read_bytes())
    (folder / "operations").mkdir()
    for file in (source / "operations").iterdir():
        (folder / "operations" / file.name).write_bytes(file.read_bytes())
    (folder / "pyproject.toml").write_text(
        "[tool.ariadne-codegen]\n"
        f'schema_paths = ["{PRELUDE_PATH.as_posix()}", "schema.graphql"]\n'
        'queries_path = "operations"\n'
        f'target_package_name = "{PLAIN_PACKAGE}"\n',
        encoding="utf-8",
    )
    command = Path(sys.executable).with_name("ariadne-codegen")
    subprocess.run(
        [str(command) if command.exists() else "ariadne-codegen"],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def _child_env(pycache: Path) -> dict[str, str]:
    """Bytecode cached (under ``pycache``, leaving the sources alone) and nothing else."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _time_child(code: str, cwd: Path, sample: Sample, env: dict[str, str]) -> float:
    env = {**env, "PYTHONPATH": os.pathsep.join([str(cwd), str(REPO / "runtime")])}
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(sample.__dict__), code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{code}\n{completed.stderr}")
    return float(completed.stdout.strip().splitlines()[-1])


CASES = {
    "a": "from pkg import Client",
    "b": "(a) + one typed call",
    "c": "import pydantic, httpx",
    "r": "import appsync_runtime",
}


def format_table(rows: list[Row]) -> str:
    """The rows as a text table, with the targets for ours."""
    lines = [
        f"{'generator':<10} {'case':<28} {'median ms':>10} {'x baseline':>11}  target",
        "-" * 70,
    ]
    for row in rows:
        target = TARGETS.get(row.case) if row.generator == "ours" else None
        verdict = ""
        if target is not None:
            verdict = f"<= {target}x " + ("met" if row.ratio <= target else "MISSED")
        case = f"({row.case}) {CASES[row.case]}"
        lines.append(
            f"{row.generator:<10} {case:<28} {row.median_ms:>10.1f} {row.ratio:>10.2f}x  {verdict}"
        )
    runs = rows[0].runs if rows else 0
    lines.append(f"median of {runs} fresh interpreters each, bytecode cached")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller schema, 3 runs")
    parser.add_argument("--runs", type=int, help="runs per case (default 7, quick 3)")
    options = parser.parse_args(argv)
    print(format_table(run(options.quick, options.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
