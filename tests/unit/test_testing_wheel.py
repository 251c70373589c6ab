"""The test kit works from an installed wheel in a fresh virtual environment: the
wheel is built from this tree, installed (without dependencies) into a new venv that
borrows this environment's third-party packages, and the example application's
user-style tests run there through the plugin the wheel registers. Nothing of the
source tree is importable in that run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.support.simulator import EXAMPLE_SCHEMA_DIR

ROOT = EXAMPLE_SCHEMA_DIR.parent


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={"PATH": str(Path(sys.executable).parent), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the new venv's python, a folder holding the example app and its tests)."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "-q", "-w", dist, ROOT, cwd=base,
    )  # fmt: skip
    (wheel,) = dist.glob("appsync_typed-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(name for name in names if name.endswith("entry_points.txt"))
        assert (
            "[pytest11]\nappsync = appsync_runtime.pytest_plugin"
            in archive.read(entry_points).decode()
        )
    for shipped in ("testing.py", "pytest_plugin.py", "_seam.py", "py.typed"):
        assert f"appsync_runtime/{shipped}" in names, shipped
    assert not any(name.startswith("tests/") for name in names)
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel,
        cwd=base,
    )  # fmt: skip
    # third-party packages (httpx, aiohttp, pydantic, pytest) from this environment; a
    # path line in a .pth adds the folder only: the editable install's own .pth files
    # there are not read, so the source tree stays out of reach
    purelib = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=base
    ).stdout.strip()
    Path(purelib, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    app = base / "app"
    app.mkdir()
    shutil.copytree(EXAMPLE_SCHEMA_DIR / "example_client", app / "example_client")
    shutil.copy(EXAMPLE_SCHEMA_DIR / "notes_app.py", app / "notes_app.py")
    shutil.copytree(EXAMPLE_SCHEMA_DIR / "app_tests", app / "app_tests")
    (app / "pytest.ini").write_text(
        "[pytest]\npythonpath = .\nasyncio_default_fixture_loop_scope = function\n"
    )
    return python, app


def test_the_kit_is_imported_from_the_wheel(fresh_env: tuple[Path, Path]) -> None:
    python, app = fresh_env
    done = _run(
        python,
        "-c",
        "import appsync_runtime.testing as t, appsync_runtime.pytest_plugin as p; "
        "print(t.__file__); print(p.__file__)",
        cwd=app,
    )
    for line in done.stdout.split():
        assert Path(line).is_relative_to(python.parent.parent), line


def test_the_example_apps_tests_pass_from_the_wheel(fresh_env: tuple[Path, Path]) -> None:
    python, app = fresh_env
    done = _run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "app_tests", cwd=app)
    assert "8 passed" in done.stdout, done.stdout
