"""Editor support: ``generate`` writes a graphql-config file naming the schema, a copy
of the AppSync prelude and the operations; ``check`` reports them stale.

The test does what an editor's GraphQL extension does with the file: build one schema
from every file under ``schema`` and validate every operation ``documents`` matches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from graphql import Source, build_ast_schema, concat_ast, parse, validate

from appsync_codegen.check import check_package
from appsync_codegen.editor import GRAPHQL_CONFIG_NAME, PRELUDE_COPY_NAME
from appsync_codegen.errors import CodegenError
from appsync_codegen.generate import generate

from .conftest import EXAMPLE, make_project, run_cli


def _editor_view(config_dir: Path) -> tuple[dict[str, Any], list[str]]:
    """(the graphql-config, the validation errors of every operation it names)."""
    loaded: dict[str, Any] = yaml.safe_load((config_dir / GRAPHQL_CONFIG_NAME).read_text())
    schema_files = [config_dir / entry for entry in loaded["schema"]]
    document = concat_ast(
        [parse(Source(path.read_text(encoding="utf-8"), str(path))) for path in schema_files]
    )
    schema = build_ast_schema(document)
    operations = sorted(config_dir.glob(loaded["documents"]))
    assert operations, loaded["documents"]
    fragments = concat_ast([parse(path.read_text(encoding="utf-8")) for path in operations])
    errors = [str(error) for error in validate(schema, fragments)]
    return loaded, errors


def test_generate_writes_a_config_editors_validate_the_operations_with(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    result = generate(config, target_package_path=tmp_path)
    assert set(result.editor_files) == {
        tmp_path / GRAPHQL_CONFIG_NAME,
        tmp_path / PRELUDE_COPY_NAME,
    }
    loaded, errors = _editor_view(tmp_path)
    assert loaded == {
        "schema": [PRELUDE_COPY_NAME, "schema.graphql"],
        "documents": "operations/**/*.graphql",
    }
    assert errors == []
    # without the prelude copy the AppSync schema does not even build
    with pytest.raises(TypeError, match="Unknown"):
        build_ast_schema(parse((tmp_path / "schema.graphql").read_text()))


def test_the_example_project_carries_current_editor_files() -> None:
    _, errors = _editor_view(EXAMPLE)
    assert errors == []
    report = check_package(EXAMPLE / "pyproject.toml", fast=True)
    assert report.editor == []


def test_a_schema_declaring_aws_names_gets_only_the_missing_ones(tmp_path: Path) -> None:
    schema = (
        "scalar AWSDateTime\n"
        "directive @aws_api_key on FIELD_DEFINITION | OBJECT\n"
        "type Query { now: AWSDateTime @aws_api_key, at(t: AWSTimestamp): AWSJSON }\n"
    )
    operations = {"now.graphql": "query Now { now at(t: 1) }\n"}
    config = make_project(tmp_path, schema=schema, operations=operations)
    generate(config, target_package_path=tmp_path)
    prelude = (tmp_path / PRELUDE_COPY_NAME).read_text()
    assert "scalar AWSDateTime" not in prelude and "directive @aws_api_key" not in prelude
    assert "scalar AWSTimestamp" in prelude and "scalar AWSJSON" in prelude
    _, errors = _editor_view(tmp_path)
    assert errors == []


def test_schema_files_in_a_folder_and_paths_outside_the_config_dir(tmp_path: Path) -> None:
    project = tmp_path / "app" / "codegen"
    config = make_project(project, config='schema_path = "../../api/schema"\n')
    api = tmp_path / "api" / "schema"
    api.mkdir(parents=True)
    text = (project / "schema.graphql").read_text()
    (project / "schema.graphql").unlink()
    (api / "b.graphql").write_text(text)
    (api / "a.graphql").write_text("type Extra { id: ID! }\n")
    # make_project wrote schema_path = "schema.graphql" too: drop that line
    lines = config.read_text().splitlines()
    config.write_text("\n".join(line for line in lines if line != 'schema_path = "schema.graphql"'))
    generate(config, target_package_path=tmp_path)
    loaded, errors = _editor_view(project)
    assert loaded["schema"] == [
        PRELUDE_COPY_NAME,
        "../../api/schema/a.graphql",
        "../../api/schema/b.graphql",
    ]
    assert errors == []


def test_a_users_own_graphql_config_is_left_alone(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    own = "schema: schema.graphql\n"
    (tmp_path / GRAPHQL_CONFIG_NAME).write_text(own)
    result = generate(config, target_package_path=tmp_path)
    assert (tmp_path / GRAPHQL_CONFIG_NAME).read_text() == own
    assert not (tmp_path / PRELUDE_COPY_NAME).exists()
    (warning,) = [w for w in result.warnings if GRAPHQL_CONFIG_NAME in w.file]
    assert "not appsync-codegen's" in warning.message
    assert check_package(config, fast=True).editor == []
    # the same for another name graphql-config reads
    (tmp_path / GRAPHQL_CONFIG_NAME).unlink()
    (tmp_path / "graphql.config.json").write_text("{}")
    result = generate(config, target_package_path=tmp_path)
    assert not (tmp_path / GRAPHQL_CONFIG_NAME).exists()
    assert any("graphql.config.json" in w.file for w in result.warnings)


def test_the_option_turns_it_off_and_must_be_a_boolean(tmp_path: Path) -> None:
    config = make_project(tmp_path, appsync="graphql_config = false\n")
    result = generate(config, target_package_path=tmp_path)
    assert result.editor_files == {}
    assert not (tmp_path / GRAPHQL_CONFIG_NAME).exists()
    config = make_project(tmp_path / "bad", appsync='graphql_config = "yes"\n')
    with pytest.raises(CodegenError, match="graphql_config must be true or false"):
        generate(config, target_package_path=tmp_path / "bad")


@pytest.mark.parametrize("fast", [True, False])
def test_check_reports_stale_editor_files_and_writes_nothing(tmp_path: Path, fast: bool) -> None:
    config = make_project(tmp_path)
    generate(config)
    assert check_package(config, fast=fast, full=not fast).up_to_date
    (tmp_path / GRAPHQL_CONFIG_NAME).unlink()
    prelude = tmp_path / PRELUDE_COPY_NAME
    prelude.write_text(prelude.read_text().replace("scalar AWSJSON", ""))
    report = check_package(config, fast=fast, full=not fast)
    assert not report.up_to_date
    assert report.editor == [tmp_path / GRAPHQL_CONFIG_NAME, prelude]
    assert report.changed == report.missing == report.extra == []
    assert not (tmp_path / GRAPHQL_CONFIG_NAME).exists()
    done = run_cli(["check", "--config", str(config)], tmp_path)
    assert done.returncode == 1
    assert f"{GRAPHQL_CONFIG_NAME}: editor file, missing or stale" in done.stderr
    # operations added after generation need no new editor files: the glob finds them
    generate(config)
    (tmp_path / "operations" / "more.graphql").write_text("query More { __typename }\n")
    _, errors = _editor_view(tmp_path)
    assert errors == []
    assert check_package(config, full=True).editor == []


def test_operations_in_the_config_folder_get_no_prelude_copy_among_them(tmp_path: Path) -> None:
    """The prelude copy would be read as an operation by the next generate."""
    project = tmp_path / "project"
    config = make_project(project, config='schema_path = "../api/schema.graphql"\n')
    (tmp_path / "api").mkdir()
    (project / "schema.graphql").rename(tmp_path / "api" / "schema.graphql")
    for operation in (project / "operations").iterdir():
        operation.rename(project / operation.name)
    (project / "operations").rmdir()
    kept = ('queries_path = "operations"', 'schema_path = "schema.graphql"')
    lines = [line for line in config.read_text().splitlines() if line not in kept]
    config.write_text(
        "\n".join(lines).replace(
            "[tool.ariadne-codegen]", '[tool.ariadne-codegen]\nqueries_path = "."', 1
        )
    )
    for _ in range(2):  # the second run reads the same operations as the first
        result = generate(config, target_package_path=tmp_path)
        assert result.editor_files == {}
        assert not (project / PRELUDE_COPY_NAME).exists()
        (notice,) = [w for w in result.warnings if "queries_path includes" in w.message]
        assert notice.file == str(config)
