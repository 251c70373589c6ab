"""The pre-commit hook runs ``appsync-codegen check`` with the codegen extra's dependencies."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_hook_definition_matches_the_project() -> None:
    yaml = pytest.importorskip("yaml")
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "appsync-codegen-check"
    assert hook["entry"] == "appsync-codegen check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["appsync-codegen"] == "appsync_codegen.cli:main"
    assert hook["additional_dependencies"] == project["optional-dependencies"]["codegen"]
