"""``appsync-codegen diff OLD NEW``: schema changes, broken operations, auth drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from appsync_codegen.config import load_config
from appsync_codegen.drift import diff_schemas, format_report

from .conftest import Outcome, chdir, run

SCHEMA = """\
type Query @aws_api_key @aws_iam {
  note(id: ID!): Note
  notes(status: Status): [Note!]!
}

type Mutation @aws_api_key @aws_iam {
  setStatus(id: ID!, status: Status!): Note
}

type Note @aws_api_key @aws_iam {
  id: ID!
  title: String!
  body: String
  status: Status!
}

enum Status {
  OPEN
  DONE
  ARCHIVED
}
"""

OPERATIONS = {
    "get_note.graphql": """\
query GetNote($id: ID!) {
  note(id: $id) {
    id
    title
    body
    status
  }
}
""",
    "set_status.graphql": """\
mutation SetStatus($id: ID!, $status: Status!) {
  setStatus(id: $id, status: $status) {
    id
  }
}
""",
}

AUTH = 'default_auth_mode = "API_KEY"\nadditional_auth_modes = ["AWS_IAM"]\n'


def project(root: Path, auth: str = AUTH) -> Path:
    """A project with ``SCHEMA`` as old.graphql and the two operations; returns its config."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "old.graphql").write_text(SCHEMA, encoding="utf-8")
    operations = root / "operations"
    operations.mkdir()
    for name, text in OPERATIONS.items():
        (operations / name).write_text(text, encoding="utf-8")
    config = root / "pyproject.toml"
    config.write_text(
        "[tool.ariadne-codegen]\n"
        'schema_path = "old.graphql"\n'
        'queries_path = "operations"\n'
        'target_package_name = "notes_client"\n'
        f"[tool.ariadne-codegen.appsync]\n{auth}",
        encoding="utf-8",
    )
    return config


def diff(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    *extra: str,
    auth: str = AUTH,
    more: dict[str, str] | None = None,
    append: str = "",
) -> Outcome:
    """Write NEW: ``SCHEMA`` with ``old`` replaced by ``new`` (and ``more`` replacements,
    ``append`` added); run diff from the project."""
    root = tmp_path / "p"
    config = project(root, auth)
    text = SCHEMA
    for before, after in {old: new, **(more or {})}.items():
        assert before in text
        text = text.replace(before, after, 1)
    (root / "new.graphql").write_text(text + append, encoding="utf-8")
    with chdir(root):
        return run(["diff", "old.graphql", "new.graphql", "--config", str(config), *extra], capsys)


def test_removed_field_an_operation_selects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = diff(tmp_path, capsys, "  body: String\n", "")
    assert outcome.code == 1, outcome.out
    assert "old.graphql:13:3: breaking: Note.body was removed." in outcome.out
    assert (
        "operations/get_note.graphql:5:5: error: GetNote: Cannot query field 'body' on type "
        "'Note'. (Note.body was removed.)" in outcome.out
    )
    assert "SetStatus" not in outcome.out
    assert "Result: NEW breaks the project" in outcome.out


def test_removed_field_nobody_selects_is_not_affecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = diff(tmp_path, capsys, "  notes(status: Status): [Note!]!\n", "")
    assert outcome.code == 0, outcome.out
    assert "breaking: Query.notes was removed." in outcome.out
    assert "Operations broken by NEW: 0 of 2" in outcome.out


def test_nullability_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = diff(tmp_path, capsys, "  title: String!\n", "  title: String\n")
    assert outcome.code == 1, outcome.out
    # Valid GraphQL still, but the generated model says `str`: located where it is read.
    assert (
        "operations/get_note.graphql:4:5: error: GetNote: Note.title changed type from "
        "String! to String." in outcome.out
    )


