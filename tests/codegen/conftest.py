"""Shared pieces of the codegen tests: a fixture project, the CLI, generated packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = REPO / "example_schema"
PACKAGE = "fixture_client"
AUTH_OPTIONS = (
    'default_auth_mode = "API_KEY"\n'
    'additional_auth_modes = ["AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT"]\n'
)
"""The fixture API's auth setup, for ``make_project(appsync=...)``."""


def make_project(
    root: Path,
    *,
    schema: str | None = None,
    operations: dict[str, str] | None = None,
    config: str = "",
    appsync: str = "",
    package: str = PACKAGE,
) -> Path:
    """A codegen project in ``root`` (the fixture schema and operations unless given).

    Returns the path of its ``pyproject.toml``.
    """
    root.mkdir(parents=True, exist_ok=True)
    if schema is None:
        shutil.copy(FIXTURES / "schema.graphql", root / "schema.graphql")
    else:
        (root / "schema.graphql").write_text(schema, encoding="utf-8")
    ops = root / "operations"
    if operations is None:
        shutil.copytree(FIXTURES / "operations", ops, dirs_exist_ok=True)
    else:
        ops.mkdir(exist_ok=True)
        for name, text in operations.items():
            (ops / name).write_text(text, encoding="utf-8")
    path = root / "pyproject.toml"
    path.write_text(
        "[tool.ariadne-codegen]\n"
        'schema_path = "schema.graphql"\n'
        'queries_path = "operations"\n'
        f'target_package_name = "{package}"\n'
        f"{config}\n"
        "[tool.ariadne-codegen.appsync]\n"
        f"{appsync}\n",
        encoding="utf-8",
    )
    return path


def run_cli(
    args: Sequence[str], cwd: Path, *, preamble: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``appsync-codegen ARGS`` in a fresh interpreter (``preamble`` runs first)."""
    code = (
        f"{preamble}\nimport sys\nfrom appsync_codegen.cli import main\n"
        f"sys.exit(main({list(args)!r}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=120,
    )


def tool(name: str) -> str:
    """A console script of this environment (mypy, ruff, ariadne-codegen)."""
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else name


def package_files(package: Path) -> dict[str, bytes]:
    """Every file of a generated package, by name."""
    return {p.name: p.read_bytes() for p in sorted(package.glob("*.py"))}


@pytest.fixture(scope="session")
def fixture_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project's config file, generated once (package at ``<dir>/fixture_client``)."""
    from appsync_codegen.generate import generate

    config = make_project(tmp_path_factory.mktemp("fixture") / "project", appsync=AUTH_OPTIONS)
    generate(config)
    return config


@pytest.fixture(scope="session")
def fixture_package(fixture_project: Path) -> Path:
    """The package generated from the fixture project."""
    return fixture_project.parent / PACKAGE
