"""Real AppSync schemas written by others (``tests/codegen/corpus``), end to end.

Every entry is generated with ``appsync-codegen generate`` into one temporary folder,
then:

- every name the package defines is public and belongs to one GraphQL name only
  (model fields, input fields, enum members, method arguments, client methods);
- every query and mutation goes through its generated method on a mock transport:
  each variable reaches the wire under its own name with its own value, and each
  response key reads into an attribute of its own and dumps back unchanged;
- all packages and their ``caller.py`` pass ``mypy --strict`` and strict ``pyright``
  (one run of each over the whole corpus, read per entry);
- entries with ``simulator/simulator.json`` run their caller against the AWS AppSync
  simulator: queries, pagination, mutations and a subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import io
import json
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
import typing
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from enum import Enum
from ipaddress import IPv4Address, IPv6Address, ip_address
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    parse,
    type_from_ast,
)
from pydantic import BaseModel

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncClient,
    AppSyncGraphQLError,
    AsyncAppSyncClient,
    CallOptions,
    CognitoUserPoolsAuth,
    Credentials,
    IAMAuth,
    OIDCAuth,
)
from appsync_runtime._request import encode_variables
from appsync_runtime.scalars import (
    serialize_aws_date,
    serialize_aws_datetime,
    serialize_aws_json,
    serialize_aws_time,
)
from tests.support.simulator import start_simulators
from tests.support.simulator_launcher import AppSyncSimulator

from .conftest import tool
from .corpus_support import Counter, ResponseBuilder, json_equal, variables_for

CORPUS = Path(__file__).resolve().parent / "corpus"
ENTRIES = sorted(p.name for p in CORPUS.iterdir() if (p / "pyproject.toml").is_file())
SIMULATED = [e for e in ENTRIES if (CORPUS / e / "simulator" / "simulator.json").is_file()]
URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"
TIMEOUT = 20.0


# -- generating the corpus ---------------------------------------------------------------


@dataclass
class Entry:
    """One corpus entry after ``appsync-codegen generate``."""

    name: str
    config: dict[str, Any]
    code: int
    output: str

    @property
    def package(self) -> str:
        return str(self.config["target_package_name"])

    @property
    def appsync(self) -> dict[str, Any]:
        return dict(self.config.get("appsync", {}))

    def require(self) -> None:
        """Fail the calling test unless the entry generated."""
        if self.code != 0:
            pytest.fail(
                f"appsync-codegen generate failed for corpus entry {self.name} "
                f"(exit {self.code}):\n{self.output}",
                pytrace=False,
            )


@dataclass
class Corpus:
    """Every entry generated into ``site`` (packages side by side, callers next to them)."""

    site: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    def entry(self, name: str) -> Entry:
        entry = self.entries[name]
        entry.require()
        return entry

    def module(self, name: str) -> ModuleType:
        return importlib.import_module(self.entry(name).package)


def read_toml(path: Path) -> dict[str, Any]:
    from appsync_codegen.config import read_toml as read

    return read(path)


def _generate(config: Path, output: Path) -> tuple[int, str]:
    from appsync_codegen.cli import main

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        code = main(["generate", "--config", str(config), "--output", str(output)])
    return code, captured.getvalue()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The whole corpus generated once; its packages importable for the module."""
    root = tmp_path_factory.mktemp("corpus")
    site = root / "site"
    site.mkdir()
    result = Corpus(site)
    for name in ENTRIES:
        project = shutil.copytree(
            CORPUS / name, root / name, ignore=shutil.ignore_patterns("simulator", "caller.py")
        )
        config = read_toml(project / "pyproject.toml")["tool"]["ariadne-codegen"]
        code, output = _generate(project / "pyproject.toml", site)
        result.entries[name] = Entry(name, config, code, output)
        if code == 0:
            shutil.copy(CORPUS / name / "caller.py", site / f"caller_{name}.py")
    sys.path.insert(0, str(site))
    try:
        yield result
    finally:
        sys.path.remove(str(site))
        packages = {e.package for e in result.entries.values()} | {f"caller_{n}" for n in ENTRIES}
        for module in [m for m in sys.modules if m.split(".")[0] in packages]:
            del sys.modules[module]


def _schema(name: str) -> GraphQLSchema:
    from appsync_codegen.prelude import prelude_text

    return build_schema(prelude_text() + (CORPUS / name / "schema.graphql").read_text("utf-8"))


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    yield package
    for info in pkgutil.iter_modules(package.__path__):
        yield importlib.import_module(f"{package.__name__}.{info.name}")


