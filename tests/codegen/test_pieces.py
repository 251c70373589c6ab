"""The codegen's small pieces: prelude, docstring wrapping, config reading, plain ariadne."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from graphql import DirectiveLocation, build_ast_schema, parse
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_codegen import PRELUDE_PATH, AppSyncPlugin, docstrings
from appsync_codegen.config import key_position, load_config
from appsync_codegen.docstrings import rewrap_docstrings
from appsync_codegen.plugin import (
    _merge_type_checking_blocks,  # pyright: ignore[reportPrivateUsage]
    _wrap_and_merge,  # pyright: ignore[reportPrivateUsage]
)
from appsync_codegen.prelude import AWS_DIRECTIVES, AWS_SCALARS, defined_names, prelude_document

from .conftest import make_project, run_cli, tool

# -- prelude ---------------------------------------------------------------------


def test_prelude_declares_appsync_scalars_and_directives() -> None:
    schema = build_ast_schema(parse(PRELUDE_PATH.read_text() + "type Query { a: String }"))
    for name in AWS_SCALARS:
        assert schema.get_type(name) is not None
    location = DirectiveLocation
    auth = {location.OBJECT, location.FIELD_DEFINITION, location.INTERFACE, location.UNION}
    merged = {
        location.OBJECT,
        location.INTERFACE,
        location.UNION,
        location.ENUM,
        location.INPUT_OBJECT,
        location.SCALAR,
        location.FIELD_DEFINITION,
        location.INPUT_FIELD_DEFINITION,
    }
    expected = {
        "aws_subscribe": ({location.FIELD_DEFINITION}, {"mutations": "[String]"}),
        "aws_api_key": (auth, {}),
        "aws_iam": (auth, {}),
        "aws_oidc": (auth, {}),
        "aws_lambda": (auth, {}),
        "aws_cognito_user_pools": (auth, {"cognito_groups": "[String]"}),
        "aws_auth": ({location.FIELD_DEFINITION}, {"cognito_groups": "[String]"}),
        "canonical": (merged, {}),
        "hidden": (merged, {}),
        "renamed": (merged, {"to": "String!"}),
    }
    assert set(expected) == set(AWS_DIRECTIVES)
    for name, (locations, args) in expected.items():
        directive = schema.get_directive(name)
        assert directive is not None
        assert set(directive.locations) == locations
        assert {arg: str(value.type) for arg, value in directive.args.items()} == args


def test_prelude_skips_what_the_schema_defines() -> None:
    user = parse("scalar AWSJSON\ndirective @aws_iam on OBJECT\ntype Query { a: AWSJSON }")
    names = defined_names(prelude_document(skip=defined_names(user)))
    assert "AWSJSON" not in names and "aws_iam" not in names
    assert "AWSDate" in names and "aws_subscribe" in names


def test_prelude_command(tmp_path: Path) -> None:
    printed = run_cli(["prelude"], tmp_path)
    assert printed.returncode == 0
    assert printed.stdout == PRELUDE_PATH.read_text()
    path = run_cli(["prelude", "--path"], tmp_path)
    assert Path(path.stdout.strip()) == PRELUDE_PATH


def test_importing_appsync_codegen_is_cheap(tmp_path: Path) -> None:
    code = (
        "import sys, appsync_codegen\n"
        "assert 'ariadne_codegen' not in sys.modules and 'graphql' not in sys.modules\n"
        "assert appsync_codegen.AppSyncPlugin.__name__ == 'AppSyncPlugin'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)


# -- docstrings -------------------------------------------------------------------


def _rewrapped(code: str, width: int = 40) -> str:
    result = rewrap_docstrings(code, width)
    assert rewrap_docstrings(result, width) == result  # idempotent
    ast.parse(result)
    return result


def test_docstrings_are_wrapped_to_the_line_length() -> None:
    code = (
        "class A:\n"
        "    'A fairly long class description that needs wrapping.'\n"
        "    x: int\n"
        "    'Attribute text\\nover two lines.'\n"
        "    y: int\n"
    )
    result = _rewrapped(code)
    assert all(len(line) <= 40 for line in result.splitlines())
    tree = ast.parse(result)
    class_def = tree.body[0]
    assert isinstance(class_def, ast.ClassDef)
    assert ast.get_docstring(class_def, clean=True) == (
        "A fairly long class description\nthat needs wrapping."
    )
    assert '    """Attribute text\n    over two lines.\n    """\n' in result


def test_docstring_quotes_and_backslashes_survive() -> None:
    text = 'Say "hi" \\ then """ end"'
    result = _rewrapped(f"def f():\n    {text!r}\n", 100)
    function = ast.parse(result).body[0]
    assert isinstance(function, ast.FunctionDef)
    assert ast.get_docstring(function, clean=False) == text


