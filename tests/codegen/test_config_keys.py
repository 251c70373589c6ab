"""Configuration keys ariadne-codegen would ignore, single-mode APIs, comments as docstrings."""

from __future__ import annotations

import ast
import re
import string
from dataclasses import fields
from pathlib import Path

import pytest
from ariadne_codegen.settings import ClientSettings, GraphQLSchemaSettings
from graphql import OperationDefinitionNode, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_codegen.config import (
    ariadne_known_keys,
    load_config,
    ruff_config_for,
    ruff_line_length,
)
from appsync_codegen.generate import generate
from appsync_codegen.operations import leading_comment
from tests.support.examples import examples

from .conftest import PACKAGE, make_project, run_cli

LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")

SIMPLE_SCHEMA = """
type Note @aws_api_key { id: ID! body: String }
type Query @aws_api_key {
  note(id: ID!): Note
  "Notes, newest first."
  notes: [Note!]!
  secret: String @aws_iam
}
"""


def _generate(config: Path) -> tuple[str, int, str]:
    result = run_cli(["generate", "--config", str(config)], config.parent)
    return result.stderr, result.returncode, result.stdout


def _error(config: Path) -> re.Match[str]:
    stderr, code, _ = _generate(config)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    [line] = stderr.strip().splitlines()
    match = LOCATED.match(line)
    assert match, line
    return match


def _line(config: Path, start: str) -> int:
    text = config.read_text(encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


# -- unknown keys ----------------------------------------------------------------


def test_known_keys_come_from_the_installed_settings_classes() -> None:
    known = ariadne_known_keys()
    for cls in (ClientSettings, GraphQLSchemaSettings):
        assert {field.name for field in fields(cls)} <= known
    assert {"appsync", "plugins", "scalars", "target_package_name"} <= known
    assert "target_pakage_name" not in known


def test_a_misspelt_ariadne_key_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    config = make_project(tmp_path, config='target_pakage_name = "elsewhere"')
    found = _error(config)
    assert found["file"].endswith("pyproject.toml")
    assert (int(found["line"]), int(found["column"])) == (_line(config, "target_pakage_name"), 1)
    assert found["message"].startswith(
        "unknown option 'target_pakage_name' in [tool.ariadne-codegen] (ariadne-codegen "
    )
    assert found["message"].endswith("did you mean 'target_package_name'?")
    assert not (tmp_path / "graphql_client").exists()


def test_a_misspelt_table_is_refused_at_its_header(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[tool.ariadne-codegen.scalar.AWSDate]\ntype = "str"\n',
        encoding="utf-8",
    )
    found = _error(config)
    assert int(found["line"]) == _line(config, "[tool.ariadne-codegen.scalar.")
    assert found["message"].startswith("unknown table 'scalar' in [tool.ariadne-codegen]")
    assert found["message"].endswith("did you mean 'scalars'?")


def test_a_key_unlike_any_is_refused_without_a_suggestion(tmp_path: Path) -> None:
    found = _error(make_project(tmp_path, config="frobnicate = true"))
    assert found["message"].startswith("unknown option 'frobnicate'")
    assert "did you mean" not in found["message"]


def test_the_appsync_table_suggests_too(tmp_path: Path) -> None:
    found = _error(make_project(tmp_path, appsync='client_nam = "X"'))
    assert "unknown option 'client_nam'; did you mean 'client_name'?" in found["message"]


def test_with_plugins_of_your_own_their_keys_are_left_to_them(tmp_path: Path) -> None:
    plugin = "ariadne_codegen.contrib.no_reimports.NoReimportsPlugin"
    config = make_project(
        tmp_path,
        schema=SIMPLE_SCHEMA,
        operations={"n.graphql": "query N { notes { id } }\n"},
        config=f'plugins = ["{plugin}"]\nmy_plugin_option = 3\n'
        "[tool.ariadne-codegen.my-plugin]\nlevel = 2\n",
        appsync='default_auth_mode = "API_KEY"',
    )
    stderr, code, _ = _generate(config)
    assert code == 0, stderr
    warning = next(line for line in stderr.splitlines() if "my_plugin_option" in line)
    assert warning.startswith(f"pyproject.toml:{_line(config, 'my_plugin_option')}:1: warning: ")
    assert "left for the configured plugins" in warning
    assert "my-plugin" not in stderr
    # a near miss of a known key is still a typo
    text = config.read_text(encoding="utf-8").replace("my_plugin_option", "queries_pth")
    config.write_text(text, encoding="utf-8")
    assert _error(config)["message"].endswith("did you mean 'queries_path'?")


# -- a single auth mode ---------------------------------------------------------------


def test_a_single_mode_api_needs_no_additional_modes(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        schema=SIMPLE_SCHEMA,
        operations={"n.graphql": "query N { notes { id } }\n"},
        appsync='default_auth_mode = "API_KEY"',
    )
    stderr, code, _ = _generate(config)
    assert code == 0, stderr
    assert "auth modes not analysed" not in stderr
    operations = (tmp_path / PACKAGE / "_operations.py").read_text(encoding="utf-8")
    assert "auth_modes=('API_KEY',)" in operations.replace('"', "'")


def test_a_single_mode_api_refuses_what_only_another_mode_reads(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        schema=SIMPLE_SCHEMA,
        operations={"s.graphql": "query S { secret }\n"},
        appsync='default_auth_mode = "API_KEY"',
    )
    found = _error(config)
    assert found["file"] == "operations/s.graphql"
    assert "no configured auth mode (API_KEY) can read" in found["message"]


# -- comments above operations become docstrings ----------------------------------------


def _method_doc(tmp_path: Path, operations: str) -> dict[str, str | None]:
    config = make_project(
        tmp_path,
        schema=SIMPLE_SCHEMA,
        operations={"ops.graphql": operations},
        appsync='default_auth_mode = "API_KEY"',
    )
    generate(config)
    tree = ast.parse((tmp_path / PACKAGE / "client.py").read_text(encoding="utf-8"))
    client = next(node for node in tree.body if isinstance(node, ast.ClassDef))
    return {
        node.name: ast.get_docstring(node)
        for node in client.body
        if isinstance(node, ast.FunctionDef)
    }


def test_the_comment_above_an_operation_is_its_docstring(tmp_path: Path) -> None:
    docs = _method_doc(
        tmp_path,
        "# File header, not about GetNote.\n\n"
        '# Fetch one note.\n#\n#   Indented detail with """ and \\ kept.\n'
        "query GetNote { note(id: 1) { id } }\n"
        "# About Notes: the field's description wins.\nquery Notes { notes { id } }\n"
        "query Bare { note(id: 2) { id } } # trailing, not a docstring\n"
        "query Next { note(id: 3) { body } }\n",
    )
    get_note = docs["get_note"] or ""
    assert get_note.startswith(
        'Fetch one note.\n\nIndented detail with """ and \\ kept.\n\nSends the ``GetNote`` query'
    )
    assert "File header" not in get_note
    assert (docs["notes"] or "").startswith("Notes, newest first.\n\nSends")
    assert (docs["bare"] or "").startswith("Sends the ``Bare`` query")
    assert (docs["next"] or "").startswith("Sends the ``Next`` query")


def test_descriptions_with_any_character_give_a_package_that_imports(tmp_path: Path) -> None:
    # GraphQL escapes for a null byte, control characters and line separators (a
    # lone surrogate is refused by the GraphQL parser): each docstring keeps the
    # description's words
    hostile = "Null \\u0000 lone bell \\u0007 sep \\u001C line \\u2028 end \\u0085 tab\\t."
    schema = (
        f'"{hostile}"\ntype Note @aws_api_key {{ "{hostile}" id: ID! body: String }}\n'
        "type Query @aws_api_key { note(id: ID!): Note }\n"
    )
    config = make_project(
        tmp_path,
        schema=schema,
        operations={"n.graphql": "query GetNote { note(id: 1) { id body } }\n"},
        appsync='default_auth_mode = "API_KEY"',
    )
    generate(config)  # its self-check imports the package in a fresh interpreter
    words = ["Null", "\x00", "lone", "bell", "\x07", "sep", "line", "end", "tab", "."]
    module = (tmp_path / PACKAGE / "get_note.py").read_text(encoding="utf-8")
    tree = ast.parse(module)
    found = [
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and "lone" in node.value.value
    ]
    assert found and all(text.split() == words for text in found)


_COMMENT_TEXT = st.text(
    alphabet=string.printable.replace("\n", "").replace("\r", "") + "\u00e9\u4e2d",
    max_size=30,
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_COMMENT_TEXT, min_size=1, max_size=6), st.sampled_from(["", "\n", "x\n"]))
def test_leading_comment_takes_the_block_just_above(lines: list[str], before: str) -> None:
    head = "query Before { a }\n" if before == "x\n" else before
    block = "".join(f"#{line}\n" for line in lines)
    document = parse(head + block + "query Q { a }\n")
    operation = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)][-1]
    found = leading_comment(operation)
    expected = "\n".join(line[1:] if line.startswith(" ") else line for line in lines)
    assert found == (__import__("inspect").cleandoc(expected) if expected.strip() else "")


