"""Auth modes in generated packages: methods, docstrings, OPERATIONS, and what generation says."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from appsync_codegen.generate import generate
from appsync_runtime import ApiKeyAuth

from .conftest import PACKAGE, make_project, run_cli

URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"
WARNING = r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): warning: (?P<message>.+)$"


@pytest.fixture(scope="module")
def fixture_module(fixture_package: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(fixture_package.parent))
    try:
        yield importlib.import_module(fixture_package.name)
    finally:
        sys.path.remove(str(fixture_package.parent))


def _method(package: Path, module: str, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    tree = ast.parse((package / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node
    raise AssertionError(f"no method {name} in {module}.py")


def _auth_modes(package: Path, module: str, name: str) -> Any:
    """The auth modes a method passes: its module's Operation constant's."""
    tree = ast.parse((package / f"{module}.py").read_text(encoding="utf-8"))
    constant = "_" + name.upper()
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == constant
            and isinstance(node.value, ast.Call)
        ):
            for keyword in node.value.keywords:
                if keyword.arg == "auth_modes":
                    return ast.literal_eval(keyword.value)
    return None


def test_every_method_names_its_modes(fixture_package: Path) -> None:
    for module in ("client", "async_client"):
        assert _auth_modes(fixture_package, module, "get_task") == ("API_KEY", "AWS_IAM")
        assert _auth_modes(fixture_package, module, "admin_report") == ("AWS_IAM",)
        # Person (a possible Found) allows the API key only.
        assert _auth_modes(fixture_package, module, "find") == ("API_KEY",)
        assert _auth_modes(fixture_package, module, "on_task_created") == ("API_KEY",)
    doc = ast.get_docstring(_method(fixture_package, "client", "admin_report")) or ""
    assert doc.endswith("Auth modes: ``AWS_IAM``.")


def test_operations_metadata(fixture_module: ModuleType) -> None:
    operations = fixture_module.OPERATIONS
    info = operations["GetTask"]
    assert isinstance(info, fixture_module.OperationInfo)
    assert (info.kind, info.method, info.auth_modes) == (
        "query",
        "get_task",
        ("API_KEY", "AWS_IAM"),
    )
    assert info.cognito_groups == ()
    assert info.source == "operations/tasks.graphql:2"
    assert operations["OnTaskCreated"].kind == "subscription"
    assert sorted(operations) == [
        "AdminReport",
        "CreateTask",
        "Find",
        "GetEntity",
        "GetTask",
        "ListTasks",
        "OnTaskCreated",
    ]


def test_importing_the_client_does_not_import_the_metadata(fixture_package: Path) -> None:
    code = (
        "import sys, fixture_client\n"
        "fixture_client.Client\n"
        "assert 'fixture_client._operations' not in sys.modules\n"
        "assert fixture_client.OPERATIONS['Find'].auth_modes == ('API_KEY',)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=fixture_package.parent, check=True)


def test_cognito_groups_reach_docstrings_and_metadata(tmp_path: Path) -> None:
    operations = {"s.graphql": 'query Secret {\n  task(id: "1") { id secret }\n}\n'}
    appsync = 'default_auth_mode = "AMAZON_COGNITO_USER_POOLS"\nadditional_auth_modes = []\n'
    config = make_project(tmp_path, operations=operations, appsync=appsync, config="")
    # Query allows API key and IAM only: give the field a Cognito-capable root.
    schema = (tmp_path / "schema.graphql").read_text(encoding="utf-8")
    (tmp_path / "schema.graphql").write_text(
        schema.replace("type Query @aws_api_key @aws_iam", "type Query @aws_cognito_user_pools"),
        encoding="utf-8",
    )
    generate(config)
    package = tmp_path / PACKAGE
    method = _method(package, "client", "secret")
    assert _auth_modes(package, "client", "secret") == ("AMAZON_COGNITO_USER_POOLS",)
    doc = " ".join((ast.get_docstring(method) or "").split())
    assert "Cognito callers must belong to the group ``admins``." in doc
    code = (
        "import fixture_client as p\nassert p.OPERATIONS['Secret'].cognito_groups == (('admins',),)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)


UNRUNNABLE = 'query Both {\n  adminReport\n  task(id: "1") { id }\n}\n'
KEY_ONLY = 'default_auth_mode = "API_KEY"\nadditional_auth_modes = []\n'


def test_an_operation_no_mode_can_run_is_an_error(tmp_path: Path) -> None:
    config = make_project(tmp_path, operations={"both.graphql": UNRUNNABLE}, appsync=KEY_ONLY)
    result = run_cli(["generate", "--config", str(config)], tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("operations/both.graphql:1:7: query Both: no configured auth mode")
    assert "adminReport (Query.adminReport) allows AWS_IAM" in line
    assert not (tmp_path / PACKAGE).exists()


def test_unrunnable_operations_can_be_warnings(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        operations={"both.graphql": UNRUNNABLE},
        appsync=KEY_ONLY + 'unrunnable_operations = "warn"\n',
    )
    result = run_cli(["generate", "--config", str(config)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "operations/both.graphql:1:7: warning: query Both: no configured auth mode" in (
        result.stderr
    )
    method = _method(tmp_path / PACKAGE, "client", "both")
    assert _auth_modes(tmp_path / PACKAGE, "client", "both") == ()
    assert "raises ``AppSyncConfigError``" in " ".join((ast.get_docstring(method) or "").split())
    code = (
        "import fixture_client as p\n"
        "from appsync_runtime import ApiKeyAuth, AppSyncConfigError\n"
        f"client = p.Client({URL!r}, auth=ApiKeyAuth('da2-x'))\n"
        "try:\n    client.both()\nexcept AppSyncConfigError as e:\n    print(e)\n"
        "else:\n    raise SystemExit('sent')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert "allows auth modes [none]" in done.stdout


def test_without_auth_options_there_is_a_notice_and_no_modes(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    result = run_cli(["generate", "--config", str(config)], tmp_path)
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "auth modes not analysed" in line]
    assert len(notices) == 1
    assert notices[0].startswith("pyproject.toml:")
    assert "set default_auth_mode and additional_auth_modes" in notices[0]
    assert _auth_modes(tmp_path / PACKAGE, "client", "get_task") is None
    code = "import fixture_client as p\nassert p.OPERATIONS['GetTask'].auth_modes is None"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)


def test_sync_subscription_yields_typed_events(
    fixture_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def subscribe(
        self: object, query: str, operation_name: str, variables: Any, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        calls.append({"operation_name": operation_name, "query": query, **kwargs})
        yield {"onTaskCreated": {"id": "t1", "title": "first"}}
        yield {"onTaskCreated": None}

    monkeypatch.setattr(fixture_module.Client, "subscribe", subscribe)
    client = fixture_module.Client(URL, auth=ApiKeyAuth("da2-test"))
    events = list(client.on_task_created(on_ready=print))
    assert [type(event).__name__ for event in events] == ["OnTaskCreated", "OnTaskCreated"]
    assert events[0].on_task_created.title == "first"
    assert events[1].on_task_created is None
    assert calls[0]["operation_name"] == "OnTaskCreated"
    assert calls[0]["auth_modes"] == ("API_KEY",)
    assert calls[0]["on_ready"] is print


# A course backend's deployed schema shape: auth directives on a union and an
# interface, and a Merged API source's directives.
DEPLOYED_SCHEMA = """
interface Node @aws_api_key @aws_cognito_user_pools { id: ID! }
type Lesson implements Node @aws_api_key @aws_cognito_user_pools @canonical {
  id: ID!
  title: String @renamed(to: "name")
  draft: String @hidden
}
type Quiz implements Node @aws_cognito_user_pools { id: ID! }
union SearchHit @aws_cognito_user_pools = Lesson | Quiz
type Query @aws_api_key @aws_cognito_user_pools {
  search(text: String!): [SearchHit!]!
  node(id: ID!): Node
  lesson(id: ID!): Lesson
}
"""


def test_deployed_abstract_and_merged_api_directives_generate(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        schema=DEPLOYED_SCHEMA,
        operations={
            "search.graphql": (
                "query Search($t: String!) {\n  search(text: $t) { ... on Lesson { id } }\n}\n"
            ),
            "lesson.graphql": 'query GetLesson {\n  lesson(id: "1") { id title }\n}\n',
        },
        appsync='default_auth_mode = "API_KEY"\n'
        'additional_auth_modes = ["AMAZON_COGNITO_USER_POOLS"]',
    )
    result = run_cli(["generate", "--config", str(config)], tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [re.match(WARNING, line) for line in result.stderr.splitlines()]
    [union] = [w for w in warnings if w and "on union SearchHit" in w["message"]]
    schema_lines = (tmp_path / "schema.graphql").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(schema_lines, 1) if text.startswith("union SearchHit"))
    assert (union["file"], int(union["line"]), int(union["column"])) == (
        "schema.graphql",
        line,
        schema_lines[line - 1].index("@aws_cognito_user_pools") + 1,
    )
    assert union["message"].startswith(
        "@aws_cognito_user_pools on union SearchHit: AppSync does not document"
    )
    assert "never more" in union["message"]
    assert not any(w and "interface Node" in w["message"] for w in warnings)  # not reached
    modes = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import {PACKAGE} as p; print(p.OPERATIONS['Search'].auth_modes, "
            "p.OPERATIONS['GetLesson'].auth_modes)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split(") (")
    assert modes == ["('AMAZON_COGNITO_USER_POOLS',", "'API_KEY', 'AMAZON_COGNITO_USER_POOLS')\n"]
