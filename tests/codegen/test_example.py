"""The committed example client: reproducible from its schema, typed, lint-clean, light.

``mypy --strict`` and strict ``pyright`` on it run in ``make typecheck``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from appsync_codegen.generate import generate

from .conftest import EXAMPLE, REPO, package_files, tool

PACKAGE = EXAMPLE / "example_client"

pytestmark = pytest.mark.skipif(
    not (EXAMPLE / "schema.graphql").exists(),
    reason="example_schema/schema.graphql not written yet",
)


def test_regenerating_reproduces_the_committed_package(tmp_path: Path) -> None:
    result = generate(EXAMPLE / "pyproject.toml", target_package_path=tmp_path)
    fresh = package_files(result.package_path)
    committed = package_files(PACKAGE)
    assert sorted(fresh) == sorted(committed)
    for name, content in fresh.items():
        assert content == committed[name], f"{name} differs: run `make generate`"


def test_example_passes_the_repository_ruff_config() -> None:
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [tool("ruff"), *command, "--no-cache", str(PACKAGE.relative_to(REPO))],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_importing_the_sync_client_stays_light() -> None:
    code = (
        "import sys, example_client\n"
        "example_client.Client\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'aiohttp', 'botocore', 'graphql', 'ariadne_codegen', 'appsync_codegen'})\n"
        "assert not heavy, heavy\n"
        "assert 'example_client.get_note' not in sys.modules\n"
        "assert 'example_client._operations' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=EXAMPLE, check=True)
