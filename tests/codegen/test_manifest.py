"""The package manifest: deterministic hashes of the inputs, and why a package is stale."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from appsync_codegen._runtime_range import runtime_spec
from appsync_codegen.generate import generate
from appsync_codegen.manifest import (
    MANIFEST_NAME,
    Manifest,
    build_manifest,
    changed_files,
    explain_changes,
    read_manifest,
)

from .conftest import PACKAGE, make_project


def test_generation_writes_the_manifest_of_its_inputs(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    result = generate(config)
    assert MANIFEST_NAME in result.files
    written = read_manifest(result.package_path)
    assert written is not None
    assert explain_changes(written, build_manifest(config)) == []
    assert sorted(written.operations) == ["fragments.graphql", "tasks.graphql"]
    assert set(written.files) == set(result.files) - {MANIFEST_NAME}
    assert written.generator and written.ariadne_codegen
    assert changed_files(written, result.package_path) == []
    (result.package_path / "find.py").write_text("# edited\n", encoding="utf-8")
    (result.package_path / "enums.py").unlink()
    assert changed_files(written, result.package_path) == ["enums.py", "find.py"]


def test_the_manifest_is_the_same_anywhere(tmp_path: Path) -> None:
    texts = []
    for place in ("one", "two/deeper"):
        config = make_project(tmp_path / place)
        out = tmp_path / f"out-{place.replace('/', '-')}"
        out.mkdir()
        generate(config, target_package_path=out)
        texts.append((out / PACKAGE / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert texts[0] == texts[1]
    data = json.loads(texts[0])
    assert set(data) == {
        "ariadne_codegen",
        "config",
        "files",
        "format",
        "generator",
        "operations",
        "runtime",
        "schema",
    }
    assert data["runtime"] == runtime_spec()


def test_changes_are_explained(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    before = build_manifest(config)
    (tmp_path / "schema.graphql").write_text(
        (tmp_path / "schema.graphql").read_text() + "\n# comment\n", encoding="utf-8"
    )
    (tmp_path / "operations" / "tasks.graphql").write_text(
        "query GetTask { task(id: 1) { id } }\n", encoding="utf-8"
    )
    (tmp_path / "operations" / "more.graphql").write_text(
        "query More { task(id: 2) { id } }\n", encoding="utf-8"
    )
    with (tmp_path / "pyproject.toml").open("a", encoding="utf-8") as config_file:
        config_file.write('client_name = "Tasks"\n')
    after = build_manifest(config)
    assert explain_changes(before, after) == [
        "schema changed",
        "operations changed: more.graphql, tasks.graphql",
        "config changed",
    ]
    newer = replace(after, generator="9.9.9", ariadne_codegen="1.0.0")
    assert explain_changes(after, newer) == [
        f"generator version changed {after.generator} -> 9.9.9",
        f"ariadne-codegen version changed {after.ariadne_codegen} -> 1.0.0",
    ]


def test_unreadable_manifests_are_none(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None
    (tmp_path / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    assert read_manifest(tmp_path) is None
    (tmp_path / MANIFEST_NAME).write_text('{"schema": null}', encoding="utf-8")
    assert read_manifest(tmp_path) is None
    manifest = Manifest(schema=None, operations={"a.graphql": "1"}, config="c")
    assert Manifest.from_json(manifest.to_json()) == manifest
    assert explain_changes(manifest, manifest) == ["schema changed"]  # unknown: not comparable


def test_the_ruff_configuration_is_part_of_the_config(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    before = build_manifest(config)
    (tmp_path / "ruff.toml").write_text("line-length = 100\n", encoding="utf-8")
    assert explain_changes(before, build_manifest(config)) == ["config changed"]