@settings(max_examples=500, deadline=None)
@given(
    text=st.text(st.sampled_from('ab "\\'), min_size=1, max_size=12).filter(
        lambda text: text.strip() == text
    ),
    width=st.integers(20, 60),
)
def test_docstrings_ending_in_quotes_and_backslashes_survive(text: str, width: int) -> None:
    result = _rewrapped(f"def f():\n    {text!r}\n", width)
    function = ast.parse(result).body[0]
    assert isinstance(function, ast.FunctionDef)
    assert ast.get_docstring(function, clean=False) == text


@settings(max_examples=1000, deadline=None)
@given(
    text=st.text(
        st.one_of(
            st.characters(codec=None, blacklist_categories=()),  # surrogates included
            st.sampled_from(" \t\n\r\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\\\"'"),
        ),
        max_size=60,
    ),
    width=st.integers(20, 80),
)
def test_any_description_gives_a_docstring_that_parses_and_keeps_its_words(
    text: str, width: int
) -> None:
    # a schema's description may hold null bytes, control characters, line
    # separators of every kind and lone surrogates (GraphQL's \uD800 escape)
    code = f"class A:\n    x: int\n    {text!r}\n"
    result = _rewrapped(code, width)
    result.encode("utf-8")  # writable as a file
    class_def = ast.parse(result).body[0]
    assert isinstance(class_def, ast.ClassDef)
    docstring = class_def.body[1]
    assert isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)
    assert docstring.value.value.split() == text.split()


def test_short_docstrings_stay_on_one_line() -> None:
    assert _rewrapped("x = 1\n'Short.'\n") == 'x = 1\n"""Short."""\n'


_DOC_TEXT = st.text(
    st.characters() | st.sampled_from(" \n\"'\\"),
    max_size=120,
)


def _docstring(text: str, triple: bool, indent: str) -> str:
    if not triple or any("\ud800" <= char <= "\udfff" for char in text):
        return f"{indent}{text!r}\n"  # as ariadne-codegen writes it
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'{indent}"""{escaped}"""\n'


@st.composite
def _client_modules(draw: st.DrawFn) -> str:
    """Modules shaped like a client: docstrings (one-line or triple-quoted, hostile
    texts) above, between and inside several top-level ``if TYPE_CHECKING:`` blocks."""
    parts = ["from typing import TYPE_CHECKING\n"]
    if draw(st.booleans()):
        parts.insert(0, _docstring(draw(_DOC_TEXT), draw(st.booleans()), ""))
    for index in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(("block", "class", "attribute")))
        if kind == "block":
            body = f"    from .m{index} import A{index}\n"
            if draw(st.booleans()):
                body += f"    x{index}: int = 1\n" + _docstring(
                    draw(_DOC_TEXT), draw(st.booleans()), "    "
                )
            parts.append("if TYPE_CHECKING:\n" + body)
        elif kind == "class":
            parts.append(
                f"class C{index}:\n"
                + _docstring(draw(_DOC_TEXT), draw(st.booleans()), "    ")
                + "    def f(self) -> None:\n"
                + _docstring(draw(_DOC_TEXT), draw(st.booleans()), "        ")
            )
        else:
            parts.append(f"y{index} = 1\n" + _docstring(draw(_DOC_TEXT), draw(st.booleans()), ""))
    return "\n".join(parts)


