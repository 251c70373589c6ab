"""The users' test kit (appsync_runtime.testing): the fake behind the real generated
clients, its answers and failures, recorded calls, variable checks, subscriptions,
and the build helper."""

from __future__ import annotations

import asyncio
import functools
import re
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncAuthError,
    AppSyncClient,
    AppSyncConfigError,
    AppSyncErrorPageError,
    AppSyncGraphQLError,
    AppSyncHTTPError,
    AppSyncNetworkError,
    AppSyncSubscriptionError,
    AppSyncThrottledError,
    AppSyncTimeoutError,
    AuthFailureReason,
    CognitoUserPoolsAuth,
    Credentials,
    IAMAuth,
    RealtimeOptions,
    RetryPolicy,
    SubscriptionGap,
)
from appsync_runtime.testing import (
    AppSyncFake,
    FakeAssertionError,
    FakeSetupError,
    auth_rejected,
    build,
    graphql_error,
    network_error,
    server_error,
    throttled,
    unauthorized_field,
)
from tests.support.examples import examples
from tests.support.simulator import EXAMPLE_SCHEMA_DIR

sys.path.insert(0, str(EXAMPLE_SCHEMA_DIR))

from example_client import (
    AsyncClient,
    Client,
    CreateNote,
    DeleteNote,
    GetNode,
    GetNote,
    ListNotes,
    OnNoteCreated,
)
from example_client.input_types import CreateNoteInput, DeleteNoteInput

URL = "https://abcdefghij.appsync-api.us-east-1.amazonaws.com/graphql"
KEY = "da2-kitkitkitkitkitkitkitkit01"
FAST = RealtimeOptions(backoff_initial=0.01, backoff_max=0.05)
NO_WAIT = RetryPolicy(attempts=3, wait_initial=0, wait_max=0, wait_jitter=0)


@pytest.fixture
def fake() -> Any:
    """An installed fake; tests call verify() themselves where it matters."""
    installed = AppSyncFake()
    installed.install()
    yield installed
    installed.uninstall()


def client(**kwargs: Any) -> Client:
    return Client(URL, auth=kwargs.pop("auth", ApiKeyAuth(KEY)), **kwargs)


# ---------------------------------------------------------------- answers


def test_a_model_answer_goes_through_the_real_client(fake: AppSyncFake) -> None:
    note = build(GetNote, get_note={"id": "n1", "title": "T", "tags": ["a"]})
    fake.on(Client.get_note).reply(note)
    with client() as c:
        assert c.get_note("n1") == note
    call = fake.assert_called(Client.get_note, times=1, variables={"id": "n1"})
    assert (call.operation_name, call.kind, call.auth_mode) == ("GetNote", "query", "API_KEY")


def test_a_dict_answer_is_validated_when_registered_naming_the_field(fake: AppSyncFake) -> None:
    with pytest.raises(FakeSetupError, match=r"GetNote.*getNote\.title|get_note\.title"):
        fake.on(Client.get_note).reply({"getNote": {"id": "n1", "title": 5}})


def test_a_model_of_another_operation_is_refused(fake: AppSyncFake) -> None:
    wrong: Any = build(ListNotes)
    with pytest.raises(FakeSetupError, match="not its result model GetNote"):
        fake.on(Client.get_note).reply(wrong)


def test_answers_by_name_callable_and_in_order(fake: AppSyncFake) -> None:
    fake.on("GetNote").reply(
        lambda variables: build(GetNote, get_note={"id": variables["id"]}),
        {"getNote": None},
    )
    with client() as c:
        first = c.get_note("x1").get_note
        assert first is not None and first.id == "x1"
        assert c.get_note("x2").get_note is None
        with pytest.raises(FakeAssertionError, match="unexpected call: query GetNote"):
            c.get_note("x3")
    with pytest.raises(FakeAssertionError, match="unexpected call"):
        fake.verify()  # reported again at the end, even if the code swallowed it


