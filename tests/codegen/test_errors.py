"""User mistakes: one ``file:line:col: message`` line each, exit status 2, no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from appsync_codegen.cli import INSTALL_HINT

from .conftest import make_project, run_cli

LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")


def _fails(result_stderr: str, returncode: int) -> list[re.Match[str]]:
    assert returncode == 2, result_stderr
    assert "Traceback" not in result_stderr
    lines = result_stderr.strip().splitlines()
    assert lines, "no message"
    matches = [LOCATED.match(line) for line in lines]
    assert all(matches), lines
    return [m for m in matches if m is not None]


def _generate(config: Path) -> tuple[str, int]:
    result = run_cli(["generate", "--config", str(config)], config.parent)
    return result.stderr, result.returncode


@pytest.mark.parametrize(
    ("operation", "line", "column", "message"),
    [
        pytest.param(
            'query Q {\n  task(id: "1") { nope }\n}\n',
            2,
            19,
            "Cannot query field 'nope' on type 'Task'.",
            id="unknown-field",
        ),
        pytest.param(
            "query Q {\n  task(id: $id) { id }\n}\n",
            2,
            12,
            "Variable '$id' is not defined by operation 'Q'.",
            id="missing-variable",
        ),
        pytest.param(
            '{\n  task(id: "1") { id }\n}\n',
            1,
            1,
            "anonymous query: give it a name",
            id="anonymous-operation",
        ),
        pytest.param(
            'query Q {\n  task(id: "1") { id }\n',
            3,
            1,
            "Syntax Error: Expected Name, found <EOF>.",
            id="syntax-error",
        ),
        pytest.param(
            "query Q($id: String!) {\n  task(id: $id) { id }\n}\n",
            1,
            9,
            "Variable '$id' of type 'String!' used in position expecting type 'ID!'.",
            id="wrong-variable-type",
        ),
        pytest.param(
            'query GetTask {\n  task(id: "1") { id }\n}\n'
            'query getTask {\n  task(id: "2") { id }\n}\n',
            4,
            7,
            "query getTask and GetTask would both generate get_task.py",
            id="method-clash",
        ),
        pytest.param(
            'query Q {\n  task(id: "1") { ...Nowhere }\n}\n',
            2,
            22,
            "Unknown fragment 'Nowhere'.",
            id="unknown-fragment",
        ),
    ],
)
def test_operation_mistakes(
    tmp_path: Path, operation: str, line: int, column: int, message: str
) -> None:
    config = make_project(tmp_path, operations={"bad.graphql": operation})
    stderr, code = _generate(config)
    found = _fails(stderr, code)
    assert found[0]["file"].endswith("operations/bad.graphql")
    assert (int(found[0]["line"]), int(found[0]["column"])) == (line, column)
    assert message in found[0]["message"]


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        operations={
            "a.graphql": 'query A {\n  task(id: "1") { nope }\n}\n',
            "b.graphql": 'query B {\n  task(id: "1") { nada }\n}\n',
        },
    )
    found = _fails(*_generate(config))
    assert [Path(m["file"]).name for m in found] == ["a.graphql", "b.graphql"]


def test_duplicate_operation_names_point_at_both(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        operations={
            "a.graphql": 'query Same {\n  task(id: "1") { id }\n}\n',
            "b.graphql": '\nquery Same {\n  task(id: "2") { id }\n}\n',
        },
    )
    found = _fails(*_generate(config))
    assert len(found) == 1
    assert found[0]["file"].endswith("operations/a.graphql")
    assert (found[0]["line"], found[0]["column"]) == ("1", "7")
    message = found[0]["message"]
    assert message.startswith("There can be only one operation named 'Same'.")
    assert message.endswith("operations/b.graphql:2:7)")


@pytest.mark.parametrize(
    ("schema", "line", "column", "message"),
    [
        pytest.param(
            "type Query {\n  a: String\n", 3, 1, "Syntax Error: Expected Name", id="syntax-error"
        ),
        pytest.param(
            "type Query {\n  a: Missing\n}\n", 2, 6, "Unknown type 'Missing'.", id="unknown-type"
        ),
        pytest.param(
            "type Query @aws_nope {\n  a: String\n}\n",
            1,
            12,
            "Unknown directive '@aws_nope'.",
            id="unknown-directive",
        ),
        pytest.param(
            "interface I { a: String }\ntype Query implements I {\n  b: String\n}\n",
            1,
            15,
            "Interface field I.a expected but Query does not provide it.",
            id="invalid-schema",
        ),
    ],
)
def test_schema_mistakes(tmp_path: Path, schema: str, line: int, column: int, message: str) -> None:
    config = make_project(tmp_path, schema=schema, operations={"q.graphql": "query Q { a }\n"})
    found = _fails(*_generate(config))
    assert found[0]["file"].endswith("schema.graphql")
    assert (int(found[0]["line"]), int(found[0]["column"])) == (line, column)
    assert found[0]["message"].startswith(message)


@pytest.mark.parametrize(
    ("config", "appsync", "key", "message"),
    [
        pytest.param(
            'schema_path = "nowhere.graphql"',
            "",
            "schema_path",
            "schema_path: 'nowhere.graphql' does not exist",
            id="missing-schema-file",
        ),
        pytest.param("", 'client_nam = "X"', "client_nam", "unknown option", id="unknown-option"),
        pytest.param("", 'clients = ["both"]', "clients", "clients must be", id="bad-clients"),
        pytest.param(
            'base_client_name = "Mine"',
            "",
            "base_client_name",
            "base_client_name is chosen by appsync-codegen",
            id="owned-key",
        ),
        pytest.param(
            "multipart_uploads = true",
            "",
            "multipart_uploads",
            "AppSync has no multipart uploads",
            id="uploads",
        ),
        pytest.param(
            'include_comments = "timestamp"',
            "",
            "include_comments",
            'include_comments = "timestamp" makes every run differ',
            id="timestamps",
        ),
        pytest.param(
            "",
            'additional_auth_modes = ["AWS_IAM"]',
            "additional_auth_modes",
            "additional_auth_modes needs default_auth_mode too",
            id="additional-modes-alone",
        ),
        pytest.param(
            "",
            'default_auth_mode = "API_KEY"\nadditional_auth_modes = ["IAM"]',
            "additional_auth_modes",
            "additional_auth_modes must be a list of API_KEY",
            id="unknown-mode",
        ),
        pytest.param(
            "",
            'unrunnable_operations = "ignore"',
            "unrunnable_operations",
            'unrunnable_operations must be "error" or "warn"',
            id="unrunnable-option",
        ),
        pytest.param(
            'skip_validation_rules = ["NoSuchRule"]',
            "",
            "skip_validation_rules",
            "Unknown validation rule: NoSuchRule",
            id="unknown-rule",
        ),
    ],
)
def test_config_mistakes(tmp_path: Path, config: str, appsync: str, key: str, message: str) -> None:
    path = make_project(tmp_path, appsync=appsync)
    text = path.read_text(encoding="utf-8")
    if config:  # replace or add the key in [tool.ariadne-codegen]
        name = config.split("=")[0].strip()
        kept = [line for line in text.splitlines() if not line.startswith(f"{name} =")]
        kept.insert(1, config)
        text = "\n".join(kept) + "\n"
        path.write_text(text, encoding="utf-8")
    found = _fails(*_generate(path))
    assert found[0]["file"].endswith("pyproject.toml")
    expected_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(key))
    assert int(found[0]["line"]) == expected_line
    assert message in found[0]["message"]


def test_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.ariadne-codegen]\nschema_path = "schema.graphql\n', encoding="utf-8")
    found = _fails(*_generate(path))
    assert found[0]["line"] == "2"
    assert found[0]["message"].startswith("invalid TOML")


def test_missing_table_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert "no [tool.ariadne-codegen] table" in _fails(*_generate(path))[0]["message"]
    found = _fails(*_generate(tmp_path / "absent.toml"))
    assert found[0]["message"] == "config file not found"


@pytest.mark.parametrize("module", ["ariadne_codegen", "graphql"])
def test_without_the_codegen_extra(tmp_path: Path, module: str) -> None:
    config = make_project(tmp_path)
    result = run_cli(
        ["generate", "--config", str(config)],
        tmp_path,
        preamble=f"import sys\nsys.modules[{module!r}] = None",
    )
    assert result.returncode == 2
    assert result.stderr == INSTALL_HINT + "\n"
    assert 'pip install "appsync-typed[codegen]"' in result.stderr
    assert result.stdout == ""


def test_an_amplify_source_schema_points_at_the_compiled_one(tmp_path: Path) -> None:
    schema = (
        "type Todo @model @auth(rules: [{allow: owner}]) {\n"
        "  id: ID!\n  posts: [Post] @hasMany\n}\n"
        "type Post @model { id: ID! }\n"
    )
    config = make_project(tmp_path, schema=schema, operations={"q.graphql": "query Q { x }\n"})
    found = _fails(*_generate(config))
    assert [(m["line"], m["column"]) for m in found] == [
        ("1", "11"),
        ("1", "18"),
        ("3", "17"),
        ("5", "11"),
    ]
    assert "Amplify source schema" in found[0]["message"]
    assert "build/schema.graphql" in found[0]["message"]
    assert all("Amplify" not in m["message"] for m in found[1:])
