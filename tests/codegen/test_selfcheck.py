"""``generate`` proves the package works before exiting 0, and writes nothing otherwise.

Each test breaks the generated code on purpose (the plugin patched in the
command's process, or a plugin of the user's) and expects exit status 2, one
located line per problem naming the GraphQL element and the generated
``file:line``, and the previous package untouched.
"""

from __future__ import annotations

import os
import re
import string
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from graphql import OperationDefinitionNode, Source, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_codegen.editor import GRAPHQL_CONFIG_NAME, PRELUDE_COPY_NAME
from appsync_codegen.generate import generate
from appsync_codegen.selfcheck import Origin, Origins, locate
from tests.support.examples import examples

from .conftest import AUTH_OPTIONS, PACKAGE, make_project, package_files, run_cli, tool

EDITOR_FILES = (GRAPHQL_CONFIG_NAME, PRELUDE_COPY_NAME)
LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")

# The plugin, patched in the command's process: each breaks the code one way.
RENAME_METHOD = """
from appsync_codegen.plugin import AppSyncPlugin
_original = AppSyncPlugin.generate_client_method
def patched(self, method_def, operation_definition):
    method_def = _original(self, method_def, operation_definition)
    if operation_definition.name.value == "GetTask":
        method_def.name = {name!r}
    return method_def
AppSyncPlugin.generate_client_method = patched
"""
RENAME_FIELD = """
import ast
from appsync_codegen.plugin import AppSyncPlugin
_original = AppSyncPlugin.generate_result_class
def patched(self, class_def, operation_definition, selection_set):
    result = _original(self, class_def, operation_definition, selection_set)
    for node in result.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "label_grid":
            node.target.id = "class"
    return result
AppSyncPlugin.generate_result_class = patched
"""
UNKNOWN_ANNOTATION = """
import ast
from appsync_codegen.plugin import AppSyncPlugin
_original = AppSyncPlugin.generate_result_field
def patched(self, field_implementation, operation_definition, field):
    result = _original(self, field_implementation, operation_definition, field)
    if field.name.value == "labelGrid":
        result.annotation = ast.Constant("NoSuchType")
    return result
AppSyncPlugin.generate_result_field = patched
"""
MISSING_IMPORT = """
import ast
from appsync_codegen.plugin import AppSyncPlugin
_original = AppSyncPlugin.generate_client_method
def patched(self, method_def, operation_definition):
    method_def = _original(self, method_def, operation_definition)
    if operation_definition.name.value == "ListTasks":
        method_def.body[1:1] = ast.parse("from .enums import NoSuchEnum; print(NoSuchEnum)").body
    return method_def
AppSyncPlugin.generate_client_method = patched
"""
# A plugin of the user's (defined in the command's __main__) breaking a module's import.
FAILING_IMPORT_PLUGIN = """
import ast
from ariadne_codegen.plugins.base import Plugin
class FailingImport(Plugin):
    def generate_result_types_module(self, module, operation_definition):
        if operation_definition.name.value == "ListTasks":
            module.body[0:0] = ast.parse(
                "import appsync_no_such_module\\nappsync_no_such_module.VALUE"
            ).body
        return module
"""


def _project(tmp_path: Path, config: str = "") -> Path:
    return make_project(tmp_path / "project", appsync=AUTH_OPTIONS, config=config)


def _located(stderr: str, returncode: int) -> list[re.Match[str]]:
    assert returncode == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    matches = [LOCATED.match(line) for line in lines]
    assert lines and all(matches), lines
    return [match for match in matches if match is not None]