def test_a_by_name_dict_is_checked_against_the_calling_clients_model(fake: AppSyncFake) -> None:
    fake.on("GetNote").reply({"getNote": {"id": "n1"}})
    with client() as c, pytest.raises(FakeAssertionError, match="does not fit GetNote"):
        c.get_note("n1")


def test_a_callable_answering_wrongly_fails_the_call_once(fake: AppSyncFake) -> None:
    wrong: Any = lambda variables: build(ListNotes)  # noqa: E731
    fake.on(Client.get_note).reply(wrong)
    with client(retry=NO_WAIT) as c, pytest.raises(FakeAssertionError, match="not its result"):
        c.get_note("n1")
    assert len(fake.calls) == 1  # a broken answer is the test's mistake: never retried


def test_two_identical_subscriptions_get_a_feed_each(fake: AppSyncFake) -> None:
    fake.on(AsyncClient.on_note_created).event({"onNoteCreated": None}).complete()
    fake.on(AsyncClient.on_note_created).event(
        build(OnNoteCreated), build(OnNoteCreated)
    ).complete()

    async def main() -> list[int]:
        async with AsyncClient(URL, auth=ApiKeyAuth(KEY), realtime=FAST) as c:

            async def count() -> int:
                return len([item async for item in c.on_note_created()])

            return sorted(await asyncio.gather(count(), count()))

    assert asyncio.run(main()) == [1, 2]
    fake.verify()


def test_answers_match_on_variables(fake: AppSyncFake) -> None:
    fake.on(Client.get_note, variables={"id": "a"}).reply(build(GetNote, get_note={"title": "A"}))
    fake.on(Client.get_note, variables={"id": "b"}).reply(build(GetNote, get_note={"title": "B"}))
    with client() as c:
        titles = [(c.get_note(i).get_note or build(GetNote).get_note) for i in "ba"]
    assert [t.title for t in titles if t is not None] == ["B", "A"]


def test_unused_answers_fail_verify(fake: AppSyncFake) -> None:
    fake.on(Client.get_note).reply({"getNote": None})
    fake.on(Client.list_notes).reply(build(ListNotes), build(ListNotes))
    with client() as c:
        c.list_notes()
    with pytest.raises(FakeAssertionError) as caught:
        fake.verify()
    assert "GetNote>: never called" in str(caught.value)
    assert "ListNotes>: 1 answer(s) never used" in str(caught.value)


def test_optional_answers_are_not_reported_unused(fake: AppSyncFake) -> None:
    fake.on(Client.get_note, required=False).reply({"getNote": None})
    fake.on(Client.on_note_created, required=False).event(build(OnNoteCreated))
    fake.on_subscription("OnNoteChanged", required=False)
    fake.verify()
    fake.on(Client.me).reply({"me": None})
    with pytest.raises(FakeAssertionError, match="Me>: never called") as caught:
        fake.verify()
    assert "GetNote" not in str(caught.value) and "OnNote" not in str(caught.value)


def test_an_async_client_uses_the_same_fake(fake: AppSyncFake) -> None:
    fake.on(AsyncClient.get_note).reply(throttled(0), build(GetNote, get_note={"title": "A"}))

    async def main() -> str | None:
        async with AsyncClient(URL, auth=ApiKeyAuth(KEY), retry=NO_WAIT) as c:
            note = (await c.get_note("n1")).get_note
            return None if note is None else note.title

    assert asyncio.run(main()) == "A"
    assert [call.attempt for call in fake.calls] == [1, 2]


