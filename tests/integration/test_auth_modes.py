"""The generated auth modes against the AppSync simulator's own directive enforcement.

The example client is configured with four strategies (API key, Cognito user pools
with the ``admins`` group, OIDC, IAM with static fake credentials: the simulator
only checks the ``AWS4-HMAC-SHA256`` prefix). Each typed call must go out with the
first strategy, in the client's order, whose mode the generated method allows
(the headers sent are recorded with an httpx event hook on the user's
``http_client``); and for every operation and every mode, the simulator must agree
with the analysis: allowed modes succeed, the others get ``Unauthorized``.
"""

from __future__ import annotations

import base64
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from appsync_runtime import (
    ApiKeyAuth,
    AppSyncGraphQLError,
    AuthStrategy,
    CognitoUserPoolsAuth,
    Credentials,
    IAMAuth,
    OIDCAuth,
)
from tests.support.simulator import EXAMPLE_SCHEMA_DIR
from tests.support.simulator_launcher import AppSyncSimulator

sys.path.insert(0, str(EXAMPLE_SCHEMA_DIR))

from example_client import OPERATIONS, Client
from example_client.input_types import (
    AddCommentInput,
    CreateNoteInput,
    DeleteNoteInput,
    UpdateNoteInput,
)

API_KEY, IAM, COGNITO, OIDC = (
    "API_KEY",
    "AWS_IAM",
    "AMAZON_COGNITO_USER_POOLS",
    "OPENID_CONNECT",
)
IAM_CREDENTIALS = Credentials(
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "FQoGZXIvYXdzEXAMPLE"
)


class Recorder:
    """A user's httpx client whose event hook notes the auth mode of each request."""

    def __init__(self) -> None:
        self.modes: list[str] = []
        self.http = httpx.Client(event_hooks={"request": [self._record]})

    def _record(self, request: httpx.Request) -> None:
        self.modes.append(mode_of(request.headers))


def mode_of(headers: httpx.Headers) -> str:
    """The auth mode a request's headers show, as the simulator infers it."""
    if "x-api-key" in headers:
        return API_KEY
    token = headers.get("authorization", "")
    if token.startswith("AWS4-HMAC-SHA256"):
        return IAM
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return COGNITO if "cognito-idp" in str(claims.get("iss")) else OIDC


def strategies(simulator: AppSyncSimulator) -> dict[str, AuthStrategy]:
    return {
        API_KEY: ApiKeyAuth(simulator.api_key),
        COGNITO: CognitoUserPoolsAuth(simulator.cognito_token(groups=["admins"])),
        OIDC: OIDCAuth(simulator.oidc_token(sub="oidc-user")),
        IAM: IAMAuth(IAM_CREDENTIALS, region="us-east-1"),
    }


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.http.close()


def _new_note(client: Client, title: str) -> Any:
    note = client.create_note(input=CreateNoteInput(title=title), auth_modes=[API_KEY]).create_note
    assert note is not None
    return note


Call = Callable[[Client, Client], Any]
"""Runs one operation on the first client; the second (API key) prepares data."""

CALLS: dict[str, Call] = {
    "GetNote": lambda c, _: c.get_note(id="note-1"),
    "GetNode": lambda c, _: c.get_node(id="note-1"),
    "GetNoteForModeration": lambda c, _: c.get_note_for_moderation(id="note-1"),
    "ListNotes": lambda c, _: c.list_notes(limit=2),
    "Me": lambda c, _: c.me(),
    "NotesByTagGroups": lambda c, _: c.notes_by_tag_groups(tag_groups=[["onboarding"]]),
    "Search": lambda c, _: c.search(text="note"),
    "CreateNote": lambda c, _: c.create_note(input=CreateNoteInput(title="auth modes")),
    "UpdateNote": lambda c, setup: c.update_note(
        input=UpdateNoteInput(
            id=(note := _new_note(setup, "to update")).id, expected_version=note.version
        )
    ),
    "DeleteNote": lambda c, setup: c.delete_note(
        input=DeleteNoteInput(id=_new_note(setup, "to delete").id)
    ),
    "AddComment": lambda c, _: c.add_comment(
        input=AddCommentInput(note_id="note-1", body=f"auth modes {uuid.uuid4()}")
    ),
}


