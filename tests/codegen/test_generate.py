"""Generating a package from the fixture AppSync schema: shape, determinism, typing."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from appsync_codegen.generate import generate

from .conftest import PACKAGE, make_project, package_files, run_cli, tool


def _module(package: Path, name: str) -> ast.Module:
    return ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))


def _class(module: ast.Module, name: str) -> ast.ClassDef:
    return next(n for n in module.body if isinstance(n, ast.ClassDef) and n.name == name)


def _methods(class_def: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {
        n.name: n for n in class_def.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def test_both_clients_share_one_package(fixture_package: Path) -> None:
    sync = _methods(_class(_module(fixture_package, "client"), "Client"))
    async_ = _methods(_class(_module(fixture_package, "async_client"), "AsyncClient"))

    queries = {"get_task", "list_tasks", "find", "get_entity", "admin_report", "create_task"}
    operations = queries | {"on_task_created"}
    assert set(sync) == set(async_) == operations
    assert all(isinstance(m, ast.FunctionDef) for m in sync.values())
    # async queries are coroutines; the subscription returns an async generator
    for name, method in async_.items():
        expected = ast.AsyncFunctionDef if name in queries else ast.FunctionDef
        assert isinstance(method, expected), name

    base = _class(_module(fixture_package, "base_client"), "BaseClient")
    async_base = _class(_module(fixture_package, "async_base_client"), "AsyncBaseClient")
    assert [ast.unparse(b) for b in base.bases] == ["AppSyncClient"]
    assert [ast.unparse(b) for b in async_base.bases] == ["AsyncAppSyncClient"]

    init = (fixture_package / "__init__.py").read_text(encoding="utf-8")
    for name in ("Client", "AsyncClient", "GetTask", "NewTask", "TaskState", "BaseModel"):
        assert f'"{name}"' in init
    assert not (fixture_package / "exceptions.py").exists()


def test_methods_send_their_module_level_operation(fixture_package: Path) -> None:
    """Each method sends one Operation constant of its module through the runtime,
    with its variables and typed options; the constant names its model."""
    for module, class_name in (("client", "Client"), ("async_client", "AsyncClient")):
        source = (fixture_package / f"{module}.py").read_text(encoding="utf-8")
        tree = ast.parse(source)
        assert "model_validate" not in source
        constants = {
            node.target.id: node
            for node in tree.body
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        }
        for name, method in _methods(_class(tree, class_name)).items():
            if name.startswith("iter_"):
                continue
            returned = method.body[-1]
            assert isinstance(returned, ast.Return) and returned.value is not None, name
            text = ast.unparse(returned.value)
            constant = "_" + name.upper()
            assert re.fullmatch(
                rf"(await )?self\.(execute|subscribe)_operation\({constant}, variables, options\)",
                text,
            ), text
            assert method.args.kwarg is not None and method.args.kwarg.arg == "options"
            assert constant in constants, name
            annotation = ast.unparse(constants[constant].annotation)
            assert re.fullmatch(r"'Operation\[\w+\]'", annotation), annotation


def test_methods_have_docstrings(fixture_package: Path) -> None:
    methods = _methods(_class(_module(fixture_package, "client"), "Client"))
    get_task = ast.get_docstring(methods["get_task"]) or ""
    assert get_task.startswith("Fetch one task with every scalar.")  # operation description
    assert "``GetTask`` query" in get_task
    assert (ast.get_docstring(methods["create_task"]) or "").startswith("Create a task.")
    # ...and the description is not sent to AppSync.
    source = (fixture_package / "client.py").read_text(encoding="utf-8")
    assert '"Fetch one task with every scalar."' not in source
    fragments = _module(fixture_package, "fragments")
    assert ast.get_docstring(_class(fragments, "TaskFields")) == "A unit of work."
    enums = _module(fixture_package, "enums")
    assert ast.get_docstring(_class(enums, "TaskState")) == "How far along a task is."
    assert "Deprecated: Delete the task instead." in ast.unparse(_class(enums, "TaskState"))


def test_base_model_reexports_the_runtime(fixture_package: Path) -> None:
    code = (
        "from fixture_client.base_model import UNSET, UnsetType, BaseModel\n"
        "import appsync_runtime.model as runtime\n"
        "assert UNSET is runtime.UNSET and UnsetType is runtime.UnsetType\n"
        "assert issubclass(BaseModel, runtime.BaseModel)\n"
        "assert BaseModel.model_config['defer_build'] is True\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=fixture_package.parent, check=True)
    source = (fixture_package / "base_model.py").read_text(encoding="utf-8")
    assert "class UnsetType" not in source and "Upload" not in source


def test_scalars_map_to_the_runtime(fixture_package: Path) -> None:
    fragments = (fixture_package / "fragments.py").read_text(encoding="utf-8")
    # The runtime's parsers accept their own result and refuse the rest: final validators,
    # with no second validation by pydantic (which, in JSON mode, would refuse an
    # already-parsed AWSIPAddress).
    for scalar in ("date", "time", "datetime", "timestamp", "json", "ip_address"):
        assert f"PlainValidator(parse_aws_{scalar})" in fragments
    assert "BeforeValidator" not in fragments
    # AWSEmail, AWSPhone and AWSURL are str: pydantic checks them without a Python call.
    for scalar in ("email", "phone", "url"):
        assert f"parse_aws_{scalar}" not in fragments
    assert "owner: AWSEmail | None" in fragments
    inputs = (fixture_package / "input_types.py").read_text(encoding="utf-8")
    assert "PlainSerializer(serialize_aws_datetime)" in inputs
    assert "serialize_aws_email" not in inputs


def test_a_users_own_parser_keeps_its_before_validator(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        config=(
            '[tool.ariadne-codegen.scalars.AWSURL]\ntype = "str"\nparse = "builtins.str"\n'
            '[tool.ariadne-codegen.scalars.AWSEmail]\ntype = "appsync_runtime.scalars.AWSEmail"\n'
            'parse = "appsync_runtime.scalars.parse_aws_email"\n'
        ),
    )
    generate(config)
    fragments = (tmp_path / PACKAGE / "fragments.py").read_text(encoding="utf-8")
    assert "BeforeValidator(str)" in fragments  # not ours: pydantic validates after it
    assert "PlainValidator(parse_aws_datetime)" in fragments
    assert "parse_aws_email" not in fragments  # ours, mapped explicitly: a plain str still
    assert "owner: AWSEmail | None" in fragments


@pytest.fixture(scope="module")
def mypy_errors(fixture_package: Path) -> dict[str, list[int]]:
    """One ``mypy --strict`` run over the package and the user code below: error lines by file."""
    (fixture_package.parent / "user_code.py").write_text(USER_CODE, encoding="utf-8")
    result = subprocess.run(
        [tool("mypy"), "--strict", "--no-incremental", "user_code.py", PACKAGE],
        cwd=fixture_package.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1:] or [result.stderr]
    assert summary[0].startswith(("Success:", "Found ")), result.stdout + result.stderr
    errors: dict[str, list[int]] = {}
    for line in result.stdout.splitlines():
        if ": error:" in line:
            path, number = line.split(":")[:2]
            errors.setdefault(Path(path).as_posix(), []).append(int(number))
    return errors


def test_generated_package_passes_mypy_strict(mypy_errors: dict[str, list[int]]) -> None:
    in_package = {path: lines for path, lines in mypy_errors.items() if path != "user_code.py"}
    assert in_package == {}


def test_generated_package_passes_ruff(fixture_package: Path) -> None:
    # The fixture project has no ruff configuration: generation ran ruff isolated
    # at 88 columns, so check the same way, with the repository's rule selection.
    common = ["--isolated", "--no-cache", "--target-version", "py310", "--line-length", "88"]
    check = subprocess.run(
        [tool("ruff"), "check", *common, "--select", "E,F,W,I,UP,B,SIM,RUF", PACKAGE],
        cwd=fixture_package.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    formatted = subprocess.run(
        [tool("ruff"), "format", "--check", *common, PACKAGE],
        cwd=fixture_package.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_importing_a_client_stays_light(fixture_package: Path) -> None:
    code = (
        "import sys, fixture_client\n"
        "fixture_client.Client\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'aiohttp', 'graphql', 'ariadne_codegen'})\n"
        "assert not heavy, heavy\n"
        "assert 'fixture_client.get_task' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=fixture_package.parent, check=True)


def test_generation_is_deterministic(tmp_path: Path) -> None:
    config = make_project(tmp_path / "project")
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        out.mkdir()
        result = run_cli(
            ["generate", "--config", str(config), "--output", str(out)],
            tmp_path,
            env={"PYTHONHASHSEED": seed},
        )
        assert result.returncode == 0, result.stderr
        outputs.append(package_files(out / PACKAGE))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 10


def test_regenerating_in_place_changes_nothing(
    fixture_project: Path, fixture_package: Path
) -> None:
    before = package_files(fixture_package)
    result = generate(fixture_project)
    assert package_files(fixture_package) == before
    assert result.removed == []


@pytest.mark.parametrize("enabled", [True, False])
def test_generation_leaves_the_garbage_collector_as_it_found_it(
    tmp_path: Path, enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generation pauses Python's cyclic collector; it restores the caller's setting,
    also when generation fails."""
    import gc

    from appsync_codegen import generate as generation
    from appsync_codegen.errors import CodegenError

    config = make_project(tmp_path / "project")
    broken = make_project(
        tmp_path / "broken",
        operations={"a.graphql": "query A { noSuchField }\n"},
        appsync='default_auth_mode = "API_KEY"',
    )
    seen: list[bool] = []
    install = generation._install  # pyright: ignore[reportPrivateUsage]

    def spy(*args: Any) -> list[str]:
        seen.append(gc.isenabled())
        return install(*args)

    monkeypatch.setattr(generation, "_install", spy)
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        generate(config, editor=False)
        assert seen == [False]  # paused while generating
        assert gc.isenabled() is enabled
        with pytest.raises(CodegenError):
            generate(broken, editor=False)
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_prelude_is_harmless_where_the_schema_declares_it(tmp_path: Path) -> None:
    schema = (
        "scalar AWSDateTime\n"
        "directive @aws_api_key on OBJECT | FIELD_DEFINITION\n"
        "type Query @aws_api_key { now: AWSDateTime!, at(d: AWSDate): AWSDate @aws_iam }\n"
    )
    config = make_project(tmp_path, schema=schema, operations={"q.graphql": "query Now { now at }"})
    generate(config)
    module = (tmp_path / PACKAGE / "now.py").read_text(encoding="utf-8")
    assert "parse_aws_datetime" in module and "parse_aws_date" in module


