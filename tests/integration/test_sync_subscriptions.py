"""The generated blocking client's subscriptions against the AppSync simulator.

``client.on_note_created()`` is a blocking iterator of typed events. Each test
subscribes, and from ``on_ready`` (once the simulator acknowledged the ``start``)
fires the triggering mutation with another client; a watchdog closes the
subscriber if the event never comes, which ends the iterator instead of hanging.
The simulator ignores subscription arguments: tests pick their event by content.
"""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from appsync_runtime import ApiKeyAuth, CognitoUserPoolsAuth, Credentials, IAMAuth
from tests.support.simulator import EXAMPLE_SCHEMA_DIR
from tests.support.simulator_launcher import AppSyncSimulator

sys.path.insert(0, str(EXAMPLE_SCHEMA_DIR))

from example_client import Client
from example_client.enums import NoteStatus
from example_client.input_types import CreateNoteInput, UpdateNoteInput
from example_client.on_note_changed import OnNoteChanged
from example_client.on_note_created import OnNoteCreated

TIMEOUT = 20.0
IAM = IAMAuth(
    Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    region="us-east-1",
)


@pytest.fixture
def trigger(simulator: AppSyncSimulator) -> Iterator[Client]:
    """The other client, which runs the mutations (over IAM)."""
    with Client(simulator.url, auth=IAM) as client:
        yield client


def _watchdog(client: Client) -> threading.Timer:
    timer = threading.Timer(TIMEOUT, client.close)
    timer.daemon = True
    timer.start()
    return timer


def test_typed_event_from_another_clients_mutation(
    simulator: AppSyncSimulator, trigger: Client
) -> None:
    title = f"sync subscription {uuid.uuid4()}"
    received: list[OnNoteCreated] = []
    with Client(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        watchdog = _watchdog(client)

        def on_ready() -> None:
            created = trigger.create_note(
                input=CreateNoteInput(
                    title=title, status=NoteStatus.PUBLISHED, due_date=date(2031, 1, 2)
                )
            )
            assert created.create_note is not None

        try:
            for event in client.on_note_created(on_ready=on_ready):
                if event.on_note_created is not None and event.on_note_created.title == title:
                    received.append(event)
                    break  # leaving the loop stops the subscription
        finally:
            watchdog.cancel()
    (event,) = received
    assert isinstance(event, OnNoteCreated)
    note = event.on_note_created
    assert note is not None
    assert note.status is NoteStatus.PUBLISHED
    assert note.due_date == date(2031, 1, 2)
    assert isinstance(note.created_at, datetime) and note.created_at.tzinfo is not None
    assert note.author.name  # nested fragment models are parsed too


def test_a_multi_auth_subscriber_gets_typed_changes(
    simulator: AppSyncSimulator, trigger: Client
) -> None:
    """Strategies in order: the subscription goes with the first its method allows
    (Cognito here), and ``on_note_changed`` yields typed update events."""
    base = trigger.create_note(input=CreateNoteInput(title=f"base {uuid.uuid4()}")).create_note
    assert base is not None
    title = f"changed {uuid.uuid4()}"
    cognito = CognitoUserPoolsAuth(simulator.cognito_token(groups=["admins"]))
    received: list[OnNoteChanged] = []
    with Client(simulator.url, auth=[cognito, ApiKeyAuth(simulator.api_key)]) as client:
        watchdog = _watchdog(client)

        def on_ready() -> None:
            trigger.update_note(
                input=UpdateNoteInput(id=base.id, expected_version=base.version, title=title)
            )

        try:
            for event in client.on_note_changed(id=base.id, on_ready=on_ready):
                if event.on_note_changed is not None and event.on_note_changed.title == title:
                    received.append(event)
                    break
        finally:
            watchdog.cancel()
    (event,) = received
    assert event.on_note_changed is not None
    assert event.on_note_changed.version == base.version + 1