@settings(max_examples=1000, deadline=None)
@given(code=_client_modules(), width=st.integers(30, 100))
def test_client_code_wrapped_and_merged_in_one_parse_as_in_two(code: str, width: int) -> None:
    def outcome(step: Callable[[], str]) -> str | type[Exception]:
        docstrings._DONE.clear()  # pyright: ignore[reportPrivateUsage]
        return step()

    two_parses = outcome(lambda: _merge_type_checking_blocks(rewrap_docstrings(code, width)))
    one_parse = outcome(lambda: _wrap_and_merge(code, width))
    assert one_parse == two_parses
    if not isinstance(one_parse, str):
        return
    try:
        tree = ast.parse(one_parse)
    except (SyntaxError, ValueError):  # ValueError: a null byte, before Python 3.11
        # a module whose source holds a null byte or line separators other than \n
        # as they are (in a triple-quoted docstring written here; ariadne-codegen
        # writes them escaped) does not parse, or is beyond rewrap_docstrings' line
        # arithmetic: the same both ways
        return
    assert sum(isinstance(node, ast.If) for node in tree.body) <= 1


# -- deprecated arguments -----------------------------------------------------------

_DEPRECATING_SCHEMA = """
type Query { note(id: ID!): Note, notes(tag: String @deprecated(reason: "Use label."),
  label: String): [Note] }
type Note { id: ID!, body(format: String @deprecated(reason: "Plain only."),
  size: Int): String, related: [Note] }
"""


def test_deprecated_variables_are_found_through_the_fragments_an_operation_spreads() -> None:
    from appsync_codegen._methods import (  # pyright: ignore[reportPrivateUsage]
        deprecated_variables,
        has_deprecated_arguments,
    )

    schema = build_ast_schema(parse(_DEPRECATING_SCHEMA))
    document = parse(
        """
        query Mine($f: String, $t: String) { notes(tag: $t) { ...Outer } }
        query Other($f: String) { note(id: "1") { ...Elsewhere } }
        fragment Outer on Note { related { ...Inner } }
        fragment Inner on Note { body(format: $f) }
        fragment Elsewhere on Note { body(format: $f) }
        """
    )
    operations = [d for d in document.definitions if d.__class__.__name__.startswith("Operation")]
    fragments = {
        d.name.value: d  # type: ignore[attr-defined]
        for d in document.definitions
        if d.__class__.__name__.startswith("Fragment")
    }
    mine, other = operations
    assert has_deprecated_arguments(schema)
    # Through two spreads; the tag argument on the operation itself.
    assert deprecated_variables(schema, mine, fragments) == {  # type: ignore[arg-type]
        "t": "Use label.",
        "f": "Plain only.",
    }
    # Elsewhere passes $f to a deprecated argument; Other spreads it.
    assert deprecated_variables(schema, other, fragments) == {"f": "Plain only."}  # type: ignore[arg-type]
    only_mine = {"Outer": fragments["Outer"]}  # Inner unknown: skipped, not an error
    assert deprecated_variables(schema, mine, only_mine) == {"t": "Use label."}  # type: ignore[arg-type]
    plain = build_ast_schema(parse("type Query { notes(tag: String): [String] }"))
    assert not has_deprecated_arguments(plain)


def test_a_fragment_an_operation_does_not_spread_marks_none_of_its_variables() -> None:
    from appsync_codegen._methods import (  # pyright: ignore[reportPrivateUsage]
        deprecated_variables,
    )

    schema = build_ast_schema(parse(_DEPRECATING_SCHEMA))
    document = parse(
        """
        query Mine($f: String) { note(id: "1") { id } }
        fragment Unused on Note { body(format: $f) }
        """
    )
    mine, unused = document.definitions
    assert deprecated_variables(schema, mine, {"Unused": unused}) == {}  # type: ignore[arg-type]