def test_new_required_argument(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = diff(tmp_path, capsys, "note(id: ID!)", "note(id: ID!, tenant: String!)")
    assert outcome.code == 1, outcome.out
    assert "operations/get_note.graphql:2:3: error: GetNote: Field 'note' argument 'tenant'" in (
        outcome.out
    )
    assert "(A required arg tenant on Query.note was added.)" in outcome.out


def test_removed_enum_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = diff(tmp_path, capsys, "  ARCHIVED\n", "")
    assert outcome.code == 1, outcome.out
    assert "breaking: ARCHIVED was removed from enum type Status." in outcome.out
    # SetStatus sends a Status (its variable); GetNote reads one.
    assert (
        "operations/set_status.graphql:1:30: error: SetStatus: ARCHIVED was removed from enum "
        "type Status." in outcome.out
    )
    assert "operations/get_note.graphql:6:5: error: GetNote: ARCHIVED was removed" in outcome.out


def test_auth_directives_drop_the_configured_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = diff(tmp_path, capsys, "  note(id: ID!): Note\n", "  note(id: ID!): Note @aws_iam\n")
    assert outcome.code == 1, outcome.out
    assert "Auth drift: 1" in outcome.out
    assert (
        "operations/get_note.graphql:1:7: error: GetNote: allowed auth modes "
        "[API_KEY, AWS_IAM] -> [AWS_IAM]: callers using API_KEY will be refused; "
        "because note (Query.note) allows AWS_IAM" in outcome.out
    )
    # Not a schema change graphql-core knows about: only the auth section says so.
    assert "0 breaking, 0 dangerous" in outcome.out


def test_no_configured_mode_can_run_it_any_more(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = diff(
        tmp_path,
        capsys,
        "  note(id: ID!): Note\n",
        "  note(id: ID!): Note @aws_iam\n",
        auth='default_auth_mode = "API_KEY"\nadditional_auth_modes = []\n',
    )
    assert outcome.code == 1, outcome.out
    assert "[API_KEY] -> []: no configured mode can run it any more" in outcome.out


def test_an_added_mode_is_not_breaking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = diff(
        tmp_path,
        capsys,
        "type Mutation @aws_api_key @aws_iam {",
        "type Mutation @aws_api_key @aws_iam @aws_oidc {",
        more={"type Note @aws_api_key @aws_iam {": "type Note @aws_api_key @aws_iam @aws_oidc {"},
        auth=(
            'default_auth_mode = "API_KEY"\nadditional_auth_modes = ["AWS_IAM", "OPENID_CONNECT"]\n'
        ),
    )
    assert outcome.code == 0, outcome.out
    assert "note: SetStatus: allowed auth modes [API_KEY, AWS_IAM] -> " in outcome.out
    assert "now also OPENID_CONNECT" in outcome.out


def test_a_purely_additive_change_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = diff(
        tmp_path,
        capsys,
        "  body: String\n",
        "  body: String\n  tags: [String!]\n  author: Author\n",
        more={"note(id: ID!)": "note(id: ID!, version: Int)"},
        append="\ntype Author @aws_api_key {\n  name: String!\n}\n",
    )
    assert outcome.code == 0, outcome.out
    assert "0 breaking, 1 dangerous" in outcome.out
    assert "dangerous: An optional arg version on Query.note was added." in outcome.out
    assert "Operations broken by NEW: 0 of 2 (0 problems)\n" in outcome.out  # no warning
    assert "Result: nothing in NEW breaks the project" in outcome.out


def test_dangerous_changes_warn_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = diff(tmp_path, capsys, "  ARCHIVED\n", "  ARCHIVED\n  BLOCKED\n")
    assert outcome.code == 0, outcome.out
    assert "dangerous: BLOCKED was added to enum type Status." in outcome.out
    assert "warning: GetNote: BLOCKED was added to enum type Status." in outcome.out
    strict = diff(
        tmp_path / "strict", capsys, "  ARCHIVED\n", "  ARCHIVED\n  BLOCKED\n", "--strict"
    )
    assert strict.code == 1


def test_github_annotations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = diff(tmp_path, capsys, "  body: String\n", "", "--format", "github")
    assert outcome.code == 1
    lines = outcome.out.splitlines()
    assert (
        "::error file=operations/get_note.graphql,line=5,col=5,title=appsync-codegen diff::"
        "GetNote: Cannot query field 'body' on type 'Note'. (Note.body was removed.)" in lines
    )
    assert (
        "::warning file=old.graphql,line=13,col=3,title=appsync-codegen diff::"
        "breaking: Note.body was removed." in lines
    )


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = diff(tmp_path, capsys, "  title: String!\n", "  title: String\n", "--format", "json")
    assert outcome.code == 1
    data = json.loads(outcome.out)
    assert data["affects_project"] is True
    assert data["operations_checked"] == 2
    assert data["breaking_changes"][0]["kind"] == "FIELD_CHANGED_KIND"
    problem = data["operation_problems"][0]
    assert problem["file"] == "operations/get_note.graphql"
    assert problem["line"] == 4
    assert problem["operations"] == ["GetNote"]


def test_fragments_report_the_operations_using_them(tmp_path: Path) -> None:
    config = project(tmp_path / "p")
    operations = config.parent / "operations"
    (operations / "get_note.graphql").write_text(
        "query GetNote($id: ID!) { note(id: $id) { ...NoteFields } }\n"
        "fragment NoteFields on Note { id body }\n",
        encoding="utf-8",
    )
    new = config.parent / "new.graphql"
    new.write_text(SCHEMA.replace("  body: String\n", ""), encoding="utf-8")
    with chdir(config.parent):
        report = diff_schemas("old.graphql", "new.graphql", load_config(config))
    assert [p.operations for p in report.operation_problems] == [("GetNote",)]
    assert report.operation_problems[0].line == 2
    assert report.affects_project


def test_without_a_config_any_breaking_change_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "old.graphql").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "new.graphql").write_text(SCHEMA.replace("  body: String\n", ""), "utf-8")
    (tmp_path / "same.graphql").write_text(SCHEMA, encoding="utf-8")
    with chdir(tmp_path):
        broken = run(["diff", "old.graphql", "new.graphql"], capsys)
        same = run(["diff", "old.graphql", "same.graphql"], capsys)
    assert broken.code == 1
    assert "no configuration" in broken.out
    assert same.code == 0