def test_every_query_and_mutation_is_covered() -> None:
    sent_over_http = {name for name, info in OPERATIONS.items() if info.kind != "subscription"}
    assert sent_over_http == set(CALLS)


@pytest.mark.parametrize(
    "order",
    [
        pytest.param((API_KEY, OIDC, COGNITO, IAM), id="api-key-first"),
        pytest.param((IAM, COGNITO, OIDC, API_KEY), id="iam-first"),
    ],
)
def test_each_call_goes_out_with_the_first_mode_it_allows(
    simulator: AppSyncSimulator, recorder: Recorder, order: tuple[str, ...]
) -> None:
    available = strategies(simulator)
    client = Client(
        simulator.url, auth=[available[mode] for mode in order], http_client=recorder.http
    )
    setup = Client(simulator.url, auth=available[API_KEY])
    with client, setup:
        for name, call in CALLS.items():
            allowed = OPERATIONS[name].auth_modes
            assert allowed, name
            expected = next(mode for mode in order if mode in allowed)
            before = len(recorder.modes)
            call(client, setup)  # raises on any GraphQL error, Unauthorized included
            assert recorder.modes[before:] == [expected], name


DENIED = {
    API_KEY: {"Me", "GetNoteForModeration", "DeleteNote"},
    IAM: {"Me", "GetNoteForModeration"},
    COGNITO: set(),
    OIDC: {"GetNoteForModeration", "DeleteNote"},
}
"""What the analysis says each mode cannot run (checked against OPERATIONS too)."""


@pytest.mark.parametrize("mode", [API_KEY, IAM, COGNITO, OIDC])
def test_the_simulator_agrees_with_the_analysis(simulator: AppSyncSimulator, mode: str) -> None:
    """Forcing each mode on each operation: allowed ones succeed, others are Unauthorized."""
    available = strategies(simulator)
    denied = {name for name in CALLS if mode not in (OPERATIONS[name].auth_modes or ())}
    assert denied == DENIED[mode]
    with (
        Client(simulator.url, auth=available[mode]) as client,
        Client(simulator.url, auth=available[API_KEY]) as setup,
    ):
        forced = _Forced(client, mode)
        for name, call in CALLS.items():
            if name not in denied:
                assert call(forced, setup) is not None, name
                continue
            with pytest.raises(AppSyncGraphQLError) as info:
                call(forced, setup)
            assert info.value.error_type == "Unauthorized", (name, mode)


def test_cognito_groups_are_enforced_as_recorded(simulator: AppSyncSimulator) -> None:
    """Operations recording Cognito groups fail for a Cognito user outside them."""
    outsider = CognitoUserPoolsAuth(simulator.cognito_token(groups=["readers"]))
    with (
        Client(simulator.url, auth=outsider) as client,
        Client(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as setup,
    ):
        for name, call in CALLS.items():
            info = OPERATIONS[name]
            if not info.auth_modes or COGNITO not in info.auth_modes:
                continue
            if info.cognito_groups:
                assert info.cognito_groups == (("admins",),), name
                with pytest.raises(AppSyncGraphQLError) as error:
                    call(client, setup)
                assert error.value.error_type == "Unauthorized", name
            else:
                assert call(client, setup) is not None, name


class _Forced:
    """A client whose typed methods all pass ``auth_modes=[mode]``, overriding the
    generated modes so the request is sent anyway."""

    def __init__(self, client: Client, mode: str) -> None:
        self._client = client
        self._mode = mode

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def forced(**kwargs: Any) -> Any:
            return method(**kwargs, auth_modes=[self._mode])

        return forced