def test_walk_gives_the_nodes_of_ast_walk_in_its_order() -> None:
    import ast
    import inspect
    import typing

    from appsync_codegen import _methods, generate
    from appsync_codegen._rewrite import walk  # pyright: ignore[reportPrivateUsage]

    for module in (ast, typing, generate, _methods):
        tree = ast.parse(inspect.getsource(module))
        assert [id(node) for node in walk(tree)] == [id(node) for node in ast.walk(tree)]
    expression = ast.parse("f(a, *b, k=[c for c in d if c], **{e: g})", mode="eval")
    assert [id(n) for n in walk(expression)] == [id(n) for n in ast.walk(expression)]


def test_docstring_statements_are_every_statement_ast_walk_finds() -> None:
    import ast
    import inspect
    import textwrap
    import typing

    from appsync_codegen import _methods, docstrings, generate
    from appsync_codegen._rewrite import statements

    nested = textwrap.dedent(
        """
        try:
            class A:
                "doc"
                def f(self):
                    with x:
                        for i in y:
                            while z:
                                async def g(): "inner"
                            else:
                                pass
        except* E:
            if a:
                match b:
                    case 1:
                        class B: "case"
        finally:
            lambda: 1
        """
    )
    if sys.version_info < (3, 11):  # except* (ast.TryStar) is Python 3.11's
        nested = nested.replace("except* E:", "except E:")
    trees = [ast.parse(nested)]
    modules = (ast, typing, generate, _methods, docstrings)
    trees += [ast.parse(inspect.getsource(module)) for module in modules]
    for tree in trees:
        walked = {id(node) for node in ast.walk(tree) if isinstance(node, ast.stmt)}
        found = [id(node) for node in statements(tree)]
        assert len(found) == len(set(found)) and set(found) == walked


# -- config -----------------------------------------------------------------------


def test_key_position_finds_keys_in_their_table() -> None:
    text = (
        "[tool.other]\nschema_path = 1\n\n[tool.ariadne-codegen]\n"
        'queries_path = "q"\n  schema_path = "s"\n'
    )
    assert key_position(text, "tool.ariadne-codegen", "schema_path") == (6, 3)
    assert key_position(text, "tool.ariadne-codegen", "absent") == (4, 1)
    assert key_position(text, "tool.nowhere", "absent") == (1, 1)


def test_config_defaults_and_relative_paths(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path / "p"))
    root = (tmp_path / "p").resolve()
    assert config.section["schema_path"] == (root / "schema.graphql").as_posix()
    assert config.section["target_package_path"] == root.as_posix()
    assert config.section["lazy_imports"] is True
    assert config.section["defer_model_build"] is True
    assert config.section["use_alias_generator"] is True
    assert config.section["multipart_uploads"] is False
    assert config.options.clients == ("sync", "async")


def test_the_config_is_found_upward(tmp_path: Path) -> None:
    make_project(tmp_path)
    nested = tmp_path / "deep" / "er"
    nested.mkdir(parents=True)
    result = run_cli([], nested)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fixture_client" / "async_client.py").is_file()


# -- plain ariadne-codegen ----------------------------------------------------------


