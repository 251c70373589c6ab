"""The appsync-typed demo: the generated example client against a local AppSync.

Starts the AWS AppSync simulator on 127.0.0.1 with the example schema, calls queries
and a mutation through the typed client, receives an event through a real-time
subscription, prints the typed results, and stops the simulator. Then publishes to
and receives from an Event API channel, against the project's local fake of AppSync
Events (the simulator has no Event APIs). Run it with ``make demo`` (which generates
``example_client`` first).
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date, datetime, time, timezone
from ipaddress import ip_address
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # tests/support of a checkout: the simulator launcher

from appsync_runtime import (  # noqa: E402
    ApiKeyAuth,
    AppSyncConfigError,
    AppSyncGraphQLError,
    CognitoUserPoolsAuth,
    EventsClient,
    Timeout,
)
from example_client import AsyncClient, Client  # noqa: E402
from example_client.enums import NoteStatus, Priority  # noqa: E402
from example_client.input_types import CreateNoteInput  # noqa: E402
from tests.support.simulator_launcher import AppSyncSimulator  # noqa: E402


def show(label: str, value: object) -> None:
    print(f"  {label:<22} {value!r}")


def sync_part(simulator: AppSyncSimulator) -> str:
    print("\nSync client (httpx), API key:")
    with Client(url=simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        page = client.list_notes(limit=2)
        for note in page.list_notes.items:
            print(f"  - {note.id}: {note.title!r} [{note.status.value}, {note.priority.value}]")
        show("next page token", page.list_notes.next_token)
        # iter_list_notes follows nextToken page after page (typed options too)
        pages = client.iter_list_notes(limit=1, max_pages=3, timeout=Timeout(total=10))
        show("pages of 1 (at most 3)", [len(p.list_notes.items) for p in pages])
        titles = [n.title for n in client.iter_list_notes(limit=1, max_items=3).items()]
        show("first 3 notes, paged", titles)

        note = client.get_note(id="note-1").get_note
        assert note is not None
        print(f"\n  get_note(id='note-1') -> {type(note).__name__}")
        show("created_at", note.created_at)
        show("scheduled_at", note.scheduled_at)
        show("due_date", note.due_date)
        show("reminder_time", note.reminder_time)
        show("expires_at", note.expires_at)
        show("metadata (AWSJSON)", note.metadata)
        show("source_ip", note.source_ip)

        created = client.create_note(
            input=CreateNoteInput(
                title="Ship the typed client",
                status=NoteStatus.PUBLISHED,
                priority=Priority.HIGH,
                tags=["release", "python"],
                due_date=date(2026, 12, 24),
                reminder_time=time(9, 30, tzinfo=timezone.utc),
                scheduled_at=datetime(2026, 12, 1, 8, 0, 0, 250000, tzinfo=timezone.utc),
                metadata={"estimate_hours": 3, "owners": ["ana", "li"]},
                source_ip=ip_address("192.0.2.10"),
                contact_email="team@example.com",
            )
        ).create_note
        print(f"\n  create_note(...) -> {type(created).__name__}")
        show("id", created.id)
        show("status", created.status)
        show("due_date", created.due_date)
        show("scheduled_at", created.scheduled_at)
        show("metadata", created.metadata)

        print("\n  get_note_for_moderation with an API key (a Cognito-admins-only field):")
        try:
            client.get_note_for_moderation(id="note-1")
        except AppSyncConfigError as error:
            # The operation allows only Cognito user pools: refused before sending.
            show("refused locally", str(error).split(" (operation=")[0])
        except AppSyncGraphQLError:
            pass  # a client generated without auth modes sends it: answered below
        try:
            # Override the operation's auth modes to see what AppSync answers.
            client.get_note_for_moderation(id="note-1", auth_modes=["API_KEY"])
        except AppSyncGraphQLError as error:
            show("error_type", error.error_type)
            show("partial data", error.data)
    return created.id


async def async_part(simulator: AppSyncSimulator, note_id: str) -> None:
    print("\nAsync client (asyncio), Cognito user pool token:")
    token = simulator.cognito_token(groups=["admins"])
    async with AsyncClient(url=simulator.url, auth=CognitoUserPoolsAuth(token)) as client:
        moderated = (await client.get_note_for_moderation(id=note_id)).get_note
        assert moderated is not None
        show("title", moderated.title)
        show("moderation_notes", moderated.moderation_notes)


async def subscription_part(simulator: AppSyncSimulator) -> None:
    print("\nAsync client, real-time subscription (WebSocket), API key:")
    async with AsyncClient(url=simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:

        async def on_ready() -> None:
            # AppSync acknowledged the subscription: from now on nothing is missed.
            print("  subscribed to onNoteCreated; creating a note over HTTP ...")
            await client.create_note(
                input=CreateNoteInput(
                    title="Hello from a subscription",
                    priority=Priority.LOW,
                    due_date=date(2027, 1, 15),
                    metadata={"via": "on_ready"},
                )
            )

        async for event in client.on_note_created(on_ready=on_ready):
            note = event.on_note_created
            assert note is not None
            print(f"  on_note_created -> {type(event).__name__}.{type(note).__name__}")
            show("title", note.title)
            show("priority", note.priority)
            show("due_date", note.due_date)
            show("created_at", note.created_at)
            show("metadata", note.metadata)
            break  # leaving the loop stops the subscription; close() ends the rest


async def main_async(simulator: AppSyncSimulator, note_id: str) -> None:
    await async_part(simulator, note_id)
    await asyncio.wait_for(subscription_part(simulator), 30)


def events_part() -> None:
    from tests.support.fake_events import FakeEvents

    print("\nEvent API (a local fake of AppSync Events), sync client, API key:")
    with FakeEvents() as fake, EventsClient(fake.url, auth=ApiKeyAuth(fake.api_key)) as events:

        def on_ready() -> None:
            # AppSync acknowledged the subscription: publish over HTTP now.
            result = events.publish("/default/demo", {"text": "hello, channel"}, "two")
            show("publish ok", result.ok)
            show("published indexes", [event.index for event in result.successful])

        print("  subscribing to /default/* ...")
        subscription = events.subscribe("/default/*", on_ready=on_ready)
        for number, event in enumerate(subscription, 1):
            show(f"received event {number}", event)
            if number == 2:
                break  # leaving the loop unsubscribes


def main() -> None:
    config = HERE / "simulator.json"
    print("Starting the local AppSync simulator (127.0.0.1) ...")
    with AppSyncSimulator(config) as simulator:
        print(f"  listening at {simulator.url}")
        note_id = sync_part(simulator)
        asyncio.run(main_async(simulator, note_id))
    print("\nSimulator stopped.")
    events_part()


if __name__ == "__main__":
    main()