def test_introspection_json_has_no_auth_to_compare(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from graphql import introspection_from_schema

    from appsync_codegen.schema_source import load_schema_file

    config = project(tmp_path / "p")
    root = config.parent
    data = introspection_from_schema(load_schema_file(root / "old.graphql"))
    (root / "new.json").write_text(json.dumps({"data": data}), encoding="utf-8")
    with chdir(root):
        outcome = run(["diff", "old.graphql", "new.json", "--config", str(config)], capsys)
    assert outcome.code == 0, outcome.out
    assert "auth modes not compared: NEW has no auth directives" in outcome.out


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (
            lambda root: (root / "new.graphql").write_text("type Query {\n  x: \n}\n"),
            "new.graphql:3:1: Syntax Error",
        ),
        (
            lambda root: (root / "new.graphql").write_text("type Query { x: Missing }\n"),
            "Unknown type 'Missing'",
        ),
        (lambda root: (root / "new.graphql").write_bytes(b"\xff\xfe"), "not a text file"),
        (lambda root: (root / "new.graphql").write_text("{]"), "Syntax Error"),
        (lambda root: (root / "new.json").write_text("{}"), "no __schema"),
        (lambda root: None, "schema file not found"),
    ],
    ids=["syntax", "unknown-type", "binary", "garbage", "json-no-schema", "missing"],
)
def test_malformed_schema_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: object, words: str
) -> None:
    config = project(tmp_path / "p")
    root = config.parent
    setup(root)  # type: ignore[operator]
    new = "new.json" if (root / "new.json").exists() else "new.graphql"
    with chdir(root):
        outcome = run(["diff", "old.graphql", new, "--config", str(config)], capsys)
    assert outcome.code == 2, outcome.out
    assert words in outcome.err
    assert outcome.out == ""


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda config: config.unlink(), "config file not found"),
        (
            lambda config: config.write_text(
                config.read_text().replace('"operations"', '"nowhere"')
            ),
            "queries_path: 'nowhere' does not exist",
        ),
        (lambda config: config.write_text("[tool.ariadne-codegen\n"), "invalid TOML"),
        (
            lambda config: (config.parent / "operations" / "get_note.graphql").write_text(
                "query {"
            ),
            "operations/get_note.graphql:1:8: Syntax Error",
        ),
    ],
    ids=["no-config", "no-operations", "bad-toml", "bad-operation"],
)
def test_bad_config_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: object, words: str
) -> None:
    config = project(tmp_path / "p")
    (config.parent / "new.graphql").write_text(SCHEMA, encoding="utf-8")
    change(config)  # type: ignore[operator]
    with chdir(config.parent):
        outcome = run(["diff", "old.graphql", "new.graphql", "--config", str(config)], capsys)
    assert outcome.code == 2
    assert words in outcome.err
    assert len(outcome.err.strip().splitlines()) == 1


def test_format_report_rejects_unknown_formats(tmp_path: Path) -> None:
    (tmp_path / "s.graphql").write_text(SCHEMA, encoding="utf-8")
    report = diff_schemas(tmp_path / "s.graphql", tmp_path / "s.graphql")
    with pytest.raises(ValueError, match="unknown format"):
        format_report(report, "xml")