def test_user_scalar_mappings_win(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        config='[tool.ariadne-codegen.scalars.AWSURL]\ntype = "str"\n',
    )
    generate(config)
    fragments = (tmp_path / PACKAGE / "fragments.py").read_text(encoding="utf-8")
    assert "link: str | None" in fragments
    assert "AWSURL" not in fragments
    assert "parse_aws_datetime" in fragments  # the others still come from the runtime


def test_client_names_are_configurable(tmp_path: Path) -> None:
    config = make_project(
        tmp_path,
        appsync='client_name = "TasksClient"\nasync_client_name = "AsyncTasksClient"\n',
    )
    generate(config)
    init = (tmp_path / PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert '"TasksClient": ".client"' in init
    assert '"AsyncTasksClient": ".async_client"' in init


def test_one_client_only(tmp_path: Path) -> None:
    config = make_project(tmp_path, appsync='clients = ["sync"]\n')
    result = generate(config)
    assert "client.py" in result.files
    assert "async_client.py" not in result.files
    assert "on_task_created.py" in result.files
    client = (tmp_path / PACKAGE / "client.py").read_text(encoding="utf-8")
    assert "def on_task_created(" in client  # a blocking iterator
    assert "return self.subscribe_operation(_ON_TASK_CREATED, variables, options)" in client
    assert '-> Generator["OnTaskCreated", None, None]:' in client


def test_stale_modules_are_removed(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    generate(config)
    (tmp_path / "operations" / "tasks.graphql").write_text(
        "query GetTask($id: ID!) { task(id: $id) { id } }\n", encoding="utf-8"
    )
    (tmp_path / PACKAGE / "handwritten.py").write_text("X = 1\n", encoding="utf-8")
    result = generate(config)
    assert "find.py" in result.removed
    assert not (tmp_path / PACKAGE / "find.py").exists()
    assert (tmp_path / PACKAGE / "handwritten.py").exists()


def test_check_reports_an_outdated_package(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    assert run_cli(["generate", "--config", str(config)], tmp_path).returncode == 0
    assert run_cli(["--check", "--config", str(config)], tmp_path).returncode == 0
    (tmp_path / PACKAGE / "find.py").write_text("# edited\n", encoding="utf-8")
    result = run_cli(["generate", "--check", "--config", str(config)], tmp_path)
    assert result.returncode == 1
    assert "find.py: changed" in result.stderr


def test_deprecated_fields_are_reported_as_warnings(tmp_path: Path) -> None:
    config = make_project(
        tmp_path, operations={"q.graphql": "query Old($id: ID!) {\n  task(id: $id) { name }\n}\n"}
    )
    result = run_cli(["--config", str(config)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "operations/q.graphql:2:19: warning: " in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("relative", [True, False])
def test_paths_are_relative_to_the_config_file(tmp_path: Path, relative: bool) -> None:
    config = make_project(tmp_path / "project")
    argument = "project/pyproject.toml" if relative else str(config)
    result = run_cli(["generate", "--config", argument], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "project" / PACKAGE / "client.py").is_file()


USER_CODE = """
from datetime import date

from fixture_client import AsyncClient, Client, GetTask, NewTask, TaskState


def use(client: Client) -> str:
    for event in client.on_task_created():
        created: str | None = event.on_task_created.title if event.on_task_created else None
        print(created)
    result: GetTask = client.get_task(id="1")
    task = result.task
    assert task is not None
    due: date | None = task.due
    state: TaskState = task.state
    client.create_task(input=NewTask(title="x", due=date(2024, 1, 1)))
    client.list_tasks(since=None)
    return task.title + str(due) + state.value


async def listen(client: AsyncClient) -> list[str]:
    events = client.on_task_created()
    return [event.on_task_created.id async for event in events if event.on_task_created]


def misuse(client: Client) -> None:
    client.get_task(id=1)
    client.get_task()
    client.get_task(id="1").task.nope
    next(client.on_task_created()).nope
"""


def test_user_code_is_type_checked(mypy_errors: dict[str, list[int]]) -> None:
    """What an editor sees: typed arguments and results, and mistakes flagged."""
    lines = USER_CODE.splitlines()
    flagged = sorted(set(mypy_errors.get("user_code.py", [])))
    misuse = lines.index("def misuse(client: Client) -> None:") + 1
    assert flagged == [misuse + 1, misuse + 2, misuse + 3, misuse + 4], mypy_errors
