"""Generated methods as a type checker and a user's code see them: typed per-call
options, ``iter_*`` pagination methods (two conventions), deprecated arguments."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from appsync_codegen.generate import generate
from appsync_runtime import (
    ApiKeyAuth,
    AppSyncConfigError,
    AppSyncHTTPError,
    RetryPolicy,
    Timeout,
)

from .conftest import AUTH_OPTIONS, make_project, tool
from .test_quality import _pyright, _pyright_strict, _run

PACKAGE = "paged_client"
URL = "https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql"
KEY = "da2-abcdefghijklmnopqrstuvwxyz"

SCHEMA = """
type Note @aws_api_key { id: ID! title: String }
type NoteConnection @aws_api_key { items: [Note] nextToken: String }
type PageInfo @aws_api_key { endCursor: String hasNextPage: Boolean! }
type NoteEdge @aws_api_key { cursor: String node: Note }
type NoteFeed @aws_api_key { edges: [NoteEdge!]! pageInfo: PageInfo! }
type Query @aws_api_key {
  notes(
    limit: Int
    nextToken: String
    tag: String @deprecated(reason: "Filter by label.")
    label: String
  ): NoteConnection!
  feed(first: Int, after: String): NoteFeed!
  note(id: ID!): Note
}
type Mutation @aws_api_key { touch(id: ID!): Note }
type Subscription @aws_api_key { onTouch: Note @aws_subscribe(mutations: ["touch"]) }
"""

OPERATIONS = {
    "notes.graphql": """
query ListNotes($limit: Int, $nextToken: String, $tag: String, $label: String) {
  notes(limit: $limit, nextToken: $nextToken, tag: $tag, label: $label) {
    items { id title }
    nextToken
  }
}

query LegacyNotes($tag: String!) {
  notes(tag: $tag) { items { id } nextToken }
}

query Feed($first: Int, $after: String) {
  feed(first: $first, after: $after) {
    edges { node { id } }
    pageInfo { endCursor }
  }
}

query TwoPages($a: String, $b: String) {
  one: notes(nextToken: $a) { items { id } nextToken }
  two: notes(nextToken: $b) { items { id } nextToken }
}

query NoToken($t: String) {
  notes(nextToken: $t) { items { id } }
}

query GetNote($id: ID!) { note(id: $id) { id } }

mutation Touch($id: ID!) { touch(id: $id) { id } }

subscription OnTouch { onTouch { id } }
""",
}

PAGINATION = """
[[tool.ariadne-codegen.appsync.pagination]]
argument = "nextToken"

[[tool.ariadne-codegen.appsync.pagination]]
argument = "after"
token = "pageInfo.endCursor"
items = "edges"
"""

USER_CODE = """
from paged_client import AsyncClient, Client
from appsync_runtime import RetryPolicy, Timeout


def fine(client: Client) -> None:
    client.get_note(
        "n1",
        timeout=Timeout(total=3),
        retry=RetryPolicy(attempts=2),
        headers={"x-trace": "t"},
        idempotent=True,
        auth=None,
        auth_modes=["API_KEY"],
    )
    for page in client.iter_list_notes(limit=5, max_pages=2, timeout=4.0):
        print(page.notes.next_token)
    for note in client.iter_list_notes(label="x").items():
        print(note.id if note else None)
    for edge in client.iter_feed(first=2).items():
        print(edge.node)
    for event in client.on_touch(on_ready=lambda: None, on_gap=print):
        print(event.on_touch)


async def fine_async(client: AsyncClient) -> None:
    await client.get_note("n1", timeout=3)
    async for page in client.iter_feed(first=2, max_items=5):
        print(page.feed.page_info.end_cursor)
    async for event in client.on_touch(auth_modes=None):
        print(event)


def typos(client: Client) -> None:
    client.get_note("n1", timout=3)
    client.touch("n1", retries=None)
    client.iter_list_notes(max_page=2)
    client.on_touch(on_redy=print)
    client.get_note("n1", operation_type="query")
    client.get_note("n1", timeout="soon")