def _generate(config: Path, preamble: str = "") -> subprocess.CompletedProcess[str]:
    return run_cli(["generate", "--config", str(config)], config.parent, preamble=preamble)


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_method_replacing_a_client_member_is_refused_at_its_operation(tmp_path: Path) -> None:
    config = _project(tmp_path)
    found = _located(*_cli(_generate(config, RENAME_METHOD.format(name="close"))))
    operations = config.parent / "operations" / "tasks.graphql"
    line = _line_of(operations, "query GetTask")
    messages = {match["message"] for match in found}
    assert {(match["file"], int(match["line"])) for match in found} == {
        ("operations/tasks.graphql", line)
    }
    for client, base in (("Client", "AppSyncClient"), ("AsyncClient", "AsyncAppSyncClient")):
        expected = [
            m
            for m in messages
            if m.startswith(f"query GetTask: its client method {client}.close replaces ")
            and f"{base}.close, which the client needs" in m
        ]
        assert expected, messages
    assert any(re.search(rf"\({PACKAGE}/client\.py:\d+\)", m) for m in messages)
    assert not (config.parent / PACKAGE).exists()


@pytest.mark.parametrize(
    "member", ["execute", "subscribe", "__enter__", "_prepare", "validate_result"]
)
def test_any_base_member_counts(tmp_path: Path, member: str) -> None:
    config = _project(tmp_path)
    found = _located(*_cli(_generate(config, RENAME_METHOD.format(name=member))))
    assert any(f"Client.{member} replaces " in match["message"] for match in found), found


def test_code_that_does_not_parse_is_located_at_the_field_that_produced_it(
    tmp_path: Path,
) -> None:
    config = _project(tmp_path)
    [found] = _located(*_cli(_generate(config, RENAME_FIELD)))
    operations = config.parent / "operations" / "tasks.graphql"
    assert (found["file"], int(found["line"])) == (
        "operations/tasks.graphql",
        _line_of(operations, "labelGrid"),
    )
    assert found["message"].startswith(
        "query GetTask, selection task, field labelGrid: generated code is broken at "
        f"{PACKAGE}/get_task.py:"
    )
    assert "SyntaxError" in found["message"]
    assert found["message"].endswith("nothing was written")


def test_a_model_that_does_not_build_is_located(tmp_path: Path) -> None:
    config = _project(tmp_path)
    found = _located(*_cli(_generate(config, UNKNOWN_ANNOTATION)))
    assert all(match["file"] == "operations/tasks.graphql" for match in found)
    messages = [match["message"] for match in found]
    assert any(
        m.startswith("query GetTask, selection task: generated code is broken at ")
        and "model GetTaskTask does not build" in m
        and "NoSuchType" in m
        for m in messages
    ), messages


def test_an_import_inside_a_method_must_resolve(tmp_path: Path) -> None:
    """Methods import their models when called: the check imports them now."""
    config = _project(tmp_path)
    found = _located(*_cli(_generate(config, MISSING_IMPORT)))
    line = _line_of(config.parent / "operations" / "tasks.graphql", "query ListTasks")
    assert {(match["file"], int(match["line"])) for match in found} == {
        ("operations/tasks.graphql", line)
    }
    assert all(
        "imports NoSuchEnum from .enums, which does not define it" in match["message"]
        for match in found
    )


def test_a_module_failing_to_import_is_located(tmp_path: Path) -> None:
    config = _project(tmp_path, config='plugins = ["__main__.FailingImport"]')
    found = _located(*_cli(_generate(config, FAILING_IMPORT_PLUGIN)))
    assert [match["file"] for match in found] == ["operations/tasks.graphql"]
    assert found[0]["message"].startswith("query ListTasks")
    assert f"{PACKAGE}/list_tasks.py:" in found[0]["message"]
    assert "ModuleNotFoundError: No module named 'appsync_no_such_module'" in found[0]["message"]


def test_a_failed_check_leaves_the_previous_package_as_it_was(tmp_path: Path) -> None:
    config = _project(tmp_path)
    assert _generate(config).returncode == 0
    package = config.parent / PACKAGE
    # the package and the editor files beside the config (appsync_codegen.editor)
    kept = [*package.iterdir(), *(config.parent / name for name in EDITOR_FILES)]
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in kept}
    (config.parent / "operations" / "extra.graphql").write_text(
        'query Extra { task(id: "1") { id } }\n', encoding="utf-8"
    )
    _located(*_cli(_generate(config, RENAME_METHOD.format(name="close"))))
    kept = [*package.iterdir(), *(config.parent / name for name in EDITOR_FILES)]
    after = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in kept}
    assert after == before
    assert sorted(p.name for p in config.parent.iterdir()) == sorted(
        ["operations", PACKAGE, "pyproject.toml", "schema.graphql", *EDITOR_FILES]
    )


