"""Mistakes the type checkers catch in a user's test (each line marked ``# wrong``
must get an error, no other line may)."""

from __future__ import annotations

from appsync_runtime.testing import AppSyncFake, Stub, SubscriptionFeed, build
from example_client import AsyncClient, Client, GetNote, ListNotes, OnNoteCreated


def misuse(fake: AppSyncFake) -> None:
    stub: Stub[GetNote] = fake.on(Client.get_note)
    feed: SubscriptionFeed[OnNoteCreated] = fake.on(Client.on_note_created)
    async_stub: Stub[GetNote] = fake.on(AsyncClient.get_note)
    async_feed: SubscriptionFeed[OnNoteCreated] = fake.on(AsyncClient.on_note_created)
    stub.reply(build(GetNote), {"getNote": None}, lambda variables: build(GetNote))
    feed.event(build(OnNoteCreated), {"onNoteCreated": None})
    async_stub.reply(build(GetNote))
    async_feed.event(build(OnNoteCreated))
    fake.on("GetNote").reply(build(ListNotes))  # by name: any model, checked at run time
    stub.reply(build(ListNotes))  # wrong
    async_stub.reply(build(ListNotes))  # wrong
    stub.reply(lambda variables: build(ListNotes))  # wrong
    feed.event(build(GetNote))  # wrong
    fake.on(Client.on_note_created).reply(build(OnNoteCreated))  # wrong
    fake.on(Client.get_note).event(build(GetNote))  # wrong
    wrong_kind: Stub[ListNotes] = fake.on(Client.get_note)  # wrong
    assert wrong_kind is not None