def stale(client: Client) -> None:
    client.list_notes(tag="old")
    client.legacy_notes("old")
"""


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("paged")
    config = make_project(
        root,
        schema=SCHEMA,
        operations=OPERATIONS,
        appsync=AUTH_OPTIONS + PAGINATION,
        package=PACKAGE,
    )
    result = generate(config)
    (root / "user_code.py").write_text(USER_CODE, encoding="utf-8")
    return root / PACKAGE, [str(warning) for warning in result.warnings]


@pytest.fixture(scope="module")
def package(paged: tuple[Path, list[str]]) -> Iterator[ModuleType]:
    folder, _ = paged
    sys.path.insert(0, str(folder.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder.parent))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _line(marker: str) -> int:
    return USER_CODE.splitlines().index(marker) + 1


# -- what the type checkers see ------------------------------------------------------


def test_mypy_reports_misspelt_options_and_deprecated_arguments(
    paged: tuple[Path, list[str]],
) -> None:
    folder, _ = paged
    result = _run(
        [
            tool("mypy"),
            *("--strict", "--no-incremental", "--enable-error-code", "deprecated"),
            *("user_code.py", PACKAGE),
        ],
        folder.parent,
    )
    lines = sorted(
        {int(line.split(":")[1]) for line in result.stdout.splitlines() if ": error:" in line}
    )
    typos = _line("def typos(client: Client) -> None:")
    stale = _line("def stale(client: Client) -> None:")
    assert lines == [*range(typos + 1, typos + 7), stale + 1, stale + 2], result.stdout
    assert '"timout"' in result.stdout and '"on_redy"' in result.stdout
    assert "is deprecated" in result.stdout


@pytest.mark.skipif(_pyright() is None, reason="pyright is not installed (dev extra)")
def test_pyright_reports_misspelt_options_and_deprecated_arguments(
    paged: tuple[Path, list[str]],
) -> None:
    folder, _ = paged
    result = _pyright_strict(folder.parent, ["--outputjson", "user_code.py", PACKAGE])
    report = json.loads(result.stdout)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    in_package = [d for d in errors if Path(d["file"]).name != "user_code.py"]
    assert in_package == []
    lines = sorted({d["range"]["start"]["line"] + 1 for d in errors})
    typos = _line("def typos(client: Client) -> None:")
    stale = _line("def stale(client: Client) -> None:")
    assert lines == [*range(typos + 1, typos + 7), stale + 1, stale + 2], errors
    messages = " ".join(d["message"] for d in errors)
    for name in ("timout", "retries", "max_page", "on_redy", "operation_type"):
        assert f'No parameter named "{name}"' in messages, messages
    assert not any("unknown" in d["message"].lower() for d in errors), errors
    deprecated = [d for d in errors if d.get("rule") == "reportDeprecated"]
    assert {d["range"]["start"]["line"] + 1 for d in deprecated} == {stale + 1, stale + 2}


def test_the_generation_notes_say_why_a_query_has_no_iterator(
    paged: tuple[Path, list[str]], package: ModuleType
) -> None:
    _, warnings = paged
    notes = [w for w in warnings if "no iterator" in w]
    assert any("query TwoPages: no iterator: more than one field" in w for w in notes), notes
    assert any("query NoToken: no iterator: notes: selects no nextToken" in w for w in notes)
    assert len(notes) == 2, notes
    for client in (package.Client, package.AsyncClient):
        assert hasattr(client, "iter_list_notes") and hasattr(client, "iter_feed")
        assert not hasattr(client, "iter_two_pages") and not hasattr(client, "iter_no_token")
        assert not hasattr(client, "iter_legacy_notes")  # no token variable


# -- every option reaches the call, on both clients -------------------------------------


class Recorder:
    """Answers every request (first ``failures`` with 503) and records what was sent."""

    def __init__(self, reply: dict[str, Any], failures: int = 0) -> None:
        self.reply = reply
        self.failures = failures
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            return httpx.Response(503, json={"errors": [{"message": "busy"}]})
        return httpx.Response(200, json={"data": self.reply})


def _call(package: ModuleType, kind: str, recorder: Recorder, method: str, **kwargs: Any) -> Any:
    policy = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0, wait_jitter=0.0)
    if kind == "sync":
        http = httpx.Client(transport=httpx.MockTransport(recorder))
        with package.Client(URL, auth=ApiKeyAuth(KEY), http_client=http, retry=policy) as client:
            return getattr(client, method)(**kwargs)

    async def run() -> Any:
        http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        async with package.AsyncClient(
            URL, auth=ApiKeyAuth(KEY), http_client=http, retry=policy
        ) as client:
            return await getattr(client, method)(**kwargs)

    return asyncio.run(run())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_every_operation_option_reaches_the_call(package: ModuleType, kind: str) -> None:
    note = {"note": {"id": "n1"}}
    recorder = Recorder(note)
    _call(
        package,
        kind,
        recorder,
        "get_note",
        id="n1",
        headers={"x-trace": "abc"},
        timeout=Timeout(total=7.5),
        auth=ApiKeyAuth("da2-other"),
    )
    sent = recorder.requests[0]
    assert sent.headers["x-trace"] == "abc"
    assert sent.headers["x-api-key"] == "da2-other"
    assert sent.extensions["timeout"]["read"] <= 7.5

    # retry=None: a 503 is not retried; by default a query is
    failing = Recorder(note, failures=1)
    with pytest.raises(AppSyncHTTPError):
        _call(package, kind, failing, "get_note", id="n1", retry=None)
    assert len(failing.requests) == 1
    retried = Recorder(note, failures=1)
    assert _call(package, kind, retried, "get_note", id="n1").note.id == "n1"
    assert len(retried.requests) == 2

    # idempotent=True lets a mutation be retried like a query
    touched = {"touch": {"id": "n1"}}
    once = Recorder(touched, failures=1)
    with pytest.raises(AppSyncHTTPError):
        _call(package, kind, once, "touch", id="n1")
    assert len(once.requests) == 1
    twice = Recorder(touched, failures=1)
    assert _call(package, kind, twice, "touch", id="n1", idempotent=True).touch.id == "n1"
    assert len(twice.requests) == 2

    # auth_modes replaces the operation's own: no strategy fits, nothing is sent
    refused = Recorder(note)
    with pytest.raises(AppSyncConfigError, match="AWS_IAM"):
        _call(package, kind, refused, "get_note", id="n1", auth_modes=["AWS_IAM"])
    assert refused.requests == []

    # a misspelt option fails before sending, naming the valid ones
    with pytest.raises(AppSyncConfigError, match="'timout' \\(did you mean 'timeout'\\?\\)"):
        _call(package, kind, refused, "get_note", id="n1", timout=3)
    with pytest.raises(AppSyncConfigError, match="operation_type"):
        _call(package, kind, refused, "get_note", id="n1", operation_type="query")
    assert refused.requests == []


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_every_subscription_option_reaches_subscribe(package: ModuleType, kind: str) -> None:
    seen: list[dict[str, Any]] = []

    def ready() -> None:
        pass

    def gap(_: object) -> None:
        pass

    strategy = ApiKeyAuth("da2-other")
    options = {"on_ready": ready, "on_gap": gap, "auth": strategy, "auth_modes": ["API_KEY"]}
    if kind == "sync":
        client = package.Client(URL, auth=ApiKeyAuth(KEY))

        def fake(**call: Any) -> Iterator[dict[str, Any]]:
            seen.append(call)
            yield {"onTouch": {"id": "n1"}}

        client.subscribe = fake
        events = list(client.on_touch(**options))
        client.close()
    else:
        client = package.AsyncClient(URL, auth=ApiKeyAuth(KEY))

        async def fake_async(**call: Any) -> Any:
            seen.append(call)
            yield {"onTouch": {"id": "n1"}}

        client.subscribe = fake_async

        async def run() -> list[Any]:
            found = [event async for event in client.on_touch(**options)]
            await client.close()
            return found

        events = asyncio.run(run())
    assert [event.on_touch.id for event in events] == ["n1"]
    assert seen[0]["on_ready"] is ready and seen[0]["on_gap"] is gap
    assert seen[0]["auth"] is strategy and seen[0]["auth_modes"] == ["API_KEY"]
    assert seen[0]["operation_name"] == "OnTouch"
    with pytest.raises(AppSyncConfigError, match="'on_redy'"):
        package.Client(URL, auth=ApiKeyAuth(KEY)).on_touch(on_redy=ready)


# -- the iterators -----------------------------------------------------------------------


class Pager:
    """Serves ``total`` notes in pages of the requested size, by either convention."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.variables: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        variables = body.get("variables") or {}
        self.variables.append(variables)
        relay = "feed" in body["query"]
        token = variables.get("after" if relay else "nextToken")
        start = int(token) if token else 0
        size = variables.get("first" if relay else "limit") or 2
        end = min(start + size, self.total)
        following = str(end) if end < self.total else None
        ids = [f"n{i}" for i in range(start, end)]
        if relay:
            data = {
                "feed": {
                    "edges": [{"node": {"id": id_}} for id_ in ids],
                    "pageInfo": {"endCursor": following},
                }
            }
        else:
            data = {
                "notes": {"items": [{"id": i, "title": None} for i in ids], "nextToken": following}
            }
        return httpx.Response(200, json={"data": data})


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_both_conventions_page_to_the_end(package: ModuleType, kind: str) -> None:
    pager = Pager(7)

    async def collect(client: Any) -> tuple[list[str], list[str]]:
        notes = [n.id async for n in client.iter_list_notes(limit=3, label="x").items()]
        feed = [e.node.id async for e in client.iter_feed(first=2).items()]
        return notes, feed

    if kind == "sync":
        http = httpx.Client(transport=httpx.MockTransport(pager))
        with package.Client(URL, auth=ApiKeyAuth(KEY), http_client=http) as client:
            notes = [n.id for n in client.iter_list_notes(limit=3, label="x").items()]
            feed = [e.node.id for e in client.iter_feed(first=2).items()]
    else:

        async def run() -> tuple[list[str], list[str]]:
            http = httpx.AsyncClient(transport=httpx.MockTransport(pager))
            async with package.AsyncClient(URL, auth=ApiKeyAuth(KEY), http_client=http) as client:
                return await collect(client)

        notes, feed = asyncio.run(run())
    assert notes == feed == [f"n{i}" for i in range(7)]
    listed = [v for v in pager.variables if "label" in v]
    assert [v.get("nextToken") for v in listed] == [None, "3", "6"]
    assert all(v["limit"] == 3 and v["label"] == "x" for v in listed)  # passed through
    assert [v.get("after") for v in pager.variables if "first" in v] == [None, "2", "4", "6"]


def test_deprecated_arguments_warn_at_run_time(package: ModuleType) -> None:
    pager = Pager(1)
    http = httpx.Client(transport=httpx.MockTransport(pager))
    with package.Client(URL, auth=ApiKeyAuth(KEY), http_client=http) as client:
        with pytest.warns(DeprecationWarning, match="tag is deprecated: Filter by label."):
            client.list_notes(tag="old")
        with pytest.warns(DeprecationWarning, match="tag is deprecated: Filter by label."):
            client.legacy_notes("old")
        with pytest.warns(DeprecationWarning, match="tag is deprecated"):
            list(client.iter_list_notes(tag="old"))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            client.list_notes(label="new")
            list(client.iter_list_notes(label="new"))