def test_pages_are_answered_in_order_and_their_tokens_recorded(fake: AppSyncFake) -> None:
    """A user's paging code under test: the iterator sends each token back as the
    fake answers page after page, on both clients."""
    first = build(ListNotes, list_notes={"items": [{"id": "a"}, {"id": "b"}], "next_token": "t2"})
    last = build(ListNotes, list_notes={"items": [{"id": "c"}], "next_token": None})
    fake.on(Client.list_notes).reply(first, last)
    with client() as c:
        ids = [note.id for note in c.iter_list_notes(limit=2, timeout=5).items()]
    assert ids == ["a", "b", "c"]
    tokens = [call.variables.get("nextToken") for call in fake.calls]
    assert tokens == [None, "t2"] and all(call.variables["limit"] == 2 for call in fake.calls)
    fake.on(AsyncClient.list_notes).reply(first, last)

    async def main() -> list[int]:
        async with AsyncClient(URL, auth=ApiKeyAuth(KEY)) as c:
            return [len(page.list_notes.items) async for page in c.iter_list_notes(limit=2)]

    assert asyncio.run(main()) == [2, 1]
    fake.verify()


def test_execute_validated_takes_the_answer_from_the_bytes(fake: AppSyncFake) -> None:
    note = build(GetNote, get_note={"id": "n1"})
    fake.on("GetNote").reply(note)
    query = "query GetNote($id: ID!) { getNote(id: $id) { id } }"
    with client() as c:
        assert c.execute_validated(GetNote, query, "GetNote", {"id": "n1"}) == note


def test_calls_from_many_threads_are_each_answered_and_recorded(fake: AppSyncFake) -> None:
    from concurrent.futures import ThreadPoolExecutor

    fake.on(Client.get_note).reply(lambda variables: build(GetNote, get_note=variables))
    with client() as c, ThreadPoolExecutor(8) as pool:
        notes = list(pool.map(lambda i: c.get_note(f"n{i}").get_note, range(64)))
    assert [note.id for note in notes if note is not None] == [f"n{i}" for i in range(64)]
    assert sorted(call.variables["id"] for call in fake.calls) == sorted(f"n{i}" for i in range(64))


# ---------------------------------------------------------------- failures


def test_graphql_error_with_partial_data(fake: AppSyncFake) -> None:
    fake.on(Client.get_note).reply(
        graphql_error(
            "boom",
            error_type="Custom",
            error_info={"code": 7},
            path=["getNote", "title"],
            data={"getNote": None},
        )
    )
    with client() as c, pytest.raises(AppSyncGraphQLError) as caught:
        c.get_note("n1")
    entry = caught.value.errors[0]
    assert (entry.error_type, entry.error_info) == ("Custom", {"code": 7})
    assert list(entry.path or ()) == ["getNote", "title"]
    assert caught.value.data == {"getNote": None}


def test_unauthorized_field(fake: AppSyncFake) -> None:
    fake.on(Client.get_note).reply(unauthorized_field(["getNote", "author", "email"]))
    with client() as c, pytest.raises(AppSyncGraphQLError) as caught:
        c.get_note("n1")
    assert caught.value.errors[0].error_type == "Unauthorized"
    assert "email" in caught.value.errors[0].message


@pytest.mark.parametrize(
    "reason", [r for r in AuthFailureReason if r is not AuthFailureReason.NO_CREDENTIALS]
)
def test_every_auth_reason_reaches_the_caller(fake: AppSyncFake, reason: AuthFailureReason) -> None:
    fake.on(Client.get_note).reply(auth_rejected(reason))
    with client(retry=None) as c, pytest.raises(AppSyncAuthError) as caught:
        c.get_note("n1")
    assert caught.value.reason is reason


def test_no_credentials_is_refused_as_an_answer() -> None:
    with pytest.raises(FakeSetupError, match="not a reason AppSync answers with"):
        auth_rejected("no_credentials")


