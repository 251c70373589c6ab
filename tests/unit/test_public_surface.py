"""One public surface: what ``appsync_runtime`` exports, and what others may import."""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import appsync_runtime

PACKAGE = Path(appsync_runtime.__file__).parent
ROOT = PACKAGE.parents[1]
PUBLIC_MODULES = {"errors", "scalars", "model", "unset", "testing", "realtime", "realtime_protocol"}
"""Modules importable by name (the real-time ones until they move behind the package)."""


def _type_checking_exports() -> dict[str, str]:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom) and stmt.level == 1, ast.unparse(stmt)
                for alias in stmt.names:
                    assert alias.asname == alias.name, f"re-export {alias.name} as itself"
                    found[alias.name] = str(stmt.module)
    return found


def test_type_checkers_see_exactly_the_exported_names() -> None:
    assert _type_checking_exports() == appsync_runtime._EXPORTS
    assert appsync_runtime.__all__ == list(appsync_runtime._EXPORTS)


def test_every_exported_name_lives_where_the_mapping_says() -> None:
    for name, module in appsync_runtime._EXPORTS.items():
        value = getattr(appsync_runtime, name)
        owner = getattr(value, "__module__", None)
        if typing.get_origin(value) is not None:
            continue  # an alias such as GapCallback (a class itself on Python 3.10)
        if isinstance(value, type) or inspect.isroutine(value):
            assert owner == f"appsync_runtime.{module}", (name, owner)


def test_helpers_are_not_exported() -> None:
    for helper in ("redact", "loads", "select_strategy", "call_flow", "parse_response"):
        assert helper not in appsync_runtime.__all__


def test_codegen_and_generated_code_import_only_public_names() -> None:
    """The codegen package and the generated example client import the runtime's
    public surface only: its ``__init__`` and its public modules."""
    pattern = re.compile(r"\bappsync_runtime\.(\w+)")
    wrong = []
    for folder in ("codegen_plugin/appsync_codegen", "example_schema/example_client"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for module in pattern.findall(line):
                    if module not in PUBLIC_MODULES and module not in appsync_runtime.__all__:
                        wrong.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not wrong, "\n".join(wrong)


def test_auth_failure_reason_is_a_str_enum_equal_to_its_values() -> None:
    from enum import Enum

    from appsync_runtime import AppSyncAuthError, AuthFailureReason

    assert issubclass(AuthFailureReason, Enum)
    assert [reason.value for reason in AuthFailureReason] == [
        "unauthorized",
        "signature_mismatch",
        "clock_skew",
        "expired_credentials",
        "access_denied",
        "no_credentials",
        "forbidden",
    ]
    for reason in AuthFailureReason:
        assert reason == reason.value and str(reason) == reason.value
    error = AppSyncAuthError("refused", status=403, reason="clock_skew")
    assert error.reason is AuthFailureReason.CLOCK_SKEW
    assert AppSyncAuthError("refused").reason is AuthFailureReason.FORBIDDEN


def test_every_public_name_is_fully_typed_for_editors() -> None:
    """pyright's type-completeness report on the installed package: every symbol users
    can reach (through ``__all__`` and the public modules) has a known type."""
    found = Path(sys.executable).parent / "pyright"
    pyright = str(found) if found.exists() else shutil.which("pyright")
    if pyright is None:
        pytest.skip("pyright is not installed (dev extra)")
    completed = subprocess.run(
        [pyright, "--verifytypes", "appsync_runtime", "--ignoreexternal", "--outputjson"],
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        },
    )
    report = json.loads(completed.stdout)
    completeness = report["typeCompleteness"]
    problems = [
        f"{d.get('file', '')}:{d.get('range', {}).get('start', {}).get('line', 0) + 1}: "
        f"{d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    assert completeness["completenessScore"] == 1.0, "\n".join(problems[:20])