def _wire_name(python_name: str, info: Any) -> str:
    alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
    return str(alias or python_name)


def _runtime_options() -> set[str]:
    """Names the runtime's call methods take: a method argument must not be one."""
    names = {"self", "kwargs"}
    for method in (
        AppSyncClient.execute,
        AppSyncClient.subscribe,
        AsyncAppSyncClient.execute,
        AsyncAppSyncClient.subscribe,
    ):
        names.update(inspect.signature(method).parameters)
    return names | CallOptions.__optional_keys__


def test_corpus_has_the_promised_coverage() -> None:
    assert len(ENTRIES) >= 5, ENTRIES
    assert len(SIMULATED) >= 2, SIMULATED
    for name in ENTRIES:
        folder = CORPUS / name
        for part in ("schema.graphql", "PROVENANCE.md", "caller.py", "operations"):
            assert (folder / part).exists(), f"{name} lacks {part}"
        provenance = (folder / "PROVENANCE.md").read_text("utf-8")
        for needle in ("repository", "commit", "licence"):
            assert needle in provenance, f"{name}/PROVENANCE.md names no {needle}"
        assert re.search(r"\b[0-9a-f]{40}\b", provenance), f"{name}: no full commit hash"


# -- generation and names ----------------------------------------------------------------


@pytest.mark.parametrize("name", ENTRIES)
def test_entry_generates(corpus: Corpus, name: str) -> None:
    corpus.entry(name)


@pytest.mark.parametrize("name", ENTRIES)
def test_every_graphql_name_gets_a_public_name_of_its_own(corpus: Corpus, name: str) -> None:
    """Fields, input fields, enum members, arguments and methods: each GraphQL name has
    its own public Python name (no leading underscore: pyright's private names), and
    each input type and enum of the package covers exactly its schema definition."""
    package = corpus.module(name)
    schema = _schema(name)
    problems: list[str] = []
    for module in _modules(package):
        for obj in vars(module).values():
            if not isinstance(obj, type) or obj.__module__ != module.__name__:
                continue
            if issubclass(obj, BaseModel) and obj.model_fields:
                problems += _model_name_problems(obj, schema)
            elif issubclass(obj, Enum):
                problems += _enum_name_problems(obj, schema)
    problems += _method_name_problems(package, corpus.entry(name))
    assert not problems, "\n".join(problems)


def _model_name_problems(model: type[BaseModel], schema: GraphQLSchema) -> list[str]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for python_name, info in model.model_fields.items():
        wire = _wire_name(python_name, info)
        if python_name.startswith("_"):
            problems.append(f"{model.__name__}.{python_name} (for {wire!r}) is a private name")
        if wire in seen:
            problems.append(f"{model.__name__}: {wire!r} read by {seen[wire]} and {python_name}")
        seen[wire] = python_name
    if model.__module__.endswith(".input_types"):
        definition = schema.get_type(model.__name__)
        assert isinstance(definition, GraphQLInputObjectType), model.__name__
        if set(seen) != set(definition.fields):
            problems.append(
                f"{model.__name__} fields {sorted(seen)} != schema {sorted(definition.fields)}"
            )
    return problems


def _enum_name_problems(enum: type[Enum], schema: GraphQLSchema) -> list[str]:
    problems: list[str] = []
    shadowing = set(dir(str)) | {"name", "value", "mro"}
    for member in enum:
        if member.name.startswith("_"):
            problems.append(f"{enum.__name__}.{member.name} ({member.value!r}) is a private name")
        if member.name in shadowing:
            problems.append(f"{enum.__name__}.{member.name} shadows a member of str or Enum")
    definition = schema.get_type(enum.__name__)
    values = {str(member.value) for member in enum}
    if definition is None or values != set(getattr(definition, "values", {})):
        problems.append(f"{enum.__name__} values {sorted(values)} differ from the schema")
    return problems