def test_throttling_retry_after_and_server_errors(fake: AppSyncFake) -> None:
    fake.on(Client.get_note).reply(throttled(retry_after=0), server_error(503), {"getNote": None})
    with client(retry=NO_WAIT) as c:
        assert c.get_note("n1").get_note is None
    assert len(fake.calls) == 3
    fake.on(Client.search).reply(throttled(retry_after=7))
    with client(retry=None) as c, pytest.raises(AppSyncThrottledError) as caught:
        c.search("x")
    assert caught.value.retry_after == 7
    fake.on(Client.list_notes).reply(server_error(502, html=True))
    with client(retry=None) as c, pytest.raises(AppSyncErrorPageError) as page:
        c.list_notes()
    assert isinstance(page.value, AppSyncHTTPError) and page.value.status == 502


def test_network_errors_follow_the_real_retry_policy(fake: AppSyncFake) -> None:
    note = build(CreateNote, create_note={"id": "n1"})
    # before sending: even a mutation is retried
    fake.on(Client.create_note).reply(network_error(sent=False), note)
    with client(retry=NO_WAIT) as c:
        created = c.create_note(CreateNoteInput(title="t")).create_note
        assert created is not None and created.id == "n1"
    assert len(fake.calls) == 2
    # after sending: a mutation is not retried (it may have run) unless idempotent
    fake.on(Client.create_note).reply(network_error(sent=True), network_error(sent=True), note)
    with client(retry=NO_WAIT) as c:
        with pytest.raises(AppSyncNetworkError) as caught:
            c.create_note(CreateNoteInput(title="t"))
        assert caught.value.sent is True and caught.value.attempts == 1
        c.create_note(CreateNoteInput(title="t"), idempotent=True)
    assert [call.attempt for call in fake.calls[2:]] == [1, 1, 2]


def test_timeouts_before_and_after_sending(fake: AppSyncFake) -> None:
    fake.on(Client.create_note).reply(
        network_error(sent=False, timeout=True),
        network_error(sent=True, timeout=True),
    )
    with client(retry=NO_WAIT) as c, pytest.raises(AppSyncTimeoutError) as caught:
        c.create_note(CreateNoteInput(title="t"))  # the connect timeout is retried
    assert caught.value.sent is True and caught.value.attempts == 2


# ---------------------------------------------------------------- auth and secrets


def test_the_auth_mode_the_client_chose_is_recorded(fake: AppSyncFake) -> None:
    fake.on(Client.delete_note).reply(build(DeleteNote))
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlc2lnbmF0dXJl"
    auth = [ApiKeyAuth(KEY), CognitoUserPoolsAuth(token)]
    with Client(URL, auth=auth) as c:  # DeleteNote does not allow API_KEY
        c.delete_note(DeleteNoteInput(id="n1"))
    call = fake.calls[0]
    assert call.auth_mode == "AMAZON_COGNITO_USER_POOLS"
    assert call.headers["Authorization"] == "***"


SECRET = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+",
    min_size=20,
    max_size=40,
)


@given(secret_key=SECRET, session=SECRET, kind=st.sampled_from(["iam", "api_key", "cognito"]))
def test_no_secret_is_recorded(secret_key: str, session: str, kind: str) -> None:
    auth: Any
    if kind == "iam":
        auth = IAMAuth(Credentials("AKIAIOSFODNN7EXAMPLE", secret_key, session), region="us-east-1")
    elif kind == "api_key":
        auth = ApiKeyAuth(f"da2-{secret_key}")
        session = secret_key
    else:
        auth = CognitoUserPoolsAuth(f"eyJ{secret_key}.eyJ{session}.sig{secret_key}")
    with AppSyncFake() as fake:
        fake.on(Client.get_note).reply({"getNote": None})
        with Client(URL, auth=auth, headers={"x-trace": "t1"}) as c:
            c.get_note("n1")
    recorded = repr(fake.calls) + repr([call.headers for call in fake.calls])
    assert secret_key not in recorded and session not in recorded
    assert (
        fake.calls[0].auth_mode
        == {
            "iam": "AWS_IAM",
            "api_key": "API_KEY",
            "cognito": "AMAZON_COGNITO_USER_POOLS",
        }[kind]
    )
    assert fake.calls[0].headers["x-trace"] == "t1"


