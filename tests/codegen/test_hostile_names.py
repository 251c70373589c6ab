"""Hostile GraphQL names: a located error, or a package where every name has its own slot.

Schemas and operations are built from names that break naive code generators:
Python keywords and soft keywords, builtins, leading underscores, names equal after
snake-casing, members of ``Enum``/``str``/pydantic models/the client, per-call
option names, names of the package's own modules, typing names. Each generated
package must import, keep the client's own members, and carry every value to and
from its own GraphQL name: result fields, input fields, arguments, enum members.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import json
import keyword
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from ariadne_codegen.utils import str_to_snake_case
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from appsync_codegen.errors import CodegenError
from appsync_codegen.generate import generate
from appsync_runtime import ApiKeyAuth, AppSyncClient
from tests.support.examples import examples

from .conftest import make_project, tool
from .test_quality import _pyright, _pyright_strict, _run

HOSTILE = sorted(
    {
        # keywords, soft keywords, builtins
        *("class", "def", "from", "import", "lambda", "None", "True", "async", "await"),
        *("match", "case", "type", "type_", "id", "id_", "input", "list", "str", "filter"),
        *("print", "isinstance", "object", "dict", "property", "super", "print_"),
        # leading underscores and all-underscore names
        *("_version", "version", "version_", "_deleted", "deleted", "_lastChangedAt"),
        *("lastChangedAt", "last_changed_at", "_null", "null", "_", "_9", "_class"),
        # equal after snake-casing
        *("createdAt", "created_at", "CreatedAt", "createdAT", "URL", "url", "Url"),
        # Enum, str and pydantic members
        *("mro", "name", "value", "upper", "count", "format", "_missing_", "_value_"),
        *("model_dump", "model_config", "dict_", "json", "copy", "schema", "fields"),
        # client members, per-call options and the method's own locals
        *("execute", "execute_ws", "subscribe", "close", "aclose", "get_data"),
        *("validate_result", "auth", "auth_modes", "timeout", "headers", "retry"),
        *("idempotent", "on_gap", "on_ready", "self", "kwargs", "query", "variables"),
        *("options", "max_pages", "max_items", "Operation", "Pages", "AsyncPages"),
        *("execute_operation", "subscribe_operation", "Unpack", "OperationOptions"),
        *("response", "data", "events", "gql", "UNSET", "UnsetType", "cast", "closing"),
        # the package's own modules and the names its code uses
        *("client", "enums", "input_types", "base_model", "Optional", "Field", "Any"),
        *("Literal", "BaseModel", "typename__", "typename"),
    }
)
# GraphQL forbids these as enum values; names starting with "__" are reserved.
_NOT_ENUM_VALUES = {"true", "false", "null", "True", "None"}
_RANDOM = st.from_regex(r"_{0,2}[A-Za-z][A-Za-z0-9_]{0,7}", fullmatch=True)
NAMES = st.one_of(st.sampled_from(HOSTILE), _RANDOM).filter(lambda n: not n.startswith("__"))
OPERATION_NAMES = st.one_of(
    st.sampled_from(["GetT", "ListTs", "CreateT", "search", "Sync", "getT2", "Me"]),
    st.sampled_from(
        sorted(
            {
                *("Execute", "Close", "Subscribe", "execute", "close", "aclose", "ExecuteWs"),
                *("GetData", "ValidateResult", "Client", "Enums", "InputTypes", "BaseModel"),
                *("Class", "Type", "Query", "Data", "Self", "Init", "Dict", "Mro"),
            }
        )
    ),
)
TYPE_NAMES = st.one_of(
    st.sampled_from(["E", "I", "Status", "NoteInput", "Kind"]),
    st.sampled_from(
        [
            *("Enum", "BaseModel", "Field", "Optional", "Literal", "Any", "str", "Client"),
            *("AsyncClient", "UnsetType", "UNSET", "Upload", "OPERATIONS", "date", "T"),
        ]
    ),
)
FIELD_TYPES = ("Int", "String", "E")

_packages = itertools.count()


def _snake(graphql_name: str) -> str:
    """What the documented rule keeps of a name before its trailing underscores."""
    rest = graphql_name.lstrip("_")
    if not rest:
        return "underscore"
    converted = str_to_snake_case(rest) or rest
    if converted[0].isdigit():
        return "underscore_" + converted
    return converted


def _follows_rule(graphql_name: str, python: str, *, snake: bool = True) -> None:
    assert python.isidentifier() and not keyword.iskeyword(python), python
    assert not python.startswith("_"), f"{graphql_name} became private {python}"
    core = _snake(graphql_name) if snake else graphql_name.lstrip("_") or "underscore"
    if core[0].isdigit():
        core = "underscore_" + core
    assert python.rstrip("_") == core.rstrip("_"), (graphql_name, python)


@st.composite
def projects(draw: st.DrawFn) -> dict[str, Any]:
    fields = draw(st.lists(NAMES, min_size=1, max_size=7, unique=True))
    types = [draw(st.sampled_from(FIELD_TYPES)) for _ in fields]
    inputs = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    input_types = [draw(st.sampled_from(FIELD_TYPES)) for _ in inputs]
    values = draw(
        st.lists(
            NAMES.filter(lambda n: n not in _NOT_ENUM_VALUES), min_size=1, max_size=6, unique=True
        )
    )
    variables = draw(st.lists(NAMES, min_size=0, max_size=6, unique=True))
    aliases = {
        field: alias for field in fields if (alias := draw(st.one_of(st.none(), NAMES))) is not None
    }
    keys = [aliases.get(field, field) for field in fields]
    if len(set(keys)) != len(keys):
        aliases = {}
    query_name, mutation_name, subscription_name = draw(
        st.lists(OPERATION_NAMES, min_size=3, max_size=3, unique_by=str_to_snake_case)
    )
    enum_name, input_name = draw(st.lists(TYPE_NAMES, min_size=2, max_size=2, unique=True))
    return {
        "enum": enum_name,
        "input": input_name,
        "fields": list(zip(fields, types, strict=True)),
        "inputs": list(zip(inputs, input_types, strict=True)),
        "values": values,
        "variables": variables,
        "aliases": aliases,
        "query": query_name,
        "mutation": mutation_name,
        "subscription": subscription_name,
        "typename": draw(st.booleans()),
        "fragment": draw(st.integers(min_value=0, max_value=len(fields))),
    }


def _schema(spec: dict[str, Any]) -> str:
    enum, input_ = spec.get("enum", "E"), spec.get("input", "I")

    def kind_of(kind: str) -> str:
        return enum if kind == "E" else kind

    fields = "\n".join(f"  {name}: {kind_of(kind)}" for name, kind in spec["fields"])
    first = spec["values"][0]
    inputs = "\n".join(
        f"  {name}: {kind_of(kind)}" + (f" = {first}" if kind == "E" else "")
        for name, kind in spec["inputs"]
    )
    arguments = ", ".join(f"{name}: String" for name in spec["variables"])
    arguments = f"({arguments})" if arguments else ""
    return (
        f"enum {enum} {{ {' '.join(spec['values'])} }}\n"
        f"input {input_} {{\n{inputs}\n}}\n"
        f"type T {{\n{fields}\n}}\n"
        f"type Query {{ q{arguments}: T }}\n"
        f"type Mutation {{ m(input: {input_}!): T }}\n"
        f"type Subscription {{ s{arguments}: T }}\n"
    )


def _operations(spec: dict[str, Any]) -> str:
    declared = ", ".join(f"${name}: String" for name in spec["variables"])
    passed = ", ".join(f"{name}: ${name}" for name in spec["variables"])
    selected = [
        f"{spec['aliases'][name]}: {name}" if name in spec["aliases"] else name
        for name, _ in spec["fields"]
    ]
    cut = spec.get("fragment", 0)
    fragment = ""
    if cut:
        fragment = f"fragment Part on T {{ {' '.join(selected[:cut])} }}\n"
        selected = ["...Part", *selected[cut:]]
    selection = " ".join(selected)
    if spec["typename"]:
        selection += " __typename"
    return (
        f"query {spec['query']}{f'({declared})' if declared else ''} "
        f"{{ q{f'({passed})' if passed else ''} {{ {selection} }} }}\n"
        f"mutation {spec['mutation']}($input: {spec.get('input', 'I')}!) "
        "{ m(input: $input) { __typename } }\n"
        f"subscription {spec['subscription']}{f'({declared})' if declared else ''} "
        f"{{ s{f'({passed})' if passed else ''} {{ {selection} }} }}\n" + fragment
    )


def _import(package: str, folder: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(folder))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # pydantic's "shadows an attribute" included
            module = importlib.import_module(package)
            for name in module.__all__:
                getattr(module, name)
        yield module
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def _value(kind: str, counter: Iterator[int], enum_values: list[str]) -> Any:
    number = next(counter)
    if kind == "Int":
        return number
    if kind == "String":
        return f"s{number}"
    return enum_values[number % len(enum_values)]


def _check_package(pkg: ModuleType, spec: dict[str, Any]) -> None:
    client_class = pkg.Client
    own = set(vars(client_class)) & set(dir(AppSyncClient))
    # Python 3.13 gives every class __static_attributes__: the names its methods assign
    # on self. A generated client assigns none (it would shadow the runtime's state).
    assert vars(client_class).get("__static_attributes__", ()) == ()
    own.discard("__static_attributes__")
    assert own <= {"__module__", "__doc__", "__qualname__", "__firstlineno__"}, own
    methods = {name: info.method for name, info in pkg.OPERATIONS.items()}
    counter = itertools.count(1)
    values: list[str] = spec["values"]

    # enum members: one per value, each named by the rule, values untouched
    enum = getattr(pkg, spec.get("enum", "E"))
    assert [member.value for member in enum] == values
    for member in enum:
        _follows_rule(member.value, member.name, snake=False)

    # the query: arguments to their own variables, result fields from their own keys
    response_t = {
        spec["aliases"].get(name, name): _value(kind, counter, values)
        for name, kind in spec["fields"]
    }
    if spec["typename"]:
        response_t["__typename"] = "T"
    sent: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append(body)
        data = {"q": response_t} if "query " in body["query"] else {"m": {"__typename": "T"}}
        return httpx.Response(200, json={"data": data})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    client = client_class(
        url="https://example1234567890123456.appsync-api.eu-west-1.amazonaws.com/graphql",
        auth=ApiKeyAuth("da2-abcdefghijklmnopqrstuvwxyz"),
        http_client=http,
        retry=None,
    )
    query_method = getattr(client, methods[spec["query"]])
    parameters = [
        p for p in inspect.signature(query_method).parameters.values() if p.kind != p.VAR_KEYWORD
    ]
    arguments = {p.name: f"arg{next(counter)}" for p in parameters}
    result = query_method(**arguments)
    variables = sent[-1]["variables"]
    assert set(variables) == set(spec["variables"])
    by_value = {value: name for name, value in variables.items()}
    assert len(by_value) == len(arguments)
    for python, value in arguments.items():
        _follows_rule(by_value[value], python)
    assert result.q is not None
    assert result.q.model_dump(mode="json", by_alias=True) == response_t
    for python, info in type(result.q).model_fields.items():
        wire = info.serialization_alias or info.alias or python
        if wire != "__typename":
            _follows_rule(wire, python)

    # the mutation: every input field to its own name
    input_class = getattr(pkg, spec.get("input", "I"))
    built: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    kinds = dict(spec["inputs"])
    for python, info in input_class.model_fields.items():
        wire = info.serialization_alias or info.alias or python
        _follows_rule(wire, python)
        value = _value(kinds[wire], counter, values)
        built[python] = enum(value) if kinds[wire] == "E" else value
        expected[wire] = value
    assert set(expected) == set(kinds)
    getattr(client, methods[spec["mutation"]])(input=input_class(**built))
    assert sent[-1]["variables"] == {"input": expected}
    defaults = input_class().model_dump(mode="json", by_alias=True)
    assert all(defaults[w] == values[0] for w, kind in kinds.items() if kind == "E")

    # the subscription: the same arguments, events validated into their own fields
    subscribed: list[Any] = []

    def subscribe(**call: Any) -> Iterator[dict[str, Any]]:
        subscribed.append(call["variables"])
        yield {"s": response_t}

    client.subscribe = subscribe  # type: ignore[method-assign]
    subscription = getattr(client, methods[spec["subscription"]])
    arguments = {p: f"sub{value}" for p, value in arguments.items()}
    events = list(subscription(**arguments))
    assert {subscribed[0][name]: name for name in subscribed[0]} == {
        f"sub{value}": name for value, name in by_value.items()
    }
    assert events[0].s is not None
    assert events[0].s.model_dump(mode="json", by_alias=True) == response_t
    client.close()
    http.close()


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=projects())
def test_hostile_names_round_trip(tmp_path: Path, spec: dict[str, Any]) -> None:
    package = f"hostile_{next(_packages)}"
    root = tmp_path / package
    config = make_project(
        root,
        schema=_schema(spec),
        operations={"ops.graphql": _operations(spec)},
        package=package,
        appsync='default_auth_mode = "API_KEY"\nadditional_auth_modes = []\n',
    )
    try:
        generate(config)
    except CodegenError as error:
        event(
            "located error: " + re.sub(r"\b\w+_\d+\b|`.*?`", "…", error.diagnostics[0].message)[:60]
        )
        for diagnostic in error.diagnostics:
            assert diagnostic.line >= 1 and diagnostic.file.endswith(".graphql"), diagnostic
        return
    event("generated")
    for module in _import(package, root):
        _check_package(module, spec)


def _everything() -> dict[str, Any]:
    """One project holding every hostile name at once (for the type checkers)."""
    names = [n for n in HOSTILE if not n.startswith("__")]
    return {
        "fields": [(name, "String") for name in names],
        "inputs": [(name, "String") for name in names],
        "values": [n for n in names if n not in _NOT_ENUM_VALUES],
        "variables": names,
        "aliases": {},
        "query": "Execute",
        "mutation": "Close",
        "subscription": "Subscribe",
        "typename": True,
        "fragment": len(names) // 2,
    }


def _caller(pkg: ModuleType) -> str:
    """A user's script touching every generated name."""
    methods = {info.kind: info.method for info in pkg.OPERATIONS.values()}
    query = inspect.signature(getattr(pkg.Client, methods["query"]))
    arguments = ", ".join(
        f'{name}="x"'
        for name, p in query.parameters.items()
        if name != "self" and p.kind is not inspect.Parameter.VAR_KEYWORD
    )
    fields = list(pkg.I.model_fields)
    lines = [
        f"from {pkg.__name__} import Client, E, I",
        "",
        "",
        "def use(client: Client) -> list[object]:",
        f"    result = client.{methods['query']}({arguments})",
        "    assert result.q is not None",
        "    seen: list[object] = []",
    ]
    module = importlib.import_module(f"{pkg.__name__}.{methods['query']}")
    t_class = next(
        cls
        for name, cls in vars(module).items()
        if isinstance(cls, type) and name.endswith("Q") and hasattr(cls, "model_fields")
    )
    lines += [f"    seen.append(result.q.{name})" for name in t_class.model_fields]
    lines += [f"    seen.append(E.{member.name})" for member in pkg.E]
    built = ", ".join(f'{field}="x"' for field in fields)
    lines.append(f"    client.{methods['mutation']}(input=I({built}))")
    lines.append("    return seen")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("everything") / "project"
    spec = _everything()
    config = make_project(
        root,
        schema=_schema(spec),
        operations={"ops.graphql": _operations(spec)},
        package="hostile_all",
        appsync='default_auth_mode = "API_KEY"\nadditional_auth_modes = []\n',
    )
    generate(config)
    for pkg in _import("hostile_all", root):
        _check_package(pkg, spec)
        (root / "caller.py").write_text(_caller(pkg), encoding="utf-8")
    return root


def test_every_hostile_name_at_once_passes_mypy_strict(everything: Path) -> None:
    result = _run(
        [tool("mypy"), "--strict", "--no-incremental", "caller.py", "hostile_all"], everything
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(_pyright() is None, reason="pyright is not installed (dev extra)")
def test_every_hostile_name_at_once_passes_pyright_strict(everything: Path) -> None:
    result = _pyright_strict(everything, ["caller.py", "hostile_all"])
    assert result.returncode == 0, result.stdout + result.stderr