def test_no_comment_without_a_block(tmp_path: Path) -> None:
    document = parse("# far away\n\nquery Q { a }\nquery R { a } # after\nquery S { a }")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert [leading_comment(operation) for operation in operations] == ["", "", ""]
    assert leading_comment(parse("query Q { a }", no_location=True).definitions[0]) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ['"""', "\\", "\t tab", "x" * 300])
def test_hostile_comments_still_compile(tmp_path: Path, text: str) -> None:
    docs = _method_doc(tmp_path, f"# {text}\nquery GetNote {{ note(id: 1) {{ id }} }}\n")
    assert (docs["get_note"] or "").replace("\n", " ").startswith(text.strip()[:20])


def test_toml_1_0_is_read_on_every_python(tmp_path: Path) -> None:
    """A project file using TOML 1.0 (an array mixing strings and tables, as PEP 735
    dependency groups do) is read on Python 3.10 too, for the codegen table and for
    the ruff settings found in it."""
    config = make_project(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[dependency-groups]\ndev = ["pytest", {include-group = "docs"}]\ndocs = []\n'
        + "\n[tool.ruff]\nline-length = 95\n",
        encoding="utf-8",
    )
    loaded = load_config(config)
    assert loaded.section["target_package_name"] == PACKAGE
    assert ruff_line_length(ruff_config_for(loaded.root)) == 95
