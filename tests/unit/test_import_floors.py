"""The runtime's modules stand on floors: each imports only from its own floor or
below, never from the codegen package, and no import runs in a circle.

Every import counts, whether at the top of a module, inside a function (lazy) or
under ``TYPE_CHECKING``: an arrow that runs back up is a circle waiting to happen.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import appsync_runtime

PACKAGE = Path(appsync_runtime.__file__).parent

FLOORS: dict[str, int] = {
    # 0: errors and small value types, parsing and scrubbing of what crosses the wire
    "errors": 0,
    "unset": 0,
    "_redaction": 0,
    "_endpoints": 0,
    "_request": 0,
    "_response": 0,
    "_retry": 0,
    "_observe": 0,
    "model": 0,
    "scalars": 0,
    "_backoff": 0,
    "_realtime_types": 0,
    "_operation": 0,
    "_events": 0,
    "_useragent": 0,
    "_http1": 0,
    "_bodies": 0,
    "_deadlines": 0,
    # 1: credentials, signing, auth strategies, transports
    "_credentials": 1,
    "_sigv4": 1,
    "_auth": 1,
    "_iam": 1,
    "_transport": 1,
    "_pool": 1,
    "_options": 1,
    "_pages": 1,
    # 2: the call flow and the real-time core
    "_flow": 2,
    "_realtime_protocol": 2,
    "_graphql_ws": 2,
    "_events_ws": 2,
    "_realtime_auth": 2,
    "_subscription": 2,
    "_connection_failures": 2,
    "_connection": 2,
    "_connection_manager": 2,
    "_thread_driver": 2,
    "_seam": 2,
    "_otel": 2,
    # 3: the clients, and the users' test kit built on them
    "_client": 3,
    "_events_client": 3,
    "testing": 3,
    # 4: the package's re-exports
    "__init__": 4,
    "pytest_plugin": 4,
}


def _modules() -> dict[str, Path]:
    return {path.stem: path for path in sorted(PACKAGE.glob("*.py"))}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, target) for every import of an ``appsync_runtime`` module or of codegen
    in ``path``; ``target`` is the module's name inside the package."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level == 1:
                if base:
                    found.append((node.lineno, base.split(".")[0]))
                else:  # from . import x
                    found.extend((node.lineno, alias.name) for alias in node.names)
            elif node.level == 0 and base.split(".")[0] in ("appsync_runtime", "appsync_codegen"):
                parts = base.split(".")
                if parts[0] == "appsync_codegen":
                    found.append((node.lineno, "appsync_codegen"))
                elif len(parts) > 1:
                    found.append((node.lineno, parts[1]))
                else:
                    found.append((node.lineno, "__init__"))
            elif node.level > 1:
                found.append((node.lineno, "<outside the package>"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "appsync_codegen":
                    found.append((node.lineno, "appsync_codegen"))
                elif parts[0] == "appsync_runtime":
                    found.append((node.lineno, parts[1] if len(parts) > 1 else "__init__"))
    return found


def _graph() -> dict[str, set[str]]:
    return {
        name: {target for _, target in _imports(path) if target != name}
        for name, path in _modules().items()
    }


def test_every_module_has_a_floor() -> None:
    missing = sorted(set(_modules()) - set(FLOORS))
    stale = sorted(set(FLOORS) - set(_modules()))
    assert not missing, f"give these runtime modules a floor in FLOORS: {missing}"
    assert not stale, f"FLOORS names modules that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_imports_go_down_or_sideways_only(name: str) -> None:
    path = _modules()[name]
    wrong = []
    for line, target in _imports(path):
        if target == "appsync_codegen" or target not in FLOORS:
            wrong.append(f"{path.name}:{line} imports {target}, which is not a runtime module")
        elif FLOORS[target] > FLOORS[name]:
            wrong.append(
                f"{path.name}:{line} (floor {FLOORS[name]}) imports {target} "
                f"(floor {FLOORS[target]})"
            )
    assert not wrong, "\n".join(wrong)


def test_no_import_runs_in_a_circle() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: being visited, 2: done
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and target in graph:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state:
            cycle = visit(name)
            assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_the_checker_sees_an_upward_and_a_circular_import(tmp_path: Path) -> None:
    """The parser behind these tests finds each form of import (so the tests above
    can fail)."""
    source = tmp_path / "probe.py"
    source.write_text(
        "from . import errors\n"
        "from ._client import AppSyncClient\n"
        "import appsync_runtime.realtime\n"
        "from appsync_runtime._flow import call_flow\n"
        "from appsync_codegen import cli\n"
        "def lazy():\n"
        "    from .testing import FakeTransport\n",
        encoding="utf-8",
    )
    assert [target for _, target in _imports(source)] == [
        "errors",
        "_client",
        "realtime",
        "_flow",
        "appsync_codegen",
        "testing",
    ]
