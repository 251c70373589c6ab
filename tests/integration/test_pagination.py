"""The generated ``iter_*`` methods against the local AppSync simulator, sync and async.

The simulator's ``listNotes`` pages with real ``nextToken`` s (an offset it encodes
and checks); each test creates its own notes under a tag of its own.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import uuid
from collections.abc import Callable

import pytest

from appsync_runtime import ApiKeyAuth, AppSyncAuthError, AppSyncConfigError
from tests.support.simulator import EXAMPLE_SCHEMA_DIR
from tests.support.simulator_launcher import AppSyncSimulator

sys.path.insert(0, str(EXAMPLE_SCHEMA_DIR))

from example_client import AsyncClient, Client
from example_client.input_types import CreateNoteInput, NoteFilter
from example_client.list_notes import ListNotes

NOTES = 7


@pytest.fixture(scope="module")
def tagged(simulator: AppSyncSimulator) -> tuple[str, list[str]]:
    """A tag of this module's own and the ids of the notes carrying it, oldest first."""
    tag = f"pages-{uuid.uuid4().hex[:8]}"
    with Client(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        ids = [
            client.create_note(CreateNoteInput(title=f"page note {n}", tags=[tag])).create_note.id
            for n in range(NOTES)
        ]
    return tag, ids


def _sync_pages(simulator: AppSyncSimulator, **kwargs: object) -> list[ListNotes]:
    with Client(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        return list(client.iter_list_notes(**kwargs))  # type: ignore[arg-type]


def _async_pages(simulator: AppSyncSimulator, **kwargs: object) -> list[ListNotes]:
    async def run() -> list[ListNotes]:
        async with AsyncClient(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
            return [page async for page in client.iter_list_notes(**kwargs)]  # type: ignore[arg-type]

    return asyncio.run(run())


@pytest.fixture(params=["sync", "async"])
def pages(
    request: pytest.FixtureRequest, simulator: AppSyncSimulator
) -> Callable[..., list[ListNotes]]:
    fetch = _sync_pages if request.param == "sync" else _async_pages
    return lambda **kwargs: fetch(simulator, **kwargs)


def _ids(found: list[ListNotes]) -> list[str]:
    return [note.id for page in found for note in page.list_notes.items]


def test_the_tokens_are_followed_to_the_last_page(
    pages: Callable[..., list[ListNotes]], tagged: tuple[str, list[str]]
) -> None:
    tag, ids = tagged
    found = pages(filter_=NoteFilter(tag=tag), limit=3)
    assert [len(page.list_notes.items) for page in found] == [3, 3, 1]
    assert sorted(_ids(found)) == sorted(ids)
    assert found[-1].list_notes.next_token is None
    assert all(page.list_notes.next_token for page in found[:-1])


def test_max_pages_stops_early(
    pages: Callable[..., list[ListNotes]], tagged: tuple[str, list[str]]
) -> None:
    tag, ids = tagged
    found = pages(filter_=NoteFilter(tag=tag), limit=2, max_pages=2)
    assert len(found) == 2 and len(_ids(found)) == 4
    assert found[-1].list_notes.next_token is not None  # more were there
    assert set(_ids(found)) < set(ids)


def test_items_stop_at_max_items_mid_page(
    simulator: AppSyncSimulator, tagged: tuple[str, list[str]]
) -> None:
    tag, ids = tagged
    with Client(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        items = list(client.iter_list_notes(filter_=NoteFilter(tag=tag), limit=3).items())
        limited = list(
            client.iter_list_notes(filter_=NoteFilter(tag=tag), limit=3, max_items=4).items()
        )
        # a page loop with max_items stops once that many items arrived: whole pages
        page_loop = list(client.iter_list_notes(filter_=NoteFilter(tag=tag), limit=3, max_items=4))
    assert sorted(item.id for item in items) == sorted(ids)
    assert [item.id for item in limited] == [item.id for item in items][:4]
    assert [len(page.list_notes.items) for page in page_loop] == [3, 3]

    async def run() -> list[str]:
        async with AsyncClient(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
            found = client.iter_list_notes(filter_=NoteFilter(tag=tag), limit=2, max_items=5)
            return [item.id async for item in found.items()]

    assert asyncio.run(run()) == [item.id for item in items][:5]


def test_each_iteration_starts_again_from_the_first_page(
    simulator: AppSyncSimulator, tagged: tuple[str, list[str]]
) -> None:
    tag, _ = tagged
    with Client(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        iterator = client.iter_list_notes(filter_=NoteFilter(tag=tag), limit=4)
        first = [page.list_notes.next_token for page in iterator]
        second = [page.list_notes.next_token for page in iterator]
    assert first == second and len(first) == 2 and iterator.next_token is None


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_error_mid_iteration_is_typed_and_keeps_the_pages_delivered(
    kind: str, simulator: AppSyncSimulator, tagged: tuple[str, list[str]]
) -> None:
    """The API key is revoked after the second page: the third raises AppSyncAuthError
    where the loop is, the two pages already delivered stay, and ``next_token`` says
    where to resume."""
    tag, ids = tagged
    calls = itertools.count()

    def key() -> str:
        return simulator.api_key if next(calls) < 2 else "da2-revoked0000000000000000"

    delivered: list[ListNotes] = []
    if kind == "sync":
        with Client(simulator.url, auth=ApiKeyAuth(key)) as client:
            iterator = client.iter_list_notes(filter_=NoteFilter(tag=tag), limit=2)
            with pytest.raises(AppSyncAuthError):
                for page in iterator:
                    delivered.append(page)
            resume = iterator.next_token
    else:

        async def run() -> object:
            async with AsyncClient(simulator.url, auth=ApiKeyAuth(key)) as client:
                iterator = client.iter_list_notes(filter_=NoteFilter(tag=tag), limit=2)
                with pytest.raises(AppSyncAuthError):
                    async for page in iterator:
                        delivered.append(page)
                return iterator.next_token

        resume = asyncio.run(run())
    assert len(delivered) == 2 and len(_ids(delivered)) == 4
    assert resume == delivered[-1].list_notes.next_token
    # resuming from there with a good key delivers exactly the rest
    rest = _sync_pages(simulator, filter_=NoteFilter(tag=tag), limit=2, next_token=resume)
    assert sorted(_ids(delivered) + _ids(rest)) == sorted(ids)


def test_bad_limits_and_options_fail_before_sending(simulator: AppSyncSimulator) -> None:
    with Client(simulator.url, auth=ApiKeyAuth(simulator.api_key)) as client:
        with pytest.raises(AppSyncConfigError, match="max_pages"):
            client.iter_list_notes(max_pages=0)
        with pytest.raises(AppSyncConfigError, match="max_items"):
            client.iter_list_notes(max_items=True)
        with pytest.raises(AppSyncConfigError, match="'timout' \\(did you mean 'timeout'\\?\\)"):
            client.iter_list_notes(timout=3)  # type: ignore[call-arg]
