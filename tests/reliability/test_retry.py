"""Retries, deadlines and the operation type, on both clients against the fake."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncConfigError,
    AppSyncError,
    AppSyncErrorPageError,
    AppSyncGraphQLError,
    AppSyncHTTPError,
    AppSyncNetworkError,
    AppSyncThrottledError,
    AppSyncTimeoutError,
    AsyncAppSyncClient,
    AttemptRecord,
    AuthRejection,
    AuthRequest,
    CallHooks,
    RetryEvent,
    RetryPolicy,
    Timeout,
)
from appsync_runtime._request import operation_type
from tests.reliability.conftest import FAST, KEY
from tests.reliability.flaky import RefusingTransport, refusing_session
from tests.support.examples import examples
from tests.support.fake_appsync import FakeAppSync, Reply
from tests.support.ports import dead_url

QUERY = "query GetNote($id: ID!) { getNote(id: $id) { id } }"
MUTATION = "mutation CreateNote($input: CreateNoteInput!) { createNote(input: $input) { id } }"
HTML = {"content-type": "text/html"}
JSON = {"content-type": "application/json"}
OK = Reply(200, {"data": {"ok": True}}, JSON)


def html(status: int, **headers: str) -> Reply:
    return Reply(status, f"<html><body>{status}</body></html>", {**HTML, **headers})


def mutation_vars(mid: str) -> dict[str, Any]:
    return {"input": {"clientMutationId": mid, "title": "t"}}


def outcome(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except AppSyncError as exc:
        return exc


def run_sync(url: str, query: str, client: dict[str, Any], call: dict[str, Any]) -> Any:
    client = {"retry": FAST, "auth": ApiKeyAuth(KEY), **client}
    with AppSyncClient(url, **client) as c:
        return outcome(lambda: c.execute(query, **call))


def run_async(url: str, query: str, client: dict[str, Any], call: dict[str, Any]) -> Any:
    client = {"retry": FAST, "auth": ApiKeyAuth(KEY), **client}

    async def go() -> Any:
        async with AsyncAppSyncClient(url, **client) as c:
            try:
                return await c.execute(query, **call)
            except AppSyncError as exc:
                return exc

    return asyncio.run(go())


RUNNERS = {"sync": run_sync, "async": run_async}


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest) -> Callable[..., Any]:
    runner = RUNNERS[request.param]

    def call(url: str, query: str = QUERY, client: dict[str, Any] | None = None, **kw: Any) -> Any:
        return runner(url, query, client or {}, kw)

    return call


# ------------------------------------------------------------------ what is retried


def test_query_retried_through_5xx_pages_and_throttling(fake: FakeAppSync, run: Any) -> None:
    fake.reply(html(502), Reply(503, {"message": "busy"}, JSON))
    result = run(fake.url, variables={"id": "1"})
    assert result.data == {"ok": True}
    assert len(fake.received) == 3

    fake.reset_counts()
    fake.reply(Reply(429, {"message": "slow down"}, {**JSON, "Retry-After": "0"}), html(504))
    assert run(fake.url).data == {"ok": True} and len(fake.received) == 3


def test_last_error_raised_with_attempts(fake: FakeAppSync, run: Any) -> None:
    fake.reply(html(500), html(503), html(502))
    error = run(fake.url)
    assert isinstance(error, AppSyncErrorPageError) and error.status == 502
    assert error.attempts == 3 and "attempts=3" in str(error)
    assert error.request_id == "req-3" and error.operation_name is None


def test_graphql_errors_and_4xx_are_never_retried(fake: FakeAppSync, run: Any) -> None:
    fake.reply(Reply(200, {"data": None, "errors": [{"message": "boom"}]}, JSON))
    assert isinstance(run(fake.url), AppSyncGraphQLError)
    fake.reply(Reply(400, {"errors": [{"errorType": "MalformedHttpRequestException"}]}, JSON))
    error = run(fake.url)
    assert type(error) is AppSyncHTTPError and error.attempts == 1
    fake.reply(Reply(200, b"<html>portal</html>", HTML))
    assert run(fake.url).attempts == 1
    assert len(fake.received) == 3


def test_mutation_not_resent_once_it_may_have_arrived(fake: FakeAppSync, run: Any) -> None:
    cases = [
        (html(503), AppSyncErrorPageError),
        (html(500), AppSyncErrorPageError),
        (Reply(429, b"", {"Retry-After": "0"}), AppSyncThrottledError),
        (Reply(fault="reset_after"), AppSyncNetworkError),
        (Reply(fault="reset_before"), AppSyncNetworkError),
        (Reply(200, {"data": {"ok": 1}}, JSON, fault="truncate"), AppSyncNetworkError),
    ]
    for index, (reply, kind) in enumerate(cases):
        assert issubclass(kind, AppSyncError)
        fake.reset_counts()
        fake.reply(reply)
        error = run(fake.url, MUTATION, variables=mutation_vars(f"m{index}"))
        assert isinstance(error, kind), (reply, error)
        assert error.attempts == 1 and len(fake.received) <= 1
        if isinstance(error, AppSyncNetworkError):
            assert error.sent is True
    assert not fake.executed_twice


def test_idempotent_mutation_retried_like_a_query(fake: FakeAppSync, run: Any) -> None:
    fake.reply(html(503), Reply(fault="reset_before"))
    result = run(fake.url, MUTATION, variables=mutation_vars("m1"), idempotent=True)
    assert result.data == {"ok": True} and len(fake.received) == 2


def test_operation_type_override(fake: FakeAppSync, run: Any) -> None:
    fake.reply(html(503))
    assert run(fake.url, MUTATION, operation_type="query").data == {"ok": True}
    fake.reply(html(503))
    assert isinstance(run(fake.url, QUERY, operation_type="mutation"), AppSyncErrorPageError)
    with pytest.raises(AppSyncConfigError, match="operation_type"):
        AppSyncClient(fake.url, auth=ApiKeyAuth(KEY)).execute(QUERY, operation_type="read")


def test_mutation_retried_when_the_connection_was_refused(fake: FakeAppSync) -> None:
    # A real ECONNREFUSED from this machine's kernel on the first two attempts.
    refusals = iter([True, True, False])
    own = httpx.Client(transport=RefusingTransport(lambda: next(refusals)))
    with AppSyncClient(fake.url, auth=ApiKeyAuth(KEY), http_client=own, retry=FAST) as client:
        result = client.execute(MUTATION, variables=mutation_vars("sync-1"))
    own.close()
    assert result.data == {"ok": True} and fake.executions == {"sync-1": 1}

    url = fake.url.replace("127.0.0.1", "localhost")
    async_refusals = iter([True, True, False])

    async def go() -> Any:
        session = refusing_session(lambda: next(async_refusals))
        async with (
            session,
            AsyncAppSyncClient(url, auth=ApiKeyAuth(KEY), session=session, retry=FAST) as client,
        ):
            return await client.execute(MUTATION, variables=mutation_vars("async-1"))

    assert asyncio.run(go()).data == {"ok": True}
    assert fake.executions == {"sync-1": 1, "async-1": 1}


def test_dns_failure_is_unsent_and_retried(fake: FakeAppSync) -> None:
    url = fake.url.replace("127.0.0.1", "localhost")
    failures = iter([True, False])

    async def go() -> Any:
        session = refusing_session(lambda: False, fail_dns=lambda: next(failures))
        async with (
            session,
            AsyncAppSyncClient(url, auth=ApiKeyAuth(KEY), session=session, retry=FAST) as client,
        ):
            return await client.execute(MUTATION, variables=mutation_vars("dns-1"))

    assert asyncio.run(go()).data == {"ok": True}
    assert fake.executions == {"dns-1": 1}


def test_nothing_listening_gives_unsent_error_after_all_attempts(run: Any) -> None:
    error = run(dead_url(), MUTATION, variables=mutation_vars("x"))
    assert isinstance(error, AppSyncNetworkError) and not isinstance(error, AppSyncTimeoutError)
    assert error.sent is False and error.attempts == 3 and error.status is None


# ------------------------------------------------------------ switching retries off


def test_retry_off_on_the_client_and_per_call(fake: FakeAppSync, run: Any) -> None:
    settings: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"retry": None}, {}),
        ({"retry": RetryPolicy.disabled()}, {}),
        ({}, {"retry": None}),
        ({}, {"retry": RetryPolicy.disabled()}),
    ]
    for client, call in settings:
        fake.reset_counts()
        fake.reply(html(503))
        error = run(fake.url, client=client, **call)
        assert isinstance(error, AppSyncErrorPageError) and error.attempts == 1
        assert "attempts" not in str(error)
        assert len(fake.received) == 1
    fake.reset_counts()
    fake.reply(html(503))
    assert run(fake.url, client={"retry": None}, retry=FAST).data == {"ok": True}


def test_call_hooks_observe_every_retry_and_its_wait(fake: FakeAppSync, run: Any) -> None:
    records: list[AttemptRecord] = []
    policy = RetryPolicy(attempts=4, wait_initial=0.001, wait_max=0.002)
    fake.reply(html(502), Reply(fault="reset_before"), html(503))
    hooks = CallHooks(on_error=records.append)
    result = run(fake.url, client={"hooks": hooks}, operation_name="GetNote", retry=policy)
    assert result.data == {"ok": True}
    assert [r.attempt for r in records] == [1, 2, 3]
    assert [type(r.error).__name__ for r in records] == [
        "AppSyncErrorPageError",
        "AppSyncNetworkError",
        "AppSyncErrorPageError",
    ]
    assert all(r.will_retry and r.operation_name == "GetNote" for r in records)
    assert all(r.wait is not None and 0.0005 <= r.wait <= 0.002 for r in records)


def test_call_hooks_see_the_last_failure_with_no_wait(fake: FakeAppSync, run: Any) -> None:
    records: list[AttemptRecord] = []
    fake.reply(html(502), html(503), html(504))
    hooks = CallHooks(on_error=records.append)
    error = run(fake.url, client={"hooks": hooks}, retry=RetryPolicy(attempts=2, wait_max=0))
    assert isinstance(error, AppSyncErrorPageError)
    assert [(r.attempt, r.will_retry, r.wait) for r in records] == [
        (1, True, 0.0),
        (2, False, None),
    ]


def test_call_hooks_see_an_attempt_whose_credentials_failed(run: Any) -> None:
    class NoCredentials(ApiKeyAuth):
        def auth_headers(self, request: AuthRequest) -> dict[str, str]:
            raise AppSyncAuthError("no credentials here", reason="no_credentials")

        async def async_auth_headers(self, request: AuthRequest) -> dict[str, str]:
            return self.auth_headers(request)

    records: list[AttemptRecord] = []
    client = {"auth": NoCredentials(KEY), "hooks": CallHooks(on_error=records.append)}
    error = run("https://example.invalid/graphql", client=client)
    assert isinstance(error, AppSyncAuthError)
    assert len(records) == 1 and records[0].error is error and records[0].headers == {}


def test_deprecated_on_retry_hooks_still_observe_every_retry(fake: FakeAppSync, run: Any) -> None:
    events: list[RetryEvent] = []
    second: list[int] = []
    with pytest.warns(DeprecationWarning, match="on_retry is deprecated"):
        policy = RetryPolicy(
            attempts=4,
            wait_initial=0.001,
            wait_max=0.002,
            on_retry=[events.append, lambda e: second.append(e.attempt)],
        )
    fake.reply(html(502), Reply(fault="reset_before"), html(503))
    assert run(fake.url, operation_name="GetNote", retry=policy).data == {"ok": True}
    assert [e.attempt for e in events] == [1, 2, 3] == second
    assert [type(e.error).__name__ for e in events] == [
        "AppSyncErrorPageError",
        "AppSyncNetworkError",
        "AppSyncErrorPageError",
    ]
    assert all(e.operation_name == "GetNote" and e.operation_type == "query" for e in events)
    assert all(0.0005 <= e.sleep <= 0.002 for e in events)


def test_retry_after_is_honoured_and_capped(fake: FakeAppSync, run: Any) -> None:
    records: list[AttemptRecord] = []
    policy = RetryPolicy(wait_initial=0.001, wait_max=0.001, retry_after_max=0.3)
    fake.reply(
        Reply(429, b"", {"Retry-After": "0.2"}),
        Reply(503, b"<html/>", {**HTML, "Retry-After": "3600"}),
    )
    started = time.monotonic()
    hooks = CallHooks(on_error=records.append)
    assert run(fake.url, client={"hooks": hooks}, retry=policy).data == {"ok": True}
    elapsed = time.monotonic() - started
    assert [round(r.wait or 0, 3) for r in records] == [0.2, 0.3]
    assert 0.5 <= elapsed < 3


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(wait_initial=1, wait_max=5, wait_exp_base=2, wait_jitter=0)
    assert [policy.wait(n) for n in range(1, 6)] == [1, 2, 4, 5, 5]
    jittered = RetryPolicy(wait_initial=1, wait_max=5, wait_jitter=0.5)
    waits = {jittered.wait(3) for _ in range(200)}
    assert all(2 <= w <= 4 for w in waits) and len(waits) > 100


def test_custom_retry_on_cannot_resend_a_mutation() -> None:
    always = RetryPolicy(retry_on=lambda error: True)
    page = AppSyncErrorPageError("x", status=400)
    assert always.should_retry(page, "query", False)
    assert not always.should_retry(page, "mutation", False)
    assert always.should_retry(page, "mutation", True)
    assert always.should_retry(AppSyncNetworkError("refused", sent=False), "mutation", False)
    assert not RetryPolicy().should_retry(page, "query", False)


# ------------------------------------------------------------------ auth recovery


class FlakyToken(ApiKeyAuth):
    """An API key strategy that claims it can fix one kind of 403 (as IAMAuth does for
    clock skew), counting how often it was asked for headers."""

    def __init__(self) -> None:
        super().__init__(KEY)
        self.signed = 0

    def auth_headers(self, request: AuthRequest) -> dict[str, str]:
        self.signed += 1
        return super().auth_headers(request)

    async def async_auth_headers(self, request: AuthRequest) -> dict[str, str]:
        return self.auth_headers(request)

    def should_retry(self, rejection: AuthRejection) -> bool:
        return rejection.error_type == "Fixable"


FIXABLE = Reply(403, {"errors": [{"errorType": "Fixable", "message": "skew"}]}, JSON)


@pytest.mark.parametrize(
    ("replies", "expect_ok", "requests"),
    [
        ([FIXABLE, html(503)], True, 3),  # re-sign, then a retry
        ([html(503), FIXABLE], True, 3),  # a retry, then a re-sign
        ([FIXABLE, FIXABLE], False, 2),  # re-signing happens once per call
        ([html(502), html(502), FIXABLE], True, 4),  # the re-sign is not a retry
    ],
)
def test_auth_recovery_composes_with_retries(
    fake: FakeAppSync, replies: list[Reply], expect_ok: bool, requests: int
) -> None:
    for kind in ("sync", "async"):
        fake.reset_counts()
        fake.reply(*replies)
        auth = FlakyToken()
        result = RUNNERS[kind](fake.url, QUERY, {"auth": auth}, {})
        if expect_ok:
            assert result.data == {"ok": True}, result
        else:
            assert isinstance(result, AppSyncAuthError) and result.attempts == 2
        assert len(fake.received) == requests == auth.signed


# -------------------------------------------------------------------- deadlines


def test_total_deadline_covers_retries(fake: FakeAppSync, run: Any) -> None:
    fake.handler = lambda received: Reply(200, {"data": {}}, JSON, delay=1.0)
    started = time.monotonic()
    error = run(fake.url, timeout=Timeout(connect=1, read=0.3, total=0.5))
    elapsed = time.monotonic() - started
    assert isinstance(error, AppSyncTimeoutError) and error.deadline is True
    assert error.attempts == 2 and error.sent is True
    assert "deadline of 0.5 s" in str(error) and "attempts=2" in str(error)
    assert isinstance(error.__cause__, AppSyncTimeoutError)
    assert 0.45 <= elapsed < 0.9


def test_read_timeout_is_a_timeout_error(fake: FakeAppSync, run: Any) -> None:
    fake.reply(*[Reply(200, {"data": {}}, JSON, delay=0.5)] * 3)
    error = run(fake.url, MUTATION, timeout=Timeout(read=0.1), variables=mutation_vars("slow"))
    assert isinstance(error, AppSyncTimeoutError) and error.deadline is False
    assert error.sent is True and error.attempts == 1


def test_no_retry_wait_that_would_pass_the_deadline(fake: FakeAppSync, run: Any) -> None:
    fake.reply(Reply(429, b"", {"Retry-After": "5"}))
    policy = RetryPolicy(retry_after_max=10)
    started = time.monotonic()
    error = run(fake.url, retry=policy, timeout=Timeout(total=1))
    assert isinstance(error, AppSyncThrottledError) and error.retry_after == 5
    assert error.attempts == 1 and time.monotonic() - started < 0.5


def test_timeout_per_call_overrides_the_client(fake: FakeAppSync, run: Any) -> None:
    fake.reply(Reply(200, {"data": {}}, JSON, delay=0.5))
    error = run(
        fake.url,
        client={"timeout": Timeout(read=5), "retry": None},
        timeout=Timeout(read=0.1),
    )
    assert isinstance(error, AppSyncTimeoutError)


def test_timeout_number_and_defaults() -> None:
    assert Timeout() == Timeout(connect=10, read=30, total=60)
    assert Timeout.coerce(5) == Timeout(connect=5, read=5, total=60)
    assert Timeout.coerce(90) == Timeout(connect=90, read=90, total=90)
    assert Timeout(total=None).total is None


def test_connect_timeout_is_unsent_and_retried() -> None:
    # A listening socket whose accept queue is full drops new SYNs: connect hangs.
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.05)
        probe = socket.socket()
        probe.settimeout(0.2)
        try:
            probe.connect(("127.0.0.1", port))
            pytest.skip("this kernel accepts connections beyond the backlog")
        except OSError:
            pass
        finally:
            probe.close()
        url = f"http://127.0.0.1:{port}/graphql"
        for runner in RUNNERS.values():
            error = runner(
                url,
                MUTATION,
                {},
                {"timeout": Timeout(connect=0.1, read=1, total=5), "variables": mutation_vars("c")},
            )
            assert isinstance(error, AppSyncTimeoutError), error
            assert error.sent is False and error.attempts == 3
    finally:
        for filler in fillers:
            filler.close()
        server.close()


# -------------------------------------------------------------- operation types


@pytest.mark.parametrize(
    ("document", "name", "expected"),
    [
        ("query Q { a }", None, "query"),
        ("{ a }", None, "query"),
        ("  # a comment with { and mutation\n\n mutation M { a }", None, "mutation"),
        (
            "fragment F on T { a { b } }\nmutation M($x: In = {a: 1}) { m(x: $x) { ...F } }",
            None,
            "mutation",
        ),
        ("query A { a }\nmutation B { b }", "B", "mutation"),
        ("query A { a }\nmutation B { b }", "A", "query"),
        ('query A { a(s: "} mutation") }\nsubscription B { b }', "B", "subscription"),
        ('query A { a(s: """ } \\""" { """) }\nmutation B { b }', "B", "mutation"),
        ("mutation($a: Int) @d(x: [1]) { x }", None, "mutation"),
        ("\ufeffquery{a}", None, "query"),
        ("query A { a }", "Missing", "mutation"),  # unclear: treated as a mutation
        ("}{", None, "mutation"),
        ("not graphql at all", None, "mutation"),
    ],
)
def test_operation_type(document: str, name: str | None, expected: str) -> None:
    assert operation_type(document, name) == expected