def _method_name_problems(package: ModuleType, entry: Entry) -> list[str]:
    problems: list[str] = []
    reserved = _runtime_options()
    client_members = set(dir(AppSyncClient)) | set(dir(AsyncAppSyncClient))
    clients = [
        getattr(package, entry.appsync.get("client_name", "Client")),
        getattr(package, entry.appsync.get("async_client_name", "AsyncClient")),
    ]
    documents = _operation_documents(entry.name)
    for info in package.OPERATIONS.values():
        if info.method in client_members:
            problems.append(f"{info.name}: method {info.method} replaces a client member")
        variables = [v.variable.name.value for v in documents[info.name].variable_definitions]
        for client in clients:
            parameters = [
                name
                for name, p in inspect.signature(getattr(client, info.method)).parameters.items()
                if name != "self" and p.kind is not inspect.Parameter.VAR_KEYWORD
            ]
            if len(parameters) != len(variables):
                problems.append(f"{client.__name__}.{info.method}{parameters} for {variables}")
            for parameter in parameters:
                if parameter.startswith("_") or parameter in reserved:
                    problems.append(f"{client.__name__}.{info.method}: argument {parameter!r}")
    return problems


def _operation_documents(name: str) -> dict[str, OperationDefinitionNode]:
    operations: dict[str, OperationDefinitionNode] = {}
    for path in sorted((CORPUS / name / "operations").glob("*.graphql")):
        for definition in parse(path.read_text("utf-8")).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                operations[definition.name.value] = definition
    return operations


# -- operations on the wire --------------------------------------------------------------


@dataclass
class Recorder:
    """A mock AppSync answering each request with a response built from its document."""

    schema: GraphQLSchema
    requests: list[dict[str, Any]] = field(default_factory=list)
    responses: list[Any] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        document = parse(body["query"])
        (operation,) = [
            d
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
            and d.name is not None
            and d.name.value == body.get("operationName")
        ]
        built = ResponseBuilder(self.schema, document).operation(operation)
        self.responses.append(built)
        return httpx.Response(200, json={"data": built.wire})


def _every_strategy() -> list[Any]:
    credentials = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    return [
        ApiKeyAuth("da2-corpusapikey0000000000"),
        CognitoUserPoolsAuth("header.payload.signature"),
        OIDCAuth("header.payload.signature"),
        IAMAuth(credentials, region="eu-west-1"),
    ]


def _python_argument(package: ModuleType, type_: GraphQLInputType, value: Any) -> Any:
    """The value a caller passes: generated input models instead of dicts."""
    if value is None:
        return None
    if isinstance(type_, GraphQLNonNull):
        return _python_argument(package, type_.of_type, value)
    if isinstance(type_, GraphQLList):
        return [_python_argument(package, type_.of_type, item) for item in value]
    if isinstance(type_, GraphQLInputObjectType):
        return getattr(package, type_.name).model_validate(value)
    return value


def _leaf_types(annotation: Any) -> set[Any]:
    arguments = typing.get_args(annotation)
    if not arguments:
        return {annotation}
    return set().union(*(_leaf_types(argument) for argument in arguments))