# ---------------------------------------------------------------- variables


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"id": "n1", "bogus": 1}, r"\$bogus is not a variable of GetNote"),
        ({}, r"\$id \(ID!\) is missing"),
        ({"id": None}, r"\$id is null"),
        ({"id": "n1", "commentLimit": "ten"}, r"\$commentLimit is str 'ten', not a Int"),
        ({"id": "n1", "commentLimit": 2**40}, r"outside GraphQL's 32-bit Int"),
        ({"id": True}, r"\$id is True, not a ID"),
    ],
)
def test_variables_appsync_would_refuse_fail_the_call(
    fake: AppSyncFake, variables: dict[str, Any], problem: str
) -> None:
    fake.on("GetNote").reply({"getNote": None})
    query = Client.get_note.__doc__ and "query GetNote($id: ID!) { getNote(id: $id) { id } }"
    with client() as c, pytest.raises(FakeAssertionError, match=problem):

        class Typed(Client):
            pass

        # an untyped call through a generated client class: its OPERATIONS apply
        Typed.execute(c, str(query), "GetNote", variables)


class AppClient(Client):
    """A user's own subclass of the generated client, in the user's module."""

    def note_ids(self, *ids: str) -> list[str]:
        return [note.id for i in ids if (note := self.get_note(i).get_note) is not None]


def test_a_users_subclass_is_checked_and_answered_like_the_generated_client(
    fake: AppSyncFake,
) -> None:
    fake.on(Client.get_note).reply(build(GetNote, get_note={"id": "n1"}))
    with AppClient(URL, auth=ApiKeyAuth(KEY)) as c:
        assert c.note_ids("n1") == ["n1"]
        with pytest.raises(FakeAssertionError, match=r"\$bogus is not a variable"):
            c.execute("query GetNote { x }", "GetNote", {"id": "n1", "bogus": 1})


def test_list_variables_are_checked_item_by_item(fake: AppSyncFake) -> None:
    fake.on("NotesByTagGroups").reply({"notesByTagGroups": []})
    with client() as c, pytest.raises(FakeAssertionError, match=r"tagGroups\[0\]\[1\] is null"):
        c.execute("query NotesByTagGroups { x }", "NotesByTagGroups", {"tagGroups": [["a", None]]})


def test_an_untyped_client_is_served_without_checks(fake: AppSyncFake) -> None:
    fake.on("Anything").reply({"whatever": 1})
    with AppSyncClient(URL, auth=ApiKeyAuth(KEY)) as c:
        assert c.execute("query Anything { x }", "Anything", {"free": 1}).data == {"whatever": 1}


# ---------------------------------------------------------------- installing


def test_one_fake_at_a_time_and_clients_made_before_are_faked_too() -> None:
    early = client()
    with AppSyncFake() as fake:
        with pytest.raises(FakeSetupError, match="another AppSync fake"):
            AppSyncFake().install()
        fake.on(Client.get_note).reply({"getNote": None})
        assert early.get_note("n1").get_note is None
    early.close()


def test_not_a_generated_method_is_refused(fake: AppSyncFake) -> None:
    with pytest.raises(FakeSetupError, match="not a method of a generated client"):
        fake.on(len)  # type: ignore[call-overload]


# ---------------------------------------------------------------- build


def test_build_defaults_and_overrides() -> None:
    note = build(GetNote, get_note={"title": "x", "comments": {"next_token": "t"}}).get_note
    assert note is not None and note.title == "x" and note.comments.next_token == "t"
    assert note.tags == [] and note.body is None
    node = build(GetNode, node={})
    assert node.node is not None
    with pytest.raises(FakeSetupError, match="has no field nope"):
        build(GetNote, nope=1)


# ---------------------------------------------------------------- subscriptions


