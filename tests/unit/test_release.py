"""What a release carries: licence, version, changelog, metadata, links, sdist.

The distribution's metadata as PyPI shows it, the version's single source, README
links that work off GitHub (PyPI renders the README with no repository beside it),
development tools kept out of the published extras, and an sdist holding exactly
what builds the wheel.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

import appsync_codegen
import appsync_runtime

tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY = "https://github.com/appsync-typed/appsync-typed"
SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
"""The Python versions the project claims, tests in CI and lists as classifiers."""
DEV_TOOLS = {"pytest", "mypy", "pyright", "ruff", "hypothesis", "moto", "boto3", "hatchling"}


def _pyproject() -> dict[str, Any]:
    loaded: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return loaded


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group(0).lower()


def test_the_licence_is_the_apache_licence_the_metadata_names() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert _pyproject()["project"]["license"] == "Apache-2.0"


def test_one_version_everywhere() -> None:
    version = appsync_runtime.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    assert appsync_codegen.__version__ == version
    project = _pyproject()
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "runtime/appsync_runtime/__init__.py"
    read = subprocess.run(
        [sys.executable, "-m", "hatchling", "version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert read.stdout.strip() == version
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(version)}\]", changelog, re.MULTILINE), version
    assert "## Versioning policy" in changelog
    assert "Breaking for generated code" in changelog


def test_metadata_names_the_repository_and_every_supported_python() -> None:
    project = _pyproject()["project"]
    urls = project["urls"]
    assert {"Homepage", "Repository", "Issues", "Changelog", "Documentation"} <= set(urls)
    for url in urls.values():
        assert url.startswith("https://"), url
    assert urls["Repository"] == REPOSITORY
    classified = {
        c.removeprefix("Programming Language :: Python :: ")
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert classified == set(SUPPORTED)
    assert project["requires-python"] == f">={SUPPORTED[0]}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"PYTHONS := {' '.join(SUPPORTED)}\n" in makefile, "CI tests other Pythons"
    assert "make test-pythons" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_development_tools_are_a_dependency_group_not_an_extra() -> None:
    project = _pyproject()
    extras: dict[str, list[str]] = project["project"]["optional-dependencies"]
    assert set(extras) == {"codegen", "boto", "otel"}
    published = [*project["project"]["dependencies"], *(r for e in extras.values() for r in e)]
    assert not DEV_TOOLS & {_name(requirement) for requirement in published}
    group = {_name(r) for r in project["dependency-groups"]["dev"] if isinstance(r, str)}
    assert group >= DEV_TOOLS


def test_readme_links_are_absolute_and_point_at_this_tree() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    headings = {_slug(h) for h in re.findall(r"^#+ (.+)$", _outside_code(readme), re.MULTILINE)}
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    assert targets
    for target in targets:
        assert re.match(r"https?://", target), f"relative link breaks on PyPI: {target}"
        if not target.startswith(REPOSITORY):
            continue
        rest = target.removeprefix(REPOSITORY)
        if rest.startswith("#"):
            assert rest[1:] in headings, f"no README heading for {target}"
            continue
        match = re.fullmatch(r"/(blob|tree)/main/([^#]+)(#.*)?", rest)
        assert match, target
        kind, path = match.group(1), ROOT / match.group(2)
        assert path.is_dir() if kind == "tree" else path.is_file(), target


def _outside_code(markdown: str) -> str:
    return re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[`*]", "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _hatchling(*args: str | Path, cwd: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        check=True,
        timeout=300,
    )


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if not name.endswith("/RECORD")}


def test_the_sdist_holds_what_builds_the_wheel_and_nothing_else(tmp_path: Path) -> None:
    _hatchling("build", "-t", "sdist", "-d", tmp_path / "sdist", cwd=ROOT)
    (sdist,) = (tmp_path / "sdist").glob("appsync_typed-*.tar.gz")
    top = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.removeprefix(f"{top}/") for name in archive.getnames() if "/" in name}
        archive.extractall(tmp_path / "unpacked", filter="data")
    expected = {"PKG-INFO", "pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", ".gitignore"}
    for package in ("runtime/appsync_runtime", "codegen_plugin/appsync_codegen"):
        expected |= {
            path.relative_to(ROOT).as_posix()
            for path in (ROOT / package).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        }
    assert names == expected
    # ... and the wheel built from it is the wheel built from the tree
    _hatchling(
        "build", "-t", "wheel", "-d", tmp_path / "from-sdist", cwd=tmp_path / "unpacked" / top
    )
    _hatchling("build", "-t", "wheel", "-d", tmp_path / "from-tree", cwd=ROOT)
    (from_sdist,) = (tmp_path / "from-sdist").glob("*.whl")
    (from_tree,) = (tmp_path / "from-tree").glob("*.whl")
    assert _wheel_names(from_sdist) == _wheel_names(from_tree)
    assert "appsync_runtime/py.typed" in _wheel_names(from_sdist)


def test_a_python_version_not_on_the_machine_is_skipped_with_a_message() -> None:
    done = subprocess.run(
        [str(ROOT / ".ci" / "test-python"), "3.99"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "SKIPPED: Python 3.99 not found" in done.stderr
    assert not (ROOT / ".venv-3.99").exists()
