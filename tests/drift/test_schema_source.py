"""Normalizing and writing fetched schemas: stable order, directives kept, atomic writes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from graphql import find_breaking_changes, find_dangerous_changes

from appsync_codegen.schema_source import (
    EXIT_MALFORMED,
    EXIT_USAGE,
    SchemaSourceError,
    control_plane_url,
    load_schema_file,
    normalize_sdl,
    write_atomic,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCHEMA = REPO / "example_schema" / "schema.graphql"

SHUFFLED = """\
scalar AWSDateTime
directive @aws_iam on OBJECT | FIELD_DEFINITION
enum Color { RED BLUE GREEN }
type Query @aws_iam @aws_api_key {
  zeta(b: Int, a: String): String @aws_iam @aws_cognito_user_pools(cognito_groups: ["x"])
  alpha: Color
  when: AWSDateTime
}
union Either = Query | Other
type Other { id: ID! }
"""


def test_directive_usages_survive_and_order_is_stable() -> None:
    text = normalize_sdl(SHUFFLED)
    assert text == (
        "enum Color {\n  BLUE\n  GREEN\n  RED\n}\n\n"
        "union Either = Other | Query\n\n"
        "type Other {\n  id: ID!\n}\n\n"
        "type Query @aws_api_key @aws_iam {\n"
        "  alpha: Color\n"
        "  when: AWSDateTime\n"
        '  zeta(a: String, b: Int): String @aws_cognito_user_pools(cognito_groups: ["x"]) '
        "@aws_iam\n"
        "}\n"
    )
    assert normalize_sdl(text) == text


def test_the_example_schema_normalizes_to_an_equivalent_one(tmp_path: Path) -> None:
    original = EXAMPLE_SCHEMA.read_text(encoding="utf-8")
    normalized = normalize_sdl(original)
    assert normalize_sdl(normalized) == normalized
    assert 'moderationNotes: String @aws_cognito_user_pools(cognito_groups: ["admins"])' in (
        normalized
    )
    assert '@aws_subscribe(mutations: ["createNote"])' in normalized
    (tmp_path / "n.graphql").write_text(normalized, encoding="utf-8")
    before = load_schema_file(EXAMPLE_SCHEMA)
    after = load_schema_file(tmp_path / "n.graphql")
    assert find_breaking_changes(before, after) == []
    assert find_dangerous_changes(before, after) == []
    for name, named in before.type_map.items():
        fields = getattr(named, "fields", None)
        if name.startswith("__") or not isinstance(fields, dict) or named.ast_node is None:
            continue
        other = after.type_map[name]
        for field_name, field in fields.items():
            old = [d.name.value for d in field.ast_node.directives or ()]
            new = [d.name.value for d in other.fields[field_name].ast_node.directives or ()]  # type: ignore[attr-defined]
            assert sorted(old) == new, f"{name}.{field_name}"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("type Query {", "malformed schema: Syntax Error"),
        ("type Query { a: Missing }", "Unknown type 'Missing'"),
        ("query { a }", "unexpected operation definition"),
        ("", "malformed schema"),
    ],
)
def test_malformed_schemas(text: str, words: str) -> None:
    with pytest.raises(SchemaSourceError) as raised:
        normalize_sdl(text)
    assert raised.value.exit_code == EXIT_MALFORMED
    assert words in raised.value.message
    assert "\n" not in raised.value.message


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["schema.graphql"]
    with pytest.raises(SchemaSourceError) as raised:
        write_atomic(tmp_path / "missing" / "x.graphql", "x")
    assert raised.value.exit_code == EXIT_USAGE


def test_control_plane_url() -> None:
    assert control_plane_url("eu-west-1") == "https://appsync.eu-west-1.amazonaws.com"
    assert control_plane_url("cn-north-1") == "https://appsync.cn-north-1.amazonaws.com.cn"