def test_sync_subscription_events_gap_ready_complete(fake: AppSyncFake) -> None:
    events = [build(OnNoteCreated, on_note_created={"id": f"e{i}"}) for i in range(3)]
    feed = fake.on(Client.on_note_created).event(events[0]).drop().event(*events[1:]).complete()
    ready: list[int] = []
    gaps: list[SubscriptionGap] = []
    with client(realtime=FAST) as c:
        got = list(
            c.on_note_created(author_id="a", on_ready=lambda: ready.append(1), on_gap=gaps.append)
        )
    assert got == events
    assert ready == [1] and len(gaps) == 1 and feed.starts == 2
    assert fake.connections == 2
    call = fake.assert_called(Client.on_note_created, variables={"authorId": "a"})
    assert call.kind == "subscription" and call.auth_mode == "API_KEY"


def test_async_subscription_error_ends_it(fake: AppSyncFake) -> None:
    event = build(OnNoteCreated, on_note_created={"id": "e1"})
    fake.on(AsyncClient.on_note_created).event(event).error("nope", error_type="Denied")

    async def main() -> list[OnNoteCreated]:
        got: list[OnNoteCreated] = []
        async with AsyncClient(URL, auth=ApiKeyAuth(KEY), realtime=FAST) as c:
            with pytest.raises(AppSyncSubscriptionError, match="nope"):
                async for item in c.on_note_created():
                    got.append(item)
        return got

    assert asyncio.run(main()) == [event]


def test_live_pushes_and_uninstall_completes(fake: AppSyncFake) -> None:
    feed = fake.on("OnNoteCreated") if False else fake.on_subscription("OnNoteCreated")

    async def main() -> list[str]:
        got: list[str] = []
        async with AsyncClient(URL, auth=ApiKeyAuth(KEY), realtime=FAST) as c:

            def ready() -> None:
                feed.event(
                    {"onNoteCreated": None}, build(OnNoteCreated, on_note_created={"id": "z"})
                )
                feed.complete()

            async for item in c.on_note_created(on_ready=ready):
                got.append("none" if item.on_note_created is None else item.on_note_created.id)
        return got

    assert asyncio.run(main()) == ["none", "z"]


def test_a_reconnect_after_uninstall_never_reaches_the_network() -> None:
    """A subscription still running when the fake goes away: its reconnect meets a
    refusing peer (a connection-wide error), not AppSync's real host."""

    async def main() -> None:
        fake = AppSyncFake()
        fake.install()
        feed = fake.on(AsyncClient.on_note_created)
        slow = RealtimeOptions(backoff_initial=0.2, backoff_max=0.2)
        async with AsyncClient(URL, auth=ApiKeyAuth(KEY), realtime=slow) as c:

            def ready() -> None:
                feed.drop()  # the client reconnects in up to 0.2 s: after uninstall
                fake.uninstall()

            with pytest.raises(AppSyncSubscriptionError, match="FakeUninstalled"):
                async for _ in c.on_note_created(on_ready=ready):
                    pass
        assert fake.connections == 2

    asyncio.run(main())


def test_a_blocking_subscription_gets_events_pushed_from_the_test_thread(
    fake: AppSyncFake,
) -> None:
    import threading

    feed = fake.on(Client.on_note_created)
    ready = threading.Event()
    got: list[str] = []
    with client(realtime=FAST) as c:

        def consume() -> None:
            for event in c.on_note_created(on_ready=ready.set):
                got.append("none" if event.on_note_created is None else event.on_note_created.id)

        worker = threading.Thread(target=consume)
        worker.start()
        assert ready.wait(10)
        feed.event(*(build(OnNoteCreated, on_note_created={"id": f"p{i}"}) for i in range(3)))
        feed.complete()
        worker.join(10)
        assert not worker.is_alive()
    assert got == ["p0", "p1", "p2"]


