"""Pages and AsyncPages: following a token through pages of any shape, with limits."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_runtime import AppSyncConfigError, AppSyncResponseError, AsyncPages, Pages
from appsync_runtime.unset import UNSET
from tests.support.examples import examples


@dataclass
class Connection:
    items: list[int] | None
    next_token: str | None


@dataclass
class Page:
    listing: Connection | None


@dataclass
class Server:
    """Pages of the given sizes; the token is the page's index."""

    sizes: list[int]
    sent: list[object] = field(default_factory=list[object])

    def page(self, token: object) -> Page:
        self.sent.append(token)
        index = 0 if token is UNSET or token is None else int(str(token))
        start = sum(self.sizes[:index])
        items = list(range(start, start + self.sizes[index]))
        following = str(index + 1) if index + 1 < len(self.sizes) else None
        return Page(Connection(items, following))

    async def apage(self, token: object) -> Page:
        await asyncio.sleep(0)
        return self.page(token)


PATHS = {"token": ("listing", "next_token"), "items": ("listing", "items")}
limits = st.none() | st.integers(min_value=1, max_value=12)


@settings(max_examples=examples(150), deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=8),
    max_pages=limits,
    max_items=limits,
)
def test_pages_and_items_follow_the_tokens_within_the_limits(
    sizes: list[int], max_pages: int | None, max_items: int | None
) -> None:
    server = Server(sizes)
    pages = Pages[Page, int](
        server.page, max_pages=max_pages, max_items=max_items, operation="List", **PATHS
    )
    # the reference: pages in order, stopping after max_pages, or once max_items arrived
    expected_pages: list[int] = []
    arrived = 0
    for index, size in enumerate(sizes):
        if max_pages is not None and len(expected_pages) >= max_pages:
            break
        if max_items is not None and arrived >= max_items:
            break
        expected_pages.append(index)
        arrived += size
    everything = list(range(sum(sizes[index] for index in expected_pages)))
    expected_items = everything if max_items is None else everything[:max_items]

    got_pages = list(pages)
    assert [page.listing.next_token for page in got_pages if page.listing] == [
        str(i + 1) if i + 1 < len(sizes) else None for i in expected_pages
    ]
    finished = len(expected_pages) == len(sizes)
    assert (pages.next_token is None) == finished
    server.sent.clear()
    items = list(pages.items())
    # items() stops at max_items exactly, even inside a page
    assert items == expected_items
    assert server.sent[0] is UNSET  # the first page is fetched without a token

    async def collect() -> tuple[list[Page], list[int]]:
        apages = AsyncPages[Page, int](
            server.apage, max_pages=max_pages, max_items=max_items, operation="List", **PATHS
        )
        return [page async for page in apages], [item async for item in apages.items()]

    async_pages, async_items = asyncio.run(collect())
    assert async_pages == got_pages and async_items == items


def test_a_null_parent_ends_the_pages() -> None:
    pages = Pages[Page, int](lambda token: Page(None), **PATHS)
    assert len(list(pages)) == 1 and list(pages.items()) == []
    assert pages.next_token is None


def test_a_token_that_repeats_raises_after_its_page() -> None:
    def same(token: object) -> Page:
        return Page(Connection([1], "again"))

    pages = Pages[Page, int](same, "again", operation="List", **PATHS)
    delivered: list[Page] = []
    with pytest.raises(AppSyncResponseError, match="List: page 1 returned the token it was"):
        for page in pages:
            delivered.append(page)
    assert len(delivered) == 1
    # a limit reached first simply stops
    assert len(list(Pages[Page, int](same, "again", max_pages=1, **PATHS))) == 1


def test_items_that_are_not_a_list_are_a_response_error() -> None:
    @dataclass
    class Odd:
        listing: object

    pages = Pages[Odd, int](lambda token: Odd(Connection(None, None)), **PATHS)
    assert list(pages.items()) == []
    weird = Pages[Odd, int](
        lambda token: Odd(type("C", (), {"items": "abc", "next_token": None})()), **PATHS
    )
    with pytest.raises(AppSyncResponseError, match=r"listing\.items is not a list"):
        list(weird.items())


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "2"])
def test_bad_limits_are_config_errors(value: object) -> None:
    for limit in ("max_pages", "max_items"):
        with pytest.raises(AppSyncConfigError, match=limit):
            Pages[Page, int](lambda token: Page(None), **PATHS, **{limit: value})  # type: ignore[arg-type]


def test_options_are_checked_when_the_iterator_is_made() -> None:
    with pytest.raises(AppSyncConfigError, match="'retries' \\(did you mean 'retry'\\?\\)"):
        Pages[Page, int](lambda token: Page(None), options={"retries": 2}, **PATHS)
    Pages[Page, int](lambda token: Page(None), options={"retry": None, "timeout": 2}, **PATHS)