def test_the_plugin_works_under_plain_ariadne_codegen(tmp_path: Path) -> None:
    """The configuration documented on AppSyncPlugin, run by ariadne-codegen itself."""
    assert "appsync_codegen.prelude.PRELUDE_PATH" in (AppSyncPlugin.__doc__ or "")
    make_project(tmp_path)
    scalars = run_cli(["scalars"], tmp_path).stdout
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ariadne-codegen]\n"
        'schema_paths = ["appsync_codegen.prelude.PRELUDE_PATH", "schema.graphql"]\n'
        'queries_path = "operations"\n'
        'target_package_name = "plain_client"\n'
        'plugins = ["appsync_codegen.AppSyncPlugin"]\n'
        "multipart_uploads = false\n"
        "lazy_imports = true\n"
        "defer_model_build = true\n"
        "use_alias_generator = true\n\n" + scalars,
        encoding="utf-8",
    )
    generated = subprocess.run(
        [tool("ariadne-codegen")], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    package = tmp_path / "plain_client"
    client = (package / "client.py").read_text(encoding="utf-8")
    assert "return await self.execute_operation(_GET_TASK, variables, options)" in client
    assert '_GET_TASK: "Operation[GetTask]" = Operation(' in client
    base = (package / "async_base_client.py").read_text(encoding="utf-8")
    assert "class AsyncBaseClient(AsyncAppSyncClient)" in base
    assert "from appsync_runtime.model import UNSET" in (package / "base_model.py").read_text()
    typed = subprocess.run(
        [tool("mypy"), "--strict", "--no-incremental", "plain_client"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr


@pytest.mark.parametrize("command", [["--help"], ["generate", "--help"]])
def test_help(tmp_path: Path, command: list[str]) -> None:
    result = run_cli(command, tmp_path)
    assert result.returncode == 0
    assert "appsync-codegen" in result.stdout


_MIXIN_SCHEMA = """
directive @mixin(from: String!, import: String!) repeatable on FIELD | FRAGMENT_DEFINITION
type Note { id: ID! body: String related: [Note] }
type Query { note(id: ID!): Note mixinNote: Note }
"""


@pytest.mark.parametrize(
    "operation",
    [
        'query A { note(id: "1") { id body @mixin(from: ".m", import: "M") } }',
        'query A { note(id: "1") { ...F } }\n'
        'fragment F on Note { id related @mixin(from: ".m", import: "M") { id } }',
        'query A { note(id: "1") { ...F } }\nfragment F on Note { id body }',
        "query A {\n  # mixin in a comment only\n  mixinNote { id }\n}",
        'query A($id: ID! = "mixin") { note(id: $id) { id } }',
    ],
)
def test_operation_texts_print_as_ariadne_codegen_prints_them(operation: str) -> None:
    """The result generator printing a node with no @mixin as it is gives ariadne-codegen's
    text (directives removed from a deep copy) for operations with and without them."""
    from ariadne_codegen.client_generators.constants import BASE_MODEL_IMPORT
    from ariadne_codegen.client_generators.result_types import ResultTypesGenerator
    from graphql import FragmentDefinitionNode, OperationDefinitionNode

    from appsync_codegen.generate import _ResultTypes  # pyright: ignore[reportPrivateUsage]

    schema = build_ast_schema(parse(_MIXIN_SCHEMA))
    document = parse(operation)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    definition = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))

    def text(kind: type[ResultTypesGenerator]) -> str:
        generator = kind(
            schema=schema,
            operation_definition=definition,
            enums_module_name="enums",
            fragments_definitions=fragments,
            base_model_import=BASE_MODEL_IMPORT,
        )
        printed: str = generator.get_operation_as_str()
        return printed

    expected = text(ResultTypesGenerator)
    assert "@mixin" not in expected
    assert text(_ResultTypes) == expected
    assert text(ResultTypesGenerator) == expected  # the originals are left unchanged


def test_the_command_leaves_the_collector_off_and_its_heap_frozen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the command (no arguments given: the process ends next), the collector is
    off and the heap frozen for the exit; called with arguments, nothing changes."""
    import gc

    from appsync_codegen.cli import main

    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert main(["scalars"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    monkeypatch.setattr(sys, "argv", ["appsync-codegen", "scalars"])
    try:
        assert main() == 0
        assert not gc.isenabled()
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
        gc.enable()
    assert "AWSDateTime" in capsys.readouterr().out