def test_an_unexpected_subscription_and_a_wrong_event(fake: AppSyncFake) -> None:
    with (
        client(realtime=FAST) as c,
        pytest.raises(FakeAssertionError, match="unexpected subscription"),
    ):
        next(iter(c.on_note_created()))
    with pytest.raises(FakeSetupError, match="not its result model"):
        fake.on(Client.on_note_created).event(build(GetNote))  # type: ignore[arg-type]
    with pytest.raises(FakeAssertionError, match="never subscribed"):
        fake.verify()


# ---------------------------------------------------------------- variables vs graphql-core

SDL = """
enum Color { RED GREEN }
input Inner { a: Int!, b: [String], c: Color = RED, d: Int! = 3 }
input Outer { inner: Inner, inners: [Inner!]!, name: String }
type Query { x(s: String, i: ID, n: Int, f: Float, b: Boolean, o: Outer, c: Color): Int }
"""
NAMED = st.sampled_from(["String", "ID", "Int", "Float", "Boolean", "Color", "Inner", "Outer"])
KEYS = st.sampled_from(["a", "b", "c", "d", "inner", "inners", "name", "zz"])


def _maybe_non_null(text: str) -> st.SearchStrategy[str]:
    return st.sampled_from([text, f"{text}!"])


def _listed(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(inner, inner.map(lambda t: f"[{t}]").flatmap(_maybe_non_null))


TYPE_TEXT = _listed(_listed(NAMED.flatmap(_maybe_non_null)))
JSON_VALUE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(min_value=-(2**33), max_value=2**33).map(float)
    | st.sampled_from(["RED", "GREEN", "BLUE", "red"])
    | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=8,
)


@functools.cache
def _schema_and_shapes() -> tuple[Any, Any]:
    """The SDL's schema, and the shapes codegen writes for its input types and enums."""
    from graphql import build_schema

    from appsync_codegen.generate import OperationInfo, _input_shapes
    from appsync_runtime.testing import _Shapes

    schema = build_schema(SDL)
    variables = tuple((name, name, False) for name in ("Outer", "Color"))
    inputs, enums = _input_shapes([OperationInfo("Q", "query", "q", None, "", variables)], schema)
    shapes = _Shapes(
        {name: tuple(fields) for name, fields in inputs.items()},
        {name: tuple(values) for name, values in enums.items()},
    )
    assert set(shapes.inputs) == {"Inner", "Outer"} and set(shapes.enums) == {"Color"}
    return schema, shapes


@settings(max_examples=examples(2000))
@given(type_text=TYPE_TEXT, value=JSON_VALUE)
def test_variable_checks_agree_with_graphql_core(type_text: str, value: object) -> None:
    """The fake refuses exactly the variables the GraphQL reference implementation's
    input coercion refuses (built-in scalars, enums, input objects with defaults,
    lists, nullability), the input shapes coming from what codegen writes into
    ``_operations.py``; but for one case: a whole float (``1.0``) as an ``ID``, which
    graphql-core takes and the fake refuses (an ID is a string or an integer)."""
    from graphql import GraphQLError, coerce_input_value, parse_type, type_from_ast

    from appsync_runtime.testing import _type_problem

    schema, shapes = _schema_and_shapes()
    graphql_type = type_from_ast(schema, parse_type(type_text))
    assert graphql_type is not None
    try:
        coerce_input_value(value, graphql_type)  # type: ignore[arg-type]
        accepted = True
    except GraphQLError:
        accepted = False
    problem = _type_problem(type_text, value, "$v", shapes)
    if accepted and problem is not None and re.search(r"is float [-\d.e+]+, not a ID$", problem):
        return  # the one deliberate difference
    assert (problem is None) == accepted, (type_text, value, problem)


