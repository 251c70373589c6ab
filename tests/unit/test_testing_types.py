"""The test kit under ``mypy --strict`` and strict pyright, as a user's tests meet
it: the example application and its tests check clean, and the mistakes in
``typing_cases/kit_misuse.py`` are type errors (a model of another operation, a
callable returning one, a subscription's methods on a query and back). A ``data``
dict cannot be checked statically: the fake validates it when it is registered."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support.simulator import EXAMPLE_SCHEMA_DIR

CASES = Path(__file__).parent / "typing_cases"
MISUSE = CASES / "kit_misuse.py"
APP = [EXAMPLE_SCHEMA_DIR / "notes_app.py", EXAMPLE_SCHEMA_DIR / "app_tests" / "test_notes_app.py"]
BIN = Path(sys.executable).parent


def _wrong_lines() -> set[int]:
    lines = MISUSE.read_text(encoding="utf-8").splitlines()
    return {number for number, line in enumerate(lines, 1) if line.endswith("# wrong")}


def _error_lines(output: str, path: Path, pattern: str) -> dict[Path, set[int]]:
    found: dict[Path, set[int]] = {}
    for match in re.finditer(pattern, output, re.MULTILINE):
        found.setdefault(Path(match["path"]).resolve(), set()).add(int(match["line"]))
    return found


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Files that must check clean: the example application and its tests, and the
    README's "Testing your code" example written out as files."""
    from tests.unit.test_pytest_plugin import _readme_blocks

    folder = tmp_path_factory.mktemp("readme")
    app, tests = _readme_blocks()
    (folder / "readme_notes_app.py").write_text(app, encoding="utf-8")
    tests = tests.replace("from notes_app import", "from readme_notes_app import")
    (folder / "test_readme_notes_app.py").write_text(tests, encoding="utf-8")
    return [*APP, folder / "readme_notes_app.py", folder / "test_readme_notes_app.py"]


@pytest.fixture(scope="module")
def mypy_output(clean: list[Path]) -> str:
    with tempfile.TemporaryDirectory() as cache:
        done = subprocess.run(
            [
                str(BIN / "mypy"),
                "--strict",
                "--cache-dir",
                cache,
                "--no-error-summary",
                "--show-absolute-path",
                *map(str, [*clean, MISUSE]),
            ],
            cwd=EXAMPLE_SCHEMA_DIR,
            env={"MYPYPATH": f"{EXAMPLE_SCHEMA_DIR}:{clean[-1].parent}", "PATH": str(BIN)},
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    if done.returncode not in (0, 1):
        pytest.fail(f"mypy did not run: {done.stdout}{done.stderr}", pytrace=False)
    return done.stdout


@pytest.fixture(scope="module")
def pyright_output(clean: list[Path]) -> str:
    pyright = BIN / "pyright"
    if not pyright.exists():
        pytest.skip("pyright is not installed (dev extra)")
    settings = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.10",
        "extraPaths": [str(EXAMPLE_SCHEMA_DIR), str(clean[-1].parent)],
    }
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "pyrightconfig.json"
        config.write_text(json.dumps(settings), encoding="utf-8")
        done = subprocess.run(
            [str(pyright), "-p", str(config), "--pythonpath", sys.executable, "--outputjson"]
            + [str(path) for path in [*clean, MISUSE]],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    if done.returncode not in (0, 1):
        pytest.fail(f"pyright did not run: {done.stdout}{done.stderr}", pytrace=False)
    report = json.loads(done.stdout)
    return "\n".join(
        f"{item['file']}:{item['range']['start']['line'] + 1}: {item['message']}"
        for item in report["generalDiagnostics"]
        if item["severity"] == "error"
    )


MYPY_ERROR = r"^(?P<path>[^:\n]+):(?P<line>\d+): error:"
PYRIGHT_ERROR = r"^(?P<path>[^:\n]+):(?P<line>\d+): "


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_user_code_checks_clean_and_misuse_is_caught(
    checker: str, request: pytest.FixtureRequest, clean: list[Path]
) -> None:
    output: str = request.getfixturevalue(f"{checker}_output")
    found = _error_lines(output, MISUSE, MYPY_ERROR if checker == "mypy" else PYRIGHT_ERROR)
    for path in clean:
        assert path.resolve() not in found, output
    assert found.get(MISUSE.resolve(), set()) == _wrong_lines(), output