def _markers(method: Callable[..., Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A distinct value of the right kind for each argument of a generated method, and
    which argument each one belongs to, by its JSON form on the wire."""
    markers: dict[str, Any] = {}
    owners: dict[str, str] = {}
    parameters = [
        p
        for p in inspect.signature(method).parameters.values()
        if p.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    for index, parameter in enumerate(parameters):
        kinds = _leaf_types(parameter.annotation)
        value: Any
        wire: Any
        if bool in kinds:
            assert sum(bool in _leaf_types(p.annotation) for p in parameters) == 1, parameters
            value, wire = True, True
        elif int in kinds:
            value = wire = 1000 + index
        elif float in kinds:
            value = wire = 1000.5 + index
        elif datetime in kinds:
            value = datetime(2001, 1, 1, 0, 0, index, tzinfo=timezone.utc)
            wire = serialize_aws_datetime(value)
        elif date in kinds:
            value = date(2001, 1, 1 + index)
            wire = serialize_aws_date(value)
        elif time in kinds:
            value = time(0, 0, index, tzinfo=timezone.utc)
            wire = serialize_aws_time(value)
        elif IPv4Address in kinds or IPv6Address in kinds:
            value = ip_address(f"198.51.100.{index + 1}")
            wire = str(value)
        elif Any in kinds:
            value = f"<{parameter.name}>"
            wire = serialize_aws_json(value)
        else:
            value = wire = f"<{parameter.name}>"
        markers[parameter.name] = value
        owners[json.dumps(wire, sort_keys=True)] = parameter.name
    return markers, owners


@pytest.mark.parametrize("name", ENTRIES)
def test_every_operation_round_trips_through_its_method(corpus: Corpus, name: str) -> None:
    """Each query and mutation, called on the generated sync client over a mock
    transport: first with a distinct marker per argument (each GraphQL variable must
    receive its own argument's marker), then with real values of every variable (the
    wire must carry them under their GraphQL names, input fields included), answered
    with a value for every selected field (the typed result must dump back to it)."""
    package = corpus.module(name)
    entry = corpus.entry(name)
    schema = _schema(name)
    documents = _operation_documents(name)
    recorder = Recorder(schema)
    client_class = getattr(package, entry.appsync.get("client_name", "Client"))
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    client = client_class(url=URL, auth=_every_strategy(), http_client=http, retry=None)
    problems: list[str] = []
    counter = Counter()
    with client:
        for info in package.OPERATIONS.values():
            if info.kind == "subscription":
                continue
            operation = documents[info.name]
            method = getattr(client, info.method)
            parameters = [
                name
                for name, p in inspect.signature(method).parameters.items()
                if p.kind is not inspect.Parameter.VAR_KEYWORD
            ]
            markers, owners = _markers(method)
            method(**markers)
            sent = recorder.requests[-1]["variables"]
            by_variable = {
                variable: owners[json.dumps(value, sort_keys=True)]
                for variable, value in sent.items()
                if json.dumps(value, sort_keys=True) in owners
            }
            variables = [d.variable.name.value for d in operation.variable_definitions]
            if sorted(by_variable) != sorted(variables) or sorted(by_variable.values()) != sorted(
                parameters
            ):
                problems.append(f"{info.name}: arguments {markers} reach variables as {sent}")
                continue
            values = variables_for(schema, operation, counter)
            arguments: dict[str, Any] = {}
            for definition in operation.variable_definitions:
                variable = definition.variable.name.value
                type_ = type_from_ast(schema, definition.type)
                assert type_ is not None
                arguments[by_variable[variable]] = _python_argument(
                    package,
                    type_,  # type: ignore[arg-type]
                    values[variable].python,
                )
            result = method(**arguments)
            sent = recorder.requests[-1]["variables"]
            expected = {variable: built.wire for variable, built in values.items()}
            if not json_equal(sent, expected):
                problems.append(f"{info.name}: sent {sent}\n  expected {expected}")
            dumped = result.model_dump(mode="json", by_alias=True)
            if not json_equal(dumped, recorder.responses[-1].dumped):
                problems.append(
                    f"{info.name}: read {recorder.responses[-1].wire}\n  dumped {dumped}"
                )
    assert not problems, "\n".join(problems)


def test_datastore_version_and_a_field_named_version_stay_apart(corpus: Corpus) -> None:
    """DataStore's ``_version`` next to a response key ``version`` (an alias here):
    two attributes, both values kept, each sent back under its own name."""
    package = corpus.module("datastore_posts")
    post = package.PostVersion.model_validate(
        {"getPost": {"id": "post-1", "version": 7, "_version": 3}}
    ).get_post
    fields = type(post).model_fields
    by_wire = {_wire_name(python, info): python for python, info in fields.items()}
    assert by_wire["version"] != by_wire["_version"]
    assert getattr(post, by_wire["version"]) == 7
    assert getattr(post, by_wire["_version"]) == 3
    assert post.model_dump(by_alias=True) == {"id": "post-1", "version": 7, "_version": 3}
    update = package.UpdatePostInput.model_validate({"id": "post-1", "_version": 3})
    assert encode_variables({"input": update}) == {"input": {"id": "post-1", "_version": 3}}


def test_null_attribute_type_is_public_and_sent_as_null(corpus: Corpus) -> None:
    """``ModelAttributeTypes._null``: a public member whose value is ``_null``."""
    package = corpus.module("amplify_blog")
    member = package.ModelAttributeTypes("_null")
    assert not member.name.startswith("_")
    assert getattr(package.ModelAttributeTypes, member.name) is member
    wanted = package.ModelPostFilterInput.model_validate({"blogPostsId": {"attributeType": member}})
    assert encode_variables({"filter": wanted}) == {
        "filter": {"blogPostsId": {"attributeType": "_null"}}
    }


# -- strict type checking, one run of each checker for the whole corpus -----------------


@dataclass
class Checked:
    """The diagnostics of one checker run, per corpus entry."""

    command: list[str]
    output: str
    by_entry: dict[str, list[str]]

    def errors(self, name: str) -> list[str]:
        return self.by_entry.get(name, [])


def _by_entry(corpus: Corpus, lines: list[str]) -> dict[str, list[str]]:
    owners: dict[str, str] = {}
    for name, entry in corpus.entries.items():
        owners[entry.package] = name
        owners[f"caller_{name}.py"] = name
    result: dict[str, list[str]] = {}
    for line in lines:
        path = Path(line.strip().split(":", 1)[0])
        if not path.is_absolute():
            path = corpus.site / path
        relative = Path("?")
        with contextlib.suppress(ValueError):
            relative = path.resolve().relative_to(corpus.site.resolve())
        owner = owners.get(relative.parts[0] if relative.parts else "", "?")
        result.setdefault(owner, []).append(line.strip())
    return result


def _checked_targets(corpus: Corpus) -> list[str]:
    targets: list[str] = []
    for name, entry in corpus.entries.items():
        if entry.code == 0:
            targets += [entry.package, f"caller_{name}.py"]
    return targets


@pytest.fixture(scope="module")
def mypy_run(corpus: Corpus) -> Checked:
    """``mypy --strict`` over every generated package and caller, once."""
    with tempfile.TemporaryDirectory() as cache:
        command = [
            tool("mypy"),
            "--strict",
            "--cache-dir",
            cache,
            "--no-error-summary",
            *_checked_targets(corpus),
        ]
        done = subprocess.run(
            command, cwd=corpus.site, capture_output=True, text=True, check=False, timeout=600
        )
    lines = [line for line in done.stdout.splitlines() if ": error:" in line]
    if done.returncode not in (0, 1) or (done.returncode == 1 and not lines):
        pytest.fail(f"mypy did not run: {done.stdout}{done.stderr}", pytrace=False)
    return Checked(command, done.stdout, _by_entry(corpus, lines))


def _pyright() -> str | None:
    found = Path(sys.executable).parent / "pyright"
    return str(found) if found.exists() else shutil.which("pyright")


@pytest.fixture(scope="module")
def pyright_run(corpus: Corpus) -> Checked:
    """Strict ``pyright`` over every generated package and caller, once."""
    pyright = _pyright()
    if pyright is None:
        pytest.skip("pyright is not installed (dev extra)")
    settings = {
        "typeCheckingMode": "strict",
        "reportDeprecated": "error",
        "pythonVersion": "3.10",
        "extraPaths": [str(corpus.site)],
    }
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "pyrightconfig.json"
        config.write_text(json.dumps(settings), encoding="utf-8")
        command = [pyright, "-p", str(config), "--pythonpath", sys.executable]
        command += _checked_targets(corpus)
        done = subprocess.run(
            command, cwd=corpus.site, capture_output=True, text=True, check=False, timeout=600
        )
    lines: list[str] = []
    current = ""
    for line in done.stdout.splitlines():
        if line.startswith("/") and not line.startswith("  "):
            current = line.strip()
        elif " - error:" in line:
            lines.append(f"{current}:{line.strip()}" if not line.strip().startswith("/") else line)
    if done.returncode not in (0, 1) or (done.returncode == 1 and not lines):
        pytest.fail(f"pyright did not run: {done.stdout}{done.stderr}", pytrace=False)
    return Checked(command, done.stdout, _by_entry(corpus, lines))


@pytest.mark.parametrize("name", ENTRIES)
def test_package_and_caller_pass_mypy_strict(corpus: Corpus, mypy_run: Checked, name: str) -> None:
    corpus.entry(name)
    errors = mypy_run.errors(name)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", ENTRIES)
def test_package_and_caller_pass_pyright_strict(
    corpus: Corpus, pyright_run: Checked, name: str
) -> None:
    corpus.entry(name)
    errors = pyright_run.errors(name)
    assert not errors, "\n".join(errors)


def test_type_checkers_blame_only_corpus_files(mypy_run: Checked, pyright_run: Checked) -> None:
    """Every diagnostic belongs to an entry: nothing from outside is checked."""
    assert "?" not in mypy_run.by_entry, mypy_run.by_entry["?"]
    assert "?" not in pyright_run.by_entry, pyright_run.by_entry["?"]


# -- on the AppSync simulator -------------------------------------------------------------


@pytest.fixture(scope="session")
def simulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, AppSyncSimulator]]:
    """One simulator per simulated entry, started side by side, stopped by PID."""
    configs = {name: CORPUS / name / "simulator" / "simulator.json" for name in SIMULATED}
    with start_simulators(configs, tmp_path_factory.mktemp("corpus-simulators")) as running:
        yield running


def _caller(corpus: Corpus, name: str) -> Any:
    corpus.entry(name)
    return importlib.import_module(f"caller_{name}")


def _within(seconds: float, work: Callable[[], Any]) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(work(), seconds)

    return asyncio.run(bounded())


@pytest.mark.simulator
def test_amplify_blog_on_the_simulator(
    corpus: Corpus, simulators: dict[str, AppSyncSimulator]
) -> None:
    caller = _caller(corpus, "amplify_blog")
    simulator = simulators["amplify_blog"]
    run = uuid.uuid4().hex[:8]
    titles = [f"{run} post {i}" for i in range(5)]
    with caller.connect(simulator.url, simulator.api_key) as client:
        blog_id = caller.start_blog(client, f"{run} blog", titles)
        # a nested connection, paged two at a time through nextToken
        assert caller.all_post_titles(client, blog_id, 2) == titles
        assert caller.blogs_named(client, run) == [f"{run} blog"]
        orphan = client.create_post(
            input=corpus.module("amplify_blog").CreatePostInput(title=f"{run} orphan")
        ).create_post
        assert orphan is not None
        assert orphan.id in caller.posts_outside_any_blog(client)
        listing = client.list_posts(limit=100).list_posts
        first = next(p for p in listing.items if p is not None and p.title == titles[0])
        assert caller.retitle(client, first.id, titles[0], f"{run} renamed") == f"{run} renamed"
        with pytest.raises(AppSyncGraphQLError) as refused:
            caller.retitle(client, first.id, titles[0], "never")
        assert refused.value.error_type == "DynamoDB:ConditionalCheckFailedException"
        assert caller.comment_and_read_back(client, first.id, "first!") == ["first!"]
        assert caller.remove(client, orphan.id) == orphan.id
    title = f"{run} announced"
    event = _within(
        TIMEOUT,
        lambda: caller.announce_and_hear(simulator.url, simulator.api_key, blog_id, title),
    )
    assert event.on_create_post is not None
    assert event.on_create_post.blog_posts_id == blog_id
    assert event.on_create_post.created_at.tzinfo is not None


@pytest.mark.simulator
def test_datastore_posts_on_the_simulator(
    corpus: Corpus, simulators: dict[str, AppSyncSimulator]
) -> None:
    caller = _caller(corpus, "datastore_posts")
    package = corpus.module("datastore_posts")
    simulator = simulators["datastore_posts"]
    run = uuid.uuid4().hex[:8]
    store = caller.LocalStore()
    with caller.connect(simulator.url, simulator.api_key) as client:
        # base sync, two records a page: the three seeded posts at least
        assert caller.sync(client, store, 2) >= 3
        assert {"post-1", "post-2", "post-3"} <= set(store.posts)
        assert store.posts["post-1"].metadata.tags.metadata.tags.published is False
        base = store.last_sync
        assert isinstance(base, int)

        post = caller.publish(client, f"{run} new", package.Episode.EMPIRE)
        assert post.version_ == 1 and post.deleted_ is None
        assert post.appears_in == [package.Episode.EMPIRE, package.Episode.JEDI]
        renamed = caller.rename(client, post, f"{run} renamed")
        assert renamed.version_ == 2
        with pytest.raises(AppSyncGraphQLError) as conflict:
            caller.rename(client, post, "stale")  # still holds _version 1
        assert conflict.value.error_type == "ConflictUnhandled"
        assert caller.versions(client, post.id) == (2, renamed.last_changed_at_)

        # a delta sync brings the new post; a later one its tombstone
        assert caller.sync(client, store, 2) == 1
        assert store.posts[post.id].title == f"{run} renamed"
        assert caller.tombstone(client, renamed)
        assert f"{run} renamed" not in caller.live_posts(client)
        assert caller.sync(client, store, 2) == 1
        assert post.id not in store.posts
        assert store.last_sync is not None and store.last_sync > base

        watched = caller.publish(client, f"{run} watched", package.Episode.NEWHOPE)
    event = _within(
        TIMEOUT,
        lambda: caller.watch_update(simulator.url, simulator.api_key, watched, f"{run} live"),
    )
    updated = event.on_update_post
    assert updated is not None
    assert (updated.version_, updated.title) == (2, f"{run} live")
    assert updated.last_changed_at_ > watched.last_changed_at_


def test_simulated_entries_have_their_test() -> None:
    """Each entry with a simulator config is run by a test of this module."""
    tests = {name for name in globals() if name.startswith("test_")}
    for name in SIMULATED:
        assert f"test_{name}_on_the_simulator" in tests, name