def test_regenerating_leaves_unchanged_files_untouched(tmp_path: Path) -> None:
    config = _project(tmp_path)
    generate(config)
    package = config.parent / PACKAGE
    (package / "notes.txt").write_text("mine", encoding="utf-8")
    before = {path.name: path.stat().st_mtime_ns for path in package.iterdir()}
    generate(config)
    after = {path.name: path.stat().st_mtime_ns for path in package.iterdir()}
    assert after == before


def test_a_package_name_taken_by_the_standard_library_is_refused(tmp_path: Path) -> None:
    config = make_project(tmp_path / "project", appsync=AUTH_OPTIONS, package="json")
    found = _located(*_cli(_generate(config)))
    assert any("`import json` finds" in match["message"] for match in found), found
    assert not (config.parent / "json").exists()


def test_check_fast_path_does_not_probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from appsync_codegen import selfcheck
    from appsync_codegen.check import check_package

    config = _project(tmp_path)
    generate(config)

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the fast path ran the package check")

    monkeypatch.setattr(selfcheck, "check_package", refuse)
    report = check_package(config, fast=True)
    assert report.up_to_date and report.fast


def test_the_check_runs_under_plain_ariadne_codegen(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    make_project(root)
    (root / "broken_plugin.py").write_text(
        "from ariadne_codegen.plugins.base import Plugin\n"
        "class Broken(Plugin):\n"
        "    def generate_client_method(self, method_def, operation_definition):\n"
        "        method_def.name = 'close'\n"
        "        return method_def\n",
        encoding="utf-8",
    )
    scalars = run_cli(["scalars"], root).stdout
    (root / "pyproject.toml").write_text(
        "[tool.ariadne-codegen]\n"
        'schema_paths = ["appsync_codegen.prelude.PRELUDE_PATH", "schema.graphql"]\n'
        'queries_path = "operations"\n'
        f'target_package_name = "{PACKAGE}"\n'
        'plugins = ["appsync_codegen.AppSyncPlugin", "broken_plugin.Broken"]\n'
        "multipart_uploads = false\n\n" + scalars,
        encoding="utf-8",
    )
    completed = subprocess.run(
        [tool("ariadne-codegen")],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=300,
    )
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    assert f"{PACKAGE}/client.py:" in completed.stderr
    assert "Client.close replaces appsync_runtime" in completed.stderr
    assert "the package was written anyway" in completed.stderr
    assert package_files(root / PACKAGE)  # plain ariadne-codegen has written it


def _cli(result: subprocess.CompletedProcess[str]) -> tuple[str, int]:
    return result.stderr, result.returncode


# -- locating a generated line -----------------------------------------------------------

MODULE = '''class GetNote(BaseModel):
    """Result."""

    get_note: Optional["GetNoteGetNote"] = Field(
        alias="getNote"
    )


class Client(BaseClient):
    def get_note(self, id: str, **kwargs: Any) -> "GetNote":
        query = gql("...")
        return self.validate_result(GetNote, data)
'''


def test_locate_maps_classes_fields_and_methods() -> None:
    document = parse(Source("query GetNote {\n  getNote { id }\n}", "ops.graphql"))
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode) and operation.name
    field = operation.selection_set.selections[0]
    origins = Origins(
        classes={"GetNote": (operation.name, "query GetNote")},
        members={("GetNote", "get_note"): (field, "query GetNote, field getNote")},
        methods={"get_note": (operation.name, "query GetNote")},
    )
    query = Origin("ops.graphql", 1, 7, "query GetNote")
    selected = Origin("ops.graphql", 2, 3, "query GetNote, field getNote")
    assert locate(origins, MODULE, 5) == (selected, "class GetNote, member get_note")
    assert locate(origins, MODULE, 2) == (query, "class GetNote")
    assert locate(origins, MODULE, 11) == (query, "class Client, member get_note")
    assert locate(None, MODULE, 11) == (None, "class Client, member get_note")


