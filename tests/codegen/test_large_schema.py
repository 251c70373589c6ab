"""A package for a large schema imports without building, or even importing, every model."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from appsync_codegen.generate import generate
from scripts.make_large_schema import PACKAGE, make_large_schema

from .conftest import REPO

URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"


@pytest.fixture(scope="session")
def large_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The large synthetic schema's package, generated once per session."""
    root = tmp_path_factory.mktemp("large")
    make_large_schema(root)
    result = generate(root / "pyproject.toml")
    assert not [w for w in result.warnings if "auth modes" in w.message]
    return result.package_path


def _model_classes(package: Path) -> int:
    """Pydantic models the package defines (every class but clients and enums)."""
    count = 0
    skipped = {"client.py", "async_client.py", "base_client.py", "async_base_client.py"}
    for path in package.glob("*.py"):
        if path.name in skipped or path.name in {"enums.py", "_operations.py", "base_model.py"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        count += sum(isinstance(node, ast.ClassDef) for node in tree.body)
    return count


def test_the_synthetic_schema_is_large(large_package: Path) -> None:
    schema = (large_package.parent / "schema.graphql").read_text(encoding="utf-8")
    assert schema.count("\ntype Entity") >= 300
    assert schema.count("\ninput ") >= 100
    for scalar in ("AWSDateTime", "AWSDate", "AWSTime", "AWSTimestamp", "AWSJSON", "AWSEmail"):
        assert scalar in schema
    operations = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import {PACKAGE} as p, json; print(json.dumps(len(p.OPERATIONS)))",
            ],
            cwd=large_package.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert operations >= 300


def test_import_and_one_call_build_a_small_fraction(large_package: Path) -> None:
    sample = json.loads((large_package.parent / "sample.json").read_text(encoding="utf-8"))
    code = f"""
import json, sys
import pydantic
from {PACKAGE} import Client
after_import = sorted(sys.modules)
heavy = sorted({{m.split(".")[0] for m in after_import}} & {{
    "aiohttp", "botocore", "graphql", "ariadne_codegen", "appsync_codegen"}})
operation_modules = [m for m in after_import if m.startswith("{PACKAGE}.get_")]
import httpx
from appsync_runtime import ApiKeyAuth
sample = {sample!r}
http = httpx.Client(transport=httpx.MockTransport(
    lambda request: httpx.Response(200, json=sample["response"])))
client = Client({URL!r}, auth=ApiKeyAuth("da2-test"), http_client=http)
result = getattr(client, sample["method"])(**sample["arguments"])
models = [
    value
    for name, module in list(sys.modules.items())
    if name.startswith("{PACKAGE}.")
    for value in vars(module).values()
    if isinstance(value, type) and issubclass(value, pydantic.BaseModel)
    and value.__module__ == name
]
print(json.dumps({{
    "heavy": heavy,
    "operation_modules": operation_modules,
    "result": type(result).__name__,
    "loaded": len(models),
    "built": sum(bool(model.__pydantic_complete__) for model in models),
    "modules": sorted(m for m in sys.modules if m.startswith("{PACKAGE}.")),
}}))
"""
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=large_package.parent,
        capture_output=True,
        text=True,
        check=False,
        env=None,
    )
    assert completed.returncode == 0, completed.stderr
    found = json.loads(completed.stdout)
    assert found["heavy"] == []
    assert found["operation_modules"] == []  # importing Client imports no operation
    assert found["result"] == sample["operation"]
    total = _model_classes(large_package)
    assert total > 1000
    # the call's result models only (validated through the runtime's one-pass JSON
    # envelope, which builds its own schema, so these may even be none)
    assert found["loaded"] > 0 and found["built"] <= 10, found
    assert found["loaded"] <= total // 50, (found, total)
    assert f"{PACKAGE}.input_types" not in found["modules"]
    assert f"{PACKAGE}.fragments" not in found["modules"]


def test_the_bench_script_is_importable() -> None:
    """bench/bench_import.py exposes run(quick) for a combined benchmark command."""
    completed = subprocess.run(
        [sys.executable, "-c", "from bench.bench_import import run, format_table; print(run)"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