def test_input_objects_and_enums_of_the_example_are_checked(fake: AppSyncFake) -> None:
    fake.on("CreateNote").reply(build(CreateNote, create_note={}))
    query = "mutation CreateNote($input: CreateNoteInput!) { createNote(input: $input) { id } }"
    cases = {
        r"\$input has no field 'colour'": {"title": "t", "colour": "red"},
        r"\$input.title \(String!\) is missing": {"body": "b"},
        r"\$input.status is 'SOON', not a value of the enum NoteStatus": {
            "title": "t",
            "status": "SOON",
        },
        r"\$input.checklist\[0\]\[1\] is null": {"title": "t", "checklist": [["a", None]]},
        r"\$input.expiresAt is str": {"title": "t", "expiresAt": "tomorrow"},
    }
    with client() as c:
        for problem, value in cases.items():
            with pytest.raises(FakeAssertionError, match=problem):
                Client.execute(c, query, "CreateNote", {"input": value})
        created = c.create_note(CreateNoteInput(title="fine", tags=["a"], expires_at=1))
        assert created.create_note is not None


def test_production_imports_never_load_the_kit() -> None:
    """``from example_client import Client`` loads neither the kit, nor its plugin, nor
    pytest: only the seam, a module of a few lines with nothing installed."""
    import subprocess

    code = (
        "import sys; from example_client import Client, AsyncClient; "
        "from appsync_runtime import _seam; assert _seam.active is None; "
        "loaded = [m for m in ('appsync_runtime.testing', 'appsync_runtime.pytest_plugin', "
        "'pytest', 'aiohttp') if m in sys.modules]; assert not loaded, loaded"
    )
    runtime = str(Path(_seam_file()).parents[1])
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=EXAMPLE_SCHEMA_DIR,
        env={"PYTHONPATH": f"{runtime}:{EXAMPLE_SCHEMA_DIR}"},
    )


def _seam_file() -> str:
    from appsync_runtime import _seam

    return str(_seam.__file__)


def test_answers_for_one_generated_package_never_serve_another(
    fake: AppSyncFake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib
    import shutil

    shutil.copytree(EXAMPLE_SCHEMA_DIR / "example_client", tmp_path / "other_client")
    monkeypatch.syspath_prepend(str(tmp_path))
    other: Any = importlib.import_module("other_client")
    fake.on(other.Client.get_note).reply({"getNote": None})
    with client() as c, pytest.raises(FakeAssertionError, match="unexpected call"):
        c.get_note("n1")  # example_client's GetNote: not other_client's
    with other.Client(URL, auth=ApiKeyAuth(KEY)) as c:
        assert c.get_note("n1").get_note is None
    for name in [name for name in sys.modules if name.startswith("other_client")]:
        monkeypatch.delitem(sys.modules, name)


def _result_models() -> list[Any]:
    import importlib

    from example_client import OPERATIONS

    return [
        getattr(importlib.import_module(f"example_client.{info.result_module}"), info.result_class)
        for info in OPERATIONS.values()
    ]


@pytest.mark.parametrize("model", _result_models(), ids=lambda model: model.__name__)
def test_build_makes_every_result_of_the_example_and_it_survives_the_wire(model: Any) -> None:
    """build() with nothing given, and with every top-level object filled in: each
    result validates, and its wire form validates back to the same value."""
    from appsync_runtime.testing import _members

    def is_object(annotation: Any) -> bool:
        return any(isinstance(m, type) and issubclass(m, BaseModel) for m in _members(annotation))

    hints = typing.get_type_hints(model, include_extras=True)
    top = {name: {} for name in model.model_fields if is_object(hints[name])}
    for built in (build(model), build(model, **top)):
        wire = built.model_dump(mode="json", by_alias=True)
        assert model.model_validate(wire) == built


@pytest.mark.parametrize("value", [float("nan"), float("inf"), object()])
def test_a_value_that_would_not_serialize_fails_before_the_fake_sees_it(
    fake: AppSyncFake, value: object
) -> None:
    fake.on("GetNote").reply({"getNote": None})
    with client() as c, pytest.raises(AppSyncConfigError):
        c.execute("query GetNote($id: ID!) { x }", "GetNote", {"id": value})
    assert fake.calls == []