@settings(max_examples=examples(200), deadline=None)
@given(
    st.lists(st.text(alphabet=string.printable + "\u00e9\u2028", max_size=40), max_size=12),
    st.integers(min_value=-5, max_value=30),
)
def test_locate_takes_any_text(lines: list[str], line: int) -> None:
    origins = Origins(classes={"A": (parse("query A { a }").definitions[0], "x")})
    origin, place = locate(origins, "\n".join(lines), line)
    assert origin is None or origin.what == "x"
    assert isinstance(place, str)


def test_code_lookalikes_in_descriptions_are_not_checked(tmp_path: Path) -> None:
    """A description reading like an import stays text: only statements are checked."""
    schema = (
        '"""\nA note.\nfrom .enums import Nothing\n    from .nowhere import Else\n"""\n'
        "type Note @aws_api_key { id: ID! }\n"
        "type Query @aws_api_key { note: Note }\n"
    )
    config = make_project(
        tmp_path,
        schema=schema,
        operations={"n.graphql": "query N { note { id } }\n"},
        appsync='default_auth_mode = "API_KEY"',
    )
    result = _generate(config)
    assert result.returncode == 0, result.stderr
    assert "from .nowhere import Else" in (tmp_path / PACKAGE / "n.py").read_text()


# -- the probe's override rule ------------------------------------------------------------

_NAMES = st.sampled_from(
    ["execute", "close", "_prepare", "__enter__", "__repr__", "note", "get_note", "__x", "_y"]
)


@given(st.sets(_NAMES), st.sets(_NAMES))
def test_every_member_shared_with_a_base_is_an_override(base: set[str], own: set[str]) -> None:
    from appsync_codegen._probe import _overrides

    module = ModuleType("generated")
    base_class = type("Base", (), {name: (lambda self: None) for name in base})
    module.Client = type("Client", (base_class,), {name: (lambda self: None) for name in own})
    found = {problem["name"] for problem in _overrides(module, "client.py", "Client")}
    inherited = base | {name for name in own if name in vars(object)}
    assert found == own & inherited


# -- the probe started ahead of the package ----------------------------------------------

_BASE = "from pydantic import BaseModel, ConfigDict\n"
_DEFERRED = "    model_config = ConfigDict(defer_build=True)\n"


def _hand_made(root: Path, modules: dict[str, str]) -> Path:
    package = root / "hand_made"
    package.mkdir(parents=True)
    for name, text in {"__init__.py": "", **modules}.items():
        (package / name).write_text(text, encoding="utf-8")
    return package


def _probed(package: Path, *, write_late: dict[str, str] | None = None) -> list[str]:
    """Start the probe before ``write_late`` exists, as generation does; its messages."""
    from appsync_codegen.selfcheck import Probe

    with Probe() as probe:
        for name, text in (write_late or {}).items():
            (package / name).write_text(text, encoding="utf-8")
        probe.start(package, [])
        return [diagnostic.message for diagnostic in probe.result(None)]


def test_a_probe_started_early_rejects_a_model_that_does_not_build(tmp_path: Path) -> None:
    """Models are built last defined first: a broken one nested in another is found
    on its own, and the model holding it fails with it."""
    package = _hand_made(tmp_path, {})
    broken = (
        f"{_BASE}class Outer(BaseModel):\n{_DEFERRED}    inner: 'Inner'\n\n"
        f"class Inner(BaseModel):\n{_DEFERRED}    value: 'NoSuchType'\n\n"
        f"class Fine(BaseModel):\n{_DEFERRED}    value: int\n"
    )
    messages = _probed(package, write_late={"models.py": broken})
    assert any("model Inner does not build" in m and "NoSuchType" in m for m in messages)
    assert any("model Outer does not build" in m for m in messages), messages
    assert not any("Fine" in m for m in messages)
    assert all(m.endswith("nothing was written") for m in messages)


