"""A small application built on the generated example client.

It is what the README's "Testing your code" section and ``app_tests/`` test with
:mod:`appsync_runtime.testing`: code that calls the client, handles its typed errors
and consumes subscriptions, written as an application would.
"""

from __future__ import annotations

from collections.abc import Callable

from appsync_runtime import AppSyncGraphQLError, SubscriptionGap
from example_client import AsyncClient, Client
from example_client.input_types import CreateNoteInput


def note_title(client: Client, note_id: str) -> str:
    """The note's title, or ``"(deleted)"`` when it no longer exists."""
    note = client.get_note(note_id).get_note
    return "(deleted)" if note is None else note.title


def create_note(client: Client, title: str, tags: list[str]) -> str:
    """Create a note and return its id; a duplicate title is reported, not raised."""
    try:
        created = client.create_note(CreateNoteInput(title=title, tags=tags)).create_note
    except AppSyncGraphQLError as exc:
        if exc.errors and exc.errors[0].error_type == "DuplicateTitle":
            return f"duplicate: {title}"
        raise
    if created is None:
        raise RuntimeError("AppSync returned no note")
    return created.id


async def note_titles(client: AsyncClient, note_ids: list[str]) -> list[str]:
    """Every note's title, in order (``"(deleted)"`` for those gone)."""
    titles: list[str] = []
    for note_id in note_ids:
        note = (await client.get_note(note_id)).get_note
        titles.append("(deleted)" if note is None else note.title)
    return titles


def watch_new_notes(
    client: Client, author_id: str, on_ready: Callable[[], object] | None = None
) -> tuple[list[str], int]:
    """Titles of the notes ``author_id`` creates, until the subscription ends, and how
    many times the stream had a gap (events may have been missed: catch up then)."""
    titles: list[str] = []
    gaps: list[SubscriptionGap] = []
    for event in client.on_note_created(author_id=author_id, on_ready=on_ready, on_gap=gaps.append):
        if event.on_note_created is not None:
            titles.append(event.on_note_created.title)
    return titles, len(gaps)


async def first_new_notes(client: AsyncClient, count: int) -> list[str]:
    """The titles of the next ``count`` notes created by anyone."""
    titles: list[str] = []
    async for event in client.on_note_created():
        if event.on_note_created is not None:
            titles.append(event.on_note_created.title)
        if len(titles) == count:
            break
    return titles