def _graphql_core_type(document: str, name: str | None) -> str:
    from graphql import get_operation_ast, parse

    operation = get_operation_ast(parse(document), name)
    assert operation is not None
    return operation.operation.value


def _operation_files() -> Iterator[Path]:
    root = Path(__file__).resolve().parents[2]
    for folder in ("example_schema/operations", "tests/codegen/fixtures/operations"):
        yield from sorted((root / folder).glob("*.graphql"))


def test_operation_type_agrees_with_graphql_core_on_project_documents() -> None:
    from graphql import OperationDefinitionNode, parse

    checked = 0
    for path in _operation_files():
        text = path.read_text()
        for definition in parse(text).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                name = definition.name.value
                assert operation_type(text, name) == _graphql_core_type(text, name), name
                checked += 1
    assert checked >= 5


_names = st.from_regex(r"[A-Z][a-z]{0,6}", fullmatch=True)
_noise = st.sampled_from(["", " ", "\n", ",", "# a { comment } mutation\n", '# "{"\n', "\t,\n"])


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str, str]:
    names = draw(st.lists(_names, min_size=1, max_size=4, unique=True))
    parts = []
    kinds = {}
    for name in names:
        if draw(st.booleans()):
            argument = draw(st.sampled_from(["1", '"}"', "{x: 1}"]))
            parts.append(f"fragment F{name} on T {{ a(s: {argument}) {{ b }} }}")
        kind = draw(st.sampled_from(["query", "mutation", "subscription"]))
        kinds[name] = kind
        variables = draw(st.sampled_from(["", "($x: In = {a: [1]})", "($y: ID!)"]))
        directive = draw(st.sampled_from(["", " @dir", ' @dir(a: "{")']))
        parts.append(kind + f" {name}{variables}{directive} " + '{ f(s: "{") { g } }')
    separator = draw(_noise)
    chosen = draw(st.sampled_from(names))
    return separator + (separator or "\n").join(parts) + draw(_noise), chosen, kinds[chosen]


@settings(max_examples=examples(300), deadline=None)
@given(documents())
def test_operation_type_agrees_with_graphql_core(case: tuple[str, str, str]) -> None:
    document, name, kind = case
    assert _graphql_core_type(document, name) == kind
    assert operation_type(document, name) == kind


def test_request_body_still_identical(fake: FakeAppSync, run: Any) -> None:
    run(fake.url, QUERY, operation_name="GetNote", variables={"id": "1"})
    assert json.loads(fake.received[0].body) == {
        "query": QUERY,
        "variables": {"id": "1"},
        "operationName": "GetNote",
    }