def test_a_probe_started_early_rejects_a_module_that_does_not_import(tmp_path: Path) -> None:
    package = _hand_made(tmp_path, {"fine.py": f"{_BASE}class A(BaseModel):\n    a: int\n"})
    messages = _probed(package, write_late={"broken.py": "import appsync_no_such_module\n"})
    assert len(messages) == 1
    assert "ModuleNotFoundError: No module named 'appsync_no_such_module'" in messages[0]


def test_a_probe_started_early_passes_a_sound_package(tmp_path: Path) -> None:
    package = _hand_made(tmp_path, {})
    sound = (
        f"{_BASE}class Outer(BaseModel):\n{_DEFERRED}    inner: 'Inner'\n\n"
        f"class Inner(BaseModel):\n{_DEFERRED}    value: int\n"
    )
    assert _probed(package, write_late={"models.py": sound}) == []


def test_a_probe_checks_relative_imports_found_by_the_generating_process(
    tmp_path: Path,
) -> None:
    """The generating process finds the relative imports while the probe imports the
    modules; one inside a function names nothing, and is reported."""
    package = _hand_made(tmp_path, {"a.py": "X = 1\n"})
    late = {"b.py": "def f():\n    from .a import Y\n    return Y\n"}
    messages = _probed(package, write_late=late)
    assert messages == [
        "generated code is broken (module level): imports Y from .a, which does not define "
        "it; nothing was written"
    ]


def test_a_probe_not_told_the_relative_imports_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never a silent pass: modules whose relative imports the probe did not get are
    problems."""
    from appsync_codegen import selfcheck

    package = _hand_made(tmp_path, {"a.py": "X = 1\n"})
    monkeypatch.setattr(selfcheck, "relative_imports", lambda _: {})
    messages = _probed(package)
    assert messages and all("relative imports were not received" in m for m in messages)


def test_interpreters_sharing_a_check_report_what_one_reports(tmp_path: Path) -> None:
    """One, two or three interpreters sharing the modules find the same problems, in
    the same order: imports of names defined in another part's module, exports, models
    in every part, a client replacing a base's member."""
    from appsync_codegen.selfcheck import ClientClass, Probe

    model = f"{_BASE}class {{name}}(BaseModel):\n{_DEFERRED}    value: {{annotation}}\n"
    modules = {
        "__init__.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from .m0 import M0\n    from .m3 import M3\n"
            "__all__ = ['M0', 'M3', 'Nowhere']\n"
            "def __getattr__(name):\n"
            "    import importlib\n"
            "    home = {'M0': '.m0', 'M3': '.m3'}.get(name)\n"
            "    if home is None:\n        raise AttributeError(name)\n"
            "    return getattr(importlib.import_module(home, __name__), name)\n"
        ),
        "client.py": (
            "class Base:\n    def close(self): ...\n"
            "class Client(Base):\n    def close(self): ...\n"
            "    def get(self):\n        from .m1 import NotThere\n        return NotThere\n"
        ),
    }
    for number in range(6):
        annotation = "'NoSuchType'" if number in (1, 2, 4) else "int"
        modules[f"m{number}.py"] = model.format(name=f"M{number}", annotation=annotation) + (
            f"def f():\n    from .m{(number + 1) % 6} import Absent{number}\n"
            "    from .gone import Thing\n"
        )
    package = _hand_made(tmp_path, {})
    for name, text in modules.items():
        (package / name).write_text(text, encoding="utf-8")
    found = []
    for parts in (1, 2, 3):
        with Probe(parts) as probe:
            probe.start(package, [ClientClass("client", "Client")])
            found.append([str(diagnostic) for diagnostic in probe.result(None)])
    assert found[0] == found[1] == found[2]
    text = "\n".join(found[0])
    for number in range(6):
        assert f"imports Absent{number} from .m{(number + 1) % 6}" in text
    assert text.count("imports from .gone, which the package does not have") == 6
    assert "imports NotThere from .m1" in text
    assert "Nowhere does not resolve" in text
    assert [m for m in ("M1", "M2", "M4") if f"model {m} does not build" in text] == [
        "M1",
        "M2",
        "M4",
    ]
    assert "model M0 does not build" not in text
    assert "Client.close replaces" in text
    assert len(found[0]) == 6 + 6 + 1 + 1 + 3 + 1


