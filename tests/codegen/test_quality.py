"""Generated code for awkward schemas: Python keywords, deprecations; strict mypy and pyright."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from appsync_codegen.generate import generate
from appsync_runtime import ApiKeyAuth

from .conftest import AUTH_OPTIONS, EXAMPLE, make_project, tool

PACKAGE = "awkward_client"
URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"

SCHEMA = """
"Values named like Python keywords and constants."
enum Flag {
  None
  True
  async
  in
  OK
}

type Thing @aws_api_key @aws_iam {
  from: String
  class: Int!
  import: Flag
  "Old name."
  old: String @deprecated(reason: "Use `class`.")
  rank: Int! @deprecated(reason: "Ranks are gone.")
}

input ThingInput {
  from: String
  class: Int
  flag: Flag = None
  "Old input."
  old: String @deprecated(reason: "Send `class`.")
}

type Query @aws_api_key @aws_iam {
  thing(in: ThingInput, class: Int): Thing
}
"""

OPERATIONS = {
    "q.graphql": (
        "query Get($in: ThingInput, $class: Int) {\n"
        "  thing(in: $in, class: $class) { from class import old rank }\n"
        "}\n"
    )
}

USER_CODE = """
from awkward_client import Client, Flag, ThingInput


def use(client: Client) -> int:
    thing = client.get(in_=ThingInput(from_="x", class_=1, flag=Flag.async_)).thing
    assert thing is not None
    assert thing.from_ and thing.import_ is Flag.None_
    return thing.class_


def stale(client: Client) -> None:
    thing = client.get().thing
    assert thing is not None
    print(thing.old)
    print(thing.rank)
"""


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("awkward")
    config = make_project(
        root, schema=SCHEMA, operations=OPERATIONS, appsync=AUTH_OPTIONS, package=PACKAGE
    )
    generate(config)
    return root / PACKAGE


@pytest.fixture(scope="module")
def awkward_module(awkward: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(awkward.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(awkward.parent))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_keywords_round_trip(awkward_module: ModuleType) -> None:
    flag = awkward_module.Flag
    assert [member.value for member in flag] == ["None", "True", "async", "in", "OK"]
    seen: list[bytes] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        thing = {"from": "a", "class": 2, "import": "in", "old": "o", "rank": 3}
        return httpx.Response(200, json={"data": {"thing": thing}})

    http = httpx.Client(transport=httpx.MockTransport(respond))
    client = awkward_module.Client(URL, auth=ApiKeyAuth("da2-test"), http_client=http)
    sent = awkward_module.ThingInput(from_="x", class_=1, flag=flag.True_)
    thing = client.get(in_=sent, class_=5).thing
    assert (thing.from_, thing.class_, thing.import_) == ("a", 2, flag.in_)
    variables = json.loads(seen[0])["variables"]
    assert variables == {"in": {"from": "x", "class": 1, "flag": "True"}, "class": 5}
    assert awkward_module.ThingInput().flag is flag.None_


def test_deprecated_fields_warn_when_read(awkward_module: ModuleType) -> None:
    model = awkward_module.GetThing.model_validate(
        {"from": None, "class": 1, "import": None, "old": "o", "rank": 3}
    )
    with pytest.warns(DeprecationWarning, match="Use `class`"):
        assert model.old == "o"
    with pytest.warns(DeprecationWarning, match="Ranks are gone"):
        assert model.rank == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model.class_ == 1
        assert model.model_dump(by_alias=True)["rank"] == 3
    fields = awkward_module.ThingInput.model_fields
    assert fields["old"].deprecated == "Send `class`."


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def user_code(awkward: Path) -> Path:
    """``USER_CODE`` written beside the awkward package."""
    path = awkward.parent / "user_code.py"
    path.write_text(USER_CODE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def awkward_pyright(awkward: Path, user_code: Path) -> list[dict[str, Any]]:
    """One strict pyright run over the awkward package and the user code: its diagnostics."""
    if _pyright() is None:
        pytest.skip("pyright is not installed (dev extra)")
    result = _pyright_strict(awkward.parent, ["--outputjson", user_code.name, PACKAGE])
    try:
        report = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"pyright did not run: {result.stdout}{result.stderr}", pytrace=False)
    assert report["summary"]["filesAnalyzed"] > len(list(awkward.glob("*.py"))), report
    diagnostics: list[dict[str, Any]] = report["generalDiagnostics"]
    return diagnostics


def test_deprecated_fields_are_flagged_by_type_checkers(
    request: pytest.FixtureRequest, awkward: Path, user_code: Path
) -> None:
    stale = USER_CODE.splitlines().index("def stale(client: Client) -> None:") + 1
    result = _run(
        [
            tool("mypy"),
            *("--strict", "--no-incremental", "--enable-error-code", "deprecated"),
            *("user_code.py", PACKAGE),
        ],
        awkward.parent,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in errors] == [stale + 3, stale + 4], result.stdout
    assert all("is deprecated" in line for line in errors)
    if _pyright() is not None:
        diagnostics: list[dict[str, Any]] = request.getfixturevalue("awkward_pyright")
        errors = [d for d in diagnostics if d["severity"] == "error"]
        assert len(errors) == 2, errors
        assert all(d.get("rule") == "reportDeprecated" for d in errors), errors
        assert {Path(d["file"]).name for d in errors} == {user_code.name}, errors


def _pyright() -> str | None:
    found = Path(sys.executable).parent / "pyright"
    return str(found) if found.exists() else shutil.which("pyright")


def _pyright_strict(cwd: Path, targets: list[str]) -> subprocess.CompletedProcess[str]:
    """pyright in strict mode (deprecations as errors), its config kept out of ``cwd``."""
    pyright = _pyright()
    assert pyright is not None
    settings = {
        "typeCheckingMode": "strict",
        "reportDeprecated": "error",
        "pythonVersion": "3.10",
        "extraPaths": [str(cwd)],
    }
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "pyrightconfig.json"
        config.write_text(json.dumps(settings), encoding="utf-8")
        return _run([pyright, "-p", str(config), "--pythonpath", sys.executable, *targets], cwd)


@pytest.mark.skipif(_pyright() is None, reason="pyright is not installed (dev extra)")
def test_example_passes_pyright_strict() -> None:
    result = _pyright_strict(EXAMPLE, ["example_client"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_awkward_package_passes_pyright_strict(
    awkward: Path, awkward_pyright: list[dict[str, Any]]
) -> None:
    package = awkward.resolve()
    in_package = [d for d in awkward_pyright if package in Path(d["file"]).resolve().parents]
    assert [d for d in in_package if d["severity"] == "error"] == [], in_package