def test_interpreters_sharing_a_check_report_a_module_that_does_not_import(
    tmp_path: Path,
) -> None:
    from appsync_codegen.selfcheck import Probe

    package = _hand_made(
        tmp_path,
        {
            "a.py": f"{_BASE}class A(BaseModel):\n{_DEFERRED}    value: 'Nope'\n",
            "b.py": "import appsync_no_such_module\n",
            "c.py": "X = 1\n",
        },
    )
    found = []
    for parts in (1, 2, 3):
        with Probe(parts) as probe:
            probe.start(package, [])
            found.append([diagnostic.message for diagnostic in probe.result(None)])
    assert found[0] == found[1] == found[2]
    assert len(found[0]) == 1  # the import failure alone: nothing else was checked
    assert "No module named 'appsync_no_such_module'" in found[0][0]


def test_a_probe_never_handed_a_package_is_stopped(tmp_path: Path) -> None:
    from appsync_codegen.selfcheck import Probe

    probe = Probe()
    processes = probe._processes  # pyright: ignore[reportPrivateUsage]
    assert processes
    with pytest.raises(RuntimeError, match=r"before Probe\.start"):
        probe.result(None)
    probe.close()
    assert all(process.poll() is not None for process in processes)
    probe.close()  # twice is harmless


_IMPORT_PIECES = st.sampled_from(
    [
        "from .a import X\n",
        "from \\\n    .b import (Y,\n Z)\n",
        "from  .c import W as V\n",
        "def f():\n    from .d import U\n",
        "if TYPE_CHECKING:\n    from .e import T\n",
        "x = 'from .f import S'\n",
        '"""\nfrom .g import R\n"""\n',
        "# from .h import Q\n",
        "from os import path\n",
        "import json\n",
        "y = 1  # fromage.\n",
        "class K:\n    '''From .i, nothing.'''\n",
        "match x:\n    case 1:\n        from .j import P\n",
        "try:\n    pass\nexcept E:\n    from .k import O\nfinally:\n    from .l import N\n",
    ]
)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_IMPORT_PIECES, max_size=8))
def test_relative_imports_are_the_statements_a_full_parse_finds(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str]
) -> None:
    """Files are parsed only where the text can hold a relative import: the table is
    what parsing every file gives."""
    import ast

    from appsync_codegen.selfcheck import relative_imports

    package = tmp_path_factory.mktemp("package")
    source = "".join(pieces)
    (package / "m.py").write_text(source, encoding="utf-8")
    expected = sorted(
        (node.lineno, node.module, [alias.name for alias in node.names])
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and node.level == 1
        and node.module
        and "." not in node.module
    )
    assert sorted(relative_imports(package)["m.py"]) == expected


def test_a_second_interpreter_is_started_for_large_packages_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from appsync_codegen import selfcheck
    from appsync_codegen.selfcheck import Probe

    monkeypatch.setattr(selfcheck, "_probe_parts", lambda: 2)
    counts = []
    for parts, modules in ((None, 10), (None, 60), (1, 60), (None, 0)):
        with Probe(parts) as probe:
            probe.share(modules)
            probe.share(modules)  # never a third
            counts.append(len(probe._processes))  # pyright: ignore[reportPrivateUsage]
    assert counts == [1, 2, 1, 1]
    monkeypatch.setattr(selfcheck, "_probe_parts", lambda: 1)  # no CPU free
    with Probe() as probe:
        probe.share(1000)
        assert len(probe._processes) == 1  # pyright: ignore[reportPrivateUsage]
